"""Settings: the embedding settings are read, checked and handed to the index as one record."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError


def test_embedding_settings_from_the_environment(tmp_path: Path) -> None:
    env = {"HJEMMEL_THREADS": "1", "HJEMMEL_QUERY_CACHE": "0", "HJEMMEL_EMBED_URL": "http://x:8001"}
    s = Settings.load(env, config_file=tmp_path / "none.toml")
    assert (s.threads, s.query_cache, s.embed_url) == (1, 0, "http://x:8001")
    opts = s.embedding
    assert (opts.threads, opts.query_cache, opts.url) == (1, 0, "http://x:8001")


def test_embedding_defaults_use_every_core_and_a_cache(tmp_path: Path) -> None:
    s = Settings.load({}, config_file=tmp_path / "none.toml")
    assert s.threads == 0 and s.query_cache > 0 and s.embed_url is None


@pytest.mark.parametrize("key", ["HJEMMEL_THREADS", "HJEMMEL_QUERY_CACHE"])
def test_negative_counts_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(SettingsError):
        Settings.load({key: "-1"}, config_file=tmp_path / "none.toml")
