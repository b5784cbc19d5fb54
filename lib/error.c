#include "error.h"

#include <stdio.h>
#include <string.h>

#include "migplan/common.h"

#define MESSAGE_MAX 1024
#define PATH_MAX_LEN 1024

/* The record is a fixed buffer so that reporting an out-of-memory error never allocates. */
struct migplan_error {
	migplan_status code;
	uint32_t line;
	uint32_t column;
	size_t offset;
	int has_path;
	char path[PATH_MAX_LEN];
	char message[MESSAGE_MAX];
};

static _Thread_local struct migplan_error last_error;

const migplan_error *migplan_error_last(void)
{
	return &last_error;
}

void migplan_error_clear(void)
{
	memset(&last_error, 0, sizeof(last_error));
}

migplan_status migplan_error_code(const migplan_error *err)
{
	return err ? err->code : MIGPLAN_OK;
}

const char *migplan_error_message(const migplan_error *err)
{
	return err ? err->message : "";
}

const char *migplan_error_path(const migplan_error *err)
{
	return err && err->has_path ? err->path : NULL;
}

uint32_t migplan_error_line(const migplan_error *err)
{
	return err ? err->line : 0;
}

uint32_t migplan_error_column(const migplan_error *err)
{
	return err ? err->column : 0;
}

size_t migplan_error_offset(const migplan_error *err)
{
	return err ? err->offset : 0;
}

static void set_position(const char *path, uint32_t line, uint32_t column, size_t offset)
{
	last_error.has_path = path != NULL;
	if (path)
		snprintf(last_error.path, sizeof(last_error.path), "%s", path);
	else
		last_error.path[0] = '\0';
	last_error.line = line;
	last_error.column = column;
	last_error.offset = offset;
}

static migplan_status set_message(migplan_status code, const char *fmt, va_list ap)
{
	last_error.code = code;
	vsnprintf(last_error.message, sizeof(last_error.message), fmt, ap);
	return code;
}

migplan_status migplan__error(migplan_status code, const char *fmt, ...)
{
	va_list ap;
	set_position(NULL, 0, 0, 0);
	va_start(ap, fmt);
	set_message(code, fmt, ap);
	va_end(ap);
	return code;
}

migplan_status migplan__error_at(migplan_status code, const char *path, uint32_t line,
                                 uint32_t column, size_t offset, const char *fmt, ...)
{
	va_list ap;
	set_position(path, line, column, offset);
	va_start(ap, fmt);
	set_message(code, fmt, ap);
	va_end(ap);
	return code;
}

migplan_status migplan__error_node(migplan_status code, const migplan_node *node,
                                   const char *fmt, ...)
{
	va_list ap;
	set_position(migplan_node_path(node), migplan_node_line(node), migplan_node_column(node),
	             migplan_node_offset(node));
	va_start(ap, fmt);
	set_message(code, fmt, ap);
	va_end(ap);
	return code;
}

migplan_status migplan__error_oom(void)
{
	return migplan__error(MIGPLAN_ENOMEM, "out of memory");
}

const char *migplan_status_str(migplan_status status)
{
	switch (status) {
	case MIGPLAN_OK: return "success";
	case MIGPLAN_ERROR: return "error";
	case MIGPLAN_ENOMEM: return "out of memory";
	case MIGPLAN_EINVAL: return "invalid argument";
	case MIGPLAN_EIO: return "input/output error";
	case MIGPLAN_EPARSE: return "syntax error";
	case MIGPLAN_ESCHEMA: return "invalid plan or snapshot";
	case MIGPLAN_EUNSUPPORTED: return "not supported";
	case MIGPLAN_EVERSION: return "unknown options version";
	case MIGPLAN_ELIMIT: return "limit exceeded";
	case MIGPLAN_ENOTFOUND: return "not found";
	case MIGPLAN_ITEROVER: return "iteration over";
	}
	return "unknown status";
}
