#!/bin/sh
# Every public header compiles alone as C99 -pedantic and as C++ (usage: headers.sh SRC_INCLUDE BUILD_INCLUDE CC CXX).
set -u
src=$1 bld=$2 cc=$3 cxx=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for h in "$src"/migplan.h "$src"/migplan/*.h; do
  rel=${h#"$src"/}
  printf '#include <%s>\nint migplan_header_test_%s;\n' "$rel" "$(echo "$rel" | tr -c 'a-zA-Z0-9\n' _)" >"$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  n=$((n + 1))
  if ! "$cc" -std=c99 -pedantic -Wall -Wextra -Werror -I"$src" -I"$bld" -c "$tmp/t.c" -o "$tmp/t.o"; then
    echo "not ok: $rel as C99"; fail=1
  fi
  if ! "$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -I"$src" -I"$bld" -c "$tmp/t.cpp" -o "$tmp/t.o"; then
    echo "not ok: $rel as C++"; fail=1
  fi
done
echo "$n headers checked"
exit $fail
