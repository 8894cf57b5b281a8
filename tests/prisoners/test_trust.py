"""The registration details Dutch donors look for: ANBI, RSIN, KvK, address and board."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from prisoners.models import BoardMember, BoardRole, Campaign, CbfStatus


@pytest.fixture
def registered(campaign) -> Campaign:
    campaign.is_anbi = True
    campaign.anbi_since = date(2021, 1, 1)
    campaign.rsin = "123456789"
    campaign.kvk_number = "87654321"
    campaign.postal_address = "Voorbeeldstraat 1\n1234 AB Voorbeeldstad"
    campaign.cbf_status = CbfStatus.RECOGNISED
    campaign.save()
    BoardMember.objects.create(campaign=campaign, name="Rosa Voorzitter", role="chair", order=1)
    BoardMember.objects.create(campaign=campaign, name="Tomás Tesorero", role="treasurer", order=2)
    return campaign


@pytest.mark.parametrize(
    ("field", "value"),
    [("rsin", "12345678"), ("rsin", "12345678A"), ("kvk_number", "1234567"), ("kvk_number", "x")],
)
def test_it_refuses_a_registration_number_of_the_wrong_shape(campaign, field, value):
    setattr(campaign, field, value)
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert field in error.value.message_dict


def test_it_refuses_an_anbi_date_without_anbi_status(campaign):
    campaign.anbi_since = date(2021, 1, 1)
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "anbi_since" in error.value.message_dict


@pytest.mark.parametrize("path", ["/nl/", "/nl/donate/", "/nl/where-the-money-went/"])
def test_it_shows_the_registration_in_the_footer_and_on_the_donate_page(client, registered, path):
    html = client.get(path).content.decode()
    assert "123456789" in html and "87654321" in html
    assert "Voorbeeldstraat 1<br>1234 AB Voorbeeldstad" in html
    assert "Rosa Voorzitter" in html and "Tomás Tesorero" in html
    assert "ANBI" in html


def test_it_repeats_the_registration_in_one_line_on_the_donate_page(client, registered):
    html = client.get("/en/donate/").content.decode()
    assert html.count("123456789") == 2 and html.count("87654321") == 2
    assert '<p class="trust-line"><strong>Registered charity (ANBI)' in html
    assert html.count('class="trust-title"') == 1  # the footer's heading only


def test_it_names_board_roles_in_the_page_language(client, registered):
    # Roles are choices, so the editor never translates them; English is the msgid here.
    html = client.get("/en/").content.decode()
    assert "Rosa Voorzitter, chair" in html and "Tomás Tesorero, treasurer" in html


def test_it_shows_no_registration_block_before_anything_is_filled_in(client, campaign):
    html = client.get("/en/").content.decode()
    assert 'id="trust-footer"' not in html


def test_it_fills_plausible_but_fake_registration_details_in_the_demo(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    campaign = Campaign.objects.get()
    campaign.full_clean()
    assert campaign.is_anbi and campaign.rsin == "000000000" and campaign.kvk_number == "00000000"
    roles = list(campaign.board_members.values_list("role", flat=True))
    assert roles == [BoardRole.CHAIR, BoardRole.SECRETARY, BoardRole.TREASURER]


def test_it_lets_an_editor_change_the_registration_and_board(client, editor, registered):
    client.force_login(editor)
    url = f"/admin/prisoners/campaign/{registered.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: (value if value is not None else "")
        for name, value in form.initial.items()
        if name in form.fields
    }
    members = list(registered.board_members.all())
    data.update(
        {
            "is_anbi": "on",
            "anbi_since": "2022-02-01",
            "rsin": "000000000",
            "cbf_status": "",
            "board_members-TOTAL_FORMS": "3",
            "board_members-INITIAL_FORMS": "2",
            "board_members-0-id": members[0].pk,
            "board_members-0-campaign": registered.pk,
            "board_members-0-name": "Rosa Voorzitter",
            "board_members-0-role": "chair",
            "board_members-0-order": "1",
            "board_members-1-id": members[1].pk,
            "board_members-1-campaign": registered.pk,
            "board_members-1-name": "Tomás Tesorero",
            "board_members-1-role": "treasurer",
            "board_members-1-order": "2",
            "board_members-1-DELETE": "on",
            "board_members-2-campaign": registered.pk,
            "board_members-2-name": "Lucía Secretaria",
            "board_members-2-role": "secretary",
            "board_members-2-order": "3",
        }
    )
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    registered.refresh_from_db()
    assert registered.anbi_since == date(2022, 2, 1) and registered.rsin == "000000000"
    assert sorted(registered.board_members.values_list("name", flat=True)) == [
        "Lucía Secretaria",
        "Rosa Voorzitter",
    ]


def test_it_lets_a_treasurer_read_but_not_change_the_board(client, treasurer, registered):
    client.force_login(treasurer)
    page = client.get(f"/admin/prisoners/campaign/{registered.pk}/change/")
    assert page.status_code == 200
    assert "Rosa Voorzitter" in page.content.decode()
    assert treasurer.has_perm("prisoners.view_boardmember")
    assert not treasurer.has_perm("prisoners.change_boardmember")
