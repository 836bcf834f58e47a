"""Maps: reading and simplifying the state boundaries; spatial clustering tests.

Targets: boundaries read and simplified in under 2 s; the clustering tests
(global Moran's I, local Moran's I, Getis–Ord Gi*) with 9,999 permutations in under 5 s.
"""

from __future__ import annotations

import os

import numpy as np

import forensics.cases.venezuela_2024._boundaries as _boundaries
from forensics import datasets, maps

CASES = []

if os.environ.get("FORENSICS_DATA_DIR"):
    _FILES = {f.path: datasets.fetch(f) for f in _boundaries.FILES}
    _STATES = _boundaries.load_states(_FILES)
    _ADJ = maps.adjacency(_STATES)
    _VALUES = dict(zip(_STATES.names[:24], np.random.default_rng(0).random(24), strict=True))

    def read_and_simplify():
        return _boundaries.load_states(_FILES)

    def adjacency():
        return maps.adjacency(_STATES)

    def clustering_9999():
        maps.morans_i(_VALUES, _ADJ, n_resamples=9999, rng=1)
        maps.local_morans_i(_VALUES, _ADJ, n_resamples=9999, rng=2)
        maps.getis_ord_gi_star(_VALUES, _ADJ, n_resamples=9999, rng=3)

    CASES = [
        ("boundaries: read + simplify (173,856 vertices)", read_and_simplify),
        ("boundaries: adjacency (full rings)", adjacency),
        ("clustering: global + local Moran + Gi*, 9,999 permutations", clustering_9999),
    ]
