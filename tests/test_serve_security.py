"""`twinning serve` attacked as the security review did: real processes on loopback, real outcomes.

The endpoint calls no service off its allow-list (a local listener must receive nothing), stops a
runaway query and frees its memory while answering others, and reports every error as a status with
a readable body; the front lists nothing, serves nothing outside the publication, answers malformed
requests with 400, drops slow clients, and sends the security and CORS headers.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT
from twinning.serve import negotiation, query_guard
from twinning.serve import query as sparql
from twinning.config import load_settings
from twinning.publish.web_rules import DOCUMENT_TYPES

PAGE_OFFERS = list(DOCUMENT_TYPES)
# Accept headers and the document each must get (html, ttl, nt, jsonld), shared with test_nginx.py.
NEGOTIATION_CASES = {
    "": ".html",
    "*/*": ".html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": ".html",
    "text/turtle": ".ttl",
    "TEXT/Turtle": ".ttl",
    "text/html;q=0.5, text/turtle": ".ttl",
    "text/turtle;q=0.5, text/html": ".html",
    "text/turtle;q=0": ".html",
    "application/ld+json": ".jsonld",
    "application/n-triples;q=0.9, text/turtle;q=0.8, text/html;q=0.1": ".nt",
    "application/ld+json;q=0.95, text/turtle;q=0.9": ".jsonld",
    "text/turtle;charset=utf-8;q=0.7, application/n-triples;q=0.75": ".nt",
    "text/*;q=0.5, application/ld+json;q=0.4": ".html",
    "application/*, text/html;q=0.2": ".nt",
}


class Recorder:
    """A tiny HTTP server on 127.0.0.1 that writes down every request it gets and answers `reply`."""

    def __init__(self, reply: bytes = b"not SPARQL", media: str = "text/html"):
        self.requests: list[str] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                recorder.requests.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            do_GET = do_POST = answer

            def log_message(self, *args):
                pass
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Front:
    """`twinning serve` in its own process, as a person starts it; the address is read from its banner."""

    def __init__(self, project: Path, output: Path, tmp: Path, *options: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "twinning.cli", "--project", str(project), "serve", "--port", "0",
             "--publication", str(output), *options], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "TMPDIR": str(tmp)})
        banner = self.process.stdout.readline()
        assert banner.startswith("serving "), banner
        self.url = banner.split(" at ")[1].split(" ")[0]
        self.port = urllib.parse.urlsplit(self.url).port

    def get(self, path: str, accept: str = "", method: str = "GET", body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body, {**({"Accept": accept} if accept else {}), **(headers or {})})
        response = connection.getresponse()
        answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        connection.close()
        return answer

    def query(self, text: str, accept: str = "application/sparql-results+json") -> tuple[int, dict, bytes]:
        return self.get("/query?" + urllib.parse.urlencode({"query": text}), accept)

    def engines(self) -> list[int]:
        """The pids of its Oxigraph processes (a process started by any of its threads)."""
        children = [pid for task in Path(f"/proc/{self.process.pid}/task").iterdir()
                    for pid in (task / "children").read_text().split()]
        return sorted(int(pid) for pid in children if "oxigraph" in Path(f"/proc/{pid}/cmdline").read_text())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def raw(port: int, data: bytes, wait_s: float = 15) -> bytes:
    """Send bytes as they are and read until the server answers or closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as connection:
        connection.sendall(data)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
                if b"\r\n\r\n" in received:
                    break
        except (TimeoutError, ConnectionResetError):
            pass
        return received


@pytest.fixture(scope="module")
def front(built, tmp_path_factory):
    served = Front(ROOT, built, tmp_path_factory.mktemp("front"), "--timeout", "2", "--memory-mb", "400")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def target():
    recorder = Recorder()
    yield recorder
    recorder.close()


