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
# # Fraud models: the Klimek et al. fit and the Shpilkin estimate
#
# **Question.** Do the station-level results of Venezuela 2024 carry the signature
# that the fraud model of Klimek, Yegorov, Hanel & Thurner (2012, *PNAS* 109:16469,
# doi:10.1073/pnas.1210722109) attributes to ballot stuffing, and how many of the
# leader's votes lie above the "clean" share at the turnout peak (Shpilkin's method,
# described in Kobak, Shpilkin & Pshenichnikov 2016, *Significance* 13(4):20,
# doi:10.1111/j.1740-9713.2016.00936.x)? We read the answers beside controls with
# documented irregularities (Russia 2011 and 2012, Uganda 2011) and clean controls
# (Poland 2020 rounds 1 and 2, Germany 2024 European Parliament).
#
# **Hypotheses.** Both methods detect a *turnout-share dependence*: stations with
# higher turnout giving the candidate a larger share. Ballot stuffing for Maduro
# would produce it for **Maduro**; fabricated tally sheets in favour of the
# opposition would, if they inflated turnout, produce it for **González**. Regional
# blocs and differential mobilisation produce the same signature without any fraud,
# so neither method measures fraud as such.
#
# **Data.** Venezuela: `venezuela-2024-v1` (24,532 actas, registered electors for every
# table). The larger V2 (`venezuela-2024`) lacks registered electors for 543 tables and
# both methods need turnout, so we use V1. Controls through `forensics.datasets.load`;
# Germany: in-person districts only (postal districts have no electorate), leader list
# CDU/CSU.
#
# **Compute budget.** The comparisons of fair models and criteria use a grid of f_i in
# steps of 0.05 (20 values) x f_e in steps of 0.005 (20 values) x alpha in {1, 2, 3}
# and **10 realisations** per fit. The default fit (empirical fair model, `chi2`), whose
# numbers we quote with intervals, uses a finer grid (f_i in steps of 0.01, f_e in steps
# of 0.0025), 10 realisations, **100 bootstrap replicates** (each re-estimates the fair
# parameters and refits) and the **goodness-of-fit check** with 50 simulated elections
# (each refitted). The fits run on a two-process pool passed to `fit` (`executor=`;
# without it `fit` runs serially); every realisation, replicate and simulation has its
# own seed, so the numbers are identical however the work is scheduled.

# %%
import warnings
from concurrent.futures import ProcessPoolExecutor

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from forensics import ForensicsWarning, datasets, fit_mixture
from forensics.figures import savefig, style
from forensics.klimek import fit, simulate
from forensics.plots.klimek import plot_klimek_fit, plot_shpilkin_sweep
from forensics.shpilkin import shpilkin

pd.set_option("display.width", 120)

GRID = {
    "f_incremental": np.round(np.arange(0.0, 0.951, 0.05), 2),
    "f_extreme": np.round(np.arange(0.0, 0.0951, 0.005), 3),
    "alpha": [1.0, 2.0, 3.0],
}
# (fair model, criterion) pairs compared below; the first is the default of `fit`
FINE = {
    "f_incremental": np.round(np.arange(0.0, 0.995, 0.01), 2),
    "f_extreme": np.round(np.arange(0.0, 0.10001, 0.0025), 4),
    "alpha": [1.0, 2.0, 3.0],
}
REAL = 10  # realisations per fit
POOL = ProcessPoolExecutor(max_workers=2)  # same numbers as serial, in less time
DEFAULT_KW = dict(grid=FINE, n_realizations=REAL, n_resamples=100, n_gof=50, executor=POOL)
DEFAULT = ("empirical", "chi2")
COMBOS = [DEFAULT, ("empirical", "2d"), ("normal", "klimek"), ("normal", "chi2"), ("normal", "2d")]
LABELS = [f"{fm}, {crit}" for fm, crit in COMBOS]


def load(name):
    e = datasets.load(name)
    if name == "germany-2024-ep":
        e = e.subset(~e.stations["postal"].astype(bool))
    return e


CONTROLS = [
    "russia-2011",
    "russia-2012",
    "uganda-2011",
    "poland-2020-r1",
    "poland-2020-r2",
    "germany-2024-ep",
]
elections = {name: load(name) for name in CONTROLS}
ve = datasets.load("venezuela-2024-v1")
for name, e in [*elections.items(), ("venezuela-2024-v1", ve)]:
    print(f"{name}: {len(e):,} stations, leader {e.leader}")

