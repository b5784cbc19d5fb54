/* The conversion suite's catalogue: which (from, to) ClickHouse type pairs and which column
 * property changes are run on the engine, and the boundary values each old type is filled
 * with. */
#ifndef MIGPLAN_TESTS_CATALOG_H
#define MIGPLAN_TESTS_CATALOG_H

#include <stddef.h>

typedef struct type_pair {
	const char *from;
	const char *to;
} type_pair;

/* A change of DEFAULT / MATERIALIZED / ALIAS / CODEC / TTL / COMMENT on an Int32 column `v`
 * of a table that also has `x Int32` and `d DateTime` (d is 30 days in the past). */
typedef struct property_case {
	const char *name;
	const char *before;       /* column definition after the type: "DEFAULT 1", "" */
	const char *after;        /* the new definition, or a REMOVE clause: "REMOVE TTL" */
	const char *moose_before; /* the same column as Moose YAML (flow mapping) */
	const char *moose_after;
	const char *conservative; /* non-NULL: the judge is stricter than the engine on purpose */
} property_case;

/* Every pair, in a stable order (the integer matrix first). Borrowed, static. */
size_t catalog_pairs(const type_pair **out);
extern const property_case catalog_properties[];
extern const size_t catalog_property_count;

/* A growable list of strings, each a SQL expression of one type. */
typedef struct value_list {
	char **items;
	size_t count;
	size_t cap;
} value_list;

/* Boundary values of @p type as SQL expressions whose result has exactly that type (NULL among
 * them when the type is Nullable). Returns 0 and an empty list for a type it has no values
 * for. */
int catalog_values(value_list *out, const char *type);
void value_list_free(value_list *l);

/* malloc'd printf. Aborts on out-of-memory: this is a test program. */
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
