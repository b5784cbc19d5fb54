/* The type-change judge: is a change of a column's ClickHouse type (and of its DEFAULT,
 * MATERIALIZED, ALIAS, CODEC, TTL and COMMENT) safe?
 *
 * Safe means: every value the old type can hold survives with the same meaning, and reads,
 * `=` comparisons with literals, ORDER BY, a round trip back to the old type and a dump and
 * restore as text all behave as before. Each rule below was checked on the engine itself
 * (ClickHouse 26.7 through chDB, tests/chdb); tests/data/typechange/observed.tsv holds what the
 * engine did for every pair, and the comments say where it differs from the usual belief:
 *
 *   - Float32 -> Float64 is not safe: the same binary value prints with more digits
 *     (0.1 reads as 0.10000000149011612) and `v = '0.1'` stops matching.
 *   - Decimal precision is only half enforced: CAST and ALTER check the storage width
 *     (P 1-9, 10-18, 19-38, 39-76), so Decimal(9, 2) -> Decimal(8, 2) keeps 9999999.99 and is
 *     even metadata-only, but the TSV/CSV parsers check the declared precision, so that value
 *     can no longer be restored from a dump. The judge follows the declared precision.
 *   - DateTime -> DateTime64(0) is safe; any DateTime time-zone change alters what rows read.
 *   - Date -> DateTime, Bool -> UInt8, Enum -> Int8, IPv4 -> IPv6: every value survives but
 *     reads as other text.
 *   - Enum -> String is safe only when the member names sort like their values.
 *   - Renaming an Enum member is metadata-only and silently changes what rows read; removing
 *     one leaves rows that can no longer be read at all.
 *   - Nullable(T) -> T is refused by the ALTER; inside Array/Map it is accepted and the
 *     mutation then fails on the first NULL.
 *   - Named tuples convert by element name: renaming an element turns its values into
 *     defaults.
 *   - A DEFAULT or MATERIALIZED change rewrites what rows read when they sit in parts written
 *     before the column existed; adding or changing a TTL resets expired values.
 *
 * The library never prints; everything is returned in the verdict. */
#include "migplan/typechange.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct migplan_type_change {
	migplan_verdict verdict;
	migplan_change_cause cause;
	int in_place;
	int key_refused;
	char *reason;
	char *example;
	char *from;
	char *to;
};

/* What the recursive rules found. The first destructive rule wins. */
typedef struct finding {
	migplan_change_cause cause;
	int refused;      /* ClickHouse refuses the ALTER before it touches data */
	char reason[768];
	char example[384];
} finding;

#define TYPE_TEXT 512

/* ---- small helpers ------------------------------------------------------------------ */

/* snprintf for sentences: cutting a long type name short is fine, so truncation is not an
 * error here (a wrapper also keeps -Wformat-truncation from flagging every sentence). */
static void text(char *dst, size_t cap, const char *fmt, ...) MIGPLAN__PRINTF(3, 4);
static void text(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
}

/* The canonical spelling of t, cut to fit (it is only used inside sentences). */
static void type_text(char *dst, size_t cap, const migplan_chtype *t)
{
	char *s = NULL;
	if (migplan_chtype_render(t, &s) != MIGPLAN_OK || !s) {
		text(dst, cap, "%s", migplan_chtype_name(t) ? migplan_chtype_name(t) : "?");
		migplan_error_clear();
	} else {
		text(dst, cap, "%s", s);
	}
	free(s);
}

