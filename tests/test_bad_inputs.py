"""The catalogue of bad and odd inputs, each run through the command line.

Every entry either works (with a warning naming what was cleaned or skipped,
counted in provenance) or stops with exit code 2 and one message that names
the file, the row where there is one, and the fix. No entry shows a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from narrative.cli import main
from narrative.segment import split_sentences

A = "The mayor opened the new bridge on Monday. Officials said it cost two million dollars. Residents welcomed it."
B = "The new bridge was opened by the mayor on Monday. It cost about two million dollars, officials said."
C = "Traffic jams followed the opening of the bridge. The mayor said the bridge cost two million dollars."


def _folder(root: Path, files: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (root / name).write_bytes(data)
    return root


def _ab(root: Path, **more) -> Path:
    return _folder(root, {"alpha.txt": A, "beta.txt": B, **more})


def _table(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def _parquet_bytes(path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"outlet": ["x", "y"], "text": [A.encode(), B.encode()]}), path)
    return path


def _fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)  # reading it would wait for a writer for ever
    return path


def _link(link: Path, target: str) -> Path:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return link


def _dangling(link: Path) -> Path:
    link.symlink_to(link.parent / "absent-folder")
    return link


def run(args, capsys):
    """Run the CLI; return (exit code, stdout, stderr); no traceback may appear."""
    code = main(["compare", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# --------------------------------------------------------------------------- inputs that stop

# id -> (build(tmp) -> (input path, extra args), substrings the error must hold)
ERRORS = {
    "empty_folder": (lambda t: (_folder(t / "in", {}), []), ["in:", "no articles found", "Fix:"]),
    "only_non_article_files": (
        lambda t: (_folder(t / "in", {"a.pdf": b"%PDF", "b.docx": b"PK"}), []),
        ["no articles found", "Fix:"],
    ),
    "all_files_empty": (
        lambda t: (_folder(t / "in", {"alpha.txt": "", "beta.txt": " \n"}), []),
        ["alpha.txt", "the article is empty", "Fix:"],
    ),
    "all_files_empty_skipped": (
        lambda t: (_folder(t / "in", {"alpha.txt": "", "beta.txt": " \n"}), ["--skip-empty"]),
        ["every article file is empty", "Fix:"],
    ),
    "binary_junk_nul": (
        lambda t: (_ab(t / "in", **{"gamma.txt": bytes(range(256)) * 40}), []),
        ["gamma.txt", "looks binary", "Fix:"],
    ),
    "binary_junk_controls": (
        lambda t: (_ab(t / "in", **{"gamma.txt": bytes(range(1, 32)) * 200}), []),
        ["gamma.txt", "control characters", "Fix:"],
    ),
    "wrong_encoding_given": (
        lambda t: (_ab(t / "in", **{"gamma.txt": "Café société".encode("latin-1")}), ["--encoding", "utf-8"]),
        ["gamma.txt", "cannot decode", "Fix:"],
    ),
    "unknown_encoding_name": (
        lambda t: (_ab(t / "in"), ["--encoding", "klingon-8"]),
        ["--encoding 'klingon-8' is not a text encoding", "Fix:"],
    ),
    "table_missing_outlet_column": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"source": ["x", "y"], "text": [A, B]})), []),
        ["a.csv", "no 'outlet' column", "Fix:"],
    ),
    "table_misspelled_outlet": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"outlett": ["x", "y"], "text": [A, B]})), []),
        ["a.csv", "'outlett' meant to be 'outlet'", "Fix:"],
    ),
    "table_misspelled_text": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"outlet": ["x", "y"], "txt": [A, B]})), []),
        ["a.csv", "'txt' meant to be 'text'", "Fix:"],
    ),
    "table_text_and_sentence": (
        lambda t: (_table(t / "a.csv", "outlet,text,sentence\nx,a,b\ny,c,d\n"), []),
        ["a.csv", "both 'text' and 'sentence'", "Fix:"],
    ),
    "table_header_only": (
        lambda t: (_table(t / "a.csv", "outlet,text\n"), []),
        ["a.csv", "no rows", "Fix:"],
    ),
    "table_empty_file": (lambda t: (_table(t / "a.csv", ""), []), ["a.csv", "the table is empty", "Fix:"]),
    "table_whitespace_file": (lambda t: (_table(t / "a.tsv", "  \n\n\t\n"), []), ["a.tsv", "empty", "Fix:"]),
    "table_unclosed_quote": (
        lambda t: (_table(t / "a.csv", 'outlet,text\nx,"never closed\ny,b\n'), []),
        ["a.csv", "cannot parse the CSV", "Fix:"],
    ),
    "article_table_nan_text": (
        lambda t: (
            _table(t / "a.jsonl", json.dumps({"outlet": "x", "text": A}) + '\n{"outlet": "y", "text": null}\n'),
            [],
        ),
        ["a.jsonl, row 2", "no text", "Fix:"],
    ),
    "article_table_empty_outlet": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"outlet": ["x", " "], "text": [A, B]})), []),
        ["a.csv, row 3", "no outlet name", "Fix:"],
    ),
    "jsonl_bad_line": (
        lambda t: (_table(t / "a.jsonl", json.dumps({"outlet": "x", "text": A}) + "\n{outlet: y}\n"), []),
        ["a.jsonl, row 2", "not valid JSON", "Fix:"],
    ),
    "jsonl_not_object": (
        lambda t: (_table(t / "a.jsonl", json.dumps({"outlet": "x", "text": A}) + '\n["y", "text"]\n'), []),
        ["a.jsonl, row 2", "not an object", "Fix:"],
    ),
    "parquet_corrupt": (
        lambda t: (_folder(t, {"a.parquet": b"PAR1 this is not parquet PAR1"}) / "a.parquet", []),
        ["a.parquet", "cannot parse the PARQUET", "Fix:"],
    ),
    "sentence_table_duplicate_positions": (
        lambda t: (
            _csv(
                t / "s.csv",
                pd.DataFrame({"outlet": ["x", "x", "y"], "position": [0, 0, 1], "sentence": ["a b", "c d", "e f"]}),
            ),
            [],
        ),
        ["s.csv, row 2", "same position 0", "rows 2, 3", "Fix:"],
    ),
    "sentence_table_position_not_number": (
        lambda t: (
            _csv(
                t / "s.csv",
                pd.DataFrame({"outlet": ["x", "y"], "position": ["first", "1"], "sentence": ["a b", "c d"]}),
            ),
            [],
        ),
        ["s.csv, row 2", "whole number", "'first'", "Fix:"],
    ),
    "duplicate_outlet_files": (
        lambda t: (_ab(t / "in", **{"Alpha.md": C}), []),
        ["same outlet name", "Alpha.md", "alpha.txt", "Fix:"],
    ),
    "duplicate_outlet_rows": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"outlet": ["x", "y", "x"], "text": [A, B, C]})), []),
        ["a.csv, row 2", "more than one article", "rows 2, 4", "Fix:"],
    ),
    "outlets_differ_in_case": (
        lambda t: (
            _csv(t / "s.csv", pd.DataFrame({"outlet": ["BBC", "bbc", "CNN"], "sentence": ["a b", "c d", "e f"]})),
            [],
        ),
        ["s.csv", "'BBC' and 'bbc'", "differ only in case", "Fix:"],
    ),
    "outlets_differ_in_unicode_form": (
        lambda t: (_folder(t / "in", {"caf\u00e9.txt": A, "cafe\u0301.txt": B, "gamma.txt": C}), []),
        ["same outlet name", "differ only in Unicode form", "Fix:"],
    ),
    "outlets_differ_by_a_non_breaking_space": (
        lambda t: (
            _csv(t / "s.csv", pd.DataFrame({"outlet": ["daily klaxon", "daily\u00a0klaxon", "c"], "text": [A, B, C]})),
            [],
        ),
        ["'daily klaxon'", "Unicode form", "Fix:"],
    ),
    "repeated_header_row": (
        lambda t: (
            _csv(t / "a.csv", pd.DataFrame({"outlet": ["x", "y", "outlet", "z"], "text": [A, B, "text", C]})),
            [],
        ),
        ["a.csv, row 4", "repeats the table's header", "Fix:"],
    ),
    "only_invisible_characters": (
        lambda t: (
            _folder(t / "in", {"alpha.txt": A, "beta.txt": B, "gamma.txt": "\u200b\u200b \u00a0\n\u2060\ufeff\n"}),
            [],
        ),
        ["gamma.txt", "the article is empty", "invisible characters", "--skip-empty", "Fix:"],
    ),
    "dask_scheduler_not_an_address": (
        lambda t: (_ab(t / "in" / "e1").parent if _ab(t / "in" / "e2") else None, ["--scheduler", "bogus"]),
        ["cannot reach the Dask scheduler 'bogus'", "missing port", "Fix:"],
    ),
    "one_outlet_folder": (
        lambda t: (_folder(t / "in", {"alpha.txt": A}), []),
        ["alpha.txt", "only one outlet", "Fix:"],
    ),
    "one_outlet_after_skipping_empty": (
        lambda t: (_folder(t / "in", {"alpha.txt": A, "beta.txt": ""}), ["--skip-empty"]),
        ["alpha.txt", "only one outlet", "Fix:"],
    ),
    "one_outlet_table": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"outlet": ["x"], "text": [A]})), []),
        ["a.csv", "only one outlet", "Fix:"],
    ),
    "single_article_file": (lambda t: (_ab(t / "in") / "alpha.txt", []), ["alpha.txt", "one outlet only", "Fix:"]),
    "events_same_id_folders": (
        lambda t: (_ab(t / "in" / "event").parent if _ab(t / "in" / "Event") else None, []),
        ["'Event' and 'event'", "same id", "Fix:"],
    ),
    "events_same_id_table": (
        lambda t: (
            _csv(
                t / "a.csv",
                pd.DataFrame({"event": ["E1", "E1", "e1", "e1"], "outlet": ["x", "y", "x", "z"], "text": [A, B, C, A]}),
            ),
            [],
        ),
        ["a.csv, row 4", "'E1' and 'e1'", "differ only in case", "Fix:"],
    ),
    "event_without_second_outlet": (
        lambda t: (
            _csv(
                t / "a.csv", pd.DataFrame({"event": ["e1", "e1", "e2"], "outlet": ["x", "y", "x"], "text": [A, B, C]})
            ),
            [],
        ),
        ["a.csv:4", "event 'e2' has only one outlet", "Fix:"],
    ),
    "missing_input": (lambda t: (t / "nowhere", []), ["nowhere", "no such file or folder", "Fix:"]),
    "unknown_input_type": (
        lambda t: (_folder(t, {"a.docx": b"PK"}) / "a.docx", []),
        ["a.docx", "unknown input type '.docx'", "Fix:"],
    ),
    "unsupported_language": (lambda t: (_ab(t / "in"), ["--language", "xx"]), ["language 'xx'", "Fix:", "en"]),
    "table_columns_differ_only_in_case": (
        lambda t: (_table(t / "a.csv", "outlet,text,Outlet\nx,The mayor spoke.,X\ny,The mayor left.,Y\n"), []),
        ["a.csv", "2 columns named 'outlet'", "'Outlet'", "Fix:"],
    ),
    "outlet_name_with_semicolon": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"outlet": ["x", "y;z"], "text": [A, B]})), []),
        ["a.csv:3", "'y;z'", "holds ';'", "Fix:"],
    ),
    "sentence_position_too_large": (
        lambda t: (_table(t / "s.csv", "outlet,position,sentence\nx,0,a b\ny,99999999999999999999,c d\n"), []),
        ["s.csv, row 3", "whole number", "99999999999999999999", "Fix:"],
    ),
    "sentence_position_infinite": (
        lambda t: (_table(t / "s.csv", "outlet,position,sentence\nx,inf,a b\ny,0,c d\n"), []),
        ["s.csv, row 2", "whole number", "'inf'", "Fix:"],
    ),
    "parquet_cells_hold_lists": (
        lambda t: (
            pd.DataFrame({"outlet": ["x", "y"], "text": [A.split(". "), B.split(". ")]}).to_parquet(t / "a.parquet")
            or t / "a.parquet",
            [],
        ),
        ["a.parquet, row 1", "'text' cell holds a", "not text", "Fix:"],
    ),
    "jsonl_outlet_is_an_object": (
        lambda t: (
            _table(
                t / "a.jsonl",
                json.dumps({"outlet": {"name": "x"}, "text": A}) + "\n" + json.dumps({"outlet": "y", "text": B}) + "\n",
            ),
            [],
        ),  # fmt: skip
        ["a.jsonl, row 1", "'outlet' cell holds a dict", "Fix:"],
    ),
    "output_folder_inside_input_folder": (
        lambda t: (_ab(t / "in"), ["--out", str(t / "in" / "results")]),
        ["results", "inside the input folder", "Fix:"],
    ),
    "cache_database_cannot_be_opened": (
        lambda t: (_ab(t / "in"), ["--cache-dir", str(_folder(t / "cache" / "embeddings-v1.sqlite3", {}).parent)]),
        ["cache", "cannot use the embedding cache folder", "Fix:"],
    ),
    "txt_holding_an_html_page": (
        lambda t: (_ab(t / "in", **{"gamma.txt": f"<html><body><p>{C}</p></body></html>"}), []),
        ["gamma.txt", "holds HTML markup", "rename it to .html", "Fix:"],
    ),
    "txt_holding_rtf": (
        lambda t: (_ab(t / "in", **{"gamma.txt": "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} " + C + "}"}), []),
        ["gamma.txt", "an RTF document", "save it as plain text", "Fix:"],
    ),
    "csv_text_cells_holding_html": (
        lambda t: (_csv(t / "a.csv", pd.DataFrame({"outlet": ["x", "y"], "text": [A, f"<p>{B}</p><br/>"]})), []),
        ["a.csv, row 3", "'text' cell holds HTML markup", "(1 row(s) like this)", "Fix:"],
    ),
    "csv_with_two_text_columns": (
        lambda t: (_table(t / "a.csv", f'outlet,text,text\nx,"{A}",more\ny,"{B}",more\n'), []),
        ["a.csv", "2 columns named 'text'", "Fix:"],
    ),
    "tsv_with_two_text_columns": (
        lambda t: (_table(t / "a.tsv", f"outlet\ttext\tText\nx\t{A}\tm\ny\t{B}\tm\n"), []),
        ["a.tsv", "2 columns named 'text'", "'text', 'Text'", "Fix:"],
    ),
    "parquet_text_as_bytes": (
        lambda t: (_parquet_bytes(t / "a.parquet"), []),
        ["a.parquet, row 1", "'text' cell holds bytes", "Fix:"],
    ),
    "jsonl_text_that_is_a_number": (
        lambda t: (
            _table(t / "a.jsonl", json.dumps({"outlet": "x", "text": A}) + "\n" + '{"outlet": "y", "text": 12345}\n'),
            [],
        ),  # fmt: skip
        ["a.jsonl, row 2", "'text' cell holds a number", "Fix:"],
    ),
    "jsonl_rows_are_counted_in_lines": (
        lambda t: (
            _table(
                t / "a.jsonl",
                json.dumps({"outlet": "x", "text": A}) + "\n\n\n" + json.dumps({"outlet": "y", "text": " "}) + "\n",
            ),
            [],
        ),  # fmt: skip
        ["a.jsonl, row 4", "have no text", "Fix:"],
    ),
    "jsonl_with_an_unpaired_surrogate": (
        lambda t: (
            _table(
                t / "a.jsonl",
                json.dumps({"outlet": "x", "text": A}) + "\n" + '{"outlet": "y", "text": "a \\ud800 b"}\n',
            ),
            [],
        ),  # fmt: skip
        ["a.jsonl, row 2", "unpaired surrogate", "Fix:"],
    ),
    "markdown_with_a_headline_and_no_text": (
        lambda t: (_ab(t / "in", **{"gamma.md": "# Bridge opens\n\n"}), []),
        ["gamma.md", "has a headline ('Bridge opens') but no text below it", "Fix:"],
    ),
    "input_table_the_results_would_replace": (
        lambda t: (
            _csv(_folder(t / "res", {}) / "sentences.csv", pd.DataFrame({"outlet": ["x", "y"], "sentence": [A, B]})),
            ["--out", str(t / "res"), "--force"],
        ),
        ["sentences.csv", "which the results would replace", "Fix:"],
    ),
    "output_path_is_a_link_to_nothing": (
        lambda t: (_ab(t / "in"), ["--out", str(_dangling(t / "out-link"))]),
        ["out-link", "is a link to", "which does not exist", "Fix:"],
    ),
    "output_path_is_a_link_to_nothing_in_a_corpus_run": (
        lambda t: (_folder(_ab(t / "in" / "e1").parent, {}), ["--jobs", "1", "--out", str(_dangling(t / "out-link"))]),
        ["out-link", "is a link to", "which does not exist", "Fix:"],
    ),
    "corpus_output_path_under_a_file": (
        lambda t: (
            _folder(_ab(t / "in" / "e1").parent, {}),
            ["--jobs", "1", "--out", str(_table(t / "notes.txt", "x") / "res")],
        ),  # fmt: skip
        ["notes.txt/res", "cannot make the output folder", "notes.txt is a file, not a folder", "Fix:"],
    ),
    "file_name_that_gives_no_outlet_name": (
        lambda t: (_ab(t / "in", **{" .txt": A}), []),
        [" .txt: the file name gives no outlet name", "Fix:"],
    ),
    "files_differing_only_in_case_and_extension": (
        lambda t: (_folder(t / "in", {"Herald.txt": A, "herald.md": B, "post.txt": C}), []),
        ["Herald.txt and herald.md (the names differ only in case)", "Fix:"],
    ),
    "parquet_dataset_folder_with_a_readme": (
        lambda t: (_folder(t / "in", {"part-0.parquet": b"PAR1", "README.txt": "About this dataset."}), []),
        ["holds Parquet files (part-0.parquet) and one article file (README.txt)", "Fix:"],
    ),
    "table_without_text_or_sentence_column": (
        lambda t: (_csv(t / "t.csv", pd.DataFrame({"outlet": ["x", "y"], "body": [A, B]})), []),
        ["neither a 'text' nor a 'sentence' column", "Fix: name the column that holds the articles 'text'"],
    ),
    "negative_position": (
        lambda t: (
            _csv(t / "s.csv", pd.DataFrame({"outlet": ["x", "y"], "position": [0, -1], "sentence": [A, B]})),
            [],
        ),
        ["s.csv, row 3", "whole number from 0", "got '-1'", "Fix:"],
    ),
    "folder_of_files_without_extension_and_tables": (
        lambda t: (_folder(t / "in", {"reuters": A, "ap": B, "old.csv": "outlet,text\n"}), []),
        ["no articles found", "files without an extension (ap, reuters;", "tables (old.csv;", "Fix:"],
    ),
    "dask_and_scheduler_together": (
        lambda t: (_folder(_ab(t / "in" / "e1").parent, {}), ["--dask", "--scheduler", "tcp://127.0.0.1:1"]),
        ["give one of them", "Fix:"],
    ),
    "cache_folder_that_is_the_output_folder": (
        lambda t: (_ab(t / "in"), ["--cache-dir", str(t / "out")]),
        ["cache folder is the output folder or inside it", "Fix:"],
    ),
    "output_path_under_a_file": (
        lambda t: (_ab(t / "in"), ["--out", str(_table(t / "notes.txt", "x") / "res" / "deeper")]),
        ["cannot make the output folder", "notes.txt is a file, not a folder", "Fix:"],
    ),
    "model_folder_that_is_not_a_model": (
        lambda t: (_ab(t / "in"), ["--model", str(_folder(t / "m", {"readme.txt": "weights elsewhere"}))]),
        ["m: the --model folder is not a sentence-transformers or transformers model", "config.json", "Fix:"],
    ),
    "input_that_is_a_named_pipe": (
        lambda t: (_fifo(t / "pipe.csv"), []),
        ["pipe.csv: this is a named pipe, not a file or folder", "Fix:"],
    ),
    "input_that_is_a_device": (
        lambda t: (_link(t / "zero.csv", "/dev/zero"), []),
        ["zero.csv: this is a device, not a file or folder", "Fix:"],
    ),
    "model_that_does_not_exist": (
        lambda t: (_ab(t / "in"), ["--model", "no-such-org/no-such-model-xyz"]),
        ["cannot load", "no-such-model-xyz", "Fix:"],
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_input_stops_with_message(case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    build, expected = ERRORS[case]
    source, extra = build(tmp_path)
    out = tmp_path / "out"
    code, stdout, err = run([str(source), "--out", str(out), "-q", *extra], capsys)
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.startswith("narrative: error: ")]
    assert len(lines) == 1, err
    for text in expected:
        assert text in lines[0], lines[0]
    assert not (out / "provenance.json").exists()


def test_model_that_must_be_downloaded_fails_at_once_when_the_hub_is_unreachable(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    for proxy in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # the discard port: nothing listens
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty hub cache
    code, _, err = run(
        [str(_ab(tmp_path / "in")), "--out", str(tmp_path / "out"), "-q", "--model", "org/absent"], capsys
    )
    assert code == 2
    assert "'org/absent' is neither a folder on disk nor in the Hugging Face cache" in err
    assert "127.0.0.1 cannot be reached" in err and "Retry" not in err


# --------------------------------------------------------------------------- inputs that work


def _sentences_csv(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "sentences.csv", keep_default_na=False, dtype={"text": str})


def _provenance(out: Path) -> dict:
    return json.loads((out / "provenance.json").read_text(encoding="utf-8"))


def _compare_ok(args, capsys, *, warnings=(), skipped=None):
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    out = Path(args[args.index("--out") + 1])
    for text in warnings:
        assert any(text in line for line in err.splitlines() if line.startswith("narrative: warning: ")), err
    prov = _provenance(out)
    if skipped is not None:
        assert prov["counts"]["skipped"] == skipped
        if "-q" not in args:
            for kind, n in skipped.items():
                assert f"{n} {kind.replace('_', ' ')}" in stdout
    assert len(prov["notes"]) == prov["counts"]["warnings"]
    return out, stdout, err


@pytest.mark.parametrize("content", ["", "  \n\t\n \n"], ids=["empty", "whitespace"])
def test_empty_article_file_stops_the_run(tmp_path, capsys, content):
    src = _ab(tmp_path / "in", **{"gamma.txt": content})
    code = main(["compare", str(src), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "gamma.txt: the article is empty" in err and "--skip-empty" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("content", ["", "  \n\t\n \n"], ids=["empty", "whitespace"])
def test_empty_article_file_is_skipped_when_asked(tmp_path, capsys, content):
    src = _ab(tmp_path / "in", **{"gamma.txt": content})
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "--skip-empty"],
        capsys,
        warnings=["gamma.txt: the article is empty", "skipped"],
        skipped={"empty_files": 1},
    )
    assert set(_sentences_csv(out)["outlet"]) == {"alpha", "beta"}


def test_html_without_article_body_is_skipped(tmp_path, capsys):
    page = "<html><head><title>Home</title><script>var x = 1;</script></head><body><nav><a href='/'>Home</a></nav></body></html>"
    src = _ab(tmp_path / "in", **{"gamma.html": page})
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q", "--skip-empty"],
        capsys,
        warnings=["gamma.html: ", "The file was skipped."],
        skipped={"empty_files": 1},
    )
    assert "gamma" not in set(_sentences_csv(out)["outlet"])


def test_non_article_files_are_skipped(tmp_path, capsys):
    src = _ab(tmp_path / "in", **{"notes.pdf": b"%PDF-1.4", "data.json": "{}"})
    _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["skipped 2 file(s) that are not articles (data.json, notes.pdf)"],
        skipped={"non_article_files": 2},
    )


@pytest.mark.parametrize(
    ("encode", "warning"),
    [
        (lambda t: t.encode("latin-1"), "not valid UTF-8; read as Windows-1252"),
        (lambda t: t.encode("utf-16"), None),
        (lambda t: t.encode("utf-16-le"), "read as UTF-16-LE (no byte-order mark)"),
        (lambda t: t.encode("utf-16-be"), "read as UTF-16-BE (no byte-order mark)"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), None),
        (lambda t: t.replace("\n", "\r\n").encode("utf-8"), None),
        (lambda t: t.replace("\n", "\r").encode("utf-8"), None),
    ],
    ids=["latin1", "utf16_bom", "utf16le_no_bom", "utf16be_no_bom", "utf8_bom", "crlf", "cr"],
)
def test_encodings_and_line_endings_read_the_same_text(tmp_path, capsys, encode, warning):
    text = "Café owners near the bridge said business was up.\nThe mayor's office counted 5,000 visitors."
    src = _ab(tmp_path / "in", **{"gamma.txt": encode(text)})
    out, _, err = _compare_ok([str(src), "--out", str(tmp_path / "out"), "-q"], capsys)
    if warning:
        assert warning in err
    else:
        assert "gamma.txt" not in err
    got = _sentences_csv(out)
    assert got.loc[got["outlet"] == "gamma", "text"].tolist() == text.split("\n")


def test_nan_sentence_cells_are_kept_as_empty_sentences(tmp_path, capsys):
    frame = pd.DataFrame(
        {
            "outlet": ["x", "x", "x", "y", "y"],
            "sentence": ["The bridge opened.", None, "It cost a lot.", "A bridge opened.", None],
        }
    )
    src = _csv(tmp_path / "s.csv", frame)
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["2 sentence row(s) are empty (first: row 3)"],
        skipped={"empty_sentences": 2},
    )
    got = _sentences_csv(out)
    assert got["text"].tolist() == frame["sentence"].fillna("").tolist()
    assert got.loc[got["text"] == "", "claim_id"].eq("").all()


def test_gaps_in_position_are_kept(tmp_path, capsys):
    frame = pd.DataFrame(
        {
            "outlet": ["x", "y", "x", "y", "x"],
            "position": [10, 3, 0, 7, 5],
            "sentence": [
                "Third of x here.",
                "First of y here.",
                "First of x here.",
                "Second of y here.",
                "Second of x here.",
            ],
        }
    )
    out, _, _ = _compare_ok([str(_csv(tmp_path / "s.csv", frame)), "--out", str(tmp_path / "out"), "-q"], capsys)
    got = _sentences_csv(out)
    assert list(zip(got["outlet"], got["position"])) == [("x", 0), ("x", 5), ("x", 10), ("y", 3), ("y", 7)]
    assert got["text"].str.split().str[0].tolist() == ["First", "Second", "Third", "First", "Second"]


def test_spaces_around_names_are_trimmed(tmp_path, capsys):
    frame = pd.DataFrame({"event": [" e1", "e1 "], "outlet": ["x ", "y"], "text": [A, B]})
    out, _, _ = _compare_ok(
        [str(_csv(tmp_path / "a.csv", frame)), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["removed spaces around 3 outlet or event name(s)"],
        skipped={"trimmed_names": 3},
    )
    got = _sentences_csv(out)
    assert set(got["event"]) == {"e1"} and set(got["outlet"]) == {"x", "y"}


def test_five_megabyte_sentence_is_kept_whole(tmp_path, capsys):
    huge = "The bridge " + "very " * 1_000_000 + "long."
    src = _ab(tmp_path / "in", **{"gamma.txt": huge})
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q", "--no-figures"],
        capsys,
        warnings=["1 sentence(s) are longer than 5,000 characters (longest: 5,000,016, outlet 'gamma')"],
        skipped={"long_sentences": 1},
    )
    got = _sentences_csv(out)
    assert got.loc[got["outlet"] == "gamma", "text"].tolist() == [huge]


def test_ten_thousand_one_word_sentences(tmp_path, capsys):
    words = [f"Word{k % 300}." for k in range(10_000)]
    src = _ab(tmp_path / "in", **{"gamma.txt": "\n".join(words)})
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q", "--no-figures"],
        capsys,
        warnings=["10000 sentence(s) state no claim"],
    )
    got = _sentences_csv(out)
    assert got.loc[got["outlet"] == "gamma", "text"].tolist() == words
    assert got.loc[got["outlet"] == "gamma", "position"].tolist() == list(range(10_000))


def test_event_too_large_to_align_is_refused_before_the_model_runs(tmp_path, capsys, monkeypatch):
    import narrative.pipeline as pipeline

    monkeypatch.setattr(pipeline, "MAX_EVENT_SENTENCES", 40)
    rows = [("a" if k % 2 else "b", f"Sentence number {k} says something new.") for k in range(60)]
    src = _csv(tmp_path / "s.csv", pd.DataFrame(rows, columns=["outlet", "sentence"]))
    code, _, err = run([str(src), "--out", str(tmp_path / "out"), "-q"], capsys)
    assert code == 2 and "Traceback" not in err
    assert "event 's' has 60 sentences that state a claim, more than the 40" in err and "Fix:" in err


def test_article_too_long_to_be_one_article_is_refused(tmp_path, capsys, monkeypatch):
    import narrative.pipeline as pipeline

    monkeypatch.setattr(pipeline, "MAX_ARTICLE_CHARS", 1000)
    src = _ab(tmp_path / "in", **{"gamma.txt": "The bridge opened. " * 100})
    code, _, err = run([str(src), "--out", str(tmp_path / "out"), "-q"], capsys)
    assert code == 2 and "gamma.txt" in err and "more than the 1,000 one article may hold" in err


def test_empty_path_url_and_unknown_encoding_are_refused(tmp_path, capsys):
    src = _ab(tmp_path / "in")
    for args, expected in [
        (["", "--out", str(tmp_path / "o")], "INPUT is empty"),
        ([str(src), "--out", ""], "--out is empty"),
        (["https://example.org/news.csv", "--out", str(tmp_path / "o")], "is a URL"),
        ([str(src), "--out", str(tmp_path / "o"), "--encoding", "bogus"], "--encoding 'bogus' is not a text encoding"),
    ]:
        code, _, err = run([*args, "-q"], capsys)
        assert code == 2 and expected in err and "Fix:" in err, (args, err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_named_pipe_in_an_event_folder_is_counted_not_read(tmp_path, capsys):
    src = _ab(tmp_path / "in")
    os.mkfifo(src / "pipe.txt")  # reading it would block the run
    _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q", "--no-figures"],
        capsys,
        warnings=["skipped 1 item(s) that are not regular files but named pipes, sockets or devices (pipe.txt)"],
        skipped={"special_files": 1},
    )


def test_non_english_emoji_and_right_to_left_text(tmp_path, capsys):
    texts = {
        "russian.txt": "Мэр открыл новый мост в понедельник. Строительство стоило два миллиона долларов.",
        "arabic.txt": "افتتح رئيس البلدية الجسر الجديد يوم الاثنين. بلغت التكلفة مليوني دولار.",
        "hebrew.txt": "ראש העיר פתח את הגשר החדש ביום שני. העלות הייתה שני מיליון דולר.",
        "emoji.txt": "The bridge is open 🎉🌉! Crowds cheered 👏🏽 as the mayor cut the ribbon.",
    }
    src = _folder(tmp_path / "in", texts)
    out, _, _ = _compare_ok([str(src), "--out", str(tmp_path / "out"), "-q"], capsys)
    got = _sentences_csv(out)
    for name, text in texts.items():
        assert "".join(got.loc[got["outlet"] == name[:-4], "text"]).replace(" ", "") == text.replace(" ", "")
    assert "\u05e8\u05d0\u05e9" in (out / "report.html").read_text(encoding="utf-8")


def test_russian_with_its_own_splitter(tmp_path, capsys):
    src = _folder(
        tmp_path / "in",
        {"a.txt": "Мэр открыл мост. Он стоил два миллиона.", "b.txt": "Мост открыт. Стоимость - два миллиона."},
    )
    out, _, _ = _compare_ok([str(src), "--out", str(tmp_path / "out"), "-q", "--language", "ru"], capsys)
    assert _sentences_csv(out)["text"].tolist() == [
        "Мэр открыл мост.",
        "Он стоил два миллиона.",
        "Мост открыт.",
        "Стоимость - два миллиона.",
    ]


def test_hostile_event_name_stays_inside_the_output_folder(tmp_path, capsys):
    frame = pd.DataFrame({"event": ["../../escape", "../../escape"], "outlet": ["x", "y"], "text": [A, B]})
    out = tmp_path / "deep" / "out"
    _compare_ok([str(_csv(tmp_path / "a.csv", frame)), "--out", str(out), "-q"], capsys)
    pngs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png"))
    assert pngs and all(p.startswith("figures/000~escape/") for p in pngs)
    assert not (tmp_path / "escape").exists() and not (tmp_path / "deep" / "escape").exists()


# --------------------------------------------------------------------------- output folders


def test_output_path_is_a_file(tmp_path, capsys):
    target = tmp_path / "out.txt"
    target.write_text("mine")
    code, _, err = run([str(_ab(tmp_path / "in")), "--out", str(target), "-q"], capsys)
    assert code == 2 and "out.txt: the output path exists and is not a folder." in err
    assert target.read_text() == "mine"


def test_output_folder_with_other_files_needs_force(tmp_path, capsys):
    out = _folder(tmp_path / "out", {"thesis.docx": b"my thesis"})
    code, _, err = run([str(_ab(tmp_path / "in")), "--out", str(out), "-q"], capsys)
    assert code == 2 and "not empty" in err and "--force" in err
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    code, _, err = run([str(_ab(tmp_path / "in")), "--out", str(out), "-q", "--force"], capsys)
    assert code == 0, err
    assert (out / "thesis.docx").read_bytes() == b"my thesis"


def test_output_folder_with_earlier_results_is_updated(tmp_path, capsys):
    two_events = tmp_path / "in"
    _ab(two_events / "first")
    _folder(two_events / "second", {"alpha.txt": C, "beta.txt": B})
    out = tmp_path / "out"
    assert run([str(two_events), "--out", str(out), "-q"], capsys)[0] == 0
    assert (out / "figures" / "second" / "coverage.png").is_file()
    shutil.rmtree(two_events / "second")
    assert run([str(two_events), "--out", str(out), "-q"], capsys)[0] == 0
    prov = _provenance(out)
    assert not (out / "figures" / "second").exists()  # the earlier run's outputs for a gone event
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted([*prov["outputs"], "provenance.json"])


@pytest.mark.parametrize("mode", [[], ["--jobs", "1"]], ids=["one-process", "corpus"])
def test_another_tools_provenance_json_is_not_taken_for_earlier_results(tmp_path, capsys, mode):
    out = tmp_path / "project"
    for sub in ("figures/thesis", "events/first"):
        (out / sub).mkdir(parents=True)
    _folder(
        out,
        {
            "provenance.json": json.dumps(
                {"tool": "my-pipeline", "outputs": ["figures/thesis/chart.png", "claims.csv"]}
            ),
            "claims.csv": "id,claim\n1,my own claim\n",
            "figures/thesis/chart.png": b"PNG",
            "events/first/sentences.csv": "my own table\n",
        },
    )
    source = _folder(_ab(tmp_path / "in" / "first").parent, {})
    code, _, err = run([str(source), "--out", str(out), "-q", *mode], capsys)
    assert code == 2 and "holds no earlier narrative results" in err
    assert (out / "claims.csv").read_text() == "id,claim\n1,my own claim\n"
    assert run([str(source), "--out", str(out), "-q", "--force", *mode], capsys)[0] == 0
    assert (out / "figures" / "thesis" / "chart.png").read_bytes() == b"PNG"  # not in narrative's own provenance


def test_an_output_folder_of_other_files_is_refused_before_any_work(tmp_path, capsys):
    out = _folder(tmp_path / "out", {"notes.txt": "mine"})
    cache = tmp_path / "cache"
    code, _, err = run([str(_ab(tmp_path / "in")), "--out", str(out), "-q", "--cache-dir", str(cache)], capsys)
    assert code == 2 and "holds no earlier narrative results" in err
    assert not cache.exists()  # refused before a sentence was embedded


def test_a_run_stopped_before_its_first_figure_does_not_block_the_next(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)  # all that a run stopped early leaves
    assert run([str(_ab(tmp_path / "in")), "--out", str(out), "-q"], capsys)[0] == 0


@pytest.fixture
def read_only_folder(tmp_path):
    """An empty folder nobody may write into, root included (immutable flag, else a read-only mount)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        yield folder
        subprocess.run(["chattr", "-i", str(folder)], check=True)
        return
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True)
    if mount.returncode != 0:
        pytest.skip(f"as root, no way to make a read-only folder here (chattr and mount both failed): {mount.stderr!r}")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("mode", [[], ["--jobs", "1"]], ids=["one-process", "corpus"])
