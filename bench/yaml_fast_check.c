/* Differential check of the YAML reader's fast path (lib/yaml_read.c) against libyaml: for
 * every input the fast path accepts, the same tree (kinds, styles, texts, lines, columns,
 * offsets, node counts) or the same error. It includes yaml_read.c to reach its statics.
 *
 * usage: migplan-yaml-fastpath-check MUTATIONS FILE...
 * Each file is checked as it is and, when under 200 KB, in MUTATIONS variants (bytes changed,
 * inserted or deleted, lines duplicated or deleted, indentation shifted): the fast path must
 * refuse every variant it cannot read exactly as libyaml does. Exit 0 when nothing differs. */
#include "yaml_read.c"

/* mode 0: libyaml; mode 1: fast path (returns 0 in *handled when it refuses) */
static migplan_status read_mode(migplan__doc **out, const char *buf, size_t len, int mode, int *handled,
                                const migplan__limits *lim)
{
	reader r;
	migplan_status st = reader_init(&r, buf, len, "x.yaml", lim);
	*handled = 1;
	if (!st && mode == 0)
		st = libyaml_parse(&r);
	else if (!st && !fast_parse(&r, &st))
		*handled = 0;
	reader_release(&r);
	if (st || !*handled) {
		migplan__doc_free(r.doc);
		*out = NULL;
		return st;
	}
	*out = r.doc;
	return st;
}

static int same_node(const migplan_node *a, const migplan_node *b, char *why)
{
	if (!a || !b)
		return a == b || (sprintf(why, "null node"), 0);
	if (migplan__kind(a) != migplan__kind(b) || a->line != b->line ||
	    a->column != b->column || a->offset != b->offset) {
		sprintf(why, "node %u:%u kind %d/%d pos %u:%u/%u:%u off %u/%u", a->line, a->column,
		        migplan__kind(a), migplan__kind(b), a->line, a->column, b->line, b->column,
		        a->offset, b->offset);
		return 0;
	}
	if (migplan__kind(a) == MIGPLAN_NODE_SEQ) {
		if (migplan__nkids(a) != migplan__nkids(b))
			return sprintf(why, "seq count at %u:%u", a->line, a->column), 0;
		for (uint32_t i = 0; i < migplan__nkids(a); i++)
			if (!same_node(migplan__item(a, i), migplan__item(b, i), why))
				return 0;
		return 1;
	}
	if (migplan__kind(a) == MIGPLAN_NODE_MAP) {
		if (migplan__nkids(a) != migplan__nkids(b))
			return sprintf(why, "map count at %u:%u", a->line, a->column), 0;
		for (uint32_t i = 0; i < migplan__nkids(a); i++)
			if (!same_node(migplan__key(a, i), migplan__key(b, i), why) ||
			    !same_node(migplan__val(a, i), migplan__val(b, i), why))
				return 0;
		return 1;
	}
	if (migplan__slen(a) != migplan__slen(b) || memcmp(migplan__sptr(a), migplan__sptr(b), migplan__slen(a)) != 0)
		return sprintf(why, "text at %u:%u '%.*s' / '%.*s'", a->line, a->column, (int)migplan__slen(a),
		               migplan__sptr(a), (int)migplan__slen(b), migplan__sptr(b)), 0;
	return 1;
}

static long accepted, refused, checked, failures;

static void check(const char *name, const char *buf, size_t len, const migplan__limits *lim)
{
	migplan__doc *a = NULL, *b = NULL;
	int h;
	migplan_status sa = read_mode(&a, buf, len, 0, &h, lim);
	char ea[600] = "";
	if (sa) {
		const migplan_error *e = migplan_error_last();
		snprintf(ea, sizeof ea, "%d %u:%u@%zu %s", sa, migplan_error_line(e), migplan_error_column(e),
		         migplan_error_offset(e), migplan_error_message(e));
	}
	migplan_status sb = read_mode(&b, buf, len, 1, &h, lim);
	checked++;
	if (!h) {
		refused++;
		migplan__doc_free(a);
		return;
	}
	accepted++;
	char why[800] = "";
	int ok = sa == sb;
	if (ok && sa) {
		const migplan_error *e = migplan_error_last();
		char eb[600];
		snprintf(eb, sizeof eb, "%d %u:%u@%zu %s", sb, migplan_error_line(e), migplan_error_column(e),
		         migplan_error_offset(e), migplan_error_message(e));
		ok = strcmp(ea, eb) == 0;
		if (!ok)
			snprintf(why, sizeof why, "errors differ: [%s] [%s]", ea, eb);
	} else if (ok) {
		ok = same_node(a->root, b->root, why) && a->node_count == b->node_count &&
		     a->has_nul == b->has_nul;
	} else {
		snprintf(why, sizeof why, "status %d/%d [%s]", sa, sb, ea);
	}
	if (!ok) {
		failures++;
		if (failures < 20)
			printf("MISMATCH %s: %s\n", name, why);
	}
	migplan__doc_free(a);
	migplan__doc_free(b);
}

