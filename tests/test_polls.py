"""Poll averages (hand-computed DerSimonian–Laird), the compiled tables, compare, plot."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from forensics.cases.venezuela_2024 import (
    CANDIDATE_NAMES,
    POLL_CANDIDATES,
    POLL_MARKS,
    compare,
    load_exit_polls,
    load_polls,
    load_pollsters,
)
from forensics.election import DataError
from forensics.plots.polls import plot_comparison, plot_polls
from forensics.polls import (
    classification_sensitivity,
    count_rows,
    poll_average,
    quantities,
    read_exit_polls,
    read_polls,
    source_distances,
    two_party,
    unit_variances,
)

matplotlib.use("Agg")

AB = ("a", "b")


def _three_polls(**extra):
    return pd.DataFrame(
        {
            "a_pct": [50.0, 60.0, 55.0],
            "b_pct": [30.0, 20.0, 25.0],
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
    fe = poll_average(polls, candidates=AB, method="fixed-effect", design_effect=1.0)
    m = fe.set_index("quantity").loc["margin"]
    assert m["estimate"] == pytest.approx(30.6887, abs=1e-3)
    assert m["se"] == pytest.approx(1.67073, abs=1e-4)
    assert m["Q"] == pytest.approx(28.6130, abs=1e-3)
    re_ = poll_average(polls, candidates=AB, design_effect=1.0).set_index("quantity").loc["margin"]
    assert re_["estimate"] == pytest.approx(30.0329, abs=1e-3)
    assert re_["se"] == pytest.approx(6.48243, abs=1e-4)
    assert re_["tau2"] == pytest.approx(116.757, abs=1e-2)  # 0.0116757 in points^2
    assert re_["lower"] == pytest.approx(30.0329 - 1.959964 * 6.48243, abs=1e-3)
    # 90 %: z = 1.644854; the old keyword `confidence` still works, with a warning
    re90 = poll_average(polls, candidates=AB, design_effect=1.0, confidence_level=0.9)
    upper90 = re90.set_index("quantity").loc["margin", "upper"]
    assert upper90 == pytest.approx(30.0329 + 1.644854 * 6.48243, abs=1e-3)
    with pytest.warns(DeprecationWarning, match="`confidence` was renamed `confidence_level`"):
        old = poll_average(polls, candidates=AB, design_effect=1.0, confidence=0.9)
    pd.testing.assert_frame_equal(old, re90)
    with pytest.raises(ValueError, match="confidence_level"):
        poll_average(polls, candidates=AB, confidence_level=95)
    # the design effect scales the fixed-effect variance: se * sqrt(2)
    fe2 = poll_average(polls, candidates=AB, method="fixed-effect", design_effect=2.0)
    assert fe2.set_index("quantity").loc["margin", "se"] == pytest.approx(
        1.67073 * np.sqrt(2), abs=1e-4
    )


def test_dersimonian_laird_reproduces_the_published_bcg_meta_analysis():
    # The 13 BCG vaccine trials (Colditz et al. 1994), log relative risks; published
    # DerSimonian-Laird fit (metafor, rma(method="DL") on dat.bcg; Viechtbauer 2010):
    # estimate -0.7141, se 0.1787, tau^2 0.3088, Q(df = 12) 152.2330, I^2 92.12 %;
    # fixed effect -0.4303 (se 0.0405).
    from forensics.polls import _dersimonian_laird

    tpos = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
    tneg = np.array(
        [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886]
    )
    cpos = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
    cneg = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])
    y = np.log(tpos / (tpos + tneg)) - np.log(cpos / (cpos + cneg))
    v = 1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg)
    re_ = _dersimonian_laird(y, v, random=True)
    assert re_["estimate"] == pytest.approx(-0.7141, abs=5e-5)
    assert re_["se"] == pytest.approx(0.1787, abs=5e-5)
    assert re_["tau2"] == pytest.approx(0.3088, abs=5e-5)
    assert re_["Q"] == pytest.approx(152.2330, abs=5e-5)
    assert re_["I2"] == pytest.approx(0.9212, abs=5e-5)
    fe = _dersimonian_laird(y, v, random=False)
    assert fe["estimate"] == pytest.approx(-0.4303, abs=5e-5)
    assert fe["se"] == pytest.approx(0.0405, abs=5e-5)
    assert fe["tau2"] == 0.0


def test_homogeneous_polls_truncate_tau2_at_zero():
    # A 50 % and 51 %, n = 1000 each, deff 1: v = 0.25/1000 and 0.2499/1000,
    # w = 4000 and 4001.6; mu = 0.505001, Q = sum w (y - mu)^2 = 0.200040 < k - 1 = 1,
    # so the DerSimonian-Laird tau^2 = (Q - 1)/C < 0 is set to 0 and the random-effects
    # average is the fixed-effect one, se = 8001.6**-0.5 = 0.0111792.
    # B 30 % in both: Q = 0 (no heterogeneity at all), margin 20 and 21 points.
    polls = _three_polls().iloc[:2].assign(a_pct=[50.0, 51.0], b_pct=30.0, sample_size=1000.0)
    out = {}
    for method in ("random-effects", "fixed-effect"):
        out[method] = poll_average(polls, candidates=AB, method=method, design_effect=1.0)
        r = out[method].set_index("quantity").loc["a"]
        assert r["estimate"] == pytest.approx(50.5001, abs=1e-4)
        assert r["se"] == pytest.approx(1.11792, abs=1e-5)
        assert r["Q"] == pytest.approx(0.200040, abs=1e-6)
        assert r["tau2"] == 0.0
        assert r["I2"] == 0.0
    share_b = out["random-effects"].set_index("quantity").loc["b"]
    assert share_b["estimate"] == pytest.approx(30.0, abs=1e-12)
    assert share_b["Q"] == pytest.approx(0.0, abs=1e-9)
    assert share_b["I2"] == 0.0
    num = ["estimate", "se", "lower", "upper", "tau2"]
    np.testing.assert_allclose(out["random-effects"][num], out["fixed-effect"][num], rtol=1e-14)


def test_single_poll_has_sampling_error_only():
    one = _three_polls().iloc[:1]
    r = poll_average(one, candidates=AB, design_effect=1.0).set_index("quantity").loc["a"]
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
    r = poll_average(polls, candidates=AB, default_n=800).set_index("quantity").loc["margin"]
    assert r["k"] == 2  # the duplicate is dropped
    assert r["n_duplicates"] == 1
    assert r["n_default"] == 1
    assert r["default_n"] == 800
    w = (
        poll_average(polls, candidates=AB, window=30, election_day="2024-07-28")
        .set_index("quantity")
        .loc["margin"]
    )
    assert w["k"] == 1  # undated poll excluded by the window, the May poll is a duplicate
    assert w["n_undated"] == 1
    with pytest.raises(ValueError, match="design_effect"):
        poll_average(polls, candidates=AB, design_effect=0.5)
    with pytest.raises(ValueError, match="method"):
        poll_average(polls, candidates=AB, method="bayes")


def test_two_party_rescales_shares_and_sample():
    t = two_party(_three_polls(), candidates=AB)
    # 50 / (50 + 30) = 62.5 %; n = 1000 * 0.8 = 800; margin 62.5 - 37.5 = 25
    assert t["a_pct"].iloc[0] == pytest.approx(62.5)
    assert t["b_pct"].iloc[0] == pytest.approx(37.5)
    assert t["sample_size"].iloc[0] == pytest.approx(800.0)
    assert t["margin"].iloc[0] == pytest.approx(25.0)
    # 60 / 80 = 75 %, n = 1000 * 0.8; 55 / 80 = 68.75 %, n = 500 * 0.8
    np.testing.assert_allclose(t["a_pct"], [62.5, 75.0, 68.75])
    np.testing.assert_allclose(t["sample_size"], [800.0, 800.0, 400.0])
    # a single two-party poll: se of the share = sqrt(.625 * .375 / 800) = 1.71163 points
    r = poll_average(t.iloc[:1], candidates=AB, design_effect=1.0).set_index("quantity").loc["a"]
    assert r["se"] == pytest.approx(1.71163, abs=1e-4)
    bad = _three_polls()
    bad.loc[0, ["a_pct", "b_pct"]] = 0.0
    with pytest.raises(ValueError, match="rows \\[0\\]"):
        two_party(bad, candidates=AB)


def test_classification_sensitivity_moves_unknown_pollsters():
    polls = _three_polls(pollster=["A", "B", "C"])
    polls["class"] = ["independent", "independent", "unknown"]
    polls.loc[2, ["a_pct", "b_pct"]] = [20.0, 60.0]
    s = classification_sensitivity(polls, candidates=AB, method="fixed-effect", design_effect=1.0)
    s = s.set_index(["scenario", "class"])
    # as classified, government-aligned has no poll: only the independent row
    assert ("as classified", "government-aligned") not in s.index
    # two independent polls, margins .2 and .4 with v = .76/1000, .64/1000:
    # w = 1315.789, 1562.5 -> mu = (263.158 + 625) / 2878.289 = 0.308571
    assert s.loc[("as classified", "independent"), "estimate"] == pytest.approx(30.8571, abs=1e-3)
    # C -> government-aligned alone: margin 20 - 60 = -40 points
    assert s.loc[("C -> government-aligned", "government-aligned"), "estimate"] == -40.0
    assert s.loc[("C -> government-aligned", "government-aligned"), "k"] == 1
    # C -> independent: three polls pooled, k = 3, the average moves down
    moved = s.loc[("C -> independent", "independent")]
    assert moved["k"] == 3
    assert moved["estimate"] < 30.8571
    assert s.loc[("all unknown -> independent", "independent"), "estimate"] == moved["estimate"]
    with pytest.raises(ValueError, match="no pollster"):
        classification_sensitivity(polls, candidates=AB, move="government-aligned")
    with pytest.raises(ValueError, match="quantity"):
        classification_sensitivity(polls, candidates=AB, quantity="turnout")


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
    ax = plot_polls(polls, c, candidates=POLL_CANDIDATES, marks=POLL_MARKS)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "CNE first bulletin" in labels
    assert "actas V2 (opposition)" in labels
    assert ax.get_legend().get_title().get_text() == "2 undated not shown"
    with pytest.raises(ValueError, match="quantity"):
        plot_polls(polls, candidates=POLL_CANDIDATES, quantity="turnout")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_comparison_draws_every_source():
    c = compare()
    ax = plot_comparison(c, candidates=POLL_CANDIDATES, names=CANDIDATE_NAMES)
    sources = c.table["source"].unique().tolist()
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ticks) == len(sources)
    assert ticks[0] == "polls: independent"
    assert "quick count: Anonymous academic team (O Globo)" in ticks
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"poll average", "actas", "announced"} <= set(labels)
    with pytest.raises(ValueError, match="quantity"):
        plot_comparison(c, candidates=POLL_CANDIDATES, quantity="turnout")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_candidate_keys_are_parameters(tmp_path):
    # a poll table with other keys reads and averages the same way
    p = tmp_path / "polls.csv"
    p.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,x_pct,y_pct,other_pct,"
        "undecided_pct,source,notes\n"
        "P1,2024-01-01,2024-01-05,1000,50,30,5,15,s,\n"
        "P2,,,,60,20,5,15,s,published 2024-02-01\n",
        encoding="utf-8",
    )
    polls = read_polls(p, candidates=("x", "y"))
    assert polls["margin"].tolist() == [20.0, 40.0]
    assert polls["class"].tolist() == ["unknown", "unknown"]  # no classification given
    assert polls["date_source"].tolist() == ["fieldwork", "notes"]
    with pytest.raises(ValueError, match="missing column"):
        read_polls(p, candidates=("x", "z"))
    avg = poll_average(polls, candidates=("x", "y"), design_effect=1.0)
    assert avg["quantity"].tolist() == ["x", "y", "margin"]
    # P2 gets the median stated n = 1000; x shares .5, .6 with v = .25/1000, .24/1000:
    # w = 4000, 4166.7, Q = 20.408, C = 4081.6, tau2 = (Q - 1)/C = 0.0047550, and the
    # random-effects weights 1/(v + tau2) give 55.0050 points, se 5.0000
    x = avg.set_index("quantity").loc["x"]
    assert x["estimate"] == pytest.approx(55.0050, abs=1e-4)
    assert x["se"] == pytest.approx(5.0000, abs=1e-4)
    with pytest.raises(ValueError, match="election_day"):
        poll_average(polls, candidates=("x", "y"), window=30)
    with pytest.raises(ValueError, match="two candidate keys"):
        poll_average(polls, candidates=("x",))
    with pytest.raises(ValueError, match="distinct"):
        quantities(("margin", "y"))


def test_count_rows_and_source_distances_by_hand():
    # a count: 600 and 300 of 1,000 valid -> 60 %, 30 %, margin 30 points, se 0
    counts = count_rows("count", "announced", {"a": 600, "b": 300}, candidates=AB, valid=1000)
    assert counts["estimate"].tolist() == [60.0, 30.0, 30.0]
    assert counts["se"].tolist() == [0.0, 0.0, 0.0]
    # a poll average with se 2 points on the margin of 26 points: z = (30 - 26) / 2 = 2
    poll = pd.DataFrame(
        [("poll", "poll average", "margin", 26.0, 2.0, 22.08, 29.92, 3.0, "")],
        columns=counts.columns,
    )
    c = source_distances(pd.concat([poll, counts], ignore_index=True))
    z = c.z("margin")
    assert z.loc["count", "poll"] == pytest.approx(2.0)
    assert z.loc["poll", "count"] == pytest.approx(-2.0)
    assert c.wide().loc["count", "a"] == 60.0
    # two exact counts have no standard error: z is NaN, the difference is kept
    other = count_rows("other", "actas", {"a": 500, "b": 400}, candidates=AB, valid=1000)
    c2 = source_distances(pd.concat([counts, other], ignore_index=True))
    d = c2.distances.set_index(["quantity", "source_a", "source_b"])
    assert d.loc[("margin", "count", "other"), "difference"] == pytest.approx(20.0)
    assert np.isnan(d.loc[("margin", "count", "other"), "z"])
    with pytest.raises(ValueError, match="missing column"):
        source_distances(counts.drop(columns=["se"]))


def test_plot_labels_use_the_candidates_names():
    import matplotlib.pyplot as plt

    counts = count_rows("count", "announced", {"a": 600, "b": 300}, candidates=AB, valid=1000)
    c = source_distances(counts)
    ax = plot_comparison(c, candidates=AB, names=("Ann", "Bob"))
    assert ax.get_xlabel() == "Ann − Bob (points)"
    plt.close("all")
    ax = plot_comparison(c, candidates=AB)
    assert ax.get_xlabel() == "a − b (points)"
    plt.close("all")


def test_unit_variances_by_hand():
    # p_a = 0.5, p_b = 0.3: 0.5 * 0.5 = 0.25, 0.3 * 0.7 = 0.21, 0.8 - 0.2^2 = 0.76
    v = unit_variances(np.array([0.5, 0.6]), np.array([0.3, 0.2]), candidates=AB)
    np.testing.assert_allclose(v["a"], [0.25, 0.24])
    np.testing.assert_allclose(v["b"], [0.21, 0.16])
    # 0.6 + 0.2 - 0.4^2 = 0.64
    np.testing.assert_allclose(v["margin"], [0.76, 0.64])


def test_bad_tables_name_rows_and_columns(tmp_path):
    p = tmp_path / "polls.csv"
    header = (
        "pollster,fieldwork_start,fieldwork_end,sample_size,a_pct,b_pct,other_pct,"
        "undecided_pct,source,notes\n"
    )
    p.write_text(
        header + "P1,2024-01-01,2024-01-05,1000,50,30,5,15,s,\n"
        "P2,2024-01-02,soon,n/a,60,20,5,15,s,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"'sample_size': \['n/a'\] \(rows \[1\]\)"):
        read_polls(p, candidates=AB)
    p.write_text(header + "P2,2024-01-02,soon,900,60,20,5,15,s,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"'fieldwork_end' are not ISO dates: \['soon'\]"):
        read_polls(p, candidates=AB)
    with pytest.raises(DataError, match=r"no entry for \['b'\]"):
        count_rows("x", "announced", {"a": 1}, candidates=AB, valid=10)
    with pytest.raises(FileNotFoundError):
        read_polls(tmp_path / "none.csv", candidates=AB)


def test_exit_polls_keep_qualified_cells_verbatim(tmp_path):
    p = tmp_path / "exit.csv"
    p.write_text(
        "type,pollster,sample_size,polling_stations,a_pct,b_pct,other_pct\n"
        "exit_poll,E1,2000,100,60,35,5\n"
        'exit_poll,E2,about 900,"about 50",58,<14,\n',
        encoding="utf-8",
    )
    ex = read_exit_polls(p, candidates=AB)
    assert ex["n"].tolist()[0] == 2000.0
    assert np.isnan(ex["n"].iloc[1])
    assert ex["sample_size"].tolist() == ["2000", "about 900"]
    assert ex["polling_stations"].iloc[0] == 100.0
    assert np.isnan(ex["polling_stations"].iloc[1])
    assert ex["polling_stations_as_published"].tolist() == ["100", "about 50"]
    assert ex["b_pct_as_published"].tolist() == ["35", "<14"]
    # 60 - 35 = 25; the second margin is unknown (b published as "<14")
    assert ex["margin"].iloc[0] == 25.0
    assert np.isnan(ex["margin"].iloc[1])
