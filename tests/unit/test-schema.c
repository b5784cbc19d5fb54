/* JSON Schema validation (include/migplan/schema.h): every keyword on small schemas, $ref,
 * oneOf branch selection, schema errors with positions, and Moose's real schema against the
 * fixture plans (FORMAT.md 1.8 mismatches reported under their own rule). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc.h"
#include "migplan/errors.h"
#include "migplan/schema.h"
#include "tap.h"

static char fixtures[1024], data_dir[1024];

static migplan__limits limits(void)
{
	migplan__limits l;
	migplan__limits_from(&l, NULL);
	return l;
}

static void show_error(void)
{
	const migplan_error *e = migplan_error_last();
	diag("error %d at %s:%u:%u: %s", (int)migplan_error_code(e),
	     migplan_error_path(e) ? migplan_error_path(e) : "-", migplan_error_line(e),
	     migplan_error_column(e), migplan_error_message(e));
}

static void show_violations(const migplan_violations *v)
{
	for (size_t i = 0; i < migplan_violations_count(v); i++) {
		const migplan_violation *x = migplan_violations_at(v, i);
		const migplan_node *n = migplan_violation_node(x);
		diag("  [%zu] %u:%u %s %s (%s) %s: %s", i, migplan_node_line(n), migplan_node_column(n),
		     migplan_violation_pointer(x), migplan_violation_keyword(x),
		     migplan_violation_schema_path(x), migplan_violation_rule(x),
		     migplan_violation_message(x));
	}
}

static migplan__doc *read_yaml(const char *text, size_t len, const char *name)
{
	migplan__limits l = limits();
	migplan__doc *d = NULL;
	if (migplan__yaml_read(&d, text, len, name, &l) != MIGPLAN_OK) {
		show_error();
		return NULL;
	}
	return d;
}

static migplan__doc *read_yaml_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	if (migplan__file_read(&buf, &len, path, limits().max_bytes) != MIGPLAN_OK) {
		show_error();
		return NULL;
	}
	migplan__doc *d = read_yaml(buf, len, path);
	free(buf);
	return d;
}

/* Validates YAML text against JSON schema text. NULL when something other than the
 * validation itself failed (diagnosed). */
static migplan_violations *run(const char *schema, const char *yaml, migplan__doc **doc)
{
	migplan_schema *s = NULL;
	*doc = NULL;
	if (migplan_schema_load_buffer(&s, schema, strlen(schema), "s.json", NULL) != MIGPLAN_OK) {
		show_error();
		return NULL;
	}
	*doc = read_yaml(yaml, strlen(yaml), "i.yaml");
	migplan_violations *v = NULL;
	if (*doc && migplan_schema_validate(s, (*doc)->root, &v) != MIGPLAN_OK)
		show_error();
	/* the list must not depend on the schema: free it first */
	migplan_schema_free(s);
	return v;
}

/* One check: @p n violations, and violation @p idx has this keyword, pointer and position. */
static void expect_v(const char *name, const char *schema, const char *yaml, size_t n, size_t idx,
                     const char *kw, const char *ptr, uint32_t line, uint32_t col)
{
	migplan__doc *doc;
	migplan_violations *v = run(schema, yaml, &doc);
	const migplan_violation *x = migplan_violations_at(v, idx);
	int good = v && migplan_violations_count(v) == n;
	if (good && n > 0) {
		const migplan_node *node = migplan_violation_node(x);
		good = x && strcmp(migplan_violation_keyword(x), kw) == 0 &&
		       strcmp(migplan_violation_pointer(x), ptr) == 0 &&
		       migplan_node_line(node) == line && migplan_node_column(node) == col &&
		       !migplan_violation_is_moose_schema_bug(x) &&
		       strcmp(migplan_violation_rule(x), "schema-violation") == 0;
	}
	if (!ok(good, "%s", name))
		show_violations(v);
	migplan_violations_free(v);
	migplan__doc_free(doc);
}

#define VALID(name, schema, yaml) expect_v(name, schema, yaml, 0, 0, NULL, NULL, 0, 0)

/* Like expect_v, also checking that the message contains @p part. */
static void expect_msg(const char *name, const char *schema, const char *yaml, size_t idx,
                       const char *part)
{
	migplan__doc *doc;
	migplan_violations *v = run(schema, yaml, &doc);
	const char *msg = migplan_violation_message(migplan_violations_at(v, idx));
	if (!ok(msg && strstr(msg, part), "%s: message has '%s'", name, part))
		show_violations(v);
	migplan_violations_free(v);
	migplan__doc_free(doc);
}

/* Loading fails with @p code at line:col. */
static void expect_load_error(const char *name, const char *schema, migplan_status code,
                              uint32_t line, uint32_t col)
{
	migplan_schema *s = (migplan_schema *)1;
	migplan_status st = migplan_schema_load_buffer(&s, schema, strlen(schema), "s.json", NULL);
	const migplan_error *e = migplan_error_last();
	int good = st == code && s == NULL && migplan_error_line(e) == line &&
	           migplan_error_column(e) == col;
	if (!ok(good, "%s: status %d at %u:%u", name, (int)code, line, col))
		show_error();
	if (st == MIGPLAN_OK)
		migplan_schema_free(s);
}

