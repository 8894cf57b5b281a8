import contextlib
import secrets
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, slug_re
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from modeltranslation.utils import build_localized_fieldname
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from crowdfund.content import content_changed
from crowdfund.seo import SITE_NAME
from prisoners.photos import photo_without_metadata
from prisoners.rich_text import EXTENSIONS, has_text, sanitize_html

# Letters and digits that cannot be misread when copied from a phone into a bank app.
REFERENCE_ALPHABET = "ACDEFGHJKLMNPRTUVWXY34679"
REFERENCE_PREFIX = "DS"


def new_payment_reference() -> str:
    """A reference that no prisoner and no campaign's general fund uses yet.

    There are 25⁴ codes, so two prisoners draw the same one now and then; without this check the
    editor's save would fail on the unique constraint, and a code shared with the general fund
    would send a transfer to the wrong place.
    """
    while True:
        reference = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
        if not reference_in_use(reference):
            return reference


def reference_in_use(reference: str) -> bool:
    return (
        Prisoner.objects.filter(payment_reference__iexact=reference).exists()
        or Campaign.objects.filter(general_reference__iexact=reference).exists()
    )


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError(_("This is not a valid IBAN.")) from exc


def validate_bic(value: str) -> None:
    try:
        BIC(value)
    except SchwiftyException as exc:
        raise ValidationError(_("This is not a valid BIC.")) from exc


def validate_rsin(value: str) -> None:
    if not (value.isdigit() and len(value) == 9):
        raise ValidationError(_("An RSIN has exactly 9 digits."))


def validate_kvk_number(value: str) -> None:
    if not (value.isdigit() and len(value) == 8):
        raise ValidationError(_("A KvK number has exactly 8 digits."))


def _sanitize_translations(instance: models.Model, field_names: tuple[str, ...]) -> None:
    # The editor sanitises form input; this also covers the shell, imports and fixtures.
    for name in field_names:
        for code, _name in settings.LANGUAGES:
            localized = build_localized_fieldname(name, code)
            value = getattr(instance, localized, None)
            if value:
                # The editor leaves "<p></p>" where nobody wrote: stored empty, the page
                # falls back to another language instead of showing nothing.
                value = sanitize_html(value)
                setattr(instance, localized, value if has_text(value) else "")


# The ANBI publication's rich-text fields, translated and sanitised like the stories.
RICH_ANBI_FIELDS = ("purpose", "policy_plan", "remuneration_policy", "activities_report")


class CbfStatus(models.TextChoices):
    NONE = "", _("Not recognised by the CBF")
    RECOGNISED = "recognised", _("CBF-recognised charity")


