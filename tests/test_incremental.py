"""Rebuilding after a change to one commune redoes the work for that commune only, and gives exactly
what a build from nothing gives: a cached result must never stand in for a changed input."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal, Namespace, URIRef

from conftest import ROOT, edit
from twinning.publish import build as build_stage
from twinning.publish import catalog, pages
from twinning.check import shacl as validate_stage
from twinning.cache import ResultCache, digest_of
from twinning.config import load_settings
from twinning.problems import StageFailed
from twinning.progress import Progress
from twinning.namespaces import PROV
from twinning.publish.site import Site

sys.path.insert(0, str(ROOT / "scripts"))
from generate_corpus import generate  # noqa: E402


def build(project: Path, output: Path, reuse: bool = True) -> dict[str, str]:
    """In this process, so that the test can make shards small; returns what each stage reused."""
    settings = load_settings(project).with_overrides(output=str(output), reuse_cache=reuse)
    progress = Progress(live=False)
    build_stage.build(settings, settings.release_date, progress)
    return progress.notes


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def generated(project: Path) -> Path:
    generate(project, 120, 12, seed=5)
    return project


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 100)
    return generated(tmp_path / "corpus")


@pytest.fixture(scope="session")
def first_build(tmp_path_factory) -> Path:
    """The corpus and its build into publish/, made once per test run (per xdist worker)."""
    project = generated(tmp_path_factory.mktemp("first-build") / "corpus")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 100)
        build(project, project / "publish")
    return project


@pytest.fixture
def built_corpus(first_build, tmp_path, monkeypatch) -> Path:
    """A copy of the built corpus, as if the test had built it: the publication hard-linked (a build
    writes new files, never into those of the previous publication), the cache copied, and the
    record of the pages, which the cache keeps by output folder, kept for the copy's."""
    monkeypatch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 100)
    project = tmp_path / "corpus"
    shutil.copytree(first_build, project, ignore=lambda folder, _: ["publish"] if folder == str(first_build) else [])
    shutil.copytree(first_build / "publish", project / "publish", copy_function=os.link)
    settings = load_settings(project)
    cache = ResultCache(settings.cache_dir)
    cache.put("pages", digest_of(str(settings.with_overrides(output=str(project / "publish")).output_dir)),
              cache.get("pages", digest_of(str(load_settings(first_build).with_overrides(
                  output=str(first_build / "publish")).output_dir))))
    return project


@pytest.mark.slow
def test_a_rebuild_after_one_edit_redoes_only_that_commune_and_equals_a_full_build(corpus, tmp_path):
    output = corpus / "publish"
    first = build(corpus, output)
    shards = int(first["validate"].split(" of ")[1].split()[0])
    assert shards >= 8 and first["validate"].startswith(f"{shards} of")

    again = build(corpus, output)  # nothing changed: nothing validated, nothing rendered
    assert again["validate"].startswith(f"0 of {shards} shards validated")
    assert again["pages"].startswith("0 of ")

    commune = sorted((corpus / "data").glob("commune-*.ttl"))[3]
    edit(commune, 'rdfs:label "', 'rdfs:label "Renommé ')
    rebuilt = build(corpus, output)
    assert rebuilt["validate"].startswith(f"1 of {shards} shards validated")
    written, total = (int(n) for n in rebuilt["pages"].split(" resource")[0].split(" of "))
    assert 0 < written < total / 5

    from_nothing = tmp_path / "from-nothing"
    build(corpus, from_nothing, reuse=False)
    assert tree(output) == tree(from_nothing)


def rename_a_partner(project: Path) -> None:
    """A partner's name appears on the pages of the partnerships that point to it."""
    edit(sorted((project / "data" / "partners").glob("*.ttl"))[0], 'rdfs:label "', 'rdfs:label "Nouveau nom de ')


def rename_a_source(project: Path) -> None:
    """A source's name appears in the citations of every resource quoted from it, on their own pages."""
    edit(sorted((project / "data").glob("commune-*.ttl"))[1], 'rdfs:label "Page synthétique', 'rdfs:label "Page renommée')


def rename_a_partnership(project: Path) -> None:
    """The pages a partnership points to list it among their incoming links, by name: its kind's, say,
    which does not point back."""
    edit(sorted((project / "data").glob("commune-*.ttl"))[2], 'rdfs:label "Jumelage', 'rdfs:label "Ancien jumelage')


def change_a_kind(project: Path) -> None:
    """The new kind's page lists the partnership, the old one's no longer does."""
    edit(sorted((project / "data").glob("commune-*.ttl"))[3], "tw:kind kind:twinning ;", "tw:kind kind:partnership ;")


def swap_a_partner(project: Path) -> None:
    """The partner left behind listed the partnership among its incoming links, as it was before. The
    partnership also quotes the new partner's name, from the page's sentence about its other
    partnership, so that a quote still names each partner."""
    commune = sorted((project / "data").glob("commune-*.ttl"))[4]
    text = commune.read_text(encoding="utf-8")
    first, second = [line.split(" , ")[1].rstrip(" ;") for line in text.splitlines()
                     if line.strip().startswith("tw:partner ") and line.count(",") == 1][:2]
    partners = "".join(path.read_text(encoding="utf-8") for path in (project / "data" / "partners").glob("*.ttl"))
    block = partners[partners.index(f"{second} a tw:"):]
    name = block[block.index('tw:pageName "') + len('tw:pageName "'):].split('"', 1)[0]
    source = text[text.index("<source/"):].split(">", 1)[0] + ">"
    swapped = text.replace(f", {first} ;", f", {second} ;", 1)
    citations = swapped.index("    tw:citation [", swapped.index(f", {second} ;"))
    swapped = (swapped[:citations] + f'    tw:citation [ prov:wasQuotedFrom {source} ; oa:exact "{name}" ] ,\n        '
               + swapped[citations + len("    tw:citation "):])
    commune.write_text(swapped, encoding="utf-8")


