"""Plan: loading, operations, classification, snapshots, life cycle."""
import pathlib

import pytest

import migplan
from conftest import FIXTURES, SCHEMA, fixture

CHANGE_TYPES = {
    "01_additive": "additive",
    "02_add_column_and_index": "mixed",
    "03_recreate_same_table": "mixed",
    "04_versioned_upgrade": "mixed",
    "05_modify_column_narrowing": "mixed",
    "06_rename_column": "additive",
    "07_mv_reads_altered_table": "destructive",
    "08_rawsql_backfill": "additive",
    "09_ordering_errors": "mixed",
    "10_schema_gaps": "additive",
}


def test_every_fixture_loads_with_positions(fixture_dir):
    with migplan.Plan.load(fixture_dir) as plan:
        text = (fixture_dir / "plan.yaml").read_text().splitlines()
        assert len(plan) == len(plan.operations) > 0
        assert plan.change_type == CHANGE_TYPES[fixture_dir.name]
        for i, op in enumerate(plan):
            assert op.index == i
            assert op.file == str(fixture_dir / "plan.yaml")
            # each operation points at its variant name in the file
            assert text[op.line - 1][op.column - 1:].startswith(op.kind), (op, text[op.line - 1])
            assert op.category in set(migplan.Category)
            assert op.data_loss in set(migplan.DataLoss)
            assert op.reason


def test_load_plan_file_finds_the_snapshots_beside_it():
    plan = migplan.Plan.load(fixture("02_add_column_and_index") / "plan.schema_valid.yaml")
    assert plan.path.endswith("plan.schema_valid.yaml")
    assert plan.remote is not None and plan.local is not None
    assert len(plan) == 4


def test_load_accepts_path_objects():
    plan = migplan.Plan.load(pathlib.Path(fixture("01_additive")))
    assert len(plan) == 4


def test_operations_of_a_recreated_table():
    plan = migplan.Plan.load(fixture("03_recreate_same_table"), config=False)
    drop, create, add = plan
    assert (drop.kind, drop.table, drop.database) == ("DropTable", "events", None)
    assert drop.category == migplan.Category.DESTRUCTIVE == "destructive"
    assert drop.data_loss == migplan.DataLoss.PERMANENT
    assert not drop.reversible
    assert drop.inverse is None or "CreateTable" in drop.inverse
    assert create.category == "additive" and create.reversible
    assert "DropTable" in create.inverse
    assert (add.kind, add.table, add.column_name) == ("AddTableColumn", "users", "last_seen")
    assert plan[-1].index == 2 and [op.index for op in plan[0:2]] == [0, 1]
    assert plan.change_type is migplan.ChangeType.MIXED
    assert str(plan.change_type) == "mixed"
    assert plan.default_database == "local"
    assert plan.created_at


def test_operation_fields_and_sql():
    plan = migplan.Plan.load(fixture("08_rawsql_backfill"))
    raw = [op for op in plan if op.kind == "RawSql"]
    assert len(raw) == 2
    assert all(op.sql and op.table is None for op in raw)
    assert all(op.category == "custom" for op in raw)
    add = plan[0]
    assert add.fields["table"] == add.table
    assert isinstance(add.fields["column"], dict)
    statements = add.to_sql()
    assert statements and statements[0].startswith("ALTER TABLE")


def test_modify_column_carries_the_type_verdict():
    plan = migplan.Plan.load(fixture("05_modify_column_narrowing"))
    first = plan[0]
    assert first.kind == "ModifyTableColumn"
    verdict = first.type_change
    assert isinstance(verdict, migplan.Verdict)
    assert not verdict.safe and verdict.cause == "narrowing"
    assert (verdict.from_type, verdict.to_type) == ("Int64", "Int32")
    assert plan[3].type_change.safe  # UInt16 -> UInt32
    assert migplan.Plan.load(fixture("01_additive"))[0].type_change is None


