"""How accurate is the claim alignment? Every number of docs/accuracy.md in one run.

    python bench/accuracy.py [--datasets PATH] [--cache-dir DIR] [--write-weights]

1. claims-gold-dev: the naive clustering baseline next to each variant of the
   pairwise method, scored with leave-one-event-out cross-validation (pair
   scorer trained, threshold and second-claim margin picked on seven events,
   scored on the eighth: a nested estimate), and the shipped defaults in-sample;
2. the threshold sweep of the shipped method, and its second-claim margin sweep;
   how far a per-sentence "unique" decision can go on the held-out evidence
   (section 2c);
3. BASIL: how well "only this outlet said it" predicts the experts'
   informational-bias sentences (average precision, F1);
4. PAC: odds ratio (95% CI) that a sentence unique to one side holds a
   partisan event of that side, against sentences both sides carry.

It measures whatever method the package ships when it runs (``ClaimAligner()``,
``PAIR_FEATURES``, ``pair_weights.json``). Each event is embedded once (through
the embedding cache) and its pair-feature matrices are computed once; inside
the cross-validation folds only the small pair scorer is refitted and the
threshold and margin picked. A dataset that is missing is skipped, and the run says so.

``--write-weights`` retrains the shipped pair scorer on all development events
and writes ``narrative/pair_weights.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import narrative.claims  # noqa: E402
import narrative.evaluate  # noqa: E402
import narrative.pairs  # noqa: E402
from narrative.claims import (  # noqa: E402
    DEFAULT_THRESHOLD,
    SECONDARY_MARGIN,
    ClaimAligner,
    find_claims,
    states_claim,
)
from narrative.embed import EmbeddingCache, SentenceEncoder, embed  # noqa: E402
from narrative.evaluate import (  # noqa: E402
    event_interval,
    gold_sentences,
    informational_bias_check,
    omission_summary,
    pair_table,
    partisan_enrichment,
    pool_scores,
    read_gold,
    score_alignment,
    score_omissions,
    sweep_thresholds,
    uniqueness_table,
)
from narrative.pairs import PAIR_FEATURES, fit_pair_scorer  # noqa: E402

GRID = np.round(np.arange(0.10, 0.61, 0.05), 2)
MARGINS = (0.0, 0.05, 0.10, 0.15, 0.20)  # secondary_margin: the extra bar of a sentence's second claim
COLS = ["pair_precision", "pair_recall", "pair_f1", "unique_precision", "unique_recall", "unique_f1"]
KEYS = ["event", "outlet", "position"]
LEXICAL = ("tfidf", "names", "numbers", "quotes")


def variants() -> dict:
    """Feature sets compared, built from the features the package ships."""
    from narrative.pairs import TOKEN_FEATURES

    lexical = tuple(f for f in PAIR_FEATURES if f == "cos" or f in LEXICAL)
    out = {"embedding only": ("cos",), "+ lexical (words, names, numbers, quotes)": lexical}
    context = tuple(f for f in PAIR_FEATURES if f not in TOKEN_FEATURES)
    rest = [f for f in context if f not in lexical]
    if rest:
        out[f"+ {', '.join(rest)}"] = context
    out["+ soft token alignment (shipped features)"] = tuple(PAIR_FEATURES)
    return out


def fmt(x) -> str:
    return f"{x:.3f}"


@contextmanager
def features_computed_once():
    """Compute each event's pair-feature matrices once for the whole run.

    ``pair_features`` is a pure function of the vectors, texts, outlets and
    positions; the aligner and ``pair_table`` call it through their modules,
    so it is swapped there for a memoised twin for the duration of the block.
    """
    original = narrative.pairs.pair_features
    memo: dict = {}
    stats = {"computed": 0, "reused": 0}

    def once(X, texts, groups, positions=None, tokens=None):
        X = np.asarray(X, dtype=np.float64)
        V = X / np.where((norms := np.linalg.norm(X, axis=1, keepdims=True)) == 0, 1, norms)
        key = (
            tuple(texts),
            tuple(np.asarray(groups).tolist()),
            None if positions is None else tuple(np.asarray(positions).tolist()),
            tokens is not None,  # token vectors follow from the texts
            hashlib.sha1((np.round(V, 6) + 0.0).tobytes()).hexdigest(),
        )
        if key in memo:
            stats["reused"] += 1
        else:
            stats["computed"] += 1
            memo[key] = original(X, texts, groups, positions, tokens=tokens)
        return memo[key]

    patched = [m for m in (narrative.claims, narrative.evaluate, narrative.pairs) if hasattr(m, "pair_features")]
    for module in patched:
        module.pair_features = once
    try:
        yield stats
    finally:
        for module in patched:
            module.pair_features = original


def event_inputs(sentences: pd.DataFrame, E: np.ndarray) -> list[dict]:
    """Per event, what ``find_claims`` hands the aligner (same sorting, mask and order)."""
    out = []
    for event, frame in sentences.groupby("event", sort=False):
        frame = frame.sort_values(["outlet", "position"], kind="stable")
        index = frame.index.to_numpy()
        out.append(
            {
                "event": event,
                "index": index,
                "X": E[index],
                "groups": frame["outlet"].to_numpy(),
                "mask": frame["text"].map(states_claim).to_numpy(),
                "texts": frame["text"].tolist(),
                "positions": frame["position"].to_numpy(),
            }
        )
    return out


def per_event_scores(gold, sentences, events, aligner) -> pd.DataFrame:
    """:func:`score_alignment` of ``aligner`` fitted once per event (claims named by number)."""
    ids = [""] * len(sentences)
    for ev in events:
        est = ClaimAligner(**aligner.get_params()).fit(
            ev["X"], groups=ev["groups"], mask=ev["mask"], texts=ev["texts"], positions=ev["positions"]
        )
        for local, row in enumerate(ev["index"]):
            ids[row] = ";".join(str(c) for c in est.memberships_[local])
    return score_alignment(gold, sentences[KEYS].assign(claim_id=ids))


def loeo(gold, sentences, events, pairs, features, margins=MARGINS, params=None):
    """Nested leave-one-event-out for one feature set.

    Per held-out event: the scorer is trained on the pairs of the other events,
    the threshold and second-claim margin with the best pooled pair F1 on those
    events are picked (grid ``GRID`` x ``margins``), and the held-out event is
    scored with them and with the shipped defaults (``params``: further
    :class:`ClaimAligner` parameters, the same in every fold). Returns the pooled held-out
    scores with the picked settings, with the shipped settings, the settings
    picked, and the per-event held-out scores with the picked settings.
    """
    names = [ev["event"] for ev in events]
    shipped = (float(DEFAULT_THRESHOLD), float(SECONDARY_MARGIN))
    settings = sorted({(float(t), float(m)) for t in GRID for m in margins} | {shipped})
    picked_rows, fixed_rows, picked = [], [], []
    for held in names:
        train = pairs[pairs["event"] != held]
        scorer = fit_pair_scorer(train[list(features)].to_numpy(), train["label"].to_numpy(), features=features)
        tables = {
            (t, m): per_event_scores(
                gold, sentences, events, ClaimAligner(threshold=t, secondary_margin=m, scorer=scorer, **(params or {}))
            )
            for t, m in settings
        }
        others = [e for e in names if e != held]
        grid = [(float(t), float(m)) for t in GRID for m in margins]
        # ties: lowest t, then margin; an undefined F1 (no pair predicted or in the gold) ranks last
        best = max(grid, key=lambda k: np.nan_to_num(pool_scores(tables[k], others)["pair_f1"], nan=-1.0))
        picked.append(best)
        picked_rows.append(tables[best].query("event == @held"))
        fixed_rows.append(tables[shipped].query("event == @held"))
    held_out = pd.concat(picked_rows)
    return pool_scores(held_out), pool_scores(pd.concat(fixed_rows)), picked, held_out


#: Per-sentence evidence of section 2c, besides the best held-out match probability.
SENTENCE_EVIDENCE = (
    "p_second_outlet",
    "cos",
    "tok_f",
    "n_likely",
    "words",
    "relative_position",
    "quote",
    "attribution",
    "digits",
)


def unique_ceiling(gold, sentences, pairs) -> tuple[pd.DataFrame, int, int]:
    """How well can any per-sentence cut tell "only this outlet said it" from the held-out evidence?

    Pair probabilities come from the pair scorer trained on the other events
    (leave one event out). Per sentence: its best probability with any sentence
    of another outlet, the best of the second other outlet, its best cosine and
    token coverage, how many pairs pass 0.10, its length, relative position,
    whether it quotes, attributes ("said", "told") or gives a figure. A sentence
    is gold-unique when no sentence of another outlet shares an annotated claim
    with it. Each decision rule is scored nested: a logistic regression over the
    named evidence and its cut (best F1) are fitted on seven events and applied to
    the eighth; "best cut in hindsight" picks the cut on the pooled held-out scores.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from narrative.evaluate import _share, _split

    pairs = pairs.copy()
    features = list(PAIR_FEATURES)
    for held in pairs["event"].unique():
        out = pairs["event"] == held
        scorer = fit_pair_scorer(pairs.loc[~out, features].to_numpy(), pairs.loc[~out, "label"].to_numpy())
        pairs.loc[out, "p"] = scorer.score({f: pairs.loc[out, f].to_numpy() for f in features})
    frame = sentences.reset_index(drop=True)
    key = gold.set_index(KEYS)["gold"]
    labels = [_split(key.get(k, "")) for k in frame[KEYS].itertuples(index=False, name=None)]
    unique = np.ones(len(frame), bool)
    for _, g in frame.groupby("event", sort=False):  # as score_alignment: no claim shared with another outlet
        idx, outlets = g.index.to_numpy(), g["outlet"].to_numpy()
        shared = _share([labels[i] for i in idx]) & (outlets[:, None] != outlets[None, :])
        unique[idx] = ~shared.any(axis=1)
    both = pd.concat([pairs.rename(columns={"i": "s", "j": "t"}), pairs.rename(columns={"j": "s", "i": "t"})])
    both["t_outlet"] = frame["outlet"].to_numpy()[both["t"].to_numpy()]
    by_outlet = (
        both.groupby(["s", "t_outlet"])["p"].max().reset_index().sort_values(["s", "p"], ascending=[True, False])
    )
    ev = pd.DataFrame(index=frame.index)
    ev["p_best"] = both.groupby("s")["p"].max()
    top2 = by_outlet.groupby("s").head(2)
    ev["p_second_outlet"] = top2.groupby("s")["p"].min().where(top2.groupby("s").size() > 1, 0.0)
    ev["cos"] = both.groupby("s")["cos"].max()
    ev["tok_f"] = both.groupby("s")["tok_f"].max()
    ev["n_likely"] = both.assign(likely=both["p"] >= 0.10).groupby("s")["likely"].sum()
    ev = ev.fillna(0.0)  # a sentence that states no claim has no pair: no evidence of a counterpart
    ev["words"] = np.log1p(frame["text"].str.split().str.len())
    ev["relative_position"] = frame.groupby(["event", "outlet"])["position"].rank(pct=True)
    ev["quote"] = frame["text"].str.contains('["“”]').astype(float)
    ev["attribution"] = frame["text"].str.contains(r"\b(?:said|says|told)\b").astype(float)
    ev["digits"] = frame["text"].str.contains(r"\d").astype(float)
    events = frame["event"].to_numpy()

    def best_cut(score, y):
        cuts = np.unique(score)
        f1 = [2 * (y & (score >= c)).sum() / max(1, y.sum() + (score >= c).sum()) for c in cuts]
        return cuts[int(np.argmax(f1))], float(np.max(f1))

    rows = []
    rules = {
        "1 - best held-out match probability": ["p_best"],
        "logistic regression over it and nine more (SENTENCE_EVIDENCE)": ["p_best", *SENTENCE_EVIDENCE],
    }
    for name, columns in rules.items():
        X = ev[columns].to_numpy(float)
        score, flag = np.zeros(len(frame)), np.zeros(len(frame), bool)
        for held in np.unique(events):
            out = events == held
            model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
            model.fit(X[~out], unique[~out])
            cut, _ = best_cut(model.predict_proba(X[~out])[:, 1], unique[~out])
            score[out] = model.predict_proba(X[out])[:, 1]
            flag[out] = score[out] >= cut
        tp = int((flag & unique).sum())
        p, r = tp / max(1, flag.sum()), tp / max(1, unique.sum())
        rows.append(
            {"decision": name, "AUC": roc_auc_score(unique, score), "unique_precision": p, "unique_recall": r,
             "unique_f1": 2 * p * r / (p + r) if p + r else np.nan, "best cut in hindsight F1": best_cut(score, unique)[1]}
        )  # fmt: skip
    table = pd.DataFrame(rows)
    table.attrs["far"] = {
        "shared, best below 0.10": int((~unique & (ev["p_best"] < 0.10)).sum()),
        "unique, best above 0.30": int((unique & (ev["p_best"] > 0.30)).sum()),
    }
    return table, int(unique.sum()), len(frame)


