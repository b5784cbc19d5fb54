/* The ClickHouse type model (lib/chtype.c) and the Moose -> ClickHouse mapping
 * (lib/moose_type.c).
 *
 * The canonical spellings in tests/data/chtype/roundtrip.tsv and the Moose mappings below
 * were taken from ClickHouse 26.7 (chDB): each expected string is what the engine reports
 * in system.columns (or toTypeName) for that type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chtype-private.h"
#include "doc.h"
#include "error.h"
#include "migplan/errors.h"
#include "tap.h"

static void show_error(void)
{
	const migplan_error *e = migplan_error_last();
	diag("error %d at %u:%u: %s", (int)migplan_error_code(e), migplan_error_line(e),
	     migplan_error_column(e), migplan_error_message(e));
}

static char *render(const migplan_chtype *t)
{
	char *s = NULL;
	if (migplan_chtype_render(t, &s))
		return NULL;
	return s;
}

/* parse -> render == want; parse(render) is an equal tree that renders the same. */
static int roundtrip(const char *input, const char *want)
{
	migplan_chtype *t = NULL, *t2 = NULL;
	char *r1 = NULL, *r2 = NULL, *norm = NULL;
	int good = migplan_chtype_parse(&t, input, strlen(input)) == MIGPLAN_OK;
	if (!good)
		show_error();
	if (good)
		r1 = render(t);
	good = good && r1 && !strcmp(r1, want);
	if (good && migplan_chtype_parse(&t2, r1, strlen(r1)) != MIGPLAN_OK) {
		show_error();
		good = 0;
	}
	if (good)
		r2 = render(t2);
	good = good && r2 && !strcmp(r2, want) && migplan_chtype_equal(t, t2);
	good = good && migplan_chtype_normalize(input, &norm) == MIGPLAN_OK && !strcmp(norm, want);
	if (!good)
		diag("input '%s': got '%s' / '%s' / '%s', want '%s'", input, r1 ? r1 : "(null)",
		     r2 ? r2 : "(null)", norm ? norm : "(null)", want);
	migplan_free(r1);
	migplan_free(r2);
	migplan_free(norm);
	migplan_chtype_free(t);
	migplan_chtype_free(t2);
	return good;
}

static void test_roundtrip_file(void)
{
	const char *dir = getenv("MIGPLAN_TEST_DATA");
	char path[4096];
	snprintf(path, sizeof(path), "%s/chtype/roundtrip.tsv", dir ? dir : "tests/data");
	FILE *f = fopen(path, "r");
	if (!ok(f != NULL, "open %s", path))
		return;
	char line[4096];
	int rows = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			ok(0, "malformed row: %s", line);
			continue;
		}
		*tab = '\0';
		rows++;
		ok(roundtrip(line, tab + 1), "round trip %s -> %s", line, tab + 1);
	}
	fclose(f);
	ok(rows >= 120, "at least 120 ClickHouse-confirmed type strings (%d)", rows);
}

/* Types ClickHouse refuses in a table but the library must still read (Moose's spelling,
 * unknown families kept as text). */
