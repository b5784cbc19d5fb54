/* Readers: YAML and JSON into the document tree, and whole-file reads (lib/doc.h). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "doc.h"
#include "error.h"
#include "migplan/errors.h"
#include "tap.h"

static migplan__limits defaults(void)
{
	migplan__limits l;
	migplan__limits_from(&l, NULL);
	return l;
}

static migplan_status yaml_n(migplan__doc **doc, const char *s, size_t n, const migplan__limits *l)
{
	migplan__limits d = defaults();
	return migplan__yaml_read(doc, s, n, "t.yaml", l ? l : &d);
}

static migplan_status json_n(migplan__doc **doc, const char *s, size_t n, const migplan__limits *l)
{
	migplan__limits d = defaults();
	return migplan__json_read(doc, s, n, "t.json", l ? l : &d);
}

static void show_error(void)
{
	const migplan_error *e = migplan_error_last();
	diag("error %d at %u:%u (+%zu): %s", (int)migplan_error_code(e), migplan_error_line(e),
	     migplan_error_column(e), migplan_error_offset(e), migplan_error_message(e));
}

/* One check: the status, and where there is a position, its line and column (0 = none). */
static void expect_err(migplan_status got, migplan_status code, uint32_t line, uint32_t col,
                       const char *name)
{
	const migplan_error *e = migplan_error_last();
	int good = got == code && migplan_error_line(e) == line && migplan_error_column(e) == col;
	if (!ok(good, "%s: status %d at %u:%u", name, (int)code, line, col))
		show_error();
}

static void yaml_err(const char *s, size_t n, const migplan__limits *l, migplan_status code,
                     uint32_t line, uint32_t col, const char *name)
{
	migplan__doc *doc = (migplan__doc *)1;
	migplan_status st = yaml_n(&doc, s, n, l);
	expect_err(st, code, line, col, name);
	if (st && doc)
		diag("%s: *out not NULL on failure", name);
	migplan__doc_free(st ? NULL : doc);
}

static void json_err(const char *s, size_t n, const migplan__limits *l, migplan_status code,
                     uint32_t line, uint32_t col, const char *name)
{
	migplan__doc *doc = (migplan__doc *)1;
	migplan_status st = json_n(&doc, s, n, l);
	expect_err(st, code, line, col, name);
	if (st && doc)
		diag("%s: *out not NULL on failure", name);
	migplan__doc_free(st ? NULL : doc);
}

#define YERR(s, code, line, col, name) yaml_err(s, sizeof(s) - 1, NULL, code, line, col, name)
#define JERR(s, code, line, col, name) json_err(s, sizeof(s) - 1, NULL, code, line, col, name)

/* The node at a path of keys (strings) and indexes (written "#3"). */
static const migplan_node *at(const migplan_node *n, const char *const *path)
{
	for (; n && *path; path++) {
		if ((*path)[0] == '#')
			n = migplan_node_at(n, (size_t)atoi(*path + 1));
		else
			n = migplan_node_get(n, *path);
	}
	return n;
}

static void expect_node(const migplan_node *n, migplan_node_kind kind, uint32_t line,
                        uint32_t col, size_t offset, const char *name)
{
	int good = n && migplan_node_kind_of(n) == kind && migplan_node_line(n) == line &&
	           migplan_node_column(n) == col && migplan_node_offset(n) == offset;
	if (!ok(good, "%s: %s at %u:%u +%zu", name, migplan_node_kind_name(kind), line, col, offset))
		diag("got %s at %u:%u +%zu", n ? migplan_node_kind_name(migplan_node_kind_of(n)) : "NULL",
		     migplan_node_line(n), migplan_node_column(n), migplan_node_offset(n));
}

#define P(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char *slurp_data(const char *name, size_t *len)
{
	const char *dir = getenv("MIGPLAN_TEST_DATA");
	char path[1024];
	snprintf(path, sizeof path, "%s/readers/%s", dir ? dir : "tests/data", name);
	char *buf = NULL;
	if (migplan__file_read(&buf, len, path, UINT32_MAX) != MIGPLAN_OK)
		show_error();
	return buf;
}

/* ---- YAML typing: serde_yaml 0.9 on the YAML 1.2 core schema ---- */

