"""Two elections on the same stations: the swing from one to the next.

When a data set carries an earlier election's votes at the same stations
(the Venezuelan 2013 file keeps the 2012 Chávez and Capriles votes),
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
from scipy import stats

from forensics.election import DataError, Election
from forensics.results import TestResult, as_float, as_int

__all__ = ["SwingAssociationResult", "swing", "swing_association"]

_REF = (
    "Jiménez, R. & Hidalgo, M. (2014). Forensic analysis of Venezuelan elections during the "
    "Chávez presidency. PLOS ONE 9(6), e100884. doi:10.1371/journal.pone.0100884"
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
        share is followed first (e.g. ``("Maduro", "Capriles")``).
    before : pair of str
        The two columns of the earlier election, same side first (e.g.
        ``("chavez_2012", "capriles_2012")``).
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
    .. [1] Jiménez, R. & Hidalgo, M. (2014). Forensic analysis of Venezuelan
       elections during the Chávez presidency. PLOS ONE 9(6), e100884.
       doi:10.1371/journal.pone.0100884
    .. [2] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics
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
