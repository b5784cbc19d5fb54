/* JSON reader (RFC 8259, strict) into the document tree (lib/doc.h).
 *
 * Hand-written because json-c keeps no positions and every node needs one. One pass over the
 * bytes with an explicit stack (no recursion): finished nodes wait by value on a kid stack
 * until their collection ends and moves them into the document's arena. Positions are
 * kept incrementally: `line_start` is where the current line begins and
 * `line_extra` counts the UTF-8 continuation bytes seen on it, so the column of any byte is
 * (byte - line_start - line_extra + 1) code points. Multi-byte characters can only occur
 * inside strings, which never span lines, so the count is exact. */
#include "doc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "reader.h"

typedef struct frame {
	migplan_node node; /* children set when it ends */
	size_t start; /* first child on the kid stack */
} frame;

typedef struct reader {
	migplan__doc *doc;
	const char *path;
	const migplan__limits *lim;
	const unsigned char *buf, *p, *end;
	const unsigned char *line_start;
	size_t line_extra;
	uint32_t line;
	frame *frames;
	size_t nframes, frames_cap;
	migplan_node *kids;
	size_t nkids, kids_cap;
	migplan__keyset keys;
	migplan__texts texts;
	char *unescaped; /* scratch for strings with escapes */
	size_t unescaped_cap;
} reader;

/* Byte classes inside a string: 0 plain, 1 quote, 2 backslash, 3 control, 4 non-ASCII. */
static const unsigned char str_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

/* ---- positions and errors ---- */

static uint32_t column_of(const reader *r, const unsigned char *q)
{
	return (uint32_t)((size_t)(q - r->line_start) - r->line_extra + 1);
}

static migplan_status error_at(reader *r, migplan_status code, const unsigned char *q,
                               const char *fmt, ...) MIGPLAN__PRINTF(4, 5);

static migplan_status error_at(reader *r, migplan_status code, const unsigned char *q,
                               const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return migplan__error_at(code, r->path, r->line, column_of(r, q), (size_t)(q - r->buf), "%s",
	                         msg);
}

/* "'x'", "byte 0xNN" or "end of input", for messages about the byte at q. */
static const char *describe(const reader *r, const unsigned char *q, char *tmp, size_t n)
{
	if (q >= r->end)
		return "end of input";
	if (*q >= 0x20 && *q < 0x7F)
		snprintf(tmp, n, "'%c'", *q);
	else
		snprintf(tmp, n, "byte 0x%02X", *q);
	return tmp;
}

static migplan_status unexpected(reader *r, const unsigned char *q, const char *expected)
{
	char tmp[16];
	return error_at(r, MIGPLAN_EPARSE, q, "expected %s, found %s", expected,
	                describe(r, q, tmp, sizeof tmp));
}

