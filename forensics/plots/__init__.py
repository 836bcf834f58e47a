"""Plots of results: each takes a result (or data) and ``ax=None``, and returns the Axes.

Files are written only with :func:`forensics.figures.savefig`.
"""

from forensics.plots.digits import digits
from forensics.plots.klimek import plot_klimek_fit, plot_shpilkin_sweep
from forensics.plots.maps import choropleth, cluster_map
from forensics.plots.polls import plot_comparison, plot_polls
from forensics.plots.power import power_curves
from forensics.plots.turnout import fingerprint, integer_histogram

__all__ = [
    "choropleth",
    "cluster_map",
    "digits",
    "fingerprint",
    "integer_histogram",
    "plot_comparison",
    "plot_klimek_fit",
    "plot_polls",
    "plot_shpilkin_sweep",
    "power_curves",
]
