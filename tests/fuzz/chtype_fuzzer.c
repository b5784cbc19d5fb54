/* The ClickHouse type parser: parse, walk every accessor, render, reparse the rendering (it
 * must parse to an equal tree that renders the same), copy; and the one-call normalisation
 * must agree with parse + render. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Type strings are one line; longer inputs only make runs slower. */
#define MAX_TYPE_LEN 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_TYPE_LEN)
		return 0;
	migplan_chtype *t = (migplan_chtype *)1;
	migplan_status st = migplan_chtype_parse(&t, (const char *)data, size);
	/* normalize takes a C string: it sees the text up to the first NUL */
	char *text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	char *norm = NULL;
	migplan_status nst = migplan_chtype_normalize(text, &norm);
	if (nst)
		fuzz_check_error(nst);
	if (st) {
		FUZZ_CHECK(t == NULL);
		fuzz_check_error(st);
		/* a type is one line: the error is on line 1, inside the text or just after it */
		const migplan_error *e = migplan_error_last();
		if (migplan_error_line(e))
			FUZZ_CHECK(migplan_error_line(e) == 1);
		FUZZ_CHECK(migplan_error_offset(e) <= size);
	} else {
		FUZZ_CHECK(t != NULL);
		fuzz_walk_chtype(t, 0);
		if (!memchr(data, '\0', size)) {
			char *r = NULL;
			FUZZ_CHECK(nst == MIGPLAN_OK);
			FUZZ_CHECK(migplan_chtype_render(t, &r) == MIGPLAN_OK);
			FUZZ_CHECK(!strcmp(r, norm));
			migplan_free(r);
		}
		migplan_chtype_free(t);
	}
	migplan_free(norm);
	free(text);
	return 0;
}
