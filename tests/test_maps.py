"""Maps: state names, boundaries, adjacency, spatial clustering tests, choropleths."""

from __future__ import annotations

import itertools
import os

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forensics import datasets, maps
from forensics.cases.venezuela_2024 import STATE_NAMES
from forensics.election import DataError, UnknownNameError
from forensics.figures import savefig
from forensics.plots.maps import choropleth, cluster_map

matplotlib.use("Agg")

# The state names of the 2024 acta files (column EDO, V1 and V2) and of the
# 2013 CNE file (column Estado), as they appear in the raw files.
RAW_2024 = (
    "DTTO. CAPITAL", "EDO. AMAZONAS", "EDO. ANZOATEGUI", "EDO. APURE", "EDO. ARAGUA",
    "EDO. BARINAS", "EDO. BOLIVAR", "EDO. CARABOBO", "EDO. COJEDES", "EDO. DELTA AMAC",
    "EDO. FALCON", "EDO. GUARICO", "EDO. LA GUAIRA", "EDO. LARA", "EDO. MERIDA",
    "EDO. MIRANDA", "EDO. MONAGAS", "EDO. PORTUGUESA", "EDO. SUCRE", "EDO. TACHIRA",
    "EDO. TRUJILLO", "EDO. YARACUY", "EDO. ZULIA", "EDO.NVA.ESPARTA",
)  # fmt: skip
RAW_2013 = (
    "Amazonas", "Anzoátegui", "Apure", "Aragua", "Barinas", "Bolívar", "Carabobo", "Cojedes",
    "Delta Amacuro", "Dtto. Capital", "Embajadas", "Falcón", "Guárico", "Lara", "Miranda",
    "Monagas", "Mérida", "Nueva Esparta", "Portuguesa", "Sucre", "Trujillo", "Táchira",
    "Vargas", "Yaracuy", "Zonas Inhóspitas", "Zulia",
)  # fmt: skip
# ADM1_ES of the boundary file, in file order.
MAP_NAMES = (
    "Amazonas", "Anzoátegui", "Apure", "Aragua", "Barinas", "Bolívar", "Carabobo", "Cojedes",
    "Delta Amacuro", "Distrito Capital", "Falcón", "Guárico", "La Guaira", "Lara", "Mérida",
    "Miranda", "Monagas", "Nueva Esparta", "Portuguesa", "Sucre", "Táchira", "Trujillo",
    "Yaracuy", "Zulia", "Dependencias Federales",
)  # fmt: skip


@pytest.fixture(scope="module")
def states():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set: no local data mirror")
    return datasets.load("venezuela-states")


@pytest.fixture(scope="module")
def adj(states):
    return maps.adjacency(states)


def lattice(rows: int, cols: int) -> maps.Adjacency:
    """Rook contiguity on a rows x cols grid, units named r<i>c<j>."""
    n = rows * cols
    m = np.zeros((n, n), dtype=bool)
    for r, c in itertools.product(range(rows), range(cols)):
        i = r * cols + c
        if c + 1 < cols:
            m[i, i + 1] = m[i + 1, i] = True
        if r + 1 < rows:
            m[i, i + cols] = m[i + cols, i] = True
    units = tuple(f"r{r}c{c}" for r, c in itertools.product(range(rows), range(cols)))
    return maps.Adjacency(units=units, matrix=m, shared=m.astype(np.int64))


def path4() -> maps.Adjacency:
    """Four units on a line: A - B - C - D."""
    return lattice(1, 4)


# ------------------------------------------------------------------ names
@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("EDO. ZULIA", "ZULIA"),
        ("DTTO. CAPITAL", "DISTRITO CAPITAL"),
        ("Dtto. Capital", "DISTRITO CAPITAL"),
        ("EDO.NVA.ESPARTA", "NUEVA ESPARTA"),
        ("EDO. DELTA AMAC", "DELTA AMACURO"),
        ("Táchira", "TACHIRA"),
        ("  estado   Mérida ", "MERIDA"),
        ("Vargas", "LA GUAIRA"),
        ("Zonas Inhóspitas", "ZONAS INHOSPITAS"),
    ],
)
def test_normalize_state_name(raw, key):
    assert maps.normalize_state_name(raw, STATE_NAMES) == key
    assert STATE_NAMES.key(raw) == key


