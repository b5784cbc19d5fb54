/* The chDB wrapper (lib/chdb.c): finding the library, one engine per process, queries, errors,
 * binary output and the temporary data directory. Exit 77 when libchdb.so cannot be found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chdb.h"
#include "migplan/errors.h"
#include "tap.h"

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The repository's .chdb install, when meson says where the repository is. */
static const char *engine_path(char *buf, size_t cap)
{
	const char *root = getenv("MIGPLAN_SOURCE_ROOT");
	struct stat st;
	if (getenv("MIGPLAN_CHDB_LIB") && *getenv("MIGPLAN_CHDB_LIB"))
		return NULL;
	if (!root)
		return NULL;
	snprintf(buf, cap, "%s/.chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so", root);
	return stat(buf, &st) == 0 ? buf : NULL;
}

static void test_not_found(void)
{
	migplan__chdb *eng = (migplan__chdb *)1;
	const char *saved = getenv("MIGPLAN_CHDB_LIB");
	char *copy = saved ? strdup(saved) : NULL;

	is_int(migplan__chdb_open(&eng, "/nonexistent/libchdb.so", NULL), MIGPLAN_ENOTFOUND,
	       "an explicit path that does not exist: ENOTFOUND");
	ok(eng == NULL, "*out is NULL on failure");
	ok(strstr(migplan_error_message(migplan_error_last()), "/nonexistent/libchdb.so") != NULL,
	   "the message names the path");
	setenv("MIGPLAN_CHDB_LIB", "/nonexistent/env.so", 1);
	is_int(migplan__chdb_open(&eng, NULL, NULL), MIGPLAN_ENOTFOUND,
	       "MIGPLAN_CHDB_LIB pointing nowhere: ENOTFOUND");
	ok(strstr(migplan_error_message(migplan_error_last()), "MIGPLAN_CHDB_LIB") != NULL,
	   "the message names the variable");
	if (copy)
		setenv("MIGPLAN_CHDB_LIB", copy, 1);
	else
		unsetenv("MIGPLAN_CHDB_LIB");
	free(copy);
	is_int(migplan__chdb_open(NULL, NULL, NULL), MIGPLAN_EINVAL, "NULL out: EINVAL");
	is_int(migplan__chdb_query(NULL, "SELECT 1", NULL, NULL, NULL), MIGPLAN_EINVAL,
	       "NULL engine: EINVAL");
	migplan__chdb_close(NULL);
	ok(1, "closing NULL is a no-op");
}

