"""Directory search: filters from the URL, facet counts, distance and sorting.

"Any of" within a filter group, "all of" across groups. Each option's count is
the number of results it would give with the other groups' choices applied.
"""

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import django_filters
from django import forms
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Q
from django.http import Http404
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from treatment.geo import EARTH_RADIUS_MILES, bounding_box, resolve_place
from treatment.models import DirectoryVersion, Provider, Service

PER_PAGE = 20
DEFAULT_RADIUS = "25"
RADIUS_CHOICES = [
    ("5", "5 miles"),
    ("10", "10 miles"),
    ("25", "25 miles"),
    ("50", "50 miles"),
    ("100", "100 miles"),
    ("any", "Any distance"),
]
RADIUS_MILES = [int(value) for value, _ in RADIUS_CHOICES if value != "any"]
SORT_CHOICES = [
    ("distance", "Nearest first"),
    ("name", "Name (A to Z)"),
    ("verified", "Most recently verified"),
]
# Shown as its own "Offers telehealth" checkbox rather than inside "Type of care",
# where "any of" would turn "outpatient + telehealth" into "either".
TELEHEALTH = "telehealth"
MAX_QUERY_LENGTH = 200
# Cached counts, pages and cards are keyed by the directory's version, so a
# change is seen at once; the timeout only frees the memory of outdated entries.
SEARCH_CACHE_SECONDS = 60 * 60
ProviderServices = Provider.services.through
# Where a result card shows the distance: cards are rendered once for every
# search, and each search puts its own distance there.
DISTANCE_SLOT = mark_safe("<!-- distance -->")


class MilesFrom(Func):
    """Great-circle (haversine) miles from a point to each provider, written
    as one SQL expression: an expression tree of a dozen functions costs more
    to build and compile than the query takes to run."""

    output_field = FloatField()

    def __init__(self, latitude, longitude):
        super().__init__(F("latitude"), F("longitude"))
        self.latitude, self.longitude = latitude, longitude

    def as_sql(self, compiler, connection, least="LEAST"):
        latitude, latitude_params = compiler.compile(self.source_expressions[0])
        longitude, longitude_params = compiler.compile(self.source_expressions[1])
        origin_latitude = math.radians(self.latitude)
        sql = (
            f"%s * ASIN(SQRT({least}(1.0, "
            f"POWER(SIN((RADIANS({latitude}) - %s) / 2), 2) "
            f"+ %s * COS(RADIANS({latitude})) "
            f"* POWER(SIN((RADIANS({longitude}) - %s) / 2), 2))))"
        )
        params = (
            2 * EARTH_RADIUS_MILES,
            *latitude_params,
            origin_latitude,
            math.cos(origin_latitude),
            *latitude_params,
            *longitude_params,
            math.radians(self.longitude),
        )
        return sql, params

    def as_sqlite(self, compiler, connection):
        return self.as_sql(compiler, connection, least="MIN")


