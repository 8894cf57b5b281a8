import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ledger.models import Donation
from reports import pdf as report_pdf
from reports import public_file


@pytest.fixture(autouse=True)
def _report_cache_in_tmp(settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"


@pytest.fixture
def site(campaign, make_prisoner, make_donation):
    ana = make_prisoner(
        name="Ana Ejemplo",
        slug="ana",
        payment_reference="DSA3KM",
        story_nl="<p>Verhaal van Ana</p>",
        story_en="<p>Ana's story</p>",
    )
    make_donation(
        "123.45",
        prisoner=ana,
        donor_name="Secret Donor Name",
        donor_email="secret.donor@example.org",
        public_message="A private message",
        message_is_public=True,
    )
    make_donation("10.00", donor_name="Another Person", is_anonymous=True)
    return ana


def _get(client, lang="en", **headers):
    response = client.get(f"/{lang}/report.pdf", **headers)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def _text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_it_holds_the_appeal_stories_totals_and_how_to_give(client, site):
    response, pdf = _get(client, "nl")
    assert response["Content-Type"] == "application/pdf"
    text, reader = _text(pdf)
    assert "Oproep" in text  # the campaign's Dutch appeal
    assert "Verhaal van Ana" in text and "Wacht op proces" in text
    assert "€ 133,45" in text  # raised: 123.45 + 10.00
    assert "NL91 ABNA 0417 1643 00" in text and "DSA3KM" in text and "DSFUND" in text
    assert "Juridische verdediging" in text  # what the money is used for
    assert reader.metadata.title.startswith("Solidariteit")
    assert reader.metadata.author == "De Solidaire Diaspora Stg"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root  # tagged for screen readers


def test_it_never_names_a_donor(client, site):
    text, _reader = _text(_get(client, "en")[1])
    for secret in ("Secret Donor", "secret.donor", "example.org", "A private message", "Another"):
        assert secret not in text


def test_it_is_built_once_per_content_and_revalidates(client, site, monkeypatch):
    # Rebuilt at once after a change (on a busy site, at most once a minute: see
    # tests/reports/test_report_build.py).
    monkeypatch.setattr(public_file, "REPORT_REBUILD_AFTER", 0)
    builds = []
    original = report_pdf.render_pdf
    monkeypatch.setattr(
        report_pdf, "render_pdf", lambda *a, **k: builds.append(1) or original(*a, **k)
    )
    first, body = _get(client, "es")
    second, again = _get(client, "es")
    assert len(builds) == 1 and body == again
    assert first["ETag"] and first["Last-Modified"]
    not_modified, _ = _get(client, "es", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    Donation.objects.create(amount=Decimal("5.00"), status="paid", method="cash")
    changed, _ = _get(client, "es", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert len(builds) == 2


@pytest.mark.parametrize("lang", ["es", "nl", "en"])
def test_every_page_links_to_it_in_the_visitors_language(client, site, lang):
    assert f'href="/{lang}/report.pdf"' in client.get(f"/{lang}/").content.decode()
