/* ClickHouse SQL scanner (see sqlscan.h): a tokenizer, then a keyword-driven pass per statement. */
#include "sqlscan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"

typedef enum tok_kind {
	TK_WORD = 1,  /* bare word: keyword or identifier */
	TK_QIDENT,    /* `quoted` or "quoted" identifier */
	TK_STRING,    /* 'literal' */
	TK_NUMBER,
	TK_PUNCT,
	TK_SEMI
} tok_kind;

typedef struct tok {
	tok_kind kind;
	const char *p;
	size_t len;
	size_t off;
} tok;

typedef struct scanner {
	migplan__sqlinfo *info;
	const char *text;
	size_t len;
	tok *toks;
	size_t count, cap;
} scanner;

/* ---------------------------------------------------------------- small helpers */

static void *grow(migplan__sqlinfo *info, void *arr, size_t *cap, size_t count, size_t elem)
{
	if (count < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *n = migplan__arena_alloc(&info->arena, ncap * elem);
	if (!n) {
		info->failed = 1;
		return NULL;
	}
	if (count)
		memcpy(n, arr, count * elem);
	*cap = ncap;
	return n;
}

static int is_word_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_word_char(unsigned char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* ---------------------------------------------------------------- tokenizer */

static int push_tok(scanner *sc, tok_kind kind, size_t start, size_t end)
{
	if (sc->count == sc->cap) {
		size_t ncap = sc->cap ? sc->cap * 2 : 64;
		tok *n = realloc(sc->toks, ncap * sizeof(*n));
		if (!n)
			return 0;
		sc->toks = n;
		sc->cap = ncap;
	}
	sc->toks[sc->count++] = (tok){kind, sc->text + start, end - start, start};
	return 1;
}

/* End of a quoted run starting at the opening quote: a backslash escapes the next byte, a
 * doubled quote is one quote. An unterminated run ends at the end of the text. */
static size_t quoted_end(const char *s, size_t len, size_t i)
{
	char q = s[i++];
	while (i < len) {
		if (s[i] == '\\' && i + 1 < len) {
			i += 2;
		} else if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q)
				i += 2;
			else
				return i + 1;
		} else {
			i++;
		}
	}
	return len;
}

/* Skips a comment at i, if any; returns the index after it (i when there is none). */
static size_t skip_comment(const char *s, size_t len, size_t i)
{
	if ((s[i] == '-' && i + 1 < len && s[i + 1] == '-') || s[i] == '#') {
		while (i < len && s[i] != '\n')
			i++;
		return i;
	}
	if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
		size_t depth = 0;
		while (i < len) {
			if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
				depth++;
				i += 2;
			} else if (s[i] == '*' && i + 1 < len && s[i + 1] == '/') {
				i += 2;
				if (--depth == 0)
					return i;
			} else {
				i++;
			}
		}
		return len;
	}
	return i;
}

static size_t punct_len(const char *s, size_t len, size_t i)
{
	static const char *const two[] = {"::", "->", "<=", ">=", "!=", "<>", "==", "||"};
	if (i + 1 < len)
		for (size_t k = 0; k < sizeof(two) / sizeof(two[0]); k++)
			if (s[i] == two[k][0] && s[i + 1] == two[k][1])
				return 2;
	return 1;
}

