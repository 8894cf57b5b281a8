"""How soon a worker sees a new content version (crowdfund/content.py)."""

import pytest
from django.test import Client

from crowdfund import content
from crowdfund import settings as production
from ledger.models import Donation
from tests.crowdfund.conftest import ok_get


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_sees_even_its_own_change_only_after_its_wait(
    postgres, settings, monkeypatch, ana
):
    # Production's wait; a paid gift must show on the cached pages within 5 seconds.
    wait = production.CONTENT_VERSION_SECONDS
    assert 0 < wait < 5
    settings.CONTENT_VERSION_SECONDS = wait
    now = [1000.0]
    monkeypatch.setattr(content.time, "monotonic", lambda: now[0])
    first = content.content_version()
    Donation.objects.create(
        amount="40.00", prisoner=ana, method=Donation.Method.BANK_TRANSFER, status="paid"
    )
    # Committed, by this very process: still the version it read, until its wait is over.
    assert content.content_version() == first
    assert ok_get(Client(), "/en/")["X-Page-Cache"] == "miss"
    assert ok_get(Client(), "/en/")["X-Page-Cache"] == "hit"
    now[0] += wait - 0.01
    assert content.content_version() == first
    now[0] += 0.02
    assert content.content_version() != first
    page = ok_get(Client(), "/en/")
    assert page["X-Page-Cache"] == "miss" and "€40.00" in page.content.decode()


def test_a_transaction_sees_its_own_uncommitted_change_at_once(settings, ana):
    settings.CONTENT_VERSION_SECONDS = 60
    before = content.content_version()
    ana.summary_en = "Changed"
    ana.save()  # inside the test's transaction: not committed
    assert content.content_version() != before
