"""Composition logic on hand-made passages: verbatim quotes, role groups, source labels."""

from __future__ import annotations

from assistant.compose import compose, score_units, select_units
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
