from decimal import Decimal

import pytest

from ledger.models import Donation, Refund
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent, StatusChange
from tests.gifts import form_data, post_mollie_webhook


@pytest.fixture
def mollie_gift(give, fake_mollie):
    """A donor chose iDEAL and was sent to Mollie's checkout."""
    response, donation = give("ideal", other_amount="25")
    return response, donation, donation.provider_payment_id


def test_it_creates_the_payment_as_mollie_expects(mollie_gift, fake_mollie):
    response, donation, payment_id = mollie_gift
    assert response.status_code == 302
    assert response["Location"] == f"{fake_mollie.url}/checkout/{payment_id}"
    body = fake_mollie.created_bodies[0]
    assert body["amount"] == {"currency": "EUR", "value": "25.00"}
    assert body["method"] == "ideal"
    assert body["webhookUrl"] == "https://donar.example.org/webhooks/mollie/"
    assert (
        body["redirectUrl"] == f"https://donar.example.org/en/donate/thanks/{donation.public_id}/"
    )
    assert body["metadata"] == {"donation": str(donation.public_id)}
    assert "prisoner" not in body["description"].lower()
    assert donation.status == Donation.Status.OPEN
    assert donation.provider == Donation.Provider.MOLLIE


def test_it_lets_mollie_choose_the_method_for_other_methods(give, fake_mollie):
    give("mollie")
    assert "method" not in fake_mollie.created_bodies[0]


def test_it_never_creates_two_payments_for_one_attempt(client, campaign, fake_mollie):
    data = {**form_data("ideal"), "attempt": "0b6f7a0e-5d1e-4c1b-9d7e-111111111111"}
    first = client.post("/en/donate/", data)
    second = client.post("/en/donate/", data)
    assert first["Location"] == second["Location"]
    assert len(fake_mollie.payments) == 1
    assert Donation.objects.count() == 1


def test_it_marks_paid_only_on_mollies_word(
    client, mollie_gift, fake_mollie, mailoutbox, django_capture_on_commit_callbacks
):
    _response, donation, payment_id = mollie_gift
    # The donor comes back before paying: the return alone proves nothing.
    html = client.get(f"/en/donate/thanks/{donation.public_id}/").content.decode()
    assert "waiting for your bank" in html
    fake_mollie.set_status(payment_id, "paid")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mollie_webhook(client, payment_id).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert campaign_totals().raised == Decimal("25.00")
    assert len(mailoutbox) == 1
    assert "Thank you!" in client.get(f"/en/donate/thanks/{donation.public_id}/").content.decode()


def test_it_applies_a_duplicate_webhook_once(
    client, mollie_gift, fake_mollie, mailoutbox, django_capture_on_commit_callbacks
):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert post_mollie_webhook(client, payment_id).status_code == 200
    assert donation.status_changes.filter(to_status=Donation.Status.PAID).count() == 1
    assert campaign_totals().raised == Decimal("25.00")
    assert len(mailoutbox) == 1
    outcomes = list(PaymentEvent.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["applied", "unchanged", "unchanged"]


def test_it_applies_a_webhook_that_arrives_before_the_return(client, mollie_gift, fake_mollie):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid")
    post_mollie_webhook(client, payment_id)
    gets_before = fake_mollie.calls("GET", "/v2/payments/")
    html = client.get(f"/en/donate/thanks/{donation.public_id}/").content.decode()
    assert "Thank you!" in html
    # Already settled: the return page does not ask Mollie again.
    assert fake_mollie.calls("GET", "/v2/payments/") == gets_before


def test_it_settles_on_the_return_when_the_webhook_is_late(client, mollie_gift, fake_mollie):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid")
    client.get(f"/en/donate/thanks/{donation.public_id}/")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.status_changes.last().source == StatusChange.Source.RETURN
    post_mollie_webhook(client, payment_id)  # the late webhook changes nothing
    assert donation.status_changes.filter(to_status=Donation.Status.PAID).count() == 1


def test_it_keeps_paid_when_an_older_open_arrives(client, mollie_gift, fake_mollie):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid")
    post_mollie_webhook(client, payment_id)
    fake_mollie.set_status(payment_id, "open")  # a stale read, out of order
    post_mollie_webhook(client, payment_id)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


@pytest.mark.parametrize("status", ["failed", "canceled", "expired"])
def test_it_records_unsuccessful_payments(client, mollie_gift, fake_mollie, status):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, status)
    post_mollie_webhook(client, payment_id)
    donation.refresh_from_db()
    assert donation.status == status
    assert campaign_totals().raised == Decimal("0.00")


