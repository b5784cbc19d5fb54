/* Moose column types (FORMAT.md 1.6) mapped to ClickHouse types (FORMAT.md section 3).
 *
 * Each level writes the ClickHouse spelling of its node, with the canonical rendering of
 * its already-mapped children inside, and parses it with migplan_chtype_parse(). So every
 * intermediate result is a validated tree, the final tree is canonical (Enum8/Enum16 chosen
 * and members sorted as ClickHouse does), and an error names the Moose node that caused it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chtype-private.h"
#include "doc.h"
#include "error.h"
#include "strbuf.h"

/* Moose types are shallow; this only guards the stack against hostile input. */
#define MAX_DEPTH 200

/* A ClickHouse string literal ('...') or quoted name (`...`): the quote, the backslash and
 * the bytes ClickHouse's lexer would read as escapes are escaped. */
static void sb_quoted(migplan__sb *b, const char *s, size_t n, char quote)
{
	migplan__sb_append(b, &quote, 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == quote || s[i] == '\\')
			migplan__sb_append(b, "\\", 1);
		if (s[i] == '\0')
			migplan__sb_append(b, "\\0", 2);
		else
			migplan__sb_append(b, &s[i], 1);
	}
	migplan__sb_append(b, &quote, 1);
}

static void sb_tree(migplan__sb *b, const migplan_chtype *t)
{
	char *s = NULL;
	if (migplan_chtype_render(t, &s)) {
		b->failed = 1;
		return;
	}
	migplan__sb_puts(b, s);
	migplan_free(s);
}

static const char *kind_name(const migplan_node *n)
{
	return migplan_node_kind_name(migplan_node_kind_of(n));
}

/* Parses the text built in b into *out; a rejection becomes ESCHEMA at the Moose node. */
static migplan_status finish(migplan__sb *b, const migplan_node *at, migplan_chtype **out)
{
	migplan_status st;
	if (b->failed || !b->ptr) {
		free(b->ptr);
		return migplan__error_oom();
	}
	st = migplan_chtype_parse(out, b->ptr, b->len);
	if (st == MIGPLAN_EPARSE) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", migplan_error_message(migplan_error_last()));
		st = migplan__error_node(MIGPLAN_ESCHEMA, at, "not a valid ClickHouse type: %.200s (%s)",
		                         b->ptr, msg);
	}
	free(b->ptr);
	return st;
}

/* Wraps a mapped type: family(t). */
static migplan_status wrap(migplan_chtype **t, const char *family, const migplan_node *at)
{
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, family);
	migplan__sb_append(&b, "(", 1);
	sb_tree(&b, *t);
	migplan__sb_append(&b, ")", 1);
	migplan_chtype *w;
	migplan_status st = finish(&b, at, &w);
	if (st)
		return st;
	migplan_chtype_free(*t);
	*t = w;
	return MIGPLAN_OK;
}

static int text_is(const char *s, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(s, want, n) == 0;
}

static const migplan_node *get2(const migplan_node *n, const char *a, const char *b)
{
	const migplan_node *v = migplan_node_get(n, a);
	return v ? v : migplan_node_get(n, b);
}

static migplan_status map_type(const migplan_node *n, migplan_chtype **out, int depth);

/* ---- scalars ------------------------------------------------------------------------- */

typedef struct scalar {
	const char *moose;
	const char *clickhouse;
} scalar;

static const scalar scalars[] = {
	{"String", "String"}, {"Boolean", "Bool"},
	{"Int", "Int64"}, {"Int8", "Int8"}, {"Int16", "Int16"}, {"Int32", "Int32"},
	{"Int64", "Int64"}, {"Int128", "Int128"}, {"Int256", "Int256"}, {"UInt8", "UInt8"},
	{"UInt16", "UInt16"}, {"UInt32", "UInt32"}, {"UInt64", "UInt64"},
	{"UInt128", "UInt128"}, {"UInt256", "UInt256"},
	{"Float", "Float64"}, {"Float32", "Float32"}, {"Float64", "Float64"},
	{"Decimal", "Decimal(10, 0)"},
	/* Moose's DDL pins plain DateTime to UTC; Moose Date is 4 bytes (Date32), Date16 is Date */
	{"DateTime", "DateTime('UTC')"}, {"Date", "Date32"}, {"Date16", "Date"},
	{"UUID", "UUID"}, {"IPv4", "IPv4"}, {"IPv6", "IPv6"},
	{"Point", "Point"}, {"Ring", "Ring"}, {"LineString", "LineString"},
	{"MultiLineString", "MultiLineString"}, {"Polygon", "Polygon"},
	{"MultiPolygon", "MultiPolygon"}, {"Json", "JSON"},
};

