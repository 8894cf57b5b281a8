"""Agreements the donor (and partner) signed and the foundation has not yet countersigned, on
the treasurer's attention list (reports.attention, through its registry)."""

from django.utils import timezone

from agreements.documents import agreement_terms_document_ensure
from agreements.models import PeriodicGiftAgreement
from agreements.services import agreement_countersign, agreement_create, agreement_sign
from reports.attention import treasurer_attention
from tests.agreements.conftest import cleaned
from tests.agreements.helpers import agreement_signed

COUNTERSIGN = "Agreements waiting for the foundation's countersignature"
YEAR = timezone.localdate().year


def _waiting() -> int:
    concerns = {str(c.label): c for c in treasurer_attention().concerns}
    return concerns[COUNTERSIGN].count if COUNTERSIGN in concerns else 0


def test_it_counts_an_agreement_once_every_signer_for_the_donor_signed(anbi):
    alone = agreement_signed(first_year=YEAR)
    with_partner = agreement_create(
        data=cleaned(email="b@example.org", partner_name="Pat", partner_email="pat@example.org"),
        language="en",
        notify=False,
    )
    # Still a draft, nobody's signature yet: not the foundation's turn.
    agreement_create(data=cleaned(email="c@example.org"), language="en", notify=False)
    assert _waiting() == 1
    with_partner = agreement_terms_document_ensure(agreement_id=with_partner.pk)
    digest = with_partner.terms_pdf_sha256
    agreement_sign(agreement_id=with_partner.pk, role="donor", ip="", document_sha256=digest)
    assert _waiting() == 1  # the partner has not signed yet
    agreement_sign(agreement_id=with_partner.pk, role="partner", ip="", document_sha256=digest)
    assert _waiting() == 2

    for agreement in (alone, with_partner):
        agreement_countersign(agreement_id=agreement.pk, user=None, name="Tesorera", notify=False)
    assert _waiting() == 0
    assert set(PeriodicGiftAgreement.objects.values_list("status", flat=True)) == {
        "countersigned",
        "draft",
    }


def test_its_link_lists_exactly_the_agreements_to_countersign(client, treasurer, anbi):
    waiting = agreement_signed(first_year=YEAR)
    other = agreement_create(data=cleaned(email="d@example.org"), language="en", notify=False)
    [concern] = [c for c in treasurer_attention().concerns if str(c.label) == COUNTERSIGN]
    client.force_login(treasurer)
    page = client.get(concern.url).content.decode()
    assert waiting.number in page and other.number not in page
