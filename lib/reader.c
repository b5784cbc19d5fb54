/* The parts of the YAML and JSON readers that do not depend on the syntax (see reader.h). */
#include "reader.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

/* the memory budget of a document rests on this (lib/doc.h) */
_Static_assert(sizeof(migplan_node) <= 20, "a node is at most 20 bytes");

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

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 31);
}

uint64_t migplan__reader_hash(uint64_t seed, const char *s, size_t n)
{
	/* eight bytes a step: every scalar of a document is hashed once (shared texts), so this
	 * is one of the reader's hottest loops */
	uint64_t h = seed ^ ((uint64_t)n * 0x9E3779B97F4A7C15ull);
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = mix(h, w);
	}
	if (n) {
		/* the last 1 to 7 bytes from loads that overlap rather than byte by byte into a
		 * word, which the compiler turns into stores that stall the load after them */
		uint64_t w;
		if (n >= 4) {
			uint32_t lo, hi;
			memcpy(&lo, s, 4);
			memcpy(&hi, s + n - 4, 4);
			w = (uint64_t)lo | (uint64_t)hi << 32;
		} else {
			w = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
			    (uint64_t)(unsigned char)s[n - 1] << 16;
		}
		h = mix(h, w);
	}
	/* final mix so that the low bits used as the slot depend on every byte */
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 29);
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
	const migplan__text *x = migplan__text_of(a), *y = migplan__text_of(b);
	return x == y || (x->len == y->len && !memcmp(x->bytes, y->bytes, x->len));
}

/* Index of the first pair whose key repeats an earlier key, NO_DUP, or DUP_OOM. kv holds key,
 * value, key, value... Linear in the pair count. */
static uint32_t first_duplicate(migplan__keyset *ks, const migplan_node *kv, uint32_t npairs)
{
	if (npairs <= SMALL_MAP) {
		for (uint32_t j = 1; j < npairs; j++)
			for (uint32_t i = 0; i < j; i++)
				if (same_text(&kv[2 * i], &kv[2 * j]))
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
		const migplan_node *k = &kv[2 * j];
		size_t h = (size_t)migplan__reader_hash(ks->seed, migplan__sptr(k), migplan__slen(k)) & mask;
		while (ks->slots[h] != EMPTY_SLOT) {
			if (same_text(&kv[2 * ks->slots[h]], k))
				return j;
			h = (h + 1) & mask;
		}
		ks->slots[h] = j;
	}
	return NO_DUP;
}

/* ---- ending collections ---- */

/* A children record for n nodes copied from src (none: an empty collection). */
static migplan_status set_kids(migplan__doc *doc, migplan_node *node, const migplan_node *src,
                               size_t n, uint32_t count)
{
	migplan__kids *k = migplan__kids_new(&doc->arena, doc, n, count);
	if (!k)
		return migplan__error_oom();
	if (n)
		memcpy(k->nodes, src, n * sizeof *src);
	migplan__node_set(node, migplan__kind(node), k);
	return MIGPLAN_OK;
}

migplan_status migplan__reader_end_seq(migplan__doc *doc, migplan_node *node,
                                       const migplan_node *items, size_t n)
{
	return set_kids(doc, node, items, n, (uint32_t)n);
}

migplan_status migplan__reader_end_map(migplan__doc *doc, migplan__keyset *keys,
                                       migplan_node *node, const migplan_node *kv, size_t n)
{
	uint32_t npairs = (uint32_t)(n / 2);
	uint32_t dup = first_duplicate(keys, kv, npairs);
	if (dup == DUP_OOM)
		return migplan__error_oom();
	if (dup != NO_DUP) {
		const migplan_node *k = &kv[2 * dup];
		return migplan__error_node(MIGPLAN_EPARSE, k, "duplicate key '%.*s'",
		                           (int)(migplan__slen(k) > 100 ? 100 : migplan__slen(k)),
		                           migplan__sptr(k));
	}
	return set_kids(doc, node, kv, n, npairs);
}

migplan_status migplan__reader_set_root(migplan__doc *doc, const migplan_node *root)
{
	migplan_node *copy = migplan__arena_alloc_aligned(&doc->arena, sizeof *copy, 8);
	if (!copy)
		return migplan__error_oom();
	*copy = *root;
	doc->root = copy;
	return MIGPLAN_OK;
}

void migplan__reader_note_nul(migplan__doc *doc, const migplan_node *n)
{
	if (doc->has_nul || migplan__kind(n) != MIGPLAN_NODE_STRING ||
	    !memchr(migplan__sptr(n), '\0', migplan__slen(n)))
		return;
	doc->has_nul = 1;
	doc->first_nul = *n;
}

/* ---- shared texts ---- */

/* Texts longer than this are rarely repeated (SQL, descriptions): they are not hashed. */
#define SHARED_TEXT_MAX 64u

void migplan__texts_init(migplan__texts *t, const void *salt)
{
	*t = (migplan__texts){0};
	t->seed = (uint64_t)(uintptr_t)salt * 0xD6E8FEB86659FD93ull;
}

void migplan__texts_release(migplan__texts *t)
{
	free(t->slots);
	migplan__texts_init(t, NULL);
}

static int texts_grow(migplan__texts *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	migplan__text_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return 0;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].text)
			continue;
		size_t h = (size_t)t->slots[i].hash & (cap - 1);
		while (slots[h].text)
			h = (h + 1) & (cap - 1);
		slots[h] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 1;
}

static int same_bytes(const migplan__text_slot *slot, uint64_t hash, const char *s, size_t len)
{
	return slot->hash == hash && slot->text->len == len && !memcmp(slot->text->bytes, s, len);
}

const migplan__text *migplan__texts_get(migplan__texts *t, migplan__doc *doc, const char *s,
                                        size_t len)
{
	if (len > SHARED_TEXT_MAX)
		return migplan__text_new(&doc->arena, doc, s, len);
	uint64_t hash = migplan__reader_hash(t->seed, s, len);
	migplan__text_slot *recent = &t->recent[(hash >> 56) & 255];
	if (recent->text && same_bytes(recent, hash, s, len))
		return recent->text;
	if ((t->used + 1) * 2 > t->cap && !texts_grow(t))
		return NULL;
	size_t mask = t->cap - 1;
	size_t h = (size_t)hash & mask;
	for (; t->slots[h].text; h = (h + 1) & mask)
		if (same_bytes(&t->slots[h], hash, s, len)) {
			*recent = t->slots[h];
			return recent->text;
		}
	migplan__text *made = migplan__text_new(&doc->arena, doc, s, len);
	if (made) {
		t->slots[h] = (migplan__text_slot){hash, made};
		t->used++;
		*recent = t->slots[h];
	}
	return made;
}
