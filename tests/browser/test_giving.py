import re
from decimal import Decimal

import pytest

from ledger.models import Donation
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _raised(page) -> Decimal:
    text = page.locator(".hero .progress-figures strong").inner_text()  # "€ 1.234,50"
    return Decimal(re.sub(r"[^\d,]", "", text).replace(",", "."))


def test_it_takes_a_donor_from_a_story_to_a_paid_gift(page, demo_site):
    page.goto(demo_site.url + "/es/")
    before = _raised(page)

    page.get_by_role("link", name="Diego Demo").click()
    page.get_by_role("link", name="Apoyar a Diego Demo").click()
    assert page.get_by_label("¿Para quién es tu aporte?").input_value() == "diego-demo"
    page.get_by_label("Otro monto (EUR)").fill("17,25")
    page.get_by_label("Tu nombre").fill("Pía")
    page.get_by_label("Correo para tu comprobante").fill("pia@example.org")
    page.get_by_label("Pago de demostración (sin dinero real)").check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Continuar al pago").click()

    assert page.get_by_text("Este es un pago simulado").is_visible()
    page.get_by_role("button", name="Pagar").click()

    assert page.get_by_role("heading", name="¡Gracias!").is_visible()
    assert page.get_by_text("€ 17,25").first.is_visible()
    page.get_by_role("link", name="Volver a la campaña").click()
    assert _raised(page) - before == Decimal("17.25")
    donation = Donation.objects.get(donor_email="pia@example.org")
    assert donation.status == Donation.Status.PAID and donation.prisoner.slug == "diego-demo"
    assert page.csp_errors == []


def test_it_shows_validation_messages_next_to_the_fields(page, demo_site):
    page.goto(demo_site.url + "/en/donate/")
    before = Donation.objects.count()
    page.get_by_label("Another amount (EUR)").fill("2")
    page.get_by_label("Email for your receipt").fill("not-an-email")
    page.get_by_role("button", name="Continue to payment").click()
    assert page.get_by_role("alert").is_visible()
    amount = page.get_by_label("Another amount (EUR)")
    assert amount.input_value() == "2"
    assert amount.get_attribute("aria-invalid") == "true"
    # Next to each field, and all of them again in the summary at the top, as links.
    next_to = {
        "#id_other_amount_error": "Give between €5.00 and €10,000.00 online",
        "#id_donor_email_error": "Enter a valid email address.",
        "#id_donor_name_error": "Give your name, or tick",
    }
    for error_id, text in next_to.items():
        assert text in page.locator(error_id).inner_text()
        assert page.locator(".error-summary a", has_text=text).is_visible()
    assert Donation.objects.count() == before


@pytest.mark.parametrize("state", ["form", "form-errors", "demo", "thanks-paid", "thanks-failed"])
def test_the_giving_pages_have_no_accessibility_violations(axe_page, demo_site, state):
    base = demo_site.url + "/nl/donate/"
    axe_page.goto(base)
    if state != "form":
        if state != "form-errors":
            axe_page.get_by_label("Je naam").fill("Jan")
            axe_page.get_by_label("E-mail voor je ontvangstbewijs").fill("jan@example.org")
            axe_page.get_by_label("Demobetaling (geen echt geld)").check()
            axe_page.locator("input[name=consent]").check()
        axe_page.get_by_role("button", name="Verder naar betalen").click()
    if state.startswith("thanks"):
        name = "Betalen" if state == "thanks-paid" else "Laten mislukken"
        axe_page.get_by_role("button", name=name).click()
    assert axe_violations(axe_page) == []


def _sponsor(page, url: str, name: str, email: str):
    page.goto(url)
    page.locator("input[name=donor_name]").fill(name)
    page.locator("input[name=donor_email]").fill(email)
    page.locator("input[name=method][value=demo]").check()
    page.locator("input[name=consent]").check()
    page.locator("form.donate-form button[type=submit]").last.click()


def test_a_phone_sponsor_is_thanked_for_the_sponsorship(page, demo_site):
    page.set_viewport_size({"width": 390, "height": 844})
    _sponsor(
        page,
        f"{demo_site.url}/en/donate/?frequency=monthly&prisoner=diego-demo",
        "Pía",
        "pia@example.org",
    )
    assert page.get_by_text("The first month of a sponsorship of €15.00 a month").is_visible()
    page.get_by_role("button", name="Pay").click()
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    assert page.get_by_text("You now sponsor Diego Demo with €15.00 a month.").is_visible()
    assert page.get_by_text("a welcome email with a link to stop your sponsorship").is_visible()
    assert page.get_by_text("Your gift of").count() == 0
    assert page.csp_errors == []


@pytest.mark.parametrize("outcome", ["paid", "failed"])
def test_a_sponsorships_thank_you_page_has_no_accessibility_violations(
    axe_page, demo_site, outcome
):
    _sponsor(
        axe_page,
        f"{demo_site.url}/nl/donate/?frequency=monthly&prisoner=diego-demo",
        "Jan",
        "jan@example.org",
    )
    axe_page.locator(f"button[value={outcome}]").click()
    axe_page.wait_for_url("**/thanks/**")
    assert axe_violations(axe_page) == []