# %% [markdown]
# ## 1. The model and how its fair part is estimated
#
# Each station is fair, incrementally falsified (probability f_i: a fraction x of the
# non-voters is stuffed for the winner and a fraction x^alpha of the opposition's votes
# moves to the winner, x = |N(0, theta)|) or extremely falsified (probability f_e: x
# near 1). The fair part is estimated from the data (`forensics.klimek.estimate_fair`):
#
# * the fair peaks of turnout (a) and share (v) are the **first** local maxima of the
#   smoothed station histograms (the SI's convention; fraud only moves stations up, so
#   a fraud-made mode lies above the fair one);
# * the fair spreads are one-sided, from the stations below the peaks;
# * theta is the RMS turnout deviation above the peak in units of the non-voters.
#
# Two **fair models** draw the fair stations from these estimates:
#
# * `"normal"`, the paper's: independent normals for turnout (a, sd_a) and share
#   (v, sd_v);
# * `"empirical"`, the default of `fit`: each fair station is a station resampled from
#   those **below the turnout peak** (the model's fraud only raises turnout, so these
#   are nearly all fair), keeping its (turnout, share) pair, with the turnout reflected
#   about the peak with probability 1/2. The fair share distribution then has its
#   observed shape (skewed, or with several modes from regional blocs) instead of a
#   normal's. Its assumption is the paper's: absent fraud, the share does not depend on
#   turnout, so the stations below the peak represent those above it.
#
# The fit then simulates the whole election on the real station sizes at every grid
# point and keeps the point closest to the data. The default criterion, `chi2`, is a
# symmetric chi-square distance between the simulated and observed histograms of the
# winner's share (100 bins); the SI's criterion (`klimek`) compares the same histogram
# with weights 1 / (observed + 1); `2d` compares the turnout x share fingerprints.
# Section 3 compares the combinations. The table gives the fair parameters and the
# number of stations below the turnout peak that the empirical model resamples.

# %%
rows = []
for name, e in elections.items():
    r = fit(e, grid=GRID, n_realizations=1, n_resamples=0, n_gof=0, rng=1)
    p = r.fair
    below = p.reference_turnout.size
    rows.append(
        (
            name,
            p.turnout_mean,
            p.turnout_sd,
            p.share_mean,
            p.share_sd,
            p.theta,
            r.n,
            r.n_excluded,
            below,
        )
    )
fair = pd.DataFrame(
    rows,
    columns=[
        "election",
        "a",
        "sd_a",
        "v",
        "sd_v",
        "theta",
        "n",
        "excluded (<100 reg.)",
        "below a",
    ],
)
print(fair.round(3).to_string(index=False))

# %% [markdown]
# ## 2. Parameter recovery
#
# We simulate elections with known parameters on the real station sizes of Russia 2011
# (fair turnout 0.55 +- 0.08, fair share 0.40 +- 0.08, alpha = 2) and fit them as we fit
# the data: with the default (empirical fair model, `chi2`) and, for comparison, with the
# paper's normal fair model and the SI's criterion (`klimek`). The simulated fair part is
# normal, so the paper's model is correctly specified here; the empirical model does not
# assume normality.

# %%
sizes = elections["russia-2011"].stations["registered"].to_numpy()
sizes = sizes[sizes >= 100]
FAIR = dict(turnout_mean=0.55, turnout_sd=0.08, share_mean=0.40, share_sd=0.08)
cases = [(0.0, 0.0, 0.25), (0.3, 0.02, 0.25), (0.6, 0.03, 0.4)]
rows = []
for k, (fi, fe, th) in enumerate(cases):
    e = simulate(sizes, **FAIR, f_incremental=fi, f_extreme=fe, alpha=2.0, theta=th, rng=100 + k)
    for fm, crit in (DEFAULT, ("normal", "klimek")):
        r = fit(
            e,
            grid=GRID,
            n_realizations=REAL,
            n_resamples=0,
            n_gof=0,
            criterion=crit,
            fair_model=fm,
            rng=k,
            executor=POOL,
        )
        rows.append((fi, fe, th, f"{fm}, {crit}", r.f_incremental, r.f_extreme, r.alpha))
