"""What the audit trail watches here: roles and staff members' devices. Each app registers its
own money and donor records in its `receivers.py` (ledger, agreements).

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
