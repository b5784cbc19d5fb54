/* The YAML emitter (lib/yaml_emit.c): Moose's exact plan.yaml formatting.
 *
 * Expected strings come from ../shared/moose/fixtures/moose_emit.py (PyYAML over the same
 * libyaml emitter, with serde_yaml's typing rules), except where that script and
 * serde_yaml 0.9.34 disagree; those cases say so and follow serde_yaml, which is what Moose
 * runs. The fixture plans are checked byte for byte through the real reader. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "arena.h"
#include "doc.h"
#include "emit.h"
#include "migplan/errors.h"

static migplan__arena arena;

/* ---- building trees ---------------------------------------------------------------- */

static migplan_node *str_n(const char *s, size_t len)
{
	return migplan__node_new_string(&arena, NULL, s, len);
}

static migplan_node *str(const char *s)
{
	return str_n(s, strlen(s));
}

/* A scalar as the reader would leave it: any kind, text as written. */
static migplan_node *scalar(migplan_node_kind kind, const char *text)
{
	migplan_node *n = migplan__node_new_string(&arena, NULL, text, strlen(text));
	if (n)
		migplan__node_set(n, kind, migplan__text_of(n));
	return n;
}

static migplan_node *map1(const char *key, migplan_node *value)
{
	migplan__pair p = { str(key), value };
	return migplan__node_new_map(&arena, NULL, &p, 1);
}

/* emit_value of a node, as a string owned by the caller ("<error>" on failure). */
static char *emit(const migplan_node *n)
{
	char *out = NULL;
	size_t len = 0;
	if (migplan__yaml_emit_value(n, &out, &len) != MIGPLAN_OK)
		return strdup("<error>");
	if (strlen(out) != len) {
		/* NUL bytes inside are never emitted raw; a mismatch is a bug */
		free(out);
		return strdup("<length mismatch>");
	}
	return out;
}

static void is_emit(const migplan_node *n, const char *want, const char *what)
{
	char *got = emit(n);
	is_str(got, want, "%s", what);
	free(got);
}

/* ---- quoting, one case at a time: `v: <string>` ----------------------------------- */

typedef struct quote_case {
	const char *text;
	size_t len; /* 0: strlen */
	const char *want;
	const char *what;
} quote_case;

