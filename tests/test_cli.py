"""The command line as users expect it: options anywhere, checked before any work, and a message,
never a traceback, for what a user gets wrong."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

import twinning
from conftest import ROOT, edit
from twinning import cli
from twinning.check import shacl
from twinning.publish import pages

SELECT_RELATIVE = "SELECT ?x { BIND (<commune/92007> AS ?x) }"


def twinning_command(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twinning.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("order", ["before", "after"])
def test_global_options_go_before_or_after_the_command(built, tmp_path, order):
    """--project, --base-iri and --jobs are read wherever they stand; run from another folder, so
    that only --project can find the project."""
    options = ["--project", str(ROOT), "--base-iri", "https://data.example.fr/twinning", "--jobs", "1"]
    command = ["query", "--publication", str(built), "--format", "csv", SELECT_RELATIVE]
    result = twinning_command(*(options + command if order == "before" else command + options), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["x", "https://data.example.fr/twinning/commune/92007"]


def test_global_options_after_a_nested_command():
    args = cli.build_parser().parse_args(["wikidata", "check", "--base-iri", "https://data.example.fr/t/", "--jobs", "2"])
    settings = cli.settings_of(args)
    assert (settings.base_iri, settings.jobs) == ("https://data.example.fr/t/", 2)
    before = cli.settings_of(cli.build_parser().parse_args(["--jobs", "2", "wikidata", "check"]))
    assert before.jobs == 2 and before.base_iri == "https://example.org/twinning/"


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"twinning {twinning.__version__}\n"


def test_jobs_defaults_to_every_core_the_process_may_use_and_reaches_the_worker_pools(monkeypatch, project_copy):
    assert cli.settings_of(cli.build_parser().parse_args(["--project", str(project_copy), "validate"])).jobs is None
    assert f"here {len(os.sched_getaffinity(0))})" in " ".join(cli.build_parser().format_help().split())
    asked = []

    def counting(started):
        def start(task, chunks, workers=None, apart=False):
            asked.append(workers)
            return started(task, chunks, workers=workers, apart=apart)
        return start
    monkeypatch.setattr(shacl, "started", counting(shacl.started))
    monkeypatch.setattr(pages, "started", counting(pages.started))
    status = cli.main(["--project", str(project_copy), "build", "--jobs", "1", "--base-iri", "https://data.example.fr/",
                       "--output", str(project_copy / "publish")])
    assert status == 0
    assert asked == [1, 1, 1]  # validation's shards, the pages, the pages that show a changed one


def test_input_publication_is_named_as_an_input(built):
    result = twinning_command("--project", str(ROOT), "query", "--output", str(built), "ASK {}")
    assert result.returncode == 2 and "unrecognized arguments: --output" in result.stderr
    assert twinning_command("--project", str(ROOT), "query", "--publication", str(built), "ASK {}").stdout == "true\n"


def test_a_bad_release_date_is_one_message_before_any_work(project_copy):
    output, cache = project_copy / "publish", project_copy / ".twinning-cache"
    cached = sorted(cache.rglob("*"))
    result = twinning_command("--project", str(project_copy), "build", "--output", str(output), "--release-date", "21/11/2026")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "twinning build: error: argument --release-date: '21/11/2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-21")
    assert not output.exists() and sorted(cache.rglob("*")) == cached  # nothing was loaded or built


def test_a_bad_setting_in_pyproject_is_named_before_any_work(project_copy):
    edit(project_copy / "pyproject.toml", 'release_date = "2026-11-21"', 'release_date = "2026-11"')
    result = twinning_command("--project", str(project_copy), "validate")
    assert result.returncode == 2
    assert result.stderr == (f"twinning: {project_copy / 'pyproject.toml'} [tool.twinning] release_date: '2026-11' is "
                             "not a date: write it as YYYY-MM-DD, e.g. 2026-11-21\n")


def test_a_project_folder_without_pyproject_is_a_clear_error(tmp_path):
    result = twinning_command("--project", str(tmp_path), "validate")
    assert result.returncode == 2
    assert result.stderr == (f"twinning: {tmp_path}: not a twinning project: it has no pyproject.toml "
                             "(give --project the folder that holds pyproject.toml and data/)\n")
    outside = twinning_command("validate", cwd=tmp_path)
    assert outside.returncode == 2 and "no project found here" in outside.stderr and "Traceback" not in outside.stderr


def test_every_build_warns_while_the_base_is_the_placeholder(project_copy, capsys):
    output = str(project_copy / "publish")
    assert cli.main(["--project", str(project_copy), "build", "--output", output]) == 0
    assert "twinning: warning: the base IRI https://example.org/twinning/ is the shipped placeholder" in capsys.readouterr().err
    assert cli.main(["--project", str(project_copy), "build", "--output", output,
                     "--base-iri", "https://data.example.fr/twinning/"]) == 0
    assert "placeholder" not in capsys.readouterr().err


@pytest.mark.parametrize("args, status, message", [
    (["--base-iri", "data.example.fr/twinning", "validate"], 2, "argument --base-iri: 'data.example.fr/twinning' is not a base IRI"),
    (["validate", "--jobs", "0"], 2, "argument --jobs: 0 is too small: give at least 1"),
    (["build", "--output", "pyproject.toml"], 2, "argument --output: pyproject.toml is a file, not a folder"),
    (["query", "--file", "queries/no-such-question.rq"], 1, "cannot read the query file queries/no-such-question.rq"),
    (["query", "--endpoint", "ftp://example.org/sparql", "ASK {}"], 2, "is not an http(s) URL"),
    (["push", "--graph-store", "localhost:7878/store"], 2, "argument --graph-store: 'localhost:7878/store' is not an http(s) URL"),
    (["serve", "--port", "70000"], 2, "argument --port: 70000 is not a port"),
    (["serve", "--timeout", "0"], 2, "argument --timeout: 0 is too small"),
    (["wikidata", "sync", "--endpoint", "http://127.0.0.1:9/sparql", "--date", "2026-02-30"], 2,
     "argument --date: '2026-02-30' is not a date"),
    (["wikidata", "import-reference", "--snapshots", "no/such/folder"], 1, "snapshot folder not found"),
])
def test_user_errors_give_a_message_and_a_status_never_a_traceback(args, status, message):
    result = twinning_command("--project", str(ROOT), *args)
    assert result.returncode == status
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_build_that_cannot_write_its_output_says_so(project_copy):
    blocker = project_copy / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = twinning_command("--project", str(project_copy), "build", "--base-iri", "https://data.example.fr/",
                              "--output", str(blocker / "publish"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"twinning build: cannot write {blocker}: " in result.stderr
    assert result.stderr.rstrip().endswith(f"{blocker / 'publish'} left as it was")


def test_an_interrupted_command_says_so_without_a_traceback(monkeypatch, capsys):
    def interrupted(argv=None):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "main", interrupted)
    try:
        with pytest.raises(SystemExit) as stop:
            cli.run()
    finally:
        gc.unfreeze()  # run() freezes what the command left, as its process ends: this one goes on
    assert stop.value.code == 130 and capsys.readouterr().err == "twinning: interrupted\n"
