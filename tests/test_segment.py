"""Sentence splitting: abbreviations, line structure, long blocks split window by window."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from narrative.errors import InputError
from narrative.segment import LONG_SENTENCE_CHARS, long_sentences_note, segment, split_sentences

seg = importlib.import_module("narrative.segment")  # the package re-exports a function of the same name


def test_abbreviations_and_times():
    text = "Mr. Smith went to Washington. He arrived at 5 p.m. on Monday. The U.S. agreed."
    assert split_sentences(text) == [
        "Mr. Smith went to Washington.",
        "He arrived at 5 p.m. on Monday.",
        "The U.S. agreed.",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a state after a name ("R-Tenn.,") is not the end of a sentence
        (
            "Sens. Lamar Alexander, R-Tenn., and Patty Murray, D-Wash., have been seeking a deal. Talks go on.",
            ["Sens. Lamar Alexander, R-Tenn., and Patty Murray, D-Wash., have been seeking a deal.", "Talks go on."],
        ),
        # a closing quotation mark at the end of a paragraph stays with its sentence
        ('He spoke first. In the end, it will even be better."', ["He spoke first.", 'In the end, it will even be better."']),
        ("They will react on 'Hannity.'", ["They will react on 'Hannity.'"]),
        # a lower-case word after an abbreviation goes on; one after a word does not make a merge
        ("Gov. Brown, D-Calif. signed it. Apple sold the iPhone. iPhone sales rose.",
         ["Gov. Brown, D-Calif. signed it.", "Apple sold the iPhone.", "iPhone sales rose."]),
        ("Rep. Jim Jordan, R-Ohio, said no. Sen. Ted Cruz, R-Texas, agreed.",
         ["Rep. Jim Jordan, R-Ohio, said no.", "Sen. Ted Cruz, R-Texas, agreed."]),
    ],
)  # fmt: skip
def test_pieces_cut_off_after_abbreviations_or_quotes_are_joined_back(text, expected):
    sentences = split_sentences(text)
    assert sentences == expected
    assert "".join(sentences).replace(" ", "") == text.replace(" ", "")  # nothing lost


def test_one_sentence_per_line_and_hard_wrapped_lines():
    text = "First line ends here.\nSecond one\nis wrapped over two lines.\n\nA paragraph without a stop"
    assert split_sentences(text) == [
        "First line ends here.",
        "Second one is wrapped over two lines.",
        "A paragraph without a stop",
    ]


def test_a_title_or_subheading_line_is_not_run_into_the_sentence_below_it():
    text = (
        "Fire at Millbrook bakery\nA fire broke out at the bakery on Tuesday. No one was hurt.\n"
        "What happens next\nThe owner will reopen in May.\nKYIV, Nov 22 (Reuters) -\nTroops left the town."
    )
    assert split_sentences(text) == [
        "Fire at Millbrook bakery",
        "A fire broke out at the bakery on Tuesday.",
        "No one was hurt.",
        "What happens next",
        "The owner will reopen in May.",
        "KYIV, Nov 22 (Reuters) - Troops left the town.",  # a dateline ending in a dash runs on
    ]


def test_hard_wrapped_text_joins_lines_that_start_with_a_capital():
    text = (
        "The council met on Tuesday and voted for the plan that\nMayor Ruth Okafor had put to residents of the old\n"
        "Parliament Street district. It passed by seven votes\nto two."
    )
    assert split_sentences(text) == [
        "The council met on Tuesday and voted for the plan that Mayor Ruth Okafor had put to residents of the old "
        "Parliament Street district.",
        "It passed by seven votes to two.",
    ]
    assert split_sentences("Council backs plan\n" + text)[0] == "Council backs plan"  # a title above stays apart


@pytest.mark.parametrize("window", [50, 137, 400])
def test_long_blocks_split_the_same_window_by_window(monkeypatch, window):
    text = " ".join(
        f"Mr. Jones said on day {k} that the U.S. bridge cost {k}.5 million dollars; it opened at 5 p.m. Why? "
        f"\u201cBecause,\u201d he said!"
        for k in range(40)
    )
    whole = split_sentences(text)
    assert len(whole) == 40 * 3
    monkeypatch.setattr(seg, "_WINDOW", window)
    assert split_sentences(text) == whole


def test_a_sentence_longer_than_the_window_is_kept_whole(monkeypatch):
    monkeypatch.setattr(seg, "_WINDOW", 100)
    long = "The report " + "goes on " * 200 + "and ends."
    assert split_sentences(f"Before it. {long} After it.") == ["Before it.", long, "After it."]


def test_segment_keeps_positions_and_does_not_modify_input():
    articles = pd.DataFrame(
        {"event": ["e", "e"], "outlet": ["a", "b"], "text": ["One. Two.", "Three."], "source": ["x", "y"]}
    )
    before = articles.copy()
    got = segment(articles)
    assert got[["outlet", "position", "text"]].values.tolist() == [
        ["a", 0, "One."],
        ["a", 1, "Two."],
        ["b", 0, "Three."],
    ]
    pd.testing.assert_frame_equal(articles, before)


def test_long_sentences_note_counts_them():
    frame = pd.DataFrame({"outlet": ["a", "b", "b"], "text": ["short", "x" * (LONG_SENTENCE_CHARS + 1), "y" * 9000]})
    count, note = long_sentences_note(frame)
    assert count == 2 and "longest: 9,000, outlet 'b'" in note
    assert long_sentences_note(frame.iloc[:1]) == (0, None)


def test_unsupported_language_is_an_input_error():
    with pytest.raises(InputError, match="does not support language 'xx'") as info:
        split_sentences("Hello there.", language="xx")
    assert "ru" in info.value.fix and "en" in info.value.fix


def test_language_note_names_the_articles_that_are_not_english(example_dir):
    english = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(example_dir.glob("*.txt"))]
    others = {
        "de": "Die Truppen haben die Stadt in der Nacht verlassen, sagte ein Beamter am Montag. " * 4,
        "ru": "Украинские войска покинули город ночью, сообщил местный чиновник в понедельник утром. " * 5,
        "zh": "据当地官员称，乌克兰军队于十一月二十二日夜间撤出了该镇的阵地。总参谋部称这是有计划的调动。" * 3,
    }
    articles = pd.DataFrame(
        [{"event": "e", "outlet": o, "text": t} for o, t in english + list(others.items())]
        + [{"event": "e", "outlet": "short", "text": "Die Truppen sind weg."}]  # too short to judge
    )
    sentences = segment(articles)
    assert seg.language_note(sentences[sentences["outlet"].isin([o for o, _ in english])]) == (0, None)
    count, note = seg.language_note(sentences)
    assert count == 3
    assert all(f"outlet {o!r} (event 'e')" in note for o in others) and "'short'" not in note
    assert "--language" in note
    assert "--language" not in seg.language_note(sentences, language="de")[1]
