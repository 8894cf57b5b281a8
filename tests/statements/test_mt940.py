"""MT940 as real banks write it (issue #8 E2, E3, E4, E6)."""

from decimal import Decimal

import pytest
from django.utils import translation

from ledger.models import StatementLine
from prisoners.models import Campaign
from statements.importer import statement_import
from statements.parsing import StatementError
from statements.reading import parse_statement
from tests.statements.samples import FOUNDATION, mt940


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def abn_part(number: int, opening: str, lines: list[str], closing: str) -> str:
    return "\n".join(
        [
            "ABNANL2A",
            "940",
            "ABNANL2A",
            ":20:ABN AMRO BANK NV",
            f":25:{FOUNDATION}",
            f":28:00001/{number}",
            opening,
            *lines,
            closing,
            "-",
        ]
    )


GIFT = [
    ":61:240301C25,00N654NONREF",
    ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/M. JANSEN/"
    "REMI/DSA3KM gift/EREF/NOTPROVIDED",
]
SECOND = [
    ":61:240301C10,00N654NONREF",
    ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL69INGB0123456789/NAME/P. SOTO/REMI/DSA3KM",
]


def multi_part(middle_closing="125,00") -> bytes:
    return "\n".join(
        [
            abn_part(1, ":60F:C240301EUR100,00", GIFT, f":62M:C240301EUR{middle_closing}"),
            abn_part(2, f":60M:C240301EUR{middle_closing}", SECOND, ":62F:C240301EUR135,00"),
        ]
    ).encode()


def test_it_reads_a_multi_part_abn_amro_statement_as_one():
    (statement,) = parse_statement("abn.sta", multi_part())
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("100.00"),
        Decimal("135.00"),
    )
    assert [line.amount for line in statement.lines] == [Decimal("25.00"), Decimal("10.00")]
    assert statement.lines[0].counterparty_name == "M. JANSEN"
    assert statement.balance_problem() == ""


def test_it_checks_each_parts_balances():
    (statement,) = parse_statement("abn.sta", multi_part(middle_closing="120,00"))
    problem = statement.balance_problem()
    assert "part 1: opening 100.00 + movements 25.00 = 125.00, but it closes with 120.00" in (
        problem
    )
    assert "part 2: opening 120.00 + movements 10.00 = 130.00" in problem


def test_it_imports_a_multi_part_statement_with_its_final_balance(campaign, make_prisoner):
    make_prisoner(payment_reference="DSA3KM")
    result = statement_import(file_name="abn.sta", data=multi_part())
    assert (result.statements, result.lines_new, result.donations) == (1, 2, 2)
    assert result.balance_problems == []


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (abn_part(1, ":60F:C240301EUR100,00", GIFT, ":62M:C240301EUR125,00"), "62M", 4),
        (abn_part(2, ":60M:C240301EUR125,00", SECOND, ":62F:C240301EUR135,00"), "60M", 7),
    ],
)
def test_it_refuses_a_part_without_its_other_half(text, message, line):
    with pytest.raises(StatementError, match=message) as excinfo:
        parse_statement("part.sta", text.encode())
    assert excinfo.value.line == line


SNS = """{1:F01SNSBNL2AXXXX0000000000}{2:O940SNSBNL2AXXXXN}{3:}{4:
:20:0000000000
:25:NL12SNSB0123456789
:28C:00000/00001
:60F:C240301EUR100,00
:61:2403010301C25,00NTRFNL02RABO0123456789
M. Jansen
:86:NL02RABO0123456789 M. Jansen
DSA3KM gift
:62F:C240301EUR125,00
-}
"""


def test_it_reads_the_iban_in_an_sns_reference_field():
    (statement,) = parse_statement("sns.sta", SNS.encode())
    (line,) = statement.lines
    assert (line.amount, line.counterparty_iban, line.counterparty_name) == (
        Decimal("25.00"),
        "NL02RABO0123456789",
        "M. Jansen",
    )
    assert "DSA3KM gift" in line.remittance
    assert statement.balance_problem() == ""