static void test_type(void)
{
	VALID("type string accepts a string", "{\"type\": \"string\"}", "abc");
	expect_v("type string rejects an integer", "{\"type\": \"string\"}", "42", 1, 0, "type", "",
	         1, 1);
	VALID("type integer accepts 3.0", "{\"type\": \"integer\"}", "3.0");
	expect_v("type integer rejects 3.5", "{\"type\": \"integer\"}", "3.5", 1, 0, "type", "", 1, 1);
	VALID("type number accepts a YAML hex integer", "{\"type\": \"number\"}", "0x1F");
	expect_v("type number rejects a quoted number", "{\"type\": \"number\"}", "'3'", 1, 0, "type",
	         "", 1, 1);
	VALID("type list accepts null", "{\"type\": [\"string\", \"null\"]}", "~");
	expect_v("type list rejects an array", "{\"type\": [\"string\", \"null\"]}", "[1]", 1, 0,
	         "type", "", 1, 1);
	expect_v("YAML 1.2: yes is a string, not a boolean", "{\"type\": \"boolean\"}", "yes", 1, 0,
	         "type", "", 1, 1);
	expect_msg("type message", "{\"type\": [\"string\", \"null\"]}", "[1]", 0,
	           "expected null or string, got array");
}

static void test_enum_const(void)
{
	const char *e = "{\"enum\": [\"a\", 1, null, [1, 2]]}";
	VALID("enum: 1.0 equals 1", e, "1.0");
	VALID("enum: arrays compare by value", e, "[1, 2]");
	expect_v("enum rejects a value not listed", e, "b", 1, 0, "enum", "", 1, 1);
	const char *c = "{\"const\": {\"a\": [1, true]}}";
	VALID("const: objects compare by value, any key order", c, "{a: [1, true]}");
	expect_v("const rejects a different nested value", c, "x: 0\na: [1, false]\n", 1, 0, "const",
	         "", 1, 1);
	expect_v("const rejects an extra key", c, "{a: [1, true], b: 2}", 1, 0, "const", "", 1, 1);
}

static void test_pattern(void)
{
	const char *dec = "{\"pattern\": \"^Decimal\\\\(\\\\d{1,3},\\\\s*\\\\d{1,3}\\\\)$\"}";
	VALID("pattern \\d{1,3} and \\s*", dec, "Decimal(10, 2)");
	VALID("pattern \\s* matches nothing", dec, "Decimal(10,2)");
	expect_v("pattern: 4 digits exceed \\d{1,3}", dec, "Decimal(1000, 2)", 1, 0, "pattern", "", 1,
	         1);
	expect_v("pattern: $ is the end of the string", dec, "'Decimal(10, 2) '", 1, 0, "pattern", "",
	         1, 1);
	VALID("pattern is not anchored by default", "{\"pattern\": \"b+\"}", "abbc");
	expect_v("unanchored pattern can still fail", "{\"pattern\": \"b+\"}", "ac", 1, 0, "pattern",
	         "", 1, 1);
	const char *group = "{\"pattern\": \"^(?:ab)+c$\"}";
	VALID("non-capturing group", group, "ababc");
	expect_v("non-capturing group repeated", group, "abac", 1, 0, "pattern", "", 1, 1);
	const char *cls = "{\"pattern\": \"^[^a-c\\\\]]x$\"}";
	VALID("negated class with an escaped ]", cls, "dx");
	expect_v("negated class excludes ]", cls, "']x'", 1, 0, "pattern", "", 1, 1);
	expect_v("ECMA . does not match a newline", "{\"pattern\": \"^a.c$\"}", "\"a\\nc\"", 1, 0,
	         "pattern", "", 1, 1);
	VALID("lazy quantifier and \\w", "{\"pattern\": \"^\\\\w+\\\\.\\\\d*?$\"}", "ab_1.23");
	VALID("x{2} quantifier and a literal {", "{\"pattern\": \"^x{2}\\\\{$\"}", "xx{");
	VALID("pattern ignores non-strings", "{\"pattern\": \"^a$\"}", "5");
	VALID(". matches one whole non-ASCII character", "{\"pattern\": \"^a.c$\"}", "aéc");
	VALID("a negated class matches one whole non-ASCII character",
	      "{\"pattern\": \"^[^x]\\\\D$\"}", "éé");
	expect_v("a NUL byte does not end the string", "{\"pattern\": \"^a$\"}", "\"a\\0b\"", 1, 0,
	         "pattern", "", 1, 1);
	expect_load_error("lookahead is refused, not skipped", "{\"pattern\": \"(?=a)\"}",
	                  MIGPLAN_ESCHEMA, 1, 13);
	expect_load_error("\\b is refused", "{\n  \"pattern\": \"\\\\bword\"}", MIGPLAN_ESCHEMA, 2, 14);
	expect_load_error("unbalanced group is invalid", "{\"pattern\": \"(ab\"}", MIGPLAN_ESCHEMA, 1,
	                  13);
	expect_load_error("back-reference is refused", "{\"pattern\": \"(a)\\\\1\"}", MIGPLAN_ESCHEMA,
	                  1, 13);
}