def within_miles(providers, place, miles):
    """Providers (annotated with their distance) within `miles` of `place`:
    a bounding box on the indexed latitude and longitude, then the exact circle."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(
        place.latitude, place.longitude, miles
    )
    return providers.filter(
        latitude__range=(min_lat, max_lat),
        longitude__range=(min_lng, max_lng),
        distance__lte=miles,
    )


def offers_any(service_ids):
    return Exists(
        ProviderServices.objects.filter(
            provider_id=OuterRef("pk"), service_id__in=service_ids
        )
    )


class DirectoryForm(forms.Form):
    def clean_near(self):
        text = " ".join(self.cleaned_data["near"].split())
        if not text:
            return None
        place = resolve_place(text)
        if place is None:
            raise forms.ValidationError(
                "We couldn’t find “%(place)s”. Try a 5-digit ZIP code, or a city "
                "and a two-letter state such as “Baltimore, MD”.",
                params={"place": text[:60]},
            )
        return place


class FilterGroup:
    """One checkbox group: a service category, or telehealth on its own."""

    def __init__(
        self, key, label, services, description="", facts_path="", standalone=False
    ):
        self.key, self.label, self.services = key, label, services
        self.description, self.facts_path = description, facts_path
        self.standalone = standalone  # a single checkbox outside the groups

    @cached_property
    def slug_to_id(self):
        return {service.slug: service.pk for service in self.services}

    @cached_property
    def choices(self):
        """A function giving the (slug, name) choices. Every search copies its
        filters and form fields whole, and a function is copied by reference
        where a list of choices would be copied item by item."""
        options = [(service.slug, service.name) for service in self.services]
        return lambda: options


class DirectoryFilter(django_filters.FilterSet):
    near = django_filters.CharFilter(
        label="ZIP code or city and state", method="filter_near", max_length=100
    )
    radius = django_filters.ChoiceFilter(
        label="Distance",
        error_messages={
            "invalid_choice": "Distance must be 5, 10, 25, 50 or 100 miles, or any "
            "distance, so we searched within 25 miles."
        },
        choices=RADIUS_CHOICES,
        method="filter_nothing",
        empty_label=None,
    )
    q = django_filters.CharFilter(
        label="Name or keyword",
        error_messages={
            "max_length": "Search words can be at most %(limit_value)d characters "
            "long, so we left them out."
        },
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
    )
    accepting = django_filters.BooleanFilter(
        label="Accepting new patients",
        method="filter_accepting",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        error_messages={
            "invalid_choice": "Sort by nearest, name or most recently verified; "
            "“%(value)s” is not one of them."
        },
        choices=SORT_CHOICES,
        method="filter_nothing",
        empty_label=None,
    )

    groups = []  # directory_filter() adds a checkbox filter for each group

    class Meta:
        model = Provider
        fields = []
        form = DirectoryForm

    def get_form_class(self):
        """Built once for each class: its fields are the same in every search."""
        cls = type(self)
        if "form_class" not in vars(cls):
            cls.form_class = super().get_form_class()
        return cls.form_class

    # Radius and sort shape other filters and the ordering; they filter nothing.
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_near(self, queryset, name, place):
        if place is None:
            return queryset
        queryset = (
            queryset.exclude(latitude=None)
            .exclude(longitude=None)
            .annotate(distance=MilesFrom(place.latitude, place.longitude))
        )
        if self.radius_miles is None:
            return queryset
        return within_miles(queryset, place, self.radius_miles)

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(city__icontains=word)
                | Q(description__icontains=word)
            )
        return queryset

    def filter_accepting(self, queryset, name, value):
        if value:
            return queryset.filter(accepting_status=Provider.Status.ACCEPTING)
        return queryset

    def filter_group(self, queryset, name, slugs):
        if not slugs:
            return queryset
        group = self.group(name)
        return queryset.filter(offers_any([group.slug_to_id[s] for s in slugs]))

    def group(self, key):
        return next(group for group in self.groups if group.key == key)

    @cached_property
    def cleaned(self):
        """The valid choices; invalid ones are dropped and reported as notices."""
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def place(self):
        return self.cleaned.get("near")

    @property
    def chosen_radius(self):
        return self.cleaned.get("radius") or DEFAULT_RADIUS

    @property
    def radius_miles(self):
        return None if self.chosen_radius == "any" else int(self.chosen_radius)

    @property
    def nearer_radii(self):
        """The distances offered inside the chosen one (all of them at any
        distance), where the nearest providers are looked for first."""
        if self.place is None:
            return []
        return [
            miles
            for miles in RADIUS_MILES
            if self.radius_miles is None or miles < self.radius_miles
        ]

    @property
    def chosen_sort(self):
        sort = self.cleaned.get("sort") or "distance"
        if sort == "distance" and self.place is None:
            return "name"
        return sort

    def selected(self):
        """{group key: [service ids]} for the groups with choices made."""
        data = self.cleaned
        return {
            group.key: [group.slug_to_id[slug] for slug in data[group.key]]
            for group in self.groups
            if data.get(group.key)
        }

    @cached_property
    def counts_key(self):
        """What the facet counts depend on: every valid choice but the sort."""
        choices = sorted(
            (name, value) for name, value in self.cleaned.items() if name != "sort"
        )
        return hashlib.sha256(repr(choices).encode()).hexdigest()

    def filtered(self, exclude=()):
        queryset = self.queryset.all()
        for name, value in self.cleaned.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def ordered(self, queryset):
        if self.chosen_sort == "distance":
            return queryset.order_by("distance", "name", "pk")
        if self.chosen_sort == "verified":
            return queryset.order_by(
                F("verified_on").desc(nulls_last=True), "name", "pk"
            )
        return queryset.order_by("name", "pk")


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


def filter_groups():
    """The checkbox groups, from the taxonomy, in one query."""
    groups, current = [], None
    telehealth = []
    for service in Service.objects.select_related("category"):
        if service.slug == TELEHEALTH:
            telehealth.append(service)
            continue
        category = service.category
        if current is None or current.key != category.slug:
            current = FilterGroup(
                category.slug,
                category.name,
                [],
                category.description,
                category.facts_path,
            )
            groups.append(current)
        current.services.append(service)
    for service in telehealth:
        groups.append(
            FilterGroup(TELEHEALTH, "Offers telehealth", [service], standalone=True)
        )
    return groups


def directory_filter(groups):
    """A DirectoryFilter class with a checkbox filter for each of these groups."""
    group_filters = {
        group.key: django_filters.MultipleChoiceFilter(
            field_name=group.key,
            label=group.label,
            choices=group.choices,
            method="filter_group",
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": f"We don’t know “%(value)s” under "
                f"{group.label}, so we left that filter out."
            },
        )
        for group in groups
    }
    # Into base_filters, not class attributes, so that no category's slug can
    # hide one of the filterset's own attributes.
    filterset_class = type("DirectoryFilter", (DirectoryFilter,), {"groups": groups})
    filterset_class.base_filters = {**DirectoryFilter.base_filters, **group_filters}
    return filterset_class


@lru_cache(maxsize=1)
def cached_directory_filter(version):
    """directory_filter(filter_groups()), kept by each process while the
    directory's version holds."""
    return directory_filter(filter_groups())


