// Package migplan embeds libmigplan: load a MooseStack/ClickHouse migration plan with its
// snapshots, classify its operations, find hazards, and judge column type changes.
//
//	plan, err := migplan.Load("migrations", nil)
//	if err != nil {
//		return err // a *migplan.Error with File, Line and Column
//	}
//	defer plan.Close()
//	findings, err := plan.Findings()
//
// A Plan may be used from several goroutines: calls on one plan (and the plans applied from
// it) are serialised, different plans run in parallel. Everything a Plan returns is a copy and
// stays valid after Close.
package migplan

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"
)

// ErrClosed is returned by the methods of a closed Plan.
var ErrClosed = errors.New("migplan: plan is closed")

// Options for loading a plan. The zero value (or nil) gives the defaults.
type Options struct {
	// Schema is a JSON Schema file (e.g. .moose/migration_schema.json) to validate the plan
	// against; see Plan.Violations. Empty: no validation.
	Schema string
	// Config is a .migplan.yaml file. Empty: the nearest .migplan.yaml above the plan.
	Config string
	// NoConfig disables the configuration (and its discovery).
	NoConfig bool
	// Limits for untrusted input; 0 means the library's default.
	MaxBytes   uint64
	MaxDepth   uint32
	MaxAliases uint32
	MaxOps     uint32
	MaxString  uint64
	MaxNodes   uint64
}

func (o *Options) parseOptions() C.migplan_parse_options {
	var c C.migplan_parse_options
	C.migplan_parse_options_init(&c, C.MIGPLAN_PARSE_OPTIONS_VERSION)
	c.max_bytes = C.uint64_t(o.MaxBytes)
	c.max_depth = C.uint32_t(o.MaxDepth)
	c.max_aliases = C.uint32_t(o.MaxAliases)
	c.max_ops = C.uint32_t(o.MaxOps)
	c.max_string = C.uint64_t(o.MaxString)
	c.max_nodes = C.uint64_t(o.MaxNodes)
	return c
}

// Plan is a loaded migration plan. Close it when done.
type Plan struct {
	// mu is shared by a plan and the plans applied from it: they read the same snapshots
	// and configuration, and the library allows one thread per handle at a time.
	mu       *sync.Mutex
	c        *C.migplan_plan
	remote   *C.migplan_snapshot // owned: loaded from bytes and attached
	local    *C.migplan_snapshot
	cfg      *C.migplan_config
	ownsCfg  bool
	parent   *Plan // an applied plan borrows its parent's snapshots and configuration
	children int   // open plans applied from this one: they keep it from being freed
	closed   bool

	violations []Violation
	ops        []Operation
	findings   []Finding
}

func newPlan(c *C.migplan_plan, mu *sync.Mutex) *Plan {
	p := &Plan{mu: mu, c: c}
	runtime.SetFinalizer(p, (*Plan).Close) // a safety net only: call Close
	return p
}

// Load reads a migrations directory (plan.yaml with remote_state.json and
// local_infra_map.json beside it, each optional) or a plan file (with the snapshots beside
// it when they are there). opts may be nil.
func Load(path string, opts *Options) (*Plan, error) {
	if opts == nil {
		opts = &Options{}
	}
	co := opts.parseOptions()
	var e cerr
	var c *C.migplan_plan
	dir := path
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		if C.gomp_plan_load_dir(&c, cpath, &co, &e) < 0 {
			return nil, takeError(&e)
		}
	} else {
		dir = filepath.Dir(path)
		remote := cstring(existing(filepath.Join(dir, "remote_state.json")))
		local := cstring(existing(filepath.Join(dir, "local_infra_map.json")))
		defer C.free(unsafe.Pointer(remote))
		defer C.free(unsafe.Pointer(local))
		if C.gomp_plan_load_files(&c, cpath, remote, local, &co, &e) < 0 {
			return nil, takeError(&e)
		}
	}
	p := newPlan(c, new(sync.Mutex))
	if err := p.setup(opts, &co, dir); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// LoadBytes reads a plan and its snapshots from memory (remote and local may be nil). In
