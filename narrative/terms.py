"""Distinctive terms of groups of sentences (class-based TF-IDF)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

__all__ = ["ClassTfidfTransformer", "top_terms"]


class ClassTfidfTransformer(TfidfTransformer):
    """TF-IDF where each row is a class (all the sentences of a claim or theme).

    The term frequency is L1-normalised per class and the inverse document
    frequency is ``log(1 + A / f_t)`` with ``A`` the average number of words
    per class and ``f_t`` the frequency of term ``t`` over all classes, as in
    BERTopic's c-TF-IDF.
    """

    def __init__(self):
        super().__init__(norm=None, use_idf=True, smooth_idf=False, sublinear_tf=False)

    def fit(self, X, y=None):
        X = sp.csr_matrix(X, dtype=np.float64)
        df = np.asarray(X.sum(axis=0)).ravel()
        avg = float(X.sum()) / max(X.shape[0], 1)
        self.idf_ = np.log(1.0 + avg / np.maximum(df, 1.0))
        return self

    def transform(self, X, copy=True):
        X = normalize(sp.csr_matrix(X, dtype=np.float64), norm="l1", axis=1)
        return X @ sp.diags(self.idf_)


def top_terms(documents, *, n_terms: int = 3, stop_words="english") -> list[list[str]]:
    """The ``n_terms`` most distinctive words of each class of sentences.

    ``documents`` holds one entry per class: a list of its sentences (or one
    string). A word scores by class-based TF-IDF, counting each sentence once,
    so words that several sentences of a class share rank first. Ties go to
    the longer word, then alphabetical order, so the result is deterministic.

    Examples
    --------
    >>> top_terms([["troops left the town", "troops withdrew"], ["the wounded soldiers"]], n_terms=1)
    [['troops'], ['soldiers']]
    """
    classes = [[d] if isinstance(d, str) else list(d) for d in documents]
    vectorizer = CountVectorizer(
        stop_words=stop_words, token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b", lowercase=True, binary=True
    )
    flat = [s for sentences in classes for s in sentences]
    try:
        counts = vectorizer.fit_transform(flat)
    except ValueError:  # empty vocabulary: only stop words or no words at all
        return [[] for _ in classes]
    owner = np.repeat(np.arange(len(classes)), [len(c) for c in classes])
    per_class = sp.csr_matrix((np.ones(len(flat)), (owner, np.arange(len(flat)))), shape=(len(classes), len(flat)))
    scores = ClassTfidfTransformer().fit_transform(per_class @ counts).toarray()
    vocab = vectorizer.get_feature_names_out()
    result = []
    for row in scores:
        order = sorted(np.flatnonzero(row > 0), key=lambda j: (-round(row[j], 9), -len(vocab[j]), vocab[j]))
        result.append([str(vocab[j]) for j in order[:n_terms]])
    return result
