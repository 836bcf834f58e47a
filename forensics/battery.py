"""Run every applicable test on one election, with multiple-testing control.

:func:`battery` returns one tidy row per test, candidate (and group): the
statistic, raw, Benjamini–Hochberg and Holm p-values, the effect size, and a
``verdict`` that states only what the test can support. Which hypothesis a
test speaks to is part of its entry in :data:`TESTS`: digit tests speak to
how counts were produced (invented or rounded numbers), turnout–share tests
to ballots added where turnout is high, integer tests to results written
down as round percentages. None of them measures fraud directly.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forensics import digits, spikes, turnout
from forensics.election import Election
from forensics.multitest import benjamini_hochberg, holm
from forensics.results import TestResult

__all__ = ["TESTS", "BatteryTest", "battery", "verdict"]


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
    """

    name: str
    family: str
    run: Callable[..., TestResult]
    per_candidate: bool
    needs_registered: bool
    signature: str
    speaks_to: str
    textbook_caution: str = ""


def _digit(test: Callable[..., TestResult], **fixed: Any) -> Callable[..., TestResult]:
    def run(election: Election, candidate: str, rng: np.random.Generator, null: str):
        kwargs = dict(fixed)
        if null == "simulated":
            kwargs.update(null="simulated", n_sim=199, rng=rng)
        return test(election, column=candidate, **kwargs)

    return run


def _association(election: Election, candidate: str, rng: np.random.Generator, null: str):
    return turnout.turnout_share_association(election, candidate)


def _sobyanin(election: Election, candidate: str, rng: np.random.Generator, null: str):
    r = turnout.turnout_share_association(election, candidate)
    return {
        "statistic": r.ss_slope,
        "pvalue": r.ss_pvalue,
        "effect_size": r.ss_difference,
        "effect_size_name": "slope minus mean share",
        "n": r.n,
        "n_excluded": r.n_excluded,
        "null": "slope = mean share",
        "method": f"Sobyanin–Sukhovolsky regression ({r.ss_variant})",
        "reference": "Sobyanin & Sukhovolsky (1995); Myagkov, Ordeshook & Shakin (2009), "
        "Cambridge University Press, ISBN 978-0-521-74836-0",
    }


def _dip(variable: str):
    def run(election: Election, candidate: str | None, rng: np.random.Generator, null: str):
        r = turnout.shape_tests(election, candidate, n_boot=0, rng=rng)
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
        _digit(digits.digit_pair_test),
        True,
        False,
        "repeated or adjacent last-two-digit pairs are under- or over-represented",
        "human-invented numbers avoid repeats and favour adjacent digits (Beber & Scacco)",
    ),
    BatteryTest(
        "turnout_share_association",
        "turnout",
        _association,
        True,
        True,
        "the candidate's share moves with turnout across stations (Pearson r)",
        "ballots added for the candidate where turnout is high if r > 0; "
        "also differential mobilisation and urban–rural differences",
    ),
    BatteryTest(
        "sobyanin_sukhovolsky",
        "turnout",
        _sobyanin,
        True,
        True,
        "the candidate gains more than their mean share per extra voter",
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


def verdict(row: pd.Series, alpha: float, test: BatteryTest) -> str:
    """A neutral one-line reading of one battery row."""
    p = row["p_bh"]
    if not np.isfinite(p):
        return "not computed"
    if p < alpha:
        return (
            f"signature at BH-adjusted p < {alpha:g}: {test.signature}; "
            f"compatible with {test.speaks_to}"
        )
    return f"no signature at BH-adjusted p < {alpha:g}; does not rule out {test.speaks_to}"


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
        except (ValueError, KeyError) as exc:
            return _row(None, test, group, candidate, f"not applicable: {exc}")
    notes = sorted({str(w.message) for w in caught})
    if null == "textbook" and test.textbook_caution:
        notes.insert(0, f"caution: {test.textbook_caution}")
    return _row(result, test, group, candidate, " | ".join(notes))


def battery(
    election: Election,
    *,
    by: str | None = None,
    candidates: Sequence[str] | None = None,
    tests: Sequence[str] | None = None,
    null: str = "textbook",
    alpha: float = 0.05,
    min_stations: int = 50,
    seed: int | np.random.Generator | None = None,
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
    null : {"textbook", "simulated"}
        Digit tests' null: the textbook digit law (fast), or one simulated
        from the data's own station sizes (:mod:`forensics.simulate`; slower,
        calibrated).
    alpha : float
        Level at which the verdict reads the BH-adjusted p-value.
    min_stations : int
        Fewest stations for a test to run.
    seed : int or numpy.random.Generator, optional
        Randomness for bootstraps and simulated nulls.

    Returns
    -------
    pandas.DataFrame
        One row per group, test and candidate: ``level`` (``"national"`` or
        the ``by`` level), ``group``, ``test``,
        ``family``, ``candidate``, ``statistic``, ``pvalue``, ``p_bh``,
        ``p_holm`` (adjusted over the whole table), ``effect_size``,
        ``effect_size_name``, ``n``, ``n_excluded``, ``null``, ``method``,
        ``verdict``, ``note`` (warnings raised, or why a test was skipped)
        and ``reference``.

    Notes
    -----
    The adjustment treats every row of the table as one family: with
    ``by=``, a state's row is adjusted for all states and tests. A verdict
    states a statistical signature and what it is compatible with; it never
    states fraud.

    References
    ----------
    .. [1] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
       discovery rate. JRSS B 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x
    .. [2] Hicken, A., & Mebane, W. R. (2017). A Guide to Elections Forensics.
       USAID DRG Center Research and Innovation Grants Working Paper.
    """
    if null not in ("textbook", "simulated"):
        raise ValueError(f"null must be 'textbook' or 'simulated', got {null!r}")
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
            raise KeyError(
                f"unknown candidate {c!r}; the candidates are {list(election.candidates)}"
            )
    rng = np.random.default_rng(seed)
    groups = [("national", election)] if by is None else list(election.by(by))
    rows = []
    for group, sub in groups:
        for test in chosen:
            for candidate in candidates if test.per_candidate else [None]:
                rows.append(_run_one(sub, test, group, candidate, rng, null, min_stations))
    table = pd.DataFrame(rows)
    table.insert(table.columns.get_loc("pvalue") + 1, "p_bh", benjamini_hochberg(table["pvalue"]))
    table.insert(table.columns.get_loc("p_bh") + 1, "p_holm", holm(table["pvalue"]))
    by_name = {t.name: t for t in chosen}
    table.insert(
        table.columns.get_loc("method") + 1,
        "verdict",
        [verdict(row, alpha, by_name[row["test"]]) for _, row in table.iterrows()],
    )
    table.insert(0, "level", by or "national")
    return table
