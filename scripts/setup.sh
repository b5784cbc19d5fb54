#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for libmigplan, build it, and run the main job on the
# bundled example.
#   scripts/setup.sh          install what is missing, build into build/, check the example
#   scripts/setup.sh --deps   only install what is missing (used by scripts/test.sh)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

debian_packages=(
  meson ninja-build pkg-config gcc g++ libyaml-dev libjson-c-dev
  swig python3-dev python3-pytest python3-yaml golang-go
  clang llvm libclang-rt-14-dev valgrind nodejs npm
)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come with a Node.js that is not Debian's; then it is not needed from apt.
if command -v npm >/dev/null 2>&1; then
  kept=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || kept+=("$p"); done
  missing=("${kept[@]+"${kept[@]}"}")
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The embedded ClickHouse engine (chDB), used by the conversion and rehearsal suites.
chdb_lib="$root/.chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"
if [ ! -f "$chdb_lib" ]; then
  echo "setup: installing chdb from npm into .chdb/" >&2
  npm install --silent --no-audit --no-fund --prefix "$root/.chdb" chdb >/dev/null 2>&1 ||
    echo "setup: warning: npm could not install chdb; engine-backed tests will be skipped" >&2
fi

[ "${1:-}" = "--deps" ] && exit 0

if [ ! -d build ]; then
  meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "setup: built libmigplan into build/; checking examples/demo/migrations" >&2
# The demo plan drops and recreates a table that a materialized view reads, so the check is
# expected to report errors and exit 3 (destructive operations not allowed). Only exit codes
# that mean the tool itself could not do its job (2: unreadable input, 64: usage) fail setup.
rc=0
build/cli/migplan check examples/demo/migrations || rc=$?
case $rc in
  0|1|3) echo "setup: done (migplan check exited $rc; see README, 'Exit codes')" >&2 ;;
  *) echo "setup: migplan check failed with exit code $rc" >&2; exit "$rc" ;;
esac
