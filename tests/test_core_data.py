"""The curated dataset: what the five pages state, verified against their archived text."""

from __future__ import annotations

import csv
from collections import Counter

from rdflib import RDF, RDFS, Namespace

from twinning.check.checks import check_quotes, squeeze
from twinning.check.verify import verified_sources

OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")

def per_commune(sources, cls):
    return dict(Counter(sources.file_of(node).removeprefix("data/").removesuffix(".ttl")
                        for node in sources.data.subjects(RDF.type, cls)))


def test_real_data_is_valid(settings):
    with verified_sources(settings) as (_, problems, _):
        assert [p for p in problems if p.severity == "error"] == []


def test_counts_per_commune_match_the_committed_expectations(sources, settings):
    """Per-commune counts are expectations refreshed by `twinning expectations --update`
    (queries/15-counts-per-commune.csv), never pinned here: the loaded data must give the same counts."""
    with open(settings.queries_dir / "15-counts-per-commune.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    names = {str(sources.data.value(c, RDFS.label)): c for c in sources.data.subjects(RDF.type, settings.tw.Commune)}
    assert rows and {row["commune"] for row in rows} <= set(names)
    for cls, column in (("Partnership", "partnerships"), ("Formalisation", "formalisations"), ("StatedFigure", "figures")):
        counted = per_commune(sources, settings.tw[cls])
        expected = {file_of(sources, names[row["commune"]], settings): int(row[column]) for row in rows if int(row[column])}
        assert counted == expected, cls


def file_of(sources, commune, settings) -> str:
    """The file that describes a commune's partnerships (the commune itself may be described elsewhere)."""
    partnership = next(sources.data.subjects(settings.tw.partner, commune))
    return sources.file_of(partnership).removeprefix("data/").removesuffix(".ttl")


def test_every_quote_occurs_in_its_archived_source(sources, settings):
    graph = sources.data
    citations = set(graph.objects(None, settings.tw.citation))
    assert len(citations) >= 150
    for citation in citations:
        source = graph.value(citation, PROV.wasQuotedFrom)
        text = squeeze((sources.data_dir / str(graph.value(source, settings.tw.archivedText))).read_text("utf-8"))
        assert squeeze(str(graph.value(citation, OA.exact))) in text
    assert check_quotes(sources, settings.tw) == []


def test_three_party_agreement(sources, settings):
    tw, base = settings.tw, settings.base_iri
    partnership = sources.data.resource(base + "partnership/ivry-sur-seine-jifna-jalazone")
    partners = {str(p.identifier).removeprefix(base) for p in partnership.objects(tw.partner)}
    assert partners == {"commune/94041", "partner/jifna", "partner/jalazone-camp"}
    formalisation = next(sources.data.subjects(tw.formalises, partnership.identifier))
    assert str(sources.data.value(formalisation, tw.date)) == "2012"


def test_dates_keep_their_precision(sources, settings):
    tw, base = settings.tw, settings.base_iri
    torun = sources.data.value(predicate=tw.formalises, object=sources.data.resource(base + "partnership/angers-torun").identifier)
    date = sources.data.value(torun, tw.date)
    assert (str(date), date.datatype.split("#")[1]) == ("2016-05-09", "date")
    dianguirde = sources.data.resource(base + "partnership/ivry-sur-seine-dianguirde")
    assert str(dianguirde.value(tw.startDecade)) == "1990" and dianguirde.value(tw.startDate) is None


def test_unconfirmed_partners_have_no_qid(sources, settings):
    tw, base = settings.tw, settings.base_iri
    curated = {f"data/{name}.ttl" for name in ("angers", "bagneux", "bagnolet", "boulogne-billancourt", "ivry-sur-seine")}
    partners = {partner for partnership, partner in sources.data.subject_objects(tw.partner)
                if sources.file_of(partnership) in curated}  # the five pages' partners: another commune adds its own
    without = sorted(str(p).removeprefix(base) for p in partners if sources.data.value(p, tw.wikidataLink) is None)
    assert without == ["partner/akbou", "partner/al-bustan-cultural-centre", "partner/association-des-bagneux-de-france",
                       "partner/dianguirde", "partner/jalazone-camp", "partner/jifna", "partner/sahrawi-camps-tindouf",
                       "partner/shatila-camp", "partner/turin-6th-district"]
    for link in sources.data.subjects(RDF.type, tw.WikidataLink):
        assert list(sources.data.objects(link, tw.confirmedBy)), link