static void test_strings_numbers(void)
{
	const char *len = "{\"minLength\": 2, \"maxLength\": 3}";
	expect_v("minLength counts code points, not bytes", len, "é", 1, 0, "minLength", "", 1, 1);
	expect_v("maxLength", len, "abcd", 1, 0, "maxLength", "", 1, 1);
	const char *rng = "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 255}";
	expect_v("minimum", rng, "0", 1, 0, "minimum", "", 1, 1);
	expect_v("maximum", rng, "256", 1, 0, "maximum", "", 1, 1);
	VALID("0x10 is 16", rng, "0x10");
	VALID("1.5e2 is the integer 150", rng, "1.5e2");
	expect_v("an integer below int64 still compares", rng, "-9223372036854775809", 1, 0,
	         "minimum", "", 1, 1);
	expect_v("an integer above int64 still compares", rng, "99999999999999999999", 1, 0,
	         "maximum", "", 1, 1);
	expect_v("exclusiveMinimum excludes the bound", "{\"exclusiveMinimum\": 0}", "0", 1, 0,
	         "exclusiveMinimum", "", 1, 1);
	VALID("exclusiveMinimum with a float", "{\"exclusiveMinimum\": 0}", "0.001");
	expect_msg("minimum message", rng, "0", 0, "0 is less than the minimum 1");
}

static void test_objects(void)
{
	expect_v("required names the object", "{\"type\": \"object\", \"required\": [\"a\", \"b\"]}",
	         "x: 1\na: 2\n", 1, 0, "required", "", 1, 1);
	expect_msg("required message", "{\"required\": [\"a\", \"b\"]}", "a: 2\n", 0,
	           "required property \"b\" is missing");
	const char *closed = "{\"properties\": {\"a\": {\"type\": \"integer\"}}, "
	                     "\"additionalProperties\": false}";
	expect_v("additionalProperties false points at the key", closed, "a: 1\nzz: 2\n", 1, 0,
	         "additionalProperties", "/zz", 2, 1);
	expect_v("properties: a wrong value", closed, "a: x\n", 1, 0, "type", "/a", 1, 4);
	const char *open = "{\"additionalProperties\": {\"type\": \"string\"}}";
	expect_v("additionalProperties as a schema", open, "x: a\ny: 3\n", 1, 0, "type", "/y", 2, 4);
	expect_v("pointer escapes / as ~1", open, "a/b: 1\n", 1, 0, "type", "/a~1b", 1, 6);
	expect_v("pointer escapes ~ as ~0", open, "c~d: 1\n", 1, 0, "type", "/c~0d", 1, 6);
}

static void test_arrays(void)
{
	const char *s = "{\"type\": \"array\", \"prefixItems\": [{\"type\": \"string\"}, true], "
	                "\"items\": {\"type\": \"integer\"}, \"minItems\": 2, \"maxItems\": 3}";
	VALID("prefixItems, true, then items", s, "[a, {}, 3]");
	expect_v("prefixItems checks position 0", s, "[1, 2]", 1, 0, "type", "/0", 1, 2);
	expect_v("minItems", s, "[a]", 1, 0, "minItems", "", 1, 1);
	expect_v("maxItems, then items past the prefix", s, "- a\n- b\n- c\n- 4\n", 2, 1, "type",
	         "/2", 3, 3);
	VALID("no items: anything past prefixItems", "{\"prefixItems\": [{\"type\": \"string\"}]}",
	      "[a, 1, 2]");
	expect_v("items false", "{\"items\": false}", "[1]", 1, 0, "false", "/0", 1, 2);
}

