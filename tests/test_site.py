"""``spasmkg site -o DIR``: the static site, checked as files and in a real headless Chromium.

The site is built once from the real shipped graph (module fixture). The browser tests need Debian's
``chromium`` and ``chromium-driver`` and the ``selenium`` package; without them they skip with the
reason (CI installs them). Nothing here uses the network: pages are opened over ``file://``.
"""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

import spasmkg
from spasmkg.site import build_site

NOTICE = "Not medical advice: spasmkg summarises a web-text corpus; ask a clinician about your own care."
#: The only hosts pages may link to (cross-reference resolvers); nothing is ever loaded from them.
RESOLVER_HOSTS = {"purl.obolibrary.org", "meshb.nlm.nih.gov", "mor.nlm.nih.gov"}


# ---------------------------------------------------------------- helpers


class _Page(html.parser.HTMLParser):
    """Links, resources and ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.append(value)
            if (name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script")):
                self.links.append((tag, name, value))
            if name == "action" and tag == "form":
                self.links.append((tag, name, value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def slug_of(site: Path, iri: str) -> str:
    """The page of a concept, found through the search index (as the search box finds it)."""
    index = json.loads((site / "assets" / "search-index.json").read_text(encoding="utf-8"))
    short = spasmkg.show(iri)["curie"]
    return next(entry["u"] for entry in index if entry["i"] == short)


def broken_links(site: Path) -> list[str]:
    """Every internal link, resource and fragment of every page that does not resolve; absolute links."""
    problems = []
    pages = {p: parse(p) for p in sorted(site.rglob("*.html"))}
    for path, page in pages.items():
        for tag, attr, value in page.links:
            where = f"{path.relative_to(site)}: <{tag} {attr}={value!r}>"
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                if tag != "a" or parts.scheme not in ("http", "https") or parts.hostname not in RESOLVER_HOSTS:
                    problems.append(f"{where} is not a relative link (only <a> to a resolver may leave the site)")
                continue
            if value.startswith("/"):
                problems.append(f"{where} is absolute")
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                problems.append(f"{where} points to a missing file")
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else []
                if parts.fragment not in ids:
                    problems.append(f"{where} points to a missing id")
    return problems


# ---------------------------------------------------------------- the site, built once


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    summary = build_site(out)
    assert summary.path == out and summary.concepts > 200 and summary.red_flags >= 18
    return out


@pytest.fixture(scope="module")
def red_flag_iri() -> str:
    """The most urgent red flag (first row of the red-flags query)."""
    return str(spasmkg.query("red-flags").rows[0]["redFlag"])


# ---------------------------------------------------------------- files (no browser)


def test_the_site_is_byte_identical_when_built_again_by_the_cli_with_another_hash_seed(
    site: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    proc = subprocess.run(
        [sys.executable, "-m", "spasmkg", "site", "-o", str(again)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "concept pages" in proc.stderr and "Traceback" not in proc.stderr
    first, second = tree(site), tree(again)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:5]}"


def test_every_internal_link_resolves_and_nothing_is_loaded_from_elsewhere(site: Path) -> None:
    assert broken_links(site) == []
    for css_or_js in (*site.glob("assets/*.css"), *site.glob("assets/*.js")):
        text = css_or_js.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "@import" not in text, css_or_js.name


def test_the_link_checker_catches_a_broken_link(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    victim = next(iter(sorted((copy / "concepts").glob("*.html"))))
    victim.unlink()
    assert any(victim.name in p for p in broken_links(copy))


def test_every_page_shows_the_notice_and_the_expected_pages_exist(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert all(NOTICE in p.read_text(encoding="utf-8") for p in pages)
    from spasmkg import resources

    names = {p.stem for p in (site / "queries").glob("*.html")} - {"index"}
    assert names == {p.stem for p in resources.queries_dir().glob("*.rq")} and "red-flags" in names
    assert (site / "ontology.html").is_file() and (site / "index.html").is_file()
    concepts = list((site / "concepts").glob("*.html"))
    assert len(concepts) == len(list((site / "concepts").glob("*.svg"))) > 200


def test_a_concept_page_has_its_relations_with_quotes_support_hedges_and_notes(site: Path) -> None:
    page = (site / slug_of(site, "skr:muscle_relaxants")).read_text(encoding="utf-8")
    assert "Driving is not permitted while under the influence of muscle relaxants." in page
    assert 'id="relations-out"' in page and 'id="relations-in"' in page
    assert "stated by the source" in page
    hedged = spasmkg.show("acetaminophen")
    evs = [ev for e in hedged["edges"] for ev in e["evidence"] if ev["hedges"]]
    assert evs, "the graph has a hedged claim about acetaminophen"
    text = (site / slug_of(site, hedged["iri"])).read_text(encoding="utf-8")
    assert f"hedged: “{evs[0]['hedges'][0]}”" in text
    inferred = [ev for e in spasmkg.show("saddle anesthesia")["edges"] for ev in e["evidence"] if ev["note"]]
    saddle = (site / slug_of(site, "saddle anesthesia")).read_text(encoding="utf-8")
    assert "curator inference" in saddle and inferred[0]["note"].split("'")[0][:40] in saddle


def test_a_concept_page_shows_the_quote_support_hedge_and_note_of_each_type(site: Path) -> None:
    """``skr:foot_drop a spasmkg:RedFlag`` is a curator inference: its page says so where the type is shown,
    with the quote in context and the curator's note, as the relation tables do for edges."""
    page = (site / slug_of(site, "skr:foot_drop")).read_text(encoding="utf-8")
    assert 'id="types"' in page, "the page has a table of its types with their evidence"
    table = page.split('id="types"', 1)[1].split("</table>", 1)[0]
    rows = {row.split("</td>", 1)[0]: row for row in table.split("<tr>")[2:]}  # first cell -> the row
    red = next(row for cell, row in rows.items() if ">red flag</a>" in cell)
    assert "<mark>“Foot drop” (feeling of the foot slapping the ground; caused by</mark>" in red
    assert '<span class="support" title="ECO:0000305 curator inference used in manual assertion">' in red
    assert "curator inference</span>" in red and "Typed as a red flag by the curator" in red
    assert len(rows) == 2 and any(">symptom or sign</a>" in cell for cell in rows)
    nerve = (site / slug_of(site, "skr:nerve_compression")).read_text(encoding="utf-8")
    types = nerve.split('id="types"', 1)[1].split("</table>", 1)[0]
    assert "stated by the source" in types and "hedged: “Some spasms”, “may”" in types


