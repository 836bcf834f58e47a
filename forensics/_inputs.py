"""Input checks and small pieces shared by the station-level tests.

The integer-percentage, small-station, coarse-share and turnout tests all
start from one election and one candidate, and the resampling tests end on
the same one-sided p-value; these helpers do both in one place.
"""

from __future__ import annotations

import numpy as np

from forensics.election import Election

__all__ = ["counts_with_ballots", "election_candidate", "resampled_pvalue"]


def election_candidate(election: Election, candidate: str | None) -> str:
    """The candidate to test: ``candidate``, or the election's leader by default.

    Raises ``TypeError`` when ``election`` is not an :class:`Election` and
    :class:`~forensics.election.UnknownNameError` naming the candidates when ``candidate`` is not one.
    """
    if not isinstance(election, Election):
        raise TypeError(f"election must be a forensics.Election, got {type(election).__name__}")
    return election._check_candidate(candidate)


def counts_with_ballots(
    election: Election, candidate: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Registered, ballots and candidate votes per station, and the usable mask.

    A station is usable when the three counts are known, registered > 0 and
    ballots > 0.
    """
    reg = election.counts("registered")
    bal = election.counts("ballots")
    votes = election.counts(candidate)
    usable = np.isfinite(reg) & np.isfinite(bal) & np.isfinite(votes) & (reg > 0) & (bal > 0)
    return reg, bal, votes, usable


def resampled_pvalue(null: np.ndarray, observed: float) -> float:
    """One-sided resampling p-value ``(1 + #{null >= observed}) / (1 + B)``.

    ``null`` holds the ``B`` resampled statistics; ties within 1e-12 of
    ``observed`` count as at least as extreme.
    """
    null = np.asarray(null)
    return (1 + int((null >= observed - 1e-12).sum())) / (1 + null.size)
