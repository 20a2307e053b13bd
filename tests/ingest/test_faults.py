"""Fault injection on ingest: concurrent writers, SIGKILL mid-build, readers across re-ingests,
manifest paths in subfolders, links out of the corpus. Real CLI in subprocesses, tiny corpus,
fake embedder (each build about a second), so the whole module stays well under a minute or two.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ingest.index import Index, build_index
from ingest.lock import IngestBusyError, ingest_lock
from ingest.pipeline import load_corpus
from tests.faultkit import build, cli, env, hjemmel, write_corpus

pytestmark = pytest.mark.fault

BUSY = "En annen innlesing pågår allerede"


def _serves(home: Path) -> Index:
    index = Index.open(home / "index")
    assert index.bm25_search(["taushetsplikt"], 1), "BM25 finds nothing"
    assert index.dense_search("taushetsplikt", 1), "dense search finds nothing"
    return index


def test_two_concurrent_ingests_keep_the_live_index(tmp_path: Path) -> None:
    corpus, home = write_corpus(tmp_path / "corpus", copies=40), tmp_path / "home"
    build(home, corpus)
    for _ in range(3):
        procs = [
            subprocess.Popen(
                cli("ingest"),
                env=env(home, corpus),
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        codes = sorted(code for code, _, _ in results)
        assert codes[0] == 0 and all(c in (0, 3) for c in codes), results
        for code, _, err in results:
            assert code == 0 or BUSY in err
        _serves(home).close()
        builds = [p for p in (home / "index" / "builds").iterdir()]
        assert len(builds) == 1  # the live one; nothing pruned it, nothing lingers


def test_second_ingest_is_told_or_waits(tmp_path: Path) -> None:
    corpus, home = write_corpus(tmp_path / "corpus"), tmp_path / "home"
    build(home, corpus)
    with ingest_lock(home):
        busy = hjemmel(home, corpus, "ingest")
        assert busy.returncode == 3 and BUSY in busy.stderr and "--wait" in busy.stderr
        with pytest.raises(IngestBusyError):  # another thread of this process is refused too
            import threading

            errors: list[BaseException] = []

            def other() -> None:
                try:
                    build_index(load_corpus([corpus]), home / "index", "fake", home / "cache")
                except BaseException as exc:
                    errors.append(exc)

            t = threading.Thread(target=other)
            t.start()
            t.join()
            raise errors[0]
        waiting = subprocess.Popen(
            cli("ingest", "--wait"),
            env=env(home, corpus),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the lock
    assert waiting.wait(timeout=120) == 0
    _serves(home).close()


def test_sigkill_at_random_points_keeps_the_old_index(tmp_path: Path) -> None:
    corpus, home = write_corpus(tmp_path / "corpus", copies=60), tmp_path / "home"
    build(home, corpus)
    first = Index.open(home / "index")
    current_id = first.format["build_id"]
    first.close()
    (corpus / "rundskriv.txt").write_text(
        (corpus / "rundskriv.txt").read_text(encoding="utf-8") + "\n99 Tillegg\n\nNy tekst.\n",
        encoding="utf-8",
    )
    rng = random.Random(11)
    swapped = 0
    for _ in range(20):
        proc = subprocess.Popen(
            cli("ingest"),
            env=env(home, corpus),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        index = _serves(home)  # the old build, or a complete new one: never a broken one
        swapped += index.format["build_id"] != current_id
        current_id = index.format["build_id"]
        index.close()
    final = hjemmel(home, corpus, "ingest")
    assert final.returncode == 0, final.stderr
    index = _serves(home)
    # Crash leftovers (half-written builds, stray links) were removed by the next ingest.
    assert [p.name for p in (home / "index" / "builds").iterdir()] == [index.format["build_id"]]
    assert not list((home / "index").glob(".current-*"))
    print(f"{swapped} of 20 killed runs had already swapped in a complete build")
    assert swapped < 20  # the kills did land mid-build


def test_an_open_index_keeps_vector_search_across_three_reingests(tmp_path: Path) -> None:
    corpus, home = write_corpus(tmp_path / "corpus"), tmp_path / "home"
    build(home, corpus)
    server = _serves(home)  # what a running page holds
    before = server.dense_search("sikkerhetscelle lege", 3)
    for n in range(3):
        assert hjemmel(home, corpus, "ingest").returncode == 0
        assert server.dense_search("sikkerhetscelle lege", 3) == before, f"after ingest {n + 1}"
        assert (server.path / "chroma" / "chroma.sqlite3").is_file()
    fresh = _serves(home)  # a holder re-opening `current` gets the newest build
    assert fresh.path != server.path
    old = server.path
    server.close()
    assert hjemmel(home, corpus, "ingest").returncode == 0
    assert not old.exists()  # released, then pruned — and nothing re-created it
    with pytest.raises(FileNotFoundError):
        from ingest.store import ChromaLocalStore

        ChromaLocalStore(old / "chroma", create=False)
    assert not old.exists()
    fresh.close()


def test_subfolder_manifest_entry_keeps_its_metadata(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "vedlegg").mkdir()
    (corpus / "vedlegg" / "x.txt").write_text(
        "1 Utkast\n\nInnsatte skal få tilbud om samtale.\n", encoding="utf-8"
    )
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[document]]\nid = "vedlegg-x"\ntitle = "Utkast til vedlegg"\ntype = "høringsutkast"\n'
            'issuer = "KDI"\ndate = ""\nstatus = "utkast"\nfile = "vedlegg/x.txt"\n'
        )
    for given in ([corpus], [corpus / "vedlegg" / "x.txt"]):
        load = load_corpus(given)
        doc = next(d.document for d in load.documents if d.document.path == "vedlegg/x.txt")
        assert (doc.id, doc.status, doc.type) == ("vedlegg-x", "utkast", "høringsutkast")


def test_links_out_of_the_corpus_and_loops_are_refused(tmp_path: Path) -> None:
    corpus, home = write_corpus(tmp_path / "corpus"), tmp_path / "home"
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    result = hjemmel(home, corpus, "ingest")
    assert result.returncode == 0, result.stderr
    assert "passwd.txt: peker på /etc/passwd, utenfor korpusmappen" in result.stdout
    assert "loop.txt: symbolsk lenke i en løkke" in result.stdout
    index = Index.open(home / "index")
    assert list(index.documents) == ["rundskriv"]
    assert "root:" not in "".join(index.texts.values())
    index.close()
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[document]]\nid = "ut"\ntitle = "Ut"\ntype = "rapport"\nissuer = ""\ndate = ""\n'
            'status = "informasjon"\nfile = "../../../../etc/passwd"\n'
        )
    result = hjemmel(home, corpus, "ingest")
    assert result.returncode == 2 and "inne i korpusmappen" in result.stderr


def test_sigkill_leaves_no_lock_behind(tmp_path: Path) -> None:
    corpus, home = write_corpus(tmp_path / "corpus", copies=60), tmp_path / "home"
    proc = subprocess.Popen(
        cli("ingest"),
        env=env(home, corpus),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with ingest_lock(home):  # the kernel released it with the process
        pass
