"""The frame vocabulary: modal verbs, actions, counterparts, conditions and times in legal Norwegian.

Shared by the sentence frames (`analysis.frames`) and the question frames (`analysis.asks`), so a
question and a rule sentence are read with the same words. Each pattern is general legal prose
(«skal», «er ikke til hinder for», «uavhengig av samtykke», «uten ugrunnet opphold»), never a
sentence of the corpus or a question of a suite. It only recognises; it decides nothing.
"""

from __future__ import annotations

import re

from analysis.actors import MENTION

_B = r"(?<![\wæøå§])"
_E = r"(?![\wæøå])"


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(f"{_B}(?:{pattern}){_E}", re.I)


def _named(groups: dict[str, str]) -> re.Pattern[str]:
    return re.compile(
        f"{_B}(?:" + "|".join(f"(?P<{k}>{v})" for k, v in groups.items()) + f"){_E}", re.I
    )


# Group names are ASCII; MODAL_LABELS gives the label each stands for.
MODAL = _named(
    {
        "ikke_plikt": r"(?:er |være )?ikke (?:\w+ ){0,2}forpliktet til|innebærer ikke at (?:\w+ ){0,4}"
        r"(?:er )?forpliktet|har ingen plikt",
        "taus": r"(?:er )?underlagt (?:\w+ ){0,2}taushetsplikt|har (?:\w+ ){0,4}taushetsplikt|"
        r"gjelder taushetsplikten|taushetsplikten gjelder|får (?:\w+ ){0,2}taushetsplikt",
        "ikke_hinder": r"(?:er )?ikke (?:til )?hinder for|hindrer ikke|faller bort|gjør unntak fra|"
        r"åpner (?:også )?for at",
        "skal_ikke": r"skal ikke|må ikke|skal aldri|har ikke lov|er ikke tillatt",
        "bor_ikke": r"bør ikke",
        "rett": r"har (?:\w+ ){0,2}rett til|har (?:\w+ ){0,2}krav på|gir (?:\w+ ){0,3}rett til|"
        r"har (?:fulle|samme) rettigheter",
        "skal": r"skal|må|plikter|har(?:,? [\wæøå]+){0,6},? plikt til|har (?:\w+ ){0,3}ansvar(?:et)? for|"
        r"har det (?:\w+ ){0,2}ansvaret|er ansvarlig|forplikter|er pålagt|sørge for",
        # «Det er helsepersonellet som vurderer …»: who decides, no duty or permission.
        "avgjor": r"det er (?:\w+ ){1,3}som (?:vurderer|avgjør|bestemmer)",
        "kan": r"kan|har adgang til|har anledning til|gis anledning|får lov|har lov",
        "bor": r"bør|anbefales|anbefaler|tilstrebes|(?:gitt )?anbefalinger om å",
    }
)
MODAL_LABELS = {"bor": "bør", "bor_ikke": "bør_ikke", "avgjor": "avgjør"}
# What a modality grants: a duty, a permission, a prohibition, a recommendation.
OBLIGES = frozenset({"skal"})
PERMITS = frozenset({"skal", "kan", "rett", "ikke_hinder", "bør"})
FORBIDS = frozenset({"skal_ikke", "taus", "bør_ikke"})
NOT_OBLIGED = frozenset({"ikke_plikt", "kan", "bør"})


def modal_label(group: str) -> str:
    return MODAL_LABELS.get(group, group)


# The inmate as the one who has a right or is entitled («Innsatte … har rett til», «Alle har …»).
INMATE = _re(r"(?:den |de )?innsatte\w*|domfelte\w*|pasienten\w*|alle")
INMATE_SUBJECT = re.compile(
    r"^\s*(?:den |de |alle )?(?:innsatte|domfelte|pasienten|alle)\w*(?: [\wæøå,.-]+){0,8}? "
    r"(?:har|skal ha|skal få|får|kan få)(?![\wæøå])",
    re.I,
)
ACTOR_MENTION = MENTION


def actor_label(m: re.Match[str]) -> str:
    return m.lastgroup or ""


# Bodies outside the three services that a rule can bind or empower: the court («retten kan
# beslutte», not «retten til helsehjelp»), the police, the municipality's coordinating unit.
_OTHER_ACTORS = {
    "domstol": r"domstol\w*|retten(?! til| på| og)|tingrett\w*",
    "politi": r"politi\w*|påtalemyndighet\w*",
    "koordinerende_enhet": r"koordinerende enhet\w*",
}
OTHER_ACTOR = re.compile("|".join(f"{_B}(?P<{k}>{v}){_E}" for k, v in _OTHER_ACTORS.items()), re.I)


def other_actor_label(m: re.Match[str]) -> str:
    return m.lastgroup or ""


