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
# # Venezuela 2024: the tally-sheet (acta) data
#
# **Question.** What do the published tally sheets of the presidential election of
# 28 July 2024 cover, do the versions of them agree, what had to be set aside, and
# what national totals do they give? Every later notebook tests these data; this one
# describes them.
#
# **Data.** After the election the opposition (Comando Con Venezuela) published on
# resultadosconvzla.com the counts of the tally sheets ("actas") that its witnesses
# collected at the voting tables ("mesas"), in two CSV versions:
#
# * **V1**, 24,532 actas, with the registered electors of each table (`RE`);
# * **V2**, 25,073 actas, the later and larger version, without registered electors
#   (the loader joins them from V1 by centre and table);
#
# and, independently, the project `ipince/vzlapi` decoded the votes from the QR code
# printed on each acta image (**QR**, 21,952 actas, candidate votes only).
# The official 2013 mesa-level results (CNE) serve as a reference for the number of
# tables per state. The CNE has published no table-level results for 2024.
#
# The files are read through `forensics.datasets.load`, which checks each file's
# sha256 against the pinned value below before parsing it.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from forensics import datasets
from forensics.coverage import (
    compare_versions,
    coverage_by_state,
    reweighted_shares,
    table_number_floor,
)
from forensics.figures import savefig, style

pd.set_option("display.width", 120)

NAMES = ("venezuela-2024-v1", "venezuela-2024", "venezuela-2024-qr", "venezuela-2013")
for name in NAMES:
    ds = datasets.get(name)
    print(f"{name}: {ds.description}")
    for f in ds.files:
        print(f"  {f.url}")
        print(f"    sha256 {f.sha256}")
    print(f"  citation: {ds.citation}")

# %%
v1 = datasets.load("venezuela-2024-v1")
v2 = datasets.load("venezuela-2024")
qr = datasets.load("venezuela-2024-qr")
e13 = datasets.load("venezuela-2013")
for e in (v1, v2, qr, e13):
    print(f"{e.name}: {len(e):,} tables kept, {len(e.set_aside):,} set aside")

# %% [markdown]
# Station ids are `<9-digit CNE centre code>-<table number>` in every data set, so the
# versions join on them. The state is read from the first two digits of the centre
# code.
#
# ## 1. Coverage by state
#
# **The denominator.** The CNE is usually quoted as having 30,026 tables in 2024
# (the opposition's "83.50 %" is 25,073 / 30,026; a VTV report gives 30,036), but no
# 2024 count of tables *by state* is in our data. We therefore use two documented
# stand-ins, neither of which is the official 2024 figure:
#
# 1. **2013 shares, rescaled.** The 2013 official results list every table
#    (39,376, including 304 abroad and 54 in "Zonas Inhóspitas"). We take each of the
#    24 states' share of the 39,018 tables in states and rescale it to 30,026. This
#    assumes each state's share of tables did not change between 2013 and 2024
#    (emigration since 2015 was uneven, so it is an approximation; values above 100 %
#    show where it undercounts).
# 2. **Table-number floor.** Within a voting centre, tables are numbered 1, 2, ...
#    (true of all 13,864 centres in 2013). The highest table number seen in a centre
#    is therefore a lower bound on its tables, which gives, from the acta data alone,
#    the number of tables known to be missing in the centres the data reach. It says
#    nothing about centres with no acta at all.

# %%
n_tables_2024 = 30_026
codes = dict(zip(e13.stations["centre"].str[:2], e13.stations["state"], strict=False))
states_2013 = pd.concat(
    [e13.stations["state"], e13.set_aside["station"].str[:2].map(codes)], ignore_index=True
)
tables_2013 = states_2013.value_counts()
abroad = ["Embajadas", "Zonas Inhóspitas"]
print(f"2013 tables: {tables_2013.sum():,} ({tables_2013[abroad].sum():,} abroad or remote)")
ref_2013 = tables_2013.drop(abroad)
print(f"2013 tables in the 24 states: {ref_2013.sum():,}; rescaled to {n_tables_2024:,}")

