"""The validated station-level table that every test works on.

Station data enter the package through :class:`Election` only. It maps a
source's columns onto the canonical ones (``registered``, ``ballots``,
``valid``, ``invalid``, one column per candidate or list, the hierarchy
``levels`` and a unique ``station`` id), validates them, and either raises a
:class:`DataError` naming the offending rows and columns or sets those rows
aside with a reason. Nothing is dropped silently: ``len(stations) +
len(set_aside) == len(input)`` always holds.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["COUNT_COLUMNS", "DataError", "Election", "UnknownNameError", "read_csv"]

#: The canonical aggregate count columns, in order.
COUNT_COLUMNS = ("registered", "ballots", "valid", "invalid")

_MAX_LISTED = 10


class DataError(ValueError):
    """Station data that cannot be used as they are.

    The message names the offending columns and rows (station ids and line
    numbers) and says how to fix or set them aside. The structured details are
    in ``problems``: a DataFrame with one row per offending station and
    check.
    """

    def __init__(self, message: str, problems: pd.DataFrame | None = None):
        super().__init__(message)
        self.problems = problems if problems is not None else pd.DataFrame()


class UnknownNameError(DataError, KeyError):
    """A candidate, level, column or other name that the data do not have.

    The message names the unknown name and the valid ones. It is a
    :class:`DataError`, and also a :class:`KeyError` so that code written to
    catch a failed lookup keeps working; unlike a plain KeyError its message
    is printed unquoted.
    """

    __str__ = BaseException.__str__


def _unknown_name(kind: str, name: Any, valid: Sequence[Any]) -> UnknownNameError:
    """The error for a ``kind`` (e.g. ``"candidate"``) ``name`` not among ``valid``.

    >>> print(_unknown_name("candidate", "C", ["A", "B"]))
    unknown candidate 'C'; the candidates are ['A', 'B']
    """
    return UnknownNameError(f"unknown {kind} {name!r}; the {kind}s are {list(valid)}")


def _describe_rows(frame: pd.DataFrame, limit: int = _MAX_LISTED) -> str:
    parts = []
    for _, row in frame.head(limit).iterrows():
        detail = f" ({row['detail']})" if row.get("detail") else ""
        parts.append(f"station {row['station']!s} (line {row['line']}){detail}")
    more = len(frame) - limit
    text = "; ".join(parts)
    if more > 0:
        text += f"; and {more} more"
    return text


@dataclass(frozen=True, eq=False)
class Election:
    """Station-level results of one election, validated, with metadata.

    Build one with :meth:`Election.from_frame`, :func:`forensics.read_csv`
    or :func:`forensics.datasets.load`; the constructor itself does no
    validation.

    Attributes
    ----------
    stations : pandas.DataFrame
        One row per station: ``station`` (unique id), the ``levels``
        columns, ``registered``, ``ballots``, ``valid``, ``invalid`` and one
        column per candidate, then any extra columns kept from the source.
        A count column is ``int64`` when complete and ``float64`` with NaN
        where the source does not give it (``registered`` for some rows, or
        a column the source lacks entirely). ``line`` holds the row's line
        number in the source file (or its 0-based position in the input
        frame).
    candidates : tuple of str
        Candidate (or list) columns, in ballot order.
    leader : str
        The announced winner or incumbent whose share the turnout tests
        follow by default.
    levels : tuple of str
        Hierarchy columns, from the top (e.g. state) down.
    name, date, source : str
        Human-readable name, ISO date and citation of the source.
    set_aside : pandas.DataFrame
        Input rows set aside by validation, as given, with ``line``,
        ``station`` and a ``reason`` column.
    derived : dict
        Canonical columns derived rather than read, with how.
    notes : tuple of str
        Known quirks of the source worth reporting with any result.

    Examples
    --------
    >>> frame = pd.DataFrame(
    ...     {
    ...         "state": ["North", "North", "South", "South"],
    ...         "table": ["1", "2", "1", "2"],
    ...         "electors": [500, 620, 480, 700],
    ...         "null": [5, 10, 0, 20],
    ...         "Ana": [160, 250, 120, 330],
    ...         "Ben": [135, 150, 130, 170],
    ...     }
    ... )
    >>> election = Election.from_frame(
    ...     frame, candidates=["Ana", "Ben"], registered="electors", invalid="null",
    ...     levels=["state", "table"], name="toy",
    ... )
    >>> election
    Election('toy', stations=4, set_aside=0, candidates=['Ana', 'Ben'], leader='Ana')
    >>> election.stations[["station", "registered", "ballots", "valid", "Ana"]]
       station  registered  ballots  valid  Ana
    0  North/1         500      300    295  160
    1  North/2         620      410    400  250
    2  South/1         480      250    250  120
    3  South/2         700      520    500  330
    >>> election.turnout.round(3).tolist()
    [0.6, 0.661, 0.521, 0.743]
    >>> election.share("Ben").round(3).tolist()
    [0.458, 0.375, 0.52, 0.34]
    >>> election.shares().round(4).to_dict()
    {'Ana': 0.5952, 'Ben': 0.4048}
    >>> totals = election.group_totals("state")
    >>> totals[["stations", "valid", "Ana"]]  # doctest: +NORMALIZE_WHITESPACE
           stations  valid  Ana
    state
    North         2    695  410
    South         2    750  450
    >>> [(state, len(sub)) for state, sub in election.by("state")]
    [('North', 2), ('South', 2)]
    >>> len(election.subset(lambda st: st["valid"] > 280))
    3
    """

    stations: pd.DataFrame
    candidates: tuple[str, ...]
    leader: str
    levels: tuple[str, ...] = ()
    name: str = ""
    date: str = ""
    source: str = ""
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame)
    derived: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    # ------------------------------------------------------------------ build
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        candidates: Sequence[str] | Mapping[str, str],
        registered: str | None = None,
        ballots: str | None = None,
        valid: str | None = None,
        invalid: str | None = None,
        levels: Sequence[str] | Mapping[str, str] = (),
        station: str | None = None,
        leader: str | None = None,
        keep: Sequence[str] = (),
        name: str = "",
        date: str = "",
        source: str = "",
        notes: Sequence[str] = (),
        on_invalid: Literal["raise", "set_aside"] = "raise",
        line_offset: int = 0,
    ) -> Election:
        """Map, validate and wrap a station-level DataFrame.

        Parameters
        ----------
        df : pandas.DataFrame
            One row per station, as read from the source.
        candidates : sequence of str or mapping
            Candidate columns in ballot order; a mapping renames
            ``{source column: canonical name}``.
        registered, ballots, valid, invalid : str, optional
            Source columns holding registered voters, ballots cast
            (valid + invalid), valid and invalid votes. A missing column is
            derived where the others allow it (see Notes), else left NaN.
        levels : sequence of str or mapping
            Hierarchy columns from the top down; a mapping renames them.
        station : str, optional
            Column with a unique station id. By default the id joins the
            ``levels`` values with ``/``, or is the row position.
        leader : str, optional
            Canonical name of the candidate the turnout tests follow; default
            the candidate with the most votes.
        keep : sequence of str
            Extra source columns to carry along unchanged.
        name, date, source : str
            Metadata: name, ISO date and citation.
        notes : sequence of str
            Known quirks of the source.
        on_invalid : {"raise", "set_aside"}
            Raise a :class:`DataError` on the first failed check, or move the
            offending rows to ``set_aside`` with a reason and go on.
        line_offset : int
            Added to the row position to give ``line``; :func:`read_csv`
            passes 2 so that ``line`` is the line number in the file
            (line 1 is the header).

        Returns
        -------
        Election

        Raises
        ------
        DataError
            Missing columns always raise. With ``on_invalid="raise"``, any
            failed row check raises, naming the stations, lines and columns.

        Notes
        -----
        Derivations, recorded in ``Election.derived``:

        * ``valid`` = sum of the candidate columns when no valid column is
          given;
        * ``ballots`` = ``valid + invalid`` when no ballots column is given
          and both parts are present;
        * ``invalid`` = ``ballots - valid`` when no invalid column is given.

        Row checks, in order: non-numeric, non-integer or negative counts,
        missing required counts, duplicate station ids, candidate votes not
        summing to ``valid``, ``valid + invalid != ballots`` and
        ``ballots > registered``. Zero registered voters or zero ballots are
        legal; analyses that cannot use such stations count them.

        References
        ----------
        .. [1] Hicken, A., & Mebane, W. R. (2017). A Guide to Elections
           Forensics. USAID DRG Center Research and Innovation Grants Working
           Paper (the Election Forensics Toolkit's station table layout).

        Examples
        --------
        ``valid`` is derived from the candidates and ``ballots`` from
        ``valid + invalid``; a row that fails a check is set aside with its
        reason when asked:

        >>> frame = pd.DataFrame(
        ...     {"id": ["a", "b", "c"], "reg": [300, 200, 100],
        ...      "X": [120, 90, 80], "Y": [100, 60, 40], "inv": [3, 1, 0]}
        ... )
        >>> e = Election.from_frame(
        ...     frame, candidates=["X", "Y"], registered="reg", invalid="inv", station="id",
        ...     on_invalid="set_aside",
        ... )
        >>> e.stations[["station", "registered", "ballots", "valid", "invalid"]]
          station  registered  ballots  valid  invalid
        0       a         300      223    220        3
        1       b         200      151    150        1
        >>> e.set_aside[["station", "reason"]].values.tolist()
        [['c', 'ballots > registered']]
        >>> sorted(e.derived)
        ['ballots', 'valid']
        """
        if on_invalid not in ("raise", "set_aside"):
            raise ValueError(f"on_invalid must be 'raise' or 'set_aside', got {on_invalid!r}")
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")

        cand_map = (
            dict(candidates) if isinstance(candidates, Mapping) else {c: c for c in candidates}
        )
        level_map = dict(levels) if isinstance(levels, Mapping) else {c: c for c in levels}
        if not cand_map:
            raise DataError("at least one candidate column is required")
        aggregate = {
            "registered": registered,
            "ballots": ballots,
            "valid": valid,
            "invalid": invalid,
        }
        wanted = [c for c in aggregate.values() if c is not None]
        wanted += list(cand_map) + list(level_map) + list(keep) + ([station] if station else [])
        missing = [c for c in dict.fromkeys(wanted) if c not in df.columns]
        if missing:
            raise DataError(
                f"missing required column(s) {missing}; the table has columns {list(df.columns)}. "
                "Pass the right names to the column mapping."
            )
        reserved = set(COUNT_COLUMNS) | {"station", "line"}
        clash = [c for c in cand_map.values() if c in reserved or c in level_map.values()]
        if clash:
            raise DataError(f"candidate name(s) {clash} clash with canonical column names")
        if leader is not None and leader not in cand_map.values():
            raise DataError(
                f"leader {leader!r} is not among the candidates {list(cand_map.values())}"
            )

        n_in = len(df)
        out = pd.DataFrame(index=pd.RangeIndex(n_in))
        src = df.reset_index(drop=True)
        out["line"] = np.arange(n_in, dtype=np.int64) + line_offset

        for col, canon in level_map.items():
            out[canon] = src[col].to_numpy()
        if station is not None:
            out["station"] = src[station].astype(str).to_numpy()
        elif level_map:
            joined = src[next(iter(level_map))].astype(str)
            for col in list(level_map)[1:]:
                joined = joined + "/" + src[col].astype(str)
            out["station"] = joined.to_numpy()
        else:
            out["station"] = (out["line"]).astype(str)

        problems: list[pd.DataFrame] = []

        def flag(mask: np.ndarray, reason: str, detail: Any = None) -> None:
            mask = np.asarray(mask, dtype=bool)
            if not mask.any():
                return
            rows = out.loc[mask, ["station", "line"]].copy()
            rows["reason"] = reason
            if detail is None:
                rows["detail"] = ""
            elif callable(detail):
                rows["detail"] = [detail(i) for i in np.flatnonzero(mask)]
            else:
                rows["detail"] = [str(v) for v in np.asarray(detail, dtype=object)[mask]]
            problems.append(rows)

        # Numeric conversion of every count column, with per-row diagnostics.
        count_src = {canon: col for canon, col in aggregate.items() if col is not None}
        count_src.update({canon: col for col, canon in cand_map.items()})
        numeric: dict[str, np.ndarray] = {}
        for canon, col in count_src.items():
            raw = src[col]
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            failed = np.isnan(values)
            is_blank = np.zeros(n_in, dtype=bool)
            if failed.any():  # inspect the text only where the conversion failed
                text = raw[failed]
                is_blank[failed] = (
                    text.isna().to_numpy()
                    | text.astype(str).str.strip().isin(["", "nan"]).to_numpy()
                )
            shown = raw.to_numpy(dtype=object)
            flag(failed & ~is_blank, f"non-numeric value in column '{col}'", shown)
            finite = ~failed & np.isfinite(values)
            flag(
                finite & (values != np.round(values)),
                f"non-integer count in column '{col}'",
                shown,
            )
            flag(finite & (values < 0), f"negative count in column '{col}'", shown)
            if canon != "registered":
                flag(is_blank, f"missing count (NaN) in column '{col}'")
            numeric[canon] = values

        derived: dict[str, str] = {}
        cand_names = list(cand_map.values())
        cand_matrix = np.column_stack([numeric[c] for c in cand_names])
        if "valid" not in numeric:
            numeric["valid"] = cand_matrix.sum(axis=1)
            derived["valid"] = "sum of the candidate columns"
        if "ballots" not in numeric:
            if "invalid" in numeric:
                numeric["ballots"] = numeric["valid"] + numeric["invalid"]
                derived["ballots"] = "valid + invalid"
            else:
                numeric["ballots"] = np.full(n_in, np.nan)
                derived["ballots"] = "not available in the source"
        if "invalid" not in numeric:
            if ballots is not None:
                numeric["invalid"] = numeric["ballots"] - numeric["valid"]
                derived["invalid"] = "ballots - valid"
            else:
                numeric["invalid"] = np.full(n_in, np.nan)
                derived["invalid"] = "not available in the source"
        if "registered" not in numeric:
            numeric["registered"] = np.full(n_in, np.nan)
            derived["registered"] = "not available in the source"

        dup = out["station"].duplicated(keep=False).to_numpy()
        flag(dup, "duplicate station id in column " + repr(station or "station"))

        with np.errstate(invalid="ignore"):
            diff = cand_matrix.sum(axis=1) - numeric["valid"]
            bad_sum = np.isfinite(diff) & (diff != 0)
            flag(
                bad_sum,
                "candidate votes do not sum to valid",
                lambda i: f"candidates - valid = {diff[i]:+.0f}",
            )
            if "ballots" not in derived and "invalid" not in derived:
                diff2 = numeric["valid"] + numeric["invalid"] - numeric["ballots"]
                bad2 = np.isfinite(diff2) & (diff2 != 0)
                flag(
                    bad2,
                    "valid + invalid != ballots",
                    lambda i: f"valid + invalid - ballots = {diff2[i]:+.0f}",
                )
            over = numeric["ballots"] > numeric["registered"]
            flag(
                over,
                "ballots > registered",
                lambda i: (
                    f"ballots {numeric['ballots'][i]:.0f} > "
                    f"registered {numeric['registered'][i]:.0f}"
                ),
            )

        for canon in (*COUNT_COLUMNS, *cand_names):
            values = numeric[canon]
            if np.isnan(values).any() or (canon in derived and derived[canon].startswith("not")):
                out[canon] = values.astype(np.float64)
            else:
                out[canon] = np.nan_to_num(values).astype(np.int64)
        for col in keep:
            out[col] = src[col].to_numpy()

        order = ["station", *level_map.values(), *COUNT_COLUMNS, *cand_names, *keep, "line"]
        out = out[order]

        if problems:
            prob = pd.concat(problems, ignore_index=True)
            if on_invalid == "raise":
                lines = []
                for reason, grp in prob.groupby("reason", sort=False):
                    lines.append(f"- {reason}: {len(grp)} row(s): {_describe_rows(grp)}")
                raise DataError(
                    f"{prob['line'].nunique()} row(s) fail validation:\n"
                    + "\n".join(lines)
                    + "\nFix the source, or pass on_invalid='set_aside' to set these rows aside.",
                    prob,
                )
            reasons = prob.groupby("line")["reason"].agg("; ".join)
            bad_mask = out["line"].isin(reasons.index).to_numpy()
            aside = src.loc[bad_mask].copy()
            # keep source columns that clash with ours under a suffixed name
            aside.columns = [
                f"{c}_source" if c in ("line", "station", "reason") else c for c in aside.columns
            ]
            aside.insert(0, "station", out.loc[bad_mask, "station"].to_numpy())
            aside.insert(0, "line", out.loc[bad_mask, "line"].to_numpy())
            aside["reason"] = reasons.reindex(aside["line"]).to_numpy()
            aside = aside.reset_index(drop=True)
            kept = out.loc[~bad_mask].reset_index(drop=True)
            for canon in (*COUNT_COLUMNS, *cand_names):
                col = kept[canon]
                if (
                    col.dtype == np.float64
                    and not col.isna().any()
                    and not (canon in derived and derived[canon].startswith("not"))
                ):
                    kept[canon] = col.astype(np.int64)
        else:
            kept = out
            aside = pd.DataFrame(columns=["line", "station", *df.columns, "reason"])

        if leader is None:
            totals = kept[cand_names].sum()
            leader = str(totals.idxmax()) if len(kept) else cand_names[0]
        return cls(
            stations=kept,
            candidates=tuple(cand_names),
            leader=leader,
            levels=tuple(level_map.values()),
            name=name,
            date=date,
            source=source,
            set_aside=aside,
            derived=derived,
            notes=tuple(notes),
        )

    # ------------------------------------------------------------ accessors
    def __len__(self) -> int:
        return len(self.stations)

    def __repr__(self) -> str:
        return (
            f"Election({self.name or 'unnamed'!r}, stations={len(self.stations)}, "
            f"set_aside={len(self.set_aside)}, candidates={list(self.candidates)}, "
            f"leader={self.leader!r})"
        )

    def _check_candidate(self, candidate: str | None) -> str:
        candidate = self.leader if candidate is None else candidate
        if candidate not in self.candidates:
            raise _unknown_name("candidate", candidate, self.candidates)
        return candidate

    def _check_level(self, level: str) -> str:
        if level not in self.stations.columns:
            raise _unknown_name("level", level, self.levels)
        return level

    def counts(self, column: str) -> np.ndarray:
        """A count column as a float array (NaN where missing).

        Parameters
        ----------
        column : str
            A count column (``registered``, ``ballots``, ``valid``,
            ``invalid`` or a candidate).

        Returns
        -------
        numpy.ndarray of float64

        Raises
        ------
        UnknownNameError
            No column ``column`` in ``stations``; the message lists the count
            columns.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> e.counts("A")
        array([234., 186., 188., 133., 125.,  76.])
        """
        if column not in self.stations.columns:
            raise _unknown_name("count column", column, [*COUNT_COLUMNS, *self.candidates])
        return self.stations[column].to_numpy(dtype=np.float64)

    @property
    def turnout(self) -> pd.Series:
        """Ballots cast over registered voters per station (NaN where undefined).

        Stations with zero or missing registered voters get NaN.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> e.turnout.round(3).tolist()
        [0.628, 0.617, 0.646, 0.643, 0.63, 0.629]
        """
        reg = self.counts("registered")
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(reg > 0, self.counts("ballots") / reg, np.nan)
        return pd.Series(t, index=self.stations.index, name="turnout")

    def share(
        self,
        candidate: str | None = None,
        *,
        of: Literal["valid", "ballots", "registered"] = "valid",
    ) -> pd.Series:
        """A candidate's vote share per station (NaN where the denominator is 0).

        Parameters
        ----------
        candidate : str, optional
            Default: the leader.
        of : {"valid", "ballots", "registered"}
            The denominator: valid votes (default), ballots cast, or
            registered voters (the share of the electorate).

        Returns
        -------
        pandas.Series
            Named ``share_<candidate>``, one value per station.

        Raises
        ------
        UnknownNameError
            ``candidate`` is not one of ``candidates``.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> e.share("B").round(3).tolist()
        [0.475, 0.482, 0.425, 0.427, 0.483, 0.461]
        >>> e.share("B", of="registered").round(3).tolist()
        [0.299, 0.297, 0.275, 0.274, 0.305, 0.29]
        """
        candidate = self._check_candidate(candidate)
        if of not in ("valid", "ballots", "registered"):
            raise ValueError(f"of must be 'valid', 'ballots' or 'registered', got {of!r}")
        den = self.counts(of)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(den > 0, self.counts(candidate) / den, np.nan)
        return pd.Series(s, index=self.stations.index, name=f"share_{candidate}")

    def totals(self) -> pd.Series:
        """National sums of every count column (NaN-skipping), as int where complete.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> e.totals().to_dict()
        {'registered': 2767, 'ballots': 1747, 'valid': 1747, 'invalid': 0, 'A': 942, 'B': 805}
        """
        cols = [*COUNT_COLUMNS, *self.candidates]
        return self.stations[cols].sum(min_count=1)

    def shares(self) -> pd.Series:
        """National share of valid votes per candidate.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> e.shares().round(4).to_dict()
        {'A': 0.5392, 'B': 0.4608}
        """
        tot = self.stations[list(self.candidates)].sum()
        return tot / tot.sum()

    def by(self, level: str) -> Iterator[tuple[Any, Election]]:
        """Iterate over ``(group value, sub-election)`` pairs of one level.

        Parameters
        ----------
        level : str
            A level (or any other column of ``stations``).

        Returns
        -------
        iterator of (object, Election)
            Groups in sorted order of their value.

        Raises
        ------
        UnknownNameError
            ``level`` is not a column of ``stations``, raised at the call
            rather than at the first iteration.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> [(region, len(sub)) for region, sub in e.by("region")]
        [('r1', 2), ('r2', 2), ('r3', 2)]
        >>> e.by("state")
        Traceback (most recent call last):
        ...
        forensics.election.UnknownNameError: unknown level 'state'; the levels are ['region', 'district']
        """
        groups = self.stations.groupby(self._check_level(level), sort=True).groups
        return ((key, self.subset(self.stations.index.isin(idx))) for key, idx in groups.items())

    def group_totals(self, level: str) -> pd.DataFrame:
        """Sums of every count column by one level, with station counts.

        Parameters
        ----------
        level : str
            As in :meth:`by`.

        Returns
        -------
        pandas.DataFrame
            One row per group value (sorted): ``stations`` then the sums.

        Raises
        ------
        UnknownNameError
            ``level`` is neither a level nor another column of ``stations``.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> sums = e.group_totals("region")
        >>> sums.index.tolist(), sums["stations"].tolist()
        (['r1', 'r2', 'r3'], [2, 2, 2])
        >>> sums["registered"].tolist(), sums["A"].tolist()
        ([1292, 867, 608], [420, 321, 201])
        """
        level = self._check_level(level)
        cols = [*COUNT_COLUMNS, *self.candidates]
        g = self.stations.groupby(level, sort=True)
        out = g[cols].sum(min_count=1)
        out.insert(0, "stations", g.size())
        return out

    def subset(self, mask: Any) -> Election:
        """A new Election with the stations selected by a boolean mask or callable.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> e.subset(e.turnout > 0.63).stations["station"].tolist()
        ['2', '3', '4']
        >>> len(e.subset(lambda st: st["region"] == "r1"))
        2
        """
        if callable(mask):
            mask = mask(self.stations)
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self.stations),):
            raise ValueError(f"mask must have one entry per station ({len(self.stations)})")
        return replace(self, stations=self.stations.loc[mask].reset_index(drop=True))

    def with_stations(self, stations: pd.DataFrame, **changes: Any) -> Election:
        """A copy with another station table (same columns), e.g. a simulated one.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> e.with_stations(e.stations.head(1), name="first station")
        Election('first station', stations=1, set_aside=0, candidates=['A', 'B'], leader='A')
        """
        return replace(self, stations=stations, **changes)

    def report(self) -> str:
        """A short text report: stations kept, set aside and why, derived columns.

        Examples
        --------
        >>> from forensics import toy_election
        >>> e = toy_election(6, rng=0)
        >>> print(e.report())
        toy election: 6 stations kept, 0 set aside.
          valid: sum of the candidate columns
          invalid: ballots - valid
        """
        lines = [
            f"{self.name or 'Election'}: {len(self.stations):,} stations kept, "
            f"{len(self.set_aside):,} set aside."
        ]
        if len(self.set_aside):
            reasons = self.set_aside["reason"].str.split("; ").explode().value_counts()
            for reason, n in reasons.items():
                lines.append(f"  set aside: {n:,} row(s): {reason}")
        for col, how in self.derived.items():
            lines.append(f"  {col}: {how}")
        reg_missing = int(self.stations["registered"].isna().sum())
        if reg_missing and "registered" not in self.derived:
            lines.append(f"  registered missing for {reg_missing:,} station(s)")
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)


_ENCODINGS = ("utf-8-sig", "cp1252")


def _decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else cp1252."""
    for enc in _ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; latin-1 decodes anything.
    return data.decode("latin-1"), "latin-1"


def read_text_table(
    path: str | os.PathLike[str] | bytes, *, sep: str | None = ",", **kwargs: Any
) -> tuple[pd.DataFrame, str]:
    """Read a delimited text table with encoding detection; all columns as str.

    Parameters
    ----------
    path : path-like or bytes
        The file, or its content.
    sep : str or None
        Field separator (None: sniffed by pandas' Python engine).
    **kwargs
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    (pandas.DataFrame, str)
        The table (every column ``str``, empty fields as ``""``) and the
        encoding used: ``"utf-8-sig"``, ``"cp1252"`` or ``"latin-1"``.

    Raises
    ------
    DataError
        The text is not a well-formed delimited table.

    Examples
    --------
    >>> frame, encoding = read_text_table("estado;votos\\nMérida;12\\n".encode("cp1252"), sep=";")
    >>> frame.to_dict("list"), encoding
    ({'estado': ['Mérida'], 'votos': ['12']}, 'cp1252')
    """
    if isinstance(path, bytes):
        data = path
    else:
        with open(path, "rb") as fh:
            data = fh.read()
    text, enc = _decode(data)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, **kwargs)
    except pd.errors.ParserError as exc:
        name = "<bytes>" if isinstance(path, bytes) else os.fspath(path)
        raise DataError(
            f"{name} is not a well-formed delimited table ({enc}): {exc}. "
            "Check the separator and quoting of the line named."
        ) from exc
    return df, enc


