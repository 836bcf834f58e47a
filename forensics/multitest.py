"""Multiple-testing corrections: Benjamini–Hochberg and Holm."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

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

    NaN p-values are passed through and do not count as tests.

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x
    """
    p, ok = _prepare(pvalues)
    out = np.full_like(p, np.nan)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q)
    ranked = q[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adj = np.empty(m)
    adj[order] = np.minimum(ranked, 1.0)
    out[ok] = adj
    return out


def holm(pvalues: ArrayLike) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error rate).

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. Scandinavian Journal of Statistics 6(2), 65–70.
    """
    p, ok = _prepare(pvalues)
    out = np.full_like(p, np.nan)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q)
    ranked = q[order] * (m - np.arange(m))
    ranked = np.minimum(np.maximum.accumulate(ranked), 1.0)
    adj = np.empty(m)
    adj[order] = ranked
    out[ok] = adj
    return out


def adjust_pvalues(pvalues: ArrayLike, method: str = "bh") -> np.ndarray:
    """Adjust p-values with ``method`` in {"bh", "holm"}."""
    methods = {"bh": benjamini_hochberg, "holm": holm}
    try:
        return methods[method](pvalues)
    except KeyError:
        raise ValueError(f"unknown method {method!r}; choose one of {sorted(methods)}") from None
