#!/bin/bash -eu
# OSS-Fuzz build script: a plain loop over the *_fuzzer.c targets (as json-c's). OSS-Fuzz sets
# $CC, $CFLAGS (sanitizer and coverage flags), $LIB_FUZZING_ENGINE, $WORK and $OUT; libyaml
# and json-c come from the image (apt-get install libyaml-dev libjson-c-dev).
#
# Locally: CC=clang CFLAGS="-fsanitize=address,undefined,fuzzer-no-link -g" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer WORK=/tmp/w OUT=/tmp/o tests/fuzz/oss-fuzz-build.sh
src=$(cd "$(dirname "$0")/../.." && pwd)
gen=$WORK/migplan-include
mkdir -p "$gen/migplan" "$WORK/obj" "$OUT"
version=$(sed -n "s/^ *version: '\([0-9.]*\)'.*/\1/p" "$src/meson.build" | head -1)
IFS=. read -r major minor patch <<<"$version"
sed -e "s/@MAJOR@/$major/" -e "s/@MINOR@/$minor/" -e "s/@PATCH@/$patch/" -e "s/@VERSION@/$version/" \
	"$src/include/migplan/version.h.in" >"$gen/migplan/version.h"
deps=$(pkg-config --cflags --libs yaml-0.1 json-c)
inc="-I$gen -I$src/include -I$src/lib -D_POSIX_C_SOURCE=200809L -DMIGPLAN_BUILDING -DMIGPLAN_STATIC"
objs=()
for c in "$src"/lib/*.c; do
	o=$WORK/obj/$(basename "$c" .c).o
	$CC $CFLAGS -std=c11 $inc $(pkg-config --cflags yaml-0.1 json-c) -c "$c" -o "$o"
	objs+=("$o")
done
$CC $CFLAGS -std=c11 $inc -c "$src/tests/fuzz/fuzz_common.c" -o "$WORK/obj/fuzz_common.o"
for f in "$src"/tests/fuzz/*_fuzzer.c; do
	t=$(basename "$f" .c)
	$CC $CFLAGS -std=c11 $inc "$f" "$WORK/obj/fuzz_common.o" "${objs[@]}" $LIB_FUZZING_ENGINE \
		$deps -lm -ldl -lpthread -o "$OUT/$t"
	name=${t%_fuzzer}
	[ -f "$src/tests/fuzz/$name.dict" ] && cp "$src/tests/fuzz/$name.dict" "$OUT/$t.dict"
	(cd "$src/tests/fuzz/corpus/$name" && zip -q -r "$OUT/${t}_seed_corpus.zip" .) || true
done
