"""Builds that meet each other, or the leftovers of a killed one: one clear message, nothing lost."""

from __future__ import annotations

import fcntl
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from twinning.cli import main
from twinning.check.checks import day_exists
from twinning.config import load_settings
from twinning.files import staging_folder
from twinning.publish import build as build_stage

from conftest import build, edit


def previous_publication(project):
    publish = project / "out/publish"
    publish.mkdir(parents=True)
    (publish / "index.html").write_text("previous publication", encoding="utf-8")
    return publish


def test_a_second_build_while_one_runs_says_so_and_changes_nothing(project_copy, capsys):
    publish = previous_publication(project_copy)
    lock = build_stage.build_lock(load_settings(project_copy).with_overrides(output=str(publish)))
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as running:  # what a running build holds
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
        status = main(["--project", str(project_copy), "build", "--output", str(publish)])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{publish}: -: [one-build-at-a-time] another build into this folder is running (it holds {lock}): " \
           "wait for it to end, then build again" in err
    assert "Traceback" not in err and f"build failed: {publish} left as it was" in err
    assert os.listdir(project_copy / "out") == ["publish"]
    assert os.listdir(publish) == ["index.html"] and (publish / "index.html").read_text() == "previous publication"


def test_the_next_build_removes_what_a_killed_build_left(project_copy, capsys):
    publish = previous_publication(project_copy)
    for leftover in (".publish-k1ll_3d0", ".publish-previous"):  # staging, and a swap cut short
        (project_copy / "out" / leftover / "partner").mkdir(parents=True)
        (project_copy / "out" / leftover / "partner/wigan.html").write_text("half written", encoding="utf-8")
    (project_copy / "out/.publish-notes").mkdir()  # not a name a build gives: not the build's to remove
    status = main(["--project", str(project_copy), "build", "--output", str(publish)])
    assert status == 0, capsys.readouterr().err
    assert sorted(os.listdir(project_copy / "out")) == [".publish-notes", "publish"]
    assert (publish / "partner/wigan.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def refused(project, capsys) -> str:
    publish = previous_publication(project)
    status = main(["--project", str(project), "build", "--output", str(publish)])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err and f"build failed: {publish} left as it was" in err
    assert os.listdir(project / "out") == ["publish"] and (publish / "index.html").read_text() == "previous publication"
    return err


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in line)


def test_a_day_that_does_not_exist_is_one_clear_problem_at_its_line(project_copy, capsys):
    edit(project_copy / "data/angers.ttl", '"2016-05-09"^^xsd:date', '"2016-02-30"^^xsd:date')
    line = line_of(project_copy / "data/angers.ttl", '"2016-02-30"')
    err = refused(project_copy, capsys)
    assert f"data/angers.ttl:{line}: https://example.org/twinning/formalisation/angers-torun-twinning-agreement: " \
           "[literal-form] «2016-02-30» is not a valid xsd:date (on tw:date): that day does not exist in that month\n" in err
    assert "Failed to convert" not in err and "ValueError" not in err  # rdflib's log, kept from the curator


def test_bytes_that_are_not_utf8_are_reported_at_their_line(project_copy, capsys):
    path = project_copy / "data/bagneux.ttl"
    lines = path.read_bytes().split(b"\n")
    line = next(n for n, text in enumerate(lines, 1) if b'rdfs:label "' in text and n > 20)
    lines[line - 1] = lines[line - 1].replace(b'rdfs:label "', b'rdfs:label "\xff\xfe', 1)
    path.write_bytes(b"\n".join(lines))
    err = refused(project_copy, capsys)
    assert f"data/bagneux.ttl:{line}: -: [utf-8] line {line} holds bytes that are not UTF-8 (ff): correct the " \
           "characters of that line and save the file as UTF-8" in err
    assert "position" not in err


def test_feb_29_exists_in_leap_years_only():
    assert day_exists("2024-02-29") and day_exists("2000-02-29") and day_exists("-0004-02-29")  # 5 BCE: XSD counts a year 0
    assert not day_exists("1900-02-29") and not day_exists("2023-02-29") and not day_exists("2023-04-31") and not day_exists("-0001-02-29")


def test_a_staging_folder_is_made_beside_an_output_whose_folder_does_not_exist_yet(tmp_path):
    staging = staging_folder(tmp_path / "out/a/publish")
    assert staging.parent == tmp_path / "out/a" and staging.name.startswith(".publish-") and staging.is_dir()


def read_only_mount_works() -> bool:
    """A read-only folder needs a read-only mount: permissions do not stop root. unshare gives the test a
    mount namespace of its own, where the system allows it."""
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp"],
                           capture_output=True)
    return shutil.which("unshare") is not None and probe.returncode == 0


@pytest.mark.skipif(not read_only_mount_works(), reason="needs unshare and mount rights for a read-only folder")
@pytest.mark.parametrize("read_only", ["out", ".twinning-cache", ".twinning-cache/pages"])
def test_a_read_only_folder_gives_one_clear_message_and_the_publication_stays(project_copy, read_only):
    publish = project_copy / "out/publish"
    assert build(project_copy, publish).returncode == 0
    before = {p.relative_to(publish): p.read_bytes() for p in publish.rglob("*") if p.is_file()}
    (project_copy / "data/angers.ttl").write_text((project_copy / "data/angers.ttl").read_text(encoding="utf-8")
                                                  .replace("Angers", "Angers la blanche", 1), encoding="utf-8")
    folder = project_copy / read_only
    command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "twinning.cli", "--project", str(project_copy),
                                                      "build", "--output", str(publish)))
    result = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {folder} {folder} && "
                             f"mount -o remount,bind,ro {folder} && {command}"], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    message = [line for line in result.stderr.splitlines() if "placeholder" not in line]
    assert len(message) == 1 and "Read-only file system" in message[0], result.stderr
    assert message[0].startswith(f"twinning build: cannot write {folder}/")
    assert message[0].endswith(f"make the folder writable or free some space, then build again; {publish} left as it was")
    assert {p.relative_to(publish): p.read_bytes() for p in publish.rglob("*") if p.is_file()} == before
    assert os.listdir(project_copy / "out") == ["publish"]


@pytest.mark.skipif(not read_only_mount_works(), reason="needs unshare and mount rights for a small file system")
def test_a_full_output_folder_gives_one_clear_message_and_the_publication_stays(project_copy):
    out = project_copy / "out"
    out.mkdir()
    command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "twinning.cli", "--project", str(project_copy),
                                                      "build", "--output", str(out / "publish")))
    result = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=1m tmpfs {out} && mkdir {out}/publish && "
                             f"echo previous > {out}/publish/index.html && {command}; status=$?; "
                             f"ls -A {out}; cat {out}/publish/index.html; exit $status"], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    message = [line for line in result.stderr.splitlines() if "placeholder" not in line]
    assert len(message) == 1 and message[0].startswith(f"twinning build: cannot write {out}/.publish-"), result.stderr
    assert ": No space left on device: make the folder writable or free some space, then build again; " in message[0]
    assert result.stdout == "publish\nprevious\n"  # the previous publication, and no staging left beside it
