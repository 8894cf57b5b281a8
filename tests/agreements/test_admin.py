"""The treasurer's admin: read-only terms, the countersignature for treasurers only, linking
the gifts paid under an agreement, and the documents for treasurers only."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from agreements.documents import stored_bytes
from agreements.models import AgreementGift, PeriodicGiftAgreement
from donors.models import Donor
from sponsorships.models import Sponsorship
from tests.agreements.helpers import agreement_in_force, agreement_signed

Status = PeriodicGiftAgreement.Status
LIST = "/admin/agreements/periodicgiftagreement/"
YEAR = timezone.localdate().year


def _change_url(agreement) -> str:
    return f"{LIST}{agreement.pk}/change/"


def _countersign(client, agreement):
    return client.post(f"{LIST}{agreement.pk}/countersign/", follow=True)


def _change_form(agreement, **fields) -> dict:
    """The change form as the browser posts it: the sponsorship, and both inlines' forms."""
    signatures = list(agreement.signatures.all())
    links = list(agreement.linked_gifts.all())
    data = {
        "sponsorship": agreement.sponsorship_id or "",
        "signatures-TOTAL_FORMS": str(len(signatures)),
        "signatures-INITIAL_FORMS": str(len(signatures)),
        "linked_gifts-TOTAL_FORMS": str(len(links)),
        "linked_gifts-INITIAL_FORMS": str(len(links)),
    }
    for n, signature in enumerate(signatures):
        data[f"signatures-{n}-id"] = signature.pk
        data[f"signatures-{n}-agreement"] = agreement.pk
    for n, link in enumerate(links):
        data[f"linked_gifts-{n}-id"] = link.pk
        data[f"linked_gifts-{n}-agreement"] = agreement.pk
    data.update(fields)
    return data


@pytest.fixture
def signed(anbi):
    return agreement_signed(first_year=YEAR)


@pytest.mark.parametrize("user_fixture", ["editor", "outsider"])
def test_it_hides_agreements_from_editors_and_outsiders(client, signed, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(LIST).status_code == 403
    assert client.get(_change_url(signed)).status_code == 403
    assert client.get(f"{LIST}{signed.pk}/document/terms/").status_code == 403
    assert _countersign(client, signed).status_code == 403
    signed.refresh_from_db()
    assert signed.status == Status.DONOR_SIGNED


def test_it_lets_only_those_allowed_to_countersign(client, signed):
    # Staff who may see and link agreements, but not sign for the foundation.
    clerk = User.objects.create_user("clerk", password="pw-for-tests-only", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_periodicgiftagreement", "change_periodicgiftagreement"]
        )
    )
    client.force_login(clerk)
    assert client.get(LIST).status_code == 200
    _countersign(client, signed)
    signed.refresh_from_db()
    assert signed.status == Status.DONOR_SIGNED
    assert not signed.signatures.filter(role="foundation").exists()


def test_it_refuses_to_countersign_before_every_signer_signed(client, treasurer, anbi):
    agreement = agreement_signed(
        first_year=YEAR, partner_name="Bart", partner_email="bart@example.org"
    )
    agreement.signatures.filter(role="partner").delete()
    PeriodicGiftAgreement.objects.filter(pk=agreement.pk).update(status=Status.DONOR_SIGNED)
    client.force_login(treasurer)
    response = _countersign(client, agreement)
    assert "Not countersigned" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Status.DONOR_SIGNED
    assert not agreement.final_pdf


