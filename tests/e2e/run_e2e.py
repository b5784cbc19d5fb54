#!/usr/bin/python3
"""End-to-end tests of the migplan command: every command and format on every shared fixture,
asserting exit codes, stdout and stderr. Prints TAP.

    run_e2e.py --migplan BUILD/cli/migplan --fixtures DIR --source-root DIR
    run_e2e.py --install BUILD --meson MESON --prefix P --bindir B --libdir L --mandir M ...

With --install, the build is first installed with `meson install --destdir` into a temporary
directory and the installed program is tested (with the installed library), so what users
get is what is tested. Standard library only (Debian's /usr/bin/python3).
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sarif_check  # noqa: E402
import schema_check  # noqa: E402

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_DESTRUCTIVE, EXIT_USAGE = 0, 1, 2, 3, 64
FORMATS = ["text", "json", "sarif", "github", "gitlab", "markdown"]
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
TEXT_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info|note): "
                       r"(?P<msg>.*)$")
GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,title=[a-z0-9-]+::.+$")
SUMMARY_LINE = re.compile(r"^(no findings|\d+ (errors?|warnings?|info)(, \d+ (errors?|warnings?|info))*) in "
                          r"(?P<plan>\S+) \(change type: (?P<ct>empty|additive|destructive|mixed)(; \d+ allowed)?\)$")

# What the classification says of each fixture (fixtures/README.md): pinned here so that a
# regression in the program's plumbing (not only in the library) shows.
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
OPERATION_COUNTS = {"01_additive": 4, "02_add_column_and_index": 4, "03_recreate_same_table": 3,
                    "04_versioned_upgrade": 2, "05_modify_column_narrowing": 7, "06_rename_column": 1,
                    "07_mv_reads_altered_table": 4, "08_rawsql_backfill": 5, "09_ordering_errors": 7,
                    "10_schema_gaps": 3}
# `migplan check` exit code of each fixture, and rules its findings must include (issue 4 names
# them: 03 and 07 the view findings, 04 the version bump, 09 every ordering finding).
CHECK_EXITS = {
    "01_additive": EXIT_OK,
    "02_add_column_and_index": EXIT_DESTRUCTIVE,
    "03_recreate_same_table": EXIT_DESTRUCTIVE,
    "04_versioned_upgrade": EXIT_DESTRUCTIVE,
    "05_modify_column_narrowing": EXIT_DESTRUCTIVE,
    "06_rename_column": EXIT_OK,
    "07_mv_reads_altered_table": EXIT_DESTRUCTIVE,
    "08_rawsql_backfill": EXIT_OK,
    "09_ordering_errors": EXIT_DESTRUCTIVE,
    "10_schema_gaps": EXIT_FINDINGS,
}
REQUIRED_RULES = {
    "03_recreate_same_table": {"drop-recreate-same-table", "view-broken-by-change"},
    "04_versioned_upgrade": {"version-bump-drop-first"},
    "05_modify_column_narrowing": {"narrowing-change", "nullable-to-required"},
    "07_mv_reads_altered_table": {"drop-table", "drop-column", "view-reads-altered-column"},
    "09_ordering_errors": {"read-after-drop", "write-before-create", "column-before-add", "view-before-table"},
    "10_schema_gaps": {"type-refused-by-clickhouse"},
}
# Edits the rewrite must propose (issue 5: rebuilds and reorders).
REQUIRED_EDITS = {
    "03_recreate_same_table": {"rebuild-table:local.events"},
    "04_versioned_upgrade": {"rebuild-table:local.events_1_0"},
}
# Fixtures whose plan.yaml Moose's schema rejects (fixtures/README.md, "schema-valid").
SCHEMA_INVALID = {"02_add_column_and_index", "10_schema_gaps"}


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.count += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.count, name))
        if not cond:
            self.failed += 1
            for line in str(diag or "").splitlines()[:40]:
                print("#   " + line)
        sys.stdout.flush()
        return cond

    def skip(self, name, reason):
        self.count += 1
        print("ok %d - %s # SKIP %s" % (self.count, name, reason))
        sys.stdout.flush()

    def finish(self):
        print("1..%d" % self.count)
        return 1 if self.failed else 0


class Result:
    def __init__(self, args, proc):
        self.args = args
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __str__(self):
        return "migplan %s\nexit %d\n--- stdout\n%s\n--- stderr\n%s" % (
            " ".join(self.args), self.code, self.out[:3000], self.err[:3000])


class Runner:
    def __init__(self, program, env):
        self.program = program
        self.env = env

    def __call__(self, *args, cwd=None, env=None):
        full_env = dict(self.env)
        full_env.update(env or {})
        proc = subprocess.run([self.program] + list(args), cwd=cwd, env=full_env, capture_output=True,
                              text=True, timeout=120)
        return Result(list(args), proc)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def expected_exit(doc, allow_destructive=False):
    """The exit code a check document implies: 3 > 1 > 0 (2 never has a document)."""
    s = doc["summary"]
    threshold = SEVERITY_RANK[s["fail_on"]]
    failing = any(not f["allowed"] and SEVERITY_RANK[f["severity"]] >= threshold for f in doc["findings"])
    if doc["categories"]["destructive"] and not (allow_destructive or s["destructive_allowed"]):
        return EXIT_DESTRUCTIVE
    return EXIT_FINDINGS if failing else EXIT_OK


# --- per-format checks of `check` on one fixture ---

def check_text(t, name, r, doc):
    lines = r.out.splitlines()
    finding_lines = [m for m in (TEXT_LINE.match(l) for l in lines) if m and m.group("sev") != "note"]
    allowed_lines = [m for m in (TEXT_LINE.match(l) for l in lines) if m and m.group("msg").startswith("allowed: ")]
    shown = len(finding_lines) + len(allowed_lines)
    t.ok(shown == len(doc["findings"]), "%s text: one line per finding (%d)" % (name, len(doc["findings"])), r)
    t.ok(all(l.group("msg").endswith("]") for l in finding_lines), "%s text: every finding ends with [rule]" % name, r)
    summaries = [m for m in (SUMMARY_LINE.match(l) for l in lines) if m]
    t.ok(len(summaries) == 1 and summaries[0].group("ct") == doc["change_type"]
         and summaries[0].group("plan") == doc["plan"]["path"], "%s text: summary line" % name, r)
    t.ok("\033[" not in r.out, "%s text: no colour off a terminal" % name, r)


def check_sarif(t, name, r, doc):
    log = json.loads(r.out)
    problems = sarif_check.check(log)
    t.ok(not problems, "%s sarif: SARIF 2.1.0 structure" % name, "\n".join(problems))
    results = log["runs"][0]["results"]
    t.ok(len(results) == len(doc["findings"]), "%s sarif: one result per finding" % name, r)
    same = all(res["ruleId"] == f["rule"] and res["locations"][0]["physicalLocation"]["region"]["startLine"] == f["line"]
               for res, f in zip(results, doc["findings"]))
    t.ok(same, "%s sarif: results carry the findings' rules and lines" % name, r)
    rules = {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    t.ok(len(rules) >= 1, "%s sarif: the rules are described" % name, r)


def check_github(t, name, r, doc):
    commands = [l for l in r.out.splitlines() if l.startswith("::")]
    expected = [f for f in doc["findings"] if not f["allowed"]]
    t.ok(len(commands) == len(expected), "%s github: one command per finding not allowed" % name, r)
    t.ok(all(GITHUB_LINE.match(c) for c in commands), "%s github: workflow command syntax" % name, r)


def check_gitlab(t, name, r, doc):
    issues = json.loads(r.out)
    expected = [f for f in doc["findings"] if not f["allowed"]]
    t.ok(isinstance(issues, list) and len(issues) == len(expected), "%s gitlab: one issue per finding" % name, r)
    keys = {"description", "check_name", "fingerprint", "severity", "location"}
    well_formed = all(keys <= set(i) and i["severity"] in ("info", "minor", "major", "critical", "blocker")
                      and i["location"]["lines"]["begin"] >= 1 for i in issues)
    t.ok(well_formed, "%s gitlab: Code Quality fields" % name, r)
    prints = [i["fingerprint"] for i in issues]
    t.ok(len(set(prints)) == len(prints), "%s gitlab: unique fingerprints" % name, r)


def check_markdown(t, name, r, doc):
    t.ok(r.out.startswith("<!-- migplan -->\n## migplan check"), "%s markdown: comment header" % name, r)
    t.ok(len(r.out) <= 65536, "%s markdown: at most 65,536 characters" % name, r)
    t.ok("**Change type:** %s" % doc["change_type"] in r.out, "%s markdown: change type" % name, r)
    t.ok(("**Proposed edits**" in r.out) == bool(doc["edits"]) and all(e["id"] in r.out for e in doc["edits"]),
         "%s markdown: proposed edits listed" % name, r)


FORMAT_CHECKS = {"text": check_text, "sarif": check_sarif, "github": check_github, "gitlab": check_gitlab,
                 "markdown": check_markdown}


def check_fixture(t, run, schema, fixture_root, name):
    r = run("check", "--format", "json", name, cwd=fixture_root)
    docs = json_lines(r.out) if r.code != EXIT_INPUT else []
    if not t.ok(len(docs) == 1 and r.err == "", "%s check json: one document, nothing on stderr" % name, r):
        return
    doc = docs[0]
    errors = schema_check.validate(doc, schema)
    t.ok(not errors, "%s check json: valid against docs/output-schema.json" % name, "\n".join(errors[:20]))
    t.ok(doc["plan"]["path"] == name + "/plan.yaml", "%s check json: plan path relative" % name, doc["plan"])
    t.ok(doc["plan"]["remote_state"] == name + "/remote_state.json"
         and doc["plan"]["local_infra_map"] == name + "/local_infra_map.json", "%s check json: snapshots read" % name,
         doc["plan"])
    t.ok(doc["change_type"] == CHANGE_TYPES[name], "%s check json: change type %s" % (name, CHANGE_TYPES[name]),
         doc["change_type"])
    t.ok(doc["plan"]["operations"] == OPERATION_COUNTS[name] == len(doc["operations"])
         and [o["index"] for o in doc["operations"]] == list(range(OPERATION_COUNTS[name])),
         "%s check json: %d operations, 0-based" % (name, OPERATION_COUNTS[name]), doc["operations"])
    modify = [o for o in doc["operations"] if o["kind"] == "ModifyTableColumn"]
    t.ok(all(o["type_change"] and o["type_change"]["verdict"] in ("safe", "destructive") for o in modify)
         and all(o["type_change"] is None for o in doc["operations"] if o["kind"] != "ModifyTableColumn"),
         "%s check json: type_change exactly on ModifyTableColumn" % name, modify)
    t.ok(r.code == expected_exit(doc) == doc["summary"]["exit_code"],
         "%s check: exit %d matches the findings and destructive operations" % (name, r.code), r)
    t.ok(r.code == CHECK_EXITS[name], "%s check: exit %d" % (name, CHECK_EXITS[name]), r)
    rules = {f["rule"] for f in doc["findings"]}
    t.ok(REQUIRED_RULES.get(name, set()) <= rules, "%s check: reports %s" % (
        name, ", ".join(sorted(REQUIRED_RULES.get(name, ()))) or "its findings"), sorted(rules))
    edit_ids = [e["id"] for e in doc["edits"]]
    t.ok(len(set(edit_ids)) == len(edit_ids) and {f["edit"] for f in doc["findings"] if f["edit"]} <= set(edit_ids)
         and all(0 <= i < len(doc["operations"]) for e in doc["edits"] for i in e["removes"]),
         "%s check json: every edit a finding names is proposed, removes real operations" % name, doc["edits"])
    if name in REQUIRED_EDITS:
        t.ok(REQUIRED_EDITS[name] <= set(edit_ids), "%s check json: proposes %s" % (
            name, ", ".join(sorted(REQUIRED_EDITS[name]))), edit_ids)
    t.ok(all(f["file"].startswith(name + "/") for f in doc["findings"]),
         "%s check json: finding files relative to the working directory" % name, doc["findings"])
    for fmt in FORMATS:
        if fmt == "json":
            continue
        rf = run("check", "--format", fmt, name, cwd=fixture_root)
        t.ok(rf.code == r.code and rf.err == "", "%s check --format %s: same exit code, no stderr" % (name, fmt), rf)
        FORMAT_CHECKS[fmt](t, name, rf, doc)
    check_thresholds(t, run, fixture_root, name, doc, r.code)


def check_thresholds(t, run, fixture_root, name, doc, code):
    r = run("check", "--format", "json", "--allow-destructive", name, cwd=fixture_root)
    d = json_lines(r.out)[0] if r.out else None
    t.ok(d is not None and r.code == expected_exit(d, allow_destructive=True) != EXIT_DESTRUCTIVE,
         "%s check --allow-destructive: never exit 3" % name, r)
    r = run("check", "--format", "json", "--allow-destructive", "--fail-on", "info", name, cwd=fixture_root)
    d = json_lines(r.out)[0] if r.out else None
    expected = EXIT_FINDINGS if d and any(not f["allowed"] for f in d["findings"]) else EXIT_OK
    t.ok(d is not None and r.code == expected, "%s check --fail-on info: exit %d" % (name, expected), r)


def check_classify(t, run, schema, fixture_root, name):
    r = run("classify", name, cwd=fixture_root)
    t.ok(r.code == EXIT_OK and r.err == "", "%s classify: exit 0" % name, r)
    t.ok(("change type: %s " % CHANGE_TYPES[name]) in r.out, "%s classify: change type line" % name, r)
    rows = [l for l in r.out.splitlines() if re.match(r"^\s*\d+\s+\d+:\d+\s+[A-Z]", l)]
    t.ok(len(rows) == OPERATION_COUNTS[name], "%s classify: one row per operation" % name, r)
    r = run("classify", "--format", "json", name, cwd=fixture_root)
    doc = json_lines(r.out)[0] if r.code == EXIT_OK and r.out else {}
    errors = schema_check.validate(doc, schema) if doc else ["no document"]
    t.ok(not errors and doc["command"] == "classify" and doc["findings"] == [],
         "%s classify json: valid, no findings" % name, "\n".join(errors[:10]) or r)
    r = run("classify", "--format", "markdown", name, cwd=fixture_root)
    t.ok(r.code == EXIT_OK and "**Change type:** %s" % CHANGE_TYPES[name] in r.out, "%s classify markdown" % name, r)


def check_validate(t, run, schema, fixture_root, plan_schema, name):
    r = run("validate", "--schema", plan_schema, "--format", "json", name, cwd=fixture_root)
    doc = json_lines(r.out)[0] if r.out else {}
    errors = schema_check.validate(doc, schema) if doc else ["no document"]
    t.ok(not errors and r.err == "", "%s validate json: valid document, no stderr" % name, "\n".join(errors[:10]) or r)
    if not doc:
        return
    rules = {f["rule"] for f in doc["findings"]}
    t.ok(rules <= {"schema-violation", "schema-moose-mismatch"}, "%s validate: only schema rules" % name, rules)
    if name in SCHEMA_INVALID:
        t.ok(len(doc["findings"]) > 0 and all(f["pointer"] is not None for f in doc["findings"]),
             "%s validate: violations with JSON pointers" % name, r)
    else:
        t.ok(doc["findings"] == [] and r.code == EXIT_OK, "%s validate: schema-valid, exit 0" % name, r)
    t.ok(r.code == expected_exit(dict(doc, categories={"destructive": 0})), "%s validate: exit code" % name, r)
    for fmt in ("text", "sarif", "github", "gitlab", "markdown"):
        rf = run("validate", "--schema", plan_schema, "--format", fmt, name, cwd=fixture_root)
        t.ok(rf.code == r.code and rf.err == "", "%s validate --format %s: exit %d" % (name, fmt, r.code), rf)
        if fmt == "sarif":
            problems = sarif_check.check(json.loads(rf.out))
            t.ok(not problems, "%s validate sarif: structure" % name, "\n".join(problems))


# --- commands that need no fixture ---

def check_global(t, run, version):
    r = run("--version")
    t.ok(r.code == 0 and r.out.startswith("migplan %s\n" % version), "--version", r)
    r = run("--help")
    t.ok(r.code == 0 and r.out.startswith("usage: migplan") and "check" in r.out, "--help", r)
    r = run()
    t.ok(r.code == EXIT_USAGE and "usage: migplan" in r.err and r.out == "", "no command: exit 64", r)
    r = run("frobnicate")
    t.ok(r.code == EXIT_USAGE and "unknown command 'frobnicate'" in r.err, "unknown command: exit 64", r)
    for cmd in ("check", "classify", "validate", "type-change", "rules", "explain", "rewrite", "report", "rehearse"):
        r = run(cmd, "--help")
        t.ok(r.code == 0 and r.out.startswith("usage: migplan " + cmd) and r.err == "", "%s --help" % cmd, r)
        r = run(cmd, "--no-such-option")
        t.ok(r.code == EXIT_USAGE and "unknown option '--no-such-option'" in r.err and "usage: migplan " + cmd in r.err,
             "%s: unknown option, exit 64" % cmd, r)


def check_usage_errors(t, run, fixture_root):
    cases = [
        (("check", "--format", "xml", "01_additive"), "unknown format 'xml'"),
        (("check", "--fail-on", "fatal", "01_additive"), "unknown severity 'fatal'"),
        (("check", "--color", "sometimes", "01_additive"), "unknown colour mode"),
        (("check", "--format"), "needs a value"),
        (("classify", "--format", "sarif", "01_additive"), "format 'sarif'"),
        (("type-change", "Int32"), "expected two types"),
        (("type-change", "Int32", "Int64", "Int128"), "too many arguments"),
        (("explain",), "expected one rule id"),
        (("explain", "no-such-rule"), "unknown rule 'no-such-rule'"),
        (("rules", "extra"), "unexpected argument"),
        (("check", "--allow-destructive=yes"), "takes no value"),
    ]
    for args, needle in cases:
        r = run(*args, cwd=fixture_root)
        t.ok(r.code == EXIT_USAGE and needle in r.err and r.out == "", "usage error: %s" % " ".join(args), r)


def check_input_errors(t, run, fixture_root, tmp):
    r = run("check", "no_such_dir", cwd=fixture_root)
    t.ok(r.code == EXIT_INPUT and re.match(r"^no_such_dir(/plan\.yaml)?(:\d+:\d+)?: error: .+", r.err) and r.out == "",
         "missing directory: exit 2, file: error: on stderr", r)
    bad = os.path.join(tmp, "broken")
    os.makedirs(bad, exist_ok=True)
    with open(os.path.join(bad, "plan.yaml"), "w") as fh:
        fh.write("created_at: 2026-03-04T08:02:19Z\noperations:\n- DropTable: {table: [unclosed\n")
    r = run("check", "broken", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and re.match(r"^broken/plan\.yaml:\d+:\d+: error: .+", r.err),
         "malformed YAML: exit 2 with file:line:column", r)
    for fmt in ("json", "gitlab", "markdown"):
        rf = run("check", "--format", fmt, "broken", cwd=tmp)
        t.ok(rf.code == EXIT_INPUT and rf.err == r.err, "malformed YAML --format %s: exit 2, same stderr" % fmt, rf)
    rs = run("check", "--format", "sarif", "broken", cwd=tmp)
    log = json.loads(rs.out) if rs.out else {}
    inv = (log.get("runs") or [{}])[0].get("invocations") or [{}]
    t.ok(rs.code == EXIT_INPUT and inv[0].get("executionSuccessful") is False
         and inv[0].get("toolExecutionNotifications"), "malformed YAML --format sarif: a failed invocation", rs)
    r = run("check", "--format", "json", "broken", "01_additive", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and len(json_lines(r.out)) == 1, "one unreadable plan of two: the other is still "
         "reported, exit 2", r)
    r = run("check", "--config", "no_such_config.yaml", "01_additive", cwd=fixture_root)
    t.ok(r.code == EXIT_INPUT and "no_such_config.yaml" in r.err and ": error: " in r.err,
         "missing --config: exit 2", r)
    r = run("check", "--schema", "no_such_schema.json", "01_additive", cwd=fixture_root)
    t.ok(r.code == EXIT_INPUT and "no_such_schema.json" in r.err, "missing --schema: exit 2", r)
    r = run("validate", "01_additive", cwd=fixture_root)
    t.ok(r.code == EXIT_INPUT and "no JSON Schema" in r.err, "validate without a schema: exit 2", r)


def check_several_plans(t, run, fixture_root):
    r = run("check", "--format", "json", "01_additive", "03_recreate_same_table/plan.yaml", cwd=fixture_root)
    docs = json_lines(r.out)
    t.ok(len(docs) == 2 and docs[1]["plan"]["path"] == "03_recreate_same_table/plan.yaml",
         "several plans: one JSON line each", r)
    worst = max((d["summary"]["exit_code"] for d in docs), key=lambda c: [0, 1, 3, 2].index(c)) if docs else -1
    t.ok(r.code == worst, "several plans: the worst exit code (2 > 3 > 1 > 0)", r)
    r = run("check", "--format", "sarif", "01_additive", "03_recreate_same_table", cwd=fixture_root)
    log = json.loads(r.out)
    t.ok(len(log["runs"]) == 1 and not sarif_check.check(log), "several plans: one SARIF run", r)
    for alt in ("06_rename_column/plan.generated.yaml", "09_ordering_errors/plan.generated.yaml"):
        r = run("check", "--format", "json", alt, cwd=fixture_root)
        d = json_lines(r.out)
        t.ok(len(d) == 1 and d[0]["plan"]["path"] == alt and d[0]["plan"]["remote_state"] is not None,
             "a plan FILE is read with the snapshots beside it: %s" % alt, r)


def check_colour(t, run, fixture_root):
    r = run("check", "--color", "always", "03_recreate_same_table", cwd=fixture_root)
    t.ok("\033[" in r.out, "--color always: colour", r)
    r = run("check", "--color", "always", "03_recreate_same_table", cwd=fixture_root, env={"NO_COLOR": "1"})
    t.ok("\033[" not in r.out, "NO_COLOR wins over --color always", r)
    r = run("check", "--color=never", "03_recreate_same_table", cwd=fixture_root)
    t.ok("\033[" not in r.out, "--color=never", r)


def check_type_change(t, run, schema):
    r = run("type-change", "Int32", "Int64")
    t.ok(r.code == EXIT_OK and r.out.startswith("Int32 -> Int64: safe\n") and r.err == "", "type-change Int32 Int64: safe", r)
    r = run("type-change", "Int64", "Int32")
    t.ok(r.code == EXIT_DESTRUCTIVE and r.out.startswith("Int64 -> Int32: destructive (narrowing)") and "example: " in r.out,
         "type-change Int64 Int32: destructive, exit 3", r)
    r = run("type-change", "--allow-destructive", "Int64", "Int32")
    t.ok(r.code == EXIT_OK, "type-change --allow-destructive: exit 0", r)
    r = run("type-change", "--format", "json", "Nullable(String)", "String")
    doc = json_lines(r.out)[0] if r.out else {}
    errors = schema_check.validate(doc, schema) if doc else ["no document"]
    t.ok(r.code == EXIT_DESTRUCTIVE and not errors and doc["type_change"]["cause"] == "nullable-to-required",
         "type-change --format json: valid document", "\n".join(errors) or r)
    r = run("type-change", "Int(", "Int64")
    t.ok(r.code == EXIT_INPUT and re.match(r"^from:1:\d+: error: ", r.err) and r.out == "",
         "type-change: unparsable FROM, exit 2 with from:1:column", r)
    r = run("type-change", "Int64", "Array(")
    t.ok(r.code == EXIT_INPUT and re.match(r"^to:1:\d+: error: ", r.err), "type-change: unparsable TO", r)


def check_rules(t, run, schema):
    r = run("rules", "--format", "json")
    doc = json_lines(r.out)[0] if r.out else {}
    errors = schema_check.validate(doc, schema) if doc else ["no document"]
    t.ok(r.code == 0 and not errors and len(doc["rules"]) > 0, "rules --format json: valid", "\n".join(errors) or r)
    ids = [rule["id"] for rule in doc.get("rules", [])]
    text = run("rules")
    t.ok(text.code == 0 and [l.split()[0] for l in text.out.splitlines()] == ids, "rules: one line per rule", text)
    bad = []
    for rule in ids:
        e = run("explain", rule)
        if e.code != 0 or not e.out.startswith(rule + " (default severity: "):
            bad.append(str(e))
    t.ok(not bad, "explain RULE for every rule (%d)" % len(ids), "\n".join(bad[:3]))
    if ids:
        e = run("explain", "--format", "json", ids[0])
        d = json_lines(e.out)[0] if e.out else {}
        t.ok(e.code == 0 and not schema_check.validate(d, schema) and d["rule"]["id"] == ids[0],
             "explain --format json: valid", e)
    return ids


def check_markdown_limit(t, run, tmp):
    """A plan with thousands of findings: the comment must stay under the limit and say so."""
    big = os.path.join(tmp, "big")
    os.makedirs(big, exist_ok=True)
    ops = "".join("- DropTable:\n    cluster_name: null\n    database: null\n    table: table_with_a_long_name_%05d\n" % i
                  for i in range(3000))
    with open(os.path.join(big, "plan.yaml"), "w") as fh:
        fh.write("created_at: 2026-03-04T08:02:19.774160331Z\noperations:\n" + ops)
    r = run("check", "--format", "markdown", "big", cwd=tmp)
    t.ok(r.code in (EXIT_FINDINGS, EXIT_DESTRUCTIVE) and len(r.out) <= 65536, "markdown: 3000 operations stay under "
         "65,536 characters (%d)" % len(r.out), r)
    t.ok(re.search(r"\d+ findings? and \d+ operations? were omitted", r.out) is not None,
         "markdown: says how much was omitted", r.out[-2000:])
    r = run("check", "--format", "json", "big", cwd=tmp)
    d = json_lines(r.out)
    t.ok(len(d) == 1 and len(d[0]["operations"]) == 3000, "json: 3000 operations in full", r)


def check_demo(t, run, source_root, schema):
    r = run("check", "--format", "json", "examples/demo/migrations", cwd=source_root)
    d = json_lines(r.out)
    ok = len(d) == 1 and d[0]["plan"]["schema"] == "examples/demo/.moose/migration_schema.json"
    t.ok(ok and not schema_check.validate(d[0], schema), "demo: the project's schema is found and used", r)
    r2 = run("check", "examples/demo/migrations", cwd=source_root)
    summaries = [l for l in r2.out.splitlines() if SUMMARY_LINE.match(l)]
    t.ok(r2.code == r.code and len(summaries) == 1, "demo: text output has the summary line", r2)
    r3 = run("check", "--no-schema", "--format", "json", "examples/demo/migrations", cwd=source_root)
    d3 = json_lines(r3.out)
    t.ok(len(d3) == 1 and d3[0]["plan"]["schema"] is None, "demo: --no-schema", r3)


DEPLOYMENTS = {"deployments": [
    {"id": "d1", "branch": "main", "status": "Deployed", "deployed_at": "2026-03-01T10:00:00Z", "moose_version": "0.6.449"},
    {"id": "d2", "branch": "main", "status": "Deployed", "deployed_at": "2026-03-02T10:00:00Z", "moose_version": "0.6.449"},
    {"id": "d3", "branch": "main", "status": "Failed", "deployed_at": "2026-03-03T10:00:00Z"},
    {"id": "p1", "branch": "preview", "status": "Deployed", "deployed_at": "2026-03-02T10:00:00Z"},
    {"id": "p2", "branch": "preview", "status": "deployed", "deployed_at": "2026-03-02T10:00:00Z"},
    {"id": "o1", "branch": "old", "status": "Deployed", "deployed_at": "2026-03-02T10:00:00Z", "moose_version": "0.5.0"},
]}


def check_target(t, run, schema, tmp):
    path = os.path.join(tmp, "deployments.json")
    with open(path, "w") as fh:
        json.dump(DEPLOYMENTS, fh)
    r = run("target", "--deployments", "deployments.json", "--branch", "main", cwd=tmp)
    t.ok(r.code == EXIT_OK and r.out == "d2\n" and r.err == "", "target: the latest Deployed of the branch", r)
    r = run("target", "--deployments", "deployments.json", "--branch", "preview", cwd=tmp)
    t.ok(r.code == EXIT_FINDINGS and re.match(r"^deployments\.json:1:1: error: no target deployment for branch "
                                              r"'preview': .*ambiguous.* \[target-deployment-undetermined\]\n$", r.out),
         "target: an ambiguous latest is a blocker, exit 1", r)
    r = run("target", "--deployments", "deployments.json", "--branch", "nosuch", cwd=tmp)
    t.ok(r.code == EXIT_FINDINGS and "[target-deployment-undetermined]" in r.out, "target: no deployment qualifies", r)
    for branch, chosen in (("main", "d2"), ("preview", None)):
        r = run("target", "--format", "json", "--deployments", "deployments.json", "--branch", branch, cwd=tmp)
        d = json_lines(r.out)[0] if r.out else {}
        t.ok(d and not schema_check.validate(d, schema) and d["target"]["id"] == chosen
             and (d["target"]["problem"] is None) == (chosen is not None), "target --format json: %s" % branch, r)
    with open(os.path.join(tmp, "broken.json"), "w") as fh:
        fh.write("[1,\n")
    r = run("target", "--deployments", "broken.json", "--branch", "main", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and re.match(r"^broken\.json:\d+:\d+: error: ", r.err) and r.out == "",
         "target: malformed JSON, exit 2 with the file's position", r)
    r = run("target", "--deployments", "no_such.json", "--branch", "main", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and r.err.startswith("no_such.json: error: "), "target: missing file, exit 2", r)
    r = run("target", "--branch", "main", cwd=tmp)
    t.ok(r.code == EXIT_USAGE and "--deployments FILE and --branch NAME are required" in r.err, "target: usage", r)
    r = run("check", "--deployments", "deployments.json", "--branch", "main", "--format", "json", "01_additive", cwd=tmp)
    d = json_lines(r.out)[0] if r.out else {}
    t.ok(d and d["plan"]["target"] == {"deployments": "deployments.json", "branch": "main", "id": "d2"}
         and r.code == EXIT_OK, "check --deployments: the target matches remote_state.json", r)
    r = run("check", "--deployments", "deployments.json", "--branch", "old", "--format", "json", "01_additive", cwd=tmp)
    d = json_lines(r.out)[0] if r.out else {}
    mismatch = [f for f in d.get("findings", []) if f["rule"] == "snapshot-target-mismatch"]
    t.ok(r.code == EXIT_FINDINGS and mismatch and mismatch[0]["blocker"] and d["blockers"],
         "check --deployments: a snapshot from another deployment is a blocker", r)
    r = run("check", "--deployments", "deployments.json", "--format", "json", "01_additive", cwd=tmp)
    t.ok(r.code == EXIT_USAGE and "go together" in r.err, "check --deployments without --branch: usage", r)


def check_config(t, run, tmp):
    """Allow entries of .migplan.yaml lift exit 3; the reason shows in every format."""
    project = os.path.join(tmp, "project")
    shutil.copytree(os.path.join(tmp, "04_versioned_upgrade"), os.path.join(project, "migrations"))
    r = run("check", cwd=project)
    t.ok(r.code == EXIT_DESTRUCTIVE and "[version-bump-drop-first]" in r.out, "config: ./migrations by default; "
         "without allow entries exit 3", r)
    reason = "rows copied by the blue/green MV since v1.1 shipped"
    with open(os.path.join(project, ".migplan.yaml"), "w") as fh:
        fh.write("allow:\n  - rule: version-bump-drop-first\n    table: events_1_0\n    reason: \"%s\"\n" % reason)
    r = run("check", cwd=project)
    t.ok(r.code == EXIT_OK and ("note: allowed: " in r.out) and reason in r.out and "; 1 allowed)" in r.out,
         "config: an allow entry covering every destructive operation lifts exit 3", r)
    r = run("check", "--format", "json", cwd=project)
    d = json_lines(r.out)[0] if r.out else {}
    t.ok(d and d["plan"]["config"] == ".migplan.yaml" and d["findings"][0]["allowed"]
         and d["findings"][0]["allow_reason"] == reason and d["summary"]["destructive_allowed"],
         "config: discovered walking up, the allowed finding carries its reason", r)
    r = run("check", "--format", "sarif", cwd=project)
    res = json.loads(r.out)["runs"][0]["results"] if r.out else []
    t.ok(res and res[0].get("suppressions", [{}])[0].get("justification") == reason,
         "config: sarif keeps the allowed finding as a suppressed result", r)
    r = run("check", "--format", "github", cwd=project)
    t.ok(r.code == EXIT_OK and "::" not in r.out, "config: no annotation for an allowed finding", r)
    r = run("check", "--no-config", cwd=project)
    t.ok(r.code == EXIT_DESTRUCTIVE, "config: --no-config ignores it", r)
    with open(os.path.join(project, "bad.yaml"), "w") as fh:
        fh.write("allow:\n  - rule: no-such-rule\n    reason: x\n")
    r = run("check", "--config", "bad.yaml", cwd=project)
    t.ok(r.code == EXIT_INPUT and re.match(r"^bad\.yaml:2:\d+: error: .*no-such-rule", r.err) and r.out == "",
         "config: an unknown rule in --config is exit 2 with its position", r)


# --- rewrite ---

# Plans the rewrite has edits for (issue 7), by directory and plan file.
REWRITE_TARGETS = [
    ("03_recreate_same_table", "03_recreate_same_table"),
    ("04_versioned_upgrade", "04_versioned_upgrade"),
    ("06_rename_column", "06_rename_column/plan.generated.yaml"),
    ("09_ordering_errors", "09_ordering_errors"),
]
DIFF_HEADER = re.compile(r"^--- a/(?P<a>\S+)\n\+\+\+ b/(?P<b>\S+)\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@", re.M)


def plan_file(target):
    return target if target.endswith(".yaml") else target + "/plan.yaml"


def git_apply(args, cwd, patch):
    return subprocess.run(["git", "apply"] + args, cwd=cwd, input=patch, capture_output=True, text=True)


def check_json_doc(t, r, schema, label):
    docs = json_lines(r.out) if r.out else []
    errors = schema_check.validate(docs[0], schema) if len(docs) == 1 else ["%d documents" % len(docs)]
    t.ok(not errors and r.err == "", "%s: one document, valid against docs/output-schema.json" % label,
         "\n".join(errors[:10]) or r)
    return docs[0] if len(docs) == 1 else {}


def check_rewrite_list(t, run, schema, root, target):
    check = json_lines(run("check", "--format", "json", target, cwd=root).out)[0]
    ids = [e["id"] for e in check["edits"]]
    r = run("rewrite", target, cwd=root)
    d = check_json_doc(t, run("rewrite", "--format", "json", target, cwd=root), schema, "rewrite %s --format json" % target)
    t.ok(d and [e["id"] for e in d["edits"]] == ids and d["applied"] == [] and d["diff"] is None
         and d["written"] is None and d["plan"]["path"] == plan_file(target),
         "rewrite %s --format json: lists the edits check proposes, applies none" % target, d)
    t.ok(r.code == d.get("summary", {}).get("exit_code") and r.err == ""
         and r.out.startswith("%s: %d proposed edit" % (plan_file(target), len(ids)))
         and all("  %s  [" % i in r.out for i in ids) and "--- a/" not in r.out,
         "rewrite %s: lists %s, no diff, exit %d" % (target, ", ".join(ids), r.code), r)
    return check


def check_rewrite_diff(t, run, schema, root, target):
    r = run("rewrite", "--all", target, cwd=root)
    m = DIFF_HEADER.search(r.out)
    t.ok(r.err == "" and m and m.group("a") == m.group("b") == plan_file(target),
         "rewrite --all %s: a unified diff of %s" % (target, plan_file(target)), r)
    check = git_apply(["--check"], root, r.out)
    t.ok(check.returncode == 0, "rewrite --all %s: git apply --check accepts the whole output" % target,
         check.stderr + "\n" + r.out[:2000])
    d = check_json_doc(t, run("rewrite", "--all", "--format", "json", target, cwd=root), schema,
                       "rewrite --all %s --format json" % target)
    t.ok(d and d["applied"] == [e["id"] for e in d["edits"]] and d["diff"] and d["diff"] in r.out
         and r.code == d["summary"]["exit_code"], "rewrite --all %s --format json: every edit applied, same diff "
         "and exit code" % target, d)
    return r.out


def answered(doc):
    return {(f["rule"], f["operation"]) for f in doc["findings"] if f["edit"]}


def check_rewrite_write(t, run, schema, tmp, name, target):
    root = os.path.join(tmp, "rewrite-" + name)
    shutil.copytree(os.path.join(tmp, name), os.path.join(root, name))
    path = os.path.join(root, plan_file(target))
    os.chmod(path, 0o640)
    before = json_lines(run("check", "--format", "json", target, cwd=root).out)[0]
    diff = run("rewrite", "--all", target, cwd=root).out
    applied_copy = os.path.join(tmp, "rewrite-applied-" + name)
    shutil.copytree(root, applied_copy)
    patched = git_apply([], applied_copy, diff)
    r = run("rewrite", "--all", "--write", target, cwd=root)
    t.ok(r.err == "" and ("wrote %s\n" % plan_file(target)) in r.out and "--- a/" not in r.out,
         "rewrite --all --write %s: says what it wrote" % target, r)
    written = open(path).read()
    t.ok(patched.returncode == 0 and written == open(os.path.join(applied_copy, plan_file(target))).read(),
         "rewrite --write %s: the file is what git apply makes of the diff" % target, patched.stderr)
    t.ok(stat.S_IMODE(os.stat(path).st_mode) == 0o640 and not [f for f in os.listdir(os.path.dirname(path))
                                                               if f.startswith(".migplan-")],
         "rewrite --write %s: permissions kept, no temporary file left" % target, oct(os.stat(path).st_mode))
    after = json_lines(run("check", "--format", "json", target, cwd=root).out)[0]
    gone = {rule for rule, _ in answered(before)}
    left = {f["rule"] for f in after["findings"]} & gone
    t.ok(gone and not left and after["edits"] == [],
         "rewrite --write %s: the answered findings (%s) are gone, nothing left to propose"
         % (target, ", ".join(sorted(gone))), after["findings"])
    again = run("rewrite", "--all", "--write", target, cwd=root)
    t.ok(again.code in (EXIT_OK, EXIT_FINDINGS) and "no edit is proposed; nothing to rewrite" in again.out
         and open(path).read() == written, "rewrite --all --write %s again: nothing to do, file untouched" % target,
         again)


def check_rewrite_single(t, run, schema, root):
    """One edit of several: only it is applied, and the diff still applies."""
    r = run("rewrite", "--edit", "reorder:3", "--edit", "reorder:3", "--format", "json", "09_ordering_errors", cwd=root)
    d = json_lines(r.out)[0] if r.out else {}
    t.ok(d and d["applied"] == ["reorder:3"] and git_apply(["--check"], root, d["diff"]).returncode == 0,
         "rewrite --edit reorder:3 (twice): one edit applied, the diff applies", r)
    rules = {f["rule"] for f in d.get("remaining", [])}
    t.ok("column-before-add" not in rules and "view-before-table" in rules and r.code == EXIT_FINDINGS,
         "rewrite --edit reorder:3: its finding is gone, the others remain (exit 1)", sorted(rules))


def check_rewrite_reformat(t, run, tmp):
    """A plan Moose did not format: the edited plan is written Moose's way, and the output says so."""
    d = os.path.join(tmp, "rewrite-hand-edited")
    shutil.copytree(os.path.join(tmp, "04_versioned_upgrade"), d)
    with open(os.path.join(d, "plan.yaml"), "a") as fh:
        fh.write("# a note someone added by hand\n")
    r = run("rewrite", "--all", "rewrite-hand-edited", cwd=tmp)
    t.ok("is not formatted the way Moose writes it" in r.out and "\n-# a note someone added by hand\n" in r.out
         and git_apply(["--check"], tmp, r.out).returncode == 0,
         "rewrite --all on a hand-edited plan: says the diff also reformats it; the diff applies", r)


