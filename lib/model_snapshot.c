/* Typed model of the Moose elements shared by plans and snapshots: columns, indexes, tables,
 * materialized views and views, and the snapshot itself (FORMAT.md 1.5-1.7 and 2.x).
 *
 * The builders read what Moose reads and reject what Moose's deserializer would reject: a
 * missing required field, or a scalar of the wrong kind (`version: 1.0` is a float, not a
 * string). Extra keys are ignored and null reads as absent, as with serde. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chtype-private.h"
#include "error.h"

/* ---------------------------------------------------------------- errors and field readers */

static const char *kind_name(const migplan_node *n)
{
	return migplan_node_kind_name(migplan_node_kind_of(n));
}

migplan_status migplan__schema_missing(const migplan_node *where, const char *what,
                                       const char *key)
{
	return migplan__error_node(MIGPLAN_ESCHEMA, where, "%s is missing the required field '%s'",
	                           what, key);
}

/* Names the expected and the found kind, with the scalar as written so `1.0` is visible. A
 * number or boolean where a string belongs gets the hint Moose users need: quote it. */
migplan_status migplan__schema_kind(const migplan_node *value, const char *what,
                                    const char *key, const char *expected)
{
	migplan_node_kind k = migplan_node_kind_of(value);
	const char *text = NULL;
	if (k == MIGPLAN_NODE_BOOL || k == MIGPLAN_NODE_INT || k == MIGPLAN_NODE_FLOAT ||
	    k == MIGPLAN_NODE_STRING)
		text = migplan_node_text(value, NULL);
	int quote_hint = strcmp(expected, "a string") == 0 && k != MIGPLAN_NODE_STRING &&
	                 k != MIGPLAN_NODE_NULL && text;
	return migplan__error_node(MIGPLAN_ESCHEMA, value, "'%s' of %s must be %s, found %s%s%.60s%s%s%.60s%s",
	                           key, what, expected, kind_name(value), text ? " " : "",
	                           text ? text : "", text && strlen(text) > 60 ? "..." : "",
	                           quote_hint ? " (quote it: '" : "", quote_hint ? text : "",
	                           quote_hint ? "')" : "");
}

migplan_status migplan__doc_refuse_nul(const migplan__doc *doc)
{
	if (!doc->has_nul)
		return MIGPLAN_OK;
	return migplan__error_node(MIGPLAN_ESCHEMA, &doc->first_nul,
	                           "a string holds a NUL byte (\\0): names, expressions and SQL "
	                           "would be read only up to it, so it is not supported");
}

static int is_absent(const migplan_node *v)
{
	return !v || migplan__kind(v) == MIGPLAN_NODE_NULL;
}

/* Each reader takes the value (NULL when the key is absent), the mapping it belongs to (where
 * a missing field is reported), and the names used in messages. Null is absent for an
 * optional field; for a required one it is a value of the wrong kind. */
static migplan_status absent(const migplan_node *v, const migplan_node *map, const char *what,
                             const char *key, int required, int *done)
{
	*done = 1;
	if (!v)
		return required ? migplan__schema_missing(map, what, key) : MIGPLAN_OK;
	if (migplan__kind(v) == MIGPLAN_NODE_NULL && !required)
		return MIGPLAN_OK;
	*done = 0;
	return MIGPLAN_OK;
}

static migplan_status str_of(const migplan_node *v, const migplan_node *map, const char *what,
                             const char *key, int required, const char **out)
{
	int done;
	migplan_status st = absent(v, map, what, key, required, &done);
	*out = NULL;
	if (done)
		return st;
	if (migplan__kind(v) != MIGPLAN_NODE_STRING)
		return migplan__schema_kind(v, what, key, "a string");
	*out = migplan__sptr(v);
	return MIGPLAN_OK;
}

static migplan_status bool_of(const migplan_node *v, const migplan_node *map, const char *what,
                              const char *key, int required, int dflt, int *out)
{
	int done;
	migplan_status st = absent(v, map, what, key, required, &done);
	*out = dflt;
	if (done)
		return st;
	if (migplan__kind(v) != MIGPLAN_NODE_BOOL)
		return migplan__schema_kind(v, what, key, "a boolean");
	*out = migplan_node_bool(v);
	return MIGPLAN_OK;
}

static migplan_status seq_of(const migplan_node *v, const migplan_node *map, const char *what,
                             const char *key, int required, const migplan_node **out)
{
	int done;
	migplan_status st = absent(v, map, what, key, required, &done);
	*out = NULL;
	if (done)
		return st;
	if (migplan__kind(v) != MIGPLAN_NODE_SEQ)
		return migplan__schema_kind(v, what, key, "a sequence");
	*out = v;
	return MIGPLAN_OK;
}

static migplan_status strings_of(migplan__arena *arena, const migplan_node *v,
                                 const migplan_node *map, const char *what, const char *key,
                                 int required, const char ***out, size_t *count)
{
	int done;
	migplan_status st = absent(v, map, what, key, required, &done);
	*out = NULL;
	*count = 0;
	if (done)
		return st;
	if (migplan__kind(v) != MIGPLAN_NODE_SEQ)
		return migplan__schema_kind(v, what, key, "a sequence of strings");
	size_t n = migplan__nkids(v);
	if (n == 0)
		return MIGPLAN_OK;
	const char **arr = migplan__arena_alloc(arena, n * sizeof(*arr));
	if (!arr)
		return migplan__error_oom();
	for (size_t i = 0; i < n; i++) {
		const migplan_node *item = migplan__item(v, i);
		if (migplan__kind(item) != MIGPLAN_NODE_STRING) {
			char sub[80];
			snprintf(sub, sizeof(sub), "%.50s[%zu]", key, i);
			return migplan__schema_kind(item, what, sub, "a string");
		}
		arr[i] = migplan__sptr(item);
	}
	*out = arr;
	*count = n;
	return MIGPLAN_OK;
}

