#!/usr/bin/env python3
"""Write the hand-designed rewrite cases (plan.yaml, remote_state.json, local_infra_map.json)
the way Moose writes them, with the shared Moose emitter of the fixtures.

    python3 make_cases.py            # (re)write every case next to this file
    python3 make_cases.py --check    # only check that the files on disk are up to date

Each case is a plan Moose would generate (teardown first, then setup) whose rewrite the unit
test (tests/unit/test-rewrite.c) and the engine proof (tests/chdb/rewrite_proof.c) check:

| case          | what the plan does                                              | edit            |
| ------------- | --------------------------------------------------------------- | --------------- |
| multi_cast    | drop + create `metrics` (ORDER BY change) with six type changes, | rebuild-table   |
|               | a dropped column and a new column with a DEFAULT                 |                 |
| views         | drop + create `orders`, read by a materialized view and a view   | rebuild-table   |
| key_widen     | ModifyTableColumn of the ORDER BY column `user_id` Int32 -> Int64 | rebuild-table   |
|               | (ClickHouse refuses it) and of `pages` UInt16 -> UInt32; an MV   |                 |
| other_db      | drop + create `analytics`.`pageviews` (engine change), an MV in  | rebuild-table   |
|               | `analytics` reading it                                           |                 |
| weird_names   | drop + create in database `my db` of a table and columns whose   | rebuild-table   |
|               | names hold backticks, quotes and spaces; an MV reading it        |                 |
| rename_typed  | DropTableColumn + AddTableColumn of a renamed column that also   | rename-column   |
|               | gains a comment (rename, then ModifyTableColumn)                 |                 |
"""

from __future__ import annotations

import argparse
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parents[3] / "shared" / "moose" / "fixtures"
sys.path.insert(0, str(FIXTURES))

import moose_emit as m  # noqa: E402
from moose_emit import LOW_CARDINALITY, col, infra_map, mv, table, view  # noqa: E402

V = m.MOOSE_CLI_VERSION


def lc(c: dict) -> dict:
    c = dict(c)
    c["annotations"] = [LOW_CARDINALITY]
    return c


def multi_cast():
    remote_cols = [
        col("id", "String", primary_key=True),
        col("host", "String"),
        col("cpu", "Float32"),
        col("count", "Int32"),
        col("day", "Date16"),
        col("amount", "Decimal(10, 2)"),
        col("note", "String", required=False),
        col("legacy", "String"),
    ]
    local_cols = [
        col("id", "String"),
        lc(col("host", "String")),
        col("cpu", "Float64"),
        col("count", "Int64"),
        col("day", "Date"),
        col("amount", "Decimal(18, 4)"),
        col("note", "String", required=False),
        col("region", "String", default="'eu'"),
    ]
    remote = infra_map([table("metrics", remote_cols, ["id"])], moose_version=V)
    new = table("metrics", local_cols, ["host", "id"])
    local = infra_map([new])
    ops = [m.op_drop_table("metrics"), m.op_create_table(new)]
    return dict(created_at="2026-04-02T09:00:00.000000001Z", remote=remote, local=local, ops=ops)


def views():
    remote_cols = [col("order_id", "String"), col("customer", "String"), col("amount", "Float64"),
                   col("ts", "DateTime")]
    local_cols = [col("order_id", "String"), lc(col("customer", "String")), col("amount", "Float64"),
                  col("ts", "DateTime")]
    daily = table("orders_daily", [col("day", "Date"), col("total", "Float64"), col("n", "UInt64")],
                  ["day"], engine=m.engine_value("SummingMergeTree"), source_file="app/views/daily.ts")
    daily_mv = mv("orders_daily_mv",
                  "SELECT toDate(`ts`) AS day, sum(`amount`) AS total, count() AS n\n  FROM `orders`\n  GROUP BY day",
                  ["`orders`"], "orders_daily", source_file="app/views/daily.ts")
    big = view("big_orders", "SELECT `order_id`, `amount` FROM `orders` WHERE `amount` > 100",
               ["`orders`"], source_file="app/views/big.ts")
    remote = infra_map([table("orders", remote_cols, ["order_id"]), daily], mvs=[daily_mv], views=[big],
                       moose_version=V)
    new = table("orders", local_cols, ["customer", "ts", "order_id"])
    local = infra_map([new, daily], mvs=[daily_mv], views=[big])
    ops = [m.op_drop_table("orders"), m.op_create_table(new)]
    return dict(created_at="2026-04-02T09:10:00.000000002Z", remote=remote, local=local, ops=ops)


