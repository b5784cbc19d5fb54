/* The document tree (private layout of migplan_node) and the readers that build it.
 *
 * One migplan__doc per input file or buffer. Its arena owns every node and string, so
 * freeing a document is one call and nodes can point into each other freely (aliases share). */
#ifndef MIGPLAN_DOC_H
#define MIGPLAN_DOC_H

#include "migplan/node.h"
#include "migplan/options.h"

#include "arena.h"

/* How a scalar was written; the readers need it to type plain scalars, the emitter ignores it. */
enum {
	MIGPLAN__STYLE_PLAIN = 0,
	MIGPLAN__STYLE_SINGLE = 1,
	MIGPLAN__STYLE_DOUBLE = 2,
	MIGPLAN__STYLE_LITERAL = 3,
	MIGPLAN__STYLE_FOLDED = 4,
	MIGPLAN__STYLE_BLOCK = 0, /* collections */
	MIGPLAN__STYLE_FLOW = 1
};

typedef struct migplan__doc migplan__doc;
typedef struct migplan__pair migplan__pair;

struct migplan_node {
	uint8_t kind;   /* migplan_node_kind */
	uint8_t style;  /* MIGPLAN__STYLE_* */
	uint16_t flags; /* reserved */
	uint32_t line;  /* 1-based */
	uint32_t column;/* 1-based, in code points */
	uint32_t offset;/* 0-based byte offset (inputs are limited below 4 GiB) */
	const migplan__doc *doc;
	union {
		/* every scalar keeps its text as written (after unescaping); numbers and
		 * booleans are converted on demand */
		struct { const char *ptr; uint32_t len; } s;
		struct { migplan_node **items; uint32_t count; } seq;
		struct { migplan__pair *pairs; uint32_t count; } map;
	} u;
};

struct migplan__pair {
	const migplan_node *key;   /* always a scalar node; its text is the key */
	const migplan_node *value;
};

/* Accessors for the library's own code (the public ones in node.c check their arguments;
 * these trust the caller to pass the right kind). */
static inline uint32_t migplan__nkids(const migplan_node *n) /* pairs of a map, items of a seq */
{
	return n->kind == MIGPLAN_NODE_MAP ? n->u.map.count : n->u.seq.count;
}
static inline const migplan_node *migplan__item(const migplan_node *seq, size_t i)
{
	return seq->u.seq.items[i];
}
static inline const migplan_node *migplan__key(const migplan_node *map, size_t i)
{
	return map->u.map.pairs[i].key;
}
static inline const migplan_node *migplan__val(const migplan_node *map, size_t i)
{
	return map->u.map.pairs[i].value;
}
static inline const char *migplan__sptr(const migplan_node *scalar)
{
	return scalar->u.s.ptr;
}
static inline uint32_t migplan__slen(const migplan_node *scalar)
{
	return scalar->u.s.len;
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
	/* the first string (value or key) holding a NUL byte, or NULL: plans and snapshots refuse
	 * it, because their C-string accessors would cut such a name or statement short */
	const migplan_node *first_nul;
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
