/* JSON Schema (draft 2020-12 subset) validation of document nodes.
 *
 * Loading compiles the schema document once into js_schema structs: keyword values are
 * checked, every $ref is resolved (iteratively, so long $ref chains cannot exhaust the stack),
 * every pattern is translated from ECMA-262 to a POSIX ERE and compiled, and $ref cycles that
 * never descend into the instance are refused. Validation then walks the instance once.
 *
 * oneOf / anyOf run their branches in a cheap "check" mode first (no records, early exit).
 * Only when no branch matches are the branches run again collecting violations, and only the
 * best-fitting branch's records are kept (kept records are compacted in place, so a branch
 * costs nothing once it loses). A valid plan is therefore validated in time linear in its size.
 *
 * Patterns: ECMA constructs are translated (\d \w \s and their negations, (?:), lazy
 * quantifiers, which find a match exactly when greedy ones do, a stray { read literally);
 * anything POSIX cannot express (lookarounds, back-references, \b, Unicode escapes beyond
 * ASCII) makes the schema unusable rather than passing silently. `.` and negated classes
 * consume one UTF-8 character (ECMA counts UTF-16 units, which differs only outside the
 * BMP). Patterns follow the locale that is current when the schema is loaded.
 */
#include "doc.h"
#include "error.h"
#include "migplan/schema.h"
#include "strbuf.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest chain of $ref / allOf / anyOf / oneOf / not applied to one value without descending
 * into it, and the deepest recursion validation accepts. They keep the C stack bounded. */
#define JS_MAX_INPLACE 128u
#define JS_MAX_FRAMES 4096u

/* ------------------------------------------------------------------------------------------ */
/* Growable byte buffer: lib/strbuf.h                                                          */

/* Appends one JSON pointer segment, escaped as RFC 6901 asks. */
static void buf_add_segment(migplan__sb *b, const char *s, size_t n)
{
	migplan__sb_putc(b, '/');
	size_t run = 0; /* start of the current run of plain characters */
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '~' && s[i] != '/')
			continue;
		migplan__sb_append(b, s + run, i - run);
		migplan__sb_append(b, s[i] == '~' ? "~0" : "~1", 2);
		run = i + 1;
	}
	migplan__sb_append(b, s + run, n - run);
}

/* ------------------------------------------------------------------------------------------ */
/* Node helpers                                                                                */

static migplan_node_kind kind_of(const migplan_node *n)
{
	return n ? migplan__kind(n) : MIGPLAN_NODE_NULL;
}

static int is_number_kind(migplan_node_kind k)
{
	return k == MIGPLAN_NODE_INT || k == MIGPLAN_NODE_FLOAT;
}

static int text_is(const migplan_node *n, const char *s, size_t len)
{
	return migplan__slen(n) == len && memcmp(migplan__sptr(n), s, len) == 0;
}

/* Index of @p key in a mapping, or -1. Keys are compared as bytes. */
static long map_find(const migplan_node *map, const char *key, size_t len)
{
	if (kind_of(map) != MIGPLAN_NODE_MAP)
		return -1;
	for (uint32_t i = 0; i < migplan__nkids(map); i++)
		if (text_is(migplan__key(map, i), key, len))
			return (long)i;
	return -1;
}

/* Number of code points, as JSON Schema counts string length. */
static size_t utf8_length(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

/* ------------------------------------------------------------------------------------------ */
/* Numbers                                                                                     */

/* A number from a node. Integers inside int64 are kept exactly; everything is also held as a
 * long double, which compares every int64 exactly on the usual x86-64 / AArch64 ABIs. */
typedef struct js_num {
	int is_int;
	int64_t i;
	long double d;
} js_num;

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* YAML 1.2 core integers ([-+]digits, 0x, 0o, 0b) and JSON integers. Does not touch the
 * thread's error record, unlike migplan_node_int(). */
static int parse_int(const char *s, size_t len, js_num *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	unsigned base = 10;
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
		base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
		i += 2;
	}
	if (i == len)
		return 0;
	uint64_t v = 0;
	int overflow = 0;
	long double d = 0;
	for (; i < len; i++) {
		int dv = digit_value(s[i]);
		if (dv < 0 || (unsigned)dv >= base)
			return 0;
		if (v > (UINT64_MAX - (unsigned)dv) / base)
			overflow = 1;
		else
			v = v * base + (unsigned)dv;
		d = d * base + dv;
	}
	out->d = neg ? -d : d;
	out->is_int = 0;
	if (!overflow && (neg ? v <= (uint64_t)INT64_MAX + 1u : v <= (uint64_t)INT64_MAX)) {
		out->is_int = 1;
		out->i = neg ? (v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	}
	return 1;
}

static int lower_eq(const char *s, size_t len, const char *lower)
{
	size_t n = strlen(lower);
	if (len != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lower[i])
			return 0;
	}
	return 1;
}

/* Decimal floats, .inf and .nan. Parsed by hand rather than with strtod, whose decimal point
 * follows the process locale; schema and instance go through the same code, so equal
 * spellings always compare equal. */
static int parse_float(const char *s, size_t len, js_num *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	out->is_int = 0;
	if (lower_eq(s + i, len - i, ".inf")) {
		out->d = neg ? -HUGE_VALL : HUGE_VALL;
		return 1;
	}
	if (lower_eq(s + i, len - i, ".nan")) {
		out->d = NAN;
		return 1;
	}
	uint64_t mant = 0;
	int nd = 0, any = 0;
	long exp10 = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, any = 1) {
		if (nd < 19) {
			mant = mant * 10 + (uint64_t)(s[i] - '0');
			nd += mant != 0;
		} else {
			exp10++;
		}
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, any = 1) {
			if (nd < 19) {
				mant = mant * 10 + (uint64_t)(s[i] - '0');
				nd += mant != 0;
				exp10--;
			}
		}
	}
	if (!any)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		int eneg = 0;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i == len)
			return 0;
		long e = 0;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
		exp10 += eneg ? -e : e;
	}
	if (i != len)
		return 0;
	long double d = (long double)mant * powl(10.0L, (long double)exp10);
	out->d = neg ? -d : d;
	return 1;
}

static int num_of(const migplan_node *n, js_num *out)
{
	if (kind_of(n) == MIGPLAN_NODE_INT)
		return parse_int(migplan__sptr(n), migplan__slen(n), out);
	if (kind_of(n) == MIGPLAN_NODE_FLOAT)
		return parse_float(migplan__sptr(n), migplan__slen(n), out);
	return 0;
}

/* -1, 0, 1, or 2 when the values are unordered (NaN). */
static int num_cmp(const js_num *a, const js_num *b)
{
	if (a->is_int && b->is_int)
		return a->i < b->i ? -1 : a->i > b->i;
	if (isnan(a->d) || isnan(b->d))
		return 2;
	return a->d < b->d ? -1 : a->d > b->d;
}

/* JSON Schema calls 1.0 an integer too. */
static int num_is_integral(const js_num *n)
{
	return n->is_int || (isfinite(n->d) && n->d == floorl(n->d));
}

/* ------------------------------------------------------------------------------------------ */
/* JSON value equality (const, enum)                                                           */

