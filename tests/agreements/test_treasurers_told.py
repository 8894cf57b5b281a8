"""When the last signer signs, everyone who may countersign is emailed once: the agreement's
number and a link to its page in the admin, and no donor's personal data."""

import logging

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from agreements.models import PeriodicGiftAgreement
from tests.agreements.conftest import form_data, link_in
from tests.conftest import _staff

YEAR = timezone.localdate().year


@pytest.fixture
def staff(db):
    treasurers = Group.objects.get(name="Treasurers")
    ana = _staff("ana", "Treasurers")
    ana.email, ana.first_name = "ana@foundation.example", "Ana"
    ana.save()
    luis = _staff("luis", "Treasurers")
    luis.email = "luis@foundation.example"
    luis.save()
    # Neither may countersign, or should be mailed for it.
    gone = _staff("gone", "Treasurers")
    gone.email, gone.is_active = "gone@foundation.example", False
    gone.save()
    editor = _staff("editor", "Editors")
    editor.email = "editor@foundation.example"
    editor.save()
    User.objects.create_superuser("root", email="root@foundation.example", password="x")
    assert treasurers.user_set.count() == 3
    return [ana, luis]


def _told(mailoutbox) -> list:
    return [m for m in mailoutbox if m.to[0].endswith("@foundation.example")]


def _sign(client, mailoutbox, commit, link):
    agreement = PeriodicGiftAgreement.objects.get()
    with commit(execute=True):
        client.post(link, {"document_sha256": agreement.terms_pdf_sha256})


def test_it_tells_each_treasurer_once_when_the_last_signer_signed(
    client, anbi, staff, mailoutbox, commit, settings
):
    settings.SITE_URL = "https://giving.example"
    data = {"partner_name": "Bart de Vries", "partner_email": "bart@example.org"}
    with commit(execute=True):
        client.post("/en/periodic-gift/", form_data(**data))
    _sign(client, mailoutbox, commit, link_in(mailoutbox[0]))
    # The partner has yet to sign: nothing waits for the foundation.
    assert _told(mailoutbox) == []
    _sign(client, mailoutbox, commit, link_in(mailoutbox[1]))
    agreement = PeriodicGiftAgreement.objects.get()
    told = _told(mailoutbox)
    assert sorted(m.to[0] for m in told) == ["ana@foundation.example", "luis@foundation.example"]
    url = (
        f"https://giving.example/admin/agreements/periodicgiftagreement/{agreement.pk}/countersign/"
    )
    for message in told:
        assert agreement.number in message.subject
        assert url in message.body
        # What the admin shows behind the login, not in an email.
        for personal in ("Camila", "Rojas", "camila@example.org", "Bart", "Keizersgracht", "1980"):
            assert personal not in message.body and personal not in message.subject
    # However often the task runs.
    from agreements.tasks import tell_treasurers_to_countersign

    tell_treasurers_to_countersign.call(agreement.pk)
    assert len(_told(mailoutbox)) == 2


def test_it_tells_them_when_a_donor_without_a_partner_signed(
    client, make_agreement, staff, mailoutbox, commit
):
    with commit(execute=True):
        make_agreement(language="es")
    _sign(client, mailoutbox, commit, link_in(mailoutbox[0]))
    assert len(_told(mailoutbox)) == 2


def test_it_logs_a_warning_when_nobody_can_be_told(
    client, make_agreement, mailoutbox, commit, caplog
):
    with commit(execute=True):
        agreement = make_agreement(language="en")
    with caplog.at_level(logging.WARNING):
        _sign(client, mailoutbox, commit, link_in(mailoutbox[0]))
    assert any(
        r.levelno == logging.WARNING and agreement.number in r.getMessage() for r in caplog.records
    )
    assert len(mailoutbox) == 1
