"""Russian federal elections 2004-2024, polling-station (UIK) level.

The files are the CSV archives of ``dkobak/elections`` (data scraped from the
Central Election Commission's site by Sergey Shpilkin, 2024 by Ivan
Shukshin). Each holds one CSV with Russian column names: ``region``, ``tik``
(territorial commission), ``uik`` (station), in some years ``oik`` (district
commission), the protocol lines (all starting with "Число ..."), one column
per candidate or party list and an izbirkom ``url``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from forensics.datasets._loaders import bound_loader, read_zip_member, relabel
from forensics.datasets._registry import Dataset, RemoteFile, register
from forensics.election import Election, read_text_table

__all__: list[str] = []

_COMMIT = "8003707eb94e3a1e69f8b1b965cdf93f80153808"
_URL = f"https://raw.githubusercontent.com/dkobak/elections/{_COMMIT}/data/{{year}}.csv.zip"
_FOLDER = "russia_federal_2004_2024/original"

_CITATION = (
    "Shpilkin, S. and Shukshin, I. (data); Kobak, D., dkobak/elections (GitHub), commit "
    f"{_COMMIT[:8]}, data/<year>.csv.zip, from the official protocols on vybory.izbirkom.ru. "
    "Cite: Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer percentages as "
    "electoral falsification fingerprints. Annals of Applied Statistics 10(1), 54-73, "
    "doi:10.1214/16-AOAS904."
)

# year: (kind, ISO date, sha256 of <year>.csv.zip, leader)
_ELECTIONS = {
    2004: (
        "presidential",
        "2004-03-14",
        "dc28d05966d4e8845d8db5f470d8a2a123a5373d3668111265b5c282352f5298",
        "Putin",
    ),
    2007: (
        "State Duma",
        "2007-12-02",
        "11fe1fc48857a274959843aeb731b7f0e622c6120530e9488f7326c2c1258e2b",
        "United Russia",
    ),
    2008: (
        "presidential",
        "2008-03-02",
        "3177252f9c3391d739fa6f495c7669570475f848433a2bcea1b7a51c86e078ea",
        "Medvedev",
    ),
    2011: (
        "State Duma",
        "2011-12-04",
        "fd8aeceeebe92664872cf6fcaa43a11c2bf3f4914d9667bbd9bf2df6972cbd8f",
        "United Russia",
    ),
    2012: (
        "presidential",
        "2012-03-04",
        "01e1a3296ecbaef2aafcbfda72dfdd7dcde86442a5a8715b1f7b978a99331590",
        "Putin",
    ),
    2016: (
        "State Duma",
        "2016-09-18",
        "f07c07126f3c5bfc8958a1efad9532df44d1a94e13013ca2c2574827e28e13b2",
        "United Russia",
    ),
    2018: (
        "presidential",
        "2018-03-18",
        "0ecfa337c877a2db52c99460307ea153b9e3a33810811685a1e92e8154287176",
        "Putin",
    ),
    2020: (
        "constitutional referendum",
        "2020-07-01",
        "1ec41f7065133142792bd96589991c90aa465b7d5b89c9496c05b8b97131011e",
        "yes",
    ),
    2021: (
        "State Duma",
        "2021-09-19",
        "b65fac633d642d496f52dc046fc4c1063b70b331cece7edcdfa8d76e63305a5d",
        "United Russia",
    ),
    2024: (
        "presidential",
        "2024-03-17",
        "d4a18472d021efac9c269819a5b0e801daca1e486a7f48fc3981b4b241907313",
        "Putin",
    ),
}

# Candidates by surname (the column holds "Surname Name Patronymic").
_SURNAMES = {
    "Бабурин": "Baburin",
    "Богданов": "Bogdanov",
    "Глазьев": "Glazyev",
    "Грудинин": "Grudinin",
    "Даванков": "Davankov",
    "Жириновский": "Zhirinovsky",
    "Зюганов": "Zyuganov",
    "Малышкин": "Malyshkin",
    "Медведев": "Medvedev",
    "Миронов": "Mironov",
    "Прохоров": "Prokhorov",
    "Путин": "Putin",
    "Слуцкий": "Slutsky",
    "Собчак": "Sobchak",
    "Сурайкин": "Suraykin",
    "Титов": "Titov",
    "Харитонов": "Kharitonov",
    "Хакамада": "Khakamada",
    "Явлинский": "Yavlinsky",
}

# Party lists: the first pattern found (case-insensitive) names the list. Order
# matters: "Либерально-демократическая партия России" contains "демократическая
# партия России", and the 2007 Just Russia list contains "РОДИНА".
_PARTIES = (
    ("единая россия", "United Russia"),
    ("справедливая россия", "A Just Russia"),
    ("либерально-демократическая", "LDPR"),
    ("коммунистическая партия российской федерации", "KPRF"),
    ("коммунисты россии", "Communists of Russia"),
    ("яблоко", "Yabloko"),
    ("патриоты россии", "Patriots of Russia"),
    ("правое дело", "Right Cause"),
    ("аграрная партия", "Agrarian Party"),
    ("гражданская сила", "Civilian Power"),
    ("демократическая партия россии", "Democratic Party of Russia"),
    ("союз правых сил", "Union of Right Forces"),
    ("партия социальной справедливости", "Party of Social Justice"),
    ("пенсионеров за справедливость", "Pensioners for Justice"),
    ("партия пенсионеров", "Party of Pensioners"),
    ("зеленая альтернатива", "Green Alternative"),
    ("экологическая партия", "Greens"),
    ("гражданская платформа", "Civic Platform"),
    ("парнас", "PARNAS"),
    ("партия роста", "Party of Growth"),
    ("новые люди", "New People"),
    ("свободы и справедливости", "Party of Freedom and Justice"),
    ("родина", "Rodina"),
)

_OTHER = {"ДА": "yes", "НЕТ": "no", "Против всех": "Against all"}

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)

_LEVEL_COLUMNS = ("name", "level", "region", "oik", "tik", "uik", "url")
_E_VOTING = "Дистанционное электронное голосование"


def _transliterate(text: str) -> str:
    """ASCII transliteration (BGN/PCGN-like, soft and hard signs dropped)."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in _TRANSLIT:
            t = _TRANSLIT[low]
            out.append(t.capitalize() if ch != low else t)
        else:
            out.append(ch)
    return re.sub(r"[^\x20-\x7e]", "", "".join(out)).strip()


