from django import template
from django.urls import reverse

from prisoners.anbi import anbi_missing_fields
from prisoners.models import Campaign
from prisoners.rich_text import has_text as _has_text

register = template.Library()


@register.filter
def has_text(value: str | None) -> bool:
    return _has_text(value)


@register.simple_tag
def anbi_gaps(user) -> dict | None:
    """For the admin's index: the ANBI fields still empty, to whoever may fill them in."""
    if not user.has_perm("prisoners.change_campaign"):
        return None
    campaign = Campaign.objects.first()
    missing = anbi_missing_fields(campaign)
    if not missing:
        return None
    if campaign is None:
        url = reverse("admin:prisoners_campaign_add")
    else:
        url = reverse("admin:prisoners_campaign_change", args=[campaign.pk])
    return {"missing": missing, "url": url}
