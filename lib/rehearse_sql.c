/* Small helpers of the rehearsal: statements with chDB's quirks handled, TSV output split into
 * fields, messages made short and stable, and look-ups in the engine's system tables. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "rehearse_private.h"

uint64_t migplan__reh_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

char *migplan__reh_sb_take(migplan__sb *sb)
{
	char *s = NULL;
	if (migplan__sb_finish(sb, &s) != MIGPLAN_OK)
		return NULL;
	return s;
}

migplan_status migplan__reh_exec(migplan__chdb *eng, const char *sql)
{
	if (!sql)
		return migplan__error_oom();
	return migplan__chdb_query(eng, sql, "TSV", NULL, NULL);
}

migplan_status migplan__reh_exec_sb(migplan__chdb *eng, migplan__sb *sb)
{
	char *sql = migplan__reh_sb_take(sb);
	migplan_status st = migplan__reh_exec(eng, sql);
	free(sql);
	return st;
}

/* TSV escapes of ClickHouse, undone in place. */
static void unescape(char *s)
{
	char *w = s;
	for (const char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*w++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': *w++ = '\n'; break;
		case 't': *w++ = '\t'; break;
		case 'r': *w++ = '\r'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case '0': *w++ = '\0'; break;
		default: *w++ = *p; break;
		}
	}
	*w = '\0';
}

static size_t count_char(const char *s, size_t len, char c)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

/* Split buf (owned by rows) into lines and fields. */
static migplan_status split_rows(migplan__reh_rows *rows, size_t len)
{
	size_t lines = count_char(rows->buf, len, '\n') + 1;
	char *p = rows->buf;

	rows->rows = calloc(lines, sizeof(*rows->rows));
	rows->nfields = calloc(lines, sizeof(*rows->nfields));
	if (!rows->rows || !rows->nfields)
		return migplan__error_oom();
	while (*p) {
		char *end = strchr(p, '\n');
		size_t nf, i = 0;
		char **fields;
		if (end)
			*end = '\0';
		nf = count_char(p, strlen(p), '\t') + 1;
		fields = calloc(nf, sizeof(*fields));
		if (!fields)
			return migplan__error_oom();
		for (char *f = p; f; i++) {
			char *tab = strchr(f, '\t');
			if (tab)
				*tab = '\0';
			fields[i] = f;
			f = tab ? tab + 1 : NULL;
		}
		for (i = 0; i < nf; i++)
			unescape(fields[i]);
		rows->rows[rows->nrows] = fields;
		rows->nfields[rows->nrows++] = nf;
		if (!end)
			break;
		p = end + 1;
	}
	return MIGPLAN_OK;
}

migplan_status migplan__reh_select(migplan__chdb *eng, const char *sql, migplan__reh_rows *out)
{
	size_t len = 0;
	migplan_status st;

	memset(out, 0, sizeof(*out));
	if (!sql)
		return migplan__error_oom();
	st = migplan__chdb_query(eng, sql, "TSV", &out->buf, &len);
	if (st != MIGPLAN_OK)
		return st;
	st = split_rows(out, len);
	if (st != MIGPLAN_OK)
		migplan__reh_rows_free(out);
	return st;
}

void migplan__reh_rows_free(migplan__reh_rows *rows)
{
	if (!rows)
		return;
	for (size_t i = 0; rows->rows && i < rows->nrows; i++)
		free(rows->rows[i]);
	free(rows->rows);
	free(rows->nfields);
	free(rows->buf);
	memset(rows, 0, sizeof(*rows));
}

const char *migplan__reh_field(const migplan__reh_rows *rows, size_t row, size_t col)
{
	if (!rows || row >= rows->nrows || col >= rows->nfields[row])
		return "";
	return rows->rows[row][col];
}

