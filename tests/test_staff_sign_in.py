"""Staff sign-in: lockout after wrong passwords, a second step for those who
can read inquiries, and sessions that end after 8 idle hours."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
INBOX = "/admin/treatment/inquiry/"
PASSWORD = "a-long-staff-password"


def member(username, group=None, **fields):
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def sign_in(client, username, password=PASSWORD, address="192.0.2.10", next="/admin/"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": next},
        REMOTE_ADDR=address,
    )


def code_for(user, seconds_from_now=0):
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + seconds_from_now
    return f"{totp.token():06d}"


def is_locked_out(response):
    return response.status_code == 429 and "Signing in is paused" in (
        response.content.decode()
    )


# Lockout


def test_an_account_is_locked_after_five_wrong_passwords_from_anywhere(client):
    member("editor", "Directory editors")
    for number in range(4):
        response = sign_in(client, "editor", "wrong", address=f"192.0.2.{number}")
        assert response.status_code == 200  # the form again, with its message
    assert is_locked_out(sign_in(client, "editor", "wrong", address="192.0.2.9"))
    locked = sign_in(Client(), "editor", address="198.51.100.7")  # right password
    assert is_locked_out(locked)
    html = locked.content.decode()
    assert "after 5 wrong passwords" in html and "try again in an hour" in html

    member("other", "Directory editors")
    assert sign_in(Client(), "other", address="198.51.100.8").status_code == 302


def test_an_address_is_locked_after_five_wrong_passwords_for_any_accounts(client):
    member("editor", "Directory editors")
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong", address="203.0.113.5")
    assert is_locked_out(sign_in(Client(), "editor", address="203.0.113.5"))
    assert sign_in(Client(), "editor", address="203.0.113.6").status_code == 302


def test_an_ipv6_client_is_locked_out_per_64_network(client):
    member("editor", "Directory editors")
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong", address=f"2001:db8:5:5::{number}")
    other_address = "2001:db8:5:5:abcd::1"
    assert is_locked_out(sign_in(Client(), "editor", address=other_address))
    assert sign_in(Client(), "editor", address="2001:db8:5:6::1").status_code == 302


def test_a_good_sign_in_clears_the_count(client):
    member("editor", "Directory editors")
    for _attempt in range(4):
        sign_in(client, "editor", "wrong")
    assert sign_in(Client(), "editor").status_code == 302
    for _attempt in range(4):
        sign_in(client, "editor", "wrong")
    assert sign_in(Client(), "editor").status_code == 302


def test_the_lockout_ends_after_an_hour(client):
    from axes.models import AccessAttempt

    member("editor", "Directory editors")
    for _attempt in range(5):
        sign_in(client, "editor", "wrong")
    assert is_locked_out(sign_in(Client(), "editor"))
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(hours=1)
    )
    assert sign_in(Client(), "editor").status_code == 302


def test_a_superuser_can_unlock_an_account_early(client, admin_client):
    member("editor", "Directory editors")
    for _attempt in range(5):
        sign_in(client, "editor", "wrong")
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "editor" in listing.content.decode()
    from axes.models import AccessAttempt

    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert sign_in(Client(), "editor").status_code == 302


# Two-step sign-in


def test_a_handler_sets_up_the_app_then_reads_inquiries(client):
    handler = member("handler", "Inquiry handlers")
    response = sign_in(client, "handler", next=INBOX)
    assert response.status_code == 302
    assert (
        client.get(INBOX).url
        == "/admin/two-factor/?next=%2Fadmin%2Ftreatment%2Finquiry%2F"
    )
    setup = client.get(client.get(INBOX).url, follow=True)
    html = setup.content.decode()
    assert setup.redirect_chain[-1][0].startswith("/admin/two-factor/setup/")
    assert "Set up two-step sign-in" in html
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" width="200"', html)
    device = TOTPDevice.objects.get(user=handler, confirmed=False)
    secret = " ".join(re.findall(r"<code>([A-Z2-7 ]+)</code>", html))
    assert secret.replace(" ", "") and len(secret.replace(" ", "")) == 32
    assert not re.search(r'(src|href)="https?://', html)  # nothing from elsewhere

    setup_url = setup.redirect_chain[-1][0]
    wrong = client.post(setup_url, {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    too_soon = client.post(setup_url, {"code": code_for(handler)})
    assert "Too many wrong codes in a row" in too_soon.content.decode()
    # Each wrong code makes the next wait longer (1 s, 2 s, 4 s...): skip it.
    TOTPDevice.objects.update(throttling_failure_timestamp=None)
    done = client.post(setup_url, {"code": code_for(handler)})
    assert done.status_code == 302 and done.url == INBOX
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(INBOX).status_code == 200

    # Next time: the code, without setting up again.
    later = Client()
    sign_in(later, "handler", next=INBOX)
    ask = later.get(INBOX, follow=True)
    assert "Enter your sign-in code" in ask.content.decode()
    code_page = ask.redirect_chain[-1][0]
    assert later.post(code_page, {"code": code_for(handler, 30)}).url == INBOX
    assert later.get(INBOX).status_code == 200


def test_nothing_in_admin_opens_before_the_code(client, make_provider):
    member("handler", "Inquiry handlers")
    sign_in(client, "handler")
    for url in ["/admin/", INBOX, "/admin/treatment/inquiry/1/change/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(
            "/admin/two-factor/"
        ), url
    response = client.post(INBOX, {"action": "mark_handled"})
    assert response.status_code == 302 and response.url == "/admin/two-factor/"
    assert client.post("/admin/logout/").status_code == 200  # signing out works


def test_editors_need_no_second_step(client):
    member("editor", "Directory editors")
    sign_in(client, "editor")
    assert client.get("/admin/treatment/provider/").status_code == 200
    assert TOTPDevice.objects.count() == 0


def test_superusers_need_it_too(client):
    member("boss", is_superuser=True)
    sign_in(client, "boss")
    assert client.get("/admin/").url.startswith("/admin/two-factor/")


def test_a_superuser_resets_a_lost_phone(client, admin_client):
    handler = member("handler", "Inquiry handlers")
    TOTPDevice.objects.create(user=handler, name="Old phone", confirmed=True)
    users = admin_client.get("/admin/auth/user/").content.decode()
    assert "Two-step sign-in set up" in users
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "reset_two_step_sign_in", "_selected_action": [handler.pk]},
        follow=True,
    )
    assert "Reset two-step sign-in for 1 account(s)." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=handler).exists()
    sign_in(client, "handler")
    setup = client.get("/admin/", follow=True)
    assert "Set up two-step sign-in" in setup.content.decode()


def test_the_code_page_sends_only_to_this_site(client):
    handler = member("handler", "Inquiry handlers")
    TOTPDevice.objects.create(user=handler, name="Phone", confirmed=True)
    sign_in(client, "handler")
    response = client.post(
        "/admin/two-factor/?next=https://evil.example/", {"code": code_for(handler)}
    )
    assert response.url == "/admin/"


def test_devices_and_their_secrets_are_not_in_admin(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404


# Sessions


def test_a_session_ends_after_8_idle_hours_and_each_request_moves_the_end_on(
    client,
):
    member("editor", "Directory editors")
    sign_in(client, "editor")
    response = client.get("/admin/treatment/provider/")
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 8 * 60 * 60
    assert client.session.get_expiry_age() == 8 * 60 * 60
