#!/usr/bin/env python3
"""Checks the links of the repository's Markdown: every link must be relative and name a file or
folder inside the repository that exists. Prints each bad link and exits 1 if there is one.

    python3 infra/scripts/check-links.py            (README.md, bench/*.md, docs/*.md, infra/*.md)
    python3 infra/scripts/check-links.py FILE...
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT = ["README.md", "bench/*.md", "docs/*.md", "infra/*.md"]

# [text](target) and ![alt](target), an optional "title" after the target; <scheme:...> autolinks.
INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]+)>")
FENCE = re.compile(r"^\s*(```|~~~)")


def links(text):
    """Yields (line number, target) outside fenced code blocks and inline code."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        line = re.sub(r"`[^`]*`", "", line)
        for match in INLINE.finditer(line):
            yield number, match.group(1)
        for match in AUTOLINK.finditer(line):
            yield number, match.group(1)


def problem(source, target):
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("//"):
        return "points outside the repository"
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None  # a heading on the same page
    resolved = (ROOT / path.lstrip("/")) if path.startswith("/") else (source.parent / path)
    resolved = resolved.resolve()
    if ROOT not in resolved.parents and resolved != ROOT:
        return "leaves the repository"
    if not resolved.exists():
        return "does not exist"
    return None


def main(arguments):
    patterns = arguments or DEFAULT
    files = sorted({f for p in patterns for f in ROOT.glob(p) if f.is_file()})
    bad = 0
    for source in files:
        for number, target in links(source.read_text(encoding="utf-8")):
            if why := problem(source, target):
                bad += 1
                print(f"{source.relative_to(ROOT)}:{number}: {target} {why}")
    print(f"{len(files)} files checked, {bad} bad links")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