static migplan_status settings_of(const migplan_node *v, const char *what, const char *key,
                                  const migplan_node **out)
{
	*out = NULL;
	if (is_absent(v))
		return MIGPLAN_OK;
	if (migplan__kind(v) != MIGPLAN_NODE_MAP)
		return migplan__schema_kind(v, what, key, "a mapping of setting names to strings");
	for (uint32_t i = 0; i < migplan__nkids(v); i++) {
		const migplan_node *value = migplan__val(v, i);
		if (migplan__kind(value) != MIGPLAN_NODE_STRING) {
			char sub[96];
			snprintf(sub, sizeof(sub), "%.30s of %.60s", key, what);
			return migplan__schema_kind(value, sub, migplan__sptr(migplan__key(v, i)), "a string");
		}
	}
	*out = v;
	return MIGPLAN_OK;
}

static migplan_status life_cycle_of(const migplan_node *v, const char *what, const char *key,
                                    migplan_life_cycle *out)
{
	static const char *const names[] = {"FULLY_MANAGED", "DELETION_PROTECTED",
	                                    "EXTERNALLY_MANAGED"};
	const char *s;
	*out = MIGPLAN_LIFE_CYCLE_FULLY_MANAGED;
	migplan_status st = str_of(v, NULL, what, key, 0, &s);
	if (st || !s)
		return st;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (migplan_life_cycle)i;
			return MIGPLAN_OK;
		}
	}
	return migplan__error_node(MIGPLAN_ESCHEMA, v,
	                           "unknown %s '%.60s' of %s (expected FULLY_MANAGED, "
	                           "DELETION_PROTECTED or EXTERNALLY_MANAGED)", key, s, what);
}

migplan_status migplan__field_str(const migplan_node *map, const char *what, const char *key,
                                  int required, const char **out)
{
	return str_of(migplan_node_get(map, key), map, what, key, required, out);
}

migplan_status migplan__field_bool(const migplan_node *map, const char *what, const char *key,
                                   int required, int dflt, int *out)
{
	return bool_of(migplan_node_get(map, key), map, what, key, required, dflt, out);
}

migplan_status migplan__field_strings(migplan__arena *arena, const migplan_node *map,
                                      const char *what, const char *key, int required,
                                      const char ***out, size_t *count)
{
	return strings_of(arena, migplan_node_get(map, key), map, what, key, required, out, count);
}

migplan_status migplan__field_settings(const migplan_node *map, const char *what,
                                       const char *key, const migplan_node **out)
{
	return settings_of(migplan_node_get(map, key), what, key, out);
}

static migplan_status expect_map(const migplan_node *n, const char *what)
{
	if (n && migplan__kind(n) == MIGPLAN_NODE_MAP)
		return MIGPLAN_OK;
	return migplan__error_node(MIGPLAN_ESCHEMA, n, "%s must be a mapping, found %s", what,
	                           kind_name(n));
}

static migplan_status field_seq(const migplan_node *map, const char *what, const char *key,
                                int required, const migplan_node **out)
{
	return seq_of(migplan_node_get(map, key), map, what, key, required, out);
}

/* "column 'name'" for messages; plain copies, as this runs for every element read. */
static void name_what(char *buf, size_t size, const char *kind, const char *name)
{
	size_t k = strlen(kind), n = name ? strlen(name) : 0;
	if (n > 60)
		n = 60;
	if (k + n + 4 > size)
		n = k = 0;
	memcpy(buf, kind, k);
	if (name) {
		buf[k++] = ' ';
		buf[k++] = '\'';
		memcpy(buf + k, name, n);
		k += n;
		buf[k++] = '\'';
	}
	buf[k] = '\0';
}

/* ---------------------------------------------------------------- one pass over a mapping */

typedef struct key_spec {
	const char *name;
	size_t len;
} key_spec;

#define KEY(s) {s, sizeof(s) - 1}
#define FIELDS_MAX 16

/* The values of a mapping's known keys, found in one pass: tables and columns are read by the
 * hundred thousand, and a lookup per key would scan each mapping a dozen times. The search
 * for a key starts after the last key found, so keys in the order of the list (Moose sorts
 * them) cost one compare each; any other order still works. */
typedef struct fieldset {
	const migplan_node *map;
	const char *what;
	const key_spec *keys;
	const migplan_node *v[FIELDS_MAX];
} fieldset;

static void fields_collect(fieldset *fs, const migplan_node *map, const char *what,
                           const key_spec *keys, size_t n)
{
	fs->map = map;
	fs->what = what;
	fs->keys = keys;
	size_t next = 0;
	memset(fs->v, 0, sizeof(fs->v));
	for (uint32_t i = 0; i < migplan__nkids(map); i++) {
		const migplan_node *k = migplan__key(map, i);
		for (size_t tried = 0, j = next; tried < n; tried++, j = j + 1 < n ? j + 1 : 0) {
			if (keys[j].len == migplan__slen(k) && keys[j].name[0] == migplan__sptr(k)[0] &&
			    memcmp(keys[j].name, migplan__sptr(k), keys[j].len) == 0) {
				fs->v[j] = migplan__val(map, i);
				next = j + 1 < n ? j + 1 : 0;
				break;
			}
		}
	}
}

static migplan_status fs_str(const fieldset *fs, int i, int required, const char **out)
{
	return str_of(fs->v[i], fs->map, fs->what, fs->keys[i].name, required, out);
}

static migplan_status fs_bool(const fieldset *fs, int i, int required, int dflt, int *out)
{
	return bool_of(fs->v[i], fs->map, fs->what, fs->keys[i].name, required, dflt, out);
}

static migplan_status fs_seq(const fieldset *fs, int i, int required, const migplan_node **out)
{
	return seq_of(fs->v[i], fs->map, fs->what, fs->keys[i].name, required, out);
}

/* ---------------------------------------------------------------- type cache */

/* One ClickHouse type: the trees of the plan or snapshot are all owned here. Entries with a
 * text are shared by every column with the same scalar data_type and flags; entries without
 * one (composite types) belong to one column and are only kept here to be freed. */
