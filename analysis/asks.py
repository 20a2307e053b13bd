"""The question as a frame: who would act, what is done, to or from whom, under which conditions,
and which slot of the answer is asked (yes/no, who, when, how often, which provision …).

`ask_frame(question, role)` reads a staff question in everyday words («Kan jeg si til betjentene
at han har hiv?», «Må vi ringe legen når han sitter på isolat?», «selv om han ikke har sagt ja»)
into an `Ask` with the labels of `analysis.lexicon`, so it can be compared with the frames of the
sources' sentences. The asker is the chosen role; «jeg/vi» makes the asker the actor. A condition
named as absent («selv om han ikke har sagt ja», «uten samtykke», «nekter») becomes its opposite
(`uten_samtykke`). Everyday expressions only, never a question of a suite. It neither retrieves
nor ranks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis import lexicon as lx
from analysis.shape import question_shape

SERVICE_ROLES = ("kriminalomsorgen", "kommunehelse", "spesialisthelse")
# The asker's role as an actor of the sources' sentences.
ROLE_ACTOR = {
    "kriminalomsorgen": "kriminalomsorgen",
    "kommunehelse": "kommunehelse",
    "spesialisthelse": "spesialisthelse",
}


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\wæøå])(?:{pattern})(?![\wæøå])", re.I)


# Everyday names of the actors and counterparts.
_WHO: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "kriminalomsorgen",
        _re(
            r"[\wæøå]*betjent\w*|vakt(?:a|en|ene|er|mester\w*)?|fengsel(?:et|sleder\w*|"
            r"sledelse\w*|sansatte)?|kriminalomsorg\w*|anstalt\w*|avdelingsleder\w*|ledelsen|"
            r"(?:the )?(?:prison|officer|officers|guard|guards|correctional service)"
        ),
    ),
    (
        "spesialisthelse",
        _re(
            r"dps|spesialisthelsetjenest\w*|psykiatri\w*|sykehus\w*|helseforetak\w*|psykolog\w*|"
            r"poliklinikk\w*|tsb|specialist\w*|hospital\w*"
        ),
    ),
    (
        "kommunehelse",
        _re(
            r"kommunehelse\w*|fengselshelsetjenest\w*|helsetjenesten i fengsel\w*|kommunen\w*|fengselslege\w*|"
            r"legevakt\w*|fastleg\w*|municipal\w*"
        ),
    ),
    (
        "helsepersonell",
        _re(
            r"sykepleier\w*|sykeplier\w*|lege[n]?|legene|legen[es]|helse(?:a|tjenesten|personell\w*|"
            r"avdeling\w*|folk\w*|et)?|helse- og omsorgstjenesten|doktor\w*|nurse\w*|doctor\w*|"
            r"health (?:service|staff|personnel|care)\w*|medical staff"
        ),
    ),
    ("politi", _re(r"politi\w*|police")),
    ("domstol", _re(r"retten(?! til| på| og)|domstol\w*|tingrett\w*|dommer\w*|the court|judge\w*")),
    ("pårørende", _re(r"pårørende|familie\w*|mor(?:a|en)?|far(?:en)?|kon(?:a|en)|samboer\w*|"
                      r"foreldre\w*|family|relatives")),
    ("nav", _re(r"nav")),
    ("innsatt", _re(r"innsatt\w*|fange\w*|inmate\w*|prisoner\w*")),
)  # fmt: skip

_FIRST_PERSON = _re(r"jeg|vi|oss|meg|vår|vårt|våre|min|mitt|mine|we|us|our|my")
# «Må vi …», «Kan jeg …», «Har fengselet lov …», «Is the prison allowed …».
_OBLIGATION = _re(
    r"må|skal|plikt\w*|nødt til|pålagt|forpliktet|have to|has to|must|required|obliged|duty|"
    r"shall|need to|trenger (?:vi|jeg|de) (?:å|ikke)"
)
_PERMISSION = _re(
    r"kan|får|lov|lov til|lovlig|tillatt|adgang|anledning|may|can|allowed|permitted|ok å|"
    r"greit å|er det greit"
)
_RECOMMENDATION = _re(r"bør|burde|anbefal\w*|should|ought")

# Everyday verbs → action labels. «dele ut medisin» is handing out medicines, not sharing.
_ACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("utdele", _re(r"dele\w* ut (?:\w+ ){0,2}medisin\w*|medisinutdeling\w*|legemiddelutdeling\w*|"
                   r"utdeling av (?:medisin|legemid)\w*|hand(?:ing)? out medic\w*|dosett\w*")),
    ("dele", _re(
        r"si(?:er)? (?:det |noe |dette )?(?:til|videre)|si(?:er)? (?:bare )?(?:det|dette)(?= ?[,?.]| og)|sa (?:det )?til|fortell\w*|dele|deler|deles|"
        r"delt|deling|videreformidl\w*|videresend\w*|gi(?:r)? (?:\w+ ){0,4}(?:opplysning\w*|info\w*)|"
        r"snakke\w* (?:\w+ ){0,3}om|give (?:\w+ ){0,4}information|bekreft\w*|"
        r"ta opp (?:\w+ ){0,3}(?:sak\w*|pasient\w*)|drøft\w*|"
        r"send\w* (?:over )?(?:\w+ ){0,2}(?:journal\w*|papir\w*|opplysning\w*|epikrise\w*)|"
        r"vis(?:e|er) (?:\w+ ){0,2}journal\w*|snakke med (?:\w+ ){0,2}om|tell\w*|told|share\w*|"
        r"disclos\w*|pass(?:ing)? on|hva (?:han|hun) (?:feiler|har)"
    )),
    ("varsle", _re(
        r"varsl\w*|si fra|sier fra|gi(?:r)? beskjed|melde\w*|meld fra|kontakt\w*|tilkall\w*|advar\w*|"
        r"ring\w* (?:til )?politi\w*|"
        # A phone call notifies only when it goes to the health service («ringe legen»).
        r"ring\w* (?:til )?(?:\w+ ){0,2}(?:lege\w*|sykepleier\w*|helse\w*|legevakt\w*|dps)|"
        r"få tak i|hente (?:lege|legen|sykepleier\w*)|notify\w*|alert\w*|call\w*|report\w*"
    )),
    ("informere", _re(r"informer\w*|orienter\w*|inform\w*")),
    ("innhente", _re(
        r"få vite|får vite|få (?:\w+ ){0,2}(?:innsyn|tilgang|opplysning\w*|helseopplysning\w*|info\w*)|be\w* om (?:\w+ ){0,2}"
        r"(?:opplysning\w*|info\w*|uttalelse|journal\w*|råd)|innhent\w*|hente (?:inn|ut)|spør\w* (?:\w+ ){0,3}om|"
        r"vil vite|lese (?:i )?journal\w*|innsyn|obtain\w*|request\w*|ask for|find out"
    )),
    ("tilse", _re(
        r"tilsyn\w*|tilse\w*|se til|ser til|se inn (?:til|på)|ser inn (?:til|på)|sjekke\w*|titte\w*|"
        r"kikke\w*|passe\w* på|følge med|"
        r"se etter|check\w* on|supervis\w*|monitor\w*|look in on|visit\w*"
    )),
    ("henvise", _re(r"henvis\w*|sende (?:\w+ ){0,2}til (?:dps|spesialist\w*|psykiatri\w*)|refer\w*")),
    ("samarbeide", _re(r"samarbeid\w*|samhandl\w*|jobbe\w* sammen|samordn\w*|kalle\w* inn|invitere\w*|"
                       r"innkall\w*|felles møte\w*|cooperat\w*|collaborat\w*")),
    ("vurdere", _re(r"vurder\w*|assess\w*|evaluat\w*")),
    ("dokumentere", _re(
        r"dokumenter\w*|skrive\w* (?:\w+ ){0,2}(?:ned|i journal\w*|rapport|logg\w*)|noter\w*|"
        r"protokoll\w*|logg\w*|journalfør\w*|arkiver\w*|oppbevar\w*|lagre\w*|document\w*|record\w*|keep\w*"
    )),
    ("tilby", _re(r"tilby\w*|tilbud\w*|gi (?:ham|henne) (?:\w+ ){0,2}(?:samtale|behandling)|offer\w*")),
    ("kartlegge", _re(r"kartlegg\w*|screen\w*|undersøk\w*|utred\w*|innkomstsamtale\w*")),
    ("planlegge", _re(r"individuell\w* plan\w*|individuel\w* plan\w*|\bip\b|ukeplan\w*|plan\b|planer|planlegg\w*")),
    ("folge_opp", _re(r"følge\w* opp|oppfølging\w*|videreføre\w*|fortsette\w* (?:\w+ ){0,2}behandling\w*|follow(?:ing)? up")),
    ("beslutte", _re(
        r"sette\w* (?:\w+ ){0,2}på (?:glattcell\w*|sikkerhetscell\w*|isolat\w*|cell\w*)|"
        r"isoler\w*|utelukke[rs]?|legge\w* (?:\w+ ){0,2}i (?:belte\w*|reim\w*)|beltelegg\w*|"
        r"bruke\w* (?:tvang\w*|makt|belte\w*|sikkerhetscell\w*)|plasser\w*|beslut\w*|avgjør\w*|bestemm\w*|decid\w*"
    )),
    ("klarere", _re(r"klarer\w*|godkjenn\w*|godta\w*|gi grønt lys|approv\w*|clear\w*")),
    ("oppnevne", _re(r"oppnevn\w*|utpek\w*|velge\w* (?:\w+ )?koordinator\w*|appoint\w*")),
    ("oppnevne", _re(r"oppnevn\w*|utpek\w*|velge\w* (?:\w+ )?koordinator\w*|appoint\w*")),
)  # fmt: skip

# Conditions as staff name them, beside the sources' own (lexicon.CONDITIONS).
_CONSENT_NEGATED = _re(
    # «Kan vi bare sende kartleggingen over?»: just share it, asking no one.
    r"(?:kan|får) (?:\w+ ){1,2}bare (?:sende|si|dele|fortelle|gi|videreformidle|kalle|invitere|"
    r"svare)\w*|uten videre|"
    r"(?:uten|ikke) (?:\w+ ){0,2}samtykke\w*|uten å spørre|uten at (?:\w+ ){0,3}(?:har )?"
    r"(?:sagt ja|samtykk\w*|gitt lov|vil|spurt)|ikke (?:har )?skrevet under|selv om (?:\w+ ){0,3}ikke "
    r"(?:\w+ ){0,2}(?:sagt ja|samtykk\w*|vil|ønsker|gått med på|gitt lov)|ikke (?:har )?(?:sagt ja|"
    r"gitt lov|gått med på)|nekte[rt]?\w*|vil ikke at|ønsker ikke at|motsetter seg|mot (?:sin|hans|"
    r"hennes) vilje|without (?:his |her |their )?consent|refus\w*|doesn'?t want|does not want"
)
_CONSENT = _re(
    r"samtykk\w*|sier ja|sa ja|sagt ja|går med på|gikk med på|(?:sier|syns|synes|sa) (?:at )?det er "
    r"(?:\w+ )?(?:greit|ok|i orden)|gir lov|har gitt lov|vil at|ønsker at|skrevet under|"
    r"consent\w*|agree\w*|permission"
)
_EXTRA_CONDITIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fare", _re(r"farlig\w*|tru(?:er|et|sel\w*)|fare for|ta livet|tar livet|selvmord\w*|smitt\w*|"
                 r"ta en kar|skade noen|overdose\w*|"
                 r"skade (?:seg|andre|noen)|overdose\w*|danger\w*|threat\w*|suicid\w*")),
    ("syk", _re(r"syk|sjuk|dårlig|feiler noe|ill|sick|unwell")),
    ("under_18", _re(r"under 18|mindreårig\w*|1[4-7] år|1[4-7]-åring\w*|er 1[4-7]|bare 1[4-7]|minor\w*|juvenile\w*")),
    ("utelukkelse", _re(r"isolat\w*|isoler\w*|isolasjon\w*|utelukk\w*|sitte\w* alene|sitter alene|"
                        r"stengt (?:\w+ ){0,4}inne|"
                        r"ute av fellesskap\w*|alene på cell\w*|solitary|segregat\w*|excluded")),
    ("sikkerhetscelle", _re(r"glattcell\w*|gummicell\w*|sikkerhetscell\w*|safety cell\w*|security cell\w*")),
    ("sikkerhetsseng", _re(r"belteseng\w*|sikkerhetsseng\w*|belter|beltet|beltene|i belte|reimer|spent fast|"
                           r"beltelagt|beltelegg\w*|restraint bed\w*|strapped")),
    ("tvang", _re(r"tvang\w*|makt|holdt fast|lagt i bakken|force|restrain\w*")),
    ("loslatelse", _re(r"løslat\w*|slippe\w* ut|slipper ut|kommer ut|ut av fengsel\w*|ferdig sonet|"
                       r"soningen er (?:ferdig|over)|releas\w*|get(?:s|ting)? out")),
    ("innsettelse", _re(r"ny(?:e)? innsatt\w*|nyinnsatt\w*|kommer inn|kom inn|satt inn|innkomst\w*|"
                        r"kom(?:mer)? i fengsel\w*|før (?:de|han|hun) (?:kom|ble satt)|"
                        r"første dag\w*|innsettelse\w*|admission|arriv\w*")),
    ("overforing", _re(r"flytte[st]?|overfør\w*|transfer\w*")),
    ("utenfor_arbeidstid", _re(r"om natta|om natten|natt\w*|om kvelden|kveld\w*|i helg\w*|helgen|helga|"
                               r"utenfor (?:arbeidstid|kontortid)\w*|at night|night\w*|weekend\w*|after hours")),
    ("dagtid", _re(r"på dagtid|på dagen|i arbeidstid\w*|daytime|during the day")),
    ("anonym", _re(r"anonym\w*|uten navn|(?:ikke|uten å) nevne\w* navn|without (?:a )?name")),
    ("skriftlig", _re(r"skriftlig\w*|på papir|skrive\w* under|signer\w*|muntlig\w*|in writing|written")),
    ("legemidler", _re(r"medisin\w*|pille\w*|tablett\w*|legemid\w*|medication\w*")),
)  # fmt: skip

_YESNO = re.compile(
    r"^\s*(?:og |men |så )?(?:(?:hvis|om|dersom|når|if|when)\b[^,?]*,\s*)?"
    r"(?:må|skal|kan|får|har|er|bør|trenger|plikter|gjelder|finnes|holder|"
    r"stemmer|blir|vil|skulle|kunne|burde|do|does|did|must|can|may|is|are|should|shall|have|has|will)"
    r"(?![\wæøå])",
    re.I,
)
_REQUEST = re.compile(r"^\s*(?:(?:kan|vil|kunne) (?:du|dere)|(?:can|could|would) you)\b", re.I)
_SLOTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("provision", _re(r"hvor i lov\w*|i hvilken lov\w*|hvilken (?:paragraf|bestemmelse|lov|hjemmel|regel)|hvilke (?:paragrafer|"
                      r"bestemmelser|lover)|hva er hjemmelen|hvor står det|hjemmel\w*|lovhjemmel\w*|"
                      r"which (?:section|provision|law|rule)|legal basis|what law")),
    ("who", _re(r"hvem|hvilken tjeneste|hvilke tjenester|who|whose|which service")),
    ("why", _re(r"hvorfor|why|hva er (?:formålet|hensikten|grunnen)")),
    ("how", _re(r"hvordan|how")),
    ("when", _re(r"når|when|i hvilke (?:tilfeller|situasjoner)")),
    ("what", _re(r"hva|hvilke|hvilken|what|which")),
)  # fmt: skip
_STATUS = _re(
    r"gjeldende|i kraft|bindende|vedtatt|endelig\w*|ferdig\w*|offisiell\w*|status|gyldig\w*|"
    r"in force|binding|final|valid|current"
)


@dataclass(frozen=True)
class Ask:
    """What a question asks, in the labels of the sources' frames (`analysis.records.Frame`)."""

    asker: str  # the chosen role
    first_person: bool = False
    actor: str = ""  # who would act (a frame actor label), "" when the question does not say
    modality: str = ""  # obligation · permission · recommendation · ""
    actions: frozenset[str] = frozenset()
    counterpart: str = ""
    conditions: frozenset[str] = frozenset()
    negated: frozenset[str] = frozenset()  # conditions named as absent («ikke sagt ja»)
    slot: str = (
        ""  # yesno · who · when · frequency · duration · deadline · provision · what · how · why
    )
    status: bool = False  # asks whether a source is in force / binding
    # The asked act is the asking clause's own verb («Må vi varsle …»), not one in a clause after
    # it («Må vi vente på en henvisning før vi vurderer ham?»): only then may a yes/no be read off.
    main_act: bool = False
    people: tuple[tuple[str, int], ...] = field(default=())  # (label, offset) of everyone named


