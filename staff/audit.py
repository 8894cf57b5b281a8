"""What the audit trail watches: money, donors' records, roles and staff members' devices.

django-auditlog writes one LogEntry per create, change or delete, with the actor (from
staff.middleware.AuditActorMiddleware), the time and each changed field's before and after
values. Writes by the system (webhooks, imports) and by visitors are kept too, with no actor
and no address. A donor's erasure or anonymisation deletes every entry of their objects
(retention/cleaner.py, agreements/retention.py).
"""

from auditlog.registry import auditlog
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from agreements.models import AgreementGift, AgreementSignature, PeriodicGiftAgreement
from ledger.models import (
    BankStatement,
    Category,
    Correction,
    Donation,
    Expense,
    FundTransfer,
    Refund,
    StatementLine,
)

# Donation carries the donor's record (name, email, message) until donors get their own model.
for model in (Donation, Correction, Refund, Expense, FundTransfer, BankStatement, StatementLine):
    auditlog.register(model, exclude_fields=["updated_at"])
auditlog.register(Category)

# Periodic-gift agreements: each signature (the treasurer's countersignature with its actor),
# the gifts linked under an agreement, and the agreement's status, donor (set when the owner
# of its address signs), documents, and a cancellation with its reason and note. Not its
# terms' personal fields (address, date of birth): they never change, and the trail would
# only keep a second copy of them.
# Not a signature's IP address: the signature keeps it as evidence, and the trail keeps no
# visitor's address (a staff member's countersignature has the request's own address).
auditlog.register(AgreementSignature, exclude_fields=["ip_address"])
auditlog.register(AgreementGift)
auditlog.register(
    PeriodicGiftAgreement,
    include_fields=[
        "number",
        "status",
        "donor",
        "sponsorship",
        "terms_pdf_sha256",
        "final_pdf_sha256",
        "final_sent_at",
        "ended_on",
        "end_reason",
        "cancelled_at",
        "cancel_reason",
        "cancel_note",
        "cancelled_by",
    ],
)

# Role changes. The password hash is recorded as "changed", never its value; last_login
# would add an entry per login.
auditlog.register(
    User,
    exclude_fields=["last_login"],
    mask_fields=["password"],
    mask_callable="staff.audit.hidden",
    m2m_fields={"groups", "user_permissions"},
)
auditlog.register(Group, m2m_fields={"permissions"})

# Setting up and resetting a second factor. Only these fields: the key must never be copied
# into the log, and each login's counter update is no event. A passkey's public key is no
# secret, but its bytes tell a reader nothing and its sign count and last use change at
# every login; who, which kind of device and when is what the trail is for.
for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
    auditlog.register(model, include_fields=["user", "name", "confirmed"])


def hidden(value: str) -> str:
    return "********"