typedef struct tc_entry {
	const char *text;
	uint32_t len;
	uint32_t flags;
	uint32_t hash;
	migplan_chtype *tree;
	const char *render;
	const char *moose_render;
} tc_entry;

struct migplan__typecache {
	tc_entry *entries;
	size_t count;
	size_t cap;
	uint32_t *slots; /* entry index + 1, 0 = empty; slot_count is a power of two */
	size_t slot_count;
};

enum { TC_NULLABLE = 1, TC_LOW_CARDINALITY = 2, TC_COMPOSITE = 4 };

migplan__typecache *migplan__typecache_new(void)
{
	return calloc(1, sizeof(migplan__typecache));
}

void migplan__typecache_free(migplan__typecache *tc)
{
	if (!tc)
		return;
	for (size_t i = 0; i < tc->count; i++)
		migplan_chtype_free(tc->entries[i].tree);
	free(tc->entries);
	free(tc->slots);
	free(tc);
}

static uint32_t fnv1a(uint32_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static tc_entry *tc_lookup(const migplan__typecache *tc, const char *text, uint32_t len,
                           uint32_t flags, uint32_t hash)
{
	if (!tc->slot_count)
		return NULL;
	size_t mask = tc->slot_count - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		uint32_t s = tc->slots[i];
		if (!s)
			return NULL;
		tc_entry *e = &tc->entries[s - 1];
		if (e->hash == hash && e->flags == flags && e->len == len &&
		    memcmp(e->text, text, len) == 0)
			return e;
	}
}

static void tc_slot_insert(migplan__typecache *tc, size_t index)
{
	size_t mask = tc->slot_count - 1;
	size_t i = tc->entries[index].hash & mask;
	while (tc->slots[i])
		i = (i + 1) & mask;
	tc->slots[i] = (uint32_t)(index + 1);
}

static migplan_status tc_grow_slots(migplan__typecache *tc)
{
	size_t n = tc->slot_count ? tc->slot_count * 2 : 64;
	uint32_t *slots = calloc(n, sizeof(*slots));
	if (!slots)
		return migplan__error_oom();
	free(tc->slots);
	tc->slots = slots;
	tc->slot_count = n;
	for (size_t i = 0; i < tc->count; i++)
		if (tc->entries[i].text)
			tc_slot_insert(tc, i);
	return MIGPLAN_OK;
}

