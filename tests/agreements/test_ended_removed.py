"""A signed agreement is kept as part of the books while it runs and for RETENTION_DONOR_YEARS
after it ended; then retention deletes it, its signatures and their audit entries, the links
to its gifts and both documents. The gifts stay in the books."""

from datetime import date
from decimal import Decimal
from io import StringIO

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from agreements.models import AgreementGift, AgreementSignature, PeriodicGiftAgreement
from agreements.services import agreement_end
from donations.models import Donation
from donations.retention import retention_apply
from tests.agreements.helpers import agreement_in_force


def _ended(email: str, years_ago: int, make_donation) -> PeriodicGiftAgreement:
    today = timezone.localdate()
    agreement = agreement_in_force(first_year=today.year - years_ago - 5, email=email)
    gift = make_donation("120.00", donor_email=email, donor=agreement.donor)
    AgreementGift.objects.create(agreement=agreement, donation=gift)
    agreement_end(agreement_id=agreement.pk, on=date(today.year - years_ago, 1, 15), reason="term")
    agreement.refresh_from_db()
    return agreement


def _stored(document) -> bool:
    return document.storage.exists(document.name)


def _signature_entries(signature_ids: list[str]):
    """The audit entries of these signatures: they hold each signer's name and address."""
    signature_type = ContentType.objects.get_for_model(AgreementSignature)
    return LogEntry.objects.filter(content_type=signature_type, object_pk__in=signature_ids)


def test_retention_deletes_an_agreement_ended_longer_ago_than_the_books_are_kept(
    anbi, make_donation, commit, settings
):
    old = _ended("old@example.org", settings.RETENTION_DONOR_YEARS + 1, make_donation)
    documents = [old.terms_pdf, old.final_pdf]
    assert all(_stored(document) for document in documents)
    signature_ids = [str(pk) for pk in old.signatures.values_list("pk", flat=True)]
    assert _signature_entries(signature_ids).exists()
    gift = old.linked_gifts.get().donation

    with commit(execute=True):
        result = retention_apply()

    [step] = [s for s in result.steps if s.name == "expired records"]
    assert step.counts == {"ended agreements": 1}
    assert not PeriodicGiftAgreement.objects.filter(pk=old.pk).exists()
    assert not AgreementSignature.objects.filter(agreement_id=old.pk).exists()
    assert not any(_stored(document) for document in documents)
    assert not _signature_entries(signature_ids).exists()
    # Nor did the deletion write new entries that copy what it removed.
    agreement_type = ContentType.objects.get_for_model(PeriodicGiftAgreement)
    assert not LogEntry.objects.filter(
        content_type=agreement_type, object_pk=str(old.pk), action=LogEntry.Action.DELETE
    ).exists()
    # The money stays in the books.
    assert Donation.objects.get(pk=gift.pk).amount == Decimal("120.00")


def test_it_keeps_an_agreement_that_runs_or_ended_within_the_period(
    anbi, make_donation, commit, settings
):
    recent = _ended("recent@example.org", settings.RETENTION_DONOR_YEARS - 2, make_donation)
    running = agreement_in_force(first_year=2000, email="running@example.org")
    with commit(execute=True):
        result = retention_apply()
    [step] = [s for s in result.steps if s.name == "expired records"]
    assert step.counts == {}
    for agreement in (recent, running):
        agreement.refresh_from_db()
        assert agreement.surname and _stored(agreement.final_pdf)
        assert agreement.signatures.exists()


def test_a_dry_run_counts_it_and_deletes_nothing(anbi, make_donation, settings):
    old = _ended("old@example.org", settings.RETENTION_DONOR_YEARS + 1, make_donation)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "Expired records" in out.getvalue()
    assert "would change 1 ended agreements" in out.getvalue()
    assert PeriodicGiftAgreement.objects.filter(pk=old.pk).exists()
    assert _stored(old.final_pdf)
