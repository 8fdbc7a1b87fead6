"""The pairwise claim aligner: chain-free claims, several claims per sentence, determinism, confidence."""

import warnings

import numpy as np
import pandas as pd
import pytest

from narrative.claims import ClaimAligner, claim_confidence, find_claims
from narrative.pairs import PairScorer

# probability = sigmoid(20 * cos - 15): cos 0.9 -> 0.95, cos 0.62 -> 0.07
COS_ONLY = PairScorer(features=("cos",), mean=(0.0,), scale=(1.0,), coef=(20.0,), intercept=-15.0)


def _angles(*degrees):
    r = np.radians(degrees)
    return np.column_stack([np.cos(r), np.sin(r)])


def test_no_chaining_and_a_sentence_carries_two_claims():
    X = _angles(0, 25.8, 51.7)  # a~b 0.90, b~c 0.90, a~c 0.62
    est = ClaimAligner(threshold=0.5, scorer=COS_ONLY).fit(X, groups=["a", "b", "c"])
    m = est.memberships_
    assert set(m[0]) & set(m[1]) and set(m[1]) & set(m[2])
    assert not set(m[0]) & set(m[2])  # a and c were never matched
    assert len(m[1]) == 2
    assert est.labels_[1] in m[1] and est.labels_[1] == m[1][0]


def test_a_second_claim_needs_the_higher_bar_a_first_claim_does_not():
    X = _angles(0, 25.8, 63.4)  # a~b 0.95, b~c 0.70, a~c 0.00
    groups = ["a", "b", "c"]
    low = ClaimAligner(threshold=0.5, secondary_margin=0.1, scorer=COS_ONLY).fit(X, groups=groups)
    assert set(low.memberships_[1]) & set(low.memberships_[2])  # 0.70 clears 0.5 + 0.1
    assert len(low.memberships_[1]) == 2
    high = ClaimAligner(threshold=0.5, secondary_margin=0.3, scorer=COS_ONLY).fit(X, groups=groups)
    m = high.memberships_
    assert set(m[0]) & set(m[1]) and not set(m[1]) & set(m[2])  # b already holds a claim; 0.70 < 0.8
    assert len(m[1]) == 1 and len(m[2]) == 1 and high.scores_[2] == 0
    # the same 0.70 match is enough for a sentence's first claim
    first = ClaimAligner(threshold=0.5, secondary_margin=0.3, scorer=COS_ONLY).fit(X[1:], groups=groups[1:])
    assert first.memberships_[0] == first.memberships_[1]
    # and the margin is what the default carries
    assert ClaimAligner().secondary_margin == "auto"


def test_a_second_claim_joined_needs_the_higher_bar_with_every_member():
    # a~b 0.95 opens the first claim; c~d 0.95 another; then b (already in a claim) could join c's
    # claim at b~c, b~d = 0.70 (second claim: needs 0.8 with margin 0.3)
    X = np.vstack([_angles(0, 25.8), _angles(63.4, 63.4)])
    groups = ["a", "b", "c", "d"]
    strict = ClaimAligner(threshold=0.5, secondary_margin=0.3, scorer=COS_ONLY, check_omissions=False)
    m = strict.fit(X, groups=groups).memberships_
    assert not set(m[1]) & set(m[2]) and not set(m[1]) & set(m[3])
    m = ClaimAligner(threshold=0.5, secondary_margin=0.1, scorer=COS_ONLY).fit(X, groups=groups).memberships_
    assert set(m[1]) & set(m[2]) & set(m[3])
    # c-d's claim would be left out by a and b; b matches both at 0.70, above the first-claim bar:
    # the omission check lets b carry it, a (0.00 with c and d) still leaves it out
    m = strict.set_params(check_omissions=True).fit(X, groups=groups).memberships_
    assert set(m[1]) & set(m[2]) & set(m[3]) and not set(m[0]) & set(m[2])


