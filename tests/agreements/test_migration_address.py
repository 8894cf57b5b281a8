"""Agreements made before an agreement kept its own address: the migration copies the donor's
address onto each, and detaches the drafts (attached whoever typed the address); a signed one
keeps its donor."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agreements.models import PeriodicGiftAgreement

BEFORE = [("agreements", "0002_treasurer_agreement_roles")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_copies_the_address_and_detaches_the_drafts(postgres):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # The agreements as they were, beside every other app as it is.
    others = [
        n for n in executor.loader.graph.leaf_nodes() if n[0] not in ("agreements", "donations")
    ]
    old = executor.loader.project_state([*BEFORE, *others]).apps
    Agreement = old.get_model("agreements", "PeriodicGiftAgreement")
    Donor = Agreement._meta.get_field("donor").related_model
    terms = {
        "language": "nl",
        "surname": "Rojas",
        "given_names": "Camila",
        "birth_date": date(1980, 5, 17),
        "birth_place": "Valparaíso",
        "street": "Keizersgracht 1",
        "postcode": "1015 AA",
        "city": "Amsterdam",
        "country": "Nederland",
        "yearly_amount": Decimal("240.00"),
        "duration": "five_years",
        "duration_years": 5,
        "first_year": 2026,
        "payment_way": "yearly_sponsorship",
        "foundation_name": "Stichting",
    }
    camila = Donor.objects.create(email="camila@example.org")
    ana = Donor.objects.create(email="ana@example.org")
    Agreement.objects.create(number="PG-2026-0001", donor=camila, status="donor_signed", **terms)
    Agreement.objects.create(number="PG-2026-0002", donor=ana, status="draft", **terms)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    signed = PeriodicGiftAgreement.objects.get(number="PG-2026-0001")
    draft = PeriodicGiftAgreement.objects.get(number="PG-2026-0002")
    assert (signed.email, signed.donor.email) == ("camila@example.org", "camila@example.org")
    assert (draft.email, draft.donor) == ("ana@example.org", None)
    # The way to pay no longer offered still reads as it did.
    assert signed.get_payment_way_display() == "A yearly sponsorship"
