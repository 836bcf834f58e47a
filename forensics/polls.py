"""Pre-election polls against the announced and documented results.

* :func:`load_polls` reads ``data/polls_2024.csv`` and joins the pollster
  classification ``data/pollsters.csv`` (independent, government-aligned or
  unknown, each with its basis and source).
* :func:`poll_average` pools polls per class of pollster with a
  random-effects (DerSimonian–Laird) or fixed-effect weighted average of the
  González–Maduro margin and of each share.
* :func:`compare` sets side by side the poll averages, the exit polls, the
  opposition's acta totals and their QR decoding, and the CNE's bulletins,
  with how many standard errors each lies from the others.

The shares are as the sources report them: polls give percentages of all
respondents (undecided included), results give percentages of valid votes.
The margin is less affected by that difference than the shares, but it is
not immune; say so when quoting a comparison.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from forensics.bulletins import bulletin_counts, data_file, load_bulletins
from forensics.election import DataError, Election

__all__ = [
    "Comparison",
    "classification_sensitivity",
    "compare",
    "load_exit_polls",
    "load_polls",
    "load_pollsters",
    "poll_average",
    "two_party",
]

#: Election day of the 2024 Venezuelan presidential election.
ELECTION_DAY = "2024-07-28"
QUANTITIES = ("gonzalez", "maduro", "margin")
CLASSES = ("independent", "government-aligned", "unknown")
_DUPLICATE = re.compile(r"may duplicate|probably the", re.IGNORECASE)
_ISO = re.compile(r"(20\d\d-\d\d-\d\d)")


def load_pollsters(path: str | Path | None = None) -> pd.DataFrame:
    """Read the pollster classification ``data/pollsters.csv``.

    Columns ``pollster``, ``class`` (one of ``independent``,
    ``government-aligned``, ``unknown``), ``basis`` and ``source``.
    """
    df = pd.read_csv(data_file("pollsters.csv", path), dtype=str, keep_default_na=False)
    need = ["pollster", "class", "basis", "source"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"pollsters table: missing column(s) {missing}")
    bad = ~df["class"].isin(CLASSES)
    if bad.any():
        raise DataError(
            f"pollsters table: class must be one of {CLASSES}; rows {list(np.flatnonzero(bad))} "
            f"have {df.loc[bad, 'class'].tolist()}"
        )
    if df["pollster"].duplicated().any():
        raise DataError(
            f"pollsters table: duplicate pollster(s) "
            f"{df.loc[df['pollster'].duplicated(), 'pollster'].tolist()}"
        )
    return df


def _to_float(df: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    for col in columns:
        text = df[col].astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & (text != "")
        if bad.any():
            raise DataError(
                f"{table}: non-numeric value(s) in column {col!r}: {text[bad].tolist()[:5]}"
            )
        df[col] = values.astype(float)


def _classify(df: pd.DataFrame, pollsters: pd.DataFrame | None) -> pd.DataFrame:
    cls = load_pollsters() if pollsters is None else pollsters
    lookup = cls.set_index("pollster")
    df["class"] = df["pollster"].map(lookup["class"]).fillna("unknown")
    df["class_basis"] = df["pollster"].map(lookup["basis"]).fillna("not in the classification")
    return df


def load_polls(
    path: str | Path | None = None, *, pollsters: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read the pre-election polls with the pollster classification joined.

    Parameters
    ----------
    path : path-like, optional
        Default: ``data/polls_2024.csv`` next to the package.
    pollsters : pandas.DataFrame, optional
        A classification table like :func:`load_pollsters` (default: the
        shipped one). Pollsters absent from it are ``unknown``.

    Returns
    -------
    pandas.DataFrame
        The table's columns (percentages and ``sample_size`` as float, dates
        as datetime) plus ``margin`` (González minus Maduro, points),
        ``date`` (fieldwork end, else start, else the first ISO date in
        ``notes``, e.g. the publication date), ``date_source`` (``fieldwork``,
        ``notes`` or ``missing``), ``possible_duplicate`` (the notes say the
        row may repeat a dated row), ``class`` and ``class_basis``.
    """
    df = pd.read_csv(data_file("polls_2024.csv", path), dtype=str, keep_default_na=False)
    need = ["pollster", "fieldwork_start", "fieldwork_end", "sample_size", "maduro_pct"]
    need += ["gonzalez_pct", "other_pct", "undecided_pct", "source", "notes"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"polls table: missing column(s) {missing}")
    _to_float(
        df, ["sample_size", "maduro_pct", "gonzalez_pct", "other_pct", "undecided_pct"], "polls"
    )
    for col in ("fieldwork_start", "fieldwork_end"):
        df[col] = pd.to_datetime(df[col].replace("", None), errors="raise")
    df["margin"] = df["gonzalez_pct"] - df["maduro_pct"]
    from_notes = pd.to_datetime(df["notes"].str.extract(_ISO)[0], errors="coerce")
    date = df["fieldwork_end"].fillna(df["fieldwork_start"])
    df["date_source"] = np.where(
        date.notna(), "fieldwork", np.where(from_notes.notna(), "notes", "missing")
    )
    df["date"] = date.fillna(from_notes)
    df["possible_duplicate"] = df["notes"].str.contains(_DUPLICATE)
    return _classify(df, pollsters)


