"""Command line: each command wires the stages together and reports; the work is in the modules."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import date
from pathlib import Path

from rdflib import Namespace, RDF

from .serve import push as graph_store
from .serve import server
from .serve import query as sparql
from .publish import tables
from .wikidata import reference as wikidata_reference
from .wikidata import sync as wikidata_sync
from .config import Settings, load_settings
from .load.sources import load
from .publish.build import build
from .check.verify import verified_sources
from .problems import StageFailed, format_report
from .progress import Progress
from .files import PLACEHOLDER_BASE, relative_turtle, write_atomically
from .wikidata.analysis import STATES, Analysis
from .wikidata.reference import qid_of

REFERENCE_FILE = Path("reference") / "wikidata-p190.ttl"


def refuse(failure: StageFailed, closing: str) -> int:
    """Every command reports a failed stage the same way: the problems, one closing line, status 1."""
    print(format_report(failure.problems), file=sys.stderr)
    print(closing, file=sys.stderr)
    return 1


def reuse_report(progress: Progress) -> str:
    return "".join(f"\n  {stage}: {note}" for stage, note in progress.notes.items())


def cmd_validate(settings: Settings, args) -> int:
    started = time.perf_counter()
    progress = Progress()
    try:
        with verified_sources(settings, progress) as (sources, problems, _):
            summary = (f"{len(sources.data)} data triples, {len(sources.vocabulary)} vocabulary triples, "
                       f"{len(sources.shapes)} shape triples")
    except StageFailed as failure:
        return refuse(failure, f"validation failed ({time.perf_counter() - started:.2f} s)")
    if problems:
        print(format_report(problems))
    print(f"valid: {summary} ({time.perf_counter() - started:.2f} s){reuse_report(progress)}")
    return 0


def cmd_build(settings: Settings, args) -> int:
    started = time.perf_counter()
    try:
        progress = Progress()
        result, warnings = build(settings, args.release_date or settings.release_date, progress)
    except StageFailed as failure:
        return refuse(failure, f"build failed: {settings.output_dir} left as it was")
    if warnings:
        print(format_report(warnings))
    print(f"built {settings.output_dir}: {result.files} files, {result.pages} HTML pages, {result.triples} triples; "
          f"DCAT-AP 3.0.1: {result.dcat_violations} violations, {len(result.dcat_warnings)} warnings "
          f"({time.perf_counter() - started:.2f} s){reuse_report(progress)}")
    for warning in result.dcat_warnings:
        print(f"  DCAT-AP warning: {warning}")
    return 0


def cmd_query(settings: Settings, args) -> int:
    if (args.query is None) == (args.file is None):
        print("twinning query: give the query either as an argument or with --file", file=sys.stderr)
        return 2
    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    try:
        if args.endpoint:
            answer = sparql.ask_endpoint(args.endpoint, text, settings.base_iri, args.timeout)
        else:
            answer = sparql.EmbeddedStore(settings.dump_path, settings.base_iri).ask(text)
    except sparql.QueryFailed as failure:
        print(f"twinning query: {failure}", file=sys.stderr)
        return 1
    sys.stdout.write(sparql.render(answer, args.format))
    if answer.is_empty():
        print("twinning query: no results", file=sys.stderr)
    return 0


def cmd_serve(settings: Settings, args) -> int:
    try:
        server.serve(settings.output_dir, settings.dump_path, args.host, args.port, args.timeout,
                     announce=lambda line: print(line, flush=True), base_iri=settings.base_iri)
    except (RuntimeError, OSError) as error:
        print(f"twinning serve: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_push(settings: Settings, args) -> int:
    graph = args.graph or settings.base_iri + "dataset/twinning"
    try:
        status = graph_store.push(settings.dump_path, args.graph_store, graph, args.timeout)
    except graph_store.PushFailed as failure:
        print(f"twinning push: {failure}", file=sys.stderr)
        return 1
    print(f"pushed {settings.dump_path.name} into <{graph}> at {args.graph_store} (HTTP {status})")
    return 0


def with_analysis(run):
    """The Wikidata commands read valid data only: validate first, report a failure as every command does."""
    def command(settings: Settings, args) -> int:
        try:
            with verified_sources(settings) as (sources, _, _):
                analysis = Analysis(sources.data + sources.vocabulary, settings.tw)
        except StageFailed as failure:
            return refuse(failure, f"wikidata {args.wikidata_command} needs valid data")
        return run(analysis, settings, args)
    return command


@with_analysis
def cmd_wikidata_check(analysis: Analysis, settings: Settings, args) -> int:
    for report in analysis.link_reports:
        print(f"{report.state:12} {qid_of(report.item):10} {report.name}")
        for line in report.evidence:
            print(f"{'':23} {line}")
    unlinked = analysis.unlinked_partners()
    counts = {state: sum(r.state == state for r in analysis.link_reports) for state in STATES}
    print(f"{counts['confirmed']} confirmed, {counts['unconfirmed']} unconfirmed, {counts['suspicious']} suspicious "
          f"links; {len(unlinked)} partners without a Wikidata item: {', '.join(analysis.name(p) for p in unlinked)}")
    return 1 if counts["suspicious"] else 0


@with_analysis
def cmd_wikidata_compare(analysis: Analysis, settings: Settings, args) -> int:
    rows = analysis.comparison_table()
    if args.format == "csv":
        sys.stdout.write(tables.comparison_csv(rows))
    else:
        columns = ["commune", "snapshot", "agreement", "partner", "page_item", "wikidata_item", "wikidata_label"]
        sys.stdout.write(sparql.table(columns, [[row[c] for c in columns] for row in rows]))
    return 0


@with_analysis
def cmd_wikidata_quickstatements(analysis: Analysis, settings: Settings, args) -> int:
    if settings.base_iri.startswith("https://example.org/"):
        print(f"twinning: the references point to {settings.base_iri}, a placeholder: set [tool.twinning] "
              f"base_iri to the published address before giving these lines to QuickStatements", file=sys.stderr)
    lines, skipped = analysis.quickstatements()
    sys.stdout.write("".join(line + "\n" for line in lines))
    for reason in skipped:
        print(f"no statement: {reason}", file=sys.stderr)
    return 0


def write_reference(settings: Settings, graph, header: str, target: Path, items) -> None:
    """Reference files keep IRIs relative to the base, and are swapped in whole or not at all."""
    write_atomically(target, relative_turtle(graph, header))
    records = len(set(graph.subjects(RDF.type, Namespace(PLACEHOLDER_BASE + "ontology/").WikidataRecord)))
    print(f"wrote {target.relative_to(settings.root)}: {records} records for {len(items)} linked items")


def cmd_wikidata_sync(settings: Settings, args) -> int:
    try:
        sources = load(settings)
    except StageFailed as failure:
        return refuse(failure, "wikidata sync needs data/ to load")
    tw = settings.tw
    items = sorted(wikidata_reference.linked_items(sources.data, tw)
                   | {qid_of(str(i)) for i in sources.data.objects(None, tw.otherLevelItem)})
    try:
        graph = wikidata_sync.snapshot_graph(args.endpoint, args.date, items,
                                             wikidata_reference.commune_items(sources.data, tw), args.timeout,
                                             PLACEHOLDER_BASE, Namespace(PLACEHOLDER_BASE + "ontology/"))
    except sparql.QueryFailed as failure:
        print(f"twinning wikidata sync: {failure}; data/ left unchanged", file=sys.stderr)
        return 1
    header = (f"# Wikidata snapshot fetched by `twinning wikidata sync` from {args.endpoint} on {args.date}.\n"
              "# Wikidata content, CC0. Do not edit by hand. Relative IRIs resolve against the base IRI.\n\n")
    write_reference(settings, graph, header, settings.data_dir / "reference" / f"wikidata-sync-{args.date}.ttl", items)
    return 0


def cmd_import_reference(settings: Settings, args) -> int:
    folder = settings.root / args.snapshots  # relative to the project, like every other path
    if not folder.is_dir():
        print(f"twinning: snapshot folder not found: {folder}", file=sys.stderr)
        return 1
    try:
        sources = load(settings)
    except StageFailed as failure:
        return refuse(failure, "import-reference needs data/ to load")
    tw = settings.tw
    items = wikidata_reference.linked_items(sources.data, tw)
    graph = wikidata_reference.reference_graph(folder, items, wikidata_reference.commune_items(sources.data, tw),
                                                PLACEHOLDER_BASE, Namespace(PLACEHOLDER_BASE + "ontology/"))
    header = ("# Dated Wikidata reference: what the P190 snapshots said about the items this dataset links.\n"
              "# Generated by `twinning wikidata import-reference` from the snapshots described below\n"
              "# (Wikidata content, CC0). Do not edit by hand. Relative IRIs resolve against the base IRI.\n\n")
    write_reference(settings, graph, header, settings.data_dir / REFERENCE_FILE, items)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="twinning", description=__doc__)
    parser.add_argument("--project", help="project folder (default: found from the current folder)")
    parser.add_argument("--base-iri", help="base IRI of every resource (default: [tool.twinning] in pyproject.toml)")
    commands = parser.add_subparsers(dest="command", required=True)

    no_cache = argparse.ArgumentParser(add_help=False)
    no_cache.add_argument("--no-cache", action="store_true",
                          help="redo all the work, ignoring results kept from earlier runs (they are refreshed)")
    validate = commands.add_parser("validate", parents=[no_cache],
                                   help="check quotes, IRIs and references, and run the SHACL shapes")
    validate.set_defaults(run=cmd_validate)

    build = commands.add_parser("build", parents=[no_cache],
                                help="validate, then publish dumps, catalogue, VoID, site and CSV")
    build.add_argument("--output", help="output folder (default: publish/)")
    build.add_argument("--release-date", help="release date of the catalogue, YYYY-MM-DD (default: pyproject.toml)")
    build.set_defaults(run=cmd_build)

    query = commands.add_parser("query", help="run SPARQL over the built dataset, or over an endpoint")
    query.add_argument("query", nargs="?", help="the SPARQL text (or use --file)")
    query.add_argument("--file", help="read the query from this file (for example queries/01-…rq)")
    query.add_argument("--endpoint", help="SPARQL endpoint URL (default: in-process over publish/downloads)")
    query.add_argument("--format", choices=sparql.FORMATS, default="table", help="output format (default: table)")
    query.add_argument("--timeout", type=float, default=30, help="seconds to wait for an endpoint (default: 30)")
    query.add_argument("--output", help="built publication to query (default: publish/)")
    query.set_defaults(run=cmd_query)

    serve = commands.add_parser("serve", help="serve the built site and a read-only SPARQL endpoint on loopback")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--timeout", type=int, default=10, help="seconds a query may run (default: 10)")
    serve.add_argument("--output", help="built publication to serve (default: publish/)")
    serve.set_defaults(run=cmd_serve)

    push = commands.add_parser("push", help="replace a named graph of a SPARQL Graph Store with the built dataset")
    push.add_argument("--graph-store", required=True, help="Graph Store Protocol URL, e.g. http://host:7878/store")
    push.add_argument("--graph", help="named graph IRI (default: the dataset IRI, <base>dataset/twinning)")
    push.add_argument("--timeout", type=float, default=120, help="seconds to wait for the store (default: 120)")
    push.add_argument("--output", help="built publication to push (default: publish/)")
    push.set_defaults(run=cmd_push)

    wikidata = commands.add_parser("wikidata", help="Wikidata reference, checks and comparison")
    wikidata_commands = wikidata.add_subparsers(dest="wikidata_command", required=True)
    importer = wikidata_commands.add_parser("import-reference",
                                            help="derive data/reference/wikidata-p190.ttl from the dated snapshots")
    importer.add_argument("--snapshots", default="data/reference/snapshots",
                          help="folder of the P190 snapshot files")
    importer.set_defaults(run=cmd_import_reference)
    checker = wikidata_commands.add_parser("check", help="state of every Wikidata link against the dated snapshots "
                                                         "(exit 1 if one is suspicious)")
    checker.set_defaults(run=cmd_wikidata_check)
    comparer = wikidata_commands.add_parser("compare", help="each commune's page against P190, snapshot by snapshot")
    comparer.add_argument("--format", choices=("table", "csv"), default="table")
    comparer.set_defaults(run=cmd_wikidata_compare)
    statements = wikidata_commands.add_parser("quickstatements",
                                              help="QuickStatements lines for the P190 statements Wikidata lacks")
    statements.set_defaults(run=cmd_wikidata_quickstatements)
    sync = wikidata_commands.add_parser("sync", help="fetch the linked items from a SPARQL endpoint as a new snapshot")
    sync.add_argument("--endpoint", required=True, help="e.g. https://query.wikidata.org/sparql")
    sync.add_argument("--date", default=date.today().isoformat(), help="date of the snapshot (default: today)")
    sync.add_argument("--timeout", type=float, default=60, help="seconds to wait for each answer (default: 60)")
    sync.set_defaults(run=cmd_wikidata_sync)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings(Path(args.project) if args.project else None).with_overrides(
        base_iri=args.base_iri, output=getattr(args, "output", None), reuse_cache=not getattr(args, "no_cache", False))
    return args.run(settings, args)


def run() -> None:
    """The `twinning` command. Its process ends with the command, and Python's last full collection
    would walk every object the command left (1.8 s after building the P190 network): they are frozen
    first, as nothing needs freeing at exit."""
    status = main()
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run()