static void test_library_only(void)
{
	static const char *const cases[][2] = {
		{"Nullable(LowCardinality(String))", "Nullable(LowCardinality(String))"},
		{"Nullable(Array(String))", "Nullable(Array(String))"},
		{"LowCardinality(Array(String))", "LowCardinality(Array(String))"},
		{"Map(Nullable(String), String)", "Map(Nullable(String), String)"},
		{"Variant(String, Nullable(Int8))", "Variant(Nullable(Int8), String)"},
		{"Nothing", "Nothing"},
		{"Object('json')", "Object('json')"},
		{"Time64( 3 )", "Time64(3)"},
		{"TIME", "Time"},
		{"Foo(a ,b,  'x y' )", "Foo(a, b, 'x y')"},
		{"Array(Frobnicate(1, 2))", "Array(Frobnicate(1, 2))"},
		{"Int32 UNSIGNED", "Int32 UNSIGNED"},
		{"AggregateFunction(myUdaf(1.50), UInt8)", "AggregateFunction(myUdaf(1.5), UInt8)"},
		{"AggregateFunction(`sum`, UInt64)", "AggregateFunction(sum, UInt64)"},
		{"AggregateFunction(sumMapFiltered([1, 2]), Array(UInt8), Array(UInt64))",
		 "AggregateFunction(1, sumMapFiltered([1, 2]), Array(UInt8), Array(UInt64))"},
		{"AggregateFunction(quantile(0.0000001), Float64)",
		 "AggregateFunction(quantile(1e-7), Float64)"},
		{"AggregateFunction(exponentialMovingAverage(1e3), Float64, UInt64)",
		 "AggregateFunction(exponentialMovingAverage(1000.), Float64, UInt64)"},
		{"AggregateFunction(f(-0.0, 1e22, 123456789012345678901234), UInt8)",
		 "AggregateFunction(f(-0., 1e22, 1.2345678901234569e23), UInt8)"},
		{"AggregateFunction(f(NULL, 'a\\'b', [], inf, -INF), UInt8)",
		 "AggregateFunction(f(NULL, 'a\\'b', [], inf, -inf), UInt8)"},
		{"  Array(\n\tString\n)  ", "Array(String)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(roundtrip(cases[i][0], cases[i][1]), "library-only round trip %s", cases[i][1]);
}

typedef struct parse_error_case {
	const char *input;
	uint32_t column;
	const char *message; /* a part of the message */
} parse_error_case;

static void test_parse_errors(void)
{
	static const parse_error_case cases[] = {
		{"", 1, "expected a type name"},
		{"   ", 4, "expected a type name"},
		{"42", 1, "expected a type name"},
		{"Array(", 7, "expected a type name"},
		{"Array(String", 13, "expected ',' or ')'"},
		{"Array(String))", 14, "unexpected text after the type"},
		{"Array(String) x", 15, "unexpected text after the type"},
		{"LowCardinality", 15, "expected '(' after LowCardinality"},
		{"Nullable(String, Int8)", 18, "Nullable takes 1 type argument"},
		{"Map(String)", 4, "Map takes 2 type arguments"},
		{"Decimal(0, 0)", 9, "1 to 76"},
		{"Decimal(77)", 9, "1 to 76"},
		{"Decimal(10, 11)", 13, "must not exceed its precision"},
		{"Decimal32(10)", 11, "must not exceed its precision"},
		{"Decimal(10, 2, 3)", 16, "at most 2 arguments"},
		{"DateTime64(10)", 12, "0 to 9"},
		{"DateTime64(3, 'UTC', 1)", 22, "at most 2 arguments"},
		{"DateTime(UTC)", 10, "time zone in single quotes"},
		{"DateTime('UTC'", 15, "expected ')'"},
		{"FixedString(0)", 13, "1 to 16777215"},
		{"FixedString", 12, "expected '(' and a length"},
		{"UUID(1)", 5, "UUID takes no arguments"},
		{"Enum8()", 6, "at least one member"},
		{"Enum8('a' = 200)", 7, "Enum8 value out of range"},
		{"Enum16('a' = 40000)", 14, "-32768 to 32767"},
		{"Enum8('a' = 1, 'a' = 2)", 16, "duplicate Enum member name"},
		{"Enum8('a' = 1, 'b' = 1)", 16, "duplicate Enum value"},
		{"Enum8('a' = 1.5)", 13, "expected an integer Enum value"},
		{"Enum8(a = 1)", 7, "member name in single quotes"},
		{"Enum8('abc = 1)", 7, "unterminated string literal"},
		{"Enum('a', 'b', 'c' = 2)", 16, "only the first one may differ"},
		{"Enum8('\\x4' = 1)", 8, "two hexadecimal digits"},
		{"Tuple(a Int32, String)", 16, "all be named or all unnamed"},
		{"Tuple(a Int32, b Int32, a String)", 25, "duplicate element name"},
		{"Tuple(`é` Int8, `é` Int8)", 17, "duplicate element name"},
		{"Tuple(null Int8)", 7, "'null' is reserved"},
		{"Tuple(`` Int8)", 7, "cannot be empty"},
		{"Tuple(a.b Int32)", 8, "expected ',' or ')'"},
		{"Nested()", 7, "at least one column"},
		{"Nested(Int8)", 8, "expected a column name"},
		{"Variant()", 8, "at least 1 type argument"},
		{"JSON(max_dynamic_paths=10001)", 24, "0 to 10000"},
		{"JSON(Max_Dynamic_Paths=3)", 6, "max_dynamic_paths or max_dynamic_types"},
		{"JSON(a String, a Int8)", 16, "duplicate JSON path"},
		{"JSON(SKIP REGEXP x)", 18, "regular expression in single quotes"},
		{"Dynamic(max_types=255)", 19, "0 to 254"},
		{"Dynamic(foo=1)", 9, "expected max_types=N"},
		{"AggregateFunction()", 19, "expected an aggregate function name"},
		/* found by the fuzzer: a quoted name that is no identifier was rendered unquoted */
		{"AggregateFunction(\")x(\", UInt8)", 19, "expected an aggregate function name"},
		{"AggregateFunction(sum UInt64)", 23, "expected ',' or ')' after the aggregate function"},
		{"AggregateFunction(quantile(0.5 0.9), Float64)", 32, "expected ',' or ')'"},
		{"SimpleAggregateFunction(max)", 28, "needs an argument type"},
		{"INT(x)", 5, "expected ')' after the display width"},
		{"VARCHAR(255, 3)", 14, "at most 1 argument"},
		{"Foo(a, 'b)", 8, "unterminated string literal"},
		{"Foo(a, (b)", 4, "unbalanced '('"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const parse_error_case *c = &cases[i];
		migplan_chtype *t = (migplan_chtype *)&t; /* must be reset to NULL */
		migplan_status st = migplan_chtype_parse(&t, c->input, strlen(c->input));
		const migplan_error *e = migplan_error_last();
		int good = st == MIGPLAN_EPARSE && !t && migplan_error_code(e) == MIGPLAN_EPARSE &&
		           migplan_error_line(e) == 1 && migplan_error_column(e) == c->column &&
		           strstr(migplan_error_message(e), c->message) != NULL;
		if (!ok(good, "parse error in '%s' at column %u: %s", c->input, c->column, c->message))
			show_error();
	}

	/* deeply nested input fails cleanly instead of exhausting the stack */
	char *deep = malloc(1200 * 7 + 8);
	size_t n = 0;
	for (int i = 0; i < 1200; i++) {
		memcpy(deep + n, "Array(", 6);
		n += 6;
	}
	memcpy(deep + n, "String", 6);
	n += 6;
	memset(deep + n, ')', 1200);
	n += 1200;
	migplan_chtype *t = NULL;
	migplan_status st = migplan_chtype_parse(&t, deep, n);
	ok(st == MIGPLAN_EPARSE && !t &&
	   strstr(migplan_error_message(migplan_error_last()), "nested too deeply"),
	   "1200 nested Arrays: EPARSE, nested too deeply");
	free(deep);

	/* the length is honoured: no reading past it, embedded NUL is an error */
	st = migplan_chtype_parse(&t, "Int32garbage", 5);
	ok(st == MIGPLAN_OK && t && migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_INT,
	   "parse reads only len bytes");
	migplan_chtype_free(t);
	st = migplan_chtype_parse(&t, "Int32\0", 6);
	ok(st == MIGPLAN_EPARSE && migplan_error_column(migplan_error_last()) == 6,
	   "an embedded NUL byte is unexpected text");

	ok(migplan_chtype_parse(&t, NULL, 0) == MIGPLAN_EINVAL && !t, "parse(NULL text): EINVAL");
	ok(migplan_chtype_parse(NULL, "Int8", 4) == MIGPLAN_EINVAL, "parse(NULL out): EINVAL");
	char *s = (char *)&s;
	ok(migplan_chtype_normalize(NULL, &s) == MIGPLAN_EINVAL && !s, "normalize(NULL): EINVAL");
	ok(migplan_chtype_normalize("Array(", &s) == MIGPLAN_EPARSE && !s,
	   "normalize of a bad type: EPARSE");
	ok(migplan_chtype_render(NULL, &s) == MIGPLAN_EINVAL && !s, "render(NULL): EINVAL");
	ok(migplan_chtype_copy(&t, NULL) == MIGPLAN_EINVAL && !t, "copy(NULL): EINVAL");
}

static migplan_chtype *parse(const char *s)
{
	migplan_chtype *t = NULL;
	if (migplan_chtype_parse(&t, s, strlen(s)))
		show_error();
	return t;
}

static void test_scalar_accessors(void)
{
	static const struct {
		const char *type;
		migplan_chtype_kind kind;
		const char *name;
		unsigned int bits;
		int is_signed;
		unsigned int precision, scale, length;
		const char *tz;
	} cases[] = {
		{"Int8", MIGPLAN_CHTYPE_INT, "Int8", 8, 1, 0, 0, 0, NULL},
		{"UInt256", MIGPLAN_CHTYPE_INT, "UInt256", 256, 0, 0, 0, 0, NULL},
		{"BIGINT UNSIGNED", MIGPLAN_CHTYPE_INT, "UInt64", 64, 0, 0, 0, 0, NULL},
		{"TINYINT(1)", MIGPLAN_CHTYPE_INT, "Int8", 8, 1, 0, 0, 0, NULL},
		{"Float32", MIGPLAN_CHTYPE_FLOAT, "Float32", 32, 1, 0, 0, 0, NULL},
		{"DOUBLE PRECISION", MIGPLAN_CHTYPE_FLOAT, "Float64", 64, 1, 0, 0, 0, NULL},
		{"BFloat16", MIGPLAN_CHTYPE_FLOAT, "BFloat16", 16, 1, 0, 0, 0, NULL},
		{"Decimal(18, 4)", MIGPLAN_CHTYPE_DECIMAL, "Decimal", 0, 1, 18, 4, 0, NULL},
		{"Decimal128(5)", MIGPLAN_CHTYPE_DECIMAL, "Decimal", 0, 1, 38, 5, 0, NULL},
		{"NUMERIC", MIGPLAN_CHTYPE_DECIMAL, "Decimal", 0, 1, 10, 0, 0, NULL},
		{"BOOLEAN", MIGPLAN_CHTYPE_BOOL, "Bool", 0, 0, 0, 0, 0, NULL},
		{"TEXT", MIGPLAN_CHTYPE_STRING, "String", 0, 0, 0, 0, 0, NULL},
		{"FixedString(16)", MIGPLAN_CHTYPE_FIXED_STRING, "FixedString", 0, 0, 0, 0, 16, NULL},
		{"BINARY(4)", MIGPLAN_CHTYPE_FIXED_STRING, "FixedString", 0, 0, 0, 0, 4, NULL},
		{"date", MIGPLAN_CHTYPE_DATE, "Date", 0, 0, 0, 0, 0, NULL},
		{"Date32", MIGPLAN_CHTYPE_DATE32, "Date32", 0, 0, 0, 0, 0, NULL},
		{"DateTime", MIGPLAN_CHTYPE_DATETIME, "DateTime", 0, 0, 0, 0, 0, NULL},
		{"DateTime('Europe/Berlin')", MIGPLAN_CHTYPE_DATETIME, "DateTime", 0, 0, 0, 0, 0,
		 "Europe/Berlin"},
		{"TIMESTAMP", MIGPLAN_CHTYPE_DATETIME, "DateTime", 0, 0, 0, 0, 0, NULL},
		{"DateTime64", MIGPLAN_CHTYPE_DATETIME64, "DateTime64", 0, 0, 3, 0, 0, NULL},
		{"DateTime64(6, 'UTC')", MIGPLAN_CHTYPE_DATETIME64, "DateTime64", 0, 0, 6, 0, 0, "UTC"},
		{"UUID", MIGPLAN_CHTYPE_UUID, "UUID", 0, 0, 0, 0, 0, NULL},
		{"INET4", MIGPLAN_CHTYPE_IPV4, "IPv4", 0, 0, 0, 0, 0, NULL},
		{"IPv6", MIGPLAN_CHTYPE_IPV6, "IPv6", 0, 0, 0, 0, 0, NULL},
		{"MultiPolygon", MIGPLAN_CHTYPE_GEO, "MultiPolygon", 0, 0, 0, 0, 0, NULL},
		{"Nothing", MIGPLAN_CHTYPE_NOTHING, "Nothing", 0, 0, 0, 0, 0, NULL},
		{"Dynamic", MIGPLAN_CHTYPE_DYNAMIC, "Dynamic", 0, 0, 0, 0, 0, NULL},
		{"IntervalSecond", MIGPLAN_CHTYPE_INTERVAL, "IntervalSecond", 0, 0, 0, 0, 0, NULL},
		{"JSON", MIGPLAN_CHTYPE_JSON, "JSON", 0, 0, 0, 0, 0, NULL},
		{"Time64(3)", MIGPLAN_CHTYPE_OTHER, "Time64", 0, 0, 0, 0, 0, NULL},
		{"Frobnicate(1)", MIGPLAN_CHTYPE_OTHER, "Frobnicate", 0, 0, 0, 0, 0, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		migplan_chtype *t = parse(cases[i].type);
		const char *tz = migplan_chtype_timezone(t);
		int good = t && migplan_chtype_kind_of(t) == cases[i].kind &&
		           !strcmp(migplan_chtype_name(t), cases[i].name) &&
		           migplan_chtype_bits(t) == cases[i].bits &&
		           migplan_chtype_is_signed(t) == cases[i].is_signed &&
		           migplan_chtype_precision(t) == cases[i].precision &&
		           migplan_chtype_scale(t) == cases[i].scale &&
		           migplan_chtype_length(t) == cases[i].length &&
		           (cases[i].tz ? tz && !strcmp(tz, cases[i].tz) : !tz) &&
		           migplan_chtype_child_count(t) == 0 && migplan_chtype_enum_count(t) == 0 &&
		           !migplan_chtype_function(t);
		if (!good && t)
			diag("kind %d name %s bits %u signed %d p %u s %u len %u", migplan_chtype_kind_of(t),
			     migplan_chtype_name(t), migplan_chtype_bits(t), migplan_chtype_is_signed(t),
			     migplan_chtype_precision(t), migplan_chtype_scale(t), migplan_chtype_length(t));
		ok(good, "accessors of %s", cases[i].type);
		migplan_chtype_free(t);
	}

	/* NULL-safe accessors */
	ok(migplan_chtype_kind_of(NULL) == MIGPLAN_CHTYPE_OTHER && !migplan_chtype_name(NULL) &&
	   !migplan_chtype_bits(NULL) && !migplan_chtype_child_count(NULL) &&
	   !migplan_chtype_child_at(NULL, 0) && !migplan_chtype_child_name(NULL, 0) &&
	   !migplan_chtype_enum_name(NULL, 0) && !migplan_chtype_function(NULL) &&
	   !migplan_chtype_timezone(NULL),
	   "accessors accept NULL");
	migplan_chtype_free(NULL);
}

static void test_composite_accessors(void)
{
	migplan_chtype *t = parse("Map(LowCardinality(String), Array(Nullable(UInt8)))");
	const migplan_chtype *k = migplan_chtype_child_at(t, 0), *v = migplan_chtype_child_at(t, 1);
	ok(migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_MAP && migplan_chtype_child_count(t) == 2 &&
	   migplan_chtype_kind_of(k) == MIGPLAN_CHTYPE_LOW_CARDINALITY &&
	   migplan_chtype_kind_of(migplan_chtype_child_at(k, 0)) == MIGPLAN_CHTYPE_STRING &&
	   migplan_chtype_kind_of(v) == MIGPLAN_CHTYPE_ARRAY &&
	   migplan_chtype_kind_of(migplan_chtype_child_at(v, 0)) == MIGPLAN_CHTYPE_NULLABLE &&
	   migplan_chtype_bits(migplan_chtype_child_at(migplan_chtype_child_at(v, 0), 0)) == 8 &&
	   !migplan_chtype_child_at(t, 2) && !migplan_chtype_child_name(t, 0),
	   "Map children: key, value, no names, out of range is NULL");
	migplan_chtype_free(t);

	t = parse("Tuple(a Int32, `b c` Tuple(d String))");
	ok(migplan_chtype_child_count(t) == 2 && !strcmp(migplan_chtype_child_name(t, 0), "a") &&
	   !strcmp(migplan_chtype_child_name(t, 1), "b c") &&
	   !strcmp(migplan_chtype_child_name(migplan_chtype_child_at(t, 1), 0), "d") &&
	   !migplan_chtype_child_name(t, 2),
	   "named Tuple: element names, unescaped");
	migplan_chtype_free(t);

	t = parse("Tuple(Int32, String)");
	ok(migplan_chtype_child_count(t) == 2 && !migplan_chtype_child_name(t, 0) &&
	   !migplan_chtype_child_name(t, 1), "unnamed Tuple: no names");
	migplan_chtype_free(t);

	t = parse("Nested(a Int32, b Array(String))");
	ok(migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_NESTED && migplan_chtype_child_count(t) == 2 &&
	   !strcmp(migplan_chtype_child_name(t, 1), "b") &&
	   migplan_chtype_kind_of(migplan_chtype_child_at(t, 1)) == MIGPLAN_CHTYPE_ARRAY,
	   "Nested: named columns");
	migplan_chtype_free(t);

	t = parse("Variant(UInt64, String, Array(String), String)");
	ok(migplan_chtype_child_count(t) == 3 &&
	   !strcmp(migplan_chtype_name(migplan_chtype_child_at(t, 0)), "Array") &&
	   !strcmp(migplan_chtype_name(migplan_chtype_child_at(t, 1)), "String") &&
	   !strcmp(migplan_chtype_name(migplan_chtype_child_at(t, 2)), "UInt64"),
	   "Variant: members sorted by name and deduplicated, as ClickHouse keeps them");
	migplan_chtype_free(t);

	t = parse("Enum('b' = 2, 'it''s' = -3, 'a' = 1)");
	ok(migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_ENUM8 && !strcmp(migplan_chtype_name(t), "Enum8") &&
	   migplan_chtype_enum_count(t) == 3 && !strcmp(migplan_chtype_enum_name(t, 0), "it's") &&
	   migplan_chtype_enum_value(t, 0) == -3 && !strcmp(migplan_chtype_enum_name(t, 2), "b") &&
	   migplan_chtype_enum_value(t, 2) == 2 && !migplan_chtype_enum_name(t, 3) &&
	   migplan_chtype_enum_value(t, 3) == 0,
	   "Enum: Enum8 chosen, members sorted by value, quotes unescaped");
	migplan_chtype_free(t);

	t = parse("Enum('x', 'y' = 1000)");
	ok(migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_ENUM16 && migplan_chtype_enum_value(t, 0) == 1 &&
	   migplan_chtype_enum_value(t, 1) == 1000, "Enum: Enum16 for a value beyond Int8");
	migplan_chtype_free(t);

	t = parse("AggregateFunction(quantiles(0.5,0.9), Nullable(Float64))");
	ok(migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_AGGREGATE_FUNCTION &&
	   !strcmp(migplan_chtype_function(t), "quantiles(0.5, 0.9)") &&
	   migplan_chtype_child_count(t) == 1 &&
	   migplan_chtype_kind_of(migplan_chtype_child_at(t, 0)) == MIGPLAN_CHTYPE_NULLABLE,
	   "AggregateFunction: function with parameters, argument types as children");
	migplan_chtype_free(t);

	t = parse("AggregateFunction(MAX_BY, String, UInt64)");
	ok(!strcmp(migplan_chtype_function(t), "argMax") && migplan_chtype_child_count(t) == 2,
	   "AggregateFunction: an alias resolves to the function ClickHouse reports");
	migplan_chtype_free(t);

	t = parse("SimpleAggregateFunction(anyLast, LowCardinality(String))");
	ok(migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_SIMPLE_AGGREGATE_FUNCTION &&
	   !strcmp(migplan_chtype_function(t), "anyLast") && migplan_chtype_child_count(t) == 1,
	   "SimpleAggregateFunction: function and argument type");
	migplan_chtype_free(t);

	t = parse("JSON(b.c String, SKIP x, a Int64, max_dynamic_paths=10)");
	ok(migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_JSON && migplan_chtype_child_count(t) == 2 &&
	   !strcmp(migplan_chtype_child_name(t, 0), "a") &&
	   !strcmp(migplan_chtype_child_name(t, 1), "b.c"),
	   "JSON: typed paths are its named children, sorted by path");
	migplan_chtype_free(t);
}

static void test_copy_equal_normalize(void)
{
	static const char *const types[] = {
		"Int32", "Decimal(18, 4)", "DateTime64(3, 'UTC')", "Enum8('a' = 1, 'b' = -2)",
		"Map(String, Array(Tuple(a Int32, `b c` Nullable(String))))",
		"LowCardinality(Nullable(String))", "Variant(String, UInt64)",
		"JSON(max_dynamic_types=3, a String, SKIP b, SKIP REGEXP 'c')",
		"AggregateFunction(1, sumMap, Array(UInt8), Array(UInt64))", "Dynamic(max_types=10)",
		"Nested(a Int8, b Enum16('x' = 1000))", "Object('json')",
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		migplan_chtype *t = parse(types[i]), *c = NULL;
		char *a = render(t), *b = NULL;
		int good = migplan_chtype_copy(&c, t) == MIGPLAN_OK && c != t;
		migplan_chtype_free(t); /* the copy must not share anything */
		b = good ? render(c) : NULL;
		ok(good && a && b && !strcmp(a, b), "copy of %s renders the same after the original is freed",
		   types[i]);
		migplan_free(a);
		migplan_free(b);
		migplan_chtype_free(c);
	}

	static const char *const same[][2] = {
		{"INT", "Int32"},
		{"Decimal32(3)", "Decimal(9, 3)"},
		{"Enum('a', 'b')", "Enum8('b' = 2, 'a' = 1)"},
		{"Variant(String, UInt8)", "Variant(UInt8, String, String)"},
		{"JSON(max_dynamic_paths=1024)", "JSON"},
		{"Tuple(`a` Int8)", "Tuple(a Int8)"},
		{"AggregateFunction(COUNT)", "AggregateFunction(count)"},
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		migplan_chtype *a = parse(same[i][0]), *b = parse(same[i][1]);
		ok(migplan_chtype_equal(a, b) && migplan_chtype_equal(b, a), "%s equals %s", same[i][0],
		   same[i][1]);
		migplan_chtype_free(a);
		migplan_chtype_free(b);
	}
	static const char *const differ[][2] = {
		{"Int32", "UInt32"},
		{"Decimal(18, 4)", "Decimal(18, 3)"},
		{"DateTime('UTC')", "DateTime"},
		{"Enum8('a' = 1)", "Enum16('a' = 1)"},
		{"Tuple(a Int8)", "Tuple(Int8)"},
		{"Nullable(String)", "LowCardinality(String)"},
		{"Object('a')", "Object('b')"},
	};
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		migplan_chtype *a = parse(differ[i][0]), *b = parse(differ[i][1]);
		ok(!migplan_chtype_equal(a, b), "%s differs from %s", differ[i][0], differ[i][1]);
		migplan_chtype_free(a);
		migplan_chtype_free(b);
	}
	migplan_chtype *a = parse("Int8");
	ok(!migplan_chtype_equal(a, NULL) && !migplan_chtype_equal(NULL, a) &&
	   migplan_chtype_equal(NULL, NULL), "equal with NULL");
	migplan_chtype_free(a);

	char *s = NULL;
	ok(migplan_chtype_normalize("  Nullable ( Decimal64( 4 ) )  ", &s) == MIGPLAN_OK &&
	   !strcmp(s, "Nullable(Decimal(18, 4))"), "normalize in one call");
	migplan_free(s);
}

/* ---- Moose -> ClickHouse ------------------------------------------------------------- */

/* Maps the Moose column written in YAML (data_type, required, annotations) in one order. */
static migplan_status moose(const char *yaml, migplan__moose_render order, char **out)
{
	migplan__limits lim;
	migplan__doc *doc = NULL;
	migplan_chtype *t = NULL;
	*out = NULL;
	migplan__limits_from(&lim, NULL);
	migplan_status st = migplan__yaml_read(&doc, yaml, strlen(yaml), "column.yaml", &lim);
	if (st) {
		show_error();
		return st;
	}
	const migplan_node *col = doc->root;
	const migplan_node *req = migplan_node_get(col, "required");
	int nullable = migplan_node_kind_of(req) == MIGPLAN_NODE_BOOL && !migplan_node_bool(req);
	st = migplan__chtype_from_moose(&t, migplan_node_get(col, "data_type"), nullable,
	                                migplan_node_get(col, "annotations"), order);
	if (!st) {
		st = migplan_chtype_render(t, out);
		migplan_chtype_free(t);
	}
	migplan__doc_free(doc);
	return st;
}

/* The YAML on one line, for a TAP description. */
static const char *oneline(const char *yaml)
{
	static char buf[512];
	size_t n = 0;
	for (; *yaml && n < sizeof(buf) - 1; yaml++)
		buf[n++] = *yaml == '\n' ? ' ' : *yaml;
	buf[n] = '\0';
	return buf;
}

/* Both orders; they differ only for optional LowCardinality and aggregate columns. */
static void check_moose2(const char *yaml, const char *correct, const char *as_moose)
{
	char *a = NULL, *b = NULL;
	migplan_status sa = moose(yaml, MIGPLAN__RENDER_CORRECT, &a);
	migplan_status sb = moose(yaml, MIGPLAN__RENDER_AS_MOOSE, &b);
	int good = !sa && !sb && !strcmp(a, correct) && !strcmp(b, as_moose);
	if (!good)
		diag("got '%s' / '%s'", a ? a : "(error)", b ? b : "(error)");
	if (strcmp(correct, as_moose))
		ok(good, "moose %s -> %s (Moose's DDL: %s)", oneline(yaml), correct, as_moose);
	else
		ok(good, "moose %s -> %s", oneline(yaml), correct);
	migplan_free(a);
	migplan_free(b);
}

static void check_moose(const char *yaml, const char *want)
{
	check_moose2(yaml, want, want);
}

static void check_moose_error(const char *yaml, migplan_status code, uint32_t line, uint32_t column,
                              const char *message)
{
	char *s = NULL;
	migplan_status st = moose(yaml, MIGPLAN__RENDER_CORRECT, &s);
	const migplan_error *e = migplan_error_last();
	int good = st == code && !s && migplan_error_line(e) == line &&
	           migplan_error_column(e) == column && migplan_error_path(e) &&
	           !strcmp(migplan_error_path(e), "column.yaml") &&
	           strstr(migplan_error_message(e), message) != NULL;
	if (!good)
		show_error();
	ok(good, "moose error at %u:%u (%s): %s in %s", line, column, migplan_status_str(code), message,
	   oneline(yaml));
	migplan_free(s);
}

/* FORMAT.md section 3, row by row, and every encoding of section 1.6. */
static void test_moose_scalars(void)
{
	static const char *const same[] = {
		"String", "Int8", "Int16", "Int32", "Int64", "Int128", "Int256", "UInt8", "UInt16",
		"UInt32", "UInt64", "UInt128", "UInt256", "Float32", "Float64", "UUID", "IPv4", "IPv6",
		"Point", "Ring", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
	};
	char yaml[256];
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		snprintf(yaml, sizeof(yaml), "{data_type: %s, required: true}", same[i]);
		check_moose(yaml, same[i]);
	}
	check_moose("{data_type: Int, required: true}", "Int64");
	check_moose("{data_type: Float, required: true}", "Float64");
	check_moose("{data_type: Boolean, required: true}", "Bool");
	check_moose("{data_type: 'FixedString(16)', required: true}", "FixedString(16)");
	check_moose("{data_type: 'Decimal(12, 2)', required: true}", "Decimal(12, 2)");
	check_moose("{data_type: 'Decimal( 10 ,2 )', required: true}", "Decimal(10, 2)");
	check_moose("{data_type: Decimal, required: true}", "Decimal(10, 0)");
	check_moose("{data_type: DateTime, required: true}", "DateTime('UTC')");
	check_moose("{data_type: 'DateTime(3)', required: true}", "DateTime64(3)");
	check_moose("{data_type: Date, required: true}", "Date32");
	check_moose("{data_type: Date16, required: true}", "Date");
	check_moose("{data_type: Json, required: true}", "JSON");
	check_moose("{data_type: String, required: false}", "Nullable(String)");
	check_moose("{data_type: 'DateTime(6)', required: false}", "Nullable(DateTime64(6))");
	check_moose("{data_type: Date, required: false}", "Nullable(Date32)");
	check_moose("{data_type: UUID}", "UUID"); /* required defaults to true */
}

static void test_moose_composites(void)
{
	/* {nullable: T}: not wrapped twice, also when the column is optional */
	check_moose("{data_type: {nullable: String}, required: true}", "Nullable(String)");
	check_moose("{data_type: {nullable: String}, required: false}", "Nullable(String)");
	check_moose("{data_type: {nullable: {nullable: Int8}}}", "Nullable(Int8)");

	/* arrays: never Nullable themselves */
	check_moose("{data_type: {elementNullable: false, elementType: String}, required: true}",
	            "Array(String)");
	check_moose("{data_type: {elementNullable: true, elementType: String}, required: true}",
	            "Array(Nullable(String))");
	check_moose("{data_type: {elementType: Int64}, required: true}", "Array(Int64)");
	check_moose("{data_type: {element_type: Date16, element_nullable: true}}",
	            "Array(Nullable(Date))");
	check_moose("{data_type: {elementType: String}, required: false}", "Array(String)");
	check_moose("{data_type: {elementType: {nullable: String}, elementNullable: true}}",
	            "Array(Nullable(String))");
	check_moose("{data_type: {elementType: {elementType: {elementNullable: true, elementType: Float32}}}}",
	            "Array(Array(Array(Nullable(Float32))))");

	/* maps */
	check_moose("{data_type: {keyType: String, valueType: UInt64}}", "Map(String, UInt64)");
	check_moose("{data_type: {key_type: String, value_type: {elementType: String}}}",
	            "Map(String, Array(String))");
	/* ClickHouse refuses Nullable(Map), Nullable(Tuple), Nullable(Point): the correct order
	 * leaves the wrapper off, Moose's DDL writes it */
	check_moose2("{data_type: {keyType: String, valueType: {nullable: Float64}}, required: false}",
	             "Map(String, Nullable(Float64))", "Nullable(Map(String, Nullable(Float64)))");
	check_moose2("{data_type: {fields: [[a, Int8]]}, required: false}", "Tuple(a Int8)",
	             "Nullable(Tuple(a Int8))");
	check_moose2("{data_type: Point, required: false}", "Point", "Nullable(Point)");
	check_moose2("{data_type: {nullable: {elementType: String}}}", "Array(String)",
	             "Nullable(Array(String))");

	/* named tuples */
	check_moose("{data_type: {fields: [[lat, Float64], [lon, Float64]]}}",
	            "Tuple(lat Float64, lon Float64)");
	check_moose("{data_type: {fields: [[select, String], ['a b', {nullable: Int32}], [n, {fields: [[x, Date]]}]]}}",
	            "Tuple(`select` String, `a b` Nullable(Int32), n Tuple(x Date32))");
	check_moose("{data_type: {fields: []}}", "Tuple()");

	/* Nested: a non-required inner column becomes Nullable(T) */
	check_moose("{data_type: {name: addr, jwt: false, columns: ["
	            "{name: street, data_type: String, required: true, annotations: []}, "
	            "{name: zip, data_type: Int32, required: false, annotations: []}, "
	            "{name: tags, data_type: {elementType: String}, required: false}]}}",
	            "Nested(street String, zip Nullable(Int32), tags Array(String))");
	check_moose("{data_type: {name: n, columns: [{name: a, data_type: UInt8}]}, required: false}",
	            "Nested(a UInt8)");

	/* Enum: string members use the values as labels, numbered from 1; Int members use
	 * the member names with their values; Enum8 or Enum16 as ClickHouse picks */
	check_moose("{data_type: {name: Device, values: ["
	            "{name: DESKTOP, value: {String: desktop}}, {name: MOBILE, value: {String: mobile}}, "
	            "{name: TABLET, value: {String: tablet}}]}}",
	            "Enum8('desktop' = 1, 'mobile' = 2, 'tablet' = 3)");
	check_moose("{data_type: {name: Status, values: [{name: OK, value: {Int: 200}}, "
	            "{name: ERR, value: {Int: 500}}]}}",
	            "Enum16('OK' = 200, 'ERR' = 500)");
	check_moose("{data_type: {name: Sign, values: [{name: POS, value: {Int: 1}}, "
	            "{name: NEG, value: {Int: -1}}]}, required: false}",
	            "Nullable(Enum8('NEG' = -1, 'POS' = 1))");
	check_moose("{data_type: {name: Q, values: [{name: A, value: {String: \"it's\"}}, "
	            "{name: B, value: {String: 'back\\slash'}}]}}",
	            "Enum8('it\\'s' = 1, 'back\\\\slash' = 2)");
	check_moose("{data_type: {name: Big, values: [{name: A, value: {Int: -32768}}, "
	            "{name: B, value: {Int: 32767}}]}}",
	            "Enum16('A' = -32768, 'B' = 32767)");

	/* JSON */
	check_moose("{data_type: {skip_paths: [], skip_regexps: [], typed_paths: []}}", "JSON");
	check_moose("{data_type: {max_dynamic_paths: 256, skip_paths: [debug], skip_regexps: ['^tmp'], "
	            "typed_paths: [[user.id, Int64], [user.name, String]]}}",
	            "JSON(max_dynamic_paths=256, `user.id` Int64, `user.name` String, SKIP debug, "
	            "SKIP REGEXP '^tmp')");
	check_moose("{data_type: {maxDynamicTypes: 8, maxDynamicPaths: null, typedPaths: [[a, {nullable: String}]], "
	            "skipPaths: [b.c, a.z], skipRegexps: ['y', 'x']}}",
	            "JSON(max_dynamic_types=8, a Nullable(String), SKIP `a.z`, SKIP `b.c`, "
	            "SKIP REGEXP 'x', SKIP REGEXP 'y')");
	check_moose("{data_type: {max_dynamic_paths: 1024, max_dynamic_types: 32}}", "JSON");
	check_moose("{data_type: {typed_paths: [[n, Json]]}, required: false}",
	            "Nullable(JSON(n JSON))");

	/* block style, as Moose writes it */
	check_moose("annotations: []\n"
	            "data_type:\n"
	            "  elementNullable: true\n"
	            "  elementType: String\n"
	            "default: null\n"
	            "name: referrers\n"
	            "primary_key: false\n"
	            "required: true\n"
	            "unique: false\n",
	            "Array(Nullable(String))");
}

static void test_moose_annotations(void)
{
	/* the optional LowCardinality string, in both orders */
	check_moose("{data_type: String, required: true, annotations: [[LowCardinality, true]]}",
	            "LowCardinality(String)");
	check_moose2("{data_type: String, required: false, annotations: [[LowCardinality, true]]}",
	             "LowCardinality(Nullable(String))", "Nullable(LowCardinality(String))");
	check_moose2("annotations:\n- - LowCardinality\n  - true\ndata_type: String\nrequired: false\n",
	             "LowCardinality(Nullable(String))", "Nullable(LowCardinality(String))");
	check_moose2("{data_type: {nullable: String}, required: true, annotations: [[LowCardinality, true]]}",
	             "LowCardinality(Nullable(String))", "LowCardinality(Nullable(String))");
	check_moose2("{data_type: {nullable: String}, required: false, annotations: [[LowCardinality, true]]}",
	             "LowCardinality(Nullable(String))", "Nullable(LowCardinality(Nullable(String)))");
	check_moose("{data_type: String, required: true, annotations: [[LowCardinality, false]]}",
	            "String");
	check_moose("{data_type: String, annotations: [[stringDate, true], [LowCardinality, true]]}",
	            "LowCardinality(String)");
	check_moose("{data_type: {elementType: String}, annotations: [[LowCardinality, true]]}",
	            "LowCardinality(Array(String))");

	/* aggregates: data_type is the result type, the column holds the state */
	check_moose("{data_type: UInt64, annotations: [[aggregationFunction, "
	            "{functionName: sum, argumentTypes: [UInt64]}]]}",
	            "AggregateFunction(sum, UInt64)");
	check_moose("{data_type: Float64, annotations: [[aggregationFunction, "
	            "{functionName: 'quantiles(0.5,0.9)', argumentTypes: [Float64]}]]}",
	            "AggregateFunction(quantiles(0.5, 0.9), Float64)");
	check_moose("{data_type: String, annotations: [[aggregationFunction, "
	            "{functionName: argMax, argumentTypes: [String, DateTime]}]]}",
	            "AggregateFunction(argMax, String, DateTime('UTC'))");
	check_moose("{data_type: UInt64, annotations: [[aggregationFunction, "
	            "{functionName: count, argumentTypes: []}]]}",
	            "AggregateFunction(count)");
	check_moose2("{data_type: UInt64, required: false, annotations: [[aggregationFunction, "
	             "{functionName: uniq, argumentTypes: [{nullable: String}]}]]}",
	             "AggregateFunction(uniq, Nullable(String))",
	             "Nullable(AggregateFunction(uniq, Nullable(String)))");
	check_moose("{data_type: Float64, annotations: [[simpleAggregationFunction, "
	            "{functionName: max, argumentType: Float64}]]}",
	            "SimpleAggregateFunction(max, Float64)");
	check_moose("{data_type: String, annotations: [[simpleAggregationFunction, "
	            "{functionName: anyLast, argumentType: String}], [LowCardinality, true]]}",
	            "LowCardinality(SimpleAggregateFunction(anyLast, String))");
	check_moose2("{data_type: Int64, required: false, annotations: [[simpleAggregationFunction, "
	             "{functionName: sum, argumentType: Int64}]]}",
	             "Nullable(SimpleAggregateFunction(sum, Int64))",
	             "Nullable(SimpleAggregateFunction(sum, Int64))");
}

static void test_moose_errors(void)
{
	check_moose_error("{data_type: BigInt, required: true}", MIGPLAN_EUNSUPPORTED, 1, 13,
	                  "Moose has no ClickHouse mapping for BigInt");
	check_moose_error("{data_type: Bytes}", MIGPLAN_EUNSUPPORTED, 1, 13,
	                  "Moose has no ClickHouse mapping for Bytes");
	check_moose_error("data_type:\n  elementType:\n    keyType: String\n    valueType: BigInt\n",
	                  MIGPLAN_EUNSUPPORTED, 4, 16, "no ClickHouse mapping for BigInt");
	check_moose_error("data_type: Strin\n", MIGPLAN_ESCHEMA, 1, 12, "unknown Moose type 'Strin'");
	check_moose_error("data_type: DateTime64(3)\n", MIGPLAN_ESCHEMA, 1, 12,
	                  "unknown Moose type 'DateTime64(3)'");
	check_moose_error("data_type: Date32\n", MIGPLAN_ESCHEMA, 1, 12, "unknown Moose type 'Date32'");
	check_moose_error("data_type: 'Decimal(10)'\n", MIGPLAN_ESCHEMA, 1, 12,
	                  "unknown Moose type 'Decimal(10)'");
	check_moose_error("data_type: 42\n", MIGPLAN_ESCHEMA, 1, 12, "found integer");
	check_moose_error("data_type:\n  foo: 1\n", MIGPLAN_ESCHEMA, 2, 3, "not a Moose type object");
	check_moose_error("data_type:\n  Nullable:\n    nullable: String\n", MIGPLAN_ESCHEMA, 2, 3,
	                  "not a Moose type object");
	check_moose_error("data_type: 'Decimal(80, 2)'\n", MIGPLAN_ESCHEMA, 1, 12,
	                  "not a valid ClickHouse type");
	check_moose_error("data_type: 'DateTime(12)'\n", MIGPLAN_ESCHEMA, 1, 12, "0 to 9");
	check_moose_error("data_type: 'FixedString(0)'\n", MIGPLAN_ESCHEMA, 1, 12,
	                  "not a valid ClickHouse type");
	check_moose_error("data_type:\n  elementType: [String]\n", MIGPLAN_ESCHEMA, 2, 16,
	                  "found sequence");
	check_moose_error("data_type:\n  elementType: String\n  elementNullable: 'yes'\n",
	                  MIGPLAN_ESCHEMA, 3, 20, "elementNullable to be true or false");
	check_moose_error("data_type:\n  keyType: String\n", MIGPLAN_ESCHEMA, 2, 3, "missing valueType");
	check_moose_error("data_type:\n  fields: String\n", MIGPLAN_ESCHEMA, 2, 11,
	                  "fields to be a list");
	check_moose_error("data_type:\n  fields:\n  - [a]\n", MIGPLAN_ESCHEMA, 3, 5,
	                  "tuple field [name, type]");
	check_moose_error("data_type:\n  fields:\n  - [1, String]\n", MIGPLAN_ESCHEMA, 3, 6,
	                  "field name to be a string");
	check_moose_error("data_type:\n  values:\n  - name: A\n    value:\n      String: a\n",
	                  MIGPLAN_ESCHEMA, 2, 3, "Enum name to be a string");
	check_moose_error("data_type:\n  name: E\n  values: []\n", MIGPLAN_ESCHEMA, 3, 11,
	                  "at least one member");
	check_moose_error("data_type:\n  name: E\n  values:\n  - name: A\n    value:\n      Int: 40000\n",
	                  MIGPLAN_ESCHEMA, 6, 12, "-32768 to 32767");
	check_moose_error("data_type:\n  name: E\n  values:\n  - name: A\n    value:\n      Int: 1\n"
	                  "  - name: B\n    value:\n      String: b\n",
	                  MIGPLAN_ESCHEMA, 7, 5, "mixes String and Int members");
	check_moose_error("data_type:\n  name: E\n  values:\n  - name: A\n    value:\n      String: a\n"
	                  "  - name: B\n    value:\n      String: a\n",
	                  MIGPLAN_ESCHEMA, 7, 5, "duplicate Enum label 'a'");
	check_moose_error("data_type:\n  name: E\n  values:\n  - name: A\n    value:\n      Int: 1\n"
	                  "  - name: B\n    value:\n      Int: 1\n",
	                  MIGPLAN_ESCHEMA, 7, 5, "duplicate Enum value 1");
	check_moose_error("data_type:\n  name: E\n  values:\n  - name: A\n    value: a\n",
	                  MIGPLAN_ESCHEMA, 5, 12, "{String: text} or {Int: n}");
	check_moose_error("data_type:\n  name: N\n  columns:\n  - name: a\n", MIGPLAN_ESCHEMA, 4, 5,
	                  "missing data_type");
	check_moose_error("data_type:\n  skip_paths: x\n", MIGPLAN_ESCHEMA, 2, 15,
	                  "skip_paths to be a list");
	check_moose_error("data_type:\n  max_dynamic_paths: -1\n", MIGPLAN_ESCHEMA, 2, 22,
	                  "max_dynamic_paths to be an integer from 0 to 10000");
	check_moose_error("data_type: String\nannotations: {LowCardinality: true}\n", MIGPLAN_ESCHEMA,
	                  2, 14, "list of [key, value] pairs");
	check_moose_error("data_type: String\nannotations:\n- LowCardinality\n", MIGPLAN_ESCHEMA, 3, 3,
	                  "annotation [key, value]");
	check_moose_error("data_type: UInt64\nannotations:\n- - aggregationFunction\n"
	                  "  - functionName: 'sum, UInt8'\n    argumentTypes: [UInt64]\n",
	                  MIGPLAN_ESCHEMA, 4, 19, "functionName to be a function name");
	check_moose_error("data_type: UInt64\nannotations:\n- - aggregationFunction\n"
	                  "  - functionName: sum\n",
	                  MIGPLAN_ESCHEMA, 4, 5, "argumentTypes to be a list");
	check_moose_error("data_type: UInt64\nannotations:\n- - simpleAggregationFunction\n"
	                  "  - functionName: max\n",
	                  MIGPLAN_ESCHEMA, 4, 5, "missing argumentType");

	migplan_chtype *t = (migplan_chtype *)&t;
	ok(migplan__chtype_from_moose(&t, NULL, 0, NULL, MIGPLAN__RENDER_CORRECT) == MIGPLAN_EINVAL &&
	   !t, "from_moose(NULL data_type): EINVAL");
}

int main(void)
{
	test_roundtrip_file();
	test_library_only();
	test_parse_errors();
	test_scalar_accessors();
	test_composite_accessors();
	test_copy_equal_normalize();
	test_moose_scalars();
	test_moose_composites();
	test_moose_annotations();
	test_moose_errors();
	return done_testing();
}
