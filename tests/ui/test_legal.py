"""The legal tabs: the quote check's statuses and colours, the provision table, and both endpoints
through gradio_client against the running page (real index)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.legal.refs import provision_index
from assistant.legal.verify import verify_quote
from tests.assistant.legal.test_refs import SMALL as REFS
from tests.assistant.legal.test_verify import SMALL
from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, Served
from ui.legal import STATUS_STYLE, _refs_table, _verify_summary

QUOTE = "Helsepersonell har taushetsplikt"
GREEN = STATUS_STYLE["exact"].split(";")[0]


def _summary(quote: str, claimed: str | None = None) -> str:
    return _verify_summary(verify_quote(SMALL, quote, claimed), SMALL.by_id)


def test_only_a_quote_found_where_claimed_is_green() -> None:
    right = _summary(QUOTE, "rundskrivet punkt 6.2")
    assert 'data-status="exact"' in right and GREEN in right and "Funnet ordrett" in right
    misplaced = _summary(QUOTE, "rundskrivet punkt 7.1.3")
    assert 'data-status="exact_elsewhere"' in misplaced and GREEN not in misplaced
    assert "Ordrett, men ikke på oppgitt sted" in misplaced and "Funnet ordrett" not in misplaced
    assert "Oppgitt sted stemmer ikke (feil punkt)" in misplaced
    assert "Rundskrivet punkt 6.2" in misplaced


def test_near_and_not_found_say_what_differs_and_what_is_closest() -> None:
    near = _summary("Legen bør ikke nekte å se den innsatte én gang daglig.", "punkt 7.1.3")
    assert 'data-status="near"' in near and GREEN not in near
    assert "modalverb: kilden «kan», sitatet «bør»" in near
    assert "ikke ordrett" in near
    missing = _summary("Besøk skal alltid avtales med fengselsbetjent på forhånd.")
    assert 'data-status="not_found"' in missing and "Nærmeste tekst (likhet" in missing


def test_refs_table_has_one_line_per_place_with_readable_names() -> None:
    table = _refs_table(provision_index(REFS, provision="§ 37"), REFS)
    assert "Rundskriv rundskriv, punkt 7.1 (syvende ledd; åttende ledd)" in table
    assert table.count("punkt 7.1") == 1
    shown = re.sub(r"<[^>]+>", " ", table)  # what a reader sees: no internal passage id
    assert not re.search(r"rundskriv:7\.1:\d", shown)
    # Each place opens its passages in the reader (the ids ride along in an attribute).
    place = re.search(r'<button type="button" class="ref-place" data-passages="([^"]+)"', table)
    assert place and all(pid.startswith("rundskriv:7.1:") for pid in place.group(1).split(","))


@pytest.mark.slow
def test_verify_and_refs_endpoints(served: Served) -> None:
    from gradio_client import Client

    index = served.assistant.index
    passage = next(
        p for p in index.passages if re.fullmatch(r"[\d.]+", p.section) and len(p.text.split()) > 8
    )
    client = Client(served.url, verbose=False)

    found = client.predict(passage.text, "", api_name="/verify")
    assert "Funnet ordrett" in found
    elsewhere = client.predict(passage.text, "NKROPs høringsinnspill", api_name="/verify")
    assert "Ordrett, men ikke på oppgitt sted" in elsewhere and "Funnet ordrett" not in elsewhere
    altered = passage.text.replace(passage.text.split()[3], "annerledes", 1)
    assert "Funnet ordrett" not in client.predict(altered, "", api_name="/verify")

    table = client.predict("stgjl.", "§ 37", api_name="/refs")
    assert "straffegjennomføringsloven § 37" in table and "Rundskriv om samarbeid KO–helse" in table
    assert "Forstår ikke" in client.predict("", "tull", api_name="/refs")


@pytest.mark.slow
@pytest.mark.browser
def test_misplaced_quote_is_orange_in_the_browser(served: Served, artifacts_dir: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} mangler: kjør `make browser`")
    from playwright.sync_api import sync_playwright

    index = served.assistant.index
    passage = next(p for p in index.passages if p.id.startswith("rundskriv:7.1.2:"))
    quote = " ".join(passage.text.split()[:12])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(90_000)
        page.goto(served.url)
        page.get_by_role("tab", name="Sjekk sitat").click()
        page.locator("#verify-quote textarea").fill(quote)
        page.get_by_label("Oppgitt sted (valgfritt)").fill("rundskrivet punkt 6.2")
        page.get_by_role("button", name="Sjekk sitatet").click()
        box = page.locator("#verify-result .verify-result")
        box.wait_for()
        colour = box.evaluate("e => getComputedStyle(e).backgroundColor")
        text = box.text_content() or ""
        page.screenshot(path=str(artifacts_dir / "verify-exact-elsewhere.png"), full_page=True)
        browser.close()
    assert "Ordrett, men ikke på oppgitt sted" in text and "punkt 7.1.2" in text
    assert colour == "rgb(255, 241, 229)"  # orange, not the green of a right citation


def test_a_local_source_keeps_its_own_badge_in_the_quote_check() -> None:
    from dataclasses import replace

    result = verify_quote(SMALL, QUOTE, None)
    doc = SMALL.documents[result.doc_id]
    assert "badge-gjeldende" in _verify_summary(result, SMALL.by_id, SMALL.documents)
    local = {doc.id: replace(doc, status="lokal", uploaded_by="kari")}
    shown = _verify_summary(result, SMALL.by_id, local)
    assert "badge-lokal" in shown and "badge-gjeldende" not in shown
