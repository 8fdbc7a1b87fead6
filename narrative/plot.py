"""Tidy tables -> matplotlib Axes, one function per chart.

Every function takes ``data=`` (a table of :class:`narrative.Comparison`),
keyword-only options, draws on ``ax`` (or the current Axes) and returns the
Axes, in the manner of seaborn. Tables holding several events need ``event=``.
Colours are colour-blind-safe (Okabe-Ito for outlets, cividis for amounts).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

from .compare import theme_order
from .errors import InputError, describe

__all__ = [
    "OKABE_ITO",
    "STATUS_COLORS",
    "outlet_colors",
    "plot_coverage",
    "plot_omissions",
    "plot_emphasis",
    "plot_similarity",
    "plot_sentence_map",
    "plot_dendrogram",
    "plot_word_choice",
    "plot_profiles",
    "plot_articles",
    "PROFILE_COLORS",
    "TABLES",
    "coverage_labels",
]

#: Okabe & Ito's colour-blind-safe palette (black last).
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999", "#000000"]
#: Colours of the claim statuses.
STATUS_COLORS = {"shared": "#0072B2", "partial": "#E69F00", "unique": "#CC79A7", "": "#BBBBBB"}
#: Colours of the outlet-profile measures (:func:`narrative.profiles.outlet_profiles`).
PROFILE_COLORS = {"carries": "#009E73", "leads": "#0072B2", "buries": "#E69F00", "omits": "#D55E00"}


def _axes(ax):
    import matplotlib.pyplot as plt

    return plt.gca() if ax is None else ax


#: What each plot reads from ``data=``: the columns it needs, and where a user finds such a table.
#: The omissions plot also needs ``carried_by``, which tells the omissions table from the
#: sentences table (both have ``outlet`` and ``claim_id``).
TABLES = {
    "plot_coverage": (("claim_id", "outlet", "weight"), "result.coverage"),
    "plot_omissions": (("outlet", "claim_id", "carried_by"), "result.omissions"),
    "plot_emphasis": (("outlet", "theme_id", "theme", "weight"), "result.emphasis"),
    "plot_similarity": (("outlet_a", "outlet_b", "similarity"), "result.outlets"),
    "plot_sentence_map": (("outlet", "status", "x", "y"), "result.sentence_map()"),
    "plot_dendrogram": (("outlet_a", "outlet_b", "similarity"), "result.outlets"),
    "plot_word_choice": (("outlet", "word", "z"), "narrative.word_choice(result.sentences, claims=result.claims)"),
    "plot_profiles": (("outlet", "measure", "rate"), "narrative.outlet_profiles(result.coverage, result.sentences)"),
    "plot_articles": (("outlet", "position", "claim_id", "status"), "result.sentences"),
}


def _check_table(data, plot: str, *, argument: str = "data", columns=None, table=None, event=None) -> None:
    """Refuse ``data`` unless it is a DataFrame with the columns ``plot`` reads (:data:`TABLES`).

    ``columns`` and ``table`` default to those of ``plot`` in :data:`TABLES`; with ``event``
    given, the table also needs an ``event`` column. The error names the missing columns and
    the table to pass.
    """
    needed, source = TABLES.get(plot, ((), None))
    columns = list(needed if columns is None else columns) + (["event"] if event is not None else [])
    table = source if table is None else table
    if not isinstance(data, pd.DataFrame):
        got = "nothing" if data is None else describe(data)
        raise InputError(f"{plot} needs {argument}= to be a pandas DataFrame; got {got}.", fix=f"pass {table}.")
    missing = [c for c in dict.fromkeys(columns) if c not in data.columns]
    if missing:
        raise InputError(
            f"the table given to {plot} as {argument}= lacks column(s) {missing} (it has {list(data.columns)}).",
            fix=f"pass {table}, which has them.",
        )


def _one_event(data: pd.DataFrame, event, plot: str):
    """``data`` checked for ``plot`` (:func:`_check_table`), limited to ``event``; and the event drawn."""
    _check_table(data, plot, event=event)
    events = list(dict.fromkeys(data["event"])) if "event" in data.columns and len(data) else []
    if event is None:
        if len(events) > 1:
            raise InputError(
                f"data holds {len(events)} events.",
                fix=f"choose one with event= (e.g. {events[0]!r}), or pass the rows of one event.",
            )
        return data, (events[0] if events else None)
    return data[data["event"] == event], event


def outlet_colors(outlets) -> dict:
    """A stable colour for each outlet, in the given order."""
    return {o: OKABE_ITO[i % len(OKABE_ITO)] for i, o in enumerate(outlets)}


def _plain(text) -> str:
    """Text from the data as matplotlib should draw it: a ``$`` is a dollar sign, not the start of maths."""
    return str(text).replace("$", r"\$")


def _short(text: str, width: int = 38) -> str:
    return _plain(textwrap.shorten(str(text), width=width, placeholder="…"))


#: Longest outlet name drawn whole on an axis; longer names are cut with "…" (the tables keep them whole).
OUTLET_LABEL_WIDTH = 24


def _names(outlets) -> list[str]:
    """Outlet names as axis labels: long ones cut to :data:`OUTLET_LABEL_WIDTH` characters."""
    w = OUTLET_LABEL_WIDTH
    return [_plain(str(o) if len(str(o)) <= w else str(o)[: w - 1] + "…") for o in outlets]


#: Font size (points) of the coverage chart's row labels when the rows leave room for it.
COVERAGE_LABEL_SIZE = 7.0
#: Smallest font size of the coverage chart's row labels; denser rows get claim ids on every k-th row.
COVERAGE_MIN_LABEL_SIZE = 5.0
#: Row height needed per point of font size for labels not to touch (a line of DejaVu Sans is ~1.17 em).
_LINE_SPACING = 1.3


def _axes_height_points(ax) -> float:
    """The height of ``ax`` in points as the figure now places it (before any layout engine runs)."""
    return ax.get_position().height * ax.figure.get_figheight() * 72.0


def coverage_labels(row_height: float) -> tuple[float, bool, int]:
    """How :func:`plot_coverage` labels rows ``row_height`` points apart: ``(font size, ids only, every)``.

    Rows with room for :data:`COVERAGE_LABEL_SIZE`-point text get full labels (claim id and
    keywords) at that size; denser rows get full labels in a smaller font down to
    :data:`COVERAGE_MIN_LABEL_SIZE` points; denser still, claim ids only at that size, on every
    ``every``-th row so that no two labels overlap.

    >>> coverage_labels(12.0), coverage_labels(7.8), coverage_labels(3.0)
    ((7.0, False, 1), (6.0, False, 1), (5.0, True, 3))
    """
    fits = math.floor(row_height / _LINE_SPACING * 2) / 2  # half-point steps
    if fits >= COVERAGE_MIN_LABEL_SIZE:
        return min(COVERAGE_LABEL_SIZE, fits), False, 1
    every = math.ceil(COVERAGE_MIN_LABEL_SIZE * _LINE_SPACING / max(row_height, 1e-9))
    return COVERAGE_MIN_LABEL_SIZE, True, every


def plot_coverage(data=None, *, claims=None, omissions=None, outlets=None, event=None, ax=None, cmap="cividis_r",
                  row_height=None):  # fmt: skip
    """Heatmap of claims (rows, grouped by theme) x outlets: the share of each outlet's sentences.

    Row labels stay legible at any number of claims. Give the figure about 0.22 inch per claim
    (as ``narrative compare`` does for ``coverage.png``) and every row gets its claim id and
    keywords in 7-point type. Where the height is capped (a journal page,
    :func:`narrative.paper.paper_figures`), rows get closer than 7-point text needs, and the
    labels shrink (down to 5 points), then show the claim id only, on every k-th row, so that
    they never overlap (see :func:`coverage_labels`); theme names are then written only beside
    themes tall enough for them, and the omission crosses shrink with the rows. The tables keep
    every claim.

    Parameters
    ----------
    data : pandas.DataFrame
        The coverage table (``event``, ``claim_id``, ``outlet``, ``weight``).
    claims : pandas.DataFrame, optional
        The claims table; adds labels and groups rows by theme (the theme of the
        most widely carried claim first: :func:`narrative.compare.theme_order`). Claims flagged
        ``uncertain`` (their status would change within a small threshold band)
        get a "(?)" and an italic brown label.
    omissions : pandas.DataFrame, optional
        The omissions table; omitted cells are marked with a cross.
    outlets : list, optional
        Column order; default the order of first appearance.
    event : str, optional
        The event to draw when ``data`` holds several.
    ax : matplotlib.axes.Axes, optional
    row_height : float, optional
        The height of one row in points, which decides the labels (:func:`coverage_labels`);
        default the height ``ax`` has when called (its figure's size, before any layout
        engine runs) divided by the number of rows.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_coverage")
    outlets = list(outlets) if outlets is not None else list(dict.fromkeys(data["outlet"]))
    if claims is not None:
        _check_table(claims, "plot_coverage", argument="claims", columns=("claim_id", "label"), table="result.claims",
                     event=event)  # fmt: skip
        cl = claims[claims["event"] == event] if event is not None else claims
        order = theme_order(cl)  # the theme of the most widely carried claim first
        if order:
            cl = cl.assign(_t=cl["theme_id"].map({t: i for i, t in enumerate(order)}))
            cl = cl.assign(_c=cl["claim_id"].str[1:].astype(int)).sort_values(["_t", "_c"], kind="stable")
        rows = list(cl["claim_id"])
        labels = [f"{c}  {_short(lab, 30)}" for c, lab in zip(cl["claim_id"], cl["label"])]
        themes = list(cl["theme"]) if "theme" in cl else None
        uncertain = set(cl.loc[cl["uncertain"].astype(bool), "claim_id"]) if "uncertain" in cl else set()
    else:
        rows = sorted(set(data["claim_id"]), key=lambda c: int(c[1:]))
        labels, themes, uncertain = rows, None, set()
    if row_height is None:
        row_height = _axes_height_points(ax) / max(len(rows), 1)
    size, ids_only, every = coverage_labels(row_height)
    if ids_only:
        labels = list(rows)
    labels = [f"{lab} (?)" if c in uncertain else lab for c, lab in zip(rows, labels)]
    matrix = np.zeros((len(rows), len(outlets)))
    index = {c: i for i, c in enumerate(rows)}
    for c, o, w in zip(data["claim_id"], data["outlet"], data["weight"]):
        if c in index and o in outlets:
            matrix[index[c], outlets.index(o)] = w
    masked = np.ma.masked_where(matrix == 0, matrix)
    image = ax.imshow(
        masked, aspect="auto", cmap=cmap, vmin=0, vmax=max(float(matrix.max()), 1e-9), interpolation="nearest"
    )
    ax.set_facecolor("white")
    ax.set_xticks(range(len(outlets)), _names(outlets), rotation=30, ha="right")
    ax.set_yticks(range(0, len(rows), every), labels[::every], fontsize=size)
    for tick, c in zip(ax.get_yticklabels(), rows[::every]):
        if c in uncertain:  # status would change within a small threshold band
            tick.set_color("#8A5A00")
            tick.set_fontstyle("italic")
    # cell borders as two line collections, not minor ticks: a tick is an artist of its own
    ax.vlines(np.arange(-0.5, len(outlets)), -0.5, len(rows) - 0.5, color="#DDDDDD", linewidth=0.5)
    ax.hlines(np.arange(-0.5, len(rows)), -0.5, len(outlets) - 0.5, color="#DDDDDD",
              linewidth=min(0.5, row_height / 12))  # fmt: skip
    ax.set_xlim(-0.5, len(outlets) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    if omissions is not None:
        _check_table(omissions, "plot_coverage", argument="omissions", columns=TABLES["plot_omissions"][0],
                     table="result.omissions", event=event if len(omissions) else None)  # fmt: skip
    if omissions is not None and len(omissions):
        om = omissions[omissions["event"] == event] if event is not None else omissions
        xs = [outlets.index(o) for c, o in zip(om["claim_id"], om["outlet"]) if c in index and o in outlets]
        ys = [index[c] for c, o in zip(om["claim_id"], om["outlet"]) if c in index and o in outlets]
        ax.scatter(xs, ys, marker="x", color="#D55E00", s=min(30.0, (0.9 * row_height) ** 2),
                   linewidths=min(1.5, row_height / 6), label="omitted", zorder=3)  # fmt: skip
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, -0.02), fontsize=7, frameon=False)
    if themes:
        bounds = [i for i in range(1, len(themes)) if themes[i] != themes[i - 1]]
        for b in bounds:
            ax.axhline(b - 0.5, color="black", linewidth=1.2)
        starts = [0, *bounds]
        ends = [*bounds, len(themes)]
        for s, e in zip(starts, ends):
            if e - s < every:  # too short a theme for a label that would not touch its neighbours'
                continue
            ax.text(
                len(outlets) - 0.4, (s + e - 1) / 2, _short(themes[s], 40), va="center", ha="left", fontsize=size,
                style="italic",
            )  # fmt: skip
    ax.set_title(f"Claim coverage{f' — {_plain(event)}' if event else ''}")
    ax.figure.colorbar(
        image, ax=ax, label="share of the outlet's sentences", fraction=0.03, pad=0.01, location="top", shrink=0.5
    )
    return ax


