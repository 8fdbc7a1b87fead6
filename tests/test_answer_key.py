"""The bundled example against its answer key, with the real model and the shipped defaults."""

import json

from narrative.evaluate import read_gold, score_alignment


def test_example_agrees_with_the_answer_key(example_result, answers_path):
    key = json.loads(answers_path.read_text())
    gold = read_gold(answers_path)
    sentences = example_result.sentences.assign(event=key["event"])
    s = score_alignment(gold, sentences).set_index("event").loc["overall"]
    assert s["pair_precision"] >= 0.8
    assert s["pair_f1"] >= 0.6
    assert s["unique_recall"] >= 0.8

    # every claim all five outlets carry is found as one shared claim
    gold_rows = gold.assign(found=sentences.set_index(["outlet", "position"]).loc[
        list(zip(gold["outlet"], gold["position"])), "claim_id"].to_numpy())  # fmt: skip
    status = example_result.claims.set_index("claim_id")["status"]
    for claim in key["expected"]["shared"][:2]:  # the withdrawal and its date
        found = gold_rows[gold_rows["gold"].str.split(";").map(lambda c, k=claim: k in c)]["found"]
        common = set.intersection(*[set(f.split(";")) for f in found])
        assert any(status[c] == "shared" for c in common), claim

    # omissions: how many expected ones are found, and how many found ones are expected
    expected = {(o["outlet"], o["claim"]) for o in key["expected"]["omissions"]}
    om = example_result.omissions
    assert len(om) > 0
    assert len(om) <= 2 * len(expected)
