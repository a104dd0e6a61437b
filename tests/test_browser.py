"""A real headless Chromium opens the built site: the text people should see, and no console error."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading

import pytest


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser test: .ci/run installs Debian's chromium")


@pytest.fixture(scope="module")
def server(built):  # noqa: F811
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def chromium(*args, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
                           "--v=0", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)")
@pytest.mark.parametrize("page, expected", [
    ("index.html", "Ivry-sur-Seine"),
    ("partnership/ivry-sur-seine-jifna-jalazone.html", "Un accord de coopération a été signé en 2012"),
])
def test_page_in_headless_chromium(server, tmp_path, page, expected):
    dom = chromium("--dump-dom", f"{server}/{page}", tmp_path=tmp_path)
    assert expected in dom.stdout
    console_errors = [line for line in dom.stderr.splitlines() if "CONSOLE" in line and "ERROR" in line.upper()]
    assert console_errors == []
    shot = tmp_path / "page.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,900", f"{server}/{page}", tmp_path=tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    screenshots = os.environ.get("SCREENSHOT_DIR")
    if screenshots:
        os.makedirs(screenshots, exist_ok=True)
        shutil.copy(shot, os.path.join(screenshots, page.replace("/", "_") + ".png"))
