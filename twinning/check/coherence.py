"""Check stage: what no single triple says. Dates in order, as history runs (an end not before its
start, an activity or an act not before its partnership), a French commune among the partners of
each partnership a page states, an amount with its currency, a partnership's kind as its latest
change of kind gives it, and no place part of itself through tw:partOf.

Dates are compared on the precision both share: "2012-06" and "2012" are the same year, and a decade
(tw:startDecade "1990") is compared on its first three digits. These rules read several resources at
once, which SHACL says with SHACL-SPARQL or qualified value shapes: pySHACL evaluates those once per
focus node, at a cost far above every other shape together, and the validation cache cannot tell
which files such a shape reads. Here they run over each predicate's triples once. Messages are the
curators' French, then English.
"""
from __future__ import annotations

from rdflib import RDF, Graph, Namespace, URIRef

from ..load.sources import Sources
from ..problems import Problem

MONEY = ("project-cost", "contribution")  # the measures that are sums of money, and need a currency


def before(earlier: str, later: str) -> bool:
    """Whether `earlier` is strictly before `later` on the precision both share (ISO 8601 text)."""
    shared = min(len(earlier), len(later))
    return earlier[:shared] < later[:shared]


def start_of(graph: Graph, node, tw: Namespace) -> str | None:
    start = graph.value(node, tw.startDate)
    if start is not None:
        return str(start)
    decade = graph.value(node, tw.startDecade)
    return str(decade)[:3] if decade is not None else None


def check_coherence(sources: Sources, tw: Namespace) -> list[Problem]:
    graph, problems = sources.data, []

    def problem(resource, rule: str, french: str, english: str) -> None:
        problems.append(Problem(sources.file_of(resource), str(resource), rule, f"{french} / {english}"))
    for resource, end in graph.subject_objects(tw.endDate):
        start = start_of(graph, resource, tw)
        if start is not None and before(str(end), start):
            problem(resource, "end-not-before-start",
                    f"La date de fin (tw:endDate {end}) précède la date de début ({start}) : vérifiez-les dans la page.",
                    f"The end date (tw:endDate {end}) comes before the start date ({start}): check both against the page.")
    for activity, partnership in graph.subject_objects(tw.partnership):
        start, opened = graph.value(activity, tw.startDate), start_of(graph, partnership, tw)
        if start is not None and opened is not None and before(str(start), opened):
            problem(activity, "activity-not-before-partnership",
                    f"L'activité commence ({start}) avant le partenariat auquel elle est rattachée ({partnership}, "
                    f"{opened}) : rattachez-la à la commune (tw:ofCommune) si la page en fait un programme de la ville, "
                    "ou faites commencer le partenariat au premier lien que la page énonce.",
                    f"The activity starts ({start}) before the partnership it is attached to ({partnership}, {opened}): "
                    "attach it to the commune (tw:ofCommune) if the page makes it the town's programme, or start the "
                    "partnership at the first link the page states.")
    for act, partnership in graph.subject_objects(tw.formalises):
        date, opened = graph.value(act, tw.date), start_of(graph, partnership, tw)
        if date is not None and opened is not None and before(str(date), opened):
            problem(act, "act-not-before-partnership",
                    f"L'acte (tw:date {date}) est daté d'avant le début du partenariat qu'il officialise ({opened}) : "
                    "un partenariat commence au plus tard à son premier acte.",
                    f"The act (tw:date {date}) is dated before the start of the partnership it formalises ({opened}): "
                    "a partnership begins at the latest with its first act.")
    base = str(tw).removesuffix("ontology/")  # the concepts live beside the ontology, under the base IRI
    money = {URIRef(f"{base}concept/measure/{name}") for name in MONEY}
    for figure, measure in graph.subject_objects(tw.measure):
        if measure in money and graph.value(figure, tw.currency) is None:
            problem(figure, "figure-unit",
                    "Un montant (coût d'un projet, participation) a sa devise (tw:currency), en code ISO 4217 comme EUR.",
                    "An amount (project cost, contribution) has its currency (tw:currency), as an ISO 4217 code such as EUR.")
    communes = set(graph.subjects(RDF.type, tw.Commune))
    cited = {resource for resource, _ in graph.subject_objects(tw.citation)}
    for partnership in graph.subjects(RDF.type, tw.Partnership):
        if partnership in cited and not any(p in communes for p in graph.objects(partnership, tw.partner)):
            problem(partnership, "partnership-has-french-commune",
                    "Un partenariat cité d'une page compte parmi ses partenaires (tw:partner) une commune française "
                    "(tw:Commune), celle qui publie la page : ajoutez-la.",
                    "A partnership cited from a page has a French commune (tw:Commune) among its partners "
                    "(tw:partner), the one that publishes the page: add it.")
    for act, partnership in latest_kind_changes(graph, tw):
        if graph.value(act, tw.newKind) not in set(graph.objects(partnership, tw.kind)):
            problem(act, "kind-is-latest-change",
                    "La nature d'un partenariat (tw:kind) est celle que lui donne son dernier acte de changement "
                    "(tw:newKind) : accordez-les.",
                    "A partnership's kind (tw:kind) is the one its latest change of kind gives it (tw:newKind): "
                    "make them agree.")
    for place in sorted(set(graph.subjects(tw.partOf, None))):
        if part_of_itself(graph, place, tw):
            problem(place, "part-of-cycle",
                    "tw:partOf fait un cycle : ce lieu ferait partie de lui-même. Retirez le lien qui remonte vers lui.",
                    "tw:partOf makes a cycle: this place would be part of itself. Remove the link that leads back to it.")
    return sorted(problems)


def latest_kind_changes(graph: Graph, tw: Namespace) -> list[tuple]:
    """(act, partnership) for each partnership's dated act that changes its kind last (ISO dates as text)."""
    latest: dict = {}
    for act, partnership in graph.subject_objects(tw.formalises):
        date = graph.value(act, tw.date)
        if graph.value(act, tw.newKind) is not None and date is not None:
            if partnership not in latest or str(date) > latest[partnership][0]:
                latest[partnership] = (str(date), act)
    return sorted((act, partnership) for partnership, (_, act) in latest.items())


def part_of_itself(graph: Graph, place, tw: Namespace) -> bool:
    """Whether following tw:partOf from the place leads back to it (a walk, not a recursion)."""
    seen, reached = set(), list(graph.objects(place, tw.partOf))
    while reached:
        whole = reached.pop()
        if whole == place:
            return True
        if whole not in seen:
            seen.add(whole)
            reached.extend(graph.objects(whole, tw.partOf))
    return False
