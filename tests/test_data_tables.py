"""Schema of the compiled Venezuelan tables in ``data/`` (see ``data/README.md``).

Each table is read as text so that the check sees the file as written: the
columns, the type and range of every filled cell, a source URL on every row,
and the arithmetic that the announced figures must satisfy.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"

# sha256 of the project's copies: the data mirror's compiled tables (MANIFEST.csv, kind
# "compiled") with one column added, ``source_kind`` (see data/README.md).
SHA256 = {
    "polls_2024.csv": "dbe711ab6cd50f87db05218bfb7f008f833d59fc02b7bcfd1b487d1613f791b2",
    "exit_polls_2024.csv": "aa506b6ad2351cbf462cc9891fbec12a529a8057cbc572ff8868a6e4dc586d04",
    "official_bulletins.csv": "f334f1d3c8fd168e46fe847cf75080c321de02e41009408779912a4d06146e2b",
}

COLUMNS = {
    "polls_2024.csv": [
        "pollster",
        "fieldwork_start",
        "fieldwork_end",
        "sample_size",
        "mode",
        "maduro_pct",
        "gonzalez_pct",
        "other_pct",
        "undecided_pct",
        "source",
        "notes",
        "source_kind",
    ],
    "exit_polls_2024.csv": [
        "pollster",
        "type",
        "date",
        "sample_size",
        "polling_stations",
        "maduro_pct",
        "gonzalez_pct",
        "other_pct",
        "source",
        "notes",
        "source_kind",
    ],
    "official_bulletins.csv": [
        "item",
        "date",
        "actas_counted_pct",
        "maduro_votes",
        "maduro_pct",
        "gonzalez_votes",
        "gonzalez_pct",
        "others_votes",
        "others_pct",
        "valid_votes",
        "null_votes",
        "total_votes",
        "turnout_pct",
        "registered_electors",
        "mesas",
        "centres",
        "source",
        "notes",
        "source_kind",
    ],
}
ROWS = {"polls_2024.csv": 33, "exit_polls_2024.csv": 7, "official_bulletins.csv": 7}

URL = re.compile(r"https?://\S+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False, encoding="utf-8")


def filled(series: pd.Series) -> pd.Series:
    return series[series.str.strip() != ""]


def assert_pct(series: pd.Series, *, required: bool = False) -> None:
    values = filled(series)
    if required:
        assert len(values) == len(series), f"{series.name}: blank cells"
    num = pd.to_numeric(values, errors="raise")
    assert ((num >= 0) & (num <= 100)).all(), f"{series.name} outside [0, 100]"


def assert_count(series: pd.Series) -> None:
    values = filled(series)
    assert values.str.fullmatch(r"\d+").all(), f"{series.name}: not a non-negative integer"


def assert_dates(series: pd.Series, *, lo: str, hi: str) -> None:
    values = filled(series)
    assert values.str.fullmatch(ISO_DATE.pattern).all(), f"{series.name}: not ISO dates"
    dates = pd.to_datetime(values, format="%Y-%m-%d")
    assert (dates >= pd.Timestamp(lo)).all()
    assert (dates <= pd.Timestamp(hi)).all()


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_byte_for_byte_copy(name):
    assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == SHA256[name]


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_columns_rows_and_sources(name):
    df = read(name)
    assert list(df.columns) == COLUMNS[name]
    assert len(df) == ROWS[name]
    first = df.columns[0]
    assert (df[first].str.strip() != "").all(), f"{name}: row without a name"
    # a public source URL on every row (some rows add "computed from <file> ; URL")
    assert df["source"].map(lambda s: bool(URL.search(s))).all(), f"{name}: row without a URL"
    assert "notes" in df.columns


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_every_row_says_whether_its_source_is_primary(name):
    df = read(name)
    assert set(df["source_kind"]) <= {"primary", "secondary"}
    # a row is primary only when its figures were computed from the published files
    # themselves; news reports, mirrors and aggregators are secondary
    computed = df["source"].str.startswith("computed from ")
    assert (df.loc[computed, "source_kind"] == "primary").all()
    assert (df.loc[~computed, "source_kind"] == "secondary").all()


def test_polls_schema():
    df = read("polls_2024.csv")
    assert_dates(df["fieldwork_start"], lo="2024-04-01", hi="2024-07-27")
    assert_dates(df["fieldwork_end"], lo="2024-04-01", hi="2024-07-27")
    both = (df["fieldwork_start"] != "") & (df["fieldwork_end"] != "")
    assert (df.loc[both, "fieldwork_start"] <= df.loc[both, "fieldwork_end"]).all()
    assert_count(df["sample_size"])
    assert (pd.to_numeric(filled(df["sample_size"])) >= 500).all()
    assert set(df["mode"]) <= {"", "phone", "face-to-face", "online"}
    assert_pct(df["maduro_pct"], required=True)
    assert_pct(df["gonzalez_pct"], required=True)
    assert_pct(df["other_pct"])
    assert_pct(df["undecided_pct"])
    # the parts never exceed the whole (largest: CMIDE 50.1, 54.20 + 19.60 + 14.05 + 12.35
    # = 100.20, rounding in the source)
    parts = ["maduro_pct", "gonzalez_pct", "other_pct", "undecided_pct"]
    total = df[parts].apply(pd.to_numeric, errors="coerce").sum(axis=1)
    assert total.max() == pytest.approx(100.20)
    # the undated rows of the El Nacional summary keep their flag
    undated = df["fieldwork_start"] == ""
    assert df.loc[undated, "notes"].str.len().gt(0).all()


def test_exit_polls_schema():
    df = read("exit_polls_2024.csv")
    assert set(df["type"]) == {"exit_poll", "exit_poll_or_projection", "quick_count_from_actas"}
    assert set(df["date"]) == {"2024-07-28"}
    assert_count(df["polling_stations"])
    assert_pct(df["gonzalez_pct"], required=True)
    # qualified values are kept as published: "<14" (Meganálisis), "8 (Ecarri)"
    maduro = df["maduro_pct"].str.lstrip("<")
    assert_pct(maduro.rename("maduro_pct"), required=True)
    assert (df["maduro_pct"].str.startswith("<")).sum() == 1
    other = df["other_pct"].str.extract(r"^([\d.]*)", expand=False)
    assert_pct(other.rename("other_pct"))
    # sample_size is free text where the source describes the sample
    sizes = filled(df["sample_size"])
    assert sizes.str.contains(r"\d").all()
    assert (df.loc[df["pollster"] == "Edison Research", "sample_size"] == "6846").all()


def test_official_bulletins_schema_and_arithmetic():
    df = read("official_bulletins.csv").set_index("item")
    assert_dates(df["date"], lo="2024-06-01", hi="2024-08-31")
    for col in df.columns:
        if col.endswith("_pct"):
            assert_pct(df[col])
        elif col.endswith(("_votes", "_electors")) or col in ("mesas", "centres"):
            assert_count(df[col])
    num = df.drop(columns=["date", "source", "notes", "source_kind"]).apply(
        pd.to_numeric, errors="coerce"
    )
    # candidate votes sum to valid votes wherever all four are given
    have = num[["maduro_votes", "gonzalez_votes", "others_votes", "valid_votes"]].dropna()
    assert len(have) == 4  # two CNE bulletins, the V1 and V2 files
    parts = have["maduro_votes"] + have["gonzalez_votes"] + have["others_votes"]
    assert (parts == have["valid_votes"]).all()
    # valid + null == total wherever all three are given
    have = num[["valid_votes", "null_votes", "total_votes"]].dropna()
    assert len(have) == 3
    assert (have["valid_votes"] + have["null_votes"] == have["total_votes"]).all()
    # the first CNE bulletin: each count = total x one-decimal percentage, rounded
    # (10,058,774 x 0.512 = 5,150,092.29; x 0.442 = 4,445,978.11; x 0.046 = 462,703.60)
    b1 = num.loc["CNE first bulletin"]
    for who in ("maduro", "gonzalez", "others"):
        assert round(b1["valid_votes"] * b1[f"{who}_pct"] / 100) == b1[f"{who}_votes"]
    # the definitive registry: 21,392,464 electors (Gaceta Electoral)
    registry = "CNE definitive electoral registry (Gaceta Electoral)"
    assert num.loc[registry, "registered_electors"] == 21_392_464


def test_bulletin_rows_match_the_acta_files():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")
    from forensics import datasets

    df = read("official_bulletins.csv")
    for name, prefix in (
        ("venezuela-2024-v1", "Opposition website dataset V1"),
        ("venezuela-2024", "Opposition website dataset V2"),
    ):
        row = df.loc[df["item"].str.startswith(prefix)].iloc[0]
        e = datasets.load(name)
        tot = e.totals()
        assert int(row["maduro_votes"]) == tot["Maduro"]
        assert int(row["gonzalez_votes"]) == tot["Gonzalez"]
        assert int(row["valid_votes"]) == tot["valid"]
        assert int(row["null_votes"]) == tot["invalid"]
        assert int(row["total_votes"]) == tot["ballots"]
        assert int(row["mesas"]) == len(e)
        assert int(row["centres"]) == e.stations["centre"].nunique()
