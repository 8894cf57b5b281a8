"""The demo agreement for `load_demo`: an invented donor who signed, countersigned by the demo
treasurer, so that `make run` shows a finished agreement with both of its documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from agreements.documents import agreement_terms_document_ensure
from agreements.models import AgreementSignature, PeriodicGiftAgreement
from agreements.services import agreement_countersign, agreement_create, agreement_sign

DEMO_EMAIL = "demo.donor@example.org"
# Invented, like every demo person: a name that says so and a made-up address.
DEMO_DONOR = {
    "email": DEMO_EMAIL,
    "given_names": "Demo Andrea",
    "surname": "Ejemplo Ficticia",
    "birth_date": date(1980, 5, 17),
    "birth_place": "Valparaíso",
    "street": "Voorbeeldstraat 2",
    "postcode": "1234 AB",
    "city": "Voorbeeldstad",
    "country": "Nederland",
    "yearly_amount": Decimal("360.00"),
    "duration": PeriodicGiftAgreement.Duration.FIVE_YEARS,
    "duration_years": 5,
    "payment_way": PeriodicGiftAgreement.PaymentWay.BANK_TRANSFER,
    "partner_name": "",
    "partner_email": "",
}


def demo_agreement_load() -> PeriodicGiftAgreement:
    """The demo agreement, made the first time and left as it is after that. No email is
    sent: the demo donor's address belongs to nobody."""
    existing = PeriodicGiftAgreement.objects.filter(email=DEMO_EMAIL).first()
    if existing is not None:
        return existing
    data = {**DEMO_DONOR, "first_year": timezone.localdate().year}
    agreement = agreement_create(data=data, language="nl", notify=False)
    agreement = agreement_terms_document_ensure(agreement_id=agreement.pk)
    agreement_sign(
        agreement_id=agreement.pk,
        role=AgreementSignature.Role.DONOR,
        ip="",
        document_sha256=agreement.terms_pdf_sha256,
        notify=False,
    )
    treasurer = User.objects.filter(username="treasurer").first()
    name = (treasurer.get_full_name() if treasurer else "") or "Demo Penningmeester"
    agreement_countersign(agreement_id=agreement.pk, user=treasurer, name=name, notify=False)
    agreement.refresh_from_db()
    return agreement
