"""What a webhook leaves in the database: nothing of a body we could not verify."""

import json
import secrets

import pytest
from django.db import connection
from django.db.models import Sum
from django.db.models.functions import Length
from django.urls import reverse

from ledger.models import Donation
from payments.models import PaymentEvent
from tests.fakes.stripe_api import sign
from tests.gifts import post_mollie_webhook, post_stripe_event

FORGED = 50
BODY_KIB = 63


def _noise() -> str:
    # Random, so PostgreSQL cannot compress it away and hide what a stored body costs.
    return secrets.token_urlsafe(BODY_KIB * 1024)[: BODY_KIB * 1024]


def _table_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('donations_paymentevent')")
        return cursor.fetchone()[0]


def _stored_bytes() -> int:
    totals = PaymentEvent.objects.aggregate(
        payload=Sum(Length("payload")), detail=Sum(Length("detail"))
    )
    return (totals["payload"] or 0) + (totals["detail"] or 0)


def _assert_notes_only(count: int) -> None:
    events = PaymentEvent.objects.all()
    assert events.count() == count
    for event in events:
        assert event.payload == ""
        assert len(event.detail.encode()) <= 1024
        assert len(event.event_type) + len(event.event_id or "") <= 100


@pytest.mark.postgres
def test_it_stores_next_to_nothing_of_50_forged_stripe_posts(postgres, client, fake_stripe):
    before = _table_bytes()
    for n in range(FORGED):
        event = {"id": f"evt_forged{n}", "type": "checkout.session.completed", "pad": _noise()}
        response = post_stripe_event(client, event, secret="whsec_attacker")
        assert response.status_code == 400
        assert b"Stripe signature" in response.content
    _assert_notes_only(FORGED)
    assert _stored_bytes() < FORGED * 1024
    # The whole table, TOAST included, grew by a few pages, not by 50 x 63 KiB.
    assert _table_bytes() - before < 256 * 1024


@pytest.mark.postgres
def test_it_stores_next_to_nothing_of_50_malformed_mollie_posts(postgres, client, fake_mollie):
    before = _table_bytes()
    for _ in range(FORGED):
        response = client.post(reverse("webhook_mollie"), {"id": "not-an-id", "pad": _noise()})
        assert response.status_code == 400
    _assert_notes_only(FORGED)
    assert _table_bytes() - before < 256 * 1024


def test_it_keeps_no_body_for_a_well_formed_mollie_id_that_is_not_ours(db, client, fake_mollie):
    response = client.post(reverse("webhook_mollie"), {"id": "tr_notours1", "pad": _noise()})
    assert response.status_code == 200
    event = PaymentEvent.objects.get()
    assert event.outcome == PaymentEvent.Outcome.UNKNOWN
    assert (event.payload, event.detail) == ("", "tr_notours1")


def test_it_keeps_the_body_once_the_mollie_id_is_ours(client, give, fake_mollie):
    _r, donation = give("ideal")
    fake_mollie.set_status(donation.provider_payment_id, "paid")
    assert post_mollie_webhook(client, donation.provider_payment_id).status_code == 200
    event = PaymentEvent.objects.get()
    assert event.outcome == PaymentEvent.Outcome.APPLIED
    assert donation.provider_payment_id in event.payload
    assert f"donation {donation.pk}" in event.detail


def test_it_tells_the_sender_nothing_of_what_a_webhook_changed(client, give, fake_mollie):
    _r, donation = give("ideal")
    fake_mollie.set_status(donation.provider_payment_id, "paid")
    response = post_mollie_webhook(client, donation.provider_payment_id)
    assert response.content == b"applied\n"


def test_it_keeps_the_body_of_a_correctly_signed_stripe_event(client, give, fake_stripe):
    _r, donation = give("card")
    event = fake_stripe.complete(donation.provider_payment_id)
    assert post_stripe_event(client, event).status_code == 200
    stored = PaymentEvent.objects.get()
    assert json.loads(stored.payload)["id"] == event["id"]
    assert stored.event_id == event["id"]


def test_it_cuts_a_long_rejection_note_to_well_under_a_kibibyte(db, client, fake_stripe):
    header = "t=1,v1=" + "ab" * 4000
    post_stripe_event(client, {"id": "evt_1"}, header=header)
    assert len(PaymentEvent.objects.get().detail.encode()) <= 512


def _post_signed(client, payload: bytes):
    from tests.gifts import WEBHOOK_SECRET

    return client.post(
        reverse("webhook_stripe"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, WEBHOOK_SECRET),
    )


@pytest.mark.parametrize(
    "event",
    [
        {"id": "evt_1", "object": "event", "type": "checkout.session.completed", "data": {}},
        {"id": "evt_1", "object": "event", "type": "charge.refunded", "data": {"object": "x"}},
        {"id": "evt_1", "object": "event", "type": "charge.refunded"},
        {"id": "evt_1", "object": "event", "data": {"object": {"id": "cs_test_1"}}},
        [],
    ],
    ids=["data-without-object", "object-not-an-object", "no-data", "no-type", "not-an-object"],
)
def test_it_rejects_a_signed_event_it_cannot_read_and_changes_nothing(
    client, give, fake_stripe, event
):
    _r, donation = give("card")
    fake_stripe.complete(donation.provider_payment_id)
    changes_before = donation.status_changes.count()
    response = _post_signed(client, json.dumps(event).encode())
    # 400, not 200 "ignored": Stripe shows the failed delivery, so the fault is seen.
    assert response.status_code == 400
    assert b"Stripe event" in response.content
    recorded = PaymentEvent.objects.get()
    assert recorded.outcome == PaymentEvent.Outcome.REJECTED
    assert recorded.payload == "" and 0 < len(recorded.detail) <= 512
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN
    assert donation.status_changes.count() == changes_before
