/**
 * @file migplan/errors.h
 * @brief The per-thread last error: what failed, where (file, line, column) and why.
 *
 * Every call that returns a negative migplan_status records an error on the calling thread.
 * The record stays valid until the next failing call on the same thread or migplan_error_clear().
 * The library never prints.
 */
#ifndef MIGPLAN_ERRORS_H
#define MIGPLAN_ERRORS_H

#include "common.h"

MIGPLAN_BEGIN_DECL

/** Opaque error record. */
typedef struct migplan_error migplan_error;

/**
 * The last error recorded on this thread. Never NULL: with no error, the record has
 * code MIGPLAN_OK and an empty message.
 * Ownership: borrowed, owned by the thread; valid until the next failing call on this thread.
 * @since 0.1
 */
MIGPLAN_API const migplan_error *migplan_error_last(void);
/** Reset this thread's error record to MIGPLAN_OK. @since 0.1 */
MIGPLAN_API void migplan_error_clear(void);

/** The status of the failed call. @since 0.1 */
MIGPLAN_API migplan_status migplan_error_code(const migplan_error *err);
/** The message, never NULL ("" when there is none). Borrowed. @since 0.1 */
MIGPLAN_API const char *migplan_error_message(const migplan_error *err);
/** The file the error is in, or NULL when it is not about a file. Borrowed. @since 0.1 */
MIGPLAN_API const char *migplan_error_path(const migplan_error *err);
/** 1-based line, 0 when unknown. @since 0.1 */
MIGPLAN_API uint32_t migplan_error_line(const migplan_error *err);
/** 1-based column in characters (Unicode code points), 0 when unknown. @since 0.1 */
MIGPLAN_API uint32_t migplan_error_column(const migplan_error *err);
/** 0-based byte offset in the file; meaningful only when the line is not 0. @since 0.1 */
MIGPLAN_API size_t migplan_error_offset(const migplan_error *err);

MIGPLAN_END_DECL

#endif
