"""The ``forensics`` command line: datasets, the test battery, and reports.

Exit codes: 0 success, 2 usage error, 3 data error (the message says what is
wrong, where, and how to fix it; no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_USAGE, EXIT_DATA = 0, 2, 3

FORMATS = ("md", "html", "csv", "json", "tex")


class UsageError(Exception):
    """A command line that cannot be carried out as given."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forensics",
        description="Statistical election forensics on station-level results.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("datasets", help="list the registered datasets")

    fetch = sub.add_parser("fetch", help="download a dataset and verify its checksums")
    fetch.add_argument("name")

    for name, helptext in (
        ("run", "run the test battery and write the results table and figures"),
        ("report", "run the battery and write a self-contained HTML report"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("source", help="a dataset name (see `forensics datasets`) or a CSV file")
        p.add_argument("--config", type=Path, help="TOML file with the column mapping")
        p.add_argument("--station", help="station id column")
        p.add_argument("--registered", help="registered voters column")
        p.add_argument("--ballots", help="ballots cast column")
        p.add_argument("--valid", help="valid votes column")
        p.add_argument("--invalid", help="invalid votes column")
        p.add_argument("--candidates", help="comma-separated candidate columns")
        p.add_argument("--leader", help="the candidate the turnout tests follow")
        p.add_argument(
            "--level", action="append", default=[], help="hierarchy column (repeatable)"
        )
        p.add_argument("--sep", default=",", help="CSV field separator")
        p.add_argument("--by", help="also run the battery by this level")
        p.add_argument("--out", type=Path, default=Path("forensics-output"))
        p.add_argument("--set-aside", type=Path, help="write rejected rows to this CSV")
        p.add_argument("--seed", type=int, default=20240728, help="seed for simulated nulls")
        p.add_argument(
            "--null",
            choices=("default", "textbook", "simulated"),
            default="default",
            help="digit tests' null: each test's default (simulated for the second digit), "
            "textbook for all, or simulated from the data for all",
        )
        if name == "run":
            p.add_argument("--format", choices=FORMATS, default="md")
    return parser


def _mapping(args: argparse.Namespace) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    if args.config is not None:
        try:
            with open(args.config, "rb") as fh:
                config = tomllib.load(fh)
        except FileNotFoundError:
            raise UsageError(f"config file {args.config} not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"config file {args.config} is not valid TOML: {exc}") from None
        mapping.update(config.get("columns", config))
    for key in ("station", "registered", "ballots", "valid", "invalid", "leader"):
        value = getattr(args, key)
        if value:
            mapping[key] = value
    if args.candidates:
        mapping["candidates"] = [c.strip() for c in args.candidates.split(",") if c.strip()]
    if args.level:
        mapping["levels"] = args.level
    if "candidates" not in mapping:
        raise UsageError(
            "a CSV file needs --candidates A,B,... (or a `candidates` list in --config)"
        )
    allowed = {
        "station", "registered", "ballots", "valid", "invalid", "leader", "candidates",
        "levels", "name", "date", "source",
    }  # fmt: skip
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise UsageError(f"unknown mapping key(s) {unknown}; allowed: {sorted(allowed)}")
    return mapping


def _load(args: argparse.Namespace):
    from forensics import datasets, read_csv

    source = args.source
    if source in datasets.available():
        return datasets.load(source)
    path = Path(source)
    if not path.is_file():
        raise UsageError(
            f"{source!r} is neither a registered dataset nor a file; "
            "run `forensics datasets` for the names"
        )
    mapping = _mapping(args)
    mapping.setdefault("name", path.stem)
    return read_csv(path, sep=args.sep, on_invalid="set_aside", **mapping)


def _write_table(table, path: Path, fmt: str) -> Path:
    from forensics.report import table_to

    path.write_text(table_to(table, fmt), encoding="utf-8")
    return path


def _progress(iterable, desc: str):
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(iterable, desc=desc, leave=False)
    return iterable


def _run(args: argparse.Namespace, *, html_report: bool) -> int:
    from forensics.battery import battery
    from forensics.report import standard_figures, write_html

    election = _load(args)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if args.set_aside is not None:
        args.set_aside.parent.mkdir(parents=True, exist_ok=True)
        election.set_aside.to_csv(args.set_aside, index=False)
    by = args.by
    if by is not None and by not in election.levels:
        raise UsageError(f"--by {by!r} is not a level; the levels are {list(election.levels)}")
    steps = ["national"] + ([by] if by else [])
    tables = []
    for step in _progress(steps, "battery"):
        tables.append(
            battery(
                election,
                by=None if step == "national" else step,
                null=args.null,
                rng=args.seed,
            )
        )
    import pandas as pd

    table = pd.concat(tables, ignore_index=True)
    figures = standard_figures(election, out / "figures")
    if html_report:
        path = write_html(election, table, figures, out / "report.html")
    else:
        path = _write_table(table, out / f"results.{args.format}", args.format)
    print(election.report())
    print(
        f"{summary_line(table)}; results in {path}; {len(figures)} figure(s) in {out / 'figures'}"
    )
    if len(election.set_aside):
        where = f" (written to {args.set_aside})" if args.set_aside else " (use --set-aside FILE)"
        print(f"{len(election.set_aside)} row(s) set aside{where}")
    return EXIT_OK


def summary_line(table, alpha: float = 0.05) -> str:
    """One plain sentence on a battery table: signatures among calibrated tests only.

    A signature is a BH-adjusted p-value below ``alpha``; the battery
    adjusts only the tests calibrated on clean elections (``calibration``
    "calibrated" or "conservative"), so the others are counted as
    descriptive statistics, never as signatures.

    Parameters
    ----------
    table : pandas.DataFrame
        As from :func:`forensics.battery`: ``pvalue``, ``p_bh`` and,
        when known, ``calibration``.
    alpha : float
        Level of the BH-adjusted p-values (default 0.05).

    Returns
    -------
    str
        The sentence, without a final full stop.

    References
    ----------
    .. [1] Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery
       rate: a practical and powerful approach to multiple testing. *Journal
       of the Royal Statistical Society B* 57(1), 289-300.
       doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    Two calibrated tests, one of them with a signature, and a miscalibrated
    one whose small p-value is only descriptive:

    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "pvalue": [0.197, 0.0004, 0.017],
    ...     "p_bh": [0.197, 0.0008, float("nan")],
    ...     "calibration": ["calibrated", "conservative", "miscalibrated"],
    ... })
    >>> print(summary_line(table))  # doctest: +NORMALIZE_WHITESPACE
    3 test rows: 2 from tests calibrated on clean elections, 1 of them with a
    signature (BH-adjusted p < 0.05); 1 from tests that reject clean elections
    too often (miscalibrated), reported as descriptive statistics only; 0 not run
    """
    ran = table["pvalue"].notna()
    cal = table.get("calibration")
    family = ran if cal is None else ran & cal.isin(["calibrated", "conservative"])
    flagged = int((table["p_bh"] < alpha).sum())
    descriptive = int((ran & ~family).sum())
    return (
        f"{len(table)} test rows: {int(family.sum())} from tests calibrated on clean elections, "
        f"{flagged} of them with a signature (BH-adjusted p < {alpha:g}); {descriptive} from "
        "tests that reject clean elections too often (miscalibrated), reported as descriptive "
        f"statistics only; {int((~ran).sum())} not run"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``forensics`` console script.

    Commands: ``datasets`` (list the registered datasets), ``fetch NAME``
    (download and verify one), ``run SOURCE`` (the battery, a table and
    figures) and ``report SOURCE`` (a self-contained HTML report); ``SOURCE``
    is a dataset name or a station-level CSV with its column mapping.
    ``forensics COMMAND --help`` lists the options.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 success, 2 usage error, 3 data error (a data error
        names the rows and columns and prints no traceback).

    References
    ----------
    .. [1] Benjamini, Y. & Hochberg, Y. (1995). *JRSS B* 57(1), 289-300.
       doi:10.1111/j.2517-6161.1995.tb02031.x (the adjustment of the p-values
       of ``run`` and ``report``); each test's own reference is in its row.

    Examples
    --------
    >>> main(["datasets"])  # doctest: +ELLIPSIS
    albania-2013         Albania 2013 parliamentary, 5,508 stations ...
    ...
    0

    An unknown dataset is a usage error (the message goes to standard error):

    >>> main(["fetch", "atlantis-2024"])
    2
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    from forensics import DataError, datasets

    try:
        if args.command == "datasets":
            for name, description in datasets.available().items():
                print(f"{name:20s} {description}")
            return EXIT_OK
        if args.command == "fetch":
            dataset = datasets.get(args.name)
            for remote in dataset.files:
                path = datasets.fetch(remote)
                print(f"{remote.path}: ok (sha256 {remote.sha256[:12]}…) at {path}")
            return EXIT_OK
        return _run(args, html_report=args.command == "report")
    except UsageError as exc:
        print(f"forensics: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyError as exc:
        print(f"forensics: usage error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    except (DataError, FileNotFoundError) as exc:
        print(f"forensics: data error: {exc}", file=sys.stderr)
        return EXIT_DATA


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main())
