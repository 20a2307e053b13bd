"""Quote checks on real corpus text: each status, each material kind, the claimed place, exit codes.

The sentences are taken from the real index by pattern (not retyped), then altered the way a
careless citation alters them: another actor, another deadline, another law or §.
"""

from __future__ import annotations

import json
import re

import pytest

from assistant.legal.verify import verify_quote
from ingest.records import Passage

pytestmark = pytest.mark.slow


def _sentence(index, doc_id: str, pattern: str) -> tuple[Passage, str]:  # type: ignore[no-untyped-def]
    """The one sentence of `doc_id` matching `pattern`, as it stands in the cleaned text."""
    found = [
        (p, s)
        for p in index.passages
        if p.doc_id == doc_id
        for s in re.split(r"(?<=[.!?])\s+", p.text)
        if re.search(pattern, s)
    ]
    assert len(found) == 1, [p.id for p, _ in found]
    return found[0]


@pytest.fixture(scope="module")
def duty(real_index) -> tuple[Passage, str]:  # type: ignore[no-untyped-def]
    """«varsle lege i den kommunale helse- og omsorgstjenesten uten ugrunnet opphold … § 37 …»."""
    found = [
        (p, m.group(0))
        for p in real_index.passages
        if p.doc_id == "rundskriv"
        and (m := re.search(r"varsle lege .*?uten ugrunnet opphold.*?§ 37 syvende ledd", p.text))
    ]
    assert len(found) == 1
    return found[0]


