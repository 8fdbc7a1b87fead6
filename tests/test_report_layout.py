"""The HTML report's layout in a real browser, on a phone and on a desktop screen.

One event of five outlets with long names, read from a CSV table whose file name is not the
event's id, with a sentence that is itself a quotation left out by one outlet. Drives Debian's
Chromium through Playwright like ``test_report_browser.py`` (skipped without a browser, except in
CI). Screenshots are kept in ``tests/artifacts/``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from test_report_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)

from narrative.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "konstantinovka"
EVENT = "konstantinovka-withdrawal"
OUTLETS = {  # long names make the tables wide
    "original-report": "The Original Report from the Front Line Correspondent",
    "daily-klaxon": "The Daily Klaxon Evening Edition",
    "kyiv-ledger": "Kyiv Ledger International Service",
    "meridian-wire": "Meridian Wire Agency (English desk)",
    "northbridge-review": "Northbridge Review of Politics and Public Affairs",
}
# A sentence that is a quotation: four outlets carry it, the fifth leaves it out.
QUOTED = '"We will hold every street of this town for as long as we are ordered to," a Ukrainian commander said.'
QUOTERS = ["original-report", "daily-klaxon", "kyiv-ledger", "meridian-wire"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    table = root / "wire-copy.csv"
    with open(table, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event", "outlet", "text"])
        for stem, name in OUTLETS.items():
            text = (EXAMPLE / f"{stem}.txt").read_text(encoding="utf-8").strip()
            if stem in QUOTERS:
                text += "\n" + QUOTED
            writer.writerow([EVENT, name, text])
    folder = root / "out"
    assert main(["compare", str(table), "--out", str(folder), "-q"]) == 0  # one process: figures drawn
    return folder


def _open(browser, report: Path, viewport: dict, **options):  # noqa: F811
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return context, page, errors, requests


def _omissions(folder: Path) -> list[dict]:
    with open(folder / "omissions.csv", encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["event"] == EVENT]


def test_on_a_phone_the_page_never_scrolls_sideways_and_the_grid_keeps_its_claim_column(browser, out):  # noqa: F811
    context, page, errors, requests = _open(browser, out / "report.html", PHONE, is_mobile=True, has_touch=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.body.scrollWidth") <= PHONE["width"]
    # every table but the grid scrolls (or reflows) inside its own box
    assert page.evaluate(
        "[...document.querySelectorAll('section.event table:not(.grid)')]"
        ".every(t => t.parentElement.classList.contains('table-wrap'))"
    )
    assert page.evaluate(
        "[...document.querySelectorAll('.table-wrap, .grid-wrap')]"
        ".every(w => w.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5)"
    )
    # the grid: the claim text wraps in a narrow column, so that outlet cells are on screen beside it
    page.locator(".grid-wrap").scroll_into_view_if_needed()
    claim = page.locator("table.grid th.claim").first
    box = claim.bounding_box()
    assert claim.evaluate("e => getComputedStyle(e).whiteSpace") == "normal"
    assert box["width"] <= 0.5 * PHONE["width"]
    cells = page.locator("table.grid tbody tr:has(th.claim)").first.locator("td.cell")
    assert cells.count() == len(OUTLETS)
    assert cells.nth(0).bounding_box()["x"] + 20 < PHONE["width"]
    assert cells.nth(1).bounding_box()["x"] + 20 < PHONE["width"]
    # ... and stays put on the left while the outlet columns scroll past it
    wrap = page.locator(".grid-wrap")
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    first_cell_x = cells.nth(0).bounding_box()["x"]
    wrap.evaluate("w => { w.scrollLeft = 150; }")
    assert claim.bounding_box()["x"] == pytest.approx(box["x"], abs=1)
    assert cells.nth(0).bounding_box()["x"] < first_cell_x - 100
    wrap.evaluate("w => { w.scrollLeft = 0; }")
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report_phone.png"))
    assert errors == [] and [u for u in requests if not u.startswith(("file:", "data:"))] == []
    context.close()


def test_on_a_desktop_the_page_fits_and_the_grid_header_is_sticky(browser, out):  # noqa: F811
    context, page, errors, _ = _open(browser, out / "report.html", DESKTOP)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    head = page.locator("table.grid thead th").first
    assert head.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert page.locator("table.grid th.claim").first.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    # the header stays on top of the grid's box while its rows scroll
    wrap = page.locator(".grid-wrap")
    wrap.scroll_into_view_if_needed()
    top = head.bounding_box()["y"]
    wrap.evaluate("w => { w.scrollTop = 120; }")
    assert wrap.evaluate("w => w.scrollTop") > 0
    assert head.bounding_box()["y"] == pytest.approx(top, abs=1)
    wrap.evaluate("w => { w.scrollTop = 0; }")
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report_desktop.png"))
    assert errors == []
    context.close()


def test_title_legend_and_figures(browser, out):  # noqa: F811
    context, page, errors, _ = _open(browser, out / "report.html", DESKTOP)
    # the title names the event, not the input file
    assert page.inner_text("h1") == f"How the outlets covered {EVENT}"
    assert "wire-copy" not in page.title()
    # each legend badge sits next to its own description; the space is between the items
    items = page.locator(".legend .item")
    assert items.all_inner_texts() == [
        "shared every outlet carries it",
        "partial more than one, not all",
        "unique one outlet alone.",
    ]
    gaps = page.evaluate(
        """() => [...document.querySelectorAll('.legend .item')].map(item => {
            const badge = item.querySelector('.badge');
            const range = document.createRange();
            range.selectNodeContents(item.lastChild);
            return range.getBoundingClientRect().left - badge.getBoundingClientRect().right;
        })"""
    )
    assert all(0 <= g < 10 for g in gaps), gaps
    # every figure opens full size: a link to its PNG file beside the report (not to a data: URL)
    figures = page.locator("section.event figure")
    assert figures.count() == 4  # the coverage chart is the grid
    hrefs = page.evaluate(
        "[...document.querySelectorAll('figure a.figure-link:has(img)')].map(a => a.getAttribute('href'))"
    )
    assert len(hrefs) == figures.count()
    for href in hrefs:
        assert href.startswith("figures/") and href.endswith(".png")
        assert (out / href).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.locator("figure a.figure-link:has(img)").first.click()
    page.wait_for_load_state("load")
    assert page.url == (out / hrefs[0]).as_uri()
    assert page.evaluate("document.images.length === 1 && document.images[0].naturalWidth") > 400
    assert errors == []
    context.close()


def test_omissions_are_listed_once_per_claim_and_quotations_are_not_quoted_twice(browser, out):  # noqa: F811
    rows = _omissions(out)
    assert len(rows) > len({r["claim_id"] for r in rows})  # some claims are left out by several outlets
    context, page, errors, _ = _open(browser, out / "report.html", DESKTOP)
    # no quotation marks added around a sentence, so none doubled around one that is a quotation
    body = page.inner_text("body")
    assert QUOTED in body
    for doubled in ('“"', '"”', "“'", "'”", "““", "””"):
        assert doubled not in body
    assert "“" not in page.inner_text("section.event table:not(.grid)")
    table = page.locator("table.omissions")
    listed = table.evaluate(
        """t => [...t.querySelectorAll('tbody tr')].map(tr => ({
            claim: tr.querySelector('td.claim-id a').textContent,
            href: tr.querySelector('td.claim-id a').getAttribute('href'),
            outlets: [...tr.querySelectorAll('td.omitters li .name')].map(n => n.textContent),
            closest: [...tr.querySelectorAll('td.omitters li')].map(li => {
                const near = li.querySelector('.near a.match'); return near ? near.textContent : null; }),
            evidence: tr.querySelector('td.evidence .quote').textContent,
        }))"""
    )
    # one row per claim, every omission on the page, the evidence shown once, links to the claims table
    assert len(listed) == len({r["claim_id"] for r in rows})
    assert sorted((x["claim"], o) for x in listed for o in x["outlets"]) == sorted(
        (r["claim_id"], r["outlet"]) for r in rows
    )
    # an uncertain omission quotes the outlet's closest sentence, which links to it
    closest = {(r["claim_id"], r["outlet"]): r["closest_sentence"] for r in rows if r["uncertain"] == "True"}
    shown = {(x["claim"], o): c for x in listed for o, c in zip(x["outlets"], x["closest"]) if c is not None}
    assert shown == closest
    evidence = {r["claim_id"]: r["evidence"] for r in rows}
    for x in listed:
        assert x["evidence"] == evidence[x["claim"]]
        assert page.locator(f"#{x['href'][1:]}").count() == 1
    # the quotation is evidence, shown as it is
    quoted = [x for x in listed if x["evidence"].startswith('"We will hold')]
    assert quoted and quoted[0]["outlets"] == [OUTLETS["northbridge-review"]]
    assert errors == []
    context.close()


def test_a_clicked_sentence_brings_each_match_into_view_and_the_keyboard_does_the_same(browser, out):  # noqa: F811
    context, page, errors, _ = _open(browser, out / "report.html", DESKTOP)
    # every sentence with matches in other outlets: after a click, each other column shows its first match
    hidden = page.evaluate(
        """() => {
        const out = [];
        for (const s of document.querySelectorAll('.sent[tabindex]')) {
          s.click();
          for (const col of s.closest('.event').querySelectorAll('.article')) {
            const first = col.querySelector('.sent.hl');
            if (!first || col === s.closest('.article')) continue;
            const c = col.getBoundingClientRect(), f = first.getBoundingClientRect();
            const head = col.querySelector('h4').getBoundingClientRect();
            if (f.top < head.bottom - 1 || f.top > c.bottom - 10) out.push(s.id + ' -> ' + first.id);
          }
        }
        return out;
    }"""
    )
    assert page.evaluate("document.querySelectorAll('.sent[tabindex]').length") > 10
    assert hidden == []
    page.evaluate("document.activeElement.blur()")
    page.focus(".sent[tabindex]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelectorAll('.sent.hl').length") > 0
    page.keyboard.press("Escape")
    assert page.evaluate("document.querySelectorAll('.sent.hl, .sent.focus').length") == 0
    # a keyboard user can jump past the grid: the link leads to the omissions that follow it
    target = page.evaluate("document.querySelector('a.skip').getAttribute('href').slice(1)")
    assert page.evaluate(f"document.getElementById('{target}').textContent") == "What each outlet left out"
    assert errors == []
    context.close()
    context, page, errors, _ = _open(browser, out / "report.html", PHONE, is_mobile=True, has_touch=True)
    heights = page.evaluate(
        "[...document.querySelectorAll('a.match:not(.quote)')].map(a => a.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 24  # a finger can hit them
    context.close()


def test_a_tapped_grid_cell_shows_the_outlets_sentence_or_the_claim(browser, out):  # noqa: F811
    # on a touch screen there is no hover text: a tap on a count shows the outlet's sentence, on × the claim
    context, page, errors, _ = _open(browser, out / "report.html", PHONE, is_mobile=True, has_touch=True)
    cells = page.evaluate(
        """() => [...document.querySelectorAll('td.cell.carried')].map(td => ({
            outlet: td.title.split(': ')[0], href: (td.querySelector('a.cell-link') || {}).hash || null,
            claim: td.parentElement.querySelector('th.claim a').textContent}))"""
    )
    assert cells and all(c["href"] for c in cells)
    for cell in cells[:40]:  # each link leads to a sentence of that outlet which states that claim
        sentence = page.evaluate(
            f"""() => {{ const s = document.getElementById('{cell["href"][1:]}');
                return {{claims: s.dataset.claims.split(' '), outlet: s.closest('.article').querySelector('h4').textContent}}; }}"""
        )
        assert cell["claim"] in sentence["claims"]
        assert sentence["outlet"].startswith(cell["outlet"])
    link = page.locator("td.cell.carried a.cell-link").nth(3)
    target = link.get_attribute("href")[1:]
    link.tap()
    assert page.evaluate(f"document.getElementById('{target}').classList.contains('focus')")
    box = page.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top")
    assert 0 <= box <= PHONE["height"]
    heights = page.evaluate("[...document.querySelectorAll('a.cell-link')].map(a => a.getBoundingClientRect().height)")
    assert min(heights) >= 24  # a finger can hit them
    omitted = page.locator("td.cell.omitted a.cell-link").first
    claim = omitted.get_attribute("href")
    omitted.tap()
    page.wait_for_function(f"location.hash === '{claim}'")
    assert page.evaluate(f"document.getElementById('{claim[1:]}').getBoundingClientRect().top") < PHONE["height"]
    assert page.evaluate("[...document.querySelectorAll('a.cell-link')].every(a => a.tabIndex === -1)")
    # an outlet quoted with its closest sentence gets a line of its own on a phone (no stray commas)
    shown = page.evaluate(
        "[...document.querySelectorAll('ul.outlets:has(.near) li')].map(li => getComputedStyle(li).display)"
    )
    assert shown and set(shown) == {"block"}
    assert errors == []
    context.close()


def test_a_long_token_wraps_in_the_tables_and_repeated_grid_sentences_show_their_keywords(tmp_path, browser):  # noqa: F811
    token = "https://example.org/" + "a" * 280
    src = tmp_path / "in"
    src.mkdir()
    (src / "alpha.txt").write_text(f"The council approved the budget on Tuesday. The plan is at {token}.\n", "utf-8")
    (src / "beta.txt").write_text(f"Council members voted for the budget on Tuesday. See {token}.\n", "utf-8")
    (src / "gamma.txt").write_text("The Money$ Post said the $5 budget passed. Roads got $2 of it.\n", "utf-8")
    folder = tmp_path / "out"
    assert main(["compare", str(src), "--out", str(folder), "-q", "--no-figures"]) == 0
    assert not (folder / "figures").exists()  # no figures drawn: no empty folder for them
    context, page, errors, _ = _open(browser, folder / "report.html", DESKTOP)
    widths = page.evaluate("[...document.querySelectorAll('table.claims, table.omissions')].map(t => t.scrollWidth)")
    assert widths and max(widths) <= DESKTOP["width"]
    rows = page.evaluate(
        "[...document.querySelectorAll('table.grid th.claim')].map(th => ["
        "th.querySelector('.text').textContent, !!th.querySelector('.kw')])"
    )
    texts = [t for t, _ in rows]
    for text, keywords in rows:  # a sentence two rows show is told apart by the claims' keywords
        assert keywords == (sum(t.split(") ", 1)[-1] == text.split(") ", 1)[-1] for t in texts) > 1)
    assert errors == []
    context.close()
