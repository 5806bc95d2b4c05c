"""Facet counts: how many results each filter option would give.

Each option's count applies every filter except its own group's choices."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from treatment.models import Provider
from treatment.search.params import FilterGroup
from treatment.search.query import ProviderServices


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


def facet_counts(filterset):
    """The summary {total, accepting, within_<miles>...} and {service id: count}.

    Each option's count applies every filter except its own group's choices:
    one GROUP BY over the results for the options of groups with nothing
    chosen, and one per chosen group over the results of the other filters.
    """
    results = filterset.filtered().order_by()
    summary = results.aggregate(
        total=Count("pk"),
        accepting=Count("pk", filter=Q(accepting_status=Provider.Status.ACCEPTING)),
        **{
            f"within_{miles}": Count("pk", filter=Q(distance__lte=miles))
            for miles in filterset.nearer_radii
        },
    )
    selected = filterset.selected()
    group_ids = {
        group.key: [service.pk for service in group.services]
        for group in filterset.groups
    }
    chosen_group_ids = [pk for key in selected for pk in group_ids[key]]
    parts = [
        services_count(results).exclude(service_id__in=chosen_group_ids),
        *[
            services_count(filterset.filtered(exclude=[key])).filter(
                service_id__in=group_ids[key]
            )
            for key in selected
        ],
    ]
    rows = parts[0].union(*parts[1:], all=True)
    return summary, {row["service_id"]: row["count"] for row in rows}


def services_count(providers):
    """{service_id, count} rows: how many of these providers offer each service."""
    return (
        ProviderServices.objects.filter(
            provider_id__in=providers.order_by().values("pk")
        )
        .values("service_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
