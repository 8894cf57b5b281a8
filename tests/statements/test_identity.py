"""A line is imported once, however often banks reuse their references (issue #8 E1)."""

from decimal import Decimal

import pytest
from django.utils import translation

from ledger.models import BankStatement, Donation, StatementLine
from statements.importer import statement_import
from tests.migration_state import apps_after
from tests.statements.samples import camt, mt940, ntry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(payment_reference="DSA3KM", slug="ana")


def test_it_keeps_a_second_gift_that_reuses_a_bank_reference(ana):
    first = statement_import(file_name="a.xml", data=camt(ntry("25.00", "NONREF"), closing="25.00"))
    data = camt(ntry("40.00", "NONREF"), opening="25.00", closing="65.00")
    second = statement_import(file_name="b.xml", data=data)
    assert (first.lines_new, second.lines_new, second.duplicates) == (1, 1, 0)
    assert sorted(ana.donations.values_list("amount", flat=True)) == [
        Decimal("25.00"),
        Decimal("40.00"),
    ]
    assert second.balance_problems == []


def test_it_keeps_every_line_of_one_file_that_share_a_reference(ana):
    data = camt(
        ntry("25.00", "55555"), ntry("40.00", "55555"), ntry("25.00", "55555"), closing="90.00"
    )
    result = statement_import(file_name="a.xml", data=data)
    assert (result.lines_new, result.donations) == (3, 3)
    again = statement_import(file_name="a.xml", data=data)
    assert (again.lines_new, again.duplicates) == (0, 3)
    assert Donation.objects.count() == 3


def test_it_keeps_every_mt940_line_with_the_same_bank_reference(ana):
    line = ":61:240301C20,00NTRFEREF//55555"
    data = mt940(line, ":86:DSA3KM", line, ":86:DSA3KM", closing="40,00")
    assert statement_import(file_name="a.sta", data=data).lines_new == 2


def test_it_finds_the_lines_of_an_overlapping_export_at_other_places(ana):
    statement_import(file_name="a.xml", data=camt(ntry("25.00", "R1"), closing="25.00"))
    later = camt(ntry("10.00", "R0"), ntry("25.00", "R1"), ntry("5.00", "R2"), closing="40.00")
    result = statement_import(file_name="b.xml", data=later)
    assert (result.lines_new, result.duplicates) == (2, 1)


def test_it_never_calls_balances_agreeing_when_they_do_not(ana):
    statement_import(file_name="a.xml", data=camt(ntry("25.00", "R1"), closing="25.00"))
    data = camt(ntry("25.00", "R1"), ntry("40.00", "R1"), closing="99.00")
    result = statement_import(file_name="b.xml", data=data)
    assert result.duplicates == 1
    assert "closing balance is 99.00" in result.balance_problems[0]
    assert BankStatement.objects.latest("id").balance_ok is False


def test_the_migration_rekeys_old_lines_so_an_old_export_is_still_known(ana):
    from importlib import import_module

    rekey = import_module("donations.migrations.0012_statements_line_identity").rekey
    data = camt(ntry("25.00", "R1"), ntry("25.00"), ntry("25.00"), closing="75.00")
    statement_import(file_name="a.xml", data=data)
    keys = list(StatementLine.objects.order_by("id").values_list("dedupe_key", flat=True))
    for number, line in enumerate(StatementLine.objects.order_by("id")):  # old-style keys
        StatementLine.objects.filter(pk=line.pk).update(dedupe_key=f"fp:old:{number}")
    rekey(apps_after("donations", "0012_statements_line_identity"), None)
    assert list(StatementLine.objects.order_by("id").values_list("dedupe_key", flat=True)) == keys
    assert statement_import(file_name="a.xml", data=data).lines_new == 0
