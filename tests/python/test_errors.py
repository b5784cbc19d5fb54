"""Failures raise migplan.Error subclasses carrying the position of the failure."""
import threading

import pytest

import migplan
from migplan import capi
from conftest import fixture

PLAN_HEAD = "created_at: 2026-03-01T00:00:00Z\noperations:\n"
EMPTY_PLAN = "created_at: 2026-03-01T00:00:00Z\noperations: []\n"


def test_hierarchy():
    for cls in (migplan.ParseError, migplan.SchemaError, migplan.FileError, migplan.LimitError,
                migplan.NotFoundError, migplan.InvalidArgumentError, migplan.UnsupportedError,
                migplan.VersionError, migplan.OutOfMemoryError):
        assert issubclass(cls, migplan.Error)
    assert issubclass(migplan.FileError, OSError)
    assert issubclass(migplan.ParseError, ValueError)
    assert issubclass(migplan.NotFoundError, LookupError)
    assert issubclass(migplan.OutOfMemoryError, MemoryError)


def test_parse_error_position():
    text = PLAN_HEAD + "- DropTable:\n    table: [unclosed\n"
    with pytest.raises(migplan.ParseError) as info:
        migplan.Plan.from_strings(text, name="mig/plan.yaml")
    e = info.value
    assert e.code == capi.EPARSE == -5
    assert e.file == e.path == "mig/plan.yaml"
    assert e.line == 5 and e.column >= 1
    assert e.offset > 0
    assert str(e).startswith(f"mig/plan.yaml:{e.line}:{e.column}: ")
    assert e.message in str(e)


def test_schema_error_for_unknown_operation():
    with pytest.raises(migplan.SchemaError) as info:
        migplan.Plan.from_strings(PLAN_HEAD + "- DropTabel:\n    table: x\n")
    e = info.value
    assert (e.file, e.line, e.column) == ("plan.yaml", 3, 3)
    assert "DropTable" in e.message  # suggests the meant operation


def test_column_counts_characters_not_bytes():
    text = PLAN_HEAD + "- DropTable:\n    table: \"é\" x\n"
    with pytest.raises(migplan.ParseError) as info:
        migplan.Plan.from_strings(text)
    assert info.value.line == 4
    assert info.value.column == 16  # the byte column would be 17


def test_file_error():
    with pytest.raises(migplan.FileError) as info:
        migplan.Plan.load("/nonexistent/migrations")
    assert info.value.file == "/nonexistent/migrations"
    assert info.value.line is None and info.value.column is None
    assert isinstance(info.value, OSError) and info.value.filename == info.value.file


def test_empty_directory(tmp_path):
    with pytest.raises(migplan.FileError) as info:
        migplan.Plan.load(tmp_path)
    assert info.value.file == str(tmp_path / "plan.yaml")


def test_snapshot_errors_name_the_snapshot():
    with pytest.raises(migplan.ParseError) as info:
        migplan.Plan.from_strings(EMPTY_PLAN, remote_state="{\n  \"tables\": }")
    assert info.value.file == "remote_state.json"
    assert info.value.line == 2


def test_config_errors(project):
    d = project("01_additive", config="allow:\n  - rule: drop-tabel\n    reason: typo\n")
    with pytest.raises(migplan.SchemaError) as info:
        migplan.Plan.load(d)
    assert info.value.file.endswith(".migplan.yaml")
    assert (info.value.line, info.value.column) == (2, 11)
    with pytest.raises(migplan.SchemaError):
        migplan.Plan.from_strings(EMPTY_PLAN, config="allow:\n  - rule: drop-table\n")
    with pytest.raises(migplan.FileError):
        migplan.Plan.load(d, config=d / "missing.yaml")


def test_type_change_parse_error():
    with pytest.raises(migplan.ParseError) as info:
        migplan.type_change("Int32", "Decimal(10")
    assert info.value.code == capi.EPARSE


def test_version_error_from_a_bad_options_struct():
    opts = migplan.ParseOptions()
    opts.version = 99
    with pytest.raises(migplan.VersionError) as info:
        migplan.Plan.load(fixture("01_additive"), options=opts)
    assert "99" in info.value.message


def test_invalid_argument_from_the_thin_layer():
    with pytest.raises(migplan.InvalidArgumentError):
        capi.plan_classify(None)
    with pytest.raises(migplan.InvalidArgumentError):
        capi.parse_options_init(None, capi.PARSE_OPTIONS_VERSION)


def test_errors_are_read_on_the_failing_thread():
    # Each thread fails on its own file; the record is per thread, so each exception must
    # name the thread's own file even when the threads interleave.
    results, lock = {}, threading.Lock()

    def work(n):
        got = []
        for _ in range(50):
            try:
                migplan.Plan.from_strings(PLAN_HEAD + "- X:\n" * 1 + "  bad: [\n", name=f"t{n}.yaml")
            except migplan.Error as e:
                got.append(e.file)
        with lock:
            results[n] = got

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, got in results.items():
        assert got == [f"t{n}.yaml"] * 50


def test_no_error_code_reaches_python():
    # Successful status calls return None, never a code.
    plan = capi.plan_load_dir(str(fixture("01_additive")))
    assert capi.plan_classify(plan) is None
    assert capi.plan_analyze(plan, None) is None
