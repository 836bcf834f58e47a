"""Power curves from a :func:`forensics.power_study` table."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from forensics.election import DataError

__all__ = ["power_curves"]


def power_curves(
    table: pd.DataFrame,
    *,
    scenario: str | None = None,
    candidate: str | None = None,
    tests: list[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Rejection rate against fraud strength, one line per test.

    Each line starts at strength 0 with the test's size (its rejection rate
    on clean simulated elections) and follows its power at each strength of
    ``scenario``; bars are the 95 % Wilson intervals of the Monte Carlo
    error; the dashed line is ``alpha``.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`~forensics.power_study`.
    scenario : str, optional
        Which scenario to draw; required when the table has several.
    candidate : str, optional
        Which candidate's rows of per-candidate tests; default the first.
        Tests that are not per candidate are always drawn.
    tests : list of str, optional
        Tests to draw; default all in the table.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    forensics.DataError
        If ``table`` lacks a column of a :func:`~forensics.power_study`
        table (a subclass of ``ValueError``).

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession,
       and statistical inference. JASA 22(158), 209–212.
       doi:10.1080/01621459.1927.10502953 (the intervals drawn).

    Examples
    --------
    >>> import pandas as pd
    >>> from forensics.calibration import wilson_interval
    >>> table = pd.DataFrame({"test": "t", "candidate": "A", "param": ["", "fraction"],
    ...                       "scenario": ["clean", "stuffing"], "value": [0.0, 0.1],
    ...                       "rejections": [1, 15], "n_run": 20, "n_sim": 20, "alpha": 0.05})
    >>> table["rate"] = table["rejections"] / table["n_run"]
    >>> table["ci_low"], table["ci_high"] = wilson_interval(table["rejections"], table["n_run"])
    >>> ax = power_curves(table)
    >>> ax.get_xlabel(), ax.get_title()
    ('stuffing: fraction (0 = clean)', 'Size and power, 20 simulations per point (A)')
    """
    need = {"test", "candidate", "scenario", "param", "value", "rate", "ci_low", "ci_high"}
    missing = need - set(table.columns)
    if missing:
        raise DataError(f"table lacks column(s) {sorted(missing)}; pass a power_study table")
    frauds = [s for s in dict.fromkeys(table["scenario"]) if s != "clean"]
    if scenario is None:
        if len(frauds) != 1:
            raise ValueError(f"choose a scenario: the table has {frauds}")
        scenario = frauds[0]
    if scenario not in frauds:
        raise ValueError(f"unknown scenario {scenario!r}; the table has {frauds}")
    cands = [c for c in dict.fromkeys(table["candidate"].fillna("")) if c]
    if candidate is None:
        candidate = cands[0] if cands else ""
    elif candidate not in cands:
        raise ValueError(f"unknown candidate {candidate!r}; the table has {cands}")
    cand_col = table["candidate"].fillna("")
    rows = table[table["scenario"].isin(["clean", scenario]) & cand_col.isin([candidate, ""])]
    names = list(dict.fromkeys(rows["test"])) if tests is None else list(tests)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.0))
    param = str(rows.loc[rows["scenario"] == scenario, "param"].iloc[0])
    markers = "osD^v<>ph*"
    for i, name in enumerate(names):
        r = rows[rows["test"] == name].sort_values("value")
        if r.empty:
            raise ValueError(f"test {name!r} is not in the table")
        x = r["value"].to_numpy(dtype=float)
        y = r["rate"].to_numpy(dtype=float)
        err = np.vstack([y - r["ci_low"].to_numpy(), r["ci_high"].to_numpy() - y])
        ax.errorbar(
            x, y, yerr=err, marker=markers[i % len(markers)], ms=4, capsize=2, lw=1, label=name
        )
    if "alpha" in rows.columns and len(rows):
        ax.axhline(float(rows["alpha"].iloc[0]), color="0.4", ls="--", lw=0.8, label="alpha")
    ax.set_xlabel(f"{scenario}: {param} (0 = clean)")
    ax.set_ylabel("rejection rate")
    ax.set_ylim(-0.02, 1.02)
    n = int(rows["n_sim"].iloc[0]) if "n_sim" in rows.columns and len(rows) else 0
    ax.set_title(
        f"Size and power, {n} simulations per point" + (f" ({candidate})" if candidate else "")
    )
    ax.legend(fontsize=7, loc="best")
    return ax