def test_it_serves_the_documents_to_treasurers(client, treasurer, anbi):
    agreement = agreement_in_force(first_year=YEAR)
    client.force_login(treasurer)
    page = client.get(_change_url(agreement)).content.decode()
    assert agreement.final_pdf_sha256 in page
    response = client.get(f"{LIST}{agreement.pk}/document/final/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(agreement.final_pdf)
    assert "no-store" in response["Cache-Control"]
    assert client.get(f"{LIST}{agreement.pk}/document/other/").status_code == 404


def test_it_filters_by_status_and_year(client, treasurer, anbi):
    signed = agreement_signed(first_year=YEAR)
    in_force = agreement_in_force(first_year=YEAR + 1, email="b@example.org")
    client.force_login(treasurer)
    html = client.get(LIST, {"status__exact": "countersigned"}).content.decode()
    assert in_force.number in html and signed.number not in html
    html = client.get(LIST, {"first_year": str(YEAR)}).content.decode()
    assert signed.number in html and in_force.number not in html


def test_it_links_a_bank_gift_and_refuses_a_sponsorship_month(
    client, treasurer, anbi, make_donation
):
    agreement = agreement_in_force(first_year=YEAR)
    gift = make_donation("600.00", received_on=date(YEAR, 2, 1))
    client.force_login(treasurer)
    data = _change_form(
        agreement,
        **{"linked_gifts-TOTAL_FORMS": "1", "linked_gifts-0-donation": str(gift.pk)},
    )
    response = client.post(_change_url(agreement), data)
    assert response.status_code == 302
    link = AgreementGift.objects.get()
    assert (link.agreement, link.donation, link.linked_by) == (agreement, gift, "treasurer")
    donor = Donor.objects.get()
    sponsorship = Sponsorship.objects.create(
        donor=donor, amount="10.00", provider="demo", method="card"
    )
    month = make_donation("10.00", sponsorship=sponsorship, received_on=date(YEAR, 2, 1))
    data = _change_form(
        agreement,
        **{"linked_gifts-TOTAL_FORMS": "2", "linked_gifts-1-donation": str(month.pk)},
    )
    response = client.post(_change_url(agreement), data)
    assert response.status_code == 200
    assert "link the sponsorship instead" in response.content.decode()
    assert AgreementGift.objects.count() == 1


def test_it_links_only_the_donors_own_sponsorship(client, treasurer, anbi):
    agreement = agreement_in_force(first_year=YEAR)
    other = Donor.objects.create(email="someone.else@example.org")
    theirs = Sponsorship.objects.create(donor=other, amount="10.00", provider="demo", method="card")
    own = Sponsorship.objects.create(
        donor=agreement.donor, amount="100.00", provider="demo", method="card"
    )
    client.force_login(treasurer)
    response = client.post(_change_url(agreement), _change_form(agreement, sponsorship=theirs.pk))
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.sponsorship is None
    response = client.post(_change_url(agreement), _change_form(agreement, sponsorship=own.pk))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.sponsorship == own


def test_it_sends_the_signing_link_again(client, treasurer, anbi, make_agreement, mailoutbox):
    agreement = make_agreement(notify=False, language="en")
    client.force_login(treasurer)
    client.post(LIST, {"action": "send_link_again", "_selected_action": [agreement.pk]})
    client.post(LIST, {"action": "send_link_again", "_selected_action": [agreement.pk]})
    assert [m.to for m in mailoutbox] == [["camila@example.org"]] * 2


def test_it_ends_an_agreement_in_force(client, treasurer, anbi):
    agreement = agreement_in_force(first_year=YEAR)
    client.force_login(treasurer)
    client.post(LIST, {"action": "end_donor_died", "_selected_action": [agreement.pk]})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_reason) == (Status.ENDED, "death")
    assert agreement.ended_on == timezone.localdate()
    assert agreement.yearly_amount == Decimal("1200.50")


def test_it_shows_the_treasurer_every_signature(client, treasurer, anbi):
    agreement = agreement_in_force(
        first_year=YEAR, partner_name="Bart de Vries", partner_email="bart@example.org"
    )
    client.force_login(treasurer)
    html = client.get(_change_url(agreement)).content.decode()
    for signature in agreement.signatures.all():
        assert signature.document_sha256 in html
    assert "Bart de Vries" in html and "192.0.2.7" in html and "Tesorera" in html
