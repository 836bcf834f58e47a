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
# # Venezuela 2024: polls, exit polls, tally sheets and the announced results
#
# **Question.** How do the results the CNE (Consejo Nacional Electoral) announced for the
# presidential election of 28 July 2024 compare with the pre-election polls, the exit
# polls and the tally sheets (actas) published by the opposition? Were the announced
# counts produced by adding up tally sheets? Are they arithmetically compatible with the
# tally sheets? And what could the 16.5 % of tables without a published acta change?
#
# **Two hypotheses.** Every result below is read against two hypotheses, and says which
# one it speaks to:
#
# * **(S) the announced totals overstate Maduro** (by stuffed ballots or by totals not
#   derived from the tables' counts); this would favour Maduro;
# * **(F) the opposition's actas overstate González** (fabricated or altered tally sheets,
#   or a selective publication); this would favour González.
#
# **Data.**
#
# * `data/polls_2024.csv`: 33 pre-election polls (April to July 2024) compiled from news
#   reports, one source per row; `data/pollsters.csv` classifies each pollster as
#   independent, government-aligned or unknown, with the public basis of the judgement;
#   `data/exit_polls_2024.csv`: 7 election-day exit polls and quick counts;
#   `data/official_bulletins.csv`: the CNE's two bulletins, the registry and the
#   opposition's totals. Provenance and caveats are in `data/README.md`.
# * The acta data (V1, V2, the QR decoding) and the official 2013 table-level results,
#   described in notebook 01 and read through `forensics.datasets.load`, which checks
#   each file's sha256.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from forensics import datasets
from forensics.bulletins import (
    acta_consistency,
    coverage_bounds,
    coverage_selectivity_test,
    impute_uncovered,
    round_percentage_excess_test,
    round_percentage_hits,
    round_percentage_scan,
    round_percentage_test,
)
from forensics.cases.venezuela_2024 import (
    CANDIDATE_NAMES,
    CANDIDATES,
    ELECTION_DAY,
    POLL_CANDIDATES,
    POLL_MARKS,
    REGISTRY_2024,
    bulletin_counts,
    compare,
    load_bulletins,
    load_exit_polls,
    load_polls,
)
from forensics.figures import savefig, style
from forensics.plots.polls import plot_comparison, plot_polls
from forensics.polls import (
    classification_sensitivity,
    count_rows,
    poll_average,
    source_distances,
    two_party,
)

pd.set_option("display.width", 120)


def f1(x):
    return "n/a" if pd.isna(x) else f"{round(x, 1) + 0.0:.1f}"


def f2(x):
    return "n/a" if pd.isna(x) else f"{round(x, 2) + 0.0:.2f}"


def votes(x):
    return "n/a" if pd.isna(x) else f"{x:,.0f}"


v1 = datasets.load("venezuela-2024-v1")
v2 = datasets.load("venezuela-2024")
qr = datasets.load("venezuela-2024-qr")
e13 = datasets.load("venezuela-2013")
polls = load_polls()
exits = load_exit_polls()
bulletins = load_bulletins()
for e in (v1, v2, qr, e13):
    print(f"{e.name}: {len(e):,} tables")
print(f"polls: {len(polls)} rows from {polls['pollster'].nunique()} pollsters")
print(polls["class"].value_counts().sort_index().to_string())
print(f"exit polls and quick counts: {len(exits)}")

# %% [markdown]
# ## 1. The pre-election polls, pooled per class of pollster
#
# The pollsters split sharply, so pooling them all would average two incompatible
# sets of numbers. `poll_average` pools each class separately with a random-effects
# meta-analysis (DerSimonian & Laird, 1986): each poll's sampling variance is
# `deff · p(1 − p)/n` for a share and `deff · (p_G + p_M − (p_G − p_M)²)/n` for the
# González − Maduro margin (design effect `deff` = 1.5, Kish 1965), and the between-poll
# variance τ² (house effects, wording, timing) is estimated from Cochran's Q. The
# heterogeneity is summarised by I² (Higgins & Thompson, 2002), the share of the spread
# not explained by sampling error.
#
# Defaults, counted in the table: a poll without a stated sample size gets the median
# stated size (1,200); the three rows whose notes say they may repeat a dated row are
# dropped. Shares are of all respondents (undecided included), as published.

