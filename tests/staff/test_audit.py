"""Every admin write to money, donors' records and roles leaves an audit entry with its actor
and the values before and after."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledger.models import Category, Correction, Donation, Expense, FundTransfer, StatementLine
from tests.ledger.test_corrections import INLINES
from tests.ledger.test_ledger_admin import PDF, imported  # noqa: F401 - a fixture

CREATE, UPDATE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE


def _entry(model, action, actor) -> dict:
    """The one entry of this kind by this person; its changes as {field: [before, after]}."""
    entry = LogEntry.objects.get_for_model(model).get(action=action, actor=actor)
    assert entry.timestamp is not None
    return entry.changes_dict


@pytest.fixture
def as_treasurer(client, treasurer):
    client.force_login(treasurer)
    return client


def test_it_logs_a_gift_recorded_by_hand(as_treasurer, treasurer, make_prisoner):
    prisoner = make_prisoner()
    response = as_treasurer.post(
        reverse("admin:ledger_donation_add"),
        {
            "amount": "40.00",
            "received_on": "2024-03-05",
            "method": "bank_transfer",
            "prisoner": prisoner.pk,
            "purpose": "legal_defense",
            "status": "paid",
            "donor_name": "Maria",
            "donor_email": "maria@example.org",
            "note": "",
            **INLINES,
        },
    )
    assert response.status_code == 302
    changes = _entry(Donation, CREATE, treasurer)
    assert changes["amount"] == ["None", "40.00"]
    assert changes["donor_name"] == ["None", "Maria"]
    assert changes["donor_email"] == ["None", "maria@example.org"]


def test_it_logs_a_change_to_a_gift_with_before_and_after(as_treasurer, treasurer, make_donation):
    gift = make_donation("25.00", note="first", received_on=date(2025, 3, 1))
    as_treasurer.post(
        reverse("admin:ledger_donation_change", args=[gift.pk]),
        {"note": "checked against the statement", **INLINES},
    )
    changes = _entry(Donation, UPDATE, treasurer)
    assert changes["note"] == ["first", "checked against the statement"]


def test_it_logs_a_correction(as_treasurer, treasurer, make_donation):
    gift = make_donation("25.00", received_on=date(2025, 3, 1))
    response = as_treasurer.post(
        reverse("admin:ledger_donation_correct", args=[gift.pk]),
        {"amount": "-5.50", "date": "2025-03-04", "reason": "Typed 25 instead of 19.50"},
    )
    assert response.status_code == 302
    changes = _entry(Correction, CREATE, treasurer)
    assert changes["amount"] == ["None", "-5.50"]
    assert changes["donation"][1] == str(gift.pk)


def test_it_logs_spending(as_treasurer, treasurer):
    legal = Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")
    response = as_treasurer.post(
        reverse("admin:ledger_expense_add"),
        {
            "date": "2024-03-06",
            "amount": "80.00",
            "prisoner": "",
            "category": legal.pk,
            "description": "Invoice 17, lawyer",
            "receipt": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert _entry(Expense, CREATE, treasurer)["amount"] == ["None", "80.00"]


def test_it_logs_a_fund_transfer(as_treasurer, treasurer, make_prisoner):
    ana = make_prisoner()
    response = as_treasurer.post(
        reverse("admin:ledger_fundtransfer_add"),
        {
            "date": "2024-05-01",
            "amount": "100.00",
            "from_prisoner": ana.pk,
            "to_prisoner": "",
            "reason": "Released; family agreed",
        },
    )
    assert response.status_code == 302
    changes = _entry(FundTransfer, CREATE, treasurer)
    assert changes["amount"] == ["None", "100.00"]
    assert changes["from_prisoner"] == ["None", str(ana.pk)]


def test_it_logs_a_statement_review(as_treasurer, treasurer, imported):  # noqa: F811
    line = StatementLine.objects.get(counterparty_name="A. Bakker")
    as_treasurer.post(
        reverse("admin:ledger_statementline_changelist") + "?status__exact=review",
        {"action": "not_a_donation", "_selected_action": [line.pk]},
    )
    changes = _entry(StatementLine, UPDATE, treasurer)
    assert changes["status"] == ["review", "not_donation"]


def test_it_logs_a_role_change(client, treasurer):
    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    newcomer = User.objects.create_user("newcomer", is_staff=True)
    client.force_login(root)
    treasurers = Group.objects.get(name="Treasurers")
    response = client.post(
        reverse("admin:auth_user_change", args=[newcomer.pk]),
        {
            "username": "newcomer",
            "is_active": "on",
            "is_staff": "on",
            "groups": [treasurers.pk],
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entries = LogEntry.objects.get_for_object(newcomer).filter(actor=root)
    [groups] = [e.changes_dict["groups"] for e in entries if "groups" in e.changes_dict]
    assert (groups["operation"], groups["objects"]) == ("add", ["Treasurers"])


def test_it_never_logs_a_password_or_a_device_key(client, treasurer):
    treasurer.set_password("another-long-passphrase")
    treasurer.save()
    entry = LogEntry.objects.get_for_object(treasurer).latest("pk")
    assert entry.changes_dict["password"][1] == "********"
    device_entries = LogEntry.objects.filter(object_repr__icontains="phone")
    assert device_entries.exists()
    assert all("key" not in entry.changes_dict for entry in device_entries)


def test_it_shows_the_trail_to_treasurers_and_lets_nobody_change_it(
    client, treasurer, make_donation
):
    make_donation("25.00", donor_name="Paula")
    entry = LogEntry.objects.get_for_model(Donation).get()
    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    for user in (treasurer, root):
        client.force_login(user)
        change_url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
        page = client.get(change_url)
        assert page.status_code == 200 and "Paula" in page.content.decode()
        assert b'name="changes"' not in page.content
        assert client.post(change_url, {"changes": "{}"}).status_code == 403
        delete_url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk, changes=entry.changes).exists()


def test_it_keeps_the_trail_from_editors(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403


def test_it_records_the_address_through_trusted_proxies_only(client, settings, treasurer):
    settings.TRUSTED_PROXIES = []
    client.force_login(treasurer)
    client.post(
        reverse("admin:ledger_category_add"),
        {"code": "food", "purpose": "basic_needs", "name_es": "Comida", "order": 0},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    entry = LogEntry.objects.get_for_model(Category).get()
    assert (entry.actor, entry.remote_addr) == (treasurer, "203.0.113.9")
    assert Category.objects.get().purpose == "basic_needs"
    assert Decimal("0") == Decimal(entry.changes_dict["order"][1])


def _context_seen_by_the_view(request_cookies: dict, user=None) -> object:
    """What auditlog's context holds while a view runs behind AuditActorMiddleware."""
    from auditlog.context import auditlog_value
    from django.test import RequestFactory

    from staff.middleware import AuditActorMiddleware

    seen = {}

    def view(request):
        seen["value"] = auditlog_value.get(None)
        return None

    request = RequestFactory().get("/en/")
    request.COOKIES.update(request_cookies)
    if user is not None:
        request.user = user
    # A marker, so that what an earlier request left in this thread cannot pass for ours.
    before = auditlog_value.set("nothing set by this request")
    try:
        AuditActorMiddleware(view)(request)
    finally:
        auditlog_value.reset(before)
    return seen["value"]


def test_a_request_without_a_session_costs_no_audit_wiring_and_records_no_address(db):
    # A visitor or a provider's webhook: no actor to record, and no address of theirs kept.
    assert _context_seen_by_the_view({}) == "nothing set by this request"


def test_a_visitors_session_carries_no_audit_context(db, settings):
    # A donor whose browser holds the session of an earlier gift: no address of theirs kept.
    assert _context_seen_by_the_view({settings.SESSION_COOKIE_NAME: "abc"}) == (
        "nothing set by this request"
    )


def test_a_staff_members_request_carries_the_audit_context(db, settings, treasurer):
    value = _context_seen_by_the_view({settings.SESSION_COOKIE_NAME: "abc"}, user=treasurer)
    assert isinstance(value, dict) and value["actor"] == treasurer and "remote_addr" in value
