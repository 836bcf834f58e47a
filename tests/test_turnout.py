"""Fingerprints, turnout-share association and shape tests (forensics.turnout)."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from forensics import datasets
from forensics.election import DataError, Election
from forensics.plots.turnout import fingerprint as plot_fingerprint
from forensics.plots.turnout import integer_histogram
from forensics.spikes import integer_percentage_test
from forensics.turnout import (
    compare_fingerprints,
    fingerprint,
    shape_test,
    turnout_share_test,
    within_group_test,
)


def _election(reg, ballots, votes, region=None):
    reg, ballots, votes = (np.asarray(a, dtype=np.int64) for a in (reg, ballots, votes))
    df = pd.DataFrame(
        {"registered": reg, "ballots": ballots, "invalid": 0, "A": votes, "B": ballots - votes}
    )
    levels = ()
    if region is not None:
        df.insert(0, "region", region)
        df["id"] = np.arange(len(df)).astype(str)
        levels = ("region",)
    return Election.from_frame(
        df,
        candidates=["A", "B"],
        registered="registered",
        ballots="ballots",
        invalid="invalid",
        leader="A",
        levels=levels,
        station="id" if region is not None else None,
    )


def simulate(n, rng, *, stuff=0.0):
    reg = rng.integers(300, 2000, n)
    ballots = rng.binomial(reg, np.clip(rng.normal(0.55, 0.08, n), 0.05, 0.95))
    votes = rng.binomial(ballots, np.clip(rng.normal(0.45, 0.08, n), 0.05, 0.95))
    if stuff:
        k = rng.random(n) < stuff  # stuffing: 60 % of non-voters added as votes for A
        add = (0.6 * (reg[k] - ballots[k])).astype(int)
        ballots[k] += add
        votes[k] += add
    return _election(reg, ballots, votes, region=rng.integers(0, 5, n).astype(str))


def test_fingerprint_hand_made():
    # turnouts 0.5, 0.97, 1.0, NaN (registered 0); shares 0.2, 0.98, 1.0
    e = _election([100, 100, 50, 0], [50, 97, 50, 0], [10, 95, 50, 0])
    f = fingerprint(e, bins=10)
    assert (f.n, f.n_excluded) == (3, 1)
    assert f.counts[5, 2] == 1
    assert f.counts[9, 9] == 2
    assert f.counts.sum() == 3
    assert f.turnout_marginal[9] == 2
    # corner > 0.95: stations 2 and 3 -> 2/3 of stations, (95 + 50) / 155 of A's votes
    c = f.corner_mass(0.95)
    assert c["stations"] == pytest.approx(2 / 3)
    assert c["votes"] == pytest.approx(145 / 155)
    fw = fingerprint(e, bins=10, weights="registered")
    assert fw.counts[9, 9] == 150
    assert fw.counts.sum() == 250


def test_association_clean_and_stuffed():
    rng = np.random.default_rng(7)
    clean = turnout_share_test(simulate(3000, rng))
    assert clean.correlations["ci_low"].lt(0.06).all()
    assert clean.correlations["ci_high"].gt(-0.06).all()
    # clean: the SS slope covers the mean share (no link between turnout and preference)
    assert clean.ss_slope_ci_low - 0.03 < clean.ss_mean_share < clean.ss_slope_ci_high + 0.03
    stuffed = turnout_share_test(simulate(3000, rng, stuff=0.2), by="region")
    assert stuffed.statistic > 0.3
    assert stuffed.pvalue < 1e-10
    assert stuffed.ss_slope > stuffed.ss_mean_share + 0.2
    assert stuffed.ss_pvalue < 1e-10
    g = stuffed.groups
    assert len(g) == 5
    assert (g["pearson_p_bh"] >= g["pearson_pvalue"] - 1e-15).all()
    assert (g["pearson_p_holm"] >= g["pearson_p_bh"] - 1e-15).all()


def test_association_calibration():
    rng = np.random.default_rng(8)
    p = np.array([turnout_share_test(simulate(300, rng)).pvalue for _ in range(100)])
    assert (p < 0.05).mean() < 0.12  # binomial SE 0.022 at alpha = 0.05


def test_shape_moments_and_dip():
    x_e = _election([100] * 4, [10, 20, 30, 90], [5, 10, 15, 45])
    s = shape_test(x_e, n_resamples=50, rng=0)
    t = np.array([0.1, 0.2, 0.3, 0.9])
    # by hand: mean 0.375, deviations -0.275, -0.175, -0.075, 0.525;
    # m2 = 0.3875/4 = 0.096875, m3 = 0.118125/4 = 0.02953125, m4 = 0.08265781/4 = 0.02066445;
    # moment skewness m3/m2^1.5 = 0.979409, Pearson kurtosis m4/m2^2 = 2.201915
    assert t.mean() == pytest.approx(0.375)
    assert s.table.loc[0, "skewness"] == pytest.approx(0.9794094, abs=1e-6)
    assert s.table.loc[0, "kurtosis"] == pytest.approx(2.2019147, abs=1e-6)
    # constant data have no shape: NaN, without a warning
    flat = shape_test(_election([100] * 5, [50] * 5, [10, 20, 30, 40, 25]), n_resamples=10, rng=0)
    assert np.isnan(flat.table.loc[0, "skewness"])
    assert np.isnan(flat.table.loc[0, "kurtosis"])
    # shares 0.2, 0.4, 0.6, 0.8, 0.5: symmetric about 0.5, m2 = 0.2/5 = 0.04,
    # m4 = 0.0164/5 = 0.00328 -> skewness 0, kurtosis 0.00328/0.0016 = 2.05
    assert flat.table.loc[1, "skewness"] == pytest.approx(0.0, abs=1e-12)
    assert flat.table.loc[1, "kurtosis"] == pytest.approx(2.05)
    rng = np.random.default_rng(9)
    n = 2000
    reg = np.full(n, 1000)
    tb = np.where(rng.random(n) < 0.5, 0.35, 0.8)  # bimodal turnout
    ballots = rng.binomial(reg, tb)
    e = _election(reg, ballots, rng.binomial(ballots, 0.5))
    r = shape_test(e, n_resamples=200, rng=1)
    assert r.pvalue < 0.001  # dip on turnout
    assert r.table.loc[1, "dip_pvalue"] > 0.05  # share unimodal
    lo, hi = r.table.loc[0, ["kurtosis_ci_low", "kurtosis_ci_high"]]
    assert lo < r.table.loc[0, "kurtosis"] < hi
    assert hi < 1.5


def test_plots_return_axes():
    e = simulate(500, np.random.default_rng(10))
    ax = plot_fingerprint(fingerprint(e))
    assert ax.get_xlabel() == "turnout (%)"
    ax2 = integer_histogram(integer_percentage_test(e), quantity="share")
    assert ax2.get_ylabel() == "stations"
    plt.close("all")


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


@pytest.mark.parametrize(
    ("name", "low"),
    # measured corner mass (> 95 %, share of stations): 3.39 %, 3.39 %, 1.02 %
    [("russia-2011", 0.02), ("russia-2012", 0.02), ("uganda-2011", 0.005)],
)
def test_corner_mass_positive_controls(data, name, low):
    assert fingerprint(data(name)).corner_mass(0.95)["stations"] > low


@pytest.mark.parametrize("name", ["poland-2020-r2", "germany-2024-ep"])
def test_corner_mass_negative_controls(data, name):
    # measured: Poland 16 of 27,224 stations (0.06 %), Germany 0
    c = fingerprint(data(name)).corner_mass(0.95)
    assert c["stations"] < 0.001
    assert c["votes"] < 0.001


def test_russia_2011_association(data):
    r = turnout_share_test(data("russia-2011"))
    # measured: Pearson r = 0.714, SS slope 1.134 vs mean share 0.493
    assert r.statistic > 0.6
    assert r.ss_slope_ci_low > 1.0 > r.ss_mean_share


# --------------------------------------------------------------------------- comparisons
def test_compare_fingerprints_hand_made():
    # turnouts 0.5, 0.97, 0.92, 1.0; shares of A 0.2, 0.98, 0.93, 1.0
    e = _election([100, 100, 100, 10], [50, 97, 92, 10], [10, 95, 86, 10])
    table = compare_fingerprints({"a": e, "b": (e, "B")}, thresholds=(0.9, 0.95))
    a = table.iloc[0]
    assert a["label"] == "a"
    assert a["candidate"] == "A"
    assert a["stations"] == 4
    # corner > 0.9: stations 2, 3, 4 -> 3 / 4; votes (95 + 86 + 10) / 201
    assert a["corner_90_n"] == 3
    assert a["corner_90_stations"] == pytest.approx(0.75)
    assert a["corner_90_votes"] == pytest.approx(191 / 201)
    # corner > 0.95: stations 2 and 4 -> 2 / 4; votes (95 + 10) / 201
    assert a["corner_95_n"] == 2
    assert a["corner_95_votes"] == pytest.approx(105 / 201)
    # medians: turnout of (0.5, 0.92, 0.97, 1.0) -> (0.92 + 0.97) / 2 = 0.945;
    # shares of valid votes (0.2, 86/92, 95/97, 1) -> (86/92 + 95/97) / 2
    assert a["turnout_median"] == pytest.approx(0.945)
    assert a["share_median"] == pytest.approx((86 / 92 + 95 / 97) / 2)
    b = table.iloc[1]  # B's shares 0.8, 0.02, 0.07, 0: none in any corner
    assert b["candidate"] == "B"
    assert b["corner_90_n"] == 0
    with pytest.raises(ValueError, match="thresholds"):
        compare_fingerprints({"a": e}, thresholds=(1.0,))
    with pytest.raises(ValueError, match="empty"):
        compare_fingerprints({})


def test_within_group_test_hand_made_and_simulated():
    # two groups of two stations; deviations from group means:
    # group x: turnouts 0.4, 0.6 (mean 0.5) -> -0.1, +0.1; shares 0.3, 0.5 -> -0.1, +0.1
    # group y: turnouts 0.7, 0.9 (mean 0.8) -> -0.1, +0.1; shares 0.8, 0.6 -> +0.1, -0.1
    # r_within = sum(dt ds) / sqrt(sum dt^2 sum ds^2) = (0.01 + 0.01 - 0.01 - 0.01) / 0.04 = 0
    # a fifth station alone in group z is excluded (no within-group variation)
    e = _election(
        [100, 100, 100, 100, 100],
        [40, 60, 70, 90, 50],
        [12, 30, 56, 54, 25],
        region=["x", "x", "y", "y", "z"],
    )
    r = within_group_test(e, by="region")
    assert r.r_within == pytest.approx(0.0, abs=1e-12)
    assert r.n == 4
    assert r.n_excluded == 1
    assert r.n_groups == 2
    # total r on the four: turnouts (0.4, 0.6, 0.7, 0.9), shares (0.3, 0.5, 0.8, 0.6) -> positive
    assert r.r_total == pytest.approx(
        np.corrcoef([0.4, 0.6, 0.7, 0.9], [0.3, 0.5, 0.8, 0.6])[0, 1]
    )

    # a between-group association only: group means move together, stations vary
    # independently inside -> r_total large, r_within ~ 0 (|r| < 4 / sqrt(n))
    rng = np.random.default_rng(5)
    n_groups, per = 400, 5
    g = np.repeat(np.arange(n_groups), per)
    level = rng.uniform(0.4, 0.8, n_groups)[g]
    reg = np.full(g.size, 1000)
    ballots = rng.binomial(reg, level)
    votes = rng.binomial(ballots, level - 0.1)
    e = _election(reg, ballots, votes, region=g.astype(str))
    r = within_group_test(e, by="region")
    assert r.r_total > 0.8
    assert abs(r.r_within) < 4 / np.sqrt(g.size)
    # stuffing inside groups (station-level) survives within groups
    stuffed = simulate(3000, np.random.default_rng(6), stuff=0.2)
    r = within_group_test(stuffed, by="region")
    assert r.r_within > 0.3
    assert r.pvalue < 1e-6
    assert r.ci_low < r.r_within < r.ci_high
    # a list of columns groups by their combination: region x station = one per group
    with pytest.raises(DataError, match="groups of 2 or more"):
        within_group_test(stuffed, by=["region", "station"])
    with pytest.raises(DataError, match="unknown level"):
        within_group_test(stuffed, by="nope")


def test_former_names_and_spellings_warn_and_agree():
    import forensics
    from forensics import turnout

    e = simulate(300, np.random.default_rng(12))
    new = turnout_share_test(e, confidence_level=0.9)
    with pytest.warns(DeprecationWarning, match="`turnout_share_association` was renamed"):
        old = forensics.turnout_share_association(e)
    pd.testing.assert_frame_equal(old.correlations, turnout_share_test(e).correlations)
    with pytest.warns(DeprecationWarning, match="`level` was renamed `confidence_level`"):
        same = turnout_share_test(e, level=0.9)
    pd.testing.assert_frame_equal(same.correlations, new.correlations)
    # a 90 % interval is inside the 95 % one
    assert old.correlations.loc[0, "ci_low"] < new.correlations.loc[0, "ci_low"]

    s = shape_test(e, n_resamples=30, confidence_level=0.9, rng=3)
    with pytest.warns(DeprecationWarning, match="`ShapeResult.n_boot` was renamed `n_resamples`"):
        assert (s.n_resamples, s.n_boot, s.confidence_level) == (30, 30, 0.9)
    with pytest.warns(DeprecationWarning, match="`n_boot` was renamed `n_resamples`"):
        s_old = turnout.shape_test(e, n_boot=30, confidence_level=0.9, rng=3)
    pd.testing.assert_frame_equal(s_old.table, s.table)
    with pytest.warns(DeprecationWarning, match="`shape_tests` was renamed `shape_test`"):
        forensics.shape_tests(e, n_resamples=0)

    w = within_group_test(e, by="region", confidence_level=0.9)
    with pytest.warns(DeprecationWarning, match="`within_group_association` was renamed"):
        w_old = turnout.within_group_association(e, by="region", confidence_level=0.9)
    assert (w_old.ci_low, w_old.ci_high) == (w.ci_low, w.ci_high)
    with pytest.raises(ValueError, match="confidence_level"):
        turnout_share_test(e, confidence_level=1.0)
    with pytest.raises(ValueError, match="confidence_level"):
        shape_test(e, confidence_level=0.0)


def test_turnout_quantiles_hand_made():
    from forensics.turnout import turnout_quantiles

    # region x: turnouts 0.4, 0.6, 0.95 -> p10 = 0.4 + 0.2 * (0.1 * 2) = 0.44 (linear between
    # order statistics), median 0.6, p90 = 0.6 + 0.35 * 0.8 = 0.88; one of three above 0.9.
    # region y: 0.7 and 0.9 -> median 0.8, none above 0.9 (0.9 is not above). A station with
    # 0 registered has no turnout and is counted as excluded.
    e = _election(
        [100, 100, 100, 100, 100, 0],
        [40, 60, 95, 70, 90, 0],
        [20, 30, 50, 40, 45, 0],
        region=["x", "x", "x", "y", "y", "y"],
    )
    q = turnout_quantiles(e, by="region")
    assert list(q.columns) == ["stations", "p10", "p50", "p90", "over_90pc"]
    assert q.index.name == "region"
    assert q["stations"].tolist() == [3, 2]
    assert q.loc["x", "p10"] == pytest.approx(0.44)
    assert q.loc["x", "p50"] == pytest.approx(0.6)
    assert q.loc["x", "p90"] == pytest.approx(0.88)
    assert q.loc["x", "over_90pc"] == pytest.approx(1 / 3)
    assert q.loc["y", "p50"] == pytest.approx(0.8)
    assert q.loc["y", "over_90pc"] == 0.0
    assert q.attrs["n_excluded"] == 1
    # all stations: turnouts 0.4, 0.6, 0.7, 0.9, 0.95 -> median 0.7, 2 of 5 above 0.8
    a = turnout_quantiles(e, quantiles=(0.5,), above=0.8)
    assert a.loc["all", "stations"] == 5
    assert a.loc["all", "p50"] == pytest.approx(0.7)
    assert a.loc["all", "over_80pc"] == pytest.approx(2 / 5)
    with pytest.raises(ValueError, match="quantiles"):
        turnout_quantiles(e, quantiles=(1.5,))
    with pytest.raises(DataError, match="unknown level"):
        turnout_quantiles(e, by="nope")
