"""The legal advisers' tabs: «Sjekk sitat» (assistant.legal.verify) and «Lovhenvisninger» (assistant.legal.refs).

Formats what those modules return: the quote check's four statuses in their own colours — only a
verbatim quote where claimed is green; verbatim but elsewhere is orange, as a wrong citation — and
the provision index with one line per citing place, each a button that opens its passages in the
document reader (the reader's own handler, `ui.documents`, does the opening). It deliberately does
no matching or reference parsing itself.
`legal_tabs()` returns an empty list when either module cannot be imported, so the rest of the page
never depends on them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import gradio as gr

from assistant.legal.cite import section_label
from ui.html_box import html_box, one_block
from ui.render import status_badge
from ui.rights import READ, needs
from ui.sources import document_badge

STATUS_TEXT = {
    "exact": "Funnet ordrett",
    "exact_elsewhere": "Ordrett, men ikke på oppgitt sted",
    "near": "Funnet med avvik – ikke ordrett",
    "not_found": "Ikke funnet i kildene",
}
# Only a verbatim quote where claimed is green; a misplaced quote is a wrong citation (orange).
STATUS_STYLE = {
    "exact": "background:#dafbe1;border-color:#1a7f37",
    "exact_elsewhere": "background:#fff1e5;border-color:#bc4c00",
    "near": "background:#fff8c5;border-color:#9a6700",
    "not_found": "background:#ffebe9;border-color:#cf222e",
}
_PROBLEMS = {
    "dokument": "feil dokument",
    "ukjent dokument": "oppgitt dokument er ikke blant kildene",
    "punkt": "feil punkt",
    "side": "feil side",
}


def _claim_html(result: Any) -> str:
    if result.claimed_section_ok is None:
        if result.claimed and result.status != "not_found":
            return "<div>Fant ikke dokument, punkt eller side å sjekke i oppgitt sted.</div>"
        return ""
    if result.claimed_section_ok:
        ok = (
            "Står på oppgitt sted."
            if result.status == "exact"
            else ("Teksten som ligner mest står på oppgitt sted, men sitatet er ikke ordrett.")
        )
        return f"<div>{ok}</div>"
    problem = _PROBLEMS.get(result.claim_problem, "feil sted")
    where = html.escape(result.short_reference or "et annet sted")
    what = (
        "Sitatet står ordrett i"
        if result.status == "exact_elsewhere"
        else ("Teksten som ligner mest står i")
    )
    return (
        f'<div class="verify-claim-wrong"><b>Oppgitt sted stemmer ikke ({problem}).</b> '
        f"{what} {where}.</div>"
    )


def _closest_html(result: Any) -> str:
    closest = result.closest
    if not closest:
        return "<div>Ingen tekst i kildene ligner.</div>"
    items = "".join(f"<li>{html.escape(m)}</li>" for m in closest["material"])
    material = f'<div class="card-warn">Vesentlige avvik mot denne:<ul>{items}</ul></div>'
    return (
        f"<div>Nærmeste tekst (likhet {round(closest['similarity'] * 100)} %): "
        f"{status_badge(closest['doc_status'])} {html.escape(closest['reference'])}</div>"
        + (material if items else "")
    )


def _verify_summary(
    result: Any, by_id: Mapping[str, Any], documents: Mapping[str, Any] | None = None
) -> str:
    label = STATUS_TEXT.get(result.status, result.status)
    if result.status in ("near", "not_found"):
        label += f" (likhet {round(result.similarity * 100)} %)"
    style = STATUS_STYLE.get(result.status, "")
    out = [
        f'<div class="verify-result verify-{html.escape(result.status)}" style="{style}" '
        f'data-status="{html.escape(result.status)}"><b>{label}</b>'
    ]
    if result.doc_id:
        where = section_label(result.section or "", result.heading)
        out.append(
            f"<div>{_badge(result.doc_id, result.doc_status, documents)} "
            f"{html.escape(result.doc_title)}"
            f"<br><small>{html.escape(where)}</small>"
            f"<br><small>Henvisning: {html.escape(result.reference)}</small></div>"
        )
    elif result.status == "not_found":
        out.append(_closest_html(result))
    out.append(_claim_html(result))
    if result.material:
        items = "".join(f"<li>{html.escape(m)}</li>" for m in result.material)
        out.append(f'<div class="card-warn">Vesentlige avvik:<ul>{items}</ul></div>')
    if result.also_found:
        found = ", ".join(html.escape(pid) for pid in result.also_found if pid in by_id)
        out.append(f"<div><small>Står også i: {found}</small></div>")
    out.append("</div>")
    return "".join(out)


def build_verify_tab(assistant: Any) -> None:
    from assistant.legal.verify import diff_html, verify_quote

    quote = gr.Textbox(label="Sitat", lines=4, elem_id="verify-quote")
    claimed = gr.Textbox(
        label="Oppgitt sted (valgfritt)",
        placeholder="f.eks. rundskrivet punkt 7.1.3 eller NKROPs høringsinnspill side 27",
    )
    check = gr.Button("Sjekk sitatet", variant="primary")
    result_html = html_box(elem_id="verify-result")

    @needs(READ)
    def run(text: str, place: str) -> str:
        index = assistant.index  # read per call: a live holder follows index swaps
        try:
            result = verify_quote(index, text or "", (place or "").strip() or None)
        except ValueError as exc:
            return f'<div class="card-warn">{html.escape(str(exc))}</div>'
        return one_block(_verify_summary(result, index.by_id, index.documents) + diff_html(result))

    check.click(run, [quote, claimed], result_html, api_name="verify")


def _refs_table(entries: list[Any], index: Any) -> str:
    if not entries:
        return '<div class="panel-empty">Ingen henvisninger funnet.</div>'
    rows = []
    for e in entries:
        name = html.escape(e.key)
        link = f'<a href="{html.escape(e.url)}" target="_blank">{name}</a>' if e.url else name
        places = "<br>".join(_place(p, index) for p in e.places)
        rows.append(f"<tr><td>{link}</td><td>{len(e.places)}</td><td>{places}</td></tr>")
    return (
        '<table class="refs-table"><thead><tr><th>Bestemmelse</th><th>Steder</th>'
        f"<th>Hvor</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _badge(doc_id: str, status: str, documents: Mapping[str, Any] | None) -> str:
    """The document's own badge (a local document's differs from the national sources')."""
    doc = (documents or {}).get(doc_id)
    return document_badge(doc) if doc is not None else status_badge(status)


