"""Reading a search from its GET parameters: the form, the filter groups
from the taxonomy, and what each choice means for the query.

"Any of" within a filter group, "all of" across groups. Invalid choices are
dropped and reported as notices, never an error page."""

import hashlib
from functools import cached_property, lru_cache

import django_filters
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treatment.geo import Problem, look_up_place
from treatment.models import (
    Provider,
    Service,
    confirmed_since,
    last_confirmed_on,
    recently_confirmed_since,
)
from treatment.search.keywords import MAX_QUERY_LENGTH, PROVIDER_FIELDS, every_word
from treatment.search.open_now import open_now_q
from treatment.search.query import near, offers_any
from treatment.search.rewrite import rewrite

DEFAULT_RADIUS = "25"
RADIUS_CHOICES = [
    ("5", _("5 miles")),
    ("10", _("10 miles")),
    ("25", _("25 miles")),
    ("50", _("50 miles")),
    ("100", _("100 miles")),
    ("any", _("Any distance")),
]
RADIUS_MILES = [int(value) for value, _ in RADIUS_CHOICES if value != "any"]
SORT_CHOICES = [
    ("distance", _("Nearest first")),
    ("name", _("Name (A to Z)")),
    ("verified", _("Most recently confirmed")),
]
# Shown as its own "Offers telehealth" checkbox rather than inside "Type of care",
# where "any of" would turn "outpatient + telehealth" into "either".
TELEHEALTH = "telehealth"


class DirectoryForm(forms.Form):
    # What the place box says when its text gives no place to search: what was
    # not understood, and how to put it right.
    PLACE_PROBLEMS = {
        Problem.NO_SUCH_ZIP: _(
            "There is no ZIP code %(zip_code)s. Check the number, "
            "or type a city and state such as “Baltimore, MD”."
        ),
        Problem.ZIP_NOT_MAPPED: _(
            "ZIP code %(zip_code)s is for mail only (such as "
            "military mail), so it has no place on the map. Type the ZIP code or "
            "the city where you live."
        ),
        Problem.NOT_A_ZIP: _(
            "“%(text)s” is not a ZIP code: ZIP codes have 5 digits, such as 21201."
        ),
        Problem.HERE: _(
            "We can’t tell where “%(text)s” is from words alone. Type "
            "your ZIP code, or your city and state such as “Baltimore, MD”."
        ),
        Problem.STATE_ONLY: _(
            "“%(text)s” is a whole state. Add a city or a ZIP "
            "code, such as “Baltimore, MD” or 21201."
        ),
        Problem.UNKNOWN_CITY: _(
            "We couldn’t find a city or town called “%(city)s”. "
            "Check the spelling, add the state (“Baltimore, MD”), or type a ZIP code."
        ),
        Problem.AMBIGUOUS: _(
            "There is more than one place called “%(city)s”. "
            "Choose one, or add the state, such as “%(example)s”."
        ),
        Problem.NOT_A_PLACE: _(
            "We couldn’t find a place in “%(text)s”. Type a "
            "5-digit ZIP code, or a city and state such as “Baltimore, MD”."
        ),
    }
    UNKNOWN_CITY_IN_STATE = _(
        "We couldn’t find a city or town called “%(city)s” in %(state)s. Check "
        "the spelling, or type a ZIP code."
    )

    place_lookup = None  # the PlaceLookup of the place box, when it has text

    def clean_near(self):
        text = " ".join(self.cleaned_data["near"].split())
        if not text:
            return None
        self.place_lookup = lookup = look_up_place(text)
        if lookup.problem:
            in_state = lookup.problem == Problem.UNKNOWN_CITY and lookup.state
            raise forms.ValidationError(
                self.UNKNOWN_CITY_IN_STATE
                if in_state
                else self.PLACE_PROBLEMS[lookup.problem],
                code=lookup.problem.value,
                params={
                    "text": text[:60],
                    "city": lookup.city,
                    "state": lookup.state_name,
                    "zip_code": lookup.zip_code,
                    "example": lookup.choices[0].label if lookup.choices else "",
                },
            )
        return lookup.place


class FilterGroup:
    """One checkbox group: a service category, or telehealth on its own.

    Its label, description and facts page are read in the page's language
    each time (a process keeps its groups for every page, in both)."""

    def __init__(self, key, services, category=None, label=""):
        self.key, self.services, self.category = key, services, category
        self.own_label = label  # a group that is no category: telehealth
        self.standalone = category is None  # a single checkbox outside the groups

    @property
    def label(self):
        return self.category.local_name if self.category else str(self.own_label)

    @property
    def description(self):
        return self.category.local_description if self.category else ""

    @property
    def facts_path(self):
        return self.category.local_facts_path if self.category else ""

    def __deepcopy__(self, memo):
        """Itself: every search's copy of the filters shares the process's
        groups, which no search changes (a copy would copy each service)."""
        return self

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


