/* Internal entry points of the ClickHouse type model (lib/chtype.c, lib/moose_type.c). */
#ifndef MIGPLAN_CHTYPE_PRIVATE_H
#define MIGPLAN_CHTYPE_PRIVATE_H

#include "migplan/chtype.h"
#include "migplan/node.h"

/* How to order the Nullable and LowCardinality wrappers of an optional LowCardinality column. */
typedef enum migplan__moose_render {
	MIGPLAN__RENDER_CORRECT = 0, /* LowCardinality(Nullable(T)): what ClickHouse accepts */
	MIGPLAN__RENDER_AS_MOOSE = 1 /* Nullable(LowCardinality(T)): what Moose's DDL sends */
} migplan__moose_render;

/* The ClickHouse type of a Moose column (FORMAT.md section 3).
 * data_type: the Moose ColumnType node; nullable: required == false; annotations: the
 * annotations node (LowCardinality, aggregationFunction, simpleAggregationFunction), may be NULL.
 * Fails with ESCHEMA at the offending node for a malformed or unknown Moose type, and with
 * EUNSUPPORTED for types Moose cannot map (BigInt, Bytes). */
migplan_status migplan__chtype_from_moose(migplan_chtype **out, const migplan_node *data_type,
                                          int nullable, const migplan_node *annotations,
                                          migplan__moose_render order);

#endif
