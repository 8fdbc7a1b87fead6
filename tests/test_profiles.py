"""Outlet profiles: majority claims carried, led with, buried or omitted."""

import pandas as pd
import pytest
from synthetic_event import comparison

from narrative.compare import coverage_table
from narrative.profiles import PLACEMENTS, majority_placement, outlet_profiles


def test_placements_of_the_hand_built_event():
    r = comparison()
    placed = majority_placement(r.coverage, r.sentences)
    got = {(c, o): p for c, o, p in zip(placed["claim_id"], placed["outlet"], placed["placement"])}
    # majority claims (2+ of 3 outlets): C1, C2, C3, C5; unique claims are left out
    assert sorted(set(placed["claim_id"])) == ["C1", "C2", "C3", "C5"]
    assert got[("C1", "alpha")] == got[("C1", "beta")] == got[("C1", "gamma")] == "lead"
    assert got[("C2", "beta")] == "buried"  # rank 4 of 5
    assert got[("C2", "gamma")] == got[("C3", "gamma")] == got[("C5", "alpha")] == "omitted"
    assert got[("C3", "alpha")] == "buried"  # rank 2 of 4: second half
    assert got[("C5", "beta")] == "body"  # rank 2 of 5: first half, not lead
    assert set(placed["placement"]) <= set(PLACEMENTS)
    assert placed["first_rank"].isna().sum() == 3


def test_bury_from_moves_the_threshold():
    r = comparison()
    late = majority_placement(r.coverage, r.sentences, bury_from=0.8)
    got = dict(zip(zip(late["claim_id"], late["outlet"]), late["placement"]))
    assert got[("C3", "alpha")] == "body"
    assert got[("C2", "beta")] == "buried"  # 4 >= 0.8 * 5: still buried


@pytest.mark.parametrize("bury_from", [0, -0.1, 1.5])
def test_bad_bury_from_is_rejected(bury_from):
    r = comparison()
    with pytest.raises(ValueError, match="bury_from must be in"):
        majority_placement(r.coverage, r.sentences, bury_from=bury_from)


def test_profile_rates_over_two_events():
    a, b = comparison("e1"), comparison("e2")
    sentences = pd.concat([a.sentences, b.sentences], ignore_index=True)
    coverage = pd.concat([a.coverage, b.coverage], ignore_index=True)
    prof = outlet_profiles(coverage, sentences).set_index(["outlet", "measure"])
    # alpha: per event C1 lead, C2 lead, C3 buried, C5 omitted -> 8 majority claims over 2 events
    assert prof.loc[("alpha", "carries"), "n"] == 6
    assert prof.loc[("alpha", "leads"), "rate"] == pytest.approx(0.5)
    assert prof.loc[("alpha", "buries"), "rate"] == pytest.approx(0.25)
    assert prof.loc[("alpha", "omits"), "rate"] == pytest.approx(0.25)
    assert prof.loc[("gamma", "omits"), "n"] == 4
    assert (prof["n_majority"] == 8).all() and (prof["n_events"] == 2).all()
    for outlet in ["alpha", "beta", "gamma"]:
        assert prof.loc[(outlet, "carries"), "rate"] + prof.loc[(outlet, "omits"), "rate"] == pytest.approx(1)


def test_two_outlet_events_need_both_outlets_for_a_majority():
    sentences = pd.DataFrame({"event": "e", "outlet": ["a", "a", "b", "b"], "position": [0, 1, 0, 1],
                              "text": ["w x", "y z", "w x", "q r"], "claim_id": ["C1", "C2", "C1", "C3"]})  # fmt: skip
    placed = majority_placement(coverage_table(sentences), sentences)
    assert set(placed["claim_id"]) == {"C1"}
    assert list(placed["placement"]) == ["lead", "lead"]


def test_inputs_are_not_modified():
    r = comparison()
    cov, sen = r.coverage.copy(), r.sentences.copy()
    outlet_profiles(r.coverage, r.sentences)
    pd.testing.assert_frame_equal(r.coverage, cov)
    pd.testing.assert_frame_equal(r.sentences, sen)
