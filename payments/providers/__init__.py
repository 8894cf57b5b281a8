"""Payment providers behind one interface (`base.PaymentProvider`).

Views and services talk to providers through `get_provider`, never to an SDK directly.
"""

from django.conf import settings

from demo.provider import DemoProvider
from ledger.models import Donation
from payments.providers.base import PaymentProvider
from payments.providers.mollie_provider import MollieProvider
from payments.providers.stripe import StripeProvider

_PROVIDERS: dict[str, PaymentProvider] = {
    p.name: p for p in (DemoProvider(), MollieProvider(), StripeProvider())
}

# The choice the donor makes on the form → the provider and the ledger's method.
METHODS = {
    "ideal": (Donation.Provider.MOLLIE, Donation.Method.IDEAL),
    "mollie": (Donation.Provider.MOLLIE, Donation.Method.OTHER_ONLINE),
    "card": (Donation.Provider.STRIPE, Donation.Method.CARD),
    "sepa_debit": (Donation.Provider.STRIPE, Donation.Method.SEPA_DEBIT),
    "demo": (Donation.Provider.DEMO, Donation.Method.OTHER_ONLINE),
}
# Methods the foundation switches on apart from their provider's keys, by setting.
SWITCHED_METHODS = {"sepa_debit": "STRIPE_SEPA_DEBIT"}


def get_provider(name: str) -> PaymentProvider:
    return _PROVIDERS[name]


def enabled_methods() -> list[str]:
    """The form's online methods whose provider is configured (and, for a switched method,
    that is switched on), in display order."""
    return [
        key
        for key, (provider, _m) in METHODS.items()
        if _PROVIDERS[provider].is_enabled() and _switched_on(key)
    ]


def _switched_on(key: str) -> bool:
    switch = SWITCHED_METHODS.get(key)
    return switch is None or bool(getattr(settings, switch))


def charges_monthly(key: str) -> bool:
    """Whether the form's method `key` can start a sponsorship: its provider can charge the
    method every month. Bank transfer, which has no provider, never can."""
    if key not in METHODS:
        return False
    provider, method = METHODS[key]
    return method in _PROVIDERS[provider].monthly_methods
