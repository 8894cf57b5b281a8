"""The donor's own page: asked for by email, opened by a signed link, held in the session.

Every object is looked up through the session's donor (`request.donor`), never by id
alone, so another donor's gift, sponsorship or statement answers 404.
"""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agreements.models import DocumentDamaged, PeriodicGiftAgreement
from annual_statements.documents import NothingToState, receipt_pdf, statement_issue
from annual_statements.models import AnnualStatement
from crowdfund.client_ip import client_ip
from donors.links import LinkExpired, LinkGone, LinkInvalid
from ledger.gift_donors import donor_adopt_gifts, donor_for_email
from ledger.models import Donation
from mygifts.access import (
    donor_from_token,
    donor_session_close,
    donor_session_get,
    donor_session_open,
)
from mygifts.forms import AmountForm, LinkRequestForm, PreferencesForm
from mygifts.limits import link_request_allowed, link_request_sends
from mygifts.selectors import donor_page
from mygifts.sponsorships import (
    ChangeRefused,
    sponsorship_amount_change,
    sponsorship_payment_method_url,
    sponsorship_stop,
)
from mygifts.tasks import send_manage_link
from mygifts.your_data import ErasureRefused, donor_erase, donor_export
from payments.providers.base import ProviderUnavailable
from prisoners.selectors import campaign_get
from sponsorships.models import Sponsorship

PROVIDER_DOWN = gettext_lazy(
    "We could not reach the payment provider, so nothing has changed yet. "
    "Please try again in a moment."
)


def donor_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        donor = donor_session_get(session=request.session)
        if donor is None:
            messages.info(request, _("Your page has closed. Ask for a new link below."))
            return redirect("mygifts:request")
        request.donor = donor
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


@never_cache
@require_http_methods(["GET", "POST"])
def request_link(request):
    campaign = campaign_get()
    if request.method == "GET":
        return render(
            request, "mygifts/request.html", {"campaign": campaign, "form": LinkRequestForm()}
        )
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return render(
            request, "mygifts/request.html", {"campaign": campaign, "form": form}, status=400
        )
    email, ip = form.cleaned_data["email"], client_ip(request)
    if not link_request_allowed(ip=ip):
        return render(request, "mygifts/rate_limited.html", {"campaign": campaign}, status=429)
    donor = donor_for_email(email)
    # Known or not, the same task and the same page: nobody can tell who gave. A client's
    # repeated requests for one address get the same page and send nothing (mygifts/limits.py).
    if link_request_sends(ip=ip, email=email):
        send_manage_link.enqueue(donor.pk if donor else None, get_language())
    return render(request, "mygifts/link_sent.html", {"campaign": campaign})


@never_cache
@require_safe
def open_link(request, token):
    try:
        donor = donor_from_token(token)
    except LinkExpired:
        context = {"campaign": campaign_get(), "expired": True, "form": LinkRequestForm()}
        return render(request, "mygifts/link_refused.html", context, status=410)
    except LinkGone:
        context = {"campaign": campaign_get(), "gone": True}
        return render(request, "mygifts/link_refused.html", context, status=410)
    except LinkInvalid:
        context = {"campaign": campaign_get(), "expired": False, "form": LinkRequestForm()}
        return render(request, "mygifts/link_refused.html", context, status=404)
    donor_adopt_gifts(donor=donor)
    donor_session_open(session=request.session, donor=donor)
    # Away from the token at once: it stays out of the address bar and any Referer.
    return redirect("mygifts:page")


def _page(request, *, status=200, amount_form=None, preferences_form=None):
    """The page, with a form that did not validate shown with its errors."""
    context = {"campaign": campaign_get(), **donor_page(donor=request.donor)}
    context["preferences_form"] = preferences_form or PreferencesForm(instance=request.donor)
    if amount_form is not None:
        for sponsorship in context["sponsorships"]:
            if f"s{sponsorship.pk}" == amount_form.prefix:
                sponsorship.amount_form = amount_form
    return render(request, "mygifts/page.html", context, status=status)


@donor_required
@require_safe
def page(request):
    return _page(request)


@donor_required
@require_POST
def leave(request):
    donor_session_close(session=request.session)
    messages.info(request, _("You have left your page. Your link or a new one opens it again."))
    return redirect("public:home")


@donor_required
@require_safe
def receipt(request, gift_id):
    gift = get_object_or_404(
        Donation.objects.select_related("prisoner").paid(), pk=gift_id, donor=request.donor
    )
    # In the language the donor chose for their documents, as their statements are; not
    # the page's, which may be another.
    pdf = receipt_pdf(donation=gift, language=request.donor.language)
    return _pdf_response(pdf, f"receipt-{gift.reference}.pdf")


