"""The filter panel's groups of checkboxes with their counts.

The panel holds some 60 options, and rendering it from its template costs
more than the rest of a search. So each process renders it once per cache
version (the directory's version, release, day and language) as a stencil:
the HTML with a slot wherever a search puts its own values (PER_SEARCH:
counts, checked boxes, open groups). A search fills the slots with its
GroupFacets' values, which is string joining."""

import re
from dataclasses import dataclass, field
from html import escape

from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from treatment.search.params import FilterGroup

# The facets' values that differ from search to search: everything else in
# the panel is the same for every search of a version.
PER_SEARCH = frozenset(
    {"count", "count_label", "empty_class", "checked_attr", "open_attr", "summary"}
)
# Those whose values are numbers or this module's own attributes, which need
# no escaping (the others hold names and translations).
MARKUP_FREE = frozenset({"count", "empty_class", "checked_attr", "open_attr"})
# A slot's mark: a "<" the template printed unescaped, so from a mark alone.
SLOT = re.compile("<slot (\\d+)>")


@dataclass
class Option:
    slug: str
    name: str
    count: int
    checked: bool

    @property
    def count_label(self):
        return f"({self.count})" if self.count else gettext("(0, none match)")

    @property
    def empty_class(self):
        return "" if self.count else " empty"

    @property
    def checked_attr(self):
        return " checked" if self.checked else ""


@dataclass
class GroupFacet:
    group: FilterGroup
    options: list = field(default_factory=list)

    @property
    def checked_count(self):
        return sum(option.checked for option in self.options)

    @property
    def open_attr(self):
        """Open when a choice is made in it (the first two groups always are)."""
        return " open" if self.checked_count else ""

    @property
    def summary(self):
        if self.checked_count:
            return gettext("%(label)s (%(count)s chosen)") % {
                "label": self.group.label,
                "count": self.checked_count,
            }
        return self.group.label


def group_facets(filterset, counts):
    """[GroupFacet] for every filter group, from {service id: count}."""
    chosen = filterset.cleaned
    return [
        GroupFacet(
            group,
            [
                Option(
                    service.slug,
                    service.local_name,
                    counts.get(service.pk, 0),
                    service.slug in chosen.get(group.key, []),
                )
                for service in group.services
            ],
        )
        for group in filterset.groups
    ]


STENCILS_KEPT = 4  # a version in each language, and the ones before


def filter_panel(facets, version):
    """The panel's HTML for these facets: the stencil of this cache version,
    kept by the process, filled (without a version, made for this search)."""
    stencil = PanelStencil.kept.get(version)
    if stencil is None:
        stencil = PanelStencil(facets)
        if version:
            if len(PanelStencil.kept) >= STENCILS_KEPT:
                del PanelStencil.kept[next(iter(PanelStencil.kept))]
            PanelStencil.kept[version] = stencil
    return stencil.fill(facets)


class PanelStencil:
    """The panel rendered once, its PER_SEARCH values left as slots."""

    kept = {}  # {cache version: PanelStencil}, oldest first

    def __init__(self, facets):
        self.slots = []  # (facet index, option index or None, attribute name)
        stand_ins = [
            StandIn(facet, (number, None), self.slots)
            for number, facet in enumerate(facets)
        ]
        html = get_template("treatment/search.html#filter-groups").render(
            {"facets": stand_ins}
        )
        self.parts = SLOT.split(html)  # text, slot number, ..., slot number, text

    def fill(self, facets):
        parts = self.parts[:]
        parts[1::2] = [
            str(value) if name in MARKUP_FREE else escape(value)
            for name, value in self.values(facets)
        ]
        return mark_safe("".join(parts))  # noqa: S308 (escaped here and by the template)

    def values(self, facets):
        """(attribute name, value) of each slot."""
        for facet, option, name in self.slots:
            owner = facets[facet] if option is None else facets[facet].options[option]
            yield name, getattr(owner, name)


class StandIn:
    """A GroupFacet or Option as the stencil's template sees it: its own
    attributes, but a slot mark for each PER_SEARCH one."""

    def __init__(self, target, path, slots):
        self._target, self._path, self._slots = target, path, slots

    def __getattr__(self, name):
        if name in PER_SEARCH:
            self._slots.append((*self._path, name))
            return mark_safe(f"<slot {len(self._slots) - 1}>")  # noqa: S308 (a number)
        value = getattr(self._target, name)
        if name == "options":
            return [
                StandIn(option, (self._path[0], number), self._slots)
                for number, option in enumerate(value)
            ]
        return value
