"""Helpers for tests against a running `hjemmel serve` (a real CLI process on a loopback port).

`serving(home, corpus, **env)` starts the command, waits until the page answers and stops it
(SIGTERM, then SIGKILL) afterwards; the functions below speak the page's own HTTP protocol — the
login form, /config, /gradio_api/upload, /gradio_api/queue/join and the queue's event stream —
so a test sees exactly what a browser or a script would, with no handler called directly.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.faultkit import cli, env
from tests.ui.conftest import free_port


@dataclass
class Server:
    url: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def rss_mb(self) -> float:
        """The server's resident memory (Linux /proc)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start(home: Path, corpus: Path, **extra: str) -> Server:
    port = free_port()
    log = home.parent / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cli("serve", "--host", "127.0.0.1", "--port", str(port)),
            env=env(home, corpus, **extra),
            cwd=home.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", port, proc, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"hjemmel serve stoppet ({proc.returncode}):\n{server.log_text()}")
        try:
            if httpx.get(server.url + "/", timeout=2).status_code in (200, 401):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(server)
    raise AssertionError("hjemmel serve svarte ikke")


def stop(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=20)


@contextlib.contextmanager
def serving(home: Path, corpus: Path, **extra: str) -> Iterator[Server]:
    server = start(home, corpus, **extra)
    try:
        yield server
    finally:
        stop(server)


def client(server: Server, user: str | None = None, password: str = "") -> httpx.Client:
    http = httpx.Client(base_url=server.url, timeout=60)
    if user is not None:
        got = http.post("/login", data={"username": user, "password": password})
        assert got.status_code == 200, got.text
    return http


def functions(http: httpx.Client) -> dict[str, int]:
    """api_name -> fn_index of the page's server functions, from /config."""
    config = http.get("/config").json()
    return {d["api_name"]: d["id"] for d in config["dependencies"] if d.get("backend_fn")}


def upload(http: httpx.Client, path: Path) -> httpx.Response:
    with path.open("rb") as fh:
        return http.post("/gradio_api/upload", files={"files": (path.name, fh)})


def file_data(server_path: str, name: str) -> dict[str, Any]:
    return {"path": server_path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}


def join(
    http: httpx.Client, fn_index: int, data: list[Any], session: str | None = None, **headers: str
) -> httpx.Response:
    body = {
        "data": data,
        "fn_index": fn_index,
        "trigger_id": None,
        "event_data": None,
        "session_hash": session or uuid.uuid4().hex[:11],
    }
    return http.post("/gradio_api/queue/join", json=body, headers=headers)


def run(
    http: httpx.Client,
    fn_index: int,
    data: list[Any],
    timeout: float = 120,
    session: str | None = None,
) -> Any:
    """Call a function through the queue as the page does (in `session`, whose gr.State the
    page's steps share) and return (its output data, bytes of the completed message); raises
    with the error the server sent."""
    session = session or uuid.uuid4().hex[:11]
    joined = join(http, fn_index, data, session)
    assert joined.status_code == 200, (joined.status_code, joined.text)
    with http.stream(
        "GET", "/gradio_api/queue/data", params={"session_hash": session}, timeout=timeout
    ) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed":
                if not message.get("success"):
                    raise AssertionError(f"feil fra serveren: {message.get('output')}")
                return message["output"]["data"], len(line)
    raise AssertionError("svaret kom ikke")
