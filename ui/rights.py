"""Rights: what each of the page's server functions needs, and who has it.

Every function the page wires to an event is marked where it is defined with the right it
needs (`needs(EDIT)(do_add)`); `ui.guard` looks the called function up by its fn_index or API
name in the running Blocks and refuses, before anything is queued:

    decide(blocks, rights, user, fn_index=None, api_name=None) -> Verdict
        404 for an unknown fn_index, an API name that is not in PUBLIC_APIS or a function with
        nothing to run on the server; 403 for a function marked with no right (deny by default)
        or a right the user lacks; otherwise ok, with the right (for the limits in `ui.fair`).

Rights: READ (look at the corpus and the conversation in the request), ASK (compute an
answer), FEEDBACK (store a rating), EDIT (upload, remove, re-index: HJEMMEL_EDITORS), EVALUATE
(run an evaluation, which writes files: HJEMMEL_EVALUATORS and the editors). Without login
(one person on their own machine, loopback only) everyone has every right. It deliberately
knows no HTTP: the guard turns a Verdict into a response.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

READ, ASK, FEEDBACK, EDIT, EVALUATE = "read", "ask", "feedback", "edit", "evaluate"
RIGHTS = (READ, ASK, FEEDBACK, EDIT, EVALUATE)
# The functions scripts may call by name (/call/<name>, gradio_client's api_name).
PUBLIC_APIS = frozenset({"ask", "verify", "refs", "upload", "remove_document"})
_ATTR = "__hjemmel_right__"
WHY = {
    EDIT: "Bare redaktører (HJEMMEL_EDITORS) kan laste opp, fjerne eller lese inn dokumenter.",
    EVALUATE: "Bare brukere i HJEMMEL_EVALUATORS (eller redaktører) kan kjøre evalueringer.",
}

F = TypeVar("F", bound=Callable[..., Any])


def needs(right: str) -> Callable[[F], F]:
    """Mark a handler with the right it needs (returns the same function)."""
    if right not in RIGHTS:
        raise ValueError(f"unknown right {right!r}")

    def mark(fn: F) -> F:
        setattr(fn, _ATTR, right)
        return fn

    return mark


def right_of(fn: Any) -> str | None:
    return getattr(fn, _ATTR, None) if fn is not None else None


@dataclass(frozen=True)
class Rights:
    """Who has which right (names from settings; `login_on` False: everyone has all)."""

    login_on: bool
    editors: frozenset[str] = frozenset()
    evaluators: frozenset[str] = frozenset()

    def may(self, user: str | None, right: str) -> bool:
        if not self.login_on:
            return True
        if user is None:
            return False
        if right == EDIT:
            return user in self.editors
        if right == EVALUATE:
            return user in self.evaluators or user in self.editors
        return right in (READ, ASK, FEEDBACK)

    def may_upload_files(self, user: str | None) -> bool:
        """Gradio's /upload (files for a later call) serves only the editing and evaluation forms."""
        return self.may(user, EDIT) or self.may(user, EVALUATE)


@dataclass(frozen=True)
class Verdict:
    status: int  # 200 ok, 403, 404
    message: str = ""
    right: str = ""
    fn: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200


def _find(fns: dict[int, Any], fn_index: Any, api_name: str | None) -> Any:
    if api_name is not None:
        if api_name not in PUBLIC_APIS:
            return None
        return next((f for f in fns.values() if f.api_name == api_name), None)
    if isinstance(fn_index, bool) or not isinstance(fn_index, int):
        return None
    return fns.get(fn_index)


def decide(
    fns: dict[int, Any],
    rights: Rights,
    user: str | None,
    fn_index: Any = None,
    api_name: str | None = None,
) -> Verdict:
    """May `user` run the function named by `fn_index` or `api_name` (see the module docstring)?"""
    block_fn = _find(fns, fn_index, api_name)
    if block_fn is None or getattr(block_fn, "fn", None) is None:
        what = f"API-navnet «{api_name}»" if api_name is not None else f"funksjon {fn_index!r}"
        return Verdict(404, f"Ukjent {what}.")
    right = right_of(block_fn.fn)
    if right is None:
        return Verdict(403, "Denne funksjonen er ikke åpen.", fn=block_fn)
    if not rights.may(user, right):
        return Verdict(403, WHY.get(right, "Du har ikke tilgang til dette."), right, block_fn)
    return Verdict(200, "", right, block_fn)


def unmarked(fns: dict[int, Any]) -> Collection[str]:
    """Names of server functions without a right (a test keeps this empty)."""
    return [
        str(getattr(f, "name", "?"))
        for f in fns.values()
        if getattr(f, "fn", None) is not None and right_of(f.fn) is None
    ]