def cached_facet_counts(filterset, version):
    """facet_counts(), from the cache until the directory next changes."""
    if version is None:
        return facet_counts(filterset)
    return cache.get_or_set(
        f"directory-counts:{version}:{filterset.counts_key}",
        lambda: facet_counts(filterset),
        SEARCH_CACHE_SECONDS,
    )


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


@dataclass
class SearchResults:
    filterset: DirectoryFilter
    page: object
    total: int
    accepting_count: int
    counts: dict  # {service id: providers}
    notices: list
    version: str | None  # the directory's, which keys the page's cached parts

    @cached_property
    def facets(self):
        """The filter options with their counts, read only when the cached
        filter panel is not found."""
        chosen = self.filterset.cleaned
        return [
            GroupFacet(
                group,
                [
                    Option(
                        service.slug,
                        service.name,
                        self.counts.get(service.pk, 0),
                        service.slug in chosen.get(group.key, []),
                    )
                    for service in group.services
                ],
            )
            for group in self.filterset.groups
        ]

    @property
    def cache_seconds(self):
        """How long cached parts may be kept: not at all without a version."""
        return SEARCH_CACHE_SECONDS if self.version else 0


def cache_version():
    """What search's cache keys start with: the directory's version and the
    code's, or None (nothing cached) before the directory's first change."""
    directory_version = DirectoryVersion.current()
    return directory_version and f"{directory_version}.{code_version()}"


@lru_cache(maxsize=1)
def code_version():
    """A fingerprint of the code and templates that make what search caches.

    A shared cache outlives a deploy; with this in its keys, a release never
    reads counts, pages or cards that an earlier release made.
    """
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("treatment/search.html", "includes/provider_status.html"):
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:12]


def search_directory(params):
    """Everything the search page shows for these GET parameters.

    Raises Http404 for a page number past the last page.
    """
    version = cache_version()
    if version is None:
        filterset_class = directory_filter(filter_groups())
    else:
        filterset_class = cached_directory_filter(version)
    filterset = filterset_class(params, queryset=Provider.objects.published())
    summary, counts = cached_facet_counts(filterset, version)
    notices = [
        message for errors in filterset.form.errors.values() for message in errors
    ]
    number, page_notice = page_number(params.get("page"))
    paginator = Paginator((), PER_PAGE)  # the page's rows are read below
    paginator.count = summary["total"]  # already counted with the facets
    if page_notice:
        notices.append(page_notice)
    if number > paginator.num_pages:
        raise Http404("There is no such page of results.")

    rows = cached_page_rows(filterset, summary, number, version)
    cards = result_cards(rows, filterset.groups, version)
    return SearchResults(
        filterset=filterset,
        page=Page(cards, number, paginator),
        total=summary["total"],
        accepting_count=summary["accepting"],
        counts=counts,
        notices=notices,
        version=version,
    )


