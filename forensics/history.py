"""Two elections on the same stations: the swing from one to the next.

When a data set carries an earlier election's votes at the same stations
(some official files keep the previous election's votes per table),
:func:`swing` computes, per station or per group, the change in a side's
two-candidate share and the change in its two-candidate votes, and
:func:`swing_test` tests whether that swing moves with turnout or
with the change in votes. Ballots added for one side in the later election
make its swing larger where turnout (or the vote count) rose; so does an
honest differential mobilisation or abstention of that side's voters. The
tests speak to "the swing is unrelated to turnout", not to fraud as such.
:func:`repeated_counts` flags earlier votes that look like a group total
split equally over the group's stations.

When the two elections come as separate files, :func:`join_elections`
aggregates both to a common unit (e.g. the voting centre) and joins them
with a match report; :func:`persistence_test` measures how much of the
earlier local pattern the later election keeps, and
:func:`controlled_association_test` asks whether the later share moves
with the later turnout once the earlier values are held fixed
(:func:`controlled_bins` draws it). :func:`simulate_election_pair`
simulates honest pairs with persistent local structure, to calibrate them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special, stats

from forensics._compat import deprecated_alias, renamed_parameters
from forensics._correlation import fisher_ci
from forensics._estimation import check_confidence_level
from forensics.election import DataError, Election
from forensics.results import TestResult, as_float, as_int

__all__ = [
    "ControlledAssociationResult",
    "ElectionJoin",
    "PersistenceResult",
    "SwingAssociationResult",
    "controlled_association",
    "controlled_association_test",
    "controlled_bins",
    "join_elections",
    "persistence",
    "persistence_test",
    "repeated_counts",
    "simulate_election_pair",
    "swing",
    "swing_association",
    "swing_test",
]

_REF = (
    "Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics of Election Fraud: "
    "Russia and Ukraine. Cambridge University Press (ISBN 9780521748360)"
)


def _station_ids(stations: pd.DataFrame, mask: ArrayLike) -> list[str]:
    """Up to ten station ids where ``mask`` holds, for error messages."""
    return stations.loc[np.asarray(mask, dtype=bool), "station"].astype(str).head(10).tolist()


def _require_keys(election: Election, column: str) -> None:
    """A grouping column of the station table must exist and have no missing value."""
    st = election.stations
    what = election.name or "election"
    if column not in st.columns:
        raise DataError(f"{what}: no column {column!r}; levels are {list(election.levels)}")
    if st[column].isna().any():
        raise DataError(
            f"{what}: column {column!r} is missing at stations "
            f"{_station_ids(st, st[column].isna())}"
        )


def _sum_by_unit(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Counts summed by ``unit`` (sorted); a unit with any missing count has no total."""
    sums = frame.groupby("unit", sort=True)[["stations", *cols]].sum()
    sums[cols] = sums[cols].mask(frame[cols].isna().groupby(frame["unit"]).any())
    return sums


def _carry(election: Election, by: str, units: pd.Series) -> pd.Series:
    """The ``by`` value of each unit (indexed by unit), refusing units that span values."""
    _require_keys(election, by)
    values = election.stations[by].groupby(units.to_numpy())
    spans = values.nunique()
    if (spans > 1).any():
        raise DataError(
            f"column {by!r} takes several values within unit(s) "
            f"{spans.index[spans > 1].astype(str)[:10].tolist()}"
        )
    return values.first()


def _test_fields(
    ok: np.ndarray,
    value: float,
    pvalue: float,
    value_name: str,
    method: str,
    null: str,
    reference: str,
) -> dict:
    """Base fields of a test result whose statistic is its own effect size."""
    return {
        "statistic": as_float(value),
        "pvalue": as_float(pvalue),
        "n": as_int(ok.sum()),
        "n_excluded": as_int((~ok).sum()),
        "effect_size": as_float(value),
        "effect_size_name": value_name,
        "method": method,
        "null": null,
        "reference": reference,
    }


