"""The plain SQL path: a search answered by counting rows in the database.

Used before the directory's first change (when no index can be keyed to a
version), and kept as the reference that IndexSearch must equal."""

from functools import cached_property

from django.db.models import Count, IntegerField, Q, Value

from treatment.models import OpeningHours, Provider, confirmed_since
from treatment.search.open_now import open_now_q
from treatment.search.params import RADIUS_MILES
from treatment.search.query import PER_PAGE, ProviderServices, near, offers_any


class SqlSearch:
    def __init__(self, filterset):
        self.filterset = filterset

    @cached_property
    def summary(self):
        """{total, accepting, confirmed, open_now, within_<miles>...} and
        {service id: count}, in two queries (and one for the time zones in use).

        Each option's count applies every filter except its own group's
        choices: one GROUP BY over the results for the options of groups
        with nothing chosen, and one per chosen group over the results of
        the other filters.
        """
        filterset = self.filterset
        results = filterset.filtered().order_by()
        summary = results.aggregate(
            total=Count("pk"),
            accepting=Count("pk", filter=Q(accepting_status=Provider.Status.ACCEPTING)),
            confirmed=Count(
                "pk", filter=confirmed_since(filterset.recently_confirmed_since)
            ),
            open_now=Count("pk", filter=open_now_q(filterset.now)),
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

    @property
    def total(self):
        return self.summary[0]["total"]

    @property
    def accepting(self):
        return self.summary[0]["accepting"]

    @property
    def confirmed(self):
        return self.summary[0]["confirmed"]

    @property
    def open_now(self):
        return self.summary[0]["open_now"]

    # Nothing of this path is cached (it runs without a directory version),
    # so no stretch of time between openings and closings need key it.
    time_slot = ""

    @property
    def counts(self):
        return self.summary[1]

    def offered_by(self, pks):
        """{provider id: (the ids of the services it offers, its opening hours'
        (start, end) spans)}, as DirectoryIndex.offered_by: one query of
        service ids and spans together (a prefetch would build a service and
        a category object for every row)."""
        nothing = Value(None, output_field=IntegerField())
        offered = (
            ProviderServices.objects.filter(provider_id__in=pks)
            .order_by()
            .values_list("provider_id", "service_id", nothing, nothing)
        )
        hours = (
            OpeningHours.objects.filter(provider_id__in=pks)
            .order_by()
            .values_list("provider_id", nothing, "start_minute", "end_minute")
        )
        found = {pk: (set(), []) for pk in pks}
        for provider_id, service_id, start, end in offered.union(hours, all=True):
            if service_id is None:
                found[provider_id][1].append((start, end))
            else:
                found[provider_id][0].add(service_id)
        return found

    def page_rows(self, number):
        """[(provider id, miles away or None, provider)] of this page."""
        filterset = self.filterset
        results = filterset.ordered(filterset.filtered())
        if filterset.chosen_sort == "distance":
            # When the nearest results up to this page all lie within a
            # smaller distance, the page is the same read through that
            # smaller box of the location index, without measuring the
            # distance to every result.
            needed = min(number * PER_PAGE, self.total)
            for miles in filterset.nearer_radii:
                if self.summary[0].get(f"within_{miles}", 0) >= needed:
                    results = near(results, filterset.place, miles)
                    break
        start = (number - 1) * PER_PAGE
        return [
            (provider.pk, getattr(provider, "distance", None), provider)
            for provider in results[start : start + PER_PAGE]
        ]

    def wider_totals(self):
        """[(radius value, total)] at each distance wider than the chosen one,
        in one query."""
        filterset = self.filterset
        chosen = filterset.radius_miles
        if filterset.place is None or chosen is None:
            return []
        others = filterset.filtered(exclude=["near"])
        radii = [str(miles) for miles in RADIUS_MILES if miles > chosen] + ["any"]
        totals = totals_in_one_query(
            (
                value,
                near(others, filterset.place, None if value == "any" else int(value)),
            )
            for value in radii
        )
        return [(value, totals.get(value, 0)) for value in radii]

    def totals_without(self):
        """[(parameter, value, label, total)] for the keywords, each choice
        made among the filter groups, "accepting", "confirmed" and "open now":
        the total were it undone, in one query."""
        filterset = self.filterset
        undone = []
        if keywords := filterset.cleaned.get("q"):
            undone.append(("q", keywords, keywords, filterset.filtered(exclude=["q"])))
        for key, ids in filterset.selected().items():
            names = {service.pk: service for service in filterset.group(key).services}
            others = filterset.filtered(exclude=[key])
            for pk in ids:
                rest = [other for other in ids if other != pk]
                providers = others.filter(offers_any(rest)) if rest else others
                undone.append((key, names[pk].slug, names[pk].name, providers))
        if filterset.cleaned.get("accepting"):
            label = filterset.filters["accepting"].label
            providers = filterset.filtered(exclude=["accepting"])
            undone.append(("accepting", "true", label, providers))
        if filterset.cleaned.get("confirmed"):
            label = filterset.filters["confirmed"].label
            providers = filterset.filtered(exclude=["confirmed"])
            undone.append(("confirmed", "recent", label, providers))
        if filterset.cleaned.get("open_now"):
            label = filterset.filters["open_now"].label
            providers = filterset.filtered(exclude=["open_now"])
            undone.append(("open_now", "1", label, providers))
        totals = totals_in_one_query(
            (str(number), providers) for number, (*_, providers) in enumerate(undone)
        )
        return [
            (name, value, label, totals.get(str(number), 0))
            for number, (name, value, label, _) in enumerate(undone)
        ]


def totals_in_one_query(named_providers):
    """{name: how many providers} for (name, providers) pairs, counted in one
    UNION ALL query; a name with no providers is left out."""
    parts = [
        providers.order_by()
        .annotate(part=Value(name))
        .values("part")
        .annotate(total=Count("pk"))
        for name, providers in named_providers
    ]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True).order_by()
    return {row["part"]: row["total"] for row in rows}


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