def test_state_names_rules_apply_in_order():
    # no rules: accents, case and punctuation only
    assert maps.normalize_state_name("  Saint-Étienne ") == "SAINT ETIENNE"
    assert maps.normalize_state_name("EDO. ZULIA") == "EDO ZULIA"
    rules = maps.StateNames(
        abbreviations={"PROV": "PROVINCE", "N": "NORTH"},
        prefixes=("PROVINCE",),
        aliases={"NORTH": "NORTHERN"},
        off_map={"ABROAD": "voting abroad"},
    )
    # expanded, then the prefix dropped, then the alias applied
    assert rules.key("Prov. N") == "NORTHERN"
    assert rules.key("Province") == "PROVINCE"  # a lone prefix stays
    join = maps.join_states({"prov. n": 1.0, "Abroad": 2.0}, ("Northern", "Southern"), rules)
    assert join.values["Northern"] == 1.0
    assert np.isnan(join.values["Southern"])
    assert join.off_map.to_dict() == {"Abroad": 2.0}
    assert join.missing == ("Southern",)
    # without the rules the same names do not join
    with pytest.raises(DataError, match="2 state name"):
        maps.join_states({"prov. n": 1.0, "Abroad": 2.0}, ("Northern", "Southern"))


def test_every_raw_spelling_joins_to_the_map():
    join = maps.join_states(dict.fromkeys(RAW_2024, 1.0), MAP_NAMES, STATE_NAMES)
    # 24 states with values; the Dependencias Federales have no voters
    assert join.missing == ("Dependencias Federales",)
    assert join.off_map.empty
    join13 = maps.join_states(dict.fromkeys(RAW_2013, 1.0), MAP_NAMES, STATE_NAMES)
    assert join13.missing == ("Dependencias Federales",)
    assert list(join13.off_map.index) == ["Embajadas", "Zonas Inhóspitas"]
    assert join13.values["La Guaira"] == 1.0  # from "Vargas"


def test_join_lists_every_unmatched_name():
    values = {"EDO. ZULIA": 0.5, "Atlantis": 0.1, "EDO. ATLANTIDA": 0.2}
    with pytest.raises(DataError, match=r"2 state name\(s\).*'Atlantis', 'EDO. ATLANTIDA'"):
        maps.join_states(values, MAP_NAMES, STATE_NAMES)


def test_join_rejects_two_spellings_of_one_state():
    with pytest.raises(DataError, match="both match the map unit 'Zulia'"):
        maps.join_states({"Zulia": 0.5, "EDO. ZULIA": 0.6}, MAP_NAMES, STATE_NAMES)


# ------------------------------------------------------------- boundaries
def test_boundaries_read_as_documented(states):
    # SOURCE.md: 25 polygons, 173,856 vertices; no P-code for the Dependencias Federales
    assert states.names == MAP_NAMES
    assert states.n_vertices == 173_856
    assert states.pcodes[states.index("Dependencias Federales")] == ""
    assert states.pcodes[states.index("DTTO. CAPITAL")] == "VE01"
    assert states.pcodes[states.index("EDO. LA GUAIRA")] == "VE24"
    # the country's extent from the .shp header (degrees)
    np.testing.assert_allclose(states.bbox, [-73.3691, 0.6346, -59.7411, 12.4988], atol=1e-4)
    # simplified for drawing: at most 5% of the vertices, every ring still a polygon
    assert states.n_vertices_simplified < 0.05 * states.n_vertices
    assert all(len(r) >= 4 for unit in states.simplified for r in unit)


def test_simplify_ring_keeps_corners_and_large_bumps():
    # a unit square with collinear midpoints and a bump of height 0.05 on the top edge
    ring = np.array(
        [[0, 0], [0.5, 0], [1, 0], [1, 0.5], [1, 1], [0.5, 1.05], [0, 1], [0, 0.5], [0, 0]]
    )
    out = maps.simplify_ring(ring, 0.01)
    np.testing.assert_array_equal(out, ring[[0, 2, 4, 5, 6, 8]])  # bump kept (0.05 > 0.01)
    out = maps.simplify_ring(ring, 0.1)
    np.testing.assert_array_equal(out, ring[[0, 2, 4, 6, 8]])  # bump dropped, corners stay