def omissions_against_gold(gold, sentences, E) -> pd.DataFrame:
    """How many omissions the gold confirms (:func:`score_omissions`), with and without the omission check."""
    import narrative

    rows = []
    for check in (True, False):
        aligner = ClaimAligner(check_omissions=check)
        result = narrative.compare(sentences[KEYS + ["text"]], embeddings=E, aligner=aligner)
        summary = omission_summary(score_omissions(gold, result.sentences, result.omissions))
        rows.append(summary.assign(**{"omission check": "on (shipped)" if check else "off"}))
    table = pd.concat(rows, ignore_index=True)
    keep = (table["omission check"] == "on (shipped)") | (table["omissions"] == "all")
    return table[keep][["omission check", "omissions", "n", "confirmed", "share_confirmed"]]


def _span(values) -> str:
    return f"{min(values):.2f}" if min(values) == max(values) else f"{min(values):.2f}-{max(values):.2f}"


def dev_set(gold_dir, encoder, cache, write_weights: bool) -> None:
    t0 = time.perf_counter()
    gold = read_gold(gold_dir)
    sentences, _ = gold_sentences(gold)
    E = embed(sentences["text"].tolist(), encoder=encoder, cache=cache)
    with features_computed_once() as stats:
        pairs = pair_table(gold, sentences, E)
        events = event_inputs(sentences, E)
        print(
            f"## 1. claims-gold-dev: {len(events)} events, {len(sentences)} sentences, "
            f"{int(pairs['label'].sum())} of {len(pairs)} cross-outlet pairs share a claim\n"
        )
        thresholds = sorted({float(t) for t in GRID} | {float(DEFAULT_THRESHOLD)})
        shipped_t = f"t={DEFAULT_THRESHOLD}, margin {SECONDARY_MARGIN}"
        rows = []
        for linkage, threshold in (("average", 0.60), ("complete", 0.60), ("complete", 0.55)):
            aligner = ClaimAligner(threshold=threshold, method="cluster", linkage=linkage)
            s = pool_scores(per_event_scores(gold, sentences, events, aligner))
            rows.append(
                {"method": f"naive clustering ({linkage}, cosine {threshold})", "evaluation": "fixed", **s[COLS]}
            )
        for name, features in variants().items():
            s, fixed, picked, held_out = loeo(gold, sentences, events, pairs, features)
            t_range, m_range = _span([t for t, _ in picked]), _span([m for _, m in picked])
            rows.append(
                {"method": f"pairwise: {name}", "evaluation": f"LOEO, t ({t_range}) and margin ({m_range}) picked per fold",
                 **s[COLS]}
            )  # fmt: skip
            if features == tuple(PAIR_FEATURES):
                nested_interval = event_interval(held_out).set_index("metric")
                s0, _, picked0, _ = loeo(gold, sentences, events, pairs, features, margins=(0.0,))
                rows.append(
                    {"method": f"pairwise: {name}, one bar for every claim (secondary_margin=0)",
                     "evaluation": f"LOEO, t picked per fold ({_span([t for t, _ in picked0])})", **s0[COLS]}
                )  # fmt: skip
                rows.append({"method": f"pairwise: {name}", "evaluation": f"LOEO, {shipped_t}", **fixed[COLS]})
                s1, _, picked1, _ = loeo(gold, sentences, events, pairs, features, params={"check_omissions": False})
                rows.append(
                    {"method": f"pairwise: {name}, without the omission check (check_omissions=False)",
                     "evaluation": f"LOEO, t ({_span([t for t, _ in picked1])}) and margin "
                                   f"({_span([m for _, m in picked1])}) picked per fold", **s1[COLS]}
                )  # fmt: skip
        pred = sentences[KEYS].assign(claim_id=find_claims(sentences, E)[1])
        shipped = score_alignment(gold, pred)
        rows.append(
            {
                "method": f"shipped defaults (ClaimAligner(), {shipped_t})",
                "evaluation": "in-sample",
                **pool_scores(shipped)[COLS],
            }
        )
        fast = pool_scores(per_event_scores(gold, sentences, events, ClaimAligner()))
        if not np.allclose(fast[COLS].to_numpy(float), pool_scores(shipped)[COLS].to_numpy(float)):
            print(
                "WARNING: find_claims and the per-event fits disagree; the LOEO rows may not match the shipped method."
            )
        print(pd.DataFrame(rows).to_string(index=False, float_format=fmt))
        print("\nLOEO: scorer trained on the other events' pairs; 'picked per fold' = the threshold (grid 0.10-0.60)")
        print("and second-claim margin (grid 0-0.20) with the best pair F1 on those events, so the held-out event")
        print("never informs its own settings.")
        print(
            "\n95% interval over events (bootstrap, 2000 resamples) of the shipped features, nested LOEO: "
            + ", ".join(
                f"{m.replace('_', ' ')} {nested_interval.at[m, 'estimate']:.3f} "
                f"({nested_interval.at[m, 'low']:.3f}-{nested_interval.at[m, 'high']:.3f})"
                for m in ("pair_precision", "pair_recall", "pair_f1", "unique_precision", "unique_recall", "unique_f1")
            )
        )

        s = score_alignment(gold, pred, drop_unlabelled=True)
        print("\nshipped defaults without the sentences the annotators gave no claim:")
        print(s[s["event"] == "overall"][COLS].to_string(index=False, float_format=fmt))

        print("\n## 2. threshold sweep of the shipped method (in-sample)\n")
        sweep = sweep_thresholds(gold, sentences, E, thresholds)
        print(sweep[["threshold", *COLS]].to_string(index=False, float_format=fmt))
        print(f"\nsecond-claim margin at t={DEFAULT_THRESHOLD} (in-sample)\n")
        margin_sweep = pd.concat(
            [
                sweep_thresholds(
                    gold, sentences, E, [DEFAULT_THRESHOLD], aligner=ClaimAligner(secondary_margin=m)
                ).assign(secondary_margin=m)
                for m in MARGINS
            ]
        )
        print(margin_sweep[["secondary_margin", *COLS]].to_string(index=False, float_format=fmt))
        print("\n## 2b. omissions against the gold (shipped defaults, in-sample)\n")
        print(omissions_against_gold(gold, sentences, E).to_string(index=False, float_format=fmt))
        print("confirmed: no sentence of the omitting outlet shares a gold claim with any sentence of the claim.")
        ceiling, n_unique, n = unique_ceiling(gold, sentences, pairs)
        print(f'\n## 2c. how far can a per-sentence "unique" decision go? ({n_unique} of {n} sentences gold-unique)\n')
        print(ceiling.to_string(index=False, float_format=fmt))
        print("nested: the pair scorer, the model and its cut are fitted on seven events and applied to the eighth.")
        print(f"SENTENCE_EVIDENCE: {', '.join(SENTENCE_EVIDENCE)}.")
        far = ", ".join(f"{k}: {v}" for k, v in ceiling.attrs["far"].items())
        print(f"far from any cut (gold label, best held-out match probability): {far}")
        print(f"\n(pair features computed {stats['computed']} times, reused {stats['reused']} times)")
    if write_weights:
        from narrative.pairs import TOKEN_FEATURES

        weights = fit_pair_scorer(pairs[list(PAIR_FEATURES)].to_numpy(), pairs["label"].to_numpy()).to_dict()
        # the scorer of ClaimAligner(token_evidence=False): the same pairs without the token features
        plain = tuple(f for f in PAIR_FEATURES if f not in TOKEN_FEATURES)
        weights["without_tokens"] = fit_pair_scorer(
            pairs[list(plain)].to_numpy(), pairs["label"].to_numpy(), features=plain
        ).to_dict()
        (ROOT / "narrative" / "pair_weights.json").write_text(json.dumps(weights, indent=1) + "\n")
        print("wrote narrative/pair_weights.json")
    print(f"[parts 1-2: {time.perf_counter() - t0:.0f} s]")