static void test_yaml_typing(void)
{
	static const struct { const char *text; migplan_node_kind kind; } rows[] = {
		{ "~", MIGPLAN_NODE_NULL }, { "null", MIGPLAN_NODE_NULL }, { "Null", MIGPLAN_NODE_NULL },
		{ "NULL", MIGPLAN_NODE_NULL }, { "nULL", MIGPLAN_NODE_STRING },
		{ "true", MIGPLAN_NODE_BOOL }, { "True", MIGPLAN_NODE_BOOL }, { "TRUE", MIGPLAN_NODE_BOOL },
		{ "false", MIGPLAN_NODE_BOOL }, { "False", MIGPLAN_NODE_BOOL },
		{ "FALSE", MIGPLAN_NODE_BOOL }, { "tRUE", MIGPLAN_NODE_STRING },
		{ "yes", MIGPLAN_NODE_STRING }, { "on", MIGPLAN_NODE_STRING }, { "y", MIGPLAN_NODE_STRING },
		{ "0", MIGPLAN_NODE_INT }, { "42", MIGPLAN_NODE_INT }, { "-17", MIGPLAN_NODE_INT },
		{ "+5", MIGPLAN_NODE_INT }, { "-0", MIGPLAN_NODE_INT }, { "0x1F", MIGPLAN_NODE_INT },
		{ "0xff", MIGPLAN_NODE_INT }, { "0o17", MIGPLAN_NODE_INT }, { "0b101", MIGPLAN_NODE_INT },
		{ "-0x1F", MIGPLAN_NODE_INT }, { "+0x1F", MIGPLAN_NODE_INT },
		{ "-0b11", MIGPLAN_NODE_INT }, { "9223372036854775807", MIGPLAN_NODE_INT },
		{ "-9223372036854775808", MIGPLAN_NODE_INT },
		{ "18446744073709551615", MIGPLAN_NODE_INT },
		{ "0xFFFFFFFFFFFFFFFF", MIGPLAN_NODE_INT },
		{ "18446744073709551616", MIGPLAN_NODE_FLOAT },
		{ "-9223372036854775809", MIGPLAN_NODE_FLOAT },
		{ "0x1FFFFFFFFFFFFFFFF", MIGPLAN_NODE_STRING },
		{ "0123", MIGPLAN_NODE_STRING }, { "-007", MIGPLAN_NODE_STRING },
		{ "+00", MIGPLAN_NODE_STRING }, { "00", MIGPLAN_NODE_STRING },
		{ "0x", MIGPLAN_NODE_STRING }, { "0xZZ", MIGPLAN_NODE_STRING },
		{ "0X1F", MIGPLAN_NODE_STRING }, { "0x-5", MIGPLAN_NODE_STRING },
		{ "0o8", MIGPLAN_NODE_STRING }, { "1_000", MIGPLAN_NODE_STRING },
		{ "++5", MIGPLAN_NODE_STRING }, { "+-5", MIGPLAN_NODE_STRING }, { "-.", MIGPLAN_NODE_STRING },
		{ "1.0", MIGPLAN_NODE_FLOAT }, { "1e5", MIGPLAN_NODE_FLOAT }, { "1E-3", MIGPLAN_NODE_FLOAT },
		{ ".5", MIGPLAN_NODE_FLOAT }, { "1.", MIGPLAN_NODE_FLOAT }, { "-.5", MIGPLAN_NODE_FLOAT },
		{ "+1.5", MIGPLAN_NODE_FLOAT }, { "01.5", MIGPLAN_NODE_FLOAT },
		{ "1e308", MIGPLAN_NODE_FLOAT }, { "1e-400", MIGPLAN_NODE_FLOAT },
		{ "0.0e999999999999", MIGPLAN_NODE_FLOAT },
		{ "1.7976931348623158e308", MIGPLAN_NODE_FLOAT },
		{ "1.7976931348623159e308", MIGPLAN_NODE_STRING },
		{ "1e309", MIGPLAN_NODE_STRING }, { "1e400", MIGPLAN_NODE_STRING },
		{ ".inf", MIGPLAN_NODE_FLOAT }, { ".Inf", MIGPLAN_NODE_FLOAT }, { ".INF", MIGPLAN_NODE_FLOAT },
		{ "+.inf", MIGPLAN_NODE_FLOAT }, { "-.inf", MIGPLAN_NODE_FLOAT },
		{ "-.INF", MIGPLAN_NODE_FLOAT }, { ".nan", MIGPLAN_NODE_FLOAT },
		{ ".NaN", MIGPLAN_NODE_FLOAT }, { ".NAN", MIGPLAN_NODE_FLOAT },
		{ "-.nan", MIGPLAN_NODE_STRING }, { "+.nan", MIGPLAN_NODE_STRING },
		{ "inf", MIGPLAN_NODE_STRING }, { "nan", MIGPLAN_NODE_STRING },
		{ "infinity", MIGPLAN_NODE_STRING }, { "-inf", MIGPLAN_NODE_STRING },
		{ ".", MIGPLAN_NODE_STRING }, { "1e", MIGPLAN_NODE_STRING }, { "e5", MIGPLAN_NODE_STRING },
		{ "1.2.3", MIGPLAN_NODE_STRING },
		{ "2026-03-02T10:14:03.551902117Z", MIGPLAN_NODE_STRING },
		{ "2001-12-14", MIGPLAN_NODE_STRING }, { "'42'", MIGPLAN_NODE_STRING },
		{ "\"true\"", MIGPLAN_NODE_STRING }, { "''", MIGPLAN_NODE_STRING },
		{ "!!str 42", MIGPLAN_NODE_STRING }, { "! 42", MIGPLAN_NODE_STRING },
		{ "!!int '42'", MIGPLAN_NODE_INT }, { "!!float 1", MIGPLAN_NODE_FLOAT },
		{ "!!bool \"true\"", MIGPLAN_NODE_BOOL }, { "!!null ''", MIGPLAN_NODE_NULL },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char buf[128];
		int n = snprintf(buf, sizeof buf, "v: %s\n", rows[i].text);
		migplan__doc *doc = NULL;
		migplan_status st = yaml_n(&doc, buf, (size_t)n, NULL);
		const migplan_node *v = doc ? migplan_node_get(doc->root, "v") : NULL;
		size_t len = 0;
		const char *text = migplan_node_text(v, &len);
		/* the text stays as written (tags and quotes aside) */
		int good = st == MIGPLAN_OK && v && migplan_node_kind_of(v) == rows[i].kind &&
		           migplan_node_line(v) == 1 && migplan_node_column(v) == 4 && text &&
		           (rows[i].text[0] == '!' || rows[i].text[0] == '\'' || rows[i].text[0] == '"' ||
		            !strcmp(text, rows[i].text));
		if (!ok(good, "typing '%s' -> %s", rows[i].text, migplan_node_kind_name(rows[i].kind))) {
			if (st)
				show_error();
			else
				diag("got %s '%s' at %u:%u", migplan_node_kind_name(migplan_node_kind_of(v)),
				     text ? text : "(null)", migplan_node_line(v), migplan_node_column(v));
		}
		migplan__doc_free(doc);
	}

	/* empty values, and the styles of quoted and block scalars */
	migplan__doc *doc = NULL;
	static const char src[] = "a:\nb: |\n  42\nc: >-\n  null\nd: '1'\ne: \"x\"\n";
	migplan_status st = yaml_n(&doc, src, sizeof src - 1, NULL);
	const migplan_node *r = doc ? doc->root : NULL;
	ok(st == MIGPLAN_OK && migplan_node_kind_of(migplan_node_get(r, "a")) == MIGPLAN_NODE_NULL &&
	           migplan_node_line(migplan_node_get(r, "a")) == 1,
	   "empty value is null");
	const migplan_node *b = migplan_node_get(r, "b"), *c = migplan_node_get(r, "c");
	ok(b && migplan__kind(b) == MIGPLAN_NODE_STRING &&
	           !strcmp(migplan__sptr(b), "42\n") && c && migplan__kind(c) == MIGPLAN_NODE_STRING &&
	           !strcmp(migplan__sptr(c), "null"),
	   "block scalars are strings");
	ok(migplan__kind(migplan_node_get(r, "e")) == MIGPLAN_NODE_STRING &&
	           migplan__kind(migplan_node_get(r, "d")) == MIGPLAN_NODE_STRING,
	   "quoted scalars are strings");
	migplan__doc_free(doc);
}

