"""Formal references: status and date, punkt, avsnitt counted within the section, side."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.cite import avsnitt_position, formal_reference, norwegian_date, status_label
from tests.assistant.test_verify import make_doc, make_index

DOC = make_doc(status="utkast", date="2023-03-02")
INDEX = make_index(
    [
        ("7.1.3", "Helse- og omsorgstjenestens ansvar", [
            ("paragraph", "Første avsnitt.", ()),
            ("paragraph", "Andre avsnitt, med en liste:", ()),
            ("list_item", "et punkt", ()),
            ("list_item", "et annet punkt", ()),
            ("paragraph", "Tredje avsnitt.", ()),
            ("footnote", "12 Se rapporten.", ()),
        ]),
    ],
    doc=DOC,
)  # fmt: skip
P = INDEX.passages


def test_dates_and_status() -> None:
    assert norwegian_date("2023-05-29") == "29.05.2023"
    assert norwegian_date("") is None
    assert status_label(DOC) == "utkast, 02.03.2023"


def test_avsnitt_counts_within_section_with_list_items_under_their_paragraph() -> None:
    assert [avsnitt_position(p, INDEX) for p in P] == [
        (1, None), (2, None), (2, 1), (2, 2), (3, None), (None, None)
    ]  # fmt: skip


def test_formal_reference_parts() -> None:
    ref = formal_reference(DOC, P[3], INDEX)
    assert ref == (
        "Departementet: Rundskriv rundskriv (utkast, 02.03.2023), "
        "punkt 7.1.3 Helse- og omsorgstjenestens ansvar, 2. avsnitt, 2. strekpunkt, side 3"
    )
    assert formal_reference(DOC, P[5], INDEX).endswith("fotnote 12, side 3")


@pytest.mark.slow
def test_real_reference_for_the_circular(real_index) -> None:  # type: ignore[no-untyped-def]
    passages = [p for p in real_index.passages if p.doc_id == "rundskriv" and p.section
                and p.kind == "paragraph"]  # fmt: skip
    target = passages[len(passages) // 2]
    same = [p for p in passages if p.section == target.section]
    doc = real_index.documents["rundskriv"]
    ref = formal_reference(doc, target, real_index)
    assert ref.startswith(f"{doc.issuer}: {doc.title} (gjeldende")
    assert f"punkt {target.section} " in ref
    n = int(re.search(r"(\d+)\. avsnitt", ref).group(1))  # type: ignore[union-attr]
    assert 1 <= n <= len(same)
    assert (f"side {target.page}" in ref) == (target.page is not None)


def test_list_under_a_new_lead_in_is_a_new_avsnitt() -> None:
    items = [
        replace(p, context=c) for p, c in zip(P[2:4], ("Ved A skal:", "Ved B skal:"), strict=True)
    ]
    index = make_index([])
    index.passages, index.by_id = (P[0], *items), {p.id: p for p in (P[0], *items)}
    assert [avsnitt_position(p, index) for p in index.passages] == [(1, None), (2, 1), (3, 1)]
