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
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Digit tests on the Venezuelan actas, 2024
#
# **Question.** Do the digits of the vote counts on the published tally sheets (actas)
# look like counted numbers, or like numbers written down by people? Two hypotheses,
# pointing in opposite directions, are on the table:
#
# * **H-Maduro: invented counts in favour of Maduro.** Ballot stuffing or counts
#   written into the tally rather than counted would inflate Maduro's counts on the
#   actas (and the ballots on those tables). The signature would sit in *Maduro's*
#   column (and the ballots).
# * **H-González: fabricated actas in favour of González.** If acta images were
#   forged, someone wrote down *every* number on them, so both leading candidates'
#   columns would carry the signature of invented numbers; the opposition's claim
#   rests on González's counts.
#
# **What digit tests can say.** They test how numbers were produced: a departure from
# the digit distribution that clean counts of these tables would show is a signature
# of numbers not produced by counting (or of a model that describes the clean counts
# badly). They cannot tell who benefits: an invented 134 for Maduro and an invented
# 134 for González have the same digits. Which column carries a signature is the only
# link to the two hypotheses above, and it is weak, since fabricated actas would
# carry invented numbers in both columns.
#
# **Data.** V2 of the opposition's acta CSV (25,073 tables; notebook 01 for its
# provenance, coverage and checks), read through `forensics.datasets.load`. The CNE
# published no table-level results, so the official totals cannot be digit-tested:
# if the announced national totals were invented at the top (notebook 05), the actas
# carry no trace of it.
#
# **Controls.** Five elections with station-level counts: Russia 2011 (Duma) and 2012
# (president) and Uganda 2011 (president), where other evidence points to
# manipulation (Klimek et al. 2012, doi:10.1073/pnas.1210722109; Kobak, Shpilkin &
# Pshenichnikov 2016, doi:10.1214/16-AOAS904), against Poland 2020
# (president, both rounds) and Germany 2024 (European Parliament, in-person districts),
# where none does. Which tests tell these groups apart is the best evidence of what
# a test can detect on real data.

# %%
import matplotlib

matplotlib.use("Agg")
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from forensics import datasets
from forensics.digits import (
    ForensicsWarning,
    digit_summary,
    first_digit_test,
    last_digit_test,
    second_digit_test,
    stratified_mean_test,
)
from forensics.figures import savefig, style
from forensics.plots import choropleth
from forensics.plots import digits as plot_digits

pd.set_option("display.width", 130)

N_SIM = 199  # simulated clean elections, Venezuela (national, by state)
N_SIM_CONTROLS = 99  # per control election
N_SIM_MUNICIPAL = 49  # per municipality, for the stratified expectation in section 4

v2 = datasets.load("venezuela-2024")
print(f"{v2.name}: {len(v2):,} tables; candidates {', '.join(v2.candidates)}")
print(f"leader in the file's metadata: {v2.leader}; levels: {', '.join(v2.levels)}")


# %%
def fmt_p(p):
    """p-values: 3 significant digits, scientific below 0.001."""
    if not np.isfinite(p):
        return "n/a"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def show(df, columns, **extra):
    """Print a summary table with fixed formats (no NumPy reprs)."""
    formats = {
        "observed": "{:.4f}".format,
        "textbook": "{:.4f}".format,
        "simulated": "{:.4f}".format,
        "sim_sd": "{:.4f}".format,
        "effect_size": "{:.4f}".format,
        "n": "{:,.0f}".format,
        "n_excluded": "{:,.0f}".format,
        **{c: fmt_p for c in df.columns if c.startswith("p_")},
        **extra,
    }
    print(df[columns].to_string(index=False, formatters=formats, na_rep="n/a"))


