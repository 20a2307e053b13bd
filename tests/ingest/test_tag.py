"""Role and legal-reference tagging: structure first, then the actor of a duty, then footnotes."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.records import Document, Passage
from ingest.tag import heading_roles, tag, text_roles

KRIM, KOMMUNE, SPES = "kriminalomsorgen", "kommunehelse", "spesialisthelse"

CIRCULAR = Document(
    id="rundskriv",
    title="Rundskriv om samarbeid mellom kriminalomsorgen og helse- og omsorgstjenesten",
    type="rundskriv",
    issuer="JD og HOD",
    date=None,
    status="gjeldende",
    path="002.txt",
    sha256="0" * 64,
)

# Texts as they stand in the circular (7.1.2 and 7.1.3).
UNDER_18 = (
    "føre tilsyn med innsatte flere ganger daglig. Utgangspunktet er tilsyn én gang i timen på "
    "dagtid, jf. retningslinjer til straffegjennomføringsloven mv. pkt. 37.14. Innsatte under 18 "
    "år skal ha kontinuerlig tilsyn"
)
PER_DOGN = (
    "tilse den innsatte så raskt som mulig etter iverksettelse av tiltaket, og deretter minimum "
    "en gang per døgn, i tråd med veileder"
)
UTELUKKELSE = "7.1 Utelukkelse fra fellesskap og bruk av sikkerhetscelle eller sikkerhetsseng"


def passage(n: int, text: str, section: str, path: tuple[str, ...], **kw: Any) -> Passage:
    return Passage(
        id=f"rundskriv:{section}:{n}",
        doc_id="rundskriv",
        section=section,
        heading=path[-1] if path else "",
        heading_path=path,
        page=None,
        kind=kw.pop("kind", "list_item"),
        text=text,
        start=0,
        end=len(text),
        **kw,
    )


@pytest.mark.parametrize(
    ("heading", "roles"),
    [
        ("5.1.1 Kriminalomsorgens ansvar", (KRIM,)),
        ("4.1 Kriminalomsorgen", (KRIM,)),
        ("6.1 Kriminalomsorgen", (KRIM,)),
        ("5.1.2 Den kommunale helse- og omsorgstjenestens ansvar", (KOMMUNE,)),
        ("4.2 Den kommunale helse- og omsorgstjenesten", (KOMMUNE,)),
        ("4.3 Spesialisthelsetjenesten", (SPES,)),
        ("5.2.3 Spesialisthelsetjenestens ansvar", (SPES,)),
        ("7.1.3 Helse- og omsorgstjenestens ansvar", (KOMMUNE, SPES)),
        ("6.2 Helse- og omsorgstjenesten", (KOMMUNE, SPES)),
        ("5.2.4 Samarbeid mellom tjenestene", (KRIM, KOMMUNE, SPES)),
        ("Kommunens ansvar for helse- og omsorgstjenester til innsatte", (KOMMUNE,)),
        ("7.1.1 Innledning", ()),
        ("5.1 Ved innsettelse i fengsel", ()),
        ("Helse- og omsorgstjenester til særlige sårbare innsatte", ()),
    ],
)
def test_heading_roles(heading: str, roles: tuple[str, ...]) -> None:
    assert heading_roles(heading) == roles


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("Kriminalomsorgen skal varsle helsetjenesten.", (KRIM,)),
        ("Ved innsettelse skal fengselet gjennomføre en samtale.", (KRIM,)),
        ("Spesialisthelsetjenesten bør vurdere henvisningen.", (SPES,)),
        ("Kommunen har ansvar for å sørge for tjenester.", (KOMMUNE,)),
        ("Lege bør tilse den innsatte.", (KOMMUNE, SPES)),
        ("Innsatte har rett til helsehjelp.", ()),
        ("Dette er beskrevet i rundskrivet fra kriminalomsorgen.", ()),
    ],
)
def test_text_roles_follow_the_actor_of_a_duty(text: str, roles: tuple[str, ...]) -> None:
    assert text_roles(text) == roles


def test_innermost_service_heading_wins_over_text() -> None:
    p712 = passage(1, UNDER_18, "7.1.2", (UTELUKKELSE, "7.1.2 Kriminalomsorgens ansvar"))
    p713 = passage(1, PER_DOGN, "7.1.3", (UTELUKKELSE, "7.1.3 Helse- og omsorgstjenestens ansvar"))
    tagged = tag(CIRCULAR, [p712, p713])
    assert KRIM in tagged[0].roles and KOMMUNE not in tagged[0].roles
    assert KOMMUNE in tagged[1].roles and KRIM not in tagged[1].roles


def test_text_decides_when_no_heading_names_a_service() -> None:
    text = "Helsetjenesten skal tilse innsatte som er utelukket fra fellesskapet."
    (tagged,) = tag(CIRCULAR, [passage(1, text, "7.1.1", (UTELUKKELSE, "7.1.1 Innledning"))])
    assert set(tagged.roles) == {KOMMUNE, SPES}


def test_concepts_come_from_every_heading_above_the_passage() -> None:
    """5.3.1's items never say «løslatelse»; the section above them («Ved løslatelse …») does."""
    path = ("5.3 Ved løslatelse/overføring ut av fengsel", "5.3.1 Kriminalomsorgens ansvar")
    text = "så tidlig som mulig etablere samarbeid med helse- og omsorgstjenesten"
    (tagged,) = tag(CIRCULAR, [passage(1, text, "5.3.1", path)])
    assert "loslatelse" in tagged.concepts
    (bare,) = tag(CIRCULAR, [passage(1, text, "5.2.1", ("5.2.1 Kriminalomsorgens ansvar",))])
    assert "loslatelse" not in bare.concepts


