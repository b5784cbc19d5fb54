#!/usr/bin/env python3
"""Write the hand-designed rehearsal cases (plan.yaml, remote_state.json, local_infra_map.json)
the way Moose writes them, with the shared Moose emitter of the fixtures.

    python3 make_cases.py            # (re)write every case next to this file
    python3 make_cases.py --check    # only check that the files on disk are up to date

The engine test (tests/chdb/rehearse_test.c) rehearses each case and checks what it reports:

| case           | what the plan does                                             | the rehearsal must report |
| -------------- | -------------------------------------------------------------- | ------------------------- |
| stuck_mutation | String -> UInt64 on a column of words, then Int64 -> Int32      | #0 failed with a failed mutation; the column unreadable; #1 not run |
| every_type     | AddTableColumn on a table with nearly every type Moose writes  | generated without a setup problem; no value changed |
| engines        | AddTableColumn on Collapsing (sign) and Replacing (is_deleted)  | every generated row kept |
| mv_reads_drop  | drops a column a materialized view still reads                  | refused by ClickHouse (26.7 checks views) |
| mv_rename      | a hand-written rebuild: RENAME TABLE, CREATE ... AS, INSERT,    | no row lost, but the view stopped: |
|                | DROP; a materialized view reads the table                      | its dependency left with the rename |
| rawsql_partial | RawSql of two statements, the second refused                    | failed (not refused) at statement 1; the first one's update counted |
| no_key         | Float64 -> Float32 on a table of an Enum, a Bool and the float  | no row key: columns not compared, rows counted |
| rename_key     | renames the row key column, then narrows another column         | the key followed through the rename; the exact count of narrowed values |
"""

from __future__ import annotations

import argparse
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parents[3] / "shared" / "moose" / "fixtures"
sys.path.insert(0, str(FIXTURES))

import moose_emit as m  # noqa: E402
from moose_emit import LOW_CARDINALITY, col, infra_map, mv, table  # noqa: E402

V = m.MOOSE_CLI_VERSION


def lc(c: dict) -> dict:
    c = dict(c)
    c["annotations"] = [LOW_CARDINALITY]
    return c


def with_engine(t: dict, engine: dict) -> dict:
    """A table with an engine moose_emit does not build (its hash is Moose's for the variant)."""
    t = dict(t)
    t["engine"] = engine
    (kind, p), = engine.items()
    t["engine_params_hash"] = m.sha256_hex(kind + "".join(v or "null" for v in p.values()))
    return t


def stuck_mutation():
    code = col("code", "String")
    reading = col("reading", "Int64")
    cols = [col("id", "String"), code, reading]
    new_cols = [col("id", "String"), col("code", "UInt64"), col("reading", "Int32")]
    remote = infra_map([table("readings", cols, ["id"])], moose_version=V)
    local = infra_map([table("readings", new_cols, ["id"])])
    ops = [m.op_modify_column("readings", code, new_cols[1]),
           m.op_modify_column("readings", reading, new_cols[2])]
    return dict(created_at="2026-04-10T08:00:00.000000001Z", remote=remote, local=local, ops=ops)


def every_type_columns():
    return [
        col("id", "UUID"),
        col("label", "String"),
        lc(col("tag", "String")),
        col("code", "FixedString(16)"),
        col("flag", "Boolean"),
        col("i8", "Int8"), col("u8", "UInt8"), col("i16", "Int16"), col("u16", "UInt16"),
        col("i32", "Int32"), col("u32", "UInt32"), col("i64", "Int64"), col("u64", "UInt64"),
        col("i128", "Int128"), col("u256", "UInt256"),
        col("f32", "Float32"), col("f64", "Float64", required=False),
        col("price", "Decimal(38, 10)"),
        col("ts", "DateTime"), col("ts6", "DateTime(6)"), col("day", "Date"), col("day16", "Date16"),
        col("level", m.enum_int("Level", [("DEBUG", -1), ("INFO", 0), ("ERROR", 2)])),
        col("status", m.enum_str("Status", [("OK", "ok"), ("FAIL", "fail")])),
        col("tags", m.array("String")),
        col("scores", m.array("Float64", nullable=True)),
        col("attrs", m.map_of("String", "Int32")),
        col("geo", m.named_tuple([("lat", "Float64"), ("lon", "Float64")])),
        col("ip4", "IPv4"), col("ip6", "IPv6", required=False),
        col("point", "Point"), col("area", "Polygon"),
        col("payload", m.json_type()),
        col("ctx", m.json_type(typed_paths=[("user.id", "Int64")], skip_paths=["debug"], max_dynamic_paths=64)),
        col("note", "String", default="'none'"),
        col("hour", "DateTime", materialized="toStartOfHour(ts)"),
        col("peak", "Float64", annotations=[["simpleAggregationFunction",
                                             {"functionName": "max", "argumentType": "Float64"}]]),
    ]


def every_type():
    cols = every_type_columns()
    extra = col("extra", "String", required=False)
    remote = infra_map([table("everything", cols, ["id"])], moose_version=V)
    local = infra_map([table("everything", cols + [extra], ["id"])])
    ops = [m.op_add_column("everything", extra, "peak")]
    return dict(created_at="2026-04-10T08:10:00.000000002Z", remote=remote, local=local, ops=ops)


