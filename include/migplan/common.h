/**
 * @file migplan/common.h
 * @brief Export macros, C++ guards and the status type shared by every header.
 */
#ifndef MIGPLAN_COMMON_H
#define MIGPLAN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define MIGPLAN_BEGIN_DECL extern "C" {
#define MIGPLAN_END_DECL }
#else
#define MIGPLAN_BEGIN_DECL
#define MIGPLAN_END_DECL
#endif

#if defined(MIGPLAN_STATIC)
#define MIGPLAN_API
#elif defined(_WIN32)
#ifdef MIGPLAN_BUILDING
#define MIGPLAN_API __declspec(dllexport)
#else
#define MIGPLAN_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define MIGPLAN_API __attribute__((visibility("default")))
#else
#define MIGPLAN_API
#endif

MIGPLAN_BEGIN_DECL

/**
 * Result of every fallible call. Values are pinned and append-only.
 * @since 0.1
 */
typedef enum migplan_status {
	MIGPLAN_OK = 0,           /**< success */
	MIGPLAN_ERROR = -1,       /**< generic failure */
	MIGPLAN_ENOMEM = -2,      /**< out of memory */
	MIGPLAN_EINVAL = -3,      /**< API misuse: NULL where an object is required, bad argument */
	MIGPLAN_EIO = -4,         /**< a file could not be read or written */
	MIGPLAN_EPARSE = -5,      /**< the input is not well-formed YAML or JSON */
	MIGPLAN_ESCHEMA = -6,     /**< well-formed, but not a valid plan or snapshot */
	MIGPLAN_EUNSUPPORTED = -7,/**< valid, but not supported (a type ClickHouse cannot hold, ...) */
	MIGPLAN_EVERSION = -8,    /**< an options struct carries an unknown version */
	MIGPLAN_ELIMIT = -9,      /**< a limit from the options was exceeded */
	MIGPLAN_ENOTFOUND = -10,  /**< a named object, file or rule does not exist */
	MIGPLAN_ITEROVER = -31    /**< an iterator is exhausted (not an error) */
} migplan_status;

/**
 * Static English text for a status code; never NULL.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_status_str(migplan_status status);

/**
 * Free memory the library handed out through a `char **out` parameter. NULL is ignored.
 * @since 0.1
 */
MIGPLAN_API void migplan_free(void *ptr);

MIGPLAN_END_DECL

#endif
