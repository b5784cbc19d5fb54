/* A tiny TAP producer for the unit tests (meson reads `protocol: 'tap'`).
 * ok(cond, fmt, ...) records one test; done_testing() prints the plan and returns the exit code. */
#ifndef MIGPLAN_TAP_H
#define MIGPLAN_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 4, 5), unused))
static int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	tap_count++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* String equality that tolerates NULL on either side and prints both on failure. */
#define is_str(got, want, ...)                                                              \
	do {                                                                                \
		const char *g_ = (got), *w_ = (want);                                       \
		int same_ = (g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0); \
		if (!tap_ok(same_, __FILE__, __LINE__, __VA_ARGS__))                        \
			printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)",       \
			       w_ ? w_ : "(null)");                                         \
	} while (0)
#define is_int(got, want, ...)                                                              \
	do {                                                                                \
		long long g_ = (long long)(got), w_ = (long long)(want);                    \
		if (!tap_ok(g_ == w_, __FILE__, __LINE__, __VA_ARGS__))                     \
			printf("#   got:  %lld\n#   want: %lld\n", g_, w_);                     \
	} while (0)
#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

/* A growing NUL-terminated buffer for the texts tests build ({0} is empty; free(p) at the
 * end). Aborts when out of memory: a test cannot go on without its input. */
typedef struct tap_buf {
	char *p;
	size_t len, cap;
} tap_buf;

__attribute__((unused))
static void tap_put(tap_buf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q)
			abort();
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

__attribute__((unused))
static void tap_puts(tap_buf *b, const char *s)
{
	tap_put(b, s, strlen(s));
}

/* The whole file, NUL-terminated (malloc'd), or NULL. */
__attribute__((unused))
static char *tap_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

__attribute__((unused))
static int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