def test_cross_references_link_to_their_resolvers(site: Path) -> None:
    page = parse(site / slug_of(site, "abnormal sensations or sudden weakness or numbness on one side of the body"))
    hrefs = {value for tag, attr, value in page.links if tag == "a"}
    assert "http://purl.obolibrary.org/obo/HP_0001269" in hrefs
    assert "https://meshb.nlm.nih.gov/record/ui?ui=D006429" in hrefs


def test_red_flag_pages_have_the_banner_with_the_care_level_and_others_do_not(site: Path, red_flag_iri: str) -> None:
    red = (site / slug_of(site, red_flag_iri)).read_text(encoding="utf-8")
    assert 'id="red-flag"' in red and "Red flag: seek immediate medical care" in red
    calm = (site / slug_of(site, "heat therapy")).read_text(encoding="utf-8")
    assert 'id="red-flag"' not in calm


def test_query_pages_show_the_current_result(site: Path) -> None:
    for name, rows in (("red-flags", spasmkg.query("red-flags").rows), ("causes", spasmkg.query("causes").rows)):
        page = (site / "queries" / f"{name}.html").read_text(encoding="utf-8")
        body = page.split('<table class="result" id="result">', 1)[1].split("</table>", 1)[0]
        assert body.count("<tr>") == len(rows) + 1  # the header row, then one per result row
    example = (site / "queries" / "treatments-for.html").read_text(encoding="utf-8")
    expected = len(spasmkg.query("treatments-for", concept="muscle strain").rows)
    assert "concept = “muscle strain”" in example and f"{expected} rows" in example


