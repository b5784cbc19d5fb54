#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(migplan__sb *sb, size_t extra)
{
	if (sb->failed)
		return 0;
	if (extra > (size_t)-1 - sb->len - 1) {
		sb->failed = 1;
		return 0;
	}
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 1;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	char *p = realloc(sb->ptr, cap);
	if (!p) {
		sb->failed = 1;
		return 0;
	}
	sb->ptr = p;
	sb->cap = cap;
	return 1;
}

void migplan__sb_append(migplan__sb *sb, const char *s, size_t len)
{
	if (!reserve(sb, len))
		return;
	if (len)
		memcpy(sb->ptr + sb->len, s, len);
	sb->len += len;
	sb->ptr[sb->len] = '\0';
}

void migplan__sb_puts(migplan__sb *sb, const char *s)
{
	migplan__sb_append(sb, s, strlen(s));
}

void migplan__sb_putc(migplan__sb *sb, char c)
{
	migplan__sb_append(sb, &c, 1);
}

void migplan__sb_printf(migplan__sb *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->ptr + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

static void put_escaped(migplan__sb *sb, const char *s, char quote)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == (unsigned char)quote || c == '\\') {
			migplan__sb_putc(sb, '\\');
			migplan__sb_putc(sb, (char)c);
		} else if (c == '\n') {
			migplan__sb_puts(sb, "\\n");
		} else if (c == '\r') {
			migplan__sb_puts(sb, "\\r");
		} else if (c == '\t') {
			migplan__sb_puts(sb, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			migplan__sb_printf(sb, "\\x%02X", c);
		} else {
			migplan__sb_putc(sb, (char)c);
		}
	}
}

void migplan__sb_ident(migplan__sb *sb, const char *name)
{
	migplan__sb_putc(sb, '`');
	put_escaped(sb, name ? name : "", '`');
	migplan__sb_putc(sb, '`');
}

void migplan__sb_qualified(migplan__sb *sb, const char *db, const char *name)
{
	if (db) {
		migplan__sb_ident(sb, db);
		migplan__sb_putc(sb, '.');
	}
	migplan__sb_ident(sb, name);
}

void migplan__sb_literal(migplan__sb *sb, const char *text)
{
	migplan__sb_putc(sb, '\'');
	put_escaped(sb, text ? text : "", '\'');
	migplan__sb_putc(sb, '\'');
}

static int is_number(const char *s)
{
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++)
		if ((*p < '0' || *p > '9') && *p != '.')
			return 0;
	return 1;
}

void migplan__sb_setting_value(migplan__sb *sb, const char *value)
{
	if (is_number(value))
		migplan__sb_puts(sb, value);
	else
		migplan__sb_literal(sb, value);
}

migplan_status migplan__sb_finish(migplan__sb *sb, char **out)
{
	if (sb->failed || !reserve(sb, 0)) {
		migplan__sb_reset(sb);
		*out = NULL;
		return migplan__error_oom();
	}
	*out = sb->ptr;
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	return MIGPLAN_OK;
}

void migplan__sb_reset(migplan__sb *sb)
{
	free(sb->ptr);
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	sb->failed = 0;
}

int migplan__sql_is_word(const char *s)
{
	if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

void migplan__sb_bare_name(migplan__sb *sb, const char *name)
{
	if (migplan__sql_is_word(name))
		migplan__sb_puts(sb, name);
	else
		migplan__sb_ident(sb, name);
}
