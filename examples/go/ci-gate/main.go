// Command ci-gate fails a CI job when a migration plan makes a destructive change that nobody
// justified.
//
//	ci-gate [-allow ALLOW_LIST] MIGRATIONS_DIR
//
// The allow list is a text file with one justified change per line:
//
//	# <operation> <table>[.<column>]: <justification>
//	DropTable coupon_usage: coupon feature retired in March (JIRA-1234)
//	DropTableColumn orders.coupon_code: same change; the column was never read
//
// Exit status: 0 when every destructive operation is justified, 1 when one is not, 2 when the
// plan or the allow list cannot be read.
//
// SPDX-License-Identifier: CC0-1.0 (copy it, change it).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	migplan "github.com/libmigplan/migplan-go"
)

type change struct{ kind, table, column string }

type entry struct {
	why  string
	line int
	used bool
}

type allowList struct {
	path    string
	entries map[change]*entry
}

func readAllowList(path string) (*allowList, error) {
	a := &allowList{path: path, entries: map[change]*entry{}}
	if path == "" {
		return a, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		what, why, _ := strings.Cut(line, ":")
		kind, target, _ := strings.Cut(strings.TrimSpace(what), " ")
		table, column, _ := strings.Cut(strings.TrimSpace(target), ".")
		if kind == "" || table == "" || strings.TrimSpace(why) == "" {
			return nil, fmt.Errorf("%s:%d: expected '<operation> <table>[.<column>]: <justification>'", path, n)
		}
		a.entries[change{kind, table, column}] = &entry{why: strings.TrimSpace(why), line: n}
	}
	return a, sc.Err()
}

// justification is the allow list's reason for op: an entry for the column, else for the table.
func (a *allowList) justification(op migplan.Operation) string {
	for _, c := range []change{{op.Kind, op.Table, op.ColumnName}, {op.Kind, op.Table, ""}} {
		if e := a.entries[c]; e != nil {
			e.used = true
			return e.why
		}
	}
	return ""
}

func target(op migplan.Operation) string {
	if op.ColumnName != "" {
		return op.Table + "." + op.ColumnName
	}
	return op.Table
}

func main() {
	allowPath := flag.String("allow", "", "the allow list (default: none)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: ci-gate [-allow ALLOW_LIST] MIGRATIONS_DIR")
		os.Exit(64)
	}
	os.Exit(run(flag.Arg(0), *allowPath))
}

func run(dir, allowPath string) int {
	allow, err := readAllowList(allowPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}
	plan, err := migplan.Load(dir, nil)
	if err != nil { // a *migplan.Error prints as file:line:column: message
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}
	defer plan.Close()
	findings, err := plan.Findings()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}
	byOp := map[int][]migplan.Finding{}
	for _, f := range findings {
		byOp[f.Operation] = append(byOp[f.Operation], f)
	}

	unjustified := 0
	ops := plan.Operations()
	for _, op := range ops {
		if op.Category != migplan.CategoryDestructive {
			continue
		}
		where := fmt.Sprintf("%s:%d:%d", op.File, op.Line, op.Column)
		if why := allow.justification(op); why != "" {
			fmt.Printf("%s: note: %s %s allowed: %s\n", where, op.Kind, target(op), why)
			continue
		}
		unjustified++
		fmt.Printf("%s: error: %s %s is destructive (%s data loss): %s\n", where, op.Kind, target(op), op.DataLoss, op.Reason)
		for _, f := range byOp[op.Index] {
			fix := ""
			if f.Edit != "" {
				fix = " (proposed edit: " + f.Edit + ")"
			}
			fmt.Printf("    %s [%s] %s%s\n", f.Severity, f.Rule, f.Message, fix)
		}
		fmt.Printf("    to ship it, justify it in the allow list: %s %s: <why>\n", op.Kind, target(op))
	}
	fmt.Printf("%s: %s plan, %d operations, %d unjustified destructive\n", plan.Path(), plan.ChangeType(), len(ops), unjustified)

	var unused []*entry
	names := map[*entry]change{}
	for c, e := range allow.entries {
		if !e.used {
			unused = append(unused, e)
			names[e] = c
		}
	}
	sort.Slice(unused, func(i, j int) bool { return unused[i].line < unused[j].line })
	for _, e := range unused {
		c := names[e]
		fmt.Printf("%s:%d: warning: no %s of %s in the plan\n", allow.path, e.line, c.kind, strings.TrimSuffix(c.table+"."+c.column, "."))
	}
	if unjustified > 0 {
		return 1
	}
	return 0
}