# %%
avg = poll_average(polls, candidates=POLL_CANDIDATES)
cols = ["class", "quantity", "estimate", "se", "lower", "upper", "tau2", "I2", "k"]
cols += ["n_default", "n_duplicates"]
print(
    avg[cols].to_string(
        index=False,
        formatters={
            "estimate": f1,
            "se": f2,
            "lower": f1,
            "upper": f1,
            "tau2": f1,
            "I2": "{:.0%}".format,
        },
    )
)

# %% [markdown]
# Within the independent class the polls disagree far beyond sampling error (I² above
# 90 %): the standard error of its average margin (3.6 points) is almost entirely
# between-poll spread, and a fixed-effect average would understate it several-fold.
# The government-aligned polls agree closely with one another.
#
# **How much rides on the choices?** The method, the design effect, a window of the last
# 45 days, and keeping the possible duplicates:

# %%
variants = [
    ("random effects, deff 1.5 (default)", {}),
    ("fixed effect, deff 1.5", {"method": "fixed-effect"}),
    ("random effects, deff 1.0", {"design_effect": 1.0}),
    ("random effects, deff 2.5", {"design_effect": 2.5}),
    ("last 45 days (undated polls excluded)", {"window": 45, "election_day": ELECTION_DAY}),
    ("possible duplicates kept", {"drop_possible_duplicates": False}),
]
rows = []
for label, kw in variants:
    a = poll_average(polls, candidates=POLL_CANDIDATES, **kw)
    a = a[(a["quantity"] == "margin") & (a["class"] != "unknown")]
    for r in a.itertuples():
        rows.append(
            {
                "variant": label,
                "class": r[1],
                "margin": r.estimate,
                "se": r.se,
                "lower": r.lower,
                "upper": r.upper,
                "k": r.k,
                "undated_excluded": r.n_undated,
            }
        )
print(
    pd.DataFrame(rows).to_string(
        index=False, formatters={"margin": f1, "se": f2, "lower": f1, "upper": f1}
    )
)

# %% [markdown]
# **The classification is a judgement.** `data/pollsters.csv` states the public basis of
# each class; three pollsters with polls in the table have no documented basis and are
# `unknown` (IdeaDatos, Paramétrica, MBResearch). Their results are not used to classify
# them. Below, each of them, and then all three, are moved into either class and the
# averages recomputed:

# %%
sens = classification_sensitivity(polls, candidates=POLL_CANDIDATES)
print(
    sens.to_string(
        index=False,
        formatters={"estimate": f1, "se": f2, "lower": f1, "upper": f1, "tau2": f1},
    )
)

# %% [markdown]
# Moving the unknown pollsters into the government-aligned class moves its average
# margin from −36.1 to −28.6 points and inflates its uncertainty five-fold (MBResearch,
# one undated poll with González ahead, alone does this); moving them into the
# independent class lowers that average from 34.6 to 25.6 points. In every scenario the
# two classes stay far apart and keep opposite signs.
#
# **Two-party shares.** Polls report shares of all respondents, results shares of valid
# votes. Restricting both to the two leading candidates (González + Maduro = 100; the
# sample is scaled to the respondents who named one of the two) puts them on one
# footing, assuming the undecided split like the decided:

# %%
tp = poll_average(two_party(polls, candidates=POLL_CANDIDATES), candidates=POLL_CANDIDATES)
tp = tp[(tp["quantity"] == "margin") & (tp["class"] != "unknown")]
print(
    tp[["class", "estimate", "se", "lower", "upper", "tau2", "k"]].to_string(
        index=False,
        formatters={"estimate": f1, "se": f2, "lower": f1, "upper": f1, "tau2": f1},
    )
)

# %% [markdown]
# ## 2. Polls against exit polls against actas against the CNE bulletins
#
# `compare` sets the sources side by side. Counts (actas, bulletins) are complete
# tallies of what they cover, so they carry no sampling error; exit polls with a stated
# number of voters get a sampling error with a design effect of 2 (a cluster sample of
# polling places); those without one have none (n/a). Each count covers a different set
# of tables (the first bulletin about 80 %, V2 83.5 %).