def check_rewrite_errors(t, run, tmp):
    cases = [
        (("rewrite", "--edit", "no-such-edit", "03_recreate_same_table"),
         "unknown edit 'no-such-edit' for 03_recreate_same_table/plan.yaml (proposed: rebuild-table:local.events)"),
        (("rewrite", "--edit", "x", "01_additive"), "unknown edit 'x' for 01_additive/plan.yaml (no edit is proposed)"),
        (("rewrite", "--all", "--edit", "reorder:1", "09_ordering_errors"), "--edit and --all cannot be combined"),
        (("rewrite", "--write", "03_recreate_same_table"), "--write needs --edit ID or --all"),
        (("rewrite", "--format", "sarif", "03_recreate_same_table"), "format 'sarif' is not one of text, json"),
        (("rewrite", "03_recreate_same_table", "04_versioned_upgrade"), "expected one plan"),
        (("rewrite", "--edit"), "needs a value"),
    ]
    for args, needle in cases:
        r = run(*args, cwd=tmp)
        t.ok(r.code == EXIT_USAGE and needle in r.err and r.out == "", "rewrite usage error: %s" % " ".join(args[1:]), r)
    r = run("rewrite", "no_such_dir", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and r.err.startswith("no_such_dir") and r.out == "", "rewrite: missing plan, exit 2", r)
    r = run("rewrite", "broken", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and re.match(r"^broken/plan\.yaml:\d+:\d+: error: ", r.err), "rewrite: malformed plan, "
         "exit 2 with its position", r)
    r = run("rewrite", "01_additive", cwd=tmp)
    t.ok(r.code == EXIT_OK and r.out.startswith("01_additive/plan.yaml: no edit is proposed\n"),
         "rewrite 01_additive: nothing to do, exit 0", r)
    before = open(os.path.join(tmp, "01_additive", "plan.yaml")).read()
    r = run("rewrite", "--all", "--write", "01_additive", cwd=tmp)
    t.ok(r.code == EXIT_OK and "nothing to rewrite" in r.out
         and open(os.path.join(tmp, "01_additive", "plan.yaml")).read() == before,
         "rewrite --all --write 01_additive: no edit, nothing written", r)


