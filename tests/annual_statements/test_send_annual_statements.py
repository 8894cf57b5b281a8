"""`manage.py send_annual_statements --year YYYY`: every donor who gave, once, with the PDF."""

import smtplib
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError

from annual_statements.models import AnnualStatement, AnnualStatementMailing
from donors.models import Donor
from ledger.models import Donation
from mygifts.your_data import donor_erase
from tests.donor_pages import LAST_YEAR

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


def _run(*args) -> str:
    out = StringIO()
    call_command("send_annual_statements", "--year", str(LAST_YEAR), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def donors(campaign, make_donor, give_as, make_donation):
    """Three donors who gave last year (one opted out), one who gave only the year before,
    and a one-off gift with an email but no donor record."""
    ana = make_donor("ana@example.org", name="Ana", language="es")
    bea = make_donor("bea@example.org", name="Bea", language="nl")
    out = make_donor("out@example.org", wants_annual_statement=False)
    old = make_donor("old@example.org")
    for donor, amount in ((ana, "20.00"), (bea, "35.00"), (out, "5.00")):
        give_as(donor, amount, date(LAST_YEAR, 4, 1))
    give_as(ana, "10.00", date(LAST_YEAR, 9, 1))
    give_as(old, "50.00", date(LAST_YEAR - 1, 4, 1))
    loose = make_donation(
        "12.00", donor_email="OneOff@example.org", received_on=date(LAST_YEAR, 2, 2)
    )
    # Saving a paid gift links it to its donor record (ledger/running_totals.py); this one stands
    # for a gift from before that, written past the model.
    Donation.objects.filter(pk=loose.pk).update(donor=None)
    return ana, bea, out, old


def test_it_emails_every_donor_who_gave_with_the_pdf_attached(donors):
    ana, bea, _out, _old = donors
    output = _run()
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"ana@example.org", "bea@example.org", "oneoff@example.org"}
    filename, pdf, mimetype = sent["ana@example.org"].attachments[0]
    statement = AnnualStatement.objects.get(donor=ana, year=LAST_YEAR)
    assert filename == f"{statement.number}.pdf" and mimetype == "application/pdf"
    assert pdf == bytes(statement.pdf) and statement.total == 30
    # Each in their own language: the amounts as Spanish and Dutch write them.
    assert "€ 30,00" in sent["ana@example.org"].body
    assert "€ 35,00" in sent["bea@example.org"].body
    # The one-off gift got its donor record and its gift is on the statement.
    oneoff = Donor.objects.get(email="oneoff@example.org")
    assert Donation.objects.get(donor_email="OneOff@example.org").donor == oneoff
    assert "[4/4] donors done" in output
    assert f"{LAST_YEAR}: 3 sent, 1 skipped (1 opted out)." in output


def test_a_rerun_sends_nothing_twice(donors):
    _run()
    mail.outbox.clear()
    output = _run()
    assert mail.outbox == []
    assert f"{LAST_YEAR}: 0 sent, 4 skipped (3 already sent, 1 opted out)." in output
    assert AnnualStatementMailing.objects.count() == 3
    assert AnnualStatement.objects.count() == 3


def test_a_dry_run_sends_nothing_and_changes_nothing(donors):
    tables = (Donor, Donation, AnnualStatement, AnnualStatementMailing)
    before = {model: list(model.objects.values().order_by("pk")) for model in tables}
    output = _run("--dry-run")
    assert mail.outbox == []
    assert {model: list(model.objects.values().order_by("pk")) for model in tables} == before
    assert f"Dry run: {LAST_YEAR}: 3 would send, 1 skipped (1 opted out)." in output
    assert "would get one" in output


def test_it_skips_an_erased_donor(donors):
    ana, _bea, _out, _old = donors
    donor_erase(donor_id=ana.pk)
    output = _run()
    assert "ana@example.org" not in [m.to[0] for m in mail.outbox]
    assert "1 no address (erased)" in output


class RefusingBackend(BaseEmailBackend):
    """A mail server that hangs up, as one does on a bad day."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_refused_mail_is_left_for_the_next_run(donors, settings):
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(CommandError, match="could not be sent"):
        _run()
    assert not AnnualStatementMailing.objects.exists()
    settings.EMAIL_BACKEND = locmem
    _run()
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("year", [LAST_YEAR + 1, LAST_YEAR + 5, 1999])
def test_it_refuses_a_year_that_is_not_over(donors, year):
    with pytest.raises(CommandError, match="only a year before"):
        call_command("send_annual_statements", "--year", str(year), stdout=StringIO())
    assert mail.outbox == [] and not AnnualStatement.objects.exists()
