"""Turnout-vs-share tests on Russia 2011 (95,225 stations) from FORENSICS_DATA_DIR.

Targets (issue 5): exact integer test < 2 s; Monte Carlo with 1,000
resamples < 30 s; a fingerprint < 1 s.
"""

from __future__ import annotations

import os

from forensics import datasets
from forensics.spikes import integer_percentage_test
from forensics.turnout import fingerprint, shape_tests, turnout_share_association

CASES = []
_E = {}


def setup() -> None:
    if os.environ.get("FORENSICS_DATA_DIR") and "russia-2011" in datasets.available():
        _E["e"] = datasets.load("russia-2011")


if os.environ.get("FORENSICS_DATA_DIR"):
    CASES = [
        ("fingerprint russia-2011", lambda: fingerprint(_E["e"])),
        ("integer exact russia-2011", lambda: integer_percentage_test(_E["e"])),
        (
            "integer montecarlo 1000 russia-2011",
            lambda: integer_percentage_test(_E["e"], method="montecarlo", rng=42),
        ),
        ("association russia-2011", lambda: turnout_share_association(_E["e"])),
        ("shape n_boot=1000 russia-2011", lambda: shape_tests(_E["e"], rng=0)),
    ]
