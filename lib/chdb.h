/* The embedded ClickHouse engine (chDB's libchdb.so), loaded at run time with dlopen.
 *
 * Used by the conversion suite (tests/chdb) and by plan rehearsals: it runs real ClickHouse
 * statements against a private data directory, without a server.
 *
 * One engine per process. chDB keeps one ClickHouse context per process and supports a single
 * data directory for the life of the process, so migplan__chdb_open() refuses a second engine
 * while one is open (EUNSUPPORTED). Isolate work with one database per task inside the one
 * engine (`CREATE DATABASE x ENGINE = Atomic`, then qualify every table name: the connection's
 * default database resolves unqualified names as files). For several data directories, use
 * several processes.
 *
 * The shared object is never unloaded: ClickHouse starts background threads and registers
 * static destructors that must not run while those threads are alive. After
 * migplan__chdb_close(), a new open in the same process works (checked with chDB 26.7: it
 * starts a fresh context on the new data directory) and reuses the loaded image. */
#ifndef MIGPLAN_CHDB_PRIVATE_H
#define MIGPLAN_CHDB_PRIVATE_H

#include <stddef.h>

#include "migplan/common.h"

typedef struct migplan__chdb migplan__chdb;

/* Load libchdb.so and connect to a data directory.
 * lib_path: the shared object; NULL searches, in order: $MIGPLAN_CHDB_LIB, ./.chdb/...,
 *   ./node_modules/..., <source root>/.chdb/... (when built with MIGPLAN_SOURCE_ROOT),
 *   /opt/chdb-npm/..., then the global npm roots /usr/local/lib/node_modules and
 *   /usr/lib/node_modules (as `npm install -g chdb` lays them out).
 * data_dir: an existing directory to keep (not removed on close); NULL makes a fresh one under
 *   $TMPDIR (or /tmp) that migplan__chdb_close() removes.
 * Fails with ENOTFOUND (no library; the message lists every path tried), EUNSUPPORTED (the
 * library lacks the chdb_* entry points, or an engine is already open in this process), EIO
 * (no temporary directory), ERROR (ClickHouse refused to start), ENOMEM. */
migplan_status migplan__chdb_open(migplan__chdb **out, const char *lib_path, const char *data_dir);

/* Run one statement. format: a ClickHouse output format ("TSV", "JSONEachRow", ...); NULL
 * means "TSV". On success *out is the output, NUL-terminated (the engine's bytes may hold
 * NULs; *len counts them all), owned by the caller and freed with free(); DDL gives "".
 * out and len may be NULL to discard the output. On failure returns MIGPLAN_ERROR with
 * ClickHouse's own message (`Code: 62. DB::Exception: ...`) in the thread error, and *out is
 * NULL. */
migplan_status migplan__chdb_query(migplan__chdb *eng, const char *sql, const char *format,
                                   char **out, size_t *len);

/* The shared object in use (borrowed). */
const char *migplan__chdb_library(const migplan__chdb *eng);
/* The data directory in use (borrowed). */
const char *migplan__chdb_data_dir(const migplan__chdb *eng);

/* Disconnect, and remove the data directory when migplan__chdb_open() made it. NULL is
 * ignored. */
void migplan__chdb_close(migplan__chdb *eng);

#endif
