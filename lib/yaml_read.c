/* YAML reader: libyaml events into the document tree (lib/doc.h).
 *
 * Moose reads plan.yaml with serde_yaml 0.9 into a serde_json::Value, so this reader accepts
 * exactly what that pipeline accepts: one document, YAML 1.2 core-schema typing of plain
 * scalars, no custom tags, no duplicate keys. Collections are built with an explicit stack
 * (no recursion, so a 100,000-deep input costs nothing but the depth check), and every node
 * and string lives in the document's arena. */
#include "doc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "error.h"
#include "reader.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* An anchor and what an alias to it costs: `weight` nodes and `height` nesting levels. */
typedef struct anchor {
	const char *name;
	size_t len;
	uint64_t hash;
	migplan_node *node;
	uint64_t weight;
	uint32_t height;
	int open; /* the anchored collection has not ended: an alias to it would be a cycle */
} anchor;

/* One open sequence or mapping. Its children sit on the shared kid stack from `start`. */
typedef struct frame {
	migplan_node *node;
	size_t start;
	uint64_t count_start; /* doc->node_count before this collection, for the alias weight */
	uint32_t height;      /* 1 + tallest child collection */
	anchor *anchor;
} frame;

typedef struct reader {
	migplan__doc *doc;
	const char *path;
	const migplan__limits *lim;
	const unsigned char *buf; /* the input after the BOM: what libyaml sees */
	size_t len;
	size_t bom;
	size_t ascii_len; /* bytes before the first non-ASCII one */
	/* libyaml marks count characters; this cursor turns them into byte offsets in one
	 * forward walk, since events arrive in input order */
	size_t cur_index;
	size_t cur_byte;
	frame *frames;
	size_t nframes, frames_cap;
	migplan_node **kids;
	size_t nkids, kids_cap;
	anchor **anchors; /* open addressing, power-of-two capacity */
	size_t anchors_cap, anchors_used;
	migplan__arena scratch; /* anchor names and records; released with the reader */
	migplan__keyset keys; /* its seed also hashes the anchor names */
	uint32_t aliases;
	unsigned documents;
} reader;

/* ---- positions ---- */

/* Length of the leading pure-ASCII part of the input, where character index = byte offset. */
static size_t ascii_prefix(const unsigned char *b, size_t len)
{
	size_t i = 0;
	for (; len - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		if (w & 0x8080808080808080ull)
			break;
	}
	while (i < len && b[i] < 0x80)
		i++;
	return i;
}

static size_t byte_of_index(reader *r, size_t index)
{
	/* most plans are ASCII through and through: no walk at all */
	if (index <= r->ascii_len)
		return r->bom + index;
	if (r->cur_index < r->ascii_len) {
		r->cur_index = r->ascii_len;
		r->cur_byte = r->ascii_len;
	}
	size_t i = r->cur_byte, n = r->cur_index;
	const unsigned char *b = r->buf;
	/* an error's context mark can lie behind the cursor: step back over whole characters */
	while (n > index && i > 0) {
		do
			i--;
		while (i > 0 && (b[i] & 0xC0) == 0x80);
		n--;
	}
	while (n < index && i < r->len) {
		/* ASCII runs go eight bytes at a time: one byte is one character there */
		if (index - n >= 8 && r->len - i >= 8) {
			uint64_t w;
			memcpy(&w, b + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				n += 8;
				continue;
			}
		}
		/* libyaml has validated everything before the mark, so lead bytes tell the width */
		unsigned c = b[i];
		i += 1u + (c >= 0xC0) + (c >= 0xE0) + (c >= 0xF0);
		n++;
	}
	if (i > r->len)
		i = r->len;
	r->cur_index = n;
	r->cur_byte = i;
	return r->bom + i;
}

static yaml_mark_t end_mark(reader *r, yaml_mark_t m);

static void set_pos(reader *r, migplan_node *n, yaml_mark_t m)
{
	m = end_mark(r, m);
	n->line = (uint32_t)(m.line + 1);
	n->column = (uint32_t)(m.column + 1);
	n->offset = (uint32_t)byte_of_index(r, m.index);
}