static int values_equal(const migplan_node *a, const migplan_node *b)
{
	migplan_node_kind ka = kind_of(a), kb = kind_of(b);
	if (is_number_kind(ka) && is_number_kind(kb)) {
		js_num x, y;
		return num_of(a, &x) && num_of(b, &y) && num_cmp(&x, &y) == 0;
	}
	if (ka != kb)
		return 0;
	switch (ka) {
	case MIGPLAN_NODE_NULL:
		return 1;
	case MIGPLAN_NODE_BOOL:
		return migplan_node_bool(a) == migplan_node_bool(b);
	case MIGPLAN_NODE_STRING:
		return text_is(a, migplan__sptr(b), migplan__slen(b));
	case MIGPLAN_NODE_SEQ:
		if (migplan__nkids(a) != migplan__nkids(b))
			return 0;
		for (uint32_t i = 0; i < migplan__nkids(a); i++)
			if (!values_equal(migplan__item(a, i), migplan__item(b, i)))
				return 0;
		return 1;
	case MIGPLAN_NODE_MAP:
		if (migplan__nkids(a) != migplan__nkids(b))
			return 0;
		for (uint32_t i = 0; i < migplan__nkids(a); i++) {
			const migplan_node *k = migplan__key(a, i);
			long j = map_find(b, migplan__sptr(k), migplan__slen(k));
			if (j < 0 || !values_equal(migplan__val(a, i), migplan__val(b, j)))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------------------------------ */
/* ECMA-262 pattern -> POSIX ERE                                                               */

typedef struct js_regex {
	regex_t re;
	struct js_regex *next;
	const char *source;  /* the ECMA pattern, for messages */
	char *prefix;        /* literal every match starts with ("^lit..."), a cheap pre-check */
	size_t prefix_len;
} js_regex;

/* ERE metacharacters that keep their meaning after a backslash escape. */
static int ere_special(char c)
{
	return c != '\0' && strchr(".[]()*+?{}|^$\\", c) != NULL;
}

static void emit_literal(migplan__sb *b, char c)
{
	if (ere_special(c) && c != ']' && c != '}')
		migplan__sb_putc(b, '\\');
	migplan__sb_putc(b, c);
}

/* An ASCII character set, built for one bracket expression. */
typedef struct js_cset {
	unsigned char in[128];
} js_cset;

static void cset_range(js_cset *set, int lo, int hi)
{
	for (int c = lo; c <= hi; c++)
		set->in[c] = 1;
}

static void cset_class(js_cset *set, char cls)
{
	switch (cls) {
	case 'd':
		cset_range(set, '0', '9');
		break;
	case 'w':
		cset_range(set, '0', '9');
		cset_range(set, 'A', 'Z');
		cset_range(set, 'a', 'z');
		set->in['_'] = 1;
		break;
	case 's':
		/* ECMA \s also has Unicode spaces; the ASCII ones are what plans contain */
		cset_range(set, '\t', '\r');
		set->in[' '] = 1;
		break;
	}
}

/* Emits a bracket expression listing every member, no ranges: POSIX ranges follow the
 * collation order of the locale, single characters do not.
 *
 * ECMA matches characters; regexec matches what the locale says: characters in a UTF-8
 * locale, bytes in a single-byte locale such as "C". With @p bytes set (a single-byte
 * locale), a negated set must still consume a whole UTF-8 character, so it becomes "one
 * ASCII byte outside the set, or one lead byte with its continuation bytes". */
static void cset_emit(migplan__sb *b, const js_cset *set, int negated, int bytes)
{
	static const char high[] = { '\x80', '-', '\xff', '\0' };
	static const char utf8_char[] = { '|', '[', '\xc0', '-', '\xff', ']', '[', '\x80', '-',
	                                   '\xbf', ']', '*', ')', '\0' };
	int count = 0, last = -1, others = 0;
	for (int c = 1; c < 128; c++) {
		if (!set->in[c])
			continue;
		count++;
		last = c;
		others += c != ']' && c != '-' && c != '^';
	}
	if (count == 1 && !negated) {
		emit_literal(b, (char)last);
		return;
	}
	int wide = negated && bytes;
	if (wide)
		migplan__sb_putc(b, '(');
	/* `]` must come first, `-` last, and `^` anywhere but first */
	migplan__sb_putc(b, '[');
	if (negated)
		migplan__sb_putc(b, '^');
	if (set->in[']']) {
		migplan__sb_putc(b, ']');
	} else if (set->in['^'] && set->in['-'] && !others && !negated) {
		migplan__sb_append(b, "-^]", 3); /* exactly { '^', '-' } */
		return;
	}
	for (int c = 1; c < 128; c++)
		if (set->in[c] && c != ']' && c != '-' && c != '^')
			migplan__sb_putc(b, (char)c);
	if (set->in['^'])
		migplan__sb_putc(b, '^');
	if (wide)
		migplan__sb_puts(b, high);
	if (set->in['-'])
		migplan__sb_putc(b, '-');
	migplan__sb_putc(b, ']');
	if (wide)
		migplan__sb_puts(b, utf8_char);
}

static int hex_value(const char *s, size_t n, size_t digits, unsigned *out)
{
	unsigned v = 0;
	if (n < digits)
		return 0;
	for (size_t i = 0; i < digits; i++) {
		int d = digit_value(s[i]);
		if (d > 15)
			return 0;
		v = v * 16 + (unsigned)d;
	}
	*out = v;
	return 1;
}

/* One escape after a backslash at s[*i] (s[*i] is the character after the backslash). Sets
 * *ch to a single character, or *cls to d/D/w/W/s/S. Returns NULL or why it is unsupported. */
static const char *parse_escape(const char *s, size_t n, size_t *i, int *ch, char *cls)
{
	char e = s[*i];
	unsigned v;
	*cls = 0;
	*ch = -1;
	switch (e) {
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
		*cls = e;
		return NULL;
	case 't': *ch = '\t'; return NULL;
	case 'n': *ch = '\n'; return NULL;
	case 'r': *ch = '\r'; return NULL;
	case 'f': *ch = '\f'; return NULL;
	case 'v': *ch = '\v'; return NULL;
	case 'x':
		if (!hex_value(s + *i + 1, n - *i - 1, 2, &v) || v == 0 || v > 0x7F)
			return "\\x escapes other than ASCII \\x01-\\x7f are not supported";
		*i += 2;
		*ch = (int)v;
		return NULL;
	case 'u':
		if (!hex_value(s + *i + 1, n - *i - 1, 4, &v) || v == 0 || v > 0x7F)
			return "\\u escapes other than ASCII \\u0001-\\u007f are not supported";
		*i += 4;
		*ch = (int)v;
		return NULL;
	case 'b': case 'B':
		return "word boundaries (\\b, \\B) are not supported";
	case 'k':
		return "named back-references are not supported";
	case 'p': case 'P':
		return "Unicode property escapes are not supported";
	case 'c':
		return "control escapes (\\c) are not supported";
	default:
		break;
	}
	if (e >= '0' && e <= '9')
		return "back-references and \\0 are not supported";
	if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (unsigned char)e >= 0x80 || e == '\0')
		return "unknown escape";
	*ch = (unsigned char)e; /* escaped punctuation is the character itself */
	return NULL;
}

/* Translates a class [...] starting at s[*i] == '['; *i ends after the ']'. */
static const char *translate_class(const char *s, size_t n, size_t *i, migplan__sb *out, int bytes)
{
	js_cset set;
	memset(&set, 0, sizeof set);
	size_t p = *i + 1;
	int negated = 0;
	if (p < n && s[p] == '^') {
		negated = 1;
		p++;
	}
	if (p < n && s[p] == ']')
		return negated ? "[^] is not supported" : "the empty class [] is not supported";
	while (p < n && s[p] != ']') {
		int ch = -1;
		char cls = 0;
		if (s[p] == '\\') {
			p++;
			if (p >= n)
				return "pattern ends inside an escape";
			const char *why = parse_escape(s, n, &p, &ch, &cls);
			if (why)
				return why;
			if (cls == 'D' || cls == 'W' || cls == 'S')
				return "negated class escapes (\\D, \\W, \\S) inside [...] are not supported";
			p++;
		} else {
			if ((unsigned char)s[p] >= 0x80)
				return "non-ASCII characters inside [...] are not supported";
			ch = (unsigned char)s[p++];
		}
		if (cls) {
			cset_class(&set, cls);
			continue;
		}
		/* a range a-b? */
		if (p + 1 < n && s[p] == '-' && s[p + 1] != ']') {
			size_t q = p + 1;
			int hi = -1;
			char hcls = 0;
			if (s[q] == '\\') {
				q++;
				const char *why = parse_escape(s, n, &q, &hi, &hcls);
				if (why)
					return why;
				if (hcls)
					return "a class escape cannot end a range";
			} else {
				if ((unsigned char)s[q] >= 0x80)
					return "non-ASCII characters inside [...] are not supported";
				hi = (unsigned char)s[q];
			}
			if (hi < ch)
				return "range out of order in [...]";
			cset_range(&set, ch, hi);
			p = q + 1;
			continue;
		}
		set.in[ch] = 1;
	}
	if (p >= n)
		return "unterminated [...]";
	cset_emit(out, &set, negated, bytes);
	*i = p + 1;
	return NULL;
}

/* Is there a valid {n}, {n,} or {n,m} quantifier at s[i]? Sets *end past the '}'. */
static int quantifier_at(const char *s, size_t n, size_t i, size_t *end)
{
	size_t p = i + 1, digits = 0;
	while (p < n && s[p] >= '0' && s[p] <= '9') {
		p++;
		digits++;
	}
	if (!digits)
		return 0;
	if (p < n && s[p] == ',') {
		p++;
		while (p < n && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	if (p >= n || s[p] != '}')
		return 0;
	*end = p + 1;
	return 1;
}

/* What regcomp is asked to build, bounded. glibc parses groups recursively and expands a
 * counted repetition x{n,m} into m copies of x, so nested ones multiply: 30,000 nested
 * groups overflowed the stack, and ((a{1,255}){1,255}){1,255} took 24 GB and 50 s (found by
 * fuzzing). Each atom counts 1, a group one more than what it holds (an empty group is still
 * nodes to regcomp: (()){1,255}){1,255} overflowed its stack), and a repetition multiplies
 * what it repeats; a pattern past these bounds is refused. Real ones (`\d{1,3}`) are far
 * below. */
#define PATTERN_MAX_GROUPS 100
#define PATTERN_MAX_COPIES 2000

typedef struct pattern_cost {
	size_t sum[PATTERN_MAX_GROUPS + 1]; /* copies in each open group so far */
	size_t depth;
	size_t last;                        /* copies in the last atom or group */
} pattern_cost;

static const char *cost_add(pattern_cost *k, size_t copies)
{
	k->last = copies;
	k->sum[k->depth] += copies;
	if (k->sum[k->depth] > PATTERN_MAX_COPIES)
		return "pattern too large once its counted repetitions are expanded (more than 2000 "
		       "copies): POSIX regcomp cannot build it in bounded memory";
	return NULL;
}

static const char *cost_open(pattern_cost *k)
{
	if (k->depth == PATTERN_MAX_GROUPS)
		return "groups nested more than 100 deep";
	k->sum[++k->depth] = 0;
	k->last = 0;
	return NULL;
}

static const char *cost_close(pattern_cost *k)
{
	if (!k->depth)
		return NULL; /* unbalanced: regcomp refuses it */
	size_t inner = k->sum[k->depth--];
	return cost_add(k, inner + 1);
}

/* The quantifier at s[i] (valid, see quantifier_at) repeats the last item: how many copies
 * regcomp makes of it (`+` one more, `*` and `?` none, {n} n, {n,} n + 1, {n,m} m). */
static const char *cost_repeat(pattern_cost *k, const char *s, size_t i)
{
	size_t copies = 1;
	if (s[i] == '+') {
		copies = 2;
	} else if (s[i] == '{') {
		size_t a = 0, b = 0, p = i + 1;
		int comma = 0, upper = 0;
		for (; s[p] != '}'; p++) {
			if (s[p] == ',') {
				comma = 1;
			} else {
				size_t *v = comma ? &b : &a;
				upper |= comma;
				/* saturate: anything this large is refused below anyway */
				*v = *v > PATTERN_MAX_COPIES ? *v : *v * 10 + (size_t)(s[p] - '0');
			}
		}
		copies = !comma ? a : upper ? b : a + 1;
		if (copies == 0)
			copies = 1;
	}
	/* item <= PATTERN_MAX_COPIES and copies < 10 * PATTERN_MAX_COPIES + 10: no overflow */
	size_t item = k->last;
	k->sum[k->depth] -= item; /* counted once already: count it with its copies instead */
	return cost_add(k, item * copies > PATTERN_MAX_COPIES ? PATTERN_MAX_COPIES + 1 : item * copies);
}

/* Translates the ECMA-262 pattern s[0..n) to a POSIX ERE. Returns NULL or the reason the
 * pattern cannot be expressed (with *at the byte offset of the construct). */
static const char *translate_pattern(const char *s, size_t n, migplan__sb *out, size_t *at,
                                     int bytes)
{
	size_t i = 0;
	pattern_cost cost;
	memset(&cost, 0, sizeof cost);
	const char *why = NULL;
	while (i < n) {
		if (why)
			return why; /* *at still names the construct that went over a bound */
		char c = s[i];
		*at = i;
		if (c == '\0')
			return "NUL characters in patterns are not supported";
		if (c == '\\') {
			if (++i >= n)
				return "pattern ends with a backslash";
			int ch;
			char cls;
			why = parse_escape(s, n, &i, &ch, &cls);
			if (why)
				return why;
			i++;
			why = cost_add(&cost, 1);
			if (cls) {
				js_cset set;
				memset(&set, 0, sizeof set);
				cset_class(&set, (char)(cls | 0x20));
				cset_emit(out, &set, cls >= 'A' && cls <= 'Z', bytes);
			} else {
				emit_literal(out, (char)ch);
			}
			continue;
		}
		if (c == '[') {
			why = translate_class(s, n, &i, out, bytes);
			if (why)
				return why;
			why = cost_add(&cost, 1);
			continue;
		}
		if (c == '(') {
			if (i + 1 < n && s[i + 1] == '?') {
				if (i + 2 < n && s[i + 2] == ':') {
					migplan__sb_putc(out, '(');
					i += 3;
					why = cost_open(&cost);
					continue;
				}
				return "lookaround assertions and named groups are not supported";
			}
			migplan__sb_putc(out, '(');
			i++;
			why = cost_open(&cost);
			continue;
		}
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			size_t end = i + 1;
			if (c == '{' && !quantifier_at(s, n, i, &end)) {
				/* ECMA (Annex B) reads a stray { literally */
				migplan__sb_append(out, "\\{", 2);
				i++;
				why = cost_add(&cost, 1);
				continue;
			}
			if ((why = cost_repeat(&cost, s, i)))
				return why;
			migplan__sb_append(out, s + i, end - i);
			i = end;
			/* a lazy quantifier finds a match exactly when the greedy one does */
			if (i < n && s[i] == '?')
				i++;
			/* ECMA-262 refuses a quantifier of a quantifier (`a++`, `a*{2}`: nothing to
			 * repeat), and POSIX regcomp would expand a run of them without bound */
			size_t qend;
			if (i < n && (s[i] == '*' || s[i] == '+' || s[i] == '?' ||
			              (s[i] == '{' && quantifier_at(s, n, i, &qend))))
				return "a quantifier cannot follow a quantifier (nothing to repeat)";
			continue;
		}
		if (c == '.') {
			js_cset set;
			memset(&set, 0, sizeof set);
			set.in['\n'] = set.in['\r'] = 1;
			cset_emit(out, &set, 1, bytes);
			i++;
			why = cost_add(&cost, 1);
			continue;
		}
		if ((unsigned char)c >= 0x80) {
			/* group the UTF-8 sequence so that a following quantifier applies to all of it */
			size_t j = i + 1;
			while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
				j++;
			migplan__sb_putc(out, '(');
			migplan__sb_append(out, s + i, j - i);
			migplan__sb_putc(out, ')');
			i = j;
			why = cost_add(&cost, 1);
			continue;
		}
		if (c == ']' || c == '}') {
			migplan__sb_putc(out, c);
			i++;
			why = cost_add(&cost, 1);
			continue;
		}
		/* ^ $ | ) and ordinary characters mean the same in both dialects */
		migplan__sb_putc(out, c);
		i++;
		if (c == ')')
			why = cost_close(&cost);
		else if (c != '^' && c != '$' && c != '|')
			why = cost_add(&cost, 1);
	}
	return why;
}

/* The literal text every match must start with, for "^literal..." patterns without '|'. */
static size_t literal_prefix(const char *s, size_t n, char *out)
{
	if (n == 0 || s[0] != '^' || memchr(s, '|', n))
		return 0;
	size_t len = 0, i = 1;
	while (i < n) {
		char c = s[i];
		size_t next;
		if (c == '\\') {
			if (i + 1 >= n)
				break;
			char e = s[i + 1];
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9') ||
			    (unsigned char)e >= 0x80)
				break;
			c = e;
			next = i + 2;
		} else if (ere_special(c) || (unsigned char)c >= 0x80) {
			break;
		} else {
			next = i + 1;
		}
		/* a quantified character is optional or repeated: stop before it */
		if (next < n && strchr("*+?{", s[next]))
			break;
		out[len++] = c;
		i = next;
	}
	return len;
}

/* ------------------------------------------------------------------------------------------ */
/* Compiled schema                                                                             */

enum {
	T_NULL = 1,
	T_BOOL = 2,
	T_INT = 4,
	T_NUM = 8,
	T_STR = 16,
	T_ARR = 32,
	T_OBJ = 64
};

static const struct {
	const char *name;
	unsigned bit;
} type_names[] = {
	{ "null", T_NULL }, { "boolean", T_BOOL }, { "integer", T_INT }, { "number", T_NUM },
	{ "string", T_STR }, { "array", T_ARR }, { "object", T_OBJ },
};

/* Places where Moose's schema disagrees with what Moose writes (FORMAT.md 1.8), found by the
 * schema location so that a schema without those definitions gets no special treatment. */
enum {
	TAG_NONE = 0,
	TAG_COLUMN_TYPE,  /* #/$defs/ColumnType: JSON objects, FixedString(n), geo types */
	TAG_TABLE_INDEX,  /* #/$defs/TableIndex: `type` written for `index_type` */
	TAG_ENUM_INT,     /* #/$defs/EnumValue/.../properties/Int: i16, not u8 */
	TAG_ORDER_BY      /* #/$defs/Table/properties/order_by: may be one string */
};

enum {
	NUM_MIN = 1,
	NUM_MAX = 2,
	NUM_XMIN = 4,
	NUM_XMAX = 8
};

typedef struct js_schema js_schema;

typedef struct js_prop {
	const char *name;
	uint32_t len;
	js_schema *schema;
} js_prop;

struct js_schema {
	const migplan_node *node;
	const char *path;      /* "#/$defs/Column" */
	int8_t boolean;        /* 1 / 0 for true / false schemas, -1 for objects */
	uint8_t tag;           /* TAG_* */
	uint8_t mark;          /* cycle check: 0 new, 1 on the stack, 2 done */
	unsigned types;        /* T_* bits; 0 means any */
	unsigned num_flags;    /* NUM_* */
	const migplan_node *const_v; /* NULL when absent (a JSON null is a node) */
	const migplan_node *enum_v;
	const migplan_node *num_node[4]; /* minimum, maximum, exclusiveMinimum, exclusiveMaximum */
	js_num num[4];
	js_regex *pattern;
	int64_t min_len, max_len, min_items, max_items; /* -1 when absent */
	const migplan_node *required; /* sequence of strings */
	js_prop *props;
	uint32_t nprops;
	uint32_t nprefix, nall, nany, none;
	js_schema *additional;
	js_schema **prefix;
	js_schema *items;
	js_schema **all_of, **any_of, **one_of;
	js_schema *not_s;
	js_schema *ref;
	const migplan_node *ref_node;
};

struct migplan_schema {
	migplan__arena arena;   /* compiled schemas, paths */
	migplan__doc *doc;      /* the schema document; nodes are borrowed from it */
	js_schema *root;
	js_regex *regexes;      /* to regfree */
};

typedef struct js_memo_slot {
	const migplan_node *node;
	js_schema *schema;
} js_memo_slot;

typedef struct js_compiler {
	migplan_schema *out;
	js_memo_slot *memo;
	size_t memo_cap, memo_len;
	js_schema **all;        /* every compiled schema, in creation order */
	size_t nall, all_cap;
} js_compiler;

static size_t memo_hash(const migplan_node *n, size_t cap)
{
	uintptr_t v = (uintptr_t)n;
	v ^= v >> 17;
	v *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(v >> 7) & (cap - 1);
}

static js_schema *memo_get(const js_compiler *c, const migplan_node *n)
{
	if (!c->memo_cap)
		return NULL;
	for (size_t h = memo_hash(n, c->memo_cap);; h = (h + 1) & (c->memo_cap - 1)) {
		if (!c->memo[h].node)
			return NULL;
		if (c->memo[h].node == n)
			return c->memo[h].schema;
	}
}

static int memo_put(js_compiler *c, const migplan_node *n, js_schema *s)
{
	if ((c->memo_len + 1) * 2 > c->memo_cap) {
		size_t cap = c->memo_cap ? c->memo_cap * 2 : 64;
		js_memo_slot *m = calloc(cap, sizeof *m);
		if (!m)
			return 0;
		for (size_t i = 0; i < c->memo_cap; i++) {
			if (!c->memo[i].node)
				continue;
			size_t h = memo_hash(c->memo[i].node, cap);
			while (m[h].node)
				h = (h + 1) & (cap - 1);
			m[h] = c->memo[i];
		}
		free(c->memo);
		c->memo = m;
		c->memo_cap = cap;
	}
	size_t h = memo_hash(n, c->memo_cap);
	while (c->memo[h].node)
		h = (h + 1) & (c->memo_cap - 1);
	c->memo[h].node = n;
	c->memo[h].schema = s;
	c->memo_len++;
	if (c->nall == c->all_cap) {
		size_t cap = c->all_cap ? c->all_cap * 2 : 64;
		js_schema **a = realloc(c->all, cap * sizeof *a);
		if (!a)
			return 0;
		c->all = a;
		c->all_cap = cap;
	}
	c->all[c->nall++] = s;
	return 1;
}

static const char *path_join(js_compiler *c, const char *parent, const char *seg, size_t n)
{
	migplan__sb b = MIGPLAN__SB_INIT;
	migplan__sb_puts(&b, parent);
	buf_add_segment(&b, seg, n);
	const char *r = b.failed ? NULL : migplan__arena_strndup(&c->out->arena, b.ptr, b.len);
	free(b.ptr);
	return r;
}

static const char *path_index(js_compiler *c, const char *parent, size_t i)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%zu", i);
	return path_join(c, parent, tmp, (size_t)n);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static uint8_t moose_tag(const char *path)
{
	if (ends_with(path, "/$defs/ColumnType"))
		return TAG_COLUMN_TYPE;
	if (ends_with(path, "/$defs/TableIndex"))
		return TAG_TABLE_INDEX;
	if (strncmp(path, "#/$defs/EnumValue/", 18) == 0 && ends_with(path, "/properties/Int"))
		return TAG_ENUM_INT;
	if (ends_with(path, "/$defs/Table/properties/order_by"))
		return TAG_ORDER_BY;
	return TAG_NONE;
}

static js_schema *compile_schema(js_compiler *c, const migplan_node *node, const char *path);

static migplan_status oom_status(void)
{
	return migplan__error_oom();
}

/* Keywords, by what the compiler does with them. */
enum {
	KWC_IGNORE,      /* annotations */
	KWC_UNSUPPORTED, /* assertions this validator does not implement: refuse the schema */
	KWC_TYPE, KWC_CONST, KWC_ENUM, KWC_PATTERN, KWC_MINLEN, KWC_MAXLEN,
	KWC_MINIMUM, KWC_MAXIMUM, KWC_XMIN, KWC_XMAX,
	KWC_REQUIRED, KWC_PROPERTIES, KWC_ADDITIONAL, KWC_ITEMS, KWC_PREFIX,
	KWC_MINITEMS, KWC_MAXITEMS, KWC_ALLOF, KWC_ANYOF, KWC_ONEOF, KWC_NOT,
	KWC_REF, KWC_DEFS, KWC_ID
};

static const struct {
	const char *name;
	int what;
} keyword_table[] = {
	{ "type", KWC_TYPE }, { "const", KWC_CONST }, { "enum", KWC_ENUM },
	{ "pattern", KWC_PATTERN }, { "minLength", KWC_MINLEN }, { "maxLength", KWC_MAXLEN },
	{ "minimum", KWC_MINIMUM }, { "maximum", KWC_MAXIMUM },
	{ "exclusiveMinimum", KWC_XMIN }, { "exclusiveMaximum", KWC_XMAX },
	{ "required", KWC_REQUIRED }, { "properties", KWC_PROPERTIES },
	{ "additionalProperties", KWC_ADDITIONAL }, { "items", KWC_ITEMS },
	{ "prefixItems", KWC_PREFIX }, { "minItems", KWC_MINITEMS }, { "maxItems", KWC_MAXITEMS },
	{ "allOf", KWC_ALLOF }, { "anyOf", KWC_ANYOF }, { "oneOf", KWC_ONEOF }, { "not", KWC_NOT },
	{ "$ref", KWC_REF }, { "$defs", KWC_DEFS }, { "definitions", KWC_DEFS }, { "$id", KWC_ID },
	{ "patternProperties", KWC_UNSUPPORTED }, { "propertyNames", KWC_UNSUPPORTED },
	{ "dependentRequired", KWC_UNSUPPORTED }, { "dependentSchemas", KWC_UNSUPPORTED },
	{ "dependencies", KWC_UNSUPPORTED }, { "if", KWC_UNSUPPORTED },
	{ "then", KWC_UNSUPPORTED }, { "else", KWC_UNSUPPORTED },
	{ "contains", KWC_UNSUPPORTED }, { "minContains", KWC_UNSUPPORTED },
	{ "maxContains", KWC_UNSUPPORTED }, { "uniqueItems", KWC_UNSUPPORTED },
	{ "multipleOf", KWC_UNSUPPORTED }, { "minProperties", KWC_UNSUPPORTED },
	{ "maxProperties", KWC_UNSUPPORTED }, { "unevaluatedItems", KWC_UNSUPPORTED },
	{ "unevaluatedProperties", KWC_UNSUPPORTED }, { "additionalItems", KWC_UNSUPPORTED },
	{ "$dynamicRef", KWC_UNSUPPORTED }, { "$recursiveRef", KWC_UNSUPPORTED },
};

static int keyword_kind(const migplan_node *key)
{
	for (size_t i = 0; i < sizeof keyword_table / sizeof keyword_table[0]; i++) {
		const char *name = keyword_table[i].name;
		if (text_is(key, name, strlen(name)))
			return keyword_table[i].what;
	}
	return KWC_IGNORE;
}

static int compile_type(js_schema *s, const migplan_node *val)
{
	const migplan_node *one = val;
	uint32_t n = 1;
	if (kind_of(val) == MIGPLAN_NODE_SEQ) {
		n = migplan__nkids(val);
		if (n == 0)
			return migplan__error_node(MIGPLAN_ESCHEMA, val, "\"type\" must not be empty"), 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (kind_of(val) == MIGPLAN_NODE_SEQ)
			one = migplan__item(val, i);
		unsigned bit = 0;
		if (kind_of(one) == MIGPLAN_NODE_STRING)
			for (size_t t = 0; t < sizeof type_names / sizeof type_names[0]; t++)
				if (text_is(one, type_names[t].name, strlen(type_names[t].name)))
					bit = type_names[t].bit;
		if (!bit)
			return migplan__error_node(MIGPLAN_ESCHEMA, one,
			                           "\"type\" must be one of null, boolean, integer, "
			                           "number, string, array, object, or a list of them"), 0;
		s->types |= bit;
	}
	/* every integer is a number */
	if (s->types & T_NUM)
		s->types |= T_INT;
	return 1;
}

static int compile_count(const migplan_node *val, const char *kw, int64_t *out)
{
	js_num v;
	if (!num_of(val, &v) || !num_is_integral(&v) || v.d < 0 || v.d > (long double)INT64_MAX)
		return migplan__error_node(MIGPLAN_ESCHEMA, val,
		                           "\"%s\" must be a non-negative integer", kw), 0;
	*out = v.is_int ? v.i : (int64_t)v.d;
	return 1;
}

static int compile_pattern(js_compiler *c, js_schema *s, const migplan_node *val)
{
	if (kind_of(val) != MIGPLAN_NODE_STRING)
		return migplan__error_node(MIGPLAN_ESCHEMA, val, "\"pattern\" must be a string"), 0;
	migplan__sb ere = MIGPLAN__SB_INIT;
	size_t at = 0;
	/* regcomp reads the pattern in the current locale: see cset_emit */
	const char *why = translate_pattern(migplan__sptr(val), migplan__slen(val), &ere, &at, MB_CUR_MAX == 1);
	if (ere.failed) {
		free(ere.ptr);
		return oom_status(), 0;
	}
	if (why) {
		free(ere.ptr);
		/* a long pattern is cut, so that the reason fits in the message */
		return migplan__error_node(MIGPLAN_ESCHEMA, val,
		                           "pattern \"%.100s%s\" cannot be used: %s (at character %zu)",
		                           migplan__sptr(val), migplan__slen(val) > 100 ? "..." : "", why, at + 1), 0;
	}
	js_regex *r = migplan__arena_zalloc(&c->out->arena, sizeof *r);
	char *prefix = r ? migplan__arena_alloc(&c->out->arena, migplan__slen(val) + 1) : NULL;
	if (!prefix) {
		free(ere.ptr);
		return oom_status(), 0;
	}
	int rc = regcomp(&r->re, ere.ptr ? ere.ptr : "", REG_EXTENDED | REG_NOSUB);
	free(ere.ptr);
	if (rc != 0) {
		char msg[160];
		regerror(rc, &r->re, msg, sizeof msg);
		return migplan__error_node(MIGPLAN_ESCHEMA, val, "pattern \"%.100s%s\" is invalid: %s",
		                           migplan__sptr(val), migplan__slen(val) > 100 ? "..." : "", msg), 0;
	}
	r->next = c->out->regexes;
	c->out->regexes = r;
	r->source = migplan__sptr(val);
	r->prefix_len = literal_prefix(migplan__sptr(val), migplan__slen(val), prefix);
	r->prefix = prefix;
	s->pattern = r;
	return 1;
}

/* A list of subschemas (allOf, anyOf, oneOf, prefixItems). */
static int compile_list(js_compiler *c, const migplan_node *val, const char *path, const char *kw,
                        js_schema ***out, uint32_t *count)
{
	if (kind_of(val) != MIGPLAN_NODE_SEQ || migplan__nkids(val) == 0)
		return migplan__error_node(MIGPLAN_ESCHEMA, val,
		                           "\"%s\" must be a non-empty array of schemas", kw), 0;
	const char *base = path_join(c, path, kw, strlen(kw));
	js_schema **list = base ? migplan__arena_alloc(&c->out->arena,
	                                               migplan__nkids(val) * sizeof *list) : NULL;
	if (!list)
		return oom_status(), 0;
	for (uint32_t i = 0; i < migplan__nkids(val); i++) {
		const char *p = path_index(c, base, i);
		if (!p)
			return oom_status(), 0;
		list[i] = compile_schema(c, migplan__item(val, i), p);
		if (!list[i])
			return 0;
	}
	*out = list;
	*count = migplan__nkids(val);
	return 1;
}

static js_schema *compile_sub(js_compiler *c, const migplan_node *val, const char *path,
                              const char *kw)
{
	const char *p = path_join(c, path, kw, strlen(kw));
	if (!p) {
		oom_status();
		return NULL;
	}
	return compile_schema(c, val, p);
}

static int compile_properties(js_compiler *c, js_schema *s, const migplan_node *val,
                              const char *path, const char *kw, int store)
{
	if (kind_of(val) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, val, "\"%s\" must be an object", kw), 0;
	const char *base = path_join(c, path, kw, strlen(kw));
	js_prop *props = base ? migplan__arena_alloc(&c->out->arena,
	                                             (migplan__nkids(val) + 1) * sizeof *props) : NULL;
	if (!props)
		return oom_status(), 0;
	for (uint32_t i = 0; i < migplan__nkids(val); i++) {
		const migplan_node *k = migplan__key(val, i);
		const char *p = path_join(c, base, migplan__sptr(k), migplan__slen(k));
		if (!p)
			return oom_status(), 0;
		props[i].name = migplan__sptr(k);
		props[i].len = migplan__slen(k);
		props[i].schema = compile_schema(c, migplan__val(val, i), p);
		if (!props[i].schema)
			return 0;
	}
	if (store) {
		s->props = props;
		s->nprops = migplan__nkids(val);
	}
	return 1;
}

static int compile_required(js_schema *s, const migplan_node *val)
{
	int ok = kind_of(val) == MIGPLAN_NODE_SEQ;
	for (uint32_t i = 0; ok && i < migplan__nkids(val); i++)
		ok = kind_of(migplan__item(val, i)) == MIGPLAN_NODE_STRING;
	if (!ok)
		return migplan__error_node(MIGPLAN_ESCHEMA, val,
		                           "\"required\" must be an array of strings"), 0;
	s->required = val;
	return 1;
}

static int compile_number(js_schema *s, const migplan_node *val, int which, const char *kw)
{
	if (!num_of(val, &s->num[which]))
		return migplan__error_node(MIGPLAN_ESCHEMA, val, "\"%s\" must be a number", kw), 0;
	s->num_node[which] = val;
	s->num_flags |= 1u << which;
	return 1;
}

static int compile_keyword(js_compiler *c, js_schema *s, const migplan_node *key,
                           const migplan_node *val, int is_root)
{
	const char *kw = migplan__sptr(key);
	switch (keyword_kind(key)) {
	case KWC_IGNORE:
		return 1;
	case KWC_UNSUPPORTED:
		return migplan__error_node(MIGPLAN_ESCHEMA, key,
		                           "keyword \"%s\" is not supported by this validator", kw), 0;
	case KWC_ID:
		if (is_root)
			return 1;
		return migplan__error_node(MIGPLAN_ESCHEMA, key,
		                           "\"$id\" below the root is not supported"), 0;
	case KWC_TYPE:
		return compile_type(s, val);
	case KWC_CONST:
		s->const_v = val;
		return 1;
	case KWC_ENUM:
		if (kind_of(val) != MIGPLAN_NODE_SEQ)
			return migplan__error_node(MIGPLAN_ESCHEMA, val, "\"enum\" must be an array"), 0;
		s->enum_v = val;
		return 1;
	case KWC_PATTERN:
		return compile_pattern(c, s, val);
	case KWC_MINLEN:
		return compile_count(val, kw, &s->min_len);
	case KWC_MAXLEN:
		return compile_count(val, kw, &s->max_len);
	case KWC_MINITEMS:
		return compile_count(val, kw, &s->min_items);
	case KWC_MAXITEMS:
		return compile_count(val, kw, &s->max_items);
	case KWC_MINIMUM:
		return compile_number(s, val, 0, kw);
	case KWC_MAXIMUM:
		return compile_number(s, val, 1, kw);
	case KWC_XMIN:
		return compile_number(s, val, 2, kw);
	case KWC_XMAX:
		return compile_number(s, val, 3, kw);
	case KWC_REQUIRED:
		return compile_required(s, val);
	case KWC_PROPERTIES:
		return compile_properties(c, s, val, s->path, kw, 1);
	case KWC_DEFS:
		/* compiled so that their errors surface at load, even when unreferenced */
		return compile_properties(c, s, val, s->path, kw, 0);
	case KWC_ADDITIONAL:
		return (s->additional = compile_sub(c, val, s->path, kw)) != NULL;
	case KWC_ITEMS:
		if (kind_of(val) == MIGPLAN_NODE_SEQ)
			return migplan__error_node(MIGPLAN_ESCHEMA, val,
			                           "\"items\" must be a schema in draft 2020-12 "
			                           "(an array of schemas is \"prefixItems\")"), 0;
		return (s->items = compile_sub(c, val, s->path, kw)) != NULL;
	case KWC_NOT:
		return (s->not_s = compile_sub(c, val, s->path, kw)) != NULL;
	case KWC_PREFIX:
		return compile_list(c, val, s->path, kw, &s->prefix, &s->nprefix);
	case KWC_ALLOF:
		return compile_list(c, val, s->path, kw, &s->all_of, &s->nall);
	case KWC_ANYOF:
		return compile_list(c, val, s->path, kw, &s->any_of, &s->nany);
	case KWC_ONEOF:
		return compile_list(c, val, s->path, kw, &s->one_of, &s->none);
	case KWC_REF:
		if (kind_of(val) != MIGPLAN_NODE_STRING)
			return migplan__error_node(MIGPLAN_ESCHEMA, val, "\"$ref\" must be a string"), 0;
		s->ref_node = val; /* resolved after the walk */
		return 1;
	}
	return 1;
}

static js_schema *compile_schema(js_compiler *c, const migplan_node *node, const char *path)
{
	js_schema *s = memo_get(c, node);
	if (s)
		return s;
	migplan_node_kind k = kind_of(node);
	if (k != MIGPLAN_NODE_MAP && k != MIGPLAN_NODE_BOOL) {
		migplan__error_node(MIGPLAN_ESCHEMA, node,
		                    "a schema must be an object or a boolean, not %s",
		                    migplan_node_kind_name(k));
		return NULL;
	}
	s = migplan__arena_zalloc(&c->out->arena, sizeof *s);
	if (!s || !memo_put(c, node, s)) {
		oom_status();
		return NULL;
	}
	s->node = node;
	s->path = path;
	s->min_len = s->max_len = s->min_items = s->max_items = -1;
	if (k == MIGPLAN_NODE_BOOL) {
		s->boolean = (int8_t)migplan_node_bool(node);
		return s;
	}
	s->boolean = -1;
	s->tag = moose_tag(path);
	for (uint32_t i = 0; i < migplan__nkids(node); i++)
		if (!compile_keyword(c, s, migplan__key(node, i), migplan__val(node, i),
		                     node == c->out->doc->root))
			return NULL;
	return s;
}

/* Percent-decodes a URI fragment. */
static int percent_decode(const char *s, size_t n, migplan__sb *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (s[i] == '%') {
			if (!hex_value(s + i + 1, n - i - 1, 2, &v))
				return 0;
			migplan__sb_putc(out, (char)v);
			i += 2;
		} else {
			migplan__sb_putc(out, s[i]);
		}
	}
	return 1;
}

/* Resolves the JSON pointer of a "#/..." $ref. Fills *path with its normalised form. */
static const migplan_node *resolve_pointer(const migplan_node *root, const char *frag, size_t n,
                                           migplan__sb *path, const char **why)
{
	migplan__sb ptr = MIGPLAN__SB_INIT;
	const migplan_node *cur = root;
	migplan__sb_putc(path, '#');
	if (!percent_decode(frag, n, &ptr)) {
		*why = "bad percent-encoding";
		cur = NULL;
	} else if (ptr.len > 0 && ptr.ptr[0] != '/') {
		*why = "only JSON pointer fragments (#/...) are supported";
		cur = NULL;
	}
	migplan__sb seg = MIGPLAN__SB_INIT;
	for (size_t i = 0; cur && i < ptr.len;) {
		/* ptr.ptr[i] == '/' */
		size_t j = i + 1;
		seg.len = 0;
		while (j < ptr.len && ptr.ptr[j] != '/') {
			if (ptr.ptr[j] == '~') {
				if (j + 1 >= ptr.len ||
				    (ptr.ptr[j + 1] != '0' && ptr.ptr[j + 1] != '1')) {
					*why = "bad ~ escape in the JSON pointer";
					cur = NULL;
					break;
				}
				migplan__sb_putc(&seg, ptr.ptr[j + 1] == '0' ? '~' : '/');
				j += 2;
			} else {
				migplan__sb_putc(&seg, ptr.ptr[j++]);
			}
		}
		if (!cur)
			break;
		const char *name = seg.ptr ? seg.ptr : "";
		buf_add_segment(path, name, seg.len);
		if (kind_of(cur) == MIGPLAN_NODE_MAP) {
			long at = map_find(cur, name, seg.len);
			cur = at < 0 ? NULL : migplan__val(cur, at);
		} else if (kind_of(cur) == MIGPLAN_NODE_SEQ) {
			size_t idx = 0, d;
			int ok = seg.len > 0 && !(seg.len > 1 && name[0] == '0');
			for (d = 0; ok && d < seg.len; d++) {
				ok = name[d] >= '0' && name[d] <= '9' && idx < ((size_t)-1) / 10;
				idx = idx * 10 + (size_t)(name[d] - '0');
			}
			cur = ok && idx < migplan__nkids(cur) ? migplan__item(cur, idx) : NULL;
		} else {
			cur = NULL;
		}
		if (!cur)
			*why = "no such location in the schema";
		i = j;
	}
	free(seg.ptr);
	free(ptr.ptr);
	if (ptr.failed || seg.failed || path->failed) {
		*why = "out of memory";
		return NULL;
	}
	return cur;
}

static int resolve_ref(js_compiler *c, js_schema *s)
{
	const migplan_node *r = s->ref_node;
	const char *text = migplan__sptr(r);
	if (text[0] != '#' || memchr(text, '\0', migplan__slen(r)))
		return migplan__error_node(MIGPLAN_ESCHEMA, r,
		                           "$ref \"%s\" cannot be resolved: only references within "
		                           "the schema document (\"#/...\") are supported", text), 0;
	migplan__sb path = MIGPLAN__SB_INIT;
	const char *why = NULL;
	const migplan_node *target = resolve_pointer(c->out->doc->root, text + 1,
	                                             migplan__slen(r) - 1, &path, &why);
	if (!target) {
		free(path.ptr);
		return migplan__error_node(MIGPLAN_ESCHEMA, r, "$ref \"%s\" cannot be resolved: %s",
		                           text, why ? why : "unknown"), 0;
	}
	if (kind_of(target) != MIGPLAN_NODE_MAP && kind_of(target) != MIGPLAN_NODE_BOOL) {
		free(path.ptr);
		return migplan__error_node(MIGPLAN_ESCHEMA, r,
		                           "$ref \"%s\" points to %s, not to a schema", text,
		                           migplan_node_kind_name(kind_of(target))), 0;
	}
	const char *p = migplan__arena_strndup(&c->out->arena, path.ptr, path.len);
	free(path.ptr);
	if (!p)
		return oom_status(), 0;
	s->ref = compile_schema(c, target, p);
	return s->ref != NULL;
}

/* Refuses $ref cycles that apply to the same value forever (a -> b -> a without descending),
 * and overly long chains, so that validation recursion stays bounded. */
static int check_inplace(js_schema *s, unsigned depth)
{
	if (s->mark == 2)
		return 1;
	if (s->mark == 1)
		return migplan__error_node(MIGPLAN_ESCHEMA, s->node,
		                           "schema %s refers to itself through $ref/allOf/anyOf/oneOf/"
		                           "not without descending into the value", s->path), 0;
	if (depth > JS_MAX_INPLACE)
		return migplan__error_node(MIGPLAN_ESCHEMA, s->node,
		                           "more than %u schemas apply to one value through "
		                           "$ref/allOf/anyOf/oneOf/not", JS_MAX_INPLACE), 0;
	s->mark = 1;
	if (s->ref && !check_inplace(s->ref, depth + 1))
		return 0;
	if (s->not_s && !check_inplace(s->not_s, depth + 1))
		return 0;
	for (uint32_t i = 0; i < s->nall; i++)
		if (!check_inplace(s->all_of[i], depth + 1))
			return 0;
	for (uint32_t i = 0; i < s->nany; i++)
		if (!check_inplace(s->any_of[i], depth + 1))
			return 0;
	for (uint32_t i = 0; i < s->none; i++)
		if (!check_inplace(s->one_of[i], depth + 1))
			return 0;
	s->mark = 2;
	return 1;
}

static migplan_status compile_document(migplan_schema *out)
{
	js_compiler c;
	memset(&c, 0, sizeof c);
	c.out = out;
	migplan_status st = MIGPLAN_OK;
	if (!out->doc->root) {
		st = migplan__error(MIGPLAN_ESCHEMA, "%s: the schema is empty", out->doc->path);
		goto done;
	}
	const char *root_path = migplan__arena_strdup(&out->arena, "#");
	out->root = root_path ? compile_schema(&c, out->doc->root, root_path) : NULL;
	if (!out->root)
		goto failed;
	/* $refs are resolved in a loop, not by recursion: resolving one may compile more */
	for (size_t i = 0; i < c.nall; i++)
		if (c.all[i]->ref_node && !resolve_ref(&c, c.all[i]))
			goto failed;
	for (size_t i = 0; i < c.nall; i++)
		if (!check_inplace(c.all[i], 0))
			goto failed;
	goto done;
failed:
	st = migplan_error_code(migplan_error_last());
	if (st == MIGPLAN_OK)
		st = MIGPLAN_ESCHEMA;
done:
	free(c.memo);
	free(c.all);
	return st;
}

/* ------------------------------------------------------------------------------------------ */
/* Validation                                                                                  */

/* What failed; the order matches keyword_names. */
enum {
	KW_FALSE, KW_TYPE, KW_CONST, KW_ENUM, KW_PATTERN, KW_MINLEN, KW_MAXLEN,
	KW_MINIMUM, KW_MAXIMUM, KW_XMIN, KW_XMAX, KW_REQUIRED, KW_ADDITIONAL,
	KW_MINITEMS, KW_MAXITEMS, KW_ONEOF_NONE, KW_ONEOF_MANY, KW_ANYOF_NONE, KW_NOT
};

static const char *const keyword_names[] = {
	"false", "type", "const", "enum", "pattern", "minLength", "maxLength",
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "required",
	"additionalProperties", "minItems", "maxItems", "oneOf", "oneOf", "anyOf", "not"
};

/* Known Moose schema bugs (FORMAT.md 1.8), as found on a violation. */
enum {
	MM_NONE = 0,
	MM_INDEX_TYPE,
	MM_JSON_COLUMN,
	MM_FIXED_STRING,
	MM_GEO_TYPE,
	MM_ENUM_INT,
	MM_ORDER_BY
};

/* One violation while validating. Messages and pointers are rendered only for the records
 * that survive branch selection; the pointer text lives in js_vctx.strs so that discarding a
 * losing branch is a truncation. */
typedef struct js_rec {
	const migplan_node *node;
	const js_schema *schema;    /* holds the keyword */
	const js_schema *via;       /* innermost oneOf/anyOf this record was picked from */
	const char *arg;            /* missing or forbidden property name */
	size_t ptr_off;
	uint32_t ptr_len, arg_len;
	uint32_t level;             /* depth of the value the keyword applied to */
	uint32_t a, b, c;           /* oneOf: matching branches a, b of c; via: best branch a */
	uint32_t via_count;
	unsigned types;             /* NONE_TYPES: the types the branches accept */
	uint8_t kw, mm, via_any;
	uint8_t none_why;           /* for KW_ONEOF_NONE / KW_ANYOF_NONE: NONE_* */
} js_rec;

/* Why a oneOf / anyOf is reported as one record instead of through its best branch. */
enum {
	NONE_PLAIN = 0,  /* no records came back (defensive) or a Moose mismatch */
	NONE_TYPES,      /* every branch wants another type: "expected string or null" */
	NONE_AMBIGUOUS   /* an object that fits several branches equally badly */
};

typedef struct js_vctx {
	int collect;   /* 0: only answer valid / invalid, as fast as possible */
	int oom;
	const migplan_node *too_deep; /* where JS_MAX_FRAMES was reached */
	unsigned frames;
	/* The JSON pointer of the current value, kept rendered while collecting (check mode,
	 * which never records, skips it: it cannot enclose collecting code). */
	migplan__sb cur;
	size_t *marks;          /* cur.len before each segment */
	size_t depth, mcap;
	js_rec *recs;
	size_t n, cap;
	migplan__sb strs;
} js_vctx;

static int v_schema(js_vctx *c, const js_schema *s, const migplan_node *inst, uint32_t level);

static void path_push(js_vctx *c, const char *key, uint32_t len, uint32_t index)
{
	if (!c->collect || c->oom)
		return;
	if (c->depth == c->mcap) {
		size_t cap = c->mcap ? c->mcap * 2 : 32;
		size_t *m = realloc(c->marks, cap * sizeof *m);
		if (!m) {
			c->oom = 1;
			return;
		}
		c->marks = m;
		c->mcap = cap;
	}
	c->marks[c->depth++] = c->cur.len;
	if (key) {
		buf_add_segment(&c->cur, key, len);
	} else {
		char tmp[16];
		size_t n = sizeof tmp;
		do
			tmp[--n] = (char)('0' + index % 10);
		while ((index /= 10) != 0);
		tmp[--n] = '/';
		migplan__sb_append(&c->cur, tmp + n, sizeof tmp - n);
	}
	if (c->cur.failed)
		c->oom = 1;
}

static void path_pop(js_vctx *c)
{
	if (!c->collect || c->oom)
		return;
	c->cur.len = c->marks[--c->depth];
}

static int is_i16(const migplan_node *n)
{
	js_num v;
	return kind_of(n) == MIGPLAN_NODE_INT && num_of(n, &v) && v.is_int && v.i >= -32768 &&
	       v.i <= 32767;
}

/* Which Moose schema bug, if any, explains a single failed keyword. */
static uint8_t moose_keyword(const js_schema *s, int kw, const migplan_node *node,
                             const char *arg, uint32_t arg_len)
{
	switch (s->tag) {
	case TAG_TABLE_INDEX:
		if (kw == KW_REQUIRED && arg_len == 10 && memcmp(arg, "index_type", 10) == 0 &&
		    map_find(node, "type", 4) >= 0)
			return MM_INDEX_TYPE;
		break;
	case TAG_ENUM_INT:
		if ((kw == KW_MINIMUM || kw == KW_MAXIMUM) && is_i16(node))
			return MM_ENUM_INT;
		break;
	case TAG_ORDER_BY:
		if (kw == KW_TYPE && kind_of(node) == MIGPLAN_NODE_STRING)
			return MM_ORDER_BY;
		break;
	default:
		break;
	}
	return MM_NONE;
}

static const char *const json_option_keys[] = {
	"max_dynamic_paths", "max_dynamic_types", "skip_paths", "skip_regexps", "typed_paths",
	"maxDynamicPaths", "maxDynamicTypes", "skipPaths", "skipRegexps", "typedPaths", NULL
};

static const char *const geo_types[] = {
	"Point", "Ring", "LineString", "MultiLineString", "Polygon", "MultiPolygon", NULL
};

static int in_list(const migplan_node *n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (text_is(n, list[i], strlen(list[i])))
			return 1;
	return 0;
}

static int is_fixed_string(const migplan_node *n)
{
	const char *s = migplan__sptr(n);
	size_t len = migplan__slen(n), i = 12, digits = 0;
	if (len < 14 || memcmp(s, "FixedString(", 12) != 0 || s[len - 1] != ')')
		return 0;
	for (; i < len - 1; i++, digits++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return digits > 0;
}

/* Which Moose schema bug, if any, explains a ColumnType value that matches no branch. */
static uint8_t moose_column_type(const js_schema *s, const migplan_node *n)
{
	if (s->tag != TAG_COLUMN_TYPE)
		return MM_NONE;
	if (kind_of(n) == MIGPLAN_NODE_STRING)
		return is_fixed_string(n) ? MM_FIXED_STRING : in_list(n, geo_types) ? MM_GEO_TYPE
		                                                                    : MM_NONE;
	if (kind_of(n) != MIGPLAN_NODE_MAP || migplan__nkids(n) == 0)
		return MM_NONE;
	for (uint32_t i = 0; i < migplan__nkids(n); i++)
		if (!in_list(migplan__key(n, i), json_option_keys))
			return MM_NONE;
	return MM_JSON_COLUMN;
}

static js_rec *record(js_vctx *c, const js_schema *s, int kw, const migplan_node *node,
                      uint32_t level)
{
	if (!c->collect || c->oom)
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		js_rec *r = realloc(c->recs, cap * sizeof *r);
		if (!r) {
			c->oom = 1;
			return NULL;
		}
		c->recs = r;
		c->cap = cap;
	}
	js_rec *r = &c->recs[c->n];
	memset(r, 0, sizeof *r);
	r->node = node;
	r->schema = s;
	r->kw = (uint8_t)kw;
	r->level = level;
	r->ptr_off = c->strs.len;
	migplan__sb_append(&c->strs, c->cur.ptr ? c->cur.ptr : "", c->cur.len);
	if (c->strs.failed) {
		c->oom = 1;
		return NULL;
	}
	r->ptr_len = (uint32_t)(c->strs.len - r->ptr_off);
	r->mm = moose_keyword(s, kw, node, NULL, 0);
	c->n++;
	return r;
}

static void record_arg(js_vctx *c, const js_schema *s, int kw, const migplan_node *node,
                       uint32_t level, const char *arg, uint32_t arg_len)
{
	js_rec *r = record(c, s, kw, node, level);
	if (!r)
		return;
	r->arg = arg;
	r->arg_len = arg_len;
	r->mm = moose_keyword(s, kw, node, arg, arg_len);
}

/* The T_* bits an instance satisfies. */
static unsigned type_bits(const js_schema *s, const migplan_node *n)
{
	switch (kind_of(n)) {
	case MIGPLAN_NODE_NULL: return T_NULL;
	case MIGPLAN_NODE_BOOL: return T_BOOL;
	case MIGPLAN_NODE_INT: return T_INT | T_NUM;
	case MIGPLAN_NODE_FLOAT: {
		js_num v;
		/* only worth parsing when the schema asks for an integer */
		if ((s->types & T_INT) && !(s->types & T_NUM) && num_of(n, &v) && num_is_integral(&v))
			return T_INT | T_NUM;
		return T_NUM;
	}
	case MIGPLAN_NODE_STRING: return T_STR;
	case MIGPLAN_NODE_SEQ: return T_ARR;
	case MIGPLAN_NODE_MAP: return T_OBJ;
	}
	return 0;
}

static int enum_has(const migplan_node *list, const migplan_node *n)
{
	for (uint32_t i = 0; i < migplan__nkids(list); i++)
		if (values_equal(migplan__item(list, i), n))
			return 1;
	return 0;
}

static int pattern_matches(const js_regex *r, const migplan_node *n)
{
	const char *s = migplan__sptr(n);
	size_t len = migplan__slen(n);
	if (r->prefix_len && (len < r->prefix_len || memcmp(s, r->prefix, r->prefix_len) != 0))
		return 0;
	regmatch_t m[1];
	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)len;
	/* REG_STARTEND: the string's length, not a NUL, ends it */
	return regexec(&r->re, s, 1, m, REG_STARTEND) == 0;
}

