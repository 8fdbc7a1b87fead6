"""Publication figures: byte-identical reruns, no time stamps, and hashes against committed baselines.

The baselines (tests/baseline/paper_figures.json) hold the SHA-256 of every PNG and CSV file that
:func:`narrative.paper.paper_figures` writes for the hand-built event of ``synthetic_event``. PNG
bytes depend on the matplotlib version (its bundled FreeType), which pyproject.toml pins; after a
deliberate change of the figures or of the pin, regenerate them with
``NARRATIVE_UPDATE_BASELINES=1 pytest tests/test_paper_figures.py``.
"""

import json
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
from synthetic_event import comparison

from narrative import paper

BASELINE = Path(__file__).parent / "baseline" / "paper_figures.json"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    r = comparison()
    out = tmp_path_factory.mktemp("paper")
    files = paper.paper_figures(r, out, dpi=100)
    plt.close("all")
    return r, out, files


def test_every_figure_has_pdf_png_and_csv(written):
    _, out, files = written
    for name in paper.PAPER_FIGURES:
        for suffix in ("pdf", "png", "csv"):
            assert (out / f"{name}.{suffix}").stat().st_size > 0
    assert len(files) == 3 * len(paper.PAPER_FIGURES)
    assert (out / "coverage.pdf").read_bytes().startswith(b"%PDF")


def test_manifest_lists_every_file_with_its_hash(written):
    _, out, files = written
    manifest = json.loads((out / "manifest.json").read_text())
    entries = {e["path"]: e for e in manifest["files"]}
    assert set(entries) == set(files["path"])
    for path, entry in entries.items():
        assert entry["sha256"] == paper.sha256(out / path)
        assert entry["bytes"] == (out / path).stat().st_size
    assert [e["path"] for e in manifest["files"]] == sorted(entries)


def test_no_time_or_version_stamps(written):
    _, out, _ = written
    pdf = (out / "profiles.pdf").read_bytes()
    assert b"CreationDate" not in pdf and b"Producer" not in pdf and b"Matplotlib" not in pdf
    png = (out / "profiles.png").read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png.lower()


def test_rerun_is_byte_identical(written, tmp_path):
    r, out, files = written
    again = paper.paper_figures(r, tmp_path, dpi=100)
    assert list(again["sha256"]) == list(files["sha256"])
    assert (tmp_path / "manifest.json").read_bytes() == (out / "manifest.json").read_bytes()


def test_figures_match_the_committed_baselines(written):
    _, out, files = written
    current = {
        "matplotlib": matplotlib.__version__,
        "files": {p: h for p, h in zip(files["path"], files["sha256"]) if p.endswith((".png", ".csv"))},
    }
    if os.environ.get("NARRATIVE_UPDATE_BASELINES"):
        BASELINE.parent.mkdir(exist_ok=True)
        BASELINE.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    baseline = json.loads(BASELINE.read_text())
    assert matplotlib.__version__ == baseline["matplotlib"], (
        f"baselines were made with matplotlib {baseline['matplotlib']}; install the pinned version "
        "(pip install -e '.[test]') or regenerate them"
    )
    changed = sorted(p for p, h in baseline["files"].items() if current["files"].get(p) != h)
    assert set(current["files"]) == set(baseline["files"])
    assert not changed, f"figures or tables differ from the baselines: {changed}"


def test_figure_selection_and_bad_names(tmp_path):
    r = comparison()
    files = paper.paper_figures(r, tmp_path, figures=["dendrogram"], formats=("png",), dpi=50)
    assert list(files["path"]) == ["dendrogram.png", "dendrogram.csv"]
    with pytest.raises(ValueError, match="figures must be among"):
        paper.paper_figures(r, tmp_path, figures=["nope"])
    fig = plt.figure()
    with pytest.raises(ValueError, match="formats must be among"):
        paper.save_figure(fig, tmp_path / "x", formats=("gif",))
    plt.close(fig)


def test_paper_style_fixes_fonts_and_palette():
    style = paper.paper_style()
    assert style["font.family"] == "DejaVu Sans" and style["pdf.fonttype"] == 42
    assert style["axes.prop_cycle"].by_key()["color"][:3] == ["#E69F00", "#56B4E9", "#009E73"]
    with paper.paper_context():
        assert matplotlib.rcParams["font.size"] == 8.0


