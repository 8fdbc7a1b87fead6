"""Messages that name what is at fault and give a fix in the user's spelling, and the cases behind them:
the evaluate output folder, gold files, the BASIL folder, the model path, the cache folder, the ONNX
backend, and sentences made only of invisible characters."""

import json
import sys

import pandas as pd
import pytest

from narrative.cli import main
from narrative.datasets import read_basil
from narrative.embed import EmbeddingCache, SentenceEncoder, _check_mean_pooling, _OnnxModel, _require_onnxruntime
from narrative.errors import InputError
from narrative.evaluate import EVALUATE_MARKER, read_gold, write_scores
from narrative.segment import segment, split_sentences

_TEXTS = {
    ("alpha", 0): "The mayor of Springfield resigned on Monday after a corruption probe.",
    ("alpha", 1): "Police arrested two aides.",
    ("beta", 0): "Springfield's mayor stepped down on Monday amid a corruption investigation.",
    ("beta", 1): "Residents expressed relief.",
}


def _gold(path, entries=None, **keys):
    """A gold file of the four sentences of ``_TEXTS`` (or of ``entries``: (outlet, index, claims) triples)."""
    entries = entries or [("alpha", 0, ["C1"]), ("alpha", 1, ["C2"]), ("beta", 0, ["C1"]), ("beta", 1, ["C3"])]
    sentences = [
        {"outlet": o, "index": i, "text": _TEXTS.get((o, i), "A sentence."), "claims": c} for o, i, c in entries
    ]
    path.write_text(json.dumps({"event": "springfield", **keys, "sentences": sentences}), encoding="utf-8")
    return path


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("narrative: error: ") and "Traceback" not in err
    return lines[0]


# --- narrative evaluate --out: a user's files are never overwritten, an earlier run's stale files go


def _scores(sweep: bool) -> dict:
    """What :func:`narrative.evaluate.evaluate` returns, in small."""
    sentences = pd.DataFrame(
        {"event": "e", "outlet": ["a", "b"], "position": 0, "text": ["A.", "B."], "gold": "C1", "claim_id": "C1",
         "status": "shared"}
    )  # fmt: skip
    return {
        "scores": pd.DataFrame({"event": ["e", "overall"], "pair_f1": [1.0, 1.0]}),
        "interval": None,
        "sweep": pd.DataFrame({"threshold": [0.1, 0.2], "pair_f1": [1.0, 0.5]}) if sweep else None,
        "sentences": sentences,
    }


