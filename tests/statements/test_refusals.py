"""Bad input gets a clear message naming the file and line, and changes nothing (issue #8 A, C)."""

import pytest
from django.utils import translation

from ledger.models import BankStatement, Donation, StatementLine
from statements.importer import statement_import
from statements.parsing import StatementError
from tests.statements.samples import camt, mt940, ntry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(payment_reference="DSA3KM", slug="ana")


def counts():
    return [m.objects.count() for m in (BankStatement, StatementLine, Donation)]


def refused(name: str, data: bytes) -> StatementError:
    before = counts()
    with pytest.raises(StatementError) as excinfo:
        statement_import(file_name=name, data=data)
    assert counts() == before
    assert str(excinfo.value).startswith(name)
    return excinfo.value


def test_it_refuses_an_account_that_overflows_the_column(ana):
    error = refused("long.xml", camt(ntry("25.00"), iban="NL91ABNA0417164300" + "9" * 40))
    assert error.line == 5 and "58 characters" in str(error)
    error = refused("long.sta", mt940(account="NL91ABNA0417164300" + "9" * 40))
    assert error.line == 1 and "58 characters" in str(error)


@pytest.mark.parametrize("amount", ["999999999999999.00", "123456789012.00", "10000000.00"])
def test_it_refuses_an_amount_above_the_ledger_limit_naming_its_line(ana, amount):
    data = camt(ntry("10.00"), ntry(amount), closing="10.00")
    error = refused("big.xml", data)
    assert error.line == 15  # the second entry's <Amt>
    assert "above the ledger's limit of 9999999.99" in str(error)


def test_it_accepts_the_largest_amount_the_ledger_allows(ana):
    result = statement_import(
        file_name="max.xml", data=camt(ntry("9999999.99"), closing="9999999.99")
    )
    assert result.donations == 1 and result.balance_problems == []


def test_it_refuses_a_twelve_digit_mt940_credit_with_a_message(ana):
    data = mt940(":61:240301C123456789012,00NTRFNONREF", ":86:DSA3KM", closing="123456789012,00")
    error = refused("big.sta", data)
    assert error.line == 5 and "above the ledger's limit" in str(error)


def test_it_refuses_a_zero_entry_with_the_right_message(ana):
    error = refused("zero.xml", camt(ntry("25.00"), ntry("0.00"), closing="25.00"))
    assert error.line == 15 and "never zero" in str(error)
    assert "at the same time" not in str(error)
    error = refused("zero.sta", mt940(":61:240301C0,00NTRFNONREF", ":86:DSA3KM"))
    assert error.line == 5 and "never zero" in str(error)


def test_it_refuses_a_statement_of_another_account_naming_both(ana):
    error = refused("other.xml", camt(ntry("25.00"), iban="NL20INGB0001234567", closing="25.00"))
    assert "NL20INGB0001234567" in str(error) and "NL91ABNA0417164300" in str(error)
    assert error.line == 5


def test_it_refuses_every_statement_without_a_campaign_iban(db):
    error = refused("x.xml", camt(ntry("25.00"), closing="25.00"))
    assert "campaign settings" in str(error)


def test_it_accepts_the_old_account_number_inside_the_foundations_iban(ana):
    data = mt940(":61:240301C5,00NTRFNONREF", ":86:DSA3KM", account="417164300", closing="5,00")
    assert statement_import(file_name="old.sta", data=data).donations == 1


def test_it_refuses_a_file_larger_than_the_limit_before_reading_it(ana, settings):
    settings.STATEMENT_MAX_BYTES = 100
    error = refused("huge.xml", camt(ntry("25.00"), closing="25.00"))
    assert "larger than a bank statement can be" in str(error)


def test_it_calls_only_a_duplicate_key_a_concurrent_import(ana, monkeypatch):
    from django.db import IntegrityError

    import statements.importer as importer

    def broken(*args, **kwargs):
        raise IntegrityError('new row violates check constraint "statement_line_positive"')

    monkeypatch.setattr(importer, "_save_chunk", broken)
    error = refused("x.xml", camt(ntry("25.00"), closing="25.00"))
    assert "breaks a rule of the ledger" in str(error)
    assert "at the same time" not in str(error)
