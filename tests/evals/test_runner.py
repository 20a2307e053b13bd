"""The runner: suite loading, smoke selection, gold matching, scoring, baselines and real runs.

Unit tests use hand-made passages and a tiny hand-written suite; the llama-index baseline runs
with the project's deterministic fake embedder. Tests marked `slow` run `hjemmel eval` through the
CLI on the session's real index (tests/conftest.py) and check the JSON shape, the reports,
determinism and `--compare`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from evals import runner
from evals.answers import AnswerFacts, Cited
from evals.baselines import GoldRef, Outcome, PassageGold, Unit
from evals.llamaindex import LlamaIndexBaseline
from evals.llamaindex_hybrid import LlamaIndexHybrid
from ingest.records import Passage

TINY_SUITE = [
    {"id": "tp-001", "topic": "taushetsplikt", "role": "kommunehelse", "lang": "no",
     "tags": ["paraphrase"], "question": "Hvilken taushetsplikt har helsepersonell i fengselet?",
     "history": [], "gold": [{"doc": "rundskriv", "section": "6.3", "quote":
     "en strengere taushetsplikt for opplysninger de mottar i egenskap av å være helsepersonell"}],
     "facts": [["helsepersonelloven § 21"]], "expect_refusal": False},
    {"id": "is-001", "topic": "isolasjon", "role": "kommunehelse", "lang": "no",
     "tags": ["paraphrase"], "question": "Skal helsetjenesten ha tilsyn med innsatte i sikkerhetscelle?",
     "history": [], "gold": [{"doc": "rundskriv", "quote": "ha tilsyn med innsatte som er isolert"}],
     "facts": [["tilsyn"]], "expect_refusal": False},
    {"id": "an-001", "topic": "annet", "role": "alle", "lang": "no", "tags": ["refusal", "offtopic"],
     "question": "Hva koster en bussbillett fra Oslo til Bergen?", "history": [], "gold": [],
     "facts": [], "expect_refusal": True},
    {"id": "tp-002", "topic": "taushetsplikt", "role": "spesialisthelse", "lang": "no",
     "tags": ["followup"], "question": "Og hva med helsepersonell?",
     "history": [{"question": "Har ansatte i kriminalomsorgen taushetsplikt?"}],
     "gold": [{"doc": "rundskriv", "quote": "Helsepersonell har i tillegg en strengere taushetsplikt"}],
     "facts": [["strengere taushetsplikt"]], "expect_refusal": False},
]  # fmt: skip


def write_suite(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", "utf-8")
    return path


def test_load_suite_parses_items(tmp_path: Path) -> None:
    items = runner.load_suite(write_suite(tmp_path / "s.jsonl", TINY_SUITE))
    assert [i.id for i in items] == ["tp-001", "is-001", "an-001", "tp-002"]
    assert items[0].gold[0].doc == "rundskriv" and items[0].gold[0].section == "6.3"
    assert items[0].facts == (("helsepersonelloven § 21",),)
    assert items[3].history == ("Har ansatte i kriminalomsorgen taushetsplikt?",)
    assert items[2].expect_refusal


def test_load_suite_rejects_duplicates_and_bad_lines(tmp_path: Path) -> None:
    with pytest.raises(runner.SuiteError, match="tp-001"):
        runner.load_suite(write_suite(tmp_path / "d.jsonl", [TINY_SUITE[0], TINY_SUITE[0]]))
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"id": "x"}\n', "utf-8")
    with pytest.raises(runner.SuiteError, match=":1:"):
        runner.load_suite(bad)
    with pytest.raises(runner.SuiteError):
        runner.resolve_suite(str(tmp_path / "finnes-ikke.jsonl"))


def test_smoke_subset_follows_the_rule(tmp_path: Path) -> None:
    items = []
    for topic in ("taushetsplikt", "isolasjon"):
        items += [dict(TINY_SUITE[0], id=f"{topic}-{n}", topic=topic) for n in range(5)]
    items += [dict(TINY_SUITE[2], id=f"ref-{n}") for n in range(4)]
    items += [dict(TINY_SUITE[3], id=f"multi-{n}") for n in range(4)]
    loaded = runner.load_suite(write_suite(tmp_path / "s.jsonl", items))
    chosen = [i.id for i in runner.smoke_subset(loaded)]
    assert chosen == [
        *(f"taushetsplikt-{n}" for n in range(3)),
        *(f"isolasjon-{n}" for n in range(3)),
        "ref-0", "ref-1", "multi-0", "multi-1",
    ]  # fmt: skip


def _passages(text: str, doc: str = "d") -> list[Passage]:
    out, start = [], 0
    for n, para in enumerate(text.split("\n\n")):
        out.append(Passage(f"{doc}:1:{n}", doc, "1", "H", ("H",), None, "paragraph", para,
                           start, start + len(para)))  # fmt: skip
        start += len(para) + 2
    return out


def test_passage_gold_matches_across_whitespace_and_passages() -> None:
    text = "Lege skal varsles\nstraks.\n\nDen innsatte skal ha tilsyn.\n\nTilsyn skal skje daglig."
    gold = PassageGold(_passages(text), {"d": text})
    ids, missing = gold.ids([GoldRef("lege SKAL varsles straks", doc="d")])
    assert ids == {"d:1:0"} and missing == ()
    # A quote running over a passage boundary marks both passages.
    ids, _ = gold.ids([GoldRef("ha tilsyn. Tilsyn skal", doc="d")])
    assert ids == {"d:1:1", "d:1:2"}
    ids, missing = gold.ids([GoldRef("står ikke her")])
    assert ids == frozenset() and missing == ("står ikke her",)


def _outcome(ranked: list[str], answer: str, refused: bool = False) -> Outcome:
    units = tuple(Unit(i, "d", "1", f"tekst {i}") for i in ranked)
    return Outcome(units, answer, refused, units[:1], (1, 1), 12.0)


def test_score_item_answerable_and_refusal(tmp_path: Path) -> None:
    items = runner.load_suite(write_suite(tmp_path / "s.jsonl", TINY_SUITE))
    row = runner.score_item(items[0], "hjemmel", frozenset({"b"}), (),
                            _outcome(["a", "b"], "Se helsepersonelloven  § 21 [1]"))  # fmt: skip
    assert row["hits"] == {"1": 0.0, "3": 1.0, "5": 1.0, "10": 1.0}
    assert row["mrr"] == 0.5 and row["gold_rank"] == 2 and row["fact_recall"] == 1.0
    assert row["citation_precision"] == 0.0  # it cited «a», which holds no gold
    assert [r["gold"] for r in row["retrieved"]] == [False, True]
    refusal = runner.score_item(items[2], "hjemmel", frozenset(), (), _outcome([], "", True))
    assert refusal["mrr"] is None and refusal["hits"]["5"] is None and refusal["refused"]


def test_a_question_without_gold_is_answered_but_not_scored_on_retrieval(tmp_path: Path) -> None:
    from evals.metrics import summarize
    from evals.report import failures

    items = runner.load_suite(write_suite(tmp_path / "s.jsonl", TINY_SUITE))
    unscored = replace(items[0], gold=())
    row = runner.score_item(unscored, "hjemmel", frozenset(), (),
                            _outcome(["a"], "Se helsepersonelloven § 21 [1]"))  # fmt: skip
    assert row["scored"] is False and row["hits"]["5"] is None and row["mrr"] is None
    assert row["fact_recall"] == 1.0  # facts are still checked in the answer
    scored = runner.score_item(items[1], "hjemmel", frozenset({"a"}), (), _outcome(["a"], "tilsyn"))
    summary = summarize([row, scored])
    assert summary["hit@1"] == 1.0 and summary["n_answerable"] == 2  # the unscored row is left out
    result = {"k": 5, "rows": [row, scored]}
    assert failures(result) == []  # not a retrieval miss


def test_score_item_answer_level_metrics(tmp_path: Path) -> None:
    items = runner.load_suite(write_suite(tmp_path / "s.jsonl", TINY_SUITE))
    item = replace(items[0], actor="kommunehelse")
    quote = (
        "en strengere taushetsplikt for opplysninger de mottar i egenskap av å være helsepersonell"
    )
    facts = AnswerFacts(
        words=42,
        citations=(Cited("a", "Noe annet.", ""), Cited("b", f"De har {quote}.", "helsepersonell")),
        backref_violations=("a: Dette gjelder også.",),
    )
    outcome = replace(_outcome(["a", "b"], "svar"), facts=facts)
    outcome = replace(outcome, cited=outcome.ranked)
    row = runner.score_item(item, "hjemmel", frozenset({"b"}), (), outcome)
    assert row["first_citation_gold"] == 0.0  # the first citation («a») holds no gold
    assert row["words"] == 42 and row["n_citations"] == 2
    assert row["backref_violations"] == ["a: Dette gjelder også."]
    # The citation holding the gold says «helsepersonell», the suite expects «kommunehelse».
    assert row["actor_shown"] == "helsepersonell" and row["role_label"] == 0.0
    assert [c.get("actor") for c in row["cited"]] == ["", "helsepersonell"]
    uncited = runner.score_item(item, "hjemmel", frozenset({"z"}), (), outcome)
    assert uncited["role_label"] is None  # gold not cited: a retrieval miss, not a wrong label
    refused = runner.score_item(items[2], "hjemmel", frozenset(), (),
                                replace(_outcome([], "", True), facts=AnswerFacts(9, (), ())))  # fmt: skip
    assert refused["words"] is None and refused["first_citation_gold"] is None
    retrieval_only = runner.score_item(item, "llamaindex_hybrid", frozenset({"b"}), (),
                                       _outcome(["a", "b"], "svar"))  # fmt: skip
    assert retrieval_only["first_citation_gold"] is None and retrieval_only["words"] is None


def test_llamaindex_hybrid_fuses_bm25_and_chroma(tmp_path: Path) -> None:
    from ingest.embed import CachedEmbedder, FakeEmbedder

    texts = {
        "a": " ".join(
            f"Tilsyn nr. {i} med innsatte i sikkerhetscelle skjer jevnlig." for i in range(90)
        ),
        "b": " ".join(
            f"Taushetsplikt {i} gjelder også overfor kriminalomsorgen." for i in range(90)
        ),
    }
    cached = CachedEmbedder(FakeEmbedder(), tmp_path / "cache")
    base = LlamaIndexHybrid(texts, cached, tmp_path / "chroma", cutoff=None)
    assert len(base.chunks) > 4  # 256-token chunks
    assert (tmp_path / "chroma" / "chroma.sqlite3").is_file()  # a real Chroma store on disk
    out = base.run("Gjelder taushetsplikten overfor kriminalomsorgen?", "alle", ())
    assert 4 < len(out.ranked) <= 10 and out.ranked[0].doc_id == "b"
    assert out.facts is None and not out.refused
    # Gold by span: the quote's chunk(s), though the phrase repeats across chunk borders.
    ids, missing = base.gold_ids([GoldRef("Tilsyn nr. 42 med innsatte", doc="a")])
    assert ids and all(i.startswith("a#") for i in ids) and missing == ()
    # Rebuilt, same ranking.
    again = LlamaIndexHybrid(texts, cached, tmp_path / "chroma", cutoff=None)
    rerun = again.run("Gjelder taushetsplikten overfor kriminalomsorgen?", "alle", ()).ranked
    # The matching chunks keep their order; the tail is «a» chunks whose fake vectors differ only
    # in a number, so their scores tie to ~1e-7 and which of them fill it may change between two
    # HNSW builds.
    matching = [u.id for u in out.ranked if u.doc_id == "b"]
    assert [u.id for u in rerun if u.doc_id == "b"] == matching and len(matching) >= 5
    assert len(rerun) == len(out.ranked)


def test_llamaindex_baseline_with_fake_embedder(tmp_path: Path) -> None:
    from ingest.embed import CachedEmbedder, FakeEmbedder

    texts = {
        "a": "Tilsyn med innsatte i sikkerhetscelle skal skje jevnlig. " * 3,
        "b": "Taushetsplikten gjelder også overfor kriminalomsorgen. " * 3,
    }
    cached = CachedEmbedder(FakeEmbedder(), tmp_path / "cache")
    base = LlamaIndexBaseline(texts, cached)
    assert set(base.chunks) == {"a#0", "b#0"}
    out = base.run("taushetsplikten kriminalomsorgen", "alle", ())
    assert len(out.ranked) == 2 and out.ranked[0].id == "b#0"
    assert not out.refused and out.quotes is None
    assert out.answer_text.startswith(texts["b"].strip()[:40])
    ids, missing = base.gold_ids([GoldRef("gjelder  også overfor"), GoldRef("finnes ikke")])
    assert ids == {"b#0"} and missing == ("finnes ikke",)
    # A second baseline over the same texts embeds nothing new: the cache answers.
    again = CachedEmbedder(FakeEmbedder(), tmp_path / "cache")
    LlamaIndexBaseline(texts, again)
    assert again.misses == 0 and again.hits == 2


# --- real index, through the CLI -----------------------------------------------------------


@pytest.fixture(scope="module")
def eval_home(tmp_path_factory: pytest.TempPathFactory, real_home: Path,
              embed_cache_dir: Path) -> Path:  # fmt: skip
    """A data directory sharing the session's real index and the persistent embedding cache,
    with its own runs folder, so the llama-index chunks are embedded once across sessions."""
    home = tmp_path_factory.mktemp("eval-home")
    (home / "index").symlink_to(real_home / "index", target_is_directory=True)
    (home / "cache").symlink_to(embed_cache_dir, target_is_directory=True)
    return home


@pytest.fixture(scope="module")
def suite_arg(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled core suite once it exists; until then the tiny hand-written one."""
    if (runner.SUITES_DIR / "core.jsonl").is_file():
        return "core"
    return str(write_suite(tmp_path_factory.mktemp("suite") / "tiny.jsonl", TINY_SUITE))


