"""Coverage and cross-version agreement of partial station-level data.

Tally-sheet collections (such as those gathered by an opposition's witnesses)
cover only part of the stations, and circulate in several versions. These
tools describe the data before any test is run on them:

* :func:`coverage_by_state` counts the stations a data set holds per group
  and sets them against a documented reference count;
* :func:`table_number_floor` derives, from the data alone, a lower bound on
  the number of tables in the centres the data reach;
* :func:`compare_versions` joins two versions station by station and says
  which stations agree, differ or occur in one version only;
* :func:`reweighted_shares` re-weights vote shares by inverse coverage, a
  sensitivity check for uneven coverage across groups.

All return tidy DataFrames. They describe coverage; they say nothing about
whether the missing stations resemble the covered ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from forensics.election import DataError, Election

__all__ = [
    "compare_versions",
    "coverage_by_state",
    "reweighted_shares",
    "table_number_floor",
]

#: Status labels of :func:`compare_versions`, in reporting order.
STATUSES = ("identical", "differ", "only in a", "only in b")


def _frame(data: Election | pd.DataFrame, what: str) -> pd.DataFrame:
    if isinstance(data, Election):
        return data.stations
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(f"{what} must be an Election or a DataFrame, got {type(data).__name__}")


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{what}: missing column(s) {missing}; columns are {list(df.columns)}")


def _rows(df: pd.DataFrame, mask: ArrayLike) -> list[str]:
    """Up to ten rows where ``mask`` holds: station ids if there are any, else index labels."""
    mask = np.asarray(mask, dtype=bool)
    ids = df["station"][mask] if "station" in df.columns else df.index[mask].to_series()
    return ids.astype(str).head(10).tolist()


def _no_missing(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Grouping or key columns must be complete: a missing value would drop its row."""
    for c in columns:
        gap = df[c].isna().to_numpy()
        if gap.any():
            raise DataError(
                f"{what}: column '{c}' is missing in {int(gap.sum())} row(s): {_rows(df, gap)}"
            )


def _numbers(df: pd.DataFrame, column: str, what: str) -> np.ndarray:
    """A column as floats; a value that is present but not a number is an error."""
    values = pd.to_numeric(df[column], errors="coerce")
    bad = (values.isna() & df[column].notna()).to_numpy()
    if bad.any():
        raise DataError(
            f"{what}: column '{column}' holds values that are not numbers in rows "
            f"{_rows(df, bad)}: {df.loc[bad, column].astype(str).head(10).tolist()}"
        )
    return values.to_numpy(dtype=float)


def coverage_by_state(
    actas: Election | pd.DataFrame,
    reference: pd.Series,
    *,
    level: str = "state",
    scale_to: float | None = None,
) -> pd.DataFrame:
    """Stations held per group, against a reference count of stations.

    Parameters
    ----------
    actas : Election or DataFrame
        The stations held (one row per station, with a ``level`` column).
    reference : pandas.Series
        Reference number of stations per group, indexed by the values of
        ``level``. Every group present in ``actas`` must be in it.
    level : str
        The grouping column (default ``"state"``).
    scale_to : float, optional
        If given, the reference is rescaled to sum to this total (its shares
        are kept), e.g. another election's table counts by state scaled to
        the current national number of tables.

    Returns
    -------
    pandas.DataFrame
        One row per reference group, sorted by ``level``: ``level``,
        ``stations`` (held), ``reference`` and ``coverage`` = stations /
        reference (can exceed 1 when the reference is an approximation).

    Raises
    ------
    DataError
        If ``actas`` has groups missing from ``reference`` or stations
        without a group, or a reference count is not a positive number.

    Notes
    -----
    Coverage is only as good as the reference. When the reference is a
    proxy (an earlier election's shares, rescaled), read group coverages as
    approximate; values above 1 show where the proxy undercounts.

    References
    ----------
    .. [1] Little, R. J. A. (1993). Post-stratification: a modeler's
       perspective. *Journal of the American Statistical Association*
       88(423), 1001-1012. https://doi.org/10.1080/01621459.1993.10476368
       (coverage per group is the weight of the post-stratified estimate,
       :func:`reweighted_shares`).

    Examples
    --------
    >>> import pandas as pd
    >>> held = pd.DataFrame({"station": ["a1", "a2", "b1"], "state": ["A", "A", "B"]})
    >>> coverage_by_state(held, pd.Series({"A": 4, "B": 2, "C": 5}))
      state  stations  reference  coverage
    0     A         2        4.0       0.5
    1     B         1        2.0       0.5
    2     C         0        5.0       0.0
    """
    df = _frame(actas, "actas")
    _require(df, [level], "actas")
    _no_missing(df, [level], "actas")
    try:
        ref = pd.Series(reference, dtype=float)
    except (TypeError, ValueError):
        raise DataError(
            f"reference counts must be numbers, got {pd.Series(reference).head(10).tolist()}"
        ) from None
    if ref.index.has_duplicates:
        raise DataError(
            f"reference has duplicate groups: {sorted(ref.index[ref.index.duplicated()])}"
        )
    bad = ref[~(ref > 0)]
    if len(bad):
        raise DataError(f"reference counts must be positive; not for {list(bad.index)}")
    held = df[level].value_counts()
    unknown = sorted(set(held.index) - set(ref.index))
    if unknown:
        raise DataError(
            f"groups in column '{level}' missing from the reference: {unknown}; "
            "add them to the reference or subset the stations first"
        )
    if scale_to is not None:
        if not scale_to > 0:
            raise ValueError(f"scale_to must be positive, got {scale_to!r}")
        ref = ref * (float(scale_to) / ref.sum())
    out = pd.DataFrame(
        {
            level: ref.index.astype(str),
            "stations": held.reindex(ref.index, fill_value=0).to_numpy(dtype=np.int64),
            "reference": ref.to_numpy(dtype=float),
        }
    )
    out["coverage"] = out["stations"] / out["reference"]
    return out.sort_values(level, kind="stable").reset_index(drop=True)


