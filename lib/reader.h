/* What the YAML reader (lib/yaml_read.c) and the JSON reader (lib/json_read.c) share.
 *
 * Both build collections the same way: an open collection is a frame on a growable stack, its
 * children wait on a shared kid stack, and when it ends they are copied into the document's
 * arena. Both refuse duplicate mapping keys, as serde does when Moose reads either format.
 * Only the scanning of the text differs, so only that stays in the readers. */
#ifndef MIGPLAN_READER_H
#define MIGPLAN_READER_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"

/* The checks every reader makes before reading: its arguments (EINVAL, the message names
 * `fn`) and the input size (ELIMIT when above lim->max_bytes). Sets *out to NULL. */
migplan_status migplan__reader_check(const char *fn, migplan__doc **out, const char *buf,
                                     size_t len, const char *path, const migplan__limits *lim);

/* An empty document of `format` for an input of `len` bytes, with a copy of path (which may be
 * NULL). NULL when out of memory. */
migplan__doc *migplan__reader_doc_new(const char *path, size_t len, migplan__doc_format format);

/* Makes room for `need` elements of `elem` bytes in the malloc'd array *items (64 at first,
 * then doubling). 1 on success, 0 when out of memory, leaving the array as it was. */
int migplan__reader_reserve(void **items, size_t *cap, size_t need, size_t elem);

/* A seeded hash of n bytes, for the key set and the YAML anchor table. */
uint64_t migplan__reader_hash(uint64_t seed, const char *s, size_t n);

/* Hash set of key indices, reused by every mapping of one read. */
typedef struct migplan__keyset {
	uint32_t *slots;
	size_t cap;
	uint64_t seed;
} migplan__keyset;

/* `salt` is an address of the reader: a seed taken from it keeps precomputed collisions from
 * being portable. */
void migplan__keyset_init(migplan__keyset *ks, const void *salt);
void migplan__keyset_release(migplan__keyset *ks);

/* Ends a sequence: node gets a copy of its n items, in the document's arena. ENOMEM. */
migplan_status migplan__reader_end_seq(migplan__doc *doc, migplan_node *node,
                                       const migplan_node *items, size_t n);

/* Ends a mapping: node gets a copy of kv (key, value, key, value...; n entries), in the
 * document's arena. EPARSE at the first key that repeats an earlier one, ENOMEM. */
migplan_status migplan__reader_end_map(migplan__doc *doc, migplan__keyset *keys,
                                       migplan_node *node, const migplan_node *kv, size_t n);

/* Makes a copy of the finished root node in the arena and sets doc->root. ENOMEM. */
migplan_status migplan__reader_set_root(migplan__doc *doc, const migplan_node *root);

/* Records the first string holding a NUL byte (see migplan__doc.first_nul). */
void migplan__reader_note_nul(migplan__doc *doc, const migplan_node *n);

/* The texts of one read: equal short texts share one record (see migplan__text). */
/* A text with its hash, so that a probe or a rehash reads the text only when the hashes match
 * (a large document's table does not fit in the cache: every text read is a miss). */
typedef struct migplan__text_slot {
	uint64_t hash;
	const migplan__text *text;
} migplan__text_slot;

typedef struct migplan__texts {
	migplan__text_slot *slots; /* open addressing, power-of-two capacity */
	size_t cap, used;
	uint64_t seed;
	/* the last text seen per hash bucket: the keys and common values that make most of a
	 * document are found here, in cache, whatever the size of the table */
	migplan__text_slot recent[256];
} migplan__texts;

void migplan__texts_init(migplan__texts *t, const void *salt);
void migplan__texts_release(migplan__texts *t);
/* The document's record of these len bytes (a shared one when they were seen before), NULL
 * when out of memory. */
const migplan__text *migplan__texts_get(migplan__texts *t, migplan__doc *doc, const char *s,
                                        size_t len);

#endif
