"""The provider's "Suggest changes" form: the listing's current values to
edit, checked as staff's forms check them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treatment.hours import overlapping
from treatment.models import (
    Provider,
    ServiceCategory,
    SuggestedChange,
    validate_open_24_7,
)
from treatment.models.links import validate_web_url
from treatment.phones import normalize_listing_phone
from treatment.text import TimeOfDayInput, TypedTextField

ACCEPTING_CHOICES = [
    (Provider.Status.ACCEPTING, _("Accepting new patients")),
    (Provider.Status.WAITLIST, _("Waitlist")),
    (Provider.Status.NOT_ACCEPTING, _("Not accepting new patients")),
    (Provider.Status.UNKNOWN, _("We'd rather not say")),
]
PHONE_HELP = _("A US number with its area code, like 410-555-0123 (ext. 12).")
UNCHANGED = _(
    "Nothing here differs from the listing. If it is all correct, go back "
    "and choose “Everything is correct”."
)
SERVICES_PREFIX = "services_"
# Openings a day the form offers (more where the listing has more), and
# their times' labels: the first opening's, then any other's.
OPENINGS_A_DAY = 2
OPENS = (_("Opens"), _("Opens again"))
CLOSES = (_("Closes"), _("Closes again"))


def day_name(weekday):
    return capfirst(WEEKDAYS[weekday])


def time_field(weekday, label, initial):
    """An opening or closing time of the day (its label says which)."""
    invalid = gettext("%(day)s: enter the time as hours and minutes, like 17:30.")
    return forms.TimeField(
        label=label,
        required=False,
        initial=initial,
        widget=TimeOfDayInput,
        error_messages={"invalid": invalid % {"day": day_name(weekday)}},
    )


class SuggestChangesForm(forms.Form):
    phone = forms.CharField(
        label=_("Main phone"), required=False, max_length=30, help_text=PHONE_HELP
    )
    intake_phone = forms.CharField(
        label=_("Phone for new patients (intake)"),
        required=False,
        max_length=30,
        help_text=_("Leave empty if it is the main phone."),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        validators=[validate_web_url],
        error_messages={
            "invalid": _("Enter a web address, like https://www.example.org.")
        },
    )
    accepting_status = forms.ChoiceField(
        label=_("New patients"),
        choices=ACCEPTING_CHOICES,
        widget=forms.RadioSelect,
    )
    open_24_7 = forms.BooleanField(
        label=_("Open 24 hours, 7 days a week"), required=False
    )
    hours = TypedTextField(
        label=_("Anything else about your hours (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: closed on public holidays; dosing until 11 a.m."),
    )
    description = TypedTextField(
        label=_("About the program"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, provider, **kwargs):
        """The week's opening and closing times, each service category's
        services as a group of checkboxes, and every field starting from the
        listing's current value."""
        self.provider = provider
        self.current = SuggestedChange.values_of(provider)
        super().__init__(*args, label_suffix="", initial=self.current, **kwargs)
        self.week = self.add_week()
        chosen = set(self.current["services"])
        categories = ServiceCategory.objects.prefetch_related("services")
        for category in categories:
            services = list(category.services.all())
            if not services:
                continue
            self.fields[SERVICES_PREFIX + category.slug] = forms.MultipleChoiceField(
                label=category.local_name,
                required=False,
                choices=[(s.slug, s.local_name) for s in services],
                widget=forms.CheckboxSelectMultiple,
                initial=[s.slug for s in services if s.slug in chosen],
            )
        # In the page's order: the week (after "open 24/7"), then its note,
        # the services and the description.
        services = [name for name in self.fields if name.startswith(SERVICES_PREFIX)]
        last = ["hours", *services, "description"]
        self.order_fields([name for name in self.fields if name not in last] + last)

    def add_week(self):
        """A field for each opening and closing time of the week, from the
        listing's: OPENINGS_A_DAY openings a day, or as many as it has.
        [(weekday, [(opens field's name, closes field's name)])]"""
        listed = {weekday: [] for weekday in WEEKDAYS}
        for weekday, opens, closes in self.current["opening_hours"]:
            listed[weekday].append((opens, closes))
        week = []
        for weekday, openings in listed.items():
            openings += [("", "")] * (OPENINGS_A_DAY - len(openings))
            pairs = []
            for number, (opens, closes) in enumerate(openings):
                name = f"week_{weekday}_{number}_"
                later = number > 0  # "Opens again", "Closes again"
                self.fields[name + "opens"] = time_field(weekday, OPENS[later], opens)
                self.fields[name + "closes"] = time_field(
                    weekday, CLOSES[later], closes
                )
                pairs.append((name + "opens", name + "closes"))
            week.append((weekday, pairs))
        return week

    def week_fields(self):
        """[(day's name, [(opens field, closes field)])], Monday first."""
        return [
            (day_name(weekday), [(self[o], self[c]) for o, c in pairs])
            for weekday, pairs in self.week
        ]

    def service_fields(self):
        return [self[name] for name in self.fields if name.startswith(SERVICES_PREFIX)]

    def clean_phone(self):
        return self.listing_phone("phone")

    def clean_intake_phone(self):
        return self.listing_phone("intake_phone")

    def listing_phone(self, name):
        """The number as listings write it, or as the listing has it when it
        is the same number."""
        value = self.cleaned_data[name]
        if not value:
            return ""
        phone = normalize_listing_phone(value)
        try:
            same = normalize_listing_phone(self.current[name]) == phone
        except ValidationError:
            same = False
        return self.current[name] if same else phone

    def clean_hours(self):
        return self.as_listed("hours")

    def clean_description(self):
        return self.as_listed("description")

    def as_listed(self, name):
        """The text, or the listing's own when they differ in spacing alone
        (a browser sends line breaks its own way)."""
        value, current = self.cleaned_data[name], self.current[name]
        return current if value.split() == current.split() else value

    def clean(self):
        data = super().clean()
        data["opening_hours"] = self.clean_week(data)
        if self.errors:
            return data
        services = sorted(
            slug
            for name, slugs in data.items()
            if name.startswith(SERVICES_PREFIX)
            for slug in slugs
        )
        self.suggested = {
            name: services if name == "services" else data[name]
            for name in SuggestedChange.FIELDS
        }
        if self.suggested == self.current:
            raise ValidationError(UNCHANGED, code="unchanged")
        return data

    def clean_week(self, data):
        """The week's openings, stored as SuggestedChange.store_week stores
        them; an error on a time given without the other of its opening, on
        an opening that overlaps another the same day, and on "open 24/7"
        beside any."""
        openings = {}  # the opens field's name: (weekday, opens, closes)
        for weekday, pairs in self.week:
            for names in pairs:
                if any(name in self.errors for name in names):
                    continue
                opens, closes = (data[name] for name in names)
                if opens and closes:
                    openings[names[0]] = (weekday, opens, closes)
                elif opens or closes:
                    self.add_error(
                        names[1] if opens else names[0],
                        gettext(
                            "%(day)s: enter both the opening and the closing "
                            "time, or clear both."
                        )
                        % {"day": day_name(weekday)},
                    )
        week = [*openings.values()]
        overlaps = overlapping(week)
        for name, opening in openings.items():
            if opening in overlaps:
                self.add_error(
                    name,
                    gettext("%(day)s: these hours overlap other hours that day.")
                    % {"day": day_name(opening[0])},
                )
        try:
            validate_open_24_7(data.get("open_24_7"), week)
        except ValidationError as error:
            self.add_error("open_24_7", error)
        return SuggestedChange.store_week(week)
