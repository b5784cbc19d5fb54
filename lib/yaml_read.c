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
	migplan_node node; /* a copy: an alias is a copy too, sharing the text or children */
	uint64_t weight;
	uint32_t height;
	int open; /* the anchored collection has not ended: an alias to it would be a cycle */
} anchor;

/* One open sequence or mapping. Its children sit on the shared kid stack from `start`. */
typedef struct frame {
	migplan_node node; /* children set when it ends */
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
	migplan_node *kids; /* finished nodes by value, until their collection ends */
	size_t nkids, kids_cap;
	migplan__texts texts;
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
static anchor *anchor_define(reader *r, const char *name, const migplan_node *node, int open)
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
	a->node = *node;
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
	return migplan__kind(&f->node) == MIGPLAN_NODE_MAP && (r->nkids - f->start) % 2 == 0;
}

/* Hands a finished node (height = collection levels in it) to its parent, or makes it the root. */
static migplan_status attach(reader *r, const migplan_node *n, uint32_t height)
{
	if (!r->nframes)
		return migplan__reader_set_root(r->doc, n);
	frame *f = &r->frames[r->nframes - 1];
	if (height + 1 > f->height)
		f->height = height + 1;
	if (!migplan__reader_reserve((void **)&r->kids, &r->kids_cap, r->nkids + 1,
	                             sizeof *r->kids))
		return migplan__error_oom();
	r->kids[r->nkids++] = *n;
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
	migplan_node node;
	const migplan__text *text = migplan__texts_get(&r->texts, r->doc, s, n);
	if (!text)
		return migplan__error_oom();
	migplan__node_set(&node, (migplan_node_kind)kind, text);
	set_pos(r, &node, ev->start_mark);
	migplan__reader_note_nul(r->doc, &node);
	migplan_status st = count_nodes(r, 1, ev->start_mark);
	if (st)
		return st;
	if (ev->data.scalar.anchor && !anchor_define(r, (const char *)ev->data.scalar.anchor, &node, 0))
		return migplan__error_oom();
	return attach(r, &node, 0);
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
	if (at_key(r) && migplan__is_collection(&a->node))
		return error_mark(r, MIGPLAN_EPARSE, ev->start_mark, "mapping keys must be scalars");
	if (r->nframes + a->height > r->lim->max_depth)
		return error_mark(r, MIGPLAN_ELIMIT, ev->start_mark, "nesting too deep (limit max_depth)");
	/* the alias shares the text or children, but consumers walk them once per alias: count
	 * it as a copy */
	migplan_status st = count_nodes(r, a->weight, ev->start_mark);
	if (st)
		return st;
	return attach(r, &a->node, a->height);
}