def test_document_title_as_heading_does_not_assign_roles() -> None:
    text = "Rundskrivet gjelder for alle fengsler."
    (tagged,) = tag(CIRCULAR, [passage(1, text, "1", (CIRCULAR.title, "1. VIRKEOMRÅDE"))])
    assert tagged.roles == ()


def test_footnote_takes_roles_of_citing_passage() -> None:
    cites = passage(
        1, "Kriminalomsorgen skal varsle.", "5.2.1", ("5.2.1 Kriminalomsorgens ansvar",)
    )
    note = passage(
        1,
        "Helsedirektoratet (2017). Selvskading og selvmord.",
        "fotnoter",
        ("8.4 Samarbeidsavtaler",),
        kind="footnote",
        referenced_from=(cites.id,),
    )
    tagged = tag(CIRCULAR, [cites, note])
    assert tagged[1].roles == (KRIM,)


def test_drafts_about_municipal_services_default_to_kommunehelse() -> None:
    draft = Document(
        id="utkast",
        title="Kommunale helse- og omsorgstjenester til innsatte i fengsel (høringsutkast)",
        type="høringsutkast",
        issuer="Helsedirektoratet",
        date=None,
        status="utkast",
        path="003.txt",
        sha256="0" * 64,
    )
    text = "Innsatte bør få tid til å tenke på om det er ønskelig med individuell plan."
    (tagged,) = tag(draft, [passage(1, text, "", ())])
    assert tagged.roles == (KOMMUNE,)
    (tagged,) = tag(CIRCULAR, [passage(1, text, "", ())])
    assert tagged.roles == ()


def test_bare_section_takes_law_from_earlier_passage_in_section() -> None:
    path = ("5.2 Under straffegjennomføringen", "5.2.1 Kriminalomsorgens ansvar")
    first = passage(
        1, "samarbeide om prøveløslatelse, jf. straffegjennomføringsloven § 42", "5.2.1", path
    )
    second = passage(2, "samarbeide om overføring til institusjon, jf. § 12", "5.2.1", path)
    other = passage(
        1, "jf. § 12", "5.2.2", ("5.2.2 Den kommunale helse- og omsorgstjenestens ansvar",)
    )
    tagged = tag(CIRCULAR, [first, second, other])
    assert [r.key for r in tagged[0].refs] == ["straffegjennomføringsloven § 42"]
    assert [r.key for r in tagged[1].refs] == ["straffegjennomføringsloven § 12"]
    assert tagged[2].refs == ()  # another section: no law in view, no guess


def test_tag_returns_copies() -> None:
    original = passage(1, "Kriminalomsorgen skal, jf. hpl. § 21.", "6.1", ("6.1 Kriminalomsorgen",))
    (tagged,) = tag(CIRCULAR, [original])
    assert original.roles == () and original.refs == ()
    assert tagged.roles == (KRIM,) and tagged.refs[0].key == "helsepersonelloven § 21"


def _real_passages(corpus_load: Any, doc_id: str) -> tuple[Document, list[Passage]]:
    loaded = next(d for d in corpus_load.documents if d.document.id == doc_id)
    assert loaded.passages, f"{doc_id} yields no passages"
    return loaded.document, list(loaded.passages)


@pytest.fixture(scope="module")
def circular(corpus_load: Any) -> list[Passage]:
    # load_corpus has tagged them already: these are the passages the index holds.
    return _real_passages(corpus_load, "rundskriv")[1]


def _find(passages: list[Passage], needle: str) -> Passage:
    hits = [p for p in passages if needle in " ".join(p.text.split())]
    assert hits, needle
    return hits[0]


def test_real_circular_roles(circular: list[Passage]) -> None:
    per_dogn = _find(circular, "minimum en gang per døgn")
    assert per_dogn.section.startswith("7.1.3")
    assert KOMMUNE in per_dogn.roles
    under_18 = _find(circular, "Innsatte under 18 år skal ha kontinuerlig tilsyn")
    assert under_18.section.startswith("7.1.2")
    assert KRIM in under_18.roles and KOMMUNE not in under_18.roles


def test_real_circular_refs(circular: list[Passage]) -> None:
    keys = {r.key for p in circular for r in p.refs}
    assert {"straffegjennomføringsloven § 37", "helsepersonelloven § 21"} <= keys
    for p in circular:
        if "§" in p.text and p.kind != "footnote":
            assert p.refs, p.id
