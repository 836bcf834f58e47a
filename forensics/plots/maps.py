"""Choropleth maps of state-level values, coverage and test outcomes.

Files are written only through :func:`forensics.figures.savefig`, which makes
them byte-reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize, to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, PercentFormatter

from forensics.maps import LocalClusterResult, StateBoundaries, join_states

__all__ = ["choropleth", "cluster_map"]

Kind = Literal["share", "margin", "coverage", "pvalue", "value"]

#: Face and hatch of units without data.
NO_DATA = {"facecolor": "#d9d9d9", "hatch": "////", "edgecolor": "#8c8c8c"}

#: Bin edges of the p-value scale.
PVALUE_BINS = (0.0, 0.001, 0.01, 0.05, 0.1, 1.0)

_KINDS = {
    # kind: (default colormap, default label, value range allowed)
    "share": ("viridis", "share of votes (%)", (0.0, 1.0)),
    # coverage against a proxy reference can exceed 100 % (forensics.coverage)
    "coverage": ("cividis", "coverage (% of tables)", (0.0, 2.0)),
    "margin": ("RdBu", "margin (percentage points)", (-1.0, 1.0)),
    "pvalue": ("magma", "p-value", (0.0, 1.0)),
    "value": ("viridis", "value", (-np.inf, np.inf)),
}


def _unit_path(rings) -> Path:
    verts, codes = [], []
    for ring in rings:
        verts.append(ring)
        c = np.full(len(ring), Path.LINETO, dtype=Path.code_type)
        c[0] = Path.MOVETO
        c[-1] = Path.CLOSEPOLY
        codes.append(c)
    return Path(np.concatenate(verts), np.concatenate(codes))


def _frame(ax: Axes, boundaries: StateBoundaries) -> None:
    xmin, ymin, xmax, ymax = boundaries.bbox
    padx, pady = 0.02 * (xmax - xmin), 0.02 * (ymax - ymin)
    ax.set_xlim(xmin - padx, xmax + padx)
    ax.set_ylim(ymin - pady, ymax + pady)
    # equal distances on the ground at the map's mean latitude
    ax.set_aspect(1.0 / np.cos(np.deg2rad(0.5 * (ymin + ymax))))
    ax.set_axis_off()


def _draw_units(ax, boundaries, mask, **style) -> None:
    patches = [
        PathPatch(_unit_path(boundaries.simplified[i])) for i in range(len(boundaries)) if mask[i]
    ]
    if patches:
        ax.add_collection(PatchCollection(patches, **style))


def _norm_and_cmap(kind: str, x: np.ndarray, cmap, vmin, vmax):
    default_cmap, _, (lo, hi) = _KINDS[kind]
    finite = x[np.isfinite(x)]
    if finite.size and (finite.min() < lo or finite.max() > hi):
        raise ValueError(
            f"kind={kind!r} expects values in [{lo:g}, {hi:g}] (fractions, not percentages); "
            f"got values from {finite.min():g} to {finite.max():g}"
        )
    cm = colormaps[cmap or default_cmap]
    if kind == "pvalue":
        n_bins = len(PVALUE_BINS) - 1
        colours = cm(np.linspace(0.15, 0.95, n_bins))
        return BoundaryNorm(PVALUE_BINS, n_bins), ListedColormap(colours)
    if kind == "margin":
        bound = np.max(np.abs(finite)) if finite.size else 1.0
        vmin = -bound if vmin is None else vmin
        vmax = bound if vmax is None else vmax
    else:
        vmin = (finite.min() if finite.size else 0.0) if vmin is None else vmin
        vmax = (finite.max() if finite.size else 1.0) if vmax is None else vmax
    if vmin == vmax:
        vmin, vmax = vmin - 0.5 * abs(vmin or 1.0), vmax + 0.5 * abs(vmax or 1.0)
    return Normalize(vmin=vmin, vmax=vmax), cm


def _formatter(kind: str):
    if kind in ("share", "coverage"):
        return PercentFormatter(xmax=1.0, decimals=0)
    if kind == "margin":
        return FuncFormatter(lambda v, _pos: f"{100 * v:+.0f}")
    return None


def _format_value(kind: str, v: float) -> str:
    if kind in ("share", "coverage"):
        return f"{100 * v:.1f}%"
    if kind == "margin":
        return f"{100 * v:+.1f} pp"
    if kind == "pvalue":
        return f"p = {v:.3g}"
    return f"{v:.4g}"


def choropleth(
    values_by_state: Mapping[str, float] | pd.Series,
    *,
    boundaries: StateBoundaries,
    ax: Axes | None = None,
    kind: Kind = "share",
    cmap: str | None = None,
    label: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    title: str | None = None,
    colorbar: bool = True,
) -> Axes:
    """Colour each state by a value, with a legend and units.

    Parameters
    ----------
    values_by_state : mapping or pandas.Series
        A number per state keyed by name, in any spelling the
        :class:`~forensics.maps.StateNames` of ``boundaries`` fold. Names
        that match no state raise :class:`forensics.DataError`; off-map
        units (e.g. voting abroad) are listed with their values in the
        legend.
    boundaries : StateBoundaries
        The map (e.g. from a boundaries dataset of
        :mod:`forensics.datasets`); its ``naming`` folds the names.
    ax : matplotlib.axes.Axes, optional
    kind : {"share", "margin", "coverage", "pvalue", "value"}
        Sets the colours, the range check and the units:

        * ``"share"``: fractions in [0, 1], shown in %, sequential colours
          (viridis);
        * ``"coverage"``: fractions of a reference count, shown in %,
          sequential colours (cividis). Values up to 2 are accepted, since a
          proxy reference (another election's table counts, rescaled) can
          undercount; when the colour range passes 100 %, the colour bar
          marks 100 % with a line;
        * ``"margin"``: a difference of shares in [-1, 1], shown in
          percentage points, diverging colours centred on 0 (red-blue);
        * ``"pvalue"``: binned at 0.001, 0.01, 0.05, 0.1 (darker = smaller);
        * ``"value"``: anything, linear scale; give ``label`` with units.
    cmap : str, optional
        A matplotlib colormap name replacing the kind's default.
    label : str, optional
        Colour-bar label (the kind's default names the units).
    vmin, vmax : float, optional
        Colour range (default: the data's range; symmetric for margins).
    title : str, optional
    colorbar : bool
        Draw the colour bar (default True).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    States without a value (e.g. territories without voters of their own)
    are drawn light grey with hatching and listed as
    "no data" in the legend: never left blank, never coloured as a value.

    References
    ----------
    .. [1] Harrower, M. & Brewer, C. A. (2003). ColorBrewer.org: an online tool
       for selecting colour schemes for maps. *The Cartographic Journal*
       40(1), 27-37. doi:10.1179/000870403235002042

    Examples
    --------
    >>> from forensics.maps import StateBoundaries
    >>> boundaries = StateBoundaries.squares(["West", "Centre", "East"])
    >>> ax = choropleth({"West": 0.42, "centre": 0.55}, boundaries=boundaries, title="Share")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]  # East has no value
    ['no data (1)']
    >>> plt.close(ax.figure)
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {sorted(_KINDS)}, got {kind!r}")
    join = join_states(values_by_state, boundaries.names, boundaries.naming)
    x = join.values.to_numpy()
    norm, cm = _norm_and_cmap(kind, x, cmap, vmin, vmax)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 5.0))
    has = np.isfinite(x)
    patches = [PathPatch(_unit_path(boundaries.simplified[i])) for i in np.flatnonzero(has)]
    if patches:
        ax.add_collection(
            PatchCollection(
                patches,
                facecolors=cm(norm(x[has])),
                edgecolors="white",
                linewidths=0.4,
            )
        )
    _draw_units(ax, boundaries, ~has, linewidths=0.4, **NO_DATA)
    _frame(ax, boundaries)
    handles: list = []
    labels: list[str] = []
    if (~has).any():
        handles.append(Patch(**NO_DATA, linewidth=0.4))
        labels.append(f"no data ({(~has).sum()})")
    for name, value in join.off_map.items():
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(f"not mapped: {name}, {_format_value(kind, value)}")
    if handles:
        ax.legend(handles, labels, loc="lower left", frameon=False, fontsize="small")
    if colorbar:
        sm = ScalarMappable(norm=norm, cmap=cm)
        cb = ax.figure.colorbar(
            sm, ax=ax, shrink=0.7, format=_formatter(kind), label=label or _KINDS[kind][1]
        )
        if kind == "coverage" and norm.vmin < 1.0 < norm.vmax:
            cb.ax.axhline(1.0, color="black", linewidth=0.8)
        if kind == "pvalue":
            cb.set_ticks(PVALUE_BINS)
            cb.set_ticklabels([f"{b:g}" for b in PVALUE_BINS])
    if title:
        ax.set_title(title)
    return ax


