"""A signed agreement is kept as part of the books while it runs and for RETENTION_DONOR_YEARS
after the year it ended (recorded by the treasurer, or the last year of a fixed term); then
retention deletes it, its signatures, the links to its gifts, all their audit entries and both
documents. The gifts stay in the books."""

from datetime import date
from decimal import Decimal
from io import StringIO

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from agreements.models import AgreementGift, AgreementSignature, PeriodicGiftAgreement
from agreements.services import agreement_end
from ledger.models import Donation
from retention.steps import retention_apply
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


def _entries(model, pks) -> models.QuerySet:
    """Audit entries of these rows: a signer's name and address, why it ended, which gift."""
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(p) for p in pks])


def test_retention_deletes_an_agreement_ended_longer_ago_than_the_books_are_kept(
    anbi, make_donation, commit, settings
):
    old = _ended("old@example.org", settings.RETENTION_DONOR_YEARS + 1, make_donation)
    documents = [old.terms_pdf, old.final_pdf]
    assert all(_stored(document) for document in documents)
    kept = {
        AgreementSignature: list(old.signatures.values_list("pk", flat=True)),
        AgreementGift: list(old.linked_gifts.values_list("pk", flat=True)),
        PeriodicGiftAgreement: [old.pk],
    }
    assert all(_entries(model, pks).exists() for model, pks in kept.items())
    gift = old.linked_gifts.get().donation

    with commit(execute=True):
        result = retention_apply()

    [step] = [s for s in result.steps if s.name == "expired records"]
    assert step.counts == {"ended agreements": 1}
    assert not PeriodicGiftAgreement.objects.filter(pk=old.pk).exists()
    assert not AgreementSignature.objects.filter(agreement_id=old.pk).exists()
    assert not any(_stored(document) for document in documents)
    # Neither the entries that were there, nor new ones copying what the deletion removed.
    assert not any(_entries(model, pks).exists() for model, pks in kept.items())
    # The money stays in the books.
    assert Donation.objects.get(pk=gift.pk).amount == Decimal("120.00")


def test_it_deletes_a_fixed_term_agreement_whose_term_ended_long_ago_unmarked(anbi, commit):
    # Five years from 2000: its last year, 2004, is long before the books' cutoff, though
    # nobody recorded its end.
    old = agreement_in_force(first_year=2000, email="unmarked@example.org")
    with commit(execute=True):
        result = retention_apply()
    [step] = [s for s in result.steps if s.name == "expired records"]
    assert step.counts == {"ended agreements": 1}
    assert not PeriodicGiftAgreement.objects.filter(pk=old.pk).exists()


def test_it_keeps_an_agreement_that_runs_or_ended_within_the_period(
    anbi, make_donation, commit, settings
):
    recent = _ended("recent@example.org", settings.RETENTION_DONOR_YEARS - 2, make_donation)
    # The books keep a year's records for the whole of the years after it: an agreement that
    # ended exactly RETENTION_DONOR_YEARS years ago (in January) is not due yet.
    edge = _ended("edge@example.org", settings.RETENTION_DONOR_YEARS, make_donation)
    running = agreement_in_force(
        first_year=timezone.localdate().year - 3, email="running@example.org"
    )
    with commit(execute=True):
        result = retention_apply()
    [step] = [s for s in result.steps if s.name == "expired records"]
    assert step.counts == {}
    for agreement in (recent, edge, running):
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
