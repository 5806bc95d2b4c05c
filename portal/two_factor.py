"""Two-step sign-in for the staff who can read inquiries.

After their password, staff who can read inquiries give a six-digit code from
an authenticator app (TOTP, through django-otp). The first time, they set the
app up on a page that shows a QR code and the secret it holds, drawn here by
segno, so nothing is fetched from elsewhere. A superuser resets a lost phone
with the "Reset two-step sign-in" action on the user list; the member then
sets up the app again at their next sign-in.
"""

import base64

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# Pages a signed-in member who still owes a code may open.
OPEN_BEFORE_CODE = {"two-factor", "two-factor-setup", "logout"}


def needs_second_factor(user) -> bool:
    return (
        user.is_authenticated
        and user.is_staff
        and (user.has_perm("treatment.view_inquiry"))
    )


class SecondFactorMiddleware:
    """Send staff who can read inquiries to the code page until they give a
    code in this session. Comes after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            not request.path.startswith(reverse("admin:index"))
            or match.url_name in OPEN_BEFORE_CODE
            or not needs_second_factor(request.user)
            or request.user.is_verified()
        ):
            return None
        if request.method != "GET":
            return redirect("two-factor")
        return redirect(
            f"{reverse('two-factor')}?{urlencode({'next': request.get_full_path()})}"
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
            }
        ),
        error_messages={
            "required": "Type the 6-digit code your app shows now.",
            "min_length": "The code has 6 digits.",
            "max_length": "The code has 6 digits.",
        },
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Too many wrong codes in a row. Wait a few seconds, then type "
                "the code your app shows at that moment."
            )
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                "That code is not right. Type the code your app shows now; it "
                "changes every 30 seconds."
            )
        return code


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@never_cache
@staff_member_required
def two_factor(request):
    """Ask for the code of a member's authenticator app."""
    if not needs_second_factor(request.user) or request.user.is_verified():
        return redirect(next_page(request))
    device = confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two-factor-setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None, device=device)
    if form.is_valid():
        otp_login(request, device)
        return redirect(next_page(request))
    context = admin.site.each_context(request) | {
        "title": "Enter your sign-in code",
        "form": form,
    }
    return render(request, "admin/two_factor.html", context)


@never_cache
@staff_member_required
def two_factor_setup(request):
    """Set up an authenticator app: a QR code and its secret, then a code."""
    if not needs_second_factor(request.user) or confirmed_device(request.user):
        return redirect(f"{reverse('two-factor')}?{request.GET.urlencode()}")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None, device=device)
    if form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(
            request,
            "Two-step sign-in is set up. From now on, you give a code from "
            "your app each time you sign in.",
        )
        return redirect(next_page(request))
    secret = base64.b32encode(device.bin_key).decode()
    context = admin.site.each_context(request) | {
        "title": "Set up two-step sign-in",
        "form": form,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "admin/two_factor_setup.html", context)


def next_page(request):
    """Where the member was going, if it is a page of this site."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")
