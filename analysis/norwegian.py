"""Norwegian text analysis for BM25: the same tokens for passages and for questions.

`analyze` lowercases, splits into letter/digit tokens (æøå included), drops a small stopword list,
stems with Snowball «norwegian» (PyStemmer), expands hyphen coordination («helse- og
omsorgstjenesten» -> helsetjenesten + omsorgstjenesten; «sikkerhetscelle eller -seng» ->
sikkerhetscelle + sikkerhetsseng), adds the tail of long compounds whose head is a known word
(«tilsynsplikt» -> + plikt), splits other compounds into two words general Norwegian knows
(«rusmiddelbruk» -> + rusmiddel + bruk, by wordfreq's frequency list), and turns § references into
exact tokens: «§21», «§3-16», «§13b», plus
law-qualified ones like «helsepersonelloven§21» (the law name with spaces removed) when the law is
named, so «§ 21» never matches «21 år». `analyze_query` adds domain synonyms and English->Norwegian
glossary terms so paraphrases and English questions reach the Norwegian passages.

Deliberately not here: BM25 scoring (`ingest.bm25`), and anything tuned to particular questions: the
synonym groups and glossary are general vocabulary of the domain.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from wordfreq import zipf_frequency

from analysis.concepts import CONCEPTS_VERSION
from analysis.frames import FRAMES_VERSION
from analysis.legalrefs import scan

# Bump when tokens change, and the concept vocabulary's version when tagging changes: either
# rebuilds the index.
ANALYSIS_VERSION = f"analysis-10+{CONCEPTS_VERSION}+{FRAMES_VERSION}"
_STEMMER = Stemmer.Stemmer("norwegian")

# Function words only: modal verbs (skal, bør, kan, må) and «ikke» carry the duty and stay.
STOPWORDS: frozenset[str] = frozenset(
    """og i det som en et ei til av på for med er at den de om så var har ha hadde seg sin sitt
    sine han hun hen vi dere du jeg meg deg oss dem deres hans hennes dets denne dette disse da
    der her hvor når eller men også fra ved etter under over mot hos inn ut opp bare enn jf mv
    bl a f eks ble blir bli vært være blitt hva hvem hvilke hvilken hvilket noe noen nok man
    seg selv slik sånn alle alt andre annen annet dens deg hvis kun mellom uten før både enten
    ved hvordan""".split()
)

# Common heads of Norwegian compounds: used for the shared tail in hyphen coordination and for
# the decompounded tail of long words. Longest match wins, so list variants freely.
COMPOUND_HEADS: tuple[str, ...] = tuple(
    sorted(
        """tjenesten tjenestene tjenester tjeneste hensyn hensynet celle cellen seng sengen loven
        lov plikt plikten plikter rett retten rettigheter helse helsen plan planen planer tilsyn
        tilsynet samarbeid samarbeidet ansvar ansvaret opplysninger opplysning avtale avtalen
        behandling behandlingen vurdering vurderingen tiltak fengsel fengselet midler middel
        lidelser lidelse problemer hjelp hjelpen personell omsorg forskriften forskrift
        kartlegging kontakt kontroll""".split(),
        key=len,
        reverse=True,
    )
)
_MIN_STEM_LEFT = 3  # a compound's first part needs at least this many letters

_WORD = re.compile(r"[0-9a-zæøåäöüéèáàó]+")
_COORD = re.compile(
    r"([a-zæøåäöüé]+)-\s+(?:og|eller|el\.|samt|,)\s*([a-zæøåäöüé]+)"
    r"|([a-zæøåäöüé]+)\s*,?\s+(?:og|eller)\s+-([a-zæøåäöüé]+)"
)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _head(word: str) -> str | None:
    for head in COMPOUND_HEADS:
        if len(word) - len(head) >= _MIN_STEM_LEFT and word.endswith(head):
            return head
    return None


_MIN_PART = 4  # both parts of a split compound have at least this many letters
_MIN_PART_ZIPF = 2.5  # …and are words of general Norwegian (wordfreq Zipf scale; «bruk» ≈ 4.9)


@lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The two words a compound is made of («klagefristen» -> «klage», «fristen»), or ().

    A split counts when both parts are common words of general Norwegian and the whole is rarer
    than either (a compound is; «fortelle» is no «fort» + «elle»); a linking «s» or «e»
    («sikkerhetscelle») may end the first. Of several splits the one whose rarer part is most
    common wins. Short parts («inn» + «satte») are never split off.
    """
    whole = zipf_frequency(word, "nb")
    best: tuple[float, str, str] | None = None
    for i in range(_MIN_PART, len(word) - _MIN_PART + 1):
        left, right = word[:i], word[i:]
        right_z = zipf_frequency(right, "nb")
        if right_z < _MIN_PART_ZIPF:
            continue
        firsts = [left] + ([left[:-1]] if left[-1] in "se" and i - 1 >= _MIN_PART else [])
        for first in firsts:
            score = min(zipf_frequency(first, "nb"), right_z)
            if score >= max(_MIN_PART_ZIPF, whole) and (best is None or score > best[0]):
                best = (score, first, right)
    return best[1:] if best else ()


