"""Run every applicable test on one election, with multiple-testing control.

:func:`battery` returns one tidy row per test, candidate (and group): the
statistic, raw, Benjamini–Hochberg and Holm p-values, the effect size, the
test's measured calibration, and a ``verdict`` that states only what the
test can support. Which hypothesis a test speaks to is part of its entry in
:data:`TESTS`: digit tests speak to how counts were produced (invented or
rounded numbers), turnout–share tests to ballots added where turnout is
high, integer tests to results written down as round percentages. None of
them measures fraud directly.

A p-value is read as evidence only for a test whose size on clean
elections was measured to be at or below its level
(:mod:`forensics.calibration`); the others are reported as descriptive
statistics.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from forensics import digits, spikes, turnout
from forensics._compat import renamed_parameters
from forensics.calibration import ALPHA as ALPHA_SIZE
from forensics.calibration import CalibrationStatus, calibration_status, format_size
from forensics.election import DataError, Election
from forensics.multitest import benjamini_hochberg, holm
from forensics.results import TestResult

__all__ = ["MIN_CLUSTERS", "N_SIM_NULL", "TESTS", "BatteryTest", "battery", "verdict"]


@dataclass(frozen=True)
class BatteryTest:
    """One test as the battery runs it.

    Attributes
    ----------
    name : str
        Short name used in the table.
    family : str
        ``"digits"``, ``"turnout"`` or ``"spikes"``.
    run : callable
        ``run(election, candidate, rng, null) -> TestResult``.
    per_candidate : bool
        Run once per candidate (digit tests) or for each candidate's share
        against turnout (turnout tests).
    needs_registered : bool
        Needs registered voters (turnout); skipped, with a reason, when fewer
        than ``min_stations`` stations have them.
    signature : str
        What a rejection shows, in plain words.
    speaks_to : str
        The hypothesis a rejection is compatible with, and its main
        innocent alternative.
    textbook_caution : str
        Added to the row's note when the test ran with its textbook null and
        that null is known to be miscalibrated on station counts.
    default_null : str
        The null a digit test uses in the battery unless ``null=`` says
        otherwise: ``"textbook"`` or ``"simulated"``.
    """

    name: str
    family: str
    run: Callable[..., TestResult]
    per_candidate: bool
    needs_registered: bool
    signature: str
    speaks_to: str
    textbook_caution: str = ""
    default_null: str = "textbook"


#: Simulated elections per simulated digit null in the battery (p-values >= 0.01).
N_SIM_NULL = 99


def _collapse(election: Election, candidate: str) -> Election:
    """The election with every other candidate merged into one (for simulated nulls).

    The simulated null of a digit test only needs the tested candidate's
    counts; merging the rest keeps each simulation cheap on many-party
    elections.
    """
    others = [c for c in election.candidates if c != candidate]
    if len(others) <= 1:
        return election
    name = "_others" if "_others" not in election.stations.columns else "_others_"
    st = election.stations.drop(columns=others)
    st[name] = election.stations[others].sum(axis=1, min_count=1)
    return election.with_stations(st, candidates=(candidate, name), leader=candidate)


def _digit(test: Callable[..., TestResult], **fixed: Any) -> Callable[..., TestResult]:
    def run(election: Election, candidate: str, rng: np.random.Generator, null: str):
        kwargs = dict(fixed)
        if null == "simulated":
            kwargs.update(null="simulated", n_sim=N_SIM_NULL, rng=rng)
            election = _collapse(election, candidate)
        return test(election, column=candidate, **kwargs)

    return run


#: Fewest clusters for cluster-robust errors; with fewer, errors are heteroskedasticity-robust.
MIN_CLUSTERS = 10


def _strata(
    election: Election, ok: np.ndarray
) -> tuple[str | None, np.ndarray, np.ndarray | None]:
    """Fixed-effect strata (first level with 2+ groups) and clusters (the next level's units).

    Clusters are None (heteroskedasticity-robust errors) when there is no
    finer level or it has fewer than :data:`MIN_CLUSTERS` units.
    """
    levels = [lv for lv in election.levels if lv in election.stations.columns]
    for i, level in enumerate(levels):
        codes = election.stations.groupby(levels[: i + 1], sort=False, dropna=True).ngroup()
        codes = codes.to_numpy()
        if np.unique(codes[ok & (codes >= 0)]).size >= 2:
            clusters = None
            if i + 1 < len(levels):
                finer = election.stations.groupby(levels[: i + 2], sort=False, dropna=True)
                clusters = finer.ngroup().to_numpy()
                if np.unique(clusters[ok & (clusters >= 0)]).size < MIN_CLUSTERS:
                    clusters = None
            return level, codes, clusters
    return None, np.zeros(len(election), dtype=np.int64), None


def _within_fit(y: np.ndarray, x: np.ndarray, strata: np.ndarray, clusters: np.ndarray | None):
    """OLS slope of y on x with stratum fixed effects (statsmodels).

    Errors are cluster-robust (CR1, t with G - 1 df) with ``clusters``, else
    HC1 with ``n - 1 - strata`` df. Returns the fit, the within-strata
    Pearson r, the number of clusters (0 without) and of strata.
    """
    import statsmodels.api as sm  # imported here: it is slow to import

    _, s = np.unique(strata, return_inverse=True)
    cnt = np.bincount(s).astype(float)
    yd = y - (np.bincount(s, weights=y) / cnt)[s]
    xd = x - (np.bincount(s, weights=x) / cnt)[s]
    model = sm.OLS(yd, xd[:, None])
    if clusters is None:
        model.df_resid = max(y.size - 1 - cnt.size, 1)
        fit = model.fit(cov_type="HC1", use_t=True)
        n_cl = 0
    else:
        _, g = np.unique(clusters, return_inverse=True)
        fit = model.fit(
            cov_type="cluster", cov_kwds={"groups": g, "df_correction": True}, use_t=True
        )
        n_cl = int(g.max() + 1)
    denom = np.sqrt((xd**2).sum() * (yd**2).sum())
    r = float((xd * yd).sum() / denom) if denom > 0 else float("nan")
    return fit, r, n_cl, int(cnt.size)


def _within_arrays(election: Election, candidate: str):
    candidate, t, s, reg, votes, ok = turnout._station_arrays(
        election, candidate, share_of="ballots"
    )
    ok &= np.isfinite(reg) & (reg > 0)
    level, strata, clusters = _strata(election, ok)
    ok &= strata >= 0
    if clusters is not None:
        ok &= clusters >= 0
        clusters = clusters[ok]
    if ok.sum() < 4:
        raise ValueError(f"need at least 4 stations with turnout and share, got {int(ok.sum())}")
    return t[ok], s[ok], reg[ok], votes[ok], strata[ok], clusters, level, int((~ok).sum())


_SS_REFERENCE = (
    "Sobyanin & Sukhovolsky (1995); Myagkov, Ordeshook & Shakin (2009), "
    "Cambridge University Press, ISBN 978-0-521-74836-0; Cameron & Miller (2015), "
    "J. Human Resources 50(2), 317-372, doi:10.3368/jhr.50.2.317"
)


def _where(level: str | None, n_strata: int, n_clusters: int) -> str:
    fe = "no strata" if level is None else f"{level} fixed effects ({n_strata})"
    if n_clusters:
        return f"{fe}, errors clustered in {n_clusters} units"
    return f"{fe}, heteroskedasticity-robust errors (HC1)"


def _association(election: Election, candidate: str, rng: np.random.Generator, null: str):
    t, s, _, _, strata, clusters, level, excluded = _within_arrays(election, candidate)
    fit, r, n_cl, n_st = _within_fit(s, t, strata, clusters)
    return {
        "statistic": r,
        "pvalue": float(fit.pvalues[0]),
        "effect_size": r,
        "effect_size_name": "Pearson r within strata",
        "n": int(t.size),
        "n_excluded": excluded,
        "null": "no association within strata",
        "method": "share on turnout within strata, OLS slope t-test; " + _where(level, n_st, n_cl),
        "reference": _SS_REFERENCE,
    }


def _sobyanin(election: Election, candidate: str, rng: np.random.Generator, null: str):
    t, _, reg, votes, strata, clusters, level, excluded = _within_arrays(election, candidate)
    y = votes / reg
    fit, _, n_cl, n_st = _within_fit(y, t, strata, clusters)
    mean_share = float(votes.sum() / (t * reg).sum())
    slope, se = float(fit.params[0]), float(fit.bse[0])
    diff = slope - mean_share
    df = float(fit.df_resid) if not n_cl else n_cl - 1.0
    p = float(2 * stats.t.sf(abs(diff) / se, df)) if se > 0 else np.nan
    return {
        "statistic": slope,
        "pvalue": p,
        "effect_size": diff,
        "effect_size_name": "slope minus mean share",
        "n": int(t.size),
        "n_excluded": excluded,
        "null": "slope = mean share, within strata",
        "method": "Sobyanin–Sukhovolsky regression (votes/registered on turnout) within strata; "
        + _where(level, n_st, n_cl),
        "reference": _SS_REFERENCE,
    }


def _dip(variable: str):
    def run(election: Election, candidate: str | None, rng: np.random.Generator, null: str):
        r = turnout.shape_test(election, candidate, n_resamples=0, rng=rng)
        row = r.table.set_index("variable").loc[variable]
        return {
            "statistic": row["dip"],
            "pvalue": row["dip_pvalue"],
            "effect_size": row["dip"],
            "effect_size_name": f"dip statistic ({variable})",
            "n": r.n,
            "n_excluded": r.n_excluded,
            "null": r.null,
            "method": f"Hartigan dip test on {variable}",
            "reference": r.reference,
        }

    return run


def _integer(election: Election, candidate: str, rng: np.random.Generator, null: str):
    return spikes.integer_percentage_test(election, candidate, method="exact")


#: The battery, in the order of its table.
TESTS: tuple[BatteryTest, ...] = (
    BatteryTest(
        "second_digit",
        "digits",
        _digit(digits.second_digit_test),
        True,
        False,
        "second digits of the candidate's counts depart from the null",
        "invented or altered counts (Mebane); also strategic voting, station-size limits",
        "the Benford null ignores bounded station sizes and rejects clean elections "
        "(measured in tests/test_digits.py); rerun with null='simulated'",
        default_null="simulated",
    ),
    BatteryTest(
        "last_digit",
        "digits",
        _digit(digits.last_digit_test),
        True,
        False,
        "last digits of counts >= 10 are not uniform",
        "counts written by hand rather than counted (Beber & Scacco)",
    ),
    BatteryTest(
        "round_numbers_C05s",
        "digits",
        _digit(digits.round_number_test, kind="count"),
        True,
        False,
        "more or fewer counts end in 0 or 5 than chance",
        "rounding of invented counts (Hicken & Mebane); also round station sizes",
    ),
    BatteryTest(
        "digit_pairs",
        "digits",
        _digit(digits.digit_pair_test, min_count=100),
        True,
        False,
        "repeated or adjacent last-two-digit pairs (counts >= 100) are under- or over-represented",
        "human-invented numbers avoid repeats and favour adjacent digits (Beber & Scacco)",
    ),
    BatteryTest(
        "turnout_share_association",
        "turnout",
        _association,
        True,
        True,
        "the candidate's share moves with turnout across stations of the same region",
        "ballots added for the candidate where turnout is high if r > 0; "
        "also differential mobilisation and urban–rural differences",
    ),
    BatteryTest(
        "sobyanin_sukhovolsky",
        "turnout",
        _sobyanin,
        True,
        True,
        "the candidate gains more than their mean share per extra voter, within regions",
        "added ballots going to the candidate (Sobyanin–Sukhovolsky); "
        "also differential mobilisation",
    ),
    BatteryTest(
        "dip_turnout",
        "turnout",
        _dip("turnout"),
        False,
        True,
        "the turnout distribution is not unimodal",
        "a subset of stations with inflated turnout (Klimek et al.); also heterogeneous regions",
    ),
    BatteryTest(
        "dip_share",
        "turnout",
        _dip("share"),
        True,
        True,
        "the candidate's share distribution is not unimodal",
        "a subset of stations with inflated shares; also regional strongholds",
    ),
    BatteryTest(
        "integer_percentages",
        "spikes",
        _integer,
        True,
        True,
        "more stations than chance report turnout or share at integer percentages",
        "results written down as round percentages (Kobak et al.)",
    ),
)


def verdict(
    row: pd.Series, alpha: float, test: BatteryTest, calibration: CalibrationStatus | None = None
) -> str:
    """A neutral one-line reading of one battery row.

    A miscalibrated (or unmeasured) test gets no signature verdict: its
    p-value is reported as a descriptive statistic, with the size that
    disqualifies it. Otherwise the verdict reads the BH-adjusted p-value.

    Parameters
    ----------
    row : pandas.Series
        A battery row with ``pvalue`` and ``p_bh``.
    alpha : float
        Level the BH-adjusted p-value is read at.
    test : BatteryTest
        The row's test (its ``signature`` and ``speaks_to``).
    calibration : forensics.calibration.CalibrationStatus, optional
        The test's measured calibration; None reads it as calibrated.

    Returns
    -------
    str

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300.
       doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> test = {t.name: t for t in TESTS}["integer_percentages"]
    >>> verdict(pd.Series({"pvalue": 0.001, "p_bh": 0.004}), 0.05, test)
    ... # doctest: +NORMALIZE_WHITESPACE
    'signature at BH-adjusted p < 0.05: more stations than chance report turnout or share
     at integer percentages; compatible with results written down as round percentages
     (Kobak et al.)'
    """
    p = row["p_bh"]
    if not np.isfinite(row["pvalue"]):
        return "not computed"
    status = calibration.status if calibration is not None else "calibrated"
    if status == "miscalibrated":
        source, size, ci = calibration.worst()
        return (
            f"descriptive only (miscalibrated: size {format_size(size, *ci)} on {source} "
            f"at {ALPHA_SIZE:g}); the p-value is not evidence of a signature"
        )
    if status == "not measured":
        return "descriptive only (size not measured for this null); not evidence of a signature"
    tail = ""
    if status == "conservative":
        source, size, ci = calibration.worst()
        tail = f" (conservative test: size {format_size(size, *ci)} on {source}; low power)"
    if p < alpha:
        return (
            f"signature at BH-adjusted p < {alpha:g}: {test.signature}; "
            f"compatible with {test.speaks_to}{tail}"
        )
    return f"no signature at BH-adjusted p < {alpha:g}; does not rule out {test.speaks_to}{tail}"


def _null_for(test: BatteryTest, null: str | None) -> str:
    """The null a test runs with: its default, or ``null`` for digit tests; "-" otherwise."""
    if test.family != "digits":
        return "-"
    if null in (None, "default"):
        return test.default_null
    return null


def _pvalue_of(result: Any) -> float:
    p = result["pvalue"] if isinstance(result, Mapping) else result.pvalue
    return float(p) if p is not None else float("nan")


def _default_candidates(election: Election) -> list[str]:
    totals = election.stations[list(election.candidates)].sum().sort_values(ascending=False)
    top = list(totals.index[:2])
    if election.leader not in top:
        top = [election.leader, *top[:1]]
    return top


def _row(
    result: TestResult | Mapping[str, Any] | None,
    test: BatteryTest,
    group: Any,
    candidate: str,
    note: str,
) -> dict[str, Any]:
    base = {
        "group": group,
        "test": test.name,
        "family": test.family,
        "candidate": candidate or "",
    }
    if result is None:
        return {
            **base,
            "statistic": np.nan,
            "pvalue": np.nan,
            "effect_size": np.nan,
            "effect_size_name": "",
            "n": 0,
            "n_excluded": 0,
            "null": "",
            "method": "",
            "reference": "",
            "note": note,
        }
    fields = result if isinstance(result, Mapping) else result.scalars()
    return {
        **base,
        "statistic": float(fields["statistic"]),
        "pvalue": float(fields["pvalue"]),
        "effect_size": float(fields["effect_size"]),
        "effect_size_name": str(fields["effect_size_name"]),
        "n": int(fields["n"]),
        "n_excluded": int(fields["n_excluded"]),
        "null": str(fields["null"]),
        "method": str(fields["method"]),
        "reference": str(fields["reference"]),
        "note": note,
    }


def _run_one(
    election: Election,
    test: BatteryTest,
    group: Any,
    candidate: str,
    rng: np.random.Generator,
    null: str,
    min_stations: int,
) -> dict[str, Any]:
    """One row; ``null`` is the resolved null of this test ("-" for non-digit tests)."""
    if len(election) < min_stations:
        return _row(None, test, group, candidate, f"skipped: {len(election)} stations")
    if test.needs_registered:
        with_reg = int((election.counts("registered") > 0).sum())
        if with_reg < min_stations:
            return _row(
                None, test, group, candidate, f"skipped: {with_reg} stations with registered"
            )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = test.run(election, candidate, rng, null)
        except (ValueError, KeyError, np.linalg.LinAlgError) as exc:
            return _row(None, test, group, candidate, f"not applicable: {exc}")
    notes = sorted({str(w.message) for w in caught})
    if null == "textbook" and test.textbook_caution:
        notes.insert(0, f"caution: {test.textbook_caution}")
    return _row(result, test, group, candidate, " | ".join(notes))


@renamed_parameters(seed="rng")
def battery(
    election: Election,
    *,
    by: str | None = None,
    candidates: Sequence[str] | None = None,
    tests: Sequence[str] | None = None,
    null: str | None = None,
    alpha: float = 0.05,
    min_stations: int = 50,
    rng: int | np.random.Generator | None = None,
    calibration: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run every applicable test on one election (and by group).

    Parameters
    ----------
    election : Election
        The station-level results.
    by : str, optional
        A level (e.g. ``"state"``): run the battery in every group instead of
        nationally. Groups with fewer than ``min_stations`` stations are
        listed with a ``skipped`` note.
    candidates : sequence of str, optional
        Candidates to test; default the two with most votes (the leader
        always included), so that a test can speak to both sides.
    tests : sequence of str, optional
        Names from :data:`TESTS`; default all.
    null : {None, "textbook", "simulated"}
        Digit tests' null. None (default): each test's ``default_null``
        (simulated from the data's own station sizes for the second digit,
        whose textbook law rejects clean elections; textbook for the others).
        ``"textbook"`` or ``"simulated"`` sets every digit test's null.
        Simulated nulls use :data:`N_SIM_NULL` clean elections.
    alpha : float
        Level at which the verdict reads the BH-adjusted p-value.
    min_stations : int
        Fewest stations for a test to run.
    rng : int or numpy.random.Generator, optional
        Randomness for bootstraps and simulated nulls (formerly ``seed=``,
        still accepted with a :class:`DeprecationWarning`).
    calibration : pandas.DataFrame, optional
        The size table the calibration status is read from; default the
        shipped one (:func:`forensics.calibration.calibration_table`).

    Returns
    -------
    pandas.DataFrame
        One row per group, test and candidate: ``level`` (``"national"`` or
        the ``by`` level), ``group``, ``test``, ``family``, ``candidate``,
        ``statistic``, ``pvalue``, ``p_bh``, ``p_holm`` (adjusted over the
        calibrated and conservative rows only; NaN for the others),
        ``effect_size``, ``effect_size_name``, ``n``, ``n_excluded``,
        ``null``, ``method``, ``calibration`` (``calibrated``,
        ``conservative``, ``miscalibrated`` or ``not measured``), ``size``
        (the larger of the two measured sizes) with ``size_low`` and
        ``size_high`` (its Wilson 95 % interval), ``verdict``, ``note``
        (warnings raised, or why a test was skipped) and ``reference``.

    Notes
    -----
    Each test's size on clean elections was measured on simulated clean
    elections with estimated confounders and on the clean controls' own
    regions (:mod:`forensics.calibration`, rule in
    :func:`forensics.calibration.status_from_counts`). Only tests whose size
    is compatible with 0.05 (``calibrated``) or below it (``conservative``)
    form the family that Benjamini–Hochberg and Holm adjust, and only they
    can give a ``signature`` verdict; a miscalibrated test's p-value near 0
    is what clean elections also produce, so it is reported as a
    descriptive statistic with NaN adjusted p-values. With ``by=``, a
    state's row is adjusted for all states and tests. A verdict states a
    statistical signature and what it is compatible with; it never states
    fraud.

    The turnout–share tests take turnout and share as deviations from
    their region's means (fixed effects of the first level with two or more
    groups) with errors clustered in the next level's units (Cameron &
    Miller 2015; heteroskedasticity-robust errors when that level is missing
    or has fewer than :data:`MIN_CLUSTERS` units), and digit pairs use
    counts of at least 100 (for smaller counts the penultimate digit is the
    leading digit, which is not uniform).

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x
    .. [2] Hicken, A., & Mebane, W. R. (2017). A Guide to Elections Forensics.
       USAID DRG Center Research and Innovation Grants Working Paper.
    .. [3] Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to
       cluster-robust inference. Journal of Human Resources 50(2), 317–372.
       doi:10.3368/jhr.50.2.317

    Examples
    --------
    >>> from forensics import toy_election
    >>> e = toy_election(300, rng=0)
    >>> b = battery(e, tests=["last_digit", "integer_percentages"], rng=0)
    >>> b[["test", "candidate", "calibration"]].to_numpy().tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['last_digit', 'A', 'miscalibrated'], ['last_digit', 'B', 'miscalibrated'],
     ['integer_percentages', 'A', 'calibrated'], ['integer_percentages', 'B', 'calibrated']]
    >>> b["verdict"].str.slice(0, 22).tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    ['descriptive only (misc', 'descriptive only (misc', 'no signature at BH-adj',
     'no signature at BH-adj']
    """
    if null not in (None, "default", "textbook", "simulated"):
        raise ValueError(f"null must be None, 'textbook' or 'simulated', got {null!r}")
    chosen = list(TESTS)
    if tests is not None:
        known = {t.name: t for t in TESTS}
        unknown = sorted(set(tests) - set(known))
        if unknown:
            raise ValueError(f"unknown test(s) {unknown}; choose from {sorted(known)}")
        chosen = [known[name] for name in tests]
    candidates = list(candidates) if candidates is not None else _default_candidates(election)
    for c in candidates:
        if c not in election.candidates:
            raise DataError(
                f"unknown candidate {c!r}; the candidates are {list(election.candidates)}"
            )
    rng = np.random.default_rng(rng)
    groups = [("national", election)] if by is None else list(election.by(by))
    status = {t.name: calibration_status(t.name, _null_for(t, null), calibration) for t in chosen}
    rows = []
    for group, sub in groups:
        for test in chosen:
            for candidate in candidates if test.per_candidate else [None]:
                rows.append(
                    _run_one(sub, test, group, candidate, rng, _null_for(test, null), min_stations)
                )
    table = pd.DataFrame(rows)
    cal = table["test"].map(lambda name: status[name].status)
    family = cal.isin(["calibrated", "conservative"]).to_numpy()
    p_family = np.where(family, table["pvalue"].to_numpy(dtype=float), np.nan)
    table.insert(table.columns.get_loc("pvalue") + 1, "p_bh", benjamini_hochberg(p_family))
    table.insert(table.columns.get_loc("p_bh") + 1, "p_holm", holm(p_family))
    by_name = {t.name: t for t in chosen}
    at = table.columns.get_loc("method") + 1
    worst = table["test"].map(lambda name: status[name].worst())
    table.insert(at, "calibration", cal)
    table.insert(at + 1, "size", [w[1] for w in worst])
    table.insert(at + 2, "size_low", [w[2][0] for w in worst])
    table.insert(at + 3, "size_high", [w[2][1] for w in worst])
    table.insert(
        at + 4,
        "verdict",
        [
            verdict(row, alpha, by_name[row["test"]], status[row["test"]])
            for _, row in table.iterrows()
        ],
    )
    table.insert(0, "level", by or "national")
    return table