# %%
comp = compare(polls, actas=v2, actas_v1=v1, qr=qr, bulletins=bulletins, exit_polls=exits)
wide = comp.table.pivot(index="source", columns="quantity", values="estimate")
wide = wide.reindex(comp.table["source"].unique())
wide.columns.name = None
mt = comp.table[comp.table["quantity"] == "margin"].set_index("source")
wide["margin_lower"] = mt["lower"].where(mt["se"] > 0)
wide["margin_upper"] = mt["upper"].where(mt["se"] > 0)
wide["kind"] = mt["kind"]
print(
    wide[["kind", "gonzalez", "maduro", "margin", "margin_lower", "margin_upper"]].to_string(
        na_rep="n/a",
        formatters={
            c: f1 for c in ("gonzalez", "maduro", "margin", "margin_lower", "margin_upper")
        },
    )
)

# %% [markdown]
# **Distances in standard errors.** `z = (a − b)/√(se_a² + se_b²)` for the margin, row
# minus column. Between two counts there is no sampling error and no z (n/a); their
# difference is in the table above. Against a poll average, the z is in units of the
# average's standard error, which includes the between-poll spread.

# %%
refs = ["polls: independent", "polls: government-aligned", "exit_poll: Edison Research"]
zmat = comp.z("margin")[refs]
zmat = zmat[zmat.notna().any(axis=1)]
zmat.columns = ["vs independent polls", "vs gov.-aligned polls", "vs Edison exit poll"]
zmat.index.name = None
print(zmat.to_string(na_rep="n/a", formatters={c: f1 for c in zmat.columns}))

# %%
averages = tp.assign(source="polls: " + tp["class"], kind="poll average", n=tp["k"], note="")
rows = [averages[["source", "kind", "quantity", "estimate", "se", "lower", "upper", "n", "note"]]]
counts = (
    "actas V2 (opposition)",
    "actas QR decoding",
    "CNE first bulletin",
    "CNE second bulletin",
)
for src in counts:
    g, m = wide.loc[src, "gonzalez"], wide.loc[src, "maduro"]
    two = {"gonzalez": g, "maduro": m}
    rows.append(count_rows(src, "count", two, candidates=POLL_CANDIDATES, valid=g + m))
tp_z = source_distances(pd.concat(rows, ignore_index=True), ["margin"])
rows = [
    {
        "source": src,
        "two_party_margin": tp_z.wide().loc[src, "margin"],
        **{
            f"z vs {cls}": tp_z.z().loc[src, f"polls: {cls}"]
            for cls in ("independent", "government-aligned")
        },
    }
    for src in counts
]
print("two-party margin (G - M) / (G + M), and its distance from the two-party poll averages")
print(
    pd.DataFrame(rows).to_string(index=False, formatters={c: f1 for c in rows[0] if c != "source"})
)

# %%
with style():
    fig, ax = plt.subplots(figsize=(8.0, 4.0))
    plot_polls(
        polls, comp, candidates=POLL_CANDIDATES, names=CANDIDATE_NAMES, marks=POLL_MARKS, ax=ax
    )
    legend = ax.get_legend()
    ax.legend(
        fontsize=7,
        title=legend.get_title().get_text(),
        title_fontsize=7,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        frameon=False,
    )
    ax.set_title("Pre-election polls, Venezuela 2024: González − Maduro margin")
    fig.tight_layout()
    savefig(fig, "../figures/05_poll_series.svg")

with style():
    fig, ax = plt.subplots(figsize=(8.5, 5.0))
    plot_comparison(comp, candidates=POLL_CANDIDATES, names=CANDIDATE_NAMES, ax=ax)
    ax.set_title("González − Maduro margin by source (95 % intervals where sampled)")
    fig.tight_layout()
    savefig(fig, "../figures/05_sources_margin.svg")