# -------------------------------------------------------------- adjacency
# Hand-checked against the polygons and a political map of Venezuela.
HAND_CHECKED = {
    "Distrito Capital": {"La Guaira", "Miranda"},
    "Zulia": {"Falcón", "Lara", "Trujillo", "Mérida", "Táchira"},
    "Miranda": {"Distrito Capital", "La Guaira", "Aragua", "Guárico", "Anzoátegui"},
    "Táchira": {"Zulia", "Mérida", "Barinas", "Apure"},
    "Sucre": {"Anzoátegui", "Monagas"},
    "Amazonas": {"Apure", "Bolívar"},
    "Delta Amacuro": {"Monagas", "Bolívar"},
    "Nueva Esparta": set(),  # islands: no land neighbour
    "Dependencias Federales": set(),
}


def test_adjacency_hand_checked(adj):
    for state, expected in HAND_CHECKED.items():
        assert set(adj.neighbours(state)) == expected, state
    assert adj.isolated() == ("Nueva Esparta", "Dependencias Federales")
    assert np.array_equal(adj.matrix, adj.matrix.T)
    assert len(adj.pairs()) == 51


def test_adjacency_does_not_depend_on_the_tolerance(states, adj):
    # the borders share identical vertices: no pair appears or vanishes from 0 to 0.01 deg,
    # and no pair touches at a single point only (rook = queen)
    for tol, k in ((0.0, 2), (0.01, 2), (1e-6, 1)):
        assert np.array_equal(
            maps.adjacency(states, tolerance=tol, min_shared=k).matrix, adj.matrix
        )


def test_adjacency_links_connect_islands(states):
    linked = maps.adjacency(states, links=[("EDO.NVA.ESPARTA", "Sucre")])
    assert linked.neighbours("Nueva Esparta") == ("Sucre",)
    assert "Nueva Esparta" in linked.neighbours("Sucre")
    assert linked.links == (("Nueva Esparta", "Sucre"),)
    with pytest.raises(KeyError, match="Atlantis"):
        maps.adjacency(states, links=[("Atlantis", "Sucre")])


def test_adjacency_from_pairs_is_the_hand_made_map():
    grid = lattice(2, 3)
    made = maps.Adjacency.from_pairs(grid.units, grid.pairs())
    np.testing.assert_array_equal(made.matrix, grid.matrix)
    assert made.pairs() == grid.pairs()
    named = maps.Adjacency.from_pairs(MAP_NAMES, [("falcon", "ZULIA")], naming=STATE_NAMES)
    assert named.neighbours("Zulia") == ("Falcón",)
    assert len(named.isolated()) == len(MAP_NAMES) - 2
    with pytest.raises(ValueError, match="not in units"):
        maps.Adjacency.from_pairs("AB", [("A", "C")])
    with pytest.raises(ValueError, match="itself"):
        maps.Adjacency.from_pairs("AB", [("A", "a")])


def test_unknown_units_raise_a_data_error_listing_the_units():
    toy = toy_boundaries()
    line = maps.Adjacency.from_pairs("ABC", [("A", "B"), ("B", "C")])
    squares = ["Zulia", "Falcón", "Lara"]
    cases = [
        (lambda: toy.index("Sucre"), "no unit 'Sucre' (key 'SUCRE') on this map", squares),
        (lambda: line.neighbours("D"), "no unit 'D' in this adjacency", ["A", "B", "C"]),
        (
            lambda: maps.Adjacency.from_pairs("AB", [("A", "C")]),
            "pair ('A', 'C') names a unit not in units",
            ["A", "B"],
        ),
        (
            lambda: maps.adjacency(toy, links=[("Sucre", "Lara")]),
            "link ('Sucre', 'Lara') names a unit not on the map",
            squares,
        ),
    ]
    for call, message, units in cases:
        with pytest.raises(DataError) as info:
            call()
        assert str(info.value) == f"{message}; the units are {units}"
        assert isinstance(info.value, KeyError)
        assert isinstance(info.value, UnknownNameError)


