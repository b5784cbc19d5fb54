/* Hostile and unusual text (issue 9): invalid UTF-8, NUL bytes, CRLF and CR line ends, a BOM,
 * very long lines. Each is either read with every position right, or refused with an error
 * at the exact line, column (code points) and byte offset of the problem.
 *
 * Positions are checked two ways: against an independent computation from the bytes (every
 * node's line and column must be those of its offset, and the text there must be the node's),
 * and against the same document written plainly (a CRLF or BOM copy of a fixture must give the
 * same tree, lines and columns, with offsets shifted by exactly the bytes added). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <migplan.h>

#include "tap.h"

/* ---- buffers ---- */

typedef tap_buf buf;

static int read_file(const char *path, buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	*out = (buf){0};
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		tap_put(out, chunk, n);
	fclose(f);
	if (!out->p)
		tap_put(out, "", 0);
	return 0;
}

/* LF -> CRLF (or CR), optionally behind a BOM. */
static buf transform(const buf *in, const char *eol, int bom)
{
	buf out = {0};
	if (bom)
		tap_put(&out, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; i < in->len; i++) {
		if (in->p[i] == '\n')
			tap_puts(&out, eol);
		else
			tap_put(&out, &in->p[i], 1);
	}
	if (!out.p)
		tap_put(&out, "", 0);
	return out;
}

/* ---- positions from the bytes ---- */

typedef struct walk {
	const buf *in;
	size_t nodes, bad;
	/* where the last position was found: nodes come in document order, so the next search
	 * resumes there (linear over a document, even on a 1 MB line) */
	size_t at;
	uint32_t at_line, at_col;
} walk;

#define WALK(b) ((walk){(b), 0, 0, 0, 0, 0})

/* Line and column (code points) of byte `off`; line breaks CRLF, CR, LF; a leading BOM is not
 * a column. */
static void pos_of(walk *w, size_t off, uint32_t *line, uint32_t *col)
{
	const unsigned char *b = (const unsigned char *)w->in->p;
	size_t len = w->in->len;
	size_t i = len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3) ? 3 : 0;
	uint32_t l = 1, c = 1;
	if (w->at_line && w->at <= off) {
		i = w->at;
		l = w->at_line;
		c = w->at_col;
	}
	while (i < off && i < len) {
		if (b[i] == '\r' || b[i] == '\n') {
			i += b[i] == '\r' && i + 1 < len && b[i + 1] == '\n' ? 2 : 1;
			l++;
			c = 1;
			continue;
		}
		/* a character starts at every byte that is not a continuation byte */
		c += (b[i] & 0xC0) != 0x80;
		i++;
	}
	w->at = i;
	w->at_line = l;
	w->at_col = c;
	*line = l;
	*col = c;
}

/* Every node: its line and column are those of its offset, and its text is found there (or
 * the quote or block indicator that starts it). */
static void check_tree(walk *w, const migplan_node *n)
{
	if (!n)
		return;
	w->nodes++;
	size_t off = migplan_node_offset(n);
	uint32_t line, col;
	pos_of(w, off, &line, &col);
	int good = off < w->in->len && line == migplan_node_line(n) && col == migplan_node_column(n);
	size_t len;
	const char *text = migplan_node_text(n, &len);
	if (good && text && len && off + len <= w->in->len && memcmp(w->in->p + off, text, len)) {
		char c = w->in->p[off];
		good = c == '"' || c == '\'' || c == '|' || c == '>' || c == '&' || c == '!';
	}
	if (!good && w->bad++ < 3)
		diag("node at %u:%u offset %zu: the bytes say %u:%u", migplan_node_line(n),
		     migplan_node_column(n), off, line, col);
	for (size_t i = 0; i < migplan_node_count(n); i++) {
		check_tree(w, migplan_node_key_at(n, i));
		check_tree(w, migplan_node_at(n, i));
	}
}

