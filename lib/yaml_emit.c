/* YAML output that matches Moose's plan.yaml byte for byte (see emit.h and FORMAT.md 1.1).
 *
 * serde_yaml 0.9.34 wraps libyaml's emitter (unicode on, width unlimited, indent 2, implicit
 * document start and end, no tags) and only decides each scalar's *requested* style: plain
 * for numbers, booleans and null; a literal block for strings with a newline; single quotes
 * for strings that would read back as another type; "any" otherwise. libyaml then falls back
 * (to single, then double quotes) exactly as it does for Moose, because it is the same code:
 * unsafe-libyaml is a translation of libyaml 0.2.5. So this file reproduces serde_yaml's
 * decisions and leaves the rest to libyaml. */
#include "emit.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "error.h"
#include "strbuf.h"

/* ------------------------------------------------------------------------------------------
 * Output buffer
 * ------------------------------------------------------------------------------------------ */

/* libyaml's write handler, appending to the migplan__sb in data: 1 on success, 0 makes the
 * emitter fail with a writer error. */
static int outbuf_write(void *data, unsigned char *buffer, size_t size)
{
	migplan__sb *out = data;
	migplan__sb_append(out, (const char *)buffer, size);
	return !out->failed;
}

/* ------------------------------------------------------------------------------------------
 * serde_yaml's scalar typing (de.rs: parse_null, parse_bool, visit_int, parse_f64,
 * digits_but_not_number), used both to decide quoting and to read number nodes the way
 * Moose reads them before re-emitting.
 * ------------------------------------------------------------------------------------------ */

/* An unsigned magnitude of up to 160 bits, little-endian 32-bit limbs: enough to tell
 * whether a literal fits in 64 or 128 bits without a compiler-specific 128-bit type. */
typedef struct big160 {
	uint32_t w[5];
} big160;

static int big_muladd(big160 *b, unsigned mul, unsigned add)
{
	uint64_t carry = add;
	for (int i = 0; i < 5; i++) {
		uint64_t v = (uint64_t)b->w[i] * mul + carry;
		b->w[i] = (uint32_t)v;
		carry = v >> 32;
	}
	return carry == 0;
}

/* 1 when b < 2^bits, for bits a multiple of 32 below 160. */
static int big_below_pow2(const big160 *b, unsigned bits)
{
	for (unsigned i = bits / 32; i < 5; i++)
		if (b->w[i])
			return 0;
	return 1;
}

/* Compares b with 2^bits (bits < 160): -1, 0 or 1. */
static int big_cmp_pow2(const big160 *b, unsigned bits)
{
	big160 lim = { { 0 } };
	lim.w[bits / 32] = (uint32_t)1 << (bits % 32);
	for (int i = 4; i >= 0; i--) {
		if (b->w[i] != lim.w[i])
			return b->w[i] < lim.w[i] ? -1 : 1;
	}
	return 0;
}

static uint64_t big_low64(const big160 *b)
{
	return (uint64_t)b->w[1] << 32 | b->w[0];
}

/* Decimal text of b into buf (at least 50 bytes). */
static void big_to_decimal(big160 b, char *buf)
{
	char tmp[56];
	size_t n = 0;
	do {
		uint64_t rem = 0;
		for (int i = 4; i >= 0; i--) {
			uint64_t cur = rem << 32 | b.w[i];
			b.w[i] = (uint32_t)(cur / 10);
			rem = cur % 10;
		}
		tmp[n++] = (char)('0' + rem);
	} while (b.w[0] || b.w[1] || b.w[2] || b.w[3] || b.w[4]);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

static int digit_value(unsigned char c, unsigned radix, unsigned *out)
{
	unsigned d;
	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'z')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'Z')
		d = c - 'A' + 10;
	else
		return 0;
	if (d >= radix)
		return 0;
	*out = d;
	return 1;
}

/* Rust's from_str_radix on bare digits: 1 when s is non-empty, every character is a digit
 * of the radix and the value fits in 128 bits. */
static int parse_magnitude(const char *s, size_t len, unsigned radix, big160 *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		if (!digit_value((unsigned char)s[i], radix, &d) || !big_muladd(out, radix, d))
			return 0;
	}
	return big_below_pow2(out, 128);
}

static int is_sign(char c)
{
	return c == '+' || c == '-';
}

static int has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

