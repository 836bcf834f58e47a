"""Are tally sheets genuine? Checks the public data allow, and the forgery a total needs.

When announced totals contradict a set of published tally sheets (actas),
the contradiction is decisive only if the actas are genuine. Station-level
digit tests cannot carry that hypothesis. This module gathers what can
speak to it from the published files themselves, usable on any election:

* :func:`reading_agreement`: do two independent readings of the same actas
  (e.g. a transcription of the printed digits and a decoding of a QR code
  on the sheet) agree, field by field?
* :func:`acta_checks`: is each acta internally consistent (sums, votes not
  above registered voters, identifier formats, unique identifiers, codes
  that match the table they claim)?
* :func:`duplicate_vote_test`: are identical vote vectors across actas more
  frequent than chance on the same table sizes (a sign of copied sheets)?
* :func:`forgery_bound`: if an announced total is right, how many actas at
  least must have been fabricated, and is the total possible at all given
  the coverage it claimed?

What none of these can verify: that the paper acta a reading came from was
the one signed at the table. Only the election authority's own signed
records (the machines' transmitted results with their digital signatures,
the paper actas in its custody, the audit records) can establish that.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forensics._compat import renamed_parameters
from forensics.coverage import compare_versions
from forensics.election import DataError, Election
from forensics.results import TestResult, as_float, as_int

__all__ = [
    "ActaChecks",
    "DuplicateResult",
    "ForgeryBound",
    "ReadingAgreement",
    "acta_checks",
    "duplicate_vote_test",
    "forgery_bound",
    "forgery_curve",
    "reading_agreement",
]

_AUDIT_REF = (
    "Lindeman, M. & Stark, P. B. (2012). A gentle introduction to risk-limiting audits. "
    "IEEE Security & Privacy 10(5), 42-49. doi:10.1109/MSP.2012.56"
)


# ------------------------------------------------------------ agreement
@dataclass(frozen=True)
class ReadingAgreement:
    """Result of :func:`reading_agreement`.

    Attributes
    ----------
    fields : pandas.DataFrame
        One row per field compared: ``field``, ``n_matched`` (actas in both
        readings), ``n_agree``, ``agreement`` (rate), ``n_disagree``,
        ``abs_difference`` (sum of absolute differences, votes), and a last
        row ``all fields`` (actas agreeing on every field).
    disagreements : pandas.DataFrame
        One row per acta and field that differ: ``station``, ``field``,
        ``a``, ``b``, ``difference`` (``b - a``, as in
        :func:`~forensics.coverage.compare_versions`).
    only_a, only_b : list of str
        Stations in one reading only.
    """

    fields: pd.DataFrame
    disagreements: pd.DataFrame
    only_a: list[str]
    only_b: list[str]

    @property
    def n_matched(self) -> int:
        """Actas present in both readings."""
        return int(self.fields["n_matched"].iloc[0]) if len(self.fields) else 0

    @property
    def agreement_all(self) -> float:
        """Share of matched actas that agree on every field."""
        return float(self.fields["agreement"].iloc[-1]) if len(self.fields) else math.nan


def reading_agreement(
    a: Election, b: Election, *, fields: Sequence[str] | None = None
) -> ReadingAgreement:
    """Field-by-field agreement between two readings of the same tally sheets.

    Parameters
    ----------
    a, b : Election
        Two readings of (some of) the same actas, joined on ``station``
        (e.g. a transcription of the printed digits and a decoding of the
        acta's QR code).
    fields : sequence of str, optional
        Count columns to compare. Default: the candidates common to both.

    Returns
    -------
    ReadingAgreement

    Raises
    ------
    forensics.DataError
        If a field is missing from one reading (the columns are named), a
        station id repeats in one reading, or no station is in both.

    See Also
    --------
    forensics.coverage.compare_versions : the station-by-station join this
        summarises field by field.

    Notes
    -----
    What agreement shows: that the two pipelines read the same numbers from
    the same sheets, i.e. transcription fidelity. It does not show that the
    sheet is genuine: a fabricated acta whose QR code was generated from its
    own false numbers agrees with itself. Agreement is informative about
    independent errors only if the two readings are independent pipelines
    (different software or people, not one derived from the other); the
    caller must establish that from the provenance of the files.
    Disagreements are listed, never dropped: they locate misreadings (or
    sheets whose QR payload and printed digits differ, which only the
    physical sheet can settle).

    References
    ----------
    .. [1] Lindeman, M. & Stark, P. B. (2012). A gentle introduction to
       risk-limiting audits. IEEE Security & Privacy 10(5), 42-49.
       doi:10.1109/MSP.2012.56 (comparison of independent readings of the
       same ballots or records as the basis of an audit).

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics import Election
    >>> df = pd.DataFrame({"station": ["t1", "t2", "t3"], "A": [120, 90, 80],
    ...                    "B": [60, 70, 40]})
    >>> a = Election.from_frame(df, candidates=["A", "B"], station="station")
    >>> b = Election.from_frame(df.assign(B=[60, 71, 40]), candidates=["A", "B"],
    ...                         station="station")
    >>> r = reading_agreement(a, b)
    >>> r.fields[["field", "n_agree", "n_disagree"]].to_numpy().tolist()
    [['A', 3, 0], ['B', 2, 1], ['all fields', 2, 1]]
    >>> r.disagreements.to_numpy().tolist()
    [['t2', 'B', 70.0, 71.0, 1.0]]
    """
    cols = [c for c in a.candidates if c in b.candidates] if fields is None else list(fields)
    if not cols:
        raise DataError("no common field to compare")
    for name, e in (("a", a), ("b", b)):
        missing = [c for c in cols if c not in e.stations.columns]
        if missing:
            raise DataError(f"reading {name} ({e.name!r}) has no column(s) {missing}")
    cmp = compare_versions(a, b, columns=cols, keep=())
    both = cmp[cmp["status"].isin(["identical", "differ"])]
    if both.empty:
        raise DataError(f"no station is in both {a.name!r} and {b.name!r}")
    diff = both[[f"diff_{c}" for c in cols]].to_numpy(float)  # b - a
    same = diff == 0
    n = len(both)
    rows = [
        {
            "field": c,
            "n_matched": n,
            "n_agree": int(same[:, j].sum()),
            "agreement": float(same[:, j].mean()),
            "n_disagree": int(n - same[:, j].sum()),
            "abs_difference": float(np.nansum(np.abs(diff[:, j]))),
        }
        for j, c in enumerate(cols)
    ]
    k_all = int(same.all(axis=1).sum())
    rows.append(
        {
            "field": "all fields",
            "n_matched": n,
            "n_agree": k_all,
            "agreement": k_all / n,
            "n_disagree": n - k_all,
            "abs_difference": float(np.nansum(np.abs(diff))),
        }
    )
    i, j = np.nonzero(~same)
    va = a.stations.set_index("station")[cols]
    dis = pd.DataFrame({"station": both["station"].to_numpy()[i], "field": np.asarray(cols)[j]})
    dis["a"] = [float(va.at[st, f]) for st, f in zip(dis["station"], dis["field"], strict=True)]
    dis["b"] = dis["a"] + diff[i, j]
    dis["difference"] = diff[i, j]
    return ReadingAgreement(
        fields=pd.DataFrame(rows),
        disagreements=dis,
        only_a=sorted(cmp.loc[cmp["status"] == "only in a", "station"].astype(str)),
        only_b=sorted(cmp.loc[cmp["status"] == "only in b", "station"].astype(str)),
    )


# ------------------------------------------------------ internal checks
@dataclass(frozen=True)
class ActaChecks:
    """Result of :func:`acta_checks`.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per check: ``check``, ``n_checked`` (rows the check applies
        to), ``n_flagged``.
    flags : pandas.DataFrame
        One row per flagged row and check: ``station``, ``line``, ``check``,
        ``detail``. Rows the loader set aside are included with check
        ``set aside by the loader`` and its reason, so nothing is dropped.
    """

    summary: pd.DataFrame
    flags: pd.DataFrame

    @property
    def n_flagged_rows(self) -> int:
        """Distinct rows with at least one flag."""
        return int(self.flags["line"].nunique()) if len(self.flags) else 0


def acta_checks(
    election: Election,
    *,
    code_column: str | None = None,
    code_pattern: str | None = None,
    code_levels: Mapping[str, str] | None = None,
    unique_columns: Sequence[str] = (),
) -> ActaChecks:
    """Internal consistency of each tally sheet.

    Parameters
    ----------
    election : Election
        Table-level results, one row per acta.
    code_column : str, optional
        A column holding each acta's identifier (serial or code).
    code_pattern : str, optional
        Regular expression the identifier must match in full. Named groups
        are compared with the level columns given in ``code_levels``.
    code_levels : mapping, optional
        ``{group name: level column}``: each named group of ``code_pattern``
        must equal the row's value of that column (compared as integers
        where both parse as integers, else as text).
    unique_columns : sequence of str
        Columns whose values must be unique across actas (e.g. an image URL
        or a hash).

    Returns
    -------
    ActaChecks

    Raises
    ------
    forensics.DataError
        If a named column is missing (the columns are named).
    ValueError
        If ``code_column`` and ``code_pattern`` are not given together, or a
        group of ``code_levels`` is not named in ``code_pattern``.

    Notes
    -----
    Checks, each counted over the rows where its inputs are known:
    candidate votes sum to valid votes; valid plus invalid equal ballots;
    ballots (or valid votes when ballots are unknown) do not exceed
    registered voters; registered voters are positive; the station id is
    unique; each ``unique_columns`` value is unique; the identifier matches
    ``code_pattern`` and its groups agree with the levels. A flag is a fact
    about the file, not a verdict on the acta: a transcription slip and a
    forged sheet both fail a sum, and a consistent sheet can still be
    false. A check against an independent registry (registered voters per
    centre) needs that registry; where it is not available the check is not
    made.

    References
    ----------
    .. [1] Lindeman, M. & Stark, P. B. (2012). A gentle introduction to
       risk-limiting audits. IEEE Security & Privacy 10(5), 42-49.
       doi:10.1109/MSP.2012.56

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics import Election
    >>> df = pd.DataFrame({"station": ["t1", "t2", "t3"], "registered": [300, 250, 200],
    ...                    "A": [120, 90, 80], "B": [60, 70, 40],
    ...                    "code": ["t1-001", "t2-002", "x"]})
    >>> e = Election.from_frame(df, candidates=["A", "B"], registered="registered",
    ...                         station="station", keep=["code"])
    >>> c = acta_checks(e, code_column="code", code_pattern=r"t\\d-\\d{3}")
    >>> c.flags[["station", "check", "detail"]].to_numpy().tolist()
    [['t3', 'code matches the pattern', 'x']]
    >>> c.n_flagged_rows
    1
    """
    if (code_column is None) != (code_pattern is None):
        raise ValueError("code_column and code_pattern go together: pass both or neither")
    if code_levels and code_pattern is None:
        raise ValueError("code_levels needs code_column and code_pattern")
    st = election.stations
    needed = [c for c in (code_column, *unique_columns) if c is not None]
    needed += list((code_levels or {}).values())
    missing = [c for c in needed if c not in st.columns]
    if missing:
        raise DataError(f"{election.name!r} has no column(s) {missing}")
    flags: list[pd.DataFrame] = []
    summary: list[dict] = []

    def record(check: str, applies: np.ndarray, bad: np.ndarray, detail) -> None:
        applies = np.asarray(applies, bool)
        bad = np.asarray(bad, bool) & applies
        summary.append(
            {"check": check, "n_checked": int(applies.sum()), "n_flagged": int(bad.sum())}
        )
        if bad.any():
            f = st.loc[bad, ["station", "line"]].copy()
            f["check"] = check
            f["detail"] = [str(d) for d in np.asarray(detail, dtype=object)[bad]]
            flags.append(f)

    cand = st[list(election.candidates)].to_numpy(float)
    csum = cand.sum(axis=1)
    valid = election.counts("valid")
    inv = election.counts("invalid")
    ballots = election.counts("ballots")
    reg = election.counts("registered")
    ok = np.isfinite(valid)
    record(
        "candidate votes sum to valid",
        ok,
        csum != valid,
        [f"candidates {s:.0f} vs valid {v:.0f}" for s, v in zip(csum, valid, strict=True)],
    )
    ok = np.isfinite(valid) & np.isfinite(inv) & np.isfinite(ballots)
    record(
        "valid + invalid = ballots",
        ok,
        valid + inv != ballots,
        [f"{v:.0f} + {i:.0f} vs {b:.0f}" for v, i, b in zip(valid, inv, ballots, strict=True)],
    )
    used = np.where(np.isfinite(ballots), ballots, valid)
    ok = np.isfinite(reg) & np.isfinite(used)
    record(
        "votes not above registered",
        ok,
        used > reg,
        [f"votes {u:.0f} > registered {r:.0f}" for u, r in zip(used, reg, strict=True)],
    )
    record("registered positive", np.isfinite(reg), reg <= 0, [f"{r:.0f}" for r in reg])
    dup = st["station"].duplicated(keep=False).to_numpy()
    record("unique station id", np.ones(len(st), bool), dup, st["station"].to_numpy())
    for col in unique_columns:
        vals = st[col].astype(str)
        known = (st[col].notna() & (vals.str.strip() != "")).to_numpy()
        dup = (vals.duplicated(keep=False) & known).to_numpy()
        record(f"unique {col}", known, dup, vals.to_numpy())
    if code_column is not None and code_pattern is not None:
        rx = re.compile(code_pattern)
        groups = dict(code_levels or {})
        unknown = [g for g in groups if g not in rx.groupindex]
        if unknown:
            raise ValueError(f"code_levels group(s) {unknown} are not named in code_pattern")
        codes = st[code_column].astype(str).str.strip().to_numpy()
        matches = [rx.fullmatch(c) for c in codes]
        record(
            f"{code_column} matches the pattern",
            np.ones(len(st), bool),
            np.array([m is None for m in matches]),
            codes,
        )
        for g, level in groups.items():
            lv = st[level].to_numpy()
            bad = np.zeros(len(st), bool)
            detail = []
            for i, m in enumerate(matches):
                got = m.group(g) if m else None
                detail.append(f"{code_column} {g}={got!r} vs {level}={lv[i]!r}")
                if m is not None:
                    bad[i] = not _same_code(got, lv[i])
            applies = np.array([m is not None for m in matches])
            record(f"{code_column} {g} matches {level}", applies, bad, detail)
    aside = election.set_aside
    if len(aside):
        f = aside[["station", "line"]].copy()
        f["check"] = "set aside by the loader"
        f["detail"] = aside["reason"].astype(str).to_numpy()
        flags.append(f)
    summary.append(
        {
            "check": "set aside by the loader",
            "n_checked": len(st) + len(aside),
            "n_flagged": len(aside),
        }
    )
    cols = ["station", "line", "check", "detail"]
    out = pd.concat(flags, ignore_index=True) if flags else pd.DataFrame(columns=cols)
    return ActaChecks(summary=pd.DataFrame(summary), flags=out[cols])


def _same_code(text: str | None, value) -> bool:
    if text is None:
        return False
    try:
        return int(text) == int(value)
    except (TypeError, ValueError):
        return str(text).strip() == str(value).strip()


# ------------------------------------------------------------ duplicates
@dataclass(frozen=True)
class DuplicateResult(TestResult):
    """Result of :func:`duplicate_vote_test`.

    Attributes
    ----------
    pairs : pandas.DataFrame
        The observed duplicate groups: one row per distinct repeated vote
        vector with ``stations`` (list), ``size`` and the vector's values.
    expected : float
        Mean number of duplicate pairs in the simulations.
    null_distribution : numpy.ndarray
        Duplicate pairs in each simulated election.
    columns : tuple of str
        The count columns compared.
    """

    pairs: pd.DataFrame = None  # type: ignore[assignment]
    expected: float = math.nan
    null_distribution: np.ndarray = None  # type: ignore[assignment]
    columns: tuple[str, ...] = ()

    def null_percentiles(self, *q: float) -> tuple[float, ...]:
        """Percentiles ``q`` (0 to 100) of the simulated duplicate pairs.

        Examples
        --------
        >>> r = DuplicateResult(statistic=3.0, pvalue=0.5, n=6, n_excluded=0,
        ...                     effect_size=1.0, effect_size_name="", method="", null="",
        ...                     reference="", null_distribution=np.arange(11))
        >>> r.null_percentiles(5, 95)
        (0.5, 9.5)
        """
        return tuple(float(np.percentile(self.null_distribution, x)) for x in q)


def _duplicate_pairs(x: np.ndarray) -> int:
    """Number of unordered pairs of identical rows."""
    if len(x) < 2:
        return 0
    _, counts = np.unique(np.ascontiguousarray(x), axis=0, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


@renamed_parameters(group="by")
def duplicate_vote_test(
    election: Election,
    *,
    columns: Sequence[str] | None = None,
    by: str | None = None,
    n_sim: int = 199,
    rng: np.random.Generator,
) -> DuplicateResult:
    """Test whether identical vote vectors across actas exceed chance.

    A copied or templated tally sheet repeats another's numbers. Genuine
    tables of similar size and electorate also coincide now and then; the
    test compares the observed number of pairs of actas with identical
    counts in ``columns`` with its distribution when each table's counts are
    redrawn on the same table sizes.

    Parameters
    ----------
    election : Election
        Table-level results.
    columns : sequence of str, optional
        Count columns that define the vote vector. Default: all candidates.
        A subset (e.g. the two leading candidates) tests near-identical
        actas: identical on those columns whatever the rest.
    by : str, optional
        Level column whose pooled shares are each table's probabilities
        under the null (e.g. ``"centre"`` or ``"parish"``); default: the
        whole election. Formerly ``group``.
    n_sim : int
        Simulated elections.
    rng : numpy.random.Generator
        Source of randomness (required, for reproducibility).

    Returns
    -------
    DuplicateResult
        ``statistic`` = observed duplicate pairs, ``pvalue`` = randomised
        simulation p-value of an excess, ``effect_size`` = observed / expected
        pairs (NaN if none expected).

    Notes
    -----
    Null model: table ``i`` with ``n_i`` votes in ``columns`` is
    ``Multinomial(n_i, p_g)``, independently across tables, with ``p_g`` the
    pooled shares of its group. Only ``n_i`` and the group shares are taken
    from the data. The p-value is ``(#{T* > t} + U (#{T* = t} + 1)) /
    (n_sim + 1)`` with ``U`` uniform on (0, 1): the statistic is a small
    count with many ties, and the randomisation makes the p-value uniform
    under the null rather than conservative. Pooled group shares leave out
    the variation of true shares across the tables of a group; that
    variation spreads vectors apart and lowers chance coincidences, so the
    null tends to overstate, not understate, the expected pairs when groups
    are heterogeneous (the test is then conservative).

    What the test speaks to: copied sheets (the same numbers entered for
    several tables). It cannot detect fabricated sheets with distinct
    invented numbers.

    References
    ----------
    .. [1] Davison, A. C. & Hinkley, D. V. (1997). Bootstrap Methods and
       their Application. Cambridge University Press, ch. 4 (Monte Carlo
       tests). doi:10.1017/CBO9780511802843

    Examples
    --------
    Three of six tables report the same votes (3, 2):

    >>> import numpy as np, pandas as pd
    >>> from forensics import Election
    >>> df = pd.DataFrame({"station": [f"s{i}" for i in range(6)],
    ...                    "A": [3, 3, 3, 1, 5, 2], "B": [2, 2, 2, 4, 0, 6]})
    >>> e = Election.from_frame(df, candidates=["A", "B"], station="station")
    >>> r = duplicate_vote_test(e, n_sim=99, rng=np.random.default_rng(0))
    >>> r.statistic, round(r.expected, 2), round(r.pvalue, 2)
    (3.0, 2.36, 0.35)
    >>> r.pairs["stations"].tolist()
    [['s0', 's1', 's2']]
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if not isinstance(n_sim, (int, np.integer)) or n_sim < 1:
        raise ValueError(f"n_sim must be a positive integer, got {n_sim!r}")
    cols = list(election.candidates) if columns is None else list(columns)
    st = election.stations
    missing = [c for c in cols if c not in st.columns]
    if missing:
        raise DataError(f"{election.name!r} has no column(s) {missing}")
    if by is not None and by not in st.columns:
        raise DataError(f"{election.name!r} has no column {by!r}")
    x = st[cols].to_numpy(float)
    if not np.isfinite(x).all():
        bad = np.flatnonzero(~np.isfinite(x).all(axis=1))
        raise DataError(
            f"missing counts in columns {cols} at stations {st['station'].iloc[bad[:5]].tolist()}"
        )
    x = x.astype(np.int64)
    n_i = x.sum(axis=1)
    keep = n_i > 0
    n_excluded = int((~keep).sum())
    x, n_i = x[keep], n_i[keep]
    stations = st["station"].to_numpy()[keep]
    if by is None:
        p = np.broadcast_to(x.sum(axis=0) / x.sum(), x.shape)
    else:
        g = st[by].to_numpy()[keep]
        unknown = pd.isna(g)
        if unknown.any():
            raise DataError(
                f"missing {by!r} at stations {stations[unknown][:5].tolist()}; "
                "fill it or pass by=None"
            )
        pooled = pd.DataFrame(x).groupby(g).transform("sum").to_numpy(float)
        p = pooled / pooled.sum(axis=1, keepdims=True)
    p = np.ascontiguousarray(p)
    t = _duplicate_pairs(x)
    null = np.array([_duplicate_pairs(rng.multinomial(n_i, p)) for _ in range(n_sim)])
    u = rng.uniform()
    pvalue = (int((null > t).sum()) + u * (int((null == t).sum()) + 1)) / (n_sim + 1)
    expected = float(null.mean())
    vec = pd.DataFrame(x, columns=cols)
    vec["station"] = stations
    rep = vec[vec.duplicated(cols, keep=False)]
    pairs = (
        rep.groupby(cols, sort=True)["station"].agg(list).reset_index()
        if len(rep)
        else pd.DataFrame(columns=[*cols, "station"])
    )
    pairs = pairs.rename(columns={"station": "stations"})
    pairs["size"] = pairs["stations"].map(len)
    return DuplicateResult(
        statistic=float(t),
        pvalue=as_float(pvalue),
        n=as_int(len(x)),
        n_excluded=n_excluded,
        effect_size=t / expected if expected > 0 else math.nan,
        effect_size_name="observed / expected duplicate pairs",
        method=f"duplicate vote vectors on {len(cols)} column(s), simulated null",
        null=f"multinomial on the same table sizes, shares pooled by {by or 'election'}",
        reference="Davison & Hinkley (1997), Bootstrap Methods and their Application, ch. 4",
        pairs=pairs[["stations", "size", *cols]],
        expected=expected,
        null_distribution=null,
        columns=tuple(cols),
    )


# ------------------------------------------------------- forgery bound
@dataclass(frozen=True)
class ForgeryBound:
    """Result of :func:`forgery_bound`.

    Attributes
    ----------
    announced : float
        The announced count of the candidate.
    acta_total : float
        The candidate's votes on all actas.
    coverage : float
        Share of all tables the announcement claimed to cover.
    n_tables : int
        Tables in the whole election.
    n_actas : int
        Actas available.
    n_shared : int
        Fewest actas any set of ``coverage * n_tables`` tables must include:
        ``max(0, ceil(coverage * n_tables) - (n_tables - n_actas))``.
    min_votes : float
        Fewest votes of the candidate any such set can hold if the actas are
        genuine and every table without an acta gave the candidate nothing:
        the sum of the ``n_shared`` smallest counts.
    possible : bool
        ``min_votes <= announced``.
    n_forged : int
        Fewest actas that must be fabricated (their true count zero) for the
        announcement to be right.
    share_forged_actas, share_forged_tables : float
        ``n_forged`` over the actas and over all tables.
    valid_needed, valid_capacity : float
        With ``registered`` given: valid votes the announcement needs beyond
        the genuine actas it covers, and the registered voters of the forged
        actas plus the tables without an acta (NaN otherwise).
    capacity_ok : bool or None
        ``valid_needed <= valid_capacity`` (None without ``registered``).
    """

    announced: float
    acta_total: float
    coverage: float
    n_tables: int
    n_actas: int
    n_shared: int
    min_votes: float
    possible: bool
    n_forged: int
    share_forged_actas: float
    share_forged_tables: float
    valid_needed: float = math.nan
    valid_capacity: float = math.nan
    capacity_ok: bool | None = None

    @property
    def n_genuine(self) -> int:
        """Actas the covered tables hold at their published count: ``n_shared - n_forged``."""
        return self.n_shared - self.n_forged

    def to_frame(self) -> pd.DataFrame:
        """One row of the fields."""
        return pd.DataFrame([self.__dict__])


def _check_counts(counts: Sequence[float] | np.ndarray) -> np.ndarray:
    g = np.asarray(counts, dtype=float).ravel()
    if g.size == 0:
        raise ValueError("counts is empty")
    bad = np.flatnonzero(~np.isfinite(g) | (g < 0) | (g != np.round(g)))
    if bad.size:
        raise ValueError(
            f"counts must be non-negative integers; bad at positions {bad[:5].tolist()}: "
            f"{g[bad[:5]].tolist()}"
        )
    return g


def _shared_actas(n_actas: int, n_tables: int, coverage: float) -> int:
    """Fewest actas among ``ceil(coverage * n_tables)`` of ``n_tables`` tables."""
    if not (isinstance(n_tables, (int, np.integer)) and n_tables >= n_actas):
        raise ValueError(f"n_tables must be an integer >= {n_actas} (the actas), got {n_tables!r}")
    if not (0 < coverage <= 1):
        raise ValueError(f"coverage must be in (0, 1], got {coverage!r}")
    m = math.ceil(round(coverage * n_tables, 9))
    return max(0, m - (n_tables - n_actas))


def forgery_curve(
    counts: Sequence[float] | np.ndarray, *, n_tables: int, coverage: float = 1.0
) -> pd.DataFrame:
    """Fewest votes a claimed coverage can hold, by the number of actas forged.

    Parameters
    ----------
    counts : array-like of int
        One candidate's votes on each published acta.
    n_tables : int
        Tables in the whole election, at least ``len(counts)``.
    coverage : float
        Share of all tables an announcement covered, in (0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per ``forged`` = 0, ..., ``n_shared`` (see
        :func:`forgery_bound`): ``min_votes``, the sum of the
        ``n_shared - forged`` smallest counts, i.e. the fewest votes of the
        candidate the covered tables can hold when ``forged`` actas are
        fabricated (their true count taken as zero). The announcement is
        possible with ``forged`` actas fabricated where ``min_votes`` is at
        most the announced count; :func:`forgery_bound` returns the first
        such row.

    References
    ----------
    .. [1] Lindeman, M. & Stark, P. B. (2012). A gentle introduction to
       risk-limiting audits. IEEE Security & Privacy 10(5), 42-49.
       doi:10.1109/MSP.2012.56

    Examples
    --------
    >>> forgery_curve([10, 40, 30, 20], n_tables=5).to_numpy().tolist()
    [[0.0, 100.0], [1.0, 60.0], [2.0, 30.0], [3.0, 10.0], [4.0, 0.0]]
    """
    g = _check_counts(counts)
    k = _shared_actas(g.size, n_tables, coverage)
    cum = np.concatenate([[0.0], np.cumsum(np.sort(g))])
    forged = np.arange(0, k + 1)
    return pd.DataFrame({"forged": forged, "min_votes": cum[k - forged]})


def forgery_bound(
    counts: Sequence[float] | np.ndarray,
    announced: float,
    *,
    n_tables: int,
    coverage: float = 1.0,
    valid: Sequence[float] | np.ndarray | None = None,
    registered: Sequence[float] | np.ndarray | None = None,
    announced_valid: float | None = None,
    registered_total: float | None = None,
) -> ForgeryBound:
    """Fewest tally sheets that must be forged for an announced count to be right.

    Parameters
    ----------
    counts : array-like of int
        One candidate's votes on each published acta (e.g. the challenger).
    announced : float
        The count announced for that candidate.
    n_tables : int
        Tables (actas) in the whole election, at least ``len(counts)``.
    coverage : float
        Share of all tables the announcement said it covered (0.8 for "80 %
        of actas"), in (0, 1].
    valid, registered : array-like, optional
        Valid votes and registered voters of each acta, aligned with
        ``counts``, for the capacity check (all four capacity arguments
        together).
    announced_valid : float, optional
        The announced valid votes.
    registered_total : float, optional
        Registered voters in the whole election.

    Returns
    -------
    ForgeryBound

    Notes
    -----
    Hypothesis examined: the announced count is right and the published
    actas that contradict it are fabricated. The bound takes the assumption
    most favourable to the announcement: every fabricated acta and every
    table without a published acta truly gave the candidate zero votes, and
    the announcement covered whichever tables minimise the candidate's
    count. An announcement covering ``m = ceil(coverage * n_tables)``
    tables must include at least ``k = max(0, m - (n_tables - n_actas))``
    actas. With the counts sorted ascending, ``g_(1) <= ... <= g_(n)``, the
    fewest votes those tables can hold when ``f`` actas are forged (taken
    outside the smallest, and counted at zero) is ``sum_{j <= k - f}
    g_(j)``; the bound is the smallest ``f`` with that sum at most
    ``announced``. It is exact (a sort, no simulation). With ``coverage =
    1`` it is the number of largest counts whose sum reaches ``acta_total -
    announced``.

    Capacity check: the announcement's valid votes must fit. The forged
    actas are taken as the ``f`` largest counts, the genuine covered actas
    as the ``k - f`` smallest; the valid votes needed beyond those genuine
    actas must not exceed the registered voters of the forged actas plus
    those of the tables without an acta (``registered_total`` minus the
    actas' registered). This is where the registry figure enters: the
    bound on the candidate's count does not depend on it.

    The count is a lower bound on forgery under that hypothesis; any
    votes for the candidate in the uncovered tables or in the true content of
    forged sheets raise it. It says nothing about whether the actas are
    genuine; it measures how large a fabrication the announcement requires.

    References
    ----------
    .. [1] Lindeman, M. & Stark, P. B. (2012). A gentle introduction to
       risk-limiting audits. IEEE Security & Privacy 10(5), 42-49.
       doi:10.1109/MSP.2012.56 (the worst-case reasoning about unexamined
       records that this bound follows).

    Examples
    --------
    Four actas hold 100 votes of the candidate; an announcement of 45 over
    all five tables needs the two largest actas (40 and 30) forged:

    >>> b = forgery_bound([10, 40, 30, 20], 45, n_tables=5)
    >>> b.possible, b.n_forged, b.share_forged_actas
    (False, 2, 0.5)
    """
    g = _check_counts(counts)
    k = _shared_actas(g.size, n_tables, coverage)
    if not (math.isfinite(announced) and announced >= 0):
        raise ValueError(f"announced must be a non-negative number, got {announced!r}")
    n = g.size
    asc = np.sort(g)
    cum = np.concatenate([[0.0], np.cumsum(asc)])  # cum[j] = sum of the j smallest
    min_votes = float(cum[k])
    # smallest f with cum[k - f] <= announced; cum is non-decreasing
    j = int(np.searchsorted(cum[: k + 1], announced, side="right")) - 1
    f = k - j
    cap = dict(valid_needed=math.nan, valid_capacity=math.nan, capacity_ok=None)
    extra = (valid, registered, announced_valid, registered_total)
    if any(v is not None for v in extra):
        if any(v is None for v in extra):
            raise ValueError(
                "the capacity check needs valid, registered, announced_valid and "
                "registered_total together"
            )
        v = np.asarray(valid, dtype=float).ravel()
        r = np.asarray(registered, dtype=float).ravel()
        if v.shape != g.shape or r.shape != g.shape:
            raise ValueError(
                f"valid and registered must have {n} values like counts, got {v.size} and {r.size}"
            )
        if not (np.isfinite(v).all() and np.isfinite(r).all()):
            raise ValueError("valid and registered must be finite (fill unknown registered first)")
        order = np.argsort(g, kind="stable")
        genuine = order[: k - f]
        forged = order[n - f :] if f else order[:0]
        need = float(announced_valid) - float(v[genuine].sum())
        capacity = float(r[forged].sum()) + float(registered_total) - float(r.sum())
        cap = dict(valid_needed=need, valid_capacity=capacity, capacity_ok=bool(need <= capacity))
    return ForgeryBound(
        announced=float(announced),
        acta_total=float(g.sum()),
        coverage=float(coverage),
        n_tables=int(n_tables),
        n_actas=int(n),
        n_shared=int(k),
        min_votes=min_votes,
        possible=bool(min_votes <= announced),
        n_forged=int(f),
        share_forged_actas=f / n,
        share_forged_tables=f / n_tables,
        **cap,
    )