def cached_page_rows(filterset, summary, number, version):
    """[(provider id, distance or None, provider or None)] of this page, nearest
    first or in the sort chosen; kept in the cache, as the counts are, until the
    directory changes. The providers come along only when the page was read."""
    if version is None:
        return page_rows(filterset, summary, number)
    key = (
        f"directory-page:{version}:{filterset.counts_key}:"
        f"{filterset.chosen_sort}:{number}"
    )
    rows = cache.get(key)
    if rows is None:
        rows = page_rows(filterset, summary, number)
        cache.set(
            key,
            [(pk, distance, None) for pk, distance, _ in rows],
            SEARCH_CACHE_SECONDS,
        )
    return rows


def page_rows(filterset, summary, number):
    """The page's rows, read from the database with their providers."""
    results = filterset.ordered(filterset.filtered())
    if filterset.chosen_sort == "distance":
        # When the nearest results up to this page all lie within a smaller
        # distance, the page is the same read through that smaller box of the
        # location index, without measuring the distance to every result.
        needed = min(number * PER_PAGE, summary["total"])
        for miles in filterset.nearer_radii:
            if summary.get(f"within_{miles}", 0) >= needed:
                results = within_miles(results, filterset.place, miles)
                break
    start = (number - 1) * PER_PAGE
    return [
        (provider.pk, getattr(provider, "distance", None), provider)
        for provider in results[start : start + PER_PAGE]
    ]


@dataclass
class ResultCard:
    """One result: its card's HTML, which holds the same for every search,
    either side of the distance, which is this search's own."""

    before_distance: str
    after_distance: str
    distance: float | None

    @property
    def miles(self):
        """As shown: to a tenth of a mile, and never "0.0"."""
        return f"{self.distance:.1f}" if self.distance >= 0.05 else "Less than 0.1"


def result_cards(rows, groups, version):
    """[ResultCard] for a page's rows.

    A card renders in a fraction of a millisecond, 20 to a page, and needs a
    query for the services; it is kept in the cache until the directory
    changes, and only the cards not found there are rendered, their providers
    read if the page came from the cache.
    """
    keys = {pk: f"directory-card:{version}:{pk}" for pk, _, _ in rows}
    found = cache.get_many(keys.values()) if version else {}
    missing = {pk: provider for pk, _, provider in rows if keys[pk] not in found}
    unread = [pk for pk, provider in missing.items() if provider is None]
    if unread:
        missing.update(Provider.objects.in_bulk(unread))
    if missing:
        providers = [provider for provider in missing.values() if provider]
        rendered = {
            keys[provider.pk]: render_card(provider)
            for provider in with_service_lists(providers, groups)
        }
        if version:
            cache.set_many(rendered, SEARCH_CACHE_SECONDS)
        found.update(rendered)
    # A provider deleted since its page was cached has no card; its deletion
    # gave the directory a new version, so the next search will not show it.
    return [
        ResultCard(*found[keys[pk]], distance=distance)
        for pk, distance, _ in rows
        if keys[pk] in found
    ]


def render_card(provider):
    """(HTML before, HTML after) the place where a search shows the distance."""
    html = get_template("treatment/search.html#result-card").render(
        {"provider": provider, "distance_slot": DISTANCE_SLOT}
    )
    before, after = html.split(DISTANCE_SLOT)
    return mark_safe(before), mark_safe(after)  # noqa: S308 (rendered, escaped)


def with_service_lists(providers, groups):
    """Set each provider's main_services (care, medications) and payment_services.

    One query of ids, then the taxonomy's own service objects, in display order:
    a prefetch would build a service and a category object for every row.
    """
    taxonomy = sorted(
        (service for group in groups for service in group.services),
        key=lambda service: (service.category.order, service.order, service.name),
    )
    main = [s for s in taxonomy if s.category.slug in ("care", "medications")]
    payment = [s for s in taxonomy if s.category.slug == "payment"]
    offered = defaultdict(set)
    pairs = ProviderServices.objects.filter(
        provider_id__in=[provider.pk for provider in providers]
    ).values_list("provider_id", "service_id")
    for provider_id, service_id in pairs:
        offered[provider_id].add(service_id)
    for provider in providers:
        ids = offered[provider.pk]
        provider.main_services = [s for s in main if s.pk in ids]
        provider.payment_services = [s for s in payment if s.pk in ids]
    return providers


def page_number(raw):
    """(page number, notice or None) from the raw `page` parameter."""
    if raw in (None, ""):
        return 1, None
    try:
        number = int(raw)
    except ValueError:
        return 1, "Page numbers are whole numbers, so here is the first page."
    if number < 1:
        return 1, "Page numbers start at 1, so here is the first page."
    return number, None
