"""The clean-election simulator keeps the template's stations and recovers its rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forensics import DataError, Election
from forensics.simulate import clean_election, fit_clean_model, stuff_ballots, toy_election


def make_template(n: int = 2000, seed: int = 0, *, lo: int = 200, hi: int = 2500) -> Election:
    """Station sizes uniform on [lo, hi), turnout Beta(12, 8), shares Dirichlet(20, 12, 6)."""
    r = np.random.default_rng(seed)
    reg = r.integers(lo, hi, n)
    ballots = r.binomial(reg, r.beta(12, 8, n))
    invalid = r.binomial(ballots, 0.02)
    valid = ballots - invalid
    s = r.dirichlet([20, 12, 6], n)
    c = np.array([r.multinomial(v, p) for v, p in zip(valid, s, strict=True)])
    df = pd.DataFrame(
        {
            "region": np.arange(n) % 4,
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
        candidates=["A", "B", "C"],
        registered="reg",
        ballots="b",
        invalid="inv",
        levels=["region"],
        station="id",
        name="synthetic",
    )


def test_clean_election_is_a_valid_election_with_template_sizes():
    t = make_template(500)
    e = clean_election(t, rng=1)
    st = e.stations
    np.testing.assert_array_equal(st["registered"], t.stations["registered"])
    np.testing.assert_array_equal(st["station"], t.stations["station"])
    assert (st["ballots"] <= st["registered"]).all()
    np.testing.assert_array_equal(st["valid"] + st["invalid"], st["ballots"])
    np.testing.assert_array_equal(st[["A", "B", "C"]].sum(axis=1), st["valid"])
    # Re-validating the simulated table raises nothing.
    Election.from_frame(
        st,
        candidates=["A", "B", "C"],
        registered="registered",
        ballots="ballots",
        invalid="invalid",
    )
    assert "simulated clean" in e.name
    assert any("simulated" in n for n in e.notes)
    # Same seed, same election; another seed, another one.
    pd.testing.assert_frame_equal(clean_election(t, rng=1).stations, st)
    assert not clean_election(t, rng=2).stations["A"].equals(st["A"])


def test_fit_recovers_the_generating_rates():
    # Beta(12, 8): mean 0.6, intra-class correlation 1 / (12 + 8 + 1) = 0.0476.
    # Dirichlet(20, 12, 6): means (0.526, 0.316, 0.158), phi = 1 / (38 + 1) = 0.0256.
    # Moment estimates on 2000 stations: SE of the mean ~ 0.107/sqrt(2000) = 0.0024.
    m = fit_clean_model(make_template(2000))
    assert m.turnout_mean == pytest.approx(0.6, abs=0.01)
    assert m.turnout_phi == pytest.approx(1 / 21, rel=0.15)
    np.testing.assert_allclose(m.shares, [20 / 38, 12 / 38, 6 / 38], atol=0.01)
    assert m.shares_phi == pytest.approx(1 / 39, rel=0.2)
    assert m.invalid_mean == pytest.approx(0.02, abs=0.002)
    assert m.invalid_phi < 0.01  # generated with one common rate


def test_overdispersion_zero_gives_binomial_turnout():
    t = make_template(2000)
    e = clean_election(t, rng=3, overdispersion=0, turnout=0.5)
    reg = e.counts("registered")
    tt = e.counts("ballots") / reg
    # Var(B/R) = 0.25 * mean(1/R) for pure binomial counts; the sample variance of
    # 2000 such ratios has relative SE about sqrt(2/2000) = 0.032.
    assert tt.var() == pytest.approx(0.25 * np.mean(1 / reg), rel=0.15)
    assert tt.mean() == pytest.approx(0.5, abs=0.005)


def test_missing_registered_is_imputed_and_stated():
    t = make_template(200)
    st = t.stations.copy()
    st["registered"] = st["registered"].astype(float)
    st.loc[:9, "registered"] = np.nan
    e = clean_election(t.with_stations(st), rng=0)
    assert "imputed for 10 station(s)" in e.derived["registered"]
    imputed = e.stations.loc[:9, "registered"].to_numpy()
    ballots_t = st.loc[:9, "ballots"].to_numpy()
    assert (imputed >= ballots_t).all()
    assert np.isfinite(e.counts("registered")).all()


def test_options_are_checked():
    t = make_template(50)
    with pytest.raises(ValueError, match="overdispersion"):
        clean_election(t, rng=0, overdispersion=1.5)
    with pytest.raises(ValueError, match="turnout"):
        clean_election(t, rng=0, turnout=1.2)
    with pytest.raises(
        DataError, match=r"unknown candidate\(s\) \['Z'\]; the candidates are"
    ) as info:
        clean_election(t, rng=0, shares={"Z": 1.0})
    assert isinstance(info.value, KeyError)  # as before, for callers catching KeyError
    e = clean_election(t, rng=0, shares={"A": 1.0})
    assert (e.stations["B"] == 0).all()
    assert (e.stations["C"] == 0).all()


def test_regions_recover_between_region_spread_and_mobilisation_correlates():
    # 8 regions with mean turnout 0.45..0.80 (step 0.05): squared deviations from 0.625 sum
    # to 2 * (0.025^2 + 0.075^2 + 0.125^2 + 0.175^2) = 0.105, so var(means) = 0.105 / 7 = 0.015
    # and the between-region phi = 0.015 / (0.625 * 0.375) = 0.064.
    r = np.random.default_rng(5)
    n = 4000
    region = np.arange(n) % 8
    m = 0.45 + 0.05 * region
    reg = r.integers(300, 1500, n)
    ballots = r.binomial(reg, m)
    a = r.binomial(ballots, 0.5)
    df = pd.DataFrame({"region": region, "reg": reg, "b": ballots, "A": a, "B": ballots - a})
    df["id"] = [f"s{i}" for i in range(n)]
    t = Election.from_frame(
        df, candidates=["A", "B"], registered="reg", ballots="b", levels=["region"], station="id"
    )
    model = fit_clean_model(t, regions=True)
    assert model.region_turnout_phi == pytest.approx(0.015 / (0.625 * 0.375), rel=0.05)
    assert model.turnout_phi < 0.002  # pure binomial within a region
    assert model.region_shares_phi < 0.002
    assert len(model.region_names) == 8
    with pytest.raises(ValueError, match="at least 2 groups"):
        fit_clean_model(t.subset(t.stations["region"] == 0), regions=True)
    with pytest.raises(DataError, match=r"^unknown level 'state'; the levels are \['region'\]$"):
        fit_clean_model(t, regions="state")
    # Mobilisation: with turnout spread within regions, the leader's share follows turnout.
    e0 = clean_election(t, rng=1, overdispersion={"turnout": 0.02})
    e1 = clean_election(t, rng=1, overdispersion={"turnout": 0.02}, mobilisation=0.3)
    r0 = np.corrcoef(e0.turnout, e0.share(t.leader))[0, 1]
    r1 = np.corrcoef(e1.turnout, e1.share(t.leader))[0, 1]  # mobilisation favours the leader
    assert abs(r0) < 0.06  # SE of r with 4000 stations ~ 0.016
    assert r1 > 0.2


def test_toy_election_counts_follow_its_rates():
    e = toy_election(3000, turnout=0.7, share=0.4, n_regions=4, rng=5)
    st = e.stations
    assert len(st) == 3000
    assert st["region"].nunique() == 4
    assert st["district"].nunique() == 150
    assert st["registered"].between(200, 799).all()
    turnout = st["ballots"].sum() / st["registered"].sum()
    share = st["A"].sum() / st["ballots"].sum()
    # Binomial totals: SD of turnout ~ sqrt(.21 / 1.5e6) = 0.0004, of share ~ 0.0006.
    assert abs(turnout - 0.7) < 0.002
    assert abs(share - 0.4) < 0.003
    assert (st["A"] + st["B"] == st["ballots"]).all()
    same = toy_election(3000, turnout=0.7, share=0.4, n_regions=4, rng=5).stations
    pd.testing.assert_frame_equal(st, same)
    with pytest.raises(ValueError, match="turnout must lie in"):
        toy_election(10, turnout=1.0)
    with pytest.raises(ValueError, match="n_regions"):
        toy_election(2, n_regions=3)


def test_fraud_simulators_name_an_unknown_beneficiary():
    e = toy_election(20, rng=0)
    with pytest.raises(
        DataError, match=r"^unknown candidate 'Z'; the candidates are \['A', 'B'\]$"
    ):
        stuff_ballots(e, fraction=0.5, intensity=0.5, candidate="Z", rng=0)
    stuffed, hit = stuff_ballots(e, fraction=0.5, intensity=0.5, candidate="B", rng=0)
    assert hit.sum() == 10
    assert (stuffed.stations["B"] >= e.stations["B"]).all()
    assert (stuffed.stations["A"] == e.stations["A"]).all()