/* YAML 1.2 says leading zeros make a string, but serde_yaml still quotes such strings so
 * YAML 1.1 readers do not see an octal number. */
static int digits_but_not_number(const char *s, size_t len)
{
	if (len && is_sign(s[0])) {
		s++;
		len--;
	}
	if (len < 2 || s[0] != '0')
		return 0;
	for (size_t i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static const struct {
	const char *prefix;
	unsigned radix;
} radix_prefixes[] = { { "0x", 16 }, { "0o", 8 }, { "0b", 2 } };

/* serde_yaml parse_unsigned_int with u64 then u128. */
static int serde_unsigned(const char *s, size_t len, big160 *mag)
{
	const char *u = s;
	size_t ul = len;
	if (ul && u[0] == '+') {
		u++;
		ul--;
	}
	for (size_t i = 0; i < sizeof(radix_prefixes) / sizeof(radix_prefixes[0]); i++) {
		if (!has_prefix(u, ul, radix_prefixes[i].prefix))
			continue;
		if (ul > 2 && is_sign(u[2]))
			return 0;
		if (parse_magnitude(u + 2, ul - 2, radix_prefixes[i].radix, mag))
			return 1;
	}
	if (ul && is_sign(u[0]))
		return 0;
	if (digits_but_not_number(s, len))
		return 0;
	return parse_magnitude(u, ul, 10, mag);
}

/* serde_yaml parse_negative_int with i64 then i128 (it also accepts "+5" and "5"). */
static int serde_signed(const char *s, size_t len, int *neg, big160 *mag)
{
	static const char *const neg_prefixes[] = { "-0x", "-0o", "-0b" };
	for (size_t i = 0; i < 3; i++) {
		if (has_prefix(s, len, neg_prefixes[i]) &&
		    parse_magnitude(s + 3, len - 3, radix_prefixes[i].radix, mag) &&
		    big_cmp_pow2(mag, 127) <= 0) {
			*neg = 1;
			return 1;
		}
	}
	if (digits_but_not_number(s, len))
		return 0;
	int n = 0;
	if (len && is_sign(s[0])) {
		n = s[0] == '-';
		s++;
		len--;
	}
	if (!parse_magnitude(s, len, 10, mag))
		return 0;
	/* i128 holds -2^127 ..= 2^127 - 1 */
	if (big_cmp_pow2(mag, 127) > (n ? 0 : -1))
		return 0;
	*neg = n;
	return 1;
}

/* 1 when serde_yaml reads the plain scalar as an integer (visit_int). */
static int serde_int(const char *s, size_t len, int *neg, big160 *mag)
{
	if (serde_unsigned(s, len, mag)) {
		*neg = 0;
		return 1;
	}
	return serde_signed(s, len, neg, mag);
}

/* Rust's f64::from_str grammar restricted to finite spellings, rewritten without a decimal
 * point ("12.5e3" -> "125e2") so that strtod does not depend on the locale. Returns 1 and
 * the value when s is such a number. */
static int rust_parse_f64(const char *s, size_t len, double *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < len && is_sign(s[i]))
		neg = s[i++] == '-';
	size_t int_start = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	size_t int_len = i - int_start, frac_start = i, frac_len = 0;
	if (i < len && s[i] == '.') {
		frac_start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		frac_len = i - frac_start;
	}
	if (int_len + frac_len == 0)
		return 0;
	long exp = 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		i++;
		if (i < len && is_sign(s[i]))
			eneg = s[i++] == '-';
		size_t exp_start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			/* saturate: past this every mantissa is 0 or infinite anyway */
			if (exp < 100000000L)
				exp = exp * 10 + (s[i] - '0');
			i++;
		}
		if (i == exp_start)
			return 0;
		if (eneg)
			exp = -exp;
	}
	if (i != len)
		return 0;
	if (frac_len > (size_t)LONG_MAX / 2)
		return 0;
	exp -= (long)frac_len;
	size_t cap = int_len + frac_len + 32;
	char *buf = malloc(cap);
	if (!buf)
		return -1;
	size_t n = 0;
	buf[n++] = neg ? '-' : '+';
	memcpy(buf + n, s + int_start, int_len);
	n += int_len;
	memcpy(buf + n, s + frac_start, frac_len);
	n += frac_len;
	snprintf(buf + n, cap - n, "e%ld", exp);
	*out = strtod(buf, NULL);
	free(buf);
	return 1;
}

