/* The embedded ClickHouse engine: see chdb.h for the contract. No chDB header ships with the npm
 * package, so the entry points are declared here with the shapes checked against libchdb.so
 * 26.7 (../shared/chdb/NOTES.md). */
#include "chdb.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

struct chdb_conn;
struct chdb_result;

typedef struct chdb_conn **(*connect_fn)(int argc, char **argv);
typedef void (*close_conn_fn)(struct chdb_conn **conn);
typedef struct chdb_result *(*query_n_fn)(struct chdb_conn *conn, const char *sql, size_t sql_len,
                                          const char *format, size_t format_len);
typedef const char *(*result_error_fn)(struct chdb_result *res);
typedef char *(*result_buffer_fn)(struct chdb_result *res);
typedef size_t (*result_length_fn)(struct chdb_result *res);
typedef void (*destroy_result_fn)(struct chdb_result *res);

struct migplan__chdb {
	void *dl;
	struct chdb_conn **conn;
	connect_fn connect;
	close_conn_fn close_conn;
	query_n_fn query_n;
	result_error_fn result_error;
	result_buffer_fn result_buffer;
	result_length_fn result_length;
	destroy_result_fn destroy_result;
	char *library;
	char *data_dir;
	int own_data_dir;
};

/* chDB holds one ClickHouse context per process; this flag is the library's only mutable
 * global and exists because the engine itself is global. */
static atomic_int engine_open;

/* The npm platform package that carries libchdb.so for this machine. */
#if defined(__aarch64__)
#define CHDB_PLATFORM "lib-linux-arm64-gnu"
#else
#define CHDB_PLATFORM "lib-linux-x64-gnu"
#endif
#define CHDB_TAIL "node_modules/@chdb/" CHDB_PLATFORM "/libchdb.so"
#define CHDB_GLOBAL_TAIL "chdb/node_modules/@chdb/" CHDB_PLATFORM "/libchdb.so"
#define TRIED_MAX 4096

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Append "path" to the list of tried paths reported when nothing is found. */
static void note_tried(char *tried, const char *path)
{
	size_t used = strlen(tried);
	if (used + 1 >= TRIED_MAX)
		return;
	snprintf(tried + used, TRIED_MAX - used, "%s%s", used ? ", " : "", path);
}

/* The first candidate that exists, as a malloc'd path; NULL (with the message set) if none. */
static migplan_status find_library(char **out, const char *explicit_path)
{
	static const char *const fixed[] = {
		"./.chdb/" CHDB_TAIL,
		"./" CHDB_TAIL,
		"./" CHDB_GLOBAL_TAIL,
#ifdef MIGPLAN_SOURCE_ROOT
		MIGPLAN_SOURCE_ROOT "/.chdb/" CHDB_TAIL,
#endif
		"/opt/chdb-npm/" CHDB_TAIL,
		"/usr/local/lib/node_modules/" CHDB_GLOBAL_TAIL,
		"/usr/local/lib/" CHDB_TAIL,
		"/usr/lib/node_modules/" CHDB_GLOBAL_TAIL,
		"/usr/lib/" CHDB_TAIL,
	};
	char tried[TRIED_MAX] = "";
	const char *env = getenv("MIGPLAN_CHDB_LIB");
	size_t i;

	*out = NULL;
	if (explicit_path) {
		/* An explicit path is a promise; falling back elsewhere would hide a typo. */
		if (is_file(explicit_path))
			goto found_explicit;
		return migplan__error(MIGPLAN_ENOTFOUND, "libchdb.so not found at %s", explicit_path);
	}
	if (env && *env) {
		if (is_file(env)) {
			explicit_path = env;
			goto found_explicit;
		}
		return migplan__error(MIGPLAN_ENOTFOUND,
		                      "libchdb.so not found at %s (from MIGPLAN_CHDB_LIB)", env);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (is_file(fixed[i])) {
			explicit_path = fixed[i];
			goto found_explicit;
		}
		note_tried(tried, fixed[i]);
	}
	return migplan__error(MIGPLAN_ENOTFOUND,
	                      "libchdb.so not found (install it with `npm install --prefix .chdb chdb` "
	                      "or set MIGPLAN_CHDB_LIB); tried: %s",
	                      tried);
found_explicit:
	*out = strdup(explicit_path);
	return *out ? MIGPLAN_OK : migplan__error_oom();
}