@pytest.mark.parametrize("n_claims", [128, 300])
def test_page_capped_coverage_keeps_its_labels_apart(n_claims, tmp_path):
    import warnings

    from test_plot import _drawn, _inside, _overlap, big_event

    r = big_event(n_claims=n_claims)
    outlets = list(dict.fromkeys(r.sentences["outlet"]))
    with paper.paper_context(), warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "constrained_layout not applied"
        fig, _ = paper._draw("coverage", r, r, "big", outlets, None, None)
        assert fig.get_figheight() == paper.PAGE_HEIGHT
        renderer = _drawn(fig)
        ax = fig.axes[0]
        ticks = [t for t in ax.get_yticklabels() if t.get_text()]
        boxes = [t.get_window_extent(renderer) for t in ticks]
        assert all(not _overlap(a, b) for a, b in zip(boxes, boxes[1:]))
        assert all(_inside(fig, t, renderer) for t in ticks)
        ids = set(r.claims["claim_id"])
        assert len(ticks) < n_claims and all(t.get_text() in ids for t in ticks)  # claim ids, every k-th row
        paper.save_figure(fig, tmp_path / "coverage", formats=("png",), dpi=50)


def test_two_outlet_emphasis_legend_clears_the_axis_label():
    from test_plot import _drawn, _inside, big_event

    r = big_event(n_outlets=2, n_claims=30)
    with paper.paper_context():
        fig, _ = paper._draw("emphasis", r, r, "big", list(dict.fromkeys(r.sentences["outlet"])), None, None)
        renderer = _drawn(fig)
        ax = fig.axes[0]
        legend = ax.get_legend()
        assert legend.get_window_extent(renderer).y1 < ax.xaxis.label.get_window_extent(renderer).y0
        assert all(_inside(fig, t, renderer) for t in legend.get_texts())
    plt.close("all")


def _tiny_events(root, names=("b-event", "a-event", "c-event")):
    for name in names:
        (root / name).mkdir(parents=True)
        for outlet in ("one", "two"):
            (root / name / f"{outlet}.txt").write_text(f"{outlet} reports {name}. It was a day.", encoding="utf-8")
    return root


def _fake_basil(root):
    year = root / "basil" / "articles" / "2010"
    year.mkdir(parents=True)
    for n, (event, source) in enumerate([("e1", "fox"), ("e1", "nyt"), ("e2", "fox"), ("e2", "nyt")]):
        doc = {"triplet-uuid": event, "source": source, "body-paragraphs": [[f"{source} says {event}."]]}
        (year / f"{event}_{n}.json").write_text(json.dumps(doc), encoding="utf-8")
    return root


def test_corpus_source_takes_the_input_given_before_basil(tmp_path, monkeypatch):
    monkeypatch.setenv("NARRATIVE_DATASETS", str(_fake_basil(tmp_path / "datasets")))
    events = _tiny_events(tmp_path / "events")
    source, described = paper.corpus_source(events, n_events=2, default="unused")
    assert sorted(source.articles["event"].unique()) == ["a-event", "b-event"]  # the first two by id
    assert described == f"{events}: 2 event(s) (the first 2 of 3 by id)"
    source, described = paper.corpus_source(None, n_events=1, default="unused")  # BASIL, found
    assert list(source["event"].unique()) == ["e1"] and described.startswith("BASIL")


def test_corpus_source_refuses_a_missing_input_and_falls_back_only_without_one(tmp_path, monkeypatch):
    from narrative.errors import InputError

    monkeypatch.setenv("NARRATIVE_DATASETS", str(_fake_basil(tmp_path / "datasets")))
    with pytest.raises(InputError, match="no such file or folder"):
        paper.corpus_source(tmp_path / "missing", default="unused")
    with pytest.raises(InputError, match="no BASIL article files"):
        paper.corpus_source(None, basil_path=_tiny_events(tmp_path / "events"), default="unused")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("NARRATIVE_DATASETS", str(empty))
    assert paper.corpus_source(None, default="the example")[0] == "the example"
    assert paper.corpus_source(None)[0] is None