def test_read_only_output_folder(tmp_path, capsys, read_only_folder, mode):
    code, _, err = run([str(_ab(tmp_path / "in")), "--out", str(read_only_folder), "-q", *mode], capsys)
    assert code == 2, err
    assert f"narrative: error: {read_only_folder}: cannot write into the output folder (" in err
    assert "Fix: give a writable folder with --out" in err
    assert list(read_only_folder.iterdir()) == []


def test_full_disk_keeps_earlier_results(tmp_path, capsys):
    """A write that fails part-way (here: a file-size limit, as on a full disk) leaves earlier results intact."""
    import resource
    import signal

    src = _ab(tmp_path / "in", **{"gamma.txt": C})
    out = tmp_path / "out"
    assert run([str(src), "--out", str(out), "-q"], capsys)[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "narrative",
            "compare",
            str(src),
            "--out",
            str(out),
            "--no-cache",
            "-q",
            "--threshold",
            "0.5",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"},
        preexec_fn=limit,
        timeout=600,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (
        "writing the results failed (File too large); earlier results in the folder were left as they were."
        in proc.stderr
    )
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".narrative-staging-")]


def test_a_missing_column_hint_never_names_a_column_the_reader_knows(tmp_path):
    from narrative.errors import InputError
    from narrative.io import read_input

    table = tmp_path / "a.csv"
    pd.DataFrame({"source": ["x", "y"], "text": ["One. Two.", "One. Three."]}).to_csv(table, index=False)
    with pytest.raises(InputError) as err:
        read_input(table)
    assert "no 'outlet' column" in str(err.value) and "meant to be" not in str(err.value)