# %% [markdown]
# **What this speaks to.** The independent polls, the one exit poll with a stated sample
# (Edison Research), the two quick counts from actas and the three acta totals agree on
# a González lead of 34–37 points: the actas lie 0.6 standard errors from the independent
# poll average (1.4 on the two-party basis) and 1.7 from the Edison exit poll. The CNE
# bulletins (Maduro ahead by 7.0 and 8.8 points) lie about 12 standard errors from the
# independent average and 26–27 from the Edison exit poll. The government-aligned polls
# (Maduro ahead by 36 points) are far from every other source, the CNE's own bulletins
# included (27.6 and 29.4 standard errors).
#
# Agreement between the actas and independent polls is what (F) would not predict
# unless the fabrication matched the polls; it does not exclude it, because polls and
# actas could share a bias (respondents who favour the opposition, or actas published
# selectively). The polls cannot decide between the two hypotheses on their own: both
# the independent and the government-aligned averages carry house effects no sampling
# interval captures, and which class is closer to the truth is what is in dispute.
# Section 5 tests (F) against the arithmetic of the counts instead.
#
# ## 3. The round-percentage test of the first bulletin
#
# At 00:06 on 29 July the CNE announced Maduro 5,150,092, González 4,445,978 and the
# others 462,704 votes, of 10,058,774. Each count equals the total times a one-decimal
# percentage (51.2 %, 44.2 %, 4.6 %), rounded to the vote. Genuine counts hit such a
# product only by chance: the products are spaced `s = T/1000 ≈ 10,059` votes apart, so
# a count with no knowledge of them hits with probability `q = 1/s`. The counts sum to
# the total, so two are free; given that both hit, the third hits when the sum of the two
# rounding errors (each uniform on [−½, ½]) lies in [−½, ½], with the Irwin–Hall
# probability 3/4 (Irwin 1927; Hall 1927). Hence `P(all three) = ¾ q²`.
# (`round_percentage_test`; the observation is Gelman's, 2024.)

# %%
first = bulletin_counts(bulletins, "CNE first")
second = bulletin_counts(bulletins, "CNE second")
for label, c in (("first bulletin", first), ("second bulletin", second)):
    r = round_percentage_test([c["Maduro"], c["Gonzalez"], c["others"]])
    t = r.to_frame()
    t.insert(0, "count_of", ["Maduro", "Gonzalez", "others"])
    print(f"{label}: total {r.total:,} valid votes, q = {r.hit_probability:.3g}")
    print(
        t.to_string(
            index=False,
            formatters={
                "count": votes,
                "exact_pct": "{:.6f}".format,
                "round_pct": "{:.1f}".format,
                "total_x_round_pct": "{:,.3f}".format,
                "deviation_votes": "{:+,.3f}".format,
            },
        )
    )
    odds = f" (about 1 in {1e-6 / r.pvalue:,.0f} million)" if r.pvalue < 1e-6 else ""
    print(f"  hits {r.statistic:.0f} of 3; P(at least that many | null) = {r.pvalue:.3g}{odds}\n")

# %% [markdown]
# **Checked by simulation.** Three checks, with a fixed seed: (a) the hit rate of each
# count over two million random splits of the first bulletin's total around its
# announced shares is q; (b) given two counts that are exact round-percentage products,
# the third hits three times in four; (c) no split of the two million hits all three
# (expected: 2,000,000 × ¾ q² ≈ 0.015).

# %%
rng = np.random.default_rng(20240728)
T = 10_058_774
N = 2_000_000
c_m = rng.integers(4_500_000, 5_800_000, size=N)
c_g = rng.integers(3_800_000, 5_000_000, size=N)
split = np.stack([c_m, c_g, T - c_m - c_g])
_, _, hit = round_percentage_hits(split, T)
q = 1000 / T
rates = ", ".join(f"{1e4 * x:.3f}" for x in hit.mean(axis=1))
print(f"q = {1e4 * q:.3f} per 10,000; simulated hit rates (Maduro, González, others): {rates}")
print(f"  Monte Carlo sd of a rate: {1e4 * np.sqrt(q * (1 - q) / N):.3f} per 10,000")
print(f"splits where all three hit: {int(hit.all(axis=0).sum())} (expected {N * 0.75 * q**2:.3f})")
p1, p2 = rng.integers(1, 450, size=(2, 200_000))
a1, a2 = np.round(T * p1 / 1000), np.round(T * p2 / 1000)
third = T - a1 - a2
_, _, hit3 = round_percentage_hits(third, T)
print(f"third count hits given two exact products: {hit3.mean():.4f} (theory 0.75, sd 0.001)")

# %% [markdown]
# **Calibration on genuine counts.** The null says that counts summed from tally sheets
# hit at rate q. Applied to every municipality's totals (González or Maduro, Maduro or
# Capriles, and the rest) in the 2024 actas and the 2013 official results, the observed
# hits should match `Σ k q`, and the units where all three hit should match
# `Σ ¾ q²`; the Poisson tail probability of the observed number is given
# (`round_percentage_excess_test`).