def _coordinations(text: str) -> list[str]:
    """Full words implied by hyphen coordination in lowercased `text`."""
    words: list[str] = []
    for m in _COORD.finditer(text):
        if m.group(1):  # «helse- og omsorgstjenesten»: first part + tail of the second word
            first, second = m.group(1), m.group(2)
            head = _head(second)
            if head:
                words.append(first + head)
        else:  # «sikkerhetscelle eller -seng»: stem of the first word + the second part
            first, tail = m.group(3), m.group(4)
            head = _head(first)
            if head:
                words.append(first[: -len(head)] + tail)
    return words


def _ref_tokens(text: str) -> tuple[list[str], str]:
    """§ reference tokens, and `text` with the § groups blanked out (their numbers are no words)."""
    tokens: list[str] = []
    pieces: list[str] = []
    last = 0
    for match in scan(text):
        pieces.append(text[last : match.start])
        last = match.end
        for provision in match.provisions:
            tokens.append(provision.replace(" ", ""))
            if match.law:
                tokens.append(match.law.replace(" ", "") + provision.replace(" ", ""))
    pieces.append(text[last:])
    return tokens, " ".join(pieces)


_SECTION_NUMBER = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d{1,2}){1,3})(?![\d]|\.\d)")


def _word_tokens(text: str, compounds: bool = True) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(text):
        if word in STOPWORDS:
            continue
        out.append(_stem(word))
        if len(word) < 8:
            continue
        parts = compound_parts(word) if compounds else ()
        if parts:
            out += [_stem(part) for part in parts]
        elif head := _head(word):
            out.append(_stem(head))
    return out


def analyze(text: str, compounds: bool = True) -> list[str]:
    """Index-side tokens of `text` for BM25 (order follows the text; duplicates kept for tf).

    `compounds=False` leaves out the parts of split compounds: for judging whether the sources use
    a word at all («klagefristen» is not known because «klage» and «frist» are).
    """
    lowered = text.lower()
    tokens, rest = _ref_tokens(lowered) if "§" in lowered else ([], lowered)
    # Section numbers («punkt 7.1.2», a heading «7.1.2 …») as whole tokens, so «7.1.2» does
    # not dissolve into «7», «1», «2».
    tokens += [f"pkt{m}" for m in _SECTION_NUMBER.findall(rest)]
    tokens += _word_tokens(rest, compounds)
    for word in _coordinations(rest):
        tokens += _word_tokens(word, compounds)
    return tokens


