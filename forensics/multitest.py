"""Multiple-testing corrections: Benjamini–Hochberg and Holm.

Thin wrappers over :func:`scipy.stats.false_discovery_control` and
:func:`statsmodels.stats.multitest.multipletests` that validate the input and
leave NaN p-values out of the family (they stay NaN in the output).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["adjust_pvalues", "benjamini_hochberg", "holm"]


def _prepare(pvalues: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1:
        raise ValueError("pvalues must be one-dimensional")
    ok = np.isfinite(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    return p, ok


def benjamini_hochberg(pvalues: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate).

    Parameters
    ----------
    pvalues : array_like, one-dimensional
        P-values in [0, 1]; NaN (or infinite) entries are passed through as
        NaN and do not count as tests.

    Returns
    -------
    numpy.ndarray
        ``min(1, min_{j >= i} m p_(j) / j)`` at the position of ``p_(i)``,
        with ``m`` the number of finite p-values, computed by
        :func:`scipy.stats.false_discovery_control` (``method="bh"``).

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, np.nan, 0.03, 0.005])
    array([0.02, 0.04,  nan, 0.04, 0.02])
    """
    p, ok = _prepare(pvalues)
    out = np.full_like(p, np.nan)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def holm(pvalues: ArrayLike) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error rate).

    Parameters
    ----------
    pvalues : array_like, one-dimensional
        P-values in [0, 1]; NaN (or infinite) entries are passed through as
        NaN and do not count as tests.

    Returns
    -------
    numpy.ndarray
        ``min(1, max_{j <= i} (m - j + 1) p_(j))`` at the position of
        ``p_(i)``, with ``m`` the number of finite p-values, computed by
        :func:`statsmodels.stats.multitest.multipletests` (``method="holm"``).

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. Scandinavian Journal of Statistics 6(2), 65–70.

    Examples
    --------
    >>> holm([0.01, 0.04, np.nan, 0.03, 0.005])
    array([0.03, 0.06,  nan, 0.06, 0.02])
    """
    from statsmodels.stats.multitest import multipletests

    p, ok = _prepare(pvalues)
    out = np.full_like(p, np.nan)
    if ok.any():
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out


def adjust_pvalues(pvalues: ArrayLike, method: str = "bh") -> np.ndarray:
    """Adjust p-values with ``method`` in {"bh", "holm"}."""
    methods = {"bh": benjamini_hochberg, "holm": holm}
    try:
        return methods[method](pvalues)
    except KeyError:
        raise ValueError(f"unknown method {method!r}; choose one of {sorted(methods)}") from None
