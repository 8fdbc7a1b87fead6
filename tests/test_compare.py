"""Comparisons on tiny hand-built sentence tables with known claims."""

import numpy as np
import pandas as pd
import pytest

from narrative.compare import (
    assign_themes,
    claim_status,
    claims_table,
    coverage_table,
    emphasis_table,
    is_omission,
    omissions_table,
    outlet_similarity,
)


@pytest.mark.parametrize(
    ("carrying", "outlets", "expected"),
    [(3, 3, "shared"), (2, 3, "partial"), (1, 3, "unique"), (2, 2, "shared"), (1, 2, "unique"), (4, 5, "partial")],
)
def test_claim_status(carrying, outlets, expected):
    assert claim_status(carrying, outlets) == expected


@pytest.mark.parametrize(
    ("carrying", "outlets", "expected"),
    [
        (1, 2, True),  # two outlets: the other one carries it
        (1, 3, False),  # one outlet's unique claim is its emphasis, not an omission
        (2, 3, True),
        (1, 4, False),  # 1 >= 3/2 fails
        (2, 4, True),
        (2, 5, True),  # half of the 4 others
        (1, 5, False),
        (3, 7, True),
        (2, 7, False),  # fewer than half of the 6 others
    ],
)
def test_is_omission(carrying, outlets, expected):
    assert is_omission(carrying, outlets) is expected


@pytest.fixture
def toy():
    """Three outlets; C1 in all, C2 in a+b, C3 only in c; b leads with C2."""
    rows = [
        ("e", "a", 0, "Troops left the town on Saturday.", "C1"),
        ("e", "a", 1, "Wounded soldiers were left behind.", "C2"),
        ("e", "a", 2, "The weather was cold.", "C4"),
        ("e", "b", 0, "Injured soldiers were abandoned.", "C2"),
        ("e", "b", 1, "The army withdrew from the town.", "C1"),
        ("e", "c", 0, "Forces pulled out of the town.", "C1"),
        ("e", "c", 1, "Shelling destroyed the school.", "C3"),
        ("e", "c", 2, "The school had been shelled for months.", "C3"),
    ]
    sentences = pd.DataFrame(rows, columns=["event", "outlet", "position", "text", "claim_id"])
    vecs = {"C1": [1, 0, 0, 0], "C2": [0, 1, 0, 0], "C3": [0, 0, 1, 0], "C4": [0, 0, 0, 1]}
    emb = np.array([vecs[c] for c in sentences["claim_id"]], dtype=np.float32)
    return sentences, emb


def test_claims_table_statuses_and_outlets(toy):
    sentences, emb = toy
    before = sentences.copy()
    claims = claims_table(sentences, emb).set_index("claim_id")
    assert claims.loc["C1", "status"] == "shared"
    assert claims.loc["C1", "outlets"] == "a;b;c"
    assert claims.loc["C2", "status"] == "partial"
    assert claims.loc["C3", "status"] == "unique"
    assert claims.loc["C3", "n_sentences"] == 2
    assert claims.loc["C2", "representative"] in set(sentences["text"])
    assert "school" in claims.loc["C3", "label"]
    pd.testing.assert_frame_equal(sentences, before)  # input not modified


def test_coverage_weights_and_lead(toy):
    sentences, _ = toy
    cov = coverage_table(sentences).set_index(["claim_id", "outlet"])
    assert cov.loc[("C1", "a"), "weight"] == pytest.approx(1 / 3)
    assert cov.loc[("C3", "c"), "n_sentences"] == 2
    assert cov.loc[("C1", "b"), "first_position"] == 1
    assert bool(cov.loc[("C2", "b"), "lead"]) is True
    assert ("C3", "a") not in cov.index


def test_omissions_follow_the_rule(toy):
    sentences, emb = toy
    claims = claims_table(sentences, emb)
    om = omissions_table(sentences, claims)
    # C2 carried by a and b (2 of 3): c omits it; C3/C4 are unique: no omission
    assert list(zip(om["outlet"], om["claim_id"])) == [("c", "C2")]
    assert om.iloc[0]["carried_by"] == "a;b"
    assert om.iloc[0]["evidence"] in {"Wounded soldiers were left behind.", "Injured soldiers were abandoned."}