def check_rewrite_symlinks(t, run, tmp):
    """--write goes through a link that stays in the plan's directory, never one that leaves it."""
    src = os.path.join(tmp, "04_versioned_upgrade")
    outside = os.path.join(tmp, "rewrite-outside")
    os.makedirs(outside)
    shutil.copy(os.path.join(src, "plan.yaml"), os.path.join(outside, "real.yaml"))
    for name, link in (("rewrite-link-out", "../rewrite-outside/real.yaml"), ("rewrite-link-in", "real.yaml")):
        d = os.path.join(tmp, name)
        os.makedirs(d)
        for f in ("remote_state.json", "local_infra_map.json"):
            shutil.copy(os.path.join(src, f), d)
        if link == "real.yaml":
            shutil.copy(os.path.join(src, "plan.yaml"), os.path.join(d, "real.yaml"))
        os.symlink(link, os.path.join(d, "plan.yaml"))
    original = open(os.path.join(outside, "real.yaml")).read()
    r = run("rewrite", "--all", "--write", "rewrite-link-out", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and "symbolic link that leads outside the plan's directory" in r.err
         and open(os.path.join(outside, "real.yaml")).read() == original,
         "rewrite --write: refuses a symbolic link that leads outside the plan's directory, exit 2", r)
    r = run("rewrite", "--all", "--write", "rewrite-link-in", cwd=tmp)
    link = os.path.join(tmp, "rewrite-link-in", "plan.yaml")
    t.ok(r.code in (EXIT_OK, EXIT_FINDINGS) and os.path.islink(link)
         and open(link).read() != original, "rewrite --write: writes through a link inside the directory, keeps it", r)


