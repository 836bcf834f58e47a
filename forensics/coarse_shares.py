"""Coarse vote shares: Rozenas's resampled kernel density (RKD) test.

Are simple fractions (1/2, 2/3, 3/4, ...) of a candidate's share more
frequent than station sizes produce without manipulation? The no-fraud
densities come from a beta-binomial mixture fitted to the counts
(:mod:`forensics._betabinomial`) and resampled station by station.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from forensics._betabinomial import draw_latent, select_mixture
from forensics._compat import renamed_attribute, renamed_parameters
from forensics._inputs import counts_with_ballots, election_candidate, resampled_pvalue
from forensics.election import DataError, Election
from forensics.results import TestResult, as_float, as_int

__all__ = ["CoarseShareResult", "coarse_share_test"]

_ROZENAS = (
    "Rozenas, A. (2017). Detecting election fraud from irregularities in vote-share "
    "distributions. Political Analysis 25(1), 41-56. doi:10.1017/pan.2016.9"
)


def _kde_on_grid(y, grid, bandwidth):
    """Gaussian KDE of ``y`` at ``grid`` points (equally spaced on [0, 1]), exactly.

    Only the grid points within 8 bandwidths of a unit receive its kernel
    (the rest is below exp(-32) of the peak), so the cost is linear in units.
    """
    step = 1.0 / (grid - 1)
    reach = int(np.ceil(8 * bandwidth / step))
    base = np.rint(y / step).astype(np.int64)
    dens = np.zeros(grid)
    for off in range(-reach, reach + 1):
        j = base + off
        ok = (j >= 0) & (j < grid)
        d = (j[ok] * step - y[ok]) / bandwidth
        dens += np.bincount(j[ok], weights=np.exp(-0.5 * d * d), minlength=grid)
    return dens / (y.size * bandwidth * np.sqrt(2 * np.pi))


def _bin_mass(y, grid):
    """Share of units in bins of width 1/(grid-1) centred on the grid points."""
    step = 1.0 / (grid - 1)
    return np.bincount(np.rint(y / step).astype(np.int64), minlength=grid)[:grid] / y.size


@dataclasses.dataclass(frozen=True)
class CoarseShareResult(TestResult):
    """Result of :func:`coarse_share_test`.

    ``statistic`` (= ``coarse_percent`` = ``effect_size``) is Rozenas's
    estimate of the percentage of stations whose share is "coarse" beyond
    what the resampled no-fraud densities allow. ``grid`` holds the grid,
    the observed density, the envelope (pointwise max over resamples), the
    resampled mean density, the observed and mean resampled bin masses and
    a flag for the grid points where the observed density exceeds the
    envelope. ``null_coarse_percent`` holds each resample's own estimate
    (leave-one-out), the null distribution of the statistic.
    """

    candidate: str
    coarse_percent: float
    n_exceed: int
    n_resamples: int
    bandwidth: float
    turnout_components: int
    share_components: int
    null_coarse_percent: np.ndarray
    grid: pd.DataFrame

    resamples = renamed_attribute("n_resamples", "resamples")

    def null_quantile(self, q: float = 0.95) -> float:
        """Quantile ``q`` of the estimate over the no-fraud resamples (``null_coarse_percent``).

        The observed ``coarse_percent`` is compared with it rather than
        with 0: the envelope is a maximum over resamples, so clean data
        exceed it at a few grid points by chance.
        """
        if not 0 <= q <= 1:
            raise ValueError(f"q must lie in [0, 1], got {q}")
        return as_float(np.quantile(self.null_coarse_percent, q))


def _resampled_shares(
    gen, N, t, v, theta_t, resp_t, theta_v, resp_v, n_resamples, grid, bandwidth
):
    """KDE and bin mass of the candidate's share in each no-fraud resample (B x grid)."""
    cum_t, cum_v = np.cumsum(resp_t, axis=1), np.cumsum(resp_v, axis=1)
    Ni = N.astype(np.int64)
    dens = np.empty((n_resamples, grid))
    mass = np.empty((n_resamples, grid))
    for b in range(n_resamples):
        ts = gen.binomial(Ni, draw_latent(gen, t, N, theta_t, cum_t))
        vs = gen.binomial(ts, draw_latent(gen, v, t, theta_v, cum_v))
        ok = ts > 0
        ys = vs[ok] / ts[ok]
        dens[b] = _kde_on_grid(ys, grid, bandwidth)
        mass[b] = _bin_mass(ys, grid)
    return dens, mass


def _leave_one_out_null(dens, mass):
    """Each resample's own F* against the envelope and mean mass of the other resamples."""
    envelope = dens.max(axis=0)
    # the envelope without b is the runner-up where b is the max
    top2 = np.sort(dens, axis=0)[-2:]
    env_loo = np.where(dens >= envelope, top2[0], envelope)
    mean_loo = (mass.sum(axis=0) - mass) / (dens.shape[0] - 1)
    return 100.0 * (np.maximum(mass - mean_loo, 0.0) * (dens > env_loo)).sum(axis=1)