def key_widen():
    before_user = col("user_id", "Int32", primary_key=True)
    after_user = col("user_id", "Int64", primary_key=True)
    before_pages = col("pages", "UInt16")
    after_pages = col("pages", "UInt32")
    started = col("started", "DateTime")
    per_user = table("pages_per_user", [col("user_id", "Int64"), col("pages", "UInt64")], ["user_id"],
                     engine=m.engine_value("SummingMergeTree"), source_file="app/views/perUser.ts")
    per_user_mv = mv("pages_per_user_mv",
                     "SELECT `user_id`, sum(`pages`) AS pages FROM `sessions` GROUP BY user_id",
                     ["`sessions`"], "pages_per_user", source_file="app/views/perUser.ts")
    remote = infra_map([table("sessions", [before_user, started, before_pages], ["user_id"]), per_user],
                       mvs=[per_user_mv], moose_version=V)
    local = infra_map([table("sessions", [after_user, started, after_pages], ["user_id"]), per_user],
                      mvs=[per_user_mv])
    ops = [m.op_modify_column("sessions", before_user, after_user),
           m.op_modify_column("sessions", before_pages, after_pages)]
    return dict(created_at="2026-04-02T09:20:00.000000003Z", remote=remote, local=local, ops=ops)


def other_db():
    cols = [col("page", "String"), col("visitor", "String"), col("ts", "DateTime"), col("ver", "UInt32")]
    new_cols = [col("page", "String"), col("visitor", "String"), col("ts", "DateTime"), col("ver", "UInt64")]
    hits = table("page_hits", [col("page", "String"), col("hits", "UInt64")], ["page"],
                 engine=m.engine_value("SummingMergeTree"), database="analytics", source_file="app/views/hits.ts")
    hits_mv = mv("page_hits_mv", "SELECT `page`, count() AS hits FROM `analytics`.`pageviews` GROUP BY page",
                 ["`analytics`.`pageviews`"], "page_hits", target_database="analytics", database="analytics",
                 source_file="app/views/hits.ts")
    remote = infra_map([table("pageviews", cols, ["page", "ts"], database="analytics"), hits], mvs=[hits_mv],
                       moose_version=V)
    new = table("pageviews", new_cols, ["page", "ts"], database="analytics",
                engine=m.engine_value("ReplacingMergeTree", ver="ver"))
    local = infra_map([new, hits], mvs=[hits_mv])
    ops = [m.op_drop_table("pageviews", database="analytics"), m.op_create_table(new)]
    return dict(created_at="2026-04-02T09:30:00.000000004Z", remote=remote, local=local, ops=ops)


WEIRD_DB = "my db"
WEIRD_TABLE = "we`ird 'tab\"le"


def weird_names():
    cols = [col("a b", "Int32"), col("c'q", "String"), col("d`e", "String"), col("x\"y", "UInt8")]
    new_cols = [col("a b", "Int64"), col("c'q", "String"), lc(col("d`e", "String")), col("x\"y", "UInt8")]
    # ORDER BY as expressions (orderByExpression): Moose copies order_by names into the DDL unquoted
    sink = table("we`ird sink", [col("c'q", "String"), col("n", "UInt64")], "`c'q`",
                 engine=m.engine_value("SummingMergeTree"), database=WEIRD_DB, source_file="app/views/sink.ts")
    sink_mv = mv("mv 'x`", "SELECT `c'q`, count() AS n FROM `my db`.`we\\`ird 'tab\"le` GROUP BY `c'q`",
                 ["my db." + WEIRD_TABLE], "we`ird sink", target_database=WEIRD_DB, database=WEIRD_DB,
                 source_file="app/views/sink.ts")
    remote = infra_map([table(WEIRD_TABLE, cols, "`a b`", database=WEIRD_DB), sink], mvs=[sink_mv],
                       moose_version=V)
    new = table(WEIRD_TABLE, new_cols, "(`c'q`, `a b`)", database=WEIRD_DB)
    local = infra_map([new, sink], mvs=[sink_mv])
    ops = [m.op_drop_table(WEIRD_TABLE, database=WEIRD_DB), m.op_create_table(new)]
    return dict(created_at="2026-04-02T09:40:00.000000005Z", remote=remote, local=local, ops=ops)


def rename_typed():
    cols = [col("user_id", "String", primary_key=True), col("email", "String"), col("score", "Int32"),
            col("tier", "String")]
    new_cols = [col("user_id", "String", primary_key=True), col("email", "String"),
                col("points", "Int32", comment="loyalty points"), col("tier", "String")]
    remote = infra_map([table("players", cols, ["user_id"])], moose_version=V)
    local = infra_map([table("players", new_cols, ["user_id"])])
    ops = [m.op_drop_column("players", "score"), m.op_add_column("players", new_cols[2], "email")]
    return dict(created_at="2026-04-02T09:50:00.000000006Z", remote=remote, local=local, ops=ops)


CASES = {
    "multi_cast": multi_cast,
    "views": views,
    "key_widen": key_widen,
    "other_db": other_db,
    "weird_names": weird_names,
    "rename_typed": rename_typed,
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
