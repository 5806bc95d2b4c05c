"""Providers confirm or correct their own listing (issue 15, points 1 to 3):
the request by email, the signed link's pages, staff review, and how current
each listing says it is."""

import re
from datetime import time, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import CommittingClient
from tests.test_opening_hours import (
    FRI,
    MON,
    MONDAY_MORNING,
    MONDAY_NIGHT,
    SAT,
    THU,
    TUE,
    WED,
    add_hours,
    office_hours,
)
from treatment.listings.services import (
    LINK_SALT,
    AlreadyReviewed,
    approve_change,
    ask_to_confirm,
    freshness_summary,
    link_for,
    reject_change,
    send_pending_requests,
)
from treatment.models import (
    DirectoryVersion,
    ListingReport,
    Provider,
    SuggestedChange,
    VerificationRequest,
)
from treatment.phones import normalize_listing_phone

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BROKEN_MAIL = {"default": {"BACKEND": "tests.test_listing_confirmation.BrokenMail"}}
PROVIDERS_ADMIN = "/admin/treatment/provider/"
QUEUE = "/admin/treatment/suggestedchange/"


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.fixture
def clinic(make_provider):
    """A clinic open 8 a.m. to 5 p.m. on weekdays, in Baltimore."""
    return office_hours(
        make_provider(
            name="Harbor Clinic",
            phone="410-555-0100",
            intake_phone="410-555-0199",
            website="https://harbor.example.org",
            hours="Mon-Fri 8-5",
            description="Outpatient care in the harbor.",
            listing_contact_email="listings@harbor.example.org",
            inquiry_email="intake@harbor.example.org",
            accepting_status=Provider.Status.WAITLIST,
            services=["outpatient", "buprenorphine", "medicaid"],
        )
    )


def staff(client, name, group=None, **fields):
    user = User.objects.create_user(name, password="pw", is_staff=True, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.fixture
def editor(client):
    staff(client, "editor", "Directory editors")
    return client


def asked(provider, django_capture_on_commit_callbacks):
    """Ask the provider to confirm; returns the request and its link's path."""
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_confirm([provider])
    request = VerificationRequest.objects.get(provider=provider, used_at=None)
    return request, link_for(request)


@pytest.fixture
def link(clinic, django_capture_on_commit_callbacks):
    return asked(clinic, django_capture_on_commit_callbacks)[1]


@pytest.fixture
def at(monkeypatch):
    """Set the present to an instant."""
    return lambda moment: monkeypatch.setattr(timezone, "now", lambda: moment)


def link_in(message):
    return re.search(r"https://help\.example\.org(/\S+)", message.body)[1]


# The rule: how current a listing is, in one place.


@pytest.mark.parametrize(
    ("confirmed", "verified", "expected"),
    [
        (None, None, ("", None, False)),
        (10, None, ("provider", 10, True)),
        (None, 10, ("staff", 10, True)),
        (10, 30, ("provider", 10, True)),  # the later one
        (30, 10, ("staff", 10, True)),
        (10, 10, ("provider", 10, True)),  # the same day: the provider's word
        (365, None, ("provider", 365, True)),  # 12 months to the day
        (366, 500, ("provider", 366, False)),
        (None, 400, ("staff", 400, False)),
    ],
)
def test_freshness_is_the_later_confirmation_and_lapses_after_12_months(
    confirmed, verified, expected
):
    def day(age):
        return None if age is None else TODAY - timedelta(days=age)

    provider = Provider(confirmed_on=day(confirmed), verified_on=day(verified))
    by, age, current = expected
    assert provider.freshness == (by, day(age), current)


def test_cards_and_provider_pages_say_who_confirmed_and_when(client, make_provider):
    make_provider(name="Confirmed", confirmed_on=TODAY - timedelta(days=3))
    make_provider(name="Checked", verified_on=TODAY - timedelta(days=40))
    make_provider(name="Lapsed", verified_on=TODAY - timedelta(days=400))
    never = make_provider(name="Never")
    html = client.get("/treatment/", {"near": "21201"}).content.decode()
    cards = dict(
        re.findall(r'">([A-Za-z]+)</a></h2>.*?freshness[^>]*>(.*?)</p>', html, re.S)
    )
    short = "%b %-d, %Y"
    assert cards == {
        "Confirmed": "Confirmed by the provider on "
        f"{(TODAY - timedelta(days=3)):{short}}.",
        "Checked": f"Checked by our staff on {(TODAY - timedelta(days=40)):{short}}.",
        "Lapsed": "<strong>Not confirmed since "
        f"{(TODAY - timedelta(days=400)):{short}}: call before you go.</strong>",
        "Never": "<strong>Not yet confirmed: call before you go.</strong>",
    }
    page = client.get(never.get_absolute_url()).content.decode()
    assert "Not yet confirmed: call before you go." in page


# Asking providers: the admin action and the regular reminder.


def test_staff_ask_the_provider_and_the_contact_gets_a_link(
    editor, clinic, make_provider, submit
):
    no_email = make_provider(name="No contact")
    hidden = make_provider(
        name="Hidden", is_published=False, listing_contact_email="h@example.org"
    )
    selected = [clinic.pk, no_email.pk, hidden.pk]
    response = submit(
        PROVIDERS_ADMIN,
        {"action": "ask_to_confirm", "_selected_action": selected},
        client=editor,
        follow=True,
    )
    page = response.content.decode()
    assert "Emailed 1 listing contact(s) a link to confirm their listing." in page
    assert "Skipped 1 listing(s) that have no listing contact email." in page
    assert "Skipped 1 listing(s) that are not published." in page
    [message] = mail.outbox
    assert message.to == ["listings@harbor.example.org"]
    assert "Harbor Clinic" in message.body
    request = VerificationRequest.objects.get()
    assert request.asked_by.username == "editor"
    assert request.notified_at is not None
    assert request.expires_at - request.created_at == timedelta(days=30)
    assert link_in(message) == link_for(request)

    # Asked again at once: skipped, no second email.
    response = submit(
        PROVIDERS_ADMIN,
        {"action": "ask_to_confirm", "_selected_action": [clinic.pk]},
        client=editor,
        follow=True,
    )
    assert "Skipped 1 listing(s) that were asked in the last 30 days." in (
        response.content.decode()
    )
    assert len(mail.outbox) == 1


def test_the_reminder_asks_listings_not_confirmed_in_n_days(
    make_provider, django_capture_on_commit_callbacks
):
    def provider(name, **fields):
        return make_provider(
            name=name, listing_contact_email=f"{name.lower()}@example.org", **fields
        )

    provider("Stale", verified_on=TODAY - timedelta(days=200))
    provider("Never")
    provider("Fresh", confirmed_on=TODAY - timedelta(days=20))
    provider("Checked", verified_on=TODAY - timedelta(days=20))
    make_provider(name="Unreachable")  # no contact email
    provider("Hidden", is_published=False)
    recent = provider("Recent")
    VerificationRequest.objects.create(provider=recent, email="r@example.org")
    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_verification_requests", "--older-than", "180", stdout=output)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "never@example.org",
        "stale@example.org",
    ]
    assert "Asked 2 listing(s) to confirm; skipped 1 without a listing contact " in (
        output.getvalue()
    )
    assert "and 1 asked in the last 30 days." in output.getvalue()


