# %% [markdown]
# # 4. A corpus of many events: outlet profiles
#
# Over many events, how often does each outlet **carry**, **lead with**, **bury** or **omit** the
# claims that most outlets report (the *majority claims*)? See `narrative.profiles` for the exact
# definitions: a claim is buried when an outlet first states it in the second half of its article.
#
# The corpus is, in this order: `input_path` below when set (your own: a folder of event folders,
# or a table with `event`, `outlet`, `text` columns; an error if it is not there); else BASIL
# (100 events, each covered by Fox News, The New York Times and HuffPost) from `basil_path` or
# where it is found (`../shared/datasets/basil`, `$NARRATIVE_DATASETS`); else the bundled event.
# Headless: `papermill 04-corpus.ipynb out.ipynb -p input_path /path/to/my-events`.

# %% tags=["parameters"]
input_path = None  # your corpus: a folder of event folders or a table with an event column; None: BASIL
basil_path = None  # folder holding BASIL's articles/; None: look for it
n_events = 50  # events to compare (the first n by id); None: all
example_path = "../data/konstantinovka"  # compared when there is no input_path and no BASIL

# %%
import matplotlib.pyplot as plt

import narrative
from narrative import plot
from narrative.paper import corpus_source
from narrative.profiles import PLACEMENTS

# %%
source, described = corpus_source(input_path, basil_path=basil_path, n_events=n_events, default=example_path)
print(described)

# %% [markdown]
# Embedding is the long step (a progress bar shows it); vectors are cached, so a rerun is fast.

# %%
corpus = narrative.compare(source, progress=True)
corpus.summary().groupby("outlet", sort=False)[["sentences", "claims", "omits"]].mean().round(1)

# %% [markdown]
# ## Outlet profiles

# %%
profiles = narrative.outlet_profiles(corpus.coverage, corpus.sentences)
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
plot.plot_profiles(profiles, ax=ax);

# %%
profiles.pivot_table(index="outlet", columns="measure", values="rate", sort=False)

# %% [markdown]
# ## Per event
# Where each outlet placed each majority claim (lead, body, buried, omitted), counted per event:

# %%
placement = narrative.majority_placement(corpus.coverage, corpus.sentences)
counts = placement.groupby(["event", "outlet"], sort=False)["placement"].value_counts().unstack(fill_value=0)
counts.reindex(columns=list(PLACEMENTS), fill_value=0).head(12)
