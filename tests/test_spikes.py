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

from forensics import _integer_null, datasets
from forensics._integer_null import _integer_probabilities, _near_integer
from forensics.coarse_shares import _bin_mass, _kde_on_grid
from forensics.election import DataError, Election
from forensics.spikes import (
    coarse_share_test,
    integer_percentage_test,
    integer_profile,
    integer_split,
    small_station_test,
)


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


@pytest.mark.parametrize("window", [0.05, 0.1, 0.25, 0.45])
def test_near_integer_matches_float_definition(window):
    # Integer rule (100 k mod n within window * n of 0 or n) against the float definition
    # |100 k / n - round(100 k / n)| <= window, with the same closed window and relative
    # tolerance 1e-9 on its edge. Away from the edge the two agree trivially; on it the
    # float quotient is off by ~1e-14 pp, far inside the tolerance, while the nearest
    # count outside the window is at least 0.05 / n pp beyond it for these windows.
    rng = np.random.default_rng(31)
    n = rng.integers(1, 20_000, 200_000)
    k = rng.integers(0, n + 1)
    # edge cases: n = 2000 a gives a window of window * n / 100 = 20 a window counts, an
    # integer for these windows; k = j n / 100 +- that is exactly `window` pp from the
    # integer j, and one count further is outside
    a = rng.integers(1, 200, 5000)
    n_edge = 2000 * a
    j = rng.integers(0, 101, a.size)
    half = np.rint(a * window * 20).astype(np.int64)
    sign = rng.choice([-1, 1], a.size)
    k_edge = np.clip(20 * a * j + sign * half, 0, n_edge)
    k_out = 20 * a * j + sign * (half + 1)
    ok = (k_out >= 0) & (k_out <= n_edge)
    n_all = np.concatenate([n, n_edge, n_edge[ok]])
    k_all = np.concatenate([k, k_edge, k_out[ok]])
    x = 100.0 * k_all / n_all
    direct = np.abs(x - np.round(x)) <= window * (1.0 + 1e-9)
    got = _near_integer(k_all, n_all, window)
    np.testing.assert_array_equal(got, direct)
    # the closed window keeps every edge case, the next count is out
    assert _near_integer(k_edge, n_edge, window).all()
    assert not _near_integer(k_out[ok], n_edge[ok], window).any()
    # float inputs, and leading axes broadcast against n (Monte Carlo blocks)
    np.testing.assert_array_equal(
        _near_integer(k.astype(float), n.astype(float), window), got[: n.size]
    )
    block = np.stack([k[:1000], n[:1000] - k[:1000]])
    np.testing.assert_array_equal(
        _near_integer(block, n[:1000], window),
        [_near_integer(row, n[:1000], window) for row in block],
    )


def test_near_integer_hand_made_edges():
    # 1001 / 2000 = 50.05 %: 100 * 1001 mod 2000 = 100 = 0.05 * 2000 -> on the edge, kept
    # 1002 / 2000 = 50.10 %: remainder 200 > 100 -> out;  999 / 2000 = 49.95 %: 2000 - 1900
    # = 100 -> kept;  1 / 1 = 100 %: remainder 0 -> integer;  7 / 3 = 233.33 %: out
    k = np.array([1001, 1002, 999, 1, 7])
    n = np.array([2000, 2000, 2000, 1, 3])
    assert _near_integer(k, n, 0.05).tolist() == [True, False, True, True, False]