def check_rewrite_atomic(t, run, tmp):
    """Readers see the old plan or the new one, never a part, while --write runs."""
    import threading
    d = os.path.join(tmp, "rewrite-atomic")
    shutil.copytree(os.path.join(tmp, "09_ordering_errors"), d)
    path = os.path.join(d, "plan.yaml")
    old = open(path).read()
    new = None
    seen, stop = set(), threading.Event()

    def reader():
        while not stop.is_set():
            with open(path) as fh:
                seen.add(fh.read())

    for _ in range(10):
        with open(path, "w") as fh:
            fh.write(old)
        th = threading.Thread(target=reader)
        th.start()
        run("rewrite", "--all", "--write", "rewrite-atomic", cwd=tmp)
        stop.set()
        th.join()
        stop.clear()
        new = open(path).read()
    t.ok(new != old and seen <= {old, new}, "rewrite --write: a reader sees the old or the new plan, never a part "
         "(%d distinct reads)" % len(seen), [len(x) for x in seen])


def make_writable(root):
    """The fixtures are read-only; their copies must not be, for a test that writes as any user."""
    for d, _, files in os.walk(root):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)


def check_rewrite(t, run, schema, tmp):
    for name in CHANGE_TYPES:
        make_writable(os.path.join(tmp, name))
    for name, target in REWRITE_TARGETS:
        check_rewrite_list(t, run, schema, tmp, target)
        check_rewrite_diff(t, run, schema, tmp, target)
        check_rewrite_write(t, run, schema, tmp, name, target)
    check_rewrite_single(t, run, schema, tmp)
    check_rewrite_reformat(t, run, tmp)
    check_rewrite_errors(t, run, tmp)
    check_rewrite_symlinks(t, run, tmp)
    check_rewrite_atomic(t, run, tmp)


