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
With ``regions=True`` the model adds the heterogeneity seen between the
template's regions, and ``mobilisation`` an innocent turnout–share
correlation: the realistic clean benchmark of :func:`forensics.power_study`.

Fraud injectors take an Election and return a new one with a boolean array
of the stations they changed (the known truth of a power study):
:func:`stuff_ballots`, :func:`switch_votes`, :func:`extreme_fraud`,
:func:`fabricate_counts` and :func:`round_percentages`. Each keeps the table
consistent (candidates sum to ``valid``, ``valid + invalid = ballots <=
registered``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forensics.election import Election, UnknownNameError

__all__ = [
    "CleanModel",
    "clean_election",
    "extreme_fraud",
    "fabricate_counts",
    "fit_clean_model",
    "round_percentages",
    "stuff_ballots",
    "switch_votes",
    "toy_election",
]

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


def _draw_rates_at(rng: np.random.Generator, mean: np.ndarray, phi: float) -> np.ndarray:
    """Beta rates with a mean per station (regional means), common ``phi``."""
    mean = np.clip(np.asarray(mean, dtype=float), 1e-9, 1 - 1e-9)
    if phi <= 0:
        return mean.copy()
    conc = (1 - phi) / phi
    return rng.beta(mean * conc, (1 - mean) * conc)


def _dirichlet_rows(rng: np.random.Generator, p: np.ndarray, phi: float) -> np.ndarray:
    """One Dirichlet draw per row of mean vectors ``p`` (rows sum to 1)."""
    if phi <= 0:
        return np.array(p, dtype=float)
    conc = (1 - phi) / phi
    g = rng.standard_gamma(np.maximum(p * conc, 1e-12))
    return g / g.sum(axis=1, keepdims=True)


def _grouped_phi(
    rates: np.ndarray, inv_n: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[float, float]:
    """Within- and between-group intra-class correlations of station rates.

    ``rates`` is ``(stations, K)`` (each row sums to 1). Within: the pooled
    variance around each group's mean, net of binomial noise (as in
    :func:`_fit_phi`), over the mean of ``m_g (1 - m_g)``. Between: the
    variance of the group means across groups, net of their sampling part,
    over ``p (1 - p)`` at the overall mean ``p``.
    """
    k = rates.shape[1]
    size = np.bincount(codes, minlength=n_groups).astype(float)
    means = np.column_stack(
        [np.bincount(codes, weights=rates[:, j], minlength=n_groups) for j in range(k)]
    )
    present = size > 0
    means[present] /= size[present, None]
    resid = rates - means[codes]
    dof = max(rates.shape[0] - int(present.sum()), 1)
    within_var = float((resid**2).sum()) / dof
    base_w = float(np.mean(np.sum(means[codes] * (1 - means[codes]), axis=1)))
    h = float(np.mean(inv_n))
    within = (within_var / base_w - h) / (1 - h) if base_w > 0 and h < 1 else 0.0
    gm = means[present]
    p = gm.mean(axis=0)
    base_b = float(np.sum(p * (1 - p)))
    between = 0.0
    if gm.shape[0] >= 2 and base_b > 0:
        spread = float(gm.var(axis=0, ddof=1).sum()) - float(np.mean(within_var / size[present]))
        between = spread / base_b
    return float(np.clip(within, 0.0, _PHI_MAX)), float(np.clip(between, 0.0, _PHI_MAX))


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
    leader : int
        Index in ``candidates`` of the candidate that ``mobilisation`` favours.
    region_index : numpy.ndarray or None
        Region code (0..G-1) of each station, or None for one national
        distribution. With regions, ``turnout_phi`` and ``shares_phi`` are
        the spread *within* a region.
    region_names : tuple
        The G regions, and ``region_level`` the column they come from.
    region_turnout_phi, region_shares_phi : float
        Intra-class correlation of region mean turnout (Beta) and region
        mean shares (Dirichlet) around the national means.
    mobilisation : float
        Log-odds shift of the leader's station share per standard deviation
        of the station's turnout above its region's mean (0: none; fitted to
        the template with ``mobilisation="fit"``).
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
    leader: int = 0
    region_index: np.ndarray | None = None
    region_names: tuple = ()
    region_level: str | None = None
    region_turnout_phi: float = 0.0
    region_shares_phi: float = 0.0
    mobilisation: float = 0.0

    def simulate(self, rng: np.random.Generator | int | None) -> dict[str, np.ndarray]:
        """Draw one clean election: a dict of count arrays by column name.

        Parameters
        ----------
        rng : numpy.random.Generator or int or None
            Source of randomness.

        Returns
        -------
        dict of str to numpy.ndarray
            ``registered``, ``ballots``, ``valid``, ``invalid`` and one array
            per candidate, one entry per station.

        Examples
        --------
        >>> template = toy_election(6, rng=0)
        >>> model = fit_clean_model(template)
        >>> draw = model.simulate(rng=1)
        >>> draw["A"] + draw["B"] == draw["valid"]
        array([ True,  True,  True,  True,  True,  True])
        >>> draw["ballots"].tolist()
        [453, 384, 318, 220, 227, 144]
        """
        rng = np.random.default_rng(rng)
        reg = self.registered
        size = reg.size
        regional = self.region_index is not None
        if regional:
            n_reg = len(self.region_names)
            m_region = _draw_rates(rng, self.turnout_mean, self.region_turnout_phi, n_reg)
            m_station = m_region[self.region_index]
            t = _draw_rates_at(rng, m_station, self.turnout_phi)
        else:
            m_station = np.full(size, self.turnout_mean)
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
        if regional:
            p_region = _dirichlet_rows(
                rng, np.broadcast_to(p, (len(self.region_names), p.size)), self.region_shares_phi
            )
            s = _dirichlet_rows(rng, p_region[self.region_index], self.shares_phi)
        elif self.shares_phi > 0:
            conc = (1 - self.shares_phi) / self.shares_phi
            g = rng.standard_gamma(np.maximum(p * conc, 1e-12), size=(size, p.size))
            s = g / g.sum(axis=1, keepdims=True)
        else:
            s = np.broadcast_to(p, (size, p.size))
        if self.mobilisation:
            s = _mobilise(s, t, m_station, self.turnout_phi, self.leader, self.mobilisation)
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


def _mobilise(
    s: np.ndarray, t: np.ndarray, m: np.ndarray, phi: float, leader: int, kappa: float
) -> np.ndarray:
    """Shift the leader's share by ``kappa`` log-odds per SD of excess turnout."""
    sd = np.sqrt(np.maximum(phi * m * (1 - m), 1e-12))
    z = (t - m) / sd
    s = np.array(s, dtype=float)
    lead = np.clip(s[:, leader], 1e-12, 1 - 1e-12)
    new = 1.0 / (1.0 + np.exp(-(np.log(lead / (1 - lead)) + kappa * z)))
    others = np.ones(s.shape[1], dtype=bool)
    others[leader] = False
    s[:, others] *= ((1 - new) / (1 - lead))[:, None]
    s[:, leader] = new
    return s


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
    regions: bool | str = False,
    mobilisation: float | str = 0.0,
) -> CleanModel:
    """Fit the clean-election model of :func:`clean_election` to a template.

    Takes the same keyword options as :func:`clean_election` (less ``rng``)
    and returns a :class:`CleanModel` whose ``simulate(rng)`` draws count
    arrays without building a table, for use in simulation loops.

    Parameters
    ----------
    template : Election
        Supplies the station sizes and, unless overridden, the turnout and
        share distributions.
    turnout, shares, overdispersion, regions, mobilisation
        As in :func:`clean_election`.

    Returns
    -------
    CleanModel

    Notes
    -----
    The model and its moment estimates are described in
    :func:`clean_election`.

    References
    ----------
    .. [1] Mebane, W. R. (2007). Statistics for digits. Summer Meeting of the
       Political Methodology Society, Penn State.

    Examples
    --------
    >>> counts = {"registered": [400, 520, 610, 380, 450, 700], "invalid": [3, 5, 2, 4, 1, 6],
    ...           "A": [151, 213, 262, 118, 204, 297], "B": [87, 112, 149, 103, 79, 164]}
    >>> template = Election.from_frame(pd.DataFrame(counts), candidates=["A", "B"],
    ...                                registered="registered", invalid="invalid")
    >>> model = fit_clean_model(template)
    >>> round(model.turnout_mean, 4), round(model.turnout_phi, 4)
    (0.6341, 0.0029)
    >>> model.shares.round(4).tolist(), round(model.shares_phi, 4)
    ([0.6377, 0.3623], 0.0123)
    >>> fit_clean_model(template, turnout=0.5, overdispersion=0.0).turnout_phi
    0.0
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
                raise UnknownNameError(
                    f"shares names unknown candidate(s) {sorted(unknown)}; "
                    f"the candidates are {list(cands)}"
                )
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

    fit_kappa = isinstance(mobilisation, str)
    if fit_kappa and mobilisation != "fit":
        raise ValueError(f"mobilisation must be a number or 'fit', got {mobilisation!r}")
    if not fit_kappa and not np.isfinite(mobilisation):
        raise ValueError(f"mobilisation must be a finite number, got {mobilisation!r}")
    region = _fit_regions(template, regions, registered, cast, counts, vsum, disp)
    if region is not None:
        t_phi, s_phi = region.pop("turnout_phi"), region.pop("shares_phi")
    if fit_kappa:
        codes = None if region is None else region["region_index"]
        mobilisation = _fit_mobilisation(
            cast, registered, counts, vsum, cands.index(template.leader), codes, t_phi
        )

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
        leader=cands.index(template.leader),
        mobilisation=float(mobilisation),
        **(region or {}),
    )


def _fit_mobilisation(
    cast: np.ndarray,
    registered: np.ndarray,
    counts: np.ndarray,
    vsum: np.ndarray,
    leader: int,
    codes: np.ndarray | None,
    phi: float,
) -> float:
    """Moment estimate of ``kappa`` in ``logit s_leader = base + kappa z``.

    ``z`` is the station's turnout in within-region SDs
    (``sqrt(phi m_g (1 - m_g))``) above its region's mean ``m_g``; ``kappa``
    is the OLS slope, within regions, of the leader's empirical log-odds
    share (``(c + 0.5) / (v + 1)``) on ``z``. Binomial noise in the observed
    turnout attenuates it slightly towards 0.
    """
    ok = np.isfinite(cast) & (registered > 0) & (vsum > 0)
    if ok.sum() < 3 or phi <= 0:
        return 0.0
    t = cast[ok] / registered[ok]
    share = (counts[ok, leader] + 0.5) / (vsum[ok] + 1.0)
    y = np.log(share / (1 - share))
    g = np.zeros(t.size, dtype=np.int64) if codes is None else codes[ok]
    size = np.bincount(g).astype(float)
    present = size > 0
    m = np.bincount(g, weights=t) / np.where(present, size, 1.0)
    ybar = np.bincount(g, weights=y) / np.where(present, size, 1.0)
    sd = np.sqrt(np.maximum(phi * m[g] * (1 - m[g]), 1e-12))
    z = (t - m[g]) / sd
    dy = y - ybar[g]
    zz = float((z * z).sum())
    return float((z * dy).sum() / zz) if zz > 0 else 0.0


def _fit_regions(
    template: Election,
    regions: bool | str,
    registered: np.ndarray,
    cast: np.ndarray,
    counts: np.ndarray,
    vsum: np.ndarray,
    disp: Mapping[str, Any],
) -> dict[str, Any] | None:
    """Region codes and the within/between spreads of turnout and shares."""
    if regions is False or regions is None:
        return None
    if regions is True:
        if not template.levels:
            raise ValueError("regions=True needs a template with levels; it has none")
        level = template.levels[0]
    elif isinstance(regions, str):
        level = template._check_level(regions)
    else:
        raise TypeError(f"regions must be a bool or a level name, got {regions!r}")
    codes, names = pd.factorize(template.stations[level], use_na_sentinel=False)
    n_groups = len(names)
    if n_groups < 2:
        raise ValueError(f"regions need at least 2 groups in {level!r}, found {n_groups}")
    ok_t = np.isfinite(cast) & (registered > 0)
    t = cast[ok_t] / registered[ok_t]
    t_within, t_between = _grouped_phi(
        np.column_stack([t, 1 - t]), 1.0 / registered[ok_t], codes[ok_t], n_groups
    )
    ok_s = vsum > 0
    s_within, s_between = _grouped_phi(
        counts[ok_s] / vsum[ok_s, None], 1.0 / vsum[ok_s], codes[ok_s], n_groups
    )
    if disp["turnout"] != "fit":
        t_within = float(disp["turnout"])
    if disp["shares"] != "fit":
        s_within = float(disp["shares"])
    return {
        "region_index": codes.astype(np.int64),
        "region_names": tuple(names),
        "region_level": level,
        "region_turnout_phi": t_between,
        "region_shares_phi": s_between,
        "turnout_phi": t_within,
        "shares_phi": s_within,
    }


def clean_election(
    template: Election,
    *,
    rng: np.random.Generator | int | None,
    turnout: float | None = None,
    shares: Mapping[str, float] | Sequence[float] | None = None,
    overdispersion: str | float | Mapping[str, float] = "fit",
    regions: bool | str = False,
    mobilisation: float | str = 0.0,
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
        (missing keys are fitted). With ``regions``, the spread within a
        region.
    regions : bool or str
        ``False`` (default): one national distribution. ``True``: draw each
        region's mean turnout and mean shares from the spread seen between
        the template's regions at its first level (e.g. states); a string
        names another level column.
    mobilisation : float or "fit"
        Innocent turnout–share correlation: the leader's station share is
        shifted by this many log-odds per standard deviation of the
        station's turnout above its region's mean (0, the default: none;
        0.2 is a moderate effect). ``"fit"`` estimates it from the template
        (the within-region slope of the leader's log-odds share on that
        standardised turnout). See Notes.

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
    station rates, with the binomial part of their variance removed. By
    default one national distribution is fitted, a *minimal* clean
    benchmark.

    With ``regions``, each region ``g`` first draws its mean turnout
    ``m_g ~ Beta`` (mean the national one, ``phi`` the between-region
    spread) and mean shares ``p_g ~ Dirichlet`` (likewise); stations then
    draw around their region's means with the within-region ``phi``. Both
    spreads are moment estimates from the template's unweighted station
    rates (between: variance of the region means net of their sampling
    variance; within: pooled variance around the region means net of
    binomial noise). Real elections are heterogeneous between regions, and
    a test calibrated only against the national model can reject clean
    data for that reason alone; the power study uses this variant.

    ``mobilisation`` adds a turnout–share correlation without manipulation
    (a candidate whose voters are mobilised where turnout is high, or an
    urban–rural divide): ``logit s_leader,i += kappa z_i`` with ``z_i`` the
    station's turnout in SDs above its region's mean, other shares rescaled.
    It is the main confounder of the turnout–share association and
    Sobyanin–Sukhovolsky tests: a clean election simulated with
    ``mobilisation > 0`` shows the same signature as ballot stuffing for the
    leader, and those tests' size grows with it. None of these options is a
    claim about how the real election was generated.

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

    Examples
    --------
    >>> template = toy_election(6, rng=0)
    >>> clean = clean_election(template, rng=7)
    >>> clean.stations[["registered", "ballots", "valid", "A", "B"]]
       registered  ballots  valid    A    B
    0         710      448    448  237  211
    1         582      377    377  201  176
    2         506      337    337  199  138
    3         361      223    223  127   96
    4         384      239    239  130  109
    5         224      141    141   86   55
    >>> clean.notes[-1][:36]
    'simulated clean election: beta turno'
    """
    model = fit_clean_model(
        template,
        turnout=turnout,
        shares=shares,
        overdispersion=overdispersion,
        regions=regions,
        mobilisation=mobilisation,
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
    if model.region_level is not None:
        note += (
            f"; {len(model.region_names)} regions of {model.region_level!r} "
            f"(between-region phi: turnout {model.region_turnout_phi:.3g}, "
            f"shares {model.region_shares_phi:.3g})"
        )
    if model.mobilisation:
        note += f"; mobilisation {model.mobilisation:g} log-odds per turnout SD"
    return template.with_stations(
        pd.DataFrame(st).reset_index(drop=True),
        name=f"{template.name or 'election'} (simulated clean)",
        derived=derived,
        notes=(*template.notes, note),
    )


# --------------------------------------------------------------------------- fraud injection
_FRAUD_REFERENCE = (
    "Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012). Statistical "
    "detection of systematic election irregularities. PNAS 109(41), "
    "16469-16473. doi:10.1073/pnas.1210722109"
)


def _check_fraction(name: str, value: float) -> float:
    if not (isinstance(value, (int, float, np.integer, np.floating)) and 0 <= value <= 1):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def _setup(
    election: Election,
    fraction: float,
    rng: np.random.Generator | int | None,
    columns: Sequence[str],
    candidate: str | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray], np.ndarray, np.random.Generator, str]:
    """Copy the table, read count arrays, and pick the affected stations.

    Exactly ``round(fraction * eligible)`` stations are chosen at random among
    those whose counts in ``columns`` are all known.
    """
    if not isinstance(election, Election):
        raise TypeError(f"election must be a forensics.Election, got {type(election).__name__}")
    fraction = _check_fraction("fraction", fraction)
    cand = election._check_candidate(candidate)
    rng = np.random.default_rng(rng)
    cols = list(dict.fromkeys([*columns, *election.candidates]))
    arrays = {c: election.counts(c) for c in cols}
    eligible = np.ones(len(election), dtype=bool)
    for c in cols:
        eligible &= np.isfinite(arrays[c])
    idx = np.flatnonzero(eligible)
    k = round(fraction * idx.size)
    affected = np.zeros(len(election), dtype=bool)
    affected[rng.choice(idx, size=k, replace=False)] = True
    return election.stations.copy(), arrays, affected, rng, cand


def _finish(
    election: Election, st: pd.DataFrame, arrays: dict[str, np.ndarray], label: str
) -> Election:
    for col, values in arrays.items():
        if np.isfinite(values).all():
            st[col] = np.rint(values).astype(np.int64)
        else:
            st[col] = values.astype(float)
    return election.with_stations(
        st,
        name=f"{election.name or 'election'} + {label}",
        notes=(*election.notes, f"injected: {label}"),
    )


def _add_ballots(
    a: dict[str, np.ndarray],
    hit: np.ndarray,
    cand: str,
    intensity: float,
    rng: np.random.Generator,
) -> None:
    """Stuff ballots in place: each non-voter of a hit station votes ``cand``.

    With probability ``intensity``; ``ballots``, ``valid`` and ``cand`` gain the added ballots.
    """
    room = np.where(hit, np.maximum(a["registered"] - a["ballots"], 0), 0)
    add = np.zeros(hit.size)
    add[hit] = rng.binomial(room[hit].astype(np.int64), intensity)
    for col in ("ballots", "valid", cand):
        a[col] = a[col] + add


def _move_votes(
    a: dict[str, np.ndarray],
    hit: np.ndarray,
    cand: str,
    candidates: Sequence[str],
    intensity: float,
    rng: np.random.Generator,
) -> None:
    """Switch votes in place: each other candidate's vote in a hit station goes to ``cand``.

    With probability ``intensity``, one binomial draw per other candidate in ballot order.
    """
    for other in candidates:
        if other == cand:
            continue
        moved = np.zeros(hit.size)
        moved[hit] = rng.binomial(a[other][hit].astype(np.int64), intensity)
        a[other] = a[other] - moved
        a[cand] = a[cand] + moved


def stuff_ballots(
    election: Election,
    *,
    fraction: float,
    intensity: float,
    candidate: str | None = None,
    rng: np.random.Generator | int | None,
) -> tuple[Election, np.ndarray]:
    """Add ballots for one candidate in a random subset of stations.

    Parameters
    ----------
    election : Election
        Needs ``registered``, ``ballots`` and ``valid`` (stations lacking any
        of them are never chosen).
    fraction : float in [0, 1]
        Share of the eligible stations stuffed (exactly ``round(fraction *
        eligible)`` of them).
    intensity : float in [0, 1]
        Each registered non-voter of a stuffed station becomes a ballot for
        ``candidate`` with this probability.
    candidate : str, optional
        Beneficiary; default the election's leader.
    rng : numpy.random.Generator or int or None

    Returns
    -------
    (Election, numpy.ndarray)
        The new election and a boolean array of the stuffed stations.

    Notes
    -----
    Added ballots ``A_i ~ Binomial(R_i - B_i, intensity)`` go to ``ballots``,
    ``valid`` and the candidate, so ``ballots <= registered`` still holds.
    This is the "incremental fraud" of Klimek et al. (2012): stuffed
    stations move up and to the right in the fingerprint, which raises the
    turnout–share association of the candidate.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469–16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    >>> template = toy_election(6, rng=0)
    >>> stuffed, hit = stuff_ballots(template, fraction=0.5, intensity=0.5, rng=3)
    >>> hit.tolist()
    [True, True, False, True, False, False]
    >>> (stuffed.stations["A"] - template.stations["A"]).tolist()
    [146, 116, 0, 61, 0, 0]
    >>> stuffed.name
    'toy election + ballot stuffing (0.5 of stations, intensity 0.5)'
    """
    intensity = _check_fraction("intensity", intensity)
    st, a, hit, rng, cand = _setup(
        election, fraction, rng, ["registered", "ballots", "valid"], candidate
    )
    _add_ballots(a, hit, cand, intensity, rng)
    return _finish(
        election, st, a, f"ballot stuffing ({fraction:g} of stations, intensity {intensity:g})"
    ), hit


def switch_votes(
    election: Election,
    *,
    fraction: float,
    intensity: float,
    candidate: str | None = None,
    rng: np.random.Generator | int | None,
) -> tuple[Election, np.ndarray]:
    """Move votes from the other candidates to one candidate in some stations.

    Each vote for another candidate in an affected station is reassigned to
    ``candidate`` with probability ``intensity`` (binomially, per
    candidate); ``valid``, ``ballots`` and turnout are unchanged.

    Parameters
    ----------
    election : Election
        Needs ``valid`` (stations lacking it are never chosen).
    fraction, candidate, rng
        As in :func:`stuff_ballots`.
    intensity : float in [0, 1]
        Probability that a vote for another candidate is moved.

    Returns
    -------
    (Election, numpy.ndarray)
        The new election and a boolean array of the affected stations.

    Notes
    -----
    Switching changes shares but not turnout, so it leaves no turnout–share
    slope of its own beyond the share shift; it is the "vote stealing"
    component of Klimek et al.'s (2012) model.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469–16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    >>> template = toy_election(6, rng=0)
    >>> switched, hit = switch_votes(template, fraction=0.5, intensity=0.2, rng=3)
    >>> (switched.stations["A"] - template.stations["A"]).tolist()
    [40, 29, 0, 16, 0, 0]
    >>> bool((switched.stations["valid"] == template.stations["valid"]).all())
    True
    """
    intensity = _check_fraction("intensity", intensity)
    st, a, hit, rng, cand = _setup(election, fraction, rng, ["valid"], candidate)
    _move_votes(a, hit, cand, election.candidates, intensity, rng)
    return _finish(
        election, st, a, f"vote switching ({fraction:g} of stations, intensity {intensity:g})"
    ), hit


def extreme_fraud(
    election: Election,
    *,
    fraction: float,
    intensity: float = 0.98,
    candidate: str | None = None,
    rng: np.random.Generator | int | None,
) -> tuple[Election, np.ndarray]:
    """Push turnout and the candidate's share to nearly 100 % in some stations.

    Stuffing and switching at once, both with probability ``intensity``
    (default 0.98): nearly every non-voter's ballot and nearly every other
    candidate's vote goes to ``candidate``.

    Parameters
    ----------
    election : Election
        Needs ``registered``, ``ballots`` and ``valid`` (stations lacking any
        of them are never chosen).
    fraction, candidate, rng
        As in :func:`stuff_ballots`.
    intensity : float in [0, 1]
        Probability that a non-voter's ballot is added and that a vote for
        another candidate is moved (default 0.98).

    Returns
    -------
    (Election, numpy.ndarray)
        The new election and a boolean array of the affected stations.

    Notes
    -----
    The "extreme fraud" of Klimek et al. (2012): affected stations pile up
    in the fingerprint's corner (turnout and share near 100 %), which
    :meth:`forensics.turnout.Fingerprint.corner_mass` measures. Invalid
    ballots are left as they are.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469–16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    >>> template = toy_election(6, rng=0)
    >>> rigged, hit = extreme_fraud(template, fraction=0.34, rng=3)
    >>> rigged.turnout[hit].round(3).tolist(), rigged.share("A")[hit].round(3).tolist()
    ([0.99, 0.992], [0.997, 0.995])
    """
    intensity = _check_fraction("intensity", intensity)
    st, a, hit, rng, cand = _setup(
        election, fraction, rng, ["registered", "ballots", "valid"], candidate
    )
    _add_ballots(a, hit, cand, intensity, rng)
    _move_votes(a, hit, cand, election.candidates, intensity, rng)
    return _finish(
        election, st, a, f"extreme fraud ({fraction:g} of stations, intensity {intensity:g})"
    ), hit


def _invented_last_digit(rng: np.random.Generator, tens: np.ndarray) -> np.ndarray:
    """Human-like last digits: never repeat the tens digit, favour its neighbours.

    Weight 3 for ``tens ± 1`` (adjacent pairs), 1 for other digits, 0 for
    ``tens`` itself (Beber & Scacco 2012: people avoid repeats and favour
    adjacent digits).
    """
    d = np.arange(10)
    w = np.ones((tens.size, 10))
    w[np.abs(d[None, :] - tens[:, None]) == 1] = 3.0
    w[d[None, :] == tens[:, None]] = 0.0
    cum = np.cumsum(w, axis=1)
    u = rng.random(tens.size) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1)


