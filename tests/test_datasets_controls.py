"""The Russian and control-election loaders reproduce their sources' totals.

Reference values are the totals documented for each file (the data mirror's
SOURCE.md and the upstream README of dkobak/elections), which match the
official results where stated.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from forensics import datasets

RUSSIA_YEARS = (2004, 2007, 2008, 2011, 2012, 2016, 2018, 2020, 2021, 2024)
CONTROLS = ("uganda-2011", "poland-2020-r1", "poland-2020-r2", "germany-2024-ep", "albania-2013")

# Station rows and registered voters per file, from the dkobak/elections data README.
RUSSIA_ROWS = {
    2004: (95_779, 108_064_342),
    2007: (96_193, 109_148_196),
    2008: (96_612, 107_222_016),
    2011: (95_225, 109_229_337),
    2012: (95_415, 109_860_331),
    2016: (96_871, 110_061_200),
    2018: (97_699, 109_008_428),
    2020: (96_765, 107_999_611),
    2021: (96_325, 109_204_662),
    2024: (94_214, 99_764_974),
}
RUSSIA_LEADER = {
    2004: "Putin",
    2008: "Medvedev",
    2012: "Putin",
    2018: "Putin",
    2024: "Putin",
    2020: "yes",
}

_cache: dict[str, datasets.Election] = {}


@pytest.fixture(scope="module")
def load():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")

    def _load(name: str):
        if name not in _cache:
            _cache[name] = datasets.load(name)
        return _cache[name]

    yield _load
    _cache.clear()


def test_all_registered():
    names = datasets.available()
    for name in (*(f"russia-{y}" for y in RUSSIA_YEARS), *CONTROLS):
        assert name in names
        assert names[name]


@pytest.mark.parametrize("year", RUSSIA_YEARS)
def test_russia_rows_registered_leader(load, year):
    e = load(f"russia-{year}")
    rows, registered = RUSSIA_ROWS[year]
    assert len(e.stations) + len(e.set_aside) == rows
    assert int(e.stations["registered"].sum()) == registered
    assert e.leader == RUSSIA_LEADER.get(year, "United Russia")
    assert e.leader in e.candidates
    assert e.levels == ("region", "tik", "uik")
    assert e.stations["station"].is_unique
    assert all(c.isascii() for c in e.candidates)
    assert e.derived["ballots"] == "valid + invalid"
    s = e.stations
    np.testing.assert_array_equal(s["ballots"], s["valid"] + s["invalid"])


def test_russia_2012_official(load):
    e = load("russia-2012")
    t = e.totals()
    # SOURCE.md / CEC: Putin 45,602,075 = 63.60 % of 71,701,665 ballots received;
    # turnout 65.34 % = 71,780,800 ballots issued / 109,860,331 registered.
    assert t["Putin"] == 45_602_075
    assert t["ballots"] == 71_701_665
    assert t["invalid"] == 836_691
    assert round(100 * t["Putin"] / t["ballots"], 2) == 63.60
    assert e.stations["ballots_issued"].sum() == 71_780_800
    assert round(100 * e.stations["ballots_issued"].sum() / t["registered"], 2) == 65.34
    assert len(e.set_aside) == 0


def test_russia_2011_united_russia(load):
    t = load("russia-2011").totals()
    # SOURCE.md: United Russia 32,371,737 = 49.31 % of 65,648,690 cast; KPRF 12,599,420.
    assert (t["United Russia"], t["KPRF"], t["ballots"]) == (32_371_737, 12_599_420, 65_648_690)


def test_russia_2024_annexed_set_aside(load):
    e = load("russia-2024")
    # Upstream README: 2,268 stations in four annexed regions have no data.
    assert len(e.set_aside) == 2_268
    assert e.set_aside["reason"].str.contains("no results published").all()


def test_russia_2021_electronic_flagged(load):
    e = load("russia-2021")
    ev = e.stations["electronic"]
    assert ev.dtype == bool
    assert 0 < ev.sum() < 200
    assert (e.stations.loc[ev, "tik"] == "Дистанционное электронное голосование").all()


def test_russia_2020_referendum(load):
    e = load("russia-2020")
    assert e.candidates == ("yes", "no")
    assert e.derived["valid"] == "sum of the candidate columns"


def test_uganda(load):
    e = load("uganda-2011")
    t = e.totals()
    # SOURCE.md (station file, 23,827 reporting stations): Museveni 5,436,639,
    # Besigye 2,071,397, valid 7,928,276, invalid 335,177; 68.57 % of valid.
    assert len(e.stations) == 23_827
    assert (t["Museveni"], t["Besigye"], t["valid"], t["invalid"]) == (
        5_436_639,
        2_071_397,
        7_928_276,
        335_177,
    )
    assert round(100 * t["Museveni"] / t["valid"], 2) == 68.57
    reasons = e.set_aside["reason"]
    # 76 nullified + 65 not received = 141 non-reporting stations.
    assert reasons.str.contains("nullified").sum() == 76
    assert reasons.str.contains("not received").sum() == 65
    stations = e.set_aside[~reasons.str.contains("not a station")]
    assert len(e.stations) + len(stations) == 23_968
    # Registered voters over all 23,968 stations = the EC's declared 13,954,129.
    assert (
        int(e.stations["registered"].sum() + stations["REGISTERED VOTERS"].astype(int).sum())
        == 13_954_129
    )
    # The station sums do not reproduce the EC's declared Bidandi Ssali total (34,688).
    assert t["Bidandi Ssali"] == 9_294


@pytest.mark.parametrize(
    ("round_", "kept", "duda", "trzaskowski", "duda_pct"),
    # SOURCE.md, minus the one round-1 station set aside for ballots > registered.
    [(1, 27_224, None, None, 43.50), (2, 27_227, 10_440_388, 10_018_092, 51.03)],
)
def test_poland(load, round_, kept, duda, trzaskowski, duda_pct):
    e = load(f"poland-2020-r{round_}")
    t = e.totals()
    assert len(e.stations) == kept
    # PKW: 27,229 (round 1) / 27,231 (round 2) stations.
    assert len(e.stations) + len(e.set_aside) == (27_229 if round_ == 1 else 27_231)
    assert (
        e.set_aside["reason"] == "counts published as '-' (military station abroad)"
    ).sum() == 4
    assert round(100 * t["Duda"] / t["valid"], 2) == duda_pct
    if duda is not None:
        assert (t["Duda"], t["Trzaskowski"], t["valid"]) == (duda, trzaskowski, 20_458_480)
    assert e.leader == "Duda"


def test_poland_round1_set_aside_station(load):
    e = load("poland-2020-r1")
    aside = e.set_aside[e.set_aside["reason"] == "ballots > registered"]
    # SOURCE.md: the station with 2,200 ballots for 2,196 registered voters.
    assert aside["Liczba kart wyjętych z urny"].tolist() == ["2200"]
    assert aside["Liczba wyborców uprawnionych do głosowania"].tolist() == ["2196"]
    # With it, the file's round-1 totals: Duda 8,450,341, valid 19,425,034.
    t = e.totals()
    assert t["Duda"] + int(aside["Andrzej Sebastian DUDA"].iloc[0]) == 8_450_341
    valid_col = "Liczba głosów ważnych oddanych łącznie na wszystkich kandydatów"
    assert t["valid"] + int(aside[valid_col].iloc[0]) == 19_425_034


def test_germany(load):
    e = load("germany-2024-ep")
    t = e.totals()
    # SOURCE.md: 91,753 rows (66,586 in-person, 25,162 postal); registered 61,963,020;
    # voters 40,114,939; CDU 9,435,636 + CSU 2,513,481 = 11,949,117 = 30.01 % of valid.
    assert len(e.stations) == 91_753
    assert len(e.set_aside) == 0
    assert int(e.stations["postal"].sum()) == 25_162
    assert int((e.stations["district_type"] == "0").sum()) == 66_586
    assert (t["registered"], t["ballots"], t["valid"]) == (61_963_020, 40_114_939, 39_810_489)
    assert t["CDU/CSU"] == 9_435_636 + 2_513_481
    assert round(100 * t["CDU/CSU"] / t["valid"], 2) == 30.01
    assert t["AfD"] == 6_325_890
    assert t["BSW"] == 2_456_460
    assert e.stations.loc[e.stations["postal"], "registered"].isna().all()
    assert len(e.candidates) == 34
    assert all(c.isascii() for c in e.candidates)
    assert e.stations["station"].is_unique


def test_albania(load):
    e = load("albania-2013")
    assert len(e.stations) + len(e.set_aside) == 5_508
    assert len(e.set_aside) == 2  # two rows with 'NA' counts
    assert e.derived["valid"] == "sum of the candidate columns"
    assert e.derived["invalid"] == "ballots - valid"
    assert e.leader == "C035"
    assert e.shares().idxmax() == "C035"


@pytest.mark.parametrize("name", [*(f"russia-{y}" for y in RUSSIA_YEARS), *CONTROLS])
def test_leader_is_candidate_and_notes(load, name):
    e = load(name)
    assert e.leader in e.candidates
    assert e.notes
    assert e.source
    assert e.stations["station"].is_unique


# ---------------------------------------------------------------- shared loader helpers
def test_number_repeats_suffixes_the_later_rows():
    import pandas as pd

    from forensics.datasets._loaders import number_repeats

    ids, n = number_repeats(pd.Series(["a", "b", "a", "c", "a", "b"]))
    assert ids.tolist() == ["a", "b", "a-2", "c", "a-3", "b-2"]
    assert n == 3


def test_read_zip_member_names_the_members(tmp_path):
    import zipfile

    from forensics.datasets._loaders import read_zip_member
    from forensics.election import DataError

    one = tmp_path / "one.zip"
    with zipfile.ZipFile(one, "w") as zf:
        zf.writestr("x.csv", "a,b\n1,2\n")
    assert read_zip_member(one) == b"a,b\n1,2\n"
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("x.csv", "1")
        zf.writestr("y.csv", "2")
    assert read_zip_member(two, "y.csv") == b"2"
    with pytest.raises(
        DataError, match=r"two.zip: expected one member in the zip, found \['x.csv', 'y.csv'\]"
    ):
        read_zip_member(two)


def test_relabel_replaces_only_the_masked_reasons():
    import pandas as pd

    import forensics
    from forensics.datasets._loaders import relabel

    df = pd.DataFrame({"s": ["1", "2", "3"], "A": ["5", "x", "y"], "B": ["5", "1", "2"]})
    e = forensics.Election.from_frame(
        df, candidates=["A", "B"], station="s", on_invalid="set_aside"
    )
    assert len(e) == 1
    assert len(e.set_aside) == 2
    out = relabel(e, np.array([False, True]), "published as 'y'")
    assert out.set_aside["reason"].iloc[1] == "published as 'y'"
    assert out.set_aside["reason"].iloc[0] == e.set_aside["reason"].iloc[0]
    assert "non-numeric" in out.set_aside["reason"].iloc[0]


def test_loader_docstrings_carry_the_shared_sections():
    import inspect

    from forensics.datasets._loaders import bound_loader, loader_doc

    for name in ("uganda-2011", "poland-2020-r1", "russia-2011", "venezuela-2024"):
        doc = inspect.getdoc(datasets.get(name).loader)
        assert "{loader_sections}" not in doc
        assert 'on_invalid : {"set_aside", "raise"}' in doc
        assert "Returns\n-------\nElection\n" in doc
    assert datasets.get("russia-2011").loader.__name__ == "load_russia_2011"
    calls = []
    f = bound_loader(
        lambda key, paths, on_invalid: calls.append((key, paths, on_invalid)), 7, "f", "F."
    )
    f({"p": "q"}, on_invalid="raise")
    assert calls == [(7, {"p": "q"}, "raise")]
    assert inspect.getdoc(f).startswith("F.\n\nParameters\n----------\npaths : dict")

    def undocumented(paths):
        """No placeholder."""

    with pytest.raises(ValueError, match="undocumented: the docstring has no"):
        loader_doc(undocumented)
