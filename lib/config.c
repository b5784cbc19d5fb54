/* The project configuration, `.migplan.yaml`:
 *
 *   fail_on: warning          # error (default) | warning | info
 *   severity:
 *     drop-column: error      # per-rule override, or `off`
 *   allow:
 *     - rule: drop-table
 *       table: events_1_0     # optional: db (or database), table, column, view, operation
 *       reason: "v1.0 superseded by 1.1; data copied by the blue/green MV"
 *
 * A configuration that says something libmigplan does not understand is refused with the
 * position of the offending key (ESCHEMA) rather than half applied: a misspelt `allow` entry
 * would otherwise silently allow nothing, or a misspelt rule id silently stay at its default. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis-private.h"
#include "doc.h"
#include "error.h"
#include "rules.h"

static const char *const top_keys = "fail_on, severity, allow";
static const char *const allow_keys = "rule, reason, db, database, table, column, view, operation";

static migplan_status schema_error(const migplan_node *node, const char *msg, const char *detail)
{
	return migplan__error_node(MIGPLAN_ESCHEMA, node, ".migplan.yaml: %s%s", msg, detail ? detail : "");
}

static const char *node_string(const migplan_node *n)
{
	return migplan_node_kind_of(n) == MIGPLAN_NODE_STRING ? migplan_node_text(n, NULL) : NULL;
}

static int rule_of(const migplan_node *n)
{
	return migplan__rule_index(node_string(n));
}

static migplan_status unknown_rule(const migplan_node *n)
{
	return migplan__error_node(MIGPLAN_ESCHEMA, n,
	                           ".migplan.yaml: unknown rule `%s` (see migplan_rule_id_at for the list)",
	                           node_string(n) ? node_string(n) : migplan_node_kind_name(migplan_node_kind_of(n)));
}

static migplan_status read_fail_on(migplan_config *cfg, const migplan_node *v)
{
	migplan_severity sev = migplan_severity_from_name(node_string(v));
	if (!sev)
		return schema_error(v, "fail_on must be error, warning or info", NULL);
	cfg->fail_on = sev;
	return MIGPLAN_OK;
}

static migplan_status read_severities(migplan_config *cfg, const migplan_node *map)
{
	if (migplan_node_kind_of(map) != MIGPLAN_NODE_MAP)
		return schema_error(map, "severity must be a mapping of rule ids to error, warning, info or off", NULL);
	size_t n = migplan_node_count(map);
	cfg->overrides = n ? migplan__arena_zalloc(&cfg->doc->arena, n * sizeof(*cfg->overrides)) : NULL;
	if (n && !cfg->overrides)
		return migplan__error_oom();
	for (size_t i = 0; i < n; i++) {
		const migplan_node *key = migplan_node_key_at(map, i), *v = migplan_node_at(map, i);
		int rule = rule_of(key);
		if (rule < 0)
			return unknown_rule(key);
		const char *name = node_string(v);
		int sev = name && strcmp(name, "off") == 0 ? 0 : (int)migplan_severity_from_name(name);
		if (!sev && !(name && strcmp(name, "off") == 0))
			return schema_error(v, "a severity must be error, warning, info or off", NULL);
		cfg->overrides[cfg->override_count++] = (migplan__severity_override){rule, sev, key};
	}
	return MIGPLAN_OK;
}

static migplan_status read_allow_field(migplan__allow *a, const migplan_node *key,
                                       const migplan_node *v)
{
	const char *k = migplan_node_text(key, NULL);
	if (strcmp(k, "rule") == 0) {
		a->rule = rule_of(v);
		return a->rule < 0 ? unknown_rule(v) : MIGPLAN_OK;
	}
	if (strcmp(k, "operation") == 0) {
		int64_t op;
		if (migplan_node_int(v, &op) != MIGPLAN_OK || op < 0)
			return schema_error(v, "operation must be a 0-based operation index", NULL);
		a->operation = (long)op;
		return MIGPLAN_OK;
	}
	const char **slot = strcmp(k, "reason") == 0                                    ? &a->reason
	                    : strcmp(k, "db") == 0 || strcmp(k, "database") == 0        ? &a->database
	                    : strcmp(k, "table") == 0                                   ? &a->table
	                    : strcmp(k, "column") == 0                                  ? &a->column
	                    : strcmp(k, "view") == 0                                    ? &a->view
	                                                                                : NULL;
	if (!slot)
		return migplan__error_node(MIGPLAN_ESCHEMA, key, ".migplan.yaml: unknown key `%s` in an allow entry (expected %s)",
		                           k, allow_keys);
	/* names may be written plain even when they look like numbers (table: 2024) */
	*slot = migplan_node_text(v, NULL);
	if (!*slot || migplan_node_kind_of(v) == MIGPLAN_NODE_NULL)
		return migplan__error_node(MIGPLAN_ESCHEMA, v, ".migplan.yaml: `%s` must be a string", k);
	return MIGPLAN_OK;
}

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static migplan_status read_allow(migplan__allow *a, const migplan_node *entry)
{
	if (migplan_node_kind_of(entry) != MIGPLAN_NODE_MAP)
		return schema_error(entry, "each allow entry must be a mapping with rule and reason", NULL);
	memset(a, 0, sizeof(*a));
	a->node = entry;
	a->rule = -1;
	a->operation = -1;
	for (size_t i = 0; i < migplan_node_count(entry); i++) {
		migplan_status st = read_allow_field(a, migplan_node_key_at(entry, i), migplan_node_at(entry, i));
		if (st != MIGPLAN_OK)
			return st;
	}
	if (a->rule < 0)
		return schema_error(entry, "an allow entry needs `rule`", NULL);
	if (blank(a->reason))
		return schema_error(entry, "an allow entry needs a non-empty `reason`: it shows in every report", NULL);
	return MIGPLAN_OK;
}

