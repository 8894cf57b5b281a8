"""Simulated months for the demo provider: `demo_charge_month` and the DEBUG admin action."""

from __future__ import annotations

from ledger.models import Donation
from payments.models import PaymentEvent
from payments.providers import get_provider
from payments.services import payment_webhook
from sponsorships.models import Sponsorship


def sponsorship_demo_charge(*, sponsorship: Sponsorship, fail: bool = False) -> PaymentEvent:
    """Charge one month of an active demo sponsorship, through the real webhook's path.

    Raises ValueError for a sponsorship that is not an active demo one.
    """
    provider = get_provider(Donation.Provider.DEMO)
    if sponsorship.provider != Donation.Provider.DEMO or not provider.is_enabled():
        raise ValueError("only demo sponsorships are charged by hand, with demo payments on")
    if sponsorship.status != Sponsorship.Status.ACTIVE:
        raise ValueError("only an active sponsorship is charged")
    payment_id = provider.charge_month(sponsorship, fail=fail)
    return payment_webhook(
        provider_name=Donation.Provider.DEMO, body=b"", headers={}, form={"id": payment_id}
    )