static int word_in(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == len && memcmp(s, *words, len) == 0)
			return 1;
	return 0;
}

static const char *const null_words[] = { "~", "null", "Null", "NULL", NULL };
static const char *const bool_words[] = { "true",  "True",  "TRUE", "false",
	                                   "False", "FALSE", NULL };

/* serde_yaml parse_f64: 1 and the value when the plain scalar is a float. Non-finite values
 * only come from the YAML spellings; "1e999" is a string to serde_yaml. -1 on ENOMEM. */
static int serde_float(const char *s, size_t len, double *out)
{
	static const char *const inf_words[] = { ".inf", ".Inf", ".INF", NULL };
	static const char *const nan_words[] = { ".nan", ".NaN", ".NAN", NULL };
	const char *u = s;
	size_t ul = len;
	if (ul && u[0] == '+') {
		u++;
		ul--;
		if (ul && is_sign(u[0]))
			return 0;
	}
	if (word_in(u, ul, inf_words)) {
		*out = HUGE_VAL;
		return 1;
	}
	if (len && s[0] == '-' && word_in(s + 1, len - 1, inf_words)) {
		*out = -HUGE_VAL;
		return 1;
	}
	if (word_in(s, len, nan_words)) {
		*out = NAN;
		return 1;
	}
	int r = rust_parse_f64(u, ul, out);
	if (r <= 0)
		return r;
	return isfinite(*out) ? 1 : 0;
}

int migplan__yaml_string_needs_quotes(const char *s, size_t len)
{
	if (len == 0 || word_in(s, len, null_words) || word_in(s, len, bool_words))
		return 1;
	int neg;
	big160 mag;
	if (serde_int(s, len, &neg, &mag) || digits_but_not_number(s, len))
		return 1;
	double d;
	/* on ENOMEM quote: always safe, the string still reads back as itself */
	return serde_float(s, len, &d) != 0;
}

/* ------------------------------------------------------------------------------------------
 * Numbers as Moose writes them after its JSON round trip
 * ------------------------------------------------------------------------------------------ */

/* The shortest decimal digits that read back as v (v finite and > 0), and the exponent of
 * the first digit: v = 0.d1d2... * 10^(exp10 + 1). Tries 1..17 significant digits; with
 * correct rounding the first that round-trips is what ryu picks. */
static void shortest_digits(double v, char *digits, int *ndigits, int *exp10)
{
	for (int prec = 1; prec <= 17; prec++) {
		char tmp[64], back[64];
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		/* copy the digits, skipping the locale's radix character */
		int n = 0;
		const char *p = tmp;
		for (; *p && *p != 'e'; p++)
			if (*p >= '0' && *p <= '9')
				digits[n++] = *p;
		digits[n] = '\0';
		int e = *p == 'e' ? atoi(p + 1) : 0;
		snprintf(back, sizeof(back), "%se%d", digits, e - (n - 1));
		if (strtod(back, NULL) == v || prec == 17) {
			while (n > 1 && digits[n - 1] == '0')
				digits[--n] = '\0';
			*ndigits = n;
			*exp10 = e;
			return;
		}
	}
}

/* Rust's Display for f64 as ryu::Buffer::format_finite writes it (serde_yaml's
 * serialize_f64): "1000.0", "0.001", "1e16", "1.5e-7". buf needs 40 bytes. */
static void format_f64(double v, char *buf)
{
	char *p = buf;
	if (signbit(v))
		*p++ = '-';
	v = fabs(v);
	if (v == 0) {
		strcpy(p, "0.0");
		return;
	}
	char d[24];
	int n, e;
	shortest_digits(v, d, &n, &e);
	int kk = e + 1; /* 10^(kk-1) <= v < 10^kk */
	int k = kk - n; /* exponent of the last digit */
	if (k >= 0 && kk <= 16) {
		p += sprintf(p, "%s", d);
		for (int i = n; i < kk; i++)
			*p++ = '0';
		strcpy(p, ".0");
	} else if (kk > 0 && kk <= 16) {
		sprintf(p, "%.*s.%s", kk, d, d + kk);
	} else if (kk > -5 && kk <= 0) {
		p += sprintf(p, "0.");
		for (int i = 0; i < -kk; i++)
			*p++ = '0';
		strcpy(p, d);
	} else if (n == 1) {
		sprintf(p, "%se%d", d, kk - 1);
	} else {
		sprintf(p, "%c.%se%d", d[0], d + 1, kk - 1);
	}
}