static migplan_status error_mark(reader *r, migplan_status code, yaml_mark_t m, const char *msg)
{
	m = end_mark(r, m);
	return migplan__error_at(code, r->path, (uint32_t)(m.line + 1), (uint32_t)(m.column + 1),
	                         byte_of_index(r, m.index), "%s", msg);
}

static migplan_status error_markf(reader *r, migplan_status code, yaml_mark_t m, const char *fmt,
                                  ...) MIGPLAN__PRINTF(4, 5);

static migplan_status error_markf(reader *r, migplan_status code, yaml_mark_t m, const char *fmt,
                                  ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return error_mark(r, code, m, msg);
}

/* `!!int` rather than the resolved `tag:yaml.org,2002:int`, as the user wrote it. */
static const char *short_tag(const char *tag, char *buf, size_t size)
{
	if (!strncmp(tag, TAG_PREFIX, sizeof TAG_PREFIX - 1)) {
		snprintf(buf, size, "!!%s", tag + sizeof TAG_PREFIX - 1);
		return buf;
	}
	return tag;
}

/* Moose reads plans into untyped JSON values, which have no room for custom tags. */
static migplan_status tag_error(reader *r, yaml_mark_t m, const char *tag)
{
	char buf[128];
	return error_markf(r, MIGPLAN_EPARSE, m, "tags are not supported (%.100s)",
	                   short_tag(tag, buf, sizeof buf));
}

/* Line and column of the character that contains byte `*off` (reader errors give bytes only,
 * sometimes inside a malformed sequence: the error then points at its first byte). Line breaks
 * are the ones libyaml counts: CRLF, CR, LF, NEL, LS and PS. */
