"""Every admin page a staff member can reach, opened by every role, for an object of every kind.

The expected answers are written out by hand from the README's "Who can do what", not read
from the admins themselves, so a permission that drifts fails here.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementSignature, PeriodicGiftAgreement
from agreements.services import agreement_create
from annual_statements.documents import statement_issue
from donors.models import Donor
from ledger.corrections import donation_correct
from ledger.models import (
    BankStatement,
    Category,
    Donation,
    Expense,
    FundTransfer,
    LedgerEntry,
    StatementLine,
)
from messages_of_support.models import MessageOfSupport
from mygifts.your_data import donor_erase
from payments.models import PaymentEvent, StatusChange
from prisoners.models import Update
from reports.models import FundOverview
from sponsorships.models import Sponsorship
from statements.models import ExpectedTransfer

ROLES = ["superuser", "treasurer", "editor", "outsider"]
ALL = {"changelist", "add", "change"}
VIEW = {"changelist", "change"}

# model label -> role -> the views that role may open (every other view answers 403).
# Superusers may not add what is only ever recorded by the system or from another page.
MAY_OPEN = {
    "auth.user": {"superuser": ALL},
    "auth.group": {"superuser": ALL},
    "django_tasks_database.dbtaskresult": {"superuser": VIEW},
    "prisoners.campaign": {"superuser": VIEW, "editor": VIEW, "treasurer": VIEW},
    "prisoners.prisoner": {"superuser": ALL, "editor": ALL, "treasurer": VIEW},
    "prisoners.update": {"superuser": ALL, "editor": ALL},
    "ledger.donation": {"superuser": ALL, "treasurer": ALL},
    "ledger.category": {"superuser": ALL, "treasurer": ALL},
    "payments.paymentevent": {"superuser": VIEW, "treasurer": VIEW},
    "ledger.correction": {"superuser": VIEW, "treasurer": VIEW},
    "ledger.bankstatement": {"superuser": ALL, "treasurer": ALL},
    "ledger.statementline": {"superuser": VIEW, "treasurer": VIEW},
    "ledger.expense": {"superuser": ALL, "treasurer": ALL},
    "ledger.fundtransfer": {"superuser": ALL, "treasurer": ALL},
    # The journal: read-only for everyone; the database refuses any change.
    "ledger.ledgerentry": {"superuser": VIEW, "treasurer": VIEW},
    "reports.fundoverview": {"superuser": VIEW, "treasurer": VIEW},
    # Donors and sponsorships: personal data, for treasurers only; cancelled by an action.
    "donors.donor": {"superuser": VIEW, "treasurer": VIEW},
    "sponsorships.sponsorship": {"superuser": VIEW, "treasurer": VIEW},
    # Login throttling: superusers see (and may clear) the counters; nobody adds or edits one.
    "axes.accessattempt": {"superuser": VIEW},
    "axes.accesslog": {"superuser": VIEW},
    "axes.accessfailurelog": {"superuser": VIEW},
    # The audit trail: read by superusers and treasurers, written only by the system.
    "auditlog.logentry": {"superuser": VIEW, "treasurer": VIEW},
    "statements.expectedtransfer": {"superuser": VIEW, "treasurer": VIEW},
    # Reviewing messages is editorial; the admin shows no money and no donor's email.
    "messages_of_support.messageofsupport": {"superuser": VIEW, "editor": VIEW},
    # Periodic-gift agreements: made and signed by donors; treasurers countersign and link.
    "agreements.periodicgiftagreement": {"superuser": VIEW, "treasurer": VIEW},
    # Issued statements and erasure requests: records of what happened, read by treasurers.
    "annual_statements.annualstatement": {"superuser": VIEW, "treasurer": VIEW},
    "retention.erasurerequest": {"superuser": VIEW, "treasurer": VIEW},
}
PROVIDERS = ["demo", "mollie", "stripe", "manual", "bank"]


def test_it_knows_what_to_expect_of_every_registered_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(MAY_OPEN)


def _user(role: str) -> User:
    if role == "superuser":
        return User.objects.create_superuser("root", password="pw-for-tests-only")
    user = User.objects.create_user(role, password="pw-for-tests-only", is_staff=True)
    group = {"treasurer": "Treasurers", "editor": "Editors"}.get(role)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _agreement_of_every_status() -> list[PeriodicGiftAgreement]:
    """One agreement per status. Written straight to the tables: the flow that leads to each
    status (and renders its PDFs) is tested in tests/agreements."""
    from tests.agreements.conftest import cleaned

    made = []
    for n, status in enumerate(PeriodicGiftAgreement.Status.values):
        data = cleaned(email=f"a{n}@example.org", partner_name="P", partner_email="p@x.org")
        agreement = agreement_create(data=data, language="en", notify=False)
        roles = {
            "draft": [],
            "donor_signed": ["donor"],
            "partner_signed": ["donor", "partner"],
            "cancelled": ["donor"],
        }
        for role in roles.get(status, ["donor", "partner", "foundation"]):
            AgreementSignature.objects.create(
                agreement=agreement, role=role, name=role, document_sha256="0" * 64
            )
        cancelled = {"cancelled_at": timezone.now(), "cancel_reason": "other", "cancel_note": "x"}
        PeriodicGiftAgreement.objects.filter(pk=agreement.pk).update(
            status=status, **(cancelled if status == "cancelled" else {})
        )
        agreement.status = status
        made.append(agreement)
    return made


@pytest.fixture
def every_kind(campaign, make_prisoner, make_donation):
    """One object of every kind the admin shows, and a gift per provider and status."""
    prisoner = make_prisoner(name="Ana Ejemplo", slug="ana")
    objects = {
        "prisoners.campaign": [campaign],
        "prisoners.prisoner": [prisoner],
        "prisoners.update": [
            Update.objects.create(
                prisoner=prisoner,
                published_on=date(2025, 1, 1),
                title_en="News",
                body_en="<p>News</p>",
            )
        ],
    }
    gifts = []
    for n, (provider, status) in enumerate(
        (p, s) for p in PROVIDERS for s in Donation.Status.values
    ):
        gift = make_donation(
            "25.00",
            provider=provider,
            status=status,
            prisoner=prisoner if n % 2 else None,
            provider_payment_id=None if provider == "manual" else f"{provider}_{n}",
            method="card" if provider in ("stripe", "demo") else "ideal",
            donor_email=f"donor{n}@example.org",
            received_on=date(2025, 3, 1) if status == "paid" else None,
        )
        StatusChange.objects.create(
            donation=gift, from_status="new", to_status=status, source="webhook"
        )
        gifts.append(gift)
    paid = next(g for g in gifts if g.status == "paid")
    correction = donation_correct(
        donation_id=paid.pk, amount=Decimal("-5.00"), reason="typo", user="t", on=date(2025, 3, 2)
    )
    objects["ledger.donation"] = gifts
    message = MessageOfSupport.objects.create(donation=paid, text="Fuerza", is_public=True)
    objects["messages_of_support.messageofsupport"] = [message]
    objects["ledger.correction"] = [correction]
    statement = BankStatement.objects.create(file_name="s.xml", format="camt053", account_iban="X")
    lines = [
        StatementLine.objects.create(
            statement=statement,
            dedupe_key=f"k{n}",
            account_iban="NL91ABNA0417164300",
            booking_date=date(2025, 3, 1),
            amount=Decimal("10.00"),
            is_credit=status != "spending",
            status=status,
        )
        for n, status in enumerate(StatementLine.Status.values)
    ]
    objects["ledger.bankstatement"] = [statement]
    objects["ledger.statementline"] = lines
    category = Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")
    objects["ledger.category"] = [category]
    objects["ledger.expense"] = [
        Expense.objects.create(amount=Decimal("9.00"), prisoner=prisoner, category=category)
    ]
    objects["ledger.ledgerentry"] = list(LedgerEntry.objects.order_by("pk")[:3])
    objects["ledger.fundtransfer"] = [
        FundTransfer.objects.create(amount=Decimal("3.00"), to_prisoner=prisoner, reason="x")
    ]
    objects["payments.paymentevent"] = [
        PaymentEvent.objects.create(provider="mollie", payload="id=tr_1", outcome="applied")
    ]
    objects["reports.fundoverview"] = [FundOverview.objects.get(pk=prisoner.pk)]
    objects["statements.expectedtransfer"] = [
        ExpectedTransfer.objects.create(
            amount=Decimal("25.00"), prisoner=prisoner, email="transfer@example.org"
        ),
        ExpectedTransfer.objects.create(
            amount=Decimal("10.00"), email="paid@example.org", status="received", donation=paid
        ),
    ]
    donor = Donor.objects.create(email="sponsor@example.org", name="Sponsor")
    objects["donors.donor"] = [donor]
    objects["sponsorships.sponsorship"] = [
        Sponsorship.objects.create(
            donor=donor, prisoner=prisoner, amount=Decimal("15.00"), provider=p, method="card"
        )
        for p in ("demo", "mollie", "stripe")
    ]
    objects["agreements.periodicgiftagreement"] = _agreement_of_every_status()
    make_donation("30.00", donor=donor, received_on=date(2024, 5, 1))
    objects["annual_statements.annualstatement"] = [statement_issue(donor_id=donor.pk, year=2024)]
    erased = Donor.objects.create(email="erased@example.org")
    objects["retention.erasurerequest"] = [donor_erase(donor_id=erased.pk)]
    objects["auth.group"] = list(Group.objects.all())
    attempt = {"username": "someone", "ip_address": "192.0.2.1", "user_agent": "test"}
    objects["axes.accessattempt"] = [
        AccessAttempt.objects.create(**attempt, failures_since_start=2, get_data="", post_data="")
    ]
    objects["axes.accesslog"] = [AccessLog.objects.create(**attempt)]
    objects["axes.accessfailurelog"] = [AccessFailureLog.objects.create(**attempt)]
    # The gifts above were written to the audit trail as they were created.
    objects["auditlog.logentry"] = list(LogEntry.objects.order_by("pk")[:3])
    assert objects["auditlog.logentry"]
    return objects


def _open(client, url):
    response = client.get(url)
    if response.status_code == 302:
        # The review queue opens itself filtered; a redirect to the login is a refusal.
        assert "/login/" not in response["Location"]
        response = client.get(response["Location"])
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_it_opens_every_admin_page_as_each_role_says(client, every_kind, role):
    user = _user(role)
    objects = {**every_kind, "auth.user": [user]}
    client.force_login(user)
    problems = []
    for model in admin.site._registry:
        label = model._meta.label_lower
        allowed = MAY_OPEN[label].get(role, set())
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [("changelist", reverse(f"{info}_changelist")), ("add", reverse(f"{info}_add"))]
        urls += [
            ("change", reverse(f"{info}_change", args=[obj.pk])) for obj in objects.get(label, [])
        ]
        for view, url in urls:
            expected = 200 if view in allowed else 403
            status = _open(client, url)
            if status != expected:
                problems.append(f"{role} {url}: {status}, expected {expected}")
    assert problems == []


def test_it_covers_a_gift_of_every_provider_in_every_status(every_kind):
    seen = {(g.provider, g.status) for g in every_kind["ledger.donation"]}
    assert seen == {(p, s) for p in PROVIDERS for s in Donation.Status.values}


def test_it_covers_an_agreement_of_every_status(every_kind):
    seen = {a.status for a in every_kind["agreements.periodicgiftagreement"]}
    assert seen == set(PeriodicGiftAgreement.Status.values)


# Django's widget for a decimal: a number field, from which Chromium drops the comma of "32,50"
# and sends 3250. Whole numbers (an order) may stay number fields; they carry no step.
DECIMAL_NUMBER_INPUT = re.compile(r'<input[^>]*type="number"[^>]*step="[^"]*"[^>]*>')


@pytest.mark.parametrize("role", ["superuser", "treasurer"])
def test_it_asks_for_every_amount_in_a_text_field_on_every_admin_page(client, every_kind, role):
    user = _user(role)
    objects = {**every_kind, "auth.user": [user]}
    client.force_login(user)
    number_fields, amount_fields = [], 0
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        # The list too: its editable columns and its actions' forms.
        urls = [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        urls += [
            reverse(f"{info}_change", args=[obj.pk])
            for obj in objects.get(model._meta.label_lower, [])
        ]
        for url in urls:
            response = client.get(url, follow=True)
            if response.status_code != 200:
                continue
            html = response.content.decode()
            number_fields += [f"{url}: {tag}" for tag in DECIMAL_NUMBER_INPUT.findall(html)]
            amount_fields += html.count('inputmode="decimal"')
    assert number_fields == []
    assert amount_fields  # the money fields are there, as text fields