typedef enum number_form {
	NUMBER_PLAIN,  /* buf holds the plain text */
	NUMBER_STRING, /* serde_yaml would read the text as a string: emit it as one */
	NUMBER_NOMEM
} number_form;

/* What Moose writes for a scalar the reader typed as a number. Integers up to 64 bits stay
 * integers; larger ones only survive serde_json as floats; non-finite floats become null. */
static number_form number_text(const char *s, size_t len, char *buf)
{
	int neg;
	big160 mag;
	if (serde_int(s, len, &neg, &mag)) {
		int zero = big_below_pow2(&mag, 32) && mag.w[0] == 0;
		if (neg && big_cmp_pow2(&mag, 63) <= 0) {
			unsigned long long v = big_low64(&mag);
			sprintf(buf, "%s%llu", zero ? "" : "-", v);
			return NUMBER_PLAIN;
		}
		if (!neg && big_below_pow2(&mag, 64)) {
			sprintf(buf, "%llu", (unsigned long long)big_low64(&mag));
			return NUMBER_PLAIN;
		}
		char dec[56];
		dec[0] = neg ? '-' : '+';
		big_to_decimal(mag, dec + 1);
		format_f64(strtod(dec, NULL), buf);
		return NUMBER_PLAIN;
	}
	double d;
	int r = digits_but_not_number(s, len) ? 0 : serde_float(s, len, &d);
	if (r < 0)
		return NUMBER_NOMEM;
	if (r == 0)
		return NUMBER_STRING;
	if (isfinite(d))
		format_f64(d, buf);
	else
		strcpy(buf, "null");
	return NUMBER_PLAIN;
}

/* ------------------------------------------------------------------------------------------
 * Emitting
 * ------------------------------------------------------------------------------------------ */

typedef struct emit_ctx {
	yaml_emitter_t em;
	migplan__sb out;
} emit_ctx;

/* Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF): libyaml refuses invalid
 * input, and checking first tells that apart from its out-of-memory failure. */
static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t v, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, v = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, v = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, v = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			v = v << 6 | (s[i + k] & 0x3F);
		}
		if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

static migplan_status emitter_failed(const emit_ctx *c)
{
	if (c->em.error == YAML_MEMORY_ERROR || c->em.error == YAML_WRITER_ERROR)
		return migplan__error_oom();
	return migplan__error(MIGPLAN_ERROR, "YAML emitter: %s",
	                      c->em.problem ? c->em.problem : "unknown error");
}

/* yaml_emitter_emit takes the event in every case, so nothing is left to free here. */
static migplan_status emit_event(emit_ctx *c, yaml_event_t *ev, int init_ok)
{
	if (!init_ok)
		return migplan__error_oom();
	if (!yaml_emitter_emit(&c->em, ev))
		return emitter_failed(c);
	return MIGPLAN_OK;
}

static migplan_status emit_scalar(emit_ctx *c, const char *text, size_t len,
                                  yaml_scalar_style_t style, const migplan_node *at)
{
	if (len > INT_MAX)
		return migplan__error_node(MIGPLAN_ELIMIT, at, "string of %zu bytes is too long",
		                           len);
	if (!valid_utf8((const unsigned char *)text, len))
		return migplan__error_node(MIGPLAN_EINVAL, at, "string is not valid UTF-8");
	yaml_event_t ev;
	/* no tag, both implicit flags set: exactly serde_yaml's scalar events */
	int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)text,
	                                      (int)len, 1, 1, style);
	return emit_event(c, &ev, ok);
}

/* serde_yaml serialize_str: a literal block for any newline, single quotes when the text
 * would read back as another type, otherwise libyaml's choice (plain when allowed). */
static migplan_status emit_string(emit_ctx *c, const char *s, size_t len, const migplan_node *at)
{
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
	if (memchr(s, '\n', len))
		style = YAML_LITERAL_SCALAR_STYLE;
	else if (migplan__yaml_string_needs_quotes(s, len))
		style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
	return emit_scalar(c, s, len, style, at);
}

static migplan_status emit_plain(emit_ctx *c, const char *text, const migplan_node *at)
{
	return emit_scalar(c, text, strlen(text), YAML_PLAIN_SCALAR_STYLE, at);
}

