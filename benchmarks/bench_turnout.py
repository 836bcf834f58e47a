"""Turnout-vs-share and spike tests on Russia 2011 (95,225 stations) from FORENSICS_DATA_DIR.

Targets: exact integer test < 2 s; Monte Carlo with 1,000
resamples < 30 s; a fingerprint < 1 s; the coarse-share (RKD) test with its
default 1,000 resamples < 2 minutes. The peer row times
``kobak_loop_mc``, our reference implementation of the notebook approach
(Kobak, Shpilkin & Pshenichnikov 2016; dkobak/elections): the same null,
one Python iteration per resample.
"""

from __future__ import annotations

import os

import numpy as np

from forensics import datasets
from forensics.spikes import coarse_share_test, integer_percentage_test, small_station_test
from forensics.turnout import fingerprint, shape_test, turnout_share_test

CASES = []
_E = {}


def setup() -> None:
    if os.environ.get("FORENSICS_DATA_DIR") and "russia-2011" in datasets.available():
        _E["e"] = datasets.load("russia-2011")


def kobak_loop_mc(election, *, n_resamples=1000, window=0.05, seed=42):
    """Reference implementation of the notebook approach, for timing only.

    Written for this benchmark (not copied) after Kobak et al. (2016,
    Annals of Applied Statistics 10:54, doi:10.1214/16-AOAS904) and their
    public notebooks: keep stations with registered >= 100, ballots > 0 and
    turnout and leader share <= 99 %; then, in a plain loop over resamples,
    draw every station's ballots ~ Bin(registered, t) and leader ~
    Bin(ballots, r), and count the stations whose turnout or share in
    percent lies within ``window`` of an integer (float rounding). Returns
    the observed count, the null mean and SD. Same null and inclusion rules
    as ``integer_percentage_test(method="montecarlo")``, which draws the
    resamples in vectorised blocks instead.
    """
    reg = election.counts("registered")
    ballots = election.counts("ballots")
    leader = election.counts(election.leader)
    with np.errstate(divide="ignore", invalid="ignore"):
        t, r = 100 * ballots / reg, 100 * leader / ballots
    keep = (reg >= 100) & (ballots > 0) & (t <= 99) & (r <= 99)
    n_reg, n_bal = reg[keep].astype(np.int64), ballots[keep].astype(np.int64)
    pt, pr = t[keep] / 100, r[keep] / 100

    def near(x):
        return np.abs(x - np.round(x)) <= window + 1e-9

    observed = int(np.sum(near(t[keep]) | near(r[keep])))
    rng = np.random.default_rng(seed)
    null = np.empty(n_resamples)
    for i in range(n_resamples):
        ts = 100 * rng.binomial(n_reg, pt) / n_reg
        rs = 100 * rng.binomial(n_bal, pr) / n_bal
        null[i] = np.sum(near(ts) | near(rs))
    return observed, null.mean(), null.std(ddof=1)


if os.environ.get("FORENSICS_DATA_DIR"):
    CASES = [
        ("fingerprint russia-2011", lambda: fingerprint(_E["e"])),
        ("integer exact russia-2011", lambda: integer_percentage_test(_E["e"])),
        (
            "integer montecarlo 1000 russia-2011",
            lambda: integer_percentage_test(_E["e"], method="montecarlo", rng=42),
        ),
        (
            "integer montecarlo 1000 russia-2011 (plain loop)",
            lambda: kobak_loop_mc(_E["e"]),
            "kobak notebook (reference loop)",
        ),
        ("association russia-2011", lambda: turnout_share_test(_E["e"])),
        ("shape n_resamples=1000 russia-2011", lambda: shape_test(_E["e"], rng=0)),
        ("coarse share RKD 1000 resamples russia-2011", lambda: coarse_share_test(_E["e"], rng=0)),
        (
            "small stations tik binomial 1000 russia-2011",
            lambda: small_station_test(_E["e"], level="tik", rng=0),
        ),
        (
            "small stations tik permutation 1000 russia-2011",
            lambda: small_station_test(_E["e"], level="tik", null="permutation", rng=0),
        ),
    ]