# %%
rows = []
for e, cands in ((v2, ("Gonzalez", "Maduro")), (e13, ("Maduro", "Capriles"))):
    scan = round_percentage_scan(e, "municipality", candidates=cands)
    every = round_percentage_excess_test(scan)
    big = round_percentage_excess_test(scan, min_valid=10_000)
    rows.append(
        {
            "data": e.name,
            "units": every.n,
            "median_valid": float(scan["valid"].median()),
            "hits": int(every.hits),
            "expected_hits": every.expected_hits,
            "all_three_hit": int(every.statistic),
            "expected_all": every.expected,
            "P(>= all_three_hit)": every.pvalue,
            "units_10k+": big.n,
            "all_hit_10k+": int(big.statistic),
            "expected_10k+": big.expected,
        }
    )
print(
    pd.DataFrame(rows).to_string(
        index=False,
        formatters={
            "median_valid": votes,
            "expected_hits": f1,
            "expected_all": f1,
            "expected_10k+": f1,
            "P(>= all_three_hit)": "{:.3g}".format,
        },
    )
)

# %% [markdown]
# Genuine totals hit at the rate the null predicts (84 hits against 82 expected in 2024,
# 340 against 342 in 2013). Municipalities where all three counts hit are those with few
# votes, where the spacing is a handful of votes and the continuous approximation is
# coarse: 6 of the 7 in 2024 (against 3.3 expected in all, Poisson P = 0.05) have fewer
# than 10,000 valid votes; among the municipalities with at least 10,000, 1 hits all three
# against 0.5 expected (2013: 1 against 0.5).
#
# **What the test shows, and what it does not.** The first bulletin's three counts are
# what one gets by multiplying a total by three chosen one-decimal percentages; genuine
# sums of tally sheets would do so about once in 135 million. This is a statement about
# how the announced numbers were *produced*: it is evidence that they were not summed
# from table counts, which bears on (S) in the sense of totals not derived from the
# tables. It says nothing about who won or by how much: percentages computed from true
# totals and then re-expanded would give the same pattern. The second bulletin has no
# hit, which is what genuine counts would usually show; the test cannot tell whether they
# are genuine.
#
# ## 4. The announced totals against the tally sheets
#
# The CNE's totals minus the V2 acta totals give the votes the CNE's figures imply for
# the tables without an acta. Those tables could hold at most their registered voters:
# the registry total (21,392,464, the CNE's definitive registry, Gaceta Electoral of
# 2 June 2024, including 69,211 electors abroad) minus the registered voters of the
# covered tables (where a V2 table has no registered count, its ballots stand in: a lower
# bound, so the maximum is an upper bound).

# %%
print(f"registry {REGISTRY_2024:,}")
for label, c in (
    ("CNE first bulletin (about 80 % counted)", first),
    ("CNE second bulletin", second),
):
    t = acta_consistency(c, v2, registered_total=REGISTRY_2024, candidates=CANDIDATES)
    print(f"\n{label} minus the V2 actas:")
    print(
        t.to_string(
            index=False,
            formatters={
                k: votes for k in ("announced", "actas", "implied_uncovered", "max_uncovered")
            },
        )
    )

# %% [markdown]
# Both bulletins give González fewer votes than the actas already document for him:
# 2,857,502 fewer in the first bulletin and 1,977,376 fewer in the second. The second
# bulletin's Maduro total implies 3,092,702 Maduro votes in the uncovered tables, more
# than the 1,448,622 valid votes it implies there in all. These are arithmetic facts
# about two sources. Both cannot be right: if the V2 actas are genuine, the CNE totals
# cannot be; if the CNE totals are right, the published actas overstate González by at
# least two million votes, which is hypothesis (F). The first bulletin was announced at
# about 80 % counted and could, in principle, cover different tables; the second, at
# 96.87 %, cannot avoid overlapping most of the 83.5 % the actas cover.
#
# ## 5. What the missing tally sheets could change
#
# **Extreme bounds.** Take the actas as given and give every registered voter of the
# uncovered tables, at 100 % turnout, to one candidate. If González still leads when
# all of them vote for Maduro, no count of the missing tables can reverse the result,
# provided the published actas are genuine.

