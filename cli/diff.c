/* A unified diff of two texts, line by line, in the form `git apply` and `patch` accept:
 * `--- a/PATH`, `+++ b/PATH`, `@@ -l,n +l,n @@` hunks with context lines, and
 * `\ No newline at end of file` after a last line without one.
 *
 * The edit script is Myers' greedy algorithm on the lines between the common prefix and suffix
 * (a rewrite touches a few operations of a plan, so that middle is small). Lines are compared by
 * interned ids, so each comparison is one integer compare. Myers keeps one row per edit
 * distance d (d² cells in all): past CLI_DIFF_MAX_D the middle is shown as removed and added
 * in one block instead, still a correct diff, never a quadratic blow-up in memory or time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Past this edit distance the middle is one replaced block: 2048² longs is 32 MiB. */
#define CLI_DIFF_MAX_D 2048

/* --- lines --- */

struct line {
	const char *text; /* into the caller's buffer */
	size_t len;       /* including the '\n' when there is one */
	unsigned id;      /* equal lines, equal ids */
};

struct lines {
	struct line *v;
	size_t n;
};

static void split_lines(struct lines *out, const char *s, size_t len)
{
	size_t cap = 16;
	out->v = cli_xalloc(malloc(cap * sizeof *out->v));
	out->n = 0;
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		if (out->n == cap) {
			cap *= 2;
			out->v = cli_xalloc(realloc(out->v, cap * sizeof *out->v));
		}
		out->v[out->n++] = (struct line){s + start, end - start, 0};
		start = end;
	}
}

static int line_has_newline(const struct line *l)
{
	return l->len > 0 && l->text[l->len - 1] == '\n';
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

/* Give equal lines of both texts equal ids (an open-addressing table of the distinct lines). */
static void intern_lines(struct lines *a, struct lines *b)
{
	size_t total = a->n + b->n, cap = 16;
	while (cap < total * 2)
		cap *= 2;
	const struct line **slots = cli_xalloc(calloc(cap, sizeof *slots));
	unsigned next_id = 0;
	struct lines *sides[2] = {a, b};
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < sides[s]->n; i++) {
			struct line *l = &sides[s]->v[i];
			size_t k = (size_t)hash_bytes(l->text, l->len) & (cap - 1);
			while (slots[k] && !(slots[k]->len == l->len && memcmp(slots[k]->text, l->text, l->len) == 0))
				k = (k + 1) & (cap - 1);
			if (!slots[k]) {
				slots[k] = l;
				l->id = next_id++;
			} else {
				l->id = slots[k]->id;
			}
		}
	}
	free(slots);
}

/* --- the edit script: for each line of either text, kept, removed or added --- */

enum { KEEP = ' ', DEL = '-', ADD = '+' };

struct script {
	char *op;   /* KEEP, DEL or ADD per step */
	size_t n, cap;
};

static void script_push(struct script *s, char op)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->op = cli_xalloc(realloc(s->op, s->cap));
	}
	s->op[s->n++] = op;
}

static void script_push_n(struct script *s, char op, size_t n)
{
	for (size_t i = 0; i < n; i++)
		script_push(s, op);
}

/* Myers' forward pass over a[0..n) and b[0..m); keeps row d of V for the backtrack.
 * Returns the edit distance, or -1 when it exceeds CLI_DIFF_MAX_D. */
static long myers_forward(const struct line *a, long n, const struct line *b, long m, long **rows)
{
	long max = n + m < CLI_DIFF_MAX_D ? n + m : CLI_DIFF_MAX_D;
	long *v = cli_xalloc(calloc((size_t)(2 * max + 3), sizeof *v));
	long off = max + 1;
	for (long d = 0; d <= max; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
			                                                                  : v[off + k - 1] + 1;
			long y = x - k;
			while (x < n && y < m && a[x].id == b[y].id) {
				x++;
				y++;
			}
			v[off + k] = x;
		}
		/* row d holds the diagonals -d..d */
		rows[d] = cli_xalloc(malloc((size_t)(2 * d + 1) * sizeof **rows));
		memcpy(rows[d], v + off - d, (size_t)(2 * d + 1) * sizeof **rows);
		if (v[off + n - m] >= n && n - m >= -d && n - m <= d) {
			free(v);
			return d;
		}
	}
	free(v);
	return -1;
}

static long row_at(long *const *rows, long d, long k)
{
	return rows[d][k + d];
}

/* Walk the rows back from (n, m) and write the script of the middle, in order. */
static void myers_backtrack(long *const *rows, long dist, long n, long m, struct script *out)
{
	/* collected backwards, then reversed into out */
	struct script rev = {0};
	long x = n, y = m;
	for (long d = dist; d > 0; d--) {
		long k = x - y;
		int down = k == -d || (k != d && row_at(rows, d - 1, k - 1) < row_at(rows, d - 1, k + 1));
		long prev_k = down ? k + 1 : k - 1;
		long prev_x = row_at(rows, d - 1, prev_k), prev_y = prev_x - prev_k;
		long mid_x = down ? prev_x : prev_x + 1;
		for (; x > mid_x; x--, y--)
			script_push(&rev, KEEP);
		script_push(&rev, down ? ADD : DEL);
		x = prev_x;
		y = prev_y;
	}
	for (; x > 0; x--)
		script_push(&rev, KEEP);
	for (size_t i = rev.n; i > 0; i--)
		script_push(out, rev.op[i - 1]);
	free(rev.op);
}