static void line_col_of_byte(const reader *r, size_t *off, uint32_t *line, uint32_t *col)
{
	const unsigned char *b = r->buf;
	uint32_t l = 1, c = 1;
	size_t i = 0;
	for (;;) {
		unsigned ch = i < r->len ? b[i] : 0;
		size_t w = 1u + (ch >= 0xC0) + (ch >= 0xE0) + (ch >= 0xF0);
		if (ch == '\r' && i + 1 < r->len && b[i + 1] == '\n')
			w = 2;
		if (i >= r->len || i + w > *off)
			break;
		int brk = ch == '\n' || ch == '\r' || (ch == 0xC2 && i + 1 < r->len && b[i + 1] == 0x85) ||
		          (ch == 0xE2 && i + 2 < r->len && b[i + 1] == 0x80 &&
		           (b[i + 2] == 0xA8 || b[i + 2] == 0xA9));
		i += w;
		if (brk) {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*off = i < *off ? i : *off;
	*line = l;
	*col = c;
}

/* At the end of input whose last line has no line break, libyaml moves its mark to the start
 * of a line that does not exist (an empty document `---`, an unclosed `{`): give the end of
 * the last line instead, where the byte offset is. */
static yaml_mark_t end_mark(reader *r, yaml_mark_t m)
{
	if (m.column != 0 || !r->len || r->buf[r->len - 1] == '\n' || r->buf[r->len - 1] == '\r')
		return m;
	/* only the end itself: the walk below is linear in the input */
	if (byte_of_index(r, m.index) != r->bom + r->len)
		return m;
	size_t end = r->len;
	uint32_t line, col;
	line_col_of_byte(r, &end, &line, &col);
	if (m.line + 1 <= line)
		return m; /* a real line start, not past the last line */
	m.line = line - 1;
	m.column = col - 1;
	return m;
}

static migplan_status libyaml_error(reader *r, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		return migplan__error_oom();
	const char *problem = p->problem ? p->problem : "invalid YAML";
	if (p->error == YAML_READER_ERROR) {
		uint32_t line, col;
		size_t off = p->problem_offset;
		line_col_of_byte(r, &off, &line, &col);
		if (p->problem_value >= 0)
			return migplan__error_at(MIGPLAN_EPARSE, r->path, line, col, r->bom + off,
			                         "%s (#x%X)", problem, (unsigned)p->problem_value);
		return migplan__error_at(MIGPLAN_EPARSE, r->path, line, col, r->bom + off, "%s",
		                         problem);
	}
	yaml_mark_t m = end_mark(r, p->problem_mark);
	size_t off = byte_of_index(r, m.index);
	if (p->context)
		return migplan__error_at(MIGPLAN_EPARSE, r->path, (uint32_t)(m.line + 1),
		                         (uint32_t)(m.column + 1), off, "%s (%s at line %zu, column %zu)",
		                         problem, p->context, p->context_mark.line + 1,
		                         p->context_mark.column + 1);
	return migplan__error_at(MIGPLAN_EPARSE, r->path, (uint32_t)(m.line + 1),
	                         (uint32_t)(m.column + 1), off, "%s", problem);
}

/* ---- plain scalar typing (serde_yaml 0.9, YAML 1.2 core schema) ---- */

static int is_null_text(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '~') ||
	       (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

static int is_bool_text(const char *s, size_t n)
{
	if (n == 4)
		return !memcmp(s, "true", 4) || !memcmp(s, "True", 4) || !memcmp(s, "TRUE", 4);
	if (n == 5)
		return !memcmp(s, "false", 5) || !memcmp(s, "False", 5) || !memcmp(s, "FALSE", 5);
	return 0;
}

static int digit_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Digits in `base` with no sign, and a value of at most `max`. */
static int fits_radix(const char *s, size_t n, unsigned base, uint64_t max)
{
	if (n == 0)
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = digit_value((unsigned char)s[i]);
		if (d >= (int)base)
			return 0;
		if (v > (max - (uint64_t)d) / base)
			return 0;
		v = v * base + (uint64_t)d;
	}
	return 1;
}

/* `0123`, `-007`: YAML 1.2 reads a leading zero followed by digits as a string. */
static int digits_but_not_number(const char *s, size_t n)
{
	if (n && (s[0] == '+' || s[0] == '-')) {
		s++;
		n--;
	}
	if (n < 2 || s[0] != '0')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* An integer that fits i64 (negative) or u64 (otherwise), in serde_yaml's spellings. */
static int is_int_text(const char *s, size_t n)
{
	int neg = 0;
	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	uint64_t max = neg ? (uint64_t)INT64_MAX + 1u : UINT64_MAX;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
		unsigned base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		return fits_radix(s + 2, n - 2, base, max);
	}
	if (digits_but_not_number(s, n))
		return 0;
	return fits_radix(s, n, 10, max);
}

/* The smallest decimal that rounds to infinity: 2^1024 - 2^970 (a tie rounds to even, up). */
static const char f64_overflow[] =
	"1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490"
	"1797758720709633028641669288791094655554785194040263065748867150582068190890200070838367"
	"6273854845817711531764475730270069855571366959622842914819860834936475292719074168444365"
	"510704342711559699508093042880177904174497792";

/* Does the decimal 0.d1d2d3... x 10^e round to infinity as an f64? `digits` starts at the
 * first nonzero digit and may contain one '.', which is skipped. */
static int decimal_overflows(const char *digits, size_t n, int64_t e)
{
	if (e <= 308)
		return 0;
	if (e >= 310)
		return 1;
	size_t t = 0;
	for (size_t i = 0; i < n; i++) {
		if (digits[i] == '.')
			continue;
		char want = t < sizeof f64_overflow - 1 ? f64_overflow[t] : '0';
		if (digits[i] != want)
			return digits[i] > want;
		t++;
	}
	/* the remaining digits are zeros: equal only if the threshold has no more nonzero ones */
	for (; t < sizeof f64_overflow - 1; t++)
		if (f64_overflow[t] != '0')
			return 0;
	return 1;
}

/* Rust's f64 decimal grammar (digits with an optional point and exponent), finite only.
 * Hand-written so that the result never depends on the C locale. */
static int is_decimal_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	size_t int_start = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	size_t int_end = i, frac_start = i, frac_end = i;
	if (i < n && s[i] == '.') {
		frac_start = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		frac_end = i;
	}
	if (int_end == int_start && frac_end == frac_start)
		return 0;
	int64_t exp = 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		int eneg = 0;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		size_t e_start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (exp < 1000000000)
				exp = exp * 10 + (s[i] - '0');
			i++;
		}
		if (i == e_start)
			return 0;
		if (eneg)
			exp = -exp;
	}
	if (i != n)
		return 0;
	/* find the first nonzero digit and the decimal exponent of 0.d1d2... */
	for (size_t k = int_start; k < int_end; k++)
		if (s[k] != '0')
			return !decimal_overflows(s + k, frac_end - k, (int64_t)(int_end - k) + exp);
	for (size_t k = frac_start; k < frac_end; k++)
		if (s[k] != '0')
			return !decimal_overflows(s + k, frac_end - k, exp - (int64_t)(k - frac_start));
	return 1; /* zero */
}