def load_exit_polls(
    path: str | Path | None = None, *, pollsters: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read ``data/exit_polls_2024.csv`` with the classification joined.

    Qualified cells (``<14``, ``8 (Ecarri)``) become NaN in the numeric
    column and are kept verbatim in ``<column>_as_published``; ``n`` is the
    sample size where it is a plain number of voters.
    """
    df = pd.read_csv(data_file("exit_polls_2024.csv", path), dtype=str, keep_default_na=False)
    for col in ("maduro_pct", "gonzalez_pct", "other_pct"):
        df[f"{col}_as_published"] = df[col]
        df[col] = pd.to_numeric(df[col].str.strip(), errors="coerce")
    df["n"] = pd.to_numeric(df["sample_size"].str.strip(), errors="coerce")
    df["polling_stations"] = pd.to_numeric(df["polling_stations"].str.strip(), errors="coerce")
    df["margin"] = df["gonzalez_pct"] - df["maduro_pct"]
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


def poll_average(
    polls: pd.DataFrame,
    *,
    method: str = "random-effects",
    window: int | None = None,
    design_effect: float = 1.5,
    default_n: float | None = None,
    drop_possible_duplicates: bool = True,
    election_day: str = ELECTION_DAY,
    by: str = "class",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Weighted average of polls per class of pollster, with honest uncertainty.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`load_polls` (columns ``gonzalez_pct``, ``maduro_pct``,
        ``sample_size``, ``date``, ``possible_duplicate`` and ``by``).
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
        median of the stated sample sizes of all polls passed (1,200 for the
        2024 table).
    drop_possible_duplicates : bool
        Drop rows whose notes say they may repeat a dated row (default).
    election_day : str
        ISO date the window counts back from.
    by : str
        Column to group by (default the pollster class).
    confidence : float
        Level of the normal intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group and quantity (``gonzalez``, ``maduro``, ``margin``,
        in percentage points): ``estimate``, ``se``, ``lower``, ``upper``,
        ``tau2`` (between-poll variance), ``Q``, ``I2``, ``k`` (polls
        pooled), ``n_default`` (polls given ``default_n``), ``n_undated``
        (undated polls excluded by the window), ``n_duplicates`` (dropped as
        possible duplicates), ``method``, ``design_effect``.

    Notes
    -----
    Within-poll variance of a share ``p`` (a proportion) with sample size
    ``n`` and design effect ``d``: ``d p (1 - p) / n``; of the margin
    ``p_G - p_M`` (multinomial): ``d (p_G + p_M - (p_G - p_M)^2) / n``. The
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
    in a polarised, fearful climate.

    References
    ----------
    .. [1] DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical
       trials. Controlled Clinical Trials 7(3), 177-188.
       doi:10.1016/0197-2456(86)90046-2
    .. [2] Kish, L. (1965). Survey Sampling. Wiley (design effect).
       ISBN 978-0-471-48900-9.
    """
    if method not in ("random-effects", "fixed-effect"):
        raise ValueError(f"method must be 'random-effects' or 'fixed-effect', got {method!r}")
    if not design_effect >= 1:
        raise ValueError(f"design_effect must be >= 1, got {design_effect}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    need = ["gonzalez_pct", "maduro_pct", "sample_size", by]
    missing = [c for c in need if c not in polls.columns]
    if missing:
        raise DataError(f"polls: missing column(s) {missing}; see load_polls")
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
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    rows = []
    for group, sub in df.groupby(by, sort=True):
        dup = n_dup.loc[sub.index].astype(bool)
        use = sub[~dup & in_window.loc[sub.index]]
        n_undated = int((undated.loc[sub.index] & ~dup).sum())
        if use.empty:
            continue
        n = use["sample_size"].fillna(default_n).to_numpy(float)
        pg = use["gonzalez_pct"].to_numpy(float) / 100
        pm = use["maduro_pct"].to_numpy(float) / 100
        series = {
            "gonzalez": (pg, pg * (1 - pg)),
            "maduro": (pm, pm * (1 - pm)),
            "margin": (pg - pm, pg + pm - (pg - pm) ** 2),
        }
        for quantity, (y, var1) in series.items():
            v = design_effect * np.maximum(var1, 1e-12) / n
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


def two_party(polls: pd.DataFrame) -> pd.DataFrame:
    """Rescale each poll to the two leading candidates: González + Maduro = 100.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`load_polls` (``gonzalez_pct``, ``maduro_pct``,
        ``sample_size``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``gonzalez_pct`` and ``maduro_pct`` replaced by their
        two-party shares ``100 G / (G + M)`` and ``100 M / (G + M)``,
        ``sample_size`` replaced by the respondents who chose one of the two
        (``n (G + M) / 100``; missing stays missing) and ``margin`` by the
        two-party margin.

    Notes
    -----
    Polls report shares of all respondents (undecided, other candidates and
    no answer included); results report shares of valid votes. Restricting
    both to the two leading candidates puts them on one footing, under the
    assumption that the undecided split like the decided. Passed to
    :func:`poll_average`, the average is then of the two-party shares among
    decided respondents, comparable with ``G / (G + M)`` of a count.
    """
    need = ["gonzalez_pct", "maduro_pct", "sample_size"]
    missing = [c for c in need if c not in polls.columns]
    if missing:
        raise DataError(f"polls: missing column(s) {missing}; see load_polls")
    out = polls.copy()
    both = out["gonzalez_pct"] + out["maduro_pct"]
    if not (both > 0).all():
        raise DataError(
            f"polls: rows {np.flatnonzero(~(both > 0)).tolist()} have no share for either candidate"
        )
    out["gonzalez_pct"] = 100 * polls["gonzalez_pct"] / both
    out["maduro_pct"] = 100 * polls["maduro_pct"] / both
    out["sample_size"] = polls["sample_size"] * both / 100
    out["margin"] = out["gonzalez_pct"] - out["maduro_pct"]
    return out


def classification_sensitivity(
    polls: pd.DataFrame,
    *,
    move: str = "unknown",
    to: Sequence[str] = ("government-aligned", "independent"),
    quantity: str = "margin",
    **kwargs,
) -> pd.DataFrame:
    """How the class averages move when pollsters of one class are reclassified.

    Parameters
    ----------
    polls : pandas.DataFrame
        As from :func:`load_polls` (columns ``pollster`` and ``class``).
    move : str
        The class whose pollsters are moved (default ``"unknown"``).
    to : sequence of str
        The classes they are moved to, one scenario each.
    quantity : {"margin", "gonzalez", "maduro"}
        The quantity reported.
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
    (``data/pollsters.csv``). This function shows what rides on it: each
    pollster of the class ``move`` is moved, alone and then all together,
    into each class of ``to``, and :func:`poll_average` is recomputed for
    the classes of ``to``. The results themselves are never a basis for
    the classification; this is a sensitivity analysis, not a fit.
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {QUANTITIES}, got {quantity!r}")
    for col in ("pollster", "class"):
        if col not in polls.columns:
            raise DataError(f"polls: missing column {col!r}; see load_polls")
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
        avg = poll_average(df, **kwargs)
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
    """Result of :func:`compare`.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy: one row per source and quantity (``gonzalez``, ``maduro``,
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


def _count_rows(source: str, kind: str, g: float, m: float, valid: float, note: str) -> list:
    out = []
    for q, val in (("gonzalez", g), ("maduro", m), ("margin", g - m)):
        est = 100 * val / valid
        out.append((source, kind, q, est, 0.0, est, est, valid, note))
    return out


def compare(
    polls: pd.DataFrame | None = None,
    *,
    actas: Election | None = None,
    actas_v1: Election | None = None,
    qr: Election | None = None,
    bulletins: pd.DataFrame | None = None,
    exit_polls: pd.DataFrame | None = None,
    design_effect: float = 1.5,
    exit_design_effect: float = 2.0,
    window: int | None = None,
    confidence: float = 0.95,
) -> Comparison:
    """Poll averages, exit polls, acta totals and CNE bulletins side by side.

    Parameters
    ----------
    polls : pandas.DataFrame, optional
        Default :func:`load_polls`. Averaged per class with
        :func:`poll_average` (random effects); the ``independent`` and
        ``government-aligned`` classes are reported.
    actas, actas_v1 : Election, optional
        The opposition's acta files (``venezuela-2024`` = V2 and
        ``venezuela-2024-v1``). When not given, their totals are taken from
        the bulletins table rows "Opposition website dataset V2/V1".
    qr : Election, optional
        The QR-code decoding (``venezuela-2024-qr``); omitted when not given
        (its totals are not in the bulletins table).
    bulletins, exit_polls : pandas.DataFrame, optional
        Default :func:`load_bulletins` and :func:`load_exit_polls`.
    design_effect, window : see :func:`poll_average`.
    exit_design_effect : float
        Design effect for exit polls with a stated number of voters (a
        cluster sample of polling places; 2 by default).
    confidence : float
        Level of the intervals.

    Returns
    -------
    Comparison

    Notes
    -----
    Counts (actas, QR, bulletins) are shares of valid votes with ``se = 0``:
    they are complete tallies of what they cover, not samples, though each
    covers a different set of tables (the CNE's first bulletin about 80 %,
    V2 83.5 %). Their distance to a poll average is in units of the poll's
    standard error; between two counts no standard error exists and ``z``
    is NaN (the difference itself is reported). Exit polls without a stated
    number of voters get ``se = NaN``. Poll shares are of all respondents,
    count shares of valid votes (see the module docstring).

    References
    ----------
    .. [1] DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical
       trials. Controlled Clinical Trials 7(3), 177-188.
       doi:10.1016/0197-2456(86)90046-2
    """
    polls = load_polls() if polls is None else polls
    bulletins = load_bulletins() if bulletins is None else bulletins
    exit_polls = load_exit_polls() if exit_polls is None else exit_polls
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    rows: list[tuple] = []
    avg = poll_average(polls, design_effect=design_effect, window=window, confidence=confidence)
    for cls in ("independent", "government-aligned"):
        sub = avg[avg["class"] == cls]
        for _, r in sub.iterrows():
            note = (
                f"{r['k']} polls, random effects, tau2 {r['tau2']:.1f}; "
                f"{r['n_default']} with default n, {r['n_duplicates']} possible duplicates dropped"
            )
            rows.append(
                (
                    f"polls: {cls}",
                    "poll average",
                    r["quantity"],
                    r["estimate"],
                    r["se"],
                    r["lower"],
                    r["upper"],
                    float(r["k"]),
                    note,
                )
            )
    for _, r in exit_polls.iterrows():
        n = r["n"]
        vals = {
            "gonzalez": r["gonzalez_pct"],
            "maduro": r["maduro_pct"],
            "margin": r["margin"],
        }
        pg, pm = r["gonzalez_pct"] / 100, r["maduro_pct"] / 100
        var1 = {
            "gonzalez": pg * (1 - pg),
            "maduro": pm * (1 - pm),
            "margin": pg + pm - (pg - pm) ** 2,
        }
        for q in QUANTITIES:
            est = vals[q]
            se = 100 * math.sqrt(exit_design_effect * var1[q] / n) if n > 0 else math.nan
            rows.append(
                (
                    f"{r['type']}: {r['pollster']}",
                    r["type"],
                    q,
                    est,
                    se,
                    est - z * se,
                    est + z * se,
                    n,
                    f"class {r['class']}",
                )
            )
    for label, e, item in (
        ("actas V2 (opposition)", actas, "Opposition website dataset V2"),
        ("actas V1 (opposition)", actas_v1, "Opposition website dataset V1"),
    ):
        if e is not None:
            tot = e.stations[list(e.candidates)].sum()
            rows += _count_rows(
                label,
                "actas",
                float(tot["Gonzalez"]),
                float(tot["Maduro"]),
                float(tot.sum()),
                f"computed from {len(e):,} actas",
            )
        else:
            c = bulletin_counts(bulletins, item)
            rows += _count_rows(
                label, "actas", c["Gonzalez"], c["Maduro"], c["valid"], "from the bulletins table"
            )
    if qr is not None:
        tot = qr.stations[list(qr.candidates)].sum()
        rows += _count_rows(
            "actas QR decoding",
            "actas",
            float(tot["Gonzalez"]),
            float(tot["Maduro"]),
            float(tot.sum()),
            f"computed from {len(qr):,} QR-decoded actas (share of candidate votes)",
        )
    for label, item in (
        ("CNE first bulletin", "CNE first bulletin"),
        ("CNE second bulletin", "CNE second bulletin"),
    ):
        c = bulletin_counts(bulletins, item)
        rows += _count_rows(label, "announced", c["Gonzalez"], c["Maduro"], c["valid"], item)
    table = pd.DataFrame(
        rows,
        columns=["source", "kind", "quantity", "estimate", "se", "lower", "upper", "n", "note"],
    )
    dist = []
    for q in QUANTITIES:
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