/* Two reads of the same document: same tree, lines and columns; offsets as `shift` says. */
typedef size_t (*shift_fn)(const migplan_node *plain);

static size_t shift_bom(const migplan_node *n)
{
	return migplan_node_offset(n) + 3;
}

static size_t shift_crlf(const migplan_node *n)
{
	return migplan_node_offset(n) + migplan_node_line(n) - 1;
}

static size_t shift_bom_crlf(const migplan_node *n)
{
	return shift_crlf(n) + 3;
}

static size_t shift_none(const migplan_node *n)
{
	return migplan_node_offset(n);
}

static int same_tree(const migplan_node *a, const migplan_node *b, shift_fn shift)
{
	if (!a || !b)
		return a == b;
	size_t la, lb;
	const char *ta = migplan_node_text(a, &la), *tb = migplan_node_text(b, &lb);
	if (migplan_node_kind_of(a) != migplan_node_kind_of(b) ||
	    migplan_node_line(a) != migplan_node_line(b) ||
	    migplan_node_column(a) != migplan_node_column(b) ||
	    shift(a) != migplan_node_offset(b) || (ta == NULL) != (tb == NULL) ||
	    (ta && (la != lb || memcmp(ta, tb, la))) || migplan_node_count(a) != migplan_node_count(b)) {
		diag("differ at %u:%u (offset %zu vs %zu)", migplan_node_line(a), migplan_node_column(a),
		     shift(a), migplan_node_offset(b));
		return 0;
	}
	for (size_t i = 0; i < migplan_node_count(a); i++)
		if (!same_tree(migplan_node_key_at(a, i), migplan_node_key_at(b, i), shift) ||
		    !same_tree(migplan_node_at(a, i), migplan_node_at(b, i), shift))
			return 0;
	return 1;
}

/* The statements of every operation: what a reviewer and production see. */
static int same_sql(const migplan_plan *a, const migplan_plan *b)
{
	if (migplan_plan_op_count(a) != migplan_plan_op_count(b))
		return 0;
	for (size_t i = 0; i < migplan_plan_op_count(a); i++) {
		migplan_sql *sa = NULL, *sb = NULL;
		migplan_status xa = migplan_op_to_sql(&sa, migplan_plan_op_at(a, i), NULL, 0);
		migplan_status xb = migplan_op_to_sql(&sb, migplan_plan_op_at(b, i), NULL, 0);
		int same = xa == xb && migplan_sql_count(sa) == migplan_sql_count(sb);
		for (size_t j = 0; same && j < migplan_sql_count(sa); j++)
			same = !strcmp(migplan_sql_at(sa, j), migplan_sql_at(sb, j));
		migplan_sql_free(sa);
		migplan_sql_free(sb);
		if (!same)
			return 0;
	}
	return 1;
}

/* ---- line ends and BOM over every fixture ---- */

static const struct variant {
	const char *name, *eol;
	int bom;
	shift_fn shift;
} variants[] = {
	{"CRLF", "\r\n", 0, shift_crlf},
	{"CR", "\r", 0, shift_none},
	{"BOM", "\n", 1, shift_bom},
	{"BOM+CRLF", "\r\n", 1, shift_bom_crlf},
};

static void plan_variants(const char *label, const buf *plain)
{
	migplan_plan *a = NULL;
	if (migplan_plan_load_buffer(&a, plain->p, plain->len, "plan.yaml", NULL)) {
		diag("%s does not load: %s", label, migplan_error_message(migplan_error_last()));
		return;
	}
	walk w = WALK(plain);
	check_tree(&w, migplan_plan_root(a));
	ok(w.bad == 0, "%s: %zu node positions match the bytes", label, w.nodes);
	for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
		buf t = transform(plain, variants[v].eol, variants[v].bom);
		migplan_plan *b = NULL;
		migplan_status st = migplan_plan_load_buffer(&b, t.p, t.len, "plan.yaml", NULL);
		if (!ok(st == MIGPLAN_OK, "%s, %s: loads", label, variants[v].name)) {
			diag("%s", migplan_error_message(migplan_error_last()));
			free(t.p);
			continue;
		}
		w = WALK(&t);
		check_tree(&w, migplan_plan_root(b));
		ok(w.bad == 0, "%s, %s: node positions match the bytes", label, variants[v].name);
		ok(same_tree(migplan_plan_root(a), migplan_plan_root(b), variants[v].shift),
		   "%s, %s: same tree, lines and columns; offsets shifted by the bytes added", label,
		   variants[v].name);
		ok(same_sql(a, b), "%s, %s: same SQL for every operation", label, variants[v].name);
		migplan_plan_free(b);
		free(t.p);
	}
	migplan_plan_free(a);
}

