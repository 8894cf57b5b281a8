"""The donor's cancel link: a confirmation page, and one POST that stops the sponsorship."""

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from payments.providers.base import ProviderUnavailable
from prisoners.selectors import campaign_get
from sponsorships.cancel import sponsorship_cancel
from sponsorships.links import sponsorship_from_token, sponsorship_restart_url
from sponsorships.models import Sponsorship, SponsorshipEvent

logger = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "POST"])
def sponsorship_cancel_view(request, token):
    sponsorship = sponsorship_from_token(token)
    context = {"campaign": campaign_get(), "sponsorship": sponsorship}
    if sponsorship is None:
        # Forged, mistyped or cut short by a mail program: say so, change nothing.
        return render(request, "sponsorships/cancel.html", context, status=404)
    status = 200
    if request.method == "POST":
        try:
            sponsorship_cancel(
                sponsorship_id=sponsorship.pk,
                reason=Sponsorship.CancelReason.DONOR,
                source=SponsorshipEvent.Source.DONOR,
            )
            return redirect("sponsorships:sponsorship_cancel", token)
        except ProviderUnavailable:
            messages.error(
                request,
                _(
                    "We could not reach the payment provider, so nothing has changed yet. "
                    "Please try again in a moment."
                ),
            )
            status = 503
        except LookupError:
            # Stopped only here, it could go on being charged there: a person must look.
            logger.error("Sponsorship %s: its provider does not know it", sponsorship.pk)
            messages.error(
                request,
                _(
                    "The payment provider does not recognise this sponsorship, so nothing has "
                    "changed. Please write to us, and we will stop it for you."
                ),
            )
            status = 502
    context["restart_url"] = sponsorship_restart_url(sponsorship)
    return render(request, "sponsorships/cancel.html", context, status=status)