def test_same_outlet_never_matched_and_scores_are_probabilities():
    X = _angles(0, 1, 2)
    est = ClaimAligner(threshold=0.5, scorer=COS_ONLY).fit(X, groups=["a", "a", "b"])
    assert est.pair_scores_[0, 1] == 0
    assert 0.9 < est.pair_scores_[0, 2] <= 1
    assert np.all((est.scores_ >= 0) & (est.scores_ <= 1))


@pytest.mark.parametrize(("params", "message"), [({"method": "kmeans"}, "method"), ({"scorer": 3}, "scorer")])
def test_bad_parameters_name_the_parameter(params, message):
    with pytest.raises(ValueError, match=message):
        ClaimAligner(**params).fit(np.eye(3))


def _table():
    return pd.DataFrame(
        {
            "event": ["e"] * 6,
            "outlet": ["a", "a", "b", "b", "c", "c"],
            "position": [0, 1, 0, 1, 0, 1],
            "text": ["Troops left the town.", "Rain fell all day.", "Soldiers withdrew from the town.",
                     "Prices rose sharply.", "The troops pulled out.", "Schools were closed."],
        }
    )  # fmt: skip


def test_find_claims_deterministic_input_untouched_and_confidence():
    sentences = _table()
    before = sentences.copy()
    X = _angles(0, 90, 10, 200, 20, 300)
    aligner = ClaimAligner(threshold=0.5, scorer=COS_ONLY)
    membership, ids = find_claims(sentences, X, aligner=aligner)
    pd.testing.assert_frame_equal(sentences, before)
    assert ids[0].split(";")[0] == ids[2].split(";")[0] == ids[4].split(";")[0] == "C1"
    again = find_claims(sentences, X, aligner=aligner)
    assert again[1] == ids
    pd.testing.assert_frame_equal(again[0], membership)
    conf = claim_confidence(membership)
    assert list(conf.columns) == ["event", "claim_id", "confidence", "uncertain"]
    assert conf["confidence"].between(0, 1).all()
    c1 = conf.set_index("claim_id").loc["C1"]
    assert c1["confidence"] > 0.9 and not c1["uncertain"]


def test_uncertain_when_a_match_sits_at_the_threshold():
    X = _angles(0, 25.8, 90)  # a~b probability 0.95
    sentences = _table().iloc[[0, 2, 4]].reset_index(drop=True)
    membership, _ = find_claims(sentences, X, aligner=ClaimAligner(threshold=0.93, scorer=COS_ONLY))
    conf = claim_confidence(membership).set_index("claim_id")
    assert bool(conf.loc["C1", "uncertain"])  # gone at 0.98: a and b would each be alone


def test_real_model_matches_paraphrases_not_topics(encoder):
    sentences = pd.DataFrame(
        {
            "event": "e",
            "outlet": ["a", "a", "b", "b"],
            "position": [0, 1, 0, 1],
            "text": ["Ukrainian troops withdrew from Konstantinovka on 22 November.",
                     "The general staff called it a planned repositioning.",
                     "On 22 November Ukrainian forces pulled out of Konstantinovka.",
                     "Analysts expect the price of wheat to fall next year."],
        }
    )  # fmt: skip
    X = encoder.encode(sentences["text"])
    _, ids = find_claims(sentences, X)
    assert ids[0] == ids[2]
    assert ids[3] not in ids[:3]


def _tok(ids, degrees):
    return (np.array(ids), _angles(*degrees))


def test_token_alignment_sees_a_shared_span_inside_a_longer_sentence():
    from narrative.pairs import token_alignment

    # sentence 0 states one claim (tokens 1, 2); sentence 1 states it among others (tokens 1, 2, 7, 8);
    # sentence 2 shares only a common word piece (token 1)
    tokens = [_tok([1, 2], [0, 40]), _tok([1, 2, 7, 8], [0, 40, 120, 160]), _tok([1, 9], [0, 100])]
    m = token_alignment(tokens, span=2)
    assert m["tok_max"][0, 1] == pytest.approx(1.0)  # all of sentence 0 is in sentence 1
    assert m["tok_min"][0, 1] < 0.8  # but not all of sentence 1 in sentence 0
    assert m["tok_span"][0, 1] == pytest.approx(1.0)
    assert m["tok_max"][0, 1] > m["tok_max"][0, 2] + 0.2  # the rare token 2 weighs more than token 1
    for name, mat in m.items():
        np.testing.assert_allclose(mat, mat.T, err_msg=name)
        assert np.all(np.diag(mat) == 0)
    empty = token_alignment([_tok([1], [0]), (np.zeros(0, dtype=int), np.zeros((0, 2)))])
    assert all(np.all(v == 0) for v in empty.values())


