/* The parts of the YAML and JSON readers that do not depend on the syntax (see reader.h). */
#include "reader.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

#define SMALL_MAP 8u /* up to this many pairs, duplicates are found by direct comparison */
#define NO_DUP UINT32_MAX
#define DUP_OOM (UINT32_MAX - 1)
#define EMPTY_SLOT UINT32_MAX

/* ---- starting a read ---- */

migplan_status migplan__reader_check(const char *fn, migplan__doc **out, const char *buf,
                                     size_t len, const char *path, const migplan__limits *lim)
{
	if (!out || (!buf && len) || !lim)
		return migplan__error(MIGPLAN_EINVAL, "%s: invalid argument", fn);
	*out = NULL;
	if (len > lim->max_bytes)
		return migplan__error_at(MIGPLAN_ELIMIT, path, 0, 0, 0,
		                         "input is %zu bytes, more than the limit of %llu (max_bytes)",
		                         len, (unsigned long long)lim->max_bytes);
	return MIGPLAN_OK;
}

migplan__doc *migplan__reader_doc_new(const char *path, size_t len, migplan__doc_format format)
{
	/* the document lives in its own arena, so it is allocated from a local one first */
	migplan__arena a;
	migplan__arena_init(&a);
	migplan__doc *doc = migplan__arena_zalloc(&a, sizeof *doc);
	if (!doc) {
		migplan__arena_release(&a);
		return NULL;
	}
	doc->arena = a;
	doc->format = format;
	doc->size = len;
	if (path && !(doc->path = migplan__arena_strdup(&doc->arena, path))) {
		migplan__doc_free(doc);
		return NULL;
	}
	return doc;
}

/* ---- stacks and hashing ---- */

int migplan__reader_reserve(void **items, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 1;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*items, n * elem);
	if (!q)
		return 0;
	*items = q;
	*cap = n;
	return 1;
}

uint64_t migplan__reader_hash(uint64_t seed, const char *s, size_t n)
{
	uint64_t h = seed ^ 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	/* final mix so that the low bits used as the slot depend on every byte */
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

/* ---- the duplicate-key check ---- */

void migplan__keyset_init(migplan__keyset *ks, const void *salt)
{
	ks->slots = NULL;
	ks->cap = 0;
	ks->seed = (uint64_t)(uintptr_t)salt * 0x9E3779B97F4A7C15ull;
}

void migplan__keyset_release(migplan__keyset *ks)
{
	free(ks->slots);
	ks->slots = NULL;
	ks->cap = 0;
}

static int same_text(const migplan_node *a, const migplan_node *b)
{
	return a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
}

/* Index of the first pair whose key repeats an earlier key, NO_DUP, or DUP_OOM. kv holds key,
 * value, key, value... Linear in the pair count. */
static uint32_t first_duplicate(migplan__keyset *ks, migplan_node *const *kv, uint32_t npairs)
{
	if (npairs <= SMALL_MAP) {
		for (uint32_t j = 1; j < npairs; j++)
			for (uint32_t i = 0; i < j; i++)
				if (same_text(kv[2 * i], kv[2 * j]))
					return j;
		return NO_DUP;
	}
	size_t cap = 32;
	while (cap < (size_t)npairs * 2)
		cap *= 2;
	if (cap > ks->cap) {
		uint32_t *s = realloc(ks->slots, cap * sizeof *s);
		if (!s)
			return DUP_OOM;
		ks->slots = s;
		ks->cap = cap;
	}
	memset(ks->slots, 0xff, cap * sizeof *ks->slots);
	size_t mask = cap - 1;
	for (uint32_t j = 0; j < npairs; j++) {
		const migplan_node *k = kv[2 * j];
		size_t h = (size_t)migplan__reader_hash(ks->seed, k->u.s.ptr, k->u.s.len) & mask;
		while (ks->slots[h] != EMPTY_SLOT) {
			if (same_text(kv[2 * ks->slots[h]], k))
				return j;
			h = (h + 1) & mask;
		}
		ks->slots[h] = j;
	}
	return NO_DUP;
}

/* ---- ending collections ---- */

migplan_status migplan__reader_end_seq(migplan__doc *doc, migplan_node *node,
                                       migplan_node *const *items, size_t n)
{
	if (n) {
		node->u.seq.items = migplan__arena_alloc(&doc->arena, n * sizeof *items);
		if (!node->u.seq.items)
			return migplan__error_oom();
		memcpy(node->u.seq.items, items, n * sizeof *items);
	}
	node->u.seq.count = (uint32_t)n;
	return MIGPLAN_OK;
}

migplan_status migplan__reader_end_map(migplan__doc *doc, migplan__keyset *keys,
                                       migplan_node *node, migplan_node *const *kv, size_t n)
{
	uint32_t npairs = (uint32_t)(n / 2);
	uint32_t dup = first_duplicate(keys, kv, npairs);
	if (dup == DUP_OOM)
		return migplan__error_oom();
	if (dup != NO_DUP) {
		const migplan_node *k = kv[2 * dup];
		return migplan__error_node(MIGPLAN_EPARSE, k, "duplicate key '%.*s'",
		                           (int)(k->u.s.len > 100 ? 100 : k->u.s.len), k->u.s.ptr);
	}
	if (npairs) {
		migplan__pair *pairs = migplan__arena_alloc(&doc->arena, npairs * sizeof *pairs);
		if (!pairs)
			return migplan__error_oom();
		for (uint32_t i = 0; i < npairs; i++) {
			pairs[i].key = kv[2 * i];
			pairs[i].value = kv[2 * i + 1];
		}
		node->u.map.pairs = pairs;
	}
	node->u.map.count = npairs;
	return MIGPLAN_OK;
}