def test_tsv_quotation_mark_at_the_start_of_a_cell_is_text(tmp_path, capsys):
    """Plain TSV has no quoting: a quote that opens a cell must not swallow the rows after it."""
    rows = [
        ("daily", '"Retreat" is the word. ' + A),
        ("wire", '"We will not retreat, said the general. ' + B),
        ("ledger", C),
        ("review", 'Officials called it a "repositioning". ' + A),
    ]
    src = _table(tmp_path / "a.tsv", "outlet\ttext\n" + "".join(f"{o}\t{t}\n" for o, t in rows))
    out, _, _ = _compare_ok([str(src), "--out", str(tmp_path / "out"), "-q"], capsys)
    got = _sentences_csv(out)
    assert list(dict.fromkeys(got["outlet"])) == [o for o, _ in rows]
    assert got["text"].iloc[0] == '"Retreat" is the word.'
    assert (got["outlet"] == "wire").sum() == 3 and got["text"].str.contains("\t").sum() == 0


def test_tsv_written_with_csv_quoting_is_unquoted(tmp_path):
    from narrative.io import read_table

    texts = ['He said "no" twice. It was final.', "Line one.\nLine two.", '"Quoted" start, then plain.', "Tab\tinside."]
    frame = pd.DataFrame({"outlet": list("abcd"), "text": texts})
    frame.to_csv(tmp_path / "a.tsv", sep="\t", index=False)
    assert read_table(tmp_path / "a.tsv").articles["text"].tolist() == texts
    frame.iloc[:3].to_csv(tmp_path / "b.tsv", sep="\t", index=False)  # no cell spans lines or holds a tab
    assert read_table(tmp_path / "b.tsv").articles["text"].tolist() == texts[:3]


