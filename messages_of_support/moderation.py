"""Reviewing messages of support: approve or hide, recorded with who and when."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from crowdfund.content import content_changed
from messages_of_support.models import (
    MODERATION_FROM,
    MessageModeration,
    MessageOfSupport,
    MessageStatus,
)


def message_moderate(*, message_id: int, to_status: MessageStatus, user: str) -> bool:
    """Approve or hide one message. Returns False when it was already in that state, or
    is not a message under review (an unpaid gift, or one the donor did not want shown).
    """
    allowed_from = MODERATION_FROM[to_status]
    with transaction.atomic():
        # Lock: two editors working through the same queue must not both log a decision
        # from the same state, nor one undo the other's without a trace.
        message = (
            MessageOfSupport.objects.submitted().select_for_update().filter(pk=message_id).first()
        )
        if message is None or message.status not in allowed_from:
            return False
        now = timezone.now()
        MessageModeration.objects.create(
            donation_id=message.pk,
            from_status=message.status,
            to_status=to_status,
            moderated_by=user,
            moderated_at=now,
        )
        message.status = to_status
        message.moderated_by = user
        message.moderated_at = now
        message.save(update_fields=["status", "moderated_by", "moderated_at"])
        # The prisoner's page shows approved messages: its cached copy must follow.
        content_changed()
    return True
