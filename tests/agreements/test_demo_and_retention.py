"""`load_demo` makes one finished agreement; a running agreement keeps its donor's details."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from agreements.models import PeriodicGiftAgreement
from agreements.selectors import donors_with_running_agreement
from retention.base import held_keys
from tests.agreements.helpers import agreement_in_force, agreement_signed


def test_it_loads_one_countersigned_demo_agreement_once(db, mailoutbox):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    agreement = PeriodicGiftAgreement.objects.get()
    assert agreement.status == PeriodicGiftAgreement.Status.COUNTERSIGNED
    assert agreement.donor.email == "demo.donor@example.org"
    assert agreement.rsin == "000000000"
    assert agreement.final_pdf_sha256 and agreement.terms_pdf_sha256
    assert set(agreement.signatures.values_list("role", flat=True)) == {"donor", "foundation"}
    # Signed by the demo treasurer under their full name, as the admin's page does.
    assert agreement.signatures.get(role="foundation").name == "Demo Penningmeester"
    assert mailoutbox == []


def test_it_keeps_the_donor_of_a_running_agreement(anbi):
    year = timezone.localdate().year
    agreement_in_force(first_year=year, email="running@example.org")
    draft = agreement_signed(first_year=year, email="draft@example.org")
    PeriodicGiftAgreement.objects.filter(pk=draft.pk).update(status="draft")
    ended = agreement_in_force(first_year=year, email="ended@example.org")
    PeriodicGiftAgreement.objects.filter(pk=ended.pk).update(
        status="ended", ended_on=timezone.localdate() - timedelta(days=1)
    )
    keys = {
        "email:running@example.org",
        "email:draft@example.org",
        "email:ended@example.org",
        "iban:NL91ABNA0417164300",
    }
    assert donors_with_running_agreement(keys) == {"email:running@example.org"}
    # Retention asks every app through its signal; the agreements answer.
    assert held_keys(keys) == {"email:running@example.org"}
