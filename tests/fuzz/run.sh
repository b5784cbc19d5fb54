#!/usr/bin/env bash
# Run one libFuzzer target for a while, then fold what it found into the committed corpus.
#
#   tests/fuzz/run.sh TARGET [SECONDS] [BUILD_DIR]
#
# BUILD_DIR (default build-fuzz) is configured with
#   CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
# New inputs collect in $FUZZ_WORK/TARGET (default /tmp/migplan-fuzz); at the end a set-cover
# merge copies into corpus/TARGET only those that add edges (counters are left out: they would
# add thousands of files). Crashers are written to
# $FUZZ_WORK/artifacts/: fix the bug, then add the crasher to corpus/TARGET as crash-<what>
# so that `meson test --suite fuzz` replays it from then on.
# One job only (-jobs=1): the machine is shared.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${1:?usage: run.sh TARGET [SECONDS] [BUILD_DIR]}
secs=${2:-600}
build=$(cd "${3:-$root/build-fuzz}" && pwd) # absolute: the fuzzer runs from $FUZZ_WORK
work=${FUZZ_WORK:-/tmp/migplan-fuzz}
bin=$build/tests/fuzz/${target}_fuzzer
corpus=$here/corpus/$target
[ -x "$bin" ] || { echo "no $bin: build with -Dfuzzing=true" >&2; exit 1; }
mkdir -p "$work/$target" "$work/artifacts"
dict=()
[ -f "$here/$target.dict" ] && dict=(-dict="$here/$target.dict")
cd "$work"
# detect_leaks: a leak on an error path is a bug like any other
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$bin" "${dict[@]}" -jobs=1 -workers=1 -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/artifacts/$target-" -print_final_stats=1 \
	"$work/$target" "$corpus" || true
cat "$work/fuzz-0.log" 2>/dev/null | tail -30
"$bin" "${dict[@]}" -set_cover_merge=1 -use_counters=0 "$corpus" "$work/$target" 2>&1 | tail -2
ls "$work/artifacts" | grep "^$target-" || echo "no crashers for $target"
