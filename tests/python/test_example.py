"""examples/python/ci_gate.py: the custom CI gate, run as a program."""
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import fixture

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python"


def gate(*args):
    return subprocess.run([sys.executable, str(EXAMPLES / "ci_gate.py"), *map(str, args)],
                          capture_output=True, text=True, env=os.environ)


@pytest.mark.parametrize("plan, allow, code", [
    ("01_additive", None, 0),
    ("06_rename_column", None, 0),
    ("07_mv_reads_altered_table", None, 1),
    ("07_mv_reads_altered_table", EXAMPLES / "allow.txt", 0),
    ("03_recreate_same_table", EXAMPLES / "allow.txt", 1),
    ("no_such_fixture", None, 2),
])
def test_exit_codes(plan, allow, code):
    args = (["--allow", allow] if allow else []) + [fixture(plan)]
    assert gate(*args).returncode == code


def test_report_names_position_and_fix():
    out = gate(fixture("03_recreate_same_table")).stdout
    assert "plan.yaml:5:3: error: DropTable events is destructive (permanent data loss)" in out
    assert "proposed edit: rebuild-table:local.events" in out
    assert "justify it in the allow list: DropTable events: <why>" in out


def test_justified_changes_and_unused_entries(tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text((EXAMPLES / "allow.txt").read_text() + "DropTable events: not in this plan\n")
    run = gate("--allow", allow, fixture("07_mv_reads_altered_table"))
    assert run.returncode == 0
    assert "note: DropTable coupon_usage allowed: coupon feature retired" in run.stdout
    assert f"{allow}:7: warning: no DropTable of events in the plan" in run.stdout


def test_entry_without_justification(tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("DropTable coupon_usage:\n")
    run = gate("--allow", allow, fixture("07_mv_reads_altered_table"))
    assert run.returncode == 2 and f"{allow}:1:" in run.stderr


def test_unreadable_plan_shows_the_position(tmp_path):
    (tmp_path / "plan.yaml").write_text("created_at: x\noperations:\n- DropTable: [\n")
    run = gate(tmp_path)
    assert run.returncode == 2
    assert f"error: {tmp_path}/plan.yaml:4:1: " in run.stderr
