"""Starting a sponsorship: from a valid donate form (monthly) to the provider's checkout.

Mirrors `giving.services.donation_start` / `donation_checkout`: the form's view calls
`sponsorship_start`, then redirects to `sponsorship_checkout`'s URL.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from donors.services import donor_get_or_create
from giving.services import donation_checkout_opened
from ledger.models import Donation
from messages_of_support.services import message_record
from payments.providers import METHODS, charges_monthly, get_provider
from payments.providers.base import ProviderUnavailable
from sponsorships.models import Sponsorship

logger = logging.getLogger(__name__)


def sponsorship_start(*, attempt: uuid.UUID, data: dict, language: str) -> Donation:
    """Record a monthly sponsorship and its first month before any money moves.

    `data` has the donate form's cleaned fields (`amount`, `prisoner`, `purpose`, `method`,
    `donor_name`, `donor_email`, `is_anonymous`, `public_message`, `message_is_public`).
    Returns the first month's `Donation` (its sponsorship is `donation.sponsorship`); the
    same form attempt gives the same rows, so a double click starts one sponsorship.
    Raises ValueError for a method that cannot be charged monthly (bank transfer).
    """
    if not charges_monthly(data["method"]):
        raise ValueError(f"{data['method']} cannot be charged monthly")
    existing = Donation.objects.filter(public_id=attempt).first()
    if existing is not None:
        return existing
    provider, method = METHODS[data["method"]]
    name = "" if data.get("is_anonymous") else data.get("donor_name", "")
    donor = donor_get_or_create(email=data["donor_email"], name=name, language=language)
    try:
        with transaction.atomic():
            sponsorship = Sponsorship.objects.create(
                donor=donor,
                prisoner=data.get("prisoner"),
                purpose=data.get("purpose") or "",
                amount=data["amount"],
                provider=provider,
                method=method,
                language=language,
            )
            donation = Donation.objects.create(
                public_id=attempt,
                amount=data["amount"],
                prisoner=data.get("prisoner"),
                purpose=data.get("purpose") or "",
                frequency=Donation.Frequency.MONTHLY,
                method=method,
                provider=provider,
                donor=donor,
                sponsorship=sponsorship,
                donor_name=name,
                donor_email=data["donor_email"],
                is_anonymous=bool(data.get("is_anonymous")),
                language=language,
            )
            # The first month carries the message; its signature is the first name, as a
            # sponsorship's form offers no other.
            message_record(
                donation=donation,
                text=data.get("public_message", ""),
                is_public=bool(data.get("message_is_public")),
            )
            sponsorship.first_donation = donation
            sponsorship.save(update_fields=["first_donation", "updated_at"])
            return donation
    except IntegrityError:
        # Two simultaneous submissions of the same attempt: the first one won.
        return Donation.objects.get(public_id=attempt)


def sponsorship_checkout(*, donation: Donation) -> str:
    """Create the first payment at the provider and return where to send the donor.

    Raises ProviderUnavailable; the donation then stays "not started".
    """
    sponsorship = donation.sponsorship
    provider = get_provider(donation.provider)
    return_url = settings.SITE_URL + reverse("giving:thanks", args=[donation.public_id])
    try:
        checkout = provider.start_recurring_checkout(sponsorship, donation, return_url=return_url)
    except ProviderUnavailable:
        logger.exception("Checkout for sponsorship %s failed", sponsorship.pk)
        raise
    with transaction.atomic():
        donation_checkout_opened(donation=donation, payment_id=checkout.payment_id)
        if checkout.customer_id:
            Sponsorship.objects.filter(pk=sponsorship.pk, provider_customer_id="").update(
                provider_customer_id=checkout.customer_id
            )
    return checkout.redirect_url
