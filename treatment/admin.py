"""Django admin: the directory's taxonomy and providers, with the wings'
admin pages wired in (inquiries and reports register themselves; the
interchange wing adds import and export to the provider admin, the listings
wing asking providers to confirm, what waits for review and how current the
listings are)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from treatment.inquiries.admin import LookupsStayInSight
from treatment.inquiries.services import record_inquiry_email_change
from treatment.interchange.admin import ProviderImportExportMixin
from treatment.listings.admin import (
    FreshnessFilter,
    ProviderListingsMixin,
    WaitingForReviewFilter,
)
from treatment.models import (
    OpeningHours,
    Provider,
    Service,
    ServiceCategory,
    validate_open_24_7,
)
from treatment.text import TimeOfDayInput


class ServiceInline(admin.TabularInline):
    model = Service
    fields = [
        "order",
        "name",
        "name_es",
        "slug",
        "description",
        "description_es",
        "samhsa_codes",
    ]
    extra = 0


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(LookupsStayInSight):
    list_display = ["name", "name_es", "slug", "order", "facts_path"]
    list_editable = ["order"]
    fields = [
        "name",
        "name_es",
        "slug",
        "order",
        "description",
        "description_es",
        "facts_path",
    ]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(LookupsStayInSight):
    list_display = ["name", "name_es", "category", "slug", "samhsa_codes"]
    list_filter = ["category"]
    search_fields = ["name", "name_es", "slug", "samhsa_codes"]
    fields = [
        "name",
        "name_es",
        "slug",
        "category",
        "order",
        "description",
        "description_es",
        "samhsa_codes",
    ]
    prepopulated_fields = {"slug": ["name"]}


class ServiceCategoryFilter(admin.SimpleListFilter):
    title = "service category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(c.slug, c.name) for c in ServiceCategory.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(services__category__slug=self.value()).distinct()
        return queryset


class ServicesByCategory(forms.CheckboxSelectMultiple):
    """Services as checkboxes, a fieldset for each category with the category's
    name as its legend. Its choices' queryset selects each service's category."""

    template_name = "admin/treatment/services_by_category.html"

    def optgroups(self, name, value, attrs=None):
        by_category = {}
        for _group, options, _index in super().optgroups(name, value, attrs):
            for option in options:
                category = option["value"].instance.category
                by_category.setdefault(category, []).append(option)
        return [
            (category.name, options, index)
            for index, (category, options) in enumerate(by_category.items())
        ]

    def render(self, name, value, attrs=None, renderer=None):
        # The site's templates, where the template lives, not Django's own.
        return super().render(name, value, attrs, TemplatesSetting())


class DateOnlyInput(forms.DateInput):
    """The browser's own date picker, without admin's calendar and its note
    on the time difference from the server, which a date alone doesn't have."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProviderAdminForm(forms.ModelForm):
    """The provider form; ProviderAdmin gives it its model and fields."""

    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.select_related("category"),
        widget=ServicesByCategory,
        required=False,
        help_text="Tick every service the provider offers.",
    )

    class Meta:
        labels = {"slug": "Page address"}
        help_texts = {
            "slug": "The end of the listing's web address, e.g. "
            "/treatment/bright-path-recovery/. Changing it breaks links people "
            "have saved."
        }
        error_messages = {
            "slug": {
                "unique": "Another listing has this page address. Add the "
                "city or a number to make it different."
            }
        }

    def clean(self):
        """Where the map point comes from: coordinates staff type are exact and
        win; without coordinates, or when the ZIP code of an approximate point
        changes, the ZIP code's centre, marked approximate."""
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error(
                "latitude" if latitude is None else "longitude",
                "Enter both latitude and longitude, or leave both blank to use "
                "the ZIP code's centre.",
            )
        elif latitude is not None and {"latitude", "longitude"} & set(
            self.changed_data
        ):
            data["location_is_approximate"] = False
        elif latitude is None or (
            data.get("location_is_approximate") and "zip_code" in self.changed_data
        ):
            self.use_zip_centre(data)
        return data

    def use_zip_centre(self, data):
        provider = self.instance
        provider.zip_code = data.get("zip_code", "")
        if provider.use_zip_centre():
            data["latitude"], data["longitude"] = provider.latitude, provider.longitude
            data["location_is_approximate"] = True
        elif "zip_code" not in self.errors:
            self.add_error(
                "zip_code",
                "We don't know where this ZIP code is. Check it, or enter the "
                "map point's latitude and longitude.",
            )


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        validate_open_24_7(self.instance.open_24_7, kept)


