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
# # Venezuela 2024: are the published actas genuine, and how much would have to be forged?
#
# **Question.** Notebook 05 finds that the CNE's announced totals contradict the tally
# sheets (actas) the opposition published, and that the tables without a published acta
# cannot close the gap. Both conclusions hold only if the published actas are genuine.
# This notebook asks what the public files can say about that, and, taking the opposite
# view, how many actas would have had to be fabricated for each CNE bulletin to be right.
#
# **Two hypotheses.** As in notebook 05:
#
# * **(S) the announced totals are false** (not derived from the tables' counts);
# * **(F) the opposition's actas are fabricated or altered** in González's favour.
#
# Station digit tests cannot separate these: a careful forger can produce counts with
# ordinary digits. What can speak to (F) with public data is limited to three checks
# (agreement between independent readings, internal consistency, copied vote vectors)
# and one bound (the size of the forgery that (F) requires).
#
# **Data.** The V1 (24,532 actas, with registered voters) and V2 (25,073 actas) files of
# resultadosconvzla.com, and the decoding of the actas' QR codes published by the vzlapi
# project (21,952 actas), read through `forensics.datasets.load` (sha256 checked; see
# notebook 01 and the data mirror's `SOURCE.md`); the CNE bulletins from
# `data/official_bulletins.csv`.

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from forensics import datasets
from forensics.authenticity import (
    acta_checks,
    duplicate_vote_test,
    forgery_bound,
    forgery_curve,
    reading_agreement,
)
from forensics.cases.venezuela_2024 import (
    REGISTRY_2024,
    REGISTRY_ABROAD_2024,
    bulletin_counts,
    load_bulletins,
)
from forensics.figures import savefig, style

pd.set_option("display.width", 120)

v1 = datasets.load("venezuela-2024-v1")
v2 = datasets.load("venezuela-2024")
qr = datasets.load("venezuela-2024-qr")
for e in (v1, v2, qr):
    print(f"{e.name}: {len(e.stations):,} actas, {len(e.set_aside):,} set aside")

# %% [markdown]
# ## 1. Two readings of the same actas
#
# Each acta image carries the printed counts and a QR code encoding them. The V1/V2 CSVs
# are the opposition site's digitisation; the QR file was produced by a different project
# (vzlapi), which says it decoded the QR codes of the published images itself, mostly with
# the `xaiki/resultadosvzla-tools` decoder, rather than taking the site's CSV.
#
# **How independent are they?** Different people and software, same images. The
# provenance does not say how the opposition site produced its CSV (from the QR codes,
# from the printed digits, or both). So agreement shows that two pipelines read the same
# numbers from the same images, i.e. transcription fidelity. It does not show that an
# image is of a genuine signed acta: a fabricated sheet whose QR code was generated from
# its own numbers agrees with itself. Nor, if the site also read the QR codes, does it
# show that QR payload and printed digits agree.

# %%
agree = reading_agreement(v2, qr)
print(agree.fields.to_string(index=False, float_format=lambda x: f"{x:.6f}"))
print(
    f"matched actas: {agree.n_matched:,}; only in V2: {len(agree.only_a):,}; "
    f"only in the QR file: {len(agree.only_b):,}"
)
print(f"actas agreeing on all ten candidates: {agree.agreement_all:.4%}")

# %%
print(agree.disagreements.to_string(index=False))
print("QR actas absent from V2:", agree.only_b)

# %%
agree1 = reading_agreement(v1, qr)
print(
    f"V1 vs QR: {agree1.n_matched:,} matched, all fields agree on "
    f"{agree1.agreement_all:.4%} ({int(agree1.fields['n_disagree'].iloc[-1])} actas differ)"
)

# %% [markdown]
# The two readings agree on every candidate for 21,930 of the 21,937 actas they share
# (99.9681 %). The disagreements are single actas with differences of 1 to 3 votes, several of them
# one vote moved between two candidates: the signature of a misread digit, not of a
# systematic edit. They are listed, not corrected; only the paper sheet can say which
# reading is right.

