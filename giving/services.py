"""Starting a gift: from a valid donation form to the provider's checkout."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from crowdfund.money import format_typed
from donors.services import donor_get_or_create
from ledger.models import Donation
from messages_of_support.models import MessageOfSupport
from messages_of_support.services import message_record
from payments.models import StatusChange
from payments.providers import METHODS, get_provider
from payments.providers.base import ProviderUnavailable

logger = logging.getLogger(__name__)


def donation_start(*, attempt: uuid.UUID, data: dict, language: str) -> Donation:
    """Record the gift before any money moves. The same form attempt gives the same row,
    so a double click cannot create a second donation or a second payment."""
    provider, method = METHODS[data["method"]]
    fields = {
        "amount": data["amount"],
        "prisoner": data.get("prisoner"),
        "purpose": data.get("purpose") or "",
        "method": method,
        "provider": provider,
        "donor_name": "" if data.get("is_anonymous") else data.get("donor_name", ""),
        "donor_email": data["donor_email"],
        "is_anonymous": bool(data.get("is_anonymous")),
        "language": language,
        # The form refuses an online gift without it; this records when it was given.
        "consent_at": timezone.now() if data.get("consent") else None,
    }
    existing = Donation.objects.filter(public_id=attempt).first()
    if existing is not None:
        return existing

    if fields["donor_email"]:
        # The donor record holds every gift of one address, one-off and monthly alike.
        fields["donor"] = donor_get_or_create(
            email=fields["donor_email"], name=fields["donor_name"], language=language
        )
    try:
        with transaction.atomic():
            donation = Donation.objects.create(public_id=attempt, **fields)
            message_record(
                donation=donation,
                text=data.get("public_message", ""),
                is_public=bool(data.get("message_is_public")),
                signed_with=data.get("message_signature") or "",
            )
            return donation
    except IntegrityError:
        # Two simultaneous submissions of the same attempt: the first one won.
        return Donation.objects.get(public_id=attempt)


def donation_checkout(*, donation: Donation) -> str:
    """Create the payment at the provider and return where to send the donor.

    Raises ProviderUnavailable; the donation then stays "not started".
    """
    provider = get_provider(donation.provider)
    return_url = settings.SITE_URL + reverse("giving:thanks", args=[donation.public_id])
    try:
        checkout = provider.start_checkout(donation, return_url=return_url)
    except ProviderUnavailable:
        logger.exception("Checkout for donation %s failed", donation.pk)
        raise
    with transaction.atomic():
        donation_checkout_opened(donation=donation, payment_id=checkout.payment_id)
    return checkout.redirect_url


def donation_checkout_opened(*, donation: Donation, payment_id: str) -> None:
    """Record the provider's payment id and move a new gift to "open". Call in a transaction.

    Shared by one-off gifts and a sponsorship's first month.
    """
    # Lock: a webhook for this payment may already be on its way.
    locked = Donation.objects.select_for_update().get(pk=donation.pk)
    if locked.provider_payment_id is not None:
        return
    locked.provider_payment_id = payment_id
    if locked.status == Donation.Status.NEW:
        locked.status = Donation.Status.OPEN
        StatusChange.objects.create(
            donation=locked,
            from_status=Donation.Status.NEW,
            to_status=Donation.Status.OPEN,
            source=StatusChange.Source.CHECKOUT,
        )
    locked.save(update_fields=["provider_payment_id", "status", "updated_at"])


# A retry is offered for a gift that did not go through, never for one that may still be
# paid (open or pending at the provider), or the donor could pay twice.
RETRYABLE = [
    Donation.Status.NEW,
    Donation.Status.FAILED,
    Donation.Status.CANCELED,
    Donation.Status.EXPIRED,
]
SESSION_STARTED = "donations_started"
# The gifts a browser remembers having started; older ones are forgotten.
SESSION_STARTED_MAX = 20


def donation_remember_started(*, session, donation: Donation) -> None:
    """Note in the donor's own session that they started this gift (see donation_retry_initial)."""
    started = [str(donation.public_id), *session.get(SESSION_STARTED, [])]
    session[SESSION_STARTED] = list(dict.fromkeys(started))[:SESSION_STARTED_MAX]


def donation_retry_initial(*, public_id: str, session, language: str) -> dict | None:
    """What the donation form starts with when the donor tries a gift again.

    The amount, the prisoner, the purpose and the method come back from the link alone: the
    link is unguessable and they say nothing about the donor. Name, email and message come
    back only in the browser session that started the gift, because the thanks link can
    travel (browser history on a shared phone, a forwarded screenshot) and a cautious donor
    must not be named by it. Returns None for an unknown, paid or still-open gift.
    """
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        return None
    donation = (
        Donation.objects.filter(public_id=key, status__in=RETRYABLE)
        .select_related("prisoner")
        .first()
    )
    if donation is None:
        return None
    # A sponsorship's failed first month comes back monthly (SEPA Direct Debit is offered
    # for monthly only), with its amount among the monthly presets.
    monthly = donation.frequency == Donation.Frequency.MONTHLY
    presets = settings.DONATION_MONTHLY_PRESETS if monthly else settings.DONATION_PRESETS
    preset = next((p for p in presets if p == donation.amount), None)
    initial = {
        "frequency": donation.frequency,
        "preset": None,
        "monthly_preset": None,
        "other_amount": "" if preset is not None else format_typed(donation.amount, language),
        "prisoner": donation.prisoner.slug if donation.prisoner else None,
        "purpose": donation.purpose,
        "method": _method_key(donation),
    }
    if preset is not None:
        initial["monthly_preset" if monthly else "preset"] = str(preset)
    if str(donation.public_id) in session.get(SESSION_STARTED, []):
        initial.update(
            donor_name=donation.donor_name,
            donor_email=donation.donor_email,
            is_anonymous=donation.is_anonymous,
        )
        message = MessageOfSupport.objects.filter(donation=donation).first()
        if message is not None:
            initial.update(
                public_message=message.text,
                message_is_public=message.is_public,
                message_signature=message.signed_with,
            )
    return initial


def _method_key(donation: Donation) -> str | None:
    return next(
        (
            key
            for key, (provider, method) in METHODS.items()
            if (provider, method) == (donation.provider, donation.method)
        ),
        None,
    )
