"""Control elections: Uganda 2011, Poland 2020, Germany EP 2024, Albania 2013.

Uganda 2011 is a second positive control (Klimek et al. 2012); Poland 2020 and
the German European Parliament election of 2024 are clean baselines; Albania
2013 is the Election Forensics Toolkit's example data. Each loader reads the
public file as published (zip archives in memory) and sets aside, with a
reason, every row it cannot use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from forensics.datasets._loaders import (
    bound_loader,
    loader_doc,
    number_repeats,
    read_zip_member,
    relabel,
)
from forensics.datasets._registry import Dataset, RemoteFile, register
from forensics.election import Election, read_text_table

__all__: list[str] = []

OnInvalid = Literal["raise", "set_aside"]

_ASCII_FOLD = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "AE",
        "Ö": "OE",
        "Ü": "UE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "³": "3",
    }
)


def _ascii(text: str) -> str:
    """Fold a name to ASCII (German umlauts as ae/oe/ue, other accents stripped)."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii").strip()


# ---------------------------------------------------------------- Uganda 2011
_UGANDA_PATH = "uganda_2011_president/original/2011_Pres_Pstn.csv"
_UGANDA_URL = (
    "https://raw.githubusercontent.com/NaokiEto/PS139/09b131ba0d4df222241cea8884c05d5a66012c65/"
    "2011_Pres_Pstn.csv"
)
_UGANDA_SHA = "57d2dea2e0de1dcd16e6449fac0604160243008530d4bb488c17e49a641f1ce3"
_UGANDA_CANDIDATES = {
    "ABED BWANIKA": "Bwanika",
    "BESIGYE KIFEFE KIZZA": "Besigye",
    "BETI OLIVE KAMYA NAMISANGO": "Kamya",
    "BIDANDI? SSALI JABERI": "Bidandi Ssali",
    "MAO NORBERT": "Mao",
    "OLARA OTUNNU": "Otunnu",
    "SAMUEL LUBEGA MUKAAKU WALTER": "Lubega",
    "YOWERI MUSEVENI KAGUTA": "Museveni",
}
_UGANDA_PAGE_LINES = (
    "The Electoral Commission",
    "Presidential Election Results 2011",
    "DISTRICT CODE",
)
_UGANDA_CITATION = (
    "Electoral Commission of Uganda, Presidential Election Results 2011 by polling station "
    "(2011_Pres_Pstn), as CSV in NaokiEto/PS139 (GitHub), commit 09b131ba. Fraud-signature "
    "context: Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical detection "
    "of systematic election irregularities. PNAS 109(41), 16469-16473, "
    "doi:10.1073/pnas.1210722109."
)


