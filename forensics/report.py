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
    """Render a battery table as ``md``, ``html``, ``csv``, ``json`` or ``tex`` text."""
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
    too few stations with them. Returns the written paths.
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
    """Write a self-contained HTML report: summary, results, figures, methods, provenance."""
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
