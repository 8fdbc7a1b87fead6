"""Scoring claim alignment against gold annotations, and `narrative evaluate`."""

import json

import pandas as pd
import pytest

from narrative.cli import main
from narrative.errors import InputError
from narrative.evaluate import evaluate, event_interval, omission_summary, read_gold, score_alignment, score_omissions


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


def test_score_omissions_confirms_an_omission_only_when_the_outlet_carries_none_of_its_facts():
    gold = pd.DataFrame(
        {"event": "e", "outlet": ["a", "a", "b", "c", "c"], "position": [0, 1, 0, 0, 1],
         "gold": ["G1;G4", "G5", "G1", "G2", "G3"]}
    )  # fmt: skip
    pred = gold.assign(claim_id=["X1", "X2", "X1", "X3", "X4"])
    om = pd.DataFrame({"event": "e", "outlet": ["c", "b", "c"], "claim_id": ["X1", "X2", "X2"],
                       "uncertain": [False, True, False]})  # fmt: skip
    checked = score_omissions(gold, pred, om)
    # c states neither G1 nor G4 (X1's facts): confirmed; b and c state no G5 either
    assert checked["confirmed"].tolist() == [True, True, True]
    # strict: c0 stating G4, a second fact of a0's, is enough for c to carry X1
    gold.loc[3, "gold"] = "G2;G4"
    assert score_omissions(gold, pred, om)["confirmed"].tolist() == [False, True, True]
    summary = omission_summary(score_omissions(gold, pred, om)).set_index("omissions")
    assert summary.loc["all", ["n", "confirmed"]].tolist() == [3, 2]
    assert summary.loc["uncertain", ["n", "confirmed"]].tolist() == [1, 1]
    # an event the gold does not cover is not scored; a table without its columns is refused
    other = pd.concat([om, om.assign(event="f")])
    assert len(score_omissions(gold, pred, other)) == 3
    with pytest.raises(InputError, match="omissions table"):
        score_omissions(gold, pred, om.drop(columns=["claim_id"]))


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
    defined = iv.loc[["pair_precision", "pair_recall", "pair_f1"]]
    assert (defined["low"] <= defined["estimate"]).all() and (defined["estimate"] <= defined["high"]).all()
    # no sentence is unique in the gold or the alignment: the unique rates are undefined, not 0
    assert iv.loc[["unique_precision", "unique_recall", "unique_f1"], ["estimate", "low", "high"]].isna().all().all()
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
    out = capsys.readouterr().out
    assert "pair_f1" in out
    # each omission the run reports, confirmed or not by the key, and the count printed
    omissions = pd.read_csv(tmp_path / "omissions.csv")
    assert {"closest_sentence", "uncertain", "confirmed"} <= set(omissions.columns)
    assert 0 < omissions["confirmed"].sum() < len(omissions)
    assert f"all {omissions['confirmed'].sum()} of {len(omissions)}" in out


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


_TEXTS = {
    ("alpha", 0): "The mayor of Springfield resigned on Monday after a corruption probe.",
    ("alpha", 1): "Police arrested two aides.",
    ("beta", 0): "Springfield's mayor stepped down on Monday amid a corruption investigation.",
    ("beta", 1): "Residents expressed relief.",
}


