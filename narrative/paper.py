"""Publication figures: fixed style, colour-blind-safe colours, deterministic files, a manifest of hashes.

Saving the same figure twice gives the same bytes: PNG files carry no
``Software`` stamp, PDF files no ``CreationDate``, ``Producer`` or ``Creator``,
and fonts, sizes and resolution are fixed by :func:`paper_style`. Identical
bytes across machines also need the same matplotlib version (its bundled
FreeType renders the text), which the ``test`` extra pins.

>>> from narrative import paper
>>> paper.paper_style()["font.family"]
'DejaVu Sans'
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from . import plot
from .plot import OKABE_ITO

__all__ = [
    "SINGLE_COLUMN",
    "DOUBLE_COLUMN",
    "PAGE_HEIGHT",
    "PAPER_FIGURES",
    "README_FIGURES",
    "paper_style",
    "paper_context",
    "save_figure",
    "save_table",
    "sha256",
    "write_manifest",
    "paper_figures",
    "corpus_source",
]

#: Figure widths in inches (one and two columns of a typical journal page).
SINGLE_COLUMN = 3.5
DOUBLE_COLUMN = 7.2
#: Tallest figure in inches (the text height of a typical journal page).
PAGE_HEIGHT = 9.0

#: Figure name -> (notebook number, caption), in the order :func:`paper_figures` draws them.
PAPER_FIGURES = {
    "coverage": (1, "Which outlet carries which claim, grouped by theme; crosses mark omissions."),
    "omissions": (1, "Majority claims each outlet leaves out."),
    "emphasis": (2, "Share of each outlet's coverage given to each theme."),
    "similarity": (2, "Share of claims each pair of outlets has in common (Jaccard)."),
    "dendrogram": (2, "Outlets clustered by the claims they share."),
    "word_choice": (2, "Words each outlet favours in claims other outlets also report (weighted log-odds z)."),
    "articles": (3, "The articles side by side, each sentence coloured by the status of its claim."),
    "profiles": (4, "How often each outlet carries, leads with, buries or omits the majority claims."),
    "overview": (5, "Overview: (a) omissions, (b) emphasis, (c) similarity, (d) clustering."),
}
#: The figure shown in the README for each notebook.
README_FIGURES = {1: "coverage", 2: "word_choice", 3: "articles", 4: "profiles", 5: "overview"}


def paper_style(*, font_size: float = 8.0) -> dict:
    """matplotlib settings for publication figures (fixed fonts, sizes, colours and resolution)."""
    from cycler import cycler

    return {
        "font.family": "DejaVu Sans",
        "font.size": font_size,
        "axes.titlesize": font_size + 1,
        "axes.labelsize": font_size,
        "xtick.labelsize": font_size - 1,
        "ytick.labelsize": font_size - 1,
        "legend.fontsize": font_size - 1,
        "axes.linewidth": 0.6,
        "lines.linewidth": 1.0,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "axes.prop_cycle": cycler(color=OKABE_ITO),
        "image.cmap": "cividis",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": None,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.hashsalt": "narrative",
        "svg.fonttype": "path",
        "path.simplify": True,
        "axes.unicode_minus": False,
        "text.usetex": False,
    }


@contextmanager
def paper_context(**kwargs):
    """``with paper_context(): ...`` draws in the publication style (non-interactive backend safe)."""
    import matplotlib.pyplot as plt

    with plt.rc_context(paper_style(**kwargs)):
        yield


_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    "svg": {"Creator": None, "Date": None},
}


def save_figure(fig, stem, *, formats=("pdf", "png"), dpi: int = 300, close: bool = True) -> list[Path]:
    """Save ``fig`` as ``<stem>.<format>`` for each format, without time or version stamps.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    stem : path
        File path without suffix; its folder is created.
    formats : sequence of str, default ("pdf", "png")
        Any of ``pdf`` (vector), ``svg`` (vector), ``png`` (raster).
    dpi : int, default 300
        Resolution of raster files.
    close : bool, default True
        Close the figure afterwards.

    Returns
    -------
    list of pathlib.Path
    """
    import matplotlib.pyplot as plt

    unknown = [f for f in formats if f not in _METADATA]
    if unknown:
        raise ValueError(f"formats must be among {sorted(_METADATA)}; got {unknown}.")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    with plt.rc_context(paper_style()):
        for fmt in formats:
            path = stem.with_name(f"{stem.name}.{fmt}")
            fig.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
            paths.append(path)
    if close:
        plt.close(fig)
    return paths


def save_table(frame: pd.DataFrame, path) -> Path:
    """Write a table as CSV the same way every time (UTF-8, ``\\n`` line ends, 6 significant digits)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n", float_format="%.6g").encode("utf-8"))
    return path


