"""The page's protections as a client meets them: a real `hjemmel serve` process, plain HTTP.

Each test starts the CLI on a free loopback port over a tiny fake-embedder corpus
(tests/faultkit.py) and talks to it only through the page's own HTTP API (login form, /config,
/gradio_api/upload, queue/join and its event stream, /gradio_api/call/<api>). What is asserted is
what a script could do to the server, not what the page shows: the buttons a non-editor never
sees are called anyway. Traffic is bounded in count and time.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import httpx
import pytest

from tests.faultkit import built_site
from tests.servekit import client, file_data, functions, join, run, serving, upload
from ui.auth import hash_password
from ui.live import current_build

pytestmark = pytest.mark.fault

KARI, PER, PASSWORD = "kari", "per", "riktig hest batteri"
NOTE = "1 Samtalerom\n\nSamtalerommet skal ha en nødknapp som varsler vaktsentralen.\n"


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    return built_site(tmp_path)


def _users() -> str:
    secret = hash_password(PASSWORD)
    return f"{KARI}:{secret},{PER}:{secret}"


def _disk(home: Path, corpus: Path) -> dict[str, str]:
    """Every file of the corpus folder and the index's live build, with a content hash."""
    out = {"current": current_build(home / "index")}
    out |= {f"build:{p.name}": "" for p in (home / "index" / "builds").iterdir() if p.is_dir()}
    for path in sorted(corpus.rglob("*")):
        if path.is_file():
            out[str(path.relative_to(corpus))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _note(tmp_path: Path, name: str = "samtalerom.txt", text: str = NOTE) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_non_editor_is_refused_with_403_and_nothing_changes_on_disk(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    home, corpus = site
    with serving(home, corpus, HJEMMEL_USERS=_users(), HJEMMEL_EDITORS=KARI) as server:
        per = client(server, PER, PASSWORD)
        fns = functions(per)
        before = _disk(home, corpus)
        note = _note(tmp_path)
        assert upload(per, note).status_code == 403
        meta = ["Veileder om samtalerom", "veileder", "lokal", "Testdirektoratet", "", "Kari"]
        fake_file = file_data("/tmp/gradio/x/samtalerom.txt", "samtalerom.txt")
        attempts = [
            join(per, fns["upload"], [fake_file, *meta]),
            join(per, fns["remove_document"], ["rundskriv"]),
            join(per, fns["do_reingest"], []),
            per.post("/gradio_api/call/upload", json={"data": [fake_file, *meta]}),
            per.post("/gradio_api/call/remove_document", json={"data": ["rundskriv"]}),
            join(per, fns["start"], [None, "core", ["hjemmel"], True]),  # an evaluation run
        ]
        assert [a.status_code for a in attempts] == [403] * 6, [a.text for a in attempts]
        assert "HJEMMEL_EVALUATORS" in attempts[-1].json()["detail"]
        assert "HJEMMEL_EDITORS" in attempts[0].json()["detail"]
        # Unknown functions and names that are not public are refused as well.
        assert join(per, 9999, []).status_code == 404
        assert per.post("/gradio_api/call/finish", json={"data": []}).status_code == 404
        assert per.post("/gradio_api/call/do_reingest", json={"data": []}).status_code == 404
        assert per.post("/gradio_api/vibe-edit", json={}).status_code == 404
        # Not logged in at all: nothing is let through.
        anonymous = httpx.Client(base_url=server.url, timeout=30)
        assert join(anonymous, fns["remove_document"], ["rundskriv"]).status_code == 401
        assert _disk(home, corpus) == before
        # The same calls from the editor are let through: the refusal was about the right.
        kari = client(server, KARI, PASSWORD)
        sent = upload(kari, note)
        assert sent.status_code == 200, sent.text
        message = run(kari, fns["upload"], [file_data(sent.json()[0], note.name), *meta])[0][0]
        assert message.startswith("✅"), message
        assert _disk(home, corpus) != before


def test_a_foreign_host_or_origin_is_refused_and_cookies_are_lax(site: tuple[Path, Path]) -> None:
    home, corpus = site
    with serving(home, corpus) as server:
        http = httpx.Client(base_url=server.url, timeout=30)
        evil = {
            "host": f"evil.example:{server.port}",
            "origin": f"http://evil.example:{server.port}",
        }
        for path in ("/", "/config"):
            got = http.get(path, headers={"host": evil["host"]})
            assert got.status_code == 400 and "HJEMMEL_ALLOWED_HOSTS" in got.json()["detail"]
        ask = {"data": ["Hvor ofte er det tilsyn?", "alle", None]}
        rebound = http.post("/gradio_api/call/ask", json=ask, headers=evil)
        assert rebound.status_code == 400
        assert "access-control-allow-origin" not in rebound.headers
        other = {"origin": "http://localhost:9999"}  # another page on this machine
        cross = http.post("/gradio_api/call/ask", json=ask, headers=other)
        assert cross.status_code == 403 and "access-control-allow-origin" not in cross.headers
        preflight = http.options(
            "/gradio_api/call/ask",
            headers={**other, "access-control-request-method": "POST"},
        )
        assert "access-control-allow-origin" not in preflight.headers
        own = http.post(
            "/gradio_api/call/ask", json=ask, headers={"origin": f"http://127.0.0.1:{server.port}"}
        )
        assert own.status_code == 200 and "event_id" in own.json()
        csp = http.get("/").headers["content-security-policy"]
        assert "unsafe-eval" not in csp and "connect-src 'self';" in csp and "ws:" not in csp
    with serving(home, corpus, HJEMMEL_USERS=_users()) as server:
        login = httpx.post(
            f"{server.url}/login", data={"username": KARI, "password": PASSWORD}, timeout=30
        )
        cookies = login.headers.get_list("set-cookie")
        assert cookies and all("samesite=lax" in c.lower() for c in cookies), cookies
        assert not any("samesite=none" in c.lower() for c in cookies)


def test_rotating_session_ids_and_forged_forwarding_do_not_escape_the_limit(
    site: tuple[Path, Path],
) -> None:
    home, corpus = site
    with serving(home, corpus) as server:
        http = httpx.Client(base_url=server.url, timeout=30)
        codes, refused = [], None
        for n in range(80):
            body = {"data": ["Hvor ofte er det tilsyn?", "alle", None]}
            body["session_hash"] = uuid.uuid4().hex[:11]  # a new «session» every time
            got = http.post(
                "/gradio_api/call/ask", json=body, headers={"x-forwarded-for": f"10.9.0.{n}"}
            )
            codes.append(got.status_code)
            if got.status_code == 429 and refused is None:
                refused = got
        assert refused is not None, codes
        assert "For mange spørsmål" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 1
        assert 503 not in codes  # the shared queue was never full
        assert codes.count(200) <= 30, codes  # a burst, a few per second, then refused


def test_failed_logins_from_one_address_never_refuse_another_users_right_password(
    site: tuple[Path, Path],
) -> None:
    """20 failures from one address used to lock every user behind it (429, right password
    included). Now the address is slowed, and only the failing name itself is locked."""
    import time

    from ui.guard import LOGIN_SLOWDOWN_S

    home, corpus = site
    with serving(home, corpus, HJEMMEL_USERS=_users()) as server:
        http = httpx.Client(base_url=server.url, timeout=60)
        for n in range(21):
            wrong = http.post("/login", data={"username": KARI, "password": f"feil {n}"})
            assert wrong.status_code == 400
        started = time.monotonic()
        per = http.post("/login", data={"username": PER, "password": PASSWORD})
        assert per.status_code == 200, per.text  # behind the same address, not refused
        assert time.monotonic() - started >= 0.9 * LOGIN_SLOWDOWN_S  # but slowed
        assert http.get("/config").status_code == 200  # and really logged in