def test_semicolon_separated_csv_is_read(tmp_path, capsys):
    src = _table(tmp_path / "a.csv", f"outlet;text\nx;{A.replace(',', '')}\ny;{B.replace(',', '')}\n")
    out, _, _ = _compare_ok([str(src), "--out", str(tmp_path / "out"), "-q"], capsys, warnings=["separated by ';'"])
    assert set(_sentences_csv(out)["outlet"]) == {"x", "y"}


def test_hidden_files_and_broken_links_are_counted(tmp_path, capsys):
    src = _ab(tmp_path / "in", **{".gamma.txt": C})
    (src / "delta.txt").symlink_to(tmp_path / "nowhere.txt")
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out")],
        capsys,
        warnings=["skipped 1 hidden file(s) (.gamma.txt)", "skipped 1 link(s) whose target does not exist (delta.txt)"],
        skipped={"hidden_files": 1, "broken_links": 1},
    )
    assert set(_sentences_csv(out)["outlet"]) == {"alpha", "beta"}


@pytest.mark.parametrize("mode", [[], ["--jobs", "1"]], ids=["one_process", "corpus_run"])
def test_corpus_folders_that_are_not_read_are_counted(tmp_path, capsys, mode):
    root = tmp_path / "corpus"
    _ab(root / "e1")
    _folder(root / "e2", {"a.docx": b"PK", "b.docx": b"PK"})
    _ab(root / "e3" / "day1")
    _ab(root / "_drafts")
    out, _, _ = _compare_ok(
        [str(root), "--out", str(tmp_path / "out"), "-q", "--no-figures", *mode],
        capsys,
        warnings=["skipped 2 sub-folder(s) that hold no article files (e2, e3)", "starts with '_' (_drafts)"],
        skipped={"folders_without_articles": 2, "underscore_folders": 1},
    )
    assert set(_sentences_csv(out)["event"]) == {"e1"}