recovery = pd.DataFrame(
    rows,
    columns=["true f_i", "true f_e", "true theta", "fair model, criterion", "f_i", "f_e", "alpha"],
)
print(recovery.round(4).to_string(index=False))

# %% [markdown]
# In the fair election both fits find f_i = f_e = 0: neither invents fraud. The default
# recovers f_e within 0.0015 (0.0195 for a true 0.02, 0.0285 for 0.03); the normal model
# with the SI's criterion finds 0.0155 for 0.02 and 0.0315 for 0.03. f_i is biased **low**
# under both: the default gives 0.20 for a true 0.3 and 0.50 for 0.6, the SI's criterion
# 0.17 and 0.55. The fair peak, the fair spreads and theta are estimated from data that
# already contain the falsified stations (theta absorbs the fair spread above the peak,
# so each falsified station looks more falsified and fewer are needed). Read f_i as a
# lower-biased index, f_e as the better identified number.
#
# ## 3. Controls: fair models, criteria, published values and the identifiability caveat
#
# Each control is fitted with five (fair model, criterion) combinations: the default
# (empirical, `chi2`), the empirical model with the 2D criterion, and the paper's normal
# model with the SI's criterion, with `chi2` and with `2d`. The default fit also gets a
# bootstrap interval and the goodness-of-fit check, on the finer grid.
#
# **The goodness-of-fit check.** `fit` simulates elections from the fitted model and
# compares the observed turnout x share fingerprint (20 x 20 cells) with the model's
# expected one (a symmetric chi-square distance, "GOF dist"). Each simulated election is
# refitted the same way, which gives the distance's distribution when the model is true
# ("null median") and the p-value; "off %" is the share of stations that lie in other
# cells than the fitted model expects, "off % null" what chance alone gives. On elections
# simulated from the model the check rejects at about its nominal rate or less (see the
# docstring of `forensics.klimek.fit`). Where it rejects, the fitted f_i and f_e are the
# closest point of a model that does not describe the data, not estimates of the share
# of falsified stations.

# %%
fits = {}
rows = []
for name, e in elections.items():
    for fm, crit in COMBOS:
        if (fm, crit) == DEFAULT:
            r = fit(e, **DEFAULT_KW, rng=2)
        else:
            kw = dict(grid=GRID, n_realizations=REAL, n_resamples=0, n_gof=0, executor=POOL)
            r = fit(e, **kw, criterion=crit, fair_model=fm, rng=2)
        fits[name, fm, crit] = r
        rows.append((name, f"{fm}, {crit}", r.f_incremental, r.f_extreme, r.alpha))
controls = pd.DataFrame(rows, columns=["election", "model", "f_i", "f_e", "alpha"])
for col in ("f_i", "f_e", "alpha"):
    tab = controls.pivot(index="election", columns="model", values=col).loc[CONTROLS, LABELS]
    tab.columns.name = f"{col} (fair model, criterion)"
    print(tab.round(4).to_string(), end="\n\n")


# %%
def default_table(results):
    """f_i, f_e with seed SD and 95 % interval, and the goodness of fit, one row each."""
    rows = []
    for label, r in results.items():
        (lo_i, hi_i), (lo_e, hi_e) = r.f_incremental_ci, r.f_extreme_ci
        rows.append(
            {
                "fit": label,
                "f_i": r.f_incremental,
                "f_i seed SD": r.f_incremental_seed_sd,
                "f_i 2.5%": lo_i,
                "f_i 97.5%": hi_i,
                "f_e": r.f_extreme,
                "f_e seed SD": r.f_extreme_seed_sd,
                "f_e 2.5%": lo_e,
                "f_e 97.5%": hi_e,
                "GOF dist": r.gof_statistic,
                "null median": r.gof_null_median,
                "GOF p": r.gof_pvalue,
                "off %": 100 * r.gof_tv,
                "off % null": 100 * r.gof_tv_null,
                "model fits": r.describes_data,
            }
        )
    return pd.DataFrame(rows)


ci = default_table({name: fits[(name, *DEFAULT)] for name in CONTROLS})
print(
    "default (empirical, chi2): 10 realisations, 95 % bootstrap intervals (100 replicates),"
    " goodness of fit (50 refitted simulations, 20 x 20 fingerprint)"
)
with pd.option_context("display.width", 200):
    print(ci.rename(columns={"fit": "election"}).round(4).to_string(index=False))
