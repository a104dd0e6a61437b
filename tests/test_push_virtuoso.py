"""`twinning push` into a second real store: Debian's Virtuoso Open Source (the engine behind DBpedia's
endpoint), started on loopback with its database in a tmp folder, its public side read-only and one
user allowed to write through Digest authentication, as a deployer sets it up (docs/deploying.md).

What Virtuoso holds is read back through its own `/sparql` endpoint and its Graph Store, not trusted
from the status `push` reports.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.compare import graph_diff, to_isomorphic

from conftest import ROOT
from twinning.serve import push
from twinning.serve.oxigraph_pool import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")  # Debian's name for Virtuoso's isql, beside unixODBC's
pytestmark = pytest.mark.skipif(VIRTUOSO is None or ISQL is None,
                                reason="Virtuoso is not installed (.ci/run installs Debian's virtuoso-opensource)")

GRAPH = "https://example.org/twinning/dataset/twinning"
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
VIRTRDF = Namespace("http://www.openlinksw.com/schemas/virtrdf#")


def configuration(folder: Path, sql_port: int, http_port: int) -> str:
    """Debian's virtuoso.ini reduced to what a test needs: every file in `folder`, the only folder the
    server's SQL may open, both ports on loopback, a small buffer pool."""
    return f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
NumberOfBuffers = 2000
MaxDirtyBuffers = 1500
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
EnabledDavVSP = 0
"""


class Virtuoso:
    """A fresh database (its administrator `dba` keeps the default password, reachable on loopback only)
    and one user, `twinning`, granted SPARQL_UPDATE: the user `push` writes as."""

    def __init__(self, folder: Path):
        self.sql_port, self.http_port = free_port("127.0.0.1"), free_port("127.0.0.1")
        self.url = f"http://127.0.0.1:{self.http_port}"
        (folder / "virtuoso.ini").write_text(configuration(folder, self.sql_port, self.http_port))
        self.log = open(folder / "foreground.log", "w")
        started = time.monotonic()
        self.process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                                        cwd=folder, stdout=self.log, stderr=subprocess.STDOUT)
        while self.process.poll() is None and time.monotonic() - started < 120:
            try:
                self.select("ASK {}")
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            pytest.fail(f"Virtuoso did not answer: {(folder / 'foreground.log').read_text()[-2000:]}")
        self.start_seconds = time.monotonic() - started
        self.user, self.password = "twinning", secrets.token_hex(12)
        granted = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF",
                                  f"exec=DB.DBA.USER_CREATE('{self.user}', '{self.password}'); "
                                  f"GRANT SPARQL_UPDATE TO \"{self.user}\";"],
                                 capture_output=True, text=True, timeout=60)
        assert granted.returncode == 0 and "Error" not in granted.stdout + granted.stderr, granted.stdout + granted.stderr

    def select(self, query: str) -> dict:
        form = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(self.url + "/sparql", data=form,
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def size(self, graph: str) -> int:
        answer = self.select(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(answer["results"]["bindings"][0]["n"]["value"])

    def graph(self, graph: str) -> Graph:
        """The graph as Virtuoso's Graph Store serves it to anyone: reading needs no user."""
        request = urllib.request.Request(push.graph_url(self.url + "/sparql-graph-crud", graph),
                                         headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return Graph().parse(data=response.read().decode("utf-8"), format="nt")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


def twinning_push(built: Path, store: str, *options: str, password: str | None = None) -> subprocess.CompletedProcess:
    """The command as a deployer runs it, with the password in the environment (or none)."""
    environment = {key: value for key, value in os.environ.items() if key != push.PASSWORD_VARIABLE}
    if password is not None:
        environment[push.PASSWORD_VARIABLE] = password
    return subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(ROOT), "push", "--publication",
                           str(built), "--graph-store", store, *options], capture_output=True, text=True, env=environment)


