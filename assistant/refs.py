"""The provision index: every legal provision the corpus refers to, with the passages citing it.

Built from the references extracted at ingest (`Passage.refs`, see ingest/legalrefs.py), grouped at
the level of the § with the finer points (ledd, nr., bokstav) kept per passage. The user's `law` and
`provision` filters are parsed with ingest.legalrefs («hpl.», «§ 13b» = «§ 13 b», «hpl. § 21»).

It deliberately does not re-read the texts for references (ingest did that once) and never fetches
the lovdata.no links it gives: they are for the user to open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.verify import CorpusView
from ingest.legalrefs import LAW_ALIASES, canonical_law, extract_refs, lovdata_url, parse_provision
from ingest.records import LegalRef


class RefQueryError(ValueError):
    """A --law or --provision argument that cannot be understood; the message is Norwegian."""


@dataclass(frozen=True)
class ProvisionEntry:
    law: str
    provision: str
    passages: tuple[str, ...]
    details: tuple[dict[str, Any], ...]  # {"passage", "ledd", "nr", "bokstav"}
    url: str | None

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
        raise RefQueryError(f"Forstår ikke bestemmelsen «{provision}». Skriv f.eks. «§ 21».")
    return law_key, key


def provision_sort_key(provision: str) -> tuple[Any, ...]:
    """«§ 3-16» after «§ 3-9», «§ 13 b» after «§ 13»: numbers compared as numbers."""
    return tuple(int(t) if t.isdigit() else t for t in re.findall(r"\d+|[a-zæøå]+", provision))


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
        ProvisionEntry(law_, prov, tuple(ids), tuple(details), lovdata_url(LegalRef(law_, prov)))
        for (law_, prov), (ids, details) in sorted(
            groups.items(), key=lambda item: (item[0][0], provision_sort_key(item[0][1]))
        )
    ]


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
