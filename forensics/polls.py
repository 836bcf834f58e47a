"""Pre-election polls against the announced and documented results.

* :func:`read_polls` reads a table of polls (one row per poll, a column
  ``<key>_pct`` per candidate) and joins a pollster classification read by
  :func:`read_pollsters` (independent, government-aligned or unknown, each
  with its basis and source); :func:`read_exit_polls` reads exit polls and
  quick counts.
* :func:`poll_average` pools polls per class of pollster with a
  random-effects (DerSimonian–Laird) or fixed-effect weighted average of the
  margin between two candidates and of each share.
* :func:`source_distances` sets side by side poll averages, exit polls and
  counts, with how many standard errors each lies from the others
  (a :class:`Comparison`).

Every function takes the two candidates' keys (``candidates=("a", "b")``:
columns ``a_pct`` and ``b_pct``, margin ``a - b``); the tables, keys and dates
of one election belong to its case study (:mod:`forensics.cases`).

The shares are as the sources report them: polls give percentages of all
respondents (undecided included), results give percentages of valid votes.
The margin is less affected by that difference than the shares, but it is
not immune; say so when quoting a comparison.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from forensics._compat import renamed_parameters
from forensics.election import DataError

__all__ = [
    "Comparison",
    "classification_sensitivity",
    "count_rows",
    "poll_average",
    "quantities",
    "read_exit_polls",
    "read_polls",
    "read_pollsters",
    "source_distances",
    "two_party",
    "unit_variances",
]

CLASSES = ("independent", "government-aligned", "unknown")
_DUPLICATE = re.compile(r"may duplicate|probably the", re.IGNORECASE)
_ISO = re.compile(r"(20\d\d-\d\d-\d\d)")


def _two(candidates: Sequence[str]) -> tuple[str, str]:
    if isinstance(candidates, str) or len(candidates) != 2:
        raise ValueError(f"candidates must name two candidate keys, got {candidates!r}")
    a, b = candidates
    if a == b or "margin" in (a, b):
        raise ValueError(
            f"candidates must be two distinct keys other than 'margin', got {a!r}, {b!r}"
        )
    return str(a), str(b)


def quantities(candidates: Sequence[str]) -> tuple[str, str, str]:
    """The quantities reported for two candidates: their keys and ``"margin"``.

    Parameters
    ----------
    candidates : sequence of two str
        The two candidates' keys; the margin is the first minus the second.

    Returns
    -------
    tuple of str
        ``(A, B, "margin")``.

    Raises
    ------
    ValueError
        Unless two distinct keys other than ``"margin"`` are given.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. ISBN 978-0-471-48900-9
       (shares and their difference as the quantities of a poll).

    Examples
    --------
    >>> quantities(("a", "b"))
    ('a', 'b', 'margin')
    """
    a, b = _two(candidates)
    return a, b, "margin"


def _read_table(path: str | Path, need: Sequence[str], table: str) -> pd.DataFrame:
    """A CSV as text, with the columns ``need`` checked."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p} does not exist")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"{table} table: missing column(s) {missing}")
    return df


def read_pollsters(path: str | Path) -> pd.DataFrame:
    """Read a pollster classification table.

    Parameters
    ----------
    path : path-like
        A CSV with columns ``pollster``, ``class`` (one of ``independent``,
        ``government-aligned``, ``unknown``), ``basis`` and ``source``.

    Returns
    -------
    pandas.DataFrame
        The table as text.

    Raises
    ------
    forensics.DataError
        A column is missing, a class is unknown (the rows are named) or a
        pollster is listed twice.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. ISBN 978-0-471-48900-9
       (house effects: why the source of a poll is recorded with it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pollsters.csv"
    >>> _ = path.write_text("pollster,class,basis,source\\nP1,independent,record,url\\n"
    ...                     "P2,government-aligned,state contract,url\\n")
    >>> read_pollsters(path)[["pollster", "class"]].to_numpy().tolist()
    [['P1', 'independent'], ['P2', 'government-aligned']]
    """
    df = _read_table(path, ["pollster", "class", "basis", "source"], "pollsters")
    bad = ~df["class"].isin(CLASSES)
    if bad.any():
        raise DataError(
            f"pollsters table: class must be one of {CLASSES}; "
            f"rows {np.flatnonzero(bad).tolist()} have {df.loc[bad, 'class'].tolist()}"
        )
    if df["pollster"].duplicated().any():
        raise DataError(
            f"pollsters table: duplicate pollster(s) "
            f"{df.loc[df['pollster'].duplicated(), 'pollster'].tolist()}"
        )
    return df


