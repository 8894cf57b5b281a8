"""When a sponsor reads their months are collected: the day the first month was paid, said
"on or around" in their language, and "around the end" where shorter months move it."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from donors.models import Donor
from ledger.models import Donation
from sponsorships.models import Sponsorship
from sponsorships.schedule import collection_day, collection_day_if_started, collection_words
from tests.sponsorships.helpers import english_when

WORDS = {
    ("en", 1): "on or around the 1st of every month",
    ("en", 2): "on or around the 2nd of every month",
    ("en", 3): "on or around the 3rd of every month",
    ("en", 7): "on or around the 7th of every month",
    ("en", 12): "on or around the 12th of every month",
    ("en", 22): "on or around the 22nd of every month",
    ("en", 28): "on or around the 28th of every month",
    ("en", 29): "around the end of every month",
    ("en", 31): "around the end of every month",
    ("nl", 7): "rond de 7e van elke maand",
    ("nl", 1): "rond de 1e van elke maand",
    ("nl", 30): "rond het einde van elke maand",
    ("es", 7): "alrededor del día 7 de cada mes",
    ("es", 21): "alrededor del día 21 de cada mes",
    ("es", 31): "hacia finales de cada mes",
}


@pytest.mark.parametrize(("language", "day"), sorted(WORDS))
def test_it_says_the_day_in_the_sponsors_language(language, day):
    with translation.override(language):
        assert collection_words(day) == WORDS[language, day]


@pytest.mark.parametrize("day", range(1, 32))
def test_every_english_day_reads_right(day):
    with translation.override("en"):
        assert collection_words(day) == english_when(day)


def test_a_sponsorship_started_today_is_collected_on_todays_day():
    assert collection_day_if_started(date(2026, 1, 31)) == 31
    assert collection_day_if_started(date(2026, 2, 7)) == 7


def test_a_sponsorship_is_collected_on_the_day_it_started(db):
    donor = Donor.objects.create(email="a@example.org")
    sponsorship = Sponsorship(donor=donor, amount=Decimal("15"), provider="demo")
    assert collection_day(sponsorship) is None  # not paid yet
    first = Donation(amount=Decimal("15"), received_on=date(2026, 3, 9))
    assert collection_day(sponsorship, first) == 9
    sponsorship.started_on = date(2026, 3, 10)
    assert collection_day(sponsorship, first) == 10