def _people(text: str) -> list[tuple[str, int]]:
    found: list[tuple[int, int, str]] = []
    for label, pattern in _WHO:
        for m in pattern.finditer(text):
            if not any(s <= m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), label))
    return [(label, start) for start, _, label in sorted(found)]


_MODAL_VERB = re.compile(
    r"(?<![\wæøå])(?:må|skal|kan|får|bør|burde|plikter|trenger|har|er|must|can|may|should|"
    r"shall|does|do|is|are|has|have)(?![\wæøå])",
    re.I,
)


_HEALTH = frozenset({"kommunehelse", "spesialisthelse", "helsepersonell"})


def _same_side(party: str, own: set[str]) -> bool:
    """True when `party` is one of `own`, or a health party when `own` holds one (the nurse the
    asker is, «Jeg er sykepleier», is no counterpart of a municipal health service's question)."""
    return party in own or (party in _HEALTH and bool(own & _HEALTH))


def _subject(text: str, people: list[tuple[str, int]]) -> str:
    """The party the question names as who acts: named right after its opening verb («Kan
    fengselet …», «Må helsetjenesten …») or opening it («Betjentene må …»)."""
    verb = _MODAL_VERB.search(text[:40])
    if verb and _FIRST_PERSON.match(text, verb.end() + 1):
        return ""  # «Kan jeg si til betjentene …»: the asker acts
    for label, at in people:
        if label == "innsatt":
            continue
        if verb and 0 <= at - verb.end() <= 12:
            return label
        if at <= 12 and (verb is None or at < verb.start()):
            return label
    return ""