static void test_refs(void)
{
	const char *chain = "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, "
	                    "\"b\": {\"$ref\": \"#/%24defs/c~1d\"}, \"c/d\": {\"type\": \"string\"}}, "
	                    "\"$ref\": \"#/$defs/a\"}";
	migplan__doc *doc;
	migplan_violations *v = run(chain, "1", &doc);
	const char *sp = migplan_violation_schema_path(migplan_violations_at(v, 0));
	if (!ok(migplan_violations_count(v) == 1 && sp && strcmp(sp, "#/$defs/c~1d/type") == 0,
	        "$ref chain with %%-encoding and ~1 resolves to #/$defs/c~1d"))
		show_violations(v);
	migplan_violations_free(v);
	migplan__doc_free(doc);

	const char *tree = "{\"$defs\": {\"node\": {\"type\": \"object\", \"required\": [\"name\"], "
	                   "\"properties\": {\"kids\": {\"type\": \"array\", "
	                   "\"items\": {\"$ref\": \"#/$defs/node\"}}}}}, \"$ref\": \"#/$defs/node\"}";
	expect_v("recursive $ref reaches deep values", tree,
	         "name: root\nkids:\n- name: a\n  kids:\n  - name: b\n  - kids: []\n", 1, 0,
	         "required", "/kids/0/kids/1", 6, 5);
	expect_v("$ref applies with its siblings",
	         "{\"$defs\": {\"s\": {\"type\": \"string\"}}, \"$ref\": \"#/$defs/s\", "
	         "\"minLength\": 3}", "ab", 1, 0, "minLength", "", 1, 1);
	expect_load_error("unresolvable $ref", "{\n  \"$ref\": \"#/$defs/nope\"\n}", MIGPLAN_ESCHEMA,
	                  2, 11);
	expect_load_error("$ref to a non-schema", "{\"required\": [\"a\"], \"$ref\": \"#/required\"}",
	                  MIGPLAN_ESCHEMA, 1, 29);
	expect_load_error("$ref outside the document", "{\"$ref\": \"other.json#/x\"}",
	                  MIGPLAN_ESCHEMA, 1, 10);
	expect_load_error("$ref cycle that never descends",
	                  "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": "
	                  "\"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}", MIGPLAN_ESCHEMA, 1, 17);
	VALID("a $ref cycle through properties is fine", tree, "name: x\nkids: []\n");
}

static const char *two_ops =
	"{\"oneOf\": ["
	"{\"type\": \"object\", \"properties\": {\"A\": {\"type\": \"object\", \"required\": [\"x\"]}},"
	" \"required\": [\"A\"], \"additionalProperties\": false},"
	"{\"type\": \"object\", \"properties\": {\"B\": {\"type\": \"object\", \"required\": [\"y\"],"
	" \"properties\": {\"y\": {\"type\": \"integer\"}}}},"
	" \"required\": [\"B\"], \"additionalProperties\": false}]}";

static void test_combinators(void)
{
	VALID("oneOf: exactly one branch", two_ops, "A: {x: 1}");
	expect_v("oneOf: the branch whose key matches reports", two_ops, "B: {y: z}", 1, 0, "type",
	         "/B/y", 1, 8);
	expect_msg("oneOf: message names the oneOf and the branch", two_ops, "B: {y: z}", 0,
	           "no branch of oneOf at #/oneOf matches; closest is branch 1 of 2 (B)");
	expect_v("oneOf: missing field of the right branch", two_ops, "B:\n  z: 1\n", 1, 0,
	         "required", "/B", 2, 3);
	expect_v("oneOf: unknown key is one violation", two_ops, "C: 1", 1, 0, "oneOf", "", 1, 1);
	expect_msg("oneOf: wrong type names the types", two_ops, "5", 0,
	           "expected object, got integer");
	const char *both = "{\"oneOf\": [{\"type\": \"string\"}, {\"minLength\": 1}]}";
	expect_v("oneOf: two branches match", both, "abc", 1, 0, "oneOf", "", 1, 1);
	expect_msg("oneOf: says which branches", both, "abc", 0, "matches 2 branches");
	VALID("oneOf: one of two", both, "''");
	const char *any = "{\"anyOf\": [{\"type\": \"string\", \"maxLength\": 2}, "
	                  "{\"type\": \"integer\"}]}";
	VALID("anyOf: a later branch", any, "3");
	expect_v("anyOf: best branch reports", any, "abc", 1, 0, "maxLength", "", 1, 1);
	expect_v("allOf: every branch reports",
	         "{\"allOf\": [{\"required\": [\"a\"]}, {\"required\": [\"b\"]}]}", "{}", 2, 1,
	         "required", "", 1, 1);
	expect_v("not", "{\"not\": {\"type\": \"string\"}}", "a", 1, 0, "not", "", 1, 1);
	VALID("not: passes", "{\"not\": {\"type\": \"string\"}}", "1");
	VALID("true schema", "true", "[1, {a: b}]");
	expect_v("false schema", "false", "1", 1, 0, "false", "", 1, 1);
	VALID("annotations are ignored",
	      "{\"type\": \"string\", \"format\": \"date-time\", \"default\": 1, \"title\": \"t\"}",
	      "abc");
}