# --- report ---

# Every report kind, its default file below the project root (issue 6), and its Markdown title.
REPORT_FILES = {
    "rollout": "rollout-plan",
    "pr-body": "pr-body",
    "checklist": "verification-checklist",
    "runbook": "observability-runbook",
    "dashboard": "observability-dashboard",
    "alerts": "observability-alerts",
    "strategy": "migration-strategist-report",
    "phases": "phased-plan",
}
REPORT_KINDS = list(REPORT_FILES)
REPORT_DIR = "docs/database-report/"


def report_file(kind, fmt):
    if kind == "strategy" and fmt == "json":
        return REPORT_DIR + "migration-strategist-output.json"
    return REPORT_DIR + REPORT_FILES[kind] + (".json" if fmt == "json" else ".md")


def written_paths(out):
    return [l[len("wrote "):] for l in out.splitlines() if l.startswith("wrote ")]


def check_report_fixture(t, run, tmp, name):
    """Every kind on stdout in both formats, and the same bytes in the files --out writes."""
    out_dir = os.path.join(tmp, "report-" + name)
    os.makedirs(out_dir)
    bad_md, bad_json, differ = [], [], []
    for kind in REPORT_KINDS:
        md = run("report", kind, name, cwd=tmp)
        runbook_three = kind == "runbook"
        if md.code != EXIT_OK or md.err or not md.out.startswith("#") or (runbook_three and md.out.count("\n---\n") < 2):
            bad_md.append(str(md))
        js = run("report", kind, "--format", "json", name, cwd=tmp)
        try:
            docs = [json.loads(js.out)] if not runbook_three else json_lines(js.out)
        except ValueError:
            docs = []
        expected = [kind] if not runbook_three else ["runbook", "dashboard", "alerts"]
        if js.code != EXIT_OK or [d.get("report") for d in docs] != expected or any(
                d.get("schemaVersion") != 1 or d["plan"]["path"] != name + "/plan.yaml" for d in docs):
            bad_json.append(str(js))
        if not runbook_three:
            for fmt, text in (("markdown", md.out), ("json", js.out)):
                w = run("report", kind, "--format", fmt, "--out", out_dir, name, cwd=tmp)
                path = os.path.join(out_dir, report_file(kind, fmt))
                if w.code != EXIT_OK or not os.path.exists(path) or open(path).read() != text:
                    differ.append("%s %s: %s" % (kind, fmt, w))
    t.ok(not bad_md, "%s report KIND: every kind as Markdown on stdout, exit 0 (runbook: three documents)" % name,
         "\n".join(bad_md[:2]))
    t.ok(not bad_json, "%s report KIND --format json: the library's envelope (schemaVersion, report, plan)" % name,
         "\n".join(bad_json[:2]))
    t.ok(not differ, "%s report KIND --out: the default file holds what stdout shows" % name, "\n".join(differ[:2]))
    r = run("report", "all", "--format", "json", name, cwd=tmp)
    docs = json_lines(r.out) if r.code == EXIT_OK else []
    t.ok([d["report"] for d in docs] == REPORT_KINDS, "%s report all --format json: one line per report" % name, r)
    pr = [d for d in docs if d["report"] == "pr-body"]
    t.ok(pr and len(pr[0]["body"].encode()) <= 65536, "%s report pr-body: at most 65,536 bytes" % name, pr)


