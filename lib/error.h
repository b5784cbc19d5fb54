/* Setting the per-thread error (see include/migplan/errors.h). */
#ifndef MIGPLAN_ERROR_PRIVATE_H
#define MIGPLAN_ERROR_PRIVATE_H

#include <stdarg.h>

#include "migplan/errors.h"
#include "migplan/node.h"

#if defined(__GNUC__)
#define MIGPLAN__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MIGPLAN__PRINTF(a, b)
#endif

/* Each returns code, so callers can write `return migplan__error(...)`. */
migplan_status migplan__error(migplan_status code, const char *fmt, ...) MIGPLAN__PRINTF(2, 3);
migplan_status migplan__error_at(migplan_status code, const char *path, uint32_t line,
                                 uint32_t column, size_t offset, const char *fmt, ...)
	MIGPLAN__PRINTF(6, 7);
/* Position taken from the node (NULL node: no position). */
migplan_status migplan__error_node(migplan_status code, const migplan_node *node,
                                   const char *fmt, ...) MIGPLAN__PRINTF(3, 4);
migplan_status migplan__error_oom(void);

#endif
