"""With Redis down, the site serves its pages without the shared cache, refuses only the start
of an online checkout (whose fraud limits it cannot count) with the bank transfer on offer, and
says so at /healthz. The real redis client, against a port where nothing listens."""

import logging
import os
import socket
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import caches

from crowdfund import cache_backend
from crowdfund.caching import caches_setting
from ledger.models import Donation
from ledger.selectors import campaign_totals
from statements.models import ExpectedTransfer
from tests.gifts import form_data, post_mollie_webhook

PUBLIC_PAGES = [
    "/nl/",
    "/nl/prisoners/ana/",
    "/nl/how-we-use-the-money/",
    "/nl/where-the-money-went/",
    "/nl/anbi/",
    "/nl/donate/",
    "/nl/donate/?prisoner=ana&amount=50.00",
    "/nl/bank-transfer/",
    "/nl/bank-transfer/?prisoner=ana",
    "/nl/privacy/",
    "/nl/my-gifts/",
    "/nl/periodic-gift/",
    "/nl/report.pdf",
    "/sitemap.xml",
    "/robots.txt",
]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = caches_setting(f"redis://127.0.0.1:{_closed_port()}/0")
    cache_backend.forget_outages()
    yield
    cache_backend.forget_outages()


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(name="Ana Ejemplo", slug="ana")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_is_served_without_the_cache(redis_down, client, ana, make_donation, url):
    make_donation("40.00", prisoner=ana)
    for _ in range(2):  # the second time too: nothing was kept in the shared cache
        assert client.get(url).status_code == 200, url


def test_a_checkout_start_is_refused_with_the_bank_transfer_on_offer(redis_down, client, ana):
    """The limits against card testing cannot count: the one thing refused, with a way to give."""
    data = form_data("demo", prisoner="ana", preset="50")
    response = client.post("/nl/donate/", data, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 503
    html = response.content.decode()
    assert "/nl/bank-transfer/?prisoner=ana&amp;amount=50.00" in html
    assert "Nothing was charged" not in html  # in Dutch, the visitor's language
    assert "Er is niets afgeschreven" in html
    assert not Donation.objects.exists()
    # The bank transfer itself, chosen on the same form, goes through.
    chosen = client.post("/nl/donate/", form_data("bank_transfer", prisoner="ana"))
    assert chosen.status_code == 302 and "/nl/bank-transfer/" in chosen["Location"]


def test_the_bank_details_by_email_still_go_out(redis_down, client, ana):
    data = {
        "amount": "25",
        "prisoner": "ana",
        "donor_name": "",
        "email": "camila@example.org",
        "consent": "on",
        "website": "",
    }
    response = client.post("/nl/bank-transfer/email/", data)
    assert response.status_code == 302
    assert ExpectedTransfer.objects.get().email == "camila@example.org"


def test_a_donor_still_gets_the_link_to_their_page(redis_down, client, ana, make_donation):
    make_donation("30.00", donor_email="camila@example.org")
    response = client.post("/nl/my-gifts/", {"email": "camila@example.org"})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["camila@example.org"]]


def test_a_webhook_is_applied(
    settings, client, ana, fake_mollie, django_capture_on_commit_callbacks
):
    # Started while Redis answered (here: the tests' own cache).
    response = client.post("/nl/donate/", form_data("ideal", prisoner="ana"))
    assert response.status_code == 302
    payment_id = Donation.objects.get().provider_payment_id
    settings.CACHES = caches_setting(f"redis://127.0.0.1:{_closed_port()}/0")
    cache_backend.forget_outages()
    fake_mollie.set_status(payment_id, "paid")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mollie_webhook(client, payment_id).status_code == 200
    assert Donation.objects.get().status == Donation.Status.PAID
    assert campaign_totals().raised == Decimal("25.00")
    assert client.get("/nl/prisoners/ana/").status_code == 200


def test_healthz_answers_200_and_names_the_cache_as_down(redis_down, client, db, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("ok") and "shared cache unavailable" in body
    assert "default" in body and "pages" in body
    assert any("shared cache" in record.getMessage().lower() for record in caplog.records)


def test_healthz_says_plain_ok_when_redis_answers(settings, client, db):
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("no REDIS_URL to test against")
    settings.CACHES = caches_setting(url)
    assert client.get("/healthz").content == b"ok\n"


class _Blackhole:
    """A Redis that accepts connections and never answers, as behind a dropped route."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.sock.close()
        for connection in self.accepted:
            connection.close()


def test_a_silent_redis_costs_one_wait_then_none_for_a_while(settings, client, ana):
    """A Redis that never answers costs its timeout once; then each worker leaves it alone for
    a few seconds instead of making every page wait for it."""
    blackhole = _Blackhole()
    try:
        settings.CACHES = caches_setting(f"redis://127.0.0.1:{blackhole.port}/0")
        cache_backend.forget_outages()
        for _ in range(5):
            assert client.get("/nl/prisoners/ana/").status_code == 200
        assert len(blackhole.accepted) == 1
        assert caches["pages"].get("anything") is None
        assert len(blackhole.accepted) == 1
    finally:
        blackhole.close()
        cache_backend.forget_outages()


def test_a_health_check_waits_for_a_silent_redis_once_at_most(settings, client, db):
    """Two caches on one Redis that never answers: one wait, not one per cache."""
    blackhole = _Blackhole()
    try:
        settings.CACHES = caches_setting(f"redis://127.0.0.1:{blackhole.port}/0")
        cache_backend.forget_outages()
        body = client.get("/healthz").content.decode()
        assert body == "ok, degraded: shared cache unavailable (default, pages)\n"
        assert len(blackhole.accepted) == 1
    finally:
        blackhole.close()
        cache_backend.forget_outages()


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/ledger/donation/", "/admin/prisoners/prisoner/", "/admin/login/"]
)
def test_the_admin_works(redis_down, client, treasurer, ana, url):
    if url != "/admin/login/":
        client.force_login(treasurer)
    assert client.get(url).status_code == 200
