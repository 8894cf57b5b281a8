"""Payment providers behind one interface (`base.PaymentProvider`).

Views and services talk to providers through `get_provider`, never to an SDK directly. The
providers are the classes settings.PAYMENT_PROVIDERS names (the demo app adds its own there).
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from ledger.models import Donation
from payments.providers.base import PaymentProvider


@cache
def _providers() -> dict[str, PaymentProvider]:
    # Loaded on first use: a provider module may build on models that import this package.
    found = (import_string(path)() for path in settings.PAYMENT_PROVIDERS)
    return {provider.name: provider for provider in found}


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
    return _providers()[name]


def enabled_methods() -> list[str]:
    """The form's online methods whose provider is configured (and, for a switched method,
    that is switched on), in display order."""
    return [
        key
        for key, (provider, _m) in METHODS.items()
        if _providers()[provider].is_enabled() and _switched_on(key)
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
    return method in _providers()[provider].monthly_methods
