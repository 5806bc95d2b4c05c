"""Staff accounts in admin: the user list says who has set up two-step
sign-in, and a superuser can reset it for someone who lost their phone."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

admin.site.site_header = f"{settings.SITE_NAME}: staff pages"
admin.site.site_title = f"{settings.SITE_NAME} staff"

# Devices are managed through the user list, where their secrets never show.
admin.site.unregister(TOTPDevice)
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "has_two_step_sign_in"]
    actions = ["reset_two_step_sign_in"]

    def get_queryset(self, request):
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_app=Exists(apps))

    @admin.display(boolean=True, description="two-step sign-in set up")
    def has_two_step_sign_in(self, user):
        return user.has_app

    @admin.action(
        permissions=["change"],
        description="Reset two-step sign-in (for a lost or new phone)",
    )
    def reset_two_step_sign_in(self, request, queryset):
        TOTPDevice.objects.filter(user__in=queryset).delete()
        self.message_user(
            request,
            f"Reset two-step sign-in for {queryset.count()} account(s). They set "
            "up their authenticator app again the next time they sign in.",
        )