static void snapshot_variants(const char *label, const buf *plain)
{
	migplan_snapshot *a = NULL;
	if (migplan_snapshot_load_buffer(&a, plain->p, plain->len, "s.json", NULL)) {
		diag("%s does not load: %s", label, migplan_error_message(migplan_error_last()));
		return;
	}
	walk w = WALK(plain);
	check_tree(&w, migplan_snapshot_root(a));
	ok(w.bad == 0, "%s: %zu node positions match the bytes", label, w.nodes);
	for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
		buf t = transform(plain, variants[v].eol, variants[v].bom);
		migplan_snapshot *b = NULL;
		migplan_status st = migplan_snapshot_load_buffer(&b, t.p, t.len, "s.json", NULL);
		if (ok(st == MIGPLAN_OK, "%s, %s: loads", label, variants[v].name))
			ok(same_tree(migplan_snapshot_root(a), migplan_snapshot_root(b), variants[v].shift),
			   "%s, %s: same tree and positions", label, variants[v].name);
		migplan_snapshot_free(b);
		free(t.p);
	}
	migplan_snapshot_free(a);
}

static void test_fixtures(void)
{
	const char *root = getenv("MIGPLAN_FIXTURES");
	DIR *d = root ? opendir(root) : NULL;
	if (!d) {
		ok(0, "MIGPLAN_FIXTURES is a directory (%s)", root ? root : "unset");
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9') {
			names = realloc(names, (n + 1) * sizeof *names);
			names[n++] = strdup(e->d_name);
		}
	closedir(d);
	size_t plans = 0, snaps = 0;
	for (size_t i = 0; i < n; i++) {
		static const char *const files[] = {"plan.yaml", "remote_state.json",
		                                    "local_infra_map.json"};
		for (size_t f = 0; f < 3; f++) {
			char path[1024], label[512];
			snprintf(path, sizeof path, "%s/%s/%s", root, names[i], files[f]);
			snprintf(label, sizeof label, "%s/%s", names[i], files[f]);
			buf b;
			if (read_file(path, &b))
				continue;
			if (f == 0) {
				plan_variants(label, &b);
				plans++;
			} else {
				snapshot_variants(label, &b);
				snaps++;
			}
			free(b.p);
		}
		free(names[i]);
	}
	free(names);
	ok(plans >= 5 && snaps >= 5, "fixtures: %zu plans and %zu snapshots read", plans, snaps);
}

/* ---- refusals at an exact position ---- */

static void expect_error(const char *what, migplan_status st, migplan_status want,
                         uint32_t line, uint32_t col, size_t off, const char *needle)
{
	const migplan_error *e = migplan_error_last();
	if (!ok(st == want && migplan_error_line(e) == line && migplan_error_column(e) == col &&
	        migplan_error_offset(e) == off && (!needle || strstr(migplan_error_message(e), needle)),
	        "%s: %s at %u:%u, offset %zu", what, migplan_status_str(want), line, col, off))
		diag("got %s at %u:%u offset %zu: %s", migplan_status_str(st), migplan_error_line(e),
		     migplan_error_column(e), migplan_error_offset(e), migplan_error_message(e));
}

