"""A text shown in another language than the page's says so, and carries that language."""

import io
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from prisoners.languages import fallback_language, value_language
from prisoners.models import Update


@pytest.fixture
def ana(campaign, make_prisoner):
    # Spanish and English only: Dutch falls back to Spanish (settings' fallback order es, en, nl).
    return make_prisoner(name="Ana Ejemplo", slug="ana", summary_nl="")


@pytest.mark.parametrize(("language", "expected"), [("es", "es"), ("en", "en"), ("nl", "es")])
def test_it_knows_which_language_a_value_came_from(ana, language, expected):
    with translation.override(language):
        assert value_language(ana, "story") == expected
        assert fallback_language(ana, "story") == ("" if expected == language else expected)


def test_it_follows_the_fallback_order_past_an_empty_language(ana):
    ana.story_es = ""
    with translation.override("nl"):
        assert value_language(ana, "story") == "en"
        assert ana.story == ana.story_en  # agrees with modeltranslation itself


def test_it_finds_no_language_when_every_translation_is_empty(ana):
    ana.held_at_es = ana.held_at_nl = ana.held_at_en = ""
    with translation.override("nl"):
        assert value_language(ana, "held_at") is None
        assert fallback_language(ana, "held_at") == ""


def test_it_marks_a_fallen_back_story_and_summary_on_the_prisoner_page(client, ana):
    html = client.get("/nl/prisoners/ana/").content.decode()
    assert '<div class="rich-text" lang="es"><p>Historia' in html
    assert '<p class="lead" lang="es">Resumen' in html
    assert html.count("Alleen beschikbaar in het Spaans") == 2


def test_it_adds_no_note_where_the_translation_exists(client, ana):
    html = client.get("/en/prisoners/ana/").content.decode()
    assert "Only available in" not in html
    assert '<div class="rich-text"><p>Story' in html


def test_it_marks_a_fallen_back_summary_on_the_home_page_card(client, ana):
    html = client.get("/nl/").content.decode()
    assert '<p lang="es">Resumen' in html and "Alleen beschikbaar in het Spaans" in html


def test_it_marks_a_fallen_back_news_update(client, ana):
    Update.objects.create(
        prisoner=ana, published_on=date(2024, 1, 1), title_en="News", body_en="<p>Body</p>"
    )
    html = client.get("/es/prisoners/ana/").content.decode()
    assert '<h3 lang="en">News</h3>' in html
    assert '<div class="rich-text" lang="en"><p>Body</p></div>' in html
    assert "Solo disponible en inglés" in html


def test_it_marks_a_fallen_back_story_in_the_public_report(client, ana, settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    response = client.get("/nl/report.pdf")
    pdf = b"".join(response.streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Historia" in text
    assert "Alleen beschikbaar in het Spaans" in text