#define FAIL()                        \
	do {                          \
		ok = 0;               \
		if (!c->collect)      \
			return 0;     \
	} while (0)

static int v_string(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	int ok = 1;
	if (s->pattern && !pattern_matches(s->pattern, n)) {
		record(c, s, KW_PATTERN, n, level);
		FAIL();
	}
	if (s->min_len >= 0 || s->max_len >= 0) {
		size_t len = utf8_length(migplan__sptr(n), migplan__slen(n));
		if (s->min_len >= 0 && len < (uint64_t)s->min_len) {
			record(c, s, KW_MINLEN, n, level);
			FAIL();
		}
		if (s->max_len >= 0 && len > (uint64_t)s->max_len) {
			record(c, s, KW_MAXLEN, n, level);
			FAIL();
		}
	}
	return ok;
}

static int v_number(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	static const int kws[4] = { KW_MINIMUM, KW_MAXIMUM, KW_XMIN, KW_XMAX };
	int ok = 1;
	js_num v;
	if (!s->num_flags || !num_of(n, &v))
		return 1;
	for (int i = 0; i < 4; i++) {
		if (!(s->num_flags & (1u << i)))
			continue;
		int cmp = num_cmp(&v, &s->num[i]);
		int bad = cmp == 2 || (i == 0 && cmp < 0) || (i == 1 && cmp > 0) ||
		          (i == 2 && cmp <= 0) || (i == 3 && cmp >= 0);
		if (bad) {
			record(c, s, kws[i], n, level);
			FAIL();
		}
	}
	return ok;
}

