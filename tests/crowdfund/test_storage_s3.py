"""Photos, receipts, staged photos and the built reports in an S3-compatible bucket.

Against a local S3 (moto in server mode, tests/s3.py): the app writes and reads over HTTP
through django-storages, as it would with the foundation's real bucket.
"""

import logging
import re
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ledger.models import Category, Expense
from prisoners.staged_photos import photo_stage, photo_unstage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_keeps_photos_in_the_public_path_and_serves_them_from_the_site(
    client, bucket, local_s3, campaign, make_prisoner
):
    ana = make_prisoner(slug="ana", photo_alt_es="Ana")
    ana.photo = SimpleUploadedFile("ana.jpg", _jpeg(), content_type="image/jpeg")
    ana.save()
    [key] = local_s3.keys(bucket)
    assert key == f"public/{ana.photo.name}" and key.startswith("public/prisoners/")

    html = client.get("/en/prisoners/ana/").content.decode()
    src = re.search(r'<img class="portrait" src="([^"]+)"', html).group(1)
    assert src == f"/media/{ana.photo.name}"  # this site's address, never the bucket's
    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert _body(response) == local_s3.read(bucket, key)


def test_it_keeps_receipts_in_the_private_path_for_treasurers_only(
    client, bucket, local_s3, treasurer, editor
):
    legal = Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")
    client.force_login(treasurer)
    response = client.post(
        reverse("admin:ledger_expense_add"),
        {
            "date": "2024-03-06",
            "amount": "80.00",
            "category": legal.pk,
            "description": "Invoice 17",
            "receipt": SimpleUploadedFile("invoice.pdf", PDF),
        },
    )
    assert response.status_code == 302
    receipt = Expense.objects.get().receipt
    assert local_s3.keys(bucket) == [f"private/{receipt.name}"]
    # The admin links to its own permission-checked view, never to the bucket.
    assert receipt.url == f"/admin/ledger/expense/receipt/{receipt.name}"
    download = client.get(receipt.url)
    assert download.status_code == 200 and _body(download) == PDF
    client.force_login(editor)
    assert client.get(receipt.url).status_code == 403
    client.logout()
    assert client.get(receipt.url).status_code == 302
    assert client.get(f"/media/{receipt.name}").status_code == 404
    assert client.get(f"/media/../private/{receipt.name}").status_code == 404


def test_it_keeps_a_staged_photo_in_the_private_path_until_it_is_read_back(
    bucket, local_s3, editor
):
    token = photo_stage(upload=SimpleUploadedFile("ana.jpg", b"jpeg bytes"), user_id=editor.pk)
    [key] = local_s3.keys(bucket)
    assert key.startswith("private/staged-photos/")
    assert photo_unstage(token=token, user_id=editor.pk + 1) is None
    photo = photo_unstage(token=token, user_id=editor.pk)
    assert (photo.name, photo.read()) == ("ana.jpg", b"jpeg bytes")
    assert local_s3.keys(bucket) == []
    assert photo_unstage(token=token, user_id=editor.pk) is None  # once only


def test_it_builds_the_public_report_once_into_the_private_path(
    client, bucket, local_s3, campaign, make_prisoner, caplog
):
    ana = make_prisoner(slug="ana", photo_alt_es="Ana")
    ana.photo = SimpleUploadedFile("ana.jpg", _jpeg(), content_type="image/jpeg")
    ana.save()
    with caplog.at_level(logging.INFO, logger="reports.public_file"):
        first = client.get("/en/report.pdf")
        second = client.get("/en/report.pdf")
    pdf = _body(first)
    assert first.status_code == second.status_code == 200
    assert pdf.startswith(b"%PDF") and _body(second) == pdf
    [report] = local_s3.keys(bucket, "private/reports/")
    assert re.fullmatch(r"private/reports/public-en-\w+\.pdf", report)
    assert local_s3.read(bucket, report) == pdf
    assert [r.getMessage() for r in caplog.records].count(
        f"Built {report.removeprefix('private/reports/')}"
    ) == 1
    # The photo came from the bucket too: the PDF holds one image.
    assert pdf.count(b"/Subtype /Image") == 1


def test_it_revalidates_the_report_from_the_bucket(client, bucket, campaign):
    first = client.get("/en/report.pdf")
    _body(first)
    again = client.get("/en/report.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert first["Last-Modified"]


@pytest.mark.parametrize("name", ["prisoners/nobody.jpg", "../settings.py", "/etc/passwd"])
def test_it_serves_nothing_but_photos_of_prisoners(client, bucket, db, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_it_keeps_a_closed_years_financial_statements_in_the_private_path(
    client, bucket, local_s3, make_donation, campaign
):
    year = date.today().year - 1
    make_donation("25.00", received_on=date(year, 3, 1))
    first = client.get(f"/en/anbi/financial-statements/{year}.pdf")
    pdf = _body(first)
    assert first.status_code == 200 and pdf.startswith(b"%PDF")
    [key] = local_s3.keys(bucket, "private/reports/")
    assert re.fullmatch(rf"private/reports/statements-{year}-en-\w+\.pdf", key)
    assert local_s3.read(bucket, key) == pdf
    again = client.get(
        f"/en/anbi/financial-statements/{year}.pdf", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
