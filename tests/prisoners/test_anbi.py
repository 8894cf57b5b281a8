"""The foundation's public ANBI page, and the check that lists what it still lacks."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from prisoners.anbi import (
    BOARD,
    REQUIRED_FIELDS,
    REQUIRED_TRANSLATED,
    MissingField,
    anbi_missing_fields,
)
from prisoners.checks import anbi_publication_complete
from prisoners.models import BoardMember, Campaign

LANGS = ("es", "nl", "en")
TEXTS = {
    "public_name": {"es": "Diáspora Solidaria", "nl": "Diaspora Solidair", "en": "Diaspora United"},
    "purpose": {"es": "<p>Fin: apoyar</p>", "nl": "<p>Doel: steunen</p>", "en": "<p>Aim: help</p>"},
    "policy_plan": {"es": "<p>Plan ES</p>", "nl": "<p>Plan NL</p>", "en": "<p>Plan EN</p>"},
    "remuneration_policy": {
        "es": "<p>Sin sueldo</p>",
        "nl": "<p>Geen beloning</p>",
        "en": "<p>No pay</p>",
    },
    "activities_report": {
        "es": "<p>Apoyamos a siete</p>",
        "nl": "<p>We steunden zeven</p>",
        "en": "<p>We supported seven</p>",
    },
}
EVERY_REQUIRED = [
    *[MissingField(name) for name in REQUIRED_FIELDS],
    *[MissingField(name, code) for name in REQUIRED_TRANSLATED for code in LANGS],
    MissingField(BOARD),
]


@pytest.fixture
def complete(campaign) -> Campaign:
    campaign.is_anbi = True
    campaign.anbi_since = date(2021, 1, 1)
    campaign.rsin = "123456789"
    campaign.kvk_number = "87654321"
    campaign.visiting_address = "Plein 2\n1234 AC Stad"
    campaign.postal_address = "Postbus 1\n1234 AA Stad"
    campaign.contact_email = "info@example.org"
    campaign.phone = "+31 6 12345678"
    for name, values in TEXTS.items():
        for code in LANGS:
            setattr(campaign, f"{name}_{code}", values[code])
    campaign.save()
    BoardMember.objects.create(campaign=campaign, name="Rosa Voorzitter", role="chair", order=1)
    BoardMember.objects.create(campaign=campaign, name="Tomás Tesorero", role="treasurer", order=2)
    return campaign


def _empty(campaign: Campaign, missing: MissingField) -> None:
    if missing.field == BOARD:
        campaign.board_members.all().delete()
        return
    name = f"{missing.field}_{missing.language}" if missing.language else missing.field
    # The rich-text editor leaves "<p></p>" behind; that counts as empty too.
    setattr(campaign, name, "<p></p>" if missing.language else "")
    campaign.save()


@pytest.mark.parametrize("lang", LANGS)
def test_it_renders_the_page_with_each_languages_content(client, complete, lang):
    response = client.get(f"/{lang}/anbi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for values in TEXTS.values():
        assert values[lang] in html
        assert all(values[other] not in html for other in LANGS if other != lang)
    assert "123456789" in html and "87654321" in html
    assert "Plein 2<br>1234 AC Stad" in html and "Postbus 1<br>1234 AA Stad" in html
    assert 'href="mailto:info@example.org"' in html and 'href="tel:+31612345678"' in html
    assert "Rosa Voorzitter" in html and "Tomás Tesorero" in html


def test_it_falls_back_to_another_language_and_says_so(client, complete):
    complete.purpose_nl = "<p></p>"
    complete.save()
    html = client.get("/nl/anbi/").content.decode()
    assert '<div class="rich-text" lang="es"><p>Fin: apoyar</p></div>' in html
    assert "Alleen beschikbaar in het Spaans" in html  # the note, in the page's language


def test_it_leaves_out_a_part_nobody_wrote_in_any_language(client, complete):
    for code in LANGS:
        setattr(complete, f"remuneration_policy_{code}", "")
    complete.save()
    html = client.get("/en/anbi/").content.decode()
    assert "Remuneration policy" not in html
    assert "Report of activities" in html


def test_it_stores_rich_text_sanitised(client, complete):
    complete.purpose_en = '<p onclick="x()">Aim<script>alert(1)</script></p><img src=x>'
    complete.save()
    complete.refresh_from_db()
    assert complete.purpose_en == "<p>Aim</p>"
    html = client.get("/en/anbi/").content.decode()
    assert "alert(1)" not in html and "onclick" not in html


def test_it_lists_the_closed_years_statements_and_not_the_open_year(
    client, complete, make_donation
):
    this_year = timezone.localdate().year
    html = client.get("/en/anbi/").content.decode()
    assert "financial-statements/" not in html
    assert "once the first year has closed" in html
    make_donation("10.00", received_on=date(this_year - 2, 3, 1))
    make_donation("10.00", received_on=date(this_year, 3, 1))
    html = client.get("/en/anbi/").content.decode()
    for year in (this_year - 1, this_year - 2):
        assert f'href="/en/anbi/financial-statements/{year}.pdf"' in html
    assert f"financial-statements/{this_year}.pdf" not in html


def test_it_is_linked_from_every_pages_footer(client, complete):
    html = client.get("/nl/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/nl/anbi/"' in footer


def test_it_is_in_the_sitemap(client, complete):
    xml = client.get("/sitemap.xml").content.decode()
    assert all(f"/{code}/anbi/</loc>" in xml for code in LANGS)


def test_it_finds_nothing_missing_once_everything_is_filled_in(complete):
    assert anbi_missing_fields(complete) == []
    assert anbi_publication_complete(None, databases=["default"]) == []


def test_it_lists_everything_before_a_campaign_exists(db):
    # The foundation's name has a default; everything else is still to be written.
    expected = [m for m in EVERY_REQUIRED if m.field != "foundation_name"]
    assert anbi_missing_fields(None) == expected


@pytest.mark.parametrize("missing", EVERY_REQUIRED, ids=lambda m: f"{m.field}-{m.language}")
def test_the_check_flags_each_missing_field(complete, missing):
    _empty(complete, missing)
    assert anbi_missing_fields(Campaign.objects.get()) == [missing]
    [warning] = anbi_publication_complete(None, databases=["default"])
    assert warning.id == "crowdfund.W001" and warning.level == 30  # a Warning
    assert missing.label in warning.msg
    if missing.language:
        language = {"es": "Spanish", "nl": "Dutch", "en": "English"}[missing.language]
        assert warning.msg.count(f" in {language}") == 1


def test_the_check_reads_the_database_only_when_asked_to(db):
    # `manage.py check` without --database: like Django's own database checks, it stays quiet.
    assert anbi_publication_complete(None, databases=None) == []
    assert anbi_publication_complete(None, databases=["default"])


def test_the_admin_home_warns_the_editor_until_everything_is_filled_in(client, editor, complete):
    complete.policy_plan_nl = ""
    complete.rsin = ""
    complete.save()
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "The ANBI page is not complete." in html
    assert "<li>RSIN</li>" in html and "<li>Policy plan, main points in Dutch</li>" in html
    assert reverse("admin:prisoners_campaign_change", args=[complete.pk]) in html
    complete.policy_plan_nl = "<p>Plan NL</p>"
    complete.rsin = "123456789"
    complete.save()
    assert (
        "The ANBI page is not complete." not in client.get(reverse("admin:index")).content.decode()
    )


def test_the_banner_is_for_those_who_can_fill_the_fields_in(client, treasurer, campaign):
    client.force_login(treasurer)  # may view the campaign, not change it
    html = client.get(reverse("admin:index")).content.decode()
    assert "The ANBI page is not complete." not in html


def _as_posted(response) -> dict:
    """What the browser would send back for the change form as it was rendered."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        # The existing rows only: an empty extra row is what a browser leaves untouched.
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        forms += formset.initial_forms
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is True:
                data[bound.html_name] = "on"
            elif value not in (None, False):
                data[bound.html_name] = str(value)
    return data


