"""The served queue never rebuilds Gradio's analytics summary and keeps one analytics event."""

from __future__ import annotations

import gradio as gr
import pytest

from assistant.settings import Settings
from ui.server import QUEUE_ANALYTICS_ENV, configure_queue


def test_the_queue_is_made_with_its_analytics_summary_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in QUEUE_ANALYTICS_ENV:
        monkeypatch.delenv(name, raising=False)
    with gr.Blocks() as demo:
        gr.Textbox()
    configure_queue(demo, Settings())
    queue = demo._queue
    assert queue.ANALYTICS_MAX_EVENTS == 1
    assert queue.ANAYLTICS_CACHE_FREQUENCY >= 2**62  # Gradio's own spelling
    queue.events_recorded = 5000  # as after 5,000 answers: the summary is still not rebuilt
    summary = queue.compute_analytics_summary([{"function": "ask", "status": "success"}])
    assert summary == {"functions": {}}
