"""What the public report shows: the campaign, the stories and the totals, never a donor."""

from django.utils import timezone

from giving.epc import epc_qr_svg
from ledger.selectors import campaign_totals, categories_by_purpose, with_raised
from ledger.transparency import money_flow
from prisoners.models import Campaign, Prisoner


def public_report_context() -> dict:
    campaign = Campaign.objects.first()
    flow = money_flow()
    return {
        "campaign": campaign,
        "totals": campaign_totals(),
        "purposes": categories_by_purpose(),
        "spent_by_category": flow.categories,
        "spent": flow.spent,
        "prisoners": with_raised(Prisoner.objects.published()),
        "generated_at": timezone.localtime(),
        "qr_svg": epc_qr_svg(
            campaign=campaign,
            reference=campaign.general_reference,
            amount=25,
            title=campaign.general_reference,
        )
        if campaign
        else "",
    }
