"""The campaign's goal and each prisoner's goal and monthly need, typed as people type them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from prisoners.models import Prisoner

ADD = reverse("admin:prisoners_prisoner_add")


def _new_prisoner(**overrides) -> dict:
    data = {
        "name": "Nuevo Ejemplo",
        "slug": "nuevo",
        "summary_es": "Resumen",
        "story_es": "<p>Historia</p>",
        "situation": "awaiting_trial",
        "payment_reference": "DSNEW4",
        "order": "1",
        "consent_given_by": "Madre",
        "consent_given_on": "2021-03-01",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _as_the_browser_sends(response) -> dict:
    """Every field of the change form as it was shown (amounts as the reader types them)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        forms += formset.initial_forms
    for form in forms:
        for bound in form:
            value = bound.field.prepare_value(bound.value())
            if value is True:
                data[bound.html_name] = "on"
            elif value not in (None, False):
                data[bound.html_name] = str(value)
    return data


@pytest.mark.parametrize(
    ("language", "goal", "need"),
    [("nl", "1.500,50", "250,25"), ("en", "1,500.50", "250.25"), ("es", "€ 1.500,50", "250,25")],
)
def test_it_reads_a_prisoners_goal_and_monthly_need_as_typed(
    client, editor, campaign, language, goal, need
):
    client.force_login(editor)
    response = client.post(
        ADD, _new_prisoner(goal=goal, monthly_need=need), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    prisoner = Prisoner.objects.get(slug="nuevo")
    assert (prisoner.goal, prisoner.monthly_need) == (Decimal("1500.50"), Decimal("250.25"))


def test_it_refuses_an_unclear_goal_and_adds_no_prisoner(client, editor, campaign):
    client.force_login(editor)
    response = client.post(ADD, _new_prisoner(goal="1,500"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert "kun je op meer dan één manier lezen" in response.content.decode()
    assert not Prisoner.objects.exists()


@pytest.mark.parametrize(("language", "shown"), [("nl", "10000,00"), ("en", "10000.00")])
def test_it_keeps_the_campaigns_goal_through_a_save_in_any_language(
    client, editor, campaign, language, shown
):
    client.force_login(editor)
    url = reverse("admin:prisoners_campaign_change", args=[campaign.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert 'inputmode="decimal"' in page.content.decode()
    data = _as_the_browser_sends(page)
    assert data["goal"] == shown
    assert client.post(url, data, HTTP_ACCEPT_LANGUAGE=language).status_code == 302
    data["goal"] = "12.345,60" if language == "nl" else "12,345.60"
    assert client.post(url, data, HTTP_ACCEPT_LANGUAGE=language).status_code == 302
    campaign.refresh_from_db()
    assert campaign.goal == Decimal("12345.60")
