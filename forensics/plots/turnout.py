"""Plots of turnout against share: the fingerprint and the integer-percentage histogram."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm

from forensics.spikes import IntegerPercentageResult
from forensics.turnout import Fingerprint

__all__ = ["fingerprint", "integer_histogram"]


def fingerprint(result: Fingerprint, *, ax: Axes | None = None, threshold: float = 0.95) -> Axes:
    """Draw an election fingerprint (turnout on x, share on y) on a log colour scale.

    A logarithmic colour scale keeps sparse cells visible, so the "comet" tail
    towards (100 %, 100 %) and the corner pile-up show next to the dense
    main blob. The corner above ``threshold`` is outlined and annotated with
    :meth:`Fingerprint.corner_mass`.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.2))
    counts = result.counts.T  # rows = share, columns = turnout
    positive = counts[counts > 0]
    vmin = positive.min() if positive.size else 1.0
    vmax = positive.max() if positive.size else 1.0
    masked = np.ma.masked_less_equal(counts, 0)
    pct = 100.0 * result.edges
    mesh = ax.pcolormesh(
        pct,
        pct,
        masked,
        cmap="viridis",
        norm=LogNorm(vmin=vmin, vmax=max(vmax, vmin * 1.01)),
        rasterized=True,  # an image, not 10^4 SVG paths
    )
    ax.figure.colorbar(mesh, ax=ax, label=result.weighted_by)
    c = result.corner_mass(threshold)
    lo = 100.0 * threshold
    ax.plot([lo, 100, 100, lo, lo], [lo, lo, 100, 100, lo], color="crimson", lw=0.8)
    ax.annotate(
        f"> {lo:g} %: {100 * c['stations']:.2f} % of stations,\n{100 * c['votes']:.2f} % of votes",
        xy=(lo, lo),
        xytext=(-4, -4),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=7,
        color="crimson",
    )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("turnout (%)")
    ax.set_ylabel(f"{result.candidate} share (%)")
    ax.set_title(f"{result.name} fingerprint ({result.n:,} stations)".strip())
    return ax


def integer_histogram(
    result: IntegerPercentageResult,
    *,
    quantity: str = "turnout",
    ax: Axes | None = None,
    z: float = 3.0,
) -> Axes:
    """Histogram of station turnout or share in 0.1 pp bins, with the integer null band.

    Bins are centred on multiples of 0.1 pp, so each integer has its own
    bin: exactly the window of :func:`forensics.integer_percentage_test` at
    its default ``window=0.05``. At each integer the null mean ± ``z`` SD of
    the number of stations in that bin (exact, from the test) is drawn as a
    band; observed spikes above it are marked.
    """
    if quantity not in ("turnout", "share"):
        raise ValueError(f"quantity must be 'turnout' or 'share', got {quantity!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    x = result.turnout_pct if quantity == "turnout" else result.share_pct
    mean = (
        result.expected_turnout_by_integer
        if quantity == "turnout"
        else result.expected_share_by_integer
    )
    var = result.var_turnout_by_integer if quantity == "turnout" else result.var_share_by_integer
    edges = np.arange(-0.05, 100.1, 0.1)
    hist, _ = np.histogram(x, bins=edges)
    ax.stairs(hist, edges, color="0.3", lw=0.6, label="stations per 0.1 pp bin")
    j = np.arange(101)
    sd = np.sqrt(var)
    ax.vlines(j, mean - z * sd, mean + z * sd, color="tab:orange", lw=2.5, alpha=0.7)
    ax.plot(j, mean, "_", color="tab:orange", ms=6, label=f"null mean ± {z:g} SD at integers")
    centre = np.round(x)
    observed = np.bincount(
        centre[np.abs(x - centre) <= result.window + 1e-9].astype(int), minlength=101
    )[:101]
    high = observed > mean + z * sd
    ax.plot(j[high], observed[high], "v", color="crimson", ms=3, label="above the band")
    ax.set_xlim(max(0.0, np.nanmin(x) - 1), min(100.0, np.nanmax(x) + 1))
    ax.set_xlabel(f"{quantity} (%)" if quantity == "turnout" else f"{result.candidate} share (%)")
    ax.set_ylabel("stations")
    ax.legend(fontsize=7, frameon=False)
    return ax
