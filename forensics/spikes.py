"""Round-number spikes: integer percentages, coarse vote shares, small stations.

Three tests of the same question from different angles: are station-level
percentages more often "round" (integer, or simple fractions), or small
stations more different from their neighbours, than the arithmetic of
honest counts allows? Each null conditions on every station's own size, so
the coarse fractions that small denominators produce are not mistaken for
a signature.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from forensics.election import DataError, Election
from forensics.results import TestResult, as_float, as_int

__all__ = [
    "IntegerPercentageResult",
    "integer_percentage_test",
]

_KOBAK = (
    "Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer percentages as "
    "electoral falsification fingerprints. Annals of Applied Statistics 10(1), 54-73. "
    "doi:10.1214/16-AOAS904"
)
_ROZENAS = (
    "Rozenas, A. (2017). Detecting election fraud from irregularities in vote-share "
    "distributions. Political Analysis 25(1), 41-56. doi:10.1017/pan.2016.9"
)
_JHK = (
    "Jimenez, R., Hidalgo, M. & Klimek, P. (2017). Testing for voter rigging in small "
    "polling stations. Science Advances 3(6), e1602363. doi:10.1126/sciadv.1602363"
)

_TOL = 1e-9  # relative tolerance on the window edge (floating point of window * n)
_TAIL_SD = 8.0  # binomial tails beyond 8 SD (+10 counts) carry < 1e-14 of the mass
_CHUNK = 2048


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return np.random.default_rng(rng)


def _near_integer(x: np.ndarray, n: np.ndarray, window: float) -> np.ndarray:
    """Whether 100 x / n lies within ``window`` percentage points of an integer.

    Computed as ``min(100 x mod n, n - 100 x mod n) <= window n``, exact in
    integer arithmetic (counts below 2**53), so observed and null counts use
    the very same rule.
    """
    r = np.mod(100.0 * x, n)
    return np.minimum(r, n - r) <= window * n * (1.0 + _TOL)


def _integer_probabilities(
    n: np.ndarray, p: np.ndarray, window: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(100 X / n within ``window`` pp of an integer), X ~ Bin(n, p), per station.

    Returns the per-station probability, and the null mean and variance of
    the number of stations at each integer percentage 0..100 (sums of
    :math:`\\pi_{ij}` and :math:`\\pi_{ij}(1-\\pi_{ij})` over stations).

    Only integers within ``_TAIL_SD`` binomial SDs (+10 counts) of the mean are
    visited, and for each only the few counts k whose percentage falls in its
    window; stations are processed in chunks of similar band width.
    """
    n = np.asarray(n, dtype=float)
    p = np.asarray(p, dtype=float)
    m = n.size
    prob = np.zeros(m)
    by_integer = np.zeros(101)
    var_integer = np.zeros(101)
    if m == 0:
        return prob, by_integer, var_integer
    sd_k = np.sqrt(n * p * (1.0 - p))
    margin_pp = 100.0 * (_TAIL_SD * sd_k + 10.0) / n
    j_lo = np.clip(np.floor(100.0 * p - margin_pp), 0, 100).astype(np.int64)
    j_hi = np.clip(np.ceil(100.0 * p + margin_pp), 0, 100).astype(np.int64)
    width = j_hi - j_lo + 1
    order = np.argsort(width, kind="stable")
    log_nfact = special.gammaln(n + 1.0)
    for start in range(0, m, _CHUNK):
        idx = order[start : start + _CHUNK]
        nn, pp = n[idx, None], p[idx, None]
        jj = j_lo[idx, None] + np.arange(width[idx].max())[None, :]
        ok_j = jj <= j_hi[idx, None]
        # counts whose percentage can fall within the window of integer jj
        a = np.maximum(np.ceil(nn * (jj - window) / 100.0) - 1.0, 0.0)
        b = np.minimum(np.floor(nn * (jj + window) / 100.0) + 1.0, nn)
        span = int(np.max(np.where(ok_j, b - a, 0.0))) + 1
        k = a[..., None] + np.arange(span)[None, None, :]
        n3, p3 = nn[..., None], pp[..., None]
        hit = ok_j[..., None] & (k <= b[..., None])
        # the window of jj only: percentage within `window` of jj itself
        hit &= np.abs(100.0 * k - n3 * jj[..., None]) <= window * n3 * (1.0 + _TOL)
        kk = np.where(hit, k, 0.0)
        logpmf = (
            log_nfact[idx, None, None]
            - special.gammaln(kk + 1.0)
            - special.gammaln(n3 - kk + 1.0)
            + special.xlogy(kk, p3)
            + special.xlog1py(n3 - kk, -p3)
        )
        mass = np.where(hit, np.exp(logpmf), 0.0).sum(axis=2)  # (chunk, J)
        prob[idx] = mass.sum(axis=1)
        where = np.where(ok_j, jj, 0).ravel()
        mass = np.where(ok_j, mass, 0.0)
        np.add.at(by_integer, where, mass.ravel())
        np.add.at(var_integer, where, (mass * (1.0 - mass)).ravel())
    return np.minimum(prob, 1.0), by_integer, var_integer


