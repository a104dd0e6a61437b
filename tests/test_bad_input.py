"""Each kind of bad input is refused with the file, the resource and the rule named, and exit status 1."""

from __future__ import annotations

import pytest
from rdflib import BNode

from twinning.cli import main
from twinning.config import load_settings
from twinning.enrich.derive import publication_graph
from twinning.load import load

from conftest import edit


def run_validate(project, capsys):
    status = main(["--project", str(project), "validate"])
    return status, capsys.readouterr().err


def test_turtle_syntax_error_names_its_line(project_copy, capsys):
    edit(project_copy / "data/bagneux.ttl", 'tw:kind kind:twinning ;\n    tw:startDate "1968"', 'tw:kind kind:twinning ;;;, \n    tw:startDate "1968"')
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    line = next(n for n, text in enumerate((project_copy / "data/bagneux.ttl").read_text().splitlines(), 1) if ";;;," in text)
    assert f"data/bagneux.ttl:{line}: -: [turtle-syntax] Turtle syntax error at line {line}" in err


def test_quote_not_in_source(project_copy, capsys):
    edit(project_copy / "data/bagneux.ttl", "Dernier jumelage en date.", "Premier jumelage en date.")
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/bagneux.ttl: tw:citation of https://example.org/twinning/partnership/bagneux-grand-bourg: " \
           "[quote-in-source] the quote «Premier jumelage en date.» does not occur" in err


def test_partnership_with_one_partner(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", "tw:partner <commune/49007> , <partner/wigan> ;", "tw:partner <commune/49007> ;")
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/angers.ttl: https://example.org/twinning/partnership/angers-wigan: [shacl tw:partner MinCount] " \
           "A partnership needs at least two partners" in err


def lines_holding(path, text: str) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in line]


def test_year_that_is_not_a_year_is_reported_at_its_line(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", '"1974"^^xsd:gYear', '"197four"^^xsd:gYear')
    [line] = lines_holding(project_copy / "data/angers.ttl", '"197four"')
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert f"data/angers.ttl:{line}: https://example.org/twinning/partnership/angers-bamako: [literal-form] " \
           "«197four» is not a valid xsd:gYear (on tw:startDate)\n" in err


def test_a_bad_literal_written_twice_names_both_lines(project_copy, capsys):
    """The parsed graph holds one literal for both places: each resource's problem names the file's
    first line that writes it and the other one."""
    path = project_copy / "data/angers.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('"1988"^^xsd:gYear', '"19eighty-eight"^^xsd:gYear'),
                    encoding="utf-8")
    first, second = lines_holding(path, '"19eighty-eight"')
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    for resource, predicate in (("partnership/angers-wigan", "tw:startDate"), ("formalisation/angers-wigan-1988", "tw:date")):
        assert f"data/angers.ttl:{first}: https://example.org/twinning/{resource}: [literal-form] «19eighty-eight» is " \
               f"not a valid xsd:gYear (on {predicate}) (also on line {second})\n" in err


def test_citation_without_quote_is_reported_at_the_resource_that_cites(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", 'tw:citation [ prov:wasQuotedFrom <source/angers> ; oa:exact "des liens',
         'tw:citation [ prov:wasQuotedFrom <source/angers> ; oa:exactly "des liens')
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/angers.ttl: https://example.org/twinning/formalisation/angers-haarlem-1964: [shacl tw:citation/oa:exact " \
           "MinCount] A citation needs exactly one quote (oa:exact), a plain string of at least five characters, " \
           "copied from the page.\n" in err  # no blank node label: it would mean nothing to a curator


