"""The curated dataset: what the five pages state, verified against their archived text."""

from __future__ import annotations

from collections import Counter

from rdflib import RDF

from twinning.check.checks import check_quotes, squeeze
from twinning.check.verify import verify
from twinning.namespaces import OA, PROV

# Counted by hand from the five archived pages (see README, "What the data holds").
EXPECTED = {
    "Partnership": {"angers": 9, "bagneux": 5, "bagnolet": 6, "boulogne-billancourt": 10, "ivry-sur-seine": 6},
    "Activity": {"angers": 1, "bagneux": 2, "ivry-sur-seine": 48},
    "StatedFigure": {"bagnolet": 5, "boulogne-billancourt": 10, "ivry-sur-seine": 2},
    "Formalisation": {"angers": 5, "bagneux": 2, "boulogne-billancourt": 2, "ivry-sur-seine": 4},
}


def per_commune(sources, cls):
    return dict(Counter(sources.file_of(node).removeprefix("data/").removesuffix(".ttl")
                        for node in sources.data.subjects(RDF.type, cls)))


def test_real_data_is_valid(settings):
    assert all(problem.severity == "warning" for problem in verify(settings).warnings)  # errors raise


def test_counts_per_commune(sources, settings):
    for cls, expected in EXPECTED.items():
        assert per_commune(sources, settings.tw[cls]) == expected, cls


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
    partners = set(sources.data.objects(None, tw.partner))
    without = sorted(str(p).removeprefix(base) for p in partners if sources.data.value(p, tw.wikidataLink) is None)
    assert without == ["partner/akbou", "partner/al-bustan-cultural-centre", "partner/association-des-bagneux-de-france",
                       "partner/dianguirde", "partner/jalazone-camp", "partner/jifna", "partner/sahrawi-camps-tindouf",
                       "partner/shatila-camp", "partner/turin-6th-district"]
    for link in sources.data.subjects(RDF.type, tw.WikidataLink):
        assert list(sources.data.objects(link, tw.confirmedBy)), link
