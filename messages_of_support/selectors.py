"""What the public pages show of the messages of support: approved ones only."""

from __future__ import annotations

from ledger.models import Donation
from messages_of_support.models import MessageOfSupport


def messages_of_support(*, prisoner, limit: int = 10) -> list[MessageOfSupport]:
    """Public messages for a prisoner: from paid gifts whose donor agreed to show them, and
    only once an editor approved them. Each carries `signature`, the name as the donor chose."""
    return list(
        MessageOfSupport.objects.submitted()
        .filter(prisoner=prisoner, message_status=Donation.MessageStatus.APPROVED)
        .only("public_message", "donor_name", "is_anonymous", "message_signature")
        .order_by("-paid_at")[:limit]
    )