def service_queries(url: str) -> dict[str, str]:
    """Ways of asking for SERVICE <url>: each must be refused before the engine runs."""
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}x> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{url}x> {{ ?s ?p ?o }} }}",
        "glued to a prefixed name": f"PREFIX ex: <{url}> SELECT * WHERE {{ {{}} SERVICEex:x {{ ?s ?p ?o }} }}",
        "in EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}x> {{ ?a ?b ?c }} }} }} LIMIT 1",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} }} }} }}",
        "relative, with BASE": f"BASE <{url}> SELECT * WHERE {{ SERVICE <x> {{ ?s ?p ?o }} }}",
        "variable": f"SELECT * WHERE {{ VALUES ?u {{ <{url}x> }} SERVICE ?u {{ ?s ?p ?o }} }}",
        "unicode escape": f"SELECT * WHERE {{ \\u0053ERVICE <{url}x> {{ ?s ?p ?o }} }}",
    }


@pytest.mark.parametrize("way", list(service_queries("http://x/")))
def test_service_calls_off_the_allow_list_are_refused_and_send_nothing(front, target, way):
    text = service_queries(target.url)[way]
    status, headers, body = front.query(text)
    assert status in (400, 403), body
    assert headers["content-type"] == "text/plain; charset=utf-8" and b"SERVICE" in body
    time.sleep(0.2)
    assert target.requests == []


def test_no_channel_smuggles_a_service_call(front, target):
    text = service_queries(target.url)["plain"]
    encoded = urllib.parse.urlencode({"query": text}).encode()
    attempts = [
        front.get("/query", method="POST", body=text.encode(), headers={"Content-Type": "application/sparql-query"}),
        front.get("/query", method="POST", body=encoded, headers={"Content-Type": "application/x-www-form-urlencoded"}),
        front.get("/query?" + urllib.parse.urlencode({"query": "ASK {}"}), method="POST", body=encoded,
                  headers={"Content-Type": "application/x-www-form-urlencoded"}),  # a checked one, a hidden one
        front.get("/query?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", text)])),
        front.get("/query", method="POST", body=text.encode(), headers={"Content-Type": "text/plain"}),
    ]
    assert [status for status, _, _ in attempts] == [403, 403, 400, 400, 415]
    time.sleep(0.2)
    assert target.requests == []


def test_an_allowed_service_is_called_and_a_broken_answer_is_an_error_in_every_format(project_copy, built, tmp_path):
    sparql_json = json.dumps({"head": {"vars": ["o"]}, "results": {"bindings": [
        {"o": {"type": "literal", "value": "from-the-allowed-service"}}]}}).encode()
    good, bad = Recorder(sparql_json, "application/sparql-results+json"), Recorder(b"<html>oops</html>")
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "sparql_service_allow = []", f'sparql_service_allow = ["{good.url}sparql", "{bad.url}sparql"]'),
        encoding="utf-8")
    served = Front(project_copy, built, tmp_path, "--timeout", "5")
    try:
        status, _, body = served.query(f"SELECT ?o WHERE {{ SERVICE <{good.url}sparql> {{ ?s ?p ?o }} }}")
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["o"]["value"] == "from-the-allowed-service"
        assert good.requests == ["POST /sparql"]
        broken = f"SELECT ?o WHERE {{ ?x ?y ?z SERVICE <{bad.url}sparql> {{ ?s ?p ?o }} }}"
        for accept in ("application/sparql-results+json", "text/csv"):
            status, headers, body = served.query(broken, accept)
            assert (status, headers["content-type"]) == (502, "text/plain; charset=utf-8")
            assert body.startswith(b"the SPARQL engine failed while answering: Unsupported Content-Type")
        status, headers, body = served.query(broken, "text/html")
        assert status == 502 and headers["content-type"] == "text/html; charset=utf-8"
        assert b'<pre class="error">the SPARQL engine failed while answering' in body
        assert bad.requests and all(r == "POST /sparql" for r in bad.requests)
    finally:
        served.stop()
        good.close()
        bad.close()


@pytest.mark.parametrize("accept, media", [("application/sparql-results+json", "text/plain; charset=utf-8"),
                                           ("text/csv", "text/plain; charset=utf-8"),
                                           ("text/html", "text/html; charset=utf-8")])