def check_report_out(t, run, tmp):
    """File names: the defaults, both strategy files, and overrides."""
    name = "03_recreate_same_table"
    d = os.path.join(tmp, "report-out")
    os.makedirs(d)
    r = run("report", "all", "--out", "report-out", name, cwd=tmp)
    expected = [report_file(k, "markdown") for k in REPORT_KINDS]
    expected.insert(expected.index(report_file("strategy", "markdown")) + 1, report_file("strategy", "json"))
    t.ok(r.code == EXIT_OK and r.err == "" and written_paths(r.out) == ["report-out/" + e for e in expected]
         and all(os.path.isfile(os.path.join(d, e)) for e in expected),
         "report all --out: every report under its default name, strategy as .md and .json", r)
    strategy = json.load(open(os.path.join(d, report_file("strategy", "json"))))
    t.ok(strategy.get("report") == "strategy", "report all --out: migration-strategist-output.json is the strategy JSON",
         strategy)
    for kind, files in (("runbook", ["runbook", "dashboard", "alerts"]), ("strategy", ["strategy", "strategy.json"])):
        sub = os.path.join(d, kind)
        os.makedirs(sub)
        r = run("report", kind, "--out", sub, name, cwd=tmp)
        want = [report_file(f.split(".")[0], "json" if f.endswith(".json") else "markdown") for f in files]
        t.ok(r.code == EXIT_OK and [os.path.relpath(p, os.path.relpath(sub, tmp)) for p in written_paths(r.out)] == want,
             "report %s --out: %s" % (kind, ", ".join(os.path.basename(w) for w in want)), r)
    r = run("report", "strategy", "--format", "json", "--out", "report-out/strategy", name, cwd=tmp)
    t.ok(r.code == EXIT_OK and written_paths(r.out) == ["report-out/strategy/" + report_file("strategy", "json")],
         "report strategy --format json --out: the JSON file only", r)
    r = run("report", "rollout", "--out", "report-out", "--name", "review/rollout.md", name, cwd=tmp)
    t.ok(r.code == EXIT_OK and written_paths(r.out) == ["report-out/review/rollout.md"]
         and open(os.path.join(d, "review", "rollout.md")).read().startswith("# Rollout plan"),
         "report --name PATH: the one file under another name, directories created", r)
    r = run("report", "strategy", "--out", "report-out", "--name", "strategy.json=s/out.json", name, cwd=tmp)
    t.ok(r.code == EXIT_OK and written_paths(r.out) == ["report-out/" + report_file("strategy", "markdown"),
                                                        "report-out/s/out.json"],
         "report --name KIND.FORMAT=PATH: overrides one of the two strategy files", r)
    path = os.path.join(d, report_file("rollout", "markdown"))
    os.chmod(path, 0o600)
    r = run("report", "rollout", "--out", "report-out", name, cwd=tmp)
    t.ok(r.code == EXIT_OK and stat.S_IMODE(os.stat(path).st_mode) == 0o600
         and not [f for f in os.listdir(os.path.dirname(path)) if f.startswith(".")],
         "report --out over an existing file: permissions kept, no temporary file left", oct(os.stat(path).st_mode))
    r = run("report", "rollout", "--table-size", "local.events=1000000/52000000", name, cwd=tmp)
    t.ok(r.code == EXIT_OK and "1,000,000" in r.out, "report --table-size: the size reaches the report", r)


