"""Figures for the Klimek et al. (2012) fit and the Shpilkin estimate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from forensics.klimek import KlimekFit
from forensics.shpilkin import ShpilkinEstimate

__all__ = ["plot_klimek_fit", "plot_shpilkin_sweep"]


def _fingerprint(ax: Axes, turnout: np.ndarray, share: np.ndarray, title: str, bins: int) -> Any:
    counts, _, _ = np.histogram2d(turnout, share, bins=bins, range=[[0, 1], [0, 1]])
    image = ax.imshow(
        np.log10(counts.T + 1),
        origin="lower",
        extent=(0, 1, 0, 1),
        aspect="equal",
        cmap="viridis",
    )
    ax.set_title(title)
    ax.set_xlabel("turnout")
    return image


def plot_klimek_fit(
    fit: KlimekFit, *, ax: Sequence[Axes] | None = None, bins: int = 100, rng: Any = 0
) -> np.ndarray:
    """Observed, fitted and fair fingerprints side by side (Klimek et al. 2012, Fig. 4).

    Parameters
    ----------
    fit : KlimekFit
        Result of :func:`forensics.klimek.fit`.
    ax : sequence of three Axes, optional
        Where to draw; default a new 1 x 3 figure.
    bins : int
        Bins per axis of the 2D histograms (colour: log10(stations + 1)).
    rng : numpy.random.Generator or int
        Seeds the two simulated elections drawn at the fitted and at the
        fair (f_i = f_e = 0) parameters.

    Returns
    -------
    numpy.ndarray of Axes

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical
       detection of systematic election irregularities. *PNAS* 109(41),
       16469-16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    A small election with incremental fraud, fitted on a coarse grid:

    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> import forensics
    >>> from forensics import plots
    >>> e = forensics.simulate_klimek(
    ...     np.full(400, 600), turnout_mean=0.6, turnout_sd=0.1,
    ...     share_mean=0.55, share_sd=0.1, f_incremental=0.3, rng=0,
    ... )
    >>> fit = forensics.fit_klimek(
    ...     e, grid={"f_incremental": [0.0, 0.3], "f_extreme": [0.0], "alpha": [2.0]},
    ...     n_realizations=1, n_gof=0, rng=0,
    ... )
    >>> axes = plots.plot_klimek_fit(fit, ax=Figure().subplots(1, 3), bins=20)
    >>> [axis.get_title().split(" (")[0] for axis in axes]
    ['observed', 'fitted', 'fair']
    """
    if ax is None:
        _, axes = plt.subplots(1, 3, figsize=(10, 3.6), sharey=True)
    else:
        axes = np.asarray(ax)
        if axes.size != 3:
            raise ValueError(f"ax must hold three Axes, got {axes.size}")
    gen = np.random.default_rng(rng)
    panels = [("observed", fit.turnout, fit.share)]
    for label, fair_only in (("fitted", False), ("fair", True)):
        sim = fit.simulate(fair_only=fair_only, rng=gen)
        panels.append((label, sim.turnout.to_numpy(), sim.share().to_numpy()))
    titles = {
        "observed": "observed",
        "fitted": f"fitted (f_i={fit.f_incremental:.2f}, f_e={fit.f_extreme:.3f})",
        "fair": "fair (f_i = f_e = 0)",
    }
    for axis, (label, t, s) in zip(axes.ravel(), panels, strict=True):
        ok = np.isfinite(t) & np.isfinite(s)
        _fingerprint(axis, t[ok], s[ok], titles[label], bins)
    axes.ravel()[0].set_ylabel(f"{fit.candidate} share of valid votes")
    return axes


def plot_shpilkin_sweep(estimate: ShpilkinEstimate, *, ax: Axes | None = None) -> Axes:
    """The Shpilkin estimate as a function of the reference turnout window's centre.

    One point per centre of the sweep in ``estimate.sweep``; the dashed line
    marks the reference window the estimate used. A flat curve says the
    estimate does not hinge on the choice of window.

    Parameters
    ----------
    estimate : ShpilkinEstimate
        From :func:`forensics.shpilkin`.
    ax : matplotlib.axes.Axes, optional
        Drawn into; default a new figure's Axes.

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    .. [1] Shpilkin, S. (2009). Statistical investigation of the results of
       Russian elections in 2007-2009 (in Russian). *Troitsky Variant* 21(40),
       2-4.
    .. [2] Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer
       percentages as electoral falsification fingerprints. *Annals of Applied
       Statistics* 10(1), 54-73. doi:10.1214/16-AOAS904

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import forensics
    >>> from forensics import plots
    >>> e = forensics.toy_election(400, rng=0)
    >>> ax = plots.plot_shpilkin_sweep(forensics.shpilkin(e), ax=Figure().subplots())
    >>> ax.get_ylabel()
    'excess votes for A (millions)'
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    sw = estimate.sweep
    ax.plot(sw["centre"], sw["excess_votes"] / 1e6, marker="o", ms=3)
    ax.axvline(
        0.5 * (estimate.reference_low + estimate.reference_high), color="0.4", ls="--", lw=1
    )
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel("centre of the reference turnout window")
    ax.set_ylabel(f"excess votes for {estimate.candidate} (millions)")
    return ax
