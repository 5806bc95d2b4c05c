"""The directory's models, one module each, all importable from here.

taxonomy (categories and services), providers, hours (providers' weekly
opening hours), versions (the directory's
version, which search's caches are keyed by), inquiries and reports (what
visitors send), limits (what each client sent in the last hour), imports (SAMHSA
files uploaded in admin). Models import no views, forms or file formats.
"""

from treatment.models.hours import OpeningHours
from treatment.models.imports import SamhsaImport
from treatment.models.inquiries import (
    MESSAGE_MAX_LENGTH,
    Inquiry,
    InquiryEmailChange,
    InquiryQuerySet,
    Recipient,
)
from treatment.models.limits import SubmissionCount
from treatment.models.providers import Provider, ProviderQuerySet, ProviderServices
from treatment.models.reports import (
    ListingReport,
    VisitorReport,
    VisitorReportQuerySet,
)
from treatment.models.taxonomy import Service, ServiceCategory
from treatment.models.versions import (
    DirectoryVersion,
    directory_changed,
    directory_migrated,
    new_directory_version,
)

__all__ = [
    "MESSAGE_MAX_LENGTH",
    "DirectoryVersion",
    "OpeningHours",
    "Inquiry",
    "InquiryEmailChange",
    "InquiryQuerySet",
    "ListingReport",
    "Provider",
    "ProviderQuerySet",
    "ProviderServices",
    "Recipient",
    "SamhsaImport",
    "Service",
    "ServiceCategory",
    "SubmissionCount",
    "VisitorReport",
    "VisitorReportQuerySet",
    "directory_changed",
    "directory_migrated",
    "new_directory_version",
]