/* Reads up to max_args unsigned integers in "(a, b)" after a name; spaces are trimmed as
 * Moose's parser does. Returns the number read, or -1 when the text is not of that shape. */
static int scalar_args(const char *s, size_t n, size_t from, unsigned long long *args,
                       int max_args)
{
	size_t i = from;
	int count = 0;
	if (i >= n || s[i] != '(')
		return -1;
	i++;
	for (;;) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9' || count == max_args)
			return -1;
		unsigned long long v = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (v > 100000000ull)
				return -1;
			v = v * 10 + (unsigned long long)(s[i++] - '0');
		}
		args[count++] = v;
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && s[i] == ',') {
			i++;
			continue;
		}
		return i + 1 == n && s[i] == ')' ? count : -1;
	}
}

static int has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);
	return n >= pn && memcmp(s, prefix, pn) == 0;
}

/* Decimal(p, s), DateTime(p), FixedString(n). 1: handled (b filled), 0: not this shape. */
static int scalar_with_args(migplan__sb *b, const char *s, size_t n)
{
	unsigned long long a[2];
	if (has_prefix(s, n, "Decimal") && scalar_args(s, n, 7, a, 2) == 2) {
		migplan__sb_printf(b, "Decimal(%lld, %lld)", (long long)a[0], (long long)a[1]);
		return 1;
	}
	if (has_prefix(s, n, "DateTime") && scalar_args(s, n, 8, a, 1) == 1) {
		/* Moose writes DateTime(p) for ClickHouse's DateTime64(p) */
		migplan__sb_printf(b, "DateTime64(%lld)", (long long)a[0]);
		return 1;
	}
	if (has_prefix(s, n, "FixedString") && scalar_args(s, n, 11, a, 1) == 1) {
		migplan__sb_printf(b, "FixedString(%lld)", (long long)a[0]);
		return 1;
	}
	return 0;
}

static migplan_status map_scalar(const migplan_node *n, migplan_chtype **out)
{
	size_t len;
	const char *s = migplan_node_text(n, &len);
	migplan__sb b = MIGPLAN__SB_INIT;
	if (text_is(s, len, "BigInt") || text_is(s, len, "Bytes"))
		return migplan__error_node(MIGPLAN_EUNSUPPORTED, n,
		                           "Moose has no ClickHouse mapping for %s", s);
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		if (text_is(s, len, scalars[i].moose)) {
			migplan__sb_puts(&b, scalars[i].clickhouse);
			return finish(&b, n, out);
		}
	}
	if (scalar_with_args(&b, s, len))
		return finish(&b, n, out);
	free(b.ptr);
	return migplan__error_node(MIGPLAN_ESCHEMA, n,
	                           "unknown Moose type '%.*s': expected String, Boolean, Int8 ... "
	                           "UInt256, Int, Float32, Float64, Float, Decimal, Decimal(p, s), "
	                           "DateTime, DateTime(p), Date, Date16, FixedString(n), UUID, IPv4, "
	                           "IPv6, Json, a geo type or a type object",
	                           (int)(len > 80 ? 80 : len), s);
}

/* ---- composite types ----------------------------------------------------------------- */

static migplan_status need_string(const migplan_node *n, const migplan_node *parent,
                                  const char *what, const char **s, size_t *len)
{
	*s = NULL; /* set on every path, so no caller reads an unset name */
	*len = 0;
	if (migplan_node_kind_of(n) != MIGPLAN_NODE_STRING)
		return migplan__error_node(MIGPLAN_ESCHEMA, n ? n : parent,
		                           "expected %s to be a string, found %s", what,
		                           n ? kind_name(n) : "nothing");
	*s = migplan_node_text(n, len);
	return MIGPLAN_OK;
}

static migplan_status need_seq(const migplan_node *n, const migplan_node *parent, const char *what)
{
	if (migplan_node_kind_of(n) == MIGPLAN_NODE_SEQ)
		return MIGPLAN_OK;
	return migplan__error_node(MIGPLAN_ESCHEMA, n ? n : parent, "expected %s to be a list, found %s",
	                           what, n ? kind_name(n) : "nothing");
}

