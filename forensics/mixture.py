"""The finite-mixture model of election frauds (Ferrari, McAlister & Mebane 2018).

Every station is in one of three classes: no fraud, incremental fraud or
extreme fraud. A falsified station's leader gains a fraction of the
non-voters (manufactured votes) and a fraction of the opposition's votes
(stolen votes); the fraction is small at incrementally falsified stations
and close to 1 at extremely falsified ones. :func:`fit_mixture` estimates
the class weights by maximum likelihood on the station counts, with the
latent fraud fraction integrated over a fixed grid, and gives a parametric
bootstrap for the intervals and for a goodness-of-fit p-value;
:func:`simulate_mixture` draws an :class:`~forensics.Election` from the
model.

The weights describe which mixture of the model's three signatures best
reproduces the turnout and leader-share counts. A fair election whose
turnout or share distribution is not a single beta-binomial (regional
blocs, mobilisation that raises turnout and the leader's share together)
also gets non-zero fraud weights: read them as the size of the signature,
not as a count of falsified stations.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import warnings
from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, gammaln, logsumexp, xlogy

from forensics._compat import renamed_parameters
from forensics._estimation import (
    check_resampling,
    percentile_interval,
    require_sized_stations,
    station_counts,
)
from forensics._inputs import election_candidate
from forensics.digits import ForensicsWarning
from forensics.election import DataError, Election, _two_candidate_election
from forensics.results import TestResult, _FormerResamplingNames, as_float, as_int

try:  # optional: BLAS threads spinning between L-BFGS-B steps slow the fit 2-3 fold
    from threadpoolctl import threadpool_limits
except ModuleNotFoundError:  # pragma: no cover
    threadpool_limits = None

__all__ = ["CLASSES", "MixtureFit", "fit_mixture", "mixture_loglik", "simulate_mixture"]

REFERENCE = (
    "Ferrari, D., McAlister, K. & Mebane, W. R., Jr. (2018). Developments in positive "
    "empirical models of election frauds: dimensions and decisions. Summer Meeting of the "
    "Political Methodology Society, Provo, UT"
)

#: The three classes, in the order of every weight tuple.
CLASSES = ("none", "incremental", "extreme")

#: Upper bound of the incremental fraud fraction and lower bound of the
#: extreme one (``k = 0.7`` in the ``eforensics`` models).
THRESHOLD = 0.7
#: SD of the distance of the extreme fraud fraction from 1 (Klimek et al.'s
#: 0.075, also ``sigma.chi`` of ``eforensics``).
EXTREME_SD = 0.075
N_INCREMENTAL = 10
N_EXTREME = 6

_X_INC = THRESHOLD * (np.arange(N_INCREMENTAL) + 0.5) / N_INCREMENTAL
_D_EXT = (1.0 - THRESHOLD) * (np.arange(N_EXTREME) + 0.5) / N_EXTREME
_X_EXT = 1.0 - _D_EXT
_LOGW_EXT = -0.5 * (_D_EXT / EXTREME_SD) ** 2
_LOGW_EXT = _LOGW_EXT - logsumexp(_LOGW_EXT)
#: Fraud fraction of every mixture component: 0, the incremental grid, the extreme grid.
X_GRID = np.concatenate([[0.0], _X_INC, _X_EXT])
_N_COMP = X_GRID.size
_CLASS_OF = np.array([0] + [1] * N_INCREMENTAL + [2] * N_EXTREME)

_PARAM_NAMES = (
    "turnout",
    "share",
    "rho_turnout",
    "rho_share",
    "pi_none",
    "pi_incremental",
    "pi_extreme",
    "theta",
    "alpha",
)
# bounds of the unconstrained parameters (logit tau, logit nu, logit rho_t,
# logit rho_v, two log weight ratios, log theta, log alpha)
_BOUNDS = [
    (-8.0, 8.0),
    (-8.0, 8.0),
    (-14.0, 0.0),
    (-14.0, 0.0),
    (-12.0, 8.0),
    (-12.0, 8.0),
    (math.log(0.01), math.log(2.0)),
    (math.log(0.25), math.log(8.0)),
]
_EPS = 1e-10
_GOF_BINS = 10
_GOF_DRAWS = 5


# ------------------------------------------------------------------ model
@dataclasses.dataclass(frozen=True)
class _Params:
    tau: float
    nu: float
    rho_t: float
    rho_v: float
    pi: np.ndarray  # (3,)
    theta: float
    alpha: float

    @classmethod
    def from_vector(cls, u: np.ndarray) -> _Params:
        eta = np.array([0.0, u[4], u[5]])
        pi = np.exp(eta - logsumexp(eta))
        return cls(
            tau=float(expit(u[0])),
            nu=float(expit(u[1])),
            rho_t=float(expit(u[2])),
            rho_v=float(expit(u[3])),
            pi=pi,
            theta=float(np.exp(u[6])),
            alpha=float(np.exp(u[7])),
        )

    def raw_vector(self) -> np.ndarray:
        """The unconstrained vector (zero weights give -inf log ratios)."""
        with np.errstate(divide="ignore"):
            lp = np.log(self.pi)
        logit = lambda z: math.log(z / (1.0 - z))  # noqa: E731
        return np.array(
            [
                logit(self.tau),
                logit(self.nu),
                logit(self.rho_t),
                logit(self.rho_v),
                lp[1] - lp[0],
                lp[2] - lp[0],
                math.log(self.theta),
                math.log(self.alpha),
            ]
        )

    def to_vector(self) -> np.ndarray:
        """The unconstrained vector, clipped to the fit's bounds."""
        lo, hi = np.array(_BOUNDS).T
        return np.clip(self.raw_vector(), lo, hi)

    def as_dict(self) -> dict[str, float]:
        vals = (self.tau, self.nu, self.rho_t, self.rho_v, *self.pi, self.theta, self.alpha)
        return {k: float(v) for k, v in zip(_PARAM_NAMES, vals, strict=True)}


def _incremental_logw(theta: float) -> np.ndarray:
    """Log weights of the incremental grid: a truncated exponential of mean ~theta."""
    lw = -_X_INC / theta
    return lw - logsumexp(lw)


