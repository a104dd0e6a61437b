"""Project settings: the one place where the base IRI and the folders are decided."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cached_property
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Namespace


PLACEHOLDER_HOST = "https://example.org/"  # the shipped base IRI's host, which must not be published
DEFAULT_RELEASE_DATE = "2026-11-21"


class SettingsError(Exception):
    """A project or an option that cannot be used, said in words the user can act on: where it was
    given (a file's setting, an option), and what is wrong with it."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.reason = reason


class OntologyNamespace(Namespace):
    """rdflib makes a new URIRef, and checks it, each time `tw.partner` is read; a build reads our
    terms hundreds of thousands of times, so each is kept."""

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
    jobs: int | None = None  # worker processes at once; None: every core this process may use

    @cached_property
    def tw(self) -> Namespace:
        """The ontology namespace lives under the base IRI, like every other resource. One per
        settings, so that the terms it keeps are kept for every stage that asks."""
        return OntologyNamespace(self.base_iri + "ontology/")

    @property
    def base_is_placeholder(self) -> bool:
        """The shipped example.org base makes IRIs that resolve nowhere: nothing built on it is publishable."""
        return self.base_iri.startswith(PLACEHOLDER_HOST)

    @property
    def dump_path(self) -> Path:
        """The N-Triples dump of a build: what the embedded query engine and the server load."""
        return self.output_dir / "downloads" / "twinning.nt"

    def with_overrides(self, base_iri: str | None = None, output: str | None = None,
                       reuse_cache: bool = True, jobs: int | None = None) -> "Settings":
        settings = replace(self, reuse_cache=self.reuse_cache and reuse_cache, jobs=jobs or self.jobs)
        if base_iri:
            settings = replace(settings, base_iri=checked_base_iri(base_iri, "--base-iri"))
        if output:
            settings = replace(settings, output_dir=Path(output).resolve())
        return settings


def checked_base_iri(base_iri: str, where: str) -> str:
    """Every IRI is the base plus a path, so the base is an absolute http(s) IRI; relative IRIs in the
    Turtle files resolve against it, so it ends with a slash."""
    parts = urlsplit(base_iri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(where, f"{base_iri!r} is not a base IRI: give an absolute http(s) address "
                            "without ?query or #fragment, such as https://data.example.fr/twinning/")
    return base_iri if base_iri.endswith("/") else base_iri + "/"


def checked_date(text: str, where: str) -> str:
    """Release and snapshot dates are written into the data as xsd:date: a day, YYYY-MM-DD."""
    try:
        return date.fromisoformat(text).isoformat()
    except (TypeError, ValueError):
        raise SettingsError(where, f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-11-21") from None


def load_settings(root: Path | None = None) -> Settings:
    root = (root or find_project_root()).resolve()
    manifest = root / "pyproject.toml"
    if not manifest.is_file():
        raise SettingsError(str(root), "not a twinning project: it has no pyproject.toml "
                            "(give --project the folder that holds pyproject.toml and data/)")
    try:
        table = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(str(manifest), f"not valid TOML: {error}") from None
    conf = table.get("tool", {}).get("twinning", {})
    where = f"{manifest} [tool.twinning]"
    return Settings(
        root=root,
        base_iri=checked_base_iri(str(conf.get("base_iri", PLACEHOLDER_HOST + "twinning/")), f"{where} base_iri"),
        data_dir=root / conf.get("data", "data"),
        ontology_dir=root / conf.get("ontology", "ontology"),
        shapes_dir=root / conf.get("shapes", "shapes"),
        output_dir=root / conf.get("output", "publish"),
        release_date=checked_date(str(conf.get("release_date", DEFAULT_RELEASE_DATE)), f"{where} release_date"),
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
    raise SettingsError(str(here), "no project found here or in the folders above (a folder with pyproject.toml "
                                   "and data/): run twinning inside the project, or give --project DIR")
