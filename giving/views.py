import uuid
from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from crowdfund.caching import CacheUnavailable
from crowdfund.client_ip import client_ip
from crowdfund.money import format_typed, parse_typed_amount
from crowdfund.page_cache import render_form_page
from giving.epc import epc_qr_svg
from giving.form_links import DEFAULT_TRANSFER, donate_link_usual, transfer_link_usual
from giving.forms import DonationForm, TransferAmountForm, TransferEmailForm
from giving.ratelimit import checkout_allowed, checkout_started, sending_allowed
from giving.services import (
    donation_checkout,
    donation_remember_started,
    donation_retry_initial,
    donation_start,
)
from giving.sharing import share_links
from giving.sponsorship_start import sponsorship_checkout, sponsorship_start
from giving.transfers import expected_transfer_create
from ledger.models import Donation
from payments.models import StatusChange
from payments.providers import enabled_methods, get_provider
from payments.providers.base import ProviderUnavailable
from payments.services import payment_refresh
from prisoners.models import Prisoner, prisoner_slug
from prisoners.selectors import campaign_get
from sponsorships.links import first_month_of, monthly_invitation
from sponsorships.schedule import collection_when
from statements.models import ExpectedTransfer


def _bank_transfer_query(*, amount: Decimal | None, prisoner: Prisoner | None) -> str:
    query = {}
    if prisoner is not None:
        query["prisoner"] = prisoner.slug
    if amount is not None:
        query["amount"] = f"{amount:.2f}"
    return "?" + urlencode(query) if query else ""


def _transfer_qr(campaign, *, reference: str, amount: Decimal, fund: str) -> str:
    return epc_qr_svg(
        campaign=campaign,
        reference=reference,
        amount=amount,
        title=_("QR code for a bank transfer to %(fund)s") % {"fund": fund},
    )


def _prisoner_choices():
    # Names and references only: not every story in three languages, nor anyone's total.
    return Prisoner.objects.published().only("name", "slug", "payment_reference")


@require_safe
def bank_transfer(request):
    # Built only when no kept copy of this address exists (see render_form_page): a kept
    # one costs no query.
    return render_form_page(
        request,
        "giving/bank_transfer.html",
        lambda: _bank_transfer_context(request),
        keep=lambda context: transfer_link_usual(request.GET, context),
    )


def _bank_transfer_context(request) -> dict:
    campaign = campaign_get()
    prisoners = _prisoner_choices()
    slug = prisoner_slug(request.GET.get("prisoner"))
    selected = prisoners.filter(slug=slug).first() if slug else None
    # Only a typed amount is checked: arriving from the donate form or a prisoner's page
    # with no amount is not an error.
    form = TransferAmountForm(request.GET if "amount" in request.GET else None)
    amount = (form.cleaned_data["amount"] if form.is_valid() else None) or DEFAULT_TRANSFER
    if not form.is_bound or form.is_valid():
        # Shown as the donor's language writes it, whatever the link carried.
        form = TransferAmountForm(initial={"amount": format_typed(amount, get_language())})
    reference = selected.payment_reference if selected else campaign.general_reference
    fund = selected.name if selected else _("the general fund")
    email_form = TransferEmailForm(
        prisoners=_prisoner_choices(),
        initial={"amount": form["amount"].value(), "prisoner": selected.slug if selected else ""},
    )
    return {
        "campaign": campaign,
        "prisoners": prisoners,
        "selected": selected,
        "reference": reference,
        "form": form,
        "email_form": email_form,
        "qr_svg": _transfer_qr(campaign, reference=reference, amount=amount, fund=fund),
    }


@never_cache
@require_http_methods(["POST"])
def bank_transfer_email(request):
    campaign = campaign_get()
    form = TransferEmailForm(request.POST, prisoners=_prisoner_choices())
    if not form.is_valid():
        return render(
            request,
            "giving/bank_transfer_email.html",
            {"campaign": campaign, "email_form": form},
            status=400,
        )
    data = form.cleaned_data
    if not sending_allowed(ip=client_ip(request)):
        return _rate_limited(request, amount=data["amount"], prisoner=data["prisoner"])
    expected = expected_transfer_create(
        email=data["email"],
        donor_name=data["donor_name"],
        language=get_language(),
        amount=data["amount"],
        prisoner=data["prisoner"],
    )
    return redirect("giving:bank_transfer_expected", expected.public_id)


@never_cache
@require_safe
def bank_transfer_expected(request, public_id):
    campaign = campaign_get()
    expected = get_object_or_404(
        ExpectedTransfer.objects.select_related("prisoner"), public_id=public_id
    )
    return render(
        request,
        "giving/bank_transfer_expected.html",
        {
            "campaign": campaign,
            "expected": expected,
            "qr_svg": _transfer_qr(
                campaign,
                reference=expected.reference,
                amount=expected.amount,
                fund=expected.fund_name,
            ),
        },
    )


def _rate_limited(
    request, *, amount: Decimal | None, prisoner: Prisoner | None, outage: bool = False
):
    """Online payment refused, the bank transfer offered: over a limit (429), or while the
    shared cache that counts the limits does not answer (503)."""
    response = render(
        request,
        "giving/rate_limited.html",
        {
            "campaign": campaign_get(),
            "outage": outage,
            "bank_transfer_query": _bank_transfer_query(amount=amount, prisoner=prisoner),
        },
        status=503 if outage else 429,
    )
    if outage:
        response["Retry-After"] = "60"
    return response


def _attempt(request) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("attempt", ""))
    except ValueError:
        return uuid.uuid4()


