"""Fraud injectors keep tables consistent; the power study measures size and power."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forensics import Election
from forensics import power as ps_module
from forensics.election import DataError
from forensics.power import (
    FraudScenario,
    corner_rule,
    power_study,
    rank_correlation_power,
    wilson_interval,
)
from forensics.simulate import (
    clean_election,
    extreme_fraud,
    fabricate_counts,
    round_percentages,
    stuff_ballots,
    switch_votes,
)
from forensics.turnout import fingerprint

matplotlib.use("Agg")


def make_template(n: int = 1500, seed: int = 0) -> Election:
    """Station sizes uniform on [300, 1500), 6 regions, turnout ~0.6, shares ~(0.55, 0.3, 0.15)."""
    r = np.random.default_rng(seed)
    reg = r.integers(300, 1500, n)
    region = np.arange(n) % 6
    ballots = r.binomial(reg, r.beta(12, 8, n))
    invalid = r.binomial(ballots, 0.02)
    c = np.array(
        [
            r.multinomial(v, p)
            for v, p in zip(ballots - invalid, r.dirichlet([22, 12, 6], n), strict=True)
        ]
    )
    df = pd.DataFrame(
        {
            "region": region,
            "reg": reg,
            "b": ballots,
            "inv": invalid,
            "A": c[:, 0],
            "B": c[:, 1],
            "C": c[:, 2],
        }
    )
    df["id"] = [f"s{i}" for i in range(n)]
    return Election.from_frame(
        df,
        station="id",
        candidates=["A", "B", "C"],
        registered="reg",
        ballots="b",
        invalid="inv",
        levels=["region"],
        name="synthetic",
    )


def assert_consistent(e: Election) -> None:
    st = e.stations
    cands = list(e.candidates)
    np.testing.assert_array_equal(st[cands].sum(axis=1), st["valid"])
    np.testing.assert_array_equal(st["valid"] + st["invalid"], st["ballots"])
    assert (st["ballots"] <= st["registered"]).all()
    assert (st[[*cands, "valid", "invalid"]] >= 0).all().all()
    assert all(st[c].dtype == np.int64 for c in [*cands, "valid", "ballots"])
    # The table passes the package's own validation.
    Election.from_frame(
        st, candidates=cands, registered="registered", ballots="ballots", invalid="invalid"
    )


@pytest.fixture(scope="module")
def clean():
    return clean_election(make_template(), rng=11, regions=True)


def test_injectors_keep_totals_consistent_and_report_truth(clean):
    n = len(clean)
    before = clean.stations
    for inject, kw in [
        (stuff_ballots, {"fraction": 0.1, "intensity": 0.5}),
        (switch_votes, {"fraction": 0.1, "intensity": 0.5}),
        (extreme_fraud, {"fraction": 0.1}),
        (fabricate_counts, {"fraction": 0.1}),
        (round_percentages, {"fraction": 0.1}),
    ]:
        e, hit = inject(clean, rng=3, **kw)
        assert_consistent(e)
        assert hit.dtype == bool
        assert hit.shape == (n,)
        # exactly round(0.1 * 1500) = 150 stations chosen (round_percentages may skip a few)
        assert 140 <= hit.sum() <= 150, inject.__name__
        if inject is not round_percentages:
            assert hit.sum() == 150
        # unaffected stations are untouched
        cols = ["registered", "ballots", "valid", "invalid", "A", "B", "C"]
        pd.testing.assert_frame_equal(e.stations.loc[~hit, cols], before.loc[~hit, cols])
        assert "injected" in e.notes[-1]
    # Stuffing: each non-voter's ballot added with p = 0.5, so about half the room is filled.
    e, hit = stuff_ballots(clean, fraction=0.1, intensity=0.5, rng=3)
    added = e.counts("ballots")[hit] - clean.counts("ballots")[hit]
    room = (clean.counts("registered") - clean.counts("ballots"))[hit]
    assert added.sum() / room.sum() == pytest.approx(0.5, abs=0.01)  # SE ~ 0.5/sqrt(4e4)
    np.testing.assert_array_equal(e.counts("A")[hit] - clean.counts("A")[hit], added)
    # Switching leaves turnout alone and moves about half of B and C to A.
    e, hit = switch_votes(clean, fraction=0.1, intensity=0.5, rng=3)
    np.testing.assert_array_equal(e.counts("valid"), clean.counts("valid"))
    lost = (clean.counts("B") + clean.counts("C"))[hit].sum()
    assert (e.counts("A") - clean.counts("A"))[hit].sum() / lost == pytest.approx(0.5, abs=0.01)


def test_fabricated_counts_round_or_avoid_repeats(clean):
    e, hit = fabricate_counts(clean, fraction=0.5, rounding=0.5, rng=5)
    x = e.stations.loc[hit, ["A", "B", "C"]].to_numpy().ravel()
    x = x[x >= 10]
    last, tens = x % 10, x // 10 % 10
    ends_05 = np.isin(last, [0, 5])
    # Every invented count ends in 0 or 5 (rounded) or has a last digit unlike its tens digit;
    # the odd exception is a count lowered because ballots exceeded registered.
    assert np.mean(ends_05 | (last != tens)) > 0.995
    # Half rounded plus 2 of 10 free digits land on 0/5 by chance: about 0.5 + 0.5 * 0.2 = 0.6.
    assert ends_05.mean() == pytest.approx(0.6, abs=0.03)


def test_round_percentages_land_on_whole_percents(clean):
    e, hit = round_percentages(clean, fraction=0.2, rng=2)
    reg, b, a = e.counts("registered")[hit], e.counts("ballots")[hit], e.counts("A")[hit]
    t = 100 * b / reg
    # round(R T / 100) is within half a vote of R T / 100: |100 B / R - T| <= 50 / R.
    assert np.all(np.abs(t - np.round(t)) <= 50 / reg + 1e-9)
    s = 100 * a / b
    assert np.all(np.abs(s - np.round(s)) <= 50 / b + 1e-9)


def test_extreme_fraud_fills_the_fingerprint_corner(clean):
    assert fingerprint(clean).corner_mass()["n_stations"] == 0
    e, _hit = extreme_fraud(clean, fraction=0.05, rng=1)
    corner = fingerprint(e).corner_mass(0.95)
    # turnout ~0.6 + 0.4 * 0.98 = 0.99 and share ~0.55 + 0.45 * 0.98 = 0.99 in all 75 stations
    assert corner["n_stations"] == pytest.approx(75, abs=2)


def test_wilson_interval_hand_values():
    # 5/100, z = 1.95996: centre (0.05 + z^2/200) / (1 + z^2/100) = 0.066648,
    # half-width z sqrt(0.05 * 0.95 / 100 + z^2 / 40000) / 1.038415 = 0.045103.
    lo, hi = wilson_interval(5, 100)
    assert float(lo) == pytest.approx(0.021545, abs=1e-5)
    assert float(hi) == pytest.approx(0.111751, abs=1e-5)
    lo, hi = wilson_interval(0, 0)
    assert np.isnan(lo)
    assert np.isnan(hi)


def test_calibrated_tests_have_size_near_alpha():
    # Clean data from the national model: the tests whose null holds for it should reject
    # at about alpha = 0.10. 120 simulations: a binomial test of the rejection count
    # against 0.10 at level 0.001 (3.3 SD) stands for "within Monte Carlo error".
    table = power_study(
        template=make_template(1000, seed=3),
        tests=[
            "last_digit",
            "round_numbers_C05s",
            "turnout_share_association",
            "integer_percentages",
        ],
        scenarios=(),
        n_sim=120,
        alpha=0.10,
        regions=False,
        rng=7,
    )
    assert set(table["measure"]) == {"size"}
    for _, row in table.iterrows():
        p = stats.binomtest(int(row["rejections"]), int(row["n_run"]), 0.10).pvalue
        assert p > 0.001, (row["test"], row["rate"])
        assert row["ci_low"] <= row["rate"] <= row["ci_high"]


def test_power_rises_with_intensity_and_types_are_detected():
    scen = (
        FraudScenario(
            "ballot stuffing", stuff_ballots, "fraction", (0.01, 0.05, 0.2), {"intensity": 0.3}
        ),
        FraudScenario("round percentages", round_percentages, "fraction", (0.1,)),
        FraudScenario("extreme fraud", extreme_fraud, "fraction", (0.01,)),
    )
    table = power_study(
        template=make_template(1500, seed=4),
        tests=["turnout_share_association", "integer_percentages", corner_rule()],
        scenarios=scen,
        n_sim=20,
        rng=3,
    )
    rate = table.set_index(["test", "scenario", "value"])["rate"].sort_index()
    stuffed = rate.loc["turnout_share_association", "ballot stuffing"].to_numpy()
    assert np.all(np.diff(stuffed) >= 0)
    assert stuffed[-1] >= 0.9
    assert stuffed[-1] - stuffed[0] >= 0.5
    # The integer-percentage test finds round percentages in 10 % of stations; clean it rarely fires.
    assert rate.loc["integer_percentages", "round percentages", 0.1] >= 0.9
    assert rate.loc["integer_percentages", "clean", 0.0] <= 0.25
    # The fingerprint corner finds extreme fraud in 1 % of stations and never fires on clean data.
    corner = corner_rule().name
    assert rate.loc[corner, "extreme fraud", 0.01] == 1.0
    assert rate.loc[corner, "clean", 0.0] == 0.0


def test_executor_and_blocks_do_not_change_results(tmp_path, monkeypatch):
    kw = dict(
        template=make_template(600, seed=5),
        tests=["last_digit", "turnout_share_association"],
        scenarios=(
            FraudScenario("stuffing", stuff_ballots, "fraction", (0.1,), {"intensity": 0.3}),
        ),
        n_sim=8,
        rng=9,
    )
    serial = power_study(**kw)
    with ThreadPoolExecutor(2) as pool:
        threaded = power_study(**kw, executor=pool, block_size=3)
    pd.testing.assert_frame_equal(serial, threaded)
    # A cached table is read back identical, without simulating.
    first = power_study(**kw, cache=tmp_path)
    pd.testing.assert_frame_equal(first, serial)
    assert len(list(tmp_path.glob("power_*.csv"))) == 1

    def boom(payload):
        raise AssertionError("simulated although cached")

    monkeypatch.setattr(ps_module, "_block", boom)
    pd.testing.assert_frame_equal(power_study(**kw, cache=tmp_path), serial)
    # intervals are recomputed from the counts on reading: a bound a rounding error off
    # the observed rate (as an older scipy wrote, 1.7e-18 at 0 rejections) is corrected
    path = next(tmp_path.glob("power_*.csv"))
    stale = pd.read_csv(path, keep_default_na=False, na_values=["nan"])
    stale["ci_low"] = np.where(stale["rejections"] == 0, 1.734723e-18, stale["ci_low"])
    stale.to_csv(path, index=False, float_format="%.17g", na_rep="nan")
    reread = power_study(**kw, cache=tmp_path)
    pd.testing.assert_frame_equal(reread, serial)
    assert (reread.loc[reread["rejections"] == 0, "ci_low"] == 0.0).all()
    with pytest.raises(AssertionError, match="simulated although cached"):
        power_study(**kw, cache=tmp_path, rebuild=True)
    # another seed is another study
    with pytest.raises(AssertionError, match="simulated although cached"):
        power_study(**{**kw, "rng": 10}, cache=tmp_path)


def test_power_curves_plot():
    from forensics.plots.power import power_curves

    table = power_study(
        template=make_template(500, seed=6),
        tests=["turnout_share_association"],
        scenarios=(
            FraudScenario("stuffing", stuff_ballots, "fraction", (0.1, 0.3), {"intensity": 0.3}),
        ),
        n_sim=4,
        rng=1,
    )
    ax = power_curves(table)
    assert len(ax.lines) >= 2  # one test line and alpha
    with pytest.raises(ValueError, match="unknown scenario"):
        power_curves(table, scenario="nope")


def test_bad_options_raise():
    t = make_template(200)
    with pytest.raises(ValueError, match="fraction"):
        stuff_ballots(t, fraction=1.5, intensity=0.1, rng=0)
    with pytest.raises(ValueError, match="intensity"):
        switch_votes(t, fraction=0.1, intensity=-1, rng=0)
    with pytest.raises(KeyError, match="unknown candidate"):
        stuff_ballots(t, fraction=0.1, intensity=0.1, candidate="Z", rng=0)
    with pytest.raises(ValueError, match="unknown test"):
        power_study(template=t, tests=["nope"], n_sim=1, rng=0)
    with pytest.raises(ValueError, match="n_sim"):
        power_study(template=t, n_sim=0, rng=0)
    with pytest.raises(DataError, match="unknown candidate 'Z'"):
        power_study(template=t, candidates=["Z"], n_sim=1, rng=0)


def test_rank_correlation_power_hand_values():
    # n = 24, rho = 0.3: sd = sqrt(1.06 / 21) = 0.224669, arctanh(0.3) = 0.309520,
    # shift = 0.309520 / 0.224669 = 1.377666; power = Phi(1.377666 - 1.959964)
    # + Phi(-1.959964 - 1.377666) = Phi(-0.582298) + Phi(-3.337630)
    # = 0.280184 + 0.000422 = 0.280606. t(0.975, 22) = 2.073873, so the
    # critical |rho| is 2.073873 / sqrt(22 + 2.073873^2) = 0.404386.
    p = rank_correlation_power(24, 0.3)
    assert p.z_sd == pytest.approx(0.224669, abs=1e-6)
    assert p.power == pytest.approx(0.280606, abs=1e-5)
    assert p.critical_rho == pytest.approx(0.404386, abs=1e-6)
    # one-sided: Phi(shift - 1.644854) = Phi(-0.267188) = 0.394663, t(0.95, 22) = 1.717144
    g = rank_correlation_power(24, 0.3, alternative="greater")
    assert g.power == pytest.approx(0.394663, abs=1e-5)
    assert g.critical_rho == pytest.approx(1.717144 / np.sqrt(22 + 1.717144**2), abs=1e-6)
    assert rank_correlation_power(24, -0.3, alternative="less").power == pytest.approx(g.power)
    # at rho = 0 the power is the level; two-sided power is symmetric in rho
    both = rank_correlation_power(24, [0.0, -0.5, 0.5], alpha=0.1)
    assert both.power[0] == pytest.approx(0.1, abs=1e-12)
    assert both.power[1] == pytest.approx(both.power[2], abs=1e-12)


def test_rank_correlation_power_critical_rho_is_where_spearmanr_p_is_alpha():
    # scipy's Spearman p-value is the t approximation the critical value inverts
    n = 24
    r_c = rank_correlation_power(n, 0.0).critical_rho
    t = r_c * np.sqrt((n - 2) / (1 - r_c**2))
    assert 2 * stats.t.sf(t, n - 2) == pytest.approx(0.05, abs=1e-10)


@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_rank_correlation_power_matches_simulated_spearman_tests(rho):
    # bivariate normal pairs with Spearman correlation rho (Pearson 2 sin(pi rho / 6)),
    # 400 samples of 24 pairs, each tested with scipy.stats.spearmanr
    n, draws = 24, 400
    rng = np.random.default_rng(7)
    r = 2 * np.sin(np.pi * rho / 6)
    pvalues, z = np.empty(draws), np.empty(draws)
    for i in range(draws):
        x = rng.multivariate_normal([0.0, 0.0], [[1.0, r], [r, 1.0]], size=n)
        res = stats.spearmanr(x[:, 0], x[:, 1])
        pvalues[i], z[i] = res.pvalue, np.arctanh(res.statistic)
    p = rank_correlation_power(n, rho)
    lo, hi = wilson_interval(int((pvalues < 0.05).sum()), draws, confidence_level=0.999)
    assert float(lo) <= p.power <= float(hi)
    # the spread of Fisher's z is the Fieller-Hartley-Pearson sd (its MC se is ~0.008)
    assert np.std(z, ddof=1) == pytest.approx(p.z_sd, abs=0.025)


def test_rank_correlation_power_bad_input():
    with pytest.raises(ValueError, match="n must be >= 4"):
        rank_correlation_power(3, 0.3)
    with pytest.raises(ValueError, match="rho must lie"):
        rank_correlation_power(24, [0.2, 1.0])
    with pytest.raises(ValueError, match="alpha"):
        rank_correlation_power(24, 0.3, alpha=0.0)
    with pytest.raises(ValueError, match="alternative"):
        rank_correlation_power(24, 0.3, alternative="two_sided")