static migplan_status bind_symbols(migplan__chdb *eng)
{
	/* ISO C forbids converting object pointers to function pointers; POSIX guarantees dlsym
	 * results can be, so copy the bytes instead of casting. */
#define BIND(field, name)                                                               \
	do {                                                                            \
		void *sym_ = dlsym(eng->dl, name);                                      \
		if (!sym_)                                                              \
			return migplan__error(MIGPLAN_EUNSUPPORTED,                    \
			                      "%s has no symbol %s: not a chDB library", \
			                      eng->library, name);                     \
		memcpy(&eng->field, &sym_, sizeof(eng->field));                         \
	} while (0)
	BIND(connect, "chdb_connect");
	BIND(close_conn, "chdb_close_conn");
	BIND(query_n, "chdb_query_n");
	BIND(result_error, "chdb_result_error");
	BIND(result_buffer, "chdb_result_buffer");
	BIND(result_length, "chdb_result_length");
	BIND(destroy_result, "chdb_destroy_query_result");
#undef BIND
	return MIGPLAN_OK;
}

static migplan_status make_data_dir(migplan__chdb *eng, const char *data_dir)
{
	const char *tmp = getenv("TMPDIR");
	size_t n;

	if (data_dir) {
		eng->data_dir = strdup(data_dir);
		return eng->data_dir ? MIGPLAN_OK : migplan__error_oom();
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	n = strlen(tmp) + sizeof("/migplan-chdb-XXXXXX");
	eng->data_dir = malloc(n);
	if (!eng->data_dir)
		return migplan__error_oom();
	snprintf(eng->data_dir, n, "%s/migplan-chdb-XXXXXX", tmp);
	if (!mkdtemp(eng->data_dir))
		return migplan__error(MIGPLAN_EIO, "cannot create a temporary directory %s: %s",
		                      eng->data_dir, strerror(errno));
	eng->own_data_dir = 1;
	return MIGPLAN_OK;
}

/* rm -r, without following symbolic links (lstat), so a link in the data directory can never
 * make us delete anything outside it. */
static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((e = readdir(d)) != NULL) {
			size_t n;
			char *child;
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			n = strlen(path) + strlen(e->d_name) + 2;
			child = malloc(n);
			if (!child)
				break;
			snprintf(child, n, "%s/%s", path, e->d_name);
			remove_tree(child);
			free(child);
		}
		closedir(d);
	}
	rmdir(path);
}

static void release(migplan__chdb *eng)
{
	if (eng->conn)
		eng->close_conn(eng->conn);
	if (eng->own_data_dir && eng->data_dir)
		remove_tree(eng->data_dir);
	/* eng->dl is deliberately never dlclose'd (see chdb.h). */
	free(eng->library);
	free(eng->data_dir);
	free(eng);
	atomic_store(&engine_open, 0);
}

static migplan_status connect_engine(migplan__chdb *eng)
{
	size_t n = strlen(eng->data_dir) + sizeof("--path=");
	char *path_arg = malloc(n);
	char prog[] = "clickhouse";
	char *argv[2];

	if (!path_arg)
		return migplan__error_oom();
	snprintf(path_arg, n, "--path=%s", eng->data_dir);
	argv[0] = prog;
	argv[1] = path_arg;
	eng->conn = eng->connect(2, argv);
	free(path_arg);
	if (!eng->conn || !*eng->conn) {
		eng->conn = NULL;
		return migplan__error(MIGPLAN_ERROR, "chDB could not open data directory %s",
		                      eng->data_dir);
	}
	return MIGPLAN_OK;
}

