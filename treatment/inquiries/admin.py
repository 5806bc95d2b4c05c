"""The inquiry inbox and the listing reports, in Django admin."""

import textwrap

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from treatment.models import Inquiry, InquiryEmailChange, ListingReport
from treatment.phones import tel_href


class LookupsStayInSight(admin.ModelAdmin):
    """A list's filters in the URL (?relation__field=value) may not pass
    through a model the user cannot view: otherwise a directory editor could
    learn which providers received inquiries (?inquiries__isnull=False), and
    when, though the inquiries themselves are hidden from them."""

    def lookup_allowed(self, lookup, value, request):
        return super().lookup_allowed(lookup, value, request) and all(
            request.user.has_perm(
                f"{model._meta.app_label}."
                f"{get_permission_codename('view', model._meta)}"
            )
            for model in models_on_path(self.model, lookup)
        )


def models_on_path(model, lookup):
    """The related models a lookup such as "provider__inquiries__isnull" reaches."""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return
        if not field.is_relation:
            return
        model = field.related_model
        yield model


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
    visitor wrote is read-only, the status and notes are the handlers'. The
    provider's details are shown here, since handlers cannot open listings."""

    list_display = [
        "received",
        "sender",
        "contact_method",
        "message_preview",
        "recipient_name",
        "status",
        "email_sent",
    ]
    list_display_links = ["received", "sender"]
    list_filter = [
        "status",
        NotificationFilter,
        ("provider__state", admin.AllValuesFieldListFilter),  # states present
    ]
    list_select_related = ["provider"]
    search_fields = ["name", "email", "phone", "message", "recipient_name"]
    date_hierarchy = "created_at"
    actions = ["mark_handled"]
    fieldsets = [
        ("Follow-up", {"fields": ["status", "handler_notes"]}),
        (
            "From the visitor",
            {
                "fields": [
                    "created_at",
                    "who_needs_help",
                    "name",
                    ("email_link", "phone_link"),
                    ("preferred_contact", "preferred_time"),
                    "message",
                    "consent_statement",
                    "language",
                ]
            },
        ),
        (
            "The provider",
            {"fields": ["provider_name", ("provider_phone", "provider_intake_phone")]},
        ),
        (
            "Email to the recipient",
            {
                "fields": [
                    "recipient",
                    "notified_at",
                    "notify_attempts",
                    "last_notify_error",
                ]
            },
        ),
    ]
    readonly_fields = [
        "created_at",
        *Inquiry.VISITOR_FIELDS,
        "email_link",
        "phone_link",
        "consent_statement",
        "language",
        "provider_name",
        "provider_phone",
        "provider_intake_phone",
        "recipient",
        "notified_at",
        "notify_attempts",
        "last_notify_error",
    ]

    def has_add_permission(self, request):
        return False  # inquiries only come from visitors

    @admin.display(description="received", ordering="created_at")
    def received(self, inquiry):
        return date_format(timezone.localtime(inquiry.created_at), "M j, g:i a")

    @admin.display(description="from", ordering="name")
    def sender(self, inquiry):
        return inquiry.name or "(no name given)"

    @admin.display(description="reply by", ordering="preferred_contact")
    def contact_method(self, inquiry):
        return inquiry.get_preferred_contact_display()

    @admin.display(description="message")
    def message_preview(self, inquiry):
        return textwrap.shorten(inquiry.message, 80, placeholder=" …")

    @admin.display(boolean=True, ordering="notified_at", description="emailed")
    def email_sent(self, inquiry):
        return inquiry.notified_at is not None

    @admin.display(description="email")
    def email_link(self, inquiry):
        if not inquiry.email:
            return "(not given)"
        return format_html('<a href="mailto:{0}">{0}</a>', inquiry.email)

    @admin.display(description="phone")
    def phone_link(self, inquiry):
        return phone_link(inquiry.phone)

    @admin.display(description="provider")
    def provider_name(self, inquiry):
        if inquiry.provider is None:
            return "None: a request for help finding treatment"
        provider = inquiry.provider
        return f"{provider.name} ({provider.city}, {provider.state})"

    @admin.display(description="phone")
    def provider_phone(self, inquiry):
        return phone_link(inquiry.provider.phone if inquiry.provider else "")

    @admin.display(description="intake phone")
    def provider_intake_phone(self, inquiry):
        return phone_link(inquiry.provider.intake_phone if inquiry.provider else "")

    @admin.display(description="sent to")
    def recipient(self, inquiry):
        address = inquiry.recipient_email or settings.INQUIRY_STAFF_EMAIL
        text = (
            f"{inquiry.recipient_name} at {address}"
            if address
            else (f"{inquiry.recipient_name}: no address is set up for our staff yet")
        )
        provider = inquiry.provider
        if provider and provider.inquiry_email != inquiry.recipient_email:
            text += (
                f". {provider.name}'s inquiry email has changed since this message "
                f"arrived; new messages go to {provider.inquiry_email or 'our staff'}"
                ", this one keeps the address it arrived with"
            )
        return text

    @admin.action(
        permissions=["change"], description="Mark selected inquiries as handled"
    )
    def mark_handled(self, request, queryset):
        updated = queryset.exclude(status=Inquiry.Status.CLOSED).update(
            status=Inquiry.Status.CLOSED
        )
        noun = "inquiry" if updated == 1 else "inquiries"
        self.message_user(request, f"Marked {updated} {noun} as handled.")


def phone_link(number):
    if not number:
        return "(not given)"
    return format_html('<a href="{}">{}</a>', tel_href(number), number)


@admin.register(InquiryEmailChange)
class InquiryEmailChangeAdmin(admin.ModelAdmin):
    """The record of changes to providers' inquiry emails, for the inquiry
    handlers. Nobody edits it."""

    list_display = [
        "changed_at",
        "provider_name",
        "old_email",
        "new_email",
        "changed_by_name",
        "notified_at",
        "last_notify_error",
    ]
    list_display_links = None
    list_filter = ["changed_at"]
    search_fields = ["provider_name", "old_email", "new_email"]
    fields = [
        "changed_at",
        "provider_name",
        "old_email",
        "new_email",
        "notified_at",
        "last_notify_error",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ListingReport)
class ListingReportAdmin(LookupsStayInSight):
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
