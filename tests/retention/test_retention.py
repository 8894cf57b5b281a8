"""apply_retention: old personal data goes, the ledger's figures stay to the cent."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ledger.models import BankStatement, Correction, Donation, Refund, StatementLine
from ledger.selectors import campaign_totals, money_in
from messages_of_support.models import MessageOfSupport
from payments.models import PaymentEvent, StatusChange
from reports.data import fund_balances, treasurer_report
from retention import steps as retention
from retention.base import donor_holds
from retention.cleaner import MASK
from statements.keys import LineKeys

NOW = timezone.now()
YEAR = timedelta(days=365)


def ago(**delta):
    return NOW - timedelta(**delta)


@dataclass
class World:
    """Who is in the database, and which of their values must be gone afterwards."""

    shredded: list[str]
    kept: list[str]
    prisoner_reference: str


def _gift(*, when, name="", email="", message="", note="", status="paid", **fields):
    paid = status == Donation.Status.PAID
    amount = fields.pop("amount", Decimal("25.00"))
    gift = Donation.objects.create(
        amount=amount,
        method=fields.pop("method", Donation.Method.IDEAL),
        provider=fields.pop("provider", Donation.Provider.MOLLIE),
        status=status,
        donor_name=name,
        donor_email=email,
        note=note,
        created_at=when,
        paid_at=when if paid else None,
        received_on=timezone.localdate(when) if paid else None,
        amount_paid=amount if paid else None,
        **fields,
    )
    if message:
        MessageOfSupport.objects.create(donation=gift, text=message, is_public=True)
    return gift


def _event(*, when, body: dict, gift=None) -> PaymentEvent:
    event = PaymentEvent.objects.create(
        provider=Donation.Provider.STRIPE,
        event_id=f"evt_{len(body['marker'])}{PaymentEvent.objects.count()}",
        event_type="checkout.session.completed",
        payload=json.dumps(body),
        received_at=when,
        outcome=PaymentEvent.Outcome.APPLIED,
        detail="donation: open → paid",
    )
    if gift is not None:
        StatusChange.objects.create(
            donation=gift, from_status="open", to_status="paid", source="webhook", event=event
        )
    return event


def _bank_gift(*, when, name, iban, remittance, prisoner) -> Donation:
    statement = BankStatement.objects.create(
        file_name="old.xml", format="camt053", account_iban="NL91ABNA0417164300"
    )
    line = StatementLine(
        statement=statement,
        account_iban="NL91ABNA0417164300",
        booking_date=timezone.localdate(when),
        amount=Decimal("40.00"),
        is_credit=True,
        counterparty_name=name,
        counterparty_iban=iban,
        remittance=remittance,
        note=f"matched; phoned {name}",
    )
    line.dedupe_key = LineKeys()(line)
    line.save()
    gift = _gift(
        when=when,
        name=name,
        amount=Decimal("40.00"),
        method=Donation.Method.BANK_TRANSFER,
        provider=Donation.Provider.BANK,
        provider_payment_id=line.dedupe_key,
        prisoner=prisoner,
        is_anonymous=True,
    )
    line.donation = gift
    line.status = StatementLine.Status.MATCHED
    line.save()
    return gift


@pytest.fixture
def world(postgres, campaign, make_prisoner) -> World:
    prisoner = make_prisoner(name="Preso Sin Nombre")
    # An old donor who gave three times, once typing the address in another case.
    x1 = _gift(
        when=ago(days=9 * 365),
        name="Ximena Antiguadonante",
        email="Ximena.Antigua@example.org",
        message="Fuerza, un abrazo de Ximena Antiguadonante",
        provider_payment_id="tr_oldximena1",
        prisoner=prisoner,
    )
    x2 = _gift(
        when=ago(days=8 * 365),
        name="Ximena Antiguadonante",
        email="ximena.antigua@example.org",
        note="Ximena asked for a receipt by post, Calle Falsa 123",
        provider=Donation.Provider.STRIPE,
        provider_payment_id="cs_oldximena2",
        provider_intent_id="pi_oldximena2",
    )
    _gift(when=ago(days=8 * 365 + 5), email="ximena.antigua@example.org", amount=Decimal("7.50"))
    # A staff member corrected her name: the trail holds it as before and after values.
    x1.donor_name = "Ximena A. Antiguadonante"
    x1.save()
    Refund.objects.create(
        donation=x1,
        provider="mollie",
        provider_refund_id="re_old1",
        kind="refund",
        amount=Decimal("5.00"),
        created_at=ago(days=9 * 365 - 3),
    )
    Correction.objects.create(
        donation=x2, amount=Decimal("-2.00"), date=date.today() - 8 * YEAR, reason="typo"
    )
    # Her payments' bodies, one linked through its status change, one only naming the intent.
    _event(
        when=ago(days=8 * 365),
        gift=x2,
        body={"marker": "oldbody1", "customer_details": {"name": "Ximena Antiguadonante"}},
    )
    _event(
        when=ago(days=8 * 365),
        body={"marker": "oldbody2", "payment_intent": "pi_oldximena2", "email": "x@old.example"},
    )
    # An old bank donor, twice from the same account.
    for years in (8, 9):
        _bank_gift(
            when=ago(days=years * 365),
            name="Rodrigo Viejodonante",
            iban="NL02ABNA0123456789",
            remittance=f"{prisoner.payment_reference} de Rodrigo Viejodonante, Utrecht",
            prisoner=prisoner,
        )
    # Old, but gave again last year: kept.
    _gift(when=ago(days=9 * 365), name="Valentina Sigue", email="vale@example.org")
    _gift(when=ago(days=300), name="Valentina Sigue", email="VALE@example.org")
    # Gifts that never completed: 40 days old (cleared) and 10 days old (kept).
    _gift(
        when=ago(days=40),
        name="Fallida Personadonante",
        email="fallida@example.org",
        message="Mensaje fallido",
        status=Donation.Status.FAILED,
    )
    _gift(when=ago(days=31), email="expirada@example.org", status=Donation.Status.EXPIRED)
    _gift(when=ago(days=10), name="Intento Reciente", status=Donation.Status.NEW)
    # Webhook bodies of a recent donor: 100 days old (shredded), 10 days old (kept).
    recent = _gift(when=ago(days=100), name="Tomás Nuevodonante", email="tomas@example.org")
    _event(when=ago(days=100), gift=recent, body={"marker": "bodyof100days", "e": "t@x.org"})
    _event(when=ago(days=10), body={"marker": "bodyof10days"})
    return World(
        shredded=[
            "Ximena Antiguadonante",
            "Ximena.Antigua@example.org",
            "Calle Falsa",
            "un abrazo",
            "Rodrigo Viejodonante",
            "NL02ABNA0123456789",
            "Utrecht",
            "oldbody1",
            "oldbody2",
            "x@old.example",
            "Fallida Personadonante",
            "fallida@example.org",
            "Mensaje fallido",
            "expirada@example.org",
            "bodyof100days",
        ],
        kept=[
            "Valentina Sigue",
            "vale@example.org",
            "Intento Reciente",
            "Tomás Nuevodonante",
            "tomas@example.org",
            "bodyof10days",
        ],
        prisoner_reference=prisoner.payment_reference,
    )


def every_text_in_the_database() -> list[tuple[str, str, str]]:
    """Every text, varchar and JSON value of every table, auditlog's included."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') "
            "ORDER BY table_name, column_name"
        )
        columns = cursor.fetchall()
        values = []
        for table, column in columns:
            quoted_table = connection.ops.quote_name(table)
            quoted = connection.ops.quote_name(column)
            cursor.execute(f"SELECT {quoted}::text FROM {quoted_table} WHERE {quoted} IS NOT NULL")  # noqa: S608
            values += [(table, column, value) for (value,) in cursor.fetchall()]
    return sorted(values)


