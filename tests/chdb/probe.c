/* What the engine does with one change.
 *
 * For a type pair (from, to), in a database of its own:
 *   ref  (id UInt32, v From)  filled with the boundary values of From: the reference.
 *   alt  a copy of ref, then ALTER TABLE alt MODIFY COLUMN v To (mutations_sync = 2).
 *   cst  (id UInt32, v To) filled with INSERT ... SELECT id, CAST(v AS To) FROM ref.
 *   ko / kp  empty tables with v in ORDER BY (v, id) / PARTITION BY v, altered the same way:
 *            the refusal on key columns is decided from metadata, so they need no rows.
 * Then, for alt and cst against ref:
 *   reads       `SELECT v` as the client sees it (TSV text; FixedString keeps its NUL padding,
 *               which toString() drops);
 *   round trip  `SELECT CAST(v AS From)` must give the old text back;
 *   order       `ORDER BY v, id` must give the same row order;
 *   equality    `v = 'old text'` and `v = CAST('old text' AS From)` must match the same rows;
 *   restore     each new value, as text, must parse back into To as the same value.
 * A change is safe on the engine when ALTER and CAST both succeed and every check holds. */
#include "probe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan/errors.h"

#define SYNC " SETTINGS mutations_sync = 2, alter_sync = 2"

static migplan__chdb *engine;
static char last_error[1024];

