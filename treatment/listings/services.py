"""Providers confirming their listing: the requests we email, the link they
follow, and what they answer, which staff review before anything goes live."""

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from treatment.models import (
    CURRENT_FOR,
    ListingReport,
    OpeningHours,
    Provider,
    Service,
    SuggestedChange,
    VerificationRequest,
    confirmed_since,
    recently_confirmed_since,
    validate_open_24_7,
)
from treatment.models.listings import REQUEST_VALID_FOR
from treatment.outbox import NotSetUp, send_all_pending, send_stored

LINK_SALT = "treatment.listings.confirm"
# A listing asked in this long is not asked again by the regular reminder
# nor by staff: its link still works.
RECENTLY_ASKED = REQUEST_VALID_FOR
NO_SITE_ADDRESS = (
    "The site's web address is not set up yet, so the link in this email "
    "can't be written. Ask the site's administrator to set it; the request "
    "is kept and goes out once it is."
)


# Asking.


@dataclass
class Asked:
    """What asking a set of listings did."""

    sent: int = 0
    no_contact_email: int = 0
    recently_asked: int = 0
    unpublished: int = 0


def ask_to_confirm(providers, *, asked_by=None) -> Asked:
    """Email each published listing's contact a link to confirm or correct
    it, once the transaction commits. Listings without a contact email,
    unpublished ones and those asked in the last RECENTLY_ASKED are skipped."""
    asked = Asked()
    now = timezone.now()
    with transaction.atomic():
        providers = list(providers)
        recently = set(
            VerificationRequest.objects.filter(
                provider__in=providers, created_at__gte=now - RECENTLY_ASKED
            ).values_list("provider_id", flat=True)
        )
        for provider in providers:
            if not provider.is_published:
                asked.unpublished += 1
            elif not provider.listing_contact_email:
                asked.no_contact_email += 1
            elif provider.pk in recently:
                asked.recently_asked += 1
            else:
                request = VerificationRequest.objects.create(
                    provider=provider,
                    email=provider.listing_contact_email,
                    asked_by=asked_by,
                )
                transaction.on_commit(
                    partial(send_verification_request.enqueue, request.pk),
                    robust=True,
                )
                asked.sent += 1
    return asked


def not_confirmed_for(days: int):
    """Published listings neither confirmed by their provider nor checked by
    our staff in the last `days` days (or ever)."""
    since = timezone.localdate() - timedelta(days=days)
    confirmed = Provider.objects.confirmed_since(since).values("pk")
    return Provider.objects.published().exclude(pk__in=confirmed)


@task
def send_verification_request(request_id: int) -> bool | None:
    return send_request(request_id)


def send_request(request_id: int) -> bool | None:
    """Email one stored request (see treatment.outbox.send_stored)."""
    return send_stored(VerificationRequest, request_id, request_email)


def send_pending_requests() -> tuple[int, int]:
    """Retry every request whose email has not gone out: (sent, failed)."""
    return send_all_pending(VerificationRequest, send_request)


def link_token(request: VerificationRequest) -> str:
    """The request's id and nonce, signed: what its link carries."""
    return signing.dumps([request.pk, request.nonce], salt=LINK_SALT)


def link_for(request: VerificationRequest) -> str:
    """The path of the page the request's link opens."""
    return reverse("treatment:confirm-listing", args=[link_token(request)])