/* ---- YAML positions ---- */

static void test_yaml_positions(void)
{
	size_t len = 0;
	char *buf = slurp_data("positions.yaml", &len);
	migplan__doc *doc = NULL;
	migplan_status st = buf ? yaml_n(&doc, buf, len, NULL) : MIGPLAN_EIO;
	if (!ok(st == MIGPLAN_OK && doc && doc->root, "positions.yaml (BOM, CRLF, header) parses"))
		show_error();
	const migplan_node *r = doc ? doc->root : NULL;
	expect_node(r, MIGPLAN_NODE_MAP, 4, 1, 83, "root mapping after BOM, header and comments");
	expect_node(migplan_node_key_at(r, 0), MIGPLAN_NODE_STRING, 4, 1, 83, "first key");
	expect_node(at(r, P("name")), MIGPLAN_NODE_STRING, 4, 7, 89, "plain scalar value");
	expect_node(at(r, P("list")), MIGPLAN_NODE_SEQ, 6, 1, 100, "indentless block sequence");
	expect_node(at(r, P("list", "#0")), MIGPLAN_NODE_STRING, 6, 3, 102, "sequence item");
	expect_node(at(r, P("list", "#1")), MIGPLAN_NODE_MAP, 7, 3, 107, "mapping in a sequence");
	expect_node(at(r, P("list", "#1", "b")), MIGPLAN_NODE_SEQ, 7, 6, 110, "flow sequence");
	expect_node(at(r, P("list", "#1", "b", "#1")), MIGPLAN_NODE_STRING, 7, 10, 114,
	            "single-quoted item after a multi-byte character");
	expect_node(at(r, P("list", "#1", "b", "#2")), MIGPLAN_NODE_MAP, 7, 15, 120,
	            "flow mapping after multi-byte characters");
	expect_node(at(r, P("list", "#1", "b", "#2", "k")), MIGPLAN_NODE_STRING, 7, 19, 124,
	            "flow mapping value");
	expect_node(at(r, P("nested", "deep")), MIGPLAN_NODE_SEQ, 10, 5, 151, "indented sequence");
	expect_node(at(r, P("nested", "deep", "#0")), MIGPLAN_NODE_SEQ, 10, 7, 153,
	            "sequence in a sequence (- - z)");
	expect_node(at(r, P("nested", "deep", "#0", "#0")), MIGPLAN_NODE_STRING, 10, 9, 155,
	            "innermost item");
	expect_node(migplan_node_key_at(r, 3), MIGPLAN_NODE_STRING, 11, 1, 158, "multi-byte key");
	expect_node(at(r, P("ünï")), MIGPLAN_NODE_STRING, 11, 6, 165,
	            "value after a multi-byte key: column in code points, offset in bytes");
	expect_node(at(r, P("last")), MIGPLAN_NODE_STRING, 12, 7, 192, "literal block scalar");
	is_str(migplan_node_text(at(r, P("ünï")), NULL), "€€ x", "comment stripped from a plain scalar");
	is_str(migplan_node_text(at(r, P("last")), NULL), "block\n", "CRLF in a block scalar reads as \\n");
	ok(doc && doc->node_count == 24 && doc->format == MIGPLAN__DOC_YAML && doc->size == len &&
	           !strcmp(migplan_node_path(r), "t.yaml"),
	   "document fields: node count, format, size, path");
	migplan__doc_free(doc);
	free(buf);

	/* the same keys without BOM and CRLF: offsets shift by the BOM and the CRs only */
	static const char plain[] = "a:\n  b: [1, {c: d}]\n";
	doc = NULL;
	st = yaml_n(&doc, plain, sizeof plain - 1, NULL);
	expect_node(doc ? at(doc->root, P("a", "b", "#1", "c")) : NULL, MIGPLAN_NODE_STRING, 2, 14, 16,
	            "nested flow value in a block mapping");
	migplan__doc_free(doc);
}

