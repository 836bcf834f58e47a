"""Announced totals against the tally sheets: round percentages, consistency, coverage.

Four questions about the totals an electoral authority announces, set against
the tally sheets published for part of the tables:

* :func:`round_percentage_test`: are the announced counts exactly a total
  times round percentages, a pattern genuine counts almost never show?
* :func:`acta_consistency`: what the announced totals imply for the tables
  with no published tally sheet (acta), against what those tables could hold.
* :func:`coverage_bounds`: the range of national outcomes that the uncovered
  tables allow, from the extreme where every registered voter there votes for
  one candidate.
* :func:`impute_uncovered` and :func:`coverage_selectivity_test`: a
  model-based estimate of the uncovered tables from an earlier election at the
  same centres, and a test of whether coverage is selective.

Every function takes the candidates and the registry as parameters; the
announced totals and registries of one election belong to its case study
(:mod:`forensics.cases`). :func:`data_file` locates the compiled tables that
the case studies read from the repository's ``data/`` folder.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special, stats

from forensics._compat import renamed_attribute, renamed_parameters
from forensics.election import DataError, Election
from forensics.results import EstimateResult, TestResult, as_float, as_int

__all__ = [
    "CoverageImputation",
    "RoundPercentageExcessResult",
    "RoundPercentageResult",
    "SelectivityResult",
    "acta_consistency",
    "coverage_bounds",
    "coverage_selectivity_test",
    "data_file",
    "impute_uncovered",
    "round_percentage_excess_test",
    "round_percentage_hits",
    "round_percentage_scan",
    "round_percentage_test",
]

_REFERENCE_GOODMAN = (
    "Goodman, L. A. (1953). Ecological regressions and behavior of individuals. "
    "American Sociological Review 18(6), 663-664. doi:10.2307/2088121"
)
_REFERENCE_ROUND = (
    "Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based test for election "
    "fraud. Political Analysis 20(2), 211-234 (announced numbers against the arithmetic of "
    "genuine counts)"
)


# ------------------------------------------------------------------ data
def data_file(name: str, path: str | Path | None = None) -> Path:
    """Locate one of the compiled tables in the repository's ``data/`` folder.

    Parameters
    ----------
    name : str
        File name, e.g. ``"polls.csv"``.
    path : path-like, optional
        An explicit file to use instead.

    Returns
    -------
    pathlib.Path
        The file's path.

    Raises
    ------
    FileNotFoundError
        If the file does not exist, saying where it was looked for.

    References
    ----------
    .. [1] Wilkinson, M. D. et al. (2016). The FAIR guiding principles for
       scientific data management and stewardship. Scientific Data 3,
       160018. doi:10.1038/sdata.2016.18 (compiled tables shipped with
       their sources).

    Examples
    --------
    >>> data_file("pollsters.csv").name
    'pollsters.csv'
    """
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"{p} does not exist")
        return p
    here = Path(__file__).resolve().parent
    # an installed wheel carries the tables in forensics/data; a checkout in data/
    candidates = [here / "data" / name, here.parent / "data" / name]
    p = next((c for c in candidates if c.is_file()), candidates[-1])
    if not p.is_file():
        raise FileNotFoundError(
            f"compiled table {name!r} not found at {p}: it ships in the repository's data/ "
            "folder, next to the forensics package. Pass path= to read a copy elsewhere."
        )
    return p


# ------------------------------------------------------ round percentages
@dataclass(frozen=True)
class RoundPercentageResult(TestResult):
    """Result of :func:`round_percentage_test`.

    Attributes
    ----------
    counts : numpy.ndarray
        The counts tested.
    total : int
        The total the percentages refer to.
    decimals : int
        Decimals of the round percentages.
    percentages : numpy.ndarray
        Nearest round percentage of each count.
    deviation : numpy.ndarray
        ``count - total * percentage / 100`` in votes; a count "hits" when
        ``|deviation| <= 1/2``, i.e. it is that product rounded.
    hits : numpy.ndarray of bool
        Which counts hit.
    hit_probability : float
        Probability ``q = 10**(2 + decimals) / total`` that one free count
        hits under the null.
    constrained : bool
        Whether the counts sum to ``total`` (then only ``k - 1`` are free).
    """

    counts: np.ndarray = None  # type: ignore[assignment]
    total: int = 0
    decimals: int = 1
    percentages: np.ndarray = None  # type: ignore[assignment]
    deviation: np.ndarray = None  # type: ignore[assignment]
    hits: np.ndarray = None  # type: ignore[assignment]
    hit_probability: float = math.nan
    constrained: bool = False

    def to_frame(self) -> pd.DataFrame:
        """One row per count: count, exact and round percentage, deviation, hit."""
        return pd.DataFrame(
            {
                "count": self.counts,
                "exact_pct": 100.0 * self.counts / self.total,
                "round_pct": self.percentages,
                "total_x_round_pct": self.total * self.percentages / 100.0,
                "deviation_votes": self.deviation,
                "hit": self.hits,
            }
        )


def _irwin_hall_central(m: int, half_width: float) -> float:
    """P(|U_1 + ... + U_m| <= half_width), U_i iid uniform on [-1/2, 1/2]."""
    if m == 0:
        return 1.0
    x_hi = m / 2 + half_width  # the sum shifted to [0, m]
    x_lo = m / 2 - half_width

    def cdf(x: float) -> float:
        if x <= 0:
            return 0.0
        if x >= m:
            return 1.0
        j = np.arange(0, math.floor(x) + 1)
        terms = (-1.0) ** j * special.comb(m, j) * (x - j) ** m
        return float(terms.sum() / math.factorial(m))

    return cdf(x_hi) - cdf(x_lo)


def round_percentage_hits(
    counts: np.ndarray | Sequence[float], total: float | np.ndarray, *, decimals: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest round percentage of each count, its deviation in votes, and whether it hits.

    Parameters
    ----------
    counts : array-like
        Counts (any shape).
    total : float or array-like
        The total each count is a share of, broadcast against ``counts``.
    decimals : int
        Decimals of the round percentages.

    Returns
    -------
    percentages, deviation, hits : numpy.ndarray
        ``p``, the count's share rounded to ``decimals`` decimals (in
        percent); ``count - total * p / 100`` in votes; and
        ``|deviation| <= 1/2``, i.e. the count is ``total * p / 100``
        rounded to the nearest vote (the hit of
        :func:`round_percentage_test`).

    References
    ----------
    .. [1] Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based
       test for election fraud. Political Analysis 20(2), 211-234.
       doi:10.1093/pan/mps003

    Examples
    --------
    10,058,774 x 51.2 % = 5,150,092.29 and x 44.2 % = 4,445,978.11:

    >>> pct, dev, hit = round_percentage_hits([5_150_092, 4_445_978, 4_445_990], 10_058_774)
    >>> pct.tolist(), dev.round(2).tolist(), hit.tolist()
    ([51.2, 44.2, 44.2], [-0.29, -0.11, 11.89], [True, True, False])
    """
    if not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    c = np.asarray(counts, dtype=float)
    t = np.asarray(total, dtype=float)
    scale = 10.0 ** (2 + decimals)
    units = np.round(c * scale / t)  # nearest round percentage, in 10**-decimals %
    # Exact in integer arithmetic where possible: deviation = c - t * units / scale.
    deviation = c - t * units / scale
    return units / 10.0**decimals, deviation, np.abs(deviation) <= 0.5 + 1e-9