static const quote_case quote_cases[] = {
	/* strings that would read back as another type are single-quoted */
	{ "", 0, "v: ''\n", "empty string is quoted (null form)" },
	{ "null", 0, "v: 'null'\n", "null" },
	{ "Null", 0, "v: 'Null'\n", "Null" },
	{ "NULL", 0, "v: 'NULL'\n", "NULL" },
	{ "~", 0, "v: '~'\n", "tilde" },
	{ "true", 0, "v: 'true'\n", "true" },
	{ "True", 0, "v: 'True'\n", "True" },
	{ "FALSE", 0, "v: 'FALSE'\n", "FALSE" },
	{ "0", 0, "v: '0'\n", "0" },
	{ "-0", 0, "v: '-0'\n", "-0" },
	{ "0x1F", 0, "v: '0x1F'\n", "hex" },
	{ "+0x1F", 0, "v: '+0x1F'\n", "signed hex" },
	{ "-0x1F", 0, "v: '-0x1F'\n", "negative hex" },
	{ "0o17", 0, "v: '0o17'\n", "octal" },
	{ "0b101", 0, "v: '0b101'\n", "binary" },
	{ "+1", 0, "v: '+1'\n", "plus sign" },
	{ "007", 0, "v: '007'\n", "leading zeros" },
	{ "8192", 0, "v: '8192'\n", "a setting value" },
	{ "123456789012345678901234567890123456789012345", 0,
	  "v: '123456789012345678901234567890123456789012345'\n",
	  "integer wider than 128 bits is a float" },
	{ "1.0", 0, "v: '1.0'\n", "version 1.0" },
	{ "0.01", 0, "v: '0.01'\n", "index argument" },
	{ "1.", 0, "v: '1.'\n", "1." },
	{ ".5", 0, "v: '.5'\n", ".5" },
	{ "-.5", 0, "v: '-.5'\n", "-.5" },
	{ "1e3", 0, "v: '1e3'\n", "1e3" },
	{ ".inf", 0, "v: '.inf'\n", ".inf" },
	{ "-.inf", 0, "v: '-.inf'\n", "-.inf" },
	{ "+.inf", 0, "v: '+.inf'\n", "+.inf" },
	{ ".nan", 0, "v: '.nan'\n", ".nan" },
	/* not another type: plain */
	{ "2026-03-02T10:14:03.551902117Z", 0, "v: 2026-03-02T10:14:03.551902117Z\n",
	  "timestamps are plain" },
	{ "y", 0, "v: y\n", "YAML 1.1 booleans are plain" },
	{ "yes", 0, "v: yes\n", "yes is plain" },
	{ "on", 0, "v: on\n", "on is plain" },
	{ "1_000", 0, "v: 1_000\n", "underscores are not a number" },
	{ "+-1", 0, "v: +-1\n", "two signs are not a number" },
	{ "0.0.1", 0, "v: 0.0.1\n", "version triple" },
	{ "1e", 0, "v: 1e\n", "exponent without digits" },
	{ "a#b", 0, "v: a#b\n", "# without a space before" },
	{ "a:b", 0, "v: a:b\n", ": without a space after" },
	{ ":x", 0, "v: :x\n", ": at the start but not followed by a space" },
	{ "x,y", 0, "v: x,y\n", "comma inside" },
	{ "Nullable(String)", 0, "v: Nullable(String)\n", "a type name" },
	/* libyaml's own fallbacks */
	{ "'unknown'", 0, "v: '''unknown'''\n", "SQL default 'unknown'" },
	{ "`events`", 0, "v: '`events`'\n", "backticked name" },
	{ " lead", 0, "v: ' lead'\n", "leading space" },
	{ "trail ", 0, "v: 'trail '\n", "trailing space" },
	{ "a: b", 0, "v: 'a: b'\n", "': ' inside" },
	{ "a #b", 0, "v: 'a #b'\n", "' #' inside" },
	{ "-", 0, "v: '-'\n", "lone dash" },
	{ "- x", 0, "v: '- x'\n", "dash space" },
	{ "? x", 0, "v: '? x'\n", "question mark space" },
	{ "*x", 0, "v: '*x'\n", "alias indicator" },
	{ "&x", 0, "v: '&x'\n", "anchor indicator" },
	{ "!x", 0, "v: '!x'\n", "tag indicator" },
	{ "|x", 0, "v: '|x'\n", "literal indicator" },
	{ ">x", 0, "v: '>x'\n", "folded indicator" },
	{ "%x", 0, "v: '%x'\n", "directive indicator" },
	{ "@x", 0, "v: '@x'\n", "reserved @" },
	{ "[x", 0, "v: '[x'\n", "flow sequence indicator" },
	{ "{x", 0, "v: '{x'\n", "flow mapping indicator" },
	{ "]x", 0, "v: ']x'\n", "]" },
	{ "}x", 0, "v: '}x'\n", "}" },
	{ ",x", 0, "v: ',x'\n", "leading comma" },
	{ "#x", 0, "v: '#x'\n", "comment indicator" },
	{ "\"x", 0, "v: '\"x'\n", "double quote first" },
	/* multi-line strings */
	{ "SELECT 1\nFROM t", 0, "v: |-\n  SELECT 1\n  FROM t\n",
	  "multi-line SQL, no trailing newline" },
	{ "SELECT 1\nFROM t\n", 0, "v: |\n  SELECT 1\n  FROM t\n",
	  "multi-line SQL with trailing newline" },
	{ "a\n\n", 0, "v: |+\n  a\n\n...\n",
	  "several trailing newlines: keep, then a document end" },
	{ " lead\nx", 0, "v: |2-\n   lead\n  x\n", "leading space needs an indentation digit" },
	{ "SELECT 1 \nFROM t", 0, "v: \"SELECT 1 \\nFROM t\"\n",
	  "a line ending in a space falls back to double quotes" },
	/* control characters and non-ASCII text */
	{ "tab\there", 0, "v: \"tab\\there\"\n", "tab" },
	{ "bell\x07", 0, "v: \"bell\\a\"\n", "bell" },
	{ "nul\0x", 5, "v: \"nul\\0x\"\n", "NUL byte" },
	{ "cr\rx", 0, "v: \"cr\\rx\"\n", "carriage return" },
	{ "caf\xc3\xa9", 0, "v: caf\xc3\xa9\n", "accented text stays plain and raw" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0, "v: \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n",
	  "CJK text" },
	{ "emoji\xf0\x9f\x98\x80", 0, "v: \"emoji\\U0001F600\"\n",
	  "characters outside the BMP are escaped (libyaml)" },
	{ "\xef\xbb\xbf" "bom", 0, "v: \"\\uFEFFbom\"\n", "byte order mark" },
	{ "x\xc2\x85y", 0, "v: \"x\\Ny\"\n", "next line (U+0085)" },
	/* serde_yaml 0.9.34 (what Moose runs) writes these plain; moose_emit.py quotes them */
	{ "1e400", 0, "v: 1e400\n", "a float that overflows is a string to serde_yaml" },
	{ "0xffffffffffffffffffffffffffffffffffffffff", 0,
	  "v: 0xffffffffffffffffffffffffffffffffffffffff\n",
	  "hex wider than 128 bits is a string" },
};

