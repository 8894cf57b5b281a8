"""A stored agreement PDF is checked against the SHA-256 recorded when it was stored, every
time it is served or signed: a changed (or lost) file is refused with a clear message, logged
as an error, and nobody signs it."""

import logging

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from agreements.documents import agreement_terms_document_ensure
from agreements.links import signing_token
from agreements.models import PeriodicGiftAgreement
from agreements.services import agreement_countersign, agreement_sign
from tests.agreements.helpers import agreement_in_force, agreement_signed

YEAR = timezone.localdate().year
Status = PeriodicGiftAgreement.Status
FORGED = b"%PDF-1.7\n% the amount says 1 euro now\n%%EOF\n"


def tamper(field, data: bytes = FORGED) -> None:
    """Change the stored bytes under the same name, as someone with access to the disk or
    the bucket could."""
    storage, name = field.storage, field.name
    storage.delete(name)
    assert storage.save(name, ContentFile(data)) == name


def _refused_in_log(caplog, agreement) -> bool:
    return any(
        record.levelno == logging.ERROR and agreement.number in record.getMessage()
        for record in caplog.records
    )


@pytest.fixture
def draft(make_agreement):
    agreement = make_agreement(notify=False, language="en")
    return agreement_terms_document_ensure(agreement_id=agreement.pk)


def test_the_donor_is_neither_shown_nor_asked_to_sign_a_changed_document(client, draft, caplog):
    tamper(draft.terms_pdf)
    link = f"/en/periodic-gift/sign/{signing_token(draft, 'donor')}/"
    page = client.get(link)
    assert page.status_code == 409
    html = page.content.decode()
    assert "does not match the one we recorded" in html
    assert "Sign the agreement</button>" not in html
    pdf = client.get(link + "agreement.pdf")
    assert pdf.status_code == 409
    assert FORGED not in pdf.content
    signed = client.post(link, {"document_sha256": draft.terms_pdf_sha256})
    assert signed.status_code == 409
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and not draft.signatures.exists()
    assert _refused_in_log(caplog, draft)


def test_the_partner_is_not_shown_a_changed_document(client, anbi, caplog):
    agreement = agreement_signed(
        first_year=YEAR, partner_name="Bart de Vries", partner_email="bart@example.org"
    )
    PeriodicGiftAgreement.objects.filter(pk=agreement.pk).update(status=Status.DONOR_SIGNED)
    agreement.signatures.filter(role="partner").delete()
    tamper(agreement.terms_pdf)
    link = f"/en/periodic-gift/co-sign/{signing_token(agreement, 'partner')}/"
    assert client.get(link + "agreement.pdf").status_code == 409
    assert client.post(link, {"document_sha256": agreement.terms_pdf_sha256}).status_code == 409
    assert not agreement.signatures.filter(role="partner").exists()
    assert _refused_in_log(caplog, agreement)


def test_no_signature_is_recorded_on_a_changed_document(draft, caplog):
    """The service checks too, under the row lock: the file may change after the page."""
    tamper(draft.terms_pdf)
    result = agreement_sign(
        agreement_id=draft.pk, role="donor", ip="", document_sha256=draft.terms_pdf_sha256
    )
    assert (result.applied, result.problem) == (False, "document_damaged")
    assert not draft.signatures.exists()


def test_a_lost_document_is_refused_too(client, draft, caplog):
    draft.terms_pdf.storage.delete(draft.terms_pdf.name)
    link = f"/en/periodic-gift/sign/{signing_token(draft, 'donor')}/"
    assert client.get(link + "agreement.pdf").status_code == 409
    assert _refused_in_log(caplog, draft)


def test_the_foundation_never_countersigns_a_changed_document(anbi, caplog):
    agreement = agreement_signed(first_year=YEAR)
    tamper(agreement.terms_pdf)
    result = agreement_countersign(agreement_id=agreement.pk, user=None, name="Ana Tesorera")
    assert (result.applied, result.problem) == (False, "document_damaged")
    agreement.refresh_from_db()
    assert agreement.status == Status.DONOR_SIGNED and not agreement.final_pdf
    assert _refused_in_log(caplog, agreement)


def test_the_admin_refuses_to_serve_a_changed_document(client, treasurer, anbi, caplog):
    agreement = agreement_in_force(first_year=YEAR)
    tamper(agreement.final_pdf)
    client.force_login(treasurer)
    url = f"/admin/agreements/periodicgiftagreement/{agreement.pk}/document/final/"
    response = client.get(url, follow=True)
    assert response.redirect_chain and FORGED not in response.content
    assert "does not match the SHA-256 recorded" in response.content.decode()
    assert _refused_in_log(caplog, agreement)
    # The other document is intact and still served.
    assert client.get(url.replace("final", "terms")).status_code == 200


def test_the_donors_page_refuses_a_changed_document(client, anbi, caplog):
    from tests.donor_pages import open_page

    agreement = agreement_in_force(first_year=YEAR)
    tamper(agreement.final_pdf)
    open_page(client, agreement.donor)
    response = client.get(f"/en/my-gifts/page/agreements/{agreement.pk}.pdf", follow=True)
    assert FORGED not in response.content
    assert "does not match the one we recorded" in response.content.decode()
    assert _refused_in_log(caplog, agreement)


def test_the_signed_agreement_is_not_mailed_while_its_document_is_changed(anbi, mailoutbox):
    from agreements.tasks import send_signed_agreement

    agreement = agreement_in_force(first_year=YEAR)
    good = agreement.document_bytes("final")
    tamper(agreement.final_pdf)
    send_signed_agreement.call(agreement.pk)
    assert mailoutbox == []
    # Restored from the backup: the task sends it when it runs again.
    tamper(agreement.final_pdf, good)
    send_signed_agreement.call(agreement.pk)
    [message] = mailoutbox
    assert message.attachments[0][1] == good
