/* SQL pieces the report model needs beyond what lib/ddl.c renders: column and index
 * definitions for inverse statements, a table's CREATE under another name, the type a value is
 * cast to, and the read-only check every verification query passes before it is emitted. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "migplan/chtype.h"
#include "migplan/ddl.h"

#include "report-private.h"

/* ---------------------------------------------------------------- read-only check */

/* Words that make a statement write, or change how and where it runs (statements that start
 * with a word other than SELECT or WITH, such as SYSTEM, are refused first). A verification query
 * names every identifier in backticks, so a bare word is always a keyword or a function. */
static const char *const write_words[] = {
	"INSERT", "ALTER", "CREATE", "DROP", "TRUNCATE", "RENAME", "EXCHANGE", "OPTIMIZE",
	"KILL", "ATTACH", "DETACH", "GRANT", "REVOKE", "DELETE", "UPDATE",
	"INTO", "OUTFILE", "SETTINGS", "FORMAT", "SET", "USE", "UNDROP", "BACKUP", "RESTORE",
	"MOVE", "UNDO", NULL
};

typedef struct sqltok {
	const char *p;
	int semicolons;      /* statement separators seen before a later token */
	int tail_semicolon;  /* a ';' with nothing after it */
	const char *why;
} sqltok;

/* Skips a quoted run starting at *p (the quote character is *p); 0 when unterminated. */
static int skip_quoted(const char **pp)
{
	const char *p = *pp;
	char q = *p++;
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == q) {
			if (p[1] == q) { /* doubled quote */
				p++;
				continue;
			}
			*pp = p + 1;
			return 1;
		}
	}
	return 0;
}

/* Skips a block comment (nested, as ClickHouse allows); 0 when unterminated. */
static int skip_block_comment(const char **pp)
{
	const char *p = *pp + 2;
	int depth = 1;
	while (*p && depth) {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			depth--;
			p += 2;
		} else {
			p++;
		}
	}
	*pp = p;
	return depth == 0;
}

