/* ClickHouse data types as trees.
 *
 * The parser reads a type string the way ClickHouse's ParserDataType and DataTypeFactory do
 * (family names, case-insensitive aliases, MySQL compatibility spellings, argument forms) and
 * the renderer writes the spelling ClickHouse itself reports in system.columns. Every rule
 * that is not obvious was checked against ClickHouse 26.7 (chDB); the comments say what the
 * engine does where it surprises. Trees are normalised while they are built (Enum members
 * sorted by value, Variant members sorted and deduplicated, JSON paths sorted, defaults
 * dropped), so two trees of the same type render the same text. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chtype-private.h"
#include "error.h"
#include "strbuf.h"

/* Deeper nesting is refused rather than risking the stack (ClickHouse's max_parser_depth is 1000). */
#define MAX_DEPTH 1000

/* A string that may hold NUL bytes (Enum names, backquoted names, regexps); always
 * NUL-terminated as well, so accessors can hand out ptr. */
typedef struct chstr {
	char *ptr;
	size_t len;
} chstr;

typedef struct chmember {
	chstr name;
	int value;
} chmember;

typedef struct chskip {
	int regexp; /* 1: SKIP REGEXP 're', 0: SKIP path */
	chstr text;
} chskip;

struct migplan_chtype {
	migplan_chtype_kind kind;
	char *name;              /* canonical family name; OTHER: the family as written */
	char *text;              /* OTHER: the whole type, whitespace normalised */
	char *tz;                /* DateTime / DateTime64 time zone, NULL when none */
	char *function;          /* aggregate function with its parameters */
	unsigned int bits;
	int is_signed;
	unsigned int precision;
	unsigned int scale;
	unsigned int length;
	unsigned int version;    /* AggregateFunction state version, 0 = none */
	size_t child_count;
	migplan_chtype **children;
	chstr *child_names;      /* parallel to children; ptr NULL for unnamed elements */
	size_t enum_count;
	chmember *members;       /* sorted by value, as ClickHouse keeps them */
	size_t skip_count;
	chskip *skips;           /* JSON: SKIP paths (sorted) then SKIP REGEXPs (in order) */
	long long max_types;     /* JSON max_dynamic_types / Dynamic max_types; -1 = default */
	long long max_paths;     /* JSON max_dynamic_paths; -1 = default */
};

/* ---- writing text, on the growable string of lib/strbuf.h ----------------------------- */

static void sb_putll(migplan__sb *b, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);
	migplan__sb_append(b, tmp, (size_t)n);
}

static void sb_putull(migplan__sb *b, unsigned long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", v);
	migplan__sb_append(b, tmp, (size_t)n);
}

/* ClickHouse's writeAnyEscapedString: only these bytes are escaped; every other byte,
 * other control characters and UTF-8 included, is written as is. */
static void sb_quoted(migplan__sb *b, const char *s, size_t n, char quote)
{
	migplan__sb_putc(b, quote);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		const char *esc = NULL;
		switch (c) {
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\0': esc = "\\0"; break;
		case '\\': esc = "\\\\"; break;
		default: break;
		}
		if (esc) {
			migplan__sb_puts(b, esc);
		} else if (c == quote) {
			migplan__sb_putc(b, '\\');
			migplan__sb_putc(b, c);
		} else {
			migplan__sb_putc(b, c);
		}
	}
	migplan__sb_putc(b, quote);
}