for name in CONTROLS:
    print(f"{name}: {fits[(name, *DEFAULT)].gof_verdict()}")

# %%
published = pd.DataFrame(
    [
        ("russia-2011", "Klimek et al. 2012", 0.64, 0.033, 2.3),
        ("russia-2011", "Mebane & Kalinin", 0.1209, 0.00323, 1.756),
        ("russia-2012", "Klimek et al. 2012", 0.39, 0.021, 1.5),
        ("russia-2012", "Mebane & Kalinin", 0.0844, 0.00204, 3.411),
    ],
    columns=["election", "source", "f_i", "f_e", "alpha"],
)
print(published.to_string(index=False))

# %% [markdown]
# **The model does not describe any of the six controls.** The goodness-of-fit check
# rejects every default fit with p = 0.0196, the smallest p-value 50 simulations can give:
# 9.6 % (Germany) to 27.2 % (Uganda) of the stations lie off the fitted model's
# fingerprint, against 1.7 % to 7.4 % for elections simulated from the fitted model. The
# clean controls fail as clearly as the irregular ones (Poland 15.9 % and 14.6 %). Their
# fingerprints break the model's fair part, which assumes that the share does not depend
# on turnout and that the turnout is symmetric about its peak; regional blocs and
# differential mobilisation break both. **So none of the f_i and f_e values below is an
# estimate of the share of falsified stations**: each is the best-fitting point of a
# model that does not fit, and we compare them only as descriptive indices of where the
# model puts its fraud, with their seed-to-seed SD (0 to 0.006 for f_i) and bootstrap
# intervals (which refit the fair parameters in every replicate) as measures of their
# stability, not of their accuracy.
#
# **Published values** (Klimek et al. as transcribed by Kobak 2018; Mebane & Kalinin's
# likelihood fits supplied to Kobak, `dkobak/elections/meduza2018`). For Russia 2011 the
# two published fits differ about five-fold in f_i (0.64 against 0.12) from the same
# data: the model is weakly identified. The default fit lands near Klimek et al.'s
# values: (f_i, f_e) = (0.546, 0.027) for Russia 2011 (interval 0.53-0.56 for f_i) against
# their (0.64, 0.033), and (0.436, 0.0298) for Russia 2012 (interval 0.41-0.47) against
# (0.39, 0.021). The five combinations give f_i of 0.50-0.805 for 2011 and 0.295-0.436
# for 2012, all far above Mebane & Kalinin's. Differences from the published numbers come
# from (i) the criterion, (ii) the fair model and the fair-parameter rules (Klimek et
# al.'s SI has two factors we do not keep, see `estimate_fair`), (iii) the grid and the
# number of realisations, and (iv) the data vintage. That our fit reproduces the
# published order of magnitude does not make either an estimate: the model fails the
# fingerprint check for both Russian elections. The values for Uganda 2011 are in the
# PNAS SI table, which we have not retrieved, so we do not compare them.
#
# **Clean controls.** Under the empirical fair model Poland gets f_i = 0 in both rounds
# with either criterion (f_e 0, and 0.0002 in round 2 under the default), and Germany
# f_i = 0.028 (interval 0.0148-0.04) and 0.065 under `2d`, f_e = 0. Under the paper's
# normal model the 1D criteria give them f_i far from 0: 0.55-0.645 for Poland, 0.15
# (`chi2`) and 0.78 (`klimek`) for Germany. A single normal fair share cannot represent
# regional blocs (Duda's rural east, the CDU/CSU south), and the fit then reads the excess
# upper tail of the share as incremental fraud. The normal model with the 2D criterion
# lies in between (0.15-0.295). f_e is 0 for the clean controls under every combination
# but two (Poland round 2: 0.0002 under the default, 0.0005 under normal and `chi2`).
#
# **Positive controls.** f_e is above 0 for Russia 2011, Russia 2012 and Uganda 2011
# under every combination (0.0055-0.0415), and the default's bootstrap intervals exclude
# 0 (lower ends 0.0225, 0.02 and 0.005). Russia's f_i is large under every combination
# (0.50-0.805 for 2011, 0.295-0.436 for 2012). Uganda's f_i depends on the criterion and
# the fair model: 0.335 under the default, 0.04 with the empirical model and the 2D
# criterion, 0.455-0.785 under the normal model. In Uganda the share rises with turnout
# on both sides of the turnout peak. A 1D criterion sees only the share histogram and
# reads its excess of high shares as incremental fraud; the 2D criterion with the
# empirical fair model, which carries the turnout-share association of the stations
# below the peak into the fair part, attributes most of the upper cloud to fair
# stations. Uganda also has the worst fit of all (27.2 % of stations off the fitted
# fingerprint). In sum, the model's f_e separates the positive from the clean controls
# under every combination, and its f_i does so only under the empirical fair model; but
# since the model describes none of these elections, these are differences in the
# shape of the fingerprints (a cluster near 100 % turnout and share, a share rising
# with turnout), not measured fractions of falsified stations.

