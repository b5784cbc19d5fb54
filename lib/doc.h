/* The document tree (private layout of migplan_node) and the readers that build it.
 *
 * One migplan__doc per input file or buffer. Its arena owns every node and string, so
 * freeing a document is one call and records can be shared freely (equal texts; a YAML alias
 * is a copy of the anchored node, sharing its text or children). */
#ifndef MIGPLAN_DOC_H
#define MIGPLAN_DOC_H

#include <string.h>

#include "migplan/node.h"
#include "migplan/options.h"

#include "arena.h"

/* How a scalar was written: the YAML reader types plain scalars only (nodes do not keep it). */
enum {
	MIGPLAN__STYLE_PLAIN = 0,
	MIGPLAN__STYLE_SINGLE = 1,
	MIGPLAN__STYLE_DOUBLE = 2,
	MIGPLAN__STYLE_LITERAL = 3,
	MIGPLAN__STYLE_FOLDED = 4
};

typedef struct migplan__doc migplan__doc;
typedef struct migplan__pair migplan__pair;

/* A node is 20 bytes and holds no kind, count, length or document of its own: a large
 * snapshot has about one node per 15 bytes of input, so every byte here is about 1/15 of the
 * input size in memory (issue 10 asks for at most 3 times the input in all). What a node
 * refers to (its text or children record) starts with its document, and the record's address
 * is a multiple of 8, which leaves its 3 low bits for the node's kind. */
struct migplan_node {
	uint32_t line;  /* 1-based */
	uint32_t column;/* 1-based, in code points */
	uint32_t offset;/* 0-based byte offset (inputs are limited below 4 GiB) */
	/* the record's address | kind, in two halves so that a node needs only 4-byte alignment;
	 * read and written with migplan__kind() and friends below */
	uint32_t ref[2];
};

/* A scalar's text as written (after unescaping; numbers and booleans are converted on
 * demand). The readers give equal texts of one document one shared record: keys and values
 * such as "name" or "Int64" repeat thousands of times. */
typedef struct migplan__text {
	const migplan__doc *doc;
	uint32_t len;
	char bytes[]; /* len bytes, then a NUL */
} migplan__text;

/* A collection's children, by value: a sequence's items, or a mapping's keys and values
 * interleaved (key 0, value 0, key 1, ...); count is items or pairs. */
typedef struct migplan__kids {
	const migplan__doc *doc;
	uint32_t count;
	migplan_node nodes[];
} migplan__kids;

static inline uint64_t migplan__ref_word(const migplan_node *n)
{
	uint64_t w;
	memcpy(&w, n->ref, sizeof w);
	return w;
}

static inline migplan_node_kind migplan__kind(const migplan_node *n)
{
	return (migplan_node_kind)(migplan__ref_word(n) & 7u);
}

/* Sets the kind and the text or children record (8-aligned; NULL while a collection is read). */
static inline void migplan__node_set(migplan_node *n, migplan_node_kind kind, const void *record)
{
	uint64_t w = (uint64_t)(uintptr_t)record | (uint64_t)kind;
	memcpy(n->ref, &w, sizeof w);
}

static inline const migplan__text *migplan__text_of(const migplan_node *n)
{
	return (const migplan__text *)(uintptr_t)(migplan__ref_word(n) & ~(uint64_t)7);
}

static inline const migplan__kids *migplan__kids_of(const migplan_node *n)
{
	return (const migplan__kids *)(uintptr_t)(migplan__ref_word(n) & ~(uint64_t)7);
}

/* Records in arena (8-aligned, as the kind bits need), for the readers and the node builders;
 * NULL when out of memory. A text record copies len bytes of s and adds a NUL; a children
 * record has room for n nodes, which the caller fills, and holds count (items or pairs). */
migplan__text *migplan__text_new(migplan__arena *arena, const migplan__doc *doc, const char *s,
                                 size_t len);
migplan__kids *migplan__kids_new(migplan__arena *arena, const migplan__doc *doc, size_t n,
                                 uint32_t count);

