"""The two independent accuracy checks (BASIL informational bias, PAC partisan events) and the benchmark script."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import odds_ratio

from narrative.evaluate import (
    informational_bias_check,
    partisan_enrichment,
    pool_scores,
    score_alignment,
    uniqueness_table,
)

ROOT = Path(__file__).resolve().parents[1]
KEYS = ["event", "outlet", "position"]


def _unique_from_claim_ids(sentences: pd.DataFrame, claim_ids: list[str]) -> np.ndarray:
    """Sentence-level 'only this outlet said it' from find_claims' ids, written out plainly."""
    ids = [set(filter(None, c.split(";"))) for c in claim_ids]
    ev, out = sentences["event"].to_numpy(), sentences["outlet"].to_numpy()
    return np.array(
        [bool(ids[i]) and not any(ids[i] & ids[j] for j in range(len(ids)) if ev[j] == ev[i] and out[j] != out[i])
         for i in range(len(ids))]
    )  # fmt: skip


# -- scoring logic on small known tables ------------------------------------------------


def test_pool_scores_of_all_events_is_the_overall_row():
    gold = pd.DataFrame(
        {"event": list("eeeeff"), "outlet": list("aabbab"), "position": [0, 1, 0, 1, 0, 0],
         "gold": ["C1", "C2", "C1", "C3", "C1", "C1"]}
    )  # fmt: skip
    scores = score_alignment(gold, gold.assign(claim_id=["X", "Y", "X", "X", "Z", "W"]))
    overall = scores.set_index("event").loc["overall"]
    pooled = pool_scores(scores)
    for col in ("pair_tp", "pair_fp", "pair_fn", "unique_tp", "pair_f1", "unique_f1"):
        assert pooled[col] == overall[col]
    only_f = pool_scores(scores, ["f"])
    assert (only_f["pair_tp"], only_f["pair_fn"], only_f["sentences"]) == (0, 1, 2)


