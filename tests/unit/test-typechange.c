/* The type-change judge without the engine: it must reproduce every observation the conversion
 * suite recorded on ClickHouse (tests/data/typechange/observed.tsv), and give the causes,
 * reasons and examples documented in migplan/typechange.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan.h"
#include "tap.h"

/* ---- helpers ------------------------------------------------------------------------ */

static migplan_type_change *judge(const char *from, const char *to)
{
	migplan_type_change *c = NULL;
	if (migplan_type_change_judge(&c, from, to) != MIGPLAN_OK)
		diag("judge(%s, %s) failed: %s", from, to, migplan_error_message(migplan_error_last()));
	return c;
}

/* One pair: verdict, cause, in place, refused on keys. */
static void expect(const char *from, const char *to, migplan_change_cause cause, int in_place,
                   int key_refused)
{
	migplan_type_change *c = judge(from, to);
	int safe = cause == MIGPLAN_CAUSE_NONE;
	int good = c && migplan_type_change_cause(c) == cause &&
	           (migplan_type_change_verdict(c) == MIGPLAN_VERDICT_SAFE) == safe &&
	           migplan_type_change_in_place(c) == in_place &&
	           migplan_type_change_key_refused(c) == key_refused &&
	           (safe ? migplan_type_change_example(c) == NULL
	                 : migplan_type_change_example(c) != NULL || cause == MIGPLAN_CAUSE_UNKNOWN_PAIR) &&
	           migplan_type_change_reason(c) && *migplan_type_change_reason(c);
	ok(good, "%s -> %s: %s, in place %d, key refused %d", from, to,
	   migplan_type_change_cause_name(cause), in_place, key_refused);
	if (!good && c)
		diag("got %s (%s), in place %d, key refused %d: %s", migplan_type_change_cause_name(
		             migplan_type_change_cause(c)),
		     migplan_type_change_verdict(c) == MIGPLAN_VERDICT_SAFE ? "safe" : "destructive",
		     migplan_type_change_in_place(c), migplan_type_change_key_refused(c),
		     migplan_type_change_reason(c));
	migplan_type_change_free(c);
}

static void expect_example(const char *from, const char *to, const char *example)
{
	migplan_type_change *c = judge(from, to);
	is_str(c ? migplan_type_change_example(c) : NULL, example, "%s -> %s: example", from, to);
	migplan_type_change_free(c);
}

static void expect_reason_has(const char *from, const char *to, const char *part)
{
	migplan_type_change *c = judge(from, to);
	const char *r = c ? migplan_type_change_reason(c) : NULL;
	ok(r && strstr(r, part), "%s -> %s: reason mentions \"%s\"", from, to, part);
	if (r && !strstr(r, part))
		diag("reason: %s", r);
	migplan_type_change_free(c);
}

/* ---- the engine's observations, replayed ---------------------------------------------- */

