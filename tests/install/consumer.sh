#!/bin/sh
# A program outside the tree builds against the installed library through pkg-config alone:
# install into a temporary root, compile examples/01-load.c with
# `pkg-config --cflags --libs migplan` (no include path into the source tree), and run it.
# usage: consumer.sh BUILD_DIR SOURCE_ROOT CC [EXTRA_CFLAGS]
set -eu
build=$1 src=$2 cc=$3 extra=${4:-}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild >"$dest.log" 2>&1 || { cat "$dest.log"; exit 1; }
rm -f "$dest.log"
pc=$(find "$dest" -name migplan.pc | head -n 1)
[ -n "$pc" ] || { echo "migplan.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs migplan)
echo "pkg-config --cflags --libs migplan: $flags"
# examples/ holds common.h only; migplan.h must come from the installed headers
"$cc" -std=c99 -Wall -Wextra -Werror $extra -I"$src/examples" "$src/examples/01-load.c" $flags -o "$dest/consumer"
lib=$(find "$dest" -name 'libmigplan.so.0' | head -n 1)
LD_LIBRARY_PATH="$(dirname "$lib")" "$dest/consumer" "$src/examples/demo/migrations"
