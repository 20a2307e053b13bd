"""Lazy page sessions hold what Gradio's own would, against the installed Gradio."""

from __future__ import annotations

import gradio as gr
from gradio.state_holder import SessionState

from ui.server import GuardedApp
from ui.sessions import LazySessionState, SessionStates


def _demo() -> gr.Blocks:
    with gr.Blocks() as demo:
        box = gr.Textbox("første", label="Spørsmål")
        gr.Dropdown(["a", "b"], value="a", label="Rolle")
        gr.State({"turns": []})
        box.submit(lambda q: q, box, box)
    return demo


def test_a_lazy_session_builds_no_config_until_read_and_then_all_of_gradios() -> None:
    demo = _demo()
    lazy = LazySessionState(demo)
    assert lazy.config_values == {}
    full = SessionState(demo).config_values
    assert full  # Gradio renders every block's config up front
    assert list(lazy.components) == [c for c in full.values() if c]
    assert lazy.config_values == full


def test_a_value_change_is_kept_as_gradios_session_keeps_it() -> None:
    demo = _demo()
    box_id = next(k for k, b in demo.blocks.items() if isinstance(b, gr.Textbox))
    lazy, eager = LazySessionState(demo), SessionState(demo)
    for state in (lazy, eager):
        state._update_value_in_config(box_id, "andre")
    assert lazy.config_values[box_id] == eager.config_values[box_id]
    assert lazy.config_values[box_id]["props"]["value"] == "andre"
    state_id = next(k for k, b in demo.blocks.items() if isinstance(b, gr.State))
    lazy[state_id]["turns"].append("q")  # a session's own copy of the State's value
    assert LazySessionState(demo)[state_id] == {"turns": []}


def test_the_served_app_makes_lazy_sessions() -> None:
    from ui.guard import GuardConfig
    from ui.hosts import HostPolicy
    from ui.rights import Rights

    app = GuardedApp(GuardConfig(HostPolicy.build("127.0.0.1", ()), Rights(False), ()))
    assert isinstance(app.state_holder, SessionStates)
    app.state_holder.set_blocks(_demo())
    assert isinstance(app.state_holder["s1"], LazySessionState)
    assert app.state_holder["s1"] is app.state_holder["s1"]