def test_html_page_with_almost_no_text_is_reported(tmp_path, capsys):
    page = (
        "<html><head><title>News</title><script>render()</script></head><body>"
        "<noscript><p>You need to enable JavaScript to read this article.</p></noscript></body></html>"
    )
    src = _ab(tmp_path / "in", **{"gamma.html": page})
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q", "--no-figures"],
        capsys,
        warnings=["gamma.html: only", "word(s) of text found in this HTML page"],
    )
    assert "gamma" in set(_sentences_csv(out)["outlet"])  # kept, and said so


GERMAN = (
    "Die Truppen haben die Stadt in der Nacht zum Montag verlassen, wie ein örtlicher Beamter mitteilte. "
    "Der Generalstab sprach von einer geplanten Verlegung auf besser geschützte Stellungen. "
    "Die Angaben konnten nicht unabhängig überprüft werden. Die Behörden haben Busse organisiert, "
    "um die verbliebenen Bewohner in Sicherheit zu bringen. Die Regierung äußerte sich nicht zu dem Rückzug."
)


def test_article_not_in_english_is_named_with_a_model_that_reads_it(tmp_path, capsys):
    src = _ab(tmp_path / "in", **{"gamma.txt": GERMAN})
    out, _, err = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["1 article(s) do not look like English", "outlet 'gamma'"],
    )
    assert "--model" in err and "paraphrase-multilingual" in err and "--language" in err
    assert any("do not look like English" in note for note in _provenance(out)["notes"])


