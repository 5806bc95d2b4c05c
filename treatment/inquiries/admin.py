"""The inquiry inbox and the listing reports, in Django admin."""

from django.contrib import admin

from treatment.models import Inquiry, ListingReport


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
        *Inquiry.VISITOR_FIELDS,
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

    def has_add_permission(self, request):
        return False  # reports only come from visitors

    @admin.action(
        permissions=["change"], description="Mark selected reports as resolved"
    )
    def mark_resolved(self, request, queryset):
        updated = queryset.set_status(ListingReport.Status.RESOLVED)
        self.message_user(request, f"Marked {updated} report(s) as resolved.")
