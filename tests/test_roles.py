"""Who on the staff can reach what: only inquiry handlers may read inquiries."""

import pytest
from django.contrib.auth.models import Group, User

from treatment.models import Inquiry, ListingReport

pytestmark = pytest.mark.django_db

MESSAGE = "Private: I have been using for ten years and want to stop."


@pytest.fixture
def inquiry(make_provider):
    return Inquiry.objects.create(
        provider=make_provider(
            name="Harbor Clinic",
            phone="410-555-0100",
            intake_phone="410-555-0199",
            inquiry_email="intake@harbor.example.org",
        ),
        recipient_name="Harbor Clinic",
        recipient_email="intake@harbor.example.org",
        who_needs_help="me",
        name="Sam",
        email="sam@example.org",
        phone="410-555-0123",
        preferred_contact="text",
        message=MESSAGE,
        consent_statement="I agree that Harbor Clinic will receive my message.",
        fingerprint="x",
    )


@pytest.fixture
def report(make_provider):
    return ListingReport.objects.create(provider=make_provider(), reason="other")


def staff_member(client, username, group=None):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def inquiry_urls(inquiry):
    return {
        "changelist": "/admin/treatment/inquiry/",
        "change": f"/admin/treatment/inquiry/{inquiry.pk}/change/",
        "delete": f"/admin/treatment/inquiry/{inquiry.pk}/delete/",
        "add": "/admin/treatment/inquiry/add/",
    }


DIRECTORY_URLS = [
    "/admin/treatment/provider/",
    "/admin/treatment/provider/add/",
    "/admin/treatment/service/",
    "/admin/treatment/servicecategory/",
    "/admin/treatment/listingreport/",
]


def test_the_two_staff_groups_exist_with_their_permissions():
    def codenames(name):
        group = Group.objects.get(name=name)
        return set(group.permissions.values_list("codename", flat=True))

    assert codenames("Inquiry handlers") == {
        "view_inquiry",
        "change_inquiry",
        "view_inquiryemailchange",
    }
    editors = codenames("Directory editors")
    assert not any(code.endswith("_inquiry") for code in editors)
    for model in (
        "provider",
        "openinghours",
        "service",
        "servicecategory",
        "listingreport",
    ):
        for action in ("add", "change", "view", "delete"):
            assert f"{action}_{model}" in editors


def test_inquiry_handler_reads_inquiries_and_nothing_else(client, inquiry, report):
    staff_member(client, "handler", "Inquiry handlers")
    index = client.get("/admin/").content.decode()
    assert "Inquiries" in index and "Providers" not in index

    urls = inquiry_urls(inquiry)
    changelist = client.get(urls["changelist"]).content.decode()
    assert "Harbor Clinic" in changelist
    change = client.get(urls["change"]).content.decode()
    assert MESSAGE in change
    assert 'name="status"' in change and 'name="handler_notes"' in change
    assert 'name="message"' not in change and 'name="email"' not in change
    assert client.get(urls["add"]).status_code == 403
    assert client.get(urls["delete"]).status_code == 403
    for url in DIRECTORY_URLS:
        assert client.get(url).status_code == 403, url


def test_inquiry_handler_updates_status_and_notes_but_not_what_was_sent(
    client, inquiry
):
    staff_member(client, "handler", "Inquiry handlers")
    response = client.post(
        inquiry_urls(inquiry)["change"],
        {
            "status": "in_progress",
            "handler_notes": "Called back, left a voicemail.",
            "message": "changed",
            "email": "changed@example.org",
        },
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "in_progress"
    assert inquiry.handler_notes == "Called back, left a voicemail."
    assert inquiry.message == MESSAGE and inquiry.email == "sam@example.org"


def test_directory_editor_runs_the_directory_but_cannot_see_inquiries(
    client, inquiry, report
):
    staff_member(client, "editor", "Directory editors")
    index = client.get("/admin/").content.decode()
    assert "Providers" in index and "Listing reports" in index
    assert "Inquiries" not in index
    for url in DIRECTORY_URLS:
        assert client.get(url).status_code == 200, url
    assert (
        client.get(f"/admin/treatment/listingreport/{report.pk}/change/").status_code
        == 200
    )
    for url in inquiry_urls(inquiry).values():
        response = client.get(url)
        assert response.status_code == 403, url
        assert MESSAGE not in response.content.decode()


def test_staff_without_a_group_reach_nothing(client, inquiry, report):
    staff_member(client, "newcomer")
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "permission to view or edit anything" in index.content.decode()
    for url in [*inquiry_urls(inquiry).values(), *DIRECTORY_URLS]:
        assert client.get(url).status_code == 403, url


def test_visitors_are_sent_to_the_login_page(client, inquiry):
    response = client.get(inquiry_urls(inquiry)["change"])
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_inbox_filters_and_search(client, inquiry, make_provider):
    staff_member(client, "handler", "Inquiry handlers")
    unsent = Inquiry.objects.create(
        provider=make_provider(name="Virginia Clinic", state="VA"),
        recipient_name="Opioid Help staff",
        who_needs_help="someone_else",
        phone="703-555-0100",
        message="For my brother.",
        consent_statement="I agree.",
        fingerprint="y",
        status=Inquiry.Status.IN_PROGRESS,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(notified_at="2026-01-01T00:00Z")

    def listed(params):
        response = client.get("/admin/treatment/inquiry/", params)
        return set(response.context["cl"].result_list)

    assert listed({"status__exact": "in_progress"}) == {unsent}
    assert listed({"notified": "no"}) == {unsent}
    assert listed({"notified": "yes"}) == {inquiry}
    assert listed({"provider__state": "VA"}) == {unsent}
    assert listed({"q": "brother"}) == {unsent}
    html = client.get("/admin/treatment/inquiry/").content.decode()
    assert "Not sent yet" in html
