/* Data-driven loader tests over tests/data/{invalid,valid}/<case>/ (one migrations directory
 * per case, loaded with migplan_plan_load_dir()).
 *
 * invalid/<case>/error: first line `STATUS LINE COLUMN` (e.g. `ESCHEMA 7 5`; 0 0 when the
 * error has no position), second line a substring the message must contain.
 * valid/<case>/ must load; an optional `ops` file lists the operation kinds in order, one per
 * line. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan.h"
#include "tap.h"

static const struct { const char *name; migplan_status st; } statuses[] = {
	{"ERROR", MIGPLAN_ERROR},   {"ENOMEM", MIGPLAN_ENOMEM},   {"EINVAL", MIGPLAN_EINVAL},
	{"EIO", MIGPLAN_EIO},       {"EPARSE", MIGPLAN_EPARSE},   {"ESCHEMA", MIGPLAN_ESCHEMA},
	{"EUNSUPPORTED", MIGPLAN_EUNSUPPORTED}, {"EVERSION", MIGPLAN_EVERSION},
	{"ELIMIT", MIGPLAN_ELIMIT}, {"ENOTFOUND", MIGPLAN_ENOTFOUND},
};

static const char *status_name(migplan_status st)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].st == st)
			return statuses[i].name;
	return st == MIGPLAN_OK ? "OK" : "?";
}

static int status_from_name(const char *name, migplan_status *out)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (strcmp(statuses[i].name, name) == 0) {
			*out = statuses[i].st;
			return 1;
		}
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case folders of dir, sorted so the output is stable; NULL-terminated, malloc'd. */
static char **list_cases(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t cap = 0;
	struct dirent *e;
	*n = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n + 1 >= cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[(*n)++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

static void free_cases(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static void run_invalid(const char *root, const char *name)
{
	char path[1024], line1[256] = "", line2[512] = "", want_st[64];
	unsigned want_line = 0, want_col = 0;
	migplan_status want;
	snprintf(path, sizeof(path), "%s/%s/error", root, name);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(line1, sizeof(line1), f) || !fgets(line2, sizeof(line2), f)) {
		ok(0, "%s: readable error file", name);
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	chomp(line1);
	chomp(line2);
	if (sscanf(line1, "%63s %u %u", want_st, &want_line, &want_col) != 3 ||
	    !status_from_name(want_st, &want)) {
		ok(0, "%s: error file first line '%s'", name, line1);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", root, name);
	migplan_plan *plan = NULL;
	migplan_status st = migplan_plan_load_dir(&plan, path, NULL);
	const migplan_error *err = migplan_error_last();
	const char *msg = migplan_error_message(err);
	int good = st == want && plan == NULL && migplan_error_code(err) == want &&
	           migplan_error_line(err) == want_line && migplan_error_column(err) == want_col &&
	           strstr(msg, line2) != NULL;
	if (!ok(good, "invalid/%s: %s %u %u", name, want_st, want_line, want_col))
		diag("got %s %u %u: %s (path %s)", status_name(st), migplan_error_line(err),
		     migplan_error_column(err), msg,
		     migplan_error_path(err) ? migplan_error_path(err) : "(none)");
	migplan_plan_free(plan);
}

/* The `ops` file: one kind per line, compared with the plan's operations in order. */
static void check_ops(const char *root, const char *name, const migplan_plan *plan)
{
	char path[1024], line[128];
	snprintf(path, sizeof(path), "%s/%s/ops", root, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t i = 0;
	int same = 1;
	while (fgets(line, sizeof(line), f)) {
		chomp(line);
		if (!line[0])
			continue;
		const char *got = migplan_op_kind_name(migplan_op_kind_of(migplan_plan_op_at(plan, i)));
		if (!got || strcmp(got, line) != 0) {
			diag("op %zu: got %s, want %s", i, got ? got : "(none)", line);
			same = 0;
		}
		i++;
	}
	fclose(f);
	ok(same && i == migplan_plan_op_count(plan), "valid/%s: %zu operation kinds as listed", name,
	   i);
}

static void run_valid(const char *root, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root, name);
	migplan_plan *plan = NULL;
	migplan_status st = migplan_plan_load_dir(&plan, path, NULL);
	const migplan_error *err = migplan_error_last();
	if (!ok(st == MIGPLAN_OK && plan, "valid/%s loads", name)) {
		diag("got %s %u %u: %s", status_name(st), migplan_error_line(err),
		     migplan_error_column(err), migplan_error_message(err));
		return;
	}
	check_ops(root, name, plan);
	migplan_plan_free(plan);
}

static void run_all(const char *data, const char *kind, void (*run)(const char *, const char *),
                    size_t at_least)
{
	char root[1024];
	size_t n;
	snprintf(root, sizeof(root), "%s/%s", data, kind);
	char **names = list_cases(root, &n);
	ok(n >= at_least, "%zu %s cases (at least %zu)", n, kind, at_least);
	for (size_t i = 0; i < n; i++)
		run(root, names[i]);
	free_cases(names, n);
}

int main(void)
{
	const char *data = getenv("MIGPLAN_TEST_DATA");
	if (!data)
		data = "tests/data";
	run_all(data, "invalid", run_invalid, 35);
	run_all(data, "valid", run_valid, 10);
	return done_testing();
}
