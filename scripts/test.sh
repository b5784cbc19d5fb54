#!/usr/bin/env bash
# Run every test: the normal build with -Werror, then the same suites under AddressSanitizer
# and UndefinedBehaviorSanitizer. Prints one summary line per configuration and a last line
# `N passed, N failed` over all of them; exits non-zero on any failure.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh --deps || exit 1

passed=0 failed=0 skipped=0

count_results() { # $1 = build dir: reads meson's machine-readable test log
  /usr/bin/python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
try:
    with open(sys.argv[1]) as fh:
        for line in fh:
            r = json.loads(line).get("result")
            if r in ("OK", "EXPECTEDFAIL"): p += 1
            elif r == "SKIP": s += 1
            else: f += 1
except FileNotFoundError:
    f = 1
print(p, f, s)
PY
}

run_config() { # $1 = build dir, $2 = label, rest = meson options; suites after --
  local dir=$1 label=$2; shift 2
  local opts=() suites=()
  while (($#)); do [ "$1" = -- ] && { shift; break; }; opts+=("$1"); shift; done
  suites=("$@")
  if [ ! -d "$dir" ]; then
    meson setup "$dir" "${opts[@]}" >/dev/null || { echo "$label: meson setup failed"; failed=$((failed + 1)); return; }
  else
    meson configure "$dir" "${opts[@]}" >/dev/null
  fi
  if ! ninja -C "$dir" >"$dir/build.log" 2>&1; then
    cat "$dir/build.log" | tail -40
    echo "$label: build failed"; failed=$((failed + 1)); return
  fi
  local args=()
  for s in "${suites[@]}"; do args+=(--suite "$s"); done
  meson test -C "$dir" --print-errorlogs "${args[@]}" >"$dir/test.log" 2>&1
  grep -E "^ *[0-9]+/[0-9]+ " "$dir/test.log" | sed "s/^/$label: /"
  read -r p f s < <(count_results "$dir")
  echo "$label: $p passed, $f failed, $s skipped"
  if [ "$f" != 0 ]; then sed -n '/^=* [0-9]*\/[0-9]* /,$p' "$dir/test.log" | head -200; fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

run_config build-test "release" -Dwerror=true
run_config build-asan "asan+ubsan" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -- unit

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
