"""Each home-grown part of the build against the library that does the same job, on one project.

    python scripts/benchmark_parts.py /tmp/synthetic-20000      # a corpus made by scripts/generate_corpus.py
    python scripts/benchmark_parts.py . --parts store,serialisers

- store: the project's data triples added to LeanMemory, to rdflib's Memory (its default store) and
  SimpleMemory (which LeanMemory refines), and to pyoxigraph's Store (the terms converted first, not
  timed): the time to add them and the resident memory the store grows by, each in a forked process;
- serialisers: those triples written whole as N-Triples and as Turtle by the project's writers
  (publish/dumps.py, sorting included, since the build's dumps are sorted), by rdflib's serialize
  over a graph already filled, and by pyoxigraph.serialize (the conversion of the rdflib terms
  included, which a build that keeps rdflib's graphs would pay), with the same prefixes; and the same
  per document, a subject's triples at a time, as the pages' documents are written (the dumps are the
  pages' blocks joined);
- pool: the build as `twinning build --no-cache --jobs 2` runs it against `--jobs 1` (validation and
  pages in one process), each in a fresh process, with the time of the validate and pages stages and
  the peak memory of the main process and of its largest worker;
- store-build (needs `pip install oxrdflib`): the same build with its graphs on the lean store and on
  oxrdflib's, the rdflib store over pyoxigraph's Store (terms converted at each read), the stages unchanged.

Prints each figure and its ratio to the library's (above 1: the library takes that many times longer
or more memory). Not part of the test suite: the figures depend on the machine, and thresholds are
for the reader (docs/performance.md).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmark_store import in_child, resident_mib, timed  # noqa: E402
from twinning.config import load_settings  # noqa: E402
from twinning.load.sources import RdflibTerms, data_files  # noqa: E402
from twinning.publish import dumps  # noqa: E402
from twinning.store import LeanMemory  # noqa: E402


def oxigraph_term(term, blank_nodes: dict):
    if type(term) is URIRef:
        return pyoxigraph.NamedNode(term)
    if type(term) is BNode:
        return blank_nodes.setdefault(term, pyoxigraph.BlankNode())
    if term.language:
        return pyoxigraph.Literal(term, language=term.language)
    return pyoxigraph.Literal(term, datatype=pyoxigraph.NamedNode(term.datatype)) if term.datatype else pyoxigraph.Literal(term)


def oxigraph_triples(triples: list) -> list:
    blank_nodes: dict = {}
    return [pyoxigraph.Triple(*(oxigraph_term(t, blank_nodes) for t in triple)) for triple in triples]


def library_graph(triples: list, tw: str) -> Graph:
    """rdflib's default graph (its Memory store and prefixes), with the project's prefix: the one set
    of prefixes every Turtle writer here is given."""
    graph = Graph()
    graph.bind("tw", tw)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def show(title: str, figures: dict[str, float], baseline: str, unit: str) -> None:
    print(f"\n{title}")
    for name, value in figures.items():
        ratio = figures[baseline] / value if value else float("inf")
        print(f"  {name:42s} {value:10.3f} {unit}   {baseline} / this: {ratio:.2f}")


def store_part(triples: list) -> None:
    converted = oxigraph_triples(triples)
    makers = {"LeanMemory": lambda: Graph(store=LeanMemory()), "rdflib Memory": lambda: Graph(store="Memory"),
              "rdflib SimpleMemory": lambda: Graph(store="SimpleMemory")}

    def fill(make):
        before = resident_mib()
        graph = make()
        seconds = timed(lambda: graph.addN((s, p, o, graph) for s, p, o in triples))
        return {"s": seconds, "MiB": resident_mib() - before}

    def fill_oxigraph():
        before = resident_mib()
        store = pyoxigraph.Store()
        seconds = timed(lambda: store.bulk_extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in converted))
        return {"s": seconds, "MiB": resident_mib() - before}

    results = {name: in_child(lambda: fill(make)) for name, make in makers.items()}
    results["pyoxigraph Store (terms converted before)"] = in_child(fill_oxigraph)
    show("store: add the data triples (time)", {n: r["s"] for n, r in results.items()}, "rdflib Memory", "s  ")
    show("store: memory the store grows by (resident)", {n: r["MiB"] for n, r in results.items()}, "rdflib Memory", "MiB")


def serialiser_part(triples: list, tw: str) -> None:
    graph = library_graph(triples, tw)
    prefixes = dumps.Prefixes(graph)
    namespaces = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    turtle = dumps.turtle_framing(prefixes)
    for label, framing, rdflib_format, oxigraph_format in (
            ("N-Triples", dumps.NTRIPLES, "nt", pyoxigraph.RdfFormat.N_TRIPLES),
            ("Turtle", turtle, "turtle", pyoxigraph.RdfFormat.TURTLE)):
        sizes: dict[str, int] = {}

        def project():
            sizes["project"] = len(dumps.framed(framing, dumps.sorted_triples(triples)))

        def library():
            sizes["rdflib"] = len(graph.serialize(format=rdflib_format, encoding="utf-8"))

        def oxigraph():
            sizes["pyoxigraph"] = len(pyoxigraph.serialize(oxigraph_triples(triples), format=oxigraph_format,
                                                           prefixes=namespaces))
        figures = {"project (dumps.py, sorted)": in_child(lambda: timed(project)),
                   "rdflib serialize": in_child(lambda: timed(library)),
                   "pyoxigraph.serialize (conversion included)": in_child(lambda: timed(oxigraph))}
        show(f"serialisers: the data triples as {label}", figures, "rdflib serialize", "s  ")
    documents_part(triples, graph, prefixes, namespaces, turtle)


def documents_part(triples: list, graph: Graph, prefixes: dumps.Prefixes, namespaces: dict,
                   turtle: dumps.Framing, count: int = 2000) -> None:
    """A page's documents are one subject's triples each: what a writer costs per small document."""
    subjects = list(dict.fromkeys(s for s, _, _ in triples))[:count]
    blocks = [list(graph.triples((subject, None, None))) for subject in subjects]
    for label, framing, rdflib_format, oxigraph_format in (
            ("N-Triples", dumps.NTRIPLES, "nt", pyoxigraph.RdfFormat.N_TRIPLES),
            ("Turtle", turtle, "turtle", pyoxigraph.RdfFormat.TURTLE)):

        def project():
            for block in blocks:
                dumps.framed(framing, dumps.sorted_triples(block))

        def library():
            for block in blocks:
                small = Graph(bind_namespaces="none")
                for prefix, namespace in namespaces.items():
                    small.bind(prefix, namespace)
                small.addN((s, p, o, small) for s, p, o in block)
                small.serialize(format=rdflib_format, encoding="utf-8")

        def oxigraph():
            for block in blocks:
                pyoxigraph.serialize(oxigraph_triples(block), format=oxigraph_format, prefixes=namespaces)
        figures = {"project (dumps.py, sorted)": in_child(lambda: timed(project) / len(blocks) * 1e6),
                   "rdflib serialize (a graph per document)": in_child(lambda: timed(library) / len(blocks) * 1e6),
                   "pyoxigraph.serialize (conversion included)": in_child(lambda: timed(oxigraph) / len(blocks) * 1e6)}
        show(f"serialisers: one subject's triples as a {label} document, {len(blocks)} subjects", figures,
             "rdflib serialize (a graph per document)", "µs ")


BUILD = """
import json, resource, sys, time
from pathlib import Path
from rdflib import Graph
import twinning.store

