"""ui.render: markers become links, quotes are highlighted, source text is escaped."""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.legal.cite import formal_reference
from assistant.records import Answer, Citation
from ingest.records import Document, Passage
from ui.render import (
    answer_cards,
    answer_markdown,
    card_anchor,
    citation_card,
    document_rows,
    highlight,
    linkify_markers,
    panel_html,
    reader_html,
    section_choices,
    section_passages,
)

DOC = Document("rs", "Rundskriv <om> samarbeid", "rundskriv", "JD", None, "gjeldende", "p", "h")
DRAFT = Document("hu", "Høringsutkast", "høringsutkast", "Hdir", "2023-03-02", "utkast", "p", "h")


def _p(pid: str, section: str, text: str, page: int | None = 3, doc: str = "rs") -> Passage:
    return Passage(
        pid,
        doc,
        section,
        "Helse- og omsorgstjenestens ansvar",
        ("7", "7.1"),
        page,
        "paragraph",
        text,
        0,
        len(text),
    )


P1 = _p("rs:7.1.3:1", "7.1.3", "Helsepersonell skal tilse innsatte minimum en gang per døgn.")
P2 = _p("rs:7.1.3:2", "7.1.3", "Tilsynet skal <b>dokumenteres</b> & journalføres.")
P3 = _p("rs:7.1.4:1", "7.1.4", "Et annet punkt.")
P4 = _p("hu::1", "", "Utkastets tekst.", page=None, doc="hu")


@dataclass
class _Index:
    documents: dict[str, Document]
    passages: tuple[Passage, ...]


INDEX = _Index({"rs": DOC, "hu": DRAFT}, (P1, P2, P3, P4))


def _answer(*cites: Citation, notes: tuple[str, ...] = ()) -> Answer:
    return Answer(
        "q", "kommunehelse", "**Ditt ansvar**\n- tekst [1]\n- mer [1, 2]", cites, False, notes
    )


def test_markers_link_to_unique_card_anchors() -> None:
    out = linkify_markers("- a [1]\n- b [2, 3]", turn=4)
    assert f"(#{card_anchor(4, 1)})" in out
    assert "(#kilde-4-2)" in out and "(#kilde-4-3)" in out
    assert "[2, 3]" not in out


def test_existing_markdown_links_are_left_alone() -> None:
    assert linkify_markers("[1](http://x)", 1) == "[1](http://x)"


def test_answer_markdown_escapes_html_from_quotes() -> None:
    ans = Answer("q", "alle", "«a <script>x</script>» [1]", (), False)
    out = answer_markdown(ans, 1)
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_highlight_marks_quote_and_escapes_everything() -> None:
    out = highlight(P2.text, "<b>dokumenteres</b>")
    assert out.count("<mark>") == 1
    assert "<mark>&lt;b&gt;dokumenteres&lt;/b&gt;</mark>" in out
    assert "&amp; journalføres" in out
    assert "<mark" not in highlight(P2.text, "finnes ikke")


def test_copy_reference_is_the_formal_reference() -> None:
    card = citation_card(Citation(1, P1, DOC, "minimum en gang per døgn", True), 1, INDEX)
    assert formal_reference(DOC, P1, INDEX) in card.replace("&lt;", "<").replace("&gt;", ">")
    assert (
        "JD, «Rundskriv <om> samarbeid» (nr./dato ikke oppgitt), punkt 7.1.3"
        in formal_reference(DOC, P1, INDEX)
    )
    assert "s. 3" in formal_reference(DOC, P1, INDEX)


def test_section_is_the_passages_of_the_same_section_in_order() -> None:
    assert [p.id for p in section_passages(INDEX, P2)] == ["rs:7.1.3:1", "rs:7.1.3:2"]
    assert [p.id for p in section_passages(INDEX, P4)] == ["hu::1"]


def test_card_has_anchor_badge_mark_section_and_copy_button() -> None:
    cite = Citation(1, P1, DOC, "minimum en gang per døgn", True)
    html = answer_cards(_answer(cite), turn=2, index=INDEX)
    assert 'id="kilde-2-1"' in html
    assert "Gjeldende" in html and "badge-gjeldende" in html
    assert '<mark class="quote">minimum en gang per døgn</mark>' in html
    assert "Vis i dokumentet" in html and "sec-target" in html
    assert "&lt;b&gt;dokumenteres" in html  # the other passage of the section, escaped
    assert "Rundskriv &lt;om&gt; samarbeid" in html and "<om>" not in html
    assert (
        'data-ref="JD, «Rundskriv &lt;om&gt; samarbeid» (nr./dato ikke oppgitt), punkt 7.1.3'
        in html
    )


def test_draft_badge_and_notes_are_shown() -> None:
    cite = Citation(1, P4, DRAFT, "Utkastets", False)
    html = answer_cards(_answer(cite, notes=("Kilde 1 er et utkast.",)), 1, INDEX)
    assert "Utkast" in html and "Kilde 1 er et utkast." in html
    assert "ikke bekreftet" in html


