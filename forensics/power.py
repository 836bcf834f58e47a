"""Size and power of the forensic tests on simulated clean and manipulated elections.

:func:`power_study` simulates clean elections from a template
(:func:`forensics.simulate.fit_clean_model` with regional heterogeneity),
injects each fraud scenario with known truth (:mod:`forensics.simulate`),
runs the battery's tests (:data:`forensics.battery.TESTS`) and tabulates
how often each rejects at level ``alpha``: the size on clean data and the
power under each scenario and strength, with Wilson intervals for the
Monte Carlo error. :func:`rank_correlation_power` gives the power of a
rank-correlation test in closed form.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forensics import simulate, turnout
from forensics.battery import TESTS, BatteryTest
from forensics.calibration import wilson_interval
from forensics.election import DataError, Election

__all__ = [
    "DEFAULT_SCENARIOS",
    "FraudScenario",
    "RankCorrelationPower",
    "corner_rule",
    "power_study",
    "rank_correlation_power",
    "wilson_interval",
]

_CACHE_VERSION = 2


@dataclass(frozen=True)
class FraudScenario:
    """One kind of manipulation and the strengths at which to inject it.

    Attributes
    ----------
    name : str
        Label in the table (e.g. ``"ballot stuffing"``).
    inject : callable
        ``inject(election, rng=..., **fixed, **{param: value})`` returning
        ``(Election, affected)``, e.g. :func:`forensics.simulate.stuff_ballots`.
    param : str
        The keyword varied along the power curve (``"fraction"`` or
        ``"intensity"``).
    values : tuple of float
        Its values, from weak to strong.
    fixed : mapping
        Other keywords, held fixed.
    """

    name: str
    inject: Callable[..., tuple[Election, np.ndarray]]
    param: str
    values: tuple[float, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)

    def key(self) -> dict[str, Any]:
        """The scenario as plain data (for the cache key)."""
        return {
            "name": self.name,
            "inject": f"{self.inject.__module__}.{self.inject.__qualname__}",
            "param": self.param,
            "values": [float(v) for v in self.values],
            "fixed": {k: self.fixed[k] for k in sorted(self.fixed)},
        }


#: The default scenarios: two strengths each, chosen so that the default
#: study (200 simulations, all tests, a 25,000-station template) fits in
#: under 10 minutes on 2 cores (about 4 minutes measured).
DEFAULT_SCENARIOS: tuple[FraudScenario, ...] = (
    FraudScenario(
        "ballot stuffing", simulate.stuff_ballots, "fraction", (0.05, 0.2), {"intensity": 0.3}
    ),
    FraudScenario(
        "vote switching", simulate.switch_votes, "fraction", (0.05, 0.2), {"intensity": 0.3}
    ),
    FraudScenario("extreme fraud", simulate.extreme_fraud, "fraction", (0.005, 0.02)),
    FraudScenario(
        "fabricated counts", simulate.fabricate_counts, "fraction", (0.02, 0.1), {"rounding": 0.5}
    ),
    FraudScenario("round percentages", simulate.round_percentages, "fraction", (0.01, 0.05)),
)


@dataclass(frozen=True)
class _CornerRun:
    """The corner rule's ``run`` (a class, so that it pickles for process pools)."""

    threshold: float
    min_mass: float

    def __call__(self, election: Election, candidate: str, rng: Any, null: str):
        fp = turnout.fingerprint(election, candidate)
        mass = fp.corner_mass(self.threshold)
        return {
            "statistic": mass["stations"],
            "pvalue": 0.0 if mass["stations"] >= self.min_mass else 1.0,
            "n": fp.n,
        }