def test_token_vectors_round_trip_through_the_cache_format():
    import pickle

    from narrative.tokens import SentenceTokens, _pack, _unpack

    rng = np.random.default_rng(0)
    for k in (0, 1, 5):
        t = SentenceTokens(rng.integers(0, 30000, k), rng.normal(size=(k, 6)).astype(np.float16))
        back = _unpack(_pack(*t), 6)
        np.testing.assert_array_equal(back.ids, t.ids)
        np.testing.assert_array_equal(back.vectors, t.vectors)
        assert pickle.loads(pickle.dumps(back))[0].tolist() == t.ids.tolist()
    assert _unpack(_pack(*t), 7) is None  # a wrong dimension is refused, not misread


@pytest.mark.model
def test_token_evidence_cold_and_warm_give_the_same_claims(encoder, tmp_path, monkeypatch):
    from narrative.tokens import sentence_tokens, token_cache

    sentences = _table()
    X = encoder.encode(sentences["text"])
    cold = sentence_tokens(sentences["text"], encoder=encoder, cache=token_cache(tmp_path))
    monkeypatch.setattr(type(encoder), "_load_torch", lambda self: (_ for _ in ()).throw(AssertionError("loaded")))
    warm = sentence_tokens(sentences["text"], encoder=encoder, cache=token_cache(tmp_path))
    for a, b in zip(cold, warm):
        np.testing.assert_array_equal(a.vectors, b.vectors)
    assert find_claims(sentences, X, tokens=cold)[1] == find_claims(sentences, X, tokens=warm)[1]
    ids = find_claims(sentences, X, tokens=warm)[1]
    assert ids[0] == ids[2] == ids[4]  # troops leaving, in three outlets' words
    assert len({ids[1], ids[3], ids[5]}) == 3  # rain, prices, schools: each alone


def test_without_token_evidence_the_no_token_scorer_is_used():
    from narrative.pairs import TOKEN_FEATURES

    assert set(TOKEN_FEATURES) <= set(PairScorer.default().features)
    assert not set(TOKEN_FEATURES) & set(PairScorer.default(tokens=False).features)
    X = _angles(0, 10, 90)
    texts = ["Troops left the town.", "The troops left the town.", "Rain fell all day."]
    est = ClaimAligner(token_evidence=False).fit(X, groups=["a", "b", "b"], texts=texts)
    assert est.labels_.tolist() == [0, 0, 1]


def test_an_outlet_that_states_a_fact_twice_gives_one_claim_not_two():
    from narrative.claims import _greedy_claims

    # a0 and a1 (outlet a) both restate what b0 and c0 say; a2 / b1 is another fact; c1 is alone
    groups = np.array(["a", "a", "a", "b", "b", "c", "c"])
    P = np.zeros((7, 7))
    for i, j, p in [(0, 3, 0.9), (0, 5, 0.85), (3, 5, 0.8), (1, 3, 0.7), (1, 5, 0.65), (2, 4, 0.6)]:
        P[i, j] = P[j, i] = p
    members, best = _greedy_claims(P, groups, np.ones(7, bool), threshold=0.15, second=0.25)
    claims = {}
    for i, ms in enumerate(members):
        for c in ms:
            claims.setdefault(c, set()).add(i)
    assert sorted(map(sorted, claims.values())) == [[0, 1, 3, 5], [2, 4], [6]]
    assert all(len(ms) == 1 for ms in members)  # b0 and c0 hold one claim, not two copies of it
    assert best[1][members[1][0]] == pytest.approx(0.7)
    # the pairs of sentences of different outlets that share a claim are those of the two copies
    shared = {(i, j) for c in claims.values() for i in c for j in c if i < j and groups[i] != groups[j]}
    assert shared == {(0, 3), (0, 5), (3, 5), (1, 3), (1, 5), (2, 4)}