cov = {
    label: coverage_by_state(e, ref_2013, scale_to=n_tables_2024)
    for label, e in (("V1", v1), ("V2", v2), ("QR", qr))
}
floor = table_number_floor(v2)
table = cov["V2"].rename(columns={"stations": "V2", "reference": "ref_2013", "coverage": "cov_V2"})
table.insert(1, "V1", cov["V1"]["stations"].to_numpy())
table.insert(3, "QR", cov["QR"]["stations"].to_numpy())
table = table.merge(floor[["state", "centres", "floor", "gaps", "coverage_max"]], on="state")
table = table.sort_values("cov_V2", kind="stable").reset_index(drop=True)
print(
    table.to_string(
        formatters={
            "ref_2013": "{:,.0f}".format,
            "cov_V2": "{:.1%}".format,
            "coverage_max": "{:.1%}".format,
        }
    )
)

# %%
for label, c in cov.items():
    n = int(c["stations"].sum())
    print(
        f"{label}: {n:,} tables = {n / n_tables_2024:.2%} of {n_tables_2024:,}; "
        f"state coverage (2013 reference) from {c['coverage'].min():.1%} to "
        f"{c['coverage'].max():.1%}"
    )
n_gaps = int(floor["gaps"].sum())
print(
    f"V2 reaches {int(floor['centres'].sum()):,} centres (of 15,797 quoted by VTV); "
    f"in them at least {int(floor['floor'].sum()):,} tables exist, so {n_gaps:,} are "
    f"known to be missing there and {n_tables_2024 - int(floor['floor'].sum()):,} "
    "more lie in centres without any acta (or above the highest number seen)"
)

# %%
with style():
    fig, ax = plt.subplots(figsize=(6.5, 6.0))
    y = np.arange(len(table))
    ax.barh(y, table["cov_V2"], color="#4c72b0", label="V2 / 2013 reference (rescaled)")
    ax.plot(
        table["coverage_max"],
        y,
        "|",
        color="black",
        markersize=9,
        label="V2 / table-number floor (reached centres)",
    )
    ax.axvline(
        25_073 / n_tables_2024, color="grey", linestyle="--", linewidth=1, label="national 83.50 %"
    )
    ax.set_yticks(y, table["state"])
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of tables with an acta in V2")
    ax.set_title("Acta coverage by state, Venezuela 2024")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.1), ncol=2, fontsize=7, frameon=False)
    fig.tight_layout()
    savefig(fig, "../figures/01_coverage_by_state.svg")

# %% [markdown]
# Coverage is uneven across states when measured against the 2013 reference, and the
# two references answer different questions: the floor bounds coverage *inside* the
# centres reached (93.7 % to 100 % by state, so the missing tables are mostly in
# centres without any acta), while the 2013 reference approximates coverage of the whole state.
#
# ## 2. V1 against V2 against the QR decoding
#
# Each pair is joined on the station id; for tables present in both, every candidate
# column (and, for V1 and V2, valid and null votes) is compared exactly.

# %%
count_cols = ["valid", "invalid", *v1.candidates]
v1_v2 = compare_versions(v1, v2, columns=count_cols)
v2_qr = compare_versions(v2, qr)
v1_qr = compare_versions(v1, qr)
status = pd.DataFrame(
    {
        "V1 (a) vs V2 (b)": v1_v2["status"].value_counts(sort=False),
        "V2 (a) vs QR (b)": v2_qr["status"].value_counts(sort=False),
        "V1 (a) vs QR (b)": v1_qr["status"].value_counts(sort=False),
    }
)
print(status.to_string())

# %%
only_v1 = v1_v2.loc[v1_v2["status"] == "only in a", ["station", "state"]]
print("tables in V1 but not in V2:")
print(only_v1.to_string(index=False))
added = v1_v2.loc[v1_v2["status"] == "only in b", "state"].value_counts()
print(f"\ntables added in V2 ({int(added.sum()):,}), by state:")
print(added.to_string())

