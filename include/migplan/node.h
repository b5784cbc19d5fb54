/**
 * @file migplan/node.h
 * @brief The document tree every input is read into: YAML and JSON values with their positions.
 *
 * Every element the library exposes (operation, table, column, view, finding location) leads back
 * to a node, so every field of every input can be reached with its file, line and column.
 * Nodes are immutable and owned by the plan (or snapshot, or schema) they came from; a node's
 * address is stable for the life of its owner. A YAML alias reads as a copy of the node it
 * refers to: same kind, text, children and position, at an address of its own.
 */
#ifndef MIGPLAN_NODE_H
#define MIGPLAN_NODE_H

#include "common.h"

MIGPLAN_BEGIN_DECL

/** Opaque document node. */
typedef struct migplan_node migplan_node;

/** What a node holds, after YAML 1.2 core-schema resolution of plain scalars. @since 0.1 */
typedef enum migplan_node_kind {
	MIGPLAN_NODE_NULL = 0,
	MIGPLAN_NODE_BOOL = 1,
	MIGPLAN_NODE_INT = 2,
	MIGPLAN_NODE_FLOAT = 3,
	MIGPLAN_NODE_STRING = 4,
	MIGPLAN_NODE_SEQ = 5,
	MIGPLAN_NODE_MAP = 6
} migplan_node_kind;

/** Node kind; MIGPLAN_NODE_NULL for a NULL node. @since 0.1 */
MIGPLAN_API migplan_node_kind migplan_node_kind_of(const migplan_node *node);
/** "null", "boolean", "integer", "number", "string", "sequence", "mapping". @since 0.1 */
MIGPLAN_API const char *migplan_node_kind_name(migplan_node_kind kind);
/** Path of the file the node was read from (or the name given to a buffer); borrowed. @since 0.1 */
MIGPLAN_API const char *migplan_node_path(const migplan_node *node);
/** 1-based line of the node's first character, 0 for NULL. @since 0.1 */
MIGPLAN_API uint32_t migplan_node_line(const migplan_node *node);
/** 1-based column (Unicode code points), 0 for NULL. @since 0.1 */
MIGPLAN_API uint32_t migplan_node_column(const migplan_node *node);
/** 0-based byte offset of the node's first character. @since 0.1 */
MIGPLAN_API size_t migplan_node_offset(const migplan_node *node);

/**
 * The text of a scalar (string, number, boolean, null as spelled in the input), NUL-terminated,
 * or NULL for collections. Strings may hold NUL bytes: use @p len_out for the real length.
 * Ownership: borrowed from the owning document.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_node_text(const migplan_node *node, size_t *len_out);
/** The value of an integer node in @p out. @return MIGPLAN_OK, MIGPLAN_EINVAL (not an integer or out of int64 range). @since 0.1 */
MIGPLAN_API migplan_status migplan_node_int(const migplan_node *node, int64_t *out);
/** The value of a boolean node (1/0); 0 for anything else. @since 0.1 */
MIGPLAN_API int migplan_node_bool(const migplan_node *node);

/** Items of a sequence or pairs of a mapping; 0 for scalars. @since 0.1 */
MIGPLAN_API size_t migplan_node_count(const migplan_node *node);
/** Item @p i of a sequence, or value @p i of a mapping; NULL when out of range. Borrowed. @since 0.1 */
MIGPLAN_API const migplan_node *migplan_node_at(const migplan_node *node, size_t i);
/** Key @p i of a mapping (a string node); NULL when out of range. Borrowed. @since 0.1 */
MIGPLAN_API const migplan_node *migplan_node_key_at(const migplan_node *node, size_t i);
/** The value under @p key in a mapping, or NULL. Borrowed. @since 0.1 */
MIGPLAN_API const migplan_node *migplan_node_get(const migplan_node *node, const char *key);

MIGPLAN_END_DECL

#endif
