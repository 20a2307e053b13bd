"""Fault injection on the served page: personal data never reaches disk, headers and the body
limit, an abusive client, hostile batch lines. The real Gradio app on 127.0.0.1 over a tiny fake-embedder
index (tests/faultkit.py); traffic is bounded in count and time.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.api import Assistant
from assistant.commands.ask import run_batch
from assistant.settings import Settings
from tests.faultkit import FNR_FORMS, build, write_corpus
from tests.ui.conftest import free_port
from ui.auth import hash_password
from ui.feedback import FeedbackStore
from ui.guard import MAX_BODY_BYTES

pytestmark = pytest.mark.fault

PASSWORD = "riktig hest batteri"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults-ui")
    corpus, home = write_corpus(root / "corpus"), root / "home"
    build(home, corpus)
    return home


def _serve(home: Path, users: str | None) -> Iterator[str]:
    from ui.app import build_app, launch

    saved = os.environ.pop("HJEMMEL_USERS", None)
    if users:
        os.environ["HJEMMEL_USERS"] = users
    settings = Settings(home=home, embedder="fake", trusted_proxy="127.0.0.1")
    demo = build_app(Assistant.load(settings), settings)
    port = free_port()
    launch(demo, settings, host="127.0.0.1", port=port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        os.environ.pop("HJEMMEL_USERS", None)
        if saved is not None:
            os.environ["HJEMMEL_USERS"] = saved


@pytest.fixture(scope="module")
def page(home: Path) -> Iterator[str]:
    yield from _serve(home, None)


def _chat(client: Any, question: str) -> Any:
    """One question through the page's public API (`/ask`: answer JSON, bubble and cards)."""
    return client.predict(question, "alle", None, api_name="/ask")


def test_personal_data_never_reaches_disk(
    home: Path, page: str, caplog: pytest.LogCaptureFixture
) -> None:
    from gradio_client import Client

    from assistant.redact import PRIVACY_NOTICE, install_log_redaction

    assert PRIVACY_NOTICE.split(".")[0] in httpx.get(page, timeout=30).text  # the page says so
    log_file = home / "server.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    logging.getLogger().addHandler(handler)
    install_log_redaction()
    client = Client(page, verbose=False)
    try:
        for n, form in enumerate(FNR_FORMS):
            question = f"Må lege tilse Ola Nordmann ({form}) på sikkerhetscelle? Ring 912 34 567."
            result = _chat(client, question)
            assert "sikkerhetscelle" in json.dumps(result, ensure_ascii=False).lower()
            # The page's 👍/👎 handler writes through the same store (ui.chat.rate).
            FeedbackStore(home / "feedback.sqlite3").rate(
                answer_id=f"svar-{n}",
                question=question,
                role="alle",
                answer=json.dumps(result, ensure_ascii=False),
                passage_ids=(),
                rating=1,
                comment=f"Gjelder {form}, kari.hansen@example.no",
            )
            logging.getLogger("ui.chat").warning("spørsmål: %s", question)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    found = []
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in [*FNR_FORMS, "Ola Nordmann", "kari.hansen@example.no", "912 34 567"]:
                if needle.encode() in data:
                    found.append((str(path.relative_to(home)), needle))
    assert (home / "feedback.sqlite3").is_file() and log_file.stat().st_size > 0
    assert not found


def test_a_question_with_personal_data_is_answered(home: Path) -> None:
    assistant = Assistant.load(Settings(home=home, embedder="fake"))
    plain = assistant.ask("Hvor ofte skal det være tilsyn på sikkerhetscelle?")
    named = assistant.ask(
        f"Hvor ofte skal det være tilsyn på sikkerhetscelle for Kari Hansen, {FNR_FORMS[3]}?"
    )
    assert not plain.refused and not named.refused
    assert named.text == plain.text


def test_headers_and_the_body_limit_with_login(home: Path) -> None:
    """(What many failed logins do is in test_security_served.py, against `hjemmel serve`.)"""
    users = f"kari:{hash_password(PASSWORD)}"
    for url in _serve(home, users):
        with httpx.Client(base_url=url, timeout=30) as http:
            front = http.get("/")
            assert front.headers["x-frame-options"] == "DENY"
            assert "img-src 'self' data: blob:" in front.headers["content-security-policy"]
            assert http.get("/openapi.json").status_code in (401, 403, 404)
            big = http.post("/login", content=b"x" * (MAX_BODY_BYTES + 1))
            assert big.status_code == 413


def test_an_abusive_client_is_bounded(home: Path, page: str) -> None:
    """Two clients behind the trusted proxy (127.0.0.1 here): one floods, the other is answered."""
    from gradio_client import Client

    abuser = Client(page, verbose=False, headers={"X-Forwarded-For": "10.0.0.66"})
    other = Client(page, verbose=False, headers={"X-Forwarded-For": "10.0.0.7"})
    long_question = "Hva gjelder for isolasjon? " * 1200  # ~32,000 characters
    refused = _chat(abuser, long_question)
    assert "for langt" in json.dumps(refused, ensure_ascii=False)
    # The refused question never becomes context for the next one.
    assistant = Assistant.load(Settings(home=home, embedder="fake"))
    from assistant.records import Turn

    follow = assistant.ask(
        "Og for dem under 18?", history=[Turn(long_question, refused_text(refused))]
    )
    alone = assistant.ask("Og for dem under 18?")
    assert follow.text == alone.text and not any("oppfølging" in n for n in follow.notes)
    # A flood from one session is cut off by the rate limit; another session still gets answers.
    errors = 0
    for _ in range(40):
        try:
            _chat(abuser, "Hva gjelder for isolasjon?")
        except Exception:
            errors += 1
    assert errors >= 1
    answer = _chat(other, "Hvor ofte skal det være tilsyn på sikkerhetscelle?")
    assert "tilsyn" in json.dumps(answer, ensure_ascii=False).lower()


def refused_text(result: Any) -> str:
    return json.dumps(result, ensure_ascii=False)


def test_batch_lines_with_wrong_types_and_bad_bytes(home: Path, tmp_path: Path) -> None:
    assistant = Assistant.load(Settings(home=home, embedder="fake"))
    good = json.dumps(
        {"id": "ok", "question": "Hvor ofte skal det være tilsyn på sikkerhetscelle?"}
    )
    lines = [
        good.encode(),
        json.dumps({"question": "Hva med isolasjon?", "history": 5}).encode(),
        b'{"question": "Hva med \xff isolasjon?"}',
        json.dumps({"question": 7}).encode(),
        json.dumps({"question": "Hei", "role": ["alle"]}).encode(),
        json.dumps({"question": "Hei", "history": [{"question": "x", "answer": 3}]}).encode(),
        b"ikke json",
        good.encode(),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out, err = io.StringIO(), io.StringIO()
    assert run_batch(assistant, path, out, err, "hybrid") == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 8
    assert [r.get("line") for r in rows[1:7]] == [2, 3, 4, 5, 6, 7]
    assert "error" not in rows[0] and "error" not in rows[7]
    for number in range(2, 8):
        assert f"batch.jsonl:{number}:" in err.getvalue()
    assert "UTF-8" in rows[2]["error"] and "history" in rows[1]["error"]
