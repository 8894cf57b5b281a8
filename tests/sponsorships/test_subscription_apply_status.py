"""subscription_apply_status: the table of allowed transitions, and its audit trail."""

from decimal import Decimal

import pytest

from donors.models import Donor
from sponsorships.models import Sponsorship, SponsorshipEvent
from sponsorships.status import ALLOWED_TRANSITIONS, subscription_apply_status

S = Sponsorship.Status
# Written out by hand, not read from the code: (from, to) → applied?
EXPECTED = {
    (S.PENDING, S.ACTIVE): True,
    (S.PENDING, S.SUSPENDED): False,
    (S.PENDING, S.CANCELLED): True,
    (S.ACTIVE, S.PENDING): False,
    (S.ACTIVE, S.SUSPENDED): True,  # Mollie suspends on an invalid mandate; Stripe past_due
    (S.ACTIVE, S.CANCELLED): True,
    (S.SUSPENDED, S.ACTIVE): True,  # Stripe: past_due → active after a successful retry
    (S.SUSPENDED, S.PENDING): False,
    (S.SUSPENDED, S.CANCELLED): True,
    (S.CANCELLED, S.PENDING): False,
    (S.CANCELLED, S.ACTIVE): False,  # a late "active" never revives a stopped sponsorship
    (S.CANCELLED, S.SUSPENDED): False,
}


def test_it_knows_every_pair_of_statuses():
    pairs = {(a, b) for a in S.values for b in S.values if a != b}
    assert set(EXPECTED) == pairs
    assert {p for p, ok in EXPECTED.items() if ok} == {
        (a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets
    }


@pytest.fixture
def make_sponsorship(db):
    donor = Donor.objects.create(email="a@example.org")

    def make(status):
        return Sponsorship.objects.create(
            donor=donor,
            amount=Decimal("10.00"),
            provider="demo",
            method="other_online",
            status=status,
        )

    return make


@pytest.mark.parametrize(("pair", "applied"), EXPECTED.items())
def test_it_applies_only_allowed_transitions(make_sponsorship, pair, applied):
    old, new = pair
    sponsorship = make_sponsorship(old)
    result = subscription_apply_status(sponsorship_id=sponsorship.pk, status=new, source="sync")
    sponsorship.refresh_from_db()
    assert result.applied is applied
    assert sponsorship.status == (new if applied else old)
    assert SponsorshipEvent.objects.filter(sponsorship=sponsorship).count() == int(applied)


def test_it_is_idempotent_and_dates_a_cancellation_by_the_provider(make_sponsorship):
    from datetime import UTC, datetime

    sponsorship = make_sponsorship(S.ACTIVE)
    when = datetime(2025, 5, 1, 12, tzinfo=UTC)
    for _ in range(3):
        subscription_apply_status(
            sponsorship_id=sponsorship.pk, status=S.CANCELLED, source="webhook", at=when
        )
    sponsorship.refresh_from_db()
    assert sponsorship.cancelled_at == when
    assert sponsorship.cancel_reason == Sponsorship.CancelReason.PROVIDER
    assert sponsorship.events.count() == 1
