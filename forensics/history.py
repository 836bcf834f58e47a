"""Two elections on the same stations: the swing from one to the next.

When a data set carries an earlier election's votes at the same stations
(some official files keep the previous election's votes per table),
:func:`swing` computes, per station or per group, the change in a side's
two-candidate share and the change in its two-candidate votes, and
:func:`swing_association` tests whether that swing moves with turnout or
with the change in votes. Ballots added for one side in the later election
make its swing larger where turnout (or the vote count) rose; so does an
honest differential mobilisation or abstention of that side's voters. The
tests speak to "the swing is unrelated to turnout", not to fraud as such.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special, stats

from forensics.election import DataError, Election
from forensics.results import TestResult, as_float, as_int

__all__ = [
    "ControlledAssociationResult",
    "ElectionJoin",
    "PersistenceResult",
    "SwingAssociationResult",
    "controlled_association",
    "join_elections",
    "persistence",
    "simulate_election_pair",
    "swing",
    "swing_association",
]

_REF = (
    "Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics of Election Fraud: "
    "Russia and Ukraine. Cambridge University Press (ISBN 9780521748360)"
)


def swing(
    election: Election,
    now: Sequence[str],
    before: Sequence[str],
    *,
    level: str | None = None,
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
        ``("a_before", "b_before")``).
    level : str, optional
        Aggregate to this level (e.g. ``"centre"``) before computing shares:
        counts are summed within each group.

    Returns
    -------
    pandas.DataFrame
        One row per station (or group), none dropped: ``unit``,
        ``stations``, ``registered``, ``ballots``, ``turnout`` (later
        election, ballots / registered), ``votes_now``, ``votes_before``
        (two-candidate totals), ``share_now``, ``share_before`` (first
        candidate / two-candidate total), ``swing`` (``share_now -
        share_before``), ``log_votes_ratio`` (``log(votes_now /
        votes_before)``), ``usable`` and ``reason`` (why a row is not
        usable).

    Notes
    -----
    A row is usable when both two-candidate totals are positive, the earlier
    votes are known (in a group: for every station of the group) and the
    turnout is defined. Shares are of the two candidates only, so minor
    candidates do not enter either election.
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
    frame = pd.DataFrame(
        {
            "unit": st["station"].to_numpy() if level is None else None,
            "stations": 1,
            "registered": election.counts("registered"),
            "ballots": election.counts("ballots"),
            "a_now": election.counts(now[0]),
            "b_now": election.counts(now[1]),
            "a_before": st[before[0]].to_numpy(dtype=float),
            "b_before": st[before[1]].to_numpy(dtype=float),
        }
    )
    if level is not None:
        if level not in st.columns:
            raise DataError(f"unknown level {level!r}; the levels are {list(election.levels)}")
        frame["unit"] = st[level].to_numpy()
        cols = ["registered", "ballots", "a_now", "b_now", "a_before", "b_before"]
        grouped = frame.groupby("unit", sort=True)
        sums = grouped[["stations", *cols]].sum()
        # a group with any missing count has no total
        sums[cols] = sums[cols].mask(frame[cols].isna().groupby(frame["unit"]).any())
        frame = sums.reset_index()
    out = frame[["unit", "stations", "registered", "ballots"]].copy()
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


@dataclasses.dataclass(frozen=True)
class SwingAssociationResult(TestResult):
    """Result of :func:`swing_association`.

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


