"""The answer API: one JSON request, one JSON answer, outside Gradio's queue (POST /api/svar).

Contract (`ui.server.GuardedApp` adds the route; `ui.guard` checks every call before it runs):

    PATH = "/api/svar"
    AnswerEndpoint(app).answer(request) -> Response
        body {"question": str, "role": str (default «alle»), "documents": [id, …] | null}.
        Runs the running page's own `ask` handler — the function behind /gradio_api/call/ask,
        looked up by its API name in `app.blocks` — on a worker thread and returns what it
        returns, {"answer", "markdown", "cards"}, as JSON (200). A question over LONG_CHARS
        goes to a lane of LONG_WORKERS threads, the rest share ANSWER_WORKERS; with QUEUE_MAX
        calls waiting the next is refused (503, Retry-After). A body that is not such an object
        is 400 with a Norwegian message naming the field; an unreachable vector store 503;
        any other failure 500 «Svaret feilet.» (the cause is logged, not sent).
    parse(body: bytes) -> Asked                  (raises BadRequest)

Why it exists: Gradio's queue (join, event bookkeeping, an event stream, a second request to
read it) costs ~7 ms of CPU per answer on this machine, a quarter of an answer; a script asking
many questions pays it for nothing. The browser page keeps Gradio's queue (its chat needs the
event flow); this path is for scripts.

It deliberately checks no right, login, rate or per-client share: `ui.guard` treats this path
as a call of the public API «ask» (the same right, limits and share, counted while the answer
runs) and refuses before the body reaches this module.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
import gradio as gr
from starlette.requests import Request
from starlette.responses import Response

from assistant.records import ROLES
from ui.fair import ANSWER_WORKERS, LONG_CHARS, LONG_WORKERS, QUEUE_MAX, RETRY_BUSY_S

log = logging.getLogger(__name__)

PATH = "/api/svar"
API_NAME = "ask"  # the page's handler this path runs (`ui.chat_page`)
MAX_DOCUMENTS = 200
FAILED = "Svaret feilet."
FULL = "Køen er full. Prøv igjen om litt."


class BadRequest(ValueError):
    """The body is not an answer request; the message (Norwegian) names what was wrong."""


@dataclass(frozen=True)
class Asked:
    question: str
    role: str
    documents: list[str] | None


def parse(body: bytes) -> Asked:
    """The answer request in `body` (see the module docstring)."""
    try:
        data = json.loads(body or b"null")
    except ValueError as exc:
        raise BadRequest("Forespørselen er ikke gyldig JSON.") from exc
    if not isinstance(data, dict):
        raise BadRequest('Forespørselen må være et JSON-objekt, som {"question": "…"}.')
    unknown = sorted(set(data) - {"question", "role", "documents"})
    if unknown:
        raise BadRequest(f"Ukjent felt «{unknown[0]}». Gyldige felt: question, role, documents.")
    question = data.get("question")
    if not isinstance(question, str):
        raise BadRequest("Feltet «question» mangler eller er ikke tekst.")
    role = data.get("role", "alle")
    if not isinstance(role, str) or role not in ROLES:
        raise BadRequest(f"Ukjent rolle «{role}». Gyldige roller: {', '.join(ROLES)}.")
    documents = data.get("documents")
    if documents is not None and not (
        isinstance(documents, list)
        and len(documents) <= MAX_DOCUMENTS
        and all(isinstance(d, str) for d in documents)
    ):
        raise BadRequest(
            f"Feltet «documents» må være en liste med høyst {MAX_DOCUMENTS} dokument-id-er "
            "(tekst), eller utelates."
        )
    return Asked(question, role, documents)


def _reply(status: int, payload: Any, retry_after: float = 0.0) -> Response:
    headers = {"retry-after": str(max(1, round(retry_after)))} if retry_after else None
    body = json.dumps(payload, ensure_ascii=False).encode()
    return Response(body, status, headers, media_type="application/json")


def _error(status: int, text: str, retry_after: float = 0.0) -> Response:
    return _reply(status, {"detail": text, "error": text}, retry_after)


class AnswerEndpoint:
    """The route's state: the lanes (made on first use, inside the server's event loop)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lanes: dict[bool, anyio.CapacityLimiter] = {}
        self.in_flight = 0  # waiting or running; only touched on the event loop
        self._found: tuple[Any, Callable[..., Any] | None] = (None, None)

    def _handler(self) -> Callable[..., Any] | None:
        """The page's `ask` handler, looked up once per page (the app is given its page once)."""
        blocks = getattr(self.app, "blocks", None)
        if self._found[0] is not blocks or self._found[1] is None:
            fns = getattr(blocks, "fns", {}) or {}
            found = next(
                (f for f in fns.values() if getattr(f, "api_name", None) == API_NAME), None
            )
            self._found = (blocks, getattr(found, "fn", None))
        return self._found[1]

    def _lane(self, long: bool) -> anyio.CapacityLimiter:
        if long not in self.lanes:
            self.lanes[long] = anyio.CapacityLimiter(LONG_WORKERS if long else ANSWER_WORKERS)
        return self.lanes[long]

    async def answer(self, request: Request) -> Response:
        try:
            asked = parse(await request.body())
        except BadRequest as exc:
            return _error(400, str(exc))
        handler = self._handler()
        if handler is None:
            return _error(503, "Siden er ikke klar ennå. Prøv igjen om litt.", RETRY_BUSY_S)
        if self.in_flight >= QUEUE_MAX + ANSWER_WORKERS + LONG_WORKERS:
            return _error(503, FULL, RETRY_BUSY_S)
        lane = self._lane(len(asked.question) > LONG_CHARS)
        self.in_flight += 1
        try:
            result = await anyio.to_thread.run_sync(
                lambda: handler(asked.question, asked.role, asked.documents), limiter=lane
            )
        except gr.Error as exc:
            return _error(503, str(exc.message))  # the store is unreachable (`ui.chat`)
        except Exception:
            log.exception("answer API failed")
            return _error(500, FAILED)
        finally:
            self.in_flight -= 1
        return _reply(200, result)