static void test_quoting(void)
{
	for (size_t i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++) {
		const quote_case *c = &quote_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		is_emit(map1("v", str_n(c->text, len)), c->want, c->what);
	}
	ok(migplan__yaml_string_needs_quotes("340282366920938463463374607431768211455", 39),
	   "u128 max is an integer");
	ok(migplan__yaml_string_needs_quotes("-170141183460469231731687303715884105728", 40),
	   "i128 min is an integer");
	ok(migplan__yaml_string_needs_quotes("0xffffffffffffffffffffffffffffffff", 34),
	   "hex u128 max is an integer");
	ok(!migplan__yaml_string_needs_quotes("0x1ffffffffffffffffffffffffffffffff", 35),
	   "hex past u128 is a string");
	ok(!migplan__yaml_string_needs_quotes("0x", 2), "0x alone is a string");
	ok(!migplan__yaml_string_needs_quotes("0x+1", 4), "0x+1 is a string");
	ok(!migplan__yaml_string_needs_quotes("inf", 3), "inf without a dot is a string");
	ok(!migplan__yaml_string_needs_quotes("-.nan", 5), ".nan takes no sign");
	ok(migplan__yaml_string_needs_quotes("-2.5E-3", 7), "exponent in capitals");
	ok(migplan__yaml_string_needs_quotes("1e-400", 6), "underflow to 0 is still a float");
}

/* ---- keys, collections, layout --------------------------------------------------- */

