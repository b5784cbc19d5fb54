/* Private layout of findings, the project configuration and the target deployment, shared by
 * lib/analyze.c, lib/config.c and lib/target.c. */
#ifndef MIGPLAN_ANALYSIS_PRIVATE_H
#define MIGPLAN_ANALYSIS_PRIVATE_H

#include "migplan/analyze.h"

#include "arena.h"
#include "doc.h"
#include "rules.h"

typedef struct migplan__related {
	const migplan_node *node;
	const char *message;
} migplan__related;

struct migplan_finding {
	migplan__rule_id rule;
	migplan_severity severity;     /* after the configuration's overrides */
	const char *message;
	const char *help;
	long op;                       /* -1: plan-wide */
	const migplan_node *node;
	const char *path;              /* where it points (the node's, or the plan's) */
	uint32_t line, column;
	const char *database;          /* resolved; with table */
	const char *table;
	const char *column_name;
	const char *view;
	migplan__related *related;
	size_t related_count, related_cap;
	const char *edit;
	int allowed;
	const char *allow_reason;
	int blocker;
	size_t seq;                    /* emission order: the last sort key */
};

/* One `allow:` entry of .migplan.yaml. NULL fields match anything. */
typedef struct migplan__allow {
	const migplan_node *node;
	int rule;                      /* migplan__rule_id */
	const char *database;
	const char *table;
	const char *column;
	const char *view;
	long operation;                /* -1: any */
	const char *reason;
} migplan__allow;

/* A rule's severity from `severity:` (0 = off). */
typedef struct migplan__severity_override {
	int rule;
	int severity;
	const migplan_node *node;
} migplan__severity_override;

struct migplan_config {
	migplan__doc *doc;             /* owns every string and node below */
	const char *path;
	migplan_severity fail_on;
	migplan__severity_override *overrides;
	size_t override_count;
	migplan__allow *allows;
	size_t allow_count;
};

/* The configured severity of a rule (the default without an override); 0 when the rule is off. */
int migplan__config_severity(const migplan_config *cfg, migplan__rule_id rule);

/* What migplan_plan_set_target_*() recorded for the next analysis. */
typedef struct migplan__target {
	migplan__doc *doc;             /* the deployments list (NULL when it could not be read) */
	char *branch;
	char *source;                  /* the file path or buffer name, for messages */
	migplan_status status;         /* MIGPLAN_OK, or why the list could not be read */
	char *problem;                 /* the reason: none qualifies, ambiguous, unreadable */
	const migplan_node *chosen;    /* the chosen entry */
	const char *id;                /* its id (text as written) */
	const char *moose_version;     /* its moose_version, or NULL */
	const char *commit;            /* its commit, or NULL */
	const migplan_node *related[2];/* the entries that tie for latest, when ambiguous */
} migplan__target;

void migplan__target_clear(migplan__target *t);

/* Choose the target in @p doc's deployments list for @p branch: fills chosen/id/... or problem.
 * Returns MIGPLAN_OK (also when none qualifies: that is problem, not an error), MIGPLAN_ESCHEMA
 * for a list that is not a deployments list (the thread error says where), MIGPLAN_ENOMEM. */
migplan_status migplan__target_choose_doc(migplan__target *t, const migplan__doc *doc,
                                          const char *branch);

/* Everything the analysis keeps on the plan (plan->analysis). */
typedef struct migplan__analysis {
	migplan__arena arena;          /* findings and their strings; reset by every analysis */
	migplan_finding **findings;
	size_t count, cap;
	int have_target;               /* migplan_plan_set_target_*() was called */
	migplan__target target;        /* kept across analyses */
} migplan__analysis;

/* Frees the plan's analysis state; installed as plan->analysis_free. */
void migplan__analysis_free(migplan_plan *plan);
/* The plan's analysis state, created when missing (NULL on out-of-memory). */
migplan__analysis *migplan__analysis_of(migplan_plan *plan);

#endif