static void diff_middle(const struct line *a, long n, const struct line *b, long m, struct script *out)
{
	long limit = (n + m < CLI_DIFF_MAX_D ? n + m : CLI_DIFF_MAX_D) + 1;
	long **rows = cli_xalloc(calloc((size_t)limit, sizeof *rows));
	long dist = myers_forward(a, n, b, m, rows);
	if (dist >= 0) {
		myers_backtrack(rows, dist, n, m, out);
	} else {
		/* too different to search: one block out, one block in */
		script_push_n(out, DEL, (size_t)n);
		script_push_n(out, ADD, (size_t)m);
	}
	for (long d = 0; d < limit; d++)
		free(rows[d]);
	free(rows);
}

static void edit_script(const struct lines *a, const struct lines *b, struct script *out)
{
	size_t prefix = 0, suffix = 0;
	while (prefix < a->n && prefix < b->n && a->v[prefix].id == b->v[prefix].id)
		prefix++;
	while (suffix < a->n - prefix && suffix < b->n - prefix &&
	       a->v[a->n - 1 - suffix].id == b->v[b->n - 1 - suffix].id)
		suffix++;
	script_push_n(out, KEEP, prefix);
	diff_middle(a->v + prefix, (long)(a->n - prefix - suffix), b->v + prefix, (long)(b->n - prefix - suffix), out);
	script_push_n(out, KEEP, suffix);
}

/* --- hunks --- */

struct cursor {
	size_t step; /* index into the script */
	size_t a, b; /* lines of a and b before this step */
};

static void advance(struct cursor *c, char op)
{
	c->step++;
	if (op != ADD)
		c->a++;
	if (op != DEL)
		c->b++;
}

static void put_line(struct cli_buf *out, char mark, const struct line *l)
{
	cli_buf_append(out, &mark, 1);
	cli_buf_append(out, l->text, l->len);
	if (!line_has_newline(l))
		cli_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* "l,n" of a hunk side, the way diff writes it: an empty side names the line before it. */
static void put_range(struct cli_buf *out, size_t start, size_t count)
{
	if (count == 1)
		cli_buf_printf(out, "%zu", start + 1);
	else
		cli_buf_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

/* The end (exclusive) of the hunk starting at change @p first: it takes in every change with at
 * most 2 * context unchanged lines before it (the two contexts would touch), then @p context
 * lines of trailing context. */
static size_t hunk_end(const struct script *s, size_t first, size_t context)
{
	size_t last_change = first;
	for (size_t i = first; i < s->n; i++) {
		if (s->op[i] == KEEP)
			continue;
		if (i > last_change + 1 + 2 * context)
			break;
		last_change = i;
	}
	size_t end = last_change + 1;
	for (size_t k = 0; k < context && end < s->n && s->op[end] == KEEP; k++)
		end++;
	return end;
}

static void emit_hunk(struct cli_buf *out, const struct script *s, const struct lines *a,
                      const struct lines *b, struct cursor start, size_t end)
{
	size_t a_count = 0, b_count = 0;
	for (size_t i = start.step; i < end; i++) {
		a_count += s->op[i] != ADD;
		b_count += s->op[i] != DEL;
	}
	cli_buf_puts(out, "@@ -");
	put_range(out, start.a, a_count);
	cli_buf_puts(out, " +");
	put_range(out, start.b, b_count);
	cli_buf_puts(out, " @@\n");
	struct cursor c = start;
	while (c.step < end) {
		char op = s->op[c.step];
		put_line(out, op, op == ADD ? &b->v[c.b] : &a->v[c.a]);
		advance(&c, op);
	}
}

static void emit_hunks(struct cli_buf *out, const struct script *s, const struct lines *a,
                       const struct lines *b, size_t context)
{
	struct cursor c = {0, 0, 0};
	while (c.step < s->n) {
		if (s->op[c.step] == KEEP) {
			advance(&c, KEEP);
			continue;
		}
		/* back up over the leading context */
		struct cursor start = c;
		size_t back = 0;
		while (back < context && start.step > 0 && s->op[start.step - 1] == KEEP) {
			start.step--;
			start.a--;
			start.b--;
			back++;
		}
		size_t end = hunk_end(s, c.step, context);
		emit_hunk(out, s, a, b, start, end);
		while (c.step < end)
			advance(&c, s->op[c.step]);
	}
}

char *cli_unified_diff(const char *path, const char *old_text, size_t old_len, const char *new_text,
                       size_t new_len, size_t context)
{
	struct lines a, b;
	struct script s = {0};
	struct cli_buf out = {0};
	split_lines(&a, old_text, old_len);
	split_lines(&b, new_text, new_len);
	intern_lines(&a, &b);
	edit_script(&a, &b, &s);
	int changed = 0;
	for (size_t i = 0; i < s.n && !changed; i++)
		changed = s.op[i] != KEEP;
	if (changed) {
		cli_buf_printf(&out, "--- a/%s\n+++ b/%s\n", path, path);
		emit_hunks(&out, &s, &a, &b, context);
	}
	free(s.op);
	free(a.v);
	free(b.v);
	return changed ? out.data : NULL;
}