_TOLD = re.compile(r"\btil\s+(?:\w+\s+){0,2}$")  # «til DPS», «til et annet DPS»


def _actor_and_counterpart(
    text: str, role: str, first: bool, people: list[tuple[str, int]], acts: list[int]
) -> tuple[str, str]:
    """Who acts (the named subject; «jeg/vi» is the asker's role) and to whom (the first other
    party named after the first act, else a party of the actor's own kind named as the one told:
    «til DPS»)."""
    own = ROLE_ACTOR.get(role, "")
    at = min(acts) if acts else len(text)
    actor = _subject(text, people)
    if not actor and first and _FIRST_PERSON.search(text[: at + 1]):
        actor = own
    if actor and actor == own:
        pass
    elif not actor and not first:
        actor = ""
    after = [(label, i) for label, i in people if i >= at and label != "innsatt"]
    counterpart = next((p for p, _ in after if p != actor), "")
    if not counterpart:
        # «Kan vi sende opplysninger til DPS der han skal bo?» asked by a DPS: another unit of
        # the same service, named as the one told.
        counterpart = next((p for p, i in after if _TOLD.search(text[at:i])), "")
    health = {"kommunehelse", "spesialisthelse", "helsepersonell"}
    if not counterpart and actor and own and actor != own and not {actor, own} <= health:
        counterpart = own  # «Fengselet ringer og vil vite …» asked by the health service: from us
    return actor, counterpart