def found(text: str, dump) -> list[tuple[str, str]]:
    needle = text.lower()
    return [(table, column) for table, column, value in dump if needle in value.lower()]


def figures():
    periods = [
        (date.today() - 10 * YEAR, date.today()),
        (date.today() - 9 * YEAR, date.today() - 8 * YEAR),
        (date.today() - YEAR, date.today()),
    ]
    return {
        "money_in": money_in(),
        "by_quarter": money_in(by="quarter"),
        "totals": campaign_totals(),
        "balances": [(b.name, b.balance, b.movements) for b in fund_balances()],
        "reports": [treasurer_report(start, end) for start, end in periods],
    }


def test_it_removes_every_old_value_from_every_table_and_keeps_the_figures(world, settings):
    settings.RETENTION_BATCH_SIZE = 2  # several batches, donors split across none
    before = figures()
    dump = every_text_in_the_database()
    for value in world.shredded + world.kept:
        assert found(value, dump), f"the test data lacks {value!r}"

    result = retention.retention_apply()

    dump = every_text_in_the_database()
    leftovers = {value: found(value, dump) for value in world.shredded if found(value, dump)}
    assert leftovers == {}
    for value in world.kept:
        assert found(value, dump), f"{value!r} was removed too early"
    after = figures()
    assert after == before
    # The counts must not hide behind an empty database. Ximena wrote her address in two
    # cases: one mailbox, one donor record, one donor.
    assert before["totals"].donors == 5
    counts = {step.name: dict(step.counts) for step in result.steps}
    assert counts["webhook bodies"] == {"webhook bodies": 3}
    assert counts["unfinished gifts"] == {"gifts": 2, "audit entries": 2}
    assert counts["donors"]["donors"] == 2
    assert counts["donors"]["gifts"] == 5
    assert counts["donors"]["statement lines"] == 2
    assert counts["donors"]["donor records"] == 1