static int same_text(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static migplan_chtype_kind kind(const migplan_chtype *t)
{
	return migplan_chtype_kind_of(t);
}

static const migplan_chtype *child(const migplan_chtype *t)
{
	return migplan_chtype_child_at(t, 0);
}

/* Record a destructive finding unless one is already there. */
static void bad(finding *f, migplan_change_cause cause, int refused, const char *where,
                const char *example, const char *fmt, ...) MIGPLAN__PRINTF(6, 7);
static void bad(finding *f, migplan_change_cause cause, int refused, const char *where,
                const char *example, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	if (f->cause != MIGPLAN_CAUSE_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->cause = cause;
	f->refused = refused;
	if (where && *where)
		text(f->reason, sizeof(f->reason), "In %s, %s", where, msg);
	else
		text(f->reason, sizeof(f->reason), "%s", msg);
	text(f->example, sizeof(f->example), "%s", example ? example : "");
}

/* The pair has no rule here: destructive until proven safe. */
static void no_rule(finding *f, const char *where, const char *ta, const char *tb)
{
	bad(f, MIGPLAN_CAUSE_UNKNOWN_PAIR, 0, where, NULL,
	    "there is no rule for %s to %s, so it is treated as destructive until proven safe",
	    ta, tb);
}

/* ClickHouse has no conversion from ta to tb, so it refuses the ALTER. The example is written
 * into the caller's buffer ex, whose size cap bounds it. */
static void no_conversion(finding *f, const char *where, const char *ta, const char *tb,
                          char *ex, size_t cap)
{
	text(ex, cap, "the ALTER fails: ClickHouse cannot convert %s to %s", ta, tb);
	bad(f, MIGPLAN_CAUSE_NOT_ALLOWED, 1, where, ex, "ClickHouse has no conversion from %s to %s",
	    ta, tb);
}

/* Record why a change is safe (only while nothing destructive was found). */
static void good(finding *f, const char *where, const char *fmt, ...) MIGPLAN__PRINTF(3, 4);
static void good(finding *f, const char *where, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	if (f->cause != MIGPLAN_CAUSE_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (where && *where)
		text(f->reason, sizeof(f->reason), "In %s, %s", where, msg);
	else
		text(f->reason, sizeof(f->reason), "%s", msg);
}

/* "the array elements" inside "the map values" reads "the array elements of the map values". */
static void nest(char *dst, size_t cap, const char *inner, const char *outer)
{
	if (outer && *outer)
		text(dst, cap, "%s of %s", inner, outer);
	else
		text(dst, cap, "%s", inner);
}

/* ---- integers ----------------------------------------------------------------------- */

/* Largest value of each integer type, as text (index: log2(bits) - 3). */
static const char *const smax[] = {
	"127", "32767", "2147483647", "9223372036854775807",
	"170141183460469231731687303715884105727",
	"57896044618658097711785492504343953926634992332820282019728792003956564819967",
};
static const char *const umax[] = {
	"255", "65535", "4294967295", "18446744073709551615",
	"340282366920938463463374607431768211455",
	"115792089237316195423570985008687907853269984665640564039457584007913129639935",
};

static int width_index(unsigned bits)
{
	int i = 0;
	while (bits > 8 && i < 5) {
		bits /= 2;
		i++;
	}
	return i;
}

static const char *int_max(unsigned bits, int is_signed)
{
	return is_signed ? smax[width_index(bits)] : umax[width_index(bits)];
}

/* Decimal digits of the largest magnitude (Int8: 128 has 3). */
static unsigned int_digits(unsigned bits, int is_signed)
{
	return (unsigned)strlen(int_max(bits, is_signed));
}

/* Digits d such that every d-digit number fits (Int32: 9, because 9999999999 does not). */
static unsigned int_safe_digits(unsigned bits, int is_signed)
{
	return int_digits(bits, is_signed) - 1;
}

/* Significant bits of a float type: its integers are exact up to 2^bits. */
static unsigned mantissa_bits(const migplan_chtype *t)
{
	switch (migplan_chtype_bits(t)) {
	case 16: return 8;   /* BFloat16 */
	case 32: return 24;
	default: return 53;
	}
}

/* Decimal digits every integer of that many digits keeps in the float type. */
static unsigned mantissa_digits(const migplan_chtype *t)
{
	switch (migplan_chtype_bits(t)) {
	case 16: return 2;
	case 32: return 7;
	default: return 15;
	}
}

/* ClickHouse stores Decimal(P, S) in 32, 64, 128 or 256 bits and checks values (also when it
 * parses text) against that width's digits, not against P. */
static unsigned decimal_storage_digits(unsigned precision)
{
	if (precision <= 9)
		return 9;
	if (precision <= 18)
		return 18;
	if (precision <= 38)
		return 38;
	return 76;
}

static int is_uint8_like(const migplan_chtype *t)
{
	return kind(t) == MIGPLAN_CHTYPE_BOOL ||
	       (kind(t) == MIGPLAN_CHTYPE_INT && migplan_chtype_bits(t) == 8 &&
	        !migplan_chtype_is_signed(t));
}

static int is_int(const migplan_chtype *t, unsigned bits, int is_signed)
{
	return kind(t) == MIGPLAN_CHTYPE_INT && migplan_chtype_bits(t) == bits &&
	       migplan_chtype_is_signed(t) == is_signed;
}

static void judge(finding *f, const migplan_chtype *a, const migplan_chtype *b, const char *where,
                  int top);

static void int_to_int(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                       const char *ta, const char *tb, const char *where)
{
	unsigned n = migplan_chtype_bits(a), m = migplan_chtype_bits(b);
	int sa = migplan_chtype_is_signed(a), sb = migplan_chtype_is_signed(b);
	char ex[256];

	if (sa && !sb) {
		text(ex, sizeof(ex), "-1 becomes %s", int_max(m, 0));
		bad(f, MIGPLAN_CAUSE_SIGN_CHANGE, 0, where, ex,
		    "%s to %s drops the sign: negative values wrap around to large positive ones", ta, tb);
	} else if (!sa && sb && m <= n) {
		text(ex, sizeof(ex), "%s becomes -1", int_max(n, 0));
		if (m == n)
			bad(f, MIGPLAN_CAUSE_SIGN_CHANGE, 0, where, ex,
			    "%s to %s reinterprets the upper half of the range as negative values", ta, tb);
		else
			bad(f, MIGPLAN_CAUSE_NARROWING, 0, where, ex,
			    "%s to %s is narrowing: values outside the %s range wrap around", ta, tb, tb);
	} else if (m < n) {
		if (sa)
			text(ex, sizeof(ex), "%s becomes -1", int_max(n, 1));
		else
			text(ex, sizeof(ex), "%s becomes %s", int_max(n, 0), int_max(m, 0));
		bad(f, MIGPLAN_CAUSE_NARROWING, 0, where, ex,
		    "%s to %s is narrowing: values outside the %s range wrap around", ta, tb, tb);
	} else {
		good(f, where, "%s holds every %s value and reads it the same", tb, ta);
	}
}

static void int_to_float(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                         const char *ta, const char *tb, const char *where)
{
	unsigned magnitude = migplan_chtype_bits(a) - (migplan_chtype_is_signed(a) ? 1u : 0u);
	unsigned mant = mantissa_bits(b);
	const char *ex = mant == 8 ? "257 becomes 256"
	                 : mant == 24 ? "16777217 becomes 16777216"
	                              : "9007199254740993 becomes 9007199254740992";

	if (magnitude <= mant)
		good(f, where, "%s represents every %s value exactly (integers up to 2^%u) and prints it "
		               "the same", tb, ta, mant);
	else
		bad(f, MIGPLAN_CAUSE_PRECISION_LOSS, 0, where, ex,
		    "%s keeps %u significant bits: larger %s values are rounded", tb, mant, ta);
}

static void int_to_decimal(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                           const char *ta, const char *tb, const char *where)
{
	unsigned bits = migplan_chtype_bits(a), digits = int_digits(bits, migplan_chtype_is_signed(a));
	unsigned room = migplan_chtype_precision(b);
	unsigned scale = migplan_chtype_scale(b);
	char ex[256];

	if (bits > 64) {
		text(ex, sizeof(ex), "the ALTER fails: conversion from %s to %s is not supported", ta, tb);
		bad(f, MIGPLAN_CAUSE_NOT_ALLOWED, 1, where, ex,
		    "ClickHouse has no conversion from %s to a Decimal", ta);
	} else if (digits + scale > room) {
		text(ex, sizeof(ex), "%s has %u digits, more than the %u integer digits of %s: it is "
		                     "stored, but a dump of it can no longer be loaded",
		     int_max(bits, migplan_chtype_is_signed(a)), digits, room - scale, tb);
		bad(f, MIGPLAN_CAUSE_NARROWING, 0, where, ex,
		    "%s to %s is narrowing: %s has %u integer digits and %s allows %u (CAST only checks "
		    "the storage width, the text parsers check the precision)", ta, tb, ta, digits, tb,
		    room - scale);
	} else {
		good(f, where, "%s keeps every %s value (%u digits fit its precision) and prints it the "
		               "same", tb, ta, digits);
	}
}

static void int_to_other(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                         const char *ta, const char *tb, const char *where)
{
	unsigned bits = migplan_chtype_bits(a);
	int sa = migplan_chtype_is_signed(a);
	char ex[256];

	switch (kind(b)) {
	case MIGPLAN_CHTYPE_INT: int_to_int(f, a, b, ta, tb, where); return;
	case MIGPLAN_CHTYPE_FLOAT: int_to_float(f, a, b, ta, tb, where); return;
	case MIGPLAN_CHTYPE_DECIMAL: int_to_decimal(f, a, b, ta, tb, where); return;
	case MIGPLAN_CHTYPE_BOOL:
		bad(f, MIGPLAN_CAUSE_NARROWING, 0, where, sa ? "-1 becomes true" : "2 becomes true",
		    "Bool holds only false and true: every value other than 0 becomes true, and 0 reads "
		    "as false");
		return;
	case MIGPLAN_CHTYPE_STRING:
		bad(f, MIGPLAN_CAUSE_FAMILY_CHANGE, 0, where, "10 sorts before 9",
		    "%s to %s turns numbers into text: ORDER BY and comparisons with numbers change", ta, tb);
		return;
	case MIGPLAN_CHTYPE_DATE:
		if (bits == 16 && !sa)
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, "0 reads as 1970-01-01",
			    "%s to Date reads every number as a day since 1970-01-01", ta);
		else
			bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where, "-1 does not survive",
			    "%s to Date keeps only day numbers 0 to 65535; other values wrap", ta);
		return;
	case MIGPLAN_CHTYPE_DATE32:
		bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where, "-2147483648 becomes 1900-01-01",
		    "%s to Date32 reads numbers as days and clamps them to 1900-01-01 .. 2299-12-31", ta);
		return;
	case MIGPLAN_CHTYPE_DATETIME:
		if (bits == 32 && !sa)
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where,
			    "0 reads as 1970-01-01 00:00:00 (UTC)",
			    "%s to %s reads every number as seconds since 1970 and prints a date and time",
			    ta, tb);
		else
			bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where,
			    "-9223372036854775808 becomes 1970-01-01 00:00:00 (UTC)",
			    "%s to %s keeps only seconds 0 to 4294967295; other values are clamped or wrap",
			    ta, tb);
		return;
	case MIGPLAN_CHTYPE_DATETIME64:
		bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where, "-1 becomes 1969-12-31 23:59:59 (UTC)",
		    "%s to %s reads numbers as seconds and keeps only 1900-01-01 .. 2299-12-31", ta, tb);
		return;
	case MIGPLAN_CHTYPE_IPV4:
		if (bits == 32 && !sa)
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, "167772161 reads as 10.0.0.1",
			    "%s to IPv4 keeps the numbers but prints them as addresses", ta);
		else
			bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where, "-1 does not survive",
			    "%s to IPv4 keeps only 0 to 4294967295 and prints them as addresses", ta);
		return;
	case MIGPLAN_CHTYPE_ENUM8:
	case MIGPLAN_CHTYPE_ENUM16:
		text(ex, sizeof(ex), "%s is refused unless it is a member's number",
		         sa ? "-1" : int_max(bits, 0));
		bad(f, MIGPLAN_CAUSE_NARROWING, 0, where, ex,
		    "%s to %s keeps only the numbers of the Enum's members", ta, tb);
		return;
	case MIGPLAN_CHTYPE_UUID:
	case MIGPLAN_CHTYPE_FIXED_STRING:
	case MIGPLAN_CHTYPE_ARRAY:
	case MIGPLAN_CHTYPE_MAP:
	case MIGPLAN_CHTYPE_TUPLE:
		no_conversion(f, where, ta, tb, ex, sizeof(ex));
		return;
	default:
		no_rule(f, where, ta, tb);
		return;
	}
}

/* ---- floats and decimals -------------------------------------------------------------- */

