/* Paths, strings, files and error printing for the migplan command. */
/* realpath() is XSI: resolving symbolic links is what keeps --write inside the plan's directory */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void *cli_xalloc(void *ptr)
{
	if (!ptr) {
		fputs("migplan: out of memory\n", stderr);
		exit(CLI_EXIT_INPUT);
	}
	return ptr;
}

char *cli_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = cli_xalloc(malloc(n));
	memcpy(d, s, n);
	return d;
}

int cli_exit_worst(int a, int b)
{
	/* rank by the documented precedence, not by value: 3 is worse than 1 but better than 2 */
	static const int order[] = {CLI_EXIT_OK, CLI_EXIT_FINDINGS, CLI_EXIT_DESTRUCTIVE, CLI_EXIT_INPUT,
	                            CLI_EXIT_USAGE};
	int ra = 0, rb = 0;
	for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	/* strtoumax would take a sign, blanks and an empty string */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	uintmax_t v = strtoumax(s, &end, 10);
	if (errno || *end || v > UINT64_MAX)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* --- paths --- */

static char *current_dir(void)
{
	size_t cap = 256;
	for (;;) {
		char *buf = cli_xalloc(malloc(cap));
		if (getcwd(buf, cap))
			return buf;
		free(buf);
		if (errno != ERANGE || cap > (size_t)1 << 20)
			return NULL;
		cap *= 2;
	}
}

static const char *skip_dot_slash(const char *p)
{
	while (p[0] == '.' && p[1] == '/') {
		p += 2;
		while (*p == '/')
			p++;
	}
	return p;
}

char *cli_display_path(const char *path)
{
	if (!path)
		return NULL;
	if (path[0] != '/')
		return cli_strdup(*skip_dot_slash(path) ? skip_dot_slash(path) : path);
	char *cwd = current_dir();
	if (cwd) {
		size_t n = strlen(cwd);
		/* inside the working directory: relative, as editors and CI expect */
		if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1]) {
			char *rel = cli_strdup(path + n + 1);
			free(cwd);
			return rel;
		}
		free(cwd);
	}
	return cli_strdup(path);
}

static size_t trimmed_length(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	return n;
}

char *cli_dirname(const char *path)
{
	size_t n = trimmed_length(path);
	while (n > 0 && path[n - 1] != '/')
		n--;
	if (n == 0)
		return cli_strdup(".");
	while (n > 1 && path[n - 1] == '/')
		n--;
	char *d = cli_xalloc(malloc(n + 1));
	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

char *cli_parent_dir(const char *dir)
{
	size_t n = trimmed_length(dir);
	const char *last = dir + n;
	while (last > dir && last[-1] != '/')
		last--;
	size_t base_len = (size_t)(dir + n - last);
	/* "." and ".." cannot be climbed by cutting text off */
	if ((base_len == 1 && last[0] == '.') || (base_len == 2 && last[0] == '.' && last[1] == '.')) {
		char *up = cli_xalloc(malloc(n + 4));
		memcpy(up, dir, n);
		if (base_len == 1 && n == 1)
			strcpy(up, "..");
		else
			strcpy(up + n, "/..");
		return up;
	}
	char *d = cli_xalloc(malloc(n + 1));
	memcpy(d, dir, n);
	d[n] = '\0';
	char *parent = cli_dirname(d);
	free(d);
	return parent;
}

char *cli_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	int slash = a > 0 && dir[a - 1] != '/';
	char *p = cli_xalloc(malloc(a + (size_t)slash + b + 1));
	memcpy(p, dir, a);
	if (slash)
		p[a] = '/';
	memcpy(p + a + (size_t)slash, name, b + 1);
	return p;
}

int cli_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *cli_truncate_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return cli_strdup(s);
	/* back up to the first byte of a character, never splitting one */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	char *d = cli_xalloc(malloc(max + sizeof "\xe2\x80\xa6"));
	memcpy(d, s, max);
	memcpy(d + max, "\xe2\x80\xa6", sizeof "\xe2\x80\xa6");
	return d;
}

static char *format_error(const char *path)
{
	const migplan_error *err = migplan_error_last();
	char *shown = cli_display_path(path);
	uint32_t line = migplan_error_line(err), column = migplan_error_column(err);
	const char *message = migplan_error_message(err);
	struct cli_buf b = {0};
	if (!*message)
		message = migplan_status_str(migplan_error_code(err));
	if (shown && line)
		cli_buf_printf(&b, "%s:%u:%u: error: %s", shown, (unsigned)line, (unsigned)(column ? column : 1), message);
	else if (shown)
		cli_buf_printf(&b, "%s: error: %s", shown, message);
	else
		cli_buf_printf(&b, "migplan: error: %s", message);
	free(shown);
	return b.data;
}

char *cli_format_error(const char *fallback_path)
{
	const char *path = migplan_error_path(migplan_error_last());
	return format_error(path ? path : fallback_path);
}

