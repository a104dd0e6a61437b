"""Check stage: country and currency codes against the ISO lists that pycountry maintains.

SHACL could hold these lists only as long `sh:in` enumerations copied by hand; pycountry ships them
(ISO 3166-1 countries, ISO 3166-2 subdivisions, ISO 3166-3 withdrawn countries, ISO 4217 currencies).

- iso-3166-1: tw:countryCode is a current ISO 3166-1 alpha-2 code (not «UK»: GB);
- iso-3166-territory: tw:countryCode is not a territory that ISO 3166-2 lists as an overseas part of a
  country (GP is FR-971): the country counts once;
  and tw:territoryCode is an ISO 3166-1 code whose territory ISO 3166-2 lists among the subdivisions
  of the partner's country (GP, Guadeloupe, is FR-971);
- iso-3166-3: tw:formerCountryCode is an ISO 3166-3 code of a withdrawn country, and one of the place's
  partnerships begins, as its page dates it, before that country's withdrawal;
- iso-4217: tw:currency is an ISO 4217 code.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
from rdflib import Namespace

from ..load.sources import Sources
from ..problems import Problem


@lru_cache(maxsize=None)
def overseas_parts() -> dict:
    """ISO 3166-1 territories that ISO 3166-2 also lists as overseas or outlying parts of a country,
    by name (Guadeloupe: GP, and FR-971): counted with that country. States and provinces that share
    a country's name (Georgia, US-GA) are not overseas parts."""
    parts = {}
    for part in pycountry.subdivisions:
        if any(word in part.type.lower() for word in ("overseas", "outlying")):
            suffix = pycountry.countries.get(alpha_2=part.code.split("-", 1)[1])  # FR-NC: New Caledonia, NC
            named = [c for c in pycountry.countries if part.name in (c.name, f"La {c.name}", f"Le {c.name}")]
            for territory in ([suffix] if suffix else []) + named:  # FR-971 Guadeloupe, FR-974 La Réunion
                parts[territory.name] = part
    return parts


def first_year(graph, partnership, tw: Namespace) -> int | None:
    start = graph.value(partnership, tw.startDate) or graph.value(partnership, tw.startDecade)
    return int(str(start)[:4]) if start is not None and str(start)[:4].isdigit() else None


def check_codes(sources: Sources, tw: Namespace) -> list[Problem]:
    graph, problems = sources.data, []

    def problem(resource, rule: str, message: str) -> None:
        problems.append(Problem(sources.file_of(resource), str(resource), rule, message))
    for place, code in graph.subject_objects(tw.countryCode):
        country = pycountry.countries.get(alpha_2=str(code))
        if country is None:
            problem(place, "iso-3166-1", f"tw:countryCode «{code}» is not an ISO 3166-1 alpha-2 code of a country "
                                         "today (the United Kingdom is GB; a former country goes in tw:formerCountryCode)")
        elif country.name in overseas_parts():
            part = overseas_parts()[country.name]
            problem(place, "iso-3166-territory", f"tw:countryCode «{code}» ({country.name}) is part of {part.country_code} "
                                                 f"in ISO 3166-2 ({part.code}): write tw:countryCode «{part.country_code}» "
                                                 f"and tw:territoryCode «{code}», so that {part.country_code} counts once")
    for place, code in graph.subject_objects(tw.territoryCode):
        territory = pycountry.countries.get(alpha_2=str(code))
        country = str(graph.value(place, tw.countryCode, default=""))
        if territory is None or territory.name not in overseas_parts() or overseas_parts()[territory.name].country_code != country:
            problem(place, "iso-3166-territory", f"tw:territoryCode «{code}» is not an ISO 3166-1 territory that "
                                                 f"ISO 3166-2 lists as a subdivision of the partner's country «{country}» "
                                                 "(Guadeloupe: tw:countryCode FR, tw:territoryCode GP)")
    for place, code in graph.subject_objects(tw.formerCountryCode):
        former = pycountry.historic_countries.get(alpha_4=str(code))
        if former is None:
            problem(place, "iso-3166-3", f"tw:formerCountryCode «{code}» is not an ISO 3166-3 code of a former "
                                         "country (the GDR is DDDE, the USSR SUHH, Yugoslavia YUCS)")
            continue
        withdrawn = int(former.withdrawal_date[:4])
        years = [year for partnership in graph.subjects(tw.partner, place)
                 if (year := first_year(graph, partnership, tw)) is not None]
        if not any(year <= withdrawn for year in years):
            problem(place, "iso-3166-3", f"tw:formerCountryCode «{code}» ({former.name}, withdrawn in {withdrawn}) "
                                         "applies only where a partnership of the place begins, as its page dates "
                                         "it, while that country existed; none does here: remove the code")
    for figure, code in graph.subject_objects(tw.currency):
        if pycountry.currencies.get(alpha_3=str(code)) is None:
            problem(figure, "iso-4217", f"tw:currency «{code}» is not an ISO 4217 currency code (the euro is EUR)")
    return sorted(problems)