def _labels_and_scores(n=200, rate=0.2, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < rate
    keys = pd.DataFrame({"event": "e", "outlet": np.where(np.arange(n) % 2, "a", "b"), "position": np.arange(n)})
    return keys.assign(inf=y), keys, y


def test_average_precision_of_a_perfect_and_a_constant_score():
    labels, keys, y = _labels_and_scores()
    perfect = keys.assign(only_here=y.astype(float), unique=y)
    r = informational_bias_check(perfect.sample(frac=1, random_state=1), labels)  # matched by keys, not row order
    assert r["average_precision"] == pytest.approx(1.0)
    assert r["best_f1"] == pytest.approx(1.0) and r["flag_f1"] == pytest.approx(1.0)
    constant = keys.assign(only_here=0.5, unique=True)
    r = informational_bias_check(constant, labels)
    assert r["average_precision"] == pytest.approx(y.mean())
    assert r["flag_f1"] == pytest.approx(r["all_positive_f1"]) == pytest.approx(2 * y.mean() / (1 + y.mean()))
    assert (r["sentences"], r["positives"]) == (len(y), int(y.sum()))


def test_reversed_score_has_average_precision_below_the_base_rate():
    labels, keys, y = _labels_and_scores(seed=3)
    r = informational_bias_check(keys.assign(only_here=(~y).astype(float), unique=~y), labels)
    assert r["average_precision"] <= y.mean() + 1e-9
    assert r["flag_precision"] == 0.0 and r["flag_recall"] == 0.0


def test_partisan_enrichment_counts_odds_ratio_and_interval():
    cells = {(True, True): 30, (True, False): 20, (False, True): 10, (False, False): 40}
    rows = [(u, int(x)) for (u, x), k in cells.items() for _ in range(k)]
    table = pd.DataFrame(rows, columns=["unique", "partisan"]).assign(event="s", states_claim=True)
    table.loc[len(table)] = [True, 1, "s", False]  # states no claim: left out
    r = partisan_enrichment(table)
    assert (r["a"], r["b"], r["c"], r["d"], r["left_out"]) == (30, 20, 10, 40, 1)
    assert r["sentences"] == r["a"] + r["b"] + r["c"] + r["d"] == len(table) - 1
    expected = odds_ratio([[30, 20], [10, 40]], kind="sample")
    ci = expected.confidence_interval(0.95)
    assert r["odds_ratio"] == pytest.approx(expected.statistic) == pytest.approx(6.0)
    assert (r["ci_low"], r["ci_high"]) == (pytest.approx(ci.low, rel=1e-6), pytest.approx(ci.high, rel=1e-6))
    assert r["ci_low"] < r["odds_ratio"] < r["ci_high"] and r["p_value"] < 0.001
    # one story: Mantel-Haenszel is the crude odds ratio
    assert r["strata"] == 1 and r["mh_odds_ratio"] == pytest.approx(r["odds_ratio"])
    assert r["mh_ci_low"] < r["mh_odds_ratio"] < r["mh_ci_high"]


def test_partisan_enrichment_empty_cell_and_stratified_confounding():
    # story s1: many unique and many partisan sentences; s2: few of both; within each story no association
    s1 = pd.DataFrame({"unique": [True] * 80 + [False] * 20, "partisan": [1] * 64 + [0] * 16 + [1] * 16 + [0] * 4})
    s2 = pd.DataFrame({"unique": [True] * 20 + [False] * 80, "partisan": [1] * 4 + [0] * 16 + [1] * 16 + [0] * 64})
    table = pd.concat([s1.assign(event="s1"), s2.assign(event="s2")], ignore_index=True)
    r = partisan_enrichment(table)
    assert r["odds_ratio"] > 3  # pooled: spurious enrichment
    assert r["mh_odds_ratio"] == pytest.approx(1.0)  # within stories: none
    zero = partisan_enrichment(pd.DataFrame({"unique": [True, True, False], "partisan": [1, 1, 0]}), strata=None)
    assert np.isfinite(zero["odds_ratio"]) and zero["ci_low"] < zero["odds_ratio"] < zero["ci_high"]
    assert "mh_odds_ratio" not in zero


# -- the real corpora ----------------------------------------------------------------


@pytest.mark.datasets
def test_basil_bias_reader_counts(basil_dir):
    from narrative.datasets import read_basil, read_basil_bias

    basil = read_basil(basil_dir)
    bias = read_basil_bias(basil_dir)
    assert basil["event"].nunique() == 50 and len(basil) == 4062
    assert set(basil["outlet"]) == {"fox", "nyt", "hpo"}
    assert bias[KEYS].equals(basil[KEYS])
    assert int(bias["inf"].sum()) == 630 and int(bias["lex"].sum()) > 0


@pytest.mark.datasets
def test_informational_bias_check_reads_the_experts_labels(basil_dir):
    from narrative.datasets import read_basil_bias

    bias = read_basil_bias(basil_dir)
    y = bias["inf"].to_numpy()
    perfect = bias[KEYS].assign(only_here=y.astype(float), unique=y).sample(frac=1, random_state=0)
    r = informational_bias_check(perfect, bias)
    assert r["average_precision"] == pytest.approx(1.0) and r["flag_f1"] == pytest.approx(1.0)
    constant = informational_bias_check(bias[KEYS].assign(only_here=1.0, unique=True), bias)
    assert constant["average_precision"] == pytest.approx(630 / 4062)
    assert constant["all_positive_f1"] == pytest.approx(0.27, abs=0.005)  # the published all-positive baseline


@pytest.mark.datasets
def test_pac_reader_counts(pac_dir):
    from narrative.datasets import read_pac

    pac = read_pac(pac_dir)
    assert pac["event"].nunique() == 76 and len(pac) == 4247
    assert (pac.groupby("event")["outlet"].nunique() == 2).all()
    assert int(pac["partisan"].sum()) == 3337 and int(pac["counter_partisan"].sum()) == 1159


@pytest.mark.datasets
@pytest.mark.model
def test_basil_check_on_three_events_with_the_real_model(basil_dir, encoder, cache_dir):
    from narrative.claims import find_claims
    from narrative.datasets import read_basil, read_basil_bias
    from narrative.embed import EmbeddingCache, embed

    events = sorted(read_basil(basil_dir)["event"].unique())[:3]
    basil = read_basil(basil_dir, events=events)
    bias = read_basil_bias(basil_dir, events=events)
    E = embed(basil["text"].tolist(), encoder=encoder, cache=EmbeddingCache(cache_dir))
    table = uniqueness_table(basil, E)
    assert table[KEYS].equals(basil[KEYS])
    assert not (table["unique"] & ~table["states_claim"]).any()
    assert table["only_here"].between(0, 1).all()
    # the same "unique" as the claims the pipeline builds
    _, ids = find_claims(basil, E)
    assert (table["unique"].to_numpy() == _unique_from_claim_ids(basil, ids)).all()
    r = informational_bias_check(table, bias)
    assert r["sentences"] == len(basil) and r["positives"] == int(bias["inf"].sum()) > 0
    assert 0 < r["average_precision"] <= 1 and r["flagged"] == int(table["unique"].sum())


@pytest.mark.datasets
@pytest.mark.model
def test_pac_enrichment_on_three_stories_with_the_real_model(pac_dir, encoder, cache_dir):
    from narrative.datasets import read_pac
    from narrative.embed import EmbeddingCache, embed

    pac = read_pac(pac_dir, stories=[0, 1, 2])
    assert pac["event"].nunique() == 3
    E = embed(pac["text"].tolist(), encoder=encoder, cache=EmbeddingCache(cache_dir))
    table = uniqueness_table(pac, E).merge(pac[[*KEYS, "partisan"]], on=KEYS, validate="one_to_one")
    r = partisan_enrichment(table)
    assert r["sentences"] + r["left_out"] == len(pac)
    assert r["sentences"] == int(table["states_claim"].sum())
    assert r["a"] + r["b"] == int(table["unique"].sum())
    assert r["a"] + r["c"] == int((table["states_claim"] & (table["partisan"] > 0)).sum())
    assert r["ci_low"] <= r["odds_ratio"] <= r["ci_high"]
    assert r["strata"] == 3 and r["mh_ci_low"] <= r["mh_odds_ratio"] <= r["mh_ci_high"]


# -- the benchmark script ----------------------------------------------------------------


def _bench():
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_bench_says_which_parts_it_skipped(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NARRATIVE_DATASETS", str(tmp_path))  # restored afterwards; the script sets it
    bench = _bench()
    (tmp_path / "basil").mkdir()  # only a (useless) basil folder: parts 1, 2 and 4 are skipped
    monkeypatch.setattr(bench, "basil_check", lambda *a: print("basil ran"))
    code = bench.main(["--datasets", str(tmp_path), "--cache-dir", str(tmp_path / "cache")])
    out = capsys.readouterr().out
    assert code == 0 and "basil ran" in out
    assert "SKIPPED parts 1-2 (dev-set table, sweeps, omissions): claims-gold-dev/ not found" in out
    assert "SKIPPED part 4 (PAC): pac/ not found" in out
    assert "SKIPPED part 3" not in out
    assert bench.main(["--datasets", str(tmp_path / "nothing")]) == 2
    assert "SKIPPED part 3 (BASIL)" in capsys.readouterr().out


@pytest.mark.datasets
def test_bench_unique_ceiling_on_the_dev_set(gold_dir, basil_dir, encoder, cache_dir):
    """Section 2c: per-sentence "unique" decisions, nested, over three real events."""
    from narrative.embed import EmbeddingCache, embed
    from narrative.evaluate import gold_sentences, pair_table, read_gold

    bench = _bench()
    gold = read_gold(gold_dir)
    gold = gold[gold["event"].isin(gold["event"].unique()[:3])]
    sentences, _ = gold_sentences(gold)
    E = embed(sentences["text"].tolist(), encoder=encoder, cache=EmbeddingCache(cache_dir))
    table, n_unique, n = bench.unique_ceiling(gold, sentences, pair_table(gold, sentences, E))
    # gold-unique by the metric's own definition: the unique sentences of an all-unique prediction
    everything_unique = score_alignment(gold, sentences[KEYS].assign(claim_id=[f"s{i}" for i in range(len(sentences))]))
    assert n == len(sentences)
    assert n_unique == everything_unique.set_index("event").at["overall", "unique_tp"] > 0
    assert list(table["decision"]) == [
        "1 - best held-out match probability",
        "logistic regression over it and nine more (SENTENCE_EVIDENCE)",
    ]
    # the evidence ranks unique sentences well above chance, and the nested flags are real flags
    assert (table["AUC"] > 0.75).all()
    assert table[["unique_precision", "unique_recall", "unique_f1", "best cut in hindsight F1"]].gt(0.5).all().all()
    assert (table[["unique_precision", "unique_recall"]] < 1).all().all()
    far = table.attrs["far"]
    assert far["unique, best above 0.30"] <= n_unique and far["shared, best below 0.10"] <= n - n_unique