@loader_doc
def load_uganda_2011(paths: dict[str, Path], *, on_invalid: OnInvalid = "set_aside") -> Election:
    """Uganda presidential election of 18 February 2011, from the EC's CSV.

    The EC CSV is read rather than the IRI conversion because it is a plain
    CSV at a pinned URL (the IRI file is a 7-Zip archive); its 23,827
    reporting stations give exactly the IRI conversion's totals. The 141
    non-reporting stations (counts ``X``: nullified; ``?``: not received) and
    the page titles and headers repeated inside the file are set aside with a
    reason.

    {loader_sections}
    """
    df, _ = read_text_table(paths[_UGANDA_PATH], skiprows=2)
    # Each PDF page repeats a two-line title and the header inside the file.
    page = df["DISTRICT CODE"].isin(_UGANDA_PAGE_LINES).to_numpy()
    unknown = df["YOWERI MUSEVENI KAGUTA"].str.strip().eq("?").to_numpy()
    nullified = df["YOWERI MUSEVENI KAGUTA"].str.strip().eq("X").to_numpy()
    counts = ["REGISTERED VOTERS", *_UGANDA_CANDIDATES, "VALID", "INVALID", "SPOILT"]
    # Counts of 1,000 and more are written with a thousands comma.
    df[counts] = df[counts].apply(lambda s: s.str.replace(",", "", regex=False))
    code_cols = ["DISTRICT CODE", "EA CODE", "SCOUNTY CODE", "PARISH CODE", "PS CODE"]
    df["_station"] = df[code_cols[0]].str.cat(df[code_cols[1:]], sep="-")
    # Page lines get their file line as id, so that only their own reason applies.
    lines = pd.Series(np.flatnonzero(page) + 4).astype(str).to_numpy()
    df.loc[page, "_station"] = "page-line-" + lines
    election = Election.from_frame(
        df,
        candidates=_UGANDA_CANDIDATES,
        registered="REGISTERED VOTERS",
        valid="VALID",
        invalid="INVALID",
        levels={
            "DISTRICT NAME": "district",
            "EA NAME": "constituency",
            "SCOUNTY NAME": "subcounty",
            "PARISH NAME": "parish",
        },
        station="_station",
        leader="Museveni",
        keep=["PS NAME", "SPOILT"],
        name="Uganda 2011 presidential",
        date="2011-02-18",
        source=_UGANDA_CITATION,
        notes=[
            "The file repeats a title and header on every page; those lines are set aside as "
            "'not a station'. Thousands commas in counts are removed before parsing.",
            "ballots = valid + invalid (the EC's total votes); spoilt ballots (replaced before "
            "casting) are kept in 'SPOILT' and are not part of ballots.",
            f"Non-reporting stations are set aside: {int(nullified.sum())} with 'X' in every "
            f"count (results nullified by the EC) and {int(unknown.sum())} with '?' (results "
            "not received); they carry registered voters but no votes.",
            "Station sums do not reproduce the EC's declared totals (in the full IRI "
            "conversion: Museveni +8,270, Besigye +6,434, Bidandi Ssali -25,394, valid -9,936 "
            "against the district tally sheet); the gap is in the EC's station publication.",
        ],
        on_invalid=on_invalid,
        line_offset=4,
    )
    if len(election.set_aside):
        aside = election.set_aside
        is_page = aside["DISTRICT CODE"].isin(_UGANDA_PAGE_LINES).to_numpy()
        museveni = aside["YOWERI MUSEVENI KAGUTA"].str.strip()
        election = relabel(election, is_page, "page title or repeated header line, not a station")
        election = relabel(
            election, museveni.eq("?").to_numpy(), "non-reporting: results not received ('?')"
        )
        election = relabel(
            election,
            museveni.eq("X").to_numpy(),
            "non-reporting: results nullified by the EC ('X')",
        )
    return election


# ---------------------------------------------------------------- Poland 2020
_POLAND_COMMIT = "4b8b8e446c2f4fd4d114e74664005ec53d6d412f"
_POLAND = {
    1: ("2020-06-28", "c51f5f6c4ad0ea973fbf6f1b8379755fbf149f0b87ce274c92d0f85a3e759c1c"),
    2: ("2020-07-12", "77958f67300b6f1cc790e9f172c3602062fdd015d09b525431d9e581bedae5e8"),
}
_POLAND_CITATION = (
    "Państwowa Komisja Wyborcza (PKW), wyniki głosowania na kandydatów po obwodach, presidential "
    "election 2020, as stored in ip413/presidential-election-poland-2020-research (GitHub), "
    f"commit {_POLAND_COMMIT[:8]}."
)
_POLAND_KEEP = {
    "Typ obwodu": "station_type",
    "Typ obszaru": "area_type",
    "Liczba kart ważnych": "valid_cards",
    "Liczba kopert na kartę do głosowania wrzuconych do urny": "postal_envelopes_into_box",
}


def _poland_path(round_: int) -> str:
    return f"poland_2020_president/original/round{round_}/wyniki_gl_na_kand_po_obwodach_csv.zip"


def _poland_candidate(column: str) -> str:
    # "Andrzej Sebastian DUDA" -> "Duda"; the surname is the upper-case part.
    surname = " ".join(w for w in column.split() if w.isupper())
    return _ascii(surname).title()


