"""Formal references as a jurist writes them: issuer abbreviated, title in «», number and date (or
that they are missing), punkt/avsnitt/strekpunkt, s.; full form first, short form after."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.legal.cite import (
    avsnitt_position,
    document_reference,
    formal_reference,
    issuer_short,
    long_date,
    norwegian_date,
    references,
    short_reference,
    status_label,
)
from ingest.records import Document
from tests.assistant.legal.test_verify import make_doc, make_index

DOC = make_doc(status="utkast", date="2023-03-02")
INDEX = make_index(
    [
        ("7.1.3", "Helse- og omsorgstjenestens ansvar", [
            ("paragraph", "Første avsnitt.", ()),
            ("paragraph", "Andre avsnitt, med en liste:", ()),
            ("list_item", "et punkt", ()),
            ("list_item", "et annet punkt", ()),
            ("paragraph", "Tredje avsnitt.", ()),
            ("footnote", "12 Se rapporten.", ()),
        ]),
    ],
    doc=DOC,
)  # fmt: skip
P = INDEX.passages


def test_dates_and_status() -> None:
    assert norwegian_date("2023-05-29") == "29.05.2023"
    assert norwegian_date("") is None
    assert status_label(DOC) == "utkast, 02.03.2023"


def test_avsnitt_counts_within_section_with_list_items_under_their_paragraph() -> None:
    assert [avsnitt_position(p, INDEX) for p in P] == [
        (1, None), (2, None), (2, 1), (2, 2), (3, None), (None, None)
    ]  # fmt: skip


def test_formal_reference_parts() -> None:
    ref = formal_reference(DOC, P[3], INDEX)
    assert ref == (
        "Departementet, «Rundskriv rundskriv» (nr. ikke oppgitt, 2. mars 2023), "
        "punkt 7.1.3, 2. avsnitt, 2. strekpunkt, s. 3"
    )
    assert "utkast" not in ref and "gjeldende" not in ref  # the status stands beside it
    assert formal_reference(DOC, P[5], INDEX).endswith("fotnote 12, s. 3")
    assert (
        short_reference(DOC, P[3], INDEX)
        == "Rundskrivet punkt 7.1.3, 2. avsnitt, 2. strekpunkt, s. 3"
    )


def test_dates_written_out_and_issuers_abbreviated() -> None:
    assert long_date("2023-03-02") == "2. mars 2023"
    assert long_date("2019-12-15") == "15. desember 2019"
    assert long_date("") is None
    both = "Justis- og beredskapsdepartementet og Helse- og omsorgsdepartementet"
    assert issuer_short(both) == "JD og HOD"
    assert issuer_short("NKROP (Nasjonal kompetansetjeneste for samtidig rusmisbruk)") == "NKROP"
    assert issuer_short("Helsedirektoratet") == "Helsedirektoratet"


@pytest.mark.parametrize(
    ("number", "date", "expected"),
    [
        ("", "", "JD, «Rundskriv om samarbeid» (nr./dato ikke oppgitt)"),
        ("G-2006-8", "", "JD, «Rundskriv om samarbeid» (G-2006-8, dato ikke oppgitt)"),
        ("", "2006-02-01", "JD, «Rundskriv om samarbeid» (nr. ikke oppgitt, 1. februar 2006)"),
        ("G-2006-8", "2006-02-01", "JD, «Rundskriv om samarbeid» (G-2006-8, 1. februar 2006)"),
    ],
)
def test_number_and_date_from_the_manifest_or_said_missing(
    number: str, date: str, expected: str
) -> None:
    doc = Document("r", "Rundskriv om samarbeid", "rundskriv", "Justisdepartementet", date,
                   "gjeldende", "p", "h", number=number)  # fmt: skip
    assert document_reference(doc) == expected


def test_a_title_that_does_not_name_its_type_gets_it_and_undated_sources_say_so() -> None:
    doc = Document("v", "Helse- og omsorgstjenester til innsatte", "veileder", "Helsedirektoratet",
                   None, "gjeldende", "p", "h", number="IS-3010")  # fmt: skip
    assert document_reference(doc) == (
        "Helsedirektoratet, veileder «Helse- og omsorgstjenester til innsatte» "
        "(IS-3010, dato ikke oppgitt)"
    )
    page = Document("t", "Temaside", "nettside", "Helsedirektoratet", None, "informasjon", "p", "h")
    assert document_reference(page).endswith("(dato ikke oppgitt)")


def test_full_form_first_then_short_form_per_document() -> None:
    other = make_doc("annet", status="gjeldende")
    refs = references([(DOC, P[0]), (DOC, P[4]), (other, P[0]), (DOC, P[1])], INDEX)
    assert refs[0] == formal_reference(DOC, P[0], INDEX)
    assert refs[1] == "Rundskrivet punkt 7.1.3, 3. avsnitt, s. 3"
    assert refs[2].startswith("Departementet, «Rundskriv annet»")
    assert refs[3] == "Rundskrivet punkt 7.1.3, 2. avsnitt, s. 3"


def _real(index, pattern: str, doc_id: str):  # type: ignore[no-untyped-def]
    """The one passage of `doc_id` whose text matches `pattern` (real corpus text)."""
    found = [p for p in index.passages if p.doc_id == doc_id and re.search(pattern, p.text)]
    assert len(found) == 1, [p.id for p in found]
    return index.documents[doc_id], found[0]


CIRCULAR = (
    "JD og HOD, «Rundskriv om samarbeid mellom kriminalomsorgen og helse- og omsorgstjenesten om "
    "innsatte med rusmiddelproblemer og/eller psykiske plager og lidelser» (nr./dato ikke oppgitt)"
)


@pytest.mark.slow
def test_real_reference_for_the_circular(real_index) -> None:  # type: ignore[no-untyped-def]
    doc, passage = _real(real_index, r"varsle lege i den kommunale .* uten ugrunnet opphold",
                         "rundskriv")  # fmt: skip
    assert formal_reference(doc, passage, real_index) == (
        f"{CIRCULAR}, punkt 7.1.2, 1. avsnitt, 2. strekpunkt"
    )
    assert short_reference(doc, passage, real_index) == (
        "Rundskrivet punkt 7.1.2, 1. avsnitt, 2. strekpunkt"
    )


@pytest.mark.slow
def test_real_reference_for_nkrop_names_its_own_place_not_the_drafts_heading(real_index) -> None:  # type: ignore[no-untyped-def]
    doc, passage = _real(real_index, r"^Bør helse ha samtaler med betjent", "horingsinnspill-nkrop")
    ref = formal_reference(doc, passage, real_index)
    assert ref == (
        "NKROP, «NKROP sitt høringsinnspill til nasjonalt faglig råd om kommunale helse- og "
        "omsorgstjenester til innsatte i fengsel» (29. mai 2023), "
        "merknad til side 63 i høringsutkastet, 2. avsnitt"
    )
    # The draft's recommendation it comments on is a «skal» sentence of the draft, not NKROP's.
    assert passage.heading and passage.heading not in ref and "skal" not in ref
    assert short_reference(doc, passage, real_index) == (
        "NKROPs høringsinnspill, merknad til side 63 i høringsutkastet, 2. avsnitt"
    )


@pytest.mark.slow
def test_real_reference_for_the_draft(real_index) -> None:  # type: ignore[no-untyped-def]
    doc, passage = _real(real_index, r"^helse- og omsorgstjenesteloven § 7 ",
                         "horingsutkast-individuell-plan")  # fmt: skip
    assert formal_reference(doc, passage, real_index) == (
        "Helsedirektoratet, «Innsatte med behov for langvarige og koordinerte helse- og "
        "omsorgstjenester skal få tilbud om individuell plan (høringsutkast til nasjonale faglige "
        "råd)» (2. mars 2023), 13. avsnitt, 1. strekpunkt"
    )  # the page's status label «Under revisjon:» is no paragraph of its own (ingest.structure)
    assert (
        short_reference(doc, passage, real_index) == "Høringsutkastet, 13. avsnitt, 1. strekpunkt"
    )


@pytest.mark.slow
def test_real_avsnitt_numbers_stay_within_their_section(real_index) -> None:  # type: ignore[no-untyped-def]
    passages = [p for p in real_index.passages if p.doc_id == "rundskriv" and p.section
                and p.kind == "paragraph"]  # fmt: skip
    target = passages[len(passages) // 2]
    same = [p for p in passages if p.section == target.section]
    ref = formal_reference(real_index.documents["rundskriv"], target, real_index)
    assert ref.startswith(f"{CIRCULAR}, punkt {target.section}, ")
    n = int(re.search(r"(\d+)\. avsnitt", ref).group(1))  # type: ignore[union-attr]
    assert 1 <= n <= len(same)


def test_list_under_a_new_lead_in_is_a_new_avsnitt() -> None:
    items = [
        replace(p, context=c) for p, c in zip(P[2:4], ("Ved A skal:", "Ved B skal:"), strict=True)
    ]
    index = make_index([])
    index.passages, index.by_id = (P[0], *items), {p.id: p for p in (P[0], *items)}
    assert [avsnitt_position(p, index) for p in index.passages] == [(1, None), (2, 1), (3, 1)]


def test_a_local_document_is_labelled_local_in_answers_and_never_as_the_rule() -> None:
    from assistant.answer.render import STATUS_INLINE, standing
    from assistant.answer.status import verdict
    from assistant.legal.cite import source_note

    local = Document("rutine", "Rutine for tilsyn", "lokal instruks", "Testfengselet", None,
                     "lokal", "opplastet-rutine.txt", "h", uploaded_by="kari")  # fmt: skip
    assert standing(local) == "lokal" and standing(replace(local, status="utkast")) == "lokal"
    assert STATUS_INLINE["nb"][standing(local)] == "lokalt dokument – ikke nasjonal regel"
    assert (
        source_note(local)
        == "Kilden «Rutine for tilsyn» er et lokalt dokument, ikke nasjonalt regelverk."
    )
    assert verdict(local, "den lokale instruksen").startswith(
        "Nei – den lokale instruksen er et lokalt"
    )


def test_a_non_binding_sources_note_and_verdict_follow_the_answers_language() -> None:
    from assistant.answer.status import verdict
    from assistant.legal.cite import source_note

    opinion = Document("nkrop", "Høringsinnspill", "høringsinnspill", "NKROP (Kjonerud)", None,
                       "innspill", "innspill.txt", "h")  # fmt: skip
    assert (
        source_note(opinion) == "Kilden er et høringsinnspill fra NKROP (en mening), ikke en regel."
    )
    assert source_note(opinion, "en") == (
        "The source is a consultation response from NKROP (an opinion), not a rule."
    )
    draft = replace(opinion, status="utkast", title="Utkast til råd")
    assert (
        source_note(draft, "en")
        == "The source «Utkast til råd» is a consultation draft, not rules in force."
    )
    assert source_note(replace(opinion, status="gjeldende"), "en") is None
    assert verdict(draft, "the draft", "en").startswith("No – the draft is a draft")
    assert verdict(draft, "utkastet").startswith("Nei – utkastet er et utkast")
