"""The demo checkout: the local, clearly labelled stand-in for a provider's payment page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from demo.models import DemoPayment
from ledger.models import Donation
from payments.providers import get_provider
from payments.services import payment_webhook
from payments.webhooks import webhook_input
from prisoners.selectors import campaign_get


@never_cache
@require_http_methods(["GET", "POST"])
def demo_checkout(request, payment_id):
    provider = get_provider(Donation.Provider.DEMO)
    if not provider.is_enabled():
        raise Http404("Demo payments are switched off.")
    payment = get_object_or_404(DemoPayment, payment_id=payment_id)
    donation = get_object_or_404(
        Donation, provider=Donation.Provider.DEMO, provider_payment_id=payment_id
    )
    if request.method == "POST":
        try:
            provider.simulate(payment_id, request.POST.get("outcome", ""))
        except ValueError:
            messages.error(request, _("Choose one of the outcomes."))
            return redirect("demo:demo_checkout", payment_id)
        # The same path as a real provider's webhook: store, fetch, apply.
        payment_webhook(provider_name=Donation.Provider.DEMO, **webhook_input(request))
        return redirect("giving:thanks", donation.public_id)
    return render(
        request,
        "demo/checkout.html",
        {"campaign": campaign_get(), "payment": payment, "donation": donation},
    )