/* ---- YAML aliases ---- */

static void test_yaml_aliases(void)
{
	static const char src[] = "base: &b {x: 1, y: [2, 3]}\nuse: *b\nalso: *b\nkey: &k name\n*k : 4\n";
	migplan__doc *doc = NULL;
	migplan_status st = yaml_n(&doc, src, sizeof src - 1, NULL);
	const migplan_node *r = doc ? doc->root : NULL;
	ok(st == MIGPLAN_OK && migplan__kids_of(migplan_node_get(r, "use")) == migplan__kids_of(migplan_node_get(r, "base")) &&
	           migplan__kids_of(migplan_node_get(r, "also")) == migplan__kids_of(migplan_node_get(r, "base")) &&
	           migplan_node_line(migplan_node_get(r, "use")) == 1,
	   "an alias shares the anchored node's children and position");
	/* 14 nodes written, plus 2 x 7 for the two mapping aliases and 1 for the key alias */
	ok(doc && doc->node_count == 14 + 14 + 1, "aliases count their expansion (%llu)",
	   doc ? (unsigned long long)doc->node_count : 0ull);
	ok(migplan_node_kind_of(migplan_node_get(r, "name")) == MIGPLAN_NODE_INT,
	   "an aliased scalar can be a key");
	migplan__doc_free(doc);

	static const char redefined[] = "a: &x 1\nb: &x 2\nc: *x\n";
	doc = NULL;
	st = yaml_n(&doc, redefined, sizeof redefined - 1, NULL);
	is_str(st == MIGPLAN_OK ? migplan_node_text(migplan_node_get(doc->root, "c"), NULL) : NULL, "2",
	       "an alias refers to the latest anchor of its name");
	migplan__doc_free(doc);

	YERR("a: *nope\n", MIGPLAN_EPARSE, 1, 4, "unknown alias");
	YERR("a: &x [1, *x]\n", MIGPLAN_EPARSE, 1, 11, "alias inside its own anchor (a cycle)");
	YERR("a: &x [1]\n*x : 2\n", MIGPLAN_EPARSE, 2, 1, "alias to a sequence used as a key");

	/* billion laughs: 9 levels of 10 aliases would be 10^9 nodes */
	char bomb[4096];
	size_t n = (size_t)snprintf(bomb, sizeof bomb, "l0: &l0 [lol]\n");
	for (int i = 1; i <= 9; i++) {
		n += (size_t)snprintf(bomb + n, sizeof bomb - n, "l%d: &l%d [", i, i);
		for (int j = 0; j < 10; j++)
			n += (size_t)snprintf(bomb + n, sizeof bomb - n, "%s*l%d", j ? ", " : "", i - 1);
		n += (size_t)snprintf(bomb + n, sizeof bomb - n, "]\n");
	}
	clock_t t0 = clock();
	yaml_err(bomb, n, NULL, MIGPLAN_ELIMIT, 9, 15, "alias bomb stops at max_nodes");
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0, "alias bomb fails fast");

	migplan__limits l = defaults();
	l.max_aliases = 2;
	static const char three[] = "a: &a 1\nb: *a\nc: *a\nd: *a\n";
	yaml_err(three, sizeof three - 1, &l, MIGPLAN_ELIMIT, 4, 4, "max_aliases");
	l = defaults();
	l.max_nodes = 6;
	yaml_err(three, sizeof three - 1, &l, MIGPLAN_ELIMIT, 3, 4, "max_nodes counts keys and aliases");
	l = defaults();
	l.max_depth = 3;
	static const char deep_alias[] = "a: &a [[1]]\nb: [*a]\n";
	yaml_err(deep_alias, sizeof deep_alias - 1, &l, MIGPLAN_ELIMIT, 2, 5,
	         "an alias counts the depth of what it expands to");
}

/* ---- YAML errors and limits ---- */

