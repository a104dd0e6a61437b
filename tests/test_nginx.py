"""The nginx rules the build writes, run by Debian's nginx on loopback exactly as docs/deploying.md
tells a deployer to include them: pages, RDF by Accept header, media types, a stylesheet, and
queries through `/query` to `twinning serve`.

nginx runs unprivileged here, with its own prefix, pid, logs and temporary folders in a tmp folder;
as root, its workers run as `nobody` and so show that the publication is readable by another user.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import ROOT, build
from test_serve_security import NEGOTIATION_CASES, Front, Recorder, service_queries
from twinning.serve import query as sparql
from twinning.serve.oxigraph_pool import free_port
from twinning.publish.web_rules import DOCUMENT_TYPES, SECURITY_HEADERS

NGINX = shutil.which("nginx", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin")
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs Debian's)")

BASE = "https://example.org/twinning/"


def main_conf(folder, site, port: int, upstream: int) -> str:
    """Debian's nginx.conf reduced to what matters, with the deployer's server block of docs/deploying.md."""
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    {temp}
    include {site}/nginx.conf;
    upstream twinning_sparql {{ server 127.0.0.1:{upstream}; keepalive 16; keepalive_timeout 5s; }}
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/nginx-server.conf;
    }}
}}
"""


class Nginx:
    def __init__(self, folder, site, upstream: int):
        self.port = free_port("127.0.0.1")
        self.conf = folder / "nginx.conf"
        self.conf.write_text(main_conf(folder, site, self.port, upstream))
        self.command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(self.conf)]
        self.checked = subprocess.run(self.command + ["-t"], capture_output=True, text=True)
        self.process = subprocess.Popen(self.command + ["-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
        for _ in range(100):
            try:
                self.get("/")
                break
            except OSError:
                time.sleep(0.1)

    def get(self, path: str, accept: str = "", method: str = "GET", body: bytes | None = None,
            headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body, {**({"Accept": accept} if accept else {}), **(headers or {})})
        response = connection.getresponse()
        answer = response.status, response.getheaders(), response.read()
        connection.close()
        return answer

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def header(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


@pytest.fixture(scope="module")
def site():
    """A build in a folder others may enter (as /srv/twinning), with a symlink out of it planted, as the
    review did. The build's own modes are kept: nginx's workers read it as another user."""
    folder = Path(tempfile.mkdtemp(prefix="twinning-nginx-"))
    folder.chmod(0o755)
    output = folder / "publish"
    result = build(ROOT, output)
    assert result.returncode == 0, result.stderr
    (folder / "secret.txt").write_text("outside-the-publication")
    (output / "leak.txt").symlink_to(folder / "secret.txt")
    yield output
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def front(site, tmp_path_factory):
    served = Front(ROOT, site, tmp_path_factory.mktemp("nginx-front"), "--timeout", "3")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def nginx(site, front, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    server = Nginx(folder, site, front.port)
    yield server
    server.stop()


def test_the_shipped_configuration_passes_nginx_t(nginx):
    assert nginx.checked.returncode == 0, nginx.checked.stderr
    assert "test is successful" in nginx.checked.stderr


def test_pages_stylesheet_and_media_types(nginx):
    status, headers, body = nginx.get("/partner/pisa", "text/html,*/*;q=0.8")
    assert status == 200 and header(headers, "Content-Type") == ["text/html; charset=utf-8"] and b"Pise" in body
    status, headers, body = nginx.get("/style.css")
    assert status == 200 and header(headers, "Content-Type") == ["text/css; charset=utf-8"] and b"{" in body
    status, headers, body = nginx.get("/sources/bagnolet.txt")
    assert status == 200 and header(headers, "Content-Type") == ["text/plain; charset=utf-8"]
    body.decode("utf-8")
    expected = {"/.well-known/void": "text/turtle", "/downloads/twinning.nt": "application/n-triples",
                "/downloads/partnerships.csv": "text/csv; charset=utf-8", "/downloads/twinning.nt.gz": "application/gzip",
                "/downloads/csv-metadata.json": "application/csvm+json", "/partner/pisa.jsonld": "application/ld+json"}
    for path, media in expected.items():
        status, headers, _ = nginx.get(path)
        assert (status, header(headers, "Content-Type")[0].split(";")[0]) == (200, media.split(";")[0]), path


@pytest.mark.parametrize("accept", list(NEGOTIATION_CASES))
def test_rdf_by_accept_header_with_quality_values(nginx, site, accept):
    expected = NEGOTIATION_CASES[accept]
    status, headers, body = nginx.get("/partner/pisa", accept)
    assert status == 200 and header(headers, "Vary") == ["Accept"]
    media = {v: k for k, v in DOCUMENT_TYPES.items()}[expected]
    assert header(headers, "Content-Type")[0].split(";")[0] == media
    assert body == (site / "partner" / f"pisa{expected}").read_bytes()


def test_a_resource_beside_a_folder_of_the_same_name(nginx, site):
    for iri in ("/ontology", "/concept/kind"):
        for accept, suffix in (("text/html", ".html"), ("text/turtle", ".ttl")):
            status, _, body = nginx.get(iri, accept)
            assert status == 200 and body == (site / (iri[1:] + suffix)).read_bytes(), (iri, accept)
    for accept, suffix in (("text/html", ".html"), ("text/turtle", ".ttl")):  # the namespace: its documentation
        status, _, body = nginx.get("/ontology/", accept)
        assert status == 200 and body == (site / "ontology" / f"index{suffix}").read_bytes(), accept


def test_a_missing_page_gets_the_site_404_page(nginx, site):
    status, _, body = nginx.get("/partner/nowhere")
    assert status == 404 and body == (site / "404.html").read_bytes()


def test_security_headers_no_listing_nothing_outside(nginx):
    for path in ("/", "/partner/pisa", "/nowhere", "/query?" + urllib.parse.urlencode({"query": "ASK {}"})):
        _, headers, _ = nginx.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert header(headers, name) == [value], (path, name)
    for path in ("/partner/", "/downloads/", "/leak.txt", "/nginx.conf", "/nginx-server.conf"):
        status, _, body = nginx.get(path)
        assert status in (403, 404) and b"outside-the-publication" not in body, path


def test_queries_through_nginx(nginx):
    example = next(e for e in sparql.example_queries(ROOT / "queries") if not e.federated)
    text = sparql.with_base(example.text, BASE)
    status, headers, body = nginx.get("/query?" + urllib.parse.urlencode({"query": text}), "text/csv")
    assert status == 200 and body.decode("utf-8").replace("\r\n", "\n") == example.expected_csv.read_text(encoding="utf-8")
    assert header(headers, "Access-Control-Allow-Origin") == ["*"]
    status, _, body = nginx.get("/query", "application/sparql-results+json", "POST", text.encode(),
                                {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["results"]["bindings"]
    status, _, body = nginx.get("/query?" + urllib.parse.urlencode({"query": text}), "text/html")
    assert status == 200 and b"<td>Boulogne-Billancourt</td>" in body
    status, headers, _ = nginx.get("/query", method="OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert status == 204 and header(headers, "Access-Control-Allow-Methods") == ["GET, POST, OPTIONS"]


def test_service_calls_are_refused_through_nginx(nginx):
    target = Recorder()
    try:
        status, _, body = nginx.get("/query?" + urllib.parse.urlencode({"query": service_queries(target.url)["plain"]}))
        assert status == 403 and b"sparql_service_allow" in body
        time.sleep(0.2)
        assert target.requests == []
    finally:
        target.close()