def _components(p: _Params) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per component: log weight, turnout t_k, leader share q_k and stolen fraction s_k."""
    lw = np.concatenate(
        [
            [math.log(max(p.pi[0], 1e-300))],
            math.log(max(p.pi[1], 1e-300)) + _incremental_logw(p.theta),
            math.log(max(p.pi[2], 1e-300)) + _LOGW_EXT,
        ]
    )
    x = X_GRID
    s = np.power(x, p.alpha)
    t = p.tau + x * (1.0 - p.tau)
    q = (p.tau * (p.nu + s * (1.0 - p.nu)) + x * (1.0 - p.tau)) / t
    return lw, np.clip(t, _EPS, 1 - _EPS), np.clip(q, _EPS, 1 - _EPS), s


@dataclasses.dataclass(frozen=True)
class _Data:
    """Counts of the stations used and their parameter-free likelihood terms."""

    n: np.ndarray  # registered - invalid: voters who could cast a valid vote
    v: np.ndarray  # valid votes
    w: np.ndarray  # leader votes
    log_binom: np.ndarray  # log C(n, v) + log C(v, w)
    h_v: np.ndarray  # saturated binomial log-likelihoods (Efron's g(y; y))
    h_w: np.ndarray

    @classmethod
    def build(cls, n: np.ndarray, v: np.ndarray, w: np.ndarray) -> _Data:
        n, v, w = (np.asarray(a, dtype=float) for a in (n, v, w))
        log_binom = (
            gammaln(n + 1) - gammaln(v + 1) - gammaln(n - v + 1)
            + gammaln(v + 1) - gammaln(w + 1) - gammaln(v - w + 1)
        )  # fmt: skip
        pv, pw = v / n, w / v
        h_v = xlogy(v, pv) + xlogy(n - v, 1 - pv)
        h_w = xlogy(w, pw) + xlogy(v - w, 1 - pw)
        return cls(n, v, w, log_binom, h_v, h_w)


_CHUNK = 4096  # stations per block: the (K, block) arrays stay in cache


def _loglik(u: np.ndarray, d: _Data, *, gradient: bool = False, posterior: bool = False) -> Any:
    """Marginal log-likelihood (and its gradient in ``u``, or the posterior).

    The component log-densities are ``lw_k + sum_j P_ji L_jk``: ``P`` holds
    the dispersion-weighted counts of each station and ``L`` the log
    probabilities of each component (Efron's kernel is linear in them).
    Stations are processed in blocks, with component-major arrays.
    """
    p = _Params.from_vector(u)
    lw, t, q, s = _components(p)
    L = (np.log(t), np.log1p(-t), np.log(q), np.log1p(-q))
    Lc = [col[:, None] for col in L]
    ll = 0.0
    sums = np.zeros((5, _N_COMP))  # rk, A, B, C, D
    g_rho = np.zeros(2)
    posts = []
    for lo in range(0, d.n.size, _CHUNK):
        sl = slice(lo, lo + _CHUNK)
        n, v, w = d.n[sl], d.v[sl], d.w[sl]
        th_t = 1.0 / (1.0 + (n - 1.0) * p.rho_t)
        th_v = 1.0 / (1.0 + (v - 1.0) * p.rho_v)
        P = (th_t * v, th_t * (n - v), th_v * w, th_v * (v - w))
        m = lw[:, None] + Lc[0] * P[0]
        for j in (1, 2, 3):
            m += Lc[j] * P[j]
        mx = m.max(axis=0)
        m -= mx
        e = np.exp(m, out=m)
        tot = e.sum(axis=0)
        const = (
            d.log_binom[sl]
            + 0.5 * (np.log(th_t) + np.log(th_v))
            + (1.0 - th_t) * d.h_v[sl]
            + (1.0 - th_v) * d.h_w[sl]
        )
        ll += float(np.sum(const + mx + np.log(tot)))
        if not (gradient or posterior):
            continue
        r = np.divide(e, tot, out=e)
        if posterior:
            posts.append(r.T.copy())
            continue
        sums[0] += r.sum(axis=1)
        for j in range(4):
            sums[j + 1] += (r * P[j]).sum(axis=1)
        # posterior mean of each station's kernel, for the rho derivatives
        ra = v * (Lc[0] * r).sum(axis=0) + (n - v) * (Lc[1] * r).sum(axis=0)
        rb = w * (Lc[2] * r).sum(axis=0) + (v - w) * (Lc[3] * r).sum(axis=0)
        # d theta_i / d rho = -(n_i - 1) theta_i^2
        g_rho[0] += np.sum(-(n - 1.0) * th_t**2 * (0.5 / th_t + ra - d.h_v[sl]))
        g_rho[1] += np.sum(-(v - 1.0) * th_v**2 * (0.5 / th_v + rb - d.h_w[sl]))
    if posterior:
        return ll, np.concatenate(posts)
    if not gradient:
        return ll
    rk, A, B, C, D = sums
    dl_dt = A / t - B / (1 - t)
    dl_dq = C / q - D / (1 - q)
    x = X_GRID
    tau, nu = p.tau, p.nu
    dq_dtau = ((nu + s * (1 - nu) - x) - q * (1 - x)) / t
    dq_dnu = tau * (1 - s) / t
    ds_dalpha = np.where(x > 0, s * np.log(np.where(x > 0, x, 1.0)), 0.0)
    dq_dalpha = tau * (1 - nu) * ds_dalpha / t
    g = np.zeros(8)
    g[0] = np.sum(dl_dt * (1 - x) + dl_dq * dq_dtau) * tau * (1 - tau)
    g[1] = np.sum(dl_dq * dq_dnu) * nu * (1 - nu)
    g[2] = g_rho[0] * p.rho_t * (1 - p.rho_t)
    g[3] = g_rho[1] * p.rho_v * (1 - p.rho_v)
    r_class = np.array([rk[c == _CLASS_OF].sum() for c in range(3)])
    total = r_class.sum()
    g[4] = r_class[1] - total * p.pi[1]
    g[5] = r_class[2] - total * p.pi[2]
    gw = np.exp(_incremental_logw(p.theta))
    g[6] = np.sum(rk[_CLASS_OF == 1] * (_X_INC - np.sum(gw * _X_INC))) / p.theta
    g[7] = np.sum(dl_dq * dq_dalpha) * p.alpha
    return ll, g


def _fit_once(d: _Data, u0: np.ndarray, maxiter: int) -> tuple[np.ndarray, float, bool]:
    scale = float(d.n.size)

    def fun(u: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g = _loglik(u, d, gradient=True)
        return -ll / scale, -g / scale

    res = minimize(
        fun,
        u0,
        jac=True,
        method="L-BFGS-B",
        bounds=_BOUNDS,
        options={"maxiter": maxiter, "ftol": 1e-10, "gtol": 1e-6},
    )
    return np.asarray(res.x), -float(res.fun) * scale, bool(res.success)


def _starts(d: _Data) -> list[np.ndarray]:
    """Starting points: fair parameters from the lower part of the data, three weight sets."""
    turnout, share = d.v / d.n, d.w / d.v
    low = turnout <= np.quantile(turnout, 0.5)
    tau0 = float(np.clip(np.quantile(turnout, 0.4), 0.05, 0.95))
    nu0 = float(np.clip(np.median(share[low]), 0.05, 0.95))
    rho0 = float(np.clip(np.var(turnout[low]) / (tau0 * (1 - tau0)), 1e-4, 0.3))
    rho1 = float(np.clip(np.var(share[low]) / (nu0 * (1 - nu0)), 1e-4, 0.3))
    out = []
    for pi, theta, alpha in (
        ((0.90, 0.08, 0.02), 0.10, 2.0),
        ((0.60, 0.35, 0.05), 0.20, 1.5),
        ((0.99, 0.009, 0.001), 0.05, 1.0),
    ):
        out.append(_Params(tau0, nu0, rho0, rho1, np.array(pi), theta, alpha).to_vector())
    return out


def _single_blas_thread() -> Any:
    if threadpool_limits is None:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _fit(
    d: _Data, starts: list[np.ndarray], maxiter: int = 500
) -> tuple[np.ndarray, float, bool, list[tuple[np.ndarray, float]]]:
    with _single_blas_thread():
        runs = [_fit_once(d, u0, maxiter) for u0 in starts]
    best = int(np.argmax([r[1] for r in runs]))
    return runs[best][0], runs[best][1], runs[best][2], [(r[0], r[1]) for r in runs]


def mixture_loglik(
    registered: Any,
    voters: Any,
    leader: Any,
    *,
    turnout: float,
    share: float,
    rho_turnout: float,
    rho_share: float,
    pi: tuple[float, float, float],
    theta: float,
    alpha: float,
) -> float:
    """Log-likelihood of station counts under the finite-mixture fraud model.

    Parameters
    ----------
    registered, voters, leader : array-like of int
        Per station: voters able to cast a valid vote ``N_i``, valid votes
        ``V_i`` and the leader's votes ``W_i`` (``0 <= W_i <= V_i <= N_i``,
        ``V_i >= 1``).
    turnout, share : float
        Fair turnout ``tau`` and fair leader share ``nu``, in (0, 1).
    rho_turnout, rho_share : float
        Intra-station correlations (overdispersion) of turnout and share,
        in (0, 1).
    pi : (float, float, float)
        Weights of no fraud, incremental and extreme fraud (sum 1).
    theta : float
        Mean scale of the incremental fraud fraction.
    alpha : float
        Exponent of stealing: a fraction ``x**alpha`` of the opposition's
        votes moves to the leader.

    Returns
    -------
    float
        The log-likelihood of :func:`fit_mixture` (see its Notes).

    References
    ----------
    .. [1] Ferrari, D., McAlister, K. & Mebane, W. R., Jr. (2018).
       Developments in positive empirical models of election frauds:
       dimensions and decisions. Summer Meeting of the Political
       Methodology Society, Provo, UT.
    .. [2] Efron, B. (1986). Double exponential families and their use in
       generalized linear regression. Journal of the American Statistical
       Association 81(395), 709-721.

    Examples
    --------
    Counts drawn with fraud are more likely under the weights they were
    drawn with than under a fair election:

    >>> e = simulate_mixture([800] * 300, turnout=0.6, share=0.5, pi=(0.8, 0.15, 0.05), rng=1)
    >>> counts = [e.stations[c] for c in ("registered", "valid", "leader")]
    >>> kw = dict(turnout=0.6, share=0.5, rho_turnout=0.01, rho_share=0.01, theta=0.1, alpha=2.0)
    >>> round(mixture_loglik(*counts, pi=(0.8, 0.15, 0.05), **kw), 2)
    -3021.28
    >>> round(mixture_loglik(*counts, pi=(1.0, 0.0, 0.0), **kw), 2)
    -4416.95
    """
    d = _checked_counts(registered, voters, leader)
    p = _checked_params(turnout, share, rho_turnout, rho_share, pi, theta, alpha)
    return _loglik(p.raw_vector(), d)


def _check_params(p: _Params) -> None:
    for name, val in (
        ("turnout", p.tau),
        ("share", p.nu),
        ("rho_turnout", p.rho_t),
        ("rho_share", p.rho_v),
    ):
        if not 0 < val < 1:
            raise ValueError(f"{name} must lie in (0, 1), got {val}")
    if p.pi.shape != (3,) or np.any(p.pi < 0) or p.pi[0] <= 0 or abs(p.pi.sum() - 1) > 1e-9:
        raise ValueError(f"pi must be 3 non-negative weights summing to 1, pi[0] > 0; got {p.pi}")
    if not p.theta > 0 or not p.alpha > 0:
        raise ValueError(f"theta and alpha must be > 0, got {p.theta}, {p.alpha}")


def _checked_params(turnout, share, rho_turnout, rho_share, pi, theta, alpha) -> _Params:
    """The parameters given by a caller, as :class:`_Params`, checked."""
    p = _Params(
        float(turnout),
        float(share),
        float(rho_turnout),
        float(rho_share),
        np.asarray(pi, dtype=float),
        float(theta),
        float(alpha),
    )
    _check_params(p)
    return p


def _checked_counts(n: Any, v: Any, w: Any) -> _Data:
    arrs = [np.asarray(a, dtype=float) for a in (n, v, w)]
    if any(a.ndim != 1 for a in arrs) or len({a.size for a in arrs}) != 1 or arrs[0].size == 0:
        raise DataError("registered, voters and leader must be 1-D arrays of the same length")
    n, v, w = arrs
    bad = ~(np.isfinite(n) & np.isfinite(v) & np.isfinite(w))
    bad |= (n != np.round(n)) | (v != np.round(v)) | (w != np.round(w))
    bad |= (w < 0) | (w > v) | (v < 1) | (v > n)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise DataError(
            f"counts must be integers with 0 <= leader <= voters <= registered and voters >= 1; "
            f"rows {rows[:10].tolist()}{' ...' if rows.size > 10 else ''} are not"
        )
    return _Data.build(n, v, w)


# ------------------------------------------------------------- simulation
def _draw(n: np.ndarray, p: _Params, gen: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Class, fraud fraction, valid votes and leader votes drawn from the model."""
    size = n.size
    cls = gen.choice(3, size=size, p=p.pi / p.pi.sum())
    j_inc = gen.choice(N_INCREMENTAL, size=size, p=np.exp(_incremental_logw(p.theta)))
    j_ext = gen.choice(N_EXTREME, size=size, p=np.exp(_LOGW_EXT))
    x = np.where(cls == 1, _X_INC[j_inc], np.where(cls == 2, _X_EXT[j_ext], 0.0))
    s = np.power(x, p.alpha)
    t = p.tau + x * (1 - p.tau)
    q = (p.tau * (p.nu + s * (1 - p.nu)) + x * (1 - p.tau)) / t
    c_t, c_v = 1.0 / p.rho_t - 1.0, 1.0 / p.rho_v - 1.0
    v = gen.binomial(n.astype(np.int64), gen.beta(t * c_t, (1 - t) * c_t))
    w = gen.binomial(v, gen.beta(q * c_v, (1 - q) * c_v))
    return cls, x, v.astype(float), w.astype(float)