def test_exact_probability_large_stations_brute_force(monkeypatch):
    # Stations above 2,000 voters have several counts in one integer's window (n = 6000:
    # 100 k within 300 of 6000 j, i.e. k = 60 j - 3 .. 60 j + 3, seven counts), and
    # multiples of 2,000 have counts exactly on the window's edge.
    rng = np.random.default_rng(32)
    n = np.concatenate([rng.integers(1000, 8000, 27), [2000, 4000, 6000]]).astype(float)
    p = rng.uniform(0.05, 0.95, n.size)
    brute = []
    for m, q in zip(n.astype(int), p, strict=True):
        k = np.arange(m + 1)
        x = 100.0 * k / m
        brute.append(stats.binom.pmf(k, m, q)[np.abs(x - np.round(x)) <= 0.05 + 1e-9].sum())
    prob, by_int, var_int = _integer_probabilities(n, p, 0.05)
    np.testing.assert_allclose(prob, brute, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(by_int.sum(), prob.sum(), rtol=1e-12)
    # log k! from gammaln directly instead of the table: the same numbers
    monkeypatch.setattr(_integer_null, "_LOG_FACTORIAL_TABLE", 0)
    prob2, by2, var2 = _integer_probabilities(n, p, 0.05)
    np.testing.assert_allclose(by2, by_int, rtol=1e-13)
    np.testing.assert_allclose(prob2, prob, rtol=1e-13)
    np.testing.assert_allclose(var2, var_int, rtol=1e-13)


def test_integer_test_rejects_fractional_counts():
    e = simulate(200, np.random.default_rng(33))
    st = e.stations.copy()
    st["half"] = st["ballots"] - 0.5
    with pytest.raises(DataError, match="integer counts"):
        integer_percentage_test(e.with_stations(st), turnout_from="half")


def test_integer_profile_and_split_hand_made():
    # Turnout 100/200 = 50 % and 120/300 = 40 %, both integer. With 200 registered,
    # |100 k - 200 j| <= 10 holds only at k = 2 j: station 1 is at integer j with
    # probability Bin(200, 0.5).pmf(2 j). With 300, |100 k - 300 j| <= 15 only at
    # k = 3 j: Bin(300, 0.4).pmf(3 j).
    e = _election([200, 300], [100, 120], [30, 50])
    r = integer_percentage_test(e)
    prof = integer_profile(r, "turnout")
    j = np.arange(101)
    pi1, pi2 = stats.binom.pmf(2 * j, 200, 0.5), stats.binom.pmf(3 * j, 300, 0.4)
    assert prof["integer"].tolist() == list(range(101))
    assert prof["observed"].tolist() == [int(i in (40, 50)) for i in range(101)]
    # (the exact null drops binomial tails beyond 8 SD, below 1e-14)
    np.testing.assert_allclose(prof["expected"], pi1 + pi2, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(
        prof["sd"] ** 2, pi1 * (1 - pi1) + pi2 * (1 - pi2), rtol=1e-10, atol=1e-14
    )
    # at 50 %: pi = C(200, 100) / 2^200 = 0.0563485 (station 1) + Bin(300, 0.4).pmf(150)
    assert prof.loc[50, "expected"] == pytest.approx(0.0563485 + pi2[50], rel=1e-5)
    assert prof.loc[50, "z"] == pytest.approx(
        (1 - prof.loc[50, "expected"]) / prof.loc[50, "sd"], rel=1e-12
    )
    # far from both rates (beyond the 8 SD tails) the null puts no mass: z is NaN
    assert np.isnan(prof.loc[100, "z"])
    # the profile sums to the test's own observed and expected counts
    tab = r.table.set_index(["quantity", "weight"])
    assert prof["observed"].sum() == tab.loc[("turnout", "stations"), "observed"] == 2
    assert prof["expected"].sum() == pytest.approx(tab.loc[("turnout", "stations"), "expected"])
    # split at multiples of 5: both stations there; expected = sums over j % 5 == 0
    split = integer_split(r, "turnout").set_index("integers")
    five = j % 5 == 0
    assert split["observed"].tolist() == [2, 0]
    assert split.loc["multiples of 5", "expected"] == pytest.approx((pi1 + pi2)[five].sum())
    assert split.loc["other", "expected"] == pytest.approx((pi1 + pi2)[~five].sum())
    var5 = (pi1 * (1 - pi1) + pi2 * (1 - pi2))[five].sum()
    exp5 = (pi1 + pi2)[five].sum()
    assert split.loc["multiples of 5", "z"] == pytest.approx((2 - exp5) / np.sqrt(var5))
    assert split.loc["multiples of 5", "pvalue"] == pytest.approx(
        stats.norm.sf((2 - exp5) / np.sqrt(var5))
    )
    assert integer_split(r, "turnout", multiple=10)["integers"].tolist() == [
        "multiples of 10",
        "other",
    ]
    with pytest.raises(ValueError, match="quantity"):
        integer_profile(r, "either")
    with pytest.raises(ValueError, match="multiple"):
        integer_split(r, multiple=1)
    with pytest.raises(TypeError, match="IntegerPercentageResult"):
        integer_profile(r.table)


def test_integer_profile_uses_the_test_rule():
    # On a simulated election the per-integer counts add up to the test's counts, and
    # agree with the floating-point rule |x - round(x)| <= window away from the edges.
    e = simulate(2000, np.random.default_rng(34), round_frac=0.05)
    r = integer_percentage_test(e)
    tab = r.table.set_index(["quantity", "weight"])
    for q, pct in (("turnout", r.turnout_pct), ("share", r.share_pct)):
        prof = integer_profile(r, q)
        assert prof["observed"].sum() == tab.loc[(q, "stations"), "observed"] > 50
        nearest = np.round(pct)
        hit = np.abs(pct - nearest) <= r.window + 1e-9
        float_rule = np.bincount(nearest[hit].astype(int), minlength=101)[:101]
        np.testing.assert_array_equal(prof["observed"], float_rule)


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


# --------------------------------------------------------------------------- coarse shares (Rozenas)
def _coarse_election(n, rng, *, coarse_frac=0.0):
    """Clean binomial election; optionally a fraction of stations written in at simple fractions."""
    reg = rng.integers(100, 1500, n)
    ballots = rng.binomial(reg, np.clip(rng.beta(12, 8, n), 0.05, 0.95))
    votes = rng.binomial(ballots, rng.beta(10, 10, n))
    k = np.flatnonzero(rng.random(n) < coarse_frac)
    # written-in results: ballots a multiple of 20, share exactly 1/2, 3/5, 3/4 or 4/5
    ballots[k] = np.maximum(20, 20 * (ballots[k] // 20))
    reg[k] = np.maximum(reg[k], ballots[k])
    votes[k] = (ballots[k] * rng.choice([0.5, 0.6, 0.75, 0.8], k.size)).astype(np.int64)
    return _election(reg, ballots, votes)


def test_kde_and_bins_hand_computed():
    # one unit at 0.5: density at the grid point 0.5 is 1 / (bw sqrt(2 pi)) = 3989.42 for
    # bw = 1e-4, and at 0.501 (10 bandwidths away) exp(-50) / (bw sqrt(2 pi)) ~ 0
    d = _kde_on_grid(np.array([0.5]), 1001, 1e-4)
    assert d[500] == pytest.approx(1 / (1e-4 * np.sqrt(2 * np.pi)), rel=1e-12)
    assert d[501] < 1e-15
    # a unit 0.5 bw off the grid point: exp(-1/8) / (bw sqrt(2 pi)); mass in bin 500 is 1
    d = _kde_on_grid(np.array([0.50005]), 1001, 1e-4)
    assert d[500] == pytest.approx(np.exp(-0.125) / (1e-4 * np.sqrt(2 * np.pi)), rel=1e-12)
    # bins of width 0.001 centred on grid points: 0.2 -> bin 200; 0.0004 -> 0; 0.9996 -> 1000
    m = _bin_mass(np.array([0.2, 0.0004, 0.9996, 0.2]), 1001)
    assert (m[200], m[0], m[1000], m.sum()) == (0.5, 0.25, 0.25, 1.0)


def test_coarse_share_clean_and_injected():
    rng = np.random.default_rng(11)
    # clean: F is not 0 (the envelope of B resamples is exceeded at ~G/B grid points by
    # chance; measured 0.9-2.5 % with B = 99 on 1,500 stations), and the leave-one-out
    # p-value is not small. With B = 49, p >= 0.02; P(any of 4 <= 0.04 | valid) ~ 16 %,
    # so only the minimum is excluded: P(any of 4 at 0.02) <= 8 %.
    clean = [
        coarse_share_test(_coarse_election(1000, rng), n_resamples=49, rng=rng) for _ in range(4)
    ]
    assert all(r.pvalue > 0.02 for r in clean)
    assert max(r.coarse_percent for r in clean) < 4.0
    # 10 % of stations written in at simple fractions: detected (p at its minimum 1/50),
    # and F near the injected 10 %
    r = coarse_share_test(_coarse_election(1000, rng, coarse_frac=0.1), n_resamples=49, rng=rng)
    assert r.pvalue == pytest.approx(1 / 50)
    # (the clean floor of ~1-2.5 % adds to the injected share; measured 12.3 %)
    assert 5.0 < r.coarse_percent < 15.0
    flagged = r.grid.loc[r.grid["exceeds"], "share"].round(3)
    assert flagged.isin([0.5, 0.6, 0.75, 0.8]).sum() >= 3


def test_coarse_share_bad_input():
    e = _coarse_election(50, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_resamples"):
        coarse_share_test(e, n_resamples=1)
    # the former spelling still works, with a warning
    with pytest.warns(DeprecationWarning, match="`resamples` was renamed `n_resamples`"):
        r = coarse_share_test(e, resamples=5, grid=101, bandwidth=1e-3, max_components=1, rng=0)
    with pytest.warns(DeprecationWarning, match="`CoarseShareResult.resamples` was renamed"):
        assert (r.n_resamples, r.resamples) == (5, 5)
    # the null quantile is the plain quantile of the 5 leave-one-out estimates
    null = np.sort(r.null_coarse_percent)
    assert r.null_quantile(0.5) == null[2]
    assert r.null_quantile(0.75) == pytest.approx(null[3])  # position 0.75 * 4 = 3
    with pytest.raises(ValueError, match="q must"):
        r.null_quantile(95)
    with pytest.raises(ValueError, match="bandwidth"):
        coarse_share_test(e, bandwidth=0)
    with pytest.raises(ValueError, match="candidate"):
        coarse_share_test(e, "Z")


# --------------------------------------------------------------------------- small stations
def _tables_election(df):
    """Candidates A and B in stations ("table") grouped into voting centres."""
    return Election.from_frame(
        df,
        candidates=["A", "B"],
        registered="registered",
        ballots="ballots",
        invalid="invalid",
        levels=["centre", "table"],
        leader="A",
    )


def _centre_election(n_centres, rng, *, rig_pp=0.0):
    """Centres of 2-6 tables; one table in three small (50-300), the rest 500-900 registered.

    Each centre has its own turnout and share; with ``rig_pp`` the small tables' turnout and
    candidate share are raised by that many percentage points.
    """
    sizes = rng.integers(2, 7, n_centres)
    centre = np.repeat(np.arange(n_centres), sizes)
    small = rng.random(centre.size) < 1 / 3
    reg = np.where(small, rng.integers(50, 300, centre.size), rng.integers(500, 900, centre.size))
    t = rng.beta(12, 8, n_centres)[centre] + small * rig_pp / 100
    s = rng.beta(10, 10, n_centres)[centre] + small * rig_pp / 100
    ballots = rng.binomial(reg, np.clip(t, 0, 1))
    votes = rng.binomial(ballots, np.clip(s, 0, 1))
    df = pd.DataFrame(
        {
            "centre": centre,
            "table": np.arange(centre.size),
            "registered": reg,
            "ballots": ballots,
            "invalid": 0,
            "A": votes,
            "B": ballots - votes,
        }
    )
    return _tables_election(df)


def test_small_station_hand_computed():
    # centre 0: small 100 reg / 80 ballots / 60 A; large 1000 / 600 / 300
    #   turnout 80 % vs 60 % -> +20 pp on 100 reg; share 75 % vs 50 % -> +25 pp on 80 ballots
    # centre 1: small 200 / 100 / 40; large 1000 / 500 / 250
    #   turnout 50 % vs 50 % -> 0; share 40 % vs 50 % -> -10 pp on 100 ballots
    # D_T = (100 * 20 + 200 * 0) / 300 = 6.667 pp; D_S = (80 * 25 - 100 * 10) / 180 = 5.556 pp
    # centre 2 has only a large table -> excluded
    df = pd.DataFrame(
        {
            "centre": [0, 0, 1, 1, 2],
            "table": [1, 2, 1, 2, 1],
            "registered": [100, 1000, 200, 1000, 1000],
            "ballots": [80, 600, 100, 500, 500],
            "invalid": 0,
            "A": [60, 300, 40, 250, 250],
        }
    )
    df["B"] = df["ballots"] - df["A"]
    e = _tables_election(df)
    r = small_station_test(e, size_quantile=0.25, n_resamples=50, rng=0)
    assert r.size_threshold == 200  # 25 % quantile of (100, 200, 1000, 1000, 1000): position 1
    assert (r.n, r.n_excluded, r.n_groups, r.n_small) == (4, 1, 2, 2)
    assert r.turnout_diff == pytest.approx(20 / 3)
    assert r.share_diff == pytest.approx(1000 / 180)
    assert r.table.set_index("quantity").loc["share", "excess"] == pytest.approx(10.0)  # 20 - 10


@pytest.mark.parametrize("null", ["binomial", "permutation"])
def test_small_station_calibration_and_power(null):
    rng = np.random.default_rng(21)
    reps = 60
    p = np.array(
        [
            small_station_test(_centre_election(150, rng), null=null, n_resamples=99, rng=rng)
            .table["pvalue"]
            .to_numpy()
            for _ in range(reps)
        ]
    )
    # one-sided p-values of 2 statistics x 60 runs: size at 0.05 with binomial SE 0.02
    assert (p < 0.05).mean() < 0.11
    assert abs(p.mean() - 0.5) < 0.1
    # small tables rigged by +5 pp in turnout and share: always detected
    hits = [
        small_station_test(
            _centre_election(150, rng, rig_pp=5), null=null, n_resamples=99, rng=rng
        ).pvalue
        < 0.05
        for _ in range(5)
    ]
    assert all(hits)


def test_small_station_bad_input():
    e = _centre_election(10, np.random.default_rng(0))
    with pytest.raises(ValueError, match="level"):
        small_station_test(e, level="parish")
    with pytest.raises(ValueError, match="null"):
        small_station_test(e, null="bootstrap")
    with pytest.raises(ValueError, match="size_quantile"):
        small_station_test(e, size_quantile=1.0)


def test_small_station_venezuela(data):
    # The CNE balances tables within a centre (median table / largest table of its centre = 1.0),
    # so few centres hold both a small (<= 615 registered, the 25 % quantile) and a large table:
    # measured 56 centres, 113 tables. 543 tables without registered are excluded.
    e = data("venezuela-2024")
    r = small_station_test(e, n_resamples=200, rng=1)
    assert (r.n, r.n_groups) == (113, 56)
    assert r.n + r.n_excluded == len(e.stations)
    assert e.stations["registered"].isna().sum() == 543
    # parish as neighbourhood: small tables +6.1 pp turnout, +9.8 pp Maduro share (measured)
    r = small_station_test(e, level="parish", null="permutation", n_resamples=200, rng=1)
    tab = r.table.set_index("quantity")
    assert tab.loc["turnout", "diff_pp"] == pytest.approx(6.12, abs=0.01)
    assert tab.loc["share", "diff_pp"] == pytest.approx(9.82, abs=0.01)
    assert r.pvalue < 0.01
