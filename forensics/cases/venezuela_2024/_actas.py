"""Venezuelan presidential elections: the 2024 tally sheets (actas) and 2013.

Registered on import:

* ``venezuela-2024``: the opposition's 25,073-acta file (CSV V2), with
  registered voters joined from the V1 file by centre and table;
* ``venezuela-2024-v1``: the 24,532-acta file (CSV V1), with registered
  voters;
* ``venezuela-2024-qr``: an independent decoding of the actas' QR codes, for
  cross-checks;
* ``venezuela-2013``: the official 2013 mesa-level results, with the 2012
  Chávez and Capriles votes at the same mesa.

Every file is read as published (see the data mirror's ``SOURCE.md``):
V1 is UTF-8 with a byte-order mark, V2 is Windows-1252, the 2013 file is a
CSV whose header names contain newlines. Hierarchy levels are built the same
way in every dataset, from the CNE 9-digit centre code ``EEMMPPCCC``:
``state`` (name from the CNE state number), ``municipality`` (code
``EEMM``), ``parish`` (code ``EEMMPP``), ``centre`` (the 9-digit code as a
zero-padded string) and ``table`` (the mesa number). Station ids are
``"<centre>-<table>"``, so the datasets join on ``station``. Municipality and
parish are codes because their names repeat across states (there are 265
municipality names for 326 municipalities in V1); the names are kept in
``municipality_name`` and ``parish_name``.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from forensics.datasets._loaders import loader_doc
from forensics.datasets._registry import Dataset, RemoteFile, register
from forensics.election import DataError, Election, read_text_table

__all__: list[str] = []

#: CNE state numbering (the first two digits of a centre code).
STATES = {
    1: "Distrito Capital",
    2: "Anzoátegui",
    3: "Apure",
    4: "Aragua",
    5: "Barinas",
    6: "Bolívar",
    7: "Carabobo",
    8: "Cojedes",
    9: "Falcón",
    10: "Guárico",
    11: "Lara",
    12: "Mérida",
    13: "Miranda",
    14: "Monagas",
    15: "Nueva Esparta",
    16: "Portuguesa",
    17: "Sucre",
    18: "Táchira",
    19: "Trujillo",
    20: "Yaracuy",
    21: "Zulia",
    22: "Amazonas",
    23: "Delta Amacuro",
    24: "La Guaira",
    98: "Zonas Inhóspitas",
    99: "Embajadas",
}

#: 2024 candidates: acta column -> canonical ASCII name, in the column order
#: of the opposition's files (the order of the brief; the QR file lists the
#: same ten candidates in another order).
CANDIDATES_2024 = {
    "EG": "Gonzalez",
    "NM": "Maduro",
    "LM": "Martinez",
    "JABE": "Bertucci",
    "JOBR": "Brito",
    "AE": "Ecarri",
    "CF": "Fermin",
    "DC": "Ceballos",
    "EM": "Marquez",
    "BERA": "Rausseo",
}

CANDIDATES_2013 = {
    "maduro": "Maduro",
    "capriles": "Capriles",
    "sequera": "Sequera",
    "bolivar": "Bolivar",
    "mora": "Mora",
    "mendez": "Mendez",
}

_LEVELS = ("state", "municipality", "parish", "centre", "table")

_GH = "https://raw.githubusercontent.com"

V1 = RemoteFile(
    "venezuela_2024/resultadosconvzla_RESULTADOS_2024_CSV_V1.csv",
    f"{_GH}/ipince/vzlapi/0b909f4d538ffbbccc184851569dd88eb05094d1/data/cvzla/RESULTADOS_2024_CSV_V1.csv",
    "fd2712796bf8ec77dfe02e07cd864882c93f4079238c2d21b822b7b9a999f8ea",
)
V2 = RemoteFile(
    "venezuela_2024/resultadosconvzla_RESULTADOS_2024_CSV_V2.csv",
    f"{_GH}/Enyer182/analisis-votaciones-venezuela-2024/6b665d17cc19fcf75f2785bd73420cce717b516f/RESULTADOS_2024_CSV_V2.csv",
    "296d35bbda1d6bd12e7011ed93da1973a3f22beb73cc05dbb0554efc31b2deaa",
)
QR = RemoteFile(
    "venezuela_2024/vzlapi_qr_decoded_actas.csv",
    f"{_GH}/ipince/vzlapi/0b909f4d538ffbbccc184851569dd88eb05094d1/api/cmd/store_results/actas.csv",
    "d68803c36eeda06a3f5b5fe5f4a8a6a5e8d7f45972539dd1e98b80caf8774f9c",
)
# The mirror stores the 2013 CSV gzip-compressed (sha256 below); the public
# artifact is the zip RQ06aug2024.zip (sha256 678baf5c...c6565e) holding the
# plain CSV (sha256 cebc0a94...1f44f43b), checked as `download_sha256`. The
# loader reads all three forms.
R2013 = RemoteFile(
    "venezuela_2013/resultados_elecc_2013-04-14-v4.csv.gz",
    f"{_GH}/rquiroga7/Venezuela_elecciones_2024/4d1eec968e7e71ace2811a4a029498ca9784a9cf/RQ06aug2024.zip",
    "8807b98848e26db8cb9659eb88605b1746e046bb22da122486d7ba9fe2bf2745",
    download_sha256="678baf5c47bfb07d2d0ad34034858a184cae1300f29d9f0f627d7d1410c6565e",
)

_CITE_ACTAS = (
    "Comando Con Venezuela, resultadosconvzla.com, RESULTADOS_2024_CSV_{v}.csv: tally-sheet "
    "(acta) counts collected by opposition witnesses, presidential election of 28 July 2024; "
    "copied from {repo} (commit {commit}). Licence not stated."
)
_CITE_V1 = _CITE_ACTAS.format(
    v="V1", repo="ipince/vzlapi", commit="0b909f4d538ffbbccc184851569dd88eb05094d1"
)
_CITE_V2 = _CITE_ACTAS.format(
    v="V2",
    repo="Enyer182/analisis-votaciones-venezuela-2024",
    commit="6b665d17cc19fcf75f2785bd73420cce717b516f",
)
_CITE_QR = (
    "ipince/vzlapi, api/cmd/store_results/actas.csv (commit "
    "0b909f4d538ffbbccc184851569dd88eb05094d1): votes decoded from the QR codes of the "
    "published acta images, presidential election of 28 July 2024. Licence not stated."
)
_CITE_2013 = (
    "Consejo Nacional Electoral (CNE), presidential election of 14 April 2013, mesa-level "
    "results scraped from resultados.cne.gob.ve, merged with ESDATA data and the 7 October 2012 "
    "votes; compiled file resultados_elecc_2013-04-14-v4.csv (data credited to W. R. Mebane), "
    "from rquiroga7/Venezuela_elecciones_2024 RQ06aug2024.zip (commit "
    "4d1eec968e7e71ace2811a4a029498ca9784a9cf). Licence not stated."
)

_NOTES_ACTAS = (
    "ballots = valid + invalid (VOTOS_VALIDOS + VOTOS_NULOS): the actas data have no "
    "ballots-cast column, and blank or otherwise invalid votes beyond the nulls are not in the "
    "file",
    "null votes are almost always 0 (the voting machines record few nulls)",
    "candidate votes are totals over all party cards of each candidate",
    "no votes from abroad (69,211 electors were registered abroad)",
    "municipality and parish are CNE codes (digits 1-4 and 1-6 of the centre code) because "
    "names repeat across states; names in municipality_name and parish_name",
    "URL is the acta image; its file name encodes the witness upload batch, not the table",
)


# ------------------------------------------------------------------ helpers
def _table_number(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Mesa numbers as int64 where all parse (else text) and their id string."""
    text = raw.astype(str).str.strip()
    num = pd.to_numeric(text, errors="coerce")
    if num.notna().all() and (num == np.round(num)).all():
        ints = num.astype(np.int64)
        return ints, ints.astype(str)
    return text, text


