"""How the page is served: login, the guarded application object, the bounded queue.

Contract (`ui.app.launch` passes these to Gradio; nothing else is needed):

    launch_options(settings, host, port, insecure_no_login=False) -> dict
        keyword arguments for `demo.launch(...)`: auth (`ui.auth`), auth_message, max_file_size
        and `_app`, a `GuardedApp` whose middleware stack has `ui.guard.Guard` outermost (outside
        Gradio's own CORS layer, so its Host, Origin and rights checks see every request first)
        and no FastAPI /openapi.json or /docs; it also serves POST /api/svar (`ui.answer_api`).
        Raises `LoginRequiredError` for a host beyond loopback without users unless
        insecure_no_login.
    configure_queue(demo, settings) -> demo
        answers off the event loop: ANSWER_WORKERS at a time, QUEUE_MAX waiting in all, in
        fair order per client, long questions in their own lane (`ui.fair`).
    ANSWERS                     the concurrency group every answer-computing event joins

It deliberately holds no checks itself: those are `ui.guard`'s, `ui.rights`' and `ui.fair`'s.
"""

from __future__ import annotations

import os
from typing import Any

from gradio.routes import App

from assistant.settings import Settings, names
from ui.answer_api import PATH as ANSWER_PATH
from ui.answer_api import AnswerEndpoint
from ui.auth import load_users, make_checker
from ui.clients import event_key, parse_trusted
from ui.fair import ANSWER_WORKERS, ANSWERS, QUEUE_MAX, install_fair_queue
from ui.guard import Guard, GuardConfig
from ui.hosts import HostPolicy
from ui.rights import Rights
from ui.sessions import SessionStates
from ui.upload import MAX_UPLOAD_BYTES

__all__ = [
    "ANSWERS",
    "LOOPBACK",
    "GuardedApp",
    "LoginRequiredError",
    "ServeConfigError",
    "launch_options",
]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ServeConfigError(RuntimeError):
    """A setting of the page's server cannot be used; the message (Norwegian) says which."""


class LoginRequiredError(ServeConfigError):
    """Serving beyond loopback without login was asked for without saying it is meant."""


class GuardedApp(App):
    """Gradio's application with `Guard` as the outermost layer of its middleware stack,
    sessions whose state is built when read (`ui.sessions`) and the answer API's route
    (`ui.answer_api`), added before Gradio's own so that it is matched first."""

    def __init__(self, config: GuardConfig, **kwargs: Any) -> None:
        from fastapi.responses import ORJSONResponse

        self.guard_config = config
        kwargs.setdefault("default_response_class", ORJSONResponse)
        super().__init__(openapi_url=None, docs_url=None, redoc_url=None, **kwargs)
        self.state_holder = SessionStates()  # a new session costs nothing (`ui.sessions`)
        self.answers = AnswerEndpoint(self)  # POST /api/svar, outside Gradio's queue
        self.router.add_route(ANSWER_PATH, self.answers.answer, methods=["POST"])

    def build_middleware_stack(self) -> Any:
        return Guard(super().build_middleware_stack(), self, self.guard_config)


def guard_config(settings: Settings, host: str, login_on: bool) -> GuardConfig:
    """The Guard's settings: allowed hosts, rights by user, trusted proxies."""
    rights = Rights(login_on, settings.editor_names, settings.evaluator_names)
    hosts = HostPolicy.build(host, names(settings.allowed_hosts))
    return GuardConfig(hosts, rights, parse_trusted(names(settings.trusted_proxy)))


def launch_options(
    settings: Settings, host: str | None = None, insecure_no_login: bool = False
) -> dict[str, Any]:
    """Keyword arguments for `demo.launch` (see the module docstring)."""
    checker = make_checker(load_users(settings))
    where = host or settings.host
    if checker is None and where not in LOOPBACK and not insecure_no_login:
        raise LoginRequiredError(
            f"Siden skal lytte på {where}, men ingen brukere er satt opp. Lag en bruker med "
            "`hjemmel users add NAVN`, eller start med --insecure-no-login hvis nettet er "
            "lukket og du vet hva du gjør."
        )
    try:
        config = guard_config(settings, where, checker is not None)
    except ValueError as exc:
        raise ServeConfigError(str(exc)) from exc
    return {
        "auth": checker,
        "auth_message": "Logg inn for å bruke hjemmel." if checker else None,
        "max_file_size": MAX_UPLOAD_BYTES,  # one limit for the page's uploads (ui.upload)
        "_app": GuardedApp(config),
    }


# Gradio's queue keeps per-event analytics for its monitoring dashboard (which the guard never
# serves) and, after every event, rebuilds a pandas summary over up to 10,000 of them: 2–9 ms of
# CPU per answer measured here, with analytics «off». Its own settings, read when the queue is
# made: keep one event and never rebuild the summary.
QUEUE_ANALYTICS_ENV = {
    "GRADIO_ANALYTICS_MAX_EVENTS": "1",
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": str(2**62),
}


def configure_queue(demo: Any, settings: Settings) -> Any:
    """Answers run in Gradio's worker threads, ANSWER_WORKERS at a time, QUEUE_MAX waiting, in
    fair order per client with a lane of their own for long questions (`ui.fair`); the queue's
    analytics summary is never rebuilt (`QUEUE_ANALYTICS_ENV`)."""
    for name, value in QUEUE_ANALYTICS_ENV.items():
        os.environ.setdefault(name, value)
    demo.queue(default_concurrency_limit=ANSWER_WORKERS, max_size=QUEUE_MAX)
    trusted = parse_trusted(names(settings.trusted_proxy))
    install_fair_queue(demo._queue, lambda event: event_key(event, trusted))
    return demo
