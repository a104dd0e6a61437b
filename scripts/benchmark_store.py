"""Compare the build's in-memory store with rdflib's SimpleMemory, on a project's data.

    python scripts/benchmark_store.py /tmp/p190        # a corpus made by scripts/convert_p190.py

Both stores are filled with the same parsed triples, each in a forked process, in turns
(SimpleMemory, lean, SimpleMemory, lean...), so that both meet the machine in the same state; each prints the memory the graph takes
and the time of adding, counting, walking every triple and walking each subject's, then the best of
each as a ratio to SimpleMemory's. Not part of the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
from pathlib import Path

from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from twinning.config import load_settings  # noqa: E402
from twinning.load.sources import RdflibTerms, data_files  # noqa: E402
from twinning.store import LeanMemory  # noqa: E402

STORES = {"SimpleMemory": lambda: Graph(store="SimpleMemory"), "lean": lambda: Graph(store=LeanMemory())}


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(make_graph, triples: list, subjects: list) -> dict:
    before = resident_mib()
    graph = make_graph()
    figures = {"add s": timed(lambda: graph.addN((s, p, o, graph) for s, p, o in triples))}
    figures["MiB"] = resident_mib() - before
    figures["len s"] = timed(lambda: len(graph))
    figures["walk all s"] = timed(lambda: sum(1 for _ in graph))
    figures["walk subjects s"] = timed(lambda: sum(1 for s in subjects for _ in graph.predicate_objects(s)))
    return figures


def in_child(measurement) -> dict:
    """In a forked process, which shares the parsed triples: each store grows its own heap, where in
    one process the second store would reuse the memory the first freed."""
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reading)
        with os.fdopen(writing, "w") as pipe:
            json.dump(measurement(), pipe)
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        figures = json.load(pipe)
    os.waitpid(child, 0)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    settings = load_settings(args.project)
    terms = RdflibTerms()
    triples = [triple for file in data_files(settings) for triple in file.triples(terms) or ()]
    subjects = list(dict.fromkeys(s for s, _, _ in triples))
    print(f"{len(triples)} triples, {len(subjects)} subjects")
    gc.disable()  # as in the build's load: no collection walks the terms while the graphs are made
    best: dict[str, dict] = {}
    for round_number in range(1, args.rounds + 1):
        for name, make_graph in STORES.items():
            figures = in_child(lambda: measure(make_graph, triples, subjects))
            print(f"round {round_number} {name:12s} " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))
            kept = best.setdefault(name, figures)
            best[name] = {k: min(v, kept[k]) for k, v in figures.items()}
    baseline = best["SimpleMemory"]
    print("lean / SimpleMemory (best of each): " + "  ".join(
        f"{k} {best['lean'][k] / baseline[k]:.2f}" for k in baseline if baseline[k] > 0))


if __name__ == "__main__":
    main()