def plot_omissions(data=None, *, outlets=None, event=None, ax=None, color="#D55E00"):
    """Bar chart of how many majority claims each outlet omits.

    Parameters
    ----------
    data : pandas.DataFrame
        The omissions table.
    outlets : list, optional
        Every outlet to show (outlets that omit nothing get a zero bar).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_omissions")
    counts = data.groupby("outlet", sort=False).size()
    outlets = list(outlets) if outlets is not None else list(counts.index)
    values = [int(counts.get(o, 0)) for o in outlets]
    bars = ax.barh(range(len(outlets)), values, color=color)
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_yticks(range(len(outlets)), _names(outlets))
    ax.invert_yaxis()
    ax.set_xlabel("claims omitted (carried by most other outlets)")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no half claims on the axis
    ax.set_title(f"Omissions per outlet{f' — {_plain(event)}' if event else ''}")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max(values + [1]) * 1.15)
    return ax


def _below_xlabel(ax, gap: float = 3.0):
    """A transform for ``bbox_to_anchor=(0.5, 0)`` that puts a legend ``gap`` points below the x-axis label.

    The offset is in points (tick, tick label and axis label heights from the current rcParams),
    not a fraction of the axes, so that a short axes (few outlets) does not bring the legend onto
    the label.
    """
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import ScaledTranslation

    rc = matplotlib.rcParams

    def points(size):
        return FontProperties(size=size).get_size_in_points()

    below = (max(rc["xtick.major.size"], 0) + rc["xtick.major.pad"] + 1.2 * points(rc["xtick.labelsize"])
             + rc["axes.labelpad"] + 1.2 * points(rc["axes.labelsize"]) + gap)  # fmt: skip
    return ax.transAxes + ScaledTranslation(0, -below / 72.0, ax.figure.dpi_scale_trans)


def _legend_columns(ax, labels, fontsize: float, most: int = 2) -> int:
    """The most legend columns (up to ``most``) whose estimated width fits the width of ``ax``'s grid cell.

    Text width is estimated as 0.55 em per character (DejaVu Sans averages about 0.5), plus the
    handle and the spacing of a default legend, so a narrow figure (one journal column) gets one
    column instead of a legend wider than the figure.
    """
    widest = max((len(str(t)) for t in labels), default=0) * 0.55 * fontsize
    column = widest + (2.0 + 0.8) * fontsize  # text, handle and the pad between them (points)
    spec = ax.get_subplotspec()
    if spec is not None:
        grid = spec.get_gridspec()
        share = (spec.colspan.stop - spec.colspan.start) / grid.ncols
    else:
        share = ax.get_position().width
    width = share * ax.figure.get_figwidth() * 72.0
    for n in range(most, 1, -1):
        if n * column + (n - 1) * 2.0 * fontsize <= width:
            return n
    return 1


def plot_emphasis(data=None, *, outlets=None, event=None, ax=None, normalize=True):
    """Stacked bars: the share of each outlet's coverage given to each theme.

    Parameters
    ----------
    data : pandas.DataFrame
        The emphasis table (``outlet``, ``theme_id``, ``theme``, ``weight``).
    normalize : bool, default True
        Scale each outlet's bar to 1.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_emphasis")
    outlets = list(outlets) if outlets is not None else list(dict.fromkeys(data["outlet"]))
    themes = data.drop_duplicates("theme_id").sort_values("theme_id", key=lambda s: s.str[1:].astype(int))
    table = data.pivot_table(index="outlet", columns="theme_id", values="weight", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=outlets, columns=list(themes["theme_id"]), fill_value=0.0)
    if normalize:
        table = table.div(table.sum(axis=1).replace(0, 1), axis=0)
    left = np.zeros(len(outlets))
    colors = OKABE_ITO[:-1]
    for k, (tid, label) in enumerate(zip(themes["theme_id"], themes["theme"])):
        values = table[tid].to_numpy()
        ax.barh(
            range(len(outlets)), values, left=left, color=colors[k % len(colors)], label=f"{tid}: {_short(label, 34)}"
        )
        left += values
    ax.set_yticks(range(len(outlets)), _names(outlets))
    ax.invert_yaxis()
    ax.set_xlabel("share of coverage" if normalize else "weight")
    # below the x label by a fixed distance in points (no overlap however short the axes), in as many
    # columns (two at most) as the width allows
    labels = ax.get_legend_handles_labels()[1]
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=_below_xlabel(ax), fontsize=7,
              frameon=False, ncol=_legend_columns(ax, labels, 7), borderaxespad=0)  # fmt: skip
    ax.set_title(f"Emphasis by theme{f' — {_plain(event)}' if event else ''}")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_similarity(data=None, *, outlets=None, event=None, ax=None, cmap="cividis", annotate=True):
    """Heatmap of pairwise outlet similarity over claims.

    The heatmap fills its axes (cells need not be square): a fixed aspect would let a layout
    engine misplace the axes, cutting long outlet names off at the figure's edge. Names longer
    than :data:`OUTLET_LABEL_WIDTH` characters are cut with "…".

    Parameters
    ----------
    data : pandas.DataFrame
        The outlets table (``outlet_a``, ``outlet_b``, ``similarity``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_similarity")
    if outlets is None:
        outlets = list(dict.fromkeys([*data["outlet_a"], *data["outlet_b"]]))
    n = len(outlets)
    matrix = np.eye(n)
    pos = {o: i for i, o in enumerate(outlets)}
    for a, b, s in zip(data["outlet_a"], data["outlet_b"], data["similarity"]):
        matrix[pos[a], pos[b]] = matrix[pos[b], pos[a]] = s
    image = ax.imshow(matrix, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(n), _names(outlets), rotation=30, ha="right")
    ax.set_yticks(range(n), _names(outlets))
    if annotate:
        for i in range(n):
            for j in range(n):
                ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="black" if matrix[i, j] > 0.6 else "white")  # fmt: skip
    ax.figure.colorbar(image, ax=ax, label="share of claims in common (Jaccard)", fraction=0.046)
    ax.set_title(f"Outlet similarity{f' — {_plain(event)}' if event else ''}")
    return ax


def plot_sentence_map(data=None, *, event=None, ax=None, s=28):
    """Scatter of sentences in 2-D (from ``Comparison.sentence_map()``), coloured by outlet.

    Marker shape shows the status of the sentence's main claim (circle shared,
    square partial, triangle unique, cross none).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_sentence_map")
    from matplotlib.lines import Line2D

    colors = outlet_colors(dict.fromkeys(data["outlet"]))
    markers = {"shared": "o", "partial": "s", "unique": "^", "": "x"}
    for (outlet, status), g in data.groupby(["outlet", "status"], sort=False):
        ax.scatter(g["x"], g["y"], s=s, color=colors[outlet], marker=markers.get(status, "o"), alpha=0.85)
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=_plain(o)) for o, c in colors.items()]
    handles += [Line2D([], [], marker=m, linestyle="", color="#555555", label=st or "no claim")
                for st, m in markers.items() if st in set(data["status"])]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.set_title(f"Sentences by meaning{f' — {_plain(event)}' if event else ''}")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _similarity_matrix(data, outlets):
    n = len(outlets)
    matrix = np.eye(n)
    pos = {o: i for i, o in enumerate(outlets)}
    for a, b, s in zip(data["outlet_a"], data["outlet_b"], data["similarity"]):
        if a in pos and b in pos:
            matrix[pos[a], pos[b]] = matrix[pos[b], pos[a]] = s
    return matrix


