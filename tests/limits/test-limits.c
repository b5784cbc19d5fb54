/* Limits for untrusted input (issue 9): alias expansion, nesting depth, file size, number of
 * operations, string length and node count are bounded by migplan_parse_options, and the
 * hostile cases (a billion-laughs plan, 100,000-deep nesting, a 1 GiB file) are refused
 * quickly, with an error that names the limit and the position, in bounded memory.
 *
 * Every case is measured (measure.h): the 1 GiB file must be refused before a byte of it is
 * read, the others without building what they describe. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <migplan.h>

#include "measure.h"
#include "tap.h"

/* Generous bounds: a refusal costs kilobytes and milliseconds; what they guard against costs
 * gigabytes and minutes. Valgrind runs are 50 times slower, hence the time bound. */
#define REFUSAL_MAX_KB (64L * 1024)
#define REFUSAL_MAX_SECS 20.0

static char tmpdir[] = "/tmp/migplan-limits-XXXXXX";

/* ---- text builders ---- */

typedef tap_buf text;

static void repeat(text *t, const char *s, size_t times)
{
	for (size_t i = 0; i < times; i++)
		tap_puts(t, s);
}

__attribute__((format(printf, 2, 3)))
static void printf_(text *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tap_puts(t, buf);
}

/* ---- checks ---- */

/* The status, the limit's name in the message, and (when want_line) the position. */
static void check_refusal(const char *what, migplan_status st, migplan_status want,
                          const char *needle, uint32_t want_line, uint32_t want_col)
{
	const migplan_error *e = migplan_error_last();
	const char *msg = migplan_error_message(e);
	if (!ok(st == want && strstr(msg, needle) != NULL, "%s: %s naming %s", what,
	        migplan_status_str(want), needle))
		diag("got %s: %s", migplan_status_str(st), msg);
	/* want_col 0: the line only */
	if (want_line) {
		if (!ok(migplan_error_line(e) == want_line &&
		        (!want_col || migplan_error_column(e) == want_col),
		        "%s: at %u:%u", what, want_line, want_col))
			diag("got %u:%u", migplan_error_line(e), migplan_error_column(e));
	}
}

static void check_cost(const char *what, const measure *m, long max_kb)
{
	diag("%s: %.3f s, peak memory +%ld KiB, %llu bytes read", what, m->secs, m->grew_kb,
	     m->read);
	ok(m->grew_kb < max_kb, "%s: memory bounded (+%ld KiB < %ld KiB)", what, m->grew_kb, max_kb);
	ok(m->secs < REFUSAL_MAX_SECS, "%s: quick (%.3f s)", what, m->secs);
}

static migplan_status load(const text *t, const migplan_parse_options *o)
{
	migplan_plan *plan = NULL;
	migplan_status st = migplan_plan_load_buffer(&plan, t->p, t->len, "plan.yaml", o);
	migplan_plan_free(plan);
	return st;
}

static migplan_parse_options opts(void)
{
	migplan_parse_options o;
	migplan_parse_options_init(&o, MIGPLAN_PARSE_OPTIONS_VERSION);
	return o;
}

/* ---- options ---- */

static void test_options(void)
{
	migplan_parse_options o = MIGPLAN_PARSE_OPTIONS_INIT;
	text t = {0};
	tap_puts(&t, "created_at: x\noperations: []\n");
	ok(load(&t, &o) == MIGPLAN_OK, "options: INIT gives the defaults");
	ok(load(&t, NULL) == MIGPLAN_OK, "options: NULL gives the defaults");
	o.version = 0;
	check_refusal("options: version 0", load(&t, &o), MIGPLAN_EVERSION, "version 0", 0, 0);
	o.version = MIGPLAN_PARSE_OPTIONS_VERSION + 1;
	check_refusal("options: a newer version", load(&t, &o), MIGPLAN_EVERSION, "invalid version", 0, 0);
	free(t.p);
}

/* ---- aliases ---- */