static migplan_status on_open(reader *r, const yaml_event_t *ev, int is_map)
{
	const char *tag = (const char *)(is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
	const char *name = (const char *)(is_map ? ev->data.mapping_start.anchor
	                                         : ev->data.sequence_start.anchor);
	if (r->nframes + 1 > r->lim->max_depth)
		return error_mark(r, MIGPLAN_ELIMIT, ev->start_mark, "nesting too deep (limit max_depth)");
	if (!collection_tag_ok(tag, is_map))
		return tag_error(r, ev->start_mark, tag);
	if (at_key(r))
		return error_mark(r, MIGPLAN_EPARSE, ev->start_mark, "mapping keys must be scalars");
	if (!migplan__reader_reserve((void **)&r->frames, &r->frames_cap, r->nframes + 1,
	                             sizeof *r->frames))
		return migplan__error_oom();
	frame *f = &r->frames[r->nframes++];
	migplan_node *node = &f->node;
	migplan__node_set(node, is_map ? MIGPLAN_NODE_MAP : MIGPLAN_NODE_SEQ, NULL);
	set_pos(r, node, ev->start_mark);
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
	const migplan_node *kids = r->kids + f.start;
	size_t n = r->nkids - f.start;
	migplan_status st = migplan__kind(&f.node) == MIGPLAN_NODE_MAP
	                            ? migplan__reader_end_map(r->doc, &r->keys, &f.node, kids, n)
	                            : migplan__reader_end_seq(r->doc, &f.node, kids, n);
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
	return attach(r, &f.node, f.height);
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

/* ---- the fast path: block YAML as serde_yaml writes it ----
 *
 * libyaml costs most of a re-analysis in an editor (about 200 instructions a byte). Plans that
 * Moose writes use a small part of YAML: block mappings and sequences, one-line plain and
 * quoted scalars, `[]` and `{}`, comment lines. This scanner reads exactly that part and hands
 * on_event() the events libyaml would give, with the same marks; it refuses everything else
 * (tabs, CR, non-ASCII, block scalars, anchors, tags, flow content, multi-line scalars, empty
 * values, keys it is not sure of...), and an input it refuses anywhere goes whole to libyaml,
 * which then also gives the errors. */

#define FAST_DEPTH 64

typedef struct fast {
	reader *r;
	const char *s, *end;
	const char *line_start;
	uint32_t line;         /* 0-based, like libyaml's marks */
	struct {
		uint32_t indent;
		uint8_t map;
	} open[FAST_DEPTH];
	size_t depth;
	int pending;           /* the innermost mapping's last key has no value on its line */
	int done;
	char *tmp;             /* an unescaped single-quoted scalar */
	size_t tmp_cap;
	migplan_status st;     /* on_event's failure: stops the scan */
} fast;

enum { FAST_BAIL = 0, FAST_OK = 1 };

static yaml_mark_t fast_mark(const fast *f, const char *p)
{
	yaml_mark_t m;
	m.index = (size_t)(p - f->s);
	m.line = f->line;
	m.column = (size_t)(p - f->line_start);
	return m;
}

/* After on_event() fails the scan goes on without emitting: only an input that is the fast
 * path's to its end keeps that failure (see fast_parse). */
static int fast_emit(fast *f, yaml_event_t *ev)
{
	if (!f->st)
		f->st = on_event(f->r, ev, &f->done);
	return FAST_OK;
}

static int fast_open(fast *f, const char *p, int map, int flow)
{
	yaml_event_t ev;
	memset(&ev, 0, sizeof ev);
	ev.start_mark = ev.end_mark = fast_mark(f, p);
	if (map) {
		ev.type = YAML_MAPPING_START_EVENT;
		ev.data.mapping_start.style = flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE;
	} else {
		ev.type = YAML_SEQUENCE_START_EVENT;
		ev.data.sequence_start.style = flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE;
	}
	if (!flow) {
		if (f->depth == FAST_DEPTH)
			return FAST_BAIL;
		f->open[f->depth].indent = (uint32_t)(p - f->line_start);
		f->open[f->depth++].map = (uint8_t)map;
	}
	return fast_emit(f, &ev);
}

static int fast_close(fast *f, int map)
{
	yaml_event_t ev;
	memset(&ev, 0, sizeof ev);
	ev.type = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	return fast_emit(f, &ev);
}

static int fast_pop(fast *f)
{
	return fast_close(f, f->open[--f->depth].map);
}

static int fast_scalar(fast *f, const char *at, const char *text, size_t n, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	memset(&ev, 0, sizeof ev);
	ev.type = YAML_SCALAR_EVENT;
	ev.start_mark = ev.end_mark = fast_mark(f, at);
	ev.data.scalar.value = (yaml_char_t *)(uintptr_t)text;
	ev.data.scalar.length = n;
	ev.data.scalar.style = style;
	ev.data.scalar.plain_implicit = style == YAML_PLAIN_SCALAR_STYLE;
	ev.data.scalar.quoted_implicit = style != YAML_PLAIN_SCALAR_STYLE;
	return fast_emit(f, &ev);
}

/* After a scalar or `[]` ending at q: nothing, or blanks and a comment. */
static int fast_rest_blank(const char *q, const char *e)
{
	const char *b = q;
	while (q < e && *q == ' ')
		q++;
	return q == e || (*q == '#' && q > b);
}

/* A quoted scalar at q (single quotes: '' is a quote; double quotes: no escapes), closed on
 * its line and followed by nothing but a comment; *close is after the closing quote. */
static int fast_quoted(fast *f, const char *q, const char *e, const char **close)
{
	char quote = *q;
	size_t n = 0, doubled = 0;
	const char *p = q + 1;
	for (;; p++) {
		if (p == e)
			return FAST_BAIL;
		if (quote == '"' && *p == '\\')
			return FAST_BAIL;
		if (*p != quote)
			continue;
		if (quote == '\'' && p + 1 < e && p[1] == '\'') {
			p++;
			doubled++;
			continue;
		}
		break;
	}
	*close = p + 1;
	n = (size_t)(p - q - 1);
	const char *text = q + 1;
	if (doubled && !f->st) {
		if (n > f->tmp_cap) {
			char *t = realloc(f->tmp, n);
			if (!t) {
				f->st = migplan__error_oom();
				return FAST_BAIL;
			}
			f->tmp = t;
			f->tmp_cap = n;
		}
		size_t k = 0;
		for (const char *c = q + 1; c < p; c++) {
			f->tmp[k++] = *c;
			if (*c == '\'')
				c++;
		}
		text = f->tmp;
	}
	return fast_scalar(f, q, text, n - doubled,
	                   quote == '\'' ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

/* A scalar value, `[]` or `{}` at q, the rest of its line. */
static int fast_value(fast *f, const char *q, const char *e)
{
	const char *close;
	switch (*q) {
	case '[':
	case '{':
		if (q + 1 == e || q[1] != (*q == '[' ? ']' : '}') || !fast_rest_blank(q + 2, e))
			return FAST_BAIL;
		return fast_open(f, q, *q == '{', 1) && fast_close(f, *q == '{');
	case '\'':
	case '"':
		return fast_quoted(f, q, e, &close) && fast_rest_blank(close, e);
	case '-':
	case '?':
	case ':':
		if (q + 1 == e || q[1] == ' ' || *q != '-')
			return FAST_BAIL;
		break;
	case ',': case ']': case '}': case '#': case '&': case '*': case '!': case '|': case '>':
	case '%': case '@': case '`':
		return FAST_BAIL;
	default:
		break;
	}
	/* a plain scalar ends at a comment; ": " or a final ':' would start a mapping here */
	const char *p = q;
	while (p < e && !(*p == '#' && p[-1] == ' ')) {
		if (*p == ':' && (p + 1 == e || p[1] == ' '))
			return FAST_BAIL;
		p++;
	}
	while (p > q && p[-1] == ' ')
		p--;
	return fast_scalar(f, q, q, (size_t)(p - q), YAML_PLAIN_SCALAR_STYLE);
}

/* Characters of the plain keys the fast path takes: letters, digits, _ - . / $ */
static const unsigned char fast_key_chars[256] = {
	['$'] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* End of the key of a mapping entry at p (at its ':'), or NULL when p does not start one. */
static const char *fast_key_end(const char *p, const char *e)
{
	const char *q = p;
	if (*q == '\'') {
		for (q++; q < e; q++) {
			if (*q == '\'' && q + 1 < e && q[1] == '\'')
				q++;
			else if (*q == '\'')
				break;
		}
		if (q == e)
			return NULL;
		q++;
	} else {
		if (*q == '-' || *q == '.' || *q == '/')
			return NULL; /* indicators, or `---`/`...` at a line start */
		while (q < e && fast_key_chars[(unsigned char)*q])
			q++;
		if (q == p)
			return NULL;
	}
	/* libyaml keeps a simple key to 1024 characters */
	if (q - p > 1000 || q == e || *q != ':' || (q + 1 < e && q[1] != ' '))
		return NULL;
	return q;
}

static int fast_block(fast *f, const char *p, const char *e);

/* The entry `key: value` or `key:` at p of the innermost mapping; colon from fast_key_end(). */
static int fast_entry(fast *f, const char *p, const char *e, const char *colon)
{
	const char *close;
	if (*p == '\'') {
		if (!fast_quoted(f, p, e, &close))
			return FAST_BAIL;
	} else if (!fast_scalar(f, p, p, (size_t)(colon - p), YAML_PLAIN_SCALAR_STYLE)) {
		return FAST_BAIL;
	}
	const char *v = colon + 1;
	while (v < e && *v == ' ')
		v++;
	if (v == e || *v == '#') {
		if (v < e && v == colon + 1)
			return FAST_BAIL;
		f->pending = 1;
		return FAST_OK;
	}
	return fast_value(f, v, e);
}

/* The entry `- ...` at p of the innermost sequence. */
static int fast_item(fast *f, const char *p, const char *e)
{
	const char *q = p + 1;
	while (q < e && *q == ' ')
		q++;
	if (q == e || *q == '#' || q == p + 1)
		return FAST_BAIL;
	if (*q == '-' && (q + 1 == e || q[1] == ' '))
		return fast_block(f, q, e);
	const char *colon = fast_key_end(q, e);
	if (colon)
		return fast_open(f, q, 1, 0) && fast_entry(f, q, e, colon);
	return fast_value(f, q, e);
}

/* A block collection starting at p: a sequence at a `- `, else a mapping. */
static int fast_block(fast *f, const char *p, const char *e)
{
	if (*p == '-' && (p + 1 == e || p[1] == ' '))
		return fast_open(f, p, 0, 0) && fast_item(f, p, e);
	const char *colon = fast_key_end(p, e);
	return colon && fast_open(f, p, 1, 0) && fast_entry(f, p, e, colon);
}

/* One line with content at p (column c). */
static int fast_line(fast *f, const char *p, const char *e, uint32_t c)
{
	int dash = *p == '-' && (p + 1 == e || p[1] == ' ');
	if (f->pending) {
		/* the value of the last key: a deeper block, or a sequence at the key's column */
		uint32_t m = f->open[f->depth - 1].indent;
		f->pending = 0;
		if (c > m || (c == m && dash))
			return fast_block(f, p, e);
		return FAST_BAIL;
	}
	if (!f->depth)
		return c == 0 ? fast_block(f, p, e) : FAST_BAIL;
	while (f->depth && f->open[f->depth - 1].indent > c)
		if (!fast_pop(f))
			return FAST_BAIL;
	/* a sequence at its mapping's column ends at the mapping's next key */
	if (f->depth > 1 && !dash && !f->open[f->depth - 1].map && f->open[f->depth - 1].indent == c &&
	    !fast_pop(f))
		return FAST_BAIL;
	if (!f->depth || f->open[f->depth - 1].indent != c)
		return FAST_BAIL;
	if (!f->open[f->depth - 1].map)
		return dash ? fast_item(f, p, e) : FAST_BAIL;
	const char *colon = fast_key_end(p, e);
	return colon ? fast_entry(f, p, e, colon) : FAST_BAIL;
}

/* 1 when no byte of the ASCII word @p w is a control character other than a line feed. Each
 * test sets a byte's high bit without carrying into the next byte, since all bytes are < 0x80:
 * b + 0x60 for b >= 0x20, (b ^ 0x0A) + 0x7F for b != 0x0A, (b ^ 0x7F) + 0x7F for b != 0x7F. */
static int fast_word_ok(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t printable = w + 0x60 * ones;
	uint64_t not_lf = (w ^ 0x0A * ones) + 0x7F * ones;
	uint64_t not_del = (w ^ 0x7F * ones) + 0x7F * ones;
	return !(((~printable & not_lf) | ~not_del) & high);
}

/* Only printable ASCII and line feeds: positions are then byte offsets. */
static int fast_input_ok(const reader *r)
{
	if (r->ascii_len != r->len)
		return 0;
	size_t i = 0;
	for (; r->len - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, r->buf + i, 8);
		if (!fast_word_ok(w))
			return 0;
	}
	for (; i < r->len; i++) {
		unsigned char c = r->buf[i];
		if ((c < 0x20 && c != '\n') || c == 0x7F)
			return 0;
	}
	return 1;
}

static int fast_run(fast *f)
{
	yaml_event_t ev;
	memset(&ev, 0, sizeof ev);
	ev.type = YAML_DOCUMENT_START_EVENT;
	if (!fast_emit(f, &ev))
		return FAST_BAIL;
	for (const char *p = f->s; p < f->end; f->line++) {
		const char *e = memchr(p, '\n', (size_t)(f->end - p));
		if (!e)
			e = f->end;
		f->line_start = p;
		const char *q = p;
		while (q < e && *q == ' ')
			q++;
		if (q < e && *q != '#' && !fast_line(f, q, e, (uint32_t)(q - p)))
			return FAST_BAIL;
		p = e + 1;
	}
	/* libyaml marks the end of the stream at the start of a line after the last */
	f->line_start = f->end;
	if (f->pending || !f->depth)
		return FAST_BAIL;
	while (f->depth)
		if (!fast_pop(f))
			return FAST_BAIL;
	ev.type = YAML_STREAM_END_EVENT;
	return fast_emit(f, &ev);
}

/* A reader over buf with an empty document; ENOMEM (then reader_release() still applies). */
static migplan_status reader_init(reader *r, const char *buf, size_t len, const char *path,
                                  const migplan__limits *lim)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->lim = lim;
	r->buf = (const unsigned char *)(buf ? buf : "");
	r->len = len;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		r->bom = 3;
		r->buf += 3;
		r->len -= 3;
	}
	r->ascii_len = ascii_prefix(r->buf, r->len);
	migplan__keyset_init(&r->keys, r);
	migplan__texts_init(&r->texts, r);
	migplan__arena_init(&r->scratch);
	r->doc = migplan__reader_doc_new(path, len, MIGPLAN__DOC_YAML);
	/* the stacks exist from the start, so an empty collection never slices a NULL array */
	int ready = r->doc &&
	            migplan__reader_reserve((void **)&r->kids, &r->kids_cap, 1, sizeof *r->kids) &&
	            migplan__reader_reserve((void **)&r->frames, &r->frames_cap, 1, sizeof *r->frames);
	return ready ? MIGPLAN_OK : migplan__error_oom();
}

/* Frees what the read needed; the document stays (r->doc), for the caller to keep or free. */
static void reader_release(reader *r)
{
	free(r->frames);
	free(r->kids);
	free(r->anchors);
	migplan__keyset_release(&r->keys);
	migplan__texts_release(&r->texts);
	migplan__arena_release(&r->scratch);
}

/* The reader as it was before any event, for libyaml after the fast path gave up: everything
 * the fast path built lived in the discarded document. */
static migplan_status reader_restart(reader *r)
{
	const char *buf = (const char *)r->buf - r->bom;
	size_t len = r->len + r->bom;
	const char *path = r->path;
	const migplan__limits *lim = r->lim;
	migplan__doc_free(r->doc);
	reader_release(r);
	return reader_init(r, buf, len, path, lim);
}

/* 1 when the fast path read the input (*st: how that went), 0 when it is libyaml's (the reader
 * is then as it was). An input the fast path refuses anywhere goes whole to libyaml, even
 * after on_event() failed on an earlier part: libyaml may then report another problem first,
 * and its answer is the reference. */
static int fast_parse(reader *r, migplan_status *st)
{
	if (!fast_input_ok(r))
		return 0;
	fast f;
	memset(&f, 0, sizeof f);
	f.r = r;
	f.s = (const char *)r->buf;
	f.end = f.s + r->len;
	int ok = fast_run(&f);
	free(f.tmp);
	if (ok) {
		*st = f.st;
		return 1;
	}
	*st = reader_restart(r);
	return *st != MIGPLAN_OK;
}

/* The whole input through libyaml, event by event. */
static migplan_status libyaml_parse(reader *r)
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

static migplan_status parse_events(reader *r)
{
	migplan_status st = MIGPLAN_OK;
	if (fast_parse(r, &st))
		return st;
	return libyaml_parse(r);
}

migplan_status migplan__yaml_read(migplan__doc **out, const char *buf, size_t len,
                                  const char *path, const migplan__limits *lim)
{
	migplan_status st = migplan__reader_check("migplan__yaml_read", out, buf, len, path, lim);
	if (st)
		return st;
	reader r;
	st = reader_init(&r, buf, len, path, lim);
	if (!st)
		st = parse_events(&r);
	reader_release(&r);
	if (st) {
		migplan__doc_free(r.doc);
		return st;
	}
	*out = r.doc;
	return MIGPLAN_OK;
}