def candidate_name(column: str) -> str:
    """The ASCII name of a candidate or party-list column of the Russian files."""
    if column in _OTHER:
        return _OTHER[column]
    surname = column.split()[0]
    if surname in _SURNAMES:
        return _SURNAMES[surname]
    low = column.lower().replace("ё", "е")
    for pattern, name in _PARTIES:
        if pattern in low:
            return name
    return _transliterate(re.sub(r"^\d+\.\s*", "", column))


def _find(columns: list[str], *patterns: str) -> str:
    """The one protocol column whose name contains all the patterns."""
    hits = [c for c in columns if all(p in c.lower() for p in patterns)]
    if len(hits) != 1:
        raise ValueError(f"expected one column matching {patterns}, found {hits}")
    return hits[0]


def _load(
    year: int, paths: dict[str, Path], *, on_invalid: Literal["raise", "set_aside"] = "set_aside"
) -> Election:
    kind, date, _, leader = _ELECTIONS[year]
    df, _ = read_text_table(read_zip_member(paths[f"{_FOLDER}/{year}.csv.zip"]))
    cols = list(df.columns)
    protocol = [c for c in cols if c.startswith("Число")]
    cand_cols = [c for c in cols if c not in protocol and c not in _LEVEL_COLUMNS]
    candidates = {c: candidate_name(c) for c in cand_cols}
    if len(set(candidates.values())) != len(candidates):
        raise ValueError(f"Russia {year}: candidate names are not unique: {candidates}")

    registered = (
        _find(protocol, "включенных в список")
        if year == 2020
        else next(c for c in protocol if c.startswith("Число избирателей, в"))
    )
    invalid = _find(protocol, "недействительных")
    valid = None if year == 2020 else _find(protocol, "число действительных")
    if year == 2020:
        issued = [_find(protocol, "выданных участникам")]
    else:
        issued = [
            c
            for c in protocol
            if "выданных" in c and "бюллетеней" in c and "удостоверени" not in c
        ]
    if not 1 <= len(issued) <= 3:
        raise ValueError(f"Russia {year}: unexpected ballots-issued columns {issued}")
    df["ballots_issued"] = sum(pd.to_numeric(df[c], errors="coerce") for c in issued)
    df["electronic"] = df["tik"].eq(_E_VOTING).to_numpy()
    keep = ["ballots_issued", "electronic"]
    # UIK numbers repeat across district commissions (oik) for the 2021 remote
    # e-voting rows, so the id includes the oik where the file has one.
    id_parts = ["region", "oik", "tik", "uik"] if "oik" in df.columns else ["region", "tik", "uik"]
    df["_station"] = df[id_parts[0]].str.cat(df[id_parts[1:]], sep="/")
    if "oik" in df.columns:
        keep.insert(0, "oik")

    notes = [
        "ballots = valid + invalid (ballots found in the boxes), as in Kobak, Shpilkin & "
        "Pshenichnikov (2016); the CEC's official turnout uses ballots issued, kept in the "
        "column 'ballots_issued' (sum of the 'выданных' protocol lines).",
        "Special stations (hospitals, military units, detention, abroad) are not flagged; "
        "abroad and Baikonur are identifiable by region.",
    ]
    if year == 2020:
        notes.append(
            "The referendum protocol has no valid-ballots line: valid = yes + no. The table "
            "omits two remote electronic-voting pseudo-stations (Moscow, 1,051,155 registered; "
            "Nizhny Novgorod Oblast, 139,571)."
        )
    if year == 2021:
        notes.append(
            "Remote electronic voting results are included as pseudo-stations (tik = "
            f"'{_E_VOTING}', one per district commission), flagged in 'electronic'; exclude "
            "them from station-level distributions."
        )
    if year == 2024:
        notes.append(
            "2,268 stations in four annexed Ukrainian regions have no published data and are "
            "set aside. Remote electronic voting (aggregated by region, 8,434,406 registered) "
            "is in the separate upstream file 2024-electronic-voting.csv and not loaded."
        )
    if year == 2018:
        notes.append(
            "The upstream README: results of four stations (CSV rows 45559, 45563, 92554, "
            "92561) were later cancelled; they are kept here."
        )

    election = Election.from_frame(
        df,
        candidates=candidates,
        registered=registered,
        valid=valid,
        invalid=invalid,
        levels=["region", "tik", "uik"],
        station="_station",
        leader=leader,
        keep=keep,
        name=f"Russia {year} {kind}",
        date=date,
        source=_CITATION,
        notes=notes,
        on_invalid=on_invalid,
        line_offset=2,
    )
    if year == 2024 and len(election.set_aside):
        blank = election.set_aside[registered].eq("").to_numpy()
        election = relabel(
            election, blank, "no results published for this station (annexed territory)"
        )
    stations = election.stations.assign(electronic=election.stations["electronic"].astype(bool))
    if stations["ballots_issued"].notna().all():
        stations["ballots_issued"] = stations["ballots_issued"].astype(np.int64)
    return replace(election, stations=stations)


for _year, (_kind, _date, _sha, _leader) in _ELECTIONS.items():
    register(
        Dataset(
            name=f"russia-{_year}",
            description=f"Russia {_year} {_kind}, ~95k polling stations (UIK); leader {_leader}",
            files=(RemoteFile(f"{_FOLDER}/{_year}.csv.zip", _URL.format(year=_year), _sha),),
            loader=bound_loader(
                _load,
                _year,
                f"load_russia_{_year}",
                f"Load the Russian {_kind} election of {_year}.",
            ),
            citation=_CITATION,
        )
    )
