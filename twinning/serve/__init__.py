"""Serving a built publication: SPARQL in-process or on a server, and pushing it to a Graph Store."""