def corner_rule(threshold: float = 0.95, min_mass: float = 0.002) -> BatteryTest:
    """The fingerprint corner as a decision rule, for a power study.

    Fires when at least ``min_mass`` of the stations have turnout and the
    candidate's share both above ``threshold``
    (:meth:`forensics.turnout.Fingerprint.corner_mass`). It has no p-value:
    its ``pvalue`` is 0 when it fires and 1 otherwise, so its size is
    whatever the study measures on clean data, whatever ``alpha``. It is a
    rule to measure, not a hypothesis test, hence not named ``*_test``.

    Parameters
    ----------
    threshold : float
        Turnout and share above which a station is in the corner, in
        ``[0, 1)``.
    min_mass : float
        Share of stations in the corner at which the rule fires, in
        ``(0, 1]``.

    Returns
    -------
    forensics.battery.BatteryTest
        The rule as a test :func:`power_study` can run.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469–16473. doi:10.1073/pnas.1210722109

    Examples
    --------
    >>> rule = corner_rule(0.9, 0.01)
    >>> rule.name, rule.family
    ('fingerprint_corner>0.9@0.01', 'turnout')
    """
    if not (0 <= threshold < 1 and 0 < min_mass <= 1):
        raise ValueError(
            f"need 0 <= threshold < 1 and 0 < min_mass <= 1, got {threshold}, {min_mass}"
        )
    return BatteryTest(
        f"fingerprint_corner>{threshold:g}@{min_mass:g}",
        "turnout",
        _CornerRun(threshold, min_mass),
        True,
        True,
        f"at least {min_mass:g} of stations have turnout and share above {threshold:g}",
        "extreme fraud (Klimek et al.); also tiny or closed communities voting as a bloc",
    )


# --------------------------------------------------------------------------- workers
def _slim(template: Election, region_level: str | None) -> Election:
    """The template with only the columns a simulation needs (cheap to pickle)."""
    keep = ["station"]
    if region_level is not None:
        keep.append(region_level)
    keep += ["registered", "ballots", "valid", "invalid", *template.candidates]
    return template.with_stations(
        template.stations[keep].copy(),
        levels=(region_level,) if region_level else (),
        set_aside=pd.DataFrame(),
        notes=(),
    )


def _pvalue(result: Any) -> float:
    p = result["pvalue"] if isinstance(result, Mapping) else result.pvalue
    return float(p) if p is not None else float("nan")


def _run_tests(
    election: Election,
    tests: Sequence[BatteryTest],
    candidates: Sequence[str],
    rng: np.random.Generator,
    null: str,
) -> list[float]:
    out = []
    for test in tests:
        for cand in candidates if test.per_candidate else [None]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    out.append(_pvalue(test.run(election, cand, rng, null)))
                except (ValueError, KeyError, ZeroDivisionError):
                    out.append(float("nan"))
    return out


def _block(payload: dict[str, Any]) -> np.ndarray:
    """p-values of one block of simulations: (sims, conditions, test rows)."""
    model: simulate.CleanModel = payload["model"]
    template: Election = payload["template"]
    conditions = payload["conditions"]
    known = {t.name: t for t in TESTS}
    tests = [known[t] if isinstance(t, str) else t for t in payload["tests"]]
    cands, null = payload["candidates"], payload["null"]
    cols = ["registered", "ballots", "valid", "invalid", *model.candidates]
    out = []
    for i in payload["sims"]:
        sim = model.simulate(np.random.default_rng([payload["entropy"], i, 0]))
        st = template.stations.copy()
        for col in cols:
            v = np.asarray(sim[col])
            st[col] = v.astype(np.int64) if np.isfinite(v).all() else v.astype(float)
        clean = template.with_stations(st)
        rows = []
        for c, cond in enumerate(conditions):
            seed = [payload["entropy"], i, 1 + c]
            if cond is None:
                e = clean
            else:
                inject, kwargs = cond
                e, _ = inject(clean, rng=np.random.default_rng([*seed, 0]), **kwargs)
            rows.append(_run_tests(e, tests, cands, np.random.default_rng([*seed, 1]), null))
        out.append(rows)
    return np.asarray(out, dtype=float)


# --------------------------------------------------------------------------- cache
def _fingerprint_template(template: Election) -> str:
    h = hashlib.sha256()
    h.update(repr((template.name, template.candidates, template.leader, template.levels)).encode())
    for col in ("registered", "ballots", "valid", "invalid", *template.candidates):
        h.update(np.ascontiguousarray(template.counts(col)).tobytes())
    if template.levels:
        h.update(pd.util.hash_pandas_object(template.stations[template.levels[0]]).to_numpy())
    return h.hexdigest()[:16]