static void float_to_other(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                           const char *ta, const char *tb, const char *where)
{
	unsigned na = migplan_chtype_bits(a), nb = migplan_chtype_bits(b);

	switch (kind(b)) {
	case MIGPLAN_CHTYPE_FLOAT:
		if (na == 16 && nb > 16)
			good(f, where, "%s holds every BFloat16 value exactly and prints it the same", tb);
		else if (nb > na)
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where,
			    "0.1 reads as 0.10000000149011612",
			    "%s to %s keeps each binary value but prints it with %s's digits, so reads and "
			    "`v = '0.1'` comparisons change", ta, tb, tb);
		else
			bad(f, MIGPLAN_CAUSE_PRECISION_LOSS, 0, where,
			    nb == 16 ? "0.1 becomes 0.099609375" : "0.1 comes back as 0.10000000149011612",
			    "%s to %s keeps fewer significant bits: values are rounded", ta, tb);
		return;
	case MIGPLAN_CHTYPE_INT:
		bad(f, MIGPLAN_CAUSE_PRECISION_LOSS, 0, where, "1.5 becomes 1",
		    "%s to %s truncates fractions, and nan and inf make the ALTER fail", ta, tb);
		return;
	case MIGPLAN_CHTYPE_DECIMAL:
		bad(f, MIGPLAN_CAUSE_PRECISION_LOSS, 0, where, "nan and inf cannot be stored",
		    "%s to %s cuts binary fractions to the scale, and nan and inf make the ALTER fail",
		    ta, tb);
		return;
	case MIGPLAN_CHTYPE_STRING:
		bad(f, MIGPLAN_CAUSE_FAMILY_CHANGE, 0, where, "10 sorts before 9",
		    "%s to %s turns numbers into text: ORDER BY and comparisons with numbers change", ta, tb);
		return;
	default:
		no_rule(f, where, ta, tb);
		return;
	}
}

/* The largest Decimal(P, S) value: 9999999.99 for (9, 2). */
static void decimal_max(char *dst, size_t cap, unsigned p, unsigned s)
{
	size_t o = 0;
	unsigned i;
	if (p == s && o + 1 < cap)
		dst[o++] = '0';
	for (i = 0; i < p && o + 2 < cap; i++) {
		if (i == p - s)
			dst[o++] = '.';
		dst[o++] = '9';
	}
	dst[o] = '\0';
}

/* "0.99" for scale 2 becoming "0.9" for scale 1. */
static void scale_example(char *dst, size_t cap, unsigned from_scale, unsigned to_scale)
{
	char a[80], b[80];
	unsigned i;
	text(a, sizeof(a), "0.");
	text(b, sizeof(b), to_scale ? "0." : "0");
	for (i = 0; i < from_scale && i < 60; i++)
		strcat(a, "9");
	for (i = 0; i < to_scale && i < 60; i++)
		strcat(b, "9");
	text(dst, cap, "%s becomes %s", a, b);
}

static void decimal_to_other(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                             const char *ta, const char *tb, const char *where)
{
	unsigned p = migplan_chtype_precision(a), s = migplan_chtype_scale(a);
	char ex[256];

	switch (kind(b)) {
	case MIGPLAN_CHTYPE_DECIMAL: {
		unsigned s2 = migplan_chtype_scale(b);
		unsigned room = migplan_chtype_precision(b);
		if (s2 < s) {
			scale_example(ex, sizeof(ex), s, s2);
			bad(f, MIGPLAN_CAUSE_SCALE_LOSS, 0, where, ex,
			    "%s to %s keeps %u fraction digit%s instead of %u: the rest is cut off", ta, tb,
			    s2, s2 == 1 ? "" : "s", s);
		} else if (p - s + s2 > room) {
			decimal_max(ex, sizeof(ex), p, s);
			text(ex + strlen(ex), sizeof(ex) - strlen(ex), " does not fit %s: %s", tb,
			     decimal_storage_digits(p - s + s2) > decimal_storage_digits(room)
			             ? "the ALTER fails"
			             : "it is stored, but a dump of it can no longer be loaded");
			bad(f, MIGPLAN_CAUSE_NARROWING, 0, where, ex,
			    "%s to %s is narrowing: %u integer digits and %u fraction digits need precision "
			    "%u", ta, tb, p - s, s2, p - s + s2);
		} else {
			good(f, where, "%s keeps every %s value and its scale, and prints it the same", tb,
			     ta);
		}
		return;
	}
	case MIGPLAN_CHTYPE_INT: {
		unsigned bits = migplan_chtype_bits(b);
		int sb = migplan_chtype_is_signed(b);
		if (s > 0) {
			bad(f, MIGPLAN_CAUSE_SCALE_LOSS, 0, where, "1.5 becomes 1",
			    "%s to %s drops the %u fraction digits", ta, tb, s);
		} else if (!sb) {
			text(ex, sizeof(ex), "-1 becomes %s", int_max(bits, 0));
			bad(f, MIGPLAN_CAUSE_SIGN_CHANGE, 0, where, ex,
			    "%s to %s drops the sign: negative values wrap around", ta, tb);
		} else if (p > int_safe_digits(bits, 1)) {
			text(ex, sizeof(ex), "a %u-digit value does not fit %s", p, tb);
			bad(f, MIGPLAN_CAUSE_NARROWING, 0, where, ex,
			    "%s to %s is narrowing: %u-digit values overflow and the ALTER fails", ta, tb, p);
		} else {
			good(f, where, "%s holds every %u-digit integer of %s and prints it the same", tb, p,
			     ta);
		}
		return;
	}
	case MIGPLAN_CHTYPE_FLOAT:
		if (s == 0 && p <= mantissa_digits(b)) {
			good(f, where, "%s represents every %u-digit integer of %s exactly and prints it "
			               "the same", tb, p, ta);
		} else {
			if (s > 0)
				text(ex, sizeof(ex), "0.29 comes back as 0.28");
			else
				text(ex, sizeof(ex), "a %u-digit value is rounded", p);
			bad(f, MIGPLAN_CAUSE_PRECISION_LOSS, 0, where, ex,
			    "%s to %s stores binary fractions: decimal values are rounded and do not come back",
			    ta, tb);
		}
		return;
	case MIGPLAN_CHTYPE_STRING:
		bad(f, MIGPLAN_CAUSE_FAMILY_CHANGE, 0, where, "10 sorts before 9",
		    "%s to %s turns numbers into text: ORDER BY and comparisons with numbers change", ta, tb);
		return;
	default:
		no_rule(f, where, ta, tb);
		return;
	}
}

/* ---- dates and times ---------------------------------------------------------------- */

static int is_temporal(migplan_chtype_kind k)
{
	return k == MIGPLAN_CHTYPE_DATE || k == MIGPLAN_CHTYPE_DATE32 || k == MIGPLAN_CHTYPE_DATETIME ||
	       k == MIGPLAN_CHTYPE_DATETIME64;
}

static const char *zone_or_server(const migplan_chtype *t)
{
	const char *tz = migplan_chtype_timezone(t);
	return tz ? tz : "the server time zone";
}

static int timezone_changes(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                            const char *ta, const char *tb, const char *where)
{
	char ex[256];
	if (same_text(migplan_chtype_timezone(a), migplan_chtype_timezone(b)))
		return 0;
	text(ex, sizeof(ex), "an instant read as 1970-01-01 00:00:00 in %s reads as the wall-clock "
	                         "time of %s", zone_or_server(a), zone_or_server(b));
	bad(f, MIGPLAN_CAUSE_TIMEZONE_CHANGE, 0, where, ex,
	    "%s to %s keeps each instant but reads it in another time zone", ta, tb);
	return 1;
}

static void zeros(char *dst, size_t cap, unsigned n)
{
	size_t i;
	for (i = 0; i < n && i + 1 < cap; i++)
		dst[i] = '0';
	dst[i] = '\0';
}

