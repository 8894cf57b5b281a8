"""The foundation's countersignature: a page that shows the agreement's terms and the name
that will sign, then one click. The signature carries the staff member's full name, never
their login name; only those allowed to countersign, with their second factor, reach it."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from agreements.models import PeriodicGiftAgreement
from tests.agreements.conftest import pdf_text
from tests.agreements.helpers import agreement_signed
from tests.conftest import _staff, confirmed_totp
from tests.staff.conftest import password_login

YEAR = timezone.localdate().year
Status = PeriodicGiftAgreement.Status


@pytest.fixture
def signed(anbi):
    return agreement_signed(
        first_year=YEAR, partner_name="Bart de Vries", partner_email="bart@example.org"
    )


def _url(agreement) -> str:
    return reverse("admin:agreements_countersign", args=[agreement.pk])


def _unsigned(agreement) -> bool:
    agreement.refresh_from_db()
    return agreement.status == Status.PARTNER_SIGNED and not agreement.signatures.filter(
        role="foundation"
    )


def test_it_shows_the_terms_and_who_signs_and_a_visit_signs_nothing(client, treasurer, signed):
    client.force_login(treasurer)
    response = client.get(_url(signed))
    assert response.status_code == 200
    html = response.content.decode()
    for term in (
        signed.number,
        "Camila Andrea Rojas Pérez",
        "Bart de Vries",
        "1,200.50",
        "one thousand two hundred euros and fifty cents",
        "5 years",
        f"{YEAR} to {YEAR + 4}",
        "By bank transfer",
        "851954534",
        signed.terms_pdf_sha256,
        reverse("admin:agreements_document", args=[signed.pk, "terms"]),
    ):
        assert term in html, term
    assert "Ana Tesorera" in html
    assert 'value="Countersign for the foundation"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert _unsigned(signed)


def test_one_click_signs_with_the_staff_members_full_name(client, treasurer, signed):
    client.force_login(treasurer)
    response = client.post(_url(signed), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:agreements_periodicgiftagreement_change", args=[signed.pk]
    )
    assert "Countersigned" in response.content.decode()
    signed.refresh_from_db()
    assert signed.status == Status.COUNTERSIGNED
    signature = signed.signatures.get(role="foundation")
    assert (signature.name, signature.user) == ("Ana Tesorera", treasurer)
    text = " ".join(pdf_text(signed.document_bytes("final")).split())
    assert "Ana Tesorera" in text
    # A second click (another tab) signs nothing more.
    client.post(_url(signed))
    assert signed.signatures.filter(role="foundation").count() == 1


def test_it_refuses_a_staff_member_without_a_full_name_and_says_where_to_set_it(client, signed):
    nameless = _staff("penningmeester", "Treasurers")
    confirmed_totp(nameless)
    client.force_login(nameless)
    html = client.get(_url(signed)).content.decode()
    assert "has no full name" in html
    assert "first name and last name" in html
    assert "penningmeester" in html
    assert 'value="Countersign for the foundation"' not in html
    response = client.post(_url(signed), follow=True)
    assert "has no full name" in response.content.decode()
    assert _unsigned(signed)


def test_it_links_a_superuser_without_a_name_to_their_account(client, signed):
    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(root)
    html = client.get(_url(signed)).content.decode()
    assert reverse("admin:auth_user_change", args=[root.pk]) in html


def test_it_lets_a_superuser_with_a_name_countersign(client, signed):
    root = User.objects.create_superuser(
        "root", password="pw-for-tests-only", first_name="Rosa", last_name="Admin"
    )
    client.force_login(root)
    assert client.get(_url(signed)).status_code == 200
    client.post(_url(signed))
    assert signed.signatures.get(role="foundation").name == "Rosa Admin"


@pytest.mark.parametrize("role", ["editor", "outsider", "clerk"])
def test_it_refuses_everyone_who_may_not_countersign(client, signed, request, role):
    if role == "clerk":
        # Sees and links agreements, but may not sign for the foundation.
        user = _staff("clerk", None)
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_periodicgiftagreement", "change_periodicgiftagreement"]
            )
        )
        user.first_name, user.last_name = "Carla", "Clerk"
        user.save()
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(_url(signed)).status_code == 403
    assert client.post(_url(signed)).status_code == 403
    assert _unsigned(signed)


def test_it_needs_the_csrf_token(treasurer, signed):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(treasurer)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp(treasurer).persistent_id
    session.save()
    assert browser.get(_url(signed)).status_code == 200
    assert browser.post(_url(signed)).status_code == 403
    assert _unsigned(signed)


def test_it_needs_the_second_factor(client, treasurer, signed):
    password_login(client, "treasurer")
    for response in (client.get(_url(signed)), client.post(_url(signed))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:verify"))
    assert _unsigned(signed)


def test_it_explains_an_agreement_that_is_not_ready(client, treasurer, anbi, make_agreement):
    draft = make_agreement(notify=False, language="en")
    client.force_login(treasurer)
    html = client.get(_url(draft)).content.decode()
    assert "not ready to countersign" in html
    assert 'value="Countersign for the foundation"' not in html
    client.post(_url(draft))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and not draft.signatures.exists()


def test_the_change_page_leads_to_it_and_the_list_signs_nothing(client, treasurer, signed):
    client.force_login(treasurer)
    change = reverse("admin:agreements_periodicgiftagreement_change", args=[signed.pk])
    assert _url(signed) in client.get(change).content.decode()
    changelist = reverse("admin:agreements_periodicgiftagreement_changelist")
    html = client.get(changelist).content.decode()
    assert 'value="countersign"' not in html
    client.post(changelist, {"action": "countersign", "_selected_action": [signed.pk]})
    assert _unsigned(signed)
