"""Median latency of the example queries (queries/*.rq) on the real read-only server and in-process.

Run after `twinning build`:  python scripts/query_latency.py [--repeat 20]
Measures, never asserts: the figures are printed for the README and closing notes, with the
in-process engine as the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from twinning.serve import query as sparql
from twinning.config import load_settings
from twinning.serve.oxigraph_pool import read_only_endpoint


def median_ms(run, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings = load_settings()
    examples = [e for e in sparql.example_queries(settings.queries_dir) if not e.federated]
    embedded = sparql.EmbeddedStore(settings.dump_path, settings.base_iri)
    with read_only_endpoint(settings.dump_path, "127.0.0.1", timeout_s=30) as endpoint:
        print(f"{'query':45} {'rows':>5} {'server ms':>10} {'in-process ms':>14}")
        server_medians = []
        for example in examples:
            rows = len(sparql.ask_endpoint(endpoint.url, example.text, settings.base_iri).rows)
            on_server = median_ms(lambda: sparql.ask_endpoint(endpoint.url, example.text, settings.base_iri), args.repeat)
            in_process = median_ms(lambda: embedded.ask(example.text), args.repeat)
            server_medians.append(on_server)
            print(f"{example.name:45} {rows:>5} {on_server:>10.2f} {in_process:>14.2f}")
    print(f"median over the {len(examples)} queries on the server: {statistics.median(server_medians):.2f} ms "
          f"({args.repeat} runs each, HTTP through SPARQLWrapper)")


if __name__ == "__main__":
    main()
