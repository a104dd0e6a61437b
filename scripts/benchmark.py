"""Benchmark the full build on three corpora, against a naive baseline measured in the same run.

    python scripts/benchmark.py                      # seed data, the 2016 P190 network, 100,000 synthetic
    python scripts/benchmark.py --partnerships 20000 --corpora seed,synthetic

Each build runs in a fresh process, so that peak memory is its own: the main process's peak
resident set (also as it stands at the end of each stage, which shows the stage that raises it),
and the largest of its forked workers. The baseline does the same work the naive
way: rdflib's default in-memory store, its parser and serialisers, one pySHACL pass over
everything, one page at a time. The baseline leaves out the catalogue and the index pages, so
the ratio of totals (baseline time over build time) errs in the baseline's favour. The build's
`check` and `enrich` rows run while validation's workers run; its `validate` row is the time to
start them and, after enrich, the wait for what is left of their work.

The first build of each corpus starts from nothing (no cached results). Then one file that
describes a partnership is edited and the corpus rebuilt, reusing what the first build left:
the "rebuild" column. Not part of the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STAGES = ["load", "check", "validate", "enrich", "dumps", "csv", "site", "pages", "catalogue", "sitemap", "swap"]


def optimised_build(project: Path, output: Path, reuse: bool) -> dict:
    from twinning.publish.build import build
    from twinning.config import load_settings
    from twinning.progress import Progress

    settings = load_settings(project).with_overrides(output=str(output), reuse_cache=reuse)
    progress = Progress(live=False)
    result, _ = build(settings, settings.release_date, progress)
    return {"stages": progress.seconds, "peaks": progress.peak_mib, "triples": result.triples,
            "pages": result.pages, "files": result.files, "notes": progress.notes}


def baseline_build(project: Path, output: Path) -> dict:
    """The same stages done the straightforward way, with the project's own checks, enrichment and templates."""
    import pyshacl
    from rdflib import Graph

    from twinning.check.checks import check
    from twinning.check.shacl import check_shapes
    from twinning.config import load_settings
    from twinning.enrich.derive import publication_graph
    from twinning.load.sources import Sources, turtle_files
    from twinning.publish import tables
    from twinning.files import write
    from twinning.publish.site import Site

    settings = load_settings(project).with_overrides(output=str(output))
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    graphs, origin = {"data": Graph(), "vocabulary": Graph(), "shapes": Graph()}, {}
    for kind, folder, recursive in (("data", settings.data_dir, True), ("vocabulary", settings.ontology_dir, True),
                                    ("shapes", settings.shapes_dir, False)):
        for path in turtle_files(folder, recursive):
            part = Graph().parse(path, format="turtle", publicID=settings.base_iri)
            for subject in part.subjects():
                origin.setdefault(subject, path.relative_to(settings.root).as_posix())
            graphs[kind] += part
    sources = Sources(graphs["data"], graphs["vocabulary"], graphs["shapes"], origin, settings.data_dir)
    lap("load")
    problems = check(sources, settings.base_iri, settings.tw)
    lap("check")
    check_shapes(sources.shapes, sources.origin)  # the same check of the shapes themselves as the build
    conforms, _, _ = pyshacl.validate(sources.data + sources.vocabulary, shacl_graph=sources.shapes,
                                      inference="none", allow_warnings=True)
    lap("validate")
    graph, analysis = publication_graph(sources, settings.tw, settings.base_iri)
    site = Site(graph, settings.base_iri, settings.tw)
    lap("enrich")
    if output.exists():
        shutil.rmtree(output)
    (output / "downloads").mkdir(parents=True)
    for extension, rdf_format in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        write(output / "downloads" / f"twinning.{extension}", graph.serialize(format=rdf_format, encoding="utf-8"))
    lap("dumps")
    write(output / "downloads" / "partnerships.csv",
          tables.csv_text(tables.PARTNERSHIP_COLUMNS, tables.partnership_rows(graph, settings.tw)))
    write(output / "downloads" / "activities.csv",
          tables.csv_text(tables.ACTIVITY_COLUMNS, tables.activity_rows(graph, settings.tw)))
    lap("csv")
    for path, subjects in sorted(site.documents.items()):
        part = Graph()
        part.namespace_manager = graph.namespace_manager
        for subject in subjects:
            for triple in graph.triples((subject, None, None)):
                part.add(triple)
        for extension, rdf_format in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
            write(output / f"{path}.{extension}", part.serialize(format=rdf_format, encoding="utf-8"))
        write(output / f"{path}.html", site.resource_page(path))
    lap("pages")
    return {"stages": seconds, "triples": len(graph), "pages": len(site.documents), "conforms": conforms,
            "problems": len(problems)}


