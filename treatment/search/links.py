"""Links to searches: the choices a search has made, as chips above the
results (each a link to the same search without it), and a visitor's own
search carried to another page."""

from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit

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


class SearchQuery:
    """The search's valid choices (the place box as typed), without a page: a
    search rewritten and cleaned, ready to link to. Each choice is URL-encoded
    once (as QueryDict.urlencode does), as the chips' links each repeat all
    the others."""

    def __init__(self, filterset):
        self.choices = [
            (name, value, f"{quote_plus(name)}={quote_plus(value)}")
            for name, value in search_choices(filterset)
        ]

    def urlencode(self):
        """The whole search as a URL query."""
        return "&".join(encoded for _, _, encoded in self.choices)

    def without(self, name, value):
        """The URL query without one value of a parameter."""
        return "&".join(
            encoded for n, v, encoded in self.choices if (n, v) != (name, value)
        )

    def cleared(self):
        """The URL query of "Clear all" (KEPT_BY_CLEAR_ALL)."""
        return "&".join(
            encoded for n, _, encoded in self.choices if n in KEPT_BY_CLEAR_ALL
        )


def search_choices(filterset):
    """[(parameter, value)] of the search's valid choices, each parameter's
    together, in the URL's order."""
    data, cleaned = filterset.data, filterset.cleaned
    choices = []
    if data.get("near"):
        choices.append(("near", data["near"][:100]))
    for name in ("radius", "sort", "q"):
        if data.get(name) and cleaned.get(name):
            choices.append((name, cleaned[name]))
    if cleaned.get("accepting"):
        choices.append(("accepting", "true"))
    if cleaned.get("confirmed"):
        choices.append(("confirmed", cleaned["confirmed"]))
    if cleaned.get("open_now"):
        choices.append(("open_now", "1"))
    for group in filterset.groups:
        choices += ((group.key, slug) for slug in cleaned.get(group.key) or ())
    return choices


def chips(filterset, query):
    """[Chip] for each choice made, in the page's order; `query` is the
    search's SearchQuery."""
    return [
        Chip(name, value, label, query.without(name, value))
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
    if group.standalone:
        return [(slug, group.label) for slug in cleaned[name]]
    services = {service.slug: service for service in group.services}
    return [(slug, services[slug].local_name) for slug in cleaned[name]]


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
