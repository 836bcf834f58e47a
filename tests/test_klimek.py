"""Klimek et al. (2012) model: simulation, fair parameters and recovery of known parameters."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from forensics import DataError, datasets
from forensics.klimek import estimate_fair, fit, simulate
from forensics.results import EstimateResult
from forensics.shpilkin import shpilkin

# Station sizes like Russia's (a few hundred to a few thousand voters).
SIZES = np.random.default_rng(20120101).integers(300, 3000, 20_000)
FAIR = dict(turnout_mean=0.55, turnout_sd=0.08, share_mean=0.40, share_sd=0.08)
GRID = {
    "f_incremental": np.round(np.arange(0.0, 0.61, 0.05), 2),
    "f_extreme": np.round(np.arange(0.0, 0.041, 0.005), 3),
    "alpha": [2.0],
}


@pytest.fixture(scope="module")
def serial():
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


@pytest.fixture
def data_dir():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set")


def load_or_skip(name):
    if name not in datasets.available():
        pytest.skip(f"dataset {name} is not registered")
    return datasets.load(name)


def test_simulate_counts_follow_the_model():
    e = simulate(SIZES, **FAIR, f_incremental=0.2, f_extreme=0.05, alpha=2.0, theta=0.2, rng=3)
    st = e.stations
    assert e.candidates == ("winner", "opposition")
    assert e.leader == "winner"
    assert len(st) == SIZES.size
    assert (st["ballots"] <= st["registered"]).all()
    # kinds drawn with probabilities 0.75 / 0.2 / 0.05: binomial SD on 20,000 <= 0.003
    share = st["fraud"].value_counts(normalize=True)
    assert share["incremental"] == pytest.approx(0.20, abs=0.012)
    assert share["extreme"] == pytest.approx(0.05, abs=0.007)
    # extreme stations: x = 1 - |N(0, 0.075)|, so turnout >= 0.85 for ~95 % of them
    ext = st[st["fraud"] == "extreme"]
    assert (ext["ballots"] / ext["registered"] > 0.85).mean() > 0.9
    # fair stations: mean turnout 0.55, SE 0.08 / sqrt(15,000) < 0.001
    fair = st[st["fraud"] == "fair"]
    assert (fair["ballots"] / fair["registered"]).mean() == pytest.approx(0.55, abs=0.003)
    assert (fair["winner"] / fair["ballots"]).mean() == pytest.approx(0.40, abs=0.003)


def test_one_station_by_hand():
    # N = 1000, a = 0.5, v = 0.4 (SDs 0), every station extreme-free incremental
    # with theta = 0 -> x = 0: ballots 500, winner 200.
    e = simulate(
        [1000],
        turnout_mean=0.5,
        turnout_sd=0,
        share_mean=0.4,
        share_sd=0,
        f_incremental=1.0,
        theta=0.0,
        rng=0,
    )
    assert e.stations.loc[0, ["ballots", "winner"]].tolist() == [500, 200]


def test_simulate_rejects_bad_input():
    with pytest.raises(ValueError, match="sum <= 1"):
        simulate(SIZES, **FAIR, f_incremental=0.8, f_extreme=0.3, rng=0)
    with pytest.raises(ValueError, match="non-negative integers"):
        simulate([100, -5], **FAIR, rng=0)


def test_fair_parameters_recovered_on_clean_data():
    e = simulate(SIZES, **FAIR, rng=5)
    p = estimate_fair(e.turnout.to_numpy(), e.share().to_numpy())
    # peaks on a 0.01 grid, so within one bin; one-sided RMS within 5 %
    assert p.turnout_mean == pytest.approx(0.55, abs=0.011)
    assert p.share_mean == pytest.approx(0.40, abs=0.011)
    assert p.turnout_sd == pytest.approx(0.08, rel=0.06)
    assert p.share_sd == pytest.approx(0.08, rel=0.06)


def test_fit_does_not_invent_fraud(serial):
    e = simulate(SIZES, **FAIR, rng=11)
    r = fit(e, grid=GRID, n_realizations=4, n_resamples=40, n_gof=0, rng=1, executor=serial)
    assert r.f_incremental <= 0.05
    assert r.f_extreme <= 0.0025
    assert r.f_incremental_ci[1] <= 0.10
    assert r.f_extreme_ci[1] <= 0.005
    assert r.n == SIZES.size
    assert r.n_excluded == 0


def test_fit_recovers_known_fraud(serial):
    # f_i = 0.3, f_e = 0.02, alpha = 2, theta = 0.25. f_e is sharp (extreme
    # stations sit alone near 100 %); f_i is biased low because the peak and
    # theta are estimated from contaminated data (a known feature of the
    # method, documented in fit's Notes): 0.15 below to 0.05 above.
    e = simulate(SIZES, **FAIR, f_incremental=0.3, f_extreme=0.02, alpha=2.0, theta=0.25, rng=12)
    r = fit(e, grid=GRID, n_realizations=4, n_resamples=40, n_gof=0, rng=2, executor=serial)
    assert (r.criterion, r.fair.model) == ("chi2", "empirical")
    assert r.f_extreme == pytest.approx(0.02, abs=0.005)
    assert 0.15 <= r.f_incremental <= 0.35
    lo, hi = r.f_extreme_ci
    assert lo <= 0.025
    assert hi >= 0.015
    assert len(r.estimates) == 4
    assert len(r.bootstrap) == 40


def test_first_local_peak_is_the_fair_one():
    # A fair cloud at share 0.4 (8,000 stations) and a larger shifted cloud at
    # 0.8 (12,000): the SI's "first local maximum" picks 0.4, not the highest.
    gen = np.random.default_rng(4)
    share = np.concatenate([gen.normal(0.4, 0.05, 8000), gen.normal(0.8, 0.04, 12000)])
    turnout = gen.normal(0.6, 0.05, share.size)
    p = estimate_fair(turnout, share)
    assert p.share_mean == pytest.approx(0.4, abs=0.015)
    assert p.share_sd == pytest.approx(0.05, rel=0.1)
    # theta = RMS above the turnout peak / (1 - a): a clean normal gives
    # 0.05 / 0.4 = 0.125 (half-normal RMS = SD), never 0.
    assert p.theta == pytest.approx(0.125, rel=0.15)


def test_fit_with_true_fair_theta_is_close(serial):
    # theta on the grid at its true value isolates the f_i estimate.
    e = simulate(SIZES, **FAIR, f_incremental=0.4, f_extreme=0.01, alpha=2.0, theta=0.3, rng=13)
    grid = {**GRID, "theta": [0.3]}
    r = fit(e, grid=grid, n_realizations=3, n_resamples=0, n_gof=0, rng=3, executor=serial)
    assert r.f_extreme == pytest.approx(0.01, abs=0.005)
    assert r.f_incremental == pytest.approx(0.4, abs=0.15)
    assert np.isnan(r.f_incremental_ci[0])


def test_fit_is_an_estimator_of_f_incremental():
    e = simulate(SIZES[:3000], **FAIR, f_incremental=0.3, f_extreme=0.02, theta=0.25, rng=31)
    r = fit(e, grid=GRID, n_realizations=2, n_resamples=8, n_gof=0, confidence_level=0.8, rng=4)
    assert isinstance(r, EstimateResult)
    assert not hasattr(r, "pvalue")
    assert r.estimate == r.f_incremental
    assert (r.ci_low, r.ci_high) == r.f_incremental_ci
    assert r.estimate_name == "f_incremental"
    assert r.confidence_level == 0.8
    # the 80 % percentile interval of 8 replicates lies within their range
    boot = r.bootstrap["f_incremental"]
    assert boot.min() <= r.ci_low <= r.ci_high <= boot.max()
    assert r.n_resamples == 8
    assert len(r.bootstrap) == 8
    with pytest.warns(DeprecationWarning, match="`KlimekFit.ci_level` was renamed"):
        assert r.ci_level == 0.8  # former field names, read-only
    with pytest.warns(DeprecationWarning, match="`KlimekFit.n_bootstrap` was renamed"):
        assert r.n_bootstrap == 8
    row = r.to_frame().iloc[0]
    assert row["estimate"] == r.f_incremental
    assert row["f_incremental_ci_low"] == r.ci_low
    assert row["ci_percent"] == 80


def test_fit_old_parameter_names_warn_and_give_the_same_fit():
    e = simulate(SIZES[:2000], **FAIR, f_incremental=0.2, theta=0.25, rng=32)
    kw = dict(grid=GRID, n_realizations=1, n_gof=0, rng=6)
    new = fit(e, n_resamples=3, confidence_level=0.9, **kw)
    with pytest.warns(DeprecationWarning, match="was renamed") as caught:
        old = fit(e, n_bootstrap=3, ci_level=0.9, **kw)
    assert sorted(str(w.message) for w in caught) == [
        "fit(): `ci_level` was renamed `confidence_level`; the old name will be removed",
        "fit(): `n_bootstrap` was renamed `n_resamples`; the old name will be removed",
    ]
    assert old.bootstrap.equals(new.bootstrap)
    assert old.f_incremental_ci == new.f_incremental_ci
    with pytest.raises(TypeError, match="both"):
        fit(e, n_bootstrap=3, n_resamples=3, **kw)


def test_fit_rejects_bad_options():
    e = simulate(SIZES[:200], **FAIR, rng=0)
    with pytest.raises(ValueError, match="n_resamples"):
        fit(e, n_resamples=-1)
    with pytest.raises(ValueError, match="confidence_level"):
        fit(e, confidence_level=0.0)
    with pytest.raises(ValueError, match="criterion"):
        fit(e, criterion="bogus")
    with pytest.raises(ValueError, match="unknown grid key"):
        fit(e, grid={"beta": [1]})
    with pytest.raises(DataError, match="unknown candidate"):
        fit(e, "nobody")


@pytest.mark.parametrize(
    ("f_i", "f_e", "theta"),
    [(0.0, 0.0, 0.1), (0.1, 0.01, 0.2), (0.3, 0.02, 0.25), (0.5, 0.03, 0.4)],
)
def test_recovery_on_russian_station_sizes(data_dir, serial, f_i, f_e, theta):
    # Known parameters simulated on Russia 2011's real station sizes. Measured
    # with the default grid, alpha in {1, 1.5, ..., 3}, 10 realisations:
    # (0, 0) -> (0.001, 0); (0.1, 0.01) -> (0.06, 0.010); (0.3, 0.02) ->
    # (0.20, 0.019); (0.5, 0.03) -> (0.40, 0.026).
    reg = load_or_skip("russia-2011").counts("registered")
    reg = reg[reg >= 100].astype(np.int64)
    e = simulate(reg, **FAIR, f_incremental=f_i, f_extreme=f_e, alpha=2.0, theta=theta, rng=12)
    r = fit(
        e,
        grid={"alpha": [1.0, 2.0, 3.0]},
        n_realizations=2,
        n_resamples=0,
        n_gof=0,
        rng=0,
        executor=serial,
    )
    assert r.f_extreme == pytest.approx(f_e, abs=0.005)
    assert f_i - 0.15 <= r.f_incremental <= f_i + 0.05


REAL_GRID = {
    "f_incremental": np.round(np.arange(0.0, 0.91, 0.1), 2),
    "f_extreme": np.round(np.arange(0.0, 0.051, 0.01), 2),
    "alpha": [2.0],
}


@pytest.mark.parametrize(
    ("name", "fi_range", "fe_range"),
    [
        # Default fit (empirical fair model, chi2 criterion). Published for
        # Russia (Klimek et al. 2012, as transcribed by Kobak; METHODS.md A-5):
        # 2011 f_i = 0.64, f_e = 0.033; 2012 f_i = 0.39, f_e = 0.021. Measured on
        # the finer default grid, 10 realisations: 2011 (0.55, 0.035), 2012 (0.44,
        # 0.035), Uganda 2011 (0.33, 0.0085), Poland 2020 r1 (0, 0) and r2 (0,
        # 0.0003), Germany 2024 (0.02, 0).
        ("russia-2011", (0.4, 0.8), (0.02, 0.05)),
        ("russia-2012", (0.25, 0.6), (0.01, 0.04)),
        ("uganda-2011", (0.2, 0.6), (0.005, 0.03)),
        ("poland-2020-r1", (0.0, 0.1), (0.0, 0.0)),
        ("poland-2020-r2", (0.0, 0.1), (0.0, 0.0)),
        ("germany-2024-ep", (0.0, 0.1), (0.0, 0.0)),
    ],
)
def test_fit_real_controls(data_dir, serial, name, fi_range, fe_range):
    e = load_or_skip(name)
    if "postal" in e.stations:  # Germany: postal districts have no electorate
        e = e.subset(~e.stations["postal"].astype(bool))
    grid = {**REAL_GRID, "alpha": [1.0, 2.0, 3.0]}
    r = fit(e, grid=grid, n_realizations=2, n_resamples=0, n_gof=0, rng=1, executor=serial)
    assert fi_range[0] <= r.f_incremental <= fi_range[1]
    assert fe_range[0] <= r.f_extreme <= fe_range[1]


def test_normal_fair_model_reads_regional_skew_as_fraud(data_dir, serial):
    # Poland 2020 r2: Duda's share is right-skewed (regional blocs) at every
    # turnout. The paper's single normal cannot represent it, so the 1D fit
    # fills the upper tail with incremental fraud (measured f_i = 0.53); the
    # empirical fair model, drawn from stations below the turnout peak, does not.
    e = load_or_skip("poland-2020-r2")
    grid = {**REAL_GRID, "alpha": [1.0, 2.0, 3.0]}
    kw = dict(grid=grid, n_realizations=2, n_resamples=0, n_gof=0, rng=1, executor=serial)
    normal = fit(e, fair_model="normal", **kw)
    empirical = fit(e, **kw)
    assert normal.f_incremental >= 0.3
    assert empirical.f_incremental <= 0.1
    assert normal.fair.reference_share is None
    # the empirical reference is the stations below the turnout peak
    ref = empirical.fair.reference_turnout
    assert ref.size == int((empirical.turnout < empirical.fair.turnout_mean).sum())
    assert ref.max() < empirical.fair.turnout_mean


def test_uganda_incremental_fraction_depends_on_the_criterion(data_dir, serial):
    # Share rises with turnout on both sides of Uganda's turnout peak. The 2D
    # criterion with the empirical fair model attributes most of the upper
    # cloud to fair stations (measured f_i = 0.05); the 1D criterion reads it
    # as incremental fraud (0.35). f_e stays above 0 under both.
    e = load_or_skip("uganda-2011")
    grid = {**REAL_GRID, "alpha": [1.0, 2.0, 3.0]}
    kw = dict(grid=grid, n_realizations=2, n_resamples=0, n_gof=0, rng=1, executor=serial)
    one_d, two_d = fit(e, **kw), fit(e, criterion="2d", **kw)
    assert two_d.f_incremental <= 0.15 < 0.2 <= one_d.f_incremental
    assert min(one_d.f_extreme, two_d.f_extreme) >= 0.005


def test_plot_klimek_fit_draws_three_panels(serial):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from forensics.plots.klimek import plot_klimek_fit, plot_shpilkin_sweep

    e = simulate(SIZES[:3000], **FAIR, f_incremental=0.3, f_extreme=0.02, theta=0.25, rng=31)
    r = fit(e, grid=GRID, n_realizations=1, n_resamples=0, n_gof=0, rng=1)
    axes = plot_klimek_fit(r, bins=40)
    assert len(axes) == 3
    assert axes[2].get_title().startswith("fair")
    ax = plot_shpilkin_sweep(shpilkin(e))
    assert len(ax.lines[0].get_xdata()) == 21
    plt.close("all")


def test_empirical_fair_draw_reflects_the_lower_half():
    gen = np.random.default_rng(5)
    turnout = gen.normal(0.6, 0.05, 20_000)
    share = np.clip(0.3 + gen.gamma(2.0, 0.05, turnout.size), 0, 1)  # right-skewed
    p = estimate_fair(turnout, share, model="empirical")
    a, v = p.draw(50_000, np.random.default_rng(6))
    # turnout: the lower half reflected about the peak, so symmetric around it
    assert np.mean(a) == pytest.approx(p.turnout_mean, abs=0.002)
    assert np.mean(a > p.turnout_mean) == pytest.approx(0.5, abs=0.01)
    # share: resampled as observed (skew kept), not a normal around the peak
    assert np.mean(v) == pytest.approx(np.mean(share[turnout < p.turnout_mean]), abs=0.002)
    assert np.mean(v - np.median(v) > 0.1) > 0.1
    with pytest.raises(ValueError, match="model must be one of"):
        estimate_fair(turnout, share, model="kde")


# ------------------------------------------------ intervals, seed spread, fit check
def test_grid_fit_matches_a_direct_loop():
    # The cumulative-histogram shortcut must give, at every grid point, the
    # histogram of the plain rule: extreme if u < f_e, incremental if
    # f_e <= u < f_e + f_i, else fair. Checked against that loop on the same
    # draws (distances and minimiser equal).
    from forensics.klimek import _bins, _distance, _fraud_x, _grid_fit, _model

    n = SIZES[:2000].astype(float)
    e = simulate(n, **FAIR, f_incremental=0.3, f_extreme=0.02, theta=0.25, rng=40)
    p = estimate_fair(e.turnout.to_numpy(), e.share().to_numpy())
    grid = {
        "f_incremental": np.array([0.0, 0.15, 0.3, 0.45, 0.9]),
        "f_extreme": np.array([0.0, 0.01, 0.02, 0.2]),
        "alpha": np.array([1.0, 2.0]),
        "theta": np.array([0.2, 0.3]),
    }
    obs = np.bincount(_bins(e.share().to_numpy(), 50), minlength=50).astype(float)
    best = _grid_fit(n, p, grid, 50, "chi2", obs, np.random.default_rng(9))
    gen = np.random.default_rng(9)  # the same draws, in the same order
    a, v = p.draw(n.size, gen)
    u = gen.random(n.size)
    z_inc, z_ext = gen.standard_normal(n.size), gen.standard_normal(n.size)
    rows = []
    for theta in grid["theta"]:
        x_inc, x_ext = _fraud_x(z_inc, z_ext, theta)
        for alpha in grid["alpha"]:
            for fe in grid["f_extreme"]:
                for fi in grid["f_incremental"]:
                    if fi + fe > 1:
                        continue
                    x = np.where(u < fe, x_ext, np.where(u < fe + fi, x_inc, 0.0))
                    b, w = _model(n, a, v, x, alpha)
                    h = np.bincount(_bins(w / np.maximum(b, 1), 50), minlength=50)
                    rows.append((fi, fe, alpha, theta, _distance(h.astype(float), obs, "chi2")))
    rows = np.array(rows)
    assert best.tolist() == pytest.approx(rows[np.argmin(rows[:, 4])].tolist(), rel=1e-12)


def test_bootstrap_interval_has_width_and_covers_the_truth():
    # theta given at its true value (the default estimate from contaminated
    # data biases f_i low, see fit's Notes). Every replicate re-estimates the
    # fair parameters, so the interval is not a point. Measured on the 0.01
    # grid: f_i 0.39, 95 % interval 0.36-0.42; f_e 0.010, interval 0.0075-0.0125.
    e = simulate(SIZES, **FAIR, f_incremental=0.4, f_extreme=0.01, theta=0.3, rng=41)
    grid = {
        "f_incremental": np.round(np.arange(0.0, 0.705, 0.01), 2),
        "f_extreme": np.round(np.arange(0.0, 0.0301, 0.0025), 4),
        "alpha": [2.0],
        "theta": [0.3],
    }
    r = fit(e, grid=grid, fair_model="normal", n_resamples=60, n_gof=0, rng=5)
    lo, hi = r.f_incremental_ci
    assert hi - lo >= 0.02
    assert lo <= 0.4 <= hi
    lo_e, hi_e = r.f_extreme_ci
    assert hi_e > lo_e
    assert lo_e <= 0.01 <= hi_e
    # the replicates' fair parameters vary (they are re-estimated)
    assert r.bootstrap["share_mean"].nunique() > 1
    assert r.n_realizations == 10  # the default
    assert r.f_incremental_seed_sd < hi - lo


def test_russia_2011_interval_has_width_and_covers_the_seed_spread(data_dir):
    # Point estimates from five seeds (10 realisations each) all lie inside
    # the bootstrap interval, whose width exceeds their spread several times.
    e = load_or_skip("russia-2011")
    grid = {"alpha": [2.0, 2.5]}
    r = fit(e, grid=grid, n_resamples=40, n_gof=0, rng=1)
    seeds = [fit(e, grid=grid, n_resamples=0, n_gof=0, rng=k).f_incremental for k in range(2, 6)]
    lo, hi = r.f_incremental_ci
    assert hi - lo >= 0.01
    assert all(lo <= x <= hi for x in [r.f_incremental, *seeds])
    assert 3 * np.std([r.f_incremental, *seeds], ddof=1) < hi - lo
    assert r.f_incremental_seed_sd < hi - lo
    assert lo <= 0.6  # Klimek et al.: 0.64; measured 0.55
    assert hi >= 0.5
    assert "does not describe the data" not in r.summary()  # not checked here (n_gof=0)


SMALL_GRID = {
    "f_incremental": np.round(np.arange(0.0, 0.61, 0.02), 2),
    "f_extreme": np.round(np.arange(0.0, 0.041, 0.005), 3),
    "alpha": [2.0],
}


def test_fit_check_accepts_elections_from_the_model_at_the_nominal_rate():
    # 12 elections of 3,000 stations simulated from the model (f_i = 0.2,
    # f_e = 0.01), each fitted and checked at 0.05. Measured on 20: none
    # rejected, mean p 0.64 (the check is conservative). Allow 3 of 12
    # (binomial(12, 0.05) tail 2 %).
    pvalues = []
    for k in range(12):
        e = simulate(
            SIZES[:3000], **FAIR, f_incremental=0.2, f_extreme=0.01, theta=0.25, rng=500 + k
        )
        r = fit(e, grid=SMALL_GRID, n_realizations=2, n_resamples=0, n_gof=39, rng=k)
        pvalues.append(r.gof_pvalue)
    assert sum(p < 0.05 for p in pvalues) <= 3
    assert np.mean(pvalues) > 0.3  # roughly uniform or above, not piled near 0


def tilted_election(n_stations=3000, slope=1.2, rng=7):
    """Fair turnout, share rising linearly with turnout: outside the model."""
    import pandas as pd

    from forensics import Election

    gen = np.random.default_rng(rng)
    n = gen.integers(300, 3000, n_stations)
    t = np.clip(gen.normal(0.6, 0.1, n.size), 0.05, 1)
    s = np.clip(0.45 + slope * (t - 0.6) + gen.normal(0, 0.04, n.size), 0, 1)
    b = np.rint(n * t).astype(int)
    w = np.rint(b * s).astype(int)
    df = pd.DataFrame(
        {"station": np.arange(n.size).astype(str), "registered": n, "ballots": b, "A": w}
    )
    df["invalid"], df["B"] = 0, b - w
    return Election.from_frame(
        df,
        candidates=["A", "B"],
        registered="registered",
        ballots="ballots",
        invalid="invalid",
        station="station",
        leader="A",
        name="tilted",
    )


def test_fit_check_rejects_a_tilted_cloud():
    r = fit(tilted_election(), grid=SMALL_GRID, n_realizations=4, n_resamples=0, n_gof=39, rng=1)
    assert r.gof_pvalue < 0.05
    assert r.describes_data is False
    assert r.gof_statistic > 1.5 * r.gof_null_median  # measured 1314 against 607
    assert r.gof_tv > r.gof_tv_null
    assert "does not describe the data" in r.summary()
    assert "should not be read as estimates" in r.summary()
    row = r.to_frame().iloc[0]
    assert row["gof_pvalue"] == r.gof_pvalue
    assert not row["describes_data"]
    assert row["f_incremental_seed_sd"] == r.f_incremental_seed_sd


def test_result_identical_serially_and_on_executors():
    from concurrent.futures import ProcessPoolExecutor

    e = simulate(SIZES[:4000], **FAIR, f_incremental=0.3, f_extreme=0.02, theta=0.25, rng=42)
    kw = dict(grid=SMALL_GRID, n_realizations=3, n_resamples=12, n_gof=12, rng=8)
    serial_fit = fit(e, **kw)
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = fit(e, executor=pool, **kw)
    with ProcessPoolExecutor(max_workers=2) as pool:
        processes = fit(e, executor=pool, **kw)
    for other in (threaded, processes):
        assert other.estimates.equals(serial_fit.estimates)
        assert other.bootstrap.equals(serial_fit.bootstrap)
        assert np.array_equal(other.gof_null, serial_fit.gof_null)
        assert other.summary() == serial_fit.summary()
    assert serial_fit.bootstrap["f_incremental"].nunique() > 1


def test_fit_check_options_are_validated():
    e = simulate(SIZES[:200], **FAIR, rng=0)
    with pytest.raises(ValueError, match="n_gof"):
        fit(e, n_gof=-1)
    with pytest.raises(ValueError, match="gof_bins"):
        fit(e, gof_bins=1)
    with pytest.raises(ValueError, match="gof_level"):
        fit(e, gof_level=1.5)