static int tokenize(scanner *sc)
{
	const char *s = sc->text;
	size_t len = sc->len, i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t j = skip_comment(s, len, i);
		if (j != i) {
			i = j;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		tok_kind kind;
		if (c == '\'') {
			kind = TK_STRING;
			j = quoted_end(s, len, i);
		} else if (c == '`' || c == '"') {
			kind = TK_QIDENT;
			j = quoted_end(s, len, i);
		} else if (is_digit(c) || (c == '.' && i + 1 < len && is_digit((unsigned char)s[i + 1]))) {
			kind = TK_NUMBER;
			j = i + 1;
			while (j < len && (is_word_char((unsigned char)s[j]) || s[j] == '.' ||
			                   ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
				j++;
		} else if (is_word_start(c)) {
			kind = TK_WORD;
			j = i + 1;
			while (j < len && is_word_char((unsigned char)s[j]))
				j++;
		} else if (c == ';') {
			kind = TK_SEMI;
			j = i + 1;
		} else {
			kind = TK_PUNCT;
			j = i + punct_len(s, len, i);
		}
		if (!push_tok(sc, kind, i, j))
			return 0;
		i = j;
	}
	return 1;
}

/* ---------------------------------------------------------------- token predicates */

/* Tokens are tried against many keywords in turn: the kind and the first letter (either case;
 * keywords are letters) rule out most before the word is measured. */
static int kw(const tok *t, const char *word)
{
	if (!t || t->kind != TK_WORD || ((unsigned char)*t->p | 0x20) != ((unsigned char)*word | 0x20))
		return 0;
	size_t n = strlen(word);
	return t->len == n && strncasecmp(t->p, word, n) == 0;
}

static int punct(const tok *t, const char *p)
{
	if (!t || t->kind != TK_PUNCT || *t->p != *p)
		return 0;
	size_t n = strlen(p);
	return t->len == n && memcmp(t->p, p, n) == 0;
}

static int is_name_tok(const tok *t)
{
	return t && (t->kind == TK_WORD || t->kind == TK_QIDENT);
}

/* Token i of the statement [.., end), or NULL past its end. */
static const tok *at(const scanner *sc, size_t i, size_t end)
{
	return i < end ? &sc->toks[i] : NULL;
}

/* The unquoted text of a name token, in the info's arena. */
static const char *tok_text(scanner *sc, const tok *t)
{
	migplan__arena *a = &sc->info->arena;
	if (t->kind != TK_QIDENT) {
		char *s = migplan__arena_strndup(a, t->p, t->len);
		if (!s)
			sc->info->failed = 1;
		return s;
	}
	char q = t->p[0];
	char *out = migplan__arena_alloc(a, t->len + 1);
	if (!out) {
		sc->info->failed = 1;
		return NULL;
	}
	size_t o = 0, end = t->len;
	if (end >= 2 && t->p[end - 1] == q)
		end--;
	for (size_t i = 1; i < end; i++) {
		char c = t->p[i];
		if (c == '\\' && i + 1 < end) {
			c = t->p[++i];
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == '0' ? '\0' : c;
		} else if (c == q && i + 1 < end && t->p[i + 1] == q) {
			i++;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

/* Words that are SQL syntax rather than names. Only bare words are checked (a quoted `from`
 * is a name). Words that are plausible column names (day, key, value, type, comment, first,
 * default, index, range, step, set, end) are not listed: an extra identifier costs nothing, a
 * missing column name hides a finding. */
static int is_syntax_word(const tok *t)
{
	static const char *const words[] = {
		"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "AS", "ON", "JOIN", "LEFT", "RIGHT",
		"INNER", "OUTER", "FULL", "CROSS", "ASOF", "SEMI", "ANTI", "GROUP", "BY", "ORDER",
		"HAVING", "LIMIT", "UNION", "ALL", "DISTINCT", "INSERT", "INTO", "VALUES", "ALTER",
		"TABLE", "UPDATE", "DELETE", "IN", "IS", "NULL", "CASE", "WHEN", "THEN", "ELSE", "WITH",
		"INTERVAL", "FINAL", "PREWHERE", "ASC", "DESC", "TRUE", "FALSE", "LIKE", "ILIKE",
		"BETWEEN", "EXISTS", "SETTINGS", "IF", "TRUNCATE", "OPTIMIZE", "CREATE", "DROP",
		"MATERIALIZED", "TO", "ENGINE", "PARTITION", "PRIMARY", "TTL", "COLUMN", "ADD",
		"MODIFY", "RENAME", "EXCHANGE", "TABLES", "AFTER", "CODEC", "ALIAS", "CLUSTER",
		"ARRAY", "EXCEPT", "INTERSECT", "REPLACE", "TEMPORARY", "POPULATE", "USING", "GLOBAL",
		"ANY", "SYNC", "VIEW", "SAMPLE", "OVER",
	};
	if (!t || t->kind != TK_WORD)
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (kw(t, words[i]))
			return 1;
	return 0;
}

/* Words that end a FROM item (so they are not its alias). */
static int ends_from_item(const tok *t)
{
	static const char *const words[] = {
		"WHERE", "GROUP", "ORDER", "LIMIT", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL",
		"CROSS", "ANY", "ALL", "ARRAY", "GLOBAL", "ASOF", "SEMI", "ANTI", "PREWHERE", "HAVING",
		"UNION", "SETTINGS", "FORMAT", "FINAL", "SAMPLE", "ON", "USING", "WINDOW", "QUALIFY",
		"INTO", "EXCEPT", "INTERSECT", "PASTE", "OFFSET", "INNER",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (kw(t, words[i]))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- recording */

static migplan__sqlname *push_name(migplan__sqlinfo *info, migplan__sqlname **arr, size_t *count,
                                   size_t *cap)
{
	migplan__sqlname *n = grow(info, *arr, cap, *count, sizeof(**arr));
	if (!n)
		return NULL;
	*arr = n;
	migplan__sqlname *slot = &n[(*count)++];
	memset(slot, 0, sizeof(*slot));
	return slot;
}

static migplan__sqlddl *push_ddl(migplan__sqlinfo *info, migplan__sqlddl_kind kind)
{
	migplan__sqlddl *n = grow(info, info->ddl, &info->ddl_cap, info->ddl_count, sizeof(*n));
	if (!n)
		return NULL;
	info->ddl = n;
	migplan__sqlddl *d = &n[info->ddl_count++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	return d;
}

static void push_ident(scanner *sc, const tok *t)
{
	migplan__sqlinfo *info = sc->info;
	const char *s = tok_text(sc, t);
	const char **n = grow(info, (void *)info->idents, &info->ident_cap, info->ident_count, sizeof(*n));
	if (!s || !n)
		return;
	info->idents = n;
	n[info->ident_count++] = s;
}

/* Reads `name` or `db`.`name` at i. Returns the index after it, or i when there is no name. */
static size_t read_name(scanner *sc, size_t i, size_t end, migplan__sqlname *out)
{
	const tok *t = at(sc, i, end);
	if (!is_name_tok(t))
		return i;
	memset(out, 0, sizeof(*out));
	out->offset = t->off;
	if (punct(at(sc, i + 1, end), ".") && is_name_tok(at(sc, i + 2, end))) {
		out->database = tok_text(sc, t);
		out->name = tok_text(sc, at(sc, i + 2, end));
		return i + 3;
	}
	out->name = tok_text(sc, t);
	return i + 1;
}

/* Records the table name at i into writes; returns the index after it. */
static size_t record_write(scanner *sc, size_t i, size_t end)
{
	migplan__sqlname n;
	size_t j = read_name(sc, i, end, &n);
	if (j == i || !n.name)
		return i;
	migplan__sqlinfo *info = sc->info;
	migplan__sqlname *slot = push_name(info, &info->writes, &info->write_count, &info->write_cap);
	if (slot)
		*slot = n;
	return j;
}

static size_t skip_words(const scanner *sc, size_t i, size_t end, const char *const *words)
{
	for (; words && *words; words++)
		if (kw(at(sc, i, end), *words))
			i++;
		else
			break;
	return i;
}

static size_t skip_if_exists(const scanner *sc, size_t i, size_t end)
{
	if (kw(at(sc, i, end), "IF")) {
		if (kw(at(sc, i + 1, end), "NOT") && kw(at(sc, i + 2, end), "EXISTS"))
			return i + 3;
		if (kw(at(sc, i + 1, end), "EXISTS"))
			return i + 2;
	}
	return i;
}

static size_t skip_on_cluster(const scanner *sc, size_t i, size_t end)
{
	if (kw(at(sc, i, end), "ON") && kw(at(sc, i + 1, end), "CLUSTER"))
		return i + 3 <= end ? i + 3 : end;
	return i;
}

/* ---------------------------------------------------------------- reads and identifiers */

/* After a FROM/JOIN table at j: skip FINAL and an alias, and follow `, other_table`. */
static void read_from_list(scanner *sc, size_t i, size_t end)
{
	migplan__sqlinfo *info = sc->info;
	for (;;) {
		const tok *t = at(sc, i, end);
		/* a table function or a subquery is not a table */
		if (!is_name_tok(t) || punct(at(sc, i + 1, end), "("))
			return;
		if (t->kind == TK_WORD && is_syntax_word(t))
			return;
		migplan__sqlname n;
		size_t j = read_name(sc, i, end, &n);
		if (j == i || punct(at(sc, j, end), "("))
			return;
		migplan__sqlname *slot = push_name(info, &info->reads, &info->read_count, &info->read_cap);
		if (slot)
			*slot = n;
		if (kw(at(sc, j, end), "FINAL"))
			j++;
		if (kw(at(sc, j, end), "AS"))
			j += 2;
		else if (is_name_tok(at(sc, j, end)) && !ends_from_item(at(sc, j, end)))
			j++;
		if (!punct(at(sc, j, end), ","))
			return;
		i = j + 1;
	}
}

/* One pass over a statement: FROM/JOIN tables (outside function calls such as
 * extract(DAY FROM ts)) and the identifiers that are not function names. */
static void scan_reads_and_idents(scanner *sc, size_t start, size_t end)
{
	enum { MAX_DEPTH = 256 };
	char in_call[MAX_DEPTH]; /* 1: this parenthesis is a function call's */
	size_t depth = 0;
	for (size_t i = start; i < end; i++) {
		const tok *t = &sc->toks[i];
		if (punct(t, "(")) {
			int call = i > start && is_name_tok(&sc->toks[i - 1]) &&
			           !is_syntax_word(&sc->toks[i - 1]);
			if (depth < MAX_DEPTH)
				in_call[depth] = (char)call;
			depth++;
			continue;
		}
		if (punct(t, ")")) {
			if (depth)
				depth--;
			continue;
		}
		int calling = depth && depth <= MAX_DEPTH && in_call[depth - 1];
		/* DELETE FROM t writes t (recorded by scan_verb); it does not read it */
		int delete_from = kw(t, "FROM") && i > start && kw(&sc->toks[i - 1], "DELETE");
		if ((kw(t, "FROM") || kw(t, "JOIN")) && !calling && !delete_from) {
			read_from_list(sc, i + 1, end);
			continue;
		}
		if (kw(t, "INTERVAL") && at(sc, i + 1, end) && at(sc, i + 1, end)->kind == TK_NUMBER) {
			i += 2; /* INTERVAL 30 DAY: the unit is not a column */
			continue;
		}
		if (!is_name_tok(t) || is_syntax_word(t) || punct(at(sc, i + 1, end), "("))
			continue;
		push_ident(sc, t);
	}
}

/* ---------------------------------------------------------------- mutations */

static void note_unbounded(scanner *sc, const char *what, const migplan__sqlname *table,
                           size_t pred_start, size_t pred_end)
{
	migplan__sqlinfo *info = sc->info;
	info->unbounded_count++;
	if (info->unbounded_what)
		return;
	const char *name = table && table->name ? table->name : "?";
	const char *pred = pred_end > pred_start ? sc->text + sc->toks[pred_start].off : NULL;
	size_t pred_len = pred ? sc->toks[pred_end - 1].off + sc->toks[pred_end - 1].len -
	                                 sc->toks[pred_start].off
	                       : 0;
	if (pred_len > 60)
		pred_len = 60;
	size_t n = strlen(what) + strlen(name) + pred_len + 32;
	char *s = migplan__arena_alloc(&info->arena, n);
	if (!s) {
		info->failed = 1;
		return;
	}
	char *p = s;
	memcpy(p, what, strlen(what));
	p += strlen(what);
	*p++ = ' ';
	memcpy(p, name, strlen(name));
	p += strlen(name);
	if (pred) {
		memcpy(p, " WHERE ", 7);
		p += 7;
		memcpy(p, pred, pred_len);
		p += pred_len;
	} else if (strncmp(what, "TRUNCATE", 8) != 0) {
		memcpy(p, " without WHERE", 14);
		p += 14;
	}
	*p = '\0';
	info->unbounded_what = s;
}

/* 1 when the predicate [s, e) is always true: `1`, `true`, `NOT 0`, `x = x` for a literal x. */
static int always_true(const scanner *sc, size_t s, size_t e)
{
	const tok *t = &sc->toks[s];
	size_t n = e - s;
	if (n == 1)
		return (t->kind == TK_NUMBER && !(t->len == 1 && t->p[0] == '0')) || kw(t, "TRUE");
	if (n == 2 && kw(t, "NOT"))
		return (t[1].kind == TK_NUMBER && t[1].len == 1 && t[1].p[0] == '0') || kw(&t[1], "FALSE");
	if (n == 3 && (punct(&t[1], "=") || punct(&t[1], "==")) &&
	    (t[0].kind == TK_NUMBER || t[0].kind == TK_STRING) && t[0].len == t[2].len &&
	    t[0].kind == t[2].kind && memcmp(t[0].p, t[2].p, t[0].len) == 0)
		return 1;
	return 0;
}

/* A mutation whose predicate follows a WHERE somewhere in [i, end) at depth 0. */
static void check_mutation(scanner *sc, size_t i, size_t end, const char *what,
                           const migplan__sqlname *table)
{
	sc->info->mutation_count++;
	size_t depth = 0;
	for (size_t k = i; k < end; k++) {
		const tok *t = &sc->toks[k];
		if (punct(t, "("))
			depth++;
		else if (punct(t, ")") && depth)
			depth--;
		else if (depth == 0 && kw(t, "WHERE")) {
			size_t e = k + 1;
			while (e < end && !kw(&sc->toks[e], "SETTINGS"))
				e++;
			if (e == k + 1 || always_true(sc, k + 1, e))
				note_unbounded(sc, what, table, k + 1, e);
			return;
		}
	}
	sc->info->missing_where_count++;
	note_unbounded(sc, what, table, 0, 0);
}

/* ---------------------------------------------------------------- statements */

static int is_alter_command(const tok *t)
{
	static const char *const words[] = {
		"ADD", "DROP", "MODIFY", "UPDATE", "DELETE", "RENAME", "CLEAR", "MATERIALIZE",
		"COMMENT", "FREEZE", "UNFREEZE", "ATTACH", "DETACH", "REPLACE", "MOVE", "FETCH",
		"REMOVE", "RESET", "APPLY",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (kw(t, words[i]))
			return 1;
	return 0;
}

/* The end of the ALTER command starting at i: the next `, <command keyword>` at depth 0. */
static size_t alter_command_end(const scanner *sc, size_t i, size_t end)
{
	size_t depth = 0;
	for (size_t k = i + 1; k < end; k++) {
		const tok *t = &sc->toks[k];
		if (punct(t, "("))
			depth++;
		else if (punct(t, ")") && depth)
			depth--;
		else if (depth == 0 && punct(t, ",") && is_alter_command(at(sc, k + 1, end)))
			return k;
	}
	return end;
}

static void alter_column_ddl(scanner *sc, size_t i, size_t end, const migplan__sqlname *table)
{
	const tok *verb = at(sc, i, end);
	if (!kw(at(sc, i + 1, end), "COLUMN"))
		return;
	size_t j = skip_if_exists(sc, i + 2, end);
	const tok *name = at(sc, j, end);
	if (!is_name_tok(name))
		return;
	migplan__sqlddl_kind kind = kw(verb, "ADD")    ? MIGPLAN__DDL_ADD_COLUMN
	                            : kw(verb, "DROP") ? MIGPLAN__DDL_DROP_COLUMN
	                            : kw(verb, "RENAME") ? MIGPLAN__DDL_RENAME_COLUMN
	                                                 : (migplan__sqlddl_kind)0;
	if (!kind)
		return;
	const tok *to = at(sc, j + 2, end);
	if (kind == MIGPLAN__DDL_RENAME_COLUMN && !(kw(at(sc, j + 1, end), "TO") && is_name_tok(to)))
		return;
	migplan__sqlddl *d = push_ddl(sc->info, kind);
	if (!d)
		return;
	d->object = *table;
	d->column = tok_text(sc, name);
	if (kind == MIGPLAN__DDL_RENAME_COLUMN)
		d->new_column = tok_text(sc, to);
}

static void scan_alter(scanner *sc, size_t i, size_t end)
{
	if (!kw(at(sc, i, end), "TABLE"))
		return;
	migplan__sqlname table;
	size_t j = read_name(sc, i + 1, end, &table);
	if (j == i + 1)
		return;
	record_write(sc, i + 1, end);
	j = skip_on_cluster(sc, j, end);
	while (j < end) {
		size_t e = alter_command_end(sc, j, end);
		const tok *cmd = &sc->toks[j];
		if (kw(cmd, "UPDATE") || kw(cmd, "DELETE")) {
			sc->info->backfill = 1;
			check_mutation(sc, j + 1, e, kw(cmd, "UPDATE") ? "ALTER TABLE ... UPDATE on"
			                                               : "ALTER TABLE ... DELETE on",
			               &table);
		} else {
			alter_column_ddl(sc, j, e, &table);
		}
		j = e + 1;
	}
}

/* CREATE TABLE name (col type, ...) / AS other / ...; CREATE [MATERIALIZED] VIEW name [TO t]. */
static void scan_create(scanner *sc, size_t i, size_t end)
{
	static const char *const or_replace[] = {"OR", "REPLACE", NULL};
	i = skip_words(sc, i, end, or_replace);
	if (kw(at(sc, i, end), "TEMPORARY"))
		i++;
	int materialized = kw(at(sc, i, end), "MATERIALIZED");
	if (materialized)
		i++;
	int view = kw(at(sc, i, end), "VIEW");
	if (!view && !kw(at(sc, i, end), "TABLE"))
		return;
	size_t j = skip_if_exists(sc, i + 1, end);
	migplan__sqlname name;
	size_t k = read_name(sc, j, end, &name);
	if (k == j)
		return;
	k = skip_on_cluster(sc, k, end);
	migplan__sqlddl *d = push_ddl(sc->info, view ? MIGPLAN__DDL_CREATE_VIEW : MIGPLAN__DDL_CREATE_TABLE);
	if (!d)
		return;
	d->object = name;
	d->materialized = materialized;
	if (view) {
		if (kw(at(sc, k, end), "TO"))
			read_name(sc, k + 1, end, &d->other);
		return;
	}
	if (kw(at(sc, k, end), "AS") && !kw(at(sc, k + 1, end), "SELECT") &&
	    !punct(at(sc, k + 2, end), "(")) {
		read_name(sc, k + 1, end, &d->other);
		return;
	}
	if (!punct(at(sc, k, end), "("))
		return;
	/* the column list: the first name of each element at depth 1 */
	static const char *const not_columns[] = {"INDEX", "PROJECTION", "CONSTRAINT", "PRIMARY", NULL};
	size_t depth = 0, cap = 0;
	int element_start = 1;
	for (size_t m = k; m < end; m++) {
		const tok *t = &sc->toks[m];
		if (punct(t, "(")) {
			depth++;
			continue;
		}
		if (punct(t, ")")) {
			if (--depth == 0)
				break;
			continue;
		}
		if (depth == 1 && punct(t, ",")) {
			element_start = 1;
			continue;
		}
		if (depth == 1 && element_start) {
			element_start = 0;
			int skip = 0;
			for (const char *const *w = not_columns; *w; w++)
				skip |= kw(t, *w);
			if (skip || !is_name_tok(t))
				continue;
			const char **n = grow(sc->info, (void *)d->columns, &cap, d->column_count, sizeof(*n));
			if (!n)
				return;
			d->columns = n;
			n[d->column_count++] = tok_text(sc, t);
		}
	}
}

static void scan_drop(scanner *sc, size_t i, size_t end)
{
	if (kw(at(sc, i, end), "TEMPORARY"))
		i++;
	if (!kw(at(sc, i, end), "TABLE") && !kw(at(sc, i, end), "VIEW") && !kw(at(sc, i, end), "DICTIONARY"))
		return;
	size_t j = skip_if_exists(sc, i + 1, end);
	migplan__sqlname name;
	if (read_name(sc, j, end, &name) == j)
		return;
	migplan__sqlddl *d = push_ddl(sc->info, MIGPLAN__DDL_DROP_TABLE);
	if (d)
		d->object = name;
}

static void scan_rename(scanner *sc, size_t i, size_t end)
{
	if (!kw(at(sc, i, end), "TABLE") && !kw(at(sc, i, end), "TABLES"))
		return;
	i++;
	while (i < end) {
		migplan__sqlname from, to;
		size_t j = read_name(sc, i, end, &from);
		if (j == i || !kw(at(sc, j, end), "TO"))
			return;
		size_t k = read_name(sc, j + 1, end, &to);
		if (k == j + 1)
			return;
		migplan__sqlddl *d = push_ddl(sc->info, MIGPLAN__DDL_RENAME_TABLE);
		if (d) {
			d->object = from;
			d->other = to;
		}
		if (!punct(at(sc, k, end), ","))
			return;
		i = k + 1;
	}
}

static void scan_exchange(scanner *sc, size_t i, size_t end)
{
	if (!kw(at(sc, i, end), "TABLES"))
		return;
	migplan__sqlname a, b;
	size_t j = read_name(sc, i + 1, end, &a);
	if (j == i + 1 || !kw(at(sc, j, end), "AND") || read_name(sc, j + 1, end, &b) == j + 1)
		return;
	migplan__sqlddl *d = push_ddl(sc->info, MIGPLAN__DDL_EXCHANGE_TABLES);
	if (d) {
		d->object = a;
		d->other = b;
	}
	record_write(sc, i + 1, end);
	record_write(sc, j + 1, end);
}

static int mentions_select(const scanner *sc, size_t i, size_t end)
{
	for (; i < end; i++)
		if (kw(&sc->toks[i], "SELECT"))
			return 1;
	return 0;
}

static migplan__sqlverb scan_verb(scanner *sc, size_t s, size_t e)
{
	const tok *t = &sc->toks[s];
	migplan__sqlname table;
	if (kw(t, "SELECT") || kw(t, "WITH") ||
	    (punct(t, "(") && (kw(at(sc, s + 1, e), "SELECT") || kw(at(sc, s + 1, e), "WITH"))))
		return MIGPLAN__SQL_SELECT;
	if (kw(t, "INSERT")) {
		size_t i = s + 1;
		if (kw(at(sc, i, e), "INTO"))
			i++;
		if (kw(at(sc, i, e), "TABLE"))
			i++;
		if (!kw(at(sc, i, e), "FUNCTION"))
			record_write(sc, i, e);
		if (mentions_select(sc, i, e))
			sc->info->backfill = 1;
		return MIGPLAN__SQL_INSERT;
	}
	if (kw(t, "ALTER")) {
		scan_alter(sc, s + 1, e);
		return MIGPLAN__SQL_ALTER;
	}
	if (kw(t, "DELETE") && kw(at(sc, s + 1, e), "FROM")) {
		size_t j = read_name(sc, s + 2, e, &table);
		record_write(sc, s + 2, e);
		sc->info->backfill = 1;
		check_mutation(sc, j, e, "DELETE FROM", &table);
		return MIGPLAN__SQL_DELETE;
	}
	if (kw(t, "UPDATE")) {
		size_t j = read_name(sc, s + 1, e, &table);
		record_write(sc, s + 1, e);
		sc->info->backfill = 1;
		check_mutation(sc, j, e, "UPDATE", &table);
		return MIGPLAN__SQL_UPDATE;
	}
	if (kw(t, "TRUNCATE")) {
		size_t i = s + 1;
		if (kw(at(sc, i, e), "TABLE"))
			i++;
		i = skip_if_exists(sc, i, e);
		if (read_name(sc, i, e, &table) != i) {
			record_write(sc, i, e);
			sc->info->mutation_count++;
			note_unbounded(sc, "TRUNCATE TABLE", &table, 0, 0);
		}
		return MIGPLAN__SQL_TRUNCATE;
	}
	if (kw(t, "OPTIMIZE")) {
		if (kw(at(sc, s + 1, e), "TABLE"))
			record_write(sc, s + 2, e);
		return MIGPLAN__SQL_OPTIMIZE;
	}
	if (kw(t, "CREATE") || kw(t, "ATTACH")) {
		scan_create(sc, s + 1, e);
		return MIGPLAN__SQL_CREATE;
	}
	if (kw(t, "DROP") || kw(t, "DETACH")) {
		scan_drop(sc, s + 1, e);
		return MIGPLAN__SQL_DROP;
	}
	if (kw(t, "RENAME")) {
		scan_rename(sc, s + 1, e);
		return MIGPLAN__SQL_RENAME;
	}
	if (kw(t, "EXCHANGE")) {
		scan_exchange(sc, s + 1, e);
		return MIGPLAN__SQL_EXCHANGE;
	}
	return t->kind == TK_WORD ? MIGPLAN__SQL_OTHER : MIGPLAN__SQL_NONE;
}

static void scan_statement(scanner *sc, size_t s, size_t e)
{
	migplan__sqlverb verb = scan_verb(sc, s, e);
	if (sc->info->statement_count++ == 0)
		sc->info->verb = verb;
	scan_reads_and_idents(sc, s, e);
}

migplan_status migplan__sql_scan(migplan__sqlinfo *out, const char *text, size_t len)
{
	memset(out, 0, sizeof(*out));
	migplan__arena_init(&out->arena);
	if (!text)
		return MIGPLAN_OK;
	/* The texts are mostly short expressions and an analysis keeps thousands of scans: size
	 * the first chunk by the text (its names, copied, and the arrays rarely need more than
	 * twice its length), not the 64 KiB a document's arena starts with. */
	migplan__arena_init_sized(&out->arena, 256 + 2 * len);
	scanner sc = {out, text, len, NULL, 0, 0};
	if (!tokenize(&sc)) {
		free(sc.toks);
		return migplan__error_oom();
	}
	size_t start = 0;
	for (size_t i = 0; i <= sc.count; i++) {
		if (i < sc.count && sc.toks[i].kind != TK_SEMI)
			continue;
		if (i > start)
			scan_statement(&sc, start, i);
		start = i + 1;
	}
	/* a statement that is only a bare expression has no verb */
	if (out->statement_count == 1 && out->verb == MIGPLAN__SQL_OTHER && !out->write_count &&
	    !out->ddl_count)
		out->verb = MIGPLAN__SQL_NONE;
	free(sc.toks);
	return out->failed ? migplan__error_oom() : MIGPLAN_OK;
}

void migplan__sql_release(migplan__sqlinfo *info)
{
	if (!info)
		return;
	migplan__arena_release(&info->arena);
	memset(info, 0, sizeof(*info));
}

int migplan__sql_mentions(const migplan__sqlinfo *info, const char *name)
{
	if (!info || !name)
		return 0;
	for (size_t i = 0; i < info->ident_count; i++)
		if (info->idents[i] && strcmp(info->idents[i], name) == 0)
			return 1;
	return 0;
}