def test_the_ontology_reference_lists_classes_properties_and_urgency_levels(site: Path) -> None:
    page = parse(site / "ontology.html")
    for anchor in ("RedFlag", "Cause", "treatedBy", "hasUrgency", "ImmediateCare", "PromptCare", "SeeDoctor"):
        assert anchor in page.ids
    text = "".join(page.text)
    assert "property chain" in text and "disjoint with" in text
    html = (site / "ontology.html").read_text(encoding="utf-8")

    def section(anchor: str) -> str:
        return html.split(f'id="{anchor}"', 1)[1].split('<section class="term"', 1)[0]

    assert "<dt>domain</dt>" in section("hasUrgency") and 'href="#RedFlag"' in section("hasUrgency")
    assert "<dt>range</dt>" in section("hasUrgency") and 'href="#UrgencyLevel"' in section("hasUrgency")
    assert "<dt>inverse of</dt>" in section("treatedBy") and 'href="#treats"' in section("treatedBy")
    assert "<dt>subclass of</dt>" in section("RedFlag") and 'href="#MedicalConcept"' in section("RedFlag")
    assert all(f'href="#{level}"' in section("UrgencyLevel") for level in ("ImmediateCare", "PromptCare", "SeeDoctor"))


def test_hostile_labels_are_escaped_and_odd_iris_get_safe_file_names(tmp_path: Path) -> None:
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        """@prefix spasmkg: <https://w3id.org/spasmkg/> .
@prefix skr: <https://w3id.org/spasmkg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/x/odd%20name?q=1> a spasmkg:Symptom ;
    rdfs:label "</script><script>alert(1)</script><b>bold</b>"@en ;
    skos:altLabel "line\\u2028separator" ;
    skos:exactMatch <javascript:alert(2)> .
skr:back_muscle_spasm spasmkg:hasSymptom <https://example.org/x/odd%20name?q=1> .
""",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build_site(out, data=[mine], pictures=False)
    page = next(p for p in (out / "concepts").glob("odd-20name*.html"))
    assert page.name != "odd%20name?q=1.html" and page.name.startswith("odd-20name-")
    text = page.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text and "&lt;/script&gt;&lt;script&gt;alert(1)" in text
    assert "javascript:alert(2)" in text and 'href="javascript:' not in text  # shown, never a link
    types = text.split('id="types"', 1)[1].split("</table>", 1)[0]  # a typing with no axiom: no quote invented
    assert ">symptom or sign</a>" in types and "no quote (a typing not read from the corpus)" in types
    assert "<mark>" not in types
    script = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.SPASMKG_INDEX = ") and script.endswith(";\n")
    entries = json.loads(script[len("window.SPASMKG_INDEX = ") : -2])
    assert any(e["l"].startswith("</script>") for e in entries)
    assert broken_links(out) == []