def round_percentage_test(
    counts: Sequence[float] | np.ndarray,
    *,
    total: float | None = None,
    decimals: int = 1,
) -> RoundPercentageResult:
    """Test whether announced counts are a total times round percentages.

    A count ``c`` of a total ``T`` "hits" when it equals ``T * p / 100``
    rounded to the nearest vote for a percentage ``p`` with ``decimals``
    decimals, i.e. ``|c - T p / 100| <= 1/2``. Genuine counts hit only by
    chance, with probability about ``10**(2 + decimals) / T`` each; counts
    computed from chosen percentages hit every time.

    Parameters
    ----------
    counts : array-like of int
        Announced counts (e.g. each candidate's votes), at least two.
    total : float, optional
        The total the percentages are of. Default: ``sum(counts)`` (the
        counts partition the total, so one of them is determined by the
        others). When given and different from the sum, the counts are
        treated as all free.
    decimals : int
        Decimals of the round percentages (1 for ``51.2 %``).

    Returns
    -------
    RoundPercentageResult
        ``statistic`` = number of counts that hit, ``pvalue`` = P(at least
        that many hits) under the null, ``effect_size`` = the largest
        ``|deviation|`` in votes among the hits (NaN without hits).

    Notes
    -----
    Null model. Write ``s = T / 10**(2 + decimals)`` for the spacing, in
    votes, between consecutive round-percentage products. Under the null, the
    position of each free count within its spacing (the fractional part of
    ``c * 10**(2 + decimals) / T``) is uniform and independent across free
    counts: genuine counts do not "know" the round percentages, and the
    spacing (about 10,000 votes for ``T`` = 10 million) is tiny relative to
    the uncertainty of any count. Exactly one integer per spacing hits, so a
    free count hits with probability ``q = 1/s = 10**(2 + decimals) / T``.

    When the ``k`` counts sum to ``T`` only ``k - 1`` are free; the last one's
    deviation is minus the sum of the others'. Given that all ``k - 1`` free
    counts hit (deviations ``e_i`` uniform on ``[-1/2, 1/2]``), the last one
    hits iff ``|sum e_i| <= 1/2``, with the Irwin–Hall probability
    ``rho_{k-1}`` (1 for ``k = 2``, 3/4 for ``k = 3``); if some free count
    misses, the last one's deviation is uniform over its spacing and it hits
    with probability ``q``. Hence, with ``H ~ Binomial(k - 1, q)`` the free
    hits, the exact null distribution of the number of hits ``M`` is

    ``P(M >= m) = P(H >= m) + P(H = m - 1) * (rho_{k-1} if m = k else q)``,

    so all ``k`` counts hit with probability ``rho_{k-1} q**(k-1)``. Without
    the sum constraint, ``M ~ Binomial(k, q)``. The approximation is the
    continuous uniform for the integer counts, whose error is of order
    ``1/s``. ``q`` is capped at 1 (very small totals always hit).

    For example, the three counts 5,150,092, 4,445,978 and 462,704 of
    10,058,774 all hit: ``q = 1000 / 10,058,774 = 9.94e-5`` and
    ``P = 0.75 q**2 = 7.4e-9``, about one in 135 million (the cruder
    ``q**2 = 9.9e-9`` ignores the sum constraint). The counts 6,408,844,
    5,326,104 and 600,936 of 12,335,884 have no hit. (These are the two
    bulletins of a case study in :mod:`forensics.cases`, which cites the
    observation.)

    What the test speaks to: whether the counts were derived from
    percentages rather than summed from tally sheets. It says nothing by
    itself about which candidate won.

    References
    ----------
    .. [1] Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based
       test for election fraud. Political Analysis 20(2), 211-234.
       doi:10.1093/pan/mps003 (the general logic of testing announced
       numbers against the arithmetic of genuine counts).

    Examples
    --------
    >>> r = round_percentage_test([5_150_092, 4_445_978, 462_704])
    >>> int(r.statistic), f"{r.pvalue:.2e}", r.percentages.tolist()
    (3, '7.41e-09', [51.2, 44.2, 4.6])
    >>> int(round_percentage_test([6_408_844, 5_326_104, 600_936]).statistic)
    0
    """
    c = np.asarray(counts, dtype=float).ravel()
    if c.size < 2:
        raise ValueError(f"need at least two counts, got {c.size}")
    if not np.all(np.isfinite(c)) or np.any(c < 0) or np.any(c != np.round(c)):
        raise ValueError(f"counts must be non-negative integers, got {c.tolist()}")
    if not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    sum_c = float(c.sum())
    T = sum_c if total is None else float(total)
    if not math.isfinite(T) or T <= 0 or round(T) != T:
        raise ValueError(f"total must be a positive integer, got {total!r}")
    if sum_c > T:
        raise ValueError(f"total {T:,.0f} is smaller than the sum of the counts {sum_c:,.0f}")
    constrained = sum_c == T
    scale = 10.0 ** (2 + decimals)
    pct, deviation, hits = round_percentage_hits(c, T, decimals=decimals)
    k = c.size
    m = int(hits.sum())
    q = min(1.0, scale / T)
    if constrained:
        free = k - 1
        tail = float(stats.binom.sf(m - 1, free, q)) if m <= free else 0.0
        if m >= 1:
            extra = _irwin_hall_central(free, 0.5) if m == k else q
            tail += float(stats.binom.pmf(m - 1, free, q)) * extra
        pvalue = min(1.0, tail) if m > 0 else 1.0
        null = f"fractional parts of count*10^{2 + decimals}/total uniform for {free} free counts"
    else:
        pvalue = float(stats.binom.sf(m - 1, k, q)) if m > 0 else 1.0
        null = f"fractional parts of count*10^{2 + decimals}/total uniform for {k} free counts"
    effect = float(np.max(np.abs(deviation[hits]))) if m else math.nan
    return RoundPercentageResult(
        statistic=float(m),
        pvalue=pvalue,
        n=k,
        n_excluded=0,
        effect_size=effect,
        effect_size_name="largest |count - total x round pct| among hits (votes)",
        method=f"round-percentage test ({decimals} decimal(s))",
        null=null,
        reference=_REFERENCE_ROUND,
        counts=c.astype(np.int64),
        total=as_int(T),
        decimals=int(decimals),
        percentages=pct,
        deviation=deviation,
        hits=hits,
        hit_probability=as_float(q),
        constrained=bool(constrained),
    )