# %% [markdown]
# ## 2. Internal consistency of each acta
#
# Per acta: the candidate votes sum to the valid votes; votes do not exceed the registered
# voters on the acta (V1 only: V2 has no `RE` column, and its registered voters are joined
# from V1); identifiers are unique (the image URL in V1/V2, the CNE acta code in the QR
# file); the CNE code `CCCCCCCCC.MM.1.0001` has the right format and its centre and table
# agree with the table the row says it is. Rows a loader set aside are counted as flags.
#
# Not possible with the public files: registered voters on each acta against an
# independent registry by centre (the CNE's per-centre registry is not among the mirrored
# files), and any check of serial numbers or hashes printed on the paper acta (the CSVs do
# not transcribe them).

# %%
acta_code = r"(?P<centre>\d{9})\.(?P<table>\d{2})\.1\.0001"
checks = {
    "V1": acta_checks(v1, unique_columns=["URL"]),
    "V2": acta_checks(v2, unique_columns=["URL"]),
    "QR": acta_checks(
        qr,
        code_column="Acta",
        code_pattern=acta_code,
        code_levels={"centre": "centre", "table": "table"},
        unique_columns=["Acta"],
    ),
}
summary = pd.concat({k: c.summary.set_index("check") for k, c in checks.items()}, axis=1)
print(summary.astype("Int64").to_string())
print({k: c.n_flagged_rows for k, c in checks.items()})

# %%
url_name = v2.stations["URL"].str.extract(r"/([^/]+)$")[0]
pattern = url_name.str.fullmatch(r"\d+_\d+_\d{4}Acta\d{4}\.jpg")
print(f"V2 image names of the form <batch>_<n>_<dddd>Acta<dddd>.jpg: {pattern.mean():.2%}")
print(f"turnout above 95 % in V1: {(v1.turnout > 0.95).sum()} actas")

# %% [markdown]
# Every acta passes every check that the files allow. That rules out careless
# fabrication (sums that do not add up, more votes than voters, two rows for one table,
# codes that do not match the table), and it is what a careful forger would also produce:
# the checks bound sloppiness, not intent. The image names encode upload batches, not
# tables (see `SOURCE.md`), so they carry no check against the table; 75.89 % of them
# follow one naming pattern, the rest other upload forms.

# %% [markdown]
# ## 3. Copied vote vectors
#
# A copied sheet repeats another's numbers. We count pairs of actas with identical
# vote vectors and compare with the count when each table's votes are redrawn as a
# multinomial on its own number of votes, with the pooled shares of its parish
# (`duplicate_vote_test`, 199 simulations, randomised Monte Carlo p-value; its calibration
# on clean simulated data is tested in `tests/test_authenticity.py`). Identity on all ten
# candidates is the strict version; identity on González and Maduro alone is the
# near-identical version.

# %%
rng = np.random.default_rng(20240728)
dups = {
    "all ten candidates, parish shares": duplicate_vote_test(v2, by="parish", n_sim=199, rng=rng),
    "González and Maduro, parish shares": duplicate_vote_test(
        v2, columns=["Gonzalez", "Maduro"], by="parish", n_sim=199, rng=rng
    ),
    "González and Maduro, centre shares": duplicate_vote_test(
        v2, columns=["Gonzalez", "Maduro"], by="centre", n_sim=199, rng=rng
    ),
}
dup_table = pd.DataFrame(
    {
        k: {
            "observed pairs": r.statistic,
            "expected pairs": r.expected,
            "5-95 % of simulations": "{:.0f}-{:.0f}".format(*r.null_percentiles(5, 95)),
            "p (excess)": r.pvalue,
        }
        for k, r in dups.items()
    }
).T
print(dup_table.to_string(float_format=lambda x: f"{x:.3f}"))

# %%
print(dups["all ten candidates, parish shares"].pairs.to_string(index=False))

# %% [markdown]
# Two pairs of actas have identical counts for all ten candidates, fewer than the
# simulation expects by chance on the same table sizes (5.784); each pair joins tables in
# two different states (centre codes 17... and 19...), with no votes for the eight minor
# candidates. Pairs identical on González and Maduro alone are no more frequent than
# chance predicts (fewer with parish shares, about as many with centre shares). There is no sign of copied sheets. The test cannot see fabricated
# sheets with distinct invented numbers.