/* Split a TSV line in place. */
static size_t split(char *line, char **field, size_t max)
{
	size_t n = 0;
	char *p = line, *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	while (n < max) {
		char *tab = strchr(p, '\t');
		field[n++] = p;
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

static void replay_observed(void)
{
	const char *dir = getenv("MIGPLAN_TEST_DATA");
	char path[4096], line[16384];
	FILE *f;
	size_t pairs = 0, spelled = 0, spellings = 0;

	snprintf(path, sizeof(path), "%s/typechange/observed.tsv", dir ? dir : "tests/data");
	f = fopen(path, "r");
	if (!ok(f != NULL, "read %s", path))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *fld[20];
		migplan_type_change *c, *c2;
		int e_safe, e_in_place, e_key, key_known, good;
		if (line[0] == '#' || strncmp(line, "from\t", 5) == 0)
			continue;
		if (split(line, fld, 20) < 17) {
			ok(0, "malformed line in observed.tsv");
			continue;
		}
		pairs++;
		e_safe = strcmp(fld[4], "safe") == 0;
		e_in_place = strcmp(fld[5], "ok") == 0 && strcmp(fld[7], "metadata") == 0;
		key_known = strcmp(fld[8], "n/a") != 0 || strcmp(fld[9], "n/a") != 0;
		e_key = strcmp(fld[8], "refused") == 0 || strcmp(fld[9], "refused") == 0;
		c = judge(fld[0], fld[1]);
		/* the spellings ClickHouse reported in system.columns must judge the same */
		c2 = fld[2][0] && fld[3][0] ? judge(fld[2], fld[3]) : NULL;
		good = c && (migplan_type_change_verdict(c) == MIGPLAN_VERDICT_SAFE) == e_safe &&
		       migplan_type_change_in_place(c) == e_in_place &&
		       (!key_known || migplan_type_change_key_refused(c) == e_key) &&
		       (!c2 || migplan_type_change_verdict(c2) == migplan_type_change_verdict(c));
		ok(good, "engine: %s -> %s is %s%s%s", fld[0], fld[1], fld[4], e_in_place ? ", in place" : "",
		   key_known && e_key ? ", refused on keys" : "");
		if (!good && c)
			diag("judge: %s, in place %d, key refused %d: %s; engine: %s",
			     migplan_type_change_cause_name(migplan_type_change_cause(c)),
			     migplan_type_change_in_place(c), migplan_type_change_key_refused(c),
			     migplan_type_change_reason(c), fld[16]);
		/* the verdict's canonical types are ClickHouse's own spelling */
		if (c && fld[2][0] && fld[3][0]) {
			int same = strcmp(migplan_type_change_from(c), fld[2]) == 0 &&
			           strcmp(migplan_type_change_to(c), fld[3]) == 0;
			spelled += same;
			if (!same)
				diag("spelled %s -> %s, ClickHouse says %s -> %s", migplan_type_change_from(c),
				     migplan_type_change_to(c), fld[2], fld[3]);
			spellings++;
		}
		migplan_type_change_free(c);
		migplan_type_change_free(c2);
	}
	fclose(f);
	ok(spelled == spellings, "%zu of %zu verdicts spell both types as system.columns does",
	   spelled, spellings);
	ok(pairs >= 300, "observed.tsv holds %zu pairs (at least 300)", pairs);
}

/* ---- rules, causes, examples ---------------------------------------------------------- */

static void test_integers(void)
{
	expect("Int32", "Int64", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("UInt32", "Int64", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("UInt8", "UInt256", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Int64", "Int32", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect("UInt64", "Int32", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect("Int32", "UInt64", MIGPLAN_CAUSE_SIGN_CHANGE, 0, 1);
	expect("UInt32", "Int32", MIGPLAN_CAUSE_SIGN_CHANGE, 0, 1);
	expect_example("Int64", "Int32", "9223372036854775807 becomes -1");
	expect_example("UInt64", "UInt8", "18446744073709551615 becomes 255");
	expect_example("Int8", "UInt16", "-1 becomes 65535");
	expect_example("UInt16", "Int16", "65535 becomes -1");
	expect("Int16", "Float32", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Int32", "Float32", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect("UInt32", "Float64", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Int64", "Float64", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect_example("Int64", "Float64", "9007199254740993 becomes 9007199254740992");
	expect("Int32", "Decimal(10, 0)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Int32", "Decimal(9, 0)", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect("Int32", "Decimal(11, 2)", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect("Int128", "Decimal(76, 0)", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
	expect("UInt8", "Bool", MIGPLAN_CAUSE_NARROWING, 1, 0);
	expect("Int32", "String", MIGPLAN_CAUSE_FAMILY_CHANGE, 0, 1);
	expect_example("Int32", "String", "10 sorts before 9");
	expect("UInt32", "DateTime", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 1, 0);
	expect("Int32", "Array(Int32)", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
	/* spellings: aliases judge as the canonical type */
	expect("INT", "Int32", MIGPLAN_CAUSE_NONE, 1, 0);
	expect("BIGINT UNSIGNED", "UInt64", MIGPLAN_CAUSE_NONE, 1, 0);
}

static void test_floats_decimals(void)
{
	expect("Float32", "Float64", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, 1);
	expect_example("Float32", "Float64", "0.1 reads as 0.10000000149011612");
	expect("Float64", "Float32", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect("BFloat16", "Float32", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Float64", "Int64", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect("Float64", "Decimal(38, 10)", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect("Decimal(9, 2)", "Decimal(18, 2)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Decimal(9, 2)", "Decimal(10, 3)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Decimal(9, 2)", "Decimal(9, 3)", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect("Decimal(9, 2)", "Decimal(9, 1)", MIGPLAN_CAUSE_SCALE_LOSS, 0, 1);
	expect_example("Decimal(9, 2)", "Decimal(9, 1)", "0.99 becomes 0.9");
	/* same storage width and scale: metadata-only, yet a dump can no longer be loaded */
	expect("Decimal(9, 2)", "Decimal(8, 2)", MIGPLAN_CAUSE_NARROWING, 1, 0);
	expect_example("Decimal(9, 2)", "Decimal(8, 2)",
	               "9999999.99 does not fit Decimal(8, 2): it is stored, but a dump of it can no "
	               "longer be loaded");
	expect("Decimal32(2)", "Decimal(9, 2)", MIGPLAN_CAUSE_NONE, 1, 0);
	expect("Decimal(9, 2)", "Float64", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect("Decimal(9, 0)", "Float64", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Decimal(9, 0)", "Int32", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Decimal(9, 2)", "Int64", MIGPLAN_CAUSE_SCALE_LOSS, 0, 1);
	expect("Decimal(9, 0)", "UInt64", MIGPLAN_CAUSE_SIGN_CHANGE, 0, 1);
}

static void test_dates(void)
{
	expect("Date", "Date32", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Date32", "Date", MIGPLAN_CAUSE_RANGE_CHANGE, 0, 1);
	expect("Date", "DateTime", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, 1);
	expect("DateTime", "Date", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect("DateTime", "DateTime('UTC')", MIGPLAN_CAUSE_TIMEZONE_CHANGE, 1, 0);
	expect("DateTime('UTC')", "DateTime('Asia/Tokyo')", MIGPLAN_CAUSE_TIMEZONE_CHANGE, 1, 0);
	expect("DateTime('UTC')", "DateTime('UTC')", MIGPLAN_CAUSE_NONE, 1, 0);
	expect("DateTime", "DateTime64(0)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("DateTime", "DateTime64(3)", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, 1);
	expect_example("DateTime", "DateTime64(3)",
	               "2020-01-01 00:00:00 reads as 2020-01-01 00:00:00.000");
	expect("DateTime64(3)", "DateTime", MIGPLAN_CAUSE_RANGE_CHANGE, 0, 1);
	expect("DateTime64(6)", "DateTime64(3)", MIGPLAN_CAUSE_PRECISION_LOSS, 0, 1);
	expect("DateTime64(6)", "DateTime64(9)", MIGPLAN_CAUSE_RANGE_CHANGE, 0, 1);
	expect("DateTime64(3)", "DateTime64(3, 'UTC')", MIGPLAN_CAUSE_TIMEZONE_CHANGE, 1, 0);
	expect("DateTime", "UInt32", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 1, 0);
	expect("Date", "UInt16", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 1, 0);
	expect("Date", "String", MIGPLAN_CAUSE_FAMILY_CHANGE, 0, 1);
	expect("String", "Date", MIGPLAN_CAUSE_PARSE_FAILURE, 0, 1);
}

static void test_strings_wrappers(void)
{
	expect("String", "LowCardinality(String)", MIGPLAN_CAUSE_NONE, 0, 0);
	expect("LowCardinality(String)", "String", MIGPLAN_CAUSE_NONE, 0, 0);
	expect("LowCardinality(Nullable(String))", "Nullable(String)", MIGPLAN_CAUSE_NONE, 0, 0);
	expect("String", "LowCardinality(Nullable(String))", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("UUID", "LowCardinality(UUID)", MIGPLAN_CAUSE_NONE, 0, 0);
	expect("Int32", "LowCardinality(Int32)", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
	expect("String", "FixedString(16)", MIGPLAN_CAUSE_LENGTH_CHANGE, 0, 1);
	expect("FixedString(16)", "String", MIGPLAN_CAUSE_LENGTH_CHANGE, 0, 1);
	expect("FixedString(8)", "FixedString(16)", MIGPLAN_CAUSE_LENGTH_CHANGE, 0, 1);
	expect("FixedString(16)", "FixedString(8)", MIGPLAN_CAUSE_LENGTH_CHANGE, 0, 1);
	expect("String", "Int32", MIGPLAN_CAUSE_PARSE_FAILURE, 0, 1);
	expect("String", "JSON", MIGPLAN_CAUSE_PARSE_FAILURE, 0, 1);
	expect("JSON", "String", MIGPLAN_CAUSE_FAMILY_CHANGE, 0, 1);
	expect("JSON", "JSON(max_dynamic_paths = 16)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("JSON", "JSON(a Int64)", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, 1);
	expect("Bool", "UInt8", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 1, 0);
	expect_example("Bool", "UInt8", "true reads as 1");
	expect("Bool", "String", MIGPLAN_CAUSE_FAMILY_CHANGE, 0, 1);
	expect("UUID", "String", MIGPLAN_CAUSE_FAMILY_CHANGE, 0, 1);
	expect("UUID", "FixedString(16)", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
	expect("IPv4", "IPv6", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, 1);
	expect("IPv6", "IPv4", MIGPLAN_CAUSE_NARROWING, 0, 1);
}

static void test_nullable(void)
{
	expect("Int32", "Nullable(Int32)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Int32", "Nullable(Int64)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Nullable(Int32)", "Nullable(Int64)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Nullable(Int32)", "Int32", MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED, 0, 1);
	expect("Nullable(Int64)", "Nullable(Int32)", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect("Nullable(DateTime)", "Nullable(UInt32)", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 1, 0);
	expect("Array(Nullable(Int32))", "Array(Int32)", MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED, 0, 1);
	expect_reason_has("Array(Nullable(Int32))", "Array(Int32)", "mutation fails");
	expect("Array(Int32)", "Nullable(Array(Int32))", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
	expect("Map(String, Int32)", "Nullable(Map(String, Int32))", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
	expect("Tuple(a Int32)", "Nullable(Tuple(a Int32))", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
	expect("LowCardinality(String)", "Nullable(LowCardinality(String))", MIGPLAN_CAUSE_NOT_ALLOWED,
	       0, 1);
	expect("JSON", "Nullable(JSON)", MIGPLAN_CAUSE_NONE, 0, 1);
}

static void test_enums(void)
{
	const char *e = "Enum8('a' = 1, 'b' = 2)";
	expect(e, "Enum8('a' = 1, 'b' = 2, 'c' = 3)", MIGPLAN_CAUSE_NONE, 1, 0);
	expect(e, "Enum8('b' = 2, 'a' = 1)", MIGPLAN_CAUSE_NONE, 1, 0);
	expect(e, "Enum16('a' = 1, 'b' = 2)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect(e, "Enum8('a' = 1)", MIGPLAN_CAUSE_ENUM_MEMBER_REMOVED, 0, 1);
	expect_example(e, "Enum8('a' = 1)", "'b' (2) is gone: rows holding it can no longer be read");
	expect(e, "Enum8('a' = 1, 'x' = 2)", MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED, 1, 0);
	expect_example(e, "Enum8('a' = 1, 'x' = 2)", "'b' reads as 'x'");
	expect(e, "Enum8('a' = 2, 'b' = 1)", MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED, 0, 1);
	expect(e, "String", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Enum8('b' = 1, 'a' = 2)", "String", MIGPLAN_CAUSE_ORDER_CHANGE, 0, 1);
	expect_example("Enum8('b' = 1, 'a' = 2)", "String", "'a' (2) sorts before 'b' (1)");
	expect(e, "Int8", MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 1, 0);
	expect("Int8", e, MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect("String", e, MIGPLAN_CAUSE_PARSE_FAILURE, 0, 1);
}

static void test_containers(void)
{
	expect("Array(Int32)", "Array(Int64)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Array(Int64)", "Array(Int32)", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect_reason_has("Array(Int64)", "Array(Int32)", "In the array elements, Int64 to Int32");
	expect("Array(Array(Int32))", "Array(Array(Int64))", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Array(DateTime)", "Array(DateTime('UTC'))", MIGPLAN_CAUSE_TIMEZONE_CHANGE, 1, 0);
	expect("Map(String, Int32)", "Map(String, Int64)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Map(Int64, String)", "Map(Int32, String)", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect_reason_has("Map(Int64, String)", "Map(Int32, String)", "map keys");
	expect("Map(String, Array(Int64))", "Map(String, Array(Int32))", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect_reason_has("Map(String, Array(Int64))", "Map(String, Array(Int32))",
	                  "In the array elements of the map values");
	expect("Map(String, Int32)", "Array(Tuple(String, Int32))",
	       MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, 1);
	expect("Tuple(a Int32, b String)", "Tuple(a Int64, b String)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Tuple(a Int32, b String)", "Tuple(Int32, String)", MIGPLAN_CAUSE_NONE, 0, 1);
	expect("Tuple(a Int32, b String)", "Tuple(x Int32, b String)", MIGPLAN_CAUSE_STRUCTURE_CHANGE,
	       0, 1);
	expect("Tuple(a Int32, b String)", "Tuple(b String, a Int32)", MIGPLAN_CAUSE_STRUCTURE_CHANGE,
	       0, 1);
	expect("Tuple(a Int32, b String)", "Tuple(a Int32)", MIGPLAN_CAUSE_STRUCTURE_CHANGE, 0, 1);
	expect("Tuple(a Int64, b String)", "Tuple(a Int32, b String)", MIGPLAN_CAUSE_NARROWING, 0, 1);
	expect_reason_has("Tuple(a Int64, b String)", "Tuple(a Int32, b String)", "tuple element `a`");
	expect("Array(Int32)", "String", MIGPLAN_CAUSE_FAMILY_CHANGE, 0, 1);
	expect("Array(Int32)", "Int32", MIGPLAN_CAUSE_NOT_ALLOWED, 0, 1);
}

static void test_fail_closed(void)
{
	expect("Point", "Ring", MIGPLAN_CAUSE_UNKNOWN_PAIR, 0, 1);
	expect("Variant(Int64, String)", "Variant(Int64, String, UUID)", MIGPLAN_CAUSE_UNKNOWN_PAIR, 0, 1);
	expect("AggregateFunction(sum, Int32)", "AggregateFunction(sum, Int64)",
	       MIGPLAN_CAUSE_UNKNOWN_PAIR, 0, 1);
	expect("Float64", "Bool", MIGPLAN_CAUSE_UNKNOWN_PAIR, 0, 1);
	expect("Point", "Point", MIGPLAN_CAUSE_NONE, 1, 0);
}

static void test_api(void)
{
	migplan_type_change *c = NULL;
	const char *names[64];
	size_t i, j, n = 0;
	int distinct = 1, kebab = 1;

	c = judge("INT", "BIGINT");
	is_str(migplan_type_change_from(c), "Int32", "from is canonical");
	is_str(migplan_type_change_to(c), "Int64", "to is canonical");
	ok(migplan_type_change_example(c) == NULL, "a safe change has no example");
	migplan_type_change_free(c);

	c = (migplan_type_change *)1;
	is_int(migplan_type_change_judge(&c, "Int32", "Int(("), MIGPLAN_EPARSE, "malformed type: EPARSE");
	ok(c == NULL, "*out is NULL on failure");
	ok(migplan_error_line(migplan_error_last()) == 1, "parse error carries a position");
	is_int(migplan_type_change_judge(&c, NULL, "Int32"), MIGPLAN_EINVAL, "NULL from: EINVAL");
	is_int(migplan_type_change_judge(NULL, "Int32", "Int32"), MIGPLAN_EINVAL, "NULL out: EINVAL");
	is_int(migplan_type_change_judge_types(&c, NULL, NULL), MIGPLAN_EINVAL, "NULL types: EINVAL");
	is_int(migplan_column_change_judge(&c, NULL, NULL), MIGPLAN_EINVAL, "NULL columns: EINVAL");

	/* getters on NULL fail closed */
	is_int(migplan_type_change_verdict(NULL), MIGPLAN_VERDICT_DESTRUCTIVE, "NULL verdict");
	is_int(migplan_type_change_cause(NULL), MIGPLAN_CAUSE_UNKNOWN_PAIR, "NULL cause");
	is_int(migplan_type_change_key_refused(NULL), 1, "NULL key refused");
	is_int(migplan_type_change_in_place(NULL), 0, "NULL in place");
	ok(!migplan_type_change_reason(NULL) && !migplan_type_change_example(NULL) &&
	           !migplan_type_change_from(NULL) && !migplan_type_change_to(NULL),
	   "NULL strings");
	migplan_type_change_free(NULL);

	/* the cause names are stable kebab-case and distinct */
	for (i = 0; i <= MIGPLAN_CAUSE_STRUCTURE_CHANGE; i++) {
		const char *s = migplan_type_change_cause_name((migplan_change_cause)i);
		names[n++] = s;
		if (!s) {
			kebab = 0;
			continue;
		}
		for (j = 0; s[j]; j++)
			kebab &= (s[j] >= 'a' && s[j] <= 'z') || s[j] == '-';
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			distinct &= names[i] && names[j] && strcmp(names[i], names[j]) != 0;
	ok(kebab && distinct, "%zu cause names, kebab-case and distinct", n);
	is_str(migplan_type_change_cause_name(MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED), "nullable-to-required",
	       "pinned name");
	is_str(migplan_type_change_cause_name(MIGPLAN_CAUSE_NARROWING), "narrowing", "pinned name");
	ok(migplan_type_change_cause_name((migplan_change_cause)99) == NULL, "unknown cause: NULL");
	is_int(MIGPLAN_CAUSE_UNKNOWN_PAIR, 16, "pinned value");
	is_int(MIGPLAN_CAUSE_PROPERTY_CHANGE, 15, "pinned value");
}

/* ---- Moose columns ------------------------------------------------------------------ */

#define COL(type, extra) "{\"name\": \"v\", \"data_type\": " type ", \"required\": true, " \
                         "\"unique\": false, \"primary_key\": false, \"annotations\": []" extra "}"

static migplan_type_change *judge_columns(const char *before, const char *after)
{
	migplan_column *a = NULL, *b = NULL;
	migplan_type_change *c = NULL;
	if (migplan_column_parse(&a, before, strlen(before)) != MIGPLAN_OK ||
	    migplan_column_parse(&b, after, strlen(after)) != MIGPLAN_OK ||
	    migplan_column_change_judge(&c, a, b) != MIGPLAN_OK)
		diag("column judge failed: %s", migplan_error_message(migplan_error_last()));
	migplan_column_free(a);
	migplan_column_free(b);
	return c;
}

static void expect_columns(const char *name, const char *before, const char *after,
                           migplan_change_cause cause, int in_place)
{
	migplan_type_change *c = judge_columns(before, after);
	int good = c && migplan_type_change_cause(c) == cause &&
	           migplan_type_change_in_place(c) == in_place;
	ok(good, "column %s: %s, in place %d", name, migplan_type_change_cause_name(cause), in_place);
	if (!good && c)
		diag("got %s, in place %d: %s", migplan_type_change_cause_name(migplan_type_change_cause(c)),
		     migplan_type_change_in_place(c), migplan_type_change_reason(c));
	migplan_type_change_free(c);
}

static void test_columns(void)
{
	migplan_column *a = NULL, *b = NULL;
	migplan_type_change *c = NULL;
	migplan_status st;

	expect_columns("unchanged", COL("\"Int32\"", ""), COL("\"Int32\"", ""), MIGPLAN_CAUSE_NONE, 1);
	expect_columns("widened", COL("\"Int32\"", ""), COL("\"Int64\"", ""), MIGPLAN_CAUSE_NONE, 0);
	expect_columns("narrowed", COL("\"Int64\"", ""), COL("\"Int32\"", ""), MIGPLAN_CAUSE_NARROWING, 0);
	/* Moose `Date` is ClickHouse Date32 and `Date16` is Date */
	expect_columns("Date to Date16", COL("\"Date\"", ""), COL("\"Date16\"", ""),
	               MIGPLAN_CAUSE_RANGE_CHANGE, 0);
	expect_columns("LowCardinality annotation added", COL("\"String\"", ""),
	               "{\"name\": \"v\", \"data_type\": \"String\", \"required\": true, "
	               "\"annotations\": [[\"LowCardinality\", true]]}",
	               MIGPLAN_CAUSE_NONE, 0);
	expect_columns("made optional", COL("\"Int32\"", ""),
	               "{\"name\": \"v\", \"data_type\": \"Int32\", \"required\": false, \"annotations\": []}",
	               MIGPLAN_CAUSE_NONE, 0);
	expect_columns("made required",
	               "{\"name\": \"v\", \"data_type\": \"Int32\", \"required\": false, \"annotations\": []}",
	               COL("\"Int32\"", ""), MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED, 0);
	expect_columns("default changed", COL("\"Int32\"", ", \"default\": \"1\""),
	               COL("\"Int32\"", ", \"default\": \"2\""), MIGPLAN_CAUSE_PROPERTY_CHANGE, 1);
	expect_columns("default respelled", COL("\"Int32\"", ", \"default\": \"x + 1\""),
	               COL("\"Int32\"", ", \"default\": \" x  +  1 \""), MIGPLAN_CAUSE_NONE, 1);
	expect_columns("default string kept", COL("\"String\"", ", \"default\": \"'a  b'\""),
	               COL("\"String\"", ", \"default\": \"'a b'\""), MIGPLAN_CAUSE_PROPERTY_CHANGE, 1);
	expect_columns("default added", COL("\"Int32\"", ""), COL("\"Int32\"", ", \"default\": \"2\""),
	               MIGPLAN_CAUSE_PROPERTY_CHANGE, 1);
	expect_columns("materialized changed", COL("\"Int32\"", ", \"materialized\": \"x + 1\""),
	               COL("\"Int32\"", ", \"materialized\": \"x + 2\""), MIGPLAN_CAUSE_PROPERTY_CHANGE, 1);
	expect_columns("alias changed", COL("\"Int32\"", ", \"alias\": \"x + 1\""),
	               COL("\"Int32\"", ", \"alias\": \"x + 2\""), MIGPLAN_CAUSE_PROPERTY_CHANGE, 1);
	expect_columns("default to materialized", COL("\"Int32\"", ", \"default\": \"1\""),
	               COL("\"Int32\"", ", \"materialized\": \"1\""), MIGPLAN_CAUSE_PROPERTY_CHANGE, 1);
	expect_columns("codec changed", COL("\"Int32\"", ", \"codec\": \"ZSTD(1)\""),
	               COL("\"Int32\"", ", \"codec\": \"ZSTD(3)\""), MIGPLAN_CAUSE_NONE, 1);
	expect_columns("comment added", COL("\"Int32\"", ""), COL("\"Int32\"", ", \"comment\": \"b\""),
	               MIGPLAN_CAUSE_NONE, 1);
	expect_columns("ttl added", COL("\"Int32\"", ""),
	               COL("\"Int32\"", ", \"ttl\": \"d + INTERVAL 1 DAY\""), MIGPLAN_CAUSE_PROPERTY_CHANGE, 0);
	expect_columns("ttl removed", COL("\"Int32\"", ", \"ttl\": \"d + INTERVAL 1 DAY\""),
	               COL("\"Int32\"", ""), MIGPLAN_CAUSE_NONE, 1);
	/* the type decides first */
	expect_columns("narrowed with a new default", COL("\"Int64\"", ", \"default\": \"1\""),
	               COL("\"Int32\"", ", \"default\": \"2\""), MIGPLAN_CAUSE_NARROWING, 0);

	c = judge_columns(COL("\"Int32\"", ", \"default\": \"1\""), COL("\"Int32\"", ", \"default\": \"2\""));
	is_str(c ? migplan_type_change_example(c) : NULL,
	       "a row written before the column existed reads 2 instead of 1", "default example");
	migplan_type_change_free(c);

	/* Moose BigInt has no ClickHouse mapping */
	st = migplan_column_parse(&a, COL("\"BigInt\"", ""), strlen(COL("\"BigInt\"", "")));
	if (st == MIGPLAN_OK) {
		migplan_column_parse(&b, COL("\"Int64\"", ""), strlen(COL("\"Int64\"", "")));
		is_int(migplan_column_change_judge(&c, a, b), MIGPLAN_EUNSUPPORTED,
		       "BigInt column: EUNSUPPORTED");
		ok(c == NULL, "no verdict for BigInt");
	} else {
		ok(1, "BigInt columns are refused by the model (%s)", migplan_status_str(st));
		ok(1, "no verdict for BigInt");
	}
	migplan_column_free(a);
	migplan_column_free(b);
}

int main(void)
{
	test_integers();
	test_floats_decimals();
	test_dates();
	test_strings_wrappers();
	test_nullable();
	test_enums();
	test_containers();
	test_fail_closed();
	test_api();
	test_columns();
	replay_observed();
	return done_testing();
}
