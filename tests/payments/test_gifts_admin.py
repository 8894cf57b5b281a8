from decimal import Decimal

import pytest
from django.urls import reverse

from donors.models import Donor
from ledger.models import Donation

# The donation page shows its refunds and history as inlines; Django wants their counts.
INLINES = {
    f"{prefix}-{field}": "0"
    for prefix in ("refunds", "status_changes")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}

MONEY_ADMIN = [
    "admin:ledger_donation_changelist",
    "admin:ledger_donation_add",
    "admin:payments_paymentevent_changelist",
]


@pytest.mark.parametrize("url_name", MONEY_ADMIN)
@pytest.mark.parametrize("user_fixture", ["editor", "outsider"])
def test_it_hides_donations_from_editors_and_outsiders(client, db, request, user_fixture, url_name):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse(url_name)).status_code == 403


def test_it_leaves_donations_off_the_editors_admin_index(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "/admin/ledger/donation/" not in html
    assert "/admin/prisoners/prisoner/" in html


def test_it_shows_donations_to_a_treasurer(client, treasurer, make_donation):
    make_donation("12.34", donor_name="Visible To Treasurer")
    client.force_login(treasurer)
    response = client.get(reverse("admin:ledger_donation_changelist"))
    assert response.status_code == 200
    assert "Visible To Treasurer" in response.content.decode()


def test_it_shows_the_payment_audit_trail_to_a_treasurer(client, treasurer):
    client.force_login(treasurer)
    url = reverse("admin:payments_paymentevent_changelist")
    assert client.get(url).status_code == 200


def test_it_lets_a_treasurer_record_a_bank_transfer_by_hand(client, treasurer, make_prisoner):
    prisoner = make_prisoner()
    client.force_login(treasurer)
    response = client.post(
        reverse("admin:ledger_donation_add"),
        {
            "amount": "40.00",
            "received_on": "2024-03-05",
            "method": "bank_transfer",
            "prisoner": prisoner.pk,
            "purpose": "legal_defense",
            "status": "paid",
            "donor_name": "Maria",
            "donor_email": "",
            "note": "Statement line 12",
            **INLINES,
        },
    )
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.amount == Decimal("40.00")
    assert donation.provider == Donation.Provider.MANUAL
    assert donation.paid_at is not None
    assert donation.prisoner == prisoner
    change = donation.status_changes.get()
    assert (change.to_status, change.source) == ("paid", "admin")


@pytest.mark.parametrize(
    ("email", "anonymous", "name"),
    [("Maria@Example.org", "", "Maria"), ("maria@example.org", "on", ""), ("", "", None)],
)
def test_a_gift_typed_in_by_hand_joins_the_donor_of_its_email(
    client, treasurer, email, anonymous, name
):
    client.force_login(treasurer)
    data = {
        "amount": "40.00",
        "received_on": "2024-03-05",
        "method": "cash",
        "status": "paid",
        "donor_name": "Maria",
        "donor_email": email,
        **INLINES,
    }
    if anonymous:
        data["is_anonymous"] = anonymous
    assert client.post(reverse("admin:ledger_donation_add"), data).status_code == 302
    donor = Donation.objects.get().donor
    if name is None:
        assert donor is None and not Donor.objects.exists()
        return
    assert (donor.email, donor.name) == ("maria@example.org", name)
    client.post(reverse("admin:ledger_donation_add"), data)
    assert set(Donation.objects.values_list("donor", flat=True)) == {donor.pk}


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1.234"])
def test_it_refuses_a_bad_amount_and_saves_nothing(client, treasurer, amount):
    client.force_login(treasurer)
    response = client.post(
        reverse("admin:ledger_donation_add"),
        {
            "amount": amount,
            "received_on": "2024-03-05",
            "method": "cash",
            "status": "paid",
            **INLINES,
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert "ManagementForm" not in response.content.decode()
    assert not Donation.objects.exists()


def test_it_offers_only_offline_methods_for_hand_entry(client, treasurer):
    client.force_login(treasurer)
    html = client.get(reverse("admin:ledger_donation_add")).content.decode()
    assert 'value="bank_transfer"' in html and 'value="cash"' in html
    assert 'value="card"' not in html


def test_it_never_deletes_a_ledger_entry(client, treasurer, make_donation):
    donation = make_donation()
    client.force_login(treasurer)
    url = reverse("admin:ledger_donation_delete", args=[donation.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Donation.objects.filter(pk=donation.pk).exists()