static void test_schema_errors(void)
{
	expect_load_error("unsupported keyword is refused",
	                  "{\"type\": \"object\",\n \"patternProperties\": {}}", MIGPLAN_ESCHEMA, 2, 2);
	expect_load_error("items as an array (draft 7) is refused", "{\"items\": [true]}",
	                  MIGPLAN_ESCHEMA, 1, 11);
	expect_load_error("unknown type name", "{\"type\": \"int\"}", MIGPLAN_ESCHEMA, 1, 10);
	expect_load_error("a schema must be an object", "{\"properties\": {\"a\": 1}}",
	                  MIGPLAN_ESCHEMA, 1, 22);
	expect_load_error("not JSON", "{\"type\": }", MIGPLAN_EPARSE, 1, 10);

	char path[1200];
	migplan_schema *s = NULL;
	const migplan_error *e;
	snprintf(path, sizeof path, "%s/schema/broken_ref.json", data_dir);
	migplan_status st = migplan_schema_load_file(&s, path, NULL);
	e = migplan_error_last();
	if (!ok(st == MIGPLAN_ESCHEMA && migplan_error_line(e) == 7 && migplan_error_column(e) == 26 &&
	        migplan_error_path(e) && strcmp(migplan_error_path(e), path) == 0,
	        "broken schema file: ESCHEMA at the $ref, 7:26"))
		show_error();
	snprintf(path, sizeof path, "%s/schema/bad_pattern.json", data_dir);
	st = migplan_schema_load_file(&s, path, NULL);
	e = migplan_error_last();
	if (!ok(st == MIGPLAN_ESCHEMA && migplan_error_line(e) == 6 && migplan_error_column(e) == 18,
	        "schema file with a lookahead pattern: ESCHEMA at 6:18"))
		show_error();
	snprintf(path, sizeof path, "%s/schema/syntax_error.json", data_dir);
	st = migplan_schema_load_file(&s, path, NULL);
	e = migplan_error_last();
	if (!ok(st == MIGPLAN_EPARSE && migplan_error_line(e) == 4 && migplan_error_column(e) == 33,
	        "schema file with a JSON syntax error: EPARSE at 4:33"))
		show_error();
	snprintf(path, sizeof path, "%s/schema/no-such-file.json", data_dir);
	ok(migplan_schema_load_file(&s, path, NULL) == MIGPLAN_EIO && s == NULL,
	   "missing schema file: EIO");
	/* found by fuzzing: a run of stacked quantifiers made regcomp use gigabytes; ECMA refuses it */
	static const char stacked[] = "{\"pattern\": \"^o+++++++++++++++++++++++++++++++$\"}";
	st = migplan_schema_load_buffer(&s, stacked, strlen(stacked), "stacked.json", NULL);
	e = migplan_error_last();
	if (!ok(st == MIGPLAN_ESCHEMA && s == NULL && strstr(migplan_error_message(e), "nothing to repeat"),
	        "a quantifier of a quantifier: ESCHEMA (nothing to repeat)"))
		show_error();
	/* found by fuzzing: repeated empty groups expand to 65,025 groups and overflowed
	 * regcomp's stack */
	static const char empty_groups[] = "{\"pattern\": \"(()){1,255}){1,255}\"}";
	st = migplan_schema_load_buffer(&s, empty_groups, strlen(empty_groups), "groups.json", NULL);
	e = migplan_error_last();
	if (!ok(st == MIGPLAN_ESCHEMA && s == NULL && strstr(migplan_error_message(e), "too large"),
	        "repeated empty groups: ESCHEMA (too large once expanded)"))
		show_error();
	static const char dotted[] = "{\"pattern\": \"^(\\\\d{1,3}\\\\.){3}\\\\d{1,3}$\"}";
	ok(migplan_schema_load_buffer(&s, dotted, strlen(dotted), "dotted.json", NULL) == MIGPLAN_OK,
	   "a dotted-quad pattern still loads");
	migplan_schema_free(s);
	s = NULL;
	static const char single[] = "{\"pattern\": \"^o+?[a-z]{2,3}?x*$\"}";
	ok(migplan_schema_load_buffer(&s, single, strlen(single), "single.json", NULL) == MIGPLAN_OK,
	   "single and lazy quantifiers still load");
	migplan_schema_free(s);
}

/* 20 schemas per array level and 250 levels: past the validator's recursion bound. */
static void test_depth_limit(void)
{
	char schema[4096];
	size_t n = (size_t)snprintf(schema, sizeof schema, "{\"$ref\": \"#/$defs/a0\", \"$defs\": {");
	for (int i = 0; i < 19; i++)
		n += (size_t)snprintf(schema + n, sizeof schema - n,
		                      "\"a%d\": {\"$ref\": \"#/$defs/a%d\"}, ", i, i + 1);
	snprintf(schema + n, sizeof schema - n, "\"a19\": {\"items\": {\"$ref\": \"#/$defs/a0\"}}}}");
	char yaml[600];
	memset(yaml, '[', 250);
	memset(yaml + 250, ']', 250);
	yaml[500] = '\0';
	migplan_schema *s = NULL;
	migplan__doc *doc = read_yaml(yaml, 500, "deep.yaml");
	migplan_violations *v = (migplan_violations *)1;
	migplan_status st = MIGPLAN_ERROR;
	if (migplan_schema_load_buffer(&s, schema, strlen(schema), "deep.json", NULL) == MIGPLAN_OK &&
	    doc)
		st = migplan_schema_validate(s, doc->root, &v);
	else
		show_error();
	const migplan_error *e = migplan_error_last();
	if (!ok(st == MIGPLAN_ELIMIT && v == NULL && migplan_error_line(e) == 1 &&
	        migplan_error_column(e) > 190, "deep recursion stops with ELIMIT at a deep value"))
		show_error();
	migplan_schema_free(s);
	migplan__doc_free(doc);
}

