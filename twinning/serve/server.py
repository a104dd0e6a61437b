"""Serve stage: the published site and a read-only Oxigraph SPARQL endpoint behind one loopback address.

Oxigraph answers SPARQL and nothing else, so a small front server shares one origin between the
static pages (with the same content negotiation as the Apache and nginx rules) and `/query`, which
it forwards to `oxigraph serve-read-only`. Browsers asking for HTML get the results as a table
rendered on the server, so the query page needs no JavaScript.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..publish.site import environment
from . import results

RDF_SUFFIXES = {"text/turtle": ".ttl", "application/n-triples": ".nt", "application/ld+json": ".jsonld"}
SPARQL_RESULT_TYPES = ("application/sparql-results", "application/json", "text/csv", "text/tab-separated-values")


def oxigraph_command() -> str:
    """The `oxigraph` program installed beside this Python (a venv's bin/), else the one on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` command is missing: install the project with pip (it depends on oxigraph)")
    return found


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@dataclass
class SparqlProcess:
    url: str
    process: subprocess.Popen


@contextmanager
def read_only_endpoint(dump: Path, host: str, timeout_s: int):
    """Load the dump into a fresh Oxigraph store and run its read-only server until the block ends."""
    if not dump.is_file():
        raise RuntimeError(f"{dump} not found: run `twinning build` first")
    store = Path(tempfile.mkdtemp(prefix="twinning-store-"))
    process = None
    try:
        command = oxigraph_command()
        subprocess.run([command, "load", "--location", str(store), "--file", str(dump)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port = free_port(host)
        process = subprocess.Popen([command, "serve-read-only", "--location", str(store), "--bind", f"{host}:{port}",
                                    "--timeout-s", str(timeout_s)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        endpoint = SparqlProcess(f"http://{host}:{port}/query", process)
        wait_until_answering(endpoint)
        yield endpoint
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(store, ignore_errors=True)


def wait_until_answering(endpoint: SparqlProcess, within_s: float = 30) -> None:
    probe = endpoint.url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if endpoint.process.poll() is not None:
            raise RuntimeError(f"oxigraph stopped at start: {endpoint.process.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"oxigraph did not answer on {endpoint.url} within {within_s:g} s")


def wants_html(accept: str) -> bool:
    return "text/html" in accept and not any(kind in accept for kind in SPARQL_RESULT_TYPES)


class FrontHandler(SimpleHTTPRequestHandler):
    """Static files with content negotiation, `/query` forwarded, every other write refused."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".ttl": "text/turtle",
                      ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".csv": "text/csv",
                      ".json": "application/csvm+json", ".gz": "application/gzip",
                      "": "text/turtle"}  # the one file without a suffix is .well-known/void

    def __init__(self, *args, sparql_url: str, forward_timeout: float, base_iri: str, **kwargs):
        self.sparql_url = sparql_url
        self.base_iri = base_iri
        self.forward_timeout = forward_timeout
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # one line per request, on stderr, without the date noise
        sys.stderr.write(f"{self.command} {self.path[:120]} -> {args[1] if len(args) > 1 else ''}\n")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/query":
            return self.forward(url.query, None, None)
        return super().do_GET()

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/query":
            return self.refuse_write()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/sparql-update") or "update" in urllib.parse.parse_qs(body.decode(
                "utf-8", errors="replace")):
            return self.refuse_write()
        return self.forward(url.query, body, content_type)

    do_PUT = do_DELETE = do_PATCH = lambda self: self.refuse_write()

    def refuse_write(self):
        self.send_error(HTTPStatus.FORBIDDEN, "This SPARQL service is read-only: updates are refused")

    def translate_path(self, path):
        """`/partner/pisa` answers `pisa.html`, or `.ttl`/`.nt`/`.jsonld` when the Accept header asks for RDF."""
        local = Path(super().translate_path(path))
        if local.exists():
            return str(local)
        accept = self.headers.get("Accept", "")
        for media, suffix in RDF_SUFFIXES.items():
            if media in accept and local.with_name(local.name + suffix).is_file():
                return str(local.with_name(local.name + suffix))
        return str(local.with_name(local.name + ".html"))

    def forward(self, query_string: str, body: bytes | None, content_type: str | None):
        accept = self.headers.get("Accept", "")
        html = wants_html(accept) and body is None
        sent, body = results.based(query_string, body, content_type, self.base_iri)
        request = urllib.request.Request(self.sparql_url + ("?" + sent if sent else ""), data=body,
                                         method="POST" if body is not None else "GET")
        request.add_header("Accept", results.HTML_ACCEPT if html else accept or "*/*")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.forward_timeout) as response:
                status, payload, media = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, payload, media = error.code, error.read(), error.headers.get("Content-Type", "text/plain")
        except (urllib.error.URLError, TimeoutError, socket.timeout) as error:
            status, payload, media = 504, f"the SPARQL engine did not answer: {error}".encode(), "text/plain"
        if html:
            query = urllib.parse.parse_qs(query_string).get("query", [""])[0]
            payload, media = self.results_page(query, status, media, payload), "text/html; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def results_page(self, query: str, status: int, media: str, payload: bytes) -> bytes:
        page = environment().get_template("results.html").render(
            root=".", title="Résultats SPARQL", query=query, **results.page_context(status, media, payload, self.base_iri))
        return page.encode("utf-8")


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def serve(site: Path, dump: Path, host: str, port: int, timeout_s: int, announce=print, *, base_iri: str) -> None:
    """Run until interrupted (Ctrl-C or SIGTERM); the store and the Oxigraph process go with it."""
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with read_only_endpoint(dump, host, timeout_s) as endpoint:
        handler = partial(FrontHandler, directory=str(site), sparql_url=endpoint.url, forward_timeout=timeout_s + 5,
                          base_iri=base_iri)
        with ThreadingHTTPServer((host, port), handler) as front:
            address = f"http://{host}:{front.server_address[1]}/"
            announce(f"serving {site} at {address} and SPARQL at {address}query "
                     f"(read-only, {timeout_s} s timeout); Ctrl-C stops")
            try:
                front.serve_forever()
            except KeyboardInterrupt:
                announce("stopping")
