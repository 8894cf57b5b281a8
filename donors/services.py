"""Creating a donor: the first gift from an email address makes its record."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from donors.models import Donor, normalise_email


def donor_get_or_create(*, email: str, name: str = "", language: str = "es") -> Donor:
    """The donor behind an email address, created on their first gift."""
    email = normalise_email(email)
    donor = Donor.objects.filter(email=email).first()
    if donor is None:
        donor = donor_create(email=email, name=name, language=language)
    if name and not donor.name:
        Donor.objects.filter(pk=donor.pk, name="").update(name=name)
    return donor


def donor_create(*, email: str, name: str, language: str) -> Donor:
    """Make the record of an address known to have none yet (normalised by the caller)."""
    try:
        with transaction.atomic():
            return Donor.objects.create(email=email, name=name, language=language)
    except IntegrityError:
        # Two first gifts from one address at the same moment: the first one made it.
        return Donor.objects.get(email=email)
