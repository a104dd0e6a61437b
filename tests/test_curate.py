"""The curator's path: a page becomes a draft that validates with its open decisions listed, is not
published until confirmed, and adding a commune changes expectations, not tests."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from conftest import ROOT, build
from twinning.config import load_settings
from twinning.curate.add import read_page
from twinning.curate.draft import draft_page
from twinning.wikidata import refresh
from twinning.wikidata.suggest import SnapshotIndex

FIXTURES = Path(__file__).parent / "fixtures" / "curate"
PAGE = FIXTURES / "villeneuve-sur-exemple.txt"  # a page written for these tests: no real commune
BASE = load_settings(ROOT).base_iri


def twinning(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project), *args],
                          capture_output=True, text=True)


def confirmed(turtle: str, subject_part: str) -> str:
    """What a curator does once a drafted resource is checked: delete its tw:toConfirm line."""
    blocks = turtle.split("\n\n")
    for index, block in enumerate(blocks):
        subject = block.split(" ", 1)[0]
        if subject_part in subject and "\n    tw:toConfirm " in block:
            blocks[index] = block[:block.index(" ;\n    tw:toConfirm ")] + " .\n"
    return "\n\n".join(blocks)


@pytest.fixture
def with_queries(project_copy: Path) -> Path:
    shutil.copytree(ROOT / "queries", project_copy / "queries")
    return project_copy


@pytest.fixture
def drafted(project_copy: Path) -> Path:
    result = twinning(project_copy, "add-commune", str(PAGE), "--insee", "99999", "--name", "Villeneuve-sur-Exemple",
                      "--captured", "2026-11-30")
    assert result.returncode == 0, result.stderr
    assert "Checklist:" in result.stdout and "Partnership with Schwabach: twinning, 1975, 1 act(s)." in result.stdout
    return project_copy


def test_add_commune_drafts_a_page_that_validates_with_its_open_decisions_listed(drafted):
    archived = drafted / "data" / "sources" / "villeneuve-sur-exemple.txt"
    assert archived.read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8")
    draft = Graph().parse(drafted / "data" / "villeneuve-sur-exemple.ttl", publicID=BASE)
    tw = load_settings(drafted).tw
    segou = draft.resource(BASE + "partnership/villeneuve-sur-exemple-segou")
    assert str(segou.value(tw.startDecade)) == "1980"  # «datent des années 1980», not a made-up year
    act = next(draft.subjects(tw.formalises, segou.identifier))
    assert str(draft.value(act, tw.date)) == "2004-03-12"
    schwabach = draft.resource(BASE + "partner/schwabach")
    assert str(schwabach.value(tw.wikidataLink).value(tw.item).identifier).endswith("/Q14889")
    assert (draft.resource(BASE + "source/villeneuve-sur-exemple").value(tw.capturedOn).toPython().isoformat()
            == "2026-11-30")
    drafted_facts = set(draft.subjects(tw.toConfirm, None))
    assert {BASE + "partnership/villeneuve-sur-exemple-schwabach", BASE + "partnership/villeneuve-sur-exemple-tczew",
            BASE + "partner/segou#wikidata"} <= {str(s) for s in drafted_facts}
    result = twinning(drafted, "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    confirm = set(re.findall(r"(\S+): \[to-confirm\]", result.stdout))
    assert confirm == {str(s) for s in drafted_facts}


def test_build_publishes_no_unconfirmed_fact_and_publishes_it_once_confirmed(drafted, tmp_path):
    result = build(drafted, tmp_path / "draft")
    assert result.returncode == 0, result.stderr
    dump = (tmp_path / "draft" / "downloads" / "twinning.nt").read_text(encoding="utf-8")
    assert "partnership/villeneuve-sur-exemple" not in dump and "partner/tczew" not in dump
    turtle = drafted / "data" / "villeneuve-sur-exemple.ttl"
    turtle.write_text(confirmed(turtle.read_text(encoding="utf-8"), "tczew"), encoding="utf-8")
    result = build(drafted, tmp_path / "confirmed")
    assert result.returncode == 0, result.stderr
    dump = (tmp_path / "confirmed" / "downloads" / "twinning.nt").read_text(encoding="utf-8")
    assert "partnership/villeneuve-sur-exemple-tczew>" in dump  # confirmed: published
    assert "partnership/villeneuve-sur-exemple-segou>" not in dump  # still a draft


def test_adding_a_commune_means_reviewing_a_diff_of_expectations_not_editing_tests(with_queries):
    project = with_queries
    assert twinning(project, "add-commune", str(PAGE), "--insee", "99999",
                    "--name", "Villeneuve-sur-Exemple").returncode == 0
    turtle = project / "data" / "villeneuve-sur-exemple.ttl"
    turtle.write_text(confirmed(turtle.read_text(encoding="utf-8"), ""), encoding="utf-8")  # every fact confirmed
    stale = twinning(project, "expectations")
    assert stale.returncode == 1 and "twinning expectations --update" in stale.stderr
    assert "+Villeneuve-sur-Exemple,99999,3" in stale.stdout  # the new commune's row in the per-commune answer
    assert twinning(project, "expectations", "--update").returncode == 0
    fresh = twinning(project, "expectations")
    assert fresh.returncode == 0, fresh.stdout
    assert "Villeneuve-sur-Exemple,99999,3" in (project / "queries" / "01-partnerships-per-commune.csv").read_text()


def test_a_page_written_otherwise_is_read_by_the_same_general_rules():
    """Dates before the partner («Jumelée depuis 1975 avec Schwabach»), an act that governs the partner
    after it only, a list with its own dates and activity periods, a district with its city."""
    draft = draft_page((FIXTURES / "autre-style.txt").read_text(encoding="utf-8"), "Villeneuve-sur-Exemple")
    found = {" + ".join(p.label for p in partnership.places): partnership for partnership in draft.partnerships}
    assert {name: (p.kind, p.start and p.start.date.value) for name, p in found.items()} == {
        "Schwabach": ("twinning", "1975"), "Ségou": ("partnership", "1992"),
        "Kindia": ("decentralised-cooperation", "2008"), "Quartier de Ouakam": ("decentralised-cooperation", "2015")}
    assert found["Schwabach"].acts == [] and [a.document_type for a in found["Ségou"].acts] == ["charter"]
    assert [(a.document_type, a.date.date.value) for a in found["Kindia"].acts] == [("cooperation-agreement", "2008")]
    ouakam = found["Quartier de Ouakam"].places[0]
    assert (ouakam.type, ouakam.part_of, ouakam.country.code) == ("CityDistrict", "Dakar", "SN")
    periods = {(a.period, a.partnership.places[0].label if a.partnership else None) for a in draft.activities}
    assert periods == {("2009-2012", "Kindia"), (None, "Schwabach")}  # «chaque été … à Schwabach»


def test_suggestions_rank_items_linked_to_the_commune_first():
    index = SnapshotIndex(ROOT / "data" / "reference" / "snapshots")
    neukolln = index.suggest("Neukölln", near="Q172455")  # Boulogne-Billancourt: two items carry the label
    assert [c.qid for c in neukolln[:2]] == ["Q4071168", "Q169492"] and all(c.linked_to_near for c in neukolln[:2])
    assert index.suggest("Pise", near="Q38380")[0].qid == "Q13375"  # French name, Italian label, P190 to Angers
    assert index.suggest("Vanadzor", near="Q161884")[0].qid == "Q62337"  # «Wanadsor» in 2016
    assert index.suggest("Brandebourg-sur-la-Havel", near="Q193877")[0].qid == "Q3931"
    assert index.suggest("Kirovakan", near="Q161884") == []  # a former name no snapshot records: nothing guessed
    result = twinning(ROOT, "wikidata", "suggest", "Toruń", "--near", "Angers")
    assert result.returncode == 0 and result.stdout.startswith("1. Q47554")
    assert "P190 links it to the commune in albertoursino-2021" in result.stdout


def test_html_page_main_text_and_declared_address():
    page = read_page(FIXTURES / "villeneuve-sur-exemple.html")
    assert "Décision de jumelage avec la ville de Schwabach." in page.text
    assert "Mentions légales" not in page.text and "Agenda" not in page.text  # menus and footers left out
    assert page.url == "https://www.villeneuve-sur-exemple.invalid/jumelages" and page.issued is None
    draft = draft_page(page.text, "Villeneuve-sur-Exemple")
    assert sorted(p.places[0].label for p in draft.partnerships) == ["Schwabach", "Ségou"]


def test_the_reference_follows_its_snapshots(project_copy):
    settings = load_settings(project_copy)
    assert refresh.stale(settings) == []
    snapshot = project_copy / "data" / "reference" / "snapshots" / "l3viathan_2016_names.tsv"
    snapshot.write_text(snapshot.read_text(encoding="utf-8") + "Q99999999\tExempleville\n", encoding="utf-8")
    assert refresh.stale(settings) == ["l3viathan_2016_names.tsv changed"]
    result = twinning(project_copy, "validate")
    assert result.returncode == 0, result.stderr
    assert "snapshots changed (l3viathan_2016_names.tsv changed)" in result.stdout
    assert refresh.stale(settings) == []


def test_a_link_the_reference_lacks_names_the_command_to_run(project_copy):
    partners = project_copy / "data" / "partners.ttl"
    text = partners.read_text(encoding="utf-8")
    partners.write_text(text.replace("tw:item wd:Q3703 ;", "tw:item wd:Q14889 ;"), encoding="utf-8")  # Schwabach
    result = twinning(project_copy, "validate")
    assert result.returncode == 1
    assert "run `twinning wikidata import-reference`" in result.stderr
