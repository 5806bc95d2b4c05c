"""Facet counts as the filter panel shows them: each group's options, with
how many results each would give and whether it is chosen."""

from dataclasses import dataclass, field

from treatment.search.params import FilterGroup


@dataclass
class Option:
    slug: str
    name: str
    count: int
    checked: bool


@dataclass
class GroupFacet:
    group: FilterGroup
    options: list = field(default_factory=list)

    @property
    def checked_count(self):
        return sum(option.checked for option in self.options)


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