class GroupLabel:
    """A group's label, read in the page's language each time it is shown."""

    def __init__(self, group):
        self.group = group

    def __str__(self):
        return self.group.label

    def __deepcopy__(self, memo):
        return self  # as FilterGroup's


class DirectoryFilter(django_filters.FilterSet):
    near = django_filters.CharFilter(
        label=_("ZIP code or city and state"), method="filter_near", max_length=100
    )
    radius = django_filters.ChoiceFilter(
        label=_("Distance"),
        error_messages={
            "invalid_choice": _(
                "Distance must be 5, 10, 25, 50 or 100 miles, or any "
                "distance, so we searched within 25 miles."
            )
        },
        choices=RADIUS_CHOICES,
        method="filter_nothing",
        empty_label=None,
    )
    q = django_filters.CharFilter(
        label=_("Name or keyword"),
        error_messages={
            "max_length": _(
                "Search words can be at most %(limit_value)d characters "
                "long, so we left them out."
            )
        },
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
    )
    accepting = django_filters.BooleanFilter(
        label=_("Accepting new patients"),
        method="filter_accepting",
        widget=forms.CheckboxInput,
    )
    confirmed = django_filters.ChoiceFilter(
        label=_("Confirmed in the last 6 months"),
        error_messages={
            "invalid_choice": _(
                "We don’t know “%(value)s” as a choice for when a listing was "
                "confirmed, so we left that filter out."
            )
        },
        choices=[("recent", _("Confirmed in the last 6 months"))],
        method="filter_confirmed",
    )
    open_now = django_filters.BooleanFilter(
        label=_("Open now"),
        method="filter_open_now",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        error_messages={
            "invalid_choice": _(
                "Sort by nearest, name or most recently confirmed; "
                "“%(value)s” is not one of them."
            )
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

    def __init__(self, data=None, *args, now=None, **kwargs):
        # The filters see the parameters as rewritten: the words people use
        # read as filter choices (see rewrite).
        self.rewritten = rewrite(data, self.groups)
        self.now = now or timezone.now()  # the instant "open now" means
        super().__init__(
            None if data is None else self.rewritten.params, *args, **kwargs
        )

    def get_form_class(self):
        """Built once for each class: its fields are the same in every search."""
        cls = type(self)
        if "form_class" not in vars(cls):
            cls.form_class = super().get_form_class()
            cls.form_class.base_fields = SharedFields(cls.form_class.base_fields)
        return cls.form_class

    # Radius and sort shape other filters and the ordering; they filter nothing.
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_near(self, queryset, name, place):
        if place is None:
            return queryset
        return near(queryset, place, self.radius_miles)

    def filter_text(self, queryset, name, value):
        return every_word(queryset, value, PROVIDER_FIELDS)

    def filter_accepting(self, queryset, name, value):
        if value:
            return queryset.filter(accepting_status=Provider.Status.ACCEPTING)
        return queryset

    def filter_confirmed(self, queryset, name, value):
        return queryset.filter(confirmed_since(self.recently_confirmed_since))

    @cached_property
    def recently_confirmed_since(self):
        """The first day "Confirmed in the last 6 months" counts today: read
        once, so that every count of one search agrees."""
        return recently_confirmed_since(timezone.localdate())

    def filter_open_now(self, queryset, name, value):
        if value:
            return queryset.filter(open_now_q(self.now))
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
    def place_lookup(self):
        """What the place box's text was understood as, or None when empty."""
        self.form.is_valid()  # looks the place up, once
        return self.form.place_lookup

    @property
    def place_problem(self):
        """The place box's PlaceLookup when its text gave no place to search."""
        lookup = self.place_lookup
        return lookup if lookup and lookup.problem else None

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
    def sort_choices(self):
        """The sort's choices: nearest first only from a place."""
        return [
            (value, label)
            for value, label in self.form.fields["sort"].choices
            if value != "distance" or self.place
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

    def chosen_filters(self):
        """The names of the filters with a choice made, in the page's order."""
        data = self.cleaned
        names = [
            name
            for name in ("q", "accepting", "confirmed", "open_now")
            if data.get(name)
        ]
        groups = sorted(self.groups, key=lambda group: not group.standalone)
        return names + [group.key for group in groups if data.get(group.key)]

    @cached_property
    def counts_key(self):
        """What the facet counts depend on: every valid choice but the sort."""
        choices = sorted(
            (name, value) for name, value in self.cleaned.items() if name != "sort"
        )
        return hashlib.sha256(repr(choices).encode()).hexdigest()

    def filtered(self, exclude=()):
        """The published providers matching every choice but the `exclude`d
        ones. (Not the filterset's own queryset, which a search would have
        to build, filter and so compile for each request.)"""
        queryset = Provider.objects.published()
        for name, value in self.cleaned.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def ordered(self, queryset):
        if self.chosen_sort == "distance":
            return queryset.order_by("distance", "name", "pk")
        if self.chosen_sort == "verified":
            return queryset.order_by(
                last_confirmed_on().desc(nulls_last=True), "name", "pk"
            )
        return queryset.order_by("name", "pk")


def filter_groups():
    """The checkbox groups, from the taxonomy, in one query: a group per
    category, in the categories' order, then telehealth on its own."""
    groups, telehealth = {}, []
    services = Service.objects.select_related("category").order_by(
        "category__order", "category__name", "category_id", "order", "name"
    )
    for service in services:
        if service.slug == TELEHEALTH:
            telehealth.append(service)
            continue
        category = service.category
        if category.pk not in groups:
            groups[category.pk] = FilterGroup(category.slug, [], category)
        groups[category.pk].services.append(service)
    return [
        *groups.values(),
        *[
            FilterGroup(TELEHEALTH, [service], label=_("Offers telehealth"))
            for service in telehealth
        ],
    ]


def directory_filter(groups):
    """A DirectoryFilter class with a checkbox filter for each of these groups."""
    group_filters = {
        group.key: GroupFilter(
            field_name=group.key,
            label=GroupLabel(group),
            choices=group.choices,
            slugs=group.slug_to_id,
            method="filter_group",
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": format_lazy(
                    _(
                        "We don’t know “%(value)s” under {label}, so we left "
                        "that filter out."
                    ),
                    label=GroupLabel(group),
                )
            },
        )
        for group in groups
    }
    # Into base_filters, not class attributes, so that no category's slug can
    # hide one of the filterset's own attributes.
    filterset_class = type("DirectoryFilter", (DirectoryFilter,), {"groups": groups})
    filterset_class.base_filters = SharedFilters(
        {**DirectoryFilter.base_filters, **group_filters}
    )
    return filterset_class


class GroupChoiceField(django_filters.fields.MultipleChoiceField):
    """A filter group's checkboxes, each value checked against the group's
    slugs: Django's own check goes through every choice, named in the page's
    language, for each value."""

    def __init__(self, *args, slugs, **kwargs):
        super().__init__(*args, **kwargs)
        self.slugs = slugs

    def valid_value(self, value):
        return value in self.slugs


class GroupFilter(django_filters.MultipleChoiceFilter):
    field_class = GroupChoiceField


class SharedFilters(dict):
    """A filterset's filters, which django-filter deep-copies for each search
    (some 800 objects: choices, labels, messages, form fields). A search only
    sets each filter's parent, so a copy of each filter serves, sharing what
    it holds, which nothing changes."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copies[name] = copied = shallow_copy(filter_)
            copied.method = filter_.method  # bound to the copy, which has the parent
        return copies


class SharedFields(dict):
    """A form class's fields, which Django deep-copies for each form (their
    widgets, choices and messages: half a millisecond a search). A search's
    form reads its fields and changes none, so a copy of each serves."""

    def __deepcopy__(self, memo):
        return {name: shallow_copy(field) for name, field in self.items()}


def shallow_copy(obj):
    """What copy.copy() makes of a filter or form field (a new instance
    sharing its attributes), in a fifth of the time: copy's protocol costs
    3 µs an object, and a search copies some 35."""
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


@lru_cache(maxsize=1)
def cached_directory_filter(version):
    """directory_filter(filter_groups()), kept by each process while the
    directory's version holds."""
    return directory_filter(filter_groups())


def page_number(raw):
    """(page number, notice or None) from the raw `page` parameter."""
    if raw in (None, ""):
        return 1, None
    try:
        number = int(raw)
    except ValueError:
        return 1, gettext("Page numbers are whole numbers, so here is the first page.")
    if number < 1:
        return 1, gettext("Page numbers start at 1, so here is the first page.")
    return number, None