def test_errors_are_statuses_with_a_readable_body(front, accept, media):
    status, headers, body = front.query("SELEC ?x WHERE {}", accept)
    assert (status, headers["content-type"]) == (400, media) and b"expected" in body
    # Oxigraph cancels this count itself, in the middle of its answer: a 200 with broken JSON before
    status, headers, body = front.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", accept)
    assert (status, headers["content-type"]) == (504, media) and b"time limit" in body


def test_an_answer_past_the_size_limit_is_refused(front):
    status, headers, body = front.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 40000")
    assert (status, headers["content-type"]) == (422, "text/plain; charset=utf-8")
    assert b"larger than this endpoint's limit of 8 MB" in body
    assert front.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 400")[0] == 200


def test_answers_in_the_formats_a_client_asks_for(front):
    status, headers, body = front.query("SELECT ?s WHERE { ?s a ?t } LIMIT 2", "text/tab-separated-values")
    assert status == 200 and headers["content-type"] == "text/tab-separated-values" and body.startswith(b"?s\n")
    status, headers, body = front.query("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle") and b" a " in body
    status, headers, body = front.query("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2", "text/html")
    assert status == 200 and b"<th scope=\"col\">subject</th>" in body and b"2 ligne(s)" in body
    status, _, body = front.query("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2", "text/csv")
    assert status == 406 and b"text/turtle" in body


def test_a_runaway_sort_is_killed_its_memory_freed_and_others_answered(front):
    """The cross join sorted before its first row: Oxigraph's own timeout does not stop it."""
    runaway = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
    before = front.engines()
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        pending = pool.submit(front.query, runaway)
        probes = []
        while not pending.done():
            probes.append(front.query("ASK { ?s ?p ?o }")[0])
            time.sleep(0.2)
        status, _, body = pending.result()
        took = time.monotonic() - started
    assert status in (422, 504), body
    assert took < 2 + 5 + 3, f"stopped after {took:.1f} s"
    assert probes and set(probes) == {200}
    time.sleep(1)
    after = front.engines()
    assert len(after) == 2 and set(after) != set(before), "the engine that ran it was replaced"
    assert all(rss_mb(pid) < 200 for pid in after)
    assert front.query("ASK { ?s ?p ?o }")[0] == 200


def test_no_listing_and_nothing_outside_the_publication(built, tmp_path):
    site = tmp_path / "publish"
    shutil.copytree(built, site)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside-the-publication")
    (site / "leak.txt").symlink_to(secret)
    (site / "outside").symlink_to(tmp_path)
    served = Front(ROOT, site, tmp_path, "--timeout", "5")
    try:
        for path in ("/partner/", "/downloads/", "/leak.txt", "/outside/", "/outside/secret.txt", "/partner/wigan%00.html"):
            status, _, body = served.get(path)
            assert status in (400, 404) and b"outside-the-publication" not in body, path
        assert served.get("/partner/wigan%00.html")[0] == 400
        assert served.get("/partner/wigan")[0] == 200
    finally:
        served.stop()


def test_malformed_and_slow_requests(front):
    head = b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    assert raw(front.port, head + b"Content-Length: abc\r\n\r\nASK {}").startswith(b"HTTP/1.1 400")
    assert raw(front.port, head + b"Content-Length: -1\r\n\r\nASK {}").startswith(b"HTTP/1.1 400")
    assert raw(front.port, head + b"Content-Length: 99999999\r\n\r\nASK {}").startswith(b"HTTP/1.1 413")
    started = time.monotonic()
    assert raw(front.port, head + b"Content-Length: 100\r\n\r\nASK {}", wait_s=30).startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 15
    started = time.monotonic()
    assert raw(front.port, b"GET / HTTP/1.1\r\nHost: x\r\n", wait_s=30) == b""  # headers never finished
    assert time.monotonic() - started < 15
    assert front.get("/")[0] == 200


