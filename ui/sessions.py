"""Page sessions that cost nothing to open: Gradio's per-session state, its block configs built
only when something reads them.

Gradio makes a `SessionState` for every new session id, and its constructor renders the config of
every block on the page (111 here) for the deep-link route: 5.5 ms of CPU measured on this machine,
paid on every request by an API client that sends a fresh session id (or none). `LazySessionState`
starts with no configs; Gradio's own code fills in the one it changes (`_update_value_in_config`,
`__setitem__`), and `components` (what a deep link reads) fills in the rest before it is read, so
every reader sees what Gradio's own state would hold. `SessionStates` is the `StateHolder` that
makes them; `ui.server.GuardedApp` installs it.

It deliberately changes nothing else about sessions: their values, expiry and capacity stay
Gradio's. It leans on two names Gradio does not document (`SessionState.config_values` and
`StateHolder.session_data`); `tests/ui/test_sessions.py` checks them against the installed Gradio.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gradio.state_holder import SessionState, StateHolder


class _NoBlocks:
    """What `SessionState.__init__` reads of a `Blocks`, with no blocks to render configs for."""

    def __init__(self, blocks: Any) -> None:
        self.default_config = blocks.default_config
        self.blocks: dict[int, Any] = {}


class LazySessionState(SessionState):
    """A `SessionState` whose block configs are built on first read."""

    def __init__(self, blocks: Any) -> None:
        super().__init__(_NoBlocks(blocks))  # type: ignore[arg-type]  # duck-typed: see _NoBlocks
        self._page_blocks = blocks.blocks

    def fill_configs(self) -> None:
        """Build every block config not built yet (Gradio's constructor would have built all)."""
        for key, block in self.blocks_config.blocks.items():
            if key in self._page_blocks and key not in self.config_values:
                self.config_values[key] = self.blocks_config.config_for_block(key, [], block)

    @property
    def components(self) -> Iterator[dict[str, Any]]:
        self.fill_configs()
        return super().components


class SessionStates(StateHolder):
    """Gradio's `StateHolder`, making `LazySessionState`s."""

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LazySessionState(self.blocks)
        return super().__getitem__(session_id)
