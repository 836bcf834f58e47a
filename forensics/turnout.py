"""Turnout against vote share: fingerprints, association, distribution shape.

Honest counts at stations of different turnout give a candidate roughly the
same share; ballot stuffing and written-in results move stations towards
high turnout *and* high share at once (the "comet" and the (100 %, 100 %)
corner). These tools describe and test that joint distribution. A signature
here is also what real mobilisation of one side's voters, or regional
heterogeneity, produces: they speak to "turnout and share are unrelated",
not to fraud as such.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from forensics._compat import deprecated_alias, renamed_attribute, renamed_parameters
from forensics._correlation import fisher_ci
from forensics._estimation import check_confidence_level
from forensics._inputs import election_candidate
from forensics.election import DataError, Election
from forensics.multitest import benjamini_hochberg, holm
from forensics.results import TestResult, as_float, as_int

__all__ = [
    "AssociationResult",
    "Fingerprint",
    "ShapeResult",
    "WithinGroupResult",
    "compare_fingerprints",
    "fingerprint",
    "shape_test",
    "shape_tests",
    "turnout_quantiles",
    "turnout_share_association",
    "turnout_share_test",
    "within_group_association",
    "within_group_test",
]

_KLIMEK = (
    "Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical detection of "
    "systematic election irregularities. PNAS 109(41), 16469-16473. "
    "doi:10.1073/pnas.1210722109"
)


def _station_arrays(
    election: Election, candidate: str | None, share_of: str = "valid"
) -> tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Turnout, share, registered, candidate votes; and the mask of usable stations."""
    candidate = election_candidate(election, candidate)
    t = election.turnout.to_numpy()
    s = election.share(candidate, of=share_of).to_numpy()
    reg = election.counts("registered")
    votes = election.counts(candidate)
    ok = np.isfinite(t) & np.isfinite(s)
    return candidate, t, s, reg, votes, ok


def _at_least_four(ok: np.ndarray) -> None:
    if ok.sum() < 4:
        raise DataError(f"need at least 4 stations with turnout and share, got {int(ok.sum())}")


# --------------------------------------------------------------------------- fingerprint
@dataclasses.dataclass(frozen=True)
class Fingerprint:
    """A 2D histogram of station turnout (x) against candidate share (y).

    Attributes
    ----------
    counts : numpy.ndarray
        ``(bins, bins)`` array, ``counts[i, j]`` for turnout bin ``i`` and
        share bin ``j``: stations, or the sum of ``weights``.
    edges : numpy.ndarray
        Bin edges on [0, 1], shared by both axes.
    turnout_marginal, share_marginal : numpy.ndarray
        Row and column sums of ``counts``.
    turnout, share, votes, weights : numpy.ndarray
        Per-station values of the stations used.
    candidate, weighted_by : str
    n, n_excluded : int
        Stations used, and stations without a turnout (registered missing or
        0) or share (no valid votes).
    """

    counts: np.ndarray
    edges: np.ndarray
    turnout_marginal: np.ndarray
    share_marginal: np.ndarray
    turnout: np.ndarray
    share: np.ndarray
    votes: np.ndarray
    weights: np.ndarray
    candidate: str
    weighted_by: str
    n: int
    n_excluded: int
    name: str = ""

    def corner_mass(self, threshold: float = 0.95) -> dict[str, float]:
        """Share of stations, and of the candidate's votes, with turnout and share > threshold.

        Parameters
        ----------
        threshold : float
            Both turnout and share must exceed it, in [0, 1).

        Returns
        -------
        dict
            ``threshold``, ``n_stations`` (stations in the corner),
            ``stations`` (their fraction of the stations used) and
            ``votes`` (their fraction of the candidate's votes).

        References
        ----------
        .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012).
           Statistical detection of systematic election irregularities.
           PNAS 109(41), 16469-16473. doi:10.1073/pnas.1210722109

        Examples
        --------
        Turnouts 0.5, 0.97 and 1.0 with shares 0.2, 0.98 and 1.0: two of the
        three stations, with 145 of the candidate's 155 votes, are above 0.95.

        >>> import pandas as pd, forensics
        >>> df = pd.DataFrame({"registered": [100, 100, 50], "ballots": [50, 97, 50],
        ...                    "A": [10, 95, 50], "B": [40, 2, 0]})
        >>> e = forensics.Election.from_frame(df, candidates=["A", "B"],
        ...                                   registered="registered", ballots="ballots")
        >>> c = forensics.fingerprint(e, bins=10).corner_mass(0.95)
        >>> c["n_stations"], round(c["stations"], 3), round(c["votes"], 3)
        (2, 0.667, 0.935)
        """
        if not 0 <= threshold < 1:
            raise ValueError(f"threshold must lie in [0, 1), got {threshold}")
        corner = (self.turnout > threshold) & (self.share > threshold)
        total = self.votes.sum()
        return {
            "threshold": float(threshold),
            "n_stations": int(corner.sum()),
            "stations": as_float(corner.mean()) if self.n else float("nan"),
            "votes": as_float(self.votes[corner].sum() / total) if total > 0 else float("nan"),
        }