/* An optional boolean: absent and null are 0. */
static migplan_status opt_bool(const migplan_node *n, const char *what, int *out)
{
	migplan_node_kind k = migplan_node_kind_of(n);
	*out = 0;
	if (!n || k == MIGPLAN_NODE_NULL)
		return MIGPLAN_OK;
	if (k != MIGPLAN_NODE_BOOL)
		return migplan__error_node(MIGPLAN_ESCHEMA, n, "expected %s to be true or false, found %s",
		                           what, kind_name(n));
	*out = migplan_node_bool(n);
	return MIGPLAN_OK;
}

/* Maps a child type and appends its canonical text. */
static migplan_status put_child(migplan__sb *b, const migplan_node *n,
                                const migplan_node *parent, const char *what, int depth,
                                migplan_chtype_kind *kind)
{
	migplan_chtype *t;
	if (!n)
		return migplan__error_node(MIGPLAN_ESCHEMA, parent, "missing %s", what);
	migplan_status st = map_type(n, &t, depth + 1);
	if (st)
		return st;
	if (kind)
		*kind = migplan_chtype_kind_of(t);
	sb_tree(b, t);
	migplan_chtype_free(t);
	return MIGPLAN_OK;
}

/* {nullable: T}: Nullable(T), not wrapped twice. */
static migplan_status map_nullable(const migplan_node *n, migplan_chtype **out, int depth)
{
	migplan_status st = map_type(migplan_node_get(n, "nullable"), out, depth + 1);
	if (st || migplan_chtype_kind_of(*out) == MIGPLAN_CHTYPE_NULLABLE)
		return st;
	st = wrap(out, "Nullable", n);
	if (st) {
		migplan_chtype_free(*out);
		*out = NULL;
	}
	return st;
}

/* {fields: [[name, T], ...]}: a named Tuple. */
static migplan_status map_tuple(const migplan_node *n, migplan_chtype **out, int depth)
{
	const migplan_node *fields = migplan_node_get(n, "fields");
	migplan_status st = need_seq(fields, n, "fields");
	if (st)
		return st;
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, "Tuple(");
	for (size_t i = 0; i < migplan_node_count(fields); i++) {
		const migplan_node *f = migplan_node_at(fields, i);
		const char *name;
		size_t len;
		if (migplan_node_kind_of(f) != MIGPLAN_NODE_SEQ || migplan_node_count(f) != 2) {
			free(b.ptr);
			return migplan__error_node(MIGPLAN_ESCHEMA, f, "expected a tuple field [name, type]");
		}
		st = need_string(migplan_node_at(f, 0), f, "the field name", &name, &len);
		if (!st && i)
			migplan__sb_puts(&b, ", ");
		if (!st) {
			sb_quoted(&b, name, len, '`');
			migplan__sb_puts(&b, " ");
			st = put_child(&b, migplan_node_at(f, 1), f, "the field type", depth, NULL);
		}
		if (st) {
			free(b.ptr);
			return st;
		}
	}
	migplan__sb_puts(&b, ")");
	return finish(&b, n, out);
}

/* {elementType: T, elementNullable: b} (or snake_case): Array(T) / Array(Nullable(T)). */
static migplan_status map_array(const migplan_node *n, migplan_chtype **out, int depth)
{
	int nullable;
	migplan_status st = opt_bool(get2(n, "elementNullable", "element_nullable"),
	                             "elementNullable", &nullable);
	if (st)
		return st;
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan_chtype_kind kind = MIGPLAN_CHTYPE_OTHER;
	migplan__sb elem = MIGPLAN__SB_INIT;
	st = put_child(&elem, get2(n, "elementType", "element_type"), n, "elementType", depth, &kind);
	if (st) {
		free(elem.ptr);
		return st;
	}
	nullable = nullable && kind != MIGPLAN_CHTYPE_NULLABLE;
	migplan__sb_puts(&b, nullable ? "Array(Nullable(" : "Array(");
	migplan__sb_append(&b, elem.ptr ? elem.ptr : "", elem.len);
	migplan__sb_puts(&b, nullable ? "))" : ")");
	b.failed |= elem.failed;
	free(elem.ptr);
	return finish(&b, n, out);
}

/* {keyType: K, valueType: V} (or snake_case): Map(K, V). */
static migplan_status map_map(const migplan_node *n, migplan_chtype **out, int depth)
{
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, "Map(");
	migplan_status st = put_child(&b, get2(n, "keyType", "key_type"), n, "keyType", depth, NULL);
	if (!st) {
		migplan__sb_puts(&b, ", ");
		st = put_child(&b, get2(n, "valueType", "value_type"), n, "valueType", depth, NULL);
	}
	if (st) {
		free(b.ptr);
		return st;
	}
	migplan__sb_puts(&b, ")");
	return finish(&b, n, out);
}

