"""ui.reader: a section laid out as its source has it — lead-ins, bullets, numbering, footnotes.

Passages as the structure stage cuts them (the lead-in kept as each item's `context`, bullets not in
the text); the real circular's section 1 is checked in the browser test.
"""

from __future__ import annotations

from ingest.records import Passage
from ui.reader import section_blocks, section_markup


def _p(n: int, kind: str, text: str, context: str = "") -> Passage:
    return Passage(f"d:1:{n}", "d", "1", "1 Begreper", ("1 Begreper",), None, kind, text, 0,  # type: ignore[arg-type]
                   len(text), context=context)  # fmt: skip


LEAD = "Straff i samfunnet omfatter"
SECTION = (
    _p(1, "paragraph", "Begrepet «innsatte» omfatter personer i varetekt."),
    _p(2, "list_item", "samfunnsstraff", LEAD),
    _p(3, "list_item", "bøtetjeneste samt", LEAD),
    # A lead-in with whole sentences before its fragment: the sentences are a paragraph.
    _p(4, "paragraph", "Tilsyn er viktig."),
    _p(5, "list_item", "a) daglig", "Tilsyn er viktig. Helsetjenesten skal:"),
    _p(6, "list_item", "b) ved behov", "Tilsyn er viktig. Helsetjenesten skal:"),
    _p(7, "footnote", "1 Se straffegjennomføringsloven."),
    _p(8, "paragraph", "Varetekt kan gjennomføres utenfor fengsel."),
)


def test_lead_ins_and_lists_come_back_in_reading_order() -> None:
    blocks = section_blocks(SECTION)
    assert [(b.kind, b.text or b.passages[0].id) for b in blocks] == [
        ("paragraph", "d:1:1"),
        ("lead_in", LEAD),
        ("list", "d:1:2"),
        ("paragraph", "d:1:4"),
        ("lead_in", "Helsetjenesten skal:"),  # the sentence before it is shown once, as a paragraph
        ("list", "d:1:5"),
        ("paragraph", "d:1:8"),
        ("footnote", "d:1:7"),
    ]
    assert [len(b.passages) for b in blocks if b.kind == "list"] == [2, 2]
    assert [b.enumerated for b in blocks if b.kind == "list"] == [False, True]


def test_markup_shows_bullets_the_sources_numbering_and_the_marked_passage() -> None:
    html = section_markup(SECTION, {"d:1:3"}, quote="bøtetjeneste")
    assert f'<p class="sec-p sec-lead">{LEAD}</p>\n<ul class="sec-list">' in html
    assert (
        '<li class="sec-p sec-item sec-target" data-passage="d:1:3"><mark>bøtetjeneste</mark> samt'
        in html
    )
    assert (
        '<ul class="sec-list enum"><li class="sec-p sec-item" data-passage="d:1:5">a) daglig'
        in html
    )
    assert html.count("Tilsyn er viktig.") == 1 and 'class="sec-p sec-fn"' in html
    assert "&laquo;" not in html and "«innsatte»" in html  # text escaped, not mangled
    whole = section_markup(SECTION, {"d:1:2", "d:1:3"})
    assert "<mark>samfunnsstraff</mark>" in whole and "<mark>bøtetjeneste samt</mark>" in whole
