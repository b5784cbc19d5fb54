#!/usr/bin/python3
"""A custom CI gate: fail when a migration plan makes a destructive change that nobody justified.

    ci_gate.py [--allow ALLOW_LIST] MIGRATIONS_DIR

The allow list is a text file with one justified change per line:

    # <operation> <table>[.<column>]: <justification>
    DropTable coupon_usage: coupon feature retired in March (JIRA-1234)
    DropTableColumn orders.coupon_code: same change; the column was never read

Exit status: 0 when every destructive operation is justified, 1 when one is not, 2 when the
plan or the allow list cannot be read.

SPDX-License-Identifier: CC0-1.0 (copy it, change it).
"""
import argparse
import sys

import migplan


class AllowList:
    def __init__(self, path=None):
        self.entries = {}  # (kind, table, column or None) -> (justification, line number)
        self.path, self.used = path, set()
        if path is None:
            return
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                change, _, why = line.partition(":")
                kind, _, target = change.strip().partition(" ")
                table, _, column = target.strip().partition(".")
                if not (kind and table and why.strip()):
                    raise ValueError(f"{path}:{number}: expected '<operation> <table>[.<column>]: <justification>'")
                self.entries[(kind, table, column or None)] = (why.strip(), number)

    def justification(self, op):
        key = (op.kind, op.table, op.column_name)
        found = self.entries.get(key) or self.entries.get((op.kind, op.table, None))
        if found:
            self.used.add(found[1])
            return found[0]
        return None

    def unused(self):
        return [(n, k) for k, (_, n) in self.entries.items() if n not in self.used]


def target(op):
    return f"{op.table}.{op.column_name}" if op.column_name else (op.table or "")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow", help="the allow list (default: none)")
    parser.add_argument("migrations", help="the migrations directory (plan.yaml and its snapshots)")
    args = parser.parse_args(argv)

    try:
        allow = AllowList(args.allow)
        plan = migplan.Plan.load(args.migrations)
    except migplan.Error as e:  # str(e) is "file:line:column: message"
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    unjustified = 0
    with plan:
        findings = {}
        for f in plan.findings:
            if f.operation is not None:
                findings.setdefault(f.operation.index, []).append(f)
        for op in plan:
            if op.category != migplan.Category.DESTRUCTIVE:
                continue
            where = f"{op.file}:{op.line}:{op.column}"
            why = allow.justification(op)
            if why:
                print(f"{where}: note: {op.kind} {target(op)} allowed: {why}")
                continue
            unjustified += 1
            print(f"{where}: error: {op.kind} {target(op)} is destructive ({op.data_loss} data loss): {op.reason}")
            for f in findings.get(op.index, []):
                fix = f" (proposed edit: {f.edit})" if f.edit else ""
                print(f"    {f.severity} [{f.rule}] {f.message}{fix}")
            print(f"    to ship it, justify it in the allow list: {op.kind} {target(op)}: <why>")
        print(f"{plan.path}: {plan.change_type} plan, {len(plan)} operations, "
              f"{unjustified} unjustified destructive")
    for number, (kind, table, column) in allow.unused():
        print(f"{allow.path}:{number}: warning: no {kind} of {table}{'.' + column if column else ''} in the plan")
    return 1 if unjustified else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
