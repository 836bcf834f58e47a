"""Project metadata and the reproducibility machinery itself."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import yaml

import forensics
from forensics.figures import savefig

ROOT = Path(__file__).resolve().parent.parent


def test_citation_cff_is_valid_and_matches_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "license"):
        assert cff[key], key
    assert str(cff["version"]) == forensics.__version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'^version = "{re.escape(forensics.__version__)}"$', pyproject, re.M)


def test_lock_pins_matplotlib_exactly_with_hashes():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(r"^matplotlib==\d+\.\d+\.\d+ \\$", lock, re.M)
    assert matplotlib.__version__ in lock
    assert "--index-url" not in lock
    assert "--extra-index-url" not in lock
    assert len(re.findall(r"^[A-Za-z0-9_.\-]+==", lock, re.M)) > 50
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock):
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, block.split("\n", 1)[0]


def test_docs_extra_is_locked_and_the_docs_build_is_part_of_make_test():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    docs = pyproject["project"]["optional-dependencies"]["docs"]
    names = {re.split(r"[<>=\[ ]", req, maxsplit=1)[0].lower() for req in docs}
    assert {"sphinx", "numpydoc", "myst-parser", "myst-nb"} <= names, names
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").lower()
    unlocked = sorted(n for n in names if not re.search(rf"^{re.escape(n)}==", lock, re.M))
    assert not unlocked, f"docs extra not in requirements.lock (run make lock): {unlocked}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_target = re.search(r"^test:(.*)$", makefile, re.M)
    assert test_target, "no test target in the Makefile"
    assert "docs" in test_target.group(1).split(), test_target.group(0)
    docs_recipe = re.search(r"^docs:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert docs_recipe, "no docs target in the Makefile"
    assert "sphinx-build -W" in docs_recipe.group(1), docs_recipe.group(1)
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert re.search(r'^nb_execution_mode = "off"', conf, re.M), "notebooks must not run"


def _draw(path: Path) -> bytes:
    rng = np.random.default_rng(1)
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.hist(rng.normal(size=500), bins=20)
    ax.set_title("Benford ✓")
    savefig(fig, path)
    return path.read_bytes()


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_savefig_is_byte_reproducible(tmp_path, suffix):
    a = _draw(tmp_path / f"a{suffix}")
    b = _draw(tmp_path / f"b{suffix}")
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    if suffix == ".svg":
        text = a.decode()
        assert "<dc:date>" not in text  # no creation date in the metadata


def test_savefig_rejects_unknown_format(tmp_path):
    fig = plt.figure()
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        savefig(fig, tmp_path / "x.pdf")
    plt.close(fig)


NOTEBOOK = """{
 "cells": [
  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [
    {"name": "stdout", "output_type": "stream", "text": ["%s\\n"]}],
   "source": ["print(f\\"{sum(range(10)):d}\\")"]}
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
   "name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5
}
"""


@pytest.mark.parametrize(("stored", "passes"), [("45", True), ("46", False)])
def test_nbval_fails_on_a_wrong_stored_output(tmp_path, stored, passes):
    nb = tmp_path / "check.ipynb"
    nb.write_text(NOTEBOOK % stored, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "-o",
            "filterwarnings=",
            "-q",
            str(nb),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert (proc.returncode == 0) == passes, proc.stdout[-2000:]


def test_imports_leave_matplotlib_alone():
    # Importing the package loads neither pyplot nor the spatial libraries, and importing
    # the report module keeps the backend the user chose.
    code = (
        "import sys, matplotlib\n"
        "matplotlib.use('svg')\n"
        "import forensics\n"
        "heavy = ('matplotlib.pyplot', 'esda', 'libpysal', 'geopandas')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "import forensics.report\n"
        "print(matplotlib.get_backend())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split("\n")[:2] == ["[]", "svg"], proc.stdout


def test_statistical_core_needs_no_matplotlib():
    # matplotlib is an extra (plots, notebooks, test), not a core dependency: importing
    # every module outside forensics.plots, forensics.figures and forensics.report must not
    # load it.
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("matplotlib") for d in meta["dependencies"])
    for extra in ("plots", "notebooks", "test"):
        assert any(d.startswith("matplotlib") for d in meta["optional-dependencies"][extra])
    plotting = {"forensics.figures", "forensics.report"}
    modules = []
    for path in sorted((ROOT / "forensics").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if "plots" not in parts and name not in plotting:
            modules.append(name)
    assert "forensics.digits" in modules
    assert "forensics.cases.venezuela_2024" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print([m for m in sys.modules if m.split('.')[0] == 'matplotlib'][:3])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]", proc.stdout
