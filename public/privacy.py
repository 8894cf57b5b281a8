"""The privacy statement: what is kept, why, for how long, and the donor's rights."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from prisoners.selectors import campaign_get


@require_safe
def privacy(request):
    # The periods come from the same settings apply_retention reads, so the page and the
    # clean-up can never disagree.
    retention = {
        "donor_years": settings.RETENTION_DONOR_YEARS,
        "unfinished_days": settings.RETENTION_UNFINISHED_GIFT_DAYS,
        "webhook_days": settings.RETENTION_WEBHOOK_BODY_DAYS,
    }
    return render(
        request,
        "public/privacy.html",
        {
            "campaign": campaign_get(),
            "retention": retention,
            "statement_text": settings.PAYMENT_DESCRIPTION,
        },
    )
