from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from donations.epc import epc_qr_svg
from donations.forms import TransferAmountForm
from donations.selectors import categories_by_purpose
from prisoners.selectors import campaign_get, prisoners_published


@require_GET
def bank_transfer(request):
    campaign = campaign_get()
    prisoners = prisoners_published()
    form = TransferAmountForm(request.GET or None, initial={"amount": Decimal("25.00")})
    amount = form.cleaned_data["amount"] if form.is_valid() else form.fields["amount"].initial
    slug = request.GET.get("prisoner", "")
    selected = next((p for p in prisoners if p.slug == slug), None)
    reference = selected.payment_reference if selected else campaign.general_reference
    fund = selected.name if selected else _("the general fund")
    return render(
        request,
        "donations/bank_transfer.html",
        {
            "campaign": campaign,
            "prisoners": prisoners,
            "selected": selected,
            "reference": reference,
            "form": form,
            "qr_svg": epc_qr_svg(
                campaign=campaign,
                reference=reference,
                amount=amount,
                title=_("QR code for a bank transfer to %(fund)s") % {"fund": fund},
            ),
        },
    )


@require_GET
def money_use(request):
    return render(
        request,
        "donations/money_use.html",
        {"campaign": campaign_get(), "purposes": categories_by_purpose()},
    )
