"""Proposed edits, applying them into a new Plan, and Moose-style YAML."""
import gc

import pytest

import migplan
from conftest import fixture

# Moose wrote these plans: to_yaml() gives them back byte for byte.
MOOSE_WRITTEN = ["01_additive", "02_add_column_and_index", "03_recreate_same_table",
                 "04_versioned_upgrade", "05_modify_column_narrowing",
                 "07_mv_reads_altered_table", "10_schema_gaps"]


@pytest.mark.parametrize("name", MOOSE_WRITTEN)
def test_to_yaml_round_trips_moose_plans(name):
    plan = migplan.Plan.load(fixture(name))
    assert plan.to_yaml() == (fixture(name) / "plan.yaml").read_text()


def test_rebuild_edit():
    plan = migplan.Plan.load(fixture("03_recreate_same_table"), config=False)
    (edit,) = plan.edits
    assert edit.id == "rebuild-table:local.events"
    assert edit.id == plan.findings[0].edit
    assert edit.rule == "drop-recreate-same-table"
    assert edit.removed == (0, 1)
    assert [y.split(":", 1)[0] for y in edit.inserted] == ["CreateTable", "RawSql", "DropTable"]
    assert "EXCHANGE TABLES" in edit.description
    assert plan.edits == [edit]  # proposing again keeps them

    edited = plan.apply([edit.id])
    assert isinstance(edited, migplan.Plan) and edited is not plan
    assert [op.kind for op in edited] == ["CreateTable", "RawSql", "AddTableColumn", "DropTable"]
    assert [f.rule for f in edited.findings] == []
    assert edited.path == plan.path
    assert edited.remote.path == plan.remote.path  # the snapshots carry over
    assert len(plan) == 3 and plan[0].kind == "DropTable"  # the original is unchanged
    text = edited.to_yaml()
    assert "EXCHANGE TABLES `events` AND `events__migplan_swap`" in text
    again = migplan.Plan.from_strings(text)
    assert [op.kind for op in again] == [op.kind for op in edited]


def test_rename_edit():
    plan = migplan.Plan.load(fixture("06_rename_column") / "plan.generated.yaml", config=False)
    ids = [e.id for e in plan.edits]
    assert ids == ["rename-column:local.users.signup_ts.signed_up_at"]
    edited = plan.apply(ids[0])  # a single id may be given as a string
    assert [op.kind for op in edited] == ["RenameTableColumn"]
    assert (edited[0].column_name, edited[0].new_column_name) == ("signup_ts", "signed_up_at")


def test_apply_every_edit_and_none():
    plan = migplan.Plan.load(fixture("09_ordering_errors"), config=False)
    assert [e.id for e in plan.edits] == ["reorder:1", "reorder:3", "reorder:5"]
    edited = plan.apply()  # None: every proposed edit
    blockers = {f.rule for f in edited.findings if f.blocker}
    assert not blockers & {"read-after-drop", "write-before-create", "column-before-add", "view-before-table"}
    unchanged = plan.apply([])
    assert [op.kind for op in unchanged] == [op.kind for op in plan]
    assert migplan.Plan.load(fixture("01_additive")).edits == []


def test_apply_errors():
    plan = migplan.Plan.load(fixture("03_recreate_same_table"), config=False)
    with pytest.raises(migplan.NotFoundError) as info:
        plan.apply(["rebuild-table:local.nope"])
    assert "rebuild-table:local.nope" in info.value.message
    with pytest.raises(TypeError):
        plan.apply([1])
    with pytest.raises(TypeError):
        plan.apply(42)


def test_edited_plan_outlives_the_original():
    edited = migplan.Plan.load(fixture("04_versioned_upgrade"), config=False).apply()
    for _ in range(3):
        gc.collect()
    # the edited plan borrows the original's snapshots, which must still be there
    assert edited.remote.table("events_1_0") is not None
    assert [f.rule for f in edited.findings] == []
    assert edited.to_yaml().startswith("# yaml-language-server")