# %% [markdown]
# ## 4. How much would have to be forged
#
# Under (F) with the assumption most favourable to the CNE: every fabricated acta, and
# every table without a published acta, truly gave González **zero** votes, and a bulletin
# covered whichever tables minimise his count. A bulletin covering a share `c` of the
# `N` tables must include at least `k = ceil(c N) - (N - n)` of the `n` published actas;
# with no forgery, the fewest González votes those can hold is the sum of the `k` smallest
# acta counts. The fewest actas to be forged is then the smallest `f` such that the
# `k - f` smallest counts sum to at most the announced figure (`forgery_bound`: a sort,
# exact).

# %%
bulletins = load_bulletins()
g = v2.counts("Gonzalez")
rows = []
for item, coverage in [
    ("CNE first bulletin", 0.80),
    ("CNE second bulletin", 0.9687),
    ("CNE second bulletin", 1.0),
]:
    a = bulletin_counts(bulletins, item)
    for n_tables in (30_026, 30_036):
        b = forgery_bound(g, a["Gonzalez"], n_tables=n_tables, coverage=coverage)
        rows.append(
            {
                "bulletin": item,
                "coverage": f"{coverage:.2%}",
                "tables": n_tables,
                "announced González": b.announced,
                "actas it must include": b.n_shared,
                "fewest González on them": b.min_votes,
                "possible": b.possible,
                "forged actas": b.n_forged,
                "% of actas": 100 * b.share_forged_actas,
                "% of tables": 100 * b.share_forged_tables,
            }
        )
bound = pd.DataFrame(rows)
print(bound.to_string(index=False, float_format=lambda x: f"{x:,.2f}"))

# %% [markdown]
# Neither bulletin is possible with genuine actas. The first bulletin claimed 80 % of the
# tables: any such set includes at least 19,068 published actas (with 30,026 tables), and
# the 19,068 actas with the fewest González votes already hold 4,785,000 of them, more
# than the 4,445,978 announced. At least 918 actas must be
# fabricated for it to be right (3.66 % of the published actas). The second bulletin
# claimed 96.87 %: at least 3,647 forged actas (14.55 %); read as the final count (all
# tables), at least 4,586 (18.29 %).
# These are lower bounds: any González vote in the tables without acta, or in the true
# content of a forged sheet, raises them. The number of tables (30,026 as the opposition
# uses, or 30,036 as VTV reported) moves them by at most 2 actas.
#
# The electoral registry does not enter the González bound. It enters whether the
# bulletin's valid votes fit: after forging the minimal set (taken as the actas with the
# most González votes), the valid votes the bulletin needs beyond the genuine covered
# actas must not exceed the registered voters of the forged actas and of the tables
# without acta. Registered voters of the 543 V2 actas missing from V1 are taken as their
# valid votes (a lower bound), which can only enlarge the capacity.

# %%
reg = v2.counts("registered")
reg_filled = np.where(np.isfinite(reg), reg, v2.counts("valid"))
registries = {
    "Gaceta Electoral, incl. abroad": REGISTRY_2024,
    "domestic only": REGISTRY_2024 - REGISTRY_ABROAD_2024,
    "21,620,705 (quoted, unconfirmed)": 21_620_705,
}
rows = []
second = bulletin_counts(bulletins, "CNE second bulletin")["Gonzalez"]
print("genuine covered actas:", forgery_bound(g, second, n_tables=30_026).n_genuine)
for item, coverage in [
    ("CNE first bulletin", 0.80),
    ("CNE second bulletin", 0.9687),
    ("CNE second bulletin", 1.0),
]:
    a = bulletin_counts(bulletins, item)
    for label, total in registries.items():
        b = forgery_bound(
            g,
            a["Gonzalez"],
            n_tables=30_026,
            coverage=coverage,
            valid=v2.counts("valid"),
            registered=reg_filled,
            announced_valid=a["valid"],
            registered_total=total,
        )
        rows.append(
            {
                "bulletin": item,
                "coverage": f"{coverage:.2%}",
                "registry": label,
                "forged actas": b.n_forged,
                "valid needed": b.valid_needed,
                "capacity": b.valid_capacity,
                "turnout needed there %": 100 * b.valid_needed / b.valid_capacity,
                "fits": b.capacity_ok,
            }
        )