// positions the inputs are named plan.yaml, remote_state.json and local_infra_map.json.
// opts.Config is a file path; by default no configuration is used.
func LoadBytes(planYAML, remoteState, localInfraMap []byte, opts *Options) (*Plan, error) {
	if opts == nil {
		opts = &Options{}
	}
	co := opts.parseOptions()
	var e cerr
	var c *C.migplan_plan
	data, n := bytesArg(planYAML)
	name := C.CString("plan.yaml")
	defer C.free(unsafe.Pointer(name))
	if C.gomp_plan_load_buffer(&c, data, n, name, &co, &e) < 0 {
		return nil, takeError(&e)
	}
	p := newPlan(c, new(sync.Mutex))
	err := p.attach(remoteState, localInfraMap, &co)
	if err == nil && opts.Config == "" {
		opts2 := *opts
		opts2.NoConfig = true
		opts = &opts2
	}
	if err == nil {
		err = p.setup(opts, &co, ".")
	}
	if err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func existing(path string) string {
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return path
	}
	return ""
}

func (p *Plan) attach(remote, local []byte, co *C.migplan_parse_options) error {
	var e cerr
	load := func(b []byte, name string) (*C.migplan_snapshot, error) {
		if b == nil {
			return nil, nil
		}
		var s *C.migplan_snapshot
		data, n := bytesArg(b)
		cname := C.CString(name)
		defer C.free(unsafe.Pointer(cname))
		if C.gomp_snapshot_load_buffer(&s, data, n, cname, co, &e) < 0 {
			return nil, takeError(&e)
		}
		return s, nil
	}
	var err error
	if p.remote, err = load(remote, "remote_state.json"); err != nil {
		return err
	}
	if p.local, err = load(local, "local_infra_map.json"); err != nil {
		return err
	}
	if (p.remote != nil || p.local != nil) && C.gomp_plan_attach_snapshots(p.c, p.remote, p.local, &e) < 0 {
		return takeError(&e)
	}
	return nil
}

// setup loads the configuration and validates the plan against the schema.
func (p *Plan) setup(opts *Options, co *C.migplan_parse_options, dir string) error {
	var e cerr
	if !opts.NoConfig {
		if opts.Config != "" {
			path := C.CString(opts.Config)
			defer C.free(unsafe.Pointer(path))
			if C.gomp_config_load_file(&p.cfg, path, co, &e) < 0 {
				return takeError(&e)
			}
		} else {
			cdir := C.CString(dir)
			defer C.free(unsafe.Pointer(cdir))
			if C.gomp_config_discover(&p.cfg, cdir, co, &e) < 0 {
				return takeError(&e)
			}
		}
		p.ownsCfg = true
	}
	if opts.Schema == "" {
		return nil
	}
	var schema *C.migplan_schema
	var found *C.migplan_violations
	path := C.CString(opts.Schema)
	defer C.free(unsafe.Pointer(path))
	if C.gomp_schema_load_file(&schema, path, co, &e) < 0 {
		return takeError(&e)
	}
	defer C.migplan_schema_free(schema)
	if C.gomp_schema_validate(schema, C.migplan_plan_root(p.c), &found, &e) < 0 {
		return takeError(&e)
	}
	defer C.migplan_violations_free(found)
	p.violations = []Violation{}
	for i := C.size_t(0); i < C.migplan_violations_count(found); i++ {
		v := C.migplan_violations_at(found, i)
		p.violations = append(p.violations, Violation{
			Rule:       C.GoString(C.migplan_violation_rule(v)),
			Message:    C.GoString(C.migplan_violation_message(v)),
			Pointer:    C.GoString(C.migplan_violation_pointer(v)),
			Keyword:    C.GoString(C.migplan_violation_keyword(v)),
			SchemaPath: C.GoString(C.migplan_violation_schema_path(v)),
			Position:   position(C.migplan_violation_node(v)),
		})
	}
	return nil
}

// Close releases the plan. A plan with open plans applied from it is freed after them.
// Close is idempotent.
func (p *Plan) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	runtime.SetFinalizer(p, nil)
	if p.children == 0 {
		p.free()
	}
}

// free releases the C objects; called with mu held, once closed with no children left.
func (p *Plan) free() {
	C.migplan_plan_free(p.c)
	C.migplan_snapshot_free(p.remote)
	C.migplan_snapshot_free(p.local)
	if p.ownsCfg {
		C.migplan_config_free(p.cfg)
	}
	p.c, p.remote, p.local, p.cfg = nil, nil, nil, nil
	if parent := p.parent; parent != nil {
		p.parent = nil
		parent.children--
		if parent.closed && parent.children == 0 {
			parent.free()
		}
	}
}

