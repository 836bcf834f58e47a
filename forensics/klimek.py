"""The fraud model of Klimek, Yegorov, Hanel & Thurner (2012): simulate and fit.

The model mixes fair stations with incrementally and extremely falsified
ones; :func:`simulate` draws an :class:`~forensics.Election` from it and
:func:`fit` estimates its fraud parameters from data by matching the
distribution of the winner's vote share over stations. The model is weakly
identified (see :func:`fit`): report its estimates with their spread, their
bootstrap interval and their dependence on the fitting criterion, and only
where its goodness-of-fit check (``KlimekFit.gof_pvalue``) does not reject
the model.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd

from forensics._compat import renamed_parameters
from forensics._estimation import (
    check_resampling,
    percentile_interval,
    require_sized_stations,
    smoothed_histogram,
    station_counts,
)
from forensics._inputs import election_candidate
from forensics.election import Election, _two_candidate_election
from forensics.results import EstimateResult, _FormerResamplingNames, as_float, as_int

__all__ = [
    "CRITERIA",
    "FAIR_MODELS",
    "FairParameters",
    "KlimekFit",
    "estimate_fair",
    "fit",
    "simulate",
]

REFERENCE = (
    "Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical detection of "
    "systematic election irregularities. PNAS 109(41), 16469-16473. "
    "doi:10.1073/pnas.1210722109"
)

#: Fitting criteria accepted by :func:`fit`, with what they compare.
CRITERIA = {
    "klimek": "sum((sim - obs) / (obs + 1))^2 over winner-share bins (Klimek's SI)",
    "chi2": "sum (sim - obs)^2 / (sim + obs + 1) over winner-share bins (symmetric chi-square)",
    "l2": "sum (sim - obs)^2 over winner-share bins (least squares on counts)",
    "2d": "sum (sim - obs)^2 / (sim + obs + 1) over the turnout x share fingerprint",
}

#: SD of the half-normal deviation of x from 1 at extremely falsified stations.
EXTREME_SD = 0.075

_DEFAULT_GRID = {
    "f_incremental": np.round(np.arange(0.0, 0.995, 0.01), 4),
    "f_extreme": np.round(np.arange(0.0, 0.10001, 0.0025), 4),
    "alpha": np.array([1.0, 1.5, 2.0, 2.5, 3.0]),
}
#: Histogram cells held at once when scoring grid points (bounds memory).
_BLOCK = 2_000_000
#: Simulated elections averaged into a fitted model's expected fingerprint.
_GOF_EXPECTED = 5


# --------------------------------------------------------------------- model
def _model(
    n: np.ndarray, a: np.ndarray, v: np.ndarray, x: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Ballots and winner votes (rounded) for turnout a, share v and fraud x.

    A fraction x of the non-voters is stuffed for the winner and a fraction
    x**alpha of the opposition's votes moves to the winner; x = 0 is fair.
    """
    xa = np.power(x, alpha) if alpha != 1 else x
    ballots = np.rint(n * (a + x * (1.0 - a)))
    winner = np.rint(n * (a * v + x * (1.0 - a) + xa * (1.0 - v) * a))
    return ballots, np.minimum(winner, ballots)


def _fraud_x(z_inc: np.ndarray, z_ext: np.ndarray, theta: float) -> tuple[np.ndarray, np.ndarray]:
    """x at incremental (|N(0, theta)|) and extreme (1 - |N(0, 0.075)|) stations, in [0, 1]."""
    return np.clip(np.abs(z_inc) * theta, 0.0, 1.0), np.clip(
        1.0 - np.abs(z_ext) * EXTREME_SD, 0.0, 1.0
    )


