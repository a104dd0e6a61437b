"""What French prose about partnerships says in general: country names and adjectives, regions that
stand for a country, dates at their precision, figures, and the words that name a kind of relation or
an act. Nothing here knows any one commune's page."""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from dateparser.date import DateDataParser
from rapidfuzz import fuzz

# Overseas territories are France when countries are counted: the partner gets FR and its own code.
OVERSEAS = {"GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"}
# Names pages use beside the ISO list's French names (short forms, older spellings, abbreviations).
COUNTRY_ALIASES = {
    "usa": "US", "etats unis": "US", "etats unis d amerique": "US", "amerique": "US",
    "royaume uni": "GB", "grande bretagne": "GB", "palestine": "PS", "russie": "RU",
    "coree du sud": "KR", "republique tcheque": "CZ", "tchequie": "CZ", "syrie": "SY", "iran": "IR",
    "vietnam": "VN", "viet nam": "VN", "bolivie": "BO", "venezuela": "VE", "tanzanie": "TZ", "moldavie": "MD",
    "macedoine": "MK", "congo": "CG", "laos": "LA", "cap vert": "CV",
}
# A region a page may name for its country: these are where partnerships often lie, not a full list;
# the curator confirms the country of every drafted partner.
REGIONS = {
    "angleterre": "GB", "ecosse": "GB", "pays de galles": "GB", "irlande du nord": "GB",
    "cisjordanie": "PS", "gaza": "PS", "bande de gaza": "PS",
    "kabylie": "DZ", "sahara occidental": "EH", "kurdistan": None, "catalogne": "ES", "andalousie": "ES",
    "pays basque": None, "baviere": "DE", "saxe": "DE", "brandebourg": "DE", "toscane": "IT", "sicile": "IT",
    "sardaigne": "IT", "lombardie": "IT", "flandre": "BE", "wallonie": "BE", "texas": "US", "californie": "US",
    "quebec": "CA", "casamance": "SN",
}
# Places that are not partners: continents, seas, unions.
NOT_PLACES = {"europe", "afrique", "asie", "amerique latine", "oceanie", "maghreb", "mediterranee", "sahel",
              "union europeenne", "conseil de l europe", "nations unies", "onu", "unrwa", "etat", "etats", "ville",
              "villes", "commune", "communes", "france metropolitaine", "international", "monde"}
# Country adjectives («la ville suédoise de …»), feminine and masculine stems.
ADJECTIVES = {
    "allemand": "DE", "italien": "IT", "espagnol": "ES", "portugais": "PT", "britannique": "GB", "anglais": "GB",
    "ecossais": "GB", "irlandais": "IE", "belge": "BE", "neerlandais": "NL", "hollandais": "NL", "suisse": "CH",
    "autrichien": "AT", "polonais": "PL", "tcheque": "CZ", "slovaque": "SK", "hongrois": "HU", "roumain": "RO",
    "bulgare": "BG", "grec": "GR", "suedois": "SE", "norvegien": "NO", "danois": "DK", "finlandais": "FI",
    "russe": "RU", "ukrainien": "UA", "armenien": "AM", "georgien": "GE", "turc": "TR", "serbe": "RS",
    "croate": "HR", "slovene": "SI", "bosnien": "BA", "albanais": "AL", "lituanien": "LT", "letton": "LV",
    "estonien": "EE", "israelien": "IL", "palestinien": "PS", "libanais": "LB", "syrien": "SY", "jordanien": "JO",
    "egyptien": "EG", "tunisien": "TN", "algerien": "DZ", "marocain": "MA", "malien": "ML", "senegalais": "SN",
    "burkinabe": "BF", "nigerien": "NE", "mauritanien": "MR", "ivoirien": "CI", "beninois": "BJ", "togolais": "TG",
    "camerounais": "CM", "congolais": "CD", "malgache": "MG", "chinois": "CN", "japonais": "JP", "coreen": "KR",
    "vietnamien": "VN", "cambodgien": "KH", "laotien": "LA", "indien": "IN", "americain": "US", "canadien": "CA",
    "quebecois": "CA", "mexicain": "MX", "cubain": "CU", "bresilien": "BR", "argentin": "AR", "chilien": "CL",
    "colombien": "CO", "peruvien": "PE", "bolivien": "BO", "nicaraguayen": "NI", "haitien": "HT",
}
MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
SEASONS = "printemps|été|automne|hiver"
YEAR = r"(?:1[89]\d\d|20\d\d)"
# One date expression: a day, a month, a season, a decade or a year, with «depuis» or «en» kept apart.
DATE = re.compile(
    rf"(?P<day>(?:1er|\d{{1,2}})\s+(?:{MONTHS})\s+{YEAR})"
    rf"|(?P<month>(?:{MONTHS})\s+{YEAR})"
    rf"|(?P<season>(?:{SEASONS})\s+{YEAR})"
    rf"|(?P<decade>années\s+(?:19|20)?\d0)(?!\d)"
    rf"|(?<![\d.,])(?P<year>{YEAR})(?![\d.,]?\d)", re.IGNORECASE)