def read_csv(
    path: str | os.PathLike[str],
    *,
    sep: str | None = ",",
    on_invalid: Literal["raise", "set_aside"] = "raise",
    transform: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    **mapping: Any,
) -> Election:
    """Read a station-level CSV file into a validated :class:`Election`.

    The encoding is detected: UTF-8 (with or without a byte-order mark),
    then Windows-1252. Every column is read as text and converted by
    :meth:`Election.from_frame`, so a malformed count is reported with its
    line number instead of silently becoming NaN.

    Parameters
    ----------
    path : path-like
        The CSV file.
    sep : str
        Field separator.
    on_invalid : {"raise", "set_aside"}
        See :meth:`Election.from_frame`.
    transform : callable, optional
        Applied to the raw (all-text) frame before mapping, e.g. to rename
        or combine columns. It must keep one row per input row.
    **mapping
        The column mapping and metadata passed to :meth:`Election.from_frame`
        (``candidates``, ``registered``, ``ballots``, ``valid``, ``invalid``,
        ``levels``, ``station``, ``leader``, ``name``, ...).

    Returns
    -------
    Election

    References
    ----------
    .. [1] Hicken, A., & Mebane, W. R. (2017). A Guide to Elections Forensics.
       USAID DRG Center Research and Innovation Grants Working Paper.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "results.csv"
    >>> _ = path.write_text("mesa,inscritos,nulos,Ana,Ben\\n1,300,4,150,100\\n2,250,x,90,120\\n")
    >>> read_csv(path, candidates=["Ana", "Ben"], registered="inscritos", invalid="nulos",
    ...          station="mesa")
    Traceback (most recent call last):
    ...
    forensics.election.DataError: ...
    >>> e = read_csv(path, candidates=["Ana", "Ben"], registered="inscritos", invalid="nulos",
    ...              station="mesa", on_invalid="set_aside")
    >>> len(e), e.set_aside[["line", "reason"]].values.tolist()
    (1, [[3, "non-numeric value in column 'nulos'"]])
    >>> folder.cleanup()
    """
    df, _ = read_text_table(path, sep=sep)
    if transform is not None:
        n = len(df)
        df = transform(df)
        if len(df) != n:
            raise DataError(f"transform changed the number of rows from {n} to {len(df)}")
    return Election.from_frame(df, on_invalid=on_invalid, line_offset=2, **mapping)


