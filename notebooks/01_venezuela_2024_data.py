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
# ## 5. Where: maps by state
#
# The by-state numbers above, on a map, with three questions: is coverage arranged
# geographically, how do the shares and turnout in the actas vary across the country,
# and does coverage follow past chavista strength? For the last, the 2013 official
# results give Maduro's share of the valid votes in each state.
#
# * **Coverage** is the first stand-in of section 1: V2's tables over the 2013 table
#   counts rescaled to 30,026. It describes whole states, and exceeds 100 % where the
#   stand-in undercounts (Apure, Barinas, Cojedes). Coverage inside the reached centres
#   (the table-number floor) serves as a check in the tests below; it is not mapped.
# * **Shares** are of valid votes: V2 for 2024, all 2013 tables with votes for 2013. The
#   three share maps use one colour scale.
# * **Turnout** is (valid + null votes) / registered electors in V1, whose 24,532
#   tables all have registered electors (the 543 tables added in V2 have none). Blank
#   votes are not in the files, so turnout is slightly understated everywhere.
# * States are joined by normalised name to the OCHA/INE state polygons
#   (`venezuela-states`). The Dependencias Federales (islands without voters of their
#   own) have no value; 2013 voting abroad and in the "Zonas Inhóspitas" circuit has
#   no polygon and is listed beside the map.

# %%
from scipy import stats

from forensics import maps
from forensics.plots import choropleth
from forensics.power import rank_correlation_power

states = datasets.load("venezuela-states")
print(f"venezuela-states: {datasets.get('venezuela-states').description}")
print(
    f"  {len(states)} units, {states.n_vertices:,} vertices, drawn with "
    f"{states.n_vertices_simplified:,} (Douglas-Peucker, {states.tolerance:g} degrees)"
)

g1, g2, g13 = v1.group_totals("state"), v2.group_totals("state"), e13.group_totals("state")
maduro_2013 = g13["Maduro"] / g13["valid"]  # also abroad and "Zonas Inhóspitas"
by_state = pd.DataFrame(
    {
        "coverage": cov["V2"].set_index("state")["coverage"],
        "coverage_floor": floor.set_index("state")["coverage_max"],
        "Gonzalez": g2["Gonzalez"] / g2["valid"],
        "Maduro": g2["Maduro"] / g2["valid"],
        "turnout_V1": g1["ballots"] / g1["registered"],
        "Maduro_2013": maduro_2013.drop(abroad),
    }
).sort_values("coverage", kind="stable")
by_state.index.name = "state"
print(by_state.to_string(float_format="{:.1%}".format))
print(
    "not mapped, Maduro 2013: "
    + ", ".join(
        f"{s} {maduro_2013[s]:.1%} ({int(g13.loc[s, 'stations']):,} tables)" for s in abroad
    )
)

# %%
share_range = {"vmin": 0.15, "vmax": 0.85}
with style():
    fig, axes = plt.subplots(2, 3, figsize=(11.0, 8.0), layout="constrained")
    panels = [
        (
            by_state["coverage"],
            "coverage",
            {},
            "Acta coverage, V2\n(tables / 2013 reference rescaled)",
        ),
        (
            by_state["Gonzalez"],
            "share",
            share_range,
            "González, share of valid votes\n(V2 actas, 2024)",
        ),
        (
            by_state["Maduro"],
            "share",
            share_range,
            "Maduro, share of valid votes\n(V2 actas, 2024)",
        ),
        (
            by_state["turnout_V1"],
            "share",
            {},
            "Turnout, (valid + null) / registered\n(V1 actas, 2024)",
        ),
        (
            maduro_2013,
            "share",
            share_range,
            "Maduro, share of valid votes\n(official results, 2013)",
        ),
    ]
    for ax, (values, kind, scale, title) in zip(axes.flat, panels, strict=False):
        label = "turnout (%)" if "Turnout" in title else None
        choropleth(values, boundaries=states, ax=ax, kind=kind, title=title, label=label, **scale)
        ax.get_legend().set(loc="upper left", bbox_to_anchor=(0.0, 0.02))  # below the map
    ax = axes[1, 2]
    ax.scatter(by_state["Maduro_2013"], by_state["coverage"], s=14, color="#4c72b0")
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=0.8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("Maduro 2013, share of valid votes")
    ax.set_ylabel("acta coverage, V2 (2013 reference)")
    ax.set_title("Coverage against 2013 Maduro share\n(one dot per state)")
    fig.suptitle("Venezuela 2024 by state: acta coverage, shares and turnout; 2013 for reference")
    savefig(fig, "../figures/01_maps_by_state.svg")

