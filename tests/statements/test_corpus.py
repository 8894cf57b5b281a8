"""Every statement in the corpus imports with the sums an independent count gives, or is
refused whole with a message that names the line (issue #8 F).

The corpus (tests/fixtures/statements/) holds files in the shape of ING, Rabobank, ABN AMRO,
SNS/ASN, Triodos, bunq and Knab exports. Each has a hand-written `<file>.expected.json`: the
account, the statements and donations it holds, whether its balances agree and which other
accounts' statements it skips, or the refusal and its line. The lines and totals are counted
here from the raw `:61:` and `<Ntry>` text with a regular expression, never with the
importer's own parser, and only in the statements of the foundation's account.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import translation

from ledger.models import BankStatement, Donation, StatementLine
from prisoners.models import Campaign
from statements.importer import statement_import
from statements.parsing import StatementError

CORPUS = Path(__file__).parents[1] / "fixtures" / "statements"
FILES = sorted(p.name for p in CORPUS.iterdir() if not p.name.endswith(".expected.json"))
# Knab writes a whole amount without a comma: the transaction type's letter follows it.
MT940_LINE = re.compile(r"^:61:\d{6}(?:\d{4})?(R?[CD])[A-Z]?(\d+(?:,\d*)?)(?=[A-Z])", re.MULTILINE)
NTRY = re.compile(r"<Ntry>(.*?)</Ntry>", re.DOTALL)
STMT = re.compile(r"<Stmt>(.*?)</Stmt>", re.DOTALL)
MESSAGE = re.compile(r"^:20:.*?(?=^:20:|\Z)", re.MULTILINE | re.DOTALL)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def funds(campaign, make_prisoner):
    for ref in ("DSA3KM", "DSB4LN", "DSC6MP", "DSD7NR", "DSE9PT", "DSF3RU", "DSG4TV"):
        make_prisoner(payment_reference=ref, slug=ref.lower())


def is_foundations(account: str, iban: str) -> bool:
    """The IBAN, perhaps with the currency; or the old number inside it, as older exports
    write it ("TRIODOSBANK/0390123456", "1291.99.348EUR", "0007654321")."""
    account = account.replace(" ", "").removesuffix("EUR")
    old = re.fullmatch(r"(?:[A-Z]+/)?([\d.]+)", account)
    return account == iban or bool(old and int(old[1].replace(".", "")) == int(iban[8:]))


def raw_count(text: str, iban: str) -> dict:
    """Lines and totals per direction, straight from the text of the foundation's statements."""
    found = {"credits": 0, "debits": 0, "in": Decimal("0.00"), "out": Decimal("0.00")}

    def add(credit: bool, amount: Decimal, lines: int = 1) -> None:
        found["credits" if credit else "debits"] += lines
        found["in" if credit else "out"] += amount

    if text.lstrip().startswith("<"):
        statements = STMT.findall(text) or [text]  # a cut-off file is counted as it stands
        ours = [s for s in statements if re.search(rf"<Acct><Id><IBAN>{iban}<", s)]
        for entry in NTRY.findall("".join(ours or statements)):
            if not re.search(r"<Sts>(<Cd>)?BOOK", entry):
                continue  # pending: not on the books yet
            amount = re.search(r'<Amt Ccy="\w+">([\d.]+)</Amt>', entry).group(1)
            credit = "<CdtDbtInd>CRDT</CdtDbtInd>" in entry.split("<NtryDtls>")[0]
            add(credit, Decimal(amount), max(1, entry.count("<TxDtls>")))  # a batch's details
    else:
        text = text.replace("\r\n", "\n")
        for message in MESSAGE.findall(text):
            if not is_foundations(re.search(r"^:25:(.*)$", message, re.MULTILINE)[1], iban):
                continue
            for mark, amount in MT940_LINE.findall(message):
                add(mark in ("C", "RD"), Decimal(amount.replace(",", ".")))
    return found


def imported_count() -> dict:
    lines = StatementLine.objects
    return {
        "credits": lines.filter(is_credit=True).count(),
        "debits": lines.filter(is_credit=False).count(),
        "in": lines.filter(is_credit=True).aggregate(s=Sum("amount"))["s"] or Decimal("0.00"),
        "out": lines.filter(is_credit=False).aggregate(s=Sum("amount"))["s"] or Decimal("0.00"),
    }


def ledger_rows() -> list[int]:
    return [m.objects.count() for m in (BankStatement, StatementLine, Donation)]


