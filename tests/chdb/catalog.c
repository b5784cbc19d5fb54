/* The pairs run on the engine and the boundary values of every old type. The list covers
 * every family of issue 3: integers of all widths both ways, integers to floats and decimals,
 * decimal precision and scale, floats, Bool, the date and time types, strings, FixedString,
 * LowCardinality, Nullable both ways (and where it is not allowed), enums, arrays, maps and
 * tuples recursively, UUID, IP addresses, JSON, everything to String, and identities. */
#include "catalog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *xprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = malloc((size_t)n + 1);
	if (!s)
		abort();
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- pairs ---- */

static const char *const ints[] = {
	"Int8", "Int16", "Int32", "Int64", "Int128", "Int256",
	"UInt8", "UInt16", "UInt32", "UInt64", "UInt128", "UInt256",
};

#define E8 "Enum8('a' = 1, 'b' = 2)"
#define TUP "Tuple(a Int32, b String)"

static const type_pair explicit_pairs[] = {
	/* integers to floats and decimals, floats to integers */
	{"Int8", "Float32"}, {"Int16", "Float32"}, {"Int32", "Float32"}, {"Int64", "Float32"},
	{"UInt8", "Float32"}, {"UInt16", "Float32"}, {"UInt32", "Float32"}, {"UInt64", "Float32"},
	{"Int8", "Float64"}, {"Int16", "Float64"}, {"Int32", "Float64"}, {"Int64", "Float64"},
	{"UInt8", "Float64"}, {"UInt16", "Float64"}, {"UInt32", "Float64"}, {"UInt64", "Float64"},
	{"Int128", "Float64"}, {"UInt256", "Float64"}, {"Int8", "BFloat16"}, {"UInt8", "BFloat16"},
	{"Int16", "BFloat16"},
	{"Float32", "Int32"}, {"Float64", "Int64"}, {"Float64", "Int32"}, {"Float32", "UInt64"},
	{"Int8", "Decimal(3, 0)"}, {"Int8", "Decimal(2, 0)"}, {"UInt8", "Decimal(3, 0)"},
	{"Int16", "Decimal(5, 0)"}, {"Int16", "Decimal(4, 0)"}, {"Int32", "Decimal(9, 0)"},
	{"Int32", "Decimal(10, 0)"}, {"Int32", "Decimal(12, 2)"}, {"Int32", "Decimal(38, 10)"},
	{"UInt32", "Decimal(10, 0)"}, {"Int64", "Decimal(18, 0)"}, {"Int64", "Decimal(19, 0)"},
	{"Int64", "Decimal(20, 1)"}, {"UInt64", "Decimal(20, 0)"}, {"UInt64", "Decimal(19, 0)"},
	{"Int128", "Decimal(38, 0)"}, {"Int128", "Decimal(39, 0)"}, {"Int256", "Decimal(76, 0)"},
	{"UInt256", "Decimal(76, 0)"},
	/* decimal precision and scale */
	{"Decimal(9, 2)", "Decimal(10, 2)"}, {"Decimal(9, 2)", "Decimal(18, 2)"},
	{"Decimal(9, 2)", "Decimal(10, 3)"}, {"Decimal(9, 2)", "Decimal(9, 3)"},
	{"Decimal(9, 2)", "Decimal(9, 1)"}, {"Decimal(9, 2)", "Decimal(8, 2)"},
	{"Decimal(9, 2)", "Decimal(38, 2)"}, {"Decimal(18, 4)", "Decimal(38, 4)"},
	{"Decimal(38, 10)", "Decimal(18, 4)"}, {"Decimal(10, 0)", "Decimal(10, 2)"},
	{"Decimal(10, 2)", "Decimal(12, 4)"}, {"Decimal(76, 20)", "Decimal(38, 10)"},
	{"Decimal(18, 2)", "Decimal(76, 2)"}, {"Decimal(9, 2)", "Decimal32(2)"},
	{"Decimal32(2)", "Decimal64(2)"}, {"Decimal64(4)", "Decimal(18, 4)"},
	{"Decimal(9, 2)", "Float64"}, {"Decimal(9, 2)", "Float32"}, {"Decimal(18, 4)", "Float64"},
	{"Decimal(9, 0)", "Float64"}, {"Decimal(7, 0)", "Float32"}, {"Decimal(18, 0)", "Float64"},
	{"Decimal(9, 0)", "Int16"}, {"Decimal(4, 0)", "Int16"},
	{"Decimal(9, 0)", "Int32"}, {"Decimal(9, 0)", "Int64"}, {"Decimal(9, 2)", "Int64"},
	{"Decimal(18, 0)", "Int64"}, {"Decimal(9, 2)", "String"},
	/* floats */
	{"Float32", "Float64"}, {"Float64", "Float32"}, {"BFloat16", "Float32"},
	{"Float32", "BFloat16"}, {"BFloat16", "Float64"}, {"Float64", "Decimal(38, 10)"}, {"Float32", "Decimal(18, 6)"},
	{"Float64", "String"}, {"Float32", "String"},
	/* Bool */
	{"Bool", "UInt8"}, {"Bool", "Int8"}, {"Bool", "Int32"}, {"Bool", "Float32"},
	{"UInt8", "Bool"}, {"Int8", "Bool"}, {"Bool", "String"}, {"String", "Bool"},
	{"Bool", "Nullable(Bool)"}, {"Nullable(Bool)", "Bool"}, {"Bool", "Decimal(1, 0)"},
	/* dates and times */
	{"Date", "Date32"}, {"Date32", "Date"}, {"Date", "DateTime"}, {"Date", "DateTime('UTC')"},
	{"Date", "DateTime64(3)"}, {"Date32", "DateTime64(3)"}, {"DateTime", "Date"},
	{"DateTime", "Date32"}, {"DateTime64(3)", "Date32"}, {"DateTime", "DateTime('UTC')"},
	{"DateTime('UTC')", "DateTime"}, {"DateTime('UTC')", "DateTime('Asia/Tokyo')"},
	{"DateTime('Asia/Tokyo')", "DateTime('America/New_York')"},
	{"DateTime", "DateTime64(0)"}, {"DateTime", "DateTime64(3)"},
	{"DateTime('UTC')", "DateTime64(3, 'UTC')"}, {"DateTime64(3)", "DateTime"},
	{"DateTime64(0)", "DateTime"}, {"DateTime64(3)", "DateTime64(6)"},
	{"DateTime64(6)", "DateTime64(3)"}, {"DateTime64(6)", "DateTime64(9)"},
	{"DateTime64(9)", "DateTime64(6)"}, {"DateTime64(3)", "DateTime64(3, 'UTC')"},
	{"DateTime64(3, 'UTC')", "DateTime64(3)"}, {"DateTime64(3, 'UTC')", "DateTime64(6, 'UTC')"},
	{"DateTime64(3, 'UTC')", "DateTime64(3, 'Asia/Tokyo')"},
	{"DateTime", "UInt32"}, {"UInt32", "DateTime"}, {"DateTime", "Int64"}, {"Int64", "DateTime"},
	{"Date", "UInt16"}, {"UInt16", "Date"}, {"Date32", "Int32"}, {"Int32", "Date32"},
	{"DateTime64(3)", "Int64"}, {"Date", "String"}, {"Date32", "String"},
	{"DateTime", "String"}, {"DateTime('UTC')", "String"}, {"DateTime64(3)", "String"},
	{"String", "Date"}, {"String", "DateTime"}, {"String", "DateTime64(3)"},
	/* strings, FixedString and LowCardinality */
	{"String", "LowCardinality(String)"}, {"LowCardinality(String)", "String"},
	{"String", "FixedString(16)"}, {"FixedString(16)", "String"},
	{"FixedString(8)", "FixedString(16)"}, {"FixedString(16)", "FixedString(8)"},
	{"FixedString(16)", "LowCardinality(FixedString(16))"},
	{"LowCardinality(FixedString(16))", "FixedString(16)"},
	{"String", "LowCardinality(Nullable(String))"}, {"LowCardinality(Nullable(String))", "String"},
	{"Nullable(String)", "LowCardinality(Nullable(String))"},
	{"LowCardinality(Nullable(String))", "Nullable(String)"},
	{"LowCardinality(String)", "LowCardinality(Nullable(String))"},
	{"LowCardinality(Nullable(String))", "LowCardinality(String)"},
	{"String", "Int32"}, {"String", "Float64"}, {"String", "UUID"}, {"String", "IPv4"},
	{"String", "IPv6"}, {"String", E8}, {"String", "Decimal(9, 2)"},
	{"Int32", "LowCardinality(Int32)"}, {"Date", "LowCardinality(Date)"},
	{"LowCardinality(String)", "LowCardinality(FixedString(16))"},
	{"FixedString(8)", "LowCardinality(FixedString(8))"}, {"UUID", "LowCardinality(UUID)"},
	{"LowCardinality(UUID)", "UUID"}, {"IPv6", "LowCardinality(IPv6)"},
	{"Float64", "LowCardinality(Float64)"},
	/* Nullable both ways, and where it is not allowed */
	{"Int32", "Nullable(Int32)"}, {"Nullable(Int32)", "Int32"},
	{"Float64", "Nullable(Float64)"}, {"Nullable(Float64)", "Float64"},
	{"Date", "Nullable(Date)"}, {"Nullable(Date)", "Date"},
	{"DateTime", "Nullable(DateTime)"}, {"Nullable(DateTime)", "DateTime"},
	{"Decimal(9, 2)", "Nullable(Decimal(9, 2))"}, {"Nullable(Decimal(9, 2))", "Decimal(9, 2)"},
	{"UUID", "Nullable(UUID)"}, {"Nullable(UUID)", "UUID"},
	{E8, "Nullable(" E8 ")"}, {"Nullable(" E8 ")", E8},
	{"IPv4", "Nullable(IPv4)"}, {"Nullable(IPv4)", "IPv4"},
	{"FixedString(16)", "Nullable(FixedString(16))"}, {"Nullable(FixedString(16))", "FixedString(16)"},
	{"String", "Nullable(String)"}, {"Nullable(String)", "String"},
	{"Nullable(Int32)", "Nullable(Int64)"}, {"Nullable(Int64)", "Nullable(Int32)"},
	{"Int32", "Nullable(Int64)"}, {"Nullable(Int32)", "Int64"},
	{"Nullable(Int32)", "Nullable(String)"},
	{"Array(Int32)", "Nullable(Array(Int32))"}, {"Map(String, Int32)", "Nullable(Map(String, Int32))"},
	{TUP, "Nullable(" TUP ")"}, {"LowCardinality(String)", "Nullable(LowCardinality(String))"},
	{"JSON", "Nullable(JSON)"},
	/* enums */
	{E8, "Enum8('a' = 1, 'b' = 2, 'c' = 3)"}, {E8, "Enum8('z' = -1, 'a' = 1, 'b' = 2)"},
	{E8, "Enum8('a' = 1)"}, {E8, "Enum8('a' = 1, 'x' = 2)"}, {E8, "Enum8('a' = 2, 'b' = 1)"},
	{E8, "Enum8('a' = 10, 'b' = 20)"}, {E8, "Enum8('b' = 2, 'a' = 1)"},
	{E8, "Enum16('a' = 1, 'b' = 2)"}, {"Enum16('a' = 1, 'b' = 2)", E8},
	{"Enum16('a' = 1, 'b' = 1000)", "Enum8('a' = 1, 'b' = 100)"},
	{E8, "Enum16('a' = 1, 'b' = 2, 'c' = 1000)"},
	{E8, "String"}, {E8, "LowCardinality(String)"}, {"Enum8('b' = 1, 'a' = 2)", "String"},
	{"Enum16('b' = -1000, 'a' = 1000)", "LowCardinality(String)"}, {E8, "Int8"}, {"Int8", E8},
	{E8, "Int16"}, {E8, "UInt8"}, {"LowCardinality(String)", E8},
	/* arrays */
	{"Array(Int32)", "Array(Int64)"}, {"Array(Int64)", "Array(Int32)"},
	{"Array(UInt8)", "Array(Int8)"}, {"Array(String)", "Array(LowCardinality(String))"},
	{"Array(LowCardinality(String))", "Array(String)"},
	{"Array(Int32)", "Array(Nullable(Int32))"}, {"Array(Nullable(Int32))", "Array(Int32)"},
	{"Array(Float32)", "Array(Float64)"}, {"Array(Array(Int32))", "Array(Array(Int64))"},
	{"Array(Array(Int64))", "Array(Array(Int32))"}, {"Array(Int32)", "Array(String)"},
	{"Array(Int32)", "Int32"}, {"Int32", "Array(Int32)"}, {"Array(" E8 ")", "Array(Enum8('a' = 1, 'b' = 2, 'c' = 3))"},
	{"Array(" E8 ")", "Array(Enum8('a' = 1))"}, {"Array(DateTime)", "Array(DateTime('UTC'))"},
	{"Array(Date)", "Array(Date32)"}, {"Array(String)", "String"},
	/* maps */
	{"Map(String, Int32)", "Map(String, Int64)"}, {"Map(String, Int64)", "Map(String, Int32)"},
	{"Map(String, Int32)", "Map(LowCardinality(String), Int32)"},
	{"Map(LowCardinality(String), Int32)", "Map(String, Int32)"},
	{"Map(Int32, String)", "Map(Int64, String)"}, {"Map(Int64, String)", "Map(Int32, String)"},
	{"Map(String, Int32)", "Map(String, Nullable(Int32))"},
	{"Map(String, Nullable(Int32))", "Map(String, Int32)"},
	{"Map(String, Array(Int32))", "Map(String, Array(Int64))"},
	{"Map(String, Int32)", "Array(Tuple(String, Int32))"},
	{"Map(String, Int32)", "Map(String, String)"}, {"Map(String, Float32)", "Map(String, Float64)"},
	/* tuples */
	{"Tuple(Int32, String)", "Tuple(Int64, String)"}, {"Tuple(Int64, String)", "Tuple(Int32, String)"},
	{TUP, "Tuple(a Int64, b String)"}, {"Tuple(a Int64, b String)", TUP},
	{TUP, "Tuple(x Int32, b String)"}, {TUP, "Tuple(Int32, String)"},
	{"Tuple(Int32, String)", TUP}, {TUP, "Tuple(a Int32, b String, c Float64)"},
	{TUP, "Tuple(a Int32)"}, {TUP, "Tuple(b String, a Int32)"},
	{TUP, "Tuple(a Nullable(Int32), b String)"}, {TUP, "Tuple(a Int32, b LowCardinality(String))"},
	{"Tuple(a Array(Int32), b Map(String, Int32))", "Tuple(a Array(Int64), b Map(String, Int64))"},
	{"Tuple(a Float32, b Date)", "Tuple(a Float64, b Date32)"},
	/* UUID and IP addresses */
	{"UUID", "String"}, {"UUID", "FixedString(16)"}, {"UUID", "UInt128"}, {"UInt128", "UUID"},
	{"UUID", "FixedString(36)"}, {"UUID", "LowCardinality(String)"},
	{"IPv4", "IPv6"}, {"IPv6", "IPv4"}, {"IPv4", "UInt32"}, {"UInt32", "IPv4"},
	{"IPv4", "String"}, {"IPv6", "String"}, {"IPv6", "FixedString(16)"}, {"IPv4", "Int64"},
	/* JSON */
	{"String", "JSON"}, {"JSON", "String"}, {"JSON", "JSON(a Int64)"}, {"JSON(a Int64)", "JSON"},
	{"JSON", "JSON(max_dynamic_paths = 16)"}, {"Map(String, String)", "JSON"},
	/* everything else to String */
	{"Int8", "String"}, {"UInt64", "String"}, {"Int128", "String"}, {"Int32", "String"},
	{"FixedString(16)", "LowCardinality(String)"}, {"Array(Int32)", "String"},
	{"Map(String, Int32)", "String"}, {TUP, "String"}, {"Nullable(Int32)", "String"},
	{"Int32", "Nullable(String)"}, {"Bool", "LowCardinality(String)"},
	/* identities and spellings of the same type */
	{"Int32", "Int32"}, {"String", "String"}, {"Nullable(Int32)", "Nullable(Int32)"},
	{"DateTime64(3, 'UTC')", "DateTime64(3, 'UTC')"}, {E8, E8}, {TUP, TUP},
	{"Int32", "INT"}, {"Bool", "BOOLEAN"}, {"String", "TEXT"}, {"Decimal(9, 2)", "Decimal(9,2)"},
	{"UInt8", "TINYINT UNSIGNED"}, {"Float64", "DOUBLE"},
};

