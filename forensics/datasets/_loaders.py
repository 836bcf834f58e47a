"""What the per-dataset readers share: docstring sections, zip members, set-aside reasons."""

from __future__ import annotations

import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from forensics.election import DataError, Election

__all__: list[str] = []

#: The Parameters and Returns sections of every station-level loader: a
#: loader's docstring holds ``{loader_sections}`` where they go.
_LOADER_SECTIONS = """\
Parameters
----------
paths : dict
    Registry path -> local file (from :func:`forensics.datasets.fetch`).
on_invalid : {"set_aside", "raise"}
    What to do with rows that fail validation (see
    :meth:`forensics.Election.from_frame`); set-aside rows are kept in
    ``Election.set_aside`` with their reason.

Returns
-------
Election
    The validated stations, with the rows set aside and their reasons."""


def loader_doc(func: Callable[..., Election]) -> Callable[..., Election]:
    """Write the shared Parameters and Returns sections into a loader's docstring."""
    doc = func.__doc__ or ""
    line = next((ln for ln in doc.splitlines() if "{loader_sections}" in ln), None)
    if line is None:
        raise ValueError(f"{func.__name__}: the docstring has no {{loader_sections}} line")
    indent = line[: len(line) - len(line.lstrip())]
    sections = textwrap.indent(_LOADER_SECTIONS, indent).lstrip()
    func.__doc__ = doc.replace("{loader_sections}", sections)
    return func


def bound_loader(
    load: Callable[..., Election], key: object, name: str, summary: str
) -> Callable[..., Election]:
    """The loader of one dataset of a family read by ``load(key, paths, on_invalid=...)``."""

    def loader(paths: dict[str, Path], *, on_invalid: str = "set_aside") -> Election:
        return load(key, paths, on_invalid=on_invalid)

    loader.__name__ = loader.__qualname__ = name
    loader.__doc__ = f"{summary}\n\n{{loader_sections}}\n"
    return loader_doc(loader)


def read_zip_member(path: str | Path, member: str | None = None) -> bytes:
    """The bytes of ``member`` of a zip archive, or of its only member when not named."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        if member is None:
            if len(names) != 1:
                raise DataError(
                    f"{Path(path).name}: expected one member in the zip, found {names}"
                )
            (member,) = names
        return zf.read(member)


def relabel(election: Election, mask_of_set_aside: np.ndarray, reason: str) -> Election:
    """Replace the generic validation reason of some set-aside rows by a specific one."""
    aside = election.set_aside
    new = aside["reason"].where(~mask_of_set_aside, reason)
    return replace(election, set_aside=aside.assign(reason=new))


def number_repeats(ids: pd.Series) -> tuple[pd.Series, int]:
    """Station ids made unique: the 2nd, 3rd... row of an id get ``-2``, ``-3``...

    Returns the ids and how many rows were renumbered.
    """
    rep = ids.groupby(ids).cumcount()
    return ids.where(rep == 0, ids + "-" + (rep + 1).astype(str)), int((rep > 0).sum())
