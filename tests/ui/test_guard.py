"""ui.guard: login required beyond loopback, launch options, rate buckets; ui.serve's refusal."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from assistant.settings import Settings
from ui.auth import hash_password
from ui.guard import LoginRequiredError, TokenBuckets, launch_options


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
    assert options["app_kwargs"]["openapi_url"] is None


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
    assert buckets.allow("b")  # another session is not affected
    now[0] += 1.0
    assert buckets.allow("a") and not buckets.allow("a")
