import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from ledger.csv_export import safe_cell
from ledger.models import Category, Expense

EXPORTS = [
    "admin:ledger_donation_export",
    "admin:ledger_expense_export",
    "admin:ledger_statementline_export",
    "admin:ledger_correction_export",
    "admin:reports_treasurer_report",
]


def _csv(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    return list(csv.reader(io.StringIO(raw[1:])))


@pytest.mark.parametrize("url_name", EXPORTS)
@pytest.mark.parametrize(("user_fixture", "status"), [("editor", 403), ("outsider", 403)])
def test_only_treasurers_may_export(client, db, request, url_name, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse(url_name)).status_code == status


@pytest.mark.parametrize("url_name", EXPORTS)
def test_anonymous_visitors_are_sent_to_the_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+31", "'+31"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ('＝HYPERLINK("x")', '\'＝HYPERLINK("x")'),
        ("＋31", "'＋31"),
        ("－2＋3", "'－2＋3"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("﹦1+1", "'﹦1+1"),
        ("Ana ＝ Ben", "Ana ＝ Ben"),
        ("Ana", "Ana"),
        (Decimal("12.30"), "12.30"),
        (None, ""),
    ],
)
def test_it_neutralises_formulas(value, cell):
    assert safe_cell(value) == cell


def test_it_exports_the_filtered_donations_exactly(client, treasurer, make_donation):
    make_donation("12.30", donor_name="=cmd|' /C calc'!A0", donor_email="a@example.org")
    make_donation("0.10", status="failed", donor_name="Failed One")
    client.force_login(treasurer)
    rows = _csv(client.get(reverse("admin:ledger_donation_export") + "?status__exact=paid"))
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["amount"] == "12.30" and row["currency"] == "EUR"
    assert row["donor_name"] == "'=cmd|' /C calc'!A0"
    assert row["donor_email"] == "a@example.org"


def test_it_neutralises_a_full_width_formula_in_the_export(client, treasurer, make_donation):
    make_donation("5.00", donor_name='＝HYPERLINK("http://x")', donor_email="b@example.org")
    client.force_login(treasurer)
    header, row = _csv(client.get(reverse("admin:ledger_donation_export")))
    assert dict(zip(header, row, strict=True))["donor_name"] == '\'＝HYPERLINK("http://x")'


def test_it_exports_spending_and_statement_lines(client, treasurer, campaign, make_prisoner):
    from statements.importer import statement_import

    campaign.iban = "NL20INGB0001234567"  # the sample is an ING export of this account
    campaign.save()
    make_prisoner(payment_reference="DSA3KM")
    sample = Path(__file__).parents[1] / "fixtures" / "statements" / "ing_camt053_v02.xml"
    data = sample.read_bytes()
    statement_import(file_name="ing.xml", data=data)
    category = Category.objects.create(code="c", purpose="basic_needs", name_en="Food")
    Expense.objects.create(
        date=date(2024, 1, 2), amount=Decimal("7.05"), category=category, description="-soap"
    )
    client.force_login(treasurer)
    spending = _csv(client.get(reverse("admin:ledger_expense_export")))
    assert spending[1][2] == "7.05" and spending[1][6] == "'-soap"
    lines = _csv(client.get(reverse("admin:ledger_statementline_export")))
    assert len(lines) == 10
    debit = next(r for r in lines if r[3] == "out" and r[4] == "80.00")
    assert debit[7] == "Advocatenkantoor Pérez"


