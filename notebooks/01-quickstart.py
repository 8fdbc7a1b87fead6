# %% [markdown]
# # 1. Quickstart: one event, five outlets
#
# `narrative` reads several outlets' articles about the same event, splits them into sentences,
# aligns sentences that state the same fact into **claims**, and tells what everyone reported,
# what only some did, and what each outlet left out.
#
# The bundled event (`data/konstantinovka`) holds five reports of Ukrainian forces leaving
# Konstantinovka: one real report and four fictional outlets written for teaching.

# %%
import matplotlib.pyplot as plt

import narrative
from narrative import plot

# %% [markdown]
# ## Load and compare
# One call reads the folder (one article per file, outlet = file name), embeds the sentences
# with the default model (all-MiniLM-L6-v2, offline) and aligns them.

# %%
result = narrative.compare("../data/konstantinovka", progress=True)
result.summary()

# %% [markdown]
# Every claim, its status (`shared` by all, `partial`, `unique` to one outlet) and who carries it:

# %%
result.claims[["claim_id", "status", "outlets", "representative"]].head(10)

# %% [markdown]
# ## The four key charts
# **Coverage**: which outlet carries which claim (rows grouped by theme, crosses are omissions).

# %%
fig, ax = plt.subplots(figsize=(9, 9), layout="constrained")
plot.plot_coverage(result.coverage, claims=result.claims, omissions=result.omissions, ax=ax);

# %% [markdown]
# **Omissions**, **emphasis** by theme and **similarity** of outlets:

# %%
fig, axes = plt.subplots(1, 3, figsize=(16, 4.5), layout="constrained")
plot.plot_omissions(result.omissions, outlets=result.summary()["outlet"], ax=axes[0])
plot.plot_emphasis(result.emphasis, ax=axes[1])
plot.plot_similarity(result.outlets, ax=axes[2]);

# %% [markdown]
# ## The omission table
# Each row: an outlet, a claim most other outlets carry that it leaves out, and the evidence.

# %%
result.omissions[["outlet", "claim_id", "carried_by", "evidence"]]

# %% [markdown]
# ## Your own articles
# Put one plain-text (or HTML) file per outlet in a folder, named after the outlet
# (`bbc.txt`, `reuters.html`, ...); a folder of such folders compares many events.
# A CSV table with `event`, `outlet`, `text` columns works too. Then:
#
# ```python
# result = narrative.compare("path/to/my-event", progress=True)
# result.write("my-results")  # CSV tables, figures and report.html
# ```
#
# Or from a terminal: `narrative compare path/to/my-event --out my-results`.
# Here we write the bundled event's results to a temporary folder:

# %%
import tempfile

out = result.write(tempfile.mkdtemp(prefix="narrative-"), force=True)
sorted(p.name for p in out.iterdir())