class Campaign(models.Model):
    """The one campaign this site runs: its appeal, goal and bank details."""

    foundation_name = models.CharField(_("foundation name"), max_length=200, default=SITE_NAME)
    title = models.CharField(_("campaign title"), max_length=200)
    appeal = ProseEditorField(_("appeal"), extensions=EXTENSIONS, sanitize=True, blank=True)
    goal = models.DecimalField(
        _("goal (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("10000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    account_holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, validators=[validate_bic])
    general_reference = models.CharField(
        _("payment reference for the general fund"),
        max_length=12,
        default=REFERENCE_PREFIX + "FUND",
        unique=True,
        help_text=_("Donors write this on a bank transfer when any prisoner may receive the gift."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    # What Dutch donors look for before they give: is this a registered charity?
    is_anbi = models.BooleanField(
        _("registered as ANBI"),
        default=False,
        help_text=_("The tax office registered the foundation as a public benefit institution."),
    )
    anbi_since = models.DateField(_("ANBI since"), null=True, blank=True)
    rsin = models.CharField(
        _("RSIN"),
        max_length=9,
        blank=True,
        validators=[validate_rsin],
        help_text=_("The foundation's tax number, 9 digits."),
    )
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[validate_kvk_number],
        help_text=_("The Chamber of Commerce number, 8 digits."),
    )
    postal_address = models.TextField(
        _("postal address"), blank=True, help_text=_("As it should appear on the site.")
    )
    cbf_status = models.CharField(
        _("CBF status"), max_length=20, choices=CbfStatus, default=CbfStatus.NONE, blank=True
    )
    # What the tax office requires an ANBI to publish (the page /anbi/); see prisoners/anbi.py.
    public_name = models.CharField(
        _("name the public knows"),
        max_length=200,
        blank=True,
        help_text=_(
            "The name people know the foundation by, in this language. If it is the same as "
            "the official name, write that name again."
        ),
    )
    visiting_address = models.TextField(
        _("visiting address"),
        blank=True,
        help_text=_("Only if the foundation has an address open to visitors. May stay empty."),
    )
    phone = models.CharField(
        _("telephone"), max_length=30, blank=True, help_text=_("May stay empty.")
    )
    purpose = ProseEditorField(
        _("purpose of the foundation"),
        extensions=EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text=_("What the foundation is for, as its statutes say, in a few sentences."),
    )
    policy_plan = ProseEditorField(
        _("policy plan, main points"),
        extensions=EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text=_(
            "The main points of the policy plan: the work the foundation plans, how it raises "
            "money, and how it manages and spends it."
        ),
    )
    remuneration_policy = ProseEditorField(
        _("remuneration policy"),
        extensions=EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text=_(
            "What board members and volunteers are paid, if anything: for example "
            "“The board is not paid; only costs actually made are reimbursed.”"
        ),
    )
    activities_report = ProseEditorField(
        _("report of activities"),
        extensions=EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text=_("What the foundation did recently. Keep it current: update it every year."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign settings")
        verbose_name_plural = _("campaign settings")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        _sanitize_translations(self, ("appeal", *RICH_ANBI_FIELDS))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Field validation has already reported a bad IBAN; only store a good one compactly.
        with contextlib.suppress(SchwiftyException):
            self.iban = IBAN(self.iban).compact
        self.bic = self.bic.replace(" ", "").upper()
        if self.anbi_since and not self.is_anbi:
            raise ValidationError(
                {"anbi_since": _("Tick “registered as ANBI” too, or leave this date empty.")}
            )
        if Prisoner.objects.filter(payment_reference__iexact=self.general_reference).exists():
            raise ValidationError(
                {"general_reference": _("A prisoner uses this reference; choose another one.")}
            )

    @property
    def iban_display(self) -> str:
        return IBAN(self.iban).formatted

    @property
    def has_registration(self) -> bool:
        return bool(self.is_anbi or self.rsin or self.kvk_number or self.postal_address)


class BoardRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    MEMBER = "member", _("Board member")


class BoardMember(models.Model):
    """A member of the foundation's board, as an ANBI must publish them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="board_members")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=BoardRole, default=BoardRole.MEMBER)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Situation(models.TextChoices):
    AWAITING_TRIAL = "awaiting_trial", _("Awaiting trial")
    SENTENCED = "sentenced", _("Sentenced")
    HOUSE_ARREST = "house_arrest", _("Under house arrest")
    RELEASED = "released", _("Released")


class PrisonerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def update(self, **kwargs):
        # Publishing and archiving are bulk updates, which send no save signal; a page taken
        # off the site must leave the page cache too.
        # The row's version, as a save moves it: the home page's cards are kept under it
        # (public/cards.py).
        kwargs.setdefault("updated_at", timezone.now())
        count = super().update(**kwargs)
        if count:
            content_changed()
        return count


def prisoner_slug(value) -> str:
    """`value` if it can be a prisoner's web address (a slug), else "".

    For a value from a link or a form: one that can never be a prisoner's (a NUL byte, which
    PostgreSQL refuses with an error, a space, a slash) names nobody, and never reaches a query.
    """
    return value if isinstance(value, str) and slug_re.fullmatch(value) else ""


class Prisoner(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    summary = models.CharField(
        _("one-line summary"), max_length=200, help_text=_("Shown on the home page card.")
    )
    story = ProseEditorField(_("story"), extensions=EXTENSIONS, sanitize=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="prisoners/", blank=True)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it."),
    )
    situation = models.CharField(
        _("situation"), max_length=20, choices=Situation, default=Situation.AWAITING_TRIAL
    )
    held_at = models.CharField(_("where held"), max_length=200, blank=True)
    held_since = models.DateField(_("held since"), null=True, blank=True)
    goal = models.DecimalField(
        _("goal (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("1500.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # Empty until an editor knows it: the page then shows the sponsors without a share.
    monthly_need = models.DecimalField(
        _("monthly need (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("What this prisoner's expenses cost per month; monthly sponsors cover part."),
    )
    payment_reference = models.CharField(
        _("payment reference"),
        max_length=12,
        unique=True,
        default=new_payment_reference,
        help_text=_("Donors write this on a bank transfer. Do not change it once published."),
    )
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    is_published = models.BooleanField(_("published"), default=False)
    consent_given_by = models.CharField(
        _("consent given by"),
        max_length=200,
        blank=True,
        help_text=_("Who agreed to publication: the prisoner, or which family member."),
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PrisonerQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("prisoner")
        verbose_name_plural = _("prisoners")
        constraints = [
            models.CheckConstraint(
                name="published_needs_consent",
                condition=Q(is_published=False)
                | (~Q(consent_given_by="") & Q(consent_given_on__isnull=False)),
                violation_error_message=_(
                    "A prisoner can only be published once consent is recorded: "
                    "who gave it and on which date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        _sanitize_translations(self, ("story",))
        if self.photo and not self.photo._committed:
            self.photo = photo_without_metadata(self.photo)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:detail", args=[self.slug])

    @staticmethod
    def url_maker() -> Callable[[str], str]:
        """get_absolute_url() for a whole list from one reverse(): for 50 prisoners, resolving
        each address took longer than rendering the figures beside it."""
        marker = "slug-marker-0"
        pattern = reverse("public:detail", args=[marker])
        return lambda slug: pattern.replace(marker, quote(slug))

    def clean(self) -> None:
        if self.is_published and not (self.consent_given_by and self.consent_given_on):
            raise ValidationError(
                {
                    "is_published": _(
                        "Record who gave consent for publication, and when, before publishing."
                    )
                }
            )
        if self.photo and not self.photo._committed and self.photo.size > settings.PHOTO_MAX_BYTES:
            limit = settings.PHOTO_MAX_BYTES // (1024 * 1024)
            raise ValidationError(
                {"photo": _("The photo may be at most %(mb)d MB.") % {"mb": limit}}
            )
        if self.photo and not self.photo_alt:
            raise ValidationError(
                {"photo_alt": _("Describe the photo for people who cannot see it.")}
            )
        if Campaign.objects.filter(general_reference__iexact=self.payment_reference).exists():
            raise ValidationError(
                {
                    "payment_reference": _(
                        "The general fund uses this reference; choose another one."
                    )
                }
            )


class Update(models.Model):
    prisoner = models.ForeignKey(
        Prisoner, on_delete=models.CASCADE, related_name="updates", verbose_name=_("prisoner")
    )
    published_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    body = ProseEditorField(_("text"), extensions=EXTENSIONS, sanitize=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("news update")
        verbose_name_plural = _("news updates")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        _sanitize_translations(self, ("body",))
        super().save(*args, **kwargs)
