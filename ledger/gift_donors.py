"""Which donor record holds a gift: one-off gifts and typed-in transfers carry only an
address until the donor asks for their page or a statement is issued, when a record is made
and the address's gifts join it."""

from __future__ import annotations

from django.db.models import Q

from donors.models import ANONYMISED_DOMAIN, Donor, normalise_email
from donors.services import donor_create
from ledger.models import Donation


def donor_for_email(email: str) -> Donor | None:
    """The donor behind an address, if we know one: a donor record, or paid gifts that no
    donor holds yet (one-off gifts, transfers typed in with an email), for whom the record
    is made now.

    Runs the same two queries whichever the answer, so the time it takes says nothing; only
    the very first request for a gift-only address also writes the record.
    """
    email = normalise_email(email)
    donor = Donor.objects.filter(email=email).first()
    loose = Donation.objects.filter(donor__isnull=True, donor_email__iexact=email)
    latest = loose.filter(status=Donation.Status.PAID).order_by("-created_at").first()
    if email.endswith(f"@{ANONYMISED_DOMAIN}"):
        return None
    if donor is None and latest is not None:
        donor = _donor_create(email=email, latest=latest, loose=loose)
    return donor


def _donor_create(*, email: str, latest: Donation, loose) -> Donor:
    named = loose.filter(is_anonymous=False).exclude(donor_name="").order_by("-created_at")
    name = named.values_list("donor_name", flat=True).first() or ""
    return donor_create(email=email, name=name, language=latest.language)


def donor_adopt_gifts(*, donor: Donor) -> int:
    """Link this address's gifts that no donor holds yet to the donor. Returns how many."""
    loose = Q(donor__isnull=True, donor_email__iexact=donor.email)
    return Donation.objects.filter(loose).update(donor=donor)
