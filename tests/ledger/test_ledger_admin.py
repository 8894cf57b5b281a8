import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.functional import empty
from PIL import Image

from crowdfund.money import MAX_AMOUNT
from crowdfund.private_storage import private_storage
from ledger.models import Category, Donation, Expense, FundTransfer, StatementLine
from ledger.models.spending import _receipt_name
from prisoners.models import Prisoner
from statements.importer import statement_import
from statements.review import statement_line_record_donation

SAMPLES = Path(__file__).parents[1] / "fixtures" / "statements"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

LEDGER_PAGES = [
    "admin:ledger_statementline_changelist",
    "admin:ledger_bankstatement_add",
    "admin:ledger_expense_changelist",
    "admin:ledger_expense_add",
    "admin:ledger_fundtransfer_add",
    "admin:reports_fundoverview_changelist",
]


@pytest.fixture
def imported(campaign, make_prisoner):
    campaign.iban = "NL20INGB0001234567"  # the sample is an ING export of this account
    campaign.save()
    make_prisoner(payment_reference="DSA3KM", slug="ana", name="Ana Ejemplo")
    make_prisoner(payment_reference="DSB4LN", slug="ben", name="Ben Ejemplo")
    data = (SAMPLES / "ing_camt053_v02.xml").read_bytes()
    statement_import(file_name="ing_camt053_v02.xml", data=data)


@pytest.fixture
def private_root(settings, tmp_path):
    # The receipt storage reads its folder once; point it at this test's folder.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield settings.PRIVATE_MEDIA_ROOT
    private_storage._wrapped = empty


@pytest.fixture
def legal(db):
    return Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")


@pytest.mark.parametrize("url_name", LEDGER_PAGES)
@pytest.mark.parametrize(
    ("user_fixture", "status"), [("treasurer", 200), ("editor", 403), ("outsider", 403)]
)
def test_it_opens_the_ledger_to_treasurers_only(
    client, db, request, user_fixture, status, url_name
):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse(url_name), follow=True)
    assert response.status_code == status