def test_security_and_cors_headers(front):
    for path in ("/", "/partner/pisa", "/nowhere", "/query?query=ASK%7B%7D"):
        _, headers, _ = front.get(path)
        assert headers["x-content-type-options"] == "nosniff", path
        assert "default-src 'none'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    _, headers, _ = front.get("/query?query=ASK%7B%7D")
    assert headers["access-control-allow-origin"] == "*"
    status, headers, _ = front.get("/query", method="OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert status == 204 and "POST" in headers["access-control-allow-methods"]
    assert "access-control-allow-origin" not in front.get("/")[1]


def test_a_resource_beside_a_folder_of_the_same_name(front, built):
    """`/ontology` and `/concept/kind` are resources; their folders hold the terms, and `/ontology/`, the
    namespace, answers its documentation."""
    for iri in ("/ontology", "/concept/kind"):
        for accept, suffix in (("text/html", ".html"), ("text/turtle", ".ttl")):
            status, _, body = front.get(iri, accept)
            assert status == 200 and body == (built / (iri[1:] + suffix)).read_bytes(), (iri, accept)
    for accept, suffix in (("text/html", ".html"), ("text/turtle", ".ttl")):  # the namespace: its documentation
        status, _, body = front.get("/ontology/", accept)
        assert status == 200 and body == (built / "ontology" / f"index{suffix}").read_bytes(), accept
    assert front.get("/partner/")[0] == 404  # a folder without an index is not listed


@pytest.mark.parametrize("accept", list(NEGOTIATION_CASES))
def test_negotiation_with_quality_values(front, accept):
    expected = NEGOTIATION_CASES[accept]
    assert DOCUMENT_TYPES[negotiation.choose(accept, PAGE_OFFERS) or "text/html"] == expected
    status, headers, _ = front.get("/partner/pisa", accept)
    assert status == 200 and headers["vary"] == "Accept"
    assert headers["content-type"].split(";")[0] == {v: k for k, v in DOCUMENT_TYPES.items()}[expected]


def test_a_burst_of_connections_waits_for_no_retransmission(front):
    """A connection the listen queue cannot hold waits for its SYN to be sent again (1 s, then 3 s):
    with room for the burst, every connection is made at once, however busy the server is."""
    def connect(_) -> tuple[float, socket.socket]:
        started = time.monotonic()
        connection = socket.create_connection(("127.0.0.1", front.port), timeout=30)
        return time.monotonic() - started, connection
    with ThreadPoolExecutor(100) as pool:
        made = list(pool.map(connect, range(300)))
    try:
        for _, connection in made:
            connection.sendall(b"GET /style.css HTTP/1.0\r\n\r\n")
        answers = [connection.recv(12) for _, connection in made]
    finally:
        for _, connection in made:
            connection.close()
    assert max(took for took, _ in made) < 0.9 and all(a.startswith(b"HTTP/1.1 200") for a in answers)


def test_the_federated_example_runs_only_once_wikidata_is_allowed():
    """Query 14 and its comment name the setting that lets it call Wikidata (checked here without
    calling it: the tests never reach the Internet)."""
    example = next(e for e in sparql.example_queries(ROOT / "queries") if e.federated)
    assert "sparql_service_allow" in example.comment and load_settings(ROOT).sparql_service_allow == ()
    with pytest.raises(query_guard.Refused) as refused:
        query_guard.check_services(example.text, frozenset())
    assert refused.value.status == 403 and "https://query.wikidata.org/sparql" in str(refused.value)
    query_guard.check_services(example.text, frozenset({"https://query.wikidata.org/sparql"}))


@pytest.mark.parametrize("request_line, status", [(b"GARBAGE", b"400"), (b"GET /a b c d HTTP/1.1", b"400"),
                                                  (b"GET / HTTP/9.9", b"505"),
                                                  (b"GET /" + b"a" * 70000 + b" HTTP/1.1", b"414")])
def test_a_malformed_request_line_gets_an_error_status(front, request_line, status):
    assert raw(front.port, request_line + b"\r\n\r\n").split(b" ")[1] == status


def test_an_allow_list_that_is_not_a_list_is_refused_with_a_message(project_copy):
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "sparql_service_allow = []", 'sparql_service_allow = "https://query.wikidata.org/sparql"'), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "twinning.cli", "--project", str(project_copy), "serve", "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "sparql_service_allow must be a list" in result.stderr
    assert "Traceback" not in result.stderr