PERIOD_SEPARATOR = re.compile(r"\s*(?:[-–]|à|au)\s*$")
NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ .\u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?(?:\s*(millions?|milliards?))?")
QUALIFIERS = (("environ", "about"), ("près de", "nearly"), ("pres de", "nearly"), ("plus de", "more-than"),
              ("quelque", "about"))

# Words that name a kind of relation, most specific first.
KIND_WORDS = (
    (re.compile(r"coop[ée]rations?\s+(?:internationale\s+)?d[ée]centralis", re.I), "decentralised-cooperation"),
    (re.compile(r"jumel|villes?\s+s(?:œ|oe)urs?", re.I), "twinning"),
    (re.compile(r"solidarit", re.I), "solidarity"),
    (re.compile(r"partenariat|coop[ée]ration|relations?\s+privil[ée]gi|charte\s+d['’]amiti", re.I), "partnership"),
)
# Words that state a link between the commune and a place.
LINK_WORDS = re.compile(
    r"jumel|partenariat|coop[ée]ration|\baccords?\b|protocole|charte|convention|premiers?\s+liens|"
    r"\bliens\s+(?:d['’]amiti|avec|entre)|relations?\s+(?:privil[ée]gi|d['’]amiti)|officialis|\bvilles?\s+s(?:œ|oe)urs?|"
    r"pacte\s+d['’]amiti|charte\s+d['’]amiti",
    re.I)
# Acts, with their document type (none for «officialisé» alone).
ACT_WORDS = (
    (re.compile(r"d[ée]cision\s+de\s+jumelage", re.I), "twinning-decision"),
    (re.compile(r"protocole\s+de\s+jumelage", re.I), "twinning-protocol"),
    (re.compile(r"protocole\s+d['’]accord", re.I), "protocol-of-agreement"),
    (re.compile(r"(?:accord|pacte|serment)\s+de\s+jumelage|charte\s+de\s+jumelage", re.I), "twinning-agreement"),
    (re.compile(r"accords?\s+de\s+(?:coop[ée]ration|partenariat)|convention\s+de\s+(?:coop[ée]ration|partenariat)", re.I),
     "cooperation-agreement"),
    (re.compile(r"\bchartes?\b", re.I), "charter"),
    (re.compile(r"officialis|sign[ée]e?s?\s+(?:un|une|le|la)\s+(?:accord|convention|protocole)", re.I), None),
)
TWINNING_ACTS = {"twinning-decision", "twinning-protocol", "twinning-agreement"}
RECURRENCE = re.compile(r"\b(chaque\s+(?:année|été|hiver|printemps|automne|mois|semaine)|tous\s+les\s+(?:ans|deux\s+ans|étés)"
                        r"|régulièrement|annuellement|chaque\s+\w+\s+de\s+l['’]année)\b", re.I)
# Domains of activities, by the words that say them.
DOMAIN_WORDS = (
    ("sport", r"sporti|sport\b|sports\b|football|tournoi|taekwondo|gymn"),
    ("culture", r"cultur|artisti|\barts?\b|musique|musical|musicien|concert|théâtr|cirque|festival|spectacle|cuivres|livres|biblioth|lecture"),
    ("youth", r"jeunes|jeunesse|enfants?|adolescent|lycéen|collégien|conseil des enfants"),
    ("education", r"scolai|école|élèves|lycée|collège|formations?\b|cours de|apprentissage|pédagogi|étudiant"),
    ("health", r"santé|médica|médecin|soins|infirmi|hôpita|dentiste"),
    ("water", r"\beau\b|forages?|pompes?|adduction"),
    ("humanitarian-aid", r"humanitaire|sinistr|ouragan|tremblement de terre|matériel"),
    ("urban-development", r"urbain|habitat|assainissement|voirie|électrification|rénovation"),
    ("employment", r"emploi|insertion professionnelle|stages?\b|artisan"),
    ("agriculture", r"maraîch|agricol|agricult"),
    ("human-rights", r"droits|prisonnier|citoyen d['’]honneur|grève de la faim|libération"),
    ("local-development", r"développement local|cartograph|infrastructures?|électricit|panneaux?\s+solaires?|ordinateur"),
    ("institutional", r"délégation|élus?\b|\bmaire\b|conseil municipal|label|diplôme|visites|inter-services|agents municipaux"),
)
DOMAINS = tuple((name, re.compile(words, re.I)) for name, words in DOMAIN_WORDS)


