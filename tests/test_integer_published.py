"""The integer-percentage test against the authors' own numbers for Russia 2004-2024.

Kobak, Shpilkin & Pshenichnikov (2016, AoAS 10:54) count polling stations
whose turnout or leader result is an integer percentage. Their public
notebooks (github.com/dkobak/elections, ``analysis/2024/2024.ipynb``,
commit 3edf9851, last code cell; the same values in ``analysis/2026``) print
the excess for every federal election with "the inclusion criteria that we
used in the AOAS paper": registered >= 100, ballots received > 0, turnout
(ballots *issued* / registered) and leader result (leader / received) at most
99 %, a window of +-0.05 pp, and 1,000 Monte Carlo replicates (seed 42). The
excess is observed minus the replicates' mean, for "turnout or leader",
counted in stations.

Their Monte Carlo mean carries a standard error of SD / sqrt(1000), about
3.6 stations; our exact expectation carries none. We require agreement
within 3 such standard errors. The 2020 constitutional referendum is left
out: its protocol has no valid-ballots line, so "received" is not the same
quantity in their referendum analysis and in our loader (we measured 3,682
against their 3,611).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from forensics import datasets
from forensics.spikes import integer_percentage_test

PUBLISHED = pd.read_csv(
    Path(__file__).resolve().parents[1] / "data" / "published_integer_excess.csv"
).set_index("year")
# 2000 and 2003 are not in the data mirror; 2020 is left out (module docstring).
YEARS = [2004, 2007, 2008, 2011, 2012, 2016, 2018, 2021, 2024]


def test_published_table():
    assert list(PUBLISHED.index) == [2000, 2003, *YEARS[:5], 2016, 2018, 2020, 2021, 2024]
    assert PUBLISHED["source"].str.startswith("https://github.com/dkobak/elections/").all()
    assert PUBLISHED.loc[2011, "excess_stations"] == 1003.477


@pytest.fixture(scope="module")
def russian():
    if not os.environ.get("FORENSICS_DATA_DIR"):
        pytest.skip("FORENSICS_DATA_DIR is not set")
    return {}


@pytest.mark.parametrize("year", YEARS)
def test_excess_reproduces_the_authors_numbers(russian, year):
    e = datasets.load(f"russia-{year}")
    r = integer_percentage_test(e, turnout_from="ballots_issued")
    either = r.table.set_index(["quantity", "weight"]).loc[("either", "stations")]
    mc_standard_error = either["sd"] / 1000**0.5
    assert abs(either["excess"] - PUBLISHED.loc[year, "excess_stations"]) <= 3 * mc_standard_error
    # the excess is far outside the null in every one of these elections
    assert either["z"] > 6
    assert r.n > 85_000


def test_ballots_issued_matter(russian):
    # Kobak et al. count turnout from ballots issued; ballots found in the boxes
    # give a different (here larger) 2011 excess, so the definition is not idle.
    e = datasets.load("russia-2011")
    issued = integer_percentage_test(e, turnout_from="ballots_issued").table
    boxes = integer_percentage_test(e).table
    key = (issued["quantity"] == "either") & (issued["weight"] == "stations")
    a, b = float(issued.loc[key, "excess"].iloc[0]), float(boxes.loc[key, "excess"].iloc[0])
    assert abs(a - PUBLISHED.loc[2011, "excess_stations"]) < 11
    assert abs(a - b) > 11
