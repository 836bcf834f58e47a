"""The case study lives apart from the general methods."""

from __future__ import annotations

import re
from pathlib import Path

import forensics
from forensics import datasets
from forensics.cases import venezuela_2024 as case

PACKAGE = Path(forensics.__file__).resolve().parent
# the country, its candidates: with or without the accent
NAMES = re.compile(r"venezuel|maduro|gonz[aá]lez", re.IGNORECASE)


def test_general_modules_name_no_country():
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "cases":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NAMES.search(line):
                hits.append(f"{rel}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)
    # the scan itself finds the names where they belong
    assert NAMES.search((PACKAGE / "cases" / "venezuela_2024" / "__init__.py").read_text("utf-8"))


def test_case_registers_its_datasets_through_the_registry():
    names = set(datasets.available())
    assert {
        "venezuela-2024",
        "venezuela-2024-v1",
        "venezuela-2024-qr",
        "venezuela-2013",
        "venezuela-states",
    } <= names
    for name in ("venezuela-2024", "venezuela-states"):
        assert datasets.get(name).loader.__module__.startswith("forensics.cases.venezuela_2024")


def test_case_constants_agree_with_the_compiled_tables():
    b = case.load_bulletins()
    reg = b.loc[b["item"].str.startswith("CNE definitive electoral registry")]
    assert reg["registered_electors"].tolist() == [case.REGISTRY_2024] == [21_392_464]
    first = case.bulletin_counts(b, "CNE first")
    assert set(first) == {*case.CANDIDATES, "others", "valid"}
    assert (*case.POLL_CANDIDATES, "margin") == case.QUANTITIES
    assert [c.lower() for c in case.CANDIDATES] == list(case.POLL_CANDIDATES)
    polls = case.load_polls()
    assert {f"{k}_pct" for k in case.POLL_CANDIDATES} <= set(polls.columns)
