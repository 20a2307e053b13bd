"""The flow and the rules of the code base: data flows one way, and no rule names a suite question."""

from __future__ import annotations

import ast
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis", "ingest", "assistant", "evals", "ui")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def _top(name: str) -> str:
    return name.split(".")[0]


def test_no_upward_import() -> None:
    """analysis imports nothing of the project but itself; ingest not the assistant, the evaluation
    or the page (settings included); the assistant not the evaluation or the page."""
    allowed = {
        "analysis": {"analysis"},
        "ingest": {"analysis", "ingest"},
        "assistant": {"analysis", "ingest", "assistant", "evals"},  # evals: shells only, below
    }
    for package, ok in allowed.items():
        for path in (REPO / package).rglob("*.py"):
            mine = {_top(n) for n in _imports(path)} & set(PACKAGES)
            shell = path.name == "cli.py" or path.parent.name == "commands"
            # The thin CLI shells dispatch to every command, the page's among them.
            bad = mine - ok - ({"ui"} if package == "assistant" and shell else set())
            assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_the_library_does_not_import_the_evaluation() -> None:
    for path in (REPO / "assistant").rglob("*.py"):
        if path.parent.name == "commands" or path.name == "cli.py":
            continue
        assert "evals" not in {_top(n) for n in _imports(path)}, path


def test_no_code_names_a_suite_question() -> None:
    """No rule, vocabulary entry or constant is written for a question of a suite."""
    questions: list[str] = []
    for suite in (REPO / "evals" / "suites").glob("*.jsonl"):
        for line in suite.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                questions += [item["question"], *(h["question"] for h in item.get("history", []))]
    long = {" ".join(q.lower().split()) for q in questions if len(q) >= 25}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            code = " ".join(path.read_text(encoding="utf-8").lower().split())
            for q in long:
                assert q not in code, f"{path.relative_to(REPO)} names the suite question «{q}»"