def _to_float(df: pd.DataFrame, columns: Sequence[str], table: str) -> pd.DataFrame:
    """Text columns to float in place (empty cells become NaN, anything else must parse)."""
    for col in columns:
        text = df[col].astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & (text != "")
        if bad.any():
            raise DataError(
                f"{table}: non-numeric value(s) in column {col!r}: "
                f"{text[bad].tolist()[:5]} (rows {np.flatnonzero(bad).tolist()[:5]})"
            )
        df[col] = values.astype(float)
    return df


def _to_dates(text: pd.Series, table: str, column: str) -> pd.Series:
    """ISO dates from text; empty cells become NaT, anything else must parse."""
    text = text.astype(str).str.strip()
    dates = pd.to_datetime(text.where(text != ""), errors="coerce", format="ISO8601")
    bad = dates.isna() & (text != "")
    if bad.any():
        raise DataError(
            f"{table}: value(s) in column {column!r} are not ISO dates: "
            f"{text[bad].tolist()[:5]} (rows {np.flatnonzero(bad).tolist()[:5]})"
        )
    return dates


def _classify(df: pd.DataFrame, pollsters: pd.DataFrame | None) -> pd.DataFrame:
    if pollsters is None:
        df["class"] = "unknown"
        df["class_basis"] = "not in the classification"
        return df
    lookup = pollsters.set_index("pollster")
    df["class"] = df["pollster"].map(lookup["class"]).fillna("unknown")
    df["class_basis"] = df["pollster"].map(lookup["basis"]).fillna("not in the classification")
    return df