/* Adds an entry that takes ownership of tree (also on failure). text NULL: not shared. */
static migplan_status tc_add(migplan__typecache *tc, const tc_entry *e)
{
	if (tc->count == tc->cap) {
		size_t cap = tc->cap ? tc->cap * 2 : 32;
		tc_entry *n = realloc(tc->entries, cap * sizeof(*n));
		if (!n) {
			migplan_chtype_free(e->tree);
			return migplan__error_oom();
		}
		tc->entries = n;
		tc->cap = cap;
	}
	tc->entries[tc->count++] = *e;
	if (!e->text)
		return MIGPLAN_OK;
	if ((tc->count + 1) * 2 > tc->slot_count)
		return tc_grow_slots(tc); /* re-inserts every shared entry, this one included */
	tc_slot_insert(tc, tc->count - 1);
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- columns */

static int annotation_is(const migplan_node *a, const char *key)
{
	const char *k = migplan__node_str(migplan_node_at(a, 0));
	return k && strcmp(k, key) == 0;
}

/* Annotations whose only effect is LowCardinality (or none): the column's ClickHouse type then
 * depends on the data_type text and two flags, so it can be shared. */
static int annotations_simple(const migplan_node *ann)
{
	for (size_t i = 0; i < migplan_node_count(ann); i++) {
		const migplan_node *a = migplan_node_at(ann, i);
		if (annotation_is(a, "LowCardinality")) {
			if (migplan_node_kind_of(migplan_node_at(a, 1)) != MIGPLAN_NODE_BOOL)
				return 0;
		} else if (!annotation_is(a, "stringDate")) {
			return 0;
		}
	}
	return 1;
}

static migplan_status read_annotations(const fieldset *fs, int field, const migplan_node **out,
                                       int *low_cardinality)
{
	const char *what = fs->what;
	migplan_status st = fs_seq(fs, field, 0, out);
	*low_cardinality = 0;
	if (st || !*out)
		return st;
	for (uint32_t i = 0; i < migplan__nkids(*out); i++) {
		const migplan_node *a = migplan__item(*out, i);
		if (migplan__kind(a) != MIGPLAN_NODE_SEQ || migplan__nkids(a) != 2 ||
		    migplan__kind(migplan__item(a, 0)) != MIGPLAN_NODE_STRING)
			return migplan__error_node(MIGPLAN_ESCHEMA, a,
			                           "annotations of %s must be [name, value] pairs, "
			                           "found %s%s", what, kind_name(a),
			                           migplan__kind(a) == MIGPLAN_NODE_SEQ ? " of another shape" : "");
		if (annotation_is(a, "LowCardinality") && migplan_node_bool(migplan__item(a, 1)))
			*low_cardinality = 1;
	}
	return MIGPLAN_OK;
}

static migplan_status arena_copy(migplan__arena *arena, char *s, const char **out)
{
	*out = s ? migplan__arena_strdup(arena, s) : NULL;
	free(s);
	return s && !*out ? migplan__error_oom() : MIGPLAN_OK;
}

/* Maps the column to ClickHouse twice (libmigplan's order and Moose's) and renders both.
 * EUNSUPPORTED (BigInt, Bytes) is not an error here: the column simply has no type. */
static migplan_status map_type(const migplan__build *b, const migplan_column *c, int nullable,
                               tc_entry *e)
{
	migplan_chtype *t = NULL, *m = NULL;
	char *r1 = NULL, *r2 = NULL;
	migplan_status st = migplan__chtype_from_moose(&t, c->data_type, nullable, c->annotations,
	                                               MIGPLAN__RENDER_CORRECT);
	if (st == MIGPLAN_EUNSUPPORTED) {
		migplan_error_clear();
		e->tree = NULL;
		e->render = e->moose_render = NULL;
		return MIGPLAN_OK;
	}
	if (st)
		return st;
	st = migplan_chtype_render(t, &r1);
	if (!st)
		st = migplan__chtype_from_moose(&m, c->data_type, nullable, c->annotations,
		                                MIGPLAN__RENDER_AS_MOOSE);
	if (!st)
		st = migplan_chtype_render(m, &r2);
	migplan_chtype_free(m);
	migplan_status st1 = arena_copy(b->arena, r1, &e->render);
	migplan_status st2 = arena_copy(b->arena, r2, &e->moose_render);
	if (!st)
		st = st1 ? st1 : st2;
	if (st) {
		migplan_chtype_free(t);
		return st;
	}
	e->tree = t;
	return MIGPLAN_OK;
}

/* Appends an encoding of a type subtree that tells any two different subtrees apart (kinds and
 * lengths are written out); 0 when it does not fit, and the type is then not shared. */
static int type_key(const migplan_node *n, char *buf, size_t cap, size_t *len)
{
	if (migplan__kind(n) == MIGPLAN_NODE_SEQ || migplan__kind(n) == MIGPLAN_NODE_MAP) {
		int map = migplan__kind(n) == MIGPLAN_NODE_MAP;
		uint32_t count = map ? migplan__nkids(n) : migplan__nkids(n);
		if (*len + 2 > cap)
			return 0;
		buf[(*len)++] = map ? '{' : '[';
		for (uint32_t i = 0; i < count; i++) {
			if (map && !type_key(migplan__key(n, i), buf, cap, len))
				return 0;
			if (!type_key(map ? migplan__val(n, i) : migplan__item(n, i), buf, cap, len))
				return 0;
		}
		if (*len + 1 > cap)
			return 0;
		buf[(*len)++] = map ? '}' : ']';
		return 1;
	}
	int w = snprintf(buf + *len, cap - *len, "%d%u:", migplan__kind(n), (unsigned)migplan__slen(n));
	if (w < 0 || *len + (size_t)w + migplan__slen(n) >= cap)
		return 0;
	*len += (size_t)w;
	memcpy(buf + *len, migplan__sptr(n), migplan__slen(n));
	*len += migplan__slen(n);
	return 1;
}

/* The cache key of the column's type, or 0 when it cannot be shared: aggregate annotations
 * and oversized composite types are mapped for each column. */
static int column_type_key(const migplan__build *b, const migplan_column *c, int nullable,
                           char *buf, size_t cap, tc_entry *e)
{
	size_t len = 0;
	if (!b->types || !annotations_simple(c->annotations))
		return 0;
	e->flags = (nullable ? TC_NULLABLE : 0) | (c->low_cardinality ? TC_LOW_CARDINALITY : 0);
	if (migplan__kind(c->data_type) == MIGPLAN_NODE_STRING) {
		e->text = migplan__sptr(c->data_type);
		e->len = migplan__slen(c->data_type);
	} else if (type_key(c->data_type, buf, cap, &len)) {
		e->text = buf;
		e->len = (uint32_t)len;
		e->flags |= TC_COMPOSITE;
	} else {
		return 0;
	}
	e->hash = fnv1a(2166136261u ^ e->flags, e->text, e->len);
	return 1;
}

static migplan_status column_types(const migplan__build *b, migplan_column *c, int nullable)
{
	char buf[512];
	tc_entry e = {0};
	int shared = column_type_key(b, c, nullable, buf, sizeof(buf), &e);
	if (shared) {
		const tc_entry *hit = tc_lookup(b->types, e.text, e.len, e.flags, e.hash);
		if (hit) {
			c->chtype = hit->tree;
			c->chtype_text = hit->render;
			c->moose_chtype_text = hit->moose_render;
			return MIGPLAN_OK;
		}
	}
	migplan_status st = map_type(b, c, nullable, &e);
	if (st)
		return st;
	c->chtype = e.tree;
	c->chtype_text = e.render;
	c->moose_chtype_text = e.moose_render;
	if (!b->types) {
		c->owns_chtype = 1;
		return MIGPLAN_OK;
	}
	if (!shared)
		e.text = NULL;
	else if (e.text == buf && !(e.text = migplan__arena_strndup(b->arena, buf, e.len)))
		st = migplan__error_oom(); /* the tree still goes to the cache, to be freed */
	migplan_status st2 = tc_add(b->types, &e);
	if (st2)
		c->chtype = NULL; /* freed by tc_add */
	return st ? st : st2;
}

void migplan__column_clear(migplan_column *c)
{
	if (c && c->owns_chtype) {
		migplan_chtype_free((migplan_chtype *)c->chtype);
		c->chtype = NULL;
		c->owns_chtype = 0;
	}
}

/* In Moose's (sorted) key order, which makes fields_collect() one compare per key. */
enum {
	C_ALIAS, C_ANNOTATIONS, C_CODEC, C_COMMENT, C_DATA_TYPE, C_DEFAULT, C_MATERIALIZED,
	C_NAME, C_PRIMARY_KEY, C_REQUIRED, C_TTL, C_UNIQUE, C_COUNT
};

static const key_spec column_keys[C_COUNT] = {
	KEY("alias"), KEY("annotations"), KEY("codec"), KEY("comment"), KEY("data_type"),
	KEY("default"), KEY("materialized"), KEY("name"), KEY("primary_key"), KEY("required"),
	KEY("ttl"), KEY("unique"),
};

static migplan_status column_exprs(const migplan__build *b, migplan_column *c, const fieldset *fs)
{
	migplan__column_extra x = {0};
	migplan_status st;
	if ((st = fs_str(fs, C_DEFAULT, 0, &x.default_expr)) ||
	    (st = fs_str(fs, C_MATERIALIZED, 0, &x.materialized)) ||
	    (st = fs_str(fs, C_ALIAS, 0, &x.alias)) ||
	    (st = fs_str(fs, C_CODEC, 0, &x.codec)) ||
	    (st = fs_str(fs, C_COMMENT, 0, &x.comment)) ||
	    (st = fs_str(fs, C_TTL, 0, &x.ttl)))
		return st;
	/* Moose refuses a column with more than one of them: ClickHouse takes only one. */
	int n = !!x.default_expr + !!x.materialized + !!x.alias;
	if (n > 1)
		return migplan__error_node(MIGPLAN_ESCHEMA, c->node,
		                           "%s sets %s%s%s%s%s: at most one of default, materialized "
		                           "and alias may be set", fs->what,
		                           x.default_expr ? "default" : "",
		                           x.default_expr ? " and " : "",
		                           x.materialized ? "materialized" : "",
		                           x.materialized && x.alias ? " and " : "",
		                           x.alias ? "alias" : "");
	if (!n && !x.codec && !x.comment && !x.ttl)
		return MIGPLAN_OK;
	migplan__column_extra *copy = migplan__arena_alloc_aligned(b->arena, sizeof *copy, 8);
	if (!copy)
		return migplan__error_oom();
	*copy = x;
	c->extra = copy;
	return MIGPLAN_OK;
}

migplan_status migplan__column_build(const migplan__build *b, migplan_column *c,
                                     const migplan_node *node)
{
	char what[96] = "column";
	fieldset fs;
	migplan_status st;
	int required, unique, primary_key = 0, low_cardinality = 0;
	memset(c, 0, sizeof(*c));
	c->node = node;
	if ((st = expect_map(node, "a column")))
		return st;
	fields_collect(&fs, node, what, column_keys, C_COUNT);
	if ((st = fs_str(&fs, C_NAME, 1, &c->name)))
		return st;
	name_what(what, sizeof(what), "column", c->name);
	c->data_type = fs.v[C_DATA_TYPE];
	if (!c->data_type)
		return migplan__schema_missing(node, what, "data_type");
	if (migplan__kind(c->data_type) != MIGPLAN_NODE_STRING && migplan__kind(c->data_type) != MIGPLAN_NODE_MAP)
		return migplan__schema_kind(c->data_type, what, "data_type",
		                            "a type name or a type mapping");
	if ((st = fs_bool(&fs, C_REQUIRED, 1, 1, &required)) ||
	    (st = fs_bool(&fs, C_PRIMARY_KEY, 0, 0, &primary_key)) ||
	    (st = fs_bool(&fs, C_UNIQUE, 0, 0, &unique)) ||
	    (st = read_annotations(&fs, C_ANNOTATIONS, &c->annotations, &low_cardinality)) ||
	    (st = column_exprs(b, c, &fs)))
		return st;
	c->primary_key = (uint8_t)primary_key;
	c->low_cardinality = (uint8_t)low_cardinality;
	c->nullable = !required || (migplan__kind(c->data_type) == MIGPLAN_NODE_MAP &&
	                            migplan_node_get(c->data_type, "nullable"));
	return column_types(b, c, !required);
}

/* ---------------------------------------------------------------- indexes, projections */

static migplan_status index_granularity(const migplan_node *map, const char *what,
                                        uint64_t *out)
{
	const migplan_node *v = migplan_node_get(map, "granularity");
	int64_t g;
	if (!v)
		return migplan__schema_missing(map, what, "granularity");
	if (migplan__kind(v) != MIGPLAN_NODE_INT)
		return migplan__schema_kind(v, what, "granularity", "an unsigned integer");
	if (migplan_node_int(v, &g) || g < 0)
		return migplan__error_node(MIGPLAN_ESCHEMA, v,
		                           "'granularity' of %s is out of range (0 to 2^63-1)", what);
	*out = (uint64_t)g;
	return MIGPLAN_OK;
}

migplan_status migplan__index_build(const migplan__build *b, migplan_index *ix,
                                   const migplan_node *node)
{
	char what[96] = "index";
	migplan_status st;
	memset(ix, 0, sizeof(*ix));
	ix->node = node;
	if ((st = expect_map(node, "an index")) ||
	    (st = migplan__field_str(node, what, "name", 1, &ix->name)))
		return st;
	name_what(what, sizeof(what), "index", ix->name);
	/* Moose writes `type`; the bundled schema requires `index_type`. Either will do. */
	const char *key = migplan_node_get(node, "type") ? "type" : "index_type";
	if ((st = migplan__field_str(node, what, "expression", 1, &ix->expression)) ||
	    (st = migplan__field_str(node, what, key, 1, &ix->type)) ||
	    (st = migplan__field_strings(b->arena, node, what, "arguments", 0, &ix->arguments,
	                                 &ix->argument_count)))
		return st;
	return index_granularity(node, what, &ix->granularity);
}

static migplan_status projection_build(migplan__projection *p, const migplan_node *node)
{
	migplan_status st;
	memset(p, 0, sizeof(*p));
	p->node = node;
	if ((st = expect_map(node, "a projection")) ||
	    (st = migplan__field_str(node, "projection", "name", 1, &p->name)))
		return st;
	char what[96];
	name_what(what, sizeof(what), "projection", p->name);
	return migplan__field_str(node, what, "body", 1, &p->body);
}

/* ---------------------------------------------------------------- tables */

/* Allocates n zeroed elements in the arena (NULL for none). */
static migplan_status arena_array(migplan__arena *a, size_t n, size_t size, void **out)
{
	*out = NULL;
	if (!n)
		return MIGPLAN_OK;
	if (n > SIZE_MAX / size)
		return migplan__error_oom();
	*out = migplan__arena_zalloc(a, n * size);
	return *out ? MIGPLAN_OK : migplan__error_oom();
}

/* In Moose's (sorted) key order, which makes fields_collect() one compare per key. */
enum {
	T_CLUSTER_NAME, T_COLUMNS, T_DATABASE, T_ENGINE, T_INDEXES, T_LIFE_CYCLE, T_NAME,
	T_ORDER_BY, T_PARTITION_BY, T_PRIMARY_KEY_EXPRESSION, T_PROJECTIONS, T_SAMPLE_BY,
	T_SOURCE_PRIMITIVE, T_SETTINGS, T_TTL, T_VERSION, T_COUNT
};

static const key_spec table_keys[T_COUNT] = {
	KEY("cluster_name"), KEY("columns"), KEY("database"), KEY("engine"), KEY("indexes"),
	KEY("life_cycle"), KEY("name"), KEY("order_by"), KEY("partition_by"),
	KEY("primary_key_expression"), KEY("projections"), KEY("sample_by"),
	KEY("source_primitive"), KEY("table_settings"), KEY("table_ttl_setting"), KEY("version"),
};

static migplan_status table_columns(const migplan__build *b, migplan_table *t,
                                    const fieldset *fs)
{
	const migplan_node *seq;
	migplan_status st = fs_seq(fs, T_COLUMNS, 1, &seq);
	if (!st)
		st = arena_array(b->arena, migplan__nkids(seq), sizeof(*t->columns), (void **)&t->columns);
	if (st)
		return st;
	t->column_count = migplan__nkids(seq);
	for (size_t i = 0; i < t->column_count; i++)
		if ((st = migplan__column_build(b, &t->columns[i], migplan__item(seq, i))))
			return st;
	return MIGPLAN_OK;
}

static migplan_status table_indexes(const migplan__build *b, migplan_table *t,
                                    const fieldset *fs)
{
	const migplan_node *ix, *pr;
	migplan_status st = fs_seq(fs, T_INDEXES, 0, &ix);
	if (!st)
		st = fs_seq(fs, T_PROJECTIONS, 0, &pr);
	if (!st && ix)
		st = arena_array(b->arena, migplan__nkids(ix), sizeof(*t->indexes), (void **)&t->indexes);
	if (!st && pr)
		st = arena_array(b->arena, migplan__nkids(pr), sizeof(*t->projections),
		                 (void **)&t->projections);
	if (st)
		return st;
	t->index_count = ix ? migplan__nkids(ix) : 0;
	t->projection_count = pr ? migplan__nkids(pr) : 0;
	for (size_t i = 0; i < t->index_count; i++)
		if ((st = migplan__index_build(b, &t->indexes[i], migplan__item(ix, i))))
			return st;
	for (size_t i = 0; i < t->projection_count; i++)
		if ((st = projection_build(&t->projections[i], migplan__item(pr, i))))
			return st;
	return MIGPLAN_OK;
}

/* "(a, b)": the expression form of an order_by list of two or more, in the arena. */
static const char *order_by_tuple(migplan__arena *a, const char *const *cols, size_t n)
{
	size_t len = 2;
	for (size_t i = 0; i < n; i++)
		len += strlen(cols[i]) + 2;
	char *s = migplan__arena_alloc(a, len + 1);
	if (!s)
		return NULL;
	char *p = s;
	*p++ = '(';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(cols[i]);
		if (i) {
			*p++ = ',';
			*p++ = ' ';
		}
		memcpy(p, cols[i], l);
		p += l;
	}
	*p++ = ')';
	*p = '\0';
	return s;
}

