"""A periodic gift (periodieke gift): a written agreement to give the same amount every year
for at least five years, which makes the gift fully deductible for a Dutch donor.

It follows the Belastingdienst's model "Overeenkomst periodieke gift in geld", without the
donor's citizen service number (BSN): the law gives the foundation no ground to collect it.
The terms are fixed when the agreement is made, and its documents once they exist; `save()`
refuses any change to them, whoever asks.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfund.money import MAX_AMOUNT
from donors.models import Donor
from ledger.models import Donation
from ledger.models.spending import private_storage_get
from sponsorships.models import Sponsorship
from statements.models import ExpectedTransfer

logger = logging.getLogger(__name__)
NUMBER_PREFIX = "PG"
# The agreement runs at least five years: the law's condition for full deduction.
MIN_YEARS = 5
MAX_YEARS = 50


class AgreementLocked(Exception):
    """A write that would change an agreement's terms or documents after they were fixed."""


class DocumentDamaged(Exception):
    """A stored PDF that is gone, or whose bytes no longer have the SHA-256 recorded when it
    was stored: someone or something changed it, and nobody may be shown or sign it."""


class AgreementNumberCounter(models.Model):
    """The last transaction number handed out in a year; one row per year, locked while counting."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def agreement_number_allocate(*, year: int) -> str:
    """The next transaction number of `year` (PG-2026-0007), never handed out twice.

    SELECT … FOR UPDATE on the year's row: two donors sending the form at the same moment
    would otherwise both read the same last number. The lock lasts until the caller commits.
    """
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: the first agreement of a year may be made twice at once.
        AgreementNumberCounter.objects.bulk_create(
            [AgreementNumberCounter(year=year)], ignore_conflicts=True
        )
        counter = AgreementNumberCounter.objects.select_for_update().get(year=year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
    return f"{NUMBER_PREFIX}-{year}-{counter.last_number:04d}"


def _document_name(instance, filename: str) -> str:
    # A random name: the file holds the donor's address and date of birth.
    return f"agreements/{uuid.uuid4().hex}.pdf"


class PeriodicGiftAgreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for the donor's signature")
        DONOR_SIGNED = "donor_signed", _("Signed by the donor")
        PARTNER_SIGNED = "partner_signed", _("Signed by the donor's partner")
        COUNTERSIGNED = "countersigned", _("Countersigned: in force")
        ENDED = "ended", _("Ended")
        # Never in force: cancelled by the foundation before its countersignature.
        CANCELLED = "cancelled", _("Cancelled before the countersignature")

    class Duration(models.TextChoices):
        FIVE_YEARS = "five_years", _("5 years")
        YEARS = "years", _("A number of years (at least 5)")
        OPEN_ENDED = "open_ended", _("Open-ended (for life)")

    class PaymentWay(models.TextChoices):
        MONTHLY_SPONSORSHIP = "monthly_sponsorship", _("A monthly sponsorship")
        # No longer offered (see OFFERED_PAYMENT_WAYS); kept for the agreements that say it.
        YEARLY_SPONSORSHIP = "yearly_sponsorship", _("A yearly sponsorship")
        BANK_TRANSFER = "bank_transfer", _("By bank transfer")

    class CancelReason(models.TextChoices):
        DONOR_ASKED = "donor_asked", _("The donor asked for it")
        DETAILS_WRONG = "details_wrong", _("Its details are wrong")
        DUPLICATE = "duplicate", _("It was made twice")
        OTHER = "other", _("Another reason (see the note)")

    class EndReason(models.TextChoices):
        DEATH = "death", _("The donor died")
        TERM = "term", _("The agreed term is over")
        OTHER = "other", _("Other reason (see the note)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("transaction number"), max_length=20, unique=True, editable=False)
    # Whoever fills in the form types an address, maybe someone else's: the agreement joins
    # that donor's records only when the owner of the address signs from the link sent to it.
    email = models.EmailField(_("donor's email"))
    donor = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="periodic_gift_agreements",
        verbose_name=_("donor"),
    )
    language = models.CharField(_("language"), max_length=8, default="es")
    surname = models.CharField(_("surname"), max_length=200)
    given_names = models.CharField(_("given names (in full)"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=120)
    street = models.CharField(_("street and house number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("town or city"), max_length=120)
    country = models.CharField(_("country"), max_length=80)
    yearly_amount = models.DecimalField(
        _("amount per year (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(MAX_AMOUNT)],
    )
    duration = models.CharField(_("duration"), max_length=12, choices=Duration)
    # 5 for five years, N for N years; empty when open-ended.
    duration_years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    payment_way = models.CharField(_("how the donor pays"), max_length=20, choices=PaymentWay)
    partner_name = models.CharField(_("partner's name"), max_length=200, blank=True)
    partner_email = models.EmailField(_("partner's email"), blank=True)
    # The foundation's side, copied when the agreement is made: a later change of name or
    # tax number must not change an agreement already made.
    foundation_name = models.CharField(_("foundation"), max_length=200)
    rsin = models.CharField(_("RSIN"), max_length=9, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True
    )
    # The document each signer saw and signed, stored once with its fingerprint.
    terms_pdf = models.FileField(
        _("agreement to sign"),
        upload_to=_document_name,
        storage=private_storage_get,
        blank=True,
        editable=False,
    )
    terms_pdf_sha256 = models.CharField(
        _("SHA-256 of the agreement to sign"), max_length=64, blank=True, editable=False
    )
    # The final document, with every signature and the countersignature.
    final_pdf = models.FileField(
        _("signed agreement"),
        upload_to=_document_name,
        storage=private_storage_get,
        blank=True,
        editable=False,
    )
    final_pdf_sha256 = models.CharField(
        _("SHA-256 of the signed agreement"), max_length=64, blank=True, editable=False
    )
    # Money under the agreement: a sponsorship's months count by themselves; a bank gift is
    # linked by the treasurer (AgreementGift).
    sponsorship = models.OneToOneField(
        Sponsorship,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="periodic_gift_agreement",
        verbose_name=_("sponsorship paying it"),
    )
    # A donor who pays by bank transfer writes their own reference on each year's transfer,
    # so that the statement import knows the gift is theirs. Given at the countersignature.
    transfer = models.OneToOneField(
        ExpectedTransfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="periodic_gift_agreement",
        verbose_name=_("payment reference"),
    )
    # Each email is claimed once ("update where unset"), so a retried task never sends two.
    donor_link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    partner_link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    treasurers_told_at = models.DateTimeField(
        _("countersignature asked for"), null=True, blank=True, editable=False
    )
    final_sent_at = models.DateTimeField(
        _("signed agreement sent"), null=True, blank=True, editable=False
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    end_reason = models.CharField(
        _("why it ended"), max_length=10, choices=EndReason, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(
        _("why it was cancelled"), max_length=16, choices=CancelReason, blank=True, editable=False
    )
    cancel_note = models.TextField(_("cancellation note"), blank=True, editable=False)
    cancel_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)

    # What the signers agreed to: never changed once the agreement exists.
    TERMS = (
        "number",
        "email",
        "language",
        "surname",
        "given_names",
        "birth_date",
        "birth_place",
        "street",
        "postcode",
        "city",
        "country",
        "yearly_amount",
        "duration",
        "duration_years",
        "first_year",
        "payment_way",
        "partner_name",
        "partner_email",
        "foundation_name",
        "rsin",
        "created_at",
    )
    # Written once, then fixed. The donor is set when they sign, and never changed.
    WRITE_ONCE = ("donor_id", "terms_pdf", "terms_pdf_sha256", "final_pdf", "final_pdf_sha256")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("periodic-gift agreement")
        verbose_name_plural = _("periodic-gift agreements")
        permissions = [("countersign_periodicgiftagreement", _("Can countersign an agreement"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(yearly_amount__gt=0), name="agreement_amount_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(duration="five_years", duration_years=MIN_YEARS)
                    | Q(duration="years", duration_years__gte=MIN_YEARS)
                    | Q(duration="open_ended", duration_years__isnull=True)
                ),
                name="agreement_duration_consistent",
            ),
            models.CheckConstraint(
                condition=Q(partner_name="", partner_email="")
                | (~Q(partner_name="") & ~Q(partner_email="")),
                name="agreement_partner_complete",
            ),
            # A cancellation always says when and why; nothing else carries either.
            models.CheckConstraint(
                condition=(Q(status="cancelled", cancelled_at__isnull=False) & ~Q(cancel_reason=""))
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True, cancel_reason="")),
                name="agreement_cancellation_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_changes_to_what_was_fixed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise AgreementLocked(f"{self.number} is signed and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def donor_full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()

    @property
    def has_partner(self) -> bool:
        return bool(self.partner_email)

    def document_bytes(self, kind: str) -> bytes:
        """The stored document, "terms" (to sign) or "final", once its bytes are checked
        against the SHA-256 recorded when it was stored. Raises DocumentDamaged, logged as
        an error, for a file that was changed or lost."""
        field = getattr(self, f"{kind}_pdf")
        recorded = getattr(self, f"{kind}_pdf_sha256")
        try:
            with field.open("rb") as handle:
                data = handle.read()
        except (OSError, ValueError) as exc:
            # ValueError: no file was ever stored.
            logger.error("Agreement %s: its %s PDF cannot be read (%s)", self.number, kind, exc)
            raise DocumentDamaged(f"{self.number} {kind}") from exc
        found = hashlib.sha256(data).hexdigest()
        if not recorded or found != recorded:
            logger.error(
                "Agreement %s: its stored %s PDF %s has SHA-256 %s, not the %s recorded; refused",
                self.number,
                kind,
                field.name,
                found,
                recorded or "(none)",
            )
            raise DocumentDamaged(f"{self.number} {kind}")
        return data

    @property
    def last_year(self) -> int | None:
        """The last year of a fixed term; None when open-ended."""
        if self.duration_years is None:
            return None
        return self.first_year + self.duration_years - 1

    def _refuse_changes_to_what_was_fixed(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).values(*self.TERMS, *self.WRITE_ONCE)
        before = stored.first()
        if before is None:
            return
        changed = [name for name in self.TERMS if before[name] != getattr(self, name)]
        for name in self.WRITE_ONCE:
            value = getattr(self, name)
            value = value.name if hasattr(value, "name") else value
            if before[name] and before[name] != value:
                changed.append(name)
        if changed:
            raise AgreementLocked(
                f"{self.number}: its terms and documents are fixed; refused: {', '.join(changed)}"
            )


class AgreementSignature(models.Model):
    """One signature: a simple electronic signature by the donor or their partner (a
    confirmed link), or the foundation's countersignature by a treasurer."""

    class Role(models.TextChoices):
        DONOR = "donor", _("Donor")
        PARTNER = "partner", _("Donor's partner")
        FOUNDATION = "foundation", _("On behalf of the foundation")

    agreement = models.ForeignKey(
        PeriodicGiftAgreement, on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("signed as"), max_length=12, choices=Role)
    name = models.CharField(_("name"), max_length=200)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # The fingerprint of the exact PDF the signer was shown when they signed.
    document_sha256 = models.CharField(_("SHA-256 of the document signed"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "role"], name="one_signature_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class AgreementGift(models.Model):
    """A gift the treasurer counts under an agreement (a bank transfer, typically).

    A sponsorship's months need no row here: they count through `agreement.sponsorship`.
    """

    agreement = models.ForeignKey(
        PeriodicGiftAgreement, on_delete=models.PROTECT, related_name="linked_gifts"
    )
    donation = models.OneToOneField(
        Donation,
        on_delete=models.PROTECT,
        related_name="periodic_gift_link",
        verbose_name=_("gift"),
    )
    linked_by = models.CharField(_("linked by"), max_length=150, blank=True, editable=False)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("gift under the agreement")
        verbose_name_plural = _("gifts under the agreement")

    def __str__(self) -> str:
        return f"{self.agreement} ← {self.donation.reference}"
