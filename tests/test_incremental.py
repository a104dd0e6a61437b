"""Rebuilding after a change to one commune redoes the work for that commune only, and gives exactly
what a build from nothing gives: a cached result must never stand in for a changed input."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, edit
from twinning import build as build_stage
from twinning import validate as validate_stage
from twinning.config import load_settings
from twinning.problems import StageFailed
from twinning.progress import Progress

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


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(validate_stage, "SUBJECTS_PER_SHARD", 100)
    project = tmp_path / "corpus"
    generate(project, 120, 12, seed=5)
    return project


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


def test_a_label_shown_on_other_pages_renders_those_pages_again(corpus, tmp_path):
    """A partner's name appears on the pages of the partnerships that point to it."""
    output = corpus / "publish"
    build(corpus, output)
    partners = sorted((corpus / "data" / "partners").glob("*.ttl"))[0]
    edit(partners, 'rdfs:label "', 'rdfs:label "Nouveau nom de ')
    build(corpus, output)
    from_nothing = tmp_path / "from-nothing"
    build(corpus, from_nothing, reuse=False)
    assert tree(output) == tree(from_nothing)


def test_an_error_in_an_edited_commune_is_caught_and_stays_caught(corpus):
    output = corpus / "publish"
    build(corpus, output)
    before = tree(output)
    commune = sorted((corpus / "data").glob("commune-*.ttl"))[2]
    edit(commune, "tw:kind kind:", "tw:kind kind:no-such-kind , kind:")
    for attempt in range(2):  # the second time from the cache: a cached failure is still a failure
        with pytest.raises(StageFailed) as failure:
            build(corpus, output)
        rules = {(p.file, p.rule) for p in failure.value.problems if p.severity == "error"}
        assert (commune.relative_to(corpus).as_posix(), "shacl tw:kind MaxCount") in rules
    assert tree(output) == before


def test_no_cache_redoes_everything(project_copy):
    def validate(*options: str) -> str:
        result = subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project_copy), "validate",
                                 *options], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "1 of 1 shards validated, 0 unchanged" in validate()
    assert "0 of 1 shards validated, 1 unchanged" in validate()
    assert "1 of 1 shards validated, 0 unchanged" in validate("--no-cache")


def test_a_failure_while_the_pages_are_written_stops_their_workers_and_keeps_the_publication(corpus, monkeypatch):
    """The pages are written by workers while this process writes the downloads and the catalogue: a
    failure there (here a DCAT-AP violation) must stop the workers and leave the previous output."""
    output = corpus / "publish"
    build(corpus, output)
    before = tree(output)
    monkeypatch.setattr(build_stage, "PAGES_PER_CHUNK", 20)  # several chunks, so forked workers write them
    monkeypatch.setattr(build_stage, "dcat_ap_report", lambda catalogue, shapes_dir: (["a violation"], []))
    with pytest.raises(StageFailed) as failure:
        build(corpus, output, reuse=False)
    assert [p.rule for p in failure.value.problems] == ["dcat-ap"]
    assert not multiprocessing.active_children()
    assert tree(output) == before
    assert sorted(p.name for p in output.parent.iterdir() if p.name.startswith(".publish")) == []
