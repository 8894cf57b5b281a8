"""What the public pages show of the messages of support: approved ones only."""

from __future__ import annotations

from messages_of_support.models import MessageOfSupport


def messages_of_support(*, prisoner, limit: int = 10) -> list[MessageOfSupport]:
    """Public messages for a prisoner: from paid gifts whose donor agreed to show them, and
    only once an editor approved them. Each carries `signature`, the name as the donor chose."""
    return list(
        MessageOfSupport.objects.submitted()
        .filter(donation__prisoner=prisoner, status=MessageOfSupport.Status.APPROVED)
        .select_related("donation")
        .only("text", "signed_with", "donation__donor_name", "donation__is_anonymous")
        .order_by("-donation__paid_at")[:limit]
    )
