"""The legal advisers' tabs: «Sjekk sitat» (assistant.verify) and «Lovhenvisninger» (assistant.refs).

Formats what those modules return; it deliberately does no matching or reference parsing itself.
`legal_tabs()` returns an empty list when either module cannot be imported, so the rest of the page
never depends on them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import gradio as gr

from ui.render import status_badge

STATUS_TEXT = {
    "exact": "Funnet ordrett",
    "near": "Funnet med avvik",
    "not_found": "Ikke funnet i kildene",
}


def _verify_summary(result: Any, by_id: Mapping[str, Any]) -> str:
    label = STATUS_TEXT.get(result.status, result.status)
    if result.status == "near":
        label += f" (likhet {round(result.similarity * 100)} %)"
    out = [f'<div class="verify-result verify-{html.escape(result.status)}"><b>{label}</b>']
    if result.doc_id:
        where = ", ".join(
            x
            for x in (
                f"punkt {result.section}" if result.section else "",
                result.heading,
                f"side {result.page}" if result.page is not None else "",
            )
            if x
        )
        out.append(
            f"<div>{status_badge(result.doc_status)} {html.escape(result.doc_title)}"
            f"<br><small>{html.escape(where)}</small></div>"
        )
    if result.claimed_section_ok is not None:
        ok = (
            "Stemmer med oppgitt sted."
            if result.claimed_section_ok
            else ("Står ikke på oppgitt sted.")
        )
        out.append(f"<div>{ok}</div>")
    if result.material:
        items = "".join(f"<li>{html.escape(m)}</li>" for m in result.material)
        out.append(f'<div class="card-warn">Vesentlige avvik:<ul>{items}</ul></div>')
    if result.also_found:
        found = ", ".join(html.escape(pid) for pid in result.also_found if pid in by_id)
        out.append(f"<div><small>Står også i: {found}</small></div>")
    out.append("</div>")
    return "".join(out)


def build_verify_tab(assistant: Any) -> None:
    from assistant.verify import diff_html, verify_quote

    index = assistant.index
    quote = gr.Textbox(label="Sitat", lines=4, elem_id="verify-quote")
    claimed = gr.Textbox(
        label="Oppgitt sted (valgfritt)", placeholder="f.eks. rundskrivet punkt 7.1.3"
    )
    check = gr.Button("Sjekk sitatet", variant="primary")
    result_html = gr.HTML(elem_id="verify-result", js_on_load=None)

    def run(text: str, place: str) -> str:
        try:
            result = verify_quote(index, text or "", (place or "").strip() or None)
        except ValueError as exc:
            return f'<div class="card-warn">{html.escape(str(exc))}</div>'
        return _verify_summary(result, index.by_id) + diff_html(result)

    check.click(run, [quote, claimed], result_html, api_name="verify")


def _refs_table(entries: list[Any], index: Any) -> str:
    from assistant.refs import detail_label

    if not entries:
        return '<div class="panel-empty">Ingen henvisninger funnet.</div>'
    rows = []
    for e in entries:
        name = html.escape(e.key)
        link = f'<a href="{html.escape(e.url)}" target="_blank">{name}</a>' if e.url else name
        places = []
        for d in e.details:
            p = index.by_id.get(d["passage"])
            where = f"{p.doc_id} {p.section}".strip() if p else d["passage"]
            extra = detail_label(d)
            places.append(html.escape(f"{where} ({extra})" if extra else where))
        rows.append(
            f"<tr><td>{link}</td><td>{len(e.passages)}</td><td>{'; '.join(places)}</td></tr>"
        )
    return (
        '<table class="refs-table"><thead><tr><th>Bestemmelse</th><th>Avsnitt</th>'
        f"<th>Hvor</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def build_refs_tab(assistant: Any) -> None:
    from assistant.refs import RefQueryError, provision_index

    index = assistant.index
    with gr.Row():
        law = gr.Textbox(
            label="Lov (valgfritt)", placeholder="f.eks. helsepersonelloven eller hpl."
        )
        provision = gr.Textbox(label="Bestemmelse (valgfritt)", placeholder="f.eks. § 21")
        search = gr.Button("Vis", variant="primary")
    table = gr.HTML(_refs_table(provision_index(index), index), elem_id="refs", js_on_load=None)

    def run(law_text: str, prov_text: str) -> str:
        try:
            entries = provision_index(
                index, (law_text or "").strip() or None, (prov_text or "").strip() or None
            )
        except RefQueryError as exc:
            return f'<div class="card-warn">{html.escape(str(exc))}</div>'
        return _refs_table(entries, index)

    search.click(run, [law, provision], table, api_name="refs")


def legal_tabs() -> list[tuple[str, Callable[[Any], None]]]:
    """The legal advisers' tabs: (label, builder called inside the tab with the assistant)."""
    return [("Sjekk sitat", build_verify_tab), ("Lovhenvisninger", build_refs_tab)]