class OpeningHoursInline(admin.StackedInline):
    """The weekly hours, one row per interval: a day may have several. Times
    in the browser's own picker: admin's clock and its note on the time
    difference from the server would mislead, as hours are in the provider's
    own time zone."""

    model = OpeningHours
    formfield_overrides = {models.TimeField: {"widget": TimeOfDayInput}}
    formset = OpeningHoursFormSet
    fields = [("weekday", "opens", "closes")]  # one line a row
    extra = 0
    verbose_name = "weekly hours"
    verbose_name_plural = "weekly hours (in the provider's time zone)"


@admin.register(Provider)
class ProviderAdmin(
    ProviderImportExportMixin, ProviderListingsMixin, LookupsStayInSight
):
    form = ProviderAdminForm
    formfield_overrides = {models.DateField: {"widget": DateOnlyInput}}
    inlines = [OpeningHoursInline]
    list_display = [
        "name",
        "place",
        "is_published",
        "accepting_status",
        "last_confirmed",
        "needs_review",
    ]
    list_filter = [
        "state",
        ServiceCategoryFilter,
        "is_published",
        "source",
        FreshnessFilter,
        WaitingForReviewFilter,
        "accepting_status",
    ]
    search_fields = ["name", "city", "zip_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["source", "source_id", "public_id", "created_at", "updated_at"]
    date_hierarchy = "updated_at"
    actions = [
        "publish",
        "unpublish",
        "mark_verified_today",
        "ask_to_confirm",
        "export_as_csv",
    ]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["name", "summary", "description"]}),
        (
            "Address and map point",
            {
                "fields": [
                    "street",
                    ("city", "state", "zip_code"),
                    ("latitude", "longitude"),
                    "location_is_approximate",
                ]
            },
        ),
        (
            "Contact",
            {
                "fields": [
                    "phone",
                    "intake_phone",
                    "website",
                    "inquiry_email",
                    "listing_contact_email",
                ]
            },
        ),
        (
            "Hours",
            {
                "fields": [
                    "open_24_7",
                    ("walk_ins_welcome", "same_day_start"),
                    "hours",
                    "time_zone",
                ],
                "description": "Enter each day's opening hours under “Weekly "
                "hours” below, several a day if need be.",
            },
        ),
        ("Openings", {"fields": ["accepting_status", "accepting_status_on"]}),
        ("Services", {"fields": ["services"]}),
        ("Publishing", {"fields": ["is_published", ("verified_on", "confirmed_on")]}),
        (
            "Technical details",
            {
                "classes": ["collapse"],
                "description": "The page address is filled in from the name. "
                "Where the listing came from is kept for re-imports.",
                "fields": [
                    "slug",
                    ("source", "source_id"),
                    "public_id",
                    ("created_at", "updated_at"),
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/directory-admin.css"]}

    def render_change_form(self, request, context, *args, **kwargs):
        """A collapsed fieldset holding a field with an error opens."""
        adminform = context["adminform"]
        errors = adminform.form.errors
        adminform.fieldsets = [
            (name, opened_if_any_error(options, errors))
            for name, options in adminform.fieldsets
        ]
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "inquiry_email" in form.changed_data:
            record_inquiry_email_change(
                provider=obj,
                old_email=form.initial.get("inquiry_email", ""),
                changed_by=request.user,
            )

    @admin.display(ordering="city", description="place")
    def place(self, provider):
        return f"{provider.city}, {provider.state}"

    @admin.action(description="Publish selected providers")
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True, updated_at=timezone.now())
        self.message_user(request, f"Published {updated} provider(s).")

    @admin.action(description="Unpublish selected providers")
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False, updated_at=timezone.now())
        self.message_user(request, f"Unpublished {updated} provider(s).")

    @admin.action(description="Mark selected providers as verified today")
    def mark_verified_today(self, request, queryset):
        updated = queryset.update(
            verified_on=timezone.localdate(), updated_at=timezone.now()
        )
        self.message_user(request, f"Marked {updated} provider(s) as verified today.")


def opened_if_any_error(options, errors):
    fields = flatten(options.get("fields", []))
    if not errors.keys() & set(fields):
        return options
    classes = [name for name in options.get("classes", ()) if name != "collapse"]
    return {**options, "classes": classes}
