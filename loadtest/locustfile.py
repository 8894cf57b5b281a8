"""The load test's visitors (run by loadtest/run.py, `make loadtest`).

- 80% browse: the public pages in the three languages, a photo, and the PDF report.
- 15% give: open the donate form, start an iDEAL gift, pay it at the Mollie fake (its control
  endpoint), deliver Mollie's webhook, and come back to the thank-you page.
- 5% are Mollie's retries: webhooks for gifts already paid (duplicates, some two at once) and
  for ids the site never made.

Every gift whose webhook was answered 200 is written to LOADTEST_RESULT when the test stops,
so the runner can check that each was counted exactly once. Each visitor claims its own
client address in X-Forwarded-For (the instance trusts 127.0.0.1 as its proxy, as production
trusts nginx), so the rate limits see 200 people, not one.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid

import gevent
from locust import FastHttpUser, between, events, task

FAKE_MOLLIE = os.environ.get("LOADTEST_FAKE_MOLLIE", "")
RESULT = os.environ.get("LOADTEST_RESULT", "")
LANGUAGES = ("es", "nl", "en")
PRESETS = ("10", "25", "50", "100")
PRISONER_LINK = re.compile(r'href="/(?:es|nl|en)/prisoners/([\w-]+)/"')
PHOTO = re.compile(r'<img[^>]+src="(/media/[^"]+)"')
ATTEMPT = re.compile(r'name="attempt" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAYMENT_ID = re.compile(r"/checkout/(tr_\w+)")

# Shared by the visitors of this one locust process: gifts paid and confirmed, and how each
# public page was answered (its X-Page-Cache or X-Form-Cache header: hit, miss, or none).
completed: list[dict] = []
answered: dict[str, dict[str, int]] = {}
_addresses = itertools.count(1)


def _address() -> str:
    n = next(_addresses)
    return f"198.18.{n // 250}.{n % 250 + 1}"  # the benchmarking range: nobody's address


class Visitor(FastHttpUser):
    abstract = True

    def on_start(self):
        self.forwarded = {"X-Forwarded-For": _address()}

    def page(self, path: str, name: str, **kwargs):
        response = self.client.get(path, name=name, headers=self.forwarded, **kwargs)
        headers = response.headers or {}
        state = headers.get("X-Page-Cache") or headers.get("X-Form-Cache") or "none"
        counts = answered.setdefault(name, {})
        counts[state] = counts.get(state, 0) + 1
        return response


class Browsing(Visitor):
    weight = 80
    wait_time = between(1, 4)
    slugs: list[str] = []
    photos: list[str] = []

    def on_start(self):
        super().on_start()
        if not Browsing.slugs:
            html = self.page("/es/", "home").text or ""
            Browsing.slugs = sorted(set(PRISONER_LINK.findall(html))) or ["-"]
            Browsing.photos = sorted(set(PHOTO.findall(html)))

    @task(30)
    def home(self):
        self.page(f"/{random.choice(LANGUAGES)}/", "home")

    @task(30)
    def prisoner(self):
        slug = random.choice(Browsing.slugs)
        self.page(f"/{random.choice(LANGUAGES)}/prisoners/{slug}/", "prisoner")

    @task(6)
    def money_use(self):
        self.page(f"/{random.choice(LANGUAGES)}/how-we-use-the-money/", "how we use the money")

    @task(6)
    def transparency(self):
        self.page(f"/{random.choice(LANGUAGES)}/where-the-money-went/", "where the money went")

    @task(6)
    def bank_transfer(self):
        self.page(f"/{random.choice(LANGUAGES)}/bank-transfer/", "bank transfer")

    @task(6)
    def photo(self):
        if Browsing.photos:
            self.page(random.choice(Browsing.photos), "photo")

    @task(4)
    def report(self):
        self.page(f"/{random.choice(LANGUAGES)}/report.pdf", "report.pdf")


class Giving(Visitor):
    weight = 15
    wait_time = between(2, 6)

    @task
    def give(self):
        language = random.choice(LANGUAGES)
        form = self.page(f"/{language}/donate/", "donate form")
        if form.status_code != 200:
            return
        html = form.text
        preset = random.choice(PRESETS)
        fields = {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "attempt": ATTEMPT.search(html).group(1),
            "frequency": "one_off",
            "preset": preset,
            "other_amount": "",
            "prisoner": random.choice(["", *Browsing.slugs]),
            "purpose": "",
            "donor_name": "Load Test",
            "donor_email": f"loadtest-{uuid.uuid4().hex[:12]}@example.org",
            "public_message": "",
            "method": "ideal",
            "website": "",
            "consent": "on",
        }
        with self.client.post(
            f"/{language}/donate/",
            data=fields,
            name="donate (start a gift)",
            headers={**self.forwarded, "Referer": f"{self.host}/{language}/donate/"},
            allow_redirects=False,
            catch_response=True,
        ) as started:
            match = PAYMENT_ID.search(started.headers.get("Location") or "")
            if started.status_code != 302 or not match:
                started.failure(f"no checkout: {started.status_code}")
                return
        payment_id = match.group(1)
        # The donor pays at Mollie (the fake's control endpoint), and Mollie calls the webhook.
        paid = self.client.post(
            f"{FAKE_MOLLIE}/_control/payments/{payment_id}/status",
            json={"status": "paid"},
            name="[mollie fake] donor pays",
        )
        redirect = paid.json()["redirectUrl"]
        webhook = self.client.post(
            "/webhooks/mollie/", data={"id": payment_id}, name="webhook (first delivery)"
        )
        if webhook.status_code == 200:
            completed.append({"id": payment_id, "amount": preset})
        self.page(_path(redirect), "thank-you page")


def _path(url: str) -> str:
    """The path of an absolute URL on the instance (the donor's return address)."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]


class MollieRetries(Visitor):
    weight = 5
    wait_time = between(1, 3)

    def _webhook(self, payment_id: str, name: str):
        self.client.post("/webhooks/mollie/", data={"id": payment_id}, name=name)

    @task(6)
    def duplicate(self):
        if completed:
            self._webhook(random.choice(completed)["id"], "webhook (duplicate)")

    @task(2)
    def two_at_once(self):
        if completed:
            payment_id = random.choice(completed)["id"]
            gevent.joinall(
                [
                    gevent.spawn(self._webhook, payment_id, "webhook (duplicate, concurrent)")
                    for _ in range(2)
                ]
            )

    @task(2)
    def unknown(self):
        self._webhook(f"tr_unknown{uuid.uuid4().hex[:10]}", "webhook (unknown id)")


@events.test_stop.add_listener
def _write_completed(environment, **kwargs):
    if RESULT:
        with open(RESULT, "w") as out:
            json.dump(completed, out)
        with open(f"{RESULT}.cache.json", "w") as out:
            json.dump(answered, out)
