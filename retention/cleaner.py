"""Step 3 of retention, and a donor's erasure: clearing a batch of gifts, their bank lines and
their payments' stored bodies, and deleting their audit entries (retention/steps.py runs
it)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from crowdfund.content import content_changed
from donors.models import ANONYMISED_DOMAIN
from ledger.models import Donation, StatementLine
from messages_of_support.models import MessageOfSupport
from payments.models import PaymentEvent
from prisoners.models import Campaign, Prisoner
from sponsorships.models import Sponsorship
from statements.references import find_reference

# Replaces a donor's name or address in a treasurer's note on a bank line.
MASK = "[anonymised]"
ONLINE = (Donation.Provider.MOLLIE, Donation.Provider.STRIPE, Donation.Provider.DEMO)
GIFT_FIELDS = ("donor_name", "donor_email", "note")
LINE_FIELDS = ("counterparty_name", "counterparty_iban", "remittance", "note")


class Cleaner:
    """Clears a batch of gifts, their bank lines and their payments' bodies, and deletes their
    audit entries, in one short transaction per batch."""

    def __init__(self, *, dry_run: bool, bodies_cutoff: datetime):
        self.dry_run = dry_run
        # Older bodies are step 1's (already gone, unless this is a dry run).
        self.bodies_cutoff = bodies_cutoff
        # Gifts of the last batch whose own row or bank line changed.
        self.touched: set[int] = set()
        self.references = _payment_references()
        self.gift_type = ContentType.objects.get_for_model(Donation)
        self.line_type = ContentType.objects.get_for_model(StatementLine)

    def clear(self, ids: list[int], *, email_for: Callable[[str], str]) -> Counter:
        if self.dry_run:
            return self._clear(ids, email_for, lock=False)
        with transaction.atomic():
            return self._clear(ids, email_for, lock=True)

    def _clear(self, ids, email_for, *, lock: bool) -> Counter:
        gifts_q = Donation.objects.filter(id__in=ids).order_by("id")
        lines_q = StatementLine.objects.filter(donation_id__in=ids).order_by("id")
        messages_q = MessageOfSupport.objects.filter(donation_id__in=ids).exclude(text="")
        if lock:
            # Locks these rows only, and only for this batch: a webhook for one of these gifts
            # (payment_apply_status locks the same row) waits a moment instead of writing a
            # status onto a row we are about to save from an older read.
            gifts_q, lines_q = gifts_q.select_for_update(), lines_q.select_for_update()
            messages_q = messages_q.select_for_update()
        gifts, lines = list(gifts_q), list(lines_q)
        # A gift's message of support goes with the donor's name: it is theirs.
        messages = list(messages_q.values_list("pk", flat=True))
        known = _known_values(gifts, lines)

        changed_gifts = []
        for gift in gifts:
            new = {
                "donor_name": "",
                "donor_email": email_for(gift.donor_email),
                "note": "",
            }
            if _assign(gift, new):
                changed_gifts.append(gift)
        changed_lines = []
        for line in lines:
            new = {
                "counterparty_name": "",
                "counterparty_iban": "",
                "remittance": self._references_only(line.remittance),
                "note": _scrub(line.note, known),
            }
            if _assign(line, new):
                changed_lines.append(line)
        changed = {g.pk for g in changed_gifts} | set(messages)
        self.touched = changed | {line.donation_id for line in changed_lines}
        events = self._events_with_bodies(gifts)
        entries = self._audit_entries(ids, [line.pk for line in lines])

        if not self.dry_run:
            # Bulk writes send no signals, so the clean-up does not log the very values it
            # removes into a fresh audit entry.
            Donation.objects.bulk_update(changed_gifts, GIFT_FIELDS)
            MessageOfSupport.objects.filter(pk__in=messages).update(text="")
            if changed:
                # A removed name or message may be on a prisoner's cached page.
                content_changed()
            StatementLine.objects.bulk_update(changed_lines, LINE_FIELDS)
            PaymentEvent.objects.filter(id__in=events).update(payload="")
            LogEntry.objects.filter(id__in=entries).delete()
        counts = Counter(
            {
                "gifts": len(changed),
                "statement lines": len(changed_lines),
                "webhook bodies": len(events),
                "audit entries": len(entries),
            }
        )
        return +counts  # drops the zeros

    def _references_only(self, remittance: str) -> str:
        """What the donor typed on the transfer, less everything but our payment reference:
        the reference shows why the line went to its fund, and is the foundation's own code."""
        return " ".join(sorted(find_reference(remittance, self.references))) if remittance else ""

    def _events_with_bodies(self, gifts: list[Donation]) -> list[int]:
        """Stored bodies that belong to these gifts' payments: linked by a status change, or
        naming the payment's id (a body whose webhook changed nothing has no link)."""
        ids = [g.pk for g in gifts]
        linked = Q(statuschange__donation_id__in=ids)
        for gift in gifts:
            for reference in (gift.provider_payment_id, gift.provider_intent_id):
                if reference and gift.provider in ONLINE:
                    linked |= Q(payload__contains=reference)
        events = PaymentEvent.objects.exclude(payload="").filter(
            linked, received_at__gte=self.bodies_cutoff
        )
        return sorted(set(events.values_list("id", flat=True)))

    def _audit_entries(self, gift_ids, line_ids) -> list[int]:
        """Every audit entry of these gifts and their bank lines, a staff member's too. Each
        can name the donor (its values, the object's name, the address of the request that
        wrote it); what a staff member changed in the books stays in the books themselves
        (a correction, a refund, the line's status), which have audit entries of their own."""
        rows = LogEntry.objects.filter(
            Q(content_type=self.gift_type, object_id__in=gift_ids)
            | Q(content_type=self.line_type, object_id__in=line_ids)
        )
        return sorted(rows.values_list("id", flat=True))


def sponsorship_bodies_clear(donor_ids: list[int]) -> int:
    """Empty the stored bodies of these donors' monthly gifts' webhooks: a subscription's or
    its customer's event at Stripe carries the donor's name and email, and names no payment of
    ours when it is not about a month (a renewal, a change, a cancellation, the customer
    itself). Linked by a status change of the sponsorship, or naming its subscription,
    customer or mandate. Each event keeps its id, type and outcome, so a replay is still
    recognised as one and counts nothing twice. Returns how many were emptied."""
    linked = Q(sponsorshipevent__sponsorship__donor_id__in=donor_ids)
    references = Sponsorship.objects.filter(donor_id__in=donor_ids).values_list(
        "provider_subscription_id", "provider_customer_id", "provider_mandate_id"
    )
    for reference in {r for row in references for r in row if r}:
        linked |= Q(payload__contains=reference)
    events = PaymentEvent.objects.exclude(payload="").filter(linked)
    return PaymentEvent.objects.filter(id__in=events.values("id")).update(payload="")


def _assign(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _known_values(gifts, lines) -> set[str]:
    values = {g.donor_name for g in gifts} | {g.donor_email for g in gifts}
    for line in lines:
        values |= {line.counterparty_name, line.counterparty_iban}
    # Shorter than three characters would mask ordinary words and figures too.
    return {v.strip() for v in values if len(v.strip()) >= 3 and ANONYMISED_DOMAIN not in v}


def _scrub(text: str, known: Iterable[str]) -> str:
    for value in sorted(known, key=len, reverse=True):
        text = re.sub(re.escape(value), MASK, text, flags=re.IGNORECASE)
    return text


def _payment_references() -> set[str]:
    references = {p.upper() for p in Prisoner.objects.values_list("payment_reference", flat=True)}
    references |= {r.upper() for r in Campaign.objects.values_list("general_reference", flat=True)}
    return references