# %% [markdown]
# **Spatial clustering.** Global Moran's I measures whether neighbouring states have
# more similar values than a random placement of the same values would give
# (`forensics.maps.morans_i`: row-standardised weights, states neighbours when they
# share a border; two-sided permutation test, 9,999 random placements). Nueva Esparta,
# an island, has no land neighbour and is set aside; as a check it is linked to
# Sucre and Anzoátegui, the states its ferries reach. The rank correlation between
# state coverage and the 2013 Maduro share (Spearman's ρ, permutation p-value) asks
# whether coverage is lower or higher where chavismo was stronger in 2013.

# %%
adj = maps.adjacency(states)
adj_linked = maps.adjacency(
    states, links=[("Nueva Esparta", "Sucre"), ("Nueva Esparta", "Anzoátegui")]
)
print(
    f"adjacency: {len(adj.pairs())} neighbour pairs (shared border); "
    f"without a neighbour: {', '.join(adj.isolated())}"
)
moran_rows = []
seed = 20240728
for label, values in (
    ("coverage (2013 reference)", by_state["coverage"]),
    ("coverage (table-number floor)", by_state["coverage_floor"]),
    ("Maduro 2013", by_state["Maduro_2013"]),
):
    for adj_label, a in (("border", adj), ("border + N. Esparta links", adj_linked)):
        seed += 1
        m = maps.morans_i(values, a, n_resamples=9999, rng=seed)
        moran_rows.append(
            {
                "values": label,
                "neighbours": adj_label,
                "I": m.statistic,
                "E[I]": m.expected,
                "p": m.pvalue,
                "states": m.n,
                "set aside": ", ".join(m.excluded["unit"]),
            }
        )
f3 = "{:+.3f}".format
print(
    pd.DataFrame(moran_rows).to_string(
        index=False, formatters={"I": f3, "E[I]": f3, "p": "{:.4f}".format}
    )
)

# %%
rank_rows = []
for label, col in (
    ("coverage (2013 reference)", "coverage"),
    ("coverage (table-number floor)", "coverage_floor"),
):
    seed += 1
    r = stats.pearsonr(  # Pearson on (mid-)ranks = Spearman's rho
        stats.rankdata(by_state[col]),
        stats.rankdata(by_state["Maduro_2013"]),
        method=stats.PermutationMethod(n_resamples=9999, rng=seed),
    )
    rank_rows.append({"coverage": label, "Spearman rho": float(r.statistic), "p": float(r.pvalue)})
print("rank correlation with the 2013 Maduro share, 24 states:")
print(
    pd.DataFrame(rank_rows).to_string(
        index=False, formatters={"Spearman rho": f3, "p": "{:.4f}".format}
    )
)

# %% [markdown]
# **How much can 24 states show?** Two power checks, on this map:
#
# * Rank correlation (`forensics.power.rank_correlation_power`): with 24 states, |ρ|
#   must exceed about 0.40 to give p < 0.05; the power to detect a true ρ follows from
#   Fisher's z with the variance 1.06 / (n − 3) of Spearman's ρ (Fieller, Hartley &
#   Pearson 1957, doi:10.1093/biomet/44.3-4.470).
# * Moran's I (`forensics.maps.moran_power`): values drawn from a simultaneous
#   autoregressive process on the 23 connected states, x = (I − ρW)⁻¹ε with ε standard
#   normal and W the row-standardised border weights, are tested 300 times per ρ (999
#   permutations each). The same maps are given to the local Moran's I
#   (`forensics.maps.local_morans_i`), counting how often Benjamini–Hochberg across the
#   states flags any state.

# %%
n_states = len(by_state)
rank_power = rank_correlation_power(n_states, [0.2, 0.3, 0.5])
print(f"|rho| needed for p < 0.05 with {n_states} states: {rank_power.critical_rho:.2f}")
for rho_true, power in zip(rank_power.rho, rank_power.power, strict=True):
    print(f"  power at true rho = {rho_true:.1f}: {power:.0%}")