static void temporal_to_other(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                              const char *ta, const char *tb, const char *where)
{
	migplan_chtype_kind ka = kind(a), kb = kind(b);
	unsigned pa = ka == MIGPLAN_CHTYPE_DATETIME64 ? migplan_chtype_precision(a) : 0;
	unsigned pb = kb == MIGPLAN_CHTYPE_DATETIME64 ? migplan_chtype_precision(b) : 0;
	int a_date = ka == MIGPLAN_CHTYPE_DATE || ka == MIGPLAN_CHTYPE_DATE32;
	int b_date = kb == MIGPLAN_CHTYPE_DATE || kb == MIGPLAN_CHTYPE_DATE32;
	char ex[256], z[16];

	if (is_temporal(kb)) {
		if (a_date && b_date) {
			if (kb == MIGPLAN_CHTYPE_DATE32 || ka == MIGPLAN_CHTYPE_DATE)
				good(f, where, "%s covers the whole %s range and prints dates the same", tb, ta);
			else
				bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where, "1900-01-01 becomes 2079-06-07",
				    "%s to %s keeps only 1970-01-01 .. 2149-06-06: other dates wrap", ta, tb);
		} else if (a_date) {
			zeros(z, sizeof(z), pb);
			text(ex, sizeof(ex), "2020-01-01 reads as 2020-01-01 00:00:00%s%s", pb ? "." : "",
			         z);
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, ex,
			    "%s to %s turns each date into midnight in %s and prints a time", ta, tb,
			    zone_or_server(b));
		} else if (b_date) {
			bad(f, MIGPLAN_CAUSE_PRECISION_LOSS, 0, where,
			    "2020-01-01 12:34:56 becomes 2020-01-01",
			    "%s to %s drops the time of day", ta, tb);
		} else if (timezone_changes(f, a, b, ta, tb, where)) {
			return;
		} else if (ka == MIGPLAN_CHTYPE_DATETIME64 && kb == MIGPLAN_CHTYPE_DATETIME) {
			bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where,
			    "1900-01-01 00:00:00 (UTC) becomes 2036-02-07 06:28:16",
			    "%s to %s keeps only 1970-01-01 .. 2106-02-07%s: other instants wrap", ta, tb,
			    pa ? " and whole seconds" : "");
		} else if (pb < pa) {
			bad(f, MIGPLAN_CAUSE_PRECISION_LOSS, 0, where,
			    "12:34:56.789123 becomes 12:34:56.789",
			    "%s to %s keeps %u fraction digits of a second instead of %u", ta, tb, pb, pa);
		} else if (pb >= 9 && pa < 9 && ka == MIGPLAN_CHTYPE_DATETIME64) {
			bad(f, MIGPLAN_CAUSE_RANGE_CHANGE, 0, where,
			    "2299-12-31 23:59:59 does not fit (DateTime64(9) ends at 2262-04-11)",
			    "%s to %s ends at 2262-04-11: later instants overflow and the ALTER fails", ta, tb);
		} else if (pb == pa) {
			good(f, where, "%s holds every %s instant and prints it the same", tb, ta);
		} else {
			zeros(z, sizeof(z), pb);
			text(ex, sizeof(ex), "2020-01-01 00:00:00%s reads as 2020-01-01 00:00:00.%s",
			         pa ? ".000" : "", z);
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, ex,
			    "%s to %s keeps every instant but prints %u fraction digits instead of %u", ta, tb,
			    pb, pa);
		}
		return;
	}
	if (kb == MIGPLAN_CHTYPE_INT) {
		bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where,
		    a_date ? "1970-01-01 reads as 0" : "1970-01-01 00:00:00 (UTC) reads as 0",
		    "%s to %s reads each %s as a number", ta, tb, a_date ? "date as days since 1970-01-01"
		                                                         : "instant as seconds since 1970");
		return;
	}
	if (kb == MIGPLAN_CHTYPE_STRING) {
		bad(f, MIGPLAN_CAUSE_FAMILY_CHANGE, 0, where,
		    "v = toDate('2020-01-01') no longer compares",
		    "%s to %s turns dates into text: comparisons with dates fail and time zones no longer "
		    "apply", ta, tb);
		return;
	}
	no_rule(f, where, ta, tb);
}

/* ---- strings -------------------------------------------------------------------------- */

static void string_to_other(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                            const char *ta, const char *tb, const char *where)
{
	char ex[256];
	unsigned n = migplan_chtype_length(b);

	(void)a;
	if (kind(b) == MIGPLAN_CHTYPE_FIXED_STRING) {
		text(ex, sizeof(ex), "a string longer than %u bytes makes the ALTER fail, and 'a' gains "
		                         "%u NUL bytes", n, n ? n - 1 : 0);
		bad(f, MIGPLAN_CAUSE_LENGTH_CHANGE, 0, where, ex,
		    "%s to %s refuses longer strings and pads shorter ones with NUL bytes", ta, tb);
		return;
	}
	text(ex, sizeof(ex), "'' cannot be parsed as %s", tb);
	bad(f, MIGPLAN_CAUSE_PARSE_FAILURE, 0, where, ex,
	    "%s to %s parses every value: text that is not a valid %s makes the ALTER fail", ta, tb, tb);
}

static void fixed_string_to_other(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                                  const char *ta, const char *tb, const char *where)
{
	unsigned n = migplan_chtype_length(a), m = migplan_chtype_length(b);
	char ex[256];

	if (kind(b) == MIGPLAN_CHTYPE_STRING) {
		text(ex, sizeof(ex), "'a' padded to %u bytes reads as 'a' (1 byte)", n);
		bad(f, MIGPLAN_CAUSE_LENGTH_CHANGE, 0, where, ex,
		    "%s to %s drops the trailing NUL bytes of every value", ta, tb);
	} else if (kind(b) == MIGPLAN_CHTYPE_FIXED_STRING && m > n) {
		text(ex, sizeof(ex), "'a' reads %u bytes instead of %u", m, n);
		bad(f, MIGPLAN_CAUSE_LENGTH_CHANGE, 0, where, ex,
		    "%s to %s pads every value with more NUL bytes", ta, tb);
	} else if (kind(b) == MIGPLAN_CHTYPE_FIXED_STRING) {
		text(ex, sizeof(ex), "a %u-byte value is refused", n);
		bad(f, MIGPLAN_CAUSE_LENGTH_CHANGE, 1, where, ex,
		    "%s to %s cannot hold values longer than %u bytes: the ALTER is refused", ta, tb, m);
	} else {
		no_rule(f, where, ta, tb);
	}
}

/* ---- enums ---------------------------------------------------------------------------- */

static int enum_find_name(const migplan_chtype *t, const char *name)
{
	size_t i;
	for (i = 0; i < migplan_chtype_enum_count(t); i++)
		if (same_text(migplan_chtype_enum_name(t, i), name))
			return (int)i;
	return -1;
}

static int enum_find_value(const migplan_chtype *t, int value)
{
	size_t i;
	for (i = 0; i < migplan_chtype_enum_count(t); i++)
		if (migplan_chtype_enum_value(t, i) == value)
			return (int)i;
	return -1;
}

/* Every value of from is a value of to (ClickHouse's DataTypeEnum::contains, which ignores
 * names). */
static int enum_values_contained(const migplan_chtype *from, const migplan_chtype *to)
{
	size_t i;
	for (i = 0; i < migplan_chtype_enum_count(from); i++)
		if (enum_find_value(to, migplan_chtype_enum_value(from, i)) < 0)
			return 0;
	return 1;
}

static void enum_to_enum(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                         const char *ta, const char *tb, const char *where)
{
	size_t i;
	char ex[384];

	/* a member that keeps its name but changes its number: ClickHouse refuses */
	for (i = 0; i < migplan_chtype_enum_count(a); i++) {
		const char *name = migplan_chtype_enum_name(a, i);
		int value = migplan_chtype_enum_value(a, i), j = enum_find_name(b, name);
		if (j >= 0 && migplan_chtype_enum_value(b, (size_t)j) != value) {
			text(ex, sizeof(ex), "the ALTER fails: '%s' would change from %d to %d", name,
			         value, migplan_chtype_enum_value(b, (size_t)j));
			bad(f, MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED, 1, where, ex,
			    "%s to %s renumbers a member, which ClickHouse refuses", ta, tb);
			return;
		}
	}
	for (i = 0; i < migplan_chtype_enum_count(a); i++) {
		const char *name = migplan_chtype_enum_name(a, i);
		int value = migplan_chtype_enum_value(a, i), j;
		if (enum_find_name(b, name) >= 0)
			continue;
		j = enum_find_value(b, value);
		if (j >= 0) {
			text(ex, sizeof(ex), "'%s' reads as '%s'", name,
			         migplan_chtype_enum_name(b, (size_t)j));
			bad(f, MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED, 0, where, ex,
			    "%s to %s renames member %d: ClickHouse only rewrites metadata, so every stored "
			    "'%s' now reads as the new name", ta, tb, value, name);
		} else {
			text(ex, sizeof(ex), "'%s' (%d) is gone: rows holding it can no longer be read",
			         name, value);
			bad(f, MIGPLAN_CAUSE_ENUM_MEMBER_REMOVED, 0, where, ex,
			    "%s to %s removes member '%s'", ta, tb, name);
		}
		return;
	}
	good(f, where, "%s keeps every member of %s with its number, so values read and sort the same",
	     tb, ta);
}