def request_email(request: VerificationRequest) -> EmailMessage:
    if not settings.SITE_URL:
        raise NotSetUp(NO_SITE_ADDRESS)
    provider = request.provider
    body = render_to_string(
        "treatment/email/confirm_listing.txt",
        {
            "provider": provider,
            "request": request,
            "link": settings.SITE_URL.rstrip("/") + link_for(request),
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    return EmailMessage(
        subject=f"Please check your listing on {settings.SITE_NAME}",
        body=body,
        to=[request.email],
    )


# Following the link.


class LinkProblem(Enum):
    """Why a link opens no listing; the page says which, and what to do."""

    UNKNOWN = "unknown"  # altered, cut short, or never ours
    EXPIRED = "expired"
    USED = "used"
    UNPUBLISHED = "unpublished"


class LinkError(Exception):
    def __init__(self, problem: LinkProblem):
        super().__init__(problem.value)
        self.problem = problem


def request_for_link(token: str) -> VerificationRequest:
    """The request a link stands for, while it works; LinkError otherwise."""
    try:
        pk, nonce = signing.loads(token, salt=LINK_SALT)
        request = VerificationRequest.objects.select_related("provider").get(
            pk=int(pk), nonce=str(nonce)
        )
    except (signing.BadSignature, ValueError, TypeError, OverflowError):
        raise LinkError(LinkProblem.UNKNOWN) from None
    except VerificationRequest.DoesNotExist:
        raise LinkError(LinkProblem.UNKNOWN) from None
    if request.used_at:
        raise LinkError(LinkProblem.USED)
    if request.expires_at <= timezone.now():
        raise LinkError(LinkProblem.EXPIRED)
    if not request.provider.is_published:
        raise LinkError(LinkProblem.UNPUBLISHED)
    return request


def use(request: VerificationRequest, outcome: str) -> None:
    """Mark the request answered, in one UPDATE, so that of two answers sent
    at once only the first counts; LinkError(USED) for the other."""
    now = timezone.now()
    answered = (
        VerificationRequest.objects.still_open(now)
        .filter(pk=request.pk)
        .update(used_at=now, outcome=outcome)
    )
    if not answered:
        raise LinkError(LinkProblem.USED)


def confirm_listing(request: VerificationRequest) -> Provider:
    """The provider says the listing is right: record it, and the day."""
    with transaction.atomic():
        use(request, VerificationRequest.Outcome.CONFIRMED)
        provider = request.provider
        provider.confirmed_on = timezone.localdate()
        provider.save(update_fields=["confirmed_on", "updated_at"])
    return provider


def suggest_changes(request: VerificationRequest, values: dict) -> SuggestedChange:
    """Store the provider's changed values (those of SuggestedChange.FIELDS
    that differ from the listing) for staff review; nothing goes live."""
    provider = request.provider
    before = SuggestedChange.values_of(provider)
    after = {name: value for name, value in values.items() if value != before[name]}
    if not after:
        raise ValidationError("Nothing was changed.", code="unchanged")
    with transaction.atomic():
        use(request, VerificationRequest.Outcome.SUGGESTED)
        return SuggestedChange.objects.create(
            provider=provider,
            request=request,
            before={name: before[name] for name in after},
            after=after,
        )


# Staff review.


class AlreadyReviewed(Exception):
    pass


def approve_change(change: SuggestedChange, *, reviewer, note: str = "") -> Provider:
    """Apply the suggested values in one transaction: the listing changes (and
    with it the directory's version) and counts as confirmed on the day the
    provider sent them; a suggested week replaces the listing's opening
    hours. `before` becomes the values they replaced."""
    with transaction.atomic():
        change = reviewable(change)
        provider = Provider.objects.select_for_update().get(pk=change.provider_id)
        current = SuggestedChange.values_of(provider)
        sent_on = timezone.localdate(change.created_at)
        for name, value in change.changed():
            if name == "services":
                provider.services.set(Service.objects.filter(slug__in=value))
            elif name == "opening_hours":
                replace_opening_hours(provider, SuggestedChange.week(value))
            else:
                setattr(provider, name, value)
        if "accepting_status" in change.after:
            provider.accepting_status_on = sent_on
        provider.confirmed_on = max(filter(None, [provider.confirmed_on, sent_on]))
        # Validated by the provider's form already; checked again as the
        # model has it, leaving out the fields not changed, and the week as
        # it now is (staff may have changed it since).
        provider.clean_fields(
            exclude=[
                f.name for f in Provider._meta.fields if f.name not in change.after
            ]
        )
        validate_open_24_7(
            provider.open_24_7,
            change.after.get("opening_hours", current["opening_hours"]),
        )
        provider.save()
        change.before = {name: current[name] for name in change.after}
        finish_review(change, SuggestedChange.Status.APPROVED, reviewer, note)
    return provider


def replace_opening_hours(provider, intervals):
    """The provider's opening hours become these (weekday, opens, closes)."""
    provider.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(provider=provider, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in intervals
    )


def reject_change(change: SuggestedChange, *, reviewer, note: str) -> None:
    if not note.strip():
        raise ValidationError("Say why, in a note for the other staff.")
    with transaction.atomic():
        finish_review(
            reviewable(change), SuggestedChange.Status.REJECTED, reviewer, note
        )


def reviewable(change: SuggestedChange) -> SuggestedChange:
    """The change, locked, while it waits for review; AlreadyReviewed when
    another member of staff got there first."""
    change = SuggestedChange.objects.select_for_update().get(pk=change.pk)
    if change.status != SuggestedChange.Status.PENDING:
        raise AlreadyReviewed
    return change


def finish_review(change, status, reviewer, note):
    change.status = status
    change.reviewed_by = reviewer
    change.reviewed_at = timezone.now()
    change.review_note = note
    change.save()


# How current the listings are, for staff.


def age_bands(today) -> list[tuple[str, str, Q]]:
    """[(key, label, condition)]: each listing falls in exactly one band by
    the later of its provider's confirmation and our staff's check."""
    recent = confirmed_since(recently_confirmed_since(today))
    current = confirmed_since(today - CURRENT_FOR)
    dated = Q(confirmed_on__isnull=False) | Q(verified_on__isnull=False)
    return [
        ("recent", "In the last 6 months", recent),
        ("current", "6 to 12 months ago", current & ~recent),
        ("stale", "Over 12 months ago", dated & ~current),
        ("never", "Never", ~dated),
    ]


def freshness_summary(today=None) -> dict:
    """What the staff's freshness page shows, in five queries."""
    today = today or timezone.localdate()
    now = timezone.now()
    bands = age_bands(today)
    published = Provider.objects.published()
    counts = published.aggregate(
        **{key: Count("pk", filter=condition) for key, _, condition in bands}
    )
    year_ago = now - timedelta(days=365)
    requests = VerificationRequest.objects.filter(created_at__gte=year_ago)
    asked = requests.aggregate(
        sent=Count("pk", filter=Q(notified_at__isnull=False)),
        not_emailed=Count("pk", filter=Q(notified_at__isnull=True)),
        answered=Count("pk", filter=Q(used_at__isnull=False)),
        waiting=Count("pk", filter=Q(used_at__isnull=True, expires_at__gt=now)),
        expired=Count("pk", filter=Q(used_at__isnull=True, expires_at__lte=now)),
    )
    return {
        "bands": [(key, label, counts[key]) for key, label, _ in bands],
        "published": sum(counts.values()),
        "open_reports": ListingReport.objects.open().count(),
        "listings_with_open_reports": published.filter(
            reports__status=ListingReport.Status.OPEN
        )
        .distinct()
        .count(),
        "pending_changes": SuggestedChange.objects.pending().count(),
        "requests": asked,
        "no_contact_email": published.filter(listing_contact_email="").count(),
    }
