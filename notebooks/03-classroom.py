# %% [markdown]
# # 3. Classroom: same event, different stories
#
# A media-literacy lesson for projecting in class. Five outlets report the same event.
# The class reads them side by side, then tries to **spot the omission**: which fact did
# an outlet leave out that most others reported? Answers are hidden: click a collapsed
# cell (or "Show the answer") to reveal it. At the end, a printable handout.

# %% tags=["parameters"]
out_dir = "../build/classroom"  # where the handout is written

# %%
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import HTML

import narrative
from narrative import classroom, plot

result = narrative.compare("../data/konstantinovka", progress=True)

# %% [markdown]
# ## Read the articles side by side

# %%
HTML(classroom.side_by_side_html(result))

# %% [markdown]
# ## Where does each outlet put the facts?
# Each square is one sentence, top to bottom in reading order. Blue: a fact **every** outlet
# reports; orange: some do; pink: only this outlet.

# %%
fig, ax = plt.subplots(figsize=(7, 6), layout="constrained")
plot.plot_articles(result.sentences, ax=ax);

# %% [markdown]
# ## Spot the omission

# %%
exercises = classroom.omission_exercises(result, n=3)
HTML(classroom.exercise_html(exercises, 1))

# %% jupyter={"source_hidden": true} tags=["answer"]
HTML(classroom.exercise_html(exercises, 1, answer=True))

# %%
HTML(classroom.exercise_html(exercises, 2))

# %% jupyter={"source_hidden": true} tags=["answer"]
HTML(classroom.exercise_html(exercises, 2, answer=True))

# %%
HTML(classroom.exercise_html(exercises, 3))

# %% jupyter={"source_hidden": true} tags=["answer"]
HTML(classroom.exercise_html(exercises, 3, answer=True))

# %% [markdown]
# ## Discuss
# - Why might an outlet leave out a fact? Space, audience, doubt about the source, or a story it prefers?
# - Which outlet carries the most facts nobody else reports? Are they facts or opinions?
#
# ## The handout
# One printable page: the articles, the exercises with space to write, and the answer key on a
# separate page. Open it in a browser and print it (or "Save as PDF").

# %%
handout = classroom.write_handout(result, Path(out_dir) / "handout.html")
print(handout)
