"""Wikidata: link states, the comparison with P190, QuickStatements and sync, on the real data and on fixtures."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from conftest import ROOT, edit
from twinning.config import load_settings
from twinning.load import load
from twinning.serve.oxigraph_pool import free_port, read_only_endpoint
from twinning.wikidata.analysis import Analysis

WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
QUICKSTATEMENT = re.compile(r'^Q\d+\tP190\tQ\d+(\tP580\t\+\d{4}-\d{2}-\d{2}T00:00:00Z/(8|9|10|11))?\tS854\t"https?://[^"\s]+"$')


def twinning(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project), *args],
                          capture_output=True, text=True)


def analysis_of(project: Path) -> Analysis:
    settings = load_settings(project)
    sources = load(settings)
    return Analysis(sources.data + sources.vocabulary, settings.tw)


@pytest.fixture(scope="module")
def real() -> Analysis:
    return analysis_of(ROOT)


def verdicts(analysis: Analysis, commune: str, snapshot: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in analysis.comparison_table():
        if row["commune"] == commune and row["snapshot"] == snapshot:
            found.setdefault(row["agreement"], set()).add(row["partner"] or row["wikidata_item"])
    return found


def test_every_real_link_is_confirmed_and_partners_without_items_are_listed(real):
    states = {r.name: r.state for r in real.link_reports}
    assert states and set(states.values()) == {"confirmed"}  # however many communes the data holds
    assert {"6e arrondissement de Turin", "Akbou"} <= {real.name(p) for p in real.unlinked_partners()}
    pisa = next(r for r in real.link_reports if r.name == "Pise")
    # the two things a snapshot can say, in words that keep them apart
    assert "l3viathan-2016 (2016-09): item identity confirmed: Q13375 labelled «Pisa»" in pisa.evidence
    assert "l3viathan-2016 (2016-09): twinning recorded: P190 links it with Angers" in pisa.evidence


def test_comparison_of_boulogne_billancourt_in_2016(real):
    found = verdicts(real, "Boulogne-Billancourt", "l3viathan-2016")
    assert found["other-level"] == {"Hammersmith & Fulham", "Zaanstad", "Neukölln"}
    assert found["wikidata-only"] == {"Q1515", "Q10400"}  # Abidjan, Almería
    assert found["page-only"] == {"Irving", "Raanana", "Sousse"}
    rows = [r for r in real.comparison_table() if r["partner"] == "Zaanstad" and r["snapshot"] == "l3viathan-2016"]
    assert [(r["page_item"], r["wikidata_item"], r["wikidata_label"]) for r in rows] == [("Q9978", "Q211260", "Zaandam")]


def test_district_level_mismatch_and_communes_absent_from_a_snapshot(real):
    bagneux = verdicts(real, "Bagneux", "l3viathan-2016")
    assert bagneux["other-level"] == {"6e arrondissement de Turin"}  # Wikidata links the city, Q495
    assert bagneux["wikidata-only"] == {"Q748078"}
    assert verdicts(real, "Bagnolet", "albertoursino-2021") == {"not-in-snapshot": {""}}
    # in 2021 Bagneux and Boulogne-Billancourt appear only as other towns' twins: the snapshot holds no
    # P190 statement of theirs, so it gives no verdict on their partners (no «page-only»)
    assert verdicts(real, "Bagneux", "albertoursino-2021") == {"not-in-snapshot": {""}}
    assert verdicts(real, "Boulogne-Billancourt", "albertoursino-2021") == {"not-in-snapshot": {""}}
    assert "page-only" not in verdicts(real, "Angers", "albertoursino-2021")  # Angers' own statements: all recorded
    assert verdicts(real, "Angers", "l3viathan-2016")["page-only"] == {"Toruń"}


def test_wrong_qid_is_refused_before_the_check(project_copy):
    """Another place's QID, «confirmed» by a snapshot whose label does not fit: validation refuses it
    (so it is never published), and `wikidata check` says why it will not judge such data."""
    edit(project_copy / "data" / "partners.ttl", "tw:item wd:Q13375 ;", "tw:item wd:Q10400 ;")  # Pisa -> Almería
    result = twinning(project_copy, "wikidata", "check")
    assert result.returncode == 1
    assert "data/partners.ttl: https://example.org/twinning/partner/pisa#wikidata: [wikidata-label-fits] " \
           "http://www.wikidata.org/entity/Q10400 is labelled «Almería" in result.stderr
    assert "which does not fit «Pise»" in result.stderr


def test_namesake_in_p190_makes_a_link_suspicious(project_copy):
    """Without the curated predecessor's item, P190's «Hammersmith» contradicts the borough's item."""
    edit(project_copy / "data" / "partners.ttl", "    tw:predecessorItem wd:Q277162 ;\n", "")
    result = twinning(project_copy, "wikidata", "check")
    assert result.returncode == 1
    assert "P190 of Boulogne-Billancourt names Q277162 «Hammersmith», not Q40478" in result.stdout


