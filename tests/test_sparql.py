"""SPARQL: the example questions answered offline and by a real read-only Oxigraph server, and the push."""

from __future__ import annotations

import base64
import csv
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import RDF, RDFS
from SPARQLWrapper import POST, SPARQLWrapper

from conftest import ROOT
from twinning.serve import push
from twinning.serve import query as sparql
from twinning.config import load_settings
from twinning.serve.oxigraph_pool import free_port, oxigraph_command

EXAMPLES = [e for e in sparql.example_queries(ROOT / "queries") if not e.federated]
BASE = load_settings(ROOT).base_iri


def twinning(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(ROOT), *args],
                          capture_output=True, text=True, **kwargs)


def expected_rows(example: sparql.ExampleQuery) -> tuple[list[str], list[list[str]]]:
    with example.expected_csv.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


@pytest.fixture(scope="module")
def embedded(built) -> sparql.EmbeddedStore:
    return sparql.EmbeddedStore(built / "downloads" / "twinning.nt", BASE)


class Served:
    """`twinning serve` in its own process, as a person starts it; the address is read from its banner."""

    def __init__(self, output: Path, tmp: Path, timeout_s: int):
        self.tmp = tmp
        env = {**os.environ, "TMPDIR": str(tmp)}  # the server's Oxigraph store lands where the test can see it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "twinning.cli", "--project", str(ROOT), "serve", "--port", "0",
             "--timeout", str(timeout_s), "--publication", str(output)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            # as from a terminal: a test run started in the background would pass on SIGINT ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        banner = self.process.stdout.readline()
        assert banner.startswith("serving "), banner + self.process.stderr.read()
        self.url = banner.split(" at ")[1].split(" ")[0]
        self.endpoint = self.url + "query"

    def stop(self, signum=signal.SIGINT) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    served = Served(built, tmp_path_factory.mktemp("serve"), timeout_s=3)
    yield served
    if served.process.poll() is None:
        served.stop()


def test_at_least_twelve_questions_each_with_its_question_and_expected_answer():
    every = sparql.example_queries(ROOT / "queries")
    assert len(EXAMPLES) >= 12
    assert any(e.federated and "https://query.wikidata.org/sparql" in e.text for e in every)
    for example in every:
        assert example.question.endswith("?"), example.name
    for example in EXAMPLES:
        assert example.expected_csv.is_file(), example.name
        assert "Expected" in example.comment, example.name


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_example_query_embedded(example, embedded):
    answer = embedded.ask(example.text)
    assert [answer.variables, answer.values()] == list(expected_rows(example))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_example_query_on_the_live_server(example, server):
    answer = sparql.ask_endpoint(server.endpoint, example.text, BASE)
    assert [answer.variables, answer.values()] == list(expected_rows(example))


def test_answers_agree_with_the_data_checked_elsewhere(embedded, sources, settings):
    """The expected files are not taken on trust: partnerships per commune against the loaded data."""
    per_commune = {row[0]: int(row[2]) for row in expected_rows(EXAMPLES[0])[1]}
    tw = settings.tw
    counted = {}
    for commune in sources.data.subjects(RDF.type, tw.Commune):
        partnerships = set(sources.data.subjects(tw.partner, commune))
        if partnerships:
            counted[str(sources.data.value(commune, RDFS.label))] = len(partnerships)
    assert per_commune == counted
    three = embedded.ask("PREFIX tw: <ontology/> SELECT ?p { ?p tw:partner ?a, ?b, ?c "
                         "FILTER (?a != ?b && ?b != ?c && ?a != ?c) } GROUP BY ?p")
    assert [row[0] for row in three.values()] == [BASE + "partnership/ivry-sur-seine-jifna-jalazone"]


