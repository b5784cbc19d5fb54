/* Writing a report under an output directory, atomically and without leaving it.
 *
 * The path below the directory is walked one component at a time with openat(O_NOFOLLOW), so a
 * symbolic link planted inside the directory cannot send the file elsewhere; missing
 * directories are created on the way. The text goes to a new temporary file beside the
 * destination, is flushed, and is renamed over it: a reader sees the old file or the new one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report-private.h"

static migplan_status io_error(const char *what, const char *dir, const char *name, int err)
{
	return migplan__error(MIGPLAN_EIO, "cannot %s %s/%s: %s", what, dir, name, strerror(err));
}

/* Opens (creating it when missing) directory @p name below @p dfd, refusing symbolic links. */
static int open_subdir(int dfd, const char *dir, const char *name, migplan_status *st)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(dfd, name, 0777) < 0 && errno != EEXIST) {
			*st = io_error("create directory", dir, name, errno);
			return -1;
		}
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		*st = migplan__error(MIGPLAN_EINVAL, "refusing %s/%s: not a plain directory (a symbolic link "
		                     "could lead out of the output directory)", dir, name);
	else if (fd < 0)
		*st = io_error("open directory", dir, name, errno);
	return fd;
}

static migplan_status check_filename(const char *filename)
{
	if (!filename || !*filename)
		return migplan__error(MIGPLAN_EINVAL, "migplan_report_write: empty file name");
	if (filename[0] == '/')
		return migplan__error(MIGPLAN_EINVAL, "refusing %s: the file name must be relative to the output "
		                      "directory", filename);
	for (const char *p = filename; *p;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return migplan__error(MIGPLAN_EINVAL, "refusing %s: `..` would leave the output directory", filename);
		p += n;
		while (*p == '/')
			p++;
	}
	size_t len = strlen(filename);
	if (filename[len - 1] == '/')
		return migplan__error(MIGPLAN_EINVAL, "refusing %s: it names a directory", filename);
	return MIGPLAN_OK;
}

static migplan_status write_all(int fd, const char *text, const char *dir, const char *name)
{
	size_t len = strlen(text), done = 0;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error("write", dir, name, errno);
		done += (size_t)n;
	}
	if (fsync(fd) < 0)
		return io_error("flush", dir, name, errno);
	return MIGPLAN_OK;
}

/* A fresh temporary file beside @p name; its name is written to @p tmp. */
static int open_temp(int dfd, const char *name, char *tmp, size_t cap)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		snprintf(tmp, cap, ".%s.%ld.%lx.%u.tmp", name, (long)getpid(), (unsigned long)ts.tv_nsec, attempt);
		int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* Writes @p text to @p name in directory @p dfd, keeping the permissions of an existing file. */
static migplan_status replace_file(int dfd, const char *dir, const char *name, const char *text)
{
	struct stat old;
	int have_old = fstatat(dfd, name, &old, AT_SYMLINK_NOFOLLOW) == 0;
	if (have_old && !S_ISREG(old.st_mode))
		return migplan__error(MIGPLAN_EINVAL, "refusing %s/%s: it exists and is not a regular file "
		                      "(a symbolic link could lead out of the output directory)", dir, name);
	char tmp[512];
	if (strlen(name) > sizeof(tmp) - 64)
		return migplan__error(MIGPLAN_EINVAL, "file name too long: %s", name);
	int fd = open_temp(dfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		return io_error("create a temporary file in", dir, name, errno);
	migplan_status st = MIGPLAN_OK;
	if (have_old && fchmod(fd, old.st_mode & 07777) < 0)
		st = io_error("set the permissions of", dir, name, errno);
	if (st == MIGPLAN_OK)
		st = write_all(fd, text, dir, name);
	if (close(fd) < 0 && st == MIGPLAN_OK)
		st = io_error("close", dir, name, errno);
	if (st == MIGPLAN_OK && renameat(dfd, tmp, dfd, name) < 0)
		st = io_error("rename the temporary file to", dir, name, errno);
	if (st != MIGPLAN_OK)
		unlinkat(dfd, tmp, 0);
	else
		fsync(dfd); /* the rename itself; best effort */
	return st;
}

migplan_status migplan__report_write_file(const char *dir, const char *filename, const char *text,
                                          char **path_out)
{
	migplan_status st = check_filename(filename);
	if (st != MIGPLAN_OK)
		return st;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return migplan__error(MIGPLAN_EIO, "cannot open the output directory %s: %s", dir, strerror(errno));
	char *copy = strdup(filename);
	if (!copy) {
		close(dfd);
		return migplan__error_oom();
	}
	char *p = copy;
	for (;;) {
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		if (*p && strcmp(p, ".") != 0) {
			int sub = open_subdir(dfd, dir, p, &st);
			close(dfd);
			dfd = sub;
			if (dfd < 0)
				break;
		}
		p = slash + 1;
		while (*p == '/')
			p++;
	}
	if (dfd >= 0) {
		st = replace_file(dfd, dir, p, text);
		close(dfd);
	}
	free(copy);
	if (st == MIGPLAN_OK && path_out) {
		migplan__sb sb = MIGPLAN__SB_INIT;
		migplan__sb_printf(&sb, "%s/%s", dir, filename);
		st = migplan__sb_finish(&sb, path_out);
	}
	return st;
}
