"""`html_box`: the page's own HTML (citation cards, the reader, tables) shown without eval.

Gradio 6's `gr.HTML` renders every value through a JavaScript template compiled with
`Function(...)`, which a Content-Security-Policy without 'unsafe-eval' forbids. `html_box` is a
`gr.Markdown` for the same HTML strings: LaTeX off, and Gradio's sanitizer not needed because
`ui.render` escapes all source text itself. Every value shown in it must be one HTML block
(`one_block`: no line break, so Markdown never reads the text inside as Markdown); the
producers in `ui.render`, `ui.legal` and `ui.evaluation` return values that way. It is a
function, not a subclass: Gradio writes a .pyi file beside any module that subclasses a component.
"""

from __future__ import annotations

import gradio as gr

from ui.plain_source import one_block

__all__ = ["html_box", "one_block"]


def html_box(value: str = "", elem_id: str | None = None) -> gr.Markdown:
    return gr.Markdown(
        one_block(value or ""), elem_id=elem_id, sanitize_html=False, latex_delimiters=[]
    )
