"""Provisions named in a question (with or without their law), sources named, the asked slot."""

from __future__ import annotations

from analysis.asks import ask_frame
from assistant.answer.retrieve import cites_level as _cites_level
from assistant.answer.retrieve import mentioned_documents
from assistant.answer.understand import question_refs
from ingest.records import Document, LegalRef, Passage


def _passage(*refs: LegalRef) -> Passage:
    return Passage("d:6.2:1", "d", "6.2", "H", ("H",), None, "paragraph", "x", 0, 1, (), refs)


def test_bare_provision_matches_any_law_and_named_law_only_its_own() -> None:
    hpl21 = _passage(LegalRef("helsepersonelloven", "§ 21"))
    fvl21 = _passage(LegalRef("forvaltningsloven", "§ 21"))
    bare = question_refs("Hva sier § 21?")
    assert bare == (LegalRef("", "§ 21"),)
    assert _cites_level(hpl21, bare) > 0 and _cites_level(fvl21, bare) > 0
    named = question_refs("Hva sier helsepersonelloven § 21?")
    assert _cites_level(hpl21, named) > 0 and not _cites_level(fvl21, named) > 0


def test_the_asked_ledd_ranks_before_the_provision_alone() -> None:
    asked = question_refs("Hva innebærer straffegjennomføringsloven § 37 syvende ledd?")
    law = asked[0].law
    exact = _passage(LegalRef(law, "§ 37", ledd=asked[0].ledd))
    whole = _passage(LegalRef(law, "§ 37"))
    other = _passage(LegalRef(law, "§ 38"))
    assert asked[0].ledd
    assert [_cites_level(p, asked) for p in (exact, whole, other)] == [2, 1, 0]
    assert _cites_level(whole, question_refs(f"Hva sier {law} § 37?")) == 2


def test_follow_up_borrows_the_law_named_earlier() -> None:
    refs = question_refs("Og § 23?", context="Hva sier helsepersonelloven § 21?")
    assert LegalRef("helsepersonelloven", "§ 23") in refs


def test_a_question_carries_the_kind_of_answer_asked_for() -> None:
    assert ask_frame("Hvor ofte skal det være tilsyn?").slot == "frequency"
    assert ask_frame("Hvor lenge kan han sitte på isolat?").slot == "duration"
    assert ask_frame("Kan vi dele opplysninger?").slot == "yesno"


DOCS = {
    "side": Document(
        "side", "Temaside", "nettside", "Helsedirektoratet", None, "informasjon", "", ""
    ),
    "rundskriv": Document(
        "rundskriv", "Rundskriv", "rundskriv", "JD og HOD", None, "gjeldende", "", ""
    ),
}


def test_an_owners_indefinite_type_noun_names_the_source() -> None:
    assert mentioned_documents("Hva står på Helsedirektoratets nettside?", DOCS) == {"side"}
    assert mentioned_documents("Hva sier nettsiden?", DOCS) == {"side"}
    assert mentioned_documents("Hva sier departementenes rundskriv?", DOCS) == {"rundskriv"}
    # An indefinite noun without an owner is an everyday word, not a source.
    assert mentioned_documents("Kan vi lage en nettside om dette?", DOCS) == set()
