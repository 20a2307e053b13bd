"""The «Evaluering» tab: unit tests of its helpers, and the tab end to end in real headless Chromium.

The browser test uses the app served over the session's real index (tests/ui/conftest.py): a sheet
with three errors is refused with three messages naming row and column; a bundled suite runs with a
progress bar and offers the report for download; the template sheet runs as uploaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from evals.sheet_write import write_rows, write_template
from tests.evals.test_report import make_result
from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, Served, set_file
from ui.evaluation import EvalInputError, keep_upload, summary_html

TIMEOUT_MS = 120_000


def test_keep_upload_copies_the_suite_and_refuses_other_files(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    upload = write_template(tmp_path / "upload" / "mal.csv")
    kept = Path(keep_upload(str(upload), "", settings))
    assert kept.parent == settings.home / "suites" and kept.read_bytes() == upload.read_bytes()
    assert keep_upload(None, "heldout", settings) == "heldout"
    with pytest.raises(EvalInputError, match="Last opp"):
        keep_upload(None, "", settings)
    bad = tmp_path / "notat.txt"
    bad.write_text("hei", "utf-8")
    with pytest.raises(EvalInputError, match=r"notat\.txt"):
        keep_upload(str(bad), "", settings)


def test_summary_lists_pipelines_and_failed_questions() -> None:
    page = summary_html(make_result())
    assert "<td>hjemmel</td>" not in page and ">hjemmel</td>" in page and ">bm25</td>" in page
    assert "Feilede spørsmål (hjemmel): 1" in page and "Spørsmål is-002?" in page
    assert "gull i topp k" in page  # why it failed
    # Plain Norwegian names, each explained in one line (as a legend and as the heading's title).
    from evals.glossary import EXPLANATIONS, NAMES
    from ui.evaluation import SHOWN_KEYS

    assert "tilbakevisninger uten forløper" not in page and "Hva målene betyr" in page
    for key in SHOWN_KEYS:
        assert f"<li><b>{NAMES[key]}</b>: " in page.replace("&quot;", '"')
        assert EXPLANATIONS[key].split("«")[0].strip() in page


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} mangler: kjør `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        browser.close()


def _clear_upload(page: Any) -> None:
    # The page runs Gradio in Norwegian: the file field's clear button is «Tøm».
    clear = page.locator("#eval-upload").get_by_label(re.compile(r"^(Tøm|Clear)$"))
    if clear.count():
        clear.first.click()


def _upload_and_run(page: Any, path: Path) -> None:
    _clear_upload(page)
    # A change event still in flight (the suite dropdown resets the upload field) can clear a file
    # set at the same moment: `set_file` sets it again until the page shows it.
    set_file(page, "#eval-upload", path)
    page.locator("#eval-run").click()


@pytest.mark.slow
@pytest.mark.browser
def test_evaluation_tab_in_browser(
    served: Served, browser_page: Any, tmp_path: Path, artifacts_dir: Path
) -> None:
    page = browser_page
    page.goto(served.url)
    page.get_by_role("tab", name="Evaluering").click()
    page.locator("#eval-intro").wait_for()

    # A sheet with a wrong gold phrase, an unknown role and a duplicate id.
    base = {"tema": "isolasjon", "forventet_avvisning": "nei", "oppfølging_av": ""}
    bad = write_rows(
        [
            {**base, "id": "a-1", "rolle": "alle", "spørsmål": "Hva er isolasjon?",
             "gull": "Isolasjon kan skyldes formelle beslutninger"},
            {**base, "id": "a-2", "rolle": "alle", "spørsmål": "Hvor ofte?",
             "gull": "Betjentene skal se til ham hvert kvarter"},
            {**base, "id": "a-3", "rolle": "vaktsjef", "spørsmål": "Hvem?",
             "gull": "Isolasjon kan skyldes formelle beslutninger"},
            {**base, "id": "a-1", "rolle": "alle", "spørsmål": "Igjen?",
             "gull": "Isolasjon kan skyldes formelle beslutninger"},
        ],
        tmp_path / "feil.csv",
    )  # fmt: skip
    _upload_and_run(page, bad)
    status = page.locator("#eval-status")
    status.get_by_text("Kan ikke kjøre settet").wait_for()
    messages = [m for m in status.locator("li").all_inner_texts() if m.startswith("rad ")]
    assert [m.split(":")[0] for m in messages] == [
        "rad 3, kolonne E («gull»)", "rad 4, kolonne C («rolle»)", "rad 5, kolonne A («id»)",
    ]  # fmt: skip
    page.screenshot(path=str(artifacts_dir / "eval-1-errors.png"), full_page=True)

    # A bundled suite (smoke subset, three pipelines): a progress bar while it runs.
    _clear_upload(page)
    page.locator("#eval-bundled input").fill("core")
    page.get_by_role("option", name="core", exact=True).click()
    page.get_by_label("Bare et lite, fast utvalg (røyktest)").check()
    page.locator("#eval-pipelines input[name=bm25]").check()
    page.locator("#eval-pipelines input[name=dense]").check()
    page.locator("#eval-run").click()
    page.locator("[role=progressbar]").first.wait_for(state="attached")
    page.screenshot(path=str(artifacts_dir / "eval-2-progress.png"))
    page.locator("#eval-summary").wait_for()
    summary = page.locator("#eval-summary").inner_text()
    assert "hjemmel" in summary and "bm25" in summary and "dense" in summary
    assert "riktig kilde blant de 5 første" in summary and "Hva målene betyr" in summary
    assert page.locator("#eval-summary .eval-legend li").count() >= 10
    assert "samsvarer for hvert spørsmål" in summary  # llama-index's RetrieverEvaluator agrees
    names = " ".join(page.locator("#eval-files").inner_text().split())
    assert "report .html" in names and "result .json" in names and "report .md" in names
    page.screenshot(path=str(artifacts_dir / "eval-3-report.png"), full_page=True)
    run_id = summary.split("Kjøring ")[1].split(":")[0].strip()
    stored = json.loads((served.settings.runs_dir / run_id / "result.json").read_text("utf-8"))
    assert set(stored["pipelines"]) == {"hjemmel", "bm25", "dense"} and stored["suite"]["smoke"]

    # The downloadable report is the run's own.
    with page.expect_download() as info:
        page.locator("#eval-files a[download]").first.click()
    saved = tmp_path / "report.html"
    info.value.save_as(saved)
    assert run_id in saved.read_text("utf-8") and "Per spørsmål" in saved.read_text("utf-8")

    # The template, uploaded as is, runs (5 questions).
    page.locator("#eval-bundled input").fill("(ingen)")
    page.get_by_role("option", name="(ingen)").click()
    _upload_and_run(page, write_template(tmp_path / "mal.xlsx"))
    page.locator("#eval-status").get_by_text("Ferdig").wait_for()
    page.locator("#eval-summary").get_by_text("5 spørsmål").wait_for()
