# %% [markdown]
# # 3. Classroom: same event, different stories
#
# A media-literacy lesson for projecting in class. Several outlets (five here) report the same event.
# The class reads them side by side, then tries to **spot the omission**: which fact did
# an outlet leave out that most others reported? Answers are hidden: click a collapsed
# cell (or "Show the answer") to reveal it. At the end, a printable handout.
# For a lesson on other articles, set `input_path` (or run it headless:
# `papermill 03-classroom.ipynb out.ipynb -p input_path /path/to/my-event -p out_dir my-lesson`).

# %% tags=["parameters"]
input_path = "../data/konstantinovka"  # one event's folder (a file per outlet), a folder of event folders, or a table
event = None  # the event of the lesson when the input holds several; None: the first
out_dir = "../build/classroom"  # where the handout is written

# %%
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import HTML

import narrative
from narrative import classroom, plot

result = narrative.compare(input_path, progress=True)
event = result.events[0] if event is None else event

# %% [markdown]
# ## Read the articles side by side

# %%
HTML(classroom.side_by_side_html(result, event=event))

# %% [markdown]
# ## Where does each outlet put the facts?
# Each square is one sentence, top to bottom in reading order. Blue: a fact **every** outlet
# reports; orange: some do; pink: only this outlet.

# %%
fig, ax = plt.subplots(figsize=(7, 6), layout="constrained")
plot.plot_articles(result.sentences, event=event, ax=ax);

# %% [markdown]
# ## Spot the omission
# Up to three exercises (fewer, and blank cells below, when the event has fewer omissions).

# %%
exercises = classroom.omission_exercises(result, event=event, n=3)
numbers = set(exercises["exercise"])
HTML(classroom.exercise_html(exercises, 1) if 1 in numbers else "")

# %% jupyter={"source_hidden": true} tags=["answer"]
HTML(classroom.exercise_html(exercises, 1, answer=True) if 1 in numbers else "")

# %%
HTML(classroom.exercise_html(exercises, 2) if 2 in numbers else "")

# %% jupyter={"source_hidden": true} tags=["answer"]
HTML(classroom.exercise_html(exercises, 2, answer=True) if 2 in numbers else "")

# %%
HTML(classroom.exercise_html(exercises, 3) if 3 in numbers else "")

# %% jupyter={"source_hidden": true} tags=["answer"]
HTML(classroom.exercise_html(exercises, 3, answer=True) if 3 in numbers else "")

# %% [markdown]
# ## Discuss
# - Why might an outlet leave out a fact? Space, audience, doubt about the source, or a story it prefers?
# - Which outlet carries the most facts nobody else reports? Are they facts or opinions?
#
# ## The handout
# One printable page: the articles, the exercises with space to write, and the answer key on a
# separate page. Open it in a browser and print it (or "Save as PDF").

# %%
handout = classroom.write_handout(result, Path(out_dir) / "handout.html", event=event)
print(handout)
