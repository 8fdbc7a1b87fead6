"""Corpus runs: one unit of work per event, in parallel processes or on a Dask cluster.

:func:`compare_corpus` compares every event of a corpus independently and
writes each event's results into ``OUT/events/<event>/`` as soon as it is
done, with a completion marker (``done.json``) that records a key over the
event's input, the settings and the model. A run that is interrupted and
started again skips every event whose marker matches, so nothing finished
is redone; a second run with the same input and settings redoes nothing and
loads no model. The combined files (``sentences.csv``, ``claims.csv``, ...,
``figures/``, ``report.html``, ``provenance.json``) are then assembled from
the per-event results, so they are the same whether the events ran in one
process, in ``jobs`` processes or on Dask workers. Each event folder also
holds the event's own ``report.html``; the combined report links to them.
PNG figures are drawn only when asked (``figures=True``); the combined report
then embeds those of small corpora only (:data:`REPORT_FIGURES_MAX_EVENTS`).

Inputs are read one event at a time: a folder of event folders, or a Parquet
file or dataset folder (``event``, ``outlet``, and ``text`` for one article per
row or ``sentence`` for one sentence per row, as in any table), filtered by
event with pyarrow. Other tables and DataFrames are split by event in memory.

Workers load the model once each (a per-process encoder cache) and embed the
events they are given, reading and filling the shared embedding cache.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .defaults import DEFAULT_THRESHOLD
from .embed import DEFAULT_MODEL, SentenceEncoder
from .errors import InputError, fs_text

__all__ = ["EventUnit", "CorpusRun", "compare_corpus", "list_events"]

#: Per-event tables kept (as Parquet, no pickle) so the combined files can be assembled.
_TABLES = ("sentences", "claims", "coverage", "omissions", "outlets", "themes", "emphasis", "articles")
_MARKER = "done.json"
_FORMAT = 2


@dataclass(frozen=True)
class EventUnit:
    """One event of a corpus: where to read it, without reading it.

    Attributes
    ----------
    event : str
        The event id.
    kind : {"folder", "parquet", "frame", "input"}
        How to read it: an event folder; a Parquet file or dataset filtered by
        event (``rows``: the event's row numbers in it, for messages); sentence
        rows given in memory (``rows``, a DataFrame); or the event's part of a
        table file already read (``rows``, an :class:`narrative.io.Input`).
    path : str or None
        The folder or table path.
    index : int
        Position of the event in the corpus (names unsafe event folders).

    A table, a Parquet dataset included, is read as any table is
    (:func:`narrative.io.read_table`): a ``text`` column holds one article per
    row, a ``sentence`` column one sentence per row.
    """

    event: str
    kind: str
    path: str | None = None
    index: int = 0
    rows: object = None
    #: For a Parquet unit: the event column's name and its values (a pyarrow array, of the column's
    #: own type) that mean this event, so that the filter works whatever the column's type.
    column: str = "event"
    values: object = None
    #: For a table file read whole: what reading it reported (an :class:`narrative.io.Input` holding
    #: only notes and skipped counts), the same object on every event of the table. It concerns the
    #: table, not one event, so the run reports it once (:attr:`CorpusRun.notes`, the combined
    #: provenance) and no event's own folder carries it.
    table: object = None

    def read(self):
        """The event's input for :func:`narrative.compare`: a folder path, an Input or a sentences DataFrame."""
        if self.kind == "folder":
            return Path(self.path)
        if self.kind == "input":
            return self.rows
        if self.kind == "parquet":
            import pyarrow.dataset as ds

            from .io import Input, _table_to_input, file_digest

            path = Path(self.path)
            with _reading_parquet(path):
                values = self.values if self.values is not None else [self.event]
                dataset = _parquet_dataset(path)
                table = dataset.to_table(
                    columns=[*dataset.schema.names, "__filename"], filter=ds.field(self.column).isin(values)
                )
                holding = set(table.column("__filename").to_pylist())  # the files this event's rows are in
                frame = table.drop_columns(["__filename"]).to_pandas()
            # event ids become strings (stripped) as in any table: io reads them from the raw values
            files = {name: file_digest(Path(name)) for name in sorted(holding)}
            inp = Input(files=files, root=path if path.is_dir() else None)
            return _table_to_input(frame, path, inp, rows=self.rows)
        return _sentence_rows(self.rows, "<DataFrame>")


class _reading_parquet:
    """Turn what pyarrow raises on a user's Parquet file or dataset into an :class:`InputError` naming it."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, InputError):
            return False
        import pyarrow as pa

        if not isinstance(exc, pa.lib.ArrowException | OSError):
            return False  # a programming error: let it show
        what = "Parquet dataset" if self.path.is_dir() else "PARQUET table"
        fix = (
            "check that every data file in the folder is a valid Parquet table with the same columns "
            "(files and folders whose names start with '.' or '_' are ignored)."
            if self.path.is_dir()
            else "check that the file is a valid PARQUET table with a header row."
        )
        raise InputError(
            f"cannot read the {what} ({type(exc).__name__}: {str(exc).strip()[:200]}).", path=self.path, fix=fix
        ) from None


def _parquet_dataset(path: Path):
    import pyarrow.dataset as ds

    return ds.dataset(str(path), format="parquet", partitioning="hive")


def _sentence_rows(frame: pd.DataFrame, source) -> pd.DataFrame:
    frame = frame.copy()
    if "text" not in frame.columns and "sentence" in frame.columns:
        frame = frame.rename(columns={"sentence": "text"})
    frame["event"] = frame["event"].astype(str)
    if "position" not in frame.columns:
        frame["position"] = frame.groupby("outlet", sort=False).cumcount()
    frame["source"] = str(source)
    return frame.reset_index(drop=True)


def list_events(source, *, encoding: str | None = None, skip_empty: bool = False) -> list[EventUnit]:
    """The events of a corpus, in order, as units of work (nothing but ids is read).

    Parameters
    ----------
    source : path or pandas.DataFrame
        A folder of event folders (or one event's folder), a Parquet file or
        dataset folder, another table file, or a sentences DataFrame.
    encoding : str, optional
        Text encoding of a table file that is read whole (see :func:`narrative.io.read_input`).
    skip_empty : bool, default False
        As in :func:`narrative.io.read_input`, for the errors reported while listing.
    """
    from .io import (
        ARTICLE_SUFFIXES,
        check_event_ids,
        event_subfolders,
        folder_name,
        is_parquet_dataset,
        read_input,
    )

    if isinstance(source, pd.DataFrame):
        return _frame_units(source)
    path = Path(source)
    if not path.exists():
        raise InputError("no such file or folder.", path=path, fix="give a folder of event folders or a table.")
    if path.is_file() and path.suffix.lower() == ".parquet":
        units = _parquet_units(path)
        if units is not None:
            return units
        return _table_units(path, encoding=encoding, skip_empty=skip_empty)
    if path.is_dir() and is_parquet_dataset(path):
        units = _parquet_units(path)
        if units is None:
            raise InputError("the Parquet input has no 'event' column.", path=path, fix="add one event id per row.")
        return units
    if path.is_dir():

        def articles(folder: Path) -> bool:
            return any(
                p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".")
                for p in folder.iterdir()
            )

        if articles(path):
            return [EventUnit(folder_name(path), "folder", str(path), 0)]
        subs = [p for p in event_subfolders(path) if articles(p)]
        if not subs:
            _no_events(path)
            read_input(path, encoding=encoding, skip_empty=skip_empty)  # the reader's own error for an odd folder
        check_event_ids(path, subs)  # as the one-process reader does
        return [EventUnit(fs_text(p.name), "folder", str(p), k) for k, p in enumerate(subs)]
    return _table_units(path, encoding=encoding, skip_empty=skip_empty)


def _no_events(folder: Path) -> None:
    """Refuse a folder that holds Parquet files among other files (neither a dataset nor articles)."""
    from .io import _data_files, _some

    parquet, others = [], []
    for f in _data_files(folder):
        (parquet if f.name.lower().endswith(".parquet") else others).append(f.name)
    if parquet and others:
        raise InputError(
            f"the folder holds Parquet files ({parquet[0]}, ...) and other files ({_some(others)}), and no articles; "
            "it is neither a Parquet dataset nor a folder of event folders.",
            path=folder,
            fix="keep only Parquet files in a dataset folder (names starting with '_' or '.' are ignored), "
            "or give one event folder per event.",
        )


def _table_units(path: Path, *, encoding, skip_empty) -> list[EventUnit]:
    """A table file read whole, as the one-process path reads it, split into one unit per event."""
    from .io import Input, read_input

    inp = read_input(path, encoding=encoding, skip_empty=skip_empty)
    frame = inp.articles if inp.articles is not None else inp.sentences
    table = Input()
    table.notes, table.skipped = list(inp.notes), dict(inp.skipped)
    units = []
    for k, (e, part) in enumerate(frame.groupby("event", sort=False)):
        part = part.reset_index(drop=True)
        one = Input(files=dict(inp.files))
        if inp.articles is not None:
            one.articles = part
        else:
            one.sentences = part
        units.append(EventUnit(str(e), "input", str(path), k, one, table=table))
    return units


def _parquet_units(path: Path) -> list[EventUnit] | None:
    """The events of a Parquet file or dataset, read from its event column alone.

    Event ids are the column's values as text, stripped, as :func:`narrative.io.read_table`
    makes them; each unit keeps the raw values of its event for the filter. None when the
    input has no event column, or when a single file cannot be read by pyarrow's dataset
    reader (the caller then reads it as any table, and reports what the table reader reports).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from .io import Input, _is_missing, _table_to_input, check_event_column

    try:
        with _reading_parquet(path):
            dataset = _parquet_dataset(path)
            schema = dataset.schema
    except InputError:
        if path.is_file():
            return None
        raise
    with _reading_parquet(path):
        header = schema.empty_table().to_pandas()  # the columns as pandas reads them (no index columns)
    names = [str(c).strip().lower() for c in header.columns]
    if "event" not in names:
        return None  # a single file is one event, named by the file, as any table
    if len(set(names)) < len(names) or "outlet" not in names or ("text" in names) == ("sentence" in names):
        _table_to_input(header, path, Input())  # the table reader's own error about its columns
    column = str(header.columns[names.index("event")])
    with _reading_parquet(path):
        table = dataset.to_table(columns=[column])
        raw = table.column(column)
        ids = table.to_pandas()[column]
        if pa.types.is_dictionary(raw.type):
            raw = raw.cast(raw.type.value_type)
    if len(ids) == 0:
        _table_to_input(header, path, Input())  # "the table has a header but no rows"
    if pa.types.is_nested(raw.type):
        valid = raw.is_valid().to_numpy(zero_copy_only=False).nonzero()[0]
        raise InputError(
            f"the 'event' column holds {raw.type}, not text.",
            path=path,
            row=int(valid[0]) + 1 if len(valid) else None,
            fix="give 'event' as one plain string per row.",
        )
    ids = ids.map(lambda v: "" if _is_missing(v) else str(v)).astype(object).str.strip().reset_index(drop=True)
    check_event_column(ids, ids.index + 1, path)
    rows = ids.groupby(ids, sort=False).indices  # each event's rows (0-based)
    events = list(rows)  # in order of first appearance
    units = []
    for k, e in enumerate(events):
        with _reading_parquet(path):
            values = pc.unique(raw.take(pa.array(rows[e])))
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        units.append(EventUnit(e, "parquet", str(path), k, rows[e] + 1, column=column, values=values))
    return units


def _frame_units(frame: pd.DataFrame) -> list[EventUnit]:
    if "event" not in frame.columns:
        frame = frame.assign(event="event")
    groups = frame.groupby(frame["event"].astype(str), sort=False)
    return [EventUnit(e, "frame", None, k, part.reset_index(drop=True)) for k, (e, part) in enumerate(groups)]


def _safe_name(event: str, index: int) -> str:
    from .output import _safe_name as safe

    return safe(event, index)


# --------------------------------------------------------------------------- one event


_ENCODERS: dict = {}

#: The combined report embeds the figures of at most this many events; a larger corpus's report
#: links each event to its own report (``events/<event>/report.html``), which has its figures,
#: so that the page stays small enough for a browser.
REPORT_FIGURES_MAX_EVENTS = 20


def _encoder(config: dict) -> SentenceEncoder:
    """The encoder of this process, loaded once and kept for every event it runs."""
    key = _encoder_key(config)
    if key not in _ENCODERS:
        _ENCODERS[key] = SentenceEncoder(
            config["model"],
            revision=config["revision"],
            device=config["device"],
            backend=config["backend"],
            threads=config["threads"],
            cache_dir=config["cache_dir"],
        )
    return _ENCODERS[key]


def _encoder_key(config: dict) -> tuple:
    return tuple(config[k] for k in ("model", "revision", "device", "backend", "threads", "cache_dir"))


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _input_digest(data) -> str:
    from .io import Input

    if isinstance(data, Input):
        kind, frame = ("articles", data.articles) if data.articles is not None else ("sentences", data.sentences)
        return _digest([kind, _input_digest(frame)])
    if isinstance(data, pd.DataFrame):
        cols = [c for c in ("event", "outlet", "position", "text", "title") if c in data.columns]
        return _digest(data[cols].astype(str).to_dict("split")["data"])
    digest = hashlib.sha256()
    for p in sorted(Path(data).iterdir()):
        if p.is_file() and not p.name.startswith("."):
            digest.update(os.fsencode(p.name) + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return digest.hexdigest()


def _event_folder_of_ours(folder: Path) -> bool:
    """Whether every entry of an event's folder is one that a corpus run writes there."""
    from .output import TABLE_COLUMNS

    names = {*TABLE_COLUMNS, "report.html", "provenance.json", "figures", "tables", _MARKER, f".{_MARKER}.tmp"}
    try:
        return folder.is_dir() and all(p.name in names or p.name.startswith(".narrative-") for p in folder.iterdir())
    except OSError:
        return False


def _results_of_ours(out: Path) -> bool:
    """Whether ``out`` holds results of an earlier corpus or one-process run (not merely files of those names)."""
    from .output import is_narrative_provenance

    if is_narrative_provenance(out / "provenance.json"):
        return True
    events = out / "events"
    try:
        markers = list(events.glob(f"*/{_MARKER}")) if events.is_dir() else []
    except OSError:
        return False
    for marker in markers:  # a first run stopped before its combined files: its finished events
        try:
            done = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if isinstance(done, dict) and done.get("format") == _FORMAT and isinstance(done.get("key"), str):
            return True
    return False


def run_event(unit: EventUnit, out, config: dict) -> dict:
    """Compare one event and write its results into ``out/events/<event>/``; skip it when done.

    Returns the event's completion marker (a small dict).
    """
    from .output import dump_json

    folder = Path(out) / "events" / _safe_name(unit.event, unit.index)
    data = unit.read()
    key = _digest({"input": _input_digest(data), "settings": config["key"]})
    marker = folder / _MARKER
    if marker.is_file():
        try:
            done = json.loads(marker.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            done = {}
        done = done if isinstance(done, dict) else {}
        files = done.get("files")
        if done.get("key") == key and isinstance(files, list) and all((folder / f).is_file() for f in files):
            return {**done, "reused": True}  # finished, and nothing it wrote has gone since
    if folder.exists():
        if not _event_folder_of_ours(folder):
            raise InputError(
                "the output folder already holds a folder of this event's name with files narrative did not write.",
                path=folder,
                fix="give a new or empty folder with --out, or move that folder away.",
            )
        shutil.rmtree(folder)  # an unfinished or outdated event: redo it from scratch
    from .pipeline import compare  # here, not above: a finished event needs neither it nor scikit-learn

    start = time.perf_counter()
    encoder = _encoder(config)
    result = compare(
        data,
        model=encoder,
        cache_dir=config["cache_dir"],
        use_cache=config["use_cache"],
        encoding=config["encoding"],
        skip_empty=config["skip_empty"],
        language=config["language"],
        threshold=config["threshold"],
    )
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    from .output import write_outputs

    # the event's own report links back to the combined one, two folders up (written when the run ends)
    write_outputs(result, folder, figures=config["figures"], report=True, force=True, corpus_link="../../report.html")
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    for name in _TABLES:
        frame = getattr(result, name)
        if frame is not None:
            frame.to_parquet(folder / "tables" / f"{name}.parquet", index=False)
            files.append(f"tables/{name}.parquet")
    done = {
        "format": _FORMAT,
        "event": unit.event,
        "key": key,
        "files": files,
        "seconds": round(time.perf_counter() - start, 3),
        "provenance": result.provenance,
        "notes": result.notes,
    }
    tmp = folder / f".{_MARKER}.tmp"
    tmp.write_text(dump_json(done), encoding="utf-8")
    os.replace(tmp, marker)  # written last: the event counts as finished only now
    return {**done, "reused": False}


def _run_event_task(unit: EventUnit, out: str, config: dict) -> dict:
    """Dask and process-pool entry point (module level so it can be sent to workers).

    A worker's warnings are not printed (they would reach the terminal as raw
    ``UserWarning`` lines from another process): each is in the event's notes,
    which the run returns (:attr:`CorpusRun.notes`) and writes to provenance.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_event(unit, out, config)


# --------------------------------------------------------------------------- the corpus


@dataclass
class CorpusRun:
    """What a corpus run did.

    Attributes
    ----------
    out : pathlib.Path
        The output folder.
    events : list of str
        The events, in corpus order.
    computed, reused : list of str
        Events compared in this run, and events whose finished results were kept.
    seconds : float
        Wall time of the run.
    notes : list of str
        Warnings about what reading the events cleaned or skipped (as in ``provenance.json``).
    """

    out: Path
    events: list = field(default_factory=list)
    computed: list = field(default_factory=list)
    reused: list = field(default_factory=list)
    seconds: float = 0.0
    notes: list = field(default_factory=list)


def _settings(
    encoder: SentenceEncoder, *, threshold, language, encoding, skip_empty, use_cache, figures, cache_dir
) -> dict:
    from . import __version__, _code_digest

    fp = encoder.fingerprint_at(cache_dir) if cache_dir is not None else encoder.fingerprint
    return {
        "narrative": __version__,
        "code": _code_digest(),  # an edited install redoes its events
        "model": encoder.name,
        "revision": encoder.revision,
        "backend": encoder.backend,
        "fingerprint": fp,
        "threshold": DEFAULT_THRESHOLD if threshold is None else threshold,
        "language": language,
        "encoding": encoding,
        "skip_empty": skip_empty,
        "figures": figures,
        "use_cache": use_cache,
        "format": _FORMAT,
    }


def compare_corpus(
    source,
    out,
    *,
    model: str = DEFAULT_MODEL,
    revision: str | None = None,
    device: str = "cpu",
    backend: str = "torch",
    threshold: float | None = None,
    cache_dir=None,
    use_cache: bool = True,
    encoding: str | None = None,
    skip_empty: bool = False,
    language: str = "en",
    figures: bool = False,
    jobs: int = 1,
    dask: bool = False,
    scheduler: str | None = None,
    force: bool = False,
    command: list | None = None,
    progress: bool = False,
) -> CorpusRun:
    """Compare every event of a corpus, one event per unit of work, resuming finished events.

    Parameters
    ----------
    source : path or pandas.DataFrame
        See :func:`list_events`.
    out : path
        Output folder: ``events/<event>/`` per event, and the combined files.
    model, revision, device, backend : str
        The encoder (see :class:`narrative.embed.SentenceEncoder`); each
        process of the run loads it once.
    threshold : float, optional
        Claim alignment threshold (default: the aligner's).
    figures : bool, default False
        Also draw the five PNG figures of every event (about 1.6 s an event on a
        laptop core, longer than everything else about it). Every event's report
        shows its coverage grid either way; a single event's figures come from
        :meth:`narrative.Comparison.write` or :mod:`narrative.paper`.
    jobs : int, default 1
        Processes on this machine (1: run in this process).
    dask : bool, default False
        Run on a local Dask cluster (``jobs`` workers, one thread each).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); workers must
        see ``source``, ``out`` and ``cache_dir`` at the same paths.
    force : bool, default False
        Write into a non-empty folder that holds no earlier results.
    command : list of str, optional
        The command line, recorded in the combined ``provenance.json``.

    Returns
    -------
    CorpusRun
    """
    if not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"the 'jobs' parameter must be a positive integer; got {jobs!r}.")
    from .output import check_out_path, make_writable_folder

    start = time.perf_counter()
    out = Path(out)
    check_out_path(out)
    if out.is_dir() and any(p for p in out.iterdir() if not p.name.startswith(".")):
        if not _results_of_ours(out) and not force:
            raise InputError(
                "the output folder is not empty and holds no earlier narrative results.",
                path=out,
                fix="give a new or empty folder with --out, or add --force to write into it anyway.",
            )
    units = list_events(source, encoding=encoding, skip_empty=skip_empty)
    make_writable_folder(out, "events")  # before any model is loaded
    cache = None if cache_dir is None else str(cache_dir)
    jobs = min(jobs, max(len(units), 1))  # no more processes or workers than events
    parallel = dask or scheduler is not None or jobs > 1
    threads = max(1, (os.cpu_count() or 1) // jobs) if parallel else None
    encoder = SentenceEncoder(
        model, revision=revision, device=device, backend=backend, threads=threads, cache_dir=cache
    )
    settings = _settings(
        encoder,
        threshold=threshold,
        language=language,
        encoding=encoding,
        skip_empty=skip_empty,
        use_cache=use_cache,
        figures=figures,
        cache_dir=cache,
    )
    config = {
        "key": _digest(settings),
        "model": model,
        "revision": revision,
        "device": device,
        "backend": backend,
        "threads": threads,
        "cache_dir": cache,
        "use_cache": use_cache,
        "threshold": threshold,
        "encoding": encoding,
        "skip_empty": skip_empty,
        "language": language,
        "figures": figures,
    }
    if not parallel:
        _ENCODERS.setdefault(_encoder_key(config), encoder)
    markers = _run_units(units, out, config, jobs=jobs, dask=dask, scheduler=scheduler, progress=progress)
    run = CorpusRun(out=out, events=[u.event for u in units])
    listing = _listing_notes(source, units)
    run.notes.extend(listing.notes)
    for m in markers:
        (run.reused if m["reused"] else run.computed).append(m["event"])
        run.notes.extend(m["notes"])
    engine = "dask" if (dask or scheduler is not None) else ("processes" if jobs > 1 else "one process")
    how = {"engine": engine, "jobs": jobs, "threads_per_job": threads, "command": command}
    if not isinstance(source, pd.DataFrame):  # named as a run in one process names it (page title, provenance)
        from .io import folder_name

        how["input_name"] = folder_name(Path(source))
    _combine(units, markers, out, settings, figures=figures, listing=listing, how=how)
    run.seconds = time.perf_counter() - start
    return run


#: Seconds to wait for a Dask scheduler's answer (the connection, then as long again for the handshake).
SCHEDULER_TIMEOUT = 20


def _connect(Client, address: str):
    """A client of the Dask scheduler at ``address``, or an error within :data:`SCHEDULER_TIMEOUT` seconds.

    The client's own timeout covers the connection only: a server at that address that accepts it
    but does not speak Dask's protocol (a web server, say) would keep it waiting for ever, and one
    that answers with other bytes can make it fail in any way. The wait is bounded here.
    """
    import threading

    box = {}

    def connect():
        try:
            box["client"] = Client(address, timeout=f"{SCHEDULER_TIMEOUT}s")
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=connect, name="narrative-dask-connect", daemon=True)
    thread.start()
    thread.join(SCHEDULER_TIMEOUT + 5)
    if thread.is_alive():
        raise TimeoutError(f"no Dask handshake within {SCHEDULER_TIMEOUT} s; is it a Dask scheduler's address?")
    if "error" in box:
        raise box["error"]
    return box["client"]


def _run_units(units, out, config, *, jobs, dask, scheduler, progress) -> list[dict]:
    out = str(out)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(units), desc="Events", unit="event")
    results: dict[int, dict] = {}

    def done(k, marker):
        results[k] = marker
        if bar is not None:
            bar.update(1)

    try:
        if dask or scheduler is not None:
            # the cluster's start-up and shut-down lines are not the run's business (errors still show)
            os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
            try:
                from distributed import Client, LocalCluster, as_completed
            except ImportError:
                raise InputError(
                    "Dask runs need dask.distributed, which is not installed.",
                    fix="pip install 'narrative[dask]' (or: pip install 'dask[distributed]').",
                ) from None
            cluster = None
            if scheduler is None:
                cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            try:
                client = Client(cluster, timeout="20s") if cluster is not None else _connect(Client, scheduler)
            except Exception as exc:  # refused, timed out, not an address, or not a Dask scheduler that answers
                if cluster is not None:
                    cluster.close()
                    raise
                what = (
                    f"{type(exc).__name__}: {str(exc).strip()[:200]}"
                    if isinstance(exc, OSError | ValueError | TypeError)  # TimeoutError is an OSError
                    else f"what answers there does not speak Dask's protocol: {type(exc).__name__}"
                )
                raise InputError(
                    f"cannot reach the Dask scheduler {scheduler!r} ({what}).",
                    fix="give the address the scheduler prints on start (e.g. --scheduler tcp://10.0.0.5:8786), "
                    "check that it is running and reachable, or use --dask for a local cluster.",
                ) from None
            try:
                futures = {
                    client.submit(_run_event_task, u, out, config, key=f"narrative-event-{k}-{config['key'][:12]}", pure=False): k
                    for k, u in enumerate(units)
                }  # fmt: skip
                for fut in as_completed(futures):
                    done(futures[fut], fut.result())
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()
        elif jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                futures = {pool.submit(_run_event_task, u, out, config): k for k, u in enumerate(units)}
                for fut in as_completed(futures):
                    done(futures[fut], fut.result())
        else:
            for k, u in enumerate(units):
                done(k, run_event(u, out, config))
    finally:
        if bar is not None:
            bar.close()
    return [results[k] for k in range(len(units))]


# --------------------------------------------------------------------------- combined files


def _listing_notes(source, units):
    """What listing the corpus reported, as an Input's notes: sub-folders of a folder of event folders
    that are not events, and what reading a table file cleaned (rows skipped, ...)."""
    from .io import Input, note_skipped_folders

    listing = Input()
    if units and units[0].table is not None:
        listing.notes, listing.skipped = list(units[0].table.notes), dict(units[0].table.skipped)
        return listing
    if not isinstance(source, pd.DataFrame) and units and all(u.kind == "folder" for u in units):
        path = Path(source)
        if path.is_dir() and any(Path(u.path) != path for u in units):
            note_skipped_folders(path, listing)
    return listing


def _combine(units, markers, out: Path, settings: dict, *, figures: bool, listing=None, how=None) -> None:
    """Assemble the combined files from the per-event results (skipped when already up to date)."""
    corpus_key = _digest([m["key"] for m in markers])
    prov_path = out / "provenance.json"
    if prov_path.is_file():
        try:
            old = json.loads(prov_path.read_text(encoding="utf-8"))
        except ValueError:
            old = {}
        if old.get("corpus", {}).get("key") == corpus_key and all((out / f).is_file() for f in old.get("outputs", [])):
            return
    import numpy as np

    from .output import TABLE_COLUMNS, _atomic_write, _csv_bytes, dump_json
    from .pipeline import Comparison

    folders = [out / "events" / _safe_name(u.event, u.index) for u in units]
    tables = {}
    for name in _TABLES:
        parts = [
            pd.read_parquet(f / "tables" / f"{name}.parquet")
            for f in folders
            if (f / "tables" / f"{name}.parquet").is_file()
        ]
        tables[name] = pd.concat(parts, ignore_index=True) if parts else None
    provs = [m["provenance"] for m in markers]
    notes = [*(listing.notes if listing is not None else []), *(n for m in markers for n in m["notes"])]
    counts = {}
    if listing is not None and listing.notes:
        counts = {"skipped": dict(listing.skipped), "warnings": len(listing.notes)}
    for p in provs:
        for k, v in p["counts"].items():
            if k.startswith("embedding_cache"):
                continue  # depends on what earlier runs left in the cache, not on the result
            if isinstance(v, dict):
                merged = counts.setdefault(k, {})
                for kk, vv in v.items():
                    merged[kk] = merged.get(kk, 0) + vv if isinstance(vv, int | float) else vv
            else:
                counts[k] = counts.get(k, 0) + v
    from .io import parquet_file_digests

    files, hashed = {}, set()
    for u, p in zip(units, provs):
        if u.kind == "parquet":  # its events were read by filter, not as files: hash the input once
            if u.path not in hashed:
                hashed.add(u.path)
                files.update(parquet_file_digests(Path(u.path)))
            continue
        for rel, digest in p["input"]["files"].items():
            files[f"{fs_text(Path(u.path).name)}/{rel}" if u.kind == "folder" and len(units) > 1 else rel] = digest
    first = provs[0] if provs else {}
    provenance = {
        "narrative": first.get("narrative"),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command": (how or {}).get("command"),
        "libraries": first.get("libraries"),
        "model": first.get("model"),
        "settings": first.get("settings"),
        "input": {"name": (how or {}).get("input_name"), "files": dict(sorted(files.items()))},
        "counts": counts,
        "notes": notes,
        "corpus": {"key": corpus_key, "events": len(units), "settings": settings},
        # how the events ran (torch vectors can differ in their last bits with the threads: see the README)
        "run": {k: v for k, v in (how or {}).items() if k not in ("command", "input_name")},
    }
    sentences = tables["sentences"]
    result = Comparison(
        sentences=sentences,
        claims=tables["claims"],
        coverage=tables["coverage"],
        omissions=tables["omissions"],
        outlets=tables["outlets"],
        themes=tables["themes"],
        emphasis=tables["emphasis"],
        embeddings=np.zeros((len(sentences), 0), dtype=np.float32),
        articles=tables["articles"],
        provenance=provenance,
        notes=notes,
    )
    (out / "figures").mkdir(parents=True, exist_ok=True)
    names = ("sentences.csv", "claims.csv", "coverage.csv", "omissions.csv", "outlets.csv")
    for name in names:
        _atomic_write(out / name, _csv_bytes(getattr(result, name[:-4]), TABLE_COLUMNS[name]))
    from .figures import FIGURES

    drawn, figure_files = {}, []
    for k, (u, folder) in enumerate(zip(units, folders)):
        drawn[u.event] = []
        src = folder / "figures" / _safe_name(u.event, 0)
        if not src.is_dir():
            continue
        dest = out / "figures" / _safe_name(u.event, k)
        dest.mkdir(parents=True, exist_ok=True)
        for name in FIGURES:
            png = src / f"{name}.png"
            if png.is_file():
                data = png.read_bytes()
                drawn[u.event].append((name, FIGURES[name], data))
                if figures:
                    _atomic_write(dest / png.name, data)
                    figure_files.append(f"figures/{dest.name}/{png.name}")
    from .report import render_report

    links = {u.event: f"events/{folder.name}/report.html" for u, folder in zip(units, folders)}
    embed = drawn if len(units) <= REPORT_FIGURES_MAX_EVENTS else None
    elsewhere = embed is None and any(drawn.values())
    page = render_report(result, figures=embed, event_links=links, figures_elsewhere=elsewhere)
    _atomic_write(out / "report.html", page.encode("utf-8"))
    provenance["outputs"] = sorted([*names, *figure_files, "report.html"])
    _atomic_write(prov_path, dump_json(provenance).encode("utf-8"))
