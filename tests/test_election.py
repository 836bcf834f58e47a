"""The validated station table: mapping, derivations, errors, set-aside rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forensics import DataError, Election, read_csv
from forensics.election import UnknownNameError


def _frame(n: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 200, n)
    b = rng.integers(0, 200, n)
    inv = rng.integers(0, 10, n)
    return pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(n)],
            "region": ["north", "south"] * (n // 2) + ["north"] * (n % 2),
            "reg": a + b + inv + rng.integers(0, 300, n),
            "cast": a + b + inv,
            "ok": a + b,
            "bad": inv,
            "A": a,
            "B": b,
        }
    )


MAPPING = dict(
    candidates=["A", "B"],
    registered="reg",
    ballots="cast",
    valid="ok",
    invalid="bad",
    levels=["region"],
    station="id",
)


def test_from_frame_maps_canonical_columns():
    df = _frame()
    e = Election.from_frame(df, **MAPPING, name="toy")
    assert list(e.stations.columns[:8]) == [
        "station",
        "region",
        "registered",
        "ballots",
        "valid",
        "invalid",
        "A",
        "B",
    ]
    assert e.candidates == ("A", "B")
    assert e.levels == ("region",)
    assert all(e.stations[c].dtype == np.int64 for c in ["registered", "ballots", "A"])
    # leader defaults to the candidate with most votes
    assert e.leader == ("A" if df["A"].sum() >= df["B"].sum() else "B")
    assert len(e.set_aside) == 0


def test_helpers_hand_computed():
    df = pd.DataFrame(
        {"reg": [100, 200, 0], "A": [30, 50, 0], "B": [10, 50, 0], "inv": [0, 20, 0]}
    )
    e = Election.from_frame(df, candidates=["A", "B"], registered="reg", invalid="inv")
    # valid = A + B = 40, 100, 0; ballots = valid + invalid = 40, 120, 0
    assert e.derived["valid"] == "sum of the candidate columns"
    assert e.derived["ballots"] == "valid + invalid"
    np.testing.assert_allclose(e.turnout, [0.40, 0.60, np.nan])  # 0 registered -> NaN
    np.testing.assert_allclose(e.share("A"), [0.75, 0.50, np.nan])
    np.testing.assert_allclose(e.share("A", of="registered"), [0.30, 0.25, np.nan])
    tot = e.totals()
    assert tot["ballots"] == 160
    assert tot["A"] == 80
    np.testing.assert_allclose(e.shares()["A"], 80 / 140)
    with pytest.raises(DataError, match="unknown candidate 'C'"):
        e.share("C")


def test_unknown_names_raise_a_data_error_naming_the_valid_ones():
    e = Election.from_frame(_frame(6), **MAPPING)
    valid_levels = re.escape("['region']")
    cases = [
        (
            lambda: e.share("C"),
            f"unknown candidate 'C'; the candidates are {re.escape(str(['A', 'B']))}",
        ),
        # by() checks the level when called, before any iteration
        (lambda: e.by("state"), f"unknown level 'state'; the levels are {valid_levels}"),
        (lambda: e.group_totals("state"), f"unknown level 'state'; the levels are {valid_levels}"),
        (
            lambda: e.counts("votes"),
            "unknown count column 'votes'; the count columns are "
            + re.escape(str(["registered", "ballots", "valid", "invalid", "A", "B"])),
        ),
    ]
    for call, message in cases:
        with pytest.raises(DataError, match=f"^{message}$") as info:
            call()
        # also a KeyError for callers written against the old behaviour,
        # with the message printed as it is, not quoted as a key
        assert isinstance(info.value, KeyError)
        assert isinstance(info.value, UnknownNameError)
        assert str(info.value) == info.value.args[0]
        assert not str(info.value).startswith(("'", '"'))
    # known names still work, and any column of the station table groups
    assert [k for k, _ in e.by("region")] == ["north", "south"]
    assert list(e.group_totals("station")["stations"]) == [1] * 6
    np.testing.assert_array_equal(e.counts("A"), _frame(6)["A"].to_numpy(dtype=float))


def test_grouping_and_subset():
    e = Election.from_frame(_frame(6), **MAPPING)
    groups = dict(e.by("region"))
    assert sorted(groups) == ["north", "south"]
    assert sum(len(g) for g in groups.values()) == 6
    gt = e.group_totals("region")
    assert gt["stations"].sum() == 6
    assert gt["A"].sum() == e.totals()["A"]
    sub = e.subset(e.stations["region"] == "north")
    assert len(sub) == 3
    assert sub.candidates == e.candidates


def test_missing_column_is_named():
    df = _frame().drop(columns=["reg"])
    with pytest.raises(DataError, match=r"missing required column\(s\) \['reg'\]"):
        Election.from_frame(df, **MAPPING)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("A", "abc", "non-numeric value in column 'A'"),
        ("A", 1.5, "non-integer count in column 'A'"),
        ("B", -3, "negative count in column 'B'"),
        ("ok", None, r"missing count \(NaN\) in column 'ok'"),
        ("reg", 1, "ballots > registered"),
    ],
)
def test_row_errors_name_station_line_and_column(column, value, message):
    df = _frame().astype(object)
    df.loc[2, column] = value
    with pytest.raises(DataError, match=message) as info:
        Election.from_frame(df, **MAPPING)
    assert "station s2 (line 2)" in str(info.value)
    assert set(info.value.problems["station"]) >= {"s2"}


def test_sum_mismatch_reports_difference():
    df = _frame()
    df.loc[1, "ok"] += 7
    with pytest.raises(DataError, match=r"candidates - valid = -7"):
        Election.from_frame(df, **MAPPING)


def test_ballots_mismatch_reports_difference():
    df = _frame()
    df.loc[3, "cast"] += 2
    with pytest.raises(DataError, match=r"valid \+ invalid != ballots.*-2"):
        Election.from_frame(df, **MAPPING)


def test_duplicate_ids():
    df = _frame()
    df.loc[4, "id"] = "s0"
    with pytest.raises(DataError, match="duplicate station id") as info:
        Election.from_frame(df, **MAPPING)
    assert sorted(info.value.problems["line"]) == [0, 4]


def test_set_aside_keeps_every_row_with_reason():
    df = _frame(8).astype(object)
    df.loc[1, "A"] = "n/a"
    df.loc[5, "B"] = -1
    e = Election.from_frame(df, **MAPPING, on_invalid="set_aside")
    assert len(e) + len(e.set_aside) == 8
    assert list(e.set_aside["station"]) == ["s1", "s5"]
    assert e.set_aside.loc[0, "reason"] == "non-numeric value in column 'A'"
    assert "negative count in column 'B'" in e.set_aside.loc[1, "reason"]
    assert e.stations["A"].dtype == np.int64
    report = e.report()
    assert "6 stations kept, 2 set aside" in report


def test_zero_registered_and_zero_ballots_are_legal():
    df = pd.DataFrame({"reg": [0, 10], "A": [0, 3], "B": [0, 2], "inv": [0, 0]})
    e = Election.from_frame(df, candidates=["A", "B"], registered="reg", invalid="inv")
    assert len(e) == 2
    assert np.isnan(e.turnout[0])


def test_missing_registered_is_allowed_and_float():
    df = pd.DataFrame({"reg": [100, None], "A": [20, 3], "B": [10, 2], "inv": [0, 0]})
    e = Election.from_frame(df, candidates=["A", "B"], registered="reg", invalid="inv")
    assert e.stations["registered"].dtype == np.float64
    assert e.stations["registered"].isna().sum() == 1
    assert e.stations["A"].dtype == np.int64


def test_bad_arguments():
    df = _frame()
    with pytest.raises(ValueError, match="on_invalid"):
        Election.from_frame(df, **MAPPING, on_invalid="drop")
    with pytest.raises(DataError, match="leader 'Z'"):
        Election.from_frame(df, **MAPPING, leader="Z")
    with pytest.raises(TypeError):
        Election.from_frame(df.to_numpy(), **MAPPING)


def test_read_csv_detects_encoding_and_reports_file_lines(tmp_path):
    text = "mesa,estado,EG,NM,nulos\n1,Táchira,10,5,0\n2,Año,7,x,1\n"
    p_bom = tmp_path / "bom.csv"
    p_bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    p_1252 = tmp_path / "cp1252.csv"
    p_1252.write_bytes(text.encode("cp1252"))
    mapping = dict(candidates=["EG", "NM"], invalid="nulos", levels=["estado"], station="mesa")
    for path in (p_bom, p_1252):
        e = read_csv(path, **mapping, on_invalid="set_aside")
        assert e.stations["estado"].tolist() == ["Táchira"]
        # the bad row is on line 3 of the file (line 1 is the header)
        assert e.set_aside["line"].tolist() == [3]
        assert e.set_aside["estado"].tolist() == ["Año"]
        with pytest.raises(DataError, match=r"station 2 \(line 3\)"):
            read_csv(path, **mapping)


# --------------------------------------------------------------- properties
_CORRUPTIONS = ("text", "fraction", "negative", "nan", "sum", "dup", "over")


@st.composite
def corrupted_tables(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    df = _frame(n)
    df["reg"] = df["cast"] + np.random.default_rng(seed).integers(0, 50, n)
    df = df.astype(object)
    hits = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.sampled_from(_CORRUPTIONS)),
            max_size=6,
        )
    )
    bad_rows = set()
    # structural corruptions first, so they see integer cells
    hits.sort(key=lambda hit: hit[1] not in ("sum", "over", "dup"))
    for row, kind in hits:
        col = draw(st.sampled_from(["reg", "cast", "ok", "bad", "A", "B"]))
        if kind == "text":
            df.loc[row, col] = draw(st.sampled_from(["x", "1,0", "--", "1e"]))
        elif kind == "fraction":
            df.loc[row, col] = 2.5
        elif kind == "negative":
            df.loc[row, col] = -4
        elif kind == "nan":
            df.loc[row, col] = None if col != "reg" else "?"
        elif kind == "sum":
            df.loc[row, "ok"] = int(df.loc[row, "A"]) + int(df.loc[row, "B"]) + 1
            df.loc[row, "cast"] = int(df.loc[row, "ok"]) + int(df.loc[row, "bad"])
        elif kind == "dup":
            if n < 2:
                continue
            df.loc[row, "id"] = df.loc[(row + 1) % n, "id"]
            continue  # duplicated ids are collected below
        elif kind == "over":
            df.loc[row, "reg"] = 0 if str(df.loc[row, "cast"]) != "0" else -1
        bad_rows.add(row)
    bad_rows |= set(np.flatnonzero(df["id"].duplicated(keep=False)).tolist())
    return df, bad_rows


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted_tables())
def test_corruptions_are_named_or_set_aside_never_lost(case):
    df, bad_rows = case
    n = len(df)
    try:
        Election.from_frame(df, **MAPPING)
    except DataError as err:
        named = set(err.problems["line"])
        assert named, "a DataError must name at least one row"
        assert named <= bad_rows, f"named rows {named} were not corrupted ({bad_rows})"
    else:
        assert not bad_rows
    e = Election.from_frame(df, **MAPPING, on_invalid="set_aside")
    assert len(e.stations) + len(e.set_aside) == n
    assert set(e.set_aside["line"]) == bad_rows
    assert set(e.stations["line"]).isdisjoint(bad_rows)
    # what is kept validates cleanly
    assert (e.counts("ballots") <= e.counts("registered")).all()


def test_source_columns_named_like_ours_survive_set_aside():
    df = pd.DataFrame({"station": ["a", "b"], "line": [7, 8], "A": [1, -1], "B": [2, 2]})
    e = Election.from_frame(df, candidates=["A", "B"], station="station", on_invalid="set_aside")
    assert e.set_aside["station"].tolist() == ["b"]
    assert e.set_aside["line_source"].tolist() == [8]
    assert e.set_aside["line"].tolist() == [1]


def test_malformed_csv_is_a_data_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a well-formed delimited table"):
        read_csv(path, candidates=["a", "b"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 500),
            st.integers(0, 500),
            st.sampled_from(["", "x", "-1", "2.5", " ", "ok"]),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_read_csv_never_loses_a_line(rows):
    import tempfile
    from pathlib import Path

    lines = ["id,A,B"]
    bad_lines = set()
    for i, (a, b, corruption) in enumerate(rows):
        cell = str(b)
        if corruption != "ok":
            cell = corruption
            bad_lines.add(i + 2)  # line 1 is the header
        lines.append(f"s{i},{a},{cell}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_text("\n".join(lines) + "\n", encoding="cp1252")
        e = read_csv(path, station="id", candidates=["A", "B"], on_invalid="set_aside")
        if bad_lines:
            with pytest.raises(DataError) as info:
                read_csv(path, station="id", candidates=["A", "B"])
            assert set(info.value.problems["line"]) == bad_lines
        else:
            assert len(read_csv(path, station="id", candidates=["A", "B"])) == len(rows)
    assert len(e) + len(e.set_aside) == len(rows)
    assert set(e.set_aside["line"]) == bad_lines
