"""Power study on Venezuela 2024 V1 (24,532 tables) from FORENSICS_DATA_DIR.

Target: the default study (200 simulations per condition, every
battery test, the default scenarios) under 10 minutes on 2 cores. The
``CASES`` time one simulated election through the whole battery and a
10-simulation study; ``python benchmarks/bench_power.py`` runs the full
default study once with a 2-process executor and prints its wall time and
table (it takes minutes, so it is not a ``CASES`` entry).
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from forensics import datasets
from forensics.power import corner_rule, power_study
from forensics.simulate import clean_election

CASES = []
_E = {}


def setup() -> None:
    if os.environ.get("FORENSICS_DATA_DIR") and "venezuela-2024-v1" in datasets.available():
        _E["e"] = datasets.load("venezuela-2024-v1")


def full_study(workers: int = 2, n_sim: int = 200):
    """The default study with ``workers`` processes; returns (seconds, table)."""
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        table = power_study(
            template=_E["e"],
            tests=None,
            n_sim=n_sim,
            rng=20240728,
            executor=pool,
        )
    return time.perf_counter() - t0, table


if os.environ.get("FORENSICS_DATA_DIR"):
    CASES = [
        (
            "clean election (regions) venezuela-2024-v1",
            lambda: clean_election(_E["e"], rng=1, regions=True),
        ),
        (
            "power study n_sim=10 corner rule venezuela-2024-v1",
            lambda: power_study(template=_E["e"], tests=[corner_rule()], n_sim=10, rng=1),
        ),
    ]


if __name__ == "__main__":
    import pandas as pd

    setup()
    if "e" not in _E:
        sys.exit("set FORENSICS_DATA_DIR to a folder holding venezuela-2024-v1")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seconds, table = full_study(n_sim=n)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    cols = ["test", "scenario", "value", "n_run", "rate", "ci_low", "ci_high"]
    print(table[cols].to_string(index=False, float_format="%.3f"))
    print(f"default study, n_sim={n}, 2 processes: {seconds:.1f} s")
