"""Composition logic on hand-made passages: verbatim quotes, role groups, source labels."""

from __future__ import annotations

from assistant.compose import complete_lists, compose, score_units, select_units
from assistant.records import Hit
from ingest.analysis import analyze
from ingest.records import Document, Passage


def _doc(doc_id: str, status: str, doc_type: str) -> Document:
    return Document(
        doc_id, f"Tittel {doc_id}", doc_type, "Helsedirektoratet (Hdir)", None, status, "", ""
    )


DOCS = {
    "rundskriv": _doc("rundskriv", "gjeldende", "rundskriv"),
    "utkast": _doc("utkast", "utkast", "høringsutkast"),
}


def _passage(pid: str, text: str, roles: tuple[str, ...], doc: str = "rundskriv") -> Passage:
    section = pid.split(":")[1]
    return Passage(
        pid,
        doc,
        section,
        "Overskrift",
        ("Overskrift",),
        None,
        "paragraph",
        text,
        0,
        len(text),
        roles,
    )


HITS = [
    Hit(
        _passage(
            "rundskriv:7.1.3:1",
            "Helsepersonell skal tilse innsatte på sikkerhetscelle minimum en gang per døgn. "
            "Dette gjelder også sikkerhetsseng.",
            ("kommunehelse",),
        ),
        1.0,
    ),
    Hit(
        _passage(
            "rundskriv:7.1.2:1",
            "Kriminalomsorgen skal varsle lege uten ugrunnet opphold når innsatte plasseres på sikkerhetscelle.",
            ("kriminalomsorgen",),
        ),
        0.9,
    ),
    Hit(
        _passage(
            "utkast:plan:1",
            "Innsatte på sikkerhetscelle bør få tilsyn.",
            ("kommunehelse",),
            doc="utkast",
        ),
        0.8,
    ),
]


def _answer(role: str) -> tuple[str, tuple, tuple]:  # type: ignore[type-arg]
    focus = analyze("Hvor ofte skal helsepersonell tilse innsatte på sikkerhetscelle?")
    units = score_units(HITS, focus, (), analyze, lambda t: 1.0)
    return compose(select_units(units, "Hvor ofte skal helsepersonell tilse?"), role, DOCS)


def test_quotes_are_exact_slices_and_numbered_in_order() -> None:
    text, citations, _ = _answer("kommunehelse")
    assert citations
    for c in citations:
        assert c.quote in c.passage.text and c.verified
        assert f"[{c.n}]" in text
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    assert text.index("[1]") < text.index(f"[{citations[-1].n}]")


def test_role_decides_ditt_ansvar() -> None:
    text, _, _ = _answer("kommunehelse")
    mine = text.split("**Ditt ansvar**")[1].split("**")[0]
    assert "minimum en gang per døgn" in mine
    text_k, _, _ = _answer("kriminalomsorgen")
    mine_k = text_k.split("**Ditt ansvar**")[1].split("**")[0]
    assert "varsle lege" in mine_k and "minimum en gang per døgn" not in mine_k


def test_draft_is_labelled() -> None:
    focus = analyze("sikkerhetscelle tilsyn")
    units = [u for u in score_units(HITS, focus, (), analyze, lambda t: 1.0) if u.rank == 3]
    text, citations, notes = compose(units, "alle", DOCS)
    assert citations[0].document.status == "utkast"
    assert any("høringsutkast" in n for n in notes)
    assert "**Merk**" in text and "*(Høringsutkast)*" in text


def test_lead_line_names_the_sections() -> None:
    text, _, _ = _answer("kommunehelse")
    assert text.startswith("Ifølge rundskrivet punkt")
    assert "7.1.3" in text.splitlines()[0]


def _item(n: int, text: str, lead: str = "Ved utelukkelse skal kriminalomsorgen:") -> Passage:
    return Passage(
        f"rundskriv:7.1.2:{n}",
        "rundskriv",
        "7.1.2",
        "7.1.2 Kriminalomsorgens ansvar",
        ("7.1.2 Kriminalomsorgens ansvar",),
        None,
        "list_item",
        text,
        n * 100,
        n * 100 + len(text),
        ("kriminalomsorgen",),
        context=lead,
    )


LIST = [
    _item(1, "varsle lege uten ugrunnet opphold"),
    _item(2, "føre tilsyn med innsatte flere ganger daglig"),
    _item(3, "utarbeide en ukeplan"),
]


def _siblings(p: Passage) -> list[Passage]:
    return [q for q in LIST if q.context == p.context]


def test_a_quoted_list_item_brings_its_whole_list_in_document_order() -> None:
    units = score_units([Hit(LIST[1], 1.0)], analyze("tilsyn daglig"), (), analyze, lambda t: 1.0)
    chosen = complete_lists(select_units(units, "Hvor ofte skal vi føre tilsyn?"), _siblings)
    assert chosen[0].passage.id == LIST[1].id  # the best match keeps its place
    assert sorted(u.passage.id for u in chosen) == [p.id for p in LIST]
    text, citations, _ = compose(chosen, "kriminalomsorgen", DOCS)
    assert text.count("*Ved utelukkelse skal kriminalomsorgen:*") == 1
    bullets = [line.strip() for line in text.splitlines() if line.startswith("    - ")]
    assert [b.split(" [")[0] for b in bullets] == ["- " + p.text for p in LIST]
    assert all(c.quote == c.passage.text for c in citations)


def test_long_lists_and_plain_paragraphs_are_left_as_selected() -> None:
    long_list = [_item(n, f"plikt nummer {n}", lead="Kriminalomsorgen skal") for n in range(20)]
    units = score_units([Hit(long_list[0], 1.0)], analyze("plikt"), (), analyze, lambda t: 1.0)
    chosen = select_units(units, "Hvilken plikt?")
    assert complete_lists(chosen, lambda p: long_list) == chosen
    paragraph = score_units(HITS[:1], analyze("sikkerhetscelle"), (), analyze, lambda t: 1.0)
    picked = select_units(paragraph, "sikkerhetscelle?")
    assert complete_lists(picked, _siblings) == picked


def test_lists_with_the_same_lead_in_in_two_sections_stay_apart() -> None:
    from dataclasses import replace

    lead = "Kriminalomsorgen skal"
    first = [_item(n, f"ved innsettelse gjøre {n}", lead=lead) for n in (1, 2)]
    second = [
        replace(
            _item(n, f"ved løslatelse gjøre {n}", lead=lead),
            id=f"rundskriv:5.3.1:{n}",
            section="5.3.1",
        )
        for n in (5, 6)
    ]
    everything = [*first, *second]

    def siblings(p: Passage) -> list[Passage]:
        return [q for q in everything if (q.section, q.context) == (p.section, p.context)]

    hits = [Hit(first[0], 1.0), Hit(second[0], 0.9)]
    units = score_units(hits, analyze("gjøre"), (), analyze, lambda t: 1.0)
    chosen = complete_lists(select_units(units, "Hva skal vi gjøre?"), siblings)
    assert sorted(u.passage.id for u in chosen) == sorted(p.id for p in everything)
    text, _, _ = compose(chosen, "kriminalomsorgen", DOCS)
    assert text.count(f"*{lead}*") == 2  # one lead-in line per list, not one for both