def plain(text: str) -> str:
    """Names compared as a reader would: accents, case, punctuation and spacing aside."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Plain French names of every ISO 3166-1 country (pycountry's translations), with the aliases."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    names = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            if hasattr(country, attribute):
                name = french.gettext(getattr(country, attribute))
                names[plain(name)] = country.alpha_2
                names[plain(name.split(",")[0])] = country.alpha_2  # «Palestine, État de»
    names.update(COUNTRY_ALIASES)
    return names


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2 of the country or territory named
    named_by_region: bool = False

    @property
    def country_code(self) -> str:
        return "FR" if self.code in OVERSEAS else self.code

    @property
    def territory_code(self) -> str | None:
        return self.code if self.code in OVERSEAS else None


def country_of(name: str) -> Country | None:
    """The country a name stands for: a country, an overseas territory, or a region of one."""
    key = plain(name)
    names = country_names()
    if key in names:
        return Country(names[key])
    if key in REGIONS and REGIONS[key]:
        return Country(REGIONS[key], named_by_region=True)
    for known, code in names.items():  # «Pays Bas», «Etats-Unis» without accents or hyphens
        if len(key) > 4 and fuzz.ratio(key, known) >= 92:
            return Country(code)
    return None


def is_region(name: str) -> bool:
    return plain(name) in REGIONS


def is_not_a_place(name: str) -> bool:
    return plain(name) in NOT_PLACES


def country_of_adjective(word: str) -> Country | None:
    key = plain(word)
    for ending in ("iennes", "ienne", "iens", "aises", "aise", "ises", "ise", "oises", "oise", "ines", "ine", "es", "e", "s"):
        stem = key[: -len(ending)] if key.endswith(ending) else None
        for candidate in filter(None, (stem, stem and stem + ("ien" if ending.startswith("ien") else ""), key)):
            if candidate in ADJECTIVES:
                return Country(ADJECTIVES[candidate])
    return Country(ADJECTIVES[key]) if key in ADJECTIVES else None


@dataclass(frozen=True)
class StatedDate:
    """A date as the page states it: the words, the typed value at their precision, and where it is."""
    words: str
    value: str  # "2016-05-09", "2012-06", "1964"
    datatype: str  # "date", "gYearMonth", "gYear"
    decade: bool
    start: int
    end: int


_PARSER = DateDataParser(languages=["fr"], settings={"PREFER_DAY_OF_MONTH": "first"})


def dates_in(text: str) -> list[StatedDate]:
    """Each date expression, typed at the precision of its words (dateparser reads days and months)."""
    found = []
    for match in DATE.finditer(text):
        words = match.group(0)
        if match.lastgroup in ("day", "month"):
            parsed = _PARSER.get_date_data(words)
            if parsed.date_obj is None:
                continue
            if match.lastgroup == "day" and parsed.period == "day":
                value, datatype = parsed.date_obj.strftime("%Y-%m-%d"), "date"
            else:
                value, datatype = parsed.date_obj.strftime("%Y-%m"), "gYearMonth"
            found.append(StatedDate(words, value, datatype, False, match.start(), match.end()))
        elif match.lastgroup == "decade":
            digits = re.search(r"\d+$", words).group(0)
            year = digits if len(digits) == 4 else ("19" + digits if len(digits) == 2 else None)
            if year:
                found.append(StatedDate(words, year, "gYear", True, match.start(), match.end()))
        else:
            year = re.search(YEAR, words).group(0)
            found.append(StatedDate(words, year, "gYear", False, match.start(), match.end()))
    return found


@dataclass(frozen=True)
class StatedNumber:
    value: int | float
    words: str
    start: int
    end: int
    qualifier: str | None


def numbers_in(text: str) -> list[StatedNumber]:
    """Numbers as pages write them («330.000», «41 810», «3,2 millions»), with «environ», «près de»…"""
    found = []
    for match in NUMBER.finditer(text):
        whole, fraction, scale = match.groups()
        value = float(re.sub(r"[ .\u00a0\u202f]", "", whole) + (f".{fraction}" if fraction else ""))
        if scale:
            value *= 10 ** 6 if scale.startswith("million") else 10 ** 9
        before = text[max(0, match.start() - 12):match.start()].casefold()
        qualifier = next((name for words, name in QUALIFIERS if before.rstrip().endswith(words)), None)
        found.append(StatedNumber(int(value) if value == int(value) else value, match.group(0), match.start(),
                                  match.end(), qualifier))
    return found


def kind_named(text: str) -> str | None:
    """The kind a text names; a «comité de jumelage» is an association, not a kind of relation."""
    text = re.sub(r"comit[ée]s?\s+de\s+jumelages?", "", text, flags=re.I)
    for pattern, kind in KIND_WORDS:
        if pattern.search(text):
            return kind
    return None


def acts_named(text: str) -> list[tuple[str | None, re.Match]]:
    """The acts a sentence names, each once: the most specific document type where two overlap."""
    found: list[tuple[str | None, re.Match]] = []
    for pattern, document_type in ACT_WORDS:
        for match in pattern.finditer(text):
            if not any(m.start() < match.end() and match.start() < m.end() for _, m in found):
                found.append((document_type, match))
    return sorted(found, key=lambda found: found[1].start())


def domains_of(text: str) -> list[str]:
    return [name for name, pattern in DOMAINS if pattern.search(text)]