def swing_association(
    table: pd.DataFrame, x: str = "turnout", *, bins: int = 10, level: float = 0.95
) -> SwingAssociationResult:
    """Does the swing move with turnout (or with the change in votes)?

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`swing`; rows with ``usable`` False are excluded
        and counted.
    x : str
        The column the swing is set against: ``"turnout"`` (later election)
        or ``"log_votes_ratio"`` (change in two-candidate votes).
    bins : int
        Quantile bins of ``x`` for the ``bins`` table.
    level : float
        Confidence level of the slope interval.

    Returns
    -------
    SwingAssociationResult

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
    """
    for col in ("swing", "usable", x):
        if col not in table.columns:
            raise DataError(f"column {col!r} not in the table; pass the output of swing()")
    if int(bins) != bins or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    ok = table["usable"].to_numpy(dtype=bool) & np.isfinite(table[x].to_numpy(dtype=float))
    xv = table[x].to_numpy(dtype=float)[ok]
    yv = table["swing"].to_numpy(dtype=float)[ok]
    n = xv.size
    if n < 4:
        raise DataError(f"need at least 4 usable units, got {n}")
    rho, p_rho = stats.spearmanr(xv, yv)
    r, p_r = stats.pearsonr(xv, yv)
    X = np.column_stack([np.ones(n), xv])
    beta, *_ = np.linalg.lstsq(X, yv, rcond=None)
    resid = yv - X @ beta
    bread = np.linalg.inv(X.T @ X)
    cov = bread @ ((X * resid[:, None] ** 2).T @ X) @ bread * n / (n - 2)  # HC1
    half = stats.t.ppf(0.5 + level / 2, n - 2) * np.sqrt(cov[1, 1])
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
        statistic=as_float(rho),
        pvalue=as_float(p_rho),
        n=as_int(n),
        n_excluded=as_int((~ok).sum()),
        effect_size=as_float(rho),
        effect_size_name="Spearman rho",
        method=f"Spearman correlation of swing and {x}; OLS slope (HC1)",
        null="no association (units independent)",
        reference=_REF,
        x=x,
        pearson=as_float(r),
        pearson_pvalue=as_float(p_r),
        slope=as_float(beta[1]),
        slope_ci_low=as_float(beta[1] - half),
        slope_ci_high=as_float(beta[1] + half),
        mean_swing=as_float(yv.mean()),
        bins=binned,
    )


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
    st = election.stations
    if on not in st.columns:
        raise DataError(
            f"{election.name or 'election'}: no column {on!r} to join on; levels are "
            f"{list(election.levels)}"
        )
    if candidate not in election.candidates:
        raise DataError(
            f"{election.name or 'election'}: unknown candidate {candidate!r}; candidates: "
            f"{list(election.candidates)}"
        )
    if st[on].isna().any():
        rows = st.index[st[on].isna()][:10].tolist()
        raise DataError(f"{election.name or 'election'}: column {on!r} is missing in rows {rows}")
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
    grouped = frame.groupby("unit", sort=True)
    sums = grouped[["stations", *cols]].sum()
    # a unit with any missing count has no total
    sums[cols] = sums[cols].mask(frame[cols].isna().groupby(frame["unit"]).any())
    if by is not None:
        if by not in st.columns:
            raise DataError(
                f"{election.name or 'election'}: no column {by!r}; levels are "
                f"{list(election.levels)}"
            )
        sums[by] = st[by].groupby(frame["unit"].to_numpy()).first()
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
    """Result of :func:`persistence`.

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


def _usable(table: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(f"column(s) {missing} not in the table; columns: {list(table.columns)}")
    ok = np.ones(len(table), dtype=bool)
    if "usable" in table.columns:
        ok &= table["usable"].to_numpy(dtype=bool)
    for c in columns:
        v = table[c]
        numeric = pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v)
        ok &= np.isfinite(v.to_numpy(float)) if numeric else v.notna().to_numpy()
    return ok


def persistence(
    table: pd.DataFrame,
    x: str,
    y: str,
    *,
    weights: str | None = None,
    cluster: str | None = None,
    level: float = 0.95,
    n_boot: int = 999,
    rng: np.random.Generator | int | None = None,
) -> PersistenceResult:
    """How much of one election's local share pattern the next one keeps.

    Parameters
    ----------
    table : pandas.DataFrame
        Units in rows (e.g. :attr:`ElectionJoin.table`); rows with
        ``usable`` False or a missing value are excluded and counted.
    x, y : str
        The earlier and the later share columns; the swing is ``y - x``.
    weights : str, optional
        Column weighting the swing's weighted mean and SD (e.g. the later
        registered voters); default unweighted only (both equal).
    cluster : str, optional
        Column of clusters (e.g. states): the interval of r is then a
        percentile bootstrap over clusters, ``n_boot`` resamples.
    level : float
        Confidence level.
    n_boot : int
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    PersistenceResult

    Notes
    -----
    Without ``cluster`` the interval is Fisher's z with SE
    :math:`1/\\sqrt{n-3}`, treating units as independent; with it, units of
    a cluster are resampled together, which allows for correlation within
    clusters. A high r means the later election reproduces the earlier
    one's geography: honest counts do, and so must any fabricated or
    stuffed result that is to look ordinary.

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
       of Election Fraud: Russia and Ukraine. Cambridge University Press
       (ISBN 9780521748360) (the same precincts compared across elections).
    """
    from forensics.turnout import _fisher_ci

    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    cols = [x, y] + ([weights] if weights else []) + ([cluster] if cluster else [])
    ok = _usable(table, cols)
    n = int(ok.sum())
    if n < 4:
        raise DataError(f"need at least 4 usable units, got {n}")
    xv, yv = table[x].to_numpy(float)[ok], table[y].to_numpy(float)[ok]
    w = table[weights].to_numpy(float)[ok] if weights else np.ones(n)
    r = as_float(np.corrcoef(xv, yv)[0, 1])
    lo, hi, p = _fisher_ci(r, n, 1.0, level)
    method, g = "Fisher z", 0
    if cluster is not None:
        codes = pd.factorize(table[cluster].to_numpy()[ok])[0]
        g = int(codes.max()) + 1
        if g < 2:
            raise DataError(f"cluster column {cluster!r} has a single cluster")
        gen = np.random.default_rng(rng)
        # per-cluster sums of the moments: a resample's r from sums of the picked clusters
        mom = np.column_stack([np.ones(n), xv, yv, xv * xv, yv * yv, xv * yv])
        csum = np.zeros((g, mom.shape[1]))
        np.add.at(csum, codes, mom)
        pick = gen.integers(0, g, (int(n_boot), g))
        s = np.einsum("bg,gk->bk", np.apply_along_axis(np.bincount, 1, pick, minlength=g), csum)
        mx, my = s[:, 1] / s[:, 0], s[:, 2] / s[:, 0]
        vx, vy = s[:, 3] / s[:, 0] - mx**2, s[:, 4] / s[:, 0] - my**2
        rb = (s[:, 5] / s[:, 0] - mx * my) / np.sqrt(vx * vy)
        lo, hi = (as_float(q) for q in np.nanpercentile(rb, [50 * (1 - level), 50 * (1 + level)]))
        method = f"cluster bootstrap over {cluster!r} ({int(n_boot)} resamples)"
    sw = yv - xv
    wm = as_float((w * sw).sum() / w.sum())
    return PersistenceResult(
        statistic=r,
        pvalue=p,
        n=n,
        n_excluded=as_int((~ok).sum()),
        effect_size=r,
        effect_size_name=f"Pearson r of {x} and {y}",
        method=f"cross-election correlation of shares; interval: {method}",
        null="no correlation",
        reference=_REF,
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


# --------------------------------------------------------------------------- controlled
@dataclasses.dataclass(frozen=True)
class ControlledAssociationResult(TestResult):
    """Result of :func:`controlled_association`.

    Base fields: the OLS coefficient of ``x`` (``statistic`` =
    ``effect_size``) and its two-sided p-value (null: coefficient 0).
    ``ci_low``/``ci_high`` its interval; ``raw_slope`` and its interval the
    same regression without controls; ``coefficients`` the full table.
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