/* serde_yaml's parse_f64: signed .inf, unsigned .nan, or a finite decimal. */
static int is_float_text(const char *s, size_t n)
{
	const char *u = s;
	size_t un = n;
	if (n && s[0] == '+') {
		u++;
		un--;
		if (un && (u[0] == '+' || u[0] == '-'))
			return 0;
	}
	if (un == 4 && (!memcmp(u, ".inf", 4) || !memcmp(u, ".Inf", 4) || !memcmp(u, ".INF", 4)))
		return 1;
	if (n == 5 && (!memcmp(s, "-.inf", 5) || !memcmp(s, "-.Inf", 5) || !memcmp(s, "-.INF", 5)))
		return 1;
	if (n == 4 && (!memcmp(s, ".nan", 4) || !memcmp(s, ".NaN", 4) || !memcmp(s, ".NAN", 4)))
		return 1;
	return is_decimal_float(u, un);
}

static migplan_node_kind plain_kind(const char *s, size_t n)
{
	if (n == 0)
		return MIGPLAN_NODE_NULL;
	/* most plain scalars are names: skip the checks when the first character rules them out */
	switch (s[0]) {
	case '~': case 'n': case 'N': case 't': case 'T': case 'f': case 'F':
	case '+': case '-': case '.':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		break;
	default:
		return MIGPLAN_NODE_STRING;
	}
	if (is_null_text(s, n))
		return MIGPLAN_NODE_NULL;
	if (is_bool_text(s, n))
		return MIGPLAN_NODE_BOOL;
	if (is_int_text(s, n))
		return MIGPLAN_NODE_INT;
	/* out-of-range integers end here too and become floats, like serde_yaml's u128 path */
	if (!digits_but_not_number(s, n) && is_float_text(s, n))
		return MIGPLAN_NODE_FLOAT;
	return MIGPLAN_NODE_STRING;
}

/* The kind a tagged scalar resolves to, -1 when the tag is unsupported, -2 when the value does
 * not fit it. `!` and the core tags are what serde_yaml can still read into JSON values. */
static int tagged_kind(const char *tag, const char *s, size_t n)
{
	if (!strcmp(tag, "!"))
		return MIGPLAN_NODE_STRING;
	if (strncmp(tag, TAG_PREFIX, sizeof TAG_PREFIX - 1))
		return -1;
	const char *t = tag + sizeof TAG_PREFIX - 1;
	if (!strcmp(t, "str"))
		return MIGPLAN_NODE_STRING;
	if (!strcmp(t, "null"))
		return is_null_text(s, n) ? MIGPLAN_NODE_NULL : -2;
	if (!strcmp(t, "bool"))
		return is_bool_text(s, n) ? MIGPLAN_NODE_BOOL : -2;
	if (!strcmp(t, "int"))
		return is_int_text(s, n) ? MIGPLAN_NODE_INT : -2;
	if (!strcmp(t, "float"))
		return is_float_text(s, n) ? MIGPLAN_NODE_FLOAT : -2;
	return -1;
}

static int collection_tag_ok(const char *tag, int is_map)
{
	if (!tag || !strcmp(tag, "!"))
		return 1;
	return !strcmp(tag, is_map ? TAG_PREFIX "map" : TAG_PREFIX "seq");
}

/* ---- the anchor table ---- */

