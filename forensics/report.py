"""Reports of a battery run: tables in several formats, standard figures, one HTML page.

The HTML report is self-contained (figures inlined as SVG), opens in any
browser, and carries the data provenance and the citation of every method
used.
"""

from __future__ import annotations

import html
import json
import warnings
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from forensics import __version__
from forensics.election import Election
from forensics.figures import savefig, style

__all__ = ["standard_figures", "table_to", "write_html"]

_COLUMNS = [
    "level",
    "group",
    "test",
    "candidate",
    "statistic",
    "pvalue",
    "p_bh",
    "p_holm",
    "effect_size",
    "effect_size_name",
    "n",
    "n_excluded",
    "null",
    "calibration",
    "size",
    "verdict",
    "note",
]


def _display(table: pd.DataFrame) -> pd.DataFrame:
    out = table[[c for c in _COLUMNS if c in table.columns]].copy()
    for col in ("statistic", "effect_size"):
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.4g}")
    if {"size", "size_low", "size_high"} <= set(table.columns):
        out["size"] = [
            "" if pd.isna(s) else f"{s:.3f} [{lo:.3f}, {hi:.3f}]"
            for s, lo, hi in zip(table["size"], table["size_low"], table["size_high"], strict=True)
        ]
    for col in ("pvalue", "p_bh", "p_holm"):
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.3g}")
    return out


def table_to(table: pd.DataFrame, fmt: str) -> str:
    """Render a battery table as ``md``, ``html``, ``csv``, ``json`` or ``tex`` text.

    ``csv`` and ``json`` keep every column at full precision; ``md``,
    ``html`` and ``tex`` show the columns a reader needs (test, candidate,
    statistic, p-values, effect size, calibration, verdict, ...) with
    statistics to 4 and p-values to 3 significant digits.

    Parameters
    ----------
    table : pandas.DataFrame
        As from :func:`forensics.battery`: at least ``statistic``,
        ``pvalue``, ``p_bh``, ``p_holm`` and ``effect_size`` for the shown
        formats.
    fmt : {"md", "html", "csv", "json", "tex"}
        Output format.

    Returns
    -------
    str
        The rendered table, ending with a newline (except ``html``).

    Raises
    ------
    ValueError
        An unknown ``fmt``.

    References
    ----------
    .. [1] McKinney, W. (2010). Data structures for statistical computing in
       Python. *Proceedings of the 9th Python in Science Conference*, 56-61.
       doi:10.25080/Majora-92bf1922-00a

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "test": ["second_digit", "integer_percentage", "last_digit"],
    ...     "candidate": ["A", "A", "A"],
    ...     "statistic": [12.3, 4.56, 20.1],
    ...     "pvalue": [0.197, 0.0004, 0.017],
    ...     "p_bh": [0.197, 0.0008, float("nan")],
    ...     "p_holm": [0.197, 0.0008, float("nan")],
    ...     "effect_size": [0.012, 0.3, 0.05],
    ...     "calibration": ["calibrated", "conservative", "miscalibrated"],
    ...     "reference": ["Mebane (2008)", "Kobak et al. (2016)", "Beber & Scacco (2012)"],
    ... })
    >>> print(table_to(table.iloc[:2], "md"), end="")
    | test | candidate | statistic | pvalue | p_bh | p_holm | effect_size | calibration |
    |---|---|---|---|---|---|---|---|
    | second_digit | A | 12.3 | 0.197 | 0.197 | 0.197 | 0.012 | calibrated |
    | integer_percentage | A | 4.56 | 0.0004 | 0.0008 | 0.0008 | 0.3 | conservative |
    >>> table_to(table, "xlsx")
    Traceback (most recent call last):
    ...
    ValueError: unknown format 'xlsx'; choose md, html, csv, json or tex
    """
    if fmt == "csv":
        return table.to_csv(index=False)
    if fmt == "json":
        records = json.loads(table.to_json(orient="records", double_precision=15))
        return json.dumps(records, indent=1, ensure_ascii=False) + "\n"
    shown = _display(table)
    if fmt == "md":
        header = "| " + " | ".join(shown.columns) + " |"
        rule = "|" + "|".join("---" for _ in shown.columns) + "|"
        body = [
            "| " + " | ".join(str(v).replace("|", "/") for v in row) + " |"
            for row in shown.itertuples(index=False)
        ]
        return "\n".join([header, rule, *body]) + "\n"
    if fmt == "html":
        return shown.to_html(index=False, escape=True, border=0, classes="results")
    if fmt == "tex":
        cols = "l" * len(shown.columns)
        esc = {"&": r"\&", "%": r"\%", "_": r"\_", "#": r"\#", "$": r"\$"}

        def tex(v: object) -> str:
            text = str(v)
            for a, b in esc.items():
                text = text.replace(a, b)
            return text

        lines = [rf"\begin{{tabular}}{{{cols}}}", r"\hline"]
        lines.append(" & ".join(tex(c) for c in shown.columns) + r" \\ \hline")
        lines += [
            " & ".join(tex(v) for v in row) + r" \\" for row in shown.itertuples(index=False)
        ]
        lines += [r"\hline", r"\end{tabular}"]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}; choose md, html, csv, json or tex")