def _gold_file(path, claims, *, event="springfield", texts=None):
    """A small gold file with the sentence texts: ``claims`` maps (outlet, index) to claim ids."""
    texts = {**_TEXTS, **(texts or {})}
    ids = sorted({c for cs in claims.values() for c in cs})
    doc = {
        "event": event,
        "claims": {c: f"claim {c}" for c in ids},
        "sentences": [{"outlet": o, "index": i, "text": texts[(o, i)], "claims": cs} for (o, i), cs in claims.items()],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("sweep", ["0:1:0.0001", "0:1:1e-6", "0.2:0.3:1e-300"])
def test_cli_evaluate_refuses_a_sweep_of_too_many_thresholds_before_loading_the_model(
    tmp_path, capsys, monkeypatch, sweep
):
    import importlib

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(importlib.import_module("narrative.embed"), "SentenceEncoder", no_model)
    gold = _gold_file(tmp_path / "g.json", {("alpha", 0): ["C1"], ("beta", 0): ["C1"]})
    assert main(["evaluate", str(gold), "--sweep", sweep, "-q"]) == 2
    err = capsys.readouterr().err
    assert "thresholds; at most 201 are scored" in err and "Fix: use a coarser STEP" in err
    assert "Traceback" not in err


def test_parse_sweep_accepts_the_finest_sweep_allowed():
    from narrative.evaluate import MAX_SWEEP_THRESHOLDS, _parse_sweep

    thresholds = _parse_sweep("0:1:0.005")
    assert len(thresholds) == MAX_SWEEP_THRESHOLDS == 201
    assert thresholds[0] == 0.0 and thresholds[-1] == 1.0
    assert _parse_sweep("0.2:0.4:0.1").tolist() == [0.2, 0.3, 0.4]


def test_cli_evaluate_drop_unlabelled_leaving_nothing_is_an_error(tmp_path, capsys, cache_dir):
    gold = _gold_file(tmp_path / "g.json", {k: [] for k in _TEXTS})
    assert main(["evaluate", str(gold), "--drop-unlabelled", "-q", "--cache-dir", str(cache_dir)]) == 2
    err = capsys.readouterr().err
    assert str(gold) in err and "every sentence of this gold file is unlabelled" in err
    assert "Fix: run without --drop-unlabelled, or label the sentences" in err and "Traceback" not in err
    with pytest.raises(InputError, match="leaves nothing to score"):
        score_alignment(read_gold(gold), read_gold(gold).assign(claim_id=""), drop_unlabelled=True)


def test_cli_evaluate_drop_unlabelled_warns_about_an_emptied_event(tmp_path, capsys, cache_dir):
    folder = tmp_path / "gold"
    folder.mkdir()
    _gold_file(folder / "a.json", {("alpha", 0): ["C1"], ("alpha", 1): ["C2"], ("beta", 0): ["C1"]}, event="a")
    _gold_file(folder / "b.json", {("alpha", 0): [], ("beta", 0): []}, event="b")
    out = tmp_path / "out"
    code = main(["evaluate", str(folder), "--drop-unlabelled", "-q", "--cache-dir", str(cache_dir), "--out", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert "--drop-unlabelled leaves nothing of 1 event(s)" in err and "'b'" in err
    assert pd.read_csv(out / "scores.csv")["event"].tolist() == ["a", "overall"]


def test_score_alignment_leaves_undefined_rates_nan_and_keeps_the_defined_ones():
    # every sentence states C1: the gold has cross-outlet pairs but no unique sentence
    gold = pd.DataFrame({"event": "e", "outlet": list("aabb"), "position": [0, 1, 0, 1], "gold": "C1"})
    s = score_alignment(gold, gold.assign(claim_id=["X", "Y", "X", "Z"])).set_index("event").loc["overall"]
    assert (s["pair_tp"], s["pair_fp"], s["pair_fn"]) == (1, 0, 3)
    assert s["pair_precision"] == 1.0 and s["pair_recall"] == 0.25 and s["pair_f1"] == 0.4
    assert (s["unique_tp"], s["unique_fp"], s["unique_fn"]) == (0, 2, 0)
    assert s["unique_precision"] == 0.0 and s["unique_f1"] == 0.0  # defined: two sentences wrongly called unique
    assert pd.isna(s["unique_recall"])  # 0/0: the gold has no unique sentence
    # nothing predicted and nothing in the gold: precision, recall and F1 all undefined
    none = gold.assign(gold=["C1", "C2", "C3", "C4"])
    s = score_alignment(none, none.assign(claim_id=["X", "Y", "Z", "W"])).set_index("event").loc["overall"]
    assert s[["pair_precision", "pair_recall", "pair_f1"]].isna().all()
    assert s[["unique_precision", "unique_recall", "unique_f1"]].tolist() == [1.0, 1.0, 1.0]


def test_event_interval_skips_draws_where_a_metric_is_undefined():
    # e1 has no gold pair (recall 0/0 there), e2 has one, found; nobody predicted a unique sentence wrongly
    counts = pd.DataFrame(
        {"event": ["e1", "e2"], "sentences": 2, "pair_tp": [0, 1], "pair_fp": [0, 0], "pair_fn": [0, 0],
         "unique_tp": [2, 0], "unique_fp": [0, 0], "unique_fn": [0, 0]}
    )  # fmt: skip
    iv = event_interval(counts).set_index("metric")
    assert iv.at["pair_recall", "estimate"] == 1.0
    assert iv.at["pair_recall", "low"] == 1.0 and iv.at["pair_recall", "high"] == 1.0  # draws of only e1 skipped
    assert iv.at["unique_f1", "low"] == 1.0 and iv.at["unique_f1", "high"] == 1.0
    # undefined in every draw: NaN, not 0
    iv = event_interval(counts.assign(pair_tp=0)).set_index("metric")
    assert iv.loc["pair_precision", ["estimate", "low", "high"]].isna().all()


def test_cli_evaluate_prints_and_writes_undefined_scores_as_undefined(tmp_path, capsys, cache_dir):
    gold = _gold_file(tmp_path / "g.json", {k: ["C1"] for k in _TEXTS})
    out = tmp_path / "out"
    assert main(["evaluate", str(gold), "-q", "--cache-dir", str(cache_dir), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "n/a" in captured.out and "nan" not in captured.out.lower()
    warnings = [line for line in captured.err.splitlines() if "undefined" in line]
    assert len(warnings) == 1
    assert "unique recall for overall and every event, as the gold has no unique sentence" in warnings[0]
    scores = pd.read_csv(out / "scores.csv")
    assert scores["unique_recall"].isna().all() and scores["pair_recall"].notna().all()
    header, first = (out / "scores.csv").read_text().splitlines()[:2]
    assert first.split(",")[header.split(",").index("unique_recall")] == ""


def test_cli_evaluate_names_the_sentence_with_an_empty_text(tmp_path, capsys):
    gold = _gold_file(tmp_path / "g.json", {k: ["C1"] for k in _TEXTS}, texts={("beta", 1): ""})
    assert main(["evaluate", str(gold), "-q"]) == 2
    err = capsys.readouterr().err
    assert str(gold) in err and "gold sentence beta 1 of event 'springfield' has an empty 'text'" in err
    assert "holds no sentence texts" not in err and "Fix: fill in the 'text'" in err and "Traceback" not in err


def test_cli_evaluate_without_texts_or_articles_says_where_texts_can_come_from(tmp_path, capsys):
    gold = _gold_file(
        tmp_path / "g.json", {k: ["C1"] for k in _TEXTS}, event="town-hall", texts={k: "" for k in _TEXTS}
    )
    assert main(["evaluate", str(gold), "-q"]) == 2
    err = capsys.readouterr().err
    assert "event 'town-hall': the gold file holds no sentence texts and no articles were found" in err
    assert "give each gold sentence its 'text'" in err and "a folder named after the event" in err
    assert "Traceback" not in err