static const js_prop *prop_find(const js_schema *s, const migplan_node *key)
{
	for (uint32_t i = 0; i < s->nprops; i++)
		if (text_is(key, s->props[i].name, s->props[i].len))
			return &s->props[i];
	return NULL;
}

static int v_object(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	int ok = 1;
	uint32_t count = migplan__nkids(n);
	/* shallow checks first: in check mode a wrong oneOf branch fails here, cheaply */
	if (s->required) {
		for (uint32_t i = 0; i < migplan__nkids(s->required); i++) {
			const migplan_node *name = migplan__item(s->required, i);
			if (map_find(n, migplan__sptr(name), migplan__slen(name)) < 0) {
				record_arg(c, s, KW_REQUIRED, n, level, migplan__sptr(name), migplan__slen(name));
				FAIL();
			}
		}
	}
	int closed = s->additional && s->additional->boolean == 0;
	if (closed) {
		for (uint32_t i = 0; i < count; i++) {
			const migplan_node *k = migplan__key(n, i);
			if (prop_find(s, k))
				continue;
			if (c->collect) {
				path_push(c, migplan__sptr(k), migplan__slen(k), 0);
				record_arg(c, s, KW_ADDITIONAL, k, level, migplan__sptr(k), migplan__slen(k));
				path_pop(c);
			}
			FAIL();
		}
	}
	if (!s->nprops && (!s->additional || closed || s->additional->boolean == 1))
		return ok;
	for (uint32_t i = 0; i < count; i++) {
		const migplan_node *k = migplan__key(n, i);
		const js_prop *p = prop_find(s, k);
		const js_schema *sub = p ? p->schema : closed ? NULL : s->additional;
		if (!sub || sub->boolean == 1)
			continue;
		path_push(c, migplan__sptr(k), migplan__slen(k), 0);
		int r = v_schema(c, sub, migplan__val(n, i), level + 1);
		path_pop(c);
		if (!r)
			FAIL();
	}
	return ok;
}

