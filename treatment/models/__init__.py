"""The directory's models, one module each, all importable from here.

taxonomy (categories and services), providers, hours (providers' weekly
opening hours), quality (the signs of quality a provider's services show),
versions (the directory's version, which search's caches are keyed by),
inquiries and reports (what visitors send), limits (what each client sent in
the last hour), imports (SAMHSA files uploaded in admin, and what the
last import said of each listing), outbox (what every
stored email shares), listings (providers' confirmations and suggested
changes). Models import no views, forms or file formats.
"""

from treatment.models.hours import OpeningHours, validate_open_24_7
from treatment.models.imports import LastImported, SamhsaImport
from treatment.models.inquiries import (
    MESSAGE_MAX_LENGTH,
    Inquiry,
    InquiryEmailChange,
    InquiryQuerySet,
    Recipient,
)
from treatment.models.limits import SubmissionCount
from treatment.models.listings import SuggestedChange, VerificationRequest
from treatment.models.providers import (
    CURRENT_FOR,
    Freshness,
    Provider,
    ProviderQuerySet,
    ProviderServices,
    confirmed_since,
    last_confirmed_on,
    recently_confirmed_since,
)
from treatment.models.reports import (
    ListingReport,
    VisitorReport,
    VisitorReportQuerySet,
)
from treatment.models.taxonomy import SPANISH, Service, ServiceCategory
from treatment.models.versions import (
    PROVIDERS_NAMED,
    DirectoryChange,
    DirectoryVersion,
    directory_changed,
    directory_migrated,
    new_directory_version,
)

__all__ = [
    "CURRENT_FOR",
    "MESSAGE_MAX_LENGTH",
    "PROVIDERS_NAMED",
    "SPANISH",
    "DirectoryChange",
    "DirectoryVersion",
    "Freshness",
    "OpeningHours",
    "Inquiry",
    "InquiryEmailChange",
    "LastImported",
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
    "SuggestedChange",
    "VerificationRequest",
    "VisitorReport",
    "VisitorReportQuerySet",
    "confirmed_since",
    "directory_changed",
    "directory_migrated",
    "last_confirmed_on",
    "new_directory_version",
    "recently_confirmed_since",
    "validate_open_24_7",
]