def _poisson_binomial_sf(observed: float, p: np.ndarray) -> float:
    """P(S >= observed) for S a sum of independent Bernoulli(p_i).

    Exact (recursive convolution) for up to 3,000 stations; above that the
    refined normal approximation of Volkova (1996), with a skewness term and
    continuity correction (Hong 2013, Comput. Stat. Data Anal. 59:41).
    """
    p = np.asarray(p, dtype=float)
    k = round(observed)
    if p.size <= 3000:
        pmf = np.array([1.0])
        for q in p:
            pmf = np.append(pmf * (1.0 - q), 0.0) + np.append(0.0, pmf * q)
        return as_float(np.clip(pmf[k:].sum(), 0.0, 1.0)) if k > 0 else 1.0
    mu = p.sum()
    var = (p * (1.0 - p)).sum()
    if var <= 0:
        return 1.0 if k <= mu else 0.0
    sd = np.sqrt(var)
    gamma = (p * (1.0 - p) * (1.0 - 2.0 * p)).sum() / sd**3
    x = (k - 0.5 - mu) / sd
    sf = stats.norm.sf(x) - gamma * (1.0 - x**2) * stats.norm.pdf(x) / 6.0
    return as_float(np.clip(sf, 0.0, 1.0))


@dataclasses.dataclass(frozen=True)
class IntegerPercentageResult(TestResult):
    """Result of :func:`integer_percentage_test`.

    The base fields describe the "either" count (turnout or leader share
    integer): ``statistic`` is the observed number of integer stations,
    ``effect_size`` the excess over its null expectation relative to that
    expectation. ``table`` has one row per quantity (``turnout``, ``share``,
    ``either``) and weighting (``stations``, ``registered``), with observed,
    expected, excess, sd, z and pvalue.
    """

    table: pd.DataFrame
    candidate: str
    window: float
    observed: float
    expected: float
    excess: float
    sd: float
    n_resamples: int
    turnout_pct: np.ndarray
    share_pct: np.ndarray
    expected_turnout_by_integer: np.ndarray
    expected_share_by_integer: np.ndarray
    var_turnout_by_integer: np.ndarray
    var_share_by_integer: np.ndarray


def _integer_inputs(election, candidate, turnout_from, min_registered, max_percent):
    if not isinstance(election, Election):
        raise TypeError(f"election must be a forensics.Election, got {type(election).__name__}")
    candidate = candidate if candidate is not None else election.leader
    if candidate not in election.candidates:
        raise DataError(
            f"unknown candidate {candidate!r}; candidates: {list(election.candidates)}"
        )
    if turnout_from not in election.stations.columns:
        raise DataError(
            f"turnout_from column {turnout_from!r} is not in the station table "
            f"(columns: {list(election.stations.columns)})"
        )
    reg = election.counts("registered")
    given = election.counts(turnout_from)
    received = election.counts("ballots")
    votes = election.counts(candidate)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = 100.0 * given / reg
        r = 100.0 * votes / received
    keep = (
        np.isfinite(reg)
        & np.isfinite(given)
        & np.isfinite(received)
        & np.isfinite(votes)
        & (reg >= min_registered)
        & (received > 0)
        & (t <= max_percent)
        & (r <= max_percent)
    )
    return candidate, keep, reg, given, received, votes


