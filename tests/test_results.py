"""The result base classes: plain scalars, the scalar table and the one-line text."""

from __future__ import annotations

import dataclasses

import numpy as np

from forensics.results import EstimateResult, TestResult


@dataclasses.dataclass(frozen=True)
class _Test(TestResult):
    table: np.ndarray


def _test_result() -> _Test:
    return _Test(
        statistic=np.float64(2.5),
        pvalue=np.float32(0.25),
        n=np.int64(40),
        n_excluded=3,
        effect_size=0.125,
        effect_size_name="w",
        method="demo test",
        null="uniform",
        reference="-",
        table=np.arange(3),
    )


def _estimate_result() -> EstimateResult:
    return EstimateResult(
        estimate=np.float64(0.12),
        ci_low=0.08,
        ci_high=0.16,
        confidence_level=0.9,
        estimate_name="share",
        n=np.int32(100),
        n_excluded=np.int64(2),
        method="demo",
        reference="-",
    )


def test_numpy_scalars_become_python_numbers():
    t, e = _test_result(), _estimate_result()
    assert [type(v) for v in (t.statistic, t.pvalue, t.n)] == [float, float, int]
    assert [type(v) for v in (e.estimate, e.n, e.n_excluded)] == [float, int, int]
    assert (t.pvalue, t.n, e.n, e.n_excluded) == (0.25, 40, 100, 2)
    assert isinstance(t.table, np.ndarray)  # arrays are kept as they are


def test_scalars_and_frame_leave_out_arrays_in_field_order():
    t = _test_result()
    assert list(t.scalars()) == [f.name for f in dataclasses.fields(TestResult)]
    row = t.to_frame()
    assert row.shape == (1, 9)
    assert row.loc[0, "statistic"] == 2.5
    e = _estimate_result()
    assert e.scalars()["confidence_level"] == 0.9
    assert list(e.to_frame().columns) == [f.name for f in dataclasses.fields(EstimateResult)]


def test_str_is_the_summary():
    t, e = _test_result(), _estimate_result()
    assert (
        str(t)
        == t.summary()
        == (
            "demo test: statistic = 2.5000, p = 0.25 (uniform null), w = 0.1250, n = 40 (3 excluded)"
        )
    )
    assert str(e) == "demo: share = 0.1200 [0.0800, 0.1600] (90% interval), n = 100 (2 excluded)"