@donor_required
@require_POST
def statement_request(request):
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    try:
        statement = statement_issue(donor_id=request.donor.pk, year=year)
    except NothingToState:
        messages.error(request, _("There is no statement for that year: no gift arrived in it."))
        return redirect("mygifts:page")
    return redirect("mygifts:statement", statement.pk)


@donor_required
@require_safe
def statement(request, statement_id):
    issued = get_object_or_404(AnnualStatement, pk=statement_id, donor=request.donor)
    if not issued.pdf:
        messages.error(request, _("This statement's document was erased at your request."))
        return redirect("mygifts:page")
    return _pdf_response(bytes(issued.pdf), f"{issued.number}.pdf")


@donor_required
@require_safe
def agreement(request, agreement_id):
    """The agreement as countersigned, or as the donor signed it while it waits for us."""
    own = get_object_or_404(PeriodicGiftAgreement, pk=agreement_id, donor=request.donor)
    if not (own.final_pdf or own.terms_pdf):
        raise Http404
    try:
        pdf = own.document_bytes("final" if own.final_pdf else "terms")
    except DocumentDamaged:
        messages.error(
            request,
            _(
                "This document does not match the one we recorded, so we do not show it. We "
                "have been alerted; please write to us."
            ),
        )
        return redirect("mygifts:page")
    return _pdf_response(pdf, f"{own.number}.pdf")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _own_sponsorship(request, sponsorship_id) -> Sponsorship:
    return get_object_or_404(
        Sponsorship.objects.select_related("prisoner"), pk=sponsorship_id, donor=request.donor
    )


@donor_required
@require_POST
def amount_change(request, sponsorship_id):
    sponsorship = _own_sponsorship(request, sponsorship_id)
    form = AmountForm(request.POST, prefix=f"s{sponsorship.pk}")
    if not form.is_valid():
        return _page(request, status=400, amount_form=form)
    try:
        sponsorship_amount_change(sponsorship_id=sponsorship.pk, amount=form.cleaned_data["amount"])
    except ChangeRefused:
        messages.error(request, _("Only a running monthly gift can change its amount."))
        return redirect("mygifts:page")
    except ProviderUnavailable:
        messages.error(request, PROVIDER_DOWN)
        return redirect("mygifts:page")
    messages.success(request, _("Done: your new monthly amount applies from the next payment."))
    return redirect("mygifts:page")


@donor_required
@require_http_methods(["GET", "POST"])
def stop(request, sponsorship_id):
    sponsorship = _own_sponsorship(request, sponsorship_id)
    if request.method == "POST":
        try:
            sponsorship_stop(sponsorship_id=sponsorship.pk)
        except (ProviderUnavailable, LookupError):
            messages.error(request, PROVIDER_DOWN)
            return redirect("mygifts:page")
        messages.success(
            request, _("Your monthly gift has stopped. No more payments are collected.")
        )
        return redirect("mygifts:page")
    return render(
        request, "mygifts/stop.html", {"campaign": campaign_get(), "sponsorship": sponsorship}
    )


@donor_required
@require_POST
def payment_method(request, sponsorship_id):
    sponsorship = _own_sponsorship(request, sponsorship_id)
    return_url = request.build_absolute_uri(reverse("mygifts:page"))
    try:
        url = sponsorship_payment_method_url(sponsorship=sponsorship, return_url=return_url)
    except ChangeRefused:
        messages.error(request, _("A stopped monthly gift has no payment method to change."))
        return redirect("mygifts:page")
    except (ProviderUnavailable, LookupError):
        messages.error(request, PROVIDER_DOWN)
        return redirect("mygifts:page")
    return redirect(url)


@donor_required
@require_safe
def data_export(request):
    response = JsonResponse(donor_export(donor=request.donor), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@donor_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.POST, instance=request.donor)
    if not form.is_valid():
        return _page(request, status=400, preferences_form=form)
    form.save()
    messages.success(request, _("Your email preferences are saved."))
    return redirect("mygifts:page")


@donor_required
@require_http_methods(["GET", "POST"])
def erase(request):
    context = {"campaign": campaign_get(), "donor": request.donor}
    if request.method == "GET":
        return render(request, "mygifts/erase.html", context)
    try:
        donor_erase(donor_id=request.donor.pk)
    except ErasureRefused as refused:
        messages.error(request, refused.message)
        return redirect("mygifts:page")
    donor_session_close(session=request.session)
    return render(request, "mygifts/erased.html", context)