def test_year_typed_as_something_else(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", '"1974"^^xsd:gYear', '"1974"')
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/angers.ttl: https://example.org/twinning/partnership/angers-bamako: [shacl tw:startDate Or] " \
           "A date is an xsd:gYear, xsd:gYearMonth or xsd:date, at the precision the page states. (value: 1974)" in err


def test_kind_not_in_scheme(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", "tw:kind kind:decentralised-cooperation", "tw:kind kind:friendship")
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/angers.ttl: https://example.org/twinning/partnership/angers-bamako: [shacl tw:kind/skos:inScheme " \
           "HasValue] A kind (tw:kind) is a concept of the partnership kinds scheme <concept/kind>. " \
           "(value: https://example.org/twinning/concept/kind/friendship)" in err
    assert "[reference-exists] tw:kind points to https://example.org/twinning/concept/kind/friendship" in err


def test_malformed_qid(project_copy, capsys):
    edit(project_copy / "data/partners.ttl", "wd:Q3703 ", "wd:3703 ")
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/partners.ttl: https://example.org/twinning/partner/bamako#wikidata: [shacl tw:item Pattern] " \
           "A Wikidata link points to exactly one item IRI of the form http://www.wikidata.org/entity/Q123" in err


def test_two_resources_with_one_iri_in_two_files(project_copy, capsys):
    text = (project_copy / "data/angers.ttl").read_text()
    block = text[text.index("<partnership/angers-bamako> a"):text.index("<partnership/angers-yantai> a")]
    with open(project_copy / "data/bagneux.ttl", "a", encoding="utf-8") as file:
        file.write("\n" + block.replace("kind:decentralised-cooperation", "kind:twinning"))
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/bagneux.ttl: https://example.org/twinning/partnership/angers-bamako: [unique-iri] " \
           "already defined in data/angers.ttl" in err


def test_one_blank_node_label_in_two_files_names_two_nodes(project_copy, capsys):
    """Turtle scopes a blank node label to its file: two files' `_:quote` are two citations, each with
    one quote, not one citation with two."""
    for name in ("angers", "bagneux"):
        path = project_copy / f"data/{name}.ttl"
        text = path.read_text(encoding="utf-8")
        start = text.index("tw:citation [ ")
        end = text.index(" ]", start)
        path.write_text(text[:start] + "tw:citation _:quote" + text[end + 2:]
                        + f"\n_:quote {text[start + len('tw:citation [ '):end]} .\n", encoding="utf-8")
    status, err = run_validate(project_copy, capsys)
    assert status == 0, err


def test_two_resources_with_one_iri_in_one_file(project_copy, capsys):
    text = (project_copy / "data/angers.ttl").read_text()
    block = text[text.index("<partnership/angers-bamako> a"):text.index("<partnership/angers-yantai> a")]
    with open(project_copy / "data/angers.ttl", "a", encoding="utf-8") as file:
        file.write("\n" + block)
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/angers.ttl: <partnership/angers-bamako>: [unique-iri] <partnership/angers-bamako> is defined 2 times" in err


def test_empty_data_file(project_copy, capsys):
    (project_copy / "data/nanterre.ttl").write_text("# to do\n", encoding="utf-8")
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/nanterre.ttl: -: [empty-file] the file holds no triples" in err


def test_reference_to_undescribed_resource(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", "<partner/yantai>", "<partner/yantaii>")
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "[reference-exists] tw:partner points to https://example.org/twinning/partner/yantaii, which no file describes" in err


@pytest.mark.parametrize("iri", ["partner/La-Lisa", "partner/la lisa", "partner/lá-lisa"])
def test_malformed_iri(project_copy, capsys, iri):
    edit(project_copy / "data/partners.ttl", "<partner/la-lisa> a", f"<{iri.replace(' ', '%20')}> a")
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "[iri-form]" in err


def test_an_enrichment_that_fails_on_bad_data_gives_way_to_the_data_problems(project_copy, capsys):
    """The build enriches the graph while validation runs: where the data is wrong, what the curator
    sees is the data's problem, not the enrichment's failure on it."""
    with open(project_copy / "data/bagneux.ttl", "a", encoding="utf-8") as file:
        file.write("\n[] a tw:Partnership .\n")  # a partnership no resource owns, and without partners
    settings = load_settings(project_copy)
    with pytest.raises(ValueError):  # skolemisation finds no owner to name it after
        publication_graph(load(settings), settings.tw, settings.base_iri)
    status = main(["--project", str(project_copy), "build", "--output", str(project_copy / "publish")])
    err = capsys.readouterr().err
    assert status == 1
    assert "[shacl tw:partner MinCount] A partnership needs at least two partners" in err
    assert "build failed" in err and not (project_copy / "publish").exists()


def test_enrichment_makes_a_new_graph_and_leaves_the_loaded_sources_as_they_were(settings):
    """Data flows one way: what the checks and validation read is never rewritten by a later stage."""
    sources = load(settings)
    before = set(sources.data)
    graph, _ = publication_graph(sources, settings.tw, settings.base_iri)
    blank = {node for triple in before for node in triple if isinstance(node, BNode)}
    assert set(sources.data) == before and blank  # the citations are blank nodes as loaded
    assert not blank & set(graph.subjects()) and len(graph) > len(before)  # named, and enriched


# Rules of the history-aware model and of quote support: each on a broken copy, through `build`, which
# must stop at validation, name the file, the resource, the rule and what to change, and publish nothing.
BASE = "https://example.org/twinning/"
BROKEN = {
    "end-before-start": (
        [("data/bagneux.ttl", '    tw:startDate "2011"^^xsd:gYear ;\n    tw:endDate "2011"^^xsd:gYear ;',
          '    tw:startDate "2011"^^xsd:gYear ;\n    tw:endDate "2010"^^xsd:gYear ;')],
        f"data/bagneux.ttl: {BASE}activity/bagneux/children-council-visit-grand-bourg-2011: [end-not-before-start] "
        "La date de fin (tw:endDate 2010) précède la date de début (2011) : vérifiez-les dans la page. / "
        "The end date (tw:endDate 2010) comes before the start date (2011): check both against the page."),
    "activity-before-partnership": (
        [("data/angers.ttl", "    tw:ofCommune <commune/49007> ;\n    tw:statedPeriod \"mis en place",
          "    tw:partnership <partnership/angers-pisa> ;\n    tw:statedPeriod \"mis en place")],
        f"data/angers.ttl: {BASE}activity/angers/young-ambassadors-exchanges: [activity-not-before-partnership] "
        f"L'activité commence (1967) avant le partenariat auquel elle est rattachée ({BASE}partnership/angers-pisa, 1982) : "
        "rattachez-la à la commune (tw:ofCommune)"),
    "act-before-partnership": (
        [("data/angers.ttl", 'tw:date "1982"^^xsd:gYear', 'tw:date "1980"^^xsd:gYear')],
        f"data/angers.ttl: {BASE}formalisation/angers-pisa-1982: [act-not-before-partnership] "
        "L'acte (tw:date 1980) est daté d'avant le début du partenariat qu'il officialise (1982)"),
    "no-french-commune": (
        [("data/angers.ttl", "tw:partner <commune/49007> , <partner/pisa> ;", "tw:partner <partner/haarlem> , <partner/pisa> ;")],
        f"data/angers.ttl: {BASE}partnership/angers-pisa: [partnership-has-french-commune] Un partenariat "
        "cité d'une page compte parmi ses partenaires (tw:partner) une commune française (tw:Commune), celle qui publie "
        "la page : ajoutez-la."),
    "negative-figure": (
        [("data/bagnolet.ttl", "tw:value 18000 ;", "tw:value -18000 ;")],
        f"data/bagnolet.ttl: {BASE}figure/bagnolet-shatila-population: [shacl tw:value MinInclusive] Un chiffre énoncé "
        "(population, coût, participation) n'est pas négatif (tw:value) : recopiez la valeur de la page."),
    "figure-unit": (
        [("data/bagnolet.ttl", "tw:value 18000 ;", 'tw:value 18000 ; tw:currency "EUR" ;')],
        f"data/bagnolet.ttl: {BASE}figure/bagnolet-shatila-population: [shacl tw:measure In] Une devise "
        "(tw:currency) ne va qu'avec un montant (coût d'un projet, participation) : une population n'en a pas."),
    "amount-without-currency": (
        [("data/ivry-sur-seine.ttl", 'tw:value 300000 ; tw:currency "EUR" ;', 'tw:value 300000 ;')],
        f"data/ivry-sur-seine.ttl: {BASE}figure/ivry-sur-seine-torodo-project-cost: [figure-unit] Un montant (coût d'un "
        "projet, participation) a sa devise (tw:currency), en code ISO 4217 comme EUR."),
    "currency-not-iso-4217": (
        [("data/ivry-sur-seine.ttl", 'tw:value 300000 ; tw:currency "EUR" ;', 'tw:value 300000 ; tw:currency "XYZ" ;')],
        f"data/ivry-sur-seine.ttl: {BASE}figure/ivry-sur-seine-torodo-project-cost: [iso-4217] tw:currency «XYZ» is not "
        "an ISO 4217 currency code (the euro is EUR)"),
    "country-not-iso-3166-1": (
        [("data/partners.ttl", 'tw:countryCode "BE" ;', 'tw:countryCode "UK" ;')],
        f"data/partners.ttl: {BASE}partner/anderlecht: [iso-3166-1] tw:countryCode «UK» is not an ISO 3166-1 alpha-2 "
        "code of a country today (the United Kingdom is GB"),
    "overseas-counted-as-a-country": (
        [("data/partners.ttl", '    tw:countryCode "FR" ;\n    tw:territoryCode "GP" ;', '    tw:countryCode "GP" ;')],
        f"data/partners.ttl: {BASE}partner/grand-bourg: [iso-3166-territory] tw:countryCode «GP» (Guadeloupe) is part "
        "of FR in ISO 3166-2 (FR-971): write tw:countryCode «FR» and tw:territoryCode «GP»"),
    "territory-of-another-country": (
        [("data/partners.ttl", '    tw:countryCode "FR" ;\n    tw:territoryCode "GP" ;', '    tw:countryCode "IT" ;\n    tw:territoryCode "GP" ;')],
        f"data/partners.ttl: {BASE}partner/grand-bourg: [iso-3166-territory] tw:territoryCode «GP» is not an ISO 3166-1 "
        "territory that ISO 3166-2 lists as a subdivision of the partner's country «IT»"),
    "former-country-not-iso-3166-3": (
        [("data/partners.ttl", 'tw:formerCountryCode "YUCS" ;', 'tw:formerCountryCode "YUGO" ;')],
        f"data/partners.ttl: {BASE}partner/pancevo: [iso-3166-3] tw:formerCountryCode «YUGO» is not an ISO 3166-3 code"),
    "former-country-after-its-end": (
        [("data/partners.ttl", 'tw:countryCode "DZ" .', 'tw:countryCode "DZ" ; tw:formerCountryCode "DDDE" .')],
        f"data/partners.ttl: {BASE}partner/akbou: [iso-3166-3] tw:formerCountryCode «DDDE» (German Democratic Republic, "
        "withdrawn in 1990) applies only where a partnership of the place begins, as its page dates it, while that "
        "country existed; none does here: remove the code"),
    "part-of-cycle": (
        [("data/partners.ttl", "<partner/turin> a tw:Municipality ;", "<partner/turin> a tw:Municipality ;\n    tw:partOf <partner/turin-6th-district> ;")],
        f"data/partners.ttl: {BASE}partner/turin: [part-of-cycle] tw:partOf fait un cycle : ce lieu "
        "ferait partie de lui-même. Retirez le lien qui remonte vers lui."),
    "quote-without-the-year": (
        [("data/angers.ttl", 'tw:startDate "1974"^^xsd:gYear', 'tw:startDate "1975"^^xsd:gYear')],
        f"data/angers.ttl: {BASE}partnership/angers-bamako: [quote-supports-date] tw:startDate «1975»: no quote of this "
        "resource gives the year 1975; cite the sentence of the page that dates it"),
    "quote-without-the-figure": (
        [("data/boulogne-billancourt.ttl", "tw:value 118000 ;", "tw:value 119000 ;")],
        f"data/boulogne-billancourt.ttl: {BASE}figure/boulogne-billancourt-anderlecht-population: [quote-supports-figure] "
        "tw:value 119000: no quote of this figure states that number; cite the sentence that gives it, or copy the page's value"),
    "quote-that-states-nothing": (
        [("data/angers.ttl", 'oa:exact "des partenariats plus récents, choisis pour leur potentiel de coopération, ont été '
          'initiés en 2006 avec la ville chinoise de Yantai" ]', 'oa:exact "La newsletter" ]')],
        f"data/angers.ttl: {BASE}partnership/angers-yantai: [quote-names-partner] no quote of this partnership names the "
        f"partner «Yantai» ({BASE}partner/yantai); cite the sentence of the page that names it, or, if the page spells "
        "it otherwise, record that spelling as tw:pageName on the partner"),
    "partner-spelt-otherwise": (
        [("data/partners.ttl", '    tw:pageName "Jalazone" ;\n', "")],
        f"data/ivry-sur-seine.ttl: {BASE}partnership/ivry-sur-seine-jifna-jalazone: [quote-names-partner] no quote of "
        "this partnership names the partner «Camp de Jalazone»"),
    "concept-in-two-schemes": (
        [("ontology/schemes.ttl", "doctype:charter a skos:Concept ; skos:inScheme <concept/document-type> ;",
          "doctype:charter a skos:Concept ; skos:inScheme <concept/document-type> , <concept/kind> ;")],
        f"ontology/schemes.ttl: {BASE}concept/document-type/charter: [shacl skos:inScheme MaxCount] Un concept appartient "
        "à un seul schéma (skos:inScheme) : une nature de relation n'est pas un type d'acte."),
    "kind-change-without-date": (
        [("data/angers.ttl", '    tw:date "2016-05-09"^^xsd:date ;\n', "")],
        f"data/angers.ttl: {BASE}formalisation/angers-torun-twinning-agreement: [shacl tw:date MinCount] Un "
        "acte qui change la nature d'un partenariat est daté (tw:date) : sans date, on ne sait pas depuis quand la nature vaut."),
    "kind-not-the-latest": (
        [("data/angers.ttl", "tw:partner <commune/49007> , <partner/torun> ;\n    tw:kind kind:twinning ;",
          "tw:partner <commune/49007> , <partner/torun> ;\n    tw:kind kind:partnership ;")],
        f"data/angers.ttl: {BASE}formalisation/angers-torun-twinning-agreement: [kind-is-latest-change] "
        "La nature d'un partenariat (tw:kind) est celle que lui donne son dernier acte de changement (tw:newKind)"),
    "activity-of-nobody": (
        [("data/bagnolet.ttl", "    tw:ofCommune <commune/93006> ;\n", "")],
        f"data/bagnolet.ttl: {BASE}activity/bagnolet/inhabitants-collectives: [shacl tw:partnership|tw:ofCommune MinCount] "
        "Une activité appartient à un partenariat au moins (tw:partnership), ou, programme ou acte propre de la commune, "
        "à la commune (tw:ofCommune)."),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_history_and_quote_support_rules(project_copy, capsys, case):
    edits, expected = BROKEN[case]
    for file, old, new in edits:
        edit(project_copy / file, old, new)
    status = main(["--project", str(project_copy), "build", "--output", str(project_copy / "publish")])
    err = capsys.readouterr().err
    assert status == 1
    assert expected in err, err
    assert "Traceback" not in err and "build failed" in err and not (project_copy / "publish").exists()
