"""The HTML report in a real browser: hostile article text stays text, the page's own script works.

Drives Debian's Chromium (``/usr/bin/chromium``) through Playwright. Without a
Chromium binary the test is skipped, except in CI (``CI=true``), where a
missing browser is a failure. The screenshot is kept in ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from narrative.cli import main

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HOSTILE = {
    "alpha.txt": (
        "The mayor opened the new bridge on Monday.\n"
        "<script>window.__pwned = 'script'; alert(1)</script> was found in a comment.\n"
        "Officials said the bridge cost two million dollars.\n"
        "Readers saw <img src=x onerror=\"window.__pwned='img'\"> in the page.\n"
        "A link said <a href=\"javascript:window.__pwned='link'\">click here</a> for details.\n"
    ),
    "beta.txt": (
        "On Monday the mayor opened the new bridge.\n"
        "The bridge cost two million dollars, officials said.\n"
        "javascript:alert(document.cookie) appeared on a protest sign.\n"
    ),
    "<b onmouseover=alert(2)>gamma<b>.txt": (
        "The new bridge was opened by the mayor on Monday.\n"
        "</span></div><script>window.__pwned = 'break-out'</script> ends the markup.\n"
    ),
}


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no chromium binary: .ci/run must install Debian's chromium package")
        pytest.skip("no chromium binary on PATH; install Debian's 'chromium' package to run the browser test")
    if os.environ.get("CI", "").lower() == "true":
        from playwright import sync_api  # in CI a missing driver is a failure, not a skip
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' brings playwright")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    src = root / "in"
    src.mkdir()
    for name, text in HOSTILE.items():
        (src / name).write_text(text, encoding="utf-8")
    out = root / "out"
    assert main(["compare", str(src), "--out", str(out), "-q"]) == 0
    return out / "report.html"


def test_hostile_text_stays_text_and_highlighting_works(browser, report):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, java_script_enabled=True)
    page = context.new_page()
    dialogs, errors, requests = [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")

    # No injected script ran, no injected element exists, nothing was fetched.
    assert dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], b, [onerror], [onmouseover]').length") == 0
    # links: within the page, or a figure's PNG file beside the report (to open it full size)
    outside = page.evaluate(
        "[...document.querySelectorAll('a')].map(a => a.getAttribute('href')).filter(h => !h.startsWith('#'))"
    )
    for href in outside:
        assert href.startswith("figures/") and href.endswith(".png") and ".." not in href
        assert (report.parent / href).is_file()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert errors == []

    # The hostile text is shown as the plain text it is.
    body = page.inner_text("body")
    for text in (
        "<script>window.__pwned = 'script'; alert(1)</script> was found in a comment.",
        "Readers saw <img src=x onerror=\"window.__pwned='img'\"> in the page.",
        "javascript:alert(document.cookie) appeared on a protest sign.",
        "</span></div><script>window.__pwned = 'break-out'</script> ends the markup.",
        "<b onmouseover=alert(2)>gamma<b>",
    ):
        assert text in body

    # Clicking a sentence highlights the other outlets' sentences of the same claim.
    first = page.locator(".sent", has_text="The mayor opened the new bridge on Monday.").first
    claims = first.get_attribute("data-claims").split()
    assert claims
    first.click()
    assert "focus" in first.get_attribute("class").split()
    highlighted = page.locator(".sent.hl")
    assert highlighted.count() >= 1
    for k in range(highlighted.count()):
        theirs = highlighted.nth(k).get_attribute("data-claims").split()
        assert set(theirs) & set(claims)
    expected = page.evaluate(
        """(claims) => [...document.querySelectorAll('.sent')].filter(s => !s.classList.contains('focus')
            && s.getAttribute('data-claims').split(' ').some(c => claims.includes(c))).length""",
        claims,
    )
    assert highlighted.count() == expected

    # A match link jumps to, and focuses, the matching sentence of the other outlet.
    link = first.locator("a.match").first
    target_id = link.get_attribute("href")[1:]
    link.click()
    target = page.locator(f"#{target_id}")
    assert "focus" in target.get_attribute("class").split()
    assert "focus" not in first.get_attribute("class").split()
    assert target.is_visible()

    # The coverage grid: a row per claim, a column per outlet (hostile names as text), rows link to claims.
    n_claims = page.locator("section.event table:not(.grid) tr[id^='claim-']").count()
    assert page.locator("table.grid th.claim").count() == n_claims > 0
    headers = page.locator("table.grid thead th.outlet").all_inner_texts()
    assert "<b onmouseover=alert(2)>gamma<b>" in headers and len(headers) == len(HOSTILE)
    cell = page.locator("table.grid td.cell.carried").first
    assert cell.get_attribute("title").endswith("of its sentences)")
    grid_link = page.locator("table.grid th.claim a").first
    claim_row = grid_link.get_attribute("href")[1:]
    grid_link.click()
    assert page.locator(f"#{claim_row}").is_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report_browser.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    assert dialogs == [] and page.evaluate("window.__pwned === undefined")
    context.close()