def check_report_errors(t, run, tmp):
    name = "03_recreate_same_table"
    cases = [
        ((), "expected a report kind"),
        (("everything", name), "unknown report 'everything'"),
        (("rollout", "--format", "text", name), "format 'text' is not one of markdown, json"),
        (("rollout", "--out", "no_such_dir", name), "--out 'no_such_dir' is not an existing directory"),
        (("rollout", "--name", "x.md", name), "--name names a file below --out DIR"),
        (("rollout", "--out", ".", "--name", "../x.md", name), "without '..'"),
        (("rollout", "--out", ".", "--name", "/tmp/x.md", name), "without '..'"),
        (("all", "--out", ".", "--name", "x.md", name), "matches several files"),
        (("rollout", "--out", ".", "--name", "phases=x.md", name), "matches no report being written"),
        (("rollout", "--out", ".", "--name", "nope=x.md", name), "expected KIND=PATH"),
        (("rollout", "--table-size", "events", name), "expected [DB.]TABLE=ROWS[/BYTES]"),
        (("rollout", "--table-size", "events=many", name), "expected [DB.]TABLE=ROWS[/BYTES]"),
        (("rollout", "--deployments", "d.json", name), "--deployments and --branch go together"),
        (("rollout", name, "04_versioned_upgrade"), "expected one plan"),
    ]
    for args, needle in cases:
        r = run("report", *args, cwd=tmp)
        t.ok(r.code == EXIT_USAGE and needle in r.err and r.out == "", "report usage error: %s" % " ".join(args), r)
    r = run("report", "rollout", "no_such_dir", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and r.err.startswith("no_such_dir") and r.out == "", "report: missing plan, exit 2", r)
    r = run("report", "rollout", "broken", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and re.match(r"^broken/plan\.yaml:\d+:\d+: error: ", r.err), "report: malformed plan, "
         "exit 2 with its position", r)


def check_report(t, run, tmp):
    for name in sorted(CHANGE_TYPES):
        check_report_fixture(t, run, tmp, name)
    check_report_out(t, run, tmp)
    check_report_errors(t, run, tmp)


# --- rehearse ---

EXIT_NO_ENGINE = 69
REHEARSE_ROWS = "500"


