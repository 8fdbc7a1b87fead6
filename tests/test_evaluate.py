"""Scoring claim alignment against gold annotations, and `narrative evaluate`."""

import json

import pandas as pd
import pytest

from narrative.cli import main
from narrative.errors import InputError
from narrative.evaluate import evaluate, event_interval, read_gold, score_alignment


def test_score_alignment_counts_pairs_and_unique_sentences():
    gold = pd.DataFrame(
        {"event": "e", "outlet": ["a", "a", "b", "b", "c"], "position": [0, 1, 0, 1, 0],
         "gold": ["C1", "C2;C3", "C1;C3", "C4", "C2"]}
    )  # fmt: skip
    pred = gold.assign(claim_id=["X1", "X2", "X1", "X2", "X9"])
    s = score_alignment(gold, pred).set_index("event").loc["overall"]
    # gold pairs: a0-b0, a1-b0, a1-c0; predicted: a0-b0, a1-b1
    assert (s["pair_tp"], s["pair_fp"], s["pair_fn"]) == (1, 1, 2)
    # gold unique: b1; predicted unique: c0
    assert (s["unique_tp"], s["unique_fp"], s["unique_fn"]) == (0, 1, 1)
    assert s["pair_precision"] == 0.5 and s["pair_recall"] == pytest.approx(1 / 3, abs=1e-4)


def test_event_interval_resamples_events_not_pairs():
    gold = pd.DataFrame(
        {"event": ["e1"] * 4 + ["e2"] * 4 + ["e3"] * 4, "outlet": list("abab") * 3, "position": [0, 0, 1, 1] * 3,
         "gold": ["C1", "C1", "C2", "C2"] * 3}
    )  # fmt: skip
    # e1 and e2 found both pairs; e3 found none and invented two
    pred = gold.assign(claim_id=["X1", "X1", "X2", "X2"] * 2 + ["X1", "X2", "X2", "X1"])
    scores = score_alignment(gold, pred)
    iv = event_interval(scores).set_index("metric")
    assert iv.at["pair_f1", "estimate"] == pytest.approx(2 / 3, abs=1e-4)
    # every resample is a mix of perfect events and the failed one: F1 from 0 to 1
    assert iv.at["pair_f1", "low"] == 0.0 and iv.at["pair_f1", "high"] == 1.0
    assert (iv["low"] <= iv["estimate"]).all() and (iv["estimate"] <= iv["high"]).all()
    assert iv["events"].eq(3).all()
    assert event_interval(scores).equals(event_interval(scores))  # seeded
    assert event_interval(scores[scores["event"].isin(["e1", "overall"])]) is None


