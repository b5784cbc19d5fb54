"""Garbage-collection order: objects handed out keep their parent alive.

Each test drops the parent first, collects, then uses the child. A child that did not keep
its parent would read freed memory; meson runs this suite with MALLOC_PERTURB_ so that freed
memory is overwritten and such a read shows as garbage, not as the old value.
"""
import gc
import weakref

import migplan
from migplan import capi
from conftest import SCHEMA, fixture


def collect():
    for _ in range(3):
        gc.collect()


def test_operations_outlive_the_plan():
    plan = migplan.Plan.load(fixture("05_modify_column_narrowing"))
    ops = list(plan)
    handle = weakref.ref(plan._h)
    del plan
    collect()
    assert handle() is not None  # still held by the operations
    assert [op.kind for op in ops] == ["ModifyTableColumn"] * 7
    assert ops[0].type_change.cause == "narrowing"
    assert ops[0].reason and ops[0].location[1] == 5
    assert ops[0].fields["table"] == ops[0].table
    assert ops[0].to_sql()
    del ops
    collect()
    assert handle() is None  # and freed with the last of them


def test_closed_plan_children():
    with migplan.Plan.load(fixture("03_recreate_same_table")) as plan:
        op = plan[1]
        finding = plan.findings[0]
    del plan
    collect()
    assert op.kind == "CreateTable" and op.category == "additive"
    assert finding.operation.kind == "DropTable"
    assert finding.operation.reason.startswith("drops table")


def test_snapshot_chain_outlives_everything():
    plan = migplan.Plan.load(fixture("03_recreate_same_table"))
    column = plan.remote.table("events").columns[0]
    table = plan.local.tables[0]
    del plan
    collect()
    assert column.name and column.clickhouse_type
    assert table.name and table.columns and table.to_sql()


def test_string_snapshots_are_kept_by_the_plan():
    d = fixture("03_recreate_same_table")
    plan = migplan.Plan.from_strings((d / "plan.yaml").read_text(),
                                     (d / "remote_state.json").read_text(),
                                     (d / "local_infra_map.json").read_text())
    collect()  # the snapshots are referenced by the C plan only
    remote = plan.remote
    assert remote.tables and remote.moose_version
    rules = [f.rule for f in plan.findings]
    del plan
    collect()
    assert "view-broken-by-change" in rules
    assert [t.name for t in remote.tables]


def test_config_is_kept_for_the_findings(project):
    d = project("07_mv_reads_altered_table",
                "allow:\n  - rule: drop-table\n    reason: retired\n")
    plan = migplan.Plan.load(d)
    findings = plan.findings
    h = plan._h
    plan._config = None  # now only the C plan's proxy holds the configuration
    del plan
    collect()
    assert [f.allow_reason for f in findings if f.allowed] == ["retired"]
    # the C plan's findings read their reasons from the configuration's memory
    reasons = [capi.finding_allow_reason(capi.plan_finding_at(h, i))
               for i in range(capi.plan_finding_count(h))]
    assert "retired" in reasons


def test_thin_layer_children():
    plan = capi.plan_load_dir(str(fixture("07_mv_reads_altered_table")))
    op = capi.plan_op_at(plan, 1)
    node = capi.op_field(op, "table")
    capi.plan_analyze(plan, None)
    finding = capi.plan_finding_at(plan, 0)
    del plan
    collect()
    assert capi.op_kind_name(capi.op_kind_of(op)) == "DropTable"
    assert capi.node_text(node) == "coupon_usage"
    assert capi.finding_rule(finding) == "drop-materialized-view"


def test_violations_keep_the_plan():
    plan = capi.plan_load_dir(str(fixture("02_add_column_and_index")))
    schema = capi.schema_load_file(str(SCHEMA))
    found = capi.schema_validate(schema, capi.plan_root(plan))
    violation = capi.violations_at(found, 0)
    del plan, schema, found
    collect()
    node = capi.violation_node(violation)
    assert capi.node_path(node).endswith("plan.yaml") and capi.node_line(node) > 0


def test_verdict_of_a_borrowed_type_change():
    plan = capi.plan_load_dir(str(fixture("05_modify_column_narrowing")))
    tc = capi.op_type_change(capi.plan_op_at(plan, 0))
    assert not tc.thisown  # borrowed from the plan: never freed by the proxy
    del plan
    collect()
    assert capi.type_change_cause_name(capi.type_change_cause(tc)) == "narrowing"


def test_many_cycles_do_not_leak_or_crash():
    for _ in range(200):
        plan = migplan.Plan.load(fixture("09_ordering_errors"))
        op = plan[3]
        f = plan.findings
        del plan
        assert op.kind == "AddTableColumn" and f
    collect()