/* The classic: ten lols, ten of those, ... nine levels deep: 10^9 strings from 1 KiB. */
static void billion_laughs(text *t)
{
	tap_puts(t, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i <= 9; i++) {
		printf_(t, "l%d: &l%d [", i, i);
		for (int j = 0; j < 10; j++)
			printf_(t, "%s*l%d", j ? ", " : "", i - 1);
		tap_puts(t, "]\n");
	}
	tap_puts(t, "created_at: x\noperations: [*l9]\n");
}

static void test_aliases(void)
{
	text t = {0};
	billion_laughs(&t);
	measure m;
	measure_start(&m);
	migplan_status st = load(&t, NULL);
	measure_stop(&m);
	/* l6 stands for 1.1e7 nodes: the 4th *l6 in l7 (line 8) passes max_nodes, 50,000,000 */
	check_refusal("billion laughs", st, MIGPLAN_ELIMIT, "max_nodes", 8, 10 + 3 * 5);
	check_cost("billion laughs", &m, REFUSAL_MAX_KB);

	migplan_parse_options o = opts();
	o.max_aliases = 25;
	/* the 26th alias: the 6th in l3 */
	check_refusal("billion laughs, max_aliases 25", load(&t, &o), MIGPLAN_ELIMIT, "max_aliases",
	              4, 10 + 5 * 5);
	o = opts();
	o.max_nodes = 1000;
	/* 126 nodes up to l2's sequence; each *l1 adds 111: the 8th passes 1000 */
	check_refusal("billion laughs, max_nodes 1000", load(&t, &o), MIGPLAN_ELIMIT, "max_nodes",
	              3, 10 + 7 * 5);
	free(t.p);

	/* a wide anchor and many aliases: no nesting, same blow-up */
	t = (text){0};
	tap_puts(&t, "w: &w [");
	for (int i = 0; i < 1000; i++)
		printf_(&t, "%sx%d", i ? ", " : "", i);
	tap_puts(&t, "]\ncreated_at: x\noperations: []\nrefs:\n");
	repeat(&t, "- *w\n", 200);
	o = opts();
	o.max_nodes = 100000;
	measure_start(&m);
	st = load(&t, &o);
	measure_stop(&m);
	check_refusal("wide anchor, 200 aliases, max_nodes 100000", st, MIGPLAN_ELIMIT, "max_nodes",
	              4 + 99, 3);
	check_cost("wide anchor", &m, REFUSAL_MAX_KB);
	free(t.p);

	/* aliases count in the depth: a 200-deep anchor used 100 levels down */
	t = (text){0};
	tap_puts(&t, "a: &a ");
	repeat(&t, "[", 200);
	repeat(&t, "]", 200);
	tap_puts(&t, "\nb: ");
	repeat(&t, "[", 100);
	tap_puts(&t, "*a");
	repeat(&t, "]", 100);
	tap_puts(&t, "\ncreated_at: x\noperations: []\n");
	check_refusal("deep anchor used deep down", load(&t, NULL), MIGPLAN_ELIMIT, "max_depth", 2,
	              4 + 100);
	free(t.p);
}

/* ---- depth ---- */

#define DEEP 100000

static void deep_case(const char *what, const text *t, migplan_status st, const measure *m,
                      const char *needle, uint32_t line, uint32_t col)
{
	check_refusal(what, st, MIGPLAN_ELIMIT, needle, line, col);
	check_cost(what, m, REFUSAL_MAX_KB);
	(void)t;
}