def _add_levels(df: pd.DataFrame, centre_raw: pd.Series, mesa_raw: pd.Series) -> pd.DataFrame:
    """Add state, municipality, parish, centre, table and station columns."""
    centre = centre_raw.astype(str).str.strip().str.zfill(9)
    table, table_id = _table_number(mesa_raw)
    code = pd.to_numeric(centre.str[:2], errors="coerce")
    df["state"] = code.map(STATES).to_numpy()
    df["municipality"] = centre.str[:4].to_numpy()
    df["parish"] = centre.str[:6].to_numpy()
    df["centre"] = centre.to_numpy()
    df["table"] = table.to_numpy()
    # Not named "station": from_frame adds that column to set-aside rows itself.
    df["station_id"] = (centre + "-" + table_id).to_numpy()
    return df


def _read_actas(path: Path) -> pd.DataFrame:
    """One of the opposition's acta CSVs, all text, with the canonical levels."""
    df, _ = read_text_table(path)
    missing = [c for c in ("CENTRO", "MESA", "MUN", "PAR") if c not in df.columns]
    if missing:
        raise DataError(
            f"{path.name}: missing column(s) {missing}; columns are {list(df.columns)}"
        )
    df = _add_levels(df, df["CENTRO"], df["MESA"])
    return df.rename(columns={"MUN": "municipality_name", "PAR": "parish_name"})


