"""The donor's side: the form, "check your email", and each signer's page behind their link."""

import io

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from agreements.documents import agreement_terms_document_ensure
from agreements.forms import AgreementForm
from agreements.links import signing_token_check
from agreements.models import AgreementSignature, DocumentDamaged
from agreements.services import agreement_create, agreement_sign
from crowdfund.client_ip import client_ip
from giving.ratelimit import sending_allowed, unasked_mail_allowed
from prisoners.selectors import campaign_get

Role = AgreementSignature.Role
# A bad link's page: "invalid" is forged or cut short (404), "expired" is too old (410);
# "damaged": the stored document is not the one whose fingerprint was recorded (409).
LINK_STATUS = {"invalid": 404, "expired": 410, "damaged": 409}


@never_cache
@require_http_methods(["GET", "POST"])
def agreement_start(request):
    campaign = campaign_get()
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not sending_allowed(ip=client_ip(request)):
            return render(
                request, "agreements/rate_limited.html", {"campaign": campaign}, status=429
            )
        # Over the address's own limit nothing is recorded or sent, and the page is the same.
        if unasked_mail_allowed(email=form.cleaned_data["email"]):
            agreement_create(data=form.cleaned_data, language=get_language())
        return redirect("agreements:check_email")
    status = 400 if form.is_bound else 200
    return render(
        request, "agreements/start.html", {"campaign": campaign, "form": form}, status=status
    )


@require_safe
def check_email(request):
    return render(request, "agreements/check_email.html", {"campaign": campaign_get()})


def _link_problem(request, campaign, problem: str):
    return render(
        request,
        "agreements/sign.html",
        {"campaign": campaign, "problem": problem},
        status=LINK_STATUS[problem],
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request, token, role=Role.DONOR):
    campaign = campaign_get()
    check = signing_token_check(token, role)
    if check.agreement is None:
        # Forged, mistyped, for another signer, or too old: say so, change nothing.
        return _link_problem(request, campaign, check.problem)
    agreement = agreement_terms_document_ensure(agreement_id=check.agreement.pk)
    try:
        agreement.document_bytes("terms")
    except DocumentDamaged:
        return _link_problem(request, campaign, "damaged")
    outcome = ""
    status = 200
    if request.method == "POST":
        result = agreement_sign(
            agreement_id=agreement.pk,
            role=role,
            ip=client_ip(request),
            document_sha256=request.POST.get("document_sha256", ""),
        )
        if result.applied:
            return redirect(request.path)
        outcome, status = result.problem, 409
        agreement = result.agreement
    signature = agreement.signatures.filter(role=role).first()
    context = {
        "campaign": campaign,
        "agreement": agreement,
        "role": role,
        "token": token,
        "signature": signature,
        "outcome": outcome,
        # The form again after "you were shown another document"; never once cancelled.
        "can_sign": agreement.status != agreement.Status.CANCELLED
        and (outcome == "document_changed" or not (signature or outcome)),
        "name": agreement.donor_full_name if role == Role.DONOR else agreement.partner_name,
    }
    return render(request, "agreements/sign.html", context, status=status)


@never_cache
@require_safe
def document(request, token, role=Role.DONOR):
    """The exact PDF the signer is asked to sign: the stored bytes, checked against the
    fingerprint the signing form carries."""
    check = signing_token_check(token, role)
    if check.agreement is None:
        raise Http404
    agreement = agreement_terms_document_ensure(agreement_id=check.agreement.pk)
    try:
        pdf = agreement.document_bytes("terms")
    except DocumentDamaged:
        return _link_problem(request, campaign_get(), "damaged")
    response = FileResponse(
        io.BytesIO(pdf),
        content_type="application/pdf",
        filename=f"{agreement.number}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