static void test_queries(migplan__chdb *eng)
{
	char *out = NULL;
	size_t len = 0;
	migplan__chdb *second = NULL;
	migplan_status st;

	is_int(migplan__chdb_open(&second, NULL, NULL), MIGPLAN_EUNSUPPORTED,
	       "a second engine in the same process: EUNSUPPORTED");
	ok(second == NULL, "no second engine");

	st = migplan__chdb_query(eng, "SELECT 1 + 1", NULL, &out, &len);
	is_int(st, MIGPLAN_OK, "SELECT runs");
	is_str(out, "2\n", "TSV by default");
	is_int(len, 2, "length of the output");
	free(out);

	st = migplan__chdb_query(eng, "SELECT 1 AS a, 'x' AS b", "JSONEachRow", &out, &len);
	is_str(out, "{\"a\":1,\"b\":\"x\"}\n", "another output format");
	free(out);

	/* the output may hold NUL bytes: RowBinary of 'a\0b' is a length byte and three bytes */
	st = migplan__chdb_query(eng, "SELECT 'a\\0b'", "RowBinary", &out, &len);
	ok(st == MIGPLAN_OK && len == 4 && out && out[0] == 3 && out[1] == 'a' && out[2] == '\0' &&
	           out[3] == 'b' && out[4] == '\0',
	   "binary output keeps its NUL bytes and is NUL-terminated");
	free(out);

	out = (char *)1;
	st = migplan__chdb_query(eng, "SELECT no_such_column FROM system.one", NULL, &out, &len);
	is_int(st, MIGPLAN_ERROR, "a failing query: MIGPLAN_ERROR");
	ok(out == NULL && len == 0, "no output on failure");
	ok(strncmp(migplan_error_message(migplan_error_last()), "Code: 47.", 9) == 0,
	   "ClickHouse's own message: %s", migplan_error_message(migplan_error_last()));

	st = migplan__chdb_query(eng, "CREATE DATABASE w ENGINE = Atomic", NULL, NULL, NULL);
	is_int(st, MIGPLAN_OK, "DDL with the output discarded");
	st = migplan__chdb_query(eng, "CREATE TABLE w.t (a Int32) ENGINE = MergeTree ORDER BY a", NULL,
	                         &out, &len);
	ok(st == MIGPLAN_OK && out && out[0] == '\0' && len == 0, "DDL gives empty output");
	free(out);
	migplan__chdb_query(eng, "INSERT INTO w.t VALUES (1), (2)", NULL, NULL, NULL);
	/* a failed mutation: the message keeps ClickHouse's reason and drops the stack trace */
	st = migplan__chdb_query(eng, "ALTER TABLE w.t MODIFY COLUMN a Enum8('x' = 1) SETTINGS "
	                              "mutations_sync = 2, alter_sync = 2", NULL, NULL, NULL);
	ok(st == MIGPLAN_ERROR && !strstr(migplan_error_message(migplan_error_last()), "\n\n"),
	   "failed mutation: one message without the stack trace");
	migplan__chdb_query(eng, "KILL MUTATION WHERE database = 'w' SYNC", NULL, NULL, NULL);

	/* a query that fails after writing some rows: chDB would hand those rows to the next query */
	st = migplan__chdb_query(eng, "SELECT number, throwIf(number = 70000) FROM numbers(100000)",
	                         NULL, NULL, NULL);
	is_int(st, MIGPLAN_ERROR, "a query failing halfway: MIGPLAN_ERROR");
	ok(strstr(migplan_error_message(migplan_error_last()), "Code: 395") != NULL,
	   "its own message survives the clean-up query: %s", migplan_error_message(migplan_error_last()));
	st = migplan__chdb_query(eng, "SELECT 42", NULL, &out, &len);
	is_str(out, "42\n", "the next query reads only its own output");
	free(out);
}

int main(void)
{
	char buf[4096], dir[1024];
	const char *path = engine_path(buf, sizeof(buf));
	migplan__chdb *eng = NULL;
	migplan_status st;
	char *out = NULL;

	test_not_found();
	st = migplan__chdb_open(&eng, path, NULL);
	if (st == MIGPLAN_ENOTFOUND || st == MIGPLAN_EUNSUPPORTED) {
		printf("# SKIP the ClickHouse engine is not available: %s\n",
		       migplan_error_message(migplan_error_last()));
		done_testing();
		return 77;
	}
	if (!ok(st == MIGPLAN_OK, "open the engine: %s", migplan__chdb_library(eng)))
		return done_testing();
	snprintf(dir, sizeof(dir), "%s", migplan__chdb_data_dir(eng));
	ok(is_dir(dir), "a fresh data directory %s", dir);
	test_queries(eng);
	migplan__chdb_close(eng);
	ok(!is_dir(dir), "the temporary data directory is removed on close");

	/* one engine at a time, not one per process lifetime: open again, on a kept directory */
	snprintf(dir, sizeof(dir), "%s/migplan-chdb-kept-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (ok(mkdtemp(dir) != NULL, "a directory of our own")) {
		st = migplan__chdb_open(&eng, path, dir);
		is_int(st, MIGPLAN_OK, "open again after close, on a given directory");
		if (st == MIGPLAN_OK) {
			is_str(migplan__chdb_data_dir(eng), dir, "the given directory is used");
			st = migplan__chdb_query(eng, "SELECT count() FROM system.databases WHERE name = 'w'",
			                         NULL, &out, NULL);
			is_str(out, "0\n", "a new context: the first engine's database is not there");
			free(out);
			migplan__chdb_close(eng);
			ok(is_dir(dir), "a given data directory is kept on close");
		}
		/* ours to clean up: the engine wrote into it */
		snprintf(buf, sizeof(buf), "rm -rf '%s'", dir);
		if (system(buf) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
