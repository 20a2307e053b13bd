"""The evaluation's metrics in plain Norwegian: a short name and a one-line explanation each.

What a policy team reads in the CLI summary, the reports and the page's «Evaluering» tab. The
names say what is counted, not how («riktig kilde blant de 5 første», not «hit@5»); the
explanation says what a good value is. It deliberately holds no metric code: `evals.metrics`
computes, this only names.
"""

from __future__ import annotations

# key: (name, explanation)
METRICS: dict[str, tuple[str, str]] = {
    "hit@1": (
        "riktig kilde først",
        "Andel spørsmål der søket finner et avsnitt som avgjør spørsmålet (gullet) aller først.",
    ),
    "hit@3": (
        "riktig kilde blant de 3 første",
        "Andel spørsmål der et avsnitt som avgjør spørsmålet er blant de tre første søket finner.",
    ),
    "hit@5": (
        "riktig kilde blant de 5 første",
        "Andel spørsmål der et avsnitt som avgjør spørsmålet er blant de fem første søket finner.",
    ),
    "hit@10": (
        "riktig kilde blant de 10 første",
        "Andel spørsmål der et avsnitt som avgjør spørsmålet er blant de ti første søket finner.",
    ),
    "mrr": (
        "plassering av riktig kilde (MRR)",
        "Snittet av 1/plassen til første riktige avsnitt: 1 er alltid først, 0,5 i snitt nummer to.",
    ),
    "ndcg@10": (
        "rekkefølge blant de 10 første (nDCG)",
        "Hvor høyt alle avsnitt som avgjør spørsmålet står blant de ti første; 1 er perfekt.",
    ),
    "citation_precision": (
        "treffsikre kilder",
        "Andel av svarets kilder som er et avsnitt som avgjør spørsmålet (resten er bakgrunn).",
    ),
    "fact_recall": (
        "fakta med i svaret",
        "Andel av faktaene settet krever (f.eks. «uten ugrunnet opphold») som står i svaret.",
    ),
    "refusal_precision": (
        "berettigede avvisninger",
        "Av svarene «Jeg finner ikke dette i kildene»: andelen der kildene faktisk ikke svarer.",
    ),
    "refusal_recall": (
        "avviser i stedet for å gjette",
        "Av spørsmålene kildene ikke svarer på: andelen den avviste i stedet for å svare likevel.",
    ),
    "quote_verification": (
        "ordrette sitater",
        "Andel sitater som står ordrett i avsnittet de oppgir; skal alltid være 1.",
    ),
    "first_citation_gold": (
        "første kilde avgjør",
        "Andel svar der kilde [1] er et avsnitt som avgjør spørsmålet.",
    ),
    "words_median": (
        "ord per svar (typisk)",
        "Medianlengden på svarene i ord; kortere er raskere å lese.",
    ),
    "words_p90": (
        "ord per svar (de lengste)",
        "Lengden bare de 10 % lengste svarene går over.",
    ),
    "citations_mean": (
        "kilder per svar",
        "Gjennomsnittlig antall nummererte kilder i et svar.",
    ),
    "citations_le5": (
        "svar med høyst 5 kilder",
        "Andel svar med fem eller færre kilder; flere er tungt å kontrollere.",
    ),
    "backref_violations": (
        "sitater uten sammenhengen sin",
        "Antall siterte setninger som viser tilbake («Dette», «I slike tilfeller») uten at "
        "setningen de viser til er med; skal være 0.",
    ),
    "role_label_accuracy": (
        "riktig «hvem skal»",
        "Andel sitater merket med riktig tjeneste (hvem regelen binder), der settet oppgir den.",
    ),
    "any_citation_gold": (
        "en av kildene avgjør",
        "Andel svar der minst én av kildene er et avsnitt som avgjør spørsmålet.",
    ),
    "first_citation_everyday": (
        "første kilde avgjør (egne ord)",
        "Som «første kilde avgjør», for spørsmål stilt med hverdagsord i stedet for kildenes ord.",
    ),
    "followup_first_citation": (
        "første kilde avgjør (oppfølging)",
        "Som «første kilde avgjør», for oppfølgingsspørsmål i en samtale.",
    ),
    "nearmiss_hedged": (
        "sier fra når kildene bare nesten svarer",
        "Andel nesten-treff der svaret åpner med «Kildene svarer ikke direkte på dette».",
    ),
    "offtopic_refused": (
        "avviser spørsmål utenfor tema",
        "Andel spørsmål om noe helt annet som blir avvist.",
    ),
    "short_share": (
        "svar med kortsvar",
        "Andel svar som åpner med en kort linje i kildenes ord («Ja – … skal …»).",
    ),
    "short_accuracy": (
        "riktig ja eller nei",
        "Av kortsvarene på ja/nei-spørsmål der settet oppgir svaret: andelen med riktig ja/nei.",
    ),
    "short_answered": (
        "ja/nei-spørsmål med kortsvar",
        "Andel av ja/nei-spørsmålene (der settet oppgir svaret) som fikk et kortsvar.",
    ),
    "latency_p95_ms": (
        "svartid (ms, 95 %)",
        "Svartiden i millisekunder som 95 % av spørsmålene holder seg under.",
    ),
}

NAMES: dict[str, str] = {key: name for key, (name, _) in METRICS.items()}
EXPLANATIONS: dict[str, str] = {key: text for key, (_, text) in METRICS.items()}


def name(key: str) -> str:
    """The plain name of a metric (its key when it has none)."""
    return NAMES.get(key, key)


def explain(key: str) -> str:
    """The one-line explanation of a metric ("" when it has none)."""
    return EXPLANATIONS.get(key, "")
