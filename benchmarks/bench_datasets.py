"""Loading each registered dataset from the local mirror (FORENSICS_DATA_DIR).

Target: under 3 s per dataset, under 1 GB for the largest.
"""

from __future__ import annotations

import os
from functools import partial

from forensics import datasets

CASES = []
if os.environ.get("FORENSICS_DATA_DIR"):
    CASES = [(name, partial(datasets.load, name)) for name in datasets.available()]
