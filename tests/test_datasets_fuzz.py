"""Real loaders fed corrupted copies of real files: rows are named or set aside, never lost.

The loaders are called directly on corrupted excerpts (the registry would
rightly refuse them on their checksum).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forensics import DataError, datasets

N_ROWS = 60  # excerpt size: the first N_ROWS data lines of each file


@pytest.fixture(scope="module")
def excerpts(tmp_path_factory):
    mirror = os.environ.get("FORENSICS_DATA_DIR")
    if not mirror:
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")
    out = {}
    for name in ("venezuela-2024-v1", "venezuela-2024"):
        for remote in datasets.get(name).files:
            raw = (Path(mirror) / remote.path).read_bytes()
            out[remote.path] = b"\n".join(raw.split(b"\n")[: N_ROWS + 1]) + b"\n"
    return out


CORRUPT = st.sampled_from([b"", b"abc", b"-7", b"3.5", b"1e9x"])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    hits=st.lists(st.tuples(st.integers(1, N_ROWS), st.integers(9, 19), CORRUPT), max_size=5),
    name=st.sampled_from(["venezuela-2024-v1", "venezuela-2024"]),
)
def test_loader_names_or_sets_aside_corrupted_rows(excerpts, tmp_path, hits, name):
    dataset = datasets.get(name)
    main = next(f for f in dataset.files if ("V2" in f.path) == (name == "venezuela-2024"))
    lines = excerpts[main.path].split(b"\n")
    corrupted_lines = set()
    for line_no, field, value in hits:
        # columns 9.. are the counts (RE or VOTOS_VALIDOS onwards); the URL is last
        cells = lines[line_no].split(b",")
        if field >= len(cells) - 1:
            continue
        cells[field] = value
        lines[line_no] = b",".join(cells)
        corrupted_lines.add(line_no + 1)  # file line numbers start at 1 with the header
    paths = {}
    for remote in dataset.files:
        p = tmp_path / Path(remote.path).name
        p.write_bytes(b"\n".join(lines) if remote is main else excerpts[remote.path])
        paths[remote.path] = p
    e = dataset.loader(paths, on_invalid="set_aside")
    assert len(e) + len(e.set_aside) == N_ROWS
    assert set(e.set_aside["line"]) == corrupted_lines
    if corrupted_lines:
        with pytest.raises(DataError) as info:
            dataset.loader(paths, on_invalid="raise")
        assert set(info.value.problems["line"]) == corrupted_lines