def measure(variant: str, project: Path, output: Path) -> None:
    """Runs in its own process: one build, then its figures as JSON on stdout."""
    started = time.perf_counter()
    if variant == "baseline":
        figures = baseline_build(project, output)
    else:  # "optimised" starts from nothing; "rebuild" reuses what the previous build left
        figures = optimised_build(project, output, reuse=variant == "rebuild")
    figures["total"] = time.perf_counter() - started
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["worker_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(figures))


def run(variant: str, project: Path, output: Path, limit: float | None = None) -> dict | None:
    """The figures of one build in its own process; None if it ran past the limit (in seconds)."""
    try:
        answer = subprocess.run([sys.executable, __file__, "--measure", variant, str(project), str(output)],
                                capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    if answer.returncode != 0:
        raise SystemExit(f"{variant} build of {project} failed:\n{answer.stderr[-3000:]}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


def edit_one_file(project: Path) -> str:
    """What a curator does between two builds: change the first label of the first file that describes
    a partnership."""
    for path in sorted((project / "data").rglob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        if "tw:Partnership" in text and 'rdfs:label "' in text:
            path.write_text(text.replace('rdfs:label "', 'rdfs:label "(modifié) ', 1), encoding="utf-8")
            return path.relative_to(project).as_posix()
    raise SystemExit(f"no file of {project} describes a partnership with a label")


def prepare(corpus: str, workdir: Path, partnerships: int, seed: int) -> Path:
    folder = workdir / corpus
    started = time.perf_counter()
    if corpus == "seed":  # a copy, since the rebuild edits a file
        from corpus_project import new_project
        shutil.copytree(ROOT / "data", new_project(folder), dirs_exist_ok=True)
        described = "the five communes of data/"
    elif corpus == "p190":
        from convert_p190 import convert
        figures = convert(ROOT / "data" / "reference" / "snapshots", folder, None)
        described = f"{figures['pairs']} partnerships between {figures['places']} places"
    else:
        from generate_corpus import generate
        figures = generate(folder, partnerships, max(1, partnerships // 10), seed)
        described = f"{figures['partnerships']} partnerships, {figures['communes']} communes, seed {seed}"
    print(f"{corpus}: {described} (prepared in {time.perf_counter() - started:.1f} s)", flush=True)
    return folder


def report(corpus: str, fast: dict, rebuild: dict, edited: str, slow: dict | None, limit: float | None) -> None:
    print(f"\n== {corpus}: {fast['triples']} triples, {fast['pages']} resource pages ==")
    print(f"{'stage':<10} {'build s':>9} {'peak MiB':>9} {'rebuild s':>10} {'baseline s':>11} {'ratio':>7}")
    for stage in [*STAGES, "total"]:
        ours = fast["total"] if stage == "total" else fast["stages"].get(stage, 0.0)
        again = rebuild["total"] if stage == "total" else rebuild["stages"].get(stage, 0.0)
        peak = fast["peak_mib"] if stage == "total" else fast["peaks"].get(stage, 0.0)
        cells = f"{stage:<10} {ours:9.2f} {peak:9.0f} {again:10.2f}"
        if slow:
            theirs = slow["total"] if stage == "total" else slow["stages"].get(stage)
            if theirs is not None:
                cells += f" {theirs:11.2f}" + (f" {theirs / ours:6.1f}x" if ours > 0 else "")
        print(cells)
    print(f"peak memory: build {fast['peak_mib']:.0f} MiB (largest worker {fast['worker_peak_mib']:.0f} MiB), "
          f"rebuild {rebuild['peak_mib']:.0f} MiB" + (f", baseline {slow['peak_mib']:.0f} MiB" if slow else ""))
    if slow is None and limit is not None:
        print(f"baseline: stopped after {limit:.0f} s without finishing, so the ratio of totals is above "
              f"{limit / fast['total']:.1f}x")
    print(f"rebuild after editing {edited}: " + "; ".join(f"{k}: {v}" for k, v in rebuild["notes"].items()), flush=True)


def set_aside(folder: Path, discarded: Path) -> None:
    """Moves an earlier run's folder out of the way, to be deleted once every build is measured.
    Deleting hundreds of thousands of files just before a build would be charged to it: this
    machine's ext4 has no journal, and without one its inode allocator steps over every inode freed
    in the last few minutes (`recently_deleted` in fs/ext4/ialloc.c, seen with perf), so creating
    files is then several times slower (40,000 files written in 1.6 s, and in 16 s just after 40,000
    others were deleted)."""
    if folder.exists():
        discarded.mkdir(parents=True, exist_ok=True)
        folder.rename(discarded / f"{folder.name}-{time.time_ns()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default="seed,p190,synthetic", help="comma-separated: seed, p190, synthetic")
    parser.add_argument("--partnerships", type=int, default=100_000, help="size of the synthetic corpus")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpus")
    parser.add_argument("--workdir", default="/tmp/twinning-benchmark", help="where corpora and outputs go")
    parser.add_argument("--no-baseline", action="store_true", help="time the build only")
    parser.add_argument("--baseline-limit", type=float, default=1800,
                        help="seconds after which the baseline is stopped and reported as a lower bound (default: 1800)")
    parser.add_argument("--measure", nargs=3, metavar=("VARIANT", "PROJECT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        variant, project, output = args.measure
        return measure(variant, Path(project), Path(output))
    workdir = Path(args.workdir)
    discarded = workdir / "discarded"
    for corpus in args.corpora.split(","):
        for earlier in (corpus, f"{corpus}-build", f"{corpus}-baseline"):  # from nothing: no previous output to swap out
            set_aside(workdir / earlier, discarded)
        project = prepare(corpus, workdir, args.partnerships, args.seed)
        os.sync()  # nor the corpus still being written back during the build
        fast = run("optimised", project, workdir / f"{corpus}-build")
        edited = edit_one_file(project)
        rebuild = run("rebuild", project, workdir / f"{corpus}-build")
        limit = None if args.no_baseline else args.baseline_limit
        slow = None if args.no_baseline else run("baseline", project, workdir / f"{corpus}-baseline", limit)
        report(corpus, fast, rebuild, edited, slow, limit)
    shutil.rmtree(discarded, ignore_errors=True)


if __name__ == "__main__":
    main()
