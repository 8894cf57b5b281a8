"""Short gift references: DS-<year>-<number>, unique, per-year sequence, race-free."""

import re
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from giving.tasks import send_receipt
from ledger.models import Donation, GiftReferenceCounter

REFERENCE = re.compile(r"^DS-\d{4}-\d{5}$")


def test_it_numbers_gifts_per_year_in_order(make_donation):
    first = make_donation(created_at=datetime(2025, 6, 1, tzinfo=UTC))
    second = make_donation(created_at=datetime(2025, 7, 1, tzinfo=UTC))
    new_year = make_donation(created_at=datetime(2026, 1, 2, tzinfo=UTC))
    assert [first.reference, second.reference, new_year.reference] == [
        "DS-2025-00001",
        "DS-2025-00002",
        "DS-2026-00001",
    ]


def test_it_keeps_the_reference_when_a_gift_is_saved_again(make_donation):
    donation = make_donation()
    reference = donation.reference
    donation.note = "checked"
    donation.save()
    donation.refresh_from_db()
    assert donation.reference == reference and REFERENCE.match(reference)
    assert GiftReferenceCounter.objects.get().last_number == 1


def test_it_numbers_gifts_created_in_bulk(make_donation):
    make_donation(created_at=datetime(2025, 3, 1, tzinfo=UTC))
    created = Donation.objects.bulk_create(
        Donation(amount=Decimal("5.00"), method="cash", created_at=datetime(2025, 4, d, tzinfo=UTC))
        for d in (1, 2, 3)
    )
    assert [d.reference for d in created] == ["DS-2025-00002", "DS-2025-00003", "DS-2025-00004"]
    assert set(Donation.objects.values_list("reference", flat=True)) >= {"DS-2025-00004"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_backfills_existing_gifts_in_the_migration(postgres):
    executor = MigrationExecutor(connection)
    executor.migrate([("donations", "0013_donate_expected_transfer")])
    old = executor.loader.project_state([("donations", "0013_donate_expected_transfer")]).apps
    OldDonation = old.get_model("donations", "Donation")
    for day in (3, 1, 2):
        OldDonation.objects.create(
            amount=Decimal("5.00"), method="cash", created_at=datetime(2024, 5, day, tzinfo=UTC)
        )
    OldDonation.objects.create(
        amount=Decimal("5.00"), method="cash", created_at=datetime(2025, 5, 1, tzinfo=UTC)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    by_day = {
        d.created_at.date().isoformat(): d.reference
        for d in Donation.objects.order_by("created_at")
    }
    assert by_day == {
        "2024-05-01": "DS-2024-00001",
        "2024-05-02": "DS-2024-00002",
        "2024-05-03": "DS-2024-00003",
        "2025-05-01": "DS-2025-00001",
    }
    # The next gift of 2024 continues after the backfilled ones.
    later = Donation.objects.create(
        amount=Decimal("5.00"), method="cash", created_at=datetime(2024, 6, 1, tzinfo=UTC)
    )
    assert later.reference == "DS-2024-00004"


def _create_at_once(count: int) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def create():
        try:
            barrier.wait(timeout=30)
            Donation.objects.create(amount=Decimal("5.00"), method="cash")
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_never_hands_out_a_number_twice_to_simultaneous_gifts(postgres):
    assert _create_at_once(20) == []
    references = sorted(Donation.objects.values_list("reference", flat=True))
    year = references[0][3:7]
    assert references == [f"DS-{year}-{n:05d}" for n in range(1, 21)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_gives_two_gifts_one_number_without_the_row_lock(postgres, monkeypatch):
    """The control for the test above: without SELECT … FOR UPDATE the race shows."""

    class Unlocked:
        def get(self, **kwargs):
            counter = GiftReferenceCounter.objects.get(**kwargs)
            # Hold the unlocked window open: the other gifts read the same number meanwhile.
            threading.Event().wait(0.3)
            return counter

    monkeypatch.setattr(GiftReferenceCounter.objects, "select_for_update", lambda: Unlocked())
    errors = _create_at_once(5)
    # The unique constraint refuses the duplicates: without the lock, gifts are lost.
    assert errors and all("reference" in str(e) for e in errors)


def test_it_shows_the_reference_in_the_admin_list_and_finds_it(client, treasurer, make_donation):
    donation = make_donation(donor_name="Camila")
    make_donation(donor_name="Bartolomeo")
    client.force_login(treasurer)
    listing = client.get("/admin/ledger/donation/").content.decode()
    assert donation.reference in listing
    found = client.get("/admin/ledger/donation/", {"q": donation.reference}).content.decode()
    assert "Camila" in found and "Bartolomeo" not in found
    page = client.get(f"/admin/ledger/donation/{donation.pk}/change/").content.decode()
    assert donation.reference in page


def test_it_shows_the_reference_on_the_thanks_page(client, campaign, make_donation):
    donation = make_donation(donor_email="camila@example.org")
    html = client.get(f"/en/donate/thanks/{donation.public_id}/").content.decode()
    assert donation.reference in html


def _paid_gift(make_donation, **overrides):
    return make_donation(
        "25.00",
        donor_email="camila@example.org",
        language="nl",
        paid_at=datetime(2026, 3, 1, tzinfo=UTC),
        **overrides,
    )


def test_it_sends_a_multipart_receipt_with_reference_rsin_and_tax_note(
    campaign, make_donation, mailoutbox
):
    campaign.is_anbi = True
    campaign.rsin = "000000000"
    campaign.kvk_number = "00000000"
    campaign.save()
    donation = _paid_gift(make_donation)
    send_receipt.call(donation.pk)
    [receipt] = mailoutbox
    assert isinstance(receipt, mail.EmailMultiAlternatives)
    [(html, mimetype)] = receipt.alternatives
    assert mimetype == "text/html"
    for body in (receipt.body, html):
        assert donation.reference in body
        assert str(donation.public_id) not in body
        assert "RSIN 000000000" in body
        assert "ANBI" in body
    assert '<html lang="nl">' in html


def test_it_leaves_the_tax_note_out_when_the_foundation_is_no_anbi(
    campaign, make_donation, mailoutbox
):
    donation = _paid_gift(make_donation)
    send_receipt.call(donation.pk)
    [receipt] = mailoutbox
    assert donation.reference in receipt.body
    assert "ANBI" not in receipt.body and "ANBI" not in receipt.alternatives[0][0]


def test_it_still_sends_one_receipt_only(campaign, make_donation, mailoutbox):
    donation = _paid_gift(make_donation)
    send_receipt.call(donation.pk)
    send_receipt.call(donation.pk)
    assert len(mailoutbox) == 1


def test_it_counts_a_year_per_local_calendar(make_donation):
    # 31 December 23:30 UTC is already New Year in Amsterdam, where the books are kept.
    donation = make_donation(created_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    assert donation.reference == "DS-2026-00001"