static const char *const json_keys[] = {
	"max_dynamic_paths", "maxDynamicPaths", "max_dynamic_types", "maxDynamicTypes",
	"typed_paths", "typedPaths", "skip_paths", "skipPaths", "skip_regexps", "skipRegexps",
};

static int is_json(const migplan_node *n)
{
	for (size_t i = 0; i < sizeof(json_keys) / sizeof(json_keys[0]); i++)
		if (migplan_node_get(n, json_keys[i]))
			return 1;
	return 0;
}

static void json_sep(migplan__sb *b, int *first)
{
	migplan__sb_puts(b, *first ? "(" : ", ");
	*first = 0;
}

/* max_dynamic_paths / max_dynamic_types: absent or null means ClickHouse's default. */
static migplan_status json_limit(migplan__sb *b, int *first, const migplan_node *v,
                                 const char *name, long long max)
{
	int64_t x;
	if (!v || migplan_node_kind_of(v) == MIGPLAN_NODE_NULL)
		return MIGPLAN_OK;
	if (migplan_node_kind_of(v) != MIGPLAN_NODE_INT || migplan_node_int(v, &x) || x < 0 || x > max)
		return migplan__error_node(MIGPLAN_ESCHEMA, v, "expected %s to be an integer from 0 to %lld",
		                           name, max);
	json_sep(b, first);
	migplan__sb_printf(b, "%s=%lld", name, (long long)x);
	return MIGPLAN_OK;
}

/* An optional list (absent or null: empty). */
static migplan_status opt_list(const migplan_node *v, const migplan_node *parent, const char *what)
{
	if (!v || migplan_node_kind_of(v) == MIGPLAN_NODE_NULL)
		return MIGPLAN_OK;
	return need_seq(v, parent, what);
}

static migplan_status json_typed_paths(migplan__sb *b, int *first, const migplan_node *n, int depth)
{
	const migplan_node *v = get2(n, "typed_paths", "typedPaths");
	migplan_status st = opt_list(v, n, "typed_paths");
	for (size_t i = 0; !st && i < migplan_node_count(v); i++) {
		const migplan_node *tp = migplan_node_at(v, i);
		const char *path;
		size_t len;
		if (migplan_node_kind_of(tp) != MIGPLAN_NODE_SEQ || migplan_node_count(tp) != 2)
			return migplan__error_node(MIGPLAN_ESCHEMA, tp, "expected a typed path [path, type]");
		st = need_string(migplan_node_at(tp, 0), tp, "the path", &path, &len);
		if (st)
			return st;
		json_sep(b, first);
		sb_quoted(b, path, len, '`');
		migplan__sb_puts(b, " ");
		st = put_child(b, migplan_node_at(tp, 1), tp, "the path type", depth, NULL);
	}
	return st;
}

static migplan_status json_skips(migplan__sb *b, int *first, const migplan_node *n, int regexp)
{
	const char *what = regexp ? "skip_regexps" : "skip_paths";
	const migplan_node *v = get2(n, what, regexp ? "skipRegexps" : "skipPaths");
	migplan_status st = opt_list(v, n, what);
	for (size_t i = 0; !st && i < migplan_node_count(v); i++) {
		const char *s;
		size_t len;
		st = need_string(migplan_node_at(v, i), v, regexp ? "a skip regexp" : "a skip path", &s, &len);
		if (st)
			return st;
		json_sep(b, first);
		migplan__sb_puts(b, regexp ? "SKIP REGEXP " : "SKIP ");
		sb_quoted(b, s, len, regexp ? '\'' : '`');
	}
	return st;
}

/* The JSON object: JSON or JSON(max_dynamic_paths=N, path Type, SKIP path, SKIP REGEXP 're'). */
static migplan_status map_json(const migplan_node *n, migplan_chtype **out, int depth)
{
	migplan__sb b = MIGPLAN__SB_INIT;
	int first = 1;
	migplan__sb_puts(&b, "JSON");
	migplan_status st = json_limit(&b, &first, get2(n, "max_dynamic_paths", "maxDynamicPaths"),
	                               "max_dynamic_paths", 10000);
	if (!st)
		st = json_limit(&b, &first, get2(n, "max_dynamic_types", "maxDynamicTypes"),
		                "max_dynamic_types", 254);
	if (!st)
		st = json_typed_paths(&b, &first, n, depth);
	if (!st)
		st = json_skips(&b, &first, n, 0);
	if (!st)
		st = json_skips(&b, &first, n, 1);
	if (st) {
		free(b.ptr);
		return st;
	}
	if (!first)
		migplan__sb_puts(&b, ")");
	return finish(&b, n, out);
}

