"""ui.auth: salted scrypt hashes, legacy forms with a warning, minimum length, lockout."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

import pytest

from assistant.settings import Settings
from ui.auth import (
    MAX_FAILURES,
    AuthConfigError,
    Lockout,
    WeakPasswordError,
    hash_password,
    load_users,
    make_checker,
    password_matches,
)


def run(check, user: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(asyncio.run(check(user, password)))


def test_no_users_means_no_login(tmp_path: Path) -> None:
    assert make_checker(load_users(Settings(home=tmp_path), env={})) is None


def test_scrypt_hashes_are_salted_and_checked() -> None:
    a, b = hash_password("riktig hest batteri"), hash_password("riktig hest batteri")
    assert a != b and a.startswith("scrypt$") and "riktig" not in a
    assert password_matches(a, "riktig hest batteri")
    assert not password_matches(a, "riktig hest batteri!")


def test_short_passwords_are_refused(tmp_path: Path) -> None:
    with pytest.raises(WeakPasswordError, match="minst"):
        hash_password("a")
    with pytest.raises(AuthConfigError, match="for kort"):
        load_users(Settings(home=tmp_path), env={"HJEMMEL_USERS": "ola:a"})


def test_file_and_env_users_are_merged_and_legacy_forms_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    digest = hashlib.sha256(b"hemmelig-passord").hexdigest()
    users_file = tmp_path / "users.txt"
    users_file.write_text(
        f"# brukere\nkari:sha256${digest}\n\nola:{hash_password('gammelt passord')}\n"
        f"per:{hash_password('pers passord 1')}\n",
        encoding="utf-8",
    )
    settings = Settings(home=tmp_path, users_file=users_file)
    with caplog.at_level(logging.WARNING):
        users = load_users(settings, env={"HJEMMEL_USERS": f"ola:{hash_password('nytt passord')}"})
    assert "kari" in caplog.text and "per" not in caplog.text  # only the legacy entry warns
    check = make_checker(users)
    assert check is not None
    assert run(check, "kari", "hemmelig-passord") and not run(check, "kari", f"sha256${digest}")
    assert run(check, "per", "pers passord 1")
    assert run(check, "ola", "nytt passord") and not run(check, "ola", "gammelt passord")
    assert not run(check, "ukjent", "pers passord 1")


def test_a_name_is_locked_after_repeated_failures() -> None:
    now = [0.0]
    lock = Lockout(clock=lambda: now[0])
    check = make_checker({"kari": hash_password("riktig passord")}, lock)
    assert check is not None
    for _ in range(MAX_FAILURES):
        assert not run(check, "kari", "feil passord")
    assert not run(check, "kari", "riktig passord")  # locked: even the right password fails
    now[0] += 3600
    assert run(check, "kari", "riktig passord")


def test_malformed_line_is_reported_with_its_number(tmp_path: Path) -> None:
    users_file = tmp_path / "users.txt"
    users_file.write_text(f"kari:{hash_password('passord123')}\nbare-et-navn\n", encoding="utf-8")
    with pytest.raises(AuthConfigError, match="linje 2"):
        load_users(Settings(home=tmp_path, users_file=users_file), env={})


def test_missing_users_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigError, match="brukerfilen"):
        load_users(Settings(home=tmp_path, users_file=tmp_path / "nei.txt"), env={})


def test_users_add_writes_a_hash_and_replaces_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from assistant.cli import main

    monkeypatch.setenv("HJEMMEL_HOME", str(tmp_path))
    monkeypatch.delenv("HJEMMEL_USERS_FILE", raising=False)
    for password in ("første passord", "andre passord!"):
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        assert main(["users", "add", "kari", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["users", "add", "per", "--password-stdin"]) == 2
    users = load_users(Settings(home=tmp_path), env={})
    assert list(users) == ["kari"] and password_matches(users["kari"], "andre passord!")
    assert "passord" not in (tmp_path / "users.txt").read_text(encoding="utf-8")
