"""Load stage: the Turtle of data/, ontology/ and shapes/ as graphs, with which file says what."""

from .sources import Sources, load

__all__ = ["Sources", "load"]