static void test_misuse(void)
{
	migplan_schema *s = NULL;
	migplan_violations *v = (migplan_violations *)1;
	migplan_parse_options bad = MIGPLAN_PARSE_OPTIONS_INIT;
	bad.version = 99;
	int good = migplan_schema_load_buffer(NULL, "{}", 2, NULL, NULL) == MIGPLAN_EINVAL &&
	           migplan_schema_load_file(&s, NULL, NULL) == MIGPLAN_EINVAL &&
	           migplan_schema_load_buffer(&s, "{}", 2, NULL, &bad) == MIGPLAN_EVERSION &&
	           migplan_schema_validate(NULL, NULL, &v) == MIGPLAN_EINVAL && v == NULL &&
	           migplan_violations_count(NULL) == 0 && migplan_violations_at(NULL, 0) == NULL &&
	           migplan_violation_message(NULL) == NULL && migplan_violation_rule(NULL) == NULL &&
	           migplan_violation_is_moose_schema_bug(NULL) == 0;
	ok(good, "misuse: NULL arguments and bad options versions");
	migplan_schema_free(NULL);
	migplan_violations_free(NULL);

	/* a NULL node (an empty YAML document) is the JSON null */
	good = migplan_schema_load_buffer(&s, "{\"type\": \"object\"}", 18, NULL, NULL) == MIGPLAN_OK;
	good = good && migplan_schema_validate(s, NULL, &v) == MIGPLAN_OK &&
	       migplan_violations_count(v) == 1 &&
	       strcmp(migplan_violation_pointer(migplan_violations_at(v, 0)), "") == 0 &&
	       migplan_violation_node(migplan_violations_at(v, 0)) == NULL;
	ok(good, "a NULL instance is null");
	migplan_violations_free(good ? v : NULL);
	migplan_schema_free(s);
}

/* ------------------------------------------------------------------------------------------ */
/* Moose's schema and the fixture plans                                                        */

typedef struct want {
	const char *pointer;
	uint32_t line, column;
	const char *keyword;
	int moose;
} want;

static migplan_schema *moose_schema(void)
{
	char path[1200];
	migplan_schema *s = NULL;
	snprintf(path, sizeof path, "%s/../migration_plan_schema.json", fixtures);
	if (migplan_schema_load_file(&s, path, NULL) != MIGPLAN_OK)
		show_error();
	return s;
}

static migplan_violations *validate_file(const migplan_schema *s, const char *path,
                                         migplan__doc **doc)
{
	migplan_violations *v = NULL;
	*doc = read_yaml_file(path);
	if (*doc && migplan_schema_validate(s, (*doc)->root, &v) != MIGPLAN_OK)
		show_error();
	return v;
}

/* Checks every violation of @p path against @p w, one TAP line per violation plus the count. */
static void expect_plan(const migplan_schema *s, const char *path, const want *w, size_t n)
{
	migplan__doc *doc;
	migplan_violations *v = validate_file(s, path, &doc);
	if (!ok(v && migplan_violations_count(v) == n, "%s: %zu violations", path, n))
		show_violations(v);
	for (size_t i = 0; v && i < n && i < migplan_violations_count(v); i++) {
		const migplan_violation *x = migplan_violations_at(v, i);
		const migplan_node *node = migplan_violation_node(x);
		int good = strcmp(migplan_violation_pointer(x), w[i].pointer) == 0 &&
		           migplan_node_line(node) == w[i].line &&
		           migplan_node_column(node) == w[i].column &&
		           strcmp(migplan_violation_keyword(x), w[i].keyword) == 0 &&
		           migplan_violation_is_moose_schema_bug(x) == w[i].moose &&
		           strcmp(migplan_violation_rule(x), w[i].moose ? "schema-moose-mismatch"
		                                                        : "schema-violation") == 0 &&
		           strcmp(migplan_node_path(node), path) == 0;
		if (!ok(good, "  %s at %u:%u: %s, %s", w[i].pointer, w[i].line, w[i].column,
		        w[i].keyword, w[i].moose ? "schema-moose-mismatch" : "schema-violation"))
			show_violations(v);
	}
	migplan_violations_free(v);
	migplan__doc_free(doc);
}

static void test_moose_valid(const migplan_schema *s)
{
	static const char *const valid[] = {
		"01_additive/plan.yaml",
		"02_add_column_and_index/plan.schema_valid.yaml",
		"03_recreate_same_table/plan.yaml",
		"04_versioned_upgrade/plan.yaml",
		"05_modify_column_narrowing/plan.yaml",
		"06_rename_column/plan.yaml",
		"06_rename_column/plan.generated.yaml",
		"07_mv_reads_altered_table/plan.yaml",
		"08_rawsql_backfill/plan.yaml",
		"09_ordering_errors/plan.yaml",
		"09_ordering_errors/plan.generated.yaml",
	};
	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		char path[1200];
		snprintf(path, sizeof path, "%s/%s", fixtures, valid[i]);
		migplan__doc *doc;
		migplan_violations *v = validate_file(s, path, &doc);
		if (!ok(v && migplan_violations_count(v) == 0, "schema-valid fixture %s: no violations",
		        valid[i]))
			show_violations(v);
		migplan_violations_free(v);
		migplan__doc_free(doc);
	}
}