# ------------------------------------------------------- hand computation
def test_morans_i_by_hand_on_a_path():
    # A-B-C-D, x = 1, 2, 3, 4: z = -1.5, -0.5, 0.5, 1.5, sum z^2 = 5.
    # Row-standardised W: A->B 1; B->A,C 1/2; C->B,D 1/2; D->C 1; S0 = 4 = n.
    # sum_ij w_ij z_i z_j = 0.75 + (0.75 - 0.25)/2 + (-0.25 + 0.75)/2 + 0.75 = 2.0
    # I = (n/S0) * 2.0 / 5 = 0.4;  E[I] = -1/3
    res = maps.morans_i([1.0, 2.0, 3.0, 4.0], path4(), n_resamples=9999, rng=1)
    assert res.statistic == pytest.approx(0.4)
    assert res.expected == pytest.approx(-1 / 3)
    assert res.effect_size == pytest.approx(0.4 + 1 / 3)
    # exact permutation p-value by enumerating the 24 placements
    perms = [
        maps.morans_i(list(p), path4(), n_resamples=1, rng=0).statistic
        for p in itertools.permutations([1.0, 2.0, 3.0, 4.0])
    ]
    exact = np.mean(np.array(perms) >= 0.4 - 1e-12)  # 2/24: 1234 and 4321
    assert exact == pytest.approx(2 / 24)
    res_g = maps.morans_i(
        [1.0, 2.0, 3.0, 4.0], path4(), n_resamples=9999, alternative="greater", rng=2
    )
    se = np.sqrt(exact * (1 - exact) / 9999)
    assert abs(res_g.pvalue - exact) < 4 * se + 1e-4


def test_local_statistics_by_hand_on_a_path():
    # m2 = 5/4. lags of z: A -0.5, B (-1.5+0.5)/2 = -0.5, C (-0.5+1.5)/2 = 0.5, D 0.5.
    # I_i = z_i * lag_i / m2: A 0.75/1.25 = 0.6, B 0.25/1.25 = 0.2, C 0.2, D 0.6;
    # their sum 1.6 = n * I = 4 * 0.4.
    lm = maps.local_morans_i([1.0, 2.0, 3.0, 4.0], path4(), n_resamples=99, rng=0)
    np.testing.assert_allclose(lm.table["statistic"], [0.6, 0.2, 0.2, 0.6])
    assert list(lm.table["cluster"]) == ["low-low", "low-low", "high-high", "high-high"]
    # Gi*: mean 2.5, S = sqrt(30/4 - 6.25) = sqrt(1.25).
    # A: W = 2, sum 1+2 = 3, (3 - 5) / (sqrt(1.25) * sqrt((4*2 - 4)/3)) = -2 / 1.29099 = -1.54919
    # B: W = 3, sum 6, (6 - 7.5) / (sqrt(1.25) * sqrt((12 - 9)/3)) = -1.5 / 1.11803 = -1.34164
    gi = maps.getis_ord_gi_star([1.0, 2.0, 3.0, 4.0], path4(), n_resamples=99, rng=0)
    np.testing.assert_allclose(
        gi.table["statistic"], [-1.549193, -1.341641, 1.341641, 1.549193], rtol=1e-6
    )
    assert list(gi.table["cluster"]) == ["cold", "cold", "hot", "hot"]


def test_gi_star_is_defined_for_values_summing_to_zero():
    # Gi* is unchanged by adding a constant: x = -1.5, -0.5, 0.5, 1.5 (sum 0, where the
    # ratio form sum_j w_ij x_j / sum_j x_j is undefined) gives the hand values of 1..4,
    # and with the same draws the same permutation p-values.
    gi0 = maps.getis_ord_gi_star([-1.5, -0.5, 0.5, 1.5], path4(), n_resamples=99, rng=0)
    gi1 = maps.getis_ord_gi_star([1.0, 2.0, 3.0, 4.0], path4(), n_resamples=99, rng=0)
    np.testing.assert_allclose(
        gi0.table["statistic"], [-1.549193, -1.341641, 1.341641, 1.549193], rtol=1e-6
    )
    np.testing.assert_array_equal(gi0.table["pvalue"], gi1.table["pvalue"])


def test_adjacency_equals_rook_contiguity_of_libpysal(states, adj):
    # An independent construction of the same weights: libpysal's rook contiguity (a shared
    # edge) of the polygons gives the 51 pairs of the shared-vertex rule (min_shared=2).
    import shapely
    from libpysal.weights import Rook

    polygons = [shapely.MultiPolygon([shapely.Polygon(r) for r in unit]) for unit in states.rings]
    rook = Rook.from_iterable(polygons, ids=list(range(len(polygons))), silence_warnings=True)
    matrix = np.zeros_like(adj.matrix)
    for i, neighbours in rook.neighbors.items():
        matrix[i, neighbours] = True
    assert int(matrix.sum()) // 2 == len(adj.pairs()) == 51
    np.testing.assert_array_equal(matrix, adj.matrix)