def test_claims_that_differ_in_two_outlets_stay_apart():
    from narrative.claims import _greedy_claims

    # b0 states two facts: one with a0, one with c0; a0 and c0 do not match each other
    groups = np.array(["a", "b", "c"])
    P = np.zeros((3, 3))
    P[0, 1] = P[1, 0] = 0.9
    P[1, 2] = P[2, 1] = 0.8
    members, _ = _greedy_claims(P, groups, np.ones(3, bool), threshold=0.15, second=0.25)
    assert len(members[1]) == 2 and members[0] != members[2]


def test_claims_whose_extra_sentences_already_share_a_claim_are_merged():
    """Two rows of one fact: merging them puts no new pair of sentences of different outlets together."""
    from narrative.claims import _merge_restatements

    # a0 holds both; b0/c0 in one, b1/c1 in the other, and b0-c1, b1-c0 already share claims 2 and 3
    groups = np.array(["a", "b", "b", "c", "c", "a"])
    claims = [[0, 1, 3], [0, 2, 4], [1, 4], [2, 3], [5]]
    members = [[0, 1], [0, 2], [1, 3], [3, 0], [2, 1], [4]]
    best = [{c: 0.5 for c in ms} for ms in members]

    def pairs(claims):
        return {(i, j) for c in claims for i in c for j in c if i < j and groups[i] != groups[j]}

    merged, new_members, _ = _merge_restatements(claims, [list(m) for m in members], best, groups)
    assert merged == [[0, 1, 2, 3, 4], [5]]  # claims 2 and 3 are inside the merged one: their rows go too
    assert pairs(merged) == pairs(claims)
    assert new_members == [[0], [0], [0], [0], [0], [1]]
    # b0-c1 never together: the first two stay apart (the third, inside the second once c0 joins it, goes)
    claims = [[0, 1, 3], [0, 2, 4], [2, 3], [5]]
    members = [[0, 1], [0], [1, 2], [2, 0], [1], [3]]
    best = [{c: 0.5 for c in ms} for ms in members]
    merged, _, _ = _merge_restatements(claims, [list(m) for m in members], best, groups)
    assert merged == [[0, 1, 3], [0, 2, 3, 4], [5]]
    assert pairs(merged) == pairs(claims)


def _claim_sets(members):
    claims = {}
    for i, ms in enumerate(members):
        for c in ms:
            claims.setdefault(c, set()).add(i)
    return sorted(map(sorted, claims.values()))


@pytest.mark.parametrize("cross", [0.2, 0.5], ids=["cross_below_second_bar", "cross_above_second_bar"])
def test_one_fact_found_first_in_two_pairs_of_outlets_is_one_claim(cross):
    """Four outlets: a-b and c-d match strongly, every other pair clearly; one claim, no false omissions."""
    from narrative.claims import _greedy_claims

    groups = np.array(["a", "b", "c", "d", "d"])
    P = np.zeros((5, 5))
    for i, j, p in [(0, 1, 0.9), (2, 3, 0.8), (0, 2, cross), (0, 3, cross), (1, 2, cross), (1, 3, cross)]:
        P[i, j] = P[j, i] = p
    members, _ = _greedy_claims(P, groups, np.ones(5, bool), threshold=0.15, second=0.25)
    assert _claim_sets(members) == [[0, 1, 2, 3], [4]]
    # one pair across the two groups below the threshold: d0 still matches most of a0, b0, c0
    P[1, 3] = P[3, 1] = 0.1
    members, _ = _greedy_claims(P, groups, np.ones(5, bool), threshold=0.15, second=0.25)
    assert [0, 1, 2, 3] in _claim_sets(members)
    # two below it: d0 matches only c0 of the three, so no claim of four (no chaining)
    P[0, 3] = P[3, 0] = 0.1
    members, _ = _greedy_claims(P, groups, np.ones(5, bool), threshold=0.15, second=0.25)
    assert [0, 1, 2, 3] not in _claim_sets(members)


