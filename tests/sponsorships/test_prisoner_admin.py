"""The prisoners' admin, with their monthly sponsors for those who may see them
(sponsorships.admin.PrisonerWithSponsorsAdmin)."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donors.models import Donor
from sponsorships.models import Sponsorship
from tests.prisoners.test_admin import _change, _new_prisoner


@pytest.fixture
def sponsored(make_prisoner):
    """Ana has two active sponsors (€15 and €25 a month), one pending and one cancelled;
    Ben has none."""
    ana = make_prisoner(name="Ana Ejemplo")
    ben = make_prisoner(name="Ben Ejemplo")
    for n, (amount, status) in enumerate(
        [("15.00", "active"), ("25.00", "active"), ("50.00", "pending"), ("70.00", "cancelled")]
    ):
        donor = Donor.objects.create(email=f"sponsor{n}@example.org")
        Sponsorship.objects.create(
            donor=donor, prisoner=ana, amount=amount, provider="demo", method="ideal", status=status
        )
    return ana, ben


def _rows(html: str) -> dict[str, str]:
    """Each prisoner's row in the changelist, as text, by name."""
    rows = re.findall(r"<tr>.*?</tr>", html, re.DOTALL)
    text = {re.sub(r"<[^>]+>", " ", row) for row in rows}
    return {name: " ".join(t.split()) for t in text for name in re.findall(r"\w+ Ejemplo", t)}


def test_it_shows_a_treasurer_each_prisoners_sponsors_and_monthly_pledge(
    client, treasurer, sponsored
):
    ana, ben = sponsored
    client.force_login(treasurer)
    html = client.get(reverse("admin:prisoners_prisoner_changelist")).content.decode()
    assert "active sponsors" in html.lower() and "pledged per month" in html.lower()
    rows = _rows(html)
    # Next to the situation: visible without scrolling sideways.
    assert re.search(r"^Ana Ejemplo \w[\w ]* 2 €40\.00 ", rows["Ana Ejemplo"])
    assert re.search(r"^Ben Ejemplo \w[\w ]* 0 €0\.00 ", rows["Ben Ejemplo"])
    # The count opens the sponsorships behind it.
    assert f"?prisoner__id__exact={ana.pk}&amp;status__exact=active" in html


def test_it_shows_the_sponsors_on_the_prisoners_page_read_only(client, treasurer, sponsored):
    ana, _ben = sponsored
    client.force_login(treasurer)
    html = client.get(_change(ana)).content.decode()
    assert "Monthly sponsors" in html
    assert re.search(r"Active sponsors:.*?>2</a>", html, re.DOTALL)
    assert re.search(r"Pledged per month:.*?€40.00", html, re.DOTALL)
    assert 'name="active_sponsors_column"' not in html


def test_it_shows_an_editor_no_sponsors_or_amounts(client, editor, sponsored):
    ana, _ben = sponsored
    client.force_login(editor)
    listing = client.get(reverse("admin:prisoners_prisoner_changelist")).content.decode()
    page = client.get(_change(ana)).content.decode()
    for html in (listing, page):
        assert "pledged per month" not in html.lower() and "€40.00" not in html


def test_the_prisoner_list_runs_the_same_queries_for_2_and_22_prisoners(
    client, treasurer, sponsored, make_prisoner, django_assert_num_queries
):
    url = reverse("admin:prisoners_prisoner_changelist")
    client.force_login(treasurer)
    client.get(url)  # the session and content types, once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(20):
        prisoner = make_prisoner()
        donor = Donor.objects.create(email=f"more{n}@example.org")
        Sponsorship.objects.create(
            donor=donor,
            prisoner=prisoner,
            amount="5.00",
            provider="demo",
            method="ideal",
            status="active",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("€5.00") == 20


def test_a_superuser_still_saves_a_story_beside_the_sponsor_figures(client, sponsored):
    ana, _ben = sponsored
    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(root)
    data = _new_prisoner(name=ana.name, slug=ana.slug, summary_es="Nuevo resumen")
    data.pop("payment_reference")  # published: read-only
    response = client.post(_change(ana), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ana.refresh_from_db()
    assert ana.summary_es == "Nuevo resumen"
    assert Sponsorship.objects.filter(prisoner=ana).count() == 4
