"""Explain: why the answer opens as it does — the question's frame and, for the best-ranked
sentences, each feature's contribution to its score (`hjemmel ask --explain`).

It reads what one ask did (`assistant.api.Trace`) and the model; it changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from analysis.frames import frame_json
from assistant.answer.rank import Ranked, Ranker
from assistant.answer.understand import Question

SHOWN_FEATURES = 8  # per candidate, the largest contributions


def explain(q: Question, ranked: Ranked, ranker: Ranker, top: int = 5) -> dict[str, Any]:
    """The question as understood and the `top` candidate sentences with their contributions."""
    ask = asdict(q.ask)
    ask["actions"] = sorted(q.ask.actions)
    ask["conditions"] = sorted(q.ask.conditions)
    ask["negated"] = sorted(q.ask.negated)
    ask.pop("people", None)
    out: dict[str, Any] = {
        "question": q.asked,
        "frame": ask,
        "concepts": list(q.concepts),
        "named": sorted(q.named),
        "candidates": [],
    }
    for u in ranked.units[:top]:
        p = u.passage
        out["candidates"].append(
            {
                "passage": p.id,
                "score": round(u.score, 3),
                "sentence": " ".join(u.quote.split()),
                "frame": frame_json(u.frame, p.text, p.context) if u.frame else None,
                "contributions": [
                    {"feature": name, "value": round(value, 3)}
                    for name, value in ranker.contributions(u.features)[:SHOWN_FEATURES]
                ],
            }
        )
    return out


def format_explanation(data: dict[str, Any]) -> str:
    """The explanation as plain text for the terminal."""
    f = data["frame"]
    lines = [
        "Slik ble spørsmålet lest:",
        f"  aktør: {f['actor'] or '–'} · modalitet: {f['modality'] or '–'} · handling: "
        f"{', '.join(f['actions']) or '–'} · motpart: {f['counterpart'] or '–'}",
        f"  vilkår: {', '.join(f['conditions']) or '–'} · spør om: {f['slot'] or '–'}"
        f" · begreper: {', '.join(data['concepts']) or '–'}",
        "",
        "Beste kandidatsetninger (bidrag til poengsummen):",
    ]
    for i, c in enumerate(data["candidates"], start=1):
        lines.append(f"{i}. [{c['passage']}] {c['score']:+.2f}  {c['sentence'][:110]}")
        parts = ", ".join(f"{x['feature']} {x['value']:+.2f}" for x in c["contributions"])
        lines.append(f"     {parts}")
    return "\n".join(lines)