static migplan_status emit_number(emit_ctx *c, const migplan_node *n)
{
	char buf[64];
	switch (number_text(migplan__sptr(n), migplan__slen(n), buf)) {
	case NUMBER_PLAIN:
		return emit_plain(c, buf, n);
	case NUMBER_STRING:
		return emit_string(c, migplan__sptr(n), migplan__slen(n), n);
	case NUMBER_NOMEM:
		break;
	}
	return migplan__error_oom();
}

static migplan_status emit_node(emit_ctx *c, const migplan_node *n, unsigned depth);

static migplan_status emit_seq(emit_ctx *c, const migplan_node *n, unsigned depth)
{
	yaml_event_t ev;
	int ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_ANY_SEQUENCE_STYLE);
	migplan_status st = emit_event(c, &ev, ok);
	for (uint32_t i = 0; st == MIGPLAN_OK && i < migplan__nkids(n); i++)
		st = emit_node(c, migplan__item(n, i), depth + 1);
	if (st != MIGPLAN_OK)
		return st;
	ok = yaml_sequence_end_event_initialize(&ev);
	return emit_event(c, &ev, ok);
}

static int key_cmp(const migplan_node *a, const migplan_node *b)
{
	uint32_t la = migplan__slen(a), lb = migplan__slen(b);
	int r = memcmp(migplan__sptr(a), migplan__sptr(b), la < lb ? la : lb);
	if (r)
		return r;
	return la < lb ? -1 : la > lb;
}

/* serde_json's Map is a BTreeMap: keys in byte order, a repeated key keeps its last value.
 * A stable merge sort of pair indices (qsort has no context argument and is not stable)
 * keeps equal keys in input order, so the last of a run is the one to write. */
static void sort_indices(uint32_t *idx, uint32_t *tmp, size_t n, const migplan_node *map)
{
	if (n < 2)
		return;
	size_t mid = n / 2;
	sort_indices(idx, tmp, mid, map);
	sort_indices(idx + mid, tmp, n - mid, map);
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n) {
		/* <= keeps equal keys in input order (stable) */
		if (key_cmp(migplan__key(map, idx[i]), migplan__key(map, idx[j])) <= 0)
			tmp[k++] = idx[i++];
		else
			tmp[k++] = idx[j++];
	}
	while (i < mid)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

static migplan_status check_keys(const migplan_node *n)
{
	for (uint32_t i = 0; i < migplan__nkids(n); i++) {
		const migplan_node *k = migplan__key(n, i);
		if (!k || migplan__kind(k) == MIGPLAN_NODE_SEQ || migplan__kind(k) == MIGPLAN_NODE_MAP)
			return migplan__error_node(MIGPLAN_EINVAL, k ? k : n,
			                           "mapping key is not a scalar");
	}
	return MIGPLAN_OK;
}

static migplan_status emit_pairs(emit_ctx *c, const migplan_node *map, const uint32_t *idx,
                                 uint32_t count, unsigned depth)
{
	migplan_status st = MIGPLAN_OK;
	for (uint32_t i = 0; st == MIGPLAN_OK && i < count; i++) {
		const migplan_node *key = migplan__key(map, idx[i]);
		/* of equal keys only the last one (in input order) is written */
		if (i + 1 < count && key_cmp(key, migplan__key(map, idx[i + 1])) == 0)
			continue;
		st = emit_string(c, migplan__sptr(key), migplan__slen(key), key);
		if (st == MIGPLAN_OK)
			st = emit_node(c, migplan__val(map, idx[i]), depth + 1);
	}
	return st;
}

static migplan_status emit_map(emit_ctx *c, const migplan_node *n, unsigned depth)
{
	migplan_status st = check_keys(n);
	if (st != MIGPLAN_OK)
		return st;
	uint32_t count = migplan__nkids(n);
	uint32_t *idx = NULL;
	if (count) {
		idx = malloc((size_t)count * 2 * sizeof(*idx));
		if (!idx)
			return migplan__error_oom();
		for (uint32_t i = 0; i < count; i++)
			idx[i] = i;
		sort_indices(idx, idx + count, count, n);
	}
	yaml_event_t ev;
	int ok = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_ANY_MAPPING_STYLE);
	st = emit_event(c, &ev, ok);
	if (st == MIGPLAN_OK)
		st = emit_pairs(c, n, idx, count, depth);
	free(idx);
	if (st != MIGPLAN_OK)
		return st;
	ok = yaml_mapping_end_event_initialize(&ev);
	return emit_event(c, &ev, ok);
}