# %%
with style():
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    x = np.arange(len(CONTROLS))
    for j, label in enumerate(LABELS):
        sub = controls[controls["model"] == label].set_index("election").loc[CONTROLS]
        xj = x + 0.13 * (j - 2)
        mk = "o" if label.startswith("empirical") else "s"
        fill = None if label.startswith("empirical") else "none"
        for ax, col in zip(axes, ["f_i", "f_e"], strict=True):
            ax.plot(xj, sub[col], mk, mfc=fill, color=f"C{j}", label=label)
    ci_i = ci.set_index("fit").loc[CONTROLS]
    for ax, col in zip(axes, ["f_i", "f_e"], strict=True):
        lo, hi = ci_i[f"{col} 2.5%"], ci_i[f"{col} 97.5%"]
        ax.vlines(x - 0.26, lo, hi, color="C0", lw=1.5)
    for ax, lab in zip(axes, ["f_i (incremental)", "f_e (extreme)"], strict=True):
        ax.set_xticks(x, [c.replace("-", "\n", 1) for c in CONTROLS], fontsize=7)
        ax.set_ylabel(lab)
    for _, row in published.iterrows():
        k = CONTROLS.index(row["election"])
        mk = "*" if row["source"].startswith("Klimek") else "x"
        axes[0].plot(k, row["f_i"], mk, color="black", ms=9)
        axes[1].plot(k, row["f_e"], mk, color="black", ms=9)
    axes[1].legend(title="fair model, criterion", fontsize=7, title_fontsize=7)
    axes[0].set_title("bars: 95 % bootstrap interval of the default (empirical, chi2)", fontsize=8)
    axes[1].set_title("black: published (* Klimek et al., x Mebane & Kalinin)", fontsize=8)
    fig.tight_layout()
    savefig(fig, "../figures/04_klimek_criteria.svg")

# %%
with style():
    fig, axes = plt.subplots(2, 3, figsize=(10, 7), sharey="row")
    plot_klimek_fit(fits[("russia-2011", *DEFAULT)], ax=axes[0], bins=60, rng=0)
    plot_klimek_fit(fits[("poland-2020-r2", *DEFAULT)], ax=axes[1], bins=60, rng=0)
    axes[0, 0].set_title("Russia 2011: observed")
    axes[1, 0].set_title("Poland 2020 r2: observed")
    fig.tight_layout()
    savefig(fig, "../figures/04_klimek_fingerprints_controls.svg")

# %% [markdown]
# ## 4. Venezuela 2024: the Klimek fit for Maduro and for González

# %%
vfits = {}
rows = []
for cand in ("Maduro", "Gonzalez"):
    for fm, crit in COMBOS:
        if (fm, crit) == DEFAULT:
            r = fit(ve, cand, **DEFAULT_KW, rng=3)
        else:
            kw = dict(grid=GRID, n_realizations=REAL, n_resamples=0, n_gof=0, executor=POOL)
            r = fit(ve, cand, **kw, criterion=crit, fair_model=fm, rng=3)
        vfits[cand, fm, crit] = r
        rows.append((cand, f"{fm}, {crit}", r.f_incremental, r.f_extreme, r.alpha))
