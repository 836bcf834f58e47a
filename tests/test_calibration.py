"""The calibration table: how it is measured, the status rule, and what the battery does with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forensics import calibration as C
from forensics.battery import BatteryTest, battery
from forensics.simulate import clean_election, extreme_fraud, toy_election
from tests.test_simulate import make_template


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return C.calibration_table()


def test_size_reading_and_format_by_hand():
    # Wilson 95 % for 17/200 (z^2 = 3.841459): centre (0.085 + z^2/400) / (1 + z^2/200)
    # = 0.094604 / 1.019207 = 0.092821, half-width z sqrt(0.085 * 0.915 / 200 + z^2 / 160000)
    # / 1.019207 = 1.959964 * 0.020320 / 1.019207 = 0.039075 -> [0.053746, 0.131896]: above
    # 0.05; 16/200 -> [0.049841, 0.125989] contains it
    lo, hi = C.wilson_interval(17, 200)
    assert (float(lo), float(hi)) == pytest.approx((0.053746, 0.131896), abs=2e-6)
    assert C.size_reading(lo, hi) == "rejects clean data"
    assert C.size_reading(*C.wilson_interval(16, 200)) == "consistent with alpha"
    # 0/200: [0, z^2 / (200 + z^2)] = [0, 0.018845] (the score formula evaluated in floating
    # point gives 1.7e-18 for the lower end; the interval is clipped to hold the rate 0)
    assert C.wilson_interval(0, 200)[0] == 0.0
    assert C.size_reading(*C.wilson_interval(0, 200)) == "conservative"
    assert C.size_reading(0.02, 0.04, alpha=0.01) == "rejects clean data"
    assert C.format_size(0.085, lo, hi) == "0.085 [0.054, 0.132]"


def test_status_rule_at_hand_computed_boundaries():
    # n = 200: se = sqrt(0.05 * 0.95 / 200) = 0.015411, so the band is 0.05 +- 0.030822,
    # i.e. [0.019178, 0.080822]: 16/200 = 0.080 is inside, 17/200 = 0.085 above;
    # 4/200 = 0.020 inside, 3/200 = 0.015 below.
    assert C.status_from_counts([(16, 200)]) == "calibrated"
    assert C.status_from_counts([(17, 200)]) == "miscalibrated"
    assert C.status_from_counts([(4, 200)]) == "calibrated"
    assert C.status_from_counts([(3, 200)]) == "conservative"
    # one source above is enough; one below and one inside is conservative
    assert C.status_from_counts([(10, 200), (20, 96)]) == "miscalibrated"
    assert C.status_from_counts([(0, 200), (5, 96)]) == "conservative"
    assert C.status_from_counts([(0, 200), (20, 96)]) == "miscalibrated"
    assert C.status_from_counts([(0, 0)]) == "not measured"


def test_table_intervals_are_scipy_wilson(table):
    assert set(table["source"]) == {"simulator", "placebo"}
    assert set(table["control"]) == {
        "Poland 2020 presidential, round 1",
        "Poland 2020 presidential, round 2",
        "Germany 2024 European Parliament",
    }
    for row in table.itertuples():
        ci = stats.binomtest(row.rejections, row.n_run).proportion_ci(method="wilson")
        assert row.ci_low == pytest.approx(ci.low, abs=1e-6)
        assert row.ci_high == pytest.approx(ci.high, abs=1e-6)
        assert row.rate == pytest.approx(row.rejections / row.n_run, abs=1e-6)


def test_every_battery_test_is_measured_under_its_default_null(table):
    from forensics.battery import TESTS, _null_for

    for t in TESTS:
        s = C.calibration_status(t.name, _null_for(t, None), table)
        assert s.n_simulator >= 600, (t.name, s)
        assert s.n_placebo >= 48, (t.name, s)
        assert s.status in {"calibrated", "conservative", "miscalibrated"}


def test_calibrated_tests_have_size_within_two_mc_se_on_both_sources(table):
    seen = 0
    for (test, null), _ in table.groupby(["test", "null"]):
        s = C.calibration_status(test, null, table)
        if s.status != "calibrated":
            continue
        seen += 1
        for size, n in ((s.size_simulator, s.n_simulator), (s.size_placebo, s.n_placebo)):
            se = np.sqrt(0.05 * 0.95 / n)
            assert abs(size - 0.05) <= 2 * se, (test, null, size, n)
    assert seen >= 1


def test_textbook_second_digit_and_unstratified_association_read_as_miscalibrated(table):
    # the textbook 2BL rejects clean controls' regions far above 0.05; so do the
    # turnout-share tests, even within regions: clean elections have a turnout-share link
    for test, null in (
        ("second_digit", "textbook"),
        ("turnout_share_association", "-"),
        ("sobyanin_sukhovolsky", "-"),
    ):
        s = C.calibration_status(test, null, table)
        assert s.status == "miscalibrated", s
        assert s.worst()[1] > 0.2
    assert C.calibration_status("last_digit", "simulated", table).status == "not measured"


def test_regenerated_placebo_slice_matches_the_table(mirror, table):
    # placebo replicates of the deterministic tests are exact: regenerate Poland round 2
    cheap = ["last_digit", "round_numbers_C05s", "digit_pairs", "integer_percentages"]
    e = C.control_election("poland-2020-r2")
    fresh = C.placebo_size(e, tests=cheap, nulls=("textbook",), rng=0)
    stored = table[(table["source"] == "placebo") & (table["control"] == e.name)]
    merged = fresh.merge(stored, on=["test", "null"], suffixes=("", "_stored"))
    assert len(merged) == len(cheap)
    np.testing.assert_array_equal(merged["n_run"], merged["n_run_stored"])
    np.testing.assert_array_equal(merged["rejections"], merged["rejections_stored"])


def test_measure_calibration_takes_an_election_as_control():
    # an Election control is used as it is: its placebo rows are placebo_size's
    # with the rng measure_calibration spawns for it, its name labels the rows
    e = toy_election(600, rng=0)
    t = C.measure_calibration(controls=[e], tests=["integer_percentages"], n_sim=2, rng=1)
    assert t["control"].unique().tolist() == ["toy election"]
    _, plc = np.random.default_rng(1).spawn(2)
    p = C.placebo_size(e, tests=["integer_percentages"], rng=plc)
    got = t[t["source"] == "placebo"].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, p[got.columns].reset_index(drop=True))
    # three regions of 200 stations, two candidates: six runs
    assert got[["replicates", "n_run"]].to_numpy().tolist() == [[3, 6]]
    sim = t[t["source"] == "simulator"]
    assert sim[["replicates", "n_run"]].to_numpy().tolist() == [[2, 4]]


def _always(p: float, name: str) -> BatteryTest:
    def run(election, candidate, rng, null):
        return {"pvalue": p}

    return BatteryTest(name, "spikes", run, True, False, "a constant p-value", "nothing")


def test_rule_flags_a_test_that_never_rejects_and_one_that_always_does():
    template = make_template(600, seed=4)
    template = template.with_stations(
        template.stations.assign(district=np.arange(600) % 12),
        levels=("region", "district"),
    )
    tests = [_always(1.0, "never"), _always(0.001, "always"), "last_digit"]
    sim = C.simulator_size(template, tests=tests, n_sim=60, n_stations=None, rng=1)
    plc = C.placebo_size(template, tests=tests, min_stations=100, rng=1)
    both = pd.concat([sim, plc]).set_index(["test", "source"])
    status = {
        name: C.status_from_counts(
            [
                tuple(both.loc[(name, src), ["rejections", "n_run"]])
                for src in ("simulator", "placebo")
            ]
        )
        for name in ("never", "always", "last_digit")
    }
    assert status == {
        "never": "conservative",
        "always": "miscalibrated",
        "last_digit": "calibrated",
    }


def test_conservative_tests_still_have_power_on_injected_fraud(table):
    # a test whose measured size is below 0.05 must not be a test that cannot reject:
    # the dip test of turnout rejects once 5 % of stations are pushed to ~100 % turnout
    assert C.calibration_status("dip_turnout", "-", table).status == "conservative"
    clean = clean_election(make_template(3000, seed=8), rng=2)
    fraud, _ = extreme_fraud(clean, fraction=0.05, rng=3)
    tab = battery(fraud, tests=["dip_turnout"], rng=0)
    assert tab.loc[0, "calibration"] == "conservative"
    assert tab.loc[0, "p_bh"] < 0.05
    assert tab.loc[0, "verdict"].startswith("signature")
    assert battery(clean, tests=["dip_turnout"], rng=0).loc[0, "p_bh"] > 0.05


@pytest.mark.parametrize("kappa", [0.0, 0.3, -0.2])
def test_mobilisation_fit_recovers_the_simulated_effect(kappa):
    # binomial noise in observed turnout attenuates the slope by about var(z)/(var(z)+noise)
    # ~ 0.94 here (turnout SD 0.069 within regions, noise SD ~0.017 at ~800 voters)
    from forensics.simulate import fit_clean_model

    t = make_template(4000, seed=1)
    e = clean_election(
        t, regions=True, mobilisation=kappa, overdispersion={"turnout": 0.02}, rng=2
    )
    fitted = fit_clean_model(e, regions=True, mobilisation="fit").mobilisation
    assert fitted == pytest.approx(0.94 * kappa, abs=0.03)
    with pytest.raises(ValueError, match="number or 'fit'"):
        fit_clean_model(e, mobilisation="guess")