def _load_poland(round_: int, paths: dict[str, Path], *, on_invalid: OnInvalid) -> Election:
    date, _ = _POLAND[round_]
    df, _ = read_text_table(read_zip_member(paths[_poland_path(round_)]), sep=";")
    cols = list(df.columns)
    valid_col = "Liczba głosów ważnych oddanych łącznie na wszystkich kandydatów"
    candidates = {c: _poland_candidate(c) for c in cols[cols.index(valid_col) + 1 :]}
    df["_station"] = df["Kod TERYT"].str.cat(df["Numer obwodu"], sep="-")
    dash = df["Liczba wyborców uprawnionych do głosowania"].eq("-").to_numpy()
    df = df.rename(columns=_POLAND_KEEP)
    election = Election.from_frame(
        df,
        candidates=candidates,
        registered="Liczba wyborców uprawnionych do głosowania",
        ballots="Liczba kart wyjętych z urny",
        valid=valid_col,
        levels={"Województwo": "region", "Powiat": "district", "Gmina": "municipality"},
        station="_station",
        leader="Duda",
        keep=list(_POLAND_KEEP.values()),
        name=f"Poland 2020 presidential, round {round_}",
        date=date,
        source=_POLAND_CITATION,
        notes=[
            "ballots = ballot papers taken from the box (incl. postal); invalid = ballots - "
            "valid (invalid cards plus invalid votes on valid cards). The PKW's turnout is "
            "valid_cards / registered.",
            f"{int(dash.sum())} military stations abroad are published with '-' in every count "
            "and are set aside; their votes are inside the PKW national totals.",
            "Validation sets aside stations with ballots > registered (round 1: one ordinary "
            "station, 2,200 ballots for 2,196 registered, where 1,324 voters came with "
            "certificates).",
            "Special stations (station_type != 'stały': hospitals, care homes, prisons, "
            "abroad, ships) behave differently; exclude them from fingerprint plots.",
        ],
        on_invalid=on_invalid,
        line_offset=2,
    )
    if len(election.set_aside):
        is_dash = (
            election.set_aside["Liczba wyborców uprawnionych do głosowania"].eq("-").to_numpy()
        )
        election = relabel(election, is_dash, "counts published as '-' (military station abroad)")
    return election


# ------------------------------------------------------ Germany EP 2024
_GERMANY_PATH = "germany_2024_european_parliament/original/ew24_wbz.zip"
_GERMANY_URL = (
    "https://raw.githubusercontent.com/tom-doerr/bsw_analysis/"
    "77ccbb474d73fe022774c5f1dfea91495ebf426d/data/ew24_wbz.zip"
)
_GERMANY_SHA = "ac926f430b586ef097aaae12221edb74df9a98110e96d7c0a8a2a2e78bf57608"
_GERMANY_CITATION = (
    "© Die Bundeswahlleiterin (im Auftrag der Herausgebergemeinschaft), Wiesbaden 2024: "
    "Ergebnisse der Wahlbezirksstatistik zur Europawahl 2024 (ew24_wbz.zip), as stored in "
    "tom-doerr/bsw_analysis (GitHub), commit 77ccbb47."
)
_LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
_GERMANY_KEEP = {
    "Bezirksart": "district_type",
    "Kennziffer zusammen-gelegte Urnenwahlbezirke n. § 61 EuWO": "merged_urn_district_code",
    "Kennziffer Briefwahlzugehörigkeit": "postal_group_code",
    "Wahlberechtigte ohne Sperrvermerk (A1)": "registered_a1",
    "dar. Wählende mit Wahlschein": "voters_with_wahlschein",
}