static void enum_to_other(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                          const char *ta, const char *tb, const char *where)
{
	size_t i, n = migplan_chtype_enum_count(a);
	char ex[384];

	switch (kind(b)) {
	case MIGPLAN_CHTYPE_ENUM8:
	case MIGPLAN_CHTYPE_ENUM16:
		enum_to_enum(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_STRING:
		/* members are kept sorted by number; text sorts bytewise */
		for (i = 1; i < n; i++) {
			const char *prev = migplan_chtype_enum_name(a, i - 1);
			const char *cur = migplan_chtype_enum_name(a, i);
			if (strcmp(prev, cur) > 0) {
				text(ex, sizeof(ex), "'%s' (%d) sorts before '%s' (%d)", cur,
				         migplan_chtype_enum_value(a, i), prev, migplan_chtype_enum_value(a, i - 1));
				bad(f, MIGPLAN_CAUSE_ORDER_CHANGE, 0, where, ex,
				    "%s to %s keeps every name, but ORDER BY and < comparisons follow the text "
				    "instead of the member numbers", ta, tb);
				return;
			}
		}
		good(f, where, "%s keeps every member name, and the names sort in the order of their "
		               "numbers", tb);
		return;
	case MIGPLAN_CHTYPE_INT:
		text(ex, sizeof(ex), "'%s' reads as %d", n ? migplan_chtype_enum_name(a, 0) : "?",
		         n ? migplan_chtype_enum_value(a, 0) : 0);
		bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, ex,
		    "%s to %s reads every member as its number", ta, tb);
		return;
	default:
		no_rule(f, where, ta, tb);
		return;
	}
}

/* ---- containers ----------------------------------------------------------------------- */

static void tuple_to_tuple(finding *f, const migplan_chtype *a, const migplan_chtype *b,
                           const char *ta, const char *tb, const char *where)
{
	size_t n = migplan_chtype_child_count(a), m = migplan_chtype_child_count(b), i;
	int named = 1;
	char ex[384], w[512], el[160];

	for (i = 0; i < n; i++)
		named &= migplan_chtype_child_name(a, i) != NULL;
	for (i = 0; i < m; i++)
		named &= migplan_chtype_child_name(b, i) != NULL;
	if (n != m) {
		text(ex, sizeof(ex), "every value reads with %zu elements instead of %zu", m, n);
		bad(f, MIGPLAN_CAUSE_STRUCTURE_CHANGE, 0, where, ex,
		    "%s to %s %s elements", ta, tb, m > n ? "adds" : "removes");
		return;
	}
	if (named) {
		/* named tuples convert by element name */
		for (i = 0; i < n; i++) {
			const char *na = migplan_chtype_child_name(a, i), *nb = migplan_chtype_child_name(b, i);
			size_t j;
			if (same_text(na, nb))
				continue;
			for (j = 0; j < m && !same_text(na, migplan_chtype_child_name(b, j)); j++)
				;
			if (j < m) {
				text(ex, sizeof(ex), "element `%s` moves to position %zu: (1,'x') reads as "
				                         "('x',1)", na, j + 1);
				bad(f, MIGPLAN_CAUSE_STRUCTURE_CHANGE, 0, where, ex,
				    "%s to %s reorders named elements, which ClickHouse matches by name", ta, tb);
			} else {
				text(ex, sizeof(ex), "element `%s` is renamed to `%s`: its values become "
				                         "defaults", na, nb);
				bad(f, MIGPLAN_CAUSE_STRUCTURE_CHANGE, 0, where, ex,
				    "%s to %s renames an element; ClickHouse matches elements by name, so the "
				    "renamed one is filled with defaults", ta, tb);
			}
			return;
		}
	}
	for (i = 0; i < n && f->cause == MIGPLAN_CAUSE_NONE; i++) {
		const char *name = migplan_chtype_child_name(b, i);
		if (!name)
			name = migplan_chtype_child_name(a, i);
		if (name)
			text(el, sizeof(el), "tuple element `%s`", name);
		else
			text(el, sizeof(el), "tuple element %zu", i + 1);
		nest(w, sizeof(w), el, where);
		judge(f, migplan_chtype_child_at(a, i), migplan_chtype_child_at(b, i), w, 0);
	}
	if (f->cause == MIGPLAN_CAUSE_NONE)
		good(f, where, "%s to %s changes every element safely (elements are matched %s)", ta, tb,
		     named ? "by name" : "by position");
}

/* The part of a JSON type that decides what values read: typed paths and SKIP rules, without
 * the max_dynamic_* limits (which only move paths between storages). */
static void json_shape(char *dst, size_t cap, const char *rendered)
{
	const char *p = strchr(rendered, '(');
	size_t o = 0;
	dst[0] = '\0';
	if (!p)
		return;
	p++;
	while (*p && *p != ')') {
		const char *end = p;
		int depth = 0, quote = 0;
		for (; *end; end++) {
			if (quote) {
				if (*end == '\\' && end[1])
					end++;
				else if (*end == '\'')
					quote = 0;
				continue;
			}
			if (*end == '\'')
				quote = 1;
			else if (*end == '(')
				depth++;
			else if (*end == ')' && depth-- == 0)
				break;
			else if (*end == ',' && depth == 0)
				break;
		}
		if (strncmp(p, "max_dynamic_", 12) != 0 && o + (size_t)(end - p) + 2 < cap) {
			memcpy(dst + o, p, (size_t)(end - p));
			o += (size_t)(end - p);
			dst[o++] = ';';
			dst[o] = '\0';
		}
		p = *end == ',' ? end + 1 : end;
		while (*p == ' ')
			p++;
	}
}

static void json_to_json(finding *f, const char *ta, const char *tb, const char *where)
{
	char sa[TYPE_TEXT], sb[TYPE_TEXT];
	json_shape(sa, sizeof(sa), ta);
	json_shape(sb, sizeof(sb), tb);
	if (strcmp(sa, sb) == 0) {
		good(f, where, "%s to %s only changes how many dynamic paths and types are kept apart; "
		               "every value reads the same", ta, tb);
		return;
	}
	bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where,
	    "a path typed Int64 makes {\"a\":\"x\"} fail, and an untyped path stops comparing equal",
	    "%s to %s changes typed paths or SKIP rules: values are re-parsed into other types", ta, tb);
}

/* ---- the dispatcher ------------------------------------------------------------------- */

/* Types ClickHouse refuses inside Nullable(...). */
static int nullable_allowed(const migplan_chtype *t)
{
	switch (kind(t)) {
	case MIGPLAN_CHTYPE_ARRAY:
	case MIGPLAN_CHTYPE_MAP:
	case MIGPLAN_CHTYPE_TUPLE:
	case MIGPLAN_CHTYPE_NESTED:
	case MIGPLAN_CHTYPE_NULLABLE:
	case MIGPLAN_CHTYPE_LOW_CARDINALITY:
	case MIGPLAN_CHTYPE_VARIANT:
	case MIGPLAN_CHTYPE_DYNAMIC:
	case MIGPLAN_CHTYPE_NOTHING:
	case MIGPLAN_CHTYPE_GEO:
	case MIGPLAN_CHTYPE_AGGREGATE_FUNCTION:
	case MIGPLAN_CHTYPE_SIMPLE_AGGREGATE_FUNCTION:
		return 0;
	default:
		return 1;
	}
}

/* Types ClickHouse accepts inside LowCardinality(...) by default: strings, FixedString and
 * UUID, optionally Nullable. Numbers, dates and IPv6 need allow_suspicious_low_cardinality_types;
 * Decimal and DateTime64 are not supported at all. */
static int low_cardinality_allowed(const migplan_chtype *t)
{
	if (kind(t) == MIGPLAN_CHTYPE_NULLABLE)
		t = child(t);
	return kind(t) == MIGPLAN_CHTYPE_STRING || kind(t) == MIGPLAN_CHTYPE_FIXED_STRING ||
	       kind(t) == MIGPLAN_CHTYPE_UUID;
}

static void to_string_family(finding *f, const migplan_chtype *a, const char *ta, const char *tb,
                             const char *where)
{
	const char *ex = "values read as text and sort as text";
	switch (kind(a)) {
	case MIGPLAN_CHTYPE_BOOL: ex = "v = true no longer compares"; break;
	case MIGPLAN_CHTYPE_UUID: ex = "ORDER BY v changes: UUIDs sort by their 64-bit halves, text by characters"; break;
	case MIGPLAN_CHTYPE_IPV4:
	case MIGPLAN_CHTYPE_IPV6: ex = "'10.0.0.1' sorts before '9.255.255.255'"; break;
	case MIGPLAN_CHTYPE_TUPLE: ex = "(1,'a') reads as (1,\\'a\\')"; break;
	default: break;
	}
	bad(f, MIGPLAN_CAUSE_FAMILY_CHANGE, 0, where, ex,
	    "%s to %s turns values into text: ORDER BY, comparisons and functions of %s change", ta, tb,
	    ta);
}

