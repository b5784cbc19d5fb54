#!/bin/sh
# Gate a merge on `migplan check`: run it on the project's migration plan, publish the
# findings where the CI system shows them, and fail the job when the plan is not safe to ship.
#
#   examples/ci/gate-merge.sh [MIGRATIONS_DIR]      (default: migrations)
#
# Environment:
#   MIGPLAN            the migplan program (default: migplan on PATH)
#   MIGPLAN_FAIL_ON    error (default), warning or info: the lowest severity that fails
#   MIGPLAN_ALLOW_DESTRUCTIVE=1  do not fail on destructive operations (e.g. a reviewed release)
#   MIGPLAN_REPORT_DIR where to write migplan.sarif / the Code Quality report (default: .)
#   GITHUB_ACTIONS, GITLAB_CI   set by the CI systems: choose annotations / Code Quality
#
# Exit status: 0 when the plan may merge; otherwise migplan's own (1 findings, 2 unreadable
# input, 3 destructive operations not allowed, 64 usage error).
set -u

dir=${1:-migrations}
migplan=${MIGPLAN:-migplan}
fail_on=${MIGPLAN_FAIL_ON:-error}
report_dir=${MIGPLAN_REPORT_DIR:-.}

set -- check --fail-on "$fail_on" "$dir"
if [ "${MIGPLAN_ALLOW_DESTRUCTIVE:-0}" = 1 ]; then
	set -- "$@" --allow-destructive
fi

# Machine-readable reports first, for the CI system's own views. Their exit codes are the
# same as the gate's below, so they are not used here.
if [ "${GITHUB_ACTIONS:-}" = true ]; then
	"$migplan" "$@" --format sarif >"$report_dir/migplan.sarif" 2>/dev/null
	# annotations on the pull request's lines
	"$migplan" "$@" --format github
	status=$?
elif [ -n "${GITLAB_CI:-}" ]; then
	"$migplan" "$@" --format gitlab >"$report_dir/gl-code-quality-report.json" 2>/dev/null
	"$migplan" "$@" --format text --color never
	status=$?
else
	"$migplan" "$@" --format text
	status=$?
fi

case $status in
0) echo "migplan: $dir is safe to merge" ;;
1) echo "migplan: findings at or above '$fail_on' in $dir: fix them or allow them in .migplan.yaml (with a reason)" >&2 ;;
2) echo "migplan: $dir could not be read (see the error above)" >&2 ;;
3) echo "migplan: $dir has destructive operations that nothing allows: review them, then add allow entries or set MIGPLAN_ALLOW_DESTRUCTIVE=1" >&2 ;;
*) echo "migplan: could not run '$migplan' (exit $status)" >&2 ;;
esac
exit "$status"
