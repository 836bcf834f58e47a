"""Klimek et al. (2012) model: simulation and fit at Russia's scale (~95,000 stations).

Targets: a fit with the default grid (100 f_i x 41 f_e values) and 10 realisations
in a few seconds, serially on one core; every bootstrap replicate re-estimates the
fair parameters and refits; the goodness-of-fit check refits each simulated
election. The parts are timed separately and together (the default call).
"""

from __future__ import annotations

import os
from functools import partial

import numpy as np

from forensics.klimek import fit, simulate
from forensics.shpilkin import shpilkin

SIZES = np.random.default_rng(0).integers(100, 3000, 95_000)
FAIR = dict(turnout_mean=0.55, turnout_sd=0.08, share_mean=0.40, share_sd=0.08)
SIM = simulate(SIZES, **FAIR, f_incremental=0.3, f_extreme=0.02, alpha=2.0, theta=0.3, rng=1)
ALPHA2 = {"alpha": [2.0]}  # default 100 x 41 grid in f_i x f_e, one alpha

CASES = [
    ("simulate_95k", partial(simulate, SIZES, **FAIR, f_incremental=0.3, f_extreme=0.02, rng=2)),
    (
        "fit_95k_100x41_10real",
        partial(fit, SIM, grid=ALPHA2, n_realizations=10, n_resamples=0, n_gof=0, rng=3),
    ),
    (
        "fit_95k_100x41_10real_200boot",
        partial(fit, SIM, grid=ALPHA2, n_realizations=10, n_resamples=200, n_gof=0, rng=3),
    ),
    (
        "fit_95k_100x41_10real_100gof",
        partial(fit, SIM, grid=ALPHA2, n_realizations=10, n_resamples=0, n_gof=100, rng=3),
    ),
    ("shpilkin_95k", partial(shpilkin, SIM)),
]
if os.environ.get("FORENSICS_DATA_DIR"):
    from forensics import datasets

    if "russia-2011" in datasets.available():
        RUSSIA = datasets.load("russia-2011")
        CASES += [
            (
                "fit_russia2011_100x41x5_10real",
                partial(fit, RUSSIA, n_resamples=0, n_gof=0, rng=4),
            ),
            (
                "fit_russia2011_default_200boot_100gof",
                partial(fit, RUSSIA, rng=4),
            ),
        ]
