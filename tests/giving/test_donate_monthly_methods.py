"""Monthly giving on the donate form, before the donor sends it: only the methods a provider
can charge every month are offered for it, the page says why the others go, and the words by
the button say when the months are collected (the browser half is in tests/browser)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from demo.provider import DemoProvider
from giving.donate_summary import MAX_METHODS, MAX_PRESETS
from giving.forms import METHOD_LABELS
from ledger.models import Donation
from sponsorships.models import Sponsorship
from tests.gifts import form_data, said_by_the_server
from tests.sponsorships.helpers import english_when

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "donate.css"


@pytest.fixture
def all_methods(settings, campaign):
    # Keys only: rendering the form never calls a provider.
    settings.MOLLIE_API_KEY = "test_fakekey1234567890"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    settings.STRIPE_SEPA_DEBIT = True
    settings.DEMO_PAYMENTS = True


def _method_classes(html: str) -> dict[str, str]:
    labels = re.findall(
        r'<label class="method([^"]*)" for="[^"]+"><input[^>]*value="([^"]+)"', html
    )
    return {value: classes.strip() for classes, value in labels}


def test_only_methods_a_provider_charges_monthly_are_offered_for_it(client, all_methods):
    classes = _method_classes(client.get("/en/donate/").content.decode())
    assert classes == {
        "ideal": "",
        "mollie": "",
        "card": "",
        "sepa_debit": "monthly-only",
        "demo": "",
        "bank_transfer": "once-only",
    }


def test_the_providers_say_what_they_charge_monthly(client, all_methods, monkeypatch):
    """Not a list in the form: a provider without monthly giving takes its methods out."""
    monkeypatch.setattr(DemoProvider, "monthly_methods", frozenset())
    classes = _method_classes(client.get("/en/donate/").content.decode())
    assert classes["demo"] == "once-only" and classes["ideal"] == ""


def test_the_page_says_before_sending_why_bank_transfer_goes_for_monthly(client, all_methods):
    html = client.get("/nl/donate/?frequency=monthly").content.decode()
    methods = html.split('<fieldset class="methods"', 1)[1].split("</fieldset>", 1)[0]
    note = re.search(r'<p class="hint once-only-note">\s*(.*?)\s*</p>', methods, re.S).group(1)
    assert note == (
        "Bankoverschrijving kan niet elke maand worden geïnd en staat daarom alleen bij "
        "eenmalig geven."
    )
    # Monthly was chosen at first: its method is preselected, never the bank transfer.
    assert re.findall(r'name="method" value="([^"]+)"[^>]*checked', html) == ["ideal"]


def test_a_monthly_bank_transfer_sent_anyway_names_only_what_was_chosen(client, all_methods):
    data = form_data("bank_transfer", frequency="monthly", preset="", monthly_preset="15")
    html = client.post("/en/donate/", data).content.decode()
    assert (
        "Bank transfer cannot be collected every month. Choose another way to pay, or give once."
        in html
    )
    assert "iDEAL | Wero or a card" not in html
    assert not Sponsorship.objects.exists() and not Donation.objects.exists()


def test_without_a_monthly_method_the_form_offers_giving_once_only(client, campaign, settings):
    settings.DEMO_PAYMENTS = False  # bank transfer alone
    html = client.get("/en/donate/?frequency=monthly").content.decode()
    assert 'name="frequency"' not in html and "once-only-note" not in html
    data = form_data("bank_transfer", frequency="monthly", preset="", monthly_preset="15")
    html = client.post("/en/donate/", data).content.decode()
    assert "Monthly giving is not possible at the moment. You can give once." in html


def test_the_monthly_words_say_when_the_months_are_collected(client, all_methods):
    html = client.get("/en/donate/?frequency=monthly&amount=15.00").content.decode()
    when = english_when(timezone.localdate().day)
    assert said_by_the_server(html, "donate-collection") == (
        f"€15 {when}; stop any time with the link in every email."
    )
    assert said_by_the_server(html, "donate-summary") == (
        "€15 a month for General fund — Card, Apple Pay or Google Pay"
    )
    assert said_by_the_server(html, "donate-submit") == "Sponsor General fund with €15 a month"
    # And in the sponsor's own language and number format.
    nl = client.get("/nl/donate/?frequency=monthly&amount=25.00").content.decode()
    assert said_by_the_server(nl, "donate-collection").startswith("€ 25 rond ")


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "€12.50 on or around the 7th of every month; stop any time with"),
        ("nl", "€ 12,50 rond de 7e van elke maand; stoppen kan altijd"),
        ("es", "€ 12,50 alrededor del día 7 de cada mes; puedes detenerla"),
    ],
)
def test_the_collection_line_in_three_languages(client, all_methods, monkeypatch, lang, line):
    seventh = timezone.localdate().replace(day=7)
    monkeypatch.setattr(timezone, "localdate", lambda *args: seventh)
    html = client.get(f"/{lang}/donate/?frequency=monthly&amount=12.50").content.decode()
    words = re.search(r'data-collection="([^"]*)"', html).group(1)
    assert words.replace("%(amount)s", "€ 12,50" if lang != "en" else "€12.50").startswith(line)


def test_a_kept_copy_of_the_page_is_never_a_days_old(all_methods, monkeypatch):
    """The line names today's day: a copy of the page kept yesterday is not served today."""
    today = timezone.localdate()
    url = "/en/donate/?frequency=monthly&amount=15.00"
    assert [Client().get(url)["X-Form-Cache"] for _ in range(2)] == ["miss", "hit"]
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    response = Client().get(url)
    assert response["X-Form-Cache"] == "miss"
    assert english_when(tomorrow.day) in said_by_the_server(
        response.content.decode(), "donate-collection"
    )


def test_the_stylesheet_has_a_rule_for_every_preset_and_method():
    css = CSS.read_text()
    assert len(settings.DONATION_PRESETS) <= MAX_PRESETS
    assert len(settings.DONATION_MONTHLY_PRESETS) <= MAX_PRESETS
    assert len(METHOD_LABELS) <= MAX_METHODS
    for index in range(MAX_PRESETS):
        assert f"#id_preset_{index}:checked) .pick-o{index}" in css
        assert f"#id_monthly_preset_{index}:checked) .pick-m{index}" in css
    for index in range(MAX_METHODS):
        assert f"#id_method_{index}:checked) .pick-method{index}" in css
