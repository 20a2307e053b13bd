"""Optional login for the chat page: users from `settings.users_file` or `HJEMMEL_USERS`.

A users file has one «user:password» or «user:sha256$<hex>» per line (blank lines and «#» comments
ignored); `HJEMMEL_USERS` holds «u1:p1,u2:p2» in the same two forms. Both sources are merged, the
environment winning. The result is a checker for Gradio's `launch(auth=...)`. It deliberately does
no sessions, roles or rate limiting: Gradio handles the login cookie, and this page is meant for a
closed network.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from assistant.settings import Settings

SHA_PREFIX = "sha256$"


class AuthConfigError(ValueError):
    """The users file or variable cannot be read; the message says where."""


def parse_users(lines: list[str], source: str) -> dict[str, str]:
    """Map user -> stored secret from «user:secret» entries."""
    users: dict[str, str] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, secret = line.partition(":")
        if not sep or not user.strip() or not secret:
            raise AuthConfigError(f"{source}, linje {number}: forventet «bruker:passord».")
        users[user.strip()] = secret
    return users


def load_users(settings: Settings, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Users from the settings' file and the environment; empty when neither is set."""
    env = os.environ if env is None else env
    users: dict[str, str] = {}
    if settings.users_file is not None:
        path = Path(settings.users_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AuthConfigError(f"Kan ikke lese brukerfilen {path}: {exc.strerror}") from exc
        users.update(parse_users(text.splitlines(), str(path)))
    raw = env.get("HJEMMEL_USERS", "").strip()
    if raw:
        users.update(parse_users(raw.split(","), "HJEMMEL_USERS"))
    return users


def password_matches(secret: str, password: str) -> bool:
    """Compare in constant time, hashing first when the stored secret is a sha256 digest."""
    if secret.startswith(SHA_PREFIX):
        digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
        return hmac.compare_digest(secret[len(SHA_PREFIX) :].lower(), digest)
    return hmac.compare_digest(secret.encode("utf-8"), password.encode("utf-8"))


def make_checker(users: Mapping[str, str]) -> Callable[[str, str], bool] | None:
    """A `launch(auth=...)` callable, or None (no login) when there are no users."""
    if not users:
        return None
    frozen = dict(users)

    def check(user: str, password: str) -> bool:
        secret = frozen.get(user)
        return secret is not None and password_matches(secret, password)

    return check