@renamed_parameters(resamples="n_resamples")
def coarse_share_test(
    election: Election,
    candidate: str | None = None,
    *,
    n_resamples: int = 1000,
    bandwidth: float = 1e-4,
    grid: int = 1001,
    max_components: int = 5,
    fit_stations: int | None = 20_000,
    rng: np.random.Generator | int | None = None,
) -> CoarseShareResult:
    """Resampled kernel density (RKD) test for too many coarse vote shares.

    Rozenas's test of whether simple fractions (1/2, 2/3, 3/4, ...) of a
    candidate's share occur more often than the arithmetic of station sizes
    produces without manipulation, with his estimate of the percentage of
    stations with coarse (possibly written-in) shares.

    Parameters
    ----------
    election : Election
        Station counts (registered voters, ballots, candidate votes).
    candidate : str, optional
        Candidate whose share of ballots is examined; default the leader.
    n_resamples : int
        Number of no-fraud resamples (the paper and ``spikes``: 1000).
        Formerly ``resamples``.
    bandwidth : float
        Gaussian kernel bandwidth on the share scale (``spikes``: 1e-4).
    grid : int
        Number of equally spaced points on [0, 1] where densities are
        evaluated; bins of width 1/(grid-1) are centred on them (1001).
    max_components : int
        Largest number of beta-binomial mixture components (``spikes``: 5).
    fit_stations : int or None
        The mixtures are fitted on a random subsample of at most this many
        stations (``None``: all), for speed; resampling uses all stations.
    rng : numpy.random.Generator or int, optional
        Randomness of the fitting subsample and of the resampling.

    Returns
    -------
    CoarseShareResult

    Notes
    -----
    Data: station *i* has :math:`N_i` registered, :math:`t_i` ballots cast
    and :math:`v_i` votes for the candidate; the share is
    :math:`y_i = v_i / t_i` (share of ballots cast, as the ``spikes``
    package's ``v/t``). Stations with registered missing or 0, or no
    ballots, are excluded and counted in ``n_excluded``.

    What is implemented (after Rozenas 2017 and the ``spikes`` R package,
    version 1.1, read but not copied):

    1. A mixture of :math:`L` beta-binomials is fitted by EM to
       :math:`t_i` out of :math:`N_i` and, separately, to :math:`v_i` out of
       :math:`t_i`. :math:`L` grows from 1 until the fitted mixture
       densities for :math:`L-1` and :math:`L` correlate at >= 0.99 on
       [0.01, 0.99], at most ``max_components``.
    2. Each resample draws, for every station, a component from its
       posterior responsibilities, a rate from that component's posterior
       :math:`\\mathrm{Beta}(k_i + \\alpha_c, n_i - k_i + \\beta_c)`, then
       :math:`t_i^* \\sim \\mathrm{Bin}(N_i, p^t_i)` and
       :math:`v_i^* \\sim \\mathrm{Bin}(t_i^*, p^v_i)`; shares with
       :math:`t^*_i = 0` are dropped from that resample.
    3. Gaussian KDEs (bandwidth ``bandwidth``) of the observed and each
       resampled share on the grid; the envelope is the pointwise maximum
       over resamples.
    4. The estimate: :math:`F = 100 \\sum_j [f_{obs}(x_j) > \\max_b f^*_b(x_j)]
       \\max(0, w_{obs,j} - \\bar w^*_j)`, with :math:`w` the share of stations
       in the bin centred on :math:`x_j`.

    Departures from ``spikes``: the mixtures are fitted on a random
    subsample of ``fit_stations`` stations (the posterior draws use all);
    deterministic EM start (method of moments on quantile groups instead
    of random starts and a fit to a KDE); EM stops on a relative
    log-likelihood change below 1e-5 (100 iterations at most) instead of a correlation of successive densities; the
    components' log-parameters are bounded to [-3, 9] (``spikes``:
    [-3, 6]); the KDE is evaluated exactly at the grid points rather than
    by R's FFT binning; resamples are vectorised.

    Beyond the paper: a p-value. For each resample *b* its own :math:`F^*_b`
    is computed against the envelope and mean of the other resamples
    (leave-one-out), and :math:`p = (1 + \\#\\{F^*_b \\ge F\\})/(1 + B)`, a
    parametric-bootstrap p-value under the fitted no-fraud model. The paper
    reports :math:`F` only (and a credible interval from posterior draws of
    the mixture, not implemented here).

    A positive :math:`F` speaks against "shares arise from binomial counts
    around smooth latent rates"; it is a signature consistent with
    fabricated round shares, not proof of fraud.

    References
    ----------
    .. [1] Rozenas, A. (2017). Detecting election fraud from irregularities
       in vote-share distributions. Political Analysis 25(1), 41-56.
       doi:10.1017/pan.2016.9
    .. [2] Rozenas, A. (2016). spikes: Detecting Election Fraud from
       Irregularities in Vote-Share Distributions. R package version 1.1.

    Examples
    --------
    Two hundred stations with binomial counts around smooth rates, then
    the same with every tenth station's share written in at exactly 1/2
    (a small grid, wide bandwidth and one mixture component, for speed):

    >>> import numpy as np, pandas as pd, forensics
    >>> rng = np.random.default_rng(3)
    >>> reg = rng.integers(100, 1500, 200)
    >>> ballots = rng.binomial(reg, rng.beta(12, 8, 200))
    >>> a = rng.binomial(ballots, rng.beta(10, 10, 200))
    >>> def election(a, ballots):
    ...     df = pd.DataFrame({"registered": reg, "ballots": ballots, "A": a, "B": ballots - a})
    ...     return forensics.Election.from_frame(
    ...         df, candidates=["A", "B"], registered="registered", ballots="ballots")
    >>> kw = dict(n_resamples=19, grid=201, bandwidth=1e-3, max_components=1, rng=2)
    >>> r = forensics.coarse_share_test(election(a, ballots), **kw)
    >>> round(r.coarse_percent, 2), round(r.pvalue, 2)
    (1.42, 1.0)
    >>> ballots[::10] = 2 * (ballots[::10] // 2)
    >>> a[::10] = ballots[::10] // 2
    >>> r = forensics.coarse_share_test(election(a, ballots), **kw)
    >>> round(r.coarse_percent, 2), round(r.pvalue, 2)
    (14.97, 0.05)

    With 19 resamples the smallest attainable p-value is 1/20.
    """
    candidate = election_candidate(election, candidate)
    if int(n_resamples) < 2:
        raise ValueError(f"n_resamples must be at least 2, got {n_resamples}")
    if not 0 < bandwidth < 0.5:
        raise ValueError(f"bandwidth must lie in (0, 0.5), got {bandwidth}")
    if int(grid) < 3:
        raise ValueError(f"grid must be at least 3 points, got {grid}")
    n_resamples, grid = int(n_resamples), int(grid)
    reg, bal, votes, keep = counts_with_ballots(election, candidate)
    n_excluded = int((~keep).sum())
    N, t, v = reg[keep], bal[keep], votes[keep]
    if N.size < 10:
        raise DataError(
            f"coarse_share_test needs at least 10 stations with registered > 0 and ballots > 0; "
            f"{N.size} left ({n_excluded} excluded)"
        )
    gen = np.random.default_rng(rng)
    fit_index = None
    if fit_stations is not None and N.size > fit_stations:
        fit_index = np.sort(gen.choice(N.size, int(fit_stations), replace=False))
    theta_t, resp_t = select_mixture(t, N, max_components, fit_index=fit_index)
    theta_v, resp_v = select_mixture(v, t, max_components, fit_index=fit_index)
    dens, mass = _resampled_shares(
        gen, N, t, v, theta_t, resp_t, theta_v, resp_v, n_resamples, grid, bandwidth
    )
    y = v / t
    f_obs = _kde_on_grid(y, grid, bandwidth)
    w_obs = _bin_mass(y, grid)
    envelope = dens.max(axis=0)
    mean_mass = mass.mean(axis=0)
    exceed = f_obs > envelope
    coarse = 100.0 * np.maximum(w_obs - mean_mass, 0.0)[exceed].sum()
    null_f = _leave_one_out_null(dens, mass)
    table = pd.DataFrame(
        {
            "share": np.linspace(0.0, 1.0, grid),
            "density": f_obs,
            "envelope": envelope,
            "null_mean": dens.mean(axis=0),
            "mass": w_obs,
            "null_mass": mean_mass,
            "exceeds": exceed,
        }
    )
    return CoarseShareResult(
        statistic=as_float(coarse),
        pvalue=as_float(resampled_pvalue(null_f, coarse)),
        n=as_int(N.size),
        n_excluded=n_excluded,
        effect_size=as_float(coarse),
        effect_size_name="estimated % of stations with coarse shares (Rozenas F)",
        method=(
            f"resampled kernel density (RKD), {n_resamples} resamples, bandwidth {bandwidth:g}, "
            f"grid {grid}, share of ballots"
        ),
        null="beta-binomial mixture posterior resampling (no fraud)",
        reference=_ROZENAS,
        candidate=candidate,
        coarse_percent=as_float(coarse),
        n_exceed=as_int(exceed.sum()),
        n_resamples=n_resamples,
        bandwidth=float(bandwidth),
        turnout_components=as_int(theta_t[0].size),
        share_components=as_int(theta_v[0].size),
        null_coarse_percent=null_f,
        grid=table,
    )
