/* The editor path: an editor re-analyses the plan on every keystroke, from the unsaved text
 * in memory, with the snapshots loaded once. This times that loop.
 *
 * usage: migplan-editor [-n ITERATIONS] [-w WARMUP] PLAN REMOTE LOCAL
 *
 * The snapshots are loaded once with migplan_snapshot_load_file(); the plan is read into a
 * buffer once. Each iteration is migplan_plan_load_buffer() + migplan_plan_attach_snapshots()
 * + migplan_plan_classify() + migplan_plan_analyze() + migplan_plan_free(), timed as a whole
 * and per stage. Each iteration also times the floor of one keystroke, libyaml producing
 * every event of the same buffer and nothing else, right before the library's pass, so both
 * see the same machine load. Prints "key value" lines (the bench script reads them): the
 * operation and finding counts, then the median, p99, mean, minimum and maximum of the
 * iteration times in microseconds, the median of each stage, and the floor's median and p99. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <migplan.h>
#include <migplan/analyze.h>
#include <yaml.h>

enum { STAGE_LOAD, STAGE_ATTACH, STAGE_CLASSIFY, STAGE_ANALYZE, STAGE_FREE, STAGE_COUNT };

static const char *const stage_names[STAGE_COUNT] = {"load", "attach", "classify", "analyze", "free"};

struct sample {
	double total;
	double stage[STAGE_COUNT];
	double floor; /* libyaml alone on the same bytes */
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void fail(const char *what)
{
	const migplan_error *e = migplan_error_last();
	fprintf(stderr, "migplan-editor: %s: %s:%u:%u: %s\n", what, migplan_error_path(e),
	        migplan_error_line(e), migplan_error_column(e), migplan_error_message(e));
	exit(1);
}

static char *read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "migplan-editor: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "migplan-editor: out of memory\n");
		exit(1);
	}
	*len_out = len;
	return buf;
}

/* libyaml's events for @p text, each released at once: what parsing the plan costs at least. */
static double floor_pass(const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	double t0 = now_us();
	if (!yaml_parser_initialize(&parser))
		exit(1);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "migplan-editor: libyaml: %s\n", parser.problem);
			exit(1);
		}
		int done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
		if (done)
			break;
	}
	yaml_parser_delete(&parser);
	return now_us() - t0;
}

/* One keystroke's worth of work; returns the number of findings so the work is observable. */
static size_t one_pass(struct sample *s, const char *text, size_t len, const char *name,
                       const migplan_snapshot *remote, const migplan_snapshot *local)
{
	migplan_plan *plan = NULL;
	double t0 = now_us();
	if (migplan_plan_load_buffer(&plan, text, len, name, NULL) != MIGPLAN_OK)
		fail("load");
	double t1 = now_us();
	if (migplan_plan_attach_snapshots(plan, remote, local) != MIGPLAN_OK)
		fail("attach");
	double t2 = now_us();
	if (migplan_plan_classify(plan) != MIGPLAN_OK)
		fail("classify");
	double t3 = now_us();
	if (migplan_plan_analyze(plan, NULL) != MIGPLAN_OK)
		fail("analyze");
	double t4 = now_us();
	size_t findings = migplan_plan_finding_count(plan);
	migplan_plan_free(plan);
	double t5 = now_us();
	s->stage[STAGE_LOAD] = t1 - t0;
	s->stage[STAGE_ATTACH] = t2 - t1;
	s->stage[STAGE_CLASSIFY] = t3 - t2;
	s->stage[STAGE_ANALYZE] = t4 - t3;
	s->stage[STAGE_FREE] = t5 - t4;
	s->total = t5 - t0;
	s->floor = floor_pass(text, len);
	return findings;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted @p v. */
static double percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	return v[rank == 0 ? 0 : (rank > n ? n - 1 : rank - 1)];
}

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(struct sample *samples, size_t n)
{
	double *v = malloc(n * sizeof *v);
	double sum = 0;
	if (!v)
		exit(1);
	for (int st = 0; st < STAGE_COUNT; st++) {
		for (size_t i = 0; i < n; i++)
			v[i] = samples[i].stage[st];
		printf("stage_%s_median_us %.1f\n", stage_names[st], median_of(v, n));
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = samples[i].total;
		sum += v[i];
	}
	double median = median_of(v, n);
	printf("iterations %zu\n", n);
	printf("median_us %.1f\n", median);
	printf("p99_us %.1f\n", percentile(v, n, 99));
	printf("mean_us %.1f\n", sum / (double)n);
	printf("min_us %.1f\n", v[0]);
	printf("max_us %.1f\n", v[n - 1]);
	for (size_t i = 0; i < n; i++)
		v[i] = samples[i].floor;
	printf("floor_median_us %.1f\n", median_of(v, n));
	printf("floor_p99_us %.1f\n", percentile(v, n, 99));
	free(v);
}

static long parse_count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < 0) {
		fprintf(stderr, "migplan-editor: not a count: %s\n", s);
		exit(64);
	}
	return n;
}

int main(int argc, char **argv)
{
	long iterations = 2000, warmup = 50;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			iterations = parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "-w") == 0)
			warmup = parse_count(argv[i + 1]);
		else
			break;
	}
	if (argc - i != 3 || iterations < 1) {
		fprintf(stderr, "usage: migplan-editor [-n ITERATIONS] [-w WARMUP] PLAN REMOTE LOCAL\n");
		return 64;
	}
	const char *plan_path = argv[i];
	migplan_snapshot *remote = NULL, *local = NULL;
	if (migplan_snapshot_load_file(&remote, argv[i + 1], NULL) != MIGPLAN_OK)
		fail("remote snapshot");
	if (migplan_snapshot_load_file(&local, argv[i + 2], NULL) != MIGPLAN_OK)
		fail("local snapshot");
	size_t len;
	char *text = read_file(plan_path, &len);
	struct sample *samples = calloc((size_t)iterations, sizeof *samples);
	struct sample scratch;
	size_t findings = 0;
	if (!samples)
		return 1;
	/* warm-up: caches, the allocator's free lists, lazily built tables */
	for (long k = 0; k < warmup; k++)
		one_pass(&scratch, text, len, plan_path, remote, local);
	for (long k = 0; k < iterations; k++)
		findings = one_pass(&samples[k], text, len, plan_path, remote, local);

	migplan_plan *plan = NULL;
	if (migplan_plan_load_buffer(&plan, text, len, plan_path, NULL) != MIGPLAN_OK)
		fail("load");
	printf("plan_bytes %zu\n", len);
	printf("operations %zu\n", migplan_plan_op_count(plan));
	printf("findings %zu\n", findings);
	migplan_plan_free(plan);
	report(samples, (size_t)iterations);

	free(samples);
	free(text);
	migplan_snapshot_free(local);
	migplan_snapshot_free(remote);
	return 0;
}
