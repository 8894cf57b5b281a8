"""Starting a gift: from a valid donation form to the provider's checkout."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from donations.models import Donation, StatusChange
from donations.providers import METHODS, get_provider
from donations.providers.base import ProviderUnavailable

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
        "public_message": data.get("public_message", ""),
        "message_is_public": bool(data.get("message_is_public")),
        "message_signature": data.get("message_signature") or Donation.Signature.FIRST_NAME,
        "language": language,
    }
    existing = Donation.objects.filter(public_id=attempt).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Donation.objects.create(public_id=attempt, **fields)
    except IntegrityError:
        # Two simultaneous submissions of the same attempt: the first one won.
        return Donation.objects.get(public_id=attempt)


def donation_checkout(*, donation: Donation) -> str:
    """Create the payment at the provider and return where to send the donor.

    Raises ProviderUnavailable; the donation then stays "not started".
    """
    provider = get_provider(donation.provider)
    return_url = settings.SITE_URL + reverse("donations:thanks", args=[donation.public_id])
    try:
        checkout = provider.start_checkout(donation, return_url=return_url)
    except ProviderUnavailable:
        logger.exception("Checkout for donation %s failed", donation.pk)
        raise
    with transaction.atomic():
        # Lock: a webhook for this payment may already be on its way.
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.provider_payment_id is None:
            locked.provider_payment_id = checkout.payment_id
            if locked.status == Donation.Status.NEW:
                locked.status = Donation.Status.OPEN
                StatusChange.objects.create(
                    donation=locked,
                    from_status=Donation.Status.NEW,
                    to_status=Donation.Status.OPEN,
                    source=StatusChange.Source.CHECKOUT,
                )
            locked.save(update_fields=["provider_payment_id", "status", "updated_at"])
    return checkout.redirect_url
