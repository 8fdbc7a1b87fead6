"""Two runs on the same input and settings give byte-identical outputs (but provenance's ``created``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrative.cli import main

pytestmark = pytest.mark.model


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _run(example_dir, out, cache, monkeypatch, capsys) -> dict[str, bytes]:
    monkeypatch.setenv("NARRATIVE_CACHE_DIR", str(cache))
    assert main(["compare", str(example_dir), "--out", str(out), "-q"]) == 0, capsys.readouterr().err
    return _snapshot(out)


def _without(provenance: bytes, *keys) -> dict:
    record = json.loads(provenance)
    for key in keys:
        node = record
        *parents, last = key.split(".")
        for p in parents:
            node = node[p]
        del node[last]
    return record


def test_two_runs_give_identical_files(example_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    first = _run(example_dir, out, tmp_path / "cache-1", monkeypatch, capsys)
    second = _run(example_dir, out, tmp_path / "cache-2", monkeypatch, capsys)

    assert sorted(first) == sorted(second)
    assert {Path(name).suffix for name in first} >= {".csv", ".png", ".json", ".html"}
    assert sum(name.endswith(".png") for name in first) == 5
    for name in first:
        if name != "provenance.json":
            assert first[name] == second[name], f"{name} differs between two runs"
    a, b = json.loads(first["provenance.json"]), json.loads(second["provenance.json"])
    assert a["created"] != "" and b["created"] != ""
    assert _without(first["provenance.json"], "created") == _without(second["provenance.json"], "created")
    # byte for byte, not just the same JSON: the field is the only line that may differ
    lines_a, lines_b = first["provenance.json"].splitlines(), second["provenance.json"].splitlines()
    assert len(lines_a) == len(lines_b)
    created = [i for i, line in enumerate(lines_a) if line.lstrip().startswith(b'"created"')]
    assert [i for i, (x, y) in enumerate(zip(lines_a, lines_b)) if x != y] in ([], created)

    # A third run that reads every vector back from the cache gives the same results.
    third = _run(example_dir, out, tmp_path / "cache-1", monkeypatch, capsys)
    for name in first:
        if name != "provenance.json":
            assert first[name] == third[name], f"{name} differs when vectors come from the cache"
    counts = json.loads(third["provenance.json"])["counts"]
    assert counts["embedding_cache_misses"] == 0 and counts["embedding_cache_hits"] > 0
    skip = ("created", "counts.embedding_cache_hits", "counts.embedding_cache_misses")
    assert _without(first["provenance.json"], *skip) == _without(third["provenance.json"], *skip)
