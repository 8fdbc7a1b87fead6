"""A media-literacy lesson from a comparison: articles side by side, "spot the omission", a handout.

Every piece of article text is HTML-escaped (Jinja2 autoescape), so an
article that holds markup shows it as text and runs nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["article_texts", "omission_exercises", "side_by_side_html", "exercise_html", "handout_html", "write_handout"]

_CSS = """
body { font-family: Georgia, 'DejaVu Serif', serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.4em; }
.lead { color: #444; }
.articles { display: grid; grid-template-columns: repeat(auto-fit, minmax(14em, 1fr)); gap: 0.8em; }
.article { border: 1px solid #bbb; border-radius: 4px; padding: 0.6em 0.8em; font-size: 0.92em; line-height: 1.35; }
.article h3 { margin: 0 0 0.4em 0; font-size: 1.05em; font-family: 'DejaVu Sans', sans-serif; }
.article p { margin: 0 0 0.45em 0; }
.exercise { border-left: 4px solid #0072B2; padding: 0.2em 0.9em; margin: 1em 0; break-inside: avoid; }
.exercise ol { list-style-type: upper-alpha; } .exercise li { margin-bottom: 0.3em; }
.answer { border-left: 4px solid #009E73; padding: 0.2em 0.9em; margin: 0.6em 0; }
details summary { cursor: pointer; color: #0072B2; font-family: 'DejaVu Sans', sans-serif; }
.answers { break-before: page; page-break-before: always; }
.blank { border-bottom: 1px solid #999; height: 1.6em; }
@media print { body { margin: 0; font-size: 10.5pt; } details { display: block; } .noprint { display: none; }
  @page { size: A4; margin: 16mm; } }
"""

_TEMPLATES = {
    "articles": """<div class="articles">{% for a in articles %}<div class="article"><h3>{{ a.outlet }}</h3>
{% if a.title %}<p><strong>{{ a.title }}</strong></p>{% endif %}{% for p in a.paragraphs %}<p>{{ p }}</p>{% endfor %}
</div>{% endfor %}</div>""",
    "exercise": """<div class="exercise"><p><strong>Exercise {{ number }}.</strong> Most other outlets report one of these
facts, but <strong>{{ outlet }}</strong> does not. Which one did {{ outlet }} leave out?</p>
<ol>{% for c in choices %}<li>{{ c.text }}</li>{% endfor %}</ol>{% if blanks %}<p>Why might an outlet leave
this out?</p><div class="blank"></div><div class="blank"></div>{% endif %}</div>""",
    "answer": """<div class="answer"><strong>Answer {{ number }}: {{ letter }}.</strong> {{ text }}
<br><em>Reported by: {{ carried_by }}. Not by: {{ outlet }}.</em></div>""",
    "details": """<details><summary>Show the answer</summary>{{ body }}</details>""",
    "page": """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>{{ css }}</style></head><body><h1>{{ title }}</h1>
<p class="lead">{{ n_outlets }} outlets reported the same event. Read the articles, then do the exercises:
each names an outlet and lists facts; one of them is a fact most other outlets reported but this outlet left out.</p>
<h2>The articles</h2>{{ articles }}<h2>Spot the omission</h2>{% for e in exercises %}{{ e }}{% endfor %}
{% if answers %}<section class="answers"><h2>Answer key (for the teacher)</h2>{% for a in answers %}{{ a }}{% endfor %}
</section>{% endif %}</body></html>""",
}


def _env():
    from jinja2 import Environment

    return Environment(autoescape=True, keep_trailing_newline=False)


def _render(name: str, **values) -> str:
    from markupsafe import Markup

    env = _env()
    # fragments already rendered (and so escaped) by these templates are passed through as markup
    values = {
        k: (Markup(v) if k in ("articles", "body", "css") and isinstance(v, str) else v) for k, v in values.items()
    }
    if "exercises" in values:
        values["exercises"] = [Markup(e) for e in values["exercises"]]
    if values.get("answers"):
        values["answers"] = [Markup(a) for a in values["answers"]]
    return env.from_string(_TEMPLATES[name]).render(**values)


def _event(result, event):
    events = list(dict.fromkeys(result.sentences["event"]))
    if event is None:
        return events[0]
    if event not in events:
        raise ValueError(f"event {event!r} is not in the comparison; it holds {events[:5]}.")
    return event


def article_texts(result, *, event=None) -> pd.DataFrame:
    """Each outlet's article of one event as paragraphs of sentences.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``title`` (empty when unknown), ``n_sentences``, ``text``
        (sentences in reading order, one paragraph per line); outlets in the event's order.
    """
    event = _event(result, event)
    s = result.sentences[result.sentences["event"] == event]
    titles = {}
    if getattr(result, "articles", None) is not None and "title" in result.articles:
        a = result.articles[result.articles["event"] == event]
        titles = dict(zip(a["outlet"], a["title"].fillna("").astype(str)))
    elif "title" in s.columns:
        titles = dict(zip(s["outlet"], s["title"].fillna("").astype(str)))
    rows = []
    for outlet, g in s.groupby("outlet", sort=False):
        g = g.sort_values("position", kind="stable")
        if "paragraph" in g.columns:
            paragraphs = [" ".join(p["text"]) for _, p in g.groupby("paragraph", sort=False)]
        else:
            paragraphs = list(g["text"])
        rows.append({"outlet": outlet, "title": titles.get(outlet, ""), "n_sentences": len(g),
                     "text": "\n".join(paragraphs)})  # fmt: skip
    return pd.DataFrame(rows, columns=["outlet", "title", "n_sentences", "text"])


def omission_exercises(result, *, event=None, n: int = 3, n_choices: int = 3, seed: int = 0) -> pd.DataFrame:
    """ "Spot the omission" multiple-choice exercises, one per outlet that omits something.

    For each exercise an outlet is named; the choices are one claim the
    outlet omits (carried by most other outlets, see
    :func:`narrative.compare.is_omission`) and ``n_choices - 1`` claims it does
    carry, each shown as the claim's representative sentence, shuffled with
    ``seed``. Outlets are taken in the order of how many claims they omit
    (most first); each one's exercise uses the omitted claim most outlets carry, among those
    the outlet has no close sentence for (``uncertain`` false in the omissions table) when
    there are any.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per choice: ``exercise`` (1-based), ``event``,
        ``outlet``, ``letter`` (A, B, ...), ``claim_id``, ``text``, ``correct``
        (True for the omitted claim), ``carried_by``.
    """
    if n < 1 or n_choices < 2:
        raise ValueError(f"n must be >= 1 and n_choices >= 2; got n={n!r}, n_choices={n_choices!r}.")
    event = _event(result, event)
    rng = np.random.default_rng(seed)
    om = result.omissions[result.omissions["event"] == event]
    claims = result.claims[result.claims["event"] == event].set_index("claim_id")
    cov = result.coverage[result.coverage["event"] == event]
    outlets = list(dict.fromkeys(result.sentences.loc[result.sentences["event"] == event, "outlet"]))
    per_outlet = om.groupby("outlet", sort=False).size()
    ranked = sorted(per_outlet.index, key=lambda o: (-int(per_outlet[o]), outlets.index(o)))
    rows = []
    for outlet in ranked:
        if len({r["exercise"] for r in rows}) >= n:
            break
        mine = om[om["outlet"] == outlet]
        # the answer should be a clear omission: one the outlet has no close sentence for, if it has one
        doubt = mine["uncertain"].astype(bool) if "uncertain" in mine else pd.Series(False, index=mine.index)
        mine = mine.assign(_doubt=doubt).sort_values(["_doubt", "n_carrying"], ascending=[True, False], kind="stable")
        target = mine.iloc[0]
        carried = cov.loc[cov["outlet"] == outlet, "claim_id"]
        # distractors: claims the outlet carries, most widely reported first (plausible "facts")
        pool = sorted(carried, key=lambda c: (-int(claims.at[c, "n_outlets"]), int(c[1:]) if c[1:].isdigit() else 0))
        distractors = pool[: n_choices - 1]
        if len(distractors) < n_choices - 1:
            continue
        options = [(target["claim_id"], str(target["evidence"]), True)]
        options += [(c, str(claims.at[c, "representative"]), False) for c in distractors]
        order = rng.permutation(len(options))
        number = len({r["exercise"] for r in rows}) + 1
        for k, i in enumerate(order):
            cid, text, correct = options[i]
            rows.append({"exercise": number, "event": event, "outlet": outlet, "letter": chr(ord("A") + k),
                         "claim_id": cid, "text": text, "correct": correct,
                         "carried_by": str(claims.at[cid, "outlets"]).replace(";", ", ")})  # fmt: skip
    columns = ["exercise", "event", "outlet", "letter", "claim_id", "text", "correct", "carried_by"]
    return pd.DataFrame(rows, columns=columns)


def side_by_side_html(result, *, event=None, outlets=None, max_sentences: int | None = None) -> str:
    """The articles of one event as escaped HTML columns (for a notebook or the handout)."""
    texts = article_texts(result, event=event)
    if outlets is not None:
        texts = texts.set_index("outlet").loc[list(outlets)].reset_index()
    articles = []
    for row in texts.itertuples(index=False):
        paragraphs = row.text.split("\n")
        if max_sentences is not None:
            paragraphs = paragraphs[:max_sentences]
        articles.append({"outlet": row.outlet, "title": row.title, "paragraphs": paragraphs})
    return f"<style>{_CSS}</style>" + _render("articles", articles=articles)


def exercise_html(exercises: pd.DataFrame, number: int, *, answer: bool = False, collapsed: bool = True,
                  blanks: bool = False) -> str:  # fmt: skip
    """One exercise as escaped HTML; with ``answer=True`` its answer instead, in a collapsed ``<details>``."""
    ex = exercises[exercises["exercise"] == number]
    if ex.empty:
        raise ValueError(f"there is no exercise {number}; there are {sorted(set(exercises['exercise']))}.")
    outlet = ex["outlet"].iloc[0]
    if not answer:
        return _render("exercise", number=number, outlet=outlet, choices=ex.to_dict("records"), blanks=blanks)
    right = ex[ex["correct"]].iloc[0]
    body = _render("answer", number=number, letter=right["letter"], text=right["text"], outlet=outlet,
                   carried_by=right["carried_by"])  # fmt: skip
    return _render("details", body=body) if collapsed else body


def handout_html(result, *, event=None, title=None, n: int = 3, seed: int = 0, answers: bool = True) -> str:
    """A printable page: the articles, "spot the omission" exercises, and (optionally) the answer key.

    The answer key starts on a new printed page, so a teacher can print the
    exercises alone. Print it to PDF from any browser.
    """
    event = _event(result, event)
    ex = omission_exercises(result, event=event, n=n, seed=seed)
    numbers = list(dict.fromkeys(ex["exercise"]))
    return _render(
        "page",
        title=title or f"Same event, different stories: {event}",
        css=_CSS,
        n_outlets=result.sentences.loc[result.sentences["event"] == event, "outlet"].nunique(),
        articles=_render(
            "articles",
            articles=[
                {"outlet": r.outlet, "title": r.title, "paragraphs": r.text.split("\n")}
                for r in article_texts(result, event=event).itertuples(index=False)
            ],
        ),  # fmt: skip
        exercises=[exercise_html(ex, k, blanks=True) for k in numbers],
        answers=[exercise_html(ex, k, answer=True, collapsed=False) for k in numbers] if answers else [],
    )


def write_handout(result, path, **kwargs) -> Path:
    """Write :func:`handout_html` to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(handout_html(result, **kwargs), encoding="utf-8")
    return path