def test_snapshots_tables_and_columns():
    plan = migplan.Plan.load(fixture("03_recreate_same_table"))
    remote = plan.remote
    assert remote.path.endswith("remote_state.json")
    assert remote.default_database == "local"
    assert remote.moose_version
    names = [t.name for t in remote.tables]
    assert "events" in names
    events = remote.table("events")
    assert events.name == "events" and events.engine
    cols = events.columns
    assert cols and all(c.name for c in cols)
    first = events.column(cols[0].name)
    assert first.name == cols[0].name and first.clickhouse_type
    assert events.column("no_such_column") is None
    assert remote.table("no_such_table") is None
    assert events.to_sql()[0].startswith("CREATE TABLE")
    f, line, col = events.location
    assert f.endswith("remote_state.json") and line > 1 and col >= 1
    assert plan.local.moose_version is None  # the local map has none


def test_from_strings_with_snapshots():
    d = fixture("03_recreate_same_table")
    plan = migplan.Plan.from_strings((d / "plan.yaml").read_text(),
                                     remote_state=(d / "remote_state.json").read_bytes(),
                                     local_infra_map=(d / "local_infra_map.json").read_text())
    assert len(plan) == 3
    assert plan.path == "plan.yaml"
    assert plan.remote.path == "remote_state.json"
    rules = [f.rule for f in plan.findings]
    assert "view-broken-by-change" in rules  # needs the remote snapshot's view


def test_from_strings_names_positions():
    plan = migplan.Plan.from_strings("created_at: 2026-03-01T00:00:00Z\noperations: []\n",
                                     name="migrations/plan.yaml")
    assert plan.path == "migrations/plan.yaml"
    assert len(plan) == 0
    assert plan.change_type == "empty"
    assert plan.remote is None and plan.local is None


def test_with_closes_and_children_survive():
    with migplan.Plan.load(fixture("07_mv_reads_altered_table")) as plan:
        ops = plan.operations
        remote = plan.remote
    assert plan.closed
    assert "closed" in repr(plan)
    with pytest.raises(ValueError):
        len(plan)
    with pytest.raises(ValueError):
        plan.findings
    # what was read before close stays usable
    assert [op.kind for op in ops][0] == "DropMaterializedView"
    assert ops[1].reason and remote.tables
    plan.close()  # idempotent


def test_parse_options_limits():
    opts = migplan.ParseOptions()
    assert opts.version == migplan.capi.PARSE_OPTIONS_VERSION
    opts.max_ops = 2
    with pytest.raises(migplan.LimitError) as e:
        migplan.Plan.load(fixture("01_additive"), options=opts)
    assert e.value.file.endswith("plan.yaml")
    opts.max_ops = 0
    assert len(migplan.Plan.load(fixture("01_additive"), options=opts)) == 4


def test_schema_violations():
    plan = migplan.Plan.load(fixture("02_add_column_and_index"), schema=SCHEMA)
    v = plan.violations
    assert len(v) == 2
    assert all(x.rule == "schema-moose-mismatch" for x in v)  # Moose writes `type:`, its schema wants index_type
    assert all(x.file.endswith("plan.yaml") and x.line and x.column for x in v)
    assert all(x.pointer.startswith("/operations/") and x.keyword and x.schema_path.startswith("#") for x in v)
    assert migplan.Plan.load(fixture("02_add_column_and_index") / "plan.schema_valid.yaml",
                             schema=SCHEMA).violations == []
    assert migplan.Plan.load(fixture("01_additive")).violations == []


def test_bad_schema_file_raises(tmp_path):
    bad = tmp_path / "schema.json"
    bad.write_text('{"type": "object", "uniqueItems": true}')
    with pytest.raises(migplan.SchemaError) as e:
        migplan.Plan.load(fixture("01_additive"), schema=bad)
    assert e.value.file == str(bad)


def test_fixture_folder_is_complete():
    assert len(list(FIXTURES.glob("*/plan.yaml"))) == len(CHANGE_TYPES)


def test_repr_and_version():
    plan = migplan.Plan.load(fixture("01_additive"))
    assert "4 operations" in repr(plan)
    assert "AddTableColumn" in repr(plan[0])
    assert migplan.version() == migplan.__version__
    assert migplan.__version__.count(".") == 2
