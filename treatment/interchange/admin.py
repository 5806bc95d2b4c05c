"""The provider admin's "Import SAMHSA file" pages and "Export as CSV" action.

An upload is stored and imported by the task worker (jobs.py); its page shows
the progress, then the summary, and after a dry run a button that imports
the same file's rows without asking for it again.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from treatment.interchange.csv_export import staff_csv_response
from treatment.interchange.jobs import import_dry_run_now, start_import
from treatment.interchange.samhsa import (
    MAX_COLUMNS,
    MAX_FILE_MEGABYTES,
    MAX_ROWS,
    ImportFileError,
    ImportSummary,
    check_file_size,
)
from treatment.models import SamhsaImport

RECENT_IMPORTS = 10
# Skipped rows and kept values listed on an import's page, each.
LINES_SHOWN = 1000


class SamhsaUploadForm(forms.Form):
    file = forms.FileField(
        label="SAMHSA locator file",
        help_text="The wide CSV or XLSX download, or the JSON listing: up to "
        f"{MAX_FILE_MEGABYTES} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns.",
    )
    dry_run = forms.BooleanField(
        label="Dry run: report what would change, save nothing",
        required=False,
    )
    publish = forms.BooleanField(
        label="Publish new listings at once (otherwise they wait for review)",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_file_size(upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ProviderImportExportMixin:
    """For ProviderAdmin: the import pages; add "export_as_csv" to its actions."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "import-samhsa/",
                view(self.import_samhsa_view),
                name="treatment_provider_import_samhsa",
            ),
            path(
                "import-samhsa/<int:pk>/",
                view(self.import_samhsa_status_view),
                name="treatment_provider_import_samhsa_status",
            ),
            path(
                "import-samhsa/<int:pk>/import-now/",
                view(require_POST(self.import_samhsa_now_view)),
                name="treatment_provider_import_samhsa_now",
            ),
            *super().get_urls(),
        ]

    def import_page(self, request, template, title, **context):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            **context,
        }
        return TemplateResponse(
            request, f"admin/treatment/provider/{template}.html", context
        )

    def import_samhsa_view(self, request):
        if request.method == "POST" and self.has_add_permission(request):
            form = SamhsaUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                samhsa_import = start_import(
                    file_name=upload.name,
                    data=upload.read(),
                    dry_run=form.cleaned_data["dry_run"],
                    publish=form.cleaned_data["publish"],
                    user=request.user,
                )
                return redirect(samhsa_import)
        else:
            form = SamhsaUploadForm()
        recent = SamhsaImport.objects.without_files()[:RECENT_IMPORTS]
        return self.import_page(
            request,
            "import_samhsa",
            "Import a SAMHSA locator file",
            form=form,
            recent_imports=recent,
        )

    def import_samhsa_status_view(self, request, pk):
        samhsa_import = get_object_or_404(SamhsaImport.objects.without_files(), pk=pk)
        summary = samhsa_import.summary and ImportSummary.from_json(
            samhsa_import.summary
        )
        return self.import_page(
            request,
            "import_samhsa_status",
            f"Import of {samhsa_import.file_name}",
            samhsa_import=samhsa_import,
            summary=summary,
            skipped_shown=summary.skipped[:LINES_SHOWN] if summary else [],
            kept_shown=summary.kept[:LINES_SHOWN] if summary else [],
        )

    def import_samhsa_now_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        dry_run = get_object_or_404(SamhsaImport.objects.without_files(), pk=pk)
        started = dry_run.can_import_now and import_dry_run_now(
            dry_run, user=request.user
        )
        return redirect(started or dry_run)  # the dry run's page says why not

    @admin.action(description="Export selected providers as CSV")
    def export_as_csv(self, request, queryset):
        return staff_csv_response(queryset)