def remove_a_commune(project: Path) -> None:
    """Its pages go; its partners' pages listed them."""
    sorted((project / "data").glob("commune-*.ttl"))[5].unlink()


@pytest.mark.slow
@pytest.mark.parametrize("change", [rename_a_partner, rename_a_source, rename_a_partnership,
                                    change_a_kind, swap_a_partner, remove_a_commune])
def test_the_pages_that_show_a_changed_page_are_rendered_again(built_corpus, tmp_path, change):
    corpus, output = built_corpus, built_corpus / "publish"
    change(corpus)
    rebuilt = build(corpus, output)
    written, total = (int(n) for n in rebuilt["pages"].split(" resource")[0].split(" of "))
    assert 0 < written < total / 5
    from_nothing = tmp_path / "from-nothing"
    build(corpus, from_nothing, reuse=False)
    assert tree(output) == tree(from_nothing)


@pytest.mark.slow
def test_an_error_in_an_edited_commune_is_caught_and_stays_caught(built_corpus):
    corpus, output = built_corpus, built_corpus / "publish"
    before = tree(output)
    commune = sorted((corpus / "data").glob("commune-*.ttl"))[2]
    edit(commune, "tw:kind kind:", "tw:kind kind:no-such-kind , kind:")
    for attempt in range(2):  # the second time from the cache: a cached failure is still a failure
        with pytest.raises(StageFailed) as failure:
            build(corpus, output)
        rules = {(p.file, p.rule) for p in failure.value.problems if p.severity == "error"}
        assert (commune.relative_to(corpus).as_posix(), "shacl tw:kind MaxCount") in rules
    assert tree(output) == before


@pytest.mark.slow
def test_no_cache_redoes_everything(project_copy):
    def validate(*options: str) -> str:
        result = subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project_copy), "validate",
                                 *options], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "1 of 1 shards validated, 0 unchanged" in validate()
    assert "0 of 1 shards validated, 1 unchanged" in validate()
    assert "1 of 1 shards validated, 0 unchanged" in validate("--no-cache")


@pytest.mark.slow
def test_a_failure_while_the_pages_are_written_stops_their_workers_and_keeps_the_publication(built_corpus,
                                                                                           monkeypatch):
    """The pages are written by workers while this process writes the downloads and the catalogue: a
    failure there (here a DCAT-AP violation) must stop the workers and leave the previous output."""
    corpus, output = built_corpus, built_corpus / "publish"
    before = tree(output)
    monkeypatch.setattr(pages, "PAGES_PER_CHUNK", 20)  # several chunks, so forked workers write them
    monkeypatch.setattr(catalog, "dcat_ap_report", lambda catalogue, shapes_dir: (["a violation"], []))
    with pytest.raises(StageFailed) as failure:
        build(corpus, output, reuse=False)
    assert [p.rule for p in failure.value.problems] == ["dcat-ap"]
    assert not multiprocessing.active_children()
    assert tree(output) == before
    assert sorted(p.name for p in output.parent.iterdir() if p.name.startswith(".publish")) == []


def test_a_citation_kept_on_another_page_shows_its_source_on_the_citing_page():
    """Citations are blank nodes, named on the page of what they support; one written as an IRI of
    another page still shows its source's name on the citing page."""
    base, tw = "https://example.org/t/", Namespace("https://example.org/t/ontology/")
    resource, citation, source = (URIRef(base + name) for name in ("partnership/a", "notes/n#quote", "source/s"))
    graph = Graph()
    graph.add((resource, tw.citation, citation))
    graph.add((citation, PROV.wasQuotedFrom, source))
    graph.add((source, RDFS.label, Literal("Page")))
    assert Site(graph, base, tw).pages_showing({"source/s"}) == {"notes/n", "partnership/a"}


def rename_an_activity(project: Path) -> None:
    """An activity is told on its partnership's page and, two steps away, on the pages of the partnership's
    commune and partner."""
    edit(project / "data" / "ivry-sur-seine.ttl", "rdfs:label \"Projet d'insertion professionnelle",
         "rdfs:label \"Projet renommé d'insertion professionnelle")


def move_a_partner(project: Path) -> None:
    """A partner's country is told, by name, on the pages of its partnerships' communes."""
    edit(project / "data" / "partners.ttl", 'tw:countryCode "ML"', 'tw:countryCode "SN"')


@pytest.mark.parametrize("change", [rename_an_activity, move_a_partner])
def test_the_stories_that_tell_a_changed_page_are_rendered_again(project_copy, tmp_path, change):
    output = tmp_path / "publish"
    build(project_copy, output)
    change(project_copy)
    rebuilt = build(project_copy, output)
    written, total = (int(n) for n in rebuilt["pages"].split(" resource")[0].split(" of "))
    assert 0 < written < total / 4
    from_nothing = tmp_path / "from-nothing"
    build(project_copy, from_nothing, reuse=False)
    assert tree(output) == tree(from_nothing)
