"""A signing link is for one signer of one agreement, for 14 days: anything else is refused
with a page that says why, and nothing changes."""

import time

import pytest
from django.core import signing

from agreements.links import SALTS, signing_token
from agreements.models import PeriodicGiftAgreement
from donors.models import Donor
from sponsorships.links import sponsorship_token
from sponsorships.models import Sponsorship
from tests.agreements.conftest import link_in

Status = PeriodicGiftAgreement.Status


@pytest.fixture
def with_partner(make_agreement, commit, mailoutbox):
    with commit(execute=True):
        agreement = make_agreement(
            language="en", partner_name="Bart de Vries", partner_email="bart@example.org"
        )
    agreement.refresh_from_db()
    return agreement


def _sign(client, path: str, agreement) -> int:
    return client.post(path, {"document_sha256": agreement.terms_pdf_sha256}).status_code


def _unchanged(agreement, status=Status.DRAFT, signatures=0):
    agreement.refresh_from_db()
    assert agreement.status == status
    assert agreement.signatures.count() == signatures


def test_it_refuses_a_tampered_link(client, with_partner, mailoutbox):
    path = link_in(mailoutbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    for method in (client.get, lambda p: client.post(p, {"document_sha256": "x"})):
        response = method(tampered)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert client.get(tampered + "agreement.pdf").status_code == 404
    _unchanged(with_partner)


def test_it_refuses_an_expired_link_and_says_so(client, with_partner, mailoutbox):
    path = link_in(mailoutbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    # A token signed 15 days ago: the same signature, an older timestamp.
    old = signing.TimestampSigner(salt=SALTS["donor"])
    payload = signing.loads(token, salt=SALTS["donor"])
    old.timestamp = lambda: signing.b62_encode(int(time.time()) - 15 * 86400)
    expired_token = old.sign_object(payload)
    expired = path.replace(token, expired_token)
    response = client.post(expired, {"document_sha256": with_partner.terms_pdf_sha256})
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html
    assert "info@example.org" in html
    _unchanged(with_partner)


def test_it_never_lets_the_donors_link_sign_as_the_partner(client, with_partner, mailoutbox):
    donor_token = signing_token(with_partner, "donor")
    assert _sign(client, f"/en/periodic-gift/sign/{donor_token}/", with_partner) == 302
    _unchanged(with_partner, Status.DONOR_SIGNED, 1)
    # The donor's own token, put on the partner's address.
    response = client.post(
        f"/en/periodic-gift/co-sign/{donor_token}/",
        {"document_sha256": with_partner.terms_pdf_sha256},
    )
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    _unchanged(with_partner, Status.DONOR_SIGNED, 1)
    assert not with_partner.signatures.filter(role="partner").exists()


def test_it_never_lets_the_partners_link_sign_as_the_donor(client, with_partner):
    partner_token = signing_token(with_partner, "partner")
    assert _sign(client, f"/en/periodic-gift/sign/{partner_token}/", with_partner) == 404
    _unchanged(with_partner)


def test_it_refuses_a_token_made_for_another_purpose(client, with_partner):
    donor = Donor.objects.create(email="camila@example.org")
    sponsorship = Sponsorship.objects.create(
        donor=donor, amount="10.00", provider="demo", method="card"
    )
    foreign = [
        sponsorship_token(sponsorship),
        # The right content, signed for another purpose (a future donor's page).
        signing.dumps(
            {"agreement": str(with_partner.public_id), "role": "donor"}, salt="donors.manage"
        ),
        # Signed with the donor's salt but naming another role.
        signing.dumps(
            {"agreement": str(with_partner.public_id), "role": "partner"}, salt=SALTS["donor"]
        ),
    ]
    for token in foreign:
        assert _sign(client, f"/en/periodic-gift/sign/{token}/", with_partner) == 404
        assert client.get(f"/en/periodic-gift/sign/{token}/agreement.pdf").status_code == 404
    _unchanged(with_partner)


def test_it_keeps_the_partner_waiting_until_the_donor_signed(client, with_partner):
    partner_path = f"/en/periodic-gift/co-sign/{signing_token(with_partner, 'partner')}/"
    response = client.post(partner_path, {"document_sha256": with_partner.terms_pdf_sha256})
    assert response.status_code == 409
    assert "The donor has not signed yet" in response.content.decode()
    _unchanged(with_partner)


def test_it_refuses_a_signature_on_another_document(client, with_partner, mailoutbox):
    path = link_in(mailoutbox[0])
    response = client.post(path, {"document_sha256": "0" * 64})
    assert response.status_code == 409
    assert "not the one on file" in response.content.decode()
    _unchanged(with_partner)


def test_it_signs_once_however_often_the_button_is_pressed(
    client, with_partner, mailoutbox, commit
):
    path = link_in(mailoutbox[0])
    with commit(execute=True):
        assert _sign(client, path, with_partner) == 302
    with commit(execute=True):
        second = client.post(path, {"document_sha256": with_partner.terms_pdf_sha256})
    assert second.status_code == 409
    assert "You had already signed" in second.content.decode()
    _unchanged(with_partner, Status.DONOR_SIGNED, 1)
    # One email to the partner, not two.
    assert [m.to for m in mailoutbox] == [["camila@example.org"], ["bart@example.org"]]


def test_it_answers_a_get_without_signing(client, with_partner, mailoutbox):
    page = client.get(link_in(mailoutbox[0]))
    assert page.status_code == 200
    assert "Sign the agreement" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    _unchanged(with_partner)