static char *nested(size_t depth, char open, char close)
{
	char *s = malloc(depth * 2 + 1);
	memset(s, open, depth);
	memset(s + depth, close, depth);
	s[depth * 2] = '\0';
	return s;
}

static void test_yaml_errors(void)
{
	YERR("a: [1, 2\n", MIGPLAN_EPARSE, 2, 1, "truncated flow sequence");
	YERR("a: 'open\n", MIGPLAN_EPARSE, 2, 1, "unclosed quote");
	YERR("a:\n\tb: 1\n", MIGPLAN_EPARSE, 2, 1, "tab in indentation");
	YERR("a:\n  b: 1\n c: 2\n", MIGPLAN_EPARSE, 3, 2, "bad indentation");
	YERR("a: 1\nb: 2\na: 3\n", MIGPLAN_EPARSE, 3, 1, "duplicate key at the second key");
	YERR("{x: 1, 'x': 2}\n", MIGPLAN_EPARSE, 1, 8, "duplicate key, differently quoted");
	YERR("? [a]\n: b\n", MIGPLAN_EPARSE, 1, 3, "non-scalar key");
	YERR("a: 1\n---\nb: 2\n", MIGPLAN_EPARSE, 2, 1, "second document");
	YERR("a: !custom x\n", MIGPLAN_EPARSE, 1, 4, "local tag");
	is_str(migplan_error_message(migplan_error_last()), "tags are not supported (!custom)",
	       "tag error message");
	YERR("a: !!binary aGk=\n", MIGPLAN_EPARSE, 1, 4, "unsupported core tag");
	YERR("a: !!int x\n", MIGPLAN_EPARSE, 1, 4, "value that does not match its tag");
	is_str(migplan_error_message(migplan_error_last()), "'x' is not a valid !!int",
	       "tag mismatch message");
	YERR("a: !!seq {b: 1}\n", MIGPLAN_EPARSE, 1, 4, "collection tag of the other kind");
	YERR("a: b\nc: \xff\n", MIGPLAN_EPARSE, 2, 4, "invalid UTF-8");
	YERR("a: b\n\xc3\xa9: \xe2\x82\n", MIGPLAN_EPARSE, 2, 4, "truncated UTF-8 after a multi-byte key");
	ok(migplan_error_offset(migplan_error_last()) == 9, "truncated UTF-8 offset");
	YERR("a: b\x01\n", MIGPLAN_EPARSE, 1, 5, "control character");
	YERR("a: \"x\\qy\"\n", MIGPLAN_EPARSE, 1, 6, "bad escape in a double-quoted scalar");
	YERR("a: \"\\ud800\"\n", MIGPLAN_EPARSE, 1, 7, "surrogate escape in a double-quoted scalar");
	YERR("a: b\r\nc: [\r\n", MIGPLAN_EPARSE, 3, 1, "truncated input after CRLF");
	yaml_err("a: b\0c\n", 7, NULL, MIGPLAN_EPARSE, 1, 5, "NUL byte");
	ok(migplan_error_offset(migplan_error_last()) == 4, "NUL byte offset");

	/* a large mapping: the duplicate is found by the hash, still at the second key */
	char big[4096];
	size_t n = 0;
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "k%d: %d\n", i, i);
	n += (size_t)snprintf(big + n, sizeof big - n, "k137: dup\n");
	yaml_err(big, n, NULL, MIGPLAN_EPARSE, 201, 1, "duplicate key in a 200-key mapping");
	is_str(migplan_error_message(migplan_error_last()), "duplicate key 'k137'", "duplicate key message");

	size_t len = 1;
	char *empty = slurp_data("empty.yaml", &len);
	migplan__doc *doc = (migplan__doc *)1;
	ok(empty && len == 0 && yaml_n(&doc, empty, len, NULL) == MIGPLAN_OK && doc && !doc->root,
	   "empty file: no root");
	migplan__doc_free(doc);
	json_err(empty, len, NULL, MIGPLAN_EPARSE, 1, 1, "empty file as JSON");
	free(empty);
	static const char comments[] = "# yaml-language-server: $schema=x\n# only comments\n";
	doc = NULL;
	ok(yaml_n(&doc, comments, sizeof comments - 1, NULL) == MIGPLAN_OK && doc && !doc->root,
	   "only comments: no root");
	migplan__doc_free(doc);

	/* limits */
	migplan__limits l = defaults();
	l.max_bytes = 8;
	yaml_err("a: 12345\n", 9, &l, MIGPLAN_ELIMIT, 0, 0, "max_bytes before parsing");
	l = defaults();
	l.max_string = 4;
	yaml_err("a: abcd\n", 8, &l, MIGPLAN_OK, 0, 0, "scalar at max_string");
	yaml_err("a: b\nc: 'abcde'\n", 16, &l, MIGPLAN_ELIMIT, 2, 4, "scalar over max_string");
	l = defaults();
	l.max_depth = 3;
	yaml_err("a:\n  b:\n    c: [1]\n", 19, &l, MIGPLAN_ELIMIT, 3, 8, "max_depth at the node that crosses it");

	char *s = nested(10000, '[', ']');
	yaml_err(s, 20000, NULL, MIGPLAN_ELIMIT, 1, 257, "10,000-deep flow nesting, default limit");
	l = defaults();
	l.max_depth = 20000;
	doc = NULL;
	migplan_status st = yaml_n(&doc, s, 20000, &l);
	ok(st == MIGPLAN_OK && doc && doc->node_count == 10000, "10,000-deep nesting within a raised limit");
	migplan__doc_free(doc);
	free(s);
	s = nested(100000, '[', ']');
	clock_t t0 = clock();
	yaml_err(s, 200000, NULL, MIGPLAN_ELIMIT, 1, 257, "100,000-deep flow nesting");
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0, "100,000-deep nesting fails fast");
	free(s);
}