def integer_percentage_test(
    election: Election,
    candidate: str | None = None,
    *,
    window: float = 0.05,
    min_registered: int = 100,
    method: Literal["exact", "montecarlo"] = "exact",
    n_resamples: int = 1000,
    rng: np.random.Generator | int | None = None,
    turnout_from: str = "ballots",
    max_percent: float = 99.0,
) -> IntegerPercentageResult:
    """Excess of stations whose turnout or leader share is an integer percentage.

    Counts stations whose turnout, or whose candidate share, lies within
    ``window`` percentage points of an integer, and compares the count with
    what binomial counting noise at each station's own size produces.

    Parameters
    ----------
    election : Election
    candidate : str, optional
        The candidate whose share is examined; default the election's leader.
    window : float
        Half-width, in percentage points, of the band around each integer
        (0.05 = the paper's 0.1 pp bins centred on integers).
    min_registered : int
        Stations with fewer registered voters are excluded (the paper: 100).
    method : {"exact", "montecarlo"}
        ``"exact"``: the expected count and its variance computed exactly
        (Poisson-binomial, see Notes). ``"montecarlo"``: the paper's
        resampling, ``n_resamples`` replicates.
    n_resamples : int
        Monte Carlo replicates (``method="montecarlo"`` only).
    rng : numpy.random.Generator or int, optional
        Randomness for the Monte Carlo method.
    turnout_from : str
        Column of ballots counted in the turnout numerator: ``"ballots"``
        (ballots found in the boxes, default) or a kept column such as
        ``"ballots_issued"`` (the paper's "given" ballots).
    max_percent : float
        Stations with turnout or share above this percentage are excluded
        (the paper: 99), since 100 % is trivially an integer.

    Returns
    -------
    IntegerPercentageResult
        ``table`` gives observed, expected, excess, SD, z and one-sided
        p-value (excess of integers) for turnout, share and either, counted
        by stations and weighted by registered voters.

    Notes
    -----
    Station *i* has turnout :math:`t_i = 100\\,g_i/N_i` (``turnout_from``
    over registered) and share :math:`r_i = 100\\,v_i/b_i` (candidate votes
    over ballots cast, as in the paper). It is "integer" in turnout when
    :math:`|t_i - \\mathrm{round}(t_i)| \\le` ``window``; the rule is
    evaluated in exact integer arithmetic. Stations are kept when
    registered is known and at least ``min_registered``, ballots cast > 0,
    and :math:`t_i, r_i \\le` ``max_percent``; the others are counted in
    ``n_excluded``.

    Null model (the paper's): :math:`g_i^* \\sim \\mathrm{Bin}(N_i, t_i/100)`
    and, independently, :math:`v_i^* \\sim \\mathrm{Bin}(b_i, r_i/100)`. The
    probability :math:`\\pi_i` that station *i* lands on an integer is a finite
    sum of binomial probabilities over the counts whose percentage falls in
    a window; the number of integer stations is then Poisson-binomial with
    mean :math:`\\sum \\pi_i` and variance :math:`\\sum \\pi_i(1-\\pi_i)`
    ("either": :math:`1-(1-\\pi^t_i)(1-\\pi^r_i)`). The exact method computes
    these sums (binomial tails beyond 8 SD are dropped, < 1e-14 per
    station); its p-value is the exact Poisson-binomial tail up to 3,000
    stations and the refined normal approximation above. Registered-weighted
    counts have mean :math:`\\sum w_i\\pi_i`, variance
    :math:`\\sum w_i^2\\pi_i(1-\\pi_i)` and a normal p-value. The Monte Carlo
    method resamples instead and reports the replicates' mean and SD, with
    p-value :math:`(1 + \\#\\{S^* \\ge S\\})/(1 + B)`.

    An excess speaks against "percentages arise from honest counts of this
    size"; it is a signature consistent with results written to round
    targets, not proof of fraud. The paper's "given" ballots (issued) can be
    used via ``turnout_from="ballots_issued"`` where a loader keeps them.

    References
    ----------
    .. [1] Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer
       percentages as electoral falsification fingerprints. Annals of Applied
       Statistics 10(1), 54-73. doi:10.1214/16-AOAS904
    .. [2] Hong, Y. (2013). On computing the distribution function for the
       Poisson binomial distribution. Computational Statistics & Data
       Analysis 59, 41-51. doi:10.1016/j.csda.2012.10.006
    """
    if method not in ("exact", "montecarlo"):
        raise ValueError(f"method must be 'exact' or 'montecarlo', got {method!r}")
    if not 0 < window < 0.5:
        raise ValueError(f"window must lie in (0, 0.5) percentage points, got {window}")
    if method == "montecarlo" and n_resamples < 1:
        raise ValueError(f"n_resamples must be positive, got {n_resamples}")
    candidate, keep, reg, given, received, votes = _integer_inputs(
        election, candidate, turnout_from, min_registered, max_percent
    )
    n_excluded = int((~keep).sum())
    N, g, b, v = reg[keep], given[keep], received[keep], votes[keep]
    if N.size == 0:
        raise DataError(
            f"no station left for the integer-percentage test: all {n_excluded} excluded "
            f"(registered < {min_registered} or missing, no ballots, or above {max_percent} %)"
        )
    pt, pr = g / N, v / b
    obs_t = _near_integer(g, N, window)
    obs_r = _near_integer(v, b, window)
    obs = {"turnout": obs_t, "share": obs_r, "either": obs_t | obs_r}
    prob_t, by_t, var_by_t = _integer_probabilities(N, pt, window)
    prob_r, by_r, var_by_r = _integer_probabilities(b, pr, window)
    probs = {"turnout": prob_t, "share": prob_r, "either": 1 - (1 - prob_t) * (1 - prob_r)}
    weights = {"stations": np.ones_like(N), "registered": N}

    rows = []
    if method == "exact":
        for what, w in weights.items():
            for q in ("turnout", "share", "either"):
                pi = probs[q]
                o = as_float((w * obs[q]).sum())
                e = as_float((w * pi).sum())
                sd = as_float(np.sqrt((w**2 * pi * (1 - pi)).sum()))
                if what == "stations":
                    pval = _poisson_binomial_sf(o, pi)
                else:
                    pval = as_float(stats.norm.sf((o - e) / sd)) if sd > 0 else float("nan")
                rows.append((q, what, o, e, o - e, sd, (o - e) / sd if sd > 0 else np.nan, pval))
        n_res = 0
    else:
        gen = _rng(rng)
        sims = {(q, what): np.empty(n_resamples) for q in obs for what in weights}
        block = max(1, int(2e6 // N.size))
        Ni, bi = N.astype(np.int64), b.astype(np.int64)
        for s in range(0, n_resamples, block):
            reps = min(block, n_resamples - s)
            gs = gen.binomial(Ni, pt, size=(reps, N.size))
            vs = gen.binomial(bi, pr, size=(reps, N.size))
            it = _near_integer(gs, N, window)
            ir = _near_integer(vs, b, window)
            flags = {"turnout": it, "share": ir, "either": it | ir}
            for q, f in flags.items():
                for what, w in weights.items():
                    sims[(q, what)][s : s + reps] = f @ w
        for what, w in weights.items():
            for q in ("turnout", "share", "either"):
                o = as_float((w * obs[q]).sum())
                sim = sims[(q, what)]
                e, sd = as_float(sim.mean()), as_float(sim.std(ddof=1))
                pval = (1 + int((sim >= o).sum())) / (1 + n_resamples)
                rows.append((q, what, o, e, o - e, sd, (o - e) / sd if sd > 0 else np.nan, pval))
        n_res = n_resamples
    table = pd.DataFrame(
        rows, columns=["quantity", "weight", "observed", "expected", "excess", "sd", "z", "pvalue"]
    )
    main = table.iloc[2]
    return IntegerPercentageResult(
        statistic=as_float(main["observed"]),
        pvalue=as_float(main["pvalue"]),
        n=as_int(N.size),
        n_excluded=n_excluded,
        effect_size=as_float(main["excess"] / main["expected"]),
        effect_size_name="relative excess of integer stations (turnout or share)",
        method=(
            f"integer percentages ({'exact Poisson-binomial' if method == 'exact' else 'Monte Carlo'}"
            f", window ±{window:g} pp, turnout from {turnout_from!r}, share of ballots)"
        ),
        null="station-wise binomial",
        reference=_KOBAK,
        table=table,
        candidate=candidate,
        window=float(window),
        observed=as_float(main["observed"]),
        expected=as_float(main["expected"]),
        excess=as_float(main["excess"]),
        sd=as_float(main["sd"]),
        n_resamples=n_res,
        turnout_pct=100.0 * pt,
        share_pct=100.0 * pr,
        expected_turnout_by_integer=by_t,
        expected_share_by_integer=by_r,
        var_turnout_by_integer=var_by_t,
        var_share_by_integer=var_by_r,
    )
