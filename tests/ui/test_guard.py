"""The guard's parts without a server: launch options, hosts and origins, who asks, rights,
rate buckets. What the running server does with them is in test_security_served.py."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.settings import Settings
from ui.auth import hash_password
from ui.clients import client_address, client_key, cookies_of, parse_trusted, user_of
from ui.fair import TokenBuckets, too_many
from ui.hosts import HostPolicy, response_headers
from ui.rights import ASK, EDIT, EVALUATE, READ, Rights, decide, needs
from ui.server import GuardedApp, LoginRequiredError, ServeConfigError, launch_options


def test_a_host_beyond_loopback_needs_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HJEMMEL_USERS", raising=False)
    settings = Settings(home=tmp_path)
    with pytest.raises(LoginRequiredError, match="insecure-no-login"):
        launch_options(settings, "0.0.0.0")
    assert launch_options(settings, "0.0.0.0", insecure_no_login=True)["auth"] is None
    assert launch_options(settings, "127.0.0.1")["auth"] is None
    monkeypatch.setenv("HJEMMEL_USERS", f"kari:{hash_password('riktig passord')}")
    options = launch_options(settings, "0.0.0.0")
    assert options["auth"] is not None and options["max_file_size"]
    app = options["_app"]
    assert isinstance(app, GuardedApp) and app.openapi_url is None
    assert app.guard_config.rights.login_on


def test_a_bad_trusted_proxy_is_named(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, trusted_proxy="127.0.0.1, nabo")
    with pytest.raises(ServeConfigError, match="«nabo»"):
        launch_options(settings, "127.0.0.1")


def test_serve_refuses_before_opening_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui import serve

    monkeypatch.delenv("HJEMMEL_USERS", raising=False)
    args = argparse.Namespace(host="0.0.0.0", port=8080, insecure_no_login=False)
    assert serve.run(args, Settings(home=tmp_path)) == 2
    err = capsys.readouterr().err
    assert "hjemmel users add" in err and "--insecure-no-login" in err


def test_token_buckets_allow_a_burst_then_a_steady_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(burst=3, interval=1.0, clock=lambda: now[0])
    assert [buckets.allow("a") for _ in range(4)] == [True, True, True, False]
    assert buckets.take("a") == pytest.approx(1.0)  # the Retry-After
    assert buckets.allow("b")  # another client is not affected
    now[0] += 1.0
    assert buckets.allow("a") and not buckets.allow("a")
    assert "Prøv igjen om 3 sekunder" in too_many(2.2)


def test_hosts_the_bound_address_localhost_and_the_listed_ones() -> None:
    policy = HostPolicy.build("0.0.0.0", ["hjemmel.lan", "https://hjemmel.example"])
    for ok in ("127.0.0.1:7860", "localhost", "[::1]:7860", "HJEMMEL.LAN:80", "hjemmel.example"):
        assert policy.host_ok(ok), ok
    for bad in ("evil.example:7860", "0.0.0.0:7860", "", "127.0.0.1.evil.example"):
        assert not policy.host_ok(bad), bad
    assert HostPolicy.build("10.0.0.5", []).host_ok("10.0.0.5:7860")


def test_origins_are_this_page_or_listed_never_another_local_port() -> None:
    policy = HostPolicy.build("127.0.0.1", ["https://hjemmel.example"])
    assert policy.origin_ok(None, "127.0.0.1:7860")
    assert policy.origin_ok("http://127.0.0.1:7860", "127.0.0.1:7860")
    assert not policy.origin_ok("http://localhost:9999", "127.0.0.1:7860")
    assert not policy.origin_ok("http://127.0.0.1:9999", "127.0.0.1:7860")
    assert not policy.origin_ok("null", "127.0.0.1:7860")
    assert not policy.origin_ok("http://evil.example:7860", "evil.example:7860")
    assert policy.origin_ok("https://hjemmel.example", "127.0.0.1:7860")
    assert policy.cors_headers("https://hjemmel.example", "127.0.0.1:7860") == [
        (b"access-control-allow-origin", b"https://hjemmel.example")
    ]
    assert policy.cors_headers("http://127.0.0.1:7860", "127.0.0.1:7860") == []


def test_response_headers_drop_gradios_cors_and_make_cookies_lax() -> None:
    headers = [
        (b"access-control-allow-origin", b"http://evil.example"),
        (b"access-control-allow-credentials", b"true"),
        (b"set-cookie", b"access-token-x=abc; HttpOnly; Path=/; SameSite=none; Secure"),
        (b"set-cookie", b"access-token-unsecure-x=abc; HttpOnly; Path=/"),
        (b"content-type", b"application/json"),
    ]
    out = response_headers(headers, [])
    assert not [n for n, _ in out if n.startswith(b"access-control")]
    cookies = [v for n, v in out if n == b"set-cookie"]
    assert all(c.endswith(b"; SameSite=Lax") and b"none" not in c.lower() for c in cookies)


def test_the_client_is_the_user_else_the_address_forwarded_only_by_a_trusted_proxy() -> None:
    trusted = parse_trusted(["127.0.0.1", "10.1.0.0/16"])
    forwarded = {"x-forwarded-for": "203.0.113.9, 10.1.2.3"}
    assert client_address("127.0.0.1", forwarded, trusted) == "203.0.113.9"
    assert client_address("192.0.2.1", forwarded, trusted) == "192.0.2.1"  # not a proxy of ours
    assert client_address("127.0.0.1", forwarded, ()) == "127.0.0.1"
    assert client_key("kari", "1.2.3.4") == "user:kari"
    assert client_key(None, "1.2.3.4") == "addr:1.2.3.4"
    app = SimpleNamespace(tokens={"tok": "kari"}, cookie_id="c")
    assert user_of(app, cookies_of({"cookie": "access-token-c=tok"})) == "kari"
    assert user_of(app, cookies_of({"cookie": "access-token-c=invented"})) is None
    assert user_of(app, {"session_hash": "anything"}) is None


def test_rights_decide_by_the_called_function_not_by_the_page() -> None:
    def fn(name: str, right: str | None, api: str | None = None) -> SimpleNamespace:
        def body() -> None:
            return None

        return SimpleNamespace(fn=needs(right)(body) if right else body, api_name=api, name=name)

    fns = {0: fn("ask", ASK, "ask"), 1: fn("do_add", EDIT, "upload"), 2: fn("x", None, "x")}
    fns[3] = SimpleNamespace(fn=None, api_name=None, name="js")
    fns[4] = fn("start", EVALUATE, "start")
    rights = Rights(True, frozenset({"kari"}), frozenset({"eva"}))
    assert decide(fns, rights, "per", fn_index=0).ok
    refused = decide(fns, rights, "per", fn_index=1)
    assert refused.status == 403 and "HJEMMEL_EDITORS" in refused.message
    assert decide(fns, rights, "kari", api_name="upload").ok
    assert decide(fns, rights, "per", fn_index=99).status == 404
    assert decide(fns, rights, "per", fn_index="0").status == 404
    assert decide(fns, rights, "per", api_name="start").status == 404  # not public by name
    assert decide(fns, rights, "per", fn_index=2).status == 403  # no right: denied by default
    assert decide(fns, rights, "per", fn_index=3).status == 404  # nothing to run here
    assert decide(fns, rights, "eva", fn_index=4).ok and not decide(fns, rights, "per", 4).ok
    assert Rights(False).may(None, EDIT) and not Rights(True).may(None, READ)


def test_every_server_function_of_the_page_is_marked_with_a_right(tmp_path: Path) -> None:
    from assistant.api import Assistant
    from tests.faultkit import build, write_corpus
    from ui.app import build_app
    from ui.rights import PUBLIC_APIS, right_of, unmarked

    corpus, home = write_corpus(tmp_path / "corpus"), tmp_path / "home"
    build(home, corpus)
    settings = Settings(home=home, corpus=corpus, embedder="fake")
    demo = build_app(Assistant.load(settings), settings)
    assert unmarked(demo.fns) == []
    by_name = {f.api_name: right_of(f.fn) for f in demo.fns.values()}
    assert {n: by_name[n] for n in PUBLIC_APIS} == {
        "ask": ASK, "verify": READ, "refs": READ, "upload": EDIT, "remove_document": EDIT,
    }  # fmt: skip
    assert by_name["do_reingest"] == EDIT and by_name["start"] == EVALUATE
    assert {f.concurrency_id for f in demo.fns.values() if right_of(f.fn) == ASK} == {"answers"}
