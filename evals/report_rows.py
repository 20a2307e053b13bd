"""The per-question part of the HTML report: one table row per question and pipeline.

Each row shows the question, role and topic, the answer as shown, its citations, the gold, and pass
(✓) or fail (✗) per metric («–» where the metric does not apply); failed rows come first. A small
inline script makes the table sortable (click a heading) and filterable (free text, pipeline, only
failures), so the page stays one self-contained file. It deliberately computes no metric: every
verdict is read off the stored row.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

ANSWER_SHOWN = 1500  # characters of an answer shown in the table (retrieval-only answers are long)

Check = Callable[[dict[str, Any], int], bool | None]


def _hit(row: dict[str, Any], k: int) -> bool | None:
    if not row.get("scored", not row["expect_refusal"]):
        return None
    rank = row.get("gold_rank")
    return rank is not None and rank <= k


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


# (heading, check) per metric; a check returns None where the metric does not apply.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("gull i topp k", _hit),
    ("første sitat gull", lambda r, k: _flag(r.get("first_citation_gold"))),
    (
        "fakta",
        lambda r, k: None if r.get("fact_recall") is None else r["fact_recall"] >= 1.0,
    ),
    ("avvisning", lambda r, k: r["refused"] == r["expect_refusal"]),
    (
        "≤ 5 sitater",
        lambda r, k: None if r.get("n_citations") is None else r["n_citations"] <= 5,
    ),
    (
        "tilbakevisning",
        lambda r, k: None if r.get("backref_violations") is None else not r["backref_violations"],
    ),
    ("aktør", lambda r, k: _flag(r.get("role_label"))),
    (
        "sitatkontroll",
        lambda r, k: (
            None if not r.get("quotes") else r["quotes"]["verified"] == r["quotes"]["total"]
        ),
    ),
)


def verdicts(row: dict[str, Any], k: int) -> list[bool | None]:
    return [check(row, k) for _, check in CHECKS]


def _mark(v: bool | None) -> str:
    if v is None:
        return '<td class="na" data-v="2">–</td>'
    return '<td class="ok" data-v="1">✓</td>' if v else '<td class="bad" data-v="0">✗</td>'


def _citations(row: dict[str, Any]) -> str:
    items = []
    for n, c in enumerate(row.get("cited", []), start=1):
        quote = c.get("quote") or c.get("text", "")
        actor = f" ({html.escape(c['actor'])})" if c.get("actor") else ""
        gold = " gold" if c.get("gold") else ""
        items.append(
            f'<li class="cite{gold}">[{n}] <code>{html.escape(c["id"])}</code>{actor}: '
            f"«{html.escape(' '.join(quote.split())[:400])}»</li>"
        )
    return f"<ol>{''.join(items)}</ol>" if items else "–"


def _gold(row: dict[str, Any]) -> str:
    parts = [f"<code>{html.escape(g)}</code>" for g in row.get("gold", [])]
    parts += [f"ikke funnet: «{html.escape(q)}»" for q in row.get("gold_missing", [])]
    if row.get("actor"):
        parts.append(f"aktør: {html.escape(row['actor'])}")
    return "<br>".join(parts) or "–"


def _row_html(row: dict[str, Any], k: int) -> tuple[bool, str]:
    marks = verdicts(row, k)
    failed = any(v is False for v in marks)
    answer = row.get("answer", "")
    shown = answer if len(answer) <= ANSWER_SHOWN else answer[:ANSWER_SHOWN] + " …"
    history = "".join(f"<div class='hist'>↳ {html.escape(h)}</div>" for h in row.get("history", []))
    cells = [
        f'<td data-v="{0 if failed else 1}">{"FEIL" if failed else "ok"}</td>',
        f"<td>{html.escape(row['id'])}</td>",
        f"<td>{html.escape(row['pipeline'])}</td>",
        f"<td>{html.escape(row['role'])}</td>",
        f"<td>{html.escape(row['topic'])}</td>",
        f"<td>{history}{html.escape(row['question'])}</td>",
        f"<td><details><summary>{html.escape(' '.join(answer.split())[:90])}</summary>"
        f"<pre>{html.escape(shown)}</pre></details></td>",
        f"<td>{_citations(row)}</td>",
        f"<td>{_gold(row)}</td>",
        *(_mark(v) for v in marks),
    ]
    attrs = f'data-pipeline="{html.escape(row["pipeline"])}" data-failed="{int(failed)}"'
    return failed, f"<tr {attrs}>{''.join(cells)}</tr>"


def question_table(rows: Sequence[dict[str, Any]], k: int, pipelines: Sequence[str]) -> str:
    """The filterable, sortable per-question table (failures first) with its controls."""
    rendered = [_row_html(r, k) for r in rows]
    body = "".join(h for failed, h in rendered if failed) + "".join(
        h for failed, h in rendered if not failed
    )
    heads = ["status", "id", "rørledning", "rolle", "tema", "spørsmål", "svar", "sitater", "gull"]
    heads += [name for name, _ in CHECKS]
    head = "".join(f'<th data-col="{i}">{html.escape(h)}</th>' for i, h in enumerate(heads))
    options = "".join(
        f'<option value="{html.escape(p)}">{html.escape(p)}</option>' for p in pipelines
    )
    n_failed = sum(1 for failed, _ in rendered if failed)
    return (
        f'<div id="q-controls"><input id="q-filter" type="search" placeholder="Filtrer (tekst)">'
        f'<select id="q-pipeline"><option value="">alle rørledninger</option>{options}</select>'
        f'<label><input id="q-failed" type="checkbox"> bare feilede</label> '
        f'<span id="q-count">{len(rendered)} rader, {n_failed} feilet</span></div>'
        f'<table id="questions"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f"<script>{SCRIPT}</script>"
    )


SCRIPT = """
(function(){
const t=document.getElementById('questions');if(!t)return;
const body=t.tBodies[0],rows=Array.from(body.rows);
const f=document.getElementById('q-filter'),p=document.getElementById('q-pipeline'),
      x=document.getElementById('q-failed'),n=document.getElementById('q-count');
function apply(){const q=f.value.toLowerCase();let shown=0;
 rows.forEach(r=>{const ok=(!q||r.textContent.toLowerCase().includes(q))&&
  (!p.value||r.dataset.pipeline===p.value)&&(!x.checked||r.dataset.failed==='1');
  r.style.display=ok?'':'none';if(ok)shown++;});
 n.textContent=shown+' av '+rows.length+' rader';}
[f,p,x].forEach(e=>e.addEventListener('input',apply));x.addEventListener('change',apply);
t.tHead.querySelectorAll('th').forEach(th=>th.addEventListener('click',()=>{
 const i=+th.dataset.col,dir=th.dataset.dir==='asc'?-1:1;
 t.tHead.querySelectorAll('th').forEach(h=>delete h.dataset.dir);th.dataset.dir=dir>0?'asc':'desc';
 const key=r=>{const c=r.cells[i];return c.dataset.v!==undefined?c.dataset.v:c.textContent.trim();};
 rows.sort((a,b)=>dir*key(a).localeCompare(key(b),'no',{numeric:true}));
 rows.forEach(r=>body.appendChild(r));}));
})();
"""

STYLE = (
    "#questions td{vertical-align:top}#questions pre{white-space:pre-wrap;max-width:40em}"
    "#questions th{cursor:pointer;position:sticky;top:0;background:#eee}"
    "#questions th[data-dir=asc]::after{content:' ▲'}#questions th[data-dir=desc]::after{content:' ▼'}"
    ".ok{color:#176917;text-align:center}.bad{color:#b00020;font-weight:bold;text-align:center}"
    ".na{color:#999;text-align:center}#questions ol{margin:0;padding-left:1.2em}"
    "li.cite.gold{background:#e7f5e7}.hist{color:#666;font-size:90%}"
    "#q-controls{margin:.5em 0;display:flex;gap:1em;align-items:center}"
)
