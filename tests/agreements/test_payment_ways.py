"""How a donor pays under an agreement: only what the product can collect is offered, and an
agreement made with a way no longer offered still renders and counts."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from agreements.documents import stored_bytes
from agreements.models import AgreementGift, PeriodicGiftAgreement
from agreements.selectors import agreement_years
from agreements.services import agreement_countersign
from ledger.models import Donation
from sponsorships.models import Sponsorship
from statements.importer import statement_import
from tests.agreements.conftest import form_data, link_in, pdf_text
from tests.agreements.helpers import agreement_signed
from tests.statements.samples import camt, ntry

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


def test_a_donor_paying_by_bank_transfer_is_told_how_and_when_after_signing(
    client, anbi, treasurer, mailoutbox, commit
):
    """In the donor's language: the account, their own reference, and when each payment is
    due (one a calendar year, by 31 December, from the first year to the last)."""
    with commit(execute=True):
        client.post("/nl/periodic-gift/", form_data(first_year=str(YEAR + 1)))
    agreement = PeriodicGiftAgreement.objects.get()
    with commit(execute=True):
        client.post(link_in(mailoutbox[0]), {"document_sha256": _terms_sha(agreement)})
    client.force_login(treasurer)
    with commit(execute=True):
        client.post(f"/admin/agreements/periodicgiftagreement/{agreement.pk}/countersign/")
    agreement.refresh_from_db()
    transfer = agreement.transfer
    assert transfer.reference.startswith("DT")
    assert (transfer.email, transfer.amount) == ("camila@example.org", Decimal("1200.50"))
    [signed] = [m for m in mailoutbox if m.to == ["camila@example.org"]][1:]
    body = " ".join(signed.body.split())
    for detail in (
        "De Solidaire Diaspora Stg",  # the account holder
        "NL91 ABNA 0417 1643 00",
        "ABNANL2A",
        transfer.reference,
        "€ 1.200,50",
        f"31 december {YEAR + 1}",
        f"van {YEAR + 1} tot en met {YEAR + 5}",
    ):
        assert detail in body, detail
    # The reference is the donor's own: their transfer from the bank statement is theirs.
    statement_import(
        file_name="march.xml", data=camt(ntry("1200.50", text=f"{transfer.reference} gift"))
    )
    gift = Donation.objects.get(provider=Donation.Provider.BANK)
    assert gift.donor == agreement.donor


def test_a_donor_paying_by_sponsorship_gets_no_bank_details(
    client, anbi, treasurer, mailoutbox, commit
):
    with commit(execute=True):
        client.post("/en/periodic-gift/", form_data(payment_way="monthly_sponsorship"))
    agreement = PeriodicGiftAgreement.objects.get()
    with commit(execute=True):
        client.post(link_in(mailoutbox[0]), {"document_sha256": _terms_sha(agreement)})
    client.force_login(treasurer)
    with commit(execute=True):
        client.post(f"/admin/agreements/periodicgiftagreement/{agreement.pk}/countersign/")
    agreement.refresh_from_db()
    assert agreement.status == PeriodicGiftAgreement.Status.COUNTERSIGNED
    assert agreement.transfer is None
    signed = mailoutbox[-1]
    assert signed.to == ["camila@example.org"] and "IBAN" not in signed.body


def test_an_open_ended_agreement_says_its_payments_run_on(
    client, anbi, treasurer, mailoutbox, commit
):
    with commit(execute=True):
        client.post("/es/periodic-gift/", form_data(duration="open_ended"))
    agreement = PeriodicGiftAgreement.objects.get()
    with commit(execute=True):
        client.post(link_in(mailoutbox[0]), {"document_sha256": _terms_sha(agreement)})
    client.force_login(treasurer)
    with commit(execute=True):
        client.post(f"/admin/agreements/periodicgiftagreement/{agreement.pk}/countersign/")
    body = " ".join(mailoutbox[-1].body.split())
    assert f"31 de diciembre de {YEAR}" in body
    assert "mientras el acuerdo siga vigente" in body


def _terms_sha(agreement) -> str:
    agreement.refresh_from_db()
    return agreement.terms_pdf_sha256