/* One Enum member {name, value: {String: s} | {Int: n}}: its label and (for Int) value. */
static migplan_status enum_member(const migplan_node *m, int *is_int, const char **label,
                                  size_t *len, int64_t *value)
{
	const migplan_node *v = migplan_node_get(m, "value");
	const char *name;
	size_t name_len;
	if (migplan_node_kind_of(m) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, m, "expected an Enum member {name, value}, found %s",
		                           kind_name(m));
	migplan_status st = need_string(migplan_node_get(m, "name"), m, "the member name", &name,
	                                &name_len);
	if (st)
		return st;
	if (migplan_node_kind_of(v) != MIGPLAN_NODE_MAP || migplan_node_count(v) != 1)
		return migplan__error_node(MIGPLAN_ESCHEMA, v ? v : m,
		                           "expected the member value to be {String: text} or {Int: n}");
	const migplan_node *s = migplan_node_get(v, "String");
	const migplan_node *i = migplan_node_get(v, "Int");
	if (s) {
		*is_int = 0;
		return need_string(s, v, "the String value", label, len);
	}
	if (!i || migplan_node_kind_of(i) != MIGPLAN_NODE_INT || migplan_node_int(i, value) ||
	    *value < -32768 || *value > 32767)
		return migplan__error_node(MIGPLAN_ESCHEMA, i ? i : v,
		                           i ? "expected the Int value to be an integer from -32768 to 32767"
		                             : "expected the member value to be {String: text} or {Int: n}");
	*is_int = 1;
	*label = name; /* int members: the member name is the label */
	*len = name_len;
	return MIGPLAN_OK;
}

typedef struct member {
	const char *label;
	size_t len;
	int64_t value;
} member;

static migplan_status enum_check(const migplan_node *m, const member *all, size_t i, int is_int)
{
	for (size_t j = 0; j < i; j++) {
		if (all[j].len == all[i].len && !memcmp(all[j].label, all[i].label, all[i].len))
			return migplan__error_node(MIGPLAN_ESCHEMA, m, "duplicate Enum label '%.*s'",
			                           (int)(all[i].len > 80 ? 80 : all[i].len), all[i].label);
		if (is_int && all[j].value == all[i].value)
			return migplan__error_node(MIGPLAN_ESCHEMA, m, "duplicate Enum value %lld",
			                           (long long)all[i].value);
	}
	return MIGPLAN_OK;
}

static migplan_status enum_members(const migplan_node *values, member *all, int *is_int)
{
	for (size_t i = 0; i < migplan_node_count(values); i++) {
		const migplan_node *m = migplan_node_at(values, i);
		int this_int = 0;
		all[i].value = 0;
		migplan_status st = enum_member(m, &this_int, &all[i].label, &all[i].len, &all[i].value);
		if (st)
			return st;
		if (i && this_int != *is_int)
			return migplan__error_node(MIGPLAN_ESCHEMA, m,
			                           "an Enum mixes String and Int members");
		*is_int = this_int;
		st = enum_check(m, all, i, this_int);
		if (st)
			return st;
	}
	return MIGPLAN_OK;
}

/* Enum {name, values}: rendered as Moose's DDL creates it. String members become
 * Enum('a', 'b') (the values are the labels, numbered from 1); Int members become
 * Enum('NAME' = n, ...). ClickHouse picks Enum8 or Enum16 from the values. */
static migplan_status map_enum(const migplan_node *n, migplan_chtype **out)
{
	const char *name;
	size_t len;
	const migplan_node *values = migplan_node_get(n, "values");
	migplan_status st = need_string(migplan_node_get(n, "name"), n, "the Enum name", &name, &len);
	if (!st)
		st = need_seq(values, n, "the Enum values");
	if (st)
		return st;
	size_t count = migplan_node_count(values);
	if (!count)
		return migplan__error_node(MIGPLAN_ESCHEMA, values, "an Enum needs at least one member");
	member *all = calloc(count, sizeof(*all));
	if (!all)
		return migplan__error_oom();
	int is_int = 0;
	st = enum_members(values, all, &is_int);
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, "Enum(");
	for (size_t i = 0; !st && i < count; i++) {
		if (i)
			migplan__sb_puts(&b, ", ");
		sb_quoted(&b, all[i].label, all[i].len, '\'');
		if (is_int) {
			migplan__sb_puts(&b, " = ");
			migplan__sb_printf(&b, "%lld", (long long)all[i].value);
		}
	}
	free(all);
	if (st) {
		free(b.ptr);
		return st;
	}
	migplan__sb_puts(&b, ")");
	return finish(&b, n, out);
}