/* ---- JSON ---- */

static void test_json_values(void)
{
	size_t len = 0;
	char *buf = slurp_data("positions.json", &len);
	migplan__doc *doc = NULL;
	migplan_status st = buf ? json_n(&doc, buf, len, NULL) : MIGPLAN_EIO;
	if (!ok(st == MIGPLAN_OK && doc && doc->root, "positions.json (BOM, CRLF, tab) parses"))
		show_error();
	const migplan_node *r = doc ? doc->root : NULL;
	expect_node(r, MIGPLAN_NODE_MAP, 1, 1, 3, "root object after the BOM");
	expect_node(migplan_node_key_at(r, 0), MIGPLAN_NODE_STRING, 2, 3, 8, "multi-byte key");
	expect_node(at(r, P("é€")), MIGPLAN_NODE_STRING, 2, 9, 17,
	            "value after multi-byte characters: column in code points, offset in bytes");
	expect_node(migplan_node_key_at(r, 1), MIGPLAN_NODE_STRING, 2, 15, 24, "second key");
	expect_node(at(r, P("k")), MIGPLAN_NODE_SEQ, 2, 20, 29, "array");
	expect_node(at(r, P("k", "#0")), MIGPLAN_NODE_INT, 2, 21, 30, "integer");
	expect_node(at(r, P("k", "#1")), MIGPLAN_NODE_FLOAT, 2, 24, 33, "float");
	expect_node(at(r, P("k", "#2")), MIGPLAN_NODE_MAP, 2, 31, 40, "object in an array");
	expect_node(at(r, P("k", "#2", "n")), MIGPLAN_NODE_NULL, 2, 37, 46, "null");
	expect_node(migplan_node_key_at(r, 2), MIGPLAN_NODE_STRING, 3, 2, 56, "key after a tab and CRLF");
	expect_node(at(r, P("s")), MIGPLAN_NODE_STRING, 3, 7, 61, "escaped string");
	expect_node(at(r, P("t")), MIGPLAN_NODE_BOOL, 3, 35, 89, "true after an escaped string");
	is_str(migplan_node_text(at(r, P("k", "#1")), NULL), "2.5e3", "number text kept as written");
	is_str(migplan_node_text(at(r, P("s")), NULL), "\xc3\xa9\xf0\x9f\x98\x80x",
	       "\\u escapes and a surrogate pair decode to UTF-8");
	ok(doc && doc->node_count == 14 && doc->format == MIGPLAN__DOC_JSON, "JSON node count");
	migplan__doc_free(doc);
	free(buf);

	static const char esc[] = "[\"a\\u0000b\\\"\\\\\\/\\b\\f\\n\\r\\t\", -0, 1E+2, 0.5, false]";
	doc = NULL;
	st = json_n(&doc, esc, sizeof esc - 1, NULL);
	size_t n = 0;
	const char *t = doc ? migplan_node_text(migplan_node_at(doc->root, 0), &n) : NULL;
	ok(st == MIGPLAN_OK && t && n == 11 && !memcmp(t, "a\0b\"\\/\b\f\n\r\t", 11),
	   "every escape, and \\u0000 kept (length is authoritative)");
	ok(doc && migplan_node_kind_of(migplan_node_at(doc->root, 1)) == MIGPLAN_NODE_INT &&
	           migplan_node_kind_of(migplan_node_at(doc->root, 2)) == MIGPLAN_NODE_FLOAT &&
	           migplan_node_kind_of(migplan_node_at(doc->root, 3)) == MIGPLAN_NODE_FLOAT &&
	           migplan_node_bool(migplan_node_at(doc->root, 4)) == 0 &&
	           migplan_node_kind_of(migplan_node_at(doc->root, 4)) == MIGPLAN_NODE_BOOL,
	   "number kinds and false");
	migplan__doc_free(doc);

	doc = NULL;
	ok(json_n(&doc, " 7 ", 3, NULL) == MIGPLAN_OK && doc && migplan_node_column(doc->root) == 2,
	   "a scalar document");
	migplan__doc_free(doc);
}

