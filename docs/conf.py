"""Sphinx configuration: API reference, the Markdown pages and the stored notebooks.

Build with ``make docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``).
Notebooks are rendered from their stored outputs and never executed.
"""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import forensics  # noqa: E402

project = "forensics"
author = "The forensics developers"
copyright = "The forensics developers"
release = version = forensics.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "sphinxcontrib.bibtex",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path = ["_templates"]

html_theme = "furo"
html_title = f"forensics {release}"

# --- API reference ----------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"  # numpydoc's Parameters sections already give the types
autodoc_member_order = "bysource"
# The class pages list their fields in the numpydoc Attributes section; a second,
# generated list of members would repeat every field.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# Cross-references in docstrings are written for readers of the source (e.g.
# ``:func:`forensics.bulletins.round_percentage_test``` names a private-looking
# module path); they render as code when the target is not on a page.
nitpicky = False

# --- Markdown and notebooks -------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # render the outputs stored in the notebooks; never run them
nb_merge_streams = True

# --- Bibliography -----------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- Generated sources --------------------------------------------------------------
# Public API pages come from each namespace's ``__all__``, so a new export appears in
# the reference without editing these files. The notebooks are copied from
# ``notebooks/`` (the source of truth) into the source tree, untouched.

API = {
    "forensics": "Top-level functions and results",
    "forensics.maps": "Maps and spatial statistics",
    "forensics.datasets": "Registered datasets",
    "forensics.plots": "Plots",
    "forensics.cases.venezuela_2024": "Case study: Venezuela 2024",
}


def _api_page(module_name: str, title: str) -> str:
    module = importlib.import_module(module_name)
    functions, classes, data = [], [], []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj) or name.startswith("__"):
            continue
        if (getattr(obj, "__doc__", None) or "").startswith("Deprecated name of"):
            continue  # former names kept for one release: not part of the reference
        if inspect.isclass(obj):
            classes.append(name)
        elif callable(obj):
            functions.append(name)
        else:
            data.append(name)
    lines = [title, "=" * len(title), "", f".. automodule:: {module_name}", ""]
    lines += [f".. currentmodule:: {module_name}", ""]
    for heading, names, template in (
        ("Functions", functions, None),
        ("Classes", classes, "class.rst"),
    ):
        if not names:
            continue
        lines += [heading, "-" * len(heading), "", ".. autosummary::", "   :toctree: generated"]
        if template:
            lines.append(f"   :template: {template}")
        lines += ["", *(f"   {n}" for n in sorted(names, key=str.lower)), ""]
    if data:
        lines += ["Constants", "---------", ""]
        for name in sorted(data):
            lines += [f".. autodata:: {name}", "   :no-value:", ""]
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _generate_sources() -> None:
    api = DOCS / "api"
    api.mkdir(exist_ok=True)
    toc = ["API reference", "=============", "", ".. toctree::", "   :maxdepth: 1", ""]
    for module_name, title in API.items():
        _write_if_changed(api / f"{module_name}.rst", _api_page(module_name, title))
        toc.append(f"   {module_name}")
    _write_if_changed(api / "index.rst", "\n".join(toc) + "\n")

    notebooks = DOCS / "notebooks"
    notebooks.mkdir(exist_ok=True)
    sources = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for stale in set(notebooks.glob("*.ipynb")) - {notebooks / s.name for s in sources}:
        stale.unlink()
    for source in sources:
        target = notebooks / source.name
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
    index = [
        "# Notebooks",
        "",
        "Each notebook as stored in `notebooks/`, with the outputs of its last run.",
        "",
        "```{toctree}",
        ":maxdepth: 1",
        "",
        *(source.stem for source in sources),
        "```",
        "",
    ]
    _write_if_changed(notebooks / "index.md", "\n".join(index))


_generate_sources()


def _case_safe_filenames() -> dict[str, str]:
    """Page names for objects whose names differ only in case (``Fingerprint`` and
    ``fingerprint``): on a case-insensitive file system their pages would collide."""
    seen: dict[str, str] = {}
    renamed = {}
    for module_name in API:
        for name in importlib.import_module(module_name).__all__:
            full = f"{module_name}.{name}"
            if full.lower() in seen and name[:1].isupper():
                renamed[full] = f"{full}-class"
            elif full.lower() in seen:
                renamed[seen[full.lower()]] = f"{seen[full.lower()]}-class"
            seen[full.lower()] = full
    return renamed


autosummary_filename_map = _case_safe_filenames()

# ``[@key]`` and ``[@a; @b]`` (pandoc citations, readable on the forge) become
# sphinxcontrib-bibtex citations.
_CITATION = re.compile(r"\[(@[A-Za-z][\w:-]*(?:\s*;\s*@[A-Za-z][\w:-]*)*)\]")


def _pandoc_citations(app, docname, source) -> None:
    if not docname.startswith(("methodology", "index")):
        return

    def cite(match: re.Match) -> str:
        keys = [k.strip().lstrip("@") for k in match.group(1).split(";")]
        return "{cite:p}`" + ",".join(keys) + "`"

    source[0] = _CITATION.sub(cite, source[0])


# The docstrings are plain text first (``help()``), where ``|x|`` is an absolute value;
# reST would read it as a substitution reference, and the project defines none. Escape
# bars outside inline literals and roles (no docstring uses reST tables or line blocks).
_LITERAL = re.compile(r"(``.+?``|:[\w:]+:`[^`]*`|`[^`]*`)")


def _escape_bars(app, what, name, obj, options, lines) -> None:
    for i, line in enumerate(lines):
        if "|" not in line or line.lstrip().startswith(("|", "+-", "+=")):
            continue
        parts = _LITERAL.split(line)
        lines[i] = "".join(
            part if j % 2 else part.replace("|", "\\|") for j, part in enumerate(parts)
        )


def setup(app):
    app.connect("source-read", _pandoc_citations)
    # After numpydoc (priority 500) has turned the sections into reST.
    app.connect("autodoc-process-docstring", _escape_bars, priority=600)