/* A non-required column inside Nested is Nullable, unless ClickHouse would refuse that
 * (the same rule as for columns). */
static int nullable_allowed(migplan_chtype_kind k)
{
	return k != MIGPLAN_CHTYPE_NULLABLE && k != MIGPLAN_CHTYPE_ARRAY && k != MIGPLAN_CHTYPE_NESTED;
}

static migplan_status nested_column(migplan__sb *b, const migplan_node *c, int depth)
{
	const char *name;
	size_t len;
	int optional = 0;
	if (migplan_node_kind_of(c) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, c, "expected a Nested column {name, data_type, "
		                           "required, ...}, found %s", kind_name(c));
	migplan_status st = need_string(migplan_node_get(c, "name"), c, "the column name", &name, &len);
	const migplan_node *req = migplan_node_get(c, "required");
	if (!st && req && migplan_node_kind_of(req) != MIGPLAN_NODE_NULL) {
		st = opt_bool(req, "required", &optional);
		optional = !optional;
	}
	if (st)
		return st;
	migplan_chtype *t = NULL;
	const migplan_node *dt = migplan_node_get(c, "data_type");
	if (!dt)
		return migplan__error_node(MIGPLAN_ESCHEMA, c, "missing data_type in a Nested column");
	st = map_type(dt, &t, depth + 1);
	if (!st && optional && nullable_allowed(migplan_chtype_kind_of(t)))
		st = wrap(&t, "Nullable", dt);
	if (st) {
		migplan_chtype_free(t);
		return st;
	}
	sb_quoted(b, name, len, '`');
	migplan__sb_puts(b, " ");
	sb_tree(b, t);
	migplan_chtype_free(t);
	return MIGPLAN_OK;
}

/* Nested {name, columns: [Column...], jwt}: Nested(col T, ...). */
static migplan_status map_nested(const migplan_node *n, migplan_chtype **out, int depth)
{
	const char *name;
	size_t len;
	int jwt;
	const migplan_node *cols = migplan_node_get(n, "columns");
	migplan_status st = need_string(migplan_node_get(n, "name"), n, "the Nested name", &name, &len);
	if (!st)
		st = opt_bool(migplan_node_get(n, "jwt"), "jwt", &jwt);
	if (!st)
		st = need_seq(cols, n, "the Nested columns");
	if (!st && !migplan_node_count(cols))
		st = migplan__error_node(MIGPLAN_ESCHEMA, cols, "a Nested type needs at least one column");
	if (st)
		return st;
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, "Nested(");
	for (size_t i = 0; !st && i < migplan_node_count(cols); i++) {
		if (i)
			migplan__sb_puts(&b, ", ");
		st = nested_column(&b, migplan_node_at(cols, i), depth);
	}
	if (st) {
		free(b.ptr);
		return st;
	}
	migplan__sb_puts(&b, ")");
	return finish(&b, n, out);
}

/* Which object it is, by the keys present, in the order of Moose's ColumnTypeVisitor. */
static migplan_status map_object(const migplan_node *n, migplan_chtype **out, int depth)
{
	if (migplan_node_get(n, "nullable"))
		return map_nullable(n, out, depth);
	if (migplan_node_get(n, "fields"))
		return map_tuple(n, out, depth);
	if (get2(n, "elementType", "element_type"))
		return map_array(n, out, depth);
	if (get2(n, "keyType", "key_type"))
		return map_map(n, out, depth);
	if (is_json(n))
		return map_json(n, out, depth);
	if (migplan_node_get(n, "values"))
		return map_enum(n, out);
	if (migplan_node_get(n, "columns"))
		return map_nested(n, out, depth);
	return migplan__error_node(MIGPLAN_ESCHEMA, n,
	                           "not a Moose type object: expected {nullable}, {fields}, "
	                           "{elementType}, {keyType, valueType}, JSON options, an Enum "
	                           "{name, values} or a Nested {name, columns}");
}

