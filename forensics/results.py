"""Result types shared by every test.

Each test returns a frozen dataclass deriving from :class:`TestResult`. Its
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

__all__ = ["TestResult", "as_float", "as_int"]


def as_float(x: Any) -> float:
    """Convert a number (NumPy scalar, 0-d array, int) to a plain ``float``."""
    return float(np.asarray(x, dtype=float))


def as_int(x: Any) -> int:
    """Convert an integral number to a plain ``int``."""
    return int(np.asarray(x))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


@dataclasses.dataclass(frozen=True)
class TestResult:
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

    def summary(self) -> str:
        """A stable one-line text: method, statistic, p-value, effect size, n."""
        p = self.pvalue
        ptxt = "nan" if p is None or (isinstance(p, float) and math.isnan(p)) else f"{p:.4g}"
        return (
            f"{self.method}: statistic = {self.statistic:.4f}, p = {ptxt} ({self.null} null), "
            f"{self.effect_size_name} = {self.effect_size:.4f}, n = {self.n:,} "
            f"({self.n_excluded:,} excluded)"
        )

    def __str__(self) -> str:
        return self.summary()
