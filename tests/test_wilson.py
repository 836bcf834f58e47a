"""Wilson score intervals at the boundaries and on arrays, against hand values."""

from __future__ import annotations

import numpy as np
import pytest

import forensics
from forensics.power import wilson_interval

Z2 = 1.959963984540054**2  # 3.841459


def test_boundaries_are_exact():
    # k = 0 of n = 20: centre z^2 / (2 (n + z^2)) equals the half-width, so the lower
    # bound is 0 and the upper z^2 / (n + z^2) = 3.841459 / 23.841459 = 0.161125.
    lo, hi = wilson_interval(0, 20)
    assert lo == 0.0
    assert hi == pytest.approx(0.161125, abs=1e-6)
    # k = n = 20: mirror image, [n / (n + z^2), 1] = [0.838875, 1].
    lo, hi = wilson_interval(20, 20)
    assert lo == pytest.approx(0.838875, abs=1e-6)
    assert hi == 1.0


def test_arrays_broadcast_and_match_the_score_formula():
    k = np.array([0, 1, 10, 17, 100, 200])
    lo, hi = wilson_interval(k, 200)
    p = k / 200
    centre = (p + Z2 / 400) / (1 + Z2 / 200)
    half = np.sqrt(Z2) * np.sqrt(p * (1 - p) / 200 + Z2 / 160000) / (1 + Z2 / 200)
    np.testing.assert_allclose(lo, np.clip(centre - half, 0, 1), atol=1e-15)
    np.testing.assert_allclose(hi, np.clip(centre + half, 0, 1), atol=1e-15)
    assert lo[0] == 0.0
    assert hi[-1] == 1.0
    assert ((lo <= p) & (p <= hi)).all()
    # 90 %, 10/200: z = 1.644854, z^2 = 2.705543; centre (0.05 + z^2/400) / (1 + z^2/200)
    # = 0.056764 / 1.013528 = 0.056006; half-width z sqrt(0.0002375 + z^2/160000) / 1.013528
    # = 1.644854 * 0.015950 / 1.013528 = 0.025886 -> [0.030121, 0.081892]
    lo90, hi90 = wilson_interval(10, 200, confidence_level=0.90)
    assert (float(lo90), float(hi90)) == pytest.approx((0.030121, 0.081892), abs=2e-6)


def test_no_trials_gives_nan_and_fractions_are_refused():
    lo, hi = wilson_interval(np.array([0, 3]), np.array([0, 10]))
    assert np.isnan(lo[0])
    assert np.isnan(hi[0])
    assert 0 < lo[1] < 0.3 < hi[1] < 1
    with pytest.raises(ValueError, match="whole numbers"):
        wilson_interval(2.5, 10)


def test_bounds_never_miss_the_observed_rate():
    # the score bounds at k = 0 and k = n are 0 and 1 exactly, and every interval holds k/n
    for n in (1, 7, 200, 1001):
        k = np.arange(n + 1)
        lo, hi = wilson_interval(k, n)
        assert lo[0] == 0.0
        assert hi[-1] == 1.0
        assert ((lo <= k / n) & (k / n <= hi)).all()
        assert ((lo >= 0) & (hi <= 1)).all()


def test_old_level_keyword_and_bad_input():
    with pytest.warns(DeprecationWarning, match="`level` was renamed `confidence_level`"):
        lo, hi = wilson_interval(10, 200, level=0.90)
    assert (float(lo), float(hi)) == pytest.approx((0.030121, 0.081892), abs=2e-6)
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="confidence_level"):
        wilson_interval(1, 10, confidence_level=95)
    # one function, importable from power, calibration and the flat namespace
    assert forensics.wilson_interval is forensics.calibration.wilson_interval
    assert forensics.power.wilson_interval is forensics.calibration.wilson_interval