def test_push_into_virtuoso_replaces_the_graph(virtuoso, built, tmp_path):
    store = virtuoso.url + "/sparql-graph-crud-auth"
    stale = tmp_path / "stale.nt"
    stale.write_text("<urn:x:stale> <urn:x:p> <urn:x:o> .\n")
    push.push(stale, store, GRAPH, credentials=(virtuoso.user, virtuoso.password))
    push.push(stale, store, "urn:x:other", credentials=(virtuoso.user, virtuoso.password))
    assert virtuoso.size(GRAPH) == 1
    dump = Graph().parse(built / "downloads" / "twinning.nt", format="nt")
    dump_lines = sum(1 for line in (built / "downloads" / "twinning.nt").open(encoding="utf-8") if line.strip())
    assert len(dump) == dump_lines > 1000

    for _ in range(2):  # pushing twice gives the same graph, not twice the triples
        result = twinning_push(built, store, "--user", virtuoso.user, password=virtuoso.password)
        assert result.returncode == 0, result.stderr
        assert f"pushed twinning.nt into <{GRAPH}>" in result.stdout
        assert virtuoso.size(GRAPH) == dump_lines
    assert virtuoso.size("urn:x:other") == 1

    labels = virtuoso.select(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label {{ GRAPH <{GRAPH}> {{ <https://example.org/twinning/partner/pisa> rdfs:label ?label }} }}""")
    assert {(b["label"]["value"], b["label"].get("xml:lang")) for b in labels["results"]["bindings"]} == {
        ("Pisa", "en"), ("Pise", "fr")}

    # Read back whole, the graph is the dump, but for one thing Virtuoso does on loading: it keeps a
    # GeoSPARQL WKT literal as its own geometry type, and answers queries and writes it back as such.
    kept, only_dump, only_virtuoso = graph_diff(to_isomorphic(dump), to_isomorphic(virtuoso.graph(GRAPH)))
    assert only_dump and {o.datatype for _, _, o in only_dump} == {GEO.wktLiteral}
    retyped = {(s, p, Literal(str(o).upper(), datatype=VIRTRDF.Geometry)) for s, p, o in only_dump}
    assert set(only_virtuoso) == retyped
    for datatype, expected in ((GEO.wktLiteral, 0), (VIRTRDF.Geometry, len(only_dump))):
        typed = virtuoso.select(f"""SELECT (COUNT(*) AS ?n)
            {{ GRAPH <{GRAPH}> {{ ?s ?p ?literal FILTER(datatype(?literal) = <{datatype}>) }} }}""")
        assert int(typed["results"]["bindings"][0]["n"]["value"]) == expected, datatype


def test_a_refused_push_says_why_in_one_line_and_changes_nothing(virtuoso, built):
    store = virtuoso.url + "/sparql-graph-crud-auth"
    before = virtuoso.size(GRAPH)
    cases = {
        "wrong password": (twinning_push(built, store, "--user", virtuoso.user, password="not-the-password"),
                           f"refused user '{virtuoso.user}' (HTTP 401): check --user and {push.PASSWORD_VARIABLE}"),
        "no user": (twinning_push(built, store, password=virtuoso.password),
                    f"asks for credentials (HTTP 401): give --user NAME and the password in {push.PASSWORD_VARIABLE}"),
        "no password": (twinning_push(built, store, "--user", virtuoso.user),
                        f"--user twinning needs the password in the environment variable {push.PASSWORD_VARIABLE}"),
        "the public side": (twinning_push(built, virtuoso.url + "/sparql-graph-crud"),
                            "answered HTTP 403 Forbidden: SPARQL Graph Protocol request failed HTTP/1.1 403 Forbidden"),
        "nothing listening": (twinning_push(built, f"http://127.0.0.1:{free_port('127.0.0.1')}/sparql-graph-crud-auth",
                                            "--user", virtuoso.user, password=virtuoso.password),
                              "cannot reach the graph store"),
    }
    for case, (result, expected) in cases.items():
        assert result.returncode == 1, case
        assert result.stderr.startswith("twinning push: ") and result.stderr.count("\n") == 1, (case, result.stderr)
        assert expected in result.stderr, (case, result.stderr)
    assert "Permission denied" in cases["the public side"][0].stderr
    assert virtuoso.size(GRAPH) == before
