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
    if cleaned.get("confirmed"):
        query["confirmed"] = cleaned["confirmed"]
    if cleaned.get("open_now"):
        query["open_now"] = "1"
    for group in filterset.groups:
        if cleaned.get(group.key):
            query.setlist(group.key, cleaned[group.key])
    return query


def chips(filterset):
    """[Chip] for each choice made, in the page's order."""
    query = search_query(filterset)
    return [
        Chip(name, value, label, without(query, name, value))
        for name in filterset.chosen_filters()
        for value, label in choice_labels(filterset, name)
    ]


def choice_labels(filterset, name):
    """[(value, label)] of one filter's choices."""
    cleaned = filterset.cleaned
    if name == "q":
        return [(cleaned["q"], cleaned["q"])]
    if name in ("accepting", "confirmed", "open_now"):
        value = {"accepting": "true", "open_now": "1"}.get(name) or cleaned[name]
        return [(value, filterset.filters[name].label)]
    group = filterset.group(name)
    names = {service.slug: service.local_name for service in group.services}
    if group.standalone:
        names = dict.fromkeys(names, group.label)
    return [(slug, names[slug]) for slug in cleaned[name]]


def without(query, name, value):
    """The URL query without one value of a parameter."""
    query = query.copy()
    kept = [v for v in query.getlist(name) if v != value]
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
    """`value` when it is a search on this site's search page, as its path and
    re-encoded query (so nothing but search parameters), else None."""
    try:
        parts = urlsplit(value or "")
    except ValueError:  # not a URL at all, e.g. "http://[::1"
        return None
    if parts.scheme or parts.netloc or parts.path != reverse("treatment:search"):
        return None
    query = QueryDict(parts.query).urlencode()
    return f"{parts.path}?{query}" if query else None