# %%
bound_rows = []
for label, e in (("V2", v2), ("V1", v1)):
    b = coverage_bounds(e, registered_total=REGISTRY_2024, candidates=CANDIDATES)
    b.insert(0, "actas", label)
    bound_rows.append(b)
bounds = pd.concat(bound_rows, ignore_index=True)
print(
    bounds.drop(columns=["others"]).to_string(
        index=False,
        formatters={
            "Gonzalez": votes,
            "Maduro": votes,
            "valid": votes,
            "margin": votes,
            "margin_pct": f2,
            "uncovered_registered": votes,
        },
    )
)

# %% [markdown]
# Even if all 3,419,952 registered voters of the tables missing from V2 had voted, and
# all for Maduro, González would lead by 567,386 votes (4.0 points); from V1, which
# covers fewer tables, by 267,776. The bound is deliberately absurd (100 % turnout
# against about 60 % observed); it shows what the missing tally sheets *cannot* change.
# It says nothing against (F): if the published actas were fabricated, the bound fails
# with them.
#
# **Is coverage selective?** The tables without an acta need not resemble the ones with
# one. `coverage_selectivity_test` compares, in the 2013 election (same centre codes),
# Maduro's share in the centres the V2 actas reach with his share in those they do not
# reach (ratio estimators, linearised variance; Cochran 1977, ch. 6):

# %%
sel = coverage_selectivity_test(v2, e13)
print(
    f"2013 Maduro share: covered centres {sel.share_covered:.2%} (n = {sel.n_covered:,}), "
    f"uncovered centres {sel.share_uncovered:.2%} (n = {sel.n_uncovered:,})"
)
print(
    f"difference {100 * sel.effect_size:+.2f} points, z = {sel.statistic:.2f}, "
    f"p = {sel.pvalue:.2g}; {sel.n_excluded} centre(s) without valid votes in 2013 excluded"
)

# %% [markdown]
# Coverage is selective: the centres without an acta in 2024 gave Maduro a share 5.3
# points higher in 2013 than the centres with one. Extrapolating the covered tables'
# 2024 shares to the uncovered ones would therefore be biased towards González. This is
# consistent with the opposition having fewer witnesses in chavista areas; it does not
# say how those tables voted in 2024.
#
# **Imputation from 2013.** `impute_uncovered` fits, on the 11,036 centres present in
# both elections and covered in 2024, a transition regression (Goodman 1953) of each
# 2024 count on the centre's 2013 counts (Maduro votes, Capriles votes, everyone else on
# the 2013 registry), without intercept and weighted by the 2013 registry, and predicts
# the 2013 centres absent from the actas. Because the covariates are the 2013 votes, the
# selectivity found above is accounted for as far as it runs through 2013 voting.
# Prediction intervals are normal; the first treats centres as independent, the second
# allows residuals to be correlated within a municipality (cluster-robust).

# %%
imp = impute_uncovered(v2, e13, candidates=CANDIDATES)
imp_cl = impute_uncovered(v2, e13, candidates=CANDIDATES, cluster="municipality")
for note in imp.notes:
    print(note)
print(f"2013 registered voters of the imputed centres: {imp.uncovered_history_registered:,.0f}")
print("\ntransition coefficients (2024 votes per 2013 vote or registrant):")
print(
    imp.coefficients.to_string(formatters={c: "{:.3f}".format for c in imp.coefficients.columns})
)
shown = imp.table.copy()
shown["se_cluster"] = imp_cl.table["se"]
print("\nimputed uncovered centres and national totals (95 % intervals, centres independent):")
print(
    shown[
        ["quantity", "actas", "imputed", "se", "se_cluster", "lower", "upper", "national"]
    ].to_string(index=False, formatters={k: votes for k in shown.columns if k != "quantity"})
)
for label, m in (
    ("centres independent", imp.margin),
    ("clustered by municipality", imp_cl.margin),
):
    print(
        f"national margin González - Maduro ({label}): {m['margin']:,.0f} votes "
        f"[{m['lower']:,.0f}, {m['upper']:,.0f}] = {m['margin_pct']:.2f} % "
        f"[{m['lower_pct']:.2f}, {m['upper_pct']:.2f}] of valid votes"
    )
