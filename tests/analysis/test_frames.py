"""Sentence frames (analysis.frames): who must do what, for whom, when, on which basis."""

from __future__ import annotations

from analysis.frames import frame_json, parse_frames, span_text, structural_actor
from analysis.records import Frame

LEAD = "Ved utelukkelse skal kriminalomsorgen:"
ITEM = (
    "varsle lege i den kommunale helse- og omsorgstjenesten uten ugrunnet opphold om innsatte "
    "som er utelukket fra fellesskapet, jf. straffegjennomføringsloven § 37 syvende ledd."
)


def _one(text: str, kind: str = "paragraph", lead: str = "", role: str = "") -> Frame:
    return parse_frames(text, kind, lead, role)[0]


def test_a_list_item_is_read_with_its_lead_in() -> None:
    f = _one(ITEM, "list_item", LEAD, "kriminalomsorgen")
    assert (
        f.actor is not None and f.actor.label == "kriminalomsorgen" and f.actor.where == "context"
    )
    assert span_text(f.actor, ITEM, LEAD) == "kriminalomsorgen"
    assert f.modality is not None and f.modality.label == "skal"
    assert "varsle" in f.labels("actions")
    assert f.counterpart is not None and f.counterpart.label == "helsepersonell"  # «lege»
    assert [t.label for t in f.time] == ["deadline"]
    assert span_text(f.time[0], ITEM) == "uten ugrunnet opphold"
    assert "utelukkelse" in f.labels("conditions")
    assert any("§ 37" in b.label for b in f.basis)


def test_every_field_is_a_span_of_the_source() -> None:
    text = (
        "Ansatte i kriminalomsorgen har, uavhengig av innsattes samtykke, plikt til å varsle helse- "
        "og omsorgstjenesten dersom det er noe som tyder på at den innsatte er syk, jf. forskrift "
        "til straffegjennomføringsloven § 3-16."
    )
    f = _one(text, role="kriminalomsorgen")
    assert f.modality is not None and f.modality.label == "skal"
    assert f.labels("conditions") >= {"uten_samtykke", "syk"}
    data = frame_json(f, text)
    for field in ("actor", "modality", "counterpart"):
        assert data[field]["text"] in text  # type: ignore[index]
    for field in ("actions", "conditions", "time", "basis"):
        for span in data[field]:  # type: ignore[attr-defined]
            assert span["text"] in text


def test_permission_prohibition_and_not_obliged() -> None:
    assert (
        _one(
            "Taushetsplikten er ikke til hinder for deling når den det gjelder har gitt samtykke."
        ).modality.label
        == "ikke_hinder"
    )  # type: ignore[union-attr]
    assert (
        _one("Helsepersonellet skal ikke «klarere» bruk av tvangsmidler.").modality.label
        == "skal_ikke"
    )  # type: ignore[union-attr]
    f = _one(
        "Bestemmelsen innebærer ikke at helsepersonell er forpliktet til å gi kriminalomsorgen "
        "de opplysningene som kriminalomsorgen ønsker å få."
    )
    assert f.modality is not None and f.modality.label == "ikke_plikt"
    assert f.actor is not None and f.actor.label == "helsepersonell"
    assert f.counterpart is not None and f.counterpart.label == "kriminalomsorgen"


def test_a_thing_as_subject_binds_no_one_named_later() -> None:
    f = _one(
        "Taushetsplikten skal også bidra til at pasienter gir fra seg opplysninger, slik at "
        "helsepersonellet kan yte forsvarlig helsehjelp.",
        role="helsepersonell",
    )
    assert f.actor is None  # not «helsepersonellet», not the section's role either


def test_a_passive_rule_takes_the_sections_role_marked_as_structure() -> None:
    f = _one("Opplysningene kan deles med helse- og omsorgstjenesten dersom den innsatte samtykker.",
             role="kriminalomsorgen")  # fmt: skip
    assert f.actor is None or f.actor.where in ("structure", "text")
    g = _one("Lege skal varsles snarest.", role="kriminalomsorgen")
    assert (
        g.actor is not None and g.actor.where == "structure" and g.actor.label == "kriminalomsorgen"
    )


def test_both_services_as_subject_bind_both_sides() -> None:
    f = _one("Fengselet og helse- og omsorgstjenesten må etablere et samarbeid om tilsyn.")
    assert f.actor is not None and f.actor.label == "felles"


def test_the_basis_in_the_sentence_after_belongs_to_the_sentence() -> None:
    text = (
        "I tillegg kan retten beslutte at varetektsinnsatte skal underlegges såkalt «fullstendig "
        "isolasjon». Hjemmelen for dette er straffeprosessloven § 186 a."
    )
    first = parse_frames(text, "paragraph")[0]
    assert first.actor is not None and first.actor.label == "domstol"
    assert [b.where for b in first.basis] == ["next"]
    assert "186 a" in first.basis[0].label


def test_a_day_is_no_sharing_and_a_text_reference_no_referral() -> None:
    f = _one("Innsatte kan være innlåst store deler av døgnet uten formelt grunnlag.")
    assert "dele" not in f.labels("actions")
    g = _one("Det henvises i teksten til kommunens plikt til samarbeid.")
    assert "henvise" not in g.labels("actions")


def test_structural_actor_from_the_sections_roles() -> None:
    assert structural_actor(["kriminalomsorgen"]) == "kriminalomsorgen"
    assert structural_actor(["kommunehelse", "spesialisthelse"]) == "helsepersonell"
    assert structural_actor(["kriminalomsorgen", "kommunehelse", "spesialisthelse"]) == "felles"
    assert structural_actor([]) == ""


def test_frames_round_trip_through_json() -> None:
    f = _one(ITEM, "list_item", LEAD, "kriminalomsorgen")
    assert Frame.from_dict(f.to_dict()) == f
