"""Export an Answer as Markdown or as a Word document (.docx), with its sources as endnotes.

The answer text keeps its [n] markers; a closing «Kilder» section lists each citation with its
formal reference (assistant.legal.cite: the full form the first time a document is cited, the short
form «Rundskrivet punkt 7.1.3, 2. avsnitt» after that), the source's status and date beside it,
a warning when the source is not binding, and the quoted passage. python-docx has no endnote API, so in .docx the endnotes are that
closing section, with the markers set in superscript.

It deliberately does not re-verify quotes (the answer's citations already are) or render any
Markdown beyond what answers contain: headings, bold, bullet and numbered lists.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph

from assistant.legal.cite import NOT_BINDING, formal_reference, references, status_label
from assistant.legal.verify import CorpusView
from assistant.records import ROLE_LABELS, Answer, Citation

_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|\[\d+\])")


def source_entry(
    citation: Citation, index: CorpusView, reference: str | None = None
) -> tuple[str, str | None]:
    """(reference with passage id, warning for a non-binding source or None); the full formal
    reference unless `reference` (e.g. the short form) is given."""
    reference = reference or formal_reference(citation.document, citation.passage, index)
    return f"{reference}. Avsnitt-id: {citation.passage.id}", NOT_BINDING.get(
        citation.document.status
    )


def source_entries(answer: Answer, index: CorpusView) -> list[tuple[str, str | None]]:
    """`source_entry` for each citation: full reference first per document, short form after."""
    refs = references(((c.document, c.passage) for c in answer.citations), index)
    return [source_entry(c, index, ref) for c, ref in zip(answer.citations, refs, strict=True)]


def answer_to_markdown(answer: Answer, index: CorpusView) -> str:
    """The answer as a Markdown document with «Kilder» (reference, status, quote) at the end."""
    role = ROLE_LABELS.get(answer.role, answer.role)
    lines = [f"# {answer.question}", "", f"*Rolle: {role}*", "", answer.text.strip(), ""]
    notes = [n for n in answer.notes if n not in answer.text]
    if notes:
        lines += ["## Merknader", "", *(f"- {n}" for n in notes), ""]
    if answer.citations:
        lines += ["## Kilder", ""]
    for c, (reference, warning) in zip(
        answer.citations, source_entries(answer, index), strict=True
    ):
        lines.append(f"**[{c.n}]** {reference}")
        lines.append(f"Status: {status_label(c.document)}" + (f". {warning}" if warning else ""))
        lines += ["", *(f"> {line}" if line else ">" for line in c.quote.splitlines()), ""]
    return "\n".join(lines).rstrip() + "\n"


def _add_inline(paragraph: Paragraph, text: str) -> None:
    """Bold for **…**, italic for *…*, superscript for [n] markers, plain otherwise."""
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        elif _INLINE.fullmatch(part):
            paragraph.add_run(part).font.superscript = True
        else:
            paragraph.add_run(part)


def _add_markdown(doc: DocxDocument, text: str) -> None:
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = re.match(r"(#{1,3})\s+(.*)", line)
        bullet = re.match(r"[-*•]\s+(.*)", line)
        numbered = re.match(r"\d+[.)]\s+(.*)", line)
        if heading:
            doc.add_heading(heading.group(2), level=len(heading.group(1)) + 1)
        elif bullet:
            _add_inline(doc.add_paragraph(style="List Bullet"), bullet.group(1))
        elif numbered:
            _add_inline(doc.add_paragraph(style="List Number"), numbered.group(1))
        else:
            _add_inline(doc.add_paragraph(), line)


def answer_to_docx(answer: Answer, index: CorpusView, path: Path) -> Path:
    """Write the answer to `path` as .docx: question, role, answer, notes, then «Kilder»."""
    doc = new_docx()
    doc.core_properties.title = answer.question
    doc.core_properties.subject = "Kildebundet svar (hjemmel)"
    doc.add_heading(answer.question, level=1)
    doc.add_paragraph().add_run(f"Rolle: {ROLE_LABELS.get(answer.role, answer.role)}").italic = True
    _add_markdown(doc, answer.text)
    notes = [n for n in answer.notes if n not in answer.text]
    if notes:
        doc.add_heading("Merknader", level=2)
        for note in notes:
            doc.add_paragraph(note, style="List Bullet")
    if answer.citations:
        doc.add_heading("Kilder", level=2)
    for c, (reference, warning) in zip(
        answer.citations, source_entries(answer, index), strict=True
    ):
        entry = doc.add_paragraph()
        entry.add_run(f"[{c.n}] ").bold = True
        entry.add_run(reference)
        status = doc.add_paragraph(f"Status: {status_label(c.document)}")
        if warning:
            status.add_run(f". {warning}").bold = True
        doc.add_paragraph(c.quote, style="Quote")
    path = Path(path)
    doc.save(str(path))
    return path
