"""Corpus mode reads what the one-process path reads, and refuses what it refuses, the same way.

Most tests call the event listing and reading directly (no model); one runs the command line.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from narrative.corpus import _reading_parquet, list_events
from narrative.errors import InputError
from narrative.io import read_input

TEXTS = {
    "ev1": {
        "daily-klaxon": "The city council approved a new budget on Tuesday. Critics said the plan ignores roads.",
        "morning-post": "Council members voted seven to two for the budget. The mayor praised the vote.",
        "river-times": "A new city budget passed on Tuesday after a long debate. Residents complained about roads.",
    },
    "ev2": {
        "daily-klaxon": "A storm knocked out power to thousands of homes overnight. Two schools closed for the day.",
        "morning-post": "Thousands of residents lost electricity when a storm hit. Crews restored most lines by noon.",
        "river-times": "Heavy winds cut power across the region overnight. Schools in two districts closed.",
    },
}


def _articles() -> pd.DataFrame:
    rows = [(e, o, t) for e, outlets in TEXTS.items() for o, t in outlets.items()]
    return pd.DataFrame(rows, columns=["event", "outlet", "text"])


@pytest.fixture
def event_folders(tmp_path) -> Path:
    """A folder of two event folders, with a stray Parquet file beside the articles of one."""
    root = tmp_path / "corp"
    for event, outlets in TEXTS.items():
        (root / event).mkdir(parents=True)
        for outlet, text in outlets.items():
            (root / event / f"{outlet}.txt").write_text(text, encoding="utf-8")
    pd.DataFrame({"a": [1, 2]}).to_parquet(root / "ev2" / "metadata.parquet")
    return root


def _error(call) -> str:
    with pytest.raises(InputError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call()
    return info.value.message


def test_a_stray_parquet_file_does_not_make_a_folder_of_event_folders_a_dataset(event_folders):
    units = list_events(event_folders)
    assert [(u.event, u.kind) for u in units] == [("ev1", "folder"), ("ev2", "folder")]
    with pytest.warns(UserWarning, match=r"skipped 1 file\(s\) that are not articles \(metadata.parquet\)"):
        inp = read_input(units[1].read())  # what each event's run reads: the stray file warned about and counted
    assert inp.skipped == {"non_article_files": 1}
    # a stray Parquet file beside the event folders changes nothing either
    pd.DataFrame({"a": [1]}).to_parquet(event_folders / "index.parquet")
    assert [u.event for u in list_events(event_folders)] == ["ev1", "ev2"]


def test_a_folder_of_parquet_files_only_is_a_dataset(tmp_path):
    dataset = tmp_path / "dataset"
    _articles().to_parquet(dataset, partition_cols=["event"], index=False)
    (dataset / "_SUCCESS").write_text("")  # written by Spark and others; ignored, as pyarrow ignores it
    (dataset / ".part.crc").write_bytes(b"\0")
    units = list_events(dataset)
    assert [(u.event, u.kind) for u in units] == [("ev1", "parquet"), ("ev2", "parquet")]
    assert list(units[1].read().articles["outlet"]) == list(TEXTS["ev2"])


def test_parquet_files_among_other_files_are_refused_clearly(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    _articles().to_parquet(folder / "part-0.parquet", index=False)
    (folder / "schema.json").write_text("{}")
    message = _error(lambda: list_events(folder))
    assert str(folder) in message and "schema.json" in message and "neither a Parquet dataset" in message


def test_event_folders_that_differ_only_in_case_are_refused_as_in_one_process(event_folders):
    (event_folders / "EV1").mkdir()
    (event_folders / "EV1" / "x.txt").write_text("Some text here.", encoding="utf-8")
    message = _error(lambda: list_events(event_folders))
    assert message == _error(lambda: read_input(event_folders))


def test_a_parquet_file_that_is_not_parquet_gives_the_table_readers_error(tmp_path):
    fake = tmp_path / "fake.parquet"
    _articles().to_csv(fake, index=False)
    message = _error(lambda: list_events(fake))
    assert message == _error(lambda: read_input(fake))
    assert message.startswith(f"{fake}: cannot parse the PARQUET table")


@pytest.mark.parametrize(
    "events",
    [
        pd.Series([1, 1, 1, 2, 2, 2]),
        pd.Series([1, 1, 1, 2, 2, 2], dtype="Int64"),
        pd.Series([1.0, 1.0, 1.0, 2.5, 2.5, 2.5]),
        pd.Series(["a", "a", "a", "b", "b", "b"], dtype="category"),
        pd.to_datetime(pd.Series(["2024-01-01"] * 3 + ["2024-01-02"] * 3)),
        pd.Series([True, True, True, False, False, False]),
        pd.Series(["a", " a", "a ", "b", "b", "b"]),  # spaces trimmed: one event, as in any table
        pd.Series([2, 1, 2, 1, 2, 1]),  # interleaved rows keep their row numbers
    ],
    ids=["int", "Int64", "float", "category", "datetime", "bool", "spaces", "interleaved"],
)
def test_events_of_any_type_are_read_as_the_one_process_reader_reads_them(tmp_path, events):
    table = tmp_path / "events.parquet"
    _articles().assign(event=events).to_parquet(table, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = read_input(table).articles
        units = list_events(table)
        parts = {u.event: u.read().articles for u in units}
    assert list(parts) == list(dict.fromkeys(whole["event"]))
    for event, part in parts.items():
        expected = whole[whole["event"] == event].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, expected)


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_an_empty_event_gives_the_one_process_error(tmp_path, empty):
    table = tmp_path / "events.parquet"
    events = pd.Series(["a", "a", "a", "b", empty, "b"], dtype=object)
    _articles().assign(event=events).to_parquet(table, index=False)
    message = _error(lambda: list_events(table))
    assert message == _error(lambda: read_input(table))
    assert "row 5: a row has an empty 'event' value" in message


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.assign(event=["a", "a", "a", "A", "A", "A"]),  # events differing in case
        lambda f: f.drop(columns="outlet"),
        lambda f: f.assign(sentence="x"),  # both 'text' and 'sentence'
        lambda f: f.assign(Event=f["event"]),  # two 'event' columns up to case
        lambda f: f.iloc[:0],  # a header and no rows
    ],
    ids=["case", "no-outlet", "text-and-sentence", "two-event-columns", "no-rows"],
)
def test_table_mistakes_give_the_one_process_error(tmp_path, change):
    table = tmp_path / "events.parquet"
    change(_articles()).to_parquet(table, index=False)
    message = _error(lambda: list_events(table))
    assert message == _error(lambda: read_input(table))


def test_a_parquet_file_without_an_event_column_is_one_event_as_in_one_process(tmp_path):
    table = tmp_path / "one.parquet"
    _articles().query("event == 'ev1'").drop(columns="event").to_parquet(table, index=False)
    units = list_events(table)
    assert [u.event for u in units] == ["one"]
    pd.testing.assert_frame_equal(units[0].read().articles, read_input(table).articles)


def test_arrow_errors_while_reading_name_the_file(tmp_path):
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    _articles().iloc[:3].to_parquet(dataset / "a.parquet", index=False)
    (dataset / "b.parquet").write_bytes(b"PAR1 truncated")  # pyarrow takes the columns from a.parquet alone
    message = _error(lambda: list_events(dataset))
    assert message.startswith(f"{dataset}: cannot read the Parquet dataset (Arrow")

    table = tmp_path / "events.parquet"
    _articles().to_parquet(table, index=False)
    units = list_events(table)
    table.write_bytes(b"not parquet any more")  # changed after the events were listed
    message = _error(units[0].read)
    assert message.startswith(f"{table}: cannot read the PARQUET table (Arrow")


def test_only_arrow_and_os_errors_are_taken_for_input_mistakes(tmp_path):
    import pyarrow as pa

    with pytest.raises(InputError, match="cannot read the PARQUET table"):
        with _reading_parquet(tmp_path / "x.parquet"):
            raise pa.lib.ArrowInvalid("bad footer")
    with pytest.raises(InputError, match="PermissionError"):
        with _reading_parquet(tmp_path / "x.parquet"):
            raise PermissionError(13, "Permission denied")
    with pytest.raises(KeyError):  # a programming error is not hidden
        with _reading_parquet(tmp_path / "x.parquet"):
            raise KeyError("event")


def test_cli_errors_with_jobs_are_one_paragraph_and_exit_2(tmp_path, capsys):
    from narrative.cli import main

    fake = tmp_path / "fake.parquet"
    _articles().to_csv(fake, index=False)
    nulls = tmp_path / "nulls.parquet"
    _articles().assign(event=pd.Series(["a", "a", "a", "b", None, "b"], dtype=object)).to_parquet(nulls)
    for table, expected in ((fake, "cannot parse the PARQUET table"), (nulls, "row 5: a row has an empty 'event'")):
        out = tmp_path / f"out-{table.stem}"
        code = main(["compare", str(table), "--out", str(out), "--jobs", "1", "-q", "--cache-dir", str(tmp_path / "c")])
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err and expected in err
        assert err.count("\n") == 1 and err.startswith(f"narrative: error: {table}")


@pytest.mark.model
def test_a_corpus_run_with_jobs_matches_one_process_on_integer_events_and_stray_files(
    tmp_path, event_folders, cache_dir, capsys
):
    from narrative.cli import main

    table = tmp_path / "numbered.parquet"
    _articles().assign(event=[1, 1, 1, 2, 2, 2]).to_parquet(table, index=False)
    for source in (event_folders, table):
        common = ["compare", str(source), "-q", "--no-figures", "--cache-dir", str(cache_dir)]
        assert main([*common, "--out", str(tmp_path / f"one-{source.stem}")]) == 0
        assert main([*common, "--out", str(tmp_path / f"jobs-{source.stem}"), "--jobs", "1"]) == 0
        for name in ("sentences.csv", "claims.csv", "coverage.csv", "omissions.csv", "outlets.csv"):
            one = (tmp_path / f"one-{source.stem}" / name).read_bytes()
            assert one == (tmp_path / f"jobs-{source.stem}" / name).read_bytes(), (source.name, name)
    capsys.readouterr()
    sentences = pd.read_csv(tmp_path / "jobs-numbered" / "sentences.csv", dtype=str)
    assert list(dict.fromkeys(sentences["event"])) == ["1", "2"]
    import json

    one = json.loads((tmp_path / "one-numbered" / "provenance.json").read_text())
    jobs = json.loads((tmp_path / "jobs-numbered" / "provenance.json").read_text())
    assert jobs["input"]["files"] == one["input"]["files"] == {"numbered.parquet": one["input"]["files"][table.name]}
    assert jobs["input"]["name"] == one["input"]["name"] == "numbered.parquet"  # the page title too
    folders = json.loads((tmp_path / "jobs-corp" / "provenance.json").read_text())
    assert folders["counts"]["skipped"] == {"non_article_files": 1}
    from narrative.corpus import compare_corpus

    again = compare_corpus(event_folders, tmp_path / "jobs-corp", cache_dir=cache_dir)  # warm: nothing recomputed
    assert again.reused == ["ev1", "ev2"] and again.notes == folders["notes"]
    assert any("metadata.parquet" in n for n in again.notes)


def test_a_parquet_dataset_folder_is_read_by_the_one_process_reader_too(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    frame = _articles()
    frame[frame["event"] == "ev1"].to_parquet(data / "part-0.parquet", index=False)
    frame[frame["event"] == "ev2"].to_parquet(data / "part-1.parquet", index=False)
    (data / "_SUCCESS").write_text("")
    inp = read_input(data)
    got = inp.articles[["event", "outlet", "text"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, frame.reset_index(drop=True), check_dtype=False)
    assert sorted(Path(p).name for p in inp.files) == ["part-0.parquet", "part-1.parquet"]
    (data / "part-2.parquet").write_bytes(b"PAR1 not parquet PAR1")
    message = _error(lambda: read_input(data))
    assert "cannot read the Parquet dataset" in message and str(data) in message


@pytest.mark.model
def test_what_reading_a_table_reported_is_told_once_for_the_run_not_with_its_first_event(tmp_path, cache_dir):
    import json

    from narrative.corpus import compare_corpus

    frame = _articles()
    frame.loc[4, "text"] += " Café owners cheered."  # a byte that is not UTF-8, in ev2's rows (line 6)
    table = tmp_path / "cp1252.csv"
    frame.to_csv(table, index=False, encoding="cp1252")
    with pytest.warns(UserWarning, match="line 6"):
        units = list_events(table)
    assert all(u.rows.notes == [] for u in units)  # no event's own input carries the table's note
    assert len(units[0].table.notes) == 1 and "line 6" in units[0].table.notes[0]
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = compare_corpus(table, out, cache_dir=cache_dir, progress=False)
    assert run.notes == units[0].table.notes
    for event in ("ev1", "ev2"):
        own = json.loads((out / "events" / event / "provenance.json").read_text(encoding="utf-8"))
        assert not any("Windows-1252" in n for n in own["notes"])
    combined = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert combined["notes"] == run.notes
    sentences = pd.read_csv(out / "sentences.csv")
    assert sentences["text"].str.contains("Café owners cheered.", regex=False).sum() == 1


def test_each_event_of_a_parquet_input_names_the_files_its_rows_came_from(tmp_path):
    import hashlib

    data = tmp_path / "data"
    data.mkdir()
    frame = _articles()
    parts = [frame[frame["event"] == "ev1"], frame[frame["event"] == "ev2"].iloc[:2], frame.iloc[5:]]
    for k, part in enumerate(parts):
        part.to_parquet(data / f"part-{k}.parquet", index=False)
    digest = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()}
    units = list_events(data)
    read = {u.event: u.read() for u in units}
    named = {e: {Path(f).name: d for f, d in inp.files.items()} for e, inp in read.items()}
    assert named == {
        "ev1": {"part-0.parquet": digest["part-0.parquet"]},
        "ev2": {"part-1.parquet": digest["part-1.parquet"], "part-2.parquet": digest["part-2.parquet"]},
    }
    assert all(inp.root == data for inp in read.values())  # provenance names them inside the dataset folder
    single = tmp_path / "one.parquet"
    frame.to_parquet(single, index=False)
    inp = list_events(single)[1].read()
    assert list(inp.files.values()) == [hashlib.sha256(single.read_bytes()).hexdigest()] and inp.root is None


def test_a_corpus_run_loads_the_model_revision_it_is_given_as_one_process_does(tmp_path, capsys, monkeypatch):
    from narrative.cli import main

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the revision is not on disk: the load must fail, in both modes
    table = tmp_path / "events.csv"
    _articles().to_csv(table, index=False)
    errors = []
    for mode in ([], ["--jobs", "1"]):
        out = tmp_path / f"out{len(mode)}"
        common = ["compare", str(table), "--out", str(out), "-q", "--cache-dir", str(tmp_path / "c")]
        assert main([*common, "--model-revision", "0123abc", *mode]) == 2
        errors.append(capsys.readouterr().err)
    assert errors[0] == errors[1] and "cannot load the sentence-transformers model" in errors[0]