/* `order_by` is a list of column names or one expression; the expression form of a list is
 * what Moose compares and what ClickHouse's ORDER BY takes (OrderBy::to_expr). */
static migplan_status table_order_by(const migplan__build *b, migplan_table *t,
                                     const fieldset *fs)
{
	const migplan_node *v = fs->v[T_ORDER_BY];
	if (!v)
		return migplan__schema_missing(t->node, fs->what, "order_by");
	if (migplan__kind(v) == MIGPLAN_NODE_STRING) {
		t->order_by_expression = migplan__sptr(v);
		return MIGPLAN_OK;
	}
	if (migplan__kind(v) != MIGPLAN_NODE_SEQ)
		return migplan__schema_kind(v, fs->what, "order_by",
		                            "a sequence of column names or an expression string");
	migplan_status st = strings_of(b->arena, v, t->node, fs->what, "order_by", 1, &t->order_by,
	                               &t->order_by_count);
	if (st)
		return st;
	if (t->order_by_count == 0)
		t->order_by_expression = "tuple()";
	else if (t->order_by_count == 1)
		t->order_by_expression = t->order_by[0];
	else if (!(t->order_by_expression = order_by_tuple(b->arena, t->order_by,
	                                                   t->order_by_count)))
		return migplan__error_oom();
	return MIGPLAN_OK;
}

