package main

import (
	"os"
	"path/filepath"
	"testing"
)

func fixture(t *testing.T, name string) string {
	dir := os.Getenv("MIGPLAN_FIXTURES")
	if dir == "" {
		dir = "../../../../shared/moose/fixtures"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no fixtures: %v", err)
	}
	return filepath.Join(dir, name)
}

func TestGate(t *testing.T) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	stdout := os.Stdout
	os.Stdout, os.Stderr = devnull, devnull // run() reports on stdout; the codes are what matter here
	defer func() { os.Stdout, os.Stderr = stdout, stdout }()

	for _, c := range []struct {
		plan, allow string
		want        int
	}{
		{"01_additive", "", 0},
		{"07_mv_reads_altered_table", "", 1},
		{"07_mv_reads_altered_table", "testdata/allow.txt", 0},
		{"03_recreate_same_table", "testdata/allow.txt", 1},
		{"no_such_fixture", "", 2},
		{"01_additive", "testdata/missing.txt", 2},
	} {
		if got := run(fixture(t, c.plan), c.allow); got != c.want {
			t.Errorf("%s with %q: exit %d, want %d", c.plan, c.allow, got, c.want)
		}
	}
}
