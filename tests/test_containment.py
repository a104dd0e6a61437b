"""The build reads only data/, ontology/ and shapes/, and writes only into its output and cache: a path or
a link in the data that leads elsewhere is refused, with the file, the resource and the rule named."""

from __future__ import annotations

import os

import pytest

from twinning.cli import main

BASE = "https://example.org/twinning/"
SECRET = "root:x:0:0:root a file the project does not keep\n"


def leak(project, archived: str) -> None:
    """The review's reproduction: a source document whose archived text lies elsewhere, cited with a quote from it."""
    with open(project / "data/bagneux.ttl", "a", encoding="utf-8") as file:
        file.write(f'\n<source/leak> a tw:SourceDocument ; rdfs:label "Leak"@fr ; dcterms:publisher <commune/92007> ;\n'
                   f'    tw:archivedText "{archived}" .\n'
                   '<partnership/bagneux-grand-bourg> tw:citation [ prov:wasQuotedFrom <source/leak> ; '
                   'oa:exact "root:x:0:0:root" ] .\n')


def refused_build(project, capsys) -> str:
    """A build that must fail: the previous publication stays as it was, and nothing is written beside it."""
    publish = project / "out/publish"
    publish.mkdir(parents=True)
    (publish / "index.html").write_text("previous publication", encoding="utf-8")
    status = main(["--project", str(project), "build", "--output", str(publish)])
    err = capsys.readouterr().err
    assert status == 1, err
    assert "Traceback" not in err and "build failed" in err
    assert sorted(os.listdir(project / "out")) == ["publish"]
    assert os.listdir(publish) == ["index.html"] and (publish / "index.html").read_text() == "previous publication"
    return err


@pytest.fixture
def secret(project_copy):
    path = project_copy.parent / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    yield path
    assert path.read_text(encoding="utf-8") == SECRET and path.stat().st_mtime == 1_000_000_000  # neither read for
    # a quote nor rewritten by the build


@pytest.mark.parametrize("archived", ["../../secret.txt", "sources/../../secret.txt", "{secret}"])
def test_an_archived_text_outside_data_sources_is_refused(project_copy, secret, capsys, archived):
    leak(project_copy, archived.format(secret=secret))
    err = refused_build(project_copy, capsys)
    assert f"data/bagneux.ttl: {BASE}source/leak: [archived-text-inside] the archived text «" in err
    assert "is not a plain relative path under sources/: give a path under sources/" in err
    assert "[quote-in-source]" not in err  # the quote is not compared with a file it must not read


def test_a_link_in_data_sources_to_a_file_outside_is_refused(project_copy, secret, capsys):
    (project_copy / "data/sources/leak.txt").symlink_to(secret)
    leak(project_copy, "sources/leak.txt")
    err = refused_build(project_copy, capsys)
    assert f"data/bagneux.ttl: {BASE}source/leak: [archived-text-inside] the archived text «sources/leak.txt» " \
           "is a link that leads out of data/sources/" in err


def test_a_linked_turtle_file_from_outside_the_project_is_refused_unread(project_copy, capsys):
    outside = project_copy.parent / "evil.ttl"
    outside.write_text('<https://example.org/twinning/partner/injected> a <https://example.org/x> .\n', encoding="utf-8")
    (project_copy / "data/evil.ttl").symlink_to(outside)
    err = refused_build(project_copy, capsys)
    assert "data/evil.ttl: -: [file-inside] the file is a link to a file outside data/: " \
           "copy the file into data/ or remove the link" in err
    assert "injected" not in err