def test_fit_without_texts_warns_when_the_scorer_reads_words():
    X = np.eye(4)[:, :3] + 0.1
    with pytest.warns(UserWarning, match="got no texts"):
        ClaimAligner().fit(X, groups=["a", "b", "a", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ClaimAligner(scorer=COS_ONLY).fit(X, groups=["a", "b", "a", "b"])  # vectors only: nothing missing
        ClaimAligner().fit(X, groups=["a", "b", "a", "b"], texts=["w x", "y z", "u v", "s t"])


def test_an_outlet_whose_sentence_matches_a_claim_it_would_leave_out_carries_it():
    from narrative.claims import ClaimAligner, _greedy_claims, closest_sentences

    # a0-b0 state one fact; c1 states another with a1 (its first claim) and also matches a0 and
    # b0 at 0.2: above the first-claim bar (0.15), below the second-claim bar (0.25)
    groups = np.array(["a", "a", "b", "c", "c"])
    P = np.zeros((5, 5))
    for i, j, p in [(0, 2, 0.9), (1, 4, 0.8), (0, 4, 0.2), (2, 4, 0.2), (3, 0, 0.12), (3, 2, 0.12)]:
        P[i, j] = P[j, i] = p
    mask = np.ones(5, bool)
    members, _ = _greedy_claims(P, groups, mask, threshold=0.15, second=0.25)
    assert [0, 2] in _claim_sets(members)  # without the check, outlet c "leaves out" a0-b0's fact
    members, best = _greedy_claims(P, groups, mask, threshold=0.15, second=0.25, check_omissions=True)
    assert _claim_sets(members) == [[0, 2, 4], [1, 4], [3]]  # c1 carries it; c0 (0.12 with both) does not
    assert best[4][members[4][1]] == pytest.approx(0.2)
    # c1 joins by the rule a sentence joins a claim: it must reach the bar with both a0 and b0
    P[2, 4] = P[4, 2] = 0.1
    members, _ = _greedy_claims(P, groups, mask, threshold=0.15, second=0.25, check_omissions=True)
    assert [0, 2] in _claim_sets(members)
    # what closest_sentences reports for the omission that stays: c0 (0.12 with both), not c1
    # (0.2 with a0 but 0.1 with b0: a sentence's closeness is its score with most of the claim)
    est = ClaimAligner(scorer=COS_ONLY).fit(np.eye(5), groups=groups)
    est.pair_scores_, est.memberships_ = P, [tuple(m) for m in members]
    near = {(lab, outlet): (i, score) for lab, outlet, i, score in closest_sentences(est, groups)}
    claim = members[0][0]
    assert near[(claim, "c")] == (3, pytest.approx(0.12))


def test_the_omission_check_counts_every_outlet_as_the_omissions_table_does():
    from narrative.claims import _greedy_claims

    # a1-b0 state one fact; a0 matches b0 at 0.2 (b0's second claim would need 0.25). Outlet c's
    # only sentence states no claim: with three outlets a claim of one is no omission, so b keeps out
    groups = np.array(["a", "a", "b", "c"])
    P = np.zeros((4, 4))
    for i, j, p in [(1, 2, 0.9), (0, 2, 0.2)]:
        P[i, j] = P[j, i] = p
    mask = np.array([True, True, True, False])
    members, _ = _greedy_claims(P, groups, mask, threshold=0.15, second=0.25, check_omissions=True)
    assert _claim_sets(members) == [[0], [1, 2]]
    # with two outlets the claim of a0 alone is b's omission, and b0 reaches it; a0 and a1 then
    # both hold b0's fact, which a restates: one claim
    members, _ = _greedy_claims(P[:3, :3], groups[:3], mask[:3], threshold=0.15, second=0.25, check_omissions=True)
    assert _claim_sets(members) == [[0, 1, 2]]
