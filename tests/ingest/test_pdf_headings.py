"""Numbered headings without a dot in PDFs («2 Samtalerom») and titles that start with a bullet.

A PDF made with fpdf2 and read by pypdf: «1 Innledning» used to be taken for footnote 1 (and the
rest of the page with it) and «2 Samtalerom» for running text, so their passages fell under
«punkt 0». The bundled corpus is unaffected (its 327 passages are checked elsewhere).
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from ingest.clean import clean_text
from ingest.loaders import load_file
from ingest.pipeline import guess_title
from ingest.records import Document
from ingest.structure import structure

DOC = Document("v", "Veileder", "veileder", "Hdir", None, "gjeldende", "v.pdf", "")


def _pdf(path: Path, lines: list[tuple[int, str]]) -> Path:
    pdf = FPDF(format="A4")
    pdf.add_page()
    for size, text in lines:
        pdf.set_font("Helvetica", size=size)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_numbered_headings_without_a_dot_become_sections(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "v.pdf",
        [
            (16, "Veileder om samtalerom i fengsel"),
            (11, "Denne veilederen beskriver bruk av samtalerom."),
            (14, "1 Innledning"),
            (11, "Samtalerommet skal være lydisolert."),
            (14, "2 Samtalerom"),
            (11, "Helsepersonell skal ha tilgang til et eget samtalerom med nødknapp."),
        ],
    )
    passages = structure(DOC, clean_text(load_file(path)))
    by_text = {p.text: p for p in passages}
    room = by_text["Helsepersonell skal ha tilgang til et eget samtalerom med nødknapp."]
    assert (room.section, room.heading) == ("2", "2 Samtalerom")
    assert by_text["Samtalerommet skal være lydisolert."].section == "1"
    assert all(p.kind != "footnote" for p in passages)


def test_a_title_taken_from_a_bullet_line_has_no_bullet() -> None:
    # pypdf gives the first line of such a PDF as «• Veileder …»; the cleaner keeps the bullet.
    raw = "\u2022 Veileder om besøk\nBesøk skjer etter avtale."
    assert guess_title(raw, raw) == "Veileder om besøk"