static anchor **anchor_slot(reader *r, const char *name, size_t len, uint64_t h)
{
	size_t mask = r->anchors_cap - 1;
	size_t i = (size_t)h & mask;
	while (r->anchors[i]) {
		anchor *a = r->anchors[i];
		if (a->hash == h && a->len == len && !memcmp(a->name, name, len))
			break;
		i = (i + 1) & mask;
	}
	return &r->anchors[i];
}

static anchor *anchor_find(reader *r, const char *name)
{
	if (!r->anchors_cap)
		return NULL;
	size_t len = strlen(name);
	return *anchor_slot(r, name, len, migplan__reader_hash(r->keys.seed, name, len));
}

static int anchors_rehash(reader *r)
{
	size_t old_cap = r->anchors_cap;
	anchor **old = r->anchors;
	size_t cap = old_cap ? old_cap * 2 : 16;
	r->anchors = calloc(cap, sizeof *r->anchors);
	if (!r->anchors) {
		r->anchors = old;
		return 0;
	}
	r->anchors_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			*anchor_slot(r, old[i]->name, old[i]->len, old[i]->hash) = old[i];
	free(old);
	return 1;
}

/* Defines (or redefines: YAML lets a later anchor reuse a name) an anchor. */
static anchor *anchor_define(reader *r, const char *name, migplan_node *node, int open)
{
	if ((r->anchors_used + 1) * 2 > r->anchors_cap && !anchors_rehash(r))
		return NULL;
	size_t len = strlen(name);
	uint64_t h = migplan__reader_hash(r->keys.seed, name, len);
	anchor **slot = anchor_slot(r, name, len, h);
	anchor *a = *slot;
	if (!a) {
		a = migplan__arena_alloc(&r->scratch, sizeof *a);
		char *copy = a ? migplan__arena_strndup(&r->scratch, name, len) : NULL;
		if (!copy)
			return NULL;
		a->name = copy;
		a->len = len;
		a->hash = h;
		*slot = a;
		r->anchors_used++;
	}
	a->node = node;
	a->open = open;
	a->weight = 1;
	a->height = 0;
	return a;
}

/* ---- building the tree ---- */

static migplan_status count_nodes(reader *r, uint64_t n, yaml_mark_t m)
{
	r->doc->node_count += n;
	if (r->doc->node_count > r->lim->max_nodes)
		return error_mark(r, MIGPLAN_ELIMIT, m, "too many nodes (limit max_nodes)");
	return MIGPLAN_OK;
}

static int at_key(const reader *r)
{
	if (!r->nframes)
		return 0;
	const frame *f = &r->frames[r->nframes - 1];
	return f->node->kind == MIGPLAN_NODE_MAP && (r->nkids - f->start) % 2 == 0;
}

/* Hands a finished node (height = collection levels in it) to its parent, or makes it the root. */
static migplan_status attach(reader *r, migplan_node *n, uint32_t height)
{
	if (!r->nframes) {
		r->doc->root = n;
		return MIGPLAN_OK;
	}
	frame *f = &r->frames[r->nframes - 1];
	if (height + 1 > f->height)
		f->height = height + 1;
	if (!migplan__reader_reserve((void **)&r->kids, &r->kids_cap, r->nkids + 1,
	                             sizeof *r->kids))
		return migplan__error_oom();
	r->kids[r->nkids++] = n;
	return MIGPLAN_OK;
}

