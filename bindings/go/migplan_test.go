package migplan_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	migplan "github.com/libmigplan/migplan-go"
)

func fixtures(t testing.TB) string {
	dir := os.Getenv("MIGPLAN_FIXTURES")
	if dir == "" {
		dir = "../../../shared/moose/fixtures"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no fixtures: %v", err)
	}
	return dir
}

func fixture(t testing.TB, name string) string {
	return filepath.Join(fixtures(t), name)
}

var noConfig = &migplan.Options{NoConfig: true}

func load(t testing.TB, name string) *migplan.Plan {
	t.Helper()
	p, err := migplan.Load(fixture(t, name), noConfig)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	t.Cleanup(p.Close)
	return p
}

func rules(fs []migplan.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

var changeTypes = map[string]migplan.ChangeType{
	"01_additive":                migplan.ChangeAdditive,
	"02_add_column_and_index":    migplan.ChangeMixed,
	"03_recreate_same_table":     migplan.ChangeMixed,
	"04_versioned_upgrade":       migplan.ChangeMixed,
	"05_modify_column_narrowing": migplan.ChangeMixed,
	"06_rename_column":           migplan.ChangeAdditive,
	"07_mv_reads_altered_table":  migplan.ChangeDestructive,
	"08_rawsql_backfill":         migplan.ChangeAdditive,
	"09_ordering_errors":         migplan.ChangeMixed,
	"10_schema_gaps":             migplan.ChangeAdditive,
}

var expectedRules = map[string][]string{
	"01_additive":                {},
	"03_recreate_same_table":     {"drop-recreate-same-table", "view-broken-by-change"},
	"04_versioned_upgrade":       {"version-bump-drop-first"},
	"05_modify_column_narrowing": {"narrowing-change", "nullable-to-required", "precision-loss-change"},
	"07_mv_reads_altered_table": {"drop-materialized-view", "drop-table", "drop-column",
		"representation-change", "view-reads-altered-column"},
	"09_ordering_errors": {"drop-table", "read-after-drop", "write-before-create",
		"column-before-add", "type-refused-by-clickhouse", "view-before-table"},
}

func TestEveryFixture(t *testing.T) {
	for name, want := range changeTypes {
		t.Run(name, func(t *testing.T) {
			p := load(t, name)
			if got := p.ChangeType(); got != want {
				t.Errorf("ChangeType = %q, want %q", got, want)
			}
			text, err := os.ReadFile(filepath.Join(fixture(t, name), "plan.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(text), "\n")
			ops := p.Operations()
			if len(ops) == 0 {
				t.Fatal("no operations")
			}
			for i, op := range ops {
				if op.Index != i || op.Category == "" || op.DataLoss == "" || op.Reason == "" {
					t.Errorf("operation %d: %+v", i, op)
				}
				// each operation points at its variant name in the file
				if !strings.HasPrefix(lines[op.Line-1][op.Column-1:], op.Kind) {
					t.Errorf("operation %d (%s) at %d:%d: %q", i, op.Kind, op.Line, op.Column, lines[op.Line-1])
				}
			}
		})
	}
}

func TestFindings(t *testing.T) {
	for name, want := range expectedRules {
		p := load(t, name)
		fs, err := p.Findings()
		if err != nil {
			t.Fatal(err)
		}
		if got := rules(fs); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rules %v, want %v", name, got, want)
		}
	}
	p := load(t, "03_recreate_same_table")
	fs, _ := p.Findings()
	f := fs[0]
	if f.Severity != migplan.SeverityError || f.Severity.String() != "error" || f.Operation != 0 ||
		f.Edit != "rebuild-table:local.events" || f.Table != "events" || f.Database != "local" ||
		f.Line != 5 || f.Column != 3 || !strings.HasSuffix(f.File, "plan.yaml") || f.Help == "" {
		t.Errorf("finding: %+v", f)
	}
	if r := fs[1].Related; len(r) == 0 || !strings.HasSuffix(r[0].File, "remote_state.json") {
		t.Errorf("related: %+v", r)
	}
	blockers := 0
	fs, _ = load(t, "09_ordering_errors").Findings()
	for _, f := range fs {
		if f.Blocker {
			blockers++
		}
	}
	if blockers != 5 {
		t.Errorf("blockers = %d, want 5", blockers)
	}
}

func TestOperations(t *testing.T) {
	ops := load(t, "03_recreate_same_table").Operations()
	drop := ops[0]
	if drop.Kind != "DropTable" || drop.Table != "events" || drop.Category != migplan.CategoryDestructive ||
		drop.DataLoss != migplan.LossPermanent || drop.Reversible {
		t.Errorf("drop: %+v", drop)
	}
	if ops[2].ColumnName != "last_seen" || ops[2].Category != migplan.CategoryAdditive {
		t.Errorf("add: %+v", ops[2])
	}
	mod := load(t, "05_modify_column_narrowing").Operations()[0]
	if mod.TypeChange == nil || mod.TypeChange.Safe || mod.TypeChange.Cause != "narrowing" {
		t.Errorf("modify: %+v", mod.TypeChange)
	}
	raw := load(t, "08_rawsql_backfill").Operations()[1]
	if raw.Kind != "RawSql" || len(raw.SQL) == 0 || raw.Category != migplan.CategoryCustom {
		t.Errorf("raw: %+v", raw)
	}
}

func TestLoadFileAndSchema(t *testing.T) {
	schema := filepath.Join(fixtures(t), "..", "migration_plan_schema.json")
	p, err := migplan.Load(filepath.Join(fixture(t, "02_add_column_and_index"), "plan.yaml"),
		&migplan.Options{Schema: schema, NoConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v := p.Violations()
	if len(v) != 2 || v[0].Rule != "schema-moose-mismatch" || v[0].Line == 0 ||
		!strings.HasPrefix(v[0].Pointer, "/operations/") {
		t.Errorf("violations: %+v", v)
	}
	// the snapshots beside the file were loaded: the index change is analysed against them
	if len(p.Operations()) != 4 || !strings.HasSuffix(p.Path(), "plan.yaml") {
		t.Errorf("plan %s: %d operations", p.Path(), len(p.Operations()))
	}
}

func TestLoadBytes(t *testing.T) {
	dir := fixture(t, "03_recreate_same_table")
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	p, err := migplan.LoadBytes(read("plan.yaml"), read("remote_state.json"), read("local_infra_map.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	fs, err := p.Findings()
	if err != nil || !reflect.DeepEqual(rules(fs), expectedRules["03_recreate_same_table"]) {
		t.Errorf("findings %v, %v", rules(fs), err)
	}
	if p.Path() != "plan.yaml" {
		t.Errorf("path %q", p.Path())
	}
}

func TestErrors(t *testing.T) {
	_, err := migplan.LoadBytes([]byte("created_at: x\noperations:\n- DropTable:\n    table: [\n"), nil, nil, nil)
	var e *migplan.Error
	if !errors.As(err, &e) || !errors.Is(err, migplan.ErrParse) || errors.Is(err, migplan.ErrSchema) {
		t.Fatalf("err = %v", err)
	}
	if e.Code != migplan.CodeParse || e.File != "plan.yaml" || e.Line != 5 || e.Column == 0 || e.Offset == 0 {
		t.Errorf("error: %+v", e)
	}
	if !strings.HasPrefix(err.Error(), fmt.Sprintf("plan.yaml:%d:%d: ", e.Line, e.Column)) {
		t.Errorf("Error() = %q", err.Error())
	}
	_, err = migplan.LoadBytes([]byte("created_at: x\noperations:\n- DropTabel:\n    table: x\n"), nil, nil, nil)
	if !errors.As(err, &e) || e.Code != migplan.CodeSchema || e.Line != 3 || e.Column != 3 {
		t.Errorf("unknown operation: %v", err)
	}
	_, err = migplan.Load("/nonexistent/dir", nil)
	if !errors.Is(err, migplan.ErrIO) || !errors.As(err, &e) || e.File != "/nonexistent/dir" {
		t.Errorf("missing dir: %v", err)
	}
	_, err = migplan.Load(fixture(t, "01_additive"), &migplan.Options{MaxOps: 2, NoConfig: true})
	if !errors.Is(err, migplan.ErrLimit) {
		t.Errorf("limit: %v", err)
	}
	_, err = migplan.Load(fixture(t, "01_additive"), &migplan.Options{Config: "/nonexistent.yaml"})
	if !errors.Is(err, migplan.ErrIO) {
		t.Errorf("config: %v", err)
	}
	if migplan.CodeParse.String() == "" {
		t.Error("Code.String")
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	mig := filepath.Join(dir, "migrations")
	if err := os.Mkdir(mig, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"plan.yaml", "remote_state.json", "local_infra_map.json"} {
		b, err := os.ReadFile(filepath.Join(fixture(t, "07_mv_reads_altered_table"), n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mig, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := "fail_on: warning\nallow:\n  - rule: drop-table\n    table: coupon_usage\n    reason: retired\n"
	if err := os.WriteFile(filepath.Join(dir, ".migplan.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := migplan.Load(mig, nil) // discovered above the plan
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.FailOn() != migplan.SeverityWarning {
		t.Errorf("FailOn = %v", p.FailOn())
	}
	failing, err := p.Failing()
	if err != nil || len(failing) != 4 {
		t.Errorf("failing %v, %v", rules(failing), err)
	}
	fs, _ := p.Findings()
	for _, f := range fs {
		if f.Rule == "drop-table" && (!f.Allowed || f.AllowReason != "retired") {
			t.Errorf("allow: %+v", f)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".migplan.yaml"), []byte("allow:\n  - rule: nope\n    reason: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = migplan.Load(mig, nil)
	var e *migplan.Error
	if !errors.As(err, &e) || e.Code != migplan.CodeSchema || !strings.HasSuffix(e.File, ".migplan.yaml") || e.Line != 2 {
		t.Errorf("bad config: %v", err)
	}
}

func TestTypeChange(t *testing.T) {
	v, err := migplan.TypeChange("Int32", "Int64")
	if err != nil || !v.Safe || v.Cause != "none" || v.From != "Int32" || v.To != "Int64" || v.Reason == "" {
		t.Errorf("Int32 -> Int64: %+v %v", v, err)
	}
	v, err = migplan.TypeChange("Int64", "Int32")
	if err != nil || v.Safe || v.Cause != "narrowing" || !strings.Contains(v.Example, "becomes") {
		t.Errorf("Int64 -> Int32: %+v %v", v, err)
	}
	if _, err = migplan.TypeChange("Int32", "Array("); !errors.Is(err, migplan.ErrParse) {
		t.Errorf("malformed: %v", err)
	}
}

func TestClose(t *testing.T) {
	p, err := migplan.Load(fixture(t, "07_mv_reads_altered_table"), noConfig)
	if err != nil {
		t.Fatal(err)
	}
	ops := p.Operations()
	p.Close()
	p.Close() // idempotent
	if _, err := p.Findings(); !errors.Is(err, migplan.ErrClosed) {
		t.Errorf("Findings after Close: %v", err)
	}
	if p.Operations() != nil || p.ChangeType() != "" || p.Path() != "" {
		t.Error("getters after Close")
	}
	if ops[0].Kind != "DropMaterializedView" { // copies stay valid
		t.Errorf("ops: %+v", ops[0])
	}
}

// Plans used from several goroutines at once: different plans in parallel, and one plan
// shared by many goroutines (its calls are serialised). Run under -race by meson.
func TestConcurrentPlans(t *testing.T) {
	names := []string{"03_recreate_same_table", "05_modify_column_narrowing",
		"07_mv_reads_altered_table", "09_ordering_errors"}
	shared := load(t, "09_ordering_errors")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			name := names[g%len(names)]
			for i := 0; i < 10; i++ {
				p, err := migplan.Load(fixture(t, name), noConfig)
				if err != nil {
					errs <- err
					return
				}
				fs, err := p.Findings()
				if err != nil || !reflect.DeepEqual(rules(fs), expectedRules[name]) {
					errs <- fmt.Errorf("%s: %v %v", name, rules(fs), err)
				}
				p.Close()
				fs, err = shared.Findings()
				if err != nil || len(fs) != len(expectedRules["09_ordering_errors"]) {
					errs <- fmt.Errorf("shared: %v %v", rules(fs), err)
				}
				if len(shared.Operations()) != 7 {
					errs <- errors.New("shared operations")
				}
				// plans applied from the shared plan share its lock and snapshots
				child, err := shared.Apply("reorder:1")
				if err != nil {
					errs <- err
					return
				}
				if _, err := child.Findings(); err != nil {
					errs <- err
				}
				child.Close()
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The error state is per OS thread: every goroutine must get the error of its own call, even
// when goroutines move between threads and fail at the same time.
func TestConcurrentErrors(t *testing.T) {
	// goroutine g fails on line g%5+2 of its own plan, and judges a malformed type in between
	text := func(g int) []byte {
		return []byte(strings.Repeat("# pad\n", g%5) + "created_at: x\noperations: [\n")
	}
	want := make([]*migplan.Error, 16)
	for g := range want {
		_, err := migplan.LoadBytes(text(g), nil, nil, nil)
		if !errors.As(err, &want[g]) {
			t.Fatalf("goroutine %d: %v", g, err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				_, err := migplan.LoadBytes(text(g), nil, nil, nil)
				var e *migplan.Error
				if !errors.As(err, &e) || *e != *want[g] {
					errs <- fmt.Errorf("goroutine %d: %v, want %v", g, err, want[g])
					return
				}
				_, err = migplan.TypeChange("Int64", fmt.Sprintf("Decimal(%d", g))
				if !errors.As(err, &e) || e.Code != migplan.CodeParse || e.File != "" {
					errs <- fmt.Errorf("goroutine %d: type change: %v", g, err)
					return
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSeverityAndVersion(t *testing.T) {
	if s, ok := migplan.ParseSeverity("warning"); !ok || s != migplan.SeverityWarning {
		t.Errorf("ParseSeverity: %v %v", s, ok)
	}
	if _, ok := migplan.ParseSeverity("fatal"); ok {
		t.Error("ParseSeverity(fatal)")
	}
	if strings.Count(migplan.Version(), ".") != 2 {
		t.Errorf("Version() = %q", migplan.Version())
	}
}

func TestEditsApplyYAML(t *testing.T) {
	p := load(t, "03_recreate_same_table")
	edits, err := p.Edits()
	if err != nil || len(edits) != 1 {
		t.Fatalf("edits %+v, %v", edits, err)
	}
	e := edits[0]
	if e.ID != "rebuild-table:local.events" || e.Rule != "drop-recreate-same-table" ||
		!reflect.DeepEqual(e.Removed, []int{0, 1}) || len(e.Inserted) != 3 ||
		!strings.HasPrefix(e.Inserted[1], "RawSql:") || e.Description == "" {
		t.Errorf("edit: %+v", e)
	}
	edited, err := p.Apply(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer edited.Close()
	var kinds []string
	for _, op := range edited.Operations() {
		kinds = append(kinds, op.Kind)
	}
	if !reflect.DeepEqual(kinds, []string{"CreateTable", "RawSql", "AddTableColumn", "DropTable"}) {
		t.Errorf("edited: %v", kinds)
	}
	if fs, err := edited.Findings(); err != nil || len(fs) != 0 {
		t.Errorf("edited findings: %v %v", rules(fs), err)
	}
	if len(p.Operations()) != 3 {
		t.Error("the original changed")
	}
	yaml, err := edited.YAML()
	if err != nil || !strings.Contains(string(yaml), "EXCHANGE TABLES `events` AND `events__migplan_swap`") {
		t.Errorf("YAML: %v", err)
	}
	orig, err := p.YAML()
	want, _ := os.ReadFile(filepath.Join(fixture(t, "03_recreate_same_table"), "plan.yaml"))
	if err != nil || string(orig) != string(want) {
		t.Errorf("YAML of a Moose plan differs from the file (%v)", err)
	}
	if _, err := p.Apply("rebuild-table:local.nope"); !errors.Is(err, migplan.ErrNotFound) ||
		!strings.Contains(err.Error(), "rebuild-table:local.nope") {
		t.Errorf("unknown id: %v", err)
	}
	all, err := load(t, "09_ordering_errors").Apply()
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	fs, _ := all.Findings()
	for _, f := range fs {
		if f.Rule == "read-after-drop" || f.Rule == "column-before-add" {
			t.Errorf("still there after reordering: %s", f.Rule)
		}
	}
}

// An applied plan borrows its parent's snapshots: closing the parent first must not free them.
func TestApplyOutlivesParentClose(t *testing.T) {
	p, err := migplan.Load(fixture(t, "04_versioned_upgrade"), noConfig)
	if err != nil {
		t.Fatal(err)
	}
	edited, err := p.Apply()
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	runtime.GC()
	if _, err := p.Edits(); !errors.Is(err, migplan.ErrClosed) {
		t.Errorf("parent after Close: %v", err)
	}
	fs, err := edited.Findings()
	if err != nil || len(fs) != 0 {
		t.Errorf("edited findings after the parent's Close: %v %v", rules(fs), err)
	}
	grandchild, err := edited.Apply()
	if err != nil {
		t.Fatal(err)
	}
	edited.Close()
	if len(grandchild.Operations()) != 3 {
		t.Errorf("grandchild: %d operations", len(grandchild.Operations()))
	}
	grandchild.Close()
}

func TestReport(t *testing.T) {
	p := load(t, "03_recreate_same_table")
	for _, kind := range migplan.ReportKinds {
		md, err := p.Report(kind, "markdown")
		if err != nil || len(md) == 0 {
			t.Errorf("%s markdown: %v", kind, err)
		}
		js, err := p.Report(kind, "json")
		var doc struct {
			SchemaVersion int    `json:"schemaVersion"`
			Report        string `json:"report"`
			Decision      string `json:"decision"`
		}
		if err != nil || json.Unmarshal(js, &doc) != nil || doc.SchemaVersion != 1 || doc.Report != kind {
			t.Errorf("%s json: %+v %v", kind, doc, err)
		}
	}
	js, err := load(t, "09_ordering_errors").Report("checklist", "json")
	if err != nil || !strings.Contains(string(js), `"decision": "no-go"`) && !strings.Contains(string(js), `"decision":"no-go"`) {
		t.Errorf("blockers: %v", err)
	}
	if _, err := p.Report("summary", "markdown"); !errors.Is(err, migplan.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := p.Report("rollout", "html"); !errors.Is(err, migplan.ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
}