def test_local_conditional_null_by_enumeration():
    # Unit A of the path (one neighbour): with x_A held, its neighbour is one of the other
    # three values with probability 1/3 each. Observed Gi* numerator 1 + 2 = 3 is the
    # smallest of {1+2, 1+3, 1+4}, so P(<= observed) = 1/3.
    gi = maps.getis_ord_gi_star(
        [1.0, 2.0, 3.0, 4.0], path4(), n_resamples=9999, alternative="less", rng=5
    )
    se = np.sqrt((1 / 3) * (2 / 3) / 9999)
    assert abs(gi.table["pvalue"].iloc[0] - 1 / 3) < 4 * se + 1e-4


def test_two_sided_local_moran_and_gi_star_agree():
    # For binary weights both are monotone in the neighbours' sum given x_i, so with the
    # same draws their two-sided conditional p-values coincide (the labels differ).
    x = np.random.default_rng(3).normal(size=25)
    lm = maps.local_morans_i(x, lattice(5, 5), n_resamples=199, rng=11)
    gi = maps.getis_ord_gi_star(x, lattice(5, 5), n_resamples=199, rng=11)
    np.testing.assert_array_equal(lm.table["pvalue"], gi.table["pvalue"])


# ------------------------------------------------------------ simulation
def planted(rng) -> np.ndarray:
    """7x7 grid of N(0, 1) values with +3 on the 3x3 block in the top-left corner."""
    x = rng.normal(size=(7, 7))
    x[:3, :3] += 3.0
    return x.ravel()


BLOCK = {f"r{r}c{c}" for r in range(3) for c in range(3)}
# units bordering the block: their Gi* window contains block values
RIM = {f"r{r}c3" for r in range(3)} | {f"r3c{c}" for c in range(3)}


def test_planted_cluster_is_detected():
    grid = lattice(7, 7)
    rng = np.random.default_rng(20240728)
    reps = 20
    found = {"global": 0, "gi": 0, "lisa": 0}
    for _ in range(reps):
        x = planted(rng)
        g = maps.morans_i(x, grid, n_resamples=499, alternative="greater", rng=rng)
        found["global"] += g.pvalue <= 0.05
        gi = maps.getis_ord_gi_star(x, grid, n_resamples=1999, alternative="greater", rng=rng)
        lm = maps.local_morans_i(x, grid, n_resamples=1999, alternative="greater", rng=rng)
        for key, res in (("gi", gi), ("lisa", lm)):
            flagged = res.table.loc[res.table["significant"]]
            found[key] += bool(set(flagged["unit"]) & BLOCK)
            # hot spots / high-high units found outside the block border it (their
            # neighbourhood holds block values); local Moran may also flag low-low
            # units far away, since the block lifts the mean
            high = set(flagged.loc[flagged["cluster"].isin(["hot", "high-high"]), "unit"])
            assert high <= BLOCK | RIM, (key, high - BLOCK - RIM)
    # I is about 0.5 on this map against E[I] = -1/48: detected every time
    assert found["global"] == reps
    # with 49 units, BH and conditional randomisation the local tests are less powerful:
    # measured 16-20 of 20 for seeds 1, 2, 3 (18 and 18 for this seed)
    assert found["gi"] >= 15, found
    assert found["lisa"] >= 15, found


def test_size_on_random_values():
    # iid values on a 5x5 grid (25 units, like the 25 Venezuelan states). With R = 199 the
    # permutation p-value is exact: P(p <= 0.05) = 10/200 one-sided, 2 * 5/200 two-sided.
    # Measured (seed 7): global 0.035 one-sided, 0.047 two-sided (SE 0.009); local (999 permutations)
    # 0.0496 per unit (SE 0.0028).
    grid = lattice(5, 5)
    rng = np.random.default_rng(7)
    reps, alpha = 600, 0.05
    glob = {"greater": 0, "two-sided": 0}
    local_counts, any_bh = [], 0
    for rep in range(reps):
        x = rng.normal(size=25)
        for alt in glob:
            glob[alt] += (
                maps.morans_i(x, grid, n_resamples=199, alternative=alt, rng=rng).pvalue <= alpha
            )
        if rep < 300:
            lm = maps.local_morans_i(x, grid, n_resamples=999, rng=rng)
            local_counts.append(int((lm.table["pvalue"] <= alpha).sum()))
            any_bh += bool(lm.table["significant"].any())
    se = np.sqrt(alpha * (1 - alpha) / reps)  # 0.0089
    for alt, hits in glob.items():
        assert abs(hits / reps - alpha) < 3.5 * se, (alt, hits / reps)
    counts = np.array(local_counts)
    rate = counts.mean() / 25
    se_local = counts.std(ddof=1) / np.sqrt(len(counts)) / 25  # units in a map are dependent
    assert abs(rate - alpha) < 4 * se_local, (rate, se_local)
    # BH across the 25 units: under the complete null the chance of any flag is about alpha
    # (999 permutations, so that the smallest p-value 0.001 can pass BH's first step 0.05/25;
    # measured 0.047)
    p_any = any_bh / 300
    assert p_any < alpha + 3.5 * np.sqrt(alpha * (1 - alpha) / 300), p_any