static void test_collections(void)
{
	migplan__pair pairs[] = {
		{ str("e"), migplan__node_new_int(&arena, NULL, 1) },
		{ str("a"), migplan__node_new_seq(&arena, NULL, NULL, 0) },
		{ str("b"), migplan__node_new_map(&arena, NULL, NULL, 0) },
		{ str("d"), migplan__node_new_null(&arena, NULL) },
	};
	migplan_node *lc[] = { str("LowCardinality"), migplan__node_new_bool(&arena, NULL, 1) };
	migplan_node *ann[] = { migplan__node_new_seq(&arena, NULL, lc, 2) };
	migplan__pair all[5];
	memcpy(all, pairs, sizeof(pairs));
	all[4].key = str("c");
	all[4].value = migplan__node_new_seq(&arena, NULL, ann, 1);
	is_emit(migplan__node_new_map(&arena, NULL, all, 5),
	        "a: []\nb: {}\nc:\n- - LowCardinality\n  - true\nd: null\ne: 1\n",
	        "keys sorted, [] and {}, indentless sequence, sequence in sequence");

	/* [[["x"]], {"k": [1, 2]}, [{"a": 1, "b": [2]}]] */
	migplan_node *x[] = { str("x") };
	migplan_node *xx[] = { migplan__node_new_seq(&arena, NULL, x, 1) };
	migplan_node *one_two[] = { migplan__node_new_int(&arena, NULL, 1),
		                    migplan__node_new_int(&arena, NULL, 2) };
	migplan_node *two[] = { migplan__node_new_int(&arena, NULL, 2) };
	migplan__pair ab[] = { { str("b"), migplan__node_new_seq(&arena, NULL, two, 1) },
		               { str("a"), migplan__node_new_int(&arena, NULL, 1) } };
	migplan_node *abm[] = { migplan__node_new_map(&arena, NULL, ab, 2) };
	migplan_node *top[] = { migplan__node_new_seq(&arena, NULL, xx, 1),
		                map1("k", migplan__node_new_seq(&arena, NULL, one_two, 2)),
		                migplan__node_new_seq(&arena, NULL, abm, 1) };
	is_emit(migplan__node_new_seq(&arena, NULL, top, 3),
	        "- - - x\n- k:\n  - 1\n  - 2\n- - a: 1\n    b:\n    - 2\n",
	        "nested sequences and mappings inside sequences");

	/* byte order, as serde_json's BTreeMap: uppercase < '_' < lowercase < non-ASCII */
	const char *keys[] = { "\xc3\xa9", "ab", "a_b", "a",    "_",
		               "Z",        "B",  "1",   "",  "null", "x: y" };
	migplan__pair kp[11];
	for (int i = 0; i < 11; i++) {
		kp[i].key = str(keys[i]);
		kp[i].value = migplan__node_new_int(&arena, NULL, i);
	}
	is_emit(migplan__node_new_map(&arena, NULL, kp, 11),
	        "'': 8\n'1': 7\nB: 6\nZ: 5\n_: 4\na: 3\na_b: 2\nab: 1\n'null': 9\n'x: y': 10\n"
	        "\xc3\xa9: 0\n",
	        "keys in byte order, quoted by the string rules");

	/* a repeated key keeps its last value, like serde_json's Map */
	migplan__pair dup[] = { { str("k"), migplan__node_new_int(&arena, NULL, 1) },
		                { str("a"), migplan__node_new_int(&arena, NULL, 2) },
		                { str("k"), migplan__node_new_int(&arena, NULL, 3) } };
	is_emit(migplan__node_new_map(&arena, NULL, dup, 3), "a: 2\nk: 3\n",
	        "duplicate key: the last value wins");

	/* keys that the reader typed as numbers or booleans are strings to Moose */
	migplan__pair typed[] = { { scalar(MIGPLAN_NODE_INT, "0x10"), str("x") },
		                  { scalar(MIGPLAN_NODE_BOOL, "true"), str("y") } };
	is_emit(migplan__node_new_map(&arena, NULL, typed, 2), "'0x10': x\n'true': y\n",
	        "non-string keys are written as strings, as spelled");

	/* a key stays a simple key up to libyaml's 128-character limit */
	char key[130], want_key[200];
	memset(key, 'k', 129);
	key[128] = '\0';
	snprintf(want_key, sizeof(want_key), "%s: v\n", key);
	is_emit(map1(key, str("v")), want_key, "a 128-character key is a simple key");
	key[128] = 'k';
	key[129] = '\0';
	snprintf(want_key, sizeof(want_key), "? %s\n: v\n", key);
	is_emit(map1(key, str("v")), want_key,
	        "a 129-character key becomes a complex key (libyaml)");

	/* no folding however long the line (width unlimited) */
	char longval[501];
	memset(longval, 'w', 500);
	longval[250] = ' ';
	longval[500] = '\0';
	char want[520];
	snprintf(want, sizeof(want), "v: %s\n", longval);
	is_emit(map1("v", str(longval)), want, "long lines are not folded");
}

/* ---- scalars other than strings ------------------------------------------------- */

typedef struct num_case {
	migplan_node_kind kind;
	const char *text;
	const char *want;
} num_case;