// lock takes the plan's lock; it fails when the plan is closed.
func (p *Plan) lock() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	return nil
}

// Path is the plan's file ("plan.yaml" for LoadBytes).
func (p *Plan) Path() string {
	if p.lock() != nil {
		return ""
	}
	defer p.mu.Unlock()
	return C.GoString(C.migplan_plan_path(p.c))
}

// ChangeType is the change type of the whole plan ("" when closed).
func (p *Plan) ChangeType() ChangeType {
	if p.lock() != nil {
		return ""
	}
	defer p.mu.Unlock()
	return ChangeType(C.GoString(C.migplan_change_type_name(C.migplan_plan_change_type(p.c))))
}

// Violations are the schema violations (nil unless Options.Schema was given).
func (p *Plan) Violations() []Violation {
	return append([]Violation(nil), p.violations...)
}

// Operations are the plan's operations in file order (nil when closed).
func (p *Plan) Operations() []Operation {
	if p.lock() != nil {
		return nil
	}
	defer p.mu.Unlock()
	return append([]Operation(nil), p.operations()...)
}

func (p *Plan) operations() []Operation {
	if p.ops != nil {
		return p.ops
	}
	n := int(C.migplan_plan_op_count(p.c))
	p.ops = make([]Operation, 0, n)
	for i := 0; i < n; i++ {
		p.ops = append(p.ops, readOperation(C.migplan_plan_op_at(p.c, C.size_t(i))))
	}
	return p.ops
}

func readOperation(op *C.migplan_op) Operation {
	o := Operation{
		Index:         int(C.migplan_op_index(op)),
		Kind:          C.GoString(C.migplan_op_kind_name(C.migplan_op_kind_of(op))),
		Table:         C.GoString(C.migplan_op_table_name(op)),
		Database:      C.GoString(C.migplan_op_database(op)),
		ColumnName:    C.GoString(C.migplan_op_column_name(op)),
		NewColumnName: C.GoString(C.migplan_op_new_column_name(op)),
		Category:      Category(C.GoString(C.migplan_category_name(C.migplan_op_category(op)))),
		Reversible:    C.migplan_op_reversible(op) != 0,
		DataLoss:      dataLoss(C.migplan_op_data_loss(op)),
		Reason:        C.GoString(C.migplan_op_classification_reason(op)),
		Inverse:       C.GoString(C.migplan_op_inverse_description(op)),
		Description:   C.GoString(C.migplan_op_description(op)),
		Position:      position(C.migplan_op_node(op)),
	}
	for i := C.size_t(0); i < C.migplan_op_sql_count(op); i++ {
		o.SQL = append(o.SQL, C.GoString(C.migplan_op_sql_at(op, i)))
	}
	if tc := C.migplan_op_type_change(op); tc != nil {
		v := readVerdict(tc)
		o.TypeChange = &v
	}
	return o
}

func dataLoss(l C.migplan_data_loss) DataLoss {
	switch l {
	case C.MIGPLAN_LOSS_POTENTIAL:
		return LossPotential
	case C.MIGPLAN_LOSS_PERMANENT:
		return LossPermanent
	}
	return LossNone
}

// FailOn is the failing threshold of the configuration (SeverityError by default).
func (p *Plan) FailOn() Severity {
	if p.lock() != nil {
		return SeverityError
	}
	defer p.mu.Unlock()
	if p.cfg == nil {
		return SeverityError
	}
	return Severity(C.migplan_config_fail_on(p.cfg))
}

// Findings analyses the plan (once) and returns every finding: by operation, then rule;
// plan-wide findings last.
func (p *Plan) Findings() ([]Finding, error) {
	if err := p.lock(); err != nil {
		return nil, err
	}
	defer p.mu.Unlock()
	f, err := p.analyze()
	return append([]Finding(nil), f...), err
}

