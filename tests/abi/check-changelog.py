#!/usr/bin/python3
"""ABI guard, the CHANGELOG part: every symbol of the version script is listed in the
**API/ABI** subsection of the release its node belongs to.

A node `MIGPLAN_X.Y` belongs to the release `## [X.Y.Z]` (the first one of that minor
version), or to `## [Unreleased]` while no such release exists; `MIGPLAN_UNRELEASED` always
belongs to `## [Unreleased]`. A symbol counts as listed when its name appears there as a whole
word (`migplan_plan_load_buffer` or `migplan_plan_load_buffer()`, in a list or a sentence).

usage: check-changelog.py MAPFILE CHANGELOG
Prints what is missing, per release, ready to paste; exit 1 when anything is.
"""
import pathlib
import re
import sys


def map_nodes(path):
    """[(node, [symbols in file order])] from the version script."""
    text = re.sub(r"/\*.*?\*/", "", pathlib.Path(path).read_text(), flags=re.S)
    nodes = []
    for m in re.finditer(r"([\w.]+)\s*\{(.*?)\}\s*([\w.]+)?\s*;", text, flags=re.S):
        body = m.group(2)
        g = re.search(r"global:(.*?)(?:local:|$)", body, flags=re.S)
        syms = [s.strip() for s in g.group(1).split(";") if s.strip()] if g else []
        nodes.append((m.group(1), syms))
    return nodes


def releases(path):
    """{heading: text of its API/ABI subsection} for every `## [...]` section."""
    out = {}
    sections = re.split(r"^## ", pathlib.Path(path).read_text(), flags=re.M)
    for sec in sections[1:]:
        heading = sec.split("\n", 1)[0].strip()
        m = re.search(r"^### API/ABI[^\n]*\n(.*?)(?=^### |\Z)", sec, flags=re.S | re.M)
        out[heading] = m.group(1) if m else None
    return out


def release_for(node, rels):
    m = re.fullmatch(r"MIGPLAN_(\d+)\.(\d+)", node)
    if m:
        prefix = f"[{m.group(1)}.{m.group(2)}."
        for heading in rels:
            if heading.startswith(prefix):
                return heading
    for heading in rels:
        if heading.startswith("[Unreleased]"):
            return heading
    return None


def main():
    mapfile, changelog = sys.argv[1], sys.argv[2]
    nodes, rels = map_nodes(mapfile), releases(changelog)
    problems = 0
    total = 0
    for node, syms in nodes:
        total += len(syms)
        heading = release_for(node, rels)
        if heading is None:
            print(f"{node}: no release in {changelog} for this node (and no [Unreleased])")
            problems += len(syms) or 1
            continue
        listed = rels[heading]
        if listed is None:
            print(f"{node}: ## {heading} has no '### API/ABI' subsection")
            listed = ""
        missing = [s for s in syms if not re.search(r"(?<![\w])" + re.escape(s) + r"(?![\w])", listed)]
        if missing:
            problems += len(missing)
            print(f"{node}: {len(missing)} of {len(syms)} symbols are not in ## {heading}, ### API/ABI:")
            for s in missing:
                print(f"- `{s}`")
    print(f"{total} symbols in the version script, {problems} missing from {pathlib.Path(changelog).name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
