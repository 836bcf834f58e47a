"""Observed against expected digit frequencies for any digit-test result."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from forensics.digits import DigitTestResult

__all__ = ["digits"]


def digits(result: DigitTestResult, *, ax: Axes | None = None) -> Axes:
    """Draw observed cell frequencies as bars against the expected ones.

    Parameters
    ----------
    result : DigitTestResult
        Any result of :mod:`forensics.digits`.
    ax : matplotlib Axes, optional
        Drawn into; default a new figure's Axes.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Bars: observed proportions with ±1.96 binomial standard errors. Line
    with dots: the textbook null; dashed line: the mean of the simulated
    clean elections when the result used ``null="simulated"``.

    References
    ----------
    .. [1] Mebane, W. R. (2008). Election forensics: the second-digit Benford's
       law test and recent American presidential elections. In R. M. Alvarez,
       T. E. Hall & S. D. Hyde (eds.), *Election Fraud: Detecting and Deterring
       Electoral Manipulation*, 162-181. Brookings Institution Press.
    .. [2] Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based
       test for election fraud. *Political Analysis* 20(2), 211-234.
       doi:10.1093/pan/mps003

    Examples
    --------
    The last digits of a small clean election, against the uniform null:

    >>> from matplotlib.figure import Figure
    >>> import forensics
    >>> from forensics import plots
    >>> e = forensics.toy_election(400, rng=0)
    >>> result = forensics.last_digit_test(e, column="A")
    >>> ax = plots.digits(result, ax=Figure().subplots())
    >>> len(ax.patches), ax.get_ylabel()
    (10, 'proportion')
    """
    if not isinstance(result, DigitTestResult):
        raise TypeError(f"result must be a digit-test result, got {type(result).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    x = np.arange(len(result.cells))
    freq = result.observed_freq
    n = max(int(result.observed.sum()), 1)
    se = np.sqrt(result.expected * (1 - result.expected) / n)
    ax.bar(x, freq, color="C0", alpha=0.7, label=f"observed (n = {result.n:,})")
    ax.errorbar(
        x,
        result.expected,
        yerr=1.96 * se,
        fmt="o-",
        color="C3",
        ms=3,
        lw=1,
        label=f"{result.null if result.null != 'simulated' else 'textbook'} null ±1.96 SE",
    )
    if result.expected_simulated is not None:
        ax.plot(
            x,
            result.expected_simulated,
            "--",
            color="k",
            lw=1,
            label=f"simulated clean ({result.n_sim} elections)",
        )
    step = 1 if len(x) <= 20 else 10
    ax.set_xticks(x[::step], [str(c) for c in result.cells[::step]])
    ax.set_ylabel("proportion")
    title = result.method + (f" — {result.column}" if result.column else "")
    ax.set_title(f"{title}\np = {result.pvalue:.3g} ({result.null} null)")
    ax.legend(fontsize="small", frameon=False)
    return ax
