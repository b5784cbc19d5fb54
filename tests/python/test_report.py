"""Plan.report(): every report kind as Markdown and JSON."""
import gc
import json

import pytest

import migplan
from migplan import capi
from conftest import fixture


@pytest.mark.parametrize("kind", migplan.REPORT_KINDS)
def test_every_kind_in_both_formats(kind):
    plan = migplan.Plan.load(fixture("03_recreate_same_table"), config=False)
    text = plan.report(kind, "markdown")
    assert text.strip()
    doc = json.loads(plan.report(kind, "json"))
    assert doc["schemaVersion"] == capi.REPORT_SCHEMA_VERSION == 1
    assert doc["report"] == kind
    assert doc["plan"]["path"] == plan.path
    assert doc["plan"]["operationCount"] == len(plan)
    assert doc["decision"] in ("go", "no-go")


def test_defaults_and_names():
    plan = migplan.Plan.load(fixture("07_mv_reads_altered_table"), config=False)
    assert plan.report().startswith("# ")  # rollout, Markdown
    assert plan.report("rollout", "md") == plan.report("rollout", "markdown")
    with pytest.raises(ValueError, match="unknown report kind"):
        plan.report("summary")
    with pytest.raises(ValueError, match="unknown report format"):
        plan.report("rollout", "html")


def test_blockers_make_a_no_go():
    plan = migplan.Plan.load(fixture("09_ordering_errors"), config=False)
    assert json.loads(plan.report("checklist", "json"))["decision"] == "no-go"


def test_table_stats_reach_the_report():
    plan = migplan.Plan.load(fixture("03_recreate_same_table"), config=False)
    without = plan.report("rollout", "json")
    with_stats = plan.report("rollout", "json",
                             table_stats={"events": (50_000_000, 4_000_000_000),
                                          ("local", "users"): (1000, 100_000)})
    assert with_stats != without
    assert "50000000" in with_stats


def test_allow_reasons_reach_the_report(project):
    d = project("07_mv_reads_altered_table",
                "allow:\n  - rule: drop-table\n    table: coupon_usage\n    reason: retired in JIRA-42\n")
    assert "retired in JIRA-42" in migplan.Plan.load(d).report("rollout", "markdown")


def test_write_report(tmp_path):
    plan = migplan.Plan.load(fixture("04_versioned_upgrade"), config=False)
    path = plan.write_report(tmp_path)
    assert path == str(tmp_path / capi.report_default_filename(capi.REPORT_ROLLOUT, capi.FORMAT_MARKDOWN))
    with open(path) as f:
        assert f.read() == plan.report()
    named = plan.write_report(tmp_path, "phases", "json", filename="out/phases.json")
    assert named == str(tmp_path / "out" / "phases.json")
    assert json.load(open(named))["report"] == "phases"
    with pytest.raises(migplan.InvalidArgumentError):
        plan.write_report(tmp_path, filename="../escape.md")


def test_report_handle_keeps_the_plan():
    plan = capi.plan_load_dir(str(fixture("03_recreate_same_table")))
    report = capi.report_new(plan)
    del plan
    for _ in range(3):
        gc.collect()
    text = capi.report_render(report, capi.REPORT_PR_BODY, capi.FORMAT_MARKDOWN)
    assert "events" in text and len(text.encode()) <= capi.REPORT_PR_BODY_LIMIT


def test_closed_plan():
    plan = migplan.Plan.load(fixture("01_additive"))
    plan.close()
    with pytest.raises(ValueError, match="closed"):
        plan.report()