@never_cache
@require_http_methods(["GET", "POST"])
def donate(request):
    language = get_language()
    methods = [*enabled_methods(), "bank_transfer"]

    def donation_form(data=None, **kwargs) -> DonationForm:
        # Built only when a form is: a kept copy of the page needs none (see below).
        kwargs.update(methods=methods, prisoners=_prisoner_choices(), language=language)
        return DonationForm(data, **kwargs)

    status = 200
    if request.method == "POST":
        form = donation_form(request.POST)
        attempt = _attempt(request)
        if form.is_valid():
            data = form.cleaned_data
            if data["method"] == "bank_transfer":
                query = _bank_transfer_query(amount=data["amount"], prisoner=data["prisoner"])
                return redirect(reverse("giving:bank_transfer") + query)
            ip = client_ip(request)
            try:
                allowed = checkout_allowed(ip=ip, email=data["donor_email"])
            except CacheUnavailable:
                return _rate_limited(
                    request, amount=data["amount"], prisoner=data["prisoner"], outage=True
                )
            if not allowed:
                return _rate_limited(request, amount=data["amount"], prisoner=data["prisoner"])
            monthly = data["frequency"] == Donation.Frequency.MONTHLY
            start, checkout = (
                (sponsorship_start, sponsorship_checkout)
                if monthly
                else (donation_start, donation_checkout)
            )
            donation = start(attempt=attempt, data=data, language=language)
            checkout_started(ip=ip, donation_id=donation.pk)
            donation_remember_started(session=request.session, donation=donation)
            if donation.status not in (Donation.Status.NEW, Donation.Status.OPEN):
                return redirect("giving:thanks", donation.public_id)
            try:
                return redirect(checkout(donation=donation))
            except ProviderUnavailable:
                form.add_error(
                    "method",
                    _(
                        "We could not reach the payment provider. Nothing was charged. "
                        "Please try again in a moment, or choose another way to pay."
                    ),
                )
                attempt = uuid.uuid4()
                status = 503
    else:
        initial = {
            "preset": "25",
            "monthly_preset": "15",
            "prisoner": prisoner_slug(request.GET.get("prisoner")) or None,
            **_initial_from_link(request.GET, language=language),
        }
        attempt = uuid.uuid4()
        if not request.GET.get("retry"):
            # The same form for everyone who follows the same link (see render_form_page):
            # built only when no kept copy exists, so a kept one costs no query.
            def context():
                form = donation_form(initial=initial)
                details_open = _details_open(form)
                return {"campaign": campaign_get(), "form": form, "details_open": details_open}

            return render_form_page(
                request,
                "giving/donate.html",
                context,
                # The methods on offer, and the day (the monthly line says "around the 7th").
                varies_with=[*methods, timezone.localdate().isoformat()],
                attempt=attempt,
                keep=lambda _context: donate_link_usual(request.GET),
            )
        retry = donation_retry_initial(
            public_id=request.GET.get("retry", ""), session=request.session, language=language
        )
        form = donation_form(initial={**initial, **(retry or {})})
    context = {
        "campaign": campaign_get(),
        "form": form,
        "attempt": attempt,
        "details_open": _details_open(form),
    }
    return render(request, "giving/donate.html", context, status=status)


def _initial_from_link(query, *, language: str) -> dict:
    """`?frequency=monthly&amount=15.00` (the restart link in a sponsor's email) preselects."""
    initial = {}
    monthly = query.get("frequency") == Donation.Frequency.MONTHLY
    if monthly:
        initial["frequency"] = Donation.Frequency.MONTHLY
    amount = parse_typed_amount(query.get("amount", ""))
    if amount is not None and amount > 0:
        presets = settings.DONATION_MONTHLY_PRESETS if monthly else settings.DONATION_PRESETS
        preset = next((p for p in presets if p == amount), None)
        if preset is not None:
            initial["monthly_preset" if monthly else "preset"] = str(preset)
        else:
            # No preset stays ticked beside a typed amount: the form would read two amounts.
            initial.update(preset=None, monthly_preset=None)
            initial["other_amount"] = format_typed(amount, language)
    return initial


def _details_open(form: DonationForm) -> bool:
    """The folded questions unfold when they hold an answer or an error."""
    names = ("purpose", "public_message", "message_is_public")
    # The signature always has a value (its default), so only its error unfolds them.
    return bool(form["message_signature"].errors) or any(
        form[name].errors or form[name].value() for name in names
    )


# Five seconds apart, for two minutes: then the email will tell the donor.
WAIT_REFRESH_SECONDS = 5
WAIT_REFRESH_TIMES = 24


@never_cache
@require_safe
def thanks(request, public_id):
    donation = get_object_or_404(Donation.objects.select_related("prisoner"), public_id=public_id)
    provider = get_provider(donation.provider) if donation.provider_payment_id else None
    if provider and provider.is_enabled() and not donation.is_settled:
        # The return alone proves nothing; ask the provider, through the webhook's path.
        try:
            payment_refresh(donation=donation, source=StatusChange.Source.RETURN)
            donation.refresh_from_db()
        except (ProviderUnavailable, LookupError):
            pass
    try:
        waited = max(0, int(request.GET.get("wait", "0")))
    except ValueError:
        waited = 0
    waiting = donation.status in (Donation.Status.OPEN, Donation.Status.PENDING)
    sponsorship = first_month_of(donation)
    return render(
        request,
        "giving/thanks.html",
        {
            "campaign": campaign_get(),
            "donation": donation,
            "refresh_seconds": WAIT_REFRESH_SECONDS,
            "refresh_url": (
                f"?wait={waited + 1}" if waiting and waited < WAIT_REFRESH_TIMES else ""
            ),
            "share": share_links(prisoner=donation.prisoner),
            "monthly_invitation": monthly_invitation(donation),
            "sponsorship": sponsorship,
            "collection_when": collection_when(sponsorship, donation) if sponsorship else "",
        },
    )