static migplan_status map_type(const migplan_node *n, migplan_chtype **out, int depth)
{
	*out = NULL;
	if (depth > MAX_DEPTH)
		return migplan__error_node(MIGPLAN_ESCHEMA, n, "Moose type nested too deeply");
	switch (migplan_node_kind_of(n)) {
	case MIGPLAN_NODE_STRING:
		return map_scalar(n, out);
	case MIGPLAN_NODE_MAP:
		return map_object(n, out, depth);
	default:
		return migplan__error_node(MIGPLAN_ESCHEMA, n,
		                           "expected a Moose type (a type name or a type object), found %s",
		                           n ? kind_name(n) : "nothing");
	}
}

/* ---- column level -------------------------------------------------------------------- */

typedef struct annots {
	int low_cardinality;
	const migplan_node *agg;  /* aggregationFunction value */
	const migplan_node *saf;  /* simpleAggregationFunction value */
} annots;

static migplan_status read_annotations(const migplan_node *a, annots *an)
{
	memset(an, 0, sizeof(*an));
	if (!a || migplan_node_kind_of(a) == MIGPLAN_NODE_NULL)
		return MIGPLAN_OK;
	if (migplan_node_kind_of(a) != MIGPLAN_NODE_SEQ)
		return migplan__error_node(MIGPLAN_ESCHEMA, a, "expected annotations to be a list of "
		                           "[key, value] pairs, found %s", kind_name(a));
	for (size_t i = 0; i < migplan_node_count(a); i++) {
		const migplan_node *pair = migplan_node_at(a, i);
		const char *key = migplan__node_str(migplan_node_at(pair, 0));
		if (migplan_node_kind_of(pair) != MIGPLAN_NODE_SEQ || migplan_node_count(pair) != 2 || !key)
			return migplan__error_node(MIGPLAN_ESCHEMA, pair,
			                           "expected an annotation [key, value]");
		const migplan_node *v = migplan_node_at(pair, 1);
		if (!strcmp(key, "LowCardinality"))
			an->low_cardinality = migplan_node_bool(v); /* only true has an effect */
		else if (!strcmp(key, "aggregationFunction"))
			an->agg = v;
		else if (!strcmp(key, "simpleAggregationFunction"))
			an->saf = v;
	}
	return MIGPLAN_OK;
}

/* A function name, optionally with parameters: `sum`, `quantiles(0.5, 0.9)`. Checked here
 * so that a name cannot smuggle extra argument types into the type text. */
static int function_name_ok(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	                 (i && s[i] >= '0' && s[i] <= '9')))
		i++;
	if (!i)
		return 0;
	if (i == n)
		return 1;
	if (s[i] != '(' || s[n - 1] != ')')
		return 0;
	int depth = 0;
	char quote = 0;
	for (; i < n; i++) {
		if (quote) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '(' || s[i] == '[') {
			depth++;
		} else if (s[i] == ')' || s[i] == ']') {
			if (--depth == 0 && i != n - 1)
				return 0;
		}
	}
	return depth == 0 && !quote;
}

static migplan_status put_function(migplan__sb *b, const migplan_node *v, const char *what)
{
	const char *fn;
	size_t len;
	migplan_status st = need_string(migplan_node_get(v, "functionName"), v, "functionName", &fn, &len);
	if (st)
		return st;
	if (!function_name_ok(fn, len))
		return migplan__error_node(MIGPLAN_ESCHEMA, migplan_node_get(v, "functionName"),
		                           "expected the %s functionName to be a function name, "
		                           "optionally with parameters", what);
	migplan__sb_append(b, fn, len);
	return MIGPLAN_OK;
}

/* ["aggregationFunction", {functionName, argumentTypes: [T...]}] -> AggregateFunction(f, T...). */
static migplan_status map_aggregate(const migplan_node *v, migplan_chtype **out)
{
	if (migplan_node_kind_of(v) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, v, "expected aggregationFunction to be "
		                           "{functionName, argumentTypes}, found %s", kind_name(v));
	const migplan_node *args = migplan_node_get(v, "argumentTypes");
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, "AggregateFunction(");
	migplan_status st = put_function(&b, v, "aggregationFunction");
	if (!st)
		st = need_seq(args, v, "argumentTypes");
	for (size_t i = 0; !st && i < migplan_node_count(args); i++) {
		migplan__sb_puts(&b, ", ");
		st = put_child(&b, migplan_node_at(args, i), args, "an argument type", 0, NULL);
	}
	if (st) {
		free(b.ptr);
		return st;
	}
	migplan__sb_puts(&b, ")");
	return finish(&b, v, out);
}

