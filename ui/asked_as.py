"""What a conversation is asked as: its role and source filter, kept with it in the browser store.

A conversation asked as kriminalomsorgen must go on as kriminalomsorgen when it is reopened, even
after another role was chosen for a new one; the same for «Bare gjeldende kilder» and the ticked
documents. The page records them in the conversation's entry of the store (`"asked"`: role,
only_binding, documents) at every question and whenever the user changes them while the
conversation is open, and sets them back when it is reopened or the page is reloaded. A
conversation stored before this existed is asked as its last question's role, without a filter.
Pure functions over the store dict (`ui.conversations`); it deliberately knows no Gradio.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from assistant.records import ROLES

Store = dict[str, Any]
KEY = "asked"


@dataclass(frozen=True)
class AskedAs:
    role: str = "alle"
    only_binding: bool = False
    documents: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, role: str | None, only_binding: bool | None, documents: Collection[str] | None
    ) -> AskedAs:
        """From the page's inputs; an unknown role is «alle»."""
        return cls(
            role if role in ROLES else "alle",
            bool(only_binding),
            tuple(str(d) for d in documents or ()),
        )


def remember(store: Store, asked: AskedAs) -> Store:
    """A copy of `store` in which the active conversation (if any) is asked as `asked`."""
    convs = [
        {**c, KEY: asdict(asked) | {"documents": list(asked.documents)}}
        if c.get("id") == store.get("active") and store.get("active")
        else c
        for c in store.get("conversations", [])
    ]
    return {**store, "conversations": convs}


def recall(store: Store, conv_id: str | None = None) -> AskedAs | None:
    """How conversation `conv_id` (default: the active one) is asked; None when there is none."""
    wanted = conv_id or store.get("active")
    conv = next((c for c in store.get("conversations", []) if c.get("id") == wanted), None)
    if not wanted or conv is None:
        return None
    saved = conv.get(KEY)
    if isinstance(saved, Mapping):
        docs = saved.get("documents")
        return AskedAs.of(
            saved.get("role"),
            saved.get("only_binding"),
            docs if isinstance(docs, list) else (),
        )
    turns = conv.get("turns") or []
    if turns and isinstance(turns[-1], Mapping):
        return AskedAs.of(str(turns[-1].get("role", "alle")), False, ())
    return None
