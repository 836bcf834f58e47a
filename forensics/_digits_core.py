"""Shared machinery of the digit tests: validation, digit counts, nulls and result fields.

Every digit test follows one path: resolve the data to counts, check the
null, compute the statistics of the data with the test's own *core* (a
function of the counts returning a dict of statistics and the cell counts),
warn where the textbook null is not credible, optionally replace the textbook
p-values with Monte Carlo ones from clean elections simulated with the same
core, and assemble the fields every :class:`~forensics.digits.DigitTestResult`
shares. :class:`DigitRun` carries that path; the public tests in
:mod:`forensics.digits` add only what is particular to each statistic.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

import numpy as np
from scipy import stats

from forensics.election import DataError, Election
from forensics.results import as_float, as_int
from forensics.simulate import CleanModel, fit_clean_model


class ForensicsWarning(UserWarning):
    """A test was run outside the conditions under which its null is credible."""

    __module__ = "forensics.digits"  # its public home


_POW10 = 10 ** np.arange(19, dtype=np.int64)
_CHI2_LARGE_N = 10_000
_MIN_EXPECTED = 5.0
# Frames in these files (the digit tests and the wrappers of renamed parameters) are
# skipped when a warning is attributed to its caller.
_FILES = {
    __file__,
    *(os.path.join(os.path.dirname(__file__), f) for f in ("digits.py", "_compat.py")),
}


# ------------------------------------------------------------ counts and digits
def clean_counts(values: Any) -> np.ndarray:
    """Counts as int64, missing values removed (callers count them as excluded)."""
    x = np.asarray(values)
    if x.ndim != 1:
        raise ValueError(f"counts must be one-dimensional, got shape {x.shape}")
    if x.dtype.kind in "iu":
        if x.size and x.min() < 0:
            raise ValueError(f"counts must be non-negative; {int((x < 0).sum())} are negative")
        return x.astype(np.int64, copy=False)
    if x.dtype.kind == "b" or x.dtype.kind not in "f":
        try:
            x = x.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"counts must be numeric, got dtype {x.dtype}") from None
    nan = np.isnan(x)
    if nan.any():
        x = x[~nan]
    bad = ~np.isfinite(x) | (x < 0) | (x != np.round(x))
    if bad.any():
        raise ValueError(
            f"counts must be finite non-negative integers; {int(bad.sum())} are not "
            f"(first: {x[bad][:3].tolist()})"
        )
    return x.astype(np.int64)


def at_least(values: Any, min_count: int) -> np.ndarray:
    """The clean counts ``>= min_count`` (missing values and smaller counts set aside)."""
    v = clean_counts(values)
    keep = v >= min_count
    return v if keep.all() else v[keep]


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


def leading_counts(v: np.ndarray, ndig: int) -> np.ndarray:
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


def cell_stats(obs: np.ndarray, n_given: int) -> dict:
    """What every core returns: cell counts ``obs``, proportions ``freq``, ``n``, ``n_excluded``.

    ``n_given`` is the number of values the core was given; those not in a
    cell (missing, or set aside by the test's rules) are ``n_excluded``. The
    core adds its statistics to this dict.
    """
    n = int(obs.sum())
    n_excluded = n_given - n
    return {
        "freq": obs / n if n else np.full(obs.size, np.nan),
        "obs": obs,
        "n": n,
        "n_excluded": int(n_excluded),
    }


# ------------------------------------------------------------------- statistics
def chi2_stat(obs: np.ndarray, p: np.ndarray) -> float:
    """Pearson χ² of cell counts against proportions."""
    n = obs.sum()
    e = n * p
    return float(np.sum((obs - e) ** 2 / e)) if n else np.nan


def g_stat(obs: np.ndarray, p: np.ndarray) -> float:
    """Likelihood-ratio G of cell counts against proportions."""
    n = obs.sum()
    pos = obs > 0
    return float(2 * np.sum(obs[pos] * np.log(obs[pos] / (n * p[pos])))) if n else np.nan


def ks_stat(obs: np.ndarray, p: np.ndarray) -> float:
    """Largest gap between the cumulative observed and expected proportions."""
    n = obs.sum()
    return float(np.max(np.abs(np.cumsum(obs) / n - np.cumsum(p)))) if n else np.nan


def p_upper(sim: np.ndarray, obs: float) -> float:
    """Monte Carlo upper-tail p-value, (1 + #{sim >= obs}) / (1 + #sim)."""
    ok = np.isfinite(sim)
    return float((1 + np.sum(sim[ok] >= obs - 1e-12)) / (1 + ok.sum()))


def p_two(sim: np.ndarray, obs: float) -> float:
    """Monte Carlo two-sided p-value, twice the smaller tail."""
    ok = np.isfinite(sim)
    s = sim[ok]
    lo = (1 + np.sum(s <= obs + 1e-12)) / (1 + s.size)
    hi = (1 + np.sum(s >= obs - 1e-12)) / (1 + s.size)
    return float(min(1.0, 2 * min(lo, hi)))


TAILS = {"upper": p_upper, "two": p_two}


# ----------------------------------------------------------------------- inputs
def resolve(data: Any, column: str | None) -> tuple[np.ndarray, str, Election | None]:
    """The counts tested, the column name and the Election (None for a plain array)."""
    if isinstance(data, Election):
        col = data.leader if column is None else column
        check_columns(data, [col])
        return data.counts(col), col, data
    if column is not None:
        raise TypeError("column= is only meaningful with an Election; pass the counts directly")
    return np.asarray(data), "", None


def check_columns(election: Election, columns: list[str]) -> None:
    """Raise a DataError naming the columns the Election does not have."""
    unknown = [c for c in columns if c not in election.stations.columns]
    if unknown:
        raise DataError(
            f"unknown column(s) {unknown}; use a candidate {list(election.candidates)} "
            "or a count column ('registered', 'ballots', 'valid', 'invalid')"
        )


def check_level(election: Election, level: str) -> None:
    """Raise a DataError if ``level`` is not a column of the Election's stations."""
    election._check_level(level)


def check_null(null: str, textbook: str, election: Election | None, column: str) -> None:
    """The null is the textbook one or ``"simulated"``, with an Election to simulate from."""
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


def default_denominator(election: Election, column: str) -> str | None:
    """The column a percentage of ``column`` is taken of: valid votes, or registered voters."""
    if column in election.candidates:
        return "valid"
    if column == "ballots":
        return "registered"
    return None


# ---------------------------------------------------------------- simulated null
def _null_chunk(
    model: CleanModel, column: str, core: Callable[..., dict], seeds: list
) -> list[dict]:
    out = []
    for seed in seeds:
        sim = model.simulate(np.random.default_rng(seed))
        out.append(core(sim[column], sim))
    return out


def simulate_null(
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


# -------------------------------------------------------------------- guardrails
def warn(message: str) -> None:
    """A ForensicsWarning attributed to the first caller outside the digit modules."""
    frame, level = sys._getframe(1), 2  # level 1 is this function
    while frame is not None and frame.f_code.co_filename in _FILES:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, ForensicsWarning, stacklevel=level)


def guard_few(n: int, p: np.ndarray, what: str, excluded: str) -> None:
    """No counts is an error; too few for 5 expected per cell is a warning."""
    if n == 0:
        raise ValueError(f"no counts remain for the {what} ({excluded})")
    if n * p.min() < _MIN_EXPECTED:
        warn(
            f"{what}: only {n} counts remain ({excluded}); the smallest expected cell count "
            f"is {n * p.min():.1f} < {_MIN_EXPECTED:g}, so the asymptotic p-values are "
            "unreliable"
        )


def guard_large(n: int, what: str, effect: float, effect_name: str) -> None:
    """Above 10^4 counts, χ² rejects departures too small to matter: say so."""
    if n > _CHI2_LARGE_N:
        warn(
            f"{what}: χ² on n = {n:,} > 10^4 rejects for departures too small to matter; "
            f"judge the effect size ({effect_name} = {effect:.4g}) rather than the p-value"
        )


def quietly(call: Callable[[], Any]) -> tuple[Any, str]:
    """``call()`` with its guardrail warnings returned as text.

    Returns the result (None if the call raised a ValueError) and the
    ForensicsWarning messages, with the error last, joined by ``"; "``.
    Other warnings are re-emitted.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForensicsWarning)
        try:
            res, err = call(), ""
        except ValueError as exc:
            res, err = None, f"not tested: {exc}"
    msgs = [str(w.message) for w in caught if issubclass(w.category, ForensicsWarning)]
    for w in caught:
        if not issubclass(w.category, ForensicsWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return res, "; ".join([*msgs, err] if err else msgs)


# ----------------------------------------------------------------------- one run
class DigitRun:
    """One digit test on one set of counts: the data's statistics and the null's.

    Constructing it resolves the data (``values``, ``column``, ``election``)
    and checks the null; :meth:`observe` computes the data's statistics,
    :meth:`simulate` the simulated null, and :meth:`fields` assembles the
    fields every digit-test result shares.

    Parameters
    ----------
    data, column, null, rng
        As given to the public test.
    textbook : str
        The textbook null's name (``"benford"`` or ``"uniform"``).
    what : str
        The test's name in messages.
    """

    def __init__(
        self, data: Any, *, column: str | None, null: str, textbook: str, rng: Any, what: str
    ) -> None:
        self.values, self.column, self.election = resolve(data, column)
        check_null(null, textbook, self.election, self.column)
        self.null = null
        self.rng = np.random.default_rng(rng)
        self.what = what
        self.sim: dict[str, np.ndarray] | None = None
        self.seconds = np.nan
        self.n_sim = 0
        self.w = np.nan

    def observe(
        self,
        core: Callable[..., dict],
        probs: np.ndarray,
        excluded: str,
        **data_kwargs: Any,
    ) -> dict:
        """The core's statistics of the data, after the few-counts guardrail.

        ``core(values, sim=None, **kwargs) -> dict`` returns at least
        ``obs``, ``freq``, ``n`` and ``n_excluded`` (see :func:`cell_stats`);
        ``data_kwargs`` are passed to it on the data only, not on the
        simulations. ``probs`` are the textbook cell proportions and
        ``excluded`` says what was set aside (``{n_excluded}`` is filled in).
        """
        self.core = core
        self.res = core(self.values, **data_kwargs)
        self.n = self.res["n"]
        guard_few(self.n, probs, self.what, excluded.format(n_excluded=self.res["n_excluded"]))
        return self.res

    def guard_chi2(self) -> None:
        """Cohen's w = √(χ²/n) of the data (``w``), and the large-n guardrail on it."""
        self.w = float(np.sqrt(self.res["chi2"] / self.n)) if self.n else np.nan
        guard_large(self.n, self.what, self.w, "Cohen's w")

    def simulate(
        self, n_sim: int, executor: Executor | None, core: Callable[..., dict] | None = None
    ) -> bool:
        """Draw the simulated null when it was asked for; True if it was.

        ``core`` replaces the data's core for the simulations.
        """
        if self.null != "simulated":
            return False
        self.sim, self.seconds = simulate_null(
            self.election,
            self.column,
            self.core if core is None else core,
            n_sim=n_sim,
            rng=self.rng,
            executor=executor,
        )
        self.n_sim = int(n_sim)
        return True

    def pvalue(self, key: str, textbook: float, tail: str) -> float:
        """The textbook p-value, or the Monte Carlo one under the simulated null."""
        if self.sim is None:
            return textbook
        return TAILS[tail](self.sim[key], self.res[key])

    def simulated_mean(self, key: str) -> float:
        """Mean of a statistic over the simulated clean elections (NaN without them)."""
        return np.nan if self.sim is None else float(np.nanmean(self.sim[key]))

    def mean_fields(self, mean: float, var: float) -> dict:
        """The digit-mean test: ``mean``, its expectations, z and p-value.

        z = (mean − ``mean``)/√(``var``/n) with a two-sided normal p-value,
        or the simulated two-sided tail probability.
        """
        z = (self.res["mean"] - mean) / np.sqrt(var / self.n)
        return {
            "mean": as_float(self.res["mean"]),
            "mean_expected": mean,
            "mean_simulated": self.simulated_mean("mean"),
            "mean_z": as_float(z),
            "mean_pvalue": self.pvalue("mean", float(2 * stats.norm.sf(abs(z))), "two"),
        }

    def chi2_fields(self, *, df: int, **kwargs: Any) -> dict:
        """:meth:`fields` with the data's χ² as statistic and Cohen's w as effect size.

        The p-value is the χ²(df) tail, or the simulated upper tail.
        ``kwargs`` are the other arguments of :meth:`fields`.
        """
        chi2 = self.res["chi2"]
        return self.fields(
            statistic=chi2,
            pvalue=self.pvalue("chi2", float(stats.chi2.sf(chi2, df)), "upper"),
            effect_size=self.w,
            effect_size_name="Cohen's w",
            **kwargs,
        )

    def fields(
        self,
        *,
        statistic: float,
        pvalue: float,
        effect_size: float,
        effect_size_name: str,
        method: str,
        reference: str,
        cells: np.ndarray,
        expected: np.ndarray,
    ) -> dict:
        """The fields every digit-test result shares."""
        sim = self.sim is not None
        return {
            "statistic": as_float(statistic),
            "pvalue": pvalue,
            "n": as_int(self.n),
            "n_excluded": as_int(self.res["n_excluded"]),
            "effect_size": effect_size,
            "effect_size_name": effect_size_name,
            "method": method,
            "null": self.null,
            "reference": reference,
            "column": self.column,
            "cells": cells,
            "observed": self.res["obs"],
            "expected": expected,
            "expected_simulated": np.nanmean(self.sim["freq"], axis=0) if sim else None,
            "n_sim": self.n_sim,
            "seconds_per_resample": float(self.seconds) if sim else np.nan,
        }
