# %% [markdown]
# # 2. Which narratives does each outlet stress?
#
# Claims are grouped into **themes** (narratives). We ask which themes each outlet gives its
# sentences to, which claims drive each theme, how alike the outlets are, and how they *word*
# the facts they share. It reads the bundled event; set `input_path` for your own articles
# (or `papermill 02-narratives.ipynb out.ipynb -p input_path /path/to/my-event`).

# %% tags=["parameters"]
input_path = "../data/konstantinovka"  # one event's folder (a file per outlet), a folder of event folders, or a table
event = None  # the event to show when the input holds several; None: the first

# %%
import matplotlib.pyplot as plt

import narrative
from narrative import plot

result = narrative.compare(input_path, progress=True)
event = result.events[0] if event is None else event

# %% [markdown]
# ## Themes x outlets
# Share of each outlet's coverage per theme:

# %%
fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
plot.plot_emphasis(result.emphasis, event=event, ax=ax);

# %%
result.emphasis.query("event == @event").pivot_table(index="outlet", columns="theme_id", values="weight", fill_value=0, sort=False).round(2)

# %% [markdown]
# ## The claims that drive each theme
# The three most widely carried claims of each theme:

# %%
driving = result.claims.query("event == @event").sort_values(["theme_id", "n_outlets", "n_sentences"], ascending=[True, False, False])
driving.groupby("theme_id").head(3)[["theme_id", "theme", "claim_id", "n_outlets", "representative"]]

# %% [markdown]
# ## How alike are the outlets?
# Share of claims in common (Jaccard) and the clustering it implies:

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
plot.plot_similarity(result.outlets, event=event, ax=axes[0])
plot.plot_dendrogram(result.outlets, event=event, ax=axes[1]);

# %% [markdown]
# ## Word choice within shared claims
# Among the sentences of claims that at least two outlets carry, which words does each outlet
# favour, compared with all the other outlets? The score is the weighted log-odds ratio with an
# informative Dirichlet prior (Monroe et al. 2008), as a z-score; it works for any number of outlets.

# %%
words = narrative.word_choice(result.sentences.query("event == @event"), claims=result.claims)
fig, ax = plt.subplots(figsize=(6, 8), layout="constrained")
plot.plot_word_choice(words, n=5, ax=ax);

# %%
words.groupby("outlet", sort=False).head(3)[["outlet", "word", "count", "count_others", "z"]]

# %% [markdown]
# ### One fact, five wordings
# The claim carried by the most outlets, as each outlet words it, and the words that set each apart:

# %%
claims = result.claims.query("event == @event")
claim = claims.sort_values(["n_outlets", "n_sentences"], ascending=False)["claim_id"].iloc[0]
sentences = result.sentences.query("event == @event")
says = sentences[sentences["claim_id"].str.split(";").map(lambda ids: claim in ids)]
says[["outlet", "text"]]

# %%
per_claim = narrative.word_choice(sentences, claims=result.claims, by_claim=True)
per_claim[per_claim["claim_id"] == claim].groupby("outlet", sort=False).head(2)[["outlet", "word", "z"]]