static migplan_status load_plan(const buf *b)
{
	migplan_plan *p = NULL;
	migplan_status st = migplan_plan_load_buffer(&p, b->p, b->len, "plan.yaml", NULL);
	migplan_plan_free(p);
	return st;
}

static migplan_status load_snapshot(const buf *b)
{
	migplan_snapshot *s = NULL;
	migplan_status st = migplan_snapshot_load_buffer(&s, b->p, b->len, "s.json", NULL);
	migplan_snapshot_free(s);
	return st;
}

static const struct bad_utf8 {
	const char *name, *bytes;
} bad_utf8[] = {
	{"a lone continuation byte", "\x80"},
	{"an overlong '/'", "\xC0\xAF"},
	{"an overlong NUL", "\xE0\x80\x80"},
	{"a UTF-16 surrogate", "\xED\xA0\x80"},
	{"a code point above U+10FFFF", "\xF4\x90\x80\x80"},
	{"byte 0xFF", "\xFF"},
	{"a sequence cut short", "\xE2\x82"},
};

/* The bad bytes come after "é" on line 3, so the column counts one character for two bytes. */
static void test_bad_utf8(void)
{
	for (size_t v = 0; v < 3; v++) {
		const char *eol = v == 1 ? "\r\n" : "\n";
		int bom = v == 2;
		const char *vname = v == 0 ? "LF" : v == 1 ? "CRLF" : "BOM";
		for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
			buf plain = {0};
			tap_puts(&plain, "created_at: x\noperations:\n- DropTable: {table: \xC3\xA9");
			size_t at = plain.len;
			tap_puts(&plain, bad_utf8[i].bytes);
			tap_puts(&plain, "x, database: null}\n");
			buf t = transform(&plain, eol, bom);
			size_t off = at + (bom ? 3 : 0) + (v == 1 ? 2 : 0);
			char what[160];
			snprintf(what, sizeof what, "YAML, %s, %s", vname, bad_utf8[i].name);
			/* libyaml words it by kind: leading or trailing octet, incomplete sequence,
			 * invalid Unicode character (a surrogate, above U+10FFFF) */
			expect_error(what, load_plan(&t), MIGPLAN_EPARSE, 3, 23, off, NULL);
			free(t.p);
			free(plain.p);

			/* JSON: the same in a snapshot's string */
			plain = (buf){0};
			tap_puts(&plain, "{\n\"tables\": {},\n\"moose_version\": \"\xC3\xA9");
			at = plain.len;
			tap_puts(&plain, bad_utf8[i].bytes);
			tap_puts(&plain, "\"\n}\n");
			t = transform(&plain, eol, bom);
			off = at + (bom ? 3 : 0) + (v == 1 ? 2 : 0);
			snprintf(what, sizeof what, "JSON, %s, %s", vname, bad_utf8[i].name);
			expect_error(what, load_snapshot(&t), MIGPLAN_EPARSE, 3, 20, off, "UTF-8");
			free(t.p);
			free(plain.p);
		}
	}
	/* in a comment, and cut short by the end of the input */
	buf b = {0};
	tap_puts(&b, "# caf\xC3\xA9 \xFF\ncreated_at: x\noperations: []\n");
	expect_error("YAML, bad byte in a comment", load_plan(&b), MIGPLAN_EPARSE, 1, 8, 8, NULL);
	free(b.p);
	b = (buf){0};
	tap_puts(&b, "created_at: x\noperations: []\nx: \xE2\x82");
	expect_error("YAML, a sequence cut short by the end", load_plan(&b), MIGPLAN_EPARSE, 3, 4, 32,
	             NULL);
	free(b.p);
}

