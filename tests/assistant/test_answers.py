"""Cited answers on the real corpus with the real model: the «Must show» list of issue 3.

Each representative question names the section a reader of the circular (and of the draft and the
NKROP response) would expect to see cited, derived from reading the documents, not from running the
system. Also covers role grouping («Ditt ansvar»), labels on drafts and opinions, refusals, bad
input and two-turn conversations. It does not test the CLI (test_ask_command, test_chat_command)
or generated questions (test_properties), and it never measures time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from analysis.actors import binds
from assistant.api import Assistant
from assistant.records import ROLES, Answer, Citation, Turn, UnknownRoleError

pytestmark = pytest.mark.slow

CIRCULAR = "rundskriv"
DRAFT = "horingsutkast-individuell-plan"
NKROP = "horingsinnspill-nkrop"


@pytest.fixture(scope="module")
def assistant(real_assistant: Assistant) -> Assistant:
    return real_assistant


def flat(text: str) -> str:
    """Whitespace-normalised text: quotes keep the source's line breaks, phrases here do not."""
    return " ".join(text.split())


def quoted(answer: Answer, phrase: str) -> bool:
    return any(flat(phrase) in flat(c.quote) for c in answer.citations)


def cited(answer: Answer) -> list[str]:
    return [f"{c.passage.doc_id}:{c.passage.section}" for c in answer.citations]


def groups(answer: Answer) -> dict[str, set[int]]:
    """Marker numbers under each bold group heading («**Ditt ansvar**» …) of the answer text."""
    out: dict[str, set[int]] = {}
    current = ""
    for line in answer.text.splitlines():
        heading = re.fullmatch(r"\*\*(.+?)\*\*\s*", line)
        if heading:
            current = heading.group(1)
            continue
        if line.lstrip().startswith("- "):  # nested bullets (under a lead-in) count too
            out.setdefault(current, set()).update(int(n) for n in re.findall(r"\[(\d+)\]", line))
    return out


def in_group(answer: Answer, name: str) -> list[Citation]:
    numbers = groups(answer).get(name, set())
    return [c for c in answer.citations if c.n in numbers]


@dataclass(frozen=True)
class Case:
    question: str
    role: str
    sections: tuple[str, ...]  # any one of these must be cited (in `doc`)
    phrase: str | None = None  # must appear verbatim in a quote
    doc: str = CIRCULAR
    first: bool = False  # the first citation must be one of `sections`

    def __str__(self) -> str:
        return self.question