/* ---- ASCII helpers (never the locale's ctype) ---------------------------------------- */

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_word(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int ci_eqn(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int eqn(const char *a, size_t an, const char *b)
{
	return strlen(b) == an && memcmp(a, b, an) == 0;
}

static int chstr_cmp(const chstr *a, const chstr *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->ptr, b->ptr, n) : 0;
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* An element name is written bare only when ClickHouse would (backQuoteIfNeed): a plain
 * ASCII identifier that is not one of the few words it always quotes (checked one by one
 * against every keyword of system.keywords). */
static int ident_is_plain(const char *s, size_t n)
{
	static const char *const quoted_words[] = {
		"all", "distinct", "from", "null", "select", "table", "values",
	};
	if (n == 0 || !(is_alpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_word((unsigned char)s[i]))
			return 0;
	for (size_t i = 0; i < sizeof(quoted_words) / sizeof(quoted_words[0]); i++)
		if (ci_eqn(s, n, quoted_words[i]))
			return 0;
	return 1;
}

static void sb_ident(migplan__sb *b, const chstr *name)
{
	if (ident_is_plain(name->ptr, name->len))
		migplan__sb_append(b, name->ptr, name->len);
	else
		sb_quoted(b, name->ptr, name->len, '`');
}

/* ---- families ------------------------------------------------------------------------ */

/* How the arguments of a family are read. */
enum form {
	F_NONE,        /* no arguments */
	F_INT,         /* Int32(11), SET('a'): one MySQL display-width argument, accepted and ignored */
	F_FLOAT,       /* Float32(p[, s]): MySQL's precision arguments, accepted and ignored */
	F_STRING,      /* String(n) / VARCHAR(n): the length is accepted and ignored */
	F_FIXED,       /* FixedString(N) */
	F_DECIMAL,     /* Decimal[(P[, S])] */
	F_DECIMAL_N,   /* Decimal32(S) ...: precision fixed by the family */
	F_DATETIME,    /* DateTime[('tz')] */
	F_DATETIME64,  /* DateTime64[(P[, 'tz'])] */
	F_ENUM,        /* Enum(...): Enum8 or Enum16 by range */
	F_ENUM8,
	F_ENUM16,
	F_ONE,         /* Array, Nullable, LowCardinality */
	F_MAP,
	F_TUPLE,
	F_NESTED,
	F_VARIANT,
	F_JSON,
	F_DYNAMIC,
	F_AGG,
	F_SAF,
	F_UNMODELED    /* a real ClickHouse family this library keeps as text (Time, Time64, QBit) */
};

typedef struct family {
	const char *name;
	unsigned char ci;     /* ClickHouse matches the name case-insensitively */
	unsigned char form;
	unsigned char kind;
	unsigned short bits;  /* INT / FLOAT width; F_DECIMAL_N: the precision */
	unsigned char is_signed;
} family;

/* From system.data_type_families of ClickHouse 26.7. */
static const family families[] = {
	{"Int8", 0, F_INT, MIGPLAN_CHTYPE_INT, 8, 1},
	{"Int16", 0, F_INT, MIGPLAN_CHTYPE_INT, 16, 1},
	{"Int32", 0, F_INT, MIGPLAN_CHTYPE_INT, 32, 1},
	{"Int64", 0, F_INT, MIGPLAN_CHTYPE_INT, 64, 1},
	{"Int128", 0, F_INT, MIGPLAN_CHTYPE_INT, 128, 1},
	{"Int256", 0, F_INT, MIGPLAN_CHTYPE_INT, 256, 1},
	{"UInt8", 0, F_INT, MIGPLAN_CHTYPE_INT, 8, 0},
	{"UInt16", 0, F_INT, MIGPLAN_CHTYPE_INT, 16, 0},
	{"UInt32", 0, F_INT, MIGPLAN_CHTYPE_INT, 32, 0},
	{"UInt64", 0, F_INT, MIGPLAN_CHTYPE_INT, 64, 0},
	{"UInt128", 0, F_INT, MIGPLAN_CHTYPE_INT, 128, 0},
	{"UInt256", 0, F_INT, MIGPLAN_CHTYPE_INT, 256, 0},
	{"Float32", 0, F_FLOAT, MIGPLAN_CHTYPE_FLOAT, 32, 1},
	{"Float64", 0, F_FLOAT, MIGPLAN_CHTYPE_FLOAT, 64, 1},
	{"BFloat16", 0, F_FLOAT, MIGPLAN_CHTYPE_FLOAT, 16, 1},
	{"Decimal", 1, F_DECIMAL, MIGPLAN_CHTYPE_DECIMAL, 0, 1},
	{"Decimal32", 1, F_DECIMAL_N, MIGPLAN_CHTYPE_DECIMAL, 9, 1},
	{"Decimal64", 1, F_DECIMAL_N, MIGPLAN_CHTYPE_DECIMAL, 18, 1},
	{"Decimal128", 1, F_DECIMAL_N, MIGPLAN_CHTYPE_DECIMAL, 38, 1},
	{"Decimal256", 1, F_DECIMAL_N, MIGPLAN_CHTYPE_DECIMAL, 76, 1},
	{"Bool", 1, F_NONE, MIGPLAN_CHTYPE_BOOL, 0, 0},
	{"String", 0, F_STRING, MIGPLAN_CHTYPE_STRING, 0, 0},
	{"FixedString", 0, F_FIXED, MIGPLAN_CHTYPE_FIXED_STRING, 0, 0},
	{"Date", 1, F_NONE, MIGPLAN_CHTYPE_DATE, 0, 0},
	{"Date32", 1, F_NONE, MIGPLAN_CHTYPE_DATE32, 0, 0},
	{"DateTime", 1, F_DATETIME, MIGPLAN_CHTYPE_DATETIME, 0, 0},
	{"DateTime64", 1, F_DATETIME64, MIGPLAN_CHTYPE_DATETIME64, 0, 0},
	{"UUID", 0, F_NONE, MIGPLAN_CHTYPE_UUID, 0, 0},
	{"IPv4", 0, F_NONE, MIGPLAN_CHTYPE_IPV4, 0, 0},
	{"IPv6", 0, F_NONE, MIGPLAN_CHTYPE_IPV6, 0, 0},
	{"Enum", 1, F_ENUM, MIGPLAN_CHTYPE_ENUM8, 0, 0},
	{"Enum8", 1, F_ENUM8, MIGPLAN_CHTYPE_ENUM8, 0, 0},
	{"Enum16", 1, F_ENUM16, MIGPLAN_CHTYPE_ENUM16, 0, 0},
	{"Array", 0, F_ONE, MIGPLAN_CHTYPE_ARRAY, 0, 0},
	{"Map", 0, F_MAP, MIGPLAN_CHTYPE_MAP, 0, 0},
	{"Tuple", 0, F_TUPLE, MIGPLAN_CHTYPE_TUPLE, 0, 0},
	{"Nested", 0, F_NESTED, MIGPLAN_CHTYPE_NESTED, 0, 0},
	{"Nullable", 0, F_ONE, MIGPLAN_CHTYPE_NULLABLE, 0, 0},
	{"LowCardinality", 0, F_ONE, MIGPLAN_CHTYPE_LOW_CARDINALITY, 0, 0},
	{"JSON", 1, F_JSON, MIGPLAN_CHTYPE_JSON, 0, 0},
	{"Point", 0, F_NONE, MIGPLAN_CHTYPE_GEO, 0, 0},
	{"Ring", 0, F_NONE, MIGPLAN_CHTYPE_GEO, 0, 0},
	{"LineString", 0, F_NONE, MIGPLAN_CHTYPE_GEO, 0, 0},
	{"MultiLineString", 0, F_NONE, MIGPLAN_CHTYPE_GEO, 0, 0},
	{"Polygon", 0, F_NONE, MIGPLAN_CHTYPE_GEO, 0, 0},
	{"MultiPolygon", 0, F_NONE, MIGPLAN_CHTYPE_GEO, 0, 0},
	{"Geometry", 0, F_NONE, MIGPLAN_CHTYPE_GEO, 0, 0},
	{"AggregateFunction", 0, F_AGG, MIGPLAN_CHTYPE_AGGREGATE_FUNCTION, 0, 0},
	{"SimpleAggregateFunction", 0, F_SAF, MIGPLAN_CHTYPE_SIMPLE_AGGREGATE_FUNCTION, 0, 0},
	{"Nothing", 0, F_NONE, MIGPLAN_CHTYPE_NOTHING, 0, 0},
	{"Dynamic", 0, F_DYNAMIC, MIGPLAN_CHTYPE_DYNAMIC, 0, 0},
	{"Variant", 0, F_VARIANT, MIGPLAN_CHTYPE_VARIANT, 0, 0},
	{"IntervalNanosecond", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalMicrosecond", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalMillisecond", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalSecond", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalMinute", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalHour", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalDay", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalWeek", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalMonth", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalQuarter", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"IntervalYear", 0, F_NONE, MIGPLAN_CHTYPE_INTERVAL, 0, 0},
	{"Time", 1, F_UNMODELED, MIGPLAN_CHTYPE_OTHER, 0, 0},
	{"Time64", 1, F_UNMODELED, MIGPLAN_CHTYPE_OTHER, 0, 0},
	{"QBit", 0, F_UNMODELED, MIGPLAN_CHTYPE_OTHER, 0, 0},
};

typedef struct alias {
	const char *name;
	unsigned char ci;
	const char *target;
} alias;

/* The aliases of system.data_type_families (ClickHouse 26.7). Multi-word names are the
 * ones ParserDataType assembles from several words (upper-cased, one space). */
static const alias aliases[] = {
	{"BIGINT", 1, "Int64"}, {"BIGINT SIGNED", 1, "Int64"}, {"BIGINT UNSIGNED", 1, "UInt64"},
	{"BINARY", 1, "FixedString"}, {"BINARY LARGE OBJECT", 1, "String"},
	{"BINARY VARYING", 1, "String"}, {"BIT", 1, "UInt64"}, {"BLOB", 1, "String"},
	{"BYTE", 1, "Int8"}, {"BYTEA", 1, "String"}, {"CHAR", 1, "String"},
	{"CHAR LARGE OBJECT", 1, "String"}, {"CHAR VARYING", 1, "String"},
	{"CHARACTER", 1, "String"}, {"CHARACTER LARGE OBJECT", 1, "String"},
	{"CHARACTER VARYING", 1, "String"}, {"CLOB", 1, "String"}, {"DEC", 1, "Decimal"},
	{"DOUBLE", 1, "Float64"}, {"DOUBLE PRECISION", 1, "Float64"}, {"ENUM", 1, "Enum"},
	{"FIXED", 1, "Decimal"}, {"FLOAT", 1, "Float32"}, {"GEOMETRY", 0, "Geometry"},
	{"INET4", 1, "IPv4"}, {"INET6", 1, "IPv6"}, {"INT", 1, "Int32"},
	{"INT SIGNED", 1, "Int32"}, {"INT UNSIGNED", 1, "UInt32"}, {"INT1", 1, "Int8"},
	{"INT1 SIGNED", 1, "Int8"}, {"INT1 UNSIGNED", 1, "UInt8"}, {"INTEGER", 1, "Int32"},
	{"INTEGER SIGNED", 1, "Int32"}, {"INTEGER UNSIGNED", 1, "UInt32"},
	{"LONGBLOB", 1, "String"}, {"LONGTEXT", 1, "String"}, {"MEDIUMBLOB", 1, "String"},
	{"MEDIUMINT", 1, "Int32"}, {"MEDIUMINT SIGNED", 1, "Int32"},
	{"MEDIUMINT UNSIGNED", 1, "UInt32"}, {"MEDIUMTEXT", 1, "String"},
	{"NATIONAL CHAR", 1, "String"}, {"NATIONAL CHAR VARYING", 1, "String"},
	{"NATIONAL CHARACTER", 1, "String"}, {"NATIONAL CHARACTER LARGE OBJECT", 1, "String"},
	{"NATIONAL CHARACTER VARYING", 1, "String"}, {"NCHAR", 1, "String"},
	{"NCHAR LARGE OBJECT", 1, "String"}, {"NCHAR VARYING", 1, "String"},
	{"NUMERIC", 1, "Decimal"}, {"NVARCHAR", 1, "String"}, {"REAL", 1, "Float32"},
	{"SET", 1, "UInt64"}, {"SIGNED", 1, "Int64"}, {"SINGLE", 1, "Float32"},
	{"SMALLINT", 1, "Int16"}, {"SMALLINT SIGNED", 1, "Int16"},
	{"SMALLINT UNSIGNED", 1, "UInt16"}, {"TEXT", 1, "String"}, {"TIMESTAMP", 1, "DateTime"},
	{"TINYBLOB", 1, "String"}, {"TINYINT", 1, "Int8"}, {"TINYINT SIGNED", 1, "Int8"},
	{"TINYINT UNSIGNED", 1, "UInt8"}, {"TINYTEXT", 1, "String"}, {"UNSIGNED", 1, "UInt64"},
	{"VARBINARY", 1, "String"}, {"VARCHAR", 1, "String"}, {"VARCHAR2", 1, "String"},
	{"YEAR", 1, "UInt16"}, {"bool", 1, "Bool"}, {"boolean", 1, "Bool"},
	{"DateTime32", 1, "DateTime"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const family *family_exact(const char *name, size_t n)
{
	for (size_t i = 0; i < COUNT_OF(families); i++)
		if (eqn(name, n, families[i].name))
			return &families[i];
	return NULL;
}

/* DataTypeFactory: the exact name first, then the case-insensitive names; aliases resolve
 * to their family. */
static const family *family_find(const char *name, size_t n)
{
	const family *f = family_exact(name, n);
	if (f)
		return f;
	for (size_t i = 0; i < COUNT_OF(aliases); i++)
		if (eqn(name, n, aliases[i].name))
			return family_exact(aliases[i].target, strlen(aliases[i].target));
	for (size_t i = 0; i < COUNT_OF(families); i++)
		if (families[i].ci && ci_eqn(name, n, families[i].name))
			return &families[i];
	for (size_t i = 0; i < COUNT_OF(aliases); i++)
		if (aliases[i].ci && ci_eqn(name, n, aliases[i].name))
			return family_exact(aliases[i].target, strlen(aliases[i].target));
	return NULL;
}

/* ---- aggregate function names -------------------------------------------------------- */

typedef struct fn_alias {
	const char *name;
	unsigned char ci;
	const char *target; /* NULL: the name itself, in this spelling */
} fn_alias;

/* Aggregate functions ClickHouse renames in a type: case-insensitive names take their
 * canonical spelling and aliases their target (system.functions of ClickHouse 26.7:
 * `AggregateFunction(MAX_BY, ...)` is reported as `AggregateFunction(argMax, ...)`). */
static const fn_alias fn_aliases[] = {
	{"BIT_AND", 1, "groupBitAnd"}, {"BIT_OR", 1, "groupBitOr"}, {"BIT_XOR", 1, "groupBitXor"},
	{"COVAR_POP", 1, "covarPop"}, {"COVAR_SAMP", 1, "covarSamp"}, {"STD", 1, "stddevPop"},
	{"STDDEV", 1, "stddevSamp"}, {"STDDEV_POP", 1, "stddevPop"},
	{"STDDEV_SAMP", 1, "stddevSamp"}, {"VAR_POP", 1, "varPop"}, {"VAR_SAMP", 1, "varSamp"},
	{"analysisOfVariance", 1, NULL}, {"anova", 1, "analysisOfVariance"},
	{"any_value", 1, "any"}, {"any_value_respect_nulls", 1, "any_respect_nulls"},
	{"approx_top_count", 1, "approx_top_k"}, {"approx_top_k", 1, NULL},
	{"approx_top_sum", 1, NULL}, {"array_agg", 1, "groupArray"},
	{"array_concat_agg", 1, "groupArrayArray"}, {"avg", 1, NULL}, {"corr", 1, NULL},
	{"count", 1, NULL}, {"dense_rank", 1, "denseRank"}, {"first_value", 1, "any"},
	{"first_value_respect_nulls", 1, "any_respect_nulls"}, {"group_concat", 1, "groupConcat"},
	{"kolmogorovSmirnovTest", 1, NULL}, {"lag", 1, NULL}, {"last_value", 1, "anyLast"},
	{"last_value_respect_nulls", 1, "anyLast_respect_nulls"}, {"lead", 1, NULL},
	{"max", 1, NULL}, {"max_by", 1, "argMax"}, {"min", 1, NULL}, {"min_by", 1, "argMin"},
	{"nth_value", 1, NULL}, {"ntile", 1, NULL}, {"percent_rank", 1, "percentRank"},
	{"rank", 1, NULL}, {"row_number", 1, NULL}, {"string_agg", 1, "groupConcat"},
	{"sum", 1, NULL},
	{"ST_AsMVT", 0, "MVTEncode"}, {"anyLastRespectNulls", 0, "anyLast_respect_nulls"},
	{"anyRespectNulls", 0, "any_respect_nulls"},
	{"anyValueRespectNulls", 0, "any_respect_nulls"},
	{"firstValueRespectNulls", 0, "any_respect_nulls"},
	{"lastValueRespectNulls", 0, "anyLast_respect_nulls"},
	{"lttb", 0, "largestTriangleThreeBuckets"}, {"median", 0, "quantile"},
	{"medianBFloat16", 0, "quantileBFloat16"},
	{"medianBFloat16Weighted", 0, "quantileBFloat16Weighted"}, {"medianDD", 0, "quantileDD"},
	{"medianDeterministic", 0, "quantileDeterministic"}, {"medianExact", 0, "quantileExact"},
	{"medianExactHigh", 0, "quantileExactHigh"}, {"medianExactLow", 0, "quantileExactLow"},
	{"medianExactWeighted", 0, "quantileExactWeighted"},
	{"medianExactWeightedInterpolated", 0, "quantileExactWeightedInterpolated"},
	{"medianGK", 0, "quantileGK"},
	{"medianInterpolatedWeighted", 0, "quantileInterpolatedWeighted"},
	{"medianTDigest", 0, "quantileTDigest"},
	{"medianTDigestWeighted", 0, "quantileTDigestWeighted"},
	{"medianTiming", 0, "quantileTiming"},
	{"medianTimingWeighted", 0, "quantileTimingWeighted"}, {"sparkBar", 0, "sparkbar"},
	{"timeSeriesLastToGrid", 0, "timeSeriesResampleToGridWithStaleness"},
	{"sumMappedArrays", 0, "sumMap"}, {"minMappedArrays", 0, "minMap"},
	{"maxMappedArrays", 0, "maxMap"},
};

/* Combinator suffixes, longest first so that the longest one matches (system.aggregate_function_combinators). */
static const char *const combinators[] = {
	"SimpleState", "OrDefault", "Distinct", "Resample", "ForEach", "ArgMax", "ArgMin",
	"OrNull", "Tuple", "Merge", "State", "Array", "Map", "If",
};

/* Functions whose state carries a version, 1 today: ClickHouse writes it when the type
 * does not give one (`AggregateFunction(1, sumMap, ...)`). */
static const char *const versioned_functions[] = {
	"sumMap", "minMap", "maxMap", "sumMapWithOverflow", "sumMapFiltered",
	"sumMapFilteredWithOverflow",
};

/* The name ClickHouse reports for an aggregate function, appended to b. Unknown names are
 * kept as written (ClickHouse would refuse them, but this library does not know every
 * function). */
static void fn_resolve(migplan__sb *b, const char *name, size_t n, int depth)
{
	for (size_t i = 0; i < COUNT_OF(fn_aliases); i++) {
		const fn_alias *a = &fn_aliases[i];
		if (a->ci ? ci_eqn(name, n, a->name) : eqn(name, n, a->name)) {
			migplan__sb_puts(b, a->target ? a->target : a->name);
			return;
		}
	}
	for (size_t i = 0; depth < 8 && i < COUNT_OF(combinators); i++) {
		size_t cn = strlen(combinators[i]);
		if (n > cn && memcmp(name + n - cn, combinators[i], cn) == 0) {
			fn_resolve(b, name, n - cn, depth + 1);
			migplan__sb_puts(b, combinators[i]);
			return;
		}
	}
	migplan__sb_append(b, name, n);
}

static int fn_is_versioned(const char *name, size_t n, int depth)
{
	for (size_t i = 0; i < COUNT_OF(versioned_functions); i++)
		if (eqn(name, n, versioned_functions[i]))
			return 1;
	for (size_t i = 0; depth < 8 && i < COUNT_OF(combinators); i++) {
		size_t cn = strlen(combinators[i]);
		if (n > cn && memcmp(name + n - cn, combinators[i], cn) == 0)
			return fn_is_versioned(name, n - cn, depth + 1);
	}
	return 0;
}

/* ---- tree allocation ----------------------------------------------------------------- */

static migplan_chtype *node_newn(migplan_chtype_kind kind, const char *name, size_t n)
{
	migplan_chtype *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->kind = kind;
	t->max_types = -1;
	t->max_paths = -1;
	t->name = dupn(name, n);
	if (!t->name) {
		free(t);
		return NULL;
	}
	return t;
}

void migplan_chtype_free(migplan_chtype *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->child_count; i++) {
		migplan_chtype_free(t->children[i]);
		if (t->child_names)
			free(t->child_names[i].ptr);
	}
	free(t->children);
	free(t->child_names);
	for (size_t i = 0; i < t->enum_count; i++)
		free(t->members[i].name.ptr);
	free(t->members);
	for (size_t i = 0; i < t->skip_count; i++)
		free(t->skips[i].text.ptr);
	free(t->skips);
	free(t->name);
	free(t->text);
	free(t->tz);
	free(t->function);
	free(t);
}

static migplan_chtype *node_new(migplan_chtype_kind kind, const char *name)
{
	return node_newn(kind, name, strlen(name));
}

/* Appends a child (the tree takes child and name->ptr, also on failure). */
static int add_child(migplan_chtype *t, migplan_chtype *child, chstr name)
{
	migplan_chtype **c = realloc(t->children, (t->child_count + 1) * sizeof(*c));
	if (c)
		t->children = c;
	chstr *nm = c ? realloc(t->child_names, (t->child_count + 1) * sizeof(*nm)) : NULL;
	if (nm)
		t->child_names = nm;
	if (!c || !nm) {
		migplan_chtype_free(child);
		free(name.ptr);
		return -1;
	}
	t->children[t->child_count] = child;
	t->child_names[t->child_count] = name;
	t->child_count++;
	return 0;
}

static int add_member(migplan_chtype *t, chstr name, int value)
{
	chmember *m = realloc(t->members, (t->enum_count + 1) * sizeof(*m));
	if (!m) {
		free(name.ptr);
		return -1;
	}
	t->members = m;
	t->members[t->enum_count].name = name;
	t->members[t->enum_count].value = value;
	t->enum_count++;
	return 0;
}

static int add_skip(migplan_chtype *t, int regexp, chstr text)
{
	chskip *s = realloc(t->skips, (t->skip_count + 1) * sizeof(*s));
	if (!s) {
		free(text.ptr);
		return -1;
	}
	t->skips = s;
	t->skips[t->skip_count].regexp = regexp;
	t->skips[t->skip_count].text = text;
	t->skip_count++;
	return 0;
}

/* ---- rendering ----------------------------------------------------------------------- */

static void render(migplan__sb *b, const migplan_chtype *t);

static void render_children(migplan__sb *b, const migplan_chtype *t, size_t from)
{
	for (size_t i = from; i < t->child_count; i++) {
		if (i > from)
			migplan__sb_puts(b, ", ");
		if (t->child_names && t->child_names[i].ptr) {
			sb_ident(b, &t->child_names[i]);
			migplan__sb_putc(b, ' ');
		}
		render(b, t->children[i]);
	}
}

static void render_enum(migplan__sb *b, const migplan_chtype *t)
{
	migplan__sb_puts(b, t->name);
	migplan__sb_putc(b, '(');
	for (size_t i = 0; i < t->enum_count; i++) {
		if (i)
			migplan__sb_puts(b, ", ");
		sb_quoted(b, t->members[i].name.ptr, t->members[i].name.len, '\'');
		migplan__sb_puts(b, " = ");
		sb_putll(b, t->members[i].value);
	}
	migplan__sb_putc(b, ')');
}

/* DataTypeObject::doGetName: non-default limits, typed paths (sorted), SKIP paths (sorted),
 * SKIP REGEXPs (in order); a bare `JSON` when there is nothing to say. */
static void render_json(migplan__sb *b, const migplan_chtype *t)
{
	int first = 1;
	migplan__sb_puts(b, "JSON");
#define SEP() (migplan__sb_puts(b, first ? "(" : ", "), first = 0)
	if (t->max_types >= 0) {
		SEP();
		migplan__sb_puts(b, "max_dynamic_types=");
		sb_putll(b, t->max_types);
	}
	if (t->max_paths >= 0) {
		SEP();
		migplan__sb_puts(b, "max_dynamic_paths=");
		sb_putll(b, t->max_paths);
	}
	for (size_t i = 0; i < t->child_count; i++) {
		SEP();
		sb_ident(b, &t->child_names[i]);
		migplan__sb_putc(b, ' ');
		render(b, t->children[i]);
	}
	for (size_t i = 0; i < t->skip_count; i++) {
		SEP();
		if (t->skips[i].regexp) {
			migplan__sb_puts(b, "SKIP REGEXP ");
			sb_quoted(b, t->skips[i].text.ptr, t->skips[i].text.len, '\'');
		} else {
			migplan__sb_puts(b, "SKIP ");
			sb_ident(b, &t->skips[i].text);
		}
	}
#undef SEP
	if (!first)
		migplan__sb_putc(b, ')');
}

static void render(migplan__sb *b, const migplan_chtype *t)
{
	switch (t->kind) {
	case MIGPLAN_CHTYPE_OTHER:
		migplan__sb_puts(b, t->text);
		return;
	case MIGPLAN_CHTYPE_DECIMAL:
		migplan__sb_puts(b, "Decimal(");
		sb_putull(b, t->precision);
		migplan__sb_puts(b, ", ");
		sb_putull(b, t->scale);
		migplan__sb_putc(b, ')');
		return;
	case MIGPLAN_CHTYPE_FIXED_STRING:
		migplan__sb_puts(b, "FixedString(");
		sb_putull(b, t->length);
		migplan__sb_putc(b, ')');
		return;
	case MIGPLAN_CHTYPE_DATETIME:
		migplan__sb_puts(b, "DateTime");
		if (t->tz) {
			migplan__sb_putc(b, '(');
			sb_quoted(b, t->tz, strlen(t->tz), '\'');
			migplan__sb_putc(b, ')');
		}
		return;
	case MIGPLAN_CHTYPE_DATETIME64:
		migplan__sb_puts(b, "DateTime64(");
		sb_putull(b, t->precision);
		if (t->tz) {
			migplan__sb_puts(b, ", ");
			sb_quoted(b, t->tz, strlen(t->tz), '\'');
		}
		migplan__sb_putc(b, ')');
		return;
	case MIGPLAN_CHTYPE_ENUM8:
	case MIGPLAN_CHTYPE_ENUM16:
		render_enum(b, t);
		return;
	case MIGPLAN_CHTYPE_JSON:
		render_json(b, t);
		return;
	case MIGPLAN_CHTYPE_DYNAMIC:
		migplan__sb_puts(b, "Dynamic");
		if (t->max_types >= 0) {
			migplan__sb_puts(b, "(max_types=");
			sb_putll(b, t->max_types);
			migplan__sb_putc(b, ')');
		}
		return;
	case MIGPLAN_CHTYPE_AGGREGATE_FUNCTION:
		migplan__sb_puts(b, "AggregateFunction(");
		if (t->version) {
			sb_putull(b, t->version);
			migplan__sb_puts(b, ", ");
		}
		migplan__sb_puts(b, t->function);
		if (t->child_count)
			migplan__sb_puts(b, ", ");
		render_children(b, t, 0);
		migplan__sb_putc(b, ')');
		return;
	case MIGPLAN_CHTYPE_SIMPLE_AGGREGATE_FUNCTION:
		migplan__sb_puts(b, "SimpleAggregateFunction(");
		migplan__sb_puts(b, t->function);
		if (t->child_count)
			migplan__sb_puts(b, ", ");
		render_children(b, t, 0);
		migplan__sb_putc(b, ')');
		return;
	case MIGPLAN_CHTYPE_ARRAY:
	case MIGPLAN_CHTYPE_MAP:
	case MIGPLAN_CHTYPE_TUPLE:
	case MIGPLAN_CHTYPE_NESTED:
	case MIGPLAN_CHTYPE_NULLABLE:
	case MIGPLAN_CHTYPE_LOW_CARDINALITY:
	case MIGPLAN_CHTYPE_VARIANT:
		migplan__sb_puts(b, t->name);
		migplan__sb_putc(b, '(');
		render_children(b, t, 0);
		migplan__sb_putc(b, ')');
		return;
	default:
		migplan__sb_puts(b, t->name);
		return;
	}
}

migplan_status migplan_chtype_render(const migplan_chtype *t, char **out)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_render: out is NULL");
	*out = NULL;
	if (!t)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_render: type is NULL");
	migplan__sb b = MIGPLAN__SB_INIT;
	render(&b, t);
	if (b.failed || !b.ptr) {
		free(b.ptr);
		return migplan__error_oom();
	}
	*out = b.ptr;
	return MIGPLAN_OK;
}

/* ---- the parser ---------------------------------------------------------------------- */

typedef struct parser {
	const char *s;
	size_t len;
	size_t pos;
	unsigned int depth;
} parser;

static int peek(const parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int peek_at(const parser *p, size_t off)
{
	return p->pos + off < p->len ? (unsigned char)p->s[p->pos + off] : -1;
}

static void skip_ws(parser *p)
{
	while (p->pos < p->len && is_space((unsigned char)p->s[p->pos]))
		p->pos++;
}

/* Errors are always on line 1; the column counts code points, not bytes. */
static migplan_status fail_at(const parser *p, size_t at, const char *msg)
{
	uint32_t col = 1;
	for (size_t i = 0; i < at && i < p->len; i++)
		if (((unsigned char)p->s[i] & 0xC0) != 0x80)
			col++;
	return migplan__error_at(MIGPLAN_EPARSE, NULL, 1, col, at, "%s", msg);
}

static migplan_status fail(const parser *p, const char *msg)
{
	return fail_at(p, p->pos, msg);
}

static migplan_status oom(void)
{
	return migplan__error_oom();
}

static int accept(parser *p, int c)
{
	skip_ws(p);
	if (peek(p) == c) {
		p->pos++;
		return 1;
	}
	return 0;
}

static migplan_status expect(parser *p, int c, const char *msg)
{
	if (accept(p, c))
		return MIGPLAN_OK;
	return fail(p, msg);
}

/* After an argument: ',' (a trailing comma before ')' is allowed, as in ClickHouse) or ')'.
 * *more is 1 when another argument follows. */
static migplan_status next_arg(parser *p, int *more, const char *msg)
{
	if (accept(p, ',')) {
		*more = !accept(p, ')');
		return MIGPLAN_OK;
	}
	if (accept(p, ')')) {
		*more = 0;
		return MIGPLAN_OK;
	}
	return fail(p, msg);
}

/* A bare word: [A-Za-z_][A-Za-z0-9_$]* ('$' is a word character to ClickHouse's lexer). */
static size_t word_len(const parser *p)
{
	int c = peek(p);
	if (!(is_alpha(c) || c == '_'))
		return 0;
	size_t n = 1;
	while (p->pos + n < p->len) {
		int d = (unsigned char)p->s[p->pos + n];
		if (!(is_word(d) || d == '$'))
			break;
		n++;
	}
	return n;
}

/* Matches the words of kw (space-separated, case-insensitive) with whitespace between them;
 * consumes them only when all match. */
static int accept_words(parser *p, const char *kw)
{
	size_t save = p->pos;
	while (*kw) {
		const char *end = strchr(kw, ' ');
		size_t kn = end ? (size_t)(end - kw) : strlen(kw);
		size_t before = p->pos;
		skip_ws(p);
		size_t n = word_len(p);
		/* words must be separated from the previous word by whitespace */
		int ok = p->pos != before && n == kn;
		for (size_t i = 0; ok && i < n; i++)
			ok = to_lower((unsigned char)p->s[p->pos + i]) == to_lower((unsigned char)kw[i]);
		if (!ok) {
			p->pos = save;
			return 0;
		}
		p->pos += n;
		kw = end ? end + 1 : kw + kn;
	}
	return 1;
}

/* Reads a quoted string ('...', `...` or "..."), unescaping as ClickHouse's lexer does. */
static migplan_status read_quoted(parser *p, chstr *out)
{
	char q = p->s[p->pos];
	size_t start = p->pos++;
	migplan__sb b = MIGPLAN__SB_INIT;
	for (;;) {
		if (p->pos >= p->len) {
			free(b.ptr);
			return fail_at(p, start, q == '\'' ? "unterminated string literal"
			                                   : "unterminated quoted name");
		}
		char c = p->s[p->pos++];
		if (c == q) {
			if (p->pos < p->len && p->s[p->pos] == q) { /* '' inside '...' */
				migplan__sb_putc(&b, q);
				p->pos++;
				continue;
			}
			break;
		}
		if (c != '\\') {
			migplan__sb_putc(&b, c);
			continue;
		}
		if (p->pos >= p->len)
			continue; /* reported as unterminated above */
		char e = p->s[p->pos++];
		switch (e) {
		case 'a': migplan__sb_putc(&b, '\a'); break;
		case 'b': migplan__sb_putc(&b, '\b'); break;
		case 'e': migplan__sb_putc(&b, '\x1b'); break;
		case 'f': migplan__sb_putc(&b, '\f'); break;
		case 'n': migplan__sb_putc(&b, '\n'); break;
		case 'r': migplan__sb_putc(&b, '\r'); break;
		case 't': migplan__sb_putc(&b, '\t'); break;
		case 'v': migplan__sb_putc(&b, '\v'); break;
		case '0': migplan__sb_putc(&b, '\0'); break;
		case 'N': break; /* ClickHouse's NULL marker: no character */
		case 'x':
			if (p->pos + 1 < p->len && is_hex((unsigned char)p->s[p->pos]) &&
			    is_hex((unsigned char)p->s[p->pos + 1])) {
				char hex[3] = {p->s[p->pos], p->s[p->pos + 1], '\0'};
				migplan__sb_putc(&b, (char)strtol(hex, NULL, 16));
				p->pos += 2;
				break;
			}
			free(b.ptr);
			return fail_at(p, p->pos - 2, "expected two hexadecimal digits after \\x");
		default:
			/* ClickHouse keeps the backslash of an unknown escape ('100\%' stays 100\%),
			 * except before quotes, '?', a backslash and control characters. */
			if (e != '\\' && e != '\'' && e != '"' && e != '`' && e != '?' &&
			    !((unsigned char)e < 0x20 || e == 0x7f))
				migplan__sb_putc(&b, '\\');
			migplan__sb_putc(&b, e);
			break;
		}
	}
	if (b.failed) {
		free(b.ptr);
		return oom();
	}
	if (!b.ptr) {
		b.ptr = dupn("", 0);
		if (!b.ptr)
			return oom();
	}
	out->ptr = b.ptr;
	out->len = b.len;
	return MIGPLAN_OK;
}

static migplan_status read_string(parser *p, chstr *out, const char *msg)
{
	skip_ws(p);
	if (peek(p) != '\'')
		return fail(p, msg);
	return read_quoted(p, out);
}

/* An element name: a bare word, `backquoted` or "double-quoted". */
static int at_name(const parser *p)
{
	int c = peek(p);
	return c == '`' || c == '"' || is_alpha(c) || c == '_';
}

static migplan_status read_name(parser *p, chstr *out)
{
	skip_ws(p);
	int c = peek(p);
	if (c == '`' || c == '"')
		return read_quoted(p, out);
	size_t n = word_len(p);
	if (!n)
		return fail(p, "expected a name");
	out->ptr = dupn(p->s + p->pos, n);
	if (!out->ptr)
		return oom();
	out->len = n;
	p->pos += n;
	return MIGPLAN_OK;
}

/* An integer literal: optional sign, then decimal digits (leading zeros are decimal, as
 * in ClickHouse), 0x hex or 0b binary. Fails on a fraction or exponent. */
static migplan_status read_int(parser *p, long long lo, long long hi, long long *out,
                               const char *msg)
{
	skip_ws(p);
	size_t start = p->pos;
	int neg = 0;
	if (peek(p) == '+' || peek(p) == '-') {
		neg = peek(p) == '-';
		p->pos++;
	}
	int base = 10;
	if (peek(p) == '0' && (peek_at(p, 1) == 'x' || peek_at(p, 1) == 'X') && is_hex(peek_at(p, 2))) {
		base = 16;
		p->pos += 2;
	} else if (peek(p) == '0' && (peek_at(p, 1) == 'b' || peek_at(p, 1) == 'B') &&
	           (peek_at(p, 2) == '0' || peek_at(p, 2) == '1')) {
		base = 2;
		p->pos += 2;
	}
	unsigned long long v = 0;
	int digits = 0, overflow = 0;
	for (;;) {
		int c = peek(p), d;
		if (is_digit(c))
			d = c - '0';
		else if (base == 16 && is_hex(c))
			d = to_lower(c) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (~0ull - (unsigned long long)d) / (unsigned long long)base)
			overflow = 1;
		else
			v = v * (unsigned long long)base + (unsigned long long)d;
		digits++;
		p->pos++;
	}
	int c = peek(p);
	if (!digits || c == '.' || is_word(c) || c == '$') {
		p->pos = start;
		return fail(p, msg);
	}
	long long r;
	if (overflow || v > (unsigned long long)9223372036854775807LL + (neg ? 1u : 0u)) {
		r = 0;
		overflow = 1;
	} else if (neg) {
		r = v == (unsigned long long)9223372036854775807LL + 1u ? (-9223372036854775807LL - 1)
		                                                       : -(long long)v;
	} else {
		r = (long long)v;
	}
	if (overflow || r < lo || r > hi) {
		char m[160];
		snprintf(m, sizeof(m), "number out of range: expected %lld to %lld", lo, hi);
		return fail_at(p, start, m);
	}
	*out = r;
	return MIGPLAN_OK;
}

static migplan_status parse_type(parser *p, migplan_chtype **out);

/* ---- aggregate function parameters ---------------------------------------------------- */

/* Float64 as ClickHouse writes a literal parameter (double-conversion's shortest form with
 * a trailing '.', decimal notation for exponents -6..20): 1.0 -> `1.`, 1e-7 -> `1e-7`,
 * 1e3 -> `1000.`, 1e22 -> `1e22`. */
static void put_float(migplan__sb *b, double v)
{
	if (isnan(v)) {
		migplan__sb_puts(b, "nan");
		return;
	}
	if (isinf(v)) {
		migplan__sb_puts(b, v < 0 ? "-inf" : "inf");
		return;
	}
	if (signbit(v))
		migplan__sb_putc(b, '-');
	v = fabs(v);
	if (v == 0) {
		migplan__sb_puts(b, "0.");
		return;
	}
	char buf[48];
	for (int prec = 0; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	char digits[24];
	size_t nd = 0;
	char *e = strchr(buf, 'e');
	for (char *c = buf; c < e && nd < sizeof(digits) - 1; c++)
		if (is_digit((unsigned char)*c))
			digits[nd++] = *c;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	int exp = atoi(e + 1);
	int point = exp + 1; /* digits before the decimal point */
	if (exp >= -6 && exp < 21) {
		if (point <= 0) {
			migplan__sb_puts(b, "0.");
			for (int i = 0; i < -point; i++)
				migplan__sb_putc(b, '0');
			migplan__sb_append(b, digits, nd);
		} else if ((size_t)point >= nd) {
			migplan__sb_append(b, digits, nd);
			for (size_t i = nd; i < (size_t)point; i++)
				migplan__sb_putc(b, '0');
			migplan__sb_putc(b, '.');
		} else {
			migplan__sb_append(b, digits, (size_t)point);
			migplan__sb_putc(b, '.');
			migplan__sb_append(b, digits + point, nd - (size_t)point);
		}
		return;
	}
	migplan__sb_putc(b, digits[0]);
	if (nd > 1) {
		migplan__sb_putc(b, '.');
		migplan__sb_append(b, digits + 1, nd - 1);
	}
	migplan__sb_putc(b, 'e');
	sb_putll(b, exp);
}

/* strtod and printf follow LC_NUMERIC; numbers in type strings always use '.'. */
static int put_float_text(migplan__sb *b, const char *text)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!c)
		return -1;
	locale_t old = uselocale(c);
	put_float(b, strtod(text, NULL));
	uselocale(old);
	freelocale(c);
	return 0;
}

static migplan_status read_literal(parser *p, migplan__sb *b, int depth);

/* Scans a decimal number (digits, fraction, exponent); *is_float when it has either. */
static int scan_decimal(parser *p, int *is_float)
{
	int digits = 0;
	*is_float = 0;
	while (is_digit(peek(p))) {
		p->pos++;
		digits++;
	}
	if (peek(p) == '.') {
		*is_float = 1;
		p->pos++;
		while (is_digit(peek(p))) {
			p->pos++;
			digits++;
		}
	}
	if (digits && (peek(p) == 'e' || peek(p) == 'E')) {
		size_t e = p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (is_digit(peek(p)))
			*is_float = 1;
		else
			p->pos = e;
		while (is_digit(peek(p)))
			p->pos++;
	}
	return digits;
}

/* A parameter number as ClickHouse prints it back: an integer that fits 64 bits (UInt64,
 * or Int64 when negative) stays an integer (leading zeros dropped, hex and binary
 * converted); anything else is a Float64. */
static migplan_status read_number(parser *p, migplan__sb *b)
{
	size_t start = p->pos;
	int neg = peek(p) == '-';
	if (peek(p) == '+' || peek(p) == '-')
		p->pos++;
	size_t n = word_len(p);
	if (n && (ci_eqn(p->s + p->pos, n, "inf") || ci_eqn(p->s + p->pos, n, "infinity") ||
	          ci_eqn(p->s + p->pos, n, "nan"))) {
		int nan = ci_eqn(p->s + p->pos, n, "nan");
		p->pos += n;
		migplan__sb_puts(b, nan ? "nan" : neg ? "-inf" : "inf");
		return MIGPLAN_OK;
	}
	if (peek(p) == '0' && (to_lower(peek_at(p, 1)) == 'x' || to_lower(peek_at(p, 1)) == 'b')) {
		long long v;
		p->pos = start;
		migplan_status st = read_int(p, -9223372036854775807LL - 1, 9223372036854775807LL, &v,
		                             "expected a number");
		if (!st)
			sb_putll(b, v);
		return st;
	}
	size_t digits_at = p->pos;
	int is_float;
	if (!scan_decimal(p, &is_float) || is_word(peek(p)) || peek(p) == '$') {
		p->pos = start;
		return fail(p, "expected a literal (number, string, NULL or array) as a parameter");
	}
	unsigned long long v = 0;
	int fits = !is_float;
	for (size_t i = digits_at; fits && i < p->pos; i++) {
		unsigned d = (unsigned)(p->s[i] - '0');
		fits = v <= (~0ull - d) / 10;
		v = v * 10 + d;
	}
	if (fits && neg && v > (unsigned long long)9223372036854775807LL + 1u)
		fits = 0;
	if (fits) {
		if (neg && v)
			migplan__sb_putc(b, '-');
		sb_putull(b, v);
		return MIGPLAN_OK;
	}
	char *text = dupn(p->s + start, p->pos - start);
	if (!text)
		return oom();
	int r = put_float_text(b, text);
	free(text);
	return r ? oom() : MIGPLAN_OK;
}

static migplan_status read_literal(parser *p, migplan__sb *b, int depth)
{
	skip_ws(p);
	int c = peek(p);
	if (c == '\'') {
		chstr s;
		migplan_status st = read_quoted(p, &s);
		if (st)
			return st;
		sb_quoted(b, s.ptr, s.len, '\'');
		free(s.ptr);
		return MIGPLAN_OK;
	}
	if (c == '[') {
		if (depth > 32)
			return fail(p, "parameter nested too deeply");
		p->pos++;
		migplan__sb_putc(b, '[');
		if (accept(p, ']')) {
			migplan__sb_putc(b, ']');
			return MIGPLAN_OK;
		}
		for (int first = 1;; first = 0) {
			if (!first)
				migplan__sb_puts(b, ", ");
			migplan_status st = read_literal(p, b, depth + 1);
			if (st)
				return st;
			if (accept(p, ','))
				continue;
			if (accept(p, ']'))
				break;
			return fail(p, "expected ',' or ']' in an array parameter");
		}
		migplan__sb_putc(b, ']');
		return MIGPLAN_OK;
	}
	size_t n = word_len(p);
	if (n && ci_eqn(p->s + p->pos, n, "NULL")) {
		p->pos += n;
		migplan__sb_puts(b, "NULL");
		return MIGPLAN_OK;
	}
	return read_number(p, b);
}

static int plain_identifier(const char *s, size_t n)
{
	if (!n || !(is_alpha(s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* `name` or `name(params)`: the function as ClickHouse reports it. */
static migplan_status read_function(parser *p, migplan_chtype *t)
{
	chstr name;
	skip_ws(p);
	if (!at_name(p))
		return fail(p, "expected an aggregate function name");
	size_t at = p->pos;
	migplan_status st = read_name(p, &name);
	if (st)
		return st;
	/* every aggregate function and combinator is a plain identifier, so a quoted name that is
	 * not one names no function (and would not survive being rendered unquoted) */
	if (!plain_identifier(name.ptr, name.len)) {
		free(name.ptr);
		p->pos = at;
		return fail(p, "expected an aggregate function name");
	}
	migplan__sb b = MIGPLAN__SB_INIT;
	fn_resolve(&b, name.ptr, name.len, 0);
	if (t->kind == MIGPLAN_CHTYPE_AGGREGATE_FUNCTION &&
	    fn_is_versioned(b.ptr ? b.ptr : "", b.len, 0))
		t->version = 1;
	free(name.ptr);
	if (accept(p, '(') && !accept(p, ')')) {
		/* `sum()` is reported as `sum` */
		migplan__sb_putc(&b, '(');
		for (int first = 1;; first = 0) {
			if (!first)
				migplan__sb_puts(&b, ", ");
			st = read_literal(p, &b, 0);
			if (st) {
				free(b.ptr);
				return st;
			}
			int more;
			st = next_arg(p, &more, "expected ',' or ')' after an aggregate function parameter");
			if (st) {
				free(b.ptr);
				return st;
			}
			if (!more)
				break;
		}
		migplan__sb_putc(&b, ')');
	}
	if (b.failed || !b.ptr) {
		free(b.ptr);
		return oom();
	}
	t->function = b.ptr;
	return MIGPLAN_OK;
}

/* AggregateFunction([version, ]f[(params)], T...), SimpleAggregateFunction(f, T...). */
static migplan_status parse_aggregate(parser *p, migplan_chtype *t)
{
	migplan_status st = expect(p, '(', t->kind == MIGPLAN_CHTYPE_AGGREGATE_FUNCTION
	                                       ? "expected '(' after AggregateFunction"
	                                       : "expected '(' after SimpleAggregateFunction");
	if (st)
		return st;
	skip_ws(p);
	if (t->kind == MIGPLAN_CHTYPE_AGGREGATE_FUNCTION && is_digit(peek(p))) {
		long long v;
		st = read_int(p, 0, 0xFFFFFFFFLL, &v, "expected a version number");
		if (st)
			return st;
		st = expect(p, ',', "expected ',' after the aggregate function version");
		if (st)
			return st;
		st = read_function(p, t);
		t->version = (unsigned int)v; /* an explicit version wins, 0 included */
	} else {
		st = read_function(p, t);
	}
	if (st)
		return st;
	int more;
	st = next_arg(p, &more, "expected ',' or ')' after the aggregate function");
	while (!st && more) {
		migplan_chtype *arg;
		st = parse_type(p, &arg);
		if (st)
			return st;
		if (add_child(t, arg, (chstr){NULL, 0}))
			return oom();
		st = next_arg(p, &more, "expected ',' or ')' after an argument type");
	}
	if (!st && t->kind == MIGPLAN_CHTYPE_SIMPLE_AGGREGATE_FUNCTION && !t->child_count)
		return fail_at(p, p->pos - 1, "SimpleAggregateFunction needs an argument type");
	return st;
}

/* ---- argument forms ------------------------------------------------------------------ */

/* Optional arguments ClickHouse accepts and forgets: MySQL's display width of integers
 * (INT(11), and SET('a') as UInt64), FLOAT(p, s), VARCHAR(n) (a number only). */
static migplan_status parse_ignored_args(parser *p, size_t max, int numbers_only, const char *what)
{
	if (!accept(p, '(') || accept(p, ')'))
		return MIGPLAN_OK;
	char msg[96];
	for (size_t n = 1;; n++) {
		long long v;
		migplan_status st;
		skip_ws(p);
		if (!numbers_only && peek(p) == '\'') {
			chstr ignored;
			st = read_quoted(p, &ignored);
			if (!st)
				free(ignored.ptr);
		} else {
			snprintf(msg, sizeof(msg), "expected a number in the arguments of %s", what);
			st = read_int(p, 0, 9223372036854775807LL, &v, msg);
		}
		if (st)
			return st;
		int more;
		st = next_arg(p, &more, "expected ',' or ')'");
		if (st)
			return st;
		if (!more)
			return MIGPLAN_OK;
		if (n == max) {
			snprintf(msg, sizeof(msg), "%s takes at most %zu argument%s", what, max,
			         max == 1 ? "" : "s");
			return fail(p, msg);
		}
	}
}

static migplan_status parse_no_args(parser *p, const char *name)
{
	skip_ws(p);
	if (peek(p) != '(')
		return MIGPLAN_OK;
	char msg[96];
	snprintf(msg, sizeof(msg), "%s takes no arguments", name);
	return fail(p, msg);
}

static migplan_status parse_fixed(parser *p, migplan_chtype *t)
{
	long long n;
	migplan_status st = expect(p, '(', "expected '(' and a length after FixedString");
	if (!st)
		st = read_int(p, 1, 0xFFFFFF, &n, "expected a positive length for FixedString");
	if (!st)
		st = expect(p, ')', "expected ')' after the FixedString length");
	if (!st)
		t->length = (unsigned int)n;
	return st;
}

/* Decimal -> (10, 0); Decimal(P) -> (P, 0); Decimal(P, S); DecimalN(S) -> (precision of N, S). */
static migplan_status parse_decimal(parser *p, migplan_chtype *t, const family *f)
{
	long long prec = 10, scale = 0;
	migplan_status st = MIGPLAN_OK;
	size_t at = p->pos;
	if (f->form == F_DECIMAL_N) {
		prec = f->bits;
		st = expect(p, '(', "expected '(' and a scale");
		at = p->pos;
		if (!st)
			st = read_int(p, 0, 9223372036854775807LL, &scale, "expected a scale");
		if (!st)
			st = expect(p, ')', "expected ')' after the scale");
	} else if (accept(p, '(')) {
		skip_ws(p);
		at = p->pos;
		st = read_int(p, 1, 76, &prec, "expected a precision from 1 to 76");
		int more = 0;
		if (!st)
			st = next_arg(p, &more, "expected ',' or ')' after the precision");
		if (!st && more) {
			skip_ws(p);
			at = p->pos;
			st = read_int(p, 0, 9223372036854775807LL, &scale, "expected a scale");
			if (!st)
				st = next_arg(p, &more, "expected ')' after the scale");
			if (!st && more)
				st = fail(p, "Decimal takes at most 2 arguments");
		}
	}
	if (st)
		return st;
	if (scale > prec)
		return fail_at(p, at, "the scale of a Decimal must not exceed its precision");
	t->precision = (unsigned int)prec;
	t->scale = (unsigned int)scale;
	return MIGPLAN_OK;
}

static migplan_status read_tz(parser *p, migplan_chtype *t)
{
	chstr tz;
	migplan_status st = read_string(p, &tz, "expected a time zone in single quotes");
	if (st)
		return st;
	if (memchr(tz.ptr, '\0', tz.len)) {
		free(tz.ptr);
		return fail(p, "a time zone cannot contain a NUL byte");
	}
	if (!tz.len) {
		free(tz.ptr); /* '' is the server's time zone: ClickHouse reports no argument */
		return MIGPLAN_OK;
	}
	t->tz = tz.ptr;
	return MIGPLAN_OK;
}

static migplan_status parse_datetime(parser *p, migplan_chtype *t)
{
	if (!accept(p, '('))
		return MIGPLAN_OK;
	migplan_status st = read_tz(p, t);
	if (st)
		return st;
	int more;
	st = next_arg(p, &more, "expected ')' after the time zone");
	if (!st && more)
		st = fail(p, "DateTime takes one argument, the time zone");
	return st;
}

static migplan_status parse_datetime64(parser *p, migplan_chtype *t)
{
	t->precision = 3; /* a bare DateTime64 is DateTime64(3) */
	if (!accept(p, '('))
		return MIGPLAN_OK;
	long long prec;
	migplan_status st = read_int(p, 0, 9, &prec, "expected a precision from 0 to 9");
	if (st)
		return st;
	t->precision = (unsigned int)prec;
	int more;
	st = next_arg(p, &more, "expected ',' or ')' after the precision");
	if (!st && more) {
		st = read_tz(p, t);
		if (!st)
			st = next_arg(p, &more, "expected ')' after the time zone");
		if (!st && more)
			st = fail(p, "DateTime64 takes at most 2 arguments");
	}
	return st;
}

static void sort_members(migplan_chtype *t)
{
	for (size_t i = 1; i < t->enum_count; i++) {
		chmember m = t->members[i];
		size_t j = i;
		for (; j > 0 && t->members[j - 1].value > m.value; j--)
			t->members[j] = t->members[j - 1];
		t->members[j] = m;
	}
}

/* Member values: either all explicit, all implicit (1, 2, ...), or only the first one
 * different from the rest. An explicit first value v numbers the rest v+1, v+2, ...;
 * an implicit first member before explicit ones is 1. Anything else ClickHouse refuses. */
static migplan_status number_members(parser *p, migplan_chtype *t, const int *explicit_,
                                     const size_t *at)
{
	size_t n = t->enum_count, n_explicit = 0;
	for (size_t i = 0; i < n; i++)
		n_explicit += explicit_[i] != 0;
	if (n_explicit == 0) {
		for (size_t i = 0; i < n; i++)
			t->members[i].value = (int)(i + 1);
	} else if (n_explicit != n) {
		int first_only = explicit_[0] ? n_explicit == 1 : n_explicit == n - 1;
		if (!first_only) {
			size_t bad = 1;
			while (bad < n && (explicit_[bad] != 0) == (explicit_[1] != 0))
				bad++;
			return fail_at(p, at[bad < n ? bad : 1],
			               "Enum members must all have values or all have none "
			               "(only the first one may differ)");
		}
		if (explicit_[0]) {
			for (size_t i = 1; i < n; i++) {
				if (t->members[i - 1].value == 32767)
					return fail_at(p, at[i], "Enum value out of range");
				t->members[i].value = t->members[i - 1].value + 1;
			}
		} else {
			t->members[0].value = 1;
		}
	}
	return MIGPLAN_OK;
}

static migplan_status check_members(parser *p, migplan_chtype *t, const size_t *at)
{
	int lo = -128, hi = 127;
	if (t->kind == MIGPLAN_CHTYPE_ENUM16 || !strcmp(t->name, "Enum")) {
		lo = -32768;
		hi = 32767;
	}
	for (size_t i = 0; i < t->enum_count; i++) {
		const chmember *m = &t->members[i];
		if (m->value < lo || m->value > hi)
			return fail_at(p, at[i], t->kind == MIGPLAN_CHTYPE_ENUM8
			                             ? "Enum8 value out of range -128..127"
			                             : "Enum16 value out of range -32768..32767");
		for (size_t j = 0; j < i; j++) {
			if (!chstr_cmp(&t->members[j].name, &m->name))
				return fail_at(p, at[i], "duplicate Enum member name");
			if (t->members[j].value == m->value)
				return fail_at(p, at[i], "duplicate Enum value");
		}
	}
	return MIGPLAN_OK;
}

static migplan_status enum_members(parser *p, migplan_chtype *t, int **explicit_, size_t **at)
{
	size_t cap = 0;
	for (;;) {
		skip_ws(p);
		if (t->enum_count == cap) {
			cap = cap ? cap * 2 : 8;
			int *e = realloc(*explicit_, cap * sizeof(*e));
			if (e)
				*explicit_ = e;
			size_t *a = e ? realloc(*at, cap * sizeof(*a)) : NULL;
			if (!a)
				return oom();
			*at = a;
		}
		(*at)[t->enum_count] = p->pos;
		chstr name;
		migplan_status st = read_string(p, &name, "expected an Enum member name in single quotes");
		if (st)
			return st;
		long long v = 0;
		int has = accept(p, '=');
		if (has) {
			st = read_int(p, -32768, 32767, &v, "expected an integer Enum value");
			if (st) {
				free(name.ptr);
				return st;
			}
		}
		(*explicit_)[t->enum_count] = has;
		if (add_member(t, name, (int)v))
			return oom();
		int more;
		st = next_arg(p, &more, "expected ',' or ')' after an Enum member");
		if (st || !more)
			return st;
	}
}

static migplan_status parse_enum(parser *p, migplan_chtype *t)
{
	size_t open = p->pos;
	migplan_status st = expect(p, '(', "expected '(' and members after Enum");
	if (st)
		return st;
	if (accept(p, ')'))
		return fail_at(p, open, "an Enum needs at least one member");
	int *explicit_ = NULL;
	size_t *at = NULL;
	st = enum_members(p, t, &explicit_, &at);
	if (!st)
		st = number_members(p, t, explicit_, at);
	if (!st)
		st = check_members(p, t, at);
	free(explicit_);
	free(at);
	if (st)
		return st;
	if (!strcmp(t->name, "Enum")) {
		/* ClickHouse picks Enum8 when every value fits in Int8 */
		int wide = 0;
		for (size_t i = 0; i < t->enum_count; i++)
			wide |= t->members[i].value < -128 || t->members[i].value > 127;
		char *name = dupn(wide ? "Enum16" : "Enum8", wide ? 6 : 5);
		if (!name)
			return oom();
		free(t->name);
		t->name = name;
		t->kind = wide ? MIGPLAN_CHTYPE_ENUM16 : MIGPLAN_CHTYPE_ENUM8;
	}
	sort_members(t);
	return MIGPLAN_OK;
}

/* Array(T), Nullable(T), LowCardinality(T), Map(K, V), Variant(T, ...). */
static migplan_status parse_types(parser *p, migplan_chtype *t, size_t min, size_t max)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "expected '(' after %s", t->name);
	size_t open = p->pos;
	migplan_status st = expect(p, '(', msg);
	if (st)
		return st;
	int more = !accept(p, ')');
	while (more) {
		if (t->child_count == max) {
			snprintf(msg, sizeof(msg), "%s takes %zu type argument%s", t->name, max,
			         max == 1 ? "" : "s");
			return fail(p, msg);
		}
		migplan_chtype *c;
		st = parse_type(p, &c);
		if (st)
			return st;
		if (add_child(t, c, (chstr){NULL, 0}))
			return oom();
		st = next_arg(p, &more, "expected ',' or ')' after a type argument");
		if (st)
			return st;
	}
	if (t->child_count < min) {
		if (min == max)
			snprintf(msg, sizeof(msg), "%s takes %zu type argument%s", t->name, min,
			         min == 1 ? "" : "s");
		else
			snprintf(msg, sizeof(msg), "%s needs at least %zu type argument%s", t->name, min,
			         min == 1 ? "" : "s");
		return fail_at(p, open, msg);
	}
	return MIGPLAN_OK;
}

/* Variant members are sorted by name and deduplicated, as ClickHouse does. */
static migplan_status sort_variant(migplan_chtype *t)
{
	size_t n = t->child_count;
	chstr *names = calloc(n ? n : 1, sizeof(*names));
	if (!names)
		return oom();
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		migplan__sb b = MIGPLAN__SB_INIT;
		render(&b, t->children[i]);
		failed |= b.failed || !b.ptr;
		names[i].ptr = b.ptr;
		names[i].len = b.len;
	}
	if (!failed) {
		for (size_t i = 1; i < n; i++) {
			chstr k = names[i];
			migplan_chtype *c = t->children[i];
			size_t j = i;
			for (; j > 0 && chstr_cmp(&names[j - 1], &k) > 0; j--) {
				names[j] = names[j - 1];
				t->children[j] = t->children[j - 1];
			}
			names[j] = k;
			t->children[j] = c;
		}
		size_t w = 0;
		for (size_t i = 0; i < n; i++) {
			if (w && !chstr_cmp(&names[w - 1], &names[i])) {
				migplan_chtype_free(t->children[i]);
				free(names[i].ptr);
				continue;
			}
			t->children[w] = t->children[i];
			names[w++] = names[i];
		}
		t->child_count = w;
	}
	for (size_t i = 0; i < t->child_count; i++)
		free(names[i].ptr);
	free(names);
	return failed ? oom() : MIGPLAN_OK;
}

/* One Tuple or Nested element: `name Type` or just `Type`. A name is a word (or quoted
 * name) followed by something that starts a type, as in ClickHouse's NameTypePair. */
static migplan_status parse_element(parser *p, chstr *name, migplan_chtype **type)
{
	skip_ws(p);
	name->ptr = NULL;
	name->len = 0;
	size_t save = p->pos;
	if (at_name(p)) {
		migplan_status st = read_name(p, name);
		if (st)
			return st;
		size_t after = p->pos;
		skip_ws(p);
		if (word_len(p) && (after != p->pos || p->s[save] == '`' || p->s[save] == '"'))
			return parse_type(p, type);
		free(name->ptr);
		name->ptr = NULL;
		p->pos = save;
	}
	return parse_type(p, type);
}

static migplan_status check_element_name(parser *p, const migplan_chtype *t, const chstr *name,
                                         size_t at)
{
	if (!name->ptr) {
		if (t->kind == MIGPLAN_CHTYPE_NESTED)
			return fail_at(p, at, "expected a column name in Nested");
		if (t->child_count && t->child_names[0].ptr)
			return fail_at(p, at, "Tuple elements must all be named or all unnamed");
		return MIGPLAN_OK;
	}
	if (!name->len)
		return fail_at(p, at, "an element name cannot be empty");
	if (t->child_count && !t->child_names[0].ptr)
		return fail_at(p, at, "Tuple elements must all be named or all unnamed");
	if (eqn(name->ptr, name->len, "null"))
		return fail_at(p, at, "the element name 'null' is reserved by ClickHouse");
	for (size_t i = 0; i < t->child_count; i++)
		if (!chstr_cmp(&t->child_names[i], name))
			return fail_at(p, at, "duplicate element name");
	return MIGPLAN_OK;
}

/* Tuple(a T, b U) / Tuple(T, U) / Tuple(); Nested(a T, ...). */
static migplan_status parse_elements(parser *p, migplan_chtype *t)
{
	int nested = t->kind == MIGPLAN_CHTYPE_NESTED;
	size_t open = p->pos;
	migplan_status st = expect(p, '(', nested ? "expected '(' after Nested"
	                                          : "expected '(' after Tuple");
	if (st)
		return st;
	int more = !accept(p, ')');
	while (more) {
		skip_ws(p);
		size_t at = p->pos;
		chstr name;
		migplan_chtype *c = NULL;
		st = parse_element(p, &name, &c);
		if (!st)
			st = check_element_name(p, t, &name, at);
		if (st) {
			migplan_chtype_free(c);
			free(name.ptr);
			return st;
		}
		if (add_child(t, c, name))
			return oom();
		st = next_arg(p, &more, "expected ',' or ')' after an element");
		if (st)
			return st;
	}
	if (nested && !t->child_count)
		return fail_at(p, open, "Nested needs at least one column");
	return MIGPLAN_OK;
}

/* A JSON path: name parts separated by dots, each bare or quoted (`a`.`b` is a.b). */
static migplan_status read_path(parser *p, chstr *out)
{
	migplan__sb b = MIGPLAN__SB_INIT;
	for (;;) {
		chstr part;
		skip_ws(p);
		if (!at_name(p)) {
			free(b.ptr);
			return fail(p, "expected a JSON path");
		}
		migplan_status st = read_name(p, &part);
		if (st) {
			free(b.ptr);
			return st;
		}
		migplan__sb_append(&b, part.ptr, part.len);
		free(part.ptr);
		if (peek(p) != '.')
			break;
		p->pos++;
		migplan__sb_putc(&b, '.');
	}
	if (b.failed || !b.ptr) {
		free(b.ptr);
		return oom();
	}
	out->ptr = b.ptr;
	out->len = b.len;
	return MIGPLAN_OK;
}

static migplan_status json_setting(parser *p, migplan_chtype *t, const chstr *name, size_t at)
{
	long long v;
	int types = eqn(name->ptr, name->len, "max_dynamic_types");
	if (!types && !eqn(name->ptr, name->len, "max_dynamic_paths"))
		return fail_at(p, at, "expected max_dynamic_paths or max_dynamic_types");
	migplan_status st = types ? read_int(p, 0, 254, &v, "expected a number from 0 to 254")
	                          : read_int(p, 0, 10000, &v, "expected a number from 0 to 10000");
	if (st)
		return st;
	/* the defaults (32 types, 1024 paths) are not written */
	if (types)
		t->max_types = v == 32 ? -1 : v;
	else
		t->max_paths = v == 1024 ? -1 : v;
	return MIGPLAN_OK;
}

static migplan_status json_item(parser *p, migplan_chtype *t)
{
	skip_ws(p);
	size_t at = p->pos;
	size_t n = word_len(p);
	if (n && ci_eqn(p->s + p->pos, n, "SKIP")) {
		p->pos += n;
		chstr s;
		migplan_status st;
		int regexp = accept_words(p, "REGEXP");
		if (regexp)
			st = read_string(p, &s, "expected a regular expression in single quotes");
		else
			st = read_path(p, &s);
		if (st)
			return st;
		return add_skip(t, regexp, s) ? oom() : MIGPLAN_OK;
	}
	chstr path;
	migplan_status st = read_path(p, &path);
	if (st)
		return st;
	if (accept(p, '=')) {
		st = json_setting(p, t, &path, at);
		free(path.ptr);
		return st;
	}
	for (size_t i = 0; i < t->child_count; i++) {
		if (!chstr_cmp(&t->child_names[i], &path)) {
			free(path.ptr);
			return fail_at(p, at, "duplicate JSON path");
		}
	}
	migplan_chtype *c;
	st = parse_type(p, &c);
	if (st) {
		free(path.ptr);
		return st;
	}
	return add_child(t, c, path) ? oom() : MIGPLAN_OK;
}

static int skip_before(const chskip *a, const chskip *b)
{
	if (a->regexp != b->regexp)
		return !a->regexp;
	return chstr_cmp(&a->text, &b->text) < 0;
}

/* DataTypeObject keeps typed paths and SKIP paths in sorted sets and sorts the SKIP
 * REGEXPs (duplicates of which it keeps): SKIP paths first, then the regexps. */
static void sort_json(migplan_chtype *t)
{
	for (size_t i = 1; i < t->child_count; i++) {
		chstr k = t->child_names[i];
		migplan_chtype *c = t->children[i];
		size_t j = i;
		for (; j > 0 && chstr_cmp(&t->child_names[j - 1], &k) > 0; j--) {
			t->child_names[j] = t->child_names[j - 1];
			t->children[j] = t->children[j - 1];
		}
		t->child_names[j] = k;
		t->children[j] = c;
	}
	for (size_t i = 1; i < t->skip_count; i++) {
		chskip k = t->skips[i];
		size_t j = i;
		for (; j > 0 && skip_before(&k, &t->skips[j - 1]); j--)
			t->skips[j] = t->skips[j - 1];
		t->skips[j] = k;
	}
	size_t w = 0;
	for (size_t i = 0; i < t->skip_count; i++) {
		const chskip *k = &t->skips[i];
		if (w && !k->regexp && !t->skips[w - 1].regexp &&
		    !chstr_cmp(&t->skips[w - 1].text, &k->text)) {
			free(k->text.ptr);
			continue;
		}
		t->skips[w++] = *k;
	}
	t->skip_count = w;
}

static migplan_status parse_json(parser *p, migplan_chtype *t)
{
	if (!accept(p, '('))
		return MIGPLAN_OK;
	int more = !accept(p, ')');
	while (more) {
		migplan_status st = json_item(p, t);
		if (!st)
			st = next_arg(p, &more, "expected ',' or ')' after a JSON parameter");
		if (st)
			return st;
	}
	sort_json(t);
	return MIGPLAN_OK;
}

static migplan_status parse_dynamic(parser *p, migplan_chtype *t)
{
	if (!accept(p, '(') || accept(p, ')'))
		return MIGPLAN_OK;
	skip_ws(p);
	size_t n = word_len(p);
	if (!n || !eqn(p->s + p->pos, n, "max_types"))
		return fail(p, "expected max_types=N");
	p->pos += n;
	long long v;
	migplan_status st = expect(p, '=', "expected '=' after max_types");
	if (!st)
		st = read_int(p, 0, 254, &v, "expected a number from 0 to 254");
	int more;
	if (!st)
		st = next_arg(p, &more, "expected ')' after max_types");
	if (!st && more)
		st = fail(p, "Dynamic takes one parameter, max_types");
	if (!st)
		t->max_types = v == 32 ? -1 : v; /* the default is not written */
	return st;
}

/* ---- OTHER: types this library does not model, kept as text ---------------------------- */

/* Copies balanced parentheses verbatim except for whitespace outside quotes, which is
 * normalised the way ClickHouse prints arguments: none inside the parentheses, one after
 * a comma, one between words. */
static migplan_status copy_balanced(parser *p, migplan__sb *b)
{
	size_t open = p->pos;
	int depth = 0, space = 0;
	for (;;) {
		if (p->pos >= p->len)
			return fail_at(p, open, "unbalanced '(' in the arguments of a type");
		int c = peek(p);
		if (is_space(c)) {
			space = 1;
			p->pos++;
			continue;
		}
		char last = b->len ? b->ptr[b->len - 1] : '(';
		if (space && last != '(' && c != ')' && c != ',')
			migplan__sb_putc(b, ' ');
		space = 0;
		if (c == '\'' || c == '`' || c == '"') {
			size_t start = p->pos;
			chstr s;
			migplan_status st = read_quoted(p, &s);
			if (st)
				return st;
			free(s.ptr);
			migplan__sb_append(b, p->s + start, p->pos - start);
			continue;
		}
		migplan__sb_putc(b, (char)c);
		p->pos++;
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			return MIGPLAN_OK;
		else if (c == ',')
			space = 1;
	}
}

static migplan_status parse_other(parser *p, migplan_chtype *t, size_t start, const char *name)
{
	migplan__sb b = MIGPLAN__SB_INIT;
	if (name)
		migplan__sb_puts(&b, name);
	else
		migplan__sb_append(&b, p->s + start, p->pos - start);
	skip_ws(p);
	migplan_status st = MIGPLAN_OK;
	if (peek(p) == '(')
		st = copy_balanced(p, &b);
	if (st || b.failed) {
		free(b.ptr);
		return st ? st : oom();
	}
	t->text = b.ptr;
	return MIGPLAN_OK;
}

/* ---- family names -------------------------------------------------------------------- */

/* ParserDataType reads several words only after certain first words: NATIONAL CHAR...,
 * CHAR/BINARY/NCHAR VARYING or LARGE OBJECT, DOUBLE PRECISION, and SIGNED/UNSIGNED (plus a
 * MySQL display width like INT(11), dropped) after any name containing INT. Returns the
 * upper-cased suffix to append, or NULL. */
static const char *name_suffix(parser *p, const char *name, size_t n, migplan_status *st)
{
	static const char *const national[] = {
		"CHARACTER LARGE OBJECT", "CHARACTER VARYING", "CHAR VARYING", "CHARACTER", "CHAR",
	};
	static const char *const chars[] = {"LARGE OBJECT", "VARYING"};
	*st = MIGPLAN_OK;
	if (ci_eqn(name, n, "NATIONAL")) {
		for (size_t i = 0; i < COUNT_OF(national); i++)
			if (accept_words(p, national[i]))
				return national[i];
		return NULL;
	}
	if (ci_eqn(name, n, "BINARY") || ci_eqn(name, n, "CHARACTER") || ci_eqn(name, n, "CHAR") ||
	    ci_eqn(name, n, "NCHAR")) {
		for (size_t i = 0; i < COUNT_OF(chars); i++)
			if (accept_words(p, chars[i]))
				return chars[i];
		return NULL;
	}
	if (ci_eqn(name, n, "DOUBLE"))
		return accept_words(p, "PRECISION") ? "PRECISION" : NULL;
	int has_int = 0;
	for (size_t i = 0; i + 3 <= n; i++)
		has_int |= ci_eqn(name + i, 3, "INT");
	if (!has_int)
		return NULL;
	if (accept_words(p, "SIGNED"))
		return "SIGNED";
	if (accept_words(p, "UNSIGNED"))
		return "UNSIGNED";
	if (accept(p, '(')) {
		long long w;
		skip_ws(p);
		if (is_digit(peek(p)))
			*st = read_int(p, 0, 9223372036854775807LL, &w, "expected a display width");
		if (!*st)
			*st = expect(p, ')', "expected ')' after the display width");
		if (*st)
			return NULL;
		if (accept_words(p, "SIGNED"))
			return "SIGNED";
		if (accept_words(p, "UNSIGNED"))
			return "UNSIGNED";
	}
	return NULL;
}

static migplan_status parse_args(parser *p, migplan_chtype *t, const family *f)
{
	switch (f->form) {
	case F_INT: return parse_ignored_args(p, 1, 0, f->name);
	case F_FLOAT: return parse_ignored_args(p, 2, 0, f->name);
	case F_STRING: return parse_ignored_args(p, 1, 1, f->name);
	case F_FIXED: return parse_fixed(p, t);
	case F_DECIMAL:
	case F_DECIMAL_N: return parse_decimal(p, t, f);
	case F_DATETIME: return parse_datetime(p, t);
	case F_DATETIME64: return parse_datetime64(p, t);
	case F_ENUM:
	case F_ENUM8:
	case F_ENUM16: return parse_enum(p, t);
	case F_ONE: return parse_types(p, t, 1, 1);
	case F_MAP: return parse_types(p, t, 2, 2);
	case F_VARIANT: {
		migplan_status st = parse_types(p, t, 1, (size_t)-1);
		return st ? st : sort_variant(t);
	}
	case F_TUPLE:
	case F_NESTED: return parse_elements(p, t);
	case F_JSON: return parse_json(p, t);
	case F_DYNAMIC: return parse_dynamic(p, t);
	case F_AGG:
	case F_SAF: return parse_aggregate(p, t);
	default: return parse_no_args(p, f->name);
	}
}

static migplan_status parse_family(parser *p, migplan_chtype **out, size_t start, size_t n)
{
	const char *word = p->s + start;
	migplan_status st;
	const char *suffix = name_suffix(p, word, n, &st);
	if (st)
		return st;
	char full[64];
	const family *f;
	if (suffix) {
		if (n + strlen(suffix) + 2 > sizeof(full)) {
			f = NULL;
		} else {
			for (size_t i = 0; i < n; i++)
				full[i] = (char)(word[i] >= 'a' && word[i] <= 'z' ? word[i] - 32 : word[i]);
			full[n] = ' ';
			strcpy(full + n + 1, suffix);
			f = family_find(full, strlen(full));
		}
	} else {
		f = family_find(word, n);
	}
	migplan_chtype *t;
	if (!f || f->form == F_UNMODELED) {
		/* the family as written (all its words) unless ClickHouse knows a canonical spelling */
		if (f)
			t = node_new(MIGPLAN_CHTYPE_OTHER, f->name);
		else
			t = node_newn(MIGPLAN_CHTYPE_OTHER, word, p->pos - start);
		if (!t)
			return oom();
		st = parse_other(p, t, start, f ? f->name : NULL);
	} else {
		/* Decimal32(S) ... are reported as Decimal(P, S) */
		t = node_new((migplan_chtype_kind)f->kind, f->form == F_DECIMAL_N ? "Decimal" : f->name);
		if (!t)
			return oom();
		t->bits = f->kind == MIGPLAN_CHTYPE_INT || f->kind == MIGPLAN_CHTYPE_FLOAT ? f->bits : 0;
		t->is_signed = f->is_signed;
		st = parse_args(p, t, f);
	}
	if (st) {
		migplan_chtype_free(t);
		return st;
	}
	*out = t;
	return MIGPLAN_OK;
}

static migplan_status parse_type(parser *p, migplan_chtype **out)
{
	*out = NULL;
	skip_ws(p);
	if (++p->depth > MAX_DEPTH)
		return fail(p, "type nested too deeply");
	size_t start = p->pos;
	size_t n = word_len(p);
	if (!n)
		return fail(p, p->pos >= p->len ? "expected a type name, found the end of the text"
		                                : "expected a type name");
	p->pos += n;
	migplan_status st = parse_family(p, out, start, n);
	p->depth--;
	return st;
}

migplan_status migplan_chtype_parse(migplan_chtype **out, const char *text, size_t len)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_parse: out is NULL");
	*out = NULL;
	if (!text)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_parse: text is NULL");
	parser p = {text, len, 0, 0};
	/* a raw NUL would end the C strings that unmodelled types are kept and rendered as
	 * (ClickHouse's lexer refuses it too); an escaped '\0' in a quoted name is fine */
	const char *nul = memchr(text, '\0', len);
	if (nul)
		return fail_at(&p, (size_t)(nul - text), "NUL byte in a type");
	migplan_chtype *t;
	migplan_status st = parse_type(&p, &t);
	if (st)
		return st;
	skip_ws(&p);
	if (p.pos < p.len) {
		migplan_chtype_free(t);
		return fail(&p, "unexpected text after the type");
	}
	*out = t;
	return MIGPLAN_OK;
}

migplan_status migplan_chtype_normalize(const char *text, char **out)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_normalize: out is NULL");
	*out = NULL;
	if (!text)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_normalize: text is NULL");
	migplan_chtype *t;
	migplan_status st = migplan_chtype_parse(&t, text, strlen(text));
	if (st)
		return st;
	st = migplan_chtype_render(t, out);
	migplan_chtype_free(t);
	return st;
}

/* ---- copy and compare ---------------------------------------------------------------- */

static int copy_str(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = dupn(src, strlen(src));
	return *dst ? 0 : -1;
}

static int copy_chstr(chstr *dst, const chstr *src)
{
	dst->len = src->len;
	dst->ptr = NULL;
	if (!src->ptr)
		return 0;
	dst->ptr = dupn(src->ptr, src->len);
	return dst->ptr ? 0 : -1;
}

static migplan_chtype *copy_tree(const migplan_chtype *t)
{
	migplan_chtype *c = node_new(t->kind, t->name);
	if (!c)
		return NULL;
	c->bits = t->bits;
	c->is_signed = t->is_signed;
	c->precision = t->precision;
	c->scale = t->scale;
	c->length = t->length;
	c->version = t->version;
	c->max_types = t->max_types;
	c->max_paths = t->max_paths;
	int bad = copy_str(&c->text, t->text) | copy_str(&c->tz, t->tz) |
	          copy_str(&c->function, t->function);
	for (size_t i = 0; !bad && i < t->child_count; i++) {
		chstr name = {NULL, 0};
		migplan_chtype *child = copy_tree(t->children[i]);
		bad = !child || copy_chstr(&name, &t->child_names[i]);
		if (!bad)
			bad = add_child(c, child, name);
		else
			migplan_chtype_free(child);
	}
	for (size_t i = 0; !bad && i < t->enum_count; i++) {
		chstr name;
		bad = copy_chstr(&name, &t->members[i].name) ||
		      add_member(c, name, t->members[i].value);
	}
	for (size_t i = 0; !bad && i < t->skip_count; i++) {
		chstr text;
		bad = copy_chstr(&text, &t->skips[i].text) || add_skip(c, t->skips[i].regexp, text);
	}
	if (bad) {
		migplan_chtype_free(c);
		return NULL;
	}
	return c;
}

migplan_status migplan_chtype_copy(migplan_chtype **out, const migplan_chtype *t)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_copy: out is NULL");
	*out = NULL;
	if (!t)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chtype_copy: type is NULL");
	*out = copy_tree(t);
	return *out ? MIGPLAN_OK : oom();
}

/* Trees are normalised when built, so the canonical text decides. */
int migplan_chtype_equal(const migplan_chtype *a, const migplan_chtype *b)
{
	if (!a || !b)
		return a == b;
	migplan__sb x = MIGPLAN__SB_INIT, y = MIGPLAN__SB_INIT;
	render(&x, a);
	render(&y, b);
	int same = !x.failed && !y.failed && x.len == y.len &&
	           (!x.len || !memcmp(x.ptr, y.ptr, x.len));
	free(x.ptr);
	free(y.ptr);
	return same;
}

/* ---- accessors ----------------------------------------------------------------------- */

migplan_chtype_kind migplan_chtype_kind_of(const migplan_chtype *t)
{
	return t ? t->kind : MIGPLAN_CHTYPE_OTHER;
}

const char *migplan_chtype_name(const migplan_chtype *t)
{
	return t ? t->name : NULL;
}

unsigned int migplan_chtype_bits(const migplan_chtype *t)
{
	return t ? t->bits : 0;
}

int migplan_chtype_is_signed(const migplan_chtype *t)
{
	return t ? t->is_signed : 0;
}

unsigned int migplan_chtype_precision(const migplan_chtype *t)
{
	return t ? t->precision : 0;
}

unsigned int migplan_chtype_scale(const migplan_chtype *t)
{
	return t ? t->scale : 0;
}

unsigned int migplan_chtype_length(const migplan_chtype *t)
{
	return t ? t->length : 0;
}

const char *migplan_chtype_timezone(const migplan_chtype *t)
{
	return t ? t->tz : NULL;
}

/* JSON's typed paths count as its children (named by path). */
size_t migplan_chtype_child_count(const migplan_chtype *t)
{
	return t ? t->child_count : 0;
}

const migplan_chtype *migplan_chtype_child_at(const migplan_chtype *t, size_t i)
{
	return t && i < t->child_count ? t->children[i] : NULL;
}

const char *migplan_chtype_child_name(const migplan_chtype *t, size_t i)
{
	return t && i < t->child_count ? t->child_names[i].ptr : NULL;
}

size_t migplan_chtype_enum_count(const migplan_chtype *t)
{
	return t ? t->enum_count : 0;
}

const char *migplan_chtype_enum_name(const migplan_chtype *t, size_t i)
{
	return t && i < t->enum_count ? t->members[i].name.ptr : NULL;
}

int migplan_chtype_enum_value(const migplan_chtype *t, size_t i)
{
	return t && i < t->enum_count ? t->members[i].value : 0;
}

const char *migplan_chtype_function(const migplan_chtype *t)
{
	return t ? t->function : NULL;
}