def standard_figures(election: Election, outdir: str | Path) -> list[Path]:
    """Write the standard figures of an election: fingerprint, digits, integer spikes.

    Figures that need registered voters are skipped when the election has
    too few stations with them (fewer than 50).

    Parameters
    ----------
    election : Election
        The stations to draw.
    outdir : str or pathlib.Path
        Folder written to (created if needed), through
        :func:`forensics.figures.savefig`, so the SVG bytes are reproducible.

    Returns
    -------
    list of pathlib.Path
        The written files: ``fingerprint.svg`` and
        ``integer_percentages.svg`` (with registered voters), then
        ``second_digits.svg`` (the two largest candidates).

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical
       detection of systematic election irregularities. *PNAS* 109(41),
       16469-16473. doi:10.1073/pnas.1210722109
    .. [2] Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer
       percentages as electoral falsification fingerprints. *Annals of Applied
       Statistics* 10(1), 54-73. doi:10.1214/16-AOAS904
    .. [3] Mebane, W. R. (2008). Election forensics: the second-digit Benford's
       law test and recent American presidential elections. In *Election
       Fraud: Detecting and Deterring Electoral Manipulation*, 162-181.
       Brookings Institution Press.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import forensics
    >>> e = forensics.simulate_klimek(
    ...     np.full(100, 600), turnout_mean=0.6, turnout_sd=0.1,
    ...     share_mean=0.55, share_sd=0.1, rng=0,
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in standard_figures(e, folder)]
    ['fingerprint.svg', 'integer_percentages.svg', 'second_digits.svg']
    """
    from forensics import digits, spikes, turnout
    from forensics import plots as P

    outdir = Path(outdir)
    written: list[Path] = []
    has_turnout = int((election.counts("registered") > 0).sum()) >= 50
    with style(), warnings.catch_warnings():
        # guardrail warnings belong to the battery table's notes, not to the figures
        warnings.simplefilter("ignore", digits.ForensicsWarning)
        if has_turnout:
            fp = turnout.fingerprint(election)
            fig = Figure(figsize=(5, 4.5))
            ax = fig.subplots()
            P.fingerprint(fp, ax=ax)
            written.append(savefig(fig, outdir / "fingerprint.svg"))
            integer = spikes.integer_percentage_test(election)
            fig = Figure(figsize=(7, 3.5))
            ax = fig.subplots()
            P.integer_histogram(integer, ax=ax)
            written.append(savefig(fig, outdir / "integer_percentages.svg"))
        fig = Figure(figsize=(9, 3.5))
        axes = fig.subplots(1, 2)
        for ax, cand in zip(axes, _top_two(election), strict=False):
            P.digits(digits.second_digit_test(election, column=cand), ax=ax)
            ax.set_title(f"Second digits: {cand}")
        written.append(savefig(fig, outdir / "second_digits.svg"))
    return written


