"""End to end in a real headless Chromium (Debian's, driven by Playwright) and via gradio_client.

The app is started by the fixture in tests/ui/conftest.py over the session's real index; screenshots
go to test-artifacts/. Expected answer text comes from the corpus (the circular's 7.1.3), and the
follow-up is compared with what the API itself answers with and without the conversation.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, Served

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUESTION = "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?"
FOLLOW_UP = "Og hva om den innsatte er under 18 år?"
ROLE = "kommunehelse"
ROLE_LABEL = "Kommunal helse- og omsorgstjeneste"
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} mangler: kjør `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        browser.close()


def _ask(page: Any, question: str, n_answers: int) -> Any:
    box = page.locator("#question textarea, #question input").first
    box.fill(question)
    box.press("Enter")
    bot = page.locator("#chat .message.bot, #chat [data-testid='bot']")
    bot.nth(n_answers - 1).wait_for()
    page.locator(f".answer-cards[data-turn='{n_answers}']").first.wait_for(state="attached")
    # The newest answer is the last bot message (both selectors may match one message).
    return bot.last


def _feedback_rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT question, role, rating, citations FROM feedback ORDER BY id"
        ).fetchall()


def test_chat_in_browser(served: Served, browser_page: Any, artifacts_dir: Path) -> None:

    page = browser_page
    page.goto(served.url)
    page.locator("#question").wait_for()
    page.get_by_text("Eksempler på spørsmål").wait_for()
    page.locator("#role.restored").wait_for()  # the remembered role is restored on load
    page.screenshot(path=str(artifacts_dir / "ui-1-empty.png"))

    page.get_by_label(ROLE_LABEL).check()
    bubble = _ask(page, QUESTION, 1)
    assert "minimum en gang per døgn" in bubble.inner_text()
    card = page.locator("#citations .cite-card[data-passage*=':7.1.3:']").first
    card.wait_for()
    quote = card.locator(".card-text mark.quote")
    assert quote.count() == 1 and quote.inner_text().strip()
    assert "7.1.3" in card.locator(".card-where").inner_text()
    page.screenshot(path=str(artifacts_dir / "ui-2-answer.png"))

    # A marker in the answer is a link to a card on the page.
    href = bubble.locator("a[href^='#kilde-1-']").first.get_attribute("href")
    assert href and page.locator(href).count() == 1

    card.locator("summary", has_text="Vis i dokumentet").click()
    section = card.locator(".section-view")
    section.wait_for(state="visible")
    assert section.locator(".sec-target mark").count() == 1
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "ui-3-section.png"))

    db = served.settings.feedback_db
    before = len(_feedback_rows(db)) if db.exists() else 0
    page.locator("#thumbs-up").click()
    page.get_by_text("Tilbakemeldingen er lagret").wait_for()
    rows = _feedback_rows(db)
    assert len(rows) == before + 1
    question, role, rating, citations = rows[-1]
    assert (question, role, rating) == (QUESTION, ROLE, 1)
    assert ":7.1.3:" in citations

    follow = _ask(page, FOLLOW_UP, 2)
    page.screenshot(path=str(artifacts_dir / "ui-4-follow-up.png"), full_page=True)
    shown = follow.inner_text()
    # Answered in context: the under-18 rule is quoted, not a refusal and not the first answer again.
    assert "kontinuerlig tilsyn" in shown
    assert "Jeg finner ikke" not in shown
    # The citation panel shows the assistant's note that the question was read as a follow-up.
    assert page.get_by_text("Tolket som oppfølging av").first.is_visible()


def _visible(markdown: str) -> str:
    """The words a reader sees of an answer's Markdown (markers and emphasis removed)."""
    import re

    text = re.sub(r"\[\d+(?:\s*,\s*\d+)*\]", "", markdown)
    return re.sub(r"[*_#>\-]", " ", text)


def _norm(text: str) -> str:
    import re

    text = re.sub(r"\[\d+\]", "", text)
    text = re.sub(r"[*_#>\-•]", " ", text)
    return " ".join(text.split())


def _content(content: Any) -> str:
    """A chat message's text: Gradio 6 sends a list of typed parts, older versions a string."""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


def test_chat_endpoint_through_gradio_client(served: Served) -> None:
    from gradio_client import Client

    client = Client(served.url, verbose=False)
    result = client.predict(QUESTION, ROLE, [], api_name="/chat")
    chat = result[0]
    text, asked = _content(chat[-1]["content"]), _content(chat[0]["content"])
    assert asked == QUESTION
    assert "minimum en gang per døgn" in text
    assert "#kilde-1-" in text
    assert "7.1.3" in result[1]


def test_role_is_remembered_and_examples_follow_it(served: Served, browser_page: Any) -> None:
    from ui.chat import examples_for

    page = browser_page
    page.goto(served.url)
    page.locator("#role.restored").wait_for()
    page.get_by_label("Jurist").check()
    first = examples_for("jurist")[0]
    page.locator("#examples button", has_text=first).wait_for()
    page.reload()
    page.locator("#role.restored").wait_for()
    page.locator("#examples button", has_text=first).wait_for()
    assert page.get_by_label("Jurist").is_checked()
    page.locator("#examples button", has_text=first).click()
    bot = page.locator("#chat .message.bot, #chat [data-testid='bot']").first
    bot.wait_for()
    assert bot.inner_text().strip()
    assert page.locator("#examples").is_hidden()
    page.get_by_label("Alle").check()  # leave the default for other tests


def test_documents_tab_lists_corpus_and_reads_a_section(
    served: Served, browser_page: Any, artifacts_dir: Path
) -> None:
    index = served.assistant.index
    page = browser_page
    page.goto(served.url)
    page.get_by_role("tab", name="Dokumenter").click()
    table = page.locator("#documents-table")
    table.get_by_text("Tittel").first.wait_for()
    shown = table.text_content() or ""
    for doc in index.documents.values():
        assert doc.title in shown
    first_doc = next(iter(index.documents.values()))
    first = next(p for p in index.passages if p.doc_id == first_doc.id)
    reader = page.locator("#reader")
    assert first.text.split("\n")[0][:40] in reader.inner_text()
    page.screenshot(path=str(artifacts_dir / "ui-5-documents.png"), full_page=True)
