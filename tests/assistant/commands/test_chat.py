"""`hjemmel chat` driven through stdin (a patched `input`), on the real index.

Checks that the terminal conversation answers with sources, carries the conversation into a
follow-up, handles its slash commands and exits cleanly on /avslutt and on end of input. It does
not judge answer quality beyond the follow-up (test_answers does).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from assistant.records import Answer

pytestmark = pytest.mark.slow


def feed(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> list[str]:
    """Patch `input` to return `lines` in turn, then end of input; returns the prompts seen."""
    prompts: list[str] = []
    source: Iterator[str] = iter(lines)

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        try:
            return next(source)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    return prompts


def test_chat_answers_and_exits_on_avslutt(
    real_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = feed(
        monkeypatch,
        ["Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?", "/avslutt", "x"],
    )
    code = main(["chat", "--role", "kommunehelse"])
    out = capsys.readouterr().out
    assert code == 0
    assert len(prompts) == 2  # stopped at /avslutt; the line after it was never read
    assert "Kilder:" in out
    assert "7.1.3" in out
    assert "minimum en gang per døgn" in " ".join(out.split())


def test_chat_resolves_a_follow_up_from_the_conversation(
    real_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.api import Assistant

    answers: list[Answer] = []
    original = Assistant.ask

    def recording_ask(self: Assistant, *args: Any, **kwargs: Any) -> Answer:
        answer = original(self, *args, **kwargs)
        answers.append(answer)
        return answer

    # A wrapper, not a fake: the real ask runs; we only keep what the chat printed.
    monkeypatch.setattr(Assistant, "ask", recording_ask)
    first = "Hva skal kriminalomsorgen gjøre ved utelukkelse?"
    feed(monkeypatch, [first, "Og for dem under 18 år?", "/avslutt"])
    assert main(["chat", "--role", "kriminalomsorgen"]) == 0
    out = capsys.readouterr().out
    assert len(answers) == 2
    follow_up = answers[1]
    assert first in follow_up.resolved_question
    assert any("kontinuerlig tilsyn" in " ".join(c.quote.split()) for c in follow_up.citations)
    assert f"Tolket som oppfølging av: «{first}»" in out


def test_chat_commands_and_end_of_input(
    real_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = feed(monkeypatch, ["", "/rolle fengselsprest", "/rolle jurist", "/ny"])
    assert main(["chat"]) == 0  # end of input (Ctrl-D) ends the chat cleanly
    out = capsys.readouterr().out
    assert len(prompts) == 5
    assert "Ukjent rolle" in out and "kommunehelse" in out
    assert "Rolle: jurist" in out
    assert "Ny samtale" in out
