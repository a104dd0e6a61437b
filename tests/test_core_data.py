"""The curated dataset: what the five pages state, verified against their archived text."""

from __future__ import annotations

import csv
from collections import Counter

from rdflib import RDF, RDFS, SKOS, URIRef

from twinning.check.checks import check_quotes, squeeze
from twinning.check.verify import verify
from twinning.namespaces import OA, PROV

def per_commune(sources, cls):
    return dict(Counter(sources.file_of(node).removeprefix("data/").removesuffix(".ttl")
                        for node in sources.data.subjects(RDF.type, cls)))


def test_real_data_is_valid(settings):
    assert all(problem.severity == "warning" for problem in verify(settings).warnings)  # errors raise


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
    # the relation begins with the first action the page files under Jifna and Jalazone, not with the agreement
    assert str(partnership.value(tw.startDate)) == "2003"


def test_a_kind_changes_through_a_dated_act(sources, settings):
    """Angers – Toruń: a specific partnership since 2011, a twinning since the agreement of 9 May 2016."""
    tw, base, graph = settings.tw, settings.base_iri, sources.data
    torun = graph.resource(base + "partnership/angers-torun")
    assert str(torun.value(tw.startDate)) == "2011"
    assert torun.value(tw.kind).identifier == graph.namespace_manager.expand_curie("kind:twinning")
    act = graph.resource(next(graph.subjects(tw.formalises, torun.identifier)))
    assert (str(act.value(tw.date)), str(act.value(tw.previousKind).identifier).rsplit("/", 1)[1],
            str(act.value(tw.newKind).identifier).rsplit("/", 1)[1]) == ("2016-05-09", "partnership", "twinning")


def test_kinds_and_document_types_share_no_term(sources, settings):
    vocabulary = sources.vocabulary
    skos = SKOS
    kinds = {c for c in vocabulary.subjects(skos.inScheme, URIRef(settings.base_iri + "concept/kind"))}
    documents = {c for c in vocabulary.subjects(skos.inScheme, URIRef(settings.base_iri + "concept/document-type"))}
    labels = lambda concepts: {str(label) for c in concepts for label in vocabulary.objects(c, skos.prefLabel)}
    assert kinds and documents and not kinds & documents and not labels(kinds) & labels(documents)


def test_activities_where_the_page_puts_them(sources, settings):
    tw, base, graph = settings.tw, settings.base_iri, sources.data
    ambassadors = URIRef(base + "activity/angers/young-ambassadors-exchanges")
    assert list(graph.objects(ambassadors, tw.partnership)) == []
    assert graph.value(ambassadors, tw.ofCommune) == URIRef(base + "commune/49007")
    undated = {str(a).removeprefix(base) for a in graph.subjects(RDF.type, tw.Activity) if graph.value(a, tw.startDate) is None}
    assert "activity/bagneux/grand-bourg-school-exchanges" in undated
    recurring = {str(a).removeprefix(base): str(words) for a, words in graph.subject_objects(tw.recurrence)}
    assert recurring["activity/bagneux/bagneux-de-france-yearly-meetings"] == "chaque année"
    for year in ("2012", "2018"):  # the dated Angers events
        assert any(str(graph.value(a, tw.startDate)) == year for a in graph.subjects(tw.ofCommune, URIRef(base + "commune/49007")))


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
