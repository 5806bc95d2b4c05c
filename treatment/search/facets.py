"""Facet counts: how many results each filter option would give.

Each option's count applies every filter except its own group's choices."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Value

from treatment.models import Provider
from treatment.search.params import FilterGroup
from treatment.search.query import ProviderServices, offers_any


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


def relaxed_totals(filterset):
    """What would give results to a search that has none, in one query, in
    the shapes of SearchResults.wider_totals and .totals_without:
    ([(radius choice, total)] at each offered distance beyond the chosen one,
    ending with "any"; [(parameter, value, label, total)] for each choice made
    among the keyword, "accepting" and the filter groups, were it undone)."""
    radii = filterset.wider_radii
    undone = list(undone_choices(filterset))
    anywhere = filterset.filtered(exclude=["near"])
    parts = [
        total_of(filterset.within(anywhere, miles), f"radius:{value}")
        for value, miles in radii
    ] + [
        total_of(providers, f"without:{number}")
        for number, (*_, providers) in enumerate(undone)
    ]
    totals = {}
    if parts:
        rows = parts[0].union(*parts[1:], all=True).order_by()  # not by name
        totals = {row["relaxed"]: row["total"] for row in rows}
    return (
        [(value, totals[f"radius:{value}"]) for value, _ in radii],
        [
            (name, value, label, totals[f"without:{number}"])
            for number, (name, value, label, _) in enumerate(undone)
        ],
    )


def undone_choices(filterset):
    """(parameter, value, label, the providers were that choice undone) for
    each choice made."""
    cleaned = filterset.cleaned
    for name in ("q", "accepting"):
        if cleaned.get(name):
            label = cleaned["q"] if name == "q" else filterset.filters[name].label
            value = cleaned["q"] if name == "q" else "true"
            yield name, value, label, filterset.filtered(exclude=[name])
    for key, ids in filterset.selected().items():
        group = filterset.group(key)
        others = filterset.filtered(exclude=[key])
        for service in group.services:
            if service.pk in ids:
                rest = [pk for pk in ids if pk != service.pk]
                label = group.label if group.standalone else service.name
                providers = others.filter(offers_any(rest)) if rest else others
                yield key, service.slug, label, providers


def total_of(providers, label):
    """One {relaxed: label, total} row counting these providers."""
    return (
        providers.order_by()
        .annotate(relaxed=Value(label))
        .values("relaxed")
        .annotate(total=Count("pk"))
    )