def _election(df: pd.DataFrame, on_invalid: str, **kwargs) -> Election:
    """Validated rows with the canonical levels and station ids (:func:`_add_levels`)."""
    return Election.from_frame(
        df, levels=_LEVELS, station="station_id", leader="Maduro", on_invalid=on_invalid, **kwargs
    )


def _actas_election(df: pd.DataFrame, on_invalid: str, **kwargs) -> Election:
    """An Election of one of the opposition's acta files (with ``RE`` registered)."""
    return _election(
        df,
        on_invalid,
        candidates=CANDIDATES_2024,
        registered="RE",
        valid="VOTOS_VALIDOS",
        invalid="VOTOS_NULOS",
        keep=("municipality_name", "parish_name", "URL"),
        date="2024-07-28",
        line_offset=2,
        **kwargs,
    )


# ------------------------------------------------------------------ loaders
@loader_doc
def load_v1(paths: dict[str, Path], *, on_invalid: str = "set_aside") -> Election:
    """The V1 acta file (24,532 actas, ``RE`` = registered electors).

    {loader_sections}

    References
    ----------
    .. [1] The opposition's published actas, V1 compilation (GitHub ipince/vzlapi, commit
       0b909f4).

    Examples
    --------
    >>> from forensics import datasets
    >>> e = datasets.load("venezuela-2024-v1")  # this loader
    >>> len(e), int(e.totals()["registered"])
    (24532, 17745239)
    """
    df = _read_actas(Path(paths[V1.path]))
    return _actas_election(
        df,
        on_invalid,
        name="Venezuela 2024 presidential, opposition actas V1",
        source=_CITE_V1,
        notes=(
            *_NOTES_ACTAS,
            "coverage 24,532 of about 30,026 CNE tables (81.70 %); registered (RE) covers "
            "these tables only",
        ),
    )


@loader_doc
def load_v2(paths: dict[str, Path], *, on_invalid: str = "set_aside") -> Election:
    """The V2 acta file (25,073 actas) with ``registered`` joined from V1.

    The join is on the station id (centre, table). V2 tables absent from V1
    keep ``registered`` missing; a V1 key that occurs twice is not used (its
    V2 table also keeps ``registered`` missing) and is counted in the notes.

    {loader_sections}

    References
    ----------
    .. [1] The opposition's published actas, V2 compilation (GitHub Enyer182/analisis-
       votaciones-venezuela-2024, commit 6b665d1).

    Examples
    --------
    >>> from forensics import datasets
    >>> e = datasets.load("venezuela-2024")  # this loader
    >>> len(e), int(e.stations["registered"].isna().sum()), e.candidates[:2]
    (25073, 543, ('Gonzalez', 'Maduro'))
    """
    v2 = _read_actas(Path(paths[V2.path]))
    v1, _ = read_text_table(Path(paths[V1.path]))
    if "RE" not in v1.columns:
        raise DataError(f"{V1.path}: no 'RE' column; columns are {list(v1.columns)}")
    v1 = _add_levels(v1[["RE"]].copy(), v1["CENTRO"], v1["MESA"])
    dup = v1["station_id"].duplicated(keep=False)
    lookup = v1.loc[~dup].set_index("station_id")["RE"]
    v2["RE"] = v2["station_id"].map(lookup).to_numpy()
    n_missing = int(v2["RE"].isna().sum())
    notes = [
        *_NOTES_ACTAS,
        f"registered joined from V1 (RE) by centre and table; {n_missing:,} table(s) absent "
        "from V1 keep registered missing",
        "coverage 25,073 of about 30,026 CNE tables (83.50 %)",
        "V1 and V2 have identical votes on the 24,530 tables they share; 2 V1 tables "
        "(centre 210510003, tables 1 and 3) are not in V2",
    ]
    if dup.any():
        notes.append(
            f"{int(dup.sum())} V1 row(s) share a (centre, table) key; not used for registered"
        )
    return _actas_election(
        v2,
        on_invalid,
        name="Venezuela 2024 presidential, opposition actas V2",
        source=f"{_CITE_V2} Registered voters from V1: {_CITE_V1}",
        notes=notes,
    )


