"""Checks of our own: deployment (`manage.py check --deploy`) and content."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_payments_off_in_production(app_configs, **kwargs):
    # The demo checkout lets anyone mark their own gift as paid without moving money.
    if settings.DEMO_PAYMENTS and not settings.DEBUG:
        return [
            Error(
                "DEMO_PAYMENTS is on while DEBUG is off.",
                hint="Unset DEMO_PAYMENTS in production: the demo checkout marks gifts "
                "as paid without any money arriving.",
                id="crowdfund.E001",
            )
        ]
    return []
