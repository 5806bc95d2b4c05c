"""The provider's "Suggest changes" form: the listing's current values to
edit, checked as staff's forms check them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from treatment.models import Provider, ServiceCategory, SuggestedChange
from treatment.models.links import validate_web_url
from treatment.phones import normalize_listing_phone
from treatment.text import TypedTextField

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
    hours = TypedTextField(
        label=_("Opening hours"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: Monday to Friday 8 am to 5 pm; walk-ins 8 to 10 am."),
    )
    accepting_status = forms.ChoiceField(
        label=_("New patients"),
        choices=ACCEPTING_CHOICES,
        widget=forms.RadioSelect,
    )
    description = TypedTextField(
        label=_("About the program"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, provider, **kwargs):
        """Each service category's services as a group of checkboxes, and
        every field starting from the listing's current value."""
        self.provider = provider
        self.current = SuggestedChange.values_of(provider)
        super().__init__(*args, label_suffix="", initial=self.current, **kwargs)
        chosen = set(self.current["services"])
        categories = ServiceCategory.objects.prefetch_related("services")
        for category in categories:
            services = list(category.services.all())
            if not services:
                continue
            self.fields[SERVICES_PREFIX + category.slug] = forms.MultipleChoiceField(
                label=category.name,
                required=False,
                choices=[(s.slug, s.name) for s in services],
                widget=forms.CheckboxSelectMultiple,
                initial=[s.slug for s in services if s.slug in chosen],
            )
        # The description last, after the services.
        self.order_fields([name for name in self.fields if name != "description"])

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
