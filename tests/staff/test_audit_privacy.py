"""The audit trail records a staff member's address and nobody else's, and keeps nothing
about a donor once the donor is erased or anonymised."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementGift, AgreementSignature, PeriodicGiftAgreement
from agreements.services import agreement_end
from donors.models import Donor
from ledger.models import Donation, StatementLine
from mygifts.your_data import donor_erase
from retention import steps as retention
from statements.importer import statement_import
from statements.review import statement_line_record_donation
from tests.agreements.helpers import agreement_in_force
from tests.books import set_around_the_books
from tests.gifts import form_data
from tests.ledger.test_corrections import INLINES
from tests.statements.samples import camt, ntry

DONOR_ADDRESS = "198.51.100.23"
STAFF_ADDRESS = "203.0.113.5"

# Every audited model, by whether it can hold a donor's data. One registered later must be
# put in one of the two, and erasure must then cover it (donor_audit_entries below).
HOLDS_DONOR_DATA = {
    "ledger.Donation",
    "ledger.StatementLine",
    "agreements.PeriodicGiftAgreement",
    "agreements.AgreementSignature",
    "agreements.AgreementGift",
}
NO_DONOR_DATA = {
    "ledger.Category",
    "ledger.Correction",
    "ledger.Refund",
    "ledger.Expense",
    "ledger.FundTransfer",
    "ledger.BankStatement",
    "auth.User",
    "auth.Group",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "django_otp_webauthn.WebAuthnCredential",
}


@pytest.fixture(autouse=True)
def demo_on(settings):
    settings.DEMO_PAYMENTS = True
    settings.TRUSTED_PROXIES = []


def _give(client, n: int, **overrides):
    data = form_data("demo", donor_email="camila@example.org", donor_name="Camila Rojas")
    data.update(overrides)
    response = client.post("/en/donate/", data, REMOTE_ADDR=DONOR_ADDRESS)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Donation.objects.order_by("-id").first()


def _pay(client, gift: Donation):
    client.post(
        reverse("demo:demo_checkout", args=[gift.provider_payment_id]),
        {"id": gift.provider_payment_id, "outcome": "paid"},
        REMOTE_ADDR=DONOR_ADDRESS,
    )
    gift.refresh_from_db()
    assert gift.status == Donation.Status.PAID


def test_a_donors_second_gift_in_the_same_browser_keeps_no_address(client, campaign):
    first = _give(client, 1)
    _pay(client, first)
    # The same browser: it now carries the session the first gift started.
    assert client.cookies.get("sessionid")
    second = _give(client, 2, preset="50")
    _pay(client, second)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Donation),
        object_id__in=[first.pk, second.pk],
    )
    assert entries.count() >= 4  # each gift's creation and its payment
    assert not LogEntry.objects.exclude(remote_addr=None).exists()
    assert set(entries.values_list("actor", flat=True)) == {None}


def test_a_staff_members_action_still_records_their_address(client, treasurer, make_donation):
    gift = make_donation("25.00", received_on=date(2025, 3, 1))
    client.force_login(treasurer)
    client.post(
        reverse("admin:ledger_donation_change", args=[gift.pk]),
        {"note": "checked", **INLINES},
        REMOTE_ADDR=STAFF_ADDRESS,
    )
    entry = LogEntry.objects.get_for_object(gift).get(actor=treasurer)
    assert entry.remote_addr == STAFF_ADDRESS


def test_every_audited_model_is_sorted_by_whether_it_holds_donor_data():
    registered = {model._meta.label for model in auditlog.get_models()}
    assert registered == HOLDS_DONOR_DATA | NO_DONOR_DATA


def donor_audit_entries(gift_ids, line_ids, agreement_ids, signature_ids, link_ids):
    def of(model, ids):
        return LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_pk__in=[str(pk) for pk in ids],
        )

    return (
        of(Donation, gift_ids)
        | of(StatementLine, line_ids)
        | of(PeriodicGiftAgreement, agreement_ids)
        | of(AgreementSignature, signature_ids)
        | of(AgreementGift, link_ids)
    )


def _all_text(entries) -> str:
    return "\n".join(
        " ".join(
            str(value)
            for value in (
                e.object_repr,
                e.changes,
                e.changes_text,
                e.serialized_data,
                e.additional_data,
                e.remote_addr,
            )
        )
        for e in entries
    )


@pytest.fixture
def donor_everywhere(client, treasurer, campaign, make_prisoner):
    """A donor in every audited place: two gifts given online in one browser, a transfer
    from their account matched by the bank import, a treasurer's note, and a periodic-gift
    agreement that has ended, with a gift linked to it."""
    prisoner = make_prisoner(name="Ana Ejemplo")
    first = _give(client, 1)
    _pay(client, first)
    second = _give(client, 2, preset="50")
    _pay(client, second)
    entry = ntry("45.00", "B1", text="for Ana from Camila Rojas").replace(
        "<Dbtr><Nm>Donor</Nm></Dbtr>",
        "<Dbtr><Nm>C. Rojas</Nm></Dbtr><DbtrAcct><Id><IBAN>NL02ABNA0123456789</IBAN></Id>"
        "</DbtrAcct>",
    )
    statement_import(file_name="s.xml", data=camt(entry))
    line = StatementLine.objects.get()
    # The treasurer recognises the transfer in the review queue.
    with set_actor(treasurer, remote_addr=STAFF_ADDRESS):
        transfer = statement_line_record_donation(
            line_id=line.pk, prisoner=prisoner, user="treasurer"
        )
    Donation.objects.filter(pk=transfer.pk).update(donor_email="camila@example.org")
    client.force_login(treasurer)
    client.post(
        reverse("admin:ledger_donation_change", args=[first.pk]),
        {"note": "Camila Rojas phoned", **INLINES},
        REMOTE_ADDR=STAFF_ADDRESS,
    )
    client.logout()
    year = timezone.localdate().year - 2
    agreement = agreement_in_force(first_year=year, email="camila@example.org", user=treasurer)
    agreement_end(agreement_id=agreement.pk, on=date(year + 1, 12, 31), reason="other")
    link = AgreementGift.objects.create(agreement=agreement, donation=second)
    ids = (
        [first.pk, second.pk, transfer.pk],
        [line.pk],
        [agreement.pk],
        list(agreement.signatures.values_list("pk", flat=True)),
        [link.pk],
    )
    entries = donor_audit_entries(*ids)
    # What the trail kept of a donor's request before it recorded staff addresses only.
    LogEntry.objects.filter(pk=entries.filter(actor=None).first().pk).update(
        remote_addr=DONOR_ADDRESS
    )
    text = _all_text(entries)
    # The test means something only if the trail held the donor before.
    assert entries.exclude(actor=None).exists()
    for value in ("camila@example.org", "Camila", "C. Rojas", DONOR_ADDRESS):
        assert value in text, value
    return Donor.objects.get(email="camila@example.org"), ids


def test_erasure_leaves_no_audit_entry_of_the_donors_objects(donor_everywhere):
    donor, ids = donor_everywhere
    donor_erase(donor_id=donor.pk)
    assert list(donor_audit_entries(*ids)) == []
    text = _all_text(LogEntry.objects.all())
    for value in ("camila@example.org", "Camila", "Rojas", "NL02ABNA0123456789", DONOR_ADDRESS):
        assert value not in text
    assert "192.0.2.7" not in text  # where the donor signed the agreement from
    # The books stay: the gifts, the agreement and its signatures.
    assert Donation.objects.filter(pk__in=ids[0]).count() == 3
    assert AgreementSignature.objects.filter(pk__in=ids[3]).count() == len(ids[3])


def test_retention_leaves_no_audit_entry_of_the_donors_objects(donor_everywhere, settings):
    donor, ids = donor_everywhere
    long_ago = timezone.now() - timedelta(days=365 * (settings.RETENTION_DONOR_YEARS + 1))
    set_around_the_books(Donation.objects.filter(pk__in=ids[0]), created_at=long_ago)
    result = retention.retention_apply()
    assert Donor.objects.get(pk=donor.pk).name == ""
    assert list(donor_audit_entries(*ids)) == []
    text = _all_text(LogEntry.objects.all())
    for value in ("camila@example.org", "Camila", "NL02ABNA0123456789", DONOR_ADDRESS):
        assert value not in text
    assert result.steps[2].counts["audit entries"] > 0
    assert sum(Donation.objects.filter(pk__in=ids[0]).values_list("amount", flat=True)) == (
        Decimal("25.00") + Decimal("50.00") + Decimal("45.00")
    )


def test_the_upgrade_forgets_the_addresses_visitors_left_in_the_trail(treasurer, make_donation):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("staff.migrations.0002_no_visitor_addresses_in_the_audit_trail")
    gift = make_donation("25.00")
    LogEntry.objects.filter(object_id=gift.pk).update(remote_addr=DONOR_ADDRESS, remote_port=5)
    staff_gift = make_donation("30.00")
    LogEntry.objects.filter(object_id=staff_gift.pk).update(
        actor=treasurer, remote_addr=STAFF_ADDRESS
    )
    migration.forget_visitors_addresses(apps, None)
    assert set(
        LogEntry.objects.exclude(remote_addr=None).values_list("remote_addr", flat=True)
    ) == {STAFF_ADDRESS}
