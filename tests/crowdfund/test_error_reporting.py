"""Error reporting (crowdfund/error_reporting.py): off without SENTRY_DSN, and no donor's name,
email or account in anything it would send. Nothing here reaches the network."""

import json

from crowdfund.error_reporting import FILTERED, scrub_event
from tests.crowdfund.test_settings import _manage

# Nothing listens on the discard port: a DSN the SDK accepts, and a send that could go nowhere.
DSN = "https://0123456789abcdef@127.0.0.1:9/42"


def _event() -> dict:
    """Shaped like what sentry-sdk's Django integration builds for a failed donation."""
    return {
        "event_id": "fc6d8c0c43fc4630ad850ee518f1b9d0",
        "level": "error",
        "platform": "python",
        "message": "Could not send the receipt to camila.rojas@example.org",
        "logentry": {
            "message": "Receipt for %s failed",
            "params": ["camila.rojas@example.org"],
        },
        "exception": {
            "values": [
                {
                    "type": "SMTPRecipientsRefused",
                    "value": "{'camila.rojas@example.org': (550, b'No such user')}",
                    "module": "smtplib",
                    "stacktrace": {
                        "frames": [{"filename": "giving/tasks.py", "function": "send", "lineno": 9}]
                    },
                }
            ]
        },
        "request": {
            "url": "https://donar.example.org/es/donate/",
            "method": "POST",
            "query_string": "prisoner=ana&email=camila%40example.org",
            "data": {
                "donor_name": "Camila Rojas",
                "donor_email": "camila.rojas@example.org",
                "public_message": "Fuerza, Ana",
                "preset": "25",
                "prisoner": "ana",
            },
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        "breadcrumbs": {
            "values": [
                {"category": "query", "message": "SELECT … WHERE donor_email = 'x@y.cl'"},
                {
                    "category": "webhook",
                    "data": {"name": "Camila Rojas", "iban": "NL91ABNA0417164300"},
                },
            ]
        },
        # A name inside free text cannot be recognised; an account number can. (That is
        # why local variables are never sent: see crowdfund/error_reporting.py.)
        "extra": {"statement_line": "Gift from NL91 ABNA 0417 1643 00, ref DSA3KM"},
        "tags": {"prisoner": "ana"},
        "contexts": {"runtime": {"name": "CPython", "version": "3.11.2"}},
        "sdk": {"name": "sentry.python.django", "version": "2.75.0"},
    }


def test_it_removes_donors_names_emails_and_accounts_from_an_event():
    scrubbed = scrub_event(_event(), {})
    text = json.dumps(scrubbed)
    for personal in ("camila", "Camila", "Rojas", "x@y.cl", "NL91", "0417", "Fuerza"):
        assert personal not in text, personal
    request = scrubbed["request"]
    assert request["data"]["donor_name"] == request["data"]["donor_email"] == FILTERED
    assert request["data"]["public_message"] == FILTERED
    assert request["query_string"] == f"prisoner=ana&email={FILTERED}"
    assert scrubbed["message"] == f"Could not send the receipt to {FILTERED}"
    assert scrubbed["logentry"]["params"] == [FILTERED]
    assert scrubbed["breadcrumbs"]["values"][1]["data"] == {"name": FILTERED, "iban": FILTERED}
    assert scrubbed["extra"]["statement_line"] == f"Gift from {FILTERED}, ref DSA3KM"


def test_it_keeps_what_is_needed_to_find_the_bug():
    scrubbed = scrub_event(_event(), {})
    exception = scrubbed["exception"]["values"][0]
    assert exception["type"] == "SMTPRecipientsRefused"
    assert exception["stacktrace"]["frames"][0]["function"] == "send"
    assert scrubbed["request"]["data"]["preset"] == "25"
    assert scrubbed["request"]["url"] == "https://donar.example.org/es/donate/"
    assert scrubbed["logentry"]["message"] == "Receipt for %s failed"
    # The SDK's and the runtime's own "name" are not a person's.
    assert scrubbed["sdk"]["name"] == "sentry.python.django"
    assert scrubbed["contexts"]["runtime"]["name"] == "CPython"


def test_it_scrubs_a_raw_body_as_well_as_a_parsed_one():
    form = {"request": {"data": "donor_name=Camila+Rojas&donor_email=c%40example.org&preset=25"}}
    stripe = {"request": {"data": '{"customer_details": {"email": "c@example.org"}, "id": "cs_1"}'}}
    assert scrub_event(form)["request"]["data"] == (
        f"donor_name={FILTERED}&donor_email={FILTERED}&preset=25"
    )
    assert "c@example.org" not in scrub_event(stripe)["request"]["data"]
    assert '"id": "cs_1"' in scrub_event(stripe)["request"]["data"]


CLIENT = "import sentry_sdk; client = sentry_sdk.get_client(); "
PRINT_CLIENT = CLIENT + (
    "print(client.is_active(), client.options['send_default_pii'], "
    "client.options['include_local_variables'], client.options['before_send'].__name__)"
)


def test_it_initialises_nothing_without_a_dsn():
    result = _manage("shell", "-c", CLIENT + "print(client.is_active())", DEBUG="1", SENTRY_DSN="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"


def test_it_reports_errors_without_personal_data_when_a_dsn_is_set():
    result = _manage("shell", "-c", PRINT_CLIENT, DEBUG="1", SENTRY_DSN=DSN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["True", "False", "False", "scrub_event"]


SEND_ONE = """
import json, sentry_sdk
from sentry_sdk.transport import Transport
sent = []
class Keep(Transport):
    def capture_envelope(self, envelope):
        sent.extend(item.payload.json for item in envelope.items if item.payload.json)
sentry_sdk.get_client().transport = Keep()
try:
    raise ValueError("no receipt for camila.rojas@example.org")
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush()
print(json.dumps(sent))
"""


def test_it_scrubs_what_the_sdk_really_sends():
    result = _manage("shell", "-c", SEND_ONE, DEBUG="1", SENTRY_DSN=DSN)
    assert result.returncode == 0, result.stderr
    [event] = json.loads(result.stdout.strip().splitlines()[-1])
    assert event["exception"]["values"][0]["value"] == f"no receipt for {FILTERED}"
    assert "camila" not in json.dumps(event)


def test_it_will_not_start_with_a_malformed_dsn():
    result = _manage("check", DEBUG="1", SENTRY_DSN="not-a-dsn")
    assert result.returncode != 0
    assert "SENTRY_DSN" in result.stderr
