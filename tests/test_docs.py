"""The methodology document stays true to the package, the bibliography and the figures.

Checks on ``docs/methodology.md``: every ``[@key]`` citation has an entry in
``docs/references.bib`` (and every entry is cited), every ``forensics.<name>`` it
mentions resolves to a real attribute of the package, and every ``figures/NN_*.svg``
and ``notebooks/NN_*.py`` it names exists. Figures and notebooks that are announced
but not yet produced are listed in ``PENDING_FIGURES`` / ``PENDING_NOTEBOOKS``; an
entry there fails the test as soon as the file exists, so the lists shrink to empty.

Checks on the docstrings: every public function of the documented namespaces has the
numpydoc sections Parameters (when it takes any), Returns, References and Examples,
except the names listed in ``MISSING_EXAMPLES`` / ``MISSING_SECTIONS``, which likewise
fail as soon as the section is written.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
METHODOLOGY = DOCS / "methodology.md"
BIB = DOCS / "references.bib"

#: Figures the methodology names that their notebook does not write yet.
PENDING_FIGURES: tuple[str, ...] = ()
#: Notebooks the methodology names that do not exist yet.
PENDING_NOTEBOOKS: tuple[str, ...] = ()

CITE_GROUP = re.compile(r"\[(@[^\]]+)\]")
CITE_KEY = re.compile(r"@([A-Za-z][\w:-]*)")
BIB_KEY = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)
NAME = re.compile(r"\bforensics((?:\.[A-Za-z_]\w*)+)")
FIGURE = re.compile(r"figures/(\d\d_[\w-]+\.svg)")
NOTEBOOK = re.compile(r"notebooks/(\d\d_[\w-]+\.py)")


@pytest.fixture(scope="module")
def text() -> str:
    return METHODOLOGY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bib() -> str:
    return BIB.read_text(encoding="utf-8")


def cited_keys(text: str) -> set[str]:
    keys = set()
    for group in CITE_GROUP.findall(text):
        keys.update(CITE_KEY.findall(group))
    return keys


def resolve(dotted: str) -> object:
    """``forensics.a.b.c`` -> the object, importing submodules as needed."""
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    path = parts[0]
    for part in parts[1:]:
        path = f"{path}.{part}"
        # A missing submodule raises ModuleNotFoundError naming the gap.
        obj = getattr(obj, part) if hasattr(obj, part) else importlib.import_module(path)
    return obj


def test_citation_regexes_on_a_known_line():
    # The parser must see both keys of a grouped citation and ignore e-mail-like text.
    line = "as shown [@kobak2016aoas; @klimek2012] (see a@b.c)"
    assert cited_keys(line) == {"kobak2016aoas", "klimek2012"}
    assert NAME.findall("use `forensics.maps.morans_i`.") == [".maps.morans_i"]


def test_every_citation_has_a_bib_entry(text, bib):
    cited = cited_keys(text)
    entries = BIB_KEY.findall(bib)
    assert len(cited) >= 20, sorted(cited)
    assert len(entries) == len(set(entries)), "duplicate BibTeX keys"
    missing = sorted(cited - set(entries))
    assert not missing, f"cited in methodology.md but not in references.bib: {missing}"


def test_every_bib_entry_is_cited(text, bib):
    unused = sorted(set(BIB_KEY.findall(bib)) - cited_keys(text))
    assert not unused, f"references.bib entries never cited in methodology.md: {unused}"


def test_every_bib_entry_has_a_doi_or_says_why_not(bib):
    entries = re.split(r"\n(?=@\w+\{)", bib)
    for entry in entries:
        match = BIB_KEY.search(entry)
        if not match:
            continue
        doi = re.search(r"^\s*doi\s*=\s*\{([^}]*)\}", entry, re.MULTILINE)
        if doi:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", doi.group(1)), (match.group(1), doi.group(1))
        else:
            assert re.search(r"no DOI|isbn\s*=|url\s*=", entry, re.IGNORECASE), (
                f"{match.group(1)}: no doi, and no note, isbn or url saying why"
            )


def test_every_forensics_name_resolves(text):
    names = sorted({"forensics" + m.rstrip(".") for m in NAME.findall(text)})
    assert len(names) >= 40, names
    failures = {}
    for name in names:
        try:
            resolve(name)
        except (AttributeError, ImportError) as exc:
            failures[name] = repr(exc)
    assert not failures, failures


def test_every_named_figure_exists(text):
    named = set(FIGURE.findall(text))
    assert len(named) >= 20, sorted(named)
    missing = sorted(
        f for f in named - set(PENDING_FIGURES) if not (ROOT / "figures" / f).exists()
    )
    assert not missing, f"figures named in methodology.md but absent from figures/: {missing}"


def test_pending_figures_are_named_and_still_missing(text):
    named = set(FIGURE.findall(text))
    for f in PENDING_FIGURES:
        assert f in named, f"{f} is pending but no longer named in methodology.md"
        assert not (ROOT / "figures" / f).exists(), (
            f"figures/{f} now exists: remove it from PENDING_FIGURES"
        )


def test_every_named_notebook_exists(text):
    named = set(NOTEBOOK.findall(text))
    assert len(named) >= 6, sorted(named)
    for f in named - set(PENDING_NOTEBOOKS):
        assert (ROOT / "notebooks" / f).exists(), f"notebooks/{f} is named but absent"
    for f in PENDING_NOTEBOOKS:
        assert f in named, f"{f} is pending but no longer named in methodology.md"
        assert not (ROOT / "notebooks" / f).exists(), (
            f"notebooks/{f} now exists: remove it from PENDING_NOTEBOOKS"
        )


# --- Docstrings of the public functions --------------------------------------------
#
# Every public function has the numpydoc sections Parameters (when it takes any),
# Returns, References and Examples. The names below still lack a section; each entry
# fails the test as soon as the section is written, so the lists only shrink, to empty.

PUBLIC_NAMESPACES = (
    "forensics",
    "forensics.maps",
    "forensics.datasets",
    "forensics.cases.venezuela_2024",
    "forensics.plots",
)

#: Public functions whose docstring has no Examples section (none: every one has).
MISSING_EXAMPLES: tuple[str, ...] = ()

#: Public functions whose docstring lacks another required section (none).
MISSING_SECTIONS: dict[str, tuple[str, ...]] = {}

SECTION = re.compile(r"^([A-Z][A-Za-z ]*)\n(-+)[ \t]*$", re.MULTILINE)


def docstring_sections(obj) -> set[str]:
    """The numpydoc section headings of ``obj``'s docstring (underlined to full length)."""
    doc = inspect.getdoc(obj) or ""
    return {m.group(1) for m in SECTION.finditer(doc) if len(m.group(2)) == len(m.group(1))}


