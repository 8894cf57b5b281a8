"""Starting sponsorships in tests as the donate form will: through sponsorship_start."""

import uuid
from decimal import Decimal

from giving.sponsorship_start import sponsorship_checkout, sponsorship_start
from ledger.models import Donation


def sponsor_data(method: str, **overrides) -> dict:
    data = {
        "amount": Decimal("15.00"),
        "prisoner": None,
        "purpose": "",
        "method": method,
        "donor_name": "Camila",
        "donor_email": "Camila@Example.org",
        "is_anonymous": False,
        "public_message": "",
        "message_is_public": False,
    }
    data.update(overrides)
    return data


def start_sponsorship(method: str, language: str = "en", **overrides) -> tuple[Donation, str]:
    """The form's path: record, then the provider's checkout. Returns (first month, URL)."""
    donation = sponsorship_start(
        attempt=uuid.uuid4(), data=sponsor_data(method, **overrides), language=language
    )
    url = sponsorship_checkout(donation=donation)
    donation.refresh_from_db()
    return donation, url


def english_when(day: int) -> str:
    """How the English site says when a month is collected, worked out apart from the code."""
    if day >= 29:
        return "around the end of every month"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th") if day not in (11, 12, 13) else "th"
    return f"on or around the {day}{suffix} of every month"
