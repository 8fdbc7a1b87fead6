"""Lexical evidence that two sentences state the same claim: shared words, names, numbers, quotations.

Embeddings say two sentences are about the same thing; shared rare words,
names, figures and quoted strings say they carry the same information.
:func:`lexical_similarity` returns one ``(n, n)`` matrix per kind of evidence
for the sentences of one event. Dependency-free and deterministic.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["content_words", "names", "numbers", "quotations", "lexical_similarity", "LEXICAL_FEATURES"]

#: The matrices :func:`lexical_similarity` returns, in order.
LEXICAL_FEATURES = ("tfidf", "names", "numbers", "quotes")

_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own said same say says she should so
    some such than that the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your yours yourself
    told tell according mr mrs ms per via since still yet may might must shall new one two last first
    week thursday friday monday tuesday wednesday saturday sunday year years""".split()
)
_TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)?")
_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:[-'][A-Za-z]+)?\b|\b[A-Z]{2,}\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{8,})[\"“”]")
_STEM = 6


def content_words(text: str) -> list[str]:
    """Lower-cased words that are not stop words, cut to their first six letters (a crude stem)."""
    out = []
    for tok in _TOKEN.findall(str(text).lower()):
        tok = re.sub(r"['’]s$", "", tok)
        if tok not in _STOP and len(tok) > 2:
            out.append(tok[:_STEM])
    return out


def names(text: str) -> set[str]:
    """Capitalised words and acronyms that are not stop words, lower-cased."""
    found = {m.group(0).lower() for m in _NAME.finditer(str(text))}
    return {n for n in found if n not in _STOP}


def numbers(text: str) -> set[str]:
    """Numbers written with digits, without thousands separators."""
    return {m.group(0).replace(",", "") for m in _NUMBER.finditer(str(text))}


def quotations(text: str) -> list[set[str]]:
    """The content words of each quoted passage (eight characters or longer)."""
    return [set(content_words(m.group(1))) for m in _QUOTE.finditer(str(text))]


def _overlap_counts(sets: list[set]) -> np.ndarray:
    n = len(sets)
    out = np.zeros((n, n))
    for i in range(n):
        if not sets[i]:
            continue
        for j in range(i + 1, n):
            if sets[j]:
                out[i, j] = out[j, i] = len(sets[i] & sets[j])
    return out


def lexical_similarity(texts) -> dict[str, np.ndarray]:
    """Pairwise lexical evidence among the sentences of one event.

    Parameters
    ----------
    texts : sequence of str
        The sentences (all outlets of one event).

    Returns
    -------
    dict of str to ndarray of shape (n, n)
        ``tfidf``: cosine of IDF-weighted content-word vectors (IDF over ``texts``);
        ``names``: number of shared names, capped at 3, divided by 3;
        ``numbers``: 1 when the sentences share a number, else 0;
        ``quotes``: largest share of a quotation's words found in a quotation of the other sentence.
        Diagonals are 0.

    Examples
    --------
    >>> m = lexical_similarity(["Pelosi won the vote 140-63.", "Democrats re-elected Nancy Pelosi, 140 to 63.", "Rain."])
    >>> round(float(m["names"][0, 1]), 2), float(m["numbers"][0, 1]), float(m["numbers"][0, 2])
    (0.33, 1.0, 0.0)
    """
    texts = [str(t) for t in texts]
    n = len(texts)
    words = [content_words(t) for t in texts]
    vocab: dict[str, int] = {}
    for ws in words:
        for w in ws:
            vocab.setdefault(w, len(vocab))
    out = {name: np.zeros((n, n)) for name in LEXICAL_FEATURES}
    if n == 0:
        return out
    if vocab:
        tf = np.zeros((n, len(vocab)))
        for i, ws in enumerate(words):
            for w in ws:
                tf[i, vocab[w]] = 1.0
        df = tf.sum(axis=0)
        idf = np.log((1 + n) / (1 + df)) + 1.0
        M = tf * idf
        norm = np.linalg.norm(M, axis=1, keepdims=True)
        M = M / np.where(norm == 0, 1, norm)
        out["tfidf"] = M @ M.T
    out["names"] = np.minimum(_overlap_counts([names(t) for t in texts]), 3) / 3
    out["numbers"] = (_overlap_counts([numbers(t) for t in texts]) > 0).astype(float)
    quotes = [quotations(t) for t in texts]
    for i in range(n):
        for j in range(n):
            if i != j and quotes[i] and quotes[j]:
                best = 0.0
                for a in quotes[i]:
                    for b in quotes[j]:
                        if a and b:
                            best = max(best, len(a & b) / min(len(a), len(b)))
                out["quotes"][i, j] = best
    for m in out.values():
        np.fill_diagonal(m, 0.0)
    return out
