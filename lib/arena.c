#include "arena.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MIN_CHUNK ((size_t)64 * 1024)
#define ARENA_ALIGN ((size_t)16)

struct migplan__arena_chunk {
	migplan__arena_chunk *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

void migplan__arena_init(migplan__arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

void migplan__arena_init_sized(migplan__arena *a, size_t first)
{
	migplan__arena_init(a);
	first = (first + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (first >= ARENA_MIN_CHUNK || first > SIZE_MAX - sizeof(migplan__arena_chunk))
		return;
	migplan__arena_chunk *c = malloc(sizeof(*c) + first);
	if (!c)
		return; /* the first allocation tries again with the default size */
	c->next = NULL;
	c->size = first;
	c->used = 0;
	a->head = c;
}

void migplan__arena_release(migplan__arena *a)
{
	migplan__arena_chunk *c = a->head;
	while (c) {
		migplan__arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *migplan__arena_alloc_aligned(migplan__arena *a, size_t size, size_t align)
{
	migplan__arena_chunk *c = a->head;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || at > c->size || c->size - at < size) {
		/* Chunks double with the arena so a large document needs few of them. */
		size_t cap = c ? c->size * 2 : ARENA_MIN_CHUNK;
		if (cap > 16 * 1024 * 1024)
			cap = 16 * 1024 * 1024;
		if (cap < size)
			cap = size;
		if (cap > SIZE_MAX - sizeof(*c))
			return NULL;
		migplan__arena_chunk *n = malloc(sizeof(*n) + cap);
		if (!n)
			return NULL;
		n->size = cap;
		n->used = 0;
		/* An oversized block goes behind the current chunk so the current one stays in use. */
		if (c && size > ARENA_MIN_CHUNK && c->size - c->used > ARENA_MIN_CHUNK / 4) {
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			a->head = n;
		}
		c = n;
		at = 0;
	}
	c->used = at + size;
	a->used_total += size;
	return c->data + at;
}

void *migplan__arena_alloc(migplan__arena *a, size_t size)
{
	return migplan__arena_alloc_aligned(a, size, ARENA_ALIGN);
}

void *migplan__arena_zalloc(migplan__arena *a, size_t size)
{
	void *p = migplan__arena_alloc(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

char *migplan__arena_strndup(migplan__arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *p = migplan__arena_alloc_aligned(a, len + 1, 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *migplan__arena_strdup(migplan__arena *a, const char *s)
{
	return migplan__arena_strndup(a, s, strlen(s));
}

/* 1 when @p fmt converts nothing but %s (and %%): most messages, which are then joined here
 * at a fraction of vsnprintf's cost (about a thousand instructions a call). */
static int only_strings(const char *fmt)
{
	for (const char *p = strchr(fmt, '%'); p; p = strchr(p + 2, '%'))
		if (p[1] != 's' && p[1] != '%')
			return 0;
	return 1;
}

/* vsnprintf for a format that only_strings() accepts, with the same output (NULL is
 * "(null)", as glibc prints it). */
static int join_strings(char *out, size_t room, const char *fmt, va_list ap)
{
	size_t n = 0;
	while (*fmt) {
		const char *s = fmt;
		size_t len;
		if (*fmt != '%') {
			const char *pct = strchr(fmt, '%');
			len = pct ? (size_t)(pct - fmt) : strlen(fmt);
			fmt += len;
		} else if (fmt[1] == '%') {
			len = 1;
			fmt += 2;
		} else {
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			len = strlen(s);
			fmt += 2;
		}
		if (n < room)
			memcpy(out + n, s, len < room - n ? len : room - n);
		n += len;
	}
	if (room)
		out[n < room ? n : room - 1] = '\0';
	return n > INT_MAX ? -1 : (int)n;
}

static int format(char *out, size_t room, int strings, const char *fmt, va_list ap)
	MIGPLAN__PRINTF(4, 0);

static int format(char *out, size_t room, int strings, const char *fmt, va_list ap)
{
	return strings ? join_strings(out, room, fmt, ap) : vsnprintf(out, room, fmt, ap);
}

const char *migplan__arena_vprintf(migplan__arena *a, const char *fmt, va_list ap)
{
	/* Print straight into the free end of the current chunk and keep the bytes when they
	 * fit; only a message that does not fit is printed a second time, into room made for it.
	 * (Sizing every message with a first vsnprintf doubled the cost of the classification's
	 * and the analysis's messages, one or more per operation.) */
	migplan__arena_chunk *c = a->head;
	size_t room = c ? c->size - c->used : 0;
	int strings = only_strings(fmt);
	va_list copy;
	va_copy(copy, ap);
	int n = format(room ? (char *)c->data + c->used : NULL, room, strings, fmt, copy);
	va_end(copy);
	if (n < 0)
		return "";
	size_t need = (size_t)n + 1; /* strings need no alignment */
	if (need <= room) {
		char *s = (char *)c->data + c->used;
		c->used += need;
		a->used_total += need;
		return s;
	}
	char *s = migplan__arena_alloc_aligned(a, (size_t)n + 1, 1);
	if (!s)
		return NULL;
	format(s, (size_t)n + 1, strings, fmt, ap);
	return s;
}