def test_it_refuses_that_dialect_from_a_bank_that_does_not_write_it():
    ing = SNS.replace("NL12SNSB0123456789", "NL69INGB0123456789")
    with pytest.raises(StatementError) as excinfo:
        parse_statement("ing.sta", ing.encode())
    assert excinfo.value.line == 6


@pytest.mark.parametrize("where", [0, 2])
def test_it_refuses_an_amount_with_a_dot_naming_its_line(where):
    lines = [":61:240301C5,00NTRFNONREF", ":86:a", ":61:240301C7,00NTRFNONREF", ":86:b"]
    lines[where] = lines[where].replace(",00", ".62")
    with pytest.raises(StatementError, match="decimal comma") as excinfo:
        parse_statement("dot.sta", mt940(*lines, closing="12,62"))
    assert excinfo.value.line == 5 + where


def test_it_reads_the_decimals_it_is_given():
    data = mt940(":61:240301C22,62NTRFNONREF", ":86:x", ":61:240301D1,NTRFNONREF", closing="21,62")
    (statement,) = parse_statement("ok.sta", data)
    assert [line.signed for line in statement.lines] == [Decimal("22.62"), Decimal("-1.00")]


GOOD = """:20:STMT1
:25:NL91ABNA0417164300
:28C:1
:60F:C240301EUR0,00
:61:240301C25,00NTRFNONREF
:86:DSA3KM
:61:240301C25,00NTRFNONREF
:86:DSA3KM
:62F:C240301EUR50,00
"""


def test_the_well_formed_statement_imports(campaign):
    assert statement_import(file_name="good.sta", data=GOOD.encode()).lines_new == 2


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (GOOD.replace(":86:DSA3KM\n:61:", ":25:NL91ABNA0417164300\n:61:"), 6),  # :25: for :86:
        (GOOD.replace(":62F:C240301EUR50,00\n", ""), None),  # cut off: no closing balance
        (GOOD.replace(":60F:C240301EUR0,00\n", ""), 4),  # no opening balance
        (GOOD.replace(":28C:1\n", ":28C:1\n:99:what\n"), 4),  # a tag MT940 does not have
        (GOOD.replace("EUR0,00\n", "EUR0,00\nstray text\n"), 5),  # text outside any field
        (GOOD.replace(":60F:C240301EUR0,00", ":60F:C240301EUR0.00"), 4),  # a dot
        (GOOD.replace(":20:STMT1\n", ""), None),  # no :20:, so no statement
        (GOOD.replace("NONREF\n:86:DSA3KM\n:62F:", "NONREF\n:86:DSA3KM\n:86:x\n:62F:"), 9),
    ],
)
def test_it_refuses_a_structurally_wrong_file_whole(campaign, text, line):
    with pytest.raises(StatementError) as excinfo:
        statement_import(file_name="bad.sta", data=text.encode())
    assert excinfo.value.line == line
    assert StatementLine.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("500", "500.00"), ("500,", "500.00"), ("12,5", "12.50"), ("0001213,28", "1213.28")],
)
def test_it_reads_knabs_whole_amounts(amount, expected):
    data = mt940(f":61:2404020402C{amount}NTRFNONREF", ":86:x", closing=expected.replace(".", ","))
    (statement,) = parse_statement("knab.sta", data)
    assert [line.amount for line in statement.lines] == [Decimal(expected)]
    assert statement.balance_problem() == ""


@pytest.mark.parametrize("amount", ["500.", "500.00", "21.61", "500 ", "5OO"])
def test_it_still_refuses_a_dot_or_a_gap_after_the_digits(amount):
    data = mt940(":61:240402C1,00NTRFNONREF", ":86:x", f":61:240402C{amount}NTRFNONREF", ":86:y")
    with pytest.raises(StatementError, match="decimal comma") as excinfo:
        parse_statement("knab.sta", data)
    assert excinfo.value.line == 7


def continued(second_opening: str) -> bytes:
    return "\n".join(
        [
            abn_part(1, ":60F:C240402EUR100,00", GIFT, ":62F:C240402EUR125,00"),
            abn_part(2, f":60M:C240403EUR{second_opening}", SECOND, ":62F:C240403EUR135,00"),
        ]
    ).encode()


