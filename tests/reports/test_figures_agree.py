"""Every figure of money in, on every page and report, net of refunds, chargebacks and
corrections, agrees to the cent (the public page, which rounds to whole euros, agrees with
the same figure rounded)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from crowdfund.money import format_eur
from ledger.corrections import donation_correct
from ledger.models import Refund
from reports.pdf import treasurer_report_pdf

# Worked out by hand: 40.25 - 15 (refund) + 30 - 30 (chargeback) + 50 - 10.50 (correction)
ANA = Decimal("64.75")
GENERAL = Decimal("20.00")


@pytest.fixture(autouse=True)
def _report_cache_in_tmp(settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"


@pytest.fixture
def books(campaign, make_prisoner, make_donation):
    ana = make_prisoner(name="Ana Ejemplo", slug="ana")
    day = date(2025, 3, 1)
    refunded = make_donation("40.25", prisoner=ana, received_on=day, provider="mollie")
    charged_back = make_donation("30.00", prisoner=ana, received_on=day, provider="stripe")
    corrected = make_donation("50.00", prisoner=ana, received_on=day)
    make_donation("20.00", received_on=day)
    make_donation("99.00", prisoner=ana, status="failed", received_on=day)
    when = timezone.make_aware(timezone.datetime(2025, 3, 5, 12))
    Refund.objects.create(
        donation=refunded,
        provider="mollie",
        provider_refund_id="re_1",
        kind="refund",
        amount=Decimal("15.00"),
        created_at=when,
    )
    Refund.objects.create(
        donation=charged_back,
        provider="stripe",
        provider_refund_id="dp_1",
        kind="chargeback",
        amount=Decimal("30.00"),
        created_at=when,
    )
    donation_correct(
        donation_id=corrected.pk,
        amount=Decimal("-10.50"),
        reason="typed 50 for 39.50",
        user="t",
        on=date(2025, 3, 6),
    )
    return ana


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _whole(amount: Decimal) -> str:
    return format_eur(amount, "en", cents=False)


def test_it_shows_the_same_money_in_everywhere(client, treasurer, books):
    total = ANA + GENERAL
    home = client.get("/en/").content.decode()
    assert f"<strong>{format_eur(total, 'en')}</strong> raised" in home

    prisoner = client.get("/en/prisoners/ana/").content.decode()
    assert f"<strong>{format_eur(ANA, 'en')}</strong> raised" in prisoner

    flow = client.get("/en/where-the-money-went/").content.decode()
    assert f"Since the start of the campaign, {_whole(total)} came in" in flow
    assert f"Ana Ejemplo</a></th>\n        <td>{_whole(ANA)}</td>" in flow

    public_pdf = _pdf_text(b"".join(client.get("/en/report.pdf").streaming_content))
    assert format_eur(total, "en") in public_pdf
    assert format_eur(ANA, "en") in public_pdf

    client.force_login(treasurer)
    overview = client.get(reverse("admin:reports_fundoverview_changelist"))
    funds = {fund.name: fund for fund in overview.context["funds"]}
    assert funds["Ana Ejemplo"].raised == ANA
    assert funds["General fund"].raised == GENERAL
    assert f"<strong>{format_eur(ANA + GENERAL, 'en')}</strong>" in overview.content.decode()

    with translation.override("en"):
        pdf = treasurer_report_pdf(start=date(2025, 1, 1), end=date(2025, 12, 31), generated_by="t")
    text = _pdf_text(pdf)
    ana_row = next(line for line in text.splitlines() if line.startswith("Ana Ejemplo"))
    assert format_eur(ANA, "en") in ana_row
    assert "typed 50 for 39.50" in text