def test_old_name_of_n_resamples_still_works():
    x = [1.0, 2.0, 3.0, 4.0]
    new = maps.morans_i(x, path4(), n_resamples=99, rng=3)
    with pytest.warns(DeprecationWarning, match="`permutations` was renamed `n_resamples`"):
        old = maps.morans_i(x, path4(), permutations=99, rng=3)
    assert old.pvalue == new.pvalue
    with pytest.warns(DeprecationWarning, match="`MoranResult.permutations` was renamed"):
        assert old.n_resamples == old.permutations == 99
    with pytest.warns(DeprecationWarning, match="local_morans_i"):
        lm = maps.local_morans_i(x, path4(), permutations=49, rng=0)
    with pytest.warns(DeprecationWarning, match="`LocalClusterResult.permutations` was renamed"):
        assert lm.n_resamples == lm.permutations == 49


# ------------------------------------------------------------------ power
def test_moran_power_size_is_alpha_without_autocorrelation():
    # iid values are exchangeable, so with R = 99 the one-sided permutation p-value
    # is <= 0.05 with probability exactly 5/100 (ties have probability zero)
    res = maps.moran_power(
        lattice(3, 3), 0.0, n_sim=400, n_resamples=99, alternative="greater", local=False, rng=4
    )
    row = res.table.iloc[0]
    se = np.sqrt(0.05 * 0.95 / 400)  # 0.011
    assert abs(row["global_rate"] - 0.05) < 3.5 * se, row["global_rate"]
    assert row["global_ci_low"] < 0.05 < row["global_ci_high"]
    assert row["global_rejections"] == round(400 * row["global_rate"])
    assert "local_rate" not in res.table


def test_moran_power_is_high_for_strong_autocorrelation():
    # 999 draws: with fewer, no local p-value can pass BH's first step 0.05 / 16
    res = maps.moran_power(lattice(4, 4), [0.0, 0.9], n_sim=40, n_resamples=999, rng=5)
    null, strong = res.table.iloc[0], res.table.iloc[1]
    # measured (seed 5): global 2/40 at rho = 0 and 33/40 at rho = 0.9; local 0/40 and 1/40
    # (BH across 16 units leaves the local test little power on a map this small)
    assert strong["global_rate"] > 0.6
    assert strong["global_ci_low"] > null["global_ci_high"]
    assert strong["local_rejections"] >= null["local_rejections"]
    assert res.n_sim == 40
    assert res.units == lattice(4, 4).units


def test_moran_power_is_the_loop_it_replaces():
    # the simulation written out: SAR values on the units with a neighbour (an island
    # "x" is left out), one stream for the maps and both tests, in this order
    m = np.zeros((5, 5), dtype=bool)
    for i, j in [(0, 1), (1, 2), (2, 3), (0, 3), (1, 3)]:
        m[i, j] = m[j, i] = True
    adj = maps.Adjacency(units=("a", "b", "c", "d", "x"), matrix=m, shared=m.astype(np.int64))
    w = m[:4, :4] / m[:4, :4].sum(axis=1, keepdims=True)
    gen = np.random.default_rng(8)
    expected = []
    for rho in (0.0, 0.6):
        spread = np.linalg.inv(np.eye(4) - rho * w)
        g = loc = 0
        for _ in range(6):
            x = np.append(spread @ gen.normal(size=4), np.nan)
            g += maps.morans_i(x, adj, n_resamples=19, alternative="less", rng=gen).pvalue <= 0.3
            lm = maps.local_morans_i(
                x, adj, n_resamples=19, alternative="less", alpha=0.3, rng=gen
            )
            loc += bool(lm.table["significant"].any())
        expected.append((g, loc))
    res = maps.moran_power(
        adj, (0.0, 0.6), n_sim=6, n_resamples=19, alpha=0.3, alternative="less", rng=8
    )
    got = list(zip(res.table["global_rejections"], res.table["local_rejections"], strict=True))
    assert got == expected
    assert res.units == ("a", "b", "c", "d")
    # Wilson interval of k of 6, from scipy (k = 0 gives a lower bound of exactly 0)
    ci = stats.binomtest(int(got[0][0]), 6).proportion_ci(method="wilson")
    assert res.table["global_ci_low"][0] == pytest.approx(ci.low)
    assert res.table["global_ci_high"][0] == pytest.approx(ci.high)


