from decimal import Decimal

from ledger.models import Donation, Purpose
from ledger.selectors import campaign_totals, categories_by_purpose, with_raised
from prisoners.models import Prisoner


def test_it_counts_only_paid_donations(make_donation):
    make_donation("10.00")
    make_donation("2.50")
    for status in ["new", "open", "pending", "failed", "canceled", "expired"]:
        make_donation("1000.00", status=status)
    totals = campaign_totals()
    assert totals.raised == Decimal("12.50")
    assert totals.donors == 2


def test_it_counts_a_donor_once_by_email(make_donation):
    make_donation("10.00", donor_email="x@example.org")
    make_donation("10.00", donor_email="x@example.org")
    make_donation("10.00", donor_email="y@example.org")
    make_donation("10.00")  # cash, no email
    assert campaign_totals().donors == 3


def test_it_is_zero_without_donations(db):
    assert campaign_totals().raised == Decimal("0.00")
    assert campaign_totals().donors == 0


def test_it_sums_per_prisoner(make_prisoner, make_donation):
    a, b = make_prisoner(), make_prisoner()
    make_donation("10.00", prisoner=a)
    make_donation("0.01", prisoner=a)
    make_donation("99.00", prisoner=a, status=Donation.Status.PENDING)
    make_donation("5.00")  # general fund
    raised = {p.pk: p.raised for p in with_raised(Prisoner.objects.all())}
    assert raised == {a.pk: Decimal("10.01"), b.pk: Decimal("0.00")}


def test_it_groups_categories_under_both_purposes(db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    groups = dict(categories_by_purpose())
    assert [str(label) for label in groups] == [label for _, label in Purpose.choices]
    assert all(len(categories) >= 4 for categories in groups.values())
