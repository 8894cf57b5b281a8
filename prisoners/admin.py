from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from prisoners.models import BoardMember, Campaign, Prisoner, Update


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 1
    fields = ["name", "role", "order"]


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    inlines = [BoardMemberInline]
    fieldsets = [
        (_("Appeal"), {"fields": ["title", "appeal", "goal"]}),
        (
            _("Foundation and bank account"),
            {
                "fields": [
                    "foundation_name",
                    "account_holder",
                    "iban",
                    "bic",
                    "general_reference",
                    "contact_email",
                ]
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "is_anbi",
                    "anbi_since",
                    "rsin",
                    "kvk_number",
                    "postal_address",
                    "cbf_status",
                ],
                "description": _(
                    "Shown in the footer, on the donate page and on every receipt: "
                    "donors check these before they give."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        # There is exactly one campaign; editors change it, they never add a second one.
        return not Campaign.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class UpdateInline(TranslationStackedInline):
    model = Update
    extra = 0
    fields = ["published_on", "title", "body", "is_published"]


@admin.register(Prisoner)
class PrisonerAdmin(TranslationAdmin):
    list_display = ["name", "situation", "is_published", "order", "payment_reference"]
    list_editable = ["order"]
    list_filter = ["is_published", "situation"]
    search_fields = ["name", "slug", "payment_reference"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UpdateInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "story"]}),
        (_("Situation"), {"fields": ["situation", "held_at", "held_since"]}),
        (_("Photo"), {"fields": ["photo", "photo_alt"]}),
        (
            _("Publication"),
            {
                "fields": ["consent_given_by", "consent_given_on", "is_published", "order"],
                "description": _(
                    "Publish only after the prisoner or their family agreed. "
                    "Record who agreed and when; the site refuses to publish otherwise."
                ),
            },
        ),
        (_("Money"), {"fields": ["goal", "payment_reference"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Donors already use a published reference on their transfers; changing it would
        # send their money to the review queue.
        if obj is not None and obj.is_published:
            return ["payment_reference"]
        return []

    @admin.action(description=_("Publish the selected prisoners"))
    def publish(self, request, queryset):
        missing = queryset.filter(consent_given_by="") | queryset.filter(
            consent_given_on__isnull=True
        )
        missing_names = sorted(missing.values_list("name", flat=True))
        count = queryset.exclude(pk__in=missing.values("pk")).update(is_published=True)
        if count:
            self.message_user(
                request,
                ngettext("Published %d prisoner.", "Published %d prisoners.", count) % count,
                messages.SUCCESS,
            )
        if missing_names:
            self.message_user(
                request,
                _("Not published, because no consent is recorded: %(names)s")
                % {"names": ", ".join(missing_names)},
                messages.ERROR,
            )

    @admin.action(description=_("Unpublish the selected prisoners"))
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(
            request,
            ngettext("Unpublished %d prisoner.", "Unpublished %d prisoners.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Update)
class UpdateAdmin(TranslationAdmin):
    list_display = ["title", "prisoner", "published_on", "is_published"]
    list_filter = ["is_published", "prisoner"]
    date_hierarchy = "published_on"
    fields = ["prisoner", "published_on", "title", "body", "is_published"]
