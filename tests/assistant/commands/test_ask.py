"""`hjemmel ask` through `assistant.cli.main`, on the real index: the JSON contract and batch mode.

Checks the JSON shape issue 3 promises to scripts and the evaluation suite, and that a batch file
with broken lines still gets one output line per input line, in order, with errors on stderr by
line number. It does not judge answer quality (test_answers) and does not run a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main

pytestmark = pytest.mark.slow

ANSWER_KEYS = {"question", "role", "answer", "refused", "citations", "timings_ms"}
CITATION_KEYS = {
    "n",
    "passage_id",
    "doc_id",
    "doc_title",
    "doc_type",
    "status",
    "section",
    "heading",
    "page",
    "quote",
    "text",
}


def check_shape(data: dict[str, object]) -> None:
    assert set(data) >= ANSWER_KEYS
    assert isinstance(data["answer"], str) and data["answer"]
    assert isinstance(data["refused"], bool)
    timings = data["timings_ms"]
    assert isinstance(timings, dict) and "total" in timings
    citations = data["citations"]
    assert isinstance(citations, list)
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    for c in citations:
        assert set(c) >= CITATION_KEYS
        assert c["quote"] and c["quote"] in c["text"]
        assert c["passage_id"].startswith(f"{c['doc_id']}:")


def test_ask_json_prints_the_issue_shape(
    real_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?"
    code = main(["ask", question, "--json", "--role", "kommunehelse"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    check_shape(data)
    assert data["question"] == question
    assert data["role"] == "kommunehelse"
    assert data["refused"] is False
    assert "7.1.3" in {c["section"] for c in data["citations"]}
    assert any(c["status"] == "gjeldende" for c in data["citations"])


def test_ask_plain_text_lists_sources(real_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "Hva sier helsepersonelloven § 23 nr. 4?", "--role", "jurist"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Kilder:" in out
    assert "[1]" in out


def test_batch_answers_every_line_in_order_and_reports_bad_lines(
    real_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(
            {
                "id": "a",
                "question": "Kan fengselet dele taushetsbelagte opplysninger med helsetjenesten?",
                "role": "kriminalomsorgen",
            },
            ensure_ascii=False,
        ),
        '{"id": "brutt", "question": "Hva sier',
        json.dumps({"id": "c", "question": "Hva er isolasjon?", "role": "fengselsprest"}),
        json.dumps(
            {
                "id": "d",
                "question": "Og for dem under 18 år?",
                "role": "kriminalomsorgen",
                "history": [{"question": "Hva skal kriminalomsorgen gjøre ved utelukkelse?"}],
            },
            ensure_ascii=False,
        ),
    ]
    batch = real_env / "sporsmal.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["ask", "--batch", str(batch), "--json"])
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    assert code != 0  # some lines failed
    assert len(out) == len(lines)
    assert out[0]["id"] == "a"
    check_shape(out[0])
    assert out[1]["line"] == 2 and "error" in out[1]
    assert out[2]["line"] == 3 and "fengselsprest" in out[2]["error"]
    assert out[3]["id"] == "d"
    check_shape(out[3])
    assert any("kontinuerlig tilsyn" in " ".join(c["quote"].split()) for c in out[3]["citations"])
    assert f"{batch}:2:" in captured.err
    assert f"{batch}:3:" in captured.err
    assert f"{batch}:1:" not in captured.err and f"{batch}:4:" not in captured.err


def test_unknown_role_on_the_command_line_is_rejected(
    real_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ask", "Hva er isolasjon?", "--role", "fengselsprest"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "kommunehelse" in err and "kriminalomsorgen" in err


def test_batch_with_only_answers_from_the_named_documents_alone(
    real_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = json.dumps({"id": "a", "question": "Hva sier NKROP om samtykke?", "role": "alle"})
    batch = real_env / "bare.jsonl"
    batch.write_text(line + "\n", encoding="utf-8")
    code = main(["ask", "--batch", str(batch), "--only", "rundskriv"])
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    assert code == 0 and out["citations"]
    assert {c["doc_id"] for c in out["citations"]} == {"rundskriv"}
