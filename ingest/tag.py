"""Tag passages with the roles they concern and the legal provisions they cite.

Roles come from the section structure first: the innermost heading that names a service decides
(«5.1.1 Kriminalomsorgens ansvar» -> kriminalomsorgen; «6.2 Helse- og omsorgstjenesten» -> both
health services; «Samarbeid mellom tjenestene» -> all three). Only when no heading names a service
do we read the text, and then only the grammatical actor of a duty («kriminalomsorgen skal»,
«skal helsetjenesten», «lege bør» …). Footnotes take the roles of the passages that cite them.
Consultation drafts and responses about municipal services fall back to `kommunehelse`.

Legal concepts (taushetsplikt, utelukkelse, …) come from the controlled vocabulary in
`analysis.concepts`, matched on the passage text, its lead-in and its heading.

Sentence frames (who must do what, for whom, when, on which basis) come from `analysis.frames`,
read with a list item's lead-in and the section's role as actor of a passive sentence.

Legal references come from `analysis.legalrefs`; a bare «§ 12» is attributed to the law named last in
the same passage or, failing that, in the preceding passages of the same section.

Deliberately not here: splitting, headings or page numbers (`ingest.structure`), and any rule about
particular documents or questions.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analysis.concepts import tag_passage
from analysis.frames import parse_frames, structural_actor
from analysis.legalrefs import extract_refs, last_law_named
from ingest.records import SERVICE_ROLES, Document, Passage

KRIM, KOMMUNE, SPES = "kriminalomsorgen", "kommunehelse", "spesialisthelse"
HEALTH = (KOMMUNE, SPES)
ALL_SERVICES: tuple[str, ...] = SERVICE_ROLES

_HEADING_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")
_COOPERATION = re.compile(r"samarbeid\w*\s+mellom\s+(?:tjenestene|etatene|sektorene)")
_H_KRIM = re.compile(r"kriminalomsorg")
_H_SPES = re.compile(r"spesialisthelsetjenest|helseforetak")
_H_KOMMUNE = re.compile(r"kommun\w*\s+(?:\w+\s+)?(?:helse|omsorg)|kommunens\s+ansvar")
# Definite singular: «helse- og omsorgstjenesten(s)» names the service; plural «tjenester» is generic.
_H_HEALTH = re.compile(
    r"(?<![a-zæøå])(?:helse-\s+og\s+omsorgstjenesten\b|helse-\s+og\s+omsorgstjenestens|helsetjenesten)"
)

_ACTORS: tuple[tuple[tuple[str, ...], str], ...] = (
    ((KRIM,), r"kriminalomsorgen|fengselet|fengslet|fengselsbetjent\w*|betjent\w*|anstalten"),
    ((KOMMUNE,), r"kommunen|(?:den\s+)?kommunale\s+helse-\s+og\s+omsorgstjenesten"),
    ((KOMMUNE,), r"fengselshelsetjenesten|helsetjenesten\s+i\s+fengsel\w*"),
    ((SPES,), r"spesialisthelsetjenesten|(?:de\s+regionale\s+)?helseforetak\w*"),
    (HEALTH, r"helse-\s+og\s+omsorgstjenesten|helsetjenesten|helsepersonell\w*|legen?"),
)
_MODAL = r"(?:skal|bør|må|plikter|kan|har\s+(?:plikt|ansvar)\w*|sørger)"


def _compile_actor(pattern: str) -> re.Pattern[str]:
    # Actor before the modal («kriminalomsorgen skal», «lege i fengselet bør») or inverted word
    # order after it («Ved innsettelse skal kriminalomsorgen …»).
    return re.compile(
        rf"(?<![\wæøå-])(?:{pattern})\s+(?:[\wæøå]+\s+){{0,3}}?{_MODAL}\b"
        rf"|\b{_MODAL}\s+(?:{pattern})(?![\wæøå])",
        re.IGNORECASE,
    )


_ACTOR_RES = tuple((roles, _compile_actor(p)) for roles, p in _ACTORS)
_MUNICIPAL_DOC = re.compile(r"kommunal\w*\s+helse|kommunens\s+ansvar", re.IGNORECASE)
_DRAFT_TYPES = frozenset({"høringsutkast", "høringsinnspill"})


def heading_roles(heading: str) -> tuple[str, ...]:
    """Roles a single heading names (empty when it names no service)."""
    h = " ".join(_HEADING_NUMBER.sub("", heading).lower().split())
    if _COOPERATION.search(h):
        return ALL_SERVICES
    found: set[str] = set()
    if _H_KRIM.search(h):
        found.add(KRIM)
    if _H_SPES.search(h):
        found.add(SPES)
    if _H_KOMMUNE.search(h):
        found.add(KOMMUNE)
    elif _H_HEALTH.search(h):
        found.update(HEALTH)
    return _ordered(found)


def text_roles(text: str) -> tuple[str, ...]:
    """Roles of the actors that carry a duty in `text` («X skal/bør/må …»)."""
    found: set[str] = set()
    for roles, pattern in _ACTOR_RES:
        if pattern.search(text):
            found.update(roles)
    return _ordered(found)


def _ordered(roles: set[str]) -> tuple[str, ...]:
    return tuple(r for r in ALL_SERVICES if r in roles)


def _structural_roles(doc: Document, passage: Passage) -> tuple[str, ...]:
    headings = list(passage.heading_path)
    if passage.heading and passage.heading not in headings:
        headings.append(passage.heading)
    title = " ".join(doc.title.lower().split())
    for heading in reversed(headings):
        if " ".join(heading.lower().split()) == title:
            continue  # the document title names the services it links, not a section's actor
        roles = heading_roles(heading)
        if roles:
            return roles
    return ()


def _roles(doc: Document, passage: Passage) -> tuple[str, ...]:
    roles = _structural_roles(doc, passage) or text_roles(passage.text)
    if not roles and doc.type in _DRAFT_TYPES:
        described = " ".join([doc.title, *passage.heading_path])
        if _MUNICIPAL_DOC.search(described):
            roles = (KOMMUNE,)
    return roles


def _footnote_roles(passages: list[Passage]) -> list[Passage]:
    """Give each footnote the union of the roles of the passages that cite it."""
    by_id = {p.id: p for p in passages}
    citing: dict[str, set[str]] = {}
    for p in passages:
        for note in p.footnotes:
            citing.setdefault(note, set()).add(p.id)
    out: list[Passage] = []
    for p in passages:
        if p.kind != "footnote":
            out.append(p)
            continue
        sources = set(p.referenced_from) | citing.get(p.id, set())
        inherited = {r for s in sources if s in by_id for r in by_id[s].roles}
        out.append(replace(p, roles=_ordered(inherited)) if inherited else p)
    return out


def _with_refs(passages: list[Passage]) -> list[Passage]:
    out: list[Passage] = []
    last_law: dict[tuple[str, str], str] = {}
    for p in passages:
        key = (p.doc_id, p.section)
        default = None if p.kind == "footnote" else last_law.get(key)
        refs = tuple(extract_refs(p.text, default))
        named = last_law_named(p.text)
        if named and p.kind != "footnote":
            last_law[key] = named
        out.append(replace(p, refs=refs))
    return out


def tag(doc: Document, passages: list[Passage]) -> list[Passage]:
    """Copies of `passages` (in document order) with `roles`, `concepts`, `refs` and `frames` set."""
    with_roles = [
        replace(
            p,
            roles=_roles(doc, p),
            concepts=tag_passage(p.text, p.context, " ".join(p.heading_path) or p.heading),
        )
        for p in passages
    ]
    return [
        replace(p, frames=parse_frames(p.text, p.kind, p.context, structural_actor(p.roles)))
        for p in _with_refs(_footnote_roles(with_roles))
    ]