static migplan_status read_allows(migplan_config *cfg, const migplan_node *seq)
{
	if (migplan_node_kind_of(seq) == MIGPLAN_NODE_NULL)
		return MIGPLAN_OK;
	if (migplan_node_kind_of(seq) != MIGPLAN_NODE_SEQ)
		return schema_error(seq, "allow must be a list of entries", NULL);
	size_t n = migplan_node_count(seq);
	cfg->allows = n ? migplan__arena_zalloc(&cfg->doc->arena, n * sizeof(*cfg->allows)) : NULL;
	if (n && !cfg->allows)
		return migplan__error_oom();
	for (size_t i = 0; i < n; i++) {
		migplan_status st = read_allow(&cfg->allows[i], migplan_node_at(seq, i));
		if (st != MIGPLAN_OK)
			return st;
		cfg->allow_count++;
	}
	return MIGPLAN_OK;
}

static migplan_status read_config(migplan_config *cfg)
{
	const migplan_node *root = cfg->doc->root;
	if (!root || migplan_node_kind_of(root) == MIGPLAN_NODE_NULL)
		return MIGPLAN_OK; /* an empty file: the defaults */
	if (migplan_node_kind_of(root) != MIGPLAN_NODE_MAP)
		return schema_error(root, "the file must be a mapping with ", top_keys);
	for (size_t i = 0; i < migplan_node_count(root); i++) {
		const migplan_node *key = migplan_node_key_at(root, i), *v = migplan_node_at(root, i);
		const char *k = migplan_node_text(key, NULL);
		migplan_status st;
		if (strcmp(k, "fail_on") == 0)
			st = read_fail_on(cfg, v);
		else if (strcmp(k, "severity") == 0)
			st = read_severities(cfg, v);
		else if (strcmp(k, "allow") == 0)
			st = read_allows(cfg, v);
		else
			st = migplan__error_node(MIGPLAN_ESCHEMA, key, ".migplan.yaml: unknown key `%s` (expected %s)", k, top_keys);
		if (st != MIGPLAN_OK)
			return st;
	}
	return MIGPLAN_OK;
}

migplan_status migplan_config_load_buffer(migplan_config **out, const char *data, size_t len,
                                          const char *name, const migplan_parse_options *opts)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_config_load_buffer: out is NULL");
	*out = NULL;
	if (!data && len)
		return migplan__error(MIGPLAN_EINVAL, "migplan_config_load_buffer: data is NULL");
	migplan__limits lim;
	migplan_status st = migplan__limits_from(&lim, opts);
	if (st != MIGPLAN_OK)
		return st;
	migplan_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return migplan__error_oom();
	cfg->fail_on = MIGPLAN_SEVERITY_ERROR;
	st = migplan__yaml_read(&cfg->doc, data ? data : "", len, name, &lim);
	if (st == MIGPLAN_OK) {
		cfg->path = name ? cfg->doc->path : NULL;
		st = read_config(cfg);
	}
	if (st != MIGPLAN_OK) {
		migplan_config_free(cfg);
		return st;
	}
	*out = cfg;
	return MIGPLAN_OK;
}