size_t catalog_pairs(const type_pair **out)
{
	static type_pair all[sizeof(ints) / sizeof(ints[0]) * sizeof(ints) / sizeof(ints[0]) +
	                     sizeof(explicit_pairs) / sizeof(explicit_pairs[0])];
	static size_t count;
	size_t i, j, n = sizeof(ints) / sizeof(ints[0]);

	if (!count) {
		for (i = 0; i < n; i++) {
			for (j = 0; j < n; j++) {
				if (i == j)
					continue;
				all[count].from = ints[i];
				all[count].to = ints[j];
				count++;
			}
		}
		for (i = 0; i < sizeof(explicit_pairs) / sizeof(explicit_pairs[0]); i++)
			all[count++] = explicit_pairs[i];
	}
	*out = all;
	return count;
}

/* ---- property changes ---- */

#define MOOSE(extra) "{\"name\": \"v\", \"data_type\": \"Int32\", \"required\": true, " \
                     "\"unique\": false, \"primary_key\": false, \"annotations\": []" extra "}"
#define MD(expr) ", \"default\": \"" expr "\""

const property_case catalog_properties[] = {
	{"default changed", "DEFAULT 1", "DEFAULT 2", MOOSE(MD("1")), MOOSE(MD("2")), NULL},
	{"default added", "", "DEFAULT 2", MOOSE(""), MOOSE(MD("2")), NULL},
	{"default removed", "DEFAULT 1", "REMOVE DEFAULT", MOOSE(MD("1")), MOOSE(""), NULL},
	{"default kept", "DEFAULT 1", "DEFAULT 1", MOOSE(MD("1")), MOOSE(MD("1")), NULL},
	{"default respelled", "DEFAULT 1", "DEFAULT  1", MOOSE(MD("1")), MOOSE(MD(" 1")), NULL},
	{"materialized changed", "MATERIALIZED x + 1", "MATERIALIZED x + 2",
	 MOOSE(", \"materialized\": \"x + 1\""), MOOSE(", \"materialized\": \"x + 2\""), NULL},
	{"materialized added", "", "MATERIALIZED x + 1", MOOSE(""),
	 MOOSE(", \"materialized\": \"x + 1\""), NULL},
	{"materialized removed", "MATERIALIZED x + 1", "REMOVE MATERIALIZED",
	 MOOSE(", \"materialized\": \"x + 1\""), MOOSE(""), NULL},
	{"alias changed", "ALIAS x + 1", "ALIAS x + 2", MOOSE(", \"alias\": \"x + 1\""),
	 MOOSE(", \"alias\": \"x + 2\""), NULL},
	{"alias added", "", "ALIAS x + 1", MOOSE(""), MOOSE(", \"alias\": \"x + 1\""), NULL},
	{"alias removed", "ALIAS x + 1", "REMOVE ALIAS", MOOSE(", \"alias\": \"x + 1\""), MOOSE(""), NULL},
	{"default to materialized", "DEFAULT 1", "MATERIALIZED 1", MOOSE(MD("1")),
	 MOOSE(", \"materialized\": \"1\""), NULL},
	{"materialized to default", "MATERIALIZED 1", "DEFAULT 1",
	 MOOSE(", \"materialized\": \"1\""), MOOSE(MD("1")), NULL},
	{"codec changed", "CODEC(ZSTD(1))", "CODEC(ZSTD(3))", MOOSE(", \"codec\": \"ZSTD(1)\""),
	 MOOSE(", \"codec\": \"ZSTD(3)\""), NULL},
	{"codec added", "", "CODEC(Delta, LZ4)", MOOSE(""), MOOSE(", \"codec\": \"Delta, LZ4\""), NULL},
	{"codec removed", "CODEC(ZSTD(1))", "REMOVE CODEC", MOOSE(", \"codec\": \"ZSTD(1)\""),
	 MOOSE(""), NULL},
	{"comment changed", "COMMENT 'a'", "COMMENT 'b'", MOOSE(", \"comment\": \"a\""),
	 MOOSE(", \"comment\": \"b\""), NULL},
	{"comment added", "", "COMMENT 'b'", MOOSE(""), MOOSE(", \"comment\": \"b\""), NULL},
	{"comment removed", "COMMENT 'a'", "REMOVE COMMENT", MOOSE(", \"comment\": \"a\""),
	 MOOSE(""), NULL},
	{"ttl added", "", "TTL d + INTERVAL 1 DAY", MOOSE(""),
	 MOOSE(", \"ttl\": \"d + INTERVAL 1 DAY\""), NULL},
	{"ttl shortened", "TTL d + INTERVAL 1 YEAR", "TTL d + INTERVAL 1 DAY",
	 MOOSE(", \"ttl\": \"d + INTERVAL 1 YEAR\""), MOOSE(", \"ttl\": \"d + INTERVAL 1 DAY\""), NULL},
	{"ttl lengthened", "TTL d + INTERVAL 1 YEAR", "TTL d + INTERVAL 2 YEAR",
	 MOOSE(", \"ttl\": \"d + INTERVAL 1 YEAR\""), MOOSE(", \"ttl\": \"d + INTERVAL 2 YEAR\""),
	 "the judge does not compare TTL expressions; any new or changed TTL may expire values"},
	{"ttl removed", "TTL d + INTERVAL 1 YEAR", "REMOVE TTL",
	 MOOSE(", \"ttl\": \"d + INTERVAL 1 YEAR\""), MOOSE(""), NULL},
};
const size_t catalog_property_count = sizeof(catalog_properties) / sizeof(catalog_properties[0]);

