"""Swing between two elections on the same stations (forensics.history)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forensics import datasets
from forensics.election import DataError, Election
from forensics.history import (
    controlled_association,
    controlled_association_test,
    controlled_bins,
    join_elections,
    persistence,
    persistence_test,
    repeated_counts,
    simulate_election_pair,
    swing,
    swing_association,
    swing_test,
)


def _election(rows):
    df = pd.DataFrame(
        rows, columns=["centre", "registered", "ballots", "A", "B", "a_before", "b_before"]
    )
    df["invalid"] = df["ballots"] - df["A"] - df["B"]
    df["table"] = df.groupby("centre").cumcount() + 1
    return Election.from_frame(
        df,
        candidates=["A", "B"],
        registered="registered",
        ballots="ballots",
        invalid="invalid",
        levels=["centre", "table"],
        keep=["a_before", "b_before"],
        leader="A",
    )


def test_swing_by_hand():
    e = _election(
        [
            ("c1", 100, 80, 60, 20, 50, 50.0),  # share 60/80 = .75, before .5: swing +.25
            ("c1", 100, 50, 10, 40, 30, 10.0),  # 10/50 = .2, before 30/40 = .75: swing -.55
            ("c2", 200, 100, 50, 50, 0, 0.0),  # no earlier votes
            ("c3", 0, 0, 0, 0, 10, np.nan),  # earlier missing (checked first)
        ]
    )
    t = swing(e, ("A", "B"), ("a_before", "b_before"))
    np.testing.assert_allclose(t["swing"].iloc[:2], [0.25, -0.55])
    # log(80 / 100) and log(50 / 40)
    np.testing.assert_allclose(t["log_votes_ratio"].iloc[:2], np.log([0.8, 1.25]))
    np.testing.assert_allclose(t["turnout"].iloc[:3], [0.8, 0.5, 0.5])
    assert t["reason"].tolist() == ["", "", "no earlier votes", "earlier votes missing"]
    assert t["usable"].sum() == 2

    g = swing(e, ("A", "B"), ("a_before", "b_before"), level="centre")
    assert g["unit"].tolist() == ["c1", "c2", "c3"]
    # c1: now 70 / 130 = .53846; before 80 / 140 = .571429; turnout 130 / 200
    np.testing.assert_allclose(g.loc[0, "swing"], 70 / 130 - 80 / 140)
    np.testing.assert_allclose(g.loc[0, "turnout"], 0.65)
    assert g.loc[0, "stations"] == 2
    assert g["reason"].tolist()[1:] == ["no earlier votes", "earlier votes missing"]


def test_swing_errors():
    e = _election([("c1", 100, 80, 60, 20, 50, 50.0)])
    with pytest.raises(DataError, match="not in the station table"):
        swing(e, ("A", "B"), ("x", "b_before"))
    with pytest.raises(ValueError, match="two columns"):
        swing(e, ("A",), ("a_before", "b_before"))
    with pytest.raises(DataError, match="unknown level"):
        swing(e, ("A", "B"), ("a_before", "b_before"), level="parish")


def test_association_hand_values():
    # swing = 0.1 * turnout exactly: rho = r = 1, slope 0.1
    t = pd.DataFrame({"turnout": [0.5, 0.6, 0.7, 0.8, 0.9], "usable": True})
    t["swing"] = 0.1 * t["turnout"]
    t.loc[5] = [0.95, False, -1.0]  # not usable: excluded, counted
    r = swing_test(t, bins=2)
    assert r.statistic == pytest.approx(1.0)
    assert r.slope == pytest.approx(0.1)
    assert r.n == 5
    assert r.n_excluded == 1
    # bins at the median 0.7: [0.5, 0.6] and [0.7, 0.8, 0.9]; mean swings .055 and .08
    np.testing.assert_allclose(r.bins["mean_swing"], [0.055, 0.08])
    assert r.bins["units"].tolist() == [2, 3]
    assert r.mean_swing == pytest.approx(0.07)


def test_association_calibration_and_power():
    # Independent swing and turnout: rejection near 5 % (MC SE of 0.05 with 400 reps: 0.011).
    gen = np.random.default_rng(7)
    hits = 0
    for _ in range(400):
        t = pd.DataFrame({"turnout": gen.uniform(0.5, 0.9, 300), "usable": True})
        t["swing"] = gen.normal(-0.05, 0.03, 300)
        hits += swing_test(t).pvalue < 0.05
    assert 0.02 <= hits / 400 <= 0.085
    # A swing of +0.05 per unit turnout on 2,000 units (noise SD 0.03) is detected.
    t = pd.DataFrame({"turnout": gen.uniform(0.5, 0.9, 2000), "usable": True})
    t["swing"] = 0.05 * t["turnout"] + gen.normal(0, 0.03, 2000)
    r = swing_test(t)
    assert r.statistic > 0
    assert r.pvalue < 1e-6
    assert r.slope_ci_low < 0.05 < r.slope_ci_high


def test_association_errors():
    t = pd.DataFrame({"turnout": [0.5, 0.6, 0.7], "usable": True, "swing": [0.0, 0.1, 0.2]})
    with pytest.raises(DataError, match="at least 4"):
        swing_test(t)
    with pytest.raises(DataError, match="not in the table"):
        swing_test(t, "log_votes_ratio")


def test_venezuela_2013_totals(mirror):
    e = datasets.load("venezuela-2013")
    t = swing(e, ("Maduro", "Capriles"), ("chavez_2012", "capriles_2012"))
    # SOURCE.md: 50 kept stations without 2012 votes; 2012 two-candidate total over all
    # 39,376 rows 8,136,964 + 6,499,575 = 14,636,539, of which the rows set aside hold 3,825
    assert (t["reason"] == "earlier votes missing").sum() == 50
    aside = e.set_aside[["chavez_2012", "capriles_2012"]].apply(pd.to_numeric).sum().sum()
    assert aside == 3_825
    assert t["votes_before"].sum() == 8_136_964 + 6_499_575 - 3_825
    g = swing(e, ("Maduro", "Capriles"), ("chavez_2012", "capriles_2012"), level="centre")
    assert g["votes_now"].sum() == t["votes_now"].sum()


# ---------------------------------------------------------------- joins across elections
def _two(rows, cands):
    df = pd.DataFrame(rows, columns=["state", "centre", "registered", "ballots", *cands])
    df["invalid"] = df["ballots"] - df[list(cands)].sum(axis=1)
    df["table"] = df.groupby("centre").cumcount() + 1
    return Election.from_frame(
        df,
        candidates=list(cands),
        registered="registered",
        ballots="ballots",
        invalid="invalid",
        levels=["state", "centre", "table"],
        leader=cands[0],
    )


def test_join_elections_by_hand():
    before = _two(
        [
            ("s1", "c1", 100, 80, 40, 40),  # c1: 2 tables, 60/150 valid = .4, turnout 150/200
            ("s1", "c1", 100, 70, 20, 50),
            ("s1", "c2", 100, 50, 25, 25),  # c2: .5, turnout .5
            ("s2", "c3", 100, 90, 45, 45),  # c3: only before
        ],
        ["M", "C"],
    )
    after = _two(
        [
            ("s1", "c1", 200, 100, 30, 60),  # c1 after: 30 of 90 valid = 1/3, turnout .5
            ("s1", "c2", 50, 40, 30, 10),  # c2 after: .75, turnout .8
            ("s2", "c4", 10, 5, 1, 4),  # only after
        ],
        ["M", "G"],
    )
    j = join_elections(before, after, on="centre", candidates="M", labels=("y1", "y2"), by="state")
    t = j.table
    assert t["unit"].tolist() == ["c1", "c2"]
    np.testing.assert_allclose(t["share_y1"], [0.4, 0.5])
    np.testing.assert_allclose(t["turnout_y1"], [0.75, 0.5])
    np.testing.assert_allclose(t["share_y2"], [1 / 3, 0.75])
    np.testing.assert_allclose(t["swing"], [1 / 3 - 0.4, 0.25])
    np.testing.assert_allclose(t["turnout_change"], [-0.25, 0.3])
    assert t["stations_y1"].tolist() == [2, 1]
    assert t["state"].tolist() == ["s1", "s1"]
    assert t["usable"].all()
    rep = j.report.set_index("label")
    assert rep.loc["y1", "units"] == 3
    assert rep.loc["y1", "unmatched"] == 1
    assert rep.loc["y2", "matched"] == 2
    assert rep.loc["y2", "match_rate"] == pytest.approx(2 / 3)
    assert rep.loc["y1", "stations_matched"] == 3
    um = j.unmatched.set_index("unit")
    assert um.loc["c3", "side"] == "y1"
    assert um.loc["c3", "registered"] == 100
    assert um.loc["c4", "side"] == "y2"
    assert um.loc["c4", "stations"] == 1
    assert "2 units matched" in j.summary()


def test_join_elections_errors_and_unusable():
    a = _two([("s1", "c1", 100, 80, 40, 40)], ["M", "C"])
    b = _two([("s2", "c1", 100, 80, 40, 40)], ["M", "C"])
    j = join_elections(a, b, candidates="M", by="state")
    assert j.table["reason"].tolist() == ["by differs"]
    with pytest.raises(DataError, match="unknown candidate 'X'"):
        join_elections(a, b, candidates="X")
    with pytest.raises(DataError, match="no column 'parish'"):
        join_elections(a, b, on="parish", candidates="M")
    with pytest.raises(ValueError, match="pairs"):
        join_elections(a, b, candidates="M", labels=("x", "x"))


def test_persistence_by_hand():
    t = pd.DataFrame(
        {"x": [0.2, 0.4, 0.6, 0.8, 0.5], "y": [0.1, 0.35, 0.5, 0.75, 0.9], "w": [1, 1, 1, 1, 0]}
    )
    t["usable"] = [True, True, True, True, False]
    r = persistence_test(t, "x", "y", weights="w")
    # y - x = -.1, -.05, -.1, -.05: mean -.075, SD (ddof 1) sqrt(4 * .025**2 / 3)
    assert r.mean_swing == pytest.approx(-0.075)
    assert r.sd_swing == pytest.approx(np.sqrt(4 * 0.025**2 / 3))
    assert r.weighted_sd_swing == pytest.approx(0.025)
    assert r.statistic == pytest.approx(
        np.corrcoef([0.2, 0.4, 0.6, 0.8], [0.1, 0.35, 0.5, 0.75])[0, 1]
    )
    assert r.n == 4
    assert r.n_excluded == 1


def test_controlled_association_by_hand():
    rng = np.random.default_rng(3)
    n = 400
    t = pd.DataFrame({"z": rng.normal(size=n), "g": np.repeat(np.arange(20), 20)})
    t["x"] = 0.5 * t["z"] + rng.normal(size=n)
    t["y"] = 2.0 * t["z"] + 0.3 * t["x"] + rng.normal(size=n)
    r = controlled_association_test(t, "y", "x", controls=["z"], cluster="g")
    X = np.column_stack([np.ones(n), t["x"], t["z"]])
    beta = np.linalg.lstsq(X, t["y"], rcond=None)[0]
    assert r.statistic == pytest.approx(beta[1])
    # Liang-Zeger sandwich with the G/(G-1) (N-1)/(N-K) factor, by hand
    e = t["y"].to_numpy() - X @ beta
    bread = np.linalg.inv(X.T @ X)
    s = np.vstack([(X[t["g"] == k] * e[t["g"] == k, None]).sum(axis=0) for k in range(20)])
    cov = bread @ (s.T @ s) @ bread * 20 / 19 * (n - 1) / (n - 3)
    assert r.se == pytest.approx(np.sqrt(cov[1, 1]))
    half = r.ci_high - r.statistic
    assert half == pytest.approx(stats.t.ppf(0.975, 19) * r.se)
    assert r.n_clusters == 20
    # without the control the slope picks up z: cov(x, 2z + .3x) / var(x) > .3
    assert r.raw_slope > 0.9
    with pytest.raises(ValueError, match="distinct"):
        controlled_association_test(t, "y", "x", controls=["x"])
    with pytest.raises(DataError, match="not in the table"):
        controlled_association_test(t, "y", "x", controls=["nope"])


def test_controlled_association_size_and_power():
    # clean pair with persistent structure and coupling 0 (the null holds exactly):
    # 200 simulations, rejection at 0.05 within 2 MC SE (0.031) of 0.05
    reg = np.full(1200, 600)
    cl = np.repeat(np.arange(24), 50)
    rej = 0
    for i in range(200):
        d = simulate_election_pair(reg, cl, rng=i, coupling=0.0, share_persistence=0.9)
        r = controlled_association_test(
            d, "share_after", "turnout_after", controls=["share_before"], cluster="cluster"
        )
        rej += r.pvalue < 0.05
    assert 0.05 - 0.031 <= rej / 200 <= 0.05 + 0.031
    # stuffing 10 % of units (intensity 0.3): the test rejects almost always
    hits = 0
    for i in range(20):
        d = simulate_election_pair(
            reg, cl, rng=1000 + i, coupling=0.0, share_persistence=0.9, stuffing_fraction=0.1
        )
        r = controlled_association_test(
            d, "share_after", "turnout_after", controls=["share_before"], cluster="cluster"
        )
        hits += (r.pvalue < 0.05) and r.statistic > 0
    assert hits >= 17


def test_simulate_election_pair_errors():
    with pytest.raises(ValueError, match="same length"):
        simulate_election_pair([10, 20], [1], rng=0)
    with pytest.raises(ValueError, match="coupling"):
        simulate_election_pair([10, 20], [1, 1], rng=0, coupling=1.0)


# ---------------------------------------------------------------- names, parameters, errors
def test_old_names_warn_and_agree():
    d = simulate_election_pair(np.full(80, 300), np.repeat(np.arange(8), 10), rng=11)
    t = pd.DataFrame({"turnout": d["turnout_after"], "swing": d["swing"], "usable": True})
    with pytest.warns(DeprecationWarning, match="`swing_association` was renamed `swing_test`"):
        old = swing_association(t, confidence_level=0.9)
    assert old.slope_ci_low == swing_test(t, confidence_level=0.9).slope_ci_low
    with pytest.warns(DeprecationWarning, match="`level` was renamed `confidence_level`"):
        lv = swing_test(t, level=0.9)
    assert lv.slope_ci_high == old.slope_ci_high
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p_old = persistence(
            d, "share_before", "share_after", cluster="cluster", n_boot=50, level=0.8, rng=1
        )
    assert sorted(str(w.message).split(" was")[0] for w in caught) == [
        "`persistence`",
        "persistence_test(): `level`",
        "persistence_test(): `n_boot`",
    ]
    assert all(w.category is DeprecationWarning for w in caught)
    p_new = persistence_test(
        d,
        "share_before",
        "share_after",
        cluster="cluster",
        n_resamples=50,
        confidence_level=0.8,
        rng=1,
    )
    assert (p_old.ci_low, p_old.ci_high) == (p_new.ci_low, p_new.ci_high)
    assert "50 resamples" in p_new.ci_method
    with pytest.warns(DeprecationWarning, match="`controlled_association` was renamed"):
        c_old = controlled_association(d, "share_after", "turnout_after", confidence_level=0.9)
    with pytest.warns(DeprecationWarning, match="`level` was renamed `confidence_level`"):
        c_lv = controlled_association_test(d, "share_after", "turnout_after", level=0.9)
    c_new = controlled_association_test(d, "share_after", "turnout_after", confidence_level=0.9)
    assert c_old.ci_low == c_new.ci_low == c_lv.ci_low
    # a 90 % interval: half-width z_{0.95} SE (HC1, normal reference, no controls)
    assert c_new.ci_high - c_new.statistic == pytest.approx(stats.norm.ppf(0.95) * c_new.se)


def _kept(df, levels):
    return Election.from_frame(
        df,
        candidates=["A", "B"],
        registered="registered",
        ballots="ballots",
        station="station",
        levels=levels,
        keep=["a_before", "b_before"],
    )


def test_swing_refuses_bad_earlier_counts_and_missing_levels():
    e = _election([("c1", 100, 80, 60, 20, 50, 50.0), ("c2", 100, 80, 60, 20, 5, -1.0)])
    with pytest.raises(DataError, match=r"'b_before' must hold non-negative counts.*c2/1"):
        swing(e, ("A", "B"), ("a_before", "b_before"))
    df = pd.DataFrame(
        {
            "station": ["s1", "s2", "s3"],
            "state": ["X", "X", "Y"],
            "centre": ["c1", None, "c1"],
            "registered": 100,
            "ballots": 80,
            "A": 50,
            "B": 30,
            "a_before": 40,
            "b_before": ["40", "x", "40"],
        }
    )
    with pytest.raises(DataError, match=r"'b_before' must hold non-negative counts.*\['s2'\]"):
        swing(_kept(df, ["state", "centre"]), ("A", "B"), ("a_before", "b_before"))
    df["b_before"] = 40
    # a station without centre is not dropped from the centre table: refused, named
    with pytest.raises(DataError, match=r"column 'centre' is missing at stations \['s2'\]"):
        swing(_kept(df, ["state", "centre"]), ("A", "B"), ("a_before", "b_before"), level="centre")
    # centre c1 spans states X and Y: no single state to carry
    e = _kept(df.assign(centre=["c1", "c2", "c1"]), ["state", "centre"])
    with pytest.raises(DataError, match=r"'state' takes several values within unit\(s\) \['c1'\]"):
        swing(e, ("A", "B"), ("a_before", "b_before"), level="centre", by="state")
    with pytest.raises(ValueError, match="give level too"):
        swing(e, ("A", "B"), ("a_before", "b_before"), by="state")
    e = _kept(df.assign(centre=["c1", "c2", "c3"]), ["state", "centre"])
    g = swing(e, ("A", "B"), ("a_before", "b_before"), level="centre", by="state")
    assert g.columns[:3].tolist() == ["unit", "state", "stations"]
    assert g["state"].tolist() == ["X", "X", "Y"]
    # 50 / 80 now, 40 / 80 before
    np.testing.assert_allclose(g["swing"], 0.125)


def test_swing_test_refuses_constant_columns_and_counts_missing_swing():
    t = pd.DataFrame({"turnout": [0.5, 0.6, 0.7, 0.8, 0.9], "usable": True})
    t["swing"] = [0.1, 0.2, np.nan, 0.3, 0.5]
    r = swing_test(t, bins=1)
    assert (r.n, r.n_excluded) == (4, 1)
    assert r.statistic == pytest.approx(1.0)
    # a missing usable flag does not count as usable
    r = swing_test(
        t.assign(usable=[True, True, True, np.nan, True], swing=[0.1, 0.2, 0.25, 9, 0.5])
    )
    assert (r.n, r.n_excluded) == (4, 1)
    assert r.mean_swing == pytest.approx(0.2625)
    t["swing"] = 0.1
    with pytest.raises(DataError, match="'swing' is constant over the 5 usable units"):
        swing_test(t)
    with pytest.raises(ValueError, match="confidence_level must lie in"):
        swing_test(t, confidence_level=1.0)


def test_persistence_cluster_bootstrap_by_hand():
    # the bootstrap from per-cluster moment sums equals r recomputed on the drawn clusters
    d = simulate_election_pair(np.full(40, 300), np.repeat(np.arange(5), 8), rng=3)
    r = persistence_test(
        d, "share_before", "share_after", cluster="cluster", n_resamples=30, rng=9
    )
    gen = np.random.default_rng(9)
    pick = gen.integers(0, 5, (30, 5))
    rs = []
    for row in pick:
        part = pd.concat([d[d["cluster"] == k] for k in row])
        rs.append(np.corrcoef(part["share_before"], part["share_after"])[0, 1])
    assert r.ci_low == pytest.approx(np.percentile(rs, 2.5), rel=1e-12)
    assert r.ci_high == pytest.approx(np.percentile(rs, 97.5), rel=1e-12)
    assert r.n_clusters == 5


def test_persistence_counts_undefined_resamples_and_refuses_bad_input():
    # x is constant within each of 2 clusters: a resample drawing one cluster twice
    # has no variance in x, its r is undefined and left out (about half of them)
    t = pd.DataFrame(
        {
            "x": [0.2] * 4 + [0.6] * 4,
            "y": [0.1, 0.2, 0.3, 0.2, 0.5, 0.7, 0.6, 0.8],
            "g": ["a"] * 4 + ["b"] * 4,
        }
    )
    r = persistence_test(t, "x", "y", cluster="g", n_resamples=40, rng=0)
    left_out = int(r.ci_method.split(", ")[1].split()[0])
    assert 10 <= left_out <= 30
    assert "with r undefined left out" in r.ci_method
    with pytest.raises(DataError, match="'x' is constant"):
        persistence_test(t[t["g"] == "a"], "x", "y")
    with pytest.raises(DataError, match=r"must be non-negative.*rows \[1\]"):
        persistence_test(t.assign(w=[1, -1, 1, 1, 1, 1, 1, 1]), "x", "y", weights="w")
    with pytest.raises(DataError, match="not all 0"):
        persistence_test(t.assign(w=0), "x", "y", weights="w")
    with pytest.raises(DataError, match="'x' must hold numbers"):
        persistence_test(t.assign(x="high"), "x", "y")
    with pytest.raises(DataError, match="single cluster"):
        persistence_test(t.assign(g="a"), "x", "y", cluster="g")
    with pytest.raises(ValueError, match="n_resamples"):
        persistence_test(t, "x", "y", cluster="g", n_resamples=0)


def test_controlled_association_refuses_collinear_regressors():
    t = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": [1.0, 3, 2, 5, 4, 6]})
    t["z"] = 2 * t["x"] + 1
    with pytest.raises(DataError, match=r"regressors \['x', 'z'\] .* collinear over the 6"):
        controlled_association_test(t, "y", "x", controls=["z"])
    with pytest.raises(DataError, match="collinear"):
        controlled_association_test(t.assign(x=1.0), "y", "x")


def test_controlled_bins_by_hand():
    # y = 1 + 0.5 c + 0.2 x + e: the controls' part 1 + 0.5 c is taken out
    rng = np.random.default_rng(5)
    n = 41
    t = pd.DataFrame({"x": rng.uniform(0, 1, n), "c": rng.normal(size=n)})
    t["y"] = 1 + 0.5 * t["c"] + 0.2 * t["x"] + rng.normal(0, 0.1, n)
    t["usable"] = True
    t.loc[3, "usable"] = False  # set aside by the fit and by the bins
    r = controlled_association_test(t, "y", "x", controls=["c"])
    b = controlled_bins(t, r, bins=4)
    ok = t[t["usable"]]
    beta = np.linalg.lstsq(np.column_stack([np.ones(n - 1), ok["x"], ok["c"]]), ok["y"])[0]
    adj = ok["y"] - beta[0] - beta[2] * ok["c"] + ok["y"].mean()
    order = np.argsort(ok["x"].to_numpy())
    chunks = np.array_split(order, 4)  # 40 units: bins of 10
    assert b["units"].tolist() == [10, 10, 10, 10]
    for k, idx in enumerate(chunks):
        assert b.loc[k, "mean_x"] == pytest.approx(ok["x"].to_numpy()[idx].mean())
        assert b.loc[k, "mean_y"] == pytest.approx(ok["y"].to_numpy()[idx].mean())
        assert b.loc[k, "mean_y_controlled"] == pytest.approx(adj.to_numpy()[idx].mean())
    assert b["x_high"].iloc[-1] == ok["x"].max()
    with pytest.raises(DataError, match="the table the result was fitted on"):
        controlled_bins(t.drop(index=[0, 1]), r)


def test_repeated_counts_by_hand():
    df = pd.DataFrame(
        {
            "station": ["s1", "s2", "s3", "s4", "s5", "s6"],
            "centre": ["c1", "c1", "c2", "c2", "c2", "c3"],
            "A": 5,
            "before": [7.0, 7.0, 3.0, np.nan, 3.0, 2.0],
        }
    )
    e = Election.from_frame(
        df, candidates=["A"], levels=["centre"], station="station", keep=["before"]
    )
    r = repeated_counts(e, "before")
    # c2: two known counts, both 3 -> repeated; its unknown station is kept, not flagged
    assert r["repeated"].tolist() == [True, True, True, False, True, False]
    assert r["unit_stations"].tolist() == [2, 2, 2, 0, 2, 1]
    assert r["known"].tolist() == [True, True, True, False, True, True]
    with pytest.raises(DataError, match=r"'A2' not in the station table"):
        repeated_counts(e, "A2")
    e2 = Election.from_frame(
        df.assign(before=["7", "7", "x", None, "3", "2"]),
        candidates=["A"],
        levels=["centre"],
        station="station",
        keep=["before"],
    )
    with pytest.raises(DataError, match=r"must hold numbers; not at stations \['s3'\]"):
        repeated_counts(e2, "before")


def test_join_elections_refuses_missing_keys():
    a = _two([("s1", "c1", 100, 80, 40, 40)], ["M", "C"])
    df = pd.DataFrame(
        {
            "state": ["s1", "s1"],
            "centre": ["c1", None],
            "station": ["t1", "t2"],
            "registered": 100,
            "ballots": 80,
            "M": 40,
            "C": 40,
        }
    )
    b = Election.from_frame(
        df,
        candidates=["M", "C"],
        registered="registered",
        ballots="ballots",
        levels=["state", "centre"],
        station="station",
    )
    with pytest.raises(DataError, match=r"column 'centre' is missing at stations \['t2'\]"):
        join_elections(a, b, candidates="M")


def test_simulate_election_pair_refuses_bad_rates():
    with pytest.raises(ValueError, match="turnout must be two rates"):
        simulate_election_pair([10, 20], [1, 1], rng=0, turnout=(0.8, 1.2))
    with pytest.raises(ValueError, match="labels must be two distinct"):
        simulate_election_pair([10, 20], [1, 1], rng=0, labels=("a", "a"))
