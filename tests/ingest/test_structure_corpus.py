"""Cleaning + structure on the real bundled corpus: sections, footnotes, lists, web chrome."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import pytest

from ingest.clean import RawText, clean_text
from ingest.records import CleanText, Document, Passage
from ingest.structure import structure

SUBSECTIONS = (
    "4.1 4.2 4.3 4.4 5.1 5.1.1 5.1.2 5.1.3 5.2 5.2.1 5.2.2 5.2.3 5.2.4 5.3 5.3.1 5.3.2 5.3.3 5.3.4 "
    "6.1 6.2 6.3 7.1 7.1.1 7.1.2 7.1.3 7.2 7.3 8.1 8.2 8.3 8.4"
).split()
BOILERPLATE = [
    "Gå til hovedinnhold",
    "nettleser vi ikke støtter",
    "Om Helsedirektoratet",
    "Følg oss",
    "Se tidligere versjoner",
    "Postboks",
    "0213 Oslo",
    "Personvernerklæring",
    "Ledige stillinger",
    "tel:",
    "Forsiden",
    "Nyhetsvarsel",
    "Kontakt oss",
    "Åpne data",
]
Loaded = dict[str, tuple[Document, CleanText, list[Passage]]]


@pytest.fixture(scope="module")
def loaded(corpus_dir: Path) -> Loaded:
    manifest = tomllib.loads((corpus_dir / "manifest.toml").read_text(encoding="utf-8"))
    out: Loaded = {}
    for entry in manifest["document"]:
        path = corpus_dir / entry["file"]
        doc = Document(
            entry["id"],
            entry["title"],
            entry["type"],
            entry["issuer"],
            entry["date"] or None,
            entry["status"],
            str(path),
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        clean = clean_text(RawText(path.read_text(encoding="utf-8")))
        out[doc.id] = (doc, clean, structure(doc, clean))
    return out


def _find(passages: list[Passage], needle: str) -> Passage:
    hits = [p for p in passages if needle in p.text]
    assert len(hits) == 1, (needle, [p.id for p in hits])
    return hits[0]


def test_circular_subsections_have_heading_paths(loaded: Loaded) -> None:
    _, _, passages = loaded["rundskriv"]
    paths = {p.heading_path[: i + 1] for p in passages for i in range(len(p.heading_path))}
    by_number = {path[-1].split()[0].rstrip("."): path for path in paths}
    for number in SUBSECTIONS:
        assert number in by_number, number
        path = by_number[number]
        assert [h.split()[0].rstrip(".") for h in path] == [
            ".".join(number.split(".")[: i + 1]) for i in range(len(path))
        ]
    assert by_number["7.1.3"] == (
        "7. UTFORDRINGER SOM KREVER SÆRSKILT SAMARBEID",
        "7.1 Utelukkelse fra fellesskap og bruk av sikkerhetscelle eller sikkerhetsseng (isolasjon)",
        "7.1.3 Helse- og omsorgstjenestens ansvar",
    )
    assert {p.section for p in passages if p.heading_path[-1:] == (by_number["7.1.3"][-1],)} == {
        "7.1.3"
    }


def test_isolation_duties_land_in_right_sections(loaded: Loaded) -> None:
    _, _, passages = loaded["rundskriv"]
    assert _find(passages, "minimum en gang per døgn").section == "7.1.3"
    under18 = _find(passages, "Innsatte under 18 år skal ha kontinuerlig tilsyn")
    assert under18.section == "7.1.2" and under18.kind == "list_item"
    assert under18.context.startswith("Ved utelukkelse skal kriminalomsorgen:")


def test_bullet_after_footnote_block_is_one_passage(loaded: Loaded) -> None:
    _, _, passages = loaded["rundskriv"]
    item = _find(passages, "utarbeide en ukeplan der det forventes at utelukkelsen vil overstige")
    assert item.section == "7.1.2" and item.kind == "list_item"
    assert re.search(r"tre døgn \(72 timer\), som sikrer .* kontakt daglig$", item.text)


def test_footnotes_are_separate_and_linked(loaded: Loaded) -> None:
    _, _clean, passages = loaded["rundskriv"]
    notes = {p.id.rsplit(":", 1)[1]: p for p in passages if p.kind == "footnote"}
    assert sorted(notes, key=lambda k: int(k[2:])) == [f"fn{n}" for n in range(1, 20)]
    fn13 = notes["fn13"]
    assert fn13.text.startswith("Mandelareglene, regel 46 nr. 1") and fn13.section == "7.1.3"
    owner = next(p for p in passages if p.id == fn13.referenced_from[0])
    assert fn13.id in owner.footnotes and owner.section == "7.1.3"
    # «…sikkerhetsseng, skal13» sits in a list's lead-in: the first item of that list holds it.
    assert owner.kind == "list_item" and "Helsepersonell som gjennomfører tilsyn" in owner.context
    running = [p for p in passages if p.kind != "footnote"]
    for p in running:
        assert not re.search(r"Mandelareglene, regel 46|Helsedirektoratet \(20\d\d\)\.", p.text), (
            p.id
        )
        # No footnote marker glued to a word is left («helsetilstand.11», «skal13»).
        assert not re.search(r"[a-zæøå»)]\.?\d{1,2}(?:,\d{1,2})?(?=\s|$)", p.text), p.id


def test_spans_exact_and_nonempty(loaded: Loaded) -> None:
    for _, clean, passages in loaded.values():
        assert len({p.id for p in passages}) == len(passages)
        for p in passages:
            assert p.text.strip() and clean.text[p.start : p.end] == p.text
            assert p.roles == () and p.refs == ()


def test_no_passage_cut_mid_sentence(loaded: Loaded) -> None:
    for _, clean, passages in loaded.values():
        for p in passages:
            after = clean.text[p.end : p.end + 6].lstrip("\n ")
            enumerated = re.match(r"^[a-zæøå]\) ", after)
            assert enumerated or not after[:1].islower(), (p.id, p.text[-40:], after)
            assert not re.search(r"[,\-–]$| (og|eller|i|til|av|som|at)$", p.text), p.id
            if p.kind in {"paragraph", "comment"} and len(p.text) > 80:
                assert re.search(r"[.!?:;»)\"]$|https?://\S+$", p.text), (p.id, p.text[-40:])


def test_web_pages_hold_no_navigation(loaded: Loaded) -> None:
    for doc_id in ("temaside", "arsrapport-2018", "horingsutkast-individuell-plan"):
        _, _clean, passages = loaded[doc_id]
        for p in passages:
            for needle in BOILERPLATE:
                assert needle not in p.text, (doc_id, needle, p.text)
        assert passages, doc_id


def test_web_content_is_kept(loaded: Loaded) -> None:
    _, _, topic = loaded["temaside"]
    guide = _find(topic, "Helse- og omsorgstjenester til innsatte i fengsel (Nasjonal veileder")
    assert guide.kind == "list_item" and guide.heading == "Relevante normerende produkter"
    _, _, report = loaded["arsrapport-2018"]
    assert _find(report, "Taushetsplikt ved jurist").kind == "list_item"
    assert any(p.text.startswith("Siste faglige endring: 15. september 2019") for p in report)
    _, _, draft = loaded["horingsutkast-individuell-plan"]
    assert _find(draft, "beskrivelse av hvem som er koordinator").kind == "list_item"


def test_consultation_comments_sit_under_the_recommendation(loaded: Loaded) -> None:
    _, _, passages = loaded["horingsinnspill-nkrop"]
    comment = _find(passages, "Side 16/84 (PDF)")
    assert comment.kind == "comment" and comment.section == "side-16"
    assert comment.heading == (
        "Den kommunale helse- og omsorgstjenesten bør tilby kartlegging av innsattes kognitive funksjon."
    )
    assert comment.heading_path[-2] == "Helse- og omsorgstjenester til særlige sårbare innsatte"
    assert not any(
        p.text.startswith("Den kommunale helse- og omsorgstjenesten bør tilby") for p in passages
    )


def test_ids_are_deterministic(loaded: Loaded, corpus_dir: Path) -> None:
    doc, _, passages = loaded["rundskriv"]
    again = structure(doc, clean_text(RawText(Path(doc.path).read_text(encoding="utf-8"))))
    assert [p.id for p in again] == [p.id for p in passages]


def test_a_label_line_is_the_lead_in_of_the_paragraph_after_it(loaded: Loaded) -> None:
    """«Under revisjon:» on a line of its own used to be a passage, quoted alone as an answer."""
    for _, _, passages in loaded.values():
        for p in passages:
            assert not re.fullmatch(r"[^.!?:]{1,60}:", p.text.strip()), p.id
    _, _, draft = loaded["horingsutkast-individuell-plan"]
    after = _find(draft, "Høringsfristen er utgått.")
    assert after.context == "Under revisjon:" and after.kind == "paragraph"
    assert after.text.startswith("Høringsfristen")
