"""ui.upload without a server: file and metadata checks, manifest entries, restoring on failure.

Real files (PDFs made with fpdf2, a sparse 200 MB file) and a real manifest in a temporary corpus
folder; the index build itself is exercised end to end in test_upload_served.py.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from fpdf import FPDF

from assistant.settings import Settings
from ui import upload
from ui.upload import DocumentMeta, UploadError, add_document, check_file, check_meta

MANIFEST = """[[document]]
id = "rundskriv"
title = "Rundskriv om samarbeid"
type = "rundskriv"
issuer = "JD"
date = ""
status = "gjeldende"
file = "rundskriv.txt"
"""


def make_pdf(
    path: Path, heading: str = "1 Innledning", text: str = "Samtalerommet skal ha nødknapp."
) -> Path:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "rundskriv.txt").write_text("# 1 Formål\n\nKriminalomsorgen skal samarbeide.\n")
    return folder


def test_a_pdf_that_is_not_one_is_refused_by_its_content(tmp_path: Path) -> None:
    fake = tmp_path / "notat.pdf"
    fake.write_text("Dette er bare tekst med feil filendelse.", encoding="utf-8")
    with pytest.raises(UploadError, match="ikke en PDF-fil"):
        check_file(fake)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "tom.pdf"
    empty.touch()
    with pytest.raises(UploadError, match="filen er tom"):
        check_file(empty)


def test_a_200_mb_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "stor.pdf"
    with big.open("wb") as fh:  # sparse: 200 MB on paper, a few bytes on disk and in memory
        fh.write(b"%PDF-1.4\n")
        fh.truncate(200 * 1024 * 1024)

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(UploadError, match=r"for stor \(200,0 MB\).*50,0 MB"):
        check_file(big)


def test_metadata_checks_name_the_field() -> None:
    known = {"Rundskriv om samarbeid"}
    ok = DocumentMeta("Ny rutine", "lokal instruks", "Fengselet", "2024-01-31", "lokal", "kari")
    check_meta(ok, known)
    check_meta(
        DocumentMeta("Notat", "annet", "Fengselet", status="informasjon", uploaded_by="k"), known
    )
    by = {"uploaded_by": "kari"}
    cases = [
        (DocumentMeta("  ", "veileder", "Hdir", **by), "tittel"),
        (DocumentMeta("rundskriv om  SAMARBEID", "veileder", "Hdir", **by), "finnes allerede"),
        (DocumentMeta("X", "veileder", " ", **by), "utsteder"),
        (DocumentMeta("X", "brosjyre", "Hdir", **by), "dokumenttype"),
        (DocumentMeta("X", "veileder", "Hdir", status="kanskje", **by), "status «kanskje»"),
        (DocumentMeta("X", "veileder", "Hdir", date="31.01.2024", **by), "ÅÅÅÅ-MM-DD"),
        # A local document is never the national rule, and someone uploaded it.
        (DocumentMeta("X", "lokal instruks", "Hdir", status="gjeldende", **by),
         "kan ikke merkes «Gjeldende»: det er ikke en nasjonal regel"),
        (DocumentMeta("X", "lokal instruks", "Hdir", uploaded_by=" "), "hvem som laster opp"),
    ]  # fmt: skip
    for meta, words in cases:
        with pytest.raises(UploadError, match=words):
            check_meta(meta, known)


def test_upload_writes_file_and_entry_and_a_failed_build_restores_everything(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(home=tmp_path / "home", corpus=corpus, embedder="fake")
    pdf = make_pdf(tmp_path / "veileder.pdf")
    before = (corpus / "manifest.toml").read_bytes()

    def failing(_settings: Settings, _progress: object) -> tuple[str, ...]:
        raise UploadError("Indeksen kunne ikke bygges: test")

    monkeypatch.setattr(upload, "ingest_corpus", failing)
    meta = DocumentMeta('Veileder «samtalerom» "ny"', "veileder", "Hdir", "", "lokal", "Kari N")
    with pytest.raises(UploadError, match="kunne ikke bygges"):
        add_document(settings, pdf, meta, set())
    assert (corpus / "manifest.toml").read_bytes() == before
    assert sorted(p.name for p in corpus.iterdir()) == ["manifest.toml", "rundskriv.txt"]

    monkeypatch.setattr(
        upload, "ingest_corpus", lambda _s, _p: ("rundskriv", "veileder-samtalerom-ny")
    )
    doc_id = add_document(settings, pdf, meta, set())
    entries = tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))["document"]
    uploaded_at = entries[-1].pop("uploaded_at")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", uploaded_at)
    assert entries[-1] == {
        "id": doc_id,
        "title": 'Veileder «samtalerom» "ny"',
        "type": "veileder",
        "issuer": "Hdir",
        "date": "",
        "status": "lokal",
        "file": f"opplastet-{doc_id}.pdf",
        "uploaded_by": "Kari N",
    }
    assert (corpus / f"opplastet-{doc_id}.pdf").read_bytes() == pdf.read_bytes()


def test_only_uploaded_documents_can_be_removed(corpus: Path, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", corpus=corpus)
    with pytest.raises(UploadError, match="Bare dokumenter som er lastet opp"):
        upload.remove_document(settings, "rundskriv", "rundskriv.txt")
    assert (corpus / "rundskriv.txt").is_file()


def test_dates_are_calendar_dates_and_short_titles_are_taken(tmp_path: Path, corpus: Path) -> None:
    from ui.upload import check_date

    for good in ("", "2024-02-29", " 2023-12-31 "):
        check_date(good)
    for bad, why in (("2024-13-45", "finnes ikke"), ("2023-02-29", "finnes ikke"),
                     ("1.2.2024", "ÅÅÅÅ-MM-DD")):  # fmt: skip
        with pytest.raises(UploadError, match=why):
            check_date(bad)
    manifest = corpus / "manifest.toml"
    manifest.write_text(manifest.read_text() + 'short_title = "Samarbeidsrundskrivet"\n')
    note = tmp_path / "notat.txt"
    note.write_text("1 Formål\n\nEt notat om samarbeid.\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", corpus=corpus, embedder="fake")
    meta = DocumentMeta("samarbeidsrundskrivet", "veileder", "Testdirektoratet")
    with pytest.raises(UploadError, match="finnes allerede"):
        add_document(settings, note, meta, set())
