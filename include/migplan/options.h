/**
 * @file migplan/options.h
 * @brief Versioned options for loading plans, with limits for untrusted input.
 */
#ifndef MIGPLAN_OPTIONS_H
#define MIGPLAN_OPTIONS_H

#include "common.h"

MIGPLAN_BEGIN_DECL

#define MIGPLAN_PARSE_OPTIONS_VERSION 1

/** Defaults used when a limit field is 0. */
#define MIGPLAN_DEFAULT_MAX_BYTES ((uint64_t)256 * 1024 * 1024)
#define MIGPLAN_DEFAULT_MAX_DEPTH 256u
#define MIGPLAN_DEFAULT_MAX_ALIASES 1024u
#define MIGPLAN_DEFAULT_MAX_OPS 1000000u
#define MIGPLAN_DEFAULT_MAX_STRING ((uint64_t)16 * 1024 * 1024)
#define MIGPLAN_DEFAULT_MAX_NODES 50000000u

/**
 * Options for every load call. Initialise with MIGPLAN_PARSE_OPTIONS_INIT or
 * migplan_parse_options_init(); fields are append-only and 0 always means the default.
 * @since 0.1
 */
typedef struct migplan_parse_options {
	unsigned int version;   /**< MIGPLAN_PARSE_OPTIONS_VERSION */
	uint64_t max_bytes;     /**< largest file or buffer accepted, per input */
	uint32_t max_depth;     /**< deepest nesting of sequences and mappings */
	uint32_t max_aliases;   /**< YAML aliases (`*name`) per document */
	uint32_t max_ops;       /**< operations per plan */
	uint64_t max_string;    /**< longest scalar, in bytes */
	uint64_t max_nodes;     /**< nodes per document, counting every alias expansion */
} migplan_parse_options;

#define MIGPLAN_PARSE_OPTIONS_INIT { MIGPLAN_PARSE_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0 }

/**
 * Initialise @p opts with defaults for structure version @p version.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL), MIGPLAN_EVERSION (unknown version).
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_parse_options_init(migplan_parse_options *opts, unsigned int version);

MIGPLAN_END_DECL

#endif