static migplan_status on_scalar(reader *r, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	int style = (int)ev->data.scalar.style - (int)YAML_PLAIN_SCALAR_STYLE;
	if (style < MIGPLAN__STYLE_PLAIN || style > MIGPLAN__STYLE_FOLDED)
		style = MIGPLAN__STYLE_PLAIN;
	if (n > r->lim->max_string)
		return error_mark(r, MIGPLAN_ELIMIT, ev->start_mark,
		                  "scalar longer than the limit (max_string)");
	int kind;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (tag) {
		kind = tagged_kind(tag, s, n);
		if (kind == -1)
			return tag_error(r, ev->start_mark, tag);
		char buf[128];
		if (kind < 0)
			return error_markf(r, MIGPLAN_EPARSE, ev->start_mark, "'%.*s' is not a valid %s",
			                   (int)(n > 100 ? 100 : n), s, short_tag(tag, buf, sizeof buf));
	} else {
		kind = style == MIGPLAN__STYLE_PLAIN ? (int)plain_kind(s, n) : MIGPLAN_NODE_STRING;
	}
	/* node and text in one allocation: the text follows the node */
	migplan_node *node = migplan__arena_alloc(&r->doc->arena, sizeof *node + n + 1);
	if (!node)
		return migplan__error_oom();
	char *text = (char *)(node + 1);
	memcpy(text, s, n);
	text[n] = '\0';
	node->kind = (uint8_t)kind;
	node->style = (uint8_t)style;
	node->flags = 0;
	node->doc = r->doc;
	node->u.s.ptr = text;
	node->u.s.len = (uint32_t)n;
	set_pos(r, node, ev->start_mark);
	if (!r->doc->first_nul && kind == MIGPLAN_NODE_STRING && memchr(s, '\0', n))
		r->doc->first_nul = node;
	migplan_status st = count_nodes(r, 1, ev->start_mark);
	if (st)
		return st;
	if (ev->data.scalar.anchor && !anchor_define(r, (const char *)ev->data.scalar.anchor, node, 0))
		return migplan__error_oom();
	return attach(r, node, 0);
}

static migplan_status on_alias(reader *r, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	if (++r->aliases > r->lim->max_aliases)
		return error_mark(r, MIGPLAN_ELIMIT, ev->start_mark, "too many aliases (limit max_aliases)");
	anchor *a = anchor_find(r, name);
	if (!a)
		return migplan__error_at(MIGPLAN_EPARSE, r->path, (uint32_t)(ev->start_mark.line + 1),
		                         (uint32_t)(ev->start_mark.column + 1),
		                         byte_of_index(r, ev->start_mark.index), "unknown alias '*%.100s'",
		                         name);
	if (a->open)
		return migplan__error_at(MIGPLAN_EPARSE, r->path, (uint32_t)(ev->start_mark.line + 1),
		                         (uint32_t)(ev->start_mark.column + 1),
		                         byte_of_index(r, ev->start_mark.index),
		                         "alias '*%.100s' refers to a node that contains it", name);
	if (at_key(r) && (a->node->kind == MIGPLAN_NODE_SEQ || a->node->kind == MIGPLAN_NODE_MAP))
		return error_mark(r, MIGPLAN_EPARSE, ev->start_mark, "mapping keys must be scalars");
	if (r->nframes + a->height > r->lim->max_depth)
		return error_mark(r, MIGPLAN_ELIMIT, ev->start_mark, "nesting too deep (limit max_depth)");
	/* the alias shares the node, but consumers walk it once per alias: count it as a copy */
	migplan_status st = count_nodes(r, a->weight, ev->start_mark);
	if (st)
		return st;
	return attach(r, a->node, a->height);
}

