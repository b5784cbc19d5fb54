#include "doc.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

migplan_node_kind migplan_node_kind_of(const migplan_node *node)
{
	return node ? migplan__kind(node) : MIGPLAN_NODE_NULL;
}

const char *migplan_node_kind_name(migplan_node_kind kind)
{
	switch (kind) {
	case MIGPLAN_NODE_NULL: return "null";
	case MIGPLAN_NODE_BOOL: return "boolean";
	case MIGPLAN_NODE_INT: return "integer";
	case MIGPLAN_NODE_FLOAT: return "number";
	case MIGPLAN_NODE_STRING: return "string";
	case MIGPLAN_NODE_SEQ: return "sequence";
	case MIGPLAN_NODE_MAP: return "mapping";
	}
	return "unknown";
}

const char *migplan_node_path(const migplan_node *node)
{
	const migplan__doc *doc = node ? migplan__node_doc(node) : NULL;
	return doc ? doc->path : NULL;
}

uint32_t migplan_node_line(const migplan_node *node)
{
	return node ? node->line : 0;
}

uint32_t migplan_node_column(const migplan_node *node)
{
	return node ? node->column : 0;
}

size_t migplan_node_offset(const migplan_node *node)
{
	return node ? node->offset : 0;
}

static int is_scalar(const migplan_node *node)
{
	return node && !migplan__is_collection(node);
}

const char *migplan_node_text(const migplan_node *node, size_t *len_out)
{
	if (!is_scalar(node)) {
		if (len_out)
			*len_out = 0;
		return NULL;
	}
	if (len_out)
		*len_out = migplan__slen(node);
	return migplan__sptr(node);
}

/* Integers follow the YAML 1.2 core schema as serde_yaml reads it: an optional sign,
 * then decimal digits or a 0x / 0o / 0b prefix. JSON integers are the decimal subset. */
migplan_status migplan_node_int(const migplan_node *node, int64_t *out)
{
	if (!node || migplan__kind(node) != MIGPLAN_NODE_INT || !out)
		return migplan__error_node(MIGPLAN_EINVAL, node, "not an integer");
	const char *s = migplan__sptr(node);
	int neg = 0;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
		base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		s += 2;
	}
	errno = 0;
	char *end = NULL;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || end == s || *end != '\0')
		return migplan__error_node(MIGPLAN_EINVAL, node, "integer out of range");
	if (neg) {
		if (v > (unsigned long long)INT64_MAX + 1ull)
			return migplan__error_node(MIGPLAN_EINVAL, node, "integer out of range");
		*out = v == (unsigned long long)INT64_MAX + 1ull ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (unsigned long long)INT64_MAX)
			return migplan__error_node(MIGPLAN_EINVAL, node, "integer out of range");
		*out = (int64_t)v;
	}
	return MIGPLAN_OK;
}

int migplan_node_bool(const migplan_node *node)
{
	if (!node || migplan__kind(node) != MIGPLAN_NODE_BOOL)
		return 0;
	return migplan__sptr(node)[0] == 't' || migplan__sptr(node)[0] == 'T';
}

size_t migplan_node_count(const migplan_node *node)
{
	return node && migplan__is_collection(node) ? migplan__nkids(node) : 0;
}

const migplan_node *migplan_node_at(const migplan_node *node, size_t i)
{
	if (!node)
		return NULL;
	if (migplan__kind(node) == MIGPLAN_NODE_SEQ)
		return i < migplan__nkids(node) ? migplan__item(node, i) : NULL;
	if (migplan__kind(node) == MIGPLAN_NODE_MAP)
		return i < migplan__nkids(node) ? migplan__val(node, i) : NULL;
	return NULL;
}

const migplan_node *migplan_node_key_at(const migplan_node *node, size_t i)
{
	if (!node || migplan__kind(node) != MIGPLAN_NODE_MAP || i >= migplan__nkids(node))
		return NULL;
	return migplan__key(node, i);
}

const migplan_node *migplan_node_get(const migplan_node *node, const char *key)
{
	if (!node || migplan__kind(node) != MIGPLAN_NODE_MAP || !key)
		return NULL;
	size_t klen = strlen(key);
	for (uint32_t i = 0; i < migplan__nkids(node); i++) {
		const migplan_node *k = migplan__key(node, i);
		if (migplan__slen(k) == klen && memcmp(migplan__sptr(k), key, klen) == 0)
			return migplan__val(node, i);
	}
	return NULL;
}

const char *migplan__node_str(const migplan_node *n)
{
	return n && migplan__kind(n) == MIGPLAN_NODE_STRING ? migplan__sptr(n) : NULL;
}

int migplan__node_is(const migplan_node *n, migplan_node_kind kind)
{
	return n && migplan__kind(n) == kind;
}

void migplan__doc_free(migplan__doc *doc)
{
	if (!doc)
		return;
	/* the doc struct itself lives in its own arena */
	migplan__arena arena = doc->arena;
	migplan__arena_release(&arena);
}

migplan__text *migplan__text_new(migplan__arena *arena, const migplan__doc *doc, const char *s,
                                 size_t len)
{
	migplan__text *x =
		migplan__arena_alloc_aligned(arena, offsetof(migplan__text, bytes) + len + 1, 8);
	if (!x)
		return NULL;
	x->doc = doc;
	x->len = (uint32_t)len;
	if (len)
		memcpy(x->bytes, s, len);
	x->bytes[len] = '\0';
	return x;
}

migplan__kids *migplan__kids_new(migplan__arena *arena, const migplan__doc *doc, size_t n,
                                 uint32_t count)
{
	size_t size = offsetof(migplan__kids, nodes) + n * sizeof(migplan_node);
	migplan__kids *k = migplan__arena_alloc_aligned(arena, size, 8);
	if (!k)
		return NULL;
	k->doc = doc;
	k->count = count;
	return k;
}
