"""Digit-distribution tests: first, second and last digits, round numbers, digit pairs.

Every test takes an array of counts, or an :class:`~forensics.Election` and a
``column=`` (a candidate or count column; default the leader), and returns a
frozen dataclass deriving from :class:`~forensics.results.TestResult` with
the observed and expected cell frequencies.

Two kinds of null are offered. The textbook null (``"benford"`` or
``"uniform"``) assumes the digit law holds exactly; station counts are
bounded by station sizes and need not follow it even in a clean election
(Deckert, Myagkov & Ordeshook 2011). ``null="simulated"`` instead takes the
statistic's null distribution from clean elections simulated from the data's
own station sizes (:mod:`forensics.simulate`, cf. Mebane 2007), and reports
the expected value these data should show beside the textbook one.

A rejection says the digits depart from the stated null; it speaks to that
statistical signature only, not to fraud, which is one of several causes.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from forensics.election import Election
from forensics.multitest import benjamini_hochberg, holm
from forensics.results import TestResult, as_float, as_int
from forensics.simulate import CleanModel, fit_clean_model

__all__ = [
    "BENFORD_1",
    "BENFORD_2",
    "SUMMARY_TESTS",
    "DigitPairResult",
    "DigitTestResult",
    "FirstDigitResult",
    "ForensicsWarning",
    "LastDigitResult",
    "RoundNumberResult",
    "SecondDigitResult",
    "by_group",
    "digit_pair_test",
    "digit_summary",
    "first_digit_test",
    "last_digit_test",
    "round_number_test",
    "second_digit_test",
]


class ForensicsWarning(UserWarning):
    """A test was run outside the conditions under which its null is credible."""


# ----------------------------------------------------------------- closed forms
_D1 = np.arange(1, 10)
#: First-digit Benford probabilities, P(D1 = d) = log10(1 + 1/d), d = 1..9.
BENFORD_1 = np.log10(1 + 1 / _D1)
_D12 = np.arange(10, 100)
_BENFORD_12 = np.log10(1 + 1 / _D12)
#: Second-digit Benford probabilities, P(D2 = d) = sum_k log10(1 + 1/(10k + d)).
BENFORD_2 = np.log10(1 + 1 / (10 * np.arange(1, 10)[:, None] + np.arange(10)[None, :])).sum(0)
_D10 = np.arange(10)
BENFORD_2_MEAN = float(BENFORD_2 @ _D10)  # 4.18739
BENFORD_2_VAR = float(BENFORD_2 @ _D10**2 - BENFORD_2_MEAN**2)  # 8.25378
UNIFORM_MEAN, UNIFORM_VAR = 4.5, 8.25

# Nigrini (2012), Table 7.1: MAD cut-offs (close, acceptable, marginal).
_NIGRINI = {1: (0.006, 0.012, 0.015), 2: (0.0012, 0.0018, 0.0022)}
_LABELS = ("close conformity", "acceptable conformity", "marginal conformity", "nonconformity")

_REF_BENFORD = (
    "Nigrini, M. J. (2012). Benford's Law. Wiley. doi:10.1002/9781119203094; "
    "Barney, B. J. & Schulzke, K. S. (2016). Moderating 'cry wolf' events with excess MAD. "
    "Journal of Forensic Accounting Research 1(1), A66–A90. doi:10.2308/jfar-51622"
)
_REF_2BL = (
    "Mebane, W. R. (2008). Election forensics: the second-digit Benford's law test and recent "
    "American presidential elections. In Alvarez, Hall & Hyde (eds.), Election Fraud, "
    "Brookings, 162–181"
)
_REF_BS = (
    "Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based test for election "
    "fraud. Political Analysis 20(2), 211–234. doi:10.1093/pan/mps003"
)
_REF_EFT = (
    "Hicken, A. & Mebane, W. R. (2017). A Guide to Elections Forensics. USAID DRG Center "
    "working paper (Election Forensics Toolkit)"
)
_POW10 = 10 ** np.arange(19, dtype=np.int64)
_CHI2_LARGE_N = 10_000
_MIN_EXPECTED = 5.0


# -------------------------------------------------------------------- results
@dataclass(frozen=True)
class DigitTestResult(TestResult):
    """Fields shared by every digit test.

    Attributes
    ----------
    column : str
        The column tested (``""`` for a plain array).
    cells : numpy.ndarray
        Cell labels (digits, or category names).
    observed : numpy.ndarray
        Observed counts per cell.
    expected : numpy.ndarray
        Expected proportions per cell under the textbook null.
    expected_simulated : numpy.ndarray or None
        Mean proportions per cell over the simulated clean elections
        (``None`` with a textbook null).
    n_sim : int
        Simulated clean elections (0 with a textbook null).
    seconds_per_resample : float
        Wall time per simulated election (NaN with a textbook null).
    """

    column: str
    cells: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    expected_simulated: np.ndarray | None
    n_sim: int
    seconds_per_resample: float

    @property
    def observed_freq(self) -> np.ndarray:
        """Observed proportions per cell."""
        total = self.observed.sum()
        return self.observed / total if total else np.full(self.observed.shape, np.nan)


@dataclass(frozen=True)
class FirstDigitResult(DigitTestResult):
    """First-digit (or first-two-digits) Benford test; ``statistic`` is Pearson χ².

    Extra attributes: ``position`` (1 or 2 leading digits), ``df``,
    ``g_statistic``/``g_pvalue`` (likelihood ratio), ``ks_statistic``/
    ``ks_pvalue`` (discrete KS with simulated p-value), ``mad``,
    ``mad_conformity`` (Nigrini's label), ``expected_mad`` and ``excess_mad``
    (MAD minus its expectation under the null), ``magnitude_span``
    (log10 of max/min count).
    """

    position: int
    df: int
    g_statistic: float
    g_pvalue: float
    ks_statistic: float
    ks_pvalue: float
    mad: float
    mad_conformity: str
    expected_mad: float
    excess_mad: float
    magnitude_span: float


@dataclass(frozen=True)
class SecondDigitResult(DigitTestResult):
    """Second-digit Benford (2BL) test; ``statistic`` is χ² on the 10 cells.

    Extra attributes: ``mean`` (second-digit mean), ``mean_expected`` (4.187
    under 2BL), ``mean_simulated`` (the mean these data should show under
    the simulated clean null; NaN otherwise), ``mean_ci_low``/``mean_ci_high``
    (bootstrap percentile interval), ``mean_z`` and ``mean_pvalue``.
    """

    mean: float
    mean_expected: float
    mean_simulated: float
    mean_ci_low: float
    mean_ci_high: float
    mean_z: float
    mean_pvalue: float


@dataclass(frozen=True)
class LastDigitResult(DigitTestResult):
    """Last-digit uniformity test; ``statistic`` is χ² on the 10 cells.

    Extra attributes: ``min_count``, ``mean`` (last-digit mean),
    ``mean_expected`` (4.5), ``mean_simulated``, ``mean_z``, ``mean_pvalue``.
    """

    min_count: int
    mean: float
    mean_expected: float
    mean_simulated: float
    mean_z: float
    mean_pvalue: float


@dataclass(frozen=True)
class RoundNumberResult(DigitTestResult):
    """C05s or P05s round-number share; ``statistic`` is the share ending in 0 or 5.

    Extra attributes: ``kind`` (``"C05s"`` or ``"P05s"``), ``k`` (count ending
    in 0 or 5), ``expected_share`` (0.2), ``share_simulated``.
    """

    kind: str
    k: int
    expected_share: float
    share_simulated: float


@dataclass(frozen=True)
class DigitPairResult(DigitTestResult):
    """Beber–Scacco last-two-digit pairs; ``statistic`` is χ² on (repeated, adjacent, other).

    Extra attributes: ``repeated_share`` (expected 0.10),
    ``repeated_pvalue``, ``adjacent_share`` (expected 0.18),
    ``adjacent_pvalue`` (exact binomial, or simulated), and their simulated
    expectations ``repeated_simulated``, ``adjacent_simulated``.
    """

    min_count: int
    repeated_share: float
    repeated_simulated: float
    repeated_pvalue: float
    adjacent_share: float
    adjacent_simulated: float
    adjacent_pvalue: float


# ------------------------------------------------------------------- helpers
def _clean(values: Any) -> tuple[np.ndarray, int]:
    """Counts as int64 (missing values removed) and the number of missing."""
    x = np.asarray(values)
    if x.ndim != 1:
        raise ValueError(f"counts must be one-dimensional, got shape {x.shape}")
    if x.dtype.kind in "iu":
        if x.size and x.min() < 0:
            raise ValueError(f"counts must be non-negative; {int((x < 0).sum())} are negative")
        return x.astype(np.int64, copy=False), 0
    if x.dtype.kind == "b" or x.dtype.kind not in "f":
        try:
            x = x.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"counts must be numeric, got dtype {x.dtype}") from None
    nan = np.isnan(x)
    n_missing = int(nan.sum())
    if n_missing:
        x = x[~nan]
    bad = ~np.isfinite(x) | (x < 0) | (x != np.round(x))
    if bad.any():
        raise ValueError(
            f"counts must be finite non-negative integers; {int(bad.sum())} are not "
            f"(first: {x[bad][:3].tolist()})"
        )
    return x.astype(np.int64), n_missing


def _ndigits(v: np.ndarray) -> np.ndarray:
    """Number of decimal digits of positive int64 values, by integer comparisons."""
    nd = np.ones(v.size, dtype=np.int8)
    if v.size:
        top = int(v.max())
        for p in _POW10[1:]:
            if p > top:
                break
            nd += v >= p
    return nd


def _leading(v: np.ndarray, ndig: int) -> np.ndarray:
    """The first ``ndig`` digits of values with at least ``ndig`` digits."""
    return v // _POW10[_ndigits(v) - ndig]


def _leading_counts(v: np.ndarray, ndig: int) -> np.ndarray:
    """Counts of the first ``ndig`` digits (cells 10^(ndig-1)..10^ndig - 1).

    Values below 10^(ndig-1) are ignored. The result equals
    ``np.bincount(_leading(v[v >= lo], ndig))[lo:]``; when the largest value
    is at most about twice the number of values (station counts), it is
    computed faster and exactly from the histogram of the values: the cell m
    gets the number of values in [m 10^k, (m + 1) 10^k), summed over k.
    """
    lo, hi = int(_POW10[ndig - 1]), int(_POW10[ndig])
    top = int(v.max()) if v.size else 0
    if top < lo:
        return np.zeros(hi - lo, dtype=np.int64)
    if top > 2 * v.size + 2**16:
        return np.bincount(_leading(v[v >= lo], ndig), minlength=hi)[lo:]
    k = len(str(top)) - ndig + 1
    # Increasing edges m 10^k (row k, column m); each interval ends at the next edge.
    edges = (np.arange(lo, hi)[None, :] * _POW10[:k, None]).ravel()
    m = int(np.count_nonzero(edges <= top))
    sums = np.zeros(edges.size, dtype=np.int64)
    sums[:m] = np.add.reduceat(np.bincount(v), edges[:m])
    return sums.reshape(k, hi - lo).sum(axis=0)


def _resolve(data: Any, column: str | None) -> tuple[np.ndarray, str, Election | None]:
    if isinstance(data, Election):
        col = data.leader if column is None else column
        if col not in data.stations.columns:
            raise KeyError(
                f"unknown column {col!r}; use a candidate {list(data.candidates)} "
                "or a count column ('registered', 'ballots', 'valid', 'invalid')"
            )
        return data.counts(col), col, data
    if column is not None:
        raise TypeError("column= is only meaningful with an Election; pass the counts directly")
    return np.asarray(data), "", None


def _chi2(obs: np.ndarray, p: np.ndarray) -> float:
    n = obs.sum()
    e = n * p
    return float(np.sum((obs - e) ** 2 / e)) if n else np.nan


def _gstat(obs: np.ndarray, p: np.ndarray) -> float:
    n = obs.sum()
    pos = obs > 0
    return float(2 * np.sum(obs[pos] * np.log(obs[pos] / (n * p[pos])))) if n else np.nan


def _ks(obs: np.ndarray, p: np.ndarray) -> float:
    n = obs.sum()
    return float(np.max(np.abs(np.cumsum(obs) / n - np.cumsum(p)))) if n else np.nan


def _guard_few(n: int, p: np.ndarray, what: str, excluded: str) -> None:
    if n == 0:
        raise ValueError(f"no counts remain for the {what} ({excluded})")
    if n * p.min() < _MIN_EXPECTED:
        warnings.warn(
            f"{what}: only {n} counts remain ({excluded}); the smallest expected cell count "
            f"is {n * p.min():.1f} < {_MIN_EXPECTED:g}, so the asymptotic p-values are "
            "unreliable",
            ForensicsWarning,
            stacklevel=3,
        )


def _guard_large(n: int, what: str, effect: float, effect_name: str) -> None:
    if n > _CHI2_LARGE_N:
        warnings.warn(
            f"{what}: χ² on n = {n:,} > 10^4 rejects for departures too small to matter; "
            f"judge the effect size ({effect_name} = {effect:.4g}) rather than the p-value",
            ForensicsWarning,
            stacklevel=3,
        )


def _check_null(null: str, textbook: str, election: Election | None, column: str) -> None:
    if null not in (textbook, "simulated"):
        raise ValueError(f"null must be {textbook!r} or 'simulated', got {null!r}")
    if null == "simulated":
        if election is None:
            raise TypeError(
                "null='simulated' needs an Election as template (its station sizes); "
                "pass the Election and column= instead of a plain array"
            )
        if column == "registered":
            raise ValueError(
                "null='simulated' keeps the template's registered counts, so its null for "
                "column 'registered' is degenerate; use the textbook null"
            )


def _null_chunk(
    model: CleanModel, column: str, core: Callable[..., dict], seeds: list
) -> list[dict]:
    out = []
    for seed in seeds:
        sim = model.simulate(np.random.default_rng(seed))
        out.append(core(sim[column], sim))
    return out


def _simulate_null(
    election: Election,
    column: str,
    core: Callable[..., dict],
    *,
    n_sim: int,
    rng: Any,
    executor: Executor | None,
) -> tuple[dict[str, np.ndarray], float]:
    """Statistics of ``core`` over ``n_sim`` clean elections fitted to ``election``."""
    if n_sim < 1:
        raise ValueError(f"n_sim must be a positive integer, got {n_sim!r}")
    t0 = time.perf_counter()
    model = fit_clean_model(election)
    seeds = np.random.default_rng(rng).bit_generator.seed_seq.spawn(n_sim)
    if executor is None:
        rows = _null_chunk(model, column, core, seeds)
    else:
        n_chunks = min(n_sim, 32)
        chunks = [seeds[i::n_chunks] for i in range(n_chunks)]
        parts = list(executor.map(partial(_null_chunk, model, column, core), chunks))
        rows = [None] * n_sim
        for i, part in enumerate(parts):
            rows[i::n_chunks] = part
    seconds = (time.perf_counter() - t0) / n_sim
    keys = rows[0].keys()
    return {k: np.array([r[k] for r in rows]) for k in keys}, seconds


def _p_upper(sim: np.ndarray, obs: float) -> float:
    ok = np.isfinite(sim)
    return float((1 + np.sum(sim[ok] >= obs - 1e-12)) / (1 + ok.sum()))


def _p_two(sim: np.ndarray, obs: float) -> float:
    ok = np.isfinite(sim)
    s = sim[ok]
    lo = (1 + np.sum(s <= obs + 1e-12)) / (1 + s.size)
    hi = (1 + np.sum(s >= obs - 1e-12)) / (1 + s.size)
    return float(min(1.0, 2 * min(lo, hi)))


def _cohen_w(chi2: float, n: int) -> float:
    return float(np.sqrt(chi2 / n)) if n else np.nan


def _sim_fields(sim: dict[str, np.ndarray] | None, seconds: float, n_sim: int) -> dict:
    if sim is None:
        return {"expected_simulated": None, "n_sim": 0, "seconds_per_resample": np.nan}
    return {
        "expected_simulated": np.nanmean(sim["freq"], axis=0),
        "n_sim": int(n_sim),
        "seconds_per_resample": float(seconds),
    }


# ------------------------------------------------------------------ first digit
def _first_core(values: Any, _sim: Any = None, *, position: int) -> dict:
    v, n_missing = _clean(values)
    lo = 10 ** (position - 1)
    obs = _leading_counts(v, position)
    p = BENFORD_1 if position == 1 else _BENFORD_12
    n = int(obs.sum())
    freq = obs / n if n else np.full(p.size, np.nan)
    span = np.nan
    if n:
        # The smallest count >= lo: as unsigned, counts below lo wrap around to huge values.
        span = float(np.log10(v.max() / (int((v - lo).view(np.uint64).min()) + lo)))
    return {
        "chi2": _chi2(obs, p),
        "g": _gstat(obs, p),
        "ks": _ks(obs, p),
        "mad": float(np.mean(np.abs(freq - p))),
        "freq": freq,
        "obs": obs,
        "n": n,
        "n_excluded": int(n_missing + v.size - n),
        "span": span,
    }


def first_digit_test(
    data: Any,
    *,
    column: str | None = None,
    digits: int = 1,
    null: str = "benford",
    n_sim: int = 999,
    n_ks: int = 2000,
    rng: np.random.Generator | int | None = None,
    executor: Executor | None = None,
) -> FirstDigitResult:
    """First-digit (1BL) or first-two-digits Benford test.

    Parameters
    ----------
    data : array_like or Election
        Non-negative integer counts (NaN counts as missing), or an Election.
    column : str, optional
        With an Election: the candidate or count column; default the leader.
    digits : {1, 2}
        Test the first digit (9 cells) or the first two digits (90 cells;
        counts below 10 are excluded).
    null : {"benford", "simulated"}
        Textbook Benford null, or the null distribution from ``n_sim`` clean
        elections simulated from the Election's own station sizes.
    n_sim : int
        Simulated clean elections for ``null="simulated"``.
    n_ks : int
        Multinomial draws for the KS p-value under the Benford null.
    rng : numpy.random.Generator or int, optional
        Randomness for the KS p-value and the simulated null.
    executor : concurrent.futures.Executor, optional
        Runs the simulated null in parallel (any Executor).

    Returns
    -------
    FirstDigitResult
        ``statistic`` is Pearson χ² and ``pvalue`` its p-value (χ² with
        ``K - 1`` df, or the simulated tail probability); ``effect_size`` is
        the MAD.

    Warns
    -----
    ForensicsWarning
        Counts spanning fewer than two orders of magnitude (1BL is not
        expected to hold); n > 10^4 (χ² rejects trivial departures); fewer
        counts than give 5 expected per cell.

    Notes
    -----
    Zeros (no leading digit) and missing values are excluded and counted.
    χ² = Σ (O − nP)²/(nP) and G = 2 Σ O ln(O/(nP)), each against χ²(K − 1).
    KS: D = max_d |F̂(d) − F(d)| on cumulative proportions. Its continuous
    critical values are conservative for a discrete null, so its p-value is
    simulated from ``n_ks`` multinomial(n, P) draws (or from the clean
    elections under ``null="simulated"``). MAD = mean |p̂_d − P_d|, labelled
    with Nigrini's (2012) cut-offs (first digit 0.006/0.012/0.015; first two
    0.0012/0.0018/0.0022); the excess MAD subtracts its null expectation
    E[MAD] ≈ (1/K) Σ √(2 P_d(1 − P_d) / (π n)) (Barney & Schulzke 2016).

    Station counts are bounded by station sizes, so the first-digit law is
    not expected to hold for them even without manipulation (Deckert,
    Myagkov & Ordeshook 2011); a rejection under the Benford null says the
    digits are not Benford, nothing more. ``null="simulated"`` asks instead
    whether they depart from what clean counts of these stations would show.

    References
    ----------
    .. [1] Benford, F. (1938). The law of anomalous numbers. Proceedings of
       the American Philosophical Society 78(4), 551–572.
    .. [2] Nigrini, M. J. (2012). Benford's Law: Applications for Forensic
       Accounting, Auditing, and Fraud Detection. Wiley.
       doi:10.1002/9781119203094
    .. [3] Barney, B. J., & Schulzke, K. S. (2016). Moderating "cry wolf"
       events with excess MAD in Benford's law research and practice.
       Journal of Forensic Accounting Research 1(1), A66–A90.
       doi:10.2308/jfar-51622
    .. [4] Deckert, J., Myagkov, M., & Ordeshook, P. C. (2011). Benford's law
       and the detection of election fraud. Political Analysis 19(3),
       245–268. doi:10.1093/pan/mpr014
    """
    if digits not in (1, 2):
        raise ValueError(f"digits must be 1 or 2, got {digits!r}")
    values, col, election = _resolve(data, column)
    _check_null(null, "benford", election, col)
    rng = np.random.default_rng(rng)
    core = partial(_first_core, position=digits)
    res = core(values)
    n = res["n"]
    p = BENFORD_1 if digits == 1 else _BENFORD_12
    what = "first-digit test" if digits == 1 else "first-two-digits test"
    _guard_few(n, p, what, f"{res['n_excluded']} zero, small or missing excluded")
    if n > 1 and res["span"] < 2:
        warnings.warn(
            f"{what}: the counts span {res['span']:.2f} orders of magnitude (< 2); Benford's "
            "law is not expected to hold for such bounded counts, clean or not",
            ForensicsWarning,
            stacklevel=2,
        )
    k = p.size
    expected_mad = float(np.sum(np.sqrt(2 * p * (1 - p) / (np.pi * n))) / k)
    _guard_large(n, what, res["mad"], "MAD")
    chi2_p = float(stats.chi2.sf(res["chi2"], k - 1))
    g_p = float(stats.chi2.sf(res["g"], k - 1))
    sim, seconds = None, np.nan
    if null == "simulated":
        sim, seconds = _simulate_null(election, col, core, n_sim=n_sim, rng=rng, executor=executor)
        chi2_p = _p_upper(sim["chi2"], res["chi2"])
        g_p = _p_upper(sim["g"], res["g"])
        ks_p = _p_upper(sim["ks"], res["ks"])
    else:
        draws = rng.multinomial(n, p, size=n_ks)
        d = np.max(np.abs(np.cumsum(draws, axis=1) / n - np.cumsum(p)), axis=1)
        ks_p = _p_upper(d, res["ks"])
    cuts = _NIGRINI[digits]
    label = _LABELS[int(np.searchsorted(cuts, res["mad"], side="right"))]
    cells = _D1 if digits == 1 else _D12
    return FirstDigitResult(
        statistic=as_float(res["chi2"]),
        pvalue=chi2_p,
        n=as_int(n),
        n_excluded=as_int(res["n_excluded"]),
        effect_size=as_float(res["mad"]),
        effect_size_name="MAD",
        method=f"{'first' if digits == 1 else 'first-two'}-digit Benford χ²",
        null=null,
        reference=_REF_BENFORD,
        column=col,
        cells=cells,
        observed=res["obs"],
        expected=p,
        **_sim_fields(sim, seconds, n_sim),
        position=digits,
        df=k - 1,
        g_statistic=as_float(res["g"]),
        g_pvalue=g_p,
        ks_statistic=as_float(res["ks"]),
        ks_pvalue=ks_p,
        mad=as_float(res["mad"]),
        mad_conformity=label,
        expected_mad=expected_mad,
        excess_mad=as_float(res["mad"] - expected_mad),
        magnitude_span=as_float(res["span"]),
    )


# ----------------------------------------------------------------- second digit
def _second_core(values: Any, _sim: Any = None) -> dict:
    v, n_missing = _clean(values)
    # Count the first two digits (10..99) of counts >= 10, then fold over the first digit.
    obs = _leading_counts(v, 2).reshape(9, 10).sum(axis=0)
    n = int(obs.sum())
    freq = obs / n if n else np.full(10, np.nan)
    return {
        "chi2": _chi2(obs, BENFORD_2),
        "mean": float(freq @ _D10),
        "freq": freq,
        "obs": obs,
        "n": n,
        "n_excluded": int(n_missing + v.size - n),
    }


def second_digit_test(
    data: Any,
    *,
    column: str | None = None,
    null: str = "benford",
    n_boot: int = 1000,
    confidence: float = 0.95,
    n_sim: int = 999,
    rng: np.random.Generator | int | None = None,
    executor: Executor | None = None,
) -> SecondDigitResult:
    """Second-digit Benford (2BL) test: χ² on 10 cells and the second-digit mean.

    Parameters
    ----------
    data : array_like or Election
        Non-negative integer counts, or an Election.
    column : str, optional
        With an Election: the column tested; default the leader.
    null : {"benford", "simulated"}
        Textbook 2BL, or the null distribution from ``n_sim`` simulated clean
        elections (then ``mean_simulated`` is the mean these data should
        show, to read beside 4.187).
    n_boot : int
        Bootstrap resamples for the interval of the mean.
    confidence : float
        Level of that interval.
    n_sim, rng, executor
        As in :func:`first_digit_test`.

    Returns
    -------
    SecondDigitResult
        ``statistic``/``pvalue``: χ² (df 9); ``mean``, ``mean_pvalue``: the
        mean test; ``effect_size``: Cohen's w = √(χ²/n).

    Notes
    -----
    P(D₂ = d) = Σ_{k=1}^{9} log10(1 + 1/(10k + d)), mean 4.187, variance
    8.254. Counts below 10 have no second digit and are excluded (counted
    in ``n_excluded``), as in the Election Forensics Toolkit. Mean test:
    z = (mean − 4.187)/√(8.254/n), two-sided normal p-value; the interval
    is the nonparametric bootstrap percentile interval of the mean (resampling
    digits with replacement, drawn as a multinomial on the digit counts).
    Under ``null="simulated"`` both p-values are Monte Carlo tail
    probabilities (two-sided for the mean).

    2BL departures arise from strategic voting, from how stations are sized
    and from aggregation as well as from manipulation (Mebane 2008;
    Deckert et al. 2011); a rejection speaks only to the digit distribution.

    References
    ----------
    .. [1] Mebane, W. R. (2008). Election forensics: the second-digit
       Benford's law test and recent American presidential elections. In
       R. M. Alvarez, T. E. Hall & S. D. Hyde (eds.), Election Fraud:
       Detecting and Deterring Electoral Manipulation, 162–181. Brookings.
    .. [2] Mebane, W. R. (2007). Statistics for digits. Summer Meeting of the
       Political Methodology Society.
    .. [3] Deckert, J., Myagkov, M., & Ordeshook, P. C. (2011). Benford's law
       and the detection of election fraud. Political Analysis 19(3),
       245–268. doi:10.1093/pan/mpr014
    """
    values, col, election = _resolve(data, column)
    _check_null(null, "benford", election, col)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    rng = np.random.default_rng(rng)
    res = _second_core(values)
    n = res["n"]
    _guard_few(n, BENFORD_2, "second-digit test", f"{res['n_excluded']} counts < 10 excluded")
    w = _cohen_w(res["chi2"], n)
    _guard_large(n, "second-digit test", w, "Cohen's w")
    z = (res["mean"] - BENFORD_2_MEAN) / np.sqrt(BENFORD_2_VAR / n)
    chi2_p = float(stats.chi2.sf(res["chi2"], 9))
    mean_p = float(2 * stats.norm.sf(abs(z)))
    boot = rng.multinomial(n, res["freq"], size=n_boot) @ _D10 / n
    a = (1 - confidence) / 2
    lo, hi = np.quantile(boot, [a, 1 - a])
    sim, seconds, mean_sim = None, np.nan, np.nan
    if null == "simulated":
        sim, seconds = _simulate_null(
            election, col, _second_core, n_sim=n_sim, rng=rng, executor=executor
        )
        chi2_p = _p_upper(sim["chi2"], res["chi2"])
        mean_p = _p_two(sim["mean"], res["mean"])
        mean_sim = float(np.nanmean(sim["mean"]))
    return SecondDigitResult(
        statistic=as_float(res["chi2"]),
        pvalue=chi2_p,
        n=as_int(n),
        n_excluded=as_int(res["n_excluded"]),
        effect_size=w,
        effect_size_name="Cohen's w",
        method="second-digit Benford (2BL) χ²",
        null=null,
        reference=_REF_2BL,
        column=col,
        cells=_D10,
        observed=res["obs"],
        expected=BENFORD_2,
        **_sim_fields(sim, seconds, n_sim),
        mean=as_float(res["mean"]),
        mean_expected=BENFORD_2_MEAN,
        mean_simulated=mean_sim,
        mean_ci_low=as_float(lo),
        mean_ci_high=as_float(hi),
        mean_z=as_float(z),
        mean_pvalue=mean_p,
    )


# ------------------------------------------------------------------- last digit
def _last_core(values: Any, _sim: Any = None, *, min_count: int) -> dict:
    v, n_missing = _clean(values)
    keep = v >= min_count
    used = v if keep.all() else v[keep]
    obs = np.bincount(used % 10, minlength=10)
    n = int(used.size)
    freq = obs / n if n else np.full(10, np.nan)
    return {
        "chi2": _chi2(obs, np.full(10, 0.1)),
        "mean": float(freq @ _D10),
        "freq": freq,
        "obs": obs,
        "n": n,
        "n_excluded": int(n_missing + v.size - n),
    }


def last_digit_test(
    data: Any,
    *,
    column: str | None = None,
    min_count: int = 10,
    null: str = "uniform",
    n_sim: int = 999,
    rng: np.random.Generator | int | None = None,
    executor: Executor | None = None,
) -> LastDigitResult:
    """Last-digit uniformity test (Beber & Scacco 2012): χ² and the mean (4.5).

    Parameters
    ----------
    data : array_like or Election
        Non-negative integer counts, or an Election.
    column : str, optional
        With an Election: the column tested; default the leader.
    min_count : int
        Counts below it are excluded (and counted); default 10, see Notes.
        ``min_count=0`` reproduces the Election Forensics Toolkit's
        ``LastC``, which uses every count.
    null : {"uniform", "simulated"}
    n_sim, rng, executor
        As in :func:`first_digit_test`.

    Returns
    -------
    LastDigitResult
        ``statistic``/``pvalue``: χ² (df 9); ``mean``/``mean_pvalue``: the
        last-digit mean against 4.5 (variance 8.25); ``effect_size``:
        Cohen's w.

    Notes
    -----
    Beber & Scacco's premise is that the last digit of a count is uniform
    when the count's distribution is smooth over spans much wider than 10.
    A single-digit count *is* its last digit, and small counts (minor
    candidates, tiny stations) pile up on 0, 1, 2, …, so including them
    fails uniformity in perfectly clean data. Excluding counts below 10
    removes the single-digit counts; for small stations the simulated null
    (``null="simulated"``) accounts for the remaining non-uniformity.

    Humans inventing numbers favour some digits and avoid others, which
    this test is built to detect; rounding, reporting conventions and
    small counts also move the last digit, so a rejection speaks to the
    digit distribution, not to its cause.

    References
    ----------
    .. [1] Beber, B., & Scacco, A. (2012). What the numbers say: a
       digit-based test for election fraud. Political Analysis 20(2),
       211–234. doi:10.1093/pan/mps003
    """
    if min_count < 0:
        raise ValueError(f"min_count must be non-negative, got {min_count!r}")
    values, col, election = _resolve(data, column)
    _check_null(null, "uniform", election, col)
    rng = np.random.default_rng(rng)
    core = partial(_last_core, min_count=int(min_count))
    res = core(values)
    n = res["n"]
    p = np.full(10, 0.1)
    _guard_few(n, p, "last-digit test", f"{res['n_excluded']} counts < {min_count} excluded")
    w = _cohen_w(res["chi2"], n)
    _guard_large(n, "last-digit test", w, "Cohen's w")
    z = (res["mean"] - UNIFORM_MEAN) / np.sqrt(UNIFORM_VAR / n)
    chi2_p = float(stats.chi2.sf(res["chi2"], 9))
    mean_p = float(2 * stats.norm.sf(abs(z)))
    sim, seconds, mean_sim = None, np.nan, np.nan
    if null == "simulated":
        sim, seconds = _simulate_null(election, col, core, n_sim=n_sim, rng=rng, executor=executor)
        chi2_p = _p_upper(sim["chi2"], res["chi2"])
        mean_p = _p_two(sim["mean"], res["mean"])
        mean_sim = float(np.nanmean(sim["mean"]))
    return LastDigitResult(
        statistic=as_float(res["chi2"]),
        pvalue=chi2_p,
        n=as_int(n),
        n_excluded=as_int(res["n_excluded"]),
        effect_size=w,
        effect_size_name="Cohen's w",
        method="last-digit uniformity χ² (Beber & Scacco)",
        null=null,
        reference=_REF_BS,
        column=col,
        cells=_D10,
        observed=res["obs"],
        expected=p,
        **_sim_fields(sim, seconds, n_sim),
        min_count=int(min_count),
        mean=as_float(res["mean"]),
        mean_expected=UNIFORM_MEAN,
        mean_simulated=mean_sim,
        mean_z=as_float(z),
        mean_pvalue=mean_p,
    )


# ---------------------------------------------------------------- round numbers
def _round_percent(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """round(100 num / den) with ties to even (as R's round), in integer arithmetic."""
    q, r = np.divmod(200 * num + den, 2 * den)
    tie = (r == 0) & (q % 2 == 1)
    return q - tie


def _round_core(
    values: Any, sim: dict | None = None, *, kind: str, min_count: int, denominator: Any = None
) -> dict:
    if kind == "count":
        v, n_missing = _clean(values)
        keep = v >= min_count
        used = v if keep.all() else v[keep]
        last = used % 10
        n_excluded = n_missing + v.size - used.size
    else:
        den = sim[denominator] if sim is not None else denominator
        num = np.asarray(values, dtype=float)
        den = np.asarray(den, dtype=float)
        ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
        vn, _ = _clean(num[ok])
        vd, _ = _clean(den[ok])
        last = _round_percent(np.minimum(vn, vd), vd) % 10
        n_excluded = int(num.size - ok.sum())
    n = int(last.size)
    k = int(np.count_nonzero((last == 0) | (last == 5)))
    obs = np.array([k, n - k])
    return {
        "share": k / n if n else np.nan,
        "freq": obs / n if n else np.full(2, np.nan),
        "obs": obs,
        "k": k,
        "n": n,
        "n_excluded": int(n_excluded),
    }


def round_number_test(
    data: Any,
    *,
    column: str | None = None,
    kind: str = "count",
    denominator: Any = None,
    min_count: int = 10,
    null: str = "uniform",
    n_sim: int = 999,
    rng: np.random.Generator | int | None = None,
    executor: Executor | None = None,
) -> RoundNumberResult:
    """Round-number shares of the Election Forensics Toolkit: C05s and P05s.

    Parameters
    ----------
    data : array_like or Election
        Non-negative integer counts, or an Election.
    column : str, optional
        With an Election: the column tested; default the leader.
    kind : {"count", "percent"}
        ``"count"`` (C05s): the share of counts whose last digit is 0 or 5.
        ``"percent"`` (P05s): the share of stations whose rounded integer
        percentage ``round(100 · count / denominator)`` ends in 0 or 5.
    denominator : str or array_like, optional
        For ``kind="percent"``: with an Election, a column name (default
        ``"valid"`` for a candidate, ``"registered"`` for ``"ballots"``, i.e.
        turnout); with plain counts, an array of the same length.
    min_count : int
        C05s only: counts below it are excluded (default 10, as in
        :func:`last_digit_test`; ``min_count=0`` reproduces the toolkit).
    null : {"uniform", "simulated"}
        Expected share 0.2, or the share's distribution over ``n_sim``
        simulated clean elections.
    n_sim, rng, executor
        As in :func:`first_digit_test`.

    Returns
    -------
    RoundNumberResult
        ``statistic`` is the observed share, ``pvalue`` the exact two-sided
        binomial p-value against 0.2 (or the simulated two-sided tail
        probability); ``effect_size`` is the share minus its expectation.

    Notes
    -----
    Percentages are rounded half to even (R's ``round``, used by the
    toolkit) in exact integer arithmetic; shares above 1 cannot occur in a
    validated Election. Stations with a zero or missing denominator are
    excluded and counted. The 0.2 null assumes the percentage's distribution
    is smooth over ~10-point windows; a narrow turnout distribution (e.g.
    near 100 %) violates it in clean data, which the simulated null takes
    into account. An excess of round numbers is a signature of numbers
    written down rather than counted; it is not proof of manipulation.

    References
    ----------
    .. [1] Hicken, A., & Mebane, W. R. (2017). A Guide to Elections
       Forensics. USAID Center of Excellence on Democracy, Human Rights and
       Governance, DRG working paper.
    .. [2] Beber, B., & Scacco, A. (2012). What the numbers say: a
       digit-based test for election fraud. Political Analysis 20(2),
       211–234. doi:10.1093/pan/mps003
    """
    if kind not in ("count", "percent"):
        raise ValueError(f"kind must be 'count' or 'percent', got {kind!r}")
    values, col, election = _resolve(data, column)
    _check_null(null, "uniform", election, col)
    rng = np.random.default_rng(rng)
    den_name = None
    den_values = None
    if kind == "percent":
        if election is not None:
            if denominator is None:
                if col in election.candidates:
                    denominator = "valid"
                elif col == "ballots":
                    denominator = "registered"
                else:
                    raise ValueError(
                        f"give denominator= (a column name) for percentages of {col!r}"
                    )
            if not isinstance(denominator, str):
                raise TypeError("with an Election, denominator must be a column name")
            den_name = denominator
            den_values = election.counts(denominator)
            if null == "simulated" and denominator == "registered" and col == "registered":
                raise ValueError("column and denominator are both 'registered'")
        else:
            if denominator is None:
                raise TypeError("kind='percent' on plain counts needs denominator= (an array)")
            den_values = np.asarray(denominator, dtype=float)
            if den_values.shape != np.shape(values):
                raise ValueError("denominator must have the same length as the counts")
        if np.any(np.asarray(values, dtype=float) > den_values):
            raise ValueError("counts exceed their denominator in some rows")
    core = partial(_round_core, kind=kind, min_count=int(min_count))
    res = core(values, denominator=den_values) if kind == "percent" else core(values)
    n, k = res["n"], res["k"]
    label = "C05s" if kind == "count" else "P05s"
    _guard_few(n, np.array([0.2, 0.8]), f"round-number test ({label})", "after exclusions")
    pvalue = float(stats.binomtest(k, n, 0.2).pvalue)
    sim, seconds, share_sim = None, np.nan, np.nan
    if null == "simulated":
        sim_core = partial(core, denominator=den_name) if kind == "percent" else core
        sim, seconds = _simulate_null(
            election, col, sim_core, n_sim=n_sim, rng=rng, executor=executor
        )
        pvalue = _p_two(sim["share"], res["share"])
        share_sim = float(np.nanmean(sim["share"]))
    ref_share = 0.2 if null == "uniform" else share_sim
    what = "counts" if kind == "count" else f"rounded percentages of {col} / {den_name}"
    return RoundNumberResult(
        statistic=as_float(res["share"]),
        pvalue=pvalue,
        n=as_int(n),
        n_excluded=as_int(res["n_excluded"]),
        effect_size=as_float(res["share"] - ref_share),
        effect_size_name="excess share ending in 0 or 5",
        method=f"{label}: share of {what} ending in 0 or 5, exact binomial",
        null=null,
        reference=_REF_EFT,
        column=col,
        cells=np.array(["0 or 5", "other"]),
        observed=res["obs"],
        expected=np.array([0.2, 0.8]),
        **_sim_fields(sim, seconds, n_sim),
        kind=label,
        k=as_int(k),
        expected_share=0.2,
        share_simulated=share_sim,
    )


# ------------------------------------------------------------------ digit pairs
_PAIR_P = np.array([0.10, 0.18, 0.72])
_PEN, _LAST = np.divmod(np.arange(100), 10)
_REPEATED = _PEN == _LAST
_ADJACENT = np.abs(_PEN - _LAST) == 1


def _pair_core(values: Any, _sim: Any = None, *, min_count: int) -> dict:
    v, n_missing = _clean(values)
    keep = v >= max(min_count, 10)
    used = v if keep.all() else v[keep]
    pairs = np.bincount(used % 100, minlength=100)  # cell 10 a + b holds pair (a, b)
    rep = int(pairs[_REPEATED].sum())
    adj = int(pairs[_ADJACENT].sum())
    n = int(used.size)
    obs = np.array([rep, adj, n - rep - adj])
    freq = obs / n if n else np.full(3, np.nan)
    return {
        "chi2": _chi2(obs, _PAIR_P),
        "rep": freq[0],
        "adj": freq[1],
        "freq": freq,
        "obs": obs,
        "n": n,
        "n_excluded": int(n_missing + v.size - n),
    }


def digit_pair_test(
    data: Any,
    *,
    column: str | None = None,
    min_count: int = 10,
    null: str = "uniform",
    n_sim: int = 999,
    rng: np.random.Generator | int | None = None,
    executor: Executor | None = None,
) -> DigitPairResult:
    """Beber & Scacco's last-two-digit pairs: repeated and adjacent digits.

    Parameters
    ----------
    data : array_like or Election
        Non-negative integer counts, or an Election.
    column : str, optional
        With an Election: the column tested; default the leader.
    min_count : int
        Counts below it are excluded; never below 10 (a count needs two
        digits to have a pair).
    null : {"uniform", "simulated"}
    n_sim, rng, executor
        As in :func:`first_digit_test`.

    Returns
    -------
    DigitPairResult
        ``statistic``/``pvalue``: χ² (df 2) on the cells (repeated,
        adjacent, other); ``repeated_pvalue`` and ``adjacent_pvalue``: exact
        two-sided binomial tests of each share (or simulated two-sided tail
        probabilities); ``effect_size``: Cohen's w.

    Notes
    -----
    With independent uniform last and penultimate digits, a repeated pair
    (``11``, ``22``, …) has probability 10/100 and an adjacent pair (digits
    differing by one: ``01``, ``10``, ``12``, …; 0 and 9 are not adjacent)
    18/100. Beber & Scacco (2012) report that people inventing numbers write
    too few repeated and too many adjacent pairs. The uniform null needs
    counts whose two last digits are both smooth, i.e. counts well above
    100; for smaller counts use ``null="simulated"``.

    References
    ----------
    .. [1] Beber, B., & Scacco, A. (2012). What the numbers say: a
       digit-based test for election fraud. Political Analysis 20(2),
       211–234. doi:10.1093/pan/mps003
    """
    values, col, election = _resolve(data, column)
    _check_null(null, "uniform", election, col)
    rng = np.random.default_rng(rng)
    core = partial(_pair_core, min_count=int(min_count))
    res = core(values)
    n = res["n"]
    _guard_few(n, _PAIR_P, "digit-pair test", f"{res['n_excluded']} counts < 10 excluded")
    w = _cohen_w(res["chi2"], n)
    _guard_large(n, "digit-pair test", w, "Cohen's w")
    obs = res["obs"]
    pvalue = float(stats.chi2.sf(res["chi2"], 2))
    rep_p = float(stats.binomtest(int(obs[0]), n, 0.10).pvalue)
    adj_p = float(stats.binomtest(int(obs[1]), n, 0.18).pvalue)
    sim, seconds = None, np.nan
    rep_sim = adj_sim = np.nan
    if null == "simulated":
        sim, seconds = _simulate_null(election, col, core, n_sim=n_sim, rng=rng, executor=executor)
        pvalue = _p_upper(sim["chi2"], res["chi2"])
        rep_p = _p_two(sim["rep"], res["rep"])
        adj_p = _p_two(sim["adj"], res["adj"])
        rep_sim = float(np.nanmean(sim["rep"]))
        adj_sim = float(np.nanmean(sim["adj"]))
    return DigitPairResult(
        statistic=as_float(res["chi2"]),
        pvalue=pvalue,
        n=as_int(n),
        n_excluded=as_int(res["n_excluded"]),
        effect_size=w,
        effect_size_name="Cohen's w",
        method="last-two-digit pairs χ² (Beber & Scacco)",
        null=null,
        reference=_REF_BS,
        column=col,
        cells=np.array(["repeated", "adjacent", "other"]),
        observed=obs,
        expected=_PAIR_P,
        **_sim_fields(sim, seconds, n_sim),
        min_count=int(min_count),
        repeated_share=as_float(res["rep"]),
        repeated_simulated=rep_sim,
        repeated_pvalue=rep_p,
        adjacent_share=as_float(res["adj"]),
        adjacent_simulated=adj_sim,
        adjacent_pvalue=adj_p,
    )


# --------------------------------------------------------------------- by group
def by_group(
    election: Election,
    test: Callable[..., DigitTestResult],
    *,
    level: str,
    column: str | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run a digit test in every group of one level, with multiple-testing control.

    Parameters
    ----------
    election : Election
    test : callable
        One of the tests of this module (or any function with the same
        signature returning a :class:`~forensics.results.TestResult`).
    level : str
        The level to group by (e.g. ``"region"``).
    column : str, optional
        The column tested; default the leader.
    **kwargs
        Passed to ``test``. An ``rng`` is split into independent streams,
        one per group.

    Returns
    -------
    pandas.DataFrame
        One row per group: the level value, the result's scalar fields, a
        ``warnings`` column (guardrail warnings or the error that made the
        group untestable) and, for every ``*pvalue`` column, ``*pvalue_bh``
        (Benjamini–Hochberg) and ``*pvalue_holm`` (Holm), adjusted over the
        groups with a p-value.

    Warns
    -----
    ForensicsWarning
        Once, if any group raised a guardrail warning or could not be tested.

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300.
       doi:10.1111/j.2517-6161.1995.tb02031.x
    .. [2] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. Scandinavian Journal of Statistics 6(2), 65–70.
    """
    if not isinstance(election, Election):
        raise TypeError(f"election must be an Election, got {type(election).__name__}")
    groups = list(election.by(level))
    seeds = None
    if "rng" in kwargs:
        seeds = np.random.default_rng(kwargs.pop("rng")).bit_generator.seed_seq.spawn(len(groups))
    rows = []
    flagged = 0
    for i, (key, sub) in enumerate(groups):
        kw = dict(kwargs)
        if seeds is not None:
            kw["rng"] = np.random.default_rng(seeds[i])
        row: dict[str, Any] = {level: key, "stations": len(sub.stations)}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ForensicsWarning)
            try:
                row.update(test(sub, column=column, **kw).scalars())
                err = ""
            except ValueError as exc:
                row["pvalue"] = np.nan
                err = f"not tested: {exc}"
        msgs = [str(w.message) for w in caught if issubclass(w.category, ForensicsWarning)]
        for w in caught:
            if not issubclass(w.category, ForensicsWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        row["warnings"] = "; ".join([*msgs, err] if err else msgs)
        flagged += bool(row["warnings"])
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in [c for c in out.columns if c == "pvalue" or c.endswith("_pvalue")]:
        p = out[col].to_numpy(dtype=float)
        out[f"{col}_bh"] = benjamini_hochberg(p)
        out[f"{col}_holm"] = holm(p)
    if flagged:
        warnings.warn(
            f"{flagged} of {len(groups)} groups of {level!r} raised guardrail warnings or "
            "could not be tested; see the 'warnings' column",
            ForensicsWarning,
            stacklevel=2,
        )
    return out


# ------------------------------------------------------------------- summary
#: Tests run by :func:`digit_summary`, in order.
SUMMARY_TESTS = ("1BL", "2BL", "last", "C05s", "P05s", "pairs")


def _summary_specs(test: str, column: str, election: Election, min_count: int) -> list:
    """(textbook call, simulation core, rows) for one test of one column.

    Each row is (statistic label, key in the core's output, key of the
    observed value in the result, textbook expectation, tail, effect).
    """
    if test == "1BL":
        call = partial(first_digit_test, n_ks=200)
        core = partial(_first_core, position=1)
        rows = [("1BL χ²", "chi2", "statistic", 8.0, "upper", "effect_size")]
    elif test == "2BL":
        call = partial(second_digit_test, n_boot=200)
        core = _second_core
        rows = [
            ("2BL χ²", "chi2", "statistic", 9.0, "upper", "effect_size"),
            ("2BL mean", "mean", "mean", BENFORD_2_MEAN, "two", None),
        ]
    elif test == "last":
        call = partial(last_digit_test, min_count=min_count)
        core = partial(_last_core, min_count=min_count)
        rows = [
            ("last-digit χ²", "chi2", "statistic", 9.0, "upper", "effect_size"),
            ("last-digit mean", "mean", "mean", UNIFORM_MEAN, "two", None),
        ]
    elif test == "C05s":
        call = partial(round_number_test, kind="count", min_count=min_count)
        core = partial(_round_core, kind="count", min_count=min_count)
        rows = [("C05s", "share", "statistic", 0.2, "two", "effect_size")]
    elif test == "P05s":
        if column in election.candidates:
            den = "valid"
        elif column == "ballots":
            den = "registered"
        else:
            raise ValueError(f"P05s needs a candidate or 'ballots', not {column!r}")
        call = partial(round_number_test, kind="percent", denominator=den)
        core = partial(_round_core, kind="percent", min_count=min_count, denominator=den)
        rows = [("P05s", "share", "statistic", 0.2, "two", "effect_size")]
    elif test == "pairs":
        call = partial(digit_pair_test, min_count=min_count)
        core = partial(_pair_core, min_count=min_count)
        rows = [
            ("pairs χ²", "chi2", "statistic", 2.0, "upper", "effect_size"),
            ("pairs repeated", "rep", "repeated_share", 0.10, "two", None),
            ("pairs adjacent", "adj", "adjacent_share", 0.18, "two", None),
        ]
    else:
        raise ValueError(f"unknown test {test!r}; choose from {list(SUMMARY_TESTS)}")
    return [call, core, rows]


def _summary_one(
    election: Election,
    columns: list[str],
    tests: list[str],
    *,
    min_count: int,
    n_sim: int,
    rng: np.random.Generator,
) -> list[dict]:
    """The rows of :func:`digit_summary` for one Election (one group)."""
    # Spawn the simulation seeds first: they then equal those of each test's own
    # null="simulated" call with the same rng.
    seeds = rng.bit_generator.seed_seq.spawn(n_sim) if n_sim else []
    specs, out = [], []
    for column in columns:
        for test in tests:
            row0 = {"column": column, "test": test}
            try:
                call, core, rows = _summary_specs(test, column, election, min_count)
            except ValueError as exc:
                out.append({**row0, "statistic": test, "warnings": f"not tested: {exc}"})
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ForensicsWarning)
                try:
                    res = call(election, column=column, rng=rng)
                    err = ""
                except ValueError as exc:
                    res, err = None, f"not tested: {exc}"
            msgs = [str(w.message) for w in caught if issubclass(w.category, ForensicsWarning)]
            for w in caught:
                if not issubclass(w.category, ForensicsWarning):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            note = "; ".join([*msgs, err] if err else msgs)
            if res is None:
                out.append({**row0, "statistic": rows[0][0], "warnings": note})
                continue
            for label, key, attr, expected, tail, effect in rows:
                observed = float(getattr(res, attr))
                pval = {
                    "statistic": res.pvalue,
                    "mean": getattr(res, "mean_pvalue", np.nan),
                    "repeated_share": getattr(res, "repeated_pvalue", np.nan),
                    "adjacent_share": getattr(res, "adjacent_pvalue", np.nan),
                }[attr]
                out.append(
                    {
                        **row0,
                        "statistic": label,
                        "n": res.n,
                        "n_excluded": res.n_excluded,
                        "observed": observed,
                        "textbook": float(expected),
                        "simulated": np.nan,
                        "sim_sd": np.nan,
                        "p_textbook": float(pval),
                        "p_simulated": np.nan,
                        "effect_size": (res.effect_size if effect else observed - float(expected)),
                        "effect_size_name": (
                            res.effect_size_name if effect else "difference from textbook"
                        ),
                        "warnings": note,
                    }
                )
                specs.append((len(out) - 1, column, core, key, tail))
    if n_sim and specs:
        model = fit_clean_model(election)
        cores = {(c, id(core)): (c, core) for _, c, core, _, _ in specs}
        draws: dict[tuple, list[dict]] = {k: [] for k in cores}
        for seed in seeds:
            sim = model.simulate(np.random.default_rng(seed))
            for k, (c, core) in cores.items():
                draws[k].append(core(sim[c], sim))
        for i, c, core, key, tail in specs:
            values = np.array([d[key] for d in draws[(c, id(core))]], dtype=float)
            obs = out[i]["observed"]
            out[i]["simulated"] = float(np.nanmean(values))
            out[i]["sim_sd"] = float(np.nanstd(values, ddof=1))
            out[i]["p_simulated"] = (
                _p_upper(values, obs) if tail == "upper" else _p_two(values, obs)
            )
    return out


def digit_summary(
    election: Election,
    columns: str | list[str] | tuple[str, ...] | None = None,
    *,
    tests: tuple[str, ...] | list[str] = SUMMARY_TESTS,
    level: str | None = None,
    min_count: int = 10,
    n_sim: int = 199,
    rng: np.random.Generator | int | None = None,
) -> pd.DataFrame:
    """Every digit test on some columns, textbook and simulated null side by side.

    Parameters
    ----------
    election : Election
    columns : str or sequence of str, optional
        Candidate or count columns to test; default the leader.
    tests : sequence of str
        Any of ``"1BL"``, ``"2BL"``, ``"last"``, ``"C05s"``, ``"P05s"``,
        ``"pairs"`` (default all, see :data:`SUMMARY_TESTS`).
    level : str, optional
        Run in every group of this level and add multiple-testing
        adjustments across the groups.
    min_count : int
        Passed to the last-digit, C05s and pair tests (default 10).
    n_sim : int
        Simulated clean elections shared by all tests and columns
        (``0``: textbook nulls only).
    rng : numpy.random.Generator or int, optional
        Randomness for the simulations (and the textbook KS and bootstrap
        draws, which the table does not report).

    Returns
    -------
    pandas.DataFrame
        One row per (group,) column and statistic: ``test``, ``statistic``
        (e.g. ``"2BL mean"``), ``n``, ``n_excluded``, ``observed``,
        ``textbook`` (the statistic's expectation under the textbook null:
        the df for χ², 4.187 for the 2BL mean, 4.5 for the last-digit mean,
        0.2 for C05s/P05s, 0.10 and 0.18 for repeated and adjacent pairs),
        ``simulated`` and ``sim_sd`` (mean and standard deviation over the
        simulated clean elections), ``p_textbook``, ``p_simulated``,
        ``effect_size``, ``effect_size_name`` and ``warnings`` (guardrail
        warnings of the textbook test, or why it could not run). With
        ``level``: also ``stations`` and ``p_textbook_bh``,
        ``p_textbook_holm``, ``p_simulated_bh``, ``p_simulated_holm``,
        adjusted across the groups for each column and statistic.

    Warns
    -----
    ForensicsWarning
        Once, if any test raised a guardrail warning or could not run (see
        the ``warnings`` column).

    Notes
    -----
    The textbook columns are those of :func:`first_digit_test`,
    :func:`second_digit_test`, :func:`last_digit_test`,
    :func:`round_number_test` (``kind="count"``: C05s; ``kind="percent"``:
    P05s, of valid votes for a candidate, of registered for ``"ballots"``)
    and :func:`digit_pair_test`. The simulated columns use one set of
    ``n_sim`` clean elections (:func:`forensics.simulate.fit_clean_model`
    fitted to the election, or to each group) for all tests and columns,
    with the same seeds and the same Monte Carlo p-values (upper tail for
    χ², two-sided for means and shares) as each test's own
    ``null="simulated"`` call with the same ``rng``, at a fraction of the
    cost. The smallest simulated p-value is ``1 / (n_sim + 1)``, which
    bounds what an adjustment across many groups can reject.

    A departure speaks to how the numbers were produced (counted, or
    written down), not to who benefits and not, by itself, to fraud.

    References
    ----------
    .. [1] Mebane, W. R. (2007). Statistics for digits. Summer Meeting of the
       Political Methodology Society.
    .. [2] Beber, B., & Scacco, A. (2012). What the numbers say: a
       digit-based test for election fraud. Political Analysis 20(2),
       211–234. doi:10.1093/pan/mps003
    .. [3] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300.
       doi:10.1111/j.2517-6161.1995.tb02031.x
    """
    if not isinstance(election, Election):
        raise TypeError(f"election must be an Election, got {type(election).__name__}")
    if columns is None:
        columns = [election.leader]
    elif isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    for col in columns:
        if col not in election.stations.columns:
            raise KeyError(f"unknown column {col!r}; use a candidate {list(election.candidates)}")
        if col == "registered" and n_sim:
            raise ValueError("the simulated null keeps 'registered' fixed; use n_sim=0 for it")
    tests = list(tests)
    unknown = [t for t in tests if t not in SUMMARY_TESTS]
    if unknown:
        raise ValueError(f"unknown test(s) {unknown}; choose from {list(SUMMARY_TESTS)}")
    if n_sim < 0:
        raise ValueError(f"n_sim must be non-negative, got {n_sim!r}")
    gen = np.random.default_rng(rng)
    kw = {"min_count": int(min_count), "n_sim": int(n_sim)}
    if level is None:
        rows = _summary_one(election, columns, tests, rng=gen, **kw)
        out = pd.DataFrame(rows)
    else:
        groups = list(election.by(level))
        seeds = gen.bit_generator.seed_seq.spawn(len(groups))
        frames = []
        for seed, (key, sub) in zip(seeds, groups, strict=True):
            part = pd.DataFrame(
                _summary_one(sub, columns, tests, rng=np.random.default_rng(seed), **kw)
            )
            part.insert(0, "stations", len(sub.stations))
            part.insert(0, level, key)
            frames.append(part)
        out = pd.concat(frames, ignore_index=True)
    cols = [
        "column", "test", "statistic", "n", "n_excluded", "observed", "textbook", "simulated",
        "sim_sd", "p_textbook", "p_simulated", "effect_size", "effect_size_name", "warnings",
    ]  # fmt: skip
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    out = out[([level, "stations"] if level else []) + cols]
    out["warnings"] = out["warnings"].fillna("").astype(str)
    if level is not None:
        for p in ("p_textbook", "p_simulated"):
            out[f"{p}_bh"] = np.nan
            out[f"{p}_holm"] = np.nan
        for _, idx in out.groupby(["column", "statistic"], sort=False).groups.items():
            for p in ("p_textbook", "p_simulated"):
                vals = out.loc[idx, p].to_numpy(dtype=float)
                out.loc[idx, f"{p}_bh"] = benjamini_hochberg(vals)
                out.loc[idx, f"{p}_holm"] = holm(vals)
    flagged = int((out["warnings"] != "").sum())
    if flagged:
        warnings.warn(
            f"digit_summary: {flagged} of {len(out)} rows carry guardrail warnings or could "
            "not be tested; see the 'warnings' column",
            ForensicsWarning,
            stacklevel=2,
        )
    return out