def table_number_floor(
    actas: Election | pd.DataFrame,
    *,
    level: str = "state",
    centre: str = "centre",
    table: str = "table",
) -> pd.DataFrame:
    """A lower bound on the tables of the centres reached, from table numbers.

    If a centre's tables are numbered 1, 2, ..., n, the highest table number
    seen in the data is a lower bound on n. Summed over the centres the data
    reach, it bounds the number of tables there from below, without any
    outside reference.

    Parameters
    ----------
    actas : Election or DataFrame
        One row per station with ``level``, ``centre`` and integer ``table``
        columns.
    level, centre, table : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``level``, ``centres`` (reached), ``stations``
        (held), ``floor`` (sum over centres of the highest table number),
        ``gaps`` = floor - stations (tables known to exist but missing) and
        ``coverage_max`` = stations / floor, an upper bound on the coverage
        of those centres.

    Raises
    ------
    DataError
        If a column is missing, a table number is not a positive integer, or
        a (centre, table) pair occurs twice.

    Notes
    -----
    The bound assumes consecutive numbering from 1 within each centre (check
    it on a complete official file of the same authority). It says nothing
    about centres the data do not reach, nor about tables numbered above the
    highest one seen.

    References
    ----------
    .. [1] Goodman, L. A. (1954). Some practical techniques in serial number
       analysis. *Journal of the American Statistical Association* 49(265),
       97-112. https://doi.org/10.1080/01621459.1954.10501218 (the largest
       serial number seen as a bound on the number issued).

    Examples
    --------
    Centre c1 shows tables 1 and 3, so it has at least 3; c2 shows table 2:

    >>> import pandas as pd
    >>> held = pd.DataFrame({"state": ["A", "A", "A"], "centre": ["c1", "c1", "c2"],
    ...                      "table": [1, 3, 2]})
    >>> table_number_floor(held)
      state  centres  stations  floor  gaps  coverage_max
    0     A        2         3      5     2           0.6
    """
    df = _frame(actas, "actas")
    _require(df, [level, centre, table], "actas")
    _no_missing(df, [level, centre], "actas")
    numbers = pd.to_numeric(df[table], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers) | (numbers < 1) | (numbers != np.round(numbers))
    if bad.any():
        raise DataError(
            f"column '{table}' must hold positive integers; bad values "
            f"{df.loc[bad, table].astype(str).head(10).tolist()}"
        )
    dup = df.duplicated([centre, table], keep=False).to_numpy()
    if dup.any():
        pairs = df.loc[dup, [centre, table]].astype(str).agg("/".join, axis=1)
        raise DataError(f"(centre, table) pairs occur more than once: {pairs.head(10).tolist()}")
    work = pd.DataFrame({level: df[level].to_numpy(), "c": df[centre].to_numpy(), "t": numbers})
    per_centre = work.groupby([level, "c"], sort=True).agg(n=("t", "size"), top=("t", "max"))
    out = per_centre.groupby(level, sort=True).agg(
        centres=("n", "size"), stations=("n", "sum"), floor=("top", "sum")
    )
    out = out.reset_index()
    out[level] = out[level].astype(str)
    out["centres"] = out["centres"].astype(np.int64)
    out["stations"] = out["stations"].astype(np.int64)
    out["floor"] = out["floor"].astype(np.int64)
    out["gaps"] = out["floor"] - out["stations"]
    out["coverage_max"] = out["stations"] / out["floor"]
    return out