_CLUSTER_COLOURS = {
    "high-high": "#b2182b",
    "low-low": "#2166ac",
    "high-low": "#f4a582",
    "low-high": "#92c5de",
    "hot": "#b2182b",
    "cold": "#2166ac",
}


def cluster_map(
    result: LocalClusterResult,
    *,
    boundaries: StateBoundaries,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Map the units a local clustering test flags.

    Units whose Benjamini–Hochberg adjusted p-value is at most the result's
    ``alpha`` are coloured by cluster type (high-high / hot red, low-low /
    cold blue, outliers in lighter shades); other analysed units are white;
    units the test set aside (no value, no neighbour) are grey and hatched.

    Parameters
    ----------
    result : LocalClusterResult
        From :func:`forensics.maps.local_morans_i` or
        :func:`forensics.maps.getis_ord_gi_star`.
    boundaries : StateBoundaries
        The map the result's units belong to.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    .. [1] Anselin, L. (1995). Local indicators of spatial association - LISA.
       *Geographical Analysis* 27(2), 93-115.
       doi:10.1111/j.1538-4632.1995.tb00338.x
    .. [2] Harrower, M. & Brewer, C. A. (2003). ColorBrewer.org: an online tool
       for selecting colour schemes for maps. *The Cartographic Journal*
       40(1), 27-37. doi:10.1179/000870403235002042

    Examples
    --------
    >>> from forensics.maps import StateBoundaries
    >>> boundaries = StateBoundaries.squares(["West", "Centre", "East"])
    >>> from forensics.maps import adjacency, local_morans_i
    >>> result = local_morans_i([1.0, 2.0, 4.0], adjacency(boundaries), n_resamples=99, rng=0)
    >>> ax = cluster_map(result, boundaries=boundaries)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]  # three units: nothing flagged
    ['not significant']
    >>> plt.close(ax.figure)
    """
    table = result.table
    unit_index = {name: i for i, name in enumerate(boundaries.names)}
    unknown = [u for u in table["unit"] if u not in unit_index]
    if unknown:
        raise ValueError(f"units not on the map: {unknown}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 5.0))
    analysed = np.zeros(len(boundaries), dtype=bool)
    colours = np.tile(np.array([1.0, 1.0, 1.0, 1.0]), (len(boundaries), 1))
    used: dict[str, str] = {}
    for unit, cluster, sig in zip(
        table["unit"], table["cluster"], table["significant"], strict=True
    ):
        i = unit_index[unit]
        analysed[i] = True
        if sig:
            colours[i] = to_rgba(_CLUSTER_COLOURS[cluster])
            used[cluster] = _CLUSTER_COLOURS[cluster]
    idx = np.flatnonzero(analysed)
    ax.add_collection(
        PatchCollection(
            [PathPatch(_unit_path(boundaries.simplified[i])) for i in idx],
            facecolors=colours[idx],
            edgecolors="#555555",
            linewidths=0.4,
        )
    )
    _draw_units(ax, boundaries, ~analysed, linewidths=0.4, **NO_DATA)
    _frame(ax, boundaries)
    handles = [Patch(facecolor=c, edgecolor="#555555") for c in used.values()]
    labels = [f"{name} (BH p ≤ {result.alpha:g})" for name in used]
    handles.append(Patch(facecolor="white", edgecolor="#555555"))
    labels.append("not significant")
    if (~analysed).any():
        handles.append(Patch(**NO_DATA))
        labels.append("set aside (no value or no neighbour)")
    for name in result.excluded["unit"]:
        if name not in unit_index:
            handles.append(Line2D([], [], linestyle="none"))
            labels.append(f"not mapped: {name}")
    ax.legend(handles, labels, loc="lower left", frameon=False, fontsize="small")
    ax.set_title(title or result.method)
    return ax
