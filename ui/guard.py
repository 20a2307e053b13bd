"""What the web server enforces around the page: login, headers, size and rate limits, the pool.

Contract (the page's `ui.app.launch` passes these to Gradio; nothing else is needed):

    launch_options(settings, host, insecure_no_login=False) -> dict
        keyword arguments for `demo.launch(...)`: auth (`ui.auth`), auth_message, max_file_size,
        and app_kwargs that turn off FastAPI's own /openapi.json and /docs (Gradio's schema stays
        behind login) and install `Guard`. Raises `LoginRequiredError` for a host beyond
        loopback without users unless insecure_no_login.
    configure_queue(demo) -> demo      answers off the event loop in a bounded pool:
        ANSWER_WORKERS at a time, at most QUEUE_MAX waiting.

`Guard` is one ASGI middleware: it adds Content-Security-Policy (no remote images, scripts or
frames), X-Frame-Options, nosniff and no-referrer headers; refuses request bodies over
MAX_BODY_BYTES (413); throttles /login per client address after LOGIN_FAILURES_PER_ADDRESS failures
(429); and rate-limits each page session's questions (a token bucket per session_hash — per address
when a request names none — on /queue/join and /call/<api>, 429). It
deliberately does not look at answers or touch the assistant.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from assistant.settings import Settings
from ui.auth import load_users, make_checker
from ui.upload import MAX_UPLOAD_BYTES

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 5_000_000  # a request body beyond it is refused (413) unread
ANSWER_WORKERS = 4
QUEUE_MAX = 64
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_BLOCK_S = 900.0
# Events per page session (a question costs a few): a burst of RATE_BURST, then one per
# RATE_INTERVAL_S. A person never comes near it; a script flooding the queue does.
RATE_BURST = 15
RATE_INTERVAL_S = 0.5
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; frame-src 'self'; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LoginRequiredError(RuntimeError):
    """Serving beyond loopback without login was asked for without saying it is meant."""


class TokenBuckets:
    """Per-key token buckets (thread-safe); keys idle for an hour are forgotten."""

    def __init__(self, burst: int, interval: float, clock: Callable[[], float] = time.monotonic):
        self.burst, self.interval, self._clock = burst, interval, clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) / self.interval)
            ok = tokens >= 1.0
            self._state[key] = (tokens - 1.0 if ok else tokens, now)
            if len(self._state) > 10_000:
                self._state = {k: v for k, v in self._state.items() if now - v[1] < 3600}
            return ok


class Guard:
    """ASGI middleware: security headers, body limit, login throttle, per-session rate limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sessions = TokenBuckets(RATE_BURST, RATE_INTERVAL_S)
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        length = _content_length(scope)
        if length > MAX_BODY_BYTES:
            await _reply(send, 413, "Forespørselen er for stor.")
            return
        client = (scope.get("client") or ("?", 0))[0]
        is_login = scope.get("method") == "POST" and path.rstrip("/").endswith("/login")
        if is_login and self._blocked(client):
            await _reply(send, 429, "For mange mislykkede innlogginger. Prøv igjen senere.")
            return
        if scope.get("method") == "POST" and _is_question(path):
            receive, session = await _peek_session(receive)
            if not self.sessions.allow(session or f"addr:{client}"):
                await _reply(send, 429, "Du sender spørsmål for raskt. Vent litt og prøv igjen.")
                return
        status: list[int] = []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
        if is_login and status:
            self._record(client, ok=status[0] < 400)

    def _blocked(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < LOGIN_BLOCK_S]
            self._failures[client] = recent
            return len(recent) >= LOGIN_FAILURES_PER_ADDRESS

    def _record(self, client: str, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures.pop(client, None)
            else:
                self._failures.setdefault(client, []).append(time.monotonic())


def _is_question(path: str) -> bool:
    """Requests that start work in the queue: the page's join, and the REST /call/<api>."""
    path = path.rstrip("/")
    return path.endswith("/queue/join") or "/call/" in path


def _content_length(scope: Scope) -> int:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _peek_session(receive: Receive) -> tuple[Receive, str]:
    """Read a small JSON body for its session_hash and hand the same body on downstream."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = bool(message.get("more_body")) and sum(map(len, chunks)) < MAX_BODY_BYTES
    body = b"".join(chunks)
    try:
        session = str(json.loads(body).get("session_hash") or "")
    except (ValueError, AttributeError):
        session = ""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay, session


async def _reply(send: Send, status: int, text: str) -> None:
    body = json.dumps({"detail": text}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), *HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def launch_options(
    settings: Settings, host: str | None = None, insecure_no_login: bool = False
) -> dict[str, Any]:
    """Keyword arguments for `demo.launch` (see the module docstring)."""
    from starlette.middleware import Middleware

    checker = make_checker(load_users(settings))
    where = host or settings.host
    if checker is None and where not in LOOPBACK and not insecure_no_login:
        raise LoginRequiredError(
            f"Siden skal lytte på {where}, men ingen brukere er satt opp. Lag en bruker med "
            "`hjemmel users add NAVN`, eller start med --insecure-no-login hvis nettet er "
            "lukket og du vet hva du gjør."
        )
    return {
        "auth": checker,
        "auth_message": "Logg inn for å bruke hjemmel." if checker else None,
        "max_file_size": MAX_UPLOAD_BYTES,  # one limit for the page's uploads (ui.upload)
        "app_kwargs": {
            "openapi_url": None,
            "docs_url": None,
            "redoc_url": None,
            "middleware": [Middleware(Guard)],
        },
    }


def configure_queue(demo: Any) -> Any:
    """Answers run in Gradio's worker threads, ANSWER_WORKERS at a time, QUEUE_MAX waiting."""
    return demo.queue(default_concurrency_limit=ANSWER_WORKERS, max_size=QUEUE_MAX)
