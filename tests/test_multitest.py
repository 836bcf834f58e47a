"""Benjamini–Hochberg and Holm: hand values, the textbook definitions, NaN handling."""

from __future__ import annotations

import numpy as np
import pytest

from forensics.election import DataError
from forensics.multitest import adjust_pvalues, benjamini_hochberg, holm


def _bh_by_definition(p: np.ndarray) -> np.ndarray:
    """min(1, min_{j >= i} m p_(j) / j), written out with loops."""
    m = len(p)
    order = np.argsort(p, kind="stable")
    out = np.empty(m)
    for rank, idx in enumerate(order, start=1):
        out[idx] = min(1.0, min(m * p[order[j - 1]] / j for j in range(rank, m + 1)))
    return out


def _holm_by_definition(p: np.ndarray) -> np.ndarray:
    """min(1, max_{j <= i} (m - j + 1) p_(j)), written out with loops."""
    m = len(p)
    order = np.argsort(p, kind="stable")
    out = np.empty(m)
    for rank, idx in enumerate(order, start=1):
        out[idx] = min(1.0, max((m - j + 1) * p[order[j - 1]] for j in range(1, rank + 1)))
    return out


def test_hand_values_with_nan_outside_the_family():
    # Finite p: 0.01, 0.04, 0.03, 0.005 (m = 4; the NaN is not a test).
    # Sorted 0.005, 0.01, 0.03, 0.04.
    # BH: 4p/rank = 0.02, 0.02, 0.04, 0.04; running minimum from the top keeps them.
    # Holm: (4, 3, 2, 1) * p = 0.02, 0.03, 0.06, 0.04; running maximum -> 0.02, 0.03, 0.06, 0.06.
    p = [0.01, 0.04, np.nan, 0.03, 0.005]
    np.testing.assert_allclose(benjamini_hochberg(p), [0.02, 0.04, np.nan, 0.04, 0.02])
    np.testing.assert_allclose(holm(p), [0.03, 0.06, np.nan, 0.06, 0.02])
    # with m = 5 (the NaN counted as a test) BH would give 0.025 for the smallest
    assert benjamini_hochberg(p)[4] == pytest.approx(0.02)


def test_equal_to_the_definitions_on_random_families():
    rng = np.random.default_rng(2024)
    for m in (1, 2, 7, 40):
        # a mix of small and uniform p-values, ties and a few NaN
        p = np.where(rng.random(m) < 0.3, rng.random(m) * 1e-3, rng.random(m))
        p[rng.random(m) < 0.1] = 0.5
        nan = rng.random(m) < 0.15
        p[nan] = np.nan
        ok = ~nan
        bh, hm = benjamini_hochberg(p), holm(p)
        np.testing.assert_array_equal(np.isnan(bh), nan)
        np.testing.assert_array_equal(np.isnan(hm), nan)
        if ok.any():
            np.testing.assert_allclose(bh[ok], _bh_by_definition(p[ok]), rtol=1e-13)
            np.testing.assert_allclose(hm[ok], _holm_by_definition(p[ok]), rtol=1e-13)
            assert (hm[ok] >= bh[ok] - 1e-15).all()


def test_empty_and_all_nan():
    assert benjamini_hochberg([]).shape == (0,)
    assert np.isnan(holm([np.nan, np.nan])).all()
    assert np.isnan(adjust_pvalues([np.nan], "bh")).all()


def test_bad_input_is_refused():
    with pytest.raises(DataError, match=r"\[0, 1\]; not at position\(s\) \[1\]: \[1.5\]"):
        benjamini_hochberg([0.2, 1.5])
    # an infinite p-value is an error upstream, not a test left out
    with pytest.raises(DataError, match=r"position\(s\) \[0, 2\]: \[inf, -0.1\]"):
        holm([np.inf, np.nan, -0.1])
    # the method is checked before the p-values
    with pytest.raises(ValueError, match="unknown method 'bonferroni'"):
        adjust_pvalues([2.0], "bonferroni")
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.04, 0.03], "holm"), [0.03, 0.06, 0.06])
    with pytest.raises(ValueError, match="one-dimensional"):
        holm([[0.1, 0.2]])
    with pytest.raises(ValueError, match="unknown method"):
        adjust_pvalues([0.1], "bonferroni")
