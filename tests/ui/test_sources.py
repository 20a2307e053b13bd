"""ui.sources: a local document's own badge and uploader, places that never show an internal id."""

from __future__ import annotations

from dataclasses import replace

from assistant.records import Citation
from ingest.records import Document, Passage
from tests.ui.test_render import DOC, INDEX, P1, _Index
from ui.render import citation_card, document_rows, reader_html
from ui.sources import document_badge, place_label, status_badge

LOCAL = Document(
    "rutine", "Rutine for tilsyn på glattcelle", "lokal instruks", "Testfengselet", None,
    "lokal", "opplastet-rutine.txt", "h", uploaded_by="kari", uploaded_at="2026-12-02 14:05",
)  # fmt: skip


def _p(pid: str, section: str, heading: str, kind: str = "paragraph", doc: str = "rs") -> Passage:
    return Passage(pid, doc, section, heading, (heading,), None, kind, "Tekst.", 0, 6)  # type: ignore[arg-type]


def test_a_local_document_has_its_own_badge_never_the_green_one() -> None:
    assert status_badge("gjeldende") == '<span class="badge badge-gjeldende">Gjeldende</span>'
    local = document_badge(LOCAL)
    assert "badge-lokal" in local and ">Lokal<" in local and "Gjeldende" not in local
    draft = document_badge(replace(LOCAL, status="utkast"))
    assert "badge-lokal" in draft and "Lokal · utkast" in draft and "badge-utkast" not in draft
    # A bundled source keeps its own badge.
    assert "badge-gjeldende" in document_badge(DOC) and "Lokal" not in document_badge(DOC)


def test_a_local_documents_card_reader_and_row_say_who_uploaded_it_and_when() -> None:
    passage = _p(
        "rutine:rutine-for-tilsyn:1", "rutine-for-tilsyn", "Rutine for tilsyn", doc="rutine"
    )
    index = _Index({"rs": DOC, "rutine": LOCAL}, (*INDEX.passages, passage))
    card = citation_card(Citation(1, passage, LOCAL, "Tekst.", True), 1, index)
    assert "badge-lokal" in card and "Lastet opp av kari, 2026-12-02 14:05" in card
    assert "rutine-for-tilsyn" not in card.split('class="card-where">')[1].split("</div>")[0]
    assert "Lastet opp av kari" in reader_html(index, passage.id)
    row = next(r for r in document_rows(index) if r[0] == LOCAL.title)
    assert row[2] == "Lokal (lastet opp av kari, 2026-12-02 14:05)"
    bundled = citation_card(Citation(1, P1, DOC, "minimum", True), 1, index)
    assert "Lastet opp" not in bundled


def test_places_never_show_an_internal_section_id() -> None:
    assert place_label(_p("rs:7.1.3:1", "7.1.3", "Helse- og omsorgstjenestens ansvar")) == (
        "7.1.3 Helse- og omsorgstjenestens ansvar"
    )
    assert (
        place_label(_p("rs:5.2.2:1", "5.2.2", "5.2.2 Kommunens ansvar")) == "5.2.2 Kommunens ansvar"
    )
    comment = _p("nkrop:side-27:1", "side-27", "Den kommunale helse- og omsorgstjenesten bør …",
                 kind="comment")  # fmt: skip
    assert place_label(comment) == "side 27 i høringsutkastet"
    assert place_label(_p("x:rutine-for-tilsyn:1", "rutine-for-tilsyn", "Rutine for tilsyn")) == (
        "Rutine for tilsyn"
    )
    assert place_label(_p("x:0:1", "0", "")) == ""
