"""Rendered reports in headless Chromium: no console errors, no dialogs, every image loads.

Article text is untrusted: the fixture corpus holds ``<script>alert(1)</script>`` and an
``<img onerror>`` in a title and a text. They must show as text and never run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import report

pytestmark = pytest.mark.browser

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "notebook_corpus"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS = "<script>alert(1)</script>"

if CHROMIUM is None:
    pytest.skip(
        "chromium not found: install it with `make browser` (Debian: apt-get install chromium)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    results = report.render_reports(FIXTURE_CORPUS, out=out, jobs=2)
    assert all(result.ok for result in results), [result.error for result in results]
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


REPORT_NAMES = [spec.name for spec in report.load_registry()] + ["index"]


class Watched:
    """A page with everything that must not happen recorded: errors, dialogs, remote requests."""

    def __init__(self, browser, path: Path) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.remote: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request) -> None:
        if not request.url.startswith(("file:", "data:")):
            self.remote.append(request.url)


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_report_opens_cleanly(rendered, browser, name):
    watched = Watched(browser, rendered / f"{name}.html")
    sizes = watched.page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
    assert watched.errors == []
    assert watched.dialogs == []
    assert watched.remote == []  # offline: nothing fetched from a CDN
    assert all(width > 0 for width in sizes), sizes
    watched.page.close()


def test_untrusted_markup_shows_as_text(rendered, browser):
    watched = Watched(browser, rendered / "corpus-overview.html")
    page = watched.page
    shown = page.get_by_text(XSS).first
    assert shown.is_visible()
    assert "<img src=x onerror=alert(1)>" in page.inner_text("body")
    # the markup did not become elements
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert watched.dialogs == []
    page.close()


def test_index_links_to_every_report(rendered, browser):
    page = Watched(browser, rendered / "index.html").page
    links = page.eval_on_selector_all("table a", "links => links.map(a => a.getAttribute('href'))")
    pages = [link for link in links if link.endswith(".html")]  # the others: data folders
    assert pages == [f"{name}.html" for name in REPORT_NAMES[:-1]]
    assert page.locator(".status-failed").count() == 0
    page.close()


def test_data_links_are_visible_and_reach_their_files(rendered, browser):
    page = Watched(browser, rendered / "mentions-over-time.html").page
    links = page.locator("p.nm-data a")
    assert links.count() >= 4  # mentions, the two charts, the evidence
    for number in range(links.count()):
        link = links.nth(number)
        assert link.is_visible()
        target = page.evaluate("a => a.href", link.element_handle())
        href = link.get_attribute("href")
        assert target == (rendered / href).resolve().as_uri()
        assert (rendered / href).is_file() and (rendered / href).stat().st_size > 0
    index = Watched(browser, rendered / "index.html").page
    folders = index.eval_on_selector_all("td.data > a", "links => links.map(a => a.href)")
    assert len(folders) == len(REPORT_NAMES) - 1
    assert all(Path(folder.removeprefix("file://")).is_dir() for folder in folders)
    page.close()
    index.close()


def _follow(page, link) -> str:
    """Click an SVG link of a chart; the id it lands on (the page's :target)."""
    href = link.get_attribute("xlink:href")
    assert href and href.startswith("#ev-"), href
    link.click(timeout=10_000)
    page.wait_for_function("h => location.hash === h", arg=href, timeout=10_000)
    return page.evaluate("(document.querySelector(':target') || {}).id || ''")


@pytest.mark.parametrize(
    ("name", "figure", "kind"),
    [
        ("mentions-over-time", 0, "point of the timeline"),
        ("mentions-over-time", 1, "cell of the heatmap"),
        ("actors-and-weapons", 0, "bar of the top entities"),
    ],
)
def test_a_chart_link_lands_on_its_evidence_and_its_data_link_on_the_csv(
    rendered, browser, name, figure, kind
):
    import pandas as pd

    watched = Watched(browser, rendered / f"{name}.html")
    page = watched.page
    chart = page.locator("div.nm-chart").filter(has=page.locator("div.nm-figure svg a")).nth(figure)
    link = chart.locator("svg a").first
    pages_before = len(page.context.pages)
    landed = _follow(page, link)
    assert landed == link.get_attribute("xlink:href")[1:], kind
    assert len(page.context.pages) == pages_before  # same page, no new window
    target = page.locator(f"[id='{landed}']")
    assert target.count() == 1 and target.is_visible()
    box = target.bounding_box()
    assert -2 <= box["y"] < page.viewport_size["height"]  # scrolled to it (sub-pixel)
    if kind != "bar of the top entities":  # a period group: its sentences under its heading
        assert target.locator("td").count() >= 1
        heading = target.locator("th").first.inner_text()
        assert "mention" in heading
    # the data link under the same chart: the CSV holds the entity the link went to
    data = chart.locator("p.nm-data a").first
    href = data.get_attribute("href")
    assert href.endswith(".csv")
    frame = pd.read_csv(rendered / href)
    ids = [str(i) for i in frame["entity_id"].unique() if landed.startswith(f"ev-{i}")]
    assert ids, (landed, href)
    assert watched.errors == [] and watched.dialogs == []
    page.close()


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_every_link_inside_a_report_lands_on_an_id_of_the_page(rendered, browser, name):
    page = Watched(browser, rendered / f"{name}.html").page
    # HTML links and the SVG figures' links (xlink:href) that point inside the page
    targets = page.evaluate(
        """() => [...document.querySelectorAll('a')].map(a =>
              a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'))
            .filter(h => h && h.startsWith('#'))"""
    )
    missing = sorted(
        {t for t in targets if not page.evaluate("id => !!document.getElementById(id)", t[1:])}
    )
    assert missing == [], f"{len(missing)} dead links, e.g. {missing[:5]}"
    if name in {"mentions-over-time", "actors-and-weapons"}:
        assert targets  # these reports do link their charts to their evidence
    page.close()


def test_a_bar_of_the_action_chart_lands_on_the_sentences_that_state_it(rendered, browser):
    watched = Watched(browser, rendered / "actors-and-weapons.html")
    page = watched.page
    link = page.locator("svg a[*|href^='#ev-act-']").first
    landed = _follow(page, link)
    target = page.locator(f"[id='{landed}']")
    assert target.count() == 1 and target.is_visible()
    assert "sentence" in target.locator("th").first.inner_text()
    assert target.locator("td span.nm-kw").count() >= 2  # the actor and the weapon
    assert watched.errors == [] and watched.dialogs == []
    page.close()