implied = acta_consistency(
    second, v2, registered_total=REGISTRY_2024, candidates=CANDIDATES
).set_index("quantity")["implied_uncovered"]
imputed = imp.table.set_index("quantity")
print("\nuncovered tables, second bulletin minus actas vs imputation from 2013:")
for k in ("Gonzalez", "Maduro", "valid"):
    print(
        f"  {k}: implied by the CNE {implied[k]:+,.0f}; imputed {imputed.loc[k, 'imputed']:,.0f} "
        f"[{imp_cl.table.set_index('quantity').loc[k, 'lower']:,.0f}, "
        f"{imp_cl.table.set_index('quantity').loc[k, 'upper']:,.0f}] (clustered)"
    )

# %%
with style():
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    b2 = bounds[bounds["actas"] == "V2"].set_index("scenario")
    items = [
        ("V2 actas only", b2["margin_pct"].iloc[0], None),
        ("V2 + all uncovered\nregistered for Maduro", b2["margin_pct"].iloc[2], None),
        (
            "V2 + 2013 imputation\n(clustered 95 % PI)",
            imp_cl.margin["margin_pct"],
            (imp_cl.margin["lower_pct"], imp_cl.margin["upper_pct"]),
        ),
        ("CNE first bulletin", wide.loc["CNE first bulletin", "margin"], None),
        ("CNE second bulletin", wide.loc["CNE second bulletin", "margin"], None),
    ]
    y = np.arange(len(items))
    for i, (_, x, iv) in enumerate(items):
        colour = "C3" if "CNE" in items[i][0] else "C2"
        if iv is not None:
            ax.plot(iv, [i, i], color=colour, lw=2)
        ax.plot(x, i, "o", color=colour)
        ax.annotate(f"{x:+.1f}", (x, i), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_yticks(y, [it[0] for it in items])
    ax.invert_yaxis()
    ax.set_xlim(-15, 45)
    ax.set_xlabel("González − Maduro (% of valid votes)")
    ax.set_title("National margin: actas, bounds, imputation and the CNE bulletins")
    fig.tight_layout()
    savefig(fig, "../figures/05_coverage_bounds.svg")

# %% [markdown]
# The imputation puts the uncovered centres at about 1.05 million votes for González and
# 0.53 million for Maduro, and the national margin at 36.0 % of valid votes; it is close
# to the actas-only margin (36.6 %) because the uncovered centres, though more chavista
# in 2013, are a small share of the electorate. The second bulletin instead needs
# +3.09 million Maduro votes and −1.98 million González votes in the same tables.
#
# The imputation's assumptions, each of which can fail:
#
# * the actas are genuine: under (F) the whole exercise fails, since the fit is on them;
# * the transition rates from 2013 to 2024 are the same in uncovered and covered
#   centres; the selectivity test shows the groups differed in 2013, which the
#   covariates absorb, but it cannot show the rates are equal;
# * the linear transition model is an ecological regression: its coefficients are not
#   individual voting rates and need not lie in [0, 1] (the negative coefficients above
#   absorb registry growth, emigration and collinearity);
# * 2,074 covered 2024 centres are absent from 2013 (new centres) and are not used;
#   uncovered 2024 centres that did not exist in 2013 are not imputed, and covered
#   centres with some tables missing count as covered, so the imputed total is
#   incomplete (imputed valid votes 1.62 million, against 1.45 million implied by the
#   second bulletin and at most 3.42 million registered);
# * intervals assume independence between centres (or between municipalities); spatial
#   correlation across municipalities would widen them. Clustering widens the margin's
#   standard error from about 10,000 to 48,000 votes.
#
# ## Results
#
# * **Polls.** Independent pollsters: González − Maduro +34.6 points (95 % CI 27.6 to
#   41.6; 17 polls, I² 96 %); government-aligned: −36.1 (−38.1 to −34.2; 9 polls). Moving
#   the three unknown pollsters shifts the government-aligned average to −28.6 (±10.5)
#   or the independent one to +25.6 (±12.3); the classes never overlap.
# * **Sources.** The actas (V2 +36.6, V1 +36.7, QR +36.8), the quick counts (+35) and
#   the Edison exit poll (+34.0) agree with the independent polls within 2 standard
#   errors. The CNE bulletins (−7.0, −8.8) lie about 12 standard errors from the
#   independent average and 26–27 from the Edison exit poll; the government-aligned
#   polls lie 27.6 and 29.4 standard errors from the CNE's own bulletins.
# * **Round percentages.** All three counts of the first bulletin are round one-decimal
#   percentages of the total to within 0.4 votes: P = 7.4 × 10⁻⁹ under the null (about 1
#   in 135 million). The second bulletin: no hit. On genuine municipal totals of 2024 and
#   2013 the null's hit rate is reproduced.
# * **Consistency.** Both bulletins give González fewer votes than the published actas
#   document (by 2.86 and 1.98 million); the second bulletin implies more Maduro votes in
#   the uncovered tables than valid votes there.
# * **Coverage.** Giving every registered voter of the uncovered tables to Maduro leaves
#   González ahead by 567,386 votes (V2). Coverage is selective (2013 Maduro share +5.3
#   points in the uncovered centres, z = 8.1); the 2013-based imputation gives a national
#   margin of 36.0 % (35.2 to 36.8 %, clustered).
#
# **Which hypothesis.** The round-percentage test and the consistency checks bear on the
# announced totals (S): the first bulletin's counts were not summed from tables, and the
# bulletins cannot be reconciled with the actas. The bounds and the imputation hold
# *if the actas are genuine*; they do not test (F). What speaks against (F) here is
# indirect: the agreement of the actas with the independent polls, the Edison exit poll
# and two quick counts, and (notebook 01) the near-exact agreement of the CSV with a QR
# decoding of the same images by another project. Notebook 08 examines (F) directly:
# internal consistency of each acta, copied vote vectors, and the fewest actas that
# would have to be forged for each bulletin to be right. The digit and distribution
# tests of the actas themselves are in notebooks 02–04.
#
# ## Limitations
#
# * The poll, exit-poll and bulletin tables are compiled from news reports, several
#   secondary or partisan (flagged row by row in `data/README.md`); they are not
#   exhaustive.
# * Poll shares are of respondents and depend on each firm's question and base; the
#   two-party comparison assumes the undecided split like the decided. No sampling
#   interval captures house effects or non-response in a polarised climate.
# * The pollster classification is a judgement; its sensitivity is shown above.
# * Exit polls without a stated sample have no interval; the Meganálisis figure ("<14")
#   has no margin.
# * The registry total includes the 69,211 electors abroad, whom no acta file covers,
#   so the uncovered maximum is slightly generous.
# * The round-percentage null treats each count's position within its spacing as
#   uniform; it is exact only in the continuous limit (error of order 1/s ≈ 10⁻⁴).
#
# ## References
#
# * Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based test for
#   election fraud. *Political Analysis* 20(2), 211–234. doi:10.1093/pan/mps003
# * Cochran, W. G. (1954). The combination of estimates from different experiments.
#   *Biometrics* 10(1), 101–129. doi:10.2307/3001666
# * Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., ch. 6 (ratio estimators).
#   Wiley. ISBN 978-0-471-16240-7.
# * DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
#   Clinical Trials* 7(3), 177–188. doi:10.1016/0197-2456(86)90046-2
# * Gelman, A. (2024). Post on the first CNE bulletin, reported by CNN, "After
#   Venezuela's contested presidential vote, experts say government results are a
#   'statistical improbability'", 9 August 2024, and Caracas Chronicles, "What are the
#   chances that Maduro actually won?", 1 August 2024 (no DOI).
# * Goodman, L. A. (1953). Ecological regressions and behavior of individuals.
#   *American Sociological Review* 18(6), 663–664. doi:10.2307/2088121
# * Hall, P. (1927). The distribution of means for samples of size N drawn from a
#   population in which the variate takes values between 0 and 1. *Biometrika* 19(3/4),
#   240–245. doi:10.1093/biomet/19.3-4.240
# * Higgins, J. P. T. & Thompson, S. G. (2002). Quantifying heterogeneity in a
#   meta-analysis. *Statistics in Medicine* 21(11), 1539–1558. doi:10.1002/sim.1186
# * Irwin, J. O. (1927). On the frequency distribution of the means of samples from a
#   population having any law of frequency with finite moments. *Biometrika* 19(3/4),
#   225–239. doi:10.1093/biomet/19.3-4.225
# * Kish, L. (1965). *Survey Sampling*. Wiley. ISBN 978-0-471-48900-9.
