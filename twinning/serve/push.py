"""Push stage: hand the built dump to any SPARQL 1.1 Graph Store Protocol endpoint, in one named graph.

One HTTP PUT replaces the graph's whole content (GSP §5.3), so a store never holds half of an old
release and half of a new one, and pushing the same release twice leaves the same graph.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


class PushFailed(Exception):
    """The graph store refused or could not be reached; the message says which and why."""


def graph_url(store_url: str, graph_iri: str) -> str:
    """Indirect graph identification: `?graph=` appended to the store's URL (GSP §4.2)."""
    separator = "&" if urllib.parse.urlsplit(store_url).query else "?"
    return f"{store_url}{separator}{urllib.parse.urlencode({'graph': graph_iri})}"


def push(dump: Path, store_url: str, graph_iri: str, timeout: float = 120) -> int:
    """PUT the N-Triples dump into the named graph; return the HTTP status the store gave."""
    if not dump.is_file():
        raise PushFailed(f"{dump} not found: run `twinning build` first")
    request = urllib.request.Request(graph_url(store_url, graph_iri), data=dump.read_bytes(), method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", errors="replace").strip()[:500]
        raise PushFailed(f"the graph store {store_url} answered HTTP {error.code} {error.reason}: {detail}") from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        raise PushFailed(f"cannot reach the graph store {store_url}: {getattr(error, 'reason', error)}") from None