# Who receives or gives: the services (analysis.actors) and bodies outside them.
_OTHERS = {
    "politi": r"politi\w*|påtalemyndighet\w*",
    "parorende": r"pårørende|familie\w*|foreldre\w*|verge\w*",
    "nav": r"nav",
    "forvaltning": r"(?:andre )?forvaltningsorgan\w*|offentlige etater|andre etater",
    "koordinerende_enhet": r"koordinerende enhet\w*",
    "innsatt": r"(?:den |de )?innsatte\w*",
}
COUNTERPART = re.compile(
    MENTION.pattern + "|" + "|".join(f"{_B}(?P<{k}>{v}){_E}" for k, v in _OTHERS.items()),
    re.I,
)
COUNTERPART_LABELS = {"parorende": "pårørende"}


def counterpart_label(m: re.Match[str]) -> str:
    group = m.lastgroup or ""
    return COUNTERPART_LABELS.get(group, group)


ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, _re(pattern))
    for label, pattern in (
        (
            "dele",
            # «deler» of a day («store deler av døgnet») is a noun, not sharing.
            r"del(?:e|er(?! av)|es|t|te|ing\w*)|gi(?:r|s|tt)? (?:(?!innhent)[\wæøå,-]+ ){0,8}opplysning\w*|"
            r"videreformidl\w*|formidl\w* (?:\w+ ){0,3}(?:opplysning|informasjon)\w*|utveksl\w*|"
            r"utlever\w* (?:\w+ ){0,2}opplysning\w*|tilgang til (?:\w+ ){0,2}opplysning\w*",
        ),
        (
            "varsle",
            r"varsl\w*|varsel\w*|meld\w* fra|melde\w*|rapporter\w*|underrett\w*|si fra|gi beskjed",
        ),
        ("informere", r"informer\w*|orienter\w*"),
        ("innhente", r"innhent\w*|hente inn|be\w* om (?:tilsyn|uttalelse|råd)\w*"),
        (
            "tilse",
            r"tilsyn\w*|tilse\w*|se til (?:den|de|innsatt)\w*|gjøre seg kjent med|følge med på",
        ),
        # «Det henvises i teksten til …» refers to a text; a referral goes to a service.
        ("henvise", r"(?<!det )(?<!det er )henvis\w*(?! i teksten| til (?:en|rop|«|denne|listen))"),
        ("samarbeide", r"samarbeid\w*|samordn\w*|samhandl\w*|koordiner\w*"),
        ("vurdere", r"vurder\w*"),
        ("dokumentere", r"dokumenter\w*|protokoll\w*|journalfør\w*|arkiver\w*"),
        ("tilby", r"tilb[yu]\w*|yte\w*"),
        ("kartlegge", r"kartlegg\w*|undersøk\w*|utred\w*"),
        ("planlegge", r"individuell\w* plan\w*|ukeplan\w*|tiltaksplan\w*|planlegg\w*"),
        ("folge_opp", r"følge\w* opp|oppfølging\w*|videreføre\w*"),
        (
            "beslutte",
            r"beslut\w*|utelukke[rs]?|plasser\w*|iverksett\w*|bruk(?:e|er)? (?:av )?"
            r"(?:sikkerhetscelle|sikkerhetsseng|tvangsmid)\w*",
        ),
        ("utdele", r"legemiddelutdeling\w*|utdeling av legemid\w*|utlever\w* legemid\w*"),
        ("klarere", r"klarer\w*|godkjenn\w*"),
        ("motivere", r"motiver\w*"),
        ("oppnevne", r"oppnevn\w*|utpek\w*"),
        ("oppnevne", r"oppnevn\w*|utpek\w*"),
    )
)
# Actions that are the same kind of act for a question: telling someone is sharing or notifying.
RELATED: dict[str, frozenset[str]] = {
    "dele": frozenset({"varsle", "informere"}),
    "varsle": frozenset({"dele", "informere"}),
    "informere": frozenset({"dele", "varsle"}),
    "tilse": frozenset({"folge_opp"}),
    "folge_opp": frozenset({"tilse"}),
    "innhente": frozenset({"dele"}),
    "kartlegge": frozenset({"vurdere"}),
    "vurdere": frozenset({"kartlegge"}),
    "tilby": frozenset({"folge_opp"}),
}

CONDITIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, _re(pattern))
    for label, pattern in (
        (
            "uten_samtykke",
            r"uavhengig av (?:\w+ ){0,2}samtykke|uten (?:\w+ ){0,2}samtykke|med mindre (?:\w+ ){0,2}"
            r"motsetter seg|selv om (?:\w+ ){0,3}ikke samtykker",
        ),
        (
            "samtykke",
            r"(?:dersom|hvis|når|etter|med) (?:\w+ ){0,4}samtykk\w*|samtykker|har gitt samtykke|"
            r"innhente (?:\w+ ){0,2}samtykke|"
            r"samtykke fra (?:den )?innsatte",
        ),
        (
            "fare",
            r"fare for (?:\w+ ){0,2}(?:liv|menneskeliv|helse)\w*|avverge (?:\w+ ){0,2}fare\w*|"
            r"tungtveiende (?:\w+ ){0,3}interesser|truende farer|skadevoldende handlinger",
        ),
        ("syk", r"tyder på at (?:den )?innsatte er syk|er syk|trenger legehjelp"),
        ("ber_om", r"(?:innsatte|den innsatte) (?:selv )?ber om"),
        ("under_18", r"under 18 år|mindreårig\w*|unge innsatte"),
        (
            "utelukkelse",
            r"utelukk\w*|isolasjon\w*|isolert|avstå\w* fra fellesskap\w*|selvisoler\w*",
        ),
        ("sikkerhetscelle", r"sikkerhetscell\w*"),
        ("sikkerhetsseng", r"sikkerhetsseng\w*|belteseng\w*"),
        ("tvang", r"tvangsmid\w*|fysisk makt"),
        ("loslatelse", r"løslat\w*|prøveløslat\w*|etter endt (?:fengselsopphold|soning)"),
        ("overforing", r"overføring\w*|overføres|overført"),
        ("innsettelse", r"innsettelse\w*|innkomst\w*"),
        ("tvungent_helsevern", r"tvungent psykisk helsevern|tvungen (?:undersøkelse|observasjon)"),
        ("dagtid", r"på dagtid"),
        ("utenfor_arbeidstid", r"utenfor (?:arbeidstid|kontortid)\w*"),
        ("legemidler", r"legemid\w*|dosett\w*"),
        ("varetekt", r"varetekt\w*"),
        ("innlast", r"innlåst|låses inn|innlåsing\w*"),
        ("anonym", r"anonymiser\w*|anonymt"),
        ("skriftlig", r"skriftlig\w*|gis skriftlig"),
        ("systemniva", r"på systemnivå"),
    )
)
# Conditions that are situations a rule applies in: a rule set for one of them does not answer a
# question about another.
SITUATIONS = frozenset(
    {
        "utelukkelse", "sikkerhetscelle", "sikkerhetsseng", "tvang", "loslatelse", "overforing",
        "innsettelse", "tvungent_helsevern", "varetekt", "innlast",
    }
)  # fmt: skip
# Pairs of conditions that exclude each other.
EXCLUSIVE = (
    frozenset({"samtykke", "uten_samtykke"}),
    frozenset({"dagtid", "utenfor_arbeidstid"}),
)
# A rule under a precondition answers the opposite case too («… kan deles dersom den innsatte
# samtykker» to «uten samtykke?»: not under this rule); a rule with a scope says nothing outside
# it («én gang i timen på dagtid» to a question about the night).
PRECONDITIONS = frozenset({"samtykke", "uten_samtykke"})
# Conditions a question names that a rule must state too to answer it («… en 16-åring …» is not
# answered by the rule for adults, «truer med å skade» not by a rule «dersom soningsforholdet er
# skadelig»): a short yes/no and a hedge read them alike.
HELD_CONDITIONS = frozenset({"fare", "under_18", "anonym", "skriftlig"})

# A number, a decimal or a range («1,5-2 måneder» is one span, never «2 måneder»).
_NUM = (
    r"(?<![\d,.\-–])(?:\d+(?:[,.]\d+)?(?:\s*[-–]\s*\d+(?:[,.]\d+)?)?|én|en|ett|to|tre|fire|fem|"
    r"seks|sju|syv|åtte|ni|ti|tolv|fjorten)"
)
TIMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "deadline",
        _re(
            r"uten ugrunnet opphold|snarest(?: mulig)?|straks|umiddelbart|så raskt som mulig|"
            rf"så tidlig som (?:det er praktisk )?mulig|raskest mulig|i god tid|(?:minst|senest) {_NUM} "
            r"(?:måneder|uker|dager|døgn|timer) i forkant|i forkant"
        ),
    ),
    (
        "frequency",
        _re(
            rf"(?:minimum |minst )?{_NUM} gang(?:er)? (?:per|i|pr\.?) (?:time|timen|døgn|døgnet|"
            r"dag|dagen|uke|uka)|flere ganger daglig|kontinuerlig\w*|daglig|jevnlig\w*|fortløpende"
        ),
    ),
    (
        "duration",
        _re(
            rf"så lenge (?:\w+ ){{0,3}}(?:varer|er i bruk)|(?:mer|mindre) enn {_NUM} (?:timer|døgn)|"
            rf"(?:minst |inntil )?{_NUM} (?:timer|døgn|dager|uker|måneder)(?: \({_NUM} timer\))?"
        ),
    ),
)
