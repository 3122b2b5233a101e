#!/usr/bin/env python3
"""Check or fill the entry digests of the credit ledgers in the test vectors.

This is an implementation of the digest chain described in docs/credits.md
("Entry digests") that shares no code with the library, written with
Python's standard library only. The shared test vectors get their digests
from it, never from the library's output, and a credit bank can use it as a
model for its own verifier.

Usage:
    scripts/ledger_digests.py [--write] [FILE_OR_FOLDER ...]

Without --write, every ledger in a vector request is verified: its chain
must be intact, unless the case expects `ledger_tampered` (or `required` for
a digest), and then the first broken entry must be the one the expected path
names. With --write, entries without a digest get one, chained to the entry
before them, and the files are written back in the vectors' layout (two
spaces of indentation, non-ASCII characters as themselves). Exits 1 when a
check fails. The default folder is tests/vectors.
"""

import hashlib
import json
import sys
from pathlib import Path

LEDGER_FORMAT = "xuetong.credit-ledger/1"
CHAIN_START = "0" * 64


def canonical(value):
    """Return the canonical JSON text of an entry: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(previous, entry):
    """Return the digest of `entry` (without its own digest) after `previous`."""
    content = {key: value for key, value in entry.items() if key != "digest"}
    text = previous + canonical(content)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_break(entries):
    """Return (index, reason) of the first entry that breaks the chain, or None."""
    previous = CHAIN_START
    for index, entry in enumerate(entries):
        if "digest" not in entry:
            return index, "required"
        if digest(previous, entry) != entry["digest"]:
            return index, "ledger_tampered"
        previous = entry["digest"]
    return None


def fill(entries):
    """Give every entry without a digest one; return how many were filled."""
    previous = CHAIN_START
    filled = 0
    for entry in entries:
        if "digest" not in entry:
            entry["digest"] = digest(previous, entry)
            filled += 1
        previous = entry["digest"]
    return filled


def ledgers(value, path):
    """Yield (path, ledger) for every ledger document inside `value`."""
    if isinstance(value, dict):
        if value.get("format") == LEDGER_FORMAT and isinstance(value.get("entries"), list):
            yield path, value
        for key, item in value.items():
            yield from ledgers(item, path + [key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from ledgers(item, path + [index])


def expected_break(case, ledger_path):
    """Return the (index, reason) that a case expects for the ledger at `ledger_path`."""
    for problem in case.get("expect", {}).get("problems", []):
        path = problem.get("path", [])
        prefix = ledger_path + ["entries"]
        if path[: len(prefix)] != prefix or len(path) <= len(prefix):
            continue
        index = path[len(prefix)]
        if problem.get("code") == "ledger_tampered" and len(path) == len(prefix) + 1:
            return index, "ledger_tampered"
        if problem.get("code") == "required" and path[len(prefix) + 1 :] == ["digest"]:
            return index, "required"
    return None


def vector_files(arguments):
    """Return the vector files named by the arguments, folders searched recursively."""
    paths = [Path(argument) for argument in arguments] or [Path("tests/vectors")]
    files = []
    for path in paths:
        files.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    return files


def main(arguments):
    write = "--write" in arguments
    names = [argument for argument in arguments if argument != "--write"]
    failures = []
    for file in vector_files(names):
        document = json.loads(file.read_text(encoding="utf-8"))
        changed = 0
        for case in document.get("cases", []):
            request_input = case.get("request", {}).get("input")
            for path, ledger in ledgers(request_input, []):
                if write:
                    changed += fill(ledger["entries"])
                found = first_break(ledger["entries"])
                expected = expected_break(case, path)
                if found != expected:
                    failures.append(
                        f"{file} / {case.get('name')}: ledger at input {path} breaks at "
                        f"{found}, expected {expected}"
                    )
        if write and changed:
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
            file.write_text(text, encoding="utf-8")
            print(f"{file}: {changed} digests filled")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
