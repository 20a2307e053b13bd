"""Fixtures shared by the assistant's CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings


@pytest.fixture
def real_env(monkeypatch: pytest.MonkeyPatch, real_settings: Settings, tmp_path: Path) -> Path:
    """HJEMMEL_HOME pointing at the session's real index; cwd away from any hjemmel.toml."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HJEMMEL_CONFIG", raising=False)
    monkeypatch.setenv("HJEMMEL_HOME", str(real_settings.home))
    monkeypatch.setenv("HJEMMEL_CORPUS", str(real_settings.corpus))
    return tmp_path
