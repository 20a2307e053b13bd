"""A controlled vocabulary of legal concepts: tagged on passages, recognised in questions.

Staff ask in everyday words («fortelle betjentene hva han feiler», «sitte på isolat», «ringe
legen»); the sources use legal terms («taushetsplikt», «helseopplysninger», «utelukkelse»,
«varsle lege»). The small embedding model does not bridge that gap (measured), so this module does
it the way legal databases do, with a documented vocabulary:

- each concept has the legal terms that mark a passage as being about it (`tag_passage`, at ingest:
  the passage text, its lead-in and the headings above it);
- everyday expressions and question shapes that mark a question as being about it
  (`recognise`: «kan jeg fortelle/si til/gi beskjed om …» → disclosure and taushetsplikt;
  «isolat, isolere, sitte alene, glattcelle» → utelukkelse/sikkerhetscelle; «feiler, diagnose,
  medisiner, hiv» → helseopplysninger);
- the legal words a recognised concept adds to the query (`expansion`).

Retrieval uses the concepts as one signal beside BM25 and dense vectors (assistant.answer.retrieve); the
answer shows them as its topic. This module is general: no rule names a question of an evaluation
suite or a particular passage. It does not rank, and it does not decide refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONCEPTS_VERSION = "concepts-11"  # part of the index format: bump when tagging changes


@dataclass(frozen=True)
class Concept:
    id: str
    label: str  # Norwegian, shown to users as the answer's topic
    passage: re.Pattern[str]  # legal terms in a passage (lower-cased text)
    question: re.Pattern[str]  # everyday expressions and question shapes (lower-cased question)
    expansion: str  # legal words added to the query when the concept is recognised


def _re(pattern: str) -> re.Pattern[str]:
    # Word-initial matches; a pattern may end in \w* to take inflections and compounds.
    return re.compile(rf"(?<![\wæøå])(?:{pattern})(?![\wæøå])", re.IGNORECASE)


# Disclosure verbs as staff use them: a question of this shape is about sharing information.
_TELL = (
    r"fortell\w*|si(?:er)? (?:det |noe )?(?:til|videre)|sa (?:det )?til|gi(?:r)? beskjed|"
    r"gi(?:r)? (?:ut )?(?:opplysninger|info\w*)|dele|deles|deler (?:med|opplysning\w*|info\w*)|delt|"
    r"deling|videreformidl\w*|"
    r"informer\w*|"
    r"sende\w* (?:over|journal\w*|papir\w*|opplysning\w*)|vis(?:e|er) (?:journal\w*|papir\w*)|"
    r"les(?:e|er)? (?:i )?(?:journal\w*|papir\w*)|innsyn\w*|tilgang til (?:journal\w*|opplysning\w*)|"
    r"snakke med (?:\w+ )?om|få vite|får vite|fått vite|ta opp (?:\w+ ){0,3}sak\w*|drøft\w*|"
    r"tell|tells|telling|told|share\w*|"
    r"disclos\w*|pass(?:ing)? on"
)
_HEALTH_INFO = (
    r"feiler|fe(?:ile|ilte)|diagnose\w*|medisin\w*|hiv|aids|hepatitt\w*|sykdom\w*|syk|sjuk\w*|"
    r"helsetilstand\w*|journal\w*|helseopplysning\w*|blodprøve\w*|prøvesvar\w*|"
    r"hva (?:han|hun|vedkommende|den innsatte|en innsatt\w*) har|health (?:information|data)|"
    r"diagnos\w*|medication\w*|illness\w*|medical record\w*"
)

CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "taushetsplikt",
        "Taushetsplikt",
        _re(r"taushetsplikt\w*|taushetsbelagt\w*|konfidensiell\w*"),
        # A health word alone («psykisk sykdom») asks about health, not about sharing it.
        _re(
            rf"taushetsplikt\w*|taus|hemmelig\w*|konfidensiell\w*|confidential\w*|secre\w*|"
            rf"{_TELL}"
        ),
        "taushetsplikt dele opplysninger",
    ),
    Concept(
        "helseopplysninger",
        "Helseopplysninger",
        _re(
            r"helseopplysning\w*|helsetilstand\w*|diagnose\w*|journal\w*|"
            r"opplysninger om (?:\w+ ){0,2}helse\w*|helsemessige (?:forhold|opplysninger)"
        ),
        _re(_HEALTH_INFO),
        "helseopplysninger helsetilstand",
    ),
    Concept(
        "samtykke",
        "Samtykke",
        _re(r"samtykk\w*"),
        _re(
            r"samtykk\w*|(?:sier|sa|syns|synes) (?:at )?(?:det er |det var )?(?:greit|ok|ja)|"
            r"(?:sagt|si|svart|svarer|svarte) (?:ja|ok)|"
            r"går med på|gikk med på|(?:vil|ønsker) ikke at|ikke (?:vil|ønsker) at|nekter å (?:dele|gi|la)|"
            r"tillatelse\w*|"
            r"lov (?:av|fra) (?:ham|henne|den innsatte|innsatte)|spørre\w* (?:\w+ ){0,2}om lov|"
            r"be\w* (?:\w+ ){0,2}om lov|om det er greit|consent\w*|agree\w*|permission"
        ),
        "samtykke",
    ),
    Concept(
        "opplysningsplikt",
        "Opplysningsrett og opplysningsplikt",
        _re(
            r"opplysningsplikt\w*|opplysningsrett\w*|avverge\w*|meldeplikt\w*|"
            r"unntak fra taushetsplikt\w*|taushetsplikten (?:er )?(?:ikke )?(?:til )?hinder\w*|"
            r"hindrer ikke|gi (?:\w+ ){0,3}opplysninger"
        ),
        _re(
            r"opplysningsplikt\w*|opplysningsrett\w*|plikt til å (?:si|melde|fortelle|varsle)|"
            r"må (?:jeg|vi|de|han|hun) (?:si|fortelle|melde)(?! i?fra)|lov til å (?:si|fortelle|dele|gi)|"
            r"(?:kan|får|har) (?:jeg|vi|de) lov|melde fra|politi\w*|barnevern\w*|"
            r"avverge\w*|fare for|unntak\w*|duty to (?:inform|report|disclose)|allowed to"
        ),
        "opplysningsplikt opplysningsrett unntak fra taushetsplikten",
    ),
    Concept(
        "varsling",
        "Varsling av lege og helsetjenesten",
        _re(r"varsle\w*|varsles|varslet|underrett\w*|melde fra|informere (?:helse|lege)\w*"),
        _re(
            # A phone call notifies only when it goes to the health service («ringe legen»), not
            # «fengselet ringer og vil vite …».
            r"ring\w* (?:til )?(?:\w+ ){0,2}(?:lege\w*|sykepleier\w*|helse\w*|legevakt\w*|dps)|"
            r"si fra|sier fra|gi beskjed|ha beskjed|få beskjed|varsl\w*|melde\w*|kontakte\w*|"
            r"tilkall\w*|få tak i|hente (?:legen|lege|sykepleier\w*)|call\w*|notify\w*|alert\w*|"
            r"inform (?:the )?(?:doctor|nurse|health)\w*"
        ),
        "varsle lege",
    ),
    Concept(
        "utelukkelse",
        "Utelukkelse og isolasjon",
        _re(r"utelukk\w*|isolasjon\w*|isoler\w*|fellesskap\w*"),
        _re(
            r"isolat\w*|isoler\w*|isolasjon\w*|sitte\w* alene|sitter alene|alene på cell\w*|"
            r"låst inne|innelåst|innelås\w*|innlås\w*|utelukk\w*|ute av fellesskap\w*|"
            r"stengt (?:\w+ ){0,4}inne|steng\w* (?:\w+ ){0,2}inne på cell\w*|"
            r"ta\w* (?:\w+ ){0,2}ut av fellesskap\w*|tatt (?:\w+ ){0,2}ut av fellesskap\w*|skjerm\w*|enecelle|"
            r"solitary|isolat\w*|segregat\w*|locked (?:up|in)|excluded from"
        ),
        "utelukkelse fra fellesskapet isolasjon",
    ),
    Concept(
        "sikkerhetscelle",
        "Sikkerhetscelle og sikkerhetsseng",
        _re(r"sikkerhetscell\w*|sikkerhetsseng\w*|tvangsmid\w*|belteseng\w*"),
        _re(
            r"sikkerhetscell\w*|glattcell\w*|gummicell\w*|sikkerhetsseng\w*|belteseng\w*|"
            r"belte\w*|reimer|spent fast|lagt i belter|tvangsmid\w*|restrain\w*|"
            r"safety cell\w*|security cell\w*|padded cell\w*|strapped"
        ),
        "sikkerhetscelle sikkerhetsseng tvangsmidler",
    ),
    Concept(
        "tilsyn",
        "Tilsyn",
        _re(r"tilsyn\w*|tilse\w*|se til"),
        _re(
            r"tilsyn\w*|tilse\w*|se til|ser til|passe\w* på|sjekke\w*|titte\w*|kikke\w*|følge med|"
            r"hvor ofte|hvor mange ganger|check\w* on|supervis\w*|monitor\w*|how often|look in on"
        ),
        "tilsyn",
    ),
    Concept(
        "selvmord",
        "Selvmord og selvskading",
        _re(r"selvmord\w*|selvskad\w*|suicid\w*"),
        _re(
            r"selvmord\w*|ta livet|tar livet|tok livet|skade[rt]? seg selv|kutte\w* seg|"
            r"selvskad\w*|suicid\w*|henge seg|self-harm\w*|self harm\w*|kill (?:him|her)self"
        ),
        "selvmord selvskading selvmordsfare",
    ),
    Concept(
        "tvungent_helsevern",
        "Tvungent psykisk helsevern",
        _re(
            r"tvungent psykisk helsevern|psykisk helsevernloven|tvungen observasjon|"
            r"tvangsinnleggelse\w*|akuttpsykiatri\w*|innleggelse\w*"
        ),
        _re(
            # A plain admission («innleggelse», «lagt inn») is no compulsory care: only with
            # psychiatry or against the patient's will.
            r"tvangsinnlegg\w*|tvungent|tvungen|psykose\w*|psykotisk\w*|mot (?:sin|hans|hennes) vilje|"
            r"(?:innlegg\w*|legges inn|lagt inn|legge (?:\w+ )?inn) (?:på|i) (?:psykiatri\w*|akutt\w*|"
            r"psykiatrisk\w*)|akuttpsykiatri\w*|psykiatrisk (?:avdeling|sykehus|akutt)\w*|"
            r"involuntar\w*|sectioned|committed to"
        ),
        "tvungent psykisk helsevern innleggelse",
    ),
    Concept(
        "innsettelse",
        "Innsettelse",
        _re(r"innsettelse\w*|innkomst\w*|nyinnsatt\w*|nye innsatte"),
        _re(
            r"innsettelse\w*|innkomst\w*|nyinnsatt\w*|nye? innsatt\w*|ny (?:fyr|fange|kar|person)|"
            r"(?:nettopp|akkurat|nylig) (?:\w+ )?(?:satt inn|kommet inn|kommet|fengslet)|"
            r"(?:blir|ble|er|har blitt) (?:\w+ )?satt inn|settes inn|kommer inn til oss|"
            r"kommet inn|første (?:dag\w*|døgn\w*|samtale\w*)|ble fengslet|fengslet i (?:går|dag)|"
            r"inn (?:til|for) (?:å )?son\w*|inn i fengsel\w*|begynne\w* (?:å )?sone|skal sone|"
            r"kom(?:mer)? i fengsel\w*|før (?:de|han|hun) (?:kom|ble satt) (?:i|inn)|"
            r"soningsstart\w*|"
            r"ankomst\w*|admission|admitted|arriv\w*|new(?:ly)? (?:inmate|prisoner)\w*"
        ),
        "innsettelse innkomstsamtale",
    ),
    Concept(
        "loslatelse",
        "Løslatelse",
        _re(r"løslat\w*|prøveløslat\w*|etter (?:endt )?soning|overgang\w*|ved utgang"),
        _re(
            r"løslat\w*|slippe\w* ut|slipper ut|kommer ut|komme ut|ut av fengsel\w*|"
            r"ferdig (?:å sone|sonet)|soning\w* er (?:ferdig|over)|etter soning\w*|prøveløslat\w*|"
            r"flytte[st]? til (?:et )?(?:annet|nytt) fengsel|overføres|overført|overføring\w*|"
            r"releas\w*|get(?:s|ting)? out"
        ),
        "løslatelse",
    ),
    Concept(
        "samarbeid",
        "Samarbeid mellom tjenestene",
        _re(r"samarbeid\w*|samhandl\w*"),
        _re(
            r"samarbeid\w*|samhandl\w*|jobbe\w* sammen|møte\w*|rutine\w*|avtale\w*|"
            r"cooperat\w*|collaborat\w*|work together"
        ),
        "samarbeid",
    ),
    Concept(
        "under_18",
        "Innsatte under 18 år",
        _re(r"under 18 år|mindreårig\w*|unge innsatte"),
        _re(
            r"under 18|mindreårig\w*|ungdom\w*|unge|1[4-7] år|1[4-7]-åring\w*|på 1[4-7]|"
            r"(?:er|bare|kun|han|hun) 1[4-7](?! ?(?:dager|døgn|timer|uker|måneder|prosent|%))|"
            r"minor\w*|juvenile\w*|under 18|teenager\w*|under-18"
        ),
        "under 18 år",
    ),
    Concept(
        "legemidler",
        "Legemidler",
        _re(r"legemid\w*|medisin\w*"),
        _re(
            r"medisin\w*|piller|pille|tablett\w*|legemid\w*|på lar|lar-\w*|legemiddelassistert\w*|"
            r"medication\w*|pills?"
        ),
        "legemidler",
    ),
    Concept(
        "rus",
        "Rus og avrusning",
        _re(r"rus\w*|avrusning\w*|abstinens\w*|substitusjon\w*|lar-\w*"),
        _re(
            r"rus|ruse[nt]|ruset|rusa|rusmid\w*|rusprobl\w*|rusavh\w*|dop|dopet|dopa|narko\w*|"
            r"abstinens\w*|avrusning\w*|metadon\w*|subutex|på lar|lar-\w*|legemiddelassistert\w*|"
            r"alkohol\w*|fylla|fyllekjør\w*|"
            r"drugs?|alcohol\w*|withdrawal"
        ),
        "rusmiddelproblemer avrusning",
    ),
    Concept(
        "framstilling",
        "Framstilling til behandling",
        _re(r"framstilling\w*|fremstilling\w*|helseframstilling\w*"),
        _re(
            r"framstill\w*|fremstill\w*|kjøre\w* (?:\w+ ){0,2}til (?:sykehus|lege|tannlege|time|"
            r"behandling|undersøkelse|poliklinikk|dps)\w*|følge\w* (?:\w+ ){0,2}til (?:sykehus|lege|"
            r"tannlege|time|behandling)\w*|transport\w*|timen? (?:på|hos|ved) (?:sykehus|dps|"
            r"poliklinikk|spesialist)\w*|escort\w*|hospital appointment\w*"
        ),
        "framstilling til behandling",
    ),
    Concept(
        "legevakt",
        "Legevakt og tid utenfor arbeidstiden",
        _re(r"legevakt\w*|utenfor (?:arbeidstid|kontortid)\w*"),
        _re(
            r"legevakt\w*|om (?:natta|natten|kvelden|helga|helgen)|på (?:natta|natten|kvelden|"
            r"helga|helgen)|nattestid|i helg\w*|utenfor (?:arbeidstid|kontortid)\w*|"
            r"ikke (?:er )?på jobb|er stengt|after hours|at night|weekend\w*|out-of-hours"
        ),
        "legevakt utenfor arbeidstiden",
    ),
    Concept(
        "funksjonsnedsettelse",
        "Funksjonsnedsettelser og habilitering",
        _re(
            r"funksjonsnedsett\w*|nevroutvikling\w*|utviklingsforstyrr\w*|habilitering\w*|"
            r"kognitiv\w*"
        ),
        _re(
            r"adhd|autis\w*|asperger\w*|utviklingshemm\w*|psykisk utviklingshem\w*|lærevansk\w*|"
            r"kognitiv\w*|funksjonsnedsett\w*|nevroutvikling\w*|habilitering\w*|"
            r"disabilit\w*|learning difficult\w*"
        ),
        "funksjonsnedsettelser nevroutviklingsforstyrrelser habilitering",
    ),
    Concept(
        "rettigheter",
        "Rett til helsehjelp",
        _re(
            r"samme rett til\w*|fulle rettigheter|rett til (?:nødvendig\w* )?(?:og forsvarlig\w* )?"
            r"helse\w*|på lik linje|likeverdig\w*|lovlig opphold"
        ),
        _re(
            r"samme (?:helse\w*|rett\w*|tilbud\w*|behandling\w*)|som andre (?:folk|innbyggere|"
            r"pasienter)|som alle andre|på lik linje|krav på (?:helse\w*|lege|behandling)|"
            r"rett (?:på|til) (?:helse\w*|lege\w*|behandling\w*|tannlege\w*)|statsborger\w*|"
            r"papirløs\w*|opphold\w*tillatelse\w*|lovlig opphold|utlending\w*|asyl\w*|"
            r"right to (?:health\w*|treatment|a doctor)|same (?:health\w*|care)"
        ),
        "rett til helsehjelp samme rett som befolkningen for øvrig",
    ),
    Concept(
        "individuell_plan",
        "Individuell plan",
        _re(r"individuell\w* plan\w*|koordinator\w*"),
        _re(r"individuell\w* plan\w*|ip|koordinator\w*|individual plan\w*|care plan\w*"),
        "individuell plan koordinator",
    ),
)

BY_ID: dict[str, Concept] = {c.id: c for c in CONCEPTS}

# Concepts that set a circumstance («om natta», «i helga») rather than a topic: alone they do not
# place a question in the sources' topics («Hva er reglene for parkering i helgene?»).
CIRCUMSTANTIAL = frozenset({"legevakt"})

# Concepts that are circumstances a rule applies in (a list's lead-in «Ved utelukkelse skal
# kriminalomsorgen:»), as opposed to what is done (varsling, taushetsplikt, samtykke …).
SITUATIONS = frozenset(
    {"utelukkelse", "sikkerhetscelle", "tvungent_helsevern", "loslatelse", "under_18"}
)


def tag_passage(text: str, context: str = "", heading: str = "") -> tuple[str, ...]:
    """The concepts a passage is about: its text, its lead-in and `heading` (the headings above it:
    «5.3 Ved løslatelse …» marks the items of 5.3.1 that never say «løslatelse»)."""
    body = " ".join(f"{heading} {context} {text}".split())
    return tuple(c.id for c in CONCEPTS if c.passage.search(body))


def recognise(question: str) -> tuple[str, ...]:
    """The concepts a question is about, from everyday expressions and question shapes."""
    text = " ".join(question.lower().split())
    return tuple(c.id for c in CONCEPTS if c.question.search(text))


def trigger_spans(question: str) -> list[tuple[int, int]]:
    """Spans of the question's words that a concept recognised (offsets in `question`)."""
    spans: list[tuple[int, int]] = []
    for concept in CONCEPTS:
        spans += [m.span() for m in concept.question.finditer(question)]
    return sorted(spans)


def without_triggers(question: str) -> str:
    """The question with the words a concept recognised blanked out (same length, same offsets):
    what is left is what the question asks in words of its own."""
    spans = trigger_spans(question.lower())
    return "".join(
        " " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(question)
    )


def situations(text: str) -> frozenset[str]:
    """The circumstances (`SITUATIONS`) a text such as a list's lead-in names."""
    body = " ".join(text.split())
    return frozenset(c for c in SITUATIONS if BY_ID[c].passage.search(body))


def other_situation(lead_in: str, asked: tuple[str, ...]) -> bool:
    """True when a list's lead-in sets a circumstance the question, about `asked` concepts, does
    not ask about."""
    return bool(situations(lead_in) - set(asked))


def expansion(concept_ids: tuple[str, ...]) -> str:
    """The legal words the recognised concepts add to a query."""
    return " ".join(BY_ID[c].expansion for c in concept_ids if c in BY_ID)


def labels(concept_ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(BY_ID[c].label for c in concept_ids if c in BY_ID)