CASES = [
    # Isolation: the health service's duties (7.1.3), the prison's (7.1.2), the rules (7.1.1).
    Case(
        "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?",
        "kommunehelse",
        ("7.1.3",),
        "minimum en gang per døgn",
    ),
    Case(
        "Hva skal helsepersonell rapportere til fengselslederen når en innsatt er isolert?",
        "kommunehelse",
        ("7.1.3",),
        "straks rapportere til fengselslederen",
    ),
    Case(
        "Skal vi innhente uttalelse fra lege før vi bruker sikkerhetsseng?",
        "kriminalomsorgen",
        ("7.1.2",),
        "innhente uttalelse fra lege",
    ),
    Case(
        "Hvor mye menneskelig kontakt skal en innsatt ha når utelukkelsen varer mer enn tre døgn?",
        "kriminalomsorgen",
        ("7.1.2",),
        "minst to timer meningsfull menneskelig kontakt",
    ),
    Case(
        "Hva må vi i fengselet gjøre når en innsatt utelukkes fra fellesskapet?",
        "kriminalomsorgen",
        ("7.1.2",),
    ),
    Case(
        "Must prison staff notify a doctor when an inmate is excluded from association?",
        "kriminalomsorgen",
        ("7.1.2",),
        "varsle lege",
    ),
    Case(
        "Does the prison have to make a weekly plan for an inmate excluded for more than three days?",
        "kriminalomsorgen",
        ("7.1.2",),
        "ukeplan",
    ),
    Case("Hva sier straffegjennomføringsloven § 37?", "jurist", ("7.1.1", "7.1.2"), first=True),
    Case(
        "Hvem har plikt til å sørge for at en innsatt som kan trenge tvungent psykisk helsevern "
        "blir undersøkt av lege?",
        "alle",
        ("7.3",),
        "blir undersøkt av lege",
    ),
    # Confidentiality and consent: the prison (6.1), the health service (6.2), consent (6.3).
    Case(
        "Kan fengselet dele taushetsbelagte opplysninger med helsetjenesten?",
        "kriminalomsorgen",
        ("6.1",),
        "dersom den innsatte samtykker",
    ),
    Case(
        "Faller taushetsplikten vår bort hvis det er fare for livet til en innsatt?",
        "kriminalomsorgen",
        ("6.1",),
        "fare for liv eller helse",
    ),
    Case(
        "Hva sier helsepersonelloven § 23 nr. 4?",
        "jurist",
        ("6.2",),
        "tungtveiende private eller offentlige interesser",
        first=True,
    ),
    Case(
        "Hvilken bestemmelse gir helsepersonell en strengere taushetsplikt?",
        "kommunehelse",
        ("6.2",),
        "strengere taushetsplikt",
    ),
    Case(
        "Må samtykket fra innsatte til å utveksle opplysninger journalføres?",
        "alle",
        ("6.3",),
        "journalføring av samtykket",
    ),
    # Cooperation at admission, during the sentence and at release (chapter 5).
    Case(
        "Hva skal vi gjøre i innkomstsamtalen med en nyinnsatt?",
        "kriminalomsorgen",
        ("5.1.1",),
        "gjennomføre innkomstsamtale raskest mulig",
    ),
    Case(
        "Skal spesialisthelsetjenesten fortsette behandlingen innsatte hadde før de kom i fengsel?",
        "spesialisthelse",
        ("5.1.3",),
        "videreføre helsetjenester som innsatte hadde før innsettelse",
    ),
    Case(
        "Hvilke innsatte skal spesialisthelsetjenesten følge opp under soningen?",
        "spesialisthelse",
        ("5.2.3",),
        "allerede er under utredning eller i behandlingsforløp",
    ),
    Case(
        "Kan betjentene dele ut medisiner når den innsatte ikke klarer dosetten selv?",
        "kriminalomsorgen",
        ("5.2.4",),
        "bistå med legemiddelutdeling",
    ),
    Case(
        "Har helsepersonell plikt til å delta i arbeidet med individuell plan?",
        "kommunehelse",
        ("5.2.4",),
        "plikt til å melde fra om behov og delta i arbeidet",
    ),
    Case(
        "Hvordan skal kommunehelsetjenesten hindre behandlingsavbrudd når en innsatt løslates?",
        "kommunehelse",
        ("5.3.2",),
        "forebygge behandlingsavbrudd",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_representative_question_cites_expected_section(assistant: Assistant, case: Case) -> None:
    answer = assistant.ask(case.question, role=case.role)
    assert not answer.refused, answer.text
    wanted = {f"{case.doc}:{s}" for s in case.sections}
    found = cited(answer)
    # Shown to the reader: in the answer, or — when another passage decided — in «Mer i kildene».
    shown = [*found, *(f"{c.passage.doc_id}:{c.passage.section}" for c in answer.further)]
    assert wanted & set(shown), f"ventet {sorted(wanted)}, fikk {shown}"
    if case.first:
        assert found[0] in wanted, f"ventet {sorted(wanted)} først, fikk {found}"
    if case.phrase:
        quotes = [flat(c.quote)[:80] for c in (*answer.citations, *answer.further)]
        everything = [*answer.citations, *answer.further]
        assert any(flat(case.phrase) in flat(c.passage.text) for c in everything), (
            f"«{case.phrase}» ikke vist: {quotes}"
        )


def test_draft_question_cites_and_labels_the_draft(assistant: Assistant) -> None:
    answer = assistant.ask("Hva er formålet med en individuell plan for innsatte?", "kommunehelse")
    assert not answer.refused
    assert DRAFT in {c.passage.doc_id for c in answer.citations}
    assert any("høringsutkast" in n and "ikke gjeldende" in n for n in answer.notes), answer.notes
    assert "høringsutkast" in answer.text.lower()


def test_opinion_question_cites_and_labels_nkrop(assistant: Assistant) -> None:
    answer = assistant.ask("Synes NKROP at utredning hører hjemme i kommunens helsetjeneste?")
    assert not answer.refused
    assert NKROP in {c.passage.doc_id for c in answer.citations}
    assert quoted(answer, "anliggende for spesialisthelsetjenesten")
    label = re.compile(r"høringsinnspill.*ikke en regel", re.I)
    assert any(label.search(n) for n in answer.notes), answer.notes
    assert label.search(answer.text)


def _headed(citations: Iterable[Citation], words: str) -> list[Citation]:
    return [c for c in citations if words.lower() in c.passage.heading.lower()]


def test_prison_duties_are_labelled_kriminalomsorgen_and_come_first(assistant: Assistant) -> None:
    answer = assistant.ask("Hva skal kriminalomsorgen gjøre ved utelukkelse?", "kriminalomsorgen")
    prison = _headed(answer.citations, "Kriminalomsorgens ansvar")
    assert prison, cited(answer)
    assert answer.citations[0] in prison
    assert all(c.actor == "kriminalomsorgen" for c in prison), [c.actor for c in prison]
    assert all(c.actor in ("kriminalomsorgen", "felles") for c in in_group(answer, "Ditt ansvar"))


def test_ditt_ansvar_holds_only_the_askers_own_duties(assistant: Assistant) -> None:
    for question, role in [
        (
            "Hva må vi i helsetjenesten gjøre når en innsatt er utelukket fra fellesskapet?",
            "kommunehelse",
        ),
        ("Hvem har taushetsplikt, og hva gjelder for helsepersonell?", "kriminalomsorgen"),
        ("Kan helsepersonell dele opplysninger med fengselet?", "kriminalomsorgen"),
    ]:
        answer = assistant.ask(question, role)
        for c in in_group(answer, "Ditt ansvar"):
            assert binds(c.actor, role), (question, c.actor, c.quote)
        for c in in_group(answer, "Andre tjenester"):
            assert not binds(c.actor, role), (question, c.actor, c.quote)


def test_a_health_personnel_duty_from_6_2_is_never_yours_for_kriminalomsorgen(
    assistant: Assistant,
) -> None:
    answer = assistant.ask(
        "Hva gjelder for helsepersonells taushetsplikt etter helsepersonelloven § 21?",
        "kriminalomsorgen",
    )
    health = [c for c in (*answer.citations,) if c.passage.section == "6.2"]
    assert health, cited(answer)
    mine = {c.n for c in in_group(answer, "Ditt ansvar")}
    assert not {c.n for c in health if c.actor == "helsepersonell"} & mine, answer.text


LABEL_QUESTIONS = [
    ("Hvem oppnevner koordinator når en innsatt ønsker individuell plan?", "kommunehelse"),
    ("Hva skal stå i en individuell plan for en innsatt?", "alle"),
    ("Hva mener NKROP om oppfølgingssamtaler etter bruk av belteseng?", "kommunehelse"),
    ("Hva foreslår NKROP om innkomstsamtalen?", "alle"),
    ("Kan pårørende være med på å lage individuell plan?", "alle"),
    ("Hvilke psykiske lidelser vil NKROP ha med i listen?", "jurist"),
]


def test_drafts_and_opinions_are_always_labelled(assistant: Assistant) -> None:
    seen: set[str] = set()
    for question, role in LABEL_QUESTIONS:
        answer = assistant.ask(question, role)
        statuses = {c.document.status for c in answer.citations}
        seen |= statuses
        if "utkast" in statuses:
            assert any("høringsutkast" in n and "ikke gjeldende" in n for n in answer.notes)
        if "innspill" in statuses:
            assert any("høringsinnspill" in n and "ikke en regel" in n for n in answer.notes)
    # Guards against a vacuous pass: the questions really did reach both kinds of source.
    assert {"utkast", "innspill"} <= seen


@pytest.mark.parametrize(
    "question",
    [
        "Skriv et dikt om isolasjon i fengsel",
        "Hva er hovedstaden i Canada?",
        "Hvem vant Eurovision i 1985?",
        "Hvordan beregnes formuesskatt på en sekundærbolig?",
        "Kan jeg trekke fra renter på studielånet på skattemeldingen?",
    ],
)
def test_off_topic_questions_are_refused(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused
    assert answer.citations == ()
    assert answer.text.strip()


def test_a_maximum_the_sources_do_not_state_is_refused_with_the_reason(
    assistant: Assistant,
) -> None:
    answer = assistant.ask(
        "Hvor mange timer kan en innsatt maksimalt ligge i sikkerhetsseng?", "kriminalomsorgen"
    )
    assert answer.refused and answer.citations == ()
    assert "øvre grense" in answer.text


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Hvilke tannbehandlinger har innsatte krav på i varetekt?", "tannbehandlinger"),
        ("Hvor mye dagpenger får en innsatt under utelukkelse?", "dagpenger"),
    ],
)
def test_in_domain_questions_about_what_the_sources_never_name_are_refused(
    assistant: Assistant, question: str, word: str
) -> None:
    answer = assistant.ask(question, "kriminalomsorgen")
    assert answer.refused and answer.citations == ()
    assert f"«{word}»" in answer.text  # the refusal says what the sources do not mention


@pytest.mark.parametrize("question", ["", "   ", "\n\t  \n"])
def test_empty_question_gets_a_clear_message(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question, "kriminalomsorgen")
    assert answer.refused
    assert answer.citations == ()
    assert "tomt" in answer.text.lower()


def test_very_long_question_gets_a_clear_message(assistant: Assistant) -> None:
    base = "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle? "
    question = (base * (20_000 // len(base) + 1))[:20_000]
    answer = assistant.ask(question, "kommunehelse")
    assert answer.refused
    assert answer.citations == ()
    assert "for langt" in answer.text.lower()


def test_unknown_role_lists_the_valid_roles(assistant: Assistant) -> None:
    with pytest.raises(UnknownRoleError) as info:
        assistant.ask("Hva sier helsepersonelloven § 21?", role="fengselsbetjent")
    message = str(info.value)
    assert "fengselsbetjent" in message
    assert all(role in message for role in ROLES)


FIRST_TURN = "Hva skal kriminalomsorgen gjøre ved utelukkelse?"


def test_follow_up_is_resolved_against_the_first_turn(assistant: Assistant) -> None:
    first = assistant.ask(FIRST_TURN, "kriminalomsorgen")
    assert not first.refused
    answer = assistant.ask(
        "Og for dem under 18 år?", "kriminalomsorgen", (Turn(FIRST_TURN, first.text),)
    )
    assert not answer.refused
    assert f"{CIRCULAR}:7.1.2" in cited(answer)
    assert quoted(answer, "kontinuerlig tilsyn")
    assert FIRST_TURN in answer.resolved_question


def test_self_contained_question_is_not_dragged_off_by_history(assistant: Assistant) -> None:
    question = "Kan fengselet dele taushetsbelagte opplysninger med helsetjenesten?"
    alone = assistant.ask(question, "kriminalomsorgen")
    first = assistant.ask(FIRST_TURN, "kriminalomsorgen")
    after = assistant.ask(question, "kriminalomsorgen", (Turn(FIRST_TURN, first.text),))
    assert after.resolved_question == question
    assert f"{CIRCULAR}:6.1" in cited(after)
    assert [c.passage.id for c in after.citations] == [c.passage.id for c in alone.citations]


def test_a_duty_list_is_quoted_whole_when_the_question_asks_for_it(assistant: Assistant) -> None:
    """«Hvilke plikter …» asks for the list: quoting part of it would hide duties."""
    lead = "Ved bruk av sikkerhetscelle eller sikkerhetsseng skal kriminalomsorgen"
    items = [p for p in assistant.index.passages if p.kind == "list_item" and p.context == lead]
    assert len(items) >= 5  # the circular's list, found by its lead-in
    answer = assistant.ask(
        "Hvilke plikter har kriminalomsorgen ved bruk av sikkerhetscelle eller sikkerhetsseng?",
        "kriminalomsorgen",
    )
    assert {p.id for p in items} <= {c.passage.id for c in answer.citations}
    assert answer.text.count(f"*{lead}*") == 1  # one lead-in, the items nested under it


def test_a_point_question_quotes_the_matching_item_and_counts_the_rest(
    assistant: Assistant,
) -> None:
    answer = assistant.ask(
        "Hvor ofte må betjentene se inn til en som sitter på sikkerhetscelle?", "kriminalomsorgen"
    )
    assert quoted(answer, "minimum én gang per time") or quoted(answer, "minimum en gang per time")
    assert answer.citations[0].passage.kind == "list_item"
    assert re.search(r"\(\d+ punkter? til i listen\)", answer.text), answer.text
    assert len(answer.citations) <= 5


def test_answer_keeps_the_ranking_it_was_drawn_from(assistant: Assistant) -> None:
    from assistant.api import RETRIEVED_KEPT
    from evals.baselines import RETRIEVE_K

    assert RETRIEVED_KEPT >= RETRIEVE_K  # the evaluation reads hit@10 from `Answer.retrieved`
    question, role = "Hvem skal varsles når en innsatt utelukkes?", "kriminalomsorgen"
    answer = assistant.ask(question, role)
    ranking = assistant.retrieve(question, role, k=RETRIEVED_KEPT)
    assert [h.passage.id for h in answer.retrieved] == [h.passage.id for h in ranking]
    ranked = {h.passage.id for h in answer.retrieved}
    leads = {h.passage.context for h in answer.retrieved if h.passage.kind == "list_item"}
    for c in answer.citations:  # ranked, or an item of a list the ranking quoted from
        assert c.passage.id in ranked or (
            c.passage.kind == "list_item" and c.passage.context in leads
        )