def test_it_answers_200_and_changes_nothing_for_an_unknown_id(
    client, campaign, fake_mollie, make_donation
):
    make_donation("10.00")
    response = post_mollie_webhook(client, "tr_notours123")
    assert response.status_code == 200
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.UNKNOWN
    assert campaign_totals().raised == Decimal("10.00")


@pytest.mark.parametrize("body", [{}, {"id": "'; drop table"}, {"id": "cs_test_1"}])
def test_it_rejects_a_malformed_webhook(client, campaign, fake_mollie, body):
    from django.urls import reverse

    response = client.post(reverse("webhook_mollie"), body)
    assert response.status_code == 400
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.REJECTED


def test_it_answers_503_when_mollie_is_down_at_webhook_time(client, mollie_gift, fake_mollie):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid")
    fake_mollie.down = True
    assert post_mollie_webhook(client, payment_id).status_code == 503
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN
    fake_mollie.down = False  # Mollie retries later
    assert post_mollie_webhook(client, payment_id).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


@pytest.mark.parametrize("outage", ["unreachable", "error"])
def test_it_tells_the_donor_when_mollie_is_down_at_checkout(
    client, campaign, fake_mollie, settings, closed_port_url, outage
):
    if outage == "unreachable":
        settings.MOLLIE_API_URL = closed_port_url
    else:
        fake_mollie.down = True
    response = client.post("/es/donate/", form_data("ideal"))
    html = response.content.decode()
    assert response.status_code == 503
    assert "No pudimos contactar" in html
    assert 'value="camila@example.org"' in html
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.NEW
    assert donation.provider_payment_id is None


def test_it_counts_refunds_and_chargebacks_once(client, mollie_gift, fake_mollie):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid")
    post_mollie_webhook(client, payment_id)
    fake_mollie.refund(payment_id, "5.00")
    post_mollie_webhook(client, payment_id)
    post_mollie_webhook(client, payment_id)
    assert campaign_totals().raised == Decimal("20.00")
    fake_mollie.refund(payment_id, "1.00", status="failed")  # a failed refund moves nothing
    fake_mollie.chargeback(payment_id, "20.00")
    post_mollie_webhook(client, payment_id)
    assert campaign_totals().raised == Decimal("0.00")
    kinds = sorted(Refund.objects.values_list("kind", "amount"))
    assert kinds == [("chargeback", Decimal("20.00")), ("refund", Decimal("5.00"))]
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


def test_it_flags_a_paid_amount_that_differs(client, mollie_gift, fake_mollie):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid", amount="2.50")
    post_mollie_webhook(client, payment_id)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.amount_mismatch is True
    assert donation.amount_paid == Decimal("2.50")
    assert campaign_totals().raised == Decimal("2.50")
    assert "expected 25.00" in donation.status_changes.last().note