def test_it_reads_abn_amros_part_that_continues_after_a_final_balance():
    (statement,) = parse_statement("abn.sta", continued("125,00"))
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("100.00"),
        Decimal("135.00"),
    )
    assert [line.amount for line in statement.lines] == [Decimal("25.00"), Decimal("10.00")]
    assert statement.balance_problem() == ""


def test_it_refuses_a_continuation_whose_balance_does_not_carry_on():
    with pytest.raises(StatementError) as excinfo:
        parse_statement("abn.sta", continued("120,00"))
    assert excinfo.value.line == 18
    assert "with 120.00, but the statement before it closed with 125.00" in str(excinfo.value)


def test_it_refuses_a_continuation_of_another_account():
    data = continued("125,00").decode().replace(f":25:{FOUNDATION}", ":25:NL20INGB0001234567")
    with pytest.raises(StatementError, match="another account") as excinfo:
        parse_statement("abn.sta", data.replace("NL20INGB0001234567", FOUNDATION, 1).encode())
    assert excinfo.value.line == 18


OLD_RABOBANK = [
    ":20:940A240402",
    ":25:1291.99.348EUR",
    ":28:00000/00",
    ":60F:C240401EUR000000000100,00",
    ":61:240402C000000000025,00N0990121470966      J. DE VRIES",
    ":86:DSA3KM",
    ":86:GIFT VOOR DE ADVOCAAT",
    ":62F:C240402EUR000000000125,00",
]


def test_it_reads_rabobanks_old_layout_with_a_description_field_per_line():
    (statement,) = parse_statement("rabo.swi", "\n".join([":940:", *OLD_RABOBANK]).encode())
    (line,) = statement.lines
    assert (statement.account_iban, line.counterparty_name) == ("129199348", "J. DE VRIES")
    assert line.remittance == "DSA3KM GIFT VOOR DE ADVOCAAT"
    assert statement.balance_problem() == ""


def test_it_reads_triodos_description_subfields_cut_mid_word():
    data = mt940(
        ":61:240402C25,00N000NONREF",
        ":86:000>100912345670",
        ">20DONATIE VOOR DSA>213KM>31NL91ABNA0417164300>32J. DE VRIES",
        account="TRIODOSBANK/0390123456",
        closing="25,00",
    )
    (statement,) = parse_statement("triodos.sta", data)
    (line,) = statement.lines
    assert statement.account_iban == "0390123456"
    assert (line.remittance, line.counterparty_name, line.counterparty_iban) == (
        "DONATIE VOOR DSA3KM",
        "J. DE VRIES",
        "NL91ABNA0417164300",
    )


@pytest.mark.parametrize(
    ("account", "iban"),
    [
        ("TRIODOSBANK/0390123456", "NL49TRIO0390123456"),
        ("1291.99.348EUR", "NL19RABO0129199348"),
        ("1291.99.348 EUR", "NL19RABO0129199348"),
        ("0390123456", "NL49TRIO0390123456"),
    ],
)
def test_it_imports_the_old_account_forms_of_the_foundations_iban(campaign, account, iban):
    Campaign.objects.update(iban=iban)
    data = mt940(":61:240402C5,00NTRFNONREF", ":86:DSA3KM", account=account, closing="5,00")
    assert statement_import(file_name="old.sta", data=data).lines_new == 1


@pytest.mark.parametrize(
    ("account", "iban"),
    [
        ("TRIODOSBANK/0390123457", "NL49TRIO0390123456"),
        ("1291.99.349EUR", "NL19RABO0129199348"),
        ("TRIODOSBANK/03901234X6", "NL49TRIO0390123456"),
    ],
)
def test_it_still_refuses_another_account_in_an_old_form(campaign, account, iban):
    Campaign.objects.update(iban=iban)
    data = mt940(":61:240402C5,00NTRFNONREF", ":86:DSA3KM", account=account, closing="5,00")
    with pytest.raises(StatementError, match=f"not for the foundation's account {iban}") as exc:
        statement_import(file_name="old.sta", data=data)
    assert exc.value.line == 1
    assert StatementLine.objects.count() == 0
