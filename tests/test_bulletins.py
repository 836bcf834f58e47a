"""Round-percentage test (analytic vs simulation), acta consistency, coverage bounds."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from forensics import datasets
from forensics.bulletins import (
    acta_consistency,
    coverage_bounds,
    coverage_selectivity_test,
    impute_uncovered,
    round_percentage_excess_test,
    round_percentage_hits,
    round_percentage_scan,
    round_percentage_test,
)
from forensics.cases.venezuela_2024 import (
    CANDIDATES,
    REGISTRY_2024,
    bulletin_counts,
    load_bulletins,
)
from forensics.election import DataError, Election
from forensics.results import EstimateResult

# the synthetic tables name their candidates like the case study's
GM = ("Gonzalez", "Maduro")


def test_cne_first_bulletin_is_about_one_in_1e8():
    r = round_percentage_test([5_150_092, 4_445_978, 462_704])
    # 10,058,774 x 0.512 = 5,150,092.29; x 0.442 = 4,445,978.11; x 0.046 = 462,703.60
    np.testing.assert_allclose(r.deviation, [-0.288, -0.108, 0.396], atol=1e-6)
    assert r.hits.all()
    assert r.statistic == 3
    q = 1000 / 10_058_774  # 9.9415e-5
    assert r.hit_probability == pytest.approx(q)
    # all three hit: 0.75 q^2 = 7.413e-9, about 1 in 1.35e8 (Gelman: "about 1 in 100 million")
    assert r.pvalue == pytest.approx(0.75 * q**2, rel=1e-9)
    assert 1e8 < 1 / r.pvalue < 2e8


def test_cne_second_bulletin_is_not_significant():
    r = round_percentage_test([6_408_844, 5_326_104, 600_936])
    # 51.952856 %, 43.175698 %, 4.871446 %: none within 0.5 votes of a one-decimal product
    assert r.statistic == 0
    assert r.pvalue == 1.0
    b = load_bulletins()
    c = bulletin_counts(b, "CNE second")
    assert c["Maduro"] + c["Gonzalez"] + c["others"] == c["valid"] == 12_335_884


def test_input_checks():
    with pytest.raises(ValueError, match="at least two"):
        round_percentage_test([5])
    with pytest.raises(ValueError, match="integers"):
        round_percentage_test([5.5, 3])
    with pytest.raises(ValueError, match="smaller"):
        round_percentage_test([5, 3], total=7)


def test_null_distribution_matches_simulation():
    # Genuine counts: T = 1,234,567 split at random (d = 2: spacing s = 123.46 votes, q = 0.0081).
    rng = np.random.default_rng(7)
    T, reps = 1_234_567, 3000
    m = np.empty(reps)
    p = np.empty(reps)
    for i in range(reps):
        a, b = np.sort(rng.integers(0, T + 1, size=2))
        r = round_percentage_test([a, b - a, T - b], decimals=2)
        m[i] = r.statistic
        p[i] = r.pvalue if r.statistic == 1 else np.nan
    # P(M >= 1) = 1 - (1-q)^2 + (1-q)^2 q = 0.02410; MC sd sqrt(.0241*.9759/3000) = 0.0028
    q = 1e4 / T
    p1 = 1 - (1 - q) ** 2 + (1 - q) ** 2 * q
    assert np.nanmax(p) == pytest.approx(p1, rel=1e-9)  # the function's p-value at M = 1
    assert abs((m >= 1).mean() - p1) < 4 * np.sqrt(p1 * (1 - p1) / reps)


def test_last_count_hits_three_quarters_of_the_time_given_two_hits():
    # Given two free counts that are exact round-percentage products, the third
    # hits iff |e1 + e2| <= 1/2: Irwin-Hall probability 3/4.
    rng = np.random.default_rng(11)
    T, reps = 9_876_543, 2000
    hits = 0
    for _ in range(reps):
        p1, p2 = rng.integers(1, 450, size=2)
        c1, c2 = round(T * p1 / 1000), round(T * p2 / 1000)
        hits += round_percentage_test([c1, c2, T - c1 - c2]).statistic == 3
    # MC sd sqrt(.75*.25/2000) = 0.0097
    assert abs(hits / reps - 0.75) < 4 * 0.0097


def test_unconstrained_counts_are_binomial():
    # total larger than the sum: all k counts free, M ~ Binomial(k, q), q = 1000/20,000,000
    r = round_percentage_test([5_120_000, 4_000_000], total=20_000_000)
    assert r.statistic == 2
    assert not r.constrained
    assert r.pvalue == pytest.approx((1000 / 20_000_000) ** 2)


# ---------------------------------------------------------------- synthetic
def _actas(rows):
    df = pd.DataFrame(rows, columns=["centre", "table", "registered", "G", "M", "X"])
    return Election.from_frame(
        df,
        candidates={"G": "Gonzalez", "M": "Maduro", "X": "Other"},
        registered="registered",
        levels=["centre", "table"],
    )


def test_consistency_and_bounds_by_hand():
    actas = _actas(
        [("a", 1, 500, 200, 100, 10), ("a", 2, 400, 150, 50, 0), ("b", 1, 300, 60, 90, 5)]
    )
    # actas: G 410, M 240, others 15, valid 665; covered registered 1,200 of 2,000 -> 800 open
    announced = {"Gonzalez": 400, "Maduro": 900, "others": 20, "valid": 1320}
    t = acta_consistency(announced, actas, registered_total=2000, candidates=GM).set_index(
        "quantity"
    )
    assert t.loc["Gonzalez", "implied_uncovered"] == -10
    assert not t.loc["Gonzalez", "possible"]  # announced below the actas
    assert t.loc["Maduro", "implied_uncovered"] == 660
    # 660 <= 800 open registered, but more than the implied valid votes 1320 - 665 = 655
    assert t.loc["valid", "implied_uncovered"] == 655
    assert not t.loc["Maduro", "possible"]
    assert "exceeds the implied valid votes" in t.loc["Maduro", "problem"]
    assert t.loc["others", "possible"]  # 20 - 15 = 5
    b = coverage_bounds(actas, registered_total=2000, candidates=GM).set_index("scenario")
    worst = b.loc["all uncovered registered vote Maduro"]
    assert worst["Maduro"] == 1040
    assert worst["Gonzalez"] == 410
    assert worst["winner"] == "Maduro"
    assert b.loc["actas only", "margin"] == 170


def _synthetic(rng, n_centres=300, tables=2, selective=False):
    rows13, rows24 = [], []
    for c in range(n_centres):
        lean = rng.beta(4, 4)
        for t in range(1, tables + 1):
            reg = int(rng.integers(300, 700))
            mad = rng.binomial(reg, 0.75 * lean)
            cap = rng.binomial(reg - mad, 0.75)
            rest = reg - mad - cap
            rows13.append((f"c{c}", t, reg, reg - rest // 2, mad, cap, rest - rest // 2))
            # truth: 60 % of Maduro-2013 voters stay, 30 % switch; Capriles voters 70 % G
            m24 = rng.binomial(mad, 0.6) + rng.binomial(cap, 0.02)
            g24 = rng.binomial(mad, 0.3) + rng.binomial(cap, 0.7) + rng.binomial(rest, 0.1)
            rows24.append((f"c{c}", t, None, g24, m24, rng.binomial(rest, 0.02)))
    h = pd.DataFrame(
        rows13, columns=["centre", "table", "registered", "ballots", "Maduro", "Capriles", "Small"]
    )
    history = Election.from_frame(
        h,
        candidates=["Maduro", "Capriles", "Small"],
        registered="registered",
        ballots="ballots",
        levels=["centre", "table"],
    )
    full = pd.DataFrame(rows24, columns=["centre", "table", "registered", "G", "M", "X"])
    return history, full


def test_imputation_recovers_truth_on_synthetic_election():
    rng = np.random.default_rng(3)
    history, full = _synthetic(rng)
    centres = full["centre"].unique()
    missing = set(rng.choice(centres, size=60, replace=False))
    covered = _actas(full[~full["centre"].isin(missing)].to_numpy().tolist())
    truth = full[full["centre"].isin(missing)]
    im = impute_uncovered(covered, history, level="centre", candidates=GM)
    t = im.table.set_index("quantity")
    # normal intervals: lower = imputed - z se with z = 1.959964 (95 %), 1.644854 (90 %)
    np.testing.assert_allclose(t["lower"], t["imputed"] - 1.959964 * t["se"], rtol=1e-6)
    with pytest.warns(DeprecationWarning, match="`CoverageImputation.level` was renamed"):
        assert im.confidence_level == im.level == 0.95
    # an estimator: the national margin with its interval, no p-value
    assert isinstance(im, EstimateResult)
    assert (im.estimate, im.ci_low, im.ci_high) == (
        im.margin["margin"],
        im.margin["lower"],
        im.margin["upper"],
    )
    assert (im.n, im.n_excluded) == (im.n_covered, im.n_new)
    assert im.summary().startswith("transition regression on the history election")
    with pytest.warns(DeprecationWarning, match="`confidence` was renamed"):
        im90 = impute_uncovered(covered, history, candidates=GM, confidence=0.9)
    t90 = im90.table.set_index("quantity")
    np.testing.assert_allclose(t90["upper"], t90["imputed"] + 1.644854 * t90["se"], rtol=1e-6)
    assert im90.confidence_level == 0.9
    with pytest.raises(DataError, match="'Capriles'"):
        impute_uncovered(covered, history, candidates=("Gonzalez", "Capriles"))
    assert im.n_covered == 240
    assert im.n_uncovered == 60
    for q, col in (("Gonzalez", "G"), ("Maduro", "M")):
        true = truth[col].sum()
        assert abs(t.loc[q, "imputed"] - true) < 4 * t.loc[q, "se"]
    # transition rates near the truth (0.6 Maduro->Maduro, 0.7 Capriles->Gonzalez)
    assert im.coefficients.loc["Maduro", "Maduro"] == pytest.approx(0.6, abs=0.05)
    assert im.coefficients.loc["Gonzalez", "Capriles"] == pytest.approx(0.7, abs=0.05)


def test_selectivity_detects_selective_coverage_only():
    rng = np.random.default_rng(5)
    history, full = _synthetic(rng, n_centres=200)
    share = history.group_totals("centre")
    share = share["Maduro"] / share[["Maduro", "Capriles", "Small"]].sum(axis=1)
    top = set(share.sort_values().index[-40:])  # the 40 most pro-Maduro centres uncovered
    sel = coverage_selectivity_test(
        _actas(full[~full["centre"].isin(top)].to_numpy().tolist()), history, candidate="Maduro"
    )
    assert sel.pvalue < 1e-6
    assert sel.effect_size > 0
    # random coverage: rejection rate at 5 % near 5 % (30 draws: allow up to 6, p(Bin >= 7) = 0.003)
    rejections = 0
    for _ in range(30):
        miss = set(rng.choice(full["centre"].unique(), size=40, replace=False))
        r = coverage_selectivity_test(
            _actas(full[~full["centre"].isin(miss)].to_numpy().tolist()), history
        )
        rejections += r.pvalue < 0.05
    assert rejections <= 6


# ---------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def actas_2024():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")
    return datasets.load("venezuela-2024")


def test_second_bulletin_against_the_actas(actas_2024):
    c = bulletin_counts(load_bulletins(), "CNE second")
    t = acta_consistency(
        c, actas_2024, registered_total=REGISTRY_2024, candidates=CANDIDATES
    ).set_index("quantity")
    # González: announced 5,326,104 < 7,303,480 on the V2 actas -> -1,977,376
    assert t.loc["Gonzalez", "implied_uncovered"] == -1_977_376
    # Maduro: 6,408,844 - 3,316,142 = 3,092,702 > implied valid 12,335,884 - 10,887,262
    assert t.loc["Maduro", "implied_uncovered"] == 3_092_702
    assert t.loc["valid", "implied_uncovered"] == 1_448_622
    assert not t.loc["Maduro", "possible"]
    b = coverage_bounds(
        actas_2024, registered_total=REGISTRY_2024, candidates=CANDIDATES
    ).set_index("scenario")
    assert (b["winner"] == "Gonzalez").all()


def test_round_percentage_scan_by_hand():
    # unit a: G 512, M 442, X 46 of 1,000 valid; at one decimal the spacing is 1 vote, so
    # every count hits (q = min(1, 1000/1000) = 1). unit b: G 5,000, M 3,001, X 1,999 of
    # 10,000: spacing 10 votes, q = 0.1; 5,000 hits (50.0 %), 3,001 is 1 vote from 3,000
    # (misses), 1,999 is 1 vote from 2,000 (misses).
    rows = [("a", 1, 2000, 512, 442, 46), ("b", 1, 20000, 5000, 3001, 1999)]
    scan = round_percentage_scan(_actas(rows), "centre", candidates=GM).set_index("unit")
    assert scan.loc["a", "hits"] == 3
    assert scan.loc["a", "all_hit"]
    assert scan.loc["a", "q"] == 1.0
    assert scan.loc["a", "p_all_hit"] == 1.0
    assert scan.loc["b", "hits"] == 1
    assert not scan.loc["b", "all_hit"]
    assert scan.loc["b", "q"] == pytest.approx(0.1)
    # all three hit with probability 0.75 q^2 = 0.0075
    assert scan.loc["b", "p_all_hit"] == pytest.approx(0.0075)
    assert scan.attrs["n_excluded"] == 0
    with pytest.raises(DataError, match="region"):
        round_percentage_scan(_actas(rows), "region", candidates=GM)
    with pytest.raises(DataError, match="Capriles"):
        round_percentage_scan(_actas(rows), "centre", candidates=("Gonzalez", "Capriles"))


def test_round_percentage_excess_by_hand():
    # three units: a hits on all counts (q = 1, p_all_hit = 1); b (q = 0.1, p = 0.0075)
    # and c (q = 0.01, p = 0.75e-4) hit on all counts too. Observed 3 against
    # lambda = 1.007575: P(X >= 3) = 1 - e^-l (1 + l + l^2 / 2) = 1 - 0.365100 * 2.515179 = 0.081700.
    scan = pd.DataFrame(
        {
            "valid": [1_000, 10_000, 100_000],
            "hits": [3, 3, 3],
            "k": [3, 3, 3],
            "q": [1.0, 0.1, 0.01],
            "all_hit": [True, True, True],
            "p_all_hit": [1.0, 0.0075, 0.000075],
        }
    )
    r = round_percentage_excess_test(scan)
    lam = 1.007575
    assert r.statistic == 3
    assert r.expected == pytest.approx(lam)
    assert r.pvalue == pytest.approx(1 - np.exp(-lam) * (1 + lam + lam**2 / 2), rel=1e-9)
    assert r.pvalue == pytest.approx(0.081700, abs=1e-6)
    # expected single hits 3 * (1 + 0.1 + 0.01) = 3.33
    assert r.hits == 9
    assert r.expected_hits == pytest.approx(3.33)
    assert r.effect_size == pytest.approx(3 / lam)
    # units of 10,000 and more: 2 observed against 0.007575
    big = round_percentage_excess_test(scan, min_valid=10_000)
    assert (big.n, big.n_excluded, big.statistic) == (2, 1, 2.0)
    assert big.pvalue == pytest.approx(1 - np.exp(-0.007575) * (1 + 0.007575), rel=1e-9)
    with pytest.raises(DataError, match="p_all_hit"):
        round_percentage_excess_test(scan.drop(columns="p_all_hit"))


def test_round_percentage_scan_is_calibrated_on_simulated_counts():
    # 400 units of ~40,000 valid votes split at random (q = 1000/40,000 = 0.025 per count):
    # expected hits sum(k q) = 400 * 3 * 0.025 = 30, Poisson sd 5.5.
    rng = np.random.default_rng(3)
    rows = []
    for i in range(400):
        g, m = rng.multinomial(40_000, [0.6, 0.35, 0.05])[:2]
        rows.append((f"c{i}", 1, 60_000, g, m, 40_000 - g - m))
    scan = round_percentage_scan(_actas(rows), "centre", candidates=GM)
    expected = float((scan["k"] * scan["q"]).sum())
    assert expected == pytest.approx(30.0)
    assert abs(scan["hits"].sum() - expected) < 4 * np.sqrt(expected)


def test_candidates_and_registry_are_required():
    actas = _actas([("a", 1, 500, 200, 100, 10)])
    announced = {"Gonzalez": 200, "Maduro": 100, "others": 10, "valid": 310}
    with pytest.raises(TypeError, match="registered_total"):
        acta_consistency(announced, actas, candidates=GM)
    with pytest.raises(TypeError, match="candidates"):
        coverage_bounds(actas, registered_total=1000)
    with pytest.raises(TypeError, match="candidates"):
        round_percentage_scan(actas, "centre")
    with pytest.raises(ValueError, match="two candidates"):
        coverage_bounds(actas, registered_total=1000, candidates=("Gonzalez",))


def test_bad_input_raises_data_error_naming_what_is_wrong():
    actas = _actas([("a", 1, 500, 200, 100, 10)])
    with pytest.raises(DataError, match=r"missing \['valid'\]"):
        acta_consistency(
            {"Gonzalez": 1, "Maduro": 1, "others": 1},
            actas,
            registered_total=1000,
            candidates=GM,
        )
    with pytest.raises(DataError, match=r"\['Capriles'\] not candidate"):
        coverage_bounds(actas, registered_total=1000, candidates=("Gonzalez", "Capriles"))
    b = load_bulletins()
    with pytest.raises(DataError, match="0 row"):
        bulletin_counts(b, "no such item")
    with pytest.raises(DataError, match="4 row"):
        bulletin_counts(b, "CNE")


def test_round_percentage_hits_by_hand_and_on_arrays():
    # total 1,234: 617 is exactly 50 %; 124 is 10.0486 % -> 10.0 %, 123.4 votes, 0.6 off
    pct, dev, hit = round_percentage_hits([617, 124], 1234)
    np.testing.assert_allclose(pct, [50.0, 10.0])
    np.testing.assert_allclose(dev, [0.0, 0.6], atol=1e-9)
    assert hit.tolist() == [True, False]
    # whole percentages (decimals=0): 10 % of 1,234 = 123.4, so 123 hits
    assert round_percentage_hits(123, 1234, decimals=0)[2]
    # totals broadcast against a matrix of counts, one column per unit
    counts = np.array([[617, 500], [124, 250]])
    _, _, hits = round_percentage_hits(counts, np.array([1234, 1000]))
    assert hits.tolist() == [[True, True], [False, True]]
    with pytest.raises(ValueError, match="decimals"):
        round_percentage_hits([1], 10, decimals=-1)
