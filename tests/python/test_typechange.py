"""migplan.type_change(): the type-change judge without a plan."""
import dataclasses

import pytest

import migplan


def test_widening_is_safe():
    v = migplan.type_change("Int32", "Int64")
    assert v.safe and v.verdict == "safe"
    assert v.cause == "none"
    assert v.reason and v.example is None
    assert (v.from_type, v.to_type) == ("Int32", "Int64")
    assert isinstance(v.in_place, bool) and isinstance(v.key_refused, bool)


def test_narrowing_is_destructive_with_an_example():
    v = migplan.type_change("Int64", "Int32")
    assert not v.safe and v.verdict == "destructive"
    assert v.cause == "narrowing"
    assert "narrowing" in v.reason
    assert "becomes" in v.example


@pytest.mark.parametrize("old, new, cause", [
    ("Nullable(String)", "String", "nullable-to-required"),
    ("Int32", "UInt32", "sign-change"),
    ("Decimal(18, 4)", "Decimal(18, 2)", "scale-loss"),
    ("Int64", "Float64", "precision-loss"),
])
def test_causes(old, new, cause):
    assert migplan.type_change(old, new).cause == cause


def test_types_are_canonical():
    v = migplan.type_change("decimal(10,2)", "Decimal(18, 4)")
    assert v.from_type == "Decimal(10, 2)"


def test_verdicts_are_immutable_values():
    v = migplan.type_change("Int32", "Int64")
    assert v == migplan.type_change("Int32", "Int64")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.safe = False


def test_malformed_type():
    with pytest.raises(migplan.ParseError):
        migplan.type_change("Int32", "Array(")