ven = pd.DataFrame(rows, columns=["candidate", "fair model, criterion", "f_i", "f_e", "alpha"])
print(ven.round(4).to_string(index=False))
vci = default_table({cand: vfits[(cand, *DEFAULT)] for cand in ("Maduro", "Gonzalez")})
print("\ndefault (empirical, chi2), as for the controls:")
with pd.option_context("display.width", 200):
    print(vci.rename(columns={"fit": "candidate"}).round(4).to_string(index=False))
for cand in ("Maduro", "Gonzalez"):
    print(f"{cand}: {vfits[(cand, *DEFAULT)].gof_verdict()}")
p = vfits[("Maduro", *DEFAULT)].fair
n_ve = vfits[("Maduro", *DEFAULT)].n
print(f"fair turnout {p.turnout_mean:.3f} +- {p.turnout_sd:.3f}; n = {n_ve:,}")
print(f"tables below the turnout peak (the empirical fair sample): {p.reference_turnout.size:,}")
for cand in ("Maduro", "Gonzalez"):
    q = vfits[(cand, *DEFAULT)].fair
    print(f"{cand}: fair share {q.share_mean:.3f} +- {q.share_sd:.3f}, theta {q.theta:.3f}")

# %%
with style():
    fig, axes = plt.subplots(2, 3, figsize=(10, 7), sharey="row")
    plot_klimek_fit(vfits[("Maduro", *DEFAULT)], ax=axes[0], bins=60, rng=0)
    plot_klimek_fit(vfits[("Gonzalez", *DEFAULT)], ax=axes[1], bins=60, rng=0)
    fig.tight_layout()
    savefig(fig, "../figures/04_klimek_fingerprints_venezuela.svg")

# %% [markdown]
# **The model does not describe Venezuela's fingerprint either, for either candidate.**
# The goodness-of-fit check rejects both default fits (p = 0.0196): 21.8 % of the tables
# lie off the fitted model's fingerprint for Maduro and 18.2 % for González, against
# 6.9 % and 2.8 % for elections simulated from the fitted models. Maduro's share rises
# with turnout across the whole turnout range (notebook 03), a tilted cloud, and the
# model's fair part (a share independent of turnout) cannot produce it; its fraud
# component moves only some tables towards 100 %, so the fit places part of the tilt in
# incremental fraud and misses the rest. **The f_i below is therefore not an estimate of
# the share of falsified tables**; we report it only as the model's best-fitting value.
#
# That value is f_i = 0.396 for Maduro under the default (seed-to-seed SD 0.0093,
# bootstrap interval 0.37-0.48) and f_e = 0 (0-0); González gets f_i = f_e = 0 under
# every combination. f_e is 0 for both candidates under every combination: no tables near
# 100 % turnout and 100 % share, unlike the three positive controls. Maduro's f_i depends
# on the fair model and the criterion as Uganda's does: 0.35-0.396 under `chi2` with
# either fair model, 0.30 with the normal model and `2d`, 0.945 (the grid's edge) with
# the normal model and the SI's criterion, and 0.175, less than half the default's
# value, with the empirical model and `2d`. The 1D fits read the rise of Maduro's share
# with turnout as incremental fraud; the 2D fit with the empirical fair model carries
# part of it as the association already present among the 13,368 tables below the
# turnout peak.
#
# The tilt is on Maduro's share, not on González's. On Maduro, a turnout-share rise is
# what ballot stuffing for Maduro would leave; on González it would be what fabricated
# actas that inflated turnout for him would leave, and there is none for him. Regional
# mobilisation, and any regional pattern that ties Maduro's share to turnout, gives the
# same rise without fraud; the model neither describes the data nor separates these
# explanations, and f_e, its better identified parameter, is 0.
#
# ## 5. The Shpilkin estimate and its dependence on the reference
#
# The clean reference is the turnout window (width 0.05) centred on the mode of the
# ballot-weighted turnout distribution; the candidate's votes above the window's share
# at higher turnout are the estimate. The sweep moves the window's centre from 0.10 below
# to 0.10 above the peak.

# %%
rows = []
sh = {}
for name, e in [*elections.items(), ("venezuela-2024-v1", ve)]:
    cands = ["Maduro", "Gonzalez"] if name.startswith("venezuela") else [e.leader]
    for cand in cands:
        s = shpilkin(e, cand, n_resamples=0)  # the sweep, not a bootstrap, is read here
        sh[name, cand] = s
        sw = s.sweep["excess_fraction"]
        rows.append(
            (
                name,
                cand,
                s.peak,
                s.leader_share,
                s.excess_votes / 1e6,
                100 * s.excess_fraction,
                100 * sw.min(),
                100 * sw.max(),
            )
        )
