"""Result types shared by every test.

Each hypothesis test returns a frozen dataclass deriving from
:class:`TestResult`; each estimator (a quantity with an interval, no
p-value) one deriving from :class:`EstimateResult`. Their
scalar fields are plain Python ``float``/``int``/``str`` (NumPy scalar reprs
differ across versions and would break stored notebook outputs); arrays the
test used are kept as NumPy arrays or DataFrames. ``to_frame()`` gives a
one-row table of the scalar fields and ``summary()`` a stable one-line text.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from forensics._compat import renamed_attribute

__all__ = ["EstimateResult", "TestResult", "as_float", "as_int"]


def as_float(x: Any) -> float:
    """Convert a number (NumPy scalar, 0-d array, int) to a plain ``float``."""
    return float(np.asarray(x, dtype=float))


def as_int(x: Any) -> int:
    """Convert an integral number to a plain ``int``."""
    return int(np.asarray(x))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


class _Result:
    """What every result dataclass does with its fields.

    NumPy scalars are stored as plain Python numbers; ``scalars()`` and
    ``to_frame()`` list the scalar fields; ``str()`` is the ``summary()`` each
    result type defines.
    """

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.generic):
                object.__setattr__(self, f.name, value.item())

    def scalars(self) -> dict[str, Any]:
        """The scalar fields, in declaration order."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if _is_scalar(value):
                out[f.name] = value
        return out

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame of the scalar fields."""
        return pd.DataFrame([self.scalars()])

    def __str__(self) -> str:
        return self.summary()


class _FormerResamplingNames:
    """Read-only former names of ``confidence_level`` and ``n_resamples``."""

    ci_level = renamed_attribute("confidence_level", "ci_level")
    n_bootstrap = renamed_attribute("n_resamples", "n_bootstrap")


@dataclasses.dataclass(frozen=True)
class TestResult(_Result):
    """Base of every hypothesis-test result.

    Attributes
    ----------
    statistic : float
        The test statistic.
    pvalue : float
        Its p-value under the stated null (NaN when not computable).
    n : int
        Observations used.
    n_excluded : int
        Observations set aside by the test's rules (e.g. counts below a
        minimum), never silently.
    effect_size : float
        A sample-size-free measure of the departure from the null.
    effect_size_name : str
        What ``effect_size`` is.
    method : str
        The test and the variant used.
    null : str
        The null model (e.g. ``"benford"``, ``"uniform"``, ``"simulated"``).
    reference : str
        Citation of the method.
    """

    __test__ = False  # not a pytest test class

    statistic: float
    pvalue: float
    n: int
    n_excluded: int
    effect_size: float
    effect_size_name: str
    method: str
    null: str
    reference: str

    def summary(self) -> str:
        """A stable one-line text: method, statistic, p-value, effect size, n."""
        p = self.pvalue
        ptxt = "nan" if p is None or (isinstance(p, float) and math.isnan(p)) else f"{p:.4g}"
        return (
            f"{self.method}: statistic = {self.statistic:.4f}, p = {ptxt} ({self.null} null), "
            f"{self.effect_size_name} = {self.effect_size:.4f}, n = {self.n:,} "
            f"({self.n_excluded:,} excluded)"
        )


@dataclasses.dataclass(frozen=True)
class EstimateResult(_Result):
    """Base of every estimator's result: a quantity with its interval.

    An estimator answers "how much", not "is the null rejected": it carries
    no p-value.

    Attributes
    ----------
    estimate : float
        The point estimate.
    ci_low, ci_high : float
        Its interval at ``confidence_level`` (NaN when not computed, e.g.
        with ``n_resamples=0``).
    confidence_level : float
        Coverage the interval aims at.
    estimate_name : str
        What ``estimate`` is.
    n : int
        Observations used.
    n_excluded : int
        Observations set aside by the estimator's rules, never silently.
    method : str
        The estimator and the variant used.
    reference : str
        Citation of the method.

    Examples
    --------
    >>> r = EstimateResult(
    ...     estimate=0.12, ci_low=0.08, ci_high=0.16, confidence_level=0.95,
    ...     estimate_name="share", n=100, n_excluded=0, method="demo", reference="-",
    ... )
    >>> r.summary()
    'demo: share = 0.1200 [0.0800, 0.1600] (95% interval), n = 100 (0 excluded)'
    """

    estimate: float
    ci_low: float
    ci_high: float
    confidence_level: float
    estimate_name: str
    n: int
    n_excluded: int
    method: str
    reference: str

    def summary(self) -> str:
        """A stable one-line text: method, estimate, interval, n."""
        return (
            f"{self.method}: {self.estimate_name} = {self.estimate:.4f} "
            f"[{self.ci_low:.4f}, {self.ci_high:.4f}] "
            f"({self.confidence_level:.0%} interval), n = {self.n:,} "
            f"({self.n_excluded:,} excluded)"
        )
