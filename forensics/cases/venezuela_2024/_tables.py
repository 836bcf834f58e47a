"""The compiled tables of the 2024 election: bulletins, polls, exit polls.

The tables ship in the repository's ``data/`` folder (see its README): the
CNE bulletins, the registry and the opposition's totals
(``official_bulletins.csv``), the pre-election polls (``polls_2024.csv``)
with the pollster classification (``pollsters.csv``), and the exit polls and
quick counts (``exit_polls_2024.csv``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from scipy import stats

from forensics._compat import renamed_parameters
from forensics.bulletins import data_file
from forensics.election import DataError, Election
from forensics.polls import (
    Comparison,
    _to_dates,
    _to_float,
    count_rows,
    poll_average,
    quantities,
    read_exit_polls,
    read_polls,
    read_pollsters,
    source_distances,
    unit_variances,
)

#: The two leading candidates as named in the acta datasets (``Election``
#: candidates), in the order of every margin: Edmundo González minus Nicolás
#: Maduro.
CANDIDATES = ("Gonzalez", "Maduro")

#: Their keys in the compiled poll tables (columns ``gonzalez_pct``,
#: ``maduro_pct``).
POLL_CANDIDATES = ("gonzalez", "maduro")

#: Their names as printed on figures.
CANDIDATE_NAMES = ("González", "Maduro")

#: The quantities of the poll comparisons: ``gonzalez``, ``maduro``, ``margin``.
QUANTITIES = quantities(POLL_CANDIDATES)

#: Election day.
ELECTION_DAY = "2024-07-28"

#: CNE definitive registry (Gaceta Electoral, 2 June 2024), including the
#: 69,211 electors registered abroad; row "CNE definitive electoral registry"
#: of ``data/official_bulletins.csv`` (source: lapatilla.com 2024-06-04 via
#: aperturaven.blogspot.com).
REGISTRY_2024 = 21_392_464
REGISTRY_ABROAD_2024 = 69_211

#: Sources drawn as lines on the poll series (:func:`forensics.plots.plot_polls`).
POLL_MARKS = ("actas V2 (opposition)", "CNE first bulletin", "CNE second bulletin")

#: The observation that the first bulletin's counts are a total times
#: one-decimal percentages (:func:`forensics.bulletins.round_percentage_test`).
GELMAN_2024 = (
    "Gelman, A. (2024), post on the blog 'Statistical Modeling, Causal Inference, and Social "
    "Science', quoted by CNN ('After Venezuela's contested presidential vote, experts say "
    "government results are a statistical improbability', 2024-08-09) and Caracas Chronicles "
    "('What are the chances that Maduro actually won?', 2024-08-01): about 1 in 100 million"
)


def load_bulletins(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``official_bulletins.csv``: CNE bulletins, registry, opposition totals.

    Parameters
    ----------
    path : path-like, optional
        Default: ``data/official_bulletins.csv`` next to the package.

    Returns
    -------
    pandas.DataFrame
        One row per item, counts and percentages as float (NaN where the
        source does not state them), ``date`` as datetime, ``source`` and
        ``notes`` kept as text.

    Raises
    ------
    forensics.DataError
        A column is missing, or a count or a date does not parse (values
        and rows named).

    References
    ----------
    .. [1] Consejo Nacional Electoral, first and second bulletins of the
       2024 presidential election (29 July and 2 August 2024), as compiled
       with their sources in ``data/official_bulletins.csv``.

    Examples
    --------
    >>> b = load_bulletins()
    >>> b["item"].tolist()[:2]
    ['CNE first bulletin', 'CNE second bulletin']
    >>> int(b.loc[0, "valid_votes"])
    10058774
    """
    df = pd.read_csv(data_file("official_bulletins.csv", path), dtype=str, keep_default_na=False)
    num = [
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
    ]
    missing = [c for c in ["item", "date", *num] if c not in df.columns]
    if missing:
        raise DataError(f"official_bulletins: missing column(s) {missing}")
    df = _to_float(df, num, "official_bulletins")
    df["date"] = _to_dates(df["date"], "official_bulletins", "date")
    return df


def bulletin_counts(bulletins: pd.DataFrame, item: str) -> dict[str, float]:
    """Counts of one row of the bulletins table, found by a case-insensitive prefix.

    Parameters
    ----------
    bulletins : pandas.DataFrame
        As from :func:`load_bulletins`.
    item : str
        The start of the row's ``item`` (case-insensitive); it must match
        exactly one row.

    Returns
    -------
    dict
        ``{"Maduro", "Gonzalez", "others", "valid"}`` (float, NaN where not
        stated): the announced totals that
        :func:`forensics.bulletins.acta_consistency` takes.

    Raises
    ------
    forensics.DataError
        If no row or several rows match (the items are listed).

    References
    ----------
    .. [1] Consejo Nacional Electoral, first bulletin of the 2024
       presidential election (29 July 2024).

    Examples
    --------
    >>> bulletin_counts(load_bulletins(), "CNE first")
    {'Maduro': 5150092.0, 'Gonzalez': 4445978.0, 'others': 462704.0, 'valid': 10058774.0}
    """
    if "item" not in bulletins.columns:
        raise DataError("bulletins: missing column 'item'; see load_bulletins")
    hit = bulletins[bulletins["item"].str.lower().str.startswith(item.lower())]
    if len(hit) != 1:
        raise DataError(
            f"{len(hit)} row(s) of the bulletins table start with {item!r}; items are "
            f"{bulletins['item'].tolist()}"
        )
    row = hit.iloc[0]
    return {
        "Maduro": float(row["maduro_votes"]),
        "Gonzalez": float(row["gonzalez_votes"]),
        "others": float(row["others_votes"]),
        "valid": float(row["valid_votes"]),
    }


