/* What a refusal costs: wall time, peak memory growth and bytes read, for the limits tests.
 *
 * The bounds asserted with these are loose on purpose (sanitizers and valgrind slow things
 * down and add memory of their own): they separate "refused up front" from "read or built
 * the whole thing", a factor of a thousand, not a few percent. */
#ifndef MIGPLAN_TEST_MEASURE_H
#define MIGPLAN_TEST_MEASURE_H

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct measure {
	double t0;
	long hwm0_kb;
	unsigned long long rchar0;
	double secs;
	long grew_kb;              /* growth of the peak resident set */
	unsigned long long read;   /* bytes read by read(2) and friends */
} measure;

static double measure_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A /proc/self/<file> field as a number, or -1. */
static long long proc_field(const char *file, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/self/%s", file);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long long v = -1;
	size_t klen = strlen(key);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			sscanf(line + klen + 1, "%lld", &v);
			break;
		}
	fclose(f);
	return v;
}

/* The peak resident set so far, in KiB. */
static long measure_hwm_kb(void)
{
	long long v = proc_field("status", "VmHWM");
	if (v >= 0)
		return (long)v;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

__attribute__((unused))
static void measure_start(measure *m)
{
	/* Linux resets the peak to the current resident set on "5" (since 4.0); when that is
	 * not allowed, growth is measured against the old peak, which only makes it smaller */
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
	long long r = proc_field("io", "rchar");
	m->rchar0 = r < 0 ? 0 : (unsigned long long)r;
	m->hwm0_kb = measure_hwm_kb();
	m->t0 = measure_now();
}

__attribute__((unused))
static void measure_stop(measure *m)
{
	m->secs = measure_now() - m->t0;
	m->grew_kb = measure_hwm_kb() - m->hwm0_kb;
	long long r = proc_field("io", "rchar");
	m->read = r < 0 ? 0 : (unsigned long long)r - m->rchar0;
}

#endif