static const num_case num_cases[] = {
	{ MIGPLAN_NODE_NULL, "~", "null\n" },
	{ MIGPLAN_NODE_NULL, "Null", "null\n" },
	{ MIGPLAN_NODE_NULL, "", "null\n" },
	{ MIGPLAN_NODE_BOOL, "True", "true\n" },
	{ MIGPLAN_NODE_BOOL, "FALSE", "false\n" },
	{ MIGPLAN_NODE_INT, "0x10", "16\n" },
	{ MIGPLAN_NODE_INT, "+0x10", "16\n" },
	{ MIGPLAN_NODE_INT, "-0x10", "-16\n" },
	{ MIGPLAN_NODE_INT, "0o17", "15\n" },
	{ MIGPLAN_NODE_INT, "0b101", "5\n" },
	{ MIGPLAN_NODE_INT, "+5", "5\n" },
	{ MIGPLAN_NODE_INT, "-0", "0\n" },
	{ MIGPLAN_NODE_INT, "8192", "8192\n" },
	{ MIGPLAN_NODE_INT, "18446744073709551615", "18446744073709551615\n" },
	{ MIGPLAN_NODE_INT, "-9223372036854775808", "-9223372036854775808\n" },
	/* past 64 bits serde_json only has a float for it */
	{ MIGPLAN_NODE_INT, "18446744073709551616", "1.8446744073709552e19\n" },
	{ MIGPLAN_NODE_INT, "-9223372036854775809", "-9.223372036854776e18\n" },
	{ MIGPLAN_NODE_INT, "0xffffffffffffffffffffffffffffffff", "3.402823669209385e38\n" },
	/* an INT node serde_yaml would not read as a number: written as the string it is */
	{ MIGPLAN_NODE_INT, "007", "'007'\n" },
	/* floats in Rust's (ryu's) shortest form */
	{ MIGPLAN_NODE_FLOAT, "1e3", "1000.0\n" },
	{ MIGPLAN_NODE_FLOAT, "1.0", "1.0\n" },
	{ MIGPLAN_NODE_FLOAT, "1.", "1.0\n" },
	{ MIGPLAN_NODE_FLOAT, ".5", "0.5\n" },
	{ MIGPLAN_NODE_FLOAT, "-0.0", "-0.0\n" },
	{ MIGPLAN_NODE_FLOAT, "0.1", "0.1\n" },
	{ MIGPLAN_NODE_FLOAT, "0.0001", "0.0001\n" },
	{ MIGPLAN_NODE_FLOAT, "0.00001", "0.00001\n" },
	{ MIGPLAN_NODE_FLOAT, "0.000001", "1e-6\n" },
	{ MIGPLAN_NODE_FLOAT, "0.0000012", "1.2e-6\n" },
	{ MIGPLAN_NODE_FLOAT, "1.5e-7", "1.5e-7\n" },
	{ MIGPLAN_NODE_FLOAT, "1e15", "1000000000000000.0\n" },
	{ MIGPLAN_NODE_FLOAT, "1e16", "1e16\n" },
	{ MIGPLAN_NODE_FLOAT, "1.25e16", "1.25e16\n" },
	{ MIGPLAN_NODE_FLOAT, "123456.789", "123456.789\n" },
	{ MIGPLAN_NODE_FLOAT, "3.14159265358979323846", "3.141592653589793\n" },
	{ MIGPLAN_NODE_FLOAT, "+2.5E+3", "2500.0\n" },
	{ MIGPLAN_NODE_FLOAT, "1.7976931348623157e308", "1.7976931348623157e308\n" },
	{ MIGPLAN_NODE_FLOAT, "5e-324", "5e-324\n" },
	/* JSON has no infinity or NaN: serde_json turns them into null */
	{ MIGPLAN_NODE_FLOAT, ".inf", "null\n" },
	{ MIGPLAN_NODE_FLOAT, "-.Inf", "null\n" },
	{ MIGPLAN_NODE_FLOAT, ".NaN", "null\n" },
};

static void test_scalars(void)
{
	for (size_t i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++) {
		const num_case *c = &num_cases[i];
		is_emit(scalar(c->kind, c->text), c->want, c->text);
	}
	is_emit(NULL, "null\n", "a NULL node is null");
	is_emit(str("foo"), "foo\n", "a root string");
	is_emit(str("a\nb\n"), "|\n  a\n  b\n", "a root literal block");
	is_emit(migplan__node_new_seq(&arena, NULL, NULL, 0), "[]\n", "a root empty sequence");
	is_emit(migplan__node_new_int(&arena, NULL, INT64_MIN), "-9223372036854775808\n",
	        "builder int64 min");
}

/* ---- the plan header and errors ------------------------------------------------ */

