"""The thin SWIG layer (migplan.capi): names, constants, ownership and typemaps."""
import pytest

import migplan
from migplan import capi
from conftest import fixture


def test_names_lose_the_prefix():
    assert callable(capi.plan_load_dir) and callable(capi.type_change_judge)
    assert (capi.OK, capi.EPARSE, capi.ITEROVER) == (0, -5, -31)
    assert capi.OP_DROP_TABLE == 2 and capi.op_kind_name(capi.OP_DROP_TABLE) == "DropTable"
    assert capi.SCHEMA_DEFAULT_PATH == ".moose/migration_schema.json"
    assert capi.VERSION_STRING == capi.version_string()
    assert capi.VERSION_NUMBER == capi.version_number()
    assert capi.status_str(capi.EPARSE)


def test_free_functions_are_not_exposed():
    # proxies free what they own; a direct free would leave them dangling
    assert not [n for n in dir(capi) if n == "free" or n.endswith("_free")]


def test_owned_and_borrowed_proxies():
    plan = capi.plan_load_dir(str(fixture("01_additive")))
    assert isinstance(plan, capi.Plan) and plan.thisown
    op = capi.plan_op_at(plan, 0)
    assert isinstance(op, capi.Op) and not op.thisown
    assert capi.plan_op_at(plan, 99) is None
    t = capi.chtype_parse("Array(Nullable(Int32))")
    assert t.thisown and capi.chtype_render(t) == "Array(Nullable(Int32))"
    child = capi.chtype_child_at(t, 0)
    assert not child.thisown and capi.chtype_render(child) == "Nullable(Int32)"


def test_parse_options_constructor_sets_the_version():
    o = capi.ParseOptions()
    assert o.version == capi.PARSE_OPTIONS_VERSION
    assert (o.max_bytes, o.max_depth) == (0, 0)
    o.max_depth = 3
    with pytest.raises(migplan.LimitError):
        capi.plan_load_dir(str(fixture("01_additive")), o)


def test_malloced_strings_come_back_as_str():
    assert capi.sql_quote_identifier("we`ird") == "`we\\`ird`"
    assert capi.sql_quote_literal("it's") == "'it\\'s'"
    assert capi.chtype_normalize("decimal(10,2)") == "Decimal(10, 2)"
    assert capi.moose_column_to_clickhouse(
        "{name: a, data_type: Int64, required: false, annotations: []}") == "Nullable(Int64)"


def test_buffers_take_str_or_bytes():
    text = "{name: a, data_type: String, required: true, annotations: []}"
    for arg in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        c = capi.column_parse(arg)
        assert capi.column_clickhouse_type(c) == "String"
    with pytest.raises(TypeError):
        capi.column_parse(42)


def test_two_outputs_are_a_pair():
    deployments = (b'[{"id": 7, "branch": "main", "status": "Deployed",'
                   b' "deployed_at": "2026-03-02T10:14:03Z"}]')
    assert capi.target_choose(deployments, "main") == ("7", None)
    chosen, problem = capi.target_choose(b"[]", "main")
    assert chosen is None and "no deployment" in problem
    with pytest.raises(migplan.ParseError):
        capi.target_choose(b"[", "main")


def test_node_text():
    plan = capi.plan_load_buffer(b'created_at: x\noperations:\n- RawSql:\n    sql: ["a"]\n'
                                 b'    description: "caf\xc3\xa9 \\t"\n', None)
    node = capi.op_field(capi.plan_op_at(plan, 0), "description")
    assert capi.node_text(node) == "caf\u00e9 \t"  # the length comes from the library
    assert capi.node_text(capi.plan_root(plan)) is None  # a mapping has no text
    # a NUL byte inside a string is refused where it is
    with pytest.raises(migplan.SchemaError) as info:
        capi.plan_load_buffer(b'created_at: x\noperations: []\nnote: "x\\0y"\n', "p.yaml")
    assert (info.value.file, info.value.line) == ("p.yaml", 3)


def test_integer_output_parameter():
    plan = capi.plan_load_buffer(b"created_at: x\noperations:\n- AddTableIndex:\n    table: t\n"
                                 b"    index: {name: i, expression: a, type: minmax, arguments: [],"
                                 b" granularity: 3}\n", None)
    body = capi.op_body(capi.plan_op_at(plan, 0))
    granularity = capi.node_get(capi.node_get(body, "index"), "granularity")
    assert capi.node_int(granularity) == 3
    with pytest.raises(migplan.InvalidArgumentError):
        capi.node_int(capi.node_get(body, "table"))


def test_error_record_is_readable():
    with pytest.raises(migplan.ParseError):
        capi.chtype_parse("Int(")
    rec = capi.error_last()
    assert capi.error_code(rec) == capi.EPARSE
    assert capi.error_message(rec)
    capi.error_clear()
    assert capi.error_code(capi.error_last()) == capi.OK
