"""Staff's side of providers confirming their listings: the provider admin's
"Ask the provider to confirm" action, filters by how current a listing is
and by what waits for review, the freshness summary page, and the review
queue of the changes providers suggest."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from treatment.hours import week_lines
from treatment.listings.services import (
    AlreadyReviewed,
    age_bands,
    approve_change,
    ask_to_confirm,
    freshness_summary,
    reject_change,
)
from treatment.models import (
    ListingReport,
    Provider,
    SuggestedChange,
    VerificationRequest,
    last_confirmed_on,
)

FIELD_LABELS = {
    "phone": "Main phone",
    "intake_phone": "Intake phone",
    "website": "Website",
    "accepting_status": "New patients",
    "open_24_7": "Open 24 hours, 7 days a week",
    "opening_hours": "Weekly hours",
    "hours": "Hours note",
    "services": "Services",
    "description": "About the program",
}


def waiting_for_review(providers):
    """Annotate has_open_reports, has_pending_changes and needs_review
    (either), in the providers' own query."""
    return providers.annotate(
        has_open_reports=Exists(
            ListingReport.objects.open().filter(provider=OuterRef("pk"))
        ),
        has_pending_changes=Exists(
            SuggestedChange.objects.pending().filter(provider=OuterRef("pk"))
        ),
    ).annotate(
        needs_review=ExpressionWrapper(
            Q(has_open_reports=True) | Q(has_pending_changes=True),
            output_field=BooleanField(),
        )
    )


class FreshnessFilter(admin.SimpleListFilter):
    title = "last confirmed or checked"
    parameter_name = "confirmed"

    def bands(self):
        """{key: (label, condition)}: the age bands, then all but the first."""
        bands = age_bands(timezone.localdate())
        older = ("Not in the last 6 months", ~bands[0][2])
        return {key: (label, q) for key, label, q in bands} | {"older": older}

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.bands().items()]

    def queryset(self, request, queryset):
        bands = self.bands()
        if self.value() in bands:
            return queryset.filter(bands[self.value()][1])
        return queryset


