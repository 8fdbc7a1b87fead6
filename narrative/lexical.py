"""Lexical evidence that two sentences state the same claim: shared words, names, numbers, quotations.

Embeddings say two sentences are about the same thing; shared rare words,
names, figures and quoted strings say they carry the same information.
:func:`lexical_similarity` returns one ``(n, n)`` matrix per kind of evidence
for the sentences of one event. Dependency-free and deterministic.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np

__all__ = [
    "content_words",
    "names",
    "numbers",
    "quotations",
    "spelling_variants",
    "lexical_similarity",
    "LEXICAL_FEATURES",
]

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
_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:[-'’][A-Za-z]+)?\b|\b[A-Z]{2,}\b")
_CLITIC = re.compile(r"['’](?:s|d|ll|re|ve|m|t)$")  # Obama's, it's, we've: the name is the part before
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{8,})[\"“”]")
_STEM = 6


def content_words(text: str, spellings: dict[str, str] | None = None) -> list[str]:
    """Lower-cased words that are not stop words, cut to their first six letters (a crude stem).

    ``spellings`` maps a word to the spelling used for it (see :func:`spelling_variants`).
    """
    out = []
    for tok in _TOKEN.findall(str(text).lower()):
        tok = re.sub(r"['’]s$", "", tok)
        if spellings:
            tok = spellings.get(tok, tok)
        if tok not in _STOP and len(tok) > 2:
            out.append(tok[:_STEM])
    return out


def names(text: str) -> set[str]:
    """Capitalised words and acronyms that are not stop words, lower-cased, without a possessive 's.

    >>> sorted(names("Obama's plan, as Obama’s aides and the NRA's chief said"))
    ['nra', 'obama']
    """
    found = {_CLITIC.sub("", m.group(0).lower()) for m in _NAME.finditer(str(text))}
    return {n for n in found if n not in _STOP}


_VOWELS = re.compile(r"[aeiouy'’-]")
_REPEATS = re.compile(r"(.)\1+")


def _skeleton(name: str) -> str:
    """The consonants of a name, repeats collapsed: Konstantinovka → knstntnvk, Zelenskyy → zlnsk."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", name))


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether one letter replaced, added or left out turns ``a`` into ``b``."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def spelling_variants(words) -> dict[str, str]:
    """Map each name to one spelling shared by its variants among ``words`` (transliterations).

    Two names of six letters or more are spellings of one name when they start
    with the same letter, agree in at least three quarters of their letters
    (:class:`difflib.SequenceMatcher` ratio), and their consonants (vowels and
    ``y`` left out, repeated letters collapsed) are the same and at least four
    (Zelensky / Zelenskyy, Sloviansk / Slavyansk, Mohammed / Muhammad), or at
    least seven and one letter apart (Konstantinovka / Kostiantynivka).
    Different names that differ in a consonant (Johnson / Johnston, McConnell /
    McDonnell) or in many vowels (Martin / Morton) stay apart, and short words
    (Beck / Back) are left alone. Each group's spelling is its alphabetically
    first member; a name with no variant maps to itself.

    >>> v = spelling_variants(["kostiantynivka", "konstantinovka", "zelenskyy", "zelensky", "johnston", "johnson"])
    >>> v["kostiantynivka"], v["zelenskyy"], v["johnston"]
    ('konstantinovka', 'zelensky', 'johnston')
    """
    words = sorted({str(w).lower() for w in words})
    parent = {w: w for w in words}

    def root(w):
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    def join(a, b):
        if SequenceMatcher(None, a, b).ratio() < 0.75:
            return
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    # Names one consonant edit apart share a key: the skeleton itself or the skeleton with one
    # letter left out (a substitution leaves the same string out of both; an insertion makes the
    # shorter skeleton one of the longer's). Indexing by key keeps this linear in the names.
    same: dict[tuple, str] = {}
    near: dict[tuple, list[tuple[str, str]]] = {}
    for w in words:
        k = _skeleton(w)
        if len(k) < 4 or len(w) < 6:
            continue
        if (w[0], k) in same:
            join(same[(w[0], k)], w)
        else:
            same[(w[0], k)] = w
        if len(k) >= 7:
            for key in {k, *(k[:i] + k[i + 1 :] for i in range(len(k)))}:
                near.setdefault((w[0], key), []).append((w, k))
    for members in near.values():
        for i, (a, ka) in enumerate(members):
            for b, kb in members[i + 1 :]:
                if min(len(ka), len(kb)) >= 7 and _one_edit_apart(ka, kb):
                    join(a, b)
    return {w: root(w) for w in words}


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
    found = [names(t) for t in texts]
    # one spelling per name within the event, so that transliterations share words and names
    variants = {k: v for k, v in spelling_variants(set().union(*found)).items() if k != v}
    found = [{variants.get(w, w) for w in f} for f in found]
    words = [content_words(t, variants) for t in texts]
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
    out["names"] = np.minimum(_overlap_counts(found), 3) / 3
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