def _place(place: Any, index: Any) -> str:
    """A citing place as a button that opens its passages in the reader («Dokumenter»)."""
    badge = _badge(place.doc_id, place.status, index.documents)
    return (
        f'{badge} <button type="button" class="ref-place" '
        f'data-passages="{html.escape(",".join(place.passages))}" '
        f'title="Åpne i dokumentleseren">{html.escape(place.label)}</button>'
    )


def build_refs_tab(assistant: Any) -> None:
    from assistant.legal.refs import RefQueryError, provision_index

    with gr.Row():
        law = gr.Textbox(
            label="Lov (valgfritt)", placeholder="f.eks. helsepersonelloven, hpl. eller stgjl."
        )
        provision = gr.Textbox(
            label="Bestemmelse (valgfritt)", placeholder="f.eks. § 21, stgjl. § 37 eller kap. 7"
        )
        search = gr.Button("Vis", variant="primary")
    index = assistant.index
    table = html_box(_refs_table(provision_index(index), index), elem_id="refs")

    @needs(READ)
    def run(law_text: str, prov_text: str) -> str:
        index = assistant.index  # read per call: a live holder follows index swaps
        try:
            entries = provision_index(
                index, (law_text or "").strip() or None, (prov_text or "").strip() or None
            )
        except RefQueryError as exc:
            return f'<div class="card-warn">{html.escape(str(exc))}</div>'
        return one_block(_refs_table(entries, index))

    search.click(run, [law, provision], table, api_name="refs")


def legal_tabs() -> list[tuple[str, Callable[[Any], None]]]:
    """The legal advisers' tabs: (label, builder called inside the tab with the assistant)."""
    return [("Sjekk sitat", build_verify_tab), ("Lovhenvisninger", build_refs_tab)]
