"""Fisher-z intervals and p-values of a correlation, shared by the association tests.

The turnout-share tests (:mod:`forensics.turnout`) and the persistence of
local patterns across elections use the same interval: Fisher's
:math:`z = \\operatorname{artanh} r` with standard error
``factor / sqrt(n - 3)`` (``factor`` 1 for Pearson, 1.06 for Spearman after
Fieller, Hartley & Pearson 1957).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from forensics.results import as_float

__all__ = ["fisher_ci"]


def fisher_ci(
    r: float, n_eff: float, factor: float, confidence_level: float
) -> tuple[float, float, float]:
    """CI and two-sided p-value of a correlation via Fisher's z with SE factor/sqrt(n-3)."""
    if n_eff <= 3 or not np.isfinite(r) or abs(r) >= 1:
        return float("nan"), float("nan"), float("nan")
    z, se = np.arctanh(r), factor / np.sqrt(n_eff - 3.0)
    q = stats.norm.ppf(0.5 + confidence_level / 2.0)
    p = 2.0 * stats.norm.sf(abs(z) / se)
    return as_float(np.tanh(z - q * se)), as_float(np.tanh(z + q * se)), as_float(p)