def test_read_gold_rejects_a_file_without_sentences(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"event": "x", "claims": {}}))
    with pytest.raises(InputError, match="sentences"):
        read_gold(bad)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"event": "x", "sentences": []}, "annotates no sentences"),
        (
            '{"event": "x", "sentences": [{"outlet": "a", "index": Infinity, "claims": []}]}',
            "'index' (a whole number, 0 or more)",
        ),
        (
            {"event": "x", "sentences": [{"outlet": "a", "index": 1.5, "claims": []}]},
            "'index' (a whole number, 0 or more)",
        ),
        (
            {"event": "x", "sentences": [{"outlet": "a", "index": -1, "claims": []}]},
            "'index' (a whole number, 0 or more)",
        ),
        ({"event": "x", "sentences": [{"outlet": None, "index": 0, "claims": []}]}, "lacks 'outlet' (a name)"),
        (
            {"event": "x", "sentences": [{"outlet": "a", "index": 0, "claims": ["C1;C2"]}]},
            "may not be empty or hold ';'",
        ),
        ({"event": "x", "sentences": [{"outlet": "a", "index": 0, "claims": [["C1"]]}]}, "list of claim ids (strings"),
        (
            {"event": "x", "sentences": [{"outlet": "a", "index": 0, "text": 5, "claims": []}]},
            "'text' that is not a string",
        ),
        ("{not json", "Fix: save it as JSON"),
    ],
    ids=[
        "no_sentences",
        "infinite_index",
        "fractional_index",
        "negative_index",
        "null_outlet",
        "semicolon_id",
        "nested_claims",
        "numeric_text",
        "not_json",
    ],
)
def test_cli_evaluate_bad_gold_file_exits_2(tmp_path, capsys, doc, expected):
    gold = tmp_path / "x.json"
    gold.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    assert main(["evaluate", str(gold), "-q"]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(gold) in err and "Traceback" not in err


def test_cli_evaluate_on_the_bundled_answer_key(answers_path, tmp_path, capsys, cache_dir):
    code = main(["evaluate", str(answers_path), "--out", str(tmp_path), "--sweep", "0.2:0.4:0.1",
                 "--cache-dir", str(cache_dir), "-q"])  # fmt: skip
    assert code == 0
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert scores["event"].tolist() == ["konstantinovka", "overall"]
    assert pd.read_csv(tmp_path / "sweep.csv")["threshold"].tolist() == [0.2, 0.3, 0.4]
    assert "pair_f1" in capsys.readouterr().out


def test_cli_evaluate_missing_gold_exits_2(tmp_path):
    assert main(["evaluate", str(tmp_path / "nope.json"), "-q"]) == 2


@pytest.mark.datasets
def test_dev_set_shipped_method_beats_naive_clustering(gold_dir, basil_dir, encoder, cache_dir):
    from narrative.claims import ClaimAligner

    ours = evaluate(gold_dir, model=encoder, cache_dir=cache_dir)["scores"].set_index("event").loc["overall"]
    naive = evaluate(
        gold_dir, model=encoder, cache_dir=cache_dir, aligner=ClaimAligner(threshold=0.6, method="cluster")
    )
    interval = naive["interval"].set_index("metric")
    naive = naive["scores"].set_index("event").loc["overall"]
    assert interval.at["pair_f1", "low"] < naive["pair_f1"] < interval.at["pair_f1", "high"]
    assert interval["events"].eq(8).all()
    # shipped weights on the events they were trained on (0.60 / 0.82; leave-one-event-out 0.59 / 0.81)
    assert ours["pair_f1"] >= 0.58 and ours["unique_f1"] >= 0.80
    assert ours["pair_precision"] >= 0.58 and ours["unique_recall"] >= 0.80
    # naive clustering: 0.41 / 0.74
    assert ours["pair_f1"] > naive["pair_f1"] + 0.15
    assert ours["unique_f1"] > naive["unique_f1"] + 0.05


@pytest.mark.datasets
def test_dev_set_token_evidence_adds_recall(gold_dir, basil_dir, encoder, cache_dir):
    from narrative.claims import ClaimAligner

    gold = read_gold(gold_dir)
    ours = evaluate(gold, model=encoder, cache_dir=cache_dir)["scores"].set_index("event").loc["overall"]
    plain = evaluate(gold, model=encoder, cache_dir=cache_dir, aligner=ClaimAligner(token_evidence=False))
    plain = plain["scores"].set_index("event").loc["overall"]
    assert ours["pair_recall"] > plain["pair_recall"] + 0.03
    assert ours["pair_f1"] > plain["pair_f1"] + 0.02


def _own_event(tmp_path, answers_path, example_dir, *, texts=True, change=None):
    """The bundled example as a researcher's own annotated event: gold file + articles folder next to it."""
    import shutil

    doc = json.loads(answers_path.read_text(encoding="utf-8"))
    doc = {"event": "konstantinovka", "claims": doc["claims"], "sentences": doc["sentences"]}
    if not texts:
        for s in doc["sentences"]:
            s.pop("text", None)
    if change:
        change(doc)
    shutil.copytree(example_dir, tmp_path / "konstantinovka")
    gold = tmp_path / "konstantinovka.json"
    gold.write_text(json.dumps(doc), encoding="utf-8")
    return gold


def test_evaluate_refuses_index_only_gold_that_misses_an_article_sentence(tmp_path, answers_path, example_dir, capsys):
    """One unannotated sentence would shift every label after it: refuse rather than mis-score."""
    gold = _own_event(tmp_path, answers_path, example_dir, texts=False)
    article = tmp_path / "konstantinovka" / "kyiv-ledger.txt"
    article.write_text("By a staff reporter, in Kyiv.\n\n" + article.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["evaluate", str(gold), "-q"]) == 2
    err = capsys.readouterr().err
    assert "sentence(s) of 'kyiv-ledger' have no gold row" in err and "Fix:" in err and "Traceback" not in err


def test_evaluate_with_texts_names_the_shifted_sentence(tmp_path, answers_path, example_dir, capsys):
    gold = _own_event(tmp_path, answers_path, example_dir)
    article = tmp_path / "konstantinovka" / "kyiv-ledger.txt"
    article.write_text("By a staff reporter, in Kyiv.\n\n" + article.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["evaluate", str(gold), "-q"]) == 2
    err = capsys.readouterr().err
    assert "kyiv-ledger 0" in err and "a sentence more or less before this one" in err


def test_evaluate_reads_a_bom_and_refuses_an_undescribed_claim_id(tmp_path, answers_path, example_dir, capsys):
    gold = _own_event(tmp_path, answers_path, example_dir)
    gold.write_bytes(b"\xef\xbb\xbf" + gold.read_bytes())
    assert not read_gold(gold).empty

    def typo(doc):
        doc["sentences"][3]["claims"] = ["c2 "]

    bad = _own_event(tmp_path / "typo", answers_path, example_dir, change=typo)
    assert main(["evaluate", str(bad), "-q"]) == 2
    err = capsys.readouterr().err
    assert "row 4" in err and "names claim 'c2 '" in err


def test_evaluate_warns_about_an_outlet_without_gold_and_can_leave_out_unlabelled(
    tmp_path, answers_path, example_dir, capsys, cache_dir
):
    def drop_outlet(doc):
        doc["sentences"] = [s for s in doc["sentences"] if s["outlet"] != "meridian-wire"]

    gold = _own_event(tmp_path, answers_path, example_dir, change=drop_outlet)
    common = ["evaluate", str(gold), "-q", "--cache-dir", str(cache_dir)]
    assert main([*common, "--out", str(tmp_path / "all")]) == 0
    assert "outlet 'meridian-wire' has an article but no gold sentences" in capsys.readouterr().err
    assert main([*common, "--out", str(tmp_path / "labelled"), "--drop-unlabelled"]) == 0
    capsys.readouterr()
    all_rows = pd.read_csv(tmp_path / "all" / "scores.csv").set_index("event")
    labelled = pd.read_csv(tmp_path / "labelled" / "scores.csv").set_index("event")
    unlabelled = sum(1 for s in json.loads(gold.read_text())["sentences"] if not s["claims"])
    assert unlabelled > 0
    assert all_rows.at["overall", "sentences"] - labelled.at["overall", "sentences"] == unlabelled


def test_evaluate_uses_the_gold_texts_for_a_triplet_missing_from_basil(tmp_path, answers_path, basil_dir):
    from narrative.evaluate import gold_sentences

    doc = json.loads(answers_path.read_text(encoding="utf-8"))
    gold_file = tmp_path / "mine.json"
    gold_file.write_text(json.dumps({"triplet": "not-a-basil-id", "sentences": doc["sentences"]}))
    sentences, notes = gold_sentences(read_gold(gold_file), articles=basil_dir)
    assert len(sentences) == len(doc["sentences"])
    assert any("not in the BASIL articles found" in n for n in notes)
