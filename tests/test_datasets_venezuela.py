"""The Venezuelan loaders reproduce the totals documented in the mirror's SOURCE.md.

Reference numbers are from ``venezuela_2024/SOURCE.md`` and
``venezuela_2013/SOURCE.md`` of the data mirror (computed there from the raw
files with pandas, and matched against the opposition's and the CNE's
published figures where those exist).
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import forensics
from forensics import datasets
from forensics.election import DataError

VENEZUELA = ("venezuela-2024", "venezuela-2024-v1", "venezuela-2024-qr", "venezuela-2013")
CANDIDATES_2024 = (
    "Gonzalez",
    "Maduro",
    "Martinez",
    "Bertucci",
    "Brito",
    "Ecarri",
    "Fermin",
    "Ceballos",
    "Marquez",
    "Rausseo",
)


@pytest.fixture(scope="module")
def v2(mirror):
    return datasets.load("venezuela-2024")


@pytest.fixture(scope="module")
def v1(mirror):
    return datasets.load("venezuela-2024-v1")


@pytest.fixture(scope="module")
def qr(mirror):
    return datasets.load("venezuela-2024-qr")


@pytest.fixture(scope="module")
def e2013(mirror):
    return datasets.load("venezuela-2013")


def test_registered_with_descriptions():
    names = datasets.available()
    for name in VENEZUELA:
        assert name in names
        assert names[name]  # a one-line description
        assert "\n" not in names[name]
        for f in datasets.get(name).files:
            assert len(f.sha256) == 64
            assert f.url.startswith("https://raw.githubusercontent.com/")
            # commit-pinned: a 40-hex commit right after owner/repo
            commit = f.url.split("/")[5]
            assert len(commit) == 40
            assert int(commit, 16) >= 0


# ---------------------------------------------------------------- V2 (main)
def test_v2_totals(v2):
    # SOURCE.md §2: González 7,303,480; Maduro 3,316,142; valid 10,887,262;
    # null 1,213; others LM 86,225, AE 51,011, BERA 38,620, EM 26,067,
    # JOBR 22,097, JABE 20,404, CF 12,632, DC 10,584.
    tot = v2.totals()
    assert len(v2) == 25_073
    assert tot["Gonzalez"] == 7_303_480
    assert tot["Maduro"] == 3_316_142
    assert tot["valid"] == 10_887_262
    assert tot["invalid"] == 1_213
    assert tot["ballots"] == 10_887_262 + 1_213
    others = {"Martinez": 86_225, "Ecarri": 51_011, "Rausseo": 38_620, "Marquez": 26_067}
    others |= {"Brito": 22_097, "Bertucci": 20_404, "Fermin": 12_632, "Ceballos": 10_584}
    for name, votes in others.items():
        assert tot[name] == votes
    # 7,303,480 / 10,887,262 = 67.08 %
    assert v2.shares()["Gonzalez"] == pytest.approx(0.6708, abs=5e-5)


def test_v2_metadata(v2):
    assert v2.candidates == CANDIDATES_2024
    assert v2.leader == "Maduro"
    assert v2.levels == ("state", "municipality", "parish", "centre", "table")
    assert v2.date == "2024-07-28"
    assert v2.derived["ballots"] == "valid + invalid"
    assert "URL" in v2.stations.columns
    assert any("no ballots-cast column" in note for note in v2.notes)
    st = v2.stations
    # 24 states, 328 municipalities, 1,090 parishes, 13,110 centres (SOURCE.md §2)
    assert st["state"].nunique() == 24
    assert st["municipality"].nunique() == 328
    assert st["parish"].nunique() == 1_090
    assert st["centre"].nunique() == 13_110
    assert st["centre"].str.fullmatch(r"\d{9}").all()
    assert set(st["state"]) >= {"Zulia", "Distrito Capital", "La Guaira", "Nueva Esparta"}
    assert (st["station"] == st["centre"] + "-" + st["table"].astype(str)).all()
    assert st["station"].is_unique
    # the first data row of the file (line 2): centre 10101001, mesa 1, 449 valid
    first = st.iloc[0]
    assert (first["station"], first["line"], first["valid"]) == ("010101001-1", 2, 449)


def test_v2_registered_joined_from_v1(v2, v1):
    st = v2.stations
    # SOURCE.md §2: 543 mesas only in V2 (151 Distrito Capital, 131 Zulia, 129 Lara)
    missing = st["registered"].isna()
    assert missing.sum() == 543
    by_state = st.loc[missing, "state"].value_counts()
    assert by_state["Distrito Capital"] == 151
    assert by_state["Zulia"] == 131
    assert by_state["Lara"] == 129
    # the joined RE is V1's, row by row, on the 24,530 shared tables
    joined = st.loc[~missing, ["station", "registered"]].merge(
        v1.stations[["station", "registered"]], on="station", suffixes=("", "_v1")
    )
    assert len(joined) == 24_530
    assert (joined["registered"] == joined["registered_v1"]).all()
    # V1 sum of RE is 17,745,239; the 2 V1-only tables (centre 210510003) are not in V2
    v1_only = v1.stations.loc[~v1.stations["station"].isin(st["station"])]
    assert sorted(v1_only["station"]) == ["210510003-1", "210510003-3"]
    assert st["registered"].sum() == 17_745_239 - v1_only["registered"].sum()


def test_v1_v2_same_votes_on_shared_tables(v2, v1):
    cols = ["station", "valid", "invalid", *CANDIDATES_2024]
    m = v2.stations[cols].merge(v1.stations[cols], on="station", suffixes=("_2", "_1"))
    assert len(m) == 24_530
    for c in cols[1:]:
        assert (m[f"{c}_2"] == m[f"{c}_1"]).all(), c


# ---------------------------------------------------------------- V1
def test_v1_totals_and_turnout(v1):
    # SOURCE.md §1: valid 10,659,128; null 1,139; RE sum 17,745,239;
    # turnout (valid + null) / RE = 10,660,267 / 17,745,239 = 60.07 %.
    tot = v1.totals()
    assert len(v1) == 24_532
    assert v1.stations["registered"].dtype == np.int64
    assert tot["registered"] == 17_745_239
    assert tot["ballots"] == 10_660_267
    assert tot["Gonzalez"] == 7_156_462
    assert tot["Maduro"] == 3_241_461
    assert round(100 * tot["ballots"] / tot["registered"], 2) == 60.07
    # mesa turnout: median 61.6 %, min 18.2 %, max 99.1 %
    t = v1.turnout
    assert round(100 * t.median(), 1) == 61.6
    assert round(100 * t.min(), 1) == 18.2
    assert round(100 * t.max(), 1) == 99.1


# ---------------------------------------------------------------- QR
def test_qr_totals(qr):
    # SOURCE.md §3: 21,952 actas; González 6,392,350, Maduro 2,891,553, all 9,515,322
    tot = qr.totals()
    assert len(qr) == 21_952
    assert qr.candidates == CANDIDATES_2024
    assert tot["Gonzalez"] == 6_392_350
    assert tot["Maduro"] == 2_891_553
    assert tot["valid"] == 9_515_322
    assert qr.derived["valid"] == "sum of the candidate columns"
    assert qr.stations["ballots"].isna().all()
    assert qr.stations["registered"].isna().all()


def test_qr_agrees_with_v2_but_seven(qr, v2):
    # SOURCE.md §3: 21,937 matched; 21,930 identical, 7 differ by 1-3 votes;
    # 15 QR actas not in V2; sum |diff| González 1, Maduro 5.
    cols = ["station", *CANDIDATES_2024]
    m = qr.stations[cols].merge(v2.stations[cols], on="station", suffixes=("_qr", "_v2"))
    assert len(m) == 21_937
    assert len(qr) - len(m) == 15
    diff = np.column_stack([m[f"{c}_qr"] - m[f"{c}_v2"] for c in CANDIDATES_2024])
    differ = np.abs(diff).sum(axis=1) > 0
    assert differ.sum() == 7
    assert np.abs(diff[differ]).max() == 3
    assert np.abs(diff[:, 0]).sum() == 1  # González
    assert np.abs(diff[:, 1]).sum() == 5  # Maduro
    # the example in SOURCE.md: 110202070/1 Maduro 201 (QR) vs 204 (V2)
    row = m.loc[m["station"] == "110202070-1"].iloc[0]
    assert (row["Maduro_qr"], row["Maduro_v2"]) == (201, 204)


# ---------------------------------------------------------------- 2013
def test_2013_totals(e2013):
    # venezuela_2013/SOURCE.md: Maduro 7,587,161 (50.62 % of valid), Capriles
    # 7,362,419 (49.12 %), Sequera 4,241, Bolívar 13,309, Mora 1,936, Méndez
    # 19,497; valid 14,988,563; null 66,935; counted 15,055,498; registered
    # 18,895,341; turnout 15,055,498 / 18,895,341 = 79.68 %. The 28 rows
    # without vote data are set aside and hold no votes.
    tot = e2013.totals()
    assert e2013.candidates == ("Maduro", "Capriles", "Sequera", "Bolivar", "Mora", "Mendez")
    assert e2013.leader == "Maduro"
    expected = {"Maduro": 7_587_161, "Capriles": 7_362_419, "Sequera": 4_241}
    expected |= {"Bolivar": 13_309, "Mora": 1_936, "Mendez": 19_497}
    expected |= {"valid": 14_988_563, "invalid": 66_935, "ballots": 15_055_498}
    expected |= {"registered": 18_895_341}
    for col, value in expected.items():
        assert tot[col] == value, col
    assert round(100 * e2013.shares()["Maduro"], 2) == 50.62
    assert round(100 * e2013.shares()["Capriles"], 2) == 49.12
    assert round(100 * tot["ballots"] / tot["registered"], 2) == 79.68


def test_2013_rows_without_votes_set_aside(e2013):
    aside = e2013.set_aside
    assert len(aside) == 28
    assert aside["reason"].str.contains("missing count").all()
    # 12 abroad (state 99), 4 Zonas Inhóspitas (98), 12 scattered
    assert (aside["cod_edo"] == "99").sum() == 12
    assert (aside["cod_edo"] == "98").sum() == 4
    # the header spans 17 physical lines (names with newlines): data start at line 18
    assert e2013.stations["line"].iloc[0] == 18
    assert 6_150 in set(aside["line"])  # centre 30502003 mesa 2 (Apure), line 6,150


def test_2013_levels_and_2012_columns(e2013):
    st = e2013.stations
    # 26 "states": 24 + Embajadas (304 mesas) + Zonas Inhóspitas (54); 12 and 4 set aside
    assert st["state"].nunique() == 26
    assert st["state"].notna().all()
    assert (st["state"] == "Embajadas").sum() + 12 == 304
    assert (st["state"] == "Zonas Inhóspitas").sum() + 4 == 54
    assert st["station"].is_unique  # no duplicate (codigo nuevo, mesa)
    assert st["centre"].str.fullmatch(r"\d{9}").all()
    # SOURCE.md: 2012 columns Chávez 8,136,964, Capriles 6,499,575 over all rows,
    # missing for 54 rows. Kept + set-aside rows together reproduce them.
    for col, src, total in (
        ("chavez_2012", "Chavez 7O", 8_136_964),
        ("capriles_2012", "Capriles 7O", 6_499_575),
    ):
        assert st[col].dtype == np.float64
        aside = pd.to_numeric(e2013.set_aside[src].str.strip(), errors="coerce")
        assert st[col].sum() + aside.sum() == total
        assert st[col].isna().sum() + aside.isna().sum() == 54


# ---------------------------------------------------------------- invariants
@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("venezuela-2024", 25_073),
        ("venezuela-2024-v1", 24_532),
        ("venezuela-2024-qr", 21_952),
        ("venezuela-2013", 39_376),
    ],
)
def test_no_row_lost(mirror, name, rows):
    # input rows from SOURCE.md; kept + set aside must equal them
    e = datasets.load(name)
    assert len(e.stations) + len(e.set_aside) == rows
    assert e.stations["station"].is_unique
    assert set(e.stations["line"]).isdisjoint(set(e.set_aside["line"]))


def test_raise_mode_names_the_rows(mirror):
    with pytest.raises(DataError, match=r"28 row\(s\) fail validation") as info:
        datasets.load("venezuela-2013", on_invalid="raise")
    assert "030502003-2 (line 6150)" in str(info.value)


# ---------------------------------------------------------------- registry errors
def test_checksum_mismatch(mirror, tmp_path, monkeypatch):
    remote = datasets.get("venezuela-2024-qr").files[0]
    src = datasets.fetch(remote)
    dst = tmp_path / remote.path
    dst.parent.mkdir(parents=True)
    shutil.copyfile(src, dst)
    data = bytearray(dst.read_bytes())
    data[100] ^= 0x01  # flip one bit of one byte
    dst.write_bytes(bytes(data))
    monkeypatch.setenv("FORENSICS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FORENSICS_OFFLINE", "1")
    monkeypatch.setenv("FORENSICS_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(datasets.ChecksumError) as info:
        datasets.load("venezuela-2024-qr")
    msg = str(info.value)
    assert "vzlapi_qr_decoded_actas.csv" in msg
    assert remote.sha256 in msg
    assert datasets.sha256sum(dst) in msg
    assert datasets.sha256sum(dst) != remote.sha256


def test_offline_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FORENSICS_DATA_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("FORENSICS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FORENSICS_OFFLINE", "1")
    with pytest.raises(FileNotFoundError, match="not available offline") as info:
        datasets.load("venezuela-2024-v1")
    assert "resultadosconvzla_RESULTADOS_2024_CSV_V1.csv" in str(info.value)
    assert "raw.githubusercontent.com" in str(info.value)


# ---------------------------------------------------------------- loaders on tiny files
V1_HEADER = (
    "COD_EDO,EDO,COD_MUN,MUN,COD_PAR,PAR,CENTRO,MESA,RE,VOTOS_VALIDOS,VOTOS_NULOS,"
    "EG,NM,LM,JABE,JOBR,AE,CF,DC,EM,BERA,URL"
)


def _acta_row(centre, mesa, votes, re=None, parish="PQ. ESPAÑA"):
    valid = sum(votes)
    re_field = [] if re is None else [str(re)]
    fields = ["21", "EDO. ZULIA", "5", "MP. X", "9", parish, str(centre), str(mesa)]
    fields += [*re_field, str(valid), "0", *map(str, votes), "https://x/a.jpg"]
    return ",".join(fields)


def test_v2_loader_on_tiny_files(tmp_path):
    # V1 UTF-8 with BOM, V2 cp1252 (Ñ = 0xD1), as published.
    votes = [5, 3, 0, 0, 0, 0, 0, 0, 0, 1]
    v1 = tmp_path / "v1.csv"
    v1.write_bytes(
        (V1_HEADER + "\r\n" + _acta_row(210510001, 1, votes, re=20) + "\r\n").encode("utf-8-sig")
    )
    v2_header = V1_HEADER.replace(",RE,", ",")
    bad = _acta_row(210510001, 2, votes).replace(",5,3,", ",5,x,")  # non-numeric Maduro
    lines = [v2_header, _acta_row(210510001, 1, votes), bad, _acta_row(210510002, 1, votes)]
    v2 = tmp_path / "v2.csv"
    v2.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    entry = datasets.get("venezuela-2024")
    paths = {entry.files[0].path: v2, entry.files[1].path: v1}
    e = entry.loader(paths)
    # 3 input rows: 2 kept, 1 set aside (line 3, the non-numeric Maduro count)
    assert len(e) == 2
    assert len(e.set_aside) == 1
    assert e.set_aside["line"].tolist() == [3]
    assert "non-numeric value in column 'NM'" in e.set_aside["reason"].iloc[0]
    assert e.stations["station"].tolist() == ["210510001-1", "210510002-1"]
    # registered joined for the first table only; the second is absent from V1
    assert e.stations["registered"].tolist()[0] == 20
    assert np.isnan(e.stations["registered"].tolist()[1])
    assert e.stations["parish_name"].iloc[0] == "PQ. ESPAÑA"
    assert e.stations["state"].iloc[0] == "Zulia"
    assert e.stations["ballots"].tolist() == [9, 9]
    with pytest.raises(DataError, match=r"station 210510001-2 \(line 3\)"):
        entry.loader(paths, on_invalid="raise")


# ---------------------------------------------------------------- read_csv encodings
@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_read_csv_detects_encoding(tmp_path, encoding):
    text = "estado,centro,validos,nulos,A,B\r\nESPAÑA,1,10,1,6,4\r\nCATALUÑA,2,5,0,5,0\r\n"
    path = tmp_path / f"tiny-{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    if encoding == "cp1252":
        assert b"\xd1" in path.read_bytes()  # Ñ as one cp1252 byte, invalid UTF-8
    else:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    e = forensics.read_csv(
        path, candidates=["A", "B"], valid="validos", invalid="nulos", levels=["estado", "centro"]
    )
    # the BOM is not part of the first column name, and Ñ decodes in both encodings
    assert e.stations["estado"].tolist() == ["ESPAÑA", "CATALUÑA"]
    assert e.stations["ballots"].tolist() == [11, 5]
    assert e.stations["line"].tolist() == [2, 3]


# ---------------------------------------------------------------- state boundaries
def _write_shapefile(folder, units, *, shape_type=None):
    """A tiny adm1-like shapefile: ``units`` are (name, ref, pcode, rings)."""
    import shapefile

    stem = folder / "tiny"
    with shapefile.Writer(str(stem), shapeType=shape_type or shapefile.POLYGON) as w:
        for field in ("ADM1_ES", "ADM1_PCODE", "ADM1_REF"):
            w.field(field, "C", size=40)
        for name, ref, pcode, rings in units:
            if shape_type == shapefile.POINT:
                w.point(*rings[0][0])
            else:
                w.poly(rings)
            w.record(name, pcode, ref)
    (folder / "tiny.cpg").write_text("UTF-8", encoding="ascii")
    return {f"tiny.{ext}": folder / f"tiny.{ext}" for ext in ("cpg", "dbf", "prj", "shp", "shx")}


# Two squares sharing an edge, clockwise as shapefiles store outer rings.
WEST = [[[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.5], [1.0, 0.0], [0.0, 0.0]]]
EAST = [[[1.0, 0.0], [1.0, 0.5], [1.0, 1.0], [2.5, 1.0], [2.5, 0.0], [1.0, 0.0]]]


def test_boundaries_loader_on_a_tiny_shapefile(tmp_path):
    from forensics.cases.venezuela_2024 import _boundaries

    paths = _write_shapefile(
        tmp_path, [("Zulia", "EDO. ZULIA", "VE23", WEST), ("Falcón", "", "VE11", EAST)]
    )
    states = _boundaries.load_states(paths, tolerance=0.01)
    assert states.names == ("Zulia", "Falcón")
    assert states.keys == ("ZULIA", "FALCON")
    assert states.pcodes == ("VE23", "VE11")
    assert states.naming is _boundaries.STATE_NAMES
    assert states.source == _boundaries._CITE
    assert states.tolerance == 0.01
    np.testing.assert_array_equal(states.rings[1][0], EAST[0])
    # the collinear midpoint (1, 0.5) is dropped for drawing, the corners stay
    np.testing.assert_array_equal(states.simplified[0][0], np.array(WEST[0])[[0, 1, 2, 4, 5]])
    np.testing.assert_array_equal(states.bboxes, [[0, 0, 1, 1], [1, 0, 2.5, 1]])
    assert states.index("EDO. FALCON") == 1
    # the same object as the general constructor builds from the rings
    made = forensics.maps.StateBoundaries.from_rings(
        states.names,
        states.rings,
        tolerance=0.01,
        pcodes=states.pcodes,
        naming=_boundaries.STATE_NAMES,
        source=_boundaries._CITE,
    )
    assert made.keys == states.keys
    np.testing.assert_array_equal(made.bboxes, states.bboxes)
    # both squares lose their midpoint on the shared edge
    assert [len(r) for u in made.simplified for r in u] == [5, 5]
    assert all(
        np.array_equal(a, b) for a, b in zip(made.simplified, states.simplified, strict=True)
    )


def test_boundaries_loader_names_a_missing_part(tmp_path):
    from forensics.cases.venezuela_2024 import _boundaries

    paths = _write_shapefile(tmp_path, [("Zulia", "", "VE23", WEST)])
    del paths["tiny.shp"]
    with pytest.raises(DataError, match=r"no \.shp file") as info:
        _boundaries.load_states(paths)
    message = str(info.value)
    assert "ven_admbnda_adm1_ine_20210223.shp" in message
    assert "['.cpg', '.dbf', '.prj', '.shp', '.shx']" in message
    assert "tiny.dbf" in message  # the files it was given


def test_boundaries_loader_rejects_bad_records(tmp_path):
    import shapefile

    from forensics.cases.venezuela_2024 import _boundaries

    same = _write_shapefile(
        tmp_path, [("Zulia", "", "VE23", WEST), ("EDO. ZULIA", "", "VE24", EAST)]
    )
    with pytest.raises(DataError, match="not distinct after normalisation"):
        _boundaries.load_states(same)
    (tmp_path / "ref").mkdir()
    ref = _write_shapefile(tmp_path / "ref", [("Zulia", "Lara", "VE23", WEST)])
    with pytest.raises(DataError, match="ADM1_REF 'Lara' and ADM1_ES 'Zulia' do not agree"):
        _boundaries.load_states(ref)
    (tmp_path / "pt").mkdir()
    point = _write_shapefile(
        tmp_path / "pt", [("Zulia", "", "VE23", WEST)], shape_type=shapefile.POINT
    )
    with pytest.raises(DataError, match="state 'Zulia': expected a polygon, got POINT"):
        _boundaries.load_states(point)
