/* Reading a whole input file into memory, bounded by max_bytes.
 *
 * The size is checked before anything is read, and the read itself is capped at max_bytes + 1
 * so that a file growing underneath (or a pipe, whose size is unknown) cannot make us read
 * more than the limit allows. */
#include "doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

#define READ_CHUNK ((size_t)64 * 1024)

static migplan_status io_error(const char *path, const char *what, int err)
{
	char buf[256];
	/* XSI strerror_r (we build with _POSIX_C_SOURCE): thread-safe, unlike strerror */
	if (strerror_r(err, buf, sizeof buf) != 0)
		snprintf(buf, sizeof buf, "error %d", err);
	return migplan__error_at(MIGPLAN_EIO, path, 0, 0, 0, "cannot %s '%s': %s", what, path, buf);
}

static migplan_status too_large(const char *path, uint64_t max_bytes)
{
	return migplan__error_at(MIGPLAN_ELIMIT, path, 0, 0, 0,
	                         "'%s' is larger than the limit of %llu bytes (max_bytes)", path,
	                         (unsigned long long)max_bytes);
}

/* Reads until end of file or until more than `cap` bytes have arrived. */
static migplan_status read_all(int fd, const char *path, uint64_t cap, size_t hint, char **out,
                               size_t *len_out)
{
	size_t size = hint + 1 > READ_CHUNK ? hint + 1 : READ_CHUNK;
	size_t len = 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return migplan__error_oom();
	for (;;) {
		if (len == size) {
			size_t nsize = size * 2;
			char *nbuf = nsize > size ? realloc(buf, nsize + 1) : NULL;
			if (!nbuf) {
				free(buf);
				return migplan__error_oom();
			}
			buf = nbuf;
			size = nsize;
		}
		ssize_t n = read(fd, buf + len, size - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			free(buf);
			return io_error(path, "read", err);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > cap) {
			free(buf);
			return too_large(path, cap);
		}
	}
	buf[len] = '\0';
	*out = buf;
	*len_out = len;
	return MIGPLAN_OK;
}

migplan_status migplan__file_read(char **out, size_t *len_out, const char *path, uint64_t max_bytes)
{
	if (!out || !len_out || !path)
		return migplan__error(MIGPLAN_EINVAL, "migplan__file_read: invalid argument");
	*out = NULL;
	*len_out = 0;
	int fd;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return io_error(path, "open", errno);
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		int err = errno;
		close(fd);
		return io_error(path, "stat", err);
	}
	if (S_ISDIR(sb.st_mode)) {
		close(fd);
		return io_error(path, "read", EISDIR);
	}
	size_t hint = 0;
	if (S_ISREG(sb.st_mode)) {
		if ((uint64_t)sb.st_size > max_bytes) {
			close(fd);
			return too_large(path, max_bytes);
		}
		hint = (size_t)sb.st_size;
	}
	migplan_status st = read_all(fd, path, max_bytes, hint, out, len_out);
	close(fd);
	return st;
}

migplan_status migplan__doc_read_file(migplan__doc **out, const char *path,
                                      migplan__doc_format format, const migplan__limits *lim)
{
	*out = NULL;
	char *buf = NULL;
	size_t len = 0;
	migplan_status st = migplan__file_read(&buf, &len, path, lim->max_bytes);
	if (st)
		return st;
	st = format == MIGPLAN__DOC_JSON ? migplan__json_read(out, buf, len, path, lim)
	                                 : migplan__yaml_read(out, buf, len, path, lim);
	free(buf);
	return st;
}
