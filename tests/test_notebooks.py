"""The notebook suite: paired with its text form, committed without outputs, and executed headless.

Each notebook runs in a fresh kernel with papermill, on the real default model, with the embedding
cache of the test session. Notebooks 4 and 5 get ``n_events=3``: when BASIL is present they compare
its first three events instead of fifty; otherwise they use the bundled event either way.
Notebook 5 runs twice, and its PNG and CSV files must be byte-identical. Every notebook takes its
input as a papermill parameter (``input_path``); notebooks 1 and 4 also run on a folder of event
folders made here, and notebook 4 must refuse an input that is not there rather than fall back.
"""

import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
EXAMPLE = ROOT / "data" / "konstantinovka"
NAMES = ["01-quickstart", "02-narratives", "03-classroom", "04-corpus", "05-paper-figures"]


def _read(name):
    return nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)


def test_the_suite_is_five_numbered_notebooks():
    assert sorted(p.stem for p in FOLDER.glob("*.ipynb")) == NAMES
    assert sorted(p.stem for p in FOLDER.glob("*.py")) == NAMES
    assert 'formats = "ipynb,py:percent"' in (FOLDER / "jupytext.toml").read_text()


@pytest.mark.parametrize("name", NAMES)
def test_paired_text_form_matches_and_no_outputs_are_committed(name):
    notebook = _read(name)
    script = jupytext.read(FOLDER / f"{name}.py")
    assert [(c.cell_type, c.source) for c in notebook.cells] == [(c.cell_type, c.source) for c in script.cells]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert len(cell.source.splitlines()) <= 12, "keep notebook cells short; move logic into the package"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_classroom_answers_are_in_collapsed_cells():
    cells = _read("03-classroom").cells
    answers = [c for c in cells if "answer" in c.metadata.get("tags", [])]
    assert len(answers) == 3
    assert all(c.metadata["jupyter"]["source_hidden"] for c in answers)
    assert all("answer=True" in c.source for c in answers)


@pytest.mark.parametrize("name", NAMES)
def test_parameter_cells_hold_the_input_path(name):
    cells = _read(name).cells
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    values = {}
    exec(tagged[0].source, {}, values)  # plain assignments, as papermill overrides them
    assert "input_path" in values
    # the default is the bundled example, resolved from notebooks/ (where papermill runs them)
    default = values["example_path"] if name == "04-corpus" else values["input_path"]
    assert (FOLDER / default).resolve() == EXAMPLE.resolve()
    if name == "04-corpus":
        assert values["input_path"] is None  # none given: BASIL when found, else the example
    code = "\n".join(c.source for c in cells if c.cell_type == "code" and c is not tagged[0])
    assert "konstantinovka" not in code and "../data" not in code, "the input path belongs in the parameters cell"


def test_readme_shows_how_to_run_a_notebook_on_your_own_input():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Notebooks", 1)[1].split("\n## ", 1)[0]
    assert "-p input_path" in section
    for name in NAMES:
        assert f"{name}.ipynb" in section


def _execute(name, tmp_path, **parameters):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(
        str(FOLDER / f"{name}.ipynb"), str(out), parameters=parameters, kernel_name="python3", cwd=str(FOLDER),
        progress_bar=False, log_output=False,
    )  # fmt: skip
    return nbformat.read(out, as_version=4)


def _events(tmp_path, names=("alpha-event", "beta-event"), outlets=3):
    """A folder of event folders, each a copy of a few of the bundled example's articles."""
    root = tmp_path / "events"
    for name in names:
        (root / name).mkdir(parents=True)
        for f in sorted(EXAMPLE.glob("*.txt"))[:outlets]:
            shutil.copyfile(f, root / name / f.name)
    return root


def _stdout(notebook):
    return "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
                   if o.get("name") == "stdout")  # fmt: skip


def _images(notebook):
    return sum("image/png" in o.get("data", {}) for c in notebook.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.model
def test_quickstart_runs(tmp_path):
    nb = _execute("01-quickstart", tmp_path)
    assert _images(nb) == 2


@pytest.mark.model
def test_quickstart_runs_on_your_own_folder_of_events(tmp_path):
    nb = _execute("01-quickstart", tmp_path, input_path=str(_events(tmp_path)), event="beta-event")
    assert _images(nb) == 2


@pytest.mark.model
def test_narratives_runs(tmp_path):
    nb = _execute("02-narratives", tmp_path)
    assert _images(nb) == 3


@pytest.mark.model
def test_classroom_runs_and_writes_the_handout(tmp_path):
    nb = _execute("03-classroom", tmp_path, out_dir=str(tmp_path / "class"))
    handout = (tmp_path / "class" / "handout.html").read_text(encoding="utf-8")
    assert "Spot the omission" in handout and "Answer key" in handout
    html = [o for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert sum("<details>" in o["data"]["text/html"] for o in html) == 3


@pytest.mark.model
def test_corpus_runs_on_a_few_events(tmp_path):
    nb = _execute("04-corpus", tmp_path, n_events=3)
    assert _images(nb) == 1


@pytest.mark.model
def test_corpus_uses_the_input_given_even_where_basil_is_found(tmp_path):
    events = _events(tmp_path)
    nb = _execute("04-corpus", tmp_path, input_path=str(events), n_events=1)
    assert f"{events}: 1 event(s) (the first 1 of 2 by id)" in _stdout(nb)
    assert "BASIL" not in _stdout(nb)
    assert _images(nb) == 1


def test_corpus_refuses_an_input_that_is_not_there(tmp_path):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError, match="no such file or folder"):
        _execute("04-corpus", tmp_path, input_path=str(tmp_path / "no-such-folder"))


@pytest.mark.model
def test_paper_figures_rerun_byte_identical(tmp_path):
    import json

    from narrative import paper

    for run in ("a", "b"):
        _execute("05-paper-figures", tmp_path, out_dir=str(tmp_path / run), n_events=3, dpi=80)
    a, b = tmp_path / "a", tmp_path / "b"
    files = sorted(p.name for p in a.iterdir() if p.suffix in (".png", ".csv"))
    assert len(files) == 2 * len(paper.PAPER_FIGURES)
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    manifest = json.loads((a / "manifest.json").read_text())
    assert {e["path"]: e["sha256"] for e in manifest["files"]} == {
        p.name: paper.sha256(p) for p in a.iterdir() if p.name != "manifest.json"
    }