def test_the_corpus_has_every_bank_in_both_formats():
    kinds = {(name.split("_")[0], "camt" if name.endswith(".xml") else "mt940") for name in FILES}
    for bank in ("ing", "rabobank", "abnamro", "sns", "triodos", "bunq", "knab"):
        assert {(bank, "camt"), (bank, "mt940")} <= kinds
    assert ("asn", "mt940") in kinds


@pytest.mark.parametrize("name", FILES)
def test_it_imports_every_corpus_file_or_refuses_it_whole(funds, name):
    expected = json.loads((CORPUS / f"{name}.expected.json").read_text())
    iban = expected.get("account", "NL91ABNA0417164300")
    Campaign.objects.update(iban=iban)
    data = (CORPUS / name).read_bytes()
    if "refused" in expected:
        before = ledger_rows()
        with pytest.raises(StatementError) as excinfo:
            statement_import(file_name=name, data=data)
        assert expected["refused"] in str(excinfo.value)
        assert (excinfo.value.file_name, excinfo.value.line) == (name, expected["line"])
        assert ledger_rows() == before
        return
    result = statement_import(file_name=name, data=data)
    counted = imported_count()
    assert counted == raw_count(data.decode("utf-8", "replace"), iban)
    if "lines" in expected:  # counted by hand for the files of the banks' quirks
        assert counted["credits"] + counted["debits"] == expected["lines"]
        assert (counted["in"], counted["out"]) == (
            Decimal(expected["in"]),
            Decimal(expected["out"]),
        )
    assert result.statements == expected["statements"]
    skipped = {account: list(counts) for account, counts in result.skipped_by_account().items()}
    assert skipped == expected.get("skipped", {})
    assert result.donations == expected["donations"] == Donation.objects.count()
    assert (result.balance_problems == []) is expected["balances_agree"]
    again = statement_import(file_name=name, data=data)
    assert (again.lines_new, again.donations) == (0, 0)


# Each of the banks' quirks, broken in one place: (file, what, into what, how often, the line
# the refusal names, and what it says).
BROKEN = [
    ("sns_mt940_daily.sta", "-}{5:}\n{1:", "{1:", 1, 25, "belongs to no field"),
    ("sns_mt940_daily.sta", "C25,00NOVB", "C21.61NOVB", 1, 6, "decimal comma"),
    ("asn_mt940_daily.sta", "-}{5:}", "-{5:}", 1, 13, "belongs to no field"),
    ("asn_mt940_daily.sta", "C50,00NOVB", "C21.61NOVB", 1, 6, "decimal comma"),
    ("ing_mt940_header.sta", "940 00", "942 00", 1, 3, "MT942"),
    ("ing_mt940_header.sta", "C25,00NTRF", "C21.61NTRF", 1, 8, "decimal comma"),
    ("knab_mt940_whole_amounts.sta", "C500NTRF", "C500.NTRF", 1, 5, "decimal comma"),
    ("abnamro_mt940_continued.sta", "C240403EUR2065,00", "C240403EUR2056,00", 1, 20, "2065.00"),
    ("abnamro_mt940_continued.sta", "C25,00N654", "C21.61N654", 1, 8, "decimal comma"),
    ("rabobank_camt053_two_accounts.xml", ">3.12<", ">3,12<", 1, 66, "is not an amount"),
    ("triodos_mt940_old_account.sta", "/0390123456", "/0390123457", -1, 1, "not for the found"),
    ("triodos_mt940_old_account.sta", "C25,00N000", "C21.61N000", 1, 5, "decimal comma"),
    ("rabobank_mt940_old_account.swi", "1291.99.348", "1291.99.349", -1, 2, "not for the found"),
    ("rabobank_mt940_old_account.swi", ":62F:", ":940:\r\n:62F:", 1, 11, "before its closing"),
    ("rabobank_mt940_old_account.swi", "C000000000025,00", "C21.61", 1, 6, "decimal comma"),
]


@pytest.mark.parametrize(("name", "old", "new", "count", "line", "message"), BROKEN)
def test_each_quirk_broken_in_one_place_is_refused_whole_naming_the_line(
    funds, name, old, new, count, line, message
):
    expected = json.loads((CORPUS / f"{name}.expected.json").read_text())
    Campaign.objects.update(iban=expected["account"])
    text = (CORPUS / name).read_bytes().decode()
    assert old in text
    before = ledger_rows()
    with pytest.raises(StatementError) as excinfo:
        statement_import(file_name=name, data=text.replace(old, new, count).encode())
    assert (excinfo.value.line, message in str(excinfo.value)) == (line, True), excinfo.value
    assert ledger_rows() == before
