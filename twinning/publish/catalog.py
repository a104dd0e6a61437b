"""DCAT-AP 3 catalogue and VoID description of the published files, for portals and crawlers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl

from rdflib import RDF, RDFS, Graph, Literal, URIRef, XSD
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS, VOID

from ..namespaces import DCATAP, EU, IANA, SH, SPDX, VCARD
from .dumps import Counts, PublishedFile
from ..store import new_graph

# The DCAT-AP 3.0.1 vocabulary shapes require the algorithm IRI to start with https://spdx.org/rdf/terms
# and to be typed spdx:ChecksumAlgorithm; we follow the official shapes.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
DCAT_AP_SHAPES = ("shapes.ttl", "shapes_recommended.ttl", "range.ttl", "mdr-vocabularies.shape.ttl")

# Terms of the EU and ADMS controlled vocabularies that the catalogue uses, with the scheme they
# belong to, so that the catalogue validates offline against the DCAT-AP vocabulary shapes.
EXTERNAL_CONCEPTS = {
    EU + "language/FRA": (EU + "language", "French", DCTERMS.LinguisticSystem),
    EU + "language/ENG": (EU + "language", "English", DCTERMS.LinguisticSystem),
    EU + "country/FRA": (EU + "country", "France", DCTERMS.Location),
    EU + "data-theme/GOVE": (EU + "data-theme", "Government and public sector", None),
    EU + "data-theme/SOCI": (EU + "data-theme", "Population and society", None),
    EU + "frequency/IRREG": (EU + "frequency", "irregular", DCTERMS.Frequency),
    EU + "planned-availability/STABLE": (EU + "planned-availability", "stable", None),
    EU + "access-right/PUBLIC": (EU + "access-right", "public", DCTERMS.RightsStatement),
    EU + "file-type/RDF_TURTLE": (EU + "file-type", "RDF Turtle", DCTERMS.MediaTypeOrExtent),
    EU + "file-type/RDF_N_TRIPLES": (EU + "file-type", "RDF N-Triples", DCTERMS.MediaTypeOrExtent),
    EU + "file-type/JSON_LD": (EU + "file-type", "JSON-LD", DCTERMS.MediaTypeOrExtent),
    EU + "file-type/CSV": (EU + "file-type", "CSV", DCTERMS.MediaTypeOrExtent),
    EU + "file-type/JSON": (EU + "file-type", "JSON", DCTERMS.MediaTypeOrExtent),
    "http://purl.org/adms/publishertype/NonProfitOrganisation":
        ("http://purl.org/adms/publishertype/1.0", "Non-Profit Organisation", None),
    "http://purl.org/adms/licencetype/Attribution": ("http://purl.org/adms/licencetype/1.0", "Attribution", None),
}
SCHEME_TITLES = {
    EU + "language": "Languages", EU + "country": "Countries", EU + "data-theme": "Data theme",
    EU + "frequency": "Frequency", EU + "planned-availability": "Planned availability",
    EU + "access-right": "Access right",
    EU + "file-type": "File type", "http://purl.org/adms/publishertype/1.0": "Publisher type",
    "http://purl.org/adms/licencetype/1.0": "Licence type",
}
# What the Licence Ouverte 2.0 asks of a reuser (its article "Réutilisation"): to mention the source
# and the date of its last update.
RIGHTS = (
    ("Réutilisation libre, y compris commerciale, sous la Licence Ouverte 2.0 (Etalab), à condition de mentionner "
     "la source (« Projet de données liées des jumelages ») et la date de sa dernière mise à jour. Les citations "
     "reproduisent des passages des pages publiées par les communes.", "fr"),
    ("Free reuse, commercial reuse included, under the Licence Ouverte / Open Licence 2.0 (Etalab), provided the "
     "source (\"Twinning linked-data project\") and the date of its last update are mentioned. The quotations "
     "reproduce passages of the pages the communes publish.", "en"),
)


@dataclass(frozen=True)
class FileKind:
    media_type: str
    file_type: str
    description_en: str


FILE_KINDS = {
    "ttl": FileKind("text/turtle", "RDF_TURTLE", "Turtle"),
    "nt": FileKind("application/n-triples", "RDF_N_TRIPLES", "N-Triples"),
    "jsonld": FileKind("application/ld+json", "JSON_LD", "JSON-LD (compact, with the context at context.jsonld)"),
    "csv": FileKind("text/csv", "CSV", "CSV"),
    "json": FileKind("application/csvm+json", "JSON", "CSVW metadata (JSON)"),
}


@dataclass(frozen=True)
class Release:
    base_iri: str
    date: str          # explicit release date, never the clock: builds stay reproducible
    first_year: str | None  # None when no fact is dated (the P190 corpus): no period is claimed
    last_year: str | None


def add_external_concepts(graph: Graph) -> None:
    for concept, (scheme, label, extra_type) in EXTERNAL_CONCEPTS.items():
        graph.add((URIRef(concept), RDF.type, SKOS.Concept))
        graph.add((URIRef(concept), SKOS.inScheme, URIRef(scheme)))
        graph.add((URIRef(concept), SKOS.prefLabel, Literal(label, lang="en")))
        if extra_type is not None:
            graph.add((URIRef(concept), RDF.type, extra_type))
    for scheme, title in SCHEME_TITLES.items():
        graph.add((URIRef(scheme), RDF.type, SKOS.ConceptScheme))
        graph.add((URIRef(scheme), DCTERMS.title, Literal(title, lang="en")))


def add_distribution(graph: Graph, release: Release, dataset: URIRef, file: PublishedFile, relative: str,
                     rights: URIRef) -> None:
    """One file: where to download it, its type, size and checksum, its licence and the rights statement
    that says what the licence asks of a reuser."""
    name = relative.removesuffix(".gz")
    kind = FILE_KINDS[name.rsplit(".", 1)[-1]]
    url = URIRef(release.base_iri + relative)
    distribution = URIRef(f"{release.base_iri}catalog#{relative.replace('/', '-').replace('.', '-')}")
    checksum = URIRef(f"{distribution}-sha256")
    graph.add((dataset, DCAT.distribution, distribution))
    for p, o in [
        (RDF.type, DCAT.Distribution),
        (DCTERMS.title, Literal(relative, lang="en")),
        (DCTERMS.description, Literal(f"{kind.description_en} file {relative}" + (", gzip-compressed" if relative.endswith(".gz") else ""), lang="en")),
        (DCAT.downloadURL, url), (DCAT.accessURL, url),
        (DCAT.mediaType, URIRef(IANA + kind.media_type)),
        (DCTERMS.format, URIRef(EU + "file-type/" + kind.file_type)),
        (DCAT.byteSize, Literal(file.size, datatype=XSD.nonNegativeInteger)),
        (DCTERMS.license, LICENCE),
        (DCATAP.availability, URIRef(EU + "planned-availability/STABLE")),
        (DCTERMS.issued, Literal(release.date, datatype=XSD.date)),
        (DCTERMS.modified, Literal(release.date, datatype=XSD.date)),  # every file is written anew by each release
        (DCTERMS.rights, rights),
        (SPDX.checksum, checksum),
    ]:
        graph.add((distribution, p, o))
    graph.add((URIRef(IANA + kind.media_type), RDF.type, DCTERMS.MediaType))
    if relative.endswith(".gz"):
        graph.add((distribution, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        graph.add((URIRef(IANA + "application/gzip"), RDF.type, DCTERMS.MediaType))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SHA256))
    graph.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    graph.add((checksum, SPDX.checksumValue, Literal(file.sha256, datatype=XSD.hexBinary)))


def catalogue(release: Release, files: dict[str, PublishedFile], communes: list[str], ontology: URIRef) -> Graph:
    base = release.base_iri
    graph = Graph()
    for prefix, namespace in [("dcat", DCAT), ("dcterms", DCTERMS), ("dcatap", DCATAP), ("spdx", SPDX),
                              ("vcard", VCARD), ("foaf", FOAF), ("skos", SKOS)]:
        graph.bind(prefix, namespace)
    catalog, dataset = URIRef(base + "catalog"), URIRef(base + "dataset/twinning")
    publisher, contact = URIRef(base + "project"), URIRef(base + "catalog#contact")
    homepage, period = URIRef(base + "index.html"), URIRef(base + "catalog#period")
    rights = URIRef(base + "catalog#rights")
    issued = Literal(release.date, datatype=XSD.date)
    add_external_concepts(graph)
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    graph.add((LICENCE, RDFS.label, Literal("Licence Ouverte / Open Licence 2.0 (Etalab)", lang="fr")))
    graph.add((LICENCE, DCTERMS.type, URIRef("http://purl.org/adms/licencetype/Attribution")))
    graph.add((rights, RDF.type, DCTERMS.RightsStatement))
    for text, language in RIGHTS:
        graph.add((rights, RDFS.label, Literal(text, lang=language)))
    for p, o in [(RDF.type, FOAF.Agent), (RDF.type, FOAF.Organization),
                 (FOAF.name, Literal("Projet de données liées des jumelages", lang="fr")),
                 (FOAF.name, Literal("Twinning linked-data project", lang="en")),
                 (DCTERMS.type, URIRef("http://purl.org/adms/publishertype/NonProfitOrganisation"))]:
        graph.add((publisher, p, o))
    for p, o in [(RDF.type, VCARD.Kind), (RDF.type, VCARD.Organization),
                 (VCARD.fn, Literal("Twinning linked-data project")), (VCARD.hasURL, homepage)]:
        graph.add((contact, p, o))
    graph.add((homepage, RDF.type, FOAF.Document))
    if release.first_year is not None:
        for p, o in [(RDF.type, DCTERMS.PeriodOfTime),
                     (DCAT.startDate, Literal(release.first_year, datatype=XSD.gYear)),
                     (DCAT.endDate, Literal(release.last_year, datatype=XSD.gYear))]:
            graph.add((period, p, o))
    graph.add((URIRef(EU + "data-theme"), RDF.type, SKOS.ConceptScheme))
    common = [
        (DCTERMS.publisher, publisher), (DCTERMS.license, LICENCE), (DCTERMS.issued, issued),
        (DCTERMS.modified, issued), (DCTERMS.language, URIRef(EU + "language/FRA")),
        (DCTERMS.spatial, URIRef(EU + "country/FRA")),
    ]
    for p, o in common + [
        (RDF.type, DCAT.Catalog),
        (DCTERMS.title, Literal("Catalogue des jumelages et partenariats internationaux des communes", lang="fr")),
        (DCTERMS.title, Literal("Catalogue of the twinnings and international partnerships of communes", lang="en")),
        (DCTERMS.description, Literal("Catalogue DCAT-AP des données liées publiées par le projet.", lang="fr")),
        (DCTERMS.description, Literal("DCAT-AP catalogue of the linked data published by the project.", lang="en")),
        (DCAT.themeTaxonomy, URIRef(EU + "data-theme")), (FOAF.homepage, homepage), (DCAT.dataset, dataset),
        (DCTERMS.language, URIRef(EU + "language/ENG")),
    ]:
        graph.add((catalog, p, o))
    for p, o in common + [
        (RDF.type, DCAT.Dataset),
        (DCTERMS.identifier, Literal(base + "dataset/twinning")),
        (DCTERMS.title, Literal("Jumelages et partenariats internationaux de communes françaises", lang="fr")),
        (DCTERMS.title, Literal("Twinnings and international partnerships of French communes", lang="en")),
        (DCTERMS.description, Literal(
            "Partenariats (jumelages, coopération décentralisée, accords, chartes, solidarité), formalisations, "
            f"activités et chiffres énoncés par les pages de {len(communes)} communes ({', '.join(communes)}), "
            "chaque fait rattaché à la phrase citée de sa page archivée, avec liens Wikidata datés.", lang="fr")),
        (DCTERMS.description, Literal(
            "Partnerships (twinning, decentralised cooperation, agreements, charters, solidarity), formalisations, "
            f"activities and figures stated by the pages of {len(communes)} communes ({', '.join(communes)}), "
            "each fact tied to the quoted sentence of its archived page, with dated Wikidata links.", lang="en")),
        (DCAT.contactPoint, contact), (DCAT.landingPage, homepage),
        (DCAT.theme, URIRef(EU + "data-theme/GOVE")), (DCAT.theme, URIRef(EU + "data-theme/SOCI")),
        (DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/IRREG")),
        (DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")),
        (DCTERMS.conformsTo, ontology),
    ]:
        graph.add((dataset, p, o))
    if release.first_year is not None:
        graph.add((dataset, DCTERMS.temporal, period))
    graph.add((ontology, RDF.type, DCTERMS.Standard))
    for word_fr, word_en in [("jumelage", "twinning"), ("coopération décentralisée", "decentralised cooperation"),
                             ("relations internationales", "international relations"), ("communes", "municipalities"),
                             ("données liées", "linked data")]:
        graph.add((dataset, DCAT.keyword, Literal(word_fr, lang="fr")))
        graph.add((dataset, DCAT.keyword, Literal(word_en, lang="en")))
    for relative, file in sorted(files.items()):
        add_distribution(graph, release, dataset, file, relative, rights)
    return graph


@dataclass(frozen=True)
class Subset:
    """One commune's part of the dataset, with its own Turtle file. VoID describes it as a subset rather
    than DCAT as a distribution: a distribution is the whole dataset in some form, and a portal would
    list thousands of them."""
    name: str
    title: str
    dump: str  # relative to the base IRI
    triples: int
    sources: tuple[str, ...]  # the archived pages its facts are quoted from


def void_description(release: Release, counts: Counts, vocabularies: list[str], dumps: list[str],
                     subsets: list[Subset], sparql_endpoint: str | None) -> Graph:
    base = release.base_iri
    void = new_graph()  # tens of thousands of triples for 10,000 subsets: rdflib's store adds slowly
    void.bind("void", VOID)
    void.bind("dcterms", DCTERMS)
    dataset = URIRef(base + "dataset/twinning")
    void.add((dataset, RDF.type, VOID.Dataset))
    void.add((dataset, DCTERMS.title, Literal("Twinnings and international partnerships of French communes", lang="en")))
    void.add((dataset, DCTERMS.license, LICENCE))
    void.add((dataset, VOID.triples, Literal(counts.triples)))
    void.add((dataset, VOID.entities, Literal(counts.entities)))
    void.add((dataset, VOID.distinctSubjects, Literal(counts.subjects)))
    void.add((dataset, VOID.properties, Literal(len(counts.properties))))
    void.add((dataset, VOID.uriSpace, Literal(base)))
    void.add((dataset, VOID.rootResource, URIRef(base + "catalog")))
    for dump in dumps:
        void.add((dataset, VOID.dataDump, URIRef(base + dump)))
    for vocabulary in vocabularies:
        void.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    if sparql_endpoint:
        void.add((dataset, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for subset in subsets:
        part = URIRef(f"{dataset}#{subset.name}")
        void.add((dataset, VOID.subset, part))
        for p, o in [(RDF.type, VOID.Dataset), (DCTERMS.title, Literal(subset.title, lang="en")),
                     (VOID.dataDump, URIRef(base + subset.dump)), (VOID.triples, Literal(subset.triples)),
                     *((DCTERMS.source, URIRef(source)) for source in subset.sources)]:
            void.add((part, p, o))
    return void


def dcat_ap_report(catalogue: Graph, shapes_dir: Path) -> tuple[list[str], list[str]]:
    shapes = Graph()
    for name in DCAT_AP_SHAPES:
        shapes.parse(shapes_dir / "dcat-ap-3.0.1" / name, format="turtle")
    _, report, _ = pyshacl.validate(catalogue, shacl_graph=shapes, inference="none", allow_warnings=True)
    found = {"violation": [], "warning": []}
    for result in report.objects(None, SH.result):
        severity = "violation" if report.value(result, SH.resultSeverity) == SH.Violation else "warning"
        path = report.value(result, SH.resultPath)
        found[severity].append(f"{report.value(result, SH.focusNode)} {path}: {report.value(result, SH.resultMessage)}")
    return sorted(found["violation"]), sorted(found["warning"])


# Why each DCAT-AP warning that the catalogue keeps stays, by the property it is about: satisfying it
# would mean stating something untrue or unsourced.
SPATIAL_WARNING = (
    "Couverture spatiale (la France, désignée par l'IRI du référentiel des pays de l'Union européenne) : "
    "DCAT-AP recommande d'y joindre une boîte englobante (dcat:bbox) et un centroïde (dcat:centroid). Le catalogue "
    "n'en donne pas : il faudrait décrire la géométrie d'un concept que gère l'Office des publications de l'UE, "
    "sans source datée dans le projet, qui ne publie aucune coordonnée inventée.",
    "Spatial coverage (France, named by the IRI of the European Union's country list): DCAT-AP recommends adding "
    "a bounding box (dcat:bbox) and a centroid (dcat:centroid). The catalogue gives neither: that would mean "
    "describing the geometry of a concept the EU Publications Office manages, with no dated source in the "
    "project, which publishes no invented coordinate.")
WARNING_EXPLANATIONS = {
    str(DCAT.bbox): SPATIAL_WARNING,
    str(DCAT.centroid): SPATIAL_WARNING,
    str(DCTERMS.publisher): (
        "Éditeur (dct:publisher) du catalogue et du jeu de données : les formes DCAT-AP recommandent un éditeur de "
        "la liste des organismes de l'Union européenne (corporate-body). L'éditeur est le projet de données liées "
        "des jumelages, qui n'en fait pas partie : le prendre dans cette liste serait faux. Il est décrit comme "
        "foaf:Agent, avec son nom en français et en anglais et son type ADMS.",
        "Publisher (dct:publisher) of the catalogue and the dataset: the DCAT-AP shapes recommend a publisher from "
        "the European Union's list of corporate bodies. The publisher is the twinning linked-data project, which "
        "is not on it: picking one from that list would be untrue. It is described as a foaf:Agent, with its name "
        "in French and English and its ADMS type."),
}


def explained_warnings(warnings: list[str]) -> list[dict]:
    """Each DCAT-AP warning ("focus path: message") with, where known, why it stays, in French and
    English; an unknown warning keeps empty explanations, which the validation page says."""
    explained = []
    for warning in warnings:
        path = warning.split(" ", 1)[-1].split(": ", 1)[0]
        french, english = WARNING_EXPLANATIONS.get(path, ("", ""))
        explained.append({"text": warning, "fr": french, "en": english})
    return explained
