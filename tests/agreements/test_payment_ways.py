"""How a donor pays under an agreement: only what the product can collect is offered, and an
agreement made with a way no longer offered still renders and counts."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from agreements.documents import stored_bytes
from agreements.models import AgreementGift, PeriodicGiftAgreement
from agreements.selectors import agreement_years
from agreements.services import agreement_countersign
from donations.models import Sponsorship
from tests.agreements.conftest import form_data, pdf_text
from tests.agreements.helpers import agreement_signed

YEAR = timezone.localdate().year
Way = PeriodicGiftAgreement.PaymentWay


def test_it_offers_only_what_the_product_can_collect(client, anbi):
    """Sponsorships are charged monthly only (Sponsorship.Interval): a yearly one would be a
    promise nobody collects. A bank transfer the donor makes themselves."""
    html = client.get("/en/periodic-gift/").content.decode()
    assert 'value="monthly_sponsorship"' in html
    assert 'value="bank_transfer"' in html
    assert "yearly_sponsorship" not in html and "yearly sponsorship" not in html
    assert set(Sponsorship.Interval.values) == {"monthly"}


def test_it_refuses_a_yearly_sponsorship_and_records_nothing(client, anbi, mailoutbox):
    response = client.post("/en/periodic-gift/", form_data(payment_way="yearly_sponsorship"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not PeriodicGiftAgreement.objects.exists()
    assert mailoutbox == []


def test_an_agreement_with_a_yearly_sponsorship_still_renders_and_counts(
    client, anbi, treasurer, make_donation
):
    # Signed before the option went: the stored value stays as the donor signed it.
    signed = agreement_signed(first_year=YEAR)
    PeriodicGiftAgreement.objects.filter(pk=signed.pk).update(payment_way=Way.YEARLY_SPONSORSHIP)
    agreement_countersign(agreement_id=signed.pk, user=None, name="Tesorera", notify=False)
    agreement = PeriodicGiftAgreement.objects.get(pk=signed.pk)
    assert agreement.get_payment_way_display() == "A yearly sponsorship"
    client.force_login(treasurer)
    change = client.get(f"/admin/agreements/periodicgiftagreement/{agreement.pk}/change/")
    assert change.status_code == 200
    assert "A yearly sponsorship" in change.content.decode()
    listed = client.get(
        "/admin/agreements/periodicgiftagreement/", {"payment_way": "yearly_sponsorship"}
    )
    assert agreement.number in listed.content.decode()
    gift = make_donation("1200.50", received_on=date(YEAR, 1, 2))
    AgreementGift.objects.create(agreement=agreement, donation=gift, linked_by="t")
    [this_year] = agreement_years(agreement)
    assert this_year.received == Decimal("1200.50") and this_year.shortfall == 0
    # The final document is drawn again at the countersignature: it must still say it.
    assert "yearly sponsorship" in " ".join(pdf_text(stored_bytes(agreement.final_pdf)).split())
