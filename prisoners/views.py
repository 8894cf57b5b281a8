from django.shortcuts import render
from django.views.decorators.http import require_safe

from donations.selectors import campaign_totals, messages_of_support
from prisoners import selectors


@require_safe
def home(request):
    prisoners = selectors.prisoners_published()
    return render(
        request,
        "prisoners/home.html",
        {
            "campaign": selectors.campaign_get(),
            "totals": campaign_totals(),
            "monthly": selectors.monthly_pledged(),
            "prisoners": prisoners,
            # A shared link to the campaign shows the first prisoner's face.
            "share_prisoner": next((p for p in prisoners if p.photo), None),
        },
    )


@require_safe
def detail(request, slug):
    prisoner = selectors.prisoner_published_get(slug=slug)
    return render(
        request,
        "prisoners/detail.html",
        {
            "campaign": selectors.campaign_get(),
            "prisoner": prisoner,
            "messages_of_support": messages_of_support(prisoner=prisoner),
        },
    )
