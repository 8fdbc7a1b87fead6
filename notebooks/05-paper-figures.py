# %% [markdown]
# # 5. Paper figures
#
# Every figure of notebooks 1-4 in publication form: vector PDF and 300-dpi PNG, the
# Okabe-Ito colour-blind-safe palette, fixed fonts and sizes, with the table behind each figure
# as CSV and a `manifest.json` of SHA-256 hashes. Rerunning gives byte-identical PNG and CSV files.
#
# Run it headless with papermill, e.g.
# `papermill 05-paper-figures.ipynb out.ipynb -p out_dir ../build/paper -p n_events 50`.

# %% tags=["parameters"]
out_dir = "../build/paper"  # where figures, tables and manifest.json go
basil_path = None  # corpus for the profiles figure; None: look for BASIL, else the bundled event
n_events = 50  # BASIL events for the profiles figure
dpi = 300  # resolution of the PNG files
readme_dir = None  # if set, also copy one PNG per notebook there (`make docs`)

# %%
import json
import shutil
from pathlib import Path

import narrative
from narrative import paper
from narrative.datasets import find_dataset, read_basil

# %%
result = narrative.compare("../data/konstantinovka", progress=True)
path = basil_path or find_dataset("basil")
if path is not None:
    table = read_basil(path)
    table = table[table["event"].isin(sorted(table["event"].unique())[:n_events])]
    corpus = narrative.compare(table, progress=True)
else:
    corpus = result

# %%
files = paper.paper_figures(result, out_dir, corpus=corpus, dpi=dpi, progress=True)
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
