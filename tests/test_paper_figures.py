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
