"""What the banks write around MT940 messages is read as they write it; any other line outside
a field is refused, and the message names it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ledger.models import BankStatement, StatementLine
from prisoners.models import Campaign
from statements.importer import statement_import
from statements.parsing import StatementError
from statements.reading import parse_statement

SNS = "NL44SNSB0912345670"
FIN_HEADER = "{1:F01SNSBNL2AXXXX0000000000}{2:O940SNSBNL2AXXXXN}{3:}{4:"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def day(number: int, opening: str, closing: str, *lines: str) -> list[str]:
    """One day's message of SNS's export: fields only, no envelope."""
    return [
        ":20:0000000000",
        f":25:{SNS}",
        f":28C:{number}/1",
        f":60F:C24040{number}EUR{opening}",
        *lines,
        f":62F:C24040{number}EUR{closing}",
    ]


GIFT = [":61:2404010401C25,00NOVBNL91ABNA0417164300", "j. de vries", ":86:DSA3KM gift"]
DAYS = [day(1, "100,00", "125,00", *GIFT), day(2, "125,00", "125,00"), day(3, "125,00", "125,00")]


def fin(*days: list[str], after: str = "-}{5:}", before: str = FIN_HEADER) -> str:
    return "\n".join(line for lines in days for line in [before, *lines, after]) + "\n"


def refused(text: str) -> StatementError:
    with pytest.raises(StatementError) as excinfo:
        parse_statement("x.sta", text.encode())
    return excinfo.value


def test_it_reads_each_message_in_its_envelope_as_its_own_statement():
    statements = parse_statement("sns.sta", fin(*DAYS).encode())
    assert [s.statement_id for s in statements] == [
        "0000000000 (1/1)",
        "0000000000 (2/1)",
        "0000000000 (3/1)",
    ]
    assert [(s.opening_balance, s.closing_balance, len(s.lines)) for s in statements] == [
        (Decimal("100.00"), Decimal("125.00"), 1),
        (Decimal("125.00"), Decimal("125.00"), 0),
        (Decimal("125.00"), Decimal("125.00"), 0),
    ]
    assert all(s.balance_problem() == "" for s in statements)


def test_it_checks_each_messages_balances(campaign):
    Campaign.objects.update(iban=SNS)
    broken = [*DAYS[:2], day(3, "125,00", "130,00")]
    result = statement_import(file_name="sns.sta", data=fin(*broken).encode())
    assert result.balance_problems == [
        "0000000000 (3/1): opening 125.00 + movements 0.00 = 125.00, "
        "but the closing balance is 130.00"
    ]
    assert list(BankStatement.objects.order_by("pk").values_list("balance_ok", flat=True)) == [
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    "text",
    [
        fin(*DAYS),  # SNS and ASN: -}{5:}, the next {1: on the line below
        fin(*DAYS, after="-}"),
        fin(*DAYS, after="-}\n{5:}"),
        fin(*DAYS, after="-}{5:{CHK:0123456789AB}}"),
        fin(*DAYS, before=FIN_HEADER.replace("{3:}", "{3:{108:STMT0402}}")),
        fin(*DAYS, before=FIN_HEADER.replace("{3:}", "")),
        fin(*DAYS).replace("\n", "\r\n"),
        # one message's end and the next one's start on one line
        fin(*DAYS).replace("-}{5:}\n{1:", "-}{5:}{1:"),
    ],
)
def test_it_reads_the_fin_envelope_as_banks_write_it(text):
    statements = parse_statement("sns.sta", text.encode())
    assert [len(s.lines) for s in statements] == [1, 0, 0]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (fin(*DAYS).replace("-}{5:}", "-}{5:}x", 1), 10, "belongs to no field"),
        (fin(*DAYS).replace("-}{5:}\n", "", 1), 10, "belongs to no field"),  # -} missing
        (fin(*DAYS).replace("-}{5:}", "-", 1), 10, "must end with -}"),
        (fin(*DAYS).removesuffix("-}{5:}\n"), 18, "does not end with -}"),  # cut off
        ("\n".join(DAYS[0]) + "\n-}\n", 9, "never opened"),
        (fin(*DAYS).replace("-}{5:}\n", "-}{5:}\nhello\n", 1), 11, "not part of an MT940"),
        (fin(*DAYS).replace(FIN_HEADER, FIN_HEADER + "\n" + FIN_HEADER, 1), 2, "no statement"),
        (fin(*DAYS).replace("{4:", "", 1), 1, "not part of an MT940"),
        (fin(*DAYS).replace("O940", "O942", 1), 1, "MT942 message"),
        # a message's end before its closing balance
        (fin(*DAYS).replace(":62F:C240401EUR125,00\n", "", 1), 9, "before its closing balance"),
    ],
)
def test_it_refuses_anything_else_around_the_messages_naming_the_line(text, line, message):
    error = refused(text)
    assert (error.line, message in error.message) == (line, True), error.message


ING_HEADER = ["0000 01INGBNL2AXXXX00001", "0000 01INGBNL2AXXXX00001", "940 00"]
ING = [
    ":20:INGEB",
    ":25:0007654321",
    ":28C:00042",
    ":60F:C240401EUR100,00",
    ":61:240402C25,00NTRFNONREF",
    ":86:0111111111 J. DE VRIES DSA3KM",
    ":62F:C240402EUR125,00",
    ":86:D000000C000001D0,00C25,00",
    "-XXX",
]


def test_it_reads_ings_old_header_and_trailer():
    (statement,) = parse_statement("ing.sta", "\n".join([*ING_HEADER, *ING]).encode())
    assert (statement.account_iban, statement.statement_id) == ("0007654321", "INGEB (00042)")
    assert [line.amount for line in statement.lines] == [Decimal("25.00")]
    assert statement.balance_problem() == ""


@pytest.mark.parametrize(
    ("header", "tail", "line", "message"),
    [
        (["0000 01INGBNL2A", *ING_HEADER[1:]], [], 1, "not part of an MT940"),
        ([*ING_HEADER[:2], "942 00"], [], 3, "MT942 message"),
        (ING_HEADER, ["XXX"], 13, "not part of an MT940"),
        (ING_HEADER, ["-XXX"], 13, "not part of an MT940"),
    ],
)
def test_it_refuses_a_broken_ing_header_naming_the_line(header, tail, line, message):
    error = refused("\n".join([*header, *ING, *tail]))
    assert (error.line, message in error.message) == (line, True), error.message


RABOBANK = [
    ":20:940S240402",
    f":25:{SNS} EUR",
    ":28C:00093",
    ":60F:C240401EUR100,00",
    ":61:240402C25,00N541NONREF",
    ":86:/EREF/NOTPROVIDED//CNTP/NL91ABNA0417164300/ABNANL2A/J. de Vries///REMI/USTD//DSA3KM/",
    ":62F:C240402EUR125,00",
]


def test_it_reads_rabobanks_first_line_before_each_message():
    once = "\n".join([":940:", *RABOBANK, "", *RABOBANK])
    each = "\n".join([":940:", *RABOBANK, ":940:", *RABOBANK])
    for text in (once, each, each.replace("\n", "\r\n")):
        assert [len(s.lines) for s in parse_statement("rabo.swi", text.encode())] == [1, 1]


def test_it_refuses_rabobanks_first_line_inside_a_message():
    error = refused("\n".join([":940:", *RABOBANK[:5], ":940:", *RABOBANK[5:]]))
    assert error.line == 7 and "before its closing balance" in error.message


def test_it_refuses_abn_amros_preamble_without_the_end_of_the_message_before_it():
    abn = ["ABNANL2A", "940", "ABNANL2A", *RABOBANK]
    error = refused("\n".join([*abn, *abn]))
    assert error.line == 11 and "belongs to no field" in error.message


def test_an_enveloped_file_imports_whole_and_a_reimport_adds_nothing(campaign, make_prisoner):
    make_prisoner(payment_reference="DSA3KM")
    Campaign.objects.update(iban=SNS)
    data = fin(*DAYS).encode()
    first = statement_import(file_name="sns.sta", data=data)
    again = statement_import(file_name="sns.sta", data=data)
    assert (first.statements, first.lines_new, first.donations) == (3, 1, 1)
    assert (again.statements, again.lines_new, again.donations) == (3, 0, 0)
    assert StatementLine.objects.count() == 1


def month(days: int, gift: int) -> bytes:
    """A statement a day, each with one gift and one line that is not one."""
    messages = []
    for n in range(1, days + 1):
        lines = [f":61:2404{n:02d}04{n:02d}C{gift},00NOVBNL91ABNA0417164300", "j. de vries"]
        lines += [":86:DSA3KM", f":61:2404{n:02d}04{n:02d}D1,00NOVBNL39RABO0300065264", "bank"]
        messages += [FIN_HEADER, ":20:0000000000", f":25:{SNS}", f":28C:{n}/1"]
        messages += [f":60F:C2404{n:02d}EUR{(gift - 1) * (n - 1)},00", *lines, ":86:kosten"]
        messages += [f":62F:C2404{n:02d}EUR{(gift - 1) * n},00", "-}{5:}"]
    return "\n".join(messages).encode()


def test_a_statement_a_day_costs_three_queries_whatever_its_lines(campaign, make_prisoner):
    # Its own row and audit entry, and the look-up of its lines; the lines and gifts of
    # many days are written together.
    make_prisoner(payment_reference="DSA3KM")
    Campaign.objects.update(iban=SNS)
    counts = []
    for name, days, gift in (("week.sta", 7, 25), ("month.sta", 28, 26)):
        with CaptureQueriesContext(connection) as queries:
            result = statement_import(file_name=name, data=month(days, gift))
        assert (result.statements, result.donations, result.balance_problems) == (days, days, [])
        counts.append(len(queries))
    assert counts[1] - counts[0] <= 3 * 21
