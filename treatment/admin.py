from datetime import timedelta

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone

from treatment.admin_import_export import ProviderImportExportMixin
from treatment.models import (
    Inquiry,
    ListingReport,
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
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "facts_path"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
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


@admin.register(Provider)
class ProviderAdmin(ProviderImportExportMixin, admin.ModelAdmin):
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
        (
            "Contact",
            {"fields": ["phone", "intake_phone", "website", "inquiry_email", "hours"]},
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


class NotificationFilter(admin.SimpleListFilter):
    title = "email to the recipient"
    parameter_name = "notified"

    def lookups(self, request, model_admin):
        return [("yes", "Sent"), ("no", "Not sent yet")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(notified_at__isnull=self.value() == "no")
        return queryset


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    """The inquiry inbox. Only the "Inquiry handlers" group can open it; what the
    visitor wrote is read-only, the status and notes are the handlers'."""

    list_display = ["__str__", "status", "provider", "created_at", "email_sent"]
    list_filter = ["status", NotificationFilter, "provider__state"]
    list_select_related = ["provider"]
    search_fields = ["name", "email", "phone", "message", "provider__name"]
    date_hierarchy = "created_at"
    fieldsets = [
        ("Follow-up", {"fields": ["status", "handler_notes"]}),
        (
            "From the visitor",
            {
                "fields": [
                    "provider",
                    "created_at",
                    "who_needs_help",
                    "name",
                    ("email", "phone"),
                    ("preferred_contact", "preferred_time"),
                    "message",
                    "consent_statement",
                ]
            },
        ),
        (
            "Email to the recipient",
            {"fields": ["notified_at", "notify_attempts", "last_notify_error"]},
        ),
    ]
    readonly_fields = [
        "provider",
        "created_at",
        "who_needs_help",
        "name",
        "email",
        "phone",
        "preferred_contact",
        "preferred_time",
        "message",
        "consent_statement",
        "notified_at",
        "notify_attempts",
        "last_notify_error",
    ]

    def has_add_permission(self, request):
        return False  # inquiries only come from visitors

    @admin.display(boolean=True, ordering="notified_at", description="email sent")
    def email_sent(self, inquiry):
        return inquiry.notified_at is not None


@admin.register(ListingReport)
class ListingReportAdmin(admin.ModelAdmin):
    list_display = ["reason", "provider", "status", "created_at", "resolved_at"]
    list_filter = ["status", "reason", "provider__state"]
    list_select_related = ["provider"]
    search_fields = ["provider__name", "details"]
    ordering = ["status", "-created_at"]  # open ones first
    fields = ["provider", "reason", "details", "status", "created_at", "resolved_at"]
    readonly_fields = ["provider", "reason", "details", "created_at", "resolved_at"]
    actions = ["mark_resolved"]

    @admin.action(
        permissions=["change"], description="Mark selected reports as resolved"
    )
    def mark_resolved(self, request, queryset):
        updated = queryset.open().update(
            status=ListingReport.Status.RESOLVED, resolved_at=timezone.now()
        )
        self.message_user(request, f"Marked {updated} report(s) as resolved.")