static void judge(finding *f, const migplan_chtype *a, const migplan_chtype *b, const char *where,
                  int top)
{
	char ta[TYPE_TEXT], tb[TYPE_TEXT], w[512], ex[384];
	migplan_chtype_kind ka, kb;

	if (f->cause != MIGPLAN_CAUSE_NONE)
		return;
	type_text(ta, sizeof(ta), a);
	type_text(tb, sizeof(tb), b);
	if (migplan_chtype_equal(a, b)) {
		good(f, where, "the type stays %s", ta);
		return;
	}
	ka = kind(a);
	kb = kind(b);

	/* LowCardinality only changes how values are stored: they read, compare and sort alike */
	if (kb == MIGPLAN_CHTYPE_LOW_CARDINALITY && !low_cardinality_allowed(child(b))) {
		text(ex, sizeof(ex), "the ALTER fails: %s is prohibited", tb);
		bad(f, MIGPLAN_CAUSE_NOT_ALLOWED, 1, where, ex,
		    "ClickHouse refuses %s by default (only strings, FixedString and UUID may be "
		    "LowCardinality without allow_suspicious_low_cardinality_types)", tb);
		return;
	}
	if (ka == MIGPLAN_CHTYPE_LOW_CARDINALITY || kb == MIGPLAN_CHTYPE_LOW_CARDINALITY) {
		judge(f, ka == MIGPLAN_CHTYPE_LOW_CARDINALITY ? child(a) : a,
		      kb == MIGPLAN_CHTYPE_LOW_CARDINALITY ? child(b) : b, where, top);
		if (f->cause == MIGPLAN_CAUSE_NONE)
			good(f, where, "%s to %s only changes the LowCardinality dictionary encoding; values "
			               "read, compare and sort the same", ta, tb);
		return;
	}

	/* Nullable */
	if (kb == MIGPLAN_CHTYPE_NULLABLE) {
		if (!nullable_allowed(child(b))) {
			text(ex, sizeof(ex), "the ALTER fails: %s cannot be inside Nullable", ta);
			bad(f, MIGPLAN_CAUSE_NOT_ALLOWED, 1, where, ex,
			    "ClickHouse refuses %s: Array, Map, Tuple, LowCardinality and Variant cannot be "
			    "Nullable", tb);
			return;
		}
		judge(f, ka == MIGPLAN_CHTYPE_NULLABLE ? child(a) : a, child(b), where, top);
		if (f->cause == MIGPLAN_CAUSE_NONE && ka != MIGPLAN_CHTYPE_NULLABLE)
			good(f, where, "%s to %s keeps every value; only NULL becomes possible", ta, tb);
		return;
	}
	if (ka == MIGPLAN_CHTYPE_NULLABLE) {
		if (top)
			text(ex, sizeof(ex), "the ALTER fails: NULL has no %s value (with a DEFAULT it "
			                         "would become that default)", tb);
		else
			text(ex, sizeof(ex), "the mutation fails on the first NULL");
		bad(f, MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED, top, where, ex,
		    "%s to %s removes NULL: ClickHouse %s", ta, tb,
		    top ? "refuses the ALTER unless a DEFAULT replaces NULLs"
		        : "accepts the ALTER and its mutation fails on the first NULL");
		return;
	}

	switch (ka) {
	case MIGPLAN_CHTYPE_INT:
		int_to_other(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_FLOAT:
		float_to_other(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_DECIMAL:
		decimal_to_other(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_BOOL:
		if (kb == MIGPLAN_CHTYPE_INT || kb == MIGPLAN_CHTYPE_FLOAT || kb == MIGPLAN_CHTYPE_DECIMAL)
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, "true reads as 1",
			    "%s to %s keeps 0 and 1 but reads them as numbers instead of false and true",
			    ta, tb);
		else if (kb == MIGPLAN_CHTYPE_STRING)
			to_string_family(f, a, ta, tb, where);
		else
			break;
		return;
	case MIGPLAN_CHTYPE_STRING:
		string_to_other(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_FIXED_STRING:
		fixed_string_to_other(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_DATE:
	case MIGPLAN_CHTYPE_DATE32:
	case MIGPLAN_CHTYPE_DATETIME:
	case MIGPLAN_CHTYPE_DATETIME64:
		temporal_to_other(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_ENUM8:
	case MIGPLAN_CHTYPE_ENUM16:
		enum_to_other(f, a, b, ta, tb, where);
		return;
	case MIGPLAN_CHTYPE_UUID:
		if (kb == MIGPLAN_CHTYPE_STRING) {
			to_string_family(f, a, ta, tb, where);
		} else if (is_int(b, 128, 0)) {
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where,
			    "61f0c404-5cb3-11e7-907b-a6006ad3dba0 reads as a 39-digit number and does not "
			    "convert back", "%s to %s reads every UUID as a number", ta, tb);
		} else if (kb == MIGPLAN_CHTYPE_FIXED_STRING) {
			no_conversion(f, where, ta, tb, ex, sizeof(ex));
		} else {
			break;
		}
		return;
	case MIGPLAN_CHTYPE_IPV4:
		if (kb == MIGPLAN_CHTYPE_IPV6)
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, "1.2.3.4 reads as ::ffff:1.2.3.4",
			    "%s to %s keeps every address but prints it IPv4-mapped", ta, tb);
		else if (is_int(b, 32, 0))
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, "10.0.0.1 reads as 167772161",
			    "%s to %s reads every address as a number", ta, tb);
		else if (kb == MIGPLAN_CHTYPE_STRING)
			to_string_family(f, a, ta, tb, where);
		else if (kb == MIGPLAN_CHTYPE_INT || kb == MIGPLAN_CHTYPE_FIXED_STRING) {
			no_conversion(f, where, ta, tb, ex, sizeof(ex));
		} else
			break;
		return;
	case MIGPLAN_CHTYPE_IPV6:
		if (kb == MIGPLAN_CHTYPE_IPV4)
			bad(f, MIGPLAN_CAUSE_NARROWING, 0, where,
			    "2001:db8::1 makes the ALTER fail (not an IPv4-mapped address)",
			    "%s to %s keeps only IPv4-mapped addresses", ta, tb);
		else if (kb == MIGPLAN_CHTYPE_STRING)
			to_string_family(f, a, ta, tb, where);
		else if (kb == MIGPLAN_CHTYPE_FIXED_STRING || kb == MIGPLAN_CHTYPE_INT) {
			no_conversion(f, where, ta, tb, ex, sizeof(ex));
		} else
			break;
		return;
	case MIGPLAN_CHTYPE_ARRAY:
		if (kb == MIGPLAN_CHTYPE_ARRAY) {
			nest(w, sizeof(w), "the array elements", where);
			judge(f, child(a), child(b), w, 0);
		} else if (kb == MIGPLAN_CHTYPE_STRING) {
			to_string_family(f, a, ta, tb, where);
		} else {
			no_conversion(f, where, ta, tb, ex, sizeof(ex));
		}
		return;
	case MIGPLAN_CHTYPE_MAP:
		if (kb == MIGPLAN_CHTYPE_MAP) {
			nest(w, sizeof(w), "the map keys", where);
			judge(f, migplan_chtype_child_at(a, 0), migplan_chtype_child_at(b, 0), w, 0);
			nest(w, sizeof(w), "the map values", where);
			judge(f, migplan_chtype_child_at(a, 1), migplan_chtype_child_at(b, 1), w, 0);
		} else if (kb == MIGPLAN_CHTYPE_ARRAY) {
			bad(f, MIGPLAN_CAUSE_REPRESENTATION_CHANGE, 0, where, "{} reads as []",
			    "%s to %s keeps the key-value pairs but reads them as an array of tuples", ta, tb);
		} else if (kb == MIGPLAN_CHTYPE_STRING || kb == MIGPLAN_CHTYPE_JSON) {
			to_string_family(f, a, ta, tb, where);
		} else {
			break;
		}
		return;
	case MIGPLAN_CHTYPE_TUPLE:
		if (kb == MIGPLAN_CHTYPE_TUPLE)
			tuple_to_tuple(f, a, b, ta, tb, where);
		else if (kb == MIGPLAN_CHTYPE_STRING)
			to_string_family(f, a, ta, tb, where);
		else
			break;
		return;
	case MIGPLAN_CHTYPE_JSON:
		if (kb == MIGPLAN_CHTYPE_JSON)
			json_to_json(f, ta, tb, where);
		else if (kb == MIGPLAN_CHTYPE_STRING)
			to_string_family(f, a, ta, tb, where);
		else
			break;
		return;
	default:
		break;
	}
	no_rule(f, where, ta, tb);
}

/* ---- how ClickHouse applies the change ------------------------------------------------ */

/* IDataType::equals as ClickHouse 26.7 has it: time zones do not count, Decimal compares its
 * storage width and scale (not the precision), Bool is a UInt8. */
static int engine_equals(const migplan_chtype *a, const migplan_chtype *b)
{
	migplan_chtype_kind ka = kind(a), kb = kind(b);
	size_t i, n;

	if (is_uint8_like(a) && is_uint8_like(b))
		return 1;
	if (ka != kb)
		return 0;
	switch (ka) {
	case MIGPLAN_CHTYPE_DATETIME:
		return 1;
	case MIGPLAN_CHTYPE_DATETIME64:
		return migplan_chtype_precision(a) == migplan_chtype_precision(b);
	case MIGPLAN_CHTYPE_DECIMAL:
		return decimal_storage_digits(migplan_chtype_precision(a)) ==
		               decimal_storage_digits(migplan_chtype_precision(b)) &&
		       migplan_chtype_scale(a) == migplan_chtype_scale(b);
	case MIGPLAN_CHTYPE_ARRAY:
	case MIGPLAN_CHTYPE_NULLABLE:
	case MIGPLAN_CHTYPE_LOW_CARDINALITY:
	case MIGPLAN_CHTYPE_MAP:
	case MIGPLAN_CHTYPE_TUPLE:
		n = migplan_chtype_child_count(a);
		if (n != migplan_chtype_child_count(b))
			return 0;
		for (i = 0; i < n; i++) {
			if (!same_text(migplan_chtype_child_name(a, i), migplan_chtype_child_name(b, i)) ||
			    !engine_equals(migplan_chtype_child_at(a, i), migplan_chtype_child_at(b, i)))
				return 0;
		}
		return 1;
	default:
		return migplan_chtype_equal(a, b);
	}
}

/* isMetadataOnlyConversion (src/Storages/AlterCommands.cpp): the ALTER only rewrites
 * metadata when the types are equal, an Enum keeps every number, Enum8/16 -> Int8/16,
 * DateTime <-> UInt32, Date <-> UInt16, through Array and Nullable on both sides. */
static int metadata_only(const migplan_chtype *a, const migplan_chtype *b)
{
	for (;;) {
		migplan_chtype_kind ka = kind(a), kb = kind(b);
		if (engine_equals(a, b))
			return 1;
		if (ka == kb && (ka == MIGPLAN_CHTYPE_ENUM8 || ka == MIGPLAN_CHTYPE_ENUM16))
			return enum_values_contained(a, b);
		if ((ka == MIGPLAN_CHTYPE_ENUM8 && is_int(b, 8, 1)) ||
		    (ka == MIGPLAN_CHTYPE_ENUM16 && is_int(b, 16, 1)) ||
		    (ka == MIGPLAN_CHTYPE_DATETIME && is_int(b, 32, 0)) ||
		    (kb == MIGPLAN_CHTYPE_DATETIME && is_int(a, 32, 0)) ||
		    (ka == MIGPLAN_CHTYPE_DATE && is_int(b, 16, 0)) ||
		    (kb == MIGPLAN_CHTYPE_DATE && is_int(a, 16, 0)))
			return 1;
		if ((ka == MIGPLAN_CHTYPE_ARRAY && kb == MIGPLAN_CHTYPE_ARRAY) ||
		    (ka == MIGPLAN_CHTYPE_NULLABLE && kb == MIGPLAN_CHTYPE_NULLABLE)) {
			a = child(a);
			b = child(b);
			continue;
		}
		return 0;
	}
}

/* isSafeForKeyConversion (src/Storages/MergeTree/MergeTreeData.cpp): which rewriting ALTERs a
 * sorting, primary or partition key column still accepts. */
static int key_safe(const migplan_chtype *a, const migplan_chtype *b)
{
	migplan_chtype_kind ka = kind(a), kb = kind(b);
	if (migplan_chtype_equal(a, b))
		return 1;
	if ((ka == MIGPLAN_CHTYPE_ENUM8 || ka == MIGPLAN_CHTYPE_ENUM16) && ka == kb)
		return enum_values_contained(a, b);
	if ((ka == MIGPLAN_CHTYPE_ENUM8 && is_int(b, 8, 1)) ||
	    (ka == MIGPLAN_CHTYPE_ENUM16 && is_int(b, 16, 1)))
		return 1;
	if (ka == MIGPLAN_CHTYPE_LOW_CARDINALITY)
		return engine_equals(child(a), b);
	if (kb == MIGPLAN_CHTYPE_LOW_CARDINALITY)
		return engine_equals(a, child(b));
	return 0;
}

/* ---- results -------------------------------------------------------------------------- */

static migplan_status make_result(migplan_type_change **out, const migplan_chtype *from,
                                  const migplan_chtype *to, const finding *f, int in_place,
                                  int key_refused)
{
	migplan_type_change *c = calloc(1, sizeof(*c));
	if (!c)
		return migplan__error_oom();
	c->cause = f->cause;
	c->verdict = f->cause == MIGPLAN_CAUSE_NONE ? MIGPLAN_VERDICT_SAFE : MIGPLAN_VERDICT_DESTRUCTIVE;
	c->in_place = in_place;
	c->key_refused = key_refused;
	c->reason = strdup(f->reason[0] ? f->reason : "no rule applies");
	if (c->verdict == MIGPLAN_VERDICT_DESTRUCTIVE && f->example[0])
		c->example = strdup(f->example);
	if (!c->reason || (c->verdict == MIGPLAN_VERDICT_DESTRUCTIVE && f->example[0] && !c->example))
		goto oom;
	if (migplan_chtype_render(from, &c->from) != MIGPLAN_OK ||
	    migplan_chtype_render(to, &c->to) != MIGPLAN_OK) {
		migplan_type_change_free(c);
		return migplan_error_code(migplan_error_last());
	}
	*out = c;
	return MIGPLAN_OK;
oom:
	migplan_type_change_free(c);
	return migplan__error_oom();
}

static void judge_all(finding *f, const migplan_chtype *from, const migplan_chtype *to,
                      int *in_place, int *key_refused)
{
	memset(f, 0, sizeof(*f));
	judge(f, from, to, "", 1);
	*in_place = !f->refused && metadata_only(from, to);
	*key_refused = f->refused || (!*in_place && !key_safe(from, to));
}

migplan_status migplan_type_change_judge_types(migplan_type_change **out, const migplan_chtype *from,
                                               const migplan_chtype *to)
{
	finding f;
	int in_place, key_refused;

	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_type_change_judge_types: out is NULL");
	*out = NULL;
	if (!from || !to)
		return migplan__error(MIGPLAN_EINVAL, "migplan_type_change_judge_types: NULL type");
	judge_all(&f, from, to, &in_place, &key_refused);
	return make_result(out, from, to, &f, in_place, key_refused);
}

migplan_status migplan_type_change_judge(migplan_type_change **out, const char *from, const char *to)
{
	migplan_chtype *a = NULL, *b = NULL;
	migplan_status st;

	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_type_change_judge: out is NULL");
	*out = NULL;
	if (!from || !to)
		return migplan__error(MIGPLAN_EINVAL, "migplan_type_change_judge: NULL type string");
	st = migplan_chtype_parse(&a, from, strlen(from));
	if (st == MIGPLAN_OK)
		st = migplan_chtype_parse(&b, to, strlen(to));
	if (st == MIGPLAN_OK)
		st = migplan_type_change_judge_types(out, a, b);
	migplan_chtype_free(a);
	migplan_chtype_free(b);
	return st;
}

/* ---- column properties ---------------------------------------------------------------- */

/* Expressions compare equal when they differ only in whitespace outside quotes. */
static int same_expression(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b;
	for (;;) {
		while (*a == ' ' || *a == '\t' || *a == '\n')
			a++;
		while (*b == ' ' || *b == '\t' || *b == '\n')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (*a == '\'' || *a == '"' || *a == '`') {
			char q = *a;
			if (*b != q)
				return 0;
			for (a++, b++; *a && *a != q; a++, b++) {
				if (*a != *b)
					return 0;
				if (*a == '\\' && a[1]) {
					a++;
					b++;
					if (*a != *b)
						return 0;
				}
			}
			if (*b != q)
				return 0;
			if (!*a)
				return 1;
			a++;
			b++;
			continue;
		}
		if (*a != *b)
			return 0;
		a++;
		b++;
	}
}

typedef struct expr_kind {
	const char *kind; /* "DEFAULT", "MATERIALIZED", "ALIAS" or NULL */
	const char *expr;
} expr_kind;

static expr_kind column_expr(const migplan_column *c)
{
	expr_kind k = {NULL, NULL};
	if (migplan_column_default(c)) {
		k.kind = "DEFAULT";
		k.expr = migplan_column_default(c);
	} else if (migplan_column_materialized(c)) {
		k.kind = "MATERIALIZED";
		k.expr = migplan_column_materialized(c);
	} else if (migplan_column_alias(c)) {
		k.kind = "ALIAS";
		k.expr = migplan_column_alias(c);
	}
	return k;
}

static int is_computed(const char *kind)
{
	return kind && (strcmp(kind, "MATERIALIZED") == 0 || strcmp(kind, "ALIAS") == 0);
}

/* DEFAULT, MATERIALIZED and ALIAS, as the engine showed them (tests/chdb, property cases). */
static void judge_expression(finding *f, const migplan_column *before, const migplan_column *after)
{
	expr_kind x = column_expr(before), y = column_expr(after);
	char ex[384];

	if (same_text(x.kind, y.kind) && same_expression(x.expr, y.expr))
		return;
	if (!same_text(x.kind, y.kind) && (is_computed(x.kind) || is_computed(y.kind))) {
		text(ex, sizeof(ex), "%s%s%s becomes %s%s%s: SELECT * returns other columns",
		         x.kind ? x.kind : "a plain column", x.expr ? " " : "", x.expr ? x.expr : "",
		         y.kind ? y.kind : "a plain column", y.expr ? " " : "", y.expr ? y.expr : "");
		bad(f, MIGPLAN_CAUSE_PROPERTY_CHANGE, 0, "", ex,
		    "the column changes between plain, DEFAULT, MATERIALIZED and ALIAS: MATERIALIZED and "
		    "ALIAS columns leave SELECT *, and computed values replace stored ones");
		return;
	}
	if (y.kind && strcmp(y.kind, "ALIAS") == 0) {
		text(ex, sizeof(ex), "every row reads %s instead of %s", y.expr, x.expr);
		bad(f, MIGPLAN_CAUSE_PROPERTY_CHANGE, 0, "", ex,
		    "an ALIAS is computed on every read: changing its expression changes every row");
		return;
	}
	text(ex, sizeof(ex), "a row written before the column existed reads %s instead of %s",
	         y.expr ? y.expr : "the type's default", x.expr ? x.expr : "the type's default");
	bad(f, MIGPLAN_CAUSE_PROPERTY_CHANGE, 0, "", ex,
	    "rows in parts written before the column was added have no stored value: ClickHouse "
	    "computes them from the current %s expression on every read (until a merge writes them), "
	    "so changing it changes what they read",
	    y.kind ? y.kind : x.kind);
}

migplan_status migplan_column_change_judge(migplan_type_change **out, const migplan_column *before,
                                           const migplan_column *after)
{
	const migplan_chtype *from, *to;
	const char *ttl_a, *ttl_b;
	finding f;
	int in_place, key_refused;
	char ex[384];

	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_column_change_judge: out is NULL");
	*out = NULL;
	if (!before || !after)
		return migplan__error(MIGPLAN_EINVAL, "migplan_column_change_judge: NULL column");
	from = migplan_column_chtype(before);
	to = migplan_column_chtype(after);
	if (!from || !to)
		return migplan__error(MIGPLAN_EUNSUPPORTED,
		                      "column `%s` has a type with no ClickHouse mapping",
		                      migplan_column_name(from ? after : before)
		                              ? migplan_column_name(from ? after : before)
		                              : "?");
	judge_all(&f, from, to, &in_place, &key_refused);
	judge_expression(&f, before, after);
	ttl_a = migplan_column_ttl(before);
	ttl_b = migplan_column_ttl(after);
	if (ttl_b && !same_expression(ttl_a, ttl_b)) {
		/* materialize_ttl_after_modify: the ALTER runs a mutation that applies the TTL now */
		in_place = 0;
		text(ex, sizeof(ex), "a value whose row is older than `%s` is reset to the default",
		         ttl_b);
		bad(&f, MIGPLAN_CAUSE_PROPERTY_CHANGE, 0, "", ex,
		    "a new or changed column TTL resets every value it expires, at once (ClickHouse "
		    "materializes the TTL after the ALTER) and on later merges; the judge does not "
		    "compare TTL expressions, so a longer TTL counts as a change too");
	}
	if (f.cause == MIGPLAN_CAUSE_NONE && (!same_expression(migplan_column_codec(before),
	                                                       migplan_column_codec(after)) ||
	                                      !same_text(migplan_column_comment(before),
	                                                 migplan_column_comment(after)) ||
	                                      (ttl_a && !ttl_b))) {
		char prev[sizeof(f.reason)];
		text(prev, sizeof(prev), "%s", f.reason);
		text(f.reason, sizeof(f.reason), "%s%sCODEC, COMMENT and removing a TTL only change "
		                                     "metadata: values read the same",
		         prev, prev[0] ? "; " : "");
	}
	return make_result(out, from, to, &f, in_place, key_refused);
}

/* ---- accessors ------------------------------------------------------------------------ */

void migplan_type_change_free(migplan_type_change *c)
{
	if (!c)
		return;
	free(c->reason);
	free(c->example);
	/* from/to come from migplan_chtype_render(): the library's allocator is malloc */
	free(c->from);
	free(c->to);
	free(c);
}

migplan_verdict migplan_type_change_verdict(const migplan_type_change *c)
{
	return c ? c->verdict : MIGPLAN_VERDICT_DESTRUCTIVE;
}

migplan_change_cause migplan_type_change_cause(const migplan_type_change *c)
{
	return c ? c->cause : MIGPLAN_CAUSE_UNKNOWN_PAIR;
}

const char *migplan_type_change_cause_name(migplan_change_cause cause)
{
	switch (cause) {
	case MIGPLAN_CAUSE_NONE: return "none";
	case MIGPLAN_CAUSE_NARROWING: return "narrowing";
	case MIGPLAN_CAUSE_SIGN_CHANGE: return "sign-change";
	case MIGPLAN_CAUSE_PRECISION_LOSS: return "precision-loss";
	case MIGPLAN_CAUSE_SCALE_LOSS: return "scale-loss";
	case MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED: return "nullable-to-required";
	case MIGPLAN_CAUSE_FAMILY_CHANGE: return "family-change";
	case MIGPLAN_CAUSE_PARSE_FAILURE: return "parse-failure";
	case MIGPLAN_CAUSE_ENUM_MEMBER_REMOVED: return "enum-member-removed";
	case MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED: return "enum-member-changed";
	case MIGPLAN_CAUSE_TIMEZONE_CHANGE: return "timezone-change";
	case MIGPLAN_CAUSE_RANGE_CHANGE: return "range-change";
	case MIGPLAN_CAUSE_LENGTH_CHANGE: return "length-change";
	case MIGPLAN_CAUSE_REPRESENTATION_CHANGE: return "representation-change";
	case MIGPLAN_CAUSE_NOT_ALLOWED: return "not-allowed";
	case MIGPLAN_CAUSE_PROPERTY_CHANGE: return "property-change";
	case MIGPLAN_CAUSE_UNKNOWN_PAIR: return "unknown-pair";
	case MIGPLAN_CAUSE_ORDER_CHANGE: return "order-change";
	case MIGPLAN_CAUSE_STRUCTURE_CHANGE: return "structure-change";
	}
	return NULL;
}

const char *migplan_type_change_reason(const migplan_type_change *c)
{
	return c ? c->reason : NULL;
}

const char *migplan_type_change_example(const migplan_type_change *c)
{
	return c ? c->example : NULL;
}

int migplan_type_change_in_place(const migplan_type_change *c)
{
	return c ? c->in_place : 0;
}

int migplan_type_change_key_refused(const migplan_type_change *c)
{
	return c ? c->key_refused : 1;
}

const char *migplan_type_change_from(const migplan_type_change *c)
{
	return c ? c->from : NULL;
}

const char *migplan_type_change_to(const migplan_type_change *c)
{
	return c ? c->to : NULL;
}
