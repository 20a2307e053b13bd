"""Answer-level facts: words as shown, and back-references whose antecedent is not shown.

Hand-made passages and citations (the records the assistant returns); no model, no index.
"""

from __future__ import annotations

from assistant.records import Answer, Citation
from evals.answers import answer_facts, backref_violations, count_words
from ingest.records import Document, Passage

DOC = Document("rundskriv", "Rundskriv", "rundskriv", "KDI", None, "gjeldende", "r.txt", "0")
TEXT = (
    "Kriminalomsorgen kan dele opplysninger når den innsatte samtykker. "
    "I slike tilfeller får de ansatte samme taushetsplikt som helsepersonell. "
    "Lege skal varsles straks."
)


def _passage(text: str = TEXT, context: str = "", pid: str = "rundskriv:6.1:1") -> Passage:
    return Passage(pid, "rundskriv", "6.1", "6.1 Taushetsplikt", ("6.1",), 3, "paragraph", text,
                   0, len(text), context=context)  # fmt: skip


def _cite(n: int, passage: Passage, quote: str, actor: str = "") -> Citation:
    assert quote in passage.text
    return Citation(n, passage, DOC, quote, True, actor)


def test_count_words_skips_markers_and_markup() -> None:
    assert count_words("Ifølge **rundskrivet** punkt 7.1.3:\n\n- Lege skal varsles [1] [2]") == 7
    assert count_words("helse- og omsorgstjenesten, jf. § 21") == 5


def test_leaning_sentence_alone_is_a_violation() -> None:
    p = _passage()
    second = "I slike tilfeller får de ansatte samme taushetsplikt som helsepersonell."
    found = backref_violations([_cite(1, p, second)], f"{second} [1]")
    assert found == (f"rundskriv:6.1:1: {second}",)


def test_shown_antecedent_in_another_citation_of_the_passage_is_fine() -> None:
    p = _passage()
    first = "Kriminalomsorgen kan dele opplysninger når den innsatte samtykker."
    second = "I slike tilfeller får de ansatte samme taushetsplikt som helsepersonell."
    assert backref_violations([_cite(1, p, second), _cite(2, p, first)], "…") == ()
    # One quote spanning both sentences is fine too; a non-leaning sentence alone as well.
    assert backref_violations([_cite(1, p, f"{first} {second}")], "…") == ()
    assert backref_violations([_cite(1, p, "Lege skal varsles straks.")], "…") == ()


def test_first_sentence_needs_its_lead_in_shown() -> None:
    text = "Dette gjelder også innsatte under 18 år."
    lead = "Kriminalomsorgen skal varsle lege når\n en innsatt utelukkes."
    p = _passage(text, context=lead, pid="rundskriv:7.1.2:4")
    c = _cite(1, p, text)
    shown = (
        "- *Kriminalomsorgen skal varsle lege når en innsatt utelukkes.*\n    - Dette gjelder [1]"
    )
    assert backref_violations([c], shown) == ()
    assert len(backref_violations([c], "- Dette gjelder også innsatte under 18 år. [1]")) == 1


def test_answer_facts_of_an_answer() -> None:
    p = _passage()
    first = "Kriminalomsorgen kan dele opplysninger når den innsatte samtykker."
    answer = Answer("Kan vi dele?", "kriminalomsorgen", f"Ifølge rundskrivet:\n\n- {first} [1]",
                    (_cite(1, p, first, "kriminalomsorgen"),), False)  # fmt: skip
    facts = answer_facts(answer)
    assert facts.words == 10 and facts.backref_violations == ()
    assert [(c.passage_id, c.actor) for c in facts.citations] == [
        ("rundskriv:6.1:1", "kriminalomsorgen")
    ]


def test_a_paragraph_opening_with_a_back_reference_needs_the_paragraph_before_shown() -> None:
    before = _passage(
        "Kriminalomsorgen kan utelukke innsatte. Det skjer etter § 37.", pid="rundskriv:7.1.1:1"
    )
    after = _passage("I tillegg kan retten beslutte full isolasjon.", pid="rundskriv:7.1.1:2")
    alone = [_cite(1, after, after.text)]
    assert len(backref_violations(alone, "…")) == 1
    with_last = [_cite(1, before, "Det skjer etter § 37."), *alone]
    assert backref_violations(with_last, "…") == ()
    with_first_only = [_cite(1, before, "Kriminalomsorgen kan utelukke innsatte."), *alone]
    assert len(backref_violations(with_first_only, "…")) == 1