/* ["simpleAggregationFunction", {functionName, argumentType: T}] -> SimpleAggregateFunction(f, T). */
static migplan_status map_simple_aggregate(const migplan_node *v, migplan_chtype **out)
{
	if (migplan_node_kind_of(v) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, v, "expected simpleAggregationFunction to be "
		                           "{functionName, argumentType}, found %s", kind_name(v));
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, "SimpleAggregateFunction(");
	migplan_status st = put_function(&b, v, "simpleAggregationFunction");
	if (!st) {
		migplan__sb_puts(&b, ", ");
		st = put_child(&b, migplan_node_get(v, "argumentType"), v, "argumentType", 0, NULL);
	}
	if (st) {
		free(b.ptr);
		return st;
	}
	migplan__sb_puts(&b, ")");
	return finish(&b, v, out);
}

/* Moose's DDL: LowCardinality(T) first, then Nullable(...) around it when the column is
 * optional and T is not Nullable, Array or Nested. An optional LowCardinality string thus
 * becomes Nullable(LowCardinality(String)), which ClickHouse refuses. */
static migplan_status wrap_as_moose(migplan_chtype **t, int nullable, int lc, const migplan_node *at)
{
	migplan_status st = MIGPLAN_OK;
	if (lc)
		st = wrap(t, "LowCardinality", at);
	if (!st && nullable && nullable_allowed(migplan_chtype_kind_of(*t)))
		st = wrap(t, "Nullable", at);
	return st;
}

/* Types ClickHouse refuses inside Nullable in a table (checked against ClickHouse 26.7:
 * "Nested type ... cannot be inside Nullable type", and Nullable(Tuple) needs a setting). */
static int clickhouse_nullable_ok(migplan_chtype_kind k)
{
	switch (k) {
	case MIGPLAN_CHTYPE_ARRAY:
	case MIGPLAN_CHTYPE_MAP:
	case MIGPLAN_CHTYPE_TUPLE:
	case MIGPLAN_CHTYPE_NESTED:
	case MIGPLAN_CHTYPE_NULLABLE:
	case MIGPLAN_CHTYPE_LOW_CARDINALITY:
	case MIGPLAN_CHTYPE_AGGREGATE_FUNCTION:
	case MIGPLAN_CHTYPE_VARIANT:
	case MIGPLAN_CHTYPE_DYNAMIC:
	case MIGPLAN_CHTYPE_GEO:
		return 0;
	default:
		return 1;
	}
}

/* What ClickHouse accepts: Nullable goes inside LowCardinality, and is left off types that
 * cannot be Nullable (an optional Map column is simply a Map, as Moose already does for
 * Array). A top-level {nullable: T} counts as an optional column. */
static migplan_status wrap_correct(migplan_chtype **t, int nullable, int lc, const migplan_node *at)
{
	if (migplan_chtype_kind_of(*t) == MIGPLAN_CHTYPE_NULLABLE) {
		migplan_chtype *inner;
		migplan_status st = migplan_chtype_copy(&inner, migplan_chtype_child_at(*t, 0));
		if (st)
			return st;
		migplan_chtype_free(*t);
		*t = inner;
		nullable = 1;
	}
	migplan_status st = MIGPLAN_OK;
	if (nullable && clickhouse_nullable_ok(migplan_chtype_kind_of(*t)))
		st = wrap(t, "Nullable", at);
	if (!st && lc)
		st = wrap(t, "LowCardinality", at);
	return st;
}

migplan_status migplan__chtype_from_moose(migplan_chtype **out, const migplan_node *data_type,
                                          int nullable, const migplan_node *annotations,
                                          migplan__moose_render order)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan__chtype_from_moose: out is NULL");
	*out = NULL;
	if (!data_type)
		return migplan__error(MIGPLAN_EINVAL, "migplan__chtype_from_moose: data_type is NULL");
	annots an;
	migplan_status st = read_annotations(annotations, &an);
	migplan_chtype *t = NULL;
	if (!st)
		st = map_type(data_type, &t, 0);
	if (!st && (an.agg || an.saf)) {
		/* data_type is the aggregate's result type; the column stores the state */
		migplan_chtype_free(t);
		t = NULL;
		st = an.agg ? map_aggregate(an.agg, &t) : map_simple_aggregate(an.saf, &t);
	}
	if (!st)
		st = order == MIGPLAN__RENDER_AS_MOOSE
		             ? wrap_as_moose(&t, nullable, an.low_cardinality, data_type)
		             : wrap_correct(&t, nullable, an.low_cardinality, data_type);
	if (st) {
		migplan_chtype_free(t);
		return st;
	}
	*out = t;
	return MIGPLAN_OK;
}
