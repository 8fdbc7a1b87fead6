"""The standard figures of a comparison, drawn and saved reproducibly."""

from __future__ import annotations

import io
from pathlib import Path

from . import plot

__all__ = ["FIGURES", "draw_figures", "save_figure", "figure_style"]

#: Figure name -> short description, in report order.
FIGURES = {
    "coverage": "Which outlet carries which claim, grouped by theme (crosses: omissions).",
    "omissions": "How many majority claims each outlet leaves out.",
    "emphasis": "Which themes each outlet gives its sentences to.",
    "similarity": "How much each pair of outlets' claims overlap.",
    "sentence_map": "Every sentence placed by meaning, coloured by outlet.",
}


def figure_style() -> dict:
    """Fixed matplotlib settings so that figures look and hash the same on every run."""
    return {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.titlesize": 10,
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "svg.hashsalt": "narrative",
        "path.simplify": True,
        "axes.unicode_minus": False,
    }


def draw_figures(result, event, *, sentence_map=None):
    """Draw the standard figures of one event; yield ``(name, Figure)``.

    ``sentence_map`` is ``result.sentence_map()``, computed once for many events.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    outlets = list(dict.fromkeys(result.sentences.loc[result.sentences["event"] == event, "outlet"]))
    n_claims = int((result.claims["event"] == event).sum())
    with plt.rc_context(figure_style()):
        fig, ax = plt.subplots(figsize=(4 + 1.0 * len(outlets), 1.6 + 0.22 * n_claims), layout="constrained")
        plot.plot_coverage(result.coverage, claims=result.claims, omissions=result.omissions, outlets=outlets,
                           event=event, ax=ax)  # fmt: skip
        yield "coverage", fig
        fig, ax = plt.subplots(figsize=(6, 1.2 + 0.4 * len(outlets)), layout="constrained")
        plot.plot_omissions(result.omissions[result.omissions["event"] == event], outlets=outlets, event=event, ax=ax)
        yield "omissions", fig
        fig, ax = plt.subplots(figsize=(7, 2.4 + 0.4 * len(outlets)), layout="constrained")
        plot.plot_emphasis(result.emphasis, outlets=outlets, event=event, ax=ax)
        yield "emphasis", fig
        fig, ax = plt.subplots(figsize=(2.5 + 0.8 * len(outlets), 2 + 0.7 * len(outlets)), layout="constrained")
        plot.plot_similarity(result.outlets, outlets=outlets, event=event, ax=ax)
        yield "similarity", fig
        fig, ax = plt.subplots(figsize=(7.5, 5), layout="constrained")
        smap = result.sentence_map() if sentence_map is None else sentence_map
        plot.plot_sentence_map(smap, event=event, ax=ax)
        yield "sentence_map", fig


def save_figure(fig, path=None, *, fmt="png") -> bytes:
    """Save a figure without timestamps or version stamps; return the bytes (and write ``path``)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Creator": None, "Producer": None, "CreationDate": None}
    if fmt == "svg":
        metadata = {"Creator": None, "Date": None}
    with plt.rc_context(figure_style()):
        fig.savefig(buffer, format=fmt, metadata=metadata)
    plt.close(fig)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