void cli_print_error_in(const char *path)
{
	char *text = format_error(path);
	fprintf(stderr, "%s\n", text);
	free(text);
}

void cli_print_error(const char *fallback_path)
{
	char *text = cli_format_error(fallback_path);
	fprintf(stderr, "%s\n", text);
	free(text);
}

/* --- growable string --- */

void cli_buf_append(struct cli_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = cli_xalloc(realloc(b->data, cap));
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void cli_buf_puts(struct cli_buf *b, const char *s)
{
	cli_buf_append(b, s, strlen(s));
}

void cli_buf_printf(struct cli_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char *tmp = cli_xalloc(malloc((size_t)n + 1));
	va_start(ap, fmt);
	vsnprintf(tmp, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cli_buf_append(b, tmp, (size_t)n);
	free(tmp);
}

void cli_buf_free(struct cli_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* --- writing a file atomically --- */

/* The real path of @p path's directory joined with its last component: where a rename must
 * land. NULL when the directory does not resolve. */
static char *resolved_parent_join(const char *path)
{
	char *dir = cli_dirname(path);
	char *real_dir = realpath(dir, NULL);
	free(dir);
	if (!real_dir)
		return NULL;
	const char *base = strrchr(path, '/');
	char *joined = cli_join(real_dir, base ? base + 1 : path);
	free(real_dir);
	return joined;
}

/* @p path itself, or the file a symbolic link at @p path leads to when it stays inside
 * @p allowed_dir (writing there keeps the link). NULL with @p why set otherwise. */
static char *write_destination(const char *path, const char *allowed_dir, const char **why)
{
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
		return resolved_parent_join(path);
	char *target = realpath(path, NULL);
	char *base = realpath(allowed_dir, NULL);
	size_t n = base ? strlen(base) : 0;
	int inside = target && base && strncmp(target, base, n) == 0 && (target[n] == '/' || base[n - 1] == '/');
	free(base);
	if (!inside) {
		free(target);
		*why = "refusing to write through a symbolic link that leads outside the plan's directory";
		return NULL;
	}
	return target;
}

/* Write all of @p data to @p fd; 0, or -1 with errno set. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Fill a temporary file beside @p dest with @p data, with @p dest's permission bits when it
 * exists, flushed to disk. Returns its path, or NULL (errno set, nothing left behind). */
static char *write_temporary(const char *dest, const char *data, size_t len)
{
	char *dir = cli_dirname(dest);
	char *tmp = cli_join(dir, ".migplan-XXXXXX");
	free(dir);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return NULL;
	}
	struct stat st;
	/* a new file gets what umask leaves of 0666, as any editor would create it */
	mode_t mask = umask(0);
	umask(mask);
	mode_t mode = stat(dest, &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask);
	int failed = fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0;
	int saved = errno;
	if (close(fd) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	if (failed) {
		unlink(tmp);
		free(tmp);
		errno = saved;
		return NULL;
	}
	return tmp;
}

static void sync_directory_of(const char *path)
{
	/* the rename is durable only once the directory is: best effort, the file is complete */
	char *dir = cli_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	free(dir);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int cli_write_file_atomic(const char *path, const char *data, size_t len, const char *allowed_dir,
                          char **error)
{
	const char *why = NULL;
	*error = NULL;
	char *dest = write_destination(path, allowed_dir, &why);
	if (!dest) {
		struct cli_buf b = {0};
		cli_buf_printf(&b, "%s", why ? why : strerror(errno));
		*error = b.data;
		return -1;
	}
	char *tmp = write_temporary(dest, data, len);
	int failed = !tmp || rename(tmp, dest) != 0;
	if (failed) {
		struct cli_buf b = {0};
		cli_buf_printf(&b, "cannot write: %s", strerror(errno));
		*error = b.data;
		if (tmp)
			unlink(tmp);
	} else {
		sync_directory_of(dest);
	}
	free(tmp);
	free(dest);
	return failed ? -1 : 0;
}

int cli_read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct cli_buf b = {0};
	char chunk[65536];
	size_t n;
	cli_buf_append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		cli_buf_append(&b, chunk, n);
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		cli_buf_free(&b);
		return -1;
	}
	*data = b.data;
	*len = b.len;
	return 0;
}

/* --- wrapped text --- */

void cli_print_wrapped(FILE *out, const char *indent, const char *text, size_t width)
{
	size_t indent_len = strlen(indent), col = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '\n') {
			/* a paragraph break of the text is kept */
			if (col)
				fputc('\n', out);
			col = 0;
			p++;
			continue;
		}
		size_t word = strcspn(p, " \n");
		if (!word)
			break;
		if (col && col + 1 + word > width) {
			fputc('\n', out);
			col = 0;
		}
		if (!col) {
			fputs(indent, out);
			col = indent_len;
		} else {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, word, out);
		col += word;
		p += word;
	}
	if (col)
		fputc('\n', out);
}