static migplan_status on_open(reader *r, const yaml_event_t *ev, int is_map)
{
	const char *tag = (const char *)(is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
	const char *name = (const char *)(is_map ? ev->data.mapping_start.anchor
	                                         : ev->data.sequence_start.anchor);
	int flow = is_map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
	                  : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	if (r->nframes + 1 > r->lim->max_depth)
		return error_mark(r, MIGPLAN_ELIMIT, ev->start_mark, "nesting too deep (limit max_depth)");
	if (!collection_tag_ok(tag, is_map))
		return tag_error(r, ev->start_mark, tag);
	if (at_key(r))
		return error_mark(r, MIGPLAN_EPARSE, ev->start_mark, "mapping keys must be scalars");
	migplan_node *node = migplan__arena_zalloc(&r->doc->arena, sizeof *node);
	if (!node || !migplan__reader_reserve((void **)&r->frames, &r->frames_cap, r->nframes + 1,
	                                      sizeof *r->frames))
		return migplan__error_oom();
	node->kind = is_map ? MIGPLAN_NODE_MAP : MIGPLAN_NODE_SEQ;
	node->style = flow ? MIGPLAN__STYLE_FLOW : MIGPLAN__STYLE_BLOCK;
	node->doc = r->doc;
	set_pos(r, node, ev->start_mark);
	frame *f = &r->frames[r->nframes++];
	f->node = node;
	f->start = r->nkids;
	f->count_start = r->doc->node_count;
	f->height = 1;
	f->anchor = NULL;
	if (name && !(f->anchor = anchor_define(r, name, node, 1)))
		return migplan__error_oom();
	return count_nodes(r, 1, ev->start_mark);
}

static migplan_status on_close(reader *r)
{
	frame f = r->frames[--r->nframes];
	migplan_node **kids = r->kids + f.start;
	size_t n = r->nkids - f.start;
	migplan_status st = f.node->kind == MIGPLAN_NODE_MAP
	                            ? migplan__reader_end_map(r->doc, &r->keys, f.node, kids, n)
	                            : migplan__reader_end_seq(r->doc, f.node, kids, n);
	if (st)
		return st;
	r->nkids = f.start;
	if (f.anchor) {
		/* an inner node may have redefined the name meanwhile; the outer definition is the
		 * later one once this collection ends */
		f.anchor->node = f.node;
		f.anchor->open = 0;
		f.anchor->weight = r->doc->node_count - f.count_start;
		f.anchor->height = f.height;
	}
	return attach(r, f.node, f.height);
}

static migplan_status on_event(reader *r, const yaml_event_t *ev, int *done)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		/* serde_yaml::from_str rejects streams with several documents */
		if (++r->documents > 1)
			return error_mark(r, MIGPLAN_EPARSE, ev->start_mark,
			                  "more than one YAML document (only one is supported)");
		return MIGPLAN_OK;
	case YAML_SCALAR_EVENT:
		return on_scalar(r, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(r, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(r, ev, 0);
	case YAML_MAPPING_START_EVENT:
		return on_open(r, ev, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_close(r);
	case YAML_STREAM_END_EVENT:
		*done = 1;
		return MIGPLAN_OK;
	default:
		return MIGPLAN_OK;
	}
}

static migplan_status parse_events(reader *r)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return migplan__error_oom();
	/* UTF-8 only (serde_yaml reads a Rust &str); the BOM is already skipped */
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, r->buf, r->len);
	migplan_status st = MIGPLAN_OK;
	int done = 0;
	while (!done && st == MIGPLAN_OK) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			st = libyaml_error(r, &p);
			break;
		}
		st = on_event(r, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return st;
}

migplan_status migplan__yaml_read(migplan__doc **out, const char *buf, size_t len,
                                  const char *path, const migplan__limits *lim)
{
	migplan_status st = migplan__reader_check("migplan__yaml_read", out, buf, len, path, lim);
	if (st)
		return st;
	reader r;
	memset(&r, 0, sizeof r);
	r.path = path;
	r.lim = lim;
	r.buf = (const unsigned char *)(buf ? buf : "");
	r.len = len;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		r.bom = 3;
		r.buf += 3;
		r.len -= 3;
	}
	r.ascii_len = ascii_prefix(r.buf, r.len);
	migplan__keyset_init(&r.keys, &r);
	migplan__arena_init(&r.scratch);
	r.doc = migplan__reader_doc_new(path, len, MIGPLAN__DOC_YAML);
	/* the stacks exist from the start, so an empty collection never slices a NULL array */
	int ready = r.doc &&
	            migplan__reader_reserve((void **)&r.kids, &r.kids_cap, 1, sizeof *r.kids) &&
	            migplan__reader_reserve((void **)&r.frames, &r.frames_cap, 1, sizeof *r.frames);
	st = ready ? parse_events(&r) : migplan__error_oom();
	free(r.frames);
	free(r.kids);
	free(r.anchors);
	migplan__keyset_release(&r.keys);
	migplan__arena_release(&r.scratch);
	if (st) {
		migplan__doc_free(r.doc);
		return st;
	}
	*out = r.doc;
	return MIGPLAN_OK;
}
