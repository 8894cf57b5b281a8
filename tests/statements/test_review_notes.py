"""The review queue's notes are stored once, in English, and read in each treasurer's language."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from ledger.models import StatementLine
from statements.importer import statement_import
from statements.review import review_note_display

SAMPLES = Path(__file__).parents[1] / "fixtures" / "statements"

# The Dutch for the notes, as handed to the translators. Until the catalogs carry them, the
# fixture lends them to the running catalog; once they do, the real catalog must agree.
DUTCH = {
    "assigned by %(user)s": "toegewezen door %(user)s",
    "not a donation, by %(user)s": "geen gift, door %(user)s",
    "spending, by %(user)s": "uitgave, door %(user)s",
    "no payment reference found": "geen betalingskenmerk gevonden",
    "payout of online gifts, counted already": "uitbetaling van online giften, al meegeteld",
    "reference %(reference)s": "kenmerk %(reference)s",
}


@pytest.fixture(autouse=True)
def _language_left_as_found():
    # The admin's LocaleMiddleware leaves the last request's language active in this thread;
    # a later test that prints a command's output must not read it in Dutch because of this.
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def dutch_notes():
    catalog = trans_real.translation("nl")._catalog
    lent = [msgid for msgid in DUTCH if msgid not in catalog]
    for msgid in lent:
        catalog[msgid] = DUTCH[msgid]
    yield
    for msgid in lent:
        catalog._catalogs[0].pop(msgid, None)


@pytest.fixture
def imported(campaign, make_prisoner):
    campaign.iban = "NL20INGB0001234567"  # the sample is an ING export of this account
    campaign.save()
    make_prisoner(payment_reference="DSA3KM", slug="ana", name="Ana Ejemplo")
    data = (SAMPLES / "ing_camt053_v02.xml").read_bytes()
    statement_import(file_name="ing_camt053_v02.xml", data=data)


def _act(client, action, line, language):
    return client.post(
        reverse("admin:ledger_statementline_changelist") + "?status__exact=review",
        {"action": action, "_selected_action": [line.pk]},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_it_stores_the_note_in_english_whoever_acts(client, treasurer, imported):
    client.force_login(treasurer)
    line = StatementLine.objects.get(counterparty_name="A. Bakker")
    _act(client, "not_a_donation", line, "es")
    line.refresh_from_db()
    assert line.status == StatementLine.Status.NOT_DONATION
    assert line.note == "not a donation, by treasurer"


def test_it_shows_a_spanish_treasurers_note_in_dutch_to_a_dutch_one(
    client, treasurer, imported, dutch_notes
):
    client.force_login(treasurer)
    line = StatementLine.objects.get(counterparty_name="A. Bakker")
    _act(client, "record_donation", line, "es")
    queue = reverse("admin:ledger_statementline_changelist")
    dutch = client.get(queue + "?status__exact=matched", HTTP_ACCEPT_LANGUAGE="nl")
    html = dutch.content.decode()
    assert "toegewezen door treasurer" in html
    assert "assigned by" not in html
    # The import's own notes too.
    assert "kenmerk DSA3KM" in html
    review = client.get(queue + "?status__exact=review", HTTP_ACCEPT_LANGUAGE="nl")
    assert "geen betalingskenmerk gevonden" in review.content.decode()
    english = client.get(queue + "?status__exact=matched", HTTP_ACCEPT_LANGUAGE="en")
    assert "assigned by treasurer" in english.content.decode()


def test_it_shows_the_note_on_the_lines_own_page(client, treasurer, imported, dutch_notes):
    client.force_login(treasurer)
    line = StatementLine.objects.get(counterparty_name="A. Bakker")
    _act(client, "not_a_donation", line, "en")
    page = client.get(
        reverse("admin:ledger_statementline_change", args=[line.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "geen gift, door treasurer" in page
    assert 'name="note"' not in page


@pytest.mark.parametrize(
    ("stored", "dutch"),
    [
        ("spending, by ana.pérez", "uitgave, door ana.pérez"),
        # A user name that looks like a placeholder stays a name.
        ("assigned by %(user)s", "toegewezen door %(user)s"),
        # A note of another shape, say typed by hand or from an older release, shows as is.
        ("checked with the bank by phone", "checked with the bank by phone"),
        ("", ""),
    ],
)
def test_it_translates_only_the_notes_it_wrote(dutch_notes, stored, dutch):
    with translation.override("nl"):
        assert review_note_display(stored) == dutch