def test_its_fake_can_be_driven_over_http(client, mollie_gift, fake_mollie):
    import json
    import urllib.request

    _response, donation, payment_id = mollie_gift
    request = urllib.request.Request(
        f"{fake_mollie.url}/_control/payments/{payment_id}/status",
        data=json.dumps({"status": "paid"}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert json.load(answer)["status"] == "paid"
    post_mollie_webhook(client, payment_id)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


def test_it_gives_back_a_reversed_chargeback(client, mollie_gift, fake_mollie):
    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid")
    post_mollie_webhook(client, payment_id)
    chargeback = fake_mollie.chargeback(payment_id, "25.00")
    post_mollie_webhook(client, payment_id)
    assert campaign_totals().raised == Decimal("0.00")
    fake_mollie.reverse_chargeback(payment_id, chargeback)
    post_mollie_webhook(client, payment_id)
    post_mollie_webhook(client, payment_id)
    assert campaign_totals().raised == Decimal("25.00")
    assert Refund.objects.count() == 2


def _get(fake_mollie, path: str) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{fake_mollie.url}{path}", headers={"Authorization": "Bearer test_fakekey1234567890"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


def _keys(name: str) -> set[str]:
    from tests.fakes.fixtures import fixture

    return set(fixture(name))


def test_its_fake_answers_with_the_shapes_of_mollies_published_examples(mollie_gift, fake_mollie):
    _response, _donation, payment_id = mollie_gift
    assert set(_get(fake_mollie, f"/v2/payments/{payment_id}")) == _keys("mollie/payment_open")
    fake_mollie.set_status(payment_id, "paid")
    fake_mollie.refund(payment_id, "5.00")
    chargeback = fake_mollie.chargeback(payment_id, "20.00")
    paid = _get(fake_mollie, f"/v2/payments/{payment_id}?embed=refunds,chargebacks")
    assert set(paid) == _keys("mollie/payment_paid") | {"_embedded"}
    assert set(paid["_embedded"]["refunds"][0]) == _keys("mollie/refund")
    assert set(paid["_embedded"]["chargebacks"][0]) == _keys("mollie/chargeback")
    fake_mollie.reverse_chargeback(payment_id, chargeback)
    again = _get(fake_mollie, f"/v2/payments/{payment_id}?embed=chargebacks")
    assert set(again["_embedded"]["chargebacks"][0]) == _keys("mollie/chargeback_reversed")
    assert again["_embedded"]["chargebacks"][0]["reversedAt"].endswith(".0Z")


def test_its_fake_answers_an_authorization_with_the_shapes_of_the_derived_examples(
    mollie_gift, fake_mollie
):
    _response, _donation, payment_id = mollie_gift
    fake_mollie.authorize(payment_id)
    held = _get(fake_mollie, f"/v2/payments/{payment_id}")
    assert set(held) == _keys("mollie/payment_authorized")
    assert (held["status"], held["method"]) == ("authorized", "creditcard")
    fake_mollie.capture(payment_id, "20.00")
    captured = _get(fake_mollie, f"/v2/payments/{payment_id}")
    assert set(captured) == _keys("mollie/payment_captured")
    assert captured["amountCaptured"] == {"currency": "EUR", "value": "20.00"}
    assert captured["amount"] == {"currency": "EUR", "value": "25.00"}


def test_it_books_a_new_years_eve_payment_reported_in_january_in_the_old_year(
    client, mollie_gift, fake_mollie
):
    from datetime import UTC, date, datetime

    from reports.data import fund_movements

    _response, donation, payment_id = mollie_gift
    # 23:50 in Amsterdam on 31 December; the webhook (this test) comes much later.
    fake_mollie.set_status(payment_id, "paid", paid_at=datetime(2025, 12, 31, 22, 50, tzinfo=UTC))
    post_mollie_webhook(client, payment_id)
    donation.refresh_from_db()
    assert donation.paid_at == datetime(2025, 12, 31, 22, 50, tzinfo=UTC)
    assert donation.received_on == date(2025, 12, 31)
    old_year = fund_movements(date(2025, 1, 1), date(2025, 12, 31))
    new_year = fund_movements(date(2026, 1, 1), date(2026, 12, 31))
    assert old_year[None].received == Decimal("25.00")
    assert new_year[None].received == Decimal("0.00")


def test_it_dates_refunds_chargebacks_and_reversals_as_mollie_does(
    client, mollie_gift, fake_mollie
):
    from datetime import UTC, datetime

    _response, donation, payment_id = mollie_gift
    fake_mollie.set_status(payment_id, "paid", paid_at=datetime(2026, 1, 10, 9, tzinfo=UTC))
    refunded_at = datetime(2026, 1, 12, 14, 3, 9, tzinfo=UTC)
    charged_back_at = datetime(2026, 2, 3, 8, 0, 1, tzinfo=UTC)
    reversed_at = datetime(2026, 3, 30, 16, 20, tzinfo=UTC)
    fake_mollie.refund(payment_id, "5.00", created_at=refunded_at)
    chargeback = fake_mollie.chargeback(payment_id, "20.00", created_at=charged_back_at)
    post_mollie_webhook(client, payment_id)
    fake_mollie.reverse_chargeback(payment_id, chargeback, reversed_at=reversed_at)
    post_mollie_webhook(client, payment_id)
    post_mollie_webhook(client, payment_id)
    dates = dict(Refund.objects.values_list("kind", "created_at"))
    assert dates == {
        Refund.Kind.REFUND: refunded_at,
        Refund.Kind.CHARGEBACK: charged_back_at,
        Refund.Kind.CHARGEBACK_REVERSED: reversed_at,
    }
    assert Refund.objects.count() == 3
