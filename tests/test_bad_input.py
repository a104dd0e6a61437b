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


def test_year_that_is_not_a_year(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", '"1974"^^xsd:gYear', '"197four"^^xsd:gYear')
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/angers.ttl: https://example.org/twinning/partnership/angers-bamako: [literal-form] " \
           "«197four» is not a valid xsd:gYear (on tw:startDate)" in err


def test_citation_without_quote_is_reported_at_the_resource_that_cites(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", 'tw:citation [ prov:wasQuotedFrom <source/angers> ; oa:exact "des liens',
         'tw:citation [ prov:wasQuotedFrom <source/angers> ; oa:exactly "des liens')
    status, err = run_validate(project_copy, capsys)
    assert status == 1
    assert "data/angers.ttl: https://example.org/twinning/partnership/angers-haarlem: [shacl tw:citation/oa:exact " \
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
