"""Login for the chat page: salted scrypt hashes, a minimum length, lockout with backoff.

Users come from `settings.users_file` (or `<HJEMMEL_HOME>/users.txt` when it exists) and
`HJEMMEL_USERS` («u1:hash,u2:hash»), the environment winning. A line is «name:scrypt$…», written by
`hjemmel users add NAME` (`ui.users_command`). Older forms — a plaintext password or an unsalted
«sha256$<hex>» — are still read, with a deprecation warning naming the users, so a running
installation keeps working until its users are re-added; a plaintext password shorter than
MIN_PASSWORD_CHARS is refused outright.

`make_checker(users)` returns an async callable for Gradio's `launch(auth=...)`: the slow hash runs
in a worker thread, never on the event loop, and after MAX_FAILURES wrong passwords for one name
that name is locked for an exponentially growing time (whatever the password). Per-address
throttling and the HTTP headers live in `ui.guard`. It deliberately keeps no sessions: Gradio
handles the login cookie.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from assistant.settings import Settings

log = logging.getLogger(__name__)

SHA_PREFIX = "sha256$"
SCRYPT_PREFIX = "scrypt$"
MIN_PASSWORD_CHARS = 10
# scrypt cost: ~50 ms and 16 MiB per check on this machine; slows guessing, not a login.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILURES = 5  # wrong passwords for one name before it is locked
BASE_LOCK_S = 2.0  # first lock; doubles with every further failure
MAX_LOCK_S = 900.0


class AuthConfigError(ValueError):
    """The users file or variable cannot be read or holds an unusable entry; says where."""


class WeakPasswordError(ValueError):
    """A new password is too short."""


def hash_password(password: str) -> str:
    """A salted scrypt hash in the users-file form «scrypt$N$r$p$salt$hash» (base64)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPasswordError(f"Passordet må ha minst {MIN_PASSWORD_CHARS} tegn.")
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"{SCRYPT_PREFIX}{SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )


def parse_users(lines: list[str], source: str) -> dict[str, str]:
    """Map user -> stored secret from «user:secret» entries."""
    users: dict[str, str] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, secret = line.partition(":")
        if not sep or not user.strip() or not secret:
            raise AuthConfigError(f"{source}, linje {number}: forventet «bruker:passord-hash».")
        if not secret.startswith((SCRYPT_PREFIX, SHA_PREFIX)) and len(secret) < MIN_PASSWORD_CHARS:
            raise AuthConfigError(
                f"{source}, linje {number}: passordet til «{user.strip()}» er for kort "
                f"(minst {MIN_PASSWORD_CHARS} tegn). Lag brukeren med `hjemmel users add`."
            )
        users[user.strip()] = secret
    return users


def users_path(settings: Settings) -> Path:
    """Where `hjemmel users add` writes and `load_users` reads by default."""
    return Path(settings.users_file) if settings.users_file else settings.home / "users.txt"


def load_users(settings: Settings, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Users from the settings' file and the environment; empty when neither is set."""
    env = os.environ if env is None else env
    users: dict[str, str] = {}
    path = users_path(settings)
    if settings.users_file is not None or path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AuthConfigError(f"Kan ikke lese brukerfilen {path}: {exc.strerror}") from exc
        users.update(parse_users(text.splitlines(), str(path)))
    raw = env.get("HJEMMEL_USERS", "").strip()
    if raw:
        users.update(parse_users(raw.split(","), "HJEMMEL_USERS"))
    legacy = sorted(u for u, s in users.items() if not s.startswith(SCRYPT_PREFIX))
    if legacy:
        log.warning(
            "Utdatert passordlagring (klartekst eller usaltet sha256) for %s: "
            "lag brukerne på nytt med `hjemmel users add`.",
            ", ".join(legacy),
        )
    return users


def password_matches(secret: str, password: str) -> bool:
    """Check a password against a stored secret in constant time (scrypt, legacy sha256, plain)."""
    if secret.startswith(SCRYPT_PREFIX):
        try:
            n, r, p, salt, digest = secret[len(SCRYPT_PREFIX) :].split("$")
            got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
            return hmac.compare_digest(got, base64.b64decode(digest))
        except (ValueError, TypeError):
            return False
    if secret.startswith(SHA_PREFIX):
        digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
        return hmac.compare_digest(secret[len(SHA_PREFIX) :].lower(), digest)
    return hmac.compare_digest(secret.encode("utf-8"), password.encode("utf-8"))


class Lockout:
    """Failed attempts per name; a name over MAX_FAILURES is locked with doubling backoff."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked(self, user: str) -> bool:
        with self._lock:
            return self._until.get(user, 0.0) > self._clock()

    def failed(self, user: str) -> None:
        with self._lock:
            n = self._failures.get(user, 0) + 1
            self._failures[user] = n
            if n >= MAX_FAILURES:
                wait = min(BASE_LOCK_S * 2 ** (n - MAX_FAILURES), MAX_LOCK_S)
                self._until[user] = self._clock() + wait

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(user, None)
            self._until.pop(user, None)


Checker = Callable[[str, str], Awaitable[bool]]


def make_checker(users: Mapping[str, str], lockout: Lockout | None = None) -> Checker | None:
    """An async `launch(auth=...)` callable, or None (no login) when there are no users."""
    if not users:
        return None
    frozen = dict(users)
    guard = lockout or Lockout()
    # Unknown names cost as much as known ones, so timing does not reveal who exists.
    dummy = hash_password(secrets.token_hex(8))

    async def check(user: str, password: str) -> bool:
        if guard.locked(user):
            return False
        secret = frozen.get(user)
        ok = await asyncio.to_thread(password_matches, secret or dummy, password)
        if ok and secret is not None:
            guard.succeeded(user)
            return True
        guard.failed(user)
        return False

    return check