def sha256(path) -> str:
    """The SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(paths, out, *, root=None) -> Path:
    """Write ``manifest.json``: each file's path (relative to ``root``), size and SHA-256, sorted by path.

    ``root`` defaults to the manifest's folder. Returns the manifest path.
    """
    out = Path(out)
    root = Path(root) if root is not None else out.parent
    entries = sorted(
        (
            {
                "path": Path(p).resolve().relative_to(root.resolve()).as_posix(),
                "bytes": Path(p).stat().st_size,
                "sha256": sha256(p),
            }  # fmt: skip
            for p in paths
        ),
        key=lambda e: e["path"],
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"files": entries}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return out


def _height(n_rows: int, *, per_row: float, base: float, cap: float = PAGE_HEIGHT) -> float:
    """A figure height in inches that grows by ``per_row`` a row, capped at a page (``cap``).

    Past the cap the rows get closer together; :func:`narrative.plot.plot_coverage` then shrinks
    or thins its row labels so that they stay legible and never overlap.
    """
    return round(min(cap, base + per_row * n_rows), 2)


def _draw(name, result, corpus, event, outlets, words, profiles):
    import matplotlib.pyplot as plt

    n_out = len(outlets)
    if name == "coverage":
        n_claims = int((result.claims["event"] == event).sum())
        # 0.16 in a claim up to a page; a taller event gets smaller, then fewer, row labels (plot_coverage)
        fig, ax = plt.subplots(figsize=(DOUBLE_COLUMN, _height(n_claims, per_row=0.16, base=1.6)), layout="constrained")
        plot.plot_coverage(result.coverage, claims=result.claims, omissions=result.omissions, outlets=outlets,
                           event=event, ax=ax)  # fmt: skip
        table = result.coverage[result.coverage["event"] == event]
    elif name == "omissions":
        fig, ax = plt.subplots(figsize=(SINGLE_COLUMN, _height(n_out, per_row=0.3, base=1.0)), layout="constrained")
        table = result.omissions[result.omissions["event"] == event]
        plot.plot_omissions(table, outlets=outlets, event=event, ax=ax)
    elif name == "emphasis":
        fig, ax = plt.subplots(figsize=(SINGLE_COLUMN, _height(n_out, per_row=0.3, base=2.0)), layout="constrained")
        plot.plot_emphasis(result.emphasis, outlets=outlets, event=event, ax=ax)
        table = result.emphasis[result.emphasis["event"] == event]
    elif name == "similarity":
        fig, ax = plt.subplots(figsize=(SINGLE_COLUMN, SINGLE_COLUMN), layout="constrained")
        plot.plot_similarity(result.outlets, outlets=outlets, event=event, ax=ax)
        table = result.outlets[result.outlets["event"] == event]
    elif name == "dendrogram":
        fig, ax = plt.subplots(figsize=(SINGLE_COLUMN, _height(n_out, per_row=0.3, base=1.0)), layout="constrained")
        plot.plot_dendrogram(result.outlets, outlets=outlets, event=event, ax=ax)
        table = result.outlets[result.outlets["event"] == event]
    elif name == "word_choice":
        fig, ax = plt.subplots(
            figsize=(SINGLE_COLUMN, _height(5 * n_out, per_row=0.13, base=1.0)), layout="constrained"
        )
        plot.plot_word_choice(words, outlets=outlets, event=event, n=5, ax=ax)
        table = words.groupby("outlet", sort=False).head(5)
    elif name == "articles":
        n_sent = int(result.sentences[result.sentences["event"] == event].groupby("outlet").size().max())
        fig, ax = plt.subplots(figsize=(SINGLE_COLUMN + 1.5, _height(n_sent, per_row=0.16, base=1.4)),
                               layout="constrained")  # fmt: skip
        plot.plot_articles(result.sentences, outlets=outlets, event=event, ax=ax)
        table = result.sentences.loc[result.sentences["event"] == event, ["event", "outlet", "position", "claim_id",
                                                                          "status"]]  # fmt: skip
    elif name == "profiles":
        n_prof = profiles["outlet"].nunique()
        fig, ax = plt.subplots(figsize=(SINGLE_COLUMN, _height(n_prof, per_row=0.6, base=1.2)), layout="constrained")
        plot.plot_profiles(profiles, ax=ax)
        table = profiles
    elif name == "overview":
        fig, axes = plt.subplots(2, 2, figsize=(DOUBLE_COLUMN, _height(n_out, per_row=0.5, base=3.6)),
                                 layout="constrained")  # fmt: skip
        plot.plot_omissions(result.omissions[result.omissions["event"] == event], outlets=outlets, event=event,
                            ax=axes[0, 0])  # fmt: skip
        plot.plot_emphasis(result.emphasis, outlets=outlets, event=event, ax=axes[0, 1])
        plot.plot_similarity(result.outlets, outlets=outlets, event=event, ax=axes[1, 0], annotate=False)
        plot.plot_dendrogram(result.outlets, outlets=outlets, event=event, ax=axes[1, 1])
        for letter, ax in zip("abcd", axes.flat):
            title = ax.get_title().split(" — ")[0]
            ax.set_title("")
            ax.set_title(f"({letter}) {title}", loc="left")
        table = result.outlets[result.outlets["event"] == event]
    else:  # pragma: no cover - guarded by the caller
        raise ValueError(name)
    return fig, table.reset_index(drop=True)


def paper_figures(result, out, *, corpus=None, event=None, figures=None, formats=("pdf", "png"), dpi: int = 300,
                  progress: bool = False) -> pd.DataFrame:  # fmt: skip
    """Draw the figures of the notebooks in publication form, with the table behind each, and a manifest.

    Parameters
    ----------
    result : Comparison
        The comparison the single-event figures are drawn from (its tables
        ``sentences``, ``claims``, ``coverage``, ``omissions``, ``outlets``, ``emphasis``).
    out : path
        Output folder; gets ``<name>.pdf``, ``<name>.png``, ``<name>.csv`` per
        figure and ``manifest.json`` (SHA-256 of every file written).
    corpus : Comparison, optional
        A comparison of many events for the ``profiles`` figure; default ``result``.
    event : str, optional
        The event of ``result`` to draw; default its first.
    figures : list of str, optional
        Names from :data:`PAPER_FIGURES`; default all.
    formats : sequence of str, default ("pdf", "png")
    dpi : int, default 300
    progress : bool, default False
        Show a progress bar (``tqdm.auto``).

    Notes
    -----
    Each figure is a column or two wide (:data:`SINGLE_COLUMN`, :data:`DOUBLE_COLUMN`) and as tall
    as its rows need, at most :data:`PAGE_HEIGHT`. The coverage figure gives each claim 0.16 inch
    with its id and keywords in 7-point type. Past the page (about 45 claims) the rows get
    closer; past about 55 claims the labels get smaller (5 points at least), and past about 75
    they show the claim id only, on every k-th row, so that they never overlap
    (:func:`narrative.plot.coverage_labels`); the CSV table behind the figure keeps every claim.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``figure``, ``notebook``, ``path`` (relative to
        ``out``), ``sha256``; in the order of :data:`PAPER_FIGURES`.
    """
    import matplotlib.pyplot as plt

    from .profiles import outlet_profiles
    from .wording import word_choice

    names = list(PAPER_FIGURES) if figures is None else list(figures)
    unknown = [n for n in names if n not in PAPER_FIGURES]
    if unknown:
        raise ValueError(f"figures must be among {list(PAPER_FIGURES)}; got {unknown}.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    event = event if event is not None else result.sentences["event"].iloc[0]
    outlets = list(dict.fromkeys(result.sentences.loc[result.sentences["event"] == event, "outlet"]))
    sentences = result.sentences[result.sentences["event"] == event]
    words = word_choice(sentences, claims=result.claims) if "word_choice" in names else None
    corpus = corpus if corpus is not None else result
    profiles = outlet_profiles(corpus.coverage, corpus.sentences) if "profiles" in names else None
    iterator = names
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(names, desc="figures")
    rows = []
    with paper_context():
        for name in iterator:
            fig, table = _draw(name, result, corpus, event, outlets, words, profiles)
            paths = save_figure(fig, out / name, formats=formats, dpi=dpi)
            paths.append(save_table(table, out / f"{name}.csv"))
            for p in paths:
                rows.append({"figure": name, "notebook": PAPER_FIGURES[name][0], "path": p.name, "sha256": sha256(p)})
    plt.close("all")
    write_manifest([out / r["path"] for r in rows], out / "manifest.json", root=out)
    return pd.DataFrame(rows, columns=["figure", "notebook", "path", "sha256"])


def corpus_source(path=None, *, basil_path=None, n_events=None, default=None):
    """The corpus that notebooks 4 and 5 compare across events, and a line that says which it is.

    The first of these that applies, with no silent fallback from a path that was given:

    1. ``path`` (a folder of event folders, one event's folder, or a table with an ``event``
       column: anything :func:`narrative.compare` reads): that input, read now, so an
       :class:`~narrative.errors.InputError` says at once when it does not exist or cannot be read;
    2. ``basil_path``: BASIL read from there (an error when it holds no BASIL articles);
    3. BASIL where :func:`narrative.datasets.find_dataset` finds it;
    4. ``default`` (the notebooks give the bundled event), which may be None.

    Parameters
    ----------
    path : path, optional
        The user's corpus.
    basil_path : path, optional
        The BASIL folder (holding ``articles/``).
    n_events : int, optional
        Keep the first ``n_events`` events by id (of ``path`` or BASIL); None: all.
    default : path, optional
        What to compare when there is no ``path`` and no BASIL.

    Returns
    -------
    tuple
        ``(source, description)``: ``source`` for :func:`narrative.compare` (the input read, a
        sentences DataFrame, ``default``), ``description`` one line naming it and its events.
    """
    from .datasets import find_dataset, read_basil
    from .io import read_input

    if path is not None:
        inp = read_input(path)
        frame = inp.articles if inp.articles is not None else inp.sentences
        events = sorted(dict.fromkeys(frame["event"].astype(str)))
        keep = events if n_events is None else events[: int(n_events)]
        if len(keep) < len(events):
            kept = frame[frame["event"].astype(str).isin(keep)].reset_index(drop=True)
            if inp.articles is not None:
                inp.articles = kept
            else:
                inp.sentences = kept
        of = f" (the first {len(keep)} of {len(events)} by id)" if len(keep) < len(events) else ""
        return inp, f"{path}: {len(keep)} event(s){of}"
    where = basil_path if basil_path is not None else find_dataset("basil")
    if where is not None:
        table = read_basil(where)
        events = sorted(table["event"].unique())
        keep = events if n_events is None else events[: int(n_events)]
        table = table[table["event"].isin(keep)].reset_index(drop=True)
        return table, f"BASIL ({where}): {len(keep)} event(s), {len(table)} sentences"
    return default, f"no corpus given and BASIL not found: {default if default is not None else 'nothing'}"
