"""Links to searches: the choices a search has made, as chips above the
results (each a link to the same search without it), and a visitor's own
search carried to another page."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import QueryDict
from django.urls import reverse

# What "Clear all" keeps: where, how far and in what order, not what.
KEPT_BY_CLEAR_ALL = ("near", "radius", "sort")


@dataclass(frozen=True)
class Chip:
    name: str  # the parameter
    value: str
    label: str
    query: str  # this search without this choice, as a URL query


@dataclass(frozen=True)
class ChosenFilter:
    name: str  # a filter group's key, "accepting" or "q"
    chips: tuple
    query_without: str  # this search without any choice of this filter

    @property
    def labels(self):
        return [chip.label for chip in self.chips]


def search_query(filterset):
    """The search's valid choices as a QueryDict (the place box as typed),
    without a page: a search rewritten and cleaned, ready to link to."""
    data, cleaned = filterset.data, filterset.cleaned
    query = QueryDict(mutable=True)
    if data.get("near"):
        query["near"] = data["near"][:100]
    for name in ("radius", "sort", "q"):
        if data.get(name) and cleaned.get(name):
            query[name] = cleaned[name]
    if cleaned.get("accepting"):
        query["accepting"] = "true"
    for group in filterset.groups:
        if cleaned.get(group.key):
            query.setlist(group.key, cleaned[group.key])
    return query


def chosen_filters(filterset):
    """[ChosenFilter] for the filters with a choice made, in the page's order."""
    query = search_query(filterset)
    chosen = []
    for name in filterset.chosen_filters():
        chips = tuple(
            Chip(name, value, label, without(query, name, value))
            for value, label in choice_labels(filterset, name)
        )
        chosen.append(ChosenFilter(name, chips, without(query, name)))
    return chosen


def choice_labels(filterset, name):
    """[(value, label)] of one filter's choices."""
    cleaned = filterset.cleaned
    if name == "q":
        return [(cleaned["q"], cleaned["q"])]
    if name == "accepting":
        return [("true", filterset.filters["accepting"].label)]
    group = filterset.group(name)
    names = {service.slug: service.name for service in group.services}
    if group.standalone:
        names = dict.fromkeys(names, group.label)
    return [(slug, names[slug]) for slug in cleaned[name]]


def without(query, name, value=None):
    """The URL query without one value of a parameter (all of them if None)."""
    query = query.copy()
    kept = [v for v in query.getlist(name) if value is not None and v != value]
    query.setlist(name, kept)
    if not kept:
        del query[name]
    return query.urlencode()


def clear_all_query(filterset):
    query = search_query(filterset)
    for name in list(query):
        if name not in KEPT_BY_CLEAR_ALL:
            del query[name]
    return query.urlencode()


def own_search_url(value):
    """`value` when it is a link to this site's search page, as a path and a
    re-encoded query (so nothing but search parameters), else None."""
    parts = urlsplit(value or "")
    if parts.scheme or parts.netloc or parts.path != reverse("treatment:search"):
        return None
    query = QueryDict(parts.query).urlencode()
    return f"{parts.path}?{query}" if query else parts.path