def swing(
    election: Election,
    now: Sequence[str],
    before: Sequence[str],
    *,
    level: str | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Per station (or group) change in two-candidate share between two elections.

    Parameters
    ----------
    election : Election
        The later election, with the earlier votes kept as extra columns.
    now : pair of str
        The two candidate columns of the later election, the side whose
        share is followed first (e.g. ``("A", "B")``).
    before : pair of str
        The two columns of the earlier election, same side first (e.g.
        ``("a_before", "b_before")``): non-negative counts, missing where
        unknown.
    level : str, optional
        Aggregate to this level (e.g. ``"centre"``) before computing shares:
        counts are summed within each group.
    by : str, optional
        A coarser column carried to the table (e.g. ``"state"`` with
        ``level="centre"``, for cluster-robust errors), after ``unit``; each
        unit must have a single value of it.

    Returns
    -------
    pandas.DataFrame
        One row per station (or group), none dropped: ``unit``, the ``by``
        column if asked for, ``stations``, ``registered``, ``ballots``,
        ``turnout`` (later election, ballots / registered), ``votes_now``,
        ``votes_before`` (two-candidate totals), ``share_now``,
        ``share_before`` (first candidate / two-candidate total), ``swing``
        (``share_now - share_before``), ``log_votes_ratio`` (``log(votes_now /
        votes_before)``), ``usable`` and ``reason`` (why a row is not
        usable).

    Raises
    ------
    DataError
        If a column is missing, an earlier count is negative or not a
        number, or a ``level`` (``by``) value is missing (varies within a
        unit); the message names the stations (units).

    Notes
    -----
    A row is usable when both two-candidate totals are positive, the earlier
    votes are known (in a group: for every station of the group) and the
    turnout is defined. Shares are of the two candidates only, so minor
    candidates do not enter either election.

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
       of Election Fraud: Russia and Ukraine. Cambridge University Press
       (ISBN 9780521748360).

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics import Election
    >>> df = pd.DataFrame({
    ...     "station": ["s1", "s2", "s3"], "centre": ["c1", "c1", "c2"],
    ...     "registered": [100, 100, 200],
    ...     "ballots": [80, 50, 100], "A": [60, 10, 50], "B": [20, 40, 50],
    ...     "a_before": [50, 30, 0], "b_before": [50, 10, 0],
    ... })
    >>> e = Election.from_frame(df, candidates=["A", "B"], registered="registered",
    ...                         ballots="ballots", levels=["centre"], station="station",
    ...                         keep=["a_before", "b_before"])
    >>> t = swing(e, ("A", "B"), ("a_before", "b_before"))
    >>> t["swing"].round(3).tolist()
    [0.25, -0.55, nan]
    >>> t["reason"].tolist()
    ['', '', 'no earlier votes']
    >>> g = swing(e, ("A", "B"), ("a_before", "b_before"), level="centre")
    >>> float(round(g.loc[0, "swing"], 4))  # 70/130 - 80/140
    -0.033
    """
    if not isinstance(election, Election):
        raise TypeError(f"election must be a forensics.Election, got {type(election).__name__}")
    now, before = tuple(now), tuple(before)
    if len(now) != 2 or len(before) != 2:
        raise ValueError(f"now and before must name two columns each, got {now} and {before}")
    st = election.stations
    missing = [c for c in (*now, *before) if c not in st.columns]
    if missing:
        raise DataError(f"column(s) {missing} not in the station table")
    earlier = {}
    for c in before:
        values = pd.to_numeric(st[c], errors="coerce")
        bad = (values.isna() & st[c].notna()) | (values < 0)
        if bad.any():
            raise DataError(
                f"column {c!r} must hold non-negative counts; not at stations "
                f"{_station_ids(st, bad)}"
            )
        earlier[c] = values.to_numpy(dtype=float)
    if by is not None and level is None:
        raise ValueError("by is carried to grouped tables only; give level too")
    frame = pd.DataFrame(
        {
            "unit": st["station"].to_numpy() if level is None else None,
            "stations": 1,
            "registered": election.counts("registered"),
            "ballots": election.counts("ballots"),
            "a_now": election.counts(now[0]),
            "b_now": election.counts(now[1]),
            "a_before": earlier[before[0]],
            "b_before": earlier[before[1]],
        }
    )
    if level is not None:
        election._check_level(level)
        _require_keys(election, level)
        frame["unit"] = st[level].to_numpy()
        cols = ["registered", "ballots", "a_now", "b_now", "a_before", "b_before"]
        sums = _sum_by_unit(frame, cols)
        if by is not None:
            sums.insert(0, by, _carry(election, by, frame["unit"]))
        frame = sums.reset_index()
    lead = ["unit"] + ([by] if by is not None else [])
    out = frame[[*lead, "stations", "registered", "ballots"]].copy()
    votes_now = frame["a_now"] + frame["b_now"]
    votes_before = frame["a_before"] + frame["b_before"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["turnout"] = np.where(
            out["registered"] > 0, out["ballots"] / out["registered"], np.nan
        )
        out["votes_now"] = votes_now
        out["votes_before"] = votes_before
        out["share_now"] = np.where(votes_now > 0, frame["a_now"] / votes_now, np.nan)
        out["share_before"] = np.where(votes_before > 0, frame["a_before"] / votes_before, np.nan)
        out["swing"] = out["share_now"] - out["share_before"]
        ratio = np.where((votes_now > 0) & (votes_before > 0), votes_now / votes_before, np.nan)
        out["log_votes_ratio"] = np.log(ratio)
    reason = np.select(
        [
            votes_before.isna().to_numpy(),
            (votes_before <= 0).to_numpy(),
            (votes_now <= 0).to_numpy() | votes_now.isna().to_numpy(),
            ~np.isfinite(out["turnout"].to_numpy()),
        ],
        [
            "earlier votes missing",
            "no earlier votes",
            "no later votes",
            "no turnout (registered missing or 0)",
        ],
        default="",
    )
    out["usable"] = reason == ""
    out["reason"] = reason
    return out


def repeated_counts(election: Election, column: str, *, level: str = "centre") -> pd.DataFrame:
    """Stations whose count repeats at every station of their group.

    An earlier election's votes re-mapped onto the later stations are
    sometimes a group total divided equally over the group's stations: every
    station of the group then carries the same count. This flags them.

    Parameters
    ----------
    election : Election
        The stations, with ``column`` kept.
    column : str
        The count to check (e.g. an earlier election's votes).
    level : str
        The group (e.g. ``"centre"``).

    Returns
    -------
    pandas.DataFrame
        One row per station, in the order of the station table: ``station``,
        ``level``, ``count``, ``known`` (the count is given), ``unit_stations``
        (stations of the group with the count known; 0 where unknown) and
        ``repeated`` (the group has at least two such stations and they all
        carry the same count).

    Raises
    ------
    DataError
        If ``column`` or ``level`` is missing, or a value of ``level`` is
        missing or of ``column`` is not a number (naming the stations).

    Notes
    -----
    Honest counts repeat across all the stations of a group by chance only
    in small groups with small counts; a repeated zero often means a
    station without votes of its own. Count the repeated non-zero counts
    separately.

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
       of Election Fraud: Russia and Ukraine. Cambridge University Press
       (ISBN 9780521748360) (earlier votes matched to the later precincts).

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics import Election
    >>> df = pd.DataFrame({
    ...     "station": ["s1", "s2", "s3", "s4", "s5"],
    ...     "centre": ["c1", "c1", "c2", "c2", "c3"], "A": [5, 5, 5, 5, 5],
    ...     "before": [40, 40, 12, 30, 8],
    ... })
    >>> e = Election.from_frame(df, candidates=["A"], levels=["centre"], station="station",
    ...                         keep=["before"])
    >>> r = repeated_counts(e, "before")
    >>> r[["centre", "count", "unit_stations", "repeated"]]
      centre  count  unit_stations  repeated
    0     c1     40              2      True
    1     c1     40              2      True
    2     c2     12              2     False
    3     c2     30              2     False
    4     c3      8              1     False
    """
    st = election.stations
    if column not in st.columns:
        raise DataError(f"column {column!r} not in the station table")
    _require_keys(election, level)
    values = pd.to_numeric(st[column], errors="coerce")
    bad = values.isna() & st[column].notna()
    if bad.any():
        raise DataError(
            f"column {column!r} must hold numbers; not at stations {_station_ids(st, bad)}"
        )
    known = values.notna()
    per_unit = values[known].groupby(st.loc[known, level])
    size, distinct = per_unit.transform("size"), per_unit.transform("nunique")
    return pd.DataFrame(
        {
            "station": st["station"],
            level: st[level],
            "count": values,
            "known": known,
            "unit_stations": size.reindex(st.index, fill_value=0).astype(np.int64),
            "repeated": ((size > 1) & (distinct == 1)).reindex(st.index, fill_value=False),
        }
    )


@dataclasses.dataclass(frozen=True)
class SwingAssociationResult(TestResult):
    """Result of :func:`swing_test`.

    Base fields: Spearman's rho between ``x`` and the swing, its p-value,
    ``effect_size`` = rho. ``pearson``, ``slope`` (OLS swing per unit of
    ``x``, HC1 interval) and ``bins`` (mean swing in quantile bins of
    ``x``) describe the same relation.
    """

    x: str
    pearson: float
    pearson_pvalue: float
    slope: float
    slope_ci_low: float
    slope_ci_high: float
    mean_swing: float
    bins: pd.DataFrame


@renamed_parameters(level="confidence_level")
def swing_test(
    table: pd.DataFrame, x: str = "turnout", *, bins: int = 10, confidence_level: float = 0.95
) -> SwingAssociationResult:
    """Does the swing move with turnout (or with the change in votes)?

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`swing`; rows with ``usable`` False or a missing
        ``x`` or swing are excluded and counted.
    x : str
        The column the swing is set against: ``"turnout"`` (later election)
        or ``"log_votes_ratio"`` (change in two-candidate votes).
    bins : int
        Quantile bins of ``x`` for the ``bins`` table.
    confidence_level : float
        Confidence level of the slope interval (was ``level``).

    Returns
    -------
    SwingAssociationResult

    Raises
    ------
    DataError
        If a column is missing, fewer than 4 units are usable, or ``x`` or
        the swing is constant over them.

    Notes
    -----
    Spearman's rank correlation across units, with scipy's t-approximation
    p-value (null: no association, units independent); Pearson's r; OLS of
    swing on ``x`` with an HC1 interval. Units are treated as independent:
    neighbouring units share local politics, so the p-values are too small
    if read as evidence about the whole country; the effect size and the
    binned means are the robust part.

    If ballots were added for the first candidate in the later election,
    its swing is larger where turnout (and the vote count) rose: rho > 0.
    Differential mobilisation or abstention of its voters gives the same
    sign, so a positive rho does not discriminate between them.

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
       of Election Fraud: Russia and Ukraine. Cambridge University Press
       (ISBN 9780521748360).

    Examples
    --------
    A swing that grows with turnout, plus one unit that is not usable:

    >>> import pandas as pd
    >>> t = pd.DataFrame({
    ...     "turnout": [0.5, 0.6, 0.7, 0.8, 0.9, 0.95],
    ...     "swing": [0.01, 0.03, 0.02, 0.05, 0.06, -1.0],
    ...     "usable": [True, True, True, True, True, False],
    ... })
    >>> r = swing_test(t, bins=2)
    >>> r.n, r.n_excluded, round(r.statistic, 3), round(r.slope, 3)
    (5, 1, 0.9, 0.12)
    >>> r.bins["units"].tolist()
    [2, 3]
    """
    for col in ("swing", "usable", x):
        if col not in table.columns:
            raise DataError(f"column {col!r} not in the table; pass the output of swing()")
    if int(bins) != bins or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins}")
    check_confidence_level(confidence_level)
    ok = _usable(table, [x, "swing"])
    xv = table[x].to_numpy(dtype=float)[ok]
    yv = table["swing"].to_numpy(dtype=float)[ok]
    n = xv.size
    if n < 4:
        raise DataError(f"need at least 4 usable units, got {n}")
    for name, v in ((x, xv), ("swing", yv)):
        if np.ptp(v) == 0:
            raise DataError(f"column {name!r} is constant over the {n} usable units")
    rho, p_rho = stats.spearmanr(xv, yv)
    r, p_r = stats.pearsonr(xv, yv)
    X = np.column_stack([np.ones(n), xv])
    beta, *_ = np.linalg.lstsq(X, yv, rcond=None)
    resid = yv - X @ beta
    bread = np.linalg.inv(X.T @ X)
    cov = bread @ ((X * resid[:, None] ** 2).T @ X) @ bread * n / (n - 2)  # HC1
    half = stats.t.ppf(0.5 + confidence_level / 2, n - 2) * np.sqrt(cov[1, 1])
    edges = np.unique(np.quantile(xv, np.linspace(0, 1, int(bins) + 1)))
    which = np.clip(np.searchsorted(edges, xv, side="right") - 1, 0, edges.size - 2)
    binned = (
        pd.DataFrame({"bin": which, "x": xv, "swing": yv})
        .groupby("bin")
        .agg(
            x_low=("x", "min"),
            x_high=("x", "max"),
            units=("x", "size"),
            mean_x=("x", "mean"),
            mean_swing=("swing", "mean"),
        )
        .reset_index(drop=True)
    )
    return SwingAssociationResult(
        **_test_fields(
            ok,
            rho,
            p_rho,
            "Spearman rho",
            f"Spearman correlation of swing and {x}; OLS slope (HC1)",
            "no association (units independent)",
            _REF,
        ),
        x=x,
        pearson=as_float(r),
        pearson_pvalue=as_float(p_r),
        slope=as_float(beta[1]),
        slope_ci_low=as_float(beta[1] - half),
        slope_ci_high=as_float(beta[1] + half),
        mean_swing=as_float(yv.mean()),
        bins=binned,
    )


swing_association = deprecated_alias(swing_test, "swing_association")


# --------------------------------------------------------------------------- joins
@dataclasses.dataclass(frozen=True)
class ElectionJoin:
    """Result of :func:`join_elections`: two elections aggregated to one key and joined.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per matched unit (key present in both elections): ``unit``,
        the ``by`` column if asked for, and for each label *L* the columns
        ``stations_L``, ``registered_L``, ``ballots_L``, ``valid_L``,
        ``votes_L`` (the candidate's votes), ``turnout_L`` (ballots /
        registered) and ``share_L`` (votes / valid); then ``swing``
        (later share minus earlier share), ``turnout_change`` (later minus
        earlier turnout), ``usable`` and ``reason`` (why a row is not
        usable).
    unmatched : pandas.DataFrame
        The units found in one election only, never dropped silently:
        ``side`` (the label), ``unit``, ``stations``, ``registered``,
        ``ballots``.
    report : pandas.DataFrame
        One row per election: ``label``, ``units``, ``matched``,
        ``unmatched``, ``match_rate`` (matched / units), ``stations``,
        ``stations_matched``, ``registered``, ``registered_matched``.
    key, labels : str, tuple of str
    """

    table: pd.DataFrame
    unmatched: pd.DataFrame
    report: pd.DataFrame
    key: str
    labels: tuple[str, str]

    def summary(self) -> str:
        """A stable text: units, matched and unmatched per election."""
        lines = [f"join on {self.key!r}: {len(self.table):,} units matched"]
        for r in self.report.itertuples(index=False):
            lines.append(
                f"  {r.label}: {r.units:,} units, {r.matched:,} matched ({r.match_rate:.2%}), "
                f"{r.unmatched:,} unmatched; stations {r.stations_matched:,} of {r.stations:,} "
                "in matched units"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _aggregate(election: Election, on: str, candidate: str, by: str | None) -> pd.DataFrame:
    if candidate not in election.candidates:
        raise DataError(
            f"{election.name or 'election'}: unknown candidate {candidate!r}; candidates: "
            f"{list(election.candidates)}"
        )
    _require_keys(election, on)
    st = election.stations
    cols = ["registered", "ballots", "valid", "votes"]
    frame = pd.DataFrame(
        {
            "unit": st[on].astype(str).to_numpy(),
            "stations": 1,
            "registered": election.counts("registered"),
            "ballots": election.counts("ballots"),
            "valid": election.counts("valid"),
            "votes": election.counts(candidate),
        }
    )
    sums = _sum_by_unit(frame, cols)
    if by is not None:
        sums[by] = _carry(election, by, frame["unit"])
    return sums


def join_elections(
    earlier: Election,
    later: Election,
    *,
    on: str = "centre",
    candidates: Sequence[str] | str,
    labels: Sequence[str] = ("before", "after"),
    by: str | None = None,
) -> ElectionJoin:
    """Join two elections on a unit key (e.g. voting centre), with a match report.

    Each election is aggregated to the key (counts summed over its
    stations), then the two are joined; units present in one election only
    are counted in ``report`` and listed in ``unmatched``, never dropped
    silently.

    Parameters
    ----------
    earlier, later : Election
        The two elections, in time order.
    on : str
        The column to join on, present in both station tables (a level such
        as ``"centre"``); values are compared as strings.
    candidates : str or pair of str
        The candidate followed in each election (one name for both, or
        ``(earlier, later)``); its share is of valid votes.
    labels : pair of str
        Suffixes of the per-election columns (e.g. ``("2013", "2024")``).
    by : str, optional
        A column to carry to the joined table (e.g. ``"state"``, for
        cluster-robust errors), taken from the later election where the unit
        is in both; a unit whose ``by`` differs between the two elections is
        not usable (reason ``"by differs"``).

    Returns
    -------
    ElectionJoin

    Raises
    ------
    DataError
        If ``on`` or ``by`` is missing from a station table or has missing
        values (naming the stations), a unit spans several ``by`` values,
        or a candidate is unknown.

    Notes
    -----
    A matched unit is usable when both elections have positive registered
    and valid totals (no missing count at any of its stations). Shares and
    turnouts are ratios of sums over the unit's stations *present in each
    file*: if one election covers only part of a unit's stations (tally
    sheets collected for some tables of a centre), its ratios describe
    those stations, while registered totals are not comparable across the
    years.

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
       of Election Fraud: Russia and Ukraine. Cambridge University Press
       (ISBN 9780521748360) (the same precincts compared across elections).

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics import Election
    >>> def election(rows):
    ...     df = pd.DataFrame(rows, columns=["centre", "registered", "ballots", "M", "C"])
    ...     df["table"] = df.groupby("centre").cumcount() + 1
    ...     return Election.from_frame(df, candidates=["M", "C"], registered="registered",
    ...                                ballots="ballots", levels=["centre", "table"])
    >>> before = election([("c1", 100, 80, 40, 40), ("c1", 100, 70, 20, 50),
    ...                    ("c2", 100, 50, 25, 25), ("c3", 100, 90, 45, 45)])
    >>> after = election([("c1", 200, 100, 30, 70), ("c2", 50, 40, 30, 10)])
    >>> j = join_elections(before, after, candidates="M", labels=("y1", "y2"))
    >>> j.table[["unit", "share_y1", "share_y2", "swing"]].round(3)
      unit  share_y1  share_y2  swing
    0   c1       0.4      0.30  -0.10
    1   c2       0.5      0.75   0.25
    >>> j.unmatched[["side", "unit", "stations"]]
      side unit  stations
    0   y1   c3         1
    """
    for e in (earlier, later):
        if not isinstance(e, Election):
            raise TypeError(f"earlier and later must be Elections, got {type(e).__name__}")
    cand = (candidates, candidates) if isinstance(candidates, str) else tuple(candidates)
    labels = tuple(str(x) for x in labels)
    if len(cand) != 2 or len(labels) != 2 or labels[0] == labels[1]:
        raise ValueError(
            f"candidates and labels must be pairs (labels distinct), got {cand} and {labels}"
        )
    a = _aggregate(earlier, on, cand[0], by)
    b = _aggregate(later, on, cand[1], by)
    both = a.index.intersection(b.index)
    unmatched = pd.concat(
        [
            pd.DataFrame({"side": labels[0], "unit": a.index.difference(b.index)}),
            pd.DataFrame({"side": labels[1], "unit": b.index.difference(a.index)}),
        ],
        ignore_index=True,
    )
    for side, agg in zip(labels, (a, b), strict=True):
        m = unmatched["side"] == side
        for col in ("stations", "registered", "ballots"):
            unmatched.loc[m, col] = agg.loc[unmatched.loc[m, "unit"], col].to_numpy()
    unmatched["stations"] = unmatched["stations"].astype(np.int64)
    report = pd.DataFrame(
        [
            {
                "label": lab,
                "units": len(agg),
                "matched": len(both),
                "unmatched": len(agg) - len(both),
                "match_rate": len(both) / len(agg) if len(agg) else float("nan"),
                "stations": int(agg["stations"].sum()),
                "stations_matched": int(agg.loc[both, "stations"].sum()),
                "registered": float(agg["registered"].sum()),
                "registered_matched": float(agg.loc[both, "registered"].sum()),
            }
            for lab, agg in zip(labels, (a, b), strict=True)
        ]
    )
    table = pd.DataFrame({"unit": both.to_numpy()})
    if by is not None:
        table[by] = b.loc[both, by].to_numpy()
    for lab, agg in zip(labels, (a, b), strict=True):
        part = agg.loc[both]
        for col in ("stations", "registered", "ballots", "valid", "votes"):
            table[f"{col}_{lab}"] = part[col].to_numpy()
        reg, val = part["registered"].to_numpy(), part["valid"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            table[f"turnout_{lab}"] = np.where(reg > 0, part["ballots"].to_numpy() / reg, np.nan)
            table[f"share_{lab}"] = np.where(val > 0, part["votes"].to_numpy() / val, np.nan)
    e0, e1 = labels
    table["swing"] = table[f"share_{e1}"] - table[f"share_{e0}"]
    table["turnout_change"] = table[f"turnout_{e1}"] - table[f"turnout_{e0}"]
    conditions = []
    for lab in labels:
        conditions.append(~np.isfinite(table[f"turnout_{lab}"].to_numpy()))
        conditions.append(~np.isfinite(table[f"share_{lab}"].to_numpy()))
    choices = [
        f"no {q} in {lab} (count missing or 0)" for lab in labels for q in ("turnout", "share")
    ]
    if by is not None:
        conditions.append(a.loc[both, by].to_numpy() != b.loc[both, by].to_numpy())
        choices.append("by differs")
    reason = np.select(conditions, choices, default="") if len(table) else np.array([], str)
    table["usable"] = reason == ""
    table["reason"] = reason
    return ElectionJoin(table=table, unmatched=unmatched, report=report, key=on, labels=(e0, e1))


# --------------------------------------------------------------------------- persistence
@dataclasses.dataclass(frozen=True)
class PersistenceResult(TestResult):
    """Result of :func:`persistence_test`.

    Base fields: Pearson r of the two shares across units with its Fisher-z
    p-value (null r = 0); ``ci_low``/``ci_high`` its interval (cluster
    bootstrap when ``cluster`` was given, else Fisher z). ``spearman``,
    the swing's mean and SD (unweighted and weighted by the later
    election's registered voters) describe the same pairs.
    """

    x: str
    y: str
    ci_low: float
    ci_high: float
    ci_method: str
    spearman: float
    mean_swing: float
    sd_swing: float
    weighted_mean_swing: float
    weighted_sd_swing: float
    n_clusters: int


def _usable(
    table: pd.DataFrame, columns: Sequence[str], numeric: Sequence[str] = ()
) -> np.ndarray:
    """Rows usable for ``columns``: ``usable`` (if present) and no missing value.

    The columns in ``numeric`` must hold numbers (bool excepted).
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(f"column(s) {missing} not in the table; columns: {list(table.columns)}")
    for c in numeric:
        v = table[c]
        if not pd.api.types.is_numeric_dtype(v) or pd.api.types.is_bool_dtype(v):
            raise DataError(f"column {c!r} must hold numbers, not {v.dtype}")
    ok = np.ones(len(table), dtype=bool)
    if "usable" in table.columns:
        ok &= table["usable"].eq(True).to_numpy()  # a missing flag is not usable
    for c in columns:
        v = table[c]
        numeric = pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v)
        ok &= np.isfinite(v.to_numpy(float)) if numeric else v.notna().to_numpy()
    return ok


