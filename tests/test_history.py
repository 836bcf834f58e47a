"""Swing between two elections on the same stations (forensics.history)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forensics import datasets
from forensics.election import DataError, Election
from forensics.history import swing, swing_association


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
    r = swing_association(t, bins=2)
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
        hits += swing_association(t).pvalue < 0.05
    assert 0.02 <= hits / 400 <= 0.085
    # A swing of +0.05 per unit turnout on 2,000 units (noise SD 0.03) is detected.
    t = pd.DataFrame({"turnout": gen.uniform(0.5, 0.9, 2000), "usable": True})
    t["swing"] = 0.05 * t["turnout"] + gen.normal(0, 0.03, 2000)
    r = swing_association(t)
    assert r.statistic > 0
    assert r.pvalue < 1e-6
    assert r.slope_ci_low < 0.05 < r.slope_ci_high


def test_association_errors():
    t = pd.DataFrame({"turnout": [0.5, 0.6, 0.7], "usable": True, "swing": [0.0, 0.1, 0.2]})
    with pytest.raises(DataError, match="at least 4"):
        swing_association(t)
    with pytest.raises(DataError, match="not in the table"):
        swing_association(t, "log_votes_ratio")


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
