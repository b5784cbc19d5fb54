/* Helpers shared by the fuzz targets: small limits, invariant checks and walks over every
 * accessor of plans, snapshots, tables and type trees.
 *
 * A check that fails calls fuzz_fail(), which prints what broke and aborts: libFuzzer (or the
 * standalone replay) then reports the input as a crasher. Every walk reads every string it is
 * given in full, so AddressSanitizer sees a dangling or unterminated one. */
#ifndef MIGPLAN_FUZZ_COMMON_H
#define MIGPLAN_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <migplan.h>

/* Prints the message (and the thread's last error) and aborts. */
void fuzz_fail(const char *file, int line, const char *what);

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

/* Limits small enough that no input can make one run slow or big: the fuzzer looks for
 * crashes, and the limits themselves have their own tests (tests/limits). */
void fuzz_options(migplan_parse_options *o);

/* A failed call must leave a matching, well-formed error behind. */
void fuzz_check_error(migplan_status st);

/* Positions of a document: every node's line and column must be those of its byte offset in
 * `buf` (code points; line breaks CRLF, CR, LF and, in YAML, NEL, LS, PS; a leading BOM is
 * not a column). Built once per input, then queried per node. */
typedef struct fuzz_lines fuzz_lines;
fuzz_lines *fuzz_lines_new(const uint8_t *buf, size_t len, int yaml);
void fuzz_lines_free(fuzz_lines *l);
/* Checks one position; line 0 means "unknown" and is accepted. */
void fuzz_check_position(const fuzz_lines *l, uint32_t line, uint32_t column, size_t offset);
/* The position of the thread's last error, when it has one in this document. */
void fuzz_check_error_position(const fuzz_lines *l, const char *path);

/* Walks a node tree: every accessor, every position (l may be NULL), returns the node count.
 * Aliases share nodes, so the walk is bounded by the options' max_nodes, not by the input. */
size_t fuzz_walk_node(const migplan_node *n, const fuzz_lines *l, unsigned depth);

/* Two reads of one document whose second copy has CRLF for every LF: same kinds, texts,
 * lines and columns; each offset grown by the line breaks before it (line - 1). */
void fuzz_check_same_tree_crlf(const migplan_node *lf, const migplan_node *crlf, unsigned depth);

/* Every accessor of a type tree; renders it, reparses the rendering and compares. */
void fuzz_walk_chtype(const migplan_chtype *t, unsigned depth);
void fuzz_walk_table(const migplan_table *t);
void fuzz_walk_column(const migplan_column *c);
void fuzz_walk_view(const migplan_view *v);
void fuzz_walk_op(const migplan_op *op);
void fuzz_walk_snapshot(const migplan_snapshot *s);

/* Reads a string to its end (ASan sees a missing terminator); NULL is fine. */
size_t fuzz_touch(const char *s);

#endif
