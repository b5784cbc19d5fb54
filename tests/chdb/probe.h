/* Run one type change or one column property change on the engine and record what it did. */
#ifndef MIGPLAN_TESTS_PROBE_H
#define MIGPLAN_TESTS_PROBE_H

#include <stddef.h>

#include "catalog.h"
#include "chdb.h"

/* Outcome of one step. */
enum {
	STEP_NA = -2,              /* not applicable (the key table could not be created) */
	STEP_MUTATION_FAILED = -1, /* ALTER accepted, then its mutation failed on the data */
	STEP_REFUSED = 0,          /* refused before touching data */
	STEP_OK = 1
};

typedef struct observation {
	int from_ok;            /* the old type's table was created and filled */
	size_t rows;            /* rows of boundary values */
	size_t values_skipped;  /* catalogue values the old type refused */
	int alter;              /* STEP_*: ALTER TABLE ... MODIFY COLUMN */
	int mutation;           /* 1 when the ALTER ran (or tried) a mutation, 0 metadata only */
	int cast;               /* STEP_OK or STEP_REFUSED: INSERT ... SELECT CAST(v AS To) */
	int key_order;          /* STEP_OK, STEP_REFUSED or STEP_NA: v in ORDER BY (v, id) */
	int key_partition;      /* the same with PARTITION BY v */
	size_t read_changed;    /* rows whose toString differs after ALTER or CAST */
	size_t lost;            /* rows that do not come back when cast to the old type */
	int order_changed;      /* ORDER BY v gives another row order */
	int eq_changed;         /* `v = 'old text'` or `v = CAST('old text' AS From)` matches other rows */
	size_t restore_failed;  /* new values whose text does not parse back into the new type */
	int header_changed;     /* properties: SELECT * shows other columns */
	int safe;               /* every check passed through ALTER and through CAST */
	char from_engine[256];  /* the types as system.columns spells them ("" if unknown) */
	char to_engine[256];
	char example[512];      /* the first value lost or altered */
	char error[512];        /* the first refusal */
	char key_error[512];    /* why a key column refused it */
} observation;

/* Probe @p from -> @p to in database `p<index>` (created and dropped here). Returns 0, or -1
 * when the engine failed in a way that is not about the pair (the message is in o->error). */
int probe_pair(migplan__chdb *eng, size_t index, const char *from, const char *to, observation *o);

/* Probe one property change in database `q<index>`. */
int probe_property(migplan__chdb *eng, size_t index, const property_case *pc, observation *o);

#endif