# %%
diff_cols = [f"diff_{c}" for c in qr.candidates]
differ = v2_qr.loc[v2_qr["status"] == "differ"]
shown = differ[["station", "state", "n_differ"]].copy()
for col in diff_cols:
    d = differ[col]
    if (d != 0).any():
        shown[col.removeprefix("diff_") + " (QR-V2)"] = d.astype(int)
print("tables where the QR decoding and V2 differ:")
print(shown.to_string(index=False))
net = v2_qr[diff_cols].abs().sum()
print(
    f"sum of absolute differences: González {net['diff_Gonzalez']:,.0f}, "
    f"Maduro {net['diff_Maduro']:,.0f}, all candidates {net.sum():,.0f} votes"
)
only_qr = v2_qr.loc[v2_qr["status"] == "only in b", "state"].value_counts()
print(f"QR actas not in V2: {int(only_qr.sum())} ({', '.join(only_qr.index)})")

# %%
union = pd.Index(v1.stations["station"]).union(v2.stations["station"])
union = union.union(qr.stations["station"])
print(f"tables in V1 ∪ V2 ∪ QR: {len(union):,} = {len(union) / n_tables_2024:.2%} of 30,026")

labels = table.sort_values("state", kind="stable")["state"].tolist()
both = v1_v2.loc[v1_v2["status"] == "identical", "state"].value_counts()
with style():
    fig, ax = plt.subplots(figsize=(6.5, 6.0))
    y = np.arange(len(labels))
    left = both.reindex(labels, fill_value=0).to_numpy()
    right = added.reindex(labels, fill_value=0).to_numpy()
    ax.barh(y, left, color="#4c72b0", label="in V1 and V2 (identical votes)")
    ax.barh(y, right, left=left, color="#dd8452", label="added in V2")
    qr_n = qr.stations["state"].value_counts().reindex(labels, fill_value=0).to_numpy()
    ax.plot(qr_n, y, "|", color="black", markersize=9, label="QR decoding (count)")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("tables with an acta")
    ax.set_title("The acta versions by state, Venezuela 2024")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.1), ncol=2, fontsize=7, frameon=False)
    fig.tight_layout()
    savefig(fig, "../figures/01_versions_by_state.svg")

# %% [markdown]
# V2 is V1 plus 543 tables, minus two; no vote count changed between the versions.
# The QR decoding, made from the same images by a different route, reproduces V2's
# counts exactly on all but 7 of 21,937 shared tables, where single counts differ by
# 1–3 votes.
# This agreement shows that the CSV transcribes the images faithfully; it cannot show
# that the images themselves are authentic, since both derive from them.
#
# ## 3. Data quality: what was set aside, and why
#
# The validated loader (`forensics.Election.from_frame`) checks that every count is a
# non-negative integer, that candidate votes sum to the valid votes, that no table
# has more ballots than registered electors and that station ids are unique. Rows
# that fail are set aside with their reason, never dropped silently.

# %%
for e in (v1, v2, qr, e13):
    print(e.report().splitlines()[0])
    if len(e.set_aside):
        n_cols = e.set_aside["reason"].str.count("missing count")
        print(f"  count columns missing per row: {n_cols.value_counts().to_dict()} (of 9)")
        print(
            "  by 2013 state code: "
            f"{e.set_aside['station'].str[:2].map(codes).value_counts().to_dict()}"
        )

# %% [markdown]
# No 2024 row fails validation. The 28 rows set aside in 2013 are tables without any
# vote data in the source (12 abroad, 4 in "Zonas Inhóspitas", 12 in states); they
# are counted in the 2013 reference above, as the tables existed.
#
# Beyond validation, some tables are kept but flagged, because a later analysis may
# need to exclude them:

