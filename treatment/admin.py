"""Django admin: the directory's taxonomy and providers, with the wings'
admin pages wired in (inquiries and reports register themselves; the
interchange wing adds import and export to the provider admin)."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from treatment.inquiries.admin import LookupsStayInSight
from treatment.inquiries.services import record_inquiry_email_change
from treatment.interchange.admin import ProviderImportExportMixin
from treatment.models import (
    ListingReport,
    OpeningHours,
    Provider,
    Service,
    ServiceCategory,
)

STALE_AFTER_DAYS = 180


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["order", "name", "slug", "description", "samhsa_codes"]
    extra = 0


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(LookupsStayInSight):
    list_display = ["name", "slug", "order", "facts_path"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(LookupsStayInSight):
    list_display = ["name", "category", "slug", "samhsa_codes"]
    list_filter = ["category"]
    search_fields = ["name", "slug", "samhsa_codes"]
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


class VerificationFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", f"Not verified in {STALE_AFTER_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            cutoff = timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)
            return queryset.exclude(verified_on__gte=cutoff)
        return queryset


class ListingReportFilter(admin.SimpleListFilter):
    title = "listing reports"
    parameter_name = "reports"

    def lookups(self, request, model_admin):
        return [("open", "Needs review (open reports)")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(needs_review=True)
        return queryset


class ProviderAdminForm(forms.ModelForm):
    """The provider form; ProviderAdmin gives it its model and fields."""

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
        if kept and self.instance.open_24_7:
            raise ValidationError(
                "“Open 24 hours, 7 days a week” is ticked, so these hours would "
                "not be used. Delete them, or untick it."
            )


class OpeningHoursInline(admin.TabularInline):
    """The weekly hours, one row per interval: a day may have several."""

    model = OpeningHours
    formset = OpeningHoursFormSet
    fields = ["weekday", "opens", "closes"]
    extra = 0
    verbose_name = "weekly hours"
    verbose_name_plural = "weekly hours (in the provider's time zone)"


@admin.register(Provider)
class ProviderAdmin(ProviderImportExportMixin, LookupsStayInSight):
    form = ProviderAdminForm
    inlines = [OpeningHoursInline]
    list_display = [
        "name",
        "city",
        "state",
        "zip_code",
        "is_published",
        "verified_on",
        "accepting_status",
        "source",
        "needs_review",
    ]
    list_filter = [
        "state",
        ServiceCategoryFilter,
        "is_published",
        "source",
        VerificationFilter,
        ListingReportFilter,
        "accepting_status",
    ]
    search_fields = ["name", "city", "zip_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"
    actions = ["publish", "unpublish", "mark_verified_today", "export_as_csv"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description"]}),
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
        ("Contact", {"fields": ["phone", "intake_phone", "website", "inquiry_email"]}),
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
        (
            "Publishing",
            {
                "fields": [
                    "is_published",
                    "verified_on",
                    ("source", "source_id"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "inquiry_email" in form.changed_data:
            record_inquiry_email_change(
                provider=obj,
                old_email=form.initial.get("inquiry_email", ""),
                changed_by=request.user,
            )

    def get_queryset(self, request):
        open_reports = ListingReport.objects.open().filter(provider=OuterRef("pk"))
        return super().get_queryset(request).annotate(needs_review=Exists(open_reports))

    @admin.display(boolean=True, ordering="-needs_review", description="needs review")
    def needs_review(self, provider):
        return provider.needs_review

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