def plot_dendrogram(data=None, *, outlets=None, event=None, ax=None, method="average", color="#0072B2"):
    """Dendrogram of outlets clustered by how many claims they share (distance 1 - Jaccard).

    Parameters
    ----------
    data : pandas.DataFrame
        The outlets table (``outlet_a``, ``outlet_b``, ``similarity``).
    outlets : list, optional
        The outlets to cluster; default all in ``data``.
    method : str, default "average"
        Linkage method of :func:`scipy.cluster.hierarchy.linkage`.
    color : str
        Colour of the links.

    Returns
    -------
    matplotlib.axes.Axes
        Leaves are labelled with the outlet names (y tick labels).
    """
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from scipy.cluster.hierarchy import dendrogram, linkage
    from scipy.spatial.distance import squareform

    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_dendrogram")
    if outlets is None:
        outlets = list(dict.fromkeys([*data["outlet_a"], *data["outlet_b"]]))
    if len(outlets) < 2:
        raise InputError(
            f"a dendrogram needs at least two outlets; got {len(outlets)}.",
            fix="pass outlets= with two or more outlets of the table, or leave it out.",
        )
    distance = 1.0 - _similarity_matrix(data, outlets)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method=method)
    dendrogram(
        tree, labels=_names(outlets), orientation="left", ax=ax, link_color_func=lambda _: color,
        leaf_font_size=FontProperties(size=matplotlib.rcParams["ytick.labelsize"]).get_size_in_points(),
    )  # fmt: skip
    ax.set_xlabel("distance (1 − share of claims in common)")
    ax.set_xlim(left=max(1.0, float(tree[:, 2].max()) * 1.05) if len(tree) else 1.0, right=0)
    ax.set_title(f"Outlets clustered by claims{f' — {_plain(event)}' if event else ''}")
    ax.spines[["top", "right", "left"]].set_visible(False)
    return ax