# %%
power = maps.moran_power(adj, (0.0, 0.3, 0.5, 0.7), n_sim=300, n_resamples=999, rng=2024)
lines = [
    f"{power.n_sim} simulated maps of {len(power.units)} states per SAR rho "
    "(rho = 0: no clustering)"
]
for row in power.table.itertuples():
    lines.append(
        f"  rho = {row.rho:.1f}: global Moran's I p <= 0.05 in {row.global_rate:4.0%} of maps; "
        f"local Moran's I flags a state (BH 0.05) in {row.local_rate:4.0%}"
    )
print("\n".join(lines))

# %% [markdown]
# **What the maps show.** Coverage against the 2013 reference is lowest in Amazonas
# (60.5 %), Carabobo (61.5 %) and the Distrito Capital (68.3 %), and at or above
# 100 % in the plains states Apure, Barinas and Cojedes. González's share in the actas
# is highest in the Andean states Táchira (81.9 %) and Mérida (76.9 %) and lowest in
# Sucre (50.0 %) and Delta Amacuro (53.4 %), where Maduro's is highest (47.6 %, 44.1 %).
# Turnout in V1 ranges from 51.5 % (Zulia) to 68.3 % (Portuguesa); its denominator is
# the registry, which keeps at their home tables the electors who emigrated without
# registering abroad. In 2013 Maduro's share ranged
# from 37.0 % (Táchira) to 65.5 % (Portuguesa).
#
# **Clustering.** Neither coverage nor the 2013 Maduro share shows clustering that a
# random placement of the same values would not give: Moran's I of coverage is
# +0.149 (p = 0.17; +0.167, p = 0.13 with Nueva Esparta linked), of the 2013 share
# +0.016 (p = 0.60), against E[I] = −0.045. Coverage inside the reached centres (the
# floor) shows no clustering either (I = −0.040, p = 0.88).
#
# **Coverage and past chavista strength.** The rank correlation between state coverage
# and the 2013 Maduro share is positive, ρ = +0.32 (p = 0.13), and +0.29 (p = 0.17)
# with the floor as denominator: if anything, coverage was higher, not lower, in the
# states where Maduro did better in 2013, but the data are compatible with no
# association.
#
# **What 24 states can show.** Little. A rank correlation needs |ρ| ≥ 0.40 to reach
# p < 0.05, and a true ρ of 0.3 would be detected 28 % of the time. On this map, a
# moderate clustering (SAR ρ = 0.5) gives p ≤ 0.05 for the global Moran's I in 41 % of
# simulated maps, a strong one (ρ = 0.7) in 69 % (Monte Carlo standard error about
# 3 points; with no clustering the rate is 4 %, as it should be). The local tests are
# weaker still: with Benjamini–Hochberg control across the states, local Moran's I
# flags any state in 17 % of maps at ρ = 0.5 and 28 % at ρ = 0.7, so state-by-state
# cluster maps are not drawn here, and the absence of a significant result above is
# not evidence that coverage is spatially random or unrelated to 2013 voting. Two
# further cautions: the permutation test of ρ treats states as exchangeable, which
# spatial autocorrelation in both variables would make too liberal (Clifford,
# Richardson & Hémon 1989, *Biometrics* 45, 123–134; here both Moran's I are small); and
# state-level association says nothing about which tables inside a state are missing
# (an ecological comparison). Coverage above 100 % in three plains states also shows
# that the 2013 reference's error varies by state, and that error may itself follow
# the 2013 vote.

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
# * **Where.** `figures/01_maps_by_state.svg` maps coverage (against the 2013
#   reference), the two leading candidates' shares, turnout and the 2013 Maduro share.
#   Neither coverage (Moran's I +0.149, p = 0.17) nor the 2013 Maduro share
#   (+0.016, p = 0.60) clusters detectably, and state coverage is not lower where
#   Maduro did better in 2013 (Spearman ρ = +0.32, p = 0.13). With 24 states these
#   tests have low power (28 % for ρ = 0.3; 41 % for a moderate spatial clustering).
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
# * The maps and spatial tests work at the level of 24 states: too few for the tests
#   to detect anything but strong patterns, and too coarse to say which tables are
#   missing. A comparison at the level of voting centres (2013 results of centres with
#   and without an acta) would have far more power; it is not done here.
