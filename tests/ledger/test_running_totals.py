"""The running totals follow every change that moves money, and always equal the ledger."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F

from ledger.corrections import donation_correct
from ledger.models import (
    CampaignTotal,
    Category,
    Donation,
    Expense,
    FundTotal,
    FundTransfer,
    QuarterTotal,
    StatementLine,
    YearTotal,
)
from ledger.selectors import campaign_totals, campaign_totals_ledger, money_in
from payments.models import StatusChange
from payments.providers.base import PaymentReport, RefundReport
from payments.services import payment_apply_status
from reports.totals_check import totals_differences
from statements import review as ledger
from statements.importer import statement_import
from tests.books import set_around_the_books
from tests.sponsorships.helpers import start_sponsorship
from tests.statements.samples import camt, ntry

PAID_AT = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def assert_agree():
    assert totals_differences() == []
    assert campaign_totals() == campaign_totals_ledger()
    ledger = money_in()
    for row in FundTotal.objects.all():
        assert row.raised == (ledger[row.prisoner_id].raised if row.prisoner_id in ledger else 0)


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(name="Ana Ejemplo", slug="ana", payment_reference="DSA3KM")


def _report(status="paid", **fields):
    return PaymentReport(payment_id="tr_1", status=status, **fields)


def _apply(report):
    return payment_apply_status(
        provider=Donation.Provider.MOLLIE, report=report, source=StatusChange.Source.WEBHOOK
    )


def test_it_follows_a_payment_its_refund_chargeback_and_reversal(ana, make_donation):
    make_donation(
        "40.00",
        status="open",
        prisoner=ana,
        provider="mollie",
        provider_payment_id="tr_1",
        donor_email="Camila@Example.org",
    )
    assert_agree()
    assert campaign_totals().raised == 0

    _apply(_report(amount_paid=Decimal("40.00"), paid_at=PAID_AT))
    assert_agree()
    assert campaign_totals() == campaign_totals_ledger()
    assert FundTotal.objects.get(prisoner=ana).raised == Decimal("40.00")
    assert QuarterTotal.objects.get().quarter == date(2026, 1, 1)

    refund = RefundReport("re_1", Decimal("5.00"), created_at=datetime(2026, 4, 2, tzinfo=UTC))
    chargeback = RefundReport(
        "chb_1",
        Decimal("10.00"),
        is_chargeback=True,
        created_at=datetime(2026, 4, 3, tzinfo=UTC),
    )
    _apply(_report(refunds=[refund, chargeback]))
    assert_agree()
    assert FundTotal.objects.get(prisoner=ana).raised == Decimal("25.00")

    won = RefundReport(
        "chb_1",
        Decimal("10.00"),
        is_chargeback=True,
        created_at=datetime(2026, 4, 3, tzinfo=UTC),
        reversed=True,
        reversed_at=datetime(2026, 7, 1, tzinfo=UTC),
    )
    _apply(_report(refunds=[refund, won]))
    _apply(_report(refunds=[refund, won]))  # reported twice: counted once
    assert_agree()
    assert FundTotal.objects.get(prisoner=ana).raised == Decimal("35.00")
    assert QuarterTotal.objects.count() == 3


def test_it_follows_a_correction(ana, make_donation):
    gift = make_donation("50.00", prisoner=ana, received_on=date(2025, 3, 1))
    donation_correct(
        donation_id=gift.pk, amount=Decimal("-10.50"), reason="typo", user="t", on=date(2025, 4, 1)
    )
    assert_agree()
    assert FundTotal.objects.get(prisoner=ana).raised == Decimal("39.50")


def test_it_follows_spending_and_transfers(ana, make_donation):
    category = Category.objects.create(code="lawyer", purpose="legal_defense", name="Lawyer")
    make_donation("100.00")
    expense = Expense.objects.create(amount=Decimal("30.00"), prisoner=ana, category=category)
    FundTransfer.objects.create(amount=Decimal("60.00"), to_prisoner=ana, reason="moved")
    assert_agree()
    fund = FundTotal.objects.get(prisoner=ana)
    assert (fund.spent, fund.transferred_in) == (Decimal("30.00"), Decimal("60.00"))
    assert FundTotal.objects.get(prisoner=None).transferred_out == Decimal("60.00")

    # Spending may still be edited in the admin: the totals follow the change.
    expense.amount, expense.prisoner = Decimal("12.00"), None
    expense.save()
    assert_agree()
    assert FundTotal.objects.get(prisoner=ana).spent == 0


def test_it_follows_a_bank_statement_and_the_review(ana):
    data = camt(
        ntry("20.00", "B1", text="Gift DSA3KM"),
        ntry("7.50", "B2", text="DSFUND thanks"),
        ntry("3.00", "B3", text="no reference at all"),
        ntry("15.00", "B4", text="Lawyer", credit=False),
    )
    statement_import(file_name="march.xml", data=data, user="t")
    assert_agree()
    assert campaign_totals().donors == 2  # bank gifts without an email: one donor each

    review = StatementLine.objects.get(remittance="no reference at all")
    ledger.statement_line_record_donation(line_id=review.pk, prisoner=ana, user="t")
    category = Category.objects.create(code="lawyer", purpose="legal_defense", name="Lawyer")
    spending = StatementLine.objects.get(is_credit=False)
    ledger.statement_line_record_expense(
        line_id=spending.pk, prisoner=ana, category=category, user="t"
    )
    assert_agree()
    fund = FundTotal.objects.get(prisoner=ana)
    assert (fund.raised, fund.spent) == (Decimal("23.00"), Decimal("15.00"))


def test_it_follows_the_months_of_a_sponsorship(
    settings, ana, client, django_capture_on_commit_callbacks
):
    settings.DEMO_PAYMENTS = True
    settings.SITE_URL = "http://testserver"
    donation, url = start_sponsorship("demo", prisoner=ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"id": donation.provider_payment_id, "outcome": "paid"})
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month", stdout=StringIO())
        call_command("demo_charge_month", "--fail", stdout=StringIO())
    assert_agree()
    assert FundTotal.objects.get(prisoner=ana).raised == Decimal("30.00")
    assert campaign_totals().donors == 1  # one sponsor, two paid months


def test_it_counts_a_donor_once_by_their_donor_record(make_donation):
    make_donation("10.00", donor_email="x@example.org")
    make_donation("10.00", donor_email=" X@Example.org")  # the same mailbox
    make_donation("10.00", donor_email="y@example.org")
    make_donation("10.00")  # cash, no email: a donor of its own
    make_donation("10.00")
    make_donation("10.00", donor_email="z@example.org", status="open")  # not paid: not counted
    assert campaign_totals().donors == 4
    assert_agree()
    gifts = Donation.objects.filter(donor_email__iexact="x@example.org")
    assert gifts.values("donor").distinct().count() == 1


def test_bulk_created_gifts_count_each_new_donor_once(db):
    Donation.objects.bulk_create(
        Donation(amount=Decimal("5.00"), method="cash", status="paid", donor_email=email)
        for email in ["a@example.org", "a@example.org", "b@example.org", ""]
    )
    assert campaign_totals().donors == 3
    assert_agree()


def test_it_refuses_to_bulk_create_ledger_rows_over_conflicts(db):
    with pytest.raises(ValueError):
        Donation.objects.bulk_create(
            [Donation(amount=Decimal("5.00"), method="cash", status="paid")],
            ignore_conflicts=True,
        )


def test_a_note_leaves_the_totals_alone(make_donation, django_assert_max_num_queries):
    gift = make_donation("10.00")
    gift.note = "checked"
    with django_assert_max_num_queries(5) as queries:
        gift.save(update_fields=["note", "updated_at"])
    assert not [q for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert_agree()


def test_verify_totals_reports_a_tampered_row_and_exits_non_zero(ana, make_donation):
    make_donation("25.00", prisoner=ana, donor_email="x@example.org")
    out = StringIO()
    call_command("verify_totals", stdout=out)
    assert "agree" in out.getvalue()

    FundTotal.objects.filter(prisoner=ana).update(received=F("received") + 1)
    CampaignTotal.objects.update(donors=7)
    err = StringIO()
    with pytest.raises(CommandError, match="3 difference"):
        call_command("verify_totals", stderr=err)
    assert (
        f"fund of prisoner {ana.pk}: received is 26.00 in the running totals, 25.00 in the ledger"
    ) in err.getvalue()
    assert (
        f"fund of prisoner {ana.pk}: received is 26.00 in the running totals, 25.00 in the journal"
    ) in err.getvalue()
    assert "donors: 7 in the running totals, 1 in the ledger" in err.getvalue()
    # A check, not a repair.
    assert FundTotal.objects.get(prisoner=ana).received == Decimal("26.00")


def test_verify_totals_reports_a_gift_written_past_the_ledger_rows(make_donation):
    gift = make_donation("25.00")
    set_around_the_books(Donation.objects.filter(pk=gift.pk), amount=Decimal("30.00"))
    assert totals_differences() == [
        "general fund: received is 25.00 in the journal, 30.00 in the ledger",
        "general fund: received is 25.00 in the running totals, 30.00 in the ledger",
        f"quarter {QuarterTotal.objects.get().quarter}: received is 25.00 in the running "
        "totals, 30.00 in the ledger",
    ]


def _years() -> dict[int, tuple[int, int]]:
    return {row.year: (row.entries, row.version) for row in YearTotal.objects.all()}


def test_it_counts_each_entry_in_its_year_and_moves_only_the_years_a_change_touches(
    ana, make_donation
):
    category = Category.objects.create(code="lawyer", purpose="legal_defense", name="Lawyer")
    other = Category.objects.create(code="soap", purpose="basic_needs", name="Soap")
    gift = make_donation("50.00", prisoner=ana, received_on=date(2024, 3, 1))
    gift.refunds.create(
        provider="mollie",
        provider_refund_id="re_1",
        kind="refund",
        amount=Decimal("5.00"),
        created_at=datetime(2025, 1, 10, 12, tzinfo=UTC),
    )
    donation_correct(
        donation_id=gift.pk, amount=Decimal("-1.00"), reason="x", user="t", on=date(2025, 2, 1)
    )
    expense = Expense.objects.create(
        amount=Decimal("30.00"), prisoner=ana, category=category, date=date(2023, 5, 1)
    )
    FundTransfer.objects.create(
        amount=Decimal("9.00"), to_prisoner=ana, reason="r", date=date(2025, 6, 1)
    )
    make_donation("10.00", status="open", received_on=date(2022, 1, 1))  # not in the books
    assert {year: entries for year, (entries, _v) in _years().items()} == {
        2023: 1,
        2024: 1,
        2025: 3,
    }
    assert_agree()
    before = _years()

    make_donation("10.00", received_on=date(2026, 1, 5))
    gift.note = "checked"
    gift.save(update_fields=["note"])
    assert {year: row for year, row in _years().items() if year < 2026} == before

    # A fee reported late: the gift's year only, and no entry more.
    gift.fee = Decimal("0.60")
    gift.save()
    assert _years()[2024] == (1, before[2024][1] + 1)
    assert _years()[2023] == before[2023] and _years()[2025] == before[2025]

    # Spending moved to another category, then to another year: counted where it is now.
    expense.category = other
    expense.save()
    assert _years()[2023] == (1, before[2023][1] + 1)
    expense.date = date(2025, 7, 1)
    expense.save()
    assert _years()[2023] == (0, before[2023][1] + 2)
    assert _years()[2025] == (4, before[2025][1] + 1)
    assert_agree()
    expense.delete()
    assert _years()[2025] == (3, before[2025][1] + 2)
    assert_agree()


def test_verify_totals_reports_a_year_that_disagrees_with_the_ledger(make_donation):
    make_donation("25.00", received_on=date(2025, 5, 1))
    YearTotal.objects.filter(year=2025).update(entries=F("entries") + 1)
    assert totals_differences() == [
        "year 2025: entries is 2 in the running totals, 1 in the ledger"
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_counts_the_books_already_kept_in_their_years(postgres):
    executor = MigrationExecutor(connection)
    executor.migrate([("donations", "0027_running_totals_fill")])
    old = executor.loader.project_state([("donations", "0027_running_totals_fill")]).apps
    OldDonation = old.get_model("donations", "Donation")
    gifts = [
        OldDonation.objects.create(
            amount=Decimal("5.00"),
            method="cash",
            status=status,
            reference=f"DS-OLD-{n}",
            paid_at=datetime(year, 12, 31, 23, 30, tzinfo=UTC) if status == "paid" else None,
        )
        for n, (year, status) in enumerate([(2023, "paid"), (2024, "paid"), (2024, "failed")])
    ]
    old.get_model("donations", "Refund").objects.create(
        donation_id=gifts[0].pk,
        provider="mollie",
        provider_refund_id="re_1",
        kind="refund",
        amount=Decimal("1.00"),
        created_at=datetime(2025, 2, 1, 12, tzinfo=UTC),
    )
    old.get_model("donations", "Correction").objects.create(
        donation_id=gifts[1].pk, amount=Decimal("1.00"), date=date(2024, 3, 1), reason="r"
    )
    category = old.get_model("donations", "Category").objects.create(
        code="c", purpose="basic_needs", name="C"
    )
    old.get_model("donations", "Expense").objects.create(
        amount=Decimal("2.00"), category_id=category.pk, date=date(2022, 4, 1)
    )
    prisoner = old.get_model("prisoners", "Prisoner").objects.create(name="P", slug="p")
    old.get_model("donations", "FundTransfer").objects.create(
        amount=Decimal("2.00"), to_prisoner_id=prisoner.pk, reason="r", date=date(2025, 4, 1)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # A gift paid late on 31 December UTC counts on the books' day, 1 January in Amsterdam,
    # as the reports date it; the failed one is not in the books.
    assert {year: entries for year, (entries, _v) in _years().items()} == {
        2022: 1,
        2024: 2,
        2025: 3,
    }
    assert all(version > 0 for _entries, version in _years().values())