def test_it_sends_anonymous_visitors_to_the_login(client, db):
    response = client.get(reverse("admin:ledger_statementline_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_imports_an_uploaded_statement(client, treasurer, campaign, make_prisoner):
    campaign.iban = "NL20INGB0001234567"  # the sample is an ING export of this account
    campaign.save()
    make_prisoner(payment_reference="DSA3KM", slug="ana")
    client.force_login(treasurer)
    files = [
        SimpleUploadedFile("ing.xml", (SAMPLES / "ing_camt053_v02.xml").read_bytes()),
        SimpleUploadedFile("broken.sta", (SAMPLES / "broken_61_mt940.sta").read_bytes()),
    ]
    response = client.post(reverse("admin:ledger_bankstatement_add"), {"files": files}, follow=True)
    html = response.content.decode()
    assert "ing.xml: 9 lines read (9 new, 0 imported before)" in html.lower()
    assert "broken.sta, line 9: this line cannot be read as mt940" in html.lower()
    assert StatementLine.objects.count() == 9


def test_it_opens_on_the_review_queue(client, treasurer, imported):
    client.force_login(treasurer)
    response = client.get(reverse("admin:ledger_statementline_changelist"), follow=True)
    html = response.content.decode()
    assert "A. Bakker" in html  # needs review
    assert "J. de Vries" not in html  # matched already


def _act(client, action, lines, **extra):
    return client.post(
        reverse("admin:ledger_statementline_changelist") + "?status__exact=review",
        {"action": action, "_selected_action": [line.pk for line in lines], **extra},
        follow=True,
    )


def test_it_records_a_queued_credit_for_the_fund_the_treasurer_picks(client, treasurer, imported):
    client.force_login(treasurer)
    line = StatementLine.objects.get(counterparty_name="A. Bakker")
    ben = Prisoner.objects.get(slug="ben")
    _act(client, "record_donation", [line], fund=ben.pk)
    line.refresh_from_db()
    assert line.status == StatementLine.Status.MATCHED
    assert (line.donation.prisoner, line.donation.amount) == (ben, Decimal("50.00"))
    # A second treasurer on a stale page: the line is handled already, nothing doubles.
    _act(client, "record_donation", [line], fund=ben.pk)
    with pytest.raises(ValidationError, match="already handled"):
        statement_line_record_donation(line_id=line.pk, prisoner=ben, user="other")
    assert Donation.objects.filter(provider="bank", amount=Decimal("50.00")).count() == 1


def test_it_marks_a_line_as_not_a_donation(client, treasurer, imported):
    client.force_login(treasurer)
    line = StatementLine.objects.get(counterparty_name="A. Bakker")
    _act(client, "not_a_donation", [line])
    line.refresh_from_db()
    assert line.status == StatementLine.Status.NOT_DONATION and line.donation is None


def test_it_records_a_debit_as_spending(client, treasurer, imported, legal):
    client.force_login(treasurer)
    line = StatementLine.objects.get(entry_reference="ING-2024030600006")
    _act(client, "record_spending", [line], category=legal.pk)
    expense = Expense.objects.get()
    assert (expense.amount, expense.category, expense.prisoner) == (Decimal("80.00"), legal, None)
    assert expense.statement_line == line


def test_it_refuses_to_record_a_credit_as_spending(client, treasurer, imported, legal):
    client.force_login(treasurer)
    line = StatementLine.objects.get(counterparty_name="A. Bakker")
    response = _act(client, "record_spending", [line], category=legal.pk)
    assert "Only money out" in response.content.decode()
    assert not Expense.objects.exists()


def _add_expense(client, receipt):
    return client.post(
        reverse("admin:ledger_expense_add"),
        {
            "date": "2024-03-06",
            "amount": "80.00",
            "prisoner": "",
            "category": receipt[0],
            "description": "Invoice 17, lawyer",
            "receipt": receipt[1],
        },
    )


def test_it_keeps_receipts_private(client, treasurer, editor, legal, private_root):
    client.force_login(treasurer)
    response = _add_expense(client, (legal.pk, SimpleUploadedFile("invoice.pdf", PDF)))
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.receipt.name.startswith("receipts/") and "invoice" not in expense.receipt.name
    url = expense.receipt.url
    assert url.startswith("/admin/")
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(f"/media/{expense.receipt.name}").status_code == 404


def _image(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(out, image_format)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.exe", b"MZ\x90\x00", "PDF, JPEG or PNG"),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "PDF, JPEG or PNG"),
        ("invoice.html", HTML, "PDF, JPEG or PNG"),
        ("invoice.pdf", HTML, "PDF, JPEG or PNG"),
        ("invoice.svg", SVG, "PDF, JPEG or PNG"),
        ("invoice.png", SVG, "PDF, JPEG or PNG"),
        ("invoice.png", PDF, "This file is a PDF, but its name ends in “.png”."),
        ("invoice.pdf", PNG, "This file is a PNG, but its name ends in “.pdf”."),
        ("invoice.jpg", PNG, "This file is a PNG, but its name ends in “.jpg”."),
        ("invoice", PDF, "This file is a PDF, but its name ends in “…”."),
        # The right first bytes, but no image behind them.
        ("invoice.png", PNG[:16], "PDF, JPEG or PNG"),
        ("invoice.jpg", b"\xff\xd8\xff\xe0<html>", "PDF, JPEG or PNG"),
        ("big.pdf", PDF + b"0" * 11_000_000, "at most"),
    ],
)
def test_it_refuses_a_receipt_that_is_not_one(client, treasurer, legal, name, content, message):
    client.force_login(treasurer)
    response = _add_expense(client, (legal.pk, SimpleUploadedFile(name, content)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("Factura Pérez.PDF", PDF, ".pdf"),
        ("scan.png", PNG, ".png"),
        ("photo.jpeg", JPEG, ".jpg"),
        ("photo.JPG", JPEG, ".jpg"),
    ],
)
def test_it_keeps_a_real_receipt_under_its_own_suffix(
    client, treasurer, legal, private_root, name, content, suffix
):
    client.force_login(treasurer)
    response = _add_expense(client, (legal.pk, SimpleUploadedFile(name, content)))
    assert response.status_code == 302
    stored = Expense.objects.get().receipt
    assert stored.name.startswith("receipts/") and stored.name.endswith(suffix)
    assert (private_root / stored.name).read_bytes() == content


def test_it_names_a_stored_receipt_by_a_receipts_suffix_only():
    assert _receipt_name(None, "x.pdf").endswith(".pdf")
    assert not _receipt_name(None, "x.html").endswith(".html")
    assert "." not in _receipt_name(None, "x.svg").removeprefix("receipts/")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("10000000.00", "An amount may be at most €9,999,999.99."),
        ("99999999999.99", "Enter an amount in euros, for example 30 or 30,50."),
        ("0", "greater than or equal to 0.01"),
        ("-5", "Enter an amount in euros, for example 30 or 30,50."),
        ("NaN", "Enter an amount in euros, for example 30 or 30,50."),
    ],
)
def test_it_refuses_spending_above_the_ledgers_ceiling(client, treasurer, legal, amount, message):
    client.force_login(treasurer)
    response = client.post(
        reverse("admin:ledger_expense_add"),
        {"date": "2024-03-06", "amount": amount, "category": legal.pk, "description": "x"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Expense.objects.exists()


def test_it_accepts_spending_up_to_the_ceiling(client, treasurer, legal):
    client.force_login(treasurer)
    response = client.post(
        reverse("admin:ledger_expense_add"),
        {"date": "2024-03-06", "amount": str(MAX_AMOUNT), "category": legal.pk},
    )
    assert response.status_code == 302
    assert Expense.objects.get().amount == MAX_AMOUNT


def test_it_logs_fund_transfers_and_never_edits_them(client, treasurer, make_prisoner):
    ana = make_prisoner()
    client.force_login(treasurer)
    response = client.post(
        reverse("admin:ledger_fundtransfer_add"),
        {
            "date": "2024-05-01",
            "amount": "100.00",
            "from_prisoner": ana.pk,
            "to_prisoner": "",
            "reason": "Released; family agreed",
        },
    )
    assert response.status_code == 302
    transfer = FundTransfer.objects.get()
    assert transfer.created_by == "treasurer"
    change = client.get(reverse("admin:ledger_fundtransfer_change", args=[transfer.pk]))
    assert b'name="amount"' not in change.content
    same = client.post(
        reverse("admin:ledger_fundtransfer_add"),
        {
            "date": "2024-05-01",
            "amount": "5.00",
            "from_prisoner": "",
            "to_prisoner": "",
            "reason": "x",
        },
    )
    assert "Choose two different funds." in same.content.decode()


def test_it_shows_every_funds_balance(client, treasurer, imported):
    client.force_login(treasurer)
    html = client.get(reverse("admin:reports_fundoverview_changelist")).content.decode()
    assert "Ana Ejemplo" in html and "General fund" in html
    assert "€35.00" in html  # Ana: 25 + 10 from the statement


@pytest.fixture
def language_left_as_found():
    # The admin's LocaleMiddleware leaves the last request's language active in this thread;
    # a later test that prints a command's output must not read it in Dutch because of this.
    with translation.override(translation.get_language()):
        yield


def test_it_lines_up_the_fund_balances_on_one_line_each(
    client, treasurer, imported, language_left_as_found
):
    client.force_login(treasurer)
    html = client.get(
        reverse("admin:reports_fundoverview_changelist"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    # Every amount cell is a "money" cell, which the page's own stylesheet keeps whole.
    cells = re.findall(r"<td( class=\"money\")?>(?:<strong>)?(€[^<]*)<", html)
    assert cells and all(money for money, _amount in cells)
    assert "€ 35,00" in html
    assert "css/admin_funds.css" in html
    css = (Path(__file__).resolve().parents[2] / "static/css/admin_funds.css").read_text()
    rule = re.search(r"\.fund-balances td\.money \{([^}]*)\}", css).group(1)
    assert "white-space: nowrap" in rule
    assert "text-align: right" in re.search(r"\.fund-balances \.money \{([^}]*)\}", css).group(1)