def simulate_mixture(
    registered: Any,
    *,
    turnout: float,
    share: float,
    rho_turnout: float = 0.01,
    rho_share: float = 0.01,
    pi: tuple[float, float, float] = (1.0, 0.0, 0.0),
    theta: float = 0.1,
    alpha: float = 2.0,
    rng: Any = None,
    candidates: tuple[str, str] = ("leader", "opposition"),
    name: str = "finite-mixture fraud model",
) -> Election:
    """Simulate an election from the finite-mixture fraud model.

    Parameters
    ----------
    registered : array-like of int
        Registered voters per station (e.g. a real election's
        ``stations["registered"]``), each >= 1.
    turnout, share, rho_turnout, rho_share, pi, theta, alpha
        Model parameters, as in :func:`mixture_loglik`.
    rng : numpy.random.Generator or int, optional
        Source of randomness.
    candidates : (str, str)
        Names of the leader and of the pooled opposition.
    name : str
        Name of the returned election.

    Returns
    -------
    Election
        ``invalid = 0``; extra columns ``fraud`` (``"none"``,
        ``"incremental"`` or ``"extreme"``) and ``x`` (fraud fraction).
        Stations drawn with no valid vote keep ``valid = 0``.

    Notes
    -----
    Station i draws its class from ``pi`` and its fraud fraction x from the
    class's grid (see :func:`fit_mixture`); then ``V_i ~ BetaBinomial(N_i,
    t, rho_turnout)`` and ``W_i | V_i ~ BetaBinomial(V_i, q, rho_share)``
    with ``t = tau + x (1 - tau)`` and ``q = [tau (nu + x**alpha (1 - nu))
    + x (1 - tau)] / t``.

    References
    ----------
    .. [1] Ferrari, D., McAlister, K. & Mebane, W. R., Jr. (2018).
       Developments in positive empirical models of election frauds:
       dimensions and decisions. Summer Meeting of the Political
       Methodology Society, Provo, UT.

    Examples
    --------
    >>> e = simulate_mixture([500] * 200, turnout=0.6, share=0.5, rng=1)
    >>> int(e.stations["registered"].sum())
    100000
    """
    n = np.asarray(registered, dtype=float)
    if n.ndim != 1 or n.size == 0 or not np.all(np.isfinite(n)):
        raise ValueError("registered must be a non-empty 1-D array of finite station sizes")
    if np.any(n < 1) or np.any(n != np.round(n)):
        raise ValueError("registered must hold integers >= 1")
    p = _checked_params(turnout, share, rho_turnout, rho_share, pi, theta, alpha)
    cls, x, v, w = _draw(n, p, np.random.default_rng(rng))
    return _two_candidate_election(
        n, v, w, candidates, fraud=np.asarray(CLASSES)[cls], x=x, name=name, source=REFERENCE
    )