static int v_array(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	int ok = 1;
	uint32_t count = migplan__nkids(n);
	if (s->min_items >= 0 && count < (uint64_t)s->min_items) {
		record(c, s, KW_MINITEMS, n, level);
		FAIL();
	}
	if (s->max_items >= 0 && count > (uint64_t)s->max_items) {
		record(c, s, KW_MAXITEMS, n, level);
		FAIL();
	}
	for (uint32_t i = 0; i < count; i++) {
		const js_schema *sub = i < s->nprefix ? s->prefix[i] : s->items;
		if (!sub)
			break; /* past prefixItems without items: anything goes */
		if (sub->boolean == 1)
			continue;
		path_push(c, NULL, 0, i);
		int r = v_schema(c, sub, migplan__item(n, i), level + 1);
		path_pop(c);
		if (!r)
			FAIL();
	}
	return ok;
}

/* How well a failed branch fits the value: lower is better, compared in field order. */
typedef struct js_score {
	unsigned type_fail; /* the branch wants another kind of value */
	size_t unknown;     /* object keys the branch does not declare */
	size_t shallow;     /* failures at the value itself (required, additionalProperties, ...) */
	size_t total;
} js_score;

static size_t undeclared_keys(const js_schema *br, const migplan_node *n)
{
	if (kind_of(n) != MIGPLAN_NODE_MAP)
		return 0;
	/* look through $ref-only wrappers to the schema that declares the properties */
	for (int hops = 0; br && !br->nprops && br->ref && hops < 8; hops++)
		br = br->ref;
	size_t unknown = 0;
	for (uint32_t i = 0; i < migplan__nkids(n); i++)
		unknown += !br || !prop_find(br, migplan__key(n, i));
	return unknown;
}