def fabricate_counts(
    election: Election,
    *,
    fraction: float,
    rounding: float = 0.5,
    rng: np.random.Generator | int | None,
) -> tuple[Election, np.ndarray]:
    """Replace every candidate's count in some stations by a human-invented number.

    Parameters
    ----------
    election : Election
    fraction : float in [0, 1]
        Share of stations whose counts are invented.
    rounding : float in [0, 1]
        Probability that an invented count is rounded to the nearest
        multiple of 5 (so it ends in 0 or 5); otherwise its last digit is
        redrawn the way people invent digits (see Notes).
    rng : numpy.random.Generator or int or None

    Returns
    -------
    (Election, numpy.ndarray)
        The new election and a boolean array of the affected stations.

    Notes
    -----
    Counts below 10 are left alone (the digit tests drop them too). Each
    count ``c >= 10`` of an affected station keeps its tens and higher
    digits; its last digit becomes, with probability ``rounding``, that of
    ``5 * round(c / 5)``, else a draw that never repeats the tens digit and
    gives its two neighbours three times the weight of the other digits
    (Beber & Scacco 2012: invented numbers avoid repeats, favour adjacent
    pairs and round numbers). ``valid`` becomes the candidates' sum and
    ``ballots = valid + invalid``; where that exceeds ``registered`` the
    largest count is lowered by the excess.

    References
    ----------
    .. [1] Beber, B., & Scacco, A. (2012). What the numbers say: A digit-based
       test for election fraud. Political Analysis 20(2), 211–234.
       doi:10.1093/pan/mps003

    Examples
    --------
    >>> template = toy_election(6, rng=0)
    >>> fake, hit = fabricate_counts(template, fraction=0.5, rounding=1.0, rng=3)
    >>> fake.stations.loc[hit, ["A", "B"]].values.tolist()
    [[235, 210], [185, 175], [135, 100]]
    """
    rounding = _check_fraction("rounding", rounding)
    st, a, hit, rng, _ = _setup(election, fraction, rng, ["registered", "ballots", "valid"])
    cands = list(election.candidates)
    c = np.column_stack([a[k] for k in cands])
    for j in range(c.shape[1]):
        rows = np.flatnonzero(hit & (c[:, j] >= 10))
        x = c[rows, j]
        rounded = rng.random(rows.size) < rounding
        new = np.where(rounded, 5 * np.round(x / 5), x)
        free = ~rounded
        tens = (x[free] // 10 % 10).astype(np.int64)
        new[free] = x[free] - x[free] % 10 + _invented_last_digit(rng, tens)
        c[rows, j] = new
    has_invalid = np.isfinite(election.counts("invalid"))
    invalid = np.where(has_invalid, election.counts("invalid"), 0.0)
    excess = np.where(hit, c.sum(axis=1) + invalid - a["registered"], 0.0)
    over = np.flatnonzero(excess > 0)
    top = c[over].argmax(axis=1)
    c[over, top] -= excess[over]
    for j, k in enumerate(cands):
        a[k] = c[:, j]
    a["valid"] = np.where(hit, c.sum(axis=1), a["valid"])
    a["ballots"] = np.where(hit, a["valid"] + invalid, a["ballots"])
    return _finish(
        election, st, a, f"fabricated counts ({fraction:g} of stations, rounding {rounding:g})"
    ), hit


def round_percentages(
    election: Election,
    *,
    fraction: float,
    candidate: str | None = None,
    rng: np.random.Generator | int | None,
) -> tuple[Election, np.ndarray]:
    """Report turnout and a candidate's share as whole percentages in some stations.

    In an affected station, ballots become ``round(R * T / 100)`` with
    ``T`` the turnout rounded to a whole percent, and the candidate's votes
    ``round(B * S / 100)`` with ``S`` their share of ballots rounded likewise
    (the shares of Kobak et al. 2016). Invalid ballots are kept; the
    largest other candidate absorbs the change in the others' total so that
    candidates still sum to ``valid``. Stations where that is impossible
    (too few votes left) are left unchanged and not flagged.

    Parameters
    ----------
    election : Election
        Needs ``registered``, ``ballots``, ``valid`` and ``invalid``
        (stations lacking any of them are never chosen).
    fraction : float in [0, 1]
        Share of the eligible stations affected (exactly ``round(fraction *
        eligible)`` of them).
    candidate : str, optional
        The candidate whose share is rounded; default the election's leader.
    rng : numpy.random.Generator or int or None

    Returns
    -------
    (Election, numpy.ndarray)
        The new election and a boolean array of the stations changed.

    Notes
    -----
    With ``R`` registered voters, ``100 B / R`` can only get within
    ``50 / R`` points of ``T``; stations under 1,000 voters therefore do not
    always land within the integer test's 0.05-point window, as with real
    falsifiers writing round targets.

    References
    ----------
    .. [1] Kobak, D., Shpilkin, S., & Pshenichnikov, M. S. (2016). Integer
       percentages as electoral falsification fingerprints. Annals of Applied
       Statistics 10(1), 54–73. doi:10.1214/16-AOAS904

    Examples
    --------
    >>> template = toy_election(6, rng=0)
    >>> rounded, hit = round_percentages(template, fraction=0.5, rng=3)
    >>> st = rounded.stations[hit]  # within 50 / R (50 / B) points of a whole percent
    >>> (100 * st["ballots"] / st["registered"]).round(2).tolist()
    [62.96, 62.03, 63.99]
    >>> (100 * st["A"] / st["ballots"]).round(2).tolist()
    [51.9, 52.08, 57.14]
    """
    st, a, hit, rng, cand = _setup(
        election, fraction, rng, ["registered", "ballots", "valid", "invalid"], candidate
    )
    reg, ballots, invalid = a["registered"], a["ballots"], a["invalid"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t_pct = np.round(100 * ballots / reg)
        new_b = np.round(reg * t_pct / 100)
        s_pct = np.round(100 * a[cand] / ballots)
        new_c = np.round(new_b * s_pct / 100)
    others = [k for k in election.candidates if k != cand]
    new_valid = new_b - invalid
    c_other = np.column_stack([a[k] for k in others]) if others else np.zeros((len(st), 0))
    rest_new = new_valid - new_c
    change = rest_new - c_other.sum(axis=1)
    ok = hit & (reg > 0) & (ballots > 0) & (new_valid >= new_c) & (new_c >= 0)
    if others:
        top = c_other.argmax(axis=1)
        top_count = c_other[np.arange(len(st)), top]
        ok &= top_count + change >= 0
        rows = np.flatnonzero(ok)
        c_other[rows, top[rows]] += change[rows]
        for j, k in enumerate(others):
            a[k] = c_other[:, j]
    else:
        ok &= change == 0
    a["ballots"] = np.where(ok, new_b, ballots)
    a["valid"] = np.where(ok, new_valid, a["valid"])
    a[cand] = np.where(ok, new_c, a[cand])
    return _finish(election, st, a, f"round percentages ({fraction:g} of stations, {cand})"), ok


def toy_election(
    n_stations: int = 300,
    *,
    turnout: float = 0.6,
    share: float = 0.55,
    n_regions: int = 3,
    stations_per_district: int = 20,
    rng: np.random.Generator | int | None = 0,
) -> Election:
    """A small clean two-candidate election, for examples and quick checks.

    Station sizes are uniform on 200-799 registered voters; ballots are
    ``Binomial(registered, turnout)`` and candidate ``"A"`` gets
    ``Binomial(ballots, share)`` of them, ``"B"`` the rest (no invalid
    ballots). Stations are split evenly into ``n_regions`` regions
    (``"r1"``, ``"r2"``, ...) and into districts of
    ``stations_per_district`` consecutive stations. Pure binomial counts:
    no fraud and no overdispersion, so every test's null holds (up to the
    tests' own approximations). For realistic clean elections built on a
    real election's stations use :func:`clean_election`.

    Parameters
    ----------
    n_stations : int
        Number of stations (>= 1).
    turnout : float
        Probability that a registered voter casts a ballot, in (0, 1).
    share : float
        Probability that a ballot goes to ``"A"``, in (0, 1).
    n_regions : int
        Number of regions (>= 1, at most ``n_stations``).
    stations_per_district : int
        Stations per district (>= 1).
    rng : numpy.random.Generator or int or None
        Source of randomness (default seed 0, so that examples are stable).

    Returns
    -------
    Election
        Candidates ``["A", "B"]``, levels ``["region", "district"]``.

    Raises
    ------
    ValueError
        A parameter out of range.

    References
    ----------
    .. [1] Mebane, W. R. (2006). Election forensics: Vote counts and
       Benford's law. Summer Meeting of the Political Methodology Society
       (binomial counts as the clean benchmark).

    Examples
    --------
    >>> e = toy_election(300, rng=0)
    >>> len(e.stations), e.candidates, e.levels
    (300, ('A', 'B'), ('region', 'district'))
    >>> e.stations["region"].value_counts().sort_index().tolist()
    [100, 100, 100]
    """
    n_stations = int(n_stations)
    if n_stations < 1:
        raise ValueError(f"n_stations must be >= 1, got {n_stations}")
    for name, value in (("turnout", turnout), ("share", share)):
        if not 0.0 < float(value) < 1.0:
            raise ValueError(f"{name} must lie in (0, 1), got {value}")
    if not 1 <= int(n_regions) <= n_stations:
        raise ValueError(f"n_regions must lie in [1, n_stations], got {n_regions}")
    if int(stations_per_district) < 1:
        raise ValueError(f"stations_per_district must be >= 1, got {stations_per_district}")
    gen = np.random.default_rng(rng)
    registered = gen.integers(200, 800, n_stations)
    ballots = gen.binomial(registered, float(turnout))
    a = gen.binomial(ballots, float(share))
    region = np.arange(n_stations) * int(n_regions) // n_stations
    frame = pd.DataFrame(
        {
            "station": np.arange(n_stations),
            "region": [f"r{k + 1}" for k in region],
            "district": np.arange(n_stations) // int(stations_per_district),
            "registered": registered,
            "ballots": ballots,
            "A": a,
            "B": ballots - a,
        }
    )
    return Election.from_frame(
        frame,
        candidates=["A", "B"],
        registered="registered",
        ballots="ballots",
        station="station",
        levels=["region", "district"],
        name="toy election",
        source="forensics.simulate.toy_election",
    )