def test_server_serves_the_site_with_content_negotiation(server):
    with urllib.request.urlopen(server.url + "partner/pisa") as page:
        assert page.headers["Content-Type"].startswith("text/html") and b"Pise" in page.read()
    request = urllib.request.Request(server.url + "partner/pisa", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request) as turtle:
        assert turtle.headers["Content-Type"] == "text/turtle; charset=utf-8" and b"@prefix" in turtle.read()
    with urllib.request.urlopen(server.url + "sparql.html") as page:
        text = page.read().decode()
    assert 'action="query"' in text and text.count("<h3>") == len(sparql.example_queries(ROOT / "queries"))


def test_server_renders_results_as_html_for_a_browser(server):
    query = urllib.parse.urlencode({"query": EXAMPLES[0].text.replace("PREFIX tw:   <ontology/>", f"PREFIX tw: <{BASE}ontology/>")})
    request = urllib.request.Request(server.endpoint + "?" + query, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request) as page:
        text = page.read().decode()
    assert "<td>Boulogne-Billancourt</td>" in text and "5 ligne(s)" in text


def results_page(server, query: str) -> str:
    """The page a browser gets for the query typed into the form (GET, Accept as a browser sends it)."""
    request = urllib.request.Request(server.endpoint + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    with urllib.request.urlopen(request) as page:
        return page.read().decode()


def test_relative_prefixes_resolve_against_the_base_iri_at_the_endpoint_too(server):
    """As the query page teaches: `PREFIX tw: <ontology/>` means the ontology, not the hidden port."""
    query = "PREFIX tw: <ontology/> SELECT ?p WHERE { ?p tw:partner <commune/94041> }"
    answer = sparql.ask_endpoint(server.endpoint, query, "http://127.0.0.1:1/")  # a BASE the server must not override
    assert answer.values() == []  # the client's own BASE line is kept
    request = urllib.request.Request(server.endpoint + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request) as csv_answer:
        assert len(csv_answer.read().decode().splitlines()) == 1 + 6  # Ivry's six partnerships


def test_results_link_iris_to_their_pages_and_construct_and_describe_work_from_the_form(server):
    select = results_page(server, "PREFIX tw: <ontology/> SELECT ?p WHERE { ?p tw:partner <partner/dianguirde> }")
    assert '<a href="partnership/ivry-sur-seine-dianguirde">' + BASE + "partnership/ivry-sur-seine-dianguirde</a>" in select
    construct = results_page(server, "PREFIX tw: <ontology/> CONSTRUCT { ?p tw:partner ?x } "
                                     "WHERE { ?p tw:partner <commune/94041>, ?x }")
    assert "13 ligne(s)" in construct and '<a href="partner/jifna">' in construct  # 6 partnerships, 13 partners
    describe = results_page(server, "DESCRIBE <partner/dianguirde>")
    assert "<td>Dianguirdé</td>" in describe and '<a href="ontology/countryCode">' in describe


@pytest.mark.parametrize("target", ["query", "update"])
def test_updates_are_refused_and_change_nothing(server, target):
    client = SPARQLWrapper(server.url + target)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    with pytest.raises(Exception) as refused:
        client.query()
    assert "403" in str(refused.value) or "400" in str(refused.value)
    answer = sparql.ask_endpoint(server.endpoint, "ASK { <urn:x:a> ?p ?o }", BASE)
    assert answer.boolean is False


@pytest.mark.slow
def test_a_runaway_query_is_stopped_by_the_timeout(server):
    started = time.monotonic()
    with pytest.raises(sparql.QueryFailed):
        sparql.ask_endpoint(server.endpoint, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
                            BASE, timeout=60)
    assert time.monotonic() - started < 60, "the server's own timeout, not the client's, ended the query"


def test_ctrl_c_stops_the_server_and_removes_its_store(built, tmp_path):
    served = Served(built, tmp_path, timeout_s=5)
    assert sparql.ask_endpoint(served.endpoint, "ASK { ?s ?p ?o }", BASE).boolean is True
    assert served.stop(signal.SIGINT) == 0
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(sparql.QueryFailed, match="cannot reach"):
        sparql.ask_endpoint(served.endpoint, "ASK {}", BASE, timeout=5)


def test_query_command_formats_and_messages(built):
    common = ("query", "--publication", str(built))
    as_csv = twinning(*common, "--format", "csv", "--file", str(EXAMPLES[0].path))
    assert as_csv.returncode == 0 and as_csv.stdout.splitlines()[1] == EXAMPLES[0].expected_csv.read_text().splitlines()[1]
    as_json = twinning(*common, "--format", "json", "ASK { ?s ?p ?o }")
    assert json.loads(as_json.stdout)["boolean"] is True
    table = twinning(*common, "--file", str(EXAMPLES[0].path))
    assert table.stdout.splitlines()[0].split() == ["commune", "|", "insee", "|", "partnerships"]

    bad = twinning(*common, "SELEC ?x WHERE {}")
    assert bad.returncode == 1 and "SPARQL syntax error" in bad.stderr
    empty = twinning(*common, "SELECT ?s { ?s a <urn:nothing> }")
    assert empty.returncode == 0 and "no results" in empty.stderr
    port = free_port("127.0.0.1")
    unreachable = twinning(*common, "--endpoint", f"http://127.0.0.1:{port}/query", "ASK {}")
    assert unreachable.returncode == 1 and "cannot reach the endpoint" in unreachable.stderr
    missing = twinning("query", "--publication", str(built.parent / "nowhere"), "ASK {}")
    assert missing.returncode == 1 and "run `twinning build` first" in missing.stderr


def test_query_command_against_the_live_server(server, built):
    result = twinning("query", "--endpoint", server.endpoint, "--format", "csv", "--file", str(EXAMPLES[0].path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXAMPLES[0].expected_csv.read_text(encoding="utf-8")
    bad = twinning("query", "--endpoint", server.endpoint, "SELEC ?x WHERE {}")
    assert bad.returncode == 1 and "refused the query" in bad.stderr


@pytest.fixture
def writable_store(tmp_path):
    """A real Oxigraph server in read-write mode, as a Graph Store Protocol target."""
    port = free_port("127.0.0.1")
    process = subprocess.Popen([oxigraph_command(), "serve", "--location", str(tmp_path / "store"),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def graph_size(url: str, graph: str) -> int:
    answer = sparql.ask_endpoint(url + "/query", f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", BASE)
    return int(answer.values()[0][0])


def test_push_replaces_the_named_graph(built, writable_store):
    graph = BASE + "dataset/twinning"
    stale = urllib.request.Request(push.graph_url(writable_store + "/store", graph), method="PUT",
                                   data=b"<urn:x:stale> <urn:x:p> <urn:x:o> .\n",
                                   headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(stale).close()
    other = urllib.request.Request(push.graph_url(writable_store + "/store", "urn:x:other"), method="PUT",
                                   data=b"<urn:x:keep> <urn:x:p> <urn:x:o> .\n",
                                   headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(other).close()
    dump_triples = sum(1 for line in (built / "downloads" / "twinning.nt").open() if line.strip())

    for _ in range(2):  # pushing twice gives the same graph, not twice the triples
        result = twinning("push", "--publication", str(built), "--graph-store", writable_store + "/store")
        assert result.returncode == 0, result.stderr
        assert graph_size(writable_store, graph) == dump_triples
    ask = sparql.ask_endpoint(writable_store + "/query", f"ASK {{ GRAPH <{graph}> {{ <urn:x:stale> ?p ?o }} }}", BASE)
    assert ask.boolean is False
    assert graph_size(writable_store, "urn:x:other") == 1


def test_push_to_an_unreachable_store_says_so(built):
    port = free_port("127.0.0.1")
    result = twinning("push", "--publication", str(built), "--graph-store", f"http://127.0.0.1:{port}/store")
    assert result.returncode == 1 and "cannot reach the graph store" in result.stderr


class GuardedStore:
    """A Graph Store stub on loopback that asks for `scheme` authentication and takes a PUT only with
    Basic credentials `user:secret`: it writes down each request, and the body of each PUT it takes."""

    def __init__(self, scheme: str, redirect: str | None = None):
        self.requests: list[str] = []
        self.bodies: list[bytes] = []
        store = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                store.requests.append(self.command)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                allowed = self.headers.get("Authorization") == "Basic " + base64.b64encode(b"user:secret").decode()
                if allowed and redirect:  # elsewhere, as a store behind a hostile proxy might say
                    self.send_response(307)
                    self.send_header("Location", redirect)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if allowed and self.command == "PUT":
                    store.bodies.append(body)
                self.send_response(201 if allowed and self.command == "PUT" else 200 if allowed else 401)
                if not allowed:
                    self.send_header("WWW-Authenticate", f'{scheme} realm="store"')
                self.send_header("Content-Length", "0")
                self.end_headers()
            do_HEAD = do_PUT = answer

            def log_message(self, *args):
                pass
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_push_speaks_basic_authentication_and_sends_the_dump_once(built):
    """Virtuoso (tests/test_push_virtuoso.py) asks for Digest; this stub asks for Basic, and for Bearer,
    which push does not speak."""
    dump = built / "downloads" / "twinning.nt"
    store = GuardedStore("Basic")
    try:
        assert push.push(dump, store.url, "urn:x:g", credentials=("user", "secret")) == 201
        assert store.requests == ["HEAD", "HEAD", "PUT"] and store.bodies == [dump.read_bytes()]
        with pytest.raises(push.PushFailed, match=r"refused user 'user' \(HTTP 401\)"):
            push.push(dump, store.url, "urn:x:g", credentials=("user", "wrong"))
        with pytest.raises(push.PushFailed, match=r"asks for credentials \(HTTP 401\)"):
            push.push(dump, store.url, "urn:x:g")
        assert store.requests[3:] == ["HEAD", "HEAD", "HEAD"] and len(store.bodies) == 1  # no dump sent in vain
    finally:
        store.close()
    store = GuardedStore("Bearer")
    try:
        with pytest.raises(push.PushFailed, match="asks for Bearer authentication: push speaks Basic and Digest"):
            push.push(dump, store.url, "urn:x:g", credentials=("user", "secret"))
    finally:
        store.close()


def test_push_follows_no_redirect_with_credentials_and_refuses_a_digest_it_cannot_answer(built):
    """urllib would carry the Authorization header to whatever host a redirect names; and a Digest
    challenge without a nonce (or with an algorithm urllib lacks) would end in a traceback."""
    dump = built / "downloads" / "twinning.nt"
    elsewhere = GuardedStore("Basic")
    store = GuardedStore("Basic", redirect=elsewhere.url)
    try:
        with pytest.raises(push.PushFailed, match="answered HTTP 307"):
            push.push(dump, store.url, "urn:x:g", credentials=("user", "secret"))
        assert store.requests == ["HEAD", "HEAD", "PUT"] and elsewhere.requests == []
    finally:
        store.close()
        elsewhere.close()
    store = GuardedStore("Digest")  # `Digest realm="store"`: no nonce
    try:
        with pytest.raises(push.PushFailed, match="asks for a Digest authentication push cannot answer"):
            push.push(dump, store.url, "urn:x:g", credentials=("user", "secret"))
        assert store.bodies == []
    finally:
        store.close()


def test_a_configured_endpoint_is_announced_in_void_and_used_by_the_query_page(project_copy, tmp_path):
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        '# sparql_endpoint = "https://example.org/twinning/query"', 'sparql_endpoint = "https://sparql.example.net/twinning"'),
        encoding="utf-8")
    output = tmp_path / "publish"
    result = subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project_copy), "build",
                             "--output", str(output)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "<https://sparql.example.net/twinning>" in (output / "void.ttl").read_text(encoding="utf-8")
    assert 'action="https://sparql.example.net/twinning"' in (output / "sparql.html").read_text(encoding="utf-8")
    assert "form-action 'self' https://sparql.example.net/twinning;" in (output / "nginx-server.conf").read_text()
