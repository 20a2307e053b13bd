"""The legal tabs through gradio_client against the running page (real index)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import Served

pytestmark = pytest.mark.slow


def test_verify_and_refs_endpoints(served: Served) -> None:
    from gradio_client import Client

    index = served.assistant.index
    passage = next(p for p in index.passages if p.section and len(p.text.split()) > 8)
    client = Client(served.url, verbose=False)

    found = client.predict(passage.text, "", api_name="/verify")
    assert "Funnet ordrett" in found
    altered = passage.text.replace(passage.text.split()[3], "annerledes", 1)
    assert "Funnet ordrett" not in client.predict(altered, "", api_name="/verify")

    ref = next(r for p in index.passages for r in p.refs)
    table = client.predict(ref.law, ref.provision, api_name="/refs")
    assert ref.provision in table
    assert "Forstår ikke" in client.predict("", "tull", api_name="/refs")