def test_moran_power_refuses_bad_input():
    grid = lattice(2, 2)
    with pytest.raises(ValueError, match="rho"):
        maps.moran_power(grid, 1.0, n_sim=2)
    with pytest.raises(ValueError, match="n_sim"):
        maps.moran_power(grid, 0.0, n_sim=0)
    with pytest.raises(ValueError, match="confidence_level"):
        maps.moran_power(grid, 0.0, n_sim=2, confidence_level=95)
    with pytest.raises(TypeError, match="Adjacency"):
        maps.moran_power(np.ones((4, 4)), 0.0)
    pair = np.zeros((3, 3), dtype=bool)
    pair[0, 1] = pair[1, 0] = True  # "c" is an island: two units left to simulate
    isolated = maps.Adjacency(units=("a", "b", "c"), matrix=pair, shared=pair.astype(np.int64))
    with pytest.raises(DataError, match="at least 3 units with a neighbour"):
        maps.moran_power(isolated, 0.0, n_sim=2)


# ----------------------------------------------------------- exclusions
def test_exclusions_are_counted_and_named(states, adj):
    values = {name: float(i) for i, name in enumerate(RAW_2013)}
    res = maps.morans_i(values, adj, n_resamples=99, rng=0)
    reasons = dict(zip(res.excluded["unit"], res.excluded["reason"], strict=True))
    assert set(reasons) == {
        "Embajadas",
        "Zonas Inhóspitas",
        "Dependencias Federales",
        "Nueva Esparta",
    }
    assert reasons["Nueva Esparta"] == "no neighbour with a value (island)"
    assert reasons["Dependencias Federales"] == "no value"
    assert res.n == 23
    assert res.n_excluded == 4
    linked = maps.adjacency(states, links=[("Nueva Esparta", "Sucre")])
    assert maps.morans_i(values, linked, n_resamples=99, rng=0).n == 24


def test_bad_input_is_refused():
    grid = lattice(2, 2)
    with pytest.raises(DataError, match="all values are equal"):
        maps.morans_i([1.0, 1.0, 1.0, 1.0], grid, n_resamples=9)
    with pytest.raises(ValueError, match="alternative"):
        maps.morans_i([1.0, 2.0, 3.0, 4.0], grid, alternative="both")
    with pytest.raises(ValueError, match="n_resamples"):
        maps.local_morans_i([1.0, 2.0, 3.0, 4.0], grid, n_resamples=0)
    with pytest.raises(ValueError, match="length 4"):
        maps.getis_ord_gi_star([1.0, 2.0, 3.0], grid)
    star = maps.Adjacency.from_pairs("ABCD", [("A", "B"), ("A", "C"), ("A", "D"), ("B", "C")])
    with pytest.raises(DataError, match="neighbours every other unit: A"):
        maps.getis_ord_gi_star([1.0, 2.0, 3.0, 5.0], star)


# ---------------------------------------------------------------- plots
def toy_boundaries() -> maps.StateBoundaries:
    """Three unit squares in a row named like states (no data file needed)."""
    return maps.StateBoundaries.squares(
        ("Zulia", "Falcón", "Lara"), pcodes=("VE23", "VE11", "VE13"), naming=STATE_NAMES
    )


