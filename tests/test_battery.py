"""The battery: one tidy row per test, adjusted p-values, verdicts that say only what tests show."""

from __future__ import annotations

import numpy as np
import pytest

from forensics import datasets
from forensics.battery import TESTS, battery
from forensics.simulate import clean_election
from tests.test_simulate import make_template

N_PER_CANDIDATE = sum(t.per_candidate for t in TESTS)
N_SHARED = sum(not t.per_candidate for t in TESTS)


@pytest.fixture(scope="module")
def clean():
    return clean_election(make_template(3000, seed=3), rng=5)


def test_table_shape_and_columns(clean):
    tab = battery(clean, seed=0)
    # two candidates by default: per-candidate tests twice, shared tests once
    assert len(tab) == 2 * N_PER_CANDIDATE + N_SHARED
    assert set(tab["candidate"]) == {"A", "B", ""}
    for col in ("statistic", "pvalue", "p_bh", "p_holm", "effect_size", "verdict", "reference"):
        assert col in tab.columns
    ok = tab["pvalue"].notna()
    assert ok.all(), tab.loc[~ok, ["test", "note"]]
    # adjusted p-values are never below the raw ones; Holm is never below BH
    assert (tab["p_bh"] >= tab["pvalue"] - 1e-15).all()
    assert (tab["p_holm"] >= tab["p_bh"] - 1e-15).all()
    assert (tab["level"] == "national").all()


def test_verdict_follows_adjusted_pvalue(clean):
    tab = battery(clean, seed=0, alpha=0.05)
    flagged = tab["verdict"].str.startswith("signature")
    np.testing.assert_array_equal(flagged.to_numpy(), (tab["p_bh"] < 0.05).to_numpy())
    assert not tab["verdict"].str.contains("fraud").any()


def test_clean_election_raises_few_flags():
    # 20 clean elections x 19 rows: the share of BH-flagged rows stays small. Tests whose
    # textbook null is known to be miscalibrated (2BL on bounded counts) are excluded here;
    # the power study measures every test's size properly.
    rates = []
    template = make_template(2000, seed=11)
    names = [t.name for t in TESTS if t.name != "second_digit"]
    for seed in range(20):
        tab = battery(clean_election(template, rng=seed), tests=names, seed=seed)
        rates.append((tab["p_bh"] < 0.05).mean())
    assert np.mean(rates) < 0.1, rates


def test_by_group_and_skips(clean):
    tab = battery(clean, by="region", tests=["last_digit", "integer_percentages"], seed=0)
    assert set(tab["group"]) == {0, 1, 2, 3}
    assert (tab["level"] == "region").all()
    tiny = clean.subset(np.arange(len(clean)) < 20)
    skipped = battery(tiny, tests=["last_digit"], seed=0)
    assert skipped["pvalue"].isna().all()
    assert skipped["note"].str.startswith("skipped: 20 stations").all()


def test_bad_arguments(clean):
    with pytest.raises(ValueError, match="unknown test"):
        battery(clean, tests=["nope"])
    with pytest.raises(KeyError, match="unknown candidate"):
        battery(clean, candidates=["Z"])
    with pytest.raises(ValueError, match="null must be"):
        battery(clean, null="benford")


def test_controls_integer_verdicts(mirror):
    # Kobak, Shpilkin & Pshenichnikov (2016) find integer-percentage excess in Russia 2011;
    # Poland 2020 (round 2) is a clean control.
    ru = battery(datasets.load("russia-2011"), tests=["integer_percentages"], seed=0)
    pl = battery(datasets.load("poland-2020-r2"), tests=["integer_percentages"], seed=0)
    ur = ru[ru["candidate"] == "United Russia"].iloc[0]
    assert ur["p_bh"] < 1e-6
    assert ur["verdict"].startswith("signature")
    assert (pl["p_bh"] > 0.05).all()