def run_on_terminal(program, args, cwd, env):
    """Run with standard error on a pseudo-terminal (stdout a pipe): what a person at a terminal sees."""
    import pty
    master, slave = pty.openpty()
    proc = subprocess.Popen([program] + args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read()
    proc.wait()
    os.close(master)
    return proc.returncode, out.decode(), seen.decode(errors="replace")


def check_rehearse_without_engine(t, run, tmp):
    """What is missing must be said, with its own exit code, before anything else happens."""
    cases = [
        (("--chdb", "/nonexistent/libchdb.so"), {}, "libchdb.so not found at /nonexistent/libchdb.so"),
        ((), {"MIGPLAN_CHDB_LIB": "/nonexistent/lib/libchdb.so"}, "(from MIGPLAN_CHDB_LIB)"),
        (("--chdb", os.path.join(tmp, "05_modify_column_narrowing", "plan.yaml")), {}, "the ClickHouse engine is not available"),
    ]
    for args, env, needle in cases:
        r = run("rehearse", *(args + ("05_modify_column_narrowing",)), cwd=tmp, env=env)
        t.ok(r.code == EXIT_NO_ENGINE and needle in r.err and r.out == ""
             and r.err.startswith("migplan rehearse: error: the ClickHouse engine is not available: "),
             "rehearse %s: no engine, exit 69 and why" % (" ".join(args) or "MIGPLAN_CHDB_LIB=/nonexistent"), r)
    r = run("rehearse", "--chdb", "/nonexistent/libchdb.so", "05_modify_column_narrowing", cwd=tmp)
    t.ok("npm install --prefix .chdb chdb" in r.err, "rehearse: no engine, says how to install it", r)
    cases = [
        (("--rows", "0"), "--rows '0' is not a positive whole number"),
        (("--rows", "many"), "--rows 'many' is not a positive whole number"),
        (("--seed", "-1"), "--seed '-1' is not an unsigned whole number"),
        (("--format", "sarif"), "format 'sarif' is not one of text, json, markdown"),
        (("--edit", "reorder:1"), "--edit chooses the edits of --compare-rewrite"),
        (("--progress", "sometimes"), "unknown progress mode 'sometimes'"),
        (("--data-dir", "no_such_dir"), "--data-dir 'no_such_dir' is not an existing directory"),
        (("01_additive",), "expected one plan"),
    ]
    for args, needle in cases:
        r = run("rehearse", *(args + ("05_modify_column_narrowing",)), cwd=tmp)
        t.ok(r.code == EXIT_USAGE and needle in r.err and r.out == "", "rehearse usage error: %s" % " ".join(args), r)
    r = run("rehearse", "--checklist", "no_such_checklist.json", "05_modify_column_narrowing", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and r.err.startswith("no_such_checklist.json: error: cannot read") and r.out == "",
         "rehearse --checklist: a missing checklist is exit 2", r)
    r = run("rehearse", "--chdb", "/nonexistent/libchdb.so", "no_such_dir", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and r.err.startswith("no_such_dir") and r.out == "",
         "rehearse: a missing plan is exit 2, whatever the engine", r)


def check_rehearse_plan(t, run, tmp):
    r = run("rehearse", "--rows", REHEARSE_ROWS, "05_modify_column_narrowing", cwd=tmp)
    t.ok(r.code == EXIT_FINDINGS and r.out.startswith("Rehearsal of 05_modify_column_narrowing/plan.yaml\n")
         and "NO-GO" in r.out and "refused" in r.out and r.err == "",
         "rehearse 05: text, no-go (a narrowing and a refused change), exit 1, no progress on a pipe", r)
    r = run("rehearse", "--rows", REHEARSE_ROWS, "--seed", "7", "--format", "json", "05_modify_column_narrowing", cwd=tmp)
    d = json.loads(r.out) if r.code == EXIT_FINDINGS and r.out else {}
    t.ok(d and d["passed"] is False and d["rows"] == int(REHEARSE_ROWS) and d["seed"] == 7
         and len(d["operations"]) == OPERATION_COUNTS["05_modify_column_narrowing"]
         and d["firstFailure"] == 1 and d["valuesAffected"] > 0,
         "rehearse 05 --format json: rows, seed, 7 operations, first failure #1, values changed", r)
    again = run("rehearse", "--rows", REHEARSE_ROWS, "--seed", "7", "--format", "json", "05_modify_column_narrowing", cwd=tmp)
    d2 = json.loads(again.out) if again.out else {}
    t.ok(d and d2 and d2["valuesAffected"] == d["valuesAffected"] and d2["verdict"] == d["verdict"],
         "rehearse 05: the same seed gives the same result", again)
    r = run("rehearse", "--rows", REHEARSE_ROWS, "--format", "markdown", "05_modify_column_narrowing", cwd=tmp)
    t.ok(r.code == EXIT_FINDINGS and r.out.startswith("## Rehearsal of `05_modify_column_narrowing/plan.yaml`")
         and "**NO-GO" in r.out, "rehearse 05 --format markdown", r)
    r = run("rehearse", "--rows", REHEARSE_ROWS, "03_recreate_same_table", cwd=tmp)
    t.ok(r.code == EXIT_FINDINGS and ("%s rows lost" % REHEARSE_ROWS) in r.out,
         "rehearse 03: the drop and re-create loses every row, exit 1", r)
    r = run("rehearse", "--rows", REHEARSE_ROWS, "--compare-rewrite", "03_recreate_same_table", cwd=tmp)
    t.ok(r.code == EXIT_OK and "before the rewrite %s rows lost in local.events; after: 0" % REHEARSE_ROWS in r.out,
         "rehearse 03 --compare-rewrite: side by side, the edited plan keeps every row, exit 0", r)
    r = run("rehearse", "--rows", REHEARSE_ROWS, "--compare-rewrite", "--format", "json", "03_recreate_same_table", cwd=tmp)
    d = json.loads(r.out) if r.out else {}
    t.ok(d and d["before"]["passed"] is False and d["after"]["passed"] is True and d["after"]["rowsLost"] == 0
         and d["comparison"], "rehearse 03 --compare-rewrite --format json: before, after, comparison", r)
    checklist = os.path.join(tmp, "checklist-05.json")
    with open(checklist, "w") as fh:
        fh.write(run("report", "checklist", "--format", "json", "05_modify_column_narrowing", cwd=tmp).out)
    r = run("rehearse", "--rows", REHEARSE_ROWS, "--checklist", checklist, "--format", "json",
            "05_modify_column_narrowing", cwd=tmp)
    d = json.loads(r.out) if r.out else {}
    t.ok(r.code == EXIT_FINDINGS and d.get("checks") and {c["stage"] for c in d["checks"]} == {"before", "after"},
         "rehearse --checklist (from report checklist --format json): its before and after queries run", r)
    with open(checklist, "w") as fh:
        fh.write("{")
    r = run("rehearse", "--rows", REHEARSE_ROWS, "--checklist", checklist, "05_modify_column_narrowing", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and "checklist" in r.err and r.out == "", "rehearse --checklist: not JSON, exit 2", r)
    r = run("rehearse", "--compare-rewrite", "--edit", "no-such-edit", "03_recreate_same_table", cwd=tmp)
    t.ok(r.code == EXIT_USAGE and "unknown edit 'no-such-edit'" in r.err, "rehearse --compare-rewrite: unknown "
         "--edit, exit 64", r)
    r = run("rehearse", "--rows", REHEARSE_ROWS, "--compare-rewrite", "05_modify_column_narrowing", cwd=tmp)
    t.ok(r.code == EXIT_INPUT and "no edit is proposed, nothing to compare" in r.err and r.out == "",
         "rehearse --compare-rewrite without edits: exit 2, says why", r)


def check_rehearse_progress(t, program, env, tmp):
    args = ["rehearse", "--rows", REHEARSE_ROWS, "05_modify_column_narrowing"]
    code, out, err = run_on_terminal(program, args, tmp, env)
    t.ok(code == EXIT_FINDINGS and re.search(r"\r\x1b\[Krehearsing 05_modify_column_narrowing/plan\.yaml: operation 1 of 7, "
                                             r"\d+ rows", err) and out.startswith("Rehearsal of "),
         "rehearse on a terminal: a progress line (operation i of n, rows) on standard error", repr(err[:500]))
    t.ok(err.endswith("\r\033[K"), "rehearse on a terminal: the progress line is cleared at the end", repr(err[-200:]))
    code, out, err = run_on_terminal(program, ["rehearse", "--progress", "never"] + args[1:], tmp, env)
    t.ok(code == EXIT_FINDINGS and err == "", "rehearse --progress never: nothing on the terminal", repr(err[:300]))


def check_rehearse(t, run, program, env, tmp):
    check_rehearse_without_engine(t, run, tmp)
    probe = run("rehearse", "--rows", "10", "01_additive", cwd=tmp)
    if probe.code == EXIT_NO_ENGINE:
        reason = "no ClickHouse engine (libchdb.so): " + probe.err.splitlines()[0][:160]
        for name in ("rehearse 05 text", "rehearse 05 json", "rehearse 05 same seed", "rehearse 05 markdown",
                     "rehearse 03", "rehearse 03 --compare-rewrite", "rehearse 03 --compare-rewrite json",
                     "rehearse --checklist", "rehearse --checklist not JSON",
                     "rehearse --compare-rewrite unknown --edit", "rehearse --compare-rewrite without edits",
                     "rehearse progress on a terminal", "rehearse progress cleared", "rehearse --progress never"):
            t.skip(name, reason)
        return
    t.ok(probe.code == EXIT_OK and "GO" in probe.out, "rehearse 01_additive: an additive plan passes, exit 0", probe)
    check_rehearse_plan(t, run, tmp)
    check_rehearse_progress(t, program, run.env, tmp)


def check_ci_script(t, program, env, source_root, fixture_root):
    script = os.path.join(source_root, "examples", "ci", "gate-merge.sh")
    base = dict(env, MIGPLAN=program)
    base.pop("GITHUB_ACTIONS", None)
    base.pop("GITLAB_CI", None)
    p = subprocess.run(["sh", script, "01_additive"], cwd=fixture_root, env=base, capture_output=True, text=True)
    d = subprocess.run([program, "check", "--format", "json", "01_additive"], cwd=fixture_root, env=base,
                       capture_output=True, text=True)
    t.ok(p.returncode == d.returncode, "ci script: exits with migplan's status (%d)" % d.returncode, p.stdout + p.stderr)
    p = subprocess.run(["sh", script, "03_recreate_same_table"], cwd=fixture_root, env=base, capture_output=True, text=True)
    t.ok(p.returncode == EXIT_DESTRUCTIVE and "destructive operations" in p.stderr,
         "ci script: a destructive plan fails the gate with exit 3", p.stdout + p.stderr)
    with tempfile.TemporaryDirectory() as out:
        gh = dict(base, GITHUB_ACTIONS="true", MIGPLAN_REPORT_DIR=out, MIGPLAN_ALLOW_DESTRUCTIVE="1")
        p = subprocess.run(["sh", script, "03_recreate_same_table"], cwd=fixture_root, env=gh, capture_output=True,
                           text=True)
        sarif = os.path.join(out, "migplan.sarif")
        valid = os.path.exists(sarif) and not sarif_check.check(json.load(open(sarif)))
        t.ok(valid and p.returncode != EXIT_DESTRUCTIVE and re.search(r"^::(error|warning|notice) ", p.stdout, re.M),
             "ci script on GitHub: annotations, SARIF file, MIGPLAN_ALLOW_DESTRUCTIVE", p.stdout + p.stderr)
        gl = dict(base, GITLAB_CI="true", MIGPLAN_REPORT_DIR=out)
        p = subprocess.run(["sh", script, "05_modify_column_narrowing"], cwd=fixture_root, env=gl, capture_output=True,
                           text=True)
        report = os.path.join(out, "gl-code-quality-report.json")
        t.ok(os.path.exists(report) and isinstance(json.load(open(report)), list),
             "ci script on GitLab: Code Quality report", p.stdout + p.stderr)


# --- installation ---

def install(args, tmp):
    destdir = os.path.join(tmp, "destdir")
    proc = subprocess.run([args.meson, "install", "-C", args.install, "--destdir", destdir, "--no-rebuild",
                           "--quiet"], capture_output=True, text=True)
    if proc.returncode != 0:
        print("Bail out! meson install failed:\n# " + (proc.stdout + proc.stderr).replace("\n", "\n# "))
        sys.exit(1)

    def under(p):
        return os.path.join(destdir, os.path.join(args.prefix, p).lstrip("/"))
    return under(args.bindir), under(args.libdir), under(args.mandir), under(args.includedir)


def check_installed(t, bindir, libdir, mandir, includedir):
    t.ok(os.access(os.path.join(bindir, "migplan"), os.X_OK), "install: migplan in bindir")
    t.ok(os.path.exists(os.path.join(mandir, "man1", "migplan.1")), "install: man page migplan.1")
    # the program uses exactly these public headers: installed users must have them too
    headers = ["migplan.h", "migplan/analyze.h", "migplan/classify.h", "migplan/rehearse.h", "migplan/report.h",
               "migplan/rewrite.h", "migplan/schema.h", "migplan/typechange.h"]
    missing = [h for h in headers if not os.path.exists(os.path.join(includedir, h))]
    t.ok(not missing, "install: every header the program includes is installed", missing)
    libs = [f for f in os.listdir(libdir) if f.startswith("libmigplan.so")] if os.path.isdir(libdir) else []
    t.ok(libs, "install: libmigplan.so in libdir", os.listdir(os.path.dirname(libdir)) if libs == [] else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--migplan")
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--install", help="build directory to install with meson install --destdir")
    ap.add_argument("--meson", default="meson")
    for d in ("prefix", "bindir", "libdir", "mandir", "includedir"):
        ap.add_argument("--" + d)
    args = ap.parse_args()

    t = Tap()
    fixture_root = os.path.realpath(args.fixtures)
    source_root = os.path.realpath(args.source_root)
    schema = json.load(open(os.path.join(source_root, "docs", "output-schema.json")))
    plan_schema = os.path.join(os.path.dirname(fixture_root), "migration_plan_schema.json")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS", "GITLAB_CI")}
    env["TERM"] = "xterm"
    with tempfile.TemporaryDirectory(prefix="migplan-e2e-") as tmp:
        program = args.migplan
        if args.install:
            bindir, libdir, mandir, includedir = install(args, tmp)
            check_installed(t, bindir, libdir, mandir, includedir)
            program = os.path.join(bindir, "migplan")
            env["LD_LIBRARY_PATH"] = libdir + os.pathsep + env.get("LD_LIBRARY_PATH", "")
        run = Runner(program, env)
        for name in sorted(CHANGE_TYPES):
            shutil.copytree(os.path.join(fixture_root, name), os.path.join(tmp, name))
        check_global(t, run, args.version)
        check_usage_errors(t, run, fixture_root)
        check_input_errors(t, run, fixture_root, tmp)
        for name in sorted(CHANGE_TYPES):
            check_fixture(t, run, schema, fixture_root, name)
            check_classify(t, run, schema, fixture_root, name)
            check_validate(t, run, schema, fixture_root, plan_schema, name)
        check_several_plans(t, run, fixture_root)
        check_colour(t, run, fixture_root)
        check_type_change(t, run, schema)
        check_rules(t, run, schema)
        check_markdown_limit(t, run, tmp)
        check_target(t, run, schema, tmp)
        check_config(t, run, tmp)
        check_rewrite(t, run, schema, tmp)
        check_report(t, run, tmp)
        check_rehearse(t, run, program, env, tmp)
        check_demo(t, run, source_root, schema)
        check_ci_script(t, program, env, source_root, fixture_root)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