def basil_check(basil_dir, encoder, cache) -> None:
    from narrative.datasets import read_basil, read_basil_bias

    t0 = time.perf_counter()
    basil = read_basil(basil_dir)
    bias = read_basil_bias(basil_dir)
    E = embed(basil["text"].tolist(), encoder=encoder, cache=cache)
    table = uniqueness_table(basil, E)
    r = informational_bias_check(table, bias)
    inverse = informational_bias_check(table, bias, score="best_match", flag=None)
    print(
        f"\n## 3. BASIL informational bias: {basil['event'].nunique()} events "
        f"({', '.join(basil['outlet'].unique())}), {r['sentences']} sentences, "
        f"{r['positives']} with an informational-bias span (base rate {fmt(r['base_rate'])})\n"
    )
    print(
        f"score 'only this outlet said it' = 1 - best match with another outlet (shipped method, t={DEFAULT_THRESHOLD})"
    )
    print(
        f"  average precision        {fmt(r['average_precision'])}   (a random score gets the base rate, {fmt(r['base_rate'])})"
    )
    print(f"  best F1 over cuts        {fmt(r['best_f1'])}   (cut picked on these sentences: optimistic)")
    print(
        f"  F1 of the 'unique' flag  {fmt(r['flag_f1'])}   (precision {fmt(r['flag_precision'])}, "
        f"recall {fmt(r['flag_recall'])}; {r['flagged']} sentences flagged)"
    )
    print(f"  all-positive F1          {fmt(r['all_positive_f1'])}   (published: 0.27; supervised RoBERTa: 0.42)")
    print(f"  reverse score (best match itself): average precision {fmt(inverse['average_precision'])}")
    per_outlet = []
    for outlet, g in table.groupby("outlet", sort=False):
        o = informational_bias_check(g, bias)
        per_outlet.append(
            {"outlet": outlet, "sentences": o["sentences"], "positives": o["positives"],
             "base_rate": o["base_rate"], "AP": o["average_precision"], "flag_F1": o["flag_f1"],
             "unique_share": g["unique"].mean()}
        )  # fmt: skip
    print(pd.DataFrame(per_outlet).to_string(index=False, float_format=fmt))
    print(f"[part 3: {time.perf_counter() - t0:.0f} s]")