migplan_status migplan__chdb_open(migplan__chdb **out, const char *lib_path, const char *data_dir)
{
	migplan__chdb *eng;
	migplan_status st;
	int expected = 0;

	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan__chdb_open: out is NULL");
	*out = NULL;
	if (!atomic_compare_exchange_strong(&engine_open, &expected, 1))
		return migplan__error(MIGPLAN_EUNSUPPORTED,
		                      "a chDB engine is already open in this process "
		                      "(chDB supports one per process)");
	eng = calloc(1, sizeof(*eng));
	if (!eng) {
		atomic_store(&engine_open, 0);
		return migplan__error_oom();
	}
	st = find_library(&eng->library, lib_path);
	if (st == MIGPLAN_OK) {
		/* RTLD_LOCAL keeps ClickHouse's bundled libc++ and friends out of our namespace. */
		eng->dl = dlopen(eng->library, RTLD_NOW | RTLD_LOCAL);
		if (!eng->dl) {
			const char *why = dlerror();
			st = migplan__error(MIGPLAN_EUNSUPPORTED, "cannot load %s: %s", eng->library,
			                    why ? why : "unknown dlopen error");
		}
	}
	if (st == MIGPLAN_OK)
		st = bind_symbols(eng);
	if (st == MIGPLAN_OK)
		st = make_data_dir(eng, data_dir);
	if (st == MIGPLAN_OK)
		st = connect_engine(eng);
	if (st != MIGPLAN_OK) {
		release(eng);
		return st;
	}
	*out = eng;
	return MIGPLAN_OK;
}

/* Copy the engine's bytes into a NUL-terminated buffer the caller frees with free(). */
static migplan_status copy_output(migplan__chdb *eng, struct chdb_result *res, char **out,
                                  size_t *len)
{
	const char *buf = eng->result_buffer(res);
	size_t n = buf ? eng->result_length(res) : 0;
	char *copy;

	if (len)
		*len = n;
	if (!out)
		return MIGPLAN_OK;
	copy = malloc(n + 1);
	if (!copy)
		return migplan__error_oom();
	if (n)
		memcpy(copy, buf, n);
	copy[n] = '\0';
	*out = copy;
	return MIGPLAN_OK;
}

migplan_status migplan__chdb_query(migplan__chdb *eng, const char *sql, const char *format,
                                   char **out, size_t *len)
{
	struct chdb_result *res;
	const char *err;
	migplan_status st;

	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (!eng || !sql)
		return migplan__error(MIGPLAN_EINVAL, "migplan__chdb_query: NULL engine or SQL");
	if (!format)
		format = "TSV";
	res = eng->query_n(*eng->conn, sql, strlen(sql), format, strlen(format));
	if (!res)
		return migplan__error(MIGPLAN_ERROR, "chDB returned no result");
	err = eng->result_error(res);
	if (!err) {
		st = copy_output(eng, res, out, len);
		eng->destroy_result(res);
		return st;
	}
	/* A failed mutation's message is followed by a blank line and a stack trace of
	 * unresolved addresses; keep the message, drop the trace. */
	const char *trace = strstr(err, "\n\n");
	size_t n = trace ? (size_t)(trace - err) : strlen(err);
	while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
		n--;
	char *msg = strndup(err, n);
	eng->destroy_result(res);
	/* chDB keeps the partial output of a failed query and prepends it to the next query's
	 * output; a throw-away query absorbs it so the next caller reads only its own rows. */
	res = eng->query_n(*eng->conn, "SELECT 1 FORMAT Null", 20, "TSV", 3);
	if (res)
		eng->destroy_result(res);
	st = migplan__error(MIGPLAN_ERROR, "%s", msg ? msg : "chDB query failed");
	free(msg);
	return st;
}

const char *migplan__chdb_library(const migplan__chdb *eng)
{
	return eng ? eng->library : NULL;
}

const char *migplan__chdb_data_dir(const migplan__chdb *eng)
{
	return eng ? eng->data_dir : NULL;
}

void migplan__chdb_close(migplan__chdb *eng)
{
	if (eng)
		release(eng);
}