@loader_doc
def load_qr(paths: dict[str, Path], *, on_invalid: str = "set_aside") -> Election:
    """The QR-code decoding of the actas (21,952 actas; candidate votes only).

    {loader_sections}

    References
    ----------
    .. [1] The QR-code decoding of the actas cited in the dataset registry entry
       ``venezuela-2024-qr``.

    Examples
    --------
    >>> from forensics import datasets
    >>> e = datasets.load("venezuela-2024-qr")  # this loader
    >>> len(e), e.stations.loc[0, ["Acta", "station"]].tolist()
    (21952, ['010101001.01.1.0001', '010101001-1'])
    """
    df, _ = read_text_table(Path(paths[QR.path]))
    if "Acta" not in df.columns:
        raise DataError(f"{QR.path}: no 'Acta' column; columns are {list(df.columns)}")
    # Acta code CCCCCCCCC.MM.1.0001: 9-digit centre, 2-digit table, constant suffix.
    parts = df["Acta"].astype(str).str.strip().str.split(".", n=2, expand=True)
    parts = parts.reindex(columns=[0, 1], fill_value="")
    df = _add_levels(df, parts[0].fillna(""), parts[1].fillna(""))
    candidates = {name: name for name in CANDIDATES_2024.values()}
    return _election(
        df,
        on_invalid,
        candidates=candidates,
        keep=("Acta",),
        name="Venezuela 2024 presidential, QR-code decoding of the actas",
        date="2024-07-28",
        source=_CITE_QR,
        notes=(
            "votes read from the QR code of each acta image (mostly with the "
            "xaiki/resultadosvzla-tools decoder), independently of the opposition's CSV",
            "no valid, null or registered columns: valid is the sum of the candidates; "
            "ballots and invalid are missing",
            "levels parsed from the Acta code CCCCCCCCC.MM.1.0001",
            "agrees with V2 on 21,930 of 21,937 matched actas; 7 differ by 1-3 votes",
        ),
        line_offset=2,
    )


def _read_bytes(path: Path) -> bytes:
    """The 2013 CSV's bytes, from a gzip file, a one-member zip or the plain CSV."""
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [n for n in zf.namelist() if n.endswith(".csv")]
            if len(members) != 1:
                raise DataError(f"{path.name}: expected one CSV in the zip, found {members}")
            return zf.read(members[0])
    return data


def _counts_2012(raw: pd.Series, column: str, lines: np.ndarray) -> np.ndarray:
    """A 2012 vote column as float (NaN where blank); unparseable text raises."""
    text = raw.astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & (text != "").to_numpy()
    if bad.any():
        rows = ", ".join(
            f"line {ln} ({v!r})" for ln, v in zip(lines[bad][:10], text[bad][:10], strict=False)
        )
        raise DataError(f"non-numeric value in column '{column}' (2012 votes): {rows}")
    return values


