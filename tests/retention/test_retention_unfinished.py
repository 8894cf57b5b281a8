"""Retention's fourth step: the donor record that an abandoned checkout left behind goes once
its attempts are old, while any record that something holds stays."""

import uuid
from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from donors.models import Donor
from giving.services import donation_start
from giving.sponsorship_start import sponsorship_start
from ledger.models import Donation
from retention.steps import retention_apply
from tests.books import set_around_the_books
from tests.giving.test_services import _data
from tests.sponsorships.helpers import sponsor_data

LONG_AGO = timedelta(days=31)


def _abandoned(email: str, *, age: timedelta = LONG_AGO) -> Donation:
    """The gift form sent and its checkout never finished, `age` ago."""
    gift = donation_start(attempt=uuid.uuid4(), data=_data(email), language="en")
    set_around_the_books(Donation.objects.filter(pk=gift.pk), created_at=timezone.now() - age)
    Donor.objects.filter(pk=gift.donor_id).update(created_at=timezone.now() - age)
    gift.refresh_from_db()
    return gift


def _step(result):
    [step] = [s for s in result.steps if s.name == "unfinished donor records"]
    return dict(step.counts)


def test_an_abandoned_checkout_leaves_no_donor_record_once_old(campaign):
    gift = _abandoned("gone@example.org")
    assert Donor.objects.filter(email="gone@example.org").exists()

    dry = retention_apply(dry_run=True)
    assert _step(dry) == {"donor records": 1}
    assert Donor.objects.filter(email="gone@example.org").exists()

    assert _step(retention_apply()) == {"donor records": 1}
    assert not Donor.objects.filter(email="gone@example.org").exists()
    gift.refresh_from_db()
    # The attempt itself stays, without anything that says who made it.
    assert gift.donor_id is None and gift.donor_email == "" and gift.donor_name == ""
    assert gift.amount == Decimal("25.00")
    assert retention_apply().changed == 0


def test_the_command_names_the_step_and_its_period(campaign):
    _abandoned("gone@example.org")
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert (
        "Unfinished donor records (only unfinished attempts or an unsigned agreement, older "
        "than 30 days" in out.getvalue()
    )
    assert "changed 1 donor records" in out.getvalue()


def test_it_keeps_a_donor_who_paid_one_recent_attempt_or_has_a_sponsorship(campaign, make_donation):
    paid = _abandoned("paid@example.org")
    make_donation(donor=paid.donor, donor_email="paid@example.org")
    _abandoned("recent@example.org", age=timedelta(days=2))
    retry = _abandoned("retry@example.org")
    _abandoned("retry@example.org", age=timedelta(days=2))  # tried again this week
    data = sponsor_data("card", donor_email="monthly@example.org")
    monthly = sponsorship_start(attempt=uuid.uuid4(), data=data, language="en")
    Donor.objects.filter(pk=monthly.donor_id).update(created_at=timezone.now() - LONG_AGO)
    set_around_the_books(
        Donation.objects.filter(donor=monthly.donor), created_at=timezone.now() - LONG_AGO
    )
    kept = set(Donor.objects.values_list("email", flat=True))

    assert _step(retention_apply()) == {}
    assert set(Donor.objects.values_list("email", flat=True)) == kept
    assert Donation.objects.get(pk=retry.pk).donor_id is not None