def compare_versions(
    a: Election | pd.DataFrame,
    b: Election | pd.DataFrame,
    *,
    on: str = "station",
    columns: Sequence[str] | None = None,
    keep: Sequence[str] = ("state",),
) -> pd.DataFrame:
    """Join two versions of the same stations and classify each station.

    Parameters
    ----------
    a, b : Election or DataFrame
        The two versions, one row per station, keyed by ``on``.
    on : str
        The key column (default ``"station"``); it must be unique in each.
    columns : sequence of str, optional
        The count columns to compare. Default: the candidates common to both
        (for Elections) or the numeric columns common to both (for frames),
        minus ``on`` and ``line``.
    keep : sequence of str
        Descriptive columns carried along (taken from ``a``, else ``b``)
        where present in either.

    Returns
    -------
    pandas.DataFrame
        One row per station in the union, sorted by ``on``: ``on``, the
        ``keep`` columns, ``status`` (``"identical"``, ``"differ"``,
        ``"only in a"``, ``"only in b"``), ``n_differ`` (number of compared
        columns that differ), ``abs_diff`` (sum of absolute differences) and
        one ``diff_<column>`` = b - a per compared column (NaN where a station
        is in one version only or a value is missing).

    Raises
    ------
    DataError
        If ``on`` is missing, incomplete or not unique, or a compared column
        is missing or holds a value that is not a number.

    Notes
    -----
    Two present values are equal only if numerically equal; a value missing
    in both versions counts as equal, one missing in one version only counts
    as a difference.

    References
    ----------
    .. [1] Fellegi, I. P. & Sunter, A. B. (1969). A theory for record
       linkage. *Journal of the American Statistical Association* 64(328),
       1183-1210. https://doi.org/10.1080/01621459.1969.10501049 (here the
       deterministic case: linkage on a unique key).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"station": ["s1", "s2", "s3"], "state": "A",
    ...                   "M": [10, 20, 30], "G": [5, 5, 5]})
    >>> b = pd.DataFrame({"station": ["s1", "s2", "s4"], "state": "A",
    ...                   "M": [10, 22, 1], "G": [5, 5, 1]})
    >>> compare_versions(a, b)[["station", "status", "n_differ", "diff_M"]]
      station     status  n_differ  diff_M
    0      s1  identical         0     0.0
    1      s2     differ         1     2.0
    2      s3  only in a         0     NaN
    3      s4  only in b         0     NaN
    """
    fa, fb = _frame(a, "a"), _frame(b, "b")
    _require(fa, [on], "a")
    _require(fb, [on], "b")
    _no_missing(fa, [on], "a")
    _no_missing(fb, [on], "b")
    for name, f in (("a", fa), ("b", fb)):
        if f[on].duplicated().any():
            dups = f.loc[f[on].duplicated(), on].astype(str).head(10).tolist()
            raise DataError(f"{name}: key column '{on}' is not unique, e.g. {dups}")
    if columns is None:
        if isinstance(a, Election) and isinstance(b, Election):
            columns = [c for c in a.candidates if c in b.candidates]
        else:
            columns = [
                c
                for c in fa.columns
                if c in fb.columns
                and c not in (on, "line")
                and pd.api.types.is_numeric_dtype(fa[c])
                and pd.api.types.is_numeric_dtype(fb[c])
            ]
    columns = list(columns)
    if not columns:
        raise DataError("no columns to compare")
    _require(fa, columns, "a")
    _require(fb, columns, "b")
    for col in columns:
        _numbers(fa, col, "a")
        _numbers(fb, col, "b")

    keys = pd.Index(fa[on]).union(pd.Index(fb[on])).sort_values()
    ia = fa.set_index(on).reindex(keys)
    ib = fb.set_index(on).reindex(keys)
    in_a = keys.isin(fa[on])
    in_b = keys.isin(fb[on])

    out = pd.DataFrame({on: keys.to_numpy()})
    for col in keep:
        if col in fa.columns or col in fb.columns:
            va = ia[col] if col in ia.columns else pd.Series(np.nan, index=keys)
            vb = ib[col] if col in ib.columns else pd.Series(np.nan, index=keys)
            out[col] = va.where(in_a, vb).to_numpy()
    both = in_a & in_b
    n_differ = np.zeros(len(keys), dtype=np.int64)
    abs_diff = np.zeros(len(keys), dtype=float)
    diffs = {}
    for col in columns:
        xa = pd.to_numeric(ia[col], errors="coerce").to_numpy(dtype=float)
        xb = pd.to_numeric(ib[col], errors="coerce").to_numpy(dtype=float)
        d = np.where(both, xb - xa, np.nan)
        nan_a, nan_b = np.isnan(xa), np.isnan(xb)
        differs = both & ((nan_a != nan_b) | (~nan_a & ~nan_b & (xa != xb)))
        n_differ += differs
        abs_diff += np.where(np.isfinite(d), np.abs(d), 0.0)
        diffs[f"diff_{col}"] = d
    status = np.where(
        both,
        np.where(n_differ > 0, "differ", "identical"),
        np.where(in_a, "only in a", "only in b"),
    )
    out["status"] = pd.Categorical(status, categories=list(STATUSES))
    out["n_differ"] = np.where(both, n_differ, 0).astype(np.int64)
    out["abs_diff"] = np.where(both, abs_diff, np.nan)
    for name, d in diffs.items():
        out[name] = d
    return out