static js_score branch_score(const js_vctx *c, size_t from, const js_schema *br,
                             const migplan_node *n, uint32_t level)
{
	js_score sc = { 0, undeclared_keys(br, n), 0, c->n - from };
	for (size_t i = from; i < c->n; i++) {
		if (c->recs[i].level > level)
			continue;
		sc.shallow++;
		if (c->recs[i].kw == KW_TYPE)
			sc.type_fail = 1;
	}
	return sc;
}

static int score_better(const js_score *a, const js_score *b)
{
	if (a->type_fail != b->type_fail)
		return a->type_fail < b->type_fail;
	if (a->unknown != b->unknown)
		return a->unknown < b->unknown;
	if (a->shallow != b->shallow)
		return a->shallow < b->shallow;
	return a->total < b->total;
}

/* The types a branch accepts, looking through $ref-only wrappers; 0 when unknown. */
static unsigned branch_types(const js_schema *br)
{
	for (int hops = 0; br->boolean < 0 && !br->types && br->ref && hops < 8; hops++)
		br = br->ref;
	return br->boolean < 0 ? br->types : 0;
}

/* Did the kept branch fail only by its const (a oneOf of constants, like an enum)? */
static int only_const_failures(const js_vctx *c, size_t from, uint32_t level)
{
	for (size_t i = from; i < c->n; i++)
		if (c->recs[i].kw != KW_CONST || c->recs[i].level != level)
			return 0;
	return c->n > from;
}

static void record_none(js_vctx *c, const js_schema *s, int any, const migplan_node *n,
                        uint32_t level, uint8_t why, unsigned types)
{
	js_rec *r = record(c, s, any ? KW_ANYOF_NONE : KW_ONEOF_NONE, n, level);
	if (r) {
		r->none_why = why;
		r->types = types;
	}
}

/* Runs every branch collecting records and keeps only those of the best-fitting branch.
 * When no branch fits better than the others the branch records would mislead, so the
 * oneOf is reported as one record: by the types it accepts when the value has none of them,
 * or by its branches for an object that matches none of their discriminating keys. */
