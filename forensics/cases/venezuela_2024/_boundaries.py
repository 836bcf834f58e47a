"""Venezuelan state boundaries: the ``venezuela-states`` dataset.

The adm1 layer of the Common Operational Dataset of administrative
boundaries for Venezuela (UN OCHA, from the Instituto Nacional de
Estadística, version of 2021-02-23), as ESRI shapefile parts copied in the
GitHub repository ``zentraedi/2024-vzla-elections`` and pinned there by
commit. 25 units: the 23 states, Distrito Capital and the Dependencias
Federales (islands without a P-code and without voters of their own), with
173,856 vertices in all.

``load("venezuela-states")`` returns a :class:`forensics.maps.StateBoundaries`
(names, join keys, full and simplified rings, bounding boxes, and the
:data:`STATE_NAMES` rules that fold the CNE spellings), not an
:class:`~forensics.Election`. Read with ``pyshp``.

The adjacency of this map (:func:`forensics.maps.adjacency`): the boundaries
are topologically clean (bordering states share identical vertices), and the
51 neighbour pairs are the same for every tolerance from 0 to 0.01 degrees.
Nueva Esparta and the Dependencias Federales are islands, isolated unless
linked. The Dependencias Federales have no voters of their own, so they are
drawn as "no data" on every map.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np

from forensics.datasets._registry import Dataset, RemoteFile, register
from forensics.election import DataError
from forensics.maps import StateBoundaries, StateNames

__all__: list[str] = []

# ------------------------------------------------------------------ names
#: Abbreviations of the CNE files, expanded token by token.
ABBREVIATIONS = {
    "EDO": "ESTADO",
    "EST": "ESTADO",
    "DTTO": "DISTRITO",
    "DTO": "DISTRITO",
    "DIST": "DISTRITO",
    "NVA": "NUEVA",
    "STA": "SANTA",
}

#: Whole-name aliases, after accents, case, punctuation and the abbreviations
#: above are folded: truncated names of the acta files and former names.
STATE_ALIASES = {
    "DELTA AMAC": "DELTA AMACURO",
    "DELTA": "DELTA AMACURO",
    "VARGAS": "LA GUAIRA",  # renamed La Guaira in 2019
    "DISTRITO FEDERAL": "DISTRITO CAPITAL",  # name before 1999
    "CAPITAL": "DISTRITO CAPITAL",
    "DEPENDENCIAS": "DEPENDENCIAS FEDERALES",
}

#: CNE units with votes but no polygon: voting abroad and the "inhospitable
#: zones" circuit. :func:`forensics.maps.join_states` sets their values apart
#: (never drops them) so that maps can state them beside the map.
OFF_MAP = {
    "EMBAJADAS": "voting abroad (embassies and consulates)",
    "ZONAS INHOSPITAS": "remote areas voting as a separate CNE circuit",
}

#: The rules that fold the spellings of the CNE files ("EDO. ZULIA", "DTTO.
#: CAPITAL", "EDO.NVA.ESPARTA", "Vargas") and of the boundary file ("Zulia",
#: "Distrito Capital", "Nueva Esparta", "La Guaira") to one key: the
#: abbreviations are expanded, a leading ``ESTADO`` is dropped and
#: :data:`STATE_ALIASES` is applied. "EDO. ZULIA" gives ``"ZULIA"``, "DTTO.
#: CAPITAL" ``"DISTRITO CAPITAL"``, "EDO. DELTA AMAC" ``"DELTA AMACURO"``,
#: "Vargas" ``"LA GUAIRA"``.
STATE_NAMES = StateNames(
    abbreviations=ABBREVIATIONS, prefixes=("ESTADO",), aliases=STATE_ALIASES, off_map=OFF_MAP
)


def normalize_state_name(name: str) -> str:
    """Fold a Venezuelan state name to a join key (:data:`STATE_NAMES`).

    Parameters
    ----------
    name : str
        A state name as a source spells it (any case, with or without
        accents or the prefix ``Edo.``).

    Returns
    -------
    str
        The key shared by every spelling of the state.

    References
    ----------
    .. [1] Instituto Nacional de Estadística de Venezuela, administrative
       boundaries (2021-02-23), the state names the keys follow.

    Examples
    --------
    >>> normalize_state_name("Edo. Zulia"), normalize_state_name("DTTO. CAPITAL")
    ('ZULIA', 'DISTRITO CAPITAL')
    """
    return STATE_NAMES.key(name)


# ------------------------------------------------------------- boundaries
_COMMIT = "325d2f4536701a51ed80caabee88717a206dc082"
_URL = (
    f"https://raw.githubusercontent.com/zentraedi/2024-vzla-elections/{_COMMIT}/"
    "ven_adm_ine_20210223_shp/{name}"
)
_STEM = "ven_admbnda_adm1_ine_20210223"
_SHA = {
    "cpg": "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
    "dbf": "ccca1fd0e597f2c3f95612d299eb0351c58ae87d628b3aff9a847377396df304",
    "prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
    "shp": "6fd73cd6f8d47eed10bdc4850339ba6319c606278d779effbb4b984aa8b19c7a",
    "shx": "80c5fc7926224257965d08cb00214f63e5a00ed9c8cbdff76a5228f39fbe982b",
}
FILES = tuple(
    RemoteFile(
        path=f"venezuela_boundaries/original/{_STEM}.{ext}",
        url=_URL.format(name=f"{_STEM}.{ext}"),
        sha256=sha,
    )
    for ext, sha in _SHA.items()
)

#: Default Douglas–Peucker tolerance for drawing, in degrees (about 1 km;
#: a pixel of a 6-inch-wide map of Venezuela at 100 dpi is about 0.02°).
TOLERANCE = 0.01

_CITE = (
    "OCHA / INE Venezuela (2021). Venezuela - Subnational Administrative Boundaries "
    "(ven_adm_ine_20210223), Humanitarian Data Exchange; copied in "
    f"zentraedi/2024-vzla-elections (commit {_COMMIT}). Usually licensed CC BY-IGO."
)


def _by_suffix(paths: dict[str, Path], suffix: str) -> Path:
    """The file of the shapefile part ``suffix`` (``".shp"``, ...) among the loader's paths."""
    for key, path in paths.items():
        if key.endswith(suffix):
            return Path(path)
    raise DataError(
        f"no {suffix} file ({_STEM}{suffix}) among {sorted(paths)}; the loader needs one file "
        f"for each of the suffixes {[f'.{ext}' for ext in _SHA]}"
    )


