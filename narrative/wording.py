"""Word choice within shared claims: which words each outlet uses for the same facts.

When several outlets report the same claim, they may still word it differently
("withdrew" vs "abandoned", "repositioning" vs "retreat"). This module counts
the words each outlet uses in the sentences of claims that other outlets also
carry, and scores each word for each outlet against all the other outlets
together with the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words", section 3.5.1).

For outlet ``i``, word ``w`` and "all other outlets" ``j``::

    delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
    var_w   = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
    z_w     = delta_w / sqrt(var_w)

where ``y`` are word counts, ``n`` total counts, and the prior ``a_w`` is
the word's share of a background corpus (all the event's sentences by
default) scaled to ``a0`` pseudo-counts. A positive ``z`` means the outlet
uses the word more than the others do; ``|z| > 1.96`` is the usual cut.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["tokenize", "log_odds_dirichlet", "word_choice", "STOP_WORDS"]

_WORD = re.compile(r"\b[^\W\d_]+(?:['’][^\W\d_]+)*\b", re.UNICODE)

#: Function words left out of word choice (articles, pronouns, auxiliaries).
STOP_WORDS = frozenset(
    """a an the and or but nor of to in on at by for from with as into onto over under about after before
    than then that this these those it its it's is are was were be been being has have had do does did
    he she they them their his her him we our us you your i me my mr mrs ms s not no so if which who whom
    whose what when where while also there here will would can could may might shall should just very
    said says say some any all more most up out""".split()
)


def tokenize(text: str, *, stop_words=STOP_WORDS) -> list[str]:
    """Lower-cased words of ``text`` (letters and inner apostrophes), stop words removed.

    >>> tokenize("Troops withdrew from the town; they've abandoned 3 posts.")
    ['troops', 'withdrew', 'town', "they've", 'abandoned', 'posts']
    """
    words = (m.group(0).lower().replace("’", "'") for m in _WORD.finditer(str(text)))
    return [w for w in words if w not in stop_words]


def _counts(texts, stop_words) -> dict:
    out: dict = {}
    for text in texts:
        for w in tokenize(text, stop_words=stop_words):
            out[w] = out.get(w, 0) + 1
    return out


def log_odds_dirichlet(
    counts: pd.DataFrame, *, prior: pd.Series | None = None, alpha0: float | None = None
) -> pd.DataFrame:
    """Weighted log-odds of each word for each group against all other groups.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts: ``group``, ``word``, ``count``.
    prior : pandas.Series, optional
        Background counts indexed by word (any scale); default the counts of
        all groups together. Words missing from it get the smallest positive value.
    alpha0 : float, optional
        Total pseudo-counts of the prior (its strength); default the total of
        the background counts, i.e. the prior counts as they are.

    Returns
    -------
    pandas.DataFrame
        One row per (group, word) seen anywhere in ``counts``: ``group``,
        ``word``, ``count``, ``count_others``, ``log_odds`` (delta), ``se``
        (its standard error) and ``z``; sorted by group (in order of
        appearance) then ``z`` descending, then word.

    Examples
    --------
    >>> c = pd.DataFrame({"group": ["a", "a", "b", "b"], "word": ["withdrew", "town", "abandoned", "town"],
    ...                   "count": [5, 5, 5, 5]})
    >>> t = log_odds_dirichlet(c, alpha0=10)
    >>> t.loc[t["group"] == "a", "word"].tolist()
    ['withdrew', 'town', 'abandoned']
    >>> bool(t.loc[(t["group"] == "a") & (t["word"] == "town"), "z"].round(9).eq(0).all())
    True
    """
    if alpha0 is not None and not alpha0 > 0:
        raise ValueError(f"alpha0 must be a positive number; got {alpha0!r}.")
    missing = [c for c in ("group", "word", "count") if c not in counts.columns]
    if missing:
        raise ValueError(f"counts lacks column(s) {missing}; it needs group, word, count.")
    groups = list(dict.fromkeys(counts["group"]))
    words = sorted(set(counts["word"]))
    columns = ["group", "word", "count", "count_others", "log_odds", "se", "z"]
    if not groups or not words:
        return pd.DataFrame(columns=columns)
    table = counts.pivot_table(index="group", columns="word", values="count", aggfunc="sum", fill_value=0)
    y = table.reindex(index=groups, columns=words, fill_value=0).to_numpy(dtype=np.float64)
    if prior is None:
        background = y.sum(axis=0)
    else:
        background = prior.reindex(words).to_numpy(dtype=np.float64)
        positive = background[np.isfinite(background) & (background > 0)]
        floor = positive.min() if positive.size else 1.0
        background = np.where(np.isfinite(background) & (background > 0), background, floor)
    if alpha0 is None:
        alpha0 = float(background.sum())
    alpha = alpha0 * background / background.sum()
    total = y.sum()
    rows = []
    for gi, group in enumerate(groups):
        yi = y[gi]
        yj = y.sum(axis=0) - yi
        ni, nj = yi.sum(), total - yi.sum()
        delta = np.log((yi + alpha) / (ni + alpha0 - yi - alpha)) - np.log((yj + alpha) / (nj + alpha0 - yj - alpha))
        se = np.sqrt(1.0 / (yi + alpha) + 1.0 / (yj + alpha))
        frame = pd.DataFrame(
            {
                "group": group,
                "word": words,
                "count": yi.astype(int),
                "count_others": yj.astype(int),
                "log_odds": delta,
                "se": se,
                "z": delta / se,
            }
        )
        rows.append(frame.sort_values(["z", "word"], ascending=[False, True], kind="stable"))
    return pd.concat(rows, ignore_index=True)[columns]


def word_choice(
    sentences: pd.DataFrame,
    *,
    claims: pd.DataFrame | None = None,
    min_outlets: int = 2,
    by_claim: bool = False,
    alpha0: float | None = None,
    stop_words=STOP_WORDS,
) -> pd.DataFrame:
    """Which words each outlet uses for facts that other outlets report too.

    Only sentences of claims carried by at least ``min_outlets`` outlets count,
    so that differences in wording are not differences in content. Each
    outlet is scored against all the other outlets of its event together
    (works for any number of outlets) with :func:`log_odds_dirichlet`; the
    prior is the word frequencies of all of the event's sentences.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentences table of a comparison (``event``, ``outlet``, ``text``,
        ``claim_id`` ``;``-joined).
    claims : pandas.DataFrame, optional
        The claims table (``event``, ``claim_id``, ``n_outlets``); default
        counted from ``sentences``.
    min_outlets : int, default 2
        Least number of outlets carrying a claim for its sentences to count.
    by_claim : bool, default False
        Score within each claim separately (adds ``claim_id``); default all
        qualifying claims of an event pooled.
    alpha0 : float, optional
        Strength of the prior in pseudo-counts; default the number of words
        of the event's sentences.

    Returns
    -------
    pandas.DataFrame
        ``event``, [``claim_id``,] ``outlet``, ``word``, ``count``,
        ``count_others``, ``log_odds``, ``se``, ``z``; within each event (and
        claim) outlets in their order of appearance, words by ``z`` descending.
        Words an outlet never uses in those sentences get negative scores.

    See Also
    --------
    narrative.plot.plot_word_choice : chart the top words of each outlet.
    """
    if min_outlets < 1:
        raise ValueError(f"min_outlets must be at least 1; got {min_outlets!r}.")
    missing = [c for c in ("event", "outlet", "text", "claim_id") if c not in sentences.columns]
    if missing:
        raise ValueError(f"sentences lacks column(s) {missing}; pass Comparison.sentences.")
    rows = []
    for (event, outlet), g in sentences.groupby(["event", "outlet"], sort=False):
        for text, ids in zip(g["text"], g["claim_id"]):
            for cid in dict.fromkeys(c for c in str(ids).split(";") if c):
                rows.append((event, outlet, cid, text))
    members = pd.DataFrame(rows, columns=["event", "outlet", "claim_id", "text"])
    if claims is not None:
        n_out = claims.set_index(["event", "claim_id"])["n_outlets"]
    else:
        n_out = members.groupby(["event", "claim_id"])["outlet"].nunique()
    keep = [int(n_out.get((e, c), 0)) >= min_outlets for e, c in zip(members["event"], members["claim_id"])]
    members = members[keep]
    keys = ["event", "claim_id"] if by_claim else ["event"]
    parts = []
    for key, g in members.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        event = key[0]
        background = _counts(sentences.loc[sentences["event"] == event, "text"], stop_words)
        prior = pd.Series(background, dtype=np.float64)
        # a sentence carrying two claims counts once per outlet when pooled
        texts = g if by_claim else g.drop_duplicates(["outlet", "text"])
        counts = [
            (outlet, w, n)
            for outlet, t in texts.groupby("outlet", sort=False)
            for w, n in _counts(t["text"], stop_words).items()
        ]
        if len({o for o, _, _ in counts}) < 2:
            continue
        scored = log_odds_dirichlet(
            pd.DataFrame(counts, columns=["group", "word", "count"]), prior=prior, alpha0=alpha0
        ).rename(columns={"group": "outlet"})
        for name, value in zip(keys, key):
            scored.insert(keys.index(name), name, value)
        parts.append(scored)
    columns = [*keys, "outlet", "word", "count", "count_others", "log_odds", "se", "z"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
