"""hjemmel from llama-index: the public adapter over the session's real index and model.

A llama-index `RetrieverQueryEngine` over `HjemmelRetriever`, with hjemmel's own synthesizer and
with llama-index's no-LLM one, gets the circular's 7.1.2 notification sentence; the nodes carry
what a citation needs; bad input is named in Norwegian; the README's five-line example runs.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.llamaindex import NODE_METADATA, HjemmelRetriever, HjemmelSynthesizer

pytestmark = pytest.mark.slow

QUESTION = "Må vi varsle lege ved utelukkelse?"
SENTENCE = "varsle lege i den kommunale helse- og omsorgstjenesten uten ugrunnet opphold"
README = Path(__file__).resolve().parents[2] / "README.md"


def test_a_retriever_query_engine_over_the_retriever_answers_with_hjemmels_cited_answer(
    real_assistant: Assistant,
) -> None:
    from llama_index.core.query_engine import RetrieverQueryEngine

    retriever = HjemmelRetriever(real_assistant, role="kriminalomsorgen")
    engine = RetrieverQueryEngine(retriever, HjemmelSynthesizer(retriever))
    response = engine.query(QUESTION)
    assert SENTENCE in str(response)
    first = response.source_nodes[0]
    assert first.node.metadata["section"] == "7.1.2" and first.node.metadata["n"] == 1
    assert SENTENCE in first.node.metadata["quote"]
    assert first.node.metadata["quote"] in first.node.get_content()  # verbatim in the passage
    assert first.node.metadata["status"] == "gjeldende" and first.score is not None
    answer = response.metadata["answer"]  # type: ignore[index]
    assert answer["refused"] is False and answer["citations"][0]["section"] == "7.1.2"
    # The same through llama-index's own synthesizer without an LLM: the passages are the answer.
    # (NoText directly: get_response_synthesizer("no_text") drops the llm it is given and would
    # resolve llama-index's default OpenAI model.)
    from llama_index.core.llms import MockLLM
    from llama_index.core.response_synthesizers.no_text import NoText

    plain = RetrieverQueryEngine(retriever, NoText(llm=MockLLM())).query(QUESTION)
    top = plain.source_nodes[0].node
    assert top.metadata["section"] == "7.1.2" and SENTENCE in top.get_content()


def test_nodes_carry_section_status_page_roles_and_the_quotable_text(
    real_assistant: Assistant,
) -> None:
    retriever = HjemmelRetriever(real_assistant, role="kommunehelse", similarity_top_k=4)
    found = retriever.retrieve("Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?")
    assert len(found) == 4 and [n.score for n in found] == sorted(
        (n.score for n in found), reverse=True
    )
    for hit in found:
        meta = hit.node.metadata
        assert set(NODE_METADATA) <= set(meta)
        passage = real_assistant.index.by_id[hit.node.node_id]
        assert hit.node.get_content() == passage.text == meta["quote"]
        assert meta["page"] is None  # the bundled circular is a text file without page breaks
        assert meta["roles"] == ",".join(passage.roles)
    assert any("minimum en gang per døgn" in n.node.get_content() for n in found)
    # A consultation comment is placed by the draft's page, never by an internal section id.
    comment = HjemmelRetriever(real_assistant, documents={"horingsinnspill-nkrop"}).retrieve(
        "samtykke til å innhente opplysninger ved innkomst"
    )
    places = {n.node.metadata["place"] for n in comment}
    assert "merknad til side 27 i høringsutkastet" in places
    assert not any(re.search(r"side-\d", p) for p in places)


def test_bad_input_is_named_in_norwegian(real_assistant: Assistant) -> None:
    with pytest.raises(ValueError, match="Ukjent rolle «fengselsleder»"):
        HjemmelRetriever(real_assistant, role="fengselsleder")
    with pytest.raises(ValueError, match="similarity_top_k må være minst 1"):
        HjemmelRetriever(real_assistant, similarity_top_k=0)
    with pytest.raises(ValueError, match="Ukjent dokument: veileder-2030"):
        HjemmelRetriever(real_assistant, documents={"veileder-2030"})
    assert HjemmelRetriever(real_assistant).retrieve("   ") == []


def test_the_readme_example_runs(real_env: Path) -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Fra llama-index", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) == 5  # the README promises five lines
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    printed = out.getvalue()
    assert printed.startswith("Ja – kriminalomsorgen skal") and SENTENCE in printed
