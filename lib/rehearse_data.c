/* The data of a rehearsal: generated rows with boundary values, the row key of each table, and
 * the baseline copy (rehearse_measure.c measures what changed against it).
 *
 * Values are made by ClickHouse (generateRandom with a seed, read in one thread so the rows come
 * in the same order every run). Each column takes, on a fixed share of the rows, a boundary
 * value of its type (the type's limits and those of the narrower types it may be cast to,
 * NaN and infinities, empty and odd strings, NULL when nullable), so that a lossy change
 * shows on the rows that matter. The row key column takes a unique value per row instead. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan/chtype.h"
#include "migplan/snapshot.h"

#include "error.h"
#include "rehearse_private.h"

#define MAX_STRING_LENGTH 16
#define MAX_ARRAY_LENGTH 4

/* ---------------------------------------------------------------- types */

typedef struct coltype {
	migplan_chtype *tree;        /* owned; NULL when the type did not parse */
	const migplan_chtype *base;  /* Nullable and LowCardinality stripped */
	int nullable;
} coltype;

static void coltype_parse(coltype *ct, const char *text)
{
	memset(ct, 0, sizeof(*ct));
	if (migplan_chtype_parse(&ct->tree, text, strlen(text)) != MIGPLAN_OK) {
		ct->tree = NULL;
		migplan_error_clear();
		return;
	}
	ct->base = ct->tree;
	for (;;) {
		migplan_chtype_kind k = migplan_chtype_kind_of(ct->base);
		if (k == MIGPLAN_CHTYPE_NULLABLE)
			ct->nullable = 1;
		else if (k != MIGPLAN_CHTYPE_LOW_CARDINALITY)
			break;
		ct->base = migplan_chtype_child_at(ct->base, 0);
	}
}

static migplan_chtype_kind base_kind(const coltype *ct)
{
	return ct->base ? migplan_chtype_kind_of(ct->base) : MIGPLAN_CHTYPE_OTHER;
}

/* generateRandom() refuses these (ClickHouse 26.7: JSON, Object, Dynamic, Variant,
 * AggregateFunction); a column of such a type, even nested, gets a simple value instead. */
