"""Documents added and removed in the running page, through gradio_client and in Chromium.

The served page (tests/ui/conftest.py) has its own corpus copy and index. An upload of a PDF made
here must be cited with its page by the same running app, without a restart; bad uploads must say
what was wrong and leave the live index and the manifest exactly as they were; a file dropped into
the corpus folder without a manifest entry is labelled «Ukjent».
"""

from __future__ import annotations

import http.client
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, Served, set_file
from tests.ui.test_upload import make_pdf
from ui.live import current_build

pytestmark = [pytest.mark.slow]

PDF_TEXT = (
    "Samtalerommet i fengselet skal ha en nødknapp som varsler vaktsentralen. "
    "Helsepersonell skal kunne bruke samtalerommet uten at betjenter hører samtalen."
)
QUESTION = "Skal samtalerommet ha nødknapp?"
TITLE = "Rutine for besøksrom"


def _state(served: Served) -> tuple[str, bytes]:
    return current_build(served.settings.index_dir), (
        served.settings.corpus / "manifest.toml"
    ).read_bytes()


def test_upload_ask_and_bad_input_through_gradio_client(served: Served, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    client = Client(served.url, verbose=False)
    pdf = make_pdf(tmp_path / "samtalerom.pdf", "1 Samtalerom", PDF_TEXT)
    message = client.predict(
        handle_file(str(pdf)), "Veileder om samtalerom", "veileder", "lokal",
        "Testdirektoratet", "2025-01-02", "Kari Nordmann", api_name="/upload",
    )[0]  # fmt: skip
    assert message.startswith("✅"), message
    result = client.predict(QUESTION, "alle", None, api_name="/ask")
    cited = [c for c in result["answer"]["citations"] if c["doc_id"] == "veileder-om-samtalerom"]
    assert cited and cited[0]["page"] == 1, result["answer"]
    assert "nødknapp" in cited[0]["quote"]

    before = _state(served)
    fake = tmp_path / "notat.pdf"
    fake.write_text("Ikke en PDF.", encoding="utf-8")
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    bad = [
        (fake, "Notat", "lokal", "Kari", "ikke en PDF-fil"),
        (empty, "Tomt", "lokal", "Kari", "filen er tom"),
        (
            pdf,
            "veileder om SAMTALEROM",
            "lokal",
            "Kari",
            "finnes allerede et dokument med tittelen",
        ),
        (pdf, "Egen rutine", "gjeldende", "Kari", "kan ikke merkes «Gjeldende»"),
        (pdf, "Egen rutine", "lokal", "", "hvem som laster opp"),
    ]
    for path, title, status, who, expected in bad:
        out = client.predict(
            handle_file(str(path)), title, "lokal instruks", status, "Fengselet", "", who,
            api_name="/upload",
        )[0]  # fmt: skip
        assert out.startswith("❌") and expected in out, out
    assert _state(served) == before  # the running index and the manifest are unchanged

    removed = client.predict("veileder-om-samtalerom", api_name="/remove_document")[0]
    assert removed.startswith("✅"), removed
    after = client.predict(QUESTION, "alle", None, api_name="/ask")["answer"]
    assert all(c["doc_id"] != "veileder-om-samtalerom" for c in after["citations"])
    assert not (served.settings.corpus / "opplastet-veileder-om-samtalerom.pdf").exists()


def test_a_200_mb_upload_is_refused_by_the_server(served: Served) -> None:
    """Streamed from one reused 1 MB buffer (never 200 MB in memory); refused with 413 and nothing
    changed. (Gradio drains the body before answering; the page's own check reads only the file
    size, see test_upload.py.)"""
    from ui.upload import MAX_UPLOAD_BYTES

    before = _state(served)
    url = urllib.parse.urlparse(served.url)
    boundary = "hjemmelgrense"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="stor.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    chunk = b"0" * (1024 * 1024)
    total = 200 * len(chunk)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    conn.putrequest("POST", "/gradio_api/upload")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + total + len(tail)))
    conn.endheaders()
    sent = 0
    try:
        conn.send(head)
        for _ in range(200):
            conn.send(chunk)
            sent += len(chunk)
        conn.send(tail)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server closed the upload early: what we want
    response = conn.getresponse()
    assert response.status == 413, (response.status, response.read()[:200])
    assert sent > MAX_UPLOAD_BYTES
    assert _state(served) == before


def test_upload_in_browser_is_cited_and_an_unlisted_file_is_unknown(
    served: Served, tmp_path: Path, artifacts_dir: Path
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} mangler: kjør `make browser`")
    from playwright.sync_api import sync_playwright

    pdf = make_pdf(
        tmp_path / "besok.pdf", "1 Besøksrom", "Besøksrommet skal ha et alarmsystem med blått lys."
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page: Any = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(90_000)
        page.goto(served.url)
        page.locator("#role.restored").wait_for()
        page.get_by_role("tab", name="Dokumenter").click()
        set_file(page, "#upload-file", pdf)  # uploaded to the server
        for field, value in (
            ("#upload-issuer", "Testfengselet"), ("#upload-title", TITLE), ("#upload-by", "Kari N"),
        ):  # fmt: skip
            box = page.locator(f"{field} input, {field} textarea").first
            box.fill(value)
            box.press("Tab")  # the page takes a text box's value when it loses focus
        page.locator("#upload-button").click()
        page.locator("#upload-message", has_text=re.compile("[✅❌]")).wait_for()
        assert "er lest inn" in page.locator("#upload-message").inner_text()
        page.screenshot(path=str(artifacts_dir / "ui-7-uploaded.png"), full_page=True)

        page.get_by_role("tab", name="Samtale").click()
        box = page.locator("#question textarea").first
        box.fill("Hva slags alarmsystem skal besøksrommet ha?")
        box.press("Enter")
        card = page.locator("#citations .cite-card", has_text=TITLE).first
        card.wait_for()
        assert "side 1" in card.locator(".card-where").inner_text()  # a PDF has pages
        # A local document's own badge (never the circular's green «Gjeldende») and its uploader.
        assert card.locator(".badge-lokal").inner_text() == "Lokal"
        assert card.locator(".badge-gjeldende").count() == 0
        uploaded = card.locator(".card-uploaded").inner_text()
        assert re.fullmatch(r"Lastet opp av Kari N, \d{4}-\d{2}-\d{2} \d{2}:\d{2}", uploaded)
        page.screenshot(path=str(artifacts_dir / "ui-8-uploaded-cited.png"))

        # A file put in the corpus folder by hand, without a manifest entry.
        (served.settings.corpus / "rundskriv-kopi.txt").write_text(
            "# Rundskriv om noe annet\n\nDette er en kopi uten oppføring i manifestet.\n",
            encoding="utf-8",
        )
        page.get_by_role("tab", name="Dokumenter").click()
        page.locator("#reingest-button").click()
        page.locator("#upload-message", has_text="bygd på nytt").wait_for()
        table = page.locator("#documents-table", has_text="Rundskriv om noe annet")
        table.wait_for()
        # Title, type, status: an unlisted «rundskriv» is shown as «Ukjent», never «Gjeldende».
        assert re.search(r"Rundskriv om noe annet\s+rundskriv\s+Ukjent", table.inner_text())
        page.screenshot(path=str(artifacts_dir / "ui-9-unknown.png"), full_page=True)
        browser.close()
