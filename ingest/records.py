"""Typed records of the ingest stages: Document, LegalRef, Passage, CleanText.

One record per stage, carried through (DESIGN.md «Records»). These are plain frozen dataclasses with
JSON round-tripping; they hold no behaviour beyond (de)serialisation and small derived labels.
They deliberately know nothing about files, indexes or models.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, get_args

from analysis.records import Frame, LegalRef

__all__ = ["CleanText", "Document", "Frame", "LegalRef", "Passage"]

DocType = Literal[
    "rundskriv", "veileder", "høringsutkast", "høringsinnspill", "rapport", "nettside",
    "lokal instruks", "annet",
]  # fmt: skip
# «ukjent»: a file without a manifest entry; «lokal»: a local instruction or routine (uploaded, or
# of type «lokal instruks»), in force here at most. Neither is ever presented as the national rule.
Status = Literal["gjeldende", "utkast", "innspill", "informasjon", "historisk", "ukjent", "lokal"]
Role = Literal["kriminalomsorgen", "kommunehelse", "spesialisthelse"]
PassageKind = Literal["paragraph", "list_item", "footnote", "heading", "comment", "table_row"]

DOC_TYPES: tuple[str, ...] = get_args(DocType)
STATUSES: tuple[str, ...] = get_args(Status)
SERVICE_ROLES: tuple[str, ...] = get_args(Role)
UNKNOWN_STATUS = "ukjent"
LOCAL_STATUS = "lokal"
LOCAL_TYPES: tuple[str, ...] = ("lokal instruks", "annet")

# Norwegian labels shown to users for a source's authority.
STATUS_LABELS: dict[str, str] = {
    "gjeldende": "Gjeldende",
    "utkast": "Utkast",
    "innspill": "Innspill",
    "informasjon": "Informasjon",
    "historisk": "Historisk",
    "ukjent": "Ukjent status",
    "lokal": "Lokal",
}


@dataclass(frozen=True)
class Document:
    """A source document as described by the manifest (or inferred) plus its file hash."""

    id: str
    title: str
    type: str
    issuer: str
    date: str | None
    status: str
    path: str
    sha256: str
    # Added later, so an index written before them still loads: the document's own number
    # («G-2006-8», "" when the text gives none) and a short title for cards and listings.
    number: str = ""
    short_title: str = ""
    # A document uploaded through the page: who uploaded it and when («2026-12-02 14:05»).
    uploaded_by: str = ""
    uploaded_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_local(self) -> bool:
        """Uploaded here, a local instruction or marked «lokal»: never the national rule."""
        return bool(self.uploaded_by) or self.type == "lokal instruks" or self.status == "lokal"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def display_title(self) -> str:
        """The short title where the manifest gives one, else the full title."""
        return self.short_title or self.title


@dataclass(frozen=True)
class Passage:
    """A citable unit: a paragraph, list item, footnote or comment, with its exact cleaned text.

    `text == cleaned_document_text[start:end]` always holds. `context` is display-only text that
    helps a reader (a list item's lead-in sentence, the commented draft text): it is never quoted
    as if it were the passage itself.
    """

    id: str
    doc_id: str
    section: str
    heading: str
    heading_path: tuple[str, ...]
    page: int | None
    kind: PassageKind
    text: str
    start: int
    end: int
    roles: tuple[str, ...] = ()
    refs: tuple[LegalRef, ...] = ()
    context: str = ""
    footnotes: tuple[str, ...] = field(default=())
    referenced_from: tuple[str, ...] = field(default=())
    concepts: tuple[str, ...] = ()  # legal concepts it is about (analysis.concepts)
    # One frame per sentence (a list item: one for the item read with its lead-in), in text order.
    frames: tuple[Frame, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["heading_path"] = list(self.heading_path)
        data["roles"] = list(self.roles)
        data["refs"] = [r.to_dict() for r in self.refs]
        data["footnotes"] = list(self.footnotes)
        data["referenced_from"] = list(self.referenced_from)
        data["concepts"] = list(self.concepts)
        data["frames"] = [f.to_dict() for f in self.frames]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        d = dict(data)
        d["heading_path"] = tuple(d.get("heading_path", ()))
        d["roles"] = tuple(d.get("roles", ()))
        d["refs"] = tuple(LegalRef.from_dict(r) for r in d.get("refs", ()))
        d["footnotes"] = tuple(d.get("footnotes", ()))
        d["referenced_from"] = tuple(d.get("referenced_from", ()))
        d["concepts"] = tuple(d.get("concepts", ()))
        d["frames"] = tuple(Frame.from_dict(f) for f in d.get("frames", ()))
        return cls(**d)

    def public_json(self) -> dict[str, Any]:
        """The `hjemmel passages --json` shape."""
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "section": self.section,
            "heading": self.heading,
            "heading_path": list(self.heading_path),
            "page": self.page,
            "kind": self.kind,
            "roles": list(self.roles),
            "concepts": list(self.concepts),
            "refs": [r.label for r in self.refs],
            "text": self.text,
        }


@dataclass(frozen=True)
class CleanText:
    """A loaded and cleaned document: its text plus a map from offsets back to pages.

    `page_starts` lists (offset, page number) pairs in ascending offset order; empty when pages are
    unknown (text dumps). `footnotes` maps a footnote number to its span in `text` where the
    loader pulled footnotes out of the running text into their own block at the end.
    """

    text: str
    page_starts: tuple[tuple[int, int], ...] = ()
    source_kind: str = "text"
    # (number, start, end) of each footnote's text in `text` (its final block), and
    # (offset, number) of each reference marker taken out of the running text.
    footnotes: tuple[tuple[int, int, int], ...] = ()
    footnote_refs: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> int | None:
        page: int | None = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page
