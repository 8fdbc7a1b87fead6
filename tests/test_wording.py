"""Word choice within shared claims: weighted log-odds with an informative Dirichlet prior."""

import math

import pandas as pd
import pytest

from narrative.wording import log_odds_dirichlet, tokenize, word_choice


def _counts(rows):
    return pd.DataFrame(rows, columns=["group", "word", "count"])


def test_log_odds_matches_the_formula_on_a_hand_computed_case():
    # a: x=3, y=1; b: x=1, y=3; uniform prior with alpha0=2 gives alpha_w = 1
    counts = _counts([("a", "x", 3), ("a", "y", 1), ("b", "x", 1), ("b", "y", 3)])
    prior = pd.Series({"x": 1.0, "y": 1.0})
    t = log_odds_dirichlet(counts, prior=prior, alpha0=2).set_index(["group", "word"])
    delta = math.log(4 / 2) - math.log(2 / 4)
    z = delta / math.sqrt(1 / 4 + 1 / 2)
    assert t.loc[("a", "x"), "log_odds"] == pytest.approx(delta)
    assert t.loc[("a", "x"), "z"] == pytest.approx(z)
    assert t.loc[("b", "x"), "z"] == pytest.approx(-z)
    assert t.loc[("a", "x"), "count"] == 3 and t.loc[("a", "x"), "count_others"] == 1


def test_two_groups_are_mirror_images():
    counts = _counts([("a", "x", 5), ("a", "y", 2), ("a", "z", 1), ("b", "x", 1), ("b", "y", 2), ("b", "w", 4)])
    t = log_odds_dirichlet(counts).set_index(["group", "word"])["z"]
    for w in ["x", "y", "z", "w"]:
        assert t[("a", w)] == pytest.approx(-t[("b", w)])


def test_a_stronger_prior_shrinks_the_scores():
    counts = _counts([("a", "x", 6), ("a", "y", 1), ("b", "x", 1), ("b", "y", 6)])
    weak = log_odds_dirichlet(counts, alpha0=1).set_index(["group", "word"])["log_odds"]
    strong = log_odds_dirichlet(counts, alpha0=1000).set_index(["group", "word"])["log_odds"]
    assert abs(strong[("a", "x")]) < abs(weak[("a", "x")])


def test_rows_are_sorted_by_z_within_group():
    counts = _counts([("a", "x", 1), ("a", "y", 9), ("b", "x", 9), ("b", "y", 1), ("c", "x", 3), ("c", "y", 3)])
    t = log_odds_dirichlet(counts)
    assert list(dict.fromkeys(t["group"])) == ["a", "b", "c"]
    for _, g in t.groupby("group"):
        assert g["z"].is_monotonic_decreasing
    assert t[t["group"] == "a"]["word"].iloc[0] == "y"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"alpha0": 0}, "alpha0 must be a positive number"), ({"alpha0": -1}, "alpha0 must be a positive number")],
)
def test_bad_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        log_odds_dirichlet(_counts([("a", "x", 1), ("b", "x", 1)]), **kwargs)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"\['count'\]"):
        log_odds_dirichlet(pd.DataFrame({"group": ["a"], "word": ["x"]}))


def _three_outlets():
    rows = [
        ("a", "Troops withdrew from the town overnight.", "C1"),
        ("b", "Troops abandoned the town overnight.", "C1"),
        ("c", "Troops retreated from the town overnight.", "C1"),
        ("a", "Officials confirmed the evacuation.", "C2"),
        ("b", "Officials confirmed the evacuation of civilians.", "C2"),
        ("c", "Officials denied everything.", "C3"),
        ("c", "A parade marched through the capital.", "C4"),
    ]
    return pd.DataFrame(
        [{"event": "e", "outlet": o, "position": i, "text": t, "claim_id": c} for i, (o, t, c) in enumerate(rows)]
    )


def test_each_outlet_ranks_its_own_verb_first_for_n_outlets():
    words = word_choice(_three_outlets())
    top = words.groupby("outlet", sort=False)["word"].first().to_dict()
    assert top == {"a": "withdrew", "b": "abandoned", "c": "retreated"}
    assert list(dict.fromkeys(words["outlet"])) == ["a", "b", "c"]


def test_only_claims_carried_by_several_outlets_count():
    words = word_choice(_three_outlets())
    assert not {"parade", "denied", "capital"} & set(words["word"])
    assert "civilians" in set(words["word"])
    # with min_outlets=1 the unique claims' words come in
    assert {"parade", "denied"} <= set(word_choice(_three_outlets(), min_outlets=1)["word"])


def test_by_claim_scores_within_each_claim():
    words = word_choice(_three_outlets(), by_claim=True)
    assert list(words.columns[:3]) == ["event", "claim_id", "outlet"]
    assert set(words["claim_id"]) == {"C1", "C2"}
    assert set(words.loc[words["claim_id"] == "C2", "outlet"]) == {"a", "b"}
    c2 = words[(words["claim_id"] == "C2")].set_index(["outlet", "word"])
    assert c2.loc[("b", "civilians"), "z"] > 0 > c2.loc[("a", "civilians"), "z"]


def test_claims_table_decides_which_claims_qualify():
    sentences = _three_outlets()
    claims = pd.DataFrame({"event": "e", "claim_id": ["C1", "C2", "C3", "C4"], "n_outlets": [3, 1, 1, 1]})
    words = word_choice(sentences, claims=claims)
    assert "civilians" not in set(words["word"])


def test_input_is_not_modified_and_output_is_deterministic():
    sentences = _three_outlets()
    before = sentences.copy()
    first = word_choice(sentences)
    pd.testing.assert_frame_equal(sentences, before)
    pd.testing.assert_frame_equal(first, word_choice(sentences))


def test_tokenize_drops_stop_words_and_numbers():
    assert tokenize("The 3 Troops’ve WITHDREW, and the town fell!") == ["troops've", "withdrew", "town", "fell"]


def test_missing_sentence_columns_are_named():
    with pytest.raises(ValueError, match="claim_id"):
        word_choice(pd.DataFrame({"event": ["e"], "outlet": ["a"], "text": ["x"]}))