def fingerprint(
    election: Election,
    candidate: str | None = None,
    *,
    bins: int = 100,
    weights: Literal["registered", "ballots", "votes"] | ArrayLike | None = None,
) -> Fingerprint:
    """The election fingerprint: station turnout against candidate share.

    Parameters
    ----------
    election : Election
        Station counts; stations need registered voters and valid votes.
    candidate : str, optional
        Whose share of valid votes is on the y axis (default: the leader).
    bins : int
        Bins per axis on [0, 1].
    weights : {"registered", "ballots", "votes"}, array or None
        ``None`` counts stations (as Klimek et al.); a column name weights
        each station by its registered voters, ballots, or the candidate's
        votes; an array gives one weight per station.

    Returns
    -------
    Fingerprint
        With :meth:`Fingerprint.corner_mass`; plot with
        :func:`forensics.plots.fingerprint`.

    Notes
    -----
    Stations without a turnout (registered 0 or missing) or a share (no
    valid votes) are excluded and counted in ``n_excluded``. Turnout = 1
    and share = 1 fall in the last bin. A clean election shows one compact
    blob; ballot stuffing stretches it towards (1, 1) (the "comet"), and
    extreme fraud piles stations in the corner, which
    :meth:`~Fingerprint.corner_mass` quantifies. Descriptive: no test.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469-16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    >>> import numpy as np, forensics
    >>> e = forensics.simulate_mixture(np.full(300, 500), turnout=0.6, share=0.5, rng=1)
    >>> f = forensics.fingerprint(e, bins=10)
    >>> f.counts.shape, f.n, f.n_excluded
    ((10, 10), 300, 0)
    >>> f.corner_mass(0.9)["n_stations"]
    0
    """
    if int(bins) != bins or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, got {bins}")
    candidate, t, s, _, votes, ok = _station_arrays(election, candidate)
    if weights is None:
        w, label = np.ones(len(t)), "stations"
    elif isinstance(weights, str):
        cols = {"registered": "registered", "ballots": "ballots", "votes": candidate}
        if weights not in cols:
            raise ValueError(f"weights must be one of {sorted(cols)}, an array or None")
        w, label = election.counts(cols[weights]), weights
        ok &= np.isfinite(w)
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != t.shape:
            raise ValueError(f"weights must have one value per station ({t.size}), got {w.shape}")
        if np.any(w[np.isfinite(w)] < 0):
            raise ValueError("weights must be non-negative")
        ok &= np.isfinite(w)
        label = "custom weights"
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    ti, si, wi = t[ok], s[ok], w[ok]
    # integer bin index: value 1.0 goes to the last bin
    it = np.minimum((ti * bins).astype(np.int64), bins - 1)
    js = np.minimum((si * bins).astype(np.int64), bins - 1)
    counts = np.bincount(it * bins + js, weights=wi, minlength=bins * bins).reshape(bins, bins)
    return Fingerprint(
        counts=counts,
        edges=edges,
        turnout_marginal=counts.sum(axis=1),
        share_marginal=counts.sum(axis=0),
        turnout=ti,
        share=si,
        votes=np.nan_to_num(votes[ok]),
        weights=wi,
        candidate=candidate,
        weighted_by=label,
        n=as_int(ok.sum()),
        n_excluded=as_int((~ok).sum()),
        name=election.name,
    )


# --------------------------------------------------------------------------- association
def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    w = w / w.sum()
    mx, my = (w * x).sum(), (w * y).sum()
    cov = (w * (x - mx) * (y - my)).sum()
    return as_float(cov / np.sqrt((w * (x - mx) ** 2).sum() * (w * (y - my) ** 2).sum()))


