"""Shpilkin's clean-peak estimate: recovery of injected stuffing and its bootstrap interval."""

from __future__ import annotations

import numpy as np
import pytest

from forensics import DataError
from forensics.klimek import simulate
from forensics.results import EstimateResult
from forensics.shpilkin import shpilkin
from tests.test_klimek import FAIR, SIZES, load_or_skip


def test_shpilkin_near_zero_on_clean_data():
    e = simulate(SIZES, **FAIR, rng=21)
    r = shpilkin(e)
    # shares independent of turnout: |excess| under 1 % of the winner's votes
    assert abs(r.excess_fraction) < 0.01
    assert r.reference_low < 0.55 < r.reference_high + 0.02
    assert len(r.sweep) == 21


def test_shpilkin_recovers_injected_stuffing():
    # alpha = 50 makes vote moving negligible (x**50), so the leader's extra
    # votes are the stuffed ballots: ballots - N a, with N a = (ballots - N x) / (1 - x).
    e = simulate(SIZES, **FAIR, f_incremental=0.3, alpha=50.0, theta=0.3, rng=22)
    st = e.stations
    n, x, b = st["registered"], st["x"], st["ballots"]
    stuffed = float((b - (b - n * x) / (1 - x)).sum())
    # Reference window at the true clean peak (0.55 +- 0.025): measured -20 % of
    # the injected 1.05 M (lightly stuffed stations sit in or below the window
    # and raise the reference share); tolerance 25 %.
    r = shpilkin(e, reference=(0.525, 0.575))
    assert r.excess_votes == pytest.approx(stuffed, rel=0.25)
    assert r.excess_votes < stuffed  # the known direction of the bias
    # The default (data-chosen) peak sits higher and loses more: within 40 %.
    assert shpilkin(e).excess_votes == pytest.approx(stuffed, rel=0.40)


def test_shpilkin_explicit_reference_and_errors():
    e = simulate(SIZES, **FAIR, rng=23)
    r = shpilkin(e, reference=(0.50, 0.55))
    assert (r.reference_low, r.reference_high) == (0.50, 0.55)
    assert r.reference_shares.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="reference"):
        shpilkin(e, reference=(0.6, 0.5))
    with pytest.raises(DataError, match="no votes"):
        shpilkin(e, reference=(0.0, 0.01))


def test_shpilkin_russia_2011_near_published(mirror):
    e = load_or_skip("russia-2011")
    r = shpilkin(e)
    # Shpilkin's published total for the 2011 Duma is about 15 million anomalous
    # votes for United Russia (METHODS.md A-6, [M]); the reference choice moves it.
    assert 10e6 < r.excess_votes < 20e6
    assert r.sweep["excess_votes"].max() > r.sweep["excess_votes"].min() * 1.2


def test_shpilkin_is_an_estimator_with_a_percentile_interval():
    e = simulate(SIZES[:3000], **FAIR, f_incremental=0.2, alpha=50.0, theta=0.3, rng=24)
    r = shpilkin(e, n_resamples=40, confidence_level=0.9, rng=1)
    assert isinstance(r, EstimateResult)
    assert not hasattr(r, "pvalue")
    assert r.estimate == r.excess_votes
    assert r.estimate_name == "excess votes for winner"
    assert (r.confidence_level, r.n_resamples, len(r.bootstrap)) == (0.9, 40, 40)
    q = np.quantile(r.bootstrap["excess_votes"], [0.05, 0.95])
    assert (r.ci_low, r.ci_high) == (q[0], q[1])
    assert r.ci_low < r.estimate < r.ci_high
    q = np.quantile(r.bootstrap["excess_fraction"], [0.05, 0.95])
    assert r.excess_fraction_ci == (q[0], q[1])
    # the window is found again in every replicate: the peak moves between replicates
    assert r.bootstrap["peak"].nunique() > 1
    assert "90% bootstrap interval over stations" in r.summary()
    # same seed, same interval; the point estimate does not depend on the bootstrap
    assert shpilkin(e, n_resamples=40, confidence_level=0.9, rng=1).ci_low == r.ci_low
    none = shpilkin(e, n_resamples=0)
    assert none.estimate == r.estimate
    assert np.isnan(none.ci_low)
    assert np.isnan(none.ci_high)
    assert none.bootstrap.empty


def test_shpilkin_fixed_reference_is_kept_in_every_replicate():
    e = simulate(SIZES[:2000], **FAIR, rng=25)
    r = shpilkin(e, reference=(0.50, 0.55), n_resamples=10, rng=2)
    assert (r.bootstrap["low"] == 0.50).all()
    assert (r.bootstrap["high"] == 0.55).all()


def test_shpilkin_bootstrap_spread_matches_the_spread_over_elections():
    # 20 clean elections of 2,000 stations with fresh station sizes: the SD of the
    # estimate over elections against the mean bootstrap SD within each (measured
    # 5,700 and 6,600 over 30 elections, ratio 1.16).
    estimates, boot_sds = [], []
    for k in range(20):
        sizes = np.random.default_rng(k).integers(300, 3000, 2000)
        e = simulate(sizes, **FAIR, rng=100 + k)
        r = shpilkin(e, n_resamples=100, rng=k)
        estimates.append(r.estimate)
        boot_sds.append(r.bootstrap["excess_votes"].std())
    ratio = np.mean(boot_sds) / np.std(estimates, ddof=1)
    assert 0.7 < ratio < 1.6


def test_shpilkin_rejects_bad_resampling_options():
    e = simulate(SIZES[:200], **FAIR, rng=26)
    with pytest.raises(ValueError, match="n_resamples"):
        shpilkin(e, n_resamples=-1)
    with pytest.raises(ValueError, match="confidence_level"):
        shpilkin(e, confidence_level=95)
    with pytest.raises(DataError, match="unknown candidate"):
        shpilkin(e, "nobody")
