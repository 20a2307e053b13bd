"""Sentence splitting keeps legal abbreviations and section numbers intact."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from analysis.sentences import split_sentences


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_splits_at_sentence_ends_only() -> None:
    text = (
        "Helsepersonell skal tilse minimum en gang per døgn, jf. straffegjennomføringsloven § 38. "
        "Innsatte under 18 år skal ha kontinuerlig tilsyn. Se punkt 7.1.3 fra 5. august 2011. "
        "Dette gjelder f.eks. Unge innsatte."
    )
    assert _texts(text) == [
        "Helsepersonell skal tilse minimum en gang per døgn, jf. straffegjennomføringsloven § 38.",
        "Innsatte under 18 år skal ha kontinuerlig tilsyn.",
        "Se punkt 7.1.3 fra 5. august 2011.",
        "Dette gjelder f.eks. Unge innsatte.",
    ]


def test_quote_closing_sentence_stays_with_it() -> None:
    text = "Her står det at «Utredning bør ikke gjennomføres.» Vi mener noe annet."
    assert _texts(text) == [
        "Her står det at «Utredning bør ikke gjennomføres.»",
        "Vi mener noe annet.",
    ]


@given(st.text(alphabet="abcæøå .,;:!?§«»()0123456789ABCÆØÅ\n", max_size=300))
def test_spans_are_exact_and_cover_all_words(text: str) -> None:
    spans = split_sentences(text)
    pieces = [text[s:e] for s, e in spans]
    assert all(p and p == p.strip() for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_leans_back_on_back_references_only() -> None:
    from analysis.sentences import leans_back

    assert leans_back("I slike tilfeller får de ansatte samme taushetsplikt.")
    assert leans_back("Dette kan for eksempel være når betjenter deler ut medisiner.")
    assert leans_back("Vilkåret er at den innsatte samtykker.")
    assert not leans_back("Vilkårene for vedtak om tvungent psykisk helsevern framgår av loven.")
    assert not leans_back("Formålet med utelukkelse er å ivareta sikkerheten.")
    assert not leans_back("Da kriminalomsorgen fikk ansvaret, ble rutinene endret.")
    assert not leans_back("I dette rundskrivet brukes begrepet isolasjon om flere situasjoner.")
    assert not leans_back("Det er viktig at helsetjenesten varsles.")


def test_a_precondition_leaning_back_is_found() -> None:
    from analysis.sentences import carries_on, states_precondition

    assert states_precondition("Dette forutsetter at lederen godkjenner ordningen.")
    assert carries_on("Dette forutsetter at lederen godkjenner ordningen.")
    assert not states_precondition("Lederen forutsetter ingenting.")  # does not lean back
    assert not states_precondition("Dette er viktig.")


def test_a_stray_full_stop_before_a_provisions_number_ends_no_sentence() -> None:
    text = (
        "Innsatte under 18 år skal alltid ha kontinuerlig tilsyn, jf. retningslinjer til "
        "straffegjennomføringsloven mv. punkt. 8.11.4. Fortløpende vurdere om tiltaket skal opprettholdes."
    )
    first, second = (text[s:e] for s, e in split_sentences(text))
    assert first.endswith("punkt. 8.11.4.") and second.startswith("Fortløpende")