def test_a_failed_email_waits_and_the_retry_sends_it(
    clinic, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = BROKEN_MAIL
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_confirm([clinic])
    request = VerificationRequest.objects.get()
    assert request.notified_at is None
    assert request.last_notify_error == (
        "The mail server could not be reached. The site will try again."
    )
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    output = StringIO()
    call_command("send_pending_notifications", stdout=output)
    assert "Sent 1 pending request(s) to confirm a listing; 0 failed." in (
        output.getvalue()
    )
    assert len(mail.outbox) == 1
    assert send_pending_requests() == (0, 0)  # sent once only


def test_without_the_site_address_the_request_waits_with_a_plain_reason(
    clinic, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_confirm([clinic])
    request = VerificationRequest.objects.get()
    assert not mail.outbox
    assert "web address is not set up yet" in request.last_notify_error
    assert "SITE_URL" not in request.last_notify_error  # no setting names


def test_an_expired_request_is_not_sent_by_the_retry(clinic):
    VerificationRequest.objects.create(
        provider=clinic,
        email="x@example.org",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert send_pending_requests() == (0, 0)
    assert not mail.outbox


# The link's pages.


def test_the_link_shows_the_listing_as_visitors_see_it(client, clinic, link, at):
    at(MONDAY_MORNING)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    for shown in [
        "Harbor Clinic",
        "410-555-0199",
        "Buprenorphine",
        "Medicaid",
        "<td>8 a.m. – 5 p.m.</td>",  # the week
    ]:
        assert shown in html
    assert "Everything is correct" in html
    assert "Suggest changes" in html
    # The same listing details as the public page, from the same template.
    public = client.get(clinic.get_absolute_url()).content.decode()
    details = re.search(r"<h2>Contact and location</h2>.*?</dl>", public, re.S)[0]
    assert details in html


def test_everything_is_correct_confirms_once(client, clinic, link):
    version = DirectoryVersion.current()
    client = CommittingClient()
    response = client.post(link)
    assert response.status_code == 302
    assert response["Referrer-Policy"] == "no-referrer"
    thanks = client.get(response["Location"])
    assert "Your listing is confirmed" in thanks.content.decode()
    clinic.refresh_from_db()
    assert clinic.confirmed_on == TODAY
    assert clinic.freshness == ("provider", TODAY, True)
    request = VerificationRequest.objects.get()
    assert request.outcome == "confirmed" and request.used_at
    assert DirectoryVersion.current() != version  # search shows it at once
    page = client.get(clinic.get_absolute_url()).content.decode()
    assert f"Confirmed by the provider on {TODAY:%B %-d, %Y}." in page

    again = client.post(link)
    assert again.status_code == 410
    assert "This link has been used" in again.content.decode()


def test_the_pages_take_posts_from_a_browser_that_sends_no_referer(clinic, link):
    """With "Referrer-Policy: no-referrer" a browser posts "Origin: null" and
    no Referer; the secret link, not a CSRF token, is what authorizes."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link)
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert "csrftoken" not in page.cookies
    response = browser.post(link, headers={"origin": "null"})
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.confirmed_on == TODAY


def test_broken_links_get_a_clear_page_that_says_how_to_get_a_new_one(
    client, clinic, link
):
    request = VerificationRequest.objects.get()
    forged = signing.dumps([request.pk, "0" * 32], salt=LINK_SALT)
    unsigned = link.replace("/confirm-listing/", "/confirm-listing/x")
    other_salt = signing.dumps([request.pk, request.nonce], salt="elsewhere")
    for path, status in [
        (unsigned, 404),
        (f"/treatment/confirm-listing/{forged}/", 404),
        (f"/treatment/confirm-listing/{other_salt}/", 404),
        ("/treatment/confirm-listing/abc/", 404),
        ("/treatment/confirm-listing/%E2%80%AE%00/", 404),
        ("/treatment/confirm-listing/" + "a:" * 500 + "/", 404),
        (
            "/treatment/confirm-listing/"
            + signing.dumps({"a": 1}, salt=LINK_SALT)
            + "/",
            404,
        ),
        (
            "/treatment/confirm-listing/"
            + signing.dumps([10**30, "x"], salt=LINK_SALT)
            + "/",
            404,
        ),
    ]:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == status, path
            html = response.content.decode()
            assert "This link doesn’t work" in html
            assert 'href="/contact/"' in html
            assert "How to get a new link" in html
            assert response["Referrer-Policy"] == "no-referrer"

    VerificationRequest.objects.update(expires_at=timezone.now())
    for page in (link, link + "changes/"):
        response = client.get(page)
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
        assert 'href="/contact/"' in response.content.decode()


def test_a_link_for_a_listing_taken_down_opens_nothing(client, clinic, link):
    Provider.objects.filter(pk=clinic.pk).update(is_published=False)
    response = client.get(link)
    assert response.status_code == 404
    assert "is not on our site at the moment" in response.content.decode()


# Suggesting changes.


def form_data(client, link, **changes):
    """The suggestion form as the page fills it in, with these changes."""
    form = client.get(link + "changes/").context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    return data | changes


def test_suggested_changes_wait_for_staff(client, clinic, link):
    page = client.get(link + "changes/")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    html = page.content.decode()
    assert "<legend>Medications</legend>" in html
    data = form_data(
        client,
        link,
        phone="(410) 555-0111 ext. 7",
        accepting_status="accepting",
        services_medications=["buprenorphine", "methadone"],
        description="Outpatient care in the harbor.\r\n",  # only the line ending
    )
    response = client.post(link + "changes/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert "We have your changes" in client.get(response["Location"]).content.decode()
    change = SuggestedChange.objects.get()
    assert change.status == "pending"
    assert change.after == {
        "phone": "410-555-0111 ext. 7",
        "accepting_status": "accepting",
        "services": ["buprenorphine", "medicaid", "methadone", "outpatient"],
    }
    assert change.before == {
        "phone": "410-555-0100",
        "accepting_status": "waitlist",
        "services": ["buprenorphine", "medicaid", "outpatient"],
    }
    clinic.refresh_from_db()
    assert clinic.phone == "410-555-0100"  # nothing live yet
    assert clinic.confirmed_on is None
    assert VerificationRequest.objects.get().outcome == "suggested"
    assert client.get(link + "changes/").status_code == 410  # once


def test_suggestions_are_checked_like_staff_forms(client, clinic, link):
    data = form_data(
        client,
        link,
        phone="555-0100",
        intake_phone="(110) 555-0100",
        website="javascript:alert(1)",
        accepting_status="maybe",
        services_medications=["not-a-service"],
    )
    response = client.post(link + "changes/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "phone",
        "intake_phone",
        "website",
        "accepting_status",
        "services_medications",
    }
    assert "Please check these 5 answers" in response.content.decode()
    assert not SuggestedChange.objects.exists()

    unchanged = client.post(link + "changes/", form_data(client, link))
    assert "Nothing here differs from the listing" in unchanged.content.decode()
    assert not SuggestedChange.objects.exists()
    assert VerificationRequest.objects.get().used_at is None  # still usable


def test_the_same_number_written_another_way_is_no_change(client, clinic, link):
    data = form_data(client, link, phone="+1 (410) 555 0100", hours="Mon-Fri  8-5")
    response = client.post(link + "changes/", data)
    assert "Nothing here differs from the listing" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("(410) 555-0123", "410-555-0123"),
        ("410.555.0123 x12", "410-555-0123 ext. 12"),
        ("+1 410 555 0123 ext. 3", "410-555-0123 ext. 3"),
    ],
)
def test_listing_phones_keep_their_extension(typed, kept):
    assert normalize_listing_phone(typed) == kept


@pytest.mark.parametrize(
    "typed", ["555-0123", "410-555-0123 call us", "1 (110) 555-0123"]
)
def test_listing_phones_refuse_what_is_not_a_us_number(typed):
    with pytest.raises(ValidationError):
        normalize_listing_phone(typed)


# Suggesting the week's opening hours.


def times(weekday, number, opens, closes):
    """The form's fields of a day's first (0) or next opening, filled in."""
    name = f"week_{weekday}_{number}_"
    return {name + "opens": opens, name + "closes": closes}


def closed_all_week():
    return {
        name: value
        for weekday in range(7)
        for name, value in times(weekday, 0, "", "").items()
    }


def test_the_form_shows_the_week_to_edit(client, clinic, link):
    add_hours(clinic, (SAT, "09:00", "11:00"), (SAT, "12:00", "14:00"))
    add_hours(clinic, (SAT, "18:00", "20:00"))
    html = client.get(link + "changes/").content.decode()
    week = html[html.index("<h2>Opening hours</h2>") : html.index("<h2>Services</h2>")]
    assert week.count("<fieldset") == 7
    assert "<legend>Monday</legend>" in week
    # Each time a native time input, its label saying the day, prefilled.
    assert (
        '<label for="id_week_0_0_opens"><span class="visually-hidden">Monday: '
        '</span>Opens</label><input type="time" name="week_0_0_opens" value="08:00"'
    ) in week
    assert 'Closes</label><input type="time" name="week_0_0_closes" value="17:00"' in (
        week
    )
    assert "Opens again</label>" in week  # room for a second opening
    assert 'name="week_0_1_opens" value=""' in week
    assert 'name="week_6_0_opens" value=""' in week  # Sunday: closed
    assert 'name="week_5_2_opens" value="18:00"' in week  # all the listing has
    assert '<input type="checkbox" name="open_24_7" id="id_open_24_7">' in week
    assert "Open 24 hours, 7 days a week</label>" in week
    assert "Anything else about your hours (optional)" in week
    assert "Mon-Fri 8-5</textarea>" in week


def test_a_suggested_week_waits_for_staff(client, clinic, link):
    data = form_data(
        client,
        link,
        **times(MON, 1, "18:00", "20:00"),
        **times(FRI, 0, "", ""),
        **times(SAT, 0, "22:00", "02:00"),  # into Sunday
    )
    response = client.post(link + "changes/", data)
    assert response.status_code == 302, response.context["form"].errors
    change = SuggestedChange.objects.get()
    assert change.after == {
        "opening_hours": [
            [MON, "08:00", "17:00"],
            [MON, "18:00", "20:00"],
            [TUE, "08:00", "17:00"],
            [WED, "08:00", "17:00"],
            [THU, "08:00", "17:00"],
            [SAT, "22:00", "02:00"],
        ]
    }
    assert change.before == {
        "opening_hours": [[weekday, "08:00", "17:00"] for weekday in range(5)]
    }
    assert clinic.opening_hours.count() == 5  # nothing live yet


def test_open_24_7_is_suggested_instead_of_the_week(client, clinic, link):
    data = form_data(client, link, open_24_7="on", **closed_all_week())
    assert client.post(link + "changes/", data).status_code == 302
    assert SuggestedChange.objects.get().after == {
        "open_24_7": True,
        "opening_hours": [],
    }


def test_a_week_that_cannot_be_meant_is_refused_with_what_was_typed_kept(
    client, clinic, link
):
    data = form_data(
        client,
        link,
        **times(MON, 0, "08:00", ""),
        **times(TUE, 1, "12:00", "18:00"),  # beside 8 to 5
        **times(WED, 1, "noon", "14:00"),
        **times(SAT, 0, "09:00", "12:00"),
        open_24_7="on",
    )
    response = client.post(link + "changes/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "week_0_0_closes": [
            "Monday: enter both the opening and the closing time, or clear both."
        ],
        "week_1_1_opens": ["Tuesday: these hours overlap other hours that day."],
        "week_2_1_opens": [
            "Wednesday: enter the time as hours and minutes, like 17:30."
        ],
        "open_24_7": [
            "“Open 24 hours, 7 days a week” is ticked, so the weekly hours would "
            "not be used. Remove them, or untick it."
        ],
    }
    html = response.content.decode()
    assert "Please check these 4 answers" in html
    assert '<a href="#id_week_0_0_closes">Monday: enter both' in html
    assert re.search(r'name="week_0_0_closes"[^>]*aria-invalid="true"', html)
    for typed in [
        'name="week_0_0_opens" value="08:00"',
        'name="week_1_1_opens" value="12:00"',
        'name="week_1_1_closes" value="18:00"',
        'name="week_2_1_opens" value="noon"',
        'name="week_5_0_opens" value="09:00"',
    ]:
        assert typed in html
    assert re.search(r'<input type="checkbox" name="open_24_7"[^>]* checked', html)
    assert not SuggestedChange.objects.exists()
    assert VerificationRequest.objects.get().used_at is None  # still usable


def test_the_week_is_asked_in_spanish(client, clinic, link):
    page = "/es" + link + "changes/"
    html = client.get(page).content.decode()
    for spanish in [
        "<h2>Horario</h2>",
        "<legend>Lunes</legend>",
        '<span class="visually-hidden">Lunes: </span>Abre</label>',
        '<span class="visually-hidden">Lunes: </span>Cierra</label>',
        "Vuelve a abrir</label>",
        "Abierto las 24 horas, los 7 días de la semana</label>",
        "Algo más sobre su horario (opcional)",
        "<legend>Medicamentos</legend>",  # the services, by their Spanish names
        "Metadona</label>",
    ]:
        assert spanish in html
    data = form_data(client, link, **times(MON, 0, "08:00", ""))
    refused = client.post(page, data).content.decode()
    assert "Lunes: escriba la hora de apertura y la de cierre, o borre las dos." in (
        refused
    )


# Staff review.


@pytest.fixture
def change(client, clinic, link):
    data = form_data(
        client,
        link,
        website="https://new.harbor.example.org",
        accepting_status="accepting",
        services_medications=["methadone"],
    )
    client.post(link + "changes/", data)
    return SuggestedChange.objects.get()


def test_approving_applies_every_change_in_one_go(
    clinic, change, django_capture_on_commit_callbacks
):
    reviewer = User.objects.create_user("reviewer")
    version = DirectoryVersion.current()
    with django_capture_on_commit_callbacks(execute=True):
        approve_change(change, reviewer=reviewer, note="Called them.")
    clinic.refresh_from_db()
    assert clinic.website == "https://new.harbor.example.org"
    assert clinic.accepting_status == "accepting"
    assert clinic.accepting_status_on == TODAY
    assert sorted(s.slug for s in clinic.services.all()) == [
        "medicaid",
        "methadone",
        "outpatient",
    ]
    assert clinic.confirmed_on == TODAY  # counts as confirmed
    assert DirectoryVersion.current() != version
    change.refresh_from_db()
    assert change.status == "approved" and change.reviewed_by == reviewer
    assert change.before["website"] == "https://harbor.example.org"
    with pytest.raises(AlreadyReviewed):
        reject_change(change, reviewer=reviewer, note="Too late")


def test_a_failed_approval_changes_nothing(clinic, change, monkeypatch):
    SuggestedChange.objects.filter(pk=change.pk).update(
        after=change.after | {"website": "javascript:alert(1)"}
    )
    change.refresh_from_db()
    with pytest.raises(ValidationError):
        approve_change(change, reviewer=None)
    clinic.refresh_from_db()
    assert clinic.accepting_status == "waitlist"
    assert sorted(s.slug for s in clinic.services.all()) == [
        "buprenorphine",
        "medicaid",
        "outpatient",
    ]
    change.refresh_from_db()
    assert change.status == "pending"


def test_rejecting_needs_a_note_and_leaves_the_listing(clinic, change):
    with pytest.raises(ValidationError):
        reject_change(change, reviewer=None, note="  ")
    reject_change(change, reviewer=None, note="Not what their website says.")
    change.refresh_from_db()
    assert change.status == "rejected"
    assert change.review_note == "Not what their website says."
    clinic.refresh_from_db()
    assert clinic.accepting_status == "waitlist" and clinic.confirmed_on is None


def test_editors_review_the_queue_field_by_field(editor, clinic, change):
    ListingReport.objects.create(provider=clinic, reason="wrong_phone", details="Dead")
    queue = editor.get(QUEUE)
    assert [c.pk for c in queue.context["cl"].result_list] == [change.pk]
    html = queue.content.decode()
    assert "Website, New patients, Services" in html
    page = editor.get(f"{QUEUE}{change.pk}/change/").content.decode()
    assert '<th scope="row">Website</th><td>https://harbor.example.org</td>' in page
    assert "<td>https://new.harbor.example.org</td>" in page
    assert "<td>Waitlist</td><td>Accepting new patients</td>" in page
    assert "The phone number is wrong</a>: Dead" in page  # reports beside it
    assert "Approve: change the listing now" in page

    rejected = editor.post(f"{QUEUE}{change.pk}/review/", {"reject": "1"}, follow=True)
    assert "Say why, in a note for the other staff." in rejected.content.decode()
    response = editor.post(
        f"{QUEUE}{change.pk}/review/", {"approve": "1", "review_note": ""}, follow=True
    )
    assert "Approved: Harbor Clinic shows the changes now." in response.content.decode()
    assert [c.pk for c in response.context["cl"].result_list] == []  # queue empty
    clinic.refresh_from_db()
    assert clinic.website == "https://new.harbor.example.org"
    done = editor.get(QUEUE, {"status": "approved"})
    assert [c.pk for c in done.context["cl"].result_list] == [change.pk]
    page = editor.get(f"{QUEUE}{change.pk}/change/").content.decode()
    assert "The listing before" in page
    assert "Approve: change the listing now" not in page


def test_the_provider_page_shows_open_reports_and_changes_together(
    editor, clinic, change
):
    ListingReport.objects.create(provider=clinic, reason="closed_or_moved")
    html = editor.get(f"{PROVIDERS_ADMIN}{clinic.pk}/change/").content.decode()
    assert "It has closed or moved" in html
    assert "Changes suggested by the provider" in html
    assert f"{QUEUE}{change.pk}/change/" in html


def test_who_may_see_and_review(client, clinic, change):
    staff(client, "handler", "Inquiry handlers")
    for url in [
        QUEUE,
        f"{QUEUE}{change.pk}/change/",
        PROVIDERS_ADMIN,
        f"{PROVIDERS_ADMIN}{clinic.pk}/change/",  # the listing contact's email
        f"{PROVIDERS_ADMIN}freshness/",
        "/admin/treatment/verificationrequest/",  # the emails asked
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"{QUEUE}{change.pk}/review/", {"approve": "1"}).status_code == 403
    )
    change.refresh_from_db()
    assert change.status == "pending"
    editor = Client()
    staff(editor, "editor", "Directory editors")
    for url in [
        QUEUE,
        f"{QUEUE}{change.pk}/change/",
        f"{PROVIDERS_ADMIN}freshness/",
        "/admin/treatment/verificationrequest/",
    ]:
        assert editor.get(url).status_code == 200, url
    editors = Group.objects.get(name="Directory editors")
    codes = set(editors.permissions.values_list("codename", flat=True))
    assert {"view_suggestedchange", "change_suggestedchange"} <= codes
    assert "view_verificationrequest" in codes


# Staff review of a suggested week.


@pytest.mark.parametrize(
    ("moment", "changes", "line", "open_before"),
    [
        # 8:30 on a Monday: open since 8, then closed until 9.
        (MONDAY_MORNING, times(MON, 0, "09:00", "17:00"), "opens 9 a.m.", 1),
        # 10 p.m. on a Monday: closed since 5, then open 24/7.
        (MONDAY_NIGHT, {"open_24_7": "on", **closed_all_week()}, "Open 24 hours", 0),
    ],
)
def test_an_approved_week_is_what_search_goes_by_at_once(
    search_client,
    clinic,
    link,
    at,
    django_capture_on_commit_callbacks,
    moment,
    changes,
    line,
    open_before,
):
    at(moment)
    open_now = {"near": "21201", "open_now": "1"}
    assert search_client.get("/treatment/", open_now).context["results"].total == (
        open_before
    )
    search_client.post(link + "changes/", form_data(search_client, link, **changes))
    change = SuggestedChange.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        approve_change(change, reviewer=None)
    results = search_client.get("/treatment/", open_now).context["results"]
    assert results.total == 1 - open_before
    assert line in search_client.get("/treatment/", {"near": "21201"}).content.decode()
    clinic.refresh_from_db()
    week = [(h.weekday, h.opens, h.closes) for h in clinic.opening_hours.all()]
    if clinic.open_24_7:
        assert week == []
    else:
        assert week[0] == (MON, time(9), time(17)) and len(week) == 5
    change.refresh_from_db()
    assert change.before["opening_hours"] == [[d, "08:00", "17:00"] for d in range(5)]


def test_a_rejected_week_changes_nothing(client, clinic, link):
    data = form_data(client, link, open_24_7="on", **closed_all_week())
    client.post(link + "changes/", data)
    reject_change(SuggestedChange.objects.get(), reviewer=None, note="Not 24/7.")
    clinic.refresh_from_db()
    assert not clinic.open_24_7
    assert clinic.opening_hours.count() == 5


def test_staff_read_the_week_as_listed_and_as_suggested(editor, clinic, link):
    data = form_data(
        editor, link, **times(MON, 1, "18:00", "20:00"), **times(FRI, 0, "", "")
    )
    editor.post(link + "changes/", data)
    change = SuggestedChange.objects.get()
    assert "Weekly hours" in editor.get(QUEUE).content.decode()
    page = editor.get(f"{QUEUE}{change.pk}/change/").content.decode()
    office = "8 a.m. – 5 p.m."
    listed = (
        f"Monday: {office}<br>Tuesday: {office}<br>Wednesday: {office}<br>"
        f"Thursday: {office}<br>Friday: {office}<br>Saturday: Closed<br>"
        "Sunday: Closed"
    )
    suggested = (
        f"Monday: {office}, 6 p.m. – 8 p.m.<br>Tuesday: {office}<br>"
        f"Wednesday: {office}<br>Thursday: {office}<br>Friday: Closed<br>"
        "Saturday: Closed<br>Sunday: Closed"
    )
    assert (
        f'<th scope="row">Weekly hours</th><td>{listed}</td><td>{suggested}</td>'
    ) in page
    editor.post(f"{QUEUE}{change.pk}/review/", {"approve": "1"})
    assert [h.weekday for h in clinic.opening_hours.all()] == [MON, MON, TUE, WED, THU]
    page = editor.get(f"{QUEUE}{change.pk}/change/").content.decode()
    assert f"<td>{listed}</td><td>{suggested}</td>" in page  # as it was before


def test_approval_refuses_a_week_beside_open_24_7_ticked_since(client, clinic, link):
    client.post(
        link + "changes/", form_data(client, link, **times(SAT, 0, "9:00", "12:00"))
    )
    change = SuggestedChange.objects.get()
    clinic.opening_hours.all().delete()
    Provider.objects.filter(pk=clinic.pk).update(open_24_7=True)  # by staff
    with pytest.raises(ValidationError, match="the weekly hours would not be used"):
        approve_change(change, reviewer=None)
    assert not clinic.opening_hours.exists()
    change.refresh_from_db()
    assert change.status == "pending"


def test_a_change_sent_before_the_week_could_be_suggested_still_reviews(editor, clinic):
    change = SuggestedChange.objects.create(
        provider=clinic, before={"hours": "Mon-Fri 8-5"}, after={"hours": "8 to 6"}
    )
    page = editor.get(f"{QUEUE}{change.pk}/change/").content.decode()
    assert '<th scope="row">Hours note</th><td>Mon-Fri 8-5</td><td>8 to 6</td>' in page
    assert "Weekly hours" not in page
    editor.post(f"{QUEUE}{change.pk}/review/", {"approve": "1"})
    clinic.refresh_from_db()
    assert clinic.hours == "8 to 6"
    assert clinic.opening_hours.count() == 5 and not clinic.open_24_7
    change.refresh_from_db()
    assert change.status == "approved"
    assert change.before == {"hours": "Mon-Fri 8-5"}


# Staff screens: filters and the freshness summary.


def test_filters_for_stale_listings_and_what_waits_for_review(
    editor, make_provider, clinic, change
):
    make_provider(name="Recent", confirmed_on=TODAY - timedelta(days=30))
    make_provider(name="Middle", verified_on=TODAY - timedelta(days=250))
    make_provider(name="Old", verified_on=TODAY - timedelta(days=500))
    reported = make_provider(name="Reported")
    ListingReport.objects.create(provider=reported, reason="other")

    def listed(**params):
        response = editor.get(PROVIDERS_ADMIN, params)
        return {p.name for p in response.context["cl"].result_list}

    assert listed(confirmed="recent") == {"Recent"}
    assert listed(confirmed="current") == {"Middle"}
    assert listed(confirmed="stale") == {"Old"}
    assert listed(confirmed="never") == {"Harbor Clinic", "Reported"}
    assert listed(confirmed="older") == {"Middle", "Old", "Harbor Clinic", "Reported"}
    assert listed(reports="open") == {"Reported"}
    assert listed(reports="changes") == {"Harbor Clinic"}
    assert listed(reports="either") == {"Reported", "Harbor Clinic"}


def test_the_freshness_summary_counts_what_staff_need(
    editor, make_provider, clinic, change
):
    make_provider(name="Recent", confirmed_on=TODAY - timedelta(days=30))
    make_provider(name="Old", verified_on=TODAY - timedelta(days=500))
    ListingReport.objects.create(provider=clinic, reason="other")
    VerificationRequest.objects.create(provider=clinic, email="a@example.org")
    summary = freshness_summary()
    assert summary["bands"] == [
        ("recent", "In the last 6 months", 1),
        ("current", "6 to 12 months ago", 0),
        ("stale", "Over 12 months ago", 1),
        ("never", "Never", 1),
    ]
    assert summary["pending_changes"] == 1
    assert summary["open_reports"] == 1
    assert summary["requests"] == {
        "sent": 1,  # the link used for the change
        "not_emailed": 1,
        "answered": 1,
        "waiting": 1,
        "expired": 0,
    }
    changelist = editor.get(PROVIDERS_ADMIN).content.decode()
    assert 'href="/admin/treatment/provider/freshness/"' in changelist
    page = editor.get(f"{PROVIDERS_ADMIN}freshness/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "How current the listings are" in html
    assert "send_verification_requests" not in html  # no command names


def test_the_providers_list_reads_what_waits_for_review_in_its_own_query(
    editor, make_provider
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor.get(PROVIDERS_ADMIN).status_code == 200
        return len(captured)

    make_provider()
    one = queries()
    for _ in range(5):
        provider = make_provider()
        ListingReport.objects.create(provider=provider, reason="other")
        SuggestedChange.objects.create(provider=provider, after={"hours": "x"})
    assert queries() == one


# Search: "Confirmed in the last 6 months".


def test_search_filter_confirmed_in_the_last_6_months(search_client, make_provider):
    make_provider(name="Confirmed", confirmed_on=TODAY - timedelta(days=10))
    make_provider(name="Checked", verified_on=TODAY - timedelta(days=100))
    make_provider(name="Older", confirmed_on=TODAY - timedelta(days=200))
    make_provider(name="Never")
    response = search_client.get("/treatment/", {"near": "21201"})
    assert response.context["results"].confirmed_count == 2
    assert 'Confirmed in the last 6 months <span class="count">(2)</span>' in (
        response.content.decode()
    )
    response = search_client.get(
        "/treatment/", {"near": "21201", "confirmed": "recent"}
    )
    results = response.context["results"]
    assert results.total == 2
    assert [chip.label for chip in results.chips] == ["Confirmed in the last 6 months"]
    assert "confirmed=recent" not in results.chips[0].query
    html = response.content.decode()
    assert 'id="id_confirmed" value="recent" checked' in html

    bad = search_client.get("/treatment/", {"near": "21201", "confirmed": "yesterday"})
    assert bad.status_code == 200
    assert bad.context["results"].total == 4
    assert "so we left that filter out" in bad.content.decode()


def test_most_recently_confirmed_first_by_either_date(search_client, make_provider):
    make_provider(name="Checked last week", verified_on=TODAY - timedelta(days=7))
    make_provider(
        name="Confirmed yesterday",
        confirmed_on=TODAY - timedelta(days=1),
        verified_on=TODAY - timedelta(days=300),
    )
    make_provider(name="Never")
    make_provider(name="Confirmed long ago", confirmed_on=TODAY - timedelta(days=90))
    response = search_client.get("/treatment/", {"sort": "verified"})
    cards = re.findall(
        r'<h2><a href="[^"]+">([^<]+)</a></h2>', response.content.decode()
    )
    assert cards == [
        "Confirmed yesterday",
        "Checked last week",
        "Confirmed long ago",
        "Never",
    ]