static migplan_status emit_node(emit_ctx *c, const migplan_node *n, unsigned depth)
{
	if (depth > MIGPLAN__EMIT_MAX_DEPTH)
		return migplan__error_node(MIGPLAN_ELIMIT, n, "nesting deeper than %u levels",
		                           MIGPLAN__EMIT_MAX_DEPTH);
	if (!n)
		return emit_plain(c, "null", NULL);
	switch (migplan__kind(n)) {
	case MIGPLAN_NODE_NULL:
		return emit_plain(c, "null", n);
	case MIGPLAN_NODE_BOOL:
		return emit_plain(c, migplan_node_bool(n) ? "true" : "false", n);
	case MIGPLAN_NODE_INT:
	case MIGPLAN_NODE_FLOAT:
		return emit_number(c, n);
	case MIGPLAN_NODE_STRING:
		return emit_string(c, migplan__sptr(n), migplan__slen(n), n);
	case MIGPLAN_NODE_SEQ:
		return emit_seq(c, n, depth);
	case MIGPLAN_NODE_MAP:
		return emit_map(c, n, depth);
	}
	return migplan__error_node(MIGPLAN_EINVAL, n, "node of unknown kind %u", migplan__kind(n));
}

/* serde_yaml's Emitter::new plus the 0.9.34 width setting. */
static migplan_status ctx_init(emit_ctx *c)
{
	memset(c, 0, sizeof(*c));
	if (!yaml_emitter_initialize(&c->em))
		return migplan__error_oom();
	yaml_emitter_set_unicode(&c->em, 1);
	yaml_emitter_set_width(&c->em, -1);
	yaml_emitter_set_indent(&c->em, 2);
	yaml_emitter_set_break(&c->em, YAML_LN_BREAK);
	yaml_emitter_set_output(&c->em, outbuf_write, &c->out);
	return MIGPLAN_OK;
}

static migplan_status emit_document(emit_ctx *c, const migplan_node *root)
{
	yaml_event_t ev;
	int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	migplan_status st = emit_event(c, &ev, ok);
	if (st == MIGPLAN_OK) {
		ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		st = emit_event(c, &ev, ok);
	}
	if (st == MIGPLAN_OK)
		st = emit_node(c, root, 0);
	if (st == MIGPLAN_OK) {
		ok = yaml_document_end_event_initialize(&ev, 1);
		st = emit_event(c, &ev, ok);
	}
	if (st == MIGPLAN_OK) {
		ok = yaml_stream_end_event_initialize(&ev);
		st = emit_event(c, &ev, ok);
	}
	if (st == MIGPLAN_OK && !yaml_emitter_flush(&c->em))
		st = emitter_failed(c);
	return st;
}

static migplan_status emit_with_header(const migplan_node *root, const char *header, char **out,
                                       size_t *len)
{
	if (len)
		*len = 0;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "YAML emit: out is NULL");
	*out = NULL;
	emit_ctx c;
	migplan_status st = ctx_init(&c);
	if (st != MIGPLAN_OK)
		return st;
	migplan__sb_puts(&c.out, header);
	if (c.out.failed)
		st = migplan__error_oom();
	if (st == MIGPLAN_OK)
		st = emit_document(&c, root);
	yaml_emitter_delete(&c.em);
	if (st != MIGPLAN_OK) {
		free(c.out.ptr);
		return st;
	}
	*out = c.out.ptr;
	if (len)
		*len = c.out.len;
	return MIGPLAN_OK;
}

migplan_status migplan__yaml_emit_plan(const migplan_node *root, char **out, size_t *len)
{
	if (!root) {
		if (out)
			*out = NULL;
		if (len)
			*len = 0;
		return migplan__error(MIGPLAN_EINVAL, "YAML emit: the plan has no document");
	}
	return emit_with_header(root, MIGPLAN__PLAN_HEADER, out, len);
}

migplan_status migplan__yaml_emit_value(const migplan_node *node, char **out, size_t *len)
{
	return emit_with_header(node, "", out, len);
}

/* ------------------------------------------------------------------------------------------
 * Builders
 * ------------------------------------------------------------------------------------------ */

