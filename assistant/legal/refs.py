"""The provision index: every legal provision the corpus refers to, with the places citing it.

Built from the references extracted at ingest (`Passage.refs`, see analysis/legalrefs.py), grouped at
the level of the § with the finer points (ledd, nr., bokstav) kept per passage, and the citing
passages gathered into places a reader can find: one per document section («Rundskriv om samarbeid
KO–helse, punkt 7.1.2»), named with the document's short title and the section as a formal
reference names it (assistant.legal.cite). The user's `law` and `provision` filters are parsed with
analysis.legalrefs («hpl.», «stgjl.», «§ 13b» = «§ 13 b», «hpl. § 21», «kap. 7»).

It deliberately does not re-read the texts for references (ingest did that once) and never fetches
the lovdata.no links it gives: they are for the user to open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from analysis.legalrefs import (
    LAW_ALIASES,
    canonical_law,
    extract_refs,
    in_law,
    lovdata_url,
    parse_provision,
)
from assistant.legal.cite import place, section_place
from assistant.legal.verify import CorpusView
from ingest.records import LegalRef, Passage


class RefQueryError(ValueError):
    """A --law or --provision argument that cannot be understood; the message is Norwegian."""


@dataclass(frozen=True)
class Place:
    """One place citing a provision: a document section, with what it cites there."""

    doc_id: str
    document: str  # the document's short title
    status: str
    where: str  # «punkt 7.1.2», «merknad til side 27 i høringsutkastet», «23. avsnitt, …», ""
    details: tuple[str, ...]  # «tredje ledd», «første ledd nr. 7»; () for the whole §
    passages: tuple[str, ...]

    @property
    def label(self) -> str:
        """«Rundskriv om samarbeid KO–helse, punkt 7.1.2 (tredje ledd; fjerde ledd)»."""
        text = f"{self.document}, {self.where}" if self.where else self.document
        return f"{text} ({'; '.join(self.details)})" if self.details else text

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "document": self.document, "status": self.status,
                "where": self.where, "details": list(self.details),
                "passages": list(self.passages)}  # fmt: skip


@dataclass(frozen=True)
class ProvisionEntry:
    law: str
    provision: str
    passages: tuple[str, ...]
    details: tuple[dict[str, Any], ...]  # {"passage", "ledd", "nr", "bokstav"}
    url: str | None
    places: tuple[Place, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.law} {self.provision}"

    def to_json(self) -> dict[str, Any]:
        return {
            "law": self.law,
            "provision": self.provision,
            "passages": list(self.passages),
            "details": [dict(d) for d in self.details],
            "url": self.url,
            "places": [p.to_json() for p in self.places],
        }


def resolve_law(name: str, known: set[str]) -> str:
    """Canonical law name for «hpl.», «helsepersonelloven», «Helsepersonelloven» or a prefix."""
    law = canonical_law(name)
    if law in known or law in LAW_ALIASES.values():
        return law
    prefix = [k for k in sorted(known) if k.startswith(law)]
    if len(prefix) == 1:
        return prefix[0]
    raise RefQueryError(f"Ukjent lov «{name}».")


def parse_query(
    law: str | None, provision: str | None, known: set[str]
) -> tuple[str | None, str | None]:
    """(law, provision) filters; a provision written with its law («hpl. § 21») sets both."""
    law_key = resolve_law(law, known) if law else None
    if not provision:
        return law_key, None
    refs = extract_refs(provision)
    if refs:
        if law_key is not None and refs[0].law != law_key:
            raise RefQueryError(f"«{provision}» viser til {refs[0].law}, ikke {law_key}.")
        return refs[0].law, refs[0].provision
    key = parse_provision(provision)
    if key is None:
        raise RefQueryError(
            f"Forstår ikke bestemmelsen «{provision}». Skriv f.eks. «§ 21», «§ 3-16» eller «kap. 7»."
        )
    return law_key, (in_law(law_key, key) if law_key else key)


def provision_sort_key(provision: str) -> tuple[Any, ...]:
    """Chapters first, then «§ 3-9» before «§ 3-16», «§ 13» before «§ 13 b»: numbers compared as
    numbers (never a number with a letter, which would fail)."""
    tokens = re.findall(r"\d+|[a-zæøå]+", provision.removeprefix("kapittel"))
    keyed = tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in tokens)
    return (0 if provision.startswith("kapittel") else 1, keyed)


def provision_index(
    index: CorpusView,
    law: str | None = None,
    provision: str | None = None,
    doc_id: str | None = None,
) -> list[ProvisionEntry]:
    """Every provision referred to (optionally one law / one §, one document), law by law."""
    known = {r.law for p in index.passages for r in p.refs}
    law_key, prov_key = parse_query(law, provision, known)
    groups: dict[tuple[str, str], tuple[list[str], list[dict[str, Any]]]] = {}
    for p in index.passages:
        if doc_id is not None and p.doc_id != doc_id:
            continue
        for ref in p.refs:
            if (law_key and ref.law != law_key) or (prov_key and ref.provision != prov_key):
                continue
            ids, details = groups.setdefault((ref.law, ref.provision), ([], []))
            if p.id not in ids:
                ids.append(p.id)
            detail = {"passage": p.id, "ledd": ref.ledd, "nr": ref.nr, "bokstav": ref.bokstav}
            if detail not in details:
                details.append(detail)
    return [
        ProvisionEntry(
            law_,
            prov,
            tuple(ids),
            tuple(details),
            lovdata_url(LegalRef(law_, prov)),
            places(index, details),
        )
        for (law_, prov), (ids, details) in sorted(
            groups.items(), key=lambda item: (item[0][0], provision_sort_key(item[0][1]))
        )
    ]


def _place_key(index: CorpusView, passage: Passage) -> tuple[str, str]:
    """(document, where): a section for documents with sections of their own, else the avsnitt."""
    document = index.documents[passage.doc_id]
    return passage.doc_id, section_place(document, passage) or place(document, passage, index)


def places(index: CorpusView, details: list[dict[str, Any]]) -> tuple[Place, ...]:
    """The citing passages gathered by document section, in corpus order, each place once."""
    grouped: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for detail in details:
        passage = index.by_id[detail["passage"]]
        ids, finer = grouped.setdefault(_place_key(index, passage), ([], []))
        if passage.id not in ids:
            ids.append(passage.id)
        label = detail_label(detail)
        if label and label not in finer:
            finer.append(label)
    out = []
    for (doc_id, where), (ids, finer) in grouped.items():
        document = index.documents[doc_id]
        out.append(Place(doc_id, document.display_title, document.status, where,
                         tuple(finer), tuple(ids)))  # fmt: skip
    return tuple(out)


def detail_label(detail: dict[str, Any]) -> str:
    """«første ledd nr. 7», «bokstav h» or "" for a reference to the whole §."""
    parts = []
    if detail.get("ledd"):
        parts.append(f"{detail['ledd']} ledd")
    if detail.get("nr"):
        parts.append(f"nr. {detail['nr']}")
    if detail.get("bokstav"):
        parts.append(f"bokstav {detail['bokstav']}")
    return " ".join(parts)