def engines():
    flips = with_engine(table("flips", [col("key", "String"), col("amount", "Int64"), col("sign", "Int8")],
                              ["key"]), {"CollapsingMergeTree": {"sign": "sign"}})
    latest = table("latest", [col("key", "String"), col("ver", "UInt64"), col("deleted", "UInt8")], ["key"],
                   engine={"ReplacingMergeTree": {"ver": "ver", "is_deleted": "deleted"}})
    note = col("note", "String", required=False)
    remote = infra_map([flips, latest], moose_version=V)
    flips2 = dict(flips, columns=flips["columns"] + [note])
    latest2 = dict(latest, columns=latest["columns"] + [note])
    local = infra_map([flips2, latest2])
    ops = [m.op_add_column("flips", note, "sign"), m.op_add_column("latest", note, "deleted")]
    return dict(created_at="2026-04-10T08:20:00.000000003Z", remote=remote, local=local, ops=ops)


def mv_reads_drop():
    cols = [col("order_id", "String"), col("amount", "Float64"), col("coupon", "String"), col("ts", "DateTime")]
    usage = table("coupon_usage", [col("coupon", "String"), col("uses", "UInt64")], ["coupon"],
                  engine=m.engine_value("SummingMergeTree"), source_file="app/views/coupons.ts")
    usage_mv = mv("coupon_usage_mv", "SELECT `coupon`, count() AS uses FROM `orders` GROUP BY coupon",
                  ["`orders`"], "coupon_usage", source_file="app/views/coupons.ts")
    remote = infra_map([table("orders", cols, ["order_id"]), usage], mvs=[usage_mv], moose_version=V)
    # The code dropped the column but still declares the view: Moose plans only the drop.
    local = infra_map([table("orders", cols[:2] + cols[3:], ["order_id"]), usage], mvs=[usage_mv])
    ops = [m.op_drop_column("orders", "coupon")]
    return dict(created_at="2026-04-10T08:30:00.000000004Z", remote=remote, local=local, ops=ops)


def mv_rename():
    cols = [col("order_id", "String"), col("amount", "Float64"), col("ts", "DateTime")]
    daily = table("daily", [col("day", "Date"), col("total", "Float64")], ["day"],
                  engine=m.engine_value("SummingMergeTree"), source_file="app/views/daily.ts")
    daily_mv = mv("daily_mv", "SELECT toDate(`ts`) AS day, sum(`amount`) AS total FROM `orders` GROUP BY day",
                  ["`orders`"], "daily", source_file="app/views/daily.ts")
    state = infra_map([table("orders", cols, ["order_id"]), daily], mvs=[daily_mv], moose_version=V)
    local = infra_map([table("orders", cols, ["order_id"]), daily], mvs=[daily_mv])
    ops = [m.op_raw_sql(["RENAME TABLE orders TO orders_old",
                         "CREATE TABLE orders AS orders_old",
                         "INSERT INTO orders SELECT * FROM orders_old",
                         "DROP TABLE orders_old"],
                        "Rebuild orders by hand")]
    return dict(created_at="2026-04-10T08:35:00.000000008Z", remote=state, local=local, ops=ops)


def rawsql_partial():
    cols = [col("event_id", "String"), col("status", "String"), col("amount", "Int32")]
    remote = infra_map([table("events", cols, ["event_id"])], moose_version=V)
    local = infra_map([table("events", cols, ["event_id"])])
    ops = [m.op_raw_sql(["ALTER TABLE events UPDATE amount = 0 WHERE amount < 0",
                         "INSERT INTO events_archive SELECT * FROM events"],
                        "Clear negative amounts, then archive")]
    return dict(created_at="2026-04-10T08:40:00.000000005Z", remote=remote, local=local, ops=ops)


def no_key():
    kind = col("kind", m.enum_str("Kind", [("A", "a"), ("B", "b")]))
    ratio = col("ratio", "Float64")
    cols = [kind, col("on", "Boolean"), ratio]
    new_cols = [kind, col("on", "Boolean"), col("ratio", "Float32")]
    remote = infra_map([table("flags", cols, ["kind"])], moose_version=V)
    local = infra_map([table("flags", new_cols, ["kind"])])
    ops = [m.op_modify_column("flags", ratio, new_cols[2])]
    return dict(created_at="2026-04-10T08:50:00.000000006Z", remote=remote, local=local, ops=ops)


def rename_key():
    total = col("total", "Int64")
    cols = [col("id", "String"), total]
    new_cols = [col("row_id", "String"), col("total", "Int32")]
    remote = infra_map([table("counters", cols, "tuple()")], moose_version=V)
    local = infra_map([table("counters", new_cols, "tuple()")])
    ops = [m.op_rename_column("counters", "id", "row_id"),
           m.op_modify_column("counters", total, new_cols[1])]
    return dict(created_at="2026-04-10T09:00:00.000000007Z", remote=remote, local=local, ops=ops)


CASES = {
    "stuck_mutation": stuck_mutation,
    "every_type": every_type,
    "engines": engines,
    "mv_reads_drop": mv_reads_drop,
    "mv_rename": mv_rename,
    "rawsql_partial": rawsql_partial,
    "no_key": no_key,
    "rename_key": rename_key,
}


def render(fn) -> dict:
    fx = fn()
    return {
        "plan.yaml": m.plan_yaml(fx["created_at"], fx["ops"]),
        "remote_state.json": m.json_dump(fx["remote"]),
        "local_infra_map.json": m.json_dump(fx["local"]),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    stale = 0
    for name, fn in CASES.items():
        d = HERE / name
        for fname, text in render(fn).items():
            p = d / fname
            if args.check:
                if not p.exists() or p.read_text() != text:
                    print(f"{name}/{fname} is out of date")
                    stale += 1
            else:
                d.mkdir(exist_ok=True)
                p.write_text(text)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