static migplan_node *new_node(migplan__arena *arena, migplan_node_kind kind)
{
	if (!arena) {
		migplan__error(MIGPLAN_EINVAL, "node builder: arena is NULL");
		return NULL;
	}
	migplan_node *n = migplan__arena_zalloc(arena, sizeof(*n));
	if (!n) {
		migplan__error_oom();
		return NULL;
	}
	migplan__node_set(n, kind, NULL);
	return n;
}

static migplan_node *new_scalar(migplan__arena *arena, const migplan__doc *doc,
                                migplan_node_kind kind, const char *text, size_t len)
{
	if ((!text && len) || len > UINT32_MAX) {
		migplan__error(MIGPLAN_EINVAL, "node builder: bad string (%zu bytes)", len);
		return NULL;
	}
	migplan_node *n = new_node(arena, kind);
	if (!n)
		return NULL;
	migplan__text *t = migplan__text_new(arena, doc, text, len);
	if (!t) {
		migplan__error_oom();
		return NULL;
	}
	migplan__node_set(n, kind, t);
	return n;
}

/* A collection node whose children are copies of the n nodes of src (2 per pair for maps). */
static migplan_node *new_collection(migplan__arena *arena, const migplan__doc *doc,
                                    migplan_node_kind kind, const migplan_node *const *src,
                                    size_t n, uint32_t count)
{
	migplan_node *c = new_node(arena, kind);
	if (!c)
		return NULL;
	migplan__kids *k = migplan__kids_new(arena, doc, n, count);
	if (!k) {
		migplan__error_oom();
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		k->nodes[i] = *src[i];
	migplan__node_set(c, kind, k);
	return c;
}

migplan_node *migplan__node_new_null(migplan__arena *arena, const migplan__doc *doc)
{
	return new_scalar(arena, doc, MIGPLAN_NODE_NULL, "null", 4);
}

migplan_node *migplan__node_new_bool(migplan__arena *arena, const migplan__doc *doc, int value)
{
	const char *t = value ? "true" : "false";
	return new_scalar(arena, doc, MIGPLAN_NODE_BOOL, t, strlen(t));
}

migplan_node *migplan__node_new_int(migplan__arena *arena, const migplan__doc *doc,
                                    int64_t value)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)value);
	return new_scalar(arena, doc, MIGPLAN_NODE_INT, buf, (size_t)n);
}

migplan_node *migplan__node_new_string(migplan__arena *arena, const migplan__doc *doc,
                                       const char *text, size_t len)
{
	return new_scalar(arena, doc, MIGPLAN_NODE_STRING, text, len);
}

migplan_node *migplan__node_new_seq(migplan__arena *arena, const migplan__doc *doc,
                                    migplan_node *const *items, size_t n)
{
	if (n > UINT32_MAX || (n && !items)) {
		migplan__error(MIGPLAN_EINVAL, "node builder: bad sequence (%zu items)", n);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!items[i]) {
			migplan__error(MIGPLAN_EINVAL, "node builder: item %zu is NULL", i);
			return NULL;
		}
	}
	return new_collection(arena, doc, MIGPLAN_NODE_SEQ, (const migplan_node *const *)items, n,
	                      (uint32_t)n);
}

migplan_node *migplan__node_new_map(migplan__arena *arena, const migplan__doc *doc,
                                    const migplan__pair *pairs, size_t n)
{
	if (n > UINT32_MAX || (n && !pairs)) {
		migplan__error(MIGPLAN_EINVAL, "node builder: bad mapping (%zu pairs)", n);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const migplan_node *k = pairs[i].key;
		if (!k || migplan__kind(k) == MIGPLAN_NODE_SEQ || migplan__kind(k) == MIGPLAN_NODE_MAP ||
		    !pairs[i].value) {
			migplan__error(MIGPLAN_EINVAL, "node builder: pair %zu needs a scalar key and value",
			               i);
			return NULL;
		}
	}
	if (n > SIZE_MAX / 2 / sizeof(migplan_node)) {
		migplan__error_oom();
		return NULL;
	}
	const migplan_node **kv = malloc((n ? n : 1) * 2 * sizeof(*kv));
	if (!kv) {
		migplan__error_oom();
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		kv[2 * i] = pairs[i].key;
		kv[2 * i + 1] = pairs[i].value;
	}
	migplan_node *m = new_collection(arena, doc, MIGPLAN_NODE_MAP, kv, 2 * n, (uint32_t)n);
	free(kv);
	return m;
}
