"""Once made, an agreement's terms never change, and its documents are written once."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from agreements.documents import agreement_terms_document_ensure
from agreements.models import AgreementLocked, PeriodicGiftAgreement
from donors.models import Donor
from tests.agreements.helpers import agreement_in_force, agreement_signed
from tests.agreements.test_admin import _change_form, _change_url

YEAR = timezone.localdate().year


@pytest.fixture
def signed(anbi):
    return agreement_signed(first_year=YEAR)


@pytest.mark.parametrize(
    "field, value",
    [
        ("yearly_amount", Decimal("1.00")),
        ("duration", "open_ended"),
        ("first_year", YEAR + 1),
        ("surname", "Otra"),
        ("number", "PG-1999-0001"),
        ("rsin", "000000000"),
        ("terms_pdf_sha256", "0" * 64),
        ("email", "someone.else@example.org"),
    ],
)
def test_it_refuses_to_change_a_signed_agreement(signed, field, value):
    before = PeriodicGiftAgreement.objects.values().get(pk=signed.pk)
    setattr(signed, field, value)
    with pytest.raises(AgreementLocked):
        signed.save()
    assert PeriodicGiftAgreement.objects.values().get(pk=signed.pk) == before


def test_it_never_moves_to_another_donor(signed):
    """Its donor is set once, when the owner of its address signs."""
    signed.donor = Donor.objects.create(email="someone.else@example.org")
    with pytest.raises(AgreementLocked):
        signed.save()
    signed.donor = None
    with pytest.raises(AgreementLocked):
        signed.save()
    assert PeriodicGiftAgreement.objects.get(pk=signed.pk).donor.email == "camila@example.org"


def test_it_still_records_what_happens_to_it(signed):
    signed.status = PeriodicGiftAgreement.Status.ENDED
    signed.ended_on = timezone.localdate()
    signed.save()
    signed.refresh_from_db()
    assert signed.status == PeriodicGiftAgreement.Status.ENDED


def test_it_never_deletes_a_signed_agreement(signed):
    with pytest.raises(AgreementLocked):
        signed.delete()
    assert PeriodicGiftAgreement.objects.filter(pk=signed.pk).exists()


def test_it_renders_the_document_to_sign_once(signed):
    first = signed.terms_pdf.name, signed.terms_pdf_sha256
    again = agreement_terms_document_ensure(agreement_id=signed.pk)
    assert (again.terms_pdf.name, again.terms_pdf_sha256) == first


@pytest.mark.parametrize("who", ["treasurer", "superuser"])
def test_it_offers_no_way_to_edit_the_terms_in_the_admin(client, anbi, treasurer, who):
    agreement = agreement_in_force(first_year=YEAR)
    user = treasurer if who == "treasurer" else User.objects.create_superuser("root", password="x")
    client.force_login(user)
    page = client.get(_change_url(agreement)).content.decode()
    assert 'name="yearly_amount"' not in page and 'name="surname"' not in page
    before = PeriodicGiftAgreement.objects.values().get(pk=agreement.pk)
    forged = _change_form(
        agreement,
        yearly_amount="1",
        surname="Otra",
        number="PG-1999-0001",
        status="draft",
        first_year=str(YEAR + 5),
    )
    assert client.post(_change_url(agreement), forged).status_code == 302
    assert PeriodicGiftAgreement.objects.values().get(pk=agreement.pk) == before
    assert (
        client.get(f"/admin/agreements/periodicgiftagreement/{agreement.pk}/delete/").status_code
        == 403
    )
    assert client.get("/admin/agreements/periodicgiftagreement/add/").status_code == 403
