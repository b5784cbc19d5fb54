#!/bin/sh
# usage: expect-exit.sh CODE PROGRAM ARGS...: run PROGRAM and succeed only if it exits with CODE.
want=$1
shift
"$@"
got=$?
[ "$got" = "$want" ] && exit 0
echo "expected exit code $want, got $got" >&2
exit 1
