"""Retention: donors' personal data goes when it has served its purpose; the ledger stays.

Four steps, each with its period in the settings (RETENTION_*):

1. webhook bodies (`PaymentEvent.payload`) are emptied; the event's id, type, outcome and
   detail stay;
2. a gift whose payment never completed loses the donor's details;
3. a donor with no gift for years is anonymised: their gifts, their bank lines, the stored
   bodies of their payments and the audit trail's values for those rows;
4. what an abandoned attempt left besides the gift goes too: a donor record that only
   unfinished attempts ever used, and a periodic-gift agreement never signed
   (`retention_unfinished`).

Only personal fields are touched. Amounts, dates, funds, statuses and provider references
stay, so every total and report is the same to the cent. Each batch is one short
transaction, and every step only picks rows that still hold something to remove, so a second
run finds nothing.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Max, Q, Value, When
from django.db.models.functions import Cast, Concat, Lower, Replace, Trim, Upper
from django.utils import timezone

from donors.models import ANONYMISED_DOMAIN, Donor
from ledger.models import Donation
from payments.models import PaymentEvent
from retention.base import (
    Progress,
    StepResult,
    batches,
    bodies_cutoff,
    held_keys,
    old_unfinished,
    other_records_clear,
    unfinished_cutoff,
    years_before,
)
from retention.cleaner import Cleaner
from retention.expired import expired_records_delete
from retention.unfinished import unfinished_donors_delete

# Who a gift's donor is: the address they gave (in any case), else the bank account it came
# from, else the gift alone.
DONOR_KEY = Case(
    When(
        ~Q(donor_email=""),
        then=Concat(Value("email:"), Lower(Trim("donor_email")), output_field=CharField()),
    ),
    When(
        statement_line__counterparty_iban__gt="",
        then=Concat(
            Value("iban:"),
            Upper(Replace("statement_line__counterparty_iban", Value(" "), Value(""))),
            output_field=CharField(),
        ),
    ),
    default=Concat(Value("gift:"), Cast("id", CharField()), output_field=CharField()),
    output_field=CharField(),
)

HAS_PERSONAL_DATA = (
    Q(donor_name__gt="")
    | Q(message__text__gt="")
    | Q(note__gt="")
    | (Q(donor_email__gt="") & ~Q(donor_email__iendswith=f"@{ANONYMISED_DOMAIN}"))
    | Q(statement_line__counterparty_name__gt="")
    | Q(statement_line__counterparty_iban__gt="")
    | Q(statement_line__remittance__gt="")
)


@dataclass
class RetentionResult:
    dry_run: bool
    steps: list[StepResult]

    @property
    def changed(self) -> int:
        return sum(sum(step.counts.values()) for step in self.steps)


def retention_apply(
    *, now: datetime | None = None, dry_run: bool = False, progress: Progress | None = None
) -> RetentionResult:
    """Run the five steps; with `dry_run`, count what they would change and write nothing."""
    now = now or timezone.now()
    report = progress or (lambda step, done, total: None)
    return RetentionResult(
        dry_run=dry_run,
        steps=[
            webhook_bodies_shred(now=now, dry_run=dry_run, progress=report),
            unfinished_gifts_clear(now=now, dry_run=dry_run, progress=report),
            donors_anonymise(now=now, dry_run=dry_run, progress=report),
            unfinished_donors_delete(now=now, dry_run=dry_run, progress=report),
            expired_records_delete(now=now, dry_run=dry_run, progress=report),
        ],
    )


def webhook_bodies_shred(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("webhook bodies", bodies_cutoff(now))
    old = PaymentEvent.objects.filter(received_at__lt=step.cutoff).exclude(payload="")
    ids = list(old.order_by("id").values_list("id", flat=True))
    for done, batch in batches(ids):
        if dry_run:
            step.counts["webhook bodies"] += len(batch)
        else:
            # One UPDATE per batch; a webhook arriving meanwhile only writes newer rows.
            cleared = PaymentEvent.objects.filter(id__in=batch).exclude(payload="")
            step.counts["webhook bodies"] += cleared.update(payload="")
        progress(step.name, done, len(ids))
    return step


def unfinished_gifts_clear(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("unfinished gifts", unfinished_cutoff(now))
    gifts = Donation.objects.filter(old_unfinished(now))
    ids = list(gifts.filter(HAS_PERSONAL_DATA).order_by("id").values_list("id", flat=True))
    cleaner = Cleaner(dry_run=dry_run, bodies_cutoff=bodies_cutoff(now))
    for done, batch in batches(ids):
        # Never counted in a total, so the address simply goes.
        step.counts += cleaner.clear(batch, email_for=lambda email: "")
        progress(step.name, done, len(ids))
    return step


def donors_anonymise(*, now: datetime, dry_run: bool, progress: Progress) -> StepResult:
    step = StepResult("donors", years_before(now, settings.RETENTION_DONOR_YEARS))
    # An attempt that never completed is no gift, and step 2 clears it; leaving it out here
    # also makes a dry run count what the real run, after step 2, will find.
    keyed = Donation.objects.order_by().exclude(old_unfinished(now)).annotate(donor_key=DONOR_KEY)
    last_gift = keyed.values("donor_key").annotate(last=Max("created_at"))
    expired = set(last_gift.filter(last__lt=step.cutoff).values_list("donor_key", flat=True))
    expired -= held_keys(expired)
    gifts_by_donor: dict[str, list[int]] = defaultdict(list)
    rows = keyed.filter(HAS_PERSONAL_DATA).values_list("id", "donor_key").distinct()
    for gift_id, key in rows.order_by("id"):
        if key in expired:
            gifts_by_donor[key].append(gift_id)
    # A donor's gifts stay in one batch, so they all get the same made-up address.
    batches = list(_donorbatches(gifts_by_donor.items()))
    total = sum(len(keys) for keys, _ids in batches)
    done = 0
    cleaner = Cleaner(dry_run=dry_run, bodies_cutoff=bodies_cutoff(now))
    for keys, ids in batches:
        tokens: dict[str, str] = {}

        def email_for(email: str, tokens=tokens) -> str:
            if not email or email.lower().endswith(f"@{ANONYMISED_DOMAIN}"):
                return email
            if email not in tokens:
                tokens[email] = anonymised_email()
            return tokens[email]

        step.counts += cleaner.clear(ids, email_for=email_for)
        step.counts += _donor_records_clear(ids, email_for=email_for, dry_run=dry_run)
        step.counts["donors"] += len(
            {key for key in keys if cleaner.touched & set(gifts_by_donor[key])}
        )
        done += len(keys)
        progress(step.name, done, total)
    return step


def _donor_records_clear(
    gift_ids: list[int], *, email_for: Callable[[str], str], dry_run: bool
) -> Counter:
    """The donor records behind anonymised gifts lose their name and address too, so the
    donor's page and its links stop opening; then what other apps keep in their names goes."""
    donors = list(
        Donor.objects.filter(donations__id__in=gift_ids)
        .exclude(email__iendswith=f"@{ANONYMISED_DOMAIN}")
        .distinct()
        .order_by("pk")
    )
    if donors and not dry_run:
        with transaction.atomic():
            for donor in donors:
                Donor.objects.filter(pk=donor.pk).update(
                    email=email_for(donor.email), name="", wants_news=False
                )
            donor_ids = [donor.pk for donor in donors]
            other_records_clear(donor_ids)
    return +Counter({"donor records": len(donors)})


def anonymised_email() -> str:
    """A made-up address that points to nobody and can never be mailed (see ANONYMISED_DOMAIN)."""
    return f"donor-{secrets.token_hex(8)}@{ANONYMISED_DOMAIN}"


def gifts_anonymise(*, gift_ids: list[int], email: str, now: datetime | None = None) -> Counter:
    """Clear these gifts now, as step 3 would after the retention period: for a donor who
    asked to be erased. Every address on them becomes `email` (one made-up address), so the
    number of donors stays what it was; amounts, dates and funds stay for the books."""
    cleaner = Cleaner(dry_run=False, bodies_cutoff=bodies_cutoff(now or timezone.now()))
    counts: Counter = Counter()
    for _done, batch in batches(sorted(gift_ids)):
        counts += cleaner.clear(batch, email_for=lambda old: old and email)
    return counts


def _donorbatches(groups) -> Iterator[tuple[list[str], list[int]]]:
    keys: list[str] = []
    ids: list[int] = []
    for key, gift_ids in groups:
        keys.append(key)
        ids += gift_ids
        if len(ids) >= settings.RETENTION_BATCH_SIZE:
            yield keys, ids
            keys, ids = [], []
    if keys:
        yield keys, ids