/* ---- values ---- */

static void push(value_list *l, char *s)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = realloc(l->items, l->cap * sizeof(*l->items));
		if (!l->items)
			abort();
	}
	l->items[l->count++] = s;
}

void value_list_free(value_list *l)
{
	size_t i;
	for (i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* 'text' as a ClickHouse string literal. */
static char *quote(const char *text)
{
	size_t n = strlen(text), i, o = 0;
	char *s = malloc(2 * n + 3);
	if (!s)
		abort();
	s[o++] = '\'';
	for (i = 0; i < n; i++) {
		if (text[i] == '\'' || text[i] == '\\')
			s[o++] = '\\';
		if (text[i] == '\t') {
			s[o++] = '\\';
			s[o++] = 't';
			continue;
		}
		if (text[i] == '\n') {
			s[o++] = '\\';
			s[o++] = 'n';
			continue;
		}
		s[o++] = text[i];
	}
	s[o++] = '\'';
	s[o] = '\0';
	return s;
}

static void push_texts(value_list *l, const char *type, const char *const *texts)
{
	for (; *texts; texts++) {
		char *q = quote(*texts);
		push(l, xprintf("CAST(%s AS %s)", q, type));
		free(q);
	}
}

/* Split "Name(a, b)" into the name and its top-level arguments (quotes and parentheses
 * respected). Returns the argument count; args are malloc'd, trimmed. */
static size_t split_type(const char *type, char *name, size_t name_len, char ***args)
{
	const char *p = strchr(type, '(');
	size_t n = p ? (size_t)(p - type) : strlen(type), count = 0;
	int depth = 0, in_quote = 0;
	const char *start, *q;

	while (n && type[n - 1] == ' ')
		n--;
	if (n >= name_len)
		n = name_len - 1;
	memcpy(name, type, n);
	name[n] = '\0';
	*args = NULL;
	if (!p)
		return 0;
	start = p + 1;
	for (q = p + 1; *q; q++) {
		if (in_quote) {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == '\'')
				in_quote = 0;
			continue;
		}
		if (*q == '\'') {
			in_quote = 1;
		} else if (*q == '(') {
			depth++;
		} else if ((*q == ',' && depth == 0) || (*q == ')' && depth == 0)) {
			const char *a = start, *b = q;
			while (*a == ' ')
				a++;
			while (b > a && b[-1] == ' ')
				b--;
			*args = realloc(*args, (count + 1) * sizeof(**args));
			if (!*args)
				abort();
			(*args)[count] = xprintf("%.*s", (int)(b - a), a);
			count++;
			start = q + 1;
			if (*q == ')')
				break;
		} else if (*q == ')') {
			depth--;
		}
	}
	return count;
}

static void free_args(char **args, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(args[i]);
	free(args);
}

static int streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static void int_values(value_list *l, const char *t)
{
	static const char *const i8[] = {"-128", "127", "0", "-1", "1", "9", "10", NULL};
	static const char *const u8[] = {"0", "255", "1", "9", "10", "128", NULL};
	static const char *const i16[] = {"-32768", "32767", "0", "-1", "9", "10", "-129", "256", NULL};
	static const char *const u16[] = {"0", "65535", "9", "10", "256", "32768", NULL};
	static const char *const i32[] = {"-2147483648", "2147483647", "0", "-1", "9", "10",
	                                  "16777217", "-32769", NULL};
	static const char *const u32[] = {"0", "4294967295", "9", "10", "2147483648", "16777217", NULL};
	static const char *const i64[] = {"-9223372036854775808", "9223372036854775807", "0", "-1",
	                                  "9", "10", "9007199254740993", "-2147483649", NULL};
	static const char *const u64[] = {"0", "18446744073709551615", "9", "10",
	                                  "9223372036854775808", "9007199254740993", NULL};
	static const char *const i128[] = {"-170141183460469231731687303715884105728",
	                                   "170141183460469231731687303715884105727", "0", "-1", "9",
	                                   "10", "-9223372036854775809", NULL};
	static const char *const u128[] = {"0", "340282366920938463463374607431768211455", "9", "10",
	                                   "18446744073709551616", NULL};
	static const char *const i256[] = {
		"-57896044618658097711785492504343953926634992332820282019728792003956564819968",
		"57896044618658097711785492504343953926634992332820282019728792003956564819967", "0",
		"-1", "9", "10", "170141183460469231731687303715884105728", NULL};
	static const char *const u256[] = {
		"0", "115792089237316195423570985008687907853269984665640564039457584007913129639935",
		"9", "10", "340282366920938463463374607431768211456", NULL};
	static const struct { const char *name; const char *const *v; } map[] = {
		{"Int8", i8}, {"UInt8", u8}, {"Int16", i16}, {"UInt16", u16}, {"Int32", i32},
		{"UInt32", u32}, {"Int64", i64}, {"UInt64", u64}, {"Int128", i128},
		{"UInt128", u128}, {"Int256", i256}, {"UInt256", u256},
	};
	size_t i;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (streq(map[i].name, t))
			push_texts(l, t, map[i].v);
}

/* Decimal(P, S): zero, the extremes, -1, a tenth, 0.29 (not exact in binary) and 9/10. */
static void decimal_values(value_list *l, const char *type, unsigned p, unsigned s)
{
	char max[100];
	unsigned i, o = 0;
	const char *texts[12];
	size_t n = 0;
	char *neg;

	for (i = 0; i < p - s; i++)
		max[o++] = '9';
	if (p == s)
		max[o++] = '0';
	if (s) {
		max[o++] = '.';
		for (i = 0; i < s; i++)
			max[o++] = '9';
	}
	max[o] = '\0';
	neg = xprintf("-%s", max);
	texts[n++] = "0";
	texts[n++] = max;
	texts[n++] = neg;
	if (p - s >= 1)
		texts[n++] = "-1";
	if (s >= 1)
		texts[n++] = "0.1";
	if (s >= 2)
		texts[n++] = "0.29";
	if (p - s >= 1)
		texts[n++] = "9";
	if (p - s >= 2)
		texts[n++] = "10";
	if (s >= 1 && p - s >= 1)
		texts[n++] = "1.5";
	texts[n] = NULL;
	push_texts(l, type, texts);
	free(neg);
}

static void fixed_string_values(value_list *l, const char *type, unsigned n)
{
	char *full = malloc(n + 1);
	const char *texts[6];
	size_t k = 0;

	if (!full)
		abort();
	memset(full, 'z', n);
	full[n] = '\0';
	texts[k++] = "";
	texts[k++] = "a";
	texts[k++] = full;
	if (n >= 2)
		texts[k++] = "\xc3\xa9"; /* é */
	if (n >= 3)
		texts[k++] = "10";
	texts[k] = NULL;
	push_texts(l, type, texts);
	free(full);
}

static void enum_values(value_list *l, const char *type, char **args, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		/* 'name' = value: the literal is everything up to the closing quote */
		const char *a = args[i], *q;
		if (*a != '\'')
			continue;
		for (q = a + 1; *q && *q != '\''; q++)
			if (*q == '\\' && q[1])
				q++;
		push(l, xprintf("CAST(%.*s AS %s)", (int)(q - a + 1), a, type));
	}
}