def test_the_admin_gives_the_treasurers_report(client, treasurer, campaign):
    client.force_login(treasurer)
    page = client.get(reverse("admin:reports_treasurer_report")).content.decode()
    assert "Last calendar year" in page and "This year to date" in page
    response = client.get(
        reverse("admin:reports_treasurer_report"), {"start": "2025-01-01", "end": "2025-12-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 3
    bad = client.get(
        reverse("admin:reports_treasurer_report"), {"start": "2025-12-31", "end": "2025-01-01"}
    )
    assert "The period must end after it starts." in bad.content.decode()


def test_the_command_writes_the_same_report(campaign, tmp_path):
    output = tmp_path / "report.pdf"
    call_command(
        "treasurer_report",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--output",
        str(output),
        "--language",
        "es",
        stdout=io.StringIO(),
    )
    text = "\n".join(p.extract_text() for p in PdfReader(output).pages)
    assert "Informe del tesorero" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13-01", "--to", "2025-12-31"], "is not a date"),
        (["--from", "2025-12-31", "--to", "2025-01-01"], "must not be after"),
    ],
)
def test_the_command_refuses_a_bad_period(campaign, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("treasurer_report", *args, "--output", str(tmp_path / "r.pdf"))


CSV_EXPORTS = [
    ("admin:ledger_donation_export", "admin:ledger_donation_changelist"),
    ("admin:ledger_expense_export", "admin:ledger_expense_changelist"),
    ("admin:ledger_statementline_export", "admin:ledger_statementline_changelist"),
]
BAD_FILTERS = [
    "foo__bar=1",
    "created_at__year=abc",
    "date__year=abc",
    "booking_date__year=abc",
    "amount__gt=x",
    "id__in=1,a",
    "created_at__year=99999999",
    "amount=1e999999999",
    "status__exact=%00",
]


@pytest.mark.parametrize(("export", "changelist"), CSV_EXPORTS)
@pytest.mark.parametrize("query", BAD_FILTERS)
def test_it_answers_a_bad_export_filter_with_a_message(
    client, treasurer, make_donation, export, changelist, query
):
    make_donation("12.30")
    client.force_login(treasurer)
    response = client.get(reverse(export) + "?" + query)
    assert response.status_code == 302
    assert response["Location"] == reverse(changelist)
    page = client.get(response["Location"], follow=True).content.decode()
    assert "These filters cannot be read, so nothing was exported." in page


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"start": "0001-01-01", "end": "9999-12-31"}, "Choose a date between"),
        ({"start": "2025-01-01", "end": "9999-12-31"}, "Choose a date between"),
        ({"start": "abc", "end": "2025-12-31"}, "Enter a valid date."),
        ({"start": "2025-01-01"}, "This field is required."),
        ({"start": "2025-12-31", "end": "2025-01-01"}, "The period must end after it starts."),
    ],
)
def test_it_refuses_a_bad_report_period_with_a_message(
    client, treasurer, campaign, period, message
):
    client.force_login(treasurer)
    response = client.get(reverse("admin:reports_treasurer_report"), period)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


@pytest.fixture
def keep_active_language():
    # Changing LANGUAGE_CODE resets the thread's active language (Django's setting_changed
    # handler); give it back after the settings fixture is undone, as later tests expect.
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.mark.parametrize(
    ("site_language", "title"),
    [("nl", "Verslag van de penningmeester"), ("en", "Treasurer's report"), ("nl-nl", "Verslag")],
)
def test_the_command_speaks_the_sites_language_by_default(
    campaign, tmp_path, keep_active_language, settings, site_language, title
):
    settings.LANGUAGE_CODE = site_language
    output = tmp_path / "report.pdf"
    call_command(
        "treasurer_report",
        *("--from", "2025-01-01", "--to", "2025-12-31", "--output", str(output)),
        stdout=io.StringIO(),
    )
    assert title in PdfReader(output).pages[0].extract_text()


def test_it_exports_corrections_with_their_direction(client, treasurer, make_donation):
    from ledger.corrections import donation_correct

    gift = make_donation("40.00")
    for amount, reason in (("-7.50", "=cmd|' /C calc'!A0"), ("2.00", "forgot the cents")):
        donation_correct(
            donation_id=gift.pk,
            amount=Decimal(amount),
            reason=reason,
            user="t",
            on=date(2025, 5, 1),
        )
    client.force_login(treasurer)
    header, *rows = _csv(client.get(reverse("admin:ledger_correction_export")))
    assert header[:6] == ["id", "date", "donation", "fund", "direction", "amount"]
    by_reason = {row[6]: row for row in rows}
    assert by_reason["'=cmd|' /C calc'!A0"][4:6] == ["take off", "7.50"]
    assert by_reason["forgot the cents"][4:6] == ["add", "2.00"]