static void test_json_errors(void)
{
	JERR("", MIGPLAN_EPARSE, 1, 1, "empty input");
	JERR("\xEF\xBB\xBF  \n ", MIGPLAN_EPARSE, 2, 2, "only a BOM and whitespace");
	JERR("{\"a\": [1, 2", MIGPLAN_EPARSE, 1, 12, "truncated array");
	JERR("{\"a\": \"x", MIGPLAN_EPARSE, 1, 9, "truncated string");
	JERR("{\"a\" 1}", MIGPLAN_EPARSE, 1, 6, "missing colon");
	JERR("{\"a\": 1 \"b\": 2}", MIGPLAN_EPARSE, 1, 9, "missing comma in an object");
	is_str(migplan_error_message(migplan_error_last()),
	       "expected ',' or '}' after object member, found '\"'", "missing comma message");
	JERR("[1 2]", MIGPLAN_EPARSE, 1, 4, "missing comma in an array");
	JERR("[1,\n 2,\n]", MIGPLAN_EPARSE, 3, 1, "trailing comma in an array");
	JERR("{\"a\": 1,}", MIGPLAN_EPARSE, 1, 9, "trailing comma in an object");
	JERR("{a: 1}", MIGPLAN_EPARSE, 1, 2, "unquoted key");
	JERR("[01]", MIGPLAN_EPARSE, 1, 2, "leading zero");
	JERR("[-01]", MIGPLAN_EPARSE, 1, 2, "leading zero after a minus");
	JERR("[1.]", MIGPLAN_EPARSE, 1, 4, "no digit after the point");
	JERR("[1e+]", MIGPLAN_EPARSE, 1, 5, "no digit in the exponent");
	JERR("[-]", MIGPLAN_EPARSE, 1, 3, "lone minus");
	JERR("[.5]", MIGPLAN_EPARSE, 1, 2, "no digit before the point");
	JERR("[+1]", MIGPLAN_EPARSE, 1, 2, "plus sign");
	JERR("[tru]", MIGPLAN_EPARSE, 1, 2, "bad literal");
	JERR("[NaN]", MIGPLAN_EPARSE, 1, 2, "NaN is not JSON");
	JERR("{} x", MIGPLAN_EPARSE, 1, 4, "trailing garbage");
	JERR("1 2", MIGPLAN_EPARSE, 1, 3, "two values");
	JERR("[\"a\\x\"]", MIGPLAN_EPARSE, 1, 4, "bad escape");
	JERR("[\"\\u12G4\"]", MIGPLAN_EPARSE, 1, 3, "bad \\u escape");
	JERR("[\"é\\ud800\"]", MIGPLAN_EPARSE, 1, 4, "lone high surrogate (after a multi-byte char)");
	JERR("[\"\\ud800\\u0041\"]", MIGPLAN_EPARSE, 1, 3, "high surrogate without a low one");
	JERR("[\"\\udc00\"]", MIGPLAN_EPARSE, 1, 3, "lone low surrogate");
	JERR("[\"a\tb\"]", MIGPLAN_EPARSE, 1, 4, "raw control character in a string");
	JERR("[\n\"a\xff\"]", MIGPLAN_EPARSE, 2, 3, "invalid UTF-8");
	JERR("[\"\xc0\xaf\"]", MIGPLAN_EPARSE, 1, 3, "overlong UTF-8");
	JERR("[\"\xed\xa0\x80\"]", MIGPLAN_EPARSE, 1, 3, "UTF-8-encoded surrogate");
	JERR("[\"\xe2\x82\"]", MIGPLAN_EPARSE, 1, 3, "truncated UTF-8");
	json_err("[\"a\0\"]", 6, NULL, MIGPLAN_EPARSE, 1, 4, "NUL byte in a string");
	json_err("[1,\0]", 5, NULL, MIGPLAN_EPARSE, 1, 4, "NUL byte between values");
	JERR("\xff", MIGPLAN_EPARSE, 1, 1, "invalid byte outside strings");
	JERR("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}", MIGPLAN_EPARSE, 3, 2, "duplicate key");

	char big[8192];
	size_t n = (size_t)snprintf(big, sizeof big, "{");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "\"k%d\": %d,\n", i, i);
	n += (size_t)snprintf(big + n, sizeof big - n, "\"k299\": 0}");
	json_err(big, n, NULL, MIGPLAN_EPARSE, 301, 1, "duplicate key in a 301-key object (hash)");

	migplan__limits l = defaults();
	l.max_bytes = 4;
	json_err("[1,2]", 5, &l, MIGPLAN_ELIMIT, 0, 0, "max_bytes before parsing");
	l = defaults();
	l.max_string = 3;
	migplan__doc *doc = NULL;
	ok(json_n(&doc, "[\"abc\", \"a\\u00e9\"]", 18, &l) == MIGPLAN_OK,
	   "max_string counts unescaped bytes");
	migplan__doc_free(doc);
	json_err("[\"abc\", \"abcd\"]", 15, &l, MIGPLAN_ELIMIT, 1, 9, "max_string");
	l = defaults();
	l.max_nodes = 3;
	json_err("{\"a\": [1, 2]}", 13, &l, MIGPLAN_ELIMIT, 1, 8, "max_nodes");
	l = defaults();
	l.max_depth = 2;
	json_err("[[1], [[2]]]", 12, &l, MIGPLAN_ELIMIT, 1, 8, "max_depth");

	char *s = nested(10000, '[', ']');
	json_err(s, 20000, NULL, MIGPLAN_ELIMIT, 1, 257, "10,000-deep array, default limit");
	l = defaults();
	l.max_depth = 10000;
	doc = NULL;
	ok(json_n(&doc, s, 20000, &l) == MIGPLAN_OK && doc && doc->node_count == 10000,
	   "10,000-deep array within a raised limit");
	migplan__doc_free(doc);
	free(s);
	s = nested(100000, '[', ']');
	l.max_depth = 100000;
	doc = NULL;
	clock_t t0 = clock();
	ok(json_n(&doc, s, 200000, &l) == MIGPLAN_OK && doc, "100,000-deep array with no recursion");
	migplan__doc_free(doc);
	json_err(s, 200000, NULL, MIGPLAN_ELIMIT, 1, 257, "100,000-deep array, default limit");
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0, "deep nesting is fast");
	free(s);
}

