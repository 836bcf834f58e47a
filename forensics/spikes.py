"""Round-number spikes: integer percentages, coarse vote shares, small stations.

Three tests of the same question from different angles: are station-level
percentages more often "round" (integer, or simple fractions), or small
stations more different from their neighbours, than the arithmetic of
honest counts allows? Each null conditions on every station's own size, so
the coarse fractions that small denominators produce are not mistaken for
a signature.

This module holds the integer-percentage test (Kobak, Shpilkin &
Pshenichnikov 2016) and its per-integer breakdown; the coarse-share test
(Rozenas 2017) lives in :mod:`forensics.coarse_shares` and the
small-station test (Jiménez, Hidalgo & Klimek 2017) in
:mod:`forensics.small_stations`. All are importable from here.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from forensics._inputs import election_candidate, resampled_pvalue
from forensics._integer_null import (
    _hits_by_integer,
    _integer_probabilities,
    _near_integer,
    _poisson_binomial_sf,
)
from forensics.coarse_shares import CoarseShareResult, coarse_share_test
from forensics.election import DataError, Election
from forensics.results import TestResult, as_float, as_int
from forensics.small_stations import SmallStationResult, small_station_test

__all__ = [
    "CoarseShareResult",
    "IntegerPercentageResult",
    "SmallStationResult",
    "coarse_share_test",
    "integer_percentage_test",
    "integer_profile",
    "integer_split",
    "small_station_test",
]

_KOBAK = (
    "Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer percentages as "
    "electoral falsification fingerprints. Annals of Applied Statistics 10(1), 54-73. "
    "doi:10.1214/16-AOAS904"
)
_QUANTITIES = ("turnout", "share", "either")


@dataclasses.dataclass(frozen=True)
class IntegerPercentageResult(TestResult):
    """Result of :func:`integer_percentage_test`.

    The base fields describe the "either" count (turnout or leader share
    integer): ``statistic`` is the observed number of integer stations,
    ``effect_size`` the excess over its null expectation relative to that
    expectation. ``table`` has one row per quantity (``turnout``, ``share``,
    ``either``) and weighting (``stations``, ``registered``), with observed,
    expected, excess, sd, z and pvalue. The ``*_by_integer`` arrays (length
    101) hold, for each integer percentage 0..100, the stations observed
    there (by the test's own rule) and their exact null mean and variance.
    """

    table: pd.DataFrame
    candidate: str
    window: float
    observed: float
    expected: float
    excess: float
    sd: float
    n_resamples: int
    turnout_pct: np.ndarray
    share_pct: np.ndarray
    expected_turnout_by_integer: np.ndarray
    expected_share_by_integer: np.ndarray
    var_turnout_by_integer: np.ndarray
    var_share_by_integer: np.ndarray
    observed_turnout_by_integer: np.ndarray
    observed_share_by_integer: np.ndarray


def _integer_inputs(election, candidate, turnout_from, min_registered, max_percent):
    """Candidate, kept-station mask, and the four counts of the integer-percentage test."""
    candidate = election_candidate(election, candidate)
    if turnout_from not in election.stations.columns:
        raise DataError(
            f"turnout_from column {turnout_from!r} is not in the station table "
            f"(columns: {list(election.stations.columns)})"
        )
    reg = election.counts("registered")
    given = election.counts(turnout_from)
    received = election.counts("ballots")
    votes = election.counts(candidate)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = 100.0 * given / reg
        r = 100.0 * votes / received
    keep = (
        np.isfinite(reg)
        & np.isfinite(given)
        & np.isfinite(received)
        & np.isfinite(votes)
        & (reg >= min_registered)
        & (received > 0)
        & (t <= max_percent)
        & (r <= max_percent)
    )
    return candidate, keep, reg, given, received, votes


def _exact_rows(obs, probs, weights):
    """Observed, expected, SD, z and p-value per weighting and quantity, exactly."""
    rows = []
    for what, w in weights.items():
        for q in _QUANTITIES:
            pi = probs[q]
            o = as_float((w * obs[q]).sum())
            e = as_float((w * pi).sum())
            sd = as_float(np.sqrt((w**2 * pi * (1 - pi)).sum()))
            if what == "stations":
                pval = _poisson_binomial_sf(o, pi)
            else:
                pval = as_float(stats.norm.sf((o - e) / sd)) if sd > 0 else float("nan")
            rows.append((q, what, o, e, o - e, sd, (o - e) / sd if sd > 0 else np.nan, pval))
    return rows


def _montecarlo_rows(obs, weights, N, g, b, v, window, n_resamples, rng):
    """The same rows from ``n_resamples`` binomial redraws of every station."""
    gen = np.random.default_rng(rng)
    pt, pr = g / N, v / b
    sims = {(q, what): np.zeros(n_resamples) for q in obs for what in weights}
    # blocks of stations x all resamples: consecutive draws share (n, p), which
    # numpy's binomial sampler reuses
    block = max(1, int(2e6 // n_resamples))
    Ni, bi = N.astype(np.int64)[:, None], b.astype(np.int64)[:, None]
    for s in range(0, N.size, block):
        sl = slice(s, s + block)
        gs = gen.binomial(Ni[sl], pt[sl, None], size=(Ni[sl].size, n_resamples))
        vs = gen.binomial(bi[sl], pr[sl, None], size=(bi[sl].size, n_resamples))
        it = _near_integer(gs, Ni[sl], window)
        ir = _near_integer(vs, bi[sl], window)
        for q, f in (("turnout", it), ("share", ir), ("either", it | ir)):
            sims[(q, "stations")] += np.count_nonzero(f, axis=0)
            sims[(q, "registered")] += N[sl] @ f
    rows = []
    for what, w in weights.items():
        for q in _QUANTITIES:
            o = as_float((w * obs[q]).sum())
            sim = sims[(q, what)]
            e, sd = as_float(sim.mean()), as_float(sim.std(ddof=1))
            pval = resampled_pvalue(sim, o)
            rows.append((q, what, o, e, o - e, sd, (o - e) / sd if sd > 0 else np.nan, pval))
    return rows


def integer_percentage_test(
    election: Election,
    candidate: str | None = None,
    *,
    window: float = 0.05,
    min_registered: int = 100,
    method: Literal["exact", "montecarlo"] = "exact",
    n_resamples: int = 1000,
    rng: np.random.Generator | int | None = None,
    turnout_from: str = "ballots",
    max_percent: float = 99.0,
) -> IntegerPercentageResult:
    """Excess of stations whose turnout or leader share is an integer percentage.

    Counts stations whose turnout, or whose candidate share, lies within
    ``window`` percentage points of an integer, and compares the count with
    what binomial counting noise at each station's own size produces.

    Parameters
    ----------
    election : Election
        Station counts (registered voters, ballots, candidate votes).
    candidate : str, optional
        The candidate whose share is examined; default the election's leader.
    window : float
        Half-width, in percentage points, of the band around each integer
        (0.05 = the paper's 0.1 pp bins centred on integers).
    min_registered : int
        Stations with fewer registered voters are excluded (the paper: 100).
    method : {"exact", "montecarlo"}
        ``"exact"``: the expected count and its variance computed exactly
        (Poisson-binomial, see Notes). ``"montecarlo"``: the paper's
        resampling, ``n_resamples`` replicates.
    n_resamples : int
        Monte Carlo replicates (``method="montecarlo"`` only).
    rng : numpy.random.Generator or int, optional
        Randomness for the Monte Carlo method.
    turnout_from : str
        Column of ballots counted in the turnout numerator: ``"ballots"``
        (ballots found in the boxes, default) or a kept column such as
        ``"ballots_issued"`` (the paper's "given" ballots).
    max_percent : float
        Stations with turnout or share above this percentage are excluded
        (the paper: 99), since 100 % is trivially an integer.

    Returns
    -------
    IntegerPercentageResult
        ``table`` gives observed, expected, excess, SD, z and one-sided
        p-value (excess of integers) for turnout, share and either, counted
        by stations and weighted by registered voters. Per-integer counts:
        :func:`integer_profile`, :func:`integer_split`.

    Notes
    -----
    Station *i* has turnout :math:`t_i = 100\\,g_i/N_i` (``turnout_from``
    over registered) and share :math:`r_i = 100\\,v_i/b_i` (candidate votes
    over ballots cast, as in the paper). It is "integer" in turnout when
    :math:`|t_i - \\mathrm{round}(t_i)| \\le` ``window`` (a closed window: a
    percentage exactly ``window`` from an integer counts). The rule is
    evaluated in exact integer arithmetic: with :math:`r = 100 g_i \\bmod N_i`,
    integer iff :math:`\\min(r, N_i - r) \\le` ``window`` :math:`N_i`. Stations are kept when
    registered is known and at least ``min_registered``, ballots cast > 0,
    and :math:`t_i, r_i \\le` ``max_percent``; the others are counted in
    ``n_excluded``.

    Null model (the paper's): :math:`g_i^* \\sim \\mathrm{Bin}(N_i, t_i/100)`
    and, independently, :math:`v_i^* \\sim \\mathrm{Bin}(b_i, r_i/100)`. The
    probability :math:`\\pi_i` that station *i* lands on an integer is a finite
    sum of binomial probabilities over the counts whose percentage falls in
    a window; the number of integer stations is then Poisson-binomial with
    mean :math:`\\sum \\pi_i` and variance :math:`\\sum \\pi_i(1-\\pi_i)`
    ("either": :math:`1-(1-\\pi^t_i)(1-\\pi^r_i)`). The exact method computes
    these sums (binomial tails beyond 8 SD are dropped, < 1e-14 per
    station); its p-value is the exact Poisson-binomial tail up to 3,000
    stations and the refined normal approximation above. Registered-weighted
    counts have mean :math:`\\sum w_i\\pi_i`, variance
    :math:`\\sum w_i^2\\pi_i(1-\\pi_i)` and a normal p-value. The Monte Carlo
    method resamples instead and reports the replicates' mean and SD, with
    p-value :math:`(1 + \\#\\{S^* \\ge S\\})/(1 + B)`.

    An excess speaks against "percentages arise from honest counts of this
    size"; it is a signature consistent with results written to round
    targets, not proof of fraud. The paper's "given" ballots (issued) can be
    used via ``turnout_from="ballots_issued"`` where a loader keeps them.

    References
    ----------
    .. [1] Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer
       percentages as electoral falsification fingerprints. Annals of Applied
       Statistics 10(1), 54-73. doi:10.1214/16-AOAS904
    .. [2] Hong, Y. (2013). On computing the distribution function for the
       Poisson binomial distribution. Computational Statistics & Data
       Analysis 59, 41-51. doi:10.1016/j.csda.2012.10.006

    Examples
    --------
    Two stations checked by hand: 100 of 200 registered voted (50 %,
    integer), 33 of them for A (33 %, integer); 101 of 300 voted (33.67 %)
    and 50 of 101 for A (49.50 %): neither.

    >>> import pandas as pd, forensics
    >>> df = pd.DataFrame({"registered": [200, 300], "ballots": [100, 101],
    ...                    "A": [33, 50], "B": [67, 51]})
    >>> e = forensics.Election.from_frame(df, candidates=["A", "B"],
    ...                                   registered="registered", ballots="ballots")
    >>> r = forensics.integer_percentage_test(e, "A")
    >>> tab = r.table.set_index(["quantity", "weight"])
    >>> print(tab.loc[("turnout", "stations"), "observed"], tab.loc[("share", "stations"), "observed"])
    1.0 1.0
    >>> print(r.observed, round(r.expected, 3), round(r.pvalue, 3))
    1.0 1.333 1.0

    With 200 registered every even number of ballots is an integer
    percentage, so the null expects 1.33 of the 2 stations to be integer
    in turnout or share: the test conditions on such coarse denominators.
    """
    if method not in ("exact", "montecarlo"):
        raise ValueError(f"method must be 'exact' or 'montecarlo', got {method!r}")
    if not 0 < window < 0.5:
        raise ValueError(f"window must lie in (0, 0.5) percentage points, got {window}")
    if method == "montecarlo" and n_resamples < 1:
        raise ValueError(f"n_resamples must be positive, got {n_resamples}")
    candidate, keep, reg, given, received, votes = _integer_inputs(
        election, candidate, turnout_from, min_registered, max_percent
    )
    n_excluded = int((~keep).sum())
    N, g, b, v = reg[keep], given[keep], received[keep], votes[keep]
    if N.size == 0:
        raise DataError(
            f"no station left for the integer-percentage test: all {n_excluded} excluded "
            f"(registered < {min_registered} or missing, no ballots, or above {max_percent} %)"
        )
    if not all(np.array_equal(c, np.floor(c)) for c in (N, g, b, v)):
        raise DataError("the integer-percentage test needs integer counts")
    pt, pr = g / N, v / b
    obs_t = _near_integer(g, N, window)
    obs_r = _near_integer(v, b, window)
    obs = {"turnout": obs_t, "share": obs_r, "either": obs_t | obs_r}
    prob_t, by_t, var_by_t = _integer_probabilities(N, pt, window)
    prob_r, by_r, var_by_r = _integer_probabilities(b, pr, window)
    weights = {"stations": np.ones_like(N), "registered": N}
    if method == "exact":
        probs = {"turnout": prob_t, "share": prob_r, "either": 1 - (1 - prob_t) * (1 - prob_r)}
        rows, n_res = _exact_rows(obs, probs, weights), 0
    else:
        rows = _montecarlo_rows(obs, weights, N, g, b, v, window, n_resamples, rng)
        n_res = n_resamples
    table = pd.DataFrame(
        rows, columns=["quantity", "weight", "observed", "expected", "excess", "sd", "z", "pvalue"]
    )
    main = table.iloc[2]
    return IntegerPercentageResult(
        statistic=as_float(main["observed"]),
        pvalue=as_float(main["pvalue"]),
        n=as_int(N.size),
        n_excluded=n_excluded,
        effect_size=as_float(main["excess"] / main["expected"]),
        effect_size_name="relative excess of integer stations (turnout or share)",
        method=(
            f"integer percentages ({'exact Poisson-binomial' if method == 'exact' else 'Monte Carlo'}"
            f", window ±{window:g} pp, turnout from {turnout_from!r}, share of ballots)"
        ),
        null="station-wise binomial",
        reference=_KOBAK,
        table=table,
        candidate=candidate,
        window=float(window),
        observed=as_float(main["observed"]),
        expected=as_float(main["expected"]),
        excess=as_float(main["excess"]),
        sd=as_float(main["sd"]),
        n_resamples=n_res,
        turnout_pct=100.0 * pt,
        share_pct=100.0 * pr,
        expected_turnout_by_integer=by_t,
        expected_share_by_integer=by_r,
        var_turnout_by_integer=var_by_t,
        var_share_by_integer=var_by_r,
        observed_turnout_by_integer=_hits_by_integer(g, N, window),
        observed_share_by_integer=_hits_by_integer(v, b, window),
    )


def _by_integer(result: IntegerPercentageResult, quantity: str):
    if not isinstance(result, IntegerPercentageResult):
        raise TypeError(f"result must be an IntegerPercentageResult, got {type(result).__name__}")
    if quantity not in ("turnout", "share"):
        raise ValueError(f"quantity must be 'turnout' or 'share', got {quantity!r}")
    return (
        getattr(result, f"observed_{quantity}_by_integer"),
        getattr(result, f"expected_{quantity}_by_integer"),
        getattr(result, f"var_{quantity}_by_integer"),
    )


def integer_profile(
    result: IntegerPercentageResult, quantity: Literal["turnout", "share"] = "share"
) -> pd.DataFrame:
    """Observed against expected stations at each integer percentage, with z-scores.

    Parameters
    ----------
    result : IntegerPercentageResult
        From :func:`integer_percentage_test` (exact or Monte Carlo; the
        per-integer null is always the exact one).
    quantity : {"turnout", "share"}
        Which percentage.

    Returns
    -------
    pandas.DataFrame
        One row per integer 0..100: ``integer``, ``observed`` (stations
        within the test's window of that integer, by the test's own rule),
        ``expected`` and ``sd`` (exact null mean and standard deviation) and
        ``z = (observed - expected) / sd`` (NaN where the null puts no
        station there).

    Notes
    -----
    Under the test's null the stations at integer *j* are a sum of
    independent Bernoulli(:math:`\\pi_{ij}`) over stations *i*, with mean
    :math:`\\sum_i \\pi_{ij}` and variance
    :math:`\\sum_i \\pi_{ij}(1 - \\pi_{ij})`. The z-scores are
    descriptive: 101 of them, not adjusted for multiplicity.

    References
    ----------
    .. [1] Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer
       percentages as electoral falsification fingerprints. Annals of Applied
       Statistics 10(1), 54-73. doi:10.1214/16-AOAS904

    Examples
    --------
    One station of 200 registered with 100 ballots (50 % turnout):

    >>> import pandas as pd, forensics
    >>> df = pd.DataFrame({"registered": [200], "ballots": [100], "A": [30], "B": [70]})
    >>> e = forensics.Election.from_frame(df, candidates=["A", "B"],
    ...                                   registered="registered", ballots="ballots")
    >>> p = forensics.integer_profile(forensics.integer_percentage_test(e), "turnout")
    >>> print(p.loc[50, "observed"], round(p.loc[50, "expected"], 4), round(p.loc[50, "z"], 2))
    1 0.0563 4.09
    """
    observed, expected, var = _by_integer(result, quantity)
    sd = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (observed - expected) / sd
    return pd.DataFrame(
        {"integer": np.arange(101), "observed": observed, "expected": expected, "sd": sd, "z": z}
    )


def integer_split(
    result: IntegerPercentageResult,
    quantity: Literal["turnout", "share"] = "share",
    *,
    multiple: int = 5,
) -> pd.DataFrame:
    """Excess of integer stations at multiples of ``multiple`` and at the other integers.

    Results written to round targets favour round integers (50 %, 55 %,
    60 %); an excess spread evenly over all integers does not have that
    shape. The split asks where the test's excess lies.

    Parameters
    ----------
    result : IntegerPercentageResult
        From :func:`integer_percentage_test`.
    quantity : {"turnout", "share"}
        Which percentage.
    multiple : int
        Integers divisible by it (0 included) form the first row.

    Returns
    -------
    pandas.DataFrame
        Two rows, ``integers`` = ``"multiples of <multiple>"`` and
        ``"other"``, with ``observed`` stations, ``expected``, ``excess``,
        ``sd``, ``z`` and the one-sided normal ``pvalue`` of an excess.

    Notes
    -----
    Sums over the integers of each set of :func:`integer_profile`'s
    observed counts, null means and null variances. A station lands on at
    most one integer, so the null variance of a set's count is smaller than
    the sum of the per-integer variances, by
    :math:`2 \\sum_i \\sum_{j<k} \\pi_{ij}\\pi_{ik}` over pairs of integers of
    the set: ``sd`` is slightly too large and ``z`` conservative. A split
    chosen after seeing the data is exploratory.

    References
    ----------
    .. [1] Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer percentages
       as electoral falsification fingerprints. Ann. Appl. Stat. 10(1), 54-73.
       doi:10.1214/16-AOAS904 (the test, its null and the per-integer means)

    Examples
    --------
    Turnouts of 50 % (100 of 200) and 40 % (120 of 300), both multiples of
    5; under the null each station's hits fall about evenly on the
    integers near its rate, one in five of them at a multiple of 5:

    >>> import pandas as pd, forensics
    >>> df = pd.DataFrame({"registered": [200, 300], "ballots": [100, 120],
    ...                    "A": [30, 50], "B": [70, 70]})
    >>> e = forensics.Election.from_frame(df, candidates=["A", "B"],
    ...                                   registered="registered", ballots="ballots")
    >>> s = forensics.integer_split(forensics.integer_percentage_test(e), "turnout")
    >>> print(s[["integers", "observed", "expected"]].round(3).to_string(index=False))
          integers  observed  expected
    multiples of 5         2     0.167
             other         0     0.666
    """
    if int(multiple) != multiple or multiple < 2:
        raise ValueError(f"multiple must be an integer >= 2, got {multiple}")
    observed, expected, var = _by_integer(result, quantity)
    rows = []
    on = np.arange(101) % int(multiple) == 0
    for name, sel in ((f"multiples of {int(multiple)}", on), ("other", ~on)):
        o, m = observed[sel].sum(), expected[sel].sum()
        sd = np.sqrt(var[sel].sum())
        z = (o - m) / sd if sd > 0 else np.nan
        p = as_float(stats.norm.sf(z)) if sd > 0 else np.nan
        rows.append((name, int(o), as_float(m), as_float(o - m), as_float(sd), as_float(z), p))
    return pd.DataFrame(
        rows, columns=["integers", "observed", "expected", "excess", "sd", "z", "pvalue"]
    )