shp = pd.DataFrame(
    rows,
    columns=[
        "election",
        "candidate",
        "peak",
        "ref. share",
        "excess (M)",
        "excess %",
        "sweep min %",
        "sweep max %",
    ],
)
print(shp.round(3).to_string(index=False))

# %%
with style():
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    plot_shpilkin_sweep(sh["russia-2011", "United Russia"], ax=axes[0])
    axes[0].set_title("Russia 2011")
    plot_shpilkin_sweep(sh["venezuela-2024-v1", "Maduro"], ax=axes[1])
    axes[1].set_title("Venezuela 2024 (V1), Maduro")
    plot_shpilkin_sweep(sh["venezuela-2024-v1", "Gonzalez"], ax=axes[2])
    axes[2].set_title("Venezuela 2024 (V1), González")
    fig.tight_layout()
    savefig(fig, "../figures/04_shpilkin_sweeps.svg")

# %% [markdown]
# Russia 2011 gives about 14.9 million anomalous votes for United Russia, in line with
# Shpilkin's published ~15 million; Poland's Duda gets a negative number in both rounds
# (his share *falls* with turnout above the peak). For Venezuela, Maduro's share rises
# with turnout above the peak: 0.30 million votes (9 % of his votes in V1), but the sweep
# over the reference moves this from 2 % to 27 %, so the number is fragile. González's
# share falls with turnout (negative estimate at every reference), the opposite of what
# turnout-inflating fabricated actas for him would produce.

# %% [markdown]
# ## 6. The finite-mixture model (Ferrari, McAlister & Mebane)
#
# `forensics.fit_mixture` fits the three-class mixture of the `eforensics` model (no
# fraud, incremental fraud, extreme fraud) by maximum likelihood on the station counts,
# with a parametric bootstrap that refits every parameter (10 replicates here, for time;
# the intervals are percentile intervals and under-cover when incremental fraud is small,
# see the methodology). Where Klimek's model matches histograms, the mixture gives each
# station a probability of each class, so its weights are shares of stations, and its
# fraud votes are the expected manufactured and stolen votes. It is read beside the
# Klimek default fit of sections 3 and 4 (`klimek_f_i`, `klimek_f_e`). A small
# goodness-of-fit p-value (`gof_p`, the smallest 10 replicates allow is 1/11) means that
# no three-class mixture reproduces the data and the weights describe the closest one.

# %%
mixture_rows = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ForensicsWarning)  # each result keeps its warnings
    for name, e in [*elections.items(), ("venezuela-2024-v1", ve)]:
        m = fit_mixture(e, n_resamples=10, rng=2024, executor=POOL)
        kf = fits[(name, *DEFAULT)] if name in elections else vfits[("Maduro", *DEFAULT)]
        mixture_rows.append(
            {
                "election": name,
                "leader": m.candidate,
                "stations": m.n,
                "pi_none": m.pi_none,
                "pi_incremental": m.pi_incremental,
                "pi_incremental_ci": "[{:.3f}, {:.3f}]".format(*m.pi_incremental_ci),
                "pi_extreme": m.pi_extreme,
                "pi_extreme_ci": "[{:.3f}, {:.3f}]".format(*m.pi_extreme_ci),
                "fraud_votes_M": m.fraud_votes / 1e6,
                "gof_p": m.pvalue,
                "warnings": len(m.warnings),
                "klimek_f_i": kf.f_incremental,
                "klimek_f_e": kf.f_extreme,
            }
        )
mixture_table = pd.DataFrame(mixture_rows).set_index("election")
print(mixture_table.to_string(float_format=lambda v: f"{v:.3f}"))
POOL.shutdown()

