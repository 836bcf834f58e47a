"""Multiple-testing corrections: Benjamini–Hochberg and Holm.

Thin wrappers over :func:`scipy.stats.false_discovery_control` and
:func:`statsmodels.stats.multitest.multipletests` that validate the input and
leave NaN p-values out of the family (they stay NaN in the output).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from forensics.election import DataError

__all__ = ["adjust_pvalues", "benjamini_hochberg", "holm"]

#: Docstring parts every correction shares, filled in by :func:`_family_doc`
#: where a docstring says ``{pvalues}`` (the parameter) and ``{raises}``.
_SHARED_DOC = {
    "{pvalues}": """pvalues : array_like, one-dimensional
        P-values in [0, 1]; NaN entries (a test not run) are passed
        through as NaN and do not count as tests.""",
    "{raises}": """Raises
    ------
    DataError
        If a p-value is infinite or outside [0, 1] (naming its positions).
    ValueError
        If ``pvalues`` is not one-dimensional.""",
}


def _family_doc(func: Callable) -> Callable:
    for key, text in _SHARED_DOC.items():
        if func.__doc__:  # None under python -OO
            func.__doc__ = func.__doc__.replace(key, text)
    return func


def _prepare(pvalues: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1:
        raise ValueError("pvalues must be one-dimensional")
    bad = np.isinf(p) | (p < 0) | (p > 1)
    if bad.any():
        where = np.flatnonzero(bad)
        raise DataError(
            f"p-values must lie in [0, 1]; not at position(s) {where[:10].tolist()}: "
            f"{p[where[:10]].tolist()}"
        )
    return p, ~np.isnan(p)


def _adjust(pvalues: ArrayLike, adjust: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``adjust`` applied to the finite p-values, NaN kept in place."""
    p, ok = _prepare(pvalues)
    out = np.full_like(p, np.nan)
    if ok.any():
        out[ok] = adjust(p[ok])
    return out


@_family_doc
def benjamini_hochberg(pvalues: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate).

    Parameters
    ----------
    {pvalues}

    Returns
    -------
    numpy.ndarray
        ``min(1, min_{j >= i} m p_(j) / j)`` at the position of ``p_(i)``,
        with ``m`` the number of finite p-values, computed by
        :func:`scipy.stats.false_discovery_control` (``method="bh"``).

    {raises}

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, np.nan, 0.03, 0.005])
    array([0.02, 0.04,  nan, 0.04, 0.02])
    """
    return _adjust(pvalues, lambda p: stats.false_discovery_control(p, method="bh"))


@_family_doc
def holm(pvalues: ArrayLike) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error rate).

    Parameters
    ----------
    {pvalues}

    Returns
    -------
    numpy.ndarray
        ``min(1, max_{j <= i} (m - j + 1) p_(j))`` at the position of
        ``p_(i)``, with ``m`` the number of finite p-values, computed by
        :func:`statsmodels.stats.multitest.multipletests` (``method="holm"``).

    {raises}

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

    return _adjust(pvalues, lambda p: multipletests(p, method="holm")[1])


_METHODS = {"bh": benjamini_hochberg, "holm": holm}


@_family_doc
def adjust_pvalues(pvalues: ArrayLike, method: str = "bh") -> np.ndarray:
    """Adjusted p-values by the correction named ``method``.

    Parameters
    ----------
    {pvalues}
    method : {"bh", "holm"}
        :func:`benjamini_hochberg` (false discovery rate) or :func:`holm`
        (family-wise error rate). An unknown name raises ``ValueError``.

    Returns
    -------
    numpy.ndarray
        The adjusted p-values, NaN where the input is NaN.

    {raises}

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x
    .. [2] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. Scandinavian Journal of Statistics 6(2), 65–70.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm")
    array([0.03, 0.06, 0.06])
    """
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {sorted(_METHODS)}")
    return _METHODS[method](pvalues)