static void test_depth(void)
{
	measure m;
	text t = {0};
	/* root mapping (1) + 255 sequences fit the default 256; the 256th '[' is at column 13 + 255 */
	tap_puts(&t, "created_at: x\noperations: ");
	repeat(&t, "[", DEEP);
	repeat(&t, "]", DEEP);
	tap_puts(&t, "\n");
	measure_start(&m);
	migplan_status st = load(&t, NULL);
	measure_stop(&m);
	deep_case("100,000 nested flow sequences", &t, st, &m, "max_depth", 2, 13 + 255);
	migplan_parse_options o = opts();
	o.max_depth = 10;
	check_refusal("flow sequences, max_depth 10", load(&t, &o), MIGPLAN_ELIMIT, "max_depth", 2,
	              13 + 9);
	free(t.p);

	t = (text){0};
	tap_puts(&t, "created_at: x\nmore: ");
	repeat(&t, "{a: ", DEEP);
	tap_puts(&t, "x");
	repeat(&t, "}", DEEP);
	tap_puts(&t, "\noperations: []\n");
	measure_start(&m);
	st = load(&t, NULL);
	measure_stop(&m);
	/* the 256th '{a: ' opens the 257th collection */
	deep_case("100,000 nested flow mappings", &t, st, &m, "max_depth", 2, 7 + 4 * 255);
	free(t.p);

	/* block style on one line: `- - - - x` */
	t = (text){0};
	tap_puts(&t, "created_at: x\noperations:\n");
	repeat(&t, "- ", DEEP);
	tap_puts(&t, "x\n");
	measure_start(&m);
	st = load(&t, NULL);
	measure_stop(&m);
	deep_case("100,000 nested block sequences", &t, st, &m, "max_depth", 3, 1 + 2 * 255);
	free(t.p);

	/* the same in JSON: a snapshot, a schema, a Moose column type */
	t = (text){0};
	tap_puts(&t, "{\"tables\": ");
	repeat(&t, "[", DEEP);
	repeat(&t, "]", DEEP);
	tap_puts(&t, "}");
	migplan_snapshot *snap = NULL;
	measure_start(&m);
	st = migplan_snapshot_load_buffer(&snap, t.p, t.len, "remote_state.json", NULL);
	measure_stop(&m);
	deep_case("100,000 nested JSON arrays (snapshot)", &t, st, &m, "max_depth", 1, 12 + 255);
	migplan_snapshot_free(snap);
	free(t.p);

	t = (text){0};
	repeat(&t, "{\"not\": ", DEEP);
	tap_puts(&t, "{}");
	repeat(&t, "}", DEEP);
	migplan_schema *schema = NULL;
	measure_start(&m);
	st = migplan_schema_load_buffer(&schema, t.p, t.len, "schema.json", NULL);
	measure_stop(&m);
	deep_case("100,000 nested JSON objects (schema)", &t, st, &m, "max_depth", 1, 1 + 8 * 256);
	migplan_schema_free(schema);
	free(t.p);

	t = (text){0};
	tap_puts(&t, "{\"name\": \"c\", \"required\": true, \"data_type\": ");
	repeat(&t, "{\"elementType\": ", DEEP);
	tap_puts(&t, "\"String\"");
	repeat(&t, ", \"elementNullable\": false}", DEEP);
	tap_puts(&t, "}");
	char *out = NULL;
	measure_start(&m);
	st = migplan_moose_column_to_clickhouse(t.p, t.len, &out);
	measure_stop(&m);
	deep_case("100,000 nested Moose array types", &t, st, &m, "max_depth", 1,
	          46 + 16 * 255);
	migplan_free(out);
	free(t.p);

	/* a schema pattern: regcomp would recurse once per group (a stack overflow at 30,000) */
	t = (text){0};
	tap_puts(&t, "{\"pattern\": \"");
	repeat(&t, "(", DEEP);
	tap_puts(&t, "a");
	repeat(&t, ")", DEEP);
	tap_puts(&t, "\"}");
	measure_start(&m);
	st = migplan_schema_load_buffer(&schema, t.p, t.len, "schema.json", NULL);
	measure_stop(&m);
	check_refusal("100,000 nested groups in a schema pattern", st, MIGPLAN_ESCHEMA, "nested", 0, 0);
	check_cost("100,000 nested groups in a schema pattern", &m, REFUSAL_MAX_KB);
	migplan_schema_free(schema);
	free(t.p);
	/* and counted repetitions that multiply: 255^3 copies for regcomp (24 GB, 50 s) */
	static const char rep3[] = "{\"pattern\": \"((a{1,255}){1,255}){1,255}\"}";
	measure_start(&m);
	st = migplan_schema_load_buffer(&schema, rep3, sizeof rep3 - 1, "schema.json", NULL);
	measure_stop(&m);
	check_refusal("nested counted repetitions in a schema pattern", st, MIGPLAN_ESCHEMA,
	              "repetitions", 0, 0);
	check_cost("nested counted repetitions in a schema pattern", &m, REFUSAL_MAX_KB);
	migplan_schema_free(schema);
	static const char small[] = "{\"pattern\": \"^Decimal\\\\(\\\\d{1,3},\\\\s*\\\\d{1,3}\\\\)$\"}";
	ok(migplan_schema_load_buffer(&schema, small, sizeof small - 1, "schema.json", NULL) == MIGPLAN_OK,
	   "the Moose schema's own patterns are well within the bounds");
	migplan_schema_free(schema);
	schema = NULL;

	/* a ClickHouse type string: refused by the type parser's own depth bound */
	t = (text){0};
	repeat(&t, "Array(", DEEP);
	tap_puts(&t, "String");
	repeat(&t, ")", DEEP);
	migplan_chtype *type = NULL;
	measure_start(&m);
	st = migplan_chtype_parse(&type, t.p, t.len);
	measure_stop(&m);
	const migplan_error *e = migplan_error_last();
	if (!ok(st != MIGPLAN_OK && strstr(migplan_error_message(e), "deep"),
	        "100,000 nested Array( types: refused as too deep"))
		diag("got %s: %s", migplan_status_str(st), migplan_error_message(e));
	check_cost("100,000 nested Array( types", &m, REFUSAL_MAX_KB);
	migplan_chtype_free(type);
	free(t.p);
}