/* ---- files ---- */

static void test_files(void)
{
	char *buf = (char *)1;
	size_t len = 7;
	const char *dir = getenv("MIGPLAN_TEST_DATA");
	char path[1024];
	snprintf(path, sizeof path, "%s/readers", dir ? dir : "tests/data");
	migplan_status st = migplan__file_read(&buf, &len, path, UINT32_MAX);
	expect_err(st, MIGPLAN_EIO, 0, 0, "a directory");
	ok(buf == NULL && strstr(migplan_error_message(migplan_error_last()), path) &&
	           strstr(migplan_error_message(migplan_error_last()), "directory") &&
	           migplan_error_path(migplan_error_last()) &&
	           !strcmp(migplan_error_path(migplan_error_last()), path),
	   "directory error names the path and the reason");
	snprintf(path, sizeof path, "%s/readers/no-such-file.yaml", dir ? dir : "tests/data");
	st = migplan__file_read(&buf, &len, path, UINT32_MAX);
	expect_err(st, MIGPLAN_EIO, 0, 0, "a missing file");

	snprintf(path, sizeof path, "%s/readers/positions.json", dir ? dir : "tests/data");
	st = migplan__file_read(&buf, &len, path, UINT32_MAX);
	ok(st == MIGPLAN_OK && buf && len == 96 && buf[len] == '\0' && !memcmp(buf, "\xEF\xBB\xBF{", 4),
	   "a whole file, NUL-terminated");
	free(st == MIGPLAN_OK ? buf : NULL);
	st = migplan__file_read(&buf, &len, path, 95);
	expect_err(st, MIGPLAN_ELIMIT, 0, 0, "a file over max_bytes");
	ok(buf == NULL, "no buffer on failure");
	st = migplan__file_read(&buf, &len, path, 96);
	ok(st == MIGPLAN_OK && len == 96, "a file exactly at max_bytes");
	free(st == MIGPLAN_OK ? buf : NULL);
}

/* Every YAML and JSON file of every fixture folder parses. */
static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fixture_file(const char *path)
{
	migplan__limits l = defaults();
	char *buf = NULL;
	size_t len = 0;
	migplan_status st = migplan__file_read(&buf, &len, path, l.max_bytes);
	migplan__doc *doc = NULL;
	if (!st)
		st = has_suffix(path, ".json") ? migplan__json_read(&doc, buf, len, path, &l)
		                               : migplan__yaml_read(&doc, buf, len, path, &l);
	if (!ok(st == MIGPLAN_OK && doc && migplan_node_kind_of(doc->root) == MIGPLAN_NODE_MAP,
	        "fixture %s", path))
		show_error();
	migplan__doc_free(doc);
	free(buf);
}

static void test_fixtures(void)
{
	const char *root = getenv("MIGPLAN_FIXTURES");
	if (!root)
		root = "../shared/moose/fixtures";
	DIR *d = opendir(root);
	if (!ok(d != NULL, "fixtures folder %s", root))
		return;
	char *files[512];
	size_t nfiles = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char sub[1024];
		struct stat sb;
		snprintf(sub, sizeof sub, "%s/%s", root, e->d_name);
		if (e->d_name[0] == '.' || stat(sub, &sb) || !S_ISDIR(sb.st_mode))
			continue;
		DIR *sd = opendir(sub);
		struct dirent *f;
		while (sd && (f = readdir(sd)) && nfiles < 512) {
			if (!has_suffix(f->d_name, ".yaml") && !has_suffix(f->d_name, ".json"))
				continue;
			char full[2048];
			snprintf(full, sizeof full, "%s/%s", sub, f->d_name);
			files[nfiles++] = strdup(full);
		}
		if (sd)
			closedir(sd);
	}
	closedir(d);
	ok(nfiles >= 30, "found %zu fixture files", nfiles);
	qsort(files, nfiles, sizeof *files, cmp_str);
	for (size_t i = 0; i < nfiles; i++) {
		test_fixture_file(files[i]);
		free(files[i]);
	}
}

int main(void)
{
	test_yaml_typing();
	test_yaml_positions();
	test_yaml_aliases();
	test_yaml_errors();
	test_json_values();
	test_json_errors();
	test_files();
	test_fixtures();
	return done_testing();
}
