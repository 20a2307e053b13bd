"""ui.auth: users from a file and HJEMMEL_USERS, plain and sha256 passwords."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.settings import Settings
from ui.auth import AuthConfigError, load_users, make_checker


def test_no_users_means_no_login(tmp_path: Path) -> None:
    assert make_checker(load_users(Settings(home=tmp_path), env={})) is None


def test_file_and_env_users_are_merged(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"hemmelig").hexdigest()
    users_file = tmp_path / "users.txt"
    users_file.write_text(f"# brukere\nkari:sha256${digest}\n\nola:passord1\n", encoding="utf-8")
    settings = Settings(home=tmp_path, users_file=users_file)
    check = make_checker(load_users(settings, env={"HJEMMEL_USERS": "per:p2, ola:nytt"}))
    assert check is not None
    assert check("kari", "hemmelig") and not check("kari", f"sha256${digest}")
    assert check("per", "p2")
    assert check("ola", "nytt") and not check("ola", "passord1")  # environment wins
    assert not check("ukjent", "p2")


def test_malformed_line_is_reported_with_its_number(tmp_path: Path) -> None:
    users_file = tmp_path / "users.txt"
    users_file.write_text("kari:x\nbare-et-navn\n", encoding="utf-8")
    with pytest.raises(AuthConfigError, match="linje 2"):
        load_users(Settings(home=tmp_path, users_file=users_file), env={})


def test_missing_users_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigError, match="brukerfilen"):
        load_users(Settings(home=tmp_path, users_file=tmp_path / "nei.txt"), env={})