def plot_word_choice(data=None, *, outlets=None, event=None, n=5, ax=None, colors=None):
    """Horizontal bars: each outlet's most distinctive words in claims others report too.

    Parameters
    ----------
    data : pandas.DataFrame
        The word-choice table of :func:`narrative.wording.word_choice`
        (``outlet``, ``word``, ``z``; one claim at most).
    outlets : list, optional
        Outlets to show, top to bottom; default their order in ``data``.
    n : int, default 5
        Words per outlet (those with the largest positive ``z``).
    colors : dict, optional
        Outlet -> colour; default :func:`outlet_colors`.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per (outlet, word); y tick labels are the words, bars coloured by outlet.
    """
    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_word_choice")
    if "claim_id" in data.columns and data["claim_id"].nunique() > 1:
        raise InputError("data holds several claims.", fix="select one: data[data['claim_id'] == ...].")
    outlets = list(outlets) if outlets is not None else list(dict.fromkeys(data["outlet"]))
    colors = colors or outlet_colors(outlets)
    ys, values, labels, bar_colors, blocks = [], [], [], [], []
    y = 0
    for outlet in outlets:
        g = data[(data["outlet"] == outlet) & (data["z"] > 0)]
        g = g.sort_values(["z", "word"], ascending=[False, True], kind="stable").head(n)
        start = y
        for word, z in zip(g["word"], g["z"]):
            ys.append(y)
            values.append(float(z))
            labels.append(_plain(word))
            bar_colors.append(colors[outlet])
            y += 1
        blocks.append((outlet, start, y))
        y += 0.6
    ax.barh(ys, values, color=bar_colors, height=0.8)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.invert_yaxis()
    for outlet, start, end in blocks:
        if end > start:
            ax.text(1.0, (start + end - 1) / 2, f" {_names([outlet])[0]}", transform=ax.get_yaxis_transform(), va="center",
                    ha="left", fontsize=8, color="black", fontweight="bold")  # fmt: skip
    ax.axvline(1.96, color="#555555", linestyle=":", linewidth=0.8)
    ax.set_xlabel("z-score of the weighted log-odds (outlet vs all others)")
    ax.set_title(f"Word choice in shared claims{f' — {_plain(event)}' if event else ''}")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_profiles(data=None, *, outlets=None, measures=None, ax=None, colors=None):
    """Grouped bars: how often each outlet carries, leads with, buries or omits the majority claims.

    Parameters
    ----------
    data : pandas.DataFrame
        The table of :func:`narrative.profiles.outlet_profiles` (``outlet``, ``measure``, ``rate``).
    outlets : list, optional
        Outlets top to bottom; default their order in ``data``.
    measures : list, optional
        Measures to show; default all in ``data``, in :data:`PROFILE_COLORS` order.
    colors : dict, optional
        Measure -> colour; default :data:`PROFILE_COLORS`.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per (outlet, measure), labelled with its rate; one legend entry per measure.
    """
    ax = _axes(ax)
    _check_table(data, "plot_profiles")
    outlets = list(outlets) if outlets is not None else list(dict.fromkeys(data["outlet"]))
    present = set(data["measure"])
    measures = list(measures) if measures is not None else [m for m in PROFILE_COLORS if m in present]
    measures += [] if measures else sorted(present)
    colors = {**PROFILE_COLORS, **(colors or {})}
    rate = data.set_index(["outlet", "measure"])["rate"]
    height = 0.8 / max(len(measures), 1)
    for k, measure in enumerate(measures):
        ys = np.arange(len(outlets)) + (k - (len(measures) - 1) / 2) * height
        values = [float(rate.get((o, measure), np.nan)) for o in outlets]
        bars = ax.barh(ys, np.nan_to_num(values), height=height, color=colors.get(measure, "#999999"), label=measure)
        ax.bar_label(bars, labels=[f"{v:.0%}" if v == v else "" for v in values], padding=2, fontsize=7)
    ax.set_yticks(range(len(outlets)), _names(outlets))
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("share of the majority claims")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(measures), fontsize=8, frameon=False)
    ax.set_title("Outlet profiles across events")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_articles(data=None, *, outlets=None, event=None, ax=None, label=True):
    """The articles side by side: one column per outlet, one cell per sentence, coloured by claim status.

    Parameters
    ----------
    data : pandas.DataFrame
        The sentences table (``outlet``, ``position``, ``claim_id``, ``status``).
    label : bool, default True
        Write each sentence's main claim id in its cell.

    Returns
    -------
    matplotlib.axes.Axes
        One rectangle patch per sentence, in reading order top to bottom.
    """
    from matplotlib.patches import Patch, Rectangle

    ax = _axes(ax)
    data, event = _one_event(data, event, "plot_articles")
    outlets = list(outlets) if outlets is not None else list(dict.fromkeys(data["outlet"]))
    longest = 0
    for x, outlet in enumerate(outlets):
        g = data[data["outlet"] == outlet].sort_values("position", kind="stable")
        longest = max(longest, len(g))
        for y, (ids, status) in enumerate(zip(g["claim_id"], g["status"])):
            status = status if isinstance(status, str) else ""
            ax.add_patch(Rectangle((x - 0.42, y - 0.42), 0.84, 0.84, facecolor=STATUS_COLORS.get(status, "#BBBBBB"),
                                   edgecolor="white", linewidth=0.5))  # fmt: skip
            main = str(ids).split(";")[0] if isinstance(ids, str) else ""
            if label and main:
                ax.text(x, y, main, ha="center", va="center", fontsize=6,
                        color="white" if status in ("shared", "unique") else "black")  # fmt: skip
    ax.set_xlim(-0.6, len(outlets) - 0.4)
    ax.set_ylim(longest - 0.5, -0.5)
    ax.set_xticks(range(len(outlets)), _names(outlets), rotation=30, ha="right")
    ax.set_ylabel("sentence (reading order)")
    handles = [Patch(facecolor=c, label=s or "no claim") for s, c in STATUS_COLORS.items()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    ax.set_title(f"The articles side by side{f' — {_plain(event)}' if event else ''}")
    ax.spines[["top", "right", "bottom", "left"]].set_visible(False)
    return ax
