"""Checks and summaries shared by the fraud-model estimators.

:mod:`forensics.klimek`, :mod:`forensics.mixture` and
:mod:`forensics.shpilkin` take an election and a candidate, count the
stations they can use, resample, and report percentile intervals; the
common steps live here so that they check and word things alike.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from forensics.election import DataError, Election
from forensics.results import as_float


def check_confidence_level(confidence_level: float) -> None:
    """Reject a confidence level outside (0, 1)."""
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must lie in (0, 1), got {confidence_level}")


def check_resampling(n_resamples: int, confidence_level: float) -> None:
    """Reject a negative number of resamples or a level outside (0, 1)."""
    if n_resamples < 0:
        raise ValueError(f"n_resamples must be >= 0, got {n_resamples}")
    check_confidence_level(confidence_level)


def station_counts(election: Election, candidate: str) -> tuple[np.ndarray, ...]:
    """Registered voters, ballots, valid votes, the candidate's votes and turnout per station.

    Turnout is ``ballots / registered``: NaN or infinite where registered
    voters are missing or zero.
    """
    registered = election.counts("registered")
    ballots = election.counts("ballots")
    valid = election.counts("valid")
    votes = election.counts(candidate)
    with np.errstate(invalid="ignore", divide="ignore"):
        turnout = ballots / registered
    return registered, ballots, valid, votes, turnout


def require_sized_stations(keep: np.ndarray, min_registered: int) -> None:
    """Raise when fewer than 10 stations pass the size rule of a fraud model."""
    if keep.sum() < 10:
        raise DataError(
            f"only {int(keep.sum())} stations have registered >= {min_registered} and valid "
            "votes; the model needs station sizes"
        )


def percentile_interval(values: Any, confidence_level: float) -> tuple[float, float]:
    """Equal-tailed percentile interval of resampled values; NaN when there are none.

    Non-finite replicates (a resample where the estimate is undefined) are
    left out.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (math.nan, math.nan)
    q = np.quantile(v, [(1 - confidence_level) / 2, (1 + confidence_level) / 2])
    return (as_float(q[0]), as_float(q[1]))


def smoothed_histogram(
    values: np.ndarray, bins: int, *, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Histogram on [0, 1] smoothed by a Gaussian of SD 2 bins, and the bin centres."""
    counts, edges = np.histogram(values, bins=bins, range=(0.0, 1.0), weights=weights)
    kernel = np.exp(-0.5 * (np.arange(-6, 7) / 2.0) ** 2)
    smooth = np.convolve(counts, kernel / kernel.sum(), mode="same")
    return smooth, 0.5 * (edges[:-1] + edges[1:])