/* `engine`: "MergeTree", or an externally tagged object {"ReplacingMergeTree": {...}}. */
static migplan_status table_engine(migplan_table *t, const fieldset *fs)
{
	const migplan_node *v = fs->v[T_ENGINE];
	t->engine = "MergeTree";
	if (is_absent(v))
		return MIGPLAN_OK;
	t->engine_node = v;
	if (migplan__kind(v) == MIGPLAN_NODE_STRING) {
		t->engine = migplan__sptr(v);
		return MIGPLAN_OK;
	}
	if (migplan__kind(v) == MIGPLAN_NODE_MAP && migplan__nkids(v) == 1) {
		t->engine = migplan__sptr(migplan__key(v, 0));
		return MIGPLAN_OK;
	}
	if (migplan__kind(v) == MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, v,
		                           "'engine' of %s must have exactly one key, the engine name; "
		                           "found %u keys", fs->what, (unsigned)migplan__nkids(v));
	return migplan__schema_kind(v, fs->what, "engine", "an engine name or a one-key mapping");
}

static migplan_status table_source(migplan_table *t, const fieldset *fs)
{
	const migplan_node *sp = fs->v[T_SOURCE_PRIMITIVE];
	if (!sp)
		return migplan__schema_missing(t->node, fs->what, "source_primitive");
	if (migplan__kind(sp) != MIGPLAN_NODE_MAP)
		return migplan__schema_kind(sp, fs->what, "source_primitive", "a mapping");
	const migplan_node *name = migplan_node_get(sp, "name");
	if (name && migplan__kind(name) == MIGPLAN_NODE_STRING) {
		t->source_name = migplan__sptr(name);
		return MIGPLAN_OK;
	}
	char sub[128];
	snprintf(sub, sizeof(sub), "source_primitive of %.90s", fs->what);
	return str_of(name, sp, sub, "name", 1, &t->source_name);
}