def test_missing_p190_is_reported_and_turned_into_quickstatements(real):
    lines, skipped = real.quickstatements()
    assert lines and all(QUICKSTATEMENT.match(line) for line in lines), lines
    pairs = {tuple(line.split("\t")[:3]) for line in lines}
    assert ("Q193877", "P190", "Q3648399") in pairs and ("Q3648399", "P190", "Q193877") in pairs  # Ivry, La Lisa
    assert not any("Q47554" in line for line in lines)  # Angers–Toruń: the 2021 snapshot records it
    la_lisa = next(line for line in lines if line.startswith("Q193877\tP190\tQ3648399"))
    assert "\tP580\t+1997-00-00T00:00:00Z/9\t" in la_lisa
    assert any("Akbou: the partner has no confirmed Wikidata item" in reason for reason in skipped)
    confirmed = {str(r.item).rsplit("/", 1)[-1] for r in real.link_reports if r.state == "confirmed"}
    assert {line.split("\t")[0] for line in lines} <= confirmed and {line.split("\t")[2] for line in lines} <= confirmed


def test_decade_precision(real):
    dianguirde = URIRef(load_settings(ROOT).base_iri + "partnership/ivry-sur-seine-dianguirde")
    assert real.start_time(dianguirde) == "+1990-00-00T00:00:00Z/8"


def test_a_twinning_starts_with_the_act_that_made_it_one(real):
    torun = URIRef(load_settings(ROOT).base_iri + "partnership/angers-torun")
    assert real.start_time(torun) == "+2016-05-09T00:00:00Z/11"  # a specific partnership from 2011


def test_commands_print_the_comparison_and_the_statements():
    compare = twinning(ROOT, "wikidata", "compare", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(compare.stdout)))
    assert compare.returncode == 0 and {r["agreement"] for r in rows} == {
        "both", "page-only", "wikidata-only", "other-level", "not-in-snapshot"}
    statements = twinning(ROOT, "wikidata", "quickstatements")
    assert statements.returncode == 0 and "placeholder" in statements.stderr
    assert all(QUICKSTATEMENT.match(line) for line in statements.stdout.splitlines())


def test_build_publishes_states_and_comparison(built):
    pisa = (built / "partner" / "pisa.html").read_text(encoding="utf-8")
    assert "état du lien" in pisa and "twinning recorded: P190 links it with Angers" in pisa
    page = (built / "wikidata.html").read_text(encoding="utf-8")
    assert "Zaandam" in page and "other-level" in page
    with (built / "downloads" / "wikidata-comparison.csv").open(encoding="utf-8") as table:
        assert sum(1 for _ in csv.DictReader(table)) == len(analysis_of(ROOT).comparison_table())
    graph = Graph().parse(built / "downloads" / "twinning.nt")
    tw = load_settings(ROOT).tw
    assert len(set(graph.subjects(RDF.type, tw.P190Comparison))) == len(analysis_of(ROOT).comparison)


