"""Poll series over time, with the announced and acta results marked."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from forensics.polls import Comparison, quantities

__all__ = ["plot_comparison", "plot_polls"]

_COLOURS = {"independent": "C0", "government-aligned": "C3", "unknown": "0.5"}


def _margin_label(candidates: Sequence[str], names: Sequence[str] | None) -> str:
    a, b = candidates if names is None else names
    return f"{a} − {b} (points)"


def plot_polls(
    polls: pd.DataFrame,
    comparison: Comparison | None = None,
    *,
    candidates: Sequence[str],
    names: Sequence[str] | None = None,
    marks: Sequence[str] = (),
    quantity: str = "margin",
    ax: Axes | None = None,
) -> Axes:
    """Plot each poll's margin between two candidates (or a share) against its date.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`forensics.polls.read_polls` (``date``,
        ``date_source``, ``class``, ``possible_duplicate``, ``margin`` and
        ``<key>_pct`` of both candidates).
    comparison : Comparison, optional
        From :func:`forensics.polls.source_distances`: the sources named in
        ``marks`` are drawn as horizontal lines (dashed for announced
        results, kind ``"announced"``).
    candidates : sequence of two str
        The two candidates' keys; the margin is the first minus the second.
    names : sequence of two str, optional
        The candidates' names for the axis label (default: the keys).
    marks : sequence of str
        Sources of ``comparison`` drawn as lines, in this order.
    quantity : str
        ``"margin"`` or one of the two keys.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Filled markers are dated by fieldwork, hollow ones by a date found in the
    notes (usually publication); undated polls are not drawn and their number
    is given in the legend title. Possible duplicates are drawn with an x.

    References
    ----------
    .. [1] Jennings, W. & Wlezien, C. (2018). Election polling errors across
       time and space. Nature Human Behaviour 2, 276-283.
       doi:10.1038/s41562-018-0315-6 (polls read against the result).

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics.polls import count_rows, source_distances
    >>> polls = pd.DataFrame({"date": pd.to_datetime(["2024-06-01", "2024-06-20", None]),
    ...                       "date_source": ["fieldwork", "notes", "missing"],
    ...                       "class": ["independent", "government-aligned", "unknown"],
    ...                       "possible_duplicate": False, "a_pct": [55.0, 40.0, 50.0],
    ...                       "b_pct": [35.0, 50.0, 30.0]})
    >>> polls["margin"] = polls["a_pct"] - polls["b_pct"]
    >>> comp = source_distances(count_rows("count", "announced", {"a": 48, "b": 45},
    ...                                    candidates=("a", "b"), valid=100))
    >>> ax = plot_polls(polls, comp, candidates=("a", "b"), marks=["count"])
    >>> ax.get_legend().get_title().get_text(), ax.get_ylabel()
    ('1 undated not shown', 'a − b (points)')
    """
    a, b, _ = quantities(candidates)
    column = {"margin": "margin", a: f"{a}_pct", b: f"{b}_pct"}
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
        for i, src in enumerate(marks):
            row = t[(t["source"] == src) & (t["quantity"] == quantity)]
            if len(row):
                ax.axhline(
                    float(row["estimate"].iloc[0]),
                    color=f"C{i + 2}",
                    ls="--" if row["kind"].iloc[0] == "announced" else "-",
                    lw=1,
                    label=src,
                )
    ax.axhline(0, color="0.8", lw=0.5, zorder=0)
    label = _margin_label(candidates, names) if quantity == "margin" else f"{quantity} (%)"
    ax.set_ylabel(label)
    ax.set_xlabel("fieldwork end (hollow: date from notes)")
    ax.legend(fontsize=7, title=f"{n_undated} undated not shown", title_fontsize=7)
    ax.set_ylim(np.nanmin([ax.get_ylim()[0], -60]), np.nanmax([ax.get_ylim()[1], 60]))
    return ax


_KIND_COLOURS = {
    "poll average": "C0",
    "exit_poll": "C1",
    "exit_poll_or_projection": "C1",
    "quick_count_from_actas": "C4",
    "actas": "C2",
    "announced": "C3",
}


_PREFIXES = (
    ("quick_count_from_actas: ", "quick count: "),
    ("exit_poll_or_projection: ", "exit poll or projection: "),
    ("exit_poll: ", "exit poll: "),
)


def _short(source: str) -> str:
    for old, new in _PREFIXES:
        if source.startswith(old):
            return new + source[len(old) :]
    return source


def plot_comparison(
    comparison: Comparison,
    *,
    candidates: Sequence[str],
    names: Sequence[str] | None = None,
    quantity: str = "margin",
    ax: Axes | None = None,
) -> Axes:
    """Forest plot of the sources of a :class:`~forensics.polls.Comparison`.

    Parameters
    ----------
    comparison : Comparison
        From :func:`forensics.polls.source_distances`.
    candidates, names, quantity, ax
        As in :func:`plot_polls`.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    One row per source, top to bottom in the order of the table: the point
    estimate, and its interval where the source has a standard error (poll
    averages, exit polls with a stated sample). Counts (actas, bulletins)
    have no sampling interval. Sources without a value for ``quantity``
    (e.g. an exit poll whose share was published as "<14") are
    listed with no marker. Colours mark the kind of source; the kind prefixes
    of exit polls and quick counts are shortened in the labels.

    References
    ----------
    .. [1] Lewis, S. & Clarke, M. (2001). Forest plots: trying to see the
       wood and the trees. BMJ 322, 1479-1480. doi:10.1136/bmj.322.7300.1479

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics.polls import count_rows, source_distances
    >>> rows = pd.concat([count_rows(name, "announced", votes, candidates=("a", "b"),
    ...                              valid=100)
    ...                   for name, votes in [("first", {"a": 48, "b": 45}),
    ...                                       ("second", {"a": 44, "b": 50})]])
    >>> ax = plot_comparison(source_distances(rows), candidates=("a", "b"), names=("A", "B"))
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['first', 'second'], 'A − B (points)')
    """
    allowed = quantities(candidates)
    if quantity not in allowed:
        raise ValueError(f"quantity must be one of {allowed}, got {quantity!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    t = comparison.table[comparison.table["quantity"] == quantity].reset_index(drop=True)
    y = np.arange(len(t))
    seen: set[str] = set()
    for i, r in t.iterrows():
        colour = _KIND_COLOURS.get(r["kind"], "0.3")
        label = None if r["kind"] in seen else r["kind"]
        seen.add(r["kind"])
        if np.isfinite(r["lower"]) and np.isfinite(r["upper"]) and r["upper"] > r["lower"]:
            ax.plot([r["lower"], r["upper"]], [i, i], color=colour, lw=1.5)
        if np.isfinite(r["estimate"]):
            ax.plot(r["estimate"], i, "o", color=colour, ms=4, label=label)
    labels = [_short(s) for s in t["source"]]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    if quantity == "margin":
        ax.axvline(0, color="0.8", lw=0.5, zorder=0)
        ax.set_xlabel(_margin_label(candidates, names))
    else:
        ax.set_xlabel(f"{quantity} (%)")
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax
