"""Bank transfer as a first-class choice: from the form, by email, and into the books."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from donors.models import Donor
from ledger.models import Donation, StatementLine
from statements.importer import statement_import
from statements.models import ExpectedTransfer
from tests.statements.samples import camt, ntry


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(slug="ana", name="Ana Ejemplo")


def test_it_carries_the_amount_and_prisoner_from_the_form_without_an_error(give, ana, client):
    response, donation = give("bank_transfer", prisoner="ana", preset="50", donor_email="")
    assert donation is None
    html = client.get(response["Location"]).content.decode()
    assert ana.payment_reference in html
    assert 'name="amount" value="50.00"' in html
    assert 'class="errorlist' not in html and "This field is required" not in html


def test_it_carries_a_typed_amount_above_the_online_ceiling(give, ana):
    response, _donation = give("bank_transfer", other_amount="25.000", donor_email="")
    assert response["Location"] == "/en/bank-transfer/?amount=25000.00"


def test_it_opens_from_a_prisoners_link_with_no_error(client, ana):
    html = client.get("/en/bank-transfer/?prisoner=ana").content.decode()
    assert "This field is required" not in html and "errorlist" not in html
    assert 'value="25.00"' in html
    assert 'value="25,00"' in client.get("/nl/bank-transfer/?prisoner=ana").content.decode()


def test_it_still_checks_an_amount_the_donor_typed(client, ana):
    html = client.get("/en/bank-transfer/?prisoner=ana&amount=abc").content.decode()
    assert "Enter an amount in euros" in html


def _ask_by_email(client, **overrides):
    data = {
        "amount": "40",
        "prisoner": "ana",
        "donor_name": "Jan",
        "email": "jan@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return client.post("/nl/bank-transfer/email/", data)


def test_it_emails_the_bank_details_with_a_reference_of_the_donors_own(
    client, ana, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask_by_email(client)
    expected = ExpectedTransfer.objects.get()
    assert response["Location"] == f"/nl/bank-transfer/{expected.public_id}/"
    assert (expected.amount, expected.prisoner, expected.language) == (Decimal("40"), ana, "nl")
    assert expected.reference.startswith("DT") and len(expected.reference) == 8
    page = client.get(response["Location"]).content.decode()
    assert expected.reference in page and "jan@example.org" not in page

    (mail,) = mailoutbox
    assert mail.to == ["jan@example.org"]
    assert expected.reference in mail.subject
    for text in (mail.body, mail.alternatives[0][0]):
        assert expected.reference in text
        assert "NL91 ABNA 0417 1643 00" in text
        assert "€ 40,00" in text
    assert mail.alternatives[0][1] == "text/html"
    assert 'src="cid:transfer-qr"' in mail.alternatives[0][0]
    message = mail.message()
    (image,) = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<transfer-qr>"
    assert image.get_payload(decode=True).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "overrides",
    [{"email": "not-an-email"}, {"amount": "abc"}, {"website": "http://spam"}, {"consent": ""}],
)
def test_it_refuses_a_bad_request_for_details_and_keeps_nothing(client, ana, mailoutbox, overrides):
    response = _ask_by_email(client, **overrides)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not ExpectedTransfer.objects.exists() and mailoutbox == []


def test_it_limits_emails_per_address(client, ana, settings):
    settings.DONATION_RATE_LIMIT_STARTS_PER_IP = 2
    statuses = [_ask_by_email(client).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert ExpectedTransfer.objects.count() == 2


def test_it_links_an_arriving_transfer_to_its_donor_and_thanks_them(
    ana, mailoutbox, django_capture_on_commit_callbacks
):
    expected = ExpectedTransfer.objects.create(
        amount=Decimal("40.00"), prisoner=ana, email="jan@example.org", donor_name="Jan"
    )
    data = camt(ntry("40.00", "B1", text=f"gift {expected.reference.lower()}"))
    with django_capture_on_commit_callbacks(execute=True):
        result = statement_import(file_name="s.xml", data=data)
    assert result.donations == 1
    donation = Donation.objects.get()
    assert donation.prisoner == ana and donation.donor_email == "jan@example.org"
    assert donation.donor_name == "Jan" and donation.is_anonymous
    assert StatementLine.objects.get().status == StatementLine.Status.MATCHED
    expected.refresh_from_db()
    assert expected.status == ExpectedTransfer.Status.RECEIVED
    assert expected.donation == donation
    (receipt,) = mailoutbox
    assert receipt.to == ["jan@example.org"] and "Ana Ejemplo" in receipt.body


def test_it_brings_an_announced_transfer_to_the_donor_of_that_email(
    ana, django_capture_on_commit_callbacks
):
    earlier = Donor.objects.create(email="jan@example.org", language="nl")
    expected = ExpectedTransfer.objects.create(
        amount=Decimal("40.00"), prisoner=ana, email="Jan@Example.org", donor_name="Jan"
    )
    other = ExpectedTransfer.objects.create(
        amount=Decimal("10.00"), prisoner=ana, email="eva@example.org", language="es"
    )
    data = camt(
        ntry("40.00", "B1", text=f"gift {expected.reference}"),
        ntry("10.00", "B2", text=f"gift {other.reference}"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        statement_import(file_name="s.xml", data=data)
    assert Donation.objects.get(amount=40).donor == earlier
    earlier.refresh_from_db()
    assert earlier.name == "Jan"
    eva = Donation.objects.get(amount=10).donor
    assert (eva.email, eva.language) == ("eva@example.org", "es")
    assert Donor.objects.count() == 2


def test_it_records_a_transfer_with_a_prisoners_reference_as_before(
    ana, mailoutbox, django_capture_on_commit_callbacks
):
    ExpectedTransfer.objects.create(amount=Decimal("40.00"), prisoner=ana, email="j@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        statement_import(file_name="s.xml", data=camt(ntry("10.00", "B1", ana.payment_reference)))
    donation = Donation.objects.get()
    assert donation.prisoner == ana and donation.donor_email == ""
    assert donation.donor is None
    assert ExpectedTransfer.objects.get().status == ExpectedTransfer.Status.EXPECTED
    assert mailoutbox == []


def test_it_shows_the_treasurer_transfers_overdue_after_thirty_days(client, treasurer, ana):
    now = timezone.now()
    old = ExpectedTransfer.objects.create(
        amount=Decimal("5"), email="old@example.org", created_at=now - timedelta(days=31)
    )
    ExpectedTransfer.objects.create(
        amount=Decimal("6"), email="new@example.org", created_at=now - timedelta(days=29)
    )
    ExpectedTransfer.objects.create(
        amount=Decimal("7"),
        email="arrived@example.org",
        created_at=now - timedelta(days=60),
        status=ExpectedTransfer.Status.RECEIVED,
    )
    client.force_login(treasurer)
    html = client.get("/admin/statements/expectedtransfer/?arrival=overdue").content.decode()
    assert old.reference in html
    assert "new@example.org" not in html and "arrived@example.org" not in html


def test_it_keeps_expected_transfers_from_editors(client, editor):
    client.force_login(editor)
    assert client.get("/admin/statements/expectedtransfer/").status_code == 403


def test_it_draws_another_reference_when_the_first_is_taken(monkeypatch, ana):
    ExpectedTransfer.objects.create(
        amount=Decimal("5.00"), email="a@example.org", reference="DTAAAAAA"
    )
    letters = iter("AAAAAA" + "CCCCCC")
    monkeypatch.setattr("statements.models.secrets.choice", lambda alphabet: next(letters))
    second = ExpectedTransfer.objects.create(amount=Decimal("5.00"), email="b@example.org")
    assert second.reference == "DTCCCCCC"