# %% [markdown]
# The mixture separates the controls as expected on its face: Russia 2011 and 2012 and
# Uganda 2011 get large incremental weights (0.512, 0.422, 0.725) and, for Russia,
# extreme weights of 0.128 and 0.094; Poland 2020 gets a no-fraud weight of 1.000 in both
# rounds. Germany 2024 gets an incremental weight of 0.063 and Venezuela 2024 one of
# 0.957 for Maduro (1.368 million expected fraudulent votes). The goodness-of-fit
# p-value is at its floor (1/11) for every election, clean ones included: none of them
# is a three-class mixture with one fair distribution, and the weights describe the
# closest such mixture. The model's fair part is a single national turnout and share
# distribution; a country whose shares vary by region and rise with turnout for other
# reasons (Venezuela's 2013 geography, notebook 07) is read as incremental fraud,
# exactly as by Klimek's model (f_i = 0.396 for Maduro). Neither model can tell
# stuffing from a heterogeneous, mobilised electorate; the mixture's extreme weight
# (0 for Venezuela and the clean controls, 0.094–0.128 for Russia) is the part that
# speaks most directly to ballots added at near-100 % turnout. With 10 bootstrap
# replicates the percentile intervals are rough (Germany's estimate lies outside its
# own interval, flagged in the result's warnings); the methodology reports their
# coverage.

# %% [markdown]
# ## 7. Reading and limitations
#
# * **The model does not describe these elections.** The goodness-of-fit check rejects
#   the fitted Klimek model for all six controls and for both Venezuelan candidates
#   (sections 3 and 4): 9.6 % to 27.2 % of the stations lie off the fitted fingerprint,
#   against 1.7 % to 7.4 % by chance. Its f_i and f_e are therefore not estimates of
#   falsified fractions here, for the irregular and the clean elections alike; they
#   index where the model puts its fraud.
# * **What the numbers speak to.** A Klimek f_e above 0 says that some stations sit
#   near 100 % turnout and 100 % share, more than the fair model allows; f_i says how
#   much of a joint turnout-and-share shift the model needs. The Shpilkin estimate
#   measures how much the candidate's share rises with turnout above the peak. For
#   Maduro these are the signatures of ballot stuffing; for González a positive value
#   is what fabricated, turnout-inflated actas would leave, and what regional
#   mobilisation leaves too.
# * **Identifiability.** The model is weakly identified: two published fits for Russia
#   2011 differ five-fold in f_i, and our own values move with the fair model and the
#   criterion (sections 3 and 4): Uganda 2011's f_i ranges from 0.04 to 0.785 over the
#   five combinations, Maduro's from 0.175 to 0.945. Report f_i only with its fair model,
#   its criterion and its goodness of fit. f_e is the more stable parameter: 0 for the
#   clean controls (two exceptions, 0.0002 and 0.0005) and for both Venezuelan
#   candidates, 0.0055-0.0415 for the positive controls, under every combination.
# * **Stability is not accuracy.** The seed-to-seed SD of the default's f_i (at most
#   0.0093) is smaller than its bootstrap interval, which re-estimates the fair
#   parameters in every replicate; both are small next to the spread over criteria and
#   fair models, and neither says whether the model fits.
# * **Recovery.** On simulated elections the default recovers f_e within 0.0015 and does
#   not invent fraud, but f_i is biased low (0.20 for a true 0.3, 0.50 for 0.6;
#   section 2).
# * **Fair model.** The paper's fair model (one normal turnout, one normal share) cannot
#   represent regional heterogeneity: under it the clean controls get f_i of 0.15-0.78
#   with the 1D criteria. The empirical fair model (the default) takes the fair shares
#   from the stations below the turnout peak and gives them 0-0.065. It keeps the paper's
#   assumption that, absent fraud, the share does not depend on turnout: where the share
#   rises with turnout for other reasons (regional blocs, mobilisation), the rise above
#   the peak is still read as fraud, as the 1D fits do for Uganda and for Maduro, and
#   the fingerprint check rejects the fit.
# * **Reference choice.** The Shpilkin estimate depends on the reference window (sweep);
#   it assumes shares flat in turnout absent fraud, which mobilisation violates.
# * **The mixture model** (section 6) shares the Klimek model's single fair
#   distribution and its reading of a rising share as fraud; it does not fit any of
#   these elections either. Its extreme weight is the interpretable part; its
#   incremental weight, like f_i, indexes heterogeneity as much as fraud.
# * **Compute.** 10 realisations per fit, 100 bootstrap replicates and 50 refitted
#   simulations for the fingerprint check; the fits run on a two-process
#   `ProcessPoolExecutor` passed to `fit`, and give the same numbers serially.
