"""Integer-percentage test (forensics.spikes).

Hand-made stations with the arithmetic in comments, the exact null against
brute force and Monte Carlo, calibration and power on simulated elections,
and the real positive (Russia 2011, 2012) and negative (Poland 2020,
Germany 2024) controls.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forensics import datasets
from forensics.election import Election
from forensics.spikes import _integer_probabilities, _near_integer, integer_percentage_test


def _election(reg, ballots, votes):
    reg, ballots, votes = (np.asarray(a, dtype=np.int64) for a in (reg, ballots, votes))
    df = pd.DataFrame(
        {"registered": reg, "ballots": ballots, "invalid": 0, "A": votes, "B": ballots - votes}
    )
    return Election.from_frame(
        df,
        candidates=["A", "B"],
        registered="registered",
        ballots="ballots",
        invalid="invalid",
        leader="A",
    )


def simulate(n_stations, rng, *, round_frac=0.0):
    """A clean election: binomial counts at station sizes 200-2000 (optionally rounded)."""
    reg = rng.integers(200, 2000, n_stations)
    t = np.clip(rng.normal(0.6, 0.08, n_stations), 0.05, 0.95)
    ballots = rng.binomial(reg, t)
    votes = rng.binomial(ballots, np.clip(rng.normal(0.5, 0.08, n_stations), 0.05, 0.95))
    if round_frac:
        # written-in results: turnout set to the nearest integer percentage
        k = rng.random(n_stations) < round_frac
        ballots[k] = np.round(reg[k] * np.round(100 * ballots[k] / reg[k]) / 100).astype(int)
        votes = np.minimum(votes, ballots)
    return _election(reg, ballots, votes)


def test_observed_counts_hand_made():
    # A: 100/200 = 50 % turnout, 33/100 = 33 % share -> both integer
    # C: 555/1000 = 55.5 % turnout (no), 111/555 = 20 % share (yes)
    # D: 1001/2000 = 50.05 %: 100*1001 mod 2000 = 100 <= 0.05*2000 = 100 (edge, included);
    #    500/1001 = 49.95 %: 50000 mod 1001 = 951, min(951, 50) = 50 <= 50.05 -> integer
    # B: 101/300 = 33.67 %, 50/101 = 49.50 % -> neither;  E: 50 registered < 100 -> excluded
    e = _election([200, 300, 1000, 2000, 50], [100, 101, 555, 1001, 25], [33, 50, 111, 500, 10])
    r = integer_percentage_test(e)
    tab = r.table.set_index(["quantity", "weight"])
    assert (r.n, r.n_excluded) == (4, 1)
    assert tab.loc[("turnout", "stations"), "observed"] == 2  # A, D
    assert tab.loc[("share", "stations"), "observed"] == 3  # A, C, D
    assert tab.loc[("either", "stations"), "observed"] == 3  # A, C, D
    assert tab.loc[("turnout", "registered"), "observed"] == 200 + 2000
    # deterministic: a second run gives the same table
    pd.testing.assert_frame_equal(r.table, integer_percentage_test(e).table)


def test_exact_probability_matches_brute_force():
    rng = np.random.default_rng(1)
    n = rng.integers(1, 400, 200).astype(float)
    p = rng.uniform(0, 1, 200)
    p[:3] = [0.0, 1.0, 0.5]
    prob, by_int, _ = _integer_probabilities(n, p, 0.05)
    brute = []
    for m, q in zip(n.astype(int), p, strict=True):
        k = np.arange(m + 1)
        brute.append(stats.binom.pmf(k, m, q)[_near_integer(k, float(m), 0.05)].sum())
    np.testing.assert_allclose(prob, brute, atol=1e-12)
    np.testing.assert_allclose(by_int.sum(), prob.sum(), rtol=1e-12)
    assert prob[0] == pytest.approx(1.0)
    assert prob[1] == pytest.approx(1.0)


def test_exact_agrees_with_monte_carlo():
    e = simulate(3000, np.random.default_rng(2))
    ex = integer_percentage_test(e, method="exact").table
    mc = integer_percentage_test(e, method="montecarlo", n_resamples=400, rng=3).table
    # MC mean within 4 MC standard errors (sd / sqrt(B)) of the exact expectation
    se = ex["sd"] / np.sqrt(400)
    assert np.all(np.abs(mc["expected"] - ex["expected"]) < 4 * se)
    # MC SD within 20 % of the exact SD (sampling error of an SD from 400 draws ~ 3.5 %)
    np.testing.assert_allclose(mc["sd"], ex["sd"], rtol=0.2)


def test_calibration_and_power():
    rng = np.random.default_rng(4)
    reps = 100
    p_clean = np.array([integer_percentage_test(simulate(1000, rng)).pvalue for _ in range(reps)])
    size = (p_clean < 0.05).mean()
    # binomial SE at alpha = 0.05 and 100 runs: 0.022; allow ~3 SE above
    assert size < 0.12
    # p-values roughly uniform: mean 0.5 with SE 0.029
    assert abs(p_clean.mean() - 0.5) < 0.1
    p_fraud = [
        integer_percentage_test(simulate(1000, rng, round_frac=0.1)).pvalue for _ in range(10)
    ]
    assert np.mean(np.array(p_fraud) < 0.05) >= 0.9


def test_bad_input():
    e = simulate(50, np.random.default_rng(5))
    with pytest.raises(ValueError, match="method"):
        integer_percentage_test(e, method="mc")
    with pytest.raises(ValueError, match="window"):
        integer_percentage_test(e, window=0.5)
    with pytest.raises(ValueError, match="candidate"):
        integer_percentage_test(e, "Z")


# --------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def data():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR not set")
    cache = {}

    def get(name):
        if name not in datasets.available():
            pytest.skip(f"dataset {name} not registered")
        if name not in cache:
            cache[name] = datasets.load(name)
        return cache[name]

    return get


@pytest.mark.parametrize("name", ["russia-2011", "russia-2012"])
def test_russia_integer_excess(data, name):
    # Kobak, Shpilkin & Pshenichnikov (2016, AoAS 10:54, abstract): in every federal
    # election since 2004 integer turnout and/or leader result are "much higher than
    # expected by pure chance". Measured here (either, stations): 2011 excess 970 +- 115
    # (z = 8.5), 2012 excess 1148 +- 115 (z = 10.0).
    r = integer_percentage_test(data(name))
    tab = r.table.set_index(["quantity", "weight"])
    assert r.pvalue < 1e-10
    assert tab.loc[("either", "stations"), "z"] > 6
    assert tab.loc[("either", "registered"), "pvalue"] < 1e-10
    assert r.n > 85_000


@pytest.mark.parametrize("name", ["poland-2020-r2", "germany-2024-ep"])
def test_clean_controls_no_integer_excess(data, name):
    r = integer_percentage_test(data(name))
    assert (r.table["pvalue"] > 0.01).all()


def test_russia_exact_vs_monte_carlo(data):
    e = data("russia-2011")
    ex = integer_percentage_test(e).table
    mc = integer_percentage_test(e, method="montecarlo", n_resamples=100, rng=42).table
    assert np.all(np.abs(mc["expected"] - ex["expected"]) < 4 * ex["sd"] / np.sqrt(100))
