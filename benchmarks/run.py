"""Time every benchmark case: median of several runs and peak traced memory.

Each ``benchmarks/bench_*.py`` module defines ``CASES``, a list of
``(name, callable)`` or ``(name, callable, peer)`` tuples; ``peer`` names the
peer package a case measures (for side-by-side rows). A module may define
``setup()`` returning nothing; it runs once before its cases. Cases whose
peer package is not installed are reported as skipped.

Usage::

    python benchmarks/run.py [--repeat 5] [--only digits,turnout]

Benchmarks are not part of the test command; they run with ``make bench``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(func, repeat: int) -> tuple[float, float]:
    """Median wall time (s) over ``repeat`` runs and peak traced memory (MB)."""
    func()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    gc.collect()
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated module suffixes")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        family = path.stem.removeprefix("bench_")
        if only and family not in only:
            continue
        module = _load(path)
        if hasattr(module, "setup"):
            module.setup()
        for case in module.CASES:
            name, func, peer = (*case, "forensics")[:3] if len(case) == 2 else case
            try:
                median, peak = measure(func, args.repeat)
            except ModuleNotFoundError as exc:
                rows.append((family, name, peer, "skipped", f"({exc.name} not installed)"))
                continue
            rows.append((family, name, peer, f"{median * 1e3:10.1f} ms", f"{peak:8.1f} MB"))
            print(f"  {family}/{name} [{peer}]: {median * 1e3:.1f} ms", file=sys.stderr)
    header = ("family", "case", "package", "median", "peak memory")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
