from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from PIL import Image, ImageFile, UnidentifiedImageError

from crowdfund.amount_field import MONEY_FORMFIELDS
from prisoners.models import BoardMember, Campaign, Prisoner, Update
from prisoners.rich_text import has_text
from prisoners.staged_photos import photo_stage, photo_unstage


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 1
    fields = ["name", "role", "order"]


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    inlines = [BoardMemberInline]
    formfield_overrides = MONEY_FORMFIELDS
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
                ]
            },
        ),
        (
            _("Registration"),
            {
                "fields": ["is_anbi", "anbi_since", "rsin", "kvk_number", "cbf_status"],
                "description": _(
                    "Shown in the footer, on the donate page and on every receipt: "
                    "donors check these before they give."
                ),
            },
        ),
        (
            _("ANBI publication"),
            {
                "fields": [
                    "public_name",
                    "visiting_address",
                    "postal_address",
                    "contact_email",
                    "phone",
                    "purpose",
                    "policy_plan",
                    "remuneration_policy",
                    "activities_report",
                ],
                "description": _(
                    "The tax office requires a registered charity (ANBI) to publish these on its "
                    "website. They appear on the page “ANBI information”, linked from the "
                    "footer of every page, together with the name, RSIN and KvK number above "
                    "and the board members below. Write every text in all three languages. "
                    "Until everything is filled in, the admin's home page lists what is missing."
                ),
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("visiting_address", "postal_address"):
            field.widget.attrs["rows"] = 3  # an address, not an essay
        return field

    def has_add_permission(self, request):
        # There is exactly one campaign; editors change it, they never add a second one.
        return not Campaign.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class UpdateInline(TranslationStackedInline):
    model = Update
    extra = 0
    fields = ["published_on", "title", "body", "is_published"]


# Per language, what a prisoner's page needs; "missing" in the list means one of these is empty.
TRANSLATED = ["summary", "story", "photo_alt", "held_at"]
REQUIRED_TRANSLATIONS = ["summary", "story"]


def missing_languages(prisoner: Prisoner) -> list[str]:
    return [
        code
        for code, _name in settings.LANGUAGES
        if not all(has_text(getattr(prisoner, f"{f}_{code}")) for f in REQUIRED_TRANSLATIONS)
    ]


def in_the_books(prisoner: Prisoner) -> bool:
    """Gifts, spending or transfers recorded for this prisoner: their fund must stay."""
    return (
        prisoner.donations.exists()
        or prisoner.expenses.exists()
        or prisoner.transfers_in.exists()
        or prisoner.transfers_out.exists()
    )


class PrisonerForm(forms.ModelForm):
    # Carries the photo of a failed attempt to the next one; see prisoners/staged_photos.py.
    staged_photo = forms.CharField(required=False, widget=forms.HiddenInput)
    user_id = None  # set per request by PrisonerAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            code = name.rsplit("_", 1)[-1]
            if name.removesuffix(f"_{code}") in TRANSLATED:
                # Spelling checks and screen readers then use the language being written.
                field.widget.attrs["lang"] = code

    def add_error(self, field, error):
        # The model reports a translated field without a language ("photo_alt"); the form
        # has one per language. Without this, a missing photo description was a server error.
        if field is None and hasattr(error, "error_dict"):
            error = ValidationError({self._localized(k): v for k, v in error.error_dict.items()})
        elif field is not None:
            field = self._localized(field)
        super().add_error(field, error)

    def _localized(self, field: str) -> str:
        if field in TRANSLATED:
            return f"{field}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
        return field

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        token = self.data.get("staged_photo")
        if isinstance(photo, UploadedFile):
            _refuse_unreadable(photo)
            if token:
                # A new choice replaces the kept photo; do not leave that one lying around.
                photo_unstage(token=token, user_id=self.user_id)
            return photo
        if token and photo is not False:
            staged = photo_unstage(token=token, user_id=self.user_id)
            if staged is None:
                raise forms.ValidationError(
                    _("The photo you chose before could not be kept. Please choose it again.")
                )
            return staged
        return photo

    def keep_photo_for_retry(self) -> None:
        """After a failed save, keep the chosen photo and say so next to the field."""
        photo = self.cleaned_data.get("photo") if hasattr(self, "cleaned_data") else None
        if not isinstance(photo, UploadedFile) or "photo" in self.errors:
            return
        self.data = self.data.copy()
        self.data["staged_photo"] = photo_stage(upload=photo, user_id=self.user_id)
        kept = _(
            "Your photo “%(name)s” is kept and will be saved with the form. "
            "Choose another file only to replace it."
        ) % {"name": photo.name}
        # The bound field copied the help text when validation built it.
        self.fields["photo"].help_text = self["photo"].help_text = kept


def _refuse_unreadable(photo) -> None:
    # Django only checks the header; a photo cut off during the upload would be saved with
    # a grey lower half. Decode it fully now, while the editor can still fix it.
    # WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when it is
    # imported, which would let a cut-off photo pass; it is off for this one decode. A PDF
    # rendered meanwhile only reads photos that passed this check, so it loses nothing.
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError(
            _(
                "This photo could not be read: it may be damaged or only partly uploaded. "
                "Nothing was saved; please choose the file again."
            )
        ) from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
        photo.seek(0)


@admin.register(Prisoner)
class PrisonerAdmin(TranslationAdmin):
    form = PrisonerForm
    formfield_overrides = MONEY_FORMFIELDS
    change_form_template = "admin/prisoners/prisoner/change_form.html"
    list_display = [
        "name",
        "situation",
        "is_published",
        "translations",
        "order",
        "payment_reference",
    ]
    list_editable = ["order"]
    list_filter = ["is_published", "situation"]
    search_fields = ["name", "slug", "payment_reference"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UpdateInline]
    actions = ["publish", "unpublish"]

    class Media:
        css = {"all": ["css/admin_prisoners.css"]}
        js = ["js/admin_prose_label.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "slug"]}),
            (_("Situation"), {"fields": ["situation", "held_since"]}),
            (_("Photo"), {"fields": ["photo_preview", "photo", "staged_photo"]}),
        ]
        missing = set(missing_languages(obj)) if obj is not None else set()
        for code, _name in settings.LANGUAGES:
            title = get_language_info(code)["name_local"].capitalize()
            if code in missing:
                title = _("%(language)s: translation missing") % {"language": title}
            fields = [f"{name}_{code}" for name in TRANSLATED]
            # The default language is where every story starts; the others fold away,
            # and Django opens a folded section that holds an error.
            classes = [] if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE else ["collapse"]
            fieldsets.append((title, {"fields": fields, "classes": classes}))
        fieldsets += [
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
            (_("Money"), {"fields": ["goal", "monthly_need", "payment_reference"]}),
        ]
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A fresh class per request: the staged photo is only ever read back by its editor.
        form.user_id = request.user.pk
        return form

    def get_readonly_fields(self, request, obj=None):
        # Donors already use a published reference on their transfers; changing it would
        # send their money to the review queue.
        readonly = ["photo_preview"]
        if obj is not None and obj.is_published:
            readonly.append("payment_reference")
        return readonly

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Rendered after a POST only when the save failed (the form or a news update).
        if request.method == "POST":
            context["adminform"].form.keep_photo_for_retry()
        if obj is not None and obj.pk:
            context["in_the_books"] = in_the_books(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("current photo"))
    def photo_preview(self, obj):
        if obj is None or not obj.photo:
            return _("No photo yet.")
        return format_html(
            '<img src="{}" alt="{}" class="photo-preview" width="200">',
            obj.photo.url,
            obj.photo_alt,
        )

    @admin.display(description=_("translations"))
    def translations(self, obj):
        missing = missing_languages(obj)
        if not missing:
            return _("complete")
        return _("%(languages)s missing") % {"languages": ", ".join(missing)}

    def has_delete_permission(self, request, obj=None):
        # A fund with gifts is part of the books; archiving takes the page off the site.
        if obj is not None and in_the_books(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                PrisonerAdmin.delete_without_gifts,
                "delete_selected",
                actions["delete_selected"][2],
            )
        return actions

    def delete_without_gifts(self, request, queryset):
        kept = [p for p in queryset if in_the_books(p)]
        if kept:
            # Said before Django's own page lists the gifts, which editors must not see.
            self.message_user(
                request,
                _(
                    "Not deleted, because gifts or spending are recorded for them: %(names)s. "
                    "Archive them instead."
                )
                % {"names": ", ".join(sorted(p.name for p in kept))},
                messages.ERROR,
            )
            queryset = queryset.exclude(pk__in=[p.pk for p in kept])
            if not queryset.exists():
                return None
        return delete_selected(self, request, queryset)

    def get_urls(self):
        archive = self.admin_site.admin_view(self.archive_view)
        return [
            path("<int:object_id>/archive/", archive, name="prisoners_prisoner_archive"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def archive_view(self, request, object_id):
        prisoner = get_object_or_404(Prisoner, pk=object_id)
        if not self.has_change_permission(request, prisoner):
            raise PermissionDenied
        Prisoner.objects.filter(pk=prisoner.pk).update(is_published=False)
        self.message_user(
            request,
            _("%(name)s is archived: the page is off the site; the gifts and the fund stay.")
            % {"name": prisoner.name},
            messages.SUCCESS,
        )
        return redirect("admin:prisoners_prisoner_change", prisoner.pk)

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
