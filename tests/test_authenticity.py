"""Authentication checks of tally sheets: agreement, internal checks, duplicates, forgery bound."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forensics.authenticity import (
    acta_checks,
    duplicate_vote_test,
    forgery_bound,
    forgery_curve,
    reading_agreement,
)
from forensics.election import DataError, Election


def _election(rows, columns, **kw) -> Election:
    df = pd.DataFrame(rows, columns=columns)
    return Election.from_frame(
        df, candidates=["G", "M"], levels=["centre", "table"], station="id", **kw
    )


# ------------------------------------------------------------ agreement
def test_reading_agreement_by_hand():
    a = _election(
        [["c1-1", 1, 1, 10, 5], ["c1-2", 1, 2, 7, 3], ["c2-1", 2, 1, 4, 4]],
        ["id", "centre", "table", "G", "M"],
    )
    b = _election(
        [["c1-1", 1, 1, 10, 6], ["c1-2", 1, 2, 7, 3], ["c3-1", 3, 1, 1, 1]],
        ["id", "centre", "table", "G", "M"],
    )
    r = reading_agreement(a, b)
    f = r.fields.set_index("field")
    # matched: c1-1, c1-2; G agrees on both, M on one (5 vs 6)
    assert f.loc["G", "agreement"] == 1.0
    assert f.loc["M", "n_agree"] == 1
    assert f.loc["M", "abs_difference"] == 1.0
    assert f.loc["all fields", "agreement"] == 0.5
    assert r.n_matched == 2
    assert r.agreement_all == 0.5
    assert r.disagreements.to_dict("records") == [
        {"station": "c1-1", "field": "M", "a": 5.0, "b": 6.0, "difference": 1.0}
    ]
    assert r.only_a == ["c2-1"]
    assert r.only_b == ["c3-1"]
    with pytest.raises(DataError, match="no column"):
        reading_agreement(a, b, fields=["X"])


# ------------------------------------------------------ internal checks
def test_acta_checks_flags_and_counts_set_aside_rows():
    cols = ["id", "centre", "table", "registered", "valid", "G", "M", "code", "url"]
    rows = [
        ["A-1", 1, 1, 100, 80, 50, 30, "000000001.01", "u1"],
        ["A-2", 1, 2, 100, 80, 50, 30, "000000001.03", "u1"],  # code says table 3; url repeats
        ["B-1", 2, 1, 50, 60, 30, 30, "000000002.01", "u3"],  # 60 votes > 50 registered
        ["B-2", 2, 2, 50, 20, 10, 10, "bad", "u4"],  # malformed code
        ["B-3", 2, 3, 50, 20, 10, -1, "000000002.03", "u5"],  # negative: set aside by loader
        ["B-4", 2, 4, 50, 25, 10, 10, "000000002.04", "u6"],  # 20 != 25: set aside by loader
    ]
    e = _election(
        rows,
        cols,
        registered="registered",
        valid="valid",
        keep=["code", "url"],
        on_invalid="set_aside",
    )
    assert sorted(e.set_aside["station"]) == ["B-3", "B-4"]
    c = acta_checks(
        e,
        code_column="code",
        code_pattern=r"(?P<centre>\d{9})\.(?P<table>\d{2})",
        code_levels={"centre": "centre", "table": "table"},
        unique_columns=["url"],
    )
    s = c.summary.set_index("check")
    flagged = c.flags.groupby("check")["station"].agg(sorted).to_dict()
    assert flagged == {
        "code matches the pattern": ["B-2"],
        "code table matches table": ["A-2"],
        "set aside by the loader": ["B-3", "B-4"],
        "unique url": ["A-1", "A-2"],
        "votes not above registered": ["B-1"],
    }
    assert s.loc["code table matches table", "n_checked"] == 3  # B-2's code does not parse
    assert s.loc["set aside by the loader", "n_checked"] == len(rows)
    assert c.n_flagged_rows == 6
    with pytest.raises(ValueError, match="not named"):
        acta_checks(e, code_column="code", code_pattern=r"\d+", code_levels={"x": "centre"})
    with pytest.raises(DataError, match="no column"):
        acta_checks(e, unique_columns=["nope"])
    with pytest.raises(ValueError, match="together"):
        acta_checks(e, code_column="code")


def test_acta_checks_on_a_clean_table_flag_nothing():
    cols = ["id", "centre", "table", "registered", "valid", "G", "M"]
    e = _election(
        [["A-1", 1, 1, 100, 80, 50, 30], ["A-2", 1, 2, 90, 40, 20, 20]],
        cols,
        registered="registered",
        valid="valid",
    )
    c = acta_checks(e)
    assert c.summary["n_flagged"].sum() == 0
    assert c.n_flagged_rows == 0


# ------------------------------------------------------------ duplicates
def _clean(rng: np.random.Generator, n_tables: int = 150) -> Election:
    sizes = rng.integers(20, 80, size=n_tables)
    p = np.array([0.6, 0.3, 0.1])
    x = rng.multinomial(sizes, p)
    df = pd.DataFrame(x, columns=["G", "M", "O"])
    df["centre"] = np.arange(n_tables) // 3
    df["table"] = np.arange(n_tables) % 3 + 1
    return Election.from_frame(df, candidates=["G", "M", "O"], levels=["centre", "table"])


def test_duplicate_test_is_calibrated_on_clean_data():
    rng = np.random.default_rng(20240728)
    reps, alpha = 300, 0.10
    p = np.array([duplicate_vote_test(_clean(rng), n_sim=49, rng=rng).pvalue for _ in range(reps)])
    rate = (p <= alpha).mean()
    se = np.sqrt(alpha * (1 - alpha) / reps)
    assert abs(rate - alpha) <= 2 * se, (rate, se)


def test_duplicate_test_detects_copied_sheets():
    rng = np.random.default_rng(7)
    e = _clean(rng, 150)
    st = e.stations.copy()
    cand = ["G", "M", "O"]
    st.loc[st.index[100:110], cand] = st.loc[st.index[:10], cand].to_numpy()  # 10 copies
    st["valid"] = st[cand].sum(axis=1)
    st["ballots"] = st["valid"]
    r = duplicate_vote_test(e.with_stations(st), n_sim=99, rng=rng)
    assert r.statistic >= 10
    assert r.pvalue < 0.02
    assert (r.pairs["size"] >= 2).all()
    assert r.null_distribution.shape == (99,)
    lo, hi = r.null_percentiles(5, 95)
    assert (lo, hi) == (
        float(np.percentile(r.null_distribution, 5)),
        float(np.percentile(r.null_distribution, 95)),
    )
    assert lo <= r.expected <= hi


def test_duplicate_test_counts_pairs_by_hand_and_checks_input():
    cols = ["id", "centre", "table", "G", "M"]
    e = _election(
        [["a", 1, 1, 3, 2], ["b", 1, 2, 3, 2], ["c", 2, 1, 3, 2], ["d", 2, 2, 1, 1]], cols
    )
    r = duplicate_vote_test(e, n_sim=9, rng=np.random.default_rng(0))
    assert r.statistic == 3  # three identical rows: 3 pairs
    assert r.pairs["stations"].tolist() == [["a", "b", "c"]]
    with pytest.raises(TypeError, match="Generator"):
        duplicate_vote_test(e, n_sim=9, rng=0)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="no column"):
        duplicate_vote_test(e, by="parish", rng=np.random.default_rng(0))
    # by centre: centre 1 pools (6, 4), centre 2 (4, 3); the old keyword still works
    a = duplicate_vote_test(e, by="centre", n_sim=9, rng=np.random.default_rng(0))
    with pytest.warns(DeprecationWarning, match="`group` was renamed `by`"):
        b = duplicate_vote_test(e, group="centre", n_sim=9, rng=np.random.default_rng(0))
    assert a.scalars() == b.scalars()
    assert "pooled by centre" in a.null


# ------------------------------------------------------- forgery bound
def test_forgery_bound_full_coverage_by_hand():
    # actas 10, 40, 30, 20 (total 100); announced 45: remove the largest until
    # the rest is <= 45: drop 40 (60 left), drop 30 (30 left) -> 2 forged
    r = forgery_bound([10, 40, 30, 20], 45, n_tables=5)
    assert (r.n_shared, r.min_votes, r.possible) == (4, 100.0, False)
    assert r.n_forged == 2
    assert r.share_forged_actas == 0.5
    assert r.share_forged_tables == 0.4
    assert forgery_bound([10, 40, 30, 20], 100, n_tables=5).n_forged == 0
    # the two smallest actas (10 + 20 = 30 <= 45) stay genuine
    assert r.n_genuine == 2


def test_forgery_curve_by_hand():
    # sorted 10, 20, 30, 40; all four actas covered: forging f of the largest leaves
    # the 4 - f smallest, 100, 60, 30, 10, 0
    c = forgery_curve([10, 40, 30, 20], n_tables=5)
    assert c["forged"].tolist() == [0, 1, 2, 3, 4]
    assert c["min_votes"].tolist() == [100.0, 60.0, 30.0, 10.0, 0.0]
    # 80 % of 10 tables with 6 actas: 8 tables include at least 4 actas
    c = forgery_curve([5, 1, 9, 3, 7, 2], n_tables=10, coverage=0.8)
    assert c["min_votes"].tolist() == [11.0, 6.0, 3.0, 1.0, 0.0]
    # the bound is the first row at or below the announced count
    for announced in (0, 2, 6, 10, 11, 50):
        b = forgery_bound([5, 1, 9, 3, 7, 2], announced, n_tables=10, coverage=0.8)
        assert b.n_forged == int(c.loc[c["min_votes"] <= announced, "forged"].iloc[0])
    with pytest.raises(ValueError, match="n_tables"):
        forgery_curve([1, 2, 3], n_tables=2)
    with pytest.raises(ValueError, match="coverage"):
        forgery_curve([1, 2, 3], n_tables=5, coverage=0)


def test_forgery_bound_partial_coverage_by_hand():
    # 10 tables, 6 actas, an announcement covering 80 % = 8 tables must include
    # at least 8 - 4 = 4 actas; the 4 smallest are 1 + 2 + 5 + 9 = 17
    counts = [9, 1, 20, 5, 2, 30]
    r = forgery_bound(counts, 16, n_tables=10, coverage=0.8)
    assert (r.n_shared, r.min_votes, r.possible) == (4, 17.0, False)
    assert r.n_forged == 1  # with one forged: 1 + 2 + 5 = 8 <= 16
    r = forgery_bound(counts, 17, n_tables=10, coverage=0.8)
    assert r.possible
    assert r.n_forged == 0
    r = forgery_bound(counts, 0, n_tables=10, coverage=0.8)
    assert r.n_forged == 4
    # 60 %: 6 tables, 4 without acta, so only 2 actas needed: 1 + 2
    assert forgery_bound(counts, 3, n_tables=10, coverage=0.6).min_votes == 3.0


def test_forgery_bound_capacity_by_hand():
    # counts G = [10, 40]; valid [20, 50]; registered [30, 60]; total registry 120
    # announced G 15 -> forge the 40 (n_forged 1); genuine covered: the 10-acta, valid 20
    # announced valid 70 -> needed 50; capacity = 60 (forged) + 120 - 90 = 90
    actas = {"n_tables": 3, "valid": [20, 50], "registered": [30, 60]}
    r = forgery_bound([10, 40], 15, announced_valid=70, registered_total=120, **actas)
    assert r.n_forged == 1
    assert (r.valid_needed, r.valid_capacity, r.capacity_ok) == (50.0, 90.0, True)
    # announced valid 120 -> needed 100; capacity = 60 + 100 - 90 = 70
    r = forgery_bound([10, 40], 15, announced_valid=120, registered_total=100, **actas)
    assert (r.valid_needed, r.valid_capacity, r.capacity_ok) == (100.0, 70.0, False)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"counts": [1, -2], "announced": 1, "n_tables": 3}, "positions"),
        ({"counts": [1, 2], "announced": 1, "n_tables": 1}, "n_tables"),
        ({"counts": [1, 2], "announced": 1, "n_tables": 3, "coverage": 1.5}, "coverage"),
        ({"counts": [1, 2], "announced": 1, "n_tables": 3, "valid": [1, 2]}, "together"),
    ],
)
def test_forgery_bound_rejects_bad_input(kw, match):
    with pytest.raises(ValueError, match=match):
        forgery_bound(**kw)


def test_duplicate_rejects_missing_counts():
    cols = ["id", "centre", "table", "G", "M"]
    e = _election([["a", 1, 1, 3, 2], ["b", 1, 2, 3, 2]], cols)
    st = e.stations.copy()
    st["G"] = st["G"].astype(float)
    st.loc[0, "G"] = np.nan
    with pytest.raises(DataError, match="missing counts"):
        duplicate_vote_test(e.with_stations(st), rng=np.random.default_rng(0))
    st = e.stations.copy()
    st["centre"] = st["centre"].astype(object)
    st.loc[1, "centre"] = None
    with pytest.raises(DataError, match="missing 'centre'"):
        duplicate_vote_test(e.with_stations(st), by="centre", rng=np.random.default_rng(0))