def pac_check(pac_dir, encoder, cache) -> None:
    from narrative.datasets import read_pac

    t0 = time.perf_counter()
    pac = read_pac(pac_dir)
    E = embed(pac["text"].tolist(), encoder=encoder, cache=cache)
    table = uniqueness_table(pac, E).merge(pac[[*KEYS, "partisan", "counter_partisan"]], on=KEYS, validate="one_to_one")
    print(
        f"\n## 4. PAC: {pac['event'].nunique()} stories (a left and a right article each), {len(pac)} sentences, "
        f"{int(pac['partisan'].sum())} Partisan and {int(pac['counter_partisan'].sum())} Counter-Partisan events\n"
    )
    rows = []
    for column, label in (("partisan", "Partisan"), ("counter_partisan", "Counter-Partisan")):
        r = partisan_enrichment(table, column=column)
        rows.append(
            {"sentence holds a": f"{label} event", "unique: with": r["a"], "unique: without": r["b"],
             "both: with": r["c"], "both: without": r["d"], "rate unique": r["rate_unique"],
             "rate both": r["rate_shared"], "odds ratio": r["odds_ratio"], "95% CI": f"{r['ci_low']:.2f}-{r['ci_high']:.2f}",
             "Fisher p": f"{r['p_value']:.3g}", "MH OR by story": r["mh_odds_ratio"],
             "MH 95% CI": f"{r['mh_ci_low']:.2f}-{r['mh_ci_high']:.2f}"}
        )  # fmt: skip
    print(pd.DataFrame(rows).T.to_string(header=False, float_format=fmt))
    print(
        f"\n{r['sentences']} sentences in the tables ({r['left_out']} that state no claim left out); "
        f"{int(table['unique'].sum())} unique to one side. Odds ratio: Woolf's log interval; "
        "MH: Mantel-Haenszel over stories (compares sentences within a story)."
    )
    print(f"[part 4: {time.perf_counter() - t0:.0f} s]")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=None, help="folder holding claims-gold-dev/, basil/, pac/")
    ap.add_argument("--cache-dir", default=None, help="embedding cache folder")
    ap.add_argument("--write-weights", action="store_true", help="retrain and write narrative/pair_weights.json")
    args = ap.parse_args(argv)
    if args.datasets:
        os.environ["NARRATIVE_DATASETS"] = str(Path(args.datasets).resolve())
    from narrative.datasets import datasets_dir, find_dataset

    start = time.perf_counter()
    root = datasets_dir()
    print(f"datasets: {root if root is not None else 'not found'}")
    print(f"shipped method: {ClaimAligner()!r}, features {', '.join(PAIR_FEATURES)}\n")
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 30)
    encoder = SentenceEncoder()
    cache = EmbeddingCache(args.cache_dir)
    found = {name: find_dataset(name) for name in ("claims-gold-dev", "basil", "pac")}
    if found["claims-gold-dev"] is not None:
        dev_set(found["claims-gold-dev"], encoder, cache, args.write_weights)
    if found["basil"] is not None:
        basil_check(found["basil"], encoder, cache)
    if found["pac"] is not None:
        pac_check(found["pac"], encoder, cache)
    skipped = [name for name, path in found.items() if path is None]
    parts = {
        "claims-gold-dev": "parts 1-2 (dev-set table, sweeps, omissions)",
        "basil": "part 3 (BASIL)",
        "pac": "part 4 (PAC)",
    }
    for name in skipped:
        print(f"\nSKIPPED {parts[name]}: {name}/ not found; pass --datasets PATH or set NARRATIVE_DATASETS.")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return 0 if len(skipped) < len(found) else 2


if __name__ == "__main__":
    sys.exit(main())
