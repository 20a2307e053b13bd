"""The chat page end to end in a real headless Chromium (Debian's, driven by Playwright).

The app is started once by the fixture in tests/ui/conftest.py over its own real index;
screenshots go to test-artifacts/. Expected answer text comes from the corpus (the circular's
7.1.3). What is checked is what a new user meets: the question shows before the answer, the
answer's start is in view, one rating per answer however often it is changed, the conversation is
back after a reload, the role survives fresh loads, and the phone layout keeps the input visible.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, Served

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUESTION = "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?"
FOLLOW_UP = "Og hva om den innsatte er under 18 år?"
ROLE_LABEL = "Kommunal helse- og omsorgstjeneste"
TIMEOUT_MS = 90_000
BOT = "#chat [data-testid='bot']"
USER = "#chat [data-testid='user']"

# Records when the question and the answer first appear in the chat (set before asking).
WATCH_JS = """([question, answerText]) => {
  window.__seen = {};
  const t0 = performance.now();
  new MutationObserver(() => {
    const chat = document.querySelector('#chat');
    if (!chat) return;
    const users = [...chat.querySelectorAll("[data-testid='user']")].map(e => e.innerText);
    const bots = [...chat.querySelectorAll("[data-testid='bot']")].map(e => e.innerText);
    if (window.__seen.question === undefined && users.some(u => u.includes(question)))
      window.__seen.question = performance.now() - t0;
    if (window.__seen.searching === undefined && bots.some(b => b.includes('Leter i kildene')))
      window.__seen.searching = performance.now() - t0;
    if (window.__seen.answer === undefined && bots.some(b => b.includes(answerText)))
      window.__seen.answer = performance.now() - t0;
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""

# Whether the newest answer's first line is inside the chat's visible area.
START_IN_VIEW_JS = """() => {
  const bots = document.querySelectorAll("#chat [data-testid='bot']");
  const el = bots[bots.length - 1];
  let box = el.parentElement;
  while (box && !(/(auto|scroll)/.test(getComputedStyle(box).overflowY)
                  && box.scrollHeight > box.clientHeight)) box = box.parentElement;
  // A short conversation scrolls nowhere: then the chat itself is the visible box.
  box = box || document.querySelector("#chat");
  const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
  return {top: r.top - b.top, visible: b.height, overflows: r.height > b.height};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} mangler: kjør `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser: Any, width: int = 1440, height: int = 900) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    return page


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.locator("#role.restored").wait_for()


def _ask(page: Any, question: str, n_answers: int) -> Any:
    box = page.locator("#question textarea, #question input").first
    box.fill(question)
    box.press("Enter")
    page.locator(f".answer-cards[data-turn='{n_answers}']").first.wait_for(state="attached")
    return page.locator(BOT).nth(n_answers - 1)


def _ratings(db: Path, question: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT answer_id, rating, comment FROM feedback WHERE question = ?", (question,)
        ).fetchall()


def test_chat_in_browser(served: Served, browser: Any, artifacts_dir: Path) -> None:
    page = _page(browser)
    blocked: list[str] = []  # the CSP has no 'unsafe-eval': nothing on the page may need it
    page.on(
        "console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None
    )
    _open(page, served.url)
    page.screenshot(path=str(artifacts_dir / "ui-1-empty.png"))

    # Enter on an empty box says what to do.
    page.locator("#question textarea").first.press("Enter")
    page.get_by_text("Skriv et spørsmål først.").wait_for()

    page.get_by_label(ROLE_LABEL).check()
    page.evaluate(WATCH_JS, [QUESTION, "minimum en gang per døgn"])
    bubble = _ask(page, QUESTION, 1)
    seen = page.evaluate("window.__seen")
    # The question (with the searching indicator) showed before the answer arrived.
    assert seen["question"] < seen["answer"] and seen["searching"] < seen["answer"], seen
    assert "minimum en gang per døgn" in bubble.inner_text()
    where = page.evaluate(START_IN_VIEW_JS)
    assert 0 <= where["top"] < where["visible"] / 2, where  # the answer's start is in view
    page.screenshot(path=str(artifacts_dir / "ui-2-answer.png"))

    card = page.locator("#citations .cite-card[data-passage*=':7.1.3:']").first
    assert card.locator(".card-text mark.quote").count() == 1
    assert "7.1.3" in card.locator(".card-where").inner_text()
    href = bubble.locator("a[href^='#kilde-1-']").first.get_attribute("href")
    assert href and page.locator(href).count() == 1
    card.locator("summary", has_text="Vis i dokumentet").click()
    assert card.locator(".section-view .sec-target mark").count() == 1

    # «Kopier svaret»: plain text with numbered references, no Markdown links.
    copied = page.locator(".copy-answer").first.get_attribute("data-text") or ""
    assert "[1]" in copied and "Kilder:" in copied and "](#kilde" not in copied

    # Three clicks on the rating buttons leave one row with the last choice.
    for label in ("Nyttig", "Ikke nyttig", "Nyttig"):
        page.locator(f"#chat button[aria-label='{label}']").last.click()
        page.get_by_text("Vurderingen er lagret").wait_for()
        page.wait_for_timeout(300)
    rows = _ratings(served.settings.feedback_db, QUESTION)
    assert len(rows) == 1 and rows[0][1] == 1, rows

    follow = _ask(page, FOLLOW_UP, 2)
    assert "kontinuerlig tilsyn" in follow.inner_text()
    assert page.get_by_text("Tolket som oppfølging av").first.is_visible()
    # Only the newest answer's cards came with the reply; a first-answer marker fetches its own.
    assert page.locator("#citations [id^='kilde-1-']").count() == 0
    page.locator(BOT).first.locator("a[href^='#kilde-1-']").first.click()
    page.locator("#citations [id^='kilde-1-']").first.wait_for()

    # «Last ned (.md)»: made in memory, handed to the browser as a download.
    page.get_by_text("Tidligere samtaler").click()
    with page.expect_download() as got:
        page.locator("#export-md").click()
    download = got.value
    assert download.suggested_filename == "samtale.md"
    exported = Path(download.path()).read_text(encoding="utf-8")
    assert f"# {QUESTION}" in exported and f"# {FOLLOW_UP}" in exported
    page.get_by_text("Tidligere samtaler").click()  # folded again

    # A reload brings the conversation back from the browser, cards included.
    page.reload()
    page.locator("#role.restored").wait_for()
    page.locator(".answer-cards[data-turn='2']").wait_for(state="attached")
    assert page.locator(USER).count() == 2
    assert QUESTION in page.locator(USER).first.inner_text()
    page.screenshot(path=str(artifacts_dir / "ui-3-after-reload.png"))

    # «Ny samtale» empties the chat; the earlier one is listed and reopens.
    page.locator("#new-chat").click()
    page.locator("#examples").wait_for()
    assert page.locator(USER).count() == 0
    page.get_by_text("Tidligere samtaler").click()
    page.locator("#conv-list label", has_text=QUESTION[:30]).click()
    page.locator(".answer-cards[data-turn='2']").wait_for(state="attached")
    assert not blocked, blocked
    page.close()


def test_role_is_kept_across_fresh_loads(served: Served, browser: Any) -> None:
    from ui.chat import examples_for

    page = _page(browser)
    _open(page, served.url)
    page.get_by_label("Jurist").check()
    first = examples_for("jurist")[0]
    page.locator("#examples button", has_text=first).wait_for()
    for _ in range(10):
        _open(page, served.url)
        page.wait_for_timeout(400)  # a late flip back to «Alle» came after the load finished
        assert page.get_by_label("Jurist").is_checked()
        assert not page.get_by_label("Alle").is_checked()
    page.locator("#examples button", has_text=first).wait_for()
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_the_question_box_is_in_the_first_viewport(
    served: Served, browser: Any, artifacts_dir: Path, width: int, height: int
) -> None:
    page = _page(browser, width, height)
    _open(page, served.url)
    page.locator("#examples button").first.wait_for()  # the first screen as a newcomer sees it
    assert page.evaluate("window.scrollY") == 0
    box = page.locator("#question textarea").first.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box  # no scrolling to type
    page.screenshot(path=str(artifacts_dir / f"ui-first-screen-{width}x{height}.png"))
    page.close()


def test_phone_width(served: Served, browser: Any, artifacts_dir: Path) -> None:
    page = _page(browser, 390, 844)
    _open(page, served.url)
    box = page.locator("#question textarea").first.bounding_box()
    assert box and box["y"] + box["height"] <= 844  # the input is on screen without scrolling
    tabs = page.get_by_role("tab")
    assert all(tabs.nth(i).is_visible() for i in range(tabs.count()))
    page.screenshot(path=str(artifacts_dir / "ui-4-phone-empty.png"))
    _ask(page, QUESTION, 1)
    answer_y = page.locator(BOT).last.bounding_box()["y"]
    cards_y = page.locator("#citations .cite-card").first.bounding_box()["y"]
    assert answer_y < cards_y  # the answer, then its sources
    page.screenshot(path=str(artifacts_dir / "ui-5-phone-answer.png"))
    page.close()


def test_documents_tab_lists_corpus_and_reads_a_section(
    served: Served, browser: Any, artifacts_dir: Path
) -> None:
    index = served.assistant.index
    page = _page(browser)
    _open(page, served.url)
    page.get_by_role("tab", name="Dokumenter").click()
    table = page.locator("#documents-table")
    table.get_by_text("Tittel").first.wait_for()
    shown = table.text_content() or ""
    for doc in index.documents.values():
        assert doc.title in shown
    first_doc = next(iter(index.documents.values()))
    first = next(p for p in index.passages if p.doc_id == first_doc.id)
    assert first.text.split("\n")[0][:40] in page.locator("#reader").inner_text()
    assert re.search(r"Last opp", page.locator("#editor").inner_text())
    page.screenshot(path=str(artifacts_dir / "ui-6-documents.png"), full_page=True)
    page.close()


STORE_JS = "() => JSON.parse(localStorage.getItem('hjemmel-samtaler') || '{}')"
NOTIFY = "Må vi varsle lege ved utelukkelse?"


def _checked_role(page: Any) -> str:
    return str(page.locator("#role input:checked").first.get_attribute("value"))


def test_a_reopened_conversation_goes_on_in_its_own_role_and_its_list_opens_in_place(
    served: Served, browser: Any, artifacts_dir: Path
) -> None:
    page = _page(browser, 1280, 900)
    _open(page, served.url)
    page.get_by_label("Kriminalomsorgen", exact=True).check()
    bubble = _ask(page, NOTIFY, 1)
    assert "uten ugrunnet opphold" in bubble.inner_text()

    # «(7 punkter til i listen)» opens in the chat, with the list's other items.
    rest = bubble.locator("details.list-rest")
    summary = rest.locator("summary")
    assert re.fullmatch(r"\(\d+ punkter til i listen\)", summary.inner_text().strip())
    item = rest.get_by_text("føre tilsyn med innsatte flere ganger daglig")
    assert not item.is_visible()
    summary.click()
    item.wait_for()
    n_rest = int(summary.inner_text().strip()[1:].split()[0])
    assert rest.locator("li").count() == n_rest
    page.screenshot(path=str(artifacts_dir / "ui-10-list-rest.png"))

    # A new conversation as another role; then the first one is reopened.
    page.locator("#new-chat").click()
    page.locator("#examples").wait_for()
    page.get_by_label("Jurist", exact=True).check()
    page.get_by_text("Tidligere samtaler").click()
    page.locator("#conv-list label", has_text=NOTIFY[:30]).click()
    page.locator(".answer-cards[data-turn='1']").wait_for(state="attached")
    page.wait_for_function(
        "() => document.querySelector('#role input:checked')?.value === 'kriminalomsorgen'"
    )
    follow = _ask(page, "Og hvor ofte skal vi føre tilsyn med ham?", 2)
    assert follow.inner_text()
    # page.js keeps the server's store in localStorage on its next tick (every 250 ms).
    page.wait_for_function(
        f"() => {{ const s = ({STORE_JS})(); const c = (s.conversations || [])"
        ".find(x => x.id === s.active); return c && c.turns.length === 2; }"
    )
    store = page.evaluate(STORE_JS)
    active = next(c for c in store["conversations"] if c["id"] == store["active"])
    assert [t["role"] for t in active["turns"]] == ["kriminalomsorgen", "kriminalomsorgen"]
    assert active["asked"]["role"] == "kriminalomsorgen"
    # A reload keeps the open conversation in its role, not the one chosen for another.
    page.reload()
    page.locator("#role.restored").wait_for()
    page.locator(".answer-cards[data-turn='2']").wait_for(state="attached")
    assert _checked_role(page) == "kriminalomsorgen"
    page.close()


def test_a_place_in_lovhenvisninger_opens_its_passage_in_the_reader(
    served: Served, browser: Any, artifacts_dir: Path
) -> None:
    index = served.assistant.index
    page = _page(browser, 1280, 900)
    _open(page, served.url)
    page.get_by_role("tab", name="Lovhenvisninger").click()
    row = page.locator("#refs tr", has_text="straffegjennomføringsloven § 37").first
    place = row.locator("button.ref-place").first
    ids = str(place.get_attribute("data-passages")).split(",")
    assert ids and all(i in index.by_id for i in ids)
    place.click()
    target = page.locator(f"#reader .sec-target[data-passage='{ids[0]}']")
    target.wait_for()
    assert page.get_by_role("tab", name="Dokumenter").get_attribute("aria-selected") == "true"
    assert " ".join(index.by_id[ids[0]].text.split())[:60] in " ".join(target.inner_text().split())
    assert target.locator("mark").count() == 1
    box = target.bounding_box()
    assert box and 0 <= box["y"] < 900  # scrolled into view
    assert "straffegjennomføringsloven § 37" in target.inner_text()
    page.screenshot(path=str(artifacts_dir / "ui-11-refs-to-reader.png"))
    page.close()


def test_the_reader_shows_lead_ins_and_bullets_as_the_source_has_them(
    served: Served, browser: Any
) -> None:
    page = _page(browser, 1280, 900)
    _open(page, served.url)
    page.get_by_role("tab", name="Dokumenter").click()
    reader = page.locator("#reader")
    reader.get_by_text("VIRKEOMRÅDE OG BEGREPSBRUK").wait_for()  # the circular's section 1
    lead = reader.locator("p.sec-lead", has_text="Straff i samfunnet omfatter")
    assert lead.count() == 1
    items = lead.locator("xpath=following-sibling::ul[1]/li")
    assert items.count() == 7 and items.first.inner_text() == "samfunnsstraff"
    style = items.first.evaluate("e => getComputedStyle(e.parentElement).listStyleType")
    assert style == "disc"  # bullets, as the circular has them
    page.close()
