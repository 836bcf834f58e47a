# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
# ---

# %% [markdown]
# # Quickstart: load an election, run a test, read the result
#
# This notebook shows the three steps every analysis in `forensics` follows.
#
# 1. **Load** station-level results into a validated `Election`. Here: the opposition's
#    tally sheets (actas) of Venezuela's presidential election of 28 July 2024, fetched
#    from their pinned public URL (or read from the mirror in `FORENSICS_DATA_DIR`) and
#    checked against their sha256.
# 2. **Test**: every test takes the `Election` (or a plain array of counts) and returns a
#    frozen result with its statistic, p-value, effect size, the null it used and the
#    paper it comes from.
# 3. **Read** the result for what it supports: a statistical signature, not fraud.

# %%
import warnings

import forensics
from forensics import datasets

election = datasets.load("venezuela-2024")
print(election.report())

# %% [markdown]
# Totals and shares of valid votes for the two leading candidates:

# %%
totals = election.totals()
shares = election.shares()
for name in ("Gonzalez", "Maduro"):
    print(f"{name:9s} {totals[name]:>12,.0f} votes  {shares[name]:7.2%} of valid")
print(f"{'valid':9s} {totals['valid']:>12,.0f}")

# %% [markdown]
# ## One test: last digits of Maduro's counts
#
# Beber & Scacco (2012) observe that people who invent numbers pick last digits
# unevenly, while the last digit of a genuine count of a few dozen votes or more is close
# to uniform. The test compares the last digits of the counts (10 or more, the default
# `min_count`) with the uniform distribution.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = forensics.last_digit_test(election, column="Maduro")
print(result.summary())
print(f"last-digit mean: {result.mean:.3f} (4.5 expected), p = {result.mean_pvalue:.3f}")
for w in caught:  # guardrails speak as warnings; here they are part of the reading
    print(f"note: {w.message}")

# %% [markdown]
# Every result is data: `to_frame()` gives a one-row table of its scalar fields.

# %%
frame = result.to_frame()[["method", "statistic", "pvalue", "n", "n_excluded", "null"]]
print(frame.round(4).to_string(index=False))

# %% [markdown]
# **Reading it.** The last digits of Maduro's table counts do not depart from uniformity
# at conventional levels, and the effect size is tiny (the guardrail note above says why
# it, not the p-value, is the number to judge on 25,000 counts). That is evidence against one specific way of producing
# numbers (writing them down by hand), for these counts only; it says nothing about
# numbers that were never on these tally sheets, nor about other ways to alter results.
# The other notebooks run every test, for both candidates, against simulated nulls and
# beside elections documented as falsified and clean ones.
#
# **Reference.** Beber, B., & Scacco, A. (2012). What the numbers say: A digit-based test
# for election fraud. *Political Analysis* 20(2), 211–234. doi:10.1093/pan/mps003