def _draw(
    n: np.ndarray,
    fair: FairParameters,
    f_i: float,
    f_e: float,
    alpha: float,
    theta: float,
    gen: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ballots, winner votes, extreme and incremental masks and x of one simulated election."""
    size = n.size
    a, v = fair.draw(size, gen)
    u = gen.random(size)
    x_inc, x_ext = _fraud_x(gen.standard_normal(size), gen.standard_normal(size), theta)
    extreme = u < f_e
    incremental = ~extreme & (u < f_e + f_i)
    x = np.where(extreme, x_ext, np.where(incremental, x_inc, 0.0))
    ballots, winner = _model(n, a, v, x, alpha)
    return ballots, winner, extreme, incremental, x


def _check_fractions(f_i: float, f_e: float) -> None:
    if not (0 <= f_i <= 1 and 0 <= f_e <= 1 and f_i + f_e <= 1 + 1e-12):
        raise ValueError(
            f"f_incremental and f_extreme must lie in [0, 1] with sum <= 1, got {f_i}, {f_e}"
        )


def simulate(
    registered: Any,
    *,
    turnout_mean: float,
    turnout_sd: float,
    share_mean: float,
    share_sd: float,
    f_incremental: float = 0.0,
    f_extreme: float = 0.0,
    alpha: float = 2.0,
    theta: float = 0.1,
    rng: Any = None,
    candidates: tuple[str, str] = ("winner", "opposition"),
    name: str = "Klimek et al. (2012) model",
    fair: FairParameters | None = None,
) -> Election:
    """Simulate an election from the fraud model of Klimek et al. (2012).

    Parameters
    ----------
    registered : array-like of int
        Registered voters per station (e.g. a real election's
        ``stations["registered"]``); one simulated station each.
    turnout_mean, turnout_sd : float
        Mean ``a`` and SD of the fair turnout, normal and clipped to [0, 1].
    share_mean, share_sd : float
        Mean ``v`` and SD of the winner's fair share of the votes, normal and
        clipped to [0, 1].
    f_incremental, f_extreme : float
        Probabilities that a station is incrementally or extremely
        falsified (``f_incremental + f_extreme <= 1``).
    alpha : float
        Exponent of vote stealing: a fraction ``x**alpha`` of the opposition
        votes moves to the winner.
    theta : float
        Deviation parameter: at incrementally falsified stations
        ``x = |N(0, theta)|`` clipped to [0, 1].
    rng : numpy.random.Generator or int, optional
        Source of randomness.
    candidates : (str, str)
        Names of the winner and of the (pooled) opposition.
    name : str
        Name of the returned election.
    fair : FairParameters, optional
        Draw the fair turnout and share with ``fair.draw`` instead (for
        example the ``"empirical"`` fair model of a fit); the four fair
        arguments are then not used for drawing.

    Returns
    -------
    Election
        One station per entry of ``registered``, with ``invalid = 0``; the
        extra column ``fraud`` holds ``"fair"``, ``"incremental"`` or
        ``"extreme"`` and ``x`` the fraud intensity. The leader is the winner.

    Notes
    -----
    The implemented variant, as in the authors' Matlab code (reproduced by
    Kobak's ``meduza2018`` notebook and EFToolkit's ``ComputeKlimekModel``):
    for station i with N_i registered voters, a_i ~ N(turnout_mean,
    turnout_sd) and v_i ~ N(share_mean, share_sd), both clipped to [0, 1].
    With probability f_e the station is extremely falsified,
    x_i = 1 - |N(0, 0.075)|; else with probability f_i it is incrementally
    falsified, x_i = |N(0, theta)| (clipped to [0, 1]); else x_i = 0. Then

    * ballots_i = round(N_i [a_i + x_i (1 - a_i)]) (stuffing: a fraction
      x_i of the non-voters);
    * winner_i = round(N_i [a_i v_i + x_i (1 - a_i) + x_i^alpha (1 - v_i)
      a_i]) (stuffed ballots plus a fraction x_i^alpha of the opposition's
      votes), opposition_i = ballots_i - winner_i.

    Turnout and share are drawn without binomial noise (the paper's model);
    clipping rather than re-drawing is our choice and matters only for
    extreme parameters.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469-16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    >>> e = simulate(
    ...     [800] * 400, turnout_mean=0.6, turnout_sd=0.05, share_mean=0.5, share_sd=0.05,
    ...     f_incremental=0.3, f_extreme=0.05, theta=0.2, rng=1,
    ... )
    >>> len(e), e.leader
    (400, 'winner')
    >>> e.stations["fraud"].value_counts().to_dict()
    {'fair': 266, 'incremental': 116, 'extreme': 18}
    """
    n = np.asarray(registered, dtype=float)
    if n.ndim != 1 or n.size == 0:
        raise ValueError("registered must be a non-empty 1-D array of station sizes")
    if not np.all(np.isfinite(n)) or np.any(n < 0) or np.any(n != np.round(n)):
        raise ValueError("registered must hold finite non-negative integers")
    _check_fractions(f_incremental, f_extreme)
    for label, sd in (("turnout_sd", turnout_sd), ("share_sd", share_sd), ("theta", theta)):
        if not sd >= 0:
            raise ValueError(f"{label} must be >= 0, got {sd}")
    gen = np.random.default_rng(rng)
    if fair is None:
        fair = FairParameters(turnout_mean, turnout_sd, share_mean, share_sd, theta, False)
    ballots, winner, extreme, incremental, x = _draw(
        n, fair, f_incremental, f_extreme, alpha, theta, gen
    )
    kind = np.where(extreme, "extreme", np.where(incremental, "incremental", "fair"))
    return _two_candidate_election(
        n, ballots, winner, candidates, fraud=kind, x=x, name=name, source=REFERENCE
    )


# ------------------------------------------------------------ fair parameters
#: Fair-station models accepted by :func:`estimate_fair` and :func:`fit`.
FAIR_MODELS = {
    "empirical": "stations below the turnout peak, turnout reflected about the peak",
    "normal": "independent normals for turnout and share (the paper's)",
}


@dataclasses.dataclass(frozen=True, eq=False)
class FairParameters:
    """Fair-election parameters estimated by :func:`estimate_fair`.

    ``reference_turnout`` and ``reference_share`` hold the stations below
    the turnout peak, which the ``"empirical"`` fair model resamples.
    """

    turnout_mean: float
    turnout_sd: float
    share_mean: float
    share_sd: float
    theta: float
    si_factors: bool
    model: str = "normal"
    reference_turnout: np.ndarray | None = dataclasses.field(default=None, repr=False)
    reference_share: np.ndarray | None = dataclasses.field(default=None, repr=False)

    def draw(self, size: int, gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Fair turnout and share of ``size`` stations."""
        if self.model == "normal" or self.reference_turnout is None:
            a = np.clip(gen.normal(self.turnout_mean, self.turnout_sd, size), 0.0, 1.0)
            v = np.clip(gen.normal(self.share_mean, self.share_sd, size), 0.0, 1.0)
            return a, v
        ref_t, ref_s = self.reference_turnout, self.reference_share
        j = gen.integers(0, ref_t.size, size)
        flip = gen.random(size) < 0.5
        a = np.where(flip, 2.0 * self.turnout_mean - ref_t[j], ref_t[j])
        return np.clip(a, 0.0, 1.0), ref_s[j]


def _smoothed_peak(
    values: np.ndarray, *, upper: float, bins: int = 100, rel: float = 0.5
) -> float:
    """First (lowest) local maximum of the smoothed histogram on [0, upper).

    Local maxima lower than ``rel`` times the highest one are ignored (noise).
    """
    smooth, centres = smoothed_histogram(values, bins)
    smooth[centres >= upper] = -np.inf
    top = float(np.max(smooth))
    padded = np.concatenate([[-np.inf], smooth, [-np.inf]])
    is_max = (padded[1:-1] >= padded[:-2]) & (padded[1:-1] > padded[2:]) & (smooth >= rel * top)
    return float(centres[int(np.flatnonzero(is_max)[0])])


def estimate_fair(
    turnout: np.ndarray, share: np.ndarray, *, si_factors: bool = False, model: str = "normal"
) -> FairParameters:
    """Estimate the fair parameters of the Klimek model from station data.

    Parameters
    ----------
    turnout, share : ndarray
        Turnout and winner's share per station (finite values only).
    si_factors : bool
        Apply the two factors of the paper's SI formulas (see Notes).
    model : {"normal", "empirical"}
        How fair stations are drawn (:data:`FAIR_MODELS`, see Notes).

    Returns
    -------
    FairParameters

    Notes
    -----
    Rules (following Klimek et al.'s SI, as read in their Matlab code via
    the EFToolkit and Kobak ports):

    * the peaks ``a`` and ``v`` are the *first* (lowest) local maxima of
      the station histograms of turnout and share (100 bins on [0, 1],
      smoothed with a Gaussian of SD 2 bins) that reach at least half the
      height of the highest one, ignoring values >= 0.95 where extreme
      fraud piles up. "First local maximum" is the SI's convention (kept in
      the EFToolkit and Kobak ports): fraud moves stations *up* in turnout
      and share, so a fraud-made mode lies above the fair one. Taking the
      highest maximum instead breaks down when the falsified cloud
      outnumbers the fair one: for Uganda 2011 the share histogram has a
      local maximum at 0.535 and a higher one at 0.885; the highest gives
      a one-sided share SD of 0.31 and a fit of f_i = f_e = 0;
    * the fair spreads are one-sided, from the stations *below* the peaks,
      which fraud does not reach: ``turnout_sd = sqrt(mean((t - a)^2 | t <
      a))`` and likewise ``share_sd``; for a normal this is its SD;
    * ``theta`` comes from the turnout spread *above* the peak, where the
      stuffed stations are: by default ``rms_above / (1 - a)``, the RMS
      turnout deviation above the peak in units of the non-voters that
      stuffing draws on (under the model ``(t - a) / (1 - a) = x`` at a
      stuffed station). This is the SI's rule without its extra square
      root. We do not subtract the fair spread: the earlier rule
      ``sqrt(max(rms_above^2 - rms_below^2, 0)) / (1 - a)`` collapses to
      0 whenever the lower side is wider (Uganda 2011: 0.17 below, 0.10
      above), and with theta = 0 incremental fraud changes nothing, so
      f_i becomes unidentifiable. Fair stations above the peak make this
      theta somewhat too large, which biases f_i low (see :func:`fit`);
      pass ``grid={"theta": [...]}`` to :func:`fit` to fit theta jointly.

    With ``si_factors=True`` the SI's own formulas are used instead:
    ``share_sd = sqrt(2 mean(dev^2))`` and ``theta = mean(dev_above^2) **
    (1/4)`` (a "double square root"); Kobak (2018) flags both as likely
    typos, so they are off by default.

    **Fair models.** ``"normal"`` is the paper's: independent normals with
    the parameters above. ``"empirical"`` keeps the peak but draws each
    fair station from the observed stations *below the turnout peak*:
    their (turnout, share) pair, with the turnout reflected about the peak
    with probability 1/2. The model's fraud only ever raises turnout, so
    these stations are (nearly all) fair; their shares are a sample of the
    fair share distribution with its real shape (skewed, multimodal from
    regional blocs) rather than a normal. A single normal cannot represent
    such a shape, and the fit then explains the excess upper tail of the
    share by incremental fraud: on clean elections (Poland 2020, Germany
    2024) the normal model gives f_i of 0.15-0.2, the empirical one
    close to 0 (see :func:`fit`). Its assumption is the paper's: the fair
    share does not depend on turnout.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469-16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    Fair stations with turnout N(0.6, 0.05) and share N(0.5, 0.05): the
    peaks sit on the 0.01 grid of the histogram, the one-sided spreads
    near 0.05:

    >>> gen = np.random.default_rng(0)
    >>> turnout = np.clip(gen.normal(0.6, 0.05, 2000), 0, 1)
    >>> share = np.clip(gen.normal(0.5, 0.05, 2000), 0, 1)
    >>> p = estimate_fair(turnout, share)
    >>> round(p.turnout_mean, 3), round(p.turnout_sd, 3)
    (0.595, 0.049)
    >>> round(p.share_mean, 3), round(p.share_sd, 3)
    (0.495, 0.046)
    """
    t = np.asarray(turnout, dtype=float)
    s = np.asarray(share, dtype=float)
    if t.size < 10:
        raise ValueError(f"need at least 10 stations to estimate fair parameters, got {t.size}")
    a = _smoothed_peak(t, upper=0.95)
    v = _smoothed_peak(s, upper=0.95)
    below_t = t[t < a] - a
    above_t = t[t > a] - a
    below_s = s[s < v] - v
    ms_below_t = float(np.mean(below_t**2)) if below_t.size else 0.0
    ms_above_t = float(np.mean(above_t**2)) if above_t.size else 0.0
    ms_below_s = float(np.mean(below_s**2)) if below_s.size else 0.0
    if si_factors:
        share_sd = math.sqrt(2.0 * ms_below_s)
        theta = ms_above_t**0.25
    else:
        share_sd = math.sqrt(ms_below_s)
        theta = math.sqrt(ms_above_t) / max(1.0 - a, 1e-3)
    if model not in FAIR_MODELS:
        raise ValueError(f"model must be one of {sorted(FAIR_MODELS)}, got {model!r}")
    below = t < a
    if model == "empirical" and below.sum() < 10:
        raise ValueError(
            f"the empirical fair model needs at least 10 stations below the turnout peak "
            f"{a:.3f}, got {int(below.sum())}"
        )
    return FairParameters(
        turnout_mean=a,
        turnout_sd=math.sqrt(ms_below_t),
        share_mean=v,
        share_sd=share_sd,
        theta=float(theta),
        si_factors=si_factors,
        model=model,
        reference_turnout=t[below].copy() if model == "empirical" else None,
        reference_share=s[below].copy() if model == "empirical" else None,
    )


# ----------------------------------------------------------------------- fit
#: Default p-value threshold below which :class:`KlimekFit` reports that the
#: fitted model does not describe the observed fingerprint.
GOF_LEVEL = 0.05


@dataclasses.dataclass(frozen=True)
class KlimekFit(EstimateResult, _FormerResamplingNames):
    """Fraud parameters of the Klimek et al. (2012) model fitted to an election.

    An estimator's result: ``estimate`` is ``f_incremental`` and
    ``ci_low``, ``ci_high`` its percentile bootstrap interval at
    ``confidence_level`` (the same as ``f_incremental_ci``). The model's
    goodness-of-fit check is a test of its own, in ``gof_statistic`` and
    ``gof_pvalue``.

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        ``f_incremental`` and its bootstrap interval (NaN when
        ``n_resamples`` is 0).
    confidence_level : float
        Level of the bootstrap intervals.
    f_incremental, f_extreme, alpha : float
        Point estimates: the mean over realisations of the per-realisation
        grid minimiser.
    f_incremental_sd, f_extreme_sd, alpha_sd : float
        SD of the per-realisation minimiser over realisations.
    f_incremental_seed_sd, f_extreme_seed_sd : float
        Seed-to-seed spread of the point estimate: ``*_sd /
        sqrt(n_realizations)``, the SD of the mean of ``n_realizations``
        independent realisations (Monte Carlo error of the estimate alone,
        not its sampling error).
    f_incremental_ci, f_extreme_ci : (float, float)
        Percentile bootstrap interval; every replicate re-estimates the fair
        parameters and refits (see :func:`fit`). NaN when ``n_resamples``
        is 0.
    gof_statistic : float
        Symmetric chi-square distance between the observed turnout x share
        fingerprint (``gof_bins`` x ``gof_bins``) and the fitted model's
        expected fingerprint (see :func:`fit`). NaN when ``n_gof`` is 0.
    gof_pvalue : float
        Parametric-bootstrap p-value of ``gof_statistic``: the share of
        elections simulated from the fitted model, and refitted, that are at
        least as far from their own fitted model's expected fingerprint
        (with the usual +1 correction).
    gof_null_median : float
        Median distance of those simulated elections: ``gof_statistic``
        many times larger says how badly the model fits, not only whether.
    gof_tv, gof_tv_null : float
        Total-variation distance between the observed and the expected
        fingerprint (the share of stations that would have to change cell
        for the data to match the model), and its median over the
        simulated elections (what chance alone gives).
    gof_bins, n_gof : int
    gof_level : float
        Below this ``gof_pvalue`` the model is reported as not describing
        the data (:attr:`describes_data` is False).
    criterion : str
    n_realizations, n_resamples : int
        Realisations averaged and bootstrap replicates run.
    fair : FairParameters
    estimates : pandas.DataFrame
        One row per realisation: ``f_incremental``, ``f_extreme``,
        ``alpha``, ``theta``, ``distance``.
    bootstrap : pandas.DataFrame
        One row per bootstrap replicate, same columns plus the replicate's
        re-estimated fair ``turnout_mean`` and ``share_mean``.
    gof_null : ndarray
        The simulated elections' distances behind ``gof_pvalue``.
    grid : dict
        The grid searched (``theta`` at its full-data estimate unless given).
    turnout, share : ndarray
        Observed turnout and winner share of the stations used.
    registered : ndarray
        Their registered voters (the sizes used in simulation).
    candidate : str
    """

    f_incremental: float
    f_extreme: float
    alpha: float
    f_incremental_sd: float
    f_extreme_sd: float
    alpha_sd: float
    f_incremental_seed_sd: float
    f_extreme_seed_sd: float
    f_incremental_ci: tuple[float, float]
    f_extreme_ci: tuple[float, float]
    gof_statistic: float
    gof_pvalue: float
    gof_null_median: float
    gof_tv: float
    gof_tv_null: float
    gof_bins: int
    n_gof: int
    gof_level: float
    criterion: str
    n_realizations: int
    n_resamples: int
    candidate: str
    fair: FairParameters
    estimates: pd.DataFrame
    bootstrap: pd.DataFrame
    gof_null: np.ndarray
    grid: dict
    turnout: np.ndarray
    share: np.ndarray
    registered: np.ndarray

    @property
    def describes_data(self) -> bool | None:
        """Whether the fitted model passes the fingerprint check (None if not run)."""
        if not self.n_gof or math.isnan(self.gof_pvalue):
            return None
        return bool(self.gof_pvalue >= self.gof_level)

    def gof_verdict(self) -> str:
        """One sentence on the goodness of fit, for reports."""
        if self.describes_data is None:
            return "goodness of fit not checked (n_gof = 0)"
        head = (
            f"fingerprint distance {self.gof_statistic:.1f} against a median "
            f"{self.gof_null_median:.1f} under the fitted model, p = {self.gof_pvalue:.3g} "
            f"({self.n_gof} simulations; {100 * self.gof_tv:.1f}% of stations off the "
            f"model's fingerprint, {100 * self.gof_tv_null:.1f}% by chance)"
        )
        if self.describes_data:
            return f"{head}: the model is not rejected"
        return (
            f"{head}: the model does not describe the data (p < {self.gof_level:g}); "
            "f_i and f_e should not be read as estimates"
        )

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame of the scalar fields, the interval ends and the verdict."""
        row = self.scalars()
        pct = round(100 * self.confidence_level)
        for name in ("f_incremental", "f_extreme"):
            lo, hi = getattr(self, f"{name}_ci")
            row[f"{name}_ci_low"], row[f"{name}_ci_high"] = lo, hi
        row["describes_data"] = self.describes_data
        row["ci_percent"] = pct
        return pd.DataFrame([row])

    def summary(self) -> str:
        lo_i, hi_i = self.f_incremental_ci
        lo_e, hi_e = self.f_extreme_ci
        pct = round(100 * self.confidence_level)
        return (
            f"{self.method}: f_i = {self.f_incremental:.3f} (seed SD "
            f"{self.f_incremental_seed_sd:.3f}, {pct}% CI {lo_i:.3f}-{hi_i:.3f}), "
            f"f_e = {self.f_extreme:.4f} (seed SD {self.f_extreme_seed_sd:.4f}, "
            f"{pct}% CI {lo_e:.4f}-{hi_e:.4f}), alpha = {self.alpha:.2f}; "
            f"{self.gof_verdict()}; criterion {self.criterion}, "
            f"{self.n_realizations} realisations, {self.n_resamples} bootstrap replicates, "
            f"n = {self.n:,} ({self.n_excluded:,} excluded)"
        )

    def simulate(self, *, fair_only: bool = False, rng: Any = None) -> Election:
        """One election simulated at the fitted (or fair, f_i = f_e = 0) parameters."""
        p = self.fair
        return simulate(
            self.registered,
            turnout_mean=p.turnout_mean,
            turnout_sd=p.turnout_sd,
            share_mean=p.share_mean,
            share_sd=p.share_sd,
            f_incremental=0.0 if fair_only else self.f_incremental,
            f_extreme=0.0 if fair_only else self.f_extreme,
            alpha=self.alpha,
            theta=float(self.estimates["theta"].mean()),
            rng=rng,
            fair=p,
        )


def _bins(values: np.ndarray, nbins: int) -> np.ndarray:
    return np.minimum((np.nan_to_num(values) * nbins).astype(np.int64), nbins - 1)


def _cells(turnout: np.ndarray, share: np.ndarray, nbins: int, two_d: bool) -> np.ndarray:
    """Histogram cell of each station: share bin, or turnout bin x share bin."""
    idx = _bins(share, nbins)
    return _bins(turnout, nbins) * nbins + idx if two_d else idx


def _rates(
    n: np.ndarray, ballots: np.ndarray, winner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Turnout and winner share of simulated stations (0 where undefined)."""
    turnout = np.where(n > 0, ballots / np.maximum(n, 1), 0.0)
    share = np.where(ballots > 0, winner / np.maximum(ballots, 1), 0.0)
    return turnout, share


def _distance(sim: np.ndarray, obs: np.ndarray, criterion: str) -> np.ndarray:
    """Distance between simulated (..., bins) and observed (bins,) histograms."""
    diff = sim - obs
    if criterion == "klimek":
        return np.sum((diff / (obs + 1.0)) ** 2, axis=-1)
    if criterion == "l2":
        return np.sum(diff**2, axis=-1)
    return np.sum(diff**2 / (sim + obs + 1.0), axis=-1)


def _grid_fit(
    n: np.ndarray,
    fair: FairParameters,
    grid: Mapping[str, np.ndarray],
    nbins: int,
    criterion: str,
    observed: np.ndarray,
    gen: np.random.Generator,
) -> np.ndarray:
    """One realisation: the grid minimiser (f_i, f_e, alpha, theta, distance).

    Common random numbers: the same draws serve every grid point, so the
    distance surface is smooth within a realisation. A station is extreme
    if u < f_e, incremental if f_e <= u < f_e + f_i, else fair; with the
    stations grouped by the interval of u between consecutive thresholds,
    the histogram at every (f_i, f_e) is a difference of cumulative
    histograms, so a grid point costs O(bins), not O(stations).
    """
    size = n.size
    a, v = fair.draw(size, gen)
    u = gen.random(size)
    z_inc, z_ext = gen.standard_normal(size), gen.standard_normal(size)
    two_d = criterion == "2d"
    n_cells = nbins * nbins if two_d else nbins

    fe_g, fi_g = (
        g.ravel() for g in np.meshgrid(grid["f_extreme"], grid["f_incremental"], indexing="ij")
    )
    ok = fi_g + fe_g <= 1 + 1e-12
    fe_g, fi_g = fe_g[ok], fi_g[ok]
    tot_g = fe_g + fi_g
    cuts = np.unique(np.concatenate([fe_g, tot_g]))
    k_e, k_t = np.searchsorted(cuts, fe_g), np.searchsorted(cuts, tot_g)
    # u < cuts[k]  <=>  seg <= k, with seg the number of cuts <= u
    seg_offset = np.searchsorted(cuts, u, side="right") * n_cells

    def cumulative(x: np.ndarray, alpha: float) -> np.ndarray:
        idx = _cells(*_rates(n, *_model(n, a, v, x, alpha)), nbins, two_d)
        h = np.bincount(seg_offset + idx, minlength=(cuts.size + 1) * n_cells)
        return np.cumsum(h.reshape(cuts.size + 1, n_cells), axis=0, dtype=float)

    fair_cum = cumulative(np.zeros(size), 1.0)
    fair_rest = fair_cum[-1] - fair_cum  # fair stations with u >= each cut
    d = np.empty(fi_g.size)
    best = np.full(5, np.nan)
    best[4] = np.inf
    for theta in grid["theta"]:
        x_inc, x_ext = _fraud_x(z_inc, z_ext, theta)
        for alpha in grid["alpha"]:
            inc_cum, ext_cum = cumulative(x_inc, alpha), cumulative(x_ext, alpha)
            # cells empty in the data and in every simulated histogram add 0 to the distance
            used = np.flatnonzero(
                (observed > 0) | (fair_cum[-1] > 0) | (inc_cum[-1] > 0) | (ext_cum[-1] > 0)
            )
            # histogram at (f_i, f_e) = ext[k_e] - inc[k_e] + inc[k_t] + fair_rest[k_t]
            ext_part = ext_cum[:, used] - inc_cum[:, used]
            rest_part = inc_cum[:, used] + fair_rest[:, used]
            obs_used = observed[used]
            step = max(1, _BLOCK // used.size)  # grid points per block, to bound memory
            for lo in range(0, fi_g.size, step):
                sims = ext_part[k_e[lo : lo + step]] + rest_part[k_t[lo : lo + step]]
                d[lo : lo + step] = _distance(sims, obs_used, criterion)
            j = int(np.argmin(d))
            if d[j] < best[4]:
                best[:] = (fi_g[j], fe_g[j], alpha, theta, d[j])
    return best


def _observed(turnout: np.ndarray, share: np.ndarray, nbins: int, criterion: str) -> np.ndarray:
    """The histogram the criterion compares: winner share, or the 2D fingerprint."""
    two_d = criterion == "2d"
    n_cells = nbins * nbins if two_d else nbins
    return np.bincount(_cells(turnout, share, nbins, two_d), minlength=n_cells).astype(float)


def _refit(
    task: dict, n: np.ndarray, t: np.ndarray, s: np.ndarray, gen: np.random.Generator
) -> tuple[FairParameters, np.ndarray]:
    """Re-estimate the fair parameters of stations (n, t, s) and refit one realisation."""
    fair = estimate_fair(t, s, si_factors=task["si_factors"], model=task["fair_model"])
    grid = dict(task["grid"])
    if not task["theta_given"]:
        grid["theta"] = np.array([fair.theta])
    nb, crit = task["nbins"], task["criterion"]
    return fair, _grid_fit(n, fair, grid, nb, crit, _observed(t, s, nb, crit), gen)


def _bootstrap_replicate(task: dict, seed: np.random.SeedSequence) -> np.ndarray:
    """Resample stations, re-estimate the fair parameters, re-simulate and refit."""
    gen = np.random.default_rng(seed)
    n, t, s = task["registered"], task["turnout"], task["share"]
    j = gen.integers(0, n.size, n.size)
    fair, row = _refit(task, n[j], t[j], s[j], gen)
    return np.concatenate([row, [fair.turnout_mean, fair.share_mean]])


def _fingerprint_fit(
    turnout: np.ndarray, share: np.ndarray, expected: np.ndarray, nb: int
) -> np.ndarray:
    """Chi-square and total-variation distances of a fingerprint from an expected one."""
    fp = _observed(turnout, share, nb, "2d")
    return np.array(
        [_distance(expected, fp, "chi2"), 0.5 * np.abs(fp - expected).sum() / turnout.size]
    )


def _expected_fingerprint(
    n: np.ndarray, fair: FairParameters, params: Sequence[float], nb: int, gen: np.random.Generator
) -> np.ndarray:
    """Mean fingerprint of ``_GOF_EXPECTED`` elections simulated at ``params``."""
    total = np.zeros(nb * nb)
    for _ in range(_GOF_EXPECTED):
        ballots, winner, *_ = _draw(n, fair, *params, gen)
        total += _observed(*_rates(n, ballots, winner), nb, "2d")
    return total / _GOF_EXPECTED


def _gof_replicate(task: dict, seed: np.random.SeedSequence) -> np.ndarray:
    """Fingerprint distances of one election simulated from the fitted model and refitted."""
    gen = np.random.default_rng(seed)
    n, nb = task["registered"], task["gof_bins"]
    ballots, winner, *_ = _draw(n, task["fair"], *task["params"], gen)
    t, s = _rates(n, ballots, winner)
    fair, row = _refit(task, n, t, s, gen)
    expected = _expected_fingerprint(n, fair, row[:4], nb, gen)
    return _fingerprint_fit(t, s, expected, nb)


def _run(task: dict) -> np.ndarray:
    """Run one chunk of independent jobs, each with its own seed (executor entry point)."""
    job = {
        "realization": lambda sd: _grid_fit(
            task["registered"],
            task["fair"],
            task["grid"],
            task["nbins"],
            task["criterion"],
            task["observed"],
            np.random.default_rng(sd),
        ),
        "bootstrap": lambda sd: _bootstrap_replicate(task, sd),
        "gof": lambda sd: _gof_replicate(task, sd),
    }[task["kind"]]
    return np.vstack([job(sd) for sd in task["seeds"]])


def _progress(iterable: Any, total: int, desc: str) -> Any:
    try:
        from tqdm import tqdm  # plain bars: tqdm.auto warns in notebooks without ipywidgets
    except ModuleNotFoundError:  # progress bars are optional
        return iterable
    return tqdm(iterable, total=total, desc=desc, disable=None, leave=False)


def _execute(tasks: list[dict], executor: Executor | None, desc: str) -> list[np.ndarray]:
    """Results of ``_run`` over ``tasks``, in order, serially or on ``executor``."""
    runs = map(_run, tasks) if executor is None else executor.map(_run, tasks)
    return list(_progress(runs, len(tasks), desc))


def _chunks(base: dict, seeds: Sequence[np.random.SeedSequence], size: int) -> list[dict]:
    return [{**base, "seeds": seeds[k : k + size]} for k in range(0, len(seeds), size)]


@renamed_parameters(n_bootstrap="n_resamples", ci_level="confidence_level")
def fit(
    election: Election,
    candidate: str | None = None,
    *,
    grid: Mapping[str, Sequence[float]] | None = None,
    n_realizations: int = 10,
    n_resamples: int = 200,
    criterion: str = "chi2",
    nbins: int = 100,
    min_registered: int = 100,
    si_factors: bool = False,
    fair_model: str = "empirical",
    confidence_level: float = 0.95,
    n_gof: int = 100,
    gof_bins: int = 20,
    gof_level: float = GOF_LEVEL,
    rng: Any = None,
    executor: Executor | None = None,
) -> KlimekFit:
    """Fit the fraud parameters of the Klimek et al. (2012) model to an election.

    Parameters
    ----------
    election : Election
        Station-level results with registered voters.
    candidate : str, optional
        The "winner" of the model; default ``election.leader``. All other
        candidates are pooled as the opposition.
    grid : mapping, optional
        Values searched: ``f_incremental``, ``f_extreme``, ``alpha`` and
        optionally ``theta`` (default: the single value estimated from the
        data). Missing keys take the defaults: f_i in 0, 0.05, ..., 0.95
        (20 values), f_e in 0, 0.005, ..., 0.095 (20), alpha in 1, 1.5, ...,
        3 (5).
    n_realizations : int
        Independent simulations of the whole election; each gives one grid
        minimiser. The point estimate is their mean; its seed-to-seed
        spread is their SD over ``sqrt(n_realizations)``.
    n_resamples : int
        Bootstrap replicates for the interval (0 to skip); each refits the
        fair parameters (see Notes). Formerly ``n_bootstrap``.
    criterion : str
        Distance between observed and simulated histograms, one of
        :data:`CRITERIA`: ``"chi2"`` (default: symmetric chi-square on the
        winner-share histogram), ``"klimek"`` (the SI's, same histogram),
        ``"l2"``, or ``"2d"`` (the 2D turnout x share fingerprint). See
        Notes.
    nbins : int
        Histogram bins on [0, 1] (per axis for ``"2d"``).
    min_registered : int
        Stations with fewer registered voters are excluded (counted in
        ``n_excluded``), as in Klimek et al.'s SI (units < 100 voters).
    si_factors : bool
        Use the SI's factors in the fair-parameter formulas
        (:func:`estimate_fair`).
    fair_model : {"empirical", "normal"}
        How fair stations are drawn (:data:`FAIR_MODELS`):
        ``"empirical"`` (default) resamples the observed stations below the
        turnout peak, ``"normal"`` is the paper's pair of normals. See
        :func:`estimate_fair` and the Notes.
    confidence_level : float
        Level of the bootstrap interval. Formerly ``ci_level``.
    n_gof : int
        Elections simulated from the fitted model and refitted for the
        goodness-of-fit check (0 to skip); see Notes.
    gof_bins : int
        Bins per axis of the turnout x share fingerprint of that check.
    gof_level : float
        Below this goodness-of-fit p-value the result reports that the
        model does not describe the data.
    rng : numpy.random.Generator or int, optional
        Seeds every realisation, bootstrap replicate and goodness-of-fit
        simulation: one child seed each is spawned up front.
    executor : concurrent.futures.Executor, optional
        Runs the work in parallel: realisations one task each, bootstrap
        replicates in chunks of 10, goodness-of-fit simulations in chunks
        of 25. Default None: everything runs serially in this process (no
        pool is started). Pass e.g. a ``ProcessPoolExecutor`` (it must be
        able to import :mod:`forensics`), a ``ThreadPoolExecutor`` or a
        Dask ``client.get_executor()``. Every job has its own seed, so the
        result is identical whichever executor runs it.

    Returns
    -------
    KlimekFit

    Notes
    -----
    Procedure (after Klimek et al. 2012 and its SI):

    1. Stations with ``registered >= min_registered`` and at least one
       valid vote are used; winner share = candidate / valid, turnout =
       ballots / registered.
    2. The fair parameters (peaks, one-sided spreads, theta) come from
       :func:`estimate_fair`, whose Notes state the rules and which SI
       factors are kept.
    3. For each realisation, the model is simulated on the real station
       sizes at every grid point with common random numbers, and the grid
       point minimising the distance between the simulated and observed
       histograms of winner share (or of the 2D fingerprint) is kept. The
       estimate is the mean of the ``n_realizations`` minimisers.
    4. Bootstrap (nonparametric, full refit): each replicate resamples the
       stations with replacement (registered voters, turnout and share
       together), re-estimates the fair parameters from the resample
       (peaks, spreads, theta unless ``grid`` fixes it, and the empirical
       fair sample), simulates one new realisation on the resampled station
       sizes and refits every grid parameter to the resample's histogram.
       The percentile interval therefore carries the sampling error of the
       data, of the fair parameters and of the fit, plus the simulation
       noise of one realisation (more than the point estimate's, which
       averages ``n_realizations``: the interval is, if anything, wide).
       Each grid point costs O(bins), not O(stations) (cumulative
       histograms over the sorted fraud draws), so a replicate costs about
       as much as simulating the election a few times per alpha value.
    5. Goodness of fit (parametric bootstrap with refitting): the fitted
       model's expected turnout x share fingerprint E (``gof_bins`` x
       ``gof_bins`` cells on [0, 1]^2) is the mean of 5 elections simulated
       at the point estimates (f_i, f_e, alpha, theta, the full-data fair
       parameters, the real station sizes); ``gof_statistic`` is the
       symmetric chi-square distance sum (O - E)^2 / (O + E + 1) of the
       observed fingerprint O from E. For the null distribution, ``n_gof``
       elections are simulated from the fitted model and each is put
       through the same procedure: fair parameters re-estimated, one
       realisation refitted, its own E from 5 simulations, its distance
       computed; ``gof_pvalue = (1 + #{D_sim >= D_obs}) / (n_gof + 1)``.
       The refit matters: without it the estimation error of the fair
       parameters (peaks on a 0.01 grid, one-sided spreads) alone rejects
       elections simulated from the model itself. The simulated elections
       are refitted with one realisation, the data with
       ``n_realizations``, so the p-value is, if anything, conservative: on
       elections of 3,000 stations simulated from the model, fair or with
       f_i = 0.2, f_e = 0.01, 0-5 % of 20 were rejected at 0.05. The check
       uses the 2D fingerprint whatever ``criterion`` the fit used: a fit
       can match the share histogram while missing how share varies with
       turnout, which is what the model's fraud acts on. With ``gof_pvalue
       < gof_level`` the summary states that the model does not describe
       the data and that f_i and f_e should not be read as estimates. With
       tens of thousands of stations the check detects small departures
       too; ``gof_statistic / gof_null_median`` and ``gof_tv`` (the share
       of stations off the model's fingerprint, against ``gof_tv_null`` for
       elections simulated from the model) say how large the misfit is.

    **Weak identification.** Several (f_i, f_e, alpha, theta) combinations
    produce similar histograms, so the estimate depends on the fitting
    criterion and on the fair-parameter rules. For Russia 2011, Klimek et
    al. report f_i = 0.64, f_e = 0.033 (as transcribed by Kobak 2018),
    while Mebane & Kalinin's likelihood fit gives f_i = 0.12, f_e = 0.003:
    a five-fold difference in f_i from the same data. Compare criteria
    (``criterion=``) before reading a number. The result speaks to whether
    the model's signature of ballot stuffing fits the data better than a
    fair election, not to fraud as such: turnout-share correlation from
    mobilisation or regional heterogeneity can produce the same signature.

    **Why the empirical fair model and the chi2 criterion by default.**
    With the paper's fair model (a single normal share), any skew or
    second mode of the fair share distribution (regional blocs) is read
    as incremental fraud, and clean elections get f_i far from 0. The
    empirical fair model (:func:`estimate_fair`) takes the fair shares
    from the stations below the turnout peak, which the model's fraud
    does not reach. Measured with 10 realisations, the default grid
    (``"2d"``: f_i in steps of 0.05, f_e of 0.005), (f_i, f_e):

    ================  =============  =============  ===============
    election          normal, chi2   empirical, 2d  empirical, chi2
    ================  =============  =============  ===============
    Russia 2011       0.67, 0.026    0.50, 0.023    0.55, 0.035
    Russia 2012       0.33, 0.0057   0.40, 0.023    0.44, 0.035
    Uganda 2011       0.78, 0.028    0.04, 0.0095   0.33, 0.0085
    Poland 2020 r1    0.59, 0        0, 0           0, 0
    Poland 2020 r2    0.54, 0.0017   0, 0           0, 0.0003
    Germany 2024 EP   0.16, 0        0.07, 0        0.02, 0
    ================  =============  =============  ===============

    None of these fits passes the goodness-of-fit check (Notes, item 5):
    the model, with either fair part, does not reproduce any of these
    fingerprints, so the numbers describe the closest point of a
    rejected model, not the share of falsified stations.

    (Germany: in-person districts.) The paper's published fits are
    Russia 2011 (0.64, 0.033) and Russia 2012 (0.39, 0.021). With the
    normal model the SI's criterion gives Poland 2020 r2 f_i = 0.68 and
    ``"2d"`` 0.20. The ``"2d"`` criterion also matches turnout, and the
    empirical fair model carries the observed turnout-share association
    below the peak; in Uganda, where share rises with turnout on both
    sides of the peak, the 2D fit then attributes most of the upper
    cloud to fair stations (f_i = 0.04), while the 1D fit reads it as
    incremental fraud (0.33): how much of Uganda's turnout-share
    association is fraud is exactly what the model cannot settle. f_e
    (stations near 100 % turnout and share) is the better identified
    parameter: 0 to 0.0017 for the clean elections and 0.0057-0.035 for
    the three others under every combination.

    **Recovery.** On elections simulated from the model on Russia 2011's
    station sizes (normal fair part, alpha = 2) the default fit recovers
    f_e within 0.005 and does not invent fraud (f_i = f_e = 0 gives 0,
    0), but f_i is biased low: true (0.1, 0.3, 0.5) give (0.06, 0.20,
    0.40), because theta is estimated from the turnout spread above the
    peak, which fair stations widen (a larger theta needs fewer
    falsified stations). Fitting theta on a grid does not remove the
    bias. Read f_i as a lower bound of the model's incremental fraction.

    **Cost.** Russia 2011 (91,081 stations, default grid of 20,500
    points), serially on a loaded 2-core machine: about 0.1 s per
    realisation, 0.1-0.15 s per bootstrap replicate and 0.1-0.2 s per
    goodness-of-fit simulation, 43 s for the defaults; the ``"2d"``
    criterion costs several seconds per realisation at ``nbins=100``. See ``benchmarks/RESULTS.md``.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469-16473. doi:10.1073/pnas.1210722109
    .. [2] Mebane, W. R. & Kalinin, K. estimates supplied to D. Kobak,
       ``meduza2018`` (2018), https://github.com/dkobak/elections

    Examples
    --------
    A small election and a coarse grid, with 9 bootstrap replicates and
    no goodness-of-fit check (far too few for a real analysis):

    >>> e = simulate(
    ...     [800] * 400, turnout_mean=0.6, turnout_sd=0.05, share_mean=0.5, share_sd=0.05,
    ...     f_incremental=0.3, f_extreme=0.05, theta=0.2, rng=1,
    ... )
    >>> grid = {
    ...     "f_incremental": [0.0, 0.1, 0.2, 0.3, 0.4],
    ...     "f_extreme": [0.0, 0.025, 0.05, 0.075],
    ...     "alpha": [2.0],
    ... }
    >>> r = fit(e, grid=grid, n_realizations=1, n_resamples=9, n_gof=0, nbins=50, rng=2)
    >>> r.estimate_name, round(r.estimate, 2), (round(r.ci_low, 2), round(r.ci_high, 2))
    ('f_incremental', 0.1, (0.1, 0.2))
    >>> round(r.f_extreme, 3)
    0.05
    """
    cand = election_candidate(election, candidate)
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {sorted(CRITERIA)}, got {criterion!r}")
    if n_realizations < 1:
        raise ValueError(f"n_realizations must be >= 1, got {n_realizations}")
    check_resampling(n_resamples, confidence_level)
    if n_gof < 0:
        raise ValueError(f"n_gof must be >= 0, got {n_gof}")
    if gof_bins < 2:
        raise ValueError(f"gof_bins must be >= 2, got {gof_bins}")
    if not 0 < gof_level < 1:
        raise ValueError(f"gof_level must be in (0, 1), got {gof_level}")
    registered, _, valid, votes, turnout = station_counts(election, cand)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = votes / valid
    keep = (
        np.isfinite(registered)
        & (registered >= min_registered)
        & np.isfinite(turnout)
        & np.isfinite(share)
        & (valid > 0)
    )
    require_sized_stations(keep, min_registered)
    n_excluded = int((~keep).sum())
    n_reg, t, s = registered[keep], np.clip(turnout[keep], 0, 1), share[keep]
    fair = estimate_fair(t, s, si_factors=si_factors, model=fair_model)

    full = {k: np.asarray(v, dtype=float) for k, v in _DEFAULT_GRID.items()}
    full["theta"] = np.array([fair.theta])
    for key, values in (grid or {}).items():
        if key not in full:
            raise ValueError(f"unknown grid key {key!r}; use {sorted(full)}")
        full[key] = np.atleast_1d(np.asarray(values, dtype=float))
    for key in ("f_incremental", "f_extreme"):
        if np.any((full[key] < 0) | (full[key] > 1)):
            raise ValueError(f"grid[{key!r}] must lie in [0, 1]")

    theta_given = "theta" in (grid or {})
    # one child seed per job, spawned up front: the result does not depend on the executor
    gen = np.random.default_rng(rng)
    real_seeds = gen.spawn(n_realizations)
    boot_seeds = gen.spawn(n_resamples)
    gof_seeds = gen.spawn(n_gof + 1)
    observed = _observed(t, s, nbins, criterion)
    common = {"registered": n_reg, "nbins": nbins, "criterion": criterion, "grid": full}
    tasks = _chunks(
        {**common, "kind": "realization", "fair": fair, "observed": observed}, real_seeds, 1
    )
    boot_base = {
        **common,
        "kind": "bootstrap",
        "turnout": t,
        "share": s,
        "si_factors": si_factors,
        "fair_model": fair_model,
        "theta_given": theta_given,
    }
    tasks += _chunks(boot_base, boot_seeds, 10)
    results = _execute(tasks, executor, "Klimek fit")
    cols = ["f_incremental", "f_extreme", "alpha", "theta", "distance"]
    est = pd.DataFrame(np.vstack(results[:n_realizations]), columns=cols)
    bcols = [*cols, "turnout_mean", "share_mean"]
    rest = results[n_realizations:]
    bt = pd.DataFrame(np.vstack(rest) if rest else np.empty((0, len(bcols))), columns=bcols)

    def ci(col: str) -> tuple[float, float]:
        return percentile_interval(bt[col], confidence_level)

    def sd(col: str) -> float:
        return as_float(est[col].std(ddof=1)) if len(est) > 1 else math.nan

    f_i = as_float(est["f_incremental"].mean())
    f_e = as_float(est["f_extreme"].mean())
    alpha = as_float(est["alpha"].mean())
    theta = as_float(est["theta"].mean())
    gof_stat = gof_p = gof_med = gof_tv = gof_tv_null = math.nan
    gof_null = np.empty(0)
    if n_gof:
        params = (f_i, f_e, alpha, theta)
        gof_base = {
            **boot_base,
            "kind": "gof",
            "fair": fair,
            "params": params,
            "gof_bins": gof_bins,
        }
        null = np.vstack(
            _execute(_chunks(gof_base, gof_seeds[1:], 10), executor, "Klimek goodness of fit")
        )
        expected = _expected_fingerprint(
            n_reg, fair, params, gof_bins, np.random.default_rng(gof_seeds[0])
        )
        gof_stat, gof_tv = (as_float(x) for x in _fingerprint_fit(t, s, expected, gof_bins))
        gof_null = null[:, 0]
        gof_p = as_float((1 + np.sum(gof_null >= gof_stat)) / (n_gof + 1))
        gof_med = as_float(np.median(gof_null))
        gof_tv_null = as_float(np.median(null[:, 1]))
    f_i_ci = ci("f_incremental")
    return KlimekFit(
        estimate=f_i,
        ci_low=f_i_ci[0],
        ci_high=f_i_ci[1],
        confidence_level=as_float(confidence_level),
        estimate_name="f_incremental",
        n=as_int(keep.sum()),
        n_excluded=n_excluded,
        method=f"Klimek et al. (2012) fraud model, grid fit ({criterion})",
        reference=REFERENCE,
        f_incremental=f_i,
        f_extreme=f_e,
        alpha=alpha,
        f_incremental_sd=sd("f_incremental"),
        f_extreme_sd=sd("f_extreme"),
        alpha_sd=sd("alpha"),
        f_incremental_seed_sd=sd("f_incremental") / math.sqrt(n_realizations),
        f_extreme_seed_sd=sd("f_extreme") / math.sqrt(n_realizations),
        f_incremental_ci=f_i_ci,
        f_extreme_ci=ci("f_extreme"),
        gof_statistic=gof_stat,
        gof_pvalue=gof_p,
        gof_null_median=gof_med,
        gof_tv=gof_tv,
        gof_tv_null=gof_tv_null,
        gof_bins=int(gof_bins),
        n_gof=int(n_gof),
        gof_level=as_float(gof_level),
        criterion=criterion,
        n_realizations=int(n_realizations),
        n_resamples=int(n_resamples),
        candidate=cand,
        fair=fair,
        estimates=est,
        bootstrap=bt,
        gof_null=gof_null,
        grid={k: v.tolist() for k, v in full.items()},
        turnout=t,
        share=s,
        registered=n_reg,
    )