def test_an_editor_fills_the_anbi_publication_in_the_admin(client, editor, complete):
    client.force_login(editor)
    url = reverse("admin:prisoners_campaign_change", args=[complete.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ANBI publication" in html and 'name="purpose_nl"' in html
    assert "The name people know the foundation by" in html  # help for the editor
    data = _as_posted(page)
    data["purpose_nl"] = "<p>Nieuw doel</p>"
    response = client.post(url, data)
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.purpose_nl == "<p>Nieuw doel</p>"
    assert complete.board_members.count() == 2


def test_the_admin_adds_a_campaign_with_its_anbi_fields_when_there_is_none(client, db):
    user = User.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(user)
    response = client.get(reverse("admin:prisoners_campaign_add"))
    assert response.status_code == 200
    assert 'name="remuneration_policy_es"' in response.content.decode()


def test_the_demo_fills_every_anbi_field_and_a_closed_year(client, db):
    call_command("load_demo", verbosity=0)
    campaign = Campaign.objects.get()
    assert anbi_missing_fields(campaign) == []
    assert campaign.visiting_address and campaign.phone
    html = client.get("/es/anbi/").content.decode()
    last_year = timezone.localdate().year - 1
    assert f"/es/anbi/financial-statements/{last_year}.pdf" in html
    assert "Diáspora Solidaria" in html