def _cluster_codes(table: pd.DataFrame, cluster: str, ok: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..G-1 of the usable rows' clusters and G, refusing a single cluster."""
    codes = pd.factorize(table[cluster].to_numpy()[ok])[0]
    g = int(codes.max()) + 1
    if g < 2:
        raise DataError(f"cluster column {cluster!r} has a single cluster among usable rows")
    return codes, g


@renamed_parameters(level="confidence_level", n_boot="n_resamples")
def persistence_test(
    table: pd.DataFrame,
    x: str,
    y: str,
    *,
    weights: str | None = None,
    cluster: str | None = None,
    confidence_level: float = 0.95,
    n_resamples: int = 999,
    rng: np.random.Generator | int | None = None,
) -> PersistenceResult:
    """How much of one election's local share pattern the next one keeps.

    Tests r = 0 for the correlation across units of the earlier and the
    later share, and describes the swing between them.

    Parameters
    ----------
    table : pandas.DataFrame
        Units in rows (e.g. :attr:`ElectionJoin.table`); rows with
        ``usable`` False or a missing value are excluded and counted.
    x, y : str
        The earlier and the later share columns; the swing is ``y - x``.
    weights : str, optional
        Column of non-negative weights of the swing's weighted mean and SD
        (e.g. the later registered voters); default unweighted only (both
        equal).
    cluster : str, optional
        Column of clusters (e.g. states): the interval of r is then a
        percentile bootstrap over clusters, ``n_resamples`` resamples.
    confidence_level : float
        Confidence level of the interval of r (was ``level``).
    n_resamples : int
        Cluster-bootstrap resamples (was ``n_boot``); used with ``cluster``.
    rng : numpy.random.Generator or int, optional
        Randomness of the cluster bootstrap.

    Returns
    -------
    PersistenceResult

    Raises
    ------
    DataError
        If a column is missing or not numeric, fewer than 4 units are
        usable, ``x`` or ``y`` is constant over them, a weight is negative
        (or all are 0), or the usable units fall in a single cluster.

    Notes
    -----
    Without ``cluster`` the interval is Fisher's z with SE
    :math:`1/\\sqrt{n-3}`, treating units as independent; with it, units of
    a cluster are resampled together, which allows for correlation within
    clusters. A resample whose r is undefined (a constant share among the
    clusters drawn) is left out of the percentiles and counted in
    ``ci_method``. The p-value is Fisher's z's in both cases (NaN when
    :math:`|r| = 1`). A high r means the later election reproduces the
    earlier one's geography: honest counts do, and so must any fabricated
    or stuffed result that is to look ordinary.

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
       of Election Fraud: Russia and Ukraine. Cambridge University Press
       (ISBN 9780521748360) (the same precincts compared across elections).
    .. [2] Fisher, R. A. (1915). Frequency distribution of the values of the
       correlation coefficient in samples from an indefinitely large
       population. Biometrika 10(4), 507-521. doi:10.2307/2331838

    Examples
    --------
    >>> import numpy as np
    >>> d = simulate_election_pair(np.full(60, 400), np.repeat(np.arange(6), 10), rng=1)
    >>> r = persistence_test(d, "share_before", "share_after")
    >>> r.n, round(r.statistic, 3), r.pvalue < 1e-6
    (60, 0.874, True)
    >>> round(r.mean_swing, 3)
    -0.175
    >>> rc = persistence_test(d, "share_before", "share_after", cluster="cluster",
    ...                       n_resamples=99, rng=2)
    >>> rc.n_clusters, rc.ci_low < r.statistic < rc.ci_high
    (6, True)
    """
    check_confidence_level(confidence_level)
    cols = [x, y] + ([weights] if weights else []) + ([cluster] if cluster else [])
    ok = _usable(table, cols, numeric=[x, y] + ([weights] if weights else []))
    n = int(ok.sum())
    if n < 4:
        raise DataError(f"need at least 4 usable units, got {n}")
    xv, yv = table[x].to_numpy(float)[ok], table[y].to_numpy(float)[ok]
    for name, v in ((x, xv), (y, yv)):
        if np.ptp(v) == 0:
            raise DataError(f"column {name!r} is constant over the {n} usable units")
    w = table[weights].to_numpy(float)[ok] if weights else np.ones(n)
    if (w < 0).any() or not w.sum() > 0:
        raise DataError(
            f"weights {weights!r} must be non-negative and not all 0; negative in rows "
            f"{table.index[ok][w < 0][:10].tolist()}"
        )
    r = as_float(np.corrcoef(xv, yv)[0, 1])
    lo, hi, p = fisher_ci(r, n, 1.0, confidence_level)
    method, g = "Fisher z", 0
    if cluster is not None:
        if int(n_resamples) != n_resamples or n_resamples < 1:
            raise ValueError(f"n_resamples must be a positive integer, got {n_resamples}")
        codes, g = _cluster_codes(table, cluster, ok)
        gen = np.random.default_rng(rng)
        # per-cluster sums of the moments: a resample's r from sums of the picked clusters
        mom = np.column_stack([np.ones(n), xv, yv, xv * xv, yv * yv, xv * yv])
        csum = np.zeros((g, mom.shape[1]))
        np.add.at(csum, codes, mom)
        pick = gen.integers(0, g, (int(n_resamples), g))
        s = np.einsum("bg,gk->bk", np.apply_along_axis(np.bincount, 1, pick, minlength=g), csum)
        mx, my = s[:, 1] / s[:, 0], s[:, 2] / s[:, 0]
        vx, vy = s[:, 3] / s[:, 0] - mx**2, s[:, 4] / s[:, 0] - my**2
        with np.errstate(divide="ignore", invalid="ignore"):
            rb = (s[:, 5] / s[:, 0] - mx * my) / np.sqrt(vx * vy)
        rb[(vx <= 0) | (vy <= 0)] = np.nan  # a constant share among the clusters drawn
        undefined = int(np.isnan(rb).sum())
        if undefined == rb.size:
            raise DataError(f"r is undefined in every cluster resample ({g} clusters)")
        tails = [50 * (1 - confidence_level), 50 * (1 + confidence_level)]
        lo, hi = (as_float(q) for q in np.nanpercentile(rb, tails))
        method = f"cluster bootstrap over {cluster!r} ({int(n_resamples)} resamples)"
        if undefined:
            method += f", {undefined} with r undefined left out"
    sw = yv - xv
    wm = as_float((w * sw).sum() / w.sum())
    return PersistenceResult(
        **_test_fields(
            ok,
            r,
            p,
            f"Pearson r of {x} and {y}",
            f"cross-election correlation of shares; interval: {method}",
            "no correlation",
            _REF,
        ),
        x=x,
        y=y,
        ci_low=lo,
        ci_high=hi,
        ci_method=method,
        spearman=as_float(stats.spearmanr(xv, yv)[0]),
        mean_swing=as_float(sw.mean()),
        sd_swing=as_float(sw.std(ddof=1)),
        weighted_mean_swing=wm,
        weighted_sd_swing=as_float(np.sqrt((w * (sw - wm) ** 2).sum() / w.sum())),
        n_clusters=g,
    )


persistence = deprecated_alias(persistence_test, "persistence")


# --------------------------------------------------------------------------- controlled
@dataclasses.dataclass(frozen=True)
class ControlledAssociationResult(TestResult):
    """Result of :func:`controlled_association_test`.

    Base fields: the OLS coefficient of ``x`` (``statistic`` =
    ``effect_size``) and its two-sided p-value (null: coefficient 0).
    ``ci_low``/``ci_high`` its interval; ``raw_slope`` and its interval the
    same regression without controls; ``coefficients`` the full table;
    ``cluster`` the cluster column (None for HC1).
    """

    y: str
    x: str
    controls: tuple[str, ...]
    cov_type: str
    se: float
    ci_low: float
    ci_high: float
    raw_slope: float
    raw_ci_low: float
    raw_ci_high: float
    r_squared: float
    n_clusters: int
    coefficients: pd.DataFrame
    cluster: str | None = None


def _ols(yv, X, names, codes, confidence_level):
    import statsmodels.api as sm

    model = sm.OLS(yv, X)
    if codes is None:
        fit = model.fit(cov_type="HC1")
    else:
        # t with G - 1 degrees of freedom and the G/(G-1) (N-1)/(N-K) correction
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    ci = np.asarray(fit.conf_int(alpha=1 - confidence_level))
    return pd.DataFrame(
        {
            "term": names,
            "coef": np.asarray(fit.params),
            "se": np.asarray(fit.bse),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
            "pvalue": np.asarray(fit.pvalues),
        }
    ), float(fit.rsquared)


@renamed_parameters(level="confidence_level")
def controlled_association_test(
    table: pd.DataFrame,
    y: str,
    x: str,
    *,
    controls: Sequence[str] = (),
    cluster: str | None = None,
    confidence_level: float = 0.95,
) -> ControlledAssociationResult:
    """Does ``y`` move with ``x`` once earlier values (``controls``) are held fixed?

    The test between "ballots added where turnout is high" and "persistent
    local structure": regress the later share on the later turnout and on
    the earlier share (and turnout); the coefficient of the later turnout
    is the association the earlier geography does not explain.

    Parameters
    ----------
    table : pandas.DataFrame
        Units in rows (e.g. :attr:`ElectionJoin.table`); rows with
        ``usable`` False or a missing value in any used column are
        excluded and counted.
    y, x : str
        Response (e.g. ``"share_2024"``) and the regressor tested (e.g.
        ``"turnout_2024"``).
    controls : sequence of str
        Further regressors (e.g. ``("share_2013", "turnout_2013")``).
    cluster : str, optional
        Column of clusters (e.g. states) for cluster-robust standard errors
        (Liang–Zeger with the small-sample factor, t with G - 1 degrees of
        freedom); default HC1 with units independent.
    confidence_level : float
        Confidence level of the intervals (was ``level``).

    Returns
    -------
    ControlledAssociationResult

    Raises
    ------
    DataError
        If a column is missing or not numeric, there are too few usable
        units, the regressors are collinear among them, or they fall in a
        single cluster.

    Notes
    -----
    Ordinary least squares with an intercept, fitted with statsmodels;
    unweighted (every unit counts once). With few clusters (tens) the
    cluster-robust t test is approximately, not exactly, of nominal size
    (Cameron & Miller 2015); check it by simulation
    (:func:`simulate_election_pair`).

    Reading: stuffing for the candidate at some units raises their turnout
    and share together, beyond what their past predicts, so the
    coefficient of ``x`` is positive with the controls. Persistent local
    structure (places that vote for the candidate also turn out more, year
    after year) is absorbed by the controls to the extent that the
    earlier values measure it; year-specific noise in the earlier values
    leaves part of it in the coefficient (errors in variables), so a
    positive coefficient alone does not establish stuffing, while a
    coefficient near zero speaks against stuffing correlated with turnout.

    References
    ----------
    .. [1] Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to
       cluster-robust inference. Journal of Human Resources 50(2), 317-372.
       doi:10.3368/jhr.50.2.317
    .. [2] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
       of Election Fraud: Russia and Ukraine. Cambridge University Press
       (ISBN 9780521748360).

    Examples
    --------
    Two clean elections on 120 units in 12 clusters, then the same with
    ballots stuffed for the candidate in a fifth of the units (60 % of the
    non-voters there):

    >>> import numpy as np
    >>> reg, cl = np.full(120, 500), np.repeat(np.arange(12), 10)
    >>> d = simulate_election_pair(reg, cl, rng=4, coupling=0.0)
    >>> r = controlled_association_test(d, "share_after", "turnout_after",
    ...                                 controls=["share_before"], cluster="cluster")
    >>> r.n, r.n_clusters, round(r.statistic, 3), round(r.pvalue, 3)
    (120, 12, 0.016, 0.703)
    >>> d = simulate_election_pair(reg, cl, rng=4, coupling=0.0, stuffing_fraction=0.2,
    ...                            stuffing_intensity=0.6)
    >>> r = controlled_association_test(d, "share_after", "turnout_after",
    ...                                 controls=["share_before"], cluster="cluster")
    >>> round(r.statistic, 3), r.pvalue < 0.01
    (0.289, True)
    """
    check_confidence_level(confidence_level)
    controls = tuple(controls)
    if x in controls or y in (x, *controls):
        raise ValueError(f"y, x and controls must be distinct columns, got {y}, {x}, {controls}")
    cols = [x, *controls]
    ok = _usable(table, [y, *cols] + ([cluster] if cluster else []), numeric=[y, *cols])
    k = 2 + len(controls)
    n = int(ok.sum())
    if n <= k + 1:
        raise DataError(f"need more than {k + 1} usable units for {k} coefficients, got {n}")
    yv = table[y].to_numpy(float)[ok]
    X = np.column_stack([np.ones(n)] + [table[c].to_numpy(float)[ok] for c in cols])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise DataError(
            f"the regressors {cols} and the intercept are collinear over the {n} usable units"
        )
    codes, g = (None, 0) if cluster is None else _cluster_codes(table, cluster, ok)
    coef, r2 = _ols(yv, X, ["const", *cols], codes, confidence_level)
    raw, _ = _ols(yv, X[:, :2], ["const", x], codes, confidence_level)
    row, rraw = coef.iloc[1], raw.iloc[1]
    cov = "HC1" if cluster is None else f"cluster-robust by {cluster!r} ({g} clusters, t G-1)"
    return ControlledAssociationResult(
        **_test_fields(
            ok,
            row["coef"],
            row["pvalue"],
            f"OLS coefficient of {x}",
            f"OLS of {y} on {x}" + (f" + {' + '.join(controls)}" if controls else "") + f", {cov}",
            f"coefficient of {x} = 0",
            "Cameron & Miller (2015), doi:10.3368/jhr.50.2.317",
        ),
        y=y,
        x=x,
        controls=controls,
        cov_type=cov,
        se=as_float(row["se"]),
        ci_low=as_float(row["ci_low"]),
        ci_high=as_float(row["ci_high"]),
        raw_slope=as_float(rraw["coef"]),
        raw_ci_low=as_float(rraw["ci_low"]),
        raw_ci_high=as_float(rraw["ci_high"]),
        r_squared=as_float(r2),
        n_clusters=g,
        coefficients=coef,
        cluster=cluster,
    )


controlled_association = deprecated_alias(controlled_association_test, "controlled_association")


def controlled_bins(
    table: pd.DataFrame, result: ControlledAssociationResult, *, bins: int = 10
) -> pd.DataFrame:
    """Mean of ``y`` in quantile bins of ``x``, as observed and with the controls held fixed.

    The picture of :func:`controlled_association_test`: within each bin of
    the regressor tested, the mean response, and the mean response once the
    controls' part of the fitted regression is taken out (the residual of
    the controls, plus the overall mean of ``y``). A flat second curve is a
    coefficient of ``x`` near 0.

    Parameters
    ----------
    table : pandas.DataFrame
        The table ``result`` was fitted on.
    result : ControlledAssociationResult
        The fit whose ``y``, ``x``, controls and coefficients are used.
    bins : int
        Number of quantile bins of ``x`` (:func:`pandas.qcut`).

    Returns
    -------
    pandas.DataFrame
        One row per bin, in order of ``x``: ``bin`` (0 up), ``units``,
        ``x_low``, ``x_high``, ``mean_x``, ``mean_y`` and
        ``mean_y_controlled`` (mean of ``y - b_0 - sum_c b_c c + mean(y)``,
        with the fitted intercept ``b_0`` and control coefficients ``b_c``).

    Raises
    ------
    DataError
        If a column is missing or the usable rows are not those of the fit.

    References
    ----------
    .. [1] Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to
       cluster-robust inference. Journal of Human Resources 50(2), 317-372.
       doi:10.3368/jhr.50.2.317

    Examples
    --------
    >>> import numpy as np
    >>> d = simulate_election_pair(np.full(100, 500), np.repeat(np.arange(10), 10), rng=4)
    >>> r = controlled_association_test(d, "share_after", "turnout_after",
    ...                                 controls=["share_before"])
    >>> b = controlled_bins(d, r, bins=4)
    >>> b[["bin", "units", "mean_x", "mean_y", "mean_y_controlled"]].round(3)
       bin  units  mean_x  mean_y  mean_y_controlled
    0    0     25   0.449   0.240              0.283
    1    1     25   0.592   0.292              0.262
    2    2     25   0.672   0.285              0.291
    3    3     25   0.763   0.351              0.265
    """
    if int(bins) != bins or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins}")
    cols = [result.y, result.x, *result.controls]
    ok = _usable(table, cols + ([result.cluster] if result.cluster else []), numeric=cols)
    if int(ok.sum()) != result.n:
        raise DataError(
            f"{int(ok.sum())} usable rows in the table, {result.n} in the fit: "
            "pass the table the result was fitted on"
        )
    t = table[ok]
    coef = result.coefficients.set_index("term")["coef"]
    adjusted = t[result.y] - coef["const"]
    for c in result.controls:
        adjusted = adjusted - coef[c] * t[c]
    which = pd.qcut(t[result.x], int(bins), labels=False)
    frame = pd.DataFrame(
        {"x": t[result.x], "y": t[result.y], "adj": adjusted + t[result.y].mean()}
    )
    out = frame.groupby(which).agg(
        units=("x", "size"),
        x_low=("x", "min"),
        x_high=("x", "max"),
        mean_x=("x", "mean"),
        mean_y=("y", "mean"),
        mean_y_controlled=("adj", "mean"),
    )
    out.index = out.index.astype(np.int64)
    return out.rename_axis("bin").reset_index()