def test_evaluate_refuses_an_output_folder_holding_files_of_its_user(tmp_path, capsys):
    folder = tmp_path / "g"
    folder.mkdir()
    gold = _gold(folder / "springfield.json")
    (folder / "scores.csv").write_text("my,own,scores\n")
    assert main(["evaluate", str(gold), "--out", str(folder), "-q"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert f"{folder}: the output folder is not empty and holds no earlier results of narrative evaluate" in line
    assert "Fix: give --out a new or empty folder" in line
    assert (folder / "scores.csv").read_text() == "my,own,scores\n"
    assert not (folder / EVALUATE_MARKER).exists()
    with pytest.raises(InputError, match="holds no earlier results of narrative evaluate"):
        write_scores(_scores(sweep=False), folder)
    assert (folder / "scores.csv").read_text() == "my,own,scores\n"
    assert write_scores(_scores(sweep=False), folder, force=True)[0] == "scores.csv"  # told to: written
    assert (folder / "scores.csv").read_text() != "my,own,scores\n" and gold.is_file()


def test_evaluate_writes_again_into_its_own_results_and_removes_a_stale_sweep(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / ".DS_Store").write_bytes(b"")  # hidden files do not make a folder "not empty"
    assert write_scores(_scores(sweep=True), out, record={"threshold": 0.15, "sweep": "0.1:0.2:0.1"}) == [
        "scores.csv",
        "sweep.csv",
        "alignment.csv",
    ]
    marker = json.loads((out / EVALUATE_MARKER).read_text())
    assert marker["outputs"] == ["scores.csv", "sweep.csv", "alignment.csv"] and marker["sweep"] == "0.1:0.2:0.1"
    (out / "notes.txt").write_text("mine")  # a user's file next to the results stays
    assert write_scores(_scores(sweep=False), out, record={"threshold": 0.9, "sweep": None}) == [
        "scores.csv",
        "alignment.csv",
    ]
    assert not (out / "sweep.csv").exists()
    assert (out / "notes.txt").read_text() == "mine"
    marker = json.loads((out / EVALUATE_MARKER).read_text())
    assert marker["outputs"] == ["scores.csv", "alignment.csv"] and marker["threshold"] == 0.9
    assert pd.read_csv(out / "scores.csv")["event"].tolist() == ["e", "overall"]


def test_only_narrative_s_marker_counts_and_it_removes_only_evaluate_files(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / EVALUATE_MARKER).write_text(json.dumps({"outputs": ["scores.csv"]}))  # another tool's file
    (out / "scores.csv").write_text("theirs\n")
    with pytest.raises(InputError, match="holds no earlier results of narrative evaluate"):
        write_scores(_scores(sweep=False), out)
    assert (out / "scores.csv").read_text() == "theirs\n"
    (out / EVALUATE_MARKER).write_text(json.dumps({"narrative_evaluate": "0", "outputs": ["notes.txt", "../x.csv"]}))
    (out / "notes.txt").write_text("mine")
    (tmp_path / "x.csv").write_text("mine too")
    write_scores(_scores(sweep=False), out)
    assert (out / "notes.txt").read_text() == "mine" and (tmp_path / "x.csv").read_text() == "mine too"


@pytest.mark.model
def test_cli_evaluate_rerun_without_sweep_leaves_no_stale_sweep(tmp_path, capsys, cache_dir):
    gold = _gold(tmp_path / "g.json")
    out = tmp_path / "res"
    common = ["evaluate", str(gold), "-q", "--cache-dir", str(cache_dir), "--out", str(out)]
    assert main([*common, "--sweep", "0.1:0.3:0.1"]) == 0
    assert (out / "sweep.csv").is_file()
    assert main([*common, "--threshold", "0.9"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == ["alignment.csv", EVALUATE_MARKER, "omissions.csv", "scores.csv"]
    assert json.loads((out / EVALUATE_MARKER).read_text())["threshold"] == 0.9


# --- gold files and the BASIL folder


def test_a_sentence_annotated_twice_names_the_file_the_entry_the_outlet_and_the_index(tmp_path, capsys):
    gold = _gold(tmp_path / "g.json", [("alpha", 0, ["C1"]), ("alpha", 0, ["C1"]), ("beta", 0, ["C1"])])
    with pytest.raises(InputError) as err:
        read_gold(gold)
    assert err.value.path == str(gold) and err.value.row == 2
    assert "outlet 'alpha' at index 0 (event 'springfield') is annotated twice: entries 1 and 2" in err.value.problem
    assert "merge the two 'claims' lists" in err.value.fix
    assert main(["evaluate", str(gold), "-q"]) == 2
    assert f"{gold}, row 2: the sentence of outlet 'alpha'" in _one_error_line(capsys.readouterr().err)


def test_a_sentence_annotated_in_two_gold_files_names_both(tmp_path):
    folder = tmp_path / "gold"
    folder.mkdir()
    _gold(folder / "a.json", [("alpha", 0, ["C1"]), ("beta", 0, ["C1"])])
    second = _gold(folder / "b.json", [("alpha", 1, ["C2"]), ("beta", 0, ["C1"])])
    with pytest.raises(InputError) as err:
        read_gold(folder)
    assert err.value.path == str(second) and err.value.row == 2
    assert "annotated in two gold files" in err.value.problem and str(folder / "a.json") in err.value.problem
    assert "give each event one gold file" in err.value.fix


def test_evaluate_names_an_articles_folder_that_does_not_exist(tmp_path, capsys):
    gold = _gold(tmp_path / "g.json", triplet="0001")
    missing = tmp_path / "no-such-basil"
    assert main(["evaluate", str(gold), "--articles", str(missing), "-q"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert f"{missing}: the BASIL folder does not exist." in line
    assert "Fix: give the BASIL folder" in line and "--articles" in line and "(in Python: articles=" in line


def test_a_basil_folder_without_article_files_gets_a_fix(tmp_path):
    with pytest.raises(InputError, match="no BASIL article files") as err:
        read_basil(tmp_path)
    assert "--articles" in err.value.fix and "articles/<year>/<id>_<n>.json" in err.value.fix


# --- model, cache folder, ONNX backend


def test_a_model_path_that_is_a_file_is_named_as_a_file(tmp_path, capsys):
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"x")
    with pytest.raises(InputError) as err:
        SentenceEncoder(str(weights)).describe()
    assert err.value.path == str(weights)
    assert err.value.problem == "the --model path is a file, not a model folder."
    assert "(in Python: model=" in err.value.fix
    event = tmp_path / "event"
    event.mkdir()
    (event / "alpha.txt").write_text(_TEXTS[("alpha", 0)] + " " + _TEXTS[("alpha", 1)], encoding="utf-8")
    (event / "beta.txt").write_text(_TEXTS[("beta", 0)] + " " + _TEXTS[("beta", 1)], encoding="utf-8")
    assert main(["compare", str(event), "--out", str(tmp_path / "out"), "--model", str(weights), "-q"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "is a file, not a model folder" in line and "cannot be reached" not in line


def test_a_cache_folder_from_the_environment_names_the_variable(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("NARRATIVE_CACHE_DIR", str(blocker))
    for cache in (EmbeddingCache(), EmbeddingCache(blocker / "tokens")):
        with pytest.raises(InputError) as err:
            cache.get_many(["key"])
        assert err.value.path == str(cache.folder)
        assert f"the folder comes from the environment variable NARRATIVE_CACHE_DIR='{blocker}'" in err.value.problem
        assert err.value.fix.startswith("set NARRATIVE_CACHE_DIR to a writable folder (or unset it)")
        assert "--cache-dir" in err.value.fix and "--no-cache" in err.value.fix
    with pytest.raises(InputError, match="the path exists and is not a folder"):
        EmbeddingCache().get_many(["key"])
    elsewhere = tmp_path / "other-file"
    elsewhere.write_text("x")
    with pytest.raises(InputError) as err:
        EmbeddingCache(elsewhere / "cache").get_many(["key"])
    assert "NARRATIVE_CACHE_DIR" not in str(err.value)
    assert f"{elsewhere} is not a folder" in err.value.problem
    assert err.value.fix.startswith("give a writable --cache-dir (in Python: cache_dir=...)")


def test_missing_onnxruntime_gives_the_option_spelling_and_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(InputError, match="the ONNX backends need onnxruntime") as err:
        _require_onnxruntime()
    assert "pip install 'narrative[fast]'" in err.value.fix
    assert "--backend torch (in Python: backend='torch')" in err.value.fix


def test_onnx_backend_messages_give_the_option_spelling(tmp_path):
    pytest.importorskip("onnxruntime")
    with pytest.raises(InputError, match="need a local model folder") as err:
        _OnnxModel.load(SentenceEncoder("org/absent-model", backend="onnx"))
    assert "--backend torch (in Python: backend='torch')" in err.value.fix
    with pytest.raises(InputError, match="mean-pooling") as err:
        _check_mean_pooling(tmp_path)
    assert "--backend torch (in Python: backend='torch')" in err.value.fix


# --- invisible format characters are no sentences of their own


def _visible(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'הכבאים כיבו את האש במהירות.\n\u200fThe owner said: "we will reopen".\u200f\n',
            ["הכבאים כיבו את האש במהירות.", '\u200fThe owner said: "we will reopen".\u200f'],
        ),
        ("It burned.\u200b\n\nNobody was hurt.\ufeff", ["It burned.\u200b", "Nobody was hurt.\ufeff"]),
        ("It burned.\n\u200f\nNobody was hurt.", ["It burned.\u200f", "Nobody was hurt."]),
        ("\ufeff\n\nIt burned. Nobody was hurt.", ["\ufeffIt burned.", "Nobody was hurt."]),
        ("\u200b \u200f\n\ufeff", []),
    ],
)
def test_a_piece_of_only_format_characters_goes_on_a_sentence(text, expected):
    sentences = split_sentences(text)
    assert sentences == expected
    if sentences:
        assert _visible("".join(sentences)) == _visible(text)  # no character lost


def test_an_article_ending_in_a_right_to_left_mark_has_no_extra_sentence():
    text = (
        'שריפה פרצה במאפייה ביום שלישי.\nהכבאים כיבו את האש במהירות.\n\u200fThe owner said: "we will reopen".\u200f\n'
    )
    sentences = segment(pd.DataFrame({"event": ["e"], "outlet": ["הארץ"], "text": [text]}))
    assert sentences["position"].tolist() == [0, 1, 2]
    assert sentences["text"].iloc[-1].endswith('".\u200f')
