"""Validate stage: the shapes are checked against SHACL-for-SHACL, then the data against the shapes."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from contextlib import contextmanager
from importlib import resources
from typing import Callable, Iterator

import pyshacl
from pyshacl.entrypoints import meta_validate
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.store import Store

from ..cache import ResultCache, code_digest, digest_of
from ..load.sources import Sources
from ..namespaces import SH
from ..store import new_graph
from ..parallel import collection_paused, started
from ..problems import Problem, describe
from ..progress import Progress

SUBJECTS_PER_SHARD = 5_000
SEVERITIES = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "warning"}
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
# The SHACL parameters that read no more than a focus node's values and theirs, transitively, which is
# what a shard's cache key follows (shard_reach): targets select through their subject's own triples,
# and sh:class reads a value's types, whose classes' files the reach includes. Any other parameter
# (sh:inversePath reads the links to a node, sh:sparql and SPARQL-based components anything) makes
# every file part of every shard's key.
WITHIN_REACH = frozenset(SH[name] for name in (
    "targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf", "property", "path", "alternativePath",
    "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath", "node", "and", "or", "xone", "not", "qualifiedValueShape",
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "class", "datatype", "nodeKind",
    "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive", "maxInclusive", "minLength",
    "maxLength", "pattern", "flags", "languageIn", "uniqueLang", "equals", "disjoint", "lessThan",
    "lessThanOrEquals", "closed", "ignoredProperties", "hasValue", "in", "name", "description", "order", "group",
    "defaultValue", "message", "severity", "deactivated"))


def shacl_vocabulary() -> set[URIRef]:
    """The terms SHACL defines: engines silently ignore sh:dataType or sh:Error, so we do not."""
    graph = Graph().parse(resources.files("pyshacl") / "assets" / "shacl.ttl", format="turtle")
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(SH))}


def check_shapes(shapes: Graph, origin) -> list[Problem]:
    known = shacl_vocabulary()
    problems = []
    for triple in shapes:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(str(SH)) and term not in known:
                problems.append(Problem(origin.get(triple[0], "shapes/"), describe(triple[0], shapes), "shacl-term",
                                        f"{shapes.namespace_manager.normalizeUri(term)} is not a SHACL term "
                                        "(a typo that validators would silently ignore)"))
    conforms, report, _ = meta_validate(shapes, inference="none")
    if not conforms:
        problems += results_as_problems(report, shapes, origin, "shacl-shacl")
    return sorted(set(problems))


def results_as_problems(report: Graph, described: Graph, origin, rule_prefix: str,
                        shapes: Graph | None = None, stated_by: set | None = None) -> list[Problem]:
    """A problem per top-level result (nested sh:detail only repeats them). A value that a shape
    selected with sh:targetObjectsOf is reported at each resource that states it, which is where a
    curator mends it; of `stated_by` only, if any of them states it (a shard reports at its own
    resources, so that its result depends on no other shard's files); the rule names the path from
    that resource (tw:citation/oa:exact), with the shapes' prefixes when there are shapes."""
    nm = (shapes if shapes is not None else described).namespace_manager
    through = value_targets(shapes) if shapes is not None else {}
    languages = {str(m): m.language for m in shapes.objects(None, SH.message)} if shapes is not None else {}
    problems = []
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        component = report.value(result, SH.sourceConstraintComponent)
        predicates = through.get(report.value(result, SH.sourceShape), ())
        value = focus if predicates else report.value(result, SH.value)
        message = messages(report, result, languages)
        severity = SEVERITIES.get(report.value(result, SH.resultSeverity), "error")
        path = path_text(report, report.value(result, SH.resultPath), nm)
        component_text = [nm.normalizeUri(component).replace("sh:", "").replace("ConstraintComponent", "")
                          ] if component is not None else []
        source = report.value(result, SH.sourceShape)
        if isinstance(source, URIRef) and not predicates:  # a named shape that judges the resource as a whole
            component_text.insert(0, nm.normalizeUri(source))
        stated_at = [(subject, "/".join(filter(None, [nm.normalizeUri(predicate), path])))
                     for predicate in predicates for subject in described.subjects(predicate, focus)]
        if stated_by is not None:
            stated_at = [place for place in stated_at if place[0] in stated_by] or stated_at
        for resource, written_path in stated_at or [(focus, path)]:
            shown = f" (value: {value})" if value not in (None, resource) and not isinstance(value, BNode) else ""
            rule = " ".join([rule_prefix] + ([written_path] if written_path else []) + component_text)
            problems.append(Problem(origin.get(resource, "?"), describe(resource, described), rule, message + shown,
                                    severity))
    return problems


def messages(report: Graph, result, languages: dict) -> str:
    """The result's message, or its French and English messages in that order, as a curator reads them.
    pySHACL drops the language of a SPARQL constraint's messages: the shapes' own messages give it back."""
    def language(message) -> str:
        return message.language or languages.get(str(message), "")
    found = sorted(report.objects(result, SH.resultMessage), key=lambda m: (language(m) != "fr", language(m), str(m)))
    return " / ".join(map(str, found)) or "does not satisfy the shape"


def value_targets(shapes: Graph) -> dict:
    """Shape -> the predicates whose values it targets (sh:targetObjectsOf), for it and its property shapes."""
    through = {}
    for shape, predicate in shapes.subject_objects(SH.targetObjectsOf):
        for source in [shape, *shapes.objects(shape, SH.property)]:
            through[source] = through.get(source, ()) + (predicate,)
    return through


def path_text(report: Graph, path, nm) -> str | None:
    """A result's path as SPARQL writes it, for the paths our shapes use: an IRI, or alternative IRIs."""
    if path is None or isinstance(path, URIRef):
        return path and nm.normalizeUri(path)
    alternatives = report.value(path, SH.alternativePath)
    steps = list(Collection(report, alternatives)) if alternatives is not None else []
    if steps and all(isinstance(step, URIRef) for step in steps):
        return "|".join(nm.normalizeUri(step) for step in steps)
    return None


def validate(sources: Sources, progress: Progress | None = None, cache: ResultCache | None = None,
             jobs: int | None = None) -> list[Problem]:
    with validation(sources, progress, cache, jobs) as finished:
        return finished()


@contextmanager
def validation(sources: Sources, progress: Progress | None = None, cache: ResultCache | None = None,
               jobs: int | None = None) -> Iterator[Callable[[], list[Problem]]]:
    """The shapes first; then the data in shards of whole files, validated by `jobs` workers (default:
    every core this process may use). Each shard
    validates the focus nodes it owns against all the data and the vocabulary (the forked workers' copy
    of the loaded graphs); a problem seen by two shards is reported once. A shard whose inputs are
    unchanged since an earlier run takes that run's result from the cache. The workers, one at least,
    start on entry with a copy of the loaded sources, so that this process may go on with other work
    until it calls the function given, which waits for every problem."""
    progress = progress or Progress(live=False)
    cache = cache or ResultCache(None)
    rules = digest_of(code_digest(), sources.schema_digest())
    problems, _ = cache.problems("shapes", rules, lambda: check_shapes(sources.shapes, sources.origin))
    cache.keep_only("shapes", {rules})
    if any(p.severity == "error" for p in problems):
        yield lambda: problems
        return
    shards = file_shards(sources)
    shard_of_file = {file: index for index, files in enumerate(shards) for file in files}

    def shard_of(subject) -> int | None:
        """The shard of the data file that describes it first (data/ is loaded first, so a resource any
        data file describes has one); None for the vocabulary, which every shard validates."""
        return shard_of_file.get(sources.origin.get(subject))
    # no collections while the shards' subjects and focus nodes are listed (millions in a large build),
    # on one core before the workers start: they leave no cyclic garbage, and the collections that
    # their growth would set off would walk them again and again
    with collection_paused():
        own: list[list] = [[] for _ in shards]  # each shard's subjects: those its files describe first
        for subject in sources.origin:
            shard = shard_of(subject)
            if shard is not None:
                own[shard].append(subject)
        shapes = one_pass_per_property(sources.shapes)
        selections = focus_selections(shapes, ReadOnlyGraphAggregate([sources.data, sources.vocabulary]), shard_of)

    def finished(results: Iterator) -> list[Problem]:
        found: set[Problem] = set()
        keys, validated = set(), 0
        for done, (key, shard_problems, fresh) in enumerate(results, 1):
            found.update(shard_problems)
            keys.add(key)
            validated += fresh
            progress.count("validate", done, len(shards))
        cache.keep_only("validation", keys)
        progress.note("validate", f"{validated} of {len(shards)} shards validated, {len(shards) - validated} unchanged"
                      + (f" (the shapes use {', '.join(beyond)}: any change validates every shard)" if beyond else ""))
        return problems + sorted(found)
    beyond = beyond_reach(sources.shapes)
    with started(lambda index: validate_shard(sources, shapes, selections, index, shards[index], own[index], rules, cache,
                                              bool(beyond)),
                 range(len(shards)), workers=jobs, apart=True) as results:
        yield lambda: finished(results)


def file_shards(sources: Sources) -> list[list[str]]:
    """Files in shards of a few thousand resources. A file's shard depends on its name only, so that a
    change to one commune changes one shard; their number doubles as the data grows."""
    sizes = Counter(file for file in sources.origin.values() if file.startswith("data/"))
    count = 1
    while count * SUBJECTS_PER_SHARD < sum(sizes.values()):
        count *= 2
    shards: list[list[str]] = [[] for _ in range(count)]
    for file in sorted(sizes):
        shards[int(hashlib.sha256(file.encode("utf-8")).hexdigest()[:8], 16) % count].append(file)
    return [shard for shard in shards if shard]


def beyond_reach(shapes: Graph) -> list[str]:
    """The SHACL terms the shapes use that may read beyond a shard's reach, and "rdfs:Class" if a shape
    is a class (its instances are then focus nodes that no target declaration names)."""
    used = {shapes.namespace_manager.normalizeUri(predicate) for predicate in shapes.predicates()
            if str(predicate).startswith(str(SH)) and predicate not in WITHIN_REACH}
    classes = {node for cls in (RDFS.Class, OWL.Class) for node in shapes.subjects(RDF.type, cls)}
    if any(str(predicate).startswith(str(SH)) for node in classes for predicate in shapes.predicates(node)):
        used.add("rdfs:Class")
    return sorted(used)


def shard_reach(data: Graph, own: list) -> set:
    """What validating the shard's own resources can read, with shapes that use only WITHIN_REACH's
    parameters: they, and their values, transitively."""
    pending = list(own)
    seen = set(own)
    while pending:
        for value in data.objects(pending.pop(), None):
            if not isinstance(value, Literal) and value not in seen and (value, None, None) in data:
                seen.add(value)
                pending.append(value)
    return seen


def validate_shard(sources: Sources, shapes: Graph, selections: dict, index: int, files: list[str], own: list,
                   rules: str, cache: ResultCache, beyond: bool) -> tuple[str, list[Problem], bool]:
    """(key, problems, whether pySHACL ran). The key covers the files the shard owns, and every file that
    describes a resource it can read, so a change anywhere the shapes could look is seen: every file,
    where the shapes may read `beyond` the shard's reach."""
    if beyond:
        inputs = {f"{file}={digest}" for file, digest in sources.digests.items()}
    else:
        inputs = {f"{file}={sources.digests[file]}" for subject in shard_reach(sources.data, own)
                  for file in sources.files_describing(subject)}
    key = digest_of(rules, "owns", *files, "reads", *sorted(inputs))
    problems, fresh = cache.problems("validation", key, lambda: run_pyshacl(
        sources, shapes, *(targets_within(shapes, selections, index, literals) for literals in (False, True)), set(own)))
    return key, problems, fresh


class DataAndVocabulary(Store):
    """The data and the vocabulary as one read-only graph for pySHACL, without a copy of either: what
    SHACL reads of the vocabulary (subclasses for sh:class) sits beside millions of data triples.
    pySHACL wraps its data graph in an rdflib Dataset, which accepts only a store that declares
    contexts: this one answers for its one graph whatever the context. A triple that both hold is
    given once. Read from the forked workers' copy of the loaded graphs, pySHACL runs faster than
    over the same triples in an Oxigraph store, with the same results."""
    context_aware = True
    graph_aware = True

    def __init__(self, data: Graph, vocabulary: Graph):
        super().__init__()
        self.data, self.vocabulary = data.store, vocabulary.store

    def triples(self, triple_pattern, context=None) -> Iterator:
        yield from self.data.triples(triple_pattern)
        for found in self.vocabulary.triples(triple_pattern):
            if next(self.data.triples(found[0]), None) is None:
                yield found

    def __len__(self, context=None) -> int:
        return len(self.data) + len(self.vocabulary)


def run_pyshacl(sources: Sources, shapes: Graph, on_nodes: Graph, on_literals: Graph, own: set) -> list[Problem]:
    """A shape with a property fails in pySHACL when its focus node is a literal (a citation written as
    a string): such focus nodes are validated over an empty graph, which answers for them as the data
    would, since a literal has no values. A value is reported at the shard's `own` resources that state it."""
    data = Graph(store=DataAndVocabulary(sources.data, sources.vocabulary))
    reports = [pyshacl.validate(data, shacl_graph=on_nodes, inference="none", advanced=False, allow_warnings=True)[1]]
    if (None, SH.targetNode, None) in on_literals:
        reports.append(pyshacl.validate(Graph(), shacl_graph=on_literals, inference="none", advanced=False,
                                        allow_warnings=True)[1])
    return [problem for report in reports
            for problem in results_as_problems(report, sources.data, sources.origin, "shacl", shapes, own)]


def one_pass_per_property(shapes: Graph) -> Graph:
    """A copy of the shapes in which each property shape of a targeted node shape carries that node
    shape's targets itself. pySHACL evaluates a node shape's sh:property once per focus node, a targeted
    shape once for all its focus nodes; SHACL gives the same results either way, since a property
    shape's results do not depend on the node shape that holds it. A node shape that other shapes
    refer to (sh:node, sh:or...), that is deactivated, or that is closed (sh:closed allows the paths
    of its own property shapes) keeps its property shapes."""
    copy = Graph()
    copy.namespace_manager = shapes.namespace_manager
    copy.addN((s, p, o, copy) for s, p, o in shapes)
    referred = {value for _, link, value in shapes if link != SH.property}
    for shape in set(shapes.subjects(None, None)) - referred:
        targets = [(declaration, value) for declaration, value in shapes.predicate_objects(shape)
                   if declaration in TARGETS]
        if not targets or any(is_true(shapes, shape, flag) for flag in (SH.deactivated, SH.closed)):
            continue
        for property_shape in shapes.objects(shape, SH.property):
            copy.remove((shape, SH.property, property_shape))
            copy.addN((property_shape, declaration, value, copy) for declaration, value in targets)
    return copy


def is_true(shapes: Graph, shape, flag: URIRef) -> bool:
    """Whether the shape sets a boolean parameter to true, in any of its lexical forms ("true", "1")."""
    return any(isinstance(value, Literal) and value.value is True for value in shapes.objects(shape, flag))


def focus_selections(shapes: Graph, graph: Graph, shard_of) -> dict:
    """(declaration, value) -> {(shard, whether literal): focus nodes}, for each focus node a target
    declaration selects in `graph`, by the shard of the triple's subject that selects it: found once
    for all shards, which then look up their own."""
    selections: dict = {}
    for _, declaration, value in shapes:
        if declaration in TARGETS and (declaration, value) not in selections:
            found = selections[declaration, value] = defaultdict(list)
            for subject, node in selected_by(graph, declaration, value):  # 1.5 million at 100,000 partnerships
                found[shard_of(subject), type(node) is Literal].append(node)  # isinstance is slow on rdflib terms
    return selections


def targets_within(shapes: Graph, selections: dict, shard: int, literals: bool) -> Graph:
    """A copy of the shapes whose target declarations are replaced by the focus nodes they select
    (SHACL 2.1.3) through the shard's own triples or the vocabulary's, named with sh:targetNode: the
    literal focus nodes, or the others. A shard thus validates what it owns; what its resources point
    to is validated by its own shard."""
    # a copy in any case: pySHACL adds RDFS axioms to the shapes graph it is given, and ours are published;
    # it needs no contexts in the shapes graph. Terms from graphs already: none of Graph.addN's checks.
    copy = new_graph()
    copy.namespace_manager = shapes.namespace_manager
    target_node = SH.targetNode
    for shape, declaration, value in shapes:
        if declaration not in TARGETS:
            copy.store.add((shape, declaration, value), copy)
            continue
        found = selections[declaration, value]
        copy.store.addN((shape, target_node, node, copy)
                        for owner in (shard, None) for node in found.get((owner, literals), ()))
    return copy


def selected_by(graph: Graph, declaration, value) -> list[tuple]:
    """(subject, focus node) for each focus node a target declaration selects, with the subject of the
    triple that selects it."""
    if declaration == SH.targetNode:
        return [(value, value)]
    if declaration == SH.targetClass:
        return [(node, node) for cls in graph.transitive_subjects(RDFS.subClassOf, value)
                for node in graph.subjects(RDF.type, cls)]
    if declaration == SH.targetSubjectsOf:
        return [(node, node) for node in graph.subjects(value, None)]
    return list(graph.subject_objects(value))  # sh:targetObjectsOf: the focus node is the object
