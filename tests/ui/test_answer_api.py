"""POST /api/svar (`ui.answer_api`): the answer API outside Gradio's queue, as a script meets it.

The answers come from the page over its own real index and the real embedding model (the
session's `served` page): the API's answer must be the one /gradio_api/call/ask gives. The
per-client share of the answer workers is tested there too (long questions, slow to embed, so
that they overlap). Login, a foreign origin and the rate come from a real `hjemmel serve`
process over the tiny fake-embedder corpus (tests/faultkit.py), as in test_security_served. `parse` is tested on its own for its messages.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faultkit import built_site
from tests.servekit import client, serving
from tests.ui.conftest import Served
from ui.answer_api import PATH, BadRequest, parse
from ui.auth import hash_password
from ui.fair import (
    ANSWERS_PER_CLIENT,
    LONG_CHARS,
    RATE_BURST,
    RATE_INTERVAL_S,
    RETRY_BUSY_S,
)

QUESTION = "Hvor ofte skal helsetjenesten tilse en innsatt i sikkerhetscelle?"


def _gradio_ask(http: httpx.Client, question: str, role: str) -> dict[str, Any]:
    posted = http.post("gradio_api/call/ask", json={"data": [question, role, None]})
    assert posted.status_code == 200, posted.text
    event = posted.json()["event_id"]
    kind = ""
    with http.stream("GET", f"gradio_api/call/ask/{event}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kind = line[len("event: ") :].strip()
            elif line.startswith("data: ") and kind == "complete":
                return json.loads(line[len("data: ") :])[0]  # type: ignore[no-any-return]
    raise AssertionError(f"no answer ({kind})")


@pytest.mark.slow
def test_the_api_gives_the_pages_own_answer(served: Served) -> None:
    http = httpx.Client(base_url=served.url, timeout=120)
    got = http.post(PATH.lstrip("/"), json={"question": QUESTION, "role": "kommunehelse"})
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/json")
    assert "content-security-policy" in got.headers  # the guard's headers: it went through it
    body = got.json()
    answer = body["answer"]
    assert answer["citations"] and not answer["refused"]
    assert body["markdown"] and body["cards"]
    same = _gradio_ask(http, QUESTION, "kommunehelse")
    assert same["answer"]["answer"] == answer["answer"]
    cited = [c["passage_id"] for c in answer["citations"]]
    assert [c["passage_id"] for c in same["answer"]["citations"]] == cited


@pytest.mark.slow
def test_a_bad_body_is_refused_with_what_was_wrong(served: Served) -> None:
    http = httpx.Client(base_url=served.url, timeout=60)
    url = PATH.lstrip("/")
    bad_role = http.post(url, json={"question": QUESTION, "role": "sjef"})
    assert bad_role.status_code == 400 and "Ukjent rolle «sjef»" in bad_role.json()["detail"]
    missing = http.post(url, json={"role": "alle"})
    assert missing.status_code == 400 and "«question»" in missing.json()["detail"]
    broken = http.post(url, content=b"{ikke json", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]
    assert http.get(url).status_code == 405
    refused = http.post(url, json={"question": "Hva koster en pizza?"})
    assert refused.status_code == 200 and refused.json()["answer"]["refused"] is True


def test_parse_names_the_field_that_is_wrong() -> None:
    assert parse(b'{"question": "Hei"}').role == "alle"
    asked = parse(b'{"question": "Tilsyn?", "role": "jurist", "documents": ["rundskriv"]}')
    assert (asked.question, asked.role, asked.documents) == ("Tilsyn?", "jurist", ["rundskriv"])
    for body, named in [
        (b"[1, 2]", "JSON-objekt"),
        (b'{"question": 3}', "«question»"),
        (b'{"question": "x", "documents": "rundskriv"}', "«documents»"),
        (b'{"question": "x", "documents": [1]}', "«documents»"),
        (b'{"question": "x", "history": []}', "«history»"),
        (b'{"question": "x", "role": null}', "Ukjent rolle"),
    ]:
        with pytest.raises(BadRequest, match=named):
            parse(body)


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    return built_site(tmp_path)


@pytest.mark.fault
def test_login_origin_and_rate_hold_on_the_api(site: tuple[Path, Path]) -> None:
    home, corpus = site
    users = f"kari:{hash_password('riktig hest batteri')}"
    with serving(home, corpus, HJEMMEL_USERS=users) as server:
        anonymous = httpx.Client(base_url=server.url, timeout=60)
        assert anonymous.post(PATH, json={"question": QUESTION}).status_code == 401
        kari = client(server, "kari", "riktig hest batteri")
        other = {"origin": "http://localhost:9999"}
        assert kari.post(PATH, json={"question": QUESTION}, headers=other).status_code == 403
        codes, refused = [], None
        for n in range(60):  # a forged forwarded address changes nothing (no trusted proxy)
            got = kari.post(
                PATH, json={"question": QUESTION}, headers={"x-forwarded-for": f"10.9.0.{n}"}
            )
            codes.append(got.status_code)
            if got.status_code == 429 and refused is None:
                refused = got
        assert codes[0] == 200, codes
        assert refused is not None, codes
        assert "For mange spørsmål" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 1
        assert 503 not in codes and codes.count(200) <= 40, codes


@pytest.mark.slow
def test_one_client_holds_at_most_its_share_of_the_answer_workers(served: Served) -> None:
    """Answers here do not wait in Gradio's queue, so the share counts them while they run:
    more than ANSWERS_PER_CLIENT at once from one client are refused, not queued. Long
    questions (the real model embeds each for over a second, one at a time) make them overlap."""
    long_question = ("Hva gjelder for tilsyn i sikkerhetscelle om natten? " * 40)[:1999]
    assert len(long_question) > LONG_CHARS
    time.sleep(RATE_BURST * RATE_INTERVAL_S)  # this address's rate bucket full again
    at_once = ANSWERS_PER_CLIENT + 4
    replies: list[httpx.Response] = []
    lock = threading.Lock()
    start = threading.Barrier(at_once)

    def ask() -> None:
        http = httpx.Client(base_url=served.url, timeout=120)
        start.wait()
        got = http.post(PATH.lstrip("/"), json={"question": long_question})
        with lock:
            replies.append(got)

    threads = [threading.Thread(target=ask) for _ in range(at_once)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    codes = [r.status_code for r in replies]
    assert len(codes) == at_once
    assert 1 <= codes.count(200) <= ANSWERS_PER_CLIENT, codes
    busy = [r for r in replies if r.status_code == 429]
    assert len(busy) == at_once - codes.count(200), codes
    assert all(r.headers["retry-after"] == str(round(RETRY_BUSY_S)) for r in busy)
