"""Project settings: the one place where the base IRI and the folders are decided."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Namespace


class OntologyNamespace(Namespace):
    """rdflib makes a new URIRef, and checks it, each time `tw.partner` is read; a build reads our
    terms hundreds of thousands of times (over a second on the P190 network), so each is kept."""

    def __getattr__(self, name: str):
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


@dataclass(frozen=True)
class Settings:
    root: Path
    base_iri: str
    data_dir: Path
    ontology_dir: Path
    shapes_dir: Path
    output_dir: Path
    release_date: str
    queries_dir: Path
    sparql_endpoint: str | None = None  # public SPARQL endpoint, announced in VoID and used by the query page
    sparql_service_allow: tuple[str, ...] = ()  # the only SERVICE endpoints `twinning serve` lets a query call
    cache_dir: Path | None = None  # results of earlier builds, reused when their inputs are unchanged
    reuse_cache: bool = True

    @property
    def tw(self) -> Namespace:
        """The ontology namespace lives under the base IRI, like every other resource."""
        return OntologyNamespace(self.base_iri + "ontology/")

    @property
    def dump_path(self) -> Path:
        """The N-Triples dump of a build: what the embedded query engine and the server load."""
        return self.output_dir / "downloads" / "twinning.nt"

    def with_overrides(self, base_iri: str | None = None, output: str | None = None,
                       reuse_cache: bool = True) -> "Settings":
        settings = replace(self, reuse_cache=self.reuse_cache and reuse_cache)
        if base_iri:
            settings = replace(settings, base_iri=normalise_base(base_iri))
        if output:
            settings = replace(settings, output_dir=Path(output).resolve())
        return settings


def normalise_base(base_iri: str) -> str:
    """Relative IRIs in the Turtle files resolve against the base, so it must end with a slash."""
    return base_iri if base_iri.endswith("/") else base_iri + "/"


def load_settings(root: Path | None = None) -> Settings:
    root = (root or find_project_root()).resolve()
    table = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    conf = table.get("tool", {}).get("twinning", {})
    return Settings(
        root=root,
        base_iri=normalise_base(conf.get("base_iri", "https://example.org/twinning/")),
        data_dir=root / conf.get("data", "data"),
        ontology_dir=root / conf.get("ontology", "ontology"),
        shapes_dir=root / conf.get("shapes", "shapes"),
        output_dir=root / conf.get("output", "publish"),
        release_date=conf.get("release_date", "2026-11-21"),
        queries_dir=root / conf.get("queries", "queries"),
        sparql_endpoint=conf.get("sparql_endpoint"),
        sparql_service_allow=service_allow_list(conf.get("sparql_service_allow", [])),
        cache_dir=root / conf.get("cache", ".twinning-cache"),
    )


def service_allow_list(value) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SystemExit('twinning: pyproject.toml [tool.twinning] sparql_service_allow must be a list of endpoint '
                         'addresses, e.g. ["https://query.wikidata.org/sparql"]')
    return tuple(value)


def find_project_root(start: Path | None = None) -> Path:
    """The project is the nearest folder upwards holding pyproject.toml and data/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
            return folder
    raise SystemExit(f"twinning: no project found in {here} or its parents (pyproject.toml and data/)")
