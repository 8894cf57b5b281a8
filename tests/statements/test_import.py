from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ledger.models import (
    BankStatement,
    Category,
    Donation,
    Expense,
    FundTransfer,
    Refund,
    StatementLine,
)
from prisoners.models import Campaign
from reports.data import fund_balances
from statements.importer import statement_import
from statements.parsing import StatementError

SAMPLES = Path(__file__).parents[1] / "fixtures" / "statements"


# The account each sample is an export of; the foundation's IBAN is set to it before import.
ACCOUNTS = {
    "ing": "NL20INGB0001234567",
    "rabobank": "NL86RABO0123456712",
    "abnamro": "NL91ABNA0417164300",
    "balance": "NL91ABNA0417164300",
    "broken": "NL20INGB0001234567",
    "truncated": "NL20INGB0001234567",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def use_account_of(name: str) -> None:
    prefix = name.split("_")[0]
    if prefix in ACCOUNTS:
        Campaign.objects.update(iban=ACCOUNTS[prefix])


@pytest.fixture
def funds(campaign, make_prisoner):
    """Prisoners whose references the sample statements use (the general fund is DSFUND)."""
    return {
        ref: make_prisoner(payment_reference=ref, slug=ref.lower())
        for ref in ("DSA3KM", "DSB4LN", "DSC6MP", "DSD7NR", "DSE9PT", "DSF3RU", "DSG4TV")
    }


def run(name: str):
    use_account_of(name)
    return statement_import(file_name=name, data=(SAMPLES / name).read_bytes(), user="t")


def _ledger_counts():
    return [m.objects.count() for m in (BankStatement, StatementLine, Donation, Expense)]


def test_it_turns_credits_with_references_into_paid_donations(funds):
    result = run("ing_camt053_v02.xml")
    assert (result.lines_read, result.lines_new, result.donations) == (9, 9, 5)
    assert (result.review, result.not_donation) == (3, 1)
    by_fund = {
        (d.prisoner.payment_reference if d.prisoner else "general"): d.amount
        for d in Donation.objects.filter(provider=Donation.Provider.BANK).exclude(
            amount=Decimal("10.00")
        )
    }
    assert by_fund == {
        "DSA3KM": Decimal("25.00"),
        "DSB4LN": Decimal("35.00"),
        "general": Decimal("25.00"),
        "DSC6MP": Decimal("45.00"),
    }
    donation = StatementLine.objects.get(entry_reference="ING-2024030500001").donation
    assert donation.status == Donation.Status.PAID
    assert donation.method == Donation.Method.BANK_TRANSFER
    assert donation.is_anonymous and donation.donor_name == "J. de Vries"
    assert donation.status_changes.get().source == "import"


def test_it_queues_what_it_cannot_place(funds):
    run("ing_camt053_v02.xml")
    queue = {
        line.entry_reference: line.note
        for line in StatementLine.objects.filter(status=StatementLine.Status.REVIEW)
    }
    assert queue == {
        "ING-2024030500004": "no payment reference found",
        "ING-2024030600006": "money out: possible spending",
        "ING-2024030600007": "reversal of an earlier entry",
    }
    payout = StatementLine.objects.get(entry_reference="ING-2024030600005")
    assert payout.status == StatementLine.Status.NOT_DONATION and payout.donation is None


@pytest.mark.parametrize(
    ("name", "donations"),
    [
        ("rabobank_camt053_v08.xml", 1),
        ("rabobank_mt940.swi", 1),
        ("ing_mt940.sta", 2),
        ("abnamro_mt940_unstructured.sta", 1),
        ("abnamro_camt053_v02.xml", 2),
    ],
)
def test_it_imports_every_banks_format(funds, name, donations):
    assert run(name).donations == donations


def test_it_never_imports_a_line_twice(funds):
    run("ing_camt053_v02.xml")
    counts, total = _ledger_counts(), sum(d.amount for d in Donation.objects.all())
    again = run("ing_camt053_v02.xml")
    assert (again.lines_new, again.duplicates, again.donations) == (0, 9, 0)
    assert _ledger_counts()[1:] == counts[1:]
    assert sum(d.amount for d in Donation.objects.all()) == total


def test_it_takes_only_the_new_lines_of_an_overlapping_statement(funds):
    run("ing_camt053_v02.xml")
    overlap = run("ing_camt053_overlap.xml")
    assert (overlap.lines_read, overlap.lines_new, overlap.donations) == (2, 1, 1)
    assert StatementLine.objects.filter(entry_reference="ING-2024030600008").count() == 1


def test_it_keeps_two_identical_transfers_without_bank_references(funds):
    result = run("abnamro_camt053_v02.xml")
    assert result.lines_new == 2
    assert funds["DSE9PT"].donations.count() == 2
    assert run("abnamro_camt053_v02.xml").lines_new == 0


@pytest.mark.parametrize(
    "name",
    [
        "truncated_camt053.xml",
        "broken_61_mt940.sta",
        "intraday_camt052.xml",
        "not_a_statement.csv",
        "billion_laughs.xml",
    ],
)
def test_it_saves_nothing_from_a_bad_file(funds, name):
    before = _ledger_counts()
    with pytest.raises(StatementError):
        run(name)
    assert _ledger_counts() == before


def test_it_reports_a_balance_mismatch_and_keeps_the_lines(funds):
    result = run("balance_mismatch_camt053.xml")
    assert "closing balance is 45.00" in result.balance_problems[0]
    statement = BankStatement.objects.get()
    assert statement.balance_ok is False and "45.00" in statement.balance_note


def test_the_command_imports_many_files_and_summarises(funds):
    out, err = StringIO(), StringIO()
    files = [str(SAMPLES / n) for n in ("ing_camt053_v02.xml", "ing_mt940.sta")]
    use_account_of("ing")
    call_command("import_statement", *files, stdout=out, stderr=err)
    assert "ing_camt053_v02.xml: 9 lines read (9 new, 0 imported before)" in out.getvalue()
    assert "ing_mt940.sta [##############################] 4/4 lines" in out.getvalue()


def test_the_command_fails_for_a_refused_file_but_imports_the_others(funds):
    out, err = StringIO(), StringIO()
    files = [str(SAMPLES / n) for n in ("truncated_camt053.xml", "ing_mt940.sta")]
    use_account_of("ing")
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_statement", *files, stdout=out, stderr=err)
    assert "truncated_camt053.xml, line 48" in err.getvalue()
    assert StatementLine.objects.count() == 4


def test_fund_balances_follow_donations_refunds_spending_and_transfers(funds, make_donation):
    ana, ben = funds["DSA3KM"], funds["DSB4LN"]
    run("ing_camt053_v02.xml")  # Ana 25 + 10, Ben 35, general 25, DSC6MP 45
    refunded = make_donation("20.00", prisoner=ana, provider="mollie", provider_payment_id="tr_1")
    Refund.objects.create(
        donation=refunded,
        provider="mollie",
        provider_refund_id="re_1",
        kind="refund",
        amount=Decimal("5.00"),
    )
    legal = Category.objects.create(code="lawyers", purpose="legal_defense", name="Lawyers")
    Expense.objects.create(amount=Decimal("30.00"), prisoner=ana, category=legal)
    Expense.objects.create(amount=Decimal("7.50"), category=legal)  # general fund
    FundTransfer.objects.create(
        amount=Decimal("12.00"),
        from_prisoner=ana,
        to_prisoner=ben,
        reason="Ana released; family agreed",
    )
    balances = {f.prisoner.pk if f.prisoner else None: f for f in fund_balances()}
    assert balances[ana.pk].balance == Decimal("25.00") + 10 + 20 - 5 - 30 - 12
    assert balances[ben.pk].balance == Decimal("35.00") + 12
    assert balances[None].balance == Decimal("25.00") - Decimal("7.50")
    assert balances[ana.pk].refunded == Decimal("5.00")
    total = sum(f.balance for f in balances.values())
    assert total == Decimal("25") + 10 + 20 - 5 + 35 + 25 + 45 - 30 - Decimal("7.50")