static int is_word(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static int check_word(const char *w, size_t n, int first, const char **why)
{
	if (first && !is_word(w, n, "SELECT") && !is_word(w, n, "WITH")) {
		*why = "does not start with SELECT or WITH";
		return 0;
	}
	for (int i = 0; write_words[i]; i++) {
		if (is_word(w, n, write_words[i])) {
			*why = write_words[i];
			return 0;
		}
	}
	return 1;
}

int migplan__sql_read_only(const char *sql, const char **why)
{
	const char *dummy;
	const char *p = sql;
	int first = 1, after_semicolon = 0;
	if (!why)
		why = &dummy;
	*why = NULL;
	if (!sql) {
		*why = "no statement";
		return 0;
	}
	while (*p) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if ((p[0] == '-' && p[1] == '-') || p[0] == '#') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			if (!skip_block_comment(&p)) {
				*why = "unterminated comment";
				return 0;
			}
		} else if (after_semicolon) {
			*why = "more than one statement";
			return 0;
		} else if (*p == ';') {
			after_semicolon = 1;
			p++;
		} else if (*p == '\'' || *p == '`' || *p == '"') {
			if (first) {
				*why = "does not start with SELECT or WITH";
				return 0;
			}
			if (!skip_quoted(&p)) {
				*why = "unterminated quote";
				return 0;
			}
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			const char *w = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (!check_word(w, (size_t)(p - w), first, why))
				return 0;
			first = 0;
		} else {
			if (first) {
				*why = "does not start with SELECT or WITH";
				return 0;
			}
			p++;
		}
	}
	if (first) {
		*why = "empty statement";
		return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- definitions */

void migplan__sql_column_def(migplan__sb *sb, const migplan_column *c, const char *name)
{
	const char *type = migplan_column_clickhouse_type(c);
	migplan__sb_ident(sb, name ? name : migplan_column_name(c));
	migplan__sb_putc(sb, ' ');
	migplan__sb_puts(sb, type ? type : "String");
	if (migplan_column_default(c))
		migplan__sb_printf(sb, " DEFAULT %s", migplan_column_default(c));
	else if (migplan_column_materialized(c))
		migplan__sb_printf(sb, " MATERIALIZED %s", migplan_column_materialized(c));
	else if (migplan_column_alias(c))
		migplan__sb_printf(sb, " ALIAS %s", migplan_column_alias(c));
	if (migplan_column_comment(c)) {
		migplan__sb_puts(sb, " COMMENT ");
		migplan__sb_literal(sb, migplan_column_comment(c));
	}
	if (migplan_column_codec(c))
		migplan__sb_printf(sb, " CODEC(%s)", migplan_column_codec(c));
	if (migplan_column_ttl(c))
		migplan__sb_printf(sb, " TTL %s", migplan_column_ttl(c));
}

void migplan__sql_index_def(migplan__sb *sb, const migplan_index *ix)
{
	size_t n = migplan_index_argument_count(ix);
	migplan__sb_puts(sb, "INDEX ");
	migplan__sb_ident(sb, migplan_index_name(ix));
	migplan__sb_printf(sb, " %s TYPE ", migplan_index_expression(ix));
	migplan__sb_bare_name(sb, migplan_index_type(ix));
	if (n) {
		/* index arguments are SQL fragments as Moose writes them ('0.01', '100') */
		migplan__sb_putc(sb, '(');
		for (size_t i = 0; i < n; i++)
			migplan__sb_printf(sb, "%s%s", i ? ", " : "", migplan_index_argument_at(ix, i));
		migplan__sb_putc(sb, ')');
	}
	migplan__sb_printf(sb, " GRANULARITY %llu", (unsigned long long)migplan_index_granularity(ix));
}

/* Nullable and LowCardinality wrappers removed: what accurateCastOrNull and query
 * parameters take. */
const char *migplan__sql_base_type(migplan__rmodel *m, const char *type)
{
	migplan_chtype *t = NULL;
	char *text = NULL;
	const char *res = type;
	if (!type || migplan_chtype_parse(&t, type, strlen(type)) != MIGPLAN_OK)
		return type;
	const migplan_chtype *c = t;
	while (migplan_chtype_kind_of(c) == MIGPLAN_CHTYPE_NULLABLE ||
	       migplan_chtype_kind_of(c) == MIGPLAN_CHTYPE_LOW_CARDINALITY)
		c = migplan_chtype_child_at(c, 0);
	if (c != t && migplan_chtype_render(c, &text) == MIGPLAN_OK)
		res = migplan__rfmt(m, "%s", text);
	migplan_free(text);
	migplan_chtype_free(t);
	return res;
}

/* ---------------------------------------------------------------- conversions */

static int is_enum(migplan_chtype_kind k)
{
	return k == MIGPLAN_CHTYPE_ENUM8 || k == MIGPLAN_CHTYPE_ENUM16;
}

static int nullable_ok(migplan_chtype_kind k)
{
	return k != MIGPLAN_CHTYPE_ARRAY && k != MIGPLAN_CHTYPE_MAP && k != MIGPLAN_CHTYPE_TUPLE &&
	       k != MIGPLAN_CHTYPE_NESTED && k != MIGPLAN_CHTYPE_JSON && k != MIGPLAN_CHTYPE_GEO &&
	       k != MIGPLAN_CHTYPE_AGGREGATE_FUNCTION && k != MIGPLAN_CHTYPE_DYNAMIC &&
	       k != MIGPLAN_CHTYPE_VARIANT && k != MIGPLAN_CHTYPE_OTHER;
}

/* Parse the base type (no Nullable, no LowCardinality) of @p type. */
static migplan_chtype *base_of(migplan__rmodel *m, const char *type, const char **base)
{
	migplan_chtype *t = NULL;
	*base = migplan__sql_base_type(m, type);
	if (!*base || migplan_chtype_parse(&t, *base, strlen(*base)) != MIGPLAN_OK)
		return NULL;
	return t;
}

/* ('a', 'b'): the names of an Enum. */
static void enum_names(migplan__sb *sb, const migplan_chtype *t)
{
	migplan__sb_putc(sb, '(');
	for (size_t i = 0; i < migplan_chtype_enum_count(t); i++) {
		if (i)
			migplan__sb_puts(sb, ", ");
		migplan__sb_literal(sb, migplan_chtype_enum_name(t, i));
	}
	migplan__sb_putc(sb, ')');
}

void migplan__sql_fails(migplan__rmodel *m, migplan__sb *sb, const char *col, const char *to)
{
	const char *base;
	migplan_chtype *t = base_of(m, to, &base);
	migplan__sb_puts(sb, "isNotNull(");
	migplan__sb_ident(sb, col);
	if (t && is_enum(migplan_chtype_kind_of(t))) {
		/* accurateCastOrNull throws on an unknown Enum name: compare the names */
		migplan__sb_puts(sb, ") AND toString(");
		migplan__sb_ident(sb, col);
		migplan__sb_puts(sb, ") NOT IN ");
		enum_names(sb, t);
	} else {
		migplan__sb_puts(sb, ") AND isNull(accurateCastOrNull(");
		migplan__sb_ident(sb, col);
		migplan__sb_puts(sb, ", ");
		migplan__sb_literal(sb, base ? base : to);
		migplan__sb_puts(sb, "))");
	}
	migplan_chtype_free(t);
}

void migplan__sql_convert_or_null(migplan__rmodel *m, migplan__sb *sb, const char *col, const char *to,
                                  const char *target_type)
{
	const char *base;
	migplan_chtype *t = base_of(m, to, &base);
	if (t && is_enum(migplan_chtype_kind_of(t))) {
		migplan__sb_puts(sb, "CAST(if(toString(");
		migplan__sb_ident(sb, col);
		migplan__sb_puts(sb, ") IN ");
		enum_names(sb, t);
		migplan__sb_puts(sb, ", toString(");
		migplan__sb_ident(sb, col);
		migplan__sb_puts(sb, "), NULL), ");
		migplan__sb_literal(sb, target_type);
		migplan__sb_putc(sb, ')');
	} else {
		migplan__sb_puts(sb, "accurateCastOrNull(");
		migplan__sb_ident(sb, col);
		migplan__sb_puts(sb, ", ");
		migplan__sb_literal(sb, base ? base : to);
		migplan__sb_putc(sb, ')');
	}
	migplan_chtype_free(t);
}

/* The type values are cast to when measuring what a cast alters: nullable, so NULLs pass. */
static const char *nullable_target(migplan__rmodel *m, const char *type)
{
	const char *base;
	migplan_chtype *t = base_of(m, type, &base);
	const char *res = t && nullable_ok(migplan_chtype_kind_of(t)) ? migplan__rfmt(m, "Nullable(%s)", base) : type;
	migplan_chtype_free(t);
	return res;
}

void migplan__sql_altered(migplan__rmodel *m, migplan__sb *sb, const char *col, const char *from,
                          const char *to)
{
	const char *nto = nullable_target(m, to), *nfrom = nullable_target(m, from);
	/* a value is altered when it reads differently, or does not come back when cast back */
	migplan__sb_puts(sb, "isNotNull(");
	migplan__sb_ident(sb, col);
	migplan__sb_puts(sb, ") AND (toString(CAST(");
	migplan__sb_ident(sb, col);
	migplan__sb_puts(sb, ", ");
	migplan__sb_literal(sb, nto);
	migplan__sb_puts(sb, ")) != toString(");
	migplan__sb_ident(sb, col);
	migplan__sb_puts(sb, ") OR NOT (CAST(CAST(");
	migplan__sb_ident(sb, col);
	migplan__sb_puts(sb, ", ");
	migplan__sb_literal(sb, nto);
	migplan__sb_puts(sb, "), ");
	migplan__sb_literal(sb, nfrom);
	migplan__sb_puts(sb, ") <=> ");
	migplan__sb_ident(sb, col);
	migplan__sb_puts(sb, "))");
}
