"""Command line: ``narrative compare INPUT --out DIR`` and ``narrative evaluate GOLD``.

A mistake in the user's input or settings prints one paragraph naming the
file, the row and the fix, and exits with code 2; no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import warnings

from . import __version__
from .defaults import DEFAULT_THRESHOLD
from .embed import DEFAULT_MODEL
from .errors import InputError

__all__ = ["main", "build_parser"]


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"sentence-transformers model name or local folder (default: {DEFAULT_MODEL}, bundled, works offline)",
    )
    p.add_argument("--model-revision", default=None, help="model revision (commit or tag) for hub models")
    p.add_argument(
        "--device",
        default="cpu",
        help="torch device that runs the model: cpu (default), cuda, cuda:1, mps; "
        "vectors from other devices are cached apart and named in provenance.json",
    )
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        help=f"match probability (0-1) at which two sentences state the same claim (default: {DEFAULT_THRESHOLD})",
    )
    p.add_argument("--cache-dir", default=None, help="embedding cache folder (default: the user cache folder)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the embedding cache")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bars, no summary; only warnings and errors")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="narrative",
        description="Compare how several news outlets cover the same event: shared, partial and "
        "unique claims, and what each outlet left out.",
    )
    parser.add_argument("--version", action="version", version=f"narrative {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "compare",
        help="compare the outlets of one event or of many events",
        description="Compare the outlets' coverage in INPUT and write tables, figures, report.html "
        "and provenance.json into --out.",
    )
    p.add_argument(
        "input",
        metavar="INPUT",
        help="a folder of one event's articles (one .txt/.md/.html file per outlet), a folder of event "
        "folders, or a .csv/.tsv/.jsonl/.parquet table with columns outlet and text or sentence",
    )
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="folder to write the results into")
    _add_model_options(p)
    p.add_argument("--encoding", default=None, help="text encoding of the input files (default: detect)")
    p.add_argument(
        "--skip-empty",
        action="store_true",
        help="leave out empty article files (with a warning) instead of stopping",
    )
    p.add_argument("--language", default="en", help="language for sentence splitting (default: en)")
    p.add_argument(
        "--figures",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="draw the PNG figures of every event (default: yes for one run in this process, no for a corpus run "
        "with --jobs/--dask/--scheduler, where they take longer than all the rest); every report shows the "
        "coverage grid either way",
    )
    p.add_argument(
        "--backend",
        choices=["torch", "onnx", "onnx-int8"],
        default="torch",
        help="how the model runs: torch (default), onnx or onnx-int8 (faster; needs narrative[fast])",
    )
    p.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="compare events in N processes, results per event in OUT/events/",
    )
    p.add_argument("--dask", action="store_true", help="compare events on a local Dask cluster (--jobs workers)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="compare events on this Dask scheduler")
    p.add_argument("--force", action="store_true", help="write into a non-empty folder that holds other files")

    e = sub.add_parser(
        "evaluate",
        help="score claim alignment against human annotations",
        description="Score the claim alignment against gold claim annotations (claims-gold format): "
        "cross-outlet pair and unique-sentence precision, recall and F1, per event and overall.",
    )
    e.add_argument("gold", metavar="GOLD", help="a gold .json file or a folder of them")
    e.add_argument(
        "--articles",
        default=None,
        metavar="DIR",
        help="BASIL articles folder the gold files refer to (default: $NARRATIVE_DATASETS/basil/articles "
        "or ../shared/datasets/basil/articles); gold files that hold the sentence texts need none",
    )
    e.add_argument("--out", "-o", default=None, metavar="DIR", help="folder for the score CSV files")
    e.add_argument(
        "--force",
        action="store_true",
        help="write into a --out folder that holds other files (files of the same names are replaced)",
    )
    e.add_argument(
        "--drop-unlabelled",
        action="store_true",
        help="leave out of the scores the sentences the annotators gave no claim (e.g. a repeated headline)",
    )
    e.add_argument(
        "--sweep",
        default=None,
        metavar="LO:HI:STEP",
        help="also score a threshold sweep, e.g. 0.4:0.8:0.05 (at most 201 thresholds)",
    )
    _add_model_options(e)
    return parser


class _Reporter:
    def __init__(self, quiet: bool):
        self.quiet = quiet

    def warn(self, message: str) -> None:
        from .errors import fs_text

        print(f"narrative: warning: {fs_text(message)}", file=sys.stderr)

    def info(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr)


def _out_outside_input(args) -> None:
    from pathlib import Path

    from .errors import InputError
    from .output import TABLE_COLUMNS

    source, out = Path(args.input).resolve(), Path(args.out).resolve()
    if source.is_file() and source.parent == out and source.name in {*TABLE_COLUMNS, "report.html", "provenance.json"}:
        raise InputError(
            f"INPUT is the file {source.name} inside the output folder, which the results would replace.",
            path=args.input,
            fix="give --out another folder, or copy INPUT out of it first.",
        )
    if source.is_dir() and (out == source or source in out.parents):
        raise InputError(
            "the output folder is inside the input folder, so a later run would read its results "
            "(report.html, the tables) as articles or events.",
            path=args.out,
            fix="give --out a folder outside INPUT.",
        )


def _check_paths_and_encoding(args) -> None:
    """Refuse what no run can use: an empty path (an unset shell variable), a URL, an unknown encoding."""
    import codecs

    from .errors import InputError

    for name, value in (("INPUT", args.input), ("--out", args.out)):
        if not str(value).strip():
            raise InputError(
                f"{name} is empty (an unset shell variable?).",
                fix=f"give {name} as a path; use '.' for the current folder.",
            )
    if "://" in str(args.input):
        raise InputError(
            f"INPUT {args.input!r} is a URL; narrative reads files and folders on disk, offline.",
            fix="download the page or table first (e.g. curl -o page.html URL) and give its path.",
        )
    if args.encoding is not None:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise InputError(
                f"--encoding {args.encoding!r} is not a text encoding Python knows.",
                fix="give a codec name such as utf-8, cp1252, latin-1, utf-16 or koi8-r.",
            ) from None


def _cache_outside_out(args) -> None:
    from pathlib import Path

    from .errors import InputError

    if args.cache_dir is None or args.no_cache:
        return
    cache, out = Path(args.cache_dir).resolve(), Path(args.out).resolve()
    if cache == out or out in cache.parents:
        raise InputError(
            "the cache folder is the output folder or inside it, where the results are written "
            "(and which a later run may replace).",
            path=args.cache_dir,
            fix="give --cache-dir a folder outside --out, or leave it out to use the user cache folder.",
        )


def _compare(args, reporter: _Reporter) -> int:
    _check_paths_and_encoding(args)
    _out_outside_input(args)
    _cache_outside_out(args)
    corpus = args.jobs is not None or args.dask or args.scheduler
    from .output import check_out_folder

    check_out_folder(args.out, force=args.force, corpus=corpus)  # before any work, not after it
    if corpus:
        return _compare_corpus(args, reporter)
    from .pipeline import compare

    start = time.perf_counter()
    from .embed import SentenceEncoder

    encoder = SentenceEncoder(
        args.model, revision=args.model_revision, device=args.device, backend=args.backend, cache_dir=args.cache_dir
    )
    result = compare(
        args.input,
        model=encoder,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        encoding=args.encoding,
        skip_empty=args.skip_empty,
        language=args.language,
        progress=not args.quiet,
        threshold=args.threshold,
    )
    result.provenance["command"] = ["narrative", *args.argv]
    result.write(args.out, figures=args.figures is not False, force=args.force)
    for note in result.notes:
        reporter.warn(note)
    if not args.quiet:
        summary = result.summary()
        with _pandas_display():
            print(summary.to_string(index=False))
        counts = result.provenance["counts"]
        print(
            f"\n{counts['events']} event(s), {counts['sentences']} sentences, {counts['claims']} claims, "
            f"{counts['omissions']} omissions; {time.perf_counter() - start:.1f} s. "
            f"Results in {args.out}/ (open {os.path.join(args.out, 'report.html')})."
        )
        if result.notes:
            skipped = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.get("skipped", {}).items())
            print(f"{len(result.notes)} warning(s) (above){'; skipped or cleaned: ' + skipped if skipped else ''}.")
    return 0


def _compare_corpus(args, reporter: _Reporter) -> int:
    from .corpus import compare_corpus
    from .errors import InputError

    if args.dask and args.scheduler:
        raise InputError(
            "--dask starts a Dask cluster on this machine and --scheduler uses a running one; give one of them.",
            fix="leave out --dask to run on the scheduler, or --scheduler to start a local cluster.",
        )

    run = compare_corpus(
        args.input,
        args.out,
        model=args.model,
        revision=args.model_revision,
        device=args.device,
        backend=args.backend,
        threshold=args.threshold,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        encoding=args.encoding,
        skip_empty=args.skip_empty,
        language=args.language,
        figures=bool(args.figures),
        jobs=args.jobs or (os.cpu_count() or 1 if args.dask else 1),
        dask=args.dask,
        scheduler=args.scheduler,
        force=args.force,
        progress=not args.quiet,
        command=["narrative", *args.argv],
    )
    for note in dict.fromkeys(run.notes):
        reporter.warn(note)
    reporter.info(
        f"{len(run.events)} event(s): {len(run.computed)} compared, {len(run.reused)} already done; "
        f"{run.seconds:.1f} s. Results in {args.out}/ (per event in {os.path.join(args.out, 'events')}/)."
        + ("" if args.figures is not None else " No PNG figures in a corpus run unless --figures is given.")
    )
    return 0


class _pandas_display:
    def __enter__(self):
        import pandas as pd

        self._ctx = pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 200)
        self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def _evaluate(args, reporter: _Reporter) -> int:
    from .evaluate import evaluate_command

    return evaluate_command(args, reporter=reporter)


def main(argv=None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    for stream in (sys.stdout, sys.stderr):  # a plain-C locale cannot print "é": escape it, do not fail
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="backslashreplace")
    reporter = _Reporter(getattr(args, "quiet", False))
    logging.basicConfig(level=logging.WARNING, format="narrative: %(message)s")
    for noisy in ("sentence_transformers", "transformers", "huggingface_hub", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    if getattr(args, "quiet", False):
        os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if args.command == "compare":
                return _compare(args, reporter)
            return _evaluate(args, reporter)
    except InputError as exc:
        print(f"narrative: error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("narrative: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output went away (`narrative compare ... | head`)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that Python's final flush does not fail again
        return 141  # 128 + SIGPIPE, as a shell reports a command ended by a closed pipe


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