static void keep_best_branch(js_vctx *c, const js_schema *s, js_schema *const *br, uint32_t nbr,
                             int any, const migplan_node *n, uint32_t level)
{
	size_t mark = c->n, smark = c->strs.len;
	uint32_t best = UINT32_MAX, ties = 0;
	unsigned types = 0;
	js_score best_sc = { 0, 0, 0, 0 };
	for (uint32_t i = 0; i < nbr && !c->oom; i++) {
		size_t start = c->n, sstart = c->strs.len;
		(void)v_schema(c, br[i], n, level);
		js_score sc = branch_score(c, start, br[i], n, level);
		unsigned bt = branch_types(br[i]);
		types |= bt ? bt : ~0u;
		if (best != UINT32_MAX && !score_better(&sc, &best_sc)) {
			ties += !score_better(&best_sc, &sc);
			c->n = start;
			c->strs.len = sstart;
			continue;
		}
		/* the new best moves down over the old one */
		size_t nrec = c->n - start, nstr = c->strs.len - sstart;
		if (start != mark && nrec) {
			memmove(c->recs + mark, c->recs + start, nrec * sizeof *c->recs);
			if (nstr)
				memmove(c->strs.ptr + smark, c->strs.ptr + sstart, nstr);
			for (size_t j = mark; j < mark + nrec; j++)
				c->recs[j].ptr_off -= sstart - smark;
		}
		c->n = mark + nrec;
		c->strs.len = smark + nstr;
		best = i;
		best_sc = sc;
		ties = 0;
	}
	if (c->oom)
		return;
	uint8_t why = NONE_PLAIN;
	if (best_sc.type_fail && types != ~0u)
		why = NONE_TYPES;
	else if (ties && best_sc.shallow &&
	         (kind_of(n) == MIGPLAN_NODE_MAP || only_const_failures(c, mark, level)))
		why = NONE_AMBIGUOUS;
	if (why != NONE_PLAIN || c->n == mark) {
		/* c->n == mark cannot happen for failed branches; never report one silently */
		c->n = mark;
		c->strs.len = smark;
		record_none(c, s, any, n, level, why, types);
		return;
	}
	for (size_t j = mark; j < c->n; j++) {
		js_rec *r = &c->recs[j];
		/* the innermost oneOf names the choice; records that are oneOf failures name their own */
		if (r->via || r->kw == KW_ONEOF_NONE || r->kw == KW_ONEOF_MANY ||
		    r->kw == KW_ANYOF_NONE)
			continue;
		r->via = s;
		r->via_any = (uint8_t)any;
		r->a = best;
		r->via_count = nbr;
	}
}

static int v_oneof(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	uint32_t matches = 0, first = 0, second = 0;
	int saved = c->collect;
	c->collect = 0;
	for (uint32_t i = 0; i < s->none; i++) {
		if (!v_schema(c, s->one_of[i], n, level))
			continue;
		if (matches == 0)
			first = i;
		else if (matches == 1)
			second = i;
		matches++;
		if (!saved && matches > 1)
			break;
	}
	c->collect = saved;
	if (matches == 1)
		return 1;
	if (!c->collect)
		return 0;
	if (matches > 1) {
		js_rec *r = record(c, s, KW_ONEOF_MANY, n, level);
		if (r) {
			r->a = first;
			r->b = second;
			r->c = matches;
		}
		return 0;
	}
	uint8_t mm = moose_column_type(s, n);
	if (mm) {
		js_rec *r = record(c, s, KW_ONEOF_NONE, n, level);
		if (r)
			r->mm = mm;
		return 0;
	}
	keep_best_branch(c, s, s->one_of, s->none, 0, n, level);
	return 0;
}

static int v_anyof(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	int saved = c->collect;
	c->collect = 0;
	int found = 0;
	for (uint32_t i = 0; i < s->nany && !found; i++)
		found = v_schema(c, s->any_of[i], n, level);
	c->collect = saved;
	if (found)
		return 1;
	if (c->collect)
		keep_best_branch(c, s, s->any_of, s->nany, 1, n, level);
	return 0;
}

static int v_not(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	int saved = c->collect;
	c->collect = 0;
	int matched = v_schema(c, s->not_s, n, level);
	c->collect = saved;
	if (matched)
		record(c, s, KW_NOT, n, level);
	return !matched;
}

static int v_body(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	int ok = 1;
	if (s->types && !(s->types & type_bits(s, n))) {
		/* the other keywords would only repeat that the value is of the wrong kind */
		record(c, s, KW_TYPE, n, level);
		return 0;
	}
	if (s->const_v && !values_equal(s->const_v, n)) {
		record(c, s, KW_CONST, n, level);
		FAIL();
	}
	if (s->enum_v && !enum_has(s->enum_v, n)) {
		record(c, s, KW_ENUM, n, level);
		FAIL();
	}
	switch (kind_of(n)) {
	case MIGPLAN_NODE_STRING:
		if (!v_string(c, s, n, level))
			FAIL();
		break;
	case MIGPLAN_NODE_INT:
	case MIGPLAN_NODE_FLOAT:
		if (!v_number(c, s, n, level))
			FAIL();
		break;
	case MIGPLAN_NODE_MAP:
		if (!v_object(c, s, n, level))
			FAIL();
		break;
	case MIGPLAN_NODE_SEQ:
		if (!v_array(c, s, n, level))
			FAIL();
		break;
	default:
		break;
	}
	if (s->ref && !v_schema(c, s->ref, n, level))
		FAIL();
	for (uint32_t i = 0; i < s->nall; i++)
		if (!v_schema(c, s->all_of[i], n, level))
			FAIL();
	if (s->nany && !v_anyof(c, s, n, level))
		FAIL();
	if (s->none && !v_oneof(c, s, n, level))
		FAIL();
	if (s->not_s && !v_not(c, s, n, level))
		FAIL();
	return ok;
}

static int v_schema(js_vctx *c, const js_schema *s, const migplan_node *n, uint32_t level)
{
	if (s->boolean == 1)
		return 1;
	if (s->boolean == 0) {
		record(c, s, KW_FALSE, n, level);
		return 0;
	}
	if (c->frames >= JS_MAX_FRAMES) {
		if (!c->too_deep)
			c->too_deep = n;
		return 0;
	}
	c->frames++;
	int ok = v_body(c, s, n, level);
	c->frames--;
	return ok;
}

#undef FAIL

/* ------------------------------------------------------------------------------------------ */
/* Messages                                                                                    */

struct migplan_violation {
	const char *message;
	const char *pointer;
	const char *keyword;
	const char *schema_path;
	const migplan_node *node;
	int moose_bug;
};

struct migplan_violations {
	migplan__arena arena;
	migplan_violation *items;
	size_t count;
};

/* A short rendering of a value for messages: scalars as JSON, collections by size. */
static void add_value(migplan__sb *b, const migplan_node *n)
{
	switch (kind_of(n)) {
	case MIGPLAN_NODE_NULL:
		migplan__sb_puts(b, "null");
		return;
	case MIGPLAN_NODE_BOOL:
		migplan__sb_puts(b, migplan_node_bool(n) ? "true" : "false");
		return;
	case MIGPLAN_NODE_INT:
	case MIGPLAN_NODE_FLOAT:
		migplan__sb_append(b, migplan__sptr(n), migplan__slen(n));
		return;
	case MIGPLAN_NODE_SEQ:
		migplan__sb_printf(b, "an array of %u items", migplan__nkids(n));
		return;
	case MIGPLAN_NODE_MAP:
		migplan__sb_printf(b, "an object with %u properties", migplan__nkids(n));
		return;
	case MIGPLAN_NODE_STRING:
		break;
	}
	/* JSON-quoted, cut after 60 bytes (on a UTF-8 character boundary) */
	const char *s = migplan__sptr(n);
	size_t len = migplan__slen(n), i = 0;
	migplan__sb_putc(b, '"');
	for (; i < len && !(i >= 60 && ((unsigned char)s[i] & 0xC0) != 0x80); i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			migplan__sb_putc(b, '\\');
			migplan__sb_putc(b, (char)ch);
		} else if (ch == '\n') {
			migplan__sb_append(b, "\\n", 2);
		} else if (ch == '\t') {
			migplan__sb_append(b, "\\t", 2);
		} else if (ch < 0x20) {
			migplan__sb_printf(b, "\\u%04x", ch);
		} else {
			migplan__sb_putc(b, (char)ch);
		}
	}
	migplan__sb_putc(b, '"');
	if (i < len)
		migplan__sb_puts(b, "...");
}

static void add_types(migplan__sb *b, unsigned types)
{
	/* "number" already covers "integer" */
	if (types & T_NUM)
		types &= ~(unsigned)T_INT;
	size_t total = 0, seen = 0;
	for (size_t t = 0; t < sizeof type_names / sizeof type_names[0]; t++)
		total += (types & type_names[t].bit) != 0;
	for (size_t t = 0; t < sizeof type_names / sizeof type_names[0]; t++) {
		if (!(types & type_names[t].bit))
			continue;
		if (seen)
			migplan__sb_puts(b, seen + 1 == total ? " or " : ", ");
		migplan__sb_puts(b, type_names[t].name);
		seen++;
	}
}

static const char *json_kind_name(const migplan_node *n)
{
	switch (kind_of(n)) {
	case MIGPLAN_NODE_SEQ: return "array";
	case MIGPLAN_NODE_MAP: return "object";
	default: return migplan_node_kind_name(kind_of(n));
	}
}

/* Names a branch in messages: the $defs it refers to, its required keys
 * ("elementType+elementNullable"), its const, or its type. */
static void add_branch_label(migplan__sb *b, const js_schema *br)
{
	if (br->boolean >= 0) {
		migplan__sb_puts(b, br->boolean ? "true" : "false");
	} else if (br->ref) {
		const char *slash = strrchr(br->ref->path, '/');
		migplan__sb_puts(b, slash ? slash + 1 : br->ref->path);
	} else if (br->required && migplan__nkids(br->required) > 0) {
		for (uint32_t i = 0; i < migplan__nkids(br->required) && i < 3; i++) {
			if (i)
				migplan__sb_putc(b, '+');
			migplan__sb_puts(b, migplan__sptr(migplan__item(br->required, i)));
		}
	} else if (br->const_v) {
		add_value(b, br->const_v);
	} else if (br->types) {
		add_types(b, br->types);
	} else {
		migplan__sb_puts(b, "schema");
	}
}

static void add_enum(migplan__sb *b, const migplan_node *list)
{
	uint32_t n = migplan__nkids(list);
	migplan__sb_puts(b, "is not one of the allowed values (");
	for (uint32_t i = 0; i < n && i < 6; i++) {
		if (i)
			migplan__sb_puts(b, ", ");
		add_value(b, migplan__item(list, i));
	}
	if (n > 6)
		migplan__sb_printf(b, ", ... %u in all", n);
	migplan__sb_putc(b, ')');
}

static void add_moose_column_type(migplan__sb *b, const js_rec *r)
{
	switch (r->mm) {
	case MM_JSON_COLUMN:
		migplan__sb_puts(b, "a JSON column type written as an object of JSON options "
		                    "matches no branch of the oneOf; Moose writes every JSON "
		                    "column this way, but its schema only allows the string "
		                    "\"Json\"");
		break;
	case MM_FIXED_STRING:
		add_value(b, r->node);
		migplan__sb_puts(b, " matches no branch of the oneOf; Moose writes FixedString(n) "
		                    "types, but its schema does not list them");
		break;
	case MM_GEO_TYPE:
		add_value(b, r->node);
		migplan__sb_puts(b, " matches no branch of the oneOf; Moose writes geo types "
		                    "(Point, Ring, LineString, MultiLineString, Polygon, "
		                    "MultiPolygon), but its schema does not list them");
		break;
	}
}

/* A oneOf / anyOf that no branch matches, reported as a whole. */
static void add_none(migplan__sb *b, const js_rec *r)
{
	const js_schema *s = r->schema;
	int any = r->kw == KW_ANYOF_NONE;
	const char *kw = any ? "anyOf" : "oneOf";
	js_schema *const *br = any ? s->any_of : s->one_of;
	uint32_t nbr = any ? s->nany : s->none;
	migplan__sb_puts(b, "value ");
	if (kind_of(r->node) != MIGPLAN_NODE_SEQ && kind_of(r->node) != MIGPLAN_NODE_MAP) {
		add_value(b, r->node);
		migplan__sb_putc(b, ' ');
	}
	migplan__sb_printf(b, "matches none of the %u branches of the %s at %s/%s", nbr, kw,
	                   s->path, kw);
	if (r->none_why == NONE_TYPES) {
		migplan__sb_puts(b, ": expected ");
		add_types(b, r->types);
		migplan__sb_printf(b, ", got %s", json_kind_name(r->node));
	} else if (r->none_why == NONE_AMBIGUOUS) {
		migplan__sb_puts(b, ", and none fits better than another; the branches are");
		for (uint32_t i = 0; i < nbr && i < 8; i++) {
			migplan__sb_puts(b, i ? ", " : " ");
			add_branch_label(b, br[i]);
		}
		migplan__sb_puts(b, nbr > 8 ? ", ..." : "");
	}
}

