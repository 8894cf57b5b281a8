"""The short donate form: tap amounts, preselected method, summary, errors, retry."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from ledger.models import Donation
from tests.books import set_around_the_books
from tests.gifts import form_data, said_by_the_server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def all_methods(settings):
    # Keys only: rendering the form never calls a provider.
    settings.MOLLIE_API_KEY = "test_fakekey1234567890"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    settings.DEMO_PAYMENTS = False


@pytest.fixture
def demo_on(settings):
    settings.DEMO_PAYMENTS = True


def _checked(html: str, value: str) -> bool:
    tag = html.split(f'value="{value}"', 1)[1].split(">", 1)[0]
    return " checked" in tag


@pytest.mark.parametrize(("lang", "method"), [("nl", "ideal"), ("en", "card"), ("es", "card")])
def test_it_preselects_the_method_by_language(client, campaign, all_methods, lang, method):
    html = client.get(f"/{lang}/donate/").content.decode()
    others = {"ideal", "card", "mollie", "bank_transfer"} - {method}
    assert _checked(html, method)
    assert not any(_checked(html, other) for other in others)


def test_it_preselects_only_a_method_that_is_enabled(client, campaign, demo_on):
    html = client.get("/nl/donate/").content.decode()
    assert 'value="ideal"' not in html
    assert _checked(html, "demo")
    assert not _checked(html, "bank_transfer")


def test_it_shows_a_self_hosted_mark_for_every_method(client, campaign, all_methods):
    html = client.get("/en/donate/").content.decode()
    for name in ("method-ideal", "method-card", "method-other", "method-bank"):
        assert f'src="/static/img/{name}.svg"' in html
        assert finders.find(f"img/{name}.svg")
    assert "https://" not in html.split("<main", 1)[1].split("</form>", 1)[0]


def test_it_loads_its_own_stylesheet_only_on_the_donate_page(client, campaign, make_prisoner):
    prisoner = make_prisoner(slug="ana")
    assert "css/donate.css" in client.get("/en/donate/").content.decode()
    assert "css/donate.css" not in client.get(f"/en/prisoners/{prisoner.slug}/").content.decode()


def test_it_summarises_the_gift_next_to_the_button(client, campaign, all_methods, make_prisoner):
    make_prisoner(slug="ana", name="Ana Ejemplo")
    html = client.get("/en/donate/?prisoner=ana").content.decode()
    summary = said_by_the_server(html, "donate-summary")
    assert summary == "€25 for Ana Ejemplo — Card, Apple Pay or Google Pay"


def test_it_summarises_what_was_posted(client, campaign, all_methods):
    data = form_data("ideal", preset="50", donor_email="not-an-email")
    html = client.post("/en/donate/", data).content.decode()
    assert said_by_the_server(html, "donate-summary") == "€50 for General fund — iDEAL | Wero"


def test_a_typed_amount_is_not_repeated_by_the_server(client, campaign, all_methods):
    """Without a script nothing can read back what the donor types next, so the server's
    line for a typed amount names none (donate.js writes it)."""
    data = form_data("ideal", other_amount="30,50", donor_email="not-an-email")
    html = client.post("/en/donate/", data).content.decode()
    assert said_by_the_server(html, "donate-summary") == "Your gift for General fund — iDEAL | Wero"


def test_it_gives_name_and_email_autocomplete_hints(client, campaign):
    html = client.get("/en/donate/").content.decode()
    assert 'name="donor_name" autocomplete="name"' in html
    assert 'name="donor_email" autocomplete="email"' in html


def test_it_lists_every_error_at_the_top_linked_to_its_field(client, campaign, demo_on):
    data = form_data("demo", preset="", other_amount="2", donor_name="", donor_email="x")
    html = client.post("/en/donate/", data).content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in html.split('class="error-summary"', 1)[1][:80]
    assert '<h2 id="error-summary-title" tabindex="-1"' in summary
    for anchor in ("id_other_amount", "id_donor_name", "id_donor_email"):
        assert f'href="#{anchor}"' in summary
        assert f'id="{anchor}"' in html
    assert summary.count("<li>") == 3
    assert not Donation.objects.exists()


def test_it_unfolds_the_optional_questions_when_they_hold_an_answer(client, campaign, demo_on):
    assert '<details class="more">' in client.get("/en/donate/").content.decode()
    data = form_data("demo", donor_email="", public_message="Fuerza")
    html = client.post("/en/donate/", data).content.decode()
    assert '<details class="more" open>' in html


def test_it_asks_for_an_email_only_for_online_payments(give, demo_on):
    response, donation = give("demo", donor_email="")
    assert donation is None
    assert "so that we can send the receipt" in response.content.decode()


@pytest.fixture
def failed_gift(give, demo_on, make_prisoner):
    make_prisoner(slug="ana", name="Ana Ejemplo")
    give(
        "demo",
        other_amount="30,50",
        prisoner="ana",
        purpose="basic_needs",
        donor_name="Camila Secreta",
        public_message="Fuerza, Ana",
    )
    donation = Donation.objects.get()
    donation.status = Donation.Status.FAILED
    donation.save()
    return donation


def test_it_brings_the_donor_back_to_a_filled_in_form_after_a_failure(client, failed_gift):
    thanks = client.get(f"/en/donate/thanks/{failed_gift.public_id}/").content.decode()
    retry = f"/en/donate/?retry={failed_gift.public_id}"
    assert f'href="{retry}"' in thanks
    html = client.get(retry).content.decode()
    assert 'value="30.50"' in html
    assert '<option value="ana" selected>' in html
    assert _checked(html, "basic_needs") and _checked(html, "demo")
    assert 'value="Camila Secreta"' in html
    assert 'value="camila@example.org"' in html
    assert "Fuerza, Ana</textarea>" in html
    # A new attempt: the retry is a gift of its own, not the failed one again.
    assert f'name="attempt" value="{failed_gift.public_id}"' not in html


def test_it_keeps_the_donors_details_out_of_another_browser(failed_gift):
    stranger = Client()
    html = stranger.get(f"/en/donate/?retry={failed_gift.public_id}").content.decode()
    assert 'value="30.50"' in html and '<option value="ana" selected>' in html
    assert "Camila Secreta" not in html
    assert "camila@example.org" not in html
    assert "Fuerza, Ana" not in html


@pytest.mark.parametrize("status", ["paid", "open", "pending"])
def test_it_fills_in_nothing_for_a_gift_that_may_be_paid(client, failed_gift, status):
    set_around_the_books(Donation.objects.all(), status=status)
    html = client.get(f"/en/donate/?retry={failed_gift.public_id}").content.decode()
    assert "camila@example.org" not in html and 'value="30.50"' not in html


@pytest.mark.parametrize("retry", ["nonsense", "00000000-0000-0000-0000-000000000000", ""])
def test_it_shows_a_plain_form_for_an_unknown_retry(client, failed_gift, retry):
    response = client.get(f"/en/donate/?retry={retry}")
    assert response.status_code == 200
    assert "camila@example.org" not in response.content.decode()