def read_polls(
    path: str | Path,
    *,
    candidates: Sequence[str],
    pollsters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read a table of pre-election polls with the pollster classification joined.

    Parameters
    ----------
    path : path-like
        A CSV with one row per poll: ``pollster``, ``fieldwork_start``,
        ``fieldwork_end`` (ISO dates or empty), ``sample_size``, ``<key>_pct``
        for each of the two candidates, ``other_pct``, ``undecided_pct``,
        ``source`` and ``notes``.
    candidates : sequence of two str
        The two candidates' keys, e.g. ``("a", "b")`` for columns ``a_pct``
        and ``b_pct``; the margin is the first minus the second.
    pollsters : pandas.DataFrame, optional
        A classification table like :func:`read_pollsters`. Pollsters absent
        from it, and all pollsters when it is not given, are ``unknown``.

    Returns
    -------
    pandas.DataFrame
        The table's columns (percentages and ``sample_size`` as float, dates
        as datetime) plus ``margin`` (first minus second candidate, points),
        ``date`` (fieldwork end, else start, else the first ISO date in
        ``notes``, e.g. the publication date), ``date_source`` (``fieldwork``,
        ``notes`` or ``missing``), ``possible_duplicate`` (the notes say the
        row may repeat a dated row), ``class`` and ``class_basis``.

    Raises
    ------
    forensics.DataError
        A column is missing, or a number or a date does not parse (the
        values and rows are named).

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. ISBN 978-0-471-48900-9.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "polls.csv"
    >>> _ = path.write_text(
    ...     "pollster,fieldwork_start,fieldwork_end,sample_size,a_pct,b_pct,other_pct,"
    ...     "undecided_pct,source,notes\\n"
    ...     "P1,2024-06-01,2024-06-05,1000,55,35,2,8,url,\\n"
    ...     "P2,,,,40,50,,10,url,published 2024-06-20\\n")
    >>> polls = read_polls(path, candidates=("a", "b"))
    >>> polls[["pollster", "margin", "date_source", "class"]].to_numpy().tolist()
    [['P1', 20.0, 'fieldwork', 'unknown'], ['P2', -10.0, 'notes', 'unknown']]
    >>> str(polls["date"].iloc[1].date())
    '2024-06-20'
    """
    a, b = _two(candidates)
    need = ["pollster", "fieldwork_start", "fieldwork_end", "sample_size", f"{b}_pct"]
    need += [f"{a}_pct", "other_pct", "undecided_pct", "source", "notes"]
    df = _read_table(path, need, "polls")
    _to_float(df, ["sample_size", f"{b}_pct", f"{a}_pct", "other_pct", "undecided_pct"], "polls")
    for col in ("fieldwork_start", "fieldwork_end"):
        df[col] = _to_dates(df[col], "polls", col)
    df["margin"] = df[f"{a}_pct"] - df[f"{b}_pct"]
    from_notes = pd.to_datetime(df["notes"].str.extract(_ISO)[0], errors="coerce")
    date = df["fieldwork_end"].fillna(df["fieldwork_start"])
    df["date_source"] = np.where(
        date.notna(), "fieldwork", np.where(from_notes.notna(), "notes", "missing")
    )
    df["date"] = date.fillna(from_notes)
    df["possible_duplicate"] = df["notes"].str.contains(_DUPLICATE)
    return _classify(df, pollsters)


def read_exit_polls(
    path: str | Path,
    *,
    candidates: Sequence[str],
    pollsters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read a table of exit polls and quick counts with the classification joined.

    Parameters
    ----------
    path : path-like
        A CSV with ``type``, ``pollster``, ``sample_size``,
        ``polling_stations``, ``<key>_pct`` for each of the two candidates
        and ``other_pct``.
    candidates : sequence of two str
        The two candidates' keys (see :func:`read_polls`).
    pollsters : pandas.DataFrame, optional
        A classification table like :func:`read_pollsters`.

    Returns
    -------
    pandas.DataFrame
        Qualified cells (``<14``, ``8 (name)``) of the shares and of
        ``polling_stations`` become NaN in the numeric column and are kept
        verbatim in ``<column>_as_published``; ``n`` is the sample size
        where it is a plain number of voters (``sample_size`` keeps the text
        as published); ``margin`` is the first minus the second candidate.

    Raises
    ------
    forensics.DataError
        A column is missing.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. ISBN 978-0-471-48900-9.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "exit.csv"
    >>> _ = path.write_text(
    ...     "type,pollster,sample_size,polling_stations,a_pct,b_pct,other_pct\\n"
    ...     "exit_poll,E1,2000,100,60,35,5\\nexit_poll,E2,,,58,<14,\\n")
    >>> ex = read_exit_polls(path, candidates=("a", "b"))
    >>> ex[["pollster", "n", "margin", "b_pct_as_published"]].to_numpy().tolist()
    [['E1', 2000.0, 25.0, '35'], ['E2', nan, nan, '<14']]
    """
    a, b = _two(candidates)
    need = ["type", "pollster", "sample_size", "polling_stations", f"{a}_pct", f"{b}_pct"]
    df = _read_table(path, [*need, "other_pct"], "exit polls")
    for col in (f"{b}_pct", f"{a}_pct", "other_pct"):
        df[f"{col}_as_published"] = df[col]
        df[col] = pd.to_numeric(df[col].str.strip(), errors="coerce")
    df["n"] = pd.to_numeric(df["sample_size"].str.strip(), errors="coerce")
    df["polling_stations_as_published"] = df["polling_stations"]
    df["polling_stations"] = pd.to_numeric(df["polling_stations"].str.strip(), errors="coerce")
    df["margin"] = df[f"{a}_pct"] - df[f"{b}_pct"]
    return _classify(df, pollsters)


def _dersimonian_laird(y: np.ndarray, v: np.ndarray, random: bool) -> dict[str, float]:
    """Pool ``y`` with within-study variances ``v`` (statsmodels ``combine_effects``).

    The DerSimonian–Laird ``tau^2`` is truncated at 0 (statsmodels leaves it
    negative when ``Q < k - 1``); the random-effects estimate then equals the
    fixed-effect one. One poll: no heterogeneity, ``tau^2 = Q = I^2 = 0``.
    """
    from statsmodels.stats.meta_analysis import combine_effects

    k = len(y)
    if k == 1:
        return {
            "estimate": float(y[0]),
            "se": float(math.sqrt(v[0])),
            "tau2": 0.0,
            "Q": 0.0,
            "I2": 0.0,
        }
    # statsmodels also derives I^2 = 1 - (k - 1)/Q and the HKSJ scales, which divide by
    # zero or take roots of negatives when Q = 0 or the raw tau^2 < 0: those are unused here
    with np.errstate(divide="ignore", invalid="ignore"):
        res = combine_effects(np.asarray(y, float), np.asarray(v, float), method_re="dl")
    q = max(0.0, float(res.q))
    tau2 = max(0.0, float(res.tau2)) if random else 0.0
    if tau2 > 0:
        mu, se = float(res.mean_effect_re), float(res.sd_eff_w_re)
    else:
        mu, se = float(res.mean_effect_fe), float(res.sd_eff_w_fe)
    i2 = max(0.0, float(res.i2)) if q > 0 else 0.0
    return {"estimate": mu, "se": se, "tau2": tau2, "Q": q, "I2": i2}


