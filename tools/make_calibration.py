"""Regenerate ``forensics/calibration_size.csv``, the battery's calibration table.

Usage (from the repository root, with the data mirror in ``FORENSICS_DATA_DIR``)::

    python tools/make_calibration.py [--workers 2] [--out forensics/calibration_size.csv]

Runs :func:`forensics.calibration.measure_calibration` with its defaults
and writes the table; it took about 45 minutes on 2 cores shared with other work (the
simulator runs on each control's full set of stations, 200 elections each).
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from forensics.calibration import TABLE_PATH, measure_calibration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=TABLE_PATH)
    args = parser.parse_args()
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        table = measure_calibration(executor=pool)
    table.to_csv(args.out, index=False, float_format="%.6g")
    print(table.to_string())
    print(f"{len(table)} rows written to {args.out} in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
