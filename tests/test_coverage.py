"""Coverage tables and version comparison (forensics.coverage).

Small hand-built frames with the arithmetic in comments, then the real
Venezuelan actas against the figures documented in the data mirror's
``venezuela_2024/SOURCE.md`` (V1/V2 overlap, the QR cross-check).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from forensics.coverage import (
    compare_versions,
    coverage_by_state,
    reweighted_shares,
    table_number_floor,
)
from forensics.election import DataError, Election


def _actas(rows):
    return pd.DataFrame(rows, columns=["station", "state", "centre", "table", "valid", "A", "B"])


SMALL = _actas(
    [
        ("c1-1", "X", "c1", 1, 10, 6, 4),
        ("c1-3", "X", "c1", 3, 20, 10, 10),
        ("c2-1", "X", "c2", 1, 30, 30, 0),
        ("c3-2", "Y", "c3", 2, 40, 10, 30),
    ]
)


def test_coverage_by_state_counts_and_ratio():
    ref = pd.Series({"X": 6.0, "Y": 4.0, "Z": 2.0})
    out = coverage_by_state(SMALL, ref)
    assert out["state"].tolist() == ["X", "Y", "Z"]
    assert out["stations"].tolist() == [3, 1, 0]
    # X: 3 / 6 = 0.5; Y: 1 / 4 = 0.25; Z: 0 / 2 = 0
    np.testing.assert_allclose(out["coverage"], [0.5, 0.25, 0.0])


def test_coverage_by_state_rescales_reference():
    ref = pd.Series({"X": 6.0, "Y": 4.0, "Z": 2.0})
    out = coverage_by_state(SMALL, ref, scale_to=24)
    # shares 6/12, 4/12, 2/12 of 24 -> 12, 8, 4; coverage 3/12, 1/8, 0/4
    np.testing.assert_allclose(out["reference"], [12.0, 8.0, 4.0])
    np.testing.assert_allclose(out["coverage"], [0.25, 0.125, 0.0])


def test_coverage_by_state_rejects_unknown_group_and_bad_reference():
    with pytest.raises(DataError, match=r"missing from the reference: \['Y'\]"):
        coverage_by_state(SMALL, pd.Series({"X": 6.0}))
    with pytest.raises(DataError, match="positive"):
        coverage_by_state(SMALL, pd.Series({"X": 6.0, "Y": 0.0}))
    with pytest.raises(DataError, match="missing column"):
        coverage_by_state(SMALL, pd.Series({"X": 6.0, "Y": 1.0}), level="region")


def test_table_number_floor():
    out = table_number_floor(SMALL).set_index("state")
    # X: centre c1 top 3, centre c2 top 1 -> floor 4, 3 held, 1 gap (c1 table 2)
    # Y: centre c3 top 2 -> floor 2, 1 held, 1 gap (c3 table 1)
    assert out.loc["X", ["centres", "stations", "floor", "gaps"]].tolist() == [2, 3, 4, 1]
    assert out.loc["Y", ["centres", "stations", "floor", "gaps"]].tolist() == [1, 1, 2, 1]
    np.testing.assert_allclose(out["coverage_max"], [0.75, 0.5])


def test_table_number_floor_rejects_duplicates_and_bad_numbers():
    dup = pd.concat([SMALL, SMALL.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataError, match="more than once"):
        table_number_floor(dup)
    bad = SMALL.assign(table=[1, 0, 1, 2])
    with pytest.raises(DataError, match="positive integers"):
        table_number_floor(bad)


def test_compare_versions_statuses_and_diffs():
    a = SMALL
    b = _actas(
        [
            ("c1-1", "X", "c1", 1, 10, 6, 4),  # identical
            ("c1-3", "X", "c1", 3, 21, 10, 11),  # B +1, valid +1
            ("c3-2", "Y", "c3", 2, 40, 10, 30),  # identical
            ("c4-1", "Y", "c4", 1, 5, 5, 0),  # only in b
        ]
    )
    out = compare_versions(a, b, columns=["valid", "A", "B"]).set_index("station")
    assert out["status"].astype(str).to_dict() == {
        "c1-1": "identical",
        "c1-3": "differ",
        "c2-1": "only in a",
        "c3-2": "identical",
        "c4-1": "only in b",
    }
    assert out.loc["c1-3", "n_differ"] == 2
    assert out.loc["c1-3", "abs_diff"] == 2.0  # |21-20| + |11-10|
    assert out.loc["c1-3", "diff_B"] == 1.0
    assert np.isnan(out.loc["c2-1", "diff_A"])
    assert out.loc["c4-1", "state"] == "Y"  # carried from b when absent from a


def test_compare_versions_missing_value_on_one_side_differs():
    a = SMALL.assign(A=SMALL["A"].astype(float))
    b = a.copy()
    b.loc[0, "A"] = np.nan
    out = compare_versions(a, b, columns=["A"])
    assert out["status"].astype(str).tolist()[0] == "differ"
    both_nan = compare_versions(b, b, columns=["A"])
    assert (both_nan["status"] == "identical").all()


def test_compare_versions_rejects_duplicate_keys():
    dup = pd.concat([SMALL, SMALL.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataError, match="not unique"):
        compare_versions(SMALL, dup)


def test_compare_versions_default_columns_from_elections():
    e = Election.from_frame(SMALL, candidates=["A", "B"], valid="valid", station="station")
    out = compare_versions(e, e)
    assert [c for c in out.columns if c.startswith("diff_")] == ["diff_A", "diff_B"]


def test_reweighted_shares():
    cov = pd.DataFrame({"state": ["X", "Y"], "coverage": [0.5, 0.25]})
    out = reweighted_shares(SMALL, cov, candidates=["A", "B"]).set_index("candidate")
    # held: A = 6+10+30+10 = 56 of valid 100 -> 0.56
    # weights X 2, Y 4: A = 2*46 + 4*10 = 132; valid = 2*60 + 4*40 = 280 -> 132/280
    assert out.loc["A", "share"] == pytest.approx(0.56)
    assert out.loc["A", "share_reweighted"] == pytest.approx(132 / 280)
    assert out.loc["B", "share_reweighted"] == pytest.approx(148 / 280)
    assert out.loc["A", "change"] == pytest.approx(132 / 280 - 0.56)
    with pytest.raises(DataError, match=r"no coverage for group\(s\) \['Y'\]"):
        reweighted_shares(SMALL, cov.iloc[:1], candidates=["A"])


def test_rows_without_a_group_or_key_are_refused_not_dropped():
    gap = SMALL.assign(state=["X", None, "X", "Y"])
    # value_counts and groupby would drop the row silently
    with pytest.raises(DataError, match=r"column 'state' is missing in 1 row\(s\): \['c1-3'\]"):
        coverage_by_state(gap, pd.Series({"X": 6.0, "Y": 4.0}))
    with pytest.raises(DataError, match=r"column 'state' is missing .*\['c1-3'\]"):
        table_number_floor(gap)
    with pytest.raises(DataError, match=r"column 'centre' is missing .*\['c2-1'\]"):
        table_number_floor(SMALL.assign(centre=["c1", "c1", None, "c3"]))
    with pytest.raises(DataError, match=r"column 'state' is missing"):
        reweighted_shares(
            gap, pd.DataFrame({"state": ["X", "Y"], "coverage": 0.5}), candidates=["A"]
        )
    # a key missing in b: named by index when there is no station column to name it
    b = SMALL.drop(columns="station").assign(code=["k1", "k2", None, "k4"])
    with pytest.raises(DataError, match=r"b: column 'code' is missing in 1 row\(s\): \['2'\]"):
        compare_versions(SMALL.assign(code=["k1", "k2", "k3", "k4"]), b, on="code")


def test_reference_must_be_numbers():
    with pytest.raises(DataError, match="reference counts must be numbers"):
        coverage_by_state(SMALL, pd.Series({"X": "six", "Y": "4"}))


def test_compare_versions_refuses_text_in_a_count_column():
    # "n/a" would become NaN on both sides and count as equal
    b = SMALL.assign(A=SMALL["A"].astype(object))
    b.loc[1, "A"] = "n/a"
    with pytest.raises(
        DataError, match=r"b: column 'A' holds values that are not numbers in rows"
    ):
        compare_versions(SMALL, b, columns=["A"])
    with pytest.raises(DataError, match=r"\['c1-3'\]: \['n/a'\]"):
        compare_versions(SMALL, b, columns=["A"])


def test_reweighted_shares_refuses_missing_counts_and_bad_coverage():
    cov = pd.DataFrame({"state": ["X", "Y"], "coverage": [0.5, 0.25]})
    gap = SMALL.assign(B=[4.0, np.nan, 0.0, 30.0])
    with pytest.raises(
        DataError, match=r"1 row\(s\) miss a count among \['valid', 'B'\]: \['c1-3'\]"
    ):
        reweighted_shares(gap, cov, candidates=["B"])
    with pytest.raises(DataError, match="groups occur more than once: \\['X'\\]"):
        reweighted_shares(SMALL, pd.concat([cov, cov.iloc[[0]]]), candidates=["A"])
    with pytest.raises(DataError, match="'valid' total is not positive"):
        reweighted_shares(SMALL.assign(valid=0, A=0), cov, candidates=["A"])
    # coverage keyed by numbers matches groups read as text
    coded = SMALL.assign(state=SMALL["state"].map({"X": 1, "Y": 2}))
    cov_coded = cov.assign(state=[1, 2])
    out = reweighted_shares(coded, cov_coded, candidates=["A"])
    assert out.loc[0, "share_reweighted"] == pytest.approx(132 / 280)


# ------------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def actas():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")
    from forensics import datasets

    return {
        "v1": datasets.load("venezuela-2024-v1"),
        "v2": datasets.load("venezuela-2024"),
        "qr": datasets.load("venezuela-2024-qr"),
    }


def test_v1_against_v2_matches_source_md(actas):
    # SOURCE.md: 24,530 tables in both with identical votes; 543 only in V2;
    # 2 only in V1 (centre 210510003, tables 1 and 3).
    out = compare_versions(actas["v1"], actas["v2"], columns=["valid", "invalid", "Gonzalez"])
    counts = out["status"].value_counts()
    assert counts["identical"] == 24_530
    assert counts["differ"] == 0
    assert counts["only in b"] == 543
    assert counts["only in a"] == 2
    only_a = out.loc[out["status"] == "only in a", "station"].tolist()
    assert only_a == ["210510003-1", "210510003-3"]


def test_qr_against_v2_matches_source_md(actas):
    # SOURCE.md: 21,937 matched, 21,930 identical, 7 differ; 15 QR actas not in
    # V2; sum of absolute differences Gonzalez 1, Maduro 5.
    out = compare_versions(actas["v2"], actas["qr"])
    counts = out["status"].value_counts()
    assert counts["identical"] == 21_930
    assert counts["differ"] == 7
    assert counts["only in b"] == 15
    assert counts["only in a"] == 25_073 - 21_937
    assert np.nansum(np.abs(out["diff_Gonzalez"])) == 1
    assert np.nansum(np.abs(out["diff_Maduro"])) == 5


def test_floor_on_v2(actas):
    floor = table_number_floor(actas["v2"])
    assert floor["stations"].sum() == 25_073
    assert floor["centres"].sum() == 13_110  # SOURCE.md: 13,110 centres
    assert (floor["gaps"] >= 0).all()
