/* Files (issue 9): a report written over an existing one never leaves a partial file, even
 * when the write fails half-way (here: the file size limit, RLIMIT_FSIZE, which makes write(2)
 * fail with EFBIG after a few bytes), keeps the old file's permissions, leaves no temporary
 * file behind, and does not write through a symbolic link out of the output directory.
 * The writer is migplan_report_write() (lib/report_write.c); the CLI's plan writer is covered
 * by the e2e suite. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <migplan.h>

#include "tap.h"

static char dir[] = "/tmp/migplan-files-XXXXXX";

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	size_t got;
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			b = realloc(b, cap *= 2);
	}
	fclose(f);
	*len = n;
	return b;
}

/* Entries of the directory other than the ones named. */
static int strangers(const char *path, const char *a, const char *b)
{
	DIR *d = opendir(path);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!a || strcmp(e->d_name, a)) &&
		    (!b || strcmp(e->d_name, b))) {
			diag("unexpected entry %s", e->d_name);
			n++;
		}
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	const char *fixtures = getenv("MIGPLAN_FIXTURES");
	char path[4096], file[4096];
	if (!fixtures || !mkdtemp(dir)) {
		printf("Bail out! MIGPLAN_FIXTURES unset or no temporary directory\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/03_recreate_same_table", fixtures);
	migplan_plan *plan = NULL;
	migplan_report *r = NULL;
	if (migplan_plan_load_dir(&plan, path, NULL) || migplan_report_new(&r, plan)) {
		printf("Bail out! %s\n", migplan_error_message(migplan_error_last()));
		return 1;
	}
	const migplan_report_kind kind = MIGPLAN_REPORT_ROLLOUT;
	const migplan_report_format fmt = MIGPLAN_FORMAT_MARKDOWN;
	const char *name = "rollout.md";
	snprintf(file, sizeof file, "%s/%s", dir, name);

	/* an existing file, 0640, with known content */
	FILE *f = fopen(file, "w");
	if (!f) {
		printf("Bail out! cannot create %s: %s\n", file, strerror(errno));
		return 1;
	}
	fputs("the old report\n", f);
	fclose(f);
	chmod(file, 0640);

	/* the write fails after 64 bytes: EFBIG instead of SIGXFSZ */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit old_lim, lim;
	getrlimit(RLIMIT_FSIZE, &old_lim);
	lim = old_lim;
	lim.rlim_cur = 64;
	setrlimit(RLIMIT_FSIZE, &lim);
	migplan_status st = migplan_report_write(r, kind, fmt, dir, name, NULL);
	setrlimit(RLIMIT_FSIZE, &old_lim);
	if (!ok(st == MIGPLAN_EIO, "a write that fails half-way is an I/O error"))
		diag("got %s: %s", migplan_status_str(st), migplan_error_message(migplan_error_last()));
	ok(strstr(migplan_error_message(migplan_error_last()), name) != NULL, "the message names the file");
	size_t len = 0;
	char *text = slurp(file, &len);
	ok(text && len == 15 && !memcmp(text, "the old report\n", 15),
	   "the old file is untouched, not cut to what was written");
	free(text);
	ok(strangers(dir, name, NULL) == 0, "no temporary file is left behind");

	/* the same write with room succeeds, keeping the permissions */
	ok(migplan_report_write(r, kind, fmt, dir, name, NULL) == MIGPLAN_OK, "with room, the write succeeds");
	struct stat sb;
	ok(stat(file, &sb) == 0 && (sb.st_mode & 07777) == 0640, "the file keeps its 0640");
	char *want = NULL;
	migplan_report_render(r, kind, fmt, &want);
	text = slurp(file, &len);
	ok(text && want && len == strlen(want) && !memcmp(text, want, len), "the file holds the whole report");
	free(text);
	migplan_free(want);
	ok(strangers(dir, name, NULL) == 0, "still no temporary file");

	/* a symbolic link as the destination, pointing out of the directory */
	char outside[4096], link[4096];
	snprintf(outside, sizeof outside, "%s.outside", dir);
	if ((f = fopen(outside, "w"))) {
		fputs("outside\n", f);
		fclose(f);
	}
	snprintf(link, sizeof link, "%s/linked.md", dir);
	if (symlink(outside, link) != 0)
		diag("symlink: %s", strerror(errno));
	st = migplan_report_write(r, kind, fmt, dir, "linked.md", NULL);
	ok(st != MIGPLAN_OK, "a symbolic link to outside the directory is refused");
	text = slurp(outside, &len);
	ok(text && len == 8 && !memcmp(text, "outside\n", 8), "the file outside is untouched");
	free(text);
	struct stat lsb;
	ok(lstat(link, &lsb) == 0 && S_ISLNK(lsb.st_mode), "the link itself is left as it was");
	ok(strangers(dir, name, "linked.md") == 0, "no temporary file after the refusal");

	unlink(link);
	unlink(file);
	unlink(outside);
	rmdir(dir);
	migplan_report_free(r);
	migplan_plan_free(plan);
	return done_testing();
}
