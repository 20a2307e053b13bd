"""Source text stays text in the chat bubble: no Markdown link, emphasis or code from a document.

Contract (used by `ui.render.answer_markdown` on the HTML-escaped answer text):

    neutral(text) -> str            every character Markdown (and the chat's LaTeX) would act on
                                    written as an HTML entity, so it shows as itself
    one_block(html) -> str          HTML without line breaks (as entities): what `ui.html_box`
                                    shows stays one raw HTML block, never read as Markdown
    as_text(markdown, answer) -> str
        the spans an answer takes from its sources — each cited quote and list lead-in, the
        documents' titles and sections, and whatever stands in «…» — made `neutral`; outside
        them, brackets that are not [n] markers, «://», «www.» and «@» too (the composer never
        writes a link, so any there came from a document)

The composer's own Markdown (bold labels, italic lead-ins, bullets) is kept: it wraps the
source spans, it is never inside them. It deliberately does not escape HTML (the caller did).
"""

from __future__ import annotations

import html
import re
from typing import Any

_ENTITIES = {c: f"&#{ord(c)};" for c in "*_~`[]\\|$@:!()#+-{}"}
_MARKER = re.compile(r"(\[\d+(?:\s*,\s*\d+)*\])")
_QUOTED = re.compile(r"«[^«»\n]*»")
_LINKISH = re.compile(r"[\[\]@]|://|www\.", re.IGNORECASE)


def one_block(html_text: str) -> str:
    return html_text.replace("\r", "").replace("\n", "&#10;")


def neutral(text: str) -> str:
    return "".join(_ENTITIES.get(c, c) for c in text).replace("www.", "www&#46;")


def _spans(answer: Any) -> list[str]:
    """The HTML-escaped source strings an answer's text may hold, longest first."""
    found: set[str] = set()
    for c in (*answer.citations, *answer.further):
        for raw in (c.quote, c.passage.context, c.passage.heading, c.document.title):
            found.add(" ".join(str(raw or "").split()))
        found.add(str(getattr(c.document, "short_title", "") or ""))
    return sorted(
        (html.escape(s, quote=False) for s in found if len(s) >= 3), key=len, reverse=True
    )


def _outside(text: str) -> str:
    """Outside the source spans: only links and markers matter (see the module docstring)."""
    parts = _MARKER.split(text)
    for i in range(0, len(parts), 2):  # even parts are not markers
        parts[i] = _LINKISH.sub(lambda m: neutral(m.group(0)), parts[i])
    return "".join(parts)


def as_text(markdown: str, answer: Any) -> str:
    text = _QUOTED.sub(lambda m: neutral(m.group(0)), markdown)
    for span in _spans(answer):
        if span in text:
            text = text.replace(span, neutral(span))
    return _outside(text)
