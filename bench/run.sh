#!/usr/bin/env bash
# The libmigplan benchmark (issue 10): `migplan check --format json` against the floor (the
# same files parsed by libyaml and json-c, nothing else), at several plan sizes, and the
# editor path (re-analysing a 200-operation plan from memory). Writes bench/RESULTS.md.
#
# usage: bench/run.sh [--sizes 1000,10000,100000] [--runs 5] [--editor-iterations 2000]
#                     [--schema FILE] [--out FILE]
#
# Inputs are made by ../shared/moose/fixtures/gen_large.py (needs Debian's python3-yaml, so
# /usr/bin/python3) into bench/data/opsN, with N/5 tables so that the snapshots grow with the
# plan, and reused while the generator's arguments are unchanged. Binaries are release builds
# in build-bench/. Each size runs the floor and the check alternately, --runs times each, and
# reports medians; the editor program is run --runs times and its medians are reported.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
gen="$root/../shared/moose/fixtures/gen_large.py"
# A plan of a few KB: what `migplan check` takes whatever the input (program, libraries, schema).
tiny="$root/../shared/moose/fixtures/01_additive"
python=/usr/bin/python3
build="$root/build-bench"
data="$here/data"

sizes=1000,10000,100000
runs=5
editor_iterations=2000
editor_ops=200
schema="$root/../shared/moose/migration_plan_schema.json"
out="$here/RESULTS.md"
command_line="bench/run.sh${*:+ $*}"

usage() {
	sed -n '5,6p' "$0" | sed 's/^# //'
	exit "${1:-64}"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--sizes) sizes=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--editor-iterations) editor_iterations=$2; shift 2 ;;
	--schema) schema=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "run.sh: unknown argument: $1" >&2; usage ;;
	esac
done
[ "$runs" -ge 1 ] 2>/dev/null || { echo "run.sh: --runs must be a positive count" >&2; exit 64; }
schema=$(cd "$(dirname "$schema")" && pwd)/$(basename "$schema")
[ -f "$schema" ] || { echo "run.sh: no schema at $schema" >&2; exit 2; }

log() { printf '%s\n' "$*" >&2; }

# --- inputs ---

# Generate opsN once; a stamp records the arguments so that a changed size or generator
# regenerates instead of silently reusing stale files.
make_inputs() {
	local ops=$1 tables=$(($1 / 5)) dir="$data/ops$1"
	local stamp="ops=$ops tables=$tables gen=$(sha256sum "$gen" "$(dirname "$gen")/moose_emit.py" | sha256sum | cut -c1-16)"
	if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
		return
	fi
	log "generating $ops operations, $tables tables into $dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$(dirname "$gen")" && "$python" "$gen" --ops "$ops" --tables "$tables" --out "$dir" >&2)
	printf '%s\n' "$stamp" >"$dir/.stamp"
}

# --- build ---

build_release() {
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$root" -Dbuildtype=release >&2
	fi
	ninja -C "$build" cli/migplan bench/migplan-floor bench/migplan-editor bench/migplan-measure \
		bench/migplan-pipeline >&2
}

# --- statistics ---

median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

bytes() { stat -c %s "$@" | awk '{s += $1} END {print s}'; }

# Bytes of the inputs of size N: plan, both snapshots and the schema.
input_size() {
	echo $(($(bytes "$data/ops$1"/plan.yaml "$data/ops$1"/remote_state.json "$data/ops$1"/local_infra_map.json) + $(bytes "$schema")))
}

mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

ms() { awk -v s="$1" 'BEGIN {printf "%.1f", s * 1000}'; }