# ---------------------------------------------------------------- summaries
def _fraud_votes(d: _Data, p: _Params, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posterior expected manufactured and stolen votes per station.

    Component k adds, in expectation, ``N x_k (1 - tau)`` manufactured votes
    (a fraction x_k of the non-voters) and ``N tau (1 - nu) s_k`` stolen ones
    (a fraction s_k of the opposition's votes); each station averages them
    over its posterior over the components.
    """
    man = np.outer(d.n, X_GRID * (1.0 - p.tau))
    stolen = np.outer(d.n, p.tau * (1.0 - p.nu) * np.power(X_GRID, p.alpha))
    return (post * man).sum(axis=1), (post * stolen).sum(axis=1)


def _model_fraud_votes(n: np.ndarray, p: _Params) -> float:
    """Fraud votes implied by the parameters alone: the prior expectation, summed."""
    lw, _, _, s = _components(p)
    per_voter = np.exp(lw) @ (X_GRID * (1.0 - p.tau) + p.tau * (1.0 - p.nu) * s)
    return float(per_voter * n.sum())


def _fingerprint(n: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Counts of stations in a 10 x 10 turnout x share grid (share 0 where v = 0)."""
    nb = _GOF_BINS
    it = np.minimum((v / n * nb).astype(int), nb - 1)
    iv = np.minimum((w / np.maximum(v, 1.0) * nb).astype(int), nb - 1)
    return np.bincount(it * nb + iv, minlength=nb * nb).astype(float)


def _expected_fingerprint(n: np.ndarray, p: _Params, gen: np.random.Generator) -> np.ndarray:
    """Mean fingerprint of ``_GOF_DRAWS`` elections drawn from the model."""
    hists = []
    for _ in range(_GOF_DRAWS):
        _, _, v, w = _draw(n, p, gen)
        hists.append(_fingerprint(n, v, w))
    return np.mean(hists, axis=0)


def _gof_distance(obs: np.ndarray, exp: np.ndarray) -> float:
    return float(np.sum((obs - exp) ** 2 / (exp + 1.0)))


def _summarise(d: _Data, u: np.ndarray) -> tuple[_Params, float, float]:
    p = _Params.from_vector(u)
    ll, post = _loglik(u, d, posterior=True)
    man, stolen = _fraud_votes(d, p, post)
    return p, ll, float(man.sum() + stolen.sum())


def _replicate(task: dict) -> np.ndarray:
    """One parametric-bootstrap replicate: draw from the fit, refit everything, summarise."""
    gen = np.random.default_rng(task["seed"])
    n = task["n"]
    p_hat = _Params.from_vector(task["u"])
    _, _, v, w = _draw(n, p_hat, gen)
    ok = v >= 1  # stations drawn with no valid vote cannot enter the likelihood
    d = _Data.build(n[ok], v[ok], w[ok])
    starts = [task["u"], *_starts(d)[: task["n_starts"]]]
    u, ll, _, _ = _fit(d, starts, maxiter=task["maxiter"])
    p, ll, votes = _summarise(d, u)
    exp = _expected_fingerprint(d.n, p, gen)
    dist = _gof_distance(_fingerprint(d.n, d.v, d.w), exp)
    return np.array([*p.as_dict().values(), votes, _model_fraud_votes(d.n, p), ll, dist])


# ------------------------------------------------------------------ result
@dataclasses.dataclass(frozen=True)
class MixtureFit(TestResult, _FormerResamplingNames):
    """The finite-mixture fraud model fitted to an election by :func:`fit_mixture`.

    ``statistic`` is the goodness-of-fit distance between the observed and
    model-implied turnout x share fingerprints and ``pvalue`` its
    parametric-bootstrap p-value (small: the fitted mixture does not
    reproduce the data); ``effect_size`` is the total fraud weight
    ``pi_incremental + pi_extreme``.

    Attributes
    ----------
    pi_none, pi_incremental, pi_extreme : float
        Estimated class weights.
    pi_none_ci, pi_incremental_ci, pi_extreme_ci : (float, float)
        Percentile parametric-bootstrap intervals (all parameters refitted
        in every replicate); NaN without a bootstrap.
    turnout, share, rho_turnout, rho_share, theta, alpha : float
        The other estimates (fair turnout ``tau`` and share ``nu``, their
        overdispersions, the incremental fraud scale and the stealing
        exponent).
    fraud_votes : float
        Expected manufactured plus stolen votes over all stations used:
        the sum of the stations' posterior expectations at the estimate.
    fraud_votes_model : float
        The same total implied by the parameters alone (each station's
        prior expectation); equal to ``fraud_votes`` on average when the
        model holds, so a large gap is a sign of misfit.
    fraud_votes_ci : (float, float)
        Percentile bootstrap interval of ``fraud_votes_model``.
    manufactured_votes, stolen_votes : float
        The two parts of ``fraud_votes``.
    loglik : float
        Maximised log-likelihood.
    converged : bool
        Whether the optimiser reported convergence at the best start.
    confidence_level : float
        Level of the percentile intervals.
    n_resamples : int
        Parametric-bootstrap replicates run.
    candidate : str
    warnings : tuple of str
        Signs of weak identification or poor fit (also issued as
        :class:`~forensics.ForensicsWarning`).
    posterior : pandas.DataFrame
        One row per station used: ``station``, ``p_none``,
        ``p_incremental``, ``p_extreme``, ``fraud_votes``,
        ``manufactured``, ``stolen``.
    by_group : pandas.DataFrame or None
        With ``by=``: per group of stations, ``stations``, ``leader_votes``,
        ``expected_falsified_stations``, ``fraud_votes``,
        ``manufactured``, ``stolen``, ``fraud_share_of_leader``.
    gof : pandas.DataFrame
        The fingerprint cells: ``turnout_bin``, ``share_bin``,
        ``observed``, ``expected``.
    bootstrap : pandas.DataFrame
        One row per replicate: every parameter, ``fraud_votes``,
        ``fraud_votes_model``, ``loglik`` and ``gof_distance``.
    starts : pandas.DataFrame
        The optimum reached from each starting point (``loglik`` and the
        weights): distant weights at nearly equal log-likelihoods mean a
        flat likelihood.
    """

    pi_none: float
    pi_incremental: float
    pi_extreme: float
    pi_none_ci: tuple[float, float]
    pi_incremental_ci: tuple[float, float]
    pi_extreme_ci: tuple[float, float]
    turnout: float
    share: float
    rho_turnout: float
    rho_share: float
    theta: float
    alpha: float
    fraud_votes: float
    fraud_votes_model: float
    fraud_votes_ci: tuple[float, float]
    manufactured_votes: float
    stolen_votes: float
    loglik: float
    converged: bool
    confidence_level: float
    n_resamples: int
    candidate: str
    warnings: tuple[str, ...]
    posterior: pd.DataFrame
    by_group: pd.DataFrame | None
    gof: pd.DataFrame
    bootstrap: pd.DataFrame
    starts: pd.DataFrame

    @property
    def pi(self) -> tuple[float, float, float]:
        """The weights (none, incremental, extreme)."""
        return (self.pi_none, self.pi_incremental, self.pi_extreme)

    def summary(self) -> str:
        """A stable one-line text: the weights with their intervals, the fraud votes, GOF p."""
        pct = round(100 * self.confidence_level)

        def fmt(v: float, ci: tuple[float, float]) -> str:
            return f"{v:.4f} [{ci[0]:.4f}, {ci[1]:.4f}]"

        return (
            f"{self.method}: pi_none = {fmt(self.pi_none, self.pi_none_ci)}, "
            f"pi_incremental = {fmt(self.pi_incremental, self.pi_incremental_ci)}, "
            f"pi_extreme = {fmt(self.pi_extreme, self.pi_extreme_ci)} ({pct}% bootstrap), "
            f"fraud votes = {self.fraud_votes:,.0f}, GOF p = {self.pvalue:.3g}, "
            f"n = {self.n:,} ({self.n_excluded:,} excluded)"
        )


# --------------------------------------------------------------------- fit
@renamed_parameters(group="by", n_bootstrap="n_resamples", ci_level="confidence_level")
def fit_mixture(
    election: Election,
    candidate: str | None = None,
    *,
    by: str | None = None,
    n_resamples: int = 50,
    min_registered: int = 100,
    confidence_level: float = 0.95,
    maxiter: int = 500,
    rng: Any = None,
    executor: Executor | None = None,
) -> MixtureFit:
    """Fit the three-class finite-mixture fraud model to an election.

    Parameters
    ----------
    election : Election
        Station-level results with registered voters.
    candidate : str, optional
        The leader of the model; default ``election.leader``. All other
        candidates are pooled as the opposition.
    by : str, optional
        A column of ``election.stations`` (e.g. a region level) by which to
        total the expected fraudulent votes (``by_group``). Formerly
        ``group``.
    n_resamples : int
        Parametric-bootstrap replicates for the intervals and the
        goodness-of-fit p-value (0 to skip). Formerly ``n_bootstrap``.
    min_registered : int
        Stations with fewer registered voters are excluded (counted in
        ``n_excluded``), as for :func:`forensics.klimek.fit`.
    confidence_level : float
        Level of the percentile intervals. Formerly ``ci_level``.
    maxiter : int
        Iteration limit of each L-BFGS-B run.
    rng : numpy.random.Generator or int, optional
        Seeds the bootstrap and the goodness-of-fit simulations.
    executor : concurrent.futures.Executor, optional
        Runs the bootstrap replicates (one task each). Default: serially in
        this process. Any executor works (a process pool, or a Dask
        ``client.get_executor()``); the result does not depend on it.

    Returns
    -------
    MixtureFit

    Raises
    ------
    DataError
        For an unknown candidate or ``by`` column, a ``by`` column with
        missing values, or fewer than 10 usable stations.

    Notes
    -----
    **Counts.** For station i, ``N_i = registered - invalid`` (voters who
    did not spoil a ballot), ``V_i = valid`` and ``W_i`` = the leader's
    votes. Stations with ``registered < min_registered``, missing
    registered voters or no valid vote are excluded and counted.

    **Model.** Station i is in class none, incremental or extreme with
    probabilities ``pi``. Given its fraud fraction x (0 for no fraud), a
    fraction x of the non-voters is added to the leader (manufactured
    votes) and a fraction ``s = x**alpha`` of the opposition's votes moves
    to the leader (stolen votes; the exponent as in Klimek et al. 2012 and
    the ``rn`` model of ``eforensics``). The station's expected turnout
    and leader share are then

    * ``t(x) = tau + x (1 - tau)``,
    * ``q(x) = [tau (nu + s (1 - nu)) + x (1 - tau)] / t(x)``,

    with fair turnout ``tau`` and fair share ``nu``, and the counts are
    overdispersed binomials around them: ``V_i ~ DB(N_i, t(x), rho_t)``
    and ``W_i | V_i ~ DB(V_i, q(x), rho_v)``. DB is Efron's (1986) double
    binomial with dispersion ``phi_i = 1 + (N_i - 1) rho`` (the variance
    of a beta-binomial with intra-station correlation rho):
    ``log DB(y; N, m) = log C(N, y) + 0.5 log theta + theta [y log m +
    (N - y) log(1 - m)] + (1 - theta) [y log(y/N) + (N - y) log(1 -
    y/N)]``, ``theta = 1 / phi_i``. Its kernel is linear in ``log m`` and
    ``log(1 - m)``, which makes a national fit on 95,000 stations take
    seconds; its normalising constant is 1 up to Efron's approximation
    (the sum over y is within 0.3 % of 1 for m in [0.1, 0.9] and rho <=
    0.01, and within 4 % for m = 0.98 and rho = 0.03; measured). The
    simulations (:func:`simulate_mixture`, the bootstrap) draw from the
    beta-binomial with the same mean and variance.

    **Latent fraud fractions on a grid.** As in ``eforensics``, the
    incremental fraction lies in (0, k) and the extreme one in (k, 1),
    ``k = 0.7``. The incremental x takes 10 equally spaced values in (0,
    0.7) with weights proportional to ``exp(-x / theta)`` (a discretised
    truncated exponential: small amounts are the most frequent); the
    extreme x takes 6 values in (0.7, 1) with weights of ``1 - |N(0,
    0.075)|`` (Klimek et al.'s extreme fraud, ``sigma.chi`` of
    ``eforensics``). The marginal likelihood sums over the 17 components
    and is maximised by L-BFGS-B with its analytic gradient in an
    unconstrained parametrisation, from three starting points (the best
    is kept; all are in ``starts``). Per-station class probabilities are
    the posterior over the components at the estimate.

    **Expected fraudulent votes.** Given x, the model adds ``N x (1 -
    tau)`` manufactured and ``N tau (1 - nu) s`` stolen votes in
    expectation; each station's expectation averages them over its
    posterior over the components, and the national figure sums the
    stations.

    **Bootstrap.** Replicate b draws an election from the fitted model on
    the same station sizes, refits *all* parameters (starting from the
    estimate and from the data-driven starts) and records them. Intervals
    are percentile intervals. The goodness-of-fit distance is ``sum (O -
    E)^2 / (E + 1)`` over a 10 x 10 turnout x share fingerprint, E the mean
    of 5 elections simulated from the fit; replicate b computes the same
    distance against simulations from its own refit, so the p-value
    ``(1 + #{D_b >= D}) / (B + 1)`` accounts for estimation. Per-replicate
    seeds are spawned from ``rng`` before any work, so the result is the
    same for any executor.

    **Reading the weights.** The model is weakly identified where its
    classes look alike: a small incremental fraud fraction is hard to tell
    from fair overdispersion, and a fair turnout or share distribution
    that is skewed or multimodal (regional blocs) is fitted with fraud
    components. ``warnings`` lists weights at the boundary, parameters at
    their bounds, starting points that end with similar likelihood but
    different weights, wide intervals and a poor fit. The ``eforensics``
    package fits a richer Bayesian version (class-specific manufactured
    and stolen fractions, covariates, station random effects) by MCMC; this
    is a maximum-likelihood version of its intercept-only core.

    **Measured on the controls** (20 replicates, ``rng=2024``; weights
    none / incremental / extreme):

    ==================  ========================  ==========
    election            weights                   GOF p
    ==================  ========================  ==========
    Russia 2011         0.360 / 0.512 / 0.128     1/21
    Russia 2012         0.484 / 0.422 / 0.094     1/21
    Uganda 2011         0.266 / 0.725 / 0.008     1/21
    Poland 2020 r1      0.9998 / 0.0000 / 0.0002  1/21
    Poland 2020 r2      0.9998 / 0.0000 / 0.0002  1/21
    Germany 2024 EP     0.937 / 0.063 / 0.000     1/21
    ==================  ========================  ==========

    (Germany: in-person districts.) No election is reproduced by the
    model (p at its minimum); the clean elections get (nearly) no fraud
    weight, the three positive controls large ones. For Russia 2011 theta
    reaches its upper bound (incremental fractions spread over the whole
    (0, 0.7) range) and the fitted stealing exponent is 7: the fraud signal
    is carried by turnout.

    **Validation** (tests and ``benchmarks/bench_mixture.py``): recovery on
    elections simulated on 3,000 Russia 2011 station sizes at four truths,
    and a coverage study of the 95 % percentile intervals (20 elections per
    truth, 39 replicates; details in ``benchmarks/RESULTS.md``). The
    extreme weight is unbiased (mean error <= 0.001) with coverage
    0.85-1.00. The none / incremental split is the weak direction: on
    clean data the incremental weight averages 0.033, and with incremental
    fraud of 0.10-0.15 the intervals of pi_none and pi_incremental cover
    at 0.75-0.80 only (0.95 at 0.30). The goodness-of-fit p-value is below
    0.05 for 0-5 % of elections drawn from the model.

    References
    ----------
    .. [1] Ferrari, D., McAlister, K. & Mebane, W. R., Jr. (2018).
       Developments in positive empirical models of election frauds:
       dimensions and decisions. Summer Meeting of the Political
       Methodology Society, Provo, UT.
    .. [2] Ferrari, D., Mebane, W. R., McAlister, K. & Wu, P. (2019).
       eforensics: election forensics, positive empirical models of
       election fraud. R package 0.0.4,
       https://github.com/UMeforensics/eforensics_public
    .. [3] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469-16473. doi:10.1073/pnas.1210722109
    .. [4] Efron, B. (1986). Double exponential families and their use in
       generalized linear regression. Journal of the American Statistical
       Association 81(395), 709-721.

    Examples
    --------
    A small election drawn from the model, fitted without the bootstrap
    (``n_resamples=0``: no intervals and no goodness-of-fit p-value); the
    diagnostics are kept in ``warnings`` and also issued as
    :class:`~forensics.ForensicsWarning`:

    >>> import warnings
    >>> from forensics import ForensicsWarning
    >>> e = simulate_mixture([800] * 300, turnout=0.6, share=0.5, pi=(0.8, 0.15, 0.05), rng=1)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ForensicsWarning)
    ...     r = fit_mixture(e, n_resamples=0, rng=2)
    >>> [round(w, 2) for w in r.pi], r.n
    ([0.77, 0.17, 0.06], 300)
    >>> round(r.fraud_votes)
    10612
    """
    cand = election_candidate(election, candidate)
    check_resampling(n_resamples, confidence_level)
    st = election.stations
    if by is not None:
        if by not in st.columns:
            raise DataError(f"by column {by!r} is not in the stations table")
        missing = st[by].isna().to_numpy()
        if missing.any():
            ids = st["station"].to_numpy()[missing][:10].tolist()
            raise DataError(
                f"by column {by!r} is missing for {int(missing.sum())} stations "
                f"(e.g. {ids}); fill or set them aside first"
            )
    registered, _, valid, votes, _ = station_counts(election, cand)
    invalid = np.nan_to_num(election.counts("invalid"), nan=0.0)
    keep = np.isfinite(registered) & (registered >= max(min_registered, 1)) & (valid >= 1)
    keep &= np.isfinite(valid) & np.isfinite(votes)
    require_sized_stations(keep, min_registered)
    n_all = registered - invalid
    d = _Data.build(n_all[keep], valid[keep], votes[keep])
    gen = np.random.default_rng(rng)
    seeds = gen.spawn(n_resamples + 1)  # [0]: the observed GOF simulations

    starts = _starts(d)
    u, ll, converged, runs = _fit(d, starts, maxiter=maxiter)
    p = _Params.from_vector(u)
    ll, post = _loglik(u, d, posterior=True)
    man, stolen = _fraud_votes(d, p, post)
    p_class = np.stack([post[:, c == _CLASS_OF].sum(axis=1) for c in range(3)], axis=1)
    obs = _fingerprint(d.n, d.v, d.w)
    exp = _expected_fingerprint(d.n, p, np.random.default_rng(seeds[0]))
    dist = _gof_distance(obs, exp)

    tasks = [
        {"n": d.n, "u": u, "n_starts": 0, "seed": seeds[b + 1], "maxiter": maxiter}
        for b in range(n_resamples)
    ]
    if executor is None:
        reps = [_replicate(t) for t in tasks]
    else:
        reps = list(executor.map(_replicate, tasks))
    cols = [*_PARAM_NAMES, "fraud_votes", "fraud_votes_model", "loglik", "gof_distance"]
    boot = pd.DataFrame(np.vstack(reps) if reps else np.empty((0, len(cols))), columns=cols)

    def ci(col: str) -> tuple[float, float]:
        return percentile_interval(boot[col], confidence_level)

    pvalue = (
        (1.0 + float(np.sum(boot["gof_distance"].to_numpy() >= dist))) / (n_resamples + 1)
        if n_resamples
        else math.nan
    )
    station_ids = st["station"].to_numpy()[keep]
    posterior = pd.DataFrame(
        {
            "station": station_ids,
            "p_none": p_class[:, 0],
            "p_incremental": p_class[:, 1],
            "p_extreme": p_class[:, 2],
            "fraud_votes": man + stolen,
            "manufactured": man,
            "stolen": stolen,
        }
    )
    by_group = None
    if by is not None:
        frame = posterior.assign(
            group=st[by].to_numpy()[keep],
            leader_votes=d.w,
            falsified=1.0 - p_class[:, 0],
        )
        by_group = (
            frame.groupby("group", sort=True)
            .agg(
                stations=("station", "size"),
                leader_votes=("leader_votes", "sum"),
                expected_falsified_stations=("falsified", "sum"),
                fraud_votes=("fraud_votes", "sum"),
                manufactured=("manufactured", "sum"),
                stolen=("stolen", "sum"),
            )
            .rename_axis(by)
        )
        by_group["fraud_share_of_leader"] = by_group["fraud_votes"] / by_group["leader_votes"]
    nb = _GOF_BINS
    gof = pd.DataFrame(
        {
            "turnout_bin": np.repeat(np.arange(nb), nb) / nb,
            "share_bin": np.tile(np.arange(nb), nb) / nb,
            "observed": obs,
            "expected": exp,
        }
    )
    start_rows = []
    for us, lls in runs:
        ps = _Params.from_vector(us)
        start_rows.append({"loglik": lls, **dict(zip(CLASSES, ps.pi.tolist(), strict=True))})
    starts_df = pd.DataFrame(start_rows)
    cis = {c: ci(f"pi_{c}") for c in CLASSES}
    notes = _diagnose(p, u, cis, starts_df, converged, pvalue, ll)
    votes_ci = ci("fraud_votes_model")
    total = float(man.sum() + stolen.sum())
    if np.isfinite(votes_ci[0]) and not votes_ci[0] <= total <= votes_ci[1]:
        notes.append(
            f"the stations' posterior fraud votes ({total:,.0f}) fall outside the interval of "
            f"the model-implied total [{votes_ci[0]:,.0f}, {votes_ci[1]:,.0f}]: the data "
            "depart from the fitted mixture"
        )
    for msg in notes:
        warnings.warn(msg, ForensicsWarning, stacklevel=2)
    return MixtureFit(
        statistic=dist,
        pvalue=as_float(pvalue),
        n=as_int(keep.sum()),
        n_excluded=as_int((~keep).sum()),
        effect_size=as_float(p.pi[1] + p.pi[2]),
        effect_size_name="pi_incremental + pi_extreme",
        method="finite-mixture fraud model (Ferrari, McAlister & Mebane), maximum likelihood",
        null="fitted three-class mixture (goodness of fit)",
        reference=REFERENCE,
        pi_none=as_float(p.pi[0]),
        pi_incremental=as_float(p.pi[1]),
        pi_extreme=as_float(p.pi[2]),
        pi_none_ci=cis["none"],
        pi_incremental_ci=cis["incremental"],
        pi_extreme_ci=cis["extreme"],
        turnout=p.tau,
        share=p.nu,
        rho_turnout=p.rho_t,
        rho_share=p.rho_v,
        theta=p.theta,
        alpha=p.alpha,
        fraud_votes=as_float(man.sum() + stolen.sum()),
        fraud_votes_model=_model_fraud_votes(d.n, p),
        fraud_votes_ci=ci("fraud_votes_model"),
        manufactured_votes=as_float(man.sum()),
        stolen_votes=as_float(stolen.sum()),
        loglik=as_float(ll),
        converged=bool(converged),
        confidence_level=as_float(confidence_level),
        n_resamples=int(n_resamples),
        candidate=cand,
        warnings=tuple(notes),
        posterior=posterior,
        by_group=by_group,
        gof=gof,
        bootstrap=boot,
        starts=starts_df,
    )


def _diagnose(
    p: _Params,
    u: np.ndarray,
    cis: dict[str, tuple[float, float]],
    starts: pd.DataFrame,
    converged: bool,
    pvalue: float,
    ll: float,
) -> list[str]:
    notes = []
    if not converged:
        notes.append("the optimiser did not report convergence; the estimate may be inexact")
    for c, w in zip(CLASSES[1:], p.pi[1:], strict=True):
        if w < 1e-3:
            notes.append(
                f"pi_{c} = {w:.2g} is at the boundary 0: its interval is one-sided and the "
                "class's other parameters are not identified"
            )
    names = ("theta", "alpha")
    for name, k in zip(names, (6, 7), strict=True):
        lo, hi = _BOUNDS[k]
        if p.pi[1] + p.pi[2] > 1e-3 and (u[k] <= lo + 1e-6 or u[k] >= hi - 1e-6):
            notes.append(f"{name} = {getattr(p, name):.3g} is at a bound of its range")
    near = starts[starts["loglik"] >= ll - 2.0]
    if len(near) > 1:
        spread = float((near[list(CLASSES)].max() - near[list(CLASSES)].min()).max())
        if spread > 0.05:
            notes.append(
                f"flat likelihood: starting points within 2 log-likelihood units of the "
                f"maximum give weights differing by up to {spread:.2f}"
            )
    for c, w in zip(CLASSES, p.pi, strict=True):
        lo, hi = cis[c]
        if not np.isfinite(lo):
            continue
        if hi - lo > 0.3:
            notes.append(f"pi_{c} is weakly identified: its interval is [{lo:.2f}, {hi:.2f}]")
        elif not lo - 1e-3 <= w <= hi + 1e-3:
            notes.append(
                f"pi_{c} = {w:.3f} lies outside its bootstrap interval [{lo:.3f}, {hi:.3f}]: "
                "refits of data drawn from the fit end elsewhere, so the likelihood is flat "
                "or the estimate biased there"
            )
    if np.isfinite(pvalue) and pvalue < 0.05:
        notes.append(
            f"the fitted mixture does not reproduce the turnout x share fingerprint "
            f"(GOF p = {pvalue:.3g}): the weights describe the closest mixture, not the data"
        )
    return notes
