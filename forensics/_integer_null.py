"""The arithmetic of integer percentages: the hit rule and its exact binomial null.

A count ``k`` of ``n`` is "integer" when ``100 k / n`` lies within a window
of an integer percentage. The rule is decided in integer arithmetic, and
the probability of a hit under ``k ~ Bin(n, p)`` is summed exactly over the
counts in each window (Kobak, Shpilkin & Pshenichnikov 2016).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from forensics.results import as_float

_TOL = 1e-9  # relative tolerance on the window edge (floating point of window * n)
_TAIL_SD = 8.0  # binomial tails beyond 8 SD (+10 counts) carry < 1e-14 of the mass
_CHUNK = 2048  # stations per chunk of the exact computation (bounds its memory)
_LOG_FACTORIAL_TABLE = 2**21  # tabulate log k! for denominators up to this size


def _window_counts(n: np.ndarray, window: float) -> np.ndarray:
    """The window in count units: the largest integer ``d <= window * n * (1 + _TOL)``.

    A count ``k`` of ``n`` is within ``window`` percentage points of the
    integer ``j`` iff ``|100 k - j n| <= window * n``; both sides of
    ``|100 k - j n| <= d`` are integers, so the rule needs no floating point
    beyond this bound. ``_TOL`` keeps counts whose percentage lies exactly on
    the window's edge (``window * n`` an integer that floating point may
    round down, e.g. 0.05 * 2000).
    """
    return np.floor(window * np.asarray(n, dtype=float) * (1.0 + _TOL)).astype(np.int64)


def _near_integer(x: np.ndarray, n: np.ndarray, window: float) -> np.ndarray:
    """Whether 100 x / n lies within ``window`` percentage points of an integer.

    ``x`` and ``n > 0`` hold integer counts (any numeric dtype; ``x`` may
    carry leading axes that broadcast against ``n``). The window is closed:
    a percentage exactly ``window`` from an integer counts as near. Decided
    in integer arithmetic: with ``r = 100 x mod n`` and ``d`` the window in
    count units (:func:`_window_counts`), near iff ``r <= d`` or
    ``n - r <= d``; observed and null counts use this very rule.
    """
    n = np.asarray(n)
    d = _window_counts(n, window)
    ni = n.astype(np.int64)
    r = 100 * np.asarray(x).astype(np.int64, copy=False)
    if r.shape == np.broadcast_shapes(r.shape, ni.shape):
        np.remainder(r, ni, out=r)
    else:
        r = np.remainder(r, ni)
    return (r <= d) | (r >= ni - d)


def _log_factorial(max_n: int):
    """``k -> log k!`` for integer arrays ``k <= max_n`` (a table when small)."""
    if max_n <= _LOG_FACTORIAL_TABLE:
        table = special.gammaln(np.arange(max_n + 1, dtype=float) + 1.0)
        return table.__getitem__
    return lambda k: special.gammaln(k + 1.0)


def _integer_probabilities(
    n: np.ndarray, p: np.ndarray, window: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(100 X / n within ``window`` pp of an integer), X ~ Bin(n, p), per station.

    Returns the per-station probability, and the null mean and variance of
    the number of stations at each integer percentage 0..100 (sums of
    :math:`\\pi_{ij}` and :math:`\\pi_{ij}(1-\\pi_{ij})` over stations).

    Only integers j within ``_TAIL_SD`` binomial SDs (+10 counts) of the mean
    are visited, and for each only the counts k in its window,
    :math:`\\lceil (jn - d)/100 \\rceil \\le k \\le \\lfloor (jn + d)/100 \\rfloor`
    with ``d`` from :func:`_window_counts` (the rule of :func:`_near_integer`;
    exact, as integers below 2**53 divided by 100). The binomial
    probabilities of these (station, j, k) triples are evaluated together,
    in chunks of stations.
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
    d = _window_counts(n, window).astype(float)
    log_fact = _log_factorial(int(n.max()))
    for start in range(0, m, _CHUNK):
        sl = slice(start, start + _CHUNK)
        nc, pc, dc, lo = n[sl], p[sl], d[sl], j_lo[sl]
        # one row per station and integer j of its band
        width = j_hi[sl] - lo + 1
        st = np.repeat(np.arange(width.size), width)
        j = np.arange(st.size) - np.repeat(np.cumsum(width) - width - lo, width)
        # the counts in the window of j: ceil((j n - d) / 100) .. floor((j n + d) / 100);
        # exact in floating point (integers below 2**53 divided by 100)
        nj, ds = nc[st] * j, dc[st]
        k_lo = np.maximum(np.ceil((nj - ds) / 100.0), 0.0)
        count = np.minimum(np.floor((nj + ds) / 100.0), nc[st]) - k_lo + 1.0
        mass = np.zeros(st.size)  # per (station, j)
        for c in range(int(count.max(initial=0.0))):
            r = np.flatnonzero(count > c)
            s, k = st[r], (k_lo[r] + c).astype(np.int64)
            nk, pk = nc[s].astype(np.int64), pc[s]
            mass[r] += np.exp(
                log_fact(nk)
                - log_fact(k)
                - log_fact(nk - k)
                + special.xlogy(k, pk)
                + special.xlog1py(nk - k, -pk)
            )
        prob[sl] = np.bincount(st, weights=mass, minlength=width.size)
        by_integer += np.bincount(j, weights=mass, minlength=101)
        var_integer += np.bincount(j, weights=mass * (1.0 - mass), minlength=101)
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


def _hits_by_integer(x: np.ndarray, n: np.ndarray, window: float) -> np.ndarray:
    """Stations whose 100 x / n is near each integer 0..100, by the rule of :func:`_near_integer`.

    The integer of a hit is the nearest one, ``floor((200 x + n) / (2 n))``
    in integer arithmetic (no tie: the window is below 0.5 percentage
    points).
    """
    n = np.asarray(n).astype(np.int64)
    x = np.asarray(x).astype(np.int64)
    hit = _near_integer(x, n, window)
    nearest = (200 * x[hit] + n[hit]) // (2 * n[hit])
    return np.bincount(nearest, minlength=101)[:101]