static void skip_ws(reader *r)
{
	const unsigned char *p = r->p, *end = r->end;
	while (p < end) {
		unsigned char c = *p;
		if (c == ' ' || c == '\t') {
			p++;
		} else if (c == '\n' || c == '\r') {
			p += (c == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
			r->line++;
			r->line_start = p;
			r->line_extra = 0;
		} else {
			break;
		}
	}
	r->p = p;
}

/* ---- nodes ---- */

static migplan_status count_node(reader *r, const unsigned char *at)
{
	if (++r->doc->node_count > r->lim->max_nodes)
		return error_at(r, MIGPLAN_ELIMIT, at, "too many nodes (limit max_nodes)");
	return MIGPLAN_OK;
}

/* A node positioned at `at`, without its text or children yet. */
static void new_node(reader *r, migplan_node *n, migplan_node_kind kind, const unsigned char *at)
{
	migplan__node_set(n, kind, NULL);
	n->line = r->line;
	n->column = column_of(r, at);
	n->offset = (uint32_t)(at - r->buf);
}

/* A scalar node at `at` with the text s (len bytes). */
static migplan_status new_scalar(reader *r, migplan_node *n, migplan_node_kind kind,
                                 const unsigned char *at, const void *s, size_t len)
{
	new_node(r, n, kind, at);
	const migplan__text *text = migplan__texts_get(&r->texts, r->doc, s, len);
	migplan__node_set(n, kind, text);
	return text ? MIGPLAN_OK : migplan__error_oom();
}

static migplan_status push_kid(reader *r, const migplan_node *n)
{
	if (!migplan__reader_reserve((void **)&r->kids, &r->kids_cap, r->nkids + 1,
	                             sizeof *r->kids))
		return migplan__error_oom();
	r->kids[r->nkids++] = *n;
	return MIGPLAN_OK;
}

/* ---- strings ---- */

static int hex4(const unsigned char *q, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = q[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return 0;
		v = v * 16 + d;
	}
	*out = v;
	return 1;
}

/* Length of the well-formed UTF-8 sequence at q (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *q, const unsigned char *end)
{
	unsigned c = q[0];
	size_t n = (size_t)(end - q);
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (q[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (q[1] & 0xC0) != 0x80 || (q[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && q[1] < 0xA0) || (c == 0xED && q[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (q[1] & 0xC0) != 0x80 || (q[2] & 0xC0) != 0x80 || (q[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && q[1] < 0x90) || (c == 0xF4 && q[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* Checks the escape at q (a backslash) and returns its length, or sets an error. */
static migplan_status check_escape(reader *r, const unsigned char *q, size_t *len)
{
	if (q + 1 >= r->end)
		return error_at(r, MIGPLAN_EPARSE, q + 1, "unexpected end of input in a string");
	switch (q[1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		*len = 2;
		return MIGPLAN_OK;
	case 'u':
		break;
	default: {
		char tmp[16];
		return error_at(r, MIGPLAN_EPARSE, q, "invalid escape '\\' followed by %s",
		                describe(r, q + 1, tmp, sizeof tmp));
	}
	}
	uint32_t u;
	if (r->end - q < 6 || !hex4(q + 2, &u))
		return error_at(r, MIGPLAN_EPARSE, q, "invalid \\u escape: expected 4 hex digits");
	if (u >= 0xDC00 && u <= 0xDFFF)
		return error_at(r, MIGPLAN_EPARSE, q, "lone low surrogate \\u%04X", (unsigned)u);
	if (u < 0xD800 || u > 0xDBFF) {
		*len = 6;
		return MIGPLAN_OK;
	}
	uint32_t lo;
	if (r->end - q < 12 || q[6] != '\\' || q[7] != 'u' || !hex4(q + 8, &lo) || lo < 0xDC00 ||
	    lo > 0xDFFF)
		return error_at(r, MIGPLAN_EPARSE, q,
		                "lone high surrogate \\u%04X (not followed by a low surrogate)",
		                (unsigned)u);
	*len = 12;
	return MIGPLAN_OK;
}

/* Finds the closing quote of the string whose body starts at r->p, validating everything on
 * the way; leaves r->p on the quote. */
static migplan_status scan_string(reader *r, int *escaped)
{
	const unsigned char *p = r->p, *end = r->end;
	for (;;) {
		while (p < end && !str_class[*p])
			p++;
		if (p >= end) {
			r->p = p;
			return error_at(r, MIGPLAN_EPARSE, p, "unexpected end of input in a string");
		}
		size_t n = 0;
		migplan_status st;
		switch (str_class[*p]) {
		case 1:
			r->p = p;
			return MIGPLAN_OK;
		case 2:
			*escaped = 1;
			if ((st = check_escape(r, p, &n)))
				return st;
			p += n;
			break;
		case 3:
			return error_at(r, MIGPLAN_EPARSE, p,
			                "control character U+%04X in a string must be escaped", *p);
		default:
			if (!(n = utf8_len(p, end)))
				return error_at(r, MIGPLAN_EPARSE, p, "invalid UTF-8 byte 0x%02X in a string",
				                *p);
			r->line_extra += n - 1;
			p += n;
			break;
		}
	}
}

static size_t put_utf8(char *d, uint32_t u)
{
	if (u < 0x80) {
		d[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		d[0] = (char)(0xC0 | (u >> 6));
		d[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		d[0] = (char)(0xE0 | (u >> 12));
		d[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		d[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | (u >> 18));
	d[1] = (char)(0x80 | ((u >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((u >> 6) & 0x3F));
	d[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

/* Unescapes an already validated string body into d; returns the length. */
static size_t unescape(char *d, const unsigned char *s, const unsigned char *e)
{
	size_t n = 0;
	while (s < e) {
		if (*s != '\\') {
			d[n++] = (char)*s++;
			continue;
		}
		char c = (char)s[1];
		s += 2;
		switch (c) {
		case 'b': d[n++] = '\b'; break;
		case 'f': d[n++] = '\f'; break;
		case 'n': d[n++] = '\n'; break;
		case 'r': d[n++] = '\r'; break;
		case 't': d[n++] = '\t'; break;
		case 'u': {
			uint32_t u = 0, lo = 0;
			hex4(s, &u);
			s += 4;
			if (u >= 0xD800 && u <= 0xDBFF) {
				hex4(s + 2, &lo);
				s += 6;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			}
			n += put_utf8(d + n, u);
			break;
		}
		default: d[n++] = c; break; /* " \ / */
		}
	}
	return n;
}

/* Reads the string at r->p (on its opening quote) into a STRING node. */
static migplan_status read_string(reader *r, migplan_node *out)
{
	const unsigned char *at = r->p;
	uint32_t col = column_of(r, at);
	r->p++;
	const unsigned char *body = r->p;
	int escaped = 0;
	migplan_status st = scan_string(r, &escaped);
	if (st)
		return st;
	size_t raw = (size_t)(r->p - body);
	r->p++;
	const void *text = body;
	size_t len = raw;
	if (escaped) {
		/* unescaping only shortens, so the raw length is enough room */
		if (!migplan__reader_reserve((void **)&r->unescaped, &r->unescaped_cap, raw + 1, 1))
			return migplan__error_oom();
		len = unescape(r->unescaped, body, body + raw);
		text = r->unescaped;
	}
	if (len > r->lim->max_string)
		return migplan__error_at(MIGPLAN_ELIMIT, r->path, r->line, col, (size_t)(at - r->buf),
		                         "string longer than the limit (max_string)");
	if ((st = new_scalar(r, out, MIGPLAN_NODE_STRING, at, text, len)))
		return st;
	out->column = col; /* from before the scan, which counted the string's own characters */
	if (escaped)
		migplan__reader_note_nul(r->doc, out);
	return count_node(r, at);
}

/* ---- numbers and literals ---- */

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static migplan_status read_number(reader *r, migplan_node *out)
{
	const unsigned char *start = r->p, *p = r->p, *end = r->end;
	int is_float = 0;
	if (*p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		return unexpected(r, p, "a digit after '-'");
	if (*p == '0') {
		p++;
		if (p < end && is_digit(*p))
			return error_at(r, MIGPLAN_EPARSE, start,
			                "numbers cannot have leading zeros");
	} else {
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && *p == '.') {
		is_float = 1;
		p++;
		if (p >= end || !is_digit(*p))
			return unexpected(r, p, "a digit after the decimal point");
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		is_float = 1;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return unexpected(r, p, "a digit in the exponent");
		while (p < end && is_digit(*p))
			p++;
	}
	size_t len = (size_t)(p - start);
	if (len > r->lim->max_string)
		return error_at(r, MIGPLAN_ELIMIT, start, "number longer than the limit (max_string)");
	migplan_status st = new_scalar(r, out, is_float ? MIGPLAN_NODE_FLOAT : MIGPLAN_NODE_INT,
	                               start, start, len);
	if (st)
		return st;
	r->p = p;
	return count_node(r, start);
}

static migplan_status read_literal(reader *r, migplan_node *out)
{
	static const struct { const char *text; size_t len; migplan_node_kind kind; } lits[] = {
		{ "true", 4, MIGPLAN_NODE_BOOL },
		{ "false", 5, MIGPLAN_NODE_BOOL },
		{ "null", 4, MIGPLAN_NODE_NULL },
	};
	const unsigned char *p = r->p;
	for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
		if (*p != (unsigned char)lits[i].text[0])
			continue;
		if ((size_t)(r->end - p) < lits[i].len || memcmp(p, lits[i].text, lits[i].len))
			return error_at(r, MIGPLAN_EPARSE, p, "invalid literal (expected '%s')", lits[i].text);
		migplan_status st = new_scalar(r, out, lits[i].kind, p, lits[i].text, lits[i].len);
		if (st)
			return st;
		r->p += lits[i].len;
		return count_node(r, p);
	}
	return unexpected(r, p, "a JSON value");
}

/* ---- collections ---- */

static migplan_status open_collection(reader *r, migplan_node_kind kind)
{
	const unsigned char *at = r->p;
	if (r->nframes + 1 > r->lim->max_depth)
		return error_at(r, MIGPLAN_ELIMIT, at, "nesting too deep (limit max_depth)");
	if (!migplan__reader_reserve((void **)&r->frames, &r->frames_cap, r->nframes + 1,
	                             sizeof *r->frames))
		return migplan__error_oom();
	migplan_node *n = &r->frames[r->nframes].node;
	new_node(r, n, kind, at);
	r->frames[r->nframes].start = r->nkids;
	r->nframes++;
	r->p++;
	return count_node(r, at);
}

/* Ends the innermost collection and returns it as the finished value. */
static migplan_status close_collection(reader *r, migplan_node *out)
{
	frame *f = &r->frames[--r->nframes];
	const migplan_node *kids = r->kids + f->start;
	size_t n = r->nkids - f->start;
	*out = f->node;
	migplan_status st = migplan__kind(out) == MIGPLAN_NODE_SEQ
	                            ? migplan__reader_end_seq(r->doc, out, kids, n)
	                            : migplan__reader_end_map(r->doc, &r->keys, out, kids, n);
	if (st)
		return st;
	r->nkids = f->start;
	r->p++;
	return MIGPLAN_OK;
}

/* An object member's key and colon; leaves r->p on the value. */
static migplan_status read_key(reader *r, int after_comma)
{
	if (r->p >= r->end || *r->p != '"') {
		if (after_comma && r->p < r->end && *r->p == '}')
			return error_at(r, MIGPLAN_EPARSE, r->p, "trailing comma before '}'");
		return unexpected(r, r->p, "a string key");
	}
	migplan_node key;
	migplan_status st = read_string(r, &key);
	if (st || (st = push_kid(r, &key)))
		return st;
	skip_ws(r);
	if (r->p >= r->end || *r->p != ':')
		return unexpected(r, r->p, "':' after object key");
	r->p++;
	return MIGPLAN_OK;
}

/* Reads one value. A scalar or an empty collection comes back in *out with *got = 1; an opened
 * non-empty collection leaves *got 0 and the caller reads its first element. */
static migplan_status read_value(reader *r, migplan_node *out, int *got)
{
	*got = 1;
	skip_ws(r);
	if (r->p >= r->end)
		return unexpected(r, r->p, "a JSON value");
	unsigned char c = *r->p;
	migplan_status st;
	switch (c) {
	case '{':
	case '[': {
		int obj = c == '{';
		if ((st = open_collection(r, obj ? MIGPLAN_NODE_MAP : MIGPLAN_NODE_SEQ)))
			return st;
		skip_ws(r);
		if (r->p < r->end && *r->p == (obj ? '}' : ']'))
			return close_collection(r, out);
		*got = 0;
		return obj ? read_key(r, 0) : MIGPLAN_OK;
	}
	case '"':
		return read_string(r, out);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return read_number(r, out);
	default:
		return read_literal(r, out);
	}
}

/* After a finished value: attach it, then consume separators and closers until the next value
 * is due (*more = 1) or the document ends (*more = 0). */
static migplan_status after_value(reader *r, migplan_node *v, int *more)
{
	for (;;) {
		if (!r->nframes) {
			migplan_status st = migplan__reader_set_root(r->doc, v);
			if (st)
				return st;
			skip_ws(r);
			if (r->p < r->end)
				return error_at(r, MIGPLAN_EPARSE, r->p, "unexpected data after the JSON value");
			*more = 0;
			return MIGPLAN_OK;
		}
		migplan_status st = push_kid(r, v);
		if (st)
			return st;
		skip_ws(r);
		int obj = migplan__kind(&r->frames[r->nframes - 1].node) == MIGPLAN_NODE_MAP;
		char closer = obj ? '}' : ']';
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			skip_ws(r);
			*more = 1;
			if (obj)
				return read_key(r, 1);
			if (r->p < r->end && *r->p == ']')
				return error_at(r, MIGPLAN_EPARSE, r->p, "trailing comma before ']'");
			return MIGPLAN_OK;
		}
		if (r->p >= r->end || *r->p != closer)
			return unexpected(r, r->p, obj ? "',' or '}' after object member"
			                               : "',' or ']' after array element");
		if ((st = close_collection(r, v)))
			return st;
	}
}

static migplan_status parse(reader *r)
{
	int more = 1;
	while (more) {
		migplan_node v;
		int got;
		migplan_status st = read_value(r, &v, &got);
		if (st)
			return st;
		if (!got)
			continue; /* a collection opened: its first element is next */
		if ((st = after_value(r, &v, &more)))
			return st;
	}
	return MIGPLAN_OK;
}

migplan_status migplan__json_read(migplan__doc **out, const char *buf, size_t len,
                                  const char *path, const migplan__limits *lim)
{
	migplan_status st = migplan__reader_check("migplan__json_read", out, buf, len, path, lim);
	if (st)
		return st;
	reader r;
	memset(&r, 0, sizeof r);
	r.path = path;
	r.lim = lim;
	r.buf = (const unsigned char *)(buf ? buf : "");
	r.p = r.buf;
	r.end = r.buf + len;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		r.p += 3;
	r.line = 1;
	r.line_start = r.p;
	migplan__keyset_init(&r.keys, &r);
	migplan__texts_init(&r.texts, &r);
	r.doc = migplan__reader_doc_new(path, len, MIGPLAN__DOC_JSON);
	/* the stacks exist from the start, so an empty collection never slices a NULL array */
	int ready = r.doc &&
	            migplan__reader_reserve((void **)&r.kids, &r.kids_cap, 1, sizeof *r.kids) &&
	            migplan__reader_reserve((void **)&r.frames, &r.frames_cap, 1, sizeof *r.frames);
	st = ready ? parse(&r) : migplan__error_oom();
	free(r.frames);
	free(r.kids);
	migplan__keyset_release(&r.keys);
	migplan__texts_release(&r.texts);
	free(r.unescaped);
	if (st) {
		migplan__doc_free(r.doc);
		return st;
	}
	*out = r.doc;
	return MIGPLAN_OK;
}
