"""Which donate and bank-transfer addresses are the site's own links, and so may have their
page kept for the next visitor (crowdfund/page_cache.py, `render_form_page`'s `keep`).

The site links to these pages with a published prisoner, a preset amount written with two
decimals, and `frequency=monthly`. A page at any other address (a typed amount carried over,
a slug that was never published, `amount=015`) is rendered for its visitor alone: with a value
of its own in every made-up address, a flood could otherwise fill the shared cache.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from prisoners.models import Prisoner, prisoner_slug

# The amount the bank-transfer page shows when none was chosen.
DEFAULT_TRANSFER = Decimal("25.00")


def _amounts(*presets) -> set[str]:
    return {"", *(f"{amount:.2f}" for group in presets for amount in group)}


def _known_prisoner(slug: str | None) -> bool:
    if not slug:
        return True
    return bool(prisoner_slug(slug)) and Prisoner.objects.published().filter(slug=slug).exists()


def donate_link_usual(query) -> bool:
    amounts = _amounts(settings.DONATION_PRESETS, settings.DONATION_MONTHLY_PRESETS)
    return (
        query.get("frequency", "monthly") in ("", "monthly")
        and query.get("amount", "") in amounts
        and _known_prisoner(query.get("prisoner"))
    )


def transfer_link_usual(query, context: dict) -> bool:
    """`context` is the bank-transfer page's own: it already knows the prisoner chosen."""
    amounts = _amounts(settings.DONATION_PRESETS, [DEFAULT_TRANSFER])
    return query.get("amount", "") in amounts and (
        not query.get("prisoner") or context["selected"] is not None
    )
