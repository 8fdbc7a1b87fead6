"""Write a comparison to a folder: CSV tables, figures, report, provenance."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .embed import _shareable
from .errors import InputError, fs_text
from .figures import FIGURES, draw_figures, save_figure

__all__ = ["write_outputs", "TABLE_COLUMNS"]

#: The columns of each CSV file, in order.
TABLE_COLUMNS = {
    "sentences.csv": ["event", "outlet", "position", "text", "claim_id", "status", "score"],
    "claims.csv": [
        "event", "claim_id", "label", "representative", "outlets", "n_outlets", "status", "theme",
        "theme_id", "n_sentences", "representative_outlet", "confidence", "uncertain",
    ],
    "coverage.csv": ["event", "claim_id", "outlet", "n_sentences", "first_position", "weight", "lead", "headline"],
    "omissions.csv": [
        "event", "outlet", "claim_id", "carried_by", "evidence", "evidence_outlet", "label", "n_carrying",
        "closest_position", "closest_sentence", "closest_score", "uncertain",
    ],
    "outlets.csv": ["event", "outlet_a", "outlet_b", "similarity", "shared_claims"],
}  # fmt: skip


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _shareable(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_out_path(out: Path) -> None:
    """Refuse an output path that no folder can be made at: a file, or a link to nothing."""
    if out.is_symlink() and not out.exists():
        raise InputError(
            f"the output path is a link to {os.readlink(out)!r}, which does not exist.",
            path=out,
            fix="create the folder the link points to, or give another folder with --out.",
        )
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder.", path=out, fix="give a folder path with --out.")


def is_narrative_provenance(path: Path) -> bool:
    """Whether ``path`` is a ``provenance.json`` that narrative wrote (not another tool's file of that name)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("narrative"), str)
        and isinstance(data.get("settings"), dict)
        and isinstance(data.get("input"), dict)
        and isinstance(data.get("outputs", []), list)
    )


def check_out_folder(out: Path, *, force: bool, corpus: bool = False) -> None:
    """Refuse, before any work, an output folder the results could not be written into.

    The same rules as when the results are written: a path that is a file, a folder that holds
    other files than earlier results (unless ``force``), a folder, or the folder it would be
    made in, that cannot be written. Creates nothing.
    """
    out = Path(out)
    if corpus:
        check_out_path(out)
    else:
        _check_not_others(out, force)
    probe_in = out
    while not probe_in.exists():  # the folder it would be made in
        if probe_in.parent == probe_in:
            return
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise InputError(
            f"cannot make the output folder: {probe_in} is a file, not a folder.",
            path=out,
            fix="give --out a path whose parent folders are folders.",
        )
    try:
        fd, name = tempfile.mkstemp(dir=probe_in, prefix=".narrative-write-test-")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise InputError(
            f"cannot write into {'the output folder' if probe_in == out else probe_in} ({exc.strerror or exc}).",
            path=out,
            fix="give a writable folder with --out.",
        ) from None


def _check_not_others(out: Path, force: bool) -> None:
    check_out_path(out)
    if out.is_dir():
        entries = [p for p in out.iterdir() if not p.name.startswith(".") and not _empty_figures_folder(p)]
        ours = is_narrative_provenance(out / "provenance.json")
        if entries and not ours and not force:
            raise InputError(
                "the output folder is not empty and holds no earlier narrative results.",
                path=out,
                fix="give a new or empty folder with --out, or add --force to write into it anyway.",
            )


def _prepare_folder(out: Path, force: bool, *, figures: bool = True) -> None:
    _check_not_others(out, force)
    make_writable_folder(out, "figures" if figures else None)


def make_writable_folder(out: Path, sub: str | None) -> None:
    """Create ``out`` (and ``out/sub``) and check that files can be written in ``out``; else a user error naming ``out``."""
    try:
        (out / sub if sub else out).mkdir(parents=True, exist_ok=True)
        probe = out / ".narrative-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(
            f"cannot write into the output folder ({exc.strerror or exc}).",
            path=out,
            fix="give a writable folder with --out, and check there is free disk space.",
        ) from None


def _csv_bytes(frame, columns) -> bytes:
    cols = [c for c in columns if c in frame.columns]
    frame = frame[cols].copy()
    for c in cols:  # csv quotes fields holding "\n" but not a lone "\r": never let one split a row
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype):
            frame[c] = frame[c].map(lambda v: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v)
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.6g").encode("utf-8")