def test_a_folder_that_is_not_a_site_is_refused_and_left_alone(tmp_path: Path) -> None:
    from spasmkg.cli.app import run

    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    assert run(["site", "-o", str(precious)]) == 2
    assert [p.name for p in precious.iterdir()] == ["notes.txt"]
    a_file = tmp_path / "file.html"
    a_file.write_text("x", encoding="utf-8")
    assert run(["site", "-o", str(a_file)]) == 2 and a_file.read_text(encoding="utf-8") == "x"
    assert run(["site", "-o", str(tmp_path / "missing" / "site")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.html", "home"]


def test_a_failed_build_leaves_the_old_site_and_no_temporary_folder(site: Path, tmp_path: Path) -> None:
    from spasmkg.site import output

    target = tmp_path / "site"
    shutil.copytree(site, target)
    before = tree(target)

    from spasmkg.errors import InputError

    # "a" is written as a file, then "a/b.html" needs "a" to be a folder: the build fails half-way
    with pytest.raises(InputError, match="cannot write the site"):
        output.write_tree(target, {"a": b"new", "a/b.html": b"new", "index.html": b"new"})
    assert tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    files = {"index.html": b"new", "a/b.html": b"new"}
    output.write_tree(target, files)  # a site folder is replaced as a whole
    assert sorted(tree(target)) == [output.MARKER, "a/b.html", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# ---------------------------------------------------------------- in a real browser


def _browser_or_skip() -> tuple[str, str]:
    chromium = next(
        (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
    )
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        pytest.skip(
            "headless browser tests need Chromium and its driver (Debian: apt-get install chromium chromium-driver)"
        )
    pytest.importorskip("selenium", reason="headless browser tests need selenium (pip install selenium)")
    return chromium, driver


@pytest.fixture(scope="module")
def browser() -> Any:
    chromium, driver_path = _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1400",
        "--force-device-scale-factor=1",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(driver: Any, css: str, seconds: float = 15) -> list[Any]:
    """The elements matching ``css`` once there is at least one (the search runs after the page's scripts)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    return list(driver.find_elements(By.CSS_SELECTOR, css))


def _console_errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def _links_in_browser(driver: Any) -> list[str]:
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href], img[src], script[src], link[href]'))"
            ".map(e => e.href || e.src).filter(u => u.startsWith('file:'));"
        )
    )


def _red_share(png: bytes, box: tuple[int, int, int, int]) -> float:
    """The share of pixels in ``box`` (left, top, right, bottom) that are the banner's red."""
    import io

    from PIL import Image

    data = Image.open(io.BytesIO(png)).convert("RGB").crop(box).tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    red = sum(1 for r, g, b in pixels if r > 160 and g < 90 and b < 90)
    return red / max(1, len(pixels))


def test_the_index_loads_and_its_search_box_finds_red_flags_first(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((site / "index.html").as_uri())
    assert _console_errors(browser) == []
    assert browser.find_element(By.ID, "notice").text == NOTICE
    sections = browser.find_elements(By.CSS_SELECTOR, "section.category")
    assert len(sections) >= 10
    box = browser.find_element(By.ID, "q")
    box.send_keys("numbness")
    results = _wait_for(browser, "#results li")
    assert len(results) >= 3
    assert "red flag: seek immediate medical care" in results[0].text
    assert "match" in browser.find_element(By.ID, "search-status").text
    for url in _links_in_browser(browser):
        assert Path(unquote(urlsplit(url).path)).is_file(), url
    # the header search of another page lands here with ?q=
    browser.get((site / "index.html").as_uri() + "?q=heat")
    found = _wait_for(browser, "#results li")
    assert browser.find_element(By.ID, "q").get_attribute("value") == "heat"
    assert any("heat" in li.text for li in found)
    assert _console_errors(browser) == []


def test_a_red_flag_page_shows_the_red_banner_the_relation_table_and_the_picture(
    browser: Any, site: Path, red_flag_iri: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    page = site / slug_of(site, red_flag_iri)
    browser.get(page.as_uri())
    assert _console_errors(browser) == []
    banner = browser.find_element(By.ID, "red-flag")
    assert "seek immediate medical care" in banner.text
    rect = browser.execute_script(
        "const r = document.getElementById('red-flag').getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom, window.devicePixelRatio];"
    )
    left, top, right, bottom, ratio = (float(v) for v in rect)
    png = browser.get_screenshot_as_png()
    (tmp_path / "red-flag.png").write_bytes(png)
    inner = (int((left + 4) * ratio), int((top + 4) * ratio), int((right - 4) * ratio), int((bottom - 4) * ratio))
    assert _red_share(png, inner) > 0.6  # mostly red (the rest is the white text)
    below = (inner[0], inner[3] + 40, inner[2], inner[3] + 120)
    assert _red_share(png, below) < 0.05  # the control: the page below the banner is not red

    shown = spasmkg.show(red_flag_iri)
    out_edges = [e for e in shown["edges"] if e["direction"] == "out"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#relations-out tbody tr")
    assert len(rows) == len(out_edges)
    urgency = next(r for r in rows if "has urgency" in r.text)
    assert "seek immediate medical care" in urgency.text
    assert urgency.find_elements(By.CSS_SELECTOR, "blockquote.quote mark")
    picture = browser.find_element(By.CSS_SELECTOR, "figure.picture img")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", picture)
    for url in _links_in_browser(browser):
        assert Path(unquote(urlsplit(url).path)).is_file(), url


def test_a_calm_page_has_no_red_in_the_banner_place(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((site / slug_of(site, "heat therapy")).as_uri())
    assert not browser.find_elements(By.ID, "red-flag")
    png = browser.get_screenshot_as_png()
    assert _red_share(png, (80, 110, 1180, 180)) < 0.05
    assert _console_errors(browser) == []


def test_query_and_ontology_pages_load_without_console_errors(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    for rel in ("queries/index.html", "queries/red-flags.html", "ontology.html"):
        browser.get((site / rel).as_uri())
        assert _console_errors(browser) == [], rel
        assert browser.find_element(By.ID, "notice").text == NOTICE
    browser.get((site / "queries" / "red-flags.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "#result tbody tr")
    assert len(rows) == len(spasmkg.query("red-flags").rows)


def test_an_unwritable_pseudo_folder_is_one_clear_error() -> None:
    """/proc looks writable to root (access()), yet no folder can be made there: a clear InputError,
    not a bare FileNotFoundError (found trying ``spasmkg site -o /proc/x``)."""
    from spasmkg.errors import InputError
    from spasmkg.site.output import write_tree

    with pytest.raises(InputError, match=r"cannot write the site to /proc/spasmkg-site-test"):
        write_tree("/proc/spasmkg-site-test", {"index.html": b"x"})


def _search(driver: Any, site: Path, text: str) -> tuple[str, list[str]]:
    """Type ``text`` into the index's search box: the status line and the text of each result."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get((site / "index.html").as_uri())
    driver.find_element(By.ID, "q").send_keys(text)
    status = driver.find_element(By.ID, "search-status")
    WebDriverWait(driver, 15).until(lambda d: status.text)
    return status.text, [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#results li")]


def test_a_misspelled_query_finds_the_concept_as_a_close_match(browser: Any, site: Path) -> None:
    """Typos typed on a phone still find the concept, said to be a close match (as ``spasmkg search`` does)."""
    status, found = _search(browser, site, "muscel spasm")
    assert found and found[0].startswith("muscle spasm · "), found[:3]
    assert "close match for “muscel spasm”" in found[0] and "close match" in status
    status, found = _search(browser, site, "sciatia")
    assert found and found[0].startswith("sciatica · ") and "close match" in found[0], found[:3]
    assert _console_errors(browser) == []


def test_a_misspelled_red_flag_sign_is_still_found(browser: Any, site: Path) -> None:
    # "numbnes" is a substring of "numbness": the usual order, red flags first, most urgent first
    _, found = _search(browser, site, "numbnes")
    assert "red flag: seek immediate medical care" in found[0] and "close match" not in found[0]
    flags = [i for i, text in enumerate(found) if "red flag:" in text]
    assert flags == list(range(len(flags))) and any(text.startswith("numbness or loss of sensation") for text in found)
    # "numness" is not: the same concepts as close matches, red flags first, most urgent first
    status, found = _search(browser, site, "numness")
    _, spelt = _search(browser, site, "numbness")
    assert {t.split(" · ", 1)[0] for t in found} == {t.split(" · ", 1)[0] for t in spelt}
    assert "red flag: seek immediate medical care" in found[0] and "close match for “numness”" in found[0]
    assert [i for i, text in enumerate(found) if "red flag:" in text] == flags
    assert all("close match" in text for text in found) and status == f"No exact match: {len(found)} close matches."
    assert _console_errors(browser) == []


def test_nonsense_finds_nothing(browser: Any, site: Path) -> None:
    for nonsense in ("xqzv", "asdfgh", "dog"):
        status, found = _search(browser, site, nonsense)
        assert found == [] and status == f"No concept matches “{nonsense}”.", (nonsense, found[:3])


def test_an_exact_query_lists_only_substring_matches_in_the_usual_order(browser: Any, site: Path) -> None:
    """Every word typed occurs in the label, a synonym or the CURIE; red flags first, most urgent first, then
    the better match (the label itself first); no close match is added to a query spelt as the graph spells it."""
    index = json.loads((site / "assets" / "search-index.json").read_text(encoding="utf-8"))
    for text in ("muscle spasm", "numbness", "heat"):
        status, found = _search(browser, site, text)
        expected = {
            e["l"]
            for e in index
            if any(all(w in name.lower() for w in text.split()) for name in (e["l"], *e["s"], e["i"]))
        }
        assert {row.split(" · ", 1)[0] for row in found} == expected and status == f"{len(expected)} concepts match."
        assert not any("close match" in row for row in found)
        ranks = [next(e["r"] or 9 for e in index if e["l"] == row.split(" · ", 1)[0]) for row in found]
        assert ranks == sorted(ranks), text
        calm = [row for row, rank in zip(found, ranks, strict=True) if rank == 9]
        if any(e["l"] == text for e in index):
            assert calm[0].startswith(text + " · ")