def unit_variances(p_a, p_b, *, candidates: Sequence[str]) -> dict[str, np.ndarray]:
    """Variance of one respondent's answer for two shares and their margin.

    Parameters
    ----------
    p_a, p_b : float or array_like
        The two candidates' shares, as proportions (0 to 1).
    candidates : sequence of two str
        The two candidates' keys (the keys of the result).

    Returns
    -------
    dict
        ``{A: p_a (1 - p_a), B: p_b (1 - p_b), "margin": p_a + p_b - (p_a - p_b)^2}``:
        divided by the sample size (and multiplied by a design effect) they
        are the sampling variances of the shares and of the margin
        ``p_a - p_b`` of a multinomial sample.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. ISBN 978-0-471-48900-9.

    Examples
    --------
    >>> v = unit_variances(0.5, 0.3, candidates=("a", "b"))
    >>> {k: round(float(x), 4) for k, x in v.items()}
    {'a': 0.25, 'b': 0.21, 'margin': 0.76}
    """
    a, b = _two(candidates)
    p_a, p_b = np.asarray(p_a, dtype=float), np.asarray(p_b, dtype=float)
    return {
        a: p_a * (1 - p_a),
        b: p_b * (1 - p_b),
        "margin": p_a + p_b - (p_a - p_b) ** 2,
    }