def write_outputs(
    result, out, *, figures: bool = True, report: bool = True, force: bool = False, corpus_link: str | None = None
) -> Path:
    """Write every output file of ``result`` into the folder ``out``.

    Files: ``sentences.csv``, ``claims.csv``, ``coverage.csv``,
    ``omissions.csv``, ``outlets.csv``, ``figures/<event>/<name>.png``,
    ``report.html`` and ``provenance.json``. Each file is written to a
    temporary name and renamed, so a reader never sees half a file.
    ``figures=False`` draws no figure at all: no PNG files, and a report without charts.
    ``corpus_link``: the relative URL of the corpus's combined report, linked from the page.

    Returns
    -------
    pathlib.Path
        The output folder.
    """
    out = Path(out)
    _prepare_folder(out, force, figures=figures)
    tables = {
        "sentences.csv": result.sentences,
        "claims.csv": result.claims,
        "coverage.csv": result.coverage,
        "omissions.csv": result.omissions,
        "outlets.csv": result.outlets,
    }
    earlier = _earlier_outputs(out)
    staging = None
    moving = False
    try:
        # Everything is written into a hidden staging folder first and moved into place at the
        # end, so a run that fails (full disk, interruption) leaves earlier results as they were.
        staging = Path(tempfile.mkdtemp(dir=out, prefix=".narrative-staging-"))
        written: list[str] = []

        def put(rel: str, data: bytes) -> None:
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            written.append(rel)

        for name, frame in tables.items():
            put(name, _csv_bytes(frame, TABLE_COLUMNS[name]))
        drawn: dict = {}
        if figures:  # drawn once, saved as PNG files and embedded in the report
            smap = result.sentence_map()
            for k, event in enumerate(result.events):
                folder = _safe_name(event, k)
                drawn[event] = []
                for name, fig in draw_figures(result, event, sentence_map=smap):
                    png = save_figure(fig)
                    drawn[event].append((name, FIGURES[name], png))
                    put(f"figures/{folder}/{name}.png", png)
        if report:
            from .corpus import REPORT_FIGURES_MAX_EVENTS
            from .report import render_report

            # many events: the figures stay in figures/, so that the page stays small enough for a browser
            many = len(result.events) > REPORT_FIGURES_MAX_EVENTS
            files = {e: [(name, caption) for name, caption, _ in d if name != "coverage"] for e, d in drawn.items()}
            page = render_report(
                result,
                figures=None if many else drawn,
                figures_elsewhere=many and bool(drawn),
                figure_files=files if many else None,
                corpus_link=corpus_link,
            )
            put("report.html", page.encode("utf-8"))
        provenance = dict(result.provenance)
        provenance["outputs"] = sorted(written)
        put("provenance.json", dump_json(provenance).encode("utf-8"))
        moving = True
        for rel in written:  # provenance.json last: it marks a complete set
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out / rel)
        for rel in sorted(earlier - set(written)):  # outputs of the earlier run that this run does not make
            (out / rel).unlink(missing_ok=True)
            if rel.startswith("figures/"):
                with contextlib.suppress(OSError):
                    (out / rel).parent.rmdir()
    except OSError as exc:
        if moving:  # some files are in place already: say so, and that provenance.json is not
            raise InputError(
                f"writing the results failed while moving them into place ({exc.strerror or exc}); the folder "
                "may hold some files of this run beside earlier ones, and no provenance.json of this run.",
                path=out,
                fix="check that the output folder is writable and the disk is not full, and run again.",
            ) from None
        raise InputError(
            f"writing the results failed ({exc.strerror or exc}); earlier results in the folder were left as they were.",
            path=out,
            fix="check that the output folder is writable and the disk is not full.",
        ) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return out


def _empty_figures_folder(p: Path) -> bool:
    """The empty ``figures`` folder a run that was stopped before its first figure leaves behind."""
    try:
        return p.name == "figures" and p.is_dir() and not p.is_symlink() and not any(p.iterdir())
    except OSError:
        return False


def _earlier_outputs(out: Path) -> set[str]:
    """The files an earlier run wrote into ``out`` (from its provenance), limited to names narrative makes.

    Only a provenance that narrative wrote counts: another tool's ``provenance.json`` names no file
    to replace or remove.
    """
    if not is_narrative_provenance(out / "provenance.json"):
        return set()
    listed = json.loads((out / "provenance.json").read_text(encoding="utf-8")).get("outputs", [])
    ours = set(TABLE_COLUMNS) | {"report.html"}
    pngs = "|".join(map(re.escape, FIGURES))
    return {
        rel
        for rel in listed
        if isinstance(rel, str)
        and (rel in ours or re.fullmatch(rf"figures/[\w.-]+/(?:{pngs})\.png", rel) is not None)
        and ".." not in rel.split("/")
    }


def _json_default(obj):
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def dump_json(obj) -> str:
    """JSON text with sorted keys and a final newline, the same on every run."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default) + "\n"
    return fs_text(text)  # a file or folder name the file system gave as undecodable bytes


def _safe_name(event: str, index: int) -> str:
    """A file-system-safe folder name for an event id.

    An id of letters, digits, ``-``, ``_`` and ``.`` is its own name; any other id gets its
    position and a ``~`` (``003~a_b`` for ``a/b``), a character no id kept as it is holds, so
    that two events never share a folder (an id ``003-a_b`` stays ``003-a_b``).
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(event)).strip("._") or "event"
    return safe if safe == str(event) and len(safe) <= 100 else f"{index:03d}~{safe[:80]}"


def read_provenance(out) -> dict:
    """The provenance record of an output folder."""
    return json.loads((Path(out) / "provenance.json").read_text(encoding="utf-8"))