def _two_candidate_election(
    registered: np.ndarray,
    ballots: np.ndarray,
    leader_votes: np.ndarray,
    candidates: Sequence[str],
    *,
    fraud: np.ndarray,
    x: np.ndarray,
    name: str,
    source: str,
) -> Election:
    """A simulated two-candidate election with no invalid ballots.

    The simulators of the fraud models (:mod:`forensics.klimek`,
    :mod:`forensics.mixture`) build their elections here: stations numbered
    from 0, the first candidate the leader with ``leader_votes``, the second
    the rest of the ballots, and the true fraud class and fraud fraction kept
    as the columns ``fraud`` and ``x``.
    """
    df = pd.DataFrame(
        {
            "station": np.arange(registered.size).astype(str),
            "registered": registered.astype(np.int64),
            "ballots": ballots.astype(np.int64),
            "invalid": np.zeros(registered.size, dtype=np.int64),
            candidates[0]: leader_votes.astype(np.int64),
            candidates[1]: (ballots - leader_votes).astype(np.int64),
            "fraud": fraud,
            "x": x,
        }
    )
    return Election.from_frame(
        df,
        candidates=list(candidates),
        registered="registered",
        ballots="ballots",
        invalid="invalid",
        station="station",
        leader=candidates[0],
        keep=["fraud", "x"],
        name=name,
        source=source,
    )
