/* Growable string for building SQL and messages. Out-of-memory is sticky: after the first
 * failure every append is a no-op and migplan__sb_finish() reports ENOMEM, so callers check once. */
#ifndef MIGPLAN_STRBUF_H
#define MIGPLAN_STRBUF_H

#include <stddef.h>

#include "error.h"

typedef struct migplan__sb {
	char *ptr;
	size_t len;
	size_t cap;
	int failed;
} migplan__sb;

#define MIGPLAN__SB_INIT { NULL, 0, 0, 0 }

void migplan__sb_append(migplan__sb *sb, const char *s, size_t len);
void migplan__sb_puts(migplan__sb *sb, const char *s);
void migplan__sb_putc(migplan__sb *sb, char c);
void migplan__sb_printf(migplan__sb *sb, const char *fmt, ...) MIGPLAN__PRINTF(2, 3);
/* `name` with backticks, a backtick or backslash inside escaped by a backslash (ClickHouse rules). */
void migplan__sb_ident(migplan__sb *sb, const char *name);
/* `db`.`name`; db may be NULL (then only `name`). */
void migplan__sb_qualified(migplan__sb *sb, const char *db, const char *name);
/* 'text' with quote, backslash and control characters escaped. */
void migplan__sb_literal(migplan__sb *sb, const char *text);
/* A Moose setting value (always a string in the plan): digits and dots go out bare, as a
 * number, anything else as a literal. */
void migplan__sb_setting_value(migplan__sb *sb, const char *value);
/* Names Moose writes bare (engines, setting names, index types, ORDER BY columns): a plain word
 * ([A-Za-z_][A-Za-z0-9_]*) stays bare, as production gets it; anything else is quoted, so that
 * a hostile value is one unknown name that ClickHouse refuses, never more SQL. */
void migplan__sb_bare_name(migplan__sb *sb, const char *name);
/* 1 when @p s is such a plain word. */
int migplan__sql_is_word(const char *s);
/* Hands the string over (NUL-terminated, malloc'd) or fails with ENOMEM; the buffer is reset. */
migplan_status migplan__sb_finish(migplan__sb *sb, char **out);
void migplan__sb_reset(migplan__sb *sb);

#endif
