"""The one place every request to the page passes through, before Gradio sees it.

`Guard` is the outermost ASGI layer of the server (`ui.server.GuardedApp` puts it outside
Gradio's own middleware). For every HTTP request, in this order:

1. Host must be allowed (`ui.hosts`: bound address, localhost, HJEMMEL_ALLOWED_HOSTS) — 400;
   an Origin must be this page's own or a listed one — 403.
2. A body over MAX_BODY_BYTES (an upload) or, for a call, over MAX_CALL_BYTES — 413.
3. Who asks (`ui.clients`): the logged-in user, else the client address (a forwarded address
   only from HJEMMEL_TRUSTED_PROXY). Every limit below is keyed on that.
4. /login: after LOGIN_FAILURES_PER_ADDRESS failures from one address its attempts are slowed
   (LOGIN_SLOWDOWN_S each), never refused: a right password always logs in unless that very
   name is locked (`ui.auth`).
5. Calls (/gradio_api/queue/join, /call/<api>, /run/<api>): the function is looked up in the
   running page and its right checked (`ui.rights`: unknown fn_index or non-public API name
   404, missing right 403); then the client's rate and its share of the queue and the answer
   workers (`ui.fair`) — 429 «For mange spørsmål … Prøv igjen om N sekunder» with Retry-After.
   POST /api/svar (`ui.answer_api`) is a call of the API «ask»: the same checks, and its share
   is held until the answer is sent (it does not wait in Gradio's queue, so only that counts).
   /gradio_api/upload needs a right that uploads files (edit or evaluate) — 403. Any other POST
   the page never makes is 404.
6. Responses get Content-Security-Policy (no eval, connect only to this server), frame, sniffing
   and referrer headers; Gradio's CORS headers are replaced by `ui.hosts`' own, and its cookies
   become SameSite=Lax.

It deliberately does not look at answers, touch the assistant or keep sessions.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ui import answer_api, fair
from ui.clients import (
    client_address,
    client_key,
    cookies_of,
    event_key,
    headers_of,
    user_of,
)
from ui.hosts import HostPolicy, response_headers
from ui.rights import Rights, decide
from ui.upload import MAX_UPLOAD_BYTES

MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 5_000_000  # a request body beyond it is refused (413) unread
# A call carries the page's inputs, the browser's conversation store among them (bounded by
# ui.conversations to well under this); a larger body is no page's.
MAX_CALL_BYTES = 16_000_000
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_WINDOW_S = 900.0
LOGIN_SLOWDOWN_S = 2.0
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
_CALL = re.compile(r"^/gradio_api/(?:(queue/join)|(?:call/(?:v2/)?|run/|api/)([^/]+))/?$")
_OTHER_POSTS = re.compile(r"^/gradio_api/(?:upload|cancel|reset)/?$|^/login/?$")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class GuardConfig:
    hosts: HostPolicy
    rights: Rights
    trusted: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Caller:
    user: str | None
    address: str
    key: str


class Guard:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, server: Any, config: GuardConfig) -> None:
        self.app, self.server, self.config = app, server, config
        self.rate = fair.TokenBuckets(fair.RATE_BURST, fair.RATE_INTERVAL_S)
        self.shares = fair.Shares(self._queue, self._event_key)
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _queue(self) -> Any:
        blocks = getattr(self.server, "blocks", None)
        return getattr(blocks, "_queue", None)

    def _event_key(self, event: Any) -> str:
        return event_key(event, self.config.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = headers_of(scope)
        host, origin = headers.get("host", ""), headers.get("origin")
        policy = self.config.hosts
        if not policy.host_ok(host):
            await _refuse(scope, send, 400, _unknown_host(host))
            return
        if not policy.origin_ok(origin, host):
            await _refuse(scope, send, 403, "Forespørsler fra andre nettsider godtas ikke.")
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        peer = (scope.get("client") or ("?", 0))[0]
        address = client_address(peer, headers, self.config.trusted)
        user = user_of(self.server, cookies_of(headers))
        caller = Caller(user, address, client_key(user, address))
        cors = policy.cors_headers(origin, host)
        await self._http(scope, receive, _with_headers(send, cors), headers, caller)

    async def _http(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str], caller: Caller
    ) -> None:
        path = scope.get("path", "")
        length = _int(headers.get("content-length", "0"))
        if length > MAX_BODY_BYTES:
            await _reply(send, 413, "Forespørselen er for stor.")
            return
        if scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        call = _CALL.match(path)
        if call:
            await self._call(scope, receive, send, caller, length, call.group(2))
        elif path.rstrip("/") == answer_api.PATH:  # the page's «ask», held while it runs
            await self._call(scope, receive, send, caller, length, answer_api.API_NAME)
        elif path.rstrip("/") == "/login":
            await self._login(scope, receive, send, caller.address)
        elif not _OTHER_POSTS.match(path):
            await _reply(send, 404, "Ukjent adresse.")
        elif path.rstrip("/").endswith("/upload") and not self.config.rights.may_upload_files(
            caller.user
        ):
            await _reply(send, 403, "Du har ikke tilgang til å laste opp filer.")
        else:
            await self.app(scope, receive, send)

    async def _call(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        caller: Caller,
        length: int,
        api_name: str | None,
    ) -> None:
        rights = self.config.rights
        if length > MAX_CALL_BYTES:
            await _reply(send, 413, "Forespørselen er for stor (for lang samtale?).")
            return
        if rights.login_on and caller.user is None:
            await _reply(send, 401, "Logg inn først.")
            return
        receive, body = await _read_json(receive, MAX_CALL_BYTES)
        blocks = getattr(self.server, "blocks", None)
        fns = getattr(blocks, "fns", {}) or {}
        fn_index = body.get("fn_index") if api_name is None else None
        verdict = decide(fns, rights, caller.user, fn_index=fn_index, api_name=api_name)
        if not verdict.ok:
            await _reply(send, verdict.status, verdict.message)
            return
        wait = self.rate.take(caller.key)
        if not wait:
            answers = getattr(verdict.fn, "concurrency_id", "") == fair.ANSWERS
            wait = self.shares.refuse(caller.key, answers)
        if wait:
            await _reply(send, 429, fair.too_many(wait), retry_after=wait)
            return
        self.shares.admitted(caller.key)
        try:
            await self.app(scope, receive, send)
        finally:
            self.shares.done(caller.key)

    async def _login(self, scope: Scope, receive: Receive, send: Send, address: str) -> None:
        if self._slowed(address):
            await asyncio.sleep(LOGIN_SLOWDOWN_S)
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watch)
        if status:
            self._record(address, ok=status[0] < 400)

    def _slowed(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(address, []) if now - t < LOGIN_WINDOW_S]
            self._failures[address] = recent
            return len(recent) >= LOGIN_FAILURES_PER_ADDRESS

    def _record(self, address: str, ok: bool) -> None:
        with self._lock:
            if not ok:
                self._failures.setdefault(address, []).append(time.monotonic())


def _unknown_host(host: str) -> str:
    shown = host[:100] or "(tomt)"
    return (
        f"Ukjent vertsnavn «{shown}». Siden svarer bare på adressen den lytter på og localhost; "
        "andre navn må stå i HJEMMEL_ALLOWED_HOSTS."
    )


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _with_headers(send: Send, cors: list[tuple[bytes, bytes]]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = response_headers(message.get("headers", []), cors)
            names = {k.lower() for k, _ in headers}
            message["headers"] = [*headers, *((k, v) for k, v in HEADERS if k not in names)]
        await send(message)

    return wrapped


async def _read_json(receive: Receive, limit: int) -> tuple[Receive, dict[str, Any]]:
    """Read a JSON body (at most `limit` bytes) and hand the same body on downstream."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        more = bool(message.get("more_body")) and size <= limit
    body = b"".join(chunks)
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay, data if isinstance(data, dict) else {}


async def _reply(send: Send, status: int, text: str, retry_after: float = 0.0) -> None:
    body = json.dumps({"detail": text, "error": text}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8")]
    if retry_after:
        headers.append((b"retry-after", str(max(1, round(retry_after))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse(scope: Scope, send: Send, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await _reply(_with_headers(send, []), status, text)
