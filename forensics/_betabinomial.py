"""Mixtures of beta-binomials: EM fit, component selection, posterior draws.

The no-fraud model of the coarse-share test (Rozenas 2017): station counts
``k`` out of ``n`` (ballots out of registered, votes out of ballots) as a
mixture of beta-binomial components. The mixture is fitted by EM, its
number of components chosen by the correlation of successive fitted
densities, and each station's latent rate drawn from its posterior.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

__all__ = ["draw_latent", "select_mixture"]

_LOG_BOUNDS = (-3.0, 9.0)  # log alpha, log beta of a mixture component


def _bb_kernel(k, n, a, b):
    """The parameter-dependent part of the beta-binomial log pmf."""
    return special.betaln(k + a, n - k + b) - special.betaln(a, b)


def _bb_mixture_logpdf(k, n, theta, const):
    """Per-unit, per-component log(w_c) + log BetaBin(k; n, a_c, b_c) (n x L)."""
    a, b, w = theta
    return const[:, None] + _bb_kernel(k[:, None], n[:, None], a, b) + np.log(w)


def _log_binomial_coefficient(k, n):
    """log C(n, k), the parameter-free part of the beta-binomial log pmf."""
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def _normalised_responsibilities(lp):
    """Rows of ``exp(lp)`` scaled to sum 1 (stable: the row maximum is taken out first)."""
    resp = np.exp(lp - lp.max(axis=1, keepdims=True))
    return resp / resp.sum(axis=1, keepdims=True)


def _fit_component(k, n, resp, a0, b0):
    """M-step: maximise sum_i resp_i log BetaBin(k_i; n_i, a, b) over log a, log b."""
    keep = resp > 1e-12
    k, n, r = k[keep], n[keep], resp[keep]
    tot = r.sum()

    def negll(x):
        a, b = np.exp(x)
        f = -(r * _bb_kernel(k, n, a, b)).sum() / tot
        ab = special.digamma(n + a + b) - special.digamma(a + b)
        ga = -(r * (special.digamma(k + a) - special.digamma(a) - ab)).sum() / tot * a
        gb = -(r * (special.digamma(n - k + b) - special.digamma(b) - ab)).sum() / tot * b
        return f, np.array([ga, gb])

    x0 = np.clip(np.log([a0, b0]), *_LOG_BOUNDS)
    res = optimize.minimize(negll, x0, jac=True, method="L-BFGS-B", bounds=[_LOG_BOUNDS] * 2)
    return tuple(np.exp(res.x))


def _beta_mixture_density(x, theta):
    """Density at ``x`` of the mixture of Beta(a_c, b_c) latent rates."""
    a, b, w = theta
    return (w * stats.beta.pdf(x[:, None], a, b)).sum(axis=1)


def _fit_bb_mixture(k, n, n_components, *, max_iter=100, tol=1e-5):
    """EM fit of an L-component beta-binomial mixture to k successes out of n."""
    p = k / n
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, n_components)
    a, b = np.empty(n_components), np.empty(n_components)
    for c, g in enumerate(groups):  # method-of-moments start on quantile groups
        m = np.clip(p[g].mean(), 1e-3, 1 - 1e-3)
        v = max(p[g].var(), 1e-6)
        s = np.clip(m * (1 - m) / v - 1.0, 0.5, np.exp(_LOG_BOUNDS[1]))
        a[c], b[c] = m * s, (1 - m) * s
    w = np.full(n_components, 1.0 / n_components)
    const = _log_binomial_coefficient(k, n)
    old = -np.inf
    for _ in range(max_iter):
        lp = _bb_mixture_logpdf(k, n, (a, b, w), const)
        top = lp.max(axis=1, keepdims=True)
        ll_i = top[:, 0] + np.log(np.exp(lp - top).sum(axis=1))
        ll = ll_i.sum()
        resp = np.exp(lp - ll_i[:, None])
        w = np.maximum(resp.mean(axis=0), 1e-12)
        for c in range(n_components):
            a[c], b[c] = _fit_component(k, n, resp[:, c], a[c], b[c])
        if abs(ll - old) <= tol * abs(ll):
            break
        old = ll
    resp = _normalised_responsibilities(_bb_mixture_logpdf(k, n, (a, b, w), const))
    return (a.copy(), b.copy(), w / w.sum()), resp, float(ll)


def _posterior_responsibilities(k, n, theta):
    """Each unit's posterior probability of each component (n x L)."""
    lp = _bb_mixture_logpdf(k, n, theta, _log_binomial_coefficient(k, n))
    return _normalised_responsibilities(lp)


def select_mixture(k, n, max_components=5, *, fit_index=None):
    """Add components until the fitted densities of L and L-1 correlate >= 0.99 (Rozenas).

    The mixture is fitted on the stations ``fit_index`` (all by default);
    the posterior responsibilities are returned for all stations.
    """
    x = np.linspace(0.01, 0.99, 99)
    full_k, full_n = k, n
    if fit_index is not None:
        k, n = k[fit_index], n[fit_index]
    fit = _fit_bb_mixture(k, n, 1)
    dens = _beta_mixture_density(x, fit[0])
    for n_comp in range(2, max_components + 1):
        new = _fit_bb_mixture(k, n, n_comp)
        new_dens = _beta_mixture_density(x, new[0])
        corr = np.corrcoef(dens, new_dens)[0, 1]
        fit, dens = new, new_dens
        if corr >= 0.99:
            break
    return fit[0], _posterior_responsibilities(full_k, full_n, fit[0])


def draw_latent(gen, k, n, theta, cum_resp):
    """One draw of each unit's rate from its posterior: component, then Beta."""
    a, b, _ = theta
    comp = (gen.random(k.size)[:, None] > cum_resp[:, :-1]).sum(axis=1)
    return gen.beta(k + a[comp], n - k + b[comp])
