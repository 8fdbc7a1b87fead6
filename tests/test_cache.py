"""The embedding cache: survives a killed writer, repairs corrupt entries, is shared by processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from narrative.embed import EmbeddingCache, embed

ROOT = Path(__file__).resolve().parents[1]

# A child that writes batches of 200 vectors (one transaction each) until it is told to stop or killed.
# Each vector is derived from its key, so any reader can check what it got.
WRITER = textwrap.dedent(
    """
    import sys, numpy as np
    from narrative.embed import EmbeddingCache

    def vector(key):
        return np.random.default_rng(int(key[:12], 16)).standard_normal(384).astype(np.float32)

    cache = EmbeddingCache(sys.argv[1])
    prefix, batches = sys.argv[2], int(sys.argv[3])
    for b in range(batches):
        keys = [EmbeddingCache.key(prefix, f"sentence {b * 200 + i}") for i in range(200)]
        if b % 3 == 0:
            cache.get_many(keys)
        cache.put_many({k: vector(k) for k in keys})
        print(b, flush=True)
    """
)


def _vector(key: str) -> np.ndarray:
    return np.random.default_rng(int(key[:12], 16)).standard_normal(384).astype(np.float32)


def _writer(folder, prefix, batches) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), prefix, str(batches)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _rows(folder) -> list[tuple]:
    con = sqlite3.connect(EmbeddingCache(folder).path)
    try:
        return con.execute("SELECT key, dim, crc, data FROM vectors").fetchall()
    finally:
        con.close()


def test_killed_writer_leaves_no_half_written_entry(tmp_path):
    proc = _writer(tmp_path, "killed", 10_000)
    done = 0
    for line in proc.stdout:  # kill it in the middle of its writing, after a few batches
        done = int(line) + 1
        if done >= 5:
            time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    rows = _rows(tmp_path)
    assert len(rows) % 200 == 0 and len(rows) >= 200 * done  # whole transactions only
    for _key, dim, crc, data in rows:
        assert dim == 384 and len(data) == 4 * dim and zlib.crc32(data) == crc
    cache = EmbeddingCache(tmp_path)
    keys = [r[0] for r in rows]
    found = cache.get_many(keys)
    assert cache.repaired == 0 and sorted(found) == sorted(keys)
    for key in keys[:: max(1, len(keys) // 50)]:
        np.testing.assert_array_equal(found[key], _vector(key))


@pytest.mark.model
def test_corrupt_entry_is_detected_and_recomputed(tmp_path, encoder):
    texts = ["The mayor opened the bridge.", "Officials said it cost two million dollars.", "Residents cheered."]
    cache = EmbeddingCache(tmp_path)
    fresh = embed(texts, encoder=encoder, cache=cache)
    assert cache.misses == 3

    key = EmbeddingCache.key(encoder.fingerprint, texts[1])
    con = sqlite3.connect(cache.path)
    (blob,) = con.execute("SELECT data FROM vectors WHERE key = ?", (key,)).fetchone()
    damaged = bytearray(blob)
    damaged[17] ^= 0xFF  # flip bits, as a bad disk would: small changes that only the checksum sees
    damaged[200] ^= 0x01
    with con:
        con.execute("UPDATE vectors SET data = ? WHERE key = ?", (bytes(damaged), key))
    con.close()

    again = EmbeddingCache(tmp_path)
    vectors = embed(texts, encoder=encoder, cache=again)
    assert again.repaired == 1 and again.hits == 2 and again.misses == 1
    np.testing.assert_array_equal(vectors[[0, 2]], fresh[[0, 2]])  # read back from the cache
    # recomputed alone rather than in a batch of three: equal up to float rounding
    np.testing.assert_allclose(vectors[1], fresh[1], atol=1e-6)
    (stored,) = [r for r in _rows(tmp_path) if r[0] == key]
    assert stored[3] == vectors[1].tobytes() and zlib.crc32(stored[3]) == stored[2]  # written again, whole

    third = EmbeddingCache(tmp_path)
    embed(texts, encoder=encoder, cache=third)
    assert third.repaired == 0 and third.hits == 3


def test_corrupt_database_file_is_set_aside(tmp_path):
    cache = EmbeddingCache(tmp_path)
    keys = [EmbeddingCache.key("fp", f"s{i}") for i in range(50)]
    cache.put_many({k: _vector(k) for k in keys})
    data = bytearray(cache.path.read_bytes())
    data[:16] = b"this is garbage!"  # the SQLite header
    cache.path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(cache.path) + suffix).unlink(missing_ok=True)

    with pytest.warns(UserWarning, match="was corrupt; it was set aside"):
        assert EmbeddingCache(tmp_path).get_many(keys) == {}
    assert list(tmp_path.glob("embeddings-v1.sqlite3.corrupt-*"))
    fresh = EmbeddingCache(tmp_path)
    fresh.put_many({keys[0]: _vector(keys[0])})
    np.testing.assert_array_equal(fresh.get_many(keys)[keys[0]], _vector(keys[0]))


def test_two_processes_fill_one_cache_at_once(tmp_path):
    # the same keys from both (same prefix): they race on every entry
    procs = [_writer(tmp_path, "shared", 12) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (stdout, stderr) in zip(procs, results):
        assert p.returncode == 0, stderr
        assert stdout.split() == [str(b) for b in range(12)]
    rows = _rows(tmp_path)
    assert len(rows) == 12 * 200
    cache = EmbeddingCache(tmp_path)
    found = cache.get_many([r[0] for r in rows])
    assert cache.repaired == 0 and len(found) == len(rows)
    for key, vec in found.items():
        np.testing.assert_array_equal(vec, _vector(key))


def test_cache_holds_raw_floats_not_pickles(tmp_path):
    cache = EmbeddingCache(tmp_path)
    key = EmbeddingCache.key("fp", "text")
    cache.put_many({key: _vector(key)})
    ((_, dim, _, data),) = _rows(tmp_path)
    assert data == _vector(key).tobytes() and dim == 384
    assert not data.startswith(b"\x80")  # a pickle stream starts with its protocol opcode


def test_no_pickle_and_no_remote_code_in_the_package():
    sources = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "narrative").glob("*.py")}
    for name, text in sources.items():
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", '"', "'")))
        for banned in ("import pickle", "pickle.load", "read_pickle", "torch.load(", "allow_pickle=True", "joblib"):
            assert banned not in code, f"{name} uses {banned}"
        assert "trust_remote_code=True" not in code, name
    assert "trust_remote_code=False" in sources["embed.py"]
    assert os.environ.get("HF_HUB_TRUST_REMOTE_CODE") in (None, "", "0", "false")
