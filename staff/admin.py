"""The staff side of the admin: resetting a second factor, and the read-only audit trail."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.two_factor import has_second_factor, second_factor_reset

# django-otp's own device pages show each person's secret key: whoever can read it can make
# that person's codes. Devices are only set up by their owner and reset from the user list.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
admin.site.unregister(User)
admin.site.unregister(LogEntry)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "two_factor"]
    actions = ["reset_second_factor"]

    @admin.display(description=_("two-factor authentication"), boolean=True)
    def two_factor(self, user: User) -> bool:
        return has_second_factor(user)

    def has_reset_second_factor_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description=_("Reset two-factor authentication (lost phone)"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            # The device deletions land in the audit trail with the actor; this line also
            # shows in the person's own history.
            second_factor_reset(user=user)
            self.log_change(request, user, "Reset two-factor authentication")
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Reset two-factor authentication for %(count)d person; they set it up again "
                "at their next login.",
                "Reset two-factor authentication for %(count)d people; they set it up again "
                "at their next login.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(LogEntry)
class AuditTrailAdmin(LogEntryAdmin):
    """Read by superusers and treasurers (the view permission); changed by nobody."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
