/* Bump allocator: one per document, freed at once. Keeps the many small nodes of a large
 * snapshot cheap to allocate and impossible to leak one by one. */
#ifndef MIGPLAN_ARENA_H
#define MIGPLAN_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

typedef struct migplan__arena_chunk migplan__arena_chunk;

typedef struct migplan__arena {
	migplan__arena_chunk *head;
	size_t used_total; /* bytes handed out, for limits and benchmarks */
} migplan__arena;

void migplan__arena_init(migplan__arena *a);
/* An arena whose first chunk holds @p first bytes (later ones double from there), for the
 * many small arenas that would each take a 64 KiB chunk otherwise. */
void migplan__arena_init_sized(migplan__arena *a, size_t first);
void migplan__arena_release(migplan__arena *a);
/* NULL on out-of-memory; memory is 16-byte aligned and not zeroed. */
void *migplan__arena_alloc(migplan__arena *a, size_t size);
/* The same with a smaller alignment (a power of two up to 16): document nodes need 8 and
 * strings 1, and the padding to 16 would cost a large document a fifth of its tree. */
void *migplan__arena_alloc_aligned(migplan__arena *a, size_t size, size_t align);
void *migplan__arena_zalloc(migplan__arena *a, size_t size);
/* Copy of len bytes plus a terminating NUL (not aligned). */
char *migplan__arena_strndup(migplan__arena *a, const char *s, size_t len);
char *migplan__arena_strdup(migplan__arena *a, const char *s);
/* printf into the arena: NULL on out-of-memory, "" when vsnprintf refuses the format. */
const char *migplan__arena_vprintf(migplan__arena *a, const char *fmt, va_list ap)
	MIGPLAN__PRINTF(2, 0);

#endif