migplan_status migplan__reh_select_sb(migplan__chdb *eng, migplan__sb *sb, migplan__reh_rows *out)
{
	char *sql = migplan__reh_sb_take(sb);
	migplan_status st = migplan__reh_select(eng, sql, out);
	free(sql);
	return st;
}

migplan_status migplan__reh_scalar(migplan__chdb *eng, const char *sql, uint64_t *out)
{
	migplan__reh_rows rows;
	migplan_status st = migplan__reh_select(eng, sql, &rows);
	const char *f;
	char *end;

	*out = 0;
	if (st != MIGPLAN_OK)
		return st;
	f = migplan__reh_field(&rows, 0, 0);
	*out = strtoull(f, &end, 10);
	st = (*f && *end == '\0') ? MIGPLAN_OK
	                          : migplan__error(MIGPLAN_ERROR, "expected a number, got '%s'", f);
	migplan__reh_rows_free(&rows);
	return st;
}

migplan_status migplan__reh_scalar_sb(migplan__chdb *eng, migplan__sb *sb, uint64_t *out)
{
	char *sql = migplan__reh_sb_take(sb);
	migplan_status st = migplan__reh_scalar(eng, sql, out);
	free(sql);
	return st;
}

static int is_uuid_at(const char *p)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		int hex = (p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f');
		if (shape[i] == '-' ? p[i] != '-' : !hex)
			return 0;
	}
	return 1;
}

/* " (<uuid>)" after a table name: the table's UUID, new on every run. */
static void strip_uuids(char *m)
{
	char *w = m;
	for (char *p = m; *p;) {
		if (p[0] == ' ' && p[1] == '(' && is_uuid_at(p + 2) && p[38] == ')') {
			p += 39;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
}

/* ClickHouse repeats long texts in its messages: the data directory (a fresh temporary path on
 * every run) in "(while reading from part ...)", and table UUIDs; they are cut so that reports
 * are the same on every run. */
static void trim_message(char *m)
{
	static const char *const cuts[] = {" (while reading from part ", ": (while reading from part ",
	                                   NULL};
	for (int i = 0; cuts[i]; i++) {
		char *p = strstr(m, cuts[i]);
		if (p)
			*p = '\0';
	}
	strip_uuids(m);
	char *nl = strchr(m, '\n');
	if (nl)
		*nl = '\0';
	size_t n = strlen(m);
	while (n && (m[n - 1] == ' ' || m[n - 1] == ':'))
		m[--n] = '\0';
}

char *migplan__reh_last_message(migplan_rehearsal *r)
{
	char *m = migplan__reh_strdup(r, migplan_error_message(migplan_error_last()));
	if (m)
		trim_message(m);
	return m;
}

/* ---------------------------------------------------------------- engine look-ups */

static void sql_eq_literal(migplan__sb *sb, const char *field, const char *value)
{
	migplan__sb_printf(sb, "%s = ", field);
	migplan__sb_literal(sb, value);
}

migplan_status migplan__reh_columns(migplan__chdb *eng, const char *db, const char *table,
                                    migplan__reh_rows *out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;

	migplan__sb_puts(&sb, "SELECT name, type, default_kind FROM system.columns WHERE ");
	sql_eq_literal(&sb, "database", db);
	migplan__sb_puts(&sb, " AND ");
	sql_eq_literal(&sb, "table", table);
	migplan__sb_puts(&sb, " ORDER BY position");
	return migplan__reh_select_sb(eng, &sb, out);
}

int migplan__reh_table_exists(migplan__chdb *eng, const char *db, const char *name)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	uint64_t n = 0;
	migplan_status st;

	migplan__sb_puts(&sb, "SELECT count() FROM system.tables WHERE ");
	sql_eq_literal(&sb, "database", db);
	migplan__sb_puts(&sb, " AND ");
	sql_eq_literal(&sb, "name", name);
	st = migplan__reh_scalar_sb(eng, &sb, &n);
	return st == MIGPLAN_OK ? n > 0 : -1;
}