static void datetime_values(value_list *l, const char *type)
{
	/* instants, so the values do not depend on the session time zone */
	static const char *const epochs[] = {"0", "4294967295", "951782400", "1700000000", "86399", NULL};
	const char *const *e;
	for (e = epochs; *e; e++)
		push(l, xprintf("CAST(toDateTime(%s, 'UTC') AS %s)", *e, type));
}

static void datetime64_values(value_list *l, const char *type)
{
	static const char *const texts[] = {
		"1900-01-01 00:00:00", "2299-12-31 23:59:59.999999", "1970-01-01 00:00:00",
		"2020-01-01 12:34:56.789123", "1969-12-31 23:59:59.5", "2262-04-11 23:47:16", NULL};
	const char *const *t;
	for (t = texts; *t; t++)
		push(l, xprintf("CAST(toDateTime64('%s', 6, 'UTC') AS %s)", *t, type));
}

static int leaf_values(value_list *l, const char *type, const char *name, char **args, size_t n)
{
	static const char *const f32[] = {"0", "-0", "0.1", "-1", "nan", "inf", "-inf",
	                                  "3.4028235e38", "1e-45", "16777217", "1.5", "9", "10", NULL};
	static const char *const f64[] = {"0", "-0", "0.1", "-1", "nan", "inf", "-inf",
	                                  "1.7976931348623157e308", "5e-324", "9007199254740993",
	                                  "1e20", "0.3333333333333333", "9", "10", NULL};
	static const char *const bf16[] = {"0", "-1", "1.5", "nan", "inf", "-inf", "0.1", "9", "10", NULL};
	static const char *const bools[] = {"true", "false", NULL};
	static char long_text[1201];
	static const char *const strings[] = {
		"", "abc", "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		long_text, "tab\there\nnew line 'q' \\", "9", "10", "-1", "2020-01-01", NULL};
	static const char *const dates[] = {"1970-01-01", "2149-06-06", "2020-02-29", "2000-01-01", NULL};
	static const char *const date32s[] = {"1900-01-01", "2299-12-31", "1970-01-01", "2020-02-29",
	                                      "1969-12-31", "2149-06-07", NULL};
	static const char *const uuids[] = {
		"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
		"61f0c404-5cb3-11e7-907b-a6006ad3dba0", "10000000-0000-0000-0000-000000000001",
		"00000000-0000-0001-0000-000000000000", "00000000-0000-0000-1000-000000000000", NULL};
	static const char *const ipv4s[] = {"0.0.0.0", "255.255.255.255", "10.0.0.1",
	                                    "9.255.255.255", "192.168.1.1", NULL};
	static const char *const ipv6s[] = {"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	                                    "::ffff:1.2.3.4", "2001:db8::1", "fe80::1", NULL};
	static const char *const jsons[] = {"{}", "{\"a\":1}", "{\"a\":\"x\",\"b\":[1,2]}",
	                                    "{\"a\":{\"b\":null}}", "{\"\xc3\xbc\":\"\xc3\xa9\"}", NULL};

	if (!long_text[0]) {
		/* long and mixed: ASCII, a two-byte and a three-byte UTF-8 character, repeated */
		static const char chunk[] = "ab\xc3\xa9\xe2\x82\xac";
		size_t i;
		for (i = 0; i + sizeof(chunk) - 1 <= sizeof(long_text) - 1; i += sizeof(chunk) - 1)
			memcpy(long_text + i, chunk, sizeof(chunk) - 1);
		long_text[i] = '\0';
	}
	if (strncmp(name, "Int", 3) == 0 || strncmp(name, "UInt", 4) == 0) {
		int_values(l, name);
	} else if (streq(name, "Float32")) {
		push_texts(l, type, f32);
	} else if (streq(name, "Float64")) {
		push_texts(l, type, f64);
	} else if (streq(name, "BFloat16")) {
		push_texts(l, type, bf16);
	} else if (streq(name, "Bool")) {
		push_texts(l, type, bools);
	} else if (streq(name, "String")) {
		push_texts(l, type, strings);
	} else if (streq(name, "FixedString") && n == 1) {
		fixed_string_values(l, type, (unsigned)atoi(args[0]));
	} else if (streq(name, "Date")) {
		push_texts(l, type, dates);
	} else if (streq(name, "Date32")) {
		push_texts(l, type, date32s);
	} else if (streq(name, "DateTime")) {
		datetime_values(l, type);
	} else if (streq(name, "DateTime64")) {
		datetime64_values(l, type);
	} else if (streq(name, "UUID")) {
		push_texts(l, type, uuids);
	} else if (streq(name, "IPv4")) {
		push_texts(l, type, ipv4s);
	} else if (streq(name, "IPv6")) {
		push_texts(l, type, ipv6s);
	} else if (streq(name, "JSON")) {
		push_texts(l, type, jsons);
	} else if (streq(name, "Decimal") && n == 2) {
		decimal_values(l, type, (unsigned)atoi(args[0]), (unsigned)atoi(args[1]));
	} else if (strncmp(name, "Decimal", 7) == 0 && n == 1) {
		unsigned bits = (unsigned)atoi(name + 7);
		unsigned p = bits == 32 ? 9 : bits == 64 ? 18 : bits == 128 ? 38 : 76;
		decimal_values(l, type, p, (unsigned)atoi(args[0]));
	} else if (streq(name, "Enum8") || streq(name, "Enum16")) {
		enum_values(l, type, args, n);
	} else {
		return 0;
	}
	return 1;
}

static char *join(const value_list *l, size_t from, size_t count)
{
	size_t i, len = 3;
	char *s;
	for (i = from; i < from + count; i++)
		len += strlen(l->items[i]) + 2;
	s = malloc(len);
	if (!s)
		abort();
	s[0] = '\0';
	for (i = from; i < from + count; i++) {
		if (i > from)
			strcat(s, ", ");
		strcat(s, l->items[i]);
	}
	return s;
}

static int array_values(value_list *l, const char *inner)
{
	value_list e = {0};
	char *all;
	if (!catalog_values(&e, inner))
		return 0;
	all = join(&e, 0, e.count);
	push(l, xprintf("CAST([] AS Array(%s))", inner));
	push(l, xprintf("[%s]", all));
	push(l, xprintf("[%s]", e.items[0]));
	if (e.count > 1)
		push(l, xprintf("[%s]", e.items[e.count - 1]));
	free(all);
	value_list_free(&e);
	return 1;
}

static int map_values(value_list *l, const char *k, const char *v)
{
	value_list kl = {0}, vl = {0};
	size_t i, n;
	char *s, *tmp;

	if (!catalog_values(&kl, k) || !catalog_values(&vl, v)) {
		value_list_free(&kl);
		value_list_free(&vl);
		return 0;
	}
	push(l, xprintf("CAST(map() AS Map(%s, %s))", k, v));
	/* every key once (keys are distinct), values cycling */
	n = kl.count;
	s = xprintf("map(");
	for (i = 0; i < n; i++) {
		tmp = xprintf("%s%s%s, %s", s, i ? ", " : "", kl.items[i], vl.items[i % vl.count]);
		free(s);
		s = tmp;
	}
	tmp = xprintf("%s)", s);
	free(s);
	push(l, tmp);
	push(l, xprintf("map(%s, %s)", kl.items[0], vl.items[vl.count - 1]));
	value_list_free(&kl);
	value_list_free(&vl);
	return 1;
}

/* Element i of a Tuple argument: "a Int32" (named) or "Int32". Returns the type part. */
static const char *tuple_element_type(const char *arg)
{
	const char *sp = strchr(arg, ' ');
	const char *paren = strchr(arg, '(');
	/* named when a lower-case word comes before the first space and that space comes before
	 * any parenthesis */
	if (sp && (!paren || sp < paren) && arg[0] >= 'a' && arg[0] <= 'z')
		return sp + 1;
	return arg;
}

static int tuple_values(value_list *l, const char *type, char **args, size_t n)
{
	value_list *el = calloc(n, sizeof(*el));
	size_t i, j, rows = 0;
	int okv = 1;

	if (!el)
		abort();
	for (i = 0; i < n && okv; i++) {
		okv = catalog_values(&el[i], tuple_element_type(args[i]));
		if (el[i].count > rows)
			rows = el[i].count;
	}
	for (j = 0; okv && j < rows; j++) {
		char *s = xprintf("tuple(");
		for (i = 0; i < n; i++) {
			char *tmp = xprintf("%s%s%s", s, i ? ", " : "", el[i].items[j % el[i].count]);
			free(s);
			s = tmp;
		}
		push(l, xprintf("CAST(%s) AS %s)", s, type));
		free(s);
	}
	for (i = 0; i < n; i++)
		value_list_free(&el[i]);
	free(el);
	return okv;
}

int catalog_values(value_list *out, const char *type)
{
	char name[64];
	char **args;
	size_t n = split_type(type, name, sizeof(name), &args);
	int okv = 0;

	if (streq(name, "Nullable") && n == 1) {
		okv = catalog_values(out, args[0]);
		if (okv)
			push(out, xprintf("CAST(NULL AS %s)", type));
	} else if (streq(name, "LowCardinality") && n == 1) {
		value_list inner = {0};
		size_t i;
		okv = catalog_values(&inner, args[0]);
		for (i = 0; i < inner.count; i++)
			push(out, xprintf("CAST(%s AS %s)", inner.items[i], type));
		value_list_free(&inner);
	} else if (streq(name, "Array") && n == 1) {
		okv = array_values(out, args[0]);
	} else if (streq(name, "Map") && n == 2) {
		okv = map_values(out, args[0], args[1]);
	} else if (streq(name, "Tuple") && n >= 1) {
		okv = tuple_values(out, type, args, n);
	} else {
		okv = leaf_values(out, type, name, args, n);
	}
	free_args(args, n);
	return okv;
}
