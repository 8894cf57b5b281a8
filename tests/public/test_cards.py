"""The home page's prisoner cards, kept apart from the page (public/cards.py)."""

from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from crowdfund.content import content_changed
from prisoners.models import Prisoner, Situation
from public import cards
from public.cards import CARD_TEMPLATE


@contextmanager
def card_renders():
    """The names of the prisoners whose card was rendered (not read from the cache)."""
    names: list[str] = []

    def rendered(sender, template, context, **kwargs):
        if template.name == CARD_TEMPLATE:
            names.append(context["card"]["name"])

    template_rendered.connect(rendered)
    try:
        yield names
    finally:
        template_rendered.disconnect(rendered)


@pytest.fixture
def three(campaign, make_prisoner):
    return [make_prisoner(name=name) for name in ("Ana", "Berta", "Carla")]


def home(client, language="en") -> str:
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_gift_renders_only_that_prisoners_card_again(client, three, make_donation):
    with card_renders() as first:
        home(client)
    assert sorted(first) == ["Ana", "Berta", "Carla"]

    make_donation("321.00", prisoner=three[1])
    with card_renders() as again:
        html = home(client)
    assert again == ["Berta"]
    assert "€321.00" in html

    # A gift to the general fund makes a new page, and renders no card.
    make_donation("5.00")
    with card_renders() as general:
        html = home(client)
    assert general == []
    assert "€326.00" in html  # the campaign's total, in the page around the cards


def test_an_edit_shows_at_once_however_it_was_made(client, three):
    home(client)
    ana = three[0]
    ana.summary_en = "A new summary"
    ana.save()
    assert "A new summary" in home(client)

    # A bulk update sends no save signal, but moves the row's version all the same.
    Prisoner.objects.filter(pk=three[2].pk).update(situation=Situation.RELEASED)
    with card_renders() as renders:
        html = home(client)
    assert renders == ["Carla"]
    assert "Released" in html


def test_each_language_has_its_own_cards(client, three):
    assert "Summary 1" in home(client, "en")
    with card_renders() as renders:
        html = home(client, "nl")
    assert sorted(renders) == ["Ana", "Berta", "Carla"]
    assert "Samenvatting 1" in html
    assert 'href="/nl/prisoners/preso-1/"' in html
    assert "Summary 1" not in html


def test_only_the_first_photo_loads_at_once(client, campaign, make_prisoner, settings):
    for name in ("Ana", "Berta"):
        make_prisoner(name=name, photo="prisoners/face.jpg", photo_alt_en=f"Face of {name}")
    html = home(client)
    first, second = html.split('<article class="card">')[1:]
    assert 'alt="Face of Ana"' in first and 'loading="lazy"' not in first
    assert 'alt="Face of Berta"' in second and 'loading="lazy"' in second


def test_none_are_kept_when_the_setting_says_so(client, three, settings):
    settings.CARD_CACHE_SECONDS = 0
    settings.PAGE_CACHE_VIEWS = []
    for _ in range(2):
        with card_renders() as renders:
            home(client)
        assert len(renders) == 3


@pytest.mark.parametrize("language", ["es", "nl", "en"])
def test_the_url_maker_gives_each_prisoners_own_address(three, language):
    with translation.override(language):
        url = Prisoner.url_maker()
        for prisoner in three:
            assert url(prisoner.slug) == prisoner.get_absolute_url()


def test_kept_cards_cost_no_query(client, three):
    def queries() -> list[str]:
        content_changed()  # a new page, as after a gift to the general fund
        with CaptureQueriesContext(connection) as captured:
            home(client)
        return [query["sql"] for query in captured.captured_queries]

    home(client)
    kept = queries()
    cards.forget_local()
    caches["pages"].clear()
    made = queries()
    assert len(made) == len(kept) + 1
    assert any('"summary_en"' in sql for sql in made)
    assert not any('"summary_en"' in sql for sql in kept)


def test_a_card_kept_by_another_process_is_read_from_the_shared_cache(client, three):
    home(client)
    cards.forget_local()  # as another app server would start: with nothing of its own
    content_changed()
    with card_renders() as renders:
        assert "Summary 1" in home(client)
    assert renders == []
