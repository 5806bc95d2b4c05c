"""The provider admin's "Import SAMHSA file" page and "Export as CSV" action."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from treatment.interchange.csv_export import staff_csv_response
from treatment.interchange.samhsa import ImportFileError, import_samhsa_file

MAX_UPLOAD_MEGABYTES = 50


class SamhsaUploadForm(forms.Form):
    file = forms.FileField(
        label="SAMHSA locator file",
        help_text="The wide CSV or XLSX download, or the JSON listing.",
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
        if upload.size > MAX_UPLOAD_MEGABYTES * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_MEGABYTES} MB. Import it "
                "with `manage.py import_samhsa` instead."
            )
        return upload

    def run_import(self):
        """The import's summary; a file that can't be read becomes a form error."""
        upload = self.cleaned_data["file"]
        try:
            return import_samhsa_file(
                file_name=upload.name,
                data=upload.read(),
                publish=self.cleaned_data["publish"],
                dry_run=self.cleaned_data["dry_run"],
            )
        except ImportFileError as error:
            self.add_error("file", str(error))
            return None


class ProviderImportExportMixin:
    """For ProviderAdmin: add "export_as_csv" to its actions."""

    def get_urls(self):
        return [
            path(
                "import-samhsa/",
                self.admin_site.admin_view(self.import_samhsa_view),
                name="treatment_provider_import_samhsa",
            ),
            *super().get_urls(),
        ]

    def import_samhsa_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        summary = None
        if request.method == "POST":
            form = SamhsaUploadForm(request.POST, request.FILES)
            if form.is_valid():
                summary = form.run_import()
        else:
            form = SamhsaUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a SAMHSA locator file",
            "opts": self.opts,
            "form": form,
            "summary": summary,
        }
        return TemplateResponse(
            request, "admin/treatment/provider/import_samhsa.html", context
        )

    @admin.action(description="Export selected providers as CSV")
    def export_as_csv(self, request, queryset):
        return staff_csv_response(queryset)