def _acts(text: str) -> tuple[set[str], list[int]]:
    actions: set[str] = set()
    at: list[int] = []
    for label, pattern in _ACTS:
        for m in pattern.finditer(text):
            if label == "dele" and "utdele" in actions:
                continue
            actions.add(label)
            at.append(m.start())
    return actions, at


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-ZÆØÅa-zæøå«])")


def asking_clause(text: str) -> str:
    """The sentence that asks: staff often tell the situation first («Han er helt ute av det og
    nekter å snakke med helse. Er vi nødt til å si fra?»). The last sentence ending in «?», or the
    last sentence."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return (asking or sentences or [text])[-1]


def ask_frame(question: str, role: str = "alle") -> Ask:
    """Read `question` (asked in `role`) into an `Ask`: how it asks, who acts, what and to whom
    from the asking sentence (the situation told before it fills what that sentence leaves open),
    the conditions from all of it."""
    text = " ".join(question.split())
    lowered = text.lower()
    clause = asking_clause(text).lower()
    first = bool(_FIRST_PERSON.search(lowered))
    actions, acts = _acts(clause)
    if not actions:
        actions, acts = _acts(lowered)
        base = 0
    else:
        base = len(lowered) - len(clause)
    people = _people(lowered)
    own_people = [(label, at - base) for label, at in people if at >= base]
    actor, counterpart = _actor_and_counterpart(
        clause, role, first and bool(_FIRST_PERSON.search(clause)), own_people,
        [a for a in acts] if base else acts,
    )  # fmt: skip
    if not actor:
        actor, _ = _actor_and_counterpart(lowered, role, first, people, acts if not base else [])
    if not counterpart:
        # «Avdelingslederen vil vite … Kan jeg bare si det?»: to the party the situation named.
        own = {actor, ROLE_ACTOR.get(role, ""), "innsatt"}
        counterpart = next((p for p, _ in people if not _same_side(p, own)), "")
    conditions = {label for label, p in lx.CONDITIONS if p.search(lowered)}
    conditions |= {label for label, p in _EXTRA_CONDITIONS if p.search(lowered)}
    negated: set[str] = set()
    if _CONSENT_NEGATED.search(lowered):
        negated.add("samtykke")
        conditions.discard("samtykke")
        conditions.add("uten_samtykke")
    elif _CONSENT.search(lowered):
        conditions.add("samtykke")
    if "syk" in conditions and "fare" in conditions:
        conditions.discard("syk")  # «dårlig og truer»: the danger decides
    modality = _modality(clause, own_people)
    return Ask(
        asker=role,
        first_person=first,
        actor=actor,
        modality=modality,
        actions=frozenset(actions),
        counterpart=counterpart,
        conditions=frozenset(conditions),
        negated=frozenset(negated),
        slot=_slot(asking_clause(text)),
        status=bool(_STATUS.search(lowered)),
        people=tuple(people),
        main_act=_main_act(clause),
    )


_CLAUSE_OPENER = re.compile(r"\b(?:før|etter|når|hvis|dersom|om|fordi|slik at|så|at)\s", re.I)


def _main_act(clause: str) -> bool:
    """True when an asked act comes before any subordinate clause of the asking sentence."""
    _, at = _acts(clause)
    if not at:
        return False
    verb = _MODAL_VERB.search(clause[:40])
    start = verb.end() if verb else 0
    opener = _CLAUSE_OPENER.search(clause, start)
    first = min(at)
    return opener is None or first < opener.start()


# A modal verb asks for a duty or a permission only next to its subject («må vi», «kan
# fengselet», «vi kan», «har vi lov»), not in «Hva kan være grunner til …».
_SUBJECT_WORDS = (
    r"(?:jeg|vi|du|dere|de|man|han|hun|den innsatte|innsatte|[\wæøå]{3,}(?:en|et|ene)|"
    r"we|i|you|they|he|she|staff|service|prison|officers?|nurses?|doctors?|guards?)"
)


def _modality(text: str, people: list[tuple[str, int]] = ()) -> str:  # type: ignore[assignment]
    """How the question asks, from its first modal verb next to a subject («Kan vi si til …
    når han skal ut» asks a permission: «skal» belongs to the clause)."""
    named = {at for _, at in people}
    found: list[tuple[int, str]] = []
    for label, pattern in (
        ("obligation", _OBLIGATION),
        ("permission", _PERMISSION),
        ("recommendation", _RECOMMENDATION),
    ):
        for m in pattern.finditer(text[:120]):
            after = text[m.end() : m.end() + 25]
            before = text[max(0, m.start() - 25) : m.start()]
            if (
                re.match(rf"\s+(?:\w+\s+)?{_SUBJECT_WORDS}(?![\wæøå])", after)
                or re.search(rf"(?<![\wæøå]){_SUBJECT_WORDS}\s+(?:\w+\s+)?$", before)
                or re.match(r"\s*(?:det|it)\b", after)
                or m.group(0) in ("plikt", "plikten", "pliktig", "lov", "lovlig", "tillatt")
                or any(0 < at - m.end() <= 5 for at in named)
            ):
                found.append((m.start(), label))
                break
    return min(found)[1] if found else ""


def _slot(text: str) -> str:
    """The slot asked: a shape («hvor ofte»), a provision or who; else yes/no for a question
    opening with its verb; else the first question word («Hva må vi gjøre når …» asks what, the
    «når» opens a clause)."""
    shape = question_shape(text)
    if shape:
        return shape[0]
    for label, pattern in _SLOTS[:3]:
        if pattern.search(text):
            return label
    if _REQUEST.match(text):
        return "what"  # «Kan du gi meg en oversikt …?» asks for something, not yes or no
    if _YESNO.match(text):
        return "yesno"
    found = [(m.start(), label) for label, p in _SLOTS[3:] for m in [p.search(text)] if m]
    return min(found)[1] if found else ""


# A follow-up asking the earlier question again under a new condition or for another party.
_WHAT_IF = re.compile(
    r"^\s*(?:og |men )?(?:hva om|hva hvis|hva med|hvis|om|enn om|what if|what about|and if|if|"
    r"and)\b",
    re.I,
)


def follow_up(ask: Ask, earlier: Ask, question: str) -> Ask:
    """A follow-up's frame read against the conversation's: what it does not say itself (who
    acts, the act, to whom, how it asks) comes from the earlier question; its conditions add to
    the earlier ones, a consent it negates replaces the earlier consent. «Hva om han nekter?»
    asks the earlier question again under the new condition."""
    conditions = set(earlier.conditions) | set(ask.conditions)
    if "uten_samtykke" in ask.conditions:
        conditions.discard("samtykke")
    elif "samtykke" in ask.conditions:
        conditions.discard("uten_samtykke")
    slot = earlier.slot if _WHAT_IF.match(question) or not ask.slot else ask.slot
    return Ask(
        asker=ask.asker,
        first_person=ask.first_person or earlier.first_person,
        actor=ask.actor or earlier.actor,
        modality=ask.modality or earlier.modality,
        actions=ask.actions or earlier.actions,
        counterpart=ask.counterpart or earlier.counterpart,
        conditions=frozenset(conditions),
        negated=ask.negated | earlier.negated,
        slot=slot,
        status=ask.status,
        people=ask.people,
        main_act=ask.main_act or earlier.main_act,
    )
