"""Poll series over time, with the announced and acta results marked."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from forensics.polls import Comparison

__all__ = ["plot_polls"]

_COLOURS = {"independent": "C0", "government-aligned": "C3", "unknown": "0.5"}
_MARKS = ("actas V2 (opposition)", "CNE first bulletin", "CNE second bulletin")


def plot_polls(
    polls: pd.DataFrame,
    comparison: Comparison | None = None,
    *,
    quantity: str = "margin",
    ax: Axes | None = None,
) -> Axes:
    """Plot each poll's González–Maduro margin (or a share) against its date.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`forensics.polls.load_polls` (``date``, ``date_source``,
        ``class``, ``margin``/``gonzalez_pct``/``maduro_pct``).
    comparison : Comparison, optional
        From :func:`forensics.polls.compare`: the acta V2 totals and the two
        CNE bulletins are drawn as horizontal lines.
    quantity : {"margin", "gonzalez", "maduro"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Filled markers are dated by fieldwork, hollow ones by a date found in the
    notes (usually publication); undated polls are not drawn and their number
    is given in the legend title. Possible duplicates are drawn with an x.
    """
    column = {"margin": "margin", "gonzalez": "gonzalez_pct", "maduro": "maduro_pct"}
    if quantity not in column:
        raise ValueError(f"quantity must be one of {list(column)}, got {quantity!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    df = polls[polls["date"].notna()]
    n_undated = int(polls["date"].isna().sum())
    for cls, sub in df.groupby("class", sort=True):
        colour = _COLOURS.get(cls, "0.3")
        dup = sub["possible_duplicate"].to_numpy(bool)
        fw = (sub["date_source"] == "fieldwork").to_numpy()
        y = sub[column[quantity]].to_numpy(float)
        d = sub["date"].to_numpy()
        ax.scatter(d[fw & ~dup], y[fw & ~dup], color=colour, label=cls, s=22)
        ax.scatter(d[~fw & ~dup], y[~fw & ~dup], facecolors="none", edgecolors=colour, s=22)
        ax.scatter(d[dup], y[dup], color=colour, marker="x", s=22)
    if comparison is not None:
        t = comparison.table
        for i, src in enumerate(_MARKS):
            row = t[(t["source"] == src) & (t["quantity"] == quantity)]
            if len(row):
                ax.axhline(
                    float(row["estimate"].iloc[0]),
                    color=f"C{i + 2}",
                    ls="--" if "CNE" in src else "-",
                    lw=1,
                    label=src,
                )
    ax.axhline(0, color="0.8", lw=0.5, zorder=0)
    label = "González − Maduro (points)" if quantity == "margin" else f"{quantity} (%)"
    ax.set_ylabel(label)
    ax.set_xlabel("fieldwork end (hollow: date from notes)")
    ax.legend(fontsize=7, title=f"{n_undated} undated not shown", title_fontsize=7)
    ax.set_ylim(np.nanmin([ax.get_ylim()[0], -60]), np.nanmax([ax.get_ylim()[1], 60]))
    return ax
