"""The donor record and the link from gifts to donors (issue #10, step 1)."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.db import IntegrityError, transaction

from donors.models import Donor
from ledger.models import Donation
from sponsorships.models import Sponsorship
from tests.migration_state import apps_after


def test_it_keeps_one_donor_per_mailbox_whatever_the_letter_case(db):
    Donor.objects.create(email="  Camila@Example.org ")
    assert Donor.objects.get().email == "camila@example.org"
    with pytest.raises(IntegrityError), transaction.atomic():
        Donor.objects.create(email="CAMILA@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        # A raw write skips save(); the case-insensitive constraint still refuses it.
        Donor.objects.bulk_create([Donor(email="CaMiLa@example.org")])


def test_it_refuses_a_sponsorship_of_nothing(db):
    donor = Donor.objects.create(email="a@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Sponsorship.objects.create(donor=donor, amount=Decimal("0"), provider="demo")


def test_the_migration_links_each_emails_gifts_to_one_donor(make_donation):
    link = import_module("donations.migrations.0019_monthly_link_donors").link
    apps = apps_after("donations", "0019_monthly_link_donors")
    first = make_donation("10.00", donor_email="Ana@Example.org", donor_name="Ana", language="nl")
    later = make_donation(
        "20.00", donor_email="ana@example.org ", donor_name="Ana B", is_anonymous=True
    )
    other = make_donation("5.00", donor_email="luis@example.org", donor_name="Luis")
    nobody = make_donation("7.00", donor_email="")
    link(apps, None)
    link(apps, None)  # run twice: nothing doubles
    assert Donor.objects.count() == 2
    ana = Donor.objects.get(email="ana@example.org")
    assert set(ana.donations.values_list("pk", flat=True)) == {first.pk, later.pk}
    # The latest gift was anonymous: its name never reaches the donor record.
    assert ana.name == "Ana"
    assert Donation.objects.get(pk=other.pk).donor.email == "luis@example.org"
    assert Donation.objects.get(pk=nobody.pk).donor is None


def test_the_second_migration_links_the_gifts_recorded_since_to_their_donors(make_donation):
    link = import_module("donations.migrations.0025_link_remaining_gifts_to_donors").link
    apps = apps_after("donations", "0025_link_remaining_gifts_to_donors")
    ana = Donor.objects.create(email="ana@example.org", name="Ana")
    linked = make_donation("10.00", donor_email="ana@example.org", donor=ana)
    by_hand = make_donation("20.00", donor_email="ANA@example.org ", donor_name="Ana B")
    bank = make_donation(
        "30.00", donor_email="jan@example.org", donor_name="Jan", is_anonymous=True
    )
    nobody = make_donation("7.00", donor_email="")
    link(apps, None)
    link(apps, None)  # run twice: nothing doubles
    assert set(ana.donations.values_list("pk", flat=True)) == {linked.pk, by_hand.pk}
    assert Donor.objects.get(pk=ana.pk).name == "Ana"  # a name already there stays
    jan = Donation.objects.get(pk=bank.pk).donor
    assert (jan.email, jan.name) == ("jan@example.org", "")
    assert Donation.objects.get(pk=nobody.pk).donor is None
    assert Donor.objects.count() == 2