def _eval(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path,
          *args: str) -> tuple[int, str]:  # fmt: skip
    from assistant.cli import main

    monkeypatch.setenv("HJEMMEL_HOME", str(home))
    code = main(["eval", *args])
    return code, capsys.readouterr().out


@pytest.mark.slow
def test_smoke_run_json_reports_determinism_and_compare(
    eval_home: Path, suite_arg: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    code, out = _eval(monkeypatch, capsys, eval_home, "--smoke", "--json", "--suite", suite_arg)
    assert code == 0
    first = json.loads(out)
    assert set(first) == {"run_id", "questions", "pipelines", "crosscheck"}
    assert first["crosscheck"]["agrees"] and first["crosscheck"]["questions"] > 0
    assert first["questions"] > 0
    assert set(first["pipelines"]) == {
        "hjemmel", "bm25", "dense", "llamaindex_default", "llamaindex_hybrid",
        "llamaindex_hybrid_short",
    }  # fmt: skip
    for summary in first["pipelines"].values():
        assert {"hit@1", "hit@5", "mrr", "ndcg@10", "citation_precision", "fact_recall",
                "refusal_precision", "refusal_recall", "quote_verification",
                "latency_p95_ms"} <= set(summary)  # fmt: skip
    assert first["pipelines"]["hjemmel"]["quote_verification"] == 1.0
    assert first["pipelines"]["llamaindex_default"]["quote_verification"] is None
    hjemmel, hybrid = first["pipelines"]["hjemmel"], first["pipelines"]["llamaindex_hybrid"]
    assert hjemmel["words_median"] > 0 and 0.0 <= hjemmel["first_citation_gold"] <= 1.0
    assert isinstance(hjemmel["backref_violations"], int)
    assert hybrid["first_citation_gold"] is None and hybrid["hit@10"] >= hybrid["hit@5"]
    run_dir = eval_home / "runs" / first["run_id"]
    result = json.loads((run_dir / "result.json").read_text("utf-8"))
    assert result["corpus"] and result["rows"] and "index_format" in result
    report_md = (run_dir / "report.md").read_text("utf-8")
    assert "Samlet" in report_md and "## Grunnlinjer" in report_md
    assert "chunk_size=102" in report_md and "SimilarityPostprocessor" in report_md
    assert set(result["pipeline_settings"]) == set(first["pipelines"])
    page = (run_dir / "report.html").read_text("utf-8")
    assert "data:image/png;base64," in page and "<script src" not in page and "Per spørsmål" in page

    code, out = _eval(monkeypatch, capsys, eval_home, "--smoke", "--json", "--suite", suite_arg)
    second = json.loads(out)
    assert second["run_id"] != first["run_id"]
    for name, summary in first["pipelines"].items():
        other = second["pipelines"][name]
        assert {k: v for k, v in summary.items() if k != "latency_p95_ms"} == {
            k: v for k, v in other.items() if k != "latency_p95_ms"
        }

    code, out = _eval(monkeypatch, capsys, eval_home, "--compare", first["run_id"],
                      second["run_id"])  # fmt: skip
    assert code == 0 and "Forverringer (0)" in out and "Forbedringer (0)" in out

    # Alter one stored row of the second run: the comparison must name that question.
    second_path = eval_home / "runs" / second["run_id"] / "result.json"
    stored = json.loads(second_path.read_text("utf-8"))
    row = next(r for r in stored["rows"] if r["pipeline"] == "hjemmel" and not r["expect_refusal"])
    row["mrr"] = -1.0
    second_path.write_text(json.dumps(stored, ensure_ascii=False), "utf-8")
    code, out = _eval(monkeypatch, capsys, eval_home, "--compare", first["run_id"],
                      second["run_id"])  # fmt: skip
    assert code == 0 and f"hjemmel/{row['id']} mrr" in out and "Forverringer (1)" in out


def _hjemmel_eval(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path,
                  *args: str) -> tuple[int, dict[str, Any]]:  # fmt: skip
    code, out = _eval(monkeypatch, capsys, home, "--pipeline", "hjemmel", "--json",
                      "--no-progress", *args)  # fmt: skip
    return code, json.loads(out)


@pytest.mark.slow
def test_fail_on_regression_exits_1_on_a_worsened_run_and_0_on_a_repeat(
    eval_home: Path, suite_arg: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    smoke = ("--smoke", "--suite", suite_arg)
    code, base = _hjemmel_eval(monkeypatch, capsys, eval_home, *smoke)
    assert code == 0
    gate = (*smoke, "--baseline", base["run_id"], "--fail-on-regression")
    code, repeat = _hjemmel_eval(monkeypatch, capsys, eval_home, *gate)
    assert code == 0 and repeat["regressions"] == [] and repeat["baseline"] == base["run_id"]
    # Deliberately worse: every answer drawn from the single best passage.
    monkeypatch.setenv("HJEMMEL_TOP_K", "1")
    code, worse = _hjemmel_eval(monkeypatch, capsys, eval_home, *gate)
    assert code == 1 and worse["regressions"]
    for reg in worse["regressions"]:
        before = base["pipelines"]["hjemmel"][reg["metric"]]
        assert (
            reg["before"] == before and reg["after"] == worse["pipelines"]["hjemmel"][reg["metric"]]
        )
    # Another suite cannot serve as the baseline.
    monkeypatch.delenv("HJEMMEL_TOP_K")
    code, _ = _eval(monkeypatch, capsys, eval_home, "--pipeline", "hjemmel", "--no-progress",
                    "--baseline", base["run_id"], "--fail-on-regression", "--suite", suite_arg)  # fmt: skip
    assert code == 2


@pytest.mark.slow
def test_csv_and_xlsx_suites_give_the_same_result_as_jsonl(
    eval_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from evals.sheet_write import write_suite as write_sheet

    lines = (runner.SUITES_DIR / "core.jsonl").read_text("utf-8").splitlines()
    items = [json.loads(ln) for ln in lines if ln.strip()]
    chosen = {
        i.id for i in runner.smoke_subset(runner.load_suite(runner.SUITES_DIR / "core.jsonl"))
    }
    subset = [i for i in items if i["id"] in chosen]
    paths = [
        write_suite(tmp_path / "s.jsonl", subset),
        write_sheet(subset, tmp_path / "s.csv"),
        write_sheet(subset, tmp_path / "s.xlsx"),
    ]
    results = []
    for path in paths:
        code, out = _eval(monkeypatch, capsys, eval_home, "--suite", str(path), "--json",
                          "--no-progress", "--pipeline", "hjemmel", "llamaindex_hybrid")  # fmt: skip
        assert code == 0
        run_id = json.loads(out)["run_id"]
        results.append(json.loads((eval_home / "runs" / run_id / "result.json").read_text("utf-8")))

    def scores(result: dict[str, Any]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "latency_ms"} for r in result["rows"]]

    assert len(results[0]["rows"]) == 2 * len(subset)
    assert scores(results[1]) == scores(results[0]) and scores(results[2]) == scores(results[0])


SIX_COLUMNS = (
    "id;tema;rolle;spørsmål;gull;forventet_avvisning\n"
    "s-1;isolasjon;kriminalomsorgen;Må vi varsle lege når en innsatt utelukkes?;"
    "[rundskriv 7.1.2] varsle lege i den kommunale helse- og omsorgstjenesten uten ugrunnet opphold;nei\n"
    "s-2;taushetsplikt;kommunehelse;Har helsepersonell i fengsel taushetsplikt?;"
    "en strengere taushetsplikt for opplysninger de mottar i egenskap av å være helsepersonell;nei\n"
    "s-3;annet;alle;Hva koster en bussbillett fra Oslo til Bergen?;;ja\n"
)


@pytest.mark.slow
def test_a_six_column_sheet_without_follow_ups_runs_with_hjemmel_and_the_hybrid_peer(
    eval_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    sheet = tmp_path / "seks-kolonner.csv"
    sheet.write_text(SIX_COLUMNS, "utf-8")
    code, out = _eval(monkeypatch, capsys, eval_home, "--suite", str(sheet), "--json",
                      "--no-progress", "--pipeline", "hjemmel", "llamaindex_hybrid")  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["questions"] == 3
    for name in ("hjemmel", "llamaindex_hybrid"):
        summary = result["pipelines"][name]
        assert summary["hit@10"] is not None and 0.0 <= summary["hit@5"] <= 1.0
    assert result["pipelines"]["hjemmel"]["refusal_recall"] == 1.0