# --------------------------------------------------------------------------- simulation
def simulate_election_pair(
    registered: ArrayLike,
    clusters: ArrayLike,
    *,
    rng: np.random.Generator | int | None,
    labels: Sequence[str] = ("before", "after"),
    turnout: Sequence[float] = (0.8, 0.6),
    share: Sequence[float] = (0.5, 0.3),
    turnout_sd: float = 0.5,
    share_sd: float = 0.6,
    cluster_sd: float = 0.2,
    share_persistence: float = 0.9,
    turnout_persistence: float = 0.8,
    coupling: float = 0.3,
    stuffing_fraction: float = 0.0,
    stuffing_intensity: float = 0.3,
) -> pd.DataFrame:
    """Two honest elections on the same units with persistent local structure.

    Parameters
    ----------
    registered : array of int
        Registered voters per unit (the same in both elections).
    clusters : array
        Cluster (e.g. state) of each unit.
    rng : numpy.random.Generator or int or None
    labels : pair of str
        Suffixes of the columns, as in :func:`join_elections`.
    turnout, share : pair of float
        Mean turnout and candidate share in each election.
    turnout_sd, share_sd : float
        SD across units of the logit turnout and logit share, within a
        cluster.
    cluster_sd : float
        SD of the cluster effects on the logit scale (shared by both
        elections and both quantities' scales).
    share_persistence, turnout_persistence : float in [0, 1]
        Correlation of a unit's latent logit share (turnout) across the two
        elections: the share of its variance that is permanent.
    coupling : float in (-1, 1)
        Correlation of the permanent turnout and share components: places
        that vote for the candidate also turn out more (or less), in both
        elections, without any manipulation.
    stuffing_fraction, stuffing_intensity : float in [0, 1]
        In a random ``stuffing_fraction`` of the units, in the later
        election only, each registered non-voter becomes a ballot for the
        candidate with probability ``stuffing_intensity``.

    Returns
    -------
    pandas.DataFrame
        The columns of :attr:`ElectionJoin.table` (``unit``, ``cluster``,
        ``registered_L``, ``ballots_L``, ``valid_L`` = ballots,
        ``votes_L``, ``turnout_L``, ``share_L``, ``swing``,
        ``turnout_change``, ``usable``) and ``stuffed``.

    Notes
    -----
    On the logit scale, unit *i* in cluster *g* at election *y* has
    :math:`\\mathrm{logit}\\,s_{iy} = \\mathrm{logit}\\,\\bar s_y + c_g + u_i +
    e_{iy}` with :math:`u_i` permanent (variance ``share_persistence`` ×
    ``share_sd``²) and :math:`e_{iy}` fresh each election, and likewise for
    turnout with permanent :math:`v_i` correlated ``coupling`` with
    :math:`u_i`. Ballots are :math:`\\mathrm{Bin}(R_i, t_{iy})` and votes
    :math:`\\mathrm{Bin}(B_{iy}, s_{iy})`. With ``share_persistence = 1`` the
    earlier share measures :math:`u_i` up to binomial noise, so the later
    share is unrelated to the later turnout given the earlier share and
    turnout only approximately; with persistence below 1 the earlier values
    are noisy proxies and the coupling leaks into the controlled
    coefficient (errors in variables).

    References
    ----------
    .. [1] Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to
       cluster-robust inference. Journal of Human Resources 50(2), 317-372.
       doi:10.3368/jhr.50.2.317 (cluster effects shared by units, as here).

    Examples
    --------
    >>> import numpy as np
    >>> d = simulate_election_pair(np.full(8, 300), [0, 0, 0, 0, 1, 1, 1, 1], rng=0,
    ...                            stuffing_fraction=0.25)
    >>> d[["unit", "cluster", "ballots_before", "votes_after", "stuffed"]].head(3)
      unit  cluster  ballots_before  votes_after  stuffed
    0    0        0             227           97     True
    1    1        0             221           23    False
    2    2        0             235           87     True
    >>> int(d["stuffed"].sum()), bool(d["usable"].all())
    (2, True)
    """
    gen = np.random.default_rng(rng)
    reg = np.asarray(registered, dtype=np.int64)
    cl = np.asarray(clusters)
    if reg.ndim != 1 or cl.shape != reg.shape or reg.size < 2:
        raise ValueError("registered and clusters must be 1-d arrays of the same length >= 2")
    if np.any(reg <= 0):
        raise ValueError("registered must be positive")
    labels = tuple(str(lab) for lab in labels)
    if len(labels) != 2 or labels[0] == labels[1]:
        raise ValueError(f"labels must be two distinct names, got {labels}")
    for name, pair in (("turnout", turnout), ("share", share)):
        if len(pair) != 2 or not all(0 < v < 1 for v in pair):
            raise ValueError(f"{name} must be two rates in (0, 1), got {tuple(pair)}")
    for name, v in (
        ("share_persistence", share_persistence),
        ("turnout_persistence", turnout_persistence),
        ("stuffing_fraction", stuffing_fraction),
        ("stuffing_intensity", stuffing_intensity),
    ):
        if not 0 <= v <= 1:
            raise ValueError(f"{name} must lie in [0, 1], got {v}")
    if not -1 < coupling < 1:
        raise ValueError(f"coupling must lie in (-1, 1), got {coupling}")
    n = reg.size
    codes, uniq = pd.factorize(cl)
    z = gen.standard_normal((2, n))
    u = z[0]
    v = coupling * z[0] + np.sqrt(1 - coupling**2) * z[1]
    c_s = cluster_sd * gen.standard_normal(len(uniq))[codes]
    c_t = cluster_sd * gen.standard_normal(len(uniq))[codes]
    out = pd.DataFrame({"unit": np.arange(n).astype(str), "cluster": cl})
    stuffed = np.zeros(n, dtype=bool)
    if stuffing_fraction > 0:
        stuffed[gen.choice(n, round(stuffing_fraction * n), replace=False)] = True
    for y, lab in enumerate(labels):
        ls = (
            special.logit(share[y])
            + c_s
            + share_sd * (np.sqrt(share_persistence) * u)
            + share_sd * np.sqrt(1 - share_persistence) * gen.standard_normal(n)
        )
        lt = (
            special.logit(turnout[y])
            + c_t
            + turnout_sd * (np.sqrt(turnout_persistence) * v)
            + turnout_sd * np.sqrt(1 - turnout_persistence) * gen.standard_normal(n)
        )
        ballots = gen.binomial(reg, special.expit(lt))
        votes = gen.binomial(ballots, special.expit(ls))
        if y == 1 and stuffed.any():
            add = gen.binomial(reg - ballots, stuffing_intensity) * stuffed
            ballots, votes = ballots + add, votes + add
        out[f"registered_{lab}"] = reg
        out[f"ballots_{lab}"] = ballots
        out[f"valid_{lab}"] = ballots
        out[f"votes_{lab}"] = votes
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"turnout_{lab}"] = ballots / reg
            out[f"share_{lab}"] = np.where(ballots > 0, votes / ballots, np.nan)
    e0, e1 = labels
    out["swing"] = out[f"share_{e1}"] - out[f"share_{e0}"]
    out["turnout_change"] = out[f"turnout_{e1}"] - out[f"turnout_{e0}"]
    out["usable"] = np.isfinite(out["swing"].to_numpy())
    out["stuffed"] = stuffed
    return out
