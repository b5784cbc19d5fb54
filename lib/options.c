#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "migplan/version.h"

migplan_status migplan_parse_options_init(migplan_parse_options *opts, unsigned int version)
{
	if (!opts)
		return migplan__error(MIGPLAN_EINVAL, "migplan_parse_options_init: opts is NULL");
	if (version == 0 || version > MIGPLAN_PARSE_OPTIONS_VERSION)
		return migplan__error(MIGPLAN_EVERSION, "invalid version %u on migplan_parse_options",
		                      version);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return MIGPLAN_OK;
}

migplan_status migplan__limits_from(migplan__limits *out, const migplan_parse_options *opts)
{
	static const migplan_parse_options defaults = MIGPLAN_PARSE_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version == 0 || opts->version > MIGPLAN_PARSE_OPTIONS_VERSION)
		return migplan__error(MIGPLAN_EVERSION, "invalid version %u on migplan_parse_options",
		                      opts->version);
	out->max_bytes = opts->max_bytes ? opts->max_bytes : MIGPLAN_DEFAULT_MAX_BYTES;
	/* offsets are stored in 32 bits */
	if (out->max_bytes > UINT32_MAX)
		out->max_bytes = UINT32_MAX;
	out->max_depth = opts->max_depth ? opts->max_depth : MIGPLAN_DEFAULT_MAX_DEPTH;
	out->max_aliases = opts->max_aliases ? opts->max_aliases : MIGPLAN_DEFAULT_MAX_ALIASES;
	out->max_ops = opts->max_ops ? opts->max_ops : MIGPLAN_DEFAULT_MAX_OPS;
	out->max_string = opts->max_string ? opts->max_string : MIGPLAN_DEFAULT_MAX_STRING;
	out->max_nodes = opts->max_nodes ? opts->max_nodes : MIGPLAN_DEFAULT_MAX_NODES;
	return MIGPLAN_OK;
}

unsigned int migplan_version_number(void)
{
	return MIGPLAN_VERSION_NUMBER;
}

const char *migplan_version_string(void)
{
	return MIGPLAN_VERSION_STRING;
}

void migplan_free(void *ptr)
{
	free(ptr);
}
