"""Builds that meet each other, or the leftovers of a killed one: one clear message, nothing lost."""

from __future__ import annotations

import fcntl
import os

from twinning.cli import main
from twinning.config import load_settings


def previous_publication(project):
    publish = project / "out/publish"
    publish.mkdir(parents=True)
    (publish / "index.html").write_text("previous publication", encoding="utf-8")
    return publish


def test_a_second_build_while_one_runs_says_so_and_changes_nothing(project_copy, capsys):
    publish = previous_publication(project_copy)
    lock = load_settings(project_copy).cache_dir / "build.lock"
    with open(lock, "a") as running:  # what a running build holds
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
        status = main(["--project", str(project_copy), "build", "--output", str(publish)])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{publish}: -: [one-build-at-a-time] another build of this project is running (it holds {lock}): " \
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
