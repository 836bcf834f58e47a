"""Maps: state names, polygons, adjacency and spatial clustering tests.

Forensic results are read on a map: where the missing tally sheets are, where
turnout or digit anomalies sit, whether they cluster. This module holds the
pieces that are not drawing (the drawing is in :mod:`forensics.plots.maps`):

* state names: :class:`StateNames` holds a country's rules (abbreviations,
  leading words to drop, aliases of former or truncated names, units with
  votes but no polygon) and :func:`normalize_state_name` applies them, so that
  the spellings of results files and of a boundary file fold to one key;
  :func:`join_states` joins values to the map and raises on any name it
  cannot place;
* polygons: :class:`StateBoundaries` (read by a boundaries dataset, which
  carries its country's :class:`StateNames`) and :func:`simplify_ring`
  (Douglas–Peucker);
* adjacency: :func:`adjacency` (shared boundary vertices);
* clustering: :func:`morans_i` (global), :func:`local_morans_i` and
  :func:`getis_ord_gi_star` (local, conditional-randomisation permutation
  p-values with Benjamini–Hochberg adjustment). The statistics are computed
  by ``esda`` (``Moran``, ``Moran_Local``, ``G_Local``) on ``libpysal``
  weights built from the adjacency; the permutations are drawn here from an
  explicit ``numpy.random.Generator`` (esda's own use numpy's global state);
* power: :func:`moran_power` (how often these tests reject on a map, on
  values simulated with a given spatial autocorrelation).

A spatial cluster of a statistic is a pattern, not an explanation: states
that border each other share demography, party strength and administration,
so clustering of coverage or of a test outcome is expected under many benign
mechanisms. The tests here only say whether the values are arranged on the
map more regularly than a random placement of the same values would be.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from forensics._compat import renamed_attribute, renamed_parameters
from forensics.election import DataError, UnknownNameError
from forensics.multitest import benjamini_hochberg
from forensics.results import TestResult, as_float

__all__ = [
    "Adjacency",
    "LocalClusterResult",
    "MoranPowerResult",
    "MoranResult",
    "StateBoundaries",
    "StateJoin",
    "StateNames",
    "adjacency",
    "getis_ord_gi_star",
    "join_states",
    "local_morans_i",
    "moran_power",
    "morans_i",
    "normalize_state_name",
    "simplify_ring",
]

Alternative = Literal["two-sided", "greater", "less"]


# ------------------------------------------------------------------ names
@dataclasses.dataclass(frozen=True)
class StateNames:
    """A country's rules for folding state names to join keys.

    Applied by :func:`normalize_state_name` after accents, case and
    punctuation are folded (every rule is written in upper-case ASCII).

    Attributes
    ----------
    abbreviations : mapping of str to str
        Abbreviated words expanded token by token (e.g. ``{"ST": "SAINT"}``).
    prefixes : tuple of str
        Leading words dropped when more words follow (e.g. ``("STATE",)``
        turns "STATE OF X" into "OF X"; "STATE" alone stays).
    aliases : mapping of str to str
        Whole-name aliases applied last: truncated names, former names.
    off_map : mapping of str to str
        Keys of units that have votes but no polygon (voting abroad, say),
        each with a description. :func:`join_states` sets their values apart
        (never drops them) so that maps can state them beside the map.

    Examples
    --------
    >>> names = StateNames(abbreviations={"ST": "SAINT"}, aliases={"OLD NAME": "NEW NAME"})
    >>> names.key("St. Andrew"), names.key("old name"), names.key("Néw-Name")
    ('SAINT ANDREW', 'NEW NAME', 'NEW NAME')
    """

    abbreviations: Mapping[str, str] = dataclasses.field(default_factory=dict)
    prefixes: tuple[str, ...] = ()
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    off_map: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def key(self, name: str) -> str:
        """The join key of ``name``: :func:`normalize_state_name` with these rules.

        Examples
        --------
        >>> StateNames(abbreviations={"EDO": "ESTADO"}, prefixes=("ESTADO",)).key("Edo. Lara")
        'LARA'
        """
        return normalize_state_name(name, self)


def normalize_state_name(name: str, names: StateNames | None = None) -> str:
    """Fold a state name to a join key.

    Accents and case are removed and punctuation becomes a space; then the
    rules of ``names`` are applied: its abbreviations are expanded, a
    leading word among its prefixes is dropped and its aliases are applied.

    Parameters
    ----------
    name : str
    names : StateNames, optional
        The country's rules. Default: no rules (accents, case and
        punctuation only).

    Returns
    -------
    str
        The key (upper-case ASCII words separated by single spaces).

    References
    ----------
    .. [1] Whistler, K. (ed.) Unicode Standard Annex #15: Unicode Normalization
       Forms. The Unicode Consortium, https://www.unicode.org/reports/tr15/
       (the NFKD decomposition that removes the accents).

    Examples
    --------
    >>> normalize_state_name("São  Paulo")
    'SAO PAULO'
    >>> normalize_state_name("Prov. Norte", StateNames(abbreviations={"PROV": "PROVINCE"},
    ...                                                prefixes=("PROVINCE",)))
    'NORTE'
    """
    if not isinstance(name, str):
        raise TypeError(f"a state name must be a string, got {name!r}")
    rules = StateNames() if names is None else names
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    tokens = re.sub(r"[^A-Za-z0-9]+", " ", folded).upper().split()
    tokens = [rules.abbreviations.get(t, t) for t in tokens]
    if len(tokens) > 1 and tokens[0] in rules.prefixes:
        tokens = tokens[1:]
    key = " ".join(tokens)
    return rules.aliases.get(key, key)


@dataclasses.dataclass(frozen=True)
class StateJoin:
    """Values joined to the units of a map.

    Attributes
    ----------
    values : pandas.Series
        One float per map unit (index: the map's names, in map order), NaN
        where the input had no value.
    off_map : pandas.Series
        Values of the input's units that exist but have no polygon
        (the ``off_map`` units of the :class:`StateNames`), index as given.
    missing : tuple of str
        Map units without a value (NaN in ``values``).
    """

    values: pd.Series
    off_map: pd.Series
    missing: tuple[str, ...]


def join_states(
    values: Mapping[str, float] | pd.Series,
    units: Sequence[str],
    names: StateNames | None = None,
) -> StateJoin:
    """Join values keyed by state name to the units of a map.

    Names are matched by :func:`normalize_state_name` with the rules
    ``names``, so the spellings of a results file and of the boundary file
    meet.

    Parameters
    ----------
    values : mapping or pandas.Series
        Numbers keyed by state name (any spelling the rules fold).
    units : sequence of str
        The map's unit names (e.g. ``StateBoundaries.names``).
    names : StateNames, optional
        The country's rules (e.g. ``StateBoundaries.naming``). Default: no
        rules beyond accents, case and punctuation.

    Returns
    -------
    StateJoin

    Raises
    ------
    forensics.DataError
        A name matches no map unit and is not a known off-map unit (all such
        names are listed), two input names fold to the same unit, or a value
        is not numeric.

    References
    ----------
    .. [1] Whistler, K. (ed.) Unicode Standard Annex #15: Unicode Normalization
       Forms. The Unicode Consortium, https://www.unicode.org/reports/tr15/
       (the NFKD decomposition that removes the accents).

    Examples
    --------
    >>> names = StateNames(prefixes=("STATE",), off_map={"ABROAD": "voting abroad"})
    >>> joined = join_states(
    ...     {"State Norte": 0.8, "SUR": 0.6, "Abroad": 0.4}, ["Norte", "Sur", "Este"], names
    ... )
    >>> joined.values.to_dict(), joined.off_map.to_dict(), joined.missing
    ({'Norte': 0.8, 'Sur': 0.6, 'Este': nan}, {'Abroad': 0.4}, ('Este',))
    >>> join_states({"Oeste": 1.0}, ["Norte", "Sur"])
    Traceback (most recent call last):
    ...
    forensics.election.DataError: 1 state name(s) match no map unit: 'Oeste'. ...
    """
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    rules = StateNames() if names is None else names
    unit_keys = {rules.key(u): u for u in units}
    if len(unit_keys) != len(units):
        raise DataError("the map's unit names are not distinct after normalisation")
    try:
        numbers = pd.to_numeric(series, errors="raise").astype(float)
    except (ValueError, TypeError) as exc:
        raise DataError(f"state values must be numeric: {exc}") from None
    placed: dict[str, float] = {}
    source: dict[str, str] = {}
    off: dict[str, float] = {}
    unknown: list[str] = []
    for name, value in zip(series.index, numbers.to_numpy(), strict=True):
        key = rules.key(str(name))
        if key in unit_keys:
            unit = unit_keys[key]
            if unit in placed:
                raise DataError(
                    f"state names {source[unit]!r} and {name!r} both match the map unit {unit!r}"
                )
            placed[unit] = float(value)
            source[unit] = str(name)
        elif key in rules.off_map:
            off[str(name)] = float(value)
        else:
            unknown.append(str(name))
    if unknown:
        raise DataError(
            f"{len(unknown)} state name(s) match no map unit: {', '.join(map(repr, unknown))}. "
            f"Map units: {', '.join(units)}; known off-map units: "
            f"{', '.join(rules.off_map) or 'none'}. Add an alias to the map's StateNames if "
            "the name is a spelling of a mapped state."
        )
    joined = pd.Series([placed.get(u, np.nan) for u in units], index=list(units), dtype=float)
    missing = tuple(u for u in units if not np.isfinite(joined[u]))
    return StateJoin(joined, pd.Series(off, dtype=float), missing)


# --------------------------------------------------------------- polygons
def simplify_ring(ring: ArrayLike, tolerance: float) -> np.ndarray:
    """Douglas–Peucker simplification of one polygon ring.

    Parameters
    ----------
    ring : array_like, shape (k, 2)
        Vertices; a closed ring repeats its first vertex at the end.
    tolerance : float
        Largest distance (in the ring's units, degrees here) a removed vertex
        may lie from the simplified outline.

    Returns
    -------
    numpy.ndarray, shape (m, 2)
        The kept vertices, in order, closed if the input was. Rings that would
        collapse below a triangle keep up to four vertices spread along the
        ring, so small islands stay visible.

    Notes
    -----
    The ring is split at its first vertex and at the vertex farthest from it
    (so a closed ring has two anchors), then each span is split at its vertex
    farthest from the chord while that distance exceeds ``tolerance``.
    Distances are computed on a whole span at once with NumPy.

    References
    ----------
    .. [1] Douglas, D. H., & Peucker, T. K. (1973). Algorithms for the
       reduction of the number of points required to represent a digitized
       line or its caricature. Cartographica 10(2), 112–122.
       doi:10.3138/FM57-6770-U75U-7727

    Examples
    --------
    A square with a small bump on its lower edge:

    >>> ring = [[0, 0], [1, 0.01], [2, 0], [2, 2], [0, 2], [0, 0]]
    >>> simplify_ring(ring, 0.05).tolist()
    [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]
    >>> len(simplify_ring(ring, 0.001))  # the bump exceeds this tolerance: kept
    6
    """
    pts = np.asarray(ring, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"a ring must have shape (k, 2), got {pts.shape}")
    if tolerance < 0:
        raise ValueError(f"tolerance must be non-negative, got {tolerance}")
    n = len(pts)
    if n <= 4 or tolerance == 0:
        return pts.copy()
    closed = bool(np.all(pts[0] == pts[-1]))
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    if closed:
        far = int(np.argmax(np.hypot(*(pts - pts[0]).T)))
        keep[far] = True
        stack = [(0, far), (far, n - 1)]
    else:
        stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        seg = pts[a + 1 : b] - pts[a]
        dx, dy = pts[b] - pts[a]
        length = np.hypot(dx, dy)
        if length == 0.0:
            dist = np.hypot(seg[:, 0], seg[:, 1])
        else:
            dist = np.abs(dx * seg[:, 1] - dy * seg[:, 0]) / length
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            m = a + 1 + k
            keep[m] = True
            stack.append((a, m))
            stack.append((m, b))
    if closed and keep.sum() < 4:
        idx = np.unique(np.linspace(0, n - 1, 5).round().astype(int))
        keep[idx] = True
    return pts[keep]


@dataclasses.dataclass(frozen=True, eq=False)
class StateBoundaries:
    """State polygons of a country, full and simplified.

    Attributes
    ----------
    names : tuple of str
        Unit names as in the boundary file (with accents).
    keys : tuple of str
        The names normalised by :func:`normalize_state_name` with
        ``naming`` (join keys).
    pcodes : tuple of str
        P-codes (``""`` where the file has none). They need not follow the
        numbering of a results file; join by ``keys``.
    rings : tuple of tuple of numpy.ndarray
        Per unit, its rings (outer rings and holes, shape (k, 2), closed) as
        read: used for adjacency.
    simplified : tuple of tuple of numpy.ndarray
        The same rings simplified with ``tolerance``: used for drawing.
    bboxes : numpy.ndarray, shape (n, 4)
        ``xmin, ymin, xmax, ymax`` per unit, from the full rings.
    tolerance : float
        Douglas–Peucker tolerance of ``simplified`` (degrees).
    crs : str
        Coordinate system (longitude/latitude degrees, WGS 84).
    source : str
        Citation of the boundary data.
    naming : StateNames
        The country's rules for folding state names (default: none).
    """

    names: tuple[str, ...]
    keys: tuple[str, ...]
    pcodes: tuple[str, ...]
    rings: tuple[tuple[np.ndarray, ...], ...] = dataclasses.field(repr=False)
    simplified: tuple[tuple[np.ndarray, ...], ...] = dataclasses.field(repr=False)
    bboxes: np.ndarray = dataclasses.field(repr=False)
    tolerance: float = 0.0
    crs: str = "EPSG:4326 (longitude, latitude in degrees)"
    source: str = ""
    naming: StateNames = dataclasses.field(default_factory=StateNames)

    @classmethod
    def from_rings(
        cls,
        names: Sequence[str],
        rings: Sequence[Sequence[ArrayLike]],
        *,
        tolerance: float = 0.0,
        pcodes: Sequence[str] | None = None,
        naming: StateNames | None = None,
        source: str = "",
    ) -> StateBoundaries:
        """Boundaries from each unit's rings; keys, boxes and simplified rings follow.

        Parameters
        ----------
        names : sequence of str
            Unit names.
        rings : sequence of sequence of array_like
            Per unit, its closed rings (shape (k, 2), longitude and latitude).
        tolerance : float
            Douglas–Peucker tolerance of the drawn rings (default 0: as
            given).
        pcodes : sequence of str, optional
            P-codes (default ``""`` for every unit).
        naming : StateNames, optional
            The country's rules that fold names (default: none).
        source : str
            Citation of the boundary data.

        Returns
        -------
        StateBoundaries

        Raises
        ------
        forensics.DataError
            Names and rings differ in number, or names are not distinct
            after normalisation.

        Examples
        --------
        >>> squares = [[[[i, 0], [i + 1, 0], [i + 1, 1], [i, 1], [i, 0]]] for i in range(3)]
        >>> states = StateBoundaries.from_rings(["West", "Centre", "East"], squares)
        >>> states.keys, states.bbox.tolist(), states.index("centre")
        (('WEST', 'CENTRE', 'EAST'), [0.0, 0.0, 3.0, 1.0], 1)
        """
        rules = StateNames() if naming is None else naming
        names = tuple(str(n) for n in names)
        if len(rings) != len(names):
            raise DataError(f"{len(names)} names but rings for {len(rings)} units")
        keys = tuple(rules.key(n) for n in names)
        if len(set(keys)) != len(keys):
            raise DataError(f"unit names are not distinct after normalisation: {keys}")
        full = tuple(tuple(np.asarray(r, dtype=float) for r in unit) for unit in rings)
        boxes = []
        for unit in full:
            pts = np.concatenate(unit)
            boxes.append([*pts.min(axis=0), *pts.max(axis=0)])
        return cls(
            names=names,
            keys=keys,
            pcodes=tuple(pcodes) if pcodes is not None else ("",) * len(names),
            rings=full,
            simplified=tuple(tuple(simplify_ring(r, tolerance) for r in unit) for unit in full),
            bboxes=np.array(boxes, dtype=float),
            tolerance=float(tolerance),
            source=source,
            naming=rules,
        )

    @classmethod
    def squares(
        cls,
        names: Sequence[str],
        *,
        pcodes: Sequence[str] | None = None,
        naming: StateNames | None = None,
    ) -> StateBoundaries:
        """A row of unit squares, one per name from west to east: a map for examples.

        Unit ``i`` is the square ``[i, i + 1] x [0, 1]``, so each unit
        touches the one before and the one after along a whole edge.

        Parameters
        ----------
        names : sequence of str
            Unit names, west to east.
        pcodes, naming
            As in :meth:`from_rings`.

        Returns
        -------
        StateBoundaries

        References
        ----------
        .. [1] Anselin, L. (1995). Local indicators of spatial association—LISA.
           Geographical Analysis 27(2), 93–115.
           doi:10.1111/j.1538-4632.1995.tb00338.x (contiguity on a regular
           lattice, the simplest map to check spatial statistics by hand).

        Examples
        --------
        >>> row = StateBoundaries.squares(["West", "Centre", "East"])
        >>> row.bboxes.tolist()[1], adjacency(row).neighbours("Centre")
        ([1.0, 0.0, 2.0, 1.0], ('West', 'East'))
        """
        rings = [[[[i, 0], [i + 1, 0], [i + 1, 1], [i, 1], [i, 0]]] for i in range(len(names))]
        return cls.from_rings(names, rings, pcodes=pcodes, naming=naming)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def n_vertices(self) -> int:
        """Vertices in the full rings."""
        return int(sum(len(r) for unit in self.rings for r in unit))

    @property
    def n_vertices_simplified(self) -> int:
        """Vertices in the simplified rings."""
        return int(sum(len(r) for unit in self.simplified for r in unit))

    @property
    def bbox(self) -> np.ndarray:
        """``xmin, ymin, xmax, ymax`` of the whole map."""
        b = self.bboxes
        return np.array([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()])

    def index(self, name: str) -> int:
        """Position of a unit, by any spelling ``naming`` folds.

        Examples
        --------
        >>> StateBoundaries.squares(["Norte", "Sur"]).index("SUR")
        1
        """
        key = self.naming.key(name)
        try:
            return self.keys.index(key)
        except ValueError:
            raise UnknownNameError(
                f"no unit {name!r} (key {key!r}) on this map; the units are {list(self.names)}"
            ) from None

    def simplify(self, tolerance: float) -> StateBoundaries:
        """A copy whose ``simplified`` rings use another tolerance (degrees).

        Examples
        --------
        >>> bumpy = [[[0, 0], [1, 0.01], [2, 0], [2, 2], [0, 2], [0, 0]]]
        >>> states = StateBoundaries.from_rings(["Norte"], [bumpy])
        >>> states.n_vertices, states.simplify(0.05).n_vertices_simplified
        (6, 5)
        """
        simplified = tuple(tuple(simplify_ring(r, tolerance) for r in unit) for unit in self.rings)
        return dataclasses.replace(self, simplified=simplified, tolerance=float(tolerance))


# -------------------------------------------------------------- adjacency
@dataclasses.dataclass(frozen=True, eq=False)
class Adjacency:
    """Binary contiguity between map units.

    Attributes
    ----------
    units : tuple of str
        Unit names, in map order.
    matrix : numpy.ndarray of bool, shape (n, n)
        Symmetric, ``False`` on the diagonal.
    shared : numpy.ndarray of int, shape (n, n)
        Boundary vertices of one unit within the tolerance of the other's
        (``max`` of the two directions); 0 for added links.
    tolerance : float
        Distance (degrees) within which two vertices count as shared.
    min_shared : int
        Shared vertices needed for a pair to be neighbours.
    links : tuple of tuple of str
        Pairs added by hand (e.g. an island and the nearest mainland state).
    naming : StateNames
        The rules that fold unit names (from the boundaries).
    """

    units: tuple[str, ...]
    matrix: np.ndarray = dataclasses.field(repr=False)
    shared: np.ndarray = dataclasses.field(repr=False)
    tolerance: float = 0.0
    min_shared: int = 2
    links: tuple[tuple[str, str], ...] = ()
    naming: StateNames = dataclasses.field(default_factory=StateNames)

    @classmethod
    def from_pairs(
        cls,
        units: Sequence[str],
        pairs: Iterable[tuple[str, str]],
        *,
        naming: StateNames | None = None,
    ) -> Adjacency:
        """An adjacency given by its neighbour pairs, e.g. a hand-made map.

        Parameters
        ----------
        units : sequence of str
            Unit names, in map order.
        pairs : iterable of (str, str)
            Neighbour pairs by name (any spelling ``naming`` folds).
        naming : StateNames, optional
            Rules that fold unit names (default: accents, case and
            punctuation only).

        Returns
        -------
        Adjacency
            ``shared`` is 0 and ``links`` empty: the pairs are the whole
            contiguity.

        Raises
        ------
        forensics.election.UnknownNameError
            A pair names a unit not in ``units`` (a :class:`DataError`, so a
            ValueError, and a KeyError).
        ValueError
            A pair joins a unit to itself.

        Examples
        --------
        >>> line = Adjacency.from_pairs("ABCD", [("A", "B"), ("B", "C"), ("C", "D")])
        >>> line.neighbours("B"), line.pairs()
        (('A', 'C'), [('A', 'B'), ('B', 'C'), ('C', 'D')])
        """
        rules = StateNames() if naming is None else naming
        units = tuple(units)
        keys = {rules.key(u): i for i, u in enumerate(units)}
        if len(keys) != len(units):
            raise ValueError("the unit names are not distinct after normalisation")
        matrix = np.zeros((len(units), len(units)), dtype=bool)
        for a, b in pairs:
            ia, ib = keys.get(rules.key(a)), keys.get(rules.key(b))
            if ia is None or ib is None:
                raise UnknownNameError(
                    f"pair ({a!r}, {b!r}) names a unit not in units; the units are {list(units)}"
                )
            if ia == ib:
                raise ValueError(f"pair ({a!r}, {b!r}) joins a unit to itself")
            matrix[ia, ib] = matrix[ib, ia] = True
        return cls(
            units=units,
            matrix=matrix,
            shared=np.zeros(matrix.shape, dtype=np.int64),
            naming=rules,
        )

    def neighbours(self, name: str) -> tuple[str, ...]:
        """Names of the neighbours of ``name`` (any spelling), in map order.

        Examples
        --------
        >>> adj = Adjacency.from_pairs(["Norte", "Sur", "Isla"], [("Norte", "Sur")])
        >>> adj.neighbours("NORTE"), adj.neighbours("Isla")
        (('Sur',), ())
        """
        i = self._index(name)
        return tuple(u for u, flag in zip(self.units, self.matrix[i], strict=True) if flag)

    def pairs(self) -> list[tuple[str, str]]:
        """Neighbour pairs ``(a, b)`` with ``a`` before ``b`` in map order.

        Examples
        --------
        >>> adj = Adjacency.from_pairs(["Norte", "Sur", "Isla"], [("Norte", "Sur")])
        >>> adj.pairs()
        [('Norte', 'Sur')]
        """
        i, j = np.nonzero(np.triu(self.matrix, 1))
        return [(self.units[a], self.units[b]) for a, b in zip(i, j, strict=True)]

    def isolated(self) -> tuple[str, ...]:
        """Units without neighbours (islands).

        Examples
        --------
        >>> adj = Adjacency.from_pairs(["Norte", "Sur", "Isla"], [("Norte", "Sur")])
        >>> adj.isolated()
        ('Isla',)
        """
        return tuple(u for u, row in zip(self.units, self.matrix, strict=True) if not row.any())

    def to_frame(self) -> pd.DataFrame:
        """The adjacency as a unit-by-unit 0/1 table.

        Examples
        --------
        >>> adj = Adjacency.from_pairs(["Norte", "Sur", "Isla"], [("Norte", "Sur")])
        >>> adj.to_frame()
               Norte  Sur  Isla
        Norte      0    1     0
        Sur        1    0     0
        Isla       0    0     0
        """
        return pd.DataFrame(self.matrix.astype(int), index=self.units, columns=self.units)

    def _index(self, name: str) -> int:
        key = self.naming.key(name)
        keys = [self.naming.key(u) for u in self.units]
        try:
            return keys.index(key)
        except ValueError:
            raise UnknownNameError(
                f"no unit {name!r} in this adjacency; the units are {list(self.units)}"
            ) from None


def adjacency(
    boundaries: StateBoundaries,
    *,
    tolerance: float = 1e-6,
    min_shared: int = 2,
    links: Iterable[tuple[str, str]] = (),
) -> Adjacency:
    """Contiguity of the units of a map, from shared boundary vertices.

    Two units are neighbours when at least ``min_shared`` vertices of one
    lie within ``tolerance`` of a vertex of the other. The full (not
    simplified) rings are used, so simplification never creates or breaks a
    neighbour pair.

    Parameters
    ----------
    boundaries : StateBoundaries
    tolerance : float
        Distance in degrees (default ``1e-6``, about 0.1 m): enough for a
        topologically clean file, where bordering states share identical
        vertices. Check that the neighbour pairs do not change over a range
        of tolerances.
    min_shared : int
        Shared vertices required: 2 (default) asks for a shared edge (rook
        contiguity), 1 also accepts units touching at a single point (queen).
    links : iterable of (str, str)
        Extra neighbour pairs, by name (any spelling), e.g. to connect an
        island to the nearest mainland state. Recorded in ``links``.

    Returns
    -------
    Adjacency

    Notes
    -----
    Islands have no land neighbours and stay isolated unless linked. The
    clustering tests exclude isolated units (and say so) because their
    spatial lag is undefined.

    References
    ----------
    .. [1] Cliff, A. D., & Ord, J. K. (1981). *Spatial Processes: Models and
       Applications*. Pion, London (contiguity weights, ch. 1).
    .. [2] Anselin, L. (1988). *Spatial Econometrics: Methods and Models*.
       Kluwer, Dordrecht, ch. 3 (rook and queen contiguity).

    Examples
    --------
    Three unit squares in a row; with ``min_shared=2`` (a shared edge) the
    outer two are not neighbours:

    >>> squares = [[[[i, 0], [i + 1, 0], [i + 1, 1], [i, 1], [i, 0]]] for i in range(3)]
    >>> boundaries = StateBoundaries.from_rings(["West", "Centre", "East"], squares)
    >>> adj = adjacency(boundaries)
    >>> adj.pairs(), adj.isolated()
    ([('West', 'Centre'), ('Centre', 'East')], ())
    >>> adjacency(boundaries, links=[("west", "EAST")]).neighbours("West")
    ('Centre', 'East')
    """
    from scipy.spatial import cKDTree

    if tolerance < 0:
        raise ValueError(f"tolerance must be non-negative, got {tolerance}")
    if min_shared < 1:
        raise ValueError(f"min_shared must be at least 1, got {min_shared}")
    n = len(boundaries)
    points = [np.concatenate(unit) for unit in boundaries.rings]
    trees = [cKDTree(p) for p in points]
    box = boundaries.bboxes
    radius = max(tolerance, 1e-12)
    shared = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        for j in range(i + 1, n):
            if (
                box[i, 0] > box[j, 2] + radius
                or box[j, 0] > box[i, 2] + radius
                or box[i, 1] > box[j, 3] + radius
                or box[j, 1] > box[i, 3] + radius
            ):
                continue
            counts = []
            for a, b in ((i, j), (j, i)):
                p = points[a]
                inside = (
                    (p[:, 0] >= box[b, 0] - radius)
                    & (p[:, 0] <= box[b, 2] + radius)
                    & (p[:, 1] >= box[b, 1] - radius)
                    & (p[:, 1] <= box[b, 3] + radius)
                )
                if not inside.any():
                    counts.append(0)
                    continue
                d, _ = trees[b].query(p[inside], distance_upper_bound=radius)
                counts.append(int(np.isfinite(d).sum()))
            shared[i, j] = shared[j, i] = max(counts)
    matrix = shared >= min_shared
    added = []
    keys = list(boundaries.keys)
    for a, b in links:
        try:
            ia, ib = keys.index(boundaries.naming.key(a)), keys.index(boundaries.naming.key(b))
        except ValueError:
            raise UnknownNameError(
                f"link ({a!r}, {b!r}) names a unit not on the map; "
                f"the units are {list(boundaries.names)}"
            ) from None
        if ia == ib:
            raise ValueError(f"link ({a!r}, {b!r}) joins a unit to itself")
        matrix[ia, ib] = matrix[ib, ia] = True
        added.append((boundaries.names[ia], boundaries.names[ib]))
    np.fill_diagonal(matrix, False)
    return Adjacency(
        units=boundaries.names,
        matrix=matrix,
        shared=shared,
        tolerance=float(tolerance),
        min_shared=int(min_shared),
        links=tuple(added),
        naming=boundaries.naming,
    )


# ------------------------------------------------------------- clustering
_REF_MORAN = (
    "Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. Biometrika 37(1/2), "
    "17–23. doi:10.2307/2332142; Cliff, A. D., & Ord, J. K. (1981). Spatial Processes: "
    "Models and Applications. Pion."
)
_REF_LISA = (
    "Anselin, L. (1995). Local indicators of spatial association—LISA. Geographical "
    "Analysis 27(2), 93–115. doi:10.1111/j.1538-4632.1995.tb00338.x"
)
_REF_GI = (
    "Getis, A., & Ord, J. K. (1992). The analysis of spatial association by use of distance "
    "statistics. Geographical Analysis 24(3), 189–206. doi:10.1111/j.1538-4632.1992.tb00261.x; "
    "Ord, J. K., & Getis, A. (1995). Local spatial autocorrelation statistics. Geographical "
    "Analysis 27(4), 286–306. doi:10.1111/j.1538-4632.1995.tb00912.x"
)


@dataclasses.dataclass(frozen=True)
class MoranResult(TestResult):
    """Global Moran's I with its permutation test.

    Attributes
    ----------
    expected : float
        ``E[I] = -1/(n-1)`` under random placement.
    n_resamples : int
        Random placements drawn (``permutations`` is its former name).
    alternative : str
    null_distribution : numpy.ndarray
        I for each random placement.
    units : tuple of str
        Units analysed, in map order.
    excluded : pandas.DataFrame
        Units set aside (columns ``unit``, ``reason``).
    """

    expected: float
    n_resamples: int
    alternative: str
    null_distribution: np.ndarray = dataclasses.field(repr=False)
    units: tuple[str, ...] = ()
    excluded: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)

    permutations = renamed_attribute("n_resamples", "permutations")


@dataclasses.dataclass(frozen=True)
class LocalClusterResult(TestResult):
    """Local clustering statistics (local Moran's I or Getis–Ord Gi*).

    The base fields summarise the battery: ``statistic`` is the number of
    units with Benjamini–Hochberg adjusted p-value at most ``alpha``,
    ``pvalue`` the smallest adjusted p-value (a test of "no cluster
    anywhere", since BH controls the family-wise error when every null
    holds), ``effect_size`` the share of units flagged.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per analysed unit: ``unit``, ``value``, ``lag`` (mean of the
        neighbours' values), ``n_neighbours``, ``statistic`` (local I, or the
        Gi* z-score), ``pvalue`` (permutation), ``pvalue_bh``, ``cluster``
        (``"high-high"``, ``"low-low"``, ``"high-low"``, ``"low-high"`` for
        local Moran; ``"hot"``, ``"cold"`` for Gi*), ``significant``.
    excluded : pandas.DataFrame
        Units set aside (``unit``, ``reason``).
    n_resamples : int
        Random draws per unit (``permutations`` is its former name).
    alternative : str
    alpha : float
    """

    table: pd.DataFrame = dataclasses.field(repr=False)
    excluded: pd.DataFrame = dataclasses.field(repr=False)
    n_resamples: int
    alternative: str
    alpha: float

    permutations = renamed_attribute("n_resamples", "permutations")

    def adjusted_pvalues(self) -> pd.Series:
        """BH-adjusted p-values by unit (for :func:`forensics.plots.choropleth`)."""
        return pd.Series(self.table["pvalue_bh"].to_numpy(), index=self.table["unit"])


@dataclasses.dataclass(frozen=True)
class _Prepared:
    units: tuple[str, ...]
    x: np.ndarray
    binary: np.ndarray  # bool (n, n), no self-links
    excluded: pd.DataFrame


def _prepare(values, adj: Adjacency) -> _Prepared:
    """Join values to the adjacency's units; set aside no-data and isolated units."""
    if not isinstance(adj, Adjacency):
        raise TypeError(f"adjacency must be a forensics.maps.Adjacency, got {type(adj).__name__}")
    if isinstance(values, (Mapping, pd.Series)):
        join = join_states(values, adj.units, adj.naming)
        x = join.values.to_numpy()
        off = [
            (name, "off the map: " + adj.naming.off_map[adj.naming.key(name)])
            for name in join.off_map.index
        ]
    else:
        x = np.asarray(values, dtype=float)
        if x.shape != (len(adj.units),):
            raise ValueError(
                f"values must be a mapping by state name or an array of length "
                f"{len(adj.units)} in the adjacency's unit order, got shape {x.shape}"
            )
        off = []
    reasons = list(off)
    has = np.isfinite(x)
    reasons += [(u, "no value") for u, ok in zip(adj.units, has, strict=True) if not ok]
    sub = adj.matrix[np.ix_(has, has)]
    kept_units = [u for u, ok in zip(adj.units, has, strict=True) if ok]
    lonely = ~sub.any(axis=1)
    reasons += [
        (u, "no neighbour with a value (island)")
        for u, flag in zip(kept_units, lonely, strict=True)
        if flag
    ]
    keep = ~lonely
    units = tuple(u for u, k in zip(kept_units, keep, strict=True) if k)
    xs = x[has][keep]
    binary = sub[np.ix_(keep, keep)]
    if len(units) < 3:
        raise DataError(
            f"spatial statistics need at least 3 units with values and neighbours, got "
            f"{len(units)}; set aside: {reasons}"
        )
    if np.ptp(xs) == 0:
        raise DataError("all values are equal: spatial autocorrelation is undefined")
    excluded = pd.DataFrame(reasons, columns=["unit", "reason"])
    return _Prepared(units, xs, binary, excluded)


def _rng(rng) -> np.random.Generator:
    return np.random.default_rng(rng)


def _spatial(module: str, name: str):
    """``name`` from ``module`` (esda or libpysal), imported on first use.

    esda's import loads ``tqdm.auto``, which warns in a Jupyter kernel without
    ipywidgets; that warning concerns a progress bar these functions never
    show, so it is silenced for the import only.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        return getattr(importlib.import_module(module), name)


def _weights(binary: np.ndarray):
    """Binary contiguity as a :class:`libpysal.weights.W` (ids 0..n-1, map order)."""
    W = _spatial("libpysal.weights", "W")

    n = len(binary)
    neighbours = {i: [int(j) for j in np.flatnonzero(binary[i])] for i in range(n)}
    return W(neighbours, id_order=list(range(n)), silence_warnings=True)


def _check(n_resamples: int, alternative: str) -> None:
    if int(n_resamples) < 1:
        raise ValueError(f"n_resamples must be a positive integer, got {n_resamples}")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}"
        )


def _perm_pvalue(observed, null, alternative: str):
    """Permutation p-values ``(1 + #as extreme) / (R + 1)``; null has R along axis -1."""
    observed = np.asarray(observed, dtype=float)
    obs = observed[..., None]
    # absorb floating-point noise from summing the same values in another order
    eps = 1e-10 * np.maximum(np.abs(obs), np.abs(null).max(axis=-1, keepdims=True) + 1e-300)
    r = null.shape[-1]
    greater = (1.0 + np.sum(null >= obs - eps, axis=-1)) / (r + 1.0)
    less = (1.0 + np.sum(null <= obs + eps, axis=-1)) / (r + 1.0)
    if alternative == "greater":
        return greater
    if alternative == "less":
        return less
    return np.minimum(1.0, 2.0 * np.minimum(greater, less))


@renamed_parameters(permutations="n_resamples")
def morans_i(
    values: Mapping[str, float] | pd.Series | ArrayLike,
    adjacency: Adjacency,
    *,
    n_resamples: int = 9999,
    alternative: Alternative = "two-sided",
    rng: np.random.Generator | int | None = None,
) -> MoranResult:
    """Global Moran's I of state-level values, with a permutation test.

    Parameters
    ----------
    values : mapping, pandas.Series or array_like
        A number per state, keyed by name (any spelling the adjacency's
        :class:`StateNames` fold; its off-map units, such as voting abroad,
        are set aside and listed) or an array in the order of
        ``adjacency.units``. NaN marks a state without a value.
    adjacency : Adjacency
        From :func:`adjacency`.
    n_resamples : int
        Random placements drawn (default 9,999; formerly ``permutations``).
    alternative : {"two-sided", "greater", "less"}
        "greater" tests for positive autocorrelation (similar values
        cluster), "less" for negative (neighbours dissimilar); two-sided
        doubles the smaller one-sided p-value (capped at 1).
    rng : numpy.random.Generator or int, optional
        Source of the random placements.

    Returns
    -------
    MoranResult
        ``statistic`` is I, ``effect_size`` is ``I - E[I]``.

    Notes
    -----
    With ``z = x - mean(x)`` and the row-standardised contiguity weights
    ``w_ij = 1/k_i`` for the ``k_i`` neighbours of ``i``,
    ``I = (n / S0) * sum_ij w_ij z_i z_j / sum_i z_i**2`` with
    ``S0 = sum_ij w_ij = n``. States without a value and states left
    without a neighbour (islands) are set aside before the weights are
    built, and counted in ``n_excluded``. I and ``E[I]`` come from
    :class:`esda.moran.Moran` on a :class:`libpysal.weights.W`.

    Null model: complete spatial randomisation, i.e. the observed values are
    placed on the units in random order; the p-value is
    ``(1 + #{I_perm as or more extreme}) / (n_resamples + 1)``, exact
    under exchangeability. ``E[I] = -1/(n-1)``. A significant I says that
    neighbouring states have more (or less) similar values than a random
    arrangement of the same values, not why.

    References
    ----------
    .. [1] Moran, P. A. P. (1950). Notes on continuous stochastic phenomena.
       Biometrika 37(1/2), 17–23. doi:10.2307/2332142
    .. [2] Cliff, A. D., & Ord, J. K. (1981). Spatial Processes: Models and
       Applications. London: Pion.
    .. [3] Anselin, L. (1995). Local indicators of spatial association—LISA.
       Geographical Analysis 27(2), 93–115.
       doi:10.1111/j.1538-4632.1995.tb00338.x (permutation inference)

    Examples
    --------
    Four units on a line, A - B - C - D, with values rising along it:

    >>> line = Adjacency.from_pairs("ABCD", [("A", "B"), ("B", "C"), ("C", "D")])
    >>> res = morans_i({"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0}, line, n_resamples=999, rng=1)
    >>> round(res.statistic, 4), round(res.expected, 4), res.n
    (0.4, -0.3333, 4)
    >>> round(res.pvalue, 3)
    0.146
    """
    Moran = _spatial("esda.moran", "Moran")

    _check(n_resamples, alternative)
    prep = _prepare(values, adjacency)
    gen = _rng(rng)
    n = len(prep.units)
    weights = _weights(prep.binary)
    # esda computes I (and E[I]); its own permutations draw from numpy's global
    # state, so the placements are drawn here from ``rng`` instead
    moran = Moran(prep.x, weights, transformation="r", permutations=0)
    stat = float(moran.I)
    w = weights.sparse  # row-standardised by Moran
    z = prep.x - prep.x.mean()
    scale = n / weights.s0 / np.sum(z * z)
    r = int(n_resamples)
    null = np.empty(r)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, r, chunk):
        m = min(chunk, r - start)
        zp = gen.permuted(np.broadcast_to(z, (m, n)), axis=1)
        null[start : start + m] = scale * np.einsum("ri,ri->r", (w @ zp.T).T, zp)
    p = float(_perm_pvalue(stat, null, alternative))
    expected = float(moran.EI)
    return MoranResult(
        statistic=as_float(stat),
        pvalue=p,
        n=n,
        n_excluded=len(prep.excluded),
        effect_size=as_float(stat - expected),
        effect_size_name="I - E[I]",
        method="global Moran's I, row-standardised contiguity weights",
        null=f"random placement ({r:,} permutations)",
        reference=_REF_MORAN,
        expected=as_float(expected),
        n_resamples=r,
        alternative=alternative,
        null_distribution=null,
        units=prep.units,
        excluded=prep.excluded,
    )


def _conditional_sums(
    x: np.ndarray, binary: np.ndarray, n_resamples: int, gen: np.random.Generator
) -> np.ndarray:
    """Sum of ``k_i`` values drawn without replacement from the others, per unit and draw.

    Returns an array (n, R): for unit ``i``, R sums over random ``k_i``-subsets
    of ``x`` without ``x_i`` (conditional randomisation).
    """
    n = len(x)
    k = binary.sum(axis=1)
    out = np.empty((n, n_resamples))
    chunk = max(1, 4_000_000 // max(n - 1, 1))
    for i in range(n):
        others = np.delete(x, i)
        ki = int(k[i])
        for start in range(0, n_resamples, chunk):
            m = min(chunk, n_resamples - start)
            keys = gen.random((m, n - 1))
            if ki < n - 1:
                idx = np.argpartition(keys, ki - 1, axis=1)[:, :ki]
            else:
                idx = np.broadcast_to(np.arange(n - 1), (m, n - 1))
            out[i, start : start + m] = others[idx].sum(axis=1)
    return out


# A local statistic: from the prepared data, a generator and the number of
# draws, the statistic per unit, its null draws (n, R), the lag and the labels.
_LocalParts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _local_test(
    values,
    adjacency: Adjacency,
    parts: Callable[[_Prepared, np.random.Generator, int], _LocalParts],
    *,
    n_resamples: int,
    alternative: str,
    alpha: float,
    rng,
    method: str,
    reference: str,
) -> LocalClusterResult:
    """A local statistic with conditional-randomisation p-values, BH-adjusted."""
    _check(n_resamples, alternative)
    prep = _prepare(values, adjacency)
    stat, null, lag, cluster = parts(prep, _rng(rng), int(n_resamples))
    p = _perm_pvalue(stat, null, alternative)
    p_bh = benjamini_hochberg(p)
    significant = p_bh <= alpha
    table = pd.DataFrame(
        {
            "unit": list(prep.units),
            "value": prep.x,
            "lag": lag,
            "n_neighbours": prep.binary.sum(axis=1).astype(np.int64),
            "statistic": stat,
            "pvalue": p,
            "pvalue_bh": p_bh,
            "cluster": cluster,
            "significant": significant,
        }
    )
    n = len(prep.units)
    return LocalClusterResult(
        statistic=float(significant.sum()),
        pvalue=as_float(p_bh.min()),
        n=n,
        n_excluded=len(prep.excluded),
        effect_size=as_float(significant.mean()),
        effect_size_name=f"share of units with BH-adjusted p <= {alpha:g}",
        method=method,
        null=f"conditional randomisation ({int(n_resamples):,} permutations)",
        reference=reference,
        table=table,
        excluded=prep.excluded,
        n_resamples=int(n_resamples),
        alternative=alternative,
        alpha=float(alpha),
    )


def _local_moran_parts(prep: _Prepared, gen: np.random.Generator, n_resamples: int) -> _LocalParts:
    Moran_Local = _spatial("esda.moran", "Moran_Local")
    lag_spatial = _spatial("libpysal.weights", "lag_spatial")

    n = len(prep.units)
    weights = _weights(prep.binary)
    local = Moran_Local(prep.x, weights, transformation="r", permutations=0)
    # esda scales I_i by (n - 1) / sum z^2 of the standardised values; n / sum z^2
    # (Anselin 1995, m2 with divisor n) makes sum_i I_i = n I
    stat = local.Is * n / (n - 1)
    z = prep.x - prep.x.mean()
    m2 = np.sum(z * z) / n
    k = prep.binary.sum(axis=1)
    sums = _conditional_sums(z, prep.binary, n_resamples, gen)
    null = z[:, None] * (sums / k[:, None]) / m2
    quadrant = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}
    cluster = np.array([quadrant[int(q)] for q in local.q])
    lag = lag_spatial(weights, prep.x)  # weights row-standardised by Moran_Local
    return stat, null, lag, cluster


def _gi_star_parts(prep: _Prepared, gen: np.random.Generator, n_resamples: int) -> _LocalParts:
    G_Local = _spatial("esda.getisord", "G_Local")

    n = len(prep.units)
    x = prep.x
    k = prep.binary.sum(axis=1)
    everywhere = [u for u, ki in zip(prep.units, k, strict=True) if ki == n - 1]
    if everywhere:
        # W_i = n: the unit and its neighbours hold every value, so Gi* is 0 / 0
        raise DataError(
            "Getis-Ord Gi* is undefined for a unit that neighbours every other unit: "
            + ", ".join(everywhere)
        )
    # esda's Gi* is a ratio to sum(x), undefined when the values sum to zero; the
    # standardised Gi* is unchanged by adding a constant, so the values are shifted
    # to be positive first
    shifted = x - x.min() + np.ptp(x)
    gi = G_Local(shifted, _weights(prep.binary), transform="B", star=True, permutations=0)
    stat = np.asarray(gi.Zs, dtype=float)
    # the permutation null, on the same scale: numerator and scale of Gi*
    wi = k + 1.0
    mean = x.mean()
    s = np.sqrt(np.mean(x * x) - mean**2)
    scale = s * np.sqrt((n * wi - wi**2) / (n - 1))
    sums = _conditional_sums(x, prep.binary, n_resamples, gen)
    null = ((x[:, None] + sums) - mean * wi[:, None]) / scale[:, None]
    cluster = np.where(stat > 0, "hot", "cold")
    lag = (prep.binary @ x) / k
    return stat, null, lag, cluster


@renamed_parameters(permutations="n_resamples")
def local_morans_i(
    values: Mapping[str, float] | pd.Series | ArrayLike,
    adjacency: Adjacency,
    *,
    n_resamples: int = 9999,
    alternative: Alternative = "two-sided",
    alpha: float = 0.05,
    rng: np.random.Generator | int | None = None,
) -> LocalClusterResult:
    """Local Moran's I per state, with conditional-randomisation p-values.

    Parameters
    ----------
    values, adjacency
        As in :func:`morans_i`.
    n_resamples : int
        Draws per unit (default 9,999; formerly ``permutations``).
    alternative : {"two-sided", "greater", "less"}
        "greater": the unit resembles its neighbours more than chance
        (high-high or low-low cluster); "less": it differs (spatial outlier).
    alpha : float
        Level at which the BH-adjusted p-values flag a unit.
    rng : numpy.random.Generator or int, optional
        Source of the random draws.

    Returns
    -------
    LocalClusterResult

    Notes
    -----
    ``I_i = (z_i / m2) * sum_j w_ij z_j`` with ``z = x - mean(x)``,
    ``m2 = sum_j z_j**2 / n`` and row-standardised contiguity weights, so
    ``sum_i I_i = n * I`` (global Moran's I): :class:`esda.moran.Moran_Local`
    times ``n / (n - 1)`` (esda divides by ``m2`` with divisor ``n - 1``). The
    cluster labels are esda's quadrants. Units without a value or without a
    neighbour are set aside first (``excluded``).

    Null model (conditional randomisation, Anselin 1995): ``x_i`` is held at
    its unit and the other ``n - 1`` values are placed at random; unit
    ``i``'s neighbours receive a random ``k_i``-subset of them, drawn
    independently for each unit. The p-value is
    ``(1 + #{as or more extreme}) / (n_resamples + 1)``. The p-values of
    different units share data, so the Benjamini–Hochberg adjustment across
    units is approximate (it is exact under independence or positive
    regression dependence).

    References
    ----------
    .. [1] Anselin, L. (1995). Local indicators of spatial association—LISA.
       Geographical Analysis 27(2), 93–115.
       doi:10.1111/j.1538-4632.1995.tb00338.x
    .. [2] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300.
       doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    Four units on a line, A - B - C - D:

    >>> line = Adjacency.from_pairs("ABCD", [("A", "B"), ("B", "C"), ("C", "D")])
    >>> res = local_morans_i([1.0, 2.0, 3.0, 4.0], line, n_resamples=99, rng=0)
    >>> res.table[["unit", "statistic", "cluster"]].round(3)
      unit  statistic    cluster
    0    A        0.6    low-low
    1    B        0.2    low-low
    2    C        0.2  high-high
    3    D        0.6  high-high
    >>> int(res.statistic)  # units flagged after Benjamini-Hochberg
    0
    """
    return _local_test(
        values,
        adjacency,
        _local_moran_parts,
        n_resamples=n_resamples,
        alternative=alternative,
        alpha=alpha,
        rng=rng,
        method="local Moran's I, row-standardised contiguity weights",
        reference=_REF_LISA,
    )


@renamed_parameters(permutations="n_resamples")
def getis_ord_gi_star(
    values: Mapping[str, float] | pd.Series | ArrayLike,
    adjacency: Adjacency,
    *,
    n_resamples: int = 9999,
    alternative: Alternative = "two-sided",
    alpha: float = 0.05,
    rng: np.random.Generator | int | None = None,
) -> LocalClusterResult:
    """Getis–Ord Gi* hot and cold spots, with conditional-randomisation p-values.

    Parameters
    ----------
    values, adjacency, n_resamples, alpha, rng
        As in :func:`local_morans_i`.
    alternative : {"two-sided", "greater", "less"}
        "greater" looks for hot spots (a unit and its neighbours high),
        "less" for cold spots.

    Returns
    -------
    LocalClusterResult
        ``table["statistic"]`` is the standardised Gi* (a z-score).

    Notes
    -----
    With binary contiguity weights plus the unit itself (``w_ii = 1``),
    ``W_i = k_i + 1`` and ``S = sqrt(sum x**2 / n - mean(x)**2)``,
    ``Gi* = (sum_j w_ij x_j - mean(x) W_i) / (S sqrt((n W_i - W_i**2) / (n - 1)))``
    (Ord & Getis 1995, eq. 14, with ``S1_i = W_i`` for binary weights),
    computed by :class:`esda.getisord.G_Local` (``star=True``, binary
    weights) on the values shifted to be positive, which leaves Gi*
    unchanged. Units without a value or without a neighbour are set aside
    first. A unit that neighbours every other unit has ``W_i = n`` and an
    undefined Gi* (0 / 0); such a map is refused.

    Null model: conditional randomisation as in :func:`local_morans_i`:
    ``x_i`` stays, the neighbours receive a random ``k_i``-subset of the
    other values. Gi* is increasing in ``sum_j w_ij x_j`` for fixed data, so
    the permutation p-value is computed on that sum. The normal
    approximation to Gi* is not used: with 25 states it is poor.

    References
    ----------
    .. [1] Getis, A., & Ord, J. K. (1992). The analysis of spatial
       association by use of distance statistics. Geographical Analysis
       24(3), 189–206. doi:10.1111/j.1538-4632.1992.tb00261.x
    .. [2] Ord, J. K., & Getis, A. (1995). Local spatial autocorrelation
       statistics: distributional issues and an application. Geographical
       Analysis 27(4), 286–306. doi:10.1111/j.1538-4632.1995.tb00912.x

    Examples
    --------
    Four units on a line, A - B - C - D:

    >>> line = Adjacency.from_pairs("ABCD", [("A", "B"), ("B", "C"), ("C", "D")])
    >>> res = getis_ord_gi_star([1.0, 2.0, 3.0, 4.0], line, n_resamples=99, rng=0)
    >>> res.table[["unit", "statistic", "cluster"]].round(3)
      unit  statistic cluster
    0    A     -1.549    cold
    1    B     -1.342    cold
    2    C      1.342     hot
    3    D      1.549     hot
    """
    return _local_test(
        values,
        adjacency,
        _gi_star_parts,
        n_resamples=n_resamples,
        alternative=alternative,
        alpha=alpha,
        rng=rng,
        method="Getis-Ord Gi* (binary contiguity weights with self)",
        reference=_REF_GI,
    )


# ------------------------------------------------------------------ power
_REF_POWER = (
    "Anselin, L., & Rey, S. (1991). Properties of tests for spatial dependence in linear "
    "regression models. Geographical Analysis 23(2), 112–131. "
    "doi:10.1111/j.1538-4632.1991.tb00228.x; Wilson, E. B. (1927). Probable inference, the "
    "law of succession, and statistical inference. JASA 22(158), 209–212. "
    "doi:10.1080/01621459.1927.10502953"
)


@dataclasses.dataclass(frozen=True)
class MoranPowerResult:
    """Rejection rates of Moran's I on simulated autocorrelated maps.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per autocorrelation ``rho``: ``rho``, ``n_sim``, then for the
        global test ``global_rejections`` (maps with p-value at most
        ``alpha``), ``global_rate`` and its Wilson interval
        ``global_ci_low``, ``global_ci_high``; with the local test the same
        four ``local_*`` columns count the maps where local Moran's I flags
        at least one unit (Benjamini–Hochberg adjusted p-value at most
        ``alpha``).
    units : tuple of str
        The units simulated (those with a neighbour), in map order.
    n_sim : int
        Maps simulated per ``rho``.
    n_resamples : int
        Random placements per test.
    alpha : float
    alternative : str
    confidence_level : float
        Of the Wilson intervals.
    method, reference : str
    """

    table: pd.DataFrame = dataclasses.field(repr=False)
    units: tuple[str, ...]
    n_sim: int
    n_resamples: int
    alpha: float
    alternative: str
    confidence_level: float
    method: str
    reference: str

    def to_frame(self) -> pd.DataFrame:
        """The table of rejection rates (a copy)."""
        return self.table.copy()


def _rate_columns(prefix: str, hits: Sequence[int], n_sim: int, confidence_level: float) -> dict:
    """Rejections, their rate and its Wilson interval (scipy's ``binomtest``)."""
    from scipy.stats import binomtest

    cis = [
        binomtest(int(k), n_sim).proportion_ci(confidence_level=confidence_level, method="wilson")
        for k in hits
    ]
    return {
        f"{prefix}_rejections": [int(k) for k in hits],
        f"{prefix}_rate": [int(k) / n_sim for k in hits],
        f"{prefix}_ci_low": [float(ci.low) for ci in cis],
        f"{prefix}_ci_high": [float(ci.high) for ci in cis],
    }


def moran_power(
    adjacency: Adjacency,
    rho: float | Sequence[float],
    *,
    n_sim: int = 300,
    n_resamples: int = 999,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    local: bool = True,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> MoranPowerResult:
    """Power of Moran's I on a map: how often it rejects on autocorrelated values.

    Values are drawn on the units of ``adjacency`` from a simultaneous
    autoregressive (SAR) process of strength ``rho`` and tested with
    :func:`morans_i` (and :func:`local_morans_i`); the share of maps on
    which a test rejects at ``alpha`` is its power at that ``rho`` (its size
    at ``rho = 0``).

    Parameters
    ----------
    adjacency : Adjacency
        The map. Units without a neighbour (islands) are left out of the
        simulation, as the tests would set them aside.
    rho : float or sequence of float
        SAR autocorrelation(s), each in ``(-1, 1)``; 0 gives independent
        values (no clustering).
    n_sim : int
        Maps simulated per ``rho`` (default 300).
    n_resamples : int
        Random placements per test (default 999).
    alpha : float
        Rejection level of the global test, and the level at which the
        Benjamini–Hochberg adjusted local p-values flag a unit.
    alternative : {"two-sided", "greater", "less"}
        Passed to both tests.
    local : bool
        Also run :func:`local_morans_i` on each map (default True).
    confidence_level : float
        Of the Wilson intervals of the rejection rates (default 0.95).
    rng : numpy.random.Generator or int, optional
        One stream for the maps and the tests' permutations.

    Returns
    -------
    MoranPowerResult

    Notes
    -----
    With ``W`` the row-standardised contiguity weights of the ``m`` units
    that have a neighbour, each map is ``x = (I - rho W)^{-1} e`` with ``e``
    standard normal (Cliff & Ord 1981; Anselin & Rey 1991 use this design
    to study the power of Moran's I). The random stream is used in order:
    for each ``rho`` and each map, ``m`` normal draws, then the global
    test's placements, then the local test's draws. The rejection rates
    are binomial proportions over ``n_sim`` maps, with Wilson score
    intervals (:func:`scipy.stats.binomtest`). Power depends on the map
    (the number of units and how they connect), not only on ``rho``.

    References
    ----------
    .. [1] Anselin, L., & Rey, S. (1991). Properties of tests for spatial
       dependence in linear regression models. Geographical Analysis 23(2),
       112–131. doi:10.1111/j.1538-4632.1991.tb00228.x
    .. [2] Cliff, A. D., & Ord, J. K. (1981). Spatial Processes: Models and
       Applications. London: Pion.
    .. [3] Wilson, E. B. (1927). Probable inference, the law of succession,
       and statistical inference. JASA 22(158), 209–212.
       doi:10.1080/01621459.1927.10502953

    Examples
    --------
    A 3 x 3 grid of units (rook contiguity):

    >>> grid = Adjacency.from_pairs(
    ...     "abcdefghi",  # a b c / d e f / g h i
    ...     ["ab", "bc", "de", "ef", "gh", "hi", "ad", "dg", "be", "eh", "cf", "fi"],
    ... )
    >>> res = moran_power(grid, [0.0, 0.8], n_sim=20, n_resamples=99, local=False, rng=1)
    >>> res.table[["rho", "global_rejections", "global_rate", "global_ci_high"]].round(3)
       rho  global_rejections  global_rate  global_ci_high
    0  0.0                  0         0.00           0.161
    1  0.8                  7         0.35           0.567
    """
    if not isinstance(adjacency, Adjacency):
        raise TypeError(
            f"adjacency must be a forensics.maps.Adjacency, got {type(adjacency).__name__}"
        )
    rhos = np.atleast_1d(np.asarray(rho, dtype=float))
    if rhos.ndim != 1 or rhos.size == 0 or not np.all(np.abs(rhos) < 1):
        raise ValueError(f"rho must be one or more numbers in (-1, 1), got {rho!r}")
    if not (isinstance(n_sim, (int, np.integer)) and n_sim >= 1):
        raise ValueError(f"n_sim must be a positive integer, got {n_sim!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must lie in (0, 1), got {confidence_level!r}")
    _check(n_resamples, alternative)
    connected = adjacency.matrix.any(axis=1)
    m = int(connected.sum())
    if m < 3:
        raise DataError(f"the map needs at least 3 units with a neighbour, it has {m}")
    weights = adjacency.matrix[np.ix_(connected, connected)].astype(float)
    weights /= weights.sum(axis=1, keepdims=True)
    gen = _rng(rng)
    sim = np.full(len(adjacency.units), np.nan)
    hits_global, hits_local = [], []
    for r in rhos:
        spread = np.linalg.inv(np.eye(m) - r * weights)
        n_global = n_local = 0
        for _ in range(int(n_sim)):
            sim[connected] = spread @ gen.normal(size=m)
            test = morans_i(
                sim, adjacency, n_resamples=n_resamples, alternative=alternative, rng=gen
            )
            n_global += int(test.pvalue <= alpha)
            if local:
                flagged = local_morans_i(
                    sim,
                    adjacency,
                    n_resamples=n_resamples,
                    alternative=alternative,
                    alpha=alpha,
                    rng=gen,
                )
                n_local += int(flagged.table["significant"].any())
        hits_global.append(n_global)
        hits_local.append(n_local)
    columns = {"rho": [float(r) for r in rhos], "n_sim": [int(n_sim)] * rhos.size}
    columns |= _rate_columns("global", hits_global, int(n_sim), confidence_level)
    if local:
        columns |= _rate_columns("local", hits_local, int(n_sim), confidence_level)
    units = tuple(u for u, c in zip(adjacency.units, connected, strict=True) if c)
    return MoranPowerResult(
        table=pd.DataFrame(columns),
        units=units,
        n_sim=int(n_sim),
        n_resamples=int(n_resamples),
        alpha=float(alpha),
        alternative=alternative,
        confidence_level=float(confidence_level),
        method=(
            "rejection rates of global (and local) Moran's I on SAR-simulated values, "
            "row-standardised contiguity weights"
        ),
        reference=_REF_POWER,
    )
