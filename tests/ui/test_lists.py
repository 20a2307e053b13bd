"""ui.lists: a quoted list's «(N punkter til i listen)» opens in place with exactly those items."""

from __future__ import annotations

from assistant.records import Answer, Citation
from ingest.records import Document, Passage
from tests.ui.test_render import _Index
from ui.lists import remainders
from ui.render import answer_markdown

DOC = Document("rs", "Rundskriv", "rundskriv", "JD", None, "gjeldende", "p", "h")
LEAD = "Ved utelukkelse skal kriminalomsorgen:"


def _item(n: int, text: str, context: str = LEAD, section: str = "7.1.2") -> Passage:
    return Passage(f"rs:{section}:{n}", "rs", section, "Kriminalomsorgens ansvar", (), None,
                   "list_item", text, 0, len(text), context=context)  # fmt: skip


ITEMS = (
    _item(1, "bruke utelukkelse med varsomhet"),
    _item(2, "varsle lege uten ugrunnet opphold"),
    _item(3, "føre tilsyn flere ganger daglig"),
    _item(
        4,
        "ha tilsyn én gang per time",
        context="Ved bruk av sikkerhetscelle skal kriminalomsorgen:",
    ),
    _item(5, "noe annet", section="5.2.1"),
)
TEXT = (
    "Ifølge rundskrivet punkt 7.1.2:\n\n"
    f"- **Kriminalomsorgen**: *{LEAD}*\n"
    "    - varsle lege uten ugrunnet opphold [1]\n"
    "    - *(2 punkter til i listen)*"
)


def test_the_count_line_opens_to_the_lists_uncited_items_in_source_order() -> None:
    answer = Answer(
        "q", "kriminalomsorgen", TEXT, (Citation(1, ITEMS[1], DOC, "varsle", True),), False
    )
    index = _Index({"rs": DOC}, ITEMS)
    rest = remainders(answer, index.passages)
    assert {n: [p.id for p in ps] for n, ps in rest.items()} == {4: ["rs:7.1.2:1", "rs:7.1.2:3"]}
    bubble = answer_markdown(answer, 1, index)
    assert '<details class="list-rest"><summary>(2 punkter til i listen)</summary>' in bubble
    assert bubble.index("bruke utelukkelse") < bubble.index("føre tilsyn flere")
    assert "én gang per time" not in bubble and "noe annet" not in bubble  # other lists
    assert "(#kilde-1-1)" in bubble  # the markers are still links
    # Without the index (a library caller's view) the line stays as the composer wrote it.
    assert "*(2 punkter til i listen)*" in answer_markdown(answer, 1)


def test_the_composers_note_stays_a_quote_while_source_text_is_escaped() -> None:
    text = (
        "- Se <b>dette</b> [1]\n\n> Kilden «Utkast» er et høringsutkast, ikke gjeldende regelverk."
    )
    bubble = answer_markdown(Answer("q", "alle", text, (), False), 1)
    assert "\n> Kilden «Utkast»" in bubble and "&gt; Kilden" not in bubble
    assert "&lt;b&gt;dette&lt;/b&gt;" in bubble