def _cache_path(cache: str | os.PathLike[str], key: Mapping[str, Any]) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    return Path(cache) / f"power_{digest[:20]}.csv"


# --------------------------------------------------------------------------- study
def _with_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """``rate``, ``ci_low`` and ``ci_high`` from ``rejections`` and ``n_run``."""
    table["rate"] = table["rejections"] / table["n_run"].where(table["n_run"] > 0)
    lo, hi = wilson_interval(table["rejections"].to_numpy(), table["n_run"].to_numpy())
    table["ci_low"], table["ci_high"] = lo, hi
    return table


def _resolve_tests(tests: Sequence[str | BatteryTest] | None) -> list[BatteryTest]:
    if tests is None:
        return list(TESTS)
    known = {t.name: t for t in TESTS}
    out = []
    for t in tests:
        if isinstance(t, BatteryTest):
            out.append(t)
        elif t in known:
            out.append(known[t])
        else:
            raise ValueError(f"unknown test {t!r}; choose from {sorted(known)} or a BatteryTest")
    return out


def power_study(
    *,
    template: Election,
    tests: Sequence[str | BatteryTest] | None = None,
    scenarios: Sequence[FraudScenario] = DEFAULT_SCENARIOS,
    n_sim: int = 200,
    candidates: Sequence[str] | None = None,
    alpha: float = 0.05,
    null: str = "textbook",
    regions: bool | str = True,
    mobilisation: float = 0.0,
    rng: np.random.Generator | int | None = None,
    executor: Executor | None = None,
    block_size: int = 10,
    cache: str | os.PathLike[str] | None = None,
    rebuild: bool = False,
) -> pd.DataFrame:
    """Size and power of each test, by simulation from a template election.

    Parameters
    ----------
    template : Election
        Supplies station sizes, regions (its first level) and the rates the
        clean model is fitted to (:func:`forensics.simulate.fit_clean_model`).
    tests : sequence of str or BatteryTest, optional
        Names from :data:`forensics.battery.TESTS` or extra
        :class:`~forensics.battery.BatteryTest` objects (e.g.
        :func:`corner_rule`); default every battery test. With a process
        pool, extra tests must pickle (a module-level ``run``).
    scenarios : sequence of FraudScenario
        Manipulations and their strengths; default :data:`DEFAULT_SCENARIOS`.
    n_sim : int
        Simulated elections per condition (clean, and each scenario and
        strength).
    candidates : sequence of str, optional
        Candidates the per-candidate tests follow; default the template's
        leader, who is also the beneficiary of every injected fraud.
    alpha : float
        A test rejects when its raw p-value is below ``alpha``.
    null : {"textbook", "simulated"}
        The digit tests' null, as in :func:`forensics.battery.battery`
        (``"simulated"`` costs 199 extra simulations per digit test).
    regions, mobilisation
        Passed to :func:`forensics.simulate.fit_clean_model`: regional
        heterogeneity (default on) and an innocent turnout–share
        correlation (default none).
    rng : numpy.random.Generator or int, optional
        Seed of the whole study. Give an int for reproducible (and
        cacheable) results.
    executor : concurrent.futures.Executor, optional
        Runs blocks of simulations (e.g. a ``ProcessPoolExecutor``); default
        in this process. Results do not depend on it.
    block_size : int
        Simulations per task sent to the executor.
    cache : path-like, optional
        Folder for cached results. The file name is a hash of every
        parameter (template counts included); a cached table is returned
        without simulating. No caching when None or when ``rng`` is not an
        int.
    rebuild : bool
        Recompute and overwrite the cached table; also forced by the
        environment variable ``FORENSICS_REBUILD_CACHE=1``.

    Returns
    -------
    pandas.DataFrame
        One row per test, candidate and condition: ``test``, ``family``,
        ``candidate``, ``scenario`` (``"clean"`` for the size rows),
        ``param``, ``value`` (the strength; 0 for clean), ``fixed`` (other
        settings), ``measure`` (``"size"`` or ``"power"``), ``alpha``,
        ``n_sim``, ``n_run`` (simulations with a p-value), ``rejections``,
        ``rate`` (``rejections / n_run``), ``ci_low``, ``ci_high`` (95 %
        Wilson interval) and ``median_p``.

    Notes
    -----
    Simulation ``i`` draws its clean election from the seed sequence
    ``(seed, i, 0)`` and, for condition ``c``, the injection from
    ``(seed, i, 1 + c, 0)`` and the tests' randomness from
    ``(seed, i, 1 + c, 1)``. Every condition is therefore applied to the
    same clean elections (common random numbers, which makes power
    differences between strengths less noisy), and the result is identical
    whatever the executor or ``block_size``.

    The size is the rejection rate on *clean* simulated elections, which
    have the template's sizes, regional spread and overdispersion but no
    manipulation: a test whose null ignores such features (e.g. Benford's
    law for bounded station counts, or a correlation test that treats
    stations as independent when regions differ) shows a size above
    ``alpha``. Power is specific to the template, the scenario and its
    strength; it is not a property of the test alone. A rejection speaks to
    a statistical signature, not to fraud (see :mod:`forensics.battery`).

    References
    ----------
    .. [1] Mebane, W. R. (2007). Statistics for digits. Summer Meeting of the
       Political Methodology Society, Penn State.
    .. [2] Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012).
       Statistical detection of systematic election irregularities. PNAS
       109(41), 16469–16473. doi:10.1073/pnas.1210722109
    .. [3] Kobak, D., Shpilkin, S., & Pshenichnikov, M. S. (2016). Integer
       percentages as electoral falsification fingerprints. Annals of
       Applied Statistics 10(1), 54–73. doi:10.1214/16-AOAS904

    Examples
    --------
    Three simulated elections per condition, clean and with extreme fraud in
    5 % of the stations (a study worth reading takes hundreds):

    >>> from forensics import toy_election
    >>> e = toy_election(300, rng=0)
    >>> from forensics import simulate
    >>> extreme = FraudScenario("extreme fraud", simulate.extreme_fraud, "fraction", (0.05,))
    >>> table = power_study(template=e, tests=["last_digit", corner_rule()],
    ...                     scenarios=[extreme], n_sim=3, rng=1)
    >>> table[["test", "scenario", "rejections", "n_run"]].to_numpy().tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['last_digit', 'clean', 0, 3], ['fingerprint_corner>0.95@0.002', 'clean', 0, 3],
     ['last_digit', 'extreme fraud', 0, 3],
     ['fingerprint_corner>0.95@0.002', 'extreme fraud', 3, 3]]
    """
    if not isinstance(template, Election):
        raise TypeError(f"template must be an Election, got {type(template).__name__}")
    if not (isinstance(n_sim, (int, np.integer)) and n_sim >= 1):
        raise ValueError(f"n_sim must be a positive integer, got {n_sim!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    if null not in ("textbook", "simulated"):
        raise ValueError(f"null must be 'textbook' or 'simulated', got {null!r}")
    if block_size < 1:
        raise ValueError(f"block_size must be positive, got {block_size!r}")
    chosen = _resolve_tests(tests)
    cands = [template.leader] if candidates is None else list(candidates)
    for c in cands:
        if c not in template.candidates:
            raise DataError(
                f"unknown candidate {c!r}; the candidates are {list(template.candidates)}"
            )
    for sc in scenarios:
        if not isinstance(sc, FraudScenario):
            raise TypeError(f"scenarios must be FraudScenario objects, got {type(sc).__name__}")
    cacheable = isinstance(rng, (int, np.integer)) and cache is not None
    if isinstance(rng, (int, np.integer)):
        entropy = int(rng)
    else:
        entropy = int(np.random.default_rng(rng).integers(2**63))

    key = {
        "version": _CACHE_VERSION,
        "template": _fingerprint_template(template),
        "tests": [t.name for t in chosen],
        "scenarios": [sc.key() for sc in scenarios],
        "n_sim": int(n_sim),
        "candidates": cands,
        "alpha": float(alpha),
        "null": null,
        "regions": regions,
        "mobilisation": float(mobilisation),
        "seed": entropy,
    }
    rebuild = rebuild or os.environ.get("FORENSICS_REBUILD_CACHE", "") not in ("", "0")
    if cacheable:
        path = _cache_path(cache, key)
        if path.exists() and not rebuild:
            # intervals follow the current wilson_interval, whatever wrote the file
            return _with_intervals(pd.read_csv(path, keep_default_na=False, na_values=["nan"]))

    model = simulate.fit_clean_model(template, regions=regions, mobilisation=mobilisation)
    slim = _slim(template, model.region_level)
    conditions: list[Any] = [None]
    labels: list[tuple[str, str, float, str]] = [("clean", "", 0.0, "")]
    for sc in scenarios:
        for v in sc.values:
            kwargs = {**sc.fixed, sc.param: v}
            if "candidate" in sc.inject.__code__.co_varnames and "candidate" not in kwargs:
                kwargs["candidate"] = template.leader
            conditions.append((sc.inject, kwargs))
            fixed = ", ".join(f"{k}={sc.fixed[k]}" for k in sorted(sc.fixed))
            labels.append((sc.name, sc.param, float(v), fixed))
    payloads = [
        {
            "model": model,
            "template": slim,
            "conditions": conditions,
            # battery tests by name: their closures do not pickle
            "tests": [t.name if t in TESTS else t for t in chosen],
            "candidates": cands,
            "null": null,
            "entropy": entropy,
            "sims": list(range(start, min(start + block_size, n_sim))),
        }
        for start in range(0, n_sim, block_size)
    ]
    if executor is None:
        blocks = [_block(p) for p in payloads]
    else:
        blocks = list(executor.map(_block, payloads))
    pvals = np.concatenate(blocks, axis=0)  # (n_sim, conditions, rows)

    rows_meta = [(t, c or "") for t in chosen for c in (cands if t.per_candidate else [None])]
    records = []
    for ci, (scen, param, value, fixed) in enumerate(labels):
        for ri, (test, cand) in enumerate(rows_meta):
            p = pvals[:, ci, ri]
            ran = np.isfinite(p)
            k = int((p[ran] < alpha).sum())
            records.append(
                {
                    "test": test.name,
                    "family": test.family,
                    "candidate": cand,
                    "scenario": scen,
                    "param": param,
                    "value": value,
                    "fixed": fixed,
                    "measure": "size" if scen == "clean" else "power",
                    "alpha": float(alpha),
                    "n_sim": int(n_sim),
                    "n_run": int(ran.sum()),
                    "rejections": k,
                    "median_p": float(np.median(p[ran])) if ran.any() else float("nan"),
                }
            )
    table = _with_intervals(pd.DataFrame(records))
    if cacheable:
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(path, index=False, float_format="%.17g", na_rep="nan")
        path.with_suffix(".json").write_text(json.dumps(key, indent=1, default=str) + "\n")
    return table


# --------------------------------------------------------------------------- rank correlation
_ALTERNATIVES = ("two-sided", "greater", "less")


@dataclass(frozen=True)
class RankCorrelationPower:
    """Result of :func:`rank_correlation_power`.

    Attributes
    ----------
    n : int
        Number of paired observations.
    alpha : float
        Level of the test.
    alternative : str
        ``"two-sided"``, ``"greater"`` or ``"less"``.
    critical_rho : float
        The ``|rho|`` a sample must reach for ``p < alpha`` in the t
        approximation :func:`scipy.stats.spearmanr` uses (``rho >=`` it for
        ``"greater"``, ``rho <= -`` it for ``"less"``).
    z_sd : float
        Standard deviation of Fisher's ``z = arctanh(rho)``,
        ``sqrt(1.06 / (n - 3))``.
    rho : float or numpy.ndarray
        The true rank correlations at which power is computed.
    power : float or numpy.ndarray
        Probability of rejecting at each ``rho`` (same shape).
    """

    n: int
    alpha: float
    alternative: str
    critical_rho: float
    z_sd: float
    rho: float | np.ndarray
    power: float | np.ndarray


def rank_correlation_power(
    n: int,
    rho: float | Sequence[float] | np.ndarray,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> RankCorrelationPower:
    """Power of a test of Spearman's rank correlation on ``n`` pairs.

    Fisher's ``z = arctanh(r_s)`` of the sample rank correlation is taken as
    normal with mean ``arctanh(rho)`` and variance ``1.06 / (n - 3)``
    (Fieller, Hartley & Pearson, 1957); the test rejects when ``|z|``
    exceeds ``z_{1 - alpha/2}`` times its standard deviation (one tail at
    ``z_{1 - alpha}`` for a one-sided alternative), so the power at
    ``rho = 0`` is ``alpha``.

    Parameters
    ----------
    n : int
        Number of paired observations (>= 4).
    rho : float or array_like
        True rank correlation(s), in ``(-1, 1)``.
    alpha : float
        Level of the test, in ``(0, 1)``.
    alternative : {"two-sided", "greater", "less"}
        Alternative hypothesis, as in :func:`scipy.stats.spearmanr`.

    Returns
    -------
    RankCorrelationPower
        The critical ``|rho|`` and the power at each ``rho`` (a float for a
        scalar ``rho``).

    Raises
    ------
    ValueError
        ``n < 4``, a ``rho`` outside ``(-1, 1)``, ``alpha`` outside
        ``(0, 1)`` or an unknown ``alternative``.

    Notes
    -----
    The critical value is that of the t approximation
    ``t = r_s sqrt((n - 2) / (1 - r_s^2))`` on ``n - 2`` degrees of freedom,
    the p-value :func:`scipy.stats.spearmanr` reports:
    ``r_crit = t_c / sqrt(n - 2 + t_c^2)``. The power uses the Fisher-z
    approximation, whose rejection threshold ``tanh(z_c sd)`` is slightly
    larger (0.414 against 0.404 for ``n = 24``). Both approximations are
    derived for bivariate-normal data.

    References
    ----------
    .. [1] Fieller, E. C., Hartley, H. O., & Pearson, E. S. (1957). Tests
       for rank correlation coefficients. I. Biometrika 44(3-4), 470–481.
       doi:10.1093/biomet/44.3-4.470
    .. [2] Bonett, D. G., & Wright, T. A. (2000). Sample size requirements
       for estimating Pearson, Kendall and Spearman correlations.
       Psychometrika 65(1), 23–28. doi:10.1007/BF02294183

    Examples
    --------
    >>> p = rank_correlation_power(24, [0.0, 0.3, 0.5])
    >>> round(p.critical_rho, 3), round(p.z_sd, 4)
    (0.404, 0.2247)
    >>> p.power.round(3).tolist()
    [0.05, 0.281, 0.686]
    >>> round(rank_correlation_power(24, 0.3, alternative="greater").power, 3)
    0.395
    """
    from scipy import stats

    n = int(n)
    if n < 4:
        raise ValueError(f"n must be >= 4 (the variance of z needs n - 3 > 0), got {n}")
    if not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}")
    r = np.asarray(rho, dtype=float)
    if not (np.abs(r) < 1.0).all():
        raise ValueError(f"rho must lie in (-1, 1), got {rho}")
    tail = float(alpha) / 2 if alternative == "two-sided" else float(alpha)
    t_c = float(stats.t.isf(tail, n - 2))
    z_c = float(stats.norm.isf(tail))
    sd = float(np.sqrt(1.06 / (n - 3)))
    shift = np.arctanh(r) / sd
    upper = stats.norm.sf(z_c - shift)
    lower = stats.norm.cdf(-z_c - shift)
    if alternative == "two-sided":
        power = upper + lower
    elif alternative == "greater":
        power = upper
    else:
        power = lower
    scalar = r.ndim == 0
    return RankCorrelationPower(
        n=n,
        alpha=float(alpha),
        alternative=alternative,
        critical_rho=t_c / float(np.sqrt(n - 2 + t_c**2)),
        z_sd=sd,
        rho=float(r) if scalar else r,
        power=float(power) if scalar else np.asarray(power, dtype=float),
    )
