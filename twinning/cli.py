"""The `twinning` command: it checks what it is asked before any work, runs the stages and reports.

Every failure a user can cause (an option, a project, the data) ends as a message and a status:
1 when the work failed, 2 when the command itself was wrong. Only a fault of the program shows a
traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import URIRef

from . import __version__
from .check.verify import verify
from .config import Settings, SettingsError, checked_base_iri, checked_date, load_settings
from .files import write_atomically
from .load import load
from .parallel import workers_available
from .problems import StageFailed, format_report
from .progress import Progress
from .publish import tables
from .publish.build import build
from .serve import push, query, server
from .wikidata import reference, refresh, sync
from .wikidata.analysis import STATES, Analysis

DESCRIPTION = """Publish the international partnerships of French communes as linked open data:
validate the Turtle in data/ against its archived sources and the SHACL shapes,
build dumps, a DCAT-AP catalogue and a static site into publish/, then query,
serve or push what was built. Global options go before or after the command."""
EXAMPLES = """examples:
  twinning validate
  twinning build --base-iri https://data.example.fr/twinning/ --release-date 2026-12-01
  twinning query --file queries/01-partnerships-per-commune.rq --format csv
  twinning serve --port 8000
  twinning wikidata check"""


def refuse(failure: StageFailed, closing: str) -> int:
    """Every command reports a failed stage the same way: the problems, one closing line, status 1."""
    print(format_report(failure.problems), file=sys.stderr)
    print(closing, file=sys.stderr)
    return 1


def complain(command: str, message: str) -> int:
    print(f"twinning {command}: {message}", file=sys.stderr)
    return 1


def reuse_report(progress: Progress) -> str:
    return "".join(f"\n  {stage}: {note}" for stage, note in progress.notes.items())


def warn_if_placeholder(settings: Settings) -> None:
    """Pages and dumps built on the shipped example.org base name IRIs that resolve nowhere."""
    if settings.base_is_placeholder:
        print(f"twinning: warning: the base IRI {settings.base_iri} is the shipped placeholder: set "
              "[tool.twinning] base_iri in pyproject.toml, or give --base-iri, before publishing", file=sys.stderr)


def cmd_validate(settings: Settings, args) -> int:
    started = time.perf_counter()
    progress = Progress()
    try:
        verified = verify(settings, progress)
    except StageFailed as failure:
        return refuse(failure, f"validation failed ({time.perf_counter() - started:.2f} s)")
    sources = verified.sources
    if verified.warnings:
        print(format_report(verified.warnings))
    print(f"valid: {len(sources.data)} data triples, {len(sources.vocabulary)} vocabulary triples, "
          f"{len(sources.shapes)} shape triples ({time.perf_counter() - started:.2f} s){reuse_report(progress)}")
    return 0


def cmd_build(settings: Settings, args) -> int:
    started = time.perf_counter()
    warn_if_placeholder(settings)
    try:
        progress = Progress()
        result, warnings = build(settings, args.release_date or settings.release_date, progress)
    except StageFailed as failure:
        return refuse(failure, f"build failed: {settings.output_dir} left as it was")
    except OSError as error:  # a read-only or full output or cache folder: one line, no traceback
        where = error.filename or f"the publication or the cache ({settings.cache_dir})"
        return complain("build", f"cannot write {where}: {error.strerror or error}: make the folder writable or "
                                 f"free some space, then build again; {settings.output_dir} left as it was")
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
    try:
        text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    except (OSError, UnicodeDecodeError) as error:
        return complain("query", f"cannot read the query file {args.file}: {error}")
    try:
        if args.endpoint:
            answer = query.ask_endpoint(args.endpoint, text, settings.base_iri, args.timeout)
        else:
            answer = query.EmbeddedStore(settings.dump_path, settings.base_iri).ask(text)
    except query.QueryFailed as failure:
        return complain("query", str(failure))
    sys.stdout.write(query.render(answer, args.format))
    if answer.is_empty():
        print("twinning query: no results", file=sys.stderr)
    return 0


def cmd_serve(settings: Settings, args) -> int:
    try:
        server.serve(settings, args.host, args.port, server.Limits(args.timeout, args.memory_mb, args.result_mb),
                     announce=lambda line: print(line, flush=True))
    except (RuntimeError, OSError) as error:
        return complain("serve", str(error))
    return 0


def cmd_push(settings: Settings, args) -> int:
    graph = args.graph or settings.base_iri + "dataset/twinning"
    credentials = None
    if args.user is not None:
        if not os.environ.get(push.PASSWORD_VARIABLE):
            return complain("push", f"--user {args.user} needs the password in the environment variable "
                                    f"{push.PASSWORD_VARIABLE}, never on the command line")
        credentials = (args.user, os.environ[push.PASSWORD_VARIABLE])
    try:
        status = push.push(settings.dump_path, args.graph_store, graph, args.timeout, credentials)
    except push.PushFailed as failure:
        return complain("push", str(failure))
    print(f"pushed {settings.dump_path.name} into <{graph}> at {args.graph_store} (HTTP {status})")
    return 0


def with_analysis(run):
    """The Wikidata commands read valid data only: validate first, report a failure as every command does."""
    def command(settings: Settings, args) -> int:
        try:
            sources = verify(settings).sources
        except StageFailed as failure:
            return refuse(failure, f"wikidata {args.wikidata_command} needs valid data")
        return run(Analysis(sources.data + sources.vocabulary, settings.tw), settings, args)
    return command


@with_analysis
def cmd_wikidata_check(analysis: Analysis, settings: Settings, args) -> int:
    for report in analysis.link_reports:
        print(f"{report.state:12} {reference.qid_of(report.item):10} {report.name}")
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
        sys.stdout.write(query.table(columns, [[row[c] for c in columns] for row in rows]))
    return 0


@with_analysis
def cmd_wikidata_quickstatements(analysis: Analysis, settings: Settings, args) -> int:
    if settings.base_is_placeholder:
        print(f"twinning: the references point to {settings.base_iri}, a placeholder: set [tool.twinning] "
              f"base_iri to the published address before giving these lines to QuickStatements", file=sys.stderr)
    lines, skipped = analysis.quickstatements()
    sys.stdout.write("".join(line + "\n" for line in lines))
    for reason in skipped:
        print(f"no statement: {reason}", file=sys.stderr)
    return 0


def write_reference(settings: Settings, graph, header: str, target: Path, items) -> int:
    """Reference files keep IRIs relative to the base, and are swapped in whole or not at all."""
    write_atomically(target, reference.relative_turtle(graph, header))
    print(f"wrote {target.relative_to(settings.root)}: {reference.record_count(graph)} records "
          f"for {len(items)} linked items")
    return 0


def cmd_wikidata_sync(settings: Settings, args) -> int:
    try:
        graph, items = sync.synced_reference(load(settings).data, settings.tw, args.endpoint, args.date, args.timeout)
    except StageFailed as failure:
        return refuse(failure, "wikidata sync needs data/ to load")
    except query.QueryFailed as failure:
        return complain("wikidata sync", f"{failure}; data/ left unchanged")
    return write_reference(settings, graph, sync.HEADER.format(endpoint=args.endpoint, date=args.date),
                           sync.snapshot_path(settings.data_dir, args.date), items)


def cmd_import_reference(settings: Settings, args) -> int:
    folder = settings.root / args.snapshots  # relative to the project, like every other path
    if not folder.is_dir():
        return complain("wikidata import-reference", f"snapshot folder not found: {folder}")
    try:
        written = refresh.regenerate(settings, folder)
    except StageFailed as failure:
        return refuse(failure, "wikidata import-reference needs data/ to load")
    print(f"wrote {written.path.relative_to(settings.root)}: {written.records} records for {written.items} linked items")
    return 0


def cmd_add_commune(settings: Settings, args) -> int:
    from .curate.add import add_commune  # spaCy and trafilatura load for this command only
    started = time.perf_counter()
    try:
        added = add_commune(settings, Path(args.page), args.insee, args.url, args.captured, args.name)
    except StageFailed as failure:
        return refuse(failure, "add-commune: nothing written")
    draft = added.draft
    print(f"archived {added.archived.relative_to(settings.root)}; drafted {added.turtle.relative_to(settings.root)}: "
          f"{len(draft.partnerships)} partnerships, {sum(len(p.acts) for p in draft.partnerships)} acts, "
          f"{len(draft.activities)} activities, {len(draft.figures)} figures, all to confirm "
          f"({time.perf_counter() - started:.1f} s)\n\nChecklist:")
    print("\n".join(f"  [ ] {item}" for item in added.checklist))
    return 0


def cmd_wikidata_suggest(settings: Settings, args) -> int:
    from .wikidata.suggest import SnapshotIndex
    index = SnapshotIndex(settings.data_dir / refresh.SNAPSHOT_FOLDER)
    near = args.near
    if near and re.fullmatch(r"[0-9][0-9AB][0-9]{3}", near):  # an INSEE code: the commune's linked item
        try:
            data = load(settings).data
        except StageFailed as failure:
            return refuse(failure, "wikidata suggest --near INSEE needs data/ to load")
        link = data.value(URIRef(f"{settings.base_iri}commune/{near}"), settings.tw.wikidataLink)
        item = data.value(link, settings.tw.item) if link is not None else None
        if item is None:
            return complain("wikidata suggest", f"no commune {near} with a Wikidata item in data/")
        near = reference.qid_of(str(item))
    if near and not re.fullmatch(r"Q\d+", near):
        found = index.suggest(near, limit=1, cutoff=95)
        if not found:
            return complain("wikidata suggest", f"no item labelled «{near}» in the snapshots")
        near = found[0].qid
    candidates = index.suggest(args.name, near, limit=args.limit)
    if not candidates:
        return complain("wikidata suggest", f"no item labelled like «{args.name}» in the dated snapshots")
    for rank, candidate in enumerate(candidates, 1):
        print(f"{rank}. {candidate.qid}  label match {candidate.similarity:.0f}%"
              + (", linked to the commune by P190" if candidate.linked_to_near else ""))
        for line in candidate.evidence():
            print(f"     {line}")
    return 0


def cmd_expectations(settings: Settings, args) -> int:
    from .curate import expectations
    try:
        found = expectations.computed(settings)
    except StageFailed as failure:
        return refuse(failure, "expectations need valid data")
    if args.update:
        changed = expectations.update(found)
        print(f"updated {len(changed)} expectation file(s): " + ", ".join(p.relative_to(settings.root).as_posix() for p in changed)
              if changed else "expectations already match the data")
        return 0
    diff = expectations.differences(settings, found)
    if diff:
        print("\n".join(diff))
        print("the committed expectations differ from the data: review the diff, then `twinning expectations --update`",
              file=sys.stderr)
        return 1
    print(f"{len(found)} expectation files match the data")
    return 0


def refresh_reference(settings: Settings) -> None:
    """The derived reference follows its snapshot files: derived again when one was added or changed."""
    changes = refresh.stale(settings)
    if changes:
        written = refresh.regenerate(settings)
        print(f"snapshots changed ({', '.join(changes)}): derived {written.path.relative_to(settings.root)} again "
              f"({written.records} records), as `{refresh.COMMAND}` does")


# Arguments: each is checked as it is parsed, so that a wrong one stops the command before any work.

def argument(check):
    """An argparse type from a check that raises SettingsError: argparse then names the option."""
    def parse(text: str):
        try:
            return check(text)
        except SettingsError as error:
            raise argparse.ArgumentTypeError(error.reason) from None
    parse.__name__ = check.__name__
    return parse


def at_least(minimum: float, kind=int):
    def number(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} is too small: give at least {minimum}")
        return value
    return number


def web_address(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL, such as http://localhost:7878/query")
    return text


def output_folder(text: str) -> str:
    """A build replaces its output folder whole: a file of that name is not the user's publication."""
    if Path(text).exists() and not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder: give a folder to publish into")
    return text


