"""Every statement in the corpus imports with the sums an independent count gives, or is
refused whole with a message that names the line (issue #8 F).

The corpus (tests/fixtures/statements/) holds files in the shape of ING, Rabobank, ABN AMRO,
SNS/ASN, Triodos, bunq and Knab exports. Each has a hand-written `<file>.expected.json`: the
account, the statements and donations it holds, and whether its balances agree, or the
refusal and its line. The lines and totals are counted here from the raw `:61:` and `<Ntry>`
text with a regular expression, never with the importer's own parser.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import translation

from donations.models import BankStatement, Donation, StatementLine
from donations.statements import StatementError
from donations.statements.importer import statement_import
from prisoners.models import Campaign

CORPUS = Path(__file__).parents[1] / "fixtures" / "statements"
FILES = sorted(p.name for p in CORPUS.iterdir() if not p.name.endswith(".expected.json"))
MT940_LINE = re.compile(r"^:61:\d{6}(?:\d{4})?(R?[CD])[A-Z]?(\d+,\d*)", re.MULTILINE)
NTRY = re.compile(r"<Ntry>(.*?)</Ntry>", re.DOTALL)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def funds(campaign, make_prisoner):
    for ref in ("DSA3KM", "DSB4LN", "DSC6MP", "DSD7NR", "DSE9PT", "DSF3RU", "DSG4TV"):
        make_prisoner(payment_reference=ref, slug=ref.lower())


def raw_count(text: str) -> dict:
    """Lines and totals per direction, straight from the file's text."""
    found = {"credits": 0, "debits": 0, "in": Decimal("0.00"), "out": Decimal("0.00")}

    def add(credit: bool, amount: Decimal, lines: int = 1) -> None:
        found["credits" if credit else "debits"] += lines
        found["in" if credit else "out"] += amount

    if text.lstrip().startswith("<"):
        for entry in NTRY.findall(text):
            if not re.search(r"<Sts>(<Cd>)?BOOK", entry):
                continue  # pending: not on the books yet
            amount = re.search(r'<Amt Ccy="\w+">([\d.]+)</Amt>', entry).group(1)
            credit = "<CdtDbtInd>CRDT</CdtDbtInd>" in entry.split("<NtryDtls>")[0]
            add(credit, Decimal(amount), max(1, entry.count("<TxDtls>")))  # a batch's details
    else:
        for mark, amount in MT940_LINE.findall(text):
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
    Campaign.objects.update(iban=expected.get("account", "NL91ABNA0417164300"))
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
    assert imported_count() == raw_count(data.decode("utf-8", "replace"))
    assert result.statements == expected["statements"]
    assert result.donations == expected["donations"] == Donation.objects.count()
    assert (result.balance_problems == []) is expected["balances_agree"]
    again = statement_import(file_name=name, data=data)
    assert (again.lines_new, again.donations) == (0, 0)
