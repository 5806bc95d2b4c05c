"""The filter panel's groups of checkboxes with their counts.

The panel holds some 60 options, and rendering it from its template costs
more than the rest of a search. So each process renders it once per cache
version (the directory's version, release, day and language) as a stencil:
the HTML with a slot wherever a search puts its own values (search_values:
counts, checked boxes, open groups). A search fills the slots with its
values, which is string joining."""

import itertools
import re
from html import escape

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# A slot's mark: a "<" the template printed unescaped, so from a mark alone.
SLOT = re.compile("<slot (\\d+)>")


def search_values(filterset, counts):
    """[str]: the search's own values in the panel, from {service id: count},
    as its HTML has them (text escaped). For each filter group, each of its
    options' count, count_label, empty_class and checked_attr, then the
    group's open_attr and summary: the order GroupFacet and Option read them."""
    chosen = filterset.cleaned
    none_match = SafeString(escape(gettext("(0, none match)")))
    values = []
    for group in filterset.groups:
        chosen_slugs = chosen.get(group.key, ())
        checked_count = 0
        for slug, service_id in group.slug_to_id.items():  # in the services' order
            number = counts.get(service_id, 0)
            checked = slug in chosen_slugs
            checked_count += checked
            values += (
                str(number),
                f"({number})" if number else none_match,
                "" if number else " empty",
                " checked" if checked else "",
            )
        values += (" open" if checked_count else "", summary(group, checked_count))
    return values


def summary(group, checked_count):
    """A group's heading, escaped: its label, and how many of it are chosen."""
    if checked_count:
        label = gettext("%(label)s (%(count)s chosen)") % {
            "label": group.label,
            "count": checked_count,
        }
    else:
        label = group.label
    return SafeString(escape(label))


class GroupFacet:
    """A filter group as the panel's template reads it, its values for a
    search taken from `values` in search_values' order."""

    def __init__(self, group, values):
        self.group = group
        self.options = [Option(service, values) for service in group.services]
        self.open_attr, self.summary = itertools.islice(values, 2)


class Option:
    """A group's option as the panel's template reads it (GroupFacet)."""

    def __init__(self, service, values):
        self.slug, self.name = service.slug, service.local_name
        self.count, self.count_label, self.empty_class, self.checked_attr = (
            itertools.islice(values, 4)
        )


def group_facets(groups, values):
    """[GroupFacet] of the groups, with the values of a search (search_values)
    or the stencil's slot marks."""
    values = iter(values)
    return [GroupFacet(group, values) for group in groups]


STENCILS_KEPT = 4  # a version in each language, and the ones before


def filter_panel(filterset, counts, version):
    """The panel's HTML for this search, from {service id: count}: the stencil
    of this cache version, kept by the process, filled (without a version,
    made for this search)."""
    stencil = PanelStencil.kept.get(version)
    if stencil is None:
        stencil = PanelStencil(filterset.groups)
        if version:
            if len(PanelStencil.kept) >= STENCILS_KEPT:
                del PanelStencil.kept[next(iter(PanelStencil.kept))]
            PanelStencil.kept[version] = stencil
    return stencil.fill(search_values(filterset, counts))


class PanelStencil:
    """The panel rendered once, with a slot wherever the template printed one
    of search_values' values: the mark of that value's place in them."""

    kept = {}  # {cache version: PanelStencil}, oldest first

    def __init__(self, groups):
        marks = (mark_safe(f"<slot {number}>") for number in itertools.count())  # noqa: S308 (a number)
        html = get_template("treatment/search.html#filter-groups").render(
            {"facets": group_facets(groups, marks)}
        )
        self.parts = SLOT.split(html)  # text, slot number, ..., slot number, text
        self.slots = [int(number) for number in self.parts[1::2]]

    def fill(self, values):
        """The panel with search_values' `values` in its slots."""
        parts = self.parts[:]
        parts[1::2] = [values[number] for number in self.slots]
        return mark_safe("".join(parts))  # noqa: S308 (escaped by search_values and the template)
