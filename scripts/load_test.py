"""Load test of the served publication: N concurrent clients for T seconds, direct to Oxigraph and
through the front of `twinning serve`, in one run (not a timed test: the figures depend on the machine).

    python scripts/load_test.py --clients 50 --seconds 30 [--project DIR] [--output publish]
                                [--nginx http://127.0.0.1:8080/] [--runaway]

It starts its own `oxigraph serve-read-only` over a store loaded from the built dump (the "direct"
target) and its own `twinning serve` (the front), then runs, one after the other:

- the example queries (not the federated one) sent to Oxigraph directly;
- the same queries through the front's `/query` (checked, answered whole, re-encoded);
- pages, each resource IRI negotiated as HTML or Turtle, through the front;
- with --nginx, the same pages and queries through an nginx already running over the same build;
- with --runaway, a sort over a cross join through the front, printing the memory and CPU of its
  Oxigraph processes each second while it runs and for 10 s after its answer.

Each client is a thread holding no connection between requests (as a crowd of separate visitors);
the threads are spread over processes so the load generator is not held by one interpreter. It
prints requests per second, the 50th, 95th and 99th percentiles and the errors (any status but 200,
and a 200 whose SPARQL JSON does not parse).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twinning.serve import query as sparql  # noqa: E402
from twinning.config import load_settings  # noqa: E402
from twinning.serve.oxigraph_pool import free_port, oxigraph_command, wait_until_answering  # noqa: E402


RESULTS = "application/sparql-results+json"


def whole(body: bytes) -> bool:
    """Oxigraph reports an error met while streaming (its timeout among them) inside a 200 answer."""
    try:
        json.loads(body)
        return True
    except ValueError:
        return False


def drive(args: tuple) -> tuple[list[float], int, dict[str, int]]:
    """One process's share of the clients: each thread sends its requests in turn until the time is up."""
    base, requests, threads, seconds, offset = args
    parsed = urllib.parse.urlsplit(base)
    prefix = parsed.path.rstrip("/")
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(start: int) -> None:
        mine, failed = [], {}
        for path, accept in itertools.islice(itertools.cycle(requests), start, None):
            if time.monotonic() >= stop_at:
                break
            began = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                connection.request("GET", prefix + path, headers={"Accept": accept, "Connection": "close"})
                response = connection.getresponse()
                body = response.read()
                connection.close()
                outcome = None if response.status == 200 else f"HTTP {response.status}"
                if outcome is None and accept == RESULTS and not whole(body):
                    outcome = "HTTP 200 with broken JSON"
            except OSError as error:
                outcome = type(error).__name__
            mine.append(time.perf_counter() - began)
            if outcome:
                failed[outcome] = failed.get(outcome, 0) + 1
        with lock:
            latencies.extend(mine)
            for kind, count in failed.items():
                errors[kind] = errors.get(kind, 0) + count

    workers = [threading.Thread(target=client, args=(offset + i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, sum(errors.values()), errors


def run(label: str, base: str, requests: list[tuple[str, str]], clients: int, seconds: float) -> None:
    processes = min(clients, os.cpu_count() or 1, 4)
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    offsets = list(itertools.accumulate([0] + shares[:-1]))
    began = time.monotonic()
    with multiprocessing.Pool(processes) as pool:
        parts = pool.map(drive, [(base, requests, share, seconds, offset) for share, offset in zip(shares, offsets)])
    elapsed = time.monotonic() - began
    latencies = sorted(t for part, _, _ in parts for t in part)
    errors: dict[str, int] = {}
    for _, _, kinds in parts:
        for kind, count in kinds.items():
            errors[kind] = errors.get(kind, 0) + count

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else 0.0
    detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(errors.items()))})" if errors else ""
    print(f"{label:<28} {len(latencies):>7} {len(latencies) / elapsed:>8.1f} {percentile(50):>8.1f} "
          f"{percentile(95):>8.1f} {percentile(99):>8.1f} {latencies[-1] * 1000 if latencies else 0:>8.1f} "
          f"{sum(errors.values()):>6}{detail}", flush=True)


RUNAWAY = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
TICKS = os.sysconf("SC_CLK_TCK")


def engines(parent: int) -> list[int]:
    """The Oxigraph processes started by any thread of `parent` (Linux /proc)."""
    children = [pid for task in Path(f"/proc/{parent}/task").iterdir() for pid in (task / "children").read_text().split()]
    return [int(pid) for pid in children if "oxigraph" in Path(f"/proc/{pid}/cmdline").read_text()]


def usage(pids: list[int]) -> tuple[float, float]:
    """Resident MB and CPU seconds, summed over the processes that still exist."""
    memory = cpu = 0.0
    for pid in pids:
        try:
            memory += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / TICKS
        except (OSError, IndexError):
            pass
    return memory, cpu


