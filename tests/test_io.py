"""Reading inputs: decoding, tables, folders; each problem named with file, row and fix."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from narrative.errors import InputError
from narrative.io import Input, decode_bytes, read_input, read_table

TEXT = "Café society met the mayor.\nIt rained."


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (TEXT.encode("utf-8"), None),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None),
        (TEXT.encode("utf-16"), None),
        (TEXT.encode("utf-32"), None),
        (TEXT.encode("utf-16-le"), "read as UTF-16-LE (no byte-order mark)"),
        (TEXT.encode("utf-16-be"), "read as UTF-16-BE (no byte-order mark)"),
        (TEXT.encode("latin-1"), "not valid UTF-8; read as Windows-1252"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), None),
    ],
)
def test_decode_bytes(data, note):
    text, got = decode_bytes(data, path="f.txt")
    assert text == TEXT
    assert got is None if note is None else note in got


@pytest.mark.parametrize(
    "data", [b"\x00\x01\x02binary" * 50, bytes(range(1, 32)) * 20, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"]
)
def test_binary_data_is_refused(data):
    with pytest.raises(InputError, match="looks binary") as info:
        decode_bytes(data, path="junk.txt")
    assert info.value.path == "junk.txt" and info.value.fix


def test_stray_nul_bytes_in_text_are_named_with_their_line():
    data = b"First line of the article.\nThe mayor said\x00 it opens in May.\n"
    with pytest.raises(InputError, match=r"text but holds 1 NUL byte \(the first on line 2") as info:
        decode_bytes(data, path="a.txt")
    assert "tr -d" in info.value.fix


def test_cut_short_utf16_without_bom_is_named_as_such():
    data = "The mayor said the bridge opens in May.".encode("utf-16-le") + b"x"
    with pytest.raises(InputError, match="UTF-16-LE text without a byte-order mark.*odd"):
        decode_bytes(data, path="a.txt")


def test_error_message_names_file_row_and_fix():
    err = InputError("bad cell.", path="t.csv", row=7, fix="fill it in.")
    assert err.message == "t.csv, row 7: bad cell. Fix: fill it in."
    assert isinstance(err, ValueError)


def test_input_note_counts_what_was_skipped():
    inp = Input()
    inp.note("a", kind="empty_files")
    inp.note("b", kind="empty_files", count=2)
    inp.note("c")
    assert inp.notes == ["a", "b", "c"] and inp.skipped == {"empty_files": 3}


def test_jsonl_rows_are_numbered_by_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(
        json.dumps({"outlet": "a", "text": "x y"}) + "\n" + json.dumps({"outlet": "b", "text": None}) + "\n"
    )
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.row == 2 and "no text" in info.value.problem


def test_sentence_table_orders_by_group_then_position(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"outlet": ["b", "a", "b"], "position": [9, 0, 2], "sentence": ["b9", "a0", "b2"]}).to_csv(
        path, index=False
    )
    got = read_table(path).sentences
    assert got[["outlet", "position", "text"]].values.tolist() == [["b", 2, "b2"], ["b", 9, "b9"], ["a", 0, "a0"]]
    assert got["source"].tolist() == [f"{path}:4", f"{path}:2", f"{path}:3"]


def test_event_folders_that_differ_in_case_are_refused(tmp_path):
    for name in ("Flood", "flood"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text("One two.")
        (tmp_path / name / "b.txt").write_text("Three four.")
    with pytest.raises(InputError, match="'Flood' and 'flood'"):
        read_input(tmp_path)


def test_empty_and_other_files_in_a_folder_are_skipped_and_counted(tmp_path):
    (tmp_path / "a.txt").write_text("One two.")
    (tmp_path / "b.md").write_text("# Title only\n")
    (tmp_path / "c.txt").write_text("Three four.")
    (tmp_path / "d.csv").write_text("x")
    with pytest.raises(InputError, match="b.md: the article has a headline"):
        read_input(tmp_path)
    with pytest.warns(UserWarning):
        inp = read_input(tmp_path, skip_empty=True)
    assert inp.articles["outlet"].tolist() == ["a", "c"]
    assert inp.skipped == {"non_article_files": 1, "empty_files": 1}
    assert any("b.md: the article has a headline" in n for n in inp.notes)