def wikidata_shaped_fixture(path: Path, drop_twin: tuple[str, str]) -> None:
    """Wikidata's own shape (wd:, wdt:, rdfs:label), filled from the dated 2021 records of the real
    reference: facts Wikidata really gave, not invented ones; one P190 statement left out on purpose."""
    settings = load_settings(ROOT)
    tw = settings.tw
    reference = load(settings).data
    fixture = Graph()
    snapshot = URIRef(settings.base_iri + "reference/wikidata/albertoursino-2021")
    for record in reference.subjects(tw.snapshot, snapshot):
        item = reference.value(record, tw.item)
        for label in reference.objects(record, RDFS.label):
            fixture.add((item, RDFS.label, Literal(str(label), lang="en")))
        for twin in reference.objects(record, tw.recordedTwin):
            if (item, twin) != (WD[drop_twin[0]], WD[drop_twin[1]]):
                fixture.add((item, WDT.P190, twin))
        for value in reference.objects(record, tw.recordedPopulation):
            fixture.add((item, WDT.P1082, value))
    fixture.serialize(path, format="nt", encoding="utf-8")


def test_sync_writes_a_new_dated_snapshot_used_by_check_and_compare(project_copy, tmp_path):
    fixture = tmp_path / "wikidata.nt"
    wikidata_shaped_fixture(fixture, drop_twin=("Q38380", "Q13375"))  # Angers no longer lists Pisa
    with read_only_endpoint(fixture, "127.0.0.1", timeout_s=10) as endpoint:
        result = twinning(project_copy, "wikidata", "sync", "--endpoint", endpoint.url, "--date", "2026-11-21")
    assert result.returncode == 0, result.stderr
    written = project_copy / "data" / "reference" / "wikidata-sync-2026-11-21.ttl"
    assert written.is_file() and "wrote data/reference/wikidata-sync-2026-11-21.ttl" in result.stdout
    assert twinning(project_copy, "validate").returncode == 0

    synced = analysis_of(project_copy)
    assert [s.slug for s in synced.reference.snapshots][-1] == "sync-2026-11-21"
    angers = verdicts(synced, "Angers", "sync-2026-11-21")
    assert "Pise" in angers["both"]  # Pisa's own P190 still names Angers: recorded in one direction
    assert "Austin" in angers["both"]
    check = twinning(project_copy, "wikidata", "check")
    assert check.returncode == 0 and "sync-2026-11-21 (2026-11-21): item identity confirmed: Q13375 labelled «Pisa»" in check.stdout


def test_sync_reports_a_missing_p190_in_both_directions(project_copy, tmp_path):
    fixture = tmp_path / "wikidata.nt"
    wikidata_shaped_fixture(fixture, drop_twin=("Q38380", "Q13375"))
    graph = Graph().parse(fixture)
    graph.remove((WD.Q13375, WDT.P190, WD.Q38380))  # and Pisa no longer lists Angers either
    graph.serialize(fixture, format="nt", encoding="utf-8")
    with read_only_endpoint(fixture, "127.0.0.1", timeout_s=10) as endpoint:
        assert twinning(project_copy, "wikidata", "sync", "--endpoint", endpoint.url,
                        "--date", "2026-11-21").returncode == 0
    assert "Pise" in verdicts(analysis_of(project_copy), "Angers", "sync-2026-11-21")["page-only"]


def test_sync_against_an_unreachable_endpoint_changes_nothing(project_copy):
    before = sorted(p.name for p in (project_copy / "data" / "reference").iterdir())
    port = free_port("127.0.0.1")
    result = twinning(project_copy, "wikidata", "sync", "--endpoint", f"http://127.0.0.1:{port}/query",
                      "--date", "2026-11-21", "--timeout", "5")
    assert result.returncode == 1
    assert "cannot reach the endpoint" in result.stderr and "data/ left unchanged" in result.stderr
    assert sorted(p.name for p in (project_copy / "data" / "reference").iterdir()) == before
