"""apply_retention anonymises a donor with no gift for the retention period: their donor
record and the statements issued in their name go with their gifts' details."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from annual_statements.documents import statement_issue
from annual_statements.models import AnnualStatement
from donors.models import ANONYMISED_DOMAIN, Donor
from ledger.models import Donation
from mygifts.access import manage_token
from retention.steps import retention_apply
from sponsorships.models import Sponsorship
from tests.books import set_around_the_books

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


def test_it_anonymises_the_donor_record_and_empties_their_statements(
    client, campaign, make_donor, give_as, settings
):
    old = make_donor("old@example.org", name="Olga")
    recent = make_donor("recent@example.org", name="Rita")
    gift = give_as(old, "20.00", date(2015, 3, 1))
    set_around_the_books(
        Donation.objects.filter(pk=gift.pk), created_at=timezone.now() - timedelta(days=9 * 365)
    )
    give_as(recent, "20.00", date(2015, 3, 1))  # created now: a recent gift
    old_statement = statement_issue(donor_id=old.pk, year=2015)
    recent_statement = statement_issue(donor_id=recent.pk, year=2015)
    token = manage_token(old)

    dry = retention_apply(dry_run=True)
    assert dict(dry.steps[2].counts)["donor records"] == 1
    assert Donor.objects.get(pk=old.pk).email == "old@example.org"

    result = retention_apply()
    assert dict(result.steps[2].counts)["donor records"] == 1
    old.refresh_from_db()
    assert old.email.endswith(f"@{ANONYMISED_DOMAIN}") and old.name == ""
    old_statement = AnnualStatement.objects.get(pk=old_statement.pk)
    assert bytes(old_statement.pdf) == b"" and old_statement.total == 20
    assert bytes(AnnualStatement.objects.get(pk=recent_statement.pk).pdf) != b""
    assert Donor.objects.get(pk=recent.pk).email == "recent@example.org"
    assert client.get(f"/en/my-gifts/open/{token}/").status_code == 410
    # A second run finds nothing left to do.
    assert "donor records" not in retention_apply().steps[2].counts
    assert Sponsorship.objects.count() == 0