class WaitingForReviewFilter(admin.SimpleListFilter):
    title = "waiting for review"
    parameter_name = "reports"

    def lookups(self, request, model_admin):
        return [
            ("open", "Needs review (open reports)"),
            ("changes", "Changes suggested by the provider"),
            ("either", "Open reports or suggested changes"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(has_open_reports=True)
        if self.value() == "changes":
            return queryset.filter(has_pending_changes=True)
        if self.value() == "either":
            return queryset.filter(needs_review=True)
        return queryset


def changed_fields(change):
    return ", ".join(FIELD_LABELS[name] for name, _ in change.changed())


class ProviderListingsMixin:
    """For ProviderAdmin: add "ask_to_confirm" to its actions, FreshnessFilter
    and WaitingForReviewFilter to its filters; it gets the provider page's
    open reports and pending changes (at the top), the needs_review column's
    data and the freshness page."""

    def get_fieldsets(self, request, obj=None):
        """A provider's page starts with what waits for review about it."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [("Waiting for review", {"fields": ["waiting"]}), *fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "waiting"]

    @admin.display(description="Open reports and suggested changes")
    def waiting(self, provider):
        """The provider's open listing reports and pending changes together,
        each a link to where staff deal with it."""
        items = [
            (
                reverse("admin:treatment_listingreport_change", args=[report.pk]),
                f"Listing report, {report.created_at:%b %-d, %Y}: "
                f"{report.get_reason_display()}",
            )
            for report in provider.reports.open()
        ] + [
            (
                reverse("admin:treatment_suggestedchange_change", args=[change.pk]),
                f"Changes suggested by the provider, {change.created_at:%b %-d, %Y}: "
                f"{changed_fields(change)}",
            )
            for change in provider.suggested_changes.pending()
        ]
        if not items:
            return "Nothing waits for review."
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', items)
        )

    def get_queryset(self, request):
        return waiting_for_review(super().get_queryset(request))

    @admin.display(
        ordering=last_confirmed_on().desc(nulls_last=True),
        description="confirmed",
    )
    def last_confirmed(self, provider):
        """When the provider confirmed the listing or our staff checked it,
        whichever is later: the date the site shows visitors."""
        day = provider.last_confirmed_on
        return "Never" if day is None else f"{day:%b %-d, %Y}"

    @admin.display(ordering="-needs_review", description="needs review")
    def needs_review(self, provider):
        """Words only where there is something to do: a column of red crosses
        for listings that are fine would draw the eye to nothing."""
        waiting = [
            words
            for waits, words in [
                (provider.has_open_reports, "Open report"),
                (provider.has_pending_changes, "Suggested changes"),
            ]
            if waits
        ]
        return ", ".join(waiting)

    @admin.action(
        permissions=["change"], description="Ask the provider to confirm this listing"
    )
    def ask_to_confirm(self, request, queryset):
        asked = ask_to_confirm(queryset, asked_by=request.user)
        self.message_user(
            request,
            f"Emailed {asked.sent} listing contact(s) a link to confirm their listing.",
        )
        skipped = [
            (asked.no_contact_email, "have no listing contact email"),
            (asked.recently_asked, "were asked in the last 30 days"),
            (asked.unpublished, "are not published"),
        ]
        for count, why in skipped:
            if count:
                self.message_user(
                    request, f"Skipped {count} listing(s) that {why}.", messages.WARNING
                )

    def get_urls(self):
        return [
            path(
                "freshness/",
                self.admin_site.admin_view(self.freshness_view),
                name="treatment_provider_freshness",
            ),
            *super().get_urls(),
        ]

    def freshness_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "How current the listings are",
            "opts": self.opts,
            "summary": freshness_summary(),
            "changelist": reverse("admin:treatment_provider_changelist"),
            "queue": reverse("admin:treatment_suggestedchange_changelist"),
        }
        return TemplateResponse(
            request, "admin/treatment/provider/freshness.html", context
        )


class ReviewStatusFilter(admin.SimpleListFilter):
    """Waiting for review unless another status is chosen."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*SuggestedChange.Status.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or SuggestedChange.Status.PENDING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or SuggestedChange.Status.PENDING
        if value == "all":
            return queryset
        return queryset.filter(status=value)


@admin.register(SuggestedChange)
class SuggestedChangeAdmin(admin.ModelAdmin):
    """The review queue: each change shows field by field what the listing
    says and what the provider suggests, with the provider's open reports;
    staff approve it (the listing changes at once) or reject it with a note."""

    list_display = [
        "provider",
        "created_at",
        "what_changed",
        "open_reports",
        "status",
        "reviewed_by",
    ]
    list_filter = [ReviewStatusFilter]
    list_select_related = ["provider", "reviewed_by"]
    search_fields = ["provider__name"]
    ordering = ["created_at"]  # oldest first: the queue
    fields = [
        "provider_link",
        "created_at",
        "status",
        "changes",
        "provider_open_reports",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    ]
    readonly_fields = fields
    change_form_template = "admin/treatment/suggestedchange/change_form.html"

    def get_queryset(self, request):
        open_reports = ListingReport.objects.open().filter(
            provider=OuterRef("provider")
        )
        return super().get_queryset(request).annotate(has_reports=Exists(open_reports))

    def has_add_permission(self, request):
        return False  # changes only come from providers

    def has_change_permission(self, request, obj=None):
        return False  # reviewed with the page's own buttons, not edited

    def has_delete_permission(self, request, obj=None):
        return False

    def may_review(self, request):
        return request.user.has_perm("treatment.change_suggestedchange")

    @admin.display(description="What they changed")
    def what_changed(self, change):
        return changed_fields(change)

    @admin.display(boolean=True, description="open reports")
    def open_reports(self, change):
        return change.has_reports

    @admin.display(description="Provider")
    def provider_link(self, change):
        url = reverse("admin:treatment_provider_change", args=[change.provider_id])
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">as visitors see it</a>)',
            url,
            change.provider,
            change.provider.get_absolute_url(),
        )

    @admin.display(description="Changes, field by field")
    def changes(self, change):
        """A table: the field, what the listing says, what the provider
        suggests. While pending, "now" is the listing as it is now; once
        approved, the values the change replaced."""
        if change.status == SuggestedChange.Status.PENDING:
            before = SuggestedChange.values_of(change.provider)
            before_title = "The listing now"
        else:
            before, before_title = change.before, "The listing before"
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
            (
                (
                    FIELD_LABELS[name],
                    shown(name, before.get(name)),
                    shown(name, value),
                )
                for name, value in change.changed()
            ),
        )
        return format_html(
            '<table class="change-diff"><thead><tr><th scope="col">Field</th>'
            '<th scope="col">{}</th><th scope="col">The provider suggests</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            before_title,
            rows,
        )

    @admin.display(description="Open listing reports for this provider")
    def provider_open_reports(self, change):
        reports = ListingReport.objects.open().filter(provider=change.provider_id)
        if not reports:
            return "None"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {}</li>',
                (
                    (
                        reverse("admin:treatment_listingreport_change", args=[r.pk]),
                        r.get_reason_display(),
                        r.details or "(no details)",
                    )
                    for r in reports
                ),
            ),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(require_POST(self.review_view)),
                name="treatment_suggestedchange_review",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_review": self.may_review(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, pk):
        if not self.may_review(request):
            raise PermissionDenied
        change = get_object_or_404(SuggestedChange, pk=pk)
        note = request.POST.get("review_note", "")
        here = reverse("admin:treatment_suggestedchange_change", args=[pk])
        try:
            if "approve" in request.POST:
                approve_change(change, reviewer=request.user, note=note)
                self.message_user(
                    request, f"Approved: {change.provider.name} shows the changes now."
                )
            else:
                reject_change(change, reviewer=request.user, note=note)
                self.message_user(request, "Rejected. The listing is unchanged.")
        except AlreadyReviewed:
            self.message_user(
                request,
                "Someone else has reviewed these changes already.",
                messages.ERROR,
            )
            return redirect(here)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(here)
        return redirect("admin:treatment_suggestedchange_changelist")


def shown(name, value):
    """A field's value as staff read it."""
    if value in (None, "", []):
        return "(empty)"
    if name == "accepting_status":
        return Provider.Status(value).label
    if name == "services":
        return ", ".join(value)
    if name == "open_24_7":
        return "Yes" if value else "No"
    if name == "opening_hours":
        lines = week_lines(SuggestedChange.week(value))
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
    return value


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    """The requests sent: staff see who was asked, when, and the answer."""

    list_display = [
        "provider",
        "email",
        "created_at",
        "notified_at",
        "used_at",
        "outcome",
    ]
    list_filter = ["outcome"]
    list_select_related = ["provider"]
    search_fields = ["provider__name", "email"]
    fields = [
        "provider",
        "email",
        "asked_by",
        "created_at",
        "expires_at",
        "notified_at",
        "notify_attempts",
        "last_notify_error",
        "used_at",
        "outcome",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