def round_percentage_scan(
    election: Election,
    level: str,
    *,
    candidates: Sequence[str],
    decimals: int = 1,
) -> pd.DataFrame:
    """The round-percentage test applied to the totals of every unit of a level.

    A calibration of :func:`round_percentage_test` on counts known to be
    summed from tally sheets: for each unit (e.g. each municipality), the
    counts ``candidates`` and the rest as ``others`` are tested against the
    unit's valid votes.

    Parameters
    ----------
    election : Election
        Table-level results.
    level : str
        A level column of ``election`` (e.g. ``"municipality"``).
    candidates : sequence of str
        Candidates tested separately; the other candidates are summed.
    decimals : int
        Decimals of the round percentages.

    Returns
    -------
    pandas.DataFrame
        One row per unit with valid votes: ``unit``, ``valid``, ``hits``
        (counts that hit), ``k`` (counts tested), ``q`` (hit probability of
        one count, ``min(1, 10**(2 + decimals) / valid)``), ``all_hit``,
        ``p_all_hit`` (the null probability that all ``k`` hit) and
        ``pvalue`` (of the unit's test). Units with no valid votes are left
        out; their number is in ``attrs["n_excluded"]``.

    Notes
    -----
    Under the null of :func:`round_percentage_test` each count, taken alone,
    hits with probability ``q``, so the expected number of hits over all
    units is ``sum k q`` and the expected number of units where every count
    hits is ``sum p_all_hit``. Observed numbers close to these say that the
    null describes genuine summed counts; the sums are compared with a
    Poisson approximation by the caller.

    References
    ----------
    .. [1] Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based
       test for election fraud. Political Analysis 20(2), 211-234.
       doi:10.1093/pan/mps003

    Examples
    --------
    >>> from forensics import toy_election
    >>> scan = round_percentage_scan(toy_election(30, rng=0), "region", candidates=["A"])
    >>> scan[["unit", "valid", "hits", "k"]].to_numpy().tolist()
    [['r1', 2536, 0, 2], ['r2', 3701, 0, 2], ['r3', 3073, 2, 2]]
    >>> scan["q"].round(3).tolist()
    [0.394, 0.27, 0.325]
    """
    if level not in election.stations.columns:
        raise DataError(
            f"{election.name or 'election'} has no column {level!r}; levels: {list(election.levels)}"
        )
    unknown = [c for c in candidates if c not in election.candidates]
    if unknown:
        raise DataError(
            f"{unknown} not candidate column(s) of {election.name or 'the election'}; "
            f"candidates: {list(election.candidates)}"
        )
    g = election.stations.groupby(level, sort=True)[list(election.candidates)].sum()
    cols = list(candidates)
    counts = g[cols].copy()
    counts["others"] = g.drop(columns=cols).sum(axis=1)
    valid = counts.sum(axis=1)
    keep = valid > 0
    rows = []
    for unit, row in counts.loc[keep].iterrows():
        r = round_percentage_test(row.to_numpy(float), decimals=decimals)
        k = int(r.n)
        rows.append(
            {
                "unit": unit,
                "valid": int(valid[unit]),
                "hits": int(r.statistic),
                "k": k,
                "q": r.hit_probability,
                "all_hit": int(r.statistic) == k,
                "p_all_hit": _irwin_hall_central(k - 1, 0.5) * r.hit_probability ** (k - 1)
                if r.hit_probability < 1
                else 1.0,
                "pvalue": r.pvalue,
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["n_excluded"] = int((~keep).sum())
    return out


@dataclass(frozen=True)
class RoundPercentageExcessResult(TestResult):
    """Result of :func:`round_percentage_excess_test`.

    Attributes
    ----------
    expected : float
        Units expected to hit on every count under the null,
        ``sum p_all_hit``.
    hits, expected_hits : float
        Counts that hit, over all units, and their expectation ``sum k q``.
    min_valid : float
        Units with fewer valid votes were left out (counted in
        ``n_excluded``).
    """

    expected: float = math.nan
    hits: float = math.nan
    expected_hits: float = math.nan
    min_valid: float = 0.0


def round_percentage_excess_test(
    scan: pd.DataFrame, *, min_valid: float = 0
) -> RoundPercentageExcessResult:
    """Do more units hit round percentages on every count than the null predicts?

    Parameters
    ----------
    scan : pandas.DataFrame
        A table of :func:`round_percentage_scan` (columns ``valid``,
        ``hits``, ``k``, ``q``, ``all_hit``, ``p_all_hit``).
    min_valid : float
        Only units with at least this many valid votes are counted (the
        continuous approximation of the null is coarse for small totals).

    Returns
    -------
    RoundPercentageExcessResult
        ``statistic`` = units where every count hits, ``pvalue`` = the
        Poisson probability of at least that many, ``expected`` = their
        expected number, ``effect_size`` = observed / expected (NaN when
        none is expected); ``hits`` and ``expected_hits`` count single
        counts; ``n`` = units counted, ``n_excluded`` = units below
        ``min_valid``.

    Raises
    ------
    forensics.DataError
        If a column of ``scan`` is missing.

    Notes
    -----
    Under the null of :func:`round_percentage_test`, unit ``u`` hits on all
    of its counts independently of the other units with probability
    ``p_u`` (``p_all_hit``), so the number of such units is a sum of
    independent Bernoulli variables with mean ``lambda = sum p_u``. With
    every ``p_u`` small it is close to Poisson(``lambda``): the total
    variation distance is at most ``sum p_u^2`` (Le Cam's bound) [2]_. The
    p-value is ``P(X >= observed) = poisson.sf(observed - 1, lambda)`` (1
    when no unit hits). Applied to totals summed from tally sheets, this is
    a check of the null itself: a small p-value there says the null
    understates chance hits (as it does for units of a few hundred votes,
    where ``p_u`` is not small); applied to announced totals it is a test.

    References
    ----------
    .. [1] Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based
       test for election fraud. Political Analysis 20(2), 211-234.
       doi:10.1093/pan/mps003
    .. [2] Le Cam, L. (1960). An approximation theorem for the Poisson
       binomial distribution. Pacific Journal of Mathematics 10(4),
       1181-1197. doi:10.2140/pjm.1960.10.1181

    Examples
    --------
    Two units: all three counts hit in the first (``q = 1``), one in the
    second (``q = 0.1``, ``p_all_hit = 0.75 q^2 = 0.0075``):

    >>> scan = pd.DataFrame({"valid": [1000, 10000], "hits": [3, 1], "k": [3, 3],
    ...                      "q": [1.0, 0.1], "all_hit": [True, False],
    ...                      "p_all_hit": [1.0, 0.0075]})
    >>> r = round_percentage_excess_test(scan)
    >>> r.statistic, r.expected, round(r.pvalue, 4)
    (1.0, 1.0075, 0.6349)
    >>> r = round_percentage_excess_test(scan, min_valid=5000)
    >>> r.statistic, r.n, r.n_excluded, r.pvalue
    (0.0, 1, 1, 1.0)
    """
    need = ["valid", "hits", "k", "q", "all_hit", "p_all_hit"]
    missing = [c for c in need if c not in scan.columns]
    if missing:
        raise DataError(f"scan: missing column(s) {missing}; see round_percentage_scan")
    keep = scan["valid"] >= min_valid
    use = scan.loc[keep]
    observed = int(use["all_hit"].sum())
    expected = float(use["p_all_hit"].sum())
    pvalue = float(stats.poisson.sf(observed - 1, expected)) if observed > 0 else 1.0
    return RoundPercentageExcessResult(
        statistic=float(observed),
        pvalue=pvalue,
        n=len(use),
        n_excluded=int((~keep).sum()),
        effect_size=observed / expected if expected > 0 else math.nan,
        effect_size_name="observed / expected units hitting on every count",
        method="round percentages on every count of a unit, Poisson tail",
        null="each unit hits with its null probability, independently (Poisson approximation)",
        reference=_REFERENCE_ROUND,
        expected=expected,
        hits=float(use["hits"].sum()),
        expected_hits=float((use["k"] * use["q"]).sum()),
        min_valid=float(min_valid),
    )


# ------------------------------------------------ consistency and coverage
def _covered_registered(actas: Election) -> tuple[float, int]:
    """Registered voters of the covered tables: known where given, else ballots.

    Ballots (or valid votes) are a lower bound of a table's registered
    voters, so the sum is a lower bound of the covered registry and the
    uncovered registry derived from it an upper bound.
    """
    reg = actas.counts("registered")
    missing = ~np.isfinite(reg)
    fill = actas.counts("ballots")
    fill = np.where(np.isfinite(fill), fill, actas.counts("valid"))
    return float(np.where(missing, fill, reg).sum()), int(missing.sum())


def _acta_totals(
    actas: Election, registered_total: float, candidates: Sequence[str]
) -> tuple[dict[str, float], float]:
    """Acta totals of ``candidates``, ``others`` and ``valid``, and the uncovered registry.

    The uncovered registry is ``registered_total`` minus the covered
    registry of :func:`_covered_registered` (an upper bound; not clipped).
    """
    unknown = [c for c in candidates if c not in actas.candidates]
    if unknown:
        raise DataError(
            f"{unknown} not candidate column(s) of {actas.name or 'the actas'}; "
            f"candidates: {list(actas.candidates)}"
        )
    tot = actas.stations[list(actas.candidates)].sum()
    out = {name: float(tot[name]) for name in candidates}
    out["others"] = float(tot.drop(list(candidates)).sum())
    out["valid"] = float(tot.sum())
    covered_reg, _ = _covered_registered(actas)
    return out, float(registered_total) - covered_reg


def acta_consistency(
    announced: Mapping[str, float],
    actas: Election,
    *,
    registered_total: float,
    candidates: Sequence[str],
) -> pd.DataFrame:
    """Votes the announced totals imply for the tables without an acta.

    Parameters
    ----------
    announced : mapping
        Announced totals: one entry per name in ``candidates``, plus
        ``"others"`` and ``"valid"`` (e.g. one row of a table of bulletins).
    actas : Election
        The tables with a published tally sheet.
    registered_total : float
        Registered voters in the whole election (the official registry,
        voters abroad included when their tables are part of the count).
    candidates : sequence of str
        Candidates reported separately; the rest are summed as ``"others"``.

    Returns
    -------
    pandas.DataFrame
        One row per quantity (candidates, others, valid): ``announced``,
        ``actas`` (documented on tally sheets), ``implied_uncovered``
        (announced minus actas), ``max_uncovered`` (registered voters not
        covered by the actas: the most any quantity can take there),
        ``possible`` (``0 <= implied <= max``) and ``problem`` in words.

    Notes
    -----
    ``max_uncovered = registered_total - registered(covered)``, where a
    covered table with no registered count contributes its ballots (a lower
    bound), so ``max_uncovered`` is an upper bound. A quantity is impossible
    if its announced total is below what the actas already document
    (``implied < 0``), or if it exceeds the uncovered registry, or if the
    implied candidate votes exceed the implied valid votes. These are
    arithmetic facts about the two sources; which source is right is not
    decided here, except that a negative implied count cannot be true if
    the actas are genuine.

    References
    ----------
    .. [1] Lindeman, M. & Stark, P. B. (2012). A gentle introduction to
       risk-limiting audits. IEEE Security & Privacy 10(5), 42-49.
       doi:10.1109/MSP.2012.56 (worst-case bounds on unexamined records).

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics import Election
    >>> df = pd.DataFrame({"centre": ["a", "a", "b"], "table": [1, 2, 1],
    ...                    "registered": [500, 400, 300], "A": [200, 150, 60],
    ...                    "B": [100, 50, 90], "C": [10, 0, 5]})
    >>> actas = Election.from_frame(df, candidates=["A", "B", "C"],
    ...                             registered="registered", levels=["centre", "table"])
    >>> announced = {"A": 400, "B": 900, "others": 20, "valid": 1320}
    >>> t = acta_consistency(announced, actas, registered_total=2000, candidates=["A", "B"])
    >>> t[["quantity", "implied_uncovered", "possible"]].to_numpy().tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['A', -10.0, False], ['B', 660.0, False], ['others', 5.0, True],
     ['valid', 655.0, True]]
    >>> t["problem"].tolist()[:2]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['announced total is 10 below the votes on the actas',
     'implied 660 exceeds the implied valid votes']
    """
    keys = [*candidates, "others", "valid"]
    absent = [k for k in keys if k not in announced]
    if absent:
        raise DataError(f"announced totals: missing {absent}; need one entry for each of {keys}")
    totals, cap = _acta_totals(actas, registered_total, candidates)
    rows = []
    implied_valid = float(announced["valid"]) - totals["valid"]
    for key in keys:
        a = float(announced[key])
        d = totals[key]
        imp = a - d
        problems = []
        if imp < 0:
            problems.append(f"announced total is {-imp:,.0f} below the votes on the actas")
        if imp > cap:
            problems.append(f"implied {imp:,.0f} exceeds the {cap:,.0f} uncovered registered")
        if key != "valid" and imp > implied_valid >= 0:
            problems.append(f"implied {imp:,.0f} exceeds the implied valid votes")
        rows.append(
            {
                "quantity": key,
                "announced": a,
                "actas": d,
                "implied_uncovered": imp,
                "max_uncovered": cap,
                "possible": not problems,
                "problem": "; ".join(problems),
            }
        )
    return pd.DataFrame(rows)


def coverage_bounds(
    actas: Election,
    *,
    registered_total: float,
    candidates: Sequence[str],
) -> pd.DataFrame:
    """National outcomes the uncovered tables allow, at the extremes.

    Parameters
    ----------
    actas : Election
        The covered tables.
    registered_total : float
        Registered voters in the whole election (see
        :func:`acta_consistency`).
    candidates : sequence of two str
        The two candidates whose extremes are computed, ``(A, B)``.

    Returns
    -------
    pandas.DataFrame
        Rows ``actas only``, ``all uncovered registered vote <A>``, ``all
        uncovered registered vote <B>``; columns per candidate and
        ``others``, ``valid``, ``margin`` (A minus B, votes), ``margin_pct``
        (of valid), ``uncovered_registered`` and ``winner``.

    Notes
    -----
    The extreme scenario gives every registered voter of the uncovered tables
    (``registered_total`` minus the covered registry; see
    :func:`acta_consistency` for the bound used where a covered table has no
    registered count) to one candidate at 100 % turnout. It is a bound, not
    an estimate: if ``A`` still leads under the scenario that gives all
    uncovered voters to ``B``, no count of the uncovered tables can reverse
    the outcome, provided the actas are genuine.

    References
    ----------
    .. [1] Lindeman, M. & Stark, P. B. (2012). A gentle introduction to
       risk-limiting audits. IEEE Security & Privacy 10(5), 42-49.
       doi:10.1109/MSP.2012.56 (worst-case bounds on unexamined records).

    Examples
    --------
    Thirty covered stations with 15,489 registered voters, 2,000 more on the
    registry:

    >>> from forensics import toy_election
    >>> b = coverage_bounds(toy_election(30, rng=0), registered_total=17489,
    ...                     candidates=["A", "B"])
    >>> b[["scenario", "margin", "winner"]].to_numpy().tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['actas only', 866.0, 'A'], ['all uncovered registered vote A', 2866.0, 'A'],
     ['all uncovered registered vote B', -1134.0, 'B']]
    """
    if len(candidates) != 2:
        raise ValueError(f"candidates must name two candidates, got {candidates!r}")
    a, b = candidates
    totals, cap = _acta_totals(actas, registered_total, candidates)
    cap = max(0.0, cap)
    rows = []
    for label, add_a, add_b in (
        ("actas only", 0.0, 0.0),
        (f"all uncovered registered vote {a}", cap, 0.0),
        (f"all uncovered registered vote {b}", 0.0, cap),
    ):
        va, vb = totals[a] + add_a, totals[b] + add_b
        valid = totals["valid"] + add_a + add_b
        rows.append(
            {
                "scenario": label,
                a: va,
                b: vb,
                "others": totals["others"],
                "valid": valid,
                "margin": va - vb,
                "margin_pct": 100.0 * (va - vb) / valid,
                "uncovered_registered": cap,
                "winner": a if va > vb else (b if vb > va else "tie"),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------ history-based imputation
def _unit_totals(e: Election, level: str, columns: Sequence[str]) -> pd.DataFrame:
    key = "station" if level == "station" else level
    if key not in e.stations.columns:
        raise DataError(f"{e.name or 'election'} has no column {key!r}; levels: {e.levels}")
    return e.stations.groupby(key, sort=True)[list(columns)].sum(min_count=1)


@dataclass(frozen=True)
class CoverageImputation(EstimateResult):
    """Result of :func:`impute_uncovered`: the national margin with its interval.

    ``estimate`` is the national margin A minus B in votes (covered totals
    plus the imputed uncovered units), ``ci_low`` and ``ci_high`` its
    prediction interval at ``confidence_level`` (also readable as
    ``level``, its former name), ``n`` the units fitted and ``n_excluded``
    the covered units absent from the history (``n_new``).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per current quantity (candidates, ``others``, ``valid``):
        ``actas`` (covered total), ``imputed`` (uncovered units, predicted),
        ``se``, ``lower``, ``upper``, and ``national`` = actas + imputed with
        its ``national_lower``/``national_upper``.
    margin : dict
        National margin A minus B: estimate, se, lower, upper (votes and
        percent of valid).
    coefficients : pandas.DataFrame
        Fitted transition coefficients (rows: current quantities, columns:
        history covariates).
    n_covered, n_uncovered, n_new : int
        Units used to fit, units imputed, covered units absent from the
        history (not used).
    uncovered_history_registered : float
        Registered voters of the imputed units in the history election.
    notes : tuple of str
    """

    table: pd.DataFrame = None  # type: ignore[assignment]
    margin: dict[str, float] = field(default_factory=dict)
    coefficients: pd.DataFrame = None  # type: ignore[assignment]
    n_covered: int = 0
    n_uncovered: int = 0
    n_new: int = 0
    uncovered_history_registered: float = math.nan
    notes: tuple[str, ...] = ()

    level = renamed_attribute("confidence_level", "level")


def _history_covariates(
    history: Election, level: str, history_candidates: Sequence[str]
) -> pd.DataFrame:
    cols = [*history.candidates, "registered"]
    h = _unit_totals(history, level, cols)
    x = pd.DataFrame(index=h.index)
    for c in history_candidates:
        x[c] = h[c]
    # Everyone else on the registry (other candidates, invalid, abstainers): the
    # small groups alone are too noisy to carry their own transition rates.
    x["rest"] = (h["registered"] - x.sum(axis=1)).clip(lower=0)
    ok = x.notna().all(axis=1) & (x.sum(axis=1) > 0)
    return x.loc[ok].astype(float)


@renamed_parameters(confidence="confidence_level")
def impute_uncovered(
    actas: Election,
    history: Election,
    *,
    level: str = "centre",
    candidates: Sequence[str],
    history_candidates: Sequence[str] | None = None,
    cluster: str | None = None,
    confidence_level: float = 0.95,
) -> CoverageImputation:
    """Predict the uncovered units from an earlier election at the same units.

    The history election (an earlier election at the same centres) defines
    the universe of units at ``level`` (``"centre"``, or ``"station"`` for
    table-by-table matching on the shared station id). Units present in ``actas`` are
    covered; units of the history absent from ``actas`` are imputed.

    Parameters
    ----------
    actas : Election
        Current results of the covered tables.
    history : Election
        An earlier election with the same unit codes, complete.
    level : str
        The unit: a level column shared by both elections, or ``"station"``.
    candidates : sequence of two str
        Current candidates reported separately (the rest become ``others``);
        the margin is ``candidates[0] - candidates[1]``.
    history_candidates : sequence of str, optional
        History candidates used as separate covariates (the rest are summed).
        Default: the two with the most votes.
    cluster : str, optional
        A coarser level of the history election (e.g. ``"municipality"``):
        standard errors then allow residuals to be correlated within it
        (cluster-robust; see Notes). Default: units independent.
    confidence_level : float
        Confidence level of the prediction intervals (formerly
        ``confidence``).

    Returns
    -------
    CoverageImputation
        An estimate (:class:`forensics.results.EstimateResult`) of the
        national margin, with the table of every quantity.

    Notes
    -----
    Model (a Goodman-type transition regression on counts): for unit ``u``
    and current quantity ``y`` (each candidate, others), ``y_u = x_u' beta +
    e_u`` where ``x_u`` holds the history counts of the unit (votes of each
    history candidate, others, invalid, abstainers; they sum to the history
    registry), with no intercept, so ``beta`` are rates of transition from
    each history group to the current quantity (absorbing registry growth
    and emigration). Errors have ``Var(e_u) = sigma^2 r_u`` with ``r_u`` the
    history registered voters, so the fit is weighted least squares with
    weights ``1 / r_u``. For the uncovered units, with ``s = sum_u x_u``, the
    predicted total is ``s' beta_hat`` and its prediction variance
    ``s' V(beta_hat) s + sigma_hat^2 sum_u r_u``; the margin's variance uses
    the residual covariance of the two candidates. Intervals are normal.

    Assumptions worth stating with any result: units are independent given
    the covariates (at ``level="centre"`` the tables of a centre are pooled,
    which absorbs within-centre correlation, but neighbouring centres may
    still be correlated, so intervals are optimistic); the transition rates
    of uncovered units equal those of covered ones, which
    :func:`coverage_selectivity_test` probes but cannot prove; a covered
    centre with some tables missing is treated as covered (its missing
    tables are not imputed), and current units absent from the history
    (new centres) are neither fitted nor imputed (counted in ``n_new``).

    References
    ----------
    .. [1] Goodman, L. A. (1953). Ecological regressions and behavior of
       individuals. American Sociological Review 18(6), 663-664.
       doi:10.2307/2088121
    .. [2] Jiménez, R., Hidalgo, M. & Klimek, P. (2017). Testing for voter
       rigging in small polling stations. Science Advances 3(6), e1602363.
       doi:10.1126/sciadv.1602363 (tables compared with their neighbours;
       the same centre codes across elections).

    Examples
    --------
    Twelve centres in the history election, nine of them covered now:

    >>> import numpy as np, pandas as pd
    >>> from forensics import Election
    >>> rng = np.random.default_rng(1)
    >>> reg = rng.integers(300, 600, 12)
    >>> old_a = rng.binomial(reg, 0.4)
    >>> old_b = rng.binomial(reg - old_a, 0.5)
    >>> history = Election.from_frame(
    ...     pd.DataFrame({"centre": range(12), "registered": reg, "A": old_a, "B": old_b}),
    ...     candidates=["A", "B"], registered="registered", levels=["centre"])
    >>> now = pd.DataFrame({"centre": range(12), "registered": reg,
    ...                     "A": rng.binomial(old_a, 0.9), "B": rng.binomial(old_b, 0.8),
    ...                     "C": rng.binomial(50, 0.2, 12)})
    >>> actas = Election.from_frame(now[:9], candidates=["A", "B", "C"],
    ...                             registered="registered", levels=["centre"])
    >>> im = impute_uncovered(actas, history, candidates=["A", "B"])
    >>> im.n_covered, im.n_uncovered
    (9, 3)
    >>> im.table.set_index("quantity").loc[["A", "B"], ["imputed", "se"]].round(1).to_numpy()
    array([[500. ,   8.1],
           [334.9,  11. ]])
    """
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be in (0, 1), got {confidence_level}")
    if len(candidates) != 2:
        raise ValueError(f"candidates must name two candidates, got {candidates!r}")
    for c in candidates:
        if c not in actas.candidates:
            raise DataError(f"{c!r} is not a candidate of {actas.name!r}: {actas.candidates}")
    if history_candidates is None:
        tot = history.stations[list(history.candidates)].sum().sort_values(ascending=False)
        history_candidates = list(tot.index[:2])
    x = _history_covariates(history, level, history_candidates)
    cur = _unit_totals(actas, level, actas.candidates)
    y = pd.DataFrame(index=cur.index)
    for c in candidates:
        y[c] = cur[c]
    y["others"] = cur.drop(columns=list(candidates)).sum(axis=1)
    covered = x.index.intersection(y.index)
    uncovered = x.index.difference(y.index)
    n_new = len(y.index.difference(x.index))
    if len(covered) <= x.shape[1] + 1:
        raise DataError(
            f"only {len(covered)} unit(s) at level {level!r} are in both elections; need more "
            f"than {x.shape[1] + 1} to fit the transition model"
        )
    X = x.loc[covered].to_numpy()
    Y = y.loc[covered].to_numpy(dtype=float)
    r = X.sum(axis=1)
    w = 1.0 / r
    Xw = X * np.sqrt(w)[:, None]
    Yw = Y * np.sqrt(w)[:, None]
    beta, *_ = np.linalg.lstsq(Xw, Yw, rcond=None)
    resid_w = Yw - Xw @ beta
    dof = len(covered) - X.shape[1]
    sigma = resid_w.T @ resid_w / dof  # residual covariance across quantities
    xtwx_inv = np.linalg.pinv(Xw.T @ Xw)
    s = x.loc[uncovered].to_numpy().sum(axis=0)
    r_u = float(s.sum())
    pred = s @ beta
    # Var of (s'beta_j + e_j) and covariances between quantities j, k.
    if cluster is None:
        cov_pred = (s @ xtwx_inv @ s) * sigma + r_u * sigma
    else:
        if cluster not in history.stations.columns:
            raise DataError(f"history has no column {cluster!r} for cluster=")
        key = "station" if level == "station" else level
        cl_map = history.stations.groupby(key, sort=True)[cluster].first()
        cl = cl_map.reindex(covered).to_numpy()
        resid = Y - X @ beta
        a = xtwx_inv @ s
        t = (X @ a)[:, None] * w[:, None] * resid
        tc = pd.DataFrame(t).groupby(cl).sum().to_numpy()
        ec = pd.DataFrame(resid).groupby(cl).sum().to_numpy()
        cov_pred = tc.T @ tc + (r_u / r.sum()) * (ec.T @ ec)
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    names = [*candidates, "others"]
    acta_tot = y.sum()
    rows = []
    for j, name in enumerate(names):
        se = math.sqrt(max(cov_pred[j, j], 0.0))
        rows.append(
            {
                "quantity": name,
                "actas": float(acta_tot[name]),
                "imputed": float(pred[j]),
                "se": se,
                "lower": float(pred[j] - z * se),
                "upper": float(pred[j] + z * se),
            }
        )
    se_valid = math.sqrt(max(float(cov_pred.sum()), 0.0))
    rows.append(
        {
            "quantity": "valid",
            "actas": float(acta_tot.sum()),
            "imputed": float(pred.sum()),
            "se": se_valid,
            "lower": float(pred.sum() - z * se_valid),
            "upper": float(pred.sum() + z * se_valid),
        }
    )
    table = pd.DataFrame(rows)
    table["national"] = table["actas"] + table["imputed"]
    table["national_lower"] = table["actas"] + table["lower"]
    table["national_upper"] = table["actas"] + table["upper"]
    d = np.array([1.0, -1.0, 0.0])
    m_imp = float(d @ pred)
    m_se = math.sqrt(max(float(d @ cov_pred @ d), 0.0))
    m_nat = float(acta_tot[candidates[0]] - acta_tot[candidates[1]]) + m_imp
    valid_nat = float(table.loc[table["quantity"] == "valid", "national"].iloc[0])
    margin = {
        "margin": m_nat,
        "se": m_se,
        "lower": m_nat - z * m_se,
        "upper": m_nat + z * m_se,
        "margin_pct": 100.0 * m_nat / valid_nat,
        "lower_pct": 100.0 * (m_nat - z * m_se) / valid_nat,
        "upper_pct": 100.0 * (m_nat + z * m_se) / valid_nat,
    }
    coefficients = pd.DataFrame(beta.T, index=names, columns=list(x.columns))
    notes = (
        f"fitted on {len(covered):,} {level} unit(s) in both elections; imputed "
        f"{len(uncovered):,} history unit(s) absent from the actas",
        f"{n_new:,} covered unit(s) absent from the history election are not used",
        "covered units with some tables missing are treated as covered (not imputed)",
    )
    return CoverageImputation(
        estimate=m_nat,
        ci_low=margin["lower"],
        ci_high=margin["upper"],
        confidence_level=confidence_level,
        estimate_name=f"national margin {candidates[0]} - {candidates[1]} (votes)",
        n=len(covered),
        n_excluded=n_new,
        method=f"transition regression on the history election at level {level!r}"
        + ("" if cluster is None else f", errors clustered by {cluster!r}"),
        reference=_REFERENCE_GOODMAN,
        table=table,
        margin=margin,
        coefficients=coefficients,
        n_covered=len(covered),
        n_uncovered=len(uncovered),
        n_new=n_new,
        uncovered_history_registered=r_u,
        notes=notes,
    )


@dataclass(frozen=True)
class SelectivityResult(TestResult):
    """Result of :func:`coverage_selectivity_test`.

    Attributes
    ----------
    share_covered, share_uncovered : float
        The history candidate's aggregate share of valid votes in covered and
        uncovered units.
    n_covered, n_uncovered : int
        Units in each group.
    candidate : str
        The history candidate.
    """

    share_covered: float = math.nan
    share_uncovered: float = math.nan
    n_covered: int = 0
    n_uncovered: int = 0
    candidate: str = ""


def _ratio_var(v: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    p = v.sum() / n.sum()
    m = len(v)
    var = float(((v - p * n) ** 2).sum() / n.sum() ** 2 * m / max(m - 1, 1))
    return float(p), var


def coverage_selectivity_test(
    actas: Election,
    history: Election,
    *,
    level: str = "centre",
    candidate: str | None = None,
) -> SelectivityResult:
    """Did the uncovered units vote differently in the history election?

    Parameters
    ----------
    actas : Election
        Current covered tables (only their unit codes are used).
    history : Election
        Earlier election at the same units.
    level : str
        Unit level shared by both, or ``"station"``.
    candidate : str, optional
        History candidate whose share is compared (default: the history's
        leader).

    Returns
    -------
    SelectivityResult
        ``statistic`` = z, ``effect_size`` = share(uncovered) minus
        share(covered) in the history election, two-sided normal p-value
        (z and p-value NaN when both groups' shares have zero estimated
        variance, e.g. every unit with the same share). Units with no valid
        votes in the history are left out and counted in ``n_excluded``.

    Notes
    -----
    Each group's share is a ratio estimator ``sum v_u / sum n_u`` over its
    units (``n_u`` valid votes); its variance is the linearised
    ``sum (v_u - p n_u)^2 / (sum n_u)^2 * m/(m - 1)``, which treats units as
    the independent sampling units (the finite population correction is
    omitted: the units are a realised partition, and the question is
    whether the process that left some uncovered was independent of how
    they vote). A small p-value says coverage is selective on past votes, so
    a naive extrapolation from covered tables would be biased; it does not
    say in which direction the current votes of the uncovered tables differ.

    References
    ----------
    .. [1] Cochran, W. G. (1977). Sampling Techniques, 3rd ed., ch. 6
       (ratio estimators). Wiley. ISBN 978-0-471-16240-7.

    Examples
    --------
    Twelve districts in the history election, the first nine covered now
    (only the unit codes of ``actas`` matter):

    >>> from forensics import toy_election
    >>> history = toy_election(240, rng=1)
    >>> actas = history.subset(history.stations["district"].to_numpy() < 9)
    >>> r = coverage_selectivity_test(actas, history, level="district", candidate="A")
    >>> round(r.share_covered, 3), round(r.share_uncovered, 3), round(r.pvalue, 2)
    (0.551, 0.545, 0.42)
    """
    candidate = history.leader if candidate is None else candidate
    if candidate not in history.candidates:
        raise DataError(f"{candidate!r} is not a candidate of the history election")
    h = _unit_totals(history, level, [candidate, *[c for c in history.candidates]])
    h = h.loc[:, ~h.columns.duplicated()]
    valid = h[list(history.candidates)].sum(axis=1)
    keep = valid > 0
    n_excluded = int((~keep).sum())
    h, valid = h.loc[keep], valid.loc[keep]
    key = "station" if level == "station" else level
    cov_keys = pd.Index(actas.stations[key].unique())
    is_cov = h.index.isin(cov_keys)
    if is_cov.all() or (~is_cov).all():
        raise DataError(
            f"all {len(h)} history units are {'covered' if is_cov.all() else 'uncovered'}; "
            "nothing to compare"
        )
    p1, v1 = _ratio_var(h.loc[is_cov, candidate].to_numpy(float), valid[is_cov].to_numpy(float))
    p2, v2 = _ratio_var(h.loc[~is_cov, candidate].to_numpy(float), valid[~is_cov].to_numpy(float))
    diff = p2 - p1
    se = math.sqrt(v1 + v2)
    zval = diff / se if se > 0 else math.nan
    pvalue = float(2 * stats.norm.sf(abs(zval))) if se > 0 else math.nan
    return SelectivityResult(
        statistic=zval,
        pvalue=pvalue,
        n=len(h),
        n_excluded=n_excluded,
        effect_size=diff,
        effect_size_name=f"share of {candidate} (uncovered - covered)",
        method=f"coverage selectivity: ratio-estimator z test at level {level!r}",
        null="equal history shares in covered and uncovered units",
        reference="Cochran (1977), Sampling Techniques, ch. 6",
        share_covered=p1,
        share_uncovered=p2,
        n_covered=int(is_cov.sum()),
        n_uncovered=int((~is_cov).sum()),
        candidate=candidate,
    )
