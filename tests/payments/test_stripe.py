from decimal import Decimal

import pytest

from ledger.models import Donation, Refund
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent
from tests.gifts import form_data, post_stripe_event


@pytest.fixture
def card_gift(give, fake_stripe):
    response, donation = give("card", other_amount="40")
    return response, donation, donation.provider_payment_id


def test_it_opens_a_checkout_session_as_stripe_expects(card_gift, fake_stripe):
    response, donation, session_id = card_gift
    assert response["Location"] == f"{fake_stripe.url}/pay/{session_id}"
    params = fake_stripe.created_params[0]
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["allowed_payment_method_types[0]"] == "card"
    assert params["client_reference_id"] == str(donation.public_id)
    assert params["metadata[donation]"] == str(donation.public_id)
    assert params["line_items[0][price_data][unit_amount]"] == "4000"
    assert params["line_items[0][price_data][currency]"] == "eur"
    assert params["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    assert "customer_email" not in params


def test_it_never_opens_two_sessions_for_one_attempt(client, campaign, fake_stripe):
    data = {**form_data("card"), "attempt": "0b6f7a0e-5d1e-4c1b-9d7e-222222222222"}
    client.post("/en/donate/", data)
    client.post("/en/donate/", data)
    assert len(fake_stripe.sessions) == 1


def test_it_marks_paid_and_records_the_fee(
    client, card_gift, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    _response, donation, session_id = card_gift
    event = fake_stripe.complete(session_id, fee_cents=85)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_stripe_event(client, event).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.fee == Decimal("0.85")
    assert donation.provider_intent_id == f"pi_{session_id[8:]}"
    assert campaign_totals().raised == Decimal("40.00")
    assert len(mailoutbox) == 1


def test_it_processes_a_replayed_event_once(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    event = fake_stripe.complete(session_id)
    for _ in range(3):
        assert post_stripe_event(client, event).status_code == 200
    outcomes = list(PaymentEvent.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["applied", "duplicate", "duplicate"]
    assert donation.status_changes.filter(to_status=Donation.Status.PAID).count() == 1


@pytest.mark.parametrize(
    "header",
    [None, "", "t=1,v1=deadbeef", "garbage"],
    ids=["wrong-secret", "missing", "bad-digest", "unparseable"],
)
def test_it_rejects_a_forged_event_and_changes_nothing(client, card_gift, fake_stripe, header):
    _response, donation, session_id = card_gift
    event = fake_stripe.complete(session_id)
    response = post_stripe_event(client, event, secret="whsec_attacker", header=header)
    assert response.status_code == 400
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.REJECTED


def test_it_refetches_instead_of_trusting_the_event_body(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    # A correctly signed event that claims "paid" while Stripe says the session is open.
    event = fake_stripe._event(
        "checkout.session.completed",
        {"id": session_id, "object": "checkout.session", "payment_status": "paid"},
    )
    assert post_stripe_event(client, event).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN


def test_it_waits_for_an_asynchronous_payment_then_marks_it_paid(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    post_stripe_event(client, fake_stripe.complete_async(session_id))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    post_stripe_event(client, fake_stripe.async_succeeded(session_id))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


def test_it_records_a_failed_asynchronous_payment(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    post_stripe_event(client, fake_stripe.complete_async(session_id))
    post_stripe_event(client, fake_stripe.async_failed(session_id))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED


def test_it_records_an_expired_session(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    post_stripe_event(client, fake_stripe.expire(session_id))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED


def test_it_counts_a_partial_refund_and_a_dispute(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    post_stripe_event(client, fake_stripe.complete(session_id))
    refund_event = fake_stripe.refund(session_id, 1500)
    post_stripe_event(client, refund_event)
    post_stripe_event(client, refund_event)  # replayed
    assert campaign_totals().raised == Decimal("25.00")
    post_stripe_event(client, fake_stripe.dispute(session_id, 2500))
    assert campaign_totals().raised == Decimal("0.00")
    assert sorted(Refund.objects.values_list("kind", "amount")) == [
        ("chargeback", Decimal("25.00")),
        ("refund", Decimal("15.00")),
    ]


def test_it_ignores_other_event_types(client, card_gift, fake_stripe):
    event = fake_stripe._event("customer.created", {"id": "cus_1", "object": "customer"})
    assert post_stripe_event(client, event).status_code == 200
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.IGNORED


def test_it_answers_200_for_a_session_that_is_not_ours(client, campaign, fake_stripe):
    fake_stripe._create(
        {
            "success_url": "x?{CHECKOUT_SESSION_ID}",
            "line_items[0][price_data][unit_amount]": "100",
            "line_items[0][price_data][currency]": "eur",
        },
        "",
    )
    event = fake_stripe.complete("cs_test_1")
    assert post_stripe_event(client, event).status_code == 200
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.UNKNOWN
    assert not Donation.objects.exists()


def test_it_answers_503_when_stripe_is_down_at_webhook_time(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    event = fake_stripe.complete(session_id)
    fake_stripe.down = True
    assert post_stripe_event(client, event).status_code == 503
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN
    fake_stripe.down = False
    assert post_stripe_event(client, event).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


def test_it_tells_the_donor_when_stripe_is_down_at_checkout(client, campaign, fake_stripe):
    fake_stripe.down = True
    response = client.post("/nl/donate/", form_data("card"))
    assert response.status_code == 503
    assert "betaaldienst niet bereiken" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.NEW


def test_it_hides_card_payment_without_keys(client, campaign, settings):
    settings.STRIPE_SECRET_KEY = ""
    assert 'value="card"' not in client.get("/en/donate/").content.decode()


def test_its_fake_can_be_driven_over_http(client, card_gift, fake_stripe):
    import json
    import urllib.request

    _response, donation, session_id = card_gift
    request = urllib.request.Request(
        f"{fake_stripe.url}/_control/sessions/{session_id}/complete",
        data=json.dumps({"fee_cents": 60}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        event = json.load(answer)
    assert post_stripe_event(client, event).status_code == 200
    donation.refresh_from_db()
    assert (donation.status, donation.fee) == ("paid", Decimal("0.60"))


def test_it_gives_back_a_dispute_the_foundation_won(client, card_gift, fake_stripe):
    _response, donation, session_id = card_gift
    post_stripe_event(client, fake_stripe.complete(session_id))
    post_stripe_event(client, fake_stripe.dispute(session_id, 4000))
    assert campaign_totals().raised == Decimal("0.00")
    won = fake_stripe.win_dispute(fake_stripe.disputes[0]["id"])
    post_stripe_event(client, won)
    post_stripe_event(client, won)  # replayed
    assert campaign_totals().raised == Decimal("40.00")
    kinds = sorted(Refund.objects.values_list("kind", flat=True))
    assert kinds == ["chargeback", "reversed"]  # the chargeback's own row is kept


def _get(fake_stripe, path: str) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{fake_stripe.url}{path}", headers={"Authorization": "Bearer sk_test_fake"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


def _keys(name: str) -> set[str]:
    from tests.fakes.fixtures import fixture

    return set(fixture(name))


def test_its_fake_answers_with_the_shapes_of_stripes_published_examples(card_gift, fake_stripe):
    _response, _donation, session_id = card_gift
    completed = fake_stripe.complete(session_id, fee_cents=85)
    refunded = fake_stripe.refund(session_id, 500)
    disputed = fake_stripe.dispute(session_id, 3500)
    won = fake_stripe.win_dispute(fake_stripe.disputes[0]["id"])
    for event in (completed, refunded, disputed, won):
        assert set(event) == _keys("stripe/event")
    assert set(completed["data"]["object"]) == _keys("stripe/checkout_session")
    assert set(disputed["data"]["object"]) == _keys("stripe/dispute")

    expand = (
        "expand[0]=payment_intent.latest_charge.balance_transaction"
        "&expand[1]=payment_intent.latest_charge.refunds"
    )
    session = _get(fake_stripe, f"/v1/checkout/sessions/{session_id}?{expand}")
    assert set(session) == _keys("stripe/checkout_session")
    intent = session["payment_intent"]
    assert set(intent) == _keys("stripe/payment_intent")
    charge = intent["latest_charge"]
    assert set(charge) == _keys("stripe/charge")
    assert set(charge["balance_transaction"]) == _keys("stripe/balance_transaction")
    assert set(charge["refunds"]["data"][0]) == _keys("stripe/refund")
    disputes = _get(fake_stripe, f"/v1/disputes?payment_intent={intent['id']}")["data"]
    assert set(disputes[0]) == _keys("stripe/dispute")
    assert [set(t) for t in disputes[0]["balance_transactions"]] == [
        _keys("stripe/balance_transaction")
    ] * 2
    # Unexpanded, nested objects are ids, as at Stripe.
    assert isinstance(
        _get(fake_stripe, f"/v1/checkout/sessions/{session_id}")["payment_intent"], str
    )


def test_it_dates_the_payment_refund_and_dispute_as_stripe_does(client, card_gift, fake_stripe):
    from datetime import UTC, date, datetime

    _response, donation, session_id = card_gift
    # Charged at 23:59 in Amsterdam on 31 December; delivered (here) much later.
    charged_at = datetime(2025, 12, 31, 22, 59, 30, tzinfo=UTC)
    refunded_at = datetime(2026, 1, 4, 10, 0, tzinfo=UTC)
    disputed_at = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    post_stripe_event(client, fake_stripe.complete(session_id, paid_at=charged_at))
    post_stripe_event(client, fake_stripe.refund(session_id, 1000, created_at=refunded_at))
    post_stripe_event(client, fake_stripe.dispute(session_id, 3000, created_at=disputed_at))
    donation.refresh_from_db()
    assert (donation.paid_at, donation.received_on) == (charged_at, date(2025, 12, 31))
    dates = dict(Refund.objects.values_list("kind", "created_at"))
    assert dates == {"refund": refunded_at, "chargeback": disputed_at}


def test_it_dates_a_won_dispute_when_stripe_reinstated_the_money(client, card_gift, fake_stripe):
    from datetime import UTC, datetime

    _response, _donation, session_id = card_gift
    post_stripe_event(client, fake_stripe.complete(session_id))
    post_stripe_event(client, fake_stripe.dispute(session_id, 4000))
    reinstated_at = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    event_at = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    won = fake_stripe.win_dispute(
        fake_stripe.disputes[0]["id"], won_at=reinstated_at, event_at=event_at
    )
    post_stripe_event(client, won)
    assert Refund.objects.get(kind="reversed").created_at == reinstated_at


def test_it_dates_a_won_dispute_without_reinstatement_by_the_event(client, card_gift, fake_stripe):
    from datetime import UTC, datetime

    _response, _donation, session_id = card_gift
    post_stripe_event(client, fake_stripe.complete(session_id))
    post_stripe_event(client, fake_stripe.dispute(session_id, 4000))
    event_at = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    won = fake_stripe.win_dispute(
        fake_stripe.disputes[0]["id"], reinstated=False, event_at=event_at
    )
    post_stripe_event(client, won)
    post_stripe_event(client, won)  # replayed
    assert Refund.objects.get(kind="reversed").created_at == event_at
