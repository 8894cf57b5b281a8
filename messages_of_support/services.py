"""Recording the message a donor writes with their gift."""

from __future__ import annotations

from ledger.models import Donation
from messages_of_support.models import MessageOfSupport


def message_record(*, donation: Donation, text: str, is_public: bool, signed_with: str = ""):
    """The message a donor wrote with their gift, if they wrote one."""
    if not text:
        return None
    return MessageOfSupport.objects.create(
        donation=donation,
        text=text,
        is_public=is_public,
        signed_with=signed_with or MessageOfSupport.Signature.FIRST_NAME,
    )
