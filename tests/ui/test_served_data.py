"""What a running `hjemmel serve` keeps, sends and leaves behind: bounded conversations, exports
that never touch the disk, uploads that survive kill -9, old builds released, bad metadata named.

Real CLI processes on loopback over a tiny fake-embedder corpus (tests/faultkit.py), spoken to
only through the page's HTTP API (tests/servekit.py). Bounded in count and time.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from tests.faultkit import FNR_FORMS, built_site, hjemmel
from tests.servekit import client, file_data, functions, run, serving, start, stop, upload
from ui.conversations import MAX_STORE_CHARS, MAX_TURNS

pytestmark = pytest.mark.fault


QUESTION = "Hvor ofte skal det være tilsyn på sikkerhetscelle?"


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    return built_site(tmp_path)


def _ask(http: object, fns: dict[str, int], question: str, store: str) -> tuple[list, int]:
    """A question as the page asks it: «begin» shows it, «finish» answers."""
    session = uuid.uuid4().hex[:11]
    run(http, fns["begin"], [question, store], session=session)  # type: ignore[arg-type]
    data = [question, "alle", store, False, []]
    return run(http, fns["finish"], data, session=session)  # type: ignore[arg-type]


def test_a_4000_turn_store_gets_a_bounded_reply_and_bounded_memory(
    site: tuple[Path, Path],
) -> None:
    home, corpus = site
    with serving(home, corpus) as server:
        http = client(server)
        fns = functions(http)
        out, _ = _ask(http, fns, QUESTION, "")
        store = json.loads(out[0])
        turn = store["conversations"][0]["turns"][0]
        store["conversations"][0]["turns"] = [
            {**turn, "id": f"t{n}", "question": f"{QUESTION} ({n})"} for n in range(4000)
        ]
        big = json.dumps(store, ensure_ascii=False)
        assert len(big) > MAX_STORE_CHARS  # more than the server will ever write back
        _ask(http, fns, QUESTION, "")  # warm
        before = server.rss_mb()
        sizes = []
        for _ in range(5):
            out, size = _ask(http, fns, "Og for dem under 18?", big)
            sizes.append(size)
        after = server.rss_mb()
        kept = json.loads(out[0])["conversations"][0]
        assert len(kept["turns"]) == MAX_TURNS and kept["dropped"] == 4001 - MAX_TURNS
        assert max(sizes) < 2 * MAX_STORE_CHARS + 500_000, sizes  # store + 40 bubbles + 1 card
        assert out[2].count('class="cite-card"') <= 3  # the new answer's cards only
        assert after - before < 250, (before, after)  # MB; it was +1,150 MB for one such store


def test_an_export_leaves_no_personal_data_in_temp_or_gradio_folders(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    home, corpus = site
    temp, cache = tmp_path / "tmp", tmp_path / "gradio-cache"
    temp.mkdir()
    cache.mkdir()
    with serving(home, corpus, TMPDIR=str(temp), GRADIO_TEMP_DIR=str(cache)) as server:
        http = client(server)
        fns = functions(http)
        store = ""
        for form in FNR_FORMS:
            question = f"Må lege tilse Ola Nordmann ({form}) på sikkerhetscelle? Ring 912 34 567."
            out, _ = _ask(http, fns, question, store)
            store = out[0]
        for name in ("run", "run_1"):  # «Last ned (.md)» and «(.docx)»
            payload = json.loads(run(http, fns[name], [store])[0][0])
            data = base64.b64decode(payload["data"])
            assert payload["name"].startswith("samtale.") and len(data) > 200
            if payload["name"].endswith(".md"):
                assert FNR_FORMS[0] in data.decode("utf-8")  # the user's own download is whole
    found = []
    for folder in (temp, cache, home):
        for path in folder.rglob("*"):
            if path.is_file():
                blob = path.read_bytes()
                found += [(str(path), f) for f in FNR_FORMS if f.encode() in blob]
    assert not found, found
    assert not list(temp.glob("hjemmel-eksport-*"))


def _big_note(tmp_path: Path, sections: int) -> Path:
    parts = [
        f"{n} Punkt {n}\n\nSamtalerom nummer {n} skal ha en nødknapp som varsler vaktsentralen."
        for n in range(1, sections + 1)
    ]
    path = tmp_path / "stor.txt"
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def _meta(title: str, date: str = "") -> list[str]:
    return [title, "veileder", "lokal", "Testdirektoratet", date, "Testbruker"]


def test_kill_9_during_an_uploads_reindex_is_rolled_back_at_restart(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    home, corpus = site
    manifest = corpus / "manifest.toml"
    note = _big_note(tmp_path, 4000)
    server = start(home, corpus)
    try:
        http = client(server)
        fns = functions(http)
        sent = upload(http, note).json()[0]
        builds = home / "index" / "builds"
        known = {p.name for p in builds.iterdir()}
        body = [file_data(sent, note.name), *_meta("Stor veileder")]
        from tests.servekit import join

        assert join(http, fns["upload"], body).status_code == 200
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            building = {p.name for p in builds.iterdir()} - known
            if building and (home / "corpus-edit.json").exists():
                break
            time.sleep(0.02)
        else:
            pytest.fail("the re-index never started")
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=20)
    finally:
        stop(server)
    # What the crash left: the file and the manifest entry, with no build holding them.
    uploaded = corpus / "opplastet-stor-veileder.txt"
    assert uploaded.exists() and "Stor veileder" in manifest.read_text(encoding="utf-8")
    with serving(home, corpus) as server:  # the restart rolls it back
        assert not uploaded.exists()
        assert "Stor veileder" not in manifest.read_text(encoding="utf-8")
        assert not (home / "corpus-edit.json").exists()
        documents = json.loads((home / "index" / "current" / "documents.json").read_text())
        assert [d["id"] for d in documents] == ["rundskriv"]
        # Consistent again: the same upload is not refused as a duplicate, and it is answered.
        http = client(server)
        fns = functions(http)
        small = tmp_path / "liten.txt"
        small.write_text("1 Samtalerom\n\nSamtalerommet skal ha en nødknapp.\n", encoding="utf-8")
        sent = upload(http, small).json()[0]
        message = run(http, fns["upload"], [file_data(sent, small.name), *_meta("Stor veileder")])
        assert message[0][0].startswith("✅"), message[0][0]
    assert hjemmel(home, corpus, "ingest", "--if-stale").returncode == 0


def test_bad_metadata_is_named_and_a_documents_markdown_stays_text(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    home, corpus = site
    with serving(home, corpus) as server:
        http = client(server)
        fns = functions(http)
        note = tmp_path / "lenke.txt"
        note.write_text(
            "1 Besøk\n\nBesøksrommet skal ha [alarm](http://evil.example/a) og **blått** lys.\n",
            encoding="utf-8",
        )
        sent = upload(http, note).json()[0]

        def add(title: str, date: str = "") -> str:
            return str(
                run(http, fns["upload"], [file_data(sent, note.name), *_meta(title, date)])[0][0]
            )

        assert "finnes ikke" in add("Besøksrutine", "2024-13-45")
        assert "tittelen «fengselsrundskrivet»" in add("fengselsrundskrivet").lower()
        assert add("Besøksrutine", "2024-02-29").startswith("✅")
        answer = run(http, fns["ask"], ["Hva slags alarm skal besøksrommet ha?", "alle", None])
        markdown = answer[0][0]["markdown"]
        assert "alarm" in markdown and "](http" not in markdown and "**blått**" not in markdown


def test_old_builds_are_released_by_a_running_server(site: tuple[Path, Path]) -> None:
    home, corpus = site
    builds = home / "index" / "builds"
    with serving(home, corpus) as server:
        http = client(server)
        fns = functions(http)
        for n in range(6):
            text = (corpus / "rundskriv.txt").read_text(encoding="utf-8")
            (corpus / "rundskriv.txt").write_text(text + f"\n{10 + n} Tillegg\n\nTillegg {n}.\n")
            assert hjemmel(home, corpus, "ingest").returncode == 0
            run(http, fns["ask"], [QUESTION, "alle", None])  # the server follows the swap
        assert len([p for p in builds.iterdir() if p.is_dir()]) <= 2, list(builds.iterdir())
