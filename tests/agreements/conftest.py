import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import PeriodicGiftAgreement
from agreements.services import agreement_create

LINK = re.compile(r"https?://\S+?(/\w\w/periodic-gift/(?:co-)?sign/[^/\s]+/)")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(execute=True):` runs what the code left for after its commit (the
    emails' tasks), as production does once the transaction commits."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def anbi(campaign):
    campaign.is_anbi = True
    campaign.rsin = "851954534"
    campaign.contact_email = "info@example.org"
    campaign.save()
    return campaign


def form_data(**overrides) -> dict:
    data = {
        "given_names": "Camila Andrea",
        "surname": "Rojas Pérez",
        "email": "camila@example.org",
        "birth_date": "1980-05-17",
        "birth_place": "Valparaíso",
        "street": "Keizersgracht 1",
        "postcode": "1015 AA",
        "city": "Amsterdam",
        "country": "Nederland",
        "yearly_amount": "1.200,50",
        "duration": "five_years",
        "duration_years": "",
        "first_year": str(timezone.localdate().year),
        "payment_way": "bank_transfer",
        "partner_name": "",
        "partner_email": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def cleaned(**overrides) -> dict:
    """What the form hands the service, for tests that skip the form."""
    from agreements.forms import AgreementForm

    form = AgreementForm(form_data(**overrides))
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.fixture
def make_agreement(anbi):
    def make(*, language="nl", notify=True, **overrides) -> PeriodicGiftAgreement:
        return agreement_create(data=cleaned(**overrides), language=language, notify=notify)

    return make


def link_in(message) -> str:
    """The path of the signing link in an email."""
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def treasurer(treasurer):
    """A treasurer with a full name: the foundation's signature carries it."""
    treasurer.first_name, treasurer.last_name = "Ana", "Tesorera"
    treasurer.save()
    return treasurer
