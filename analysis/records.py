"""Typed records of the analysis layer: LegalRef, Span and Frame.

`LegalRef` is a normalised reference to a provision; `Frame` is the deontic reading of one rule
sentence (who must do what, for whom, when, on which legal basis), every field a `Span` of the source
text with the label derived from it. They are plain frozen dataclasses with compact JSON
round-tripping and know nothing about files, passages or indexes (ingest stores frames on passages).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Where = Literal["text", "context", "next", "structure"]


@dataclass(frozen=True)
class LegalRef:
    """A normalised reference to a legal provision: law + § (+ ledd, nr., bokstav).

    `provision` is always at the level of the §, written «§ 37», «§ 13 b», «§ 3-16», «§ 186 a»
    (or «kapittel 7» where a chapter-numbered law is cited by chapter).
    """

    law: str
    provision: str
    ledd: str | None = None
    nr: str | None = None
    bokstav: str | None = None

    @property
    def label(self) -> str:
        parts = [self.law, self.provision]
        if self.ledd:
            parts.append(f"{self.ledd} ledd")
        if self.nr:
            parts.append(f"nr. {self.nr}")
        if self.bokstav:
            parts.append(f"bokstav {self.bokstav}")
        return " ".join(parts)

    @property
    def key(self) -> str:
        """The provision at § level, e.g. «helsepersonelloven § 21»."""
        return f"{self.law} {self.provision}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LegalRef:
        return cls(**data)


@dataclass(frozen=True)
class Span:
    """A labelled stretch of source text: `label` is derived from `text[start:end]` of `where`.

    `where`: «text» the passage's own text, «context» a list item's lead-in, «next» the sentence
    after the framed one (offsets in the passage text), «structure» a label read off the section
    the passage stands in (no span: start == end == 0).
    """

    label: str
    start: int
    end: int
    where: Where = "text"

    def to_list(self) -> list[Any]:
        return [self.label, self.start, self.end, self.where]

    @classmethod
    def from_list(cls, data: list[Any]) -> Span:
        return cls(str(data[0]), int(data[1]), int(data[2]), data[3] if len(data) > 3 else "text")


def _span(data: list[Any] | None) -> Span | None:
    return Span.from_list(data) if data else None


@dataclass(frozen=True)
class Frame:
    """One sentence (or list item with its lead-in) read as a rule.

    `start`/`end` locate the sentence in the passage text. `actor` is who is bound
    (kriminalomsorgen, kommunehelse, spesialisthelse, helsepersonell, felles, innsatt),
    `modality` how (skal, skal_ikke, kan, bør, rett, ikke_hinder, ikke_plikt), `actions` what
    (dele, varsle, innhente, tilse, henvise, informere, samarbeide, vurdere, dokumentere, …),
    `counterpart` to or from whom with `direction` «to» or «from», `conditions` when
    (samtykke, uten_samtykke, fare, syk, under_18, utelukkelse, sikkerhetscelle, …), `time` how
    soon, how often or how long (labels frequency, deadline, duration) and `basis` the provisions it rests
    on (label = the reference as cited), also from the sentence after it.
    """

    start: int
    end: int
    actor: Span | None = None
    modality: Span | None = None
    actions: tuple[Span, ...] = ()
    counterpart: Span | None = None
    direction: str = ""
    conditions: tuple[Span, ...] = ()
    time: tuple[Span, ...] = ()
    basis: tuple[Span, ...] = ()
    # Legal concepts (analysis.concepts) of this sentence and its lead-in only, not of headings.
    concepts: tuple[str, ...] = ()

    @property
    def is_rule(self) -> bool:
        return self.modality is not None

    def labels(self, field: str) -> frozenset[str]:
        # Asked for many times per ask (every candidate sentence, several fields): kept on the
        # instance once computed. Not a field, so equality, hashing and to_dict ignore it.
        cache: dict[str, frozenset[str]] | None = self.__dict__.get("_labels")
        if cache is None:
            cache = {}
            object.__setattr__(self, "_labels", cache)
        found = cache.get(field)
        if found is None:
            value = getattr(self, field)
            if value is None:
                found = frozenset()
            elif isinstance(value, Span):
                found = frozenset({value.label})
            else:
                found = frozenset(s.label for s in value)
            cache[field] = found
        return found

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"s": [self.start, self.end]}
        for name in ("actor", "modality", "counterpart"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value.to_list()
        for name in ("actions", "conditions", "time", "basis"):
            value = getattr(self, name)
            if value:
                out[name] = [s.to_list() for s in value]
        if self.direction:
            out["direction"] = self.direction
        if self.concepts:
            out["concepts"] = list(self.concepts)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Frame:
        return cls(
            start=int(data["s"][0]),
            end=int(data["s"][1]),
            actor=_span(data.get("actor")),
            modality=_span(data.get("modality")),
            actions=tuple(Span.from_list(x) for x in data.get("actions", ())),
            counterpart=_span(data.get("counterpart")),
            direction=str(data.get("direction", "")),
            conditions=tuple(Span.from_list(x) for x in data.get("conditions", ())),
            time=tuple(Span.from_list(x) for x in data.get("time", ())),
            basis=tuple(Span.from_list(x) for x in data.get("basis", ())),
            concepts=tuple(data.get("concepts", ())),
        )