def _top_two(election: Election) -> list[str]:
    totals = election.stations[list(election.candidates)].sum().sort_values(ascending=False)
    return list(totals.index[:2])


def _svg_inline(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def write_html(
    election: Election, table: pd.DataFrame, figures: list[Path], path: str | Path
) -> Path:
    """Write a self-contained HTML report: summary, results, figures, methods, provenance.

    The page holds the election's validation report, the one-line summary
    of :func:`forensics.cli.summary_line`, the results table, the figures
    inlined as SVG and the reference of every method used; it needs no other
    file.

    Parameters
    ----------
    election : Election
        The election the table is about (its report and source are shown).
    table : pandas.DataFrame
        As from :func:`forensics.battery`; its ``reference`` column, when
        present, lists the methods.
    figures : list of pathlib.Path
        SVG files to inline, e.g. from :func:`standard_figures`.
    path : str or pathlib.Path
        The HTML file written (parent folders are created).

    Returns
    -------
    pathlib.Path
        ``path``.

    References
    ----------
    .. [1] Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery
       rate. *Journal of the Royal Statistical Society B* 57(1), 289-300.
       doi:10.1111/j.2517-6161.1995.tb02031.x (the adjusted p-values the
       summary counts).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import forensics
    >>> e = forensics.simulate_klimek(
    ...     np.full(100, 600), turnout_mean=0.6, turnout_sd=0.1,
    ...     share_mean=0.55, share_sd=0.1, rng=0,
    ... )
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "test": ["integer_percentage"], "statistic": [4.56], "pvalue": [0.0004],
    ...     "p_bh": [0.0008], "p_holm": [0.0008], "effect_size": [0.3],
    ...     "calibration": ["conservative"], "reference": ["Kobak et al. (2016)"],
    ... })
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = write_html(e, table, [], Path(folder) / "report.html")
    ...     text = page.read_text(encoding="utf-8")
    >>> text.startswith("<!DOCTYPE html>"), "<li>Kobak et al. (2016)</li>" in text
    (True, True)
    """
    path = Path(path)
    from forensics.cli import summary_line

    refs = sorted({r for r in table.get("reference", pd.Series(dtype=str)) if r})
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>forensics report: {e(election.name or 'election')}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
        "table.results{border-collapse:collapse;font-size:0.8em}"
        "table.results td,table.results th{border-bottom:1px solid #ddd;padding:2px 6px}"
        "figure{margin:1em 0}</style></head><body>",
        f"<h1>Election forensics report: {e(election.name or 'election')}</h1>",
        f"<p>Produced by forensics {e(__version__)}. A forensic test detects a statistical "
        "signature, not fraud: each verdict says what the test can support.</p>",
        '<h2 id="data">Data</h2>',
        f"<pre>{e(election.report())}</pre>",
        f"<p>Source: {e(election.source or 'not stated')}</p>",
        '<h2 id="summary">Summary</h2>',
        f"<p>{e(summary_line(table))}.</p>",
        "<p>Only tests whose rejection rate on clean elections was measured to be at or "
        "below 0.05 (column <code>calibration</code>: calibrated or conservative; "
        "<code>size</code>: the measured rate with its 95 % interval) can show a "
        "signature; their p-values are adjusted together (Benjamini–Hochberg). Tests that "
        "reject clean elections too often (miscalibrated) are shown as descriptive "
        "statistics, without adjusted p-values: a small p-value from them is what clean "
        "elections also produce.</p>",
        '<h2 id="results">Results</h2>',
        table_to(table, "html"),
        '<h2 id="figures">Figures</h2>',
    ]
    for fig in figures:
        parts.append(f"<figure>{_svg_inline(fig)}<figcaption>{e(fig.stem)}</figcaption></figure>")
    parts.append('<h2 id="methods">Methods and references</h2><ul>')
    parts += [f"<li>{e(r)}</li>" for r in refs]
    parts.append("</ul></body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path