migplan_status migplan_config_load_file(migplan_config **out, const char *path,
                                        const migplan_parse_options *opts)
{
	if (!out || !path)
		return migplan__error(MIGPLAN_EINVAL, "migplan_config_load_file: %s is NULL", out ? "path" : "out");
	*out = NULL;
	migplan__limits lim;
	migplan_status st = migplan__limits_from(&lim, opts);
	if (st != MIGPLAN_OK)
		return st;
	char *buf = NULL;
	size_t len = 0;
	st = migplan__file_read(&buf, &len, path, lim.max_bytes);
	if (st != MIGPLAN_OK)
		return st;
	st = migplan_config_load_buffer(out, buf, len, path, opts);
	free(buf);
	return st;
}

/* dir + "/.migplan.yaml", malloc'd. */
static char *candidate(const char *dir)
{
	static const char name[] = ".migplan.yaml";
	size_t n = strlen(dir);
	char *p = malloc(n + sizeof(name) + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, n);
	if (!n || p[n - 1] != '/')
		p[n++] = '/';
	memcpy(p + n, name, sizeof(name));
	return p;
}

/* The absolute form of @p dir with `.` and `..` resolved textually (realpath is not in the
 * POSIX base the library is built against, and a textual walk up is what "walking up from the
 * plan" means to a user anyway). malloc'd. */
static char *absolute_dir(const char *dir)
{
	char cwd[PATH_MAX];
	int relative = dir[0] != '/';
	if (relative && !getcwd(cwd, sizeof(cwd)))
		return NULL;
	size_t n = (relative ? strlen(cwd) + 1 : 0) + strlen(dir) + 2;
	char *joined = malloc(n), *out = malloc(n);
	if (!joined || !out) {
		free(joined);
		free(out);
		return NULL;
	}
	snprintf(joined, n, "%s%s%s", relative ? cwd : "", relative ? "/" : "", dir);
	size_t len = 0;
	char *save = NULL;
	for (char *part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, part, strlen(part));
		len += strlen(part);
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	free(joined);
	return out;
}

migplan_status migplan_config_discover(migplan_config **out, const char *start_dir,
                                       const migplan_parse_options *opts)
{
	if (!out || !start_dir)
		return migplan__error(MIGPLAN_EINVAL, "migplan_config_discover: %s is NULL", out ? "start_dir" : "out");
	*out = NULL;
	char *dir = absolute_dir(start_dir);
	if (!dir)
		return migplan__error(MIGPLAN_EIO, "cannot resolve the directory %s", start_dir);
	migplan_status st = MIGPLAN_OK;
	for (;;) {
		char *path = candidate(dir);
		if (!path) {
			st = migplan__error_oom();
			break;
		}
		if (access(path, F_OK) == 0) {
			st = migplan_config_load_file(out, path, opts);
			free(path);
			break;
		}
		free(path);
		char *slash = strrchr(dir, '/');
		if (!slash || (slash == dir && !dir[1]))
			break; /* the root: no configuration */
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	free(dir);
	return st;
}

void migplan_config_free(migplan_config *cfg)
{
	if (!cfg)
		return;
	migplan__doc_free(cfg->doc);
	free(cfg);
}

const char *migplan_config_path(const migplan_config *cfg)
{
	return cfg ? cfg->path : NULL;
}

migplan_severity migplan_config_fail_on(const migplan_config *cfg)
{
	return cfg ? cfg->fail_on : MIGPLAN_SEVERITY_ERROR;
}

int migplan__config_severity(const migplan_config *cfg, migplan__rule_id rule)
{
	const migplan__rule *r = migplan__rule_get(rule);
	if (!r)
		return 0;
	for (size_t i = 0; cfg && i < cfg->override_count; i++)
		if (cfg->overrides[i].rule == (int)rule)
			return cfg->overrides[i].severity;
	return (int)r->severity;
}