func (p *Plan) analyze() ([]Finding, error) {
	if p.findings != nil {
		return p.findings, nil
	}
	var e cerr
	if C.gomp_plan_analyze(p.c, p.cfg, &e) < 0 {
		return nil, takeError(&e)
	}
	n := int(C.migplan_plan_finding_count(p.c))
	p.findings = make([]Finding, 0, n)
	for i := 0; i < n; i++ {
		p.findings = append(p.findings, readFinding(C.migplan_plan_finding_at(p.c, C.size_t(i))))
	}
	return p.findings, nil
}

func readFinding(f *C.migplan_finding) Finding {
	out := Finding{
		Rule:        C.GoString(C.migplan_finding_rule(f)),
		Severity:    Severity(C.migplan_finding_severity(f)),
		Message:     C.GoString(C.migplan_finding_message(f)),
		Help:        C.GoString(C.migplan_finding_help(f)),
		Operation:   int(C.migplan_finding_operation(f)),
		Edit:        C.GoString(C.migplan_finding_edit(f)),
		Table:       C.GoString(C.migplan_finding_table(f)),
		Database:    C.GoString(C.migplan_finding_database(f)),
		ColumnName:  C.GoString(C.migplan_finding_column_name(f)),
		View:        C.GoString(C.migplan_finding_view(f)),
		Allowed:     C.migplan_finding_allowed(f) != 0,
		AllowReason: C.GoString(C.migplan_finding_allow_reason(f)),
		Blocker:     C.migplan_finding_blocker(f) != 0,
		Position: Position{
			File:   C.GoString(C.migplan_finding_path(f)),
			Line:   int(C.migplan_finding_line(f)),
			Column: int(C.migplan_finding_column(f)),
		},
	}
	for i := C.size_t(0); i < C.migplan_finding_related_count(f); i++ {
		out.Related = append(out.Related, Related{
			Message:  C.GoString(C.migplan_finding_related_message(f, i)),
			Position: position(C.migplan_finding_related_node(f, i)),
		})
	}
	return out
}

// Failing returns the findings at or above FailOn that no allow entry covers: what should
// fail a CI gate.
func (p *Plan) Failing() ([]Finding, error) {
	all, err := p.Findings()
	if err != nil {
		return nil, err
	}
	threshold := p.FailOn()
	var out []Finding
	for _, f := range all {
		if f.Severity >= threshold && !f.Allowed {
			out = append(out, f)
		}
	}
	return out, nil
}

// TypeChange judges a change between two ClickHouse types, e.g. TypeChange("Int32", "Int64").
// A destructive change is a Verdict, not an error; a malformed type is an error (ErrParse).
func TypeChange(from, to string) (Verdict, error) {
	cfrom, cto := C.CString(from), C.CString(to)
	defer C.free(unsafe.Pointer(cfrom))
	defer C.free(unsafe.Pointer(cto))
	var tc *C.migplan_type_change
	var e cerr
	if C.gomp_type_change_judge(&tc, cfrom, cto, &e) < 0 {
		return Verdict{}, takeError(&e)
	}
	defer C.migplan_type_change_free(tc)
	return readVerdict(tc), nil
}

func readVerdict(tc *C.migplan_type_change) Verdict {
	return Verdict{
		Safe:       C.migplan_type_change_verdict(tc) == C.MIGPLAN_VERDICT_SAFE,
		Cause:      C.GoString(C.migplan_type_change_cause_name(C.migplan_type_change_cause(tc))),
		Reason:     C.GoString(C.migplan_type_change_reason(tc)),
		Example:    C.GoString(C.migplan_type_change_example(tc)),
		From:       C.GoString(C.migplan_type_change_from(tc)),
		To:         C.GoString(C.migplan_type_change_to(tc)),
		InPlace:    C.migplan_type_change_in_place(tc) != 0,
		KeyRefused: C.migplan_type_change_key_refused(tc) != 0,
	}
}

// String is the severity's name: "info", "warning" or "error".
func (s Severity) String() string {
	return C.GoString(C.migplan_severity_name(C.migplan_severity(s)))
}

// ParseSeverity reads a severity name; ok is false for an unknown name.
func ParseSeverity(name string) (s Severity, ok bool) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	s = Severity(C.migplan_severity_from_name(cname))
	return s, s != 0
}

// Version is the version of the linked C library, e.g. "0.1.0".
func Version() string {
	return C.GoString(C.migplan_version_string())
}