/* xorshift64: the same variants on every run */
static unsigned long long rng = 88172645463325252ull;
static unsigned long long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Variants of a valid input: bytes changed, deleted, duplicated, lines shifted. */
static void mutate(const char *name, const char *buf, size_t len, int count, const migplan__limits *lim)
{
	static const char alphabet[] = " \n:-#'\"[]{}|>&*!%@`?,.0aZ\t\\";
	char *m = malloc(len + 4096);
	for (int k = 0; k < count && len; k++) {
		size_t n = len;
		memcpy(m, buf, len);
		int edits = 1 + (int)(next() % 3);
		for (int j = 0; j < edits; j++) {
			size_t at = next() % n;
			switch (next() % 8) {
			case 0: m[at] = alphabet[next() % (sizeof alphabet - 1)]; break;
			case 1: memmove(m + at, m + at + 1, n - at - 1); n--; break;
			case 2: if (n < len + 60) { memmove(m + at + 1, m + at, n - at); m[at] = alphabet[next() % (sizeof alphabet - 1)]; n++; } break;
			case 3: if (n < len + 60) { memmove(m + at + 2, m + at, n - at); m[at] = ' '; m[at + 1] = ' '; n += 2; } break;
			case 5: { /* duplicate a line */
				char *ls = memchr(m + at, '\n', n - at);
				char *le = ls ? memchr(ls + 1, '\n', (size_t)(m + n - ls - 1)) : NULL;
				size_t w = le ? (size_t)(le - ls) : 0;
				if (w && n + w < len + 4000) { memmove(le + w, le, (size_t)(m + n - le)); memcpy(le, ls, w); n += w; }
				break; }
			case 6: { /* delete a line */
				char *ls = memchr(m + at, '\n', n - at);
				char *le = ls ? memchr(ls + 1, '\n', (size_t)(m + n - ls - 1)) : NULL;
				if (le) { memmove(ls, le, (size_t)(m + n - le)); n -= (size_t)(le - ls); }
				break; }
			case 7: { /* one more space of indentation */
				char *nl = memchr(m + at, '\n', n - at);
				if (nl && n < len + 60) { memmove(nl + 2, nl + 1, (size_t)(m + n - nl - 1)); nl[1] = ' '; n++; }
				break; }
			case 4: { /* swap a line's indentation by removing two spaces after a newline */
				char *nl = memchr(m + at, '\n', n - at);
				if (nl && nl + 3 < m + n && nl[1] == ' ' && nl[2] == ' ') { memmove(nl + 1, nl + 3, (size_t)(m + n - nl - 3)); n -= 2; }
				break; }
			}
			if (!n)
				break;
		}
		check(name, m, n, lim);
	}
	free(m);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: migplan-yaml-fastpath-check MUTATIONS FILE...\n");
		return 64;
	}
	migplan__limits lim;
	migplan__limits_from(&lim, NULL);
	int mutations = atoi(argv[1]);
	for (int i = 2; i < argc; i++) {
		size_t len;
		char *b;
		if (migplan__file_read(&b, &len, argv[i], lim.max_bytes) != MIGPLAN_OK)
			continue;
		check(argv[i], b, len, &lim);
		if (len < 200000)
			mutate(argv[i], b, len, mutations, &lim);
		free(b);
	}
	printf("checked %ld: fast path accepted %ld, refused %ld; mismatches %ld\n", checked, accepted,
	       refused, failures);
	return failures != 0;
}
