"""forensics: statistical election forensics with calibrated nulls.

The public namespace is flat: the data model (:class:`Election`,
:func:`read_csv`, :mod:`forensics.datasets`), the tests, and the helpers to
write results and figures.
"""

from forensics import datasets
from forensics.coverage import (
    compare_versions,
    coverage_by_state,
    reweighted_shares,
    table_number_floor,
)
from forensics.election import COUNT_COLUMNS, DataError, Election, read_csv
from forensics.multitest import adjust_pvalues, benjamini_hochberg, holm
from forensics.results import TestResult

__version__ = "0.1.0"

__all__ = [
    "COUNT_COLUMNS",
    "DataError",
    "Election",
    "TestResult",
    "__version__",
    "adjust_pvalues",
    "benjamini_hochberg",
    "compare_versions",
    "coverage_by_state",
    "datasets",
    "holm",
    "read_csv",
    "reweighted_shares",
    "table_number_floor",
]