def test_the_panel_holds_one_answers_cards_and_says_where_the_others_are() -> None:
    assert "Kildene" in panel_html()
    out = panel_html("<p>B</p>", 2, note="De 3 eldste spørsmålene er fjernet")
    assert "Kilder for svar 2" in out and "<p>B</p>" in out and "eldste" in out
    assert "klikker på en kildemarkør" in out
    assert "klikker" not in panel_html("<p>A</p>", 1)


def test_markdown_in_a_source_is_shown_as_text() -> None:
    """A document's own Markdown (a link, emphasis, code, an autolink, LaTeX) must not become a
    live link or formatting in the bubble; the composer's own bold label and markers stay."""
    import re

    text = (
        "Se [skjemaet](http://evil.example/x) og **straks** _varsle_ `kode` "
        "http://evil.example/y, post@evil.example og $$x$$."
    )
    passage = _p("rs:7.1.3:9", "7.1.3", text)
    cite = Citation(1, passage, DOC, text, True)
    answer = Answer(
        "q",
        "alle",
        f"**Helsepersonell**: {text} [1] «[lenke](http://evil.example/z)»",
        (cite,),
        False,
    )
    out = answer_markdown(answer, 1)
    assert "**Helsepersonell**" in out and "(#kilde-1-1)" in out
    assert "](http" not in out and "**straks**" not in out and "_varsle_" not in out
    assert "`" not in out and "http://" not in out and "$$" not in out and "@evil" not in out
    assert not re.search(r"\[[^\]\d]*\]\(", out)  # no Markdown link of any kind but markers
    # The entities still read as the source's own characters.
    import html as html_module

    assert "[skjemaet](http://evil.example/x)" in html_module.unescape(out)


def test_document_rows_count_passages() -> None:
    rows = document_rows(INDEX)
    assert rows[0] == ["Rundskriv <om> samarbeid", "rundskriv", "Gjeldende", "", 3]
    assert rows[1][2:] == ["Utkast", "2023-03-02", 1]


def test_reader_lists_sections_and_shows_one() -> None:
    choices = section_choices(INDEX, "rs")
    assert [key for _, key in choices] == ["rs:7.1.3:1", "rs:7.1.4:1"]
    out = reader_html(INDEX, "rs:7.1.3:1")
    assert "minimum en gang per døgn" in out and "&lt;b&gt;" in out and "Et annet punkt" not in out


def test_section_title_does_not_repeat_the_number() -> None:
    numbered = Passage("rs:5.2.2:1", "rs", "5.2.2", "5.2.2 Kommunens ansvar", (), None,
                       "paragraph", "x", 0, 1)  # fmt: skip
    cite = Citation(1, numbered, DOC, "x", True)
    out = answer_cards(_answer(cite), 1, _Index({"rs": DOC}, (numbered,)))
    assert "5.2.2 Kommunens ansvar" in out and "5.2.2 5.2.2" not in out
    assert section_choices(_Index({"rs": DOC}, (numbered,)), "rs")[0][0] == "5.2.2 Kommunens ansvar"


def test_further_is_folded_under_the_answer_and_its_cards_in_the_panel() -> None:
    main = Citation(1, P1, DOC, "minimum en gang per døgn", True)
    more = Citation(2, P4, DRAFT, "Utkastets tekst.", True)
    answer = Answer("q", "alle", "- svar [1]", (main,), False, further=(more,), topics=("tilsyn",))
    bubble = answer_markdown(answer, 1)
    assert bubble.index("svar") < bubble.index("Mer i kildene (1)")
    assert '<details class="further">' in bubble and "#kilde-1-2" in bubble
    assert "*Tema: tilsyn*" in bubble
    cards = answer_cards(answer, 1, INDEX)
    folded = cards[cards.index('<details class="further-cards">') :]
    assert 'id="kilde-1-2"' in folded and 'id="kilde-1-1"' not in folded


def test_an_answer_that_is_not_direct_says_so_first() -> None:
    answer = Answer("q", "alle", "- nærmeste [1]", (), False, direct=False)
    assert answer_markdown(answer, 1).startswith("**Kildene svarer ikke direkte på dette.**")


def test_cards_show_the_short_title_and_unlisted_documents_as_unknown() -> None:
    doc = replace(DOC, short_title="Rundskrivet")
    card = citation_card(Citation(1, P1, doc, "minimum en gang per døgn", True), 1, INDEX)
    assert '<span class="card-title" title="Rundskriv &lt;om&gt; samarbeid">Rundskrivet<' in card
    assert "Rundskriv &lt;om&gt; samarbeid</div>" in card  # the full title in «Vis i dokumentet»
    unknown = citation_card(Citation(1, P1, DOC, "minimum", True), 1, INDEX, unlisted={"rs"})
    assert "badge-ukjent" in unknown and "Gjeldende" not in unknown
    rows = document_rows(INDEX, unlisted={"rs"})
    assert rows[0][2].startswith("Ukjent")
