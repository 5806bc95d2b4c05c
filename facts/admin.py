from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from facts.forms import MedicalReviewForm
from facts.models import Article, ErrorReport, Source


class SourceInline(admin.TabularInline):
    model = Source
    extra = 1
    fields = ["order", "title", "publisher", "url", "date"]


class MedicalReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("awaiting", "Awaiting review"), ("reviewed", "Reviewed")]

    def queryset(self, request, queryset):
        if self.value() not in {"awaiting", "reviewed"}:
            return queryset
        # Whether a review still holds depends on the text, so it is worked out
        # here rather than in SQL; there are tens of pages, not thousands.
        reviewed = self.value() == "reviewed"
        pages = queryset.only("title", "summary", "body", "reviewed_text_hash")
        return queryset.filter(
            pk__in=[page.pk for page in pages if page.is_medically_reviewed == reviewed]
        )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "section",
        "is_published",
        "medical_review",
        "open_error_reports",
        "updated_at",
    ]
    list_filter = ["section", "is_published", MedicalReviewFilter]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_services"]
    readonly_fields = ["medical_review", "kept_in", "updated_at"]
    fieldsets = [
        ("About this page", {"fields": ["medical_review", "kept_in"]}),
        ("The page", {"fields": ["title", "slug", "summary", "body"]}),
        ("Where it appears", {"fields": ["section", "order", "related_services"]}),
        ("Publishing", {"fields": ["is_published", "updated_at"]}),
        (
            "Sources",
            {
                "fields": ["sources_checked"],
                "description": "List every source below. Readers see them at the "
                "end of the page.",
            },
        ),
    ]
    inlines = [SourceInline]
    actions = ["publish", "unpublish"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_reports=Count(
                    "error_reports",
                    filter=Q(error_reports__status=ErrorReport.Status.OPEN),
                )
            )
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="facts_article_review",
            ),
            *super().get_urls(),
        ]

    def has_review_permission(self, request):
        return request.user.has_perm("facts.review_article")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_review_permission": self.has_review_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, pk):
        """A medical reviewer reads the page as visitors see it and signs it off."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article.objects.for_page(), pk=pk)
        form = MedicalReviewForm(
            request.POST or None,
            article=article,
            initial=previous_reviewer_details(request.user),
        )
        if request.method == "POST" and form.is_valid():
            form.record(recorded_by=request.user)
            self.message_user(
                request,
                f"Recorded your review. “{article.title}” now shows “Reviewed by "
                f"{article.reviewed_by}, {article.reviewer_credentials}”.",
                messages.SUCCESS,
            )
            return redirect("admin:facts_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Medical review of “{article.title}”",
            "opts": self.opts,
            "article": article,
            "form": form,
        }
        return TemplateResponse(request, "admin/facts/article/review.html", context)

    @admin.display(description="medical review")
    def medical_review(self, article):
        if article.is_medically_reviewed:
            return (
                f"Reviewed by {article.reviewed_by}, {article.reviewer_credentials}, "
                f"on {long_date(article.reviewed_on)}"
            )
        if article.reviewed_text_hash:
            return (
                f"Awaiting review: the text changed after {article.reviewed_by} "
                f"reviewed it on {long_date(article.reviewed_on)}"
            )
        return "Awaiting review"

    @admin.display(description="open error reports", ordering="open_reports")
    def open_error_reports(self, article):
        if not article.open_reports:
            return "None"
        url = reverse("admin:facts_errorreport_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}&amp;status__exact=open">{}</a>',
            url,
            article.pk,
            article.open_reports,
        )

    @admin.display(description="kept in")
    def kept_in(self, article):
        if article.from_files:
            return (
                f"The file facts/articles/{article.slug}.md, loaded on every "
                "release. If you change the page here, your change stays: later "
                "changes to the file are held back and reported until someone "
                "brings the file and this page into line."
            )
        return "This page only (it has no file in facts/articles/)."

    @admin.action(description="Publish the selected pages")
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(request, f"Published {count} page(s).")

    @admin.action(description="Unpublish the selected pages (hide them)")
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(request, f"Unpublished {count} page(s).")


def long_date(day):
    return format_date(day, "F j, Y")


def previous_reviewer_details(user):
    """The name and credentials this user signed with last time, or their name."""
    last = (
        Article.objects.filter(review_recorded_by=user)
        .order_by("-reviewed_on")
        .values("reviewed_by", "reviewer_credentials")
        .first()
    )
    if last:
        return {
            "name": last["reviewed_by"],
            "credentials": last["reviewer_credentials"],
        }
    return {"name": user.get_full_name()}


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """Visitors' reports of errors on facts pages, open ones first."""

    list_display = ["article", "short_details", "status", "created_at", "resolved_at"]
    list_filter = ["status", "article"]
    list_select_related = ["article"]
    search_fields = ["article__title", "details", "evidence"]
    ordering = ["status", "-created_at"]
    fields = [
        "page_links",
        "details",
        "evidence",
        "created_at",
        "status",
        "staff_notes",
        "resolved_at",
    ]
    readonly_fields = ["page_links", "details", "evidence", "created_at", "resolved_at"]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False  # reports only come from visitors

    @admin.display(description="page")
    def page_links(self, report):
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">edit the page</a>)',
            report.article.get_absolute_url(),
            report.article.title,
            reverse("admin:facts_article_change", args=[report.article.pk]),
        )

    @admin.display(description="what is wrong")
    def short_details(self, report):
        return (
            report.details if len(report.details) <= 80 else report.details[:79] + "…"
        )

    @admin.action(
        permissions=["change"], description="Mark selected reports as resolved"
    )
    def mark_resolved(self, request, queryset):
        updated = queryset.set_status(ErrorReport.Status.RESOLVED)
        self.message_user(request, f"Marked {updated} report(s) as resolved.")
