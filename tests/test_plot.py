"""Plot functions: assert on the artists (labels, counts, colours); figures closed after each test."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle
from synthetic_event import OUTLETS, comparison, sentence_map

from narrative import plot
from narrative.profiles import outlet_profiles
from narrative.wording import word_choice

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture(scope="module")
def result():
    return comparison()


def _labels(ticks):
    return [t.get_text() for t in ticks]


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_coverage_rows_columns_and_omission_marks(result):
    ax = plot.plot_coverage(result.coverage, claims=result.claims, omissions=result.omissions)
    assert _labels(ax.get_xticklabels()) == OUTLETS
    rows = [t.split()[0] for t in _labels(ax.get_yticklabels())]
    assert sorted(rows, key=lambda c: int(c[1:])) == list(result.claims["claim_id"])
    # grouped by theme: T1 claims (C1, C2, C5) first
    assert rows[:3] == ["C1", "C2", "C5"]
    (marks,) = [c for c in ax.collections if isinstance(c, PathCollection)]  # the crosses; the grid is lines
    assert len(marks.get_offsets()) == len(result.omissions) == 3
    image = ax.images[0].get_array()
    assert image.shape == (len(result.claims), len(OUTLETS))
    assert int((~image.mask).sum()) == len(result.coverage)


def test_omissions_bar_lengths_and_colour(result):
    ax = plot.plot_omissions(result.omissions, outlets=OUTLETS, color="#123456")
    bars = _bars(ax)
    assert [b.get_width() for b in bars] == [1, 0, 2]  # alpha omits C5; gamma C2, C3
    assert {to_hex(b.get_facecolor()) for b in bars} == {"#123456"}
    assert _labels(ax.get_yticklabels()) == OUTLETS


def test_emphasis_stacks_normalised_theme_shares(result):
    ax = plot.plot_emphasis(result.emphasis)
    bars = _bars(ax)
    assert len(bars) == len(OUTLETS) * 2
    totals = {}
    for b in bars:
        totals[round(b.get_y(), 3)] = totals.get(round(b.get_y(), 3), 0) + b.get_width()
    assert np.allclose(list(totals.values()), 1.0)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [t.split(":")[0] for t in legend] == ["T1", "T2"]
    assert to_hex(bars[0].get_facecolor()) == plot.OKABE_ITO[0].lower()


def test_similarity_matrix_and_annotations(result):
    ax = plot.plot_similarity(result.outlets)
    matrix = ax.images[0].get_array()
    assert np.allclose(np.diag(matrix), 1) and np.allclose(matrix, matrix.T)
    # alpha and beta share C1, C2, C3 of their union C1-C6 (without C5 for alpha): 3 / 6
    assert matrix[0, 1] == pytest.approx(3 / 6)
    assert len(ax.texts) == len(OUTLETS) ** 2
    assert not plot.plot_similarity(result.outlets, annotate=False, ax=plt.figure().gca()).texts


def test_sentence_map_one_point_per_sentence(result):
    ax = plot.plot_sentence_map(sentence_map(result))
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(result.sentences)
    colours = {to_hex(c.get_facecolor()[0]) for c in ax.collections}
    assert colours == {c.lower() for c in plot.OKABE_ITO[:3]}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == OUTLETS


def test_dendrogram_leaves_and_links(result):
    ax = plot.plot_dendrogram(result.outlets, color="#009E73")
    assert sorted(_labels(ax.get_yticklabels())) == OUTLETS
    links = ax.collections[0]
    assert len(links.get_paths()) == len(OUTLETS) - 1
    assert {to_hex(c) for c in links.get_colors()} == {"#009e73"}
    with pytest.raises(ValueError, match="at least two outlets"):
        plot.plot_dendrogram(result.outlets, outlets=["alpha"])


def test_word_choice_bars_per_outlet(result):
    words = word_choice(result.sentences, claims=result.claims)
    ax = plot.plot_word_choice(words, n=2)
    bars = _bars(ax)
    positive = words[words["z"] > 0].groupby("outlet").size()
    assert len(bars) == sum(min(2, int(positive.get(o, 0))) for o in OUTLETS)
    colours = plot.outlet_colors(OUTLETS)
    expected = [colours[o] for o in OUTLETS for _ in range(min(2, int(positive.get(o, 0))))]
    assert [to_hex(b.get_facecolor()) for b in bars] == [c.lower() for c in expected]
    assert _labels(ax.get_yticklabels())[0] == words[words["outlet"] == "alpha"]["word"].iloc[0]
    assert [t.get_text().strip() for t in ax.texts] == OUTLETS
    with pytest.raises(ValueError, match="several claims"):
        plot.plot_word_choice(word_choice(result.sentences, by_claim=True))


def test_profiles_bars_rates_and_colours(result):
    prof = outlet_profiles(result.coverage, result.sentences)
    ax = plot.plot_profiles(prof)
    bars = _bars(ax)
    assert len(bars) == len(OUTLETS) * 4
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["carries", "leads", "buries", "omits"]
    by_colour = {}
    for b in bars:
        by_colour.setdefault(to_hex(b.get_facecolor()), []).append(b.get_width())
    expected = prof.pivot_table(index="outlet", columns="measure", values="rate", sort=False)
    for measure, colour in plot.PROFILE_COLORS.items():
        assert by_colour[colour.lower()] == pytest.approx(list(expected[measure]))
    assert _labels(ax.get_yticklabels()) == OUTLETS


def test_articles_one_cell_per_sentence_coloured_by_status(result):
    ax = plot.plot_articles(result.sentences)
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == len(result.sentences)
    want = [plot.STATUS_COLORS[s].lower() for o in OUTLETS for s in result.sentences.loc[
        result.sentences["outlet"] == o, "status"]]  # fmt: skip
    assert [to_hex(c.get_facecolor()) for c in cells] == want
    assert [t.get_text() for t in ax.texts][:4] == ["C1", "C2", "C3", "C4"]
    assert _labels(ax.get_xticklabels()) == OUTLETS


def test_several_events_need_event(result):
    two = comparison("e2")
    import pandas as pd

    both = pd.concat([result.omissions, two.omissions], ignore_index=True)
    with pytest.raises(ValueError, match="choose one with event="):
        plot.plot_omissions(both)
    assert plot.plot_omissions(both, event="e2").get_title().endswith("e2")


def test_coverage_marks_uncertain_claims(close_figures):
    import matplotlib.pyplot as plt
    import pandas as pd

    from narrative.plot import plot_coverage

    coverage = pd.DataFrame(
        {"event": "e", "claim_id": ["C1", "C1", "C2"], "outlet": ["a", "b", "a"], "weight": [0.5, 0.5, 0.5]}
    )
    claims = pd.DataFrame(
        {
            "event": "e",
            "claim_id": ["C1", "C2"],
            "label": ["troops, town", "wounded"],
            "theme_id": ["T1", "T1"],
            "theme": ["war", "war"],
            "uncertain": [False, True],
        }
    )
    ax = plot_coverage(coverage, claims=claims, ax=plt.figure().subplots())
    ticks = {t.get_text(): t for t in ax.get_yticklabels()}
    assert "C2  wounded (?)" in ticks and ticks["C2  wounded (?)"].get_fontstyle() == "italic"
    assert "C1  troops, town" in ticks and ticks["C1  troops, town"].get_fontstyle() == "normal"


def test_long_outlet_names_are_cut_on_axes_only(result):
    long = {o: f"{o}-" + "x" * 60 for o in OUTLETS}
    omissions = result.omissions.assign(outlet=result.omissions["outlet"].map(long))
    ax = plot.plot_omissions(omissions, outlets=[long[o] for o in OUTLETS])
    labels = _labels(ax.get_yticklabels())
    assert [len(t) for t in labels] == [plot.OUTLET_LABEL_WIDTH] * len(OUTLETS)
    assert all(t.endswith("…") and long[o].startswith(t[:-1]) for t, o in zip(labels, OUTLETS))
    assert [b.get_width() for b in _bars(ax)] == [1, 0, 2]  # the data still follow the full names


# --- legibility: dense rows, long outlet names, short axes (fixed seeds: the figures are deterministic)

LONG_NAME = "Breitbart <script>alert(1)</script> &amp"


def big_event(n_outlets=5, n_claims=160, names=None, n_themes=6):
    """Every table of a hand-made comparison of many claims (each outlet carries two in three)."""
    import pandas as pd

    from narrative.compare import claims_table, coverage_table, emphasis_table, omissions_table, outlet_similarity
    from narrative.pipeline import Comparison

    names = list(names) if names is not None else [f"outlet {k}" for k in range(n_outlets)]
    rows = []
    for k, outlet in enumerate(names):
        carried = [c for c in range(1, n_claims + 1) if (c + k) % 3]
        for position, c in enumerate(carried):
            rows.append({"event": "big", "outlet": outlet, "position": position,
                         "text": f"Claim {c} as told by {outlet}.", "claim_id": f"C{c}"})  # fmt: skip
    sentences = pd.DataFrame(rows)
    embeddings = np.random.default_rng(0).normal(size=(len(sentences), 8))
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    claims = claims_table(sentences, embeddings)
    claims["theme_id"] = [f"T{1 + int(c[1:]) % n_themes}" for c in claims["claim_id"]]
    claims["theme"] = claims["theme_id"].map(lambda t: f"{t.lower()} theme, keywords, here")
    coverage = coverage_table(sentences)
    sentences["status"] = sentences["claim_id"].map(claims.set_index("claim_id")["status"])
    themes = claims.groupby(["event", "theme_id", "theme"], sort=True).size().rename("n_claims").reset_index()
    return Comparison(sentences=sentences, claims=claims, coverage=coverage,
                      omissions=omissions_table(sentences, claims), outlets=outlet_similarity(coverage, sentences),
                      themes=themes, emphasis=emphasis_table(coverage, claims, sentences), embeddings=embeddings)  # fmt: skip


def _drawn(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _inside(fig, artist, renderer, slack=1.0):
    box, page = artist.get_window_extent(renderer), fig.bbox
    return (
        page.x0 - slack <= box.x0 <= box.x1 <= page.x1 + slack
        and page.y0 - slack <= box.y0 <= box.y1 <= page.y1 + slack
    )


def _overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_coverage_labels_shrink_then_thin_out_with_dense_rows():
    assert plot.coverage_labels(20.0) == (7.0, False, 1)
    assert plot.coverage_labels(8.0) == (6.0, False, 1)
    size, ids_only, every = plot.coverage_labels(2.0)
    assert (size, ids_only) == (plot.COVERAGE_MIN_LABEL_SIZE, True) and every * 2.0 >= 1.2 * size


@pytest.mark.parametrize("n_claims", [8, 60, 128, 400])
def test_coverage_row_labels_never_overlap_on_a_page_tall_figure(n_claims):
    r = big_event(n_claims=n_claims)
    fig, ax = plt.subplots(figsize=(7.2, 9.0), layout="constrained")  # a page: the paper figure's cap
    plot.plot_coverage(r.coverage, claims=r.claims, omissions=r.omissions, ax=ax)
    renderer = _drawn(fig)
    ticks = [t for t in ax.get_yticklabels() if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in ticks]
    assert all(not _overlap(a, b) for a, b in zip(boxes, boxes[1:]))
    assert all(_inside(fig, t, renderer) for t in ticks)
    assert min(t.get_fontsize() for t in ticks) >= plot.COVERAGE_MIN_LABEL_SIZE
    themes = [t for t in ax.texts if t.get_text()]
    assert all(not _overlap(a.get_window_extent(renderer), b.get_window_extent(renderer))
               for a, b in zip(themes, themes[1:]))  # fmt: skip
    if n_claims <= 60:  # room for every row: claim id and keywords on each
        assert len(ticks) == n_claims and all("  " in t.get_text() for t in ticks)


def test_coverage_grows_with_claims_in_the_cli_figure():
    from narrative import figures

    r = big_event(n_claims=128)
    fig = dict(figures.draw_figures(r, "big", sentence_map=sentence_map(r)))["coverage"]
    ax = fig.axes[0]
    renderer = _drawn(fig)
    ticks = ax.get_yticklabels()
    assert len(ticks) == 128 and {t.get_fontsize() for t in ticks} == {plot.COVERAGE_LABEL_SIZE}
    boxes = [t.get_window_extent(renderer) for t in ticks]
    assert all(not _overlap(a, b) for a, b in zip(boxes, boxes[1:]))
    plt.close("all")


@pytest.mark.parametrize("n_outlets", [2, 3, 5, 8])
def test_similarity_labels_stay_inside_the_cli_figure(n_outlets):
    from narrative import figures

    names = [f"Outlet number {k}" for k in range(n_outlets - 1)] + [LONG_NAME]
    r = big_event(n_claims=12, names=names)
    fig = dict(figures.draw_figures(r, "big", sentence_map=sentence_map(r)))["similarity"]
    renderer = _drawn(fig)
    ax = fig.axes[0]
    labels = [*ax.get_yticklabels(), *ax.get_xticklabels()]
    assert plot._names([LONG_NAME])[0] in [t.get_text() for t in labels]
    assert all(_inside(fig, t, renderer) for t in labels)
    plt.close("all")


@pytest.mark.parametrize("n_outlets", [2, 3, 6])
def test_emphasis_legend_clears_the_axis_label(n_outlets):
    from narrative import figures

    r = big_event(n_outlets=n_outlets, n_claims=30)
    fig = dict(figures.draw_figures(r, "big", sentence_map=sentence_map(r)))["emphasis"]
    renderer = _drawn(fig)
    ax = fig.axes[0]
    label, legend = ax.xaxis.label.get_window_extent(renderer), ax.get_legend().get_window_extent(renderer)
    assert legend.y1 < label.y0  # wholly below the label, not touching it
    assert all(_inside(fig, t, renderer) for t in ax.get_legend().get_texts())
    plt.close("all")


def test_a_dollar_sign_in_names_is_drawn_as_a_dollar_not_as_maths():
    result = comparison()
    rename = {OUTLETS[0]: "The $Money$ Post"}
    omissions = result.omissions.assign(outlet=result.omissions["outlet"].replace(rename))
    outlets = [rename.get(o, o) for o in OUTLETS]
    ax = plot.plot_omissions(omissions, outlets=outlets, event="e1")
    ax.figure.canvas.draw()
    labels = [t for t in ax.get_yticklabels() if "Money" in t.get_text()]
    assert len(labels) == 1
    shown, maths = labels[0]._preprocess_math(labels[0].get_text())
    assert shown == "The $Money$ Post" and not maths
    assert all(float(t).is_integer() for t in ax.get_xticks())  # counts: whole numbers on the axis
    plt.close(ax.figure)
