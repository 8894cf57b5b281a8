"""Checks of our own: deployment (`manage.py check --deploy`) and content."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils import translation


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


@register(Tags.database)
def anbi_publication_complete(app_configs, databases=None, **kwargs):
    """`manage.py check --database default`: the ANBI page's required fields still empty.

    Reads the database, so like Django's own database checks it runs only when asked to."""
    if not databases or "default" not in databases:
        return []
    from prisoners.anbi import anbi_missing_fields
    from prisoners.models import Campaign

    try:
        missing = anbi_missing_fields(Campaign.objects.first())
    except DatabaseError:
        # Not migrated yet (`migrate` runs the checks first): nothing to say about the content.
        return []
    if not missing:
        return []
    # The check's own text is English, like Django's; the labels follow it.
    with translation.override("en"):
        labels = "; ".join(field.label for field in missing)
    return [
        Warning(
            f"The ANBI page lacks: {labels}.",
            hint="An ANBI must publish these. Fill them in the admin under Campaign settings, "
            "section ANBI publication; the page is /<language>/anbi/.",
            id="crowdfund.W001",
        )
    ]
