from datetime import date

import pytest
from django.urls import reverse

from prisoners.models import Prisoner

STORY_ADMIN = [
    "admin:prisoners_prisoner_changelist",
    "admin:prisoners_prisoner_add",
    "admin:prisoners_update_changelist",
]


@pytest.mark.parametrize("url_name", STORY_ADMIN)
def test_it_lets_an_editor_edit_stories(client, editor, campaign, url_name):
    client.force_login(editor)
    assert client.get(reverse(url_name)).status_code == 200


def test_it_lets_an_editor_change_the_campaign_but_not_add_a_second(client, editor, campaign):
    client.force_login(editor)
    change = reverse("admin:prisoners_campaign_change", args=[campaign.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:prisoners_campaign_add")).status_code == 403


@pytest.mark.parametrize("user_fixture", ["outsider"])
def test_it_keeps_outsiders_out_of_the_stories(client, request, campaign, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("admin:prisoners_prisoner_changelist")).status_code == 403


def test_it_saves_a_story_written_in_the_admin(client, editor, campaign):
    client.force_login(editor)
    response = client.post(
        reverse("admin:prisoners_prisoner_add"),
        {
            "name": "Nuevo Ejemplo",
            "slug": "nuevo",
            "summary_es": "Resumen",
            "summary_nl": "",
            "summary_en": "",
            "story_es": "<p>Texto <strong>fuerte</strong></p><script>x()</script>",
            "situation": "awaiting_trial",
            "goal": "1500.00",
            "payment_reference": "DSNEW1",
            "order": "1",
            "consent_given_by": "Madre",
            "consent_given_on": "2021-03-01",
            "is_published": "on",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    prisoner = Prisoner.objects.get(slug="nuevo")
    assert prisoner.is_published
    assert "<strong>fuerte</strong>" in prisoner.story_es
    assert "script" not in prisoner.story_es


def test_it_refuses_to_publish_without_consent_in_the_admin(client, editor, campaign):
    client.force_login(editor)
    response = client.post(
        reverse("admin:prisoners_prisoner_add"),
        {
            "name": "Sin Consentimiento",
            "slug": "sin",
            "summary_es": "Resumen",
            "situation": "awaiting_trial",
            "goal": "1500.00",
            "payment_reference": "DSNEW2",
            "order": "1",
            "is_published": "on",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Record who gave consent" in response.content.decode()
    assert not Prisoner.objects.filter(slug="sin").exists()


def test_it_publishes_only_prisoners_with_consent_from_the_list(client, editor, make_prisoner):
    with_consent = make_prisoner(is_published=False)
    without = make_prisoner(is_published=False, consent_given_by="", consent_given_on=None)
    client.force_login(editor)
    client.post(
        reverse("admin:prisoners_prisoner_changelist"),
        {"action": "publish", "_selected_action": [with_consent.pk, without.pk]},
    )
    with_consent.refresh_from_db()
    without.refresh_from_db()
    assert with_consent.is_published
    assert not without.is_published


def test_it_freezes_the_reference_once_published(client, editor, make_prisoner):
    prisoner = make_prisoner(consent_given_on=date(2021, 1, 1))
    client.force_login(editor)
    html = client.get(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk])).content
    assert b'name="payment_reference"' not in html
    assert prisoner.payment_reference.encode() in html
