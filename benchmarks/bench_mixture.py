"""Finite-mixture fraud model: national fit at Russia's scale, and a coverage study.

Target: the national fit on Russia 2011 (~91,000 stations with >= 100 voters) in under
2 minutes on 2 cores including the parametric bootstrap (50 replicates through a
2-process pool). ``python benchmarks/bench_mixture.py --coverage`` runs the coverage
study of the bootstrap intervals (minutes; not part of ``run.py``).
"""

from __future__ import annotations

import argparse
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from forensics.digits import ForensicsWarning
from forensics.mixture import fit_mixture, simulate_mixture

FAIR = dict(turnout=0.55, share=0.45, rho_turnout=0.01, rho_share=0.02, theta=0.15, alpha=2.0)
SIZES = np.random.default_rng(0).integers(100, 3000, 95_000)
SIM = simulate_mixture(SIZES, **FAIR, pi=(0.8, 0.15, 0.05), rng=1)


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForensicsWarning)
        return func(*args, **kwargs)


def _fit_with_pool(election, n_resamples: int, rng: int):
    with ProcessPoolExecutor(max_workers=2) as pool:
        return _quiet(fit_mixture, election, n_resamples=n_resamples, rng=rng, executor=pool)


CASES = [
    ("simulate_95k", partial(simulate_mixture, SIZES, **FAIR, pi=(0.8, 0.15, 0.05), rng=2)),
    ("fit_95k_no_bootstrap", partial(_quiet, fit_mixture, SIM, n_resamples=0, rng=3)),
]
if os.environ.get("FORENSICS_DATA_DIR"):
    from forensics import datasets

    if "russia-2011" in datasets.available():
        RUSSIA = datasets.load("russia-2011")
        CASES += [
            (
                "fit_russia2011_no_bootstrap",
                partial(_quiet, fit_mixture, RUSSIA, n_resamples=0, rng=4),
            ),
            ("fit_russia2011_boot50_2proc", partial(_fit_with_pool, RUSSIA, 50, 4)),
        ]

# ------------------------------------------------------------- coverage study
TRUTHS = [(1.0, 0.0, 0.0), (0.9, 0.1, 0.0), (0.8, 0.15, 0.05), (0.6, 0.3, 0.1)]


def _one(task: tuple) -> dict:
    truth, seed, sizes, n_resamples = task
    e = simulate_mixture(sizes, **FAIR, pi=truth, rng=seed)
    r = _quiet(fit_mixture, e, n_resamples=n_resamples, rng=seed + 1)
    row = {"truth": str(truth), "seed": seed, "gof_p": r.pvalue}
    for name, est, ci, true in zip(
        ("none", "incremental", "extreme"),
        r.pi,
        (r.pi_none_ci, r.pi_incremental_ci, r.pi_extreme_ci),
        truth,
        strict=True,
    ):
        row[f"err_{name}"] = est - true
        # a true weight of 0 counts as covered when the interval starts at (about) 0
        row[f"cover_{name}"] = ci[0] - 1e-3 <= true <= ci[1] + 1e-3
    return row


def coverage_study(
    n_datasets: int = 20, n_stations: int = 3000, n_resamples: int = 39, workers: int = 2
) -> pd.DataFrame:
    """Coverage of the 95 % percentile intervals and bias of the weights, per truth.

    Station sizes are drawn from Russia 2011's stations with >= 100 voters when the
    data mirror is available, else uniform on [100, 3000).
    """
    gen = np.random.default_rng(20111204)
    if os.environ.get("FORENSICS_DATA_DIR"):
        from forensics import datasets

        reg = datasets.load("russia-2011").counts("registered")
        reg = reg[np.isfinite(reg) & (reg >= 100)]
        sizes = gen.choice(reg, n_stations, replace=False).astype(int)
    else:
        sizes = gen.integers(100, 3000, n_stations)
    tasks = [
        (t, 1000 * k + i, sizes, n_resamples)
        for k, t in enumerate(TRUTHS)
        for i in range(n_datasets)
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(_one, tasks))
    df = pd.DataFrame(rows)
    cols = [c for c in df.columns if c.startswith(("err_", "cover_"))] + ["gof_p"]
    summary = df.groupby("truth", sort=False)[cols].mean()
    summary["gof_p<0.05"] = df.groupby("truth", sort=False)["gof_p"].apply(
        lambda p: (p < 0.05).mean()
    )
    return summary


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coverage", action="store_true")
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--stations", type=int, default=3000)
    parser.add_argument("--bootstrap", type=int, default=39)
    args = parser.parse_args()
    if args.coverage:
        pd.set_option("display.width", 200)
        print(coverage_study(args.datasets, args.stations, args.bootstrap).round(3).to_string())
