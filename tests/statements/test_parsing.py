from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from statements.mt940_format import parse_details
from statements.parsing import StatementError
from statements.reading import parse_statement
from statements.references import find_reference

SAMPLES = Path(__file__).parents[1] / "fixtures" / "statements"


def parse(name: str):
    return parse_statement(name, (SAMPLES / name).read_bytes())


def test_it_reads_an_ing_camt053_with_a_batch_a_reversal_and_a_foreign_credit():
    (statement,) = parse("ing_camt053_v02.xml")
    assert (statement.format, statement.account_iban) == ("camt053", "NL20INGB0001234567")
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"),
        Decimal("1220.00"),
    )
    assert statement.balance_problem() == ""
    lines = statement.lines
    assert len(lines) == 9  # 8 booked entries, one of them a batch of two; the pending one is not
    first = lines[0]
    assert (first.amount, first.is_credit, first.counterparty_name, first.counterparty_iban) == (
        Decimal("25.00"),
        True,
        "J. de Vries",
        "NL91ABNA0417164300",
    )
    assert first.booking_date == date(2024, 3, 5) and first.remittance == "DSA3KM donatie"
    assert first.end_to_end_id == ""  # NOTPROVIDED
    batch = [line for line in lines if line.entry_reference.startswith("ING-2024030500003")]
    assert [line.amount for line in batch] == [Decimal("35.00"), Decimal("25.00")]
    reversal = next(line for line in lines if line.is_reversal)
    assert (reversal.amount, reversal.is_credit) == (Decimal("10.00"), False)
    foreign = next(line for line in lines if line.original_amount)
    assert (foreign.amount, foreign.original_amount) == (Decimal("45.00"), "USD 50.00")
    assert all(isinstance(line.amount, Decimal) for line in lines)


def test_it_reads_a_rabobank_camt053_version_8_with_two_statements():
    first, second = parse("rabobank_camt053_v08.xml")
    assert first.statement_id == "RABO-2024-03-09"
    assert first.lines[0].counterparty_name == "F. el Amrani"
    assert first.lines[0].end_to_end_id == "dsd7nr"
    assert second.lines[1].remittance == "RF18539007547034"  # structured creditor reference
    assert [s.balance_problem() for s in (first, second)] == ["", ""]


def test_it_reads_an_ing_mt940():
    (statement,) = parse("ing_mt940.sta")
    assert (statement.format, statement.account_iban) == ("mt940", "NL20INGB0001234567")
    assert [line.amount for line in statement.lines] == [
        Decimal("25.00"),
        Decimal("10.00"),
        Decimal("80.00"),
        Decimal("120.00"),
    ]
    assert statement.lines[2].is_credit is False
    assert statement.lines[1].remittance == "gift voor ds a3km, sterkte"
    assert statement.lines[1].end_to_end_id == "E2E-77"


def test_it_reads_a_rabobank_mt940_with_cntp():
    (statement,) = parse("rabobank_mt940.swi")
    credit = statement.lines[0]
    assert (credit.counterparty_name, credit.counterparty_iban) == (
        "L. Muñoz",
        "NL55INGB0000000555",
    )
    assert credit.remittance == "Para DSF3RU con cariño"


def test_it_reads_an_unstructured_abn_amro_mt940():
    (statement,) = parse("abnamro_mt940_unstructured.sta")
    assert statement.account_iban == "417164300"
    assert statement.lines[1].counterparty_name == "M. JANSEN"
    assert statement.lines[1].counterparty_iban == "NL02RABO0123456789"


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "/EREF/E1//NAME/A B/REMI/USTD//DSA3KM gift/IBAN/NL91ABNA0417164300/",
            {"EREF": "E1", "NAME": "A B", "REMI": "DSA3KM gift", "IBAN": "NL91ABNA0417164300"},
        ),
        (
            "/EREF/X//CNTP/NL55INGB0000000555/INGBNL2A/L. Muñoz///REMI/USTD//hola/",
            {"EREF": "X", "IBAN": "NL55INGB0000000555", "NAME": "L. Muñoz", "REMI": "hola"},
        ),
        ("GIRO 1234567 K. VAN DAM", {"REMI": "GIRO 1234567 K. VAN DAM"}),
    ],
)
def test_it_splits_dutch_structured_details(text, fields):
    parsed = parse_details(text)
    assert {key: parsed.get(key) for key in fields} == fields


REFS = {"DSA3KM", "DSB4LN", "DSFUND"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("DSA3KM", {"DSA3KM"}),
        ("gift voor ds a3km, sterkte", {"DSA3KM"}),
        ("Collecte voor DS-B4LN", {"DSB4LN"}),
        ("ds.a3.km", {"DSA3KM"}),
        ("DSA3KMgift", {"DSA3KM"}),
        ("algemeen dsfund", {"DSFUND"}),
        ("voor DSA3KM en DSB4LN", {"DSA3KM", "DSB4LN"}),
        ("words a3km", set()),  # "wordsa3km" must not be read as DSA3KM
        ("Bedankt voor jullie werk!", set()),
        ("", set()),
    ],
)
def test_it_finds_references_however_they_were_typed(text, found):
    assert find_reference(text, REFS) == found


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("truncated_camt053.xml", "malformed or cut off", 48),
        ("broken_61_mt940.sta", "cannot be read", 9),
        ("intraday_camt052.xml", "not a CAMT.053", None),
        ("not_a_statement.csv", "not a bank statement", None),
        ("billion_laughs.xml", "DTD or entities", None),
    ],
)
def test_it_refuses_a_bad_file_naming_the_file_and_line(name, message, line):
    with pytest.raises(StatementError) as excinfo:
        parse(name)
    assert excinfo.value.file_name == name
    assert message in str(excinfo.value)
    assert excinfo.value.line == line


def test_it_reports_a_balance_mismatch():
    (statement,) = parse("balance_mismatch_camt053.xml")
    assert "closing balance is 45.00" in statement.balance_problem()


def test_it_refuses_an_empty_file():
    with pytest.raises(StatementError, match="empty"):
        parse_statement("empty.xml", b"  \n")