static migplan_status table_scalars(migplan_table *t, const fieldset *fs)
{
	migplan_status st;
	if ((st = fs_str(fs, T_DATABASE, 0, &t->database)) ||
	    (st = fs_str(fs, T_CLUSTER_NAME, 0, &t->cluster_name)) ||
	    (st = fs_str(fs, T_VERSION, 0, &t->version)) ||
	    (st = fs_str(fs, T_PARTITION_BY, 0, &t->partition_by)) ||
	    (st = fs_str(fs, T_PRIMARY_KEY_EXPRESSION, 0, &t->primary_key_expression)) ||
	    (st = fs_str(fs, T_SAMPLE_BY, 0, &t->sample_by)) ||
	    (st = fs_str(fs, T_TTL, 0, &t->ttl)) ||
	    (st = life_cycle_of(fs->v[T_LIFE_CYCLE], fs->what, "life_cycle", &t->life_cycle)) ||
	    (st = settings_of(fs->v[T_SETTINGS], fs->what, "table_settings", &t->settings)))
		return st;
	return MIGPLAN_OK;
}

migplan_status migplan__table_build(const migplan__build *b, migplan_table *t,
                                    const migplan_node *node)
{
	char what[96] = "table";
	fieldset fs;
	migplan_status st;
	memset(t, 0, sizeof(*t));
	t->node = node;
	if ((st = expect_map(node, "a table")))
		return st;
	fields_collect(&fs, node, what, table_keys, T_COUNT);
	if ((st = fs_str(&fs, T_NAME, 1, &t->name)))
		return st;
	name_what(what, sizeof(what), "table", t->name);
	if ((st = table_scalars(t, &fs)) || (st = table_engine(t, &fs)) ||
	    (st = table_order_by(b, t, &fs)) || (st = table_source(t, &fs)) ||
	    (st = table_columns(b, t, &fs)) || (st = table_indexes(b, t, &fs)))
		return st;
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- views */

/* Copies [s, s + len) with ClickHouse's identifier quoting undone: backticks removed, and
 * inside them a doubled backtick or a backslash escape stands for the character itself. */
static const char *unquote(migplan__arena *a, const char *s, size_t len)
{
	char *out = migplan__arena_alloc(a, len + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '`') {
			if (quoted && i + 1 < len && s[i + 1] == '`')
				out[n++] = s[++i];
			else
				quoted = !quoted;
		} else if (quoted && s[i] == '\\' && i + 1 < len) {
			out[n++] = s[++i];
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return out;
}

/* `orders`, `db`.`orders`, orders, db.orders: quoting undone, split on the first dot outside
 * backticks (a quoted name may hold dots, doubled backticks and backslash escapes). */
static migplan_status source_normalise(migplan__arena *a, migplan__source *src)
{
	const char *s = migplan__sptr(src->node);
	size_t len = migplan__slen(src->node), dot = len;
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (quoted && s[i] == '\\')
			i++; /* the escaped character cannot end the quote */
		else if (s[i] == '`')
			quoted = !quoted; /* a doubled backtick toggles twice */
		else if (s[i] == '.' && !quoted) {
			dot = i;
			break;
		}
	}
	if (dot < len) {
		src->database = unquote(a, s, dot);
		src->table = unquote(a, s + dot + 1, len - dot - 1);
		if (!src->database || !src->table)
			return migplan__error_oom();
		if (!src->database[0])
			src->database = NULL;
		return MIGPLAN_OK;
	}
	src->table = memchr(s, '`', len) ? unquote(a, s, len) : s;
	return src->table ? MIGPLAN_OK : migplan__error_oom();
}

static migplan_status view_sources(const migplan__build *b, migplan_view *v, const char *what)
{
	const migplan_node *seq;
	migplan_status st = field_seq(v->node, what, "sourceTables", 0, &seq);
	if (st || !seq)
		return st;
	if ((st = arena_array(b->arena, migplan__nkids(seq), sizeof(*v->sources), (void **)&v->sources)))
		return st;
	for (uint32_t i = 0; i < migplan__nkids(seq); i++) {
		migplan__source *src = &v->sources[i];
		src->node = migplan__item(seq, i);
		if (migplan__kind(src->node) != MIGPLAN_NODE_STRING) {
			char sub[32];
			snprintf(sub, sizeof(sub), "sourceTables[%u]", (unsigned)i);
			return migplan__schema_kind(src->node, what, sub, "a string");
		}
		if ((st = source_normalise(b->arena, src)))
			return st;
	}
	v->source_count = migplan__nkids(seq);
	return MIGPLAN_OK;
}

static migplan_status view_build(const migplan__build *b, migplan_view *v,
                                 const migplan_node *node, migplan_view_kind kind)
{
	const char *kname = kind == MIGPLAN_VIEW_MATERIALIZED ? "materialized view" : "view";
	char what[96];
	migplan_status st;
	memset(v, 0, sizeof(*v));
	v->node = node;
	v->kind = kind;
	name_what(what, sizeof(what), kname, NULL);
	if ((st = expect_map(node, what)) ||
	    (st = migplan__field_str(node, what, "name", 1, &v->name)))
		return st;
	name_what(what, sizeof(what), kname, v->name);
	if ((st = migplan__field_str(node, what, "database", 0, &v->database)) ||
	    (st = migplan__field_str(node, what, "selectSql", 1, &v->select_sql)) ||
	    (st = life_cycle_of(migplan_node_get(node, "lifeCycle"), what, "lifeCycle",
	                        &v->life_cycle)) ||
	    (st = view_sources(b, v, what)))
		return st;
	if (kind != MIGPLAN_VIEW_MATERIALIZED)
		return MIGPLAN_OK;
	if ((st = migplan__field_str(node, what, "targetTable", 1, &v->target_table)) ||
	    (st = migplan__field_str(node, what, "targetDatabase", 0, &v->target_database)))
		return st;
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- snapshots */

static uint32_t table_hash(const char *db, const char *name)
{
	static const char separator = '\0';
	uint32_t h = fnv1a(2166136261u, db, strlen(db));
	h = fnv1a(h, &separator, 1);
	return fnv1a(h, name, strlen(name));
}

static const char *resolved_db(const migplan_snapshot *s, const migplan_table *t)
{
	return t->database ? t->database : s->default_database;
}

/* Index of the table (db, name) in the hash, or the empty slot where it would go. */
static size_t table_slot(const migplan_snapshot *s, const char *db, const char *name)
{
	size_t mask = s->table_slot_count - 1;
	for (size_t i = table_hash(db, name) & mask;; i = (i + 1) & mask) {
		uint32_t v = s->table_slots[i];
		if (!v)
			return i;
		const migplan_table *t = &s->tables[v - 1];
		if (strcmp(t->name, name) == 0 && strcmp(resolved_db(s, t), db) == 0)
			return i;
	}
}

/* Open addressing at load factor <= 1/2. A second table with the same identity keeps the
 * first one findable (Moose's map would have one entry per id). */
static migplan_status snapshot_hash(migplan_snapshot *s)
{
	size_t n = 16;
	while (n < s->table_count * 2)
		n *= 2;
	s->table_slots = calloc(n, sizeof(*s->table_slots));
	if (!s->table_slots)
		return migplan__error_oom();
	s->table_slot_count = n;
	for (size_t i = 0; i < s->table_count; i++) {
		const migplan_table *t = &s->tables[i];
		size_t slot = table_slot(s, resolved_db(s, t), t->name);
		if (!s->table_slots[slot])
			s->table_slots[slot] = (uint32_t)(i + 1);
	}
	return MIGPLAN_OK;
}

const migplan_table *migplan_snapshot_table_find(const migplan_snapshot *snap,
                                                 const char *database, const char *name)
{
	if (!snap || !name || !snap->table_slot_count)
		return NULL;
	uint32_t v = snap->table_slots[table_slot(snap, database ? database : snap->default_database,
	                                          name)];
	return v ? &snap->tables[v - 1] : NULL;
}

/* An optional mapping of objects keyed by name/id; the keys are never interpreted. */
static migplan_status snapshot_map(const migplan_node *root, const char *key, int required,
                                   const migplan_node **out)
{
	const migplan_node *v = migplan_node_get(root, key);
	*out = NULL;
	if (!v)
		return required ? migplan__schema_missing(root, "snapshot", key) : MIGPLAN_OK;
	if (migplan__kind(v) == MIGPLAN_NODE_NULL && !required)
		return MIGPLAN_OK;
	if (migplan__kind(v) != MIGPLAN_NODE_MAP)
		return migplan__schema_kind(v, "snapshot", key, "a mapping (object) keyed by id");
	*out = v;
	return MIGPLAN_OK;
}

static migplan_status snapshot_views(const migplan__build *b, const migplan_node *map,
                                     migplan_view_kind kind, migplan_view **out, size_t *count)
{
	size_t n = migplan_node_count(map);
	migplan_status st = arena_array(b->arena, n, sizeof(**out), (void **)out);
	if (st)
		return st;
	for (size_t i = 0; i < n; i++)
		if ((st = view_build(b, &(*out)[i], migplan_node_at(map, i), kind)))
			return st;
	*count = n;
	return MIGPLAN_OK;
}

static migplan_status snapshot_root(const migplan_snapshot *s)
{
	const migplan_node *root = s->doc->root;
	if (!root)
		return migplan__error_at(MIGPLAN_ESCHEMA, s->doc->path, 1, 1, 0,
		                         "the snapshot is empty: expected a JSON object "
		                         "(a Moose InfrastructureMap)");
	if (migplan__kind(root) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, root,
		                           "a snapshot must be a JSON object (a Moose "
		                           "InfrastructureMap), found %s", kind_name(root));
	return MIGPLAN_OK;
}

migplan_status migplan__snapshot_build(migplan_snapshot *s)
{
	migplan__build b = {&s->doc->arena, s->types};
	const migplan_node *root = s->doc->root, *tables, *mvs, *views;
	migplan_status st;
	if ((st = migplan__doc_refuse_nul(s->doc)) || (st = snapshot_root(s)) ||
	    (st = migplan__field_str(root, "snapshot", "default_database", 0, &s->default_database)) ||
	    (st = migplan__field_str(root, "snapshot", "moose_version", 0, &s->moose_version)) ||
	    (st = snapshot_map(root, "tables", 1, &tables)) ||
	    (st = snapshot_map(root, "materialized_views", 0, &mvs)) ||
	    (st = snapshot_map(root, "views", 0, &views)))
		return st;
	if (!s->default_database)
		s->default_database = "local";
	/* tables are identified by their fields, never by their map keys (FORMAT 2.2) */
	size_t n = migplan__nkids(tables);
	if ((st = arena_array(b.arena, n, sizeof(*s->tables), (void **)&s->tables)))
		return st;
	for (size_t i = 0; i < n; i++)
		if ((st = migplan__table_build(&b, &s->tables[i], migplan__val(tables, i))))
			return st;
	s->table_count = n;
	if ((st = snapshot_views(&b, mvs, MIGPLAN_VIEW_MATERIALIZED, &s->mvs, &s->mv_count)) ||
	    (st = snapshot_views(&b, views, MIGPLAN_VIEW_PLAIN, &s->views, &s->view_count)))
		return st;
	return snapshot_hash(s);
}