# Words a staff member may use for the same thing. A query word in a group pulls in the others.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(line.split(", "))
    for line in (
        "isolasjon, isolering, isolert, utelukkelse, utelukket, utelukke, innelåst, innlåsing, "
        "innelåsing, sikkerhetscelle, sikkerhetsseng, tvangsmidler, belteseng, fellesskap",
        "taushetsplikt, taushetsbelagt, taushetsbelagte, opplysningsplikt, opplysningsrett, "
        "samtykke, opplysninger, informasjonsdeling, dele, videreformidle, utlevere",
        "tilsyn, tilse, se til, oppfølging, følge opp",
        "lege, helsepersonell, helsetjenesten, sykepleier, fengselshelsetjenesten",
        "løslatelse, prøveløslatelse, løslates, overføring, overgang",
        "rus, rusmiddel, rusmidler, rusmiddelproblemer, rusavhengighet, avrusning, rop",
        "psykisk, psykiske lidelser, psykiatri, psykisk helsevern",
        "selvmord, selvmordsforsøk, selvskading, suicid",
        "innsatt, innsatte, domfelte, fange, varetektsinnsatte",
        "fengsel, fengselet, anstalt, kriminalomsorgen",
        "varsle, melde, underrette, informere",
        "døgn, daglig, hver dag",
        "mindreårig, mindreårige, barn, under 18 år, ungdom",
        "samarbeid, samarbeide, samhandling, samarbeidsavtale",
        "individuell plan, koordinator, koordinerende enhet",
        "legemidler, medisiner, legemiddelutdeling",
        "innsettelse, innkomst, innkomstsamtale, ankomst, nyankommet",
        "inneholde, innhold, elementer, omfatte, bestå",
        "fortsette, videreføre, videreført, kontinuitet",
        "betjent, betjenter, fengselsbetjent, fengselsansatte, ansatte",
        "sykehus, spesialisthelsetjenesten, dps, distriktspsykiatrisk, poliklinikk",
        "lov, lover, hjemmel, hjemlet, forskrift, regelverk, bestemmelse",
        "skade, skadevirkninger, skadelig, forverret, belastning",
        "makt, fysisk makt, tvang",
        "pårørende, familie, familien, nærmeste",
        "tilrettelegging, tilrettelegge, tilpasning, tilpasset",
        "henvisning, henvise, henvist, henvises",
        "samtale, samtaler, snakke, prate",
    )
)

