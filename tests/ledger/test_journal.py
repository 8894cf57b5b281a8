"""The journal: every movement of money one append-only row, written with the ledger row; the
books refuse the writes that would go around it."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ledger.corrections import donation_correct
from ledger.models import (
    Category,
    Donation,
    Expense,
    FundTotal,
    FundTransfer,
    JournalIsAppendOnly,
    LedgerEntry,
    LedgerWriteRefused,
    Refund,
)
from ledger.running_totals import totals_apply
from ledger.selectors import money_in
from reports.data import fund_movements, journal_movements, movements_without_zeros
from reports.totals_check import journal_differences, totals_differences


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(name="Ana Ejemplo", slug="ana", payment_reference="DSA3KM")


@pytest.fixture
def books(ana, make_donation):
    """A little of everything, over two years and two funds."""
    lawyer = Category.objects.create(code="lawyer", purpose="legal_defense", name="Lawyer")
    soap = Category.objects.create(code="soap", purpose="basic_needs", name="Soap")
    gift = make_donation("50.00", prisoner=ana, received_on=date(2024, 3, 1), fee="0.59")
    make_donation("20.00", received_on=date(2025, 1, 2))
    gift.refunds.create(
        provider="mollie",
        provider_refund_id="re_1",
        kind=Refund.Kind.CHARGEBACK,
        amount=Decimal("50.00"),
        created_at=datetime(2024, 5, 10, 12, tzinfo=UTC),
    )
    gift.refunds.create(
        provider="mollie",
        provider_refund_id="re_2",
        kind=Refund.Kind.CHARGEBACK_REVERSED,
        amount=Decimal("50.00"),
        created_at=datetime(2025, 2, 10, 12, tzinfo=UTC),
    )
    donation_correct(
        donation_id=gift.pk, amount=Decimal("-1.00"), reason="x", user="t", on=date(2025, 2, 1)
    )
    Expense.objects.create(
        amount=Decimal("30.00"), prisoner=ana, category=lawyer, date=date(2024, 6, 1)
    )
    Expense.objects.create(amount=Decimal("4.50"), category=soap, date=date(2025, 3, 1))
    FundTransfer.objects.create(
        amount=Decimal("9.00"), to_prisoner=ana, reason="r", date=date(2025, 6, 1)
    )
    return gift


def _funds(movements: dict) -> dict:
    return {key: vars(fund) for key, fund in movements.items()}


PERIODS = [
    (None, None),
    (date(2024, 1, 1), date(2024, 12, 31)),
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2024, 5, 10), date(2025, 2, 10)),
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_a_group_by_over_the_journal_gives_every_figure_of_the_report(books, start, end):
    journal = _funds(journal_movements(start, end))
    assert journal == _funds(movements_without_zeros(fund_movements(start, end)))
    assert journal  # every period holds something


def test_each_row_writes_its_lines_and_a_change_reverses_them(books, ana, make_donation):
    gift = make_donation("50.00", prisoner=ana, received_on=date(2024, 3, 1), fee="0.59")
    entries = LedgerEntry.objects.filter(source="donation", source_id=gift.pk)
    assert sorted(entries.values_list("kind", "amount")) == [
        ("fee", Decimal("0.59")),
        ("received", Decimal("50.00")),
    ]
    gift.prisoner = None
    gift.save()
    # The old lines stay, each undone by one reversal; the new lines follow.
    assert entries.count() == 6
    reversals = entries.filter(reverses__isnull=False)
    assert sorted(r.amount for r in reversals) == [Decimal("-50.00"), Decimal("-0.59")]
    assert {e.fund_id for e in entries.live()} == {None}
    assert journal_differences() == [] and totals_differences() == []
    # Saving what changes nothing writes nothing.
    gift.save()
    assert entries.count() == 6


def test_the_running_totals_hold_what_the_journal_adds_up_to(books, ana):
    for fund in FundTotal.objects.all():
        live = LedgerEntry.objects.filter(fund=fund.prisoner_id)
        received = sum(e.amount for e in live if e.kind == "received")
        assert fund.received == received
    assert totals_differences() == []


def test_the_database_refuses_to_change_or_delete_a_journal_row(books):
    entry = LedgerEntry.objects.first()
    for statement in (
        "UPDATE ledger_ledgerentry SET amount = 0 WHERE id = %s",
        "DELETE FROM ledger_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    amount = entry.amount
    entry.refresh_from_db()
    assert entry.amount == amount


def test_the_journal_model_refuses_it_too(books):
    entry = LedgerEntry.objects.first()
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    with pytest.raises(JournalIsAppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=0)
    with pytest.raises(JournalIsAppendOnly):
        LedgerEntry.objects.all().delete()


def test_a_bulk_update_that_would_move_money_is_refused_and_changes_nothing(ana, make_donation):
    gift = make_donation("40.00", prisoner=ana)
    with pytest.raises(LedgerWriteRefused, match="status"):
        Donation.objects.filter(pk=gift.pk).update(status=Donation.Status.FAILED)
    gift.refresh_from_db()
    assert gift.status == Donation.Status.PAID
    assert money_in()[ana.pk].raised == Decimal("40.00")
    # Fields that move no money may still be written in bulk (retention does).
    assert Donation.objects.filter(pk=gift.pk).update(note="checked") == 1


def test_a_bulk_delete_of_rows_that_count_is_refused(books):
    with pytest.raises(LedgerWriteRefused):
        Refund.objects.all().delete()
    with pytest.raises(LedgerWriteRefused):
        Donation.objects.filter(pk=books.pk).delete()
    assert Refund.objects.count() == 2
    assert journal_differences() == [] and totals_differences() == []


def test_a_gift_never_goes_back_from_paid(make_donation):
    gift = make_donation("40.00")
    for status in (Donation.Status.FAILED, Donation.Status.OPEN):
        gift.status = status
        with pytest.raises(LedgerWriteRefused, match="cannot go from paid"):
            gift.save()
    gift.refresh_from_db()
    assert gift.status == Donation.Status.PAID


def test_an_open_gift_still_moves_up(make_donation):
    gift = make_donation("40.00", status="open")
    gift.status = Donation.Status.PAID
    gift.save()
    assert LedgerEntry.objects.filter(source="donation", source_id=gift.pk).count() == 1


# Serialized: its flush must leave the content types to the next such test to restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_totals_move_only_inside_the_ledger_rows_transaction():
    with pytest.raises(RuntimeError, match="transaction"):
        totals_apply(add=[])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_writes_the_journal_of_the_books_already_kept(postgres):
    executor = MigrationExecutor(connection)
    before = [("ledger", "0002_split_relations")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    prisoner = old.get_model("prisoners", "Prisoner").objects.create(name="Ana", slug="ana")
    category = old.get_model("ledger", "Category").objects.create(
        code="lawyer", purpose="legal_defense", name="Lawyer"
    )
    Gift = old.get_model("ledger", "Donation")
    paid = Gift.objects.create(
        amount=Decimal("25.00"),
        method="cash",
        status="paid",
        reference="DS-OLD-1",
        prisoner=prisoner,
        fee=Decimal("0.30"),
        paid_at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
    )
    Gift.objects.create(
        amount=Decimal("5.00"), method="cash", status="failed", reference="DS-OLD-2"
    )
    old.get_model("ledger", "Refund").objects.create(
        donation=paid,
        provider="mollie",
        provider_refund_id="re_1",
        kind="refund",
        amount=Decimal("5.00"),
        created_at=datetime(2025, 1, 3, tzinfo=UTC),
    )
    old.get_model("ledger", "Correction").objects.create(
        donation=paid, amount=Decimal("1.00"), reason="x", created_by="t", date=date(2025, 1, 4)
    )
    old.get_model("ledger", "Expense").objects.create(
        amount=Decimal("7.00"), prisoner=prisoner, category=category, date=date(2025, 2, 1)
    )
    old.get_model("ledger", "FundTransfer").objects.create(
        amount=Decimal("3.00"), from_prisoner=prisoner, reason="r", date=date(2025, 2, 2)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert journal_differences() == []
    # The 31st of December at 23:30 UTC is New Year's Day in Amsterdam, as in the books.
    received = LedgerEntry.objects.get(kind="received")
    assert (received.day, received.amount) == (date(2025, 1, 1), Decimal("25.00"))
    assert LedgerEntry.objects.count() == 7
