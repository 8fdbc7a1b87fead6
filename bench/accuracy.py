"""How accurate is the claim alignment? Every number of docs/accuracy.md in one run.

    python bench/accuracy.py [--datasets PATH] [--cache-dir DIR] [--write-weights]

1. claims-gold-dev: each method variant scored with leave-one-event-out
   cross-validation (pair scorer trained and threshold picked on seven
   events, scored on the eighth), next to the naive clustering baseline;
2. the threshold sweep of the shipped method;
3. BASIL: how well "only this outlet said it" predicts the experts'
   informational-bias sentences (average precision, F1);
4. PAC: odds ratio (95% CI) that a sentence unique to one side holds a partisan event.

``--write-weights`` retrains the shipped pair scorer on all development events
and writes ``narrative/pair_weights.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from narrative.claims import DEFAULT_THRESHOLD, ClaimAligner, find_claims, states_claim  # noqa: E402
from narrative.embed import EmbeddingCache, SentenceEncoder, embed  # noqa: E402
from narrative.evaluate import gold_sentences, pair_table, read_gold, score_alignment  # noqa: E402
from narrative.pairs import PAIR_FEATURES, PairScorer, fit_pair_scorer  # noqa: E402

VARIANTS = {
    "embedding only": ("cos",),
    "+ lexical (words, names, numbers, quotes)": ("cos", "tfidf", "names", "numbers", "quotes"),
    "+ context, third outlet, best-match margins, lead": PAIR_FEATURES,
}
GRID = np.round(np.arange(0.10, 0.61, 0.05), 2)
COLS = ["pair_precision", "pair_recall", "pair_f1", "unique_precision", "unique_recall", "unique_f1"]


def overall(gold, sentences, ids) -> dict:
    pred = sentences[["event", "outlet", "position"]].assign(claim_id=ids)
    s = score_alignment(gold, pred)
    return s[s["event"] == "overall"].iloc[0]


def loeo(gold, sentences, E, pairs, features):
    """Nested leave-one-event-out: returns the pooled scores and the thresholds picked per fold."""
    events = sorted(sentences["event"].unique())
    ids = [""] * len(sentences)
    picked = []
    for held in events:
        train = pairs[pairs["event"] != held]
        scorer = fit_pair_scorer(train[list(features)].to_numpy(), train["label"].to_numpy(), features=features)
        tr_rows = sentences["event"] != held
        tr_s = sentences[tr_rows].reset_index(drop=True)
        tr_E = E[tr_rows.to_numpy()]
        best = max(
            GRID,
            key=lambda t: overall(
                gold, tr_s, find_claims(tr_s, tr_E, aligner=ClaimAligner(threshold=float(t), scorer=scorer))[1]
            )["pair_f1"],
        )
        picked.append(float(best))
        te = (sentences["event"] == held).to_numpy()
        te_s = sentences[te].reset_index(drop=True)
        _, te_ids = find_claims(te_s, E[te], aligner=ClaimAligner(threshold=float(best), scorer=scorer))
        for k, row in enumerate(np.flatnonzero(te)):
            ids[row] = te_ids[k]
    return overall(gold, sentences, ids), picked


def uniqueness(sentences, E, aligner):
    """Per sentence: predicted unique (no claim shared with another outlet) and a uniqueness score."""
    _, ids = find_claims(sentences, E, aligner=aligner)
    sentences = sentences.assign(claim_id=ids).reset_index(drop=True)
    unique = np.zeros(len(sentences), dtype=bool)
    score = np.zeros(len(sentences))
    for _, f in sentences.groupby("event", sort=False):
        f = f.sort_values(["outlet", "position"], kind="stable")
        idx = f.index.to_numpy()
        groups = f["outlet"].to_numpy()
        est = ClaimAligner(**aligner.get_params()).fit(
            E[idx], groups=groups, mask=f["text"].map(states_claim).to_numpy(), texts=f["text"].tolist(),
            positions=f["position"].to_numpy(),
        )  # fmt: skip
        score[idx] = 1.0 - est.pair_scores_.max(axis=1)
        claims = [set(c.split(";")) - {""} for c in f["claim_id"]]
        for k, i in enumerate(idx):
            unique[i] = not any(claims[k] & claims[m] for m in range(len(idx)) if groups[m] != groups[k])
    return unique, score


def odds_ratio(a, b, c, d):
    """Odds ratio of a 2x2 table [[a, b], [c, d]] with Woolf's 95% CI (0.5 added when a cell is 0)."""
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    or_ = (a * d) / (b * c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return or_, math.exp(math.log(or_) - 1.96 * se), math.exp(math.log(or_) + 1.96 * se)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=None, help="folder holding claims-gold-dev/, basil/, pac/")
    ap.add_argument("--cache-dir", default=None, help="embedding cache folder")
    ap.add_argument("--write-weights", action="store_true", help="retrain and write narrative/pair_weights.json")
    args = ap.parse_args(argv)
    if args.datasets:
        os.environ["NARRATIVE_DATASETS"] = str(Path(args.datasets).resolve())
    from narrative.datasets import find_dataset, read_basil, read_basil_bias, read_pac

    gold_dir = find_dataset("claims-gold-dev")
    if gold_dir is None:
        print("claims-gold-dev not found: pass --datasets PATH or set NARRATIVE_DATASETS.", file=sys.stderr)
        return 2
    start = time.perf_counter()
    encoder = SentenceEncoder()
    cache = EmbeddingCache(args.cache_dir)
    pd.set_option("display.width", 200)

    gold = read_gold(gold_dir)
    sentences, _ = gold_sentences(gold)
    E = embed(sentences["text"].tolist(), encoder=encoder, cache=cache)
    pairs = pair_table(gold, sentences, E)
    print(f"## claims-gold-dev: {sentences['event'].nunique()} events, {len(sentences)} sentences, "
          f"{int(pairs['label'].sum())} matching cross-outlet pairs of {len(pairs)}\n")  # fmt: skip

    rows = []
    for linkage, threshold in (("average", 0.60), ("complete", 0.60), ("complete", 0.55)):
        aligner = ClaimAligner(threshold=threshold, method="cluster", linkage=linkage)
        s = overall(gold, sentences, find_claims(sentences, E, aligner=aligner)[1])
        rows.append({"method": f"naive clustering ({linkage}, cosine {threshold})", "evaluation": "fixed", **s[COLS]})
    for name, features in VARIANTS.items():
        s, picked = loeo(gold, sentences, E, pairs, features)
        rows.append({"method": f"pairwise: {name}", "evaluation": f"LOEO, t={sorted(set(picked))}", **s[COLS]})
    shipped = overall(gold, sentences, find_claims(sentences, E, aligner=ClaimAligner())[1])
    rows.append({"method": f"shipped defaults (t={DEFAULT_THRESHOLD})", "evaluation": "in-sample", **shipped[COLS]})
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))

    print("\n## without the three headline-repeat sentences of 68748e7f (no claims)")
    pred = sentences[["event", "outlet", "position"]].assign(claim_id=find_claims(sentences, E)[1])
    s = score_alignment(gold, pred, drop_unlabelled=True)
    print(s[s["event"] == "overall"][COLS].to_string(index=False, float_format=lambda x: f"{x:.3f}"))

    print("\n## threshold sweep, shipped scorer (in-sample)")
    sweep = []
    for t in GRID:
        s = overall(gold, sentences, find_claims(sentences, E, aligner=ClaimAligner(threshold=float(t)))[1])
        sweep.append({"threshold": float(t), **s[COLS]})
    print(pd.DataFrame(sweep).to_string(index=False, float_format=lambda x: f"{x:.3f}"))

    if args.write_weights:
        scorer = fit_pair_scorer(pairs[list(PAIR_FEATURES)].to_numpy(), pairs["label"].to_numpy())
        (ROOT / "narrative" / "pair_weights.json").write_text(json.dumps(scorer.to_dict(), indent=1) + "\n")
        print("\nwrote narrative/pair_weights.json")
    else:
        assert isinstance(PairScorer.default(), PairScorer)

    from sklearn.metrics import average_precision_score, f1_score

    if find_dataset("basil") is not None:
        basil = read_basil()
        bias = read_basil_bias()
        Eb = embed(basil["text"].tolist(), encoder=encoder, cache=cache)
        unique, score = uniqueness(basil, Eb, ClaimAligner())
        y = basil[["event", "outlet", "position"]].merge(bias, how="left")["inf"].to_numpy(dtype=bool)
        print(
            f"\n## BASIL informational bias ({basil['event'].nunique()} events, {len(y)} sentences, {int(y.sum())} positive)"
        )
        print(f"average precision of the uniqueness score: {average_precision_score(y, score):.3f} "
              f"(base rate {y.mean():.3f})")  # fmt: skip
        print(f"F1 of 'unique' as the prediction: {f1_score(y, unique):.3f} "
              f"(precision {(y & unique).sum() / max(unique.sum(), 1):.3f}, recall {(y & unique).sum() / y.sum():.3f}); "
              f"all-positive F1 {f1_score(y, np.ones_like(y)):.3f}")  # fmt: skip

    if find_dataset("pac") is not None:
        pac = read_pac()
        Ep = embed(pac["text"].tolist(), encoder=encoder, cache=cache)
        unique, _ = uniqueness(pac[["event", "outlet", "position", "text"]], Ep, ClaimAligner())
        partisan = pac["partisan"].to_numpy() > 0
        a, b = int((unique & partisan).sum()), int((unique & ~partisan).sum())
        c, d = int((~unique & partisan).sum()), int((~unique & ~partisan).sum())
        or_, lo, hi = odds_ratio(a, b, c, d)
        print(f"\n## PAC ({pac['event'].nunique()} stories, {len(pac)} sentences)")
        print(f"unique sentences with a partisan event: {a}/{a + b} ({a / max(a + b, 1):.3f}); "
              f"shared: {c}/{c + d} ({c / max(c + d, 1):.3f})")  # fmt: skip
        print(f"odds ratio {or_:.2f} (95% CI {lo:.2f}-{hi:.2f})")
    print(f"\n{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