# %%
s1, s2 = v1.stations, v2.stations
turnout = v1.turnout
flags = pd.DataFrame(
    {
        "V1": [
            int(s1["registered"].isna().sum()),
            int((s1["valid"] < 50).sum()),
            int((turnout > 0.95).sum()),
            int((s1["invalid"] > 0).sum()),
        ],
        "V2": [
            int(s2["registered"].isna().sum()),
            int((s2["valid"] < 50).sum()),
            int((v2.turnout > 0.95).sum()),
            int((s2["invalid"] > 0).sum()),
        ],
    },
    index=[
        "registered electors missing (no turnout)",
        "fewer than 50 valid votes",
        "turnout (valid + null) / registered above 95 %",
        "at least one null vote",
    ],
)
print(flags.to_string())
print(
    f"V1 turnout: median {turnout.median():.1%}, min {turnout.min():.1%}, "
    f"max {turnout.max():.1%}; registered per table from {s1['registered'].min():,} "
    f"to {s1['registered'].max():,}"
)

# %% [markdown]
# * The 543 tables added in V2 have no registered electors, so any turnout analysis
#   of V2 sets them aside (the later notebooks state this count where it applies).
# * Null votes are recorded on 1,032 V1 tables only; blank and other invalid votes
#   are not in the files, so "ballots" here means valid + null votes.
# * No file covers voting abroad (69,211 registered electors).
# * The QR decoding has candidate votes only: no valid, null or registered columns.
#
# ## 4. The national totals
#
# The totals are exact sums over the tables held. They are not estimates of the full
# count: the 16.5 % of tables without an acta are not a random sample, so a sampling
# interval would not describe them. Two sensitivity checks stand in for uncertainty:
# the spread across the three versions, and re-weighting each state by the inverse of
# its coverage (post-stratification: within a state the missing tables are assumed to
# vote like the held ones). The worst-case bounds over the missing tables are in
# notebook 05.

# %%
rows = []
for label, e in (("V1", v1), ("V2", v2), ("QR", qr)):
    t = e.stations
    valid = int(t["valid"].sum())
    others = valid - int(t["Gonzalez"].sum()) - int(t["Maduro"].sum())
    rows.append(
        {
            "version": label,
            "tables": len(e),
            "coverage": len(e) / n_tables_2024,
            "valid": valid,
            "null": int(t["invalid"].sum()) if label != "QR" else np.nan,
            "Gonzalez": int(t["Gonzalez"].sum()),
            "Maduro": int(t["Maduro"].sum()),
            "others": others,
            "Gonzalez_%": t["Gonzalez"].sum() / valid,
            "Maduro_%": t["Maduro"].sum() / valid,
            "others_%": others / valid,
        }
    )
totals = pd.DataFrame(rows)
pct = "{:.2%}".format
num = "{:,.0f}".format
print(
    totals.to_string(
        index=False,
        na_rep="n/a",
        formatters={
            "coverage": pct,
            "valid": num,
            "tables": num,
            "null": num,
            "Gonzalez": num,
            "Maduro": num,
            "others": num,
            "Gonzalez_%": pct,
            "Maduro_%": pct,
            "others_%": pct,
        },
    )
)
reg = int(s1["registered"].sum())
ballots = int(s1["ballots"].sum())
print(f"V1 turnout: {ballots:,} / {reg:,} registered = {ballots / reg:.2%}")
print("(QR shares are of the sum of candidate votes; it has no valid-vote column)")

# %%
rw_rows = []
for ref_label, c in (
    ("2013 reference", cov["V2"]),
    ("table-number floor", floor.rename(columns={"coverage_max": "coverage"})),
):
    rw = reweighted_shares(v2, c, candidates=["Gonzalez", "Maduro"])
    for r in rw.itertuples():
        rw_rows.append(
            {
                "re-weighting": ref_label,
                "candidate": r.candidate,
                "share_held": r.share,
                "share_reweighted": r.share_reweighted,
                "change_pp": 100 * r.change,
            }
        )
