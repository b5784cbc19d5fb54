#!/usr/bin/python3
"""ABI guard: the library exports exactly the symbols of the version script, each of them is
declared in a public header with MIGPLAN_API, and every MIGPLAN_API declaration is exported.

usage: check-symbols.py LIBRARY MAPFILE INCLUDEDIR...
"""
import pathlib
import re
import subprocess
import sys


def map_symbols(path):
    text = re.sub(r"/\*.*?\*/", "", pathlib.Path(path).read_text(), flags=re.S)
    syms = set()
    for block in re.finditer(r"global:(.*?)(?:local:|\})", text, flags=re.S):
        syms.update(s.strip() for s in block.group(1).split(";") if s.strip())
    return syms


def exported_symbols(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRV":
            syms.add(parts[2].split("@")[0])
    return syms


def header_symbols(incdirs):
    syms = set()
    for h in (h for d in incdirs for h in pathlib.Path(d).rglob("*.h")):
        text = re.sub(r"/\*.*?\*/", "", h.read_text(), flags=re.S)
        for m in re.finditer(r"MIGPLAN_API\s+[^;]*?\b(migplan_\w+)\s*\(", text, flags=re.S):
            syms.add(m.group(1))
    return syms


def main():
    lib, mapfile, incdirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    in_map, exported, declared = map_symbols(mapfile), exported_symbols(lib), header_symbols(incdirs)
    problems = []
    for name, got in (("exported but not in the version script", exported - in_map),
                      ("in the version script but not exported", in_map - exported),
                      ("declared MIGPLAN_API but not exported", declared - exported),
                      ("exported but not declared in a public header", exported - declared),
                      ("without the migplan_ prefix", {s for s in exported if not s.startswith("migplan_")})):
        for s in sorted(got):
            problems.append(f"{s}: {name}")
    for p in problems:
        print(p)
    print(f"{len(exported)} exported symbols, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