static void test_plan_and_errors(void)
{
	migplan__pair top[] = { { str("operations"), migplan__node_new_seq(&arena, NULL, NULL, 0) },
		                { str("created_at"), str("2026-03-02T10:14:03Z") } };
	migplan_node *plan = migplan__node_new_map(&arena, NULL, top, 2);
	char *out = NULL;
	size_t len = 0;
	ok(migplan__yaml_emit_plan(plan, &out, &len) == MIGPLAN_OK, "emit_plan");
	is_str(out,
	       "# yaml-language-server: $schema=../.moose/migration_schema.json\n\n"
	       "created_at: 2026-03-02T10:14:03Z\noperations: []\n",
	       "header line, empty line, then the document");
	is_int(len, out ? strlen(out) : 0, "length excludes the NUL");
	free(out);

	out = (char *)1;
	ok(migplan__yaml_emit_plan(NULL, &out, &len) == MIGPLAN_EINVAL && out == NULL && len == 0,
	   "emit_plan of no document is EINVAL");
	ok(migplan__yaml_emit_value(plan, NULL, &len) == MIGPLAN_EINVAL, "NULL out is EINVAL");

	out = (char *)1;
	ok(migplan__yaml_emit_value(map1("v", str("bad\xff")), &out, &len) == MIGPLAN_EINVAL &&
	           out == NULL,
	   "invalid UTF-8 is EINVAL and nothing is returned");
	ok(strstr(migplan_error_message(migplan_error_last()), "UTF-8") != NULL,
	   "the error names the problem");
	ok(migplan__yaml_emit_value(str("\xed\xa0\x80"), &out, &len) == MIGPLAN_EINVAL,
	   "an encoded surrogate is EINVAL");
	ok(migplan__yaml_emit_value(str("\xc0\xaf"), &out, &len) == MIGPLAN_EINVAL,
	   "an overlong encoding is EINVAL");

	/* a key that is a collection cannot be written the way Moose would */
	migplan__pair bad = { str("k"), str("v") };
	migplan_node *m = migplan__node_new_map(&arena, NULL, &bad, 1);
	*(migplan_node *)migplan__key(m, 0) = *migplan__node_new_seq(&arena, NULL, NULL, 0);
	ok(migplan__yaml_emit_value(m, &out, &len) == MIGPLAN_EINVAL, "a collection key is EINVAL");

	/* deeper than the emitter follows */
	migplan_node *deep = str("leaf");
	for (unsigned i = 0; i < MIGPLAN__EMIT_MAX_DEPTH + 1; i++)
		deep = migplan__node_new_seq(&arena, NULL, &deep, 1);
	ok(migplan__yaml_emit_value(deep, &out, &len) == MIGPLAN_ELIMIT, "too deep is ELIMIT");
	deep = str("leaf");
	for (unsigned i = 0; i < 200; i++)
		deep = map1("k", deep);
	out = NULL;
	ok(migplan__yaml_emit_value(deep, &out, &len) == MIGPLAN_OK && out &&
	           strstr(out, "leaf\n") != NULL,
	   "200 levels of mappings");
	free(out);
}

/* ---- builders ------------------------------------------------------------------ */

static void test_builders(void)
{
	migplan_node *s = migplan__node_new_string(&arena, NULL, "a\0b", 3);
	size_t len = 0;
	const char *t = migplan_node_text(s, &len);
	ok(s && migplan_node_kind_of(s) == MIGPLAN_NODE_STRING && len == 3 &&
	           memcmp(t, "a\0b", 4) == 0,
	   "string builder copies bytes and terminates");
	ok(migplan_node_line(s) == 0 && migplan_node_column(s) == 0 && migplan_node_offset(s) == 0,
	   "built nodes have no position");
	migplan_node *i = migplan__node_new_int(&arena, NULL, -42);
	int64_t v = 0;
	ok(migplan_node_int(i, &v) == MIGPLAN_OK && v == -42, "int builder reads back");
	ok(migplan_node_bool(migplan__node_new_bool(&arena, NULL, 7)) == 1, "bool builder");
	ok(migplan_node_kind_of(migplan__node_new_null(&arena, NULL)) == MIGPLAN_NODE_NULL,
	   "null builder");
	migplan_node *items[] = { i, s };
	migplan_node *seq = migplan__node_new_seq(&arena, NULL, items, 2);
	items[0] = NULL; /* the builder copied the nodes */
	ok(migplan_node_count(seq) == 2 && migplan__text_of(migplan_node_at(seq, 0)) == migplan__text_of(i) &&
	           migplan_node_kind_of(migplan_node_at(seq, 0)) == MIGPLAN_NODE_INT,
	   "seq builder copies items");
	migplan__pair p[] = { { str("k"), seq } };
	migplan_node *m = migplan__node_new_map(&arena, NULL, p, 1);
	ok(migplan_node_get(m, "k") && migplan__kids_of(migplan_node_get(m, "k")) == migplan__kids_of(seq), "map builder");
	ok(migplan__node_new_seq(&arena, NULL, items, 1) == NULL, "a NULL item is refused");
	ok(migplan_error_code(migplan_error_last()) == MIGPLAN_EINVAL, "with EINVAL");
	migplan__pair badkey[] = { { seq, i } };
	ok(migplan__node_new_map(&arena, NULL, badkey, 1) == NULL, "a collection key is refused");
	ok(migplan__node_new_string(NULL, NULL, "x", 1) == NULL, "a NULL arena is refused");
	ok(migplan__node_new_string(&arena, NULL, NULL, 1) == NULL, "NULL text is refused");
	ok(migplan__node_new_string(&arena, NULL, NULL, 0) != NULL, "NULL empty text is \"\"");
}

