"""forensics: statistical election forensics with calibrated nulls.

The public namespace is flat: the data model (:class:`Election`,
:func:`read_csv`, :mod:`forensics.datasets`), the tests, and the helpers to
write results and figures.
"""

from forensics import datasets, maps
from forensics.battery import battery
from forensics.bulletins import (
    CoverageImputation,
    RoundPercentageResult,
    SelectivityResult,
    acta_consistency,
    bulletin_counts,
    coverage_bounds,
    coverage_selectivity_test,
    impute_uncovered,
    load_bulletins,
    round_percentage_scan,
    round_percentage_test,
)
from forensics.coverage import (
    compare_versions,
    coverage_by_state,
    reweighted_shares,
    table_number_floor,
)
from forensics.digits import (
    DigitPairResult,
    DigitTestResult,
    FirstDigitResult,
    ForensicsWarning,
    LastDigitResult,
    RoundNumberResult,
    SecondDigitResult,
    digit_pair_test,
    digit_summary,
    first_digit_test,
    last_digit_test,
    round_number_test,
    second_digit_test,
)
from forensics.election import COUNT_COLUMNS, DataError, Election, read_csv
from forensics.history import SwingAssociationResult, swing, swing_association
from forensics.klimek import KlimekFit, estimate_fair
from forensics.klimek import fit as fit_klimek
from forensics.klimek import simulate as simulate_klimek
from forensics.multitest import adjust_pvalues, benjamini_hochberg, holm
from forensics.polls import (
    Comparison,
    classification_sensitivity,
    compare,
    load_exit_polls,
    load_polls,
    load_pollsters,
    poll_average,
    two_party,
)
from forensics.power import (
    DEFAULT_SCENARIOS,
    FraudScenario,
    corner_rule,
    power_study,
    wilson_interval,
)
from forensics.results import TestResult
from forensics.shpilkin import ShpilkinEstimate, shpilkin
from forensics.simulate import (
    CleanModel,
    clean_election,
    extreme_fraud,
    fabricate_counts,
    fit_clean_model,
    round_percentages,
    stuff_ballots,
    switch_votes,
)
from forensics.spikes import (
    CoarseShareResult,
    IntegerPercentageResult,
    SmallStationResult,
    coarse_share_test,
    integer_percentage_test,
    small_station_test,
)
from forensics.turnout import (
    AssociationResult,
    Fingerprint,
    ShapeResult,
    WithinGroupResult,
    compare_fingerprints,
    fingerprint,
    shape_tests,
    turnout_share_association,
    within_group_association,
)

__version__ = "0.1.0"

__all__ = [
    "COUNT_COLUMNS",
    "DEFAULT_SCENARIOS",
    "AssociationResult",
    "CleanModel",
    "CoarseShareResult",
    "Comparison",
    "CoverageImputation",
    "DataError",
    "DigitPairResult",
    "DigitTestResult",
    "Election",
    "Fingerprint",
    "FirstDigitResult",
    "ForensicsWarning",
    "FraudScenario",
    "IntegerPercentageResult",
    "KlimekFit",
    "LastDigitResult",
    "RoundNumberResult",
    "RoundPercentageResult",
    "SecondDigitResult",
    "SelectivityResult",
    "ShapeResult",
    "ShpilkinEstimate",
    "SmallStationResult",
    "SwingAssociationResult",
    "TestResult",
    "WithinGroupResult",
    "__version__",
    "acta_consistency",
    "adjust_pvalues",
    "battery",
    "benjamini_hochberg",
    "bulletin_counts",
    "classification_sensitivity",
    "clean_election",
    "coarse_share_test",
    "compare",
    "compare_fingerprints",
    "compare_versions",
    "corner_rule",
    "coverage_bounds",
    "coverage_by_state",
    "coverage_selectivity_test",
    "datasets",
    "digit_pair_test",
    "digit_summary",
    "estimate_fair",
    "extreme_fraud",
    "fabricate_counts",
    "fingerprint",
    "first_digit_test",
    "fit_clean_model",
    "fit_klimek",
    "holm",
    "impute_uncovered",
    "integer_percentage_test",
    "last_digit_test",
    "load_bulletins",
    "load_exit_polls",
    "load_polls",
    "load_pollsters",
    "maps",
    "poll_average",
    "power_study",
    "read_csv",
    "reweighted_shares",
    "round_number_test",
    "round_percentage_scan",
    "round_percentage_test",
    "round_percentages",
    "second_digit_test",
    "shape_tests",
    "shpilkin",
    "simulate_klimek",
    "small_station_test",
    "stuff_ballots",
    "swing",
    "swing_association",
    "switch_votes",
    "table_number_floor",
    "turnout_share_association",
    "two_party",
    "wilson_interval",
    "within_group_association",
]
