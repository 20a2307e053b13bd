"""assistant.answer.point.unknown_term: a specific word of the question the sources never use."""

from __future__ import annotations

from assistant.answer.point import unknown_term

CORPUS = {"innsatte", "lov", "cella", "celle", "helsetjenesten", "taushetsplikt"}


def known(word: str) -> bool:
    return word.lower() in CORPUS


def test_a_specific_word_the_sources_never_use_is_found() -> None:
    assert unknown_term("Har innsatte lov til å ha mobiltelefon på cella?", known) == "mobiltelefon"


def test_common_words_and_words_the_sources_use_are_not() -> None:
    # «kjæresten» is too common in general Norwegian to say the sources lack the topic.
    assert unknown_term("Kan innsatte få besøk av kjæresten sin?", known) is None
    assert unknown_term("Gjelder taushetsplikt for helsetjenesten?", known) is None


def test_service_names_source_names_and_concept_words_are_judged_elsewhere() -> None:
    assert unknown_term("Kan betjentene ringe legen?", known) is None  # actors and a concept
    assert unknown_term("Hva mener NKROP om mobiltelefon?", known, exclude={"nkrop"}) == (
        "mobiltelefon"
    )
    assert unknown_term("Han sitter på glattcelle", known) is None  # a concept's trigger