static void test_nul(void)
{
	/* raw NUL bytes: refused where they are */
	static const char raw_yaml[] = "created_at: x\noperations:\n- DropTable: {table: ev\0il, database: null}\n";
	buf b = {0};
	tap_put(&b, raw_yaml, sizeof raw_yaml - 1);
	expect_error("YAML, a raw NUL in a value", load_plan(&b), MIGPLAN_EPARSE, 3, 24, 49, "control");
	free(b.p);
	static const char raw_comment[] = "# a\0b\ncreated_at: x\noperations: []\n";
	b = (buf){0};
	tap_put(&b, raw_comment, sizeof raw_comment - 1);
	expect_error("YAML, a raw NUL in a comment", load_plan(&b), MIGPLAN_EPARSE, 1, 4, 3, "control");
	free(b.p);
	static const char raw_json[] = "{\"tables\": {}, \"moose_version\": \"a\0b\"}";
	b = (buf){0};
	tap_put(&b, raw_json, sizeof raw_json - 1);
	expect_error("JSON, a raw NUL in a string", load_snapshot(&b), MIGPLAN_EPARSE, 1, 35, 34, "U+0000");
	free(b.p);
	static const char raw_json2[] = "{\"tables\": {}\0}";
	b = (buf){0};
	tap_put(&b, raw_json2, sizeof raw_json2 - 1);
	expect_error("JSON, a raw NUL between tokens", load_snapshot(&b), MIGPLAN_EPARSE, 1, 14, 13, NULL);
	free(b.p);

	/* escaped NULs read, then refused by the model: its names and SQL are C strings, and a
	 * name cut at the NUL would be another table (`events\0; DROP ...` read as `events`) */
	b = (buf){0};
	tap_puts(&b, "created_at: x\noperations:\n- DropTable: {table: \"events\\0; DROP TABLE users\", database: null}\n");
	expect_error("YAML, an escaped NUL in a table name", load_plan(&b), MIGPLAN_ESCHEMA, 3, 22, 47, "NUL");
	free(b.p);
	b = (buf){0};
	tap_puts(&b, "created_at: x\noperations:\n- RawSql: {sql: [\"SELECT 1\\x00; DROP TABLE users\"], description: d}\n");
	expect_error("YAML, an escaped NUL in RawSql", load_plan(&b), MIGPLAN_ESCHEMA, 3, 18, 43, "NUL");
	free(b.p);
	b = (buf){0};
	tap_puts(&b, "{\"tables\": {}, \"moose_version\": \"1\\u0000\"}");
	expect_error("JSON, an escaped NUL in a snapshot", load_snapshot(&b), MIGPLAN_ESCHEMA, 1, 33, 32, "NUL");
	free(b.p);
	migplan_column *c = NULL;
	static const char col[] = "{name: \"a\\0b\", data_type: String, required: true}";
	expect_error("YAML, an escaped NUL in a column", migplan_column_parse(&c, col, sizeof col - 1),
	             MIGPLAN_ESCHEMA, 1, 8, 7, "NUL");
	migplan_column_free(c);
}

/* ---- very long lines ---- */

