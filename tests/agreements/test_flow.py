"""The whole agreement: the donor fills it in, signs by link, the partner co-signs, the
treasurer countersigns, and the donor gets the final PDF."""

import hashlib
import io
from decimal import Decimal

from auditlog.models import LogEntry
from django.utils import timezone
from pypdf import PdfReader

from agreements.documents import stored_bytes
from agreements.models import AgreementSignature, PeriodicGiftAgreement
from agreements.tasks import send_signed_agreement, send_signing_link
from tests.agreements.conftest import form_data, link_in, pdf_text
from tests.agreements.helpers import agreement_in_force

Status = PeriodicGiftAgreement.Status


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _document(client, link: str) -> bytes:
    response = client.get(link + "agreement.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


def _countersign(client, agreement, commit):
    with commit(execute=True):
        return client.post(
            f"/admin/agreements/periodicgiftagreement/{agreement.pk}/countersign/", follow=True
        )


def test_it_runs_the_whole_flow_with_a_partner(client, anbi, treasurer, mailoutbox, commit):
    data = form_data(partner_name="Bart de Vries", partner_email="bart@example.org")
    with commit(execute=True):
        response = client.post("/nl/periodic-gift/", data)
    assert response.status_code == 302
    assert response["Location"] == "/nl/periodic-gift/check-your-email/"
    agreement = PeriodicGiftAgreement.objects.get()
    year = timezone.localdate().year
    assert agreement.number == f"PG-{year}-0001"
    assert agreement.rsin == "851954534"
    assert agreement.yearly_amount == Decimal("1200.50")
    assert agreement.language == "nl"
    assert agreement.status == Status.DRAFT
    assert agreement.email == "camila@example.org"
    # Anyone may have typed the address: it joins a donor's records when its owner signs.
    assert agreement.donor is None

    # 1. The donor's link.
    [invitation] = mailoutbox
    assert invitation.to == ["camila@example.org"]
    assert agreement.number in invitation.subject
    donor_link = link_in(invitation)
    page = client.get(donor_link)
    assert page.status_code == 200
    assert agreement.number in page.content.decode()
    shown = _document(client, donor_link)
    agreement.refresh_from_db()
    assert _sha(shown) == agreement.terms_pdf_sha256
    with commit(execute=True):
        assert client.post(donor_link, {"document_sha256": _sha(shown)}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.DONOR_SIGNED
    assert agreement.donor.email == "camila@example.org"
    assert agreement.donor.name == "Camila Andrea Rojas Pérez"
    donor_signature = agreement.signatures.get(role="donor")
    assert donor_signature.ip_address == "127.0.0.1"
    assert donor_signature.document_sha256 == _sha(shown)
    assert donor_signature.name == "Camila Andrea Rojas Pérez"
    assert "Camila" in client.get(donor_link).content.decode()

    # 2. The partner's own link.
    partner_invitation = mailoutbox[1]
    assert partner_invitation.to == ["bart@example.org"]
    partner_link = link_in(partner_invitation)
    assert "/co-sign/" in partner_link
    assert _document(client, partner_link) == shown
    assert client.post(partner_link, {"document_sha256": _sha(shown)}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.PARTNER_SIGNED
    assert agreement.signatures.get(role="partner").name == "Bart de Vries"
    assert len(mailoutbox) == 2

    # 3. The treasurer countersigns in the admin.
    client.force_login(treasurer)
    response = _countersign(client, agreement, commit)
    assert f"Countersigned {agreement.number}" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Status.COUNTERSIGNED
    foundation = agreement.signatures.get(role="foundation")
    assert (foundation.user, foundation.name) == (treasurer, "Ana Tesorera")
    final = stored_bytes(agreement.final_pdf)
    assert agreement.final_pdf_sha256 == _sha(final)

    # 4. The donor gets the final PDF, once.
    [signed] = mailoutbox[2:]
    assert signed.to == ["camila@example.org"]
    [(filename, attached, mimetype)] = signed.attachments
    assert (filename, mimetype) == (f"{agreement.number}.pdf", "application/pdf")
    assert attached == final
    text = " ".join(pdf_text(final).split())
    assert agreement.number in text
    assert "851954534" in text
    assert "duizend tweehonderd euro en vijftig cent" in text
    assert "Bart de Vries" in text and "Ana Tesorera" in text
    assert agreement.terms_pdf_sha256 in text
    assert _countersign(client, agreement, commit).status_code == 200
    assert len(mailoutbox) == 3
    assert agreement.signatures.count() == 3


def test_it_needs_no_partner_and_writes_the_words_in_the_donors_language(
    client, anbi, treasurer, mailoutbox, commit
):
    with commit(execute=True):
        client.post("/es/periodic-gift/", form_data(yearly_amount="21", duration="open_ended"))
    agreement = PeriodicGiftAgreement.objects.get()
    link = link_in(mailoutbox[0])
    assert link.startswith("/es/")
    shown = _document(client, link)
    client.post(link, {"document_sha256": _sha(shown)})
    agreement.refresh_from_db()
    assert agreement.status == Status.DONOR_SIGNED
    client.force_login(treasurer)
    _countersign(client, agreement, commit)
    agreement.refresh_from_db()
    assert agreement.status == Status.COUNTERSIGNED
    final = stored_bytes(agreement.final_pdf)
    text = " ".join(pdf_text(final).split())
    assert "veintiún euros" in text
    reader = PdfReader(io.BytesIO(final))
    assert reader.trailer["/Root"]["/Lang"] == "es"
    # Tagged, like the reports: a screen reader can follow it.
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert len(mailoutbox) == 2


def test_it_records_the_countersignature_in_the_audit_trail(
    client, make_agreement, treasurer, mailoutbox, commit
):
    with commit(execute=True):
        agreement = make_agreement()
    client.post(link_in(mailoutbox[0]), {"document_sha256": _terms_sha(agreement)})
    client.force_login(treasurer)
    _countersign(client, agreement, commit)
    signature = AgreementSignature.objects.get(role="foundation")
    entry = LogEntry.objects.get_for_object(signature).get()
    assert entry.actor == treasurer
    assert entry.action == LogEntry.Action.CREATE


def _terms_sha(agreement) -> str:
    agreement.refresh_from_db()
    return agreement.terms_pdf_sha256


def test_it_sends_each_email_once_however_often_its_task_runs(make_agreement, mailoutbox):
    agreement = make_agreement(notify=False, language="en")
    send_signing_link.call(agreement.pk, "donor")
    send_signing_link.call(agreement.pk, "donor")
    assert len(mailoutbox) == 1
    in_force = agreement_in_force(first_year=timezone.localdate().year, email="b@example.org")
    send_signed_agreement.call(in_force.pk)
    send_signed_agreement.call(in_force.pk)
    assert [m.to for m in mailoutbox[1:]] == [["b@example.org"]]
    # Never to a draft, which has no signed agreement to send.
    send_signed_agreement.call(agreement.pk)
    assert len(mailoutbox) == 2