/* Input of the node builders (lib/emit.h) that make mappings. */
struct migplan__pair {
	const migplan_node *key;   /* always a scalar node; its text is the key */
	const migplan_node *value;
};

static inline int migplan__is_collection(const migplan_node *n)
{
	migplan_node_kind k = migplan__kind(n);
	return k == MIGPLAN_NODE_SEQ || k == MIGPLAN_NODE_MAP;
}

/* Accessors for the library's own code (the public ones in node.c check their arguments;
 * these trust the caller to pass the right kind). */
static inline const migplan__doc *migplan__node_doc(const migplan_node *n)
{
	/* a collection still being read has no children record yet */
	if (migplan__is_collection(n))
		return migplan__kids_of(n) ? migplan__kids_of(n)->doc : NULL;
	return migplan__text_of(n) ? migplan__text_of(n)->doc : NULL;
}
static inline uint32_t migplan__nkids(const migplan_node *n) /* pairs of a map, items of a seq */
{
	return migplan__kids_of(n)->count;
}
static inline const migplan_node *migplan__item(const migplan_node *seq, size_t i)
{
	return &migplan__kids_of(seq)->nodes[i];
}
static inline const migplan_node *migplan__key(const migplan_node *map, size_t i)
{
	return &migplan__kids_of(map)->nodes[2 * i];
}
static inline const migplan_node *migplan__val(const migplan_node *map, size_t i)
{
	return &migplan__kids_of(map)->nodes[2 * i + 1];
}
static inline const char *migplan__sptr(const migplan_node *scalar)
{
	return migplan__text_of(scalar)->bytes;
}
static inline uint32_t migplan__slen(const migplan_node *scalar)
{
	return migplan__text_of(scalar)->len;
}

typedef enum migplan__doc_format {
	MIGPLAN__DOC_YAML = 0,
	MIGPLAN__DOC_JSON = 1
} migplan__doc_format;

struct migplan__doc {
	migplan__arena arena;
	char *path;          /* file path or buffer name, arena-owned */
	migplan__doc_format format;
	migplan_node *root;  /* NULL for an empty YAML stream */
	size_t size;         /* input bytes */
	uint64_t node_count; /* nodes including alias expansions */
	/* the first string (value or key) holding a NUL byte, when has_nul: plans and snapshots
	 * refuse it, because their C-string accessors would cut such a name or statement short */
	int has_nul;
	migplan_node first_nul;
};

/* Effective limits: the options with every 0 replaced by the default. */
typedef struct migplan__limits {
	uint64_t max_bytes;
	uint32_t max_depth;
	uint32_t max_aliases;
	uint32_t max_ops;
	uint64_t max_string;
	uint64_t max_nodes;
} migplan__limits;

/* Checks opts->version (EVERSION) and fills the limits. opts may be NULL. */
migplan_status migplan__limits_from(migplan__limits *out, const migplan_parse_options *opts);

/* Readers. On failure *out is NULL and the thread's error names path, line and column.
 * The buffer need not be NUL-terminated. A leading UTF-8 BOM is skipped (positions count
 * from the byte after it as column 1 of line 1; offsets count from the first byte). */
migplan_status migplan__yaml_read(migplan__doc **out, const char *buf, size_t len,
                                  const char *path, const migplan__limits *lim);
migplan_status migplan__json_read(migplan__doc **out, const char *buf, size_t len,
                                  const char *path, const migplan__limits *lim);
/* Reads a whole file into a malloc'd buffer (EIO, ELIMIT when larger than max_bytes). */
migplan_status migplan__file_read(char **out, size_t *len_out, const char *path, uint64_t max_bytes);
/* migplan__file_read with lim->max_bytes, then the reader of `format` (path names the
 * document). On failure *out is NULL. */
migplan_status migplan__doc_read_file(migplan__doc **out, const char *path,
                                      migplan__doc_format format, const migplan__limits *lim);

void migplan__doc_free(migplan__doc *doc);

/* Internal conveniences over the public accessors. */
const char *migplan__node_str(const migplan_node *n); /* text of a STRING node, else NULL */
int migplan__node_is(const migplan_node *n, migplan_node_kind kind);

#endif
