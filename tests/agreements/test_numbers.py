"""Transaction numbers: PG-<year>-<NNNN>, one sequence per year, never handed out twice."""

import re
import threading

import pytest
from django.db import connection
from django.utils import timezone

from agreements.models import AgreementNumberCounter, PeriodicGiftAgreement
from agreements.services import agreement_create
from tests.agreements.conftest import cleaned

NUMBER = re.compile(r"^PG-\d{4}-\d{4}$")


def test_it_numbers_agreements_in_order_with_the_year(make_agreement):
    first = make_agreement(notify=False)
    second = make_agreement(notify=False, email="other@example.org")
    year = timezone.localdate().year
    assert [first.number, second.number] == [f"PG-{year}-0001", f"PG-{year}-0002"]
    assert NUMBER.match(first.number)


def _create_at_once(count: int, data: list[dict]) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def create(n: int):
        try:
            barrier.wait(timeout=30)
            agreement_create(data=data[n], language="en", notify=False)
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def twenty_donors(anbi):
    return [cleaned(email=f"donor{n}@example.org") for n in range(20)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_never_hands_out_a_number_twice_to_20_simultaneous_agreements(postgres, twenty_donors):
    assert _create_at_once(20, twenty_donors) == []
    numbers = sorted(PeriodicGiftAgreement.objects.values_list("number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"PG-{year}-{n:04d}" for n in range(1, 21)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_gives_two_agreements_one_number_without_the_row_lock(
    postgres, twenty_donors, monkeypatch
):
    """The control for the test above: without SELECT … FOR UPDATE the race shows."""

    class Unlocked:
        def get(self, **kwargs):
            counter = AgreementNumberCounter.objects.get(**kwargs)
            # Hold the unlocked window open: the others read the same number meanwhile.
            threading.Event().wait(0.3)
            return counter

    monkeypatch.setattr(AgreementNumberCounter.objects, "select_for_update", lambda: Unlocked())
    errors = _create_at_once(5, twenty_donors)
    # The unique constraint refuses the duplicates: without the lock, agreements are lost.
    assert errors and all("number" in str(e) for e in errors)
