"""A small hand-built comparison (no model): three outlets, eight claims, known placements.

Claims: C1 shared by all; C2, C3 carried by alpha and beta; C5 by beta and gamma; C4, C6, C7, C8
unique. With three outlets, two carriers make an omission: gamma omits C2 and C3, alpha omits C5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from narrative.compare import claims_table, coverage_table, emphasis_table, omissions_table, outlet_similarity
from narrative.pipeline import Comparison

OUTLETS = ["alpha", "beta", "gamma"]

SENTENCES = [
    ("alpha", "Troops withdrew from the town overnight.", "C1"),
    ("alpha", "The army said the move was planned.", "C2"),
    ("alpha", "Civilians were evacuated by bus.", "C3"),
    ("alpha", "The mayor praised the volunteers.", "C4"),
    ("beta", "Troops abandoned the town overnight.", "C1"),
    ("beta", "Civilians were evacuated on buses.", "C3"),
    ("beta", "Wounded soldiers were left behind.", "C5"),
    ("beta", "Critics blamed the generals.", "C6"),
    ("beta", "The army said the move was planned in advance.", "C2"),
    ("gamma", "Soldiers retreated from the town at night.", "C1"),
    ("gamma", "Wounded soldiers were reportedly left behind.", "C5"),
    ("gamma", "Shelling continued in the region.", "C7"),
    ("gamma", "Moscow welcomed the news.", "C8"),
]

THEMES = {"C1": "T1", "C2": "T1", "C5": "T1", "C3": "T2", "C4": "T2", "C6": "T2", "C7": "T2", "C8": "T2"}
THEME_LABELS = {"T1": "troops, town, army", "T2": "civilians, shelling, mayor"}


def sentences_table(event: str = "e1", texts=None) -> pd.DataFrame:
    rows = []
    counter = {}
    for (outlet, text, cid), override in zip(SENTENCES, texts or [None] * len(SENTENCES)):
        position = counter.get(outlet, 0)
        counter[outlet] = position + 1
        rows.append({"event": event, "outlet": outlet, "position": position, "text": override or text,
                     "claim_id": cid})  # fmt: skip
    return pd.DataFrame(rows)


def comparison(event: str = "e1", texts=None) -> Comparison:
    """Build every table of a comparison from the hand-made sentences and claim ids."""
    sentences = sentences_table(event, texts)
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(len(sentences), 8))
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    claims = claims_table(sentences, embeddings)
    claims["theme_id"] = claims["claim_id"].map(THEMES)
    claims["theme"] = claims["theme_id"].map(THEME_LABELS)
    coverage = coverage_table(sentences)
    omissions = omissions_table(sentences, claims)
    status = claims.set_index("claim_id")["status"]
    sentences["status"] = sentences["claim_id"].map(status)
    themes = claims.groupby(["event", "theme_id", "theme"], sort=True).size().rename("n_claims").reset_index()
    return Comparison(
        sentences=sentences,
        claims=claims,
        coverage=coverage,
        omissions=omissions,
        outlets=outlet_similarity(coverage, sentences),
        themes=themes,
        emphasis=emphasis_table(coverage, claims, sentences),
        embeddings=embeddings,
    )


def sentence_map(result: Comparison) -> pd.DataFrame:
    s = result.sentences
    return s[["event", "outlet", "position", "text", "claim_id", "status"]].assign(
        x=np.arange(len(s), dtype=float), y=np.arange(len(s), dtype=float) % 3
    )