static void test_moose_mismatches(const migplan_schema *s)
{
	char path[1200];
	static const want w02[] = {
		{ "/operations/2/AddTableIndex/index", 27, 7, "required", 1 },
		{ "/operations/3/AddTableIndex/index", 37, 7, "required", 1 },
	};
	snprintf(path, sizeof path, "%s/02_add_column_and_index/plan.yaml", fixtures);
	expect_plan(s, path, w02, 2);

	static const want w10[] = {
		{ "/operations/2/CreateTable/table/columns/0/data_type", 30, 20, "oneOf", 1 },
		{ "/operations/2/CreateTable/table/columns/3/data_type", 53, 11, "oneOf", 1 },
		{ "/operations/2/CreateTable/table/columns/4/data_type", 63, 11, "oneOf", 1 },
		{ "/operations/2/CreateTable/table/columns/5/data_type", 78, 20, "oneOf", 1 },
		{ "/operations/2/CreateTable/table/columns/6/data_type", 85, 20, "oneOf", 1 },
		{ "/operations/2/CreateTable/table/columns/9/data_type/values/0/value/Int", 111, 20,
		  "minimum", 1 },
		{ "/operations/2/CreateTable/table/columns/10/data_type/values/1/value/Int", 135, 20,
		  "maximum", 1 },
		{ "/operations/2/CreateTable/table/columns/10/data_type/values/2/value/Int", 138, 20,
		  "maximum", 1 },
		{ "/operations/2/CreateTable/table/order_by", 187, 17, "type", 1 },
	};
	snprintf(path, sizeof path, "%s/10_schema_gaps/plan.yaml", fixtures);
	expect_plan(s, path, w10, sizeof w10 / sizeof w10[0]);

	static const want broken[] = {
		{ "/operations/0/DropTable", 5, 5, "required", 0 },
		{ "/operations/1/AddTableColumn/column/required", 17, 17, "type", 0 },
		{ "/operations/2/AddTableColumn/column/data_type", 26, 18, "enum", 0 },
		{ "/operations/3", 34, 3, "oneOf", 0 },
		{ "/operations/4/AddTableIndex/index/granularity", 43, 20, "minimum", 0 },
		{ "/operations/5/CreateTable/table/columns/0/data_type/elementType/extra", 56, 13,
		  "additionalProperties", 0 },
		{ "/operations/5/CreateTable/table/source_primitive/primitive_type", 68, 25, "oneOf",
		  0 },
		{ "/operations/5/CreateTable/table/version", 69, 16, "anyOf", 0 },
	};
	snprintf(path, sizeof path, "%s/schema/broken_plan.yaml", data_dir);
	expect_plan(s, path, broken, sizeof broken / sizeof broken[0]);
}

/* A Moose mismatch and a real error in the same value: only the mismatch is a warning. */
static void test_moose_mixed(const migplan_schema *s)
{
	static const char plan[] =
		"created_at: 2026-03-02T16:40:55Z\n"
		"operations:\n"
		"- AddTableIndex:\n"
		"    index: {arguments: [], expression: ts, granularity: 0, name: i, type: minmax}\n"
		"    table: t\n"
		"- CreateTable:\n"
		"    table:\n"
		"      columns:\n"
		"      - {annotations: [], data_type: {elementNullable: false, elementType: Ring},\n"
		"         name: r, primary_key: false, required: true, unique: false}\n"
		"      - {annotations: [], data_type: {name: E, values: [{name: a, value: {Int: 40000}}]},\n"
		"         name: e, primary_key: false, required: true, unique: false}\n"
		"      name: t\n"
		"      order_by: tuple()\n"
		"      source_primitive: {name: t, primitive_type: DataModel}\n";
	migplan__doc *doc = read_yaml(plan, sizeof plan - 1, "mixed.yaml");
	migplan_violations *v = NULL;
	if (doc)
		migplan_schema_validate(s, doc->root, &v);
	static const want w[] = {
		{ "/operations/0/AddTableIndex/index", 4, 12, "required", 1 },
		{ "/operations/0/AddTableIndex/index/granularity", 4, 57, "minimum", 0 },
		{ "/operations/1/CreateTable/table/columns/0/data_type/elementType", 9, 76, "oneOf",
		  1 },
		{ "/operations/1/CreateTable/table/columns/1/data_type/values/0/value/Int", 11, 80,
		  "maximum", 0 },
		{ "/operations/1/CreateTable/table/order_by", 14, 17, "type", 1 },
	};
	size_t n = sizeof w / sizeof w[0];
	int good = v && migplan_violations_count(v) == n;
	for (size_t i = 0; good && i < n; i++) {
		const migplan_violation *x = migplan_violations_at(v, i);
		const migplan_node *node = migplan_violation_node(x);
		good = strcmp(migplan_violation_pointer(x), w[i].pointer) == 0 &&
		       migplan_node_line(node) == w[i].line &&
		       migplan_node_column(node) == w[i].column &&
		       strcmp(migplan_violation_keyword(x), w[i].keyword) == 0 &&
		       migplan_violation_is_moose_schema_bug(x) == w[i].moose;
	}
	if (!ok(good, "mismatches and real errors side by side (index type + granularity 0, Ring "
	              "in an Array, enum value 40000 outside i16, order_by string)"))
		show_violations(v);
	migplan_violations_free(v);
	migplan__doc_free(doc);
}