def test_outlet_similarity_is_jaccard(toy):
    sentences, _ = toy
    sim = outlet_similarity(coverage_table(sentences), sentences).set_index(["outlet_a", "outlet_b"])
    assert sim.loc[("a", "b"), "similarity"] == pytest.approx(2 / 3)  # {C1,C2,C4} vs {C1,C2}
    assert sim.loc[("a", "c"), "similarity"] == pytest.approx(1 / 4)
    assert len(sim) == 3


def test_themes_and_emphasis(toy):
    sentences, emb = toy
    claims = claims_table(sentences, emb)
    claim_theme, themes = assign_themes(claims, sentences, emb, n_themes=2)
    assert set(claim_theme["claim_id"]) == {"C1", "C2", "C3", "C4"}
    assert themes["n_claims"].sum() == 4
    assert list(themes["theme_id"]) == ["T1", "T2"]
    claims = claims.merge(claim_theme, on=["event", "claim_id"])
    emph = emphasis_table(coverage_table(sentences), claims)
    per_outlet = emph.groupby("outlet")["weight"].sum()
    assert per_outlet["a"] == pytest.approx(1.0, abs=1e-5)  # each of a's sentences carries one claim


def test_emphasis_counts_a_sentence_once_however_many_claims_it_states():
    rows = [
        ("e", "a", 0, "The mayor resigned on Monday and the council called an election.", "C1;C2"),
        ("e", "a", 1, "Advertisement", ""),
        ("e", "b", 0, "The mayor resigned on Monday.", "C1"),
        ("e", "b", 1, "The council called an election for June.", "C2"),
    ]
    sentences = pd.DataFrame(rows, columns=["event", "outlet", "position", "text", "claim_id"])
    claims = pd.DataFrame(
        {"event": "e", "claim_id": ["C1", "C2"], "theme_id": ["T1", "T2"], "theme": ["mayor", "election"]}
    )
    coverage = coverage_table(sentences)
    emph = emphasis_table(coverage, claims, sentences).set_index(["outlet", "theme_id"])["weight"]
    assert emph[("a", "T1")] == pytest.approx(0.25) and emph[("a", "T2")] == pytest.approx(0.25)
    assert emph[("b", "T1")] == pytest.approx(0.5) and emph[("b", "T2")] == pytest.approx(0.5)
    # a's weights add up to the share of its sentences that state a claim, not to 2 x 0.5
    assert emph.groupby(level="outlet").sum().to_dict() == pytest.approx({"a": 0.5, "b": 1.0})
    # without the sentences, claim weights are added: the two-claim sentence counts twice
    assert emphasis_table(coverage, claims).groupby("outlet")["weight"].sum()["a"] == pytest.approx(1.0)


def test_representative_is_a_sentence_that_states_the_claim_alone():
    rows = [
        ("e", "a", 0, "The mayor resigned on Monday and the council called an election.", "C1;C2"),
        ("e", "b", 0, "The mayor resigned on Monday.", "C1"),
        ("e", "c", 0, "The council called an election for June.", "C2"),
        ("e", "c", 1, "Monday saw the mayor resign.", "C1"),
    ]
    sentences = pd.DataFrame(rows, columns=["event", "outlet", "position", "text", "claim_id"])
    # the two-claim sentence sits nearest each claim's mean vector, yet does not stand for either
    emb = np.array([[1, 0.3, 0], [1, -0.2, 0.6], [0.3, 1, 0.2], [1, -0.2, -0.6]], dtype=np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    claims = claims_table(sentences, emb).set_index("claim_id")
    assert claims.loc["C1", "representative"] == "The mayor resigned on Monday."
    assert claims.loc["C2", "representative"] == "The council called an election for June."


def test_theme_order_puts_the_most_widely_carried_claim_first():
    import pandas as pd

    from narrative.compare import theme_order

    # T1 (largest) holds one outlet's digression; T2 and T10 hold what several outlets carry
    claims = pd.DataFrame(
        {"claim_id": ["C1", "C2", "C3", "C4", "C5", "C6"], "theme_id": ["T2", "T10", "T1", "T1", "T1", "T3"],
         "n_outlets": [4, 4, 1, 1, 1, 2]}
    )  # fmt: skip
    assert theme_order(claims) == ["T2", "T10", "T3", "T1"]
    assert theme_order(claims.drop(columns="n_outlets")) == ["T1", "T2", "T3", "T10"]
    assert theme_order(claims.iloc[:0]) == []