def public_functions() -> dict[str, object]:
    found = {}
    for namespace in PUBLIC_NAMESPACES:
        module = importlib.import_module(namespace)
        for name in module.__all__:
            obj = getattr(module, name)
            if not inspect.isroutine(obj):
                continue
            # An old name kept for one release (forensics._compat.deprecated_alias)
            # points to the documented function; it needs no sections of its own.
            if (inspect.getdoc(obj) or "").startswith("Deprecated name of"):
                continue
            found[f"{namespace}.{name}"] = obj
    return found


def required_sections(obj) -> set[str]:
    required = {"Returns", "References", "Examples"}
    if inspect.signature(obj).parameters:
        required.add("Parameters")
    return required


def test_section_parser_on_a_known_docstring():
    def f(x):
        """Summary.

        Parameters
        ----------
        x : int
            A number.

        Returns
        -------
        int

        Not a section
        ---
        """

    assert docstring_sections(f) == {"Parameters", "Returns"}
    assert required_sections(f) == {"Parameters", "Returns", "References", "Examples"}
    assert required_sections(lambda: None) == {"Returns", "References", "Examples"}


def test_public_functions_are_found():
    names = public_functions()
    # Classes and modules are not functions; the namespaces' functions are.
    assert "forensics.first_digit_test" in names
    assert "forensics.datasets.load" in names
    assert "forensics.plots.fingerprint" in names
    assert "forensics.Election" not in names
    assert "forensics.maps" not in names
    assert len(names) >= 90, len(names)


def test_public_functions_have_numpydoc_sections():
    functions = public_functions()
    unknown = sorted((set(MISSING_EXAMPLES) | set(MISSING_SECTIONS)) - set(functions))
    missing_examples, missing_other, now_present = [], [], []
    for name, obj in sorted(functions.items()):
        missing = required_sections(obj) - docstring_sections(obj)
        allowed = set(MISSING_SECTIONS.get(name, ()))
        if name in MISSING_EXAMPLES:
            allowed.add("Examples")
        if "Examples" in missing - allowed:
            missing_examples.append(name)
        if missing - allowed - {"Examples"}:
            missing_other.append(f"{name}: {', '.join(sorted(missing - allowed - {'Examples'}))}")
        if allowed - missing:
            now_present.append(f"{name}: {', '.join(sorted(allowed - missing))}")
    message = []
    if unknown:
        message.append(
            "allow-listed but not public functions (or now deprecated aliases), remove them:"
            "\n  " + "\n  ".join(unknown)
        )
    if missing_examples:
        message.append("no Examples section:\n  " + "\n  ".join(missing_examples))
    if missing_other:
        message.append("missing sections:\n  " + "\n  ".join(missing_other))
    if now_present:
        message.append(
            "now documented, remove from MISSING_EXAMPLES / MISSING_SECTIONS:\n  "
            + "\n  ".join(now_present)
        )
    assert not message, "\n".join(message)
