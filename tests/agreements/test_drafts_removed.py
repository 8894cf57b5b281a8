"""A draft agreement (never signed) holds the donor's name, address and date of birth and
binds nobody: erasure and retention delete it with its stored PDF; a signed one stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agreements.documents import agreement_terms_document_ensure
from agreements.models import PeriodicGiftAgreement
from donors.models import Donor
from mygifts.your_data import ErasureRefused, donor_erase
from retention.steps import retention_apply
from tests.agreements.helpers import agreement_in_force

LONG_AGO = timedelta(days=31)


def _draft(make_agreement, email: str) -> PeriodicGiftAgreement:
    draft = make_agreement(email=email, notify=False)
    # The signing page renders and stores the document to sign when first opened.
    return agreement_terms_document_ensure(agreement_id=draft.pk)


def _stored(agreement: PeriodicGiftAgreement) -> bool:
    return agreement.terms_pdf.storage.exists(agreement.terms_pdf.name)


def _age(agreement: PeriodicGiftAgreement, age: timedelta) -> None:
    moment = timezone.now() - age
    PeriodicGiftAgreement.objects.filter(pk=agreement.pk).update(created_at=moment)
    Donor.objects.filter(pk=agreement.donor_id).update(created_at=moment)


def test_erasure_deletes_an_unsigned_agreement_and_its_document(make_agreement, commit):
    """An unsigned agreement joins nobody, but it was started with the donor's address."""
    owner = Donor.objects.create(email="draft@example.org")
    draft = _draft(make_agreement, "Draft@Example.org ")
    other = _draft(make_agreement, "other@example.org")
    assert _stored(draft)
    with commit(execute=True):
        donor_erase(donor_id=owner.pk)
    assert not PeriodicGiftAgreement.objects.filter(pk=draft.pk).exists()
    assert not _stored(draft)
    assert PeriodicGiftAgreement.objects.filter(pk=other.pk).exists() and _stored(other)


def test_erasure_is_still_refused_while_a_signed_agreement_runs(anbi):
    signed = agreement_in_force(first_year=timezone.localdate().year, email="runs@example.org")
    with pytest.raises(ErasureRefused):
        donor_erase(donor_id=signed.donor_id)
    signed.refresh_from_db()
    assert signed.surname and signed.final_pdf and signed.terms_pdf


def test_retention_deletes_an_old_draft(make_agreement, commit):
    old = _draft(make_agreement, "old@example.org")
    recent = _draft(make_agreement, "recent@example.org")
    signed = agreement_in_force(first_year=timezone.localdate().year, email="signed@example.org")
    _age(old, LONG_AGO)
    _age(signed, LONG_AGO)

    dry = retention_apply(dry_run=True)
    [step] = [s for s in dry.steps if s.name == "unfinished donor records"]
    # No donor record was made for a draft: nobody signed it.
    assert dict(step.counts) == {"unsigned agreements": 1}
    assert PeriodicGiftAgreement.objects.count() == 3

    with commit(execute=True):
        real = retention_apply()
    assert [s.counts for s in real.steps] == [s.counts for s in dry.steps]
    assert set(PeriodicGiftAgreement.objects.values_list("pk", flat=True)) == {
        recent.pk,
        signed.pk,
    }
    assert not _stored(old) and _stored(recent)
    assert not Donor.objects.filter(email="old@example.org").exists()
    assert Donor.objects.filter(email="signed@example.org").exists()
    assert retention_apply().changed == 0
