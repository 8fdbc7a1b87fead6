"""The classroom lesson: exercises with known answers, escaped article text, the handout."""

import re

import pytest
from synthetic_event import SENTENCES, comparison

from narrative import classroom

EVIL = "<script>alert('x')</script> & <b>bold</b>"


def test_each_exercise_has_one_omitted_claim_and_claims_the_outlet_carries():
    r = comparison()
    ex = classroom.omission_exercises(r, n=3)
    omitted = set(zip(r.omissions["outlet"], r.omissions["claim_id"]))
    carried = set(zip(r.coverage["outlet"], r.coverage["claim_id"]))
    # gamma omits two claims, alpha one, beta none: two exercises, gamma first
    assert list(dict.fromkeys(ex["outlet"])) == ["gamma", "alpha"]
    for _, g in ex.groupby("exercise"):
        outlet = g["outlet"].iloc[0]
        assert g["correct"].sum() == 1
        assert (outlet, g.loc[g["correct"], "claim_id"].iloc[0]) in omitted
        assert all((outlet, c) in carried for c in g.loc[~g["correct"], "claim_id"])
        assert list(g["letter"]) == ["A", "B", "C"]


def test_exercises_are_deterministic_and_seeded():
    r = comparison()
    first = classroom.omission_exercises(r, seed=3)
    assert first.equals(classroom.omission_exercises(r, seed=3))
    orders = {tuple(classroom.omission_exercises(r, seed=s)["claim_id"]) for s in range(6)}
    assert len(orders) > 1


def test_bad_arguments():
    r = comparison()
    with pytest.raises(ValueError, match="n_choices >= 2"):
        classroom.omission_exercises(r, n_choices=1)
    with pytest.raises(ValueError, match="is not in the comparison"):
        classroom.omission_exercises(r, event="nope")
    with pytest.raises(ValueError, match="there is no exercise 9"):
        classroom.exercise_html(classroom.omission_exercises(r), 9)


def test_article_text_is_escaped_everywhere():
    texts = [EVIL if i in (0, 4) else None for i in range(len(SENTENCES))]
    r = comparison(texts=texts)
    for html in (
        classroom.handout_html(r),
        classroom.side_by_side_html(r),
        classroom.exercise_html(classroom.omission_exercises(r), 1),
    ):
        assert "<script>" not in html and "<b>bold</b>" not in html
    page = classroom.handout_html(r)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_answers_are_collapsed_in_the_notebook_and_on_their_own_page_in_the_handout():
    r = comparison()
    ex = classroom.omission_exercises(r)
    answer = classroom.exercise_html(ex, 1, answer=True)
    assert answer.startswith("<details><summary>Show the answer</summary>")
    right = ex[(ex["exercise"] == 1) & ex["correct"]].iloc[0]
    assert f"Answer 1: {right['letter']}." in answer
    page = classroom.handout_html(r)
    assert page.index("Spot the omission") < page.index('class="answers"')
    assert "page-break-before: always" in page
    assert len(re.findall(r'class="exercise"', page)) == 2
    assert 'class="answers"' not in classroom.handout_html(r, answers=False)


def test_side_by_side_keeps_every_sentence_in_order():
    r = comparison()
    html = classroom.side_by_side_html(r)
    beta = [t for o, t, _ in SENTENCES if o == "beta"]
    positions = [html.index(t) for t in beta]
    assert positions == sorted(positions)
    assert html.count('class="article"') == 3


def test_write_handout(tmp_path):
    path = classroom.write_handout(comparison(), tmp_path / "sub" / "handout.html", title="Lesson & quiz")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>Lesson &amp; quiz</title>" in text


def test_the_answer_is_an_omission_the_outlet_has_no_close_sentence_for(example_result):
    # the bundled example: kyiv-ledger "omits" the date its first sentence gives (uncertain);
    # its exercise must ask about a clear omission instead
    om = example_result.omissions
    assert om["uncertain"].any()
    ex = classroom.omission_exercises(example_result, n=5)
    assert len(set(ex["exercise"])) >= 3
    flagged = set(zip(om.loc[om["uncertain"], "outlet"], om.loc[om["uncertain"], "claim_id"]))
    for _, g in ex.groupby("exercise"):
        outlet = g["outlet"].iloc[0]
        answer = g.loc[g["correct"], "claim_id"].iloc[0]
        has_clear = ((om["outlet"] == outlet) & ~om["uncertain"]).any()
        assert not (has_clear and (outlet, answer) in flagged), (outlet, answer)
