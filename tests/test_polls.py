"""Poll averages (hand-computed DerSimonian–Laird), the compiled tables, compare, plot."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from forensics.plots.polls import plot_polls
from forensics.polls import compare, load_exit_polls, load_polls, load_pollsters, poll_average

matplotlib.use("Agg")


def _three_polls(**extra):
    return pd.DataFrame(
        {
            "gonzalez_pct": [50.0, 60.0, 55.0],
            "maduro_pct": [30.0, 20.0, 25.0],
            "sample_size": [1000.0, 1000.0, 500.0],
            "class": ["independent"] * 3,
            **extra,
        }
    )


def test_poll_average_matches_hand_calculation():
    # Margins y = 0.2, 0.4, 0.3; multinomial variance (pG + pM - y^2)/n with deff 1:
    # v = 0.76/1000, 0.64/1000, 0.71/500 -> w = 1315.789, 1562.5, 704.225 (sum 3582.514).
    # Fixed effect: mu = (1315.789*.2 + 1562.5*.4 + 704.225*.3)/3582.514 = 0.306887,
    # se = 3582.514**-0.5 = 0.016707.
    # Q = sum w (y - mu)^2 = 28.613; C = 3582.514 - sum w^2 / sum w = 2279.340;
    # tau2 = (28.613 - 2)/2279.340 = 0.0116757; random-effects weights 1/(v + tau2):
    # mu = 0.300329, se = 0.064824.
    polls = _three_polls()
    fe = poll_average(polls, method="fixed-effect", design_effect=1.0)
    m = fe.set_index("quantity").loc["margin"]
    assert m["estimate"] == pytest.approx(30.6887, abs=1e-3)
    assert m["se"] == pytest.approx(1.67073, abs=1e-4)
    assert m["Q"] == pytest.approx(28.6130, abs=1e-3)
    re_ = poll_average(polls, design_effect=1.0).set_index("quantity").loc["margin"]
    assert re_["estimate"] == pytest.approx(30.0329, abs=1e-3)
    assert re_["se"] == pytest.approx(6.48243, abs=1e-4)
    assert re_["tau2"] == pytest.approx(116.757, abs=1e-2)  # 0.0116757 in points^2
    assert re_["lower"] == pytest.approx(30.0329 - 1.959964 * 6.48243, abs=1e-3)
    # the design effect scales the fixed-effect variance: se * sqrt(2)
    fe2 = poll_average(polls, method="fixed-effect", design_effect=2.0)
    assert fe2.set_index("quantity").loc["margin", "se"] == pytest.approx(
        1.67073 * np.sqrt(2), abs=1e-4
    )


def test_single_poll_has_sampling_error_only():
    one = _three_polls().iloc[:1]
    r = poll_average(one, design_effect=1.0).set_index("quantity").loc["gonzalez"]
    # sqrt(0.5*0.5/1000) = 0.0158114 -> 1.58114 points
    assert r["estimate"] == 50.0
    assert r["se"] == pytest.approx(1.58114, abs=1e-4)
    assert r["tau2"] == 0.0


def test_missing_n_dates_and_duplicates_are_counted():
    dates = pd.to_datetime(["2024-07-20", None, "2024-05-01"])
    polls = _three_polls(
        date=dates, possible_duplicate=[False, False, True], sample_size=[1000, np.nan, 500]
    )
    polls["sample_size"] = [1000.0, np.nan, 500.0]
    r = poll_average(polls, default_n=800).set_index("quantity").loc["margin"]
    assert r["k"] == 2  # the duplicate is dropped
    assert r["n_duplicates"] == 1
    assert r["n_default"] == 1
    assert r["default_n"] == 800
    w = poll_average(polls, window=30).set_index("quantity").loc["margin"]
    assert w["k"] == 1  # undated poll excluded by the window, the May poll is a duplicate
    assert w["n_undated"] == 1
    with pytest.raises(ValueError, match="design_effect"):
        poll_average(polls, design_effect=0.5)
    with pytest.raises(ValueError, match="method"):
        poll_average(polls, method="bayes")


def test_compiled_polls_load_with_classification():
    polls = load_polls()
    assert len(polls) == 33
    classified = set(load_pollsters()["pollster"])
    assert set(polls["pollster"]) <= classified  # every pollster has a stated basis
    assert polls["class"].isin(["independent", "government-aligned", "unknown"]).all()
    # rows whose notes say they may duplicate a dated row: Meganálisis, Hercon, ORC (x1)
    assert polls["possible_duplicate"].sum() == 3
    assert (polls["date_source"] == "missing").sum() == 2
    # ORC 2024-04-26..05-04: 51.77 - 13.15 = 38.62 points
    assert polls["margin"].iloc[0] == pytest.approx(38.62)
    ex = load_exit_polls()
    assert np.isnan(ex.loc[ex["pollster"] == "Meganálisis", "maduro_pct"]).all()  # "<14"
    assert ex.loc[ex["pollster"] == "Edison Research", "n"].iloc[0] == 6846


def test_compare_from_tables():
    c = compare()
    w = c.wide()
    # V2 row of official_bulletins.csv: (7,303,480 - 3,316,142) / 10,887,262 = 36.6239 %
    assert w.loc["actas V2 (opposition)", "margin"] == pytest.approx(36.6239, abs=1e-3)
    # CNE 1: (4,445,978 - 5,150,092) / 10,058,774 = -7.0000 %
    assert w.loc["CNE first bulletin", "margin"] == pytest.approx(-7.0, abs=1e-4)
    assert w.loc["CNE second bulletin", "maduro"] == pytest.approx(51.9529, abs=1e-3)
    # Edison: 65 - 31 = 34 points, se = sqrt(2 * (0.96 - 0.34^2) / 6846) = 1.5693 points
    edison = c.table[(c.table["source"] == "exit_poll: Edison Research")]
    se = edison.set_index("quantity").loc["margin", "se"]
    assert se == pytest.approx(100 * np.sqrt(2 * (0.96 - 0.34**2) / 6846), rel=1e-9)
    z = c.z("margin")
    assert np.isnan(z.loc["CNE first bulletin", "CNE second bulletin"])  # two exact counts
    ind = c.table[(c.table["source"] == "polls: independent") & (c.table["quantity"] == "margin")]
    expected = (-7.0 - ind["estimate"].iloc[0]) / ind["se"].iloc[0]
    assert z.loc["CNE first bulletin", "polls: independent"] == pytest.approx(expected, abs=1e-3)


def test_plot_polls_marks_results():
    polls = load_polls()
    c = compare(polls)
    ax = plot_polls(polls, c)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "CNE first bulletin" in labels
    assert "actas V2 (opposition)" in labels
    assert ax.get_legend().get_title().get_text() == "2 undated not shown"
    with pytest.raises(ValueError, match="quantity"):
        plot_polls(polls, quantity="turnout")
    import matplotlib.pyplot as plt

    plt.close("all")