@loader_doc
def load_germany_2024_ep(
    paths: dict[str, Path], *, on_invalid: OnInvalid = "set_aside"
) -> Election:
    """German European Parliament election of 9 June 2024, by voting district.

    In-person (Bezirksart 0) and postal districts (5) are both kept; ``postal``
    flags the latter. CDU and CSU are merged into one list, ``CDU/CSU``.

    {loader_sections}
    """
    raw = read_zip_member(paths[_GERMANY_PATH], "Wbz_EW24_Ergebnisse.csv")
    df, _ = read_text_table(raw, sep=";")
    df = df.loc[:, [c for c in df.columns if c.strip() and not c.startswith("Unnamed")]]
    first_party, last_party = "CDU", "V-Partei³"
    cols = list(df.columns)
    parties = cols[cols.index(first_party) : cols.index(last_party) + 1]
    counts = [
        "Wahlberechtigte",
        "Wählende",
        "ungültig",
        "gültig",
        *parties,
        "Wahlberechtigte ohne Sperrvermerk (A1)",
        "dar. Wählende mit Wahlschein",
    ]
    # Saarland writes thousands with '.'; counts have no decimals.
    saar = df["Land"].eq("10").to_numpy()
    df.loc[saar, counts] = df.loc[saar, counts].apply(
        lambda s: s.str.replace(".", "", regex=False)
    )
    # Postal districts have no electorate of their own (their voters are registered
    # in their home district): registered is not applicable there, so missing.
    postal = df["Bezirksart"].eq("5").to_numpy()
    df.loc[postal, "Wahlberechtigte"] = ""
    cdu = pd.to_numeric(df["CDU"], errors="coerce")
    csu = pd.to_numeric(df["CSU"], errors="coerce")
    both = int(((cdu > 0) & (csu > 0)).sum())
    df["CDU"] = (cdu + csu).astype("Int64").astype(str).replace("<NA>", "")
    parties.remove("CSU")
    candidates = {p: ("CDU/CSU" if p == "CDU" else _ascii(p)) for p in parties}

    df["region"] = df["Land"].map(_LAENDER).fillna(df["Land"])
    df["kreis"] = df["Land"].str.cat(df[["Reg.-Bezirk", "Kreis"]])
    df["gemeinde"] = df["kreis"].str.cat(df[["Verbandsgemeinde", "Gemeinde"]])
    sid = df["gemeinde"].str.cat(df[["Wahlbezirk", "Bezirksart"]], sep="-")
    # Six postal rows in Saxony share a code: number the repeats -2, -3.
    df["_station"], n_renumbered = number_repeats(sid)
    df = df.rename(columns=_GERMANY_KEEP)

    election = Election.from_frame(
        df,
        candidates=candidates,
        registered="Wahlberechtigte",
        ballots="Wählende",
        valid="gültig",
        invalid="ungültig",
        levels=["region", "kreis", "gemeinde"],
        station="_station",
        leader="CDU/CSU",
        keep=list(_GERMANY_KEEP.values()),
        name="Germany 2024 European Parliament",
        date="2024-06-09",
        source=_GERMANY_CITATION,
        notes=[
            "Postal districts (district_type 5, 'postal' True) publish registered = 0; it is "
            "set to missing here (not applicable) since postal voters stay in the electorate of "
            "their home in-person district. Hence ballots / "
            "registered of an in-person district is not a turnout. For turnout use in-person "
            "districts and (ballots - voters_with_wahlschein) / registered_a1.",
            "district_type: 0 in-person, 5 postal, 6 special, 8 voters without further details.",
            "Merged-urn partner districts (merged_urn_district_code != '0000', § 61 EuWO) carry "
            "registered = 0 and zero votes; their voters are counted in the partner district.",
            f"CDU and CSU are merged into 'CDU/CSU' (the Union; CSU runs only in Bavaria, CDU "
            f"elsewhere; {both} districts have votes for both). The Union is the leader.",
            "Saarland's '.' thousands separators are removed before parsing.",
            f"{n_renumbered} postal rows in Saxony repeat another row's code; their ids get a "
            "-2/-3 suffix.",
            "Levels: region = Land name; kreis and gemeinde are official key codes.",
        ],
        on_invalid=on_invalid,
        line_offset=2,
    )
    stations = election.stations
    stations = stations.assign(postal=stations["district_type"].eq("5").to_numpy())
    if not stations["registered"].isna().any():  # pragma: no cover - postal rows always present
        stations["registered"] = stations["registered"].astype(np.int64)
    return replace(election, stations=stations)


# ---------------------------------------------------------------- Albania 2013
_ALBANIA_PATH = "albania_2013_parliament/Albania2013.csv"
_ALBANIA_URL = (
    "https://raw.githubusercontent.com/kkalininMI/EFToolkit/"
    "ca7b5851179b1d340425e7a013fe0bc324b9fada/inst/extdata/Albania2013.csv"
)
_ALBANIA_SHA = "b6ea98b01e32b0da286393c87f33dd5cda7a276d162c34202ef4abed27c16b7b"
_ALBANIA_CITATION = (
    "Albania 2013 parliamentary election, station level: example data of the Election "
    "Forensics Toolkit (Kalinin, K. & Mebane, W. R., kkalininMI/EFToolkit on GitHub, commit "
    "ca7b5851, inst/extdata/Albania2013.csv). Hicken, A. & Mebane, W. R. (2015). A Guide to "
    "Election Forensics. USAID/DRG working paper."
)


