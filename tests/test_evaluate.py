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
        ('{"event": "x", "sentences": [{"outlet": "a", "index": Infinity, "claims": []}]}', "'index' (a whole number)"),
        ({"event": "x", "sentences": [{"outlet": "a", "index": 1.5, "claims": []}]}, "'index' (a whole number)"),
    ],
    ids=["no_sentences", "infinite_index", "fractional_index"],
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