@loader_doc
def load_2013(paths: dict[str, Path], *, on_invalid: str = "set_aside") -> Election:
    """The 2013 mesa-level results with the 2012 Chávez/Capriles votes.

    {loader_sections}

    References
    ----------
    .. [1] Jiménez, R. & Hidalgo, M. (2014). Forensic analysis of Venezuelan elections during
       the Chávez presidency. PLOS ONE 9(6), e100884.
       doi:10.1371/journal.pone.0100884 (the compiled 2013 table).

    Examples
    --------
    >>> from forensics import datasets
    >>> e = datasets.load("venezuela-2013")  # this loader
    >>> len(e), len(e.set_aside), e.candidates[:2]
    (39348, 28, ('Maduro', 'Capriles'))
    """
    data = _read_bytes(Path(paths[R2013.path]))
    df, _ = read_text_table(data)
    # Header names contain newlines ("votos\nnulos"): the header spans several
    # lines, so data line numbers start after them.
    header_lines = 1 + sum(c.count("\n") for c in df.columns)
    df.columns = [c.replace("\r", "").replace("\n", " ") for c in df.columns]
    required = ["codigo nuevo", "mesa", "Chavez 7O", "Capriles 7O"]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(
            f"{R2013.path}: missing column(s) {missing}; columns are {list(df.columns)}"
        )
    lines = np.arange(len(df)) + header_lines + 1
    df["chavez_2012"] = _counts_2012(df["Chavez 7O"], "Chavez 7O", lines)
    df["capriles_2012"] = _counts_2012(df["Capriles 7O"], "Capriles 7O", lines)
    df = _add_levels(df, df["codigo nuevo"], df["mesa"])
    df = df.rename(
        columns={
            "Municipio": "municipality_name",
            "Parroquia": "parish_name",
            "Centro": "centre_name",
            "centro creado en": "centre_created",
            "url_acta MUD": "acta_url",
        }
    )
    election = _election(
        df,
        on_invalid,
        candidates=CANDIDATES_2013,
        registered="electores esperados",
        ballots="votos escrutados",
        valid="votos válidos",
        invalid="votos nulos",
        keep=(
            "chavez_2012",
            "capriles_2012",
            "municipality_name",
            "parish_name",
            "centre_name",
            "centre_created",
            "url_cne",
            "acta_url",
        ),
        name="Venezuela 2013 presidential (official, mesa level)",
        date="2013-04-14",
        source=_CITE_2013,
        line_offset=header_lines + 1,
    )
    n_2012 = int(np.isnan(election.stations["chavez_2012"].to_numpy(dtype=float)).sum())
    notes = (
        f"{len(election.set_aside)} row(s) set aside; the source has 28 mesas without vote "
        "data (12 abroad, 4 Zonas Inhóspitas, 12 scattered)",
        "ballots = 'votos escrutados' (valid + null); registered = 'electores esperados'",
        "state 99 'Embajadas' is voting abroad (304 mesas) and 98 'Zonas Inhóspitas' remote "
        "areas (54 mesas); state 24 was called Vargas in 2013 (renamed La Guaira in 2019)",
        "chavez_2012 and capriles_2012 are the 7 October 2012 votes re-mapped onto 2013 mesas by "
        f"the compiler (method unknown); missing for {n_2012} kept station(s)",
        "municipality and parish are CNE codes (digits 1-4 and 1-6 of the centre code)",
    )
    return replace(election, notes=notes)


register(
    Dataset(
        "venezuela-2024",
        "Venezuela 2024 presidential: 25,073 opposition actas (V2), registered joined from V1",
        files=(V2, V1),
        loader=load_v2,
        citation=_CITE_V2,
    )
)
register(
    Dataset(
        "venezuela-2024-v1",
        "Venezuela 2024 presidential: 24,532 opposition actas (V1) with registered voters",
        files=(V1,),
        loader=load_v1,
        citation=_CITE_V1,
    )
)
register(
    Dataset(
        "venezuela-2024-qr",
        "Venezuela 2024 presidential: 21,952 actas decoded from their QR codes (cross-check)",
        files=(QR,),
        loader=load_qr,
        citation=_CITE_QR,
    )
)
register(
    Dataset(
        "venezuela-2013",
        "Venezuela 2013 presidential: official mesa results with 2012 Chávez/Capriles votes",
        files=(R2013,),
        loader=load_2013,
        citation=_CITE_2013,
    )
)
