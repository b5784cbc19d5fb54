/* C side of the Go binding. Each gomp_ function calls one fallible function of libmigplan and,
 * when it fails, copies the error record into *e within the same C call. The record is
 * thread-local, and a goroutine may move to another OS thread between two cgo calls, but
 * never within one: reading it from Go after the call could read another call's error. */
#ifndef MIGPLAN_GO_SHIM_H
#define MIGPLAN_GO_SHIM_H

#include <migplan.h>
#include <migplan/analyze.h>
#include <migplan/rewrite.h>
#include <migplan/report.h>

/* The error of a failed call; the strings are malloc'd and freed by Go. */
typedef struct gomp_err {
	int code;
	char *message;
	char *path;
	uint32_t line, column;
	size_t offset;
} gomp_err;

migplan_status gomp_plan_load_dir(migplan_plan **out, const char *dir,
                                  const migplan_parse_options *o, gomp_err *e);
migplan_status gomp_plan_load_files(migplan_plan **out, const char *plan, const char *remote,
                                    const char *local, const migplan_parse_options *o, gomp_err *e);
migplan_status gomp_plan_load_buffer(migplan_plan **out, const void *data, size_t len,
                                     const char *name, const migplan_parse_options *o, gomp_err *e);
migplan_status gomp_snapshot_load_buffer(migplan_snapshot **out, const void *data, size_t len,
                                         const char *name, const migplan_parse_options *o, gomp_err *e);
migplan_status gomp_plan_attach_snapshots(migplan_plan *p, const migplan_snapshot *remote,
                                          const migplan_snapshot *local, gomp_err *e);
migplan_status gomp_config_load_file(migplan_config **out, const char *path,
                                     const migplan_parse_options *o, gomp_err *e);
migplan_status gomp_config_discover(migplan_config **out, const char *dir,
                                    const migplan_parse_options *o, gomp_err *e);
migplan_status gomp_schema_load_file(migplan_schema **out, const char *path,
                                     const migplan_parse_options *o, gomp_err *e);
migplan_status gomp_schema_validate(const migplan_schema *s, const migplan_node *root,
                                    migplan_violations **out, gomp_err *e);
migplan_status gomp_plan_analyze(migplan_plan *p, const migplan_config *cfg, gomp_err *e);
migplan_status gomp_type_change_judge(migplan_type_change **out, const char *from, const char *to,
                                      gomp_err *e);
migplan_status gomp_plan_propose_edits(migplan_plan *p, gomp_err *e);
migplan_status gomp_plan_apply_edits(migplan_plan **out, const migplan_plan *p,
                                     const char *const *ids, size_t count, gomp_err *e);
migplan_status gomp_plan_to_yaml(const migplan_plan *p, char **out, gomp_err *e);
migplan_status gomp_report_new(migplan_report **out, migplan_plan *p, gomp_err *e);
migplan_status gomp_report_render(migplan_report *r, migplan_report_kind kind,
                                  migplan_report_format format, char **out, gomp_err *e);

#endif
