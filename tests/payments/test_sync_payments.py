from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ledger.models import Donation
from ledger.selectors import campaign_totals
from payments.models import StatusChange
from tests.books import set_around_the_books


def _age(donation: Donation, minutes: int) -> None:
    set_around_the_books(
        Donation.objects.filter(pk=donation.pk),
        created_at=timezone.now() - timedelta(minutes=minutes),
    )


def _sync(*args) -> str:
    out = StringIO()
    call_command("sync_payments", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_it_settles_payments_whose_webhooks_were_lost(give, fake_mollie, fake_stripe):
    _r, ideal = give("ideal", other_amount="10")
    _r, card = give("card", other_amount="20", donor_email="other@example.org")
    _r, failed = give("ideal", other_amount="99", donor_email="third@example.org")
    for donation in (ideal, card, failed):
        _age(donation, 30)
    fake_mollie.set_status(ideal.provider_payment_id, "paid")
    fake_mollie.set_status(failed.provider_payment_id, "failed")
    fake_stripe.complete(card.provider_payment_id)  # no webhook is ever posted

    output = _sync()

    assert "3 unfinished" in output and "3 changed" in output
    for donation, status in ((ideal, "paid"), (card, "paid"), (failed, "failed")):
        donation.refresh_from_db()
        assert donation.status == status
        assert donation.status_changes.last().source == StatusChange.Source.SYNC
    assert campaign_totals().raised == Decimal("30.00")
    assert "0 changed" in _sync()  # running it again changes nothing


def test_it_leaves_recent_payments_to_their_webhooks(give, fake_mollie):
    _r, donation = give("ideal")
    fake_mollie.set_status(donation.provider_payment_id, "paid")
    assert "0 unfinished" in _sync("--older-than", "5")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN


def test_it_settles_what_it_can_and_exits_non_zero_when_a_provider_is_down(
    give, fake_mollie, fake_stripe
):
    _r, ideal = give("ideal")
    _r, card = give("card", donor_email="other@example.org")
    _age(ideal, 30)
    _age(card, 30)
    fake_stripe.complete(card.provider_payment_id)
    fake_mollie.down = True
    out = StringIO()
    with pytest.raises(CommandError, match="Could not reach mollie") as failure:
        call_command("sync_payments", stdout=out, stderr=out)
    assert failure.value.returncode != 0  # what manage.py exits with
    output = out.getvalue()
    assert f"donation {ideal.pk} (mollie): provider unreachable" in output
    assert "1 changed" in output and "1 unreachable" in output
    card.refresh_from_db()
    ideal.refresh_from_db()
    assert (card.status, ideal.status) == ("paid", "open")


def test_it_exits_zero_when_every_provider_answered(give, fake_mollie):
    _r, ideal = give("ideal")
    _age(ideal, 30)
    fake_mollie.set_status(ideal.provider_payment_id, "paid")
    assert "0 unreachable" in _sync()  # no CommandError raised