/* ---- fixtures through the reader ----------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	*len = n;
	return buf;
}

static migplan__doc *read_yaml(const char *buf, size_t len, const char *name)
{
	migplan__limits lim;
	migplan__doc *doc = NULL;
	if (migplan__limits_from(&lim, NULL) != MIGPLAN_OK)
		return NULL;
	if (migplan__yaml_read(&doc, buf, len, name, &lim) != MIGPLAN_OK) {
		diag("%s: %s", name, migplan_error_message(migplan_error_last()));
		return NULL;
	}
	return doc;
}

static int same_number(const migplan_node *a, const migplan_node *b)
{
	int64_t x, y;
	if (migplan_node_int(a, &x) == MIGPLAN_OK && migplan_node_int(b, &y) == MIGPLAN_OK)
		return x == y;
	char *ea = emit(a), *eb = emit(b);
	int same = strcmp(ea, eb) == 0;
	free(ea);
	free(eb);
	return same;
}

/* Equal as Moose sees them: same kinds and values, mapping order irrelevant. */
static int tree_equal(const migplan_node *a, const migplan_node *b)
{
	if (!a || !b)
		return a == b;
	if (migplan__kind(a) != migplan__kind(b))
		return 0;
	switch ((migplan_node_kind)migplan__kind(a)) {
	case MIGPLAN_NODE_NULL:
		return 1;
	case MIGPLAN_NODE_BOOL:
		return migplan_node_bool(a) == migplan_node_bool(b);
	case MIGPLAN_NODE_INT:
	case MIGPLAN_NODE_FLOAT:
		return same_number(a, b);
	case MIGPLAN_NODE_STRING:
		return migplan__slen(a) == migplan__slen(b) && memcmp(migplan__sptr(a), migplan__sptr(b), migplan__slen(a)) == 0;
	case MIGPLAN_NODE_SEQ:
		if (migplan__nkids(a) != migplan__nkids(b))
			return 0;
		for (uint32_t i = 0; i < migplan__nkids(a); i++)
			if (!tree_equal(migplan__item(a, i), migplan__item(b, i)))
				return 0;
		return 1;
	case MIGPLAN_NODE_MAP:
		if (migplan__nkids(a) != migplan__nkids(b))
			return 0;
		for (uint32_t i = 0; i < migplan__nkids(a); i++) {
			const migplan_node *k = migplan__key(a, i);
			const migplan_node *bv = NULL;
			for (uint32_t j = 0; j < migplan__nkids(b) && !bv; j++) {
				const migplan_node *bk = migplan__key(b, j);
				if (migplan__slen(bk) == migplan__slen(k) &&
				    memcmp(migplan__sptr(bk), migplan__sptr(k), migplan__slen(k)) == 0)
					bv = migplan__val(b, j);
			}
			if (!bv || !tree_equal(migplan__val(a, i), bv))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* Points at the first line where got and want differ, for the failure message. */
static void diag_first_difference(const char *got, size_t glen, const char *want, size_t wlen)
{
	size_t i = 0, line = 1, start = 0;
	while (i < glen && i < wlen && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	const char *ge = memchr(got + start, '\n', glen - start);
	const char *we = memchr(want + start, '\n', wlen - start);
	int gl = (int)(ge ? (size_t)(ge - got) - start : glen - start);
	int wl = (int)(we ? (size_t)(we - want) - start : wlen - start);
	diag("first difference on line %zu:", line);
	diag("  got:  %.*s", gl, got + start);
	diag("  want: %.*s", wl, want + start);
}

static void check_identical(const char *dir, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	size_t len = 0;
	char *buf = slurp(path, &len);
	if (!ok(buf != NULL, "%s: readable", rel))
		return;
	migplan__doc *doc = read_yaml(buf, len, path);
	char *out = NULL;
	size_t olen = 0;
	ok(doc && migplan__yaml_emit_plan(doc->root, &out, &olen) == MIGPLAN_OK,
	   "%s: read and emit", rel);
	int same = out && olen == len && memcmp(out, buf, len) == 0;
	ok(same, "%s: emitted byte for byte", rel);
	if (!same && out)
		diag_first_difference(out, olen, buf, len);
	free(out);
	migplan__doc_free(doc);
	free(buf);
}

static void check_round_trip(const char *dir, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	size_t len = 0;
	char *buf = slurp(path, &len);
	if (!ok(buf != NULL, "%s: readable", rel))
		return;
	migplan__doc *doc = read_yaml(buf, len, path);
	char *out = NULL, *again = NULL;
	size_t olen = 0, alen = 0;
	ok(doc && migplan__yaml_emit_plan(doc->root, &out, &olen) == MIGPLAN_OK,
	   "%s: read and emit", rel);
	migplan__doc *back = out ? read_yaml(out, olen, "emitted") : NULL;
	ok(back && doc && tree_equal(doc->root, back->root), "%s: re-reading gives an equal tree",
	   rel);
	ok(back && migplan__yaml_emit_plan(back->root, &again, &alen) == MIGPLAN_OK &&
	           alen == olen && memcmp(again, out, olen) == 0,
	   "%s: emitting is idempotent", rel);
	free(again);
	free(out);
	migplan__doc_free(back);
	migplan__doc_free(doc);
	free(buf);
}

static void test_fixtures(void)
{
	const char *fx = getenv("MIGPLAN_FIXTURES");
	const char *data = getenv("MIGPLAN_TEST_DATA");
	if (!fx || !data) {
		ok(0, "MIGPLAN_FIXTURES and MIGPLAN_TEST_DATA are set");
		return;
	}
	/* fixtures/README.md: Moose wrote these */
	static const char *const generated[] = {
		"01_additive/plan.yaml",
		"02_add_column_and_index/plan.yaml",
		"02_add_column_and_index/plan.schema_valid.yaml",
		"03_recreate_same_table/plan.yaml",
		"04_versioned_upgrade/plan.yaml",
		"05_modify_column_narrowing/plan.yaml",
		"06_rename_column/plan.generated.yaml",
		"07_mv_reads_altered_table/plan.yaml",
		"09_ordering_errors/plan.generated.yaml",
		"10_schema_gaps/plan.yaml",
	};
	/* ... and people edited these by hand afterwards */
	static const char *const edited[] = {
		"06_rename_column/plan.yaml",
		"08_rawsql_backfill/plan.yaml",
		"09_ordering_errors/plan.yaml",
	};
	for (size_t i = 0; i < sizeof(generated) / sizeof(generated[0]); i++)
		check_identical(fx, generated[i]);
	for (size_t i = 0; i < sizeof(edited) / sizeof(edited[0]); i++)
		check_round_trip(fx, edited[i]);
	/* tests/data/emit: every quoting rule in one plan (make_edge_plan.py), and a
	 * 300-operation plan from gen_large.py --ops 300 --tables 60 --seed 7 */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/emit", data);
	check_identical(dir, "edge_cases.yaml");
	check_identical(dir, "large_300.yaml");
}

int main(void)
{
	migplan__arena_init(&arena);
	test_quoting();
	test_collections();
	test_scalars();
	test_plan_and_errors();
	test_builders();
	test_fixtures();
	migplan__arena_release(&arena);
	return done_testing();
}