static void add_message(migplan__sb *b, const js_rec *r)
{
	const js_schema *s = r->schema;
	if (r->via) {
		const js_schema *br = (r->via_any ? r->via->any_of : r->via->one_of)[r->a];
		migplan__sb_printf(b, "no branch of %s at %s/%s matches; closest is branch %u of "
		                   "%u (",
		                   r->via_any ? "anyOf" : "oneOf", r->via->path,
		                   r->via_any ? "anyOf" : "oneOf", r->a, r->via_count);
		add_branch_label(b, br);
		migplan__sb_puts(b, "): ");
	}
	switch (r->kw) {
	case KW_FALSE:
		migplan__sb_puts(b, "no value is allowed here (the schema is false)");
		break;
	case KW_TYPE:
		migplan__sb_puts(b, "expected ");
		add_types(b, s->types);
		migplan__sb_printf(b, ", got %s", json_kind_name(r->node));
		if (kind_of(r->node) != MIGPLAN_NODE_SEQ && kind_of(r->node) != MIGPLAN_NODE_MAP) {
			migplan__sb_putc(b, ' ');
			add_value(b, r->node);
		}
		break;
	case KW_CONST:
		migplan__sb_puts(b, "expected ");
		add_value(b, s->const_v);
		migplan__sb_puts(b, ", got ");
		add_value(b, r->node);
		break;
	case KW_ENUM:
		add_value(b, r->node);
		migplan__sb_putc(b, ' ');
		add_enum(b, s->enum_v);
		break;
	case KW_PATTERN:
		add_value(b, r->node);
		migplan__sb_printf(b, " does not match the pattern %s", s->pattern->source);
		break;
	case KW_MINLEN:
	case KW_MAXLEN:
		migplan__sb_printf(b, "string of %zu characters is %s than the %s length %lld",
		                   utf8_length(migplan__sptr(r->node), migplan__slen(r->node)),
		                   r->kw == KW_MINLEN ? "shorter" : "longer",
		                   r->kw == KW_MINLEN ? "minimum" : "maximum",
		                   (long long)(r->kw == KW_MINLEN ? s->min_len : s->max_len));
		break;
	case KW_MINIMUM:
	case KW_MAXIMUM:
	case KW_XMIN:
	case KW_XMAX: {
		static const char *const what[4] = {
			" is less than the minimum ", " is greater than the maximum ",
			" is not greater than the exclusive minimum ",
			" is not less than the exclusive maximum "
		};
		int i = r->kw - KW_MINIMUM;
		add_value(b, r->node);
		migplan__sb_puts(b, what[i]);
		add_value(b, s->num_node[i]);
		break;
	}
	case KW_REQUIRED:
		migplan__sb_puts(b, "required property ");
		migplan__sb_putc(b, '"');
		migplan__sb_append(b, r->arg, r->arg_len);
		migplan__sb_puts(b, "\" is missing");
		break;
	case KW_ADDITIONAL:
		migplan__sb_puts(b, "property \"");
		migplan__sb_append(b, r->arg, r->arg_len);
		migplan__sb_puts(b, "\" is not allowed");
		if (s->nprops) {
			migplan__sb_puts(b, " (allowed: ");
			for (uint32_t i = 0; i < s->nprops && i < 6; i++) {
				if (i)
					migplan__sb_puts(b, ", ");
				migplan__sb_append(b, s->props[i].name, s->props[i].len);
			}
			migplan__sb_puts(b, s->nprops > 6 ? ", ...)" : ")");
		}
		break;
	case KW_MINITEMS:
	case KW_MAXITEMS:
		migplan__sb_printf(b, "array has %u items, %s than the %s %lld",
		                   migplan__nkids(r->node),
		                   r->kw == KW_MINITEMS ? "fewer" : "more",
		                   r->kw == KW_MINITEMS ? "minimum" : "maximum",
		                   (long long)(r->kw == KW_MINITEMS ? s->min_items : s->max_items));
		break;
	case KW_ONEOF_MANY:
		migplan__sb_printf(b, "value matches %u branches of the oneOf at %s/oneOf "
		                   "(branches %u and %u%s); exactly one must match", r->c, s->path,
		                   r->a, r->b, r->c > 2 ? ", and more" : "");
		break;
	case KW_ONEOF_NONE:
	case KW_ANYOF_NONE:
		if (r->mm)
			add_moose_column_type(b, r);
		else
			add_none(b, r);
		break;
	case KW_NOT:
		migplan__sb_printf(b, "value must not match the schema at %s/not", s->path);
		break;
	}
	switch (r->mm) {
	case MM_INDEX_TYPE:
		migplan__sb_puts(b, "; Moose writes the index type under \"type\", its schema "
		                    "expects \"index_type\"");
		break;
	case MM_ENUM_INT:
		migplan__sb_puts(b, "; Moose enum values are 16-bit signed integers, its schema "
		                    "allows only 0..255");
		break;
	case MM_ORDER_BY:
		migplan__sb_puts(b, "; Moose writes order_by as one expression string when the "
		                    "table uses orderByExpression");
		break;
	default:
		break;
	}
}

static const char *schema_location(migplan__sb *b, const js_rec *r)
{
	b->len = 0;
	migplan__sb_puts(b, r->schema->path);
	if (r->kw != KW_FALSE) {
		migplan__sb_putc(b, '/');
		migplan__sb_puts(b, keyword_names[r->kw]);
	}
	return b->ptr;
}

static migplan_status build_list(const js_vctx *c, migplan_violations **out)
{
	migplan_violations *v = calloc(1, sizeof *v);
	if (!v)
		return migplan__error_oom();
	migplan__arena_init(&v->arena);
	v->count = c->n;
	v->items = c->n ? migplan__arena_zalloc(&v->arena, c->n * sizeof *v->items) : NULL;
	migplan__sb msg = MIGPLAN__SB_INIT, loc = MIGPLAN__SB_INIT;
	int oom = c->n && !v->items;
	for (size_t i = 0; i < c->n && !oom; i++) {
		const js_rec *r = &c->recs[i];
		migplan_violation *o = &v->items[i];
		msg.len = 0;
		add_message(&msg, r);
		schema_location(&loc, r);
		if (msg.failed || loc.failed) {
			oom = 1;
			break;
		}
		o->message = migplan__arena_strndup(&v->arena, msg.ptr, msg.len);
		const char *strs = c->strs.ptr ? c->strs.ptr + r->ptr_off : "";
		o->pointer = migplan__arena_strndup(&v->arena, strs, r->ptr_len);
		o->schema_path = migplan__arena_strndup(&v->arena, loc.ptr, loc.len);
		o->keyword = keyword_names[r->kw];
		o->node = r->node;
		o->moose_bug = r->mm != MM_NONE;
		oom = !o->message || !o->pointer || !o->schema_path;
	}
	free(msg.ptr);
	free(loc.ptr);
	if (oom) {
		migplan_violations_free(v);
		return migplan__error_oom();
	}
	*out = v;
	return MIGPLAN_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

static migplan_status schema_from_doc(migplan_schema **out, migplan__doc *doc)
{
	migplan_schema *s = calloc(1, sizeof *s);
	if (!s) {
		migplan__doc_free(doc);
		return migplan__error_oom();
	}
	migplan__arena_init(&s->arena);
	s->doc = doc;
	migplan_status st = compile_document(s);
	if (st != MIGPLAN_OK) {
		migplan_schema_free(s);
		return st;
	}
	*out = s;
	return MIGPLAN_OK;
}

migplan_status migplan_schema_load_buffer(migplan_schema **out, const char *data, size_t len,
                                          const char *name, const migplan_parse_options *opts)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_schema_load_buffer: out is NULL");
	*out = NULL;
	if (!data && len)
		return migplan__error(MIGPLAN_EINVAL, "migplan_schema_load_buffer: data is NULL");
	migplan__limits lim;
	migplan_status st = migplan__limits_from(&lim, opts);
	if (st != MIGPLAN_OK)
		return st;
	migplan__doc *doc = NULL;
	st = migplan__json_read(&doc, data ? data : "", len, name ? name : "<schema>", &lim);
	if (st != MIGPLAN_OK)
		return st;
	return schema_from_doc(out, doc);
}

migplan_status migplan_schema_load_file(migplan_schema **out, const char *path,
                                        const migplan_parse_options *opts)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_schema_load_file: out is NULL");
	*out = NULL;
	if (!path)
		return migplan__error(MIGPLAN_EINVAL, "migplan_schema_load_file: path is NULL");
	migplan__limits lim;
	migplan_status st = migplan__limits_from(&lim, opts);
	if (st != MIGPLAN_OK)
		return st;
	migplan__doc *doc = NULL;
	st = migplan__doc_read_file(&doc, path, MIGPLAN__DOC_JSON, &lim);
	if (st != MIGPLAN_OK)
		return st;
	return schema_from_doc(out, doc);
}

void migplan_schema_free(migplan_schema *s)
{
	if (!s)
		return;
	for (js_regex *r = s->regexes; r; r = r->next)
		regfree(&r->re);
	migplan__arena_release(&s->arena);
	migplan__doc_free(s->doc);
	free(s);
}

migplan_status migplan_schema_validate(const migplan_schema *s, const migplan_node *instance,
                                       migplan_violations **out)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_schema_validate: out is NULL");
	*out = NULL;
	if (!s || !s->root)
		return migplan__error(MIGPLAN_EINVAL, "migplan_schema_validate: schema is NULL");
	js_vctx c;
	memset(&c, 0, sizeof c);
	c.collect = 1;
	(void)v_schema(&c, s->root, instance, 0);
	migplan_status st = MIGPLAN_OK;
	if (c.oom)
		st = migplan__error_oom();
	else if (c.too_deep)
		st = migplan__error_node(MIGPLAN_ELIMIT, c.too_deep,
		                         "validation nests deeper than %u schema levels",
		                         JS_MAX_FRAMES);
	else
		st = build_list(&c, out);
	free(c.cur.ptr);
	free(c.marks);
	free(c.recs);
	free(c.strs.ptr);
	return st;
}

void migplan_violations_free(migplan_violations *v)
{
	if (!v)
		return;
	migplan__arena_release(&v->arena);
	free(v);
}

size_t migplan_violations_count(const migplan_violations *v)
{
	return v ? v->count : 0;
}

const migplan_violation *migplan_violations_at(const migplan_violations *v, size_t i)
{
	return v && i < v->count ? &v->items[i] : NULL;
}

const char *migplan_violation_message(const migplan_violation *v)
{
	return v ? v->message : NULL;
}

const char *migplan_violation_pointer(const migplan_violation *v)
{
	return v ? v->pointer : NULL;
}

const migplan_node *migplan_violation_node(const migplan_violation *v)
{
	return v ? v->node : NULL;
}

const char *migplan_violation_keyword(const migplan_violation *v)
{
	return v ? v->keyword : NULL;
}

const char *migplan_violation_schema_path(const migplan_violation *v)
{
	return v ? v->schema_path : NULL;
}

int migplan_violation_is_moose_schema_bug(const migplan_violation *v)
{
	return v ? v->moose_bug : 0;
}

const char *migplan_violation_rule(const migplan_violation *v)
{
	if (!v)
		return NULL;
	return v->moose_bug ? "schema-moose-mismatch" : "schema-violation";
}
