"""Provider webhooks. No language prefix, no CSRF (providers post server to server)."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations.models import Donation
from donations.payments import payment_webhook
from donations.providers import get_provider


def _handle(request, provider_name: str) -> HttpResponse:
    if not get_provider(provider_name).is_enabled():
        return HttpResponse("provider not configured\n", status=404, content_type="text/plain")
    status = payment_webhook(provider_name=provider_name, request=request)
    return HttpResponse(status=status)


@csrf_exempt
@require_POST
def mollie(request):
    return _handle(request, Donation.Provider.MOLLIE)


@csrf_exempt
@require_POST
def stripe(request):
    return _handle(request, Donation.Provider.STRIPE)
