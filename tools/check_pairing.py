"""Check, read-only, that each notebook and its py:percent twin hold the same code.

Exit status 1 names every notebook whose twin is missing or out of sync. Never
syncs: the direction of a sync would depend on file times.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext


def main(paths: list[str]) -> int:
    failures = []
    for name in paths:
        nb_path = Path(name)
        twin = nb_path.with_suffix(".py")
        if not twin.is_file():
            failures.append(f"{nb_path}: paired script {twin} is missing")
            continue
        expected = jupytext.writes(jupytext.read(nb_path), fmt="py:percent")
        if twin.read_text(encoding="utf-8") != expected:
            failures.append(
                f"{nb_path}: {twin} is out of sync; run `jupytext --sync {nb_path}` "
                "locally after checking which side is newer"
            )
    for failure in failures:
        print(failure)
    print(f"pairing: {len(paths) - len(failures)} in sync, {len(failures)} not")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