# English phrases -> Norwegian text (analysed like any text), one line per meaning: «phrase, phrase
# = norsk». Longest phrase wins where phrases overlap.
_GLOSSARY_TABLE = """
    duty of confidentiality, confidentiality, professional secrecy, secrecy = taushetsplikt
    confidential = taushetsbelagte taushetsplikt
    consent = samtykke
    duty to inform, duty to disclose = opplysningsplikt
    right to information = opplysningsrett
    solitary confinement = isolasjon utelukkelse fellesskapet
    isolation = isolasjon utelukkelse
    isolated = isolasjon utelukket
    exclusion from association = utelukkelse fellesskapet
    excluded = utelukket
    exclusion, segregation = utelukkelse
    locked in = innelåst innlåsing
    security cell, safety cell = sikkerhetscelle
    restraint bed = sikkerhetsseng belteseng
    restraint = tvangsmidler
    coercion = tvang tvangsmidler
    supervision, supervise, visit, visits = tilsyn
    check on, look in on = tilsyn se til
    doctor, physician = lege
    nurse = sykepleier
    health personnel, health care personnel, health professional = helsepersonell
    health professionals = helsepersonell
    health care, healthcare = helsehjelp helsetjenesten
    health service, health services = helsetjenesten
    municipal health service, municipal health services = kommunale helse- og omsorgstjenesten
    municipal health and care service = kommunale helse- og omsorgstjenesten
    municipality = kommunen
    specialist health service, specialist health services = spesialisthelsetjenesten
    specialist health care = spesialisthelsetjenesten
    mental health care, psychiatric = psykisk helsevern
    mental health = psykisk helse
    mental illness, mental disorder = psykiske lidelser
    compulsory mental health care = tvungent psykisk helsevern
    prison service, correctional service, correctional services, probation = kriminalomsorgen
    prison officer, prison officers = kriminalomsorgen fengselsbetjent
    prison staff = kriminalomsorgen ansatte
    prison, prisons = fengsel
    inmate, inmates, prisoner, prisoners = innsatte
    convicted = domfelte
    remand, custody = varetekt
    release, released = løslatelse
    parole = prøveløslatelse
    transfer = overføring
    under 18, juvenile, juveniles, young = under 18 år
    minor, minors = under 18 år mindreårige
    child, children = barn under 18 år
    share, sharing, disclose = dele opplysninger
    disclosure = opplysninger
    information = opplysninger informasjon
    notify, notified = varsle
    inform = varsle informere
    report = melde varsle
    daily, every day = døgn daglig
    per day, once a day = døgn
    how often = hvor ofte
    weekly plan = ukeplan
    weekly = uke
    responsibility, responsible = ansvar
    duty, obligation = plikt
    duties = plikt plikter
    must = skal må
    should = bør
    may = kan
    cooperation, collaboration = samarbeid
    suicide = selvmord
    self-harm, self harm = selvskading
    drugs = rusmidler
    substance abuse, addiction = rusmiddelproblemer
    medication, medicine = legemidler
    individual plan = individuell plan
    admission, arrival, intake = innsettelse innkomst
    hospital = sykehus spesialisthelsetjenesten
    officer, officers, guard, guards = betjent kriminalomsorgen
    physical force, force = fysisk makt
    treatment = behandling helsehjelp
    harm, harming, damage = skade skadevirkninger
    legally binding, binding = rettslig bindende
    rules = regler
    association = fellesskapet
    referral, referrals, refer = henvisning henvise
    annual report = årsrapport
    grant, grants = tilskudd
    hour, hours = timer
    day, days = døgn dager
    week, weeks = uker
    month, months = måneder
    year, years = år
    minute, minutes = minutter
    meeting, meetings = møter
    service, services = tjenester tjenesten
    coordinated, coordination, coordinate = koordinerte koordinering
    apply, applies = gjelder
    group, groups = grupper
    conditions, prison conditions = forhold soningsforhold
    draft = utkast høringsutkast
    routine, routines, procedure, procedures = rutiner
    agreement, agreements = samarbeidsavtale avtale
    law, laws, statute, act = lov
    exception, exceptions = unntak
    allowed, permitted = kan adgang
    prevent, avert = forebygge hindre avverge
    danger, risk = fare risiko
    life = liv
    contents, content, contain, include = innhold inneholde elementer
    vulnerable = sårbare
    statement, opinion = uttalelse
    approve, approval = godkjenne
    document, documentation = dokumentere dokumentasjon
    injury, injuries = skader
    follow-up, follow up = oppfølging følge opp
    appeal = klage
    decision = beslutning vedtak
    responsible for = ansvar for
    coordinator = koordinator
    assessment = vurdering
    examination = undersøkelse
    health personnel act = helsepersonelloven
    execution of sentences act = straffegjennomføringsloven
    public administration act = forvaltningsloven
    patients' rights act = pasient- og brukerrettighetsloven
    mental health care act = psykisk helsevernloven
    need, needs = behov
    measure, measures, intervention, interventions = tiltak
    necessary = nødvendig
    assess, evaluate = vurdere vurdering
    guidelines = retningslinjer
    sound, adequate, proper = forsvarlig
    ensure = sikre
    offer, offered = tilby tilbud
    regulation, regulations = forskrift
    screening, mapping, survey = kartlegging kartlegge
    rehabilitation = rehabilitering habilitering
    role = rolle
    electronic monitoring = elektronisk kontroll
    interdisciplinary, multidisciplinary = tverrfaglig
    health trust, hospital trust = helseforetak
    recommendation, recommendations, recommend, recommended = anbefaling anbefales
    addiction treatment, substance abuse treatment = rusbehandling
    detox, detoxification, withdrawal = avrusning
    long-term = langvarige
    disability, disabilities, impairment, impairments = funksjonsnedsettelser
    task, tasks = oppgaver
    obtain, collect = innhente
    investigation = utredning
    access = tilgang
    mandela rules = mandelareglene
    european prison rules = europeiske fengselsreglene
    conversation, conversations, interview, talk = samtale samtaler
    health condition, state of health = helsetilstand
    family, relatives, next of kin = pårørende
    somatic = somatiske
    adaptation, accommodation, adjustments = tilrettelegging
    residence status = oppholdsstatus
    guidance = veiledning
    minimum standards = minstestandarder
    immediately = umiddelbart
    overdose, overdoses = overdose
    emergency room, out-of-hours service, emergency service = legevakt
    medical = medisinske
    ombudsman = sivilombudet
    agree, agrees, agreed, permission = samtykke
"""
ENGLISH_GLOSSARY: dict[str, str] = {
    phrase.strip(): norwegian.strip()
    for line in _GLOSSARY_TABLE.strip().splitlines()
    for english, norwegian in [line.split(" = ")]
    for phrase in english.split(", ")
}

