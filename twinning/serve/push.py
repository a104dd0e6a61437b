"""Push stage: hand the built dump to any SPARQL 1.1 Graph Store Protocol endpoint, in one named graph.

One HTTP PUT replaces the graph's whole content (GSP §5.3), so a store never holds half of an old
release and half of a new one, and pushing the same release twice leaves the same graph.
"""

from __future__ import annotations

import base64
import html
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PASSWORD_VARIABLE = "TWINNING_GRAPH_STORE_PASSWORD"


class PushFailed(Exception):
    """The graph store refused or could not be reached; the message says which and why."""


def graph_url(store_url: str, graph_iri: str) -> str:
    """Indirect graph identification: `?graph=` appended to the store's URL (GSP §4.2)."""
    separator = "&" if urllib.parse.urlsplit(store_url).query else "?"
    return f"{store_url}{separator}{urllib.parse.urlencode({'graph': graph_iri})}"


class NotFollowed(urllib.request.HTTPRedirectHandler):
    """A redirect is answered, not followed: urllib would send the Authorization header on to whatever
    host the Location names."""

    def redirect_request(self, *args, **kwargs):
        return None


STAYING = urllib.request.build_opener(NotFollowed)


def challenge(url: str, headers: dict[str, str], timeout: float) -> str | None:
    """The store's WWW-Authenticate challenge if a bodiless HEAD with these headers gets 401, else None.

    Any other answer (a store that asks for nothing, a missing graph, 501 from a store without HEAD)
    lets the PUT go and get the store's own answer."""
    try:
        STAYING.open(urllib.request.Request(url, method="HEAD", headers=headers), timeout=timeout).close()
    except urllib.error.HTTPError as error:
        if error.code == 401:
            return error.headers.get("WWW-Authenticate", "")
    return None


def authorization(request: urllib.request.Request, store_url: str, credentials: tuple[str, str] | None,
                  timeout: float) -> dict[str, str]:
    """The header that authenticates the PUT, learnt and tried with bodiless requests first.

    Virtuoso refuses an unauthenticated PUT as soon as it has read the headers and closes the connection,
    so the upload of the dump breaks (EPIPE) before its 401 can be read: the challenge is fetched, and the
    credentials tried, without a body. A missing or wrong password is then reported as such, and the dump
    is sent once, already authenticated. Basic and Digest are spoken; Digest's answer covers the method,
    so the HEAD and the PUT each get their own."""
    asked = challenge(request.full_url, {}, timeout)
    if asked is None:
        return {}
    if credentials is None:
        raise PushFailed(f"the graph store {store_url} asks for credentials (HTTP 401): give --user NAME and the "
                         f"password in {PASSWORD_VARIABLE}")
    scheme, _, parameters = asked.partition(" ")
    if scheme.lower() not in ("basic", "digest"):
        raise PushFailed(f"the graph store {store_url} asks for {scheme or 'unnamed'} authentication: push "
                         "speaks Basic and Digest")
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, request.full_url, *credentials)
    digest = urllib.request.HTTPDigestAuthHandler(passwords)
    fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(parameters)))

    def answer(method: str) -> dict[str, str]:
        if scheme.lower() == "basic":
            return {"Authorization": "Basic " + base64.b64encode(":".join(credentials).encode()).decode("ascii")}
        signed = urllib.request.Request(request.full_url, data=request.data, method=method)
        try:
            answered = digest.get_authorization(signed, fields)
        except (ValueError, urllib.error.URLError):  # an algorithm or qop urllib does not speak
            answered = None
        if answered is None:  # also a challenge without realm or nonce
            raise PushFailed(f"the graph store {store_url} asks for a Digest authentication push cannot answer: {asked}")
        return {"Authorization": "Digest " + answered}

    if challenge(request.full_url, answer("HEAD"), timeout) is not None:
        raise PushFailed(f"the graph store {store_url} refused user {credentials[0]!r} (HTTP 401): check --user "
                         f"and {PASSWORD_VARIABLE}")
    return answer("PUT")


def one_line(body: bytes) -> str:
    """A store's error page (Virtuoso answers in HTML) as the one line of text it says."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", body.decode("utf-8", errors="replace")))
    return " ".join(text.split())[:500]


def push(dump: Path, store_url: str, graph_iri: str, timeout: float = 120,
         credentials: tuple[str, str] | None = None) -> int:
    """PUT the N-Triples dump into the named graph, as the user (name, password) if given; return the
    HTTP status the store gave."""
    if not dump.is_file():
        raise PushFailed(f"{dump} not found: run `twinning build` first")
    request = urllib.request.Request(graph_url(store_url, graph_iri), data=dump.read_bytes(), method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    try:
        for name, value in authorization(request, store_url, credentials, timeout).items():
            request.add_header(name, value)
        with STAYING.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        detail = one_line(error.read() if error.fp else b"")
        unused = (" (it asked for no credentials before the upload, so --user was not used)"
                  if error.code == 401 and credentials is not None else "")
        raise PushFailed(f"the graph store {store_url} answered HTTP {error.code} {error.reason}{unused}: {detail}") from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        raise PushFailed(f"cannot reach the graph store {store_url}: {getattr(error, 'reason', error)}") from None
