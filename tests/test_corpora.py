"""The benchmark corpora: the converted 2016 P190 network and the synthetic generator, and the sharded
validation they exercise. Slices keep these quick; scripts/benchmark.py runs the full sizes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Namespace

from conftest import ROOT, edit
from twinning.check import shacl as validate_stage
from twinning.config import load_settings
from twinning.load import load

sys.path.insert(0, str(ROOT / "scripts"))
from convert_p190 import convert  # noqa: E402
from generate_corpus import generate  # noqa: E402

SNAPSHOTS = ROOT / "data" / "reference" / "snapshots"

pytestmark = pytest.mark.slow


def validate_project(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project), "validate"],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def p190_slice(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("p190") / "corpus"
    figures = convert(SNAPSHOTS, folder, 600)
    assert figures["pairs"] == 600
    return folder


def test_the_p190_slice_validates_with_the_snapshot_as_provenance(p190_slice):
    result = validate_project(p190_slice)
    assert result.returncode == 0, result.stderr
    settings = load_settings(p190_slice)
    sources = load(settings)
    tw = settings.tw
    partnerships = set(sources.data.subjects(tw.kind, None))
    assert len(partnerships) == 600
    assert not list(sources.data.objects(None, tw.citation))  # no page quote anywhere: the snapshot is the source
    for partnership in partnerships:
        records = list(sources.data.objects(partnership, tw.recordedIn))
        assert records and all((r, tw.snapshot, None) in sources.data for r in records)


def test_the_full_network_converts_to_the_documented_counts(tmp_path):
    figures = convert(SNAPSHOTS, tmp_path / "corpus", None)
    assert figures == {"pairs": 17401, "places": 10055}  # the counts the snapshot's README gives


def test_a_partnership_without_any_source_is_refused(p190_slice, tmp_path):
    broken = tmp_path / "broken"
    subprocess.run(["cp", "-r", str(p190_slice), str(broken)], check=True)
    first = broken / "data" / "p190" / "partnerships-000.ttl"
    text = first.read_text(encoding="utf-8")
    start = text.index("<partnership/")
    block = text[start:text.index("\n\n", start)]
    edit(first, block, block[:block.index("    tw:recordedIn")].rstrip(" ;\n") + " .")
    result = validate_project(broken)
    assert result.returncode == 1
    iri = block.split(">")[0].lstrip("<")
    assert f"data/p190/partnerships-000.ttl: https://example.org/twinning/{iri}: [shacl tw:citation|tw:recordedIn MinCount]" \
        in result.stderr
    assert "or, when no page states it, the Wikidata record of a dated snapshot" in result.stderr


def test_the_generator_is_seeded_and_its_corpus_validates(tmp_path):
    figures = generate(tmp_path / "one", 300, 30, seed=7)
    generate(tmp_path / "two", 300, 30, seed=7)
    assert figures == {"communes": 30, "partnerships": 300, "partners": 210}
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / "data").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two" / "data").rglob("*") if p.is_file())
    assert all((tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in files)
    result = validate_project(tmp_path / "one")
    assert result.returncode == 0, result.stderr
    graph = Graph()
    for path in (tmp_path / "one" / "data").glob("*.ttl"):
        graph.parse(path, format="turtle", publicID="https://example.org/twinning/")
    tw = Namespace("https://example.org/twinning/ontology/")
    assert len(set(graph.subjects(tw.kind, None))) == 300
    assert len(set(graph.objects(None, tw.citation))) > 300  # every fact quotes its synthetic page


def plain_pyshacl(sources) -> list:
    """One pass of pySHACL over everything with the shapes as written: what the build must report."""
    graph = Graph()
    graph.namespace_manager = sources.data.namespace_manager
    for triple in sources.vocabulary + sources.data:
        graph.add(triple)
    shapes = Graph()
    for triple in sources.shapes:
        shapes.add(triple)
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    return sorted(set(validate_stage.results_as_problems(report, graph, sources.origin, "shacl", sources.shapes)))


def test_shards_report_what_one_pass_reports(tmp_path, monkeypatch):
    """Splitting the validation, and giving property shapes their node shape's targets, must neither
    lose a problem nor invent one. A shard validates only the focus nodes it owns: a broken partner is
    reported by the partners' shard, not by the communes' shards that carry it; a citation that is a
    literal, or a partner, is reported by the shard that owns the triple pointing at it, at the
    resource that states it; the vocabulary, which no shard owns, by every shard."""
    project = tmp_path / "corpus"
    generate(project, 100, 10, seed=3)
    first = sorted((project / "data").glob("commune-*.ttl"))[0]
    edit(first, "tw:kind kind:", "tw:kind kind:no-such-kind , kind:")
    edit(first, 'tw:startDate "', 'tw:startDate "an "@fr , "')
    partners = sorted((project / "data" / "partners").glob("*.ttl"))[0]
    edit(partners, 'tw:countryCode "', 'tw:countryCode "x')
    partner = partners.read_text(encoding="utf-8").split("<partner/", 1)[1].split(">", 1)[0]
    edit(first, "tw:citation [", f'tw:citation "une phrase", <partner/{partner}> , [')
    second = sorted((project / "data").glob("commune-*.ttl"))[1]
    text = second.read_text(encoding="utf-8")
    start = text.index("<partnership/")
    sourceless = text[start:text.index("\n\n", start)]
    edit(second, sourceless, sourceless[:sourceless.index("    tw:citation")].rstrip(" ;\n") + " .")
    edit(project / "ontology" / "schemes.ttl", '"jumelage"@fr , "twinning"@en', '"jumelage"@fr')
    sources = load(load_settings(project))
    expected = plain_pyshacl(sources)
    monkeypatch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 10**9)
    assert len(validate_stage.file_shards(sources)) == 1
    assert validate_stage.validate(sources) == expected
    monkeypatch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 50)
    assert len(validate_stage.file_shards(sources)) > 2
    sharded = validate_stage.validate(sources)
    assert sharded == expected
    rules = {p.rule for p in sharded if p.severity == "error"}
    assert {"shacl tw:kind MaxCount", "shacl tw:kind/skos:inScheme HasValue", "shacl tw:countryCode Pattern",
            "shacl tw:startDate MaxCount", "shacl tw:startDate Or", "shacl tw:citation|tw:recordedIn MinCount"} <= rules
    quoteless = {(p.file, p.message.rsplit(" (value: ", 1)[1]) for p in sharded
                 if p.message.startswith("A citation needs exactly one quote")}
    assert {(f"data/{first.name}", "une phrase)"),
            (f"data/{first.name}", f"https://example.org/twinning/partner/{partner})")} <= quoteless
    assert any(p.resource.endswith("concept/kind/twinning") and "skos:prefLabel" in p.rule for p in sharded)