def test_utf8_file_with_stray_windows_1252_bytes_keeps_its_utf8_text(tmp_path, capsys):
    gamma = (
        "The caf\u00e9 owner said \u201cno comment\u201d.\n".encode()
        + b"It cost \x805 million, \x93officials\x94 said.\n"
    )
    out, _, _ = _compare_ok(
        [str(_ab(tmp_path / "in", **{"gamma.txt": gamma})), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["gamma.txt: 3 byte(s) are not valid UTF-8 (first on line 2); the rest of the file is UTF-8"],
    )
    text = _sentences_csv(out).query("outlet == 'gamma'")["text"].tolist()
    assert text == [
        "The caf\u00e9 owner said \u201cno comment\u201d.",
        "It cost \u20ac5 million, \u201cofficials\u201d said.",
    ]


def test_html_page_is_read_in_the_encoding_it_declares(tmp_path, capsys):
    page = '<html><head><meta charset="windows-1251"><title>Мост</title></head><body>'
    page += "<p>Мэр города открыл новый мост в понедельник утром, сообщили власти города.</p></body></html>"
    out, _, _ = _compare_ok(
        [str(_ab(tmp_path / "in", **{"gamma.html": page.encode("cp1251")})), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["gamma.html: not UTF-8; read as cp1251, the encoding the page declares"],
    )
    text = " ".join(_sentences_csv(out).query("outlet == 'gamma'")["text"])
    assert "Мэр города открыл новый мост" in text


def test_html_file_without_tags_is_read_as_plain_text(tmp_path, capsys):
    out, _, err = _compare_ok(
        [str(_ab(tmp_path / "in", **{"gamma.html": C})), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["gamma.html: holds no HTML tags; read as plain text."],
    )
    assert _sentences_csv(out).query("outlet == 'gamma'")["text"].tolist() == [
        "Traffic jams followed the opening of the bridge.",
        "The mayor said the bridge cost two million dollars.",
    ]
    assert [line for line in err.splitlines() if not line.startswith("narrative: warning: ")] == []


def test_markdown_markup_is_left_out_and_counted(tmp_path, capsys):
    md = (
        "---\ntitle: 'Bridge opens'\nauthor: A. Writer\n---\n\n"
        "Traffic jams followed the [opening](https://example.org) of the bridge.\n\n"
        "```python\nprint('not article text')\n```\n\n![chart of costs](cost.png)\n\n"
        '<div class="ad"><script>track()</script></div>\n\n'
        "The mayor said <!-- check this --> the bridge cost two million dollars.\n\n"
        "| Item | Cost |\n|---|---|\n| Bridge | two million |\n"
    )
    out, _, _ = _compare_ok(
        [str(_ab(tmp_path / "in", **{"gamma.md": md})), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=[
            "gamma.md: left out of the Markdown article's text: front matter, 1 HTML comment(s), "
            "1 script or style block(s), 1 image(s), 2 HTML tag(s), 1 code block(s).",
            "gamma.md: kept 2 Markdown table row(s) as lines of text, cells joined by commas.",
        ],
    )
    text = _sentences_csv(out).query("outlet == 'gamma'")["text"].tolist()
    assert text == [
        "Traffic jams followed the opening of the bridge.",
        "The mayor said the bridge cost two million dollars.",
        "Item, Cost",
        "Bridge, two million",
    ]
    from narrative.io import read_input

    with pytest.warns(UserWarning) as caught:
        arts = read_input(tmp_path / "in").articles
    assert any("left out of the Markdown" in str(w.message) for w in caught)
    assert dict(zip(arts["outlet"], arts["title"]))["gamma"] == "Bridge opens"  # front matter: no '# heading'


def test_links_back_to_the_folder_are_skipped_and_counted(tmp_path, capsys):
    src = _ab(tmp_path / "in", **{"gamma.txt": C})
    (src / "self.txt").symlink_to(src)  # a link named like an article, to the folder itself
    (src / "up").symlink_to(src.parent)
    out, _, _ = _compare_ok(
        [str(src), "--out", str(tmp_path / "out"), "-q"],
        capsys,
        warnings=["skipped 2 link(s) that point back to this folder or a folder above it (self.txt, up)"],
        skipped={"looping_links": 2},
    )
    assert sorted(_sentences_csv(out)["outlet"].unique()) == ["alpha", "beta", "gamma"]


def test_an_address_that_accepts_but_is_not_a_dask_scheduler_fails_in_bounded_time(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    import socket
    import threading

    monkeypatch.setattr("narrative.corpus.SCHEDULER_TIMEOUT", 3)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()  # accepts, never answers
    try:
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        corpus = _folder(_ab(tmp_path / "in" / "e1").parent, {})
        code, _, err = run([str(corpus), "--out", str(tmp_path / "out"), "-q", "--scheduler", address], capsys)
    finally:
        server.close()
    assert code == 2 and f"cannot reach the Dask scheduler '{address}'" in err
    assert "no Dask handshake within 3 s" in err and "Fix:" in err


def test_file_and_folder_names_that_are_not_utf8_are_read_as_text(tmp_path, capsys):
    root = os.fsencode(tmp_path / "corpus")
    for event in (b"\xc9cole", b"bridge"):  # "École" and "Café" in Latin-1, as an old archive may name them
        os.makedirs(os.path.join(root, event))
        for name, text in ((b"caf\xe9.txt", A), (b"beta.txt", B)):
            with open(os.path.join(root, event, name), "wb") as fh:
                fh.write(text.encode("utf-8"))
    out = tmp_path / "out"
    for mode in ([], ["--jobs", "1"]):
        code, _, err = run([os.fsdecode(root), "--out", str(out), "-q", "--force", *mode], capsys)
        assert code == 0, err
        sentences = _sentences_csv(out)
        assert set(sentences["outlet"]) == {"café", "beta"} and set(sentences["event"]) == {"École", "bridge"}
        provenance = (out / "provenance.json").read_text(encoding="utf-8")
        assert "École/café.txt" in provenance and "\\udc" not in provenance


def _cli(args, **kw):
    code = "import sys; from narrative.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "compare", *args], stderr=subprocess.PIPE, text=True, **kw)


@pytest.mark.model
def test_a_closed_output_pipe_and_a_plain_c_locale_give_no_traceback(tmp_path, cache_dir):
    source = _ab(tmp_path / "in", **{"süddeutsche.txt": A.replace("Monday", "Sunday")})
    args = [str(source), "--out", str(tmp_path / "out"), "--cache-dir", str(cache_dir), "--force"]
    piped = _cli(args, stdout=subprocess.PIPE)  # as `narrative compare ... | head -0`
    piped.stdout.close()
    assert piped.wait() == 141 and "Traceback" not in piped.stderr.read()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING"))}
    plain = _cli(args, stdout=subprocess.PIPE, env={**env, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"})
    out, err = plain.communicate()
    assert plain.returncode == 0 and "Traceback" not in err
    assert "s\\xfcddeutsche" in out  # escaped in the summary, where the locale cannot print it
    assert "süddeutsche" in set(_sentences_csv(tmp_path / "out")["outlet"])


@pytest.mark.model
def test_the_onnx_export_goes_into_the_cache_folder_given_and_an_unwritable_one_is_named(
    tmp_path, capsys, read_only_folder
):
    pytest.importorskip("onnxruntime")
    source = _ab(tmp_path / "in")
    cache = tmp_path / "cache"
    code, _, err = run(
        [str(source), "--out", str(tmp_path / "out"), "-q", "--backend", "onnx", "--cache-dir", str(cache)], capsys
    )
    assert code == 0, err
    assert len(list((cache / "models").glob("*/model.onnx"))) == 1  # not under the user's home folder
    args = [str(source), "--out", str(tmp_path / "out2"), "-q", "--backend", "onnx", "--no-cache"]
    code, _, err = run([*args, "--cache-dir", str(read_only_folder)], capsys)
    assert code == 2 and "cannot write the ONNX export of the model" in err and str(read_only_folder) in err


@pytest.mark.parametrize("mode", [[], ["--jobs", "1"]], ids=["one-process", "corpus"])
def test_an_event_id_that_looks_like_another_events_folder_name_keeps_its_own_folder(tmp_path, capsys, mode):
    rows = [("a/b", "x", A), ("a/b", "y", B), ("000-a_b", "x", B), ("000-a_b", "y", C)]
    table = _csv(tmp_path / "t.csv", pd.DataFrame(rows, columns=["event", "outlet", "text"]))
    out = tmp_path / "out"
    code, _, err = run([str(table), "--out", str(out), "-q", *mode], capsys)
    assert code == 0, err
    sentences = _sentences_csv(out)
    counts = sentences.groupby("event").size().to_dict()
    assert set(counts) == {"a/b", "000-a_b"} and counts["000-a_b"] == len(split_sentences(B) + split_sentences(C))
    folders = {p.name for p in (out / ("events" if mode else "figures")).iterdir()}
    assert folders == {"000~a_b", "000-a_b"}


def test_an_event_folder_given_as_dot_is_named_after_itself(tmp_path, capsys, monkeypatch):
    folder = _ab(tmp_path / "bridge-opening")
    monkeypatch.chdir(folder)
    code, _, err = run([".", "--out", str(tmp_path / "out"), "-q"], capsys)
    assert code == 0, err
    assert set(_sentences_csv(tmp_path / "out")["event"]) == {"bridge-opening"}
    assert _provenance(tmp_path / "out")["input"]["name"] == "bridge-opening"


@pytest.mark.parametrize("mode", [[], ["--jobs", "1"]], ids=["one-process", "corpus"])
def test_a_table_beside_event_folders_and_a_hidden_event_folder_are_reported(tmp_path, capsys, mode):
    corpus = _folder(_ab(tmp_path / "in" / "first").parent, {"extra.csv": "outlet,text\nx,y\n"})
    _ab(corpus / ".second")
    _compare_ok(
        [str(corpus), "--out", str(tmp_path / "out"), "-q", *mode],
        capsys,
        warnings=[
            "skipped 1 file(s) beside the event folders (extra.csv)",
            "hidden sub-folder(s) that hold articles (.second)",
        ],
        skipped={"files_beside_events": 1, "hidden_folders": 1},
    )