def test_it_keeps_what_identifies_the_money(world):
    retention.retention_apply()
    line = StatementLine.objects.filter(booking_date__lt=date.today() - 7 * YEAR).first()
    assert (line.counterparty_name, line.counterparty_iban) == ("", "")
    assert line.remittance == world.prisoner_reference
    assert line.note == f"matched; phoned {MASK}"
    gift = Donation.objects.get(provider_payment_id="cs_oldximena2")
    assert gift.provider_intent_id == "pi_oldximena2"
    assert gift.donor_email.endswith("@anonymised.invalid")
    event = StatusChange.objects.get(donation__provider_payment_id="cs_oldximena2").event
    assert (event.payload, event.outcome, event.detail) == ("", "applied", "donation: open → paid")
    # Every audit entry of the gift went, who changed it included: each named the donor.
    gift = Donation.objects.get(provider_payment_id="tr_oldximena1")
    assert not LogEntry.objects.get_for_object(gift).exists()


def test_it_changes_nothing_the_second_time(world):
    retention.retention_apply()
    dump = every_text_in_the_database()
    second = retention.retention_apply()
    assert second.changed == 0
    assert every_text_in_the_database() == dump


def test_it_changes_nothing_in_a_dry_run_and_predicts_the_real_run(world):
    dump = every_text_in_the_database()
    dry = retention.retention_apply(dry_run=True)
    assert every_text_in_the_database() == dump
    real = retention.retention_apply()
    assert [s.counts for s in dry.steps] == [s.counts for s in real.steps]
    assert real.changed > 0


def test_it_keeps_a_donor_that_a_hold_protects(world):
    def hold(sender, *, keys, **kwargs):
        return {key for key in keys if "ximena" in key}

    donor_holds.connect(hold, dispatch_uid="test.hold")
    try:
        retention.retention_apply()
    finally:
        donor_holds.disconnect(dispatch_uid="test.hold")
    assert Donation.objects.filter(donor_name="Ximena A. Antiguadonante").exists()
    assert not Donation.objects.filter(donor_name="Rodrigo Viejodonante").exists()


def test_it_follows_the_periods_in_the_settings(world, settings):
    settings.RETENTION_DONOR_YEARS = 10
    settings.RETENTION_UNFINISHED_GIFT_DAYS = 60
    settings.RETENTION_WEBHOOK_BODY_DAYS = 10 * 365
    retention.retention_apply()
    dump = every_text_in_the_database()
    for value in ("Ximena Antiguadonante", "Fallida Personadonante", "bodyof100days", "oldbody1"):
        assert found(value, dump)
    # Her payments' bodies go with her, even while bodies in general are kept longer.
    settings.RETENTION_DONOR_YEARS = 7
    retention.retention_apply()
    dump = every_text_in_the_database()
    assert not found("oldbody1", dump)
    assert not found("oldbody2", dump)
    assert found("bodyof100days", dump)


def test_it_reports_progress_and_a_dry_run_on_the_command_line(world, settings):
    settings.RETENTION_BATCH_SIZE = 2
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert text.startswith("Dry run: nothing is changed.")
    assert "  webhook bodies: 2/3" in text
    assert "Donors (no gift for 7 years" in text
    summary = "10 audit entries, 1 donor records, 2 donors, 5 gifts, 2 statement lines\n"
    assert f"would change {summary}" in text
    assert Donation.objects.filter(donor_name="Rodrigo Viejodonante").count() == 2
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert f"changed {summary}" in out.getvalue()
    assert not Donation.objects.filter(donor_name="Rodrigo Viejodonante").exists()