/* Run a statement; returns its output (malloc'd) or NULL with last_error set. */
static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *run(const char *fmt, ...)
{
	va_list ap;
	char *sql, *out = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	sql = malloc((size_t)n + 1);
	if (!sql)
		abort();
	va_start(ap, fmt);
	vsnprintf(sql, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (migplan__chdb_query(engine, sql, "TSV", &out, NULL) != MIGPLAN_OK) {
		snprintf(last_error, sizeof(last_error), "%s", migplan_error_message(migplan_error_last()));
		out = NULL;
	}
	free(sql);
	return out;
}

static int run_ok(const char *sql)
{
	char *out = run("%s", sql);
	free(out);
	return out != NULL;
}

/* The message without ClickHouse's "Code: N. DB::Exception: " prefix and its trailing
 * "(version ...)" and "while executing ..." details, so it fits on one TSV line. */
static void short_error(char *dst, size_t cap, const char *msg)
{
	const char *p = strstr(msg, "DB::Exception: ");
	const char *end;
	size_t n;

	p = p ? p + strlen("DB::Exception: ") : msg;
	/* a failed mutation nests the real reason in "reason: 'Code: N. DB::Exception: ...'" */
	if (strstr(p, "reason: '")) {
		const char *inner = strstr(strstr(p, "reason: '"), "DB::Exception: ");
		if (inner)
			p = inner + strlen("DB::Exception: ");
	}
	end = strstr(p, ": while ");
	if (!end)
		end = strstr(p, ". (");
	if (!end)
		end = p + strlen(p);
	n = (size_t)(end - p);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
	for (n = 0; dst[n]; n++) {
		if (dst[n] == '\n') {
			dst[n] = '\0';
			break;
		}
		if (dst[n] == '\t')
			dst[n] = ' ';
	}
}

static void note_error(observation *o, const char *what)
{
	char msg[400];
	if (o->error[0])
		return;
	short_error(msg, sizeof(msg), last_error);
	snprintf(o->error, sizeof(o->error), "%s: %s", what, msg);
}

/* ---- rows of one table ---- */

typedef struct rows {
	size_t count;
	unsigned *id;
	char **text;   /* the value as TSV text, NULL when the row could not be read */
	char **back;   /* CAST(v AS From) as TSV text, NULL when that failed */
	char **back_error;
} rows;

static void rows_free(rows *r)
{
	size_t i;
	for (i = 0; i < r->count; i++) {
		free(r->text[i]);
		free(r->back[i]);
		free(r->back_error[i]);
	}
	free(r->id);
	free(r->text);
	free(r->back);
	free(r->back_error);
	memset(r, 0, sizeof(*r));
}

/* Split TSV output into lines (in place). Returns the number of lines. */
static size_t lines(char *out, char ***line)
{
	size_t n = 0, cap = 0;
	char *p = out, *nl;
	*line = NULL;
	while (*p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			*line = realloc(*line, cap * sizeof(**line));
			if (!*line)
				abort();
		}
		(*line)[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

static char *field(char *line, int index)
{
	char *p = line;
	int i;
	for (i = 0; i < index && p; i++) {
		p = strchr(p, '\t');
		if (p)
			p++;
	}
	if (!p)
		return NULL;
	return p;
}

static char *dup_field(char *line, int index)
{
	char *f = field(line, index), *tab;
	size_t n;
	if (!f)
		return NULL;
	tab = strchr(f, '\t');
	n = tab ? (size_t)(tab - f) : strlen(f);
	return xprintf("%.*s", (int)n, f);
}

/* Read ids, values and (with from != NULL) the round trip to from. */
static int read_rows(rows *r, const char *db, const char *table, const char *from)
{
	char *out, **line;
	size_t n, i;

	memset(r, 0, sizeof(*r));
	out = run("SELECT id, v FROM %s.%s ORDER BY id", db, table);
	if (!out)
		return 0;
	n = lines(out, &line);
	r->count = n;
	r->id = calloc(n + 1, sizeof(*r->id));
	r->text = calloc(n + 1, sizeof(*r->text));
	r->back = calloc(n + 1, sizeof(*r->back));
	r->back_error = calloc(n + 1, sizeof(*r->back_error));
	if (!r->id || !r->text || !r->back || !r->back_error)
		abort();
	for (i = 0; i < n; i++) {
		r->id[i] = (unsigned)strtoul(line[i], NULL, 10);
		r->text[i] = dup_field(line[i], 1);
	}
	free(line);
	free(out);
	if (!from)
		return 1;
	out = run("SELECT id, CAST(v AS %s) FROM %s.%s ORDER BY id", from, db, table);
	if (out) {
		n = lines(out, &line);
		for (i = 0; i < n && i < r->count; i++)
			r->back[i] = dup_field(line[i], 1);
		free(line);
		free(out);
		return 1;
	}
	/* one value does not convert back: find which, row by row */
	for (i = 0; i < r->count; i++) {
		out = run("SELECT CAST(v AS %s) FROM %s.%s WHERE id = %u", from, db, table, r->id[i]);
		if (out) {
			size_t len = strlen(out);
			if (len && out[len - 1] == '\n')
				out[len - 1] = '\0';
			r->back[i] = out;
		} else {
			char msg[300];
			short_error(msg, sizeof(msg), last_error);
			r->back_error[i] = xprintf("%s", msg);
		}
	}
	return 1;
}

/* A TSV field as a ClickHouse string literal: TSV escapes are SQL escapes too, only bare
 * single quotes need one. */
static char *literal(const char *tsv)
{
	size_t n = strlen(tsv), i, o = 0;
	char *s = malloc(2 * n + 3);
	if (!s)
		abort();
	s[o++] = '\'';
	for (i = 0; i < n; i++) {
		if (tsv[i] == '\\' && tsv[i + 1]) {
			s[o++] = tsv[i++];
			s[o++] = tsv[i];
			continue;
		}
		if (tsv[i] == '\'')
			s[o++] = '\\';
		s[o++] = tsv[i];
	}
	s[o++] = '\'';
	s[o] = '\0';
	return s;
}

/* The row order of ORDER BY v, or NULL when v cannot be ordered. */
static char *order_of(const char *db, const char *table)
{
	char *out = run("SELECT arrayStringConcat(groupArray(toString(id)), ',') FROM "
	                "(SELECT id FROM %s.%s ORDER BY v, id)", db, table);
	if (out) {
		size_t n = strlen(out);
		if (n && out[n - 1] == '\n')
			out[n - 1] = '\0';
	}
	return out;
}

/* For each reference value: which rows `v = <literal>` matches (typed: compared with
 * CAST(<literal> AS from)). NULL entries: the comparison failed. */
static char **matches(const char *db, const char *table, const rows *ref, const char *from,
                      int typed)
{
	char **res = calloc(ref->count + 1, sizeof(*res));
	size_t i;

	if (!res)
		abort();
	for (i = 0; i < ref->count; i++) {
		char *lit, *out;
		if (!ref->text[i] || strcmp(ref->text[i], "\\N") == 0)
			continue;
		lit = literal(ref->text[i]);
		if (typed)
			out = run("SELECT arrayStringConcat(groupArray(toString(id)), ',') FROM %s.%s "
			          "WHERE v = CAST(%s AS %s)", db, table, lit, from);
		else
			out = run("SELECT arrayStringConcat(groupArray(toString(id)), ',') FROM %s.%s "
			          "WHERE v = %s", db, table, lit);
		free(lit);
		if (out) {
			size_t n = strlen(out);
			if (n && out[n - 1] == '\n')
				out[n - 1] = '\0';
		}
		res[i] = out;
	}
	return res;
}

static void free_matches(char **m, size_t n)
{
	size_t i;
	if (!m)
		return;
	for (i = 0; i < n; i++)
		free(m[i]);
	free(m);
}

/* The shortened text of a value for examples. */
static void shorten(char *dst, size_t cap, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (!v) {
		snprintf(dst, cap, "(unreadable)");
	} else if (n > 60) {
		/* keep whole UTF-8 characters */
		size_t cut = 40;
		while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
			cut--;
		snprintf(dst, cap, "%.*s...(%zu bytes)", (int)cut, v, n);
	} else {
		snprintf(dst, cap, "%s", v);
	}
}

static void set_example(observation *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_example(observation *o, const char *fmt, ...)
{
	va_list ap;
	if (o->example[0])
		return;
	va_start(ap, fmt);
	vsnprintf(o->example, sizeof(o->example), fmt, ap);
	va_end(ap);
}

/* The text as a SQL literal that yields the text itself (TSV escapes stay escapes). */
static char *raw_literal(const char *text)
{
	size_t n = strlen(text), i, o = 0;
	char *s = malloc(2 * n + 3);
	if (!s)
		abort();
	s[o++] = '\'';
	for (i = 0; i < n; i++) {
		if (text[i] == '\\' || text[i] == '\'')
			s[o++] = '\\';
		s[o++] = text[i];
	}
	s[o++] = '\'';
	s[o] = '\0';
	return s;
}

/* Does the TSV text of one value parse back, as the new type, into the same value? */
static int restores(const char *db, const char *table, const char *to, unsigned id,
                    const char *tsv, char *why, size_t cap)
{
	char *data = xprintf("%u\t%s\n", id, tsv);
	char *structure = xprintf("id UInt32, v %s", to);
	char *ldata = raw_literal(data), *lstruct = raw_literal(structure);
	char *out = run("SELECT (SELECT ifNull(toString(v), 'NULL') FROM format(TSV, %s, %s)) = "
	                "(SELECT ifNull(toString(v), 'NULL') FROM %s.%s WHERE id = %u)", lstruct, ldata,
	                db, table, id);
	int same = out && out[0] == '1';

	why[0] = '\0';
	if (!out)
		short_error(why, cap, last_error);
	free(out);
	free(data);
	free(structure);
	free(ldata);
	free(lstruct);
	return same;
}

/* Dump and restore: every new value, written as TSV text, must parse back into the new type
 * as the same value (a backup, or an application re-inserting what it read). This is where
 * Decimal precision shows: CAST checks only the storage width, so Decimal(8, 2) stores
 * 9999999.99, but the TSV parser checks the declared precision and refuses that text. */
static void restore_check(observation *o, const char *db, const char *table, const char *to,
                          const rows *r)
{
	size_t i;
	char a[128], why[300];

	for (i = 0; i < r->count; i++) {
		if (!r->text[i] || restores(db, table, to, r->id[i], r->text[i], why, sizeof(why)))
			continue;
		o->restore_failed++;
		shorten(a, sizeof(a), r->text[i]);
		if (why[0])
			set_example(o, "%s cannot be written back as %s text (%s)", a, to, why);
		else
			set_example(o, "%s, written as text, reads back as another %s", a, to);
	}
}

/* Compare one converted table with the reference. */
static void compare(observation *o, const char *db, const char *table, const char *from,
                    const char *to, const rows *ref, const char *ref_order, char **ref_eq, char **ref_eq_typed,
                    const char *how)
{
	rows r;
	size_t i;
	char a[128], b[128];
	char *order, **eq, **eq_typed;

	if (!read_rows(&r, db, table, from)) {
		note_error(o, how);
		o->read_changed = ref->count;
		set_example(o, "the table cannot be read after %s", how);
		return;
	}
	for (i = 0; i < ref->count && i < r.count; i++) {
		int read_same = r.text[i] && ref->text[i] && strcmp(r.text[i], ref->text[i]) == 0;
		int back_same = r.back[i] && ref->text[i] && strcmp(r.back[i], ref->text[i]) == 0;
		if (!back_same) {
			o->lost++;
			shorten(a, sizeof(a), ref->text[i]);
			if (r.back[i]) {
				shorten(b, sizeof(b), r.text[i]);
				if (read_same)
					set_example(o, "%s comes back as %s", a, r.back[i]);
				else
					set_example(o, "%s becomes %s", a, b);
			} else {
				set_example(o, "%s does not convert back (%s)", a,
				            r.back_error[i] ? r.back_error[i] : "?");
			}
		}
		if (!read_same) {
			o->read_changed++;
			shorten(a, sizeof(a), ref->text[i]);
			shorten(b, sizeof(b), r.text[i]);
			set_example(o, "%s reads as %s", a, b);
		}
	}
	if (r.count != ref->count) {
		o->lost += ref->count > r.count ? ref->count - r.count : r.count - ref->count;
		set_example(o, "%zu rows become %zu", ref->count, r.count);
	}
	restore_check(o, db, table, to, &r);
	order = order_of(db, table);
	if (ref_order && (!order || strcmp(order, ref_order) != 0)) {
		o->order_changed = 1;
		set_example(o, "ORDER BY v gives rows %s instead of %s", order ? order : "(error)",
		            ref_order);
	}
	free(order);
	eq = matches(db, table, ref, from, 0);
	eq_typed = matches(db, table, ref, from, 1);
	for (i = 0; i < ref->count; i++) {
		if (ref_eq[i] && (!eq[i] || strcmp(eq[i], ref_eq[i]) != 0)) {
			o->eq_changed = 1;
			shorten(a, sizeof(a), ref->text[i]);
			set_example(o, "v = '%s' matches rows [%s] instead of [%s]", a,
			            eq[i] ? eq[i] : "error", ref_eq[i]);
		}
		if (ref_eq_typed[i] && (!eq_typed[i] || strcmp(eq_typed[i], ref_eq_typed[i]) != 0)) {
			o->eq_changed = 1;
			shorten(a, sizeof(a), ref->text[i]);
			set_example(o, "v = CAST('%s' AS %s) matches rows [%s] instead of [%s]", a, from,
			            eq_typed[i] ? eq_typed[i] : "error", ref_eq_typed[i]);
		}
	}
	free_matches(eq, ref->count);
	free_matches(eq_typed, ref->count);
	rows_free(&r);
}

/* Undo TSV escaping in place (system.columns spells Enum8(\'a\' = 1) in TSV). */
static void tsv_unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == '0' ? '\0' : *s;
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
}

static void engine_type(char *dst, size_t cap, const char *db, const char *table)
{
	char *out = run("SELECT type FROM system.columns WHERE database = '%s' AND table = '%s' "
	                "AND name = 'v'", db, table);
	dst[0] = '\0';
	if (out) {
		size_t n = strlen(out);
		if (n && out[n - 1] == '\n')
			out[n - 1] = '\0';
		tsv_unescape(out);
		snprintf(dst, cap, "%s", out);
		free(out);
	}
}

static long mutations_of(const char *db, const char *table)
{
	char *out = run("SELECT count() FROM system.mutations WHERE database = '%s' AND "
	                "table = '%s'", db, table);
	long n = out ? atol(out) : -1;
	free(out);
	return n;
}

static int fill(observation *o, const char *db, const char *from)
{
	value_list vals = {0};
	size_t i, len = 64;
	char *sql, *out;

	if (!catalog_values(&vals, from) || vals.count == 0) {
		snprintf(o->error, sizeof(o->error), "the catalogue has no values for %s", from);
		value_list_free(&vals);
		return 0;
	}
	for (i = 0; i < vals.count; i++)
		len += strlen(vals.items[i]) + 32;
	sql = malloc(len + strlen(db));
	if (!sql)
		abort();
	sprintf(sql, "INSERT INTO %s.ref VALUES ", db);
	for (i = 0; i < vals.count; i++)
		sprintf(sql + strlen(sql), "%s(%zu, %s)", i ? ", " : "", i + 1, vals.items[i]);
	out = run("%s", sql);
	free(sql);
	if (out) {
		o->rows = vals.count;
		free(out);
	} else {
		/* a value the type refuses (the catalogue is generic): keep the others */
		for (i = 0; i < vals.count; i++) {
			out = run("INSERT INTO %s.ref VALUES (%zu, %s)", db, i + 1, vals.items[i]);
			if (out)
				o->rows++;
			else
				o->values_skipped++;
			free(out);
		}
	}
	value_list_free(&vals);
	if (!o->rows)
		snprintf(o->error, sizeof(o->error), "%s refused every catalogue value", from);
	return o->rows > 0;
}

static int key_alter(observation *o, const char *db, const char *table, const char *from,
                     const char *to, const char *key)
{
	char *out = run("CREATE TABLE %s.%s (id UInt32, v %s) ENGINE = MergeTree %s "
	                "SETTINGS allow_nullable_key = 1", db, table, from, key);
	if (!out)
		return STEP_NA;
	free(out);
	out = run("ALTER TABLE %s.%s MODIFY COLUMN v %s" SYNC, db, table, to);
	if (out) {
		free(out);
		return STEP_OK;
	}
	if (!o->key_error[0])
		short_error(o->key_error, sizeof(o->key_error), last_error);
	return STEP_REFUSED;
}

int probe_pair(migplan__chdb *eng, size_t index, const char *from, const char *to, observation *o)
{
	char db[32];
	rows ref;
	char *ref_order, **ref_eq, **ref_eq_typed, *out;

	engine = eng;
	memset(o, 0, sizeof(*o));
	o->alter = o->cast = STEP_REFUSED;
	o->key_order = o->key_partition = STEP_NA;
	snprintf(db, sizeof(db), "p%zu", index);
	if (!(out = run("CREATE DATABASE %s ENGINE = Atomic", db))) {
		short_error(o->error, sizeof(o->error), last_error);
		return -1;
	}
	free(out);
	if (!(out = run("CREATE TABLE %s.ref (id UInt32, v %s) ENGINE = MergeTree ORDER BY id", db,
	                from))) {
		note_error(o, "the old type");
		goto done;
	}
	free(out);
	if (!fill(o, db, from))
		goto done;
	o->from_ok = 1;
	engine_type(o->from_engine, sizeof(o->from_engine), db, "ref");
	if (!read_rows(&ref, db, "ref", NULL)) {
		note_error(o, "reading the old values");
		o->from_ok = 0;
		goto done;
	}
	ref_order = order_of(db, "ref");
	ref_eq = matches(db, "ref", &ref, from, 0);
	ref_eq_typed = matches(db, "ref", &ref, from, 1);

	/* ALTER TABLE ... MODIFY COLUMN */
	out = run("CREATE TABLE %s.alt (id UInt32, v %s) ENGINE = MergeTree ORDER BY id", db, from);
	free(out);
	out = run("INSERT INTO %s.alt SELECT * FROM %s.ref", db, db);
	free(out);
	out = run("ALTER TABLE %s.alt MODIFY COLUMN v %s" SYNC, db, to);
	o->mutation = mutations_of(db, "alt") > 0;
	if (out) {
		free(out);
		o->alter = STEP_OK;
		engine_type(o->to_engine, sizeof(o->to_engine), db, "alt");
		compare(o, db, "alt", from, to, &ref, ref_order, ref_eq, ref_eq_typed, "ALTER");
	} else {
		o->alter = o->mutation ? STEP_MUTATION_FAILED : STEP_REFUSED;
		note_error(o, "ALTER");
		if (o->mutation) {
			char sql[160];
			snprintf(sql, sizeof(sql), "KILL MUTATION WHERE database = '%s' AND table = 'alt' SYNC",
			         db);
			run_ok(sql);
		}
	}

	/* INSERT ... SELECT CAST */
	out = run("CREATE TABLE %s.cst (id UInt32, v %s) ENGINE = MergeTree ORDER BY id", db, to);
	if (!out) {
		note_error(o, "the new type");
	} else {
		free(out);
		if (!o->to_engine[0])
			engine_type(o->to_engine, sizeof(o->to_engine), db, "cst");
		out = run("INSERT INTO %s.cst SELECT id, CAST(v AS %s) FROM %s.ref", db, to, db);
		if (out) {
			free(out);
			o->cast = STEP_OK;
			compare(o, db, "cst", from, to, &ref, ref_order, ref_eq, ref_eq_typed, "CAST");
		} else {
			note_error(o, "CAST");
		}
	}

	/* key columns */
	o->key_order = key_alter(o, db, "ko", from, to, "ORDER BY (v, id)");
	o->key_partition = key_alter(o, db, "kp", from, to, "PARTITION BY v ORDER BY id");

	free(ref_order);
	free_matches(ref_eq, ref.count);
	free_matches(ref_eq_typed, ref.count);
	rows_free(&ref);
	o->safe = o->alter == STEP_OK && o->cast == STEP_OK && !o->read_changed && !o->lost &&
	          !o->order_changed && !o->eq_changed && !o->restore_failed;
	if (!o->safe && !o->example[0] && o->error[0])
		set_example(o, "%s", o->error);
done:
	out = run("DROP DATABASE %s SYNC", db);
	free(out);
	return 0;
}

/* ---- column properties ---- */

static char *snapshot_reads(const char *db)
{
	char *out = run("SELECT id, v FROM %s.t ORDER BY id", db);
	return out;
}

static char *snapshot_header(const char *db)
{
	return run("SELECT * FROM %s.t LIMIT 0 FORMAT TSVWithNames", db);
}

static int is_computed(const char *def)
{
	return strncmp(def, "MATERIALIZED", 12) == 0 || strncmp(def, "ALIAS", 5) == 0;
}

static void diff_reads(observation *o, const char *before, const char *after, const char *when)
{
	char *b = xprintf("%s", before), *a = xprintf("%s", after);
	char **bl, **al;
	size_t nb = lines(b, &bl), na = lines(a, &al), i;

	for (i = 0; i < nb && i < na; i++) {
		if (strcmp(bl[i], al[i]) != 0) {
			char *bid = dup_field(bl[i], 0), *bv = dup_field(bl[i], 1), *av = dup_field(al[i], 1);
			o->read_changed++;
			set_example(o, "row %s reads %s instead of %s %s", bid, av ? av : "?", bv ? bv : "?",
			            when);
			free(bid);
			free(bv);
			free(av);
		}
	}
	if (nb != na)
		o->lost++;
	free(bl);
	free(al);
	free(a);
	free(b);
}

int probe_property(migplan__chdb *eng, size_t index, const property_case *pc, observation *o)
{
	char db[32];
	char *out, *before = NULL, *header = NULL, *after = NULL, *header_after = NULL;
	const char *v_in = is_computed(pc->before) ? "" : ", v";
	const char *v3 = is_computed(pc->before) ? "" : ", 33";
	const char *v4 = is_computed(pc->before) ? "" : ", 44";

	engine = eng;
	memset(o, 0, sizeof(*o));
	o->alter = o->cast = STEP_REFUSED;
	o->key_order = o->key_partition = STEP_NA;
	snprintf(db, sizeof(db), "q%zu", index);
	if (!(out = run("CREATE DATABASE %s ENGINE = Atomic", db))) {
		short_error(o->error, sizeof(o->error), last_error);
		return -1;
	}
	free(out);
	/* rows 1-2 are in a part written before v existed: ClickHouse computes v for them on read */
	out = run("CREATE TABLE %s.t (id UInt32, x Int32, d DateTime) ENGINE = MergeTree ORDER BY id",
	          db);
	free(out);
	out = run("INSERT INTO %s.t VALUES (1, 10, now() - INTERVAL 30 DAY), "
	          "(2, 20, now() - INTERVAL 30 DAY)", db);
	free(out);
	if (!(out = run("ALTER TABLE %s.t ADD COLUMN v Int32 %s" SYNC, db, pc->before))) {
		note_error(o, "ADD COLUMN");
		goto done;
	}
	free(out);
	out = run("INSERT INTO %s.t (id, x, d%s) VALUES (3, 30, now() - INTERVAL 30 DAY%s), "
	          "(4, 40, now()%s)", db, v_in, v3, v4);
	free(out);
	o->from_ok = 1;
	o->rows = 4;
	before = snapshot_reads(db);
	header = snapshot_header(db);
	if (strncmp(pc->after, "REMOVE", 6) == 0)
		out = run("ALTER TABLE %s.t MODIFY COLUMN v %s" SYNC, db, pc->after);
	else
		out = run("ALTER TABLE %s.t MODIFY COLUMN v Int32 %s" SYNC, db, pc->after);
	o->mutation = mutations_of(db, "t") > 0;
	if (!out) {
		o->alter = o->mutation ? STEP_MUTATION_FAILED : STEP_REFUSED;
		note_error(o, "ALTER");
		goto done;
	}
	free(out);
	o->alter = STEP_OK;
	o->cast = STEP_OK;
	after = snapshot_reads(db);
	header_after = snapshot_header(db);
	if (before && after)
		diff_reads(o, before, after, "after the ALTER");
	if (header && header_after && strcmp(header, header_after) != 0) {
		o->header_changed = 1;
		set_example(o, "SELECT * returns columns [%.*s] instead of [%.*s]",
		            (int)strcspn(header_after, "\n"), header_after, (int)strcspn(header, "\n"),
		            header);
	}
	/* merges write v into the old part and apply TTLs: what the rows read from then on */
	free(after);
	after = NULL;
	if ((out = run("OPTIMIZE TABLE %s.t FINAL", db)) != NULL) {
		free(out);
		after = snapshot_reads(db);
		if (before && after)
			diff_reads(o, before, after, "after a merge");
	}
	o->safe = !o->read_changed && !o->lost && !o->header_changed;
done:
	free(before);
	free(after);
	free(header);
	free(header_after);
	out = run("DROP DATABASE %s SYNC", db);
	free(out);
	return 0;
}