def _kinds(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [k for op in result.diff for k in op["material"]]


def test_exact_where_claimed(real_index, duty) -> None:  # type: ignore[no-untyped-def]
    passage, sentence = duty
    r = verify_quote(real_index, sentence, "rundskrivet punkt 7.1.2")
    assert (r.status, r.passage_id, r.claimed_section_ok) == ("exact", passage.id, True)
    assert r.short_reference == "Rundskrivet punkt 7.1.2, 1. avsnitt, 2. strekpunkt"


@pytest.mark.parametrize(
    ("claimed", "problem"),
    [("rundskrivet punkt 6.2", "punkt"), ("NKROPs høringsinnspill", "dokument"),
     ("høringsutkastet", "dokument")],
)  # fmt: skip
def test_exact_but_wrong_place_is_exact_elsewhere(real_index, duty, claimed, problem) -> None:  # type: ignore[no-untyped-def]
    passage, sentence = duty
    r = verify_quote(real_index, sentence, claimed)
    assert r.status == "exact_elsewhere"
    assert r.claim_problem == problem and r.claimed_section_ok is False
    assert (r.doc_id, r.section, r.passage_id) == ("rundskriv", "7.1.2", passage.id)


def test_an_opinion_claimed_as_the_circular_is_exact_elsewhere(real_index) -> None:  # type: ignore[no-untyped-def]
    passage, sentence = _sentence(real_index, "horingsinnspill-nkrop", r"^Bør helse ha samtaler")
    wrong = verify_quote(real_index, sentence, "rundskrivet punkt 7.1.2")
    assert (wrong.status, wrong.claim_problem) == ("exact_elsewhere", "dokument")
    assert wrong.doc_status == "innspill"
    right = verify_quote(real_index, sentence, "NKROPs høringsinnspill side 63")
    assert (right.status, right.passage_id) == ("exact", passage.id)
    page = verify_quote(real_index, sentence, "NKROPs høringsinnspill side 27")
    assert (page.status, page.claim_problem) == ("exact_elsewhere", "side")


def test_another_actor_is_material(real_index, duty) -> None:  # type: ignore[no-untyped-def]
    passage, sentence = duty
    quote = sentence.replace("den kommunale helse- og omsorgstjenesten", "spesialisthelsetjenesten")
    r = verify_quote(real_index, quote)
    assert r.status == "near" and r.passage_id == passage.id
    assert _kinds(r) == ["actor"]
    assert r.material == (
        "aktør (hvem som skal handle): kilden «den kommunale helse- og omsorgstjenesten», "
        "sitatet «spesialisthelsetjenesten»",
    )


def test_another_deadline_is_a_deadline_not_a_negation(real_index, duty) -> None:  # type: ignore[no-untyped-def]
    _, sentence = duty
    r = verify_quote(real_index, sentence.replace("uten ugrunnet opphold", "innen 24 timer"))
    assert r.status == "near" and _kinds(r) == ["time"]
    assert r.material[0].startswith("frist/tidsangivelse: kilden «uten ugrunnet opphold»")


@pytest.mark.parametrize(
    ("old", "new", "source_ref", "quote_ref"),
    [
        ("straffegjennomføringsloven § 37", "helsepersonelloven § 37",
         "straffegjennomføringsloven § 37 syvende ledd", "helsepersonelloven § 37 syvende ledd"),
        ("§ 37 syvende", "§ 38 syvende", "straffegjennomføringsloven § 37 syvende ledd",
         "straffegjennomføringsloven § 38 syvende ledd"),
        ("syvende ledd", "sjette ledd", "straffegjennomføringsloven § 37 syvende ledd",
         "straffegjennomføringsloven § 37 sjette ledd"),
    ],
)  # fmt: skip
def test_another_law_paragraph_or_ledd_is_material(  # type: ignore[no-untyped-def]
    real_index, duty, old, new, source_ref, quote_ref
) -> None:
    _, sentence = duty
    r = verify_quote(real_index, sentence.replace(old, new))
    assert r.status == "near" and _kinds(r) == ["legal_ref"]
    assert r.material == (f"lovhenvisning: kilden «{source_ref}», sitatet «{quote_ref}»",)


def test_fabricated_quote_gets_the_closest_passage(real_index) -> None:  # type: ignore[no-untyped-def]
    fake = "Innsatte skal få besøk av tannlege hver fredag, og fengselsbetjenten fører protokoll."
    r = verify_quote(real_index, fake)
    assert r.status == "not_found" and r.doc_id is None
    closest = r.closest
    assert closest is not None and closest["passage_id"] in real_index.by_id
    assert 0 < closest["similarity"] < 0.75 and closest["reference"]


def test_two_substitutions_fall_below_near_but_still_show_what_changed(real_index, duty) -> None:  # type: ignore[no-untyped-def]
    passage, sentence = duty
    first = sentence.split(",")[0]  # «varsle lege … utelukket fra fellesskapet»
    quote = first.replace("den kommunale helse- og omsorgstjenesten", "spesialisthelsetjenesten")
    quote = quote.replace("uten ugrunnet opphold", "innen 24 timer")
    r = verify_quote(real_index, quote)
    assert r.status == "not_found" and r.closest is not None
    assert r.closest["passage_id"] == passage.id
    assert any(m.startswith("aktør") for m in r.closest["material"])
    assert any(m.startswith("frist/tidsangivelse") for m in r.closest["material"])


def test_cli_exit_codes_by_status(real_settings, monkeypatch, capsys, duty) -> None:  # type: ignore[no-untyped-def]
    from assistant.cli import main

    monkeypatch.setenv("HJEMMEL_HOME", str(real_settings.home))
    _, sentence = duty
    cases = [
        ([sentence, "--claimed", "rundskrivet punkt 7.1.2"], 0, "exact"),
        ([sentence, "--claimed", "rundskrivet punkt 6.2"], 1, "exact_elsewhere"),
        ([sentence.replace("uten ugrunnet opphold", "innen 24 timer")], 1, "near"),
        (["Dette står ikke i noen kilde om fengsel i det hele tatt."], 1, "not_found"),
    ]
    for argv, code, status in cases:
        assert main(["verify", *argv, "--json"]) == code, status
        assert json.loads(capsys.readouterr().out)["status"] == status
    assert main(["verify", sentence, "--claimed", "punkt 6.2"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Resultat: Ordrett, men ikke på oppgitt sted")
    assert "stemmer ikke (feil punkt) – sitatet står ordrett i Rundskrivet punkt 7.1.2" in out
    assert main(["verify", " « » "]) == 2
    assert "tomt" in capsys.readouterr().err
