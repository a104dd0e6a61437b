"""Serve stage: the published site and a read-only Oxigraph SPARQL endpoint behind one loopback address.

Oxigraph answers SPARQL and nothing else, so a small front server shares one origin between the
static pages (with the same content negotiation, media types and headers as the nginx rules of
`web_rules`) and `/query`, which it checks (`query_guard`) and hands to the Oxigraph processes of
`oxigraph_pool`. Browsers asking for HTML get the results as a table rendered on the server, so the
query page needs no JavaScript. Behind nginx, this is the upstream of `/query`.

The front serves nothing that resolves outside the publication (a symlink planted in it included),
lists no folder, answers 400 to a malformed request and gives each read of a slow client 10 s, as
nginx's client timeouts do. A thread per connection and a deep listen queue keep its latency near
Oxigraph's own under load: the answers are small, and Python's default queue of 5 made clients past
it wait for their connection to be retried (1 s, then 3 s).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import urllib.parse
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..config import Settings
from ..publish.site import environment
from ..publish.web_rules import CORS_HEADERS, DOCUMENT_TYPES, MEDIA_TYPES, SECURITY_HEADERS, SPECIAL_TYPES, form_action
from . import query_guard, results
from .negotiation import choose
from .oxigraph_pool import EnginePool, Limits, Stopped
from .query import Answer, with_base

CLIENT_TIMEOUT_S = 10
LISTEN_QUEUE = 1024
CONTENT_LENGTH = re.compile(r"^[0-9]{1,9}$")
STOPPED_STATUS = {"time": 504, "memory": 422, "result": 422, "engine": 503}


class FrontServer(ThreadingHTTPServer):
    request_queue_size = LISTEN_QUEUE


class FrontHandler(SimpleHTTPRequestHandler):
    """Static files with content negotiation, `/query` checked and answered, every other write refused."""

    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # an unreadable request line still gets a status line, not HTTP/0.9
    timeout = CLIENT_TIMEOUT_S

    def version_string(self) -> str:
        return "twinning"

    def __init__(self, *args, pool: EnginePool, allowed_services: frozenset[str], policy: str, base_iri: str, **kwargs):
        self.pool = pool
        self.base_iri = base_iri
        self.allowed_services = allowed_services
        self.policy = policy
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # one line per request, on stderr, without the date noise
        sys.stderr.write(f"{self.command} {getattr(self, 'path', '')[:120]} -> {args[1] if len(args) > 1 else ''}\n")

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if "\x00" in urllib.parse.unquote(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "a NUL byte in the path")
            return False
        return True

    def end_headers(self):
        for header, value in SECURITY_HEADERS.items():
            self.send_header(header, self.policy if header == "Content-Security-Policy" else value)
        if self.is_query():
            for header, value in CORS_HEADERS.items():
                self.send_header(header, value)
        self.send_header("Vary", "Accept")
        super().end_headers()

    def is_query(self) -> bool:
        return urllib.parse.urlsplit(getattr(self, "path", "")).path == "/query"  # unset in a malformed request

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/query":
            return self.query(url.query, None, None)
        return super().do_GET()

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/query":
            return self.refuse_write()
        length = self.headers.get("Content-Length", "")
        if "Transfer-Encoding" in self.headers or not CONTENT_LENGTH.match(length):
            self.close_connection = True
            return self.send_error(HTTPStatus.BAD_REQUEST, "a POST needs a Content-Length: a number of bytes")
        if int(length) > 3 * query_guard.MAX_QUERY_BYTES:  # room for a form's percent-encoding
            self.close_connection = True
            return self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the query is too long")
        try:
            body = self.rfile.read(int(length))
        except TimeoutError:
            self.close_connection = True
            return self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request body did not arrive in time")
        if len(body) < int(length):
            self.close_connection = True
            return self.send_error(HTTPStatus.BAD_REQUEST, "the body is shorter than its Content-Length")
        return self.query(url.query, body, self.headers.get("Content-Type", ""))

    def do_OPTIONS(self):
        """The CORS preflight of a browser-based SPARQL client; nothing else has options."""
        if not self.is_query():
            return self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_DELETE = do_PATCH = lambda self: self.refuse_write()

    def refuse_write(self):
        self.send_error(HTTPStatus.FORBIDDEN, "This SPARQL service is read-only: updates are refused")

    def translate_path(self, path):
        """`/partner/pisa` answers `pisa.html`, or `.ttl`/`.nt`/`.jsonld` when the Accept header prefers RDF."""
        local = Path(super().translate_path(path))
        if local.is_file():
            return str(local)
        chosen = choose(self.headers.get("Accept"), list(DOCUMENT_TYPES)) or "text/html"
        if urllib.parse.urlsplit(path).path.endswith("/"):  # a namespace (`/ontology/`): its folder's index
            for suffix in (DOCUMENT_TYPES[chosen], ".html"):
                if (local / f"index{suffix}").is_file():
                    return str(local / f"index{suffix}")
            return str(local)
        # a resource before a folder of the same name (`/ontology` is the ontology, `/ontology/` its terms)
        for suffix in (DOCUMENT_TYPES[chosen], ".html"):
            if local.with_name(local.name + suffix).is_file():
                return str(local.with_name(local.name + suffix))
        return str(local)

    def send_head(self):
        """Only what resolves inside the publication: a symlink that leads out of it is not there."""
        root = os.path.realpath(self.directory)
        resolved = os.path.realpath(self.translate_path(self.path))
        if resolved != root and not resolved.startswith(root + os.sep):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def guess_type(self, path):
        relative = "/" + os.path.relpath(path, self.directory).replace(os.sep, "/")
        return SPECIAL_TYPES.get(relative) or MEDIA_TYPES.get(os.path.splitext(path)[1]) or super().guess_type(path)

    def query(self, url_query: str, body: bytes | None, content_type: str | None):
        accept = self.headers.get("Accept")
        html = choose(accept, list(query_guard.RESULT_FORMATS)) == "text/html"
        text = ""
        try:
            request = query_guard.query_request(url_query, body, content_type)
            text = request.text
            query_guard.check_services(with_base(text, self.base_iri), self.allowed_services)
            # relative IRIs (`PREFIX tw: <ontology/>`) mean here what they mean in `twinning query`
            status, media, payload = self.pool.ask(request.engine_path(), with_base(text, self.base_iri).encode("utf-8"), {
                "Content-Type": "application/sparql-query", "Accept": query_guard.ENGINE_ACCEPT})
            answered = query_guard.answer(status, media, payload, accept)
        except query_guard.Refused as refused:
            return self.query_error(refused.status, str(refused), text, html)
        except Stopped as stopped:
            return self.query_error(STOPPED_STATUS[stopped.reason], str(stopped), text, html)
        if answered.table is not None:
            return self.send_body(200, "text/html; charset=utf-8", self.results_page(text, answered.table, None))
        return self.send_body(200, answered.media, answered.body)

    def query_error(self, status: int, message: str, query: str, html: bool):
        """An error as its status with a readable body: the results page for a browser, else plain text."""
        if html:
            return self.send_body(status, "text/html; charset=utf-8", self.results_page(query, None, message))
        return self.send_body(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def send_body(self, status: int, media: str, payload: bytes):
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def results_page(self, query: str, table: dict | None, error: str | None) -> bytes:
        page = environment().get_template("results.html").render(
            root=".", title="Résultats SPARQL", query=query, answer=Answer(table) if table else None, error=error,
            rows=results.linked_rows(Answer(table), self.base_iri) if table else [])
        return page.encode("utf-8")


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def serve(settings: Settings, host: str, port: int, limits: Limits, announce=print) -> None:
    """Run until interrupted (Ctrl-C or SIGTERM); the store and the Oxigraph processes go with it."""
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with EnginePool(settings.dump_path, host, limits) as pool:
        handler = partial(FrontHandler, directory=str(settings.output_dir), pool=pool,
                          allowed_services=frozenset(settings.sparql_service_allow),
                          policy=form_action(settings.sparql_endpoint), base_iri=settings.base_iri)
        with FrontServer((host, port), handler) as front:
            address = f"http://{host}:{front.server_address[1]}/"
            announce(f"serving {settings.output_dir} at {address} and SPARQL at {address}query "
                     f"(read-only; each query within {limits.time_s:g} s, {limits.memory_mb} MB of memory and "
                     f"{limits.result_mb} MB of answer); Ctrl-C stops")
            try:
                front.serve_forever()
            except KeyboardInterrupt:
                announce("stopping")