/* ---- file size ---- */

static char *path_in(const char *name)
{
	size_t n = strlen(tmpdir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", tmpdir, name);
	return p;
}

/* A file of `size` bytes that takes no disk space: a hole made by ftruncate. */
static char *sparse_file(const char *name, off_t size)
{
	char *p = path_in(name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, size) != 0) {
		diag("cannot make %s: %s", p, strerror(errno));
		abort();
	}
	close(fd);
	return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

#define GIB ((off_t)1 << 30)

static void test_file_size(void)
{
	measure m;
	char *big = sparse_file("plan.yaml", GIB);
	migplan_plan *plan = NULL;
	measure_start(&m);
	migplan_status st = migplan_plan_load_files(&plan, big, NULL, NULL, NULL);
	measure_stop(&m);
	check_refusal("1 GiB plan file", st, MIGPLAN_ELIMIT, "max_bytes", 0, 0);
	ok(strstr(migplan_error_message(migplan_error_last()), big) != NULL,
	   "1 GiB plan file: the message names the file");
	is_str(migplan_error_path(migplan_error_last()), big, "1 GiB plan file: the error's path");
	check_cost("1 GiB plan file", &m, REFUSAL_MAX_KB);
	ok(m.read < 64 * 1024, "1 GiB plan file: refused before reading (%llu bytes read)", m.read);

	migplan_snapshot *snap = NULL;
	measure_start(&m);
	st = migplan_snapshot_load_file(&snap, big, NULL);
	measure_stop(&m);
	check_refusal("1 GiB snapshot file", st, MIGPLAN_ELIMIT, "max_bytes", 0, 0);
	ok(m.read < 64 * 1024, "1 GiB snapshot file: refused before reading");

	migplan_schema *schema = NULL;
	measure_start(&m);
	st = migplan_schema_load_file(&schema, big, NULL);
	measure_stop(&m);
	check_refusal("1 GiB schema file", st, MIGPLAN_ELIMIT, "max_bytes", 0, 0);
	ok(m.read < 64 * 1024, "1 GiB schema file: refused before reading");
	unlink(big);
	free(big);

	/* a migrations directory whose plan is small and whose snapshot is huge */
	char *plan_path = path_in("plan.yaml");
	write_file(plan_path, "created_at: x\noperations: []\n", 29);
	char *remote = sparse_file("remote_state.json", GIB);
	measure_start(&m);
	st = migplan_plan_load_dir(&plan, tmpdir, NULL);
	measure_stop(&m);
	check_refusal("directory with a 1 GiB remote_state.json", st, MIGPLAN_ELIMIT, "max_bytes", 0, 0);
	ok(strstr(migplan_error_message(migplan_error_last()), "remote_state.json") != NULL,
	   "directory with a 1 GiB remote_state.json: the message names the snapshot");
	ok(m.read < 64 * 1024, "directory with a 1 GiB remote_state.json: refused before reading");
	unlink(remote);
	free(remote);

	/* max_bytes is exact: the limit itself is accepted, one byte more is not */
	migplan_parse_options o = opts();
	o.max_bytes = 4096;
	text t = {0};
	tap_puts(&t, "created_at: x\noperations: []\n");
	while (t.len < 4096 - 1)
		tap_puts(&t, "#");
	t.len = 4095;
	tap_puts(&t, "\n");
	write_file(plan_path, t.p, t.len);
	st = migplan_plan_load_files(&plan, plan_path, NULL, NULL, &o);
	ok(st == MIGPLAN_OK, "a file of exactly max_bytes loads");
	migplan_plan_free(plan);
	plan = NULL;
	tap_puts(&t, "\n");
	write_file(plan_path, t.p, t.len);
	check_refusal("a file one byte over max_bytes", migplan_plan_load_files(&plan, plan_path, NULL, NULL, &o),
	              MIGPLAN_ELIMIT, "max_bytes", 0, 0);
	check_refusal("a buffer one byte over max_bytes", load(&t, &o), MIGPLAN_ELIMIT, "max_bytes", 0, 0);
	free(t.p);
	unlink(plan_path);
	free(plan_path);
}

/* A pipe has no size to check up front: the read itself stops after max_bytes. */
static void test_pipe(void)
{
	char *fifo = path_in("plan.fifo");
	if (mkfifo(fifo, 0600) != 0) {
		ok(0, "mkfifo: %s", strerror(errno));
		free(fifo);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* 64 MiB of comments, or until the reader closes its end */
		signal(SIGPIPE, SIG_DFL);
		int fd = open(fifo, O_WRONLY);
		free(fifo);
		static char line[4096];
		memset(line, '#', sizeof line);
		line[sizeof line - 1] = '\n';
		for (int i = 0; fd >= 0 && i < 16384; i++)
			if (write(fd, line, sizeof line) < 0)
				break;
		_exit(0);
	}
	migplan_parse_options o = opts();
	o.max_bytes = 1 << 20;
	migplan_plan *plan = NULL;
	measure m;
	measure_start(&m);
	migplan_status st = migplan_plan_load_files(&plan, fifo, NULL, NULL, &o);
	measure_stop(&m);
	check_refusal("64 MiB through a pipe, max_bytes 1 MiB", st, MIGPLAN_ELIMIT, "max_bytes", 0, 0);
	ok(m.read <= (1u << 20) + (1u << 18),
	   "64 MiB through a pipe: reading stops at the limit (%llu bytes read)", m.read);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(fifo);
	free(fifo);
}

/* ---- operations ---- */

static void ops_plan(text *t, int n)
{
	tap_puts(t, "created_at: x\noperations:\n");
	for (int i = 0; i < n; i++)
		printf_(t, "- DropTable: {table: t%d, database: null}\n", i);
}

static void test_ops(void)
{
	migplan_parse_options o = opts();
	o.max_ops = 100;
	text t = {0};
	ops_plan(&t, 100);
	ok(load(&t, &o) == MIGPLAN_OK, "max_ops 100: 100 operations load");
	free(t.p);
	t = (text){0};
	ops_plan(&t, 101);
	/* the first operation over the limit, on line 2 + 101 */
	check_refusal("max_ops 100: 101 operations", load(&t, &o), MIGPLAN_ELIMIT, "max_ops", 103, 3);
	free(t.p);

	/* many operations under the default limit load, in time linear in their number */
	t = (text){0};
	ops_plan(&t, 20000);
	measure m;
	migplan_plan *plan = NULL;
	measure_start(&m);
	migplan_status st = migplan_plan_load_buffer(&plan, t.p, t.len, "plan.yaml", NULL);
	measure_stop(&m);
	ok(st == MIGPLAN_OK && migplan_plan_op_count(plan) == 20000, "20,000 operations load");
	diag("20,000 operations: %.3f s, +%ld KiB", m.secs, m.grew_kb);
	migplan_plan_free(plan);
	free(t.p);
}

/* ---- strings ---- */

static void string_case(const char *what, const char *pre, const char *post, size_t n,
                        const migplan_parse_options *o, migplan_status want, uint32_t line,
                        uint32_t col)
{
	text t = {0};
	tap_puts(&t, "created_at: x\noperations: []\n");
	tap_puts(&t, pre);
	repeat(&t, "a", n);
	tap_puts(&t, post);
	migplan_status st = load(&t, o);
	if (want == MIGPLAN_OK)
		ok(st == MIGPLAN_OK, "%s", what);
	else
		check_refusal(what, st, want, "max_string", line, col);
	free(t.p);
}

static void test_strings(void)
{
	migplan_parse_options o = opts();
	o.max_string = 1000;
	string_case("max_string 1000: a plain scalar of 1000", "x: ", "\n", 1000, &o, MIGPLAN_OK, 0, 0);
	string_case("max_string 1000: a plain scalar of 1001", "x: ", "\n", 1001, &o, MIGPLAN_ELIMIT, 3, 4);
	string_case("max_string 1000: single-quoted", "x: '", "'\n", 1001, &o, MIGPLAN_ELIMIT, 3, 4);
	string_case("max_string 1000: double-quoted", "x: \"", "\"\n", 1001, &o, MIGPLAN_ELIMIT, 3, 4);
	string_case("max_string 1000: literal block", "x: |\n  ", "\n", 1001, &o, MIGPLAN_ELIMIT, 3, 4);
	string_case("max_string 1000: folded block", "x: >\n  ", "\n", 1001, &o, MIGPLAN_ELIMIT, 3, 4);
	string_case("max_string 1000: a key", "", ": x\n", 1001, &o, MIGPLAN_ELIMIT, 3, 1);

	/* JSON: strings and numbers */
	text t = {0};
	tap_puts(&t, "{\"tables\": {}, \"moose_version\": \"");
	repeat(&t, "a", 1001);
	tap_puts(&t, "\"}");
	migplan_snapshot *snap = NULL;
	check_refusal("max_string 1000: a JSON string", migplan_snapshot_load_buffer(&snap, t.p, t.len, "s.json", &o),
	              MIGPLAN_ELIMIT, "max_string", 1, 33);
	free(t.p);
	t = (text){0};
	tap_puts(&t, "{\"tables\": {}, \"n\": 1");
	repeat(&t, "0", 1000);
	tap_puts(&t, "}");
	check_refusal("max_string 1000: a JSON number", migplan_snapshot_load_buffer(&snap, t.p, t.len, "s.json", &o),
	              MIGPLAN_ELIMIT, "max_string", 1, 21);
	free(t.p);

	/* the default, 16 MiB */
	t = (text){0};
	tap_puts(&t, "created_at: x\noperations: []\nx: ");
	size_t n = (size_t)MIGPLAN_DEFAULT_MAX_STRING + 1;
	char *run = malloc(n);
	memset(run, 'a', n);
	tap_put(&t, run, n);
	free(run);
	tap_puts(&t, "\n");
	measure m;
	measure_start(&m);
	migplan_status st = load(&t, NULL);
	measure_stop(&m);
	check_refusal("a 16 MiB + 1 scalar (the default)", st, MIGPLAN_ELIMIT, "max_string", 3, 4);
	/* libyaml hands over a scalar whole, so this one is read; memory stays a small
	 * multiple of the input, never of what a document could describe */
	check_cost("a 16 MiB + 1 scalar (the default)", &m, 8 * 17 * 1024);
	free(t.p);
}

/* ---- nodes ---- */

static void test_nodes(void)
{
	migplan_parse_options o = opts();
	o.max_nodes = 1000;
	text t = {0};
	tap_puts(&t, "created_at: x\noperations: []\nx: [");
	for (int i = 0; i < 1000; i++)
		printf_(&t, "%s%d", i ? ", " : "", i);
	tap_puts(&t, "]\n");
	/* the root mapping, 3 keys, 2 values, the sequence: 995 items fit */
	check_refusal("max_nodes 1000: a flat sequence of 1000", load(&t, &o), MIGPLAN_ELIMIT, "max_nodes",
	              3, 0);
	free(t.p);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_options();
	test_aliases();
	test_depth();
	test_file_size();
	test_pipe();
	test_ops();
	test_strings();
	test_nodes();
	rmdir(tmpdir);
	return done_testing();
}