if sys.argv[3] == "oxrdflib":  # before the stages import it: every graph new_graph makes is on Oxigraph
    def oxigraph_graph(bindings_from=None):
        graph = Graph(store="Oxigraph")
        for prefix, namespace in bindings_from.namespaces() if bindings_from is not None else ():
            graph.bind(prefix, namespace, replace=True)
        return graph
    twinning.store.new_graph = oxigraph_graph

from twinning.config import load_settings
from twinning.progress import Progress
from twinning.publish.build import build
settings = load_settings(Path(sys.argv[1])).with_overrides(output=sys.argv[4], reuse_cache=False, jobs=int(sys.argv[2]))
progress = Progress(live=False)
started = time.perf_counter()
build(settings, settings.release_date, progress)
print(json.dumps({"build": time.perf_counter() - started, **progress.seconds,
                  "main MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "largest worker MiB": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
STORES = {"lean": "LeanMemory (store.py)", "oxrdflib": "oxrdflib's Oxigraph store"}


def build_runs(project: Path, runs: dict[str, tuple[int, str]], give_up: float) -> dict[str, dict | None]:
    """Each build as `twinning build --no-cache --jobs N` makes it, in a fresh process and session, its
    graphs on the store named, into a folder of its own (none replaces, and so deletes, another's
    publication); a build after the first is stopped, workers included, once it has taken `give_up`
    times the first one's time: the decision needs no more. The folders stay, for the reader to look
    at and remove."""
    figures: dict[str, dict | None] = {}
    outputs = Path(tempfile.mkdtemp(prefix="benchmark-parts-", dir=project))
    for number, (label, (jobs, store)) in enumerate(runs.items()):
        first = next(iter(figures.values()), None)
        limit = first["build"] * give_up if first else None
        child = subprocess.Popen([sys.executable, "-c", BUILD, str(project), str(jobs), store, str(outputs / str(number))],
                                 stdout=subprocess.PIPE, text=True, start_new_session=True,
                                 cwd=Path(__file__).resolve().parents[1])
        try:
            output, _ = child.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            print(f"  {label}: stopped after {limit:.1f} s ({give_up}× {next(iter(figures))})")
            figures[label] = None
            continue
        if child.returncode:
            raise SystemExit(f"{label}: the build failed (exit {child.returncode})")
        figures[label] = json.loads(output.splitlines()[-1])
    return figures


def show_builds(title: str, figures: dict[str, dict | None]) -> None:
    finished = {label: run for label, run in figures.items() if run is not None}
    baseline = next(iter(figures))
    for stage in ("validate", "pages", "build", "main MiB", "largest worker MiB"):
        name = "the whole build" if stage == "build" else stage if "MiB" in stage else f"the {stage} stage"
        show(f"{title}: {name}", {label: run.get(stage, 0.0) for label, run in finished.items()}, baseline,
             "MiB" if "MiB" in stage else "s  ")


def pool_part(project: Path, jobs: list[int], give_up: float) -> None:
    """The worker pool against one process: the same build with --jobs N."""
    show_builds("worker pool", build_runs(project, {f"--jobs {count}": (count, "lean") for count in jobs}, give_up))


def store_build_part(project: Path, jobs: int, give_up: float) -> None:
    """The lean store against oxrdflib's (rdflib's API over pyoxigraph's Store, terms converted at each
    read): the whole build, the stages unchanged, reading through store.py's functions, which walk
    another store's triples through rdflib's API. Needs `pip install oxrdflib`."""
    if importlib.util.find_spec("oxrdflib") is None:
        raise SystemExit("the store-build part needs oxrdflib: pip install oxrdflib")
    runs = {f"{name}, --jobs {jobs}": (jobs, store) for store, name in STORES.items()}
    show_builds("store under the whole build", build_runs(project, runs, give_up))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path)
    parser.add_argument("--parts", default="store,serialisers,pool",
                        help="comma-separated: store, serialisers, pool, store-build")
    parser.add_argument("--jobs", default="1,2", help="the --jobs values of the pool's builds, baseline first; "
                                                     "store-build uses the first")
    parser.add_argument("--give-up", type=float, default=3.0,
                        help="stop a build once it has taken this many times the first build's time")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    settings = load_settings(args.project)
    if parts & {"store", "serialisers"}:
        terms = RdflibTerms()
        triples = [triple for file in data_files(settings) for triple in file.triples(terms) or ()]
        print(f"{args.project}: {len(triples)} data triples")
        gc.disable()  # as in the build: no collection walks the terms while graphs are made and written
        if "store" in parts:
            store_part(triples)
        if "serialisers" in parts:
            serialiser_part(triples, str(settings.tw))
        gc.enable()
    jobs = [int(count) for count in args.jobs.split(",")]
    if "pool" in parts:
        pool_part(args.project, jobs, args.give_up)
    if "store-build" in parts:
        store_build_part(args.project, jobs[0], args.give_up)


if __name__ == "__main__":
    main()
