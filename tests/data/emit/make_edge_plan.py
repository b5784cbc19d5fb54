#!/usr/bin/env python3
"""Writes edge_cases.yaml: a plan in Moose's exact formatting whose strings hit every
quoting rule of serde_yaml + libyaml (FORMAT.md 1.1). test-emit checks that reading it and
emitting it again gives the same bytes. Not run by the tests; the output is committed.

    python3 make_edge_plan.py ../../../../shared/moose/fixtures > edge_cases.yaml

Only strings on which moose_emit.py and serde_yaml agree are used (moose_emit.py also quotes
"1e400" and integers wider than 128 bits, which serde_yaml 0.9.34 writes plain).
"""
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else ".")
import moose_emit as m  # noqa: E402

STRINGS = [
    "", "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
    "0", "-0", "+1", "-1", "007", "-007", "0x1F", "+0x1F", "-0x1F", "0o17", "0b101",
    "1.0", "1.", ".5", "-.5", "1e3", "1E+3", "-2.5e-3", ".inf", "-.inf", "+.inf", ".NaN",
    "18446744073709551616", "340282366920938463463374607431768211456",
    "2026-03-02T10:14:03.551902117Z", "2026-03-02", "'unknown'", "`events`", " lead",
    "trail ", "a: b", "a #b", "a#b", "a:b", "-", "- x", "-x", "? x", "?x", ":x", ": x",
    "*x", "&x", "!x", "|x", ">x", "%x", "@x", "[x", "{x", "]x", "}x", ",x", "#x", '"x',
    "x,y", "x[0]", "y", "yes", "no", "on", "off", "1_000", "+-1", "0.0.1", "1e", "0x",
    "0xG", "0b2", "nan", "inf", "SELECT 1\nFROM t", "SELECT 1\nFROM t\n",
    "SELECT 1 \nFROM t", "x\n\n\n", " lead\nx", "\ttab\nx", "a\n b", "tab\there", "bell\x07",
    "nul\x00x", "caf\u00e9", "\u65e5\u672c\u8a9e", "emoji\U0001F600", "\ufeffbom",
    "x\u2028y", "x\x85y", "cr\rx", "crlf\r\nx", "esc\x1b", "del\x7f", "'", "''", '"',
    "a'b", 'a"b', "\\", "a\\nb", "#", "&", "*", "!", "|", ">", "%", "@", "`", "?", ":",
    "a:", "a :b", "a\u00a0b", "\u00a0", " ", "  ", "x" * 300,
]


def main() -> None:
    ops = [
        m.op_raw_sql(STRINGS, "every quoting rule"),
        {"CreateTable": {"table": {
            "name": "edge",
            "columns": [
                m.col("e", {"name": "E", "values": [
                    {"name": "NEG", "value": {"Int8": -1}},
                    {"name": "BIG", "value": {"Int16": 300}},
                ]}, annotations=[["LowCardinality", True], ["simpleAggregationFunction",
                                  {"argument_type": "UInt64", "function_name": "sum"}]]),
                m.col("t", {"elementType": {"elementType": "String", "elementNullable": False},
                            "elementNullable": True}, required=False, default="'x'"),
            ],
            "order_by": [],
            "engine": {"ReplacingMergeTree": {"ver": None, "is_deleted": None}},
            "settings": {},
            "nested": [[[]], [{}], [[1, [2, {}]]], {"k": [[], {}]}],
            "numbers": [0, -1, 9223372036854775807, -9223372036854775808,
                        18446744073709551615, 1.5, 0.001, 1000.0],
            "B": 1, "a": 2, "a_b": 3, "ab": 4, "\u00e9": 5, "Z": 6, "_": 7, "1": 8, "": 9,
            "key with space": 10, "null": 11, "x: y": 12,
        }}},
        m.op_modify_settings("edge", {"index_granularity": "8192"}, None),
        m.op_raw_sql(["kept\n\n"], "keep chomping inside the document"),
        m.op_raw_sql(["last\n\n"], "keep chomping at the very end writes a document end marker"),
    ]
    sys.stdout.write(m.plan_yaml("2026-03-02T10:14:03.551902117Z", ops))


main()