# "met", or which sizes missed it.
met_unless() { if [ -n "$1" ]; then echo "NOT met at $1 operations"; else echo met; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# --- one size ---

# Runs the floor, the check and the library pipeline in turn; leaves "wall cpu rss" medians in
# $tmp/floor.N, $tmp/check.N and $tmp/library.N.
measure_size() {
	local ops=$1 dir="$data/ops$1" i
	local plan="$dir/plan.yaml" remote="$dir/remote_state.json" local_map="$dir/local_infra_map.json"
	: >"$tmp/floor.runs"
	: >"$tmp/check.runs"
	: >"$tmp/library.runs"
	for ((i = 1; i <= runs; i++)); do
		log "  $ops operations: run $i of $runs"
		"$build/bench/migplan-measure" "$build/bench/migplan-floor" \
			"$plan" "$remote" "$local_map" "$schema" >>"$tmp/floor.runs"
		"$build/bench/migplan-measure" -o "$tmp/check.json" "$build/cli/migplan" check "$dir" \
			--format json --schema "$schema" >>"$tmp/check.runs"
		"$build/bench/migplan-measure" "$build/bench/migplan-pipeline" "$dir" "$schema" \
			>>"$tmp/library.runs"
	done
	# the floor must succeed; the check exits 0, 1 or 3 (findings), never 2 (unreadable
	# input) or 64 (usage), and must print one JSON document
	awk '$4 != 0 {print "run.sh: the floor failed"; exit 1}' "$tmp/floor.runs" >&2
	awk '$4 != 0 {print "run.sh: migplan-pipeline failed"; exit 1}' "$tmp/library.runs" >&2
	awk '$4 != 0 && $4 != 1 && $4 != 3 {print "run.sh: migplan check exited " $4; exit 1}' "$tmp/check.runs" >&2
	"$python" -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["plan"]["operations"] == int(sys.argv[2])' \
		"$tmp/check.json" "$ops"
	for who in floor check library; do
		for col in 1 2 3; do
			cut -d' ' -f$col "$tmp/$who.runs" | median
		done | paste -sd' ' >"$tmp/$who.$ops"
	done
}

# The fixed cost: the check's median peak RSS on the tiny plan, in KiB, into $tmp/fixed.
measure_fixed() {
	local i
	for ((i = 1; i <= runs; i++)); do
		"$build/bench/migplan-measure" "$build/cli/migplan" check "$tiny" --format json \
			--schema "$schema"
	done | cut -d' ' -f3 | median | awk '{printf "%d", $1}' >"$tmp/fixed"
}

# --- the editor path ---

measure_editor() {
	local dir="$data/ops$editor_ops" i
	: >"$tmp/editor.runs"
	for ((i = 1; i <= runs; i++)); do
		log "  editor path: run $i of $runs"
		"$build/bench/migplan-editor" -n "$editor_iterations" "$dir/plan.yaml" \
			"$dir/remote_state.json" "$dir/local_infra_map.json" >"$tmp/editor.$i"
	done
}

# The median over the editor runs of one reported key.
editor_value() {
	cat "$tmp"/editor.[0-9]* | awk -v k="$1" '$1 == k {print $2}' | median
}

# --- the report ---

machine() {
	local model cores mem
	model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
	cores=$(nproc)
	mem=$(free -h | awk '/^Mem:/ {print $2}')
	printf '%s, %s CPUs available (nproc), %s RAM; %s %s' "$model" "$cores" "$mem" "$(uname -sr)" "$(uname -m)"
}

write_report() {
	local n input_bytes schema_bytes fw fc fr cw cc cr lw lc lr
	local prev_ops="" prev_wall="" prev_cpu="" prev_lwall="" prev_fwall=""
	schema_bytes=$(bytes "$schema")
	{
		echo "# Benchmark results (issue 10)"
		echo
		echo "Produced by \`$command_line\` (from the repository root)."
		echo
		echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "- Machine: $(machine)"
		echo "- Load average when the report was written: $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "- Compiler: $(cc --version | head -1); release build (\`meson setup build-bench -Dbuildtype=release\`)"
		echo "- Library: commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- lib include cli 2>/dev/null || echo ' with uncommitted changes in lib/, include/ or cli/')"
		echo "- Inputs: \`gen_large.py --ops N --tables N/5\` (seed 42) in bench/data/; schema $(basename "$schema") ($schema_bytes bytes)"
		echo "- Each figure is the median of $runs runs; the floor, the check and the library pipeline run in turn."
		echo
		echo "## migplan check against the floor"
		echo
		echo "- floor: \`migplan-floor plan.yaml remote_state.json local_infra_map.json SCHEMA\` (libyaml"
		echo "  events and json-c DOMs of the same files, nothing else);"
		echo "- check: \`migplan check DIR --format json --schema SCHEMA\` (load, classify, analyse,"
		echo "  propose edits, validate, print the JSON report);"
		echo "- library: \`migplan-pipeline DIR SCHEMA\`, the check's library calls without the report"
		echo "  (the difference to the check is the command's rendering of the report)."
		echo
		echo "Time in milliseconds (wall; CPU is user + system):"
		echo
		echo "| operations | input MiB | floor wall | check wall | check / floor | library wall | library / floor | floor CPU | check CPU | check / floor CPU |"
		echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		for n in ${sizes//,/ }; do
			read -r fw fc fr <"$tmp/floor.$n"
			read -r cw cc cr <"$tmp/check.$n"
			read -r lw lc lr <"$tmp/library.$n"
			input_bytes=$(input_size "$n")
			echo "| $n | $(mib "$input_bytes") | $(ms "$fw") | $(ms "$cw") | $(ratio "$cw" "$fw") | $(ms "$lw") | $(ratio "$lw" "$fw") | $(ms "$fc") | $(ms "$cc") | $(ratio "$cc" "$fc") |"
		done
		echo
		echo "Peak RSS in MiB, and over the input size (the sum of the four files). \"Above fixed\" leaves"
		echo "out what the same check takes on a plan of a few KB ($(mib $(($(cat "$tmp/fixed") * 1024))) MiB: the program, its"
		echo "libraries, the schema), which dominates the smallest size:"
		echo
		echo "| operations | input MiB | floor | check | check / input | check above fixed / input | library | library / input |"
		echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		for n in ${sizes//,/ }; do
			read -r fw fc fr <"$tmp/floor.$n"
			read -r cw cc cr <"$tmp/check.$n"
			read -r lw lc lr <"$tmp/library.$n"
			input_bytes=$(input_size "$n")
			echo "| $n | $(mib "$input_bytes") | $(mib $((fr * 1024))) | $(mib $((cr * 1024))) | $(ratio $((cr * 1024)) "$input_bytes") | $(ratio $(((cr - $(cat "$tmp/fixed")) * 1024)) "$input_bytes") | $(mib $((lr * 1024))) | $(ratio $((lr * 1024)) "$input_bytes") |"
		done
		echo
		echo "Growth (time at each size over the size before; the input grows as much as the operations):"
		echo
		for n in ${sizes//,/ }; do
			read -r cw cc cr <"$tmp/check.$n"
			read -r lw lc lr <"$tmp/library.$n"
			read -r fw fc fr <"$tmp/floor.$n"
			if [ -n "$prev_ops" ]; then
				echo "- $prev_ops → $n operations: check wall $(ratio "$cw" "$prev_wall")×, CPU $(ratio "$cc" "$prev_cpu")×; library wall $(ratio "$lw" "$prev_lwall")×; floor wall $(ratio "$fw" "$prev_fwall")×"
			fi
			prev_ops=$n prev_wall=$cw prev_cpu=$cc prev_lwall=$lw prev_fwall=$fw
		done
		echo
		echo "## The editor path"
		echo
		echo "\`migplan-editor -n $editor_iterations PLAN REMOTE LOCAL\` on bench/data/ops$editor_ops ($(editor_value operations)"
		echo "operations, $(editor_value plan_bytes) bytes): the snapshots loaded once, then per iteration"
		echo "\`migplan_plan_load_buffer\` + \`attach_snapshots\` + \`classify\` + \`analyze\` + \`free\`"
		echo "($(editor_value findings) findings), after 50 warm-up iterations. Microseconds; the median over $runs runs"
		echo "of each run's figure."
		echo
		echo "| median | p99 | mean | min | load | classify | analyze | free | libyaml floor median | floor p99 |"
		echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		echo "| $(editor_value median_us) | $(editor_value p99_us) | $(editor_value mean_us) | $(editor_value min_us) | $(editor_value stage_load_median_us) | $(editor_value stage_classify_median_us) | $(editor_value stage_analyze_median_us) | $(editor_value stage_free_median_us) | $(editor_value floor_median_us) | $(editor_value floor_p99_us) |"
		echo
		echo "Stage columns are each stage's own median. The libyaml floor is the same bytes through"
		echo "libyaml alone (every event, nothing else), timed in the same iterations: what reading"
		echo "the plan alone cost before the reader's fast path (libyaml remains its fallback)."
		echo
		echo "## Against the targets"
		echo
		targets
	} >"$out"
}

verdict() { awk -v v="$1" -v lim="$2" 'BEGIN {print (v <= lim) ? "met" : "NOT met"}'; }

targets() {
	local cw cc cr fw fc fr lw lc lr input_bytes
	if [ -f "$tmp/check.10000" ]; then
		read -r fw fc fr <"$tmp/floor.10000"
		read -r cw cc cr <"$tmp/check.10000"
		read -r lw lc lr <"$tmp/library.10000"
		echo "- check at 10,000 operations at most 1.3× the floor: wall $(ratio "$cw" "$fw")×, CPU $(ratio "$cc" "$fc")× — $(verdict "$(ratio "$cw" "$fw")" 1.3) (library alone: $(ratio "$lw" "$fw")×)"
	fi
	if [ -f "$tmp/check.10000" ] && [ -f "$tmp/check.100000" ]; then
		read -r fw fc fr <"$tmp/check.10000"
		read -r cw cc cr <"$tmp/check.100000"
		read -r lw lc lr <"$tmp/library.10000"
		local l2w l2c l2r
		read -r l2w l2c l2r <"$tmp/library.100000"
		echo "- 100,000 operations at most 11× 10,000: wall $(ratio "$cw" "$fw")×, CPU $(ratio "$cc" "$fc")× — $(verdict "$(ratio "$cw" "$fw")" 11) (library alone: $(ratio "$l2w" "$lw")×)"
	fi
	local missed="" above_missed="" list="" alist="" r a
	for n in ${sizes//,/ }; do
		read -r cw cc cr <"$tmp/check.$n"
		input_bytes=$(input_size "$n")
		r=$(ratio $((cr * 1024)) "$input_bytes")
		a=$(ratio $(((cr - $(cat "$tmp/fixed")) * 1024)) "$input_bytes")
		list="$list${list:+, }$n: ${r}×"
		alist="$alist${alist:+, }$n: ${a}×"
		awk -v a="$r" 'BEGIN {exit !(a > 3)}' && missed="$missed${missed:+, }$n"
		awk -v a="$a" 'BEGIN {exit !(a > 3)}' && above_missed="$above_missed${above_missed:+, }$n"
	done
	echo "- peak memory at most 3× the input: $list — $(met_unless "$missed"); above the fixed cost: $alist — $(met_unless "$above_missed")"
	local med
	med=$(editor_value median_us)
	echo "- editor path median under 1 ms: $(awk -v u="$med" 'BEGIN {printf "%.3f", u / 1000}') ms — $(verdict "$med" 999.999) (libyaml alone on the same plan: $(awk -v u="$(editor_value floor_median_us)" 'BEGIN {printf "%.3f", u / 1000}') ms)"
}

# --- main ---

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for n in $editor_ops ${sizes//,/ }; do
	make_inputs "$n"
done
build_release
for n in ${sizes//,/ }; do
	log "measuring $n operations"
	measure_size "$n"
done
log "measuring the fixed cost (a plan of a few KB)"
measure_fixed
log "measuring the editor path"
measure_editor
write_report
log "wrote $out"
cat "$out"
