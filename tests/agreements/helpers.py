"""Agreements in a given state, made through the services (no emails)."""

from agreements.documents import agreement_terms_document_ensure
from agreements.models import PeriodicGiftAgreement
from agreements.services import agreement_countersign, agreement_create, agreement_sign
from tests.agreements.conftest import cleaned


def agreement_in_force(*, first_year: int, user=None, **overrides) -> PeriodicGiftAgreement:
    """Signed by the donor (and partner, if any) and countersigned."""
    agreement = agreement_signed(first_year=first_year, **overrides)
    agreement_countersign(agreement_id=agreement.pk, user=user, name="Tesorera", notify=False)
    agreement.refresh_from_db()
    return agreement


def agreement_signed(*, first_year: int | None = None, **overrides) -> PeriodicGiftAgreement:
    data = cleaned(**overrides)
    if first_year is not None:
        data["first_year"] = first_year
    agreement = agreement_create(data=data, language="en", notify=False)
    agreement = agreement_terms_document_ensure(agreement_id=agreement.pk)
    roles = ["donor", "partner"] if agreement.has_partner else ["donor"]
    for role in roles:
        agreement_sign(
            agreement_id=agreement.pk,
            role=role,
            ip="192.0.2.7",
            document_sha256=agreement.terms_pdf_sha256,
        )
    agreement.refresh_from_db()
    return agreement