static int generate_random_refuses(const char *type)
{
	static const char *const names[] = {"JSON", "Object(", "Dynamic", "Variant(", NULL};
	for (int i = 0; names[i]; i++)
		if (strstr(type, names[i]))
			return 1;
	for (const char *p = strstr(type, "AggregateFunction("); p; p = strstr(p + 1, "AggregateFunction("))
		if (p == type || p[-1] != 'e') /* not SimpleAggregateFunction */
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- boundary values */

typedef struct specials {
	char *items[48];
	size_t n;
} specials;

static void add_special(specials *s, const char *fmt, ...) MIGPLAN__PRINTF(2, 3);
static void add_special(specials *s, const char *fmt, ...)
{
	va_list ap;
	char buf[512];
	if (s->n >= sizeof(s->items) / sizeof(s->items[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s->items[s->n] = strdup(buf);
	if (s->items[s->n])
		s->n++;
}

static void free_specials(specials *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	s->n = 0;
}

/* Limits of the integer widths 8, 16, 32, 64, as text: each type gets its own limits and the
 * limits (and one past them) of every narrower width, where a narrowing change would cut. */
static const char *const s_max[] = {"127", "32767", "2147483647", "9223372036854775807"};
static const char *const s_max1[] = {"128", "32768", "2147483648", "9223372036854775808"};
static const char *const s_min[] = {"-128", "-32768", "-2147483648", "-9223372036854775808"};
static const char *const s_min1[] = {"-129", "-32769", "-2147483649", "-9223372036854775809"};
static const char *const u_max[] = {"255", "65535", "4294967295", "18446744073709551615"};
static const char *const u_max1[] = {"256", "65536", "4294967296", "18446744073709551616"};

static void int_specials(specials *s, unsigned bits, int is_signed)
{
	static const unsigned widths[] = {8, 16, 32, 64};
	add_special(s, "'0'");
	add_special(s, "'1'");
	if (is_signed)
		add_special(s, "'-1'");
	for (int i = 0; i < 4; i++) {
		unsigned w = widths[i];
		if (w > bits)
			break;
		if (is_signed) {
			add_special(s, "'%s'", s_max[i]);
			add_special(s, "'%s'", s_min[i]);
			if (w < bits) {
				add_special(s, "'%s'", s_max1[i]);
				add_special(s, "'%s'", s_min1[i]);
				add_special(s, "'%s'", u_max[i]);
				add_special(s, "'%s'", u_max1[i]);
			}
		} else {
			add_special(s, "'%s'", s_max[i]);
			add_special(s, "'%s'", s_max1[i]);
			add_special(s, "'%s'", u_max[i]);
			if (w < bits)
				add_special(s, "'%s'", u_max1[i]);
		}
	}
	if (bits == 128 && is_signed) {
		add_special(s, "'170141183460469231731687303715884105727'");
		add_special(s, "'-170141183460469231731687303715884105728'");
	} else if (bits == 128) {
		add_special(s, "'340282366920938463463374607431768211455'");
	} else if (bits == 256 && is_signed) {
		add_special(s, "'57896044618658097711785492504343953926634992332820282019728792003956564819967'");
		add_special(s, "'-57896044618658097711785492504343953926634992332820282019728792003956564819968'");
	} else if (bits == 256) {
		add_special(s, "'115792089237316195423570985008687907853269984665640564039457584007913129639935'");
	}
}

static void float_specials(specials *s)
{
	static const char *const v[] = {"0", "-0", "inf", "-inf", "nan", "0.1", "-1", "16777217",
	                                "3.4028235e38", "1e-45", "1.7976931348623157e308", NULL};
	for (int i = 0; v[i]; i++)
		add_special(s, "'%s'", v[i]);
}

static void decimal_specials(specials *s, unsigned precision, unsigned scale)
{
	char nines[80], frac[80];
	unsigned ip = precision > scale ? precision - scale : 0;
	if (precision == 0 || precision >= sizeof(nines))
		return;
	memset(nines, '9', ip);
	nines[ip] = '\0';
	if (!ip)
		strcpy(nines, "0");
	memset(frac, '9', scale);
	frac[scale] = '\0';
	add_special(s, "'0'");
	add_special(s, "'1'");
	add_special(s, "'-1'");
	add_special(s, "'%s%s%s'", nines, scale ? "." : "", frac);
	add_special(s, "'-%s%s%s'", nines, scale ? "." : "", frac);
	if (scale) {
		memset(frac, '0', scale - 1);
		frac[scale - 1] = '1';
		frac[scale] = '\0';
		add_special(s, "'0.%s'", frac);
	}
}

static void string_specials(specials *s)
{
	static const char *const v[] = {"''", "'0'", "'-1'", "'1.5'", "'NULL'", "' padded '",
	                                "'ünïcödé €😀'", "'9223372036854775808'", "'line\\nbreak'",
	                                "'true'", "repeat('x', 300)", NULL};
	for (int i = 0; v[i]; i++)
		add_special(s, "%s", v[i]);
}

static void enum_specials(specials *s, const migplan_chtype *t)
{
	size_t n = migplan_chtype_enum_count(t);
	migplan__sb sb = MIGPLAN__SB_INIT;
	char *lit;
	for (size_t i = 0; i < n; i += n > 1 ? n - 1 : 1) { /* the first and the last member */
		migplan__sb_literal(&sb, migplan_chtype_enum_name(t, i));
		lit = migplan__reh_sb_take(&sb);
		if (lit)
			add_special(s, "%s", lit);
		free(lit);
	}
}

/* Boundary values of a column's type, as SQL expressions that CAST to it. */
static void type_specials(specials *s, const coltype *ct)
{
	const migplan_chtype *b = ct->base;
	switch (base_kind(ct)) {
	case MIGPLAN_CHTYPE_INT:
		int_specials(s, migplan_chtype_bits(b), migplan_chtype_is_signed(b));
		break;
	case MIGPLAN_CHTYPE_FLOAT:
		float_specials(s);
		break;
	case MIGPLAN_CHTYPE_DECIMAL:
		decimal_specials(s, migplan_chtype_precision(b), migplan_chtype_scale(b));
		break;
	case MIGPLAN_CHTYPE_STRING:
		string_specials(s);
		break;
	case MIGPLAN_CHTYPE_FIXED_STRING:
		add_special(s, "''");
		add_special(s, "repeat('x', %u)", migplan_chtype_length(b));
		break;
	case MIGPLAN_CHTYPE_DATE:
		add_special(s, "'1970-01-01'");
		add_special(s, "'2149-06-06'");
		break;
	case MIGPLAN_CHTYPE_DATE32:
		add_special(s, "'1900-01-01'");
		add_special(s, "'2299-12-31'");
		add_special(s, "'1970-01-01'");
		break;
	case MIGPLAN_CHTYPE_DATETIME:
		add_special(s, "toDateTime(0, 'UTC')");
		add_special(s, "toDateTime(2147483647, 'UTC')");
		add_special(s, "toDateTime(4294967295, 'UTC')");
		break;
	case MIGPLAN_CHTYPE_DATETIME64:
		add_special(s, "toDateTime64('1900-01-01 00:00:00', 0, 'UTC')");
		add_special(s, "toDateTime64('1970-01-01 00:00:00', 0, 'UTC')");
		add_special(s, "toDateTime64('2262-04-11 23:47:16', 0, 'UTC')");
		break;
	case MIGPLAN_CHTYPE_UUID:
		add_special(s, "'00000000-0000-0000-0000-000000000000'");
		add_special(s, "'ffffffff-ffff-ffff-ffff-ffffffffffff'");
		break;
	case MIGPLAN_CHTYPE_IPV4:
		add_special(s, "'0.0.0.0'");
		add_special(s, "'255.255.255.255'");
		break;
	case MIGPLAN_CHTYPE_IPV6:
		add_special(s, "'::'");
		add_special(s, "'::ffff:1.2.3.4'");
		add_special(s, "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'");
		break;
	case MIGPLAN_CHTYPE_ENUM8:
	case MIGPLAN_CHTYPE_ENUM16:
		enum_specials(s, b);
		break;
	case MIGPLAN_CHTYPE_ARRAY:
		add_special(s, "[]");
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------- expressions */

static void cast_to(migplan__sb *sb, const char *expr, const char *type)
{
	migplan__sb_printf(sb, "CAST(%s, ", expr);
	migplan__sb_literal(sb, type);
	migplan__sb_putc(sb, ')');
}

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* 1 when the expression names the column (as a whole word, quoted or not). */
static int mentions(const char *expr, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = expr ? strstr(expr, name) : NULL; n && p; p = strstr(p + 1, name))
		if ((p == expr || !ident_char(p[-1])) && !ident_char(p[n]))
			return 1;
	return 0;
}

static int in_ttl(const migplan_table *snap, const char *name)
{
	if (mentions(migplan_table_ttl(snap), name))
		return 1;
	for (size_t i = 0; i < migplan_table_column_count(snap); i++)
		if (mentions(migplan_column_ttl(migplan_table_column_at(snap, i)), name))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- row keys */

/* A unique value per row number __n that the type can hold for `rows` rows, as an expression
 * CAST to the column type; NULL when the type cannot serve as a row key. */
static char *key_expression(const coltype *ct, uint64_t rows)
{
	const migplan_chtype *b = ct->base;
	unsigned bits;

	switch (base_kind(ct)) {
	case MIGPLAN_CHTYPE_STRING:
		return strdup("concat('id-', toString(__n))");
	case MIGPLAN_CHTYPE_FIXED_STRING: {
		unsigned len = migplan_chtype_length(b), digits = 1;
		for (uint64_t v = rows; v >= 10; v /= 10)
			digits++;
		if (len < digits)
			return NULL;
		return strdup("toString(__n)");
	}
	case MIGPLAN_CHTYPE_INT:
		bits = migplan_chtype_bits(b) - (migplan_chtype_is_signed(b) ? 1 : 0);
		if (bits < 63 && rows > ((uint64_t)1 << bits))
			return NULL;
		return strdup("__n");
	case MIGPLAN_CHTYPE_FLOAT:
		if (rows > ((uint64_t)1 << (migplan_chtype_bits(b) == 64 ? 53 : 24)))
			return NULL;
		return strdup("__n");
	case MIGPLAN_CHTYPE_DECIMAL: {
		unsigned ip = migplan_chtype_precision(b) - migplan_chtype_scale(b);
		uint64_t cap = 1;
		for (unsigned i = 0; i < ip && cap < rows; i++)
			cap *= 10;
		return cap >= rows ? strdup("__n") : NULL;
	}
	case MIGPLAN_CHTYPE_DATE:
		return rows <= 50000 ? strdup("addDays(toDate('2000-01-01'), __n)") : NULL;
	case MIGPLAN_CHTYPE_DATE32:
		return rows <= 100000 ? strdup("addDays(toDate32('1950-01-01'), __n)") : NULL;
	case MIGPLAN_CHTYPE_DATETIME:
	case MIGPLAN_CHTYPE_DATETIME64:
		return strdup("toDateTime(1600000000 + __n, 'UTC')");
	case MIGPLAN_CHTYPE_UUID:
		return strdup("toUUID(concat('00000000-0000-4000-8000-', leftPad(lower(hex(__n)), 12, '0')))");
	case MIGPLAN_CHTYPE_IPV4:
		return rows < 0xffffffffu ? strdup("toIPv4(toUInt32(__n + 1))") : NULL;
	default:
		return NULL;
	}
}

static int same_db(const migplan__reh_run *run, const char *op_db, const char *db)
{
	return strcmp(op_db ? op_db : run->default_db, db) == 0;
}

/* 1 when an operation of the plan modifies or drops column `name` of the table. */
static int plan_touches_column(const migplan__reh_run *run, const migplan_rehearsal_table *t,
                               const char *name)
{
	size_t n = migplan_plan_op_count(run->plan);
	for (size_t i = 0; i < n; i++) {
		const migplan_op *op = migplan_plan_op_at(run->plan, i);
		migplan_op_kind k = migplan_op_kind_of(op);
		const char *tn = migplan_op_table_name(op), *cn = migplan_op_column_name(op);
		if (k != MIGPLAN_OP_MODIFY_TABLE_COLUMN && k != MIGPLAN_OP_DROP_TABLE_COLUMN)
			continue;
		if (tn && cn && strcmp(tn, t->name) == 0 && strcmp(cn, name) == 0 &&
		    same_db(run, migplan_op_database(op), t->database))
			return 1;
	}
	return 0;
}

/* The table of the local snapshot that continues t: the same name, or another version (same
 * source name) in the same database. */
const migplan_table *migplan__reh_local_successor(const migplan__reh_run *run,
                                                  const migplan_rehearsal_table *t)
{
	size_t n = migplan_snapshot_table_count(run->local);
	const migplan_table *same = migplan_snapshot_table_find(run->local, t->database, t->name);
	if (same || !t->source_name)
		return same;
	for (size_t i = 0; i < n; i++) {
		const migplan_table *lt = migplan_snapshot_table_at(run->local, i);
		const char *src = migplan_table_source_name(lt);
		const char *db = migplan_table_database(lt);
		if (src && strcmp(src, t->source_name) == 0 && same_db(run, db, t->database))
			return lt;
	}
	return NULL;
}

/* 1 when the local snapshot keeps the column with the same ClickHouse type. */
static int local_keeps_type(const migplan__reh_run *run, const migplan_rehearsal_table *t,
                            const migplan_column *c)
{
	const migplan_table *lt = migplan__reh_local_successor(run, t);
	const migplan_column *lc = lt ? migplan_table_column_find(lt, migplan_column_name(c)) : NULL;
	const char *a = migplan_column_clickhouse_type(c), *b = migplan_column_clickhouse_type(lc);
	return a && b && strcmp(a, b) == 0;
}

static int in_order_by(const migplan_table *snap, const char *name)
{
	size_t n = migplan_table_order_by_count(snap);
	for (size_t i = 0; i < n; i++)
		if (strcmp(migplan_table_order_by_at(snap, i), name) == 0)
			return 1;
	return 0;
}

/* The best row key: untouched by the plan (required), then in ORDER BY, then with the same
 * type in the local snapshot, then not nullable; the first in column order among equals. */
static long choose_key(const migplan__reh_run *run, const migplan_rehearsal_table *t,
                       const migplan_table *snap, coltype *types)
{
	long best = -1;
	int best_score = -1;
	for (size_t i = 0; i < t->ncols; i++) {
		const migplan_column *c = migplan_table_column_find(snap, t->cols[i].name);
		char *expr;
		int score;
		/* a TTL column keeps recent values; a key's values are its own and would expire */
		if (!t->cols[i].insertable || plan_touches_column(run, t, t->cols[i].name) ||
		    in_ttl(snap, t->cols[i].name))
			continue;
		expr = key_expression(&types[i], run->rows);
		if (!expr)
			continue;
		free(expr);
		score = 1 + (c && in_order_by(snap, t->cols[i].name)) * 4 +
		        (c && local_keeps_type(run, t, c)) * 2 + !types[i].nullable;
		if (score > best_score) {
			best_score = score;
			best = (long)i;
		}
	}
	return best;
}

/* ---------------------------------------------------------------- filling */

/* The engine parameter naming a column that must hold a fixed value: Collapsing `sign` = 1,
 * Replacing `is_deleted` = 0. */
static const char *engine_fixed_value(const migplan_table *snap, const char *column)
{
	const migplan_node *node = migplan_table_engine_node(snap);
	const migplan_node *params;
	const migplan_node *v;
	if (migplan_node_kind_of(node) != MIGPLAN_NODE_MAP || migplan_node_count(node) != 1)
		return NULL;
	params = migplan_node_at(node, 0);
	v = migplan_node_get(params, "sign");
	if (migplan_node_kind_of(v) == MIGPLAN_NODE_STRING && strcmp(migplan_node_text(v, NULL), column) == 0)
		return "1";
	v = migplan_node_get(params, "is_deleted");
	if (migplan_node_kind_of(v) == MIGPLAN_NODE_STRING && strcmp(migplan_node_text(v, NULL), column) == 0)
		return "0";
	return NULL;
}

enum fill_level { FILL_FULL, FILL_NULLS_ONLY, FILL_PLAIN };

/* Where the ordinary values of a date or time column lie. generateRandom spreads them over the
 * whole range of the type, which is right for most columns but not for two kinds:
 * - a partition key: one part per month (or day) of random dates makes every mutation touch
 *   hundreds of parts, which takes seconds per ALTER; a deployment holds a few recent
 *   partitions, so the values lie within three days from a fixed date;
 * - a TTL column: rows older than the TTL would all be expired before the baseline, so the
 *   values lie within the three days before today (the rows a deployment still holds; these
 *   values then depend on the day of the run). */
enum time_window { WINDOW_NONE, WINDOW_FIXED, WINDOW_RECENT };

static enum time_window time_window_of(const migplan_table *snap, const char *name, const coltype *ct)
{
	migplan_chtype_kind k = base_kind(ct);
	if (k != MIGPLAN_CHTYPE_DATE && k != MIGPLAN_CHTYPE_DATE32 && k != MIGPLAN_CHTYPE_DATETIME &&
	    k != MIGPLAN_CHTYPE_DATETIME64)
		return WINDOW_NONE;
	if (in_ttl(snap, name))
		return WINDOW_RECENT;
	return mentions(migplan_table_partition_by(snap), name) ? WINDOW_FIXED : WINDOW_NONE;
}

/* The ordinary value of column i: generated, or a time within its window. */
static char *ordinary_value(const migplan_table *snap, const migplan_rehearsal_column *c, size_t i,
                            const coltype *ct)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	enum time_window w = time_window_of(snap, c->name, ct);
	const char *base = w == WINDOW_RECENT ? "(toStartOfDay(now('UTC')) - INTERVAL 3 DAY)"
	                                      : "toDateTime('2024-01-01 00:00:00', 'UTC')";
	char expr[256];

	if (w == WINDOW_NONE) {
		migplan__sb_printf(&sb, "g%zu", i);
		return migplan__reh_sb_take(&sb);
	}
	/* spread over the 259,200 seconds of three days, differently per column */
	snprintf(expr, sizeof(expr), "addSeconds(%s, (__n * 7919 + %zu * 104729) %% 259200)", base, i);
	cast_to(&sb, expr, c->type_before);
	return migplan__reh_sb_take(&sb);
}


/* The value of column i: the key, a fixed engine value, a boundary value on its share of the
 * rows, or the generated value g<i>. */
static void column_value(migplan__sb *sb, const migplan_rehearsal_column *col, size_t i,
                         const coltype *ct, const char *key_expr, const char *fixed,
                         const char *ordinary, enum fill_level level)
{
	specials s = {{0}, 0};
	size_t m;

	if (key_expr) {
		cast_to(sb, key_expr, col->type_before);
		return;
	}
	if (fixed) {
		cast_to(sb, fixed, col->type_before);
		return;
	}
	if (ct->nullable && level != FILL_PLAIN)
		add_special(&s, "NULL");
	if (level == FILL_FULL)
		type_specials(&s, ct);
	if (!s.n) {
		migplan__sb_puts(sb, ordinary);
		return;
	}
	/* A quarter of the rows take a boundary value; which one shifts with the column so that
	 * the columns of one row do not all hit their limits together. */
	m = s.n * 4;
	migplan__sb_puts(sb, "multiIf(");
	for (size_t k = 0; k < s.n; k++) {
		migplan__sb_printf(sb, "(__n + %zu) %% %zu = %zu, ", i, m, k);
		cast_to(sb, s.items[k], col->type_before);
		migplan__sb_puts(sb, ", ");
	}
	migplan__sb_printf(sb, "%s)", ordinary);
	free_specials(&s);
}

/* A value for a column generateRandom cannot make. */
static void fallback_value(migplan__sb *sb, const migplan_rehearsal_column *col, const coltype *ct)
{
	if (base_kind(ct) == MIGPLAN_CHTYPE_JSON) {
		cast_to(sb, "concat('{\"n\":', toString(__n), ',\"s\":\"', hex(sipHash64(__n)), '\"}')",
		        col->type_before);
		return;
	}
	migplan__sb_puts(sb, "defaultValueOfTypeName(");
	migplan__sb_literal(sb, col->type_before);
	migplan__sb_putc(sb, ')');
}

static char *fill_sql(const migplan__reh_run *run, const migplan_rehearsal_table *t,
                      const migplan_table *snap, coltype *types, long key, enum fill_level level)
{
	migplan__sb sb = MIGPLAN__SB_INIT, gen = MIGPLAN__SB_INIT;
	uint64_t seed = run->seed + UINT64_C(0x9E3779B97F4A7C15) * (t->index + 1);
	char *structure, *sql;
	int first = 1;

	for (size_t i = 0; i < t->ncols; i++) {
		const migplan_rehearsal_column *c = &t->cols[i];
		if (!c->insertable || (long)i == key || generate_random_refuses(c->type_before))
			continue;
		migplan__sb_printf(&gen, "%sg%zu %s", gen.len ? ", " : "", i, c->type_before);
	}
	structure = migplan__reh_sb_take(&gen);
	migplan__sb_puts(&sb, "INSERT INTO ");
	migplan__sb_qualified(&sb, t->database, t->name);
	migplan__sb_puts(&sb, " (");
	for (size_t i = 0; i < t->ncols; i++) {
		if (!t->cols[i].insertable)
			continue;
		migplan__sb_puts(&sb, first ? "" : ", ");
		migplan__sb_ident(&sb, t->cols[i].name);
		first = 0;
	}
	migplan__sb_puts(&sb, ") SELECT ");
	first = 1;
	for (size_t i = 0; i < t->ncols; i++) {
		const migplan_rehearsal_column *c = &t->cols[i];
		char *kexpr;
		if (!c->insertable)
			continue;
		migplan__sb_puts(&sb, first ? "" : ", ");
		first = 0;
		kexpr = (long)i == key ? key_expression(&types[i], run->rows) : NULL;
		if (!kexpr && generate_random_refuses(c->type_before)) {
			fallback_value(&sb, c, &types[i]);
		} else {
			char *ordinary = ordinary_value(snap, c, i, &types[i]);
			column_value(&sb, c, i, &types[i], kexpr, engine_fixed_value(snap, c->name),
			             ordinary ? ordinary : "NULL", level);
			free(ordinary);
		}
		free(kexpr);
	}
	if (structure && *structure) {
		migplan__sb_puts(&sb, " FROM (SELECT rowNumberInAllBlocks() AS __n, * FROM generateRandom(");
		migplan__sb_literal(&sb, structure);
		migplan__sb_printf(&sb, ", %" PRIu64 ", %d, %d) LIMIT %" PRIu64 ")", seed, MAX_STRING_LENGTH,
		                   MAX_ARRAY_LENGTH, run->rows);
	} else {
		migplan__sb_printf(&sb, " FROM (SELECT number AS __n FROM numbers(%" PRIu64 "))", run->rows);
	}
	/* One thread: the rows, and so the values each row number gets, are the same every run. */
	migplan__sb_puts(&sb, " SETTINGS max_threads = 1, max_insert_threads = 1");
	free(structure);
	sql = migplan__reh_sb_take(&sb);
	return sql;
}

/* Read the table's columns from the engine into t->cols. */
static migplan_status load_table_columns(migplan__reh_run *run, migplan_rehearsal_table *t)
{
	migplan__reh_rows rows;
	migplan_status st = migplan__reh_columns(run->eng, t->database, t->name, &rows);
	size_t n = 0;

	if (st != MIGPLAN_OK)
		return st;
	t->cols = migplan__arena_zalloc(&run->res->arena, (rows.nrows ? rows.nrows : 1) * sizeof(*t->cols));
	if (!t->cols) {
		migplan__reh_rows_free(&rows);
		return migplan__error_oom();
	}
	for (size_t i = 0; i < rows.nrows; i++) {
		const char *kind = migplan__reh_field(&rows, i, 2);
		migplan_rehearsal_column *c = &t->cols[n];
		if (strcmp(kind, "ALIAS") == 0)
			continue; /* computed on read: nothing is stored that could be lost */
		c->table = t;
		c->name = migplan__reh_strdup(run->res, migplan__reh_field(&rows, i, 0));
		c->current = c->name;
		c->type_before = migplan__reh_strdup(run->res, migplan__reh_field(&rows, i, 1));
		c->insertable = strcmp(kind, "MATERIALIZED") != 0 && strcmp(kind, "EPHEMERAL") != 0;
		if (!c->name || !c->type_before) {
			migplan__reh_rows_free(&rows);
			return MIGPLAN_ENOMEM;
		}
		n++;
	}
	t->ncols = n;
	migplan__reh_rows_free(&rows);
	return MIGPLAN_OK;
}

static migplan_status insert_rows(migplan__reh_run *run, migplan_rehearsal_table *t,
                                  const migplan_table *snap, coltype *types, long key)
{
	static const enum fill_level levels[] = {FILL_FULL, FILL_NULLS_ONLY, FILL_PLAIN};
	migplan_status st = MIGPLAN_ERROR;
	char *first_error = NULL;

	/* Boundary values the type (or a CHECK, or an engine rule) refuses make the whole INSERT
	 * fail; fall back to fewer of them rather than to an empty table. */
	for (size_t l = 0; l < 3 && st == MIGPLAN_ERROR; l++) {
		char *sql = fill_sql(run, t, snap, types, key, levels[l]);
		if (!sql)
			return MIGPLAN_ENOMEM;
		st = migplan__reh_exec(run->eng, sql);
		free(sql);
		if (st == MIGPLAN_ERROR && !first_error)
			first_error = migplan__reh_last_message(run->res);
	}
	if (st == MIGPLAN_ERROR)
		st = migplan__reh_setup_problem(run->res, "%s.%s: generated rows refused: %s", t->database,
		                                t->name, first_error ? first_error : "?") == MIGPLAN_OK
		             ? MIGPLAN_ERROR
		             : MIGPLAN_ENOMEM;
	return st;
}

static migplan_status copy_baseline(migplan__reh_run *run, migplan_rehearsal_table *t)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_status st;

	t->baseline = migplan__reh_printf(run->res, "`%s`.`b%zu`", MIGPLAN__REH_SCRATCH_DB, t->index);
	if (!t->baseline)
		return MIGPLAN_ENOMEM;
	migplan__sb_printf(&sb, "CREATE TABLE %s ENGINE = MergeTree ORDER BY tuple() AS SELECT ", t->baseline);
	for (size_t i = 0; i < t->ncols; i++) {
		migplan__sb_puts(&sb, i ? ", " : "");
		migplan__sb_ident(&sb, t->cols[i].name);
	}
	migplan__sb_puts(&sb, " FROM ");
	migplan__sb_qualified(&sb, t->database, t->name);
	st = migplan__reh_exec_sb(run->eng, &sb);
	if (st == MIGPLAN_OK) {
		const char *sql = migplan__reh_printf(run->res, "SELECT count() FROM %s", t->baseline);
		st = sql ? migplan__reh_scalar(run->eng, sql, &t->rows_before) : MIGPLAN_ENOMEM;
	}
	if (st == MIGPLAN_ERROR) {
		char *m = migplan__reh_last_message(run->res);
		t->baseline = NULL;
		return migplan__reh_setup_problem(run->res, "%s.%s: baseline copy failed: %s", t->database,
		                                  t->name, m ? m : "?") == MIGPLAN_OK
		               ? MIGPLAN_ERROR
		               : MIGPLAN_ENOMEM;
	}
	return st;
}

static int has_ttl(const migplan_table *snap)
{
	for (size_t i = 0; i < migplan_table_column_count(snap); i++)
		if (migplan_column_ttl(migplan_table_column_at(snap, i)))
			return 1;
	return migplan_table_ttl(snap) != NULL;
}

/* A deployment never holds rows its TTL has expired (background merges remove them), but the
 * generated rows are new: expire them now, or the plan's first TTL change would be blamed for
 * deleting them. */
static migplan_status apply_ttl(migplan__reh_run *run, migplan_rehearsal_table *t)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_status st;

	migplan__sb_puts(&sb, "ALTER TABLE ");
	migplan__sb_qualified(&sb, t->database, t->name);
	migplan__sb_puts(&sb, " MATERIALIZE TTL");
	st = migplan__reh_exec_sb(run->eng, &sb);
	if (st == MIGPLAN_ERROR) {
		char *m = migplan__reh_last_message(run->res);
		return migplan__reh_setup_problem(run->res, "%s.%s: MATERIALIZE TTL failed: %s", t->database,
		                                  t->name, m ? m : "?") == MIGPLAN_OK
		               ? MIGPLAN_ERROR
		               : MIGPLAN_ENOMEM;
	}
	return st;
}

migplan_status migplan__reh_fill(migplan__reh_run *run, migplan_rehearsal_table *t,
                                 const migplan_table *snap)
{
	coltype *types;
	long key;
	migplan_status st = load_table_columns(run, t);

	if (st != MIGPLAN_OK)
		return st;
	types = calloc(t->ncols ? t->ncols : 1, sizeof(*types));
	if (!types)
		return migplan__error_oom();
	for (size_t i = 0; i < t->ncols; i++)
		coltype_parse(&types[i], t->cols[i].type_before);
	key = choose_key(run, t, snap, types);
	st = insert_rows(run, t, snap, types, key);
	if (st == MIGPLAN_OK && has_ttl(snap))
		st = apply_ttl(run, t);
	for (size_t i = 0; i < t->ncols; i++)
		migplan_chtype_free(types[i].tree);
	free(types);
	if (st == MIGPLAN_OK)
		st = copy_baseline(run, t);
	if (st == MIGPLAN_ERROR) /* recorded as a setup problem */
		return MIGPLAN_OK;
	if (st != MIGPLAN_OK)
		return st;
	t->key = key >= 0 ? t->cols[key].name : NULL;
	t->filled = 1;
	for (size_t i = 0; i < t->ncols; i++)
		t->cols[i].measured = t->key != NULL;
	run->rows_total += t->rows_before;
	return MIGPLAN_OK;
}
