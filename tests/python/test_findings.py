"""Findings of the analysis, the project configuration (.migplan.yaml) and the rule registry."""
import migplan
from conftest import fixture

EXPECTED_RULES = {
    "01_additive": [],
    "03_recreate_same_table": ["drop-recreate-same-table", "view-broken-by-change"],
    "04_versioned_upgrade": ["version-bump-drop-first"],
    "05_modify_column_narrowing": ["narrowing-change", "nullable-to-required", "precision-loss-change"],
    "07_mv_reads_altered_table": ["drop-materialized-view", "drop-table", "drop-column",
                                  "representation-change", "view-reads-altered-column"],
    "09_ordering_errors": ["drop-table", "read-after-drop", "write-before-create",
                           "column-before-add", "type-refused-by-clickhouse", "view-before-table"],
}


def test_findings_of_the_fixtures():
    for name, rules in EXPECTED_RULES.items():
        plan = migplan.Plan.load(fixture(name), config=False)
        assert [f.rule for f in plan.findings] == rules, name


def test_finding_fields():
    plan = migplan.Plan.load(fixture("03_recreate_same_table"), config=False)
    f = plan.findings[0]
    assert f.rule == "drop-recreate-same-table"
    assert f.severity is migplan.Severity.ERROR and str(f.severity) == "error"
    assert f.severity > migplan.Severity.WARNING
    assert "events" in f.message and f.help
    assert f.operation is plan[0] or f.operation.index == 0
    assert f.operation.kind == "DropTable"
    assert f.file.endswith("plan.yaml") and (f.line, f.column) == (5, 3)
    assert f.edit == "rebuild-table:local.events"
    assert (f.table, f.database) == ("events", "local")
    assert not f.allowed and f.allow_reason is None and not f.blocker
    view = plan.findings[1]
    assert view.rule == "view-broken-by-change" and view.edit is None
    assert any(r.file.endswith("remote_state.json") and r.line for r in view.related)


def test_blockers_and_plan_wide_findings():
    plan = migplan.Plan.load(fixture("09_ordering_errors"), config=False)
    blockers = [f for f in plan.findings if f.blocker]
    assert {f.rule for f in blockers} >= {"read-after-drop", "column-before-add"}
    assert "reorder:1" in {f.edit for f in blockers}
    assert plan.failing == [f for f in plan.findings if f.severity >= migplan.Severity.ERROR]


def test_findings_are_cached_and_stable():
    plan = migplan.Plan.load(fixture("07_mv_reads_altered_table"), config=False)
    assert plan.findings == plan.findings
    assert plan.findings is not plan.findings  # a fresh list each time


def test_allow_entries_with_reasons(project):
    config = ("allow:\n"
              "  - rule: drop-table\n"
              "    table: coupon_usage\n"
              "    reason: coupon feature retired (JIRA-42)\n"
              "fail_on: warning\n")
    plan = migplan.Plan.load(project("07_mv_reads_altered_table", config))
    assert plan.config_path.endswith(".migplan.yaml")
    assert plan.fail_on is migplan.Severity.WARNING
    drop = [f for f in plan.findings if f.rule == "drop-table"][0]
    assert drop.allowed and drop.allow_reason == "coupon feature retired (JIRA-42)"
    assert drop not in plan.failing
    assert {f.rule for f in plan.failing} == {"drop-materialized-view", "drop-column",
                                              "representation-change", "view-reads-altered-column"}
    # config=False ignores the discovered file; an explicit path wins
    assert not migplan.Plan.load(project_dir(plan), config=False).config_path
    explicit = migplan.Plan.load(fixture("07_mv_reads_altered_table"), config=plan.config_path)
    assert [f.allowed for f in explicit.findings if f.rule == "drop-table"] == [True]


def project_dir(plan):
    return plan.path.rsplit("/", 1)[0]


def test_config_from_a_string():
    d = fixture("07_mv_reads_altered_table")
    plan = migplan.Plan.from_strings((d / "plan.yaml").read_bytes(), (d / "remote_state.json").read_bytes(),
                                     (d / "local_infra_map.json").read_bytes(),
                                     config="severity:\n  drop-column: info\n")
    sev = {f.rule: f.severity for f in plan.findings}
    assert sev["drop-column"] is migplan.Severity.INFO
    assert plan.config_path.endswith(".migplan.yaml")


def test_rules_registry():
    rules = migplan.rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids)) > 10
    assert "drop-table" in ids
    drop = rules[ids.index("drop-table")]
    assert drop.summary and drop.help and isinstance(drop.default_severity, migplan.Severity)
    assert migplan.Severity.parse("warning") is migplan.Severity.WARNING
