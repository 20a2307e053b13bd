"""Who a sentence binds, read off the sentence itself (analysis.actors)."""

from __future__ import annotations

import pytest

from analysis.actors import binds, sentence_actor


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Helsepersonell skal gi nødvendige opplysninger.", "helsepersonell"),
        ("Ved utelukkelse skal kriminalomsorgen:", "kriminalomsorgen"),
        ("Den kommunale helse- og omsorgstjenesten skal ha tilsyn.", "kommunehelse"),
        ("Spesialisthelsetjenesten skal", "spesialisthelse"),
        ("Både kriminalomsorgen og helse- og omsorgstjenesten må ha rutiner.", "felles"),
        ("De ansatte i kriminalomsorgen er underlagt taushetsplikt.", "kriminalomsorgen"),
        # Passive duties name no actor: the passage's structure decides.
        (
            "Opplysninger kan deles med helse- og omsorgstjenesten dersom den innsatte samtykker.",
            "",
        ),
        ("Dersom uttalelse ikke kan innhentes, skal lege varsles snarest.", ""),
        ("Vakta skal ikke få vite diagnosen.", "kriminalomsorgen"),
        ("Legevakta skal vurdere ham.", "kommunehelse"),
    ],
)
def test_sentence_actor(sentence: str, actor: str) -> None:
    assert sentence_actor(sentence) == actor


def test_health_personnel_duties_belong_to_both_health_services_not_the_prison() -> None:
    assert binds("helsepersonell", "kommunehelse") and binds("helsepersonell", "spesialisthelse")
    assert not binds("helsepersonell", "kriminalomsorgen")
    assert all(binds("felles", r) for r in ("kriminalomsorgen", "kommunehelse", "spesialisthelse"))
    assert not binds("kriminalomsorgen", "alle")
