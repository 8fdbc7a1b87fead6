# %% [markdown]
# # 5. Paper figures
#
# Every figure of notebooks 1-4 in publication form: vector PDF and 300-dpi PNG, the
# Okabe-Ito colour-blind-safe palette, fixed fonts and sizes, with the table behind each figure
# as CSV and a `manifest.json` of SHA-256 hashes. Rerunning gives byte-identical PNG and CSV files.
#
# Run it headless with papermill, e.g.
# `papermill 05-paper-figures.ipynb out.ipynb -p out_dir ../build/paper -p n_events 50`,
# and on your own articles with `-p input_path /path/to/my-event` (and `-p corpus_path` for the profiles).

# %% tags=["parameters"]
input_path = "../data/konstantinovka"  # one event's folder (a file per outlet), a folder of event folders, or a table
event = None  # the event drawn when the input holds several; None: the first
out_dir = "../build/paper"  # where figures, tables and manifest.json go
corpus_path = None  # corpus for the profiles figure (event folders or a table); None: BASIL, else input_path
basil_path = None  # folder holding BASIL's articles/; None: look for it
n_events = 50  # events of the corpus for the profiles figure (the first n by id); None: all
dpi = 300  # resolution of the PNG files
readme_dir = None  # if set, also copy one PNG per notebook there (`make docs`)

# %%
import json
import shutil
from pathlib import Path

import narrative
from narrative import paper

# %%
result = narrative.compare(input_path, progress=True)
source, described = paper.corpus_source(corpus_path, basil_path=basil_path, n_events=n_events)
print("profiles:", described if source is not None else "the input itself")
corpus = result if source is None else narrative.compare(source, progress=True)

# %%
files = paper.paper_figures(result, out_dir, corpus=corpus, event=event, dpi=dpi, progress=True)
files

# %% [markdown]
# The manifest (paths, sizes and hashes of every file written):

# %%
manifest = json.loads((Path(out_dir) / "manifest.json").read_text())
len(manifest["files"]), manifest["files"][0]

# %%
if readme_dir is not None:
    Path(readme_dir).mkdir(parents=True, exist_ok=True)
    for number, name in paper.README_FIGURES.items():
        shutil.copyfile(Path(out_dir) / f"{name}.png", Path(readme_dir) / f"notebook-{number}-{name}.png")
    print(sorted(p.name for p in Path(readme_dir).glob("notebook-*.png")))
