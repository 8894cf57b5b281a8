"""A file with the statements of several accounts (Rabobank exports every account of the
customer): the foundation's account is imported, the others are skipped and named, in the
admin and on the command line."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ledger.models import BankStatement, Donation, StatementLine
from statements.importer import statement_import
from statements.parsing import StatementError
from tests.statements.samples import FOUNDATION, camt_file, ntry, stmt

SAVINGS = "NL06RABO3123456789"
OURS = stmt(ntry("25.00", "A1"), ntry("5.00", "A2", text="x", credit=False), closing="20.00")
# The savings account's interest names a reference too: imported, it would become a gift.
THEIRS = stmt(ntry("3.12", "B1"), ntry("250.00", "B2"), iban=SAVINGS, id="S2", closing="9.99")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(payment_reference="DSA3KM", slug="ana")


def ledger_rows() -> list[int]:
    return [m.objects.count() for m in (BankStatement, StatementLine, Donation)]


@pytest.mark.parametrize("order", [(OURS, THEIRS), (THEIRS, OURS)])
def test_it_imports_the_foundations_statement_and_skips_the_others(ana, order):
    result = statement_import(file_name="rabo.xml", data=camt_file(*order))
    assert (result.statements, result.lines_new, result.donations) == (1, 2, 1)
    assert result.skipped_by_account() == {SAVINGS: (1, 2)}
    assert [(s.account, s.statement_id) for s in result.skipped] == [(SAVINGS, "S2")]
    # The other account's balances are not ours to check.
    assert result.balance_problems == []
    assert set(StatementLine.objects.values_list("account_iban", flat=True)) == {FOUNDATION}
    assert set(BankStatement.objects.values_list("account_iban", flat=True)) == {FOUNDATION}


def test_a_reimport_adds_nothing_and_names_the_skipped_account_again(ana):
    statement_import(file_name="rabo.xml", data=camt_file(OURS, THEIRS))
    rows = ledger_rows()
    again = statement_import(file_name="rabo.xml", data=camt_file(OURS, THEIRS))
    assert (again.lines_new, again.donations) == (0, 0)
    assert again.skipped_by_account() == {SAVINGS: (1, 2)}
    assert ledger_rows()[1:] == rows[1:]


def test_it_refuses_a_file_with_no_statement_of_the_foundation(ana):
    with pytest.raises(StatementError) as excinfo:
        statement_import(file_name="savings.xml", data=camt_file(THEIRS, THEIRS))
    assert f"for account {SAVINGS}, not for the foundation's account {FOUNDATION}" in str(
        excinfo.value
    )
    assert excinfo.value.line == 5
    assert ledger_rows() == [0, 0, 0]


def test_a_broken_line_in_a_skipped_statement_refuses_the_whole_file(ana):
    broken = stmt(ntry("3.12", "B1"), ntry("0.00", "B2"), iban=SAVINGS, id="S2")
    with pytest.raises(StatementError, match="never zero") as excinfo:
        statement_import(file_name="rabo.xml", data=camt_file(OURS, broken))
    assert excinfo.value.line == 32  # the savings account's second <Amt>
    assert ledger_rows() == [0, 0, 0]


def upload(client, name: str, data: bytes):
    files = {"files": [SimpleUploadedFile(name, data)]}
    return client.post(reverse("admin:ledger_bankstatement_add"), files, follow=True)


def test_the_admin_names_the_skipped_account(client, treasurer, ana):
    client.force_login(treasurer)
    response = upload(client, "rabo.xml", camt_file(OURS, THEIRS))
    summary, skipped = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert summary[0] == "success" and "2 lines read (2 new" in summary[1]
    assert skipped == (
        "warning",
        f"rabo.xml: skipped 1 statement of account {SAVINGS} (2 lines): it is not the "
        f"foundation's account {FOUNDATION}, so nothing of it was imported.",
    )


def test_the_admin_names_the_skipped_account_in_dutch(client, treasurer, ana):
    client.force_login(treasurer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    response = upload(client, "rabo.xml", camt_file(OURS, THEIRS, THEIRS))
    messages = [str(m) for m in response.context["messages"]]
    assert (
        f"rabo.xml: 2 afschriften van rekening {SAVINGS} (4 regels) overgeslagen: dat is niet "
        f"de rekening van de stichting ({FOUNDATION}), dus daarvan is niets geïmporteerd."
    ) in messages


def test_the_command_names_the_skipped_account(ana, tmp_path: Path):
    path = tmp_path / "rabo.xml"
    path.write_bytes(camt_file(OURS, THEIRS))
    out = StringIO()
    call_command("import_statement", str(path), stdout=out, stderr=StringIO())
    assert "rabo.xml: 2 lines read (2 new" in out.getvalue()
    assert f"skipped 1 statement of account {SAVINGS} (2 lines)" in out.getvalue()