rw_table = pd.DataFrame(rw_rows)
print(
    rw_table.to_string(
        index=False,
        formatters={
            "share_held": pct,
            "share_reweighted": pct,
            "change_pp": lambda x: f"{round(x, 2) + 0.0:+.2f}",
        },
    )
)
margin = totals.loc[totals["version"] == "V2", ["Gonzalez", "Maduro"]].iloc[0]
print(
    f"V2 margin González - Maduro: {int(margin['Gonzalez'] - margin['Maduro']):,} votes "
    f"over {len(v2):,} tables"
)

# %%
with style():
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    series = [(f"{r['version']} (held)", r["Gonzalez_%"], r["Maduro_%"]) for r in rows]
    for r in rw_table["re-weighting"].unique():
        sub = rw_table[rw_table["re-weighting"] == r].set_index("candidate")["share_reweighted"]
        series.append((f"V2, re-weighted\n({r})", sub["Gonzalez"], sub["Maduro"]))
    y = np.arange(len(series))
    ax.plot([s[1] for s in series], y, "o", color="#4c72b0", label="González")
    ax.plot([s[2] for s in series], y, "s", color="#c44e52", label="Maduro")
    ax.set_yticks(y, [s[0] for s in series])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of valid votes (QR: of candidate votes)")
    ax.set_title("National shares in the acta data, Venezuela 2024")
    ax.legend(loc="center right", fontsize=8, frameon=False)
    fig.tight_layout()
    savefig(fig, "../figures/01_national_shares.svg")

# %% [markdown]
# ## Results
#
# * **Coverage.** V2 holds 25,073 of the 30,026 tables usually quoted (83.50 %), V1
#   24,532 (81.70 %), the QR decoding 21,952 (73.11 %); together 25,090. Against the
#   2013 reference, coverage varies by state (table above and
#   `figures/01_coverage_by_state.svg`). Inside the centres reached, the table-number
#   floor shows few gaps: the missing tables are mostly in centres with no acta.
# * **Versions.** V1 and V2 agree on every count of the 24,530 tables they share; V2
#   adds 543 tables and lacks 2 of V1's. The QR decoding agrees with V2 on 21,930 of
#   21,937 shared tables; on the 7 others single counts differ by 1–3 votes (6 votes in
#   all for the two leading candidates, 21 for all candidates).
# * **Set aside.** No 2024 row fails validation; the 543 V2 tables without registered
#   electors are set aside from turnout analyses. In 2013, 28 tables without vote data
#   are set aside.
# * **Totals.** In V2 González has 7,303,480 votes (67.08 % of valid votes) and Maduro
#   3,316,142 (30.46 %); V1 and the QR decoding give shares within 0.1 percentage
#   points of these. Re-weighting the states by their coverage moves either share by
#   less than 0.1 percentage points.
#
# These totals speak to what the published actas say, not to whether they are
# complete or authentic. For the two hypotheses tested in later notebooks: fabricated
# actas would favour González, and stuffed ballots would favour Maduro; this notebook
# tests neither.
#
# ## Limitations
#
# * No official 2024 table list by state was available; state coverage uses a 2013
#   proxy, rescaled, and a within-data floor. Both are approximations of a different
#   kind, shown side by side.
# * 30,026 is the figure commonly quoted (and used by the opposition); a VTV report
#   gives 30,036 tables. The difference changes national coverage by 0.03 points.
# * The QR decoding and the CSVs derive from the same images; their agreement checks
#   the transcription, not the images. The images' authenticity is outside these data.
# * The data hold no voting abroad, no blank votes, and no registered electors for the
#   543 tables added in V2.
# * Re-weighting assumes that, within a state, the tables without an acta voted like
#   those with one. Tables may be missing for reasons linked to their vote (for
#   example where the opposition had fewer witnesses), which re-weighting cannot fix.