@loader_doc
def load_albania_2013(paths: dict[str, Path], *, on_invalid: OnInvalid = "set_aside") -> Election:
    """Albanian parliamentary election of 2013, the EFToolkit example data.

    The file has ``Ballots`` and ``Registered`` but no valid or invalid
    column: valid is the sum of the party lists and invalid is derived as
    ballots - valid.

    {loader_sections}
    """
    df, _ = read_text_table(paths[_ALBANIA_PATH])
    parties = [c for c in df.columns if re.fullmatch(r"C\d{3}", c)]
    sid = df["Communes"].str.cat(df["Precincts"], sep="/")
    # Some precinct numbers repeat within a commune with different results:
    # distinct stations, numbered -2, -3, ...
    df["_station"], n_repeat = number_repeats(sid)
    return Election.from_frame(
        df,
        candidates=parties,
        registered="Registered",
        ballots="Ballots",
        levels={"Prefectures": "prefecture", "Communes": "commune"},
        station="_station",
        leader="C035",
        keep=["Precincts"],
        name="Albania 2013 parliamentary",
        date="2013-06-23",
        source=_ALBANIA_CITATION,
        notes=[
            "The file has no valid or invalid column: valid = sum of the party lists, "
            "invalid = ballots - valid (derived).",
            "Party lists are named by their code. The largest list, C035 (41.6 % of valid), is "
            "taken as leader; by its totals it is the Socialist Party (officially about 41.4 %), "
            "C050 (30.2 %) the Democratic Party and C032 (10.5 %) the Socialist Movement for "
            "Integration. The mirror's SOURCE.md names C050 the Socialist Party and C035 the "
            "SMI, which the totals contradict; the codes are kept as they are.",
            "One station has registered = 0.",
            f"{n_repeat} rows repeat a (commune, precinct) pair of an earlier row with other "
            "counts; they are kept as distinct stations with a -2/-3 suffix on the id.",
            "Counts written 'NA' make their row set aside.",
        ],
        on_invalid=on_invalid,
        line_offset=2,
    )


# ---------------------------------------------------------------- registry
def _poland_url(round_: int) -> str:
    return (
        f"https://raw.githubusercontent.com/ip413/presidential-election-poland-2020-research/"
        f"{_POLAND_COMMIT}/data-round-{round_}-official/wyniki_gl_na_kand_po_obwodach_csv.zip"
    )


# name, description, the one file, loader, citation
_DATASETS = (
    (
        "uganda-2011",
        "Uganda 2011 presidential, ~24k polling stations (EC CSV); leader Museveni",
        RemoteFile(_UGANDA_PATH, _UGANDA_URL, _UGANDA_SHA),
        load_uganda_2011,
        _UGANDA_CITATION,
    ),
    *(
        (
            f"poland-2020-r{round_}",
            f"Poland 2020 presidential round {round_}, ~27k stations (PKW); leader Duda",
            RemoteFile(_poland_path(round_), _poland_url(round_), sha),
            bound_loader(
                _load_poland,
                round_,
                f"load_poland_2020_r{round_}",
                f"Polish presidential election 2020, round {round_}, by station (PKW).",
            ),
            _POLAND_CITATION,
        )
        for round_, (_, sha) in _POLAND.items()
    ),
    (
        "germany-2024-ep",
        "Germany 2024 European Parliament, ~92k voting districts (postal flagged); leader CDU/CSU",
        RemoteFile(_GERMANY_PATH, _GERMANY_URL, _GERMANY_SHA),
        load_germany_2024_ep,
        _GERMANY_CITATION,
    ),
    (
        "albania-2013",
        "Albania 2013 parliamentary, 5,508 stations (EFToolkit example); leader C035 (largest list)",
        RemoteFile(_ALBANIA_PATH, _ALBANIA_URL, _ALBANIA_SHA),
        load_albania_2013,
        _ALBANIA_CITATION,
    ),
)

for _name, _description, _file, _loader, _citation in _DATASETS:
    register(Dataset(_name, _description, files=(_file,), loader=_loader, citation=_citation))