def reweighted_shares(
    actas: Election | pd.DataFrame,
    coverage: pd.DataFrame,
    *,
    candidates: Sequence[str],
    level: str = "state",
    of: str = "valid",
) -> pd.DataFrame:
    """Vote shares as held, and re-weighted by inverse coverage per group.

    Each group's votes are multiplied by ``1 / coverage`` (from a
    :func:`coverage_by_state` table) before the national shares are formed,
    so each group weighs as if fully covered.

    Parameters
    ----------
    actas : Election or DataFrame
        Stations with ``level``, ``of`` and the ``candidates`` columns.
    coverage : DataFrame
        Output of :func:`coverage_by_state` for the same ``level``.
    candidates : sequence of str
        Candidates whose shares are reported.
    level : str
        The grouping column.
    of : str
        The denominator column (default ``"valid"``).

    Returns
    -------
    pandas.DataFrame
        One row per candidate: ``candidate``, ``votes`` (held), ``share``
        (held votes / held ``of``), ``votes_reweighted``,
        ``share_reweighted`` and ``change`` = share_reweighted - share.

    Raises
    ------
    DataError
        If a column is missing or a group has no coverage value.

    Notes
    -----
    This is the usual post-stratification assumption: within a group, the
    missing stations vote like the held ones. It corrects for uneven
    coverage across groups, not for stations missing within a group for
    reasons related to their vote, and is a sensitivity check, not an
    estimate of the full count.

    References
    ----------
    .. [1] Little, R. J. A. (1993). Post-stratification: a modeler's
       perspective. *Journal of the American Statistical Association*
       88(423), 1001-1012. https://doi.org/10.1080/01621459.1993.10476368

    Examples
    --------
    Group A is held at half its stations, B in full: A's votes count twice.

    >>> import pandas as pd
    >>> held = pd.DataFrame({"station": ["a1", "a2", "b1"], "state": ["A", "A", "B"],
    ...                      "valid": [100, 100, 100], "M": [60, 60, 20]})
    >>> cov = coverage_by_state(held, pd.Series({"A": 4, "B": 1}))
    >>> reweighted_shares(held, cov, candidates=["M"]).round(4)
      candidate  votes   share  votes_reweighted  share_reweighted  change
    0         M  140.0  0.4667             260.0              0.52  0.0533
    """
    df = _frame(actas, "actas")
    candidates = list(candidates)
    _require(df, [level, of, *candidates], "actas")
    _require(coverage, [level, "coverage"], "coverage")
    _no_missing(df, [level], "actas")
    if coverage[level].duplicated().any():
        dups = coverage.loc[coverage[level].duplicated(), level].astype(str).tolist()
        raise DataError(f"coverage: groups occur more than once: {dups[:10]}")
    cov = coverage.set_index(coverage[level].astype(str))["coverage"]
    groups = df[level].astype(str)
    missing = sorted(set(groups) - set(cov.index))
    if missing:
        raise DataError(f"no coverage for group(s) {missing}")
    held = cov.reindex(groups.unique())
    if not (held > 0).all():
        raise DataError(f"coverage must be positive; not for {list(held.index[~(held > 0)])}")
    weight = 1.0 / groups.map(cov).to_numpy(dtype=float)
    counts = {c: _numbers(df, c, "actas") for c in dict.fromkeys([of, *candidates])}
    gap = np.column_stack(list(counts.values()))
    gap = np.isnan(gap).any(axis=1)
    if gap.any():
        raise DataError(
            f"actas: {int(gap.sum())} row(s) miss a count among {list(counts)}: "
            f"{_rows(df, gap)}; set them aside first"
        )
    denom = counts[of]
    if not denom.sum() > 0:
        raise DataError(f"actas: the '{of}' total is not positive")
    rows = []
    for cand in candidates:
        votes = counts[cand]
        share = votes.sum() / denom.sum()
        share_rw = (votes * weight).sum() / (denom * weight).sum()
        rows.append(
            {
                "candidate": cand,
                "votes": float(votes.sum()),
                "share": float(share),
                "votes_reweighted": float((votes * weight).sum()),
                "share_reweighted": float(share_rw),
                "change": float(share_rw - share),
            }
        )
    return pd.DataFrame(rows)
