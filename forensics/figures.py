"""One way to write figures: byte-reproducible SVG (or PNG) files.

Every figure the package or a notebook writes goes through :func:`savefig`,
which fixes the metadata (no creation date, no software version) and the SVG
hash salt, so the same figure drawn by the same locked matplotlib gives the
same bytes on every run.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["STYLE", "savefig", "style"]

#: rcParams applied by :func:`savefig` and by :func:`style`.
STYLE = {
    "svg.hashsalt": "forensics",
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.interpolation": "nearest",
    "path.simplify": False,
}


def style() -> mpl.rc_context:
    """A context manager applying the package's plotting style."""
    return mpl.rc_context(STYLE)


def savefig(fig: Figure, path: str | os.PathLike[str], *, close: bool = True) -> Path:
    """Write ``fig`` to ``path`` with fixed metadata, byte-reproducibly.

    The format follows the suffix (``.svg`` or ``.png``). Parent folders are
    created.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : path-like
    close : bool
        Close the figure after writing (default), so notebooks do not also
        embed it.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in ("svg", "png"):
        raise ValueError(f"savefig writes .svg or .png files, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    with mpl.rc_context(STYLE):
        fig.savefig(path, format=fmt, metadata=metadata, bbox_inches=None)
    if close:
        plt.close(fig)
    return path
