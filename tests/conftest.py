"""Shared fixtures: the real-data mirror and synthetic templates."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def mirror() -> str:
    """The local data mirror; tests that need real data skip without it."""
    path = os.environ.get("FORENSICS_DATA_DIR")
    if not path:
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")
    return path