static void test_long_lines(void)
{
	/* 20,000 operations on one line of about 1 MB: each one's column is its byte + 1 */
	enum { OPS = 20000 };
	buf b = {0};
	tap_puts(&b, "{created_at: x, operations: [");
	size_t *col = malloc(OPS * sizeof *col);
	for (int i = 0; i < OPS; i++) {
		char item[96];
		if (i)
			tap_puts(&b, ", ");
		col[i] = b.len + 1;
		snprintf(item, sizeof item, "{DropTable: {table: t%d, database: null}}", i);
		tap_puts(&b, item);
	}
	tap_puts(&b, "]}\n");
	migplan_plan *p = NULL;
	migplan_status st = migplan_plan_load_buffer(&p, b.p, b.len, "plan.yaml", NULL);
	if (ok(st == MIGPLAN_OK && migplan_plan_op_count(p) == OPS, "a 1 MB line of %d operations loads",
	       OPS)) {
		size_t wrong = 0;
		for (size_t i = 0; i < OPS; i++) {
			const migplan_node *n = migplan_op_node(migplan_plan_op_at(p, i));
			if (migplan_node_line(n) != 1 || migplan_node_column(n) != col[i] ||
			    migplan_node_offset(n) != col[i] - 1)
				wrong++;
		}
		ok(wrong == 0, "a 1 MB line: every operation at line 1, its column and offset (%zu wrong)",
		   wrong);
		walk w = WALK(&b);
		check_tree(&w, migplan_plan_root(p));
		ok(w.bad == 0, "a 1 MB line: %zu node positions match the bytes", w.nodes);
	} else {
		diag("%s", migplan_error_message(migplan_error_last()));
	}
	migplan_plan_free(p);
	free(col);
	free(b.p);

	/* 100,000 two-byte characters before a value: columns count characters, offsets bytes */
	enum { WIDE = 100000 };
	b = (buf){0};
	tap_puts(&b, "created_at: x\noperations:\n- RawSql: {sql: [\"SELECT '");
	for (int i = 0; i < WIDE; i++)
		tap_puts(&b, "\xC3\xA9");
	tap_puts(&b, "'\"], description: d}\n");
	st = migplan_plan_load_buffer(&p, b.p, b.len, "plan.yaml", NULL);
	if (ok(st == MIGPLAN_OK, "a line of 100,000 two-byte characters loads")) {
		const migplan_node *d = migplan_op_field(migplan_plan_op_at(p, 0), "description");
		/* line 3 starts at byte 26; 26 characters before the first é, 18 after the last */
		size_t want_col = 26 + WIDE + 18 + 1;
		if (!ok(migplan_node_line(d) == 3 && migplan_node_column(d) == want_col &&
		        migplan_node_offset(d) == 26 + 26 + 2 * WIDE + 18,
		        "the value after them: column in characters, offset in bytes"))
			diag("got %u:%u offset %zu", migplan_node_line(d), migplan_node_column(d),
			     migplan_node_offset(d));
		is_int(strlen(migplan_op_sql_at(migplan_plan_op_at(p, 0), 0)), 8 + 2 * WIDE + 1,
		       "the statement is whole");
	}
	migplan_plan_free(p);
	p = NULL;
	/* and an error at the end of that line */
	b.len -= 2; /* drop "}\n": the flow mapping is not closed */
	b.p[b.len] = '\0';
	st = migplan_plan_load_buffer(&p, b.p, b.len, "plan.yaml", NULL);
	expect_error("an error at the end of a long line", st, MIGPLAN_EPARSE, 3, 26 + WIDE + 19 + 1,
	             b.len, NULL);
	free(b.p);

	/* JSON: a snapshot of one line, every position checked against the bytes */
	const char *root = getenv("MIGPLAN_FIXTURES");
	char path[1024];
	snprintf(path, sizeof path, "%s/01_additive/local_infra_map.json", root ? root : ".");
	buf in;
	if (read_file(path, &in) == 0) {
		buf one = {0};
		int in_str = 0;
		for (size_t i = 0; i < in.len; i++) {
			char c = in.p[i];
			if (c == '"' && (i == 0 || in.p[i - 1] != '\\'))
				in_str = !in_str;
			if (!in_str && (c == '\n' || c == ' '))
				continue;
			tap_put(&one, &c, 1);
		}
		migplan_snapshot *s = NULL;
		if (ok(migplan_snapshot_load_buffer(&s, one.p, one.len, "s.json", NULL) == MIGPLAN_OK,
		       "a snapshot on one line of %zu bytes loads", one.len)) {
			walk w = WALK(&one);
			check_tree(&w, migplan_snapshot_root(s));
			ok(w.bad == 0 && w.nodes > 100, "one-line snapshot: %zu node positions match the bytes",
			   w.nodes);
		}
		migplan_snapshot_free(s);
		free(one.p);
		free(in.p);
	}
}

int main(void)
{
	test_fixtures();
	test_bad_utf8();
	test_nul();
	test_long_lines();
	return done_testing();
}
