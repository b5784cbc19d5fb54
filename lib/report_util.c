/* Small helpers of the report model: arena vectors and strings, names of phases, actors and
 * stages, and numbers and durations written for people. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report-private.h"

int migplan__rvec_push(migplan__arena *a, migplan__rvec *v, void *item)
{
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **items = migplan__arena_alloc(a, cap * sizeof(*items));
		if (!items)
			return 0;
		if (v->count)
			memcpy(items, v->items, v->count * sizeof(*items));
		v->items = items;
		v->cap = cap;
	}
	v->items[v->count++] = item;
	return 1;
}

const char *migplan__rfmt(migplan__rmodel *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = migplan__arena_vprintf(&m->arena, fmt, ap);
	va_end(ap);
	return s;
}

const char *migplan__rsb(migplan__rmodel *m, migplan__sb *sb)
{
	const char *s = NULL;
	if (!sb->failed)
		s = migplan__arena_strndup(&m->arena, sb->ptr ? sb->ptr : "", sb->len);
	migplan__sb_reset(sb);
	return s;
}

static const char *const phase_names[MIGPLAN__PH_COUNT] = {
	"preflight", "expand", "backfill", "validate", "cutover", "stabilise", "contract"
};

static const char *const phase_titles[MIGPLAN__PH_COUNT] = {
	"Preflight", "Expand", "Backfill", "Validate", "Cutover", "Stabilise", "Contract"
};

const char *migplan__phase_name(migplan__phase p)
{
	return (unsigned)p < MIGPLAN__PH_COUNT ? phase_names[p] : "?";
}

const char *migplan__phase_title(migplan__phase p)
{
	return (unsigned)p < MIGPLAN__PH_COUNT ? phase_titles[p] : "?";
}

const char *migplan__actor_name(migplan__actor a)
{
	switch (a) {
	case MIGPLAN__ACT_MOOSE: return "moose";
	case MIGPLAN__ACT_OPERATOR: return "operator";
	case MIGPLAN__ACT_APP: return "application";
	case MIGPLAN__ACT_WAIT: return "wait";
	}
	return "?";
}

const char *migplan__rollback_name(migplan__rollback r)
{
	switch (r) {
	case MIGPLAN__RB_YES: return "yes";
	case MIGPLAN__RB_PARTIAL: return "partial";
	case MIGPLAN__RB_NO: return "no";
	}
	return "?";
}

const char *migplan__stage_name(migplan__rstage s)
{
	switch (s) {
	case MIGPLAN__RS_BEFORE: return "before";
	case MIGPLAN__RS_PREPARE: return "prepare";
	case MIGPLAN__RS_STEP: return "step";
	case MIGPLAN__RS_CHECK: return "check";
	case MIGPLAN__RS_PROGRESS: return "progress";
	case MIGPLAN__RS_MONITOR: return "monitor";
	case MIGPLAN__RS_AFTER: return "after";
	case MIGPLAN__RS_ROLLBACK: return "rollback";
	case MIGPLAN__RS_REFUSED: return "refused";
	}
	return "?";
}

void migplan__duration(migplan__sb *sb, double seconds)
{
	if (seconds < 0) {
		migplan__sb_puts(sb, "unknown");
		return;
	}
	unsigned long s = (unsigned long)(seconds + 0.5);
	if (s < 60) {
		migplan__sb_printf(sb, "about %lu s", s ? s : 1);
		return;
	}
	unsigned long min = (s + 30) / 60;
	if (min < 60)
		migplan__sb_printf(sb, "about %lu min", min);
	else if (min % 60)
		migplan__sb_printf(sb, "about %lu h %lu min", min / 60, min % 60);
	else
		migplan__sb_printf(sb, "about %lu h", min / 60);
}

void migplan__count(migplan__sb *sb, uint64_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			migplan__sb_putc(sb, ',');
		migplan__sb_putc(sb, digits[i]);
	}
}

void migplan__bytes(migplan__sb *sb, uint64_t n)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)n;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		migplan__sb_printf(sb, "%llu B", (unsigned long long)n);
	else
		migplan__sb_printf(sb, "%.1f %s", v, units[u]);
}