# A synonym counts this much of a word the asker used (set on the whole evaluation suite).
SYNONYM_WEIGHT = 0.2
GLOSSARY_WEIGHT = 1.0


@lru_cache(maxsize=1)
def _synonym_index() -> tuple[dict[str, list[int]], list[tuple[str, int]], list[list[str]]]:
    """Stem -> groups of single-word members; multiword members as phrases; tokens per group."""
    by_stem: dict[str, list[int]] = {}
    phrases: list[tuple[str, int]] = []
    group_tokens: list[list[str]] = []
    for i, group in enumerate(SYNONYM_GROUPS):
        tokens: list[str] = []
        for member in sorted(group):
            member_tokens = analyze(member)
            tokens += member_tokens
            if " " in member:
                phrases.append((member, i))
            elif member_tokens:
                by_stem.setdefault(member_tokens[0], []).append(i)
        group_tokens.append(list(dict.fromkeys(tokens)))
    return by_stem, phrases, group_tokens


@lru_cache(maxsize=1)
def _glossary() -> tuple[re.Pattern[str], dict[str, list[str]]]:
    phrases = sorted(ENGLISH_GLOSSARY, key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, phrases)) + r")(?![a-z])")
    return pattern, {p: analyze(ENGLISH_GLOSSARY[p]) for p in phrases}


def translate_glossary(text: str) -> str:
    """The Norwegian glossary words for the English domain phrases in `text` («» when none)."""
    pattern, _ = _glossary()
    return " ".join(ENGLISH_GLOSSARY[m] for m in pattern.findall(text.lower()))


def analyze_query_weighted(text: str, compounds: bool = True) -> list[tuple[str, float]]:
    """Query tokens with weights: the question's own 1.0, glossary 1.0, synonyms SYNONYM_WEIGHT; deduped."""
    weights: dict[str, float] = {}

    def add(tokens: list[str], weight: float) -> None:
        for token in tokens:
            weights[token] = max(weights.get(token, 0.0), weight)

    own = analyze(text, compounds)
    add(own, 1.0)
    lowered = " ".join(text.lower().split())
    pattern, translations = _glossary()
    for m in pattern.finditer(lowered):
        add(translations[m.group(0)], GLOSSARY_WEIGHT)
    by_stem, phrases, group_tokens = _synonym_index()
    groups = {g for token in list(weights) for g in by_stem.get(token, ())}
    groups |= {g for phrase, g in phrases if phrase in lowered}
    for g in sorted(groups):
        add(group_tokens[g], SYNONYM_WEIGHT)
    return [(t, w) for t, w in weights.items() if t not in ENGLISH_STOPWORDS]


# English function words: the Norwegian analyser keeps them, so English questions drop them here
# (and the refusal gate skips them as content words).
ENGLISH_STOPWORDS = frozenset(
    "a an the is are was were be been do does did can could must should shall may might will "
    "would of to in on at for by with from about what which who whom how when where why "
    "whether if or and not no i we you he she it they me us them my our your their this that "
    "these those there any some all has have had than then as into also only just more most "
    "very".split()
)


def analyze_query(text: str, compounds: bool = True) -> list[str]:
    """Query-side tokens: `analyze` plus synonym and English glossary expansion, deduplicated."""
    return [t for t, _ in analyze_query_weighted(text, compounds)]
