"""Quote verification: normalisation and diff logic on small strings, then real corpus quotes.

`make_index` builds a tiny in-memory view with the same shape as ingest.index.Index (documents,
passages, by_id, texts) so the logic around the index can be unit-tested; the slow tests use the
real index built once per session (tests/conftest.py).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.legal.quotes import material_texts, tokenize, word_diff
from assistant.legal.verify import (
    diff_html,
    fold,
    material_kinds,
    normalize,
    normalize_map,
    parse_claim,
    verify_quote,
)
from ingest.records import Document, LegalRef, Passage


@dataclass
class FakeIndex:
    documents: dict[str, Document]
    passages: tuple[Passage, ...]
    texts: dict[str, str]
    by_id: dict[str, Passage] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.passages}


def make_doc(doc_id: str = "rundskriv", status: str = "gjeldende", date: str = "") -> Document:
    return Document(
        doc_id, f"Rundskriv {doc_id}", "rundskriv", "Departementet", date, status, "x.txt", "0"
    )


def make_index(
    sections: list[tuple[str, str, list[tuple[str, str, tuple[LegalRef, ...]]]]],
    doc: Document | None = None,
) -> FakeIndex:
    """Sections of (number, heading, [(kind, text, refs)]) → a one-document index with spans."""
    doc = doc or make_doc()
    text, passages = "", []
    for number, heading, items in sections:
        text += f"{number} {heading}\n\n"
        for n, (kind, body, refs) in enumerate(items, 1):
            start = len(text)
            text += body + "\n\n"
            passages.append(
                Passage(
                    f"{doc.id}:{number}:{n}",
                    doc.id,
                    number,
                    heading,
                    (),
                    3,
                    kind,
                    body,
                    start,
                    start + len(body),
                    refs=refs,
                )
            )
    return FakeIndex({doc.id: doc}, tuple(passages), {doc.id: text})


SMALL = make_index(
    [
        ("6.2", "Helse- og omsorgstjenesten", [
            ("paragraph", "Helsepersonell har taushetsplikt etter helsepersonelloven § 21.", ()),
        ]),
        ("7.1.3", "Helse- og omsorgstjenestens ansvar", [
            ("paragraph", "Helsetjenesten skal tilse innsatte som er utelukket fra fellesskapet\n"
                          "innen 24 timer, jf. «straffegjennomføringsloven» § 37.", ()),
            ("paragraph", "Legen kan ikke nekte å se den innsatte én gang daglig.", ()),
        ]),
    ]
)  # fmt: skip


# ------------------------------------------------------------------ normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("helse-   og\n\n omsorgstjenesten", "helse- og omsorgstjenesten"),
        ("taushets\u00adplikt", "taushetsplikt"),
        ("tilrette-\nlegge for", "tilrettelegge for"),
        ("helse-\n\nog omsorg", "helse- og omsorg"),
        ("«innsatte»", '"innsatte"'),
        ("“innsatte”", "'innsatte'"),
        ("§§ 13–13 e", "§§ 13-13 e"),
        ("ROP-\nlidelse", "ROP-lidelse"),
        ("# 7.1 Utelukkelse\n\n• første punkt", "7.1 Utelukkelse første punkt"),
        ("løslatelse fra fengsel.1 Overhyppigheten", "løslatelse fra fengsel. Overhyppigheten"),
    ],
)
def test_normalize_equates_typographic_variants(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("punkt 7.1 Helse", "punkt 7. Helse"),  # a section number is not a footnote marker
        ("nr. 4", "nr. 5"),
        ("helse- og omsorg", "helseog omsorg"),
        ("skal", "bør"),
    ],
)
def test_normalize_keeps_real_differences(a: str, b: str) -> None:
    assert fold(normalize(a)) != fold(normalize(b))


@given(st.text(alphabet="ab-.1 \n\u00ad«»é§#•", max_size=40))
def test_normalize_map_points_back_into_the_source(text: str) -> None:
    norm, offsets = normalize_map(text)
    assert len(norm) == len(offsets)
    assert offsets == sorted(set(offsets))
    for ch, pos in zip(norm, offsets, strict=True):
        assert (ch == " " and text[pos].isspace()) or ch == text[pos]
    assert normalize(norm) == norm
    assert len(fold(norm)) == len(norm)


# ------------------------------------------------------------------ material differences


@pytest.mark.parametrize(
    ("source", "quote", "kinds"),
    [
        ("72", "48", ["number"]),
        ("én gang", "to ganger", ["number"]),
        ("én", "en", []),
        ("en", "et", []),
        ("", "ikke", ["negation"]),
        ("aldri", "", ["negation"]),
        ("skal", "bør", ["modal"]),
        ("skal", "skulle", []),
        ("må ikke", "kan", ["negation", "modal"]),
        ("omsorgstjenesten", "tjenesten", []),
        ("uten ugrunnet opphold", "innen 24 timer", ["time"]),
        ("straks", "", ["time"]),
        ("daglig", "ukentlig", ["time"]),
        ("den kommunale helse - og omsorgstjenesten", "spesialisthelsetjenesten", ["actor"]),
        ("legen", "sykepleieren", ["actor"]),
        ("fengselslederen", "betjenten", ["actor"]),
        ("den innsatte", "kriminalomsorgen", ["actor"]),
        ("helsepersonell og kriminalomsorgen", "helsepersonell", ["actor"]),
        ("legen", "legene", []),
    ],
)
def test_material_kinds(source: str, quote: str, kinds: list[str]) -> None:
    assert material_kinds(source.split(), quote.split()) == kinds


def _diff(source: str, quote: str) -> list[tuple[str, str, list[str]]]:
    """The non-equal ops of the word diff between two texts: (source, quote, material kinds)."""
    s_norm, q_norm = normalize(source), normalize(quote)
    s_tok, q_tok = tokenize(s_norm), tokenize(q_norm)
    s_keys = [fold(s_norm)[a:b] for a, b in s_tok]
    q_keys = [fold(q_norm)[a:b] for a, b in q_tok]
    ops = word_diff(s_norm, s_tok, s_keys, q_norm, q_tok, q_keys)
    return [(o["source"], o["quote"], o["material"]) for o in ops if o["op"] != "equal"]


@pytest.mark.parametrize(
    ("source", "quote", "expected"),
    [
        # A number before a time unit is a deadline, not a count.
        ("tilsyn innen 24 timer", "tilsyn innen 48 timer", [("24", "48", ["time"])]),
        ("tilsyn én gang daglig", "tilsyn to ganger daglig", [("én gang", "to ganger", ["number"])]),
        # Numbers, laws and ledd inside a reference are a changed provision.
        ("jf. straffegjennomføringsloven § 37 syvende ledd",
         "jf. straffegjennomføringsloven § 38 syvende ledd", [("37", "38", ["legal_ref"])]),
        ("jf. straffegjennomføringsloven § 37 syvende ledd",
         "jf. helsepersonelloven § 37 syvende ledd",
         [("straffegjennomføringsloven", "helsepersonelloven", ["legal_ref"])]),
        ("jf. helsepersonelloven § 21 første ledd", "jf. helsepersonelloven § 21 andre ledd",
         [("første", "andre", ["legal_ref"])]),
        # Leaving the law's name out is shown but changes no provision.
        ("taushetsplikt etter helsepersonelloven § 21", "taushetsplikt etter § 21",
         [("helsepersonelloven", "", [])]),
    ],
)  # fmt: skip
def test_material_kinds_in_context(
    source: str, quote: str, expected: list[tuple[str, str, list[str]]]
) -> None:
    assert _diff(source, quote) == expected


def test_material_lines_say_what_changed_and_quote_the_whole_reference() -> None:
    s_norm = normalize(
        "varsles uten ugrunnet opphold, jf. straffegjennomføringsloven § 37 syvende ledd"
    )
    q_norm = normalize("varsles innen 24 timer, jf. straffegjennomføringsloven § 38 syvende ledd")
    s_tok, q_tok = tokenize(s_norm), tokenize(q_norm)
    ops = word_diff(s_norm, s_tok, [fold(s_norm)[a:b] for a, b in s_tok],
                    q_norm, q_tok, [fold(q_norm)[a:b] for a, b in q_tok])  # fmt: skip
    assert material_texts(ops) == (
        "frist/tidsangivelse: kilden «uten ugrunnet opphold», sitatet «innen 24 timer»",
        "lovhenvisning: kilden «straffegjennomføringsloven § 37 syvende ledd», "
        "sitatet «straffegjennomføringsloven § 38 syvende ledd»",
    )


@pytest.mark.parametrize(
    ("claimed", "section", "doc_type"),
    [
        ("rundskrivet punkt 7.1.3", "7.1.3", "rundskriv"),
        ("pkt. 6.2", "6.2", None),
        ("rundskriv 7.1.3", "7.1.3", "rundskriv"),
        ("7.1.3.", "7.1.3", None),
        ("veilederen, side 12", None, "veileder"),
        ("helsepersonelloven § 21", None, None),
    ],
)
def test_parse_claim(claimed: str, section: str | None, doc_type: str | None) -> None:
    assert parse_claim(claimed) == (section, doc_type)


# ------------------------------------------------------------------ verify on a small index


def test_exact_quote_reports_its_passage() -> None:
    r = verify_quote(SMALL, "Legen kan ikke nekte å se den innsatte én gang daglig.")
    assert (r.status, r.passage_id, r.section, r.page) == ("exact", "rundskriv:7.1.3:2", "7.1.3", 3)
    assert r.similarity == 1.0 and not r.material and not r.diff


def test_rewrapped_quote_with_other_marks_is_exact() -> None:
    quote = "innen 24\n timer, jf. “straffegjennomførings-\nloven” §\u00a037"
    r = verify_quote(SMALL, quote)
    assert r.status == "exact"
    assert r.passage_id == "rundskriv:7.1.3:1"


def test_quote_spanning_two_passages_reports_both() -> None:
    r = verify_quote(SMALL, "jf. straffegjennomføringsloven § 37. Legen kan ikke nekte")
    assert r.status == "exact"
    assert r.passages == ("rundskriv:7.1.3:1", "rundskriv:7.1.3:2")


def test_changed_modal_is_near_and_material() -> None:
    r = verify_quote(SMALL, "Legen bør ikke nekte å se den innsatte én gang daglig.")
    assert r.status == "near"
    assert r.passage_id == "rundskriv:7.1.3:2"
    assert any(m.startswith("modalverb") for m in r.material)
    assert {"op": "replace", "source": "kan", "quote": "bør", "material": ["modal"]} in r.diff


def test_dropped_negation_and_changed_number_are_material() -> None:
    r = verify_quote(SMALL, "Legen kan nekte å se den innsatte to ganger daglig.")
    assert r.status == "near"
    kinds = {k for op in r.diff for k in op["material"]}
    assert kinds == {"negation", "number"}
    assert len(r.material) == 2


def test_dropped_plain_word_is_near_but_not_material() -> None:
    r = verify_quote(SMALL, "Helsepersonell har taushetsplikt etter § 21.")
    assert r.status == "near" and 0.75 <= r.similarity < 1.0
    assert r.material == ()
    assert [op["source"] for op in r.diff if op["op"] == "delete"] == ["helsepersonelloven"]


def test_fabricated_quote_is_not_found_with_the_closest_passage() -> None:
    r = verify_quote(SMALL, "Besøk skal alltid avtales med fengselsbetjent på forhånd.")
    assert r.status == "not_found"
    assert r.passage_id is None and r.similarity < 0.75
    assert r.closest is not None and r.closest["passage_id"] in SMALL.by_id
    assert r.closest["similarity"] == round(r.similarity, 4) > 0
    assert r.closest["reference"].startswith("Departementet, «Rundskriv rundskriv»")


def test_claimed_section_checked_against_found_passage() -> None:
    quote = "Helsepersonell har taushetsplikt"
    right = verify_quote(SMALL, quote, "rundskrivet punkt 6.2")
    assert (right.status, right.claimed_section_ok) == ("exact", True)
    wrong = verify_quote(SMALL, quote, "rundskrivet punkt 7.1.3")
    assert wrong.status == "exact_elsewhere" and wrong.claim_problem == "punkt"
    assert wrong.claimed_section_ok is False and wrong.section == "6.2"
    assert wrong.short_reference == "Rundskrivet punkt 6.2, 1. avsnitt, s. 3"
    other = verify_quote(SMALL, quote, "veilederen punkt 6.2")
    assert other.status == "exact_elsewhere" and other.claim_problem == "ukjent dokument"
    unclaimed = verify_quote(SMALL, quote)
    assert (unclaimed.status, unclaimed.claimed_section_ok) == ("exact", None)
    # Nothing checkable in the claim: the quote is exact, the claim unchecked.
    loose = verify_quote(SMALL, quote, "helsepersonelloven § 21")
    assert (loose.status, loose.claimed_section_ok) == ("exact", None)


def test_near_quote_in_the_claimed_place_is_not_called_right() -> None:
    from assistant.commands.verify import format_result

    r = verify_quote(SMALL, "Legen bør ikke nekte å se den innsatte én gang daglig.", "punkt 7.1.3")
    text = format_result(r)
    assert r.status == "near" and r.claimed_section_ok is True
    assert "stemmer." not in text
    assert "ligner mest står der, men sitatet er ikke ordrett" in text


def test_empty_quote_is_an_error() -> None:
    with pytest.raises(ValueError, match="tomt"):
        verify_quote(SMALL, " « » ")


def test_json_and_html_shapes() -> None:
    r = verify_quote(SMALL, "Legen bør ikke nekte å se den innsatte én gang daglig.")
    data = r.to_json()
    for key in ("status", "doc_id", "section", "page", "passage_id", "similarity", "diff",
                "claimed_section_ok"):  # fmt: skip
        assert key in data
    html = diff_html(r)
    assert '<del class="diff-del material"' in html and ">kan</del>" in html
    assert ">bør</ins>" in html
    assert "Fant ikke" in diff_html(verify_quote(SMALL, "Helt oppdiktet tekst om noe annet."))


# ------------------------------------------------------------------ the real corpus


def _sentences(index, doc_id: str, pattern: str) -> list[tuple[Passage, str]]:  # type: ignore[no-untyped-def]
    out = []
    for p in index.passages:
        if p.doc_id != doc_id or p.kind not in ("paragraph", "list_item"):
            continue
        for s in re.split(r"(?<=[.!?])\s+", p.text):
            if re.search(pattern, s) and 10 <= len(s.split()) <= 40:
                out.append((p, s))
    return out


@pytest.mark.slow
def test_real_quotes_exact_rewrapped_and_remarked(real_index) -> None:  # type: ignore[no-untyped-def]
    passage, sentence = _sentences(real_index, "rundskriv", r"\bskal\b")[0]
    words = sentence.split()
    rewrapped = "\n".join(" ".join(words[i : i + 5]) for i in range(0, len(words), 5))
    longest = max(words, key=len)
    hyphenated = rewrapped.replace(longest, longest[:4] + "-\n" + longest[4:], 1)
    remarked = "“" + sentence.replace("«", '"').replace("»", '"') + "”"
    for quote in (sentence, rewrapped, hyphenated, remarked):
        r = verify_quote(real_index, quote)
        assert r.status == "exact", quote
        assert passage.id in r.passages + r.also_found


@pytest.mark.slow
def test_real_quote_from_the_raw_delivered_file_is_exact(real_index, corpus_dir) -> None:  # type: ignore[no-untyped-def]
    raw = (corpus_dir / real_index.documents["rundskriv"].path.split("/")[-1]).read_text("utf-8")
    lines = raw.splitlines()
    at = next(i for i, line in enumerate(lines) if "helsepersonelloven § 21" in line)
    quote = "\n".join(lines[at - 2 : at + 1]).strip()  # as delivered: with its blank line
    assert "\n" in quote
    r = verify_quote(real_index, quote)
    assert r.status == "exact"
    assert any(re.search(r"helsepersonelloven\s+§\s*21", real_index.by_id[i].text)
               for i in r.passages)  # fmt: skip


@pytest.mark.slow
def test_real_altered_quotes_are_flagged(real_index) -> None:  # type: ignore[no-untyped-def]
    _, sentence = _sentences(real_index, "rundskriv", r"\bskal\b")[0]
    modal = verify_quote(real_index, re.sub(r"\bskal\b", "bør", sentence, count=1))
    assert modal.status == "near"
    assert any(m.startswith("modalverb") for m in modal.material)

    _, numbered = _sentences(real_index, "rundskriv", r"\b\d{2}\b")[0]
    number = re.search(r"\b\d{2}\b", numbered)
    assert number is not None
    changed = numbered[: number.start()] + str(int(number.group()) + 11) + numbered[number.end() :]
    r = verify_quote(real_index, changed)
    assert r.status == "near" and any(m.startswith("tall") for m in r.material)

    words = sentence.split()
    rng = random.Random(7)
    plain = [i for i, w in enumerate(words[1:-1], 1) if len(w) > 6 and w.isalpha()]
    drop = rng.choice(plain)
    dropped = " ".join(w for i, w in enumerate(words) if i != drop)
    r = verify_quote(real_index, dropped)
    assert r.status == "near" and r.material == ()
    assert [op["source"] for op in r.diff if op["op"] != "equal"] == [words[drop]]


@pytest.mark.slow
def test_real_fabricated_quote_and_wrong_claim(real_index) -> None:  # type: ignore[no-untyped-def]
    fake = "Innsatte skal få besøk av tannlege hver fredag, og fengselsbetjenten fører protokoll."
    assert verify_quote(real_index, fake).status == "not_found"
    passage, sentence = _sentences(real_index, "rundskriv", r"\bskal\b")[0]
    other = next(p.section for p in real_index.passages
                 if p.doc_id == "rundskriv" and p.section and p.section != passage.section)  # fmt: skip
    right = verify_quote(real_index, sentence, f"rundskrivet punkt {passage.section}")
    wrong = verify_quote(real_index, sentence, f"rundskrivet punkt {other}")
    assert right.claimed_section_ok is True
    assert wrong.claimed_section_ok is False and wrong.section == passage.section


@pytest.mark.slow
def test_real_quote_across_two_passages(real_index) -> None:  # type: ignore[no-untyped-def]
    text = real_index.texts["rundskriv"]
    pairs = [
        (a, b) for a, b in zip(real_index.passages, real_index.passages[1:], strict=False)
        if a.doc_id == b.doc_id == "rundskriv" and a.kind == b.kind == "paragraph"
        and not text[a.end : b.start].strip()
        and len(a.text.split()) > 8 and len(b.text.split()) > 8
    ]  # fmt: skip
    a, b = pairs[len(pairs) // 2]
    quote = " ".join(a.text.split()[-5:]) + "\n\n" + " ".join(b.text.split()[:5])
    r = verify_quote(real_index, quote)
    assert r.status == "exact"
    assert r.passages == (a.id, b.id)


def test_readable_verdict_names_source_status_and_differences() -> None:
    from assistant.commands.verify import format_result

    r = verify_quote(SMALL, "Legen bør ikke nekte å se den innsatte én gang daglig.", "pkt. 6.2")
    text = format_result(r)
    assert text.startswith("Resultat: Nesten likt")
    assert "(Gjeldende)" in text and "punkt 7.1.3 Helse- og omsorgstjenestens ansvar" in text
    assert (
        "stemmer ikke (feil punkt) – teksten som ligner mest, står i Rundskrivet punkt 7.1.3"
        in text
    )
    assert "modalverb: kilden «kan», sitatet «bør»" in text


@pytest.mark.slow
def test_cli_verify_json(real_settings, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from assistant.cli import main

    monkeypatch.setenv("HJEMMEL_HOME", str(real_settings.home))
    passage, sentence = _sentences_real(real_settings)
    code = main(["verify", sentence, "--claimed", f"punkt {passage.section}", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["status"] == "exact" and data["claimed_section_ok"] is True
    assert main(["verify", "Dette står ikke i noen kilde om fengsel i det hele tatt."]) == 1
    assert "Ikke funnet" in capsys.readouterr().out


def _sentences_real(settings) -> tuple[Passage, str]:  # type: ignore[no-untyped-def]
    from ingest.index import Index

    return _sentences(Index.open(settings.index_dir), "rundskriv", r"\bskal\b")[0]
