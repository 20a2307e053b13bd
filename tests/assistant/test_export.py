"""Export of answers to Markdown and .docx: text with markers, then «Kilder» as endnotes."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as read_docx

from assistant.export import answer_to_docx, answer_to_markdown
from assistant.legal.cite import formal_reference, issuer_short, references
from assistant.records import Answer, Citation
from tests.assistant.legal.test_verify import make_doc, make_index

DOC = make_doc(status="innspill", date="2023-05-29")
INDEX = make_index(
    [("5.1", "Ansvar", [("paragraph", "Kriminalomsorgen skal varsle lege straks.", ())])], doc=DOC
)
PASSAGE = INDEX.passages[0]
ANSWER = Answer(
    question="Må jeg varsle lege?",
    role="kriminalomsorgen",
    text="**Ditt ansvar**\n- *Ved utelukkelse skal du:* … varsle lege straks [1].",
    citations=(Citation(1, PASSAGE, DOC, "varsle lege straks", True),),
    refused=False,
    notes=("Kilden er et høringsinnspill.",),
)


def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in read_docx(str(path)).paragraphs)


def test_markdown_has_answer_sources_status_and_quote() -> None:
    md = answer_to_markdown(ANSWER, INDEX)
    assert md.startswith("# Må jeg varsle lege?")
    assert "[1]." in md and "## Kilder" in md
    assert formal_reference(DOC, PASSAGE, INDEX) in md
    assert "> varsle lege straks" in md
    assert "høringsinnspill (en mening), ikke en regel" in md
    assert "Status: innspill, 29.05.2023" in md


def test_docx_reads_back_with_citations(tmp_path: Path) -> None:
    path = answer_to_docx(ANSWER, INDEX, tmp_path / "svar.docx")
    doc = read_docx(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert "Kilder" in texts
    assert any(t.startswith("[1] ") and formal_reference(DOC, PASSAGE, INDEX) in t for t in texts)
    assert "varsle lege straks" in texts
    bullet = next(
        p for p in doc.paragraphs if p.style is not None and p.style.name == "List Bullet"
    )
    assert bullet.text == "Ved utelukkelse skal du: … varsle lege straks [1]."
    assert bullet.runs[0].italic and bullet.runs[0].text == "Ved utelukkelse skal du:"
    assert any(r.font.superscript and r.text == "[1]" for r in bullet.runs)
    assert doc.core_properties.title == ANSWER.question


def test_second_citation_of_a_document_gets_the_short_form() -> None:
    second = Citation(2, PASSAGE, DOC, "straks", True)
    answer = Answer(ANSWER.question, ANSWER.role, ANSWER.text + " [2]", (*ANSWER.citations, second),
                    False)  # fmt: skip
    md = answer_to_markdown(answer, INDEX)
    assert f"**[1]** {formal_reference(DOC, PASSAGE, INDEX)}" in md
    assert "**[2]** Rundskrivet punkt 5.1, 1. avsnitt, s. 3. Avsnitt-id: rundskriv:5.1:1" in md


def test_refused_answer_has_no_sources(tmp_path: Path) -> None:
    refused = Answer("Hva koster en pizza?", "alle", "Jeg finner ikke dette i kildene.", (), True)
    assert "Kilder" not in answer_to_markdown(refused, INDEX)
    assert "Kilder" not in _docx_text(answer_to_docx(refused, INDEX, tmp_path / "r.docx"))


@pytest.mark.slow
def test_real_answer_exports_to_docx(real_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assistant = real_assistant
    answer = assistant.ask("Må kriminalomsorgen varsle helsetjenesten når en innsatt utelukkes?")
    assert answer.citations
    text = _docx_text(answer_to_docx(answer, assistant.index, tmp_path / "svar.docx"))
    refs = references(((c.document, c.passage) for c in answer.citations), assistant.index)
    first = {}
    for c, ref in zip(answer.citations, refs, strict=True):
        assert f"[{c.n}] {ref}. Avsnitt-id: {c.passage.id}" in text
        assert c.quote in text
        first.setdefault(c.document.id, ref)
    # The full form once per document, then the short form («Rundskrivet punkt …»).
    for doc_id, ref in first.items():
        doc = assistant.index.documents[doc_id]
        assert ref.startswith(f"{issuer_short(doc.issuer)}, ")
        assert text.count(f"«{doc.title}»") == 1
    md = answer_to_markdown(answer, assistant.index)
    assert all(f"**[{c.n}]**" in md for c in answer.citations)