def load_states(paths: dict[str, Path], *, tolerance: float = TOLERANCE) -> StateBoundaries:
    """Read the adm1 shapefile into a :class:`~forensics.maps.StateBoundaries`.

    Parameters
    ----------
    paths : dict
        Registry path -> local file (from :func:`forensics.datasets.fetch`).
    tolerance : float
        Douglas–Peucker tolerance (degrees) of the rings kept for drawing.

    Returns
    -------
    forensics.maps.StateBoundaries
        One entry per state, with its rings simplified at ``tolerance``
        (built by :meth:`forensics.maps.StateBoundaries.from_rings`; the
        bounding boxes are the ones stored in the shapefile).

    Raises
    ------
    forensics.DataError
        A part of the shapefile is missing (the suffix and the files given
        are named), a shape is not a polygon, ``ADM1_REF`` and ``ADM1_ES``
        name different states, or two names fold to one key.

    References
    ----------
    .. [1] Douglas, D. H. & Peucker, T. K. (1973). Algorithms for the
       reduction of the number of points required to represent a digitized
       line or its caricature. Cartographica 10(2), 112-122.
       doi:10.3138/FM57-6770-U75U-7727

    Examples
    --------
    >>> from forensics.datasets._registry import fetch
    >>> states = load_states({f.path: fetch(f) for f in FILES})
    >>> len(states.names)
    25
    """
    import shapefile  # pyshp

    encoding = _by_suffix(paths, ".cpg").read_text(encoding="ascii").strip() or "utf-8"
    with (
        open(_by_suffix(paths, ".shp"), "rb") as shp,
        open(_by_suffix(paths, ".shx"), "rb") as shx,
        open(_by_suffix(paths, ".dbf"), "rb") as dbf,
    ):
        reader = shapefile.Reader(shp=shp, shx=shx, dbf=dbf, encoding=encoding)
        records = [r.as_dict() for r in reader.records()]
        shapes = reader.shapes()
    names, pcodes, rings, boxes = [], [], [], []
    for rec, shape in zip(records, shapes, strict=True):
        if shape.shapeType != shapefile.POLYGON:
            raise DataError(
                f"state {rec['ADM1_ES']!r}: expected a polygon, got {shape.shapeTypeName}"
            )
        pts = np.asarray(shape.points, dtype=float)
        bounds = [*shape.parts, len(pts)]
        rings.append(tuple(pts[a:b] for a, b in pairwise(bounds)))
        names.append(str(rec["ADM1_ES"]).strip())
        pcodes.append(str(rec["ADM1_PCODE"]).strip())
        boxes.append(np.asarray(shape.bbox, dtype=float))
        ref = str(rec.get("ADM1_REF") or "").strip()
        if ref and normalize_state_name(ref) != normalize_state_name(names[-1]):
            raise DataError(f"ADM1_REF {ref!r} and ADM1_ES {rec['ADM1_ES']!r} do not agree")
    states = StateBoundaries.from_rings(
        names, rings, tolerance=tolerance, pcodes=pcodes, naming=STATE_NAMES, source=_CITE
    )
    # The boxes stored in the .shp records, which differ from the extents of the
    # vertices by rounding (up to 4.3e-14 degrees).
    return replace(states, bboxes=np.vstack(boxes))


register(
    Dataset(
        "venezuela-states",
        "Venezuela state boundaries (OCHA/INE adm1, 2021): 23 states, Distrito Capital, "
        "Dependencias Federales",
        files=FILES,
        loader=load_states,
        citation=_CITE,
    )
)
