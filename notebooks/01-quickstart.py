# %% [markdown]
# # 1. Quickstart: one event, five outlets
#
# `narrative` reads several outlets' articles about the same event, splits them into sentences,
# aligns sentences that state the same fact into **claims**, and tells what everyone reported,
# what only some did, and what each outlet left out.
#
# The bundled event (`data/konstantinovka`) holds five reports of Ukrainian forces leaving
# Konstantinovka: one real report and four fictional outlets written for teaching.
# To read your own articles instead, set `input_path` below, or run the notebook headless with
# `papermill 01-quickstart.ipynb out.ipynb -p input_path /path/to/my-event` (see the README).

# %% tags=["parameters"]
input_path = "../data/konstantinovka"  # one event's folder (a file per outlet), a folder of event folders, or a table
event = None  # the event to show when the input holds several; None: the first

# %%
import matplotlib.pyplot as plt

import narrative
from narrative import plot

# %% [markdown]
# ## Load and compare
# One call reads the folder (one article per file, outlet = file name), embeds the sentences
# with the default model (all-MiniLM-L6-v2, offline) and aligns them.

# %%
result = narrative.compare(input_path, progress=True)
event = result.events[0] if event is None else event
outlets = list(dict.fromkeys(result.sentences.query("event == @event")["outlet"]))
result.summary()

# %% [markdown]
# Every claim, its status (`shared` by all, `partial`, `unique` to one outlet) and who carries it:

# %%
result.claims.query("event == @event")[["claim_id", "status", "outlets", "representative"]].head(10)

# %% [markdown]
# ## The four key charts
# **Coverage**: which outlet carries which claim (rows grouped by theme, crosses are omissions).
# The chart grows 0.22 inch a claim, as `coverage.png` of `narrative compare`, so every row label stays legible.

# %%
n_claims = int((result.claims["event"] == event).sum())
fig, ax = plt.subplots(figsize=(9, 1.6 + 0.22 * n_claims), layout="constrained")
plot.plot_coverage(result.coverage, claims=result.claims, omissions=result.omissions, event=event, ax=ax);

# %% [markdown]
# **Omissions**, **emphasis** by theme and **similarity** of outlets:

# %%
fig, axes = plt.subplots(1, 3, figsize=(16, 4.5), layout="constrained")
plot.plot_omissions(result.omissions, outlets=outlets, event=event, ax=axes[0])
plot.plot_emphasis(result.emphasis, outlets=outlets, event=event, ax=axes[1])
plot.plot_similarity(result.outlets, outlets=outlets, event=event, ax=axes[2]);

# %% [markdown]
# ## The omission table
# Each row: an outlet, a claim most other outlets carry that it leaves out, and the evidence;
# then the outlet's own sentence that comes closest to the claim. Read it before citing the
# omission, above all where `uncertain` is true (that sentence almost matches).

# %%
result.omissions.query("event == @event")[["outlet", "claim_id", "carried_by", "evidence", "closest_sentence", "uncertain"]]

# %% [markdown]
# ## Your own articles
# Put one plain-text (or HTML) file per outlet in a folder, named after the outlet
# (`bbc.txt`, `reuters.html`, ...); a folder of such folders compares many events.
# A CSV table with `event`, `outlet`, `text` columns works too. Then set `input_path` in the
# parameters cell at the top (and `event` to pick one of several), or from a terminal:
# `papermill 01-quickstart.ipynb my-quickstart.ipynb -p input_path /path/to/my-event`.
# In Python:
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
