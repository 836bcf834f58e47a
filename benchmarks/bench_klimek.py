"""Klimek et al. (2012) model: simulation and fit at Russia's scale (~95,000 stations).

Target (issue 6): a fit with a 20 x 20 grid in f_i x f_e and 10 realisations in
under 2 minutes on 2 cores; one simulated realisation in a few ms.
"""

from __future__ import annotations

import os
from functools import partial

import numpy as np

from forensics.klimek import _DEFAULT_GRID, fit, simulate
from forensics.shpilkin import shpilkin

SIZES = np.random.default_rng(0).integers(100, 3000, 95_000)
FAIR = dict(turnout_mean=0.55, turnout_sd=0.08, share_mean=0.40, share_sd=0.08)
SIM = simulate(SIZES, **FAIR, f_incremental=0.3, f_extreme=0.02, alpha=2.0, theta=0.3, rng=1)
GRID_20x20 = {k: v for k, v in _DEFAULT_GRID.items() if k != "alpha"} | {"alpha": [2.0]}

CASES = [
    ("simulate_95k", partial(simulate, SIZES, **FAIR, f_incremental=0.3, f_extreme=0.02, rng=2)),
    (
        "fit_95k_20x20_10real",
        partial(fit, SIM, grid=GRID_20x20, n_realizations=10, n_bootstrap=100, rng=3),
    ),
    ("shpilkin_95k", partial(shpilkin, SIM)),
]
if os.environ.get("FORENSICS_DATA_DIR"):
    from forensics import datasets

    if "russia-2011" in datasets.available():
        RUSSIA = datasets.load("russia-2011")
        CASES.append(
            (
                "fit_russia2011_20x20x5_10real",
                partial(fit, RUSSIA, n_realizations=10, n_bootstrap=100, criterion="chi2", rng=4),
            )
        )
