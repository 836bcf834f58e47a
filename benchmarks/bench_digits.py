"""Digit tests on 10^6 counts, side by side with the peers.

Target: each test with an analytic null under 20 ms; at least 5x
faster than ``benford_py`` and 20x faster than ``benfordslaw`` on the same
input. The peers are timed only when installed (``pip install benford-py
benfordslaw`` into the venv, never into the lock); otherwise the runner
reports their rows as skipped. The simulated null is timed over 20 resamples
on a 10^4-station synthetic election (divide by 20 for the cost per resample).

Our first-digit row includes everything ``first_digit_test`` reports: χ², G,
MAD with its label and excess, and the KS statistic with its p-value from
2,000 multinomial draws. ``benford_py`` is timed with χ², KS and MAD and no
plot (the fair row), and with its defaults, which also draw a matplotlib
figure (closed after each call); ``benfordslaw`` with ``method="chi2"``
(χ² and MAD). The numpy rows are plain digit counts with no statistic at
all: the floor of the log10 one is the baseline any test must pay for.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from forensics import Election
from forensics.digits import (
    ForensicsWarning,
    digit_pair_test,
    first_digit_test,
    last_digit_test,
    round_number_test,
    second_digit_test,
)

warnings.simplefilter("ignore", ForensicsWarning)

_rng = np.random.default_rng(0)
COUNTS = np.floor(10 ** _rng.uniform(0, 6, 10**6)).astype(np.int64) + 1
_reg = _rng.integers(200, 2500, 10_000)
_b = _rng.binomial(_reg, 0.6)
TEMPLATE = Election.from_frame(
    pd.DataFrame({"reg": _reg, "b": _b, "A": _rng.binomial(_b, 0.55)}).assign(
        B=lambda d: d.b - d.A
    ),
    candidates=["A", "B"],
    registered="reg",
    ballots="b",
)


def _benford_py():
    import benford  # benford_py

    benford.first_digits(
        pd.Series(COUNTS),
        digs=1,
        decimals=0,
        confidence=95,
        MAD=True,
        chi_square=True,
        KS=True,
        show_plot=False,
        verbose=False,
    )


def _benford_py_defaults():
    import benford  # benford_py
    import matplotlib.pyplot as plt

    benford.first_digits(pd.Series(COUNTS), digs=1, verbose=False)  # draws its plot
    plt.close("all")


def _benfordslaw():
    from benfordslaw import benfordslaw

    benfordslaw(method="chi2", verbose=0).fit(COUNTS)


def _numpy_log10_first_digit():
    # Plain numpy: leading digit as floor(x / 10^floor(log10 x)), then a bincount.
    x = COUNTS[COUNTS > 0].astype(float)
    np.bincount((x / 10.0 ** np.floor(np.log10(x))).astype(np.int64), minlength=10)[1:10]


def _numpy_str_first_digit():
    s = COUNTS.astype(str).astype("U1")
    np.unique(s, return_counts=True)


CASES = [
    ("first digit 1e6", lambda: first_digit_test(COUNTS, rng=0)),
    ("first two digits 1e6", lambda: first_digit_test(COUNTS, digits=2, rng=0)),
    ("second digit 1e6", lambda: second_digit_test(COUNTS, rng=0)),
    ("last digit 1e6", lambda: last_digit_test(COUNTS)),
    ("C05s 1e6", lambda: round_number_test(COUNTS)),
    ("digit pairs 1e6", lambda: digit_pair_test(COUNTS)),
    (
        "2BL simulated null, 1e4 stations, 20 resamples",
        lambda: second_digit_test(TEMPLATE, null="simulated", n_sim=20, rng=0),
    ),
    ("first digit 1e6 (chi2, KS, MAD; no plot)", _benford_py, "benford_py"),
    ("first digit 1e6 (defaults: draws a plot)", _benford_py_defaults, "benford_py"),
    ("first digit 1e6 (chi2, MAD)", _benfordslaw, "benfordslaw"),
    ("first digit count 1e6 (log10, bincount)", _numpy_log10_first_digit, "numpy"),
    ("first digit count 1e6 (str slicing)", _numpy_str_first_digit, "numpy"),
]