def port(text: str) -> int:
    value = at_least(0)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port: give 0 to 65535 (0 picks a free one)")
    return value


def global_options(suppress: bool) -> argparse.ArgumentParser:
    """The options every command takes, before or after its name. Where a subcommand does not see
    one, it leaves the value the main parser read (SUPPRESS adds no default)."""
    options = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS if suppress else None)
    options.add_argument("--project", metavar="DIR",
                         help="the project folder, holding pyproject.toml and data/ (default: found from the current folder)")
    options.add_argument("--base-iri", metavar="IRI", type=argument(lambda text: checked_base_iri(text, "--base-iri")),
                         help="base IRI of every resource (default: [tool.twinning] base_iri in pyproject.toml)")
    options.add_argument("--jobs", metavar="N", type=at_least(1),
                         help=f"worker processes at once (default: the cores available, here {workers_available()})")
    return options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="twinning", description=DESCRIPTION, epilog=EXAMPLES,
                                     parents=[global_options(suppress=False)],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"twinning {__version__}")
    common = global_options(suppress=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(group, name: str, summary: str, run, description: str = "", extra: tuple = ()):
        sub = group.add_parser(name, help=summary, description=description or summary, parents=[common, *extra])
        sub.set_defaults(run=run)
        return sub

    no_cache = argparse.ArgumentParser(add_help=False)
    no_cache.add_argument("--no-cache", action="store_true",
                          help="redo all the work, ignoring results kept from earlier runs (they are refreshed)")
    publication = argparse.ArgumentParser(add_help=False)
    publication.add_argument("--publication", metavar="DIR", help="the built publication to read (default: publish/)")

    command(commands, "validate", "check quotes, IRIs and references, and run the SHACL shapes", cmd_validate,
            "Load data/, ontology/ and shapes/, check every quote against its archived page, the IRIs, references "
            "and literal forms, then validate the data against the SHACL shapes. Prints file: resource: [rule] "
            "message for each problem; exit status 1 on any error.", (no_cache,))

    build_command = command(commands, "build", "validate, then publish dumps, catalogue, VoID, site and CSV",
                            cmd_build, "Validate, then write the publication to a temporary folder and swap it into "
                            "place: a failed build leaves the previous publication as it was.", (no_cache,))
    build_command.add_argument("--output", metavar="DIR", type=output_folder,
                               help="the folder to publish into, replaced whole (default: publish/)")
    build_command.add_argument("--release-date", metavar="YYYY-MM-DD",
                               type=argument(lambda text: checked_date(text, "--release-date")),
                               help="release date of the catalogue (default: [tool.twinning] release_date)")

    query_command = command(commands, "query", "run SPARQL over the built dataset, or over an endpoint", cmd_query,
                            "Answer a SELECT or ASK query in-process over the built dump, or send it to an endpoint. "
                            "Relative IRIs in the query resolve against the base IRI.", (publication,))
    query_command.add_argument("query", nargs="?", help="the SPARQL text (or use --file)")
    query_command.add_argument("--file", help="read the query from this file (for example queries/01-…rq)")
    query_command.add_argument("--endpoint", metavar="URL", type=web_address,
                               help="SPARQL endpoint URL (default: in-process over the publication's dump)")
    query_command.add_argument("--format", choices=query.FORMATS, default="table", help="output format (default: table)")
    query_command.add_argument("--timeout", type=at_least(0.001, float), default=30,
                               help="seconds to wait for an endpoint (default: 30)")

    serve_command = command(commands, "serve", "serve the built site and a read-only SPARQL endpoint", cmd_serve,
                            "Serve the publication and a read-only SPARQL endpoint at /query (Oxigraph) behind one "
                            "address; Ctrl-C stops both.", (publication,))
    serve_command.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback)")
    serve_command.add_argument("--port", type=port, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve_command.add_argument("--timeout", type=at_least(1), default=10,
                               help="whole seconds a query may run (default: 10)")
    serve_command.add_argument("--memory-mb", type=at_least(64), default=1024,
                               help="memory each of the two Oxigraph processes may use before it is restarted "
                                    "(default: 1024)")
    serve_command.add_argument("--result-mb", type=at_least(1), default=8, help="largest answer sent, in MB (default: 8)")

    push_command = command(commands, "push", "replace a named graph of a SPARQL Graph Store with the built dataset",
                           cmd_push, "Send the N-Triples dump with one Graph Store Protocol PUT: the named graph's "
                           "whole content is replaced, other graphs are left alone.", (publication,))
    push_command.add_argument("--graph-store", metavar="URL", required=True, type=web_address,
                              help="Graph Store Protocol URL, e.g. http://host:7878/store")
    push_command.add_argument("--graph", metavar="IRI", help="named graph IRI (default: <base>dataset/twinning)")
    push_command.add_argument("--user", metavar="NAME", help="user the store writes for (Digest or Basic "
                              "authentication), the password in the environment variable " + push.PASSWORD_VARIABLE)
    push_command.add_argument("--timeout", type=at_least(0.001, float), default=120,
                              help="seconds to wait for the store (default: 120)")

    wikidata = commands.add_parser("wikidata", help="Wikidata reference, checks and comparison", parents=[common],
                                   description="The dated Wikidata P190 reference: import it, refresh it, check the "
                                               "data's links against it, compare each commune's page with it.")
    wikidata_commands = wikidata.add_subparsers(dest="wikidata_command", required=True, metavar="COMMAND")
    importer = command(wikidata_commands, "import-reference",
                       "derive data/reference/wikidata-p190.ttl from the dated snapshots", cmd_import_reference)
    importer.add_argument("--snapshots", metavar="DIR", default="data/reference/snapshots",
                          help="folder of the P190 snapshot files, relative to the project")
    command(wikidata_commands, "check", "state of every Wikidata link against the dated snapshots "
                                        "(exit 1 if one is suspicious)", cmd_wikidata_check)
    comparer = command(wikidata_commands, "compare", "each commune's page against P190, snapshot by snapshot",
                       cmd_wikidata_compare)
    comparer.add_argument("--format", choices=("table", "csv"), default="table", help="output format (default: table)")
    command(wikidata_commands, "quickstatements", "QuickStatements lines for the P190 statements Wikidata lacks",
            cmd_wikidata_quickstatements)
    syncer = command(wikidata_commands, "sync", "fetch the linked items from a SPARQL endpoint as a new snapshot",
                     cmd_wikidata_sync)
    syncer.add_argument("--endpoint", metavar="URL", required=True, type=web_address,
                        help="e.g. https://query.wikidata.org/sparql")
    syncer.add_argument("--date", metavar="YYYY-MM-DD", type=argument(lambda text: checked_date(text, "--date")),
                        default=date.today().isoformat(), help="date of the snapshot (default: today)")
    syncer.add_argument("--timeout", type=at_least(0.001, float), default=60,
                        help="seconds to wait for each answer (default: 60)")
    suggester = command(wikidata_commands, "suggest", "candidate items for a place name from the dated snapshots, "
                                                       "ranked, with their evidence", cmd_wikidata_suggest)
    suggester.add_argument("name", help="the place's name as the page writes it")
    suggester.add_argument("--near", help="a commune (INSEE code, QID or name): items P190 links to it come first")
    suggester.add_argument("--limit", type=at_least(1), default=5, help="how many candidates (default: 5)")

    adder = command(commands, "add-commune", "archive a commune's page and draft its Turtle, every fact to confirm",
                    cmd_add_commune, "Archive the page in data/sources/, draft data/<commune>.ttl with each fact's "
                    "quote and each Wikidata item's evidence, and print the curator's checklist. Nothing drafted is "
                    "published until the curator confirms it (docs/curating.md).")
    adder.add_argument("page", help="the page saved as .txt, or .html (its main text is extracted)")
    adder.add_argument("--insee", required=True, help="the commune's INSEE code, e.g. 92007")
    adder.add_argument("--name", help="the commune's name (default: the place the page names most)")
    adder.add_argument("--url", type=web_address, help="the page's address, if known")
    adder.add_argument("--captured", metavar="YYYY-MM-DD", type=argument(lambda text: checked_date(text, "--captured")),
                       help="the date the page was saved, if known")

    expecting = command(commands, "expectations", "compare the expected answers (queries/*.csv, "
                        "data/expectations.csv) with the data; --update writes them", cmd_expectations)
    expecting.add_argument("--update", action="store_true", help="write the data's answers as the new expectations")
    return parser


def settings_of(args: argparse.Namespace) -> Settings:
    """The project's settings with what the command line overrides: --output names where a build
    writes, --publication what the other commands read."""
    return load_settings(Path(args.project) if args.project else None).with_overrides(
        base_iri=args.base_iri, output=getattr(args, "output", None) or getattr(args, "publication", None),
        reuse_cache=not getattr(args, "no_cache", False), jobs=args.jobs)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_of(args)
    except SettingsError as error:
        print(f"twinning: {error}", file=sys.stderr)
        return 2
    if args.command in ("validate", "build"):
        refresh_reference(settings)
    return args.run(settings, args)


def run() -> None:
    """The `twinning` command. Its process ends with the command, so what the command left is frozen
    rather than walked by Python's last full collection."""
    try:
        status = main()
    except KeyboardInterrupt:  # a build leaves its output as it was; the user asked to stop
        print("twinning: interrupted", file=sys.stderr)
        status = 130
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run()
