"""An agreement the foundation never countersigned can be cancelled by a treasurer, with a
reason: recorded in the audit trail, shown in the admin, and told to the donor who signed.
It binds nobody any more, so the donor's erasure goes ahead and takes it along."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from agreements.links import signing_token
from agreements.models import AgreementSignature, PeriodicGiftAgreement
from agreements.services import agreement_cancel
from donors.models import Donor
from retention.models import ErasureRequest
from retention.steps import retention_apply
from tests.agreements.conftest import form_data, link_in
from tests.agreements.helpers import agreement_in_force, agreement_signed
from tests.conftest import _staff
from tests.donor_pages import open_page

YEAR = timezone.localdate().year
Status = PeriodicGiftAgreement.Status
REASON = {"reason": "donor_asked", "note": "Camila phoned on Tuesday: she gives monthly instead."}


@pytest.fixture
def signed(anbi):
    return agreement_signed(first_year=YEAR)


def _url(agreement) -> str:
    return reverse("admin:agreements_cancel", args=[agreement.pk])


def _unchanged(agreement, status=Status.DONOR_SIGNED) -> bool:
    agreement.refresh_from_db()
    return agreement.status == status and agreement.cancelled_at is None


def test_it_shows_the_terms_and_asks_for_a_reason(client, treasurer, signed):
    client.force_login(treasurer)
    html = client.get(_url(signed)).content.decode()
    assert signed.number in html and "Camila Andrea Rojas Pérez" in html
    assert 'name="reason"' in html and 'name="note"' in html
    response = client.post(_url(signed), {"reason": "donor_asked", "note": " "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(_url(signed), {"reason": "because", "note": "x"})
    assert response.status_code == 400
    assert _unchanged(signed)


def test_it_cancels_with_the_reason_in_the_trail_and_tells_the_donor(
    client, treasurer, signed, mailoutbox, commit
):
    client.force_login(treasurer)
    with commit(execute=True):
        response = client.post(_url(signed), REASON, follow=True)
    change = reverse("admin:agreements_periodicgiftagreement_change", args=[signed.pk])
    assert response.redirect_chain[-1][0] == change
    signed.refresh_from_db()
    assert signed.status == Status.CANCELLED
    assert (signed.cancel_reason, signed.cancel_note) == ("donor_asked", REASON["note"])
    assert signed.cancelled_by == treasurer and signed.cancelled_at is not None
    # Shown on its page, and kept in the audit trail with who did it.
    html = client.get(change).content.decode()
    assert "Camila phoned on Tuesday" in html and "The donor asked for it" in html
    entry = LogEntry.objects.get_for_object(signed).filter(actor=treasurer).get()
    assert entry.changes_dict["status"] == ["donor_signed", "cancelled"]
    assert "cancel_note" in entry.changes_dict
    # The donor signed it: they hear, in their own language, and not the internal note.
    [message] = mailoutbox
    assert message.to == ["camila@example.org"]
    assert signed.number in message.subject
    body = " ".join(message.body.split())
    assert "never came into force" in body and "Tuesday" not in body
    # Their link no longer offers a signature.
    page = client.get(f"/en/periodic-gift/sign/{signing_token(signed, 'donor')}/")
    assert "was cancelled" in page.content.decode()
    # Cancelled once: a second post changes nothing and mails nobody.
    client.post(_url(signed), {"reason": "other", "note": "again"})
    signed.refresh_from_db()
    assert signed.cancel_note == REASON["note"] and len(mailoutbox) == 1


def test_a_draft_nobody_signed_is_cancelled_without_mailing_its_address(
    client, treasurer, make_agreement, mailoutbox, commit
):
    draft = make_agreement(notify=False, language="en")
    client.force_login(treasurer)
    with commit(execute=True):
        client.post(_url(draft), {"reason": "duplicate", "note": "Made twice"})
    draft.refresh_from_db()
    assert draft.status == Status.CANCELLED
    assert mailoutbox == []
    response = client.post(
        f"/en/periodic-gift/sign/{signing_token(draft, 'donor')}/", {"document_sha256": "x"}
    )
    assert response.status_code == 409
    assert not draft.signatures.exists()


def test_it_never_cancels_what_the_foundation_countersigned(client, treasurer, anbi):
    in_force = agreement_in_force(first_year=YEAR)
    client.force_login(treasurer)
    html = client.get(_url(in_force)).content.decode()
    assert "cannot be cancelled" in html and 'name="note"' not in html
    client.post(_url(in_force), REASON)
    assert _unchanged(in_force, Status.COUNTERSIGNED)
    result = agreement_cancel(agreement_id=in_force.pk, user=None, reason="other", note="x")
    assert (result.applied, result.problem) == (False, "closed")


@pytest.mark.parametrize("role", ["editor", "outsider", "clerk"])
def test_it_refuses_everyone_who_may_not_countersign(client, signed, request, role):
    if role == "clerk":
        user = _staff("clerk", None)
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_periodicgiftagreement", "change_periodicgiftagreement"]
            )
        )
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(_url(signed)).status_code == 403
    assert client.post(_url(signed), REASON).status_code == 403
    assert _unchanged(signed)


def test_a_superuser_may_cancel(client, signed):
    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(root)
    assert client.get(_url(signed)).status_code == 200
    client.post(_url(signed), REASON)
    signed.refresh_from_db()
    assert signed.status == Status.CANCELLED and signed.cancelled_by == root


def test_the_change_page_leads_to_it(client, treasurer, signed):
    client.force_login(treasurer)
    change = reverse("admin:agreements_periodicgiftagreement_change", args=[signed.pk])
    assert _url(signed) in client.get(change).content.decode()


def test_the_donor_can_erase_their_data_once_it_is_cancelled(
    client, treasurer, anbi, mailoutbox, commit
):
    """From the form to the erasure, as the donor and the treasurer do it."""
    with commit(execute=True):
        client.post("/en/periodic-gift/", form_data())
    agreement = PeriodicGiftAgreement.objects.get()
    with commit(execute=True):
        client.post(link_in(mailoutbox[0]), {"document_sha256": _sha(agreement)})
    agreement.refresh_from_db()
    donor = agreement.donor
    documents = [agreement.terms_pdf]
    open_page(client, donor)
    refused = client.post("/en/my-gifts/page/erase/", follow=True).content.decode()
    assert "periodic-gift agreement still runs" in refused
    assert Donor.objects.get(pk=donor.pk).email == "camila@example.org"

    staff = _staff_client(treasurer)
    with commit(execute=True):
        staff.post(_url(agreement), REASON)

    open_page(client, donor)
    assert "Cancelled" in client.get("/en/my-gifts/page/").content.decode()
    with commit(execute=True):
        erased = client.post("/en/my-gifts/page/erase/")
    assert "Your data is erased" in erased.content.decode()
    donor.refresh_from_db()
    assert donor.email != "camila@example.org" and donor.name == ""
    # The cancelled agreement bound nobody: it goes, with its signatures and document.
    assert not PeriodicGiftAgreement.objects.filter(pk=agreement.pk).exists()
    assert not AgreementSignature.objects.filter(agreement_id=agreement.pk).exists()
    assert not any(d.storage.exists(d.name) for d in documents)
    assert ErasureRequest.objects.get(donor=donor).outcome == ErasureRequest.Outcome.ANONYMISED


def test_retention_deletes_a_cancelled_agreement_after_the_unfinished_period(
    anbi, commit, settings
):
    old = agreement_signed(first_year=YEAR, email="old@example.org")
    recent = agreement_signed(first_year=YEAR, email="recent@example.org")
    for agreement in (old, recent):
        agreement_cancel(agreement_id=agreement.pk, user=None, reason="other", note="x")
    long_ago = timezone.now() - timedelta(days=settings.RETENTION_UNFINISHED_GIFT_DAYS + 1)
    PeriodicGiftAgreement.objects.filter(pk=old.pk).update(cancelled_at=long_ago)
    with commit(execute=True):
        result = retention_apply()
    [step] = [s for s in result.steps if s.name == "unfinished donor records"]
    assert step.counts["cancelled agreements"] == 1
    assert not PeriodicGiftAgreement.objects.filter(pk=old.pk).exists()
    assert PeriodicGiftAgreement.objects.filter(pk=recent.pk).exists()
    assert not old.terms_pdf.storage.exists(old.terms_pdf.name)


def _sha(agreement) -> str:
    agreement.refresh_from_db()
    return agreement.terms_pdf_sha256


def _staff_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.conftest import confirmed_totp

    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(user)
    session = staff.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp(user).persistent_id
    session.save()
    return staff


def test_it_needs_the_csrf_token_and_the_second_factor(client, treasurer, signed):
    from django.test import Client

    from tests.staff.conftest import password_login

    browser = _staff_client(treasurer)
    browser.handler.enforce_csrf_checks = True
    assert browser.get(_url(signed)).status_code == 200
    assert browser.post(_url(signed), REASON).status_code == 403
    password_only = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_login(password_only, "treasurer")
    response = password_only.post(_url(signed), REASON)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:verify"))
    assert _unchanged(signed)