def runaway(front: subprocess.Popen, base: str, after_s: float = 10) -> None:
    outcome: list[str] = []
    finished: list[float] = []

    def ask() -> None:
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port,
                                                timeout=120)
        connection.request("GET", "/query?" + urllib.parse.urlencode({"query": RUNAWAY}))
        response = connection.getresponse()
        outcome.append(f"HTTP {response.status}: {response.read().decode(errors='replace').strip()}")
        finished.append(time.monotonic())
    print(f"\nrunaway query through the front: {RUNAWAY}")
    print(f"{'s':>5} {'Oxigraph RSS MB':>16} {'CPU % (1 s)':>12}  processes")
    began = time.monotonic()
    asking = threading.Thread(target=ask)
    asking.start()
    answered_at = None
    _, last_cpu = usage(engines(front.pid))
    while answered_at is None or time.monotonic() - answered_at < after_s:
        time.sleep(1)
        pids = engines(front.pid)
        memory, cpu = usage(pids)
        print(f"{time.monotonic() - began:>5.0f} {memory:>16.0f} {max(0.0, cpu - last_cpu) * 100:>12.0f}  "
              f"{' '.join(map(str, pids))}", flush=True)
        last_cpu = cpu
        if answered_at is None and not asking.is_alive():
            answered_at = finished[0] if finished else time.monotonic()
            print(f"answered after {answered_at - began:.1f} s: {outcome[0] if outcome else 'no answer'}")
    asking.join()


def query_requests(settings) -> list[tuple[str, str]]:
    examples = [e for e in sparql.example_queries(ROOT / "queries") if not e.federated]
    return [("/query?" + urllib.parse.urlencode({"query": sparql.with_base(e.text, settings.base_iri)}),
             RESULTS) for e in examples]


def page_requests(site: Path) -> list[tuple[str, str]]:
    """Every resource IRI of two folders, asked once as a browser and once as an RDF client, and the index."""
    pages = sorted(p for folder in ("partner", "partnership") for p in (site / folder).glob("*.html"))
    iris = ["/" + re.sub(r"\.html$", "", str(p.relative_to(site))) for p in pages]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    return [("/", browser), ("/style.css", "text/css,*/*;q=0.1")] + [
        (iri, accept) for iri in iris for accept in (browser, "text/turtle")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--project", help="project folder, e.g. a corpus of scripts/convert_p190.py (default: this one)")
    parser.add_argument("--output", help="built publication (default: the project's publish/)")
    parser.add_argument("--nginx", help="also drive an nginx serving the same build, e.g. http://127.0.0.1:8080/")
    parser.add_argument("--runaway", action="store_true", help="then send a runaway query and watch Oxigraph")
    args = parser.parse_args()
    project = Path(args.project).resolve() if args.project else ROOT
    settings = load_settings(project).with_overrides(output=args.output)
    if not settings.dump_path.is_file():
        sys.exit(f"{settings.dump_path} not found: run `twinning build` first")
    queries, pages = query_requests(settings), page_requests(settings.output_dir)
    scratch = Path(tempfile.mkdtemp(prefix="twinning-load-"))
    direct = front = None
    try:
        subprocess.run([oxigraph_command(), "load", "--location", str(scratch / "store"), "--file",
                        str(settings.dump_path)], check=True, capture_output=True)
        port = free_port("127.0.0.1")
        with tempfile.TemporaryFile() as log:
            direct = subprocess.Popen([oxigraph_command(), "serve-read-only", "--location", str(scratch / "store"),
                                       "--bind", f"127.0.0.1:{port}", "--timeout-s", "10"],
                                      stdout=subprocess.DEVNULL, stderr=log)
            wait_until_answering(direct, f"http://127.0.0.1:{port}/query", log)
        front = subprocess.Popen([sys.executable, "-m", "twinning.cli", "--project", str(project), "serve", "--port", "0",
                                  "--publication", str(settings.output_dir)], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env={**os.environ, "TMPDIR": str(scratch)})
        banner = front.stdout.readline()
        front_url = banner.split(" at ")[1].split(" ")[0].rstrip("/")
        print(f"{args.clients} clients, {args.seconds:g} s per run; {len(queries)} example queries, "
              f"{len(pages)} page requests; latencies in ms")
        print(f"{'target':<28} {'requests':>7} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'errors':>6}")
        run("queries, Oxigraph direct", f"http://127.0.0.1:{port}", queries, args.clients, args.seconds)
        run("queries, twinning front", front_url, queries, args.clients, args.seconds)
        run("pages, twinning front", front_url, pages, args.clients, args.seconds)
        if args.nginx:
            run("queries, nginx", args.nginx.rstrip("/"), queries, args.clients, args.seconds)
            run("pages, nginx", args.nginx.rstrip("/"), pages, args.clients, args.seconds)
        if args.runaway:
            runaway(front, front_url)
    finally:
        for process in (front, direct):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