def test_boundaries_from_rings_match_the_loaded_map(states):
    made = maps.StateBoundaries.from_rings(
        states.names,
        states.rings,
        tolerance=states.tolerance,
        pcodes=states.pcodes,
        naming=states.naming,
    )
    # the shapefile stores its boxes apart from the vertices, equal up to rounding
    np.testing.assert_allclose(made.bboxes, states.bboxes, rtol=0, atol=1e-12)
    assert made.n_vertices_simplified == states.n_vertices_simplified
    assert made.index("EDO.NVA.ESPARTA") == states.index("Nueva Esparta")
    toy = toy_boundaries()
    np.testing.assert_array_equal(toy.bboxes, [[0, 0, 1, 1], [1, 0, 2, 1], [2, 0, 3, 1]])
    # the row of squares is a path: each unit touches only the one before and after
    assert maps.adjacency(toy).pairs() == [("Zulia", "Falcón"), ("Falcón", "Lara")]
    with pytest.raises(DataError, match="not distinct"):
        maps.StateBoundaries.from_rings(["Lara", "LARA"], toy.rings[:2])
    with pytest.raises(DataError, match="2 names but rings for 3 units"):
        maps.StateBoundaries.from_rings(["Lara", "Zulia"], toy.rings)


def test_choropleth_marks_missing_states_and_off_map_units():
    import matplotlib.pyplot as plt

    ax = choropleth(
        {"EDO. ZULIA": 0.4, "EDO. FALCON": 0.6, "Embajadas": 0.8},
        boundaries=toy_boundaries(),
        kind="share",
    )
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert len(hatched) == 1
    assert len(hatched[0].get_paths()) == 1  # Lara, no data
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["no data (1)", "not mapped: Embajadas, 80.0%"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="fractions, not percentages"):
        choropleth({"Zulia": 40.0}, boundaries=toy_boundaries(), kind="share")
    with pytest.raises(DataError, match="Atlantis"):
        choropleth({"Atlantis": 0.4}, boundaries=toy_boundaries())


def test_choropleth_coverage_above_one_is_drawn_and_marked():
    import matplotlib.pyplot as plt

    # coverage against a rescaled 2013 reference reaches 108 % in Cojedes
    ax = choropleth(
        {"Zulia": 0.60, "Falcón": 1.08, "Lara": 0.90}, boundaries=toy_boundaries(), kind="coverage"
    )
    cbar_ax = ax.figure.axes[-1]
    assert cbar_ax.get_ylim() == pytest.approx((0.60, 1.08))
    marks = [line.get_ydata()[0] for line in cbar_ax.get_lines()]
    assert marks == [1.0]  # the 100 % line on the colour bar
    plt.close(ax.figure)
    # below 100 %: no line
    ax = choropleth({"Zulia": 0.6, "Lara": 0.9}, boundaries=toy_boundaries(), kind="coverage")
    assert ax.figure.axes[-1].get_lines() == []
    plt.close(ax.figure)
    # percentages are still refused
    with pytest.raises(ValueError, match="fractions, not percentages"):
        choropleth({"Zulia": 108.0}, boundaries=toy_boundaries(), kind="coverage")
    with pytest.raises(ValueError, match="fractions, not percentages"):
        choropleth({"Zulia": 1.08}, boundaries=toy_boundaries(), kind="share")


def test_choropleth_is_byte_reproducible(tmp_path):
    import matplotlib.pyplot as plt

    values = {"Zulia": 0.12, "Falcón": -0.05}
    for suffix in ("svg", "png"):
        out = []
        for k in range(2):
            fig, ax = plt.subplots(figsize=(4, 2))
            choropleth(values, boundaries=toy_boundaries(), ax=ax, kind="margin", title="m")
            out.append(savefig(fig, tmp_path / f"m{k}.{suffix}").read_bytes())
        assert out[0] == out[1]


def test_venezuela_maps_are_byte_reproducible(tmp_path, states, adj):
    import matplotlib.pyplot as plt

    values = {name: 0.01 * i for i, name in enumerate(RAW_2024)}
    res = maps.local_morans_i(values, adj, n_resamples=99, rng=0)
    out = []
    for k in range(2):
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 4))
        choropleth(res.adjusted_pvalues(), boundaries=states, ax=a1, kind="pvalue")
        cluster_map(res, boundaries=states, ax=a2)
        out.append(savefig(fig, tmp_path / f"v{k}.svg").read_bytes())
    assert out[0] == out[1]


def test_state_values_from_the_2024_actas_join(states):
    election = datasets.load("venezuela-2024")
    totals = election.group_totals("state")
    share = totals["Gonzalez"] / totals["valid"]
    join = maps.join_states(share, states.names, states.naming)
    assert join.missing == ("Dependencias Federales",)
    assert isinstance(join.values, pd.Series)
    assert join.values.notna().sum() == 24
