"""Digit tests: hand-computed values, closed forms, calibration, power and real controls.

Calibration measured while writing these tests (200 clean elections simulated
from the synthetic templates below, α = 0.05, textbook null):

* registered 200–2,500, 300 stations: 1BL rejects 100 %, 2BL χ² 10.5 %, 2BL mean
  13 %, last digit 3.5 %, C05s 5.5 %, pairs 4 %;
* registered 50–400, 1,000 stations: 1BL 100 %, 2BL χ² 42.5 %, 2BL mean 66.5 %;
* registered 500–1,500, 2,000 stations: 1BL 100 %, 2BL χ² 92.5 %, 2BL mean 100 %.

So the textbook first-digit null is useless for station counts and the 2BL null
grows worse with n; the last-digit, C05s and pair nulls hold for counts in the
hundreds. With ``null="simulated"`` every test is near 5 % (checked below).
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forensics import DataError, datasets
from forensics.digits import (
    BENFORD_1,
    BENFORD_2,
    DigitTestResult,
    ForensicsWarning,
    by_group,
    digit_pair_test,
    digit_summary,
    first_digit_test,
    last_digit_test,
    round_number_test,
    second_digit_test,
    stratified_mean_test,
)
from forensics.multitest import benjamini_hochberg, holm
from forensics.simulate import clean_election
from tests.test_simulate import make_template

matplotlib.use("Agg")

quiet = pytest.mark.filterwarnings("ignore::forensics.digits.ForensicsWarning")


# ------------------------------------------------------------ closed forms
def test_benford_closed_forms():
    assert BENFORD_1.sum() == pytest.approx(1.0, abs=1e-12)
    assert BENFORD_2.sum() == pytest.approx(1.0, abs=1e-12)
    # log10(2) = 0.30103 and log10(10/9) = 0.04576 (Benford 1938, Table I).
    assert BENFORD_1[0] == pytest.approx(0.30103, abs=5e-6)
    assert BENFORD_1[-1] == pytest.approx(0.04576, abs=5e-6)
    # 2BL: P(D2 = 0) = 0.11968, P(D2 = 9) = 0.08500; mean 4.187, variance 8.254
    # (Mebane 2006; Hicken & Mebane 2017).
    assert BENFORD_2[0] == pytest.approx(0.11968, abs=5e-6)
    assert BENFORD_2[9] == pytest.approx(0.08500, abs=5e-6)
    d = np.arange(10)
    assert BENFORD_2 @ d == pytest.approx(4.187, abs=5e-4)
    assert BENFORD_2 @ d**2 - (BENFORD_2 @ d) ** 2 == pytest.approx(8.254, abs=5e-4)


# ------------------------------------------------------- hand-computed values
def test_first_digit_by_hand():
    counts = [1, 2, 3, 10, 25, 100, 150, 999, 5, 0, np.nan]
    with pytest.warns(ForensicsWarning, match="only 9 counts"):
        r = first_digit_test(counts, rng=0)
    # Leading digits 1,2,3,1,2,1,1,9,5; the 0 and the NaN are excluded.
    np.testing.assert_array_equal(r.observed, [4, 2, 1, 0, 1, 0, 0, 0, 1])
    assert (r.n, r.n_excluded) == (9, 2)
    # MAD = (|4/9 - .30103| + |2/9 - .17609| + |1/9 - .12494| + .09691 + |1/9 - .07918|
    #        + .06695 + .05799 + .05115 + |1/9 - .04576|) / 9 = 0.57365 / 9 = 0.063739
    assert r.mad == pytest.approx(0.063739, abs=2e-6)
    assert r.mad_conformity == "nonconformity"
    # Pearson χ² with expected 9 P_d; cell d=1: 1.29073^2 / 2.70927 = 0.61492.
    e = 9 * BENFORD_1
    assert r.statistic == pytest.approx(np.sum((r.observed - e) ** 2 / e))
    assert ((4 - e[0]) ** 2 / e[0]) == pytest.approx(0.61492, abs=1e-5)
    assert r.pvalue == pytest.approx(stats.chi2.sf(r.statistic, 8))
    # KS: cumulative gaps 4/9 - .30103 = .14341, 6/9 - .47712 = .18954 (the largest),
    # 7/9 - .60206 = .17572, ...
    assert r.ks_statistic == pytest.approx(6 / 9 - np.log10(3), abs=1e-9)
    assert r.magnitude_span == pytest.approx(np.log10(999))


def test_second_digit_by_hand():
    counts = [10, 11, 123, 5, 99, 1000]
    with pytest.warns(ForensicsWarning, match="only 5 counts"):
        r = second_digit_test(counts, rng=0)
    # 5 < 10 is excluded; second digits 0, 1, 2, 9, 0 -> mean 12 / 5 = 2.4.
    assert (r.n, r.n_excluded) == (5, 1)
    np.testing.assert_array_equal(r.observed, [2, 1, 1, 0, 0, 0, 0, 0, 0, 1])
    assert r.mean == pytest.approx(2.4)
    # z = (2.4 - 4.18739) / sqrt(8.25378 / 5) = -1.3912
    assert r.mean_z == pytest.approx(-1.3912, abs=1e-4)
    assert r.mean_ci_low <= 2.4 <= r.mean_ci_high


def test_second_digit_interval_and_old_parameter_names():
    x = np.arange(10, 400)
    new = second_digit_test(x, n_resamples=200, confidence_level=0.8, rng=3)
    with pytest.warns(DeprecationWarning, match="`n_boot` was renamed `n_resamples`"):
        old = second_digit_test(x, n_boot=200, confidence_level=0.8, rng=3)
    with pytest.warns(DeprecationWarning, match="`confidence` was renamed `confidence_level`"):
        old2 = second_digit_test(x, n_resamples=200, confidence=0.8, rng=3)
    ci = (new.mean_ci_low, new.mean_ci_high)
    assert (old.mean_ci_low, old.mean_ci_high) == ci == (old2.mean_ci_low, old2.mean_ci_high)
    # Same seed, same bootstrap draws: the 99 % interval contains the 80 % one.
    wide = second_digit_test(x, n_resamples=200, confidence_level=0.99, rng=3)
    assert wide.mean_ci_low < new.mean_ci_low < new.mean < new.mean_ci_high < wide.mean_ci_high
    with pytest.raises(ValueError, match="confidence_level must lie in"):
        second_digit_test(x, confidence_level=95)


def test_last_digit_round_and_pairs_by_hand():
    counts = [10, 21, 32, 3, 45]
    with pytest.warns(ForensicsWarning):
        r = last_digit_test(counts)
    # 3 < 10 excluded; last digits 0, 1, 2, 5 -> mean 2.
    assert (r.n, r.n_excluded, r.mean) == (4, 1, 2.0)
    with pytest.warns(ForensicsWarning):
        c = round_number_test([10, 15, 23, 40, 7])
    # 10, 15, 40 end in 0 or 5: k = 3 of 4. Two-sided exact binomial against 0.2:
    # P(3) + P(4) = 4 * .2^3 * .8 + .2^4 = .0256 + .0016 = .0272 (the other outcomes are likelier).
    assert (c.k, c.n, c.statistic) == (3, 4, 0.75)
    assert c.pvalue == pytest.approx(0.0272, abs=1e-10)
    with pytest.warns(ForensicsWarning):
        pc = round_number_test([1, 5, 1, 3, 45], kind="percent", denominator=[8, 200, 40, 8, 100])
    # 12.5 -> 12, 2.5 -> 2, 2.5 -> 2, 37.5 -> 38 (half to even), 45 -> 45: k = 1.
    assert (pc.k, pc.n) == (1, 5)
    with pytest.warns(ForensicsWarning):
        p = digit_pair_test([11, 22, 12, 10, 35, 109])
    # 11, 22 repeated; 12, 10 adjacent; 35 and 09 (|0 - 9| = 9) other.
    np.testing.assert_array_equal(p.observed, [2, 2, 2])


# ---------------------------------------------------------- errors, guardrails
def test_bad_input_and_null_errors():
    with pytest.raises(ValueError, match="negative"):
        last_digit_test(np.array([10, -1]))
    with pytest.raises(ValueError, match="integers"):
        last_digit_test([10.5, 20])
    with pytest.raises(TypeError, match="needs an Election"):
        second_digit_test(np.arange(100, 1000), null="simulated")
    with pytest.raises(ValueError, match="null must be"):
        second_digit_test(np.arange(100, 1000), null="uniform")
    e = make_template(100)
    with pytest.raises(ValueError, match="degenerate"):
        last_digit_test(e, column="registered", null="simulated")
    with pytest.raises(DataError, match=r"unknown column\(s\) \['Z'\]"):
        last_digit_test(e, column="Z")
    with pytest.raises(DataError, match=r"unknown column\(s\) \['Z'\]"):
        by_group(e, last_digit_test, by="region", column="Z")
    with pytest.raises(DataError, match=r"\['Z'\]"):
        round_number_test(e, kind="percent", denominator="Z")
    with pytest.raises(DataError, match="unknown level 'county'; the levels are \\['region'\\]"):
        by_group(e, last_digit_test, by="county")
    with pytest.raises(DataError, match="unknown level 'county'"):
        digit_summary(e, by="county", n_sim=0)
    with pytest.raises(ValueError, match="no counts remain"):
        last_digit_test([1, 2, 3])


def test_guardrail_warnings():
    rng = np.random.default_rng(0)
    with pytest.warns(ForensicsWarning, match="orders of magnitude"):
        first_digit_test(rng.integers(100, 999, 2000), rng=0)
    with pytest.warns(ForensicsWarning, match="10\\^4"):
        last_digit_test(rng.integers(100, 10**6, 20_000))
    # Every guardrail warning points at the caller's line, not into the package.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForensicsWarning)
        first_digit_test([5, 12, 130], rng=0)
        second_digit_test([10, 11, 123], rng=0)
        last_digit_test(rng.integers(100, 10**6, 20_000))
        digit_summary(make_template(40, seed=1), tests=["2BL", "pairs"], n_sim=0)
    assert len(caught) >= 5
    assert all(issubclass(w.category, ForensicsWarning) for w in caught)
    assert {w.filename for w in caught} == {__file__}


@quiet
def test_expected_mad_matches_simulation():
    # E[MAD] ≈ (1/K) Σ sqrt(2 P(1-P)/(π n)); check against 2000 multinomial draws (MC SE < 0.5 %).
    rng = np.random.default_rng(5)
    n = 5000
    draws = rng.multinomial(n, BENFORD_1, size=2000) / n
    mc = np.mean(np.abs(draws - BENFORD_1).mean(axis=1))
    counts = np.repeat(np.arange(1, 10), rng.multinomial(n, BENFORD_1)) * 1000 + 1
    res = first_digit_test(counts, rng=0)
    assert res.expected_mad == pytest.approx(mc, rel=0.03)
    assert res.excess_mad == pytest.approx(res.mad - res.expected_mad)


def test_ks_pvalue_is_discrete_calibrated():
    # Benford-distributed counts spanning 6 orders of magnitude: KS p-values ~ U(0, 1);
    # 100 replicates, rejection rate at 0.05 within 3 SE (0.065) of 0.05.
    rng = np.random.default_rng(11)
    rej = 0
    for _ in range(100):
        x = np.floor(10 ** rng.uniform(0, 6, 500)).astype(np.int64)
        rej += first_digit_test(x, rng=rng, n_ks=500).ks_pvalue <= 0.05
    assert rej / 100 <= 0.05 + 0.065


# -------------------------------------------------------------- calibration
@quiet
def test_simulated_null_is_calibrated():
    """Rejection rate of null="simulated" on clean data is 0.05 within Monte Carlo error.

    200 clean elections from a 300-station template (registered 200–2,500); each test
    uses a 19-election (upper tail) or 39-election (two-sided) null, which gives an exact
    5 % Monte Carlo test when the data and the simulations are exchangeable. SE of a rate
    of 0.05 over 200 replicates: sqrt(.05 * .95 / 200) = 0.0154; tolerance 3 SE = 0.046.
    The C05s share is discrete: ties count against rejection, so that test may only be
    conservative. The textbook 1BL null, by contrast, rejects (nearly) every clean election.
    """
    template = make_template(300, seed=0)
    rng = np.random.default_rng(1)
    reps, tol = 200, 3 * np.sqrt(0.05 * 0.95 / 200)
    rej = {"2BL": 0, "last": 0, "C05s": 0, "1BL textbook": 0}
    for _ in range(reps):
        e = clean_election(template, rng=rng)
        rej["2BL"] += second_digit_test(e, null="simulated", n_sim=19, rng=rng).pvalue <= 0.05
        rej["last"] += last_digit_test(e, null="simulated", n_sim=19, rng=rng).pvalue <= 0.05
        rej["C05s"] += round_number_test(e, null="simulated", n_sim=39, rng=rng).pvalue <= 0.05
        rej["1BL textbook"] += first_digit_test(e, rng=rng, n_ks=50).pvalue <= 0.05
    rate = {k: v / reps for k, v in rej.items()}
    assert abs(rate["2BL"] - 0.05) <= tol, rate
    assert abs(rate["last"] - 0.05) <= tol, rate
    assert rate["C05s"] <= 0.05 + tol, rate
    assert rate["1BL textbook"] >= 0.9, rate  # measured 1.0


def test_simulated_null_reports_expected_values_and_uses_executor():
    e = make_template(400, seed=3, lo=500, hi=1500)
    r = second_digit_test(e, null="simulated", n_sim=60, rng=7)
    # Counts of a few hundred from stations of 500-1,500: the clean 2BL mean is far
    # from 4.187 (measured 4.4-4.6); the simulated value is reported beside it.
    assert r.mean_expected == pytest.approx(4.187, abs=1e-3)
    assert r.mean_simulated > 4.3
    assert r.expected_simulated.shape == (10,)
    assert r.seconds_per_resample > 0
    with ThreadPoolExecutor(2) as ex:
        r2 = second_digit_test(e, null="simulated", n_sim=60, rng=7, executor=ex)
    assert r2.pvalue == r.pvalue
    assert r2.mean_simulated == r.mean_simulated


# -------------------------------------------------------------------- power
def _fabricate(e, rng, frac, rounded_frac):
    """Replace the leader's counts in a fraction of stations by invented numbers.

    Invented numbers: rounded to a multiple of 5 (a share ``rounded_frac`` of them),
    the others with a repeated last pair replaced by an adjacent one (people avoid
    repeats, Beber & Scacco 2012).
    """
    st = e.stations.copy()
    lead = e.leader
    x = st[lead].to_numpy().copy()
    pick = rng.random(x.size) < frac
    rounded = pick & (rng.random(x.size) < rounded_frac)
    x[rounded] = np.round(x[rounded] / 5) * 5
    rest = pick & ~rounded
    rep = rest & ((x % 10) == (x // 10) % 10)
    x[rep] += np.where(x[rep] % 10 == 9, -1, 1)
    st[lead] = x
    return e.with_stations(st)


@quiet
def test_power_on_fabricated_counts():
    template = make_template(500, seed=4)
    rng = np.random.default_rng(9)
    reps = 40
    hits = {"C05s": 0, "last": 0, "pairs": 0}
    for _ in range(reps):
        clean = clean_election(template, rng=rng)
        e = _fabricate(clean, rng, frac=0.4, rounded_frac=1.0)
        hits["C05s"] += round_number_test(e).pvalue <= 0.05
        hits["last"] += last_digit_test(e).pvalue <= 0.05
        e = _fabricate(clean, rng, frac=0.6, rounded_frac=0.0)
        hits["pairs"] += digit_pair_test(e).repeated_pvalue <= 0.05
    power = {k: v / reps for k, v in hits.items()}
    # 40 % rounded to a multiple of 5: C05s share 0.6 * 0.2 + 0.4 = 0.52 against 0.2.
    # 60 % avoiding repeats: repeated share 0.4 * 0.1 = 0.04 against 0.1, z ≈ -4.5 at n = 500.
    assert power["C05s"] >= 0.9, power
    assert power["last"] >= 0.9, power
    assert power["pairs"] >= 0.8, power
    # The simulated null keeps that power.
    e = _fabricate(clean_election(template, rng=rng), rng, frac=0.4, rounded_frac=1.0)
    assert round_number_test(e, null="simulated", n_sim=39, rng=1).pvalue <= 0.05


# ----------------------------------------------------------------- by group
@quiet
def test_by_group_adjusts_pvalues():
    e = make_template(800, seed=2)
    out = by_group(e, last_digit_test, by="region", column="A")
    assert list(out["region"]) == [0, 1, 2, 3]
    assert out["n"].sum() + out["n_excluded"].sum() == 800
    np.testing.assert_allclose(out["pvalue_bh"], benjamini_hochberg(out["pvalue"]))
    np.testing.assert_allclose(out["pvalue_holm"], holm(out["pvalue"]))
    np.testing.assert_allclose(out["mean_pvalue_holm"], holm(out["mean_pvalue"]))
    with pytest.warns(ForensicsWarning, match="groups of 'region'"):
        small = by_group(e.subset(np.arange(800) < 20), second_digit_test, by="region", rng=1)
    assert small["warnings"].str.len().gt(0).all()


def test_plot_draws_every_result():
    from forensics.plots import digits as plot_digits

    x = np.floor(10 ** np.random.default_rng(0).uniform(1, 5, 3000)).astype(np.int64)
    for r in (first_digit_test(x, rng=0), second_digit_test(x, rng=0), digit_pair_test(x)):
        ax = plot_digits(r)
        assert len(ax.patches) == len(r.cells)
        assert isinstance(r, DigitTestResult)
    with pytest.raises(TypeError):
        plot_digits("not a result")


# ------------------------------------------------------------ real controls
SUSPECT = {"russia-2011": "United Russia", "russia-2012": "Putin", "uganda-2011": "Museveni"}
CONTROL = {"poland-2020-r1": "Duda", "germany-2024-ep": "CDU/CSU"}


@pytest.fixture(scope="module")
def controls():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")
    names = [*SUSPECT, *CONTROL]
    missing = [n for n in names if n not in datasets.available()]
    if missing:
        pytest.skip(f"datasets not registered yet: {missing}")
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForensicsWarning)
        for name in names:
            e = datasets.load(name)
            out[name] = {
                "1BL": first_digit_test(e, rng=0, n_ks=200),
                "2BL": second_digit_test(e, rng=0, n_resamples=500),
                "last": last_digit_test(e),
                "P05s turnout": round_number_test(e, kind="percent", column="ballots"),
                "P05s share": round_number_test(e, kind="percent"),
                "pairs": digit_pair_test(e),
            }
    return out


def test_controls_which_tests_separate(controls):
    """Russia 2011/2012 and Uganda 2011 against Poland 2020 and Germany 2024 (leader's counts).

    Measured: the 2BL mean is off 4.187 everywhere (Russia 2011 4.237, Russia 2012 4.206,
    Uganda 4.321, Poland 4.383, Germany 4.021), so the 2BL mean alone does NOT separate the
    groups; 1BL MAD is "nonconformity" everywhere (station counts are bounded). The last
    digit and digit pairs separate nothing (all p > 0.01). P05s of turnout separates Russia
    (p < 1e-100) from the controls (p > 0.3) but not Uganda (p = 0.09); P05s of the
    leader's share separates Russia (p < 1e-11) from the controls (p > 0.5), Uganda in
    between (p = 0.025).
    """
    for name in [*SUSPECT, *CONTROL]:
        r = controls[name]
        assert r["1BL"].mad_conformity == "nonconformity", name
        assert r["last"].pvalue > 0.01, name
        assert r["pairs"].pvalue > 0.01, name
    for name in CONTROL:  # the 2BL mean "rejects" the clean controls just as hard
        assert controls[name]["2BL"].mean_pvalue < 1e-6, name
        assert not (
            controls[name]["2BL"].mean_ci_low <= 4.187 <= controls[name]["2BL"].mean_ci_high
        )
        assert controls[name]["P05s turnout"].pvalue > 0.05, name
        assert controls[name]["P05s share"].pvalue > 0.05, name
    for name in ("russia-2011", "russia-2012"):
        assert controls[name]["P05s turnout"].pvalue < 1e-50, name
        assert controls[name]["P05s turnout"].statistic > 0.22, name
        assert controls[name]["P05s share"].pvalue < 1e-6, name
    assert controls["uganda-2011"]["P05s turnout"].pvalue > 0.05


# ------------------------------------------------------------ digit_summary
@quiet
def test_digit_summary_matches_each_test():
    """One shared set of simulations gives each test's own simulated result (same seeds)."""
    e = make_template(400, seed=3)
    s = digit_summary(e, ["A", "B"], n_sim=19, rng=5).set_index(["column", "statistic"])
    assert len(s) == 2 * 10  # 1 + 2 + 2 + 1 + 1 + 3 statistics per column
    for col in ("A", "B"):
        calls = {
            "1BL": first_digit_test(e, column=col, null="simulated", n_sim=19, rng=5),
            "2BL": second_digit_test(e, column=col, null="simulated", n_sim=19, rng=5),
            "last": last_digit_test(e, column=col, null="simulated", n_sim=19, rng=5),
            "C05s": round_number_test(e, column=col, null="simulated", n_sim=19, rng=5),
            "P05s": round_number_test(
                e, column=col, kind="percent", null="simulated", n_sim=19, rng=5
            ),
            "pairs": digit_pair_test(e, column=col, null="simulated", n_sim=19, rng=5),
        }
        book = {
            "2BL": second_digit_test(e, column=col, rng=5),
            "last": last_digit_test(e, column=col),
            "pairs": digit_pair_test(e, column=col),
            "P05s": round_number_test(e, column=col, kind="percent"),
        }
        r = s.loc[col]
        assert r.loc["1BL χ²", "p_simulated"] == calls["1BL"].pvalue
        assert r.loc["1BL χ²", "observed"] == calls["1BL"].statistic
        assert r.loc["2BL χ²", "p_simulated"] == calls["2BL"].pvalue
        assert r.loc["2BL mean", "p_simulated"] == calls["2BL"].mean_pvalue
        assert r.loc["2BL mean", "simulated"] == pytest.approx(calls["2BL"].mean_simulated)
        assert r.loc["2BL mean", "p_textbook"] == book["2BL"].mean_pvalue
        assert r.loc["2BL mean", "textbook"] == pytest.approx(4.18739, abs=1e-5)
        assert r.loc["last-digit mean", "p_simulated"] == calls["last"].mean_pvalue
        assert r.loc["last-digit χ²", "p_textbook"] == book["last"].pvalue
        assert r.loc["C05s", "p_simulated"] == calls["C05s"].pvalue
        assert r.loc["P05s", "p_simulated"] == calls["P05s"].pvalue
        assert r.loc["P05s", "p_textbook"] == book["P05s"].pvalue
        assert r.loc["pairs χ²", "p_simulated"] == calls["pairs"].pvalue
        assert r.loc["pairs repeated", "p_simulated"] == calls["pairs"].repeated_pvalue
        assert r.loc["pairs adjacent", "p_textbook"] == book["pairs"].adjacent_pvalue
        # 19 simulations: the smallest possible Monte Carlo p-value is 1/20
        assert (r["p_simulated"] >= 1 / 20 - 1e-12).all()


def test_digit_summary_by_level_adjusts_within_each_statistic():
    e = make_template(800, seed=4)  # 4 regions of 200 stations
    s = digit_summary(e, "A", tests=["2BL", "last"], by="region", n_sim=9, rng=1)
    assert list(s["region"].unique()) == [0, 1, 2, 3]
    assert (s["stations"] == 200).all()
    for _, g in s.groupby("statistic"):
        assert len(g) == 4
        np.testing.assert_allclose(g["p_textbook_bh"], benjamini_hochberg(g["p_textbook"]))
        np.testing.assert_allclose(g["p_simulated_holm"], holm(g["p_simulated"]))
    # same call, same numbers; textbook-only is cheaper and leaves the simulated columns NaN
    again = digit_summary(e, "A", tests=["2BL", "last"], by="region", n_sim=9, rng=1)
    pd.testing.assert_frame_equal(s, again)
    book = digit_summary(e, "A", tests=["2BL"], by="region", n_sim=0)
    assert book["p_simulated"].isna().all()
    np.testing.assert_allclose(book["p_textbook"], s.loc[s["test"] == "2BL", "p_textbook"])


def test_digit_summary_bad_input():
    e = make_template(300, seed=5)
    with pytest.raises(ValueError, match="unknown test"):
        digit_summary(e, tests=["3BL"])
    with pytest.raises(ValueError, match="registered"):
        digit_summary(e, "registered")
    with pytest.raises(DataError, match="unknown column"):
        digit_summary(e, "Z")
    with pytest.warns(ForensicsWarning, match="could\\s+not be tested|carry"):
        s = digit_summary(e, "valid", tests=["P05s", "last"], n_sim=0)
    assert s.loc[0, "warnings"].startswith("not tested: P05s needs a candidate")
    assert np.isnan(s.loc[0, "observed"])
    assert s.loc[1, "statistic"] == "last-digit χ²"


# ------------------------------------------------------ stratified mean test
def _pooling_table():
    rows = [
        # column, statistic, n, n_excluded, observed, simulated, sim_sd
        ("A", "2BL mean", 50, 1, 4.0, 4.1, 0.40),
        ("A", "2BL mean", 150, 2, 4.2, 4.3, 0.25),
        ("A", "2BL mean", 200, 3, 4.5, 4.2, 0.20),
        ("A", "2BL mean", 30, 5, 4.9, np.nan, np.nan),  # no simulated value: set aside
        ("A", "2BL χ²", 400, 6, 12.0, 9.0, 4.0),
        ("B", "2BL mean", 999, 0, 9.0, 1.0, 0.1),
    ]
    names = ["column", "statistic", "n", "n_excluded", "observed", "simulated", "sim_sd"]
    return pd.DataFrame(rows, columns=names)


def test_stratified_mean_by_hand():
    r = stratified_mean_test(_pooling_table(), "A")
    # Weights 50, 150, 200 / 400 = 0.125, 0.375, 0.5.
    # observed = 0.125 * 4.0 + 0.375 * 4.2 + 0.5 * 4.5 = 0.5 + 1.575 + 2.25 = 4.325
    # expected = 0.125 * 4.1 + 0.375 * 4.3 + 0.5 * 4.2 = 0.5125 + 1.6125 + 2.1 = 4.225
    # sd = sqrt(0.125² 0.4² + 0.375² 0.25² + 0.5² 0.2²) = sqrt(0.0212890625) = 0.1459077
    # z = 0.1 / 0.1459077 = 0.685365; two-sided normal p = 0.493114
    assert r.observed == pytest.approx(4.325, abs=1e-12)
    assert r.expected == pytest.approx(4.225, abs=1e-12)
    assert r.sd == pytest.approx(0.1459077191, abs=1e-9)
    assert r.statistic == pytest.approx(0.6853647, abs=1e-6)
    assert r.pvalue == pytest.approx(0.4931138, abs=1e-6)
    assert r.effect_size == pytest.approx(0.1, abs=1e-12)
    # 400 counts pooled; excluded: 1 + 2 + 3 inside the groups, plus the 30 + 5 of the group
    # set aside.
    assert (r.n, r.n_excluded, r.groups, r.groups_excluded) == (400, 41, 3, 1)
    assert (r.summary_statistic, r.column) == ("2BL mean", "A")


def test_stratified_mean_bad_input():
    t = _pooling_table()
    with pytest.raises(ValueError, match="statistic must be one of"):
        stratified_mean_test(t, "A", statistic="2BL χ²")
    with pytest.raises(DataError, match=r"lacks the digit_summary column\(s\) \['sim_sd'\]"):
        stratified_mean_test(t.drop(columns="sim_sd"), "A")
    with pytest.raises(DataError, match="no row of the table has column 'C'"):
        stratified_mean_test(t, "C")
    with pytest.raises(DataError, match="1 rows without one"):
        stratified_mean_test(t.iloc[3:4], "A")


@quiet
def test_stratified_mean_pools_a_digit_summary():
    """Pooled over regions, the observed 2BL mean is the mean over all the counts."""
    e = make_template(400, seed=3)
    by_region = digit_summary(e, ["A", "B"], tests=["2BL", "last"], by="region", n_sim=9, rng=2)
    national = digit_summary(e, ["A", "B"], tests=["2BL", "last"], n_sim=0)
    for col in ("A", "B"):
        for stat in ("2BL mean", "last-digit mean"):
            r = stratified_mean_test(by_region, col, statistic=stat)
            nat = national[(national["column"] == col) & (national["statistic"] == stat)].iloc[0]
            assert r.observed == pytest.approx(nat["observed"], abs=1e-12)
            assert (r.n, r.n_excluded, r.groups) == (nat["n"], nat["n_excluded"], 4)
            rows = by_region[(by_region["column"] == col) & (by_region["statistic"] == stat)]
            assert r.expected == pytest.approx(np.average(rows["simulated"], weights=rows["n"]))
            assert r.sd < rows["sim_sd"].min()  # pooling four groups narrows the spread


def test_grouping_is_spelled_by_and_level_still_works():
    e = make_template(800, seed=3)
    new = digit_summary(e, "A", tests=["2BL"], by="region", n_sim=0)
    with pytest.warns(DeprecationWarning, match="`level` was renamed `by`"):
        old = digit_summary(e, "A", tests=["2BL"], level="region", n_sim=0)
    pd.testing.assert_frame_equal(new, old)
    with pytest.warns(DeprecationWarning, match="`level` was renamed `by`"):
        old_groups = by_group(e, last_digit_test, level="region", column="A")
    pd.testing.assert_frame_equal(
        by_group(e, last_digit_test, by="region", column="A"), old_groups
    )


@pytest.mark.slow
def test_stratified_mean_size_on_clean_elections_and_power_on_rounded_counts():
    # Clean binomial elections (5 regions of 300 stations), 19 simulations per region: the
    # pooled 2BL z rejects at 5 % at about its nominal rate. Measured on 200 elections:
    # 13 rejections (6.5 %, Wilson 95 % [3.8 %, 10.8 %]); here 40, where 8 or more
    # rejections has probability 0.0007 at a true size of 5 %.
    from forensics import toy_election

    p = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(40):
            e = toy_election(1500, n_regions=5, rng=100 + i)
            s = digit_summary(e, "A", tests=["2BL"], by="region", n_sim=19, rng=i)
            p.append(stratified_mean_test(s, "A").pvalue)
        assert sum(x < 0.05 for x in p) <= 7
        # Counts rounded down to tens: the two-digit counts (one in six of A's here) get second
        # digit 0, which pulls the pooled 2BL mean below its clean expectation.
        e = toy_election(1500, n_regions=5, rng=7)
        st = e.stations.copy()
        st["A"] = st["A"] // 10 * 10
        st["B"] = st["ballots"] - st["A"]
        rounded = e.with_stations(st)
        s = digit_summary(rounded, "A", tests=["2BL"], by="region", n_sim=19, rng=8)
        r = stratified_mean_test(s, "A")
    assert r.pvalue < 1e-6
    assert r.effect_size < 0
