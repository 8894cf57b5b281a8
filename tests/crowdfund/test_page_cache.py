"""Anonymous visitors' copies of the public pages: kept per version, never anyone's own."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crowdfund.money import format_eur
from ledger.models import Donation
from ledger.selectors import campaign_totals
from payments.models import StatusChange
from payments.providers.base import PaymentReport
from payments.services import payment_apply_status
from tests.crowdfund.conftest import ok_get

CACHED = [
    "/en/",
    "/es/prisoners/ana/",
    "/nl/how-we-use-the-money/",
    "/en/where-the-money-went/",
    "/en/anbi/",
    "/nl/privacy/",
]


@pytest.mark.parametrize("url", CACHED)
def test_it_keeps_a_public_page_for_the_next_anonymous_visitor(ana, url):
    first = ok_get(Client(), url)
    second = ok_get(Client(), url)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # The kept copy carries the headers the site's middleware gave the page.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert second[header] == first[header]


@pytest.mark.parametrize("url", ["/en/donate/", "/en/bank-transfer/", "/en/report.pdf"])
def test_it_never_keeps_a_page_with_a_form_or_the_report(ana, url):
    for _ in range(2):
        assert "X-Page-Cache" not in Client().get(url)


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT = re.compile(r'name="attempt" value="([^"]+)"')


@pytest.mark.parametrize("url", ["/en/donate/", "/en/bank-transfer/?prisoner=ana"])
def test_a_kept_form_gets_each_visitors_own_token_and_attempt(ana, url):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    mine, theirs = ok_get(first, url), ok_get(second, url)
    assert (mine["X-Form-Cache"], theirs["X-Form-Cache"]) == ("miss", "hit")
    mine, theirs = mine.content.decode(), theirs.content.decode()
    assert "of-this-visitor" not in mine + theirs
    assert TOKEN.search(mine).group(1) != TOKEN.search(theirs).group(1)
    if "donate" in url:
        assert ATTEMPT.search(mine).group(1) != ATTEMPT.search(theirs).group(1)
    # Each token goes with that visitor's own cookie: the form posts without a CSRF refusal.
    post = "/en/donate/" if "donate" in url else "/en/bank-transfer/email/"
    response = second.post(post, {"csrfmiddlewaretoken": TOKEN.search(theirs).group(1)})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    ("url", "chosen"),
    [
        ("/en/donate/?prisoner=ana", '<option value="ana" selected>'),
        ("/en/bank-transfer/?prisoner=ana", "Ana Ejemplo"),
    ],
)
def test_a_kept_form_reads_neither_the_campaign_nor_the_prisoners(ana, url, chosen):
    ok_get(Client(), url)
    with CaptureQueriesContext(connection) as queries:
        kept = ok_get(Client(), url)
    assert kept["X-Form-Cache"] == "hit"
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "prisoners_campaign" not in read and "prisoners_prisoner" not in read
    # The kept copy is the page for this address: Ana stays chosen.
    assert chosen in kept.content.decode()


def test_a_form_with_errors_or_a_visitors_session_is_never_kept(ana):
    visitor = Client()
    answer = visitor.post("/en/donate/", {"other_amount": "lots"}).content.decode()
    assert "Enter an amount in euros" in answer
    fresh = ok_get(Client(), "/en/donate/")
    assert (
        fresh["X-Form-Cache"] == "miss" and "Enter an amount in euros" not in fresh.content.decode()
    )
    visitor.cookies["sessionid"] = "something"
    assert "X-Form-Cache" not in ok_get(visitor, "/en/donate/")


def test_a_newly_published_prisoner_is_on_the_kept_form_at_once(ana, make_prisoner):
    assert "Bruno Ejemplo" not in ok_get(Client(), "/en/donate/").content.decode()
    make_prisoner(name="Bruno Ejemplo", slug="bruno")
    assert "Bruno Ejemplo" in ok_get(Client(), "/en/donate/").content.decode()


def test_a_paid_gift_shows_at_once(ana, make_donation):
    assert ok_get(Client(), "/en/")["X-Page-Cache"] == "miss"
    assert ok_get(Client(), "/en/")["X-Page-Cache"] == "hit"
    make_donation("12.34", prisoner=ana)
    page = ok_get(Client(), "/en/")
    assert page["X-Page-Cache"] == "miss"
    assert f"<strong>{format_eur(Decimal('12.34'), 'en')}</strong> raised" in page.content.decode()


def test_an_editor_edits_a_story_and_it_shows_at_once(client, editor, ana):
    url = "/en/prisoners/ana/"
    assert "First story" in ok_get(Client(), url).content.decode()
    assert ok_get(Client(), url)["X-Page-Cache"] == "hit"
    client.force_login(editor)
    change = reverse("admin:prisoners_prisoner_change", args=[ana.pk])
    form = {
        "name": ana.name,
        "slug": ana.slug,
        "summary_es": ana.summary_es,
        "summary_en": ana.summary_en,
        "story_en": "<p>Second story</p>",
        "situation": ana.situation,
        "goal": "1000.00",
        "payment_reference": ana.payment_reference,
        "order": "1",
        "consent_given_by": "Family",
        "consent_given_on": "2021-01-01",
        "is_published": "on",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    assert client.post(change, form).status_code == 302
    page = ok_get(Client(), url).content.decode()
    assert "Second story" in page and "First story" not in page


def test_a_page_with_a_csrf_token_is_never_served_to_another_visitor(settings, campaign):
    settings.ROOT_URLCONF = "tests.crowdfund.page_cache_urls"
    settings.PAGE_CACHE_VIEWS = [*settings.PAGE_CACHE_VIEWS, "form_page"]
    token = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, second = Client().get("/en/form/"), Client().get("/en/form/")
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert token.search(first.content).group(1) != token.search(second.content).group(1)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_staff_member_never_gets_or_makes_a_kept_copy(client, editor, ana):
    client.force_login(editor)
    assert "X-Page-Cache" not in ok_get(client, "/en/")
    assert ok_get(Client(), "/en/")["X-Page-Cache"] == "miss"  # the staff page was not kept
    assert ok_get(Client(), "/en/")["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in ok_get(client, "/en/")


def test_a_visitor_with_a_session_or_a_message_gets_their_own_page(ana):
    ok_get(Client(), "/en/")
    for cookie in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[cookie] = "something"
        assert "X-Page-Cache" not in ok_get(visitor, "/en/")


def test_it_keeps_each_language_and_address_apart(ana):
    english, spanish = ok_get(Client(), "/en/"), ok_get(Client(), "/es/")
    assert english.content != spanish.content
    assert ok_get(Client(), "/es/")["X-Page-Cache"] == "hit"
    assert ok_get(Client(), "/en/prisoners/ana/")["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_payment_changes_the_version_for_every_visitor(postgres, ana):
    cache.clear()
    Donation.objects.create(
        amount=Decimal("40.00"),
        prisoner=ana,
        method=Donation.Method.IDEAL,
        provider=Donation.Provider.MOLLIE,
        provider_payment_id="tr_1",
        status=Donation.Status.OPEN,
    )
    ok_get(Client(), "/en/prisoners/ana/")
    assert ok_get(Client(), "/en/prisoners/ana/")["X-Page-Cache"] == "hit"
    payment_apply_status(
        provider=Donation.Provider.MOLLIE,
        report=PaymentReport(payment_id="tr_1", status=Donation.Status.PAID),
        source=StatusChange.Source.WEBHOOK,
    )
    page = ok_get(Client(), "/en/prisoners/ana/")
    assert page["X-Page-Cache"] == "miss"
    assert f"<strong>{format_eur(Decimal('40.00'), 'en')}</strong> raised" in page.content.decode()
    assert campaign_totals().raised == Decimal("40.00")