def _weighted_ranks(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mid-ranks: the weighted ECDF at each value, ties sharing their mid-point."""
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    _, start = np.unique(xs, return_index=True)
    cw = np.concatenate([[0.0], np.cumsum(ws)])
    end = np.append(start[1:], xs.size)
    mid = (cw[start] + cw[end]) / 2.0
    ranks = np.empty_like(x)
    ranks[order] = np.repeat(mid, end - start)
    return ranks


@dataclasses.dataclass(frozen=True)
class AssociationResult(TestResult):
    """Result of :func:`turnout_share_test`.

    The base fields describe the station-level Pearson correlation.
    ``correlations`` has one row per (method, weighting) with r, CI and
    p-value. ``ss_*`` fields give the Sobyanin–Sukhovolsky regression.
    ``groups`` (with ``by=``) has the same statistics per group with BH and
    Holm adjusted p-values.
    """

    candidate: str
    correlations: pd.DataFrame
    ss_variant: str
    ss_slope: float
    ss_slope_ci_low: float
    ss_slope_ci_high: float
    ss_mean_share: float
    ss_difference: float
    ss_pvalue: float
    groups: pd.DataFrame | None = None


def _association(t, s, reg, votes, confidence_level):
    """Correlations and the SS regression on usable stations (arrays already filtered)."""
    n = t.size
    rows = []
    r, p = stats.pearsonr(t, s) if n > 2 else (np.nan, np.nan)
    lo, hi, _ = fisher_ci(as_float(r), n, 1.0, confidence_level)
    rows.append(("pearson", "stations", as_float(r), lo, hi, as_float(p), n))
    rho, p = stats.spearmanr(t, s) if n > 2 else (np.nan, np.nan)
    lo, hi, _ = fisher_ci(as_float(rho), n, 1.06, confidence_level)
    rows.append(("spearman", "stations", as_float(rho), lo, hi, as_float(p), n))
    n_eff = as_float(reg.sum() ** 2 / (reg**2).sum())
    rw = _weighted_corr(t, s, reg)
    lo, hi, p = fisher_ci(rw, n_eff, 1.0, confidence_level)
    rows.append(("pearson", "registered", rw, lo, hi, p, n_eff))
    rsw = _weighted_corr(_weighted_ranks(t, reg), _weighted_ranks(s, reg), reg)
    lo, hi, p = fisher_ci(rsw, n_eff, 1.06, confidence_level)
    rows.append(("spearman", "registered", rsw, lo, hi, p, n_eff))
    corr = pd.DataFrame(
        rows, columns=["method", "weight", "r", "ci_low", "ci_high", "pvalue", "n_effective"]
    )
    # Sobyanin-Sukhovolsky, electorate variant: votes/registered = a + b * turnout.
    y = votes / reg
    mean_share = as_float(votes.sum() / (t * reg).sum())  # candidate votes / ballots
    X = np.column_stack([np.ones(n), t])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    xtx_inv = np.linalg.inv(X.T @ X)
    meat = (X * resid[:, None] ** 2).T @ X
    cov = xtx_inv @ meat @ xtx_inv * n / max(n - 2, 1)  # HC1
    se = as_float(np.sqrt(cov[1, 1]))
    q = stats.t.ppf(0.5 + confidence_level / 2.0, max(n - 2, 1))
    slope = as_float(beta[1])
    diff = slope - mean_share
    p_ss = as_float(2.0 * stats.t.sf(abs(diff) / se, max(n - 2, 1))) if se > 0 else float("nan")
    ss = (slope, slope - q * se, slope + q * se, mean_share, diff, p_ss)
    return corr, ss


@renamed_parameters(level="confidence_level")
def turnout_share_test(
    election: Election,
    candidate: str | None = None,
    *,
    by: str | None = None,
    confidence_level: float = 0.95,
) -> AssociationResult:
    """Correlation of turnout and share, and the Sobyanin–Sukhovolsky regression.

    Parameters
    ----------
    election : Election
        Station counts; stations need registered voters and ballots.
    candidate : str, optional
        Whose share of ballots cast is correlated with turnout (default:
        the leader).
    by : str, optional
        A level column; the statistics are also computed per group, with
        Benjamini–Hochberg and Holm adjusted p-values.
    confidence_level : float
        Coverage of the correlation and slope intervals (formerly
        ``level``).

    Returns
    -------
    AssociationResult

    Notes
    -----
    *Correlations.* Pearson and Spearman correlations of station turnout
    (ballots / registered) and share (candidate / ballots), unweighted
    (stations) and weighted by registered voters. Weighted Spearman is the
    weighted Pearson correlation of weighted mid-ranks. Intervals and
    p-values use Fisher's z with SE :math:`1/\\sqrt{n-3}` (Pearson) or
    :math:`1.06/\\sqrt{n-3}` (Spearman; Fieller, Hartley & Pearson 1957);
    the weighted versions use Kish's effective size
    :math:`(\\sum w)^2/\\sum w^2` for *n*. Null: no association.

    *Sobyanin–Sukhovolsky, electorate variant.* OLS across stations of the
    candidate's votes as a share of the *electorate* (votes / registered)
    on turnout. The slope estimates the fraction of additional voters at
    higher-turnout stations who vote for the candidate; without a
    turnout–preference link it equals the candidate's mean share of ballots
    (total votes / total ballots). Reported: the slope with an HC1-robust
    CI, the mean share, their difference and the two-sided t-test of
    "slope = mean share". (The Election Forensics Toolkit regresses the
    share of *votes* instead; not this variant.) A slope near or above 1
    means extra turnout went almost wholly to the candidate, a signature of
    ballot stuffing but also of one-sided mobilisation.

    Stations without turnout or share are excluded (``n_excluded``).

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics of
       Election Fraud: Russia and Ukraine. Cambridge University Press.
       ISBN 978-0-521-74836-0.
    .. [2] Sobyanin, A. A. & Sukhovolsky, V. G. (1995). Democracy restricted by
       fraud (in Russian). Moscow: Project Group on Human Rights.
    .. [3] Fieller, E. C., Hartley, H. O. & Pearson, E. S. (1957). Tests for
       rank correlation coefficients. I. Biometrika 44, 470-481.
       doi:10.1093/biomet/44.3-4.470

    Examples
    --------
    A clean simulated election, then one where a fifth of the stations had
    ballots added for the leader:

    >>> import numpy as np, forensics
    >>> reg = np.full(300, 500)
    >>> clean = forensics.simulate_mixture(reg, turnout=0.6, share=0.5, rng=1)
    >>> r = forensics.turnout_share_test(clean)
    >>> round(r.statistic, 3), round(r.pvalue, 2), round(r.ss_slope, 2), round(r.ss_mean_share, 2)
    (0.001, 0.98, 0.51, 0.5)
    >>> stuffed = forensics.simulate_mixture(
    ...     reg, turnout=0.6, share=0.5, pi=(0.8, 0.2, 0.0), theta=0.2, rng=1)
    >>> r = forensics.turnout_share_test(stuffed)
    >>> round(r.statistic, 2), r.pvalue < 1e-6, round(r.ss_slope, 2)
    (0.36, True, 0.81)
    """
    check_confidence_level(confidence_level)
    candidate, t, s, reg, votes, ok = _station_arrays(election, candidate, share_of="ballots")
    _at_least_four(ok)
    corr, ss = _association(t[ok], s[ok], reg[ok], votes[ok], confidence_level)
    groups = None
    if by is not None:
        election._check_level(by)
        keys = election.stations[by].to_numpy()
        rows = []
        for key in pd.unique(keys[ok]):
            m = ok & (keys == key)
            if m.sum() < 4:
                rows.append({by: key, "n": int(m.sum())})
                continue
            c, g = _association(t[m], s[m], reg[m], votes[m], confidence_level)
            rows.append(
                {
                    by: key,
                    "n": int(m.sum()),
                    "pearson": c.loc[0, "r"],
                    "pearson_pvalue": c.loc[0, "pvalue"],
                    "spearman": c.loc[1, "r"],
                    "spearman_pvalue": c.loc[1, "pvalue"],
                    "pearson_registered": c.loc[2, "r"],
                    "ss_slope": g[0],
                    "ss_mean_share": g[3],
                    "ss_difference": g[4],
                    "ss_pvalue": g[5],
                }
            )
        groups = pd.DataFrame(rows)
        for col in ("pearson_pvalue", "spearman_pvalue", "ss_pvalue"):
            if col not in groups:
                groups[col] = np.nan
            p = groups[col].to_numpy(dtype=float)
            groups[col.replace("pvalue", "p_bh")] = benjamini_hochberg(p)
            groups[col.replace("pvalue", "p_holm")] = holm(p)
    main = corr.iloc[0]
    return AssociationResult(
        statistic=as_float(main["r"]),
        pvalue=as_float(main["pvalue"]),
        n=as_int(ok.sum()),
        n_excluded=as_int((~ok).sum()),
        effect_size=as_float(main["r"]),
        effect_size_name="Pearson r (stations)",
        method="turnout-share correlation; Sobyanin-Sukhovolsky (electorate variant, OLS, HC1)",
        null="no association",
        reference="Myagkov, Ordeshook & Shakin (2009); Sobyanin & Sukhovolsky (1995)",
        candidate=candidate,
        correlations=corr,
        ss_variant="votes/registered on turnout",
        ss_slope=ss[0],
        ss_slope_ci_low=ss[1],
        ss_slope_ci_high=ss[2],
        ss_mean_share=ss[3],
        ss_difference=ss[4],
        ss_pvalue=ss[5],
        groups=groups,
    )


# --------------------------------------------------------------------------- shape
@dataclasses.dataclass(frozen=True)
class ShapeResult(TestResult):
    """Result of :func:`shape_test`.

    The base fields describe Hartigan's dip test on turnout; ``table`` has
    one row per variable (``turnout``, ``share``) with dip, its p-value,
    skewness and Pearson kurtosis with bootstrap percentile CIs at
    ``confidence_level`` from ``n_resamples`` resamples.
    """

    candidate: str
    table: pd.DataFrame
    n_resamples: int
    confidence_level: float

    n_boot = renamed_attribute("n_resamples", "n_boot")


def _percentile_ci(name: str, boot: np.ndarray, lo_q: float, hi_q: float) -> dict[str, float]:
    """``<name>_ci_low`` and ``<name>_ci_high``: percentiles of the finite resamples (or NaN)."""
    if not np.isfinite(boot).any():
        return {f"{name}_ci_low": np.nan, f"{name}_ci_high": np.nan}
    return {
        f"{name}_ci_low": as_float(np.nanpercentile(boot, lo_q)),
        f"{name}_ci_high": as_float(np.nanpercentile(boot, hi_q)),
    }


def _moments(x: np.ndarray) -> tuple[float, float]:
    """Moment skewness m3/m2^1.5 and Pearson kurtosis m4/m2^2 (NaN for constant data)."""
    with warnings.catch_warnings():
        if np.ptp(x) == 0:  # scipy warns of precision loss, then gives NaN
            warnings.simplefilter("ignore", RuntimeWarning)
        return (
            float(stats.skew(x, bias=True)),
            float(stats.kurtosis(x, fisher=False, bias=True)),
        )


@renamed_parameters(n_boot="n_resamples", level="confidence_level")
def shape_test(
    election: Election,
    candidate: str | None = None,
    *,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> ShapeResult:
    """Unimodality (dip test), skewness and kurtosis of turnout and share.

    Parameters
    ----------
    election : Election
        Station counts; turnout needs registered voters.
    candidate : str, optional
        Whose share of valid votes is examined besides turnout (default:
        the leader).
    n_resamples : int
        Bootstrap resamples over stations for the skewness and kurtosis
        CIs; 0 skips them (formerly ``n_boot``).
    confidence_level : float
        Coverage of the percentile intervals (formerly ``level``).
    rng : numpy.random.Generator or int, optional
        Randomness of the bootstrap.

    Returns
    -------
    ShapeResult

    Notes
    -----
    *Dip test* (Hartigan & Hartigan 1985) via the ``diptest`` package, its
    p-value interpolated from the tabulated null (uniform, the least
    favourable unimodal distribution). Null: a unimodal distribution.

    *Skewness and kurtosis* follow the Election Forensics Toolkit, which
    uses R's ``moments`` package: moment skewness
    :math:`m_3/m_2^{3/2}` and Pearson kurtosis :math:`m_4/m_2^2` (3 for a
    normal distribution; not the excess kurtosis), with :math:`m_k` the
    *biased* central sample moments (``scipy.stats.skew(x, bias=True)`` and
    ``scipy.stats.kurtosis(x, fisher=False, bias=True)``). CIs are bootstrap
    percentile intervals over stations. No normal null is tested: turnout and
    shares are bounded and regionally mixed, so skew and fat tails also arise
    without fraud.

    Stations without turnout or share are excluded (``n_excluded``).

    References
    ----------
    .. [1] Hartigan, J. A. & Hartigan, P. M. (1985). The dip test of
       unimodality. Annals of Statistics 13(1), 70-84.
       doi:10.1214/aos/1176346577
    .. [2] Hicken, A. & Mebane, W. R. (2017). A guide to elections forensics.
       USAID DRG Center Working Paper (Election Forensics Toolkit).

    Examples
    --------
    >>> import numpy as np, forensics
    >>> e = forensics.simulate_mixture(np.full(300, 500), turnout=0.6, share=0.5, rng=1)
    >>> s = forensics.shape_test(e, n_resamples=100, rng=0)
    >>> print(s.table[["variable", "dip", "dip_pvalue", "kurtosis"]].round(3).to_string(index=False))
    variable   dip  dip_pvalue  kurtosis
     turnout 0.021       0.481     3.343
       share 0.014       0.987     2.858
    """
    import diptest

    if n_resamples < 0:
        raise ValueError(f"n_resamples must be >= 0 (0 skips the bootstrap), got {n_resamples}")
    check_confidence_level(confidence_level)
    candidate, t, s, _, _, ok = _station_arrays(election, candidate)
    _at_least_four(ok)
    gen = np.random.default_rng(rng)
    n = int(ok.sum())
    rows = []
    lo_q, hi_q = 50 * (1 - confidence_level), 50 * (1 + confidence_level)
    data = {"turnout": t[ok], "share": s[ok]}
    # Bootstrap over stations (pairs): resample counts times the powers of the
    # centred values give the resampled raw moments, hence skewness and kurtosis.
    powers = np.column_stack([(x - x.mean()) ** k for x in data.values() for k in (1, 2, 3, 4)])
    boot = np.empty((n_resamples, powers.shape[1]))
    block = max(1, int(2e6 // n))
    for i in range(0, n_resamples, block):
        reps = min(block, n_resamples - i)
        idx = gen.integers(0, n, (reps, n)) + n * np.arange(reps)[:, None]
        counts = np.bincount(idx.ravel(), minlength=reps * n).reshape(reps, n)
        boot[i : i + reps] = counts @ powers / n
    for v, (name, x) in enumerate(data.items()):
        with warnings.catch_warnings():
            # diptest warns above its table's n = 72,000 and then uses the largest tabulated n
            warnings.filterwarnings("ignore", message="Sample size exceeds", category=UserWarning)
            dip, pdip = diptest.diptest(x)
        skew, kurt = _moments(x)
        r1, r2, r3, r4 = (boot[:, 4 * v + k] for k in range(4))
        m2 = r2 - r1**2
        m3 = r3 - 3 * r1 * r2 + 2 * r1**3
        m4 = r4 - 4 * r1 * r3 + 6 * r1**2 * r2 - 3 * r1**4
        with np.errstate(divide="ignore", invalid="ignore"):
            bs, bk = m3 / m2**1.5, m4 / m2**2
        rows.append(
            {
                "variable": name,
                "dip": as_float(dip),
                "dip_pvalue": as_float(pdip),
                "skewness": as_float(skew),
                **_percentile_ci("skewness", bs, lo_q, hi_q),
                "kurtosis": as_float(kurt),
                **_percentile_ci("kurtosis", bk, lo_q, hi_q),
            }
        )
    table = pd.DataFrame(rows)
    return ShapeResult(
        statistic=as_float(table.loc[0, "dip"]),
        pvalue=as_float(table.loc[0, "dip_pvalue"]),
        null="unimodal",
        effect_size=as_float(table.loc[0, "dip"]),
        effect_size_name="dip statistic (turnout)",
        n=n,
        n_excluded=as_int((~ok).sum()),
        method="Hartigan dip test; moment skewness and Pearson kurtosis, bootstrap CIs",
        reference="Hartigan & Hartigan (1985), doi:10.1214/aos/1176346577",
        candidate=candidate,
        table=table,
        n_resamples=int(n_resamples),
        confidence_level=float(confidence_level),
    )


# --------------------------------------------------------------------------- quantiles
def turnout_quantiles(
    election: Election,
    *,
    by: str | None = None,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    above: float = 0.9,
) -> pd.DataFrame:
    """Quantiles of station turnout, and the share of stations above a turnout, by group.

    Parameters
    ----------
    election : Election
        Station counts; turnout needs registered voters.
    by : str, optional
        A level column: one row per group. Default: one row, ``"all"``.
    quantiles : sequence of float
        Quantiles of turnout over the stations of each row, in [0, 1].
    above : float
        Turnout threshold of the last column.

    Returns
    -------
    pandas.DataFrame
        Indexed by the groups of ``by`` (sorted), with ``stations`` (with a
        turnout), one column ``p<100 q>`` per quantile (``p10``, ``p50``,
        ``p90``) and ``over_<100 above>pc``, the fraction of stations with
        turnout above ``above``. ``attrs["n_excluded"]`` counts the stations
        without a turnout (registered missing or 0) or without a group.

    Notes
    -----
    Quantiles are the linear interpolation between order statistics
    (``numpy.quantile``'s default, Hyndman & Fan's definition 7).
    Descriptive: a second turnout mode, or a tail of stations near 100 %,
    shows as a high upper quantile and a large ``over_`` share in one
    group; a turnout shifted evenly over a group's stations does not.

    References
    ----------
    .. [1] Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical
       packages. The American Statistician 50(4), 361-365.
       doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> import pandas as pd, forensics
    >>> df = pd.DataFrame({"state": ["a", "a", "a", "b", "b"], "id": list("vwxyz"),
    ...                    "registered": [100, 100, 100, 100, 0],
    ...                    "ballots": [50, 60, 95, 70, 0], "A": [20, 30, 50, 40, 0],
    ...                    "B": [30, 30, 45, 30, 0]})
    >>> e = forensics.Election.from_frame(df, candidates=["A", "B"], registered="registered",
    ...                                   ballots="ballots", levels=["state"], station="id")
    >>> q = forensics.turnout_quantiles(e, by="state", quantiles=(0.5,))
    >>> print(q.to_string())  # doctest: +NORMALIZE_WHITESPACE
           stations  p50  over_90pc
    state
    a             3  0.6   0.333333
    b             1  0.7   0.000000
    >>> q.attrs["n_excluded"]
    1
    """
    if not isinstance(election, Election):
        raise TypeError(f"election must be a forensics.Election, got {type(election).__name__}")
    qs = [float(q) for q in quantiles]
    if not qs or any(not 0 <= q <= 1 for q in qs):
        raise ValueError(f"quantiles must be a non-empty sequence in [0, 1], got {quantiles}")
    if by is not None:
        election._check_level(by)
    turnout = election.turnout
    if by is None:
        # one row: the plain quantiles of all stations
        t = turnout.dropna()
        row = {"stations": int(t.size), **{f"p{100 * q:g}": t.quantile(q) for q in qs}}
        row[f"over_{100 * above:g}pc"] = (t > above).mean()
        out = pd.DataFrame([row], index=pd.Index(["all"]))
        out.attrs["n_excluded"] = int(turnout.size - t.size)
        return out
    df = pd.DataFrame({by: election.stations[by], "turnout": turnout}).dropna()
    g = df.groupby(by)["turnout"]
    out = g.quantile(qs).unstack()
    out.columns = [f"p{100 * q:g}" for q in qs]
    out.insert(0, "stations", g.size())
    out[f"over_{100 * above:g}pc"] = g.apply(lambda t: (t > above).mean())
    out.attrs["n_excluded"] = int(turnout.size - len(df))
    return out


# --------------------------------------------------------------------------- comparisons
def compare_fingerprints(
    elections: Mapping[str, Election | tuple[Election, str | None]],
    *,
    thresholds: Sequence[float] = (0.90, 0.95),
    bins: int = 100,
) -> pd.DataFrame:
    """Fingerprint summaries of several elections, one row each, for a control table.

    Parameters
    ----------
    elections : mapping
        Label -> :class:`~forensics.Election` (its leader) or
        ``(Election, candidate)``.
    thresholds : sequence of float
        Corner thresholds for :meth:`Fingerprint.corner_mass`.
    bins : int
        Bins per axis of each :func:`fingerprint`.

    Returns
    -------
    pandas.DataFrame
        One row per label: ``label``, ``election`` (its name), ``candidate``,
        ``stations`` (used), ``excluded``, ``turnout_median``,
        ``share_median`` (of valid votes, over stations), and for each
        threshold *q* (in %) ``corner_<q>_n`` (stations),
        ``corner_<q>_stations`` and ``corner_<q>_votes`` (fractions of the
        stations and of the candidate's votes with turnout and share > *q*).

    Notes
    -----
    Unweighted fingerprints (counts of stations), as Klimek et al. The
    corner mass is descriptive: a clean election puts (almost) no station
    in the (100 %, 100 %) corner; ballot stuffing and results written in
    without a count put stations there, as does a genuinely unanimous,
    fully mobilised small community.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical detection of
       systematic election irregularities. PNAS 109(41), 16469-16473.
       doi:10.1073/pnas.1210722109 (fingerprints of several elections side by side)

    Examples
    --------
    A clean simulated election beside one where a fifth of the stations had
    ballots added for the leader: only the latter has stations above 80 %.

    >>> import numpy as np, forensics
    >>> reg = np.full(300, 500)
    >>> clean = forensics.simulate_mixture(reg, turnout=0.6, share=0.5, rng=1)
    >>> stuffed = forensics.simulate_mixture(
    ...     reg, turnout=0.6, share=0.5, pi=(0.8, 0.2, 0.0), theta=0.2, rng=1)
    >>> t = forensics.compare_fingerprints({"clean": clean, "stuffed": stuffed}, thresholds=(0.8,))
    >>> print(t[["label", "stations", "corner_80_n", "corner_80_votes"]].round(3).to_string(index=False))
      label  stations  corner_80_n  corner_80_votes
      clean       300            0            0.000
    stuffed       300            2            0.016
    """
    if not elections:
        raise ValueError("elections is empty: give at least one label -> Election")
    for q in thresholds:
        if not 0 <= q < 1:
            raise ValueError(f"thresholds must lie in [0, 1), got {q}")
    rows = []
    for label, item in elections.items():
        election, candidate = item if isinstance(item, tuple) else (item, None)
        fp = fingerprint(election, candidate, bins=bins)
        row = {
            "label": str(label),
            "election": election.name,
            "candidate": fp.candidate,
            "stations": fp.n,
            "excluded": fp.n_excluded,
            "turnout_median": as_float(np.median(fp.turnout)) if fp.n else float("nan"),
            "share_median": as_float(np.median(fp.share)) if fp.n else float("nan"),
        }
        for q in thresholds:
            c = fp.corner_mass(q)
            key = f"corner_{100 * q:g}"
            row[f"{key}_n"] = c["n_stations"]
            row[f"{key}_stations"] = c["stations"]
            row[f"{key}_votes"] = c["votes"]
        rows.append(row)
    return pd.DataFrame(rows)


@dataclasses.dataclass(frozen=True)
class WithinGroupResult(TestResult):
    """Result of :func:`within_group_test`.

    The base fields describe the within-group Pearson correlation
    (``statistic`` = ``effect_size`` = r within groups).
    """

    candidate: str
    by: str
    r_within: float
    ci_low: float
    ci_high: float
    r_total: float
    n_groups: int


@renamed_parameters(level="confidence_level")
def within_group_test(
    election: Election,
    candidate: str | None = None,
    *,
    by: str | Sequence[str],
    confidence_level: float = 0.95,
) -> WithinGroupResult:
    """Correlation of turnout and share *inside* groups (e.g. voting centres).

    Parameters
    ----------
    election : Election
        Station counts with the grouping level columns.
    candidate : str, optional
        Whose share of ballots cast is used, as in
        :func:`turnout_share_test` (default: the leader).
    by : str or sequence of str
        A level column, or several (groups are their combinations, e.g.
        ``["region", "tik"]`` where names repeat across regions); each
        station's turnout and share are taken as deviations from its
        group's (unweighted) mean.
    confidence_level : float
        Coverage of the interval of ``r_within`` (formerly ``level``).

    Returns
    -------
    WithinGroupResult
        ``r_within`` with its CI and p-value, and ``r_total``, the ordinary
        station-level Pearson r on the same stations, for comparison.

    Notes
    -----
    The within-group ("fixed effects") correlation removes everything the
    stations of a group share: place, neighbourhood, local campaign. A
    turnout–share association that is strong across stations but weak
    within groups is mostly a difference *between* places (urban against
    rural, regional strongholds, mobilisation), which honest results show;
    station-level ballot stuffing, done at some tables and not at their
    neighbours, would survive within groups. Stations without turnout or
    share, and groups with a single usable station (no within-group
    variation), are excluded (``n_excluded``). The CI and p-value use
    Fisher's z with :math:`n - G - 1` in place of :math:`n - 2` for *n*
    stations in *G* groups (the degrees of freedom lost to the group means);
    stations are treated as independent given their group.

    References
    ----------
    .. [1] Myagkov, M., Ordeshook, P. C. & Shakin, D. (2009). The Forensics of
       Election Fraud: Russia and Ukraine. Cambridge University Press.
       ISBN 978-0-521-74836-0
    .. [2] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469-16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    Two groups of two stations. Group x: turnouts 0.4 and 0.6, shares 0.3
    and 0.5 (deviations from the group means -0.1, +0.1 and -0.1, +0.1);
    group y: turnouts 0.7 and 0.9, shares 0.8 and 0.6 (-0.1, +0.1 and +0.1,
    -0.1). The deviations cancel, r within = 0, while the total r is
    positive; a fifth station, alone in its group, is set aside.

    >>> import pandas as pd, forensics
    >>> df = pd.DataFrame({"region": ["x", "x", "y", "y", "z"], "id": list("abcde"),
    ...                    "registered": 100, "ballots": [40, 60, 70, 90, 50],
    ...                    "A": [12, 30, 56, 54, 25], "B": [28, 30, 14, 36, 25]})
    >>> e = forensics.Election.from_frame(df, candidates=["A", "B"], registered="registered",
    ...                                   ballots="ballots", levels=["region"], station="id")
    >>> w = forensics.within_group_test(e, by="region")
    >>> abs(w.r_within) < 1e-12, round(w.r_total, 3), w.n, w.n_excluded, w.n_groups
    (True, 0.692, 4, 1, 2)
    """
    check_confidence_level(confidence_level)
    candidate, t, s, _, _, ok = _station_arrays(election, candidate, share_of="ballots")
    cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in cols if c not in election.stations.columns]
    if not cols or missing:
        raise DataError(f"unknown level {missing or by!r}; the levels are {list(election.levels)}")
    # one code per combination of the columns; -1 where any is missing
    codes = election.stations.groupby(cols, sort=False, dropna=True).ngroup().to_numpy()
    ok &= codes >= 0
    size = np.bincount(codes[ok], minlength=codes.max() + 1)
    ok &= size[np.maximum(codes, 0)] >= 2
    n, g = int(ok.sum()), int(np.unique(codes[ok]).size)
    if n - g < 2:
        raise DataError(
            f"need stations in groups of 2 or more with turnout and share; got {n} "
            f"stations in {g} groups of {by!r}"
        )
    c, tt, ss = codes[ok], t[ok], s[ok]
    counts = np.bincount(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        dt = tt - (np.bincount(c, weights=tt) / counts)[c]
        ds = ss - (np.bincount(c, weights=ss) / counts)[c]
    denom = np.sqrt((dt**2).sum() * (ds**2).sum())
    r = as_float((dt * ds).sum() / denom) if denom > 0 else float("nan")
    # Fisher's z with n - G - 1 effective pairs: se = 1 / sqrt(n - G - 1)
    lo, hi, p = fisher_ci(r, n - g + 2.0, 1.0, confidence_level)
    r_total = as_float(np.corrcoef(tt, ss)[0, 1])
    return WithinGroupResult(
        statistic=r,
        pvalue=p,
        n=n,
        n_excluded=as_int((~ok).sum()),
        effect_size=r,
        effect_size_name=f"Pearson r within {'/'.join(cols)}",
        method=(
            f"turnout-share correlation of deviations from the {'/'.join(cols)} means (Fisher z)"
        ),
        null="no association within groups",
        reference="Myagkov, Ordeshook & Shakin (2009), ISBN 978-0-521-74836-0",
        candidate=candidate,
        by="/".join(cols),
        r_within=r,
        ci_low=lo,
        ci_high=hi,
        r_total=r_total,
        n_groups=g,
    )


turnout_share_association = deprecated_alias(turnout_share_test, "turnout_share_association")
shape_tests = deprecated_alias(shape_test, "shape_tests")
within_group_association = deprecated_alias(within_group_test, "within_group_association")
