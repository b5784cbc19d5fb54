/* See shim.h: each shim is the call plus gomp_check() on its result, in one C call. */
#include <stdlib.h>
#include <string.h>

#include "shim.h"

static migplan_status gomp_check(migplan_status st, gomp_err *e)
{
	if (st >= 0)
		return st;
	const migplan_error *r = migplan_error_last();
	/* A record with another code is an older failure: keep only the status then. */
	int own = migplan_error_code(r) == st;
	const char *msg = own ? migplan_error_message(r) : "";
	e->code = st;
	e->message = strdup(*msg ? msg : migplan_status_str(st));
	e->path = own && migplan_error_path(r) ? strdup(migplan_error_path(r)) : NULL;
	e->line = own ? migplan_error_line(r) : 0;
	e->column = own ? migplan_error_column(r) : 0;
	e->offset = own ? migplan_error_offset(r) : 0;
	return st;
}

migplan_status gomp_plan_load_dir(migplan_plan **out, const char *dir,
                                  const migplan_parse_options *o, gomp_err *e)
{
	return gomp_check(migplan_plan_load_dir(out, dir, o), e);
}

migplan_status gomp_plan_load_files(migplan_plan **out, const char *plan, const char *remote,
                                    const char *local, const migplan_parse_options *o, gomp_err *e)
{
	return gomp_check(migplan_plan_load_files(out, plan, remote, local, o), e);
}

migplan_status gomp_plan_load_buffer(migplan_plan **out, const void *data, size_t len,
                                     const char *name, const migplan_parse_options *o, gomp_err *e)
{
	return gomp_check(migplan_plan_load_buffer(out, data, len, name, o), e);
}

migplan_status gomp_snapshot_load_buffer(migplan_snapshot **out, const void *data, size_t len,
                                         const char *name, const migplan_parse_options *o, gomp_err *e)
{
	return gomp_check(migplan_snapshot_load_buffer(out, data, len, name, o), e);
}

migplan_status gomp_plan_attach_snapshots(migplan_plan *p, const migplan_snapshot *remote,
                                          const migplan_snapshot *local, gomp_err *e)
{
	return gomp_check(migplan_plan_attach_snapshots(p, remote, local), e);
}

migplan_status gomp_config_load_file(migplan_config **out, const char *path,
                                     const migplan_parse_options *o, gomp_err *e)
{
	return gomp_check(migplan_config_load_file(out, path, o), e);
}

migplan_status gomp_config_discover(migplan_config **out, const char *dir,
                                    const migplan_parse_options *o, gomp_err *e)
{
	return gomp_check(migplan_config_discover(out, dir, o), e);
}

migplan_status gomp_schema_load_file(migplan_schema **out, const char *path,
                                     const migplan_parse_options *o, gomp_err *e)
{
	return gomp_check(migplan_schema_load_file(out, path, o), e);
}

migplan_status gomp_schema_validate(const migplan_schema *s, const migplan_node *root,
                                    migplan_violations **out, gomp_err *e)
{
	return gomp_check(migplan_schema_validate(s, root, out), e);
}

migplan_status gomp_plan_analyze(migplan_plan *p, const migplan_config *cfg, gomp_err *e)
{
	return gomp_check(migplan_plan_analyze(p, cfg), e);
}

migplan_status gomp_type_change_judge(migplan_type_change **out, const char *from, const char *to,
                                      gomp_err *e)
{
	return gomp_check(migplan_type_change_judge(out, from, to), e);
}

migplan_status gomp_plan_propose_edits(migplan_plan *p, gomp_err *e)
{
	return gomp_check(migplan_plan_propose_edits(p), e);
}

migplan_status gomp_plan_apply_edits(migplan_plan **out, const migplan_plan *p,
                                     const char *const *ids, size_t count, gomp_err *e)
{
	return gomp_check(migplan_plan_apply_edits(out, p, ids, count), e);
}

migplan_status gomp_plan_to_yaml(const migplan_plan *p, char **out, gomp_err *e)
{
	return gomp_check(migplan_plan_to_yaml(p, out), e);
}

migplan_status gomp_report_new(migplan_report **out, migplan_plan *p, gomp_err *e)
{
	return gomp_check(migplan_report_new(out, p), e);
}

migplan_status gomp_report_render(migplan_report *r, migplan_report_kind kind,
                                  migplan_report_format format, char **out, gomp_err *e)
{
	return gomp_check(migplan_report_render(r, kind, format, out), e);
}
