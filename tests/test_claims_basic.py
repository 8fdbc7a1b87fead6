"""The claim estimator on hand-built vectors, and its parameter checks."""

import numpy as np
import pandas as pd
import pytest

from narrative.claims import ClaimAligner, find_claims, states_claim


def test_states_claim():
    assert states_claim("Troops left the town.")
    assert not states_claim("Advertisement")
    assert not states_claim("")
    assert not states_claim("— 12 —")


def test_masked_sentences_get_no_claim():
    X = np.array([[1, 0], [1, 0], [0, 1]], dtype=float)
    est = ClaimAligner(threshold=0.9, method="cluster").fit(X, groups=["a", "b", "b"], mask=[True, True, False])
    assert est.labels_.tolist() == [0, 0, -1]
    assert est.memberships_[2] == ()


@pytest.mark.parametrize(
    ("params", "message"),
    [({"threshold": 2.0}, "threshold"), ({"linkage": "ward"}, "linkage"), ({"threshold": "high"}, "threshold")],
)
def test_bad_parameters_name_the_parameter(params, message):
    X = np.eye(3)
    with pytest.raises(ValueError, match=message):
        ClaimAligner(**params).fit(X)


def test_find_claims_ids_are_deterministic_and_cover_every_sentence():
    sentences = pd.DataFrame(
        {
            "event": ["e"] * 4,
            "outlet": ["a", "a", "b", "b"],
            "position": [0, 1, 0, 1],
            "text": ["Troops left town.", "Rain fell all day.", "The army withdrew.", "Ok"],
        }
    )
    X = np.array([[1, 0], [0, 1], [1, 0.05], [0.7, 0.7]], dtype=np.float32)
    membership, ids = find_claims(sentences, X, aligner=ClaimAligner(threshold=0.9, method="cluster"))
    assert ids[0] == ids[2] == "C1"  # shared claim numbered first
    assert ids[1] == "C2"
    assert ids[3] == ""  # one word: states no claim
    again = find_claims(sentences, X, aligner=ClaimAligner(threshold=0.9, method="cluster"))
    assert again[1] == ids
    pd.testing.assert_frame_equal(again[0], membership)
