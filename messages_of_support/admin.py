"""The editors' review queue for messages of support.

Editors never see donations or donors: this admin shows the message, its prisoner, its date,
the name as it will be shown, and its review state. No amount, email or payment.
"""

from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from messages_of_support.models import MessageOfSupport, MessageStatus
from messages_of_support.moderation import message_moderate

ALL = "all"


class PrisonerFilter(admin.RelatedOnlyFieldListFilter):
    # Only gifts to a prisoner reach the queue (MessageQuerySet.submitted): no "-" choice.
    include_empty_choice = False


class ReviewFilter(admin.SimpleListFilter):
    """Opens on the messages waiting for review: that is the editor's work."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [*MessageStatus.choices, (ALL, _("All"))]

    def value(self):
        return super().value() or MessageStatus.WAITING

    def choices(self, changelist):
        # Without this, Django offers its own "All" that clears the parameter, which here
        # means "waiting" again.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == ALL:
            return queryset
        return queryset.filter(status=self.value())


@admin.register(MessageOfSupport)
class MessageOfSupportAdmin(admin.ModelAdmin):
    list_display = ["message", "prisoner", "created_at", "signed", "status", "reviewed"]
    # The list shows everything there is to see; the rows need not be links.
    list_display_links = None
    list_filter = [ReviewFilter, ("donation__prisoner", PrisonerFilter)]
    list_select_related = ["donation__prisoner"]
    actions = ["approve", "hide"]
    fields = ["message", "prisoner", "created_at", "signed", "status", "reviewed"]
    readonly_fields = fields
    search_fields = ["text"]

    class Media:
        css = {"all": ["css/admin_messages.css"]}

    def get_queryset(self, request):
        return MessageOfSupport.objects.submitted()

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        review = request.GET.get(ReviewFilter.parameter_name) or MessageStatus.WAITING
        if review == MessageStatus.WAITING:
            # Nobody has reviewed what waits: the column would only say "—".
            columns.remove("reviewed")
        return columns

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The actions need "change"; a message itself is never edited, so its page is
        # read-only.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("message"))
    def message(self, obj):
        return obj.text

    @admin.display(description=_("prisoner"), ordering="donation__prisoner__name")
    def prisoner(self, obj):
        return obj.donation.prisoner

    @admin.display(description=_("created"), ordering="donation__created_at")
    def created_at(self, obj):
        # The day is enough to find a message again, and leaves the review columns in sight.
        return date_format(localtime(obj.donation.created_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("signed"))
    def signed(self, obj):
        return obj.signature or _("Anonymous")

    @admin.display(description=_("reviewed"))
    def reviewed(self, obj):
        if not obj.moderated_at:
            return "—"
        return _("%(user)s, %(date)s") % {
            "user": obj.moderated_by,
            "date": date_format(localtime(obj.moderated_at), "SHORT_DATETIME_FORMAT"),
        }

    @admin.action(description=_("Approve: show on the prisoner's page"), permissions=["change"])
    def approve(self, request, queryset):
        self._review(request, queryset, MessageStatus.APPROVED)

    @admin.action(description=_("Hide: take off the prisoner's page"), permissions=["change"])
    def hide(self, request, queryset):
        self._review(request, queryset, MessageStatus.HIDDEN)

    def _review(self, request, queryset, to_status):
        user = request.user.get_username()
        changed = sum(
            message_moderate(message_id=pk, to_status=to_status, user=user)
            for pk in queryset.values_list("pk", flat=True)
        )
        if to_status == MessageStatus.APPROVED:
            text = ngettext("Approved %d message.", "Approved %d messages.", changed)
        else:
            text = ngettext("Hid %d message.", "Hid %d messages.", changed)
        self.message_user(request, text % changed, messages.SUCCESS)