/* The demo project keeps the schema where Moose does (MIGPLAN_SCHEMA_DEFAULT_PATH). */
static void test_demo_project(void)
{
	char path[1200];
	migplan_schema *s = NULL;
	snprintf(path, sizeof path, "%s/../../examples/demo/%s", data_dir,
	         MIGPLAN_SCHEMA_DEFAULT_PATH);
	migplan_status st = migplan_schema_load_file(&s, path, NULL);
	if (st != MIGPLAN_OK)
		show_error();
	snprintf(path, sizeof path, "%s/../../examples/demo/migrations/plan.yaml", data_dir);
	migplan__doc *doc = NULL;
	migplan_violations *v = s ? validate_file(s, path, &doc) : NULL;
	if (!ok(v && migplan_violations_count(v) == 0, "demo project plan against its %s",
	        MIGPLAN_SCHEMA_DEFAULT_PATH))
		show_violations(v);
	migplan_violations_free(v);
	migplan__doc_free(doc);
	migplan_schema_free(s);
}

/* Many operations: validation stays linear (the benchmark validates 100,000). */
static void test_many_ops(const migplan_schema *s)
{
	static const char head[] = "created_at: 2026-03-02T16:40:55Z\noperations:\n";
	static const char op[] =
		"- AddTableIndex:\n"
		"    cluster_name: null\n    database: null\n"
		"    index: {arguments: ['0.01'], expression: e, granularity: 4, name: i, type: set}\n"
		"    table: t\n"
		"- AddTableColumn:\n"
		"    after_column: null\n    cluster_name: null\n"
		"    column: {annotations: [[LowCardinality, true]], data_type: {nullable: "
		"{elementNullable: true, elementType: 'Decimal(10, 2)'}}, default: null, name: c,"
		" primary_key: false, required: false, unique: false}\n"
		"    database: null\n    table: t\n";
	const size_t reps = 20000;
	size_t len = sizeof head - 1 + reps * (sizeof op - 1);
	char *buf = malloc(len + 1);
	if (!buf) {
		ok(0, "out of memory");
		return;
	}
	memcpy(buf, head, sizeof head - 1);
	for (size_t i = 0; i < reps; i++)
		memcpy(buf + sizeof head - 1 + i * (sizeof op - 1), op, sizeof op - 1);
	migplan__doc *doc = read_yaml(buf, len, "many.yaml");
	free(buf);
	migplan_violations *v = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (doc)
		migplan_schema_validate(s, doc->root, &v);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	size_t moose = 0;
	for (size_t i = 0; i < migplan_violations_count(v); i++)
		moose += migplan_violation_is_moose_schema_bug(migplan_violations_at(v, i));
	const char *last = migplan_violation_pointer(migplan_violations_at(v, reps - 1));
	ok(v && migplan_violations_count(v) == reps && moose == reps && last &&
	   strcmp(last, "/operations/39998/AddTableIndex/index") == 0,
	   "40000 operations: one mismatch per AddTableIndex, pointers exact");
	diag("validated 40000 operations in %.1f ms",
	     (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	migplan_violations_free(v);
	migplan__doc_free(doc);
}

int main(void)
{
	const char *f = getenv("MIGPLAN_FIXTURES");
	const char *d = getenv("MIGPLAN_TEST_DATA");
	snprintf(fixtures, sizeof fixtures, "%s", f ? f : "../shared/moose/fixtures");
	snprintf(data_dir, sizeof data_dir, "%s", d ? d : "tests/data");

	test_type();
	test_enum_const();
	test_pattern();
	test_strings_numbers();
	test_objects();
	test_arrays();
	test_refs();
	test_combinators();
	test_schema_errors();
	test_misuse();
	test_depth_limit();

	migplan_schema *s = moose_schema();
	ok(s != NULL, "Moose's migration_plan_schema.json loads");
	if (s) {
		test_moose_valid(s);
		test_moose_mismatches(s);
		test_moose_mixed(s);
		test_many_ops(s);
	}
	migplan_schema_free(s);
	test_demo_project();
	return done_testing();
}