def summary_quietly(*args, **kwargs):
    """digit_summary with its one aggregate guardrail warning returned as text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForensicsWarning)
        out = digit_summary(*args, **kwargs)
    notes = [str(w.message) for w in caught if issubclass(w.category, ForensicsWarning)]
    return out, notes


# %% [markdown]
# ## 1. The tests and their nulls
#
# All tests are in `forensics.digits`; `digit_summary` runs them on several columns
# and puts each statistic's textbook expectation beside its simulated one.
#
# | test | statistic | textbook null | reference |
# |---|---|---|---|
# | 1BL | χ² on 9 first digits; MAD | Benford, P(d) = log₁₀(1 + 1/d) | Benford (1938); Nigrini (2012), doi:10.1002/9781119203094 |
# | 2BL | χ² on 10 second digits; second-digit mean | 2BL, mean 4.187 | Mebane (2006, 2008); Hicken & Mebane (2017) |
# | last digit | χ² on 10 last digits; mean | uniform, mean 4.5 | Beber & Scacco (2012), doi:10.1093/pan/mps003 |
# | C05s | share of counts ending in 0 or 5 | 0.2, exact binomial | Hicken & Mebane (2017) |
# | P05s | share of rounded percentages (of valid votes) ending in 0 or 5 | 0.2, exact binomial | Hicken & Mebane (2017) |
# | pairs | repeated and adjacent last-two-digit pairs | 0.10 and 0.18 | Beber & Scacco (2012) |
#
# Counts below 10 are excluded (and counted) from the 2BL, last-digit, C05s and pair
# tests: a single-digit count has no second digit, and small counts pile up on small
# last digits in clean data.
#
# **The calibrated null.** Station counts need not follow Benford's law, clean or not:
# table sizes are bounded, and the digits of counts drawn from a narrow range depend
# on the shape of that range (Deckert, Myagkov & Ordeshook 2011,
# doi:10.1093/pan/mpr014; Mebane 2011, doi:10.1093/pan/mpr024, who answers that the
# expectations must reflect the features of ordinary elections). The simulated null
# (`forensics.simulate.fit_clean_model`, after Mebane 2007) draws clean elections on
# the same 25,073 tables: each table keeps its registered electors (imputed for the
# 543 tables without them), turnout is beta-distributed across tables, candidate
# shares Dirichlet-distributed, and every count binomial. Its p-values are Monte Carlo
# tail probabilities; its mean is the value these data *should* show if they were
# clean and the model right.
#
# **Time budget.** All notebooks together must run in under 10 minutes on 2 cores, so
# this one uses 199 simulated elections for Venezuela (smallest possible p-value
# 1/200 = 0.005; 0.01 for two-sided tests), 99 per control election (0.01; 0.02) and
# 49 per municipality in section 4. One set of simulations serves every test and every
# column tested (`digit_summary`), and each call has its own seed.

# %% [markdown]
# ## 2. National results, both leading candidates

# %%
national, notes = summary_quietly(v2, ["Maduro", "Gonzalez", "ballots"], n_sim=N_SIM, rng=20240728)
for note in notes:
    print("guardrail:", note)
cols = ["column", "statistic", "n", "observed", "textbook", "simulated", "sim_sd"]
show(national, cols)

# %%
show(
    national,
    ["column", "statistic", "p_textbook", "p_simulated", "effect_size_name", "effect_size"],
)

# %% [markdown]
# The guardrail warnings are kept in the table's `warnings` column. For Maduro's
# counts (González's are alike) they read:

# %%
mad = national[(national["column"] == "Maduro") & (national["warnings"] != "")]
for test, text in mad.drop_duplicates("test")[["test", "warnings"]].itertuples(index=False):
    print(f"{test}: {text}")

# %% [markdown]
# **Figure.** Observed digit frequencies against the textbook null (red, ±1.96
# standard errors). The second digit is drawn with its simulated null (dashed: the
# mean of the simulated clean elections; same seed as the table above, so the same
# numbers); the first digit against Benford and the last digit against uniform
# (their simulated expectations are in the table).

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ForensicsWarning)  # reported as text above
    panels = {}
    for col in ("Maduro", "Gonzalez"):
        panels[col] = [
            first_digit_test(v2, column=col, rng=20240728),
            second_digit_test(v2, column=col, null="simulated", n_sim=N_SIM, rng=20240728),
            last_digit_test(v2, column=col),
        ]
with style():
    fig, axes = plt.subplots(2, 3, figsize=(13.0, 7.0), layout="constrained")
    for row, col in enumerate(("Maduro", "Gonzalez")):
        for ax, res in zip(axes[row], panels[col], strict=True):
            plot_digits(res, ax=ax)
            ax.set_title(ax.get_title(), fontsize=8)
            ax.set_xlabel("digit")
    fig.suptitle(
        "Venezuela 2024 actas (V2): digits of Maduro's (top) and González's (bottom) counts"
    )
    savefig(fig, "../figures/02_national_digits.svg")
check = panels["Maduro"][1]
print(
    f"2BL Maduro, direct call: mean {check.mean:.4f}, simulated {check.mean_simulated:.4f}, "
    f"p = {fmt_p(check.mean_pvalue)}; bootstrap 95% interval of the mean "
    f"[{check.mean_ci_low:.3f}, {check.mean_ci_high:.3f}]"
)
check = panels["Gonzalez"][1]
print(
    f"2BL González, direct call: mean {check.mean:.4f}, simulated {check.mean_simulated:.4f}, "
    f"p = {fmt_p(check.mean_pvalue)}; bootstrap 95% interval of the mean "
    f"[{check.mean_ci_low:.3f}, {check.mean_ci_high:.3f}]"
)

# %% [markdown]
# **Reading the national table.**
#
# * **First digit (1BL).** Both candidates' counts and the ballots fail Benford's law
#   massively, and so does every simulated clean election of these tables (simulated
#   χ² ≈ 3,200 for Maduro, 12,800 for González, against 8 under Benford): table counts
#   span about 2.3 orders of magnitude, and their first digits follow the table sizes,
#   not Benford. The textbook 1BL test says nothing about fraud here.
# * **Second digit (2BL).** The textbook 2BL mean rejects for both candidates, in
#   opposite directions (Maduro 3.999, González 4.382, against 4.187). Against what
#   clean counts of these tables should show, González's mean (expected 4.405) and the
#   ballots' (4.453 expected, 4.472 observed) are unremarkable; Maduro's is 0.12 below
#   its simulated value (3.999 against 4.118, p = 0.01, the Monte Carlo floor), and his
#   2BL χ² is far above its simulated range. Section 4 asks how much of that is the
#   clean model's fault, and section 6 how often this test rejects clean elections.
# * **Last digit, C05s, P05s, digit pairs.** No departure for either candidate or the
#   ballots: last-digit means 4.47–4.51 (4.5 expected), shares ending in 0 or 5 at
#   0.198–0.201 (0.2), shares of rounded percentages ending in 0 or 5 at 0.199–0.201,
#   repeated and adjacent pairs at their expected 10 % and 18 %. For these tests the
#   textbook and simulated nulls agree, as expected for counts in the hundreds.
#   These are the tests built to detect numbers written down by people (Beber &
#   Scacco 2012) and round-number reporting (Hicken & Mebane 2017).

# %% [markdown]
# ## 3. Effect sizes: χ² on 25,000 tables
#
# With n ≈ 25,000, a χ² test rejects departures far too small to matter, so each χ²
# comes with Cohen's w = √(χ²/n) (Cohen 1988, doi:10.4324/9780203771587: 0.1 "small")
# and, for the first digit, the mean absolute deviation (MAD) with Nigrini's
# conformity label and its excess over the MAD expected from sampling alone (Barney &
# Schulzke 2016, doi:10.2308/jfar-51622). The χ² that a clean election of these tables
# would give is the better yardstick: its simulated mean is in the table above.

# %%
rows = []
for col in ("Maduro", "Gonzalez"):
    r1, r2, rl = panels[col]
    rows.append(
        {
            "column": col,
            "1BL MAD": r1.mad,
            "1BL label": r1.mad_conformity,
            "1BL excess MAD": r1.excess_mad,
            "1BL span (log10)": r1.magnitude_span,
            "2BL w": r2.effect_size,
            "last-digit w": rl.effect_size,
        }
    )
f4 = "{:.4f}".format
print(
    pd.DataFrame(rows).to_string(
        index=False,
        formatters={
            "1BL MAD": f4,
            "1BL excess MAD": f4,
            "1BL span (log10)": "{:.2f}".format,
            "2BL w": f4,
            "last-digit w": f4,
        },
    )
)
chi = national[national["statistic"].str.endswith("χ²")].copy()
chi["w_simulated"] = np.sqrt(chi["simulated"] / chi["n"])
chi["w_observed"] = np.sqrt(chi["observed"] / chi["n"])
show(chi, ["column", "statistic", "w_observed", "w_simulated"], w_observed=f4, w_simulated=f4)

# %% [markdown]
# All departures are small in effect size: Cohen's w of 0.07–0.10 for the second digit
# (where the simulated clean elections themselves give 0.03–0.09) and near 0.02 for
# the last digit. Only the first digit shows large effects, and the clean model shows
# them too. Nigrini's MAD label ("nonconformity") applies to every simulated clean
# election of these tables as well, so it is not evidence of anything here.

# %% [markdown]
# ## 4. How good is the clean model? Maduro's second digits Maduro's second digits
#
# The simulated null is only as good as the clean model. One beta turnout and one
# Dirichlet share distribution for the whole country cannot reproduce the spread of
# Maduro's counts, whose share ranges from under 20 % in the Andes to near 50 % in
# Sucre and Delta Amacuro (notebook 01). The quantiles of the counts in the data and in
# one simulated clean election show how far off the model is:

# %%
from forensics.simulate import fit_clean_model

model = fit_clean_model(v2)
one = model.simulate(np.random.default_rng(7))
q = [0.05, 0.25, 0.5, 0.75, 0.95]
rows = []
for col in ("Maduro", "Gonzalez"):
    rows.append([f"{col}, actas", *np.quantile(v2.counts(col), q)])
    rows.append([f"{col}, one clean simulation", *np.quantile(one[col], q)])
print(
    pd.DataFrame(rows, columns=["counts", *[f"q{int(100 * x):02d}" for x in q]]).to_string(
        index=False, float_format="{:.0f}".format
    )
)
print(
    f"model: mean table turnout {model.turnout_mean:.3f} (phi {model.turnout_phi:.3f}); "
    f"shares phi {model.shares_phi:.3f}; registered imputed for {model.n_imputed} tables"
)

# %% [markdown]
# The second-digit mean is an average over tables, so it can be calibrated against a
# *stratified* clean model: fit the model separately in every state, or in every
# municipality, and the expected national mean is the average of the groups'
# simulated means weighted by their counts (its standard error follows from the
# groups' simulated spreads; `stratified_mean_test`, after Cochran 1977, ch. 5). The
# more local the model, the more of the real heterogeneity it keeps. The by-state run
# is also used in section 5.

# %%
by_state, notes_state = summary_quietly(
    v2, ["Maduro", "Gonzalez", "ballots"], by="state", n_sim=N_SIM, rng=20240729
)
by_muni, notes_muni = summary_quietly(
    v2,
    ["Maduro", "Gonzalez"],
    tests=["2BL"],
    by="municipality",
    n_sim=N_SIM_MUNICIPAL,
    rng=20240730,
)
print(
    f"states: {by_state['state'].nunique()}; municipalities: {by_muni['municipality'].nunique()}"
)
for note in notes_state + notes_muni:
    print("guardrail:", note)


rows = []
for col in ("Maduro", "Gonzalez"):
    nat = national[(national["column"] == col) & (national["statistic"] == "2BL mean")].iloc[0]
    rows.append(
        {"column": col, "clean model fitted": "nationally", "groups": 1, "n": int(nat["n"]),
         "observed": nat["observed"], "expected": nat["simulated"], "sd": nat["sim_sd"]}
    )  # fmt: skip
    for label, table in (("by state", by_state), ("by municipality", by_muni)):
        r = stratified_mean_test(table, col, statistic="2BL mean")
        rows.append(
            {"column": col, "clean model fitted": label, "groups": r.groups, "n": r.n,
             "observed": r.observed, "expected": r.expected, "sd": r.sd}
        )  # fmt: skip
strat = pd.DataFrame(rows)
strat["z"] = (strat["observed"] - strat["expected"]) / strat["sd"]
print(
    strat.to_string(
        index=False,
        formatters={
            "n": "{:,}".format,
            "observed": f4,
            "expected": f4,
            "sd": f4,
            "z": "{:+.1f}".format,
        },
    )
)
print("textbook 2BL mean: 4.1874")

# %% [markdown]
# The national clean model spreads Maduro's counts too widely (5 %–95 % range 28–300
# against 41–251 in the actas). Fitting the model state by state, then municipality by
# municipality, moves Maduro's expected second-digit mean from 4.118 to 4.107 and then
# 4.077, towards the observed 3.999: the gap shrinks from 7.3 to 4.3 standard errors
# as the model keeps more of the real heterogeneity, and nothing says it would not
# shrink further with a model of the parishes or centres, or with a turnout–share
# correlation the model leaves out. González's gap stays at about −1.2 standard
# errors throughout. **Maduro's second-digit departure is therefore a departure from
# a particular smooth model of clean counts**, of the kind Deckert et al. (2011) and
# Mebane (2011) warn about; it is not, by itself, a signature of invented numbers.
# Invented numbers would also be expected to show in the last digits and pairs,
# which they do not (section 2).

# %% [markdown]
# ## 5. By state, with adjusted p-values
#
# Each of the 24 states is tested on its own, with the clean model fitted to the
# state's own tables (199 simulated elections per state). Within each candidate and
# statistic, the 24 p-values are adjusted with Benjamini–Hochberg (false discovery
# rate; Benjamini & Hochberg 1995, doi:10.1111/j.2517-6161.1995.tb02031.x) and Holm
# (family-wise error; Holm 1979, *Scand. J. Stat.* 6, 65–70).
#
# **The Monte Carlo floor.** With 199 simulations the smallest simulated p-value is
# 0.005 for a χ² (one-sided) and 0.01 for a mean or share (two-sided). Holm multiplies
# the smallest of 24 p-values by 24, so under the simulated null Holm can reach 0.12 at
# best for a χ² and 0.24 for a mean: **it cannot reject any state here**, by
# construction, and its adjusted p-values are shown only for completeness.
# Benjamini–Hochberg can reject when several states are small together. For the
# last-digit, C05s, P05s and pair tests the textbook null is close to the simulated one
# (section 2), so their textbook p-values, which have no floor, are usable as well.

# %%
rows = []
for (col, stat), g in by_state.groupby(["column", "statistic"], sort=False):
    rows.append(
        {
            "column": col,
            "statistic": stat,
            "textbook p<0.05": int((g["p_textbook"] < 0.05).sum()),
            "textbook BH<0.05": int((g["p_textbook_bh"] < 0.05).sum()),
            "textbook Holm<0.05": int((g["p_textbook_holm"] < 0.05).sum()),
            "simulated p<0.05": int((g["p_simulated"] < 0.05).sum()),
            "simulated BH<0.05": int((g["p_simulated_bh"] < 0.05).sum()),
            "simulated Holm<0.05": int((g["p_simulated_holm"] < 0.05).sum()),
        }
    )
print("number of states (of 24) below 0.05:")
print(pd.DataFrame(rows).to_string(index=False))

# %%
key = ["2BL mean", "last-digit χ²", "C05s", "pairs χ²"]
wide = by_state[by_state["statistic"].isin(key)].pivot_table(
    index="state", columns=["column", "statistic"], values="p_simulated_bh", sort=False
)
wide = wide.reindex(columns=pd.MultiIndex.from_product([["Maduro", "Gonzalez"], key]))
wide.columns = [f"{c[:3]} {s}" for c, s in wide.columns]
print("Benjamini–Hochberg adjusted p-values, simulated null, by state:")
print(wide.to_string(float_format="{:.3f}".format))

# %%
flagged = by_state[(by_state["p_simulated_bh"] < 0.05) | (by_state["p_textbook_bh"] < 0.05)]
flagged = flagged[~flagged["statistic"].isin(["1BL χ²", "2BL χ²", "2BL mean"])]
print("calibrated tests with a BH-adjusted p < 0.05 (textbook or simulated null):")
if len(flagged):
    show(
        flagged,
        ["state", "column", "statistic", "observed", "simulated", "p_textbook_bh",
         "p_simulated_bh"],
    )  # fmt: skip
else:
    print("none")
small = by_state.groupby("state")["stations"].first().sort_values().head(3)
print("smallest states (tables): " + ", ".join(f"{s} {n}" for s, n in small.items()))

# %% [markdown]
# **By state.** The textbook first-digit test rejects in all 24 states for both
# candidates and the ballots, and the textbook 2BL mean in 14 (Maduro), 10 (González)
# and 17 (ballots) states after Benjamini–Hochberg adjustment: these are the
# miscalibrated nulls. Under each state's simulated null the 2BL mean of Maduro's
# counts stays below 0.05 after BH in 7 states (Delta Amacuro, Falcón, La Guaira,
# Lara, Táchira, Yaracuy, Zulia, all at the Monte Carlo floor), in both directions
# (below its simulated value in most, above in La Guaira and Táchira), and in none
# for González or the ballots; the state-level model has the same limits as the
# national one (section 4), and the clean controls fail this test too (section 6).
#
# The tests built for invented numbers find nothing after adjustment, with one
# exception: adjacent last-two-digit pairs in González's counts in Aragua (21.3 % of
# 1,509 tables, against 18 %; textbook BH-adjusted p = 0.022, not significant under
# the simulated null with its 0.24 floor). Across 10 statistics, three columns and 24
# states (720 tests per null), one such result is about what chance alone gives, and
# the other half of the pattern Beber & Scacco associate with invented numbers, too
# few repeated pairs, is not significant there (9.0 %, p = 0.21).
# second-digit mean against the textbook 4.187 and against the state's own simulated
# clean elections, and the last-digit and C05s tests under the simulated null.

# %%
panels_map = [
    ("2BL mean", "p_textbook_bh", "2BL mean, textbook null"),
    ("2BL mean", "p_simulated_bh", "2BL mean, simulated null"),
    ("last-digit χ²", "p_simulated_bh", "last digit χ², simulated null"),
    ("C05s", "p_simulated_bh", "C05s, simulated null"),
]
state_map = datasets.load("venezuela-states")
with style():
    fig, axes = plt.subplots(2, 4, figsize=(15.0, 7.6), layout="constrained")
    for row, col in enumerate(("Maduro", "Gonzalez")):
        for ax, (stat, pcol, title) in zip(axes[row], panels_map, strict=True):
            sel = by_state[(by_state["column"] == col) & (by_state["statistic"] == stat)]
            choropleth(
                sel.set_index("state")[pcol],
                boundaries=state_map,
                ax=ax,
                kind="pvalue",
                title=f"{'González' if col == 'Gonzalez' else col}: {title}",
                label="BH-adjusted p-value",
                colorbar=row == 1,
            )
            ax.title.set_fontsize(8)
    fig.suptitle(
        "Venezuela 2024 actas: digit tests by state, Benjamini–Hochberg adjusted across 24 "
        f"states ({N_SIM} simulated clean elections per state)"
    )
    savefig(fig, "../figures/02_maps_by_state.svg")

# %% [markdown]
# ## 6. The controls: which tests separate manipulated from clean elections?
#
# Each control election is tested on the leading candidate's counts and on the ballots
# (P05s of ballots is the share of turnout percentages ending in 0 or 5), with its own
# simulated clean elections (99 each). Germany: in-person districts only (postal
# districts have no electorate of their own).

# %%
CONTROLS = {
    "russia-2011": "manipulation documented",
    "russia-2012": "manipulation documented",
    "uganda-2011": "manipulation documented",
    "poland-2020-r1": "clean benchmark",
    "poland-2020-r2": "clean benchmark",
    "germany-2024-ep": "clean benchmark",
}
ctrl_frames = []
for i, (name, group) in enumerate(CONTROLS.items()):
    e = datasets.load(name)
    if name == "germany-2024-ep":
        e = e.subset(~e.stations["postal"].astype(bool))
    res, notes_c = summary_quietly(e, [e.leader, "ballots"], n_sim=N_SIM_CONTROLS, rng=2011 + i)
    res.insert(0, "group", group)
    res.insert(0, "election", name)
    res["column"] = res["column"].where(res["column"] == "ballots", "leader")
    ctrl_frames.append(res)
    print(f"{name}: {len(e):,} stations, leader {e.leader}; {len(notes_c)} aggregate warning(s)")
controls = pd.concat(ctrl_frames, ignore_index=True)

# %%
for stat, col in (("2BL mean", "leader"), ("2BL mean", "ballots"), ("P05s", "ballots"),
                  ("P05s", "leader"), ("last-digit χ²", "ballots"), ("C05s", "ballots")):  # fmt: skip
    print(f"\n{stat}, {col}:")
    sel = controls[(controls["statistic"] == stat) & (controls["column"] == col)]
    show(sel, ["election", "group", "n", "observed", "textbook", "simulated", "sim_sd",
               "p_textbook", "p_simulated"])  # fmt: skip

# %% [markdown]
# Which tests separate the groups? A test *separates* them here if it rejects (p < 0.05)
# in at least one manipulated election and in none of the clean ones; it *fails* if
# it rejects a clean benchmark.

# %%
rows = []
for (col, stat), g in controls.groupby(["column", "statistic"], sort=False):
    for null in ("textbook", "simulated"):
        p = g.set_index("election")[f"p_{null}"]
        bad = [n for n, grp in CONTROLS.items() if grp != "clean benchmark" and p[n] < 0.05]
        clean = [n for n, grp in CONTROLS.items() if grp == "clean benchmark" and p[n] < 0.05]
        verdict = (
            "separates" if bad and not clean else ("rejects a clean one" if clean else "no signal")
        )
        rows.append({"column": col, "statistic": stat, "null": null, "verdict": verdict,
                     "rejects (manipulated)": ", ".join(bad) or "-",
                     "rejects (clean)": ", ".join(clean) or "-"})  # fmt: skip
sep = pd.DataFrame(rows)
print(sep.to_string(index=False))

# %%
with style():
    fig, axes = plt.subplots(1, 2, figsize=(12.0, 4.2), layout="constrained")
    names = [*CONTROLS, "venezuela-2024 Maduro", "venezuela-2024 González"]
    y = np.arange(len(names))
    nat = national.set_index(["column", "statistic"])
    for ax, (stat, col, xlabel) in zip(
        axes,
        (("2BL mean", "leader", "second-digit mean of the leader's counts"),
         ("P05s", "ballots", "share of turnout percentages ending in 0 or 5")),
        strict=True,
    ):  # fmt: skip
        sel = controls[(controls["statistic"] == stat) & (controls["column"] == col)]
        obs = list(sel["observed"])
        sim = list(sel["simulated"])
        sd = list(sel["sim_sd"])
        if stat == "2BL mean":
            for c in ("Maduro", "Gonzalez"):
                obs.append(nat.loc[(c, stat), "observed"])
                sim.append(nat.loc[(c, stat), "simulated"])
                sd.append(nat.loc[(c, stat), "sim_sd"])
            textbook = 4.1874
        else:
            textbook = 0.2
        k = len(obs)
        colors = ["#c44e52" if CONTROLS.get(n) == "manipulation documented" else
                  "#4c72b0" if CONTROLS.get(n) else "#555555" for n in names[:k]]  # fmt: skip
        ax.errorbar(sim, y[:k], xerr=2 * np.array(sd), fmt="|", color="grey", capsize=3,
                    label="simulated clean: mean ± 2 sd")  # fmt: skip
        ax.scatter(obs, y[:k], c=colors, zorder=3, s=25, label="observed")
        ax.axvline(textbook, color="black", linestyle="--", linewidth=1,
                   label=f"textbook {textbook:g}")  # fmt: skip
        ax.set_yticks(y[:k], names[:k])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7, frameon=False, loc="lower right")
    axes[0].set_title(
        "2BL mean: off 4.187 everywhere, and off its simulated value in clean Germany"
    )
    axes[1].set_title("P05s of turnout: Russia stands out, the clean controls do not")
    for ax in axes:
        ax.title.set_fontsize(8)
    fig.suptitle(
        "Controls (red: manipulation documented; blue: clean benchmarks; grey: Venezuela)"
    )
    savefig(fig, "../figures/02_controls.svg")

# %% [markdown]
# **Controls.** On the counts of the leading party or candidate:
#
# * **The 2BL mean alone does not separate the groups.** Against 4.187 it rejects in
#   all six elections, clean or not (Poland 4.38 and 4.42, Germany 3.95). Against
#   each election's own simulated clean null it rejects in Russia 2011 and 2012 but
#   also in all three clean benchmarks (p = 0.02, the Monte Carlo floor) and not in
#   Uganda. The same holds for the 2BL χ² and, a fortiori, for the first digit. The
#   second-digit signal in Maduro's counts is thus of a kind this test also gives for
#   clean elections.
# * **The round-number share of percentages (P05s) separates them**: the leader's
#   share of valid votes ends in 0 or 5 too often in Russia 2011 and 2012 (20.9 %) and
#   in Uganda 2011 (20.6 %, p = 0.02), and not in Poland or Germany (20.0–20.3 %).
#   Its turnout version, and the last digit and C05s of the ballots, separate Russia
#   (P05s of turnout 23.4 % and 23.1 %; last-digit χ² 124 and 55 against about 9) but
#   not Uganda.
# * **Digit pairs** separate nothing robustly: they reject only in Russia 2011, and
#   each time under one null but not the other. The last digit of the leader's counts
#   separates nothing (its textbook mean rejects Germany as well as Russia).
#
# Venezuela's actas show none of the signatures that separate the groups: P05s 20.0 %
# (Maduro) and 19.9 % (González) of valid votes, 20.1 % of turnout; last-digit and
# C05s tests of both candidates and the ballots at their expected values. They share
# with the clean benchmarks the 2BL departures.

# %% [markdown]
# ## 7. What digit tests can and cannot say here
#
# **Can.** Digit tests ask whether numbers look counted. The tests that separate the
# documented manipulations from the clean benchmarks on real data (round shares and
# round turnout percentages, last digits of the ballots) find nothing in either
# leading candidate's counts or in the ballots on the actas: no excess of round
# numbers, no non-uniform last digits, no human-like digit pairs, nationally or, after
# adjustment, in any state.
#
# **Cannot.**
#
# * *Who benefits.* A digit test does not know whose column a number sits in. The two
#   hypotheses differ in which columns would carry invented numbers (Maduro's and the
#   ballots under H-Maduro; every column on forged actas under H-González), and
#   neither pattern appears. Had a signature appeared, the tests could not have said
#   by whom or for whom the numbers were produced.
# * *Absence of fraud.* Many manipulations leave digits intact: ballot stuffing that is
#   counted by the machines produces counted numbers; forged actas copied from real
#   tallies of other tables, or numbers drawn by a program, need not show human digit
#   preferences; changes made to totals above the tables (the CNE's announced totals,
#   notebook 05) leave no trace in table-level data. The tests have limited power
#   (notebook 06 measures it): Uganda 2011 is caught only by P05s of the
#   leader's share, and only at p = 0.02.
# * *The first- and second-digit laws.* Their textbook nulls do not hold for table
#   counts (Deckert, Myagkov & Ordeshook 2011); calibrated nulls depend on a model of
#   clean counts, and the 2BL departures they leave (Maduro here, Germany and Poland
#   among the controls) measure the model's misfit as much as anything else (Mebane
#   2011). Mebane (2006, 2008) adds that 2BL fails at the level of voting machines when
#   voters are split between machines in roughly equal parts ("REDWL"): each
#   Venezuelan table is one machine, and if electors are split between a centre's
#   tables that way, the 2BL tests are unreliable here whatever the null.
#
# ## Results
#
# * **National (25,073 actas).** Last digit, C05s, P05s and digit pairs: no departure
#   for Maduro, González or the ballots under either null (all p ≥ 0.08). First digit:
#   rejected under both nulls, for every column and for the clean controls too.
#   Second-digit mean: Maduro 3.999 (textbook 4.187; simulated clean 4.118 ± 0.016,
#   p = 0.01; 4.077 ± 0.018 with a model fitted per municipality), González 4.382
#   (simulated 4.405 ± 0.018, p = 0.17).
# * **By state (24, BH and Holm).** Under the simulated null, only Maduro's 2BL mean
#   (7 states, BH) and the first digit (all states) reject; no calibrated test of
#   invented numbers does, except one textbook BH rejection (adjacent pairs of
#   González in Aragua) of the size chance gives across 720 tests.
#   `figures/02_maps_by_state.svg` maps the adjusted p-values.
# * **Controls.** P05s of the leader's share separates Russia 2011/2012 and Uganda
#   2011 from Poland 2020 and Germany 2024; last digits, C05s and P05s of the ballots
#   separate Russia only; the 2BL mean does not separate the groups, under either null
#   (`figures/02_controls.svg`).
# * **Reading.** The acta counts carry none of the digit signatures that separate the
#   manipulated from the clean controls. This speaks against crude invention of the
#   numbers by people, for either candidate; it does not speak to who won, to
#   manipulations that preserve digits, or to the CNE's announced totals.
#
# ## Limitations
#
# * The simulated null is a minimal clean model (one beta turnout and one Dirichlet
#   share distribution per fitted unit, binomial counts, no turnout–share
#   correlation); the 2BL results depend on it (section 4).
# * Monte Carlo p-values with 199 (Venezuela) and 99 (controls) simulations, chosen for
#   the time budget, have floors of 0.005–0.02; under them Holm cannot reject any state
#   and BH only when several states are small together. The textbook p-values of the
#   last-digit, C05s, P05s and pair tests, whose nulls the simulations confirm, carry
#   the by-state evidence for those tests.
# * 16.5 % of tables have no published acta (notebook 01); the tests describe the
#   actas held. The 543 tables without registered electors are excluded from the P05s
#   of turnout and have imputed sizes in the clean model.
# * The controls are five elections; "separates" is judged at p < 0.05 on one run, not
#   as a calibrated classification rate (notebook 06 measures size and power).
#
# ## References
#
# * Beber, B., & Scacco, A. (2012). What the numbers say: a digit-based test for
#   election fraud. *Political Analysis* 20(2), 211–234. doi:10.1093/pan/mps003
# * Benford, F. (1938). The law of anomalous numbers. *Proceedings of the American
#   Philosophical Society* 78(4), 551–572.
# * Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate.
#   *JRSS B* 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x
# * Barney, B. J., & Schulzke, K. S. (2016). Moderating "cry wolf" events with excess
#   MAD in Benford's law research and practice. *Journal of Forensic Accounting
#   Research* 1(1), A66–A90. doi:10.2308/jfar-51622
# * Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
#   Routledge. doi:10.4324/9780203771587
# * Deckert, J., Myagkov, M., & Ordeshook, P. C. (2011). Benford's law and the
#   detection of election fraud. *Political Analysis* 19(3), 245–268.
#   doi:10.1093/pan/mpr014
# * Hicken, A., & Mebane, W. R. (2017). *A Guide to Election Forensics.* USAID DRG
#   Center working paper (Election Forensics Toolkit). No DOI.
# * Holm, S. (1979). A simple sequentially rejective multiple test procedure.
#   *Scandinavian Journal of Statistics* 6(2), 65–70. No DOI.
# * Klimek, P., Yegorov, Y., Hanel, R., & Thurner, S. (2012). Statistical detection of
#   systematic election irregularities. *PNAS* 109(41), 16469–16473.
#   doi:10.1073/pnas.1210722109
# * Kobak, D., Shpilkin, S., & Pshenichnikov, M. S. (2016). Integer percentages as
#   electoral falsification fingerprints. *Annals of Applied Statistics* 10(1), 54–73.
#   doi:10.1214/16-AOAS904
# * Mebane, W. R. (2006). Election forensics: vote counts and Benford's law. Summer
#   Meeting of the Political Methodology Society, UC Davis. No DOI.
# * Mebane, W. R. (2007). Statistics for digits. Summer Meeting of the Political
#   Methodology Society, Penn State. No DOI.
# * Mebane, W. R. (2008). Election forensics: the second-digit Benford's law test and
#   recent American presidential elections. In Alvarez, Hall & Hyde (eds.), *Election
#   Fraud*, Brookings, 162–181. No DOI.
# * Mebane, W. R. (2011). Comment on "Benford's law and the detection of election
#   fraud". *Political Analysis* 19(3), 269–272. doi:10.1093/pan/mpr024
# * Nigrini, M. J. (2012). *Benford's Law.* Wiley. doi:10.1002/9781119203094
