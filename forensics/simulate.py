"""Clean elections simulated from a template's own station sizes.

A *clean* election here is the simplest data-generating process without
manipulation that keeps what the digit and turnout tests are sensitive to:
the real station sizes (registered voters), a smooth station-to-station
spread of turnout and of candidate shares, and binomial sampling of each
count. It is the null model of every ``null="simulated"`` test (cf. Mebane
2007, who calibrated the second-digit test on counts simulated from the
observed precinct sizes).

:func:`fit_clean_model` fits the model once; :meth:`CleanModel.simulate`
draws count arrays cheaply (used inside the tests' null loops);
:func:`clean_election` wraps one draw as an :class:`~forensics.Election`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forensics.election import Election

__all__ = ["CleanModel", "clean_election", "fit_clean_model"]

_PHI_MAX = 0.999  # intra-class correlation cap: beta parameters stay positive


def _fit_phi(successes: np.ndarray, trials: np.ndarray) -> tuple[float, float]:
    """Mean and intra-class correlation of a beta-binomial, by moments.

    With station rates ``t_i ~ Beta`` of mean ``m`` and ``Var t_i = phi m (1 - m)``
    and ``x_i | t_i ~ Binomial(n_i, t_i)``, ``Var(x_i / n_i) = phi m(1-m) +
    (1 - phi) m(1-m) / n_i``; solving with the sample variance and the mean of
    ``1 / n_i`` removes the binomial noise from the spread.
    """
    ok = np.isfinite(successes) & np.isfinite(trials) & (trials > 0)
    x, n = successes[ok], trials[ok]
    if x.size == 0:
        return np.nan, 0.0
    rate = x / n
    m = float(rate.mean())
    if x.size < 2 or m <= 0 or m >= 1:
        return m, 0.0
    h = float(np.mean(1.0 / n))
    v = float(rate.var(ddof=1))
    base = m * (1 - m)
    phi = (v / base - h) / (1 - h) if h < 1 else 0.0
    return m, float(np.clip(phi, 0.0, _PHI_MAX))


def _draw_rates(rng: np.random.Generator, mean: float, phi: float, size: int) -> np.ndarray:
    if phi <= 0 or mean <= 0 or mean >= 1:
        return np.full(size, mean)
    conc = (1 - phi) / phi
    return rng.beta(mean * conc, (1 - mean) * conc, size=size)


@dataclass(frozen=True)
class CleanModel:
    """A fitted clean-election model (see :func:`fit_clean_model`).

    Attributes
    ----------
    registered : numpy.ndarray
        Station sizes (int64), imputed where the template lacks them.
    n_imputed : int
        Stations whose ``registered`` was imputed.
    turnout_mean, turnout_phi : float
        Mean station turnout and its intra-class correlation
        (``Var t = phi m (1 - m)``; 0 means every station has the same
        turnout).
    invalid_mean, invalid_phi : float
        Invalid ballots as a share of ballots (NaN mean if the template has
        no invalid counts; then simulated ``invalid`` is NaN).
    candidates : tuple of str
    shares : numpy.ndarray
        Mean candidate shares of valid votes (sum 1).
    shares_phi : float
        Intra-class correlation of the Dirichlet station shares.
    has_ballots : bool
        Whether the template has ballots (else simulated ``ballots`` is NaN
        and turnout refers to valid votes).
    """

    registered: np.ndarray
    n_imputed: int
    turnout_mean: float
    turnout_phi: float
    invalid_mean: float
    invalid_phi: float
    candidates: tuple[str, ...]
    shares: np.ndarray
    shares_phi: float
    has_ballots: bool

    def simulate(self, rng: np.random.Generator | int | None) -> dict[str, np.ndarray]:
        """Draw one clean election: a dict of count arrays by column name."""
        rng = np.random.default_rng(rng)
        reg = self.registered
        size = reg.size
        t = _draw_rates(rng, self.turnout_mean, self.turnout_phi, size)
        cast = rng.binomial(reg, t)
        if np.isnan(self.invalid_mean):
            invalid = np.full(size, np.nan)
            valid = cast
        else:
            q = _draw_rates(rng, self.invalid_mean, self.invalid_phi, size)
            inv = rng.binomial(cast, q)
            invalid = inv
            valid = cast - inv
        out: dict[str, np.ndarray] = {
            "registered": reg,
            "ballots": cast if self.has_ballots else np.full(size, np.nan),
            "valid": valid,
            "invalid": invalid,
        }
        # Dirichlet shares via gammas, then multinomial counts as a chain of binomials.
        p = self.shares
        if self.shares_phi > 0:
            conc = (1 - self.shares_phi) / self.shares_phi
            g = rng.standard_gamma(np.maximum(p * conc, 1e-12), size=(size, p.size))
            s = g / g.sum(axis=1, keepdims=True)
        else:
            s = np.broadcast_to(p, (size, p.size))
        remaining = valid.astype(np.int64)
        rest = np.ones(size)
        for k, cand in enumerate(self.candidates):
            if k == p.size - 1:
                c = remaining
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    pk = np.clip(np.where(rest > 0, s[:, k] / rest, 0.0), 0.0, 1.0)
                c = rng.binomial(remaining, pk)
                rest = rest - s[:, k]
                remaining = remaining - c
            out[cand] = c
        return out


def _per_part(value: float | Mapping[str, float] | str, part: str) -> float | str:
    if isinstance(value, Mapping):
        return value.get(part, "fit")
    return value


def fit_clean_model(
    template: Election,
    *,
    turnout: float | None = None,
    shares: Mapping[str, float] | Sequence[float] | None = None,
    overdispersion: str | float | Mapping[str, float] = "fit",
) -> CleanModel:
    """Fit the clean-election model of :func:`clean_election` to a template.

    Takes the same keyword options as :func:`clean_election` (less ``rng``)
    and returns a :class:`CleanModel` whose ``simulate(rng)`` draws count
    arrays without building a table, for use in simulation loops.
    """
    if not isinstance(template, Election):
        raise TypeError(f"template must be an Election, got {type(template).__name__}")
    st = template.stations
    if len(st) == 0:
        raise ValueError("the template has no stations")
    reg = template.counts("registered")
    ballots = template.counts("ballots")
    valid = template.counts("valid")
    invalid = template.counts("invalid")
    has_ballots = bool(np.isfinite(ballots).any())
    cast = np.where(np.isfinite(ballots), ballots, valid)

    # Impute missing station sizes from ballots and the median station turnout.
    missing = ~np.isfinite(reg)
    n_imputed = int(missing.sum())
    if n_imputed:
        with np.errstate(divide="ignore", invalid="ignore"):
            t_obs = np.where(reg > 0, cast / reg, np.nan)
        med = float(np.nanmedian(t_obs)) if np.isfinite(t_obs).any() else 1.0
        med = med if med > 0 else 1.0
        imputed = np.maximum(np.ceil(cast[missing] / med), cast[missing])
        reg = reg.copy()
        reg[missing] = imputed
    registered = reg.astype(np.int64)

    disp = {part: _per_part(overdispersion, part) for part in ("turnout", "shares", "invalid")}
    for part, val in disp.items():
        if val != "fit" and not (isinstance(val, (int, float)) and 0 <= val < 1):
            raise ValueError(
                f"overdispersion for {part} must be 'fit' or a number in [0, 1), got {val!r}"
            )

    t_mean, t_phi = _fit_phi(cast, registered.astype(float))
    if turnout is not None:
        if not 0 <= turnout <= 1:
            raise ValueError(f"turnout must lie in [0, 1], got {turnout!r}")
        t_mean = float(turnout)
    if disp["turnout"] != "fit":
        t_phi = float(disp["turnout"])

    if np.isfinite(invalid).any():
        i_mean, i_phi = _fit_phi(invalid, cast)
        if disp["invalid"] != "fit":
            i_phi = float(disp["invalid"])
    else:
        i_mean, i_phi = np.nan, 0.0

    cands = template.candidates
    counts = st[list(cands)].to_numpy(dtype=float)
    vsum = counts.sum(axis=1)
    ok = vsum > 0
    if not ok.any():
        raise ValueError("the template has no station with valid votes; cannot fit shares")
    s_obs = counts[ok] / vsum[ok, None]
    p = s_obs.mean(axis=0)
    base = float(np.sum(p * (1 - p)))
    if ok.sum() >= 2 and base > 0:
        h = float(np.mean(1.0 / vsum[ok]))
        ratio = float(np.sum(s_obs.var(axis=0, ddof=1))) / base
        s_phi = float(np.clip((ratio - h) / (1 - h) if h < 1 else 0.0, 0.0, _PHI_MAX))
    else:
        s_phi = 0.0
    if shares is not None:
        if isinstance(shares, Mapping):
            unknown = set(shares) - set(cands)
            if unknown:
                raise KeyError(f"shares names unknown candidate(s) {sorted(unknown)}")
            p = np.array([float(shares.get(c, 0.0)) for c in cands])
        else:
            p = np.asarray(shares, dtype=float)
            if p.shape != (len(cands),):
                raise ValueError(f"shares must have one value per candidate ({len(cands)})")
        if np.any(p < 0) or p.sum() <= 0:
            raise ValueError("shares must be non-negative with a positive sum")
        p = p / p.sum()
    if disp["shares"] != "fit":
        s_phi = float(disp["shares"])

    return CleanModel(
        registered=registered,
        n_imputed=n_imputed,
        turnout_mean=float(t_mean),
        turnout_phi=float(t_phi),
        invalid_mean=float(i_mean),
        invalid_phi=float(i_phi),
        candidates=tuple(cands),
        shares=p,
        shares_phi=s_phi,
        has_ballots=has_ballots,
    )


def clean_election(
    template: Election,
    *,
    rng: np.random.Generator | int | None,
    turnout: float | None = None,
    shares: Mapping[str, float] | Sequence[float] | None = None,
    overdispersion: str | float | Mapping[str, float] = "fit",
) -> Election:
    """Simulate a clean election with the template's stations and smooth rates.

    Parameters
    ----------
    template : Election
        Supplies the stations (ids, levels, ``registered``) and, unless
        overridden, the turnout and share distributions.
    rng : numpy.random.Generator or int or None
        Source of randomness (normalised with ``np.random.default_rng``).
    turnout : float, optional
        Mean station turnout; default the template's mean station turnout.
    shares : mapping or sequence of float, optional
        Mean candidate shares of valid votes (normalised to sum 1);
        default the template's mean station shares.
    overdispersion : "fit" or float in [0, 1) or mapping
        Station-to-station spread of the rates, as an intra-class
        correlation ``phi`` (``Var t_i = phi m (1 - m)``): ``"fit"`` (default)
        estimates it from the template by moments, net of binomial noise;
        ``0`` gives every station the same rates (pure binomial counts). A
        mapping sets ``"turnout"``, ``"shares"`` and ``"invalid"`` separately
        (missing keys are fitted).

    Returns
    -------
    Election
        The template's stations with simulated ``ballots``, ``invalid``,
        ``valid`` and candidate counts; ``registered`` as in the template
        (imputed where missing, see Notes). Other columns are kept as they
        are; ``notes`` and ``derived`` say that the counts are simulated.

    Notes
    -----
    Model, per station ``i`` with ``R_i`` registered voters:

    * turnout ``t_i ~ Beta`` with the fitted mean and ``phi``;
      ballots ``B_i ~ Binomial(R_i, t_i)``;
    * invalid share ``q_i ~ Beta`` fitted on invalid/ballots;
      ``I_i ~ Binomial(B_i, q_i)``, ``V_i = B_i - I_i``;
    * shares ``s_i ~ Dirichlet(p (1 - phi) / phi)`` with mean ``p``;
      candidate counts ``~ Multinomial(V_i, s_i)``.

    Beta and Dirichlet parameters are fitted by moments to the unweighted
    station rates, with the binomial part of their variance removed. One
    national distribution is fitted: regional heterogeneity, correlation
    between turnout and shares, and manipulation are not modelled, so the
    model is a *minimal* clean benchmark, not a claim about how the real
    election was generated.

    Stations whose ``registered`` is missing get
    ``ceil(ballots / median station turnout)`` (at least ``ballots``; valid
    votes stand in for ballots where those are missing); their number is
    stated in ``derived["registered"]``. A template without ``invalid``
    counts yields ``invalid`` NaN and ``valid = ballots``.

    References
    ----------
    .. [1] Mebane, W. R. (2007). Statistics for digits. Summer Meeting of the
       Political Methodology Society, Penn State.
    .. [2] Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469–16473. doi:10.1073/pnas.1210722109
    """
    model = fit_clean_model(
        template, turnout=turnout, shares=shares, overdispersion=overdispersion
    )
    sim = model.simulate(rng)
    st = template.stations.copy()
    for col in ("registered", "ballots", "valid", "invalid", *model.candidates):
        values = np.asarray(sim[col])
        st[col] = values.astype(np.int64) if np.isfinite(values).all() else values.astype(float)
    derived = dict(template.derived)
    if model.n_imputed:
        derived["registered"] = (
            f"imputed for {model.n_imputed:,} station(s) as ceil(ballots / median turnout)"
        )
    note = (
        "simulated clean election: beta turnout (mean "
        f"{model.turnout_mean:.3f}, phi {model.turnout_phi:.3g}), Dirichlet shares "
        f"(phi {model.shares_phi:.3g}), binomial counts"
    )
    return template.with_stations(
        pd.DataFrame(st).reset_index(drop=True),
        name=f"{template.name or 'election'} (simulated clean)",
        derived=derived,
        notes=(*template.notes, note),
    )