def _ols(yv, X, names, codes, level):
    import statsmodels.api as sm

    model = sm.OLS(yv, X)
    if codes is None:
        fit = model.fit(cov_type="HC1")
    else:
        # t with G - 1 degrees of freedom and the G/(G-1) (N-1)/(N-K) correction
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    ci = np.asarray(fit.conf_int(alpha=1 - level))
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


def controlled_association(
    table: pd.DataFrame,
    y: str,
    x: str,
    *,
    controls: Sequence[str] = (),
    cluster: str | None = None,
    level: float = 0.95,
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
    level : float
        Confidence level.

    Returns
    -------
    ControlledAssociationResult

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
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    controls = tuple(controls)
    if x in controls or y in (x, *controls):
        raise ValueError(f"y, x and controls must be distinct columns, got {y}, {x}, {controls}")
    ok = _usable(table, [y, x, *controls] + ([cluster] if cluster else []))
    k = 2 + len(controls)
    n = int(ok.sum())
    if n <= k + 1:
        raise DataError(f"need more than {k + 1} usable units for {k} coefficients, got {n}")
    yv = table[y].to_numpy(float)[ok]
    cols = [x, *controls]
    X = np.column_stack([np.ones(n)] + [table[c].to_numpy(float)[ok] for c in cols])
    codes, g = None, 0
    if cluster is not None:
        codes = pd.factorize(table[cluster].to_numpy()[ok])[0]
        g = int(codes.max()) + 1
        if g < 2:
            raise DataError(f"cluster column {cluster!r} has a single cluster among usable rows")
    coef, r2 = _ols(yv, X, ["const", *cols], codes, level)
    raw, _ = _ols(yv, X[:, :2], ["const", x], codes, level)
    row, rraw = coef.iloc[1], raw.iloc[1]
    cov = "HC1" if cluster is None else f"cluster-robust by {cluster!r} ({g} clusters, t G-1)"
    return ControlledAssociationResult(
        statistic=as_float(row["coef"]),
        pvalue=as_float(row["pvalue"]),
        n=n,
        n_excluded=as_int((~ok).sum()),
        effect_size=as_float(row["coef"]),
        effect_size_name=f"OLS coefficient of {x}",
        method=f"OLS of {y} on {x}"
        + (f" + {' + '.join(controls)}" if controls else "")
        + f", {cov}",
        null=f"coefficient of {x} = 0",
        reference="Cameron & Miller (2015), doi:10.3368/jhr.50.2.317",
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
    )


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
    """
    gen = np.random.default_rng(rng)
    reg = np.asarray(registered, dtype=np.int64)
    cl = np.asarray(clusters)
    if reg.ndim != 1 or cl.shape != reg.shape or reg.size < 2:
        raise ValueError("registered and clusters must be 1-d arrays of the same length >= 2")
    if np.any(reg <= 0):
        raise ValueError("registered must be positive")
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
