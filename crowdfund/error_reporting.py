"""Error reporting through sentry-sdk, on only when SENTRY_DSN is set.

A donor's name, email or bank account must never reach an outside service: giving to this
cause can put a person at risk. So sentry-sdk sends no personal data of its own
(send_default_pii=False), no local variables (a frame's locals hold gifts and forms whose
text can carry a name that no scrubber recognises), and scrub_event removes what is left
before anything is sent: the values of known personal fields wherever they appear, and
anything shaped like an email address or an IBAN in any text, and the rows and key values
that PostgreSQL quotes in its error messages.
"""

from __future__ import annotations

import re
from typing import Any

FILTERED = "[Filtered]"
# Form fields, model fields and provider payload keys that hold a person's data.
PERSONAL_KEYS = frozenset(
    {
        "donor_email",
        "donor_name",
        "name",
        "email",
        "iban",
        "public_message",
        "note",
        "counterparty_name",
        "counterparty_iban",
        "account_iban",
        "customer_email",
        "customer_details",
        "billing_details",
        "consumername",
        "consumeraccount",
        "remote_addr",
        "ip_address",
        "x_forwarded_for",
        # The periodic-gift agreement (agreements/forms.py): who the donor is, where they
        # were born and live, and their partner.
        "given_names",
        "surname",
        "birth_date",
        "birth_place",
        "street",
        "postcode",
        "city",
        "partner_name",
        "partner_email",
        # A bank line's free text often names who paid.
        "remittance",
    }
)
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# As people type it too: in lower case, or with the spaces a form body encodes as + or %20.
_GAP = r"(?: |\+|%20)?"
IBAN = re.compile(
    rf"(?i)\b[A-Z]{{2}}\d{{2}}(?:{_GAP}[A-Z0-9]{{4}}){{2,7}}(?:{_GAP}[A-Z0-9]{{1,4}})?\b"
)
# PostgreSQL quotes the failing row, or a key's value, in an error's DETAIL: a name, an
# address, a message. The constraint's name, which says what went wrong, stays.
FAILING_ROW = re.compile(r"(Failing row contains ).*")
KEY_DETAIL = re.compile(
    r"(\bKey \((?:[^()]|\([^()]*\))*\))=\(.*?\)(?= already exists| is not present|\.?$)", re.M
)
_KEYS = "|".join(sorted(PERSONAL_KEYS, key=len, reverse=True))
# key=value in a query string or form body, and "key": "value" in JSON text.
KEY_VALUE = re.compile(rf"(?i)\b({_KEYS})=[^&\s]*")
JSON_PAIR = re.compile(rf'(?i)"({_KEYS})"\s*:\s*"(?:[^"\\]|\\.)*"')


def scrub_text(text: str) -> str:
    text = KEY_VALUE.sub(lambda m: f"{m.group(1)}={FILTERED}", text)
    text = JSON_PAIR.sub(lambda m: f'"{m.group(1)}": "{FILTERED}"', text)
    text = FAILING_ROW.sub(lambda m: f"{m.group(1)}({FILTERED}).", text)
    text = KEY_DETAIL.sub(lambda m: f"{m.group(1)}=({FILTERED})", text)
    text = EMAIL.sub(FILTERED, text)
    return IBAN.sub(FILTERED, text)


# The SDK's description of itself and of the machine ("name": "CPython"): by key, these are
# no person's data, and Sentry needs them whole. Text in them is still scrubbed.
SDK_SECTIONS = frozenset({"sdk", "contexts", "modules"})


def _personal(key) -> bool:
    return isinstance(key, str) and key.lower().replace("-", "_") in PERSONAL_KEYS


def _scrub(value: Any, *, by_key: bool = True) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            key: FILTERED if by_key and _personal(key) else _scrub(item, by_key=by_key)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_scrub(item, by_key=by_key) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """sentry-sdk's before_send: the event without personal data.

    Walks the whole event (message, exception values, request data, query string, breadcrumbs,
    extra, tags) rather than a list of known places, so a place added by a later version of
    the SDK is scrubbed too.
    """
    return {key: _scrub(value, by_key=key not in SDK_SECTIONS) for key, value in event.items()}


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return _scrub(crumb)


def sentry_init(*, dsn: str, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="small",
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        # Errors only: no performance tracing, so no request timings leave the server either.
        traces_sample_rate=0,
    )