print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:,.1f}"))

# %% [markdown]
# With each registry figure both bulletins' valid votes fit in the forged and uncovered
# tables: the second needs 4,012,799 valid votes there, the first 2,934,118, a turnout of
# 51.6 % to 69.9 % of those tables' registered voters depending on the bulletin, its
# coverage and the registry read. The registry figure changes that turnout, not the number
# of forged actas, so the capacity check does not rule out (F) for either bulletin. (For
# the second bulletin the genuine covered actas are the same 20,487 smallest in both
# readings of its coverage, hence the same votes needed.)

# %%
with style():
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for item, coverage, colour in [
        ("CNE first bulletin", 0.80, "C1"),
        ("CNE second bulletin", 0.9687, "C0"),
    ]:
        a = bulletin_counts(bulletins, item)
        b = forgery_bound(g, a["Gonzalez"], n_tables=30_026, coverage=coverage)
        curve = forgery_curve(g, n_tables=30_026, coverage=coverage)
        ax.plot(
            curve["forged"].to_numpy(),
            curve["min_votes"].to_numpy() / 1e6,
            color=colour,
            label=f"{item} ({coverage:.2%} of tables)",
        )
        ax.axhline(a["Gonzalez"] / 1e6, color=colour, ls="--", lw=0.8)
        ax.axvline(b.n_forged, color=colour, ls=":", lw=0.8)
    ax.set_xlim(0, 6000)
    ax.set_xlabel("actas fabricated (true González votes taken as zero)")
    ax.set_ylabel("fewest González votes (millions)")
    ax.set_title("Fewest González votes a bulletin's tables can hold, by actas forged")
    ax.legend(fontsize=8)
    savefig(fig, "../figures/08_forgery_bound.svg")
print("wrote figures/08_forgery_bound.svg")

# %% [markdown]
# ## 5. What only the CNE's records could verify
#
# The checks above show that the published actas agree between two readings, are
# internally consistent and are not copies of one another; the bound shows that (F)
# requires thousands of fabricated sheets, from witnesses across the country, that pass
# all these checks. None of this verifies that a given image is of the acta printed and
# signed at that table. That needs the CNE's own records: the results each machine
# transmitted with its digital signature, the paper actas and the witnesses' signatures
# in its custody, and the audits of the voting machines. The CNE has not published
# table-level results. An audit comparing a random sample of published actas with the
# CNE's signed records (a risk-limiting audit in the sense of Lindeman and Stark, 2012)
# would settle (F) with a few hundred tables.
#
# **Observers.** Two observers invited by the CNE reported on this point; both documents
# are read here only through news reports of them (secondary sources). The Carter Center's
# statement of 30 July 2024 said it could not verify or corroborate the results the CNE
# declared, and that the failure to publish results by polling station was a serious
# breach of electoral principles (reported by AP, e.g.
# https://www.dtnext.in/news/world/carter-center-says-it-couldnt-verify-venezuela-election-results-after-maduro-was-declared-winner-797487,
# and ANSA). The interim report of the UN Panel of Electoral Experts, dated 9 August 2024,
# said that a small sample of the actas in the public domain, including those the
# opposition published, exhibited all the security features of the original results
# protocols (reported by EFE, via https://archyde.com/un-panel-finds-venezuelan-cne-processes-lack-transparency).
# That is an inspection of a sample of images by experts, not a verification against the
# CNE's records, and its sample size is not reported.
#
# **Which hypothesis each result speaks to.** Reading agreement: transcription of the
# images, not (F) or (S). Internal checks and duplicates: careless or copied
# fabrication under (F); silent about careful fabrication. Forgery bound: the size of the
# fabrication (F) needs for each bulletin to be right; it does not test (S) or (F).
