from django.http import Http404

from prisoners.models import Campaign


def campaign_get() -> Campaign:
    campaign = Campaign.objects.first()
    if campaign is None:
        # Only a brand-new installation has no campaign; `load_demo` or the admin creates it.
        raise Http404("No campaign has been set up yet.")
    return campaign