def load_pollsters(path: str | Path | None = None) -> pd.DataFrame:
    """Read the pollster classification ``data/pollsters.csv``.

    Parameters
    ----------
    path : path-like, optional
        Default: ``data/pollsters.csv`` next to the package.

    Returns
    -------
    pandas.DataFrame
        Columns ``pollster``, ``class`` (one of ``independent``,
        ``government-aligned``, ``unknown``), ``basis`` and ``source``; see
        :func:`forensics.polls.read_pollsters`.

    References
    ----------
    .. [1] The sources cited row by row in ``data/pollsters.csv`` (the basis
       of each classification).

    Examples
    --------
    >>> sorted(load_pollsters()["class"].unique())
    ['government-aligned', 'independent', 'unknown']
    """
    return read_pollsters(data_file("pollsters.csv", path))


def _read_classified(
    reader: Callable[..., pd.DataFrame],
    name: str,
    path: str | Path | None,
    pollsters: pd.DataFrame | None,
) -> pd.DataFrame:
    """A shipped poll table read by ``reader`` with the classification (default the shipped one)."""
    cls = load_pollsters() if pollsters is None else pollsters
    return reader(data_file(name, path), candidates=POLL_CANDIDATES, pollsters=cls)


def load_polls(
    path: str | Path | None = None, *, pollsters: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read the pre-election polls with the pollster classification joined.

    Parameters
    ----------
    path : path-like, optional
        Default: ``data/polls_2024.csv`` next to the package.
    pollsters : pandas.DataFrame, optional
        A classification table like :func:`load_pollsters` (default: the
        shipped one). Pollsters absent from it are ``unknown``.

    Returns
    -------
    pandas.DataFrame
        As :func:`forensics.polls.read_polls` with
        ``candidates=POLL_CANDIDATES``: ``margin`` is González minus Maduro.

    References
    ----------
    .. [1] The sources cited row by row in ``data/polls_2024.csv``.

    Examples
    --------
    >>> polls = load_polls()
    >>> len(polls), polls["class"].value_counts().to_dict()
    (33, {'independent': 20, 'government-aligned': 9, 'unknown': 4})
    """
    return _read_classified(read_polls, "polls_2024.csv", path, pollsters)


def load_exit_polls(
    path: str | Path | None = None, *, pollsters: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read ``data/exit_polls_2024.csv`` with the classification joined.

    Parameters
    ----------
    path : path-like, optional
        Default: ``data/exit_polls_2024.csv`` next to the package.
    pollsters : pandas.DataFrame, optional
        A classification table like :func:`load_pollsters` (default: the
        shipped one).

    Returns
    -------
    pandas.DataFrame
        Qualified cells (``<14``, ``8 (Ecarri)``) become NaN in the numeric
        column and are kept verbatim in ``<column>_as_published``; ``n`` is
        the sample size where it is a plain number of voters
        (:func:`forensics.polls.read_exit_polls`).

    References
    ----------
    .. [1] The sources cited row by row in ``data/exit_polls_2024.csv``.

    Examples
    --------
    >>> ex = load_exit_polls()
    >>> ex.loc[0, "pollster"], float(ex.loc[0, "n"]), float(ex.loc[0, "margin"])
    ('Edison Research', 6846.0, 34.0)
    """
    return _read_classified(read_exit_polls, "exit_polls_2024.csv", path, pollsters)


def _count_rows(source: str, kind: str, g: float, m: float, valid: float, note: str) -> list:
    rows = count_rows(
        source,
        kind,
        {"gonzalez": g, "maduro": m},
        candidates=POLL_CANDIDATES,
        valid=valid,
        note=note,
    )
    return [tuple(r) for r in rows.itertuples(index=False)]


@renamed_parameters(confidence="confidence_level")
def compare(
    polls: pd.DataFrame | None = None,
    *,
    actas: Election | None = None,
    actas_v1: Election | None = None,
    qr: Election | None = None,
    bulletins: pd.DataFrame | None = None,
    exit_polls: pd.DataFrame | None = None,
    design_effect: float = 1.5,
    exit_design_effect: float = 2.0,
    window: int | None = None,
    confidence_level: float = 0.95,
) -> Comparison:
    """Poll averages, exit polls, acta totals and CNE bulletins side by side.

    Parameters
    ----------
    polls : pandas.DataFrame, optional
        Default :func:`load_polls`. Averaged per class with
        :func:`forensics.polls.poll_average` (random effects); the
        ``independent`` and ``government-aligned`` classes are reported.
    actas, actas_v1 : Election, optional
        The opposition's acta files (``venezuela-2024`` = V2 and
        ``venezuela-2024-v1``). When not given, their totals are taken from
        the bulletins table rows "Opposition website dataset V2/V1".
    qr : Election, optional
        The QR-code decoding (``venezuela-2024-qr``); omitted when not given
        (its totals are not in the bulletins table).
    bulletins, exit_polls : pandas.DataFrame, optional
        Default :func:`load_bulletins` and :func:`load_exit_polls`.
    design_effect, window : see :func:`forensics.polls.poll_average`.
    exit_design_effect : float
        Design effect for exit polls with a stated number of voters (a
        cluster sample of polling places; 2 by default).
    confidence_level : float
        Confidence level of the intervals (formerly ``confidence``).

    Returns
    -------
    forensics.polls.Comparison
        Quantities ``gonzalez``, ``maduro`` and ``margin``
        (:func:`forensics.polls.source_distances`).

    Notes
    -----
    Counts (actas, QR, bulletins) are shares of valid votes with ``se = 0``:
    they are complete tallies of what they cover, not samples, though each
    covers a different set of tables (the CNE's first bulletin about 80 %,
    V2 83.5 %). Exit polls without a stated number of voters get
    ``se = NaN``.

    References
    ----------
    .. [1] DerSimonian, R. & Laird, N. (1986), doi:10.1016/0197-2456(86)90046-2: the
       random-effects average of the polls (:func:`forensics.polls.poll_average`,
       where the full reference is given).

    Examples
    --------
    >>> comp = compare()
    >>> comp.wide().loc[["polls: independent", "CNE first bulletin"], "margin"].round(1).tolist()
    [34.6, -7.0]
    """
    polls = load_polls() if polls is None else polls
    bulletins = load_bulletins() if bulletins is None else bulletins
    exit_polls = load_exit_polls() if exit_polls is None else exit_polls
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    rows: list[tuple] = []
    avg = poll_average(
        polls,
        candidates=POLL_CANDIDATES,
        design_effect=design_effect,
        window=window,
        election_day=ELECTION_DAY,
        confidence_level=confidence_level,
    )
    for cls in ("independent", "government-aligned"):
        sub = avg[avg["class"] == cls]
        for _, r in sub.iterrows():
            note = (
                f"{r['k']} polls, random effects, tau2 {r['tau2']:.1f}; "
                f"{r['n_default']} with default n, {r['n_duplicates']} possible duplicates dropped"
            )
            rows.append(
                (
                    f"polls: {cls}",
                    "poll average",
                    r["quantity"],
                    r["estimate"],
                    r["se"],
                    r["lower"],
                    r["upper"],
                    float(r["k"]),
                    note,
                )
            )
    for _, r in exit_polls.iterrows():
        n = r["n"]
        vals = {
            "gonzalez": r["gonzalez_pct"],
            "maduro": r["maduro_pct"],
            "margin": r["margin"],
        }
        var1 = unit_variances(
            r["gonzalez_pct"] / 100, r["maduro_pct"] / 100, candidates=POLL_CANDIDATES
        )
        for q in QUANTITIES:
            est = vals[q]
            se = 100 * math.sqrt(exit_design_effect * var1[q] / n) if n > 0 else math.nan
            rows.append(
                (
                    f"{r['type']}: {r['pollster']}",
                    r["type"],
                    q,
                    est,
                    se,
                    est - z * se,
                    est + z * se,
                    n,
                    f"class {r['class']}",
                )
            )
    for label, e, item in (
        ("actas V2 (opposition)", actas, "Opposition website dataset V2"),
        ("actas V1 (opposition)", actas_v1, "Opposition website dataset V1"),
    ):
        if e is not None:
            tot = e.stations[list(e.candidates)].sum()
            rows += _count_rows(
                label,
                "actas",
                float(tot["Gonzalez"]),
                float(tot["Maduro"]),
                float(tot.sum()),
                f"computed from {len(e):,} actas",
            )
        else:
            c = bulletin_counts(bulletins, item)
            rows += _count_rows(
                label, "actas", c["Gonzalez"], c["Maduro"], c["valid"], "from the bulletins table"
            )
    if qr is not None:
        tot = qr.stations[list(qr.candidates)].sum()
        rows += _count_rows(
            "actas QR decoding",
            "actas",
            float(tot["Gonzalez"]),
            float(tot["Maduro"]),
            float(tot.sum()),
            f"computed from {len(qr):,} QR-decoded actas (share of candidate votes)",
        )
    for label, item in (
        ("CNE first bulletin", "CNE first bulletin"),
        ("CNE second bulletin", "CNE second bulletin"),
    ):
        c = bulletin_counts(bulletins, item)
        rows += _count_rows(label, "announced", c["Gonzalez"], c["Maduro"], c["valid"], item)
    table = pd.DataFrame(
        rows,
        columns=["source", "kind", "quantity", "estimate", "se", "lower", "upper", "n", "note"],
    )
    return source_distances(table, QUANTITIES)
