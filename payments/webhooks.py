"""Provider webhooks. No language prefix, no CSRF (providers post server to server)."""

from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ledger.models import Donation
from payments.models import PaymentEvent
from payments.providers import get_provider
from payments.services import payment_webhook

# Everything else is answered 200, so the provider stops retrying it.
_HTTP_STATUS = {
    PaymentEvent.Outcome.REJECTED: 400,
    # The provider retries a 5xx later; sync_payments is the net under that.
    PaymentEvent.Outcome.FAILED: 503,
}


def webhook_input(request: HttpRequest) -> dict:
    """What a webhook service reads from a request: the raw body, headers and form fields."""
    try:
        body = request.body
    except RawPostDataException:
        body = b""  # already read as a multipart form (the demo checkout)
    return {"body": body, "headers": request.headers, "form": request.POST.dict()}


def _handle(request: HttpRequest, provider_name: str) -> HttpResponse:
    if not get_provider(provider_name).is_enabled():
        return HttpResponse("provider not configured\n", status=404, content_type="text/plain")
    event = payment_webhook(provider_name=provider_name, **webhook_input(request))
    # Only a rejection says why: what a webhook changed is ours, not the sender's business.
    rejected = event.outcome == PaymentEvent.Outcome.REJECTED
    message = f"{event.outcome}: {event.detail}" if rejected else event.outcome
    return HttpResponse(
        f"{message}\n",
        status=_HTTP_STATUS.get(event.outcome, 200),
        content_type="text/plain",
    )


@csrf_exempt
@require_POST
def mollie(request):
    return _handle(request, Donation.Provider.MOLLIE)


@csrf_exempt
@require_POST
def stripe(request):
    return _handle(request, Donation.Provider.STRIPE)
