#!/bin/sh
# The YAML reader's fast path must read every plan exactly as libyaml does (same trees,
# positions and errors), on every fixture and test plan and 200 mutated variants of each.
# usage: yaml-fastpath.sh CHECKER SOURCE_ROOT FIXTURES_DIR
set -eu
checker=$1 src=$2 fixtures=$3
exec "$checker" 200 "$fixtures"/*/plan*.yaml "$src"/tests/data/valid/*/plan.yaml \
	"$src"/tests/data/invalid/*/plan.yaml "$src"/tests/data/emit/*.yaml "$src"/examples/demo/migrations/plan.yaml
