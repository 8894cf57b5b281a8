import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from ledger.corrections import donation_correct
from ledger.models import Correction, Donation, StatementLine
from ledger.selectors import campaign_totals
from statements.importer import donation_from_line


def _change_url(gift):
    return reverse("admin:ledger_donation_change", args=[gift.pk])


def _correct_url(gift):
    return reverse("admin:ledger_donation_correct", args=[gift.pk])


INLINES = {
    f"{prefix}-{field}": "0"
    for prefix in ("refunds", "corrections", "status_changes")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


@pytest.mark.parametrize("provider", ["manual", "bank", "mollie"])
def test_it_keeps_a_paid_gift_from_being_rewritten(client, treasurer, make_donation, provider):
    gift = make_donation(
        "25.00",
        provider=provider,
        provider_payment_id=None if provider == "manual" else f"{provider}-1",
        received_on=date(2025, 3, 1),
    )
    client.force_login(treasurer)
    response = client.post(
        _change_url(gift),
        {
            "amount": "1.00",
            "status": "failed",
            "received_on": "2020-01-01",
            "method": "cash",
            "purpose": "basic_needs",
            "note": "checked against the statement",
            **INLINES,
        },
    )
    assert response.status_code == 302
    gift.refresh_from_db()
    assert (gift.amount, gift.status, gift.received_on, gift.method, gift.purpose) == (
        Decimal("25.00"),
        "paid",
        date(2025, 3, 1),
        "bank_transfer",
        "",
    )
    assert gift.note == "checked against the statement"
    assert campaign_totals().raised == Decimal("25.00")


def test_it_shows_a_saved_gift_with_no_money_field_to_edit(client, treasurer, make_donation):
    gift = make_donation("25.00")
    client.force_login(treasurer)
    html = client.get(_change_url(gift)).content.decode()
    assert 'name="note"' in html
    for name in ("amount", "status", "received_on", "prisoner", "purpose", "method"):
        assert f'name="{name}"' not in html
    assert _correct_url(gift) in html


def test_it_records_a_correction_as_a_new_dated_entry(client, treasurer, make_donation):
    gift = make_donation("25.00", received_on=date(2025, 3, 1))
    client.force_login(treasurer)
    response = client.post(
        _correct_url(gift),
        {"amount": "-5.50", "date": "2025-03-04", "reason": "Typed 25 instead of 19.50"},
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.donation, correction.amount, correction.date, correction.created_by) == (
        gift,
        Decimal("-5.50"),
        date(2025, 3, 4),
        "treasurer",
    )
    gift.refresh_from_db()
    assert gift.amount == Decimal("25.00")
    assert campaign_totals().raised == Decimal("19.50")
    page = client.get(_change_url(gift)).content.decode()
    assert "Typed 25 instead of 19.50" in page and "19.50" in page


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("0", "x", "non-zero"),
        ("-25.01", "x", "below nothing"),
        ("99999999.00", "x", "at most"),
        ("-5", "   ", "This field is required"),
        ("abc", "x", "Enter an amount in euros"),
        ("", "x", "This field is required"),
    ],
)
def test_it_refuses_a_bad_correction_and_changes_nothing(
    client, treasurer, make_donation, amount, reason, message
):
    gift = make_donation("25.00")
    client.force_login(treasurer)
    response = client.post(
        _correct_url(gift), {"amount": amount, "date": "2025-03-04", "reason": reason}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Correction.objects.exists()


@pytest.mark.parametrize("status", ["open", "failed", "canceled"])
def test_it_corrects_only_paid_gifts(make_donation, status):
    gift = make_donation("25.00", status=status)
    with pytest.raises(ValidationError, match="Only a paid gift"):
        donation_correct(
            donation_id=gift.pk, amount=Decimal("-5"), reason="x", user="t", on=date(2025, 1, 1)
        )


@pytest.mark.parametrize("user_fixture", ["editor", "outsider"])
def test_it_lets_only_treasurers_correct(client, request, make_donation, user_fixture):
    gift = make_donation("25.00")
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(
        _correct_url(gift), {"amount": "-5", "date": "2025-03-04", "reason": "x"}
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()


@pytest.fixture
def bank_gift(campaign):
    from ledger.models import BankStatement

    statement = BankStatement.objects.create(file_name="s.xml", format="camt053", account_iban="X")
    line = StatementLine.objects.create(
        statement=statement,
        dedupe_key="ref:1",
        account_iban="NL91ABNA0417164300",
        booking_date=date(2025, 3, 1),
        amount=Decimal("25.00"),
        is_credit=True,
        status=StatementLine.Status.MATCHED,
    )
    gift = donation_from_line(line, None)
    gift.save()
    line.donation = gift
    line.save()
    return gift, line


def test_it_keeps_the_statement_line_truthful_when_a_bank_gift_is_corrected(bank_gift):
    gift, line = bank_gift
    donation_correct(
        donation_id=gift.pk, amount=Decimal("-5"), reason="x", user="t", on=date.today()
    )
    line.refresh_from_db()
    assert (line.status, line.donation) == (StatementLine.Status.MATCHED, gift)
    donation_correct(
        donation_id=gift.pk, amount=Decimal("-20"), reason="not a gift", user="t", on=date.today()
    )
    line.refresh_from_db()
    assert line.status == StatementLine.Status.NOT_DONATION
    assert campaign_totals().raised == Decimal("0.00")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_never_takes_a_gift_below_nothing_when_two_corrections_race(postgres, make_donation):
    gift = make_donation("25.00")
    barrier = threading.Barrier(6)
    outcomes = []

    def correct():
        barrier.wait()
        try:
            donation_correct(
                donation_id=gift.pk, amount=Decimal("-20"), reason="x", user="t", on=date.today()
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - shown in the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=correct) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 5
    assert Correction.objects.count() == 1
    assert Donation.objects.get().amount == Decimal("25.00")