@renamed_parameters(confidence="confidence_level")
def poll_average(
    polls: pd.DataFrame,
    *,
    candidates: Sequence[str],
    method: str = "random-effects",
    window: int | None = None,
    design_effect: float = 1.5,
    default_n: float | None = None,
    drop_possible_duplicates: bool = True,
    election_day: str | None = None,
    by: str = "class",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Weighted average of polls per class of pollster, with honest uncertainty.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`read_polls` (columns ``<key>_pct`` of both
        candidates, ``sample_size``, ``date``, ``possible_duplicate`` and
        ``by``).
    candidates : sequence of two str
        The two candidates' keys; the margin is the first minus the second.
    method : {"random-effects", "fixed-effect"}
        DerSimonian–Laird random effects (default) or inverse-variance fixed
        effect.
    window : int, optional
        Keep polls dated within ``window`` days before ``election_day``.
        Undated polls are then excluded (counted). Default: all polls.
    design_effect : float
        Multiplies the simple-random-sampling variance (>= 1; 1.5 by
        default, a typical value for clustered face-to-face samples).
    default_n : float, optional
        Sample size assumed where the source gives none. Default: the
        median of the stated sample sizes of all polls passed.
    drop_possible_duplicates : bool
        Drop rows whose notes say they may repeat a dated row (default).
    election_day : str, optional
        ISO date the window counts back from (required with ``window``).
    by : str
        Column to group by (default the pollster class).
    confidence_level : float
        Confidence level of the normal intervals (formerly ``confidence``).

    Returns
    -------
    pandas.DataFrame
        One row per group and quantity (the two keys and ``margin``, in
        percentage points): ``estimate``, ``se``, ``lower``, ``upper``,
        ``tau2`` (between-poll variance), ``Q``, ``I2``, ``k`` (polls
        pooled), ``n_default`` (polls given ``default_n``), ``n_undated``
        (undated polls excluded by the window), ``n_duplicates`` (dropped as
        possible duplicates), ``method``, ``design_effect``.

    Notes
    -----
    Within-poll variance of a share ``p`` (a proportion) with sample size
    ``n`` and design effect ``d``: ``d p (1 - p) / n``; of the margin
    ``p_A - p_B`` (multinomial): ``d (p_A + p_B - (p_A - p_B)^2) / n``. The
    DerSimonian–Laird estimate of the between-poll variance is
    ``tau^2 = max(0, (Q - (k - 1)) / (sum w - sum w^2 / sum w))`` with
    ``w = 1/v`` and Cochran's ``Q``; the pooled estimate weights each poll by
    ``1 / (v + tau^2)`` and has standard error ``(sum 1/(v + tau^2))^(-1/2)``
    (computed by :func:`statsmodels.stats.meta_analysis.combine_effects`
    with ``method_re="dl"``, ``tau^2`` truncated at 0). With one poll, ``tau^2 = 0`` and only sampling error remains. Between-
    poll heterogeneity (house effects, question wording, timing) usually
    dominates, so the random-effects interval is the honest one; the
    fixed-effect interval describes sampling error alone.

    The average speaks to what the polls of each class said, not to the
    result: polls measure stated intention among respondents, weighted by
    each firm's own methods, and all of them share the risk of non-response
    where answering is risky.

    References
    ----------
    .. [1] DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical
       trials. Controlled Clinical Trials 7(3), 177-188.
       doi:10.1016/0197-2456(86)90046-2
    .. [2] Kish, L. (1965). Survey Sampling. Wiley (design effect).
       ISBN 978-0-471-48900-9.

    Examples
    --------
    Three polls of one class; the margin is ``a - b`` in points:

    >>> polls = pd.DataFrame({"a_pct": [50.0, 60.0, 55.0], "b_pct": [30.0, 20.0, 25.0],
    ...                       "sample_size": [1000.0, 1000.0, 500.0],
    ...                       "class": ["independent"] * 3})
    >>> avg = poll_average(polls, candidates=("a", "b"), design_effect=1.0)
    >>> m = avg.set_index("quantity").loc["margin"]
    >>> round(float(m["estimate"]), 2), round(float(m["se"]), 2), int(m["k"])
    (30.03, 6.48, 3)
    """
    if method not in ("random-effects", "fixed-effect"):
        raise ValueError(f"method must be 'random-effects' or 'fixed-effect', got {method!r}")
    if not design_effect >= 1:
        raise ValueError(f"design_effect must be >= 1, got {design_effect}")
    if not 0 < confidence_level < 1:
        raise ValueError(f"confidence_level must be in (0, 1), got {confidence_level}")
    a, b = _two(candidates)
    need = [f"{a}_pct", f"{b}_pct", "sample_size", by]
    missing = [c for c in need if c not in polls.columns]
    if missing:
        raise DataError(f"polls: missing column(s) {missing}; see read_polls")
    if window is not None and election_day is None:
        raise ValueError("window= needs election_day= (the ISO date the window counts back from)")
    df = polls.copy()
    n_dup = pd.Series(0, index=df.index)
    if drop_possible_duplicates and "possible_duplicate" in df.columns:
        n_dup = df["possible_duplicate"].fillna(False).astype(bool)
    if default_n is None:
        known = df["sample_size"].dropna()
        default_n = float(known.median()) if len(known) else 1000.0
    if not default_n > 0:
        raise ValueError(f"default_n must be positive, got {default_n}")
    undated = pd.Series(False, index=df.index)
    in_window = pd.Series(True, index=df.index)
    if window is not None:
        if "date" not in df.columns:
            raise DataError("polls: window= needs a 'date' column")
        end = pd.Timestamp(election_day)
        undated = df["date"].isna()
        in_window = ~undated & (df["date"] >= end - pd.Timedelta(days=int(window)))
        in_window &= df["date"] <= end
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    rows = []
    for group, sub in df.groupby(by, sort=True):
        dup = n_dup.loc[sub.index].astype(bool)
        use = sub[~dup & in_window.loc[sub.index]]
        n_undated = int((undated.loc[sub.index] & ~dup).sum())
        if use.empty:
            continue
        n = use["sample_size"].fillna(default_n).to_numpy(float)
        pa = use[f"{a}_pct"].to_numpy(float) / 100
        pb = use[f"{b}_pct"].to_numpy(float) / 100
        var1 = unit_variances(pa, pb, candidates=(a, b))
        series = {a: pa, b: pb, "margin": pa - pb}
        for quantity, y in series.items():
            v = design_effect * np.maximum(var1[quantity], 1e-12) / n
            res = _dersimonian_laird(y, v, method == "random-effects")
            rows.append(
                {
                    by: group,
                    "quantity": quantity,
                    "estimate": 100 * res["estimate"],
                    "se": 100 * res["se"],
                    "lower": 100 * (res["estimate"] - z * res["se"]),
                    "upper": 100 * (res["estimate"] + z * res["se"]),
                    "tau2": 1e4 * res["tau2"],
                    "Q": res["Q"],
                    "I2": res["I2"],
                    "k": len(use),
                    "n_default": int(use["sample_size"].isna().sum()),
                    "n_undated": n_undated if window is not None else 0,
                    "n_duplicates": int(dup.sum()),
                    "method": method,
                    "design_effect": float(design_effect),
                    "default_n": float(default_n),
                }
            )
    return pd.DataFrame(rows)


def two_party(polls: pd.DataFrame, *, candidates: Sequence[str]) -> pd.DataFrame:
    """Rescale each poll to the two leading candidates: A + B = 100.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`read_polls` (``<key>_pct`` of both candidates,
        ``sample_size``).
    candidates : sequence of two str
        The two candidates' keys ``(A, B)``.

    Returns
    -------
    pandas.DataFrame
        A copy with ``A_pct`` and ``B_pct`` replaced by their two-party
        shares ``100 A / (A + B)`` and ``100 B / (A + B)``, ``sample_size``
        replaced by the respondents who chose one of the two
        (``n (A + B) / 100``; missing stays missing) and ``margin`` by the
        two-party margin.

    Notes
    -----
    Polls report shares of all respondents (undecided, other candidates and
    no answer included); results report shares of valid votes. Restricting
    both to the two leading candidates puts them on one footing, under the
    assumption that the undecided split like the decided. Passed to
    :func:`poll_average`, the average is then of the two-party shares among
    decided respondents, comparable with ``A / (A + B)`` of a count.

    References
    ----------
    .. [1] Kish, L. (1965). Survey Sampling. Wiley. ISBN 978-0-471-48900-9
       (the sample of the decided, ``n (A + B) / 100``).

    Examples
    --------
    >>> polls = pd.DataFrame({"a_pct": [45.0], "b_pct": [30.0], "sample_size": [1000.0]})
    >>> two_party(polls, candidates=("a", "b"))[["a_pct", "b_pct", "sample_size", "margin"]]
       a_pct  b_pct  sample_size  margin
    0   60.0   40.0        750.0    20.0
    """
    a, b = _two(candidates)
    need = [f"{a}_pct", f"{b}_pct", "sample_size"]
    missing = [c for c in need if c not in polls.columns]
    if missing:
        raise DataError(f"polls: missing column(s) {missing}; see read_polls")
    out = polls.copy()
    both = out[f"{a}_pct"] + out[f"{b}_pct"]
    if not (both > 0).all():
        raise DataError(
            f"polls: rows {np.flatnonzero(~(both > 0)).tolist()} have no share for either candidate"
        )
    out[f"{a}_pct"] = 100 * polls[f"{a}_pct"] / both
    out[f"{b}_pct"] = 100 * polls[f"{b}_pct"] / both
    out["sample_size"] = polls["sample_size"] * both / 100
    out["margin"] = out[f"{a}_pct"] - out[f"{b}_pct"]
    return out


def classification_sensitivity(
    polls: pd.DataFrame,
    *,
    candidates: Sequence[str],
    move: str = "unknown",
    to: Sequence[str] = ("government-aligned", "independent"),
    quantity: str = "margin",
    **kwargs,
) -> pd.DataFrame:
    """How the class averages move when pollsters of one class are reclassified.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`read_polls` (columns ``pollster`` and ``class``).
    candidates : sequence of two str
        The two candidates' keys (see :func:`poll_average`).
    move : str
        The class whose pollsters are moved (default ``"unknown"``).
    to : sequence of str
        The classes they are moved to, one scenario each.
    quantity : str
        The quantity reported: ``"margin"`` or one of the two keys.
    **kwargs
        Passed to :func:`poll_average` (e.g. ``method``, ``window``).

    Returns
    -------
    pandas.DataFrame
        One row per scenario and target class: ``scenario`` (``as
        classified``; ``all <move> -> <class>``; ``<pollster> -> <class>``
        for each pollster of ``move`` with polls), ``class``, ``estimate``,
        ``se``, ``lower``, ``upper``, ``tau2``, ``k``.

    Notes
    -----
    The classification is a judgement with a stated basis per pollster
    (see :func:`read_pollsters`). This function shows what rides on it: each
    pollster of the class ``move`` is moved, alone and then all together,
    into each class of ``to``, and :func:`poll_average` is recomputed for
    the classes of ``to``. The results themselves are never a basis for
    the classification; this is a sensitivity analysis, not a fit.

    References
    ----------
    .. [1] DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical
       trials. Controlled Clinical Trials 7(3), 177-188.
       doi:10.1016/0197-2456(86)90046-2

    Examples
    --------
    >>> polls = pd.DataFrame({"pollster": ["P1", "P2", "P3"], "a_pct": [60.0, 40.0, 55.0],
    ...                       "b_pct": [30.0, 50.0, 35.0], "sample_size": [1000.0] * 3,
    ...                       "class": ["independent", "government-aligned", "unknown"]})
    >>> sens = classification_sensitivity(polls, candidates=("a", "b"), to=["independent"])
    >>> sens[["scenario", "class", "estimate", "k"]].round(1).to_numpy().tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['as classified', 'independent', 30.0, 1],
     ['all unknown -> independent', 'independent', 25.0, 2],
     ['P3 -> independent', 'independent', 25.0, 2]]
    """
    allowed = quantities(candidates)
    if quantity not in allowed:
        raise ValueError(f"quantity must be one of {allowed}, got {quantity!r}")
    for col in ("pollster", "class"):
        if col not in polls.columns:
            raise DataError(f"polls: missing column {col!r}; see read_polls")
    names = sorted(polls.loc[polls["class"] == move, "pollster"].unique())
    if not names:
        raise ValueError(f"no pollster of class {move!r} in the polls")
    targets = list(to)
    scenarios: list[tuple[str, pd.DataFrame]] = [("as classified", polls)]
    for target in targets:
        moved = polls.copy()
        moved.loc[moved["class"] == move, "class"] = target
        scenarios.append((f"all {move} -> {target}", moved))
        for name in names:
            one = polls.copy()
            one.loc[one["pollster"] == name, "class"] = target
            scenarios.append((f"{name} -> {target}", one))
    rows = []
    for label, df in scenarios:
        avg = poll_average(df, candidates=candidates, **kwargs)
        avg = avg[(avg["quantity"] == quantity) & avg["class"].isin(targets)]
        for _, r in avg.iterrows():
            rows.append(
                {
                    "scenario": label,
                    "class": r["class"],
                    "estimate": r["estimate"],
                    "se": r["se"],
                    "lower": r["lower"],
                    "upper": r["upper"],
                    "tau2": r["tau2"],
                    "k": int(r["k"]),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Comparison:
    """Sources side by side: the result of :func:`source_distances`.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy: one row per source and quantity (the two candidates' keys and
        ``margin``, percentage points) with ``kind``, ``estimate``, ``se``
        (0 for counts, NaN where unknown), ``lower``, ``upper``, ``n`` and
        ``note``.
    distances : pandas.DataFrame
        One row per quantity and ordered pair of sources: ``difference``
        (a minus b), ``se`` (``sqrt(se_a^2 + se_b^2)``) and ``z`` (NaN when
        both are exact counts or either se is unknown).
    """

    table: pd.DataFrame
    distances: pd.DataFrame

    def wide(self, value: str = "estimate") -> pd.DataFrame:
        """Sources as rows, quantities as columns."""
        return self.table.pivot(index="source", columns="quantity", values=value).reindex(
            self.table["source"].unique()
        )

    def z(self, quantity: str = "margin") -> pd.DataFrame:
        """Square matrix of z distances for one quantity."""
        d = self.distances[self.distances["quantity"] == quantity]
        order = self.table["source"].unique()
        return d.pivot(index="source_a", columns="source_b", values="z").reindex(
            index=order, columns=order
        )


def count_rows(
    source: str,
    kind: str,
    counts: Mapping[str, float],
    *,
    candidates: Sequence[str],
    valid: float,
    note: str = "",
) -> pd.DataFrame:
    """Rows of a complete count for :func:`source_distances`: shares of valid votes.

    Parameters
    ----------
    source, kind : str
        Labels of the count (e.g. ``"announced"``, ``"actas"``).
    counts : mapping
        Votes of each of the two candidates, by key.
    candidates : sequence of two str
        The two keys ``(A, B)``; the margin is ``A - B``.
    valid : float
        Valid votes, the denominator.
    note : str
        Kept in the ``note`` column.

    Returns
    -------
    pandas.DataFrame
        Three rows (``A``, ``B``, ``margin``) with ``se = 0`` (a count is not
        a sample) and ``lower = upper = estimate``.

    Raises
    ------
    forensics.DataError
        If ``counts`` lacks a candidate's key.

    References
    ----------
    .. [1] DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical
       trials. Controlled Clinical Trials 7(3), 177-188.
       doi:10.1016/0197-2456(86)90046-2 (a complete count enters the
       comparison with no sampling variance).

    Examples
    --------
    >>> count_rows("x", "announced", {"a": 60, "b": 30}, candidates=("a", "b"), valid=100)[
    ...     ["quantity", "estimate"]].to_numpy().tolist()
    [['a', 60.0], ['b', 30.0], ['margin', 30.0]]
    """
    a, b = _two(candidates)
    absent = [k for k in (a, b) if k not in counts]
    if absent:
        raise DataError(f"counts of {source!r}: no entry for {absent}; keys {list(counts)}")
    va, vb = float(counts[a]), float(counts[b])
    rows = []
    for q, val in ((a, va), (b, vb), ("margin", va - vb)):
        est = 100 * val / float(valid)
        rows.append((source, kind, q, est, 0.0, est, est, float(valid), note))
    return pd.DataFrame(rows, columns=list(_TABLE_COLUMNS))


_TABLE_COLUMNS = ("source", "kind", "quantity", "estimate", "se", "lower", "upper", "n", "note")


def source_distances(table: pd.DataFrame, quantities: Sequence[str] | None = None) -> Comparison:
    """Pairwise distances between sources, in standard errors.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy, one row per source and quantity: ``source``, ``kind``,
        ``quantity``, ``estimate``, ``se`` (0 for a complete count, NaN
        where unknown), ``lower``, ``upper``, ``n`` and ``note`` (e.g. rows
        of :func:`poll_average` and :func:`count_rows`).
    quantities : sequence of str, optional
        Quantities compared, in order. Default: those of ``table``, in order
        of appearance.

    Returns
    -------
    Comparison
        ``table`` as given; ``distances`` has one row per quantity and
        ordered pair of sources: ``difference`` (a minus b), ``se``
        (``sqrt(se_a^2 + se_b^2)``) and ``z`` (NaN when both are exact counts
        or either se is unknown).

    Notes
    -----
    Counts are complete tallies of what they cover, not samples: their
    distance to a poll average is in units of the poll's standard error;
    between two counts no standard error exists and ``z`` is NaN (the
    difference itself is reported). Poll shares are of all respondents,
    count shares of valid votes (see the module docstring).

    References
    ----------
    .. [1] DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical
       trials. Controlled Clinical Trials 7(3), 177-188.
       doi:10.1016/0197-2456(86)90046-2

    Examples
    --------
    A poll average of 20 ± 5 points against a count of 30:

    >>> poll = pd.DataFrame([("poll", "poll average", "margin", 20.0, 5.0, 10.2, 29.8,
    ...                       3.0, "")], columns=list(_TABLE_COLUMNS))
    >>> count = count_rows("count", "announced", {"a": 60, "b": 30}, candidates=("a", "b"),
    ...                    valid=100)
    >>> comp = source_distances(pd.concat([poll, count]), ["margin"])
    >>> comp.distances[["source_a", "source_b", "difference", "z"]].to_numpy().tolist()
    [['poll', 'count', -10.0, -2.0], ['count', 'poll', 10.0, 2.0]]
    """
    missing = [c for c in _TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"comparison table: missing column(s) {missing}")
    qs = list(table["quantity"].unique()) if quantities is None else list(quantities)
    dist = []
    for q in qs:
        sub = table[table["quantity"] == q]
        for _, a in sub.iterrows():
            for _, b in sub.iterrows():
                if a["source"] == b["source"]:
                    continue
                se = math.sqrt(a["se"] ** 2 + b["se"] ** 2)
                diff = a["estimate"] - b["estimate"]
                zval = diff / se if (np.isfinite(se) and se > 0) else math.nan
                dist.append((q, a["source"], b["source"], diff, se, zval))
    distances = pd.DataFrame(
        dist, columns=["quantity", "source_a", "source_b", "difference", "se", "z"]
    )
    return Comparison(table=table, distances=distances)
