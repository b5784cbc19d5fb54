/* --format gitlab: a GitLab Code Quality report (a JSON array of issues) for
 * `artifacts:reports:codequality`. GitLab compares fingerprints between the merge request and
 * its target branch, so a fingerprint must not move when unrelated lines do: it hashes the
 * rule, the file, the message and the occurrence number, never the line. Allowed findings are
 * left out. */
#include <stdlib.h>
#include <string.h>

#include "output_json.h"

/* FNV-1a, 64 bits, twice with different offsets: 128 bits of a fingerprint, no crypto needed. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff; /* a field separator no UTF-8 text contains */
	h *= 0x100000001b3ULL;
	return h;
}

static void fingerprint(char out[33], const struct cli_finding *f, unsigned occurrence)
{
	char n[16];
	uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
	snprintf(n, sizeof n, "%u", occurrence);
	for (int i = 0; i < 2; i++) {
		h[i] = fnv1a(h[i], f->rule);
		h[i] = fnv1a(h[i], f->path);
		h[i] = fnv1a(h[i], f->message);
		h[i] = fnv1a(h[i], n);
	}
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

/* GitLab's scale is info, minor, major, critical, blocker. */
static const char *severity_for(const struct cli_finding *f)
{
	if (f->blocker)
		return "blocker";
	switch (f->severity) {
	case MIGPLAN_SEVERITY_ERROR:
		return "critical";
	case MIGPLAN_SEVERITY_WARNING:
		return "major";
	default:
		return "info";
	}
}

/* How many findings before @p index in @p r have the same rule, file and message. */
static unsigned occurrence(const struct cli_report *r, size_t index)
{
	const struct cli_finding *f = &r->findings[index];
	unsigned n = 0;
	for (size_t i = 0; i < index; i++) {
		const struct cli_finding *g = &r->findings[i];
		if (strcmp(g->rule, f->rule) == 0 && strcmp(g->path, f->path) == 0 && strcmp(g->message, f->message) == 0)
			n++;
	}
	return n;
}

static json_object *issue(const struct cli_report *r, size_t index)
{
	const struct cli_finding *f = &r->findings[index];
	char fp[33];
	fingerprint(fp, f, occurrence(r, index));
	json_object *lines = json_object_new_object();
	json_object_object_add(lines, "begin", json_object_new_int64(f->line ? f->line : 1));
	json_object *location = json_object_new_object();
	json_object_object_add(location, "path", json_object_new_string(f->path));
	json_object_object_add(location, "lines", lines);
	json_object *categories = json_object_new_array();
	json_object_array_add(categories, json_object_new_string("Bug Risk"));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("issue"));
	json_object_object_add(o, "engine_name", json_object_new_string(CLI_TOOL_NAME));
	json_object_object_add(o, "check_name", json_object_new_string(f->rule));
	json_object_object_add(o, "description", json_object_new_string(f->message));
	json_object_object_add(o, "categories", categories);
	json_object_object_add(o, "severity", json_object_new_string(severity_for(f)));
	json_object_object_add(o, "fingerprint", json_object_new_string(fp));
	json_object_object_add(o, "location", location);
	if (f->help) {
		json_object *content = json_object_new_object();
		json_object_object_add(content, "body", json_object_new_string(f->help));
		json_object_object_add(o, "content", content);
	}
	return o;
}

int cli_output_gitlab(FILE *out, const struct cli_run *run)
{
	json_object *issues = json_object_new_array();
	for (size_t i = 0; i < run->report_count; i++) {
		const struct cli_report *r = &run->reports[i];
		if (!cli_report_ok(r))
			continue;
		for (size_t j = 0; j < r->finding_count; j++)
			if (!r->findings[j].allowed)
				json_object_array_add(issues, issue(r, j));
	}
	cli_json_print(out, issues);
	json_object_put(issues);
	return 0;
}
